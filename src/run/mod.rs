//! The conformance runner: suites and spec-derived cases → requests → checks → verdicts → RunReport.

pub mod config;
pub mod engine;
pub mod generate;
pub mod http;
pub mod preflight;

pub use crate::model::{CaseResult, CheckResult, Outcome, RunReport, RunVerdict, StepResult};
pub use config::{Credentials, RunConfig, Selection};
pub use engine::{run_suites, RunHandle};
