//! `itsm-conform spec …`: list, show, check, export.

use std::io::Write;

use serde_json::{json, Value};
use tabled::{settings::Style, Table, Tabled};

use super::args::{ExportCommand, Format, ListArgs, ShowArgs, SpecCommand};
use super::report_diagnostics;
use crate::diag::Diagnostics;
use crate::exit;
use crate::schema::SchemaRegistry;
use crate::spec::{self, openapi, Endpoint, Group, Spec, SpecFiles};

pub fn run(command: SpecCommand, files: &SpecFiles, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (registry, check) = match crate::schema::load_checked(files) {
        Ok(loaded) => loaded,
        Err(d) => return report_diagnostics(err, &d),
    };
    let spec = registry.spec();
    if let SpecCommand::Check = command {
        return run_check(&registry, &check, out, err);
    }
    // Every other command refuses to work from an inconsistent spec.
    if !check.is_clean() {
        return report_diagnostics(err, &Diagnostics(check.diagnostics));
    }
    let result = match command {
        SpecCommand::List(args) => list(spec, &args, out, err),
        SpecCommand::Show(args) => show(spec, &args, out, err),
        SpecCommand::Export(ExportCommand::Openapi { out: path }) => {
            let text = openapi::export_text(spec);
            match path {
                Some(path) => crate::fsx::write_atomic(&path, text.as_bytes()).map(|()| exit::OK).or_else(|e| {
                    let _ = writeln!(err, "error: cannot write `{}`: {e}", path.display());
                    Ok(exit::HARNESS_ERROR)
                }),
                None => out.write_all(text.as_bytes()).map(|()| exit::OK),
            }
        }
        SpecCommand::Check => unreachable!("handled above"),
    };
    // A closed pipe (`| head`) is not an error worth a non-zero exit.
    result.unwrap_or(exit::OK)
}

fn run_check(
    registry: &SchemaRegistry,
    check: &crate::schema::CrossCheck,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let spec = registry.spec();
    if !check.is_clean() {
        return report_diagnostics(err, &Diagnostics(check.diagnostics.clone()));
    }
    let _ = writeln!(
        out,
        "spec ok: {} endpoints, {} requirements, {} shared definitions; {}",
        spec.endpoints.len(),
        spec.requirements.len(),
        spec.defs.len(),
        check.summary()
    );
    exit::OK
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

fn list(spec: &Spec, args: &ListArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let group = match &args.group {
        Some(name) => match Group::ALL.iter().find(|g| g.name() == name) {
            Some(g) => Some(*g),
            None => {
                let names: Vec<_> = Group::ALL.iter().map(|g| g.name()).collect();
                writeln!(err, "error: unknown group `{name}`\n  = hint: one of {}", names.join(", "))?;
                return Ok(exit::USAGE_ERROR);
            }
        },
        None => None,
    };
    let endpoints: Vec<&Endpoint> = spec.endpoints.iter().filter(|e| group.is_none_or(|g| e.group == g)).collect();
    match args.format {
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
    Ok(exit::OK)
}

#[derive(Tabled)]
struct RequirementRow {
    id: String,
    level: String,
    check: String,
    text: String,
}

fn show(spec: &Spec, args: &ShowArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<u8> {
    let Some(endpoint) = spec.endpoint(&args.path) else {
        writeln!(err, "error: no endpoint `{}` in the spec", args.path)?;
        let needle = args.path.rsplit('/').next().unwrap_or("").to_lowercase();
        let similar: Vec<&str> = spec
            .endpoints
            .iter()
            .map(|e| e.path.as_str())
            .filter(|p| !needle.is_empty() && p.to_lowercase().contains(&needle))
            .collect();
        if !similar.is_empty() {
            writeln!(err, "  = hint: did you mean {}?", similar.join(" or "))?;
        } else {
            writeln!(err, "  = hint: `itsm-conform spec list` shows every path")?;
        }
        return Ok(exit::USAGE_ERROR);
    };
    if args.format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(endpoint).expect("endpoint serializes"))?;
        return Ok(exit::OK);
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
    writeln!(out, "\nRequirements\n{}", Table::new(rows).with(Style::sharp()))?;
    Ok(exit::OK)
}
