//! `{{var}}` templating of request bodies and expected values.

use std::collections::BTreeMap;

use serde_json::Value;

/// Variables of one case: built-ins, credentials and captures.
pub type Vars = BTreeMap<String, Value>;

/// Names every suite may use without capturing them (credentials are `<role>.user` / `<role>.password`).
pub const BUILTINS: &[&str] =
    &["unique", "seq", "now_ms", "now_iso", "data_query", "half_session_ms", "rest_of_session_ms"];
pub use crate::accounts::ROLES;

/// Every `{{name}}` in a string.
pub fn variables_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// Every variable used anywhere in a JSON value.
pub fn variables_in_value(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.extend(variables_in(s)),
        Value::Array(items) => items.iter().for_each(|v| variables_in_value(v, out)),
        Value::Object(map) => map.values().for_each(|v| variables_in_value(v, out)),
        _ => {}
    }
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Why a template does not render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{{name}}` with no such variable among the case's.
    #[error("unknown variable `{name}`")]
    UnknownVariable { name: String },
}

impl TemplateError {
    pub(crate) fn unknown(name: &str) -> Self {
        TemplateError::UnknownVariable { name: name.to_string() }
    }
}

/// Renders a string: exactly `{{name}}` keeps the variable's JSON type; otherwise text substitution.
/// An unknown variable is an error (the loader rejects them before a run, so this is a guard).
pub fn render_str(text: &str, vars: &Vars) -> Result<Value, TemplateError> {
    let trimmed = text.trim();
    if trimmed.starts_with("{{") && trimmed.ends_with("}}") && variables_in(trimmed).len() == 1 {
        let name = trimmed[2..trimmed.len() - 2].trim();
        return vars.get(name).cloned().ok_or_else(|| TemplateError::unknown(name));
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(Value::String(out));
        };
        let name = after[..end].trim();
        let value = vars.get(name).ok_or_else(|| TemplateError::unknown(name))?;
        out.push_str(&as_text(value));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

pub fn render(value: &Value, vars: &Vars) -> Result<Value, TemplateError> {
    Ok(match value {
        Value::String(s) => render_str(s, vars)?,
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, vars)).collect::<Result<_, _>>()?),
        Value::Object(map) => Value::Object(
            map.iter().map(|(k, v)| Ok((k.clone(), render(v, vars)?))).collect::<Result<_, TemplateError>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_variables_keep_their_type_and_text_is_substituted() {
        let vars: Vars = [("n".to_string(), json!(42)), ("u".to_string(), json!("ana"))].into_iter().collect();
        assert_eq!(
            render(&json!({"a": "{{n}}", "b": "x-{{n}}-{{u}}", "c": [" {{ u }} "]}), &vars).unwrap(),
            json!({"a": 42, "b": "x-42-ana", "c": ["ana"]})
        );
        let e = render(&json!("{{missing}}"), &vars).unwrap_err();
        assert_eq!(e, TemplateError::UnknownVariable { name: "missing".into() });
        assert_eq!(e.to_string(), "unknown variable `missing`");
        assert_eq!(variables_in("{{a}} and {{ b.c }}"), ["a", "b.c"]);
    }
}
