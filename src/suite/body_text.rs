//! A request body template compiled to JSON text with holes, so a body is rendered by appending
//! strings instead of building a `Value` tree and serializing it (the load generator renders one
//! per request). It renders exactly what `template::render(..).to_string()` renders.

use std::fmt::Write as _;

use serde_json::Value;

use super::template::{self, TemplateError, Vars};

#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// JSON text as is.
    Literal(String),
    /// A whole `"{{name}}"` string: the variable's own JSON (keeps its type).
    Value(String),
    /// `{{name}}` inside a string: the variable as text, JSON-escaped.
    Text(String),
}

/// A compiled body template.
#[derive(Debug, Clone)]
pub struct BodyText {
    parts: Vec<Part>,
    len_hint: usize,
}

impl BodyText {
    pub fn compile(template: &Value) -> Self {
        let mut parts = Vec::new();
        emit(template, &mut parts);
        // Merge neighbouring literals: fewer, longer appends.
        let mut merged: Vec<Part> = Vec::with_capacity(parts.len());
        for part in parts {
            match (merged.last_mut(), part) {
                (Some(Part::Literal(a)), Part::Literal(b)) => a.push_str(&b),
                (_, p) => merged.push(p),
            }
        }
        let len_hint = merged.iter().map(|p| if let Part::Literal(l) = p { l.len() } else { 24 }).sum();
        Self { parts: merged, len_hint }
    }

    /// The body's JSON text; an unknown variable is an error (as `template::render`).
    pub fn render(&self, vars: &Vars) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(self.len_hint);
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Value(name) => {
                    let value = vars.get(name).ok_or_else(|| TemplateError::unknown(name))?;
                    match value {
                        // Numbers and strings are the usual values: written without a detour.
                        Value::Number(n) => {
                            let _ = write!(out, "{n}");
                        }
                        Value::String(s) => push_quoted(&mut out, s),
                        other => out.push_str(&other.to_string()),
                    }
                }
                Part::Text(name) => {
                    let value = vars.get(name).ok_or_else(|| TemplateError::unknown(name))?;
                    match value {
                        Value::String(s) => push_escaped(&mut out, s),
                        other => push_escaped(&mut out, &other.to_string()),
                    }
                }
            }
        }
        Ok(out)
    }
}

fn push_quoted(out: &mut String, text: &str) {
    out.push_str(&Value::from(text).to_string());
}

fn push_escaped(out: &mut String, text: &str) {
    let quoted = Value::from(text).to_string();
    out.push_str(&quoted[1..quoted.len() - 1]);
}

fn emit(value: &Value, parts: &mut Vec<Part>) {
    match value {
        Value::String(s) => emit_string(s, parts),
        Value::Array(items) => {
            parts.push(Part::Literal("[".into()));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    parts.push(Part::Literal(",".into()));
                }
                emit(item, parts);
            }
            parts.push(Part::Literal("]".into()));
        }
        Value::Object(map) => {
            parts.push(Part::Literal("{".into()));
            for (i, (key, item)) in map.iter().enumerate() {
                let mut literal = String::from(if i > 0 { "," } else { "" });
                push_quoted(&mut literal, key);
                literal.push(':');
                parts.push(Part::Literal(literal));
                emit(item, parts);
            }
            parts.push(Part::Literal("}".into()));
        }
        other => parts.push(Part::Literal(other.to_string())),
    }
}

/// Mirrors `template::render_str`: a lone `{{name}}` (surrounding spaces allowed) keeps the
/// variable's type; otherwise each `{{name}}` is substituted as text; an unclosed `{{` is text.
fn emit_string(text: &str, parts: &mut Vec<Part>) {
    let trimmed = text.trim();
    if trimmed.starts_with("{{") && trimmed.ends_with("}}") && template::variables_in(trimmed).len() == 1 {
        parts.push(Part::Value(trimmed[2..trimmed.len() - 2].trim().to_string()));
        return;
    }
    parts.push(Part::Literal("\"".into()));
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let mut literal = String::new();
        push_escaped(&mut literal, &rest[..start]);
        parts.push(Part::Literal(literal));
        parts.push(Part::Text(after[..end].trim().to_string()));
        rest = &after[end + 2..];
    }
    let mut literal = String::new();
    push_escaped(&mut literal, rest);
    parts.push(Part::Literal(literal));
    parts.push(Part::Literal("\"".into()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        [
            ("n", json!(42)),
            ("f", json!(-15.79)),
            ("u", json!("ana \"quoted\" \\ é\n")),
            ("o", json!({"k": [1, null]})),
            ("b", json!(true)),
            ("z", Value::Null),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn same_as_render(t: &Value) {
        let vars = vars();
        let expected = template::render(t, &vars).map(|v| v.to_string());
        assert_eq!(BodyText::compile(t).render(&vars), expected, "{t}");
    }

    #[test]
    fn renders_what_the_value_renderer_renders() {
        for t in [
            json!({"a": "{{n}}", "b": "x-{{n}}-{{u}}", "c": [" {{ u }} "], "d": "{{o}}", "e": "{{b}}{{z}}"}),
            json!({"plain": "no vars", "num": 1.5, "nul": null, "nested": {"x": ["{{f}}", {"y": "{{z}}"}]}}),
            json!({"unclosed": "a {{ b", "stray": "}} {{n}} }}", "quote\"key": "\"{{u}}\"", "empty": ""}),
            json!(["{{u}}", "{{u}} ", "{{n}}{{n}}", []]),
            json!("{{n}}"),
            json!({}),
        ] {
            same_as_render(&t);
        }
    }

    #[test]
    fn renders_every_step_body_of_the_shipped_suites_as_the_value_renderer() {
        // Every body the project ships, with every variable it uses bound to a string or number.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
        let mut files: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
        files.extend(std::fs::read_dir(root.join("load")).unwrap().map(|e| e.unwrap().path()));
        let mut bodies = 0;
        for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
            let suite: super::super::SuiteFile =
                serde_norway::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            for step in suite.cases.iter().flat_map(|c| &c.steps) {
                let Some(body) = &step.body else { continue };
                let mut used = Vec::new();
                template::variables_in_value(body, &mut used);
                for (i, value) in [json!("text \"x\""), json!(7)].into_iter().enumerate() {
                    let vars: Vars = used.iter().map(|n| (n.clone(), value.clone())).collect();
                    let expected = template::render(body, &vars).unwrap().to_string();
                    assert_eq!(BodyText::compile(body).render(&vars).unwrap(), expected, "{} ({i})", file.display());
                }
                bodies += 1;
            }
        }
        assert!(bodies > 50, "{bodies} bodies");
    }

    #[test]
    fn an_unknown_variable_is_an_error() {
        let e = BodyText::compile(&json!({"a": "x{{nope}}"})).render(&Vars::new()).unwrap_err();
        assert_eq!(e, TemplateError::UnknownVariable { name: "nope".into() });
    }
}
