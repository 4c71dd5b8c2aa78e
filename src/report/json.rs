//! The JSON report: the run model itself, pretty-printed; a contract for other tools, described by
//! the JSON Schema generated from the model types (committed as specs/meta/report.schema.json).

use serde_json::Value;

use super::labels::{self, PARTIAL};
use crate::model::RunReport;

/// Where the generated schema is committed, relative to the project root.
pub const SCHEMA_FILE: &str = "specs/meta/report.schema.json";

/// The model as is, except that an interrupted run also carries the [`PARTIAL`] note, so the same
/// grep finds partial reports in every format (`interrupted: true` is the machine-readable form).
pub fn render(report: &RunReport) -> String {
    let partial_note = report.interrupted && !report.notes.iter().any(|n| n.starts_with(PARTIAL));
    let text = if partial_note {
        let mut noted = report.clone();
        noted.notes.insert(0, labels::partial_line());
        serde_json::to_string_pretty(&noted)
    } else {
        serde_json::to_string_pretty(report)
    };
    let mut text = text.expect("the run model serializes (no maps with non-string keys)");
    text.push('\n');
    text
}

/// The JSON Schema of [`render`]'s output, generated from the model types so it cannot drift.
pub fn schema() -> Value {
    serde_json::to_value(schemars::schema_for!(RunReport)).expect("a schema serializes")
}

/// [`schema`] as committed: pretty, with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a schema serializes");
    text.push('\n');
    text
}
