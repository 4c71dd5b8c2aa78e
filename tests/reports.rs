//! Report renderers: snapshots of every format (rendered from the deterministic copy), JUnit counts,
//! the JSON report contract, the self-contained HTML, and the PARTIAL mark of an interrupted run.
//!
//! Four fixtures built in code: a passing run (a SHOULD warning, a case out of scope), a failing,
//! interrupted run (a MUST failure with schema evidence, a harness error, a case not run), an
//! incomplete run (a MUST not checked for lack of data), and a load run (a breached threshold,
//! requirements broken under load, requests without an answer). At the end, one real run against
//! the reference server with faults bounds the size of the reports.

mod common;

use std::collections::BTreeMap;

use clap::ValueEnum;
use itsm_conform::load::summary::RequestStats;
use itsm_conform::load::threshold::ThresholdVerdict;
use itsm_conform::load::{LoadSummary, ScenarioMix};
use itsm_conform::model::verdict;
use itsm_conform::model::{
    CaseResult, CheckResult, Coverage, EndpointCoverage, Outcome, RequestRecord, RequirementVerdict, ResponseRecord,
    RunReport, RunVerdict, StepResult, Stop, Unchecked, FORMAT_VERSION,
};
use itsm_conform::report::{self, redact, ReportFormat, PARTIAL};
use itsm_conform::spec::Level;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// fixtures

const BASE: &str = "http://127.0.0.1:43211/citsmart";
const SESSION: &str = "3f2c9a7e-1b4d-4c8e-9f00-0123456789ab";

fn check(requirement: &str, level: Level, outcome: Outcome, check: &str) -> CheckResult {
    CheckResult {
        requirement: requirement.to_string(),
        level,
        outcome,
        check: check.to_string(),
        expected: None,
        actual: None,
        instance_path: None,
        schema_path: None,
        unchecked: None,
        occurrences: None,
    }
}

fn evidence(mut c: CheckResult, expected: &str, actual: &str) -> CheckResult {
    c.expected = Some(expected.to_string());
    c.actual = Some(actual.to_string());
    c
}

/// A step that was sent: request, response and curl line as the engine records them.
fn step(endpoint: &str, request_body: &str, status: u16, response_body: &str, checks: Vec<CheckResult>) -> StepResult {
    let url = format!("{BASE}{endpoint}");
    let mut s = StepResult {
        name: endpoint.to_string(),
        endpoint: endpoint.to_string(),
        outcome: Outcome::Pass,
        skipped_reason: None,
        unchecked: None,
        request: Some(RequestRecord {
            method: "POST".to_string(),
            url: url.clone(),
            content_type: "application/json".to_string(),
            body: request_body.to_string(),
        }),
        response: Some(ResponseRecord {
            status,
            content_type: "application/json".to_string(),
            body: response_body.to_string(),
            truncated: false,
            duration_ms: 37,
        }),
        error: None,
        checks,
        curl: Some(format!(
            "curl -sS -X POST '{url}' -H 'Content-Type: application/json' -H 'Accept: application/json' --data '{request_body}'"
        )),
    };
    s.outcome = verdict::step_outcome(&s);
    s
}

fn case(suite: &str, name: &str, duration_ms: u64, steps: Vec<StepResult>) -> CaseResult {
    CaseResult {
        id: format!("{suite}/{name}"),
        suite: suite.to_string(),
        name: name.to_string(),
        tags: vec!["flow".to_string()],
        source: format!("suites/{suite}.yaml"),
        outcome: verdict::case_outcome(&steps),
        duration_ms,
        steps,
        can_check: Vec::new(),
    }
}

/// A case that did not run: its one step skipped for `why`.
fn not_run(suite: &str, name: &str, endpoint: &str, why: Unchecked, reason: &str) -> CaseResult {
    let step = StepResult {
        name: endpoint.to_string(),
        endpoint: endpoint.to_string(),
        outcome: Outcome::Skipped,
        skipped_reason: Some(reason.to_string()),
        unchecked: Some(why),
        request: None,
        response: None,
        error: None,
        checks: Vec::new(),
        curl: None,
    };
    case(suite, name, 0, vec![step])
}

fn login_step() -> StepResult {
    step(
        "/services/v2/login",
        r#"{"userName":"tecnico","password":"***","token":"t-1","platform":"Android"}"#,
        200,
        &format!(
            r#"{{"sessionID":"{SESSION}","rangeAction":10,"locationInterval":5,"dateTime":1764277200123,"operationID":41,"error":null}}"#
        ),
        vec![
            check("GEN-HTTP-002", Level::Must, Outcome::Pass, "status is 200"),
            check("SV2-LOGIN-001", Level::Must, Outcome::Pass, "response matches the schema"),
            check("GEN-ENV-001", Level::Must, Outcome::Pass, "the envelope has dateTime, operationID and error"),
        ],
    )
}

