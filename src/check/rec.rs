//! What the engine says of one check: cheap enough for the load generator's hot path (only a
//! broken check carries evidence, built then), complete enough for a certification report.

use std::borrow::Cow;

use serde_json::Value;

use crate::model::verdict::failure_at;
use crate::model::{CheckResult, Outcome, Unchecked};
use crate::spec::{Level, Spec};

/// The evidence of a broken check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub instance_path: Option<String>,
    pub schema_path: Option<String>,
    /// How many instances the one check stands for (a rule broken in every item of a list).
    pub occurrences: Option<usize>,
}

impl Evidence {
    pub fn new(expected: impl Into<String>, actual: impl Into<String>) -> Self {
        Self { expected: Some(expected.into()), actual: Some(actual.into()), ..Self::default() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecVerdict {
    Held,
    Broken(Box<Evidence>),
    /// It could not be checked on this answer, and why (`NotApplicable`, `LackedData` …).
    Unchecked(Unchecked, String),
    /// The harness could not evaluate it (a template that does not render).
    Error(String),
}

/// One check: the requirement it cites, what was checked, and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Rec<'a> {
    pub requirement: Cow<'a, str>,
    pub check: Cow<'a, str>,
    pub verdict: RecVerdict,
}

impl<'a> Rec<'a> {
    pub fn held(requirement: impl Into<Cow<'a, str>>, check: impl Into<Cow<'a, str>>) -> Self {
        Self { requirement: requirement.into(), check: check.into(), verdict: RecVerdict::Held }
    }

    /// Held when `ok`, else broken with the evidence `evidence` builds (only then).
    pub fn judged(
        requirement: impl Into<Cow<'a, str>>,
        check: impl Into<Cow<'a, str>>,
        ok: bool,
        evidence: impl FnOnce() -> Evidence,
    ) -> Self {
        let verdict = if ok { RecVerdict::Held } else { RecVerdict::Broken(Box::new(evidence())) };
        Self { requirement: requirement.into(), check: check.into(), verdict }
    }

    pub fn unchecked(
        requirement: impl Into<Cow<'a, str>>,
        check: impl Into<Cow<'a, str>>,
        why: Unchecked,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            requirement: requirement.into(),
            check: check.into(),
            verdict: RecVerdict::Unchecked(why, detail.into()),
        }
    }

    /// The check as the run model records it, at its requirement's level (a requirement outside
    /// the catalogue counts as MUST: the safe side).
    pub fn into_result(self, spec: &Spec) -> CheckResult {
        let level = spec.requirement(&self.requirement).map_or(Level::Must, |r| r.level);
        let mut result = CheckResult {
            requirement: self.requirement.into_owned(),
            level,
            outcome: Outcome::Pass,
            check: self.check.into_owned(),
            expected: None,
            actual: None,
            instance_path: None,
            schema_path: None,
            unchecked: None,
            occurrences: None,
        };
        match self.verdict {
            RecVerdict::Held => {}
            RecVerdict::Broken(e) => {
                result.outcome = failure_at(level);
                result.expected = e.expected;
                result.actual = e.actual;
                result.instance_path = e.instance_path;
                result.schema_path = e.schema_path;
                result.occurrences = e.occurrences;
            }
            RecVerdict::Unchecked(why, detail) => {
                result.outcome = Outcome::Skipped;
                result.unchecked = Some(why);
                result.actual = Some(detail);
            }
            RecVerdict::Error(e) => {
                result.outcome = Outcome::Error;
                result.actual = Some(e);
            }
        }
        result
    }

    pub fn is_broken(&self) -> bool {
        matches!(self.verdict, RecVerdict::Broken(_))
    }

    /// `the expected …, actual …` of a broken check, in one line (load failures, logs).
    pub fn message(&self) -> String {
        match &self.verdict {
            RecVerdict::Broken(e) => match (&e.expected, &e.actual) {
                (Some(x), Some(a)) => format!("{}: expected {x}, actual {a}", self.check),
                (None, Some(a)) => format!("{}: {a}", self.check),
                _ => self.check.to_string(),
            },
            RecVerdict::Error(e) => e.clone(),
            RecVerdict::Unchecked(_, d) => d.clone(),
            RecVerdict::Held => self.check.to_string(),
        }
    }
}

/// A value as evidence: its JSON text, cut at 160 characters.
pub(super) fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text
    }
}
