//! `itsm-conform load` end to end, on loopback only, each run a few seconds with few users.
//! Goose keeps process-wide state (its killswitch), so the runs of this file take turns.

mod common;

use std::path::Path;
use std::sync::Mutex;

use common::run_cli;
use itsm_conform::load::LoadSummary;
use itsm_conform::model::{RunReport, RunVerdict};
use itsm_conform::server::{FaultSet, ServerConfig};

static GOOSE: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    GOOSE.lock().unwrap_or_else(|p| p.into_inner())
}

/// `load` with the embedded server in a child process of the real binary (this test binary cannot
/// `serve`, so without `--server-exe` the server would run in-process).
fn load_with_child(args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["load", "--server-exe", env!("CARGO_BIN_EXE_itsm-conform")];
    argv.extend_from_slice(args);
    run_cli(&argv)
}

fn summary(dir: &Path) -> LoadSummary {
    let text = std::fs::read_to_string(dir.join("load-summary.json")).expect("load-summary.json written");
    serde_json::from_str(&text).expect("summary parses")
}

/// The run-model reports of a load run, named apart from `run`'s.
const RUN_MODEL_REPORTS: [&str; 4] = ["load.junit.xml", "load.json", "load.md", "load.html"];

/// (testcase name, failure message) of every failed testcase of `load.junit.xml`.
fn junit_failures(junit: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(junit).unwrap_or_else(|e| panic!("load.junit.xml is not XML: {e}\n{junit}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|f| {
            let case = f.parent().and_then(|c| c.attribute("name")).unwrap_or_default();
            (case.to_string(), f.attribute("message").unwrap_or_default().to_string())
        })
        .collect()
}

/// `load.json`, validated against the committed report schema, as the run model.
fn run_model(dir: &Path) -> RunReport {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(itsm_conform::report::json::SCHEMA_FILE);
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let text = std::fs::read_to_string(dir.join("load.json")).expect("load.json written");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "load.json does not match the report schema: {errors:#?}");
    serde_json::from_value(json).expect("load.json is a run report")
}

#[test]
fn a_short_run_against_the_reference_passes_its_default_thresholds_and_writes_every_report() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = load_with_child(&["--users", "4", "--run-time", "2s", "--out", out]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("embedded reference server") && stderr.contains("child process"), "{stderr}");
    for name in
        ["load-summary.json", "load-goose.html", "load-goose.json", "load-goose.md"].iter().chain(&RUN_MODEL_REPORTS)
    {
        assert!(dir.path().join(name).is_file(), "{name} missing; {stderr}");
        assert!(stderr.contains(name), "`wrote` does not name {name}: {stderr}");
    }
    let s = summary(dir.path());
    let report = run_model(dir.path());
    assert_eq!((report.verdict, report.load.as_ref()), (RunVerdict::Pass, Some(&s)));
    assert!(junit_failures(&std::fs::read_to_string(dir.path().join("load.junit.xml")).unwrap()).is_empty());
    assert!(s.passed && s.total.count > 0 && s.total.failures == 0, "{stdout}");
    assert!(s.requests.iter().any(|r| r.name == "getNewest" && r.count > 0), "{stdout}");
    assert!(stdout.contains("error-rate<1%") && stdout.contains("p95<500ms") && stdout.contains("PASS"), "{stdout}");
    // The default validates every response (the memo parses each distinct document once).
    assert!(
        s.schema_validated > 0
            && s.schema_validated <= s.total.count
            && (1..=s.schema_validated).contains(&s.schema_validated_distinct),
        "{stdout}"
    );

    // The same summary as a baseline: the deltas are printed.
    let baseline = dir.path().join("load-summary.json");
    let again = dir.path().join("again");
    let (code, stdout, stderr) = load_with_child(&[
        "--users",
        "2",
        "--iterations",
        "2",
        "--scenario",
        "requester",
        "--baseline",
        baseline.to_str().unwrap(),
        "--validate-sample",
        "0",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("against the baseline") && stdout.contains("getByUser"), "{stdout}");
    let s = summary(&again);
    assert_eq!((s.schema_validated, s.schema_validated_distinct), (0, 0), "envelope checks only: {stdout}");
    assert!(s.total.count > 0 && s.total.failures == 0, "{stdout}");
}

