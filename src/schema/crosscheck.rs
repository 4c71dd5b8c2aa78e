//! Checks between spec files: the table is accounted for row by row, every pointer lands, every
//! requirement is sourced and used, every example validates. `spec check` and the tests run this.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{SchemaRegistry, Side};
use crate::diag::{Diagnostic, DiagnosticKind as Kind, Location};
use crate::spec::{pointer, xml, CheckKind, Endpoint, Spec};

/// The outcome of all cross-checks, with the table-accounting figures the tests print.
#[derive(Debug, Default)]
pub struct CrossCheck {
    pub diagnostics: Vec<Diagnostic>,
    pub rows: usize,
    pub rows_accounted: usize,
    pub names: usize,
    pub names_unaccounted: Vec<String>,
}

impl CrossCheck {
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }

    pub fn summary(&self) -> String {
        format!(
            "{}/{} table rows accounted for, {} table names, {} unaccounted",
            self.rows_accounted,
            self.rows,
            self.names,
            self.names_unaccounted.len()
        )
    }
}

fn at(spec: &Spec, endpoint: &Endpoint, pointer: &str) -> Location {
    let text = spec.texts.get(&endpoint.file).map(String::as_str).unwrap_or("");
    Location::of_pointer(&endpoint.file, text, pointer)
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

pub fn cross_check(spec: &Spec, registry: &SchemaRegistry) -> CrossCheck {
    let mut out = CrossCheck { rows: spec.table.rows.len(), ..CrossCheck::default() };
    let table_file = spec.texts.keys().find(|k| k.ends_with("endpoint-table.md")).cloned().unwrap_or_default();
    check_table(spec, &table_file, &mut out);
    check_requirements(spec, &mut out);
    for endpoint in &spec.endpoints {
        check_examples(spec, registry, endpoint, &mut out);
        if endpoint.session && !endpoint.is_xml() && !pointer::declares(&endpoint.request, &spec.defs, "/sessionID") {
            out.diagnostics.push(Diagnostic::new(
                Kind::Missing,
                at(spec, endpoint, "/request"),
                "the endpoint needs a session but its request schema has no `sessionID`",
            ));
        }
    }
    out
}

fn check_table(spec: &Spec, table_file: &str, out: &mut CrossCheck) {
    for row in &spec.table.rows {
        out.names += row.parameters.len() + row.returns.len();
        let Some(endpoint) = spec.endpoint(&row.path) else {
            out.diagnostics.push(
                Diagnostic::new(
                    Kind::Missing,
                    Location::at(table_file, row.line, 3),
                    format!("table row `{}` has no endpoint file", row.path),
                )
                .with_hint("add specs/endpoints/<group>/<name>.json for it"),
            );
            out.names_unaccounted
                .extend(row.parameters.iter().chain(&row.returns).map(|n| format!("{} {n}", row.path)));
            continue;
        };
        let mut row_ok = true;
        for (side, names, mapping, schema) in [
            ("parameters", &row.parameters, &endpoint.table.parameters, &endpoint.request),
            ("returns", &row.returns, &endpoint.table.returns, &endpoint.response),
        ] {
            for name in names {
                let Some(target) = mapping.get(name) else {
                    row_ok = false;
                    out.names_unaccounted.push(format!("{} {name}", row.path));
                    out.diagnostics.push(
                        Diagnostic::new(
                            Kind::TableMismatch,
                            at(spec, endpoint, &format!("/table/{side}")),
                            format!("table name `{name}` ({side}) is not mapped"),
                        )
                        .with_hint(format!("add \"{name}\": \"/<json pointer>\" under table.{side}")),
                    );
                    continue;
                };
                if !pointer::declares(schema, &spec.defs, target) {
                    row_ok = false;
                    out.names_unaccounted.push(format!("{} {name}", row.path));
                    out.diagnostics.push(
                        Diagnostic::new(
                            Kind::TableMismatch,
                            at(spec, endpoint, &format!("/table/{side}/{}", escape(name))),
                            format!("table name `{name}` maps to `{target}`, which the schema does not declare"),
                        )
                        .with_hint("declare it under `properties` (through $ref/allOf/anyOf if needed)"),
                    );
                }
            }
            for extra in mapping.keys().filter(|k| !names.contains(k)) {
                row_ok = false;
                out.diagnostics.push(
                    Diagnostic::new(
                        Kind::TableMismatch,
                        at(spec, endpoint, &format!("/table/{side}/{}", escape(extra))),
                        format!("`{extra}` is not a name of the table row ({side})"),
                    )
                    .with_hint(format!("the row lists: {}", names.join(", "))),
                );
            }
        }
        if row_ok {
            out.rows_accounted += 1;
        }
    }
    for endpoint in &spec.endpoints {
        if spec.table.row(&endpoint.path).is_none() {
            out.diagnostics.push(
                Diagnostic::new(
                    Kind::TableMismatch,
                    at(spec, endpoint, "/path"),
                    format!("`{}` is not a path of the endpoint table", endpoint.path),
                )
                .with_hint("the table in specs/source/endpoint-table.md is the origin of every spec"),
            );
        }
    }
}

fn collect_citations(node: &Value, out: &mut Vec<(String, String)>, pointer: &str) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "x-requirement" || k == "x-missing-requirement" {
                    if let Some(id) = v.as_str() {
                        out.push((id.to_string(), format!("{pointer}/{k}")));
                    }
                } else {
                    collect_citations(v, out, &format!("{pointer}/{}", escape(k)));
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_citations(v, out, &format!("{pointer}/{i}"));
            }
        }
        _ => {}
    }
}

