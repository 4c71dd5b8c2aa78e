//! `itsm-conform spec …` end to end, in-process: output snapshots, exit codes, diagnostics.

mod common;

use common::{copy_specs, run_cli};

#[test]
fn spec_list_shows_50_endpoints() {
    let (code, out, err) = run_cli(&["spec", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("50 endpoints\n"), "{out}");
    insta::assert_snapshot!("spec_list", out);
}

#[test]
fn spec_list_json_is_machine_readable() {
    let (code, out, _) = run_cli(&["spec", "list", "--format", "json"]);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 50);
    assert!(rows.iter().all(|r| r["path"].as_str().is_some_and(|p| p.starts_with('/'))));
    let (code, out, _) = run_cli(&["spec", "list", "--group", "services-xml", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap().len(), 2);
}

#[test]
fn spec_list_rejects_an_unknown_group() {
    let (code, _, err) = run_cli(&["spec", "list", "--group", "mobile-v3"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown group `mobile-v3`") && err.contains("hint"), "{err}");
}

#[test]
fn spec_check_passes_on_the_project_specs() {
    let (code, out, err) = run_cli(&["spec", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("50/50 table rows accounted for"), "{out}");
    assert!(out.contains("0 unaccounted"), "{out}");
}

#[test]
fn spec_show_prints_one_endpoint() {
    let (code, out, _) = run_cli(&["spec", "show", "/services/v2/contracts"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("spec_show_contracts", out);
    let (code, _, err) = run_cli(&["spec", "show", "/services/v2/contract"]);
    assert_eq!(code, 2);
    assert!(err.contains("no endpoint `/services/v2/contract`"), "{err}");
}

#[test]
fn a_syntax_error_in_a_spec_file_is_reported_with_file_line_col() {
    let dir = copy_specs();
    let file = dir.path().join("endpoints/services-v2/contracts.json");
    let text = std::fs::read_to_string(&file).unwrap();
    // Drop the comma after the "since" member: line 4 of the file.
    let broken = text.replacen("\"since\": \"7.x\",", "\"since\": \"7.x\"", 1);
    assert_ne!(broken, text);
    std::fs::write(&file, broken).unwrap();
    let specs = dir.path().to_str().unwrap();
    let (code, _, err) = run_cli(&["--specs", specs, "spec", "check"]);
    assert_eq!(code, 2, "{err}");
    let expected = format!("{specs}/endpoints/services-v2/contracts.json:5:3");
    assert!(err.contains(&expected), "expected `{expected}` in:\n{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn a_semantic_error_points_at_the_offending_member() {
    let dir = copy_specs();
    let file = dir.path().join("endpoints/services-v2/contracts.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"group\": \"services-v2\"", "\"group\": \"mobile-v2\"", 1)).unwrap();
    let specs = dir.path().to_str().unwrap();
    let (code, _, err) = run_cli(&["--specs", specs, "spec", "check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("group `mobile-v2` does not match the path `/services/v2/contracts`"), "{err}");
    assert!(err.contains("contracts.json:3:12"), "{err}");
}

#[test]
fn an_unmapped_table_name_and_an_unknown_requirement_are_reported() {
    let dir = copy_specs();
    let file = dir.path().join("endpoints/services-v2/contracts.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replacen("\"contracts\": \"/contracts\", ", "", 1);
    let text = text.replacen("\"x-requirement\": \"SV2-CONTRACTS-001\"", "\"x-requirement\": \"SV2-NOPE-001\"", 1);
    std::fs::write(&file, text).unwrap();
    let (code, _, err) = run_cli(&["--specs", dir.path().to_str().unwrap(), "spec", "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("table name `contracts` (returns) is not mapped"), "{err}");
    assert!(err.contains("unknown requirement `SV2-NOPE-001`"), "{err}");
}

#[test]
fn readme_documents_the_exit_codes() {
    let readme = std::fs::read_to_string(common::project_root().join("README.md")).unwrap();
    for line in itsm_conform::exit::TABLE.lines().skip(1) {
        let line = line.trim();
        let (code, text) = line.split_once("  ").unwrap();
        assert!(
            readme.contains(&format!("| {code} | {text} |")),
            "README lacks the exit-code row `| {code} | {text} |`"
        );
    }
}
