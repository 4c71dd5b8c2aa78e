//! What each step of a case can check, read from its definition before anything is sent.
//!
//! A PASS must rest on every in-scope MUST having been checked, so the run needs to know which
//! requirements it set out to check, and which ones a step that did not run (skipped for lack of
//! data, after a failure, interrupted) would have checked. This mirrors `checks::evaluate`: every
//! requirement evaluate can record for a step is listed here (a test keeps the two in step on the
//! reference server: every MUST there is verified).

use std::collections::BTreeSet;

use super::checks::schema_requirements;
use crate::spec::{Endpoint, Spec};
use crate::suite::{StatusSpec, StepDef};

/// v2 getByUser has the MV2-GETBYUSER-002 envelope rule instead of the plain one (D-V2-GETBYUSER).
const V2_GET_BY_USER: &str = "/mobile/v2/notification/getByUser";

/// Every requirement some step of `suites` or of the cases generated from the spec can check, with
/// every tier and input (what the catalogue test holds every MUST to).
pub fn checkable(spec: &Spec, suites: &[crate::suite::LoadedSuite]) -> BTreeSet<String> {
    let written = suites.iter().flat_map(|s| s.suite.cases.iter().cloned());
    let generated = super::generate::generate(spec).into_iter().flat_map(|s| s.cases);
    let mut out = BTreeSet::new();
    for case in written.chain(generated) {
        for step in &case.steps {
            if let Some(endpoint) = spec.endpoint(&step.call) {
                out.extend(step_can_check(spec, endpoint, step));
            }
        }
    }
    out
}

/// The requirements `step` can check on `endpoint`, whatever the target answers.
pub fn step_can_check(spec: &Spec, endpoint: &Endpoint, step: &StepDef) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if step.teardown {
        return out;
    }
    let expect = &step.expect;
    let expected = expect.expected_status();
    let default_requirement = if expected.allows(200) { "GEN-HTTP-002" } else { "GEN-ERR-006" };
    let status_requirement = expect.requirement.as_deref().unwrap_or(default_requirement);
    let post = step.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case("POST"));
    out.extend(["GEN-HTTP-006", "GEN-HTTP-005", status_requirement].map(String::from));
    if post {
        out.insert("GEN-HTTP-001".into());
    }
    if expected == StatusSpec::One(412) {
        out.insert("GEN-ERR-006".into());
    }
    if endpoint.session && expected.allows(200) && !expected.allows(412) {
        out.insert("GEN-SES-003".into());
    }
    let json_expected = !(expected.allows(405) || expected.allows(400) && expect.error.is_none());
    if json_expected || expected.allows(200) {
        out.insert("GEN-HTTP-003".into());
    }
    if expected.allows(200) {
        out.extend(schema_requirements(&endpoint.response, spec));
        let enveloped =
            spec.table.row(&endpoint.path).is_some_and(|row| row.returns.iter().any(|n| n == "operationID"));
        if enveloped {
            out.extend(["GEN-ENV-003", "GEN-ENV-005"].map(String::from));
            if endpoint.path == V2_GET_BY_USER {
                out.insert("MV2-GETBYUSER-002".into());
            }
        }
    }
    let failure_expected = match &expected {
        StatusSpec::One(s) => (400..500).contains(s) && *s != 405,
        StatusSpec::Any(list) => list.iter().any(|s| (400..500).contains(s) && *s != 405),
    };
    if failure_expected && (expect.error.is_some() || json_expected) {
        out.extend(schema_requirements(&serde_json::json!({"$ref": "#/$defs/errorResponse"}), spec));
        out.extend(["GEN-ERR-004", "GEN-ERR-005"].map(String::from));
    }
    out.extend(expect.checks.iter().map(|c| c.requirement.clone()));
    out.extend(expect.also.iter().cloned());
    out.retain(|id| spec.requirement(id).is_some());
    out
}
