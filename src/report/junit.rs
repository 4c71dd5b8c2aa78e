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
//! harness"), Skipped → `<skipped>` with why (a case not run says so). SHOULD warnings do not fail a
//! case, so they go to system-out. A case's details are its own checks grouped the way the run's
//! findings are, so a list step failing in every item is one entry with its count.
//!
//! Requirement coverage: its counts are properties of every suite, and a last suite,
//! `requirements`, holds one testcase that lists the MUST requirements left unchecked.

use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString};

use super::labels::{self, PARTIAL};
use super::{findings, requirements};
use crate::model::{CaseResult, FindingGroup, LevelCoverage, Outcome, RunReport};

/// The suite and testcase of the requirement coverage.
const COVERAGE_SUITE: &str = "requirements";
const COVERAGE_CASE: &str = "requirements/every in-scope MUST requirement checked";

pub fn render(report: &RunReport) -> String {
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
        let mut suite = new_suite(report, name);
        suite.set_time(Duration::from_millis(cases.iter().map(|c| c.duration_ms).sum()));
        for case in cases {
            suite.add_test_case(test_case(case));
        }
        junit.add_test_suite(suite);
    }
    if requirements::shown(report) {
        let mut suite = new_suite(report, COVERAGE_SUITE);
        suite.set_time(Duration::ZERO);
        suite.add_test_case(coverage_case(report));
        junit.add_test_suite(suite);
    }
    junit.to_string().expect("JUnit XML serializes to memory")
}

fn new_suite(report: &RunReport, name: &str) -> TestSuite {
    let mut suite = TestSuite::new(name);
    // quick-junit takes a chrono timestamp; the model keeps RFC 3339 text (which the
    // deterministic copy replaces), so it goes in as the attribute it would become.
    suite.extra.insert(XmlString::new("timestamp"), XmlString::new(&report.started_at));
    suite.add_properties(properties(report));
    if report.interrupted {
        suite.set_system_out(format!("{}\n", labels::partial_line()));
    }
    suite
}

fn properties(report: &RunReport) -> Vec<Property> {
    let mut props = vec![
        Property::new("target", report.target.as_str()),
        Property::new("tool", format!("{} {}", report.tool, report.tool_version)),
        Property::new("spec-version", report.spec_version.as_str()),
        Property::new("started-at", report.started_at.as_str()),
        Property::new("verdict", labels::verdict(report.verdict)),
        Property::new("verdict-reason", labels::verdict_reason(report)),
    ];
    if !report.selection.is_empty() {
        props.push(Property::new("selection", report.selection.join(" ")));
    }
    if report.interrupted {
        props.push(Property::new("partial", PARTIAL));
    }
    if requirements::shown(report) {
        let c = &report.requirement_coverage;
        props.extend(coverage_properties("must", &c.must));
        props.extend(coverage_properties("should", &c.should));
    }
    props
}

/// `must-verified`, `must-in-scope` … : numbers a dashboard or a script can plot or gate on.
fn coverage_properties(level: &str, c: &LevelCoverage) -> Vec<Property> {
    [
        ("verified", c.verified),
        ("in-scope", c.in_scope()),
        ("failed", c.failed),
        ("not-checked", c.not_checked),
        ("not-applicable", c.not_applicable),
        ("out-of-scope", c.out_of_scope),
    ]
    .into_iter()
    .map(|(name, n)| Property::new(format!("{level}-{name}"), n.to_string()))
    .collect()
}

/// The unchecked MUST requirements as a testcase of their own rather than the suites' system-out:
/// dashboards (Jenkins, GitLab, Azure DevOps, the GitHub JUnit actions) list testcases and their
/// messages, while most ignore a suite's system-out. It is `<skipped>` while any is unchecked: not
/// a failure of the target, but what keeps the run from PASS (INCOMPLETE), said where CI looks.
fn coverage_case(report: &RunReport) -> TestCase {
    let unchecked = requirements::unchecked_musts(report);
    let status = if unchecked.is_empty() {
        TestCaseStatus::success()
    } else {
        let n = unchecked.len();
        let mut s = TestCaseStatus::skipped();
        s.set_message(format!("{n} in-scope MUST requirement{} not checked", if n == 1 { "" } else { "s" }));
        s
    };
    let mut tc = TestCase::new(COVERAGE_CASE, status);
    tc.set_classname(COVERAGE_SUITE);
    tc.set_time(Duration::ZERO);
    let mut out = String::new();
    for line in requirements::lines(report).iter().chain(&requirements::unscoped_counts(report)) {
        let _ = writeln!(out, "{line}");
    }
    if !unchecked.is_empty() {
        let _ = writeln!(out, "MUST requirements not checked ({}):", unchecked.len());
        for r in unchecked {
            let _ = writeln!(out, "  {}", requirements::unchecked_line(r));
        }
    }
    tc.set_system_out(out);
    tc
}

fn test_case(case: &CaseResult) -> TestCase {
    let groups = findings::of_case(case);
    let first = |outcome: Outcome| groups.iter().find(|g| g.outcome == outcome);
    let status = match case.outcome {
        Outcome::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(first(Outcome::Fail).map_or_else(|| "a MUST failed".to_string(), findings::message));
            s.set_type("MUST");
            s.set_description(details(&groups, |o| o != Outcome::Warn));
            s
        }
        Outcome::Error => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(first(Outcome::Error).map_or_else(|| "harness error".to_string(), findings::message));
            s.set_type("harness error");
            s.set_description(details(&groups, |o| o != Outcome::Warn));
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
    if groups.iter().any(|g| g.outcome == Outcome::Warn) {
        tc.set_system_out(details(&groups, |o| o == Outcome::Warn));
    }
    tc
}

/// Each selected group as a block: its outcome, requirement, endpoint, kind and count in the case,
/// then each example's step and evidence, one field a line.
fn details(groups: &[FindingGroup], select: impl Fn(Outcome) -> bool) -> String {
    let mut out = String::new();
    for g in groups.iter().filter(|g| select(g.outcome)) {
        let _ = writeln!(
            out,
            "{} {} {}: {} — {}",
            labels::outcome(g.outcome),
            findings::label(g),
            g.endpoint,
            g.kind,
            findings::times(g.occurrences)
        );
        for ex in &g.examples {
            let _ = writeln!(out, "  {}", labels::step(ex.step_index, &ex.step, &g.endpoint));
            for (label, value) in findings::evidence(g, ex) {
                let _ = writeln!(out, "    {label:<8} {value}");
            }
        }
    }
    out
}
