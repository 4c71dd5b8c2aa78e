//! The conformance runner: suites and spec-derived cases → requests → checks → verdicts → RunReport.

pub mod config;
pub mod engine;
pub mod generate;
pub mod http;
pub mod preflight;
mod state_locks;

pub use crate::model::{CaseResult, CheckResult, Outcome, RunReport, RunVerdict, StepResult};
pub use config::{Credentials, RunConfig, Selection, DEFAULT_JOBS};
pub use engine::{run_suites, RunHandle};
