//! The conformance runner end to end, in-process: the clean reference passes with no MUST failure
//! and no warning and every in-scope MUST checked, another vendor's data passes, and no report
//! leaks a secret. The faults and freedoms are in tests/selftest.rs.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use itsm_conform::run::{self, Credentials, Outcome, RunConfig, RunHandle, RunReport, RunVerdict};
use itsm_conform::schema::SchemaRegistry;
use itsm_conform::server::{self, DataSet, ServerConfig};
use itsm_conform::suite;

fn suites(registry: &SchemaRegistry) -> Vec<suite::LoadedSuite> {
    suite::load_dir(&common::project_root().join("suites"), registry.spec())
        .unwrap_or_else(|d| panic!("suites load:\n{d}"))
}

async fn run_against(config: ServerConfig, timeout: Duration) -> (RunReport, Vec<String>, Credentials) {
    let registry = common::registry();
    let server = server::start(config, registry.spec().clone()).await.expect("server starts");
    let credentials = itsm_conform::cli::reference_accounts(&server);
    let config = RunConfig { timeout, ..RunConfig::new(server.base_url(), credentials.clone(), suites(&registry)) };
    let report = run::run_suites(&config, registry.clone(), &RunHandle::default(), &run::engine::NoProgress)
        .await
        .expect("the run completes");
    let sessions = server.session_ids();
    server.shutdown().await;
    (report, sessions, credentials)
}

