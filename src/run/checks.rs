//! The checks of one response, each tied to requirement ids of the spec. Pure functions of the
//! exchange, the step's expectations and the spec: they never fail as functions, they report.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use parking_lot::Mutex;
use serde_json::Value;

use super::select::{number, same, select};
use crate::model::verdict::failure_at;
use crate::model::{CheckResult, Outcome, Unchecked};
use crate::schema::{SchemaCheck, SchemaRegistry, Side};
use crate::spec::{Endpoint, Level, Spec};
use crate::suite::template::{self, Vars};
use crate::suite::{CheckDef, Expect, JsonKind, SortOrder, StatusSpec};

/// State shared by all cases of a run: operation ids seen (GEN-ENV-005).
#[derive(Default)]
pub struct RunMemory {
    operation_ids: Mutex<HashMap<i64, String>>,
}

/// Everything the checks of one step need.
pub struct CheckInput<'a> {
    pub spec: &'a Spec,
    pub registry: &'a SchemaRegistry,
    pub endpoint: &'a Endpoint,
    pub expect: &'a Expect,
    pub vars: &'a Vars,
    /// The HTTP method the step used (GEN-HTTP-001 is about POST).
    pub method: &'a str,
    pub status: u16,
    pub content_type: &'a str,
    pub body: Option<&'a Value>,
    pub now_ms: i64,
    pub step_id: &'a str,
    pub memory: &'a RunMemory,
    /// Only MUST checks are reported (`--level must`).
    pub must_only: bool,
}

/// A check result for `requirement`: pass, or the failure outcome of its level.
pub fn result(spec: &Spec, requirement: &str, ok: bool, check: impl Into<String>) -> CheckResult {
    let level = spec.requirement(requirement).map_or(Level::Must, |r| r.level);
    CheckResult {
        requirement: requirement.to_string(),
        level,
        outcome: if ok { Outcome::Pass } else { failure_at(level) },
        check: check.into(),
        expected: None,
        actual: None,
        instance_path: None,
        schema_path: None,
        unchecked: None,
        occurrences: None,
    }
}

fn with(mut r: CheckResult, expected: impl Into<String>, actual: impl Into<String>) -> CheckResult {
    if r.outcome != Outcome::Pass {
        r.expected = Some(expected.into());
        r.actual = Some(actual.into());
    }
    r
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text
    }
}

/// Known error codes (GEN-ERR-005).
const KNOWN_CODES: [&str; 6] = ["SESSION", "INPUT", "INTERNAL", "PARAM", "PERMISSION", "501"];
/// `dateTime` must be within this of the harness clock (GEN-ENV-003).
const CLOCK_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// v2 getByUser answers the bare 501 form without an envelope (D-V2-GETBYUSER).
const V2_GET_BY_USER: &str = "/mobile/v2/notification/getByUser";

/// A check that could not be made on this response, and why (`actual` says what was missing).
pub fn unchecked(
    spec: &Spec,
    requirement: &str,
    why: Unchecked,
    check: impl Into<String>,
    detail: String,
) -> CheckResult {
    let mut r = result(spec, requirement, true, check);
    r.outcome = Outcome::Skipped;
    r.unchecked = Some(why);
    r.actual = Some(detail);
    r
}

