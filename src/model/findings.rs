//! The findings of a run, grouped: one per (requirement, endpoint, kind of deviation), counted,
//! with the first examples. Decided here once; every report format renders these.

use std::collections::HashMap;

use super::report::{CaseResult, CheckResult, FindingExample, FindingGroup, Outcome, StepResult};
use crate::schema::reach::star;

/// Examples kept per finding: enough to reproduce it, few enough that a report of a broken target
/// stays readable (and its size does not grow with the target's data).
pub const EXAMPLES: usize = 3;

/// Severity order: MUST failures decide the verdict, so they come first, then harness errors,
/// then SHOULD warnings.
fn severity(o: Outcome) -> u8 {
    match o {
        Outcome::Fail => 0,
        Outcome::Error => 1,
        _ => 2,
    }
}

/// `/allOf/1/properties/notifications/$ref/items/$ref/required` keeps its shape but not its
/// positions; with the member it says which rule broke.
fn kind_of(check: &CheckResult) -> String {
    match (&check.instance_path, &check.schema_path) {
        (Some(at), Some(schema)) => {
            let rule = schema.rsplit('/').next().unwrap_or(schema);
            let at = if at.is_empty() { "/".to_string() } else { star(at) };
            format!("{}: {at} ({rule})", check.check)
        }
        _ => check.check.clone(),
    }
}

/// A harness error's kind: its message without the numbers and addresses that change per request.
fn error_kind(message: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

fn example(case: &CaseResult, index: usize, step: &StepResult, check: Option<&CheckResult>) -> FindingExample {
    FindingExample {
        case: case.id.clone(),
        step_index: index,
        step: step.name.clone(),
        check: check.map_or_else(|| "harness error".to_string(), |c| c.check.clone()),
        expected: check.and_then(|c| c.expected.clone()),
        actual: check.map_or_else(|| step.error.clone(), |c| c.actual.clone()),
        instance_path: check.and_then(|c| c.instance_path.clone()),
        schema_path: check.and_then(|c| c.schema_path.clone()),
        curl: step.curl.clone(),
    }
}

pub fn group(cases: &[CaseResult]) -> Vec<FindingGroup> {
    let mut groups: Vec<FindingGroup> = Vec::new();
    let mut index: HashMap<(Outcome, Option<String>, String, String), usize> = HashMap::new();
    let mut last_case: Vec<String> = Vec::new();
    for case in cases {
        for (i, step) in case.steps.iter().enumerate() {
            let mut found: Vec<(Outcome, Option<&CheckResult>, String)> = Vec::new();
            if let Some(e) = &step.error {
                found.push((Outcome::Error, None, error_kind(e)));
            }
            for check in &step.checks {
                if matches!(check.outcome, Outcome::Fail | Outcome::Error | Outcome::Warn) {
                    found.push((check.outcome, Some(check), kind_of(check)));
                }
            }
            for (outcome, check, kind) in found {
                let requirement = check.map(|c| c.requirement.clone());
                let key = (outcome, requirement.clone(), step.endpoint.clone(), kind.clone());
                let at = *index.entry(key).or_insert_with(|| {
                    groups.push(FindingGroup {
                        outcome,
                        requirement,
                        level: check.map(|c| c.level),
                        endpoint: step.endpoint.clone(),
                        kind,
                        occurrences: 0,
                        cases: 0,
                        examples: Vec::new(),
                    });
                    last_case.push(String::new());
                    groups.len() - 1
                });
                let g = &mut groups[at];
                g.occurrences += 1;
                if last_case[at] != case.id {
                    g.cases += 1;
                    last_case[at].clone_from(&case.id);
                }
                if g.examples.len() < EXAMPLES {
                    g.examples.push(example(case, i, step, check));
                }
            }
        }
    }
    // A stable sort keeps run order within a severity.
    groups.sort_by_key(|g| severity(g.outcome));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Level;

    fn failing_step(n: usize) -> StepResult {
        let check = CheckResult {
            requirement: "MV-ITEM-001".into(),
            level: Level::Must,
            outcome: Outcome::Fail,
            check: "response matches the schema".into(),
            expected: Some("schema …/required".into()),
            actual: Some(format!("/notifications/*/taskId: \"taskId\" is a required property (in {n} of {n} items)")),
            instance_path: Some("/notifications/0/taskId".into()),
            schema_path: Some("/allOf/1/properties/notifications/$ref/items/$ref/required".into()),
            unchecked: None,
            occurrences: Some(n),
        };
        StepResult {
            name: "getNewest".into(),
            endpoint: "/mobile/v2/notification/getNewest".into(),
            outcome: Outcome::Fail,
            skipped_reason: None,
            unchecked: None,
            request: None,
            response: None,
            error: None,
            checks: vec![check],
            curl: None,
        }
    }

    fn case(id: &str, steps: Vec<StepResult>) -> CaseResult {
        CaseResult {
            id: id.into(),
            suite: "s".into(),
            name: id.into(),
            tags: Vec::new(),
            source: "s.yaml".into(),
            outcome: Outcome::Fail,
            duration_ms: 0,
            steps,
            can_check: Vec::new(),
        }
    }

    #[test]
    fn the_same_deviation_is_one_finding_whatever_the_data() {
        let few = vec![case("a", vec![failing_step(3)])];
        let many: Vec<CaseResult> =
            (0..40).map(|i| case(&format!("c{i}"), vec![failing_step(90), failing_step(90)])).collect();
        let (g_few, g_many) = (group(&few), group(&many));
        assert_eq!((g_few.len(), g_many.len()), (1, 1));
        assert_eq!((g_many[0].occurrences, g_many[0].cases, g_many[0].examples.len()), (80, 40, EXAMPLES));
        assert_eq!(g_many[0].kind, "response matches the schema: /notifications/*/taskId (required)");
    }

    #[test]
    fn harness_errors_group_without_their_numbers() {
        assert_eq!(error_kind("cannot connect: 127.0.0.1:4321 refused"), "cannot connect: #.#.#.#:# refused");
    }
}
