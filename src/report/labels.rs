//! The words every format uses for the same things, so a FAIL in the terminal is a FAIL in the HTML.

use crate::run::model::{CaseResult, Outcome, RunReport, RunVerdict, StepResult};

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

/// Why the verdict is what it is, in counts: `2 MUST failures, 1 SHOULD warning`; for a load run,
/// its thresholds first, since they decide it (`1 of 2 thresholds breached, 1 MUST failure`).
pub fn verdict_reason(report: &RunReport) -> String {
    let s = &report.stats;
    let Some(load) = &report.load else {
        return failure_counts(s.must_failures, s.harness_errors, s.should_failures)
            .unwrap_or_else(|| format!("{} checks held", s.checks));
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
    match failure_counts(s.must_failures.saturating_sub(breached), s.harness_errors, s.should_failures) {
        Some(counts) => format!("{gate}, {counts}"),
        None => gate,
    }
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

/// `step 2 "check in" (/mobile/v2/notification/checkin)`; the name is left out when it is the path.
pub fn step(index: usize, step: &StepResult) -> String {
    if step.name == step.endpoint || step.name.is_empty() {
        format!("step {} ({})", index + 1, step.endpoint)
    } else {
        format!("step {} \"{}\" ({})", index + 1, step.name, step.endpoint)
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
