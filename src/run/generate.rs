//! Cases generated from the spec rather than written per endpoint: the session rules for every
//! endpoint that needs a session, one case per field whose absence must be rejected, wrong types,
//! and per group a malformed body and a non-POST method.

use serde_json::{json, Value};

use crate::spec::{Endpoint, Group, Level, Spec};
use crate::suite::{CaseDef, ErrorSpec, Expect, StatusSpec, StepDef};

pub const UNKNOWN_SESSION: &str = "itsm-conform-no-such-session";
/// v2 getByUser answers the bare 501 before any session check on 7.x (D-V2-GETBYUSER).
const SESSION_EXCEPTION: &str = "/mobile/v2/notification/getByUser";

/// A generated suite: its name and cases.
pub struct GeneratedSuite {
    pub name: String,
    pub cases: Vec<CaseDef>,
}

fn login_step() -> StepDef {
    StepDef {
        name: Some("login (technician)".into()),
        call: "/services/login".into(),
        method: None,
        body: Some(json!({"userName": "{{technician.user}}", "password": "{{technician.password}}"})),
        raw_body: None,
        xml_root: None,
        skip_unless: None,
        wait_ms: None,
        parallel: None,
        teardown: false,
        expect: Expect { status: Some(StatusSpec::One(200)), ..Expect::default() },
        capture: [("sid".to_string(), "/sessionID".to_string())].into_iter().collect(),
    }
}

fn step(endpoint: &Endpoint, name: String, body: Option<Value>, expect: Expect) -> StepDef {
    StepDef {
        name: Some(name),
        call: endpoint.path.clone(),
        method: None,
        body,
        raw_body: None,
        xml_root: None,
        skip_unless: None,
        wait_ms: None,
        parallel: None,
        teardown: false,
        expect,
        capture: Default::default(),
    }
}

fn expect_error(code: &str, requirement: &str) -> Expect {
    Expect {
        status: Some(StatusSpec::One(412)),
        error: Some(ErrorSpec::One(code.into())),
        requirement: Some(requirement.into()),
        also: Vec::new(),
        checks: Vec::new(),
    }
}

/// The example request with `sessionID` set to `value` (or removed when None).
fn with_session(example: &Value, value: Option<&str>) -> Value {
    let mut body = example.clone();
    if let Some(map) = body.as_object_mut() {
        match value {
            Some(v) => {
                map.insert("sessionID".into(), Value::String(v.into()));
            }
            None => {
                map.remove("sessionID");
            }
        }
    }
    body
}

/// `x-missing-requirement` properties anywhere in the request schema, through `$ref`s and the
/// combinators at every level (getNewest's `newestNumber` sits in a root `allOf`): (JSON pointer,
/// requirement), each once.
fn missing_field_rules(schema: &Value, spec: &Spec, prefix: &str, out: &mut Vec<(String, String)>) {
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| crate::spec::pointer::resolve_ref(r, &spec.defs))
    {
        missing_field_rules(target, spec, prefix, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            missing_field_rules(sub, spec, prefix, out);
        }
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return };
    for (name, prop) in props {
        let pointer = format!("{prefix}/{name}");
        if let Some(id) = prop.get("x-missing-requirement").and_then(Value::as_str) {
            if !out.iter().any(|(p, r)| *p == pointer && r == id) {
                out.push((pointer.clone(), id.to_string()));
            }
        }
        missing_field_rules(prop, spec, &pointer, out);
    }
}

fn remove_at(value: &mut Value, pointer: &str) -> bool {
    let (parent, last) = match pointer.rsplit_once('/') {
        Some(p) => p,
        None => return false,
    };
    match value.pointer_mut(parent).and_then(Value::as_object_mut) {
        Some(map) => map.remove(last).is_some(),
        None => false,
    }
}

