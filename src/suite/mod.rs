//! Suites: the data format, loading with cross-checks against the spec, and templating.

pub mod body_text;
mod load;
mod model;
pub mod template;

pub use load::{load_dir, load_file, load_text, LoadedSuite};
/// The JSON Schema of suite files, for editors (committed as specs/meta/suite.schema.json).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(SuiteFile)).expect("schema serializes")
}

pub use model::{
    CaseDef, CheckDef, EachDef, ErrorSpec, Expect, JsonKind, SkipUnless, SortDef, SortOrder, StatusSpec, StepDef,
    SuiteFile, SLOW_TAG, VENDOR_INPUTS,
};
