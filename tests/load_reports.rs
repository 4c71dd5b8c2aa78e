//! The load report's formats: snapshots of each (rendered from the deterministic copy) and of the
//! `--baseline` deltas, JUnit's two testsuites, the JSON report and its committed schema, the
//! self-contained HTML, and the PARTIAL mark of a load run stopped early. One fixture built in code,
//! so every figure is fixed: a load run whose `getNewest:p99<5ms` was breached, with envelope and
//! schema failures (MUST), a SHOULD broken under load, and a request that got no answer.

mod common;

use std::collections::BTreeMap;

use itsm_conform::model::load::{LoadSummary, RequestStats, ScenarioMix, ThresholdVerdict, NO_ANSWER};
use itsm_conform::model::{verdict, LoadReport, Outcome, RunVerdict};
use itsm_conform::report::{self, load, redact, ReportFormat, PARTIAL};
use itsm_conform::spec::Level;
use serde_json::Value;

const BASE: &str = "http://127.0.0.1:43211/citsmart";

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

fn summary() -> LoadSummary {
    let threshold =
        |threshold: &str, measured: f64, measured_text: &str, limit_text: &str, passed: bool| ThresholdVerdict {
            threshold: threshold.to_string(),
            measured: Some(measured),
            measured_text: measured_text.to_string(),
            limit_text: limit_text.to_string(),
            passed,
        };
    LoadSummary {
        format_version: itsm_conform::model::load::FORMAT_VERSION,
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
        errors_by_requirement: BTreeMap::from([
            ("GEN-ENV-006".to_string(), 3),
            ("MV-ITEM-001".to_string(), 2),
            (NO_ANSWER.to_string(), 1),
        ]),
        warnings_by_requirement: BTreeMap::from([("GEN-HTTP-004".to_string(), 4)]),
        errors_by_status: BTreeMap::from([("200".to_string(), 5), (NO_ANSWER.to_string(), 1)]),
        relogins: 2,
        tolerated_rejections: 7,
        iterations_ended_early: 0,
        schema_validated: 600,
        schema_validated_distinct: 41,
        thresholds: vec![
            threshold("error-rate<1%", 0.5, "0.50 %", "< 1.00 %", true),
            threshold("getNewest:p99<5ms", 22.4, "22.4 ms", "< 5.0 ms", false),
        ],
        passed: false,
    }
}

fn spec() -> itsm_conform::spec::Spec {
    itsm_conform::spec::load(&itsm_conform::spec::SpecFiles::embedded()).expect("the spec loads")
}

fn load_report() -> LoadReport {
    let selection = ["--users 4", "--scenario technician:3", "--scenario requester:1", "--run-time 15s"];
    LoadReport::new(summary(), &spec(), selection.map(String::from).to_vec())
}

/// The fixture as if `--abort-on-fail` had stopped it.
fn stopped_early() -> LoadReport {
    let mut s = summary();
    s.interrupted = true;
    s.stop_reason = Some("--abort-on-fail: getNewest:p99<5ms measured 22.4 ms".to_string());
    LoadReport::new(s, &spec(), Vec::new())
}

fn rendered(format: ReportFormat, report: &LoadReport) -> String {
    report::render_load(format, &redact::deterministic_load(report))
}

// ---------------------------------------------------------------------------------------------
// the model

#[test]
fn the_fixture_is_what_it_claims_to_be() {
    let r = load_report();
    assert_eq!(
        (r.verdict, verdict::load_exit_code(r.verdict)),
        (RunVerdict::Fail, itsm_conform::exit::THRESHOLD_BREACHED)
    );
    let broken: Vec<(&str, Level, Outcome, u64)> =
        r.requirements.iter().map(|b| (b.id.as_str(), b.level, b.outcome, b.responses)).collect();
    assert_eq!(
        broken,
        [
            ("GEN-ENV-006", Level::Must, Outcome::Fail, 3),
            ("MV-ITEM-001", Level::Must, Outcome::Fail, 2),
            ("GEN-HTTP-004", Level::Should, Outcome::Warn, 4),
        ]
    );
    assert_eq!((r.unanswered, r.duration_ms), (1, 15100));
    let s = stopped_early();
    assert_eq!((s.verdict, s.interrupted), (RunVerdict::Fail, true));
}

