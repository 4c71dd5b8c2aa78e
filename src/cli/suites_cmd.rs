//! `itsm-conform suites list|check`.

use std::io::Write;

use tabled::{settings::Style, Table, Tabled};

use super::args::SuitesCommand;
use super::CliError;
use crate::exit;
use crate::run::generate;
use crate::spec::SpecFiles;
use crate::suite;

#[derive(Tabled)]
struct Row {
    suite: String,
    case: String,
    tags: String,
    steps: usize,
    endpoints: String,
}

pub fn run(command: SuitesCommand, files: &SpecFiles, out: &mut dyn Write) -> Result<u8, CliError> {
    let registry = super::checked_spec(files)?;
    let spec = registry.spec();
    let dir = match &command {
        SuitesCommand::List { suites_dir } | SuitesCommand::Check { suites_dir } => suites_dir,
    };
    let suites = suite::load_dir(dir, spec).map_err(CliError::Suites)?;
    let generated = generate::generate(spec);
    let written: usize = suites.iter().map(|s| s.suite.cases.len()).sum();
    let generated_cases: usize = generated.iter().map(|s| s.cases.len()).sum();
    let mut covered = std::collections::BTreeSet::new();
    for s in &suites {
        for c in &s.suite.cases {
            covered.extend(c.steps.iter().map(|st| st.call.clone()));
        }
    }
    match command {
        SuitesCommand::Check { .. } => {
            let _ = writeln!(
                out,
                "suites ok: {} suites, {written} cases written, {generated_cases} generated from the spec; {}/{} endpoints called by written suites",
                suites.len(),
                covered.len(),
                spec.endpoints.len()
            );
        }
        SuitesCommand::List { .. } => {
            let mut rows = Vec::new();
            for s in &suites {
                for c in &s.suite.cases {
                    // Distinct endpoints by their last segment, logins left out: a line per case.
                    let mut names: Vec<&str> = Vec::new();
                    for st in &c.steps {
                        let short = st.call.rsplit('/').next().unwrap_or(&st.call);
                        if !st.call.ends_with("/login") && !names.contains(&short) {
                            names.push(short);
                        }
                    }
                    let shown = if names.len() > 4 {
                        format!("{} +{}", names[..4].join(", "), names.len() - 4)
                    } else {
                        names.join(", ")
                    };
                    rows.push(Row {
                        suite: s.suite.name.clone(),
                        case: c.name.clone(),
                        tags: c.tags.join(","),
                        steps: c.steps.len(),
                        endpoints: shown,
                    });
                }
            }
            let _ = writeln!(out, "{}", Table::new(rows).with(Style::sharp()));
            let _ = writeln!(
                out,
                "{} suites, {written} cases written, {generated_cases} generated from the spec (session, missing fields, wrong types, malformed bodies, methods)",
                suites.len()
            );
        }
    }
    Ok(exit::OK)
}
