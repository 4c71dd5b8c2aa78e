//! The ground floor: what a run produced, as plain data, and the verdicts decided on it once.
//! Runners (`run`, `load`) fill it, reports render it; it imports nothing above it.

pub mod findings;
pub mod load;
pub mod report;
pub mod verdict;

pub use load::{LoadSummary, RequestStats, ScenarioMix, ThresholdVerdict};
pub use report::{
    CaseResult, CheckResult, Coverage, EndpointCoverage, FindingExample, FindingGroup, LevelCoverage, Outcome,
    RequestRecord, RequirementCoverage, RequirementVerdict, ResponseRecord, RunReport, RunStats, RunVerdict, Scope,
    StepResult, Stop, Unchecked, FORMAT_VERSION, SPEC_VERSION, TOOL,
};