/// Without `--server-exe`, this test binary (not itsm-conform) falls back to the in-process server.
#[test]
fn an_impossible_threshold_exits_4_with_the_table() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = run_cli(&[
        "load",
        "--users",
        "2",
        "--run-time",
        "1s",
        "--scenario",
        "requester",
        "--threshold",
        "p95<0ms",
        "--threshold",
        "error-rate<1%",
        "--out",
        out,
    ]);
    assert_eq!(code, 4, "{stdout}\n{stderr}");
    assert!(stderr.contains("in-process") && !dir.path().join("load-server.log").exists(), "{stderr}");
    let line = |t: &str| stdout.lines().find(|l| l.trim_start().starts_with(t)).unwrap_or_default().to_string();
    assert!(line("p95<0ms").ends_with("FAIL") && line("error-rate<1%").ends_with("pass"), "{stdout}");
    let s = summary(dir.path());
    assert!(!s.passed && !s.thresholds[0].passed && s.thresholds[1].passed);
    assert!(s.thresholds[0].measured.is_some());
    // The breach is a failed testcase, in the run model's reports too.
    let failures = junit_failures(&std::fs::read_to_string(dir.path().join("load.junit.xml")).unwrap());
    assert!(
        failures.iter().any(|(case, message)| case == "load/threshold p95<0ms" && message.starts_with("THRESHOLD")),
        "{failures:?}"
    );
    let report = run_model(dir.path());
    assert_eq!((report.verdict, report.load.as_ref()), (RunVerdict::Fail, Some(&s)));
    let markdown = std::fs::read_to_string(dir.path().join("load.md")).unwrap();
    assert!(markdown.contains("| `p95<0ms` |") && markdown.contains("| FAIL |"), "{markdown}");
}

