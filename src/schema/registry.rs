use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value};

use super::Violation;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::spec::{pointer::resolve_ref, CheckKind, Level, Spec};

/// Fallback requirement for an unannotated response error.
const RESPONSE_FALLBACK: &str = "GEN-ENV-001";
/// Fallback requirement for an unannotated error-body error.
const ERROR_FALLBACK: &str = "GEN-ERR-001";
/// Fallback for request schemas: the harness's own input is at fault, not the target.
const REQUEST_FALLBACK: &str = "GEN-INP-001";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

struct Compiled {
    validator: Validator,
    bundle: Value,
    fallback: String,
}

struct EndpointSchemas {
    request: Compiled,
    response: Compiled,
}

/// Every schema of the spec compiled once, so a broken spec fails before the first request and
/// validation on the hot path is a lookup plus a validator call. Share it with `Arc`.
pub struct SchemaRegistry {
    spec: Arc<Spec>,
    endpoints: HashMap<String, EndpointSchemas>,
    error: Compiled,
}

impl std::fmt::Debug for SchemaRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaRegistry").field("endpoints", &self.endpoints.len()).finish()
    }
}

fn compile_one(
    spec: &Spec,
    schema: &Value,
    fallback: String,
    file: &str,
    pointer: &str,
) -> Result<Compiled, Diagnostic> {
    let bundle = spec.bundle(schema);
    let validator =
        jsonschema::options().with_draft(Draft::Draft202012).should_validate_formats(false).build(&bundle).map_err(
            |e| {
                let text = spec.texts.get(file).map(String::as_str).unwrap_or("");
                Diagnostic::new(Location::of_pointer(file, text, pointer), format!("schema does not compile: {e}"))
                    .with_hint("schemas are JSON Schema draft 2020-12; shared definitions are `#/$defs/NAME`")
            },
        )?;
    Ok(Compiled { validator, bundle, fallback })
}

impl SchemaRegistry {
    pub fn compile(spec: Arc<Spec>) -> Result<Self, Diagnostics> {
        let mut problems = Vec::new();
        let mut endpoints = HashMap::new();
        for endpoint in &spec.endpoints {
            let first_schema_requirement = endpoint
                .requirements
                .iter()
                .find(|r| r.check == CheckKind::Schema)
                .map(|r| r.id.clone())
                .unwrap_or_else(|| RESPONSE_FALLBACK.to_string());
            let request = compile_one(&spec, &endpoint.request, REQUEST_FALLBACK.into(), &endpoint.file, "/request");
            let response =
                compile_one(&spec, &endpoint.response, first_schema_requirement, &endpoint.file, "/response");
            match (request, response) {
                (Ok(request), Ok(response)) => {
                    endpoints.insert(endpoint.path.clone(), EndpointSchemas { request, response });
                }
                (r, s) => problems.extend(r.err().into_iter().chain(s.err())),
            }
        }
        let error_schema = serde_json::json!({"$ref": "#/$defs/errorResponse"});
        let error =
            compile_one(&spec, &error_schema, ERROR_FALLBACK.into(), "specs/defs/common.json", "/$defs/errorResponse");
        match error {
            Ok(error) if problems.is_empty() => Ok(Self { spec, endpoints, error }),
            Ok(_) => Err(Diagnostics(problems)),
            Err(d) => {
                problems.push(d);
                Err(Diagnostics(problems))
            }
        }
    }

    pub fn spec(&self) -> &Arc<Spec> {
        &self.spec
    }

    fn compiled(&self, path: &str, side: Side) -> Option<&Compiled> {
        self.endpoints.get(path).map(|e| match side {
            Side::Request => &e.request,
            Side::Response => &e.response,
        })
    }

    /// Fast path: no error paths, just a yes or no.
    pub fn is_valid(&self, path: &str, side: Side, body: &Value) -> bool {
        self.compiled(path, side).is_some_and(|c| c.validator.is_valid(body))
    }

    /// Every violation of an endpoint's request or success-response schema. An unknown path is
    /// not a schema matter and gives no violations.
    pub fn check(&self, path: &str, side: Side, body: &Value) -> Vec<Violation> {
        match self.compiled(path, side) {
            Some(c) => self.violations(c, body),
            None => Vec::new(),
        }
    }

    /// Violations of the shared failure-body schema (`errorResponse`).
    pub fn check_error(&self, body: &Value) -> Vec<Violation> {
        self.violations(&self.error, body)
    }

    fn violations(&self, compiled: &Compiled, body: &Value) -> Vec<Violation> {
        if compiled.validator.is_valid(body) {
            return Vec::new();
        }
        compiled
            .validator
            .iter_errors(body)
            .map(|err| {
                let evaluation = err.evaluation_path().as_str().to_string();
                let missing = match err.kind() {
                    jsonschema::error::ValidationErrorKind::Required { property } => {
                        property.as_str().map(String::from)
                    }
                    _ => None,
                };
                let requirement = attribute(&compiled.bundle, &self.spec.defs, &evaluation, missing.as_deref())
                    .unwrap_or_else(|| compiled.fallback.clone());
                let level = self.spec.requirement(&requirement).map_or(Level::Must, |r| r.level);
                Violation {
                    requirement,
                    level,
                    instance_path: err.instance_path().as_str().to_string(),
                    schema_path: evaluation,
                    message: err.to_string(),
                    value: err.instance().clone().into_owned(),
                }
            })
            .collect()
    }
}

/// The requirement of the deepest `x-requirement` on the evaluation path (following `$ref`s),
/// or of the missing property's own schema for a `required` error.
fn attribute(
    bundle: &Value,
    defs: &Map<String, Value>,
    evaluation_path: &str,
    missing: Option<&str>,
) -> Option<String> {
    let mut node = bundle;
    let mut found = annotation(node);
    let mut parent = node;
    for raw in evaluation_path.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        parent = node;
        let next = if segment == "$ref" {
            node.get("$ref").and_then(Value::as_str).and_then(|r| resolve_ref(r, defs))
        } else {
            match node {
                Value::Object(map) => map.get(&segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
        };
        let Some(next) = next else { break };
        node = next;
        if let Some(id) = annotation(node) {
            found = Some(id);
        }
    }
    if let Some(prop) = missing {
        // `parent` is the object schema holding `required`.
        if let Some(id) = parent.get("properties").and_then(|p| p.get(prop)).and_then(annotation) {
            return Some(id);
        }
    }
    found
}

fn annotation(node: &Value) -> Option<String> {
    node.get("x-requirement").and_then(Value::as_str).map(String::from)
}