fn failures(report: &RunReport) -> Vec<String> {
    let mut out = Vec::new();
    for case in &report.cases {
        for step in &case.steps {
            if let Some(e) = &step.error {
                out.push(format!("{} / {}: ERROR {e}", case.id, step.name));
            }
            // A check that could not be made (skipped, with why) is coverage, not a problem.
            for c in step.checks.iter().filter(|c| !matches!(c.outcome, Outcome::Pass | Outcome::Skipped)) {
                out.push(format!(
                    "{} / {}: {:?} {} {} expected {:?} actual {:?}",
                    case.id, step.name, c.outcome, c.requirement, c.check, c.expected, c.actual
                ));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clean_reference_passes_with_no_failure_and_no_warning() {
    let (report, _, _) = run_against(ServerConfig::local(), Duration::from_secs(10)).await;
    let problems = failures(&report);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(report.verdict, RunVerdict::Pass);
    assert_eq!(report.stats.must_failures, 0);
    assert_eq!(report.stats.should_failures, 0);
    let must = report.requirement_coverage.must;
    assert_eq!(must.not_checked, 0, "every in-scope MUST is checked on the reference");
    let covered = report.coverage.iter().filter(|c| c.calls > 0).count();
    println!(
        "clean reference: {} cases ({} passed, {} skipped), {} checks, {covered}/50 endpoints covered; \
         MUST requirements verified {}/{}, {} not applicable, {} out of scope",
        report.stats.cases,
        report.stats.passed,
        report.stats.skipped,
        report.stats.checks,
        must.verified,
        must.in_scope(),
        must.not_applicable,
        must.out_of_scope
    );
    assert_eq!(covered, 50, "every endpoint is exercised");
}

/// The slow tier against a server whose sessions live 2 s: GEN-SES-004 is checked (the only MUST
/// out of scope without it) and holds, so no MUST is left out of scope.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slow_tier_checks_session_expiry_against_a_short_session_lifetime() {
    let registry = common::registry();
    let mut config = ServerConfig::local();
    config.session_ttl = Duration::from_secs(2);
    let server = server::start(config, registry.spec().clone()).await.expect("server starts");
    let mut run_config =
        RunConfig::new(server.base_url(), itsm_conform::cli::reference_accounts(&server), suites(&registry));
    run_config.include_slow = true;
    run_config.session_ttl = Duration::from_secs(2);
    let report = run::run_suites(&run_config, registry.clone(), &RunHandle::default(), &run::engine::NoProgress)
        .await
        .expect("the run completes");
    server.shutdown().await;
    let problems = failures(&report);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    let expiry = report.requirements.iter().find(|r| r.id == "GEN-SES-004").unwrap();
    assert_eq!(expiry.coverage, itsm_conform::model::Coverage::Verified, "{expiry:?}");
    let must = report.requirement_coverage.must;
    assert_eq!((must.not_checked, must.out_of_scope), (0, 0), "{must:?}");
    assert_eq!(report.verdict, RunVerdict::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_vendors_data_passes_too() {
    let text = std::fs::read_to_string(common::project_root().join("suites/data/other-vendor.json")).unwrap();
    let mut config = ServerConfig::local();
    config.data = DataSet::parse("other-vendor.json", &text).expect("valid data set");
    let (report, _, credentials) = run_against(config, Duration::from_secs(10)).await;
    assert!(credentials.roles.values().all(|(user, _)| !user.starts_with("tecnico")), "other users");
    let problems = failures(&report);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(report.verdict, RunVerdict::Pass);
    assert_eq!(report.requirement_coverage.must.not_checked, 0, "every in-scope MUST is checked with other data too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_report_format_contains_a_password_or_a_live_session_id() {
    let (report, sessions, credentials) = run_against(ServerConfig::local(), Duration::from_secs(10)).await;
    assert!(!sessions.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let formats = itsm_conform::report::ReportFormat::ALL;
    let paths = itsm_conform::report::write_reports(&report, dir.path(), &formats).unwrap();
    let mut texts: Vec<(PathBuf, String)> =
        paths.iter().map(|p| (p.clone(), std::fs::read_to_string(p).unwrap())).collect();
    texts.push(("terminal".into(), itsm_conform::report::terminal_summary(&report, false)));
    for (path, text) in &texts {
        for password in credentials.secrets() {
            assert!(!text.contains(&password), "{} contains a password", path.display());
        }
        for sid in &sessions {
            assert!(!text.contains(sid.as_str()), "{} contains the session id {sid}", path.display());
        }
    }
}

#[test]
fn the_suite_schema_file_is_fresh() {
    let fresh = format!("{}\n", serde_json::to_string_pretty(&suite::json_schema()).unwrap());
    common::assert_committed_file_fresh(
        "specs/meta/suite.schema.json",
        &fresh,
        "--test runner the_suite_schema_file_is_fresh",
    );
}

/// The editors' schema agrees with the loader: every committed suite validates, and a check with
/// two operators, or none, or an unknown key, does not.
#[test]
fn the_suite_schema_accepts_the_suites_and_refuses_what_the_loader_refuses() {
    let validator = jsonschema::validator_for(&suite::json_schema()).expect("the suite schema compiles");
    let dir = common::project_root().join("suites");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let value: serde_json::Value = serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
    let with_check = |check: serde_json::Value| serde_json::json!({"name": "x", "cases": [{"name": "c", "steps": [{"call": "/mobile/v2/notification/getNewest", "expect": {"checks": [check]}}]}]});
    let good = with_check(serde_json::json!({"requirement": "R", "pointer": "/a", "max_items": 1}));
    assert!(validator.is_valid(&good));
    for bad in [
        serde_json::json!({"requirement": "R", "pointer": "/a", "max_items": 1, "equals": 2}),
        serde_json::json!({"requirement": "R", "pointer": "/a"}),
        serde_json::json!({"requirement": "R", "pointer": "/a", "max_items": 1, "equal": 2}),
    ] {
        assert!(!validator.is_valid(&with_check(bad.clone())), "the schema accepts {bad}");
        let yaml = serde_norway::to_string(&with_check(bad.clone())).unwrap();
        assert!(suite::load_text("bad.yaml", &yaml, common::registry().spec()).is_err(), "the loader accepts {bad}");
    }
}

/// Ctrl-C sets the handle: cases not started are listed as not run, the verdict is INCOMPLETE
/// (never PASS), and every report says the run is partial.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_still_writes_partial_reports() {
    let registry = common::registry();
    let server = server::start(ServerConfig::local(), registry.spec().clone()).await.unwrap();
    let config = RunConfig {
        jobs: 1,
        ..RunConfig::new(server.base_url(), itsm_conform::cli::reference_accounts(&server), suites(&registry))
    };
    // Interrupt as soon as the third case has finished, as Ctrl-C would.
    struct CancelAfter(RunHandle, std::sync::atomic::AtomicUsize);
    impl run::engine::Progress for CancelAfter {
        fn finished(&self, _case: &run::CaseResult) {
            if self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == 3 {
                self.0.cancel();
            }
        }
    }
    let handle = RunHandle::default();
    let progress = CancelAfter(handle.clone(), std::sync::atomic::AtomicUsize::new(0));
    let report = run::run_suites(&config, registry.clone(), &handle, &progress).await.unwrap();
    server.shutdown().await;
    assert!(report.interrupted);
    assert_eq!(report.verdict, RunVerdict::Incomplete);
    assert_eq!(itsm_conform::model::verdict::exit_code(report.verdict), itsm_conform::exit::INCOMPLETE);
    let ran = report.cases.iter().filter(|c| c.steps.iter().any(|s| s.response.is_some())).count();
    assert!(ran >= 3, "the cases finished before the interrupt are kept: {ran}");
    assert!(
        report.stats.cases_not_run > 100,
        "cases not started are listed as not run: {}",
        report.stats.cases_not_run
    );
    assert_eq!(report.cases.len(), report.stats.cases, "every planned case is in the report");
    assert!(report.requirement_coverage.must.not_checked > 0, "what was not run was not checked");
    let dir = tempfile::tempdir().unwrap();
    let formats = itsm_conform::report::ReportFormat::ALL;
    for path in itsm_conform::report::write_reports(&report, dir.path(), &formats).unwrap() {
        let text = std::fs::read_to_string(&path).unwrap();
        let marked = text.contains(itsm_conform::report::PARTIAL) || text.contains("\"interrupted\": true");
        assert!(marked, "{} does not say the run was interrupted", path.display());
        if path.to_string_lossy().ends_with(".junit.xml") {
            assert!(text.contains("<skipped message=\"not run: interrupted"), "JUnit lists the cases not run");
        }
    }
}

/// One account for every role (`--user`): the case about another user's requests does not apply,
/// and says why, instead of checking a user against itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_about_two_users_does_not_apply_when_one_account_plays_both() {
    let registry = common::registry();
    let server = server::start(ServerConfig::local(), registry.spec().clone()).await.unwrap();
    let (user, password, _) =
        server.credentials().into_iter().find(|(_, _, r)| format!("{r:?}") == "Requester").unwrap();
    let lifecycle: Vec<suite::LoadedSuite> =
        suites(&registry).into_iter().filter(|s| s.suite.name == "request-lifecycle").collect();
    let config = RunConfig {
        generated: false,
        ..RunConfig::new(server.base_url(), Credentials::single(&user, &password), lifecycle)
    };
    let report =
        run::run_suites(&config, registry.clone(), &RunHandle::default(), &run::engine::NoProgress).await.unwrap();
    server.shutdown().await;
    let case = report.cases.iter().find(|c| c.name == "getByUser of another user does not list the request").unwrap();
    assert_eq!(case.outcome, Outcome::Skipped);
    let step = &case.steps[0];
    assert_eq!(step.unchecked, Some(itsm_conform::model::Unchecked::NotApplicable));
    assert!(step.skipped_reason.as_deref().unwrap().contains("one account plays requester and technician"), "{step:?}");
}

/// A schema failure on an answer does not stop the read-backs after it: only a missing value does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_backs_still_run_after_a_schema_failure() {
    let registry = common::registry();
    let mut config = ServerConfig::local();
    config.faults = itsm_conform::server::FaultSet::new(vec!["drop-field".parse().unwrap()]);
    let (report, _, _) = run_against(config, Duration::from_secs(10)).await;
    let case = report.cases.iter().find(|c| c.name.starts_with("a field day")).unwrap();
    let newest = case.steps.iter().position(|s| s.name.starts_with("newest notifications")).unwrap();
    assert_eq!(case.steps[newest].outcome, Outcome::Fail, "getNewest breaks MV-ITEM-001 (no taskId)");
    let ran_after = case.steps[newest + 1..].iter().filter(|s| s.response.is_some()).count();
    assert!(ran_after > 10, "the steps after it ran: {ran_after}");
    drop(registry);
}
