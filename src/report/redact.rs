//! The deterministic copy of a report that snapshot tests render, so one report renders identically
//! every run (secrets are masked earlier, by the engine, with `crate::secrets`). It lives in the
//! product, not in the tests, so every format can be rendered deterministically.

use crate::model::{CheckResult, FindingExample, RequestRecord, ResponseRecord, RunReport, StepResult};

/// Placeholders of [`deterministic`]; fixed text, so a snapshot diff shows only real changes.
pub const TIME: &str = "[TIME]";
pub const SESSION: &str = "[SESSION]";
pub const DATETIME: &str = "[DATETIME]";
pub const OPERATION_ID: &str = "[OPID]";

/// Response fields whose numbers the server derives from its clock or a counter.
const CLOCK_FIELDS: [(&str, &str); 3] =
    [("dateTime", DATETIME), ("dateTimeMilliseconds", DATETIME), ("operationID", OPERATION_ID)];

/// A copy of `report` with its nondeterminism replaced by fixed placeholders: the start time, every
/// duration, ports in URLs, clock-derived numbers in bodies and session ids, wherever the model
/// repeats them (the steps, the findings' examples, the requirements' details, the stop reason). A
/// load section keeps its figures, like the evidence of a check (`model::load::deterministic`
/// blanks them too).
pub fn deterministic(report: &RunReport) -> RunReport {
    let mut r = report.clone();
    r.started_at = TIME.to_string();
    r.duration_ms = 0;
    r.target = text(&r.target);
    r.notes = r.notes.iter().map(|n| text(n)).collect();
    map_opt(&mut r.stop_reason, text);
    for requirement in &mut r.requirements {
        map_opt(&mut requirement.detail, text);
    }
    for FindingExample { expected, actual, curl, .. } in r.findings.iter_mut().flat_map(|g| &mut g.examples) {
        map_opt(expected, text);
        map_opt(actual, text);
        map_opt(curl, body);
    }
    if let Some(load) = &mut r.load {
        load.started_at = TIME.to_string();
        load.duration_s = 0.0;
        load.target = text(&load.target);
        map_opt(&mut load.stop_reason, text);
    }
    for case in &mut r.cases {
        case.duration_ms = 0;
        for step in &mut case.steps {
            redact_step(step);
        }
    }
    r
}

fn redact_step(step: &mut StepResult) {
    map_opt(&mut step.skipped_reason, text);
    map_opt(&mut step.error, text);
    map_opt(&mut step.curl, body);
    if let Some(RequestRecord { url, body: b, .. }) = &mut step.request {
        *url = text(url);
        *b = body(b);
    }
    if let Some(ResponseRecord { body: b, duration_ms, .. }) = &mut step.response {
        *b = body(b);
        *duration_ms = 0;
    }
    for CheckResult { expected, actual, .. } in &mut step.checks {
        map_opt(expected, text);
        map_opt(actual, text);
    }
}

fn map_opt(field: &mut Option<String>, f: fn(&str) -> String) {
    if let Some(v) = field {
        *v = f(v);
    }
}

/// Free text (URLs, messages, evidence): ports and session ids.
fn text(s: &str) -> String {
    sessions(&crate::redact::ports(s))
}

/// Bodies and curl lines: also the clock-derived numbers of the envelope.
fn body(s: &str) -> String {
    CLOCK_FIELDS.iter().fold(text(s), |acc, (field, placeholder)| clock_numbers(&acc, field, placeholder))
}

/// Replaces the number after `"field":` (JSON) or inside `<field>…</field>` (XML) with `placeholder`.
/// Text, not parsed JSON: bodies may be truncated or malformed, which is often why they are shown.
fn clock_numbers(s: &str, field: &str, placeholder: &str) -> String {
    let json_key = format!("\"{field}\"");
    let xml_open = format!("<{field}>");
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let next = [(rest.find(&json_key), json_key.as_str(), true), (rest.find(&xml_open), xml_open.as_str(), false)]
            .into_iter()
            .filter_map(|(pos, key, json)| pos.map(|p| (p, key, json)))
            .min_by_key(|(p, _, _)| *p);
        let Some((pos, key, json)) = next else { break };
        let after_key = pos + key.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let value_start = if json {
            // `"dateTime" : 123`: a colon (with optional blanks) must follow, or this was a string value.
            let trimmed = rest.trim_start();
            match trimmed.strip_prefix(':') {
                Some(v) => rest.len() - v.trim_start().len(),
                None => continue,
            }
        } else {
            0
        };
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let number_len = number_prefix_len(rest);
        if number_len > 0 {
            out.push_str(placeholder);
            rest = &rest[number_len..];
        }
    }
    out.push_str(rest);
    out
}

/// Length of the integer or decimal number (optionally negative) at the start of `s`.
fn number_prefix_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i == digits_start {
        0
    } else {
        i
    }
}

/// Replaces every UUID (`8-4-4-4-12` hex digits), which is how session ids look, with [`SESSION`].
fn sessions(s: &str) -> String {
    const LEN: usize = 36;
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i + LEN <= b.len() {
        let bounded =
            (i == 0 || !b[i - 1].is_ascii_alphanumeric()) && b.get(i + LEN).is_none_or(|c| !c.is_ascii_alphanumeric());
        if bounded && is_uuid(&b[i..i + LEN]) {
            out.push_str(&s[copied..i]);
            out.push_str(SESSION);
            i += LEN;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[copied..]);
    out
}

fn is_uuid(b: &[u8]) -> bool {
    b.iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == b'-',
        _ => c.is_ascii_hexdigit(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_numbers_are_replaced_in_json_and_xml_but_strings_are_kept() {
        assert_eq!(
            body(r#"{"dateTime": 1764277200123,"operationID":42,"error":null}"#),
            r#"{"dateTime": [DATETIME],"operationID":[OPID],"error":null}"#
        );
        assert_eq!(body(r#"{"dateTime":"27/11/2026 21:00"}"#), r#"{"dateTime":"27/11/2026 21:00"}"#);
        assert_eq!(body("<operationID>7</operationID>"), "<operationID>[OPID]</operationID>");
        assert_eq!(body(r#"{"dateTimeMilliseconds":5}"#), r#"{"dateTimeMilliseconds":[DATETIME]}"#);
        // A key that is a value, not a key, is left alone.
        assert_eq!(body(r#"["dateTime", 5]"#), r#"["dateTime", 5]"#);
    }

    #[test]
    fn uuids_become_session_placeholders_only_when_whole() {
        assert_eq!(sessions(r#"{"sessionID":"3f2c9a7e-1b4d-4c8e-9f00-0123456789ab"}"#), r#"{"sessionID":"[SESSION]"}"#);
        let longer = "x3f2c9a7e-1b4d-4c8e-9f00-0123456789ab";
        assert_eq!(sessions(longer), longer);
        assert_eq!(sessions("not-a-uuid"), "not-a-uuid");
    }
}
