//! Verdicts are decided here and nowhere else: check → step → case → run, and the exit code.

use std::collections::BTreeMap;

use super::load::LoadSummary;
use super::report::{
    CaseResult, CheckResult, Coverage, EndpointCoverage, LevelCoverage, Outcome, RequirementCoverage,
    RequirementVerdict, RunStats, RunVerdict, Scope, StepResult, Stop, Unchecked,
};
use crate::exit;
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
        s.steps += case.steps.len();
        s.steps_skipped += case.steps.iter().filter(|st| st.outcome == Outcome::Skipped).count();
        let never_started = case.steps.iter().all(|st| {
            st.response.is_none()
                && st.error.is_none()
                && matches!(
                    st.unchecked,
                    Some(
                        Unchecked::NotRun
                            | Unchecked::SlowTier
                            | Unchecked::VendorInput
                            | Unchecked::FewAccounts
                            | Unchecked::Selection
                    )
                )
        });
        if never_started && !case.steps.is_empty() {
            s.cases_not_run += 1;
        }
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

/// The run's verdict, in this order: a target that stopped answering is an ERROR (the run could
/// not finish); a failed MUST is a FAIL (whatever else happened, that failure stands); an
/// interrupted run is INCOMPLETE; a harness error is an ERROR; an in-scope MUST left unchecked
/// makes it INCOMPLETE; otherwise every in-scope MUST was checked and held: PASS.
pub fn run_verdict(stats: &RunStats, coverage: &RequirementCoverage, stopped: Option<Stop>) -> RunVerdict {
    if stopped == Some(Stop::TargetStoppedAnswering) {
        RunVerdict::Error
    } else if stats.must_failures > 0 || stats.failed > 0 {
        RunVerdict::Fail
    } else if stopped == Some(Stop::Interrupted) {
        RunVerdict::Incomplete
    } else if stats.errored > 0 || stats.harness_errors > 0 {
        RunVerdict::Error
    } else if coverage.must.not_checked > 0 {
        RunVerdict::Incomplete
    } else {
        RunVerdict::Pass
    }
}

pub fn exit_code(verdict: RunVerdict) -> u8 {
    match verdict {
        RunVerdict::Pass => exit::OK,
        RunVerdict::Fail => exit::CONFORMANCE_FAILURE,
        RunVerdict::Incomplete => exit::INCOMPLETE,
        RunVerdict::Error => exit::HARNESS_ERROR,
    }
}

/// A load run is gated by its thresholds: they weigh the checks broken under load (`error-rate<1%`
/// by default), which its report lists as cases without deciding the verdict. A run that sent no
/// request measured nothing: a harness error.
pub fn load_verdict(summary: &LoadSummary) -> RunVerdict {
    if summary.total.count == 0 {
        RunVerdict::Error
    } else if !summary.passed {
        RunVerdict::Fail
    } else if summary.interrupted {
        // Stopped before its run time or iterations (Ctrl-C, SIGTERM): the gates held over a
        // shorter run than the one asked for, which is not a pass.
        RunVerdict::Incomplete
    } else {
        RunVerdict::Pass
    }
}

/// A breached threshold has its own exit code, so CI can tell it from a conformance failure.
pub fn load_exit_code(verdict: RunVerdict) -> u8 {
    match verdict {
        RunVerdict::Pass => exit::OK,
        RunVerdict::Fail => exit::THRESHOLD_BREACHED,
        RunVerdict::Incomplete => exit::INCOMPLETE,
        RunVerdict::Error => exit::HARNESS_ERROR,
    }
}

/// Why a requirement could not be checked, with where.
#[derive(Debug, Clone)]
struct Reason {
    why: Unchecked,
    detail: String,
}

fn pick(reasons: Vec<Reason>) -> Option<Reason> {
    reasons.into_iter().min_by_key(|r| r.why.precedence())
}

fn step_label(case: &CaseResult, index: usize, step: &StepResult) -> String {
    format!("{} step {} ({})", case.id, index + 1, step.name)
}