/// The requirements the fixtures touch, each with the worst outcome of its checks (as
/// `verdict::requirement_verdicts` computes it from a spec); those no check reached take their
/// coverage from `unchecked` (id, coverage, why, detail), else are out of the selection.
fn requirements(cases: &[CaseResult], unchecked: &[(&str, Coverage, Unchecked, &str)]) -> Vec<RequirementVerdict> {
    let catalogue = [
        ("GEN-ENV-001", Level::Must, "A successful operation response carries dateTime, operationID and error."),
        ("GEN-HTTP-002", Level::Must, "A successful operation answers HTTP 200."),
        ("GEN-SES-004", Level::Must, "A session expires a fixed time after login, and use does not extend it."),
        ("MV-ITEM-001", Level::Must, "Each notification list item carries number and taskId."),
        ("MV2-CHECKIN-001", Level::Must, "A successful checkin answers number, an integer; id is optional."),
        ("MV2-GETNEWEST-004", Level::Should, "Items are ordered by number, descending."),
        (
            "SV2-LOGIN-001",
            Level::Must,
            "A successful v2 login answers an object with error, sessionID, rangeAction and locationInterval.",
        ),
        (
            "XML-LOGIN-001",
            Level::Must,
            "A successful XML login answers 200 with error null and a non-empty string sessionID.",
        ),
        ("XML-LOGIN-004", Level::Should, "With Accept: application/json the response body is JSON."),
    ];
    catalogue
        .into_iter()
        .map(|(id, level, text)| {
            let checks: Vec<&CheckResult> =
                cases.iter().flat_map(|c| &c.steps).flat_map(|s| &s.checks).filter(|c| c.requirement == id).collect();
            let broken = checks.iter().any(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn));
            let (coverage, why, detail) = if broken {
                (Coverage::Failed, None, None)
            } else if !checks.is_empty() {
                (Coverage::Verified, None, None)
            } else {
                match unchecked.iter().find(|u| u.0 == id) {
                    Some((_, coverage, why, detail)) => (*coverage, Some(*why), Some(detail.to_string())),
                    None => (
                        Coverage::OutOfScope,
                        Some(Unchecked::Selection),
                        Some("no case of this run's selection checks it".to_string()),
                    ),
                }
            };
            RequirementVerdict {
                coverage,
                why,
                detail,
                id: id.to_string(),
                level,
                text: text.to_string(),
                outcome: if checks.is_empty() {
                    Outcome::Skipped
                } else {
                    verdict::worst(checks.iter().map(|c| c.outcome))
                },
                checks: checks.len(),
                failures: checks
                    .iter()
                    .filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error))
                    .count(),
            }
        })
        .collect()
}

/// Five of the fifty endpoints, counted as `verdict::coverage` counts them.
fn coverage(cases: &[CaseResult]) -> Vec<EndpointCoverage> {
    let endpoints = [
        ("/mobile/v2/notification/checkin", "mobile-v2"),
        ("/mobile/v2/notification/getNewest", "mobile-v2"),
        ("/services/v2/login", "services-v2"),
        ("/services/v2/status", "services-v2"),
        ("/services/xml/login", "services-xml"),
    ];
    endpoints
        .into_iter()
        .map(|(path, group)| {
            let steps: Vec<&StepResult> = cases
                .iter()
                .flat_map(|c| &c.steps)
                .filter(|s| s.endpoint == path && s.outcome != Outcome::Skipped)
                .collect();
            EndpointCoverage {
                path: path.to_string(),
                group: group.to_string(),
                calls: steps.len(),
                passed: steps.iter().filter(|s| matches!(s.outcome, Outcome::Pass | Outcome::Warn)).count(),
                failed: steps.iter().filter(|s| matches!(s.outcome, Outcome::Fail | Outcome::Error)).count(),
            }
        })
        .collect()
}

fn verdict_findings(cases: &[CaseResult]) -> Vec<itsm_conform::model::FindingGroup> {
    itsm_conform::model::findings::group(cases)
}

fn run_report(
    cases: Vec<CaseResult>,
    stopped: Option<Stop>,
    selection: &[&str],
    unchecked: &[(&str, Coverage, Unchecked, &str)],
) -> RunReport {
    let stats = verdict::stats(&cases);
    let requirements = requirements(&cases, unchecked);
    let requirement_coverage = verdict::requirement_coverage(&requirements);
    RunReport {
        format_version: FORMAT_VERSION,
        tool: "itsm-conform".to_string(),
        tool_version: "0.1.0".to_string(),
        spec_version: "7.00".to_string(),
        target: BASE.to_string(),
        embedded_target: true,
        started_at: "2026-11-27T21:00:00Z".to_string(),
        duration_ms: 1532,
        interrupted: stopped.is_some(),
        stopped,
        stop_reason: stopped.map(|_| "interrupted by SIGTERM".to_string()),
        verdict: verdict::run_verdict(&stats, &requirement_coverage, stopped),
        stats,
        requirement_coverage,
        requirements,
        coverage: coverage(&cases),
        findings: verdict_findings(&cases),
        cases,
        selection: selection.iter().map(|s| s.to_string()).collect(),
        notes: Vec::new(),
        extra: Value::Null,
        load: None,
    }
}

