//! Verdicts are decided here and nowhere else: check → step → case → run, and the exit code.

use std::collections::BTreeMap;

use super::model::{
    CaseResult, CheckResult, EndpointCoverage, Outcome, RequirementVerdict, RunStats, RunVerdict, StepResult,
};
use crate::exit;
use crate::load::LoadSummary;
use crate::spec::{Level, Spec};

/// The outcome of a failed check at this level: a failed MUST fails, a failed SHOULD (or MAY) warns.
pub fn failure_at(level: Level) -> Outcome {
    match level {
        Level::Must => Outcome::Fail,
        Level::Should | Level::May => Outcome::Warn,
    }
}

/// Error outranks Fail outranks Warn outranks Pass; Skipped counts only when nothing else ran.
fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::Skipped => 0,
        Outcome::Pass => 1,
        Outcome::Warn => 2,
        Outcome::Fail => 3,
        Outcome::Error => 4,
    }
}

pub fn worst(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
    outcomes.into_iter().max_by_key(|o| rank(*o)).unwrap_or(Outcome::Skipped)
}

pub fn step_outcome(step: &StepResult) -> Outcome {
    if step.error.is_some() {
        return Outcome::Error;
    }
    if step.skipped_reason.is_some() && step.checks.is_empty() {
        return Outcome::Skipped;
    }
    match worst(step.checks.iter().map(|c| c.outcome)) {
        Outcome::Skipped => Outcome::Pass,
        other => other,
    }
}

pub fn case_outcome(steps: &[StepResult]) -> Outcome {
    worst(steps.iter().map(|s| s.outcome))
}

pub fn stats(cases: &[CaseResult]) -> RunStats {
    let mut s = RunStats { cases: cases.len(), ..RunStats::default() };
    for case in cases {
        match case.outcome {
            Outcome::Pass => s.passed += 1,
            Outcome::Warn => s.warned += 1,
            Outcome::Fail => s.failed += 1,
            Outcome::Error => s.errored += 1,
            Outcome::Skipped => s.skipped += 1,
        }
        for step in &case.steps {
            if step.error.is_some() {
                s.harness_errors += 1;
            }
            for check in &step.checks {
                s.checks += 1;
                match check.outcome {
                    Outcome::Fail => s.must_failures += 1,
                    Outcome::Warn => s.should_failures += 1,
                    Outcome::Error => s.harness_errors += 1,
                    _ => {}
                }
            }
        }
    }
    s
}

/// A MUST failure fails the run; otherwise a harness error makes it an error; otherwise it passes.
pub fn run_verdict(stats: &RunStats) -> RunVerdict {
    if stats.must_failures > 0 || stats.failed > 0 {
        RunVerdict::Fail
    } else if stats.errored > 0 || stats.harness_errors > 0 {
        RunVerdict::Error
    } else {
        RunVerdict::Pass
    }
}

pub fn exit_code(verdict: RunVerdict) -> u8 {
    match verdict {
        RunVerdict::Pass => exit::OK,
        RunVerdict::Fail => exit::CONFORMANCE_FAILURE,
        RunVerdict::Error => exit::HARNESS_ERROR,
    }
}

/// A load run is gated by its thresholds: they weigh the checks broken under load (`error-rate<1%`
/// by default), which its report lists as cases without deciding the verdict. A run that sent no
/// request measured nothing: a harness error.
pub fn load_verdict(summary: &LoadSummary) -> RunVerdict {
    if summary.total.count == 0 {
        RunVerdict::Error
    } else if summary.passed {
        RunVerdict::Pass
    } else {
        RunVerdict::Fail
    }
}

/// A breached threshold has its own exit code, so CI can tell it from a conformance failure.
pub fn load_exit_code(verdict: RunVerdict) -> u8 {
    match verdict {
        RunVerdict::Pass => exit::OK,
        RunVerdict::Fail => exit::THRESHOLD_BREACHED,
        RunVerdict::Error => exit::HARNESS_ERROR,
    }
}

/// Every requirement of the spec with the worst outcome of its checks (Skipped when not checked).
pub fn requirement_verdicts(spec: &Spec, cases: &[CaseResult]) -> Vec<RequirementVerdict> {
    let mut by_id: BTreeMap<&str, Vec<&CheckResult>> = BTreeMap::new();
    for check in cases.iter().flat_map(|c| &c.steps).flat_map(|s| &s.checks) {
        by_id.entry(check.requirement.as_str()).or_default().push(check);
    }
    spec.requirements
        .values()
        .map(|entry| {
            let r = &entry.requirement;
            let checks = by_id.get(r.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let failures =
                checks.iter().filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error)).count();
            RequirementVerdict {
                id: r.id.clone(),
                level: r.level,
                text: r.text.clone(),
                outcome: if checks.is_empty() { Outcome::Skipped } else { worst(checks.iter().map(|c| c.outcome)) },
                checks: checks.len(),
                failures,
            }
        })
        .collect()
}

pub fn coverage(spec: &Spec, cases: &[CaseResult]) -> Vec<EndpointCoverage> {
    spec.endpoints
        .iter()
        .map(|e| {
            let steps: Vec<&StepResult> = cases
                .iter()
                .flat_map(|c| &c.steps)
                .filter(|s| s.endpoint == e.path && s.outcome != Outcome::Skipped)
                .collect();
            EndpointCoverage {
                path: e.path.clone(),
                group: e.group.to_string(),
                calls: steps.len(),
                passed: steps.iter().filter(|s| matches!(s.outcome, Outcome::Pass | Outcome::Warn)).count(),
                failed: steps.iter().filter(|s| matches!(s.outcome, Outcome::Fail | Outcome::Error)).count(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_outranks_fail_outranks_warn() {
        assert_eq!(worst([Outcome::Pass, Outcome::Warn]), Outcome::Warn);
        assert_eq!(worst([Outcome::Warn, Outcome::Fail, Outcome::Pass]), Outcome::Fail);
        assert_eq!(worst([Outcome::Fail, Outcome::Error]), Outcome::Error);
        assert_eq!(worst([Outcome::Skipped, Outcome::Pass]), Outcome::Pass);
        assert_eq!(worst([]), Outcome::Skipped);
        assert_eq!(failure_at(Level::Should), Outcome::Warn);
    }

    #[test]
    fn a_must_failure_decides_the_run() {
        let s = RunStats { must_failures: 1, harness_errors: 2, ..RunStats::default() };
        assert_eq!(run_verdict(&s), RunVerdict::Fail);
        let s = RunStats { should_failures: 3, ..RunStats::default() };
        assert_eq!(run_verdict(&s), RunVerdict::Pass);
        let s = RunStats { errored: 1, ..RunStats::default() };
        assert_eq!(exit_code(run_verdict(&s)), crate::exit::HARNESS_ERROR);
    }
}