/// Every property typed as a number (or integer) anywhere in the request schema, required or not:
/// JSON pointers, each once. Loosely typed 8.x fields (any JSON) are not numbers and not listed.
fn numeric_fields(schema: &Value, spec: &Spec, prefix: &str, out: &mut Vec<String>) {
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| crate::spec::pointer::resolve_ref(r, &spec.defs))
    {
        numeric_fields(target, spec, prefix, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            numeric_fields(sub, spec, prefix, out);
        }
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return };
    for (name, prop) in props {
        let pointer = format!("{prefix}/{name}");
        if is_numeric(prop, spec) && !out.contains(&pointer) {
            out.push(pointer.clone());
        }
        numeric_fields(prop, spec, &pointer, out);
    }
}

/// Sets the member at `pointer` (adding it when absent) if its parent object exists.
fn set_at(value: &mut Value, pointer: &str, new: Value) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return false };
    match value.pointer_mut(parent).and_then(Value::as_object_mut) {
        Some(map) => {
            map.insert(last.to_string(), new);
            true
        }
        None => false,
    }
}

fn is_numeric(schema: &Value, spec: &Spec) -> bool {
    let resolved = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| crate::spec::pointer::resolve_ref(r, &spec.defs))
        .unwrap_or(schema);
    match resolved.get("type") {
        Some(Value::String(t)) => t == "integer" || t == "number",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "integer" || t == "number" || t == "null"),
        _ => false,
    }
}

fn slug(path: &str) -> String {
    path.trim_start_matches('/').to_string()
}