// ---------------------------------------------------------------------------------------------
// snapshots: every format

#[test]
fn load_report_snapshots() {
    let report = load_report();
    insta::assert_snapshot!("load_junit", rendered(ReportFormat::Junit, &report));
    insta::assert_snapshot!("load_markdown", rendered(ReportFormat::Markdown, &report));
    insta::assert_snapshot!("load_html", rendered(ReportFormat::Html, &report));
    insta::assert_snapshot!("load_json", rendered(ReportFormat::Json, &report));
    insta::assert_snapshot!("load_terminal", load::terminal_summary(&redact::deterministic_load(&report)));
}

/// What `load --baseline` prints: this run against a previous summary (an older, slower run that
/// had no `login` request), per request name present in both, then overall.
#[test]
fn baseline_snapshot() {
    let now = summary();
    let mut before = summary();
    before.started_at = "2026-11-20T08:15:00Z".to_string();
    before.target = "http://127.0.0.1:39877/citsmart".to_string();
    before.requests.retain(|r| r.name == "getNewest");
    before.requests[0] = request_stats("getNewest", 600, 0, 40.0, [3.0, 7.0, 8.0, 11.2, 30.0]);
    // Nothing failed before: the error rate's delta is absolute, and a zero baseline gets no ratio.
    before.total = request_stats("all", 600, 0, 0.0, [3.0, 7.0, 8.0, 11.2, 30.0]);
    let text = load::against_baseline(&redact::deterministic_summary(&now), &redact::deterministic_summary(&before));
    assert!(!text.contains("login") && !text.contains("2026-11-20"), "{text}");
    insta::assert_snapshot!("load_baseline", text);
}

#[test]
fn the_deterministic_copy_hides_time_and_ports_and_keeps_the_figures() {
    let original = stopped_early();
    let d = redact::deterministic_load(&original);
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("43211") && json.contains("127.0.0.1:[PORT]"), "{json}");
    assert!(!json.contains("2026-11-27") && !json.contains("15.1") && d.duration_ms == 0, "{json}");
    assert_eq!(
        (d.verdict, &d.requirements, d.summary.total.clone()),
        (original.verdict, &original.requirements, original.summary.total.clone())
    );
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// A testcase: its name, its element (`failure`, `error`, `skipped`, or `-` when it passed) and
/// that element's message (or, when it passed, its system-out).
type Case = (String, String, String);

/// Per testsuite: its name and its testcases.
fn junit_cases(xml: &str) -> Vec<(String, Vec<Case>)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("JUnit is not XML: {e}\n{xml}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|suite| {
            let cases = suite
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .map(|case| {
                    let outcome =
                        case.children().find(|n| ["failure", "error", "skipped"].iter().any(|t| n.has_tag_name(*t)));
                    let (element, message) = match outcome {
                        Some(n) => (n.tag_name().name().to_string(), n.attribute("message").unwrap_or("").to_string()),
                        None => {
                            let out = case.children().find(|n| n.has_tag_name("system-out"));
                            ("-".to_string(), out.and_then(|n| n.text()).unwrap_or("").trim().to_string())
                        }
                    };
                    (case.attribute("name").unwrap().to_string(), element, message)
                })
                .collect();
            (suite.attribute("name").unwrap().to_string(), cases)
        })
        .collect()
}

