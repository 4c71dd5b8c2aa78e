//! `itsm-conform spec …`: list, show, check, export.

use std::io::Write;

use serde_json::{json, Value};
use tabled::{settings::Style, Table, Tabled};

use super::args::{ExportCommand, Format, SpecCommand};
use super::CliError;
use crate::diag::Diagnostics;
use crate::exit;
use crate::spec::{self, openapi, Endpoint, Group, Spec, SpecFiles};

pub fn run(command: SpecCommand, files: &SpecFiles, out: &mut dyn Write) -> Result<u8, CliError> {
    let (registry, check) = crate::schema::load_checked(files).map_err(CliError::Spec)?;
    // No command works from an inconsistent spec; `check` is there to say why.
    if !check.is_clean() {
        return Err(CliError::Spec(Diagnostics(check.diagnostics)));
    }
    let spec = registry.spec();
    let written = match command {
        SpecCommand::Check => writeln!(
            out,
            "spec ok: {} endpoints, {} requirements, {} shared definitions; {}",
            spec.endpoints.len(),
            spec.requirements.len(),
            spec.defs.len(),
            check.summary()
        ),
        SpecCommand::List(args) => list(spec, group(args.group.as_deref())?, args.format, out),
        SpecCommand::Show(args) => show(endpoint(spec, &args.path)?, args.format, out),
        SpecCommand::Export(ExportCommand::Openapi { out: Some(path) }) => {
            let text = openapi::export_text(spec);
            crate::fsx::write_atomic(&path, text.as_bytes()).map_err(|cause| CliError::WriteFile { path, cause })?;
            Ok(())
        }
        SpecCommand::Export(ExportCommand::Openapi { out: None }) => {
            out.write_all(openapi::export_text(spec).as_bytes())
        }
    };
    // A closed pipe (`| head`) is not an error worth a non-zero exit.
    let _ = written;
    Ok(exit::OK)
}

/// `--group NAME` as a group of the spec.
fn group(name: Option<&str>) -> Result<Option<Group>, CliError> {
    name.map(|name| {
        Group::ALL.iter().find(|g| g.name() == name).copied().ok_or(CliError::UnknownGroup { name: name.into() })
    })
    .transpose()
}

/// The endpoint at `path`, or the paths that share its last segment.
fn endpoint<'s>(spec: &'s Spec, path: &str) -> Result<&'s Endpoint, CliError> {
    spec.endpoint(path).ok_or_else(|| {
        let needle = path.rsplit('/').next().unwrap_or("").to_lowercase();
        let similar = spec
            .endpoints
            .iter()
            .map(|e| e.path.clone())
            .filter(|p| !needle.is_empty() && p.to_lowercase().contains(&needle))
            .collect();
        CliError::NoSuchEndpoint { path: path.to_string(), similar }
    })
}

fn top_level_fields(schema: &Value, spec: &Spec) -> Vec<String> {
    let mut names = Vec::new();
    collect_fields(schema, spec, &mut names, 0);
    names.sort();
    names.dedup();
    names
}

fn collect_fields(schema: &Value, spec: &Spec, names: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        names.extend(props.keys().cloned());
    }
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| spec::pointer::resolve_ref(r, &spec.defs))
    {
        collect_fields(target, spec, names, depth + 1);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            collect_fields(sub, spec, names, depth + 1);
        }
    }
}

#[derive(Tabled)]
struct ListRow {
    path: String,
    group: String,
    session: &'static str,
    #[tabled(rename = "request fields")]
    request_fields: usize,
    #[tabled(rename = "response fields")]
    response_fields: usize,
    requirements: usize,
}

fn list(spec: &Spec, group: Option<Group>, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    let endpoints: Vec<&Endpoint> = spec.endpoints.iter().filter(|e| group.is_none_or(|g| e.group == g)).collect();
    match format {
        Format::Json => {
            let rows: Vec<Value> = endpoints
                .iter()
                .map(|e| {
                    json!({
                        "path": e.path,
                        "group": e.group,
                        "since": e.since,
                        "messageID": e.message_id,
                        "session": e.session,
                        "requestContentType": e.request_content_type,
                        "requestFields": top_level_fields(&e.request, spec),
                        "responseFields": top_level_fields(&e.response, spec),
                        "requirements": e.requirements.iter().map(|r| &r.id).collect::<Vec<_>>(),
                        "file": e.file,
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&rows).expect("Value serializes"))?;
        }
        Format::Table => {
            let rows: Vec<ListRow> = endpoints
                .iter()
                .map(|e| ListRow {
                    path: e.path.clone(),
                    group: e.group.to_string(),
                    session: if e.session { "yes" } else { "no" },
                    request_fields: top_level_fields(&e.request, spec).len(),
                    response_fields: top_level_fields(&e.response, spec).len(),
                    requirements: e.requirements.len(),
                })
                .collect();
            writeln!(out, "{}", Table::new(rows).with(Style::sharp()))?;
            writeln!(out, "{} endpoints", endpoints.len())?;
        }
    }
    Ok(())
}

#[derive(Tabled)]
struct RequirementRow {
    id: String,
    level: String,
    check: String,
    text: String,
}

fn show(endpoint: &Endpoint, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    if format == Format::Json {
        return writeln!(out, "{}", serde_json::to_string_pretty(endpoint).expect("endpoint serializes"));
    }
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("Value serializes");
    writeln!(out, "POST {}  ({}, since {})", endpoint.path, endpoint.group, endpoint.since)?;
    writeln!(out, "{}", endpoint.summary)?;
    writeln!(out, "messageID: {}", endpoint.message_id.as_deref().unwrap_or("(not public)"))?;
    writeln!(out, "session: {}", if endpoint.session { "required" } else { "not required" })?;
    writeln!(out, "request content type: {}", endpoint.request_content_type)?;
    writeln!(out, "file: {}", endpoint.file)?;
    writeln!(out, "\nTable names -> JSON pointers")?;
    for (name, ptr) in &endpoint.table.parameters {
        writeln!(out, "  parameter {name:<28} {ptr}")?;
    }
    for (name, ptr) in &endpoint.table.returns {
        writeln!(out, "  return    {name:<28} {ptr}")?;
    }
    writeln!(out, "\nRequest schema\n{}", pretty(&endpoint.request))?;
    writeln!(out, "\nResponse schema\n{}", pretty(&endpoint.response))?;
    if let Some(xml) = &endpoint.examples.request_xml {
        writeln!(out, "\nExample request (XML)\n{xml}")?;
    }
    writeln!(out, "\nExample request\n{}", pretty(&endpoint.examples.request))?;
    writeln!(out, "\nExample response\n{}", pretty(&endpoint.examples.response))?;
    for example in &endpoint.examples.error_examples {
        writeln!(out, "\nExample failure (HTTP {})\n{}", example.status, pretty(&example.body))?;
    }
    let rows: Vec<RequirementRow> = endpoint
        .requirements
        .iter()
        .map(|r| RequirementRow {
            id: r.id.clone(),
            level: r.level.to_string(),
            check: String::from(r.check.clone()),
            text: r.text.clone(),
        })
        .collect();
    writeln!(out, "\nRequirements\n{}", Table::new(rows).with(Style::sharp()))
}