/// Passes: a login, a list whose order breaks a SHOULD (a warning), and a skipped check-in.
fn passing() -> RunReport {
    let newest = step(
        "/mobile/v2/notification/getNewest",
        &format!(r#"{{"sessionID":"{SESSION}","notificationType":0,"onlyApproval":0,"newestNumber":0}}"#),
        200,
        r#"{"notifications":[{"number":41,"taskId":7},{"number":57,"taskId":9}],"dateTime":1764277200456,"operationID":42,"error":null}"#,
        vec![
            check("GEN-HTTP-002", Level::Must, Outcome::Pass, "status is 200"),
            evidence(
                check("MV2-GETNEWEST-004", Level::Should, Outcome::Warn, "items are ordered by number, descending"),
                "numbers in descending order",
                "41 before 57",
            ),
        ],
    );
    let slow = "only the slow tier checks it: run with --include slow";
    let cases = vec![
        case("technician", "login", 120, vec![login_step()]),
        case("technician", "newest-first", 210, vec![login_step(), newest]),
        not_run("sessions", "expiry", "/services/v2/status", Unchecked::SlowTier, slow),
    ];
    let unchecked = [
        ("GEN-SES-004", Coverage::OutOfScope, Unchecked::SlowTier, slow),
        (
            "MV-ITEM-001",
            Coverage::NotApplicable,
            Unchecked::NotApplicable,
            "technician/newest-first step 2: the optional member was absent",
        ),
    ];
    run_report(cases, None, &[], &unchecked)
}

/// Incomplete: every check held, but the technician had no task, so a MUST was never checked.
fn incomplete() -> RunReport {
    let lacked = "the technician has no notifications";
    let mut newest = step(
        "/mobile/v2/notification/getNewest",
        &format!(r#"{{"sessionID":"{SESSION}","notificationType":0,"onlyApproval":0,"newestNumber":0}}"#),
        200,
        r#"{"notifications":[],"dateTime":1764277200456,"operationID":42,"error":null}"#,
        vec![check("GEN-HTTP-002", Level::Must, Outcome::Pass, "status is 200")],
    );
    newest.outcome = Outcome::Skipped;
    newest.skipped_reason = Some(lacked.to_string());
    newest.unchecked = Some(Unchecked::LackedData);
    let cases = vec![case("technician", "newest-first", 210, vec![login_step(), newest])];
    let unchecked = [(
        "MV-ITEM-001",
        Coverage::NotChecked,
        Unchecked::LackedData,
        "technician/newest-first step 2 (getNewest): the technician has no notifications",
    )];
    run_report(cases, None, &[], &unchecked)
}

/// Fails, and was interrupted: a check-in whose number is a string (a MUST, with schema evidence)
/// and an XML login that timed out (a harness error).
fn failing() -> RunReport {
    let mut checkin = step(
        "/mobile/v2/notification/checkin",
        &format!(
            r#"{{"sessionID":"{SESSION}","taskId":7,"latitude":-15.79,"longitude":-47.88,"startTime":"27/11/2026 21:00"}}"#
        ),
        200,
        r#"{"number":"4711","dateTime":1764277201789,"operationID":43,"error":null}"#,
        vec![
            check("GEN-HTTP-002", Level::Must, Outcome::Pass, "status is 200"),
            CheckResult {
                instance_path: Some("/number".to_string()),
                schema_path: Some("/properties/number/type".to_string()),
                ..evidence(
                    check("MV2-CHECKIN-001", Level::Must, Outcome::Fail, "response matches the schema"),
                    "integer",
                    "string \"4711\"",
                )
            },
        ],
    );
    checkin.name = "check in".to_string();
    let mut xml_login = step("/services/xml/login", "<Login><UserName>tecnico</UserName></Login>", 0, "", Vec::new());
    xml_login.request.as_mut().unwrap().content_type = "application/xml".to_string();
    xml_login.curl =
        xml_login.curl.map(|c| c.replace("Content-Type: application/json", "Content-Type: application/xml"));
    xml_login.response = None;
    xml_login.error = Some(format!("timeout: no response within 10 s from {BASE}/services/xml/login"));
    xml_login.outcome = verdict::step_outcome(&xml_login);
    let interrupted = "not run: interrupted by SIGTERM";
    let cases = vec![
        case("technician", "login", 118, vec![login_step()]),
        case("technician", "check-in", 260, vec![login_step(), checkin]),
        case("services", "xml-login", 10_004, vec![xml_login]),
        not_run("technician", "denial", "/mobile/v2/notification/checkin/denied", Unchecked::NotRun, interrupted),
    ];
    let unchecked = [(
        "GEN-ENV-001",
        Coverage::NotChecked,
        Unchecked::NotRun,
        "technician/denial step 1: not run: interrupted by SIGTERM",
    )];
    run_report(
        cases,
        Some(Stop::Interrupted),
        &["--group mobile-v2", "--group services-xml", "--level must"],
        &unchecked,
    )
}

fn request_stats(name: &str, count: u64, failures: u64, rps: f64, p: [f64; 5]) -> RequestStats {
    RequestStats {
        name: name.to_string(),
        count,
        failures,
        error_rate_pct: failures as f64 * 100.0 / count as f64,
        rps,
        avg_ms: p[0],
        p50_ms: p[0],
        p90_ms: p[1],
        p95_ms: p[2],
        p99_ms: p[3],
        max_ms: p[4],
    }
}

/// A load run whose `getNewest:p99<5ms` was breached, with envelope and schema failures (MUST) and
/// a request that got no answer; built by hand so every figure is fixed.
fn load_summary() -> LoadSummary {
    let threshold = |threshold: &str, measured: f64, measured_text: &str, passed: bool| ThresholdVerdict {
        threshold: threshold.to_string(),
        measured: Some(measured),
        measured_text: measured_text.to_string(),
        passed,
    };
    LoadSummary {
        format_version: itsm_conform::load::summary::FORMAT_VERSION,
        tool_version: "0.1.0".to_string(),
        target: BASE.to_string(),
        embedded_target: true,
        started_at: "2026-11-27T21:00:00Z".to_string(),
        duration_s: 15.1,
        interrupted: false,
        stop_reason: None,
        users: 4,
        scenarios: vec![
            ScenarioMix { name: "technician".to_string(), weight: 3 },
            ScenarioMix { name: "requester".to_string(), weight: 1 },
        ],
        validate_sample: 0.5,
        total: request_stats("all", 1200, 6, 79.5, [3.1, 7.9, 9.8, 21.0, 48.2]),
        requests: vec![
            request_stats("getNewest", 800, 5, 53.0, [3.4, 8.2, 10.1, 22.4, 48.2]),
            request_stats("login", 400, 1, 26.5, [2.5, 6.0, 7.7, 12.3, 30.9]),
        ],
        warnings_by_requirement: BTreeMap::new(),
        errors_by_requirement: BTreeMap::from([
            ("GEN-ENV-006".to_string(), 3),
            ("MV-ITEM-001".to_string(), 2),
            ("transport".to_string(), 1),
        ]),
        errors_by_status: BTreeMap::from([("200".to_string(), 5), ("transport".to_string(), 1)]),
        relogins: 2,
        tolerated_rejections: 7,
        iterations_ended_early: 0,
        schema_validated: 600,
        schema_validated_distinct: 41,
        thresholds: vec![
            threshold("error-rate<1%", 0.5, "0.50 %", true),
            threshold("getNewest:p99<5ms", 22.4, "22.4 ms", false),
        ],
        passed: false,
    }
}

fn load_report() -> RunReport {
    let spec = itsm_conform::spec::load(&itsm_conform::spec::SpecFiles::embedded()).expect("the spec loads");
    let selection = ["--users 4", "--scenario technician:3", "--scenario requester:1", "--run-time 15s"];
    itsm_conform::load::report::to_run_report(&load_summary(), &spec, selection.map(String::from).to_vec())
}

fn rendered(format: ReportFormat, report: &RunReport) -> String {
    report::render(format, &redact::deterministic(report))
}

// ---------------------------------------------------------------------------------------------
// fixtures are what they claim to be

#[test]
fn the_fixtures_have_the_verdicts_they_are_named_after() {
    let p = passing();
    assert_eq!(p.verdict, RunVerdict::Pass);
    assert_eq!((p.stats.passed, p.stats.warned, p.stats.skipped, p.stats.should_failures), (1, 1, 1, 1));
    let f = failing();
    assert_eq!(f.verdict, RunVerdict::Fail);
    assert_eq!((f.stats.failed, f.stats.errored, f.stats.must_failures, f.stats.harness_errors), (1, 1, 1, 1));
    assert!(f.interrupted && !p.interrupted);
    let i = incomplete();
    assert_eq!(i.verdict, RunVerdict::Incomplete);
    assert_eq!(i.requirement_coverage.must.not_checked, 1);
    let l = load_report();
    assert_eq!(l.verdict, itsm_conform::model::RunVerdict::Fail);
    assert_eq!((l.stats.cases, l.stats.passed, l.stats.failed, l.stats.errored), (5, 1, 3, 1));
}

// ---------------------------------------------------------------------------------------------
// terminal

#[test]
fn terminal_summary_snapshots() {
    insta::assert_snapshot!("terminal_passing", report::terminal_summary(&redact::deterministic(&passing()), false));
    insta::assert_snapshot!("terminal_failing", report::terminal_summary(&redact::deterministic(&failing()), false));
    insta::assert_snapshot!(
        "terminal_incomplete",
        report::terminal_summary(&redact::deterministic(&incomplete()), false)
    );
}

#[test]
fn terminal_colour_only_when_asked() {
    let plain = report::terminal_summary(&failing(), false);
    assert!(!plain.contains('\x1b'), "{plain}");
    let coloured = report::terminal_summary(&failing(), true);
    assert!(coloured.contains("\x1b[1;31mFAIL"), "{coloured}");
    // Colour changes nothing but the escape codes.
    assert_eq!(strip_ansi(&coloured), plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|c| *c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// JUnit

#[test]
fn junit_snapshots() {
    insta::assert_snapshot!("junit_passing", rendered(ReportFormat::Junit, &passing()));
    insta::assert_snapshot!("junit_failing", rendered(ReportFormat::Junit, &failing()));
    insta::assert_snapshot!("junit_incomplete", rendered(ReportFormat::Junit, &incomplete()));
}

/// (testcases, failure, error, skipped elements) of a JUnit document; panics if it is not XML.
fn junit_counts(xml: &str) -> (usize, usize, usize, usize) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("JUnit is not XML: {e}\n{xml}"));
    let count = |name: &str| doc.descendants().filter(|n| n.has_tag_name(name)).count();
    (count("testcase"), count("failure"), count("error"), count("skipped"))
}

#[test]
fn load_report_snapshots() {
    insta::assert_snapshot!("junit_load", rendered(ReportFormat::Junit, &load_report()));
    insta::assert_snapshot!("markdown_load", rendered(ReportFormat::Markdown, &load_report()));
}

#[test]
fn a_load_report_fails_the_breached_threshold_and_each_broken_requirement_in_junit() {
    let xml = report::render(ReportFormat::Junit, &load_report());
    assert_eq!(junit_counts(&xml), (5, 3, 1, 0));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failed: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|f| (f.parent().unwrap().attribute("name").unwrap(), f.attribute("message").unwrap()))
        .collect();
    assert_eq!(
        failed,
        [
            ("load/threshold getNewest:p99<5ms", "THRESHOLD (MUST): getNewest:p99<5ms; expected getNewest:p99<5ms, actual 22.4 ms"),
            ("load/GEN-ENV-006", "GEN-ENV-006 (MUST): every response under load meets it; expected no response breaks it, actual 3 responses broke it"),
            ("load/MV-ITEM-001", "MV-ITEM-001 (MUST): every response under load meets it; expected no response breaks it, actual 2 responses broke it"),
        ]
    );
    let error = doc.descendants().find(|n| n.has_tag_name("error")).unwrap();
    assert_eq!(error.parent().unwrap().attribute("name"), Some("load/transport"));
}

#[test]
fn junit_parses_and_counts_failures_errors_and_skips() {
    // Every case, and the requirement coverage testcase.
    let xml = report::render(ReportFormat::Junit, &passing());
    assert_eq!(junit_counts(&xml), (4, 0, 0, 1));
    // The SHOULD warning is reported without failing its case.
    assert!(xml.contains("<system-out>WARN MV2-GETNEWEST-004 (SHOULD) /mobile/v2/notification/getNewest"), "{xml}");

    let xml = report::render(ReportFormat::Junit, &failing());
    assert_eq!(junit_counts(&xml), (5, 1, 1, 1));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("MV2-CHECKIN-001 (MUST): response matches the schema; expected integer, actual string \"4711\"")
    );
    let root = doc.root_element();
    assert_eq!((root.attribute("failures"), root.attribute("errors")), (Some("1"), Some("1")));
    let suites: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("testsuite")).filter_map(|n| n.attribute("name")).collect();
    assert_eq!(suites, ["technician", "services", "requirements"]);
    // A case the interruption left out is skipped, saying so.
    let skipped = doc.descendants().find(|n| n.has_tag_name("skipped")).unwrap();
    assert_eq!(skipped.parent().unwrap().attribute("name"), Some("technician/denial"));
    assert_eq!(skipped.attribute("message"), Some("not run: interrupted by SIGTERM"));
}

