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
        RunVerdict::Error => "ERROR",
    }
}

/// Why the verdict is what it is, in counts: `2 MUST failures, 1 SHOULD warning`.
pub fn verdict_reason(report: &RunReport) -> String {
    let s = &report.stats;
    let parts: Vec<String> = [
        (s.must_failures, "MUST failure", "MUST failures"),
        (s.harness_errors, "harness error", "harness errors"),
        (s.should_failures, "SHOULD warning", "SHOULD warnings"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if parts.is_empty() {
        format!("{} checks held", s.checks)
    } else {
        parts.join(", ")
    }
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
