use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jsonschema::{Draft, ValidationError, Validator};
use parking_lot::Mutex;
use serde_json::{Map, Value};

use super::reach::{self, star, Reach};
use super::Violation;
use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics, Location};
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
    /// Names this schema in the cache of branch validators.
    key: String,
}

/// What one document did against a schema: its violations (grouped, see [`Violation::occurrences`])
/// and which requirement annotations it exercised.
#[derive(Debug, Clone, Default)]
pub struct SchemaCheck {
    pub violations: Vec<Violation>,
    pub reach: Reach,
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
    /// Validators of `anyOf` branches and `if` conditions, compiled the first time a document
    /// needs them (a few dozen in the whole spec): (schema key, schema location) → validator.
    branches: Mutex<HashMap<(String, String), Arc<Validator>>>,
}

impl std::fmt::Debug for SchemaRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaRegistry").field("endpoints", &self.endpoints.len()).finish()
    }
}

fn build(schema: &Value) -> Result<Validator, ValidationError<'static>> {
    jsonschema::options().with_draft(Draft::Draft202012).should_validate_formats(false).build(schema)
}

fn compile_one(
    spec: &Spec,
    schema: &Value,
    fallback: String,
    file: &str,
    pointer: &str,
) -> Result<Compiled, Diagnostic> {
    let bundle = spec.bundle(schema);
    let validator = build(&bundle).map_err(|e| {
        let text = spec.texts.get(file).map(String::as_str).unwrap_or("");
        Diagnostic::new(
            DiagnosticKind::InvalidSchema,
            Location::of_pointer(file, text, pointer),
            format!("schema does not compile: {e}"),
        )
        .with_hint("schemas are JSON Schema draft 2020-12; shared definitions are `#/$defs/NAME`")
    })?;
    Ok(Compiled { validator, bundle, fallback, key: format!("{file}#{pointer}") })
}

/// The subschema at `location` of `bundle` as a schema of its own: a reference into a document
/// that holds the bundle's definitions and, under `__bundle`, its root.
fn subschema_document(bundle: &Value, location: &str) -> Value {
    let mut defs = bundle.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut root = bundle.as_object().cloned().unwrap_or_default();
    root.remove("$defs");
    root.remove("$schema");
    defs.insert("__bundle".into(), Value::Object(root));
    let reference =
        if location.starts_with("/$defs/") { format!("#{location}") } else { format!("#/$defs/__bundle{location}") };
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs,
        "$ref": reference,
    })
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
            Ok(error) if problems.is_empty() => Ok(Self { spec, endpoints, error, branches: Mutex::default() }),
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

    /// [`check`](Self::check) plus which requirement annotations the document exercised.
    pub fn check_reach(&self, path: &str, side: Side, body: &Value) -> SchemaCheck {
        match self.compiled(path, side) {
            Some(c) => SchemaCheck { violations: self.violations(c, body), reach: self.reach(c, body) },
            None => SchemaCheck::default(),
        }
    }

    /// [`check_error`](Self::check_error) plus which requirement annotations the body exercised.
    pub fn check_error_reach(&self, body: &Value) -> SchemaCheck {
        SchemaCheck { violations: self.violations(&self.error, body), reach: self.reach(&self.error, body) }
    }

    fn reach(&self, compiled: &Compiled, body: &Value) -> Reach {
        let defs = compiled.bundle.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut branch_valid = |location: &str, instance: &Value| {
            let key = (compiled.key.clone(), location.to_string());
            let cached = self.branches.lock().get(&key).cloned();
            let validator = match cached {
                Some(v) => v,
                None => match build(&subschema_document(&compiled.bundle, location)) {
                    Ok(v) => {
                        let v = Arc::new(v);
                        self.branches.lock().insert(key, v.clone());
                        v
                    }
                    // Every subschema of a compiled schema compiles; if one did not, it cannot
                    // be shown to apply.
                    Err(_) => return false,
                },
            };
            validator.is_valid(instance)
        };
        reach::reach(&compiled.bundle, &defs, body, &mut branch_valid)
    }

    /// Violations, one per (requirement, member, rule): the same rule broken in every item of a
    /// list is one violation that counts its items, so the number of findings does not grow with
    /// the target's data.
    fn violations(&self, compiled: &Compiled, body: &Value) -> Vec<Violation> {
        if compiled.validator.is_valid(body) {
            return Vec::new();
        }
        let mut grouped: BTreeMap<(String, String, String), Violation> = BTreeMap::new();
        let mut order = Vec::new();
        for err in compiled.validator.iter_errors(body) {
            let evaluation = err.evaluation_path().as_str().to_string();
            let missing = match err.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => property.as_str().map(String::from),
                _ => None,
            };
            let requirement = attribute(&compiled.bundle, &self.spec.defs, &evaluation, missing.as_deref())
                .unwrap_or_else(|| compiled.fallback.clone());
            let level = self.spec.requirement(&requirement).map_or(Level::Must, |r| r.level);
            // A missing member is reported where it is missing (`/notifications/0/taskId`), so two
            // different missing members are two findings.
            let instance_path = match &missing {
                Some(member) => {
                    format!("{}/{}", err.instance_path().as_str(), member.replace('~', "~0").replace('/', "~1"))
                }
                None => err.instance_path().as_str().to_string(),
            };
            let message = match err.kind() {
                jsonschema::error::ValidationErrorKind::AnyOf { context } => {
                    any_of_message(&compiled.bundle, &self.spec.defs, &evaluation, context)
                }
                _ => err.to_string(),
            };
            let key =
                (requirement.clone(), star(&instance_path), format!("{evaluation} {}", missing.unwrap_or_default()));
            match grouped.get_mut(&key) {
                Some(v) => v.occurrences += 1,
                None => {
                    order.push(key.clone());
                    grouped.insert(
                        key,
                        Violation {
                            requirement,
                            level,
                            instance_path,
                            schema_path: evaluation,
                            message,
                            value: err.instance().clone().into_owned(),
                            occurrences: 1,
                            out_of: None,
                        },
                    );
                }
            }
        }
        order
            .into_iter()
            .filter_map(|key| grouped.remove(&key))
            .map(|mut v| {
                v.out_of = list_size(body, &v.instance_path);
                v
            })
            .collect()
    }
}