pub fn generate(spec: &Spec) -> Vec<GeneratedSuite> {
    let mut suites = Vec::new();
    for group in Group::ALL {
        let mut cases = Vec::new();
        let endpoints: Vec<&Endpoint> = spec.endpoints.iter().filter(|e| e.group == group).collect();
        for endpoint in &endpoints {
            let example = &endpoint.examples.request;
            if endpoint.session {
                let mut no_session = expect_error("SESSION", "GEN-SES-001");
                let mut unknown = expect_error("SESSION", "GEN-SES-002");
                if endpoint.path == SESSION_EXCEPTION {
                    for e in [&mut no_session, &mut unknown] {
                        *e = Expect {
                            status: Some(StatusSpec::Any(vec![200, 412])),
                            requirement: Some("MV2-GETBYUSER-003".into()),
                            ..Expect::default()
                        };
                    }
                }
                cases.push(CaseDef {
                    needs: Vec::new(),
                    distinct_roles: Vec::new(),
                    accounts: Default::default(),
                    state: Default::default(),
                    name: format!("{}: no session", slug(&endpoint.path)),
                    tags: vec!["generated".into(), "negative".into(), "session".into()],
                    steps: vec![step(
                        endpoint,
                        "without sessionID".into(),
                        Some(with_session(example, None)),
                        no_session,
                    )],
                });
                cases.push(CaseDef {
                    needs: Vec::new(),
                    distinct_roles: Vec::new(),
                    accounts: Default::default(),
                    state: Default::default(),
                    name: format!("{}: unknown session", slug(&endpoint.path)),
                    tags: vec!["generated".into(), "negative".into(), "session".into()],
                    steps: vec![step(
                        endpoint,
                        "with an unknown sessionID".into(),
                        Some(with_session(example, Some(UNKNOWN_SESSION))),
                        unknown,
                    )],
                });
            }
            let mut rules = Vec::new();
            missing_field_rules(&endpoint.request, spec, "", &mut rules);
            for (pointer, requirement) in rules {
                let mut body = if endpoint.session { with_session(example, Some("{{sid}}")) } else { example.clone() };
                if !remove_at(&mut body, &pointer) {
                    continue;
                }
                let mut steps: Vec<StepDef> = if endpoint.session { vec![login_step()] } else { Vec::new() };
                let mut expect = expect_error("INPUT", &requirement);
                // A field the real code checks (a MUST) is an instance of GEN-INP-003.
                if spec.requirement(&requirement).is_some_and(|r| r.level == Level::Must) {
                    expect.also.push("GEN-INP-003".into());
                }
                steps.push(step(endpoint, format!("without {pointer}"), Some(body), expect));
                cases.push(CaseDef {
                    needs: Vec::new(),
                    distinct_roles: Vec::new(),
                    accounts: Default::default(),
                    state: Default::default(),
                    name: format!("{}: missing {pointer}", slug(&endpoint.path)),
                    tags: vec!["generated".into(), "negative".into(), "input".into()],
                    steps,
                });
            }
            // Every numeric field, required or optional, wrongly typed: a target that takes
            // `latitude: "E"` and stores it would otherwise pass.
            if !endpoint.is_xml() {
                let mut fields = Vec::new();
                numeric_fields(&endpoint.request, spec, "", &mut fields);
                for pointer in fields {
                    let mut body =
                        if endpoint.session { with_session(example, Some("{{sid}}")) } else { example.clone() };
                    if !set_at(&mut body, &pointer, Value::String("not-a-number".into())) {
                        continue;
                    }
                    let mut steps: Vec<StepDef> = if endpoint.session { vec![login_step()] } else { Vec::new() };
                    let mut wrong = step(
                        endpoint,
                        format!("{pointer} as a string"),
                        Some(body),
                        Expect {
                            status: Some(StatusSpec::Any(vec![400, 412])),
                            requirement: Some("GEN-INP-001".into()),
                            ..Expect::default()
                        },
                    );
                    if endpoint.path == SESSION_EXCEPTION {
                        // The bare 501 form answers every input alike (D-V2-GETBYUSER).
                        wrong.skip_unless = Some(crate::suite::SkipUnless {
                            non_empty: None,
                            present: None,
                            absent: Some("/code".into()),
                            status: None,
                            reason: "v2 getByUser answers the 7.x bare 501 to any input (D-V2-GETBYUSER)".into(),
                            not_applicable: true,
                        });
                    }
                    steps.push(wrong);
                    cases.push(CaseDef {
                        needs: Vec::new(),
                        distinct_roles: Vec::new(),
                        accounts: Default::default(),
                        state: Default::default(),
                        name: format!("{}: {pointer} wrongly typed", slug(&endpoint.path)),
                        tags: vec!["generated".into(), "negative".into(), "input".into()],
                        steps,
                    });
                }
            }
        }
        // Per group, on its first JSON endpoint: a malformed body and a non-POST method.
        if let Some(endpoint) = endpoints.iter().find(|e| !e.is_xml()) {
            let mut malformed = step(
                endpoint,
                "malformed JSON".into(),
                None,
                Expect {
                    status: Some(StatusSpec::One(400)),
                    requirement: Some("GEN-INP-002".into()),
                    ..Expect::default()
                },
            );
            malformed.raw_body = Some("{\"sessionID\": ".into());
            cases.push(CaseDef {
                needs: Vec::new(),
                distinct_roles: Vec::new(),
                accounts: Default::default(),
                state: Default::default(),
                name: format!("{}: malformed JSON", slug(&endpoint.path)),
                tags: vec!["generated".into(), "negative".into(), "input".into()],
                steps: vec![malformed],
            });
            let mut get = step(
                endpoint,
                "GET instead of POST".into(),
                None,
                Expect {
                    status: Some(StatusSpec::One(405)),
                    requirement: Some("GEN-HTTP-004".into()),
                    ..Expect::default()
                },
            );
            get.method = Some("GET".into());
            cases.push(CaseDef {
                needs: Vec::new(),
                distinct_roles: Vec::new(),
                accounts: Default::default(),
                state: Default::default(),
                name: format!("{}: GET", slug(&endpoint.path)),
                tags: vec!["generated".into(), "negative".into(), "method".into()],
                steps: vec![get],
            });
        }
        suites.push(GeneratedSuite { name: format!("spec-{}", group.name()), cases });
    }
    suites
}
