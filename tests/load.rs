//! `itsm-conform load` end to end, on loopback only, each run a few seconds with few users.
//! Goose keeps process-wide state (its killswitch), so the runs of this file take turns.

mod common;

use std::path::Path;
use std::sync::Mutex;

use common::run_cli;
use itsm_conform::load::LoadSummary;
use itsm_conform::server::{FaultSet, ServerConfig};

static GOOSE: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    GOOSE.lock().unwrap_or_else(|p| p.into_inner())
}

fn summary(dir: &Path) -> LoadSummary {
    let text = std::fs::read_to_string(dir.join("load-summary.json")).expect("load-summary.json written");
    serde_json::from_str(&text).expect("summary parses")
}

#[test]
fn a_short_run_against_the_reference_passes_its_default_thresholds_and_writes_every_report() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = run_cli(&["load", "--users", "4", "--run-time", "2s", "--out", out]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.contains("embedded reference server"), "{stderr}");
    for name in ["load-summary.json", "load-goose.html", "load-goose.json", "load-goose.md"] {
        assert!(dir.path().join(name).is_file(), "{name} missing; {stderr}");
    }
    let s = summary(dir.path());
    assert!(s.passed && s.total.count > 0 && s.total.failures == 0, "{stdout}");
    assert!(s.requests.iter().any(|r| r.name == "getNewest" && r.count > 0), "{stdout}");
    assert!(stdout.contains("error-rate<1%") && stdout.contains("p95<500ms") && stdout.contains("PASS"), "{stdout}");

    // The same summary as a baseline: the deltas are printed.
    let baseline = dir.path().join("load-summary.json");
    let again = dir.path().join("again");
    let (code, stdout, stderr) = run_cli(&[
        "load",
        "--users",
        "2",
        "--iterations",
        "2",
        "--scenario",
        "requester",
        "--baseline",
        baseline.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("against the baseline") && stdout.contains("getByUser"), "{stdout}");
}

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
    let line = |t: &str| stdout.lines().find(|l| l.trim_start().starts_with(t)).unwrap_or_default().to_string();
    assert!(line("p95<0ms").ends_with("FAIL") && line("error-rate<1%").ends_with("pass"), "{stdout}");
    let s = summary(dir.path());
    assert!(!s.passed && !s.thresholds[0].passed && s.thresholds[1].passed);
    assert!(s.thresholds[0].measured.is_some());
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

/// Runs the technician scenario against an in-process reference server with `fault`.
fn run_against_fault(fault: &str) -> (u8, String, LoadSummary, String) {
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
    runtime.block_on(server.shutdown());
    (code, format!("{stdout}\n{stderr}"), summary(&out), goose_json)
}

#[test]
fn a_broken_envelope_is_reported_with_its_requirement() {
    let _turn = turn();
    let (code, output, s, goose_json) = run_against_fault("error-on-success");
    assert_eq!(code, 4, "{output}");
    assert!(s.errors_by_requirement.get("GEN-ENV-006").is_some_and(|n| *n > 0), "{output}");
    assert!(output.contains("GEN-ENV-006"), "{output}");
    // Goose's own report carries the requirement in the failure message.
    assert!(goose_json.contains("GEN-ENV-006"), "goose report lacks the requirement");
}

#[test]
fn a_schema_violation_is_reported_with_its_requirement() {
    let _turn = turn();
    let (code, output, s, _) = run_against_fault("drop-field");
    assert_eq!(code, 4, "{output}");
    assert!(s.errors_by_requirement.get("MV-ITEM-001").is_some_and(|n| *n > 0), "{output}");
}

#[test]
fn the_summary_has_a_stable_shape() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_cli(&[
        "load",
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
    let s = itsm_conform::load::summary::deterministic(&summary(dir.path()));
    insta::assert_json_snapshot!("load_summary", s);
}

#[test]
fn abort_on_fail_stops_the_run_at_the_first_breach_and_still_writes_the_reports() {
    let _turn = turn();
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run_cli(&[
        "load",
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
}
