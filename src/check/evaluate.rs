//! The one place the rules are decided: status, JSON, envelope, error object, schema, the content
//! checks of a suite. `run` records every [`Rec`]; `load` turns the first broken one into a Goose
//! failure with the same requirement id. Both see the response through a [`ResponseView`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::Value;

use super::compiled::CompiledStep;
use super::content;
use super::ids;
use super::memory::OperationIds;
use super::rec::{short, Evidence, Rec};
use super::view::{Body, ResponseView};
use crate::model::Unchecked;
use crate::schema::{SchemaCheck, SchemaRegistry, Side, Violation};
use crate::spec::{Endpoint, Spec};
use crate::suite::template::Vars;
use crate::suite::{ErrorSpec, StatusSpec};

/// Known error codes (GEN-ERR-005).
const KNOWN_CODES: [&str; 6] = ["SESSION", "INPUT", "INTERNAL", "PARAM", "PERMISSION", "501"];
/// `dateTime` must be within this of the harness clock (GEN-ENV-003).
const CLOCK_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// How the schema of an answer is judged.
#[derive(Debug, Clone, Copy)]
pub enum SchemaMode<'a> {
    /// Validate the document (the view must hold it).
    Validate,
    /// Already validated (the load generator's memo): these are its violations.
    Known(&'a [Violation]),
    /// Not validated (a load response out of the sample): the envelope and error members that the
    /// schemas constrain are checked one by one instead, which the engine's tests hold equal.
    Members,
}

/// Everything the rules need besides the step and the answer.
pub struct Context<'a> {
    pub spec: &'a Spec,
    pub registry: &'a SchemaRegistry,
    pub endpoint: &'a Endpoint,
    pub vars: &'a Vars,
    pub now_ms: i64,
    /// Who this answer belongs to, for GEN-ENV-005's evidence (`technician/… step 3`).
    pub step_id: &'a str,
    pub operation_ids: Option<&'a OperationIds>,
    /// Record what held and what could not be checked too (`run`), not only what broke (`load`).
    pub coverage: bool,
    pub schema: SchemaMode<'a>,
}

fn describe_status(s: &StatusSpec) -> String {
    match s {
        StatusSpec::One(code) => format!("HTTP {code}"),
        StatusSpec::Any(list) => format!("HTTP {}", list.iter().map(u16::to_string).collect::<Vec<_>>().join(" or ")),
    }
}

/// Epoch ms, or an ISO-8601 date-time (`2026-11-27T21:00:00Z`, with optional fraction/offset).
pub fn instant_ms(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => crate::time::parse_iso(s),
        _ => None,
    }
}