fn check_requirements(spec: &Spec, out: &mut CrossCheck) {
    let decisions = spec.texts.iter().find(|(k, _)| k.ends_with("DECISIONS.md")).map(|(_, t)| t.as_str()).unwrap_or("");
    let decision_ids: BTreeSet<&str> = decisions
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|l| l.split(':').next())
        .filter(|id| id.starts_with("D-"))
        .collect();

    // Citations: from endpoint schemas and from shared defs.
    let mut cited: BTreeSet<String> = BTreeSet::new();
    for endpoint in &spec.endpoints {
        let mut found = Vec::new();
        collect_citations(&endpoint.request, &mut found, "/request");
        collect_citations(&endpoint.response, &mut found, "/response");
        for (id, ptr) in found {
            if spec.requirement(&id).is_none() {
                out.diagnostics.push(
                    Diagnostic::new(
                        Kind::UnknownRequirement,
                        at(spec, endpoint, &ptr),
                        format!("unknown requirement `{id}`"),
                    )
                    .with_hint("define it under `requirements` in this file, a defs file or specs/requirements.json"),
                );
            }
            cited.insert(id);
        }
    }
    let mut from_defs = Vec::new();
    collect_citations(&Value::Object(spec.defs.clone()), &mut from_defs, "/$defs");
    for (id, ptr) in from_defs {
        if spec.requirement(&id).is_none() {
            out.diagnostics.push(Diagnostic::new(
                Kind::UnknownRequirement,
                Location::file("specs/defs"),
                format!("unknown requirement `{id}` cited at `{ptr}`"),
            ));
        }
        cited.insert(id);
    }

    for (id, entry) in &spec.requirements {
        let text = spec.texts.get(&entry.file).map(String::as_str).unwrap_or("");
        let loc = || {
            let needle = format!("\"{id}\"");
            match text.find(&needle) {
                Some(pos) => {
                    let before = &text[..pos];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    Location::at(&entry.file, line, col)
                }
                None => Location::file(&entry.file),
            }
        };
        let req = &entry.requirement;
        let source = req.source.as_str();
        if !(source.contains("table") || source.contains("facts §") || source.contains("D-")) {
            out.diagnostics.push(
                Diagnostic::new(Kind::UnsourcedRequirement, loc(), format!("requirement `{id}` cites no source"))
                    .with_hint("cite `table`, a `facts §N` section or a `D-…` decision"),
            );
        }
        for word in source.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            if word.starts_with("D-") && word.len() > 2 && !decision_ids.contains(word) {
                out.diagnostics.push(
                    Diagnostic::new(
                        Kind::UnsourcedRequirement,
                        loc(),
                        format!("requirement `{id}` cites decision `{word}`, which DECISIONS.md does not have"),
                    )
                    .with_hint(format!("decisions: {}", decision_ids.iter().copied().collect::<Vec<_>>().join(", "))),
                );
            }
        }
        if let Some(path) = &entry.endpoint {
            let group = spec.endpoint(path).map(|e| e.group.requirement_prefix()).unwrap_or("");
            if !id.starts_with(&format!("{group}-")) {
                out.diagnostics.push(Diagnostic::new(
                    Kind::BadName,
                    loc(),
                    format!("requirement `{id}` of `{path}` should start with `{group}-`"),
                ));
            }
        }
        if req.check == CheckKind::Schema && !cited.contains(id) {
            out.diagnostics.push(
                Diagnostic::new(
                    Kind::UncitedRequirement,
                    loc(),
                    format!("requirement `{id}` is checked by schema but no schema cites it"),
                )
                .with_hint("add `\"x-requirement\": \"ID\"` to the schema node it governs, or mark it `runner:<kind>`"),
            );
        }
    }
}

