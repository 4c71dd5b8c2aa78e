//! `itsm-conform run` and `suites` from the command line, in-process: exit codes, diagnostics with
//! file:line:col, reports written even when the target is unreachable or the run is interrupted.

mod common;

use common::run_cli;

fn bad_suites_dir(yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.yaml"), yaml).unwrap();
    dir
}

#[test]
fn a_suite_with_an_unknown_endpoint_is_exit_2_with_file_line_col() {
    let dir = bad_suites_dir(
        "name: broken\ncases:\n  - name: one\n    steps:\n      - call: /services/v2/contract\n        body: {sessionID: x}\n",
    );
    let d = dir.path().to_str().unwrap();
    let (code, _, err) = run_cli(&["suites", "check", "--suites-dir", d]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{d}/broken.yaml:5:9")), "{err}");
    assert!(err.contains("unknown endpoint `/services/v2/contract`"), "{err}");
    assert!(err.contains("did you mean /services/v2/contracts"), "{err}");
    let (code, _, err) = run_cli(&["run", "--suites-dir", d]);
    assert_eq!(code, 2, "run refuses to start: {err}");
}

#[test]
fn unknown_fields_variables_and_requirements_are_reported() {
    let dir = bad_suites_dir(
        "name: broken\ncases:\n  - name: one\n    steps:\n      - call: /services/v2/contracts\n        body: {sessionID: \"{{sid}}\", colour: red}\n        expect:\n          requirement: SV2-NOPE-001\n",
    );
    let (code, _, err) = run_cli(&["suites", "check", "--suites-dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("`/colour` is not a field of the /services/v2/contracts request"), "{err}");
    assert!(err.contains("unknown variable `sid`"), "{err}");
    assert!(err.contains("unknown requirement `SV2-NOPE-001`"), "{err}");
}

#[test]
fn malformed_yaml_is_exit_2_with_its_position() {
    let dir = bad_suites_dir("name: broken\ncases:\n  - name: [unclosed\n");
    let (code, _, err) = run_cli(&["suites", "check", "--suites-dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("broken.yaml:"), "{err}");
}

#[test]
fn the_project_suites_check_clean() {
    let (code, out, err) = run_cli(&["suites", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("50/50 endpoints called by written suites"), "{out}");
}

#[test]
fn a_target_without_credentials_or_a_bad_flag_is_exit_2() {
    let (code, _, err) = run_cli(&["run", "--target", "http://127.0.0.1:9/citsmart"]);
    assert_eq!(code, 2);
    assert!(err.contains("needs credentials"), "{err}");
    let (code, _, err) = run_cli(&["run", "--group", "mobile-v3"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown group"), "{err}");
    let (code, _, err) = run_cli(&["run", "--target", "ftp://x", "--user", "a", "--password", "b"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn run_against_the_embedded_reference_passes_and_writes_five_reports() {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, err) = run_cli(&["run", "--out", out.path().to_str().unwrap(), "--no-color"]);
    assert_eq!(code, 0, "{stdout}\n{err}");
    assert!(err.contains("embedded reference server"), "{err}");
    assert!(stdout.contains("PASS"), "{stdout}");
    for file in ["itsm-conform.junit.xml", "itsm-conform.json", "itsm-conform.md", "itsm-conform.html"] {
        assert!(out.path().join(file).is_file(), "{file} missing");
    }
}

/// The acceptance scenario: `serve` started separately on another port with another vendor's data
/// (other users, ids and texts), certified with `run --target` and a credentials file.
#[test]
fn a_separately_started_server_with_other_data_passes() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let data = common::project_root().join("suites/data/other-vendor.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_itsm-conform"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve starts");
    // Wait (bounded) until it accepts connections.
    let up = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("creds.yaml");
    std::fs::write(
        &creds,
        "technician: {user: maria.campo, password: \"Campo#2026\"}\napprover: {user: joao.aprova, password: \"Aprova!77\"}\nrequester: {user: ana.solicita, password: \"Pede+2026\"}\ncoordinator: {user: lucia.coord, password: \"Coordena@1\"}\n",
    )
    .unwrap();
    let out = dir.path().join("reports");
    let result = up.then(|| {
        run_cli(&[
            "run",
            "--target",
            &format!("http://127.0.0.1:{port}/citsmart"),
            "--credentials",
            creds.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-color",
        ])
    });
    let _ = child.kill();
    let _ = child.wait();
    let (code, stdout, err) = result.expect("serve came up");
    assert_eq!(code, 0, "{stdout}\n{err}");
    let json = std::fs::read_to_string(out.join("itsm-conform.json")).unwrap();
    assert!(!json.contains("Campo#2026"), "the password is redacted");
    // One account per role: the rules between two users of a role are out of scope, and every
    // format says why.
    assert!(stdout.contains("that need two accounts per role"), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let requirement =
        |id: &str| report["requirements"].as_array().unwrap().iter().find(|r| r["id"] == id).cloned().expect("listed");
    for id in ["MV2-CHECKIN-007", "MV2-CHECKOUT-007"] {
        let r = requirement(id);
        assert_eq!(r["coverage"], "out_of_scope", "{r}");
        assert!(r.to_string().contains("needs two accounts per role"), "{r}");
    }
    for format in ["itsm-conform.md", "itsm-conform.html", "itsm-conform.junit.xml"] {
        let text = std::fs::read_to_string(out.join(format)).unwrap_or_default();
        assert!(text.contains("two accounts per role"), "{format} says why");
    }
}

#[test]
fn suites_list_output() {
    let (code, out, err) = run_cli(&["suites", "list"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("suites_list", out);
}
