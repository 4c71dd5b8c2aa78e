//! Loads suites and cross-checks them against the spec before anything is sent: unknown endpoints,
//! fields the request schema does not declare, unknown variables and requirement ids are errors with
//! `file:line:col` and a hint.

use std::path::Path;

use serde_json::Value;

use super::model::SuiteFile;
use super::template::{BUILTINS, ROLES};
use crate::diag::{Diagnostic, DiagnosticKind as Kind, Diagnostics, Location};
use crate::spec::{pointer, Spec};

#[derive(Debug, Clone)]
pub struct LoadedSuite {
    pub file: String,
    pub suite: SuiteFile,
}

/// Where `needle` first occurs at or after `from` (a byte offset), as a location.
fn locate(file: &str, text: &str, needle: &str, from: usize) -> (Location, usize) {
    let from = from.min(text.len());
    match text[from..].find(needle) {
        Some(i) => {
            let pos = from + i;
            let before = &text[..pos];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (Location::at(file, line, col), pos)
        }
        None => (Location::file(file), from),
    }
}

pub fn load_file(path: &Path, spec: &Spec) -> Result<LoadedSuite, Diagnostics> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics::single(Diagnostic::new(
            Kind::Unreadable,
            Location::file(&label),
            format!("cannot read suite: {e}"),
        ))
    })?;
    load_text(&label, &text, spec)
}

/// Every `*.yaml`/`*.yml` directly in `dir`, sorted by name.
pub fn load_dir(dir: &Path, spec: &Spec) -> Result<Vec<LoadedSuite>, Diagnostics> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostics::single(
            Diagnostic::new(
                Kind::Unreadable,
                Location::file(dir.display().to_string()),
                format!("cannot read the suites directory: {e}"),
            )
            .with_hint("run from the project directory, or pass --suite FILE"),
        )
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let mut suites = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match load_file(&path, spec) {
            Ok(s) => suites.push(s),
            Err(d) => problems.extend(d.0),
        }
    }
    let mut names = std::collections::BTreeMap::new();
    for s in &suites {
        if let Some(first) = names.insert(s.suite.name.clone(), s.file.clone()) {
            problems.push(
                Diagnostic::new(
                    Kind::Duplicate,
                    Location::file(&s.file),
                    format!("suite name `{}` is used twice", s.suite.name),
                )
                .with_hint(format!("also in {first}")),
            );
        }
    }
    if problems.is_empty() {
        Ok(suites)
    } else {
        Err(Diagnostics(problems))
    }
}

pub fn load_text(label: &str, text: &str, spec: &Spec) -> Result<LoadedSuite, Diagnostics> {
    let suite: SuiteFile = serde_norway::from_str(text).map_err(|e| {
        let location = match e.location() {
            Some(l) => Location::at(label, l.line(), l.column()),
            None => Location::file(label),
        };
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        Diagnostics::single(
            Diagnostic::new(Kind::Syntax, location, message)
                .with_hint("see the suite format in specs/meta/suite.schema.json"),
        )
    })?;
    let problems = cross_check(label, text, &suite, spec);
    if problems.is_empty() {
        Ok(LoadedSuite { file: label.to_string(), suite })
    } else {
        Err(Diagnostics(problems))
    }
}

fn similar<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let last = wanted.rsplit('/').next().unwrap_or(wanted).to_lowercase();
    candidates.filter(|c| !last.is_empty() && c.to_lowercase().contains(&last)).take(3).collect()
}

/// Body fields not declared by the request schema (nested objects are checked too).
fn undeclared_fields(schema: &Value, spec: &Spec, body: &Value, prefix: &str, out: &mut Vec<String>) {
    let Some(map) = body.as_object() else { return };
    for (key, value) in map {
        let path = format!("{prefix}/{}", key.replace('~', "~0").replace('/', "~1"));
        if !pointer::declares(schema, &spec.defs, &path) {
            out.push(path);
        } else if value.is_object() && pointer::declares_properties(schema, &spec.defs, &path) {
            undeclared_fields(schema, spec, value, &path, out);
        }
    }
}

