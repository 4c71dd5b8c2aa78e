//! Where spec files come from: the copy embedded in the binary at build time, or a directory.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, DiagnosticKind, Location};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_specs.rs"));
}

/// The text of every spec file, labelled by its path relative to the project (`specs/…`).
#[derive(Debug, Clone)]
pub struct SpecFiles {
    pub files: Vec<(String, String)>,
}

impl SpecFiles {
    /// The specs compiled into this binary.
    pub fn embedded() -> Self {
        let files = embedded::FILES.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
        Self { files }
    }

    /// Every `.json` under `defs/` and `endpoints/`, `requirements.json` and the table, from `dir`.
    pub fn from_dir(dir: &Path) -> Result<Self, Diagnostic> {
        let mut paths =
            vec![dir.join("requirements.json"), dir.join("source/endpoint-table.md"), dir.join("DECISIONS.md")];
        for sub in ["defs", "endpoints"] {
            collect_json(&dir.join(sub), &mut paths).map_err(|e| {
                Diagnostic::new(
                    DiagnosticKind::Unreadable,
                    Location::file(dir.join(sub).display().to_string()),
                    format!("cannot read spec directory: {e}"),
                )
            })?;
        }
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let label = label_for(dir, &path);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Diagnostic::new(
                    DiagnosticKind::Unreadable,
                    Location::file(&label),
                    format!("cannot read spec file: {e}"),
                )
                .with_hint("is --specs pointing at the project's specs/ directory?")
            })?;
            files.push((label, text));
        }
        Ok(Self { files })
    }

    pub fn get(&self, label: &str) -> Option<&str> {
        self.files.iter().find(|(l, _)| l == label).map(|(_, t)| t.as_str())
    }
}

fn label_for(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    format!("{}/{}", dir.display(), rel.display()).replace("//", "/")
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}