#[test]
fn a_broken_threshold_exits_2_with_its_column_before_sending_anything() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_cli(&["load", "--threshold", "p95<<3ms", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stderr.contains("column 5") && stderr.contains("expected a number"), "{stderr}");
    assert!(!dir.path().join("load-summary.json").exists());
    let (code, _, stderr) = run_cli(&["load", "--threshold", "getNewst:p95<1s"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("getNewest"), "{stderr}");
}

/// Runs the technician scenario against an in-process reference server with `fault`: the exit
/// code, the output, the summary, Goose's JSON report and `load.junit.xml`.
fn run_against_fault(fault: &str) -> (u8, String, LoadSummary, String, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(vec![fault.parse().unwrap()]);
    let server = runtime.block_on(common::TestServer::start_with(config)).server;
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("creds.yaml");
    let mut text = String::new();
    for (login, password, role) in server.credentials() {
        let role = format!("{role:?}").to_lowercase();
        if !text.contains(&format!("{role}:")) {
            text.push_str(&format!("{role}: {{user: {login}, password: {password}}}\n"));
        }
    }
    std::fs::write(&creds, text).unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run_cli(&[
        "load",
        "--target",
        &server.base_url(),
        "--credentials",
        creds.to_str().unwrap(),
        "--scenario",
        "technician",
        "--users",
        "2",
        "--run-time",
        "2s",
        "--out",
        out.to_str().unwrap(),
    ]);
    let goose_json = std::fs::read_to_string(out.join("load-goose.json")).unwrap_or_default();
    let junit = std::fs::read_to_string(out.join("load.junit.xml")).unwrap_or_default();
    runtime.block_on(server.shutdown());
    (code, format!("{stdout}\n{stderr}"), summary(&out), goose_json, junit)
}

/// The requirement's testcase failed in `load.junit.xml`, naming it.
fn assert_junit_fails(junit: &str, requirement: &str) {
    let failures = junit_failures(junit);
    assert!(
        failures
            .iter()
            .any(|(case, message)| case == &format!("load/{requirement}") && message.starts_with(requirement)),
        "no failed testcase for {requirement}: {failures:?}"
    );
}

#[test]
fn a_broken_envelope_is_reported_with_its_requirement() {
    let _turn = turn();
    let (code, output, s, goose_json, junit) = run_against_fault("error-on-success");
    assert_eq!(code, 4, "{output}");
    assert!(s.errors_by_requirement.get("GEN-ENV-006").is_some_and(|n| *n > 0), "{output}");
    assert!(output.contains("GEN-ENV-006"), "{output}");
    // Goose's own report carries the requirement in the failure message.
    assert!(goose_json.contains("GEN-ENV-006"), "goose report lacks the requirement");
    assert_junit_fails(&junit, "GEN-ENV-006");
}

#[test]
fn a_schema_violation_is_reported_with_its_requirement() {
    let _turn = turn();
    let (code, output, s, _, junit) = run_against_fault("drop-field");
    assert_eq!(code, 4, "{output}");
    assert!(s.errors_by_requirement.get("MV-ITEM-001").is_some_and(|n| *n > 0), "{output}");
    assert_junit_fails(&junit, "MV-ITEM-001");
}

#[test]
fn the_summary_has_a_stable_shape() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = load_with_child(&[
        "--users",
        "1",
        "--iterations",
        "2",
        "--scenario",
        "requester",
        "--threshold",
        "new:p99<10s",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let s = itsm_conform::model::load::deterministic(&summary(dir.path()));
    insta::assert_json_snapshot!("load_summary", s);
}

#[test]
fn abort_on_fail_stops_the_run_at_the_first_breach_and_still_writes_the_reports() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = load_with_child(&[
        "--users",
        "2",
        "--run-time",
        "20s",
        "--scenario",
        "requester",
        "--threshold",
        "p95<0ms",
        "--abort-on-fail",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{stdout}\n{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "the run was not stopped early");
    let s = summary(dir.path());
    assert!(s.interrupted && s.stop_reason.as_deref().is_some_and(|r| r.contains("p95<0ms")), "{stdout}");
    assert!(dir.path().join("load-goose.html").is_file());
    assert!(stdout.contains("PARTIAL"), "{stdout}");
    // The run model's reports are written too, and say they are partial.
    let report = run_model(dir.path());
    assert!(report.interrupted && report.notes.iter().any(|n| n.contains("p95<0ms")), "{:?}", report.notes);
    assert!(std::fs::read_to_string(dir.path().join("load.md")).unwrap().contains("PARTIAL"));
}

#[test]
fn the_child_server_is_gone_after_the_run_and_its_log_is_kept() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = load_with_child(&[
        "--users",
        "1",
        "--iterations",
        "1",
        "--scenario",
        "requester",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let line = stderr.lines().find(|l| l.starts_with("no --target:")).unwrap_or_else(|| panic!("{stderr}"));
    let url = line.split(" at ").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap();
    let address = url.trim_start_matches("http://").split('/').next().unwrap();
    assert!(line.contains("load-server.log"), "{line}");
    assert!(std::net::TcpStream::connect(address).is_err(), "{address} still accepts connections after the run");
    // Reaped, not a zombie: a zombie keeps its /proc entry.
    #[cfg(target_os = "linux")]
    {
        let pid = line.split("child process ").nth(1).and_then(|rest| rest.split(',').next()).unwrap();
        assert!(!Path::new(&format!("/proc/{pid}")).exists(), "child {pid} still exists");
    }
    let log = std::fs::read_to_string(dir.path().join("load-server.log")).unwrap();
    assert!(log.contains(&format!("listening on  {url}")), "the server's banner is in its log:\n{log}");
    assert!(log.contains("tecnico") && !log.contains("tecnico-demo"), "no password in the server's log:\n{log}");
}

#[cfg(unix)]
#[test]
fn a_server_exe_that_never_says_ready_is_a_harness_error_quickly() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let exe = ["/bin/true", "/usr/bin/true"].into_iter().find(|p| Path::new(p).exists()).expect("a `true` program");
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run_cli(&[
        "load",
        "--server-exe",
        exe,
        "--users",
        "1",
        "--iterations",
        "1",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{stdout}\n{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "not quick: {:?}", started.elapsed());
    assert!(stderr.contains("did not start") && stderr.contains("before it was ready"), "{stderr}");
    assert!(stderr.contains("load-server.log"), "the error names the server's log: {stderr}");
    assert!(!dir.path().join("load-summary.json").exists());
}