/// `max:/a/*/b` → `/a/*/b` (the selector syntax of `run::select`).
fn without_aggregate(pointer: &str) -> &str {
    match pointer.split_once(':') {
        Some((aggregate, rest)) if ["max", "min", "count"].contains(&aggregate) => rest,
        _ => pointer,
    }
}

fn cross_check(label: &str, text: &str, suite: &SuiteFile, spec: &Spec) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if suite.name.is_empty() || !suite.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        let (loc, _) = locate(label, text, "name:", 0);
        problems.push(Diagnostic::new(
            Kind::BadName,
            loc,
            format!("suite name `{}` is not lowercase words with dashes", suite.name),
        ));
    }
    let mut case_names = std::collections::BTreeSet::new();
    let mut cursor = 0;
    for case in &suite.cases {
        let (case_loc, case_pos) = locate(label, text, &case.name, cursor);
        cursor = case_pos;
        if !case_names.insert(case.name.as_str()) {
            problems.push(Diagnostic::new(
                Kind::Duplicate,
                case_loc.clone(),
                format!("case name `{}` is used twice in the suite", case.name),
            ));
        }
        if case.steps.is_empty() {
            problems.push(Diagnostic::new(
                Kind::Missing,
                case_loc.clone(),
                format!("case `{}` has no steps", case.name),
            ));
        }
        for role in &case.distinct_roles {
            if !ROLES.contains(&role.as_str()) {
                let (loc, _) = locate(label, text, role, case_pos);
                problems.push(Diagnostic::new(
                    Kind::UnknownRole,
                    loc,
                    format!("case `{}`: unknown role `{role}`", case.name),
                ));
            }
        }
        for need in &case.needs {
            if !crate::suite::VENDOR_INPUTS.contains(&need.as_str()) {
                let (loc, _) = locate(label, text, need, case_pos);
                problems.push(
                    Diagnostic::new(
                        Kind::UnknownInput,
                        loc,
                        format!("case `{}` needs unknown input `{need}`", case.name),
                    )
                    .with_hint(format!("inputs: {}", crate::suite::VENDOR_INPUTS.join(", "))),
                );
            }
        }
        for (role, &count) in &case.accounts {
            if !ROLES.contains(&role.as_str()) || count < 2 {
                let (loc, _) = locate(label, text, role, case_pos);
                problems.push(
                    Diagnostic::new(
                        Kind::InvalidAccounts,
                        loc,
                        format!("case `{}`: `accounts: {{{role}: {count}}}`", case.name),
                    )
                    .with_hint(format!("a role ({}) and a count of 2 or more", ROLES.join(", "))),
                );
            }
        }
        let mut known: Vec<String> = BUILTINS.iter().map(|s| s.to_string()).collect();
        for role in ROLES {
            known.push(format!("{role}.user"));
            known.push(format!("{role}.password"));
            for n in 2..=case.accounts.get(*role).copied().unwrap_or(1) {
                known.push(format!("{role}.{n}.user"));
                known.push(format!("{role}.{n}.password"));
            }
        }
        for step in &case.steps {
            let (step_loc, step_pos) = locate(label, text, &format!("call: {}", step.call), cursor);
            cursor = step_pos;
            let Some(endpoint) = spec.endpoint(&step.call) else {
                let hints = similar(&step.call, spec.endpoints.iter().map(|e| e.path.as_str()));
                let mut d =
                    Diagnostic::new(Kind::UnknownEndpoint, step_loc, format!("unknown endpoint `{}`", step.call));
                d = if hints.is_empty() {
                    d.with_hint("`itsm-conform spec list` shows every endpoint")
                } else {
                    d.with_hint(format!("did you mean {}?", hints.join(" or ")))
                };
                problems.push(d);
                continue;
            };
            if step.teardown && (!step.expect.checks.is_empty() || step.expect.requirement.is_some()) {
                problems.push(Diagnostic::new(
                    Kind::InvalidStep,
                    step_loc.clone(),
                    "a teardown step checks nothing: drop its `expect`",
                ));
            }
            if step.body.is_some() && step.raw_body.is_some() {
                problems.push(Diagnostic::new(
                    Kind::InvalidStep,
                    step_loc.clone(),
                    "a step has either `body` or `raw_body`, not both",
                ));
            }
            let mut used: Vec<String> = Vec::new();
            if let Some(body) = &step.body {
                let mut undeclared = Vec::new();
                undeclared_fields(&endpoint.request, spec, body, "", &mut undeclared);
                for field in undeclared {
                    let name = field.rsplit('/').next().unwrap_or(&field).to_string();
                    let (loc, _) = locate(label, text, &name, step_pos);
                    problems.push(
                        Diagnostic::new(
                            Kind::UnknownField,
                            loc,
                            format!("`{field}` is not a field of the {} request", endpoint.path),
                        )
                        .with_hint(format!("`itsm-conform spec show {}` lists its fields", endpoint.path)),
                    );
                }
            }
            used.extend(step.variables());
            for check in &step.expect.checks {
                if check.across && step.parallel.is_none() {
                    let (loc, _) = locate(label, text, &check.requirement, step_pos);
                    problems.push(Diagnostic::new(
                        Kind::InvalidStep,
                        loc,
                        format!("check of `{}` is `across` on a step that is not `parallel`", check.requirement),
                    ));
                }
            }
            let mut requirement_ids: Vec<&str> = step.expect.checks.iter().map(|c| c.requirement.as_str()).collect();
            requirement_ids.extend(step.expect.also.iter().map(String::as_str));
            if let Some(r) = &step.expect.requirement {
                requirement_ids.push(r);
            }
            for id in requirement_ids {
                if spec.requirement(id).is_none() {
                    let (loc, _) = locate(label, text, id, step_pos);
                    let hints = similar(id, spec.requirements.keys().map(String::as_str));
                    let mut d = Diagnostic::new(Kind::UnknownRequirement, loc, format!("unknown requirement `{id}`"));
                    if !hints.is_empty() {
                        d = d.with_hint(format!("did you mean {}?", hints.join(" or ")));
                    }
                    problems.push(d);
                }
            }
            if used.iter().any(|v| v == "data_query") && !case.needs.iter().any(|n| n == "data_query") {
                let (loc, _) = locate(label, text, "{{data_query}}", step_pos);
                problems.push(
                    Diagnostic::new(
                        Kind::UndeclaredInput,
                        loc,
                        format!("case `{}` uses `data_query` without `needs: [data_query]`", case.name),
                    )
                    .with_hint(
                        "a case that needs vendor input says so, so a run without it lists the case as out of scope",
                    ),
                );
            }
            for var in used {
                if !known.contains(&var) {
                    let (loc, _) = locate(label, text, &format!("{{{{{var}"), step_pos);
                    problems.push(
                        Diagnostic::unknown_variable(loc, &var)
                            .with_hint("variables are built-ins (unique, seq, now_ms, now_iso), <role>.user/.password (<role>.2.user … with `accounts: {<role>: 2}`), or captured by an earlier step"),
                    );
                }
            }
            for (name, ptr) in &step.capture {
                if !ptr.split('|').all(|p| p.is_empty() || without_aggregate(p.trim()).starts_with('/')) {
                    let (loc, _) = locate(label, text, ptr, step_pos);
                    problems.push(
                        Diagnostic::new(
                            Kind::InvalidPointer,
                            loc,
                            format!("capture `{name}`: `{ptr}` is not a JSON pointer"),
                        )
                        .with_hint(
                            "pointers start with `/` (after `max:`, `min:` or `count:`), e.g. /notifications/0/taskId",
                        ),
                    );
                }
                known.push(name.clone());
            }
        }
    }
    problems
}