/// Every requirement of the spec: the worst outcome of its checks and its coverage.
///
/// A requirement with a passing check and no failing one is verified; with a failing one, failed.
/// One without any is not checked, and why comes from the steps that could have checked it (each
/// case records what its steps can check): a step skipped for lack of data, after an earlier
/// failure, or not run; an answer where it did not apply. A requirement that no step of this run
/// could check is out of scope, for the reason `excluded` gives (the cases the selection, the slow
/// tier or missing vendor input left out), or the selection. `level` (`--level must`) puts the
/// other levels out of scope.
pub fn requirement_verdicts(
    spec: &Spec,
    cases: &[CaseResult],
    excluded: &BTreeMap<String, Unchecked>,
    level: Option<Level>,
) -> Vec<RequirementVerdict> {
    let mut by_id: BTreeMap<&str, Vec<&CheckResult>> = BTreeMap::new();
    for check in cases.iter().flat_map(|c| &c.steps).flat_map(|s| &s.checks) {
        by_id.entry(check.requirement.as_str()).or_default().push(check);
    }
    // Requirement → the reasons each step that could check it did not.
    let mut reasons: BTreeMap<&str, Vec<Reason>> = BTreeMap::new();
    for case in cases {
        for (i, step) in case.steps.iter().enumerate() {
            for check in step.checks.iter().filter(|c| c.outcome == Outcome::Skipped) {
                if let Some(why) = check.unchecked {
                    let detail = format!("{}: {}", step_label(case, i, step), check.actual.as_deref().unwrap_or(""));
                    reasons.entry(check.requirement.as_str()).or_default().push(Reason { why, detail });
                }
            }
            let Some(can) = case.can_check.get(i) else { continue };
            for id in can {
                if step.checks.iter().any(|c| &c.requirement == id) {
                    continue;
                }
                let reason = if let Some(why) = step.unchecked {
                    Reason {
                        why,
                        detail: format!(
                            "{}: {}",
                            step_label(case, i, step),
                            step.skipped_reason.as_deref().unwrap_or("skipped")
                        ),
                    }
                } else if step.error.is_some() {
                    Reason {
                        why: Unchecked::HarnessError,
                        detail: format!("{}: {}", step_label(case, i, step), step.error.as_deref().unwrap_or("")),
                    }
                } else if matches!(step.outcome, Outcome::Fail | Outcome::Error) {
                    Reason {
                        why: Unchecked::EarlierFailure,
                        detail: format!("{}: the step failed", step_label(case, i, step)),
                    }
                } else {
                    // The step ran and held, but its answer never exercised this requirement.
                    Reason {
                        why: Unchecked::LackedData,
                        detail: format!("{}: the answer did not exercise it", step_label(case, i, step)),
                    }
                };
                reasons.entry(id.as_str()).or_default().push(reason);
            }
        }
    }
    spec.requirements
        .values()
        .map(|entry| {
            let r = &entry.requirement;
            let checks = by_id.get(r.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let failures =
                checks.iter().filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error)).count();
            let outcome = worst(checks.iter().map(|c| c.outcome));
            let held = checks.iter().any(|c| c.outcome == Outcome::Pass);
            let broken = checks.iter().any(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn));
            let (coverage, reason) = if level.is_some_and(|l| l != r.level) {
                let detail = format!(
                    "--level {} leaves {} requirements out",
                    level.map(|l| l.to_string().to_lowercase()).unwrap_or_default(),
                    r.level
                );
                (Coverage::OutOfScope, Some(Reason { why: Unchecked::Selection, detail }))
            } else if broken {
                (Coverage::Failed, None)
            } else if held {
                (Coverage::Verified, None)
            } else {
                let found = pick(reasons.remove(r.id.as_str()).unwrap_or_default()).unwrap_or_else(|| {
                    let why = excluded.get(&r.id).copied().unwrap_or(Unchecked::Selection);
                    Reason { why, detail: out_of_scope_detail(why) }
                });
                let coverage = match found.why.scope() {
                    Scope::NotApplicable => Coverage::NotApplicable,
                    Scope::Unverified => Coverage::NotChecked,
                    Scope::OutOfScope => Coverage::OutOfScope,
                };
                (coverage, Some(found))
            };
            RequirementVerdict {
                id: r.id.clone(),
                level: r.level,
                text: r.text.clone(),
                outcome,
                checks: checks.len(),
                failures,
                coverage,
                why: reason.as_ref().map(|x| x.why),
                detail: reason.map(|x| x.detail),
            }
        })
        .collect()
}

