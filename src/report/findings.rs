//! The findings as every format words them. The groups are decided once, in the run model
//! (`RunReport::findings`, see `run::findings`); JUnit, which reports per case, groups one case's
//! checks with the same function. One module, so no two formats can say a finding differently.

use super::labels;
use crate::model::{CaseResult, FindingExample, FindingGroup, Outcome, RunReport};

/// `MV-ITEM-001 (MUST)`, or `harness error`.
pub fn label(g: &FindingGroup) -> String {
    match (&g.requirement, g.level) {
        (Some(id), Some(level)) => format!("{id} ({level})"),
        (Some(id), None) => id.clone(),
        (None, _) => "harness error".to_string(),
    }
}

/// `80 times in 40 cases`, `once in 1 case`.
pub fn count(g: &FindingGroup) -> String {
    let cases = if g.cases == 1 { "1 case".to_string() } else { format!("{} cases", g.cases) };
    format!("{} in {cases}", times(g.occurrences))
}

/// `once`, `3 times`.
pub fn times(n: usize) -> String {
    if n == 1 {
        "once".to_string()
    } else {
        format!("{n} times")
    }
}

/// `MV-ITEM-001 (MUST) /mobile/v2/notification/getNewest: response matches the schema:
/// /notifications/*/taskId (required) — 80 times in 40 cases`.
pub fn headline(g: &FindingGroup) -> String {
    format!("{} {}: {} — {}", label(g), g.endpoint, g.kind, count(g))
}

/// Where an example happened: `technician/check-in · step 2 "check in"` (the endpoint is the group's).
pub fn place(g: &FindingGroup, ex: &FindingExample) -> String {
    format!("{} · {}", ex.case, labels::step(ex.step_index, &ex.step, &g.endpoint))
}

/// An example's evidence as (label, value) pairs, in the order every plain-text format prints them.
pub fn evidence(g: &FindingGroup, ex: &FindingExample) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if is_error(g) {
        out.extend(ex.actual.clone().map(|v| ("error", v)));
    } else {
        out.extend(ex.expected.clone().map(|v| ("expected", v)));
        out.extend(ex.actual.clone().map(|v| ("actual", v)));
        out.extend(ex.instance_path.clone().map(|v| ("at", v)));
        out.extend(ex.schema_path.clone().map(|v| ("schema", v)));
    }
    out.extend(ex.curl.clone().map(|v| ("curl", v)));
    out
}

/// A harness error (a step that got no usable answer) cites no requirement; its examples carry the
/// error as `actual` (see `run::findings`).
pub fn is_error(g: &FindingGroup) -> bool {
    g.requirement.is_none()
}

/// The failures and harness errors (what can fail a run), then the SHOULD warnings.
pub fn split(report: &RunReport) -> (Vec<&FindingGroup>, Vec<&FindingGroup>) {
    let (warnings, failures) = report.findings.iter().partition(|g| g.outcome == Outcome::Warn);
    (failures, warnings)
}

/// One case's findings, grouped the way the run's are, so a list step failing in every item, or a
/// check repeated by every step, is one entry with its count however much data the target has.
pub fn of_case(case: &CaseResult) -> Vec<FindingGroup> {
    crate::model::findings::group(std::slice::from_ref(case))
}

/// The one-line message of a group's first example: `MV2-CHECKIN-001 (MUST): response matches the
/// schema; expected integer, actual string "4711"`, `harness error: timeout …`, and how often when
/// more than once.
pub fn message(g: &FindingGroup) -> String {
    let Some(ex) = g.examples.first() else { return headline(g) };
    let mut text = if is_error(g) {
        format!("{}: {}", label(g), ex.actual.as_deref().unwrap_or(&g.kind))
    } else {
        let mut text = format!("{}: {}", label(g), ex.check);
        match (&ex.expected, &ex.actual) {
            (Some(e), Some(a)) => text.push_str(&format!("; expected {e}, actual {a}")),
            (Some(e), None) => text.push_str(&format!("; expected {e}")),
            (None, Some(a)) => text.push_str(&format!("; actual {a}")),
            (None, None) => {}
        }
        text
    };
    if g.occurrences > 1 {
        text.push_str(&format!(" — {}", times(g.occurrences)));
    }
    text
}
