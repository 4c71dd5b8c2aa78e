//! The words every format uses for the same things, so a FAIL in the terminal is a FAIL in the HTML.

use crate::model::{CaseResult, Coverage, Outcome, RunReport, RunVerdict, Stop, Unchecked};

/// Marks a report of an interrupted run in every format; greppable, so CI scripts can refuse it.
pub const PARTIAL: &str = "PARTIAL: interrupted";

/// What [`PARTIAL`] means, for the formats that have room to say it.
pub const PARTIAL_WHY: &str = "the run was stopped before every selected case ran; these are the results so far";

/// `PARTIAL: interrupted (the run was stopped …)`.
pub fn partial_line() -> String {
    format!("{PARTIAL} ({PARTIAL_WHY})")
}

pub fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "PASS",
        Outcome::Warn => "WARN",
        Outcome::Fail => "FAIL",
        Outcome::Error => "ERROR",
        Outcome::Skipped => "SKIP",
    }
}

pub fn verdict(v: RunVerdict) -> &'static str {
    match v {
        RunVerdict::Pass => "PASS",
        RunVerdict::Fail => "FAIL",
        RunVerdict::Incomplete => "INCOMPLETE",
        RunVerdict::Error => "ERROR",
    }
}

/// What the report is of: `conformance` (`run`) or `load`.
pub fn kind(report: &RunReport) -> &'static str {
    if report.load.is_some() {
        "load"
    } else {
        "conformance"
    }
}

/// Why the verdict is what it is, what decided it first: `1 MUST failure; interrupted by SIGTERM`,
/// `interrupted by SIGTERM`, `3 in-scope MUST requirements not checked`, `the target stopped
/// answering: …`; for a load run, its thresholds first, since they decide it (`1 of 2 thresholds
/// breached, 1 MUST failure`). The verdict itself is decided in `run::verdict`; this only words it.
pub fn verdict_reason(report: &RunReport) -> String {
    let s = &report.stats;
    let Some(load) = &report.load else {
        let counts = failure_counts(s.must_failures, s.harness_errors, s.should_failures);
        let stop = stop_reason(report);
        let n = report.requirement_coverage.must.not_checked;
        let unchecked =
            (n > 0).then(|| format!("{n} in-scope MUST requirement{} not checked", if n == 1 { "" } else { "s" }));
        let parts = match report.verdict {
            RunVerdict::Fail => [counts, stop, unchecked],
            RunVerdict::Error => [stop, counts, unchecked],
            RunVerdict::Incomplete => [stop, unchecked, counts],
            RunVerdict::Pass => {
                let must = report.requirement_coverage.must;
                let verified =
                    Some(format!("{}/{} in-scope MUST requirements verified", must.verified, must.in_scope()));
                [verified, counts, None]
            }
        };
        return parts.into_iter().flatten().collect::<Vec<_>>().join("; ");
    };
    let total = load.thresholds.len();
    let breached = load.thresholds.iter().filter(|t| !t.passed).count();
    let gate = if load.total.count == 0 {
        "no request was sent".to_string()
    } else if breached > 0 {
        format!("{breached} of {total} threshold{} breached", if total == 1 { "" } else { "s" })
    } else {
        format!("every threshold held ({total})")
    };
    // The threshold cases are MUST checks too; their breaches are already in `gate`.
    let gate = match failure_counts(s.must_failures.saturating_sub(breached), s.harness_errors, s.should_failures) {
        Some(counts) => format!("{gate}, {counts}"),
        None => gate,
    };
    // A load run stopped early held its gates over a shorter run: that is what made it INCOMPLETE.
    match stop_reason(report).filter(|_| report.verdict == RunVerdict::Incomplete) {
        Some(stop) => format!("{stop}; {gate}"),
        None => gate,
    }
}

/// Why the run stopped early, in words (`interrupted by SIGTERM`), when it did.
fn stop_reason(report: &RunReport) -> Option<String> {
    let fallback = || {
        report.stopped.map(|s| match s {
            Stop::Interrupted => "interrupted".to_string(),
            Stop::TargetStoppedAnswering => "the target stopped answering".to_string(),
        })
    };
    report.stop_reason.clone().or_else(fallback).or_else(|| report.interrupted.then(|| "interrupted".to_string()))
}

/// `2 MUST failures, 1 SHOULD warning`; None when every count is zero.
fn failure_counts(must_failures: usize, harness_errors: usize, should_failures: usize) -> Option<String> {
    let parts: Vec<String> = [
        (must_failures, "MUST failure", "MUST failures"),
        (harness_errors, "harness error", "harness errors"),
        (should_failures, "SHOULD warning", "SHOULD warnings"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `step 2 "check in"`; the name is left out when it is the path (the endpoint is said beside it).
pub fn step(index: usize, name: &str, endpoint: &str) -> String {
    if name == endpoint || name.is_empty() {
        format!("step {}", index + 1)
    } else {
        format!("step {} \"{name}\"", index + 1)
    }
}

/// Why a requirement was not checked, in words.
pub fn why(u: Unchecked) -> &'static str {
    match u {
        Unchecked::NotApplicable => "not applicable to the target's answers",
        Unchecked::LackedData => "the target lacked the data",
        Unchecked::EarlierFailure => "an earlier step failed",
        Unchecked::HarnessError => "no usable answer from the target",
        Unchecked::NotRun => "the run stopped before it",
        Unchecked::Selection => "left out by the selection",
        Unchecked::SlowTier => "only the slow tier checks it (--include slow)",
        Unchecked::VendorInput => "it needs vendor input (--data-query)",
        Unchecked::FewAccounts => "needs two accounts per role",
    }
}

/// A requirement's coverage, in words.
pub fn coverage(c: Coverage) -> &'static str {
    match c {
        Coverage::Verified => "verified",
        Coverage::Failed => "failed",
        Coverage::NotChecked => "not checked",
        Coverage::NotApplicable => "not applicable",
        Coverage::OutOfScope => "out of scope",
    }
}

/// Why a skipped case was skipped: the reason of its first skipped step.
pub fn skip_reason(case: &CaseResult) -> Option<&str> {
    case.steps.iter().find_map(|s| s.skipped_reason.as_deref())
}

/// Milliseconds as seconds with three decimals, the way every format prints durations.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}