/// Why the multi-user requirements are out of scope with one account per role.
pub const FEW_ACCOUNTS: &str =
    "needs two accounts per role: list a second account for the role in the credentials file (technician: [{user: …}, {user: …}])";

/// What to do about a requirement no step of the run could check.
pub fn out_of_scope_detail(why: Unchecked) -> String {
    match why {
        Unchecked::SlowTier => "only the slow tier checks it: run with --include slow".into(),
        Unchecked::VendorInput => {
            "it needs input only the vendor has: give --data-query NAME (or data_query: in the credentials file)".into()
        }
        Unchecked::FewAccounts => FEW_ACCOUNTS.into(),
        _ => "no case of this run's selection checks it".into(),
    }
}

/// MUST and SHOULD counts of [`requirement_verdicts`].
pub fn requirement_coverage(verdicts: &[RequirementVerdict]) -> RequirementCoverage {
    let mut out = RequirementCoverage::default();
    for v in verdicts {
        let level = match v.level {
            Level::Must => &mut out.must,
            Level::Should => &mut out.should,
            Level::May => continue,
        };
        count(level, v.coverage);
    }
    out
}

fn count(level: &mut LevelCoverage, coverage: Coverage) {
    match coverage {
        Coverage::Verified => level.verified += 1,
        Coverage::Failed => level.failed += 1,
        Coverage::NotChecked => level.not_checked += 1,
        Coverage::NotApplicable => level.not_applicable += 1,
        Coverage::OutOfScope => level.out_of_scope += 1,
    }
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
        let none = RequirementCoverage::default();
        let s = RunStats { must_failures: 1, harness_errors: 2, ..RunStats::default() };
        assert_eq!(run_verdict(&s, &none, None), RunVerdict::Fail);
        let s = RunStats { should_failures: 3, ..RunStats::default() };
        assert_eq!(run_verdict(&s, &none, None), RunVerdict::Pass);
        let s = RunStats { errored: 1, ..RunStats::default() };
        assert_eq!(exit_code(run_verdict(&s, &none, None)), crate::exit::HARNESS_ERROR);
    }

    #[test]
    fn an_interrupted_or_unverified_run_is_never_a_pass() {
        let clean = RunStats::default();
        let none = RequirementCoverage::default();
        assert_eq!(run_verdict(&clean, &none, Some(Stop::Interrupted)), RunVerdict::Incomplete);
        assert_eq!(exit_code(RunVerdict::Incomplete), crate::exit::INCOMPLETE);
        assert_eq!(run_verdict(&clean, &none, Some(Stop::TargetStoppedAnswering)), RunVerdict::Error);
        let unchecked = RequirementCoverage {
            must: LevelCoverage { verified: 10, not_checked: 1, ..LevelCoverage::default() },
            ..RequirementCoverage::default()
        };
        assert_eq!(run_verdict(&clean, &unchecked, None), RunVerdict::Incomplete);
        // An unchecked SHOULD, a not-applicable MUST or an out-of-scope one does not block.
        let fine = RequirementCoverage {
            must: LevelCoverage { verified: 10, not_applicable: 2, out_of_scope: 3, ..LevelCoverage::default() },
            should: LevelCoverage { not_checked: 4, ..LevelCoverage::default() },
        };
        assert_eq!(run_verdict(&clean, &fine, None), RunVerdict::Pass);
        // A failure outranks an interruption.
        let failed = RunStats { must_failures: 1, ..RunStats::default() };
        assert_eq!(run_verdict(&failed, &none, Some(Stop::Interrupted)), RunVerdict::Fail);
    }
}
