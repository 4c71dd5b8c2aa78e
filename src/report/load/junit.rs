//! `load.junit.xml`: a load run for CI dashboards, in two testsuites.
//!
//! ```xml
//! <testsuites name="itsm-conform load" tests="4" failures="2" errors="1" skipped="0" time="15.100">
//!     <testsuite name="thresholds" tests="2" failures="1" …>
//!         <properties><property name="target" value="…"/><property name="verdict" value="FAIL"/>…</properties>
//!         <testcase name="error-rate&lt;1%" classname="thresholds">
//!             <system-out>measured 0.50 %, limit &lt; 1.00 %</system-out>
//!         </testcase>
//!         <testcase name="getNewest:p99&lt;5ms" classname="thresholds">
//!             <failure message="getNewest:p99&lt;5ms breached: measured 22.4 ms, limit &lt; 5.0 ms" type="threshold"/>
//!         </testcase>
//!     </testsuite>
//!     <testsuite name="requirements under load" …>
//!         <testcase name="GEN-ENV-006" classname="requirements under load">
//!             <failure message="GEN-ENV-006 (MUST) broken by 3 responses under load: …" type="MUST">…</failure>
//!         </testcase>
//!         <testcase name="GEN-HTTP-004" classname="requirements under load">
//!             <system-out>WARN GEN-HTTP-004 (SHOULD) broken by 4 responses under load: …</system-out>
//!         </testcase>
//!         <testcase name="no answer" classname="requirements under load">
//!             <error message="1 request got no answer (…)" type="harness error"/>
//!         </testcase>
//!     </testsuite>
//! </testsuites>
//! ```
//!
//! One testcase per threshold, a `<failure>` when breached, its message the measured value against
//! the limit. One testcase per requirement broken under load: a MUST is a `<failure>`; a SHOULD is a
//! passing testcase whose system-out says `WARN …`, as `run`'s JUnit reports SHOULD warnings, since a
//! SHOULD does not fail a run and dashboards show a testcase's output beside it (testcase-level
//! properties are an extension most of them ignore). Requests that got no answer are one `<error>`
//! testcase, as `run` reports a refused connection: CI can tell a broken target from a slow one.
//!
//! The failures say what broke; the exit code stays the verdict's (`model::verdict::load_verdict`:
//! the thresholds gate the run).

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite, XmlString};

use super::view;
use crate::model::{LoadReport, Outcome};
use crate::report::labels::{self, PARTIAL};

const THRESHOLDS: &str = "thresholds";
const REQUIREMENTS: &str = "requirements under load";
/// The testcase of the requests that got no answer.
const NO_ANSWER_CASE: &str = "no answer";

pub fn render(report: &LoadReport) -> String {
    let mut junit = Report::new(format!("{} load", report.tool));
    junit.set_time(Duration::from_millis(report.duration_ms));

    let mut thresholds = new_suite(report, THRESHOLDS);
    for t in report.thresholds() {
        let line = view::measured_vs_limit(t);
        let status = if t.passed {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{} breached: {line}", t.threshold));
            s.set_type("threshold");
            s
        };
        let mut tc = test_case(&t.threshold, THRESHOLDS, status);
        if t.passed {
            tc.set_system_out(format!("{line}\n"));
        }
        thresholds.add_test_case(tc);
    }
    junit.add_test_suite(thresholds);

    let mut requirements = new_suite(report, REQUIREMENTS);
    for b in &report.requirements {
        let line = view::broken_line(b);
        let tc = if b.outcome == Outcome::Fail {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(line);
            s.set_type(b.level.to_string());
            s.set_description(of_requests(report, b.responses));
            test_case(&b.id, REQUIREMENTS, s)
        } else {
            let mut tc = test_case(&b.id, REQUIREMENTS, TestCaseStatus::success());
            tc.set_system_out(format!("{} {line}\n{}", labels::outcome(b.outcome), of_requests(report, b.responses)));
            tc
        };
        requirements.add_test_case(tc);
    }
    if report.unanswered > 0 {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
        s.set_message(view::unanswered_line(report.unanswered));
        s.set_type("harness error");
        requirements.add_test_case(test_case(NO_ANSWER_CASE, REQUIREMENTS, s));
    }
    junit.add_test_suite(requirements);
    junit.to_string().expect("JUnit XML serializes to memory")
}

/// `3 of 1200 requests`: how much of the load broke it.
fn of_requests(report: &LoadReport, responses: u64) -> String {
    format!("{responses} of {}\n", view::plural(report.summary.total.count, "request", "requests"))
}

fn test_case(name: &str, classname: &str, status: TestCaseStatus) -> TestCase {
    let mut tc = TestCase::new(name, status);
    tc.set_classname(classname);
    tc.set_time(Duration::ZERO);
    tc
}

fn new_suite(report: &LoadReport, name: &str) -> TestSuite {
    let mut suite = TestSuite::new(name);
    // quick-junit takes a chrono timestamp; the model keeps RFC 3339 text (which the deterministic
    // copy replaces), so it goes in as the attribute it would become.
    suite.extra.insert(XmlString::new("timestamp"), XmlString::new(&report.started_at));
    suite.set_time(Duration::ZERO);
    suite.add_properties(properties(report));
    if report.interrupted {
        suite.set_system_out(format!("{}\n", view::partial_line()));
    }
    suite
}

/// The run's header, and numbers a dashboard or a script can plot or gate on.
fn properties(report: &LoadReport) -> Vec<Property> {
    let s = &report.summary;
    let mut props = vec![
        Property::new("target", report.target.as_str()),
        Property::new("tool", format!("{} {}", report.tool, report.tool_version)),
        Property::new("spec-version", report.spec_version.as_str()),
        Property::new("started-at", report.started_at.as_str()),
        Property::new("verdict", labels::verdict(report.verdict)),
        Property::new("verdict-reason", view::reason(report)),
    ];
    if !report.selection.is_empty() {
        props.push(Property::new("selection", report.selection.join(" ")));
    }
    if report.interrupted {
        props.push(Property::new("partial", PARTIAL));
    }
    props.extend(
        [
            ("users", s.users as u64),
            ("requests", s.total.count),
            ("failed-requests", s.total.failures),
            ("unanswered-requests", report.unanswered),
        ]
        .map(|(name, n)| Property::new(name, n.to_string())),
    );
    props
}