/// Every check of one answer to `step`, in a fixed order.
pub fn evaluate<'s>(step: &'s CompiledStep, view: &dyn ResponseView, ctx: &Context<'_>) -> Vec<Rec<'s>> {
    let mut out: Vec<Rec<'s>> = Vec::with_capacity(12);
    let status = view.status();
    let status_ok = step.expected.allows(status);
    let code: Option<String> = view.get("/error/code").and_then(|v| v.as_str().map(String::from));

    // The target answered: within the timeout (GEN-HTTP-006).
    out.push(Rec::held(ids::GEN_HTTP_006, "an answer within the timeout"));
    // A POST reached an endpoint at its path: not a 404, a 405 or a redirect (GEN-HTTP-001).
    if step.post {
        out.push(Rec::judged(
            ids::GEN_HTTP_001,
            "the endpoint answers POST at its path",
            !matches!(status, 404 | 405 | 300..=399),
            || Evidence::new("an answer of the endpoint (not 404, 405 or a redirect)", format!("HTTP {status}")),
        ));
    }
    out.push(Rec::judged(ids::GEN_HTTP_005, "no 5xx status", status < 500, || {
        Evidence::new("a status below 500", format!("HTTP {status}"))
    }));
    out.push(Rec::judged(step.status_requirement.as_str(), "HTTP status", status_ok, || {
        Evidence::new(describe_status(&step.expected), format!("HTTP {status}"))
    }));
    // An expected failure that the target did answer as a failure (with its error object) is an
    // instance of GEN-ERR-006: that answer is a 412. Whether the failure should have happened is
    // the step's own requirement, at its own level.
    if step.expected == StatusSpec::One(412) && step.status_requirement != ids::GEN_ERR_006 && code.is_some() {
        out.push(Rec::judged(ids::GEN_ERR_006, "a failure answers HTTP 412", status == 412, || {
            Evidence::new("HTTP 412", format!("HTTP {status}"))
        }));
    }
    // A session from login is accepted where one is needed (GEN-SES-003).
    if step.session && step.expected.allows(200) && !step.expected.allows(412) {
        if status == 200 {
            out.push(Rec::held(ids::GEN_SES_003, "the login's sessionID is accepted"));
        } else if code.as_deref() == Some("SESSION") {
            out.push(Rec::judged(ids::GEN_SES_003, "the login's sessionID is accepted", false, || {
                Evidence::new("the operation's answer", "412 SESSION for a sessionID the login just returned")
            }));
        }
    }
    let body = view.body();
    if body == Body::NotJson {
        if step.json_expected || status == 200 {
            let ct = view.content_type();
            let ct = if ct.is_empty() { "no content type" } else { ct };
            out.push(Rec::judged(ids::GEN_HTTP_003, "JSON body", false, || {
                Evidence::new("a well-formed JSON body", format!("not JSON ({ct})"))
            }));
        }
        return finish(step, out, ctx);
    }
    if step.json_expected || status == 200 {
        let ct = view.content_type();
        out.push(Rec::judged(ids::GEN_HTTP_003, "JSON content type", ct.to_ascii_lowercase().contains("json"), || {
            Evidence::new(
                "Content-Type: application/json",
                if ct.is_empty() { "none".to_string() } else { ct.to_string() },
            )
        }));
    }
    if status == 200 {
        success_rules(step, view, ctx, &mut out);
    } else if status < 500 && status != 405 && body == Body::Object {
        error_rules(view, ctx, &mut out);
    }
    // The code of an expected failure; a step that allows success too (`status: [200, 412]`) has
    // no code to check when it succeeded.
    if let Some(allowed) = &step.error {
        if status_ok && status != 200 {
            let c = code.as_deref().unwrap_or("");
            out.push(Rec::judged(step.status_requirement.as_str(), "error code", allowed.allows(c), || {
                Evidence::new(
                    match allowed {
                        ErrorSpec::One(x) => format!("error.code {x}"),
                        ErrorSpec::Any(list) => format!("error.code one of {}", list.join(", ")),
                    },
                    format!("error.code {}", if c.is_empty() { "(none)" } else { c }),
                )
            }));
        }
    }
    // The requirements the expectation is also an instance of hold when the status and code do.
    let expectation_held =
        status_ok && (status == 200 || step.error.as_ref().is_none_or(|a| a.allows(code.as_deref().unwrap_or(""))));
    for id in &step.also {
        out.push(Rec::judged(id.as_str(), "HTTP status and error code", expectation_held, || {
            Evidence::new(
                describe_status(&step.expected),
                format!("HTTP {status}, error.code {}", code.as_deref().unwrap_or("(none)")),
            )
        }));
    }
    for check in step.checks.iter().filter(|c| !c.across) {
        if status_ok {
            out.push(content::check(check, view, ctx.vars));
        } else {
            // The answer is not the one the content checks are about: they cannot be made.
            out.push(Rec::unchecked(
                check.requirement.as_str(),
                format!("{} (content)", check.pointer),
                Unchecked::EarlierFailure,
                format!("the status check failed (HTTP {status})"),
            ));
        }
    }
    finish(step, out, ctx)
}

/// Without coverage (`load`), only what broke matters: what held and what could not be checked
/// is dropped here, in one place.
fn finish<'s>(_step: &'s CompiledStep, mut out: Vec<Rec<'s>>, ctx: &Context<'_>) -> Vec<Rec<'s>> {
    if !ctx.coverage {
        out.retain(|r| !matches!(r.verdict, super::rec::RecVerdict::Held | super::rec::RecVerdict::Unchecked(..)));
    }
    out
}

/// The `across` checks of a `parallel` step, on the array of every answer's body.
pub fn across<'s>(step: &'s CompiledStep, bodies: &Value, vars: &Vars) -> Vec<Rec<'s>> {
    let view = super::view::FullView { status: 200, content_type: "application/json", document: Some(bodies) };
    step.checks.iter().filter(|c| c.across).map(|c| content::check(c, &view, vars)).collect()
}