#[test]
fn junit_has_a_testcase_per_threshold_and_per_requirement_broken_under_load() {
    let xml = report::render_load(ReportFormat::Junit, &load_report());
    let suites = junit_cases(&xml);
    let names: Vec<&str> = suites.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["thresholds", "requirements under load"]);
    let cases = |i: usize| suites[i].1.iter().map(|(n, e, m)| (n.as_str(), e.as_str(), m.as_str())).collect::<Vec<_>>();
    assert_eq!(
        cases(0),
        [
            ("error-rate<1%", "-", "measured 0.50 %, limit < 1.00 %"),
            ("getNewest:p99<5ms", "failure", "getNewest:p99<5ms breached: measured 22.4 ms, limit < 5.0 ms"),
        ]
    );
    let requirements = cases(1);
    assert_eq!(requirements.len(), 4, "{requirements:?}");
    let (id, element, message) = requirements[0];
    assert_eq!((id, element), ("GEN-ENV-006", "failure"));
    assert!(message.starts_with("GEN-ENV-006 (MUST) broken by 3 responses under load: "), "{message}");
    assert_eq!((requirements[1].0, requirements[1].1), ("MV-ITEM-001", "failure"));
    // A SHOULD warns without failing: a passing testcase that says so in its output.
    let (id, element, out) = requirements[2];
    assert_eq!((id, element), ("GEN-HTTP-004", "-"));
    assert!(out.starts_with("WARN GEN-HTTP-004 (SHOULD) broken by 4 responses under load: "), "{out}");
    assert!(out.ends_with("4 of 1200 requests"), "{out}");
    // Requests without an answer are a harness error, as in `run`.
    assert_eq!(
        requirements[3],
        ("no answer", "error", "1 request got no answer (connection refused or reset, or no response in time)")
    );
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(["tests", "failures", "errors", "skipped"].map(|a| root.attribute(a).unwrap()), ["6", "3", "1", "0"]);
    let failure_types: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("failure")).map(|n| n.attribute("type").unwrap()).collect();
    assert_eq!(failure_types, ["threshold", "MUST", "MUST"]);
    // The gate's verdict and why travel as properties of every suite.
    assert!(xml.contains(r#"<property name="verdict" value="FAIL"/>"#), "{xml}");
    assert!(xml.contains(r#"<property name="requests" value="1200"/>"#), "{xml}");
}

#[test]
fn junit_of_a_clean_run_has_no_failure() {
    let mut s = summary();
    s.errors_by_requirement.clear();
    s.warnings_by_requirement.clear();
    s.errors_by_status.clear();
    s.thresholds.retain(|t| t.passed);
    s.passed = true;
    let report = LoadReport::new(s, &spec(), Vec::new());
    assert_eq!(report.verdict, RunVerdict::Pass);
    let xml = report::render_load(ReportFormat::Junit, &report);
    let suites = junit_cases(&xml);
    assert_eq!(suites[0].1.len(), 1);
    assert!(suites[1].1.is_empty(), "{xml}");
    assert!(!xml.contains("<failure") && !xml.contains("<error"), "{xml}");
}

// ---------------------------------------------------------------------------------------------
// JSON and its schema

#[test]
fn the_load_report_schema_file_is_fresh() {
    common::assert_committed_file_fresh(
        load::json::SCHEMA_FILE,
        &load::json::schema_text(),
        "--test load_reports the_load_report_schema_file_is_fresh",
    );
}

#[test]
fn rendered_load_reports_validate_against_the_committed_schema_and_read_back() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(common::project_root().join(load::json::SCHEMA_FILE)).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for report in [load_report(), stopped_early(), redact::deterministic_load(&load_report())] {
        let json: Value = serde_json::from_str(&report::render_load(ReportFormat::Json, &report)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The JSON is the model: it reads back (the PARTIAL note aside).
        let back: LoadReport = serde_json::from_value(json).unwrap();
        assert_eq!(
            (&back.requirements, &back.summary, back.verdict),
            (&report.requirements, &report.summary, report.verdict)
        );
    }
    // Not a conformance report: its own schema, which a conformance report does not match.
    let run_schema: Value =
        serde_json::from_str(&std::fs::read_to_string(common::project_root().join(report::json::SCHEMA_FILE)).unwrap())
            .unwrap();
    let json: Value = serde_json::from_str(&report::render_load(ReportFormat::Json, &load_report())).unwrap();
    assert!(!jsonschema::validator_for(&run_schema).unwrap().is_valid(&json));
}

// ---------------------------------------------------------------------------------------------
// HTML, and every format

#[test]
fn html_is_self_contained() {
    let html = report::render_load(ReportFormat::Html, &stopped_early());
    let outside = common::outside_pre(&html);
    assert!(!outside.contains("http://") && !outside.contains("https://"), "{outside}");
    for fetch in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "@font-face"] {
        assert!(!html.contains(fetch), "the report contains `{fetch}`");
    }
    assert_eq!(html.matches("href=\"").count(), html.matches("href=\"#").count());
    assert!(html.contains("itsm-conform load report") && html.contains("getNewest:p99&lt;5ms"), "{html}");
    // The conformance report's stylesheet, inlined.
    assert!(html.contains(".incomplete { color: var(--incomplete); }"), "{html}");
}

/// Every human-facing format of a load report: the terminal summary, JUnit, Markdown and HTML.
fn every_format(report: &LoadReport) -> Vec<(String, String)> {
    let mut out = vec![("terminal".to_string(), load::terminal_summary(report))];
    out.extend(
        [ReportFormat::Junit, ReportFormat::Markdown, ReportFormat::Html]
            .map(|f| (format!("{f:?}"), report::render_load(f, report))),
    );
    out
}

#[test]
fn every_format_says_the_verdict_why_and_what_broke() {
    let reason = "1 of 2 thresholds breached; broken under load: 2 MUST requirements, 1 SHOULD requirement; 1 request got no answer";
    for (format, text) in every_format(&load_report()) {
        let text = text.replace("&lt;", "<");
        assert!(text.contains("FAIL") && text.contains(reason), "{format}: {text}");
        assert!(
            text.contains("getNewest:p99<5ms") && text.contains("22.4 ms") && text.contains("< 5.0 ms"),
            "{format}"
        );
        assert!(text.contains("GEN-ENV-006") && text.contains("GEN-HTTP-004"), "{format}");
        // The requirement's own words, from the spec.
        let spec = spec();
        let words = &spec.requirement("MV-ITEM-001").unwrap().text;
        assert!(text.contains(&words.replace('<', "&lt;")) || text.contains(words.as_str()), "{format}: {words}");
        // A load run certifies no requirement coverage: no line of zeros.
        assert!(!text.contains("MUST requirements verified"), "{format}");
    }
}

#[test]
fn a_load_run_stopped_early_is_marked_partial_in_every_format() {
    for format in ReportFormat::ALL {
        assert!(report::render_load(format, &stopped_early()).contains(PARTIAL), "{format:?}");
        assert!(!report::render_load(format, &load_report()).contains("PARTIAL"), "{format:?}");
    }
    assert!(load::terminal_summary(&stopped_early()).contains(PARTIAL));
    assert!(!load::terminal_summary(&load_report()).contains("PARTIAL"));
    // Interrupted with every threshold held: INCOMPLETE, and why, first.
    let mut s = summary();
    s.thresholds.retain(|t| t.passed);
    s.passed = true;
    s.interrupted = true;
    s.stop_reason = Some("interrupted (SIGINT or SIGTERM)".to_string());
    let report = LoadReport::new(s, &spec(), Vec::new());
    assert_eq!(report.verdict, RunVerdict::Incomplete);
    for (format, text) in every_format(&report) {
        assert!(
            text.contains("INCOMPLETE") && text.contains("interrupted (SIGINT or SIGTERM); 1 of 1 threshold held"),
            "{format}: {text}"
        );
    }
}

#[test]
fn a_load_run_that_sent_no_request_is_an_error_in_every_format() {
    let mut s = summary();
    s.requests.clear();
    s.total = request_stats("all", 0, 0, 0.0, [0.0; 5]);
    s.total.error_rate_pct = 0.0;
    s.errors_by_requirement.clear();
    s.warnings_by_requirement.clear();
    s.errors_by_status.clear();
    let report = LoadReport::new(s, &spec(), Vec::new());
    assert_eq!(
        (report.verdict, verdict::load_exit_code(report.verdict)),
        (RunVerdict::Error, itsm_conform::exit::HARNESS_ERROR)
    );
    for (format, text) in every_format(&report) {
        assert!(text.contains("ERROR") && text.contains("no request was sent"), "{format}: {text}");
    }
}

#[test]
fn load_reports_are_written_under_their_own_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let paths = report::write_load_reports(&load_report(), dir.path(), &ReportFormat::ALL).unwrap();
    let names: Vec<String> = paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["load.junit.xml", "load.json", "load.md", "load.html"]);
    for (path, format) in paths.iter().zip(ReportFormat::ALL) {
        assert_eq!(std::fs::read_to_string(path).unwrap(), report::render_load(format, &load_report()));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}
