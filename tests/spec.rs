//! The spec foundation: the table is accounted for row by row, schemas compile, examples validate,
//! mutated examples are rejected, requirements are sourced and used, the OpenAPI export is fresh.

mod common;

use std::sync::Arc;

use itsm_conform::schema::{SchemaRegistry, Side};
use itsm_conform::spec::{self, SpecFiles};
use serde_json::Value;

fn loaded() -> (Arc<SchemaRegistry>, itsm_conform::schema::CrossCheck) {
    itsm_conform::schema::load_checked(&SpecFiles::embedded()).unwrap_or_else(|d| panic!("spec does not load:\n{d}"))
}

#[test]
fn every_table_row_is_accounted_for() {
    let (registry, check) = loaded();
    let rendered: Vec<String> = check.diagnostics.iter().map(ToString::to_string).collect();
    println!("{}", check.summary());
    assert!(check.is_clean(), "cross-check problems:\n{}", rendered.join("\n"));
    assert_eq!(check.rows, 50, "the table has 50 rows");
    assert_eq!(check.rows_accounted, 50);
    assert!(check.names_unaccounted.is_empty(), "{:?}", check.names_unaccounted);
    assert_eq!(registry.spec().endpoints.len(), 50);
    // Every row's path appears once, in table order.
    let paths: Vec<&str> = registry.spec().endpoints.iter().map(|e| e.path.as_str()).collect();
    let rows: Vec<&str> = registry.spec().table.rows.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, rows);
}

#[test]
fn the_embedded_copy_equals_the_specs_directory() {
    let on_disk = SpecFiles::from_dir(&common::project_root().join("specs")).expect("specs/ readable");
    let embedded = SpecFiles::embedded();
    assert_eq!(on_disk.files.len(), embedded.files.len());
    for ((_, disk), (label, emb)) in on_disk.files.iter().zip(&embedded.files) {
        assert_eq!(disk, emb, "{label} differs from the embedded copy (rebuild)");
    }
}

/// A value of another JSON type, for the "type changed" mutation.
fn other_type(v: &Value) -> Value {
    match v {
        Value::String(_) => Value::from(12345),
        Value::Number(_) => Value::from("12345"),
        Value::Bool(_) => Value::from("yes"),
        Value::Array(_) => Value::from("not a list"),
        Value::Object(_) => Value::from(7),
        Value::Null => Value::from(false),
    }
}

/// How many single-key removals / type changes of a top-level object the schema rejects.
/// A bare array (getJustificativas) is mutated in its first item.
fn mutations_rejected(registry: &SchemaRegistry, path: &str, side: Side, example: &Value) -> (usize, usize) {
    if let Some(items) = example.as_array() {
        let Some(first) = items.first().and_then(Value::as_object) else { return (0, 0) };
        let wrap = |item: serde_json::Map<String, Value>| {
            let mut all = items.clone();
            all[0] = Value::Object(item);
            Value::Array(all)
        };
        let (mut removed, mut retyped) = (0, 0);
        for key in first.keys() {
            let mut m = first.clone();
            m.remove(key);
            removed += usize::from(!registry.is_valid(path, side, &wrap(m)));
            let mut m = first.clone();
            m.insert(key.clone(), other_type(&first[key]));
            retyped += usize::from(!registry.is_valid(path, side, &wrap(m)));
        }
        return (removed, retyped);
    }
    let Some(obj) = example.as_object() else { return (0, 0) };
    let (mut removed, mut retyped) = (0, 0);
    for key in obj.keys() {
        let mut m = obj.clone();
        m.remove(key);
        if !registry.is_valid(path, side, &Value::Object(m)) {
            removed += 1;
        }
        let mut m = obj.clone();
        m.insert(key.clone(), other_type(&obj[key]));
        if !registry.is_valid(path, side, &Value::Object(m)) {
            retyped += 1;
        }
    }
    (removed, retyped)
}

