//! A step compiled once for the engine: its status rule, the endpoint facts the envelope and error
//! rules depend on, its content checks, and every member of a response its rules read (so the load
//! generator can read just those).

use std::collections::HashMap;

use super::ids;
use super::sparse::{Extraction, Want};
use crate::spec::{Endpoint, Level, Spec};
use crate::suite::{CheckDef, ErrorSpec, StatusSpec, StepDef};

/// The members every answer's rules read, besides the step's own.
pub const ENVELOPE_READS: [&str; 5] = ["/error", "/error/code", "/error/description", "/dateTime", "/operationID"];

#[derive(Debug, Clone)]
pub struct CompiledStep {
    /// The endpoint path.
    pub call: String,
    pub expected: StatusSpec,
    /// The requirement the status (and error code) expectation cites.
    pub status_requirement: String,
    pub status_level: Level,
    pub error: Option<ErrorSpec>,
    pub also: Vec<String>,
    /// The step POSTs (GEN-HTTP-001 is about POST).
    pub post: bool,
    pub session: bool,
    /// The endpoint's success answers carry the envelope (the table lists operationID).
    pub enveloped: bool,
    /// v2 getByUser: the envelope applies to its list form only (D-V2-GETBYUSER).
    pub list_form_only: bool,
    /// A JSON body is expected (not for a 405, nor a 400 to a malformed body).
    pub json_expected: bool,
    pub checks: Vec<CheckDef>,
    /// Every pointer the rules and checks read, each once, with its slot in a sparse read.
    pub reads: Vec<String>,
    pub slots: HashMap<String, usize>,
    /// A check reads with a selector (`max:`, `[id=4]`, templated): only a whole document answers it.
    pub needs_document: bool,
    /// A clean-up step: checks nothing (see `StepDef::teardown`).
    pub teardown: bool,
}

impl CompiledStep {
    pub fn new(spec: &Spec, endpoint: &Endpoint, step: &StepDef) -> Self {
        let expect = &step.expect;
        let expected = expect.expected_status();
        let default_requirement = if expected.allows(200) { ids::GEN_HTTP_002 } else { ids::GEN_ERR_006 };
        let status_requirement = expect.requirement.clone().unwrap_or_else(|| default_requirement.to_string());
        let status_level = spec.requirement(&status_requirement).map_or(Level::Must, |r| r.level);
        let json_expected = !(expected.allows(405) || expected.allows(400) && expect.error.is_none());
        let enveloped =
            spec.table.row(&endpoint.path).is_some_and(|row| row.returns.iter().any(|n| n == "operationID"));
        let mut reads: Vec<String> = ENVELOPE_READS.iter().map(|s| s.to_string()).collect();
        let list_form_only = endpoint.path == ids::V2_GET_BY_USER;
        if list_form_only {
            // Which form the answer took; read only here (a list is costly to build).
            reads.push("/notifications".into());
            reads.push("/code".into());
        }
        let mut needs_document = false;
        for check in &expect.checks {
            if super::select::is_selector(&check.pointer) || check.pointer.contains("{{") || check.across {
                needs_document = true;
            } else if !reads.contains(&check.pointer) {
                reads.push(check.pointer.clone());
            }
        }
        let slots = reads.iter().enumerate().map(|(i, p)| (p.clone(), i)).collect();
        Self {
            call: endpoint.path.clone(),
            expected,
            status_requirement,
            status_level,
            error: expect.error.clone(),
            also: expect.also.clone(),
            post: step.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case("POST")),
            session: endpoint.session,
            enveloped,
            list_form_only,
            json_expected,
            checks: expect.checks.clone(),
            reads,
            slots,
            needs_document,
            teardown: step.teardown,
        }
    }

    /// The sparse reader of [`reads`](Self::reads), plus `extra` pointers (captures, skip rules)
    /// after them; their slots follow the reads'.
    pub fn extraction(&self, extra: &[(String, Want)]) -> Extraction {
        let own = self.reads.iter().map(|p| (p.as_str(), Want::Value));
        Extraction::new(own.chain(extra.iter().map(|(p, w)| (p.as_str(), *w))))
    }
}
