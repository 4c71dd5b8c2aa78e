//! The checks of one response, each tied to requirement ids of the spec. Pure functions of the
//! exchange, the step's expectations and the spec: they never fail as functions, they report.

use std::collections::{BTreeSet, HashMap};

use parking_lot::Mutex;
use serde_json::Value;

use super::model::{CheckResult, Outcome};
use super::verdict::failure_at;
use crate::schema::{SchemaRegistry, Side};
use crate::spec::{Endpoint, Level, Spec};
use crate::suite::template::{self, Vars};
use crate::suite::{CheckDef, Expect, StatusSpec};

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

pub fn evaluate(input: &CheckInput<'_>) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let spec = input.spec;
    let expected_status = match (&input.expect.status, &input.expect.error) {
        (Some(s), _) => s.clone(),
        (None, Some(_)) => StatusSpec::One(412),
        (None, None) => StatusSpec::One(200),
    };
    let default_requirement = if expected_status.allows(200) { "GEN-HTTP-002" } else { "GEN-ERR-006" };
    let status_requirement = input.expect.requirement.as_deref().unwrap_or(default_requirement);

    // Never a 5xx (GEN-HTTP-005).
    out.push(with(
        result(spec, "GEN-HTTP-005", input.status < 500, "no 5xx status"),
        "a status below 500",
        format!("HTTP {}", input.status),
    ));
    out.push(with(
        result(spec, status_requirement, expected_status.allows(input.status), "HTTP status"),
        describe_status(&expected_status),
        format!("HTTP {}", input.status),
    ));
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
            return out;
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
        schema_checks(input, body, Side::Response, &mut out);
        envelope_checks(input, body, &mut out);
    } else if input.status < 500 && input.status != 405 && body.is_object() {
        error_checks(input, body, &mut out);
    }

    if let Some(allowed) = &input.expect.error {
        if expected_status.allows(input.status) {
            let code = body.pointer("/error/code").and_then(Value::as_str).unwrap_or("");
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
    if expected_status.allows(input.status) {
        for check in &input.expect.checks {
            out.push(content_check(spec, check, body, input.vars));
        }
    }
    if input.must_only {
        out.retain(|c| c.level == Level::Must);
    }
    out
}

fn describe_status(s: &StatusSpec) -> String {
    match s {
        StatusSpec::One(code) => format!("HTTP {code}"),
        StatusSpec::Any(list) => format!("HTTP {}", list.iter().map(u16::to_string).collect::<Vec<_>>().join(" or ")),
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

fn schema_checks(input: &CheckInput<'_>, body: &Value, side: Side, out: &mut Vec<CheckResult>) {
    let spec = input.spec;
    let violations = input.registry.check(&input.endpoint.path, side, body);
    let failed: BTreeSet<&str> = violations.iter().map(|v| v.requirement.as_str()).collect();
    for v in &violations {
        out.push(CheckResult {
            requirement: v.requirement.clone(),
            level: v.level,
            outcome: failure_at(v.level),
            check: "response matches the schema".into(),
            expected: Some(format!("schema {}", v.schema_path)),
            actual: Some(format!("{}: {}", if v.instance_path.is_empty() { "/" } else { &v.instance_path }, v.message)),
            instance_path: Some(v.instance_path.clone()),
            schema_path: Some(v.schema_path.clone()),
        });
    }
    for id in schema_requirements(&input.endpoint.response, spec) {
        if !failed.contains(id.as_str()) && spec.requirement(&id).is_some() {
            out.push(result(spec, &id, true, "response matches the schema"));
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
    for v in input.registry.check_error(body) {
        out.push(CheckResult {
            requirement: v.requirement.clone(),
            level: v.level,
            outcome: failure_at(v.level),
            check: "failure body matches the error schema".into(),
            expected: Some(format!("schema {}", v.schema_path)),
            actual: Some(format!("{}: {}", if v.instance_path.is_empty() { "/" } else { &v.instance_path }, v.message)),
            instance_path: Some(v.instance_path.clone()),
            schema_path: Some(v.schema_path.clone()),
        });
    }
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

/// The value at a pointer; `a|b` tries each alternative in turn (a response the spec accepts in two
/// forms, D-REQUEST-RESPONSE: `/request/number|/number`).
pub fn lookup<'v>(body: &'v Value, pointer: &str) -> Option<&'v Value> {
    pointer
        .split('|')
        .find_map(|p| body.pointer(p.trim()).filter(|v| !v.is_null()))
        .or_else(|| pointer.split('|').find_map(|p| body.pointer(p.trim())))
}

/// Numbers and numeric strings compare by value (`"123"` = `123`); everything else exactly.
pub fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    matches!((num(a), num(b)), (Some(x), Some(y)) if x == y)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn matches_fields(item: &Value, fields: &std::collections::BTreeMap<String, Value>) -> bool {
    fields.iter().all(|(k, v)| item.get(k).is_some_and(|x| same(x, v)))
}

fn render_map(
    m: &std::collections::BTreeMap<String, Value>,
    vars: &Vars,
) -> Result<std::collections::BTreeMap<String, Value>, String> {
    m.iter().map(|(k, v)| Ok((k.clone(), template::render(v, vars)?))).collect()
}

fn content_check(spec: &Spec, check: &CheckDef, body: &Value, vars: &Vars) -> CheckResult {
    let at = lookup(body, &check.pointer);
    let name = |op: &str| format!("{} {op}", if check.pointer.is_empty() { "/" } else { &check.pointer });
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
            let found = items.and_then(|list| list.iter().find(|i| matches_fields(i, &fields)));
            let ok = items.is_some() && found.is_none();
            return Ok(with(
                result(spec, &check.requirement, ok, name("has no matching item")),
                format!("no item with {}", short(&serde_json::to_value(&fields).unwrap_or_default())),
                found.map_or("not an array".into(), short),
            ));
        }
        if let Some(each) = &check.each {
            let gt = each.gt.as_ref().map(render).transpose()?;
            let lt = each.lt.as_ref().map(render).transpose()?;
            let eq = each.equals.as_ref().map(render).transpose()?;
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
                result(spec, &check.requirement, ok, name(&format!("every item's {}", each.field))),
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
}