fn check_examples(spec: &Spec, registry: &SchemaRegistry, endpoint: &Endpoint, out: &mut CrossCheck) {
    for (side, example, pointer) in [
        (Side::Request, &endpoint.examples.request, "/examples/request"),
        (Side::Response, &endpoint.examples.response, "/examples/response"),
    ] {
        for v in registry.check(&endpoint.path, side, example) {
            out.diagnostics.push(
                Diagnostic::new(
                    Kind::InvalidExample,
                    at(spec, endpoint, &format!("{pointer}{}", v.instance_path)),
                    format!("example does not validate: {}", v.message),
                )
                .with_hint(format!("schema path {}, requirement {}", v.schema_path, v.requirement)),
            );
        }
    }
    for (i, example) in endpoint.examples.error_examples.iter().enumerate() {
        for v in registry.check_error(&example.body) {
            out.diagnostics.push(Diagnostic::new(
                Kind::InvalidExample,
                at(spec, endpoint, &format!("/examples/errorExamples/{i}/body{}", v.instance_path)),
                format!("error example does not validate: {}", v.message),
            ));
        }
        if (200..300).contains(&example.status) {
            out.diagnostics.push(Diagnostic::new(
                Kind::InvalidExample,
                at(spec, endpoint, &format!("/examples/errorExamples/{i}/status")),
                format!("an error example has the success status {}", example.status),
            ));
        }
    }
    match (&endpoint.examples.request_xml, endpoint.is_xml()) {
        (Some(doc), true) => match xml::xml_to_json(doc) {
            Ok(mapped) if mapped == endpoint.examples.request => {}
            Ok(mapped) => out.diagnostics.push(
                Diagnostic::new(
                    Kind::InvalidExample,
                    at(spec, endpoint, "/examples/requestXml"),
                    "requestXml does not map onto examples.request",
                )
                .with_hint(format!("it maps to {mapped}")),
            ),
            Err(e) => out.diagnostics.push(Diagnostic::new(
                Kind::InvalidExample,
                at(spec, endpoint, "/examples/requestXml"),
                e.to_string(),
            )),
        },
        (None, true) => out.diagnostics.push(Diagnostic::new(
            Kind::InvalidExample,
            at(spec, endpoint, "/examples"),
            "an XML endpoint needs `requestXml` in its examples",
        )),
        (Some(_), false) => out.diagnostics.push(Diagnostic::new(
            Kind::InvalidExample,
            at(spec, endpoint, "/examples/requestXml"),
            "`requestXml` is only for endpoints whose requestContentType is application/xml",
        )),
        (None, false) => {}
    }
}
