//! The findings of a run: each failed MUST, harness error and SHOULD warning with where it happened.
//! Extracted once so every format lists the same findings in the same order.

use crate::run::model::{CaseResult, CheckResult, Outcome, RunReport, StepResult};
use crate::spec::Level;

pub struct Finding<'a> {
    /// Fail, Error or Warn: the outcome of the check, or Error for a step the harness could not run.
    pub outcome: Outcome,
    pub case: &'a CaseResult,
    /// 0-based position of the step in its case.
    pub step_index: usize,
    pub step: &'a StepResult,
    /// None when the finding is the step's harness error (`step.error`) rather than a check.
    pub check: Option<&'a CheckResult>,
}

impl Finding<'_> {
    pub fn requirement(&self) -> Option<(&str, Level)> {
        self.check.map(|c| (c.requirement.as_str(), c.level))
    }

    /// One line: `MV2-CHECKIN-003 (MUST): response matches the schema`, or the harness error.
    pub fn headline(&self) -> String {
        match (self.check, &self.step.error) {
            (Some(c), _) => format!("{} ({}): {}", c.requirement, c.level, c.check),
            (None, Some(e)) => format!("harness error: {e}"),
            (None, None) => "harness error".to_string(),
        }
    }

    /// `expected …, actual …` in one line, when the check recorded them.
    pub fn expected_actual(&self) -> Option<String> {
        let c = self.check?;
        match (&c.expected, &c.actual) {
            (Some(e), Some(a)) => Some(format!("expected {e}, actual {a}")),
            (Some(e), None) => Some(format!("expected {e}")),
            (None, Some(a)) => Some(format!("actual {a}")),
            (None, None) => None,
        }
    }

    /// The evidence as (label, value) pairs, in the order every plain-text format prints them.
    pub fn evidence(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match self.check {
            Some(c) => {
                out.push(("requirement", format!("{} ({})", c.requirement, c.level)));
                out.push(("check", c.check.clone()));
                out.extend(c.expected.clone().map(|v| ("expected", v)));
                out.extend(c.actual.clone().map(|v| ("actual", v)));
                out.extend(c.instance_path.clone().map(|v| ("at", v)));
                out.extend(c.schema_path.clone().map(|v| ("schema", v)));
            }
            None => out.push(("error", self.step.error.clone().unwrap_or_default())),
        }
        out.extend(self.step.curl.clone().map(|v| ("curl", v)));
        out
    }
}

/// Severity order: MUST failures decide the verdict, so they come first, then harness errors, then
/// SHOULD warnings; run order within each.
fn severity(o: Outcome) -> u8 {
    match o {
        Outcome::Fail => 0,
        Outcome::Error => 1,
        _ => 2,
    }
}

pub fn findings(report: &RunReport) -> Vec<Finding<'_>> {
    let mut out = Vec::new();
    for case in &report.cases {
        for (step_index, step) in case.steps.iter().enumerate() {
            if step.error.is_some() {
                out.push(Finding { outcome: Outcome::Error, case, step_index, step, check: None });
            }
            for check in &step.checks {
                if matches!(check.outcome, Outcome::Fail | Outcome::Error | Outcome::Warn) {
                    out.push(Finding { outcome: check.outcome, case, step_index, step, check: Some(check) });
                }
            }
        }
    }
    // A stable sort keeps run order within a severity.
    out.sort_by_key(|f| severity(f.outcome));
    out
}
