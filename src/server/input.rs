//! Reading request fields: a missing or wrongly typed field becomes a 412 INPUT naming the field
//! (specs/DECISIONS.md D-STATUS).

use serde_json::Value;

use super::reply::Reply;

fn wrong_type(field: &str, expected: &str, got: &Value) -> Reply {
    Reply::wrong_type(format!("Field '{field}' must be {expected}, got {}", short(got)))
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn present<'a>(body: &'a Value, field: &str) -> Option<&'a Value> {
    body.get(field).filter(|v| !v.is_null())
}

/// An optional integer (JSON integer, or a float with no fraction).
pub fn int(body: &Value, field: &str) -> Result<Option<i64>, Reply> {
    match present(body, field) {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) => Ok(Some(n)),
            None => match v.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                _ => Err(wrong_type(field, "an integer", v)),
            },
        },
    }
}

/// A required integer; `missing` is the real product's text for its absence.
pub fn req_int(body: &Value, field: &str, missing: &str) -> Result<i64, Reply> {
    int(body, field)?.ok_or_else(|| Reply::input(missing))
}

pub fn float(body: &Value, field: &str) -> Result<Option<f64>, Reply> {
    match present(body, field) {
        None => Ok(None),
        Some(v) => v.as_f64().filter(|f| f.is_finite()).map(Some).ok_or_else(|| wrong_type(field, "a number", v)),
    }
}

/// A number read whatever its type, as a faulty server does (`wrong-type-stored`): a numeric string
/// as its number, any other value as 0; `None` only when absent or null.
pub fn float_any(body: &Value, field: &str) -> Option<f64> {
    present(body, field).map(|v| match v {
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).unwrap_or(0.0),
        other => other.as_f64().unwrap_or(0.0),
    })
}

/// An integer read whatever its type (`wrong-type-stored`): a numeric string as its number; `None`
/// for anything else, so the default applies.
pub fn int_any(body: &Value, field: &str) -> Option<i64> {
    match present(body, field)? {
        Value::String(s) => s.trim().parse().ok(),
        other => other.as_i64(),
    }
}

pub fn req_float(body: &Value, field: &str) -> Result<f64, Reply> {
    float(body, field)?.ok_or_else(|| Reply::input(format!("Field '{field}' not informed")))
}

/// An optional string; numbers are not strings.
pub fn string(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(wrong_type(field, "a string", v)),
    }
}

/// A required, non-blank string.
pub fn req_string(body: &Value, field: &str, missing: &str) -> Result<String, Reply> {
    match string(body, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(Reply::input(missing)),
    }
}

/// A string or an integer, as text (request numbers, codes).
pub fn text_or_int(body: &Value, field: &str) -> Result<Option<String>, Reply> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) if v.is_i64() || v.is_u64() => Ok(Some(v.to_string())),
        Some(v) => Err(wrong_type(field, "a string or an integer", v)),
    }
}

/// An int flag, or `"S"`/`"N"` (specs/DECISIONS.md D-FLAGS).
pub fn flag(body: &Value, field: &str) -> Result<Option<i64>, Reply> {
    match present(body, field) {
        Some(Value::String(s)) if s == "S" => Ok(Some(1)),
        Some(Value::String(s)) if s == "N" => Ok(Some(0)),
        _ => int(body, field),
    }
}

/// A boolean, or the strings "true"/"false".
pub fn boolean(body: &Value, field: &str) -> Result<Option<bool>, Reply> {
    match present(body, field) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" => Ok(Some(false)),
        Some(v) => Err(wrong_type(field, "a boolean", v)),
    }
}

/// An optional object.
pub fn object<'a>(body: &'a Value, field: &str) -> Result<Option<&'a Value>, Reply> {
    match present(body, field) {
        None => Ok(None),
        Some(v @ Value::Object(_)) => Ok(Some(v)),
        Some(v) => Err(wrong_type(field, "an object", v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_are_checked_and_named() {
        let body = json!({"taskId": "abc", "n": 5, "f": 2.0, "flag": "S"});
        let err = req_int(&body, "taskId", "Task id not informed").unwrap_err();
        assert!(matches!(err, Reply::WrongType(ref description) if description.contains("taskId")));
        assert_eq!(req_int(&body, "n", "").unwrap(), 5);
        assert_eq!(int(&body, "f").unwrap(), Some(2));
        assert_eq!(flag(&body, "flag").unwrap(), Some(1));
        assert!(matches!(req_int(&body, "missing", "Task id not informed"), Err(Reply::Fail { .. })));
        assert!(int(&json!({"x": 1e300}), "x").is_err());
        let lax = json!({"a": "-15.5", "b": "abc", "c": true, "d": "7"});
        assert_eq!(
            (float_any(&lax, "a"), float_any(&lax, "b"), float_any(&lax, "c")),
            (Some(-15.5), Some(0.0), Some(0.0))
        );
        assert_eq!((int_any(&lax, "d"), int_any(&lax, "b"), float_any(&lax, "missing")), (Some(7), None, None));
    }
}
