//! JUnit XML for CI dashboards: one `<testsuite>` per suite, one `<testcase>` per case.
//!
//! ```xml
//! <testsuites name="itsm-conform" tests="2" failures="1" errors="0" skipped="0" time="1.250">
//!     <testsuite name="technician" tests="2" skipped="0" errors="0" failures="1" time="1.200" timestamp="…">
//!         <properties><property name="target" value="http://127.0.0.1:8080/citsmart"/>…</properties>
//!         <testcase name="technician/check-in" classname="technician" assertions="6" time="0.700">
//!             <failure message="MV2-CHECKIN-003 (MUST): …; expected …, actual …" type="MUST">…</failure>
//!         </testcase>
//!         <testcase name="technician/login" classname="technician" assertions="4" time="0.500">
//!             <system-out>WARN GEN-HTTP-004 (SHOULD): …</system-out>
//!         </testcase>
//!     </testsuite>
//! </testsuites>
//! ```
//!
//! The element is chosen from the case outcome decided in `run::verdict`: Fail → `<failure>`,
//! Error → `<error>` (the tool could not run it, so CI can tell "broken target" from "broken
//! harness"), Skipped → `<skipped>`. SHOULD warnings do not fail a case, so they go to system-out.

use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString};

use super::findings::{findings, Finding};
use super::labels::{self, PARTIAL};
use crate::run::model::{CaseResult, Outcome, RunReport};

pub fn render(report: &RunReport) -> String {
    let all = findings(report);
    let mut junit = Report::new(report.tool.as_str());
    junit.set_time(Duration::from_millis(report.duration_ms));

    let mut suites: Vec<(&str, Vec<&CaseResult>)> = Vec::new();
    for case in &report.cases {
        match suites.iter_mut().find(|(name, _)| *name == case.suite) {
            Some((_, cases)) => cases.push(case),
            None => suites.push((case.suite.as_str(), vec![case])),
        }
    }
    // A run stopped before its first case still says so, and still names its target.
    if suites.is_empty() {
        suites.push((report.tool.as_str(), Vec::new()));
    }

    for (name, cases) in suites {
        let mut suite = TestSuite::new(name);
        suite.set_time(Duration::from_millis(cases.iter().map(|c| c.duration_ms).sum()));
        // quick-junit takes a chrono timestamp; the model keeps RFC 3339 text (which the
        // deterministic copy replaces), so it goes in as the attribute it would become.
        suite.extra.insert(XmlString::new("timestamp"), XmlString::new(&report.started_at));
        suite.add_properties(properties(report));
        if report.interrupted {
            suite.set_system_out(format!("{}\n", labels::partial_line()));
        }
        for case in cases {
            let case_findings: Vec<&Finding> = all.iter().filter(|f| std::ptr::eq(f.case, case)).collect();
            suite.add_test_case(test_case(case, &case_findings));
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().expect("JUnit XML serializes to memory")
}

fn properties(report: &RunReport) -> Vec<Property> {
    let mut props = vec![
        Property::new("target", report.target.as_str()),
        Property::new("tool", format!("{} {}", report.tool, report.tool_version)),
        Property::new("spec-version", report.spec_version.as_str()),
        Property::new("started-at", report.started_at.as_str()),
        Property::new("verdict", labels::verdict(report.verdict)),
    ];
    if !report.selection.is_empty() {
        props.push(Property::new("selection", report.selection.join(" ")));
    }
    if report.interrupted {
        props.push(Property::new("partial", PARTIAL));
    }
    props
}

fn test_case(case: &CaseResult, case_findings: &[&Finding]) -> TestCase {
    let first = |outcome: Outcome| case_findings.iter().find(|f| f.outcome == outcome);
    let status = match case.outcome {
        Outcome::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(first(Outcome::Fail).map_or_else(|| "a MUST failed".to_string(), |f| message(f)));
            s.set_type("MUST");
            s.set_description(details(case_findings, |o| o != Outcome::Warn));
            s
        }
        Outcome::Error => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(first(Outcome::Error).map_or_else(|| "harness error".to_string(), |f| message(f)));
            s.set_type("harness error");
            s.set_description(details(case_findings, |o| o != Outcome::Warn));
            s
        }
        Outcome::Skipped => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(labels::skip_reason(case).unwrap_or("skipped"));
            s
        }
        Outcome::Pass | Outcome::Warn => TestCaseStatus::success(),
    };
    let mut tc = TestCase::new(case.id.as_str(), status);
    tc.set_classname(case.suite.as_str());
    tc.set_assertions(case.steps.iter().map(|s| s.checks.len()).sum());
    tc.set_time(Duration::from_millis(case.duration_ms));
    if case_findings.iter().any(|f| f.outcome == Outcome::Warn) {
        tc.set_system_out(details(case_findings, |o| o == Outcome::Warn));
    }
    tc
}

/// `MV2-CHECKIN-003 (MUST): response matches the schema; expected integer, actual string "12"`.
fn message(f: &Finding) -> String {
    match f.expected_actual() {
        Some(ea) => format!("{}; {ea}", f.headline()),
        None => f.headline(),
    }
}

/// Each selected finding as a block: the outcome and step, then its evidence, one field a line.
fn details(case_findings: &[&Finding], select: impl Fn(Outcome) -> bool) -> String {
    let mut out = String::new();
    for f in case_findings.iter().filter(|f| select(f.outcome)) {
        let _ = writeln!(out, "{} {}", labels::outcome(f.outcome), labels::step(f.step_index, f.step));
        for (label, value) in f.evidence() {
            let _ = writeln!(out, "  {label:<12} {value}");
        }
    }
    out
}