/// For a member of a list item (`/notifications/3/taskId`): the list (`/notifications`) and how
/// many items it has, so a finding can say "in 90 of 90 items".
fn list_size(body: &Value, instance_path: &str) -> Option<(String, usize)> {
    let segments: Vec<&str> = instance_path.split('/').collect();
    let index = segments.iter().rposition(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))?;
    let list_pointer = segments[..index].join("/");
    let len = body.pointer(&list_pointer)?.as_array()?.len();
    Some((star(&list_pointer), len))
}

/// "matches none of the 2 allowed forms; closest, form 2 of 2 (the request under `request`):
/// `number` is a required property": the branch with the fewest errors, and its errors.
fn any_of_message(
    bundle: &Value,
    defs: &Map<String, Value>,
    evaluation_path: &str,
    context: &[Vec<ValidationError<'static>>],
) -> String {
    let Some((index, errors)) = context.iter().enumerate().min_by_key(|(_, errors)| errors.len()) else {
        return "matches none of the allowed forms".to_string();
    };
    let branch = node_at(bundle, defs, &format!("{evaluation_path}/{index}"));
    let label = branch
        .and_then(|b| b.get("title").or_else(|| b.get("description")))
        .and_then(Value::as_str)
        .map(|d| format!(" ({})", d.trim_end_matches('.')))
        .unwrap_or_default();
    let mut details: Vec<String> = errors
        .iter()
        .take(3)
        .map(|e| {
            let at = e.instance_path().as_str();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("at {at}: {e}")
            }
        })
        .collect();
    if errors.len() > 3 {
        details.push(format!("and {} more", errors.len() - 3));
    }
    format!(
        "matches none of the {} allowed forms; closest, form {} of {}{label}: {}",
        context.len(),
        index + 1,
        context.len(),
        details.join("; ")
    )
}

/// The schema node at an evaluation path (through `$ref`s).
fn node_at<'v>(bundle: &'v Value, defs: &'v Map<String, Value>, evaluation_path: &str) -> Option<&'v Value> {
    let mut node = bundle;
    for raw in evaluation_path.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        node = if segment == "$ref" {
            node.get("$ref").and_then(Value::as_str).and_then(|r| resolve_ref(r, defs))?
        } else {
            match node {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(node)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn registry() -> SchemaRegistry {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).expect("the spec loads");
        Arc::try_unwrap(registry).unwrap_or_else(|r| SchemaRegistry::compile(r.spec().clone()).unwrap())
    }

    #[test]
    fn a_failed_any_of_names_the_closest_form_and_the_missing_member() {
        let registry = registry();
        let body = json!({"dateTime": 1, "operationID": 2, "error": null, "request": {"numberOrigin": "x"}});
        let violations = registry.check("/services/request/create", Side::Response, &body);
        let v = violations.iter().find(|v| v.message.contains("allowed forms")).expect("an anyOf violation");
        assert_eq!(v.requirement, "REQ-COMMON-001");
        assert!(v.message.contains("closest, form 1 of 2 (the request under `request`"), "{}", v.message);
        assert!(v.message.contains("\"number\" is a required property"), "{}", v.message);
    }

    #[test]
    fn one_rule_broken_in_every_item_is_one_violation_that_counts_them() {
        let registry = registry();
        let item = json!({"number": 1, "type": 1, "date": null, "endSLA": null, "timeFlag": 0, "task": "t", "service": "s", "waiting": 0});
        let body = json!({"dateTime": 1, "operationID": 2, "error": null, "notifications": vec![item; 90]});
        let violations = registry.check("/mobile/v2/notification/getNewest", Side::Response, &body);
        assert_eq!(violations.len(), 1, "{violations:?}");
        let v = &violations[0];
        assert_eq!((v.occurrences, v.out_of.clone()), (90, Some(("/notifications".to_string(), 90))));
        assert_eq!(v.instance_path, "/notifications/0/taskId");
        assert!(v.summary().contains("(in 90 of 90 items)"), "{}", v.summary());
    }
}
