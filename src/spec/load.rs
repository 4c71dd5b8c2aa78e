//! Reads spec files into a `Spec`, reporting every problem with `file:line:col`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{CatalogueEntry, Endpoint, EndpointTable, Group, Requirement, Spec, SpecFiles};
use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics, Location};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequirementsFile {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    requirements: Vec<Requirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefsFile {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    #[serde(rename = "$defs")]
    defs: serde_json::Map<String, Value>,
    #[serde(default)]
    requirements: Vec<Requirement>,
}

enum Kind {
    Table,
    Requirements,
    Decisions,
    Defs,
    Endpoint,
}

fn kind_of(label: &str) -> Option<Kind> {
    if label.ends_with("endpoint-table.md") {
        Some(Kind::Table)
    } else if label.ends_with("DECISIONS.md") {
        Some(Kind::Decisions)
    } else if label.contains("/defs/") {
        Some(Kind::Defs)
    } else if label.contains("/endpoints/") {
        Some(Kind::Endpoint)
    } else if label.ends_with("requirements.json") {
        Some(Kind::Requirements)
    } else {
        None
    }
}

/// Turns a serde_json error into a diagnostic at its line and column.
fn parse_error(file: &str, err: &serde_json::Error) -> Diagnostic {
    let message = err.to_string();
    // serde_json appends " at line L column C"; the location says it already.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    let hint = match err.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "the file is not well-formed JSON: look for a missing comma, quote or bracket"
        }
        _ => "see specs/README.md for the format of spec files",
    };
    Diagnostic::new(DiagnosticKind::Syntax, Location::at(file, err.line(), err.column()), message).with_hint(hint)
}

/// Loads and parses every file. Cross-checks between files live in `spec::crosscheck`.
pub fn load(files: &SpecFiles) -> Result<Spec, Diagnostics> {
    let mut problems = Vec::new();
    let mut table = None;
    let mut endpoints: Vec<Endpoint> = Vec::new();
    let mut defs = serde_json::Map::new();
    let mut def_origin: BTreeMap<String, String> = BTreeMap::new();
    let mut requirements: BTreeMap<String, CatalogueEntry> = BTreeMap::new();
    let mut texts = BTreeMap::new();

    let mut add_requirement = |problems: &mut Vec<Diagnostic>,
                               req: Requirement,
                               file: &str,
                               text: &str,
                               pointer: String,
                               endpoint: Option<String>| {
        if let Some(existing) = requirements.get(&req.id) {
            problems.push(
                Diagnostic::new(
                    DiagnosticKind::Duplicate,
                    Location::of_pointer(file, text, &pointer),
                    format!("duplicate requirement id `{}`", req.id),
                )
                .with_hint(format!("first defined in {}", existing.file)),
            );
            return;
        }
        requirements.insert(req.id.clone(), CatalogueEntry { requirement: req, file: file.to_string(), endpoint });
    };

    for (label, text) in &files.files {
        texts.insert(label.clone(), text.clone());
        match kind_of(label) {
            Some(Kind::Table) => match EndpointTable::parse(label, text) {
                Ok(t) => table = Some(t),
                Err(d) => problems.push(d),
            },
            Some(Kind::Decisions) => {}
            Some(Kind::Requirements) => match serde_json::from_str::<RequirementsFile>(text) {
                Ok(file) => {
                    for (i, req) in file.requirements.into_iter().enumerate() {
                        add_requirement(&mut problems, req, label, text, format!("/requirements/{i}"), None);
                    }
                }
                Err(e) => problems.push(parse_error(label, &e)),
            },
            Some(Kind::Defs) => match serde_json::from_str::<DefsFile>(text) {
                Ok(file) => {
                    for (name, schema) in file.defs {
                        if let Some(first) = def_origin.get(&name) {
                            problems.push(
                                Diagnostic::new(
                                    DiagnosticKind::Duplicate,
                                    Location::of_pointer(label, text, &format!("/$defs/{name}")),
                                    format!("shared definition `{name}` is defined twice"),
                                )
                                .with_hint(format!("first defined in {first}; $defs are one namespace")),
                            );
                            continue;
                        }
                        def_origin.insert(name.clone(), label.clone());
                        defs.insert(name, schema);
                    }
                    for (i, req) in file.requirements.into_iter().enumerate() {
                        add_requirement(&mut problems, req, label, text, format!("/requirements/{i}"), None);
                    }
                }
                Err(e) => problems.push(parse_error(label, &e)),
            },
            Some(Kind::Endpoint) => match serde_json::from_str::<Endpoint>(text) {
                Ok(mut endpoint) => {
                    endpoint.file = label.clone();
                    if let Some(first) = endpoints.iter().find(|e| e.path == endpoint.path) {
                        problems.push(
                            Diagnostic::new(
                                DiagnosticKind::Duplicate,
                                Location::of_pointer(label, text, "/path"),
                                format!("endpoint `{}` is specified twice", endpoint.path),
                            )
                            .with_hint(format!("first specified in {}", first.file)),
                        );
                        continue;
                    }
                    match Group::of_path(&endpoint.path) {
                        Some(g) if g == endpoint.group => {}
                        Some(g) => problems.push(
                            Diagnostic::new(
                                DiagnosticKind::WrongGroup,
                                Location::of_pointer(label, text, "/group"),
                                format!("group `{}` does not match the path `{}`", endpoint.group, endpoint.path),
                            )
                            .with_hint(format!("paths under `{}` belong to group `{g}`", g.prefix())),
                        ),
                        None => problems.push(Diagnostic::new(
                            DiagnosticKind::WrongGroup,
                            Location::of_pointer(label, text, "/path"),
                            format!("path `{}` is not under /mobile or /services", endpoint.path),
                        )),
                    }
                    for (i, req) in endpoint.requirements.clone().into_iter().enumerate() {
                        add_requirement(
                            &mut problems,
                            req,
                            label,
                            text,
                            format!("/requirements/{i}"),
                            Some(endpoint.path.clone()),
                        );
                    }
                    endpoints.push(endpoint);
                }
                Err(e) => problems.push(parse_error(label, &e)),
            },
            None => problems.push(
                Diagnostic::new(DiagnosticKind::NotASpecFile, Location::file(label), "not a spec file")
                    .with_hint("spec files are requirements.json, defs/*.json and endpoints/<group>/*.json"),
            ),
        }
    }

    let Some(table) = table else {
        problems.push(Diagnostic::new(
            DiagnosticKind::Missing,
            Location::file("specs/source/endpoint-table.md"),
            "the endpoint table is missing",
        ));
        return Err(Diagnostics(problems));
    };
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let order = |e: &Endpoint| table.rows.iter().position(|r| r.path == e.path).unwrap_or(usize::MAX);
    endpoints.sort_by(|a, b| order(a).cmp(&order(b)).then_with(|| a.path.cmp(&b.path)));
    Ok(Spec { endpoints, defs, requirements, table, texts })
}