pub fn evaluate(input: &CheckInput<'_>) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let spec = input.spec;
    let expected_status = input.expect.expected_status();
    let default_requirement = if expected_status.allows(200) { "GEN-HTTP-002" } else { "GEN-ERR-006" };
    let status_requirement = input.expect.requirement.as_deref().unwrap_or(default_requirement);
    let status_ok = expected_status.allows(input.status);

    // The target answered: the request was answered within the timeout (GEN-HTTP-006).
    out.push(result(spec, "GEN-HTTP-006", true, "an answer within the timeout"));
    // A POST reached an endpoint at its path: not a 404, a 405 or a redirect (GEN-HTTP-001).
    if input.method.eq_ignore_ascii_case("POST") {
        let at_path = !matches!(input.status, 404 | 405 | 300..=399);
        out.push(with(
            result(spec, "GEN-HTTP-001", at_path, "the endpoint answers POST at its path"),
            "an answer of the endpoint (not 404, 405 or a redirect)",
            format!("HTTP {}", input.status),
        ));
    }
    // Never a 5xx (GEN-HTTP-005).
    out.push(with(
        result(spec, "GEN-HTTP-005", input.status < 500, "no 5xx status"),
        "a status below 500",
        format!("HTTP {}", input.status),
    ));
    out.push(with(
        result(spec, status_requirement, status_ok, "HTTP status"),
        describe_status(&expected_status),
        format!("HTTP {}", input.status),
    ));
    let error_code = input.body.and_then(|b| b.pointer("/error/code")).and_then(Value::as_str);
    // An expected business or validation failure that the target did answer as a failure (with
    // its error object) is an instance of GEN-ERR-006: that answer is a 412. Whether the failure
    // should have happened at all is the step's own requirement, at its own level.
    if expected_status == StatusSpec::One(412) && status_requirement != "GEN-ERR-006" && error_code.is_some() {
        out.push(with(
            result(spec, "GEN-ERR-006", input.status == 412, "a failure answers HTTP 412"),
            "HTTP 412",
            format!("HTTP {}", input.status),
        ));
    }
    // A session from login is accepted where one is needed (GEN-SES-003).
    if input.endpoint.session && expected_status.allows(200) && !expected_status.allows(412) {
        if input.status == 200 {
            out.push(result(spec, "GEN-SES-003", true, "the login's sessionID is accepted"));
        } else if error_code == Some("SESSION") {
            out.push(with(
                result(spec, "GEN-SES-003", false, "the login's sessionID is accepted"),
                "the operation's answer",
                "412 SESSION for a sessionID the login just returned".to_string(),
            ));
        }
    }
    // A 405 or a 400 to a malformed body need not carry JSON.
    let json_expected = !(expected_status.allows(405) || expected_status.allows(400) && input.expect.error.is_none())
        || input.status == 200;
    let body = match input.body {
        Some(b) => b,
        None => {
            if json_expected {
                let ct = if input.content_type.is_empty() { "no content type" } else { input.content_type };
                out.push(with(
                    result(spec, "GEN-HTTP-003", false, "JSON body"),
                    "a well-formed JSON body",
                    format!("not JSON ({ct})"),
                ));
            }
            return finish(input, out);
        }
    };
    if json_expected {
        let json_type = input.content_type.to_ascii_lowercase().contains("json");
        out.push(with(
            result(spec, "GEN-HTTP-003", json_type, "JSON content type"),
            "Content-Type: application/json",
            if input.content_type.is_empty() { "none".to_string() } else { input.content_type.to_string() },
        ));
    }

    if input.status == 200 {
        schema_checks(input, body, &mut out);
        envelope_checks(input, body, &mut out);
    } else if input.status < 500 && input.status != 405 && body.is_object() {
        error_checks(input, body, &mut out);
    }

    if let Some(allowed) = &input.expect.error {
        if status_ok {
            let code = error_code.unwrap_or("");
            out.push(with(
                result(spec, status_requirement, allowed.allows(code), "error code"),
                match allowed {
                    crate::suite::ErrorSpec::One(c) => format!("error.code {c}"),
                    crate::suite::ErrorSpec::Any(list) => format!("error.code one of {}", list.join(", ")),
                },
                format!("error.code {}", if code.is_empty() { "(none)" } else { code }),
            ));
        }
    }
    // The requirements the expectation is also an instance of hold when the status and code do.
    let expectation_held =
        status_ok && input.expect.error.as_ref().is_none_or(|allowed| allowed.allows(error_code.unwrap_or("")));
    for id in &input.expect.also {
        out.push(with(
            result(spec, id, expectation_held, "HTTP status and error code"),
            describe_status(&expected_status),
            format!("HTTP {}, error.code {}", input.status, error_code.unwrap_or("(none)")),
        ));
    }
    if status_ok {
        for check in input.expect.checks.iter().filter(|c| !c.across) {
            out.push(content_check(spec, check, body, input.vars));
        }
    } else {
        // The answer is not the one the content checks are about: they cannot be made.
        for check in &input.expect.checks {
            out.push(unchecked(
                spec,
                &check.requirement,
                Unchecked::EarlierFailure,
                format!("{} (content)", check.pointer),
                format!("the status check failed (HTTP {})", input.status),
            ));
        }
    }
    finish(input, out)
}

fn describe_status(s: &StatusSpec) -> String {
    match s {
        StatusSpec::One(code) => format!("HTTP {code}"),
        StatusSpec::Any(list) => format!("HTTP {}", list.iter().map(u16::to_string).collect::<Vec<_>>().join(" or ")),
    }
}