fn success_rules<'s>(step: &'s CompiledStep, view: &dyn ResponseView, ctx: &Context<'_>, out: &mut Vec<Rec<'s>>) {
    match ctx.schema {
        SchemaMode::Validate => match view.document() {
            Some(document) if ctx.coverage => {
                let check = ctx.registry.check_reach(&ctx.endpoint.path, Side::Response, document);
                let cited = schema_requirements(&ctx.endpoint.response, ctx.spec);
                record_schema(ctx.spec, check, &cited, "response matches the schema", out);
            }
            Some(document) => {
                let violations = ctx.registry.check(&ctx.endpoint.path, Side::Response, document);
                out.extend(violations.iter().map(|v| violation(v, "response matches the schema")));
            }
            None => envelope_members_rules(step, view, out),
        },
        SchemaMode::Known(violations) => {
            out.extend(violations.iter().map(|v| violation(v, "response matches the schema")));
        }
        SchemaMode::Members => envelope_members_rules(step, view, out),
    }
    if !step.enveloped || view.body() != Body::Object {
        return;
    }
    if step.list_form_only {
        // The envelope applies to the table's list form only (D-V2-GETBYUSER).
        if view.get("/notifications").is_none() {
            out.push(Rec::unchecked(
                ids::MV2_GETBYUSER_002,
                "the list form carries the envelope",
                Unchecked::NotApplicable,
                "the answer is the bare 501 form, which carries none",
            ));
            return;
        }
        let first = out.len();
        envelope_values(view, ctx, out);
        let held = out[first..].iter().all(|r| !r.is_broken());
        out.push(Rec::judged(ids::MV2_GETBYUSER_002, "the list form carries the envelope", held, || {
            Evidence::new("the envelope on the list form", "an envelope rule broke (see GEN-ENV-*)")
        }));
        return;
    }
    envelope_values(view, ctx, out);
}

/// GEN-ENV-003 and GEN-ENV-005: the envelope's values against the clock and the run.
fn envelope_values<'s>(view: &dyn ResponseView, ctx: &Context<'_>, out: &mut Vec<Rec<'s>>) {
    if let Some(dt) = view.get("/dateTime") {
        let instant = instant_ms(&dt);
        let ok = instant.is_some_and(|ms| (ms - ctx.now_ms).abs() <= CLOCK_WINDOW_MS);
        out.push(Rec::judged(ids::GEN_ENV_003, "dateTime is the time of the response", ok, || {
            Evidence::new(
                "epoch ms or ISO-8601 within 24 h of the harness clock",
                match instant {
                    Some(ms) => format!("{} ({} h from the harness clock)", short(&dt), (ms - ctx.now_ms) / 3_600_000),
                    None => format!("{} (not a time)", short(&dt)),
                },
            )
        }));
    }
    if let (Some(id), Some(memory)) = (view.get("/operationID").and_then(|v| v.as_i64()), ctx.operation_ids) {
        let previous = memory.record(id, ctx.step_id);
        let ok = previous.is_none();
        out.push(Rec::judged(ids::GEN_ENV_005, "operationID differs between calls", ok, || {
            Evidence::new(
                "an operationID not seen before in this run",
                format!("operationID {id}, already returned to {}", previous.unwrap_or_default()),
            )
        }));
    }
}

/// The success envelope member by member, as `successEnvelope` constrains it (and attributes a
/// violation): for an answer whose document is not validated.
fn envelope_members_rules<'s>(step: &CompiledStep, view: &dyn ResponseView, out: &mut Vec<Rec<'s>>) {
    if !step.enveloped {
        return;
    }
    if view.body() != Body::Object {
        out.push(Rec::judged(ids::GEN_ENV_001, "response matches the schema", false, || {
            Evidence::new("an object with dateTime, operationID and error", "not an object")
        }));
        return;
    }
    if step.list_form_only {
        // v2 getByUser: the bare 501 form carries no envelope; the list form's envelope rules
        // are part of the whole-answer rule MV2-GETBYUSER-001, as its schema attributes them.
        let bare = view.get("/notifications").is_none() && view.get("/code").is_some_and(|c| c.is_string());
        if !bare {
            let mut own = Vec::new();
            envelope_member_checks(view, &mut own);
            if let Some(first) = own.into_iter().next() {
                out.push(Rec { requirement: Cow::Borrowed(ids::MV2_GETBYUSER_001), ..first });
            }
        }
        return;
    }
    envelope_member_checks(view, out);
}

