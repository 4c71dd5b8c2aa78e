//! What each step can check, read from its compiled definition before anything is sent.
//!
//! A PASS must rest on every in-scope MUST having been checked, so the run needs to know which
//! requirements it set out to check, and which ones a step that did not run (skipped for lack of
//! data, after a failure, interrupted) would have checked. This follows the rules of
//! [`evaluate`](super::evaluate) (a test keeps the two in step on the reference server: every MUST
//! there is verified).

use std::collections::BTreeSet;

use super::compiled::CompiledStep;
use super::evaluate::schema_requirements;
use super::ids;
use crate::spec::{Endpoint, Spec};
use crate::suite::{LoadedSuite, StatusSpec};

/// The requirements `step` can check on `endpoint`, whatever the target answers.
pub fn can_check(step: &CompiledStep, spec: &Spec, endpoint: &Endpoint) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if step.teardown {
        return out;
    }
    let expected = &step.expected;
    out.extend([ids::GEN_HTTP_006, ids::GEN_HTTP_005].map(String::from));
    out.insert(step.status_requirement.clone());
    if step.post {
        out.insert(ids::GEN_HTTP_001.into());
    }
    if *expected == StatusSpec::One(412) {
        out.insert(ids::GEN_ERR_006.into());
    }
    if step.session && expected.allows(200) && !expected.allows(412) {
        out.insert(ids::GEN_SES_003.into());
    }
    if step.json_expected || expected.allows(200) {
        out.insert(ids::GEN_HTTP_003.into());
    }
    if expected.allows(200) {
        out.extend(schema_requirements(&endpoint.response, spec));
        if step.enveloped {
            out.extend([ids::GEN_ENV_003, ids::GEN_ENV_005].map(String::from));
            if step.list_form_only {
                out.insert(ids::MV2_GETBYUSER_002.into());
            }
        }
    }
    let failure_expected = match expected {
        StatusSpec::One(s) => (400..500).contains(s) && *s != 405,
        StatusSpec::Any(list) => list.iter().any(|s| (400..500).contains(s) && *s != 405),
    };
    if failure_expected && (step.error.is_some() || step.json_expected) {
        out.extend(schema_requirements(&serde_json::json!({"$ref": "#/$defs/errorResponse"}), spec));
        out.extend([ids::GEN_ERR_004, ids::GEN_ERR_005].map(String::from));
    }
    out.extend(step.checks.iter().map(|c| c.requirement.clone()));
    out.extend(step.also.iter().cloned());
    out.retain(|id| spec.requirement(id).is_some());
    out
}

/// Every requirement some step of `suites` or of `generated` cases can check, with every tier and
/// input (what the catalogue test holds every MUST to).
pub fn checkable(spec: &Spec, suites: &[LoadedSuite], generated: &[crate::suite::CaseDef]) -> BTreeSet<String> {
    let written = suites.iter().flat_map(|s| s.suite.cases.iter());
    let mut out = BTreeSet::new();
    for case in written.chain(generated) {
        for step in &case.steps {
            if let Some(endpoint) = spec.endpoint(&step.call) {
                out.extend(can_check(&CompiledStep::new(spec, endpoint, step), spec, endpoint));
            }
        }
    }
    out
}