/// Whether the endpoint's schemas (with the shared definitions they reach) require any field: a
/// few endpoints require nothing at all (D-NO-PARAMS with D-JSON-RETURNS).
fn requires_something(spec: &itsm_conform::spec::Spec, e: &itsm_conform::spec::Endpoint) -> bool {
    let mut pending = vec![e.request.to_string(), e.response.to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(text) = pending.pop() {
        if text.contains("\"required\"") {
            return true;
        }
        for part in text.split("#/$defs/").skip(1) {
            let name: String = part.chars().take_while(|c| *c != '"').collect();
            if seen.insert(name.clone()) {
                if let Some(def) = spec.defs.get(&name) {
                    pending.push(def.to_string());
                }
            }
        }
    }
    false
}

#[test]
fn examples_validate_and_mutations_are_rejected() {
    let (registry, _) = loaded();
    let spec = registry.spec();
    let (mut total_removed, mut total_retyped) = (0, 0);
    for e in &spec.endpoints {
        assert!(registry.is_valid(&e.path, Side::Request, &e.examples.request), "{} request example", e.path);
        assert!(registry.is_valid(&e.path, Side::Response, &e.examples.response), "{} response example", e.path);
        let (rq_removed, rq_retyped) = mutations_rejected(&registry, &e.path, Side::Request, &e.examples.request);
        let (rs_removed, rs_retyped) = mutations_rejected(&registry, &e.path, Side::Response, &e.examples.response);
        if requires_something(spec, e) {
            assert!(rq_removed + rs_removed > 0, "{}: no required field removal is rejected", e.path);
        }
        assert!(rq_retyped + rs_retyped > 0, "{}: no type change is rejected", e.path);
        total_removed += rq_removed + rs_removed;
        total_retyped += rq_retyped + rs_retyped;
        // Every enveloped response must reject a missing dateTime and a string operationID, citing
        // the envelope requirement; where the response accepts alternative forms (D-V2-GETBYUSER)
        // the failure is reported at the alternative's own MUST requirement.
        let alternatives = e.response.get("anyOf").is_some();
        let cites = |violations: &[itsm_conform::schema::Violation], id: &str| {
            violations
                .iter()
                .any(|v| v.requirement == id || (alternatives && v.level == itsm_conform::spec::Level::Must))
        };
        // The envelope is required where the table lists it (not on `json` returns, D-JSON-RETURNS).
        let row = spec.table.row(&e.path).expect("every endpoint has a row");
        let enveloped = row.returns.iter().any(|n| n == "operationID");
        if let Some(obj) = e.examples.response.as_object().filter(|_| enveloped) {
            let mut m = obj.clone();
            m.remove("dateTime");
            let violations = registry.check(&e.path, Side::Response, &Value::Object(m));
            assert!(cites(&violations, "GEN-ENV-001"), "{}: {violations:?}", e.path);
            let mut m = obj.clone();
            m.insert("operationID".into(), Value::from("42"));
            let violations = registry.check(&e.path, Side::Response, &Value::Object(m));
            assert!(cites(&violations, "GEN-ENV-004"), "{}: {violations:?}", e.path);
        }
    }
    println!("mutations rejected: {total_removed} removals, {total_retyped} type changes");
}

#[test]
fn error_examples_validate_against_the_error_schema() {
    let (registry, _) = loaded();
    let mut n = 0;
    for e in &registry.spec().endpoints {
        for example in &e.examples.error_examples {
            assert!(registry.check_error(&example.body).is_empty(), "{} error example", e.path);
            n += 1;
        }
    }
    assert!(n >= 40, "only {n} error examples");
    let bad = serde_json::json!({"error": {"code": "", "description": 5}});
    let violations = registry.check_error(&bad);
    assert!(violations.iter().any(|v| v.requirement == "GEN-ERR-002"), "{violations:?}");
    assert!(violations.iter().any(|v| v.requirement == "GEN-ERR-003"), "{violations:?}");
}

#[test]
fn every_requirement_is_sourced_and_used() {
    let (registry, check) = loaded();
    assert!(check.is_clean());
    let spec = registry.spec();
    let mut by_level = std::collections::BTreeMap::new();
    for entry in spec.requirements.values() {
        assert!(!entry.requirement.source.trim().is_empty(), "{} has no source", entry.requirement.id);
        *by_level.entry(entry.requirement.level.to_string()).or_insert(0) += 1;
    }
    for e in &spec.endpoints {
        assert!(!e.requirements.is_empty(), "{} has no requirement of its own", e.path);
    }
    println!("{} requirements: {by_level:?}", spec.requirements.len());
}

#[test]
fn openapi_json_is_fresh() {
    let (registry, _) = loaded();
    let fresh = spec::openapi::export_text(registry.spec());
    let committed = std::fs::read_to_string(common::project_root().join("specs/openapi.json")).unwrap_or_default();
    assert!(
        fresh == committed,
        "specs/openapi.json is stale: run `cargo run -- spec export openapi --out specs/openapi.json`"
    );
    let doc: Value = serde_json::from_str(&committed).unwrap();
    let posts = doc["paths"].as_object().unwrap().values().filter(|p| p.get("post").is_some()).count();
    assert_eq!(posts, 50);
    let (code, out, _) = common::run_cli(&["spec", "export", "openapi"]);
    assert_eq!(code, 0);
    assert_eq!(out, committed, "`spec export openapi` prints what is committed");
}
