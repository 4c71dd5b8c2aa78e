//! The shape of the crate, read from its own imports: modules stand in layers, and a module uses
//! only modules below it (the model at the bottom, the command line at the top; the reference
//! server never uses the client that tests it); no two files import each other. A new module must
//! be given its layer here.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    // Leaf helpers: no imports from the crate.
    &["time", "redact", "secrets", "fsx", "exit", "diag"],
    // The API's spec and the accounts that log in to it, then the spec's compiled schemas.
    &["spec", "accounts"],
    &["schema"],
    // The ground floor of a run: results, reports as data, verdicts; and the suite format.
    &["model", "suite"],
    // The one check engine.
    &["check"],
    // What runs checks (conformance, load), what renders the model, and the reference server.
    &["run", "report", "server"],
    &["load"],
    // Wires everything: the only place the embedded server meets the client.
    &["cli"],
];

/// Pairs a layer alone would allow but the design does not: the client never uses the server it
/// tests (only `cli` wires the embedded server to it).
const FORBIDDEN: &[(&str, &str)] = &[("load", "server"), ("run", "server"), ("report", "server")];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/run/engine.rs` → ("run", "engine"); `src/time.rs` → ("time", ""); mod.rs → (module, "").
fn module_and_file(src: &Path, path: &Path) -> (String, String) {
    let rel = path.strip_prefix(src).unwrap();
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    match parts.as_slice() {
        [file] => (file.clone(), String::new()),
        [module, rest @ ..] => {
            let file = rest.join("/");
            (module.clone(), if file == "mod" { String::new() } else { file })
        }
        [] => unreachable!(),
    }
}

/// The code of a file without comments and string literals, so prose never counts as an import.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let mut in_string = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            } else if !in_string {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// The names used after `prefix` (`crate::`, `super::`), with `{a, b}` groups expanded one level.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(prefix) {
        let before = code[..i].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            out.extend(group[..end].split(',').map(|s| s.trim().split("::").next().unwrap_or("").to_string()));
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.push(name);
        }
    }
    out.retain(|n| !n.is_empty() && n != "self");
    out
}

#[test]
fn modules_use_only_modules_below_them_and_no_two_files_import_each_other() {
    let src = common::project_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    let mut unplaced = BTreeSet::new();
    let mut file_edges: BTreeSet<(String, String)> = BTreeSet::new();
    let mut module_edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    for path in &files {
        let (module, file) = module_and_file(&src, path);
        if module == "main" || module == "lib" {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(path).unwrap());
        let Some(layer) = layer_of(&module) else {
            unplaced.insert(module.clone());
            continue;
        };
        let me = format!("{module}/{file}");
        for used in paths_after(&code, "crate::") {
            if used == module {
                // Inside one module: a file-level edge, `crate::run::engine` → run/engine.
                let own = format!("crate::{module}::");
                for rest in code.split(&own).skip(1) {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        file_edges.insert((me.clone(), format!("{module}/{name}")));
                    }
                }
                continue;
            }
            if FORBIDDEN.contains(&(module.as_str(), used.as_str())) {
                upward.push(format!("{me} uses `{used}`, which only `cli` may wire in"));
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < layer => {
                    *module_edges.entry((module.clone(), used)).or_default() += 1;
                }
                Some(_) => upward.push(format!("{me} uses `{used}` (not below `{module}`)")),
                None => {
                    unplaced.insert(used);
                }
            }
        }
        // `super::x` from a file of a module names a sibling file (or the module's mod.rs).
        if !file.is_empty() {
            let parent = file.rsplit_once('/').map_or(String::new(), |(p, _)| format!("{p}/"));
            for name in paths_after(&code, "super::") {
                file_edges.insert((me.clone(), format!("{module}/{parent}{name}")));
            }
        }
    }
    let cycles: Vec<String> = file_edges
        .iter()
        .filter(|(a, b)| a < b && file_edges.contains(&(b.clone(), a.clone())))
        .map(|(a, b)| format!("{a} <-> {b}"))
        .collect();
    println!("module edges (all downward): {}", module_edges.len());
    let mut problems = Vec::new();
    if !unplaced.is_empty() {
        problems.push(format!("modules without a layer in tests/architecture.rs: {unplaced:?}"));
    }
    problems.extend(upward.iter().map(|u| format!("not downward: {u}")));
    problems.extend(cycles.iter().map(|c| format!("files that import each other: {c}")));
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
