//! Reports of a run. Every format is a pure function of the report, [`RunReport`] for `run` and
//! [`LoadReport`] for `load`: verdicts are decided in `model::verdict`, never here, so the formats
//! cannot disagree about what happened.
//!
//! | format     | file                      | for                                          |
//! |------------|---------------------------|----------------------------------------------|
//! | `junit`    | `itsm-conform.junit.xml`  | CI test dashboards                           |
//! | `json`     | `itsm-conform.json`       | other tools (schema: specs/meta/report.schema.json) |
//! | `markdown` | `itsm-conform.md`         | a pull-request comment                       |
//! | `html`     | `itsm-conform.html`       | people: every requirement, endpoint and piece of evidence |
//!
//! `load` writes the same formats of its own report (see [`load`]) under its own prefix, so both
//! commands can share an output directory:
//!
//! | format     | file             | what                                                        |
//! |------------|------------------|-------------------------------------------------------------|
//! | `junit`    | `load.junit.xml` | a testsuite `thresholds`, a testsuite `requirements under load` |
//! | `json`     | `load.json`      | the load report (schema: specs/meta/load-report.schema.json) |
//! | `markdown` | `load.md`        | verdict, thresholds, requests, scenario mix, requirements broken |
//! | `html`     | `load.html`      | the same, self-contained                                     |
//!
//! The terminal summary is not a file format: `run` and `load` print theirs after the run.

mod findings;
mod html;
pub mod json;
mod junit;
mod labels;
pub mod load;
mod markdown;
pub mod redact;
mod requirements;
mod terminal;

use std::path::{Path, PathBuf};

pub use labels::PARTIAL;
pub use terminal::terminal_summary;

use crate::model::{LoadReport, RunReport};

/// A report file format (`--report junit,html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ReportFormat {
    Junit,
    Json,
    Markdown,
    Html,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] =
        [ReportFormat::Junit, ReportFormat::Json, ReportFormat::Markdown, ReportFormat::Html];

    /// What follows the prefix in the file name.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Junit => ".junit.xml",
            ReportFormat::Json => ".json",
            ReportFormat::Markdown => ".md",
            ReportFormat::Html => ".html",
        }
    }

    /// The fixed file name in the output directory (`itsm-conform.junit.xml` with [`RUN_PREFIX`]),
    /// so CI configurations can name it in advance.
    pub fn file_name(self, prefix: &str) -> String {
        format!("{prefix}{}", self.extension())
    }
}

/// The file-name prefix of `run`'s reports.
pub const RUN_PREFIX: &str = "itsm-conform";
/// The file-name prefix of `load`'s reports: never `run`'s, so neither overwrites the other.
pub const LOAD_PREFIX: &str = "load";

pub fn render(format: ReportFormat, report: &RunReport) -> String {
    match format {
        ReportFormat::Junit => junit::render(report),
        ReportFormat::Json => json::render(report),
        ReportFormat::Markdown => markdown::render(report),
        ReportFormat::Html => html::render(report),
    }
}

/// A load report in `format`.
pub fn render_load(format: ReportFormat, report: &LoadReport) -> String {
    match format {
        ReportFormat::Junit => load::junit(report),
        ReportFormat::Json => load::json::render(report),
        ReportFormat::Markdown => load::markdown(report),
        ReportFormat::Html => load::html(report),
    }
}

/// A report that could not be written: the directory the reports go to, the file, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the reports to `{}`: {cause}", .dir.display())]
pub struct WriteError {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub cause: std::io::Error,
}

/// Writes `run`'s reports, `itsm-conform.<format>` (see [`write_each`]).
pub fn write_reports(report: &RunReport, dir: &Path, formats: &[ReportFormat]) -> Result<Vec<PathBuf>, WriteError> {
    write_each(dir, RUN_PREFIX, formats, |format| render(format, report))
}

/// Writes `load`'s reports, `load.<format>` (see [`write_each`]).
pub fn write_load_reports(
    report: &LoadReport,
    dir: &Path,
    formats: &[ReportFormat],
) -> Result<Vec<PathBuf>, WriteError> {
    write_each(dir, LOAD_PREFIX, formats, |format| render_load(format, report))
}

/// Writes each format (once, even if named twice) to its file `<prefix><extension>` in `dir`,
/// atomically so a reader or an interrupted run never sees half a report; returns the paths
/// written, in `formats` order.
fn write_each(
    dir: &Path,
    prefix: &str,
    formats: &[ReportFormat],
    render: impl Fn(ReportFormat) -> String,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for (i, &format) in formats.iter().enumerate() {
        if formats[..i].contains(&format) {
            continue;
        }
        let path = dir.join(format.file_name(prefix));
        crate::fsx::write_atomic(&path, render(format).as_bytes()).map_err(|cause| WriteError {
            dir: dir.to_path_buf(),
            file: path.clone(),
            cause,
        })?;
        written.push(path);
    }
    Ok(written)
}