#[test]
fn junit_says_which_must_requirements_were_not_checked_and_counts_coverage() {
    let xml = report::render(ReportFormat::Junit, &incomplete());
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("requirements"))
        .expect("the coverage testcase");
    let skipped = case.children().find(|n| n.has_tag_name("skipped")).expect("skipped while a MUST is unchecked");
    assert_eq!(skipped.attribute("message"), Some("1 in-scope MUST requirement not checked"));
    let out = case.children().find(|n| n.has_tag_name("system-out")).and_then(|n| n.text()).unwrap();
    assert!(out.contains("MV-ITEM-001: the target lacked the data — technician/newest-first step 2"), "{out}");
    let property = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
    };
    assert_eq!((property("must-verified"), property("must-in-scope")), (Some("3"), Some("4")));
    assert_eq!(property("must-not-checked"), Some("1"));
    assert_eq!(property("verdict"), Some("INCOMPLETE"));
    // A load run certifies no coverage: no such testcase or property.
    let load = report::render(ReportFormat::Junit, &load_report());
    assert!(!load.contains("must-verified") && !load.contains("classname=\"requirements\""), "{load}");
}

#[test]
fn junit_groups_a_case_s_repeated_checks() {
    let mut report = failing();
    let checkin = report.cases[1].steps[1].clone();
    report.cases[1].steps.extend(std::iter::repeat_n(checkin, 30));
    let xml = report::render(ReportFormat::Junit, &report);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).unwrap();
    assert!(failure.attribute("message").unwrap().ends_with(" — 31 times"), "{xml}");
    // One entry with its first examples, not 31.
    let details = failure.text().unwrap();
    assert_eq!(details.matches("FAIL MV2-CHECKIN-001").count(), 1, "{details}");
    assert_eq!(details.matches("at       /number").count(), 3, "{details}");
    assert_eq!(details.matches("curl -sS").count(), itsm_conform::model::findings::EXAMPLES, "{details}");
}