fn envelope_member_checks<'s>(view: &dyn ResponseView, out: &mut Vec<Rec<'s>>) {
    let date_time = view.get("/dateTime");
    match date_time.as_deref() {
        None => out.push(missing(ids::GEN_ENV_001, "dateTime")),
        Some(v) if !(v.is_i64() || v.is_u64() || v.as_str().is_some_and(|s| !s.is_empty())) => {
            out.push(wrong(ids::GEN_ENV_002, "/dateTime", "an integer or a non-empty string", v))
        }
        Some(_) => {}
    }
    match view.get("/operationID").as_deref() {
        None => out.push(missing(ids::GEN_ENV_001, "operationID")),
        Some(v) if !(v.is_i64() || v.is_u64()) => out.push(wrong(ids::GEN_ENV_004, "/operationID", "an integer", v)),
        Some(_) => {}
    }
    match view.get("/error").as_deref() {
        // The schema attributes a missing `error` to its own annotation, GEN-ENV-006.
        None => out.push(missing(ids::GEN_ENV_006, "error")),
        Some(Value::Null) => {}
        Some(v) => out.push(wrong(ids::GEN_ENV_006, "/error", "null", v)),
    }
}

fn missing<'s>(requirement: &'static str, member: &str) -> Rec<'s> {
    let member = member.to_string();
    Rec::judged(requirement, "response matches the schema", false, move || Evidence {
        instance_path: Some(format!("/{member}")),
        ..Evidence::new(format!("a member {member}"), format!("\"{member}\" is a required property"))
    })
}

fn wrong<'s>(requirement: &'static str, at: &str, expected: &str, value: &Value) -> Rec<'s> {
    let (at, expected, actual) = (at.to_string(), expected.to_string(), short(value));
    Rec::judged(requirement, "response matches the schema", false, move || Evidence {
        instance_path: Some(at.clone()),
        ..Evidence::new(expected, format!("{at}: {actual}"))
    })
}

/// A failure body: its error object (as `errorResponse` constrains it), a non-empty description
/// (SHOULD) and a known code (SHOULD).
fn error_rules<'s>(view: &dyn ResponseView, ctx: &Context<'_>, out: &mut Vec<Rec<'s>>) {
    match (ctx.schema, view.document()) {
        (SchemaMode::Validate, Some(document)) if ctx.coverage => {
            let check = ctx.registry.check_error_reach(document);
            let cited = schema_requirements(&serde_json::json!({"$ref": "#/$defs/errorResponse"}), ctx.spec);
            record_schema(ctx.spec, check, &cited, "failure body matches the error schema", out);
        }
        (SchemaMode::Validate, Some(document)) => {
            let violations = ctx.registry.check_error(document);
            out.extend(violations.iter().map(|v| violation(v, "failure body matches the error schema")));
        }
        _ => error_members_rules(view, out),
    }
    let Some(error) = view.get("/error").filter(|e| e.is_object()) else { return };
    let description = error.get("description").and_then(Value::as_str).unwrap_or("");
    let shown = short(error.get("description").unwrap_or(&Value::Null));
    out.push(Rec::judged(ids::GEN_ERR_004, "error description not empty", !description.trim().is_empty(), || {
        Evidence::new("a non-empty description", shown)
    }));
    if let Some(code) = error.get("code").and_then(Value::as_str) {
        let code = code.to_string();
        out.push(Rec::judged(ids::GEN_ERR_005, "known error code", KNOWN_CODES.contains(&code.as_str()), || {
            Evidence::new(KNOWN_CODES.join(", "), code)
        }));
    }
}