fn finish(input: &CheckInput<'_>, mut out: Vec<CheckResult>) -> Vec<CheckResult> {
    if input.must_only {
        out.retain(|c| c.level == Level::Must);
    }
    out
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

/// The endpoint's response schema: each violation (grouped by member and rule) fails its
/// requirement; each requirement the schema cites passes only where its node applied to the
/// document, and is recorded as not checked, with why, where it applied to nothing.
fn schema_checks(input: &CheckInput<'_>, body: &Value, out: &mut Vec<CheckResult>) {
    let check = input.registry.check_reach(&input.endpoint.path, Side::Response, body);
    let cited = schema_requirements(&input.endpoint.response, input.spec);
    record_schema(input.spec, &check, &cited, "response matches the schema", out);
}

fn record_schema(spec: &Spec, check: &SchemaCheck, cited: &BTreeSet<String>, what: &str, out: &mut Vec<CheckResult>) {
    let failed: BTreeSet<&str> = check.violations.iter().map(|v| v.requirement.as_str()).collect();
    for v in &check.violations {
        out.push(CheckResult {
            requirement: v.requirement.clone(),
            level: v.level,
            outcome: failure_at(v.level),
            check: what.into(),
            expected: Some(format!("schema {}", v.schema_path)),
            actual: Some(v.summary()),
            instance_path: Some(v.instance_path.clone()),
            schema_path: Some(v.schema_path.clone()),
            unchecked: None,
            occurrences: (v.occurrences > 1).then_some(v.occurrences),
        });
    }
    for id in cited {
        if failed.contains(id.as_str()) || spec.requirement(id).is_none() {
            continue;
        }
        if check.reach.reached.contains(id) {
            out.push(result(spec, id, true, what));
        } else if let Some(why) = check.reach.unreached.get(id) {
            let kind = if why.lacks_data() { Unchecked::LackedData } else { Unchecked::NotApplicable };
            out.push(unchecked(spec, id, kind, what, why.describe()));
        }
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

fn envelope_checks(input: &CheckInput<'_>, body: &Value, out: &mut Vec<CheckResult>) {
    let spec = input.spec;
    let enveloped =
        spec.table.row(&input.endpoint.path).is_some_and(|row| row.returns.iter().any(|n| n == "operationID"));
    let Some(obj) = body.as_object().filter(|_| enveloped) else { return };
    if input.endpoint.path == V2_GET_BY_USER {
        // The envelope applies to the table's list form only (D-V2-GETBYUSER).
        if !obj.contains_key("notifications") {
            out.push(unchecked(
                spec,
                "MV2-GETBYUSER-002",
                Unchecked::NotApplicable,
                "the list form carries the envelope",
                "the answer is the bare 501 form, which carries none".into(),
            ));
            return;
        }
        let first = out.len();
        envelope_members(input, obj, out);
        let held = out[first..].iter().all(|c| c.outcome == Outcome::Pass);
        out.push(result(spec, "MV2-GETBYUSER-002", held, "the list form carries the envelope"));
        return;
    }
    envelope_members(input, obj, out);
}

fn envelope_members(input: &CheckInput<'_>, obj: &serde_json::Map<String, Value>, out: &mut Vec<CheckResult>) {
    let spec = input.spec;
    if let Some(dt) = obj.get("dateTime") {
        let instant = instant_ms(dt);
        let ok = instant.is_some_and(|ms| (ms - input.now_ms).abs() <= CLOCK_WINDOW_MS);
        out.push(with(
            result(spec, "GEN-ENV-003", ok, "dateTime is the time of the response"),
            "epoch ms or ISO-8601 within 24 h of the harness clock",
            match instant {
                Some(ms) => format!("{} ({} h from the harness clock)", short(dt), (ms - input.now_ms) / 3_600_000),
                None => format!("{} (not a time)", short(dt)),
            },
        ));
    }
    if let Some(id) = obj.get("operationID").and_then(Value::as_i64) {
        let mut seen = input.memory.operation_ids.lock();
        let previous = seen.insert(id, input.step_id.to_string());
        out.push(with(
            result(spec, "GEN-ENV-005", previous.is_none(), "operationID differs between calls"),
            "an operationID not seen before in this run",
            format!("operationID {id}, already returned to {}", previous.unwrap_or_default()),
        ));
    }
}

fn error_checks(input: &CheckInput<'_>, body: &Value, out: &mut Vec<CheckResult>) {
    let spec = input.spec;
    let check = input.registry.check_error_reach(body);
    let cited = schema_requirements(&serde_json::json!({"$ref": "#/$defs/errorResponse"}), spec);
    record_schema(spec, &check, &cited, "failure body matches the error schema", out);
    let Some(error) = body.get("error").and_then(Value::as_object) else { return };
    let description = error.get("description").and_then(Value::as_str).unwrap_or("");
    out.push(with(
        result(spec, "GEN-ERR-004", !description.trim().is_empty(), "error description not empty"),
        "a non-empty description",
        short(error.get("description").unwrap_or(&Value::Null)),
    ));
    if let Some(code) = error.get("code").and_then(Value::as_str) {
        out.push(with(
            result(spec, "GEN-ERR-005", KNOWN_CODES.contains(&code), "known error code"),
            KNOWN_CODES.join(", "),
            code.to_string(),
        ));
    }
}

fn matches_fields(item: &Value, fields: &BTreeMap<String, Value>) -> bool {
    fields.iter().all(|(k, v)| item.get(k).is_some_and(|x| same(x, v)))
}

fn render_map(m: &BTreeMap<String, Value>, vars: &Vars) -> Result<BTreeMap<String, Value>, String> {
    m.iter().map(|(k, v)| Ok((k.clone(), template::render(v, vars)?))).collect()
}

fn json_kind(v: &Value) -> JsonKind {
    match v {
        Value::Null => JsonKind::Null,
        Value::Bool(_) => JsonKind::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => JsonKind::Integer,
        Value::Number(_) => JsonKind::Number,
        Value::String(_) => JsonKind::String,
        Value::Array(_) => JsonKind::Array,
        Value::Object(_) => JsonKind::Object,
    }
}

/// The `across` checks of a `parallel` step, on the array of every answer's body.
pub fn across_checks(spec: &Spec, checks: &[CheckDef], bodies: &Value, vars: &Vars) -> Vec<CheckResult> {
    checks.iter().filter(|c| c.across).map(|c| content_check(spec, c, bodies, vars)).collect()
}

fn content_check(spec: &Spec, check: &CheckDef, body: &Value, vars: &Vars) -> CheckResult {
    let pointer = match template::render(&Value::String(check.pointer.clone()), vars) {
        Ok(Value::String(p)) => p,
        _ => check.pointer.clone(),
    };
    let at = select(body, &pointer);
    let at = at.as_ref();
    let name = |op: &str| format!("{} {op}", if pointer.is_empty() { "/" } else { &pointer });
    let render = |v: &Value| template::render(v, vars);
    let outcome = (|| -> Result<CheckResult, String> {
        if let Some(expected) = &check.equals {
            let expected = render(expected)?;
            let ok = at.is_some_and(|v| same(v, &expected));
            return Ok(with(
                result(spec, &check.requirement, ok, name("equals")),
                short(&expected),
                at.map_or("missing".into(), short),
            ));
        }
        if let Some(unexpected) = &check.not_equals {
            let unexpected = render(unexpected)?;
            let ok = at.is_some_and(|v| !same(v, &unexpected));
            return Ok(with(
                result(spec, &check.requirement, ok, name("differs")),
                format!("not {}", short(&unexpected)),
                at.map_or("missing".into(), short),
            ));
        }
        if let Some(options) = &check.one_of {
            let options: Vec<Value> = options.iter().map(render).collect::<Result<_, _>>()?;
            let ok = at.is_some_and(|v| options.iter().any(|o| same(v, o)));
            return Ok(with(
                result(spec, &check.requirement, ok, name("is one of")),
                short(&Value::Array(options)),
                at.map_or("missing".into(), short),
            ));
        }
        if check.present.is_some() {
            let ok = at.is_some_and(|v| !v.is_null());
            return Ok(with(result(spec, &check.requirement, ok, name("present")), "present", "missing or null"));
        }
        if let Some(kind) = check.kind {
            let actual = at.map(json_kind);
            // An integer is also a number.
            let ok = actual.is_some_and(|a| a == kind || (kind == JsonKind::Number && a == JsonKind::Integer));
            return Ok(with(
                result(spec, &check.requirement, ok, name(&format!("is {}", kind.name()))),
                kind.name(),
                at.map_or("missing".into(), |v| format!("{} {}", json_kind(v).name(), short(v))),
            ));
        }
        // A null list counts as empty (Jackson writes null lists as null; specs/DECISIONS.md).
        let empty = Vec::new();
        let items = match at {
            Some(Value::Null) => Some(&empty),
            other => other.and_then(Value::as_array),
        };
        if let Some(fields) = &check.some {
            let fields = render_map(fields, vars)?;
            let ok = items.is_some_and(|list| list.iter().any(|i| matches_fields(i, &fields)));
            return Ok(with(
                result(spec, &check.requirement, ok, name("has a matching item")),
                format!("an item with {}", short(&serde_json::to_value(&fields).unwrap_or_default())),
                items.map_or("not an array".into(), |l| format!("{} items, none matching", l.len())),
            ));
        }
        if let Some(fields) = &check.none {
            let fields = render_map(fields, vars)?;
            // Items that carry none of the members named cannot break the rule or keep it: when
            // the list has items and none carries them all (an optional member the target does not
            // send, like `inChekin`), the rule does not apply to this target.
            if let Some(list) = items.filter(|l| !l.is_empty()) {
                if !list.iter().any(|i| fields.keys().all(|k| i.get(k).is_some())) {
                    let members: Vec<&str> = fields.keys().map(String::as_str).collect();
                    return Ok(unchecked(
                        spec,
                        &check.requirement,
                        Unchecked::NotApplicable,
                        name("has no matching item"),
                        format!("no item of {} carries {}", name("").trim_end(), members.join(" and ")),
                    ));
                }
            }
            let found = items.and_then(|list| list.iter().find(|i| matches_fields(i, &fields)));
            let ok = items.is_some() && found.is_none();
            return Ok(with(
                result(spec, &check.requirement, ok, name("has no matching item")),
                format!("no item with {}", short(&serde_json::to_value(&fields).unwrap_or_default())),
                found.map_or("not an array".into(), short),
            ));
        }
        if let Some(field) = &check.unique {
            let Some(list) = items else {
                return Ok(with(
                    result(spec, &check.requirement, false, name(&format!("unique {field}"))),
                    "an array",
                    at.map_or("missing".into(), short),
                ));
            };
            if list.is_empty() {
                return Ok(unchecked(
                    spec,
                    &check.requirement,
                    Unchecked::LackedData,
                    name(&format!("unique {field}")),
                    format!("{} has no item", name("")),
                ));
            }
            let mut seen: Vec<&Value> = Vec::new();
            let repeated = list.iter().filter_map(|i| i.get(field)).find(|v| {
                let again = seen.iter().any(|s| same(s, v));
                seen.push(v);
                again
            });
            return Ok(with(
                result(spec, &check.requirement, repeated.is_none(), name(&format!("unique {field}"))),
                format!("no two items with the same {field}"),
                repeated.map_or(String::new(), |v| format!("{field} {} appears twice", short(v))),
            ));
        }
        if let Some(sort) = &check.sorted {
            let what = name(&format!(
                "sorted by {} {}",
                sort.field,
                if sort.order == SortOrder::Desc { "descending" } else { "ascending" }
            ));
            let Some(list) = items.filter(|l| l.len() > 1) else {
                return Ok(unchecked(
                    spec,
                    &check.requirement,
                    Unchecked::LackedData,
                    what,
                    format!("{} had fewer than two items", name("")),
                ));
            };
            let values: Vec<Option<f64>> = list.iter().map(|i| i.get(&sort.field).and_then(number)).collect();
            let misplaced = values.windows(2).position(|w| match (w[0], w[1]) {
                (Some(a), Some(b)) => {
                    if sort.order == SortOrder::Desc {
                        a < b
                    } else {
                        a > b
                    }
                }
                _ => true,
            });
            return Ok(with(
                result(spec, &check.requirement, misplaced.is_none(), what),
                format!(
                    "{} in {} order",
                    sort.field,
                    if sort.order == SortOrder::Desc { "descending" } else { "ascending" }
                ),
                misplaced.map_or(String::new(), |i| {
                    format!(
                        "item {} ({}) before item {} ({})",
                        i,
                        short(list[i].get(&sort.field).unwrap_or(&Value::Null)),
                        i + 1,
                        short(list[i + 1].get(&sort.field).unwrap_or(&Value::Null))
                    )
                }),
            ));
        }
        if let Some(size) = &check.page_count {
            let size = render(size)?;
            let what = name("totalPages = ceil(totalElements / size)");
            let size = number(&size)
                .filter(|s| *s >= 1.0)
                .ok_or_else(|| format!("page size {} is not a positive number", short(&size)))?;
            let total = at.and_then(|p| p.get("totalElements")).and_then(number);
            let pages = at.and_then(|p| p.get("totalPages")).and_then(number);
            let (ok, actual) = match (total, pages) {
                (Some(t), Some(p)) => ((t / size).ceil() == p, format!("totalElements {t}, totalPages {p}")),
                _ => (false, at.map_or("no paging".into(), short)),
            };
            return Ok(with(
                result(spec, &check.requirement, ok, what),
                match total {
                    Some(t) => format!("totalPages {} (= ceil({t} / {size}))", (t / size).ceil()),
                    None => "a paging object with totalElements and totalPages".into(),
                },
                actual,
            ));
        }
        if let Some(members) = &check.has {
            let what = name(&format!("items carry {}", members.join(", ")));
            let Some(list) = items.filter(|l| !l.is_empty()) else {
                return Ok(unchecked(
                    spec,
                    &check.requirement,
                    Unchecked::LackedData,
                    what,
                    format!("{} had no item", name("")),
                ));
            };
            let absent: Vec<&str> =
                members.iter().map(String::as_str).filter(|m| !list.iter().any(|i| i.get(*m).is_some())).collect();
            return Ok(with(
                result(spec, &check.requirement, absent.is_empty(), what),
                format!("some item with {}", members.join(", ")),
                format!("absent from every one of {} items: {}", list.len(), absent.join(", ")),
            ));
        }
        if let Some(each) = &check.each {
            let gt = each.gt.as_ref().map(render).transpose()?;
            let lt = each.lt.as_ref().map(render).transpose()?;
            let eq = each.equals.as_ref().map(render).transpose()?;
            let what = name(&format!("every item's {}", each.field));
            // A rule about every item proves nothing about an empty list.
            if items.is_some_and(Vec::is_empty) {
                return Ok(unchecked(
                    spec,
                    &check.requirement,
                    Unchecked::LackedData,
                    what,
                    format!("{} had no item", if pointer.is_empty() { "/" } else { &pointer }),
                ));
            }
            let offending = items.and_then(|list| {
                list.iter().find(|item| {
                    let v = item.get(&each.field).unwrap_or(&Value::Null);
                    let n = number(v);
                    gt.as_ref().is_some_and(|g| !matches!((n, number(g)), (Some(a), Some(b)) if a > b))
                        || lt.as_ref().is_some_and(|l| !matches!((n, number(l)), (Some(a), Some(b)) if a < b))
                        || eq.as_ref().is_some_and(|e| !same(v, e))
                })
            });
            let ok = items.is_some() && offending.is_none();
            let mut wanted = Vec::new();
            if let Some(g) = &gt {
                wanted.push(format!("> {}", short(g)));
            }
            if let Some(l) = &lt {
                wanted.push(format!("< {}", short(l)));
            }
            if let Some(e) = &eq {
                wanted.push(format!("= {}", short(e)));
            }
            return Ok(with(
                result(spec, &check.requirement, ok, what),
                format!("every {} {}", each.field, wanted.join(" and ")),
                offending.map_or("not an array".into(), short),
            ));
        }
        let len = items.map(Vec::len);
        let ok = len.is_some_and(|n| check.min_items.is_none_or(|m| n >= m) && check.max_items.is_none_or(|m| n <= m));
        Ok(with(
            result(spec, &check.requirement, ok, name("item count")),
            format!(
                "between {} and {} items",
                check.min_items.unwrap_or(0),
                check.max_items.map_or("any".into(), |m| m.to_string())
            ),
            len.map_or("not an array".into(), |n| format!("{n} items")),
        ))
    })();
    outcome.unwrap_or_else(|e| CheckResult {
        requirement: check.requirement.clone(),
        level: spec.requirement(&check.requirement).map_or(Level::Must, |r| r.level),
        outcome: Outcome::Error,
        check: name("check"),
        expected: None,
        actual: Some(e),
        instance_path: None,
        schema_path: None,
        unchecked: None,
        occurrences: None,
    })
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

    #[test]
    fn numbers_compare_by_value() {
        assert!(same(&json!("123"), &json!(123)));
        assert!(!same(&json!("abc"), &json!(123)));
    }

    #[test]
    fn json_kinds() {
        assert_eq!(json_kind(&json!(1)), JsonKind::Integer);
        assert_eq!(json_kind(&json!(1.5)), JsonKind::Number);
        assert_eq!(json_kind(&json!([])), JsonKind::Array);
    }
}
