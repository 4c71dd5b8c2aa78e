//! Suites: the data format, loading with cross-checks against the spec, and templating.

pub mod body_text;
mod check_def;
mod load;
mod model;
pub mod template;

pub use load::{load_dir, load_file, load_text, LoadedSuite};
/// The JSON Schema of suite files, for editors (committed as specs/meta/suite.schema.json).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(SuiteFile)).expect("schema serializes")
}

pub use check_def::{CheckDef, CheckOp, EachDef, JsonKind, SortDef, SortOrder};
pub use model::{
    CaseDef, ErrorSpec, Expect, SharedState, SkipUnless, StatusSpec, StepDef, SuiteFile, SLOW_TAG, VENDOR_INPUTS,
};