/// `errorResponse` member by member, attributed as the schema attributes its violations.
fn error_members_rules<'s>(view: &dyn ResponseView, out: &mut Vec<Rec<'s>>) {
    let what = "failure body matches the error schema";
    let error = view.get("/error");
    match error.as_deref() {
        None => out.push(Rec::judged(ids::GEN_ERR_001, what, false, || {
            Evidence::new("a member error", "\"error\" is a required property")
        })),
        Some(e) if !e.is_object() => out.push(wrong(ids::GEN_ERR_001, "/error", "an object", e)),
        Some(e) => {
            match e.get("code") {
                None => out.push(missing_in(ids::GEN_ERR_002, "/error", "code")),
                Some(c) if c.as_str().is_none_or(|s| s.is_empty()) => {
                    out.push(wrong(ids::GEN_ERR_002, "/error/code", "a non-empty string", c))
                }
                Some(_) => {}
            }
            match e.get("description") {
                None => out.push(missing_in(ids::GEN_ERR_003, "/error", "description")),
                Some(d) if !(d.is_string() || d.is_null()) => {
                    out.push(wrong(ids::GEN_ERR_003, "/error/description", "a string or null", d))
                }
                Some(_) => {}
            }
        }
    }
    if let Some(v) = view.get("/dateTime") {
        if !(v.is_i64() || v.is_u64() || v.as_str().is_some_and(|s| !s.is_empty())) {
            out.push(wrong(ids::GEN_ENV_002, "/dateTime", "an integer or a non-empty string", &v));
        }
    }
    if let Some(v) = view.get("/operationID") {
        if !(v.is_i64() || v.is_u64() || v.is_null()) {
            out.push(wrong(ids::GEN_ENV_004, "/operationID", "an integer or null", &v));
        }
    }
}

fn missing_in<'s>(requirement: &'static str, parent: &str, member: &str) -> Rec<'s> {
    let (parent, member) = (parent.to_string(), member.to_string());
    Rec::judged(requirement, "failure body matches the error schema", false, move || Evidence {
        instance_path: Some(format!("{parent}/{member}")),
        ..Evidence::new(format!("a member {member}"), format!("\"{member}\" is a required property"))
    })
}

fn violation<'s>(v: &Violation, what: &'static str) -> Rec<'s> {
    Rec {
        requirement: Cow::Owned(v.requirement.clone()),
        check: Cow::Borrowed(what),
        verdict: super::rec::RecVerdict::Broken(Box::new(Evidence {
            expected: Some(format!("schema {}", v.schema_path)),
            actual: Some(v.summary()),
            instance_path: Some(v.instance_path.clone()),
            schema_path: Some(v.schema_path.clone()),
            occurrences: (v.occurrences > 1).then_some(v.occurrences),
        })),
    }
}

/// Every requirement a schema cites (following `$ref`s into shared definitions).
pub fn schema_requirements(schema: &Value, spec: &Spec) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut pending = vec![schema.clone()];
    let mut seen_defs = BTreeSet::new();
    while let Some(node) = pending.pop() {
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "x-requirement" {
                        if let Some(id) = v.as_str() {
                            out.insert(id.to_string());
                        }
                    } else if k == "$ref" {
                        if let Some(name) = v.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                            if seen_defs.insert(name.to_string()) {
                                if let Some(def) = spec.defs.get(name) {
                                    pending.push(def.clone());
                                }
                            }
                        }
                    } else if k != "x-reference-only" {
                        pending.push(v);
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    out
}

/// Each violation (grouped by member and rule) breaks its requirement; each requirement the
/// schema cites holds only where its node applied to the document, and is recorded as not
/// checked, with why, where it applied to nothing.
fn record_schema<'s>(
    spec: &Spec,
    check: SchemaCheck,
    cited: &BTreeSet<String>,
    what: &'static str,
    out: &mut Vec<Rec<'s>>,
) {
    let failed: BTreeSet<String> = check.violations.iter().map(|v| v.requirement.clone()).collect();
    out.extend(check.violations.iter().map(|v| violation(v, what)));
    for id in cited {
        if failed.contains(id) || spec.requirement(id).is_none() {
            continue;
        }
        if check.reach.reached.contains(id) {
            out.push(Rec::held(id.clone(), what));
        } else if let Some(why) = check.reach.unreached.get(id) {
            let kind = if why.lacks_data() { Unchecked::LackedData } else { Unchecked::NotApplicable };
            out.push(Rec::unchecked(id.clone(), what, kind, why.describe()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_iso_and_epoch_instants() {
        assert_eq!(instant_ms(&json!(1_412_101_947_000_i64)), Some(1_412_101_947_000));
        assert_eq!(instant_ms(&json!("1970-01-01T00:00:01.5Z")), Some(1500));
        assert_eq!(instant_ms(&json!("1970-01-01T01:00:00+01:00")), Some(0));
        assert_eq!(instant_ms(&json!("2013-08-27T15:48:37.123Z")), Some(1_377_618_517_123));
        assert_eq!(instant_ms(&json!("27/11/2026 21:00")), None);
    }
}