// ---------------------------------------------------------------------------------------------
// Markdown

#[test]
fn markdown_snapshots() {
    insta::assert_snapshot!("markdown_passing", rendered(ReportFormat::Markdown, &passing()));
    insta::assert_snapshot!("markdown_failing", rendered(ReportFormat::Markdown, &failing()));
    insta::assert_snapshot!("markdown_incomplete", rendered(ReportFormat::Markdown, &incomplete()));
}

#[test]
fn markdown_lists_at_most_twenty_findings() {
    let mut report = failing();
    let template = report.cases[1].clone();
    // The same failure in 25 cases is one finding …
    report.cases = (0..25).map(|i| CaseResult { id: format!("technician/check-in-{i}"), ..template.clone() }).collect();
    report.findings = verdict_findings(&report.cases);
    let md = report::render(ReportFormat::Markdown, &report);
    assert!(md.contains("### Failures (1)") && md.contains("— 25 times in 25 cases"), "{md}");
    // … and 25 failures on 25 endpoints are 25 findings, of which the comment lists 20.
    for (i, case) in report.cases.iter_mut().enumerate() {
        case.steps[1].endpoint = format!("/mobile/v2/notification/checkin-{i}");
    }
    report.findings = verdict_findings(&report.cases);
    let md = report::render(ReportFormat::Markdown, &report);
    assert_eq!(md.matches("- **FAIL**").count(), 20, "{md}");
    assert!(md.contains("### Failures (25)") && md.contains("… and 5 more"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// JSON and its schema

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json_failing", rendered(ReportFormat::Json, &failing()));
    insta::assert_snapshot!("json_incomplete", rendered(ReportFormat::Json, &incomplete()));
}

#[test]
fn the_report_schema_file_is_fresh() {
    let fresh = report::json::schema_text();
    common::assert_committed_file_fresh(
        report::json::SCHEMA_FILE,
        &fresh,
        "--test reports the_report_schema_file_is_fresh",
    );
}

#[test]
fn rendered_reports_validate_against_the_committed_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(common::project_root().join(report::json::SCHEMA_FILE)).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for report in
        [passing(), failing(), incomplete(), redact::deterministic(&failing()), redact::deterministic(&incomplete())]
            .into_iter()
            .chain([load_report()])
    {
        let json: Value = serde_json::from_str(&report::render(ReportFormat::Json, &report)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The JSON is the model: it reads back (the PARTIAL note aside).
        let back: RunReport = serde_json::from_value(json).unwrap();
        assert_eq!((&back.cases, &back.load), (&report.cases, &report.load));
    }
    // A conformance run's report has no load section, not even a null one.
    assert!(!report::render(ReportFormat::Json, &passing()).contains("\"load\""));
    // Every level the model can hold is one the schema allows.
    for level in [Level::Must, Level::Should, Level::May] {
        let mut report = passing();
        report.requirements[0].level = level;
        let json: Value = serde_json::from_str(&report::render(ReportFormat::Json, &report)).unwrap();
        assert!(validator.is_valid(&json), "{level}");
    }
}

// ---------------------------------------------------------------------------------------------
// HTML

#[test]
fn html_snapshots() {
    insta::assert_snapshot!("html_passing", rendered(ReportFormat::Html, &passing()));
    insta::assert_snapshot!("html_failing", rendered(ReportFormat::Html, &failing()));
    insta::assert_snapshot!("html_incomplete", rendered(ReportFormat::Html, &incomplete()));
}

/// The HTML without its <pre> blocks (the evidence, where URLs are data).
fn outside_pre(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<pre") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("</pre>").expect("every <pre> is closed") + start + "</pre>".len();
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn html_is_self_contained() {
    for report in [passing(), failing(), incomplete(), load_report()] {
        let html = report::render(ReportFormat::Html, &report);
        let outside = outside_pre(&html);
        assert!(!outside.contains("http://") && !outside.contains("https://"), "{outside}");
        for fetch in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "@font-face"] {
            assert!(!html.contains(fetch), "the report contains `{fetch}`");
        }
        // Links stay inside the file.
        assert_eq!(html.matches("href=\"").count(), html.matches("href=\"#").count());
        // The evidence is there, escaped.
        if report.interrupted {
            assert!(html.contains("{&quot;number&quot;:&quot;4711&quot;"), "{html}");
            assert!(html.contains("&lt;Login&gt;&lt;UserName&gt;"), "{html}");
        }
    }
}

#[test]
fn html_escapes_what_the_target_sent() {
    let mut report = failing();
    report.cases[1].steps[1].response.as_mut().unwrap().body = "<script>alert('x')</script>".to_string();
    let html = report::render(ReportFormat::Html, &report);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"));
}

// ---------------------------------------------------------------------------------------------
// all formats

#[test]
fn an_interrupted_run_is_marked_partial_in_every_format() {
    for format in ReportFormat::ALL {
        assert!(report::render(format, &failing()).contains(PARTIAL), "{format:?}");
        assert!(!report::render(format, &passing()).contains("PARTIAL"), "{format:?}");
    }
    assert!(report::terminal_summary(&failing(), false).contains(PARTIAL));
    assert!(!report::terminal_summary(&passing(), false).contains("PARTIAL"));
}

/// `text` without its HTML tags.
fn without_tags(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `report` as if the run had stopped early for `stop`, with the verdict `run::verdict` gives it.
fn stopped(mut report: RunReport, stop: Stop, reason: &str) -> RunReport {
    report.interrupted = true;
    report.stopped = Some(stop);
    report.stop_reason = Some(reason.to_string());
    report.verdict = verdict::run_verdict(&report.stats, &report.requirement_coverage, Some(stop));
    report
}

/// Every human-facing format: the terminal summary, JUnit, Markdown and HTML (the JSON is the model,
/// with its counts and `stop_reason`, not words).
fn every_format(report: &RunReport) -> Vec<(String, String)> {
    let mut out = vec![("terminal".to_string(), report::terminal_summary(report, false))];
    out.extend(
        [ReportFormat::Junit, ReportFormat::Markdown, ReportFormat::Html]
            .map(|f| (format!("{f:?}"), report::render(f, report))),
    );
    out
}

#[test]
fn every_format_shows_the_requirement_coverage_and_the_unchecked_must() {
    let line = "MUST requirements verified 3/4, failed 0, not checked 1; 3 out of scope";
    for (format, text) in every_format(&incomplete()) {
        assert!(text.contains(line), "{format}: {text}");
        assert!(text.contains("SHOULD requirements verified 0/0, failed 0, not checked 0; 2 out of scope"), "{format}");
        assert!(text.contains("MV-ITEM-001") && text.contains("the technician has no notifications"), "{format}");
        assert!(text.contains("INCOMPLETE") && text.contains("1 in-scope MUST requirement not checked"), "{format}");
    }
    // A load run gates on thresholds and certifies no coverage: no line of zeros.
    for (format, text) in every_format(&load_report()) {
        assert!(!text.contains("MUST requirements verified"), "{format}");
    }
}

#[test]
fn every_format_renders_the_grouped_findings() {
    let headline = "MV2-CHECKIN-001 (MUST) /mobile/v2/notification/checkin: response matches the schema: /number (type) — once in 1 case";
    for (format, text) in every_format(&failing()) {
        if format == "Junit" {
            continue;
        }
        // Markdown and HTML mark the endpoint and the link up; the words are the same.
        let plain = without_tags(&text).replace('`', "").replace("&quot;", "\"");
        assert!(plain.contains(headline), "{format}: {text}");
        assert!(plain.contains("technician/check-in · step 2 \"check in\""), "{format}");
    }
}

#[test]
fn incomplete_and_stopped_runs_say_why_in_every_format() {
    let interrupted = stopped(passing(), Stop::Interrupted, "interrupted by SIGTERM");
    assert_eq!(interrupted.verdict, RunVerdict::Incomplete);
    let broken = "the target stopped answering: 5 requests in a row got no answer (last: connection refused)";
    let breaker = stopped(passing(), Stop::TargetStoppedAnswering, broken);
    assert_eq!(breaker.verdict, RunVerdict::Error);
    for (report, verdict, reason) in [
        (incomplete(), "INCOMPLETE", "1 in-scope MUST requirement not checked"),
        (interrupted, "INCOMPLETE", "interrupted by SIGTERM"),
        (breaker, "ERROR", broken),
    ] {
        let summary = report::terminal_summary(&report, false);
        assert!(summary.contains(&format!("verdict: {verdict} ({reason}")), "{summary}");
        for (format, text) in every_format(&report) {
            assert!(text.contains(verdict) && text.contains(reason), "{format}: {text}");
        }
        let html = report::render(ReportFormat::Html, &report);
        assert!(html.contains(&format!("<div class=\"verdict {}\">", verdict.to_lowercase())), "{html}");
        // The PARTIAL mark stays on every report of a run that stopped early.
        for format in ReportFormat::ALL {
            assert_eq!(report::render(format, &report).contains(PARTIAL), report.interrupted, "{format:?}");
        }
        let json = report::render(ReportFormat::Json, &report);
        assert!(json.contains(&format!("\"verdict\": \"{}\"", verdict.to_lowercase())), "{json}");
    }
    // INCOMPLETE is yellow in the terminal, and has its own colour in the HTML.
    assert!(report::terminal_summary(&incomplete(), true).contains("\x1b[1;33mINCOMPLETE"));
    assert!(report::render(ReportFormat::Html, &incomplete()).contains(".incomplete { color: var(--incomplete); }"));
}

#[test]
fn the_totals_count_steps_skipped_and_cases_not_run() {
    let f = failing();
    assert_eq!((f.stats.steps, f.stats.steps_skipped, f.stats.cases_not_run), (5, 1, 1));
    let summary = report::terminal_summary(&f, false);
    assert!(summary.contains("│ not run │ steps │ steps skipped │"), "{summary}");
    let md = report::render(ReportFormat::Markdown, &f);
    assert!(md.contains("| not run | steps | steps skipped |") && md.contains("| 1 | 5 | 1 |"), "{md}");
    let html = report::render(ReportFormat::Html, &f);
    assert!(html.contains("<th class=\"n\">not run</th><th class=\"n\">steps</th><th class=\"n\">steps skipped</th>"));
}

#[test]
fn format_names_are_the_cli_values() {
    let names: Vec<String> =
        ReportFormat::value_variants().iter().map(|f| f.to_possible_value().unwrap().get_name().to_string()).collect();
    assert_eq!(names, ["junit", "json", "markdown", "html"]);
}

#[test]
fn write_reports_writes_each_format_once_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let formats =
        [ReportFormat::Html, ReportFormat::Junit, ReportFormat::Html, ReportFormat::Json, ReportFormat::Markdown];
    let paths = report::write_reports(&failing(), dir.path(), &formats).unwrap();
    let names: Vec<String> = paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["itsm-conform.html", "itsm-conform.junit.xml", "itsm-conform.json", "itsm-conform.md"]);
    for (path, format) in
        paths.iter().zip([ReportFormat::Html, ReportFormat::Junit, ReportFormat::Json, ReportFormat::Markdown])
    {
        assert_eq!(std::fs::read_to_string(path).unwrap(), report::render(format, &failing()));
    }
    // Nothing else is left behind (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}

#[test]
fn load_reports_are_written_under_their_own_prefix() {
    let dir = tempfile::tempdir().unwrap();
    report::write_reports(&failing(), dir.path(), &ReportFormat::ALL).unwrap();
    let paths = report::write_reports_as(&load_report(), dir.path(), report::LOAD_PREFIX, &ReportFormat::ALL).unwrap();
    let names: Vec<String> = paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["load.junit.xml", "load.json", "load.md", "load.html"]);
    // `run`'s reports in the same directory are untouched.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 8);
    let html = std::fs::read_to_string(dir.path().join("load.html")).unwrap();
    assert!(html.contains("itsm-conform load report") && html.contains("<h2 id=\"load\">Load</h2>"), "{html}");
    assert!(html.contains("getNewest:p99&lt;5ms") && html.contains("22.4 ms"), "{html}");
}

#[test]
fn the_deterministic_copy_hides_time_ports_sessions_and_clock_numbers() {
    let original = failing();
    let d = redact::deterministic(&original);
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(d.started_at, "[TIME]");
    assert!(!json.contains("43211") && json.contains("127.0.0.1:[PORT]"), "{json}");
    assert!(!json.contains(SESSION) && json.contains("[SESSION]"), "{json}");
    assert!(!json.contains("1764277201789") && json.contains(r#"\"dateTime\":[DATETIME]"#), "{json}");
    assert!(json.contains(r#"\"operationID\":[OPID]"#), "{json}");
    assert!(d.cases.iter().all(|c| c.duration_ms == 0));
    // Everything else is kept: the verdicts and the evidence.
    assert_eq!((d.verdict, &d.stats), (original.verdict, &original.stats));
    assert_eq!(d.cases[1].steps[1].checks, original.cases[1].steps[1].checks);
}

// ---------------------------------------------------------------------------------------------
// size: a real run against a broken target

/// Runs every suite in-process against the reference server with `faults`, on the built-in data
/// or the data set at `data` (relative to the project).
async fn run_with_faults(faults: &[&str], data: Option<&str>) -> RunReport {
    use itsm_conform::run::{self, RunConfig, RunHandle};
    use itsm_conform::server::{self, DataSet, FaultSet, ServerConfig};

    let registry = common::registry();
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(faults.iter().map(|f| f.parse().expect("a fault of the catalogue")).collect());
    if let Some(data) = data {
        let text = std::fs::read_to_string(common::project_root().join(data)).unwrap();
        config.data = DataSet::parse(data, &text).expect("valid data set");
    }
    let server = server::start(config, registry.spec().clone()).await.expect("server starts");
    let suites = itsm_conform::suite::load_dir(&common::project_root().join("suites"), registry.spec())
        .unwrap_or_else(|d| panic!("suites load:\n{d}"));
    let config = RunConfig::new(server.base_url(), itsm_conform::cli::reference_accounts(&server), suites);
    let report = run::run_suites(&config, registry, &RunHandle::default(), &run::engine::NoProgress)
        .await
        .expect("the run completes");
    server.shutdown().await;
    report
}

/// A target that drops a member from every list item and sends numbers as strings breaks the same
/// requirements however many items it lists: the findings are as many with other data, and the
/// HTML report (every finding with its first examples and evidence) stays small.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_of_a_broken_target_stay_small_and_do_not_grow_with_its_data() {
    const FAULTS: [&str; 2] = ["drop-field", "number-as-string"];
    const HTML_LIMIT: usize = 300 * 1024;
    let builtin = run_with_faults(&FAULTS, None).await;
    let other = run_with_faults(&FAULTS, Some("suites/data/other-vendor.json")).await;
    for (data, r) in [("built-in", &builtin), ("other-vendor", &other)] {
        assert_eq!(r.verdict, RunVerdict::Fail, "{data}");
        let size = |format| report::render(format, r).len();
        let failed: usize = r.findings.iter().map(|g| g.occurrences).sum();
        println!(
            "{data} data: {} findings ({failed} failed checks, {} MUST failures) in {} cases; \
             HTML {:.1} KB, JSON {:.1} KB, Markdown {:.1} KB, JUnit {:.1} KB, terminal {} lines",
            r.findings.len(),
            r.stats.must_failures,
            r.stats.cases,
            size(ReportFormat::Html) as f64 / 1024.0,
            size(ReportFormat::Json) as f64 / 1024.0,
            size(ReportFormat::Markdown) as f64 / 1024.0,
            size(ReportFormat::Junit) as f64 / 1024.0,
            report::terminal_summary(r, false).lines().count(),
        );
        assert!(size(ReportFormat::Html) < HTML_LIMIT, "{data}: the HTML report is {} bytes", size(ReportFormat::Html));
    }
    let kinds = |r: &RunReport| -> std::collections::BTreeSet<String> {
        r.findings.iter().map(|g| format!("{:?} {:?} {} {}", g.outcome, g.requirement, g.endpoint, g.kind)).collect()
    };
    let (a, b) = (kinds(&builtin), kinds(&other));
    assert_eq!(
        builtin.findings.len(),
        other.findings.len(),
        "only with the built-in data: {:#?}\nonly with other-vendor: {:#?}",
        a.difference(&b).collect::<Vec<_>>(),
        b.difference(&a).collect::<Vec<_>>()
    );
}
