//! The run model: what one conformance run produced. Decided once (see `verdict`), rendered by
//! every report format. Serialized as the JSON report (versioned).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::load::LoadSummary;
use crate::spec::Level;

/// Bumped when the JSON report changes incompatibly; its JSON Schema is specs/meta/report.schema.json.
pub const FORMAT_VERSION: u32 = 1;

/// `tool` of every report, `run`'s and `load`'s.
pub const TOOL: &str = "itsm-conform";
/// `spec_version` of every report: what the spec in specs/ was derived from.
pub const SPEC_VERSION: &str = "CITSmart 7.00 endpoint table";

/// The outcome of one check or one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    /// A SHOULD failed: reported, does not fail the case.
    Warn,
    /// A MUST failed.
    Fail,
    /// The harness could not run the check (timeout, connection refused, unparseable body).
    Error,
    Skipped,
}

/// One check: a requirement, its level, the outcome, and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    pub requirement: String,
    // spec::Level has no JsonSchema impl: the schema names the strings it serializes to.
    #[schemars(with = "String", extend("enum" = ["MUST", "SHOULD", "MAY"]))]
    pub level: Level,
    pub outcome: Outcome,
    /// What was checked, in one line (`status is 200`, `response matches the schema`).
    pub check: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Instance path of a schema violation (`/notifications/0/taskId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_path: Option<String>,
}

/// The request as sent (secrets redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestRecord {
    pub method: String,
    pub url: String,
    pub content_type: String,
    pub body: String,
}

/// The response as received (secrets redacted, body truncated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseRecord {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub truncated: bool,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepResult {
    pub name: String,
    pub endpoint: String,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRecord>,
    /// A harness error (timeout, connection refused…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub checks: Vec<CheckResult>,
    /// A curl command that reproduces the request (secrets redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseResult {
    /// `suite/case`, unique in a run.
    pub id: String,
    pub suite: String,
    pub name: String,
    pub tags: Vec<String>,
    /// `suites/x.yaml` or `generated` (spec-derived cases).
    pub source: String,
    pub outcome: Outcome,
    pub duration_ms: u64,
    pub steps: Vec<StepResult>,
}

/// Counters over the whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunStats {
    pub cases: usize,
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
    pub errored: usize,
    pub skipped: usize,
    pub checks: usize,
    pub must_failures: usize,
    pub should_failures: usize,
    pub harness_errors: usize,
}

/// A requirement's verdict over the run: the worst outcome of its checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequirementVerdict {
    pub id: String,
    // spec::Level has no JsonSchema impl: the schema names the strings it serializes to.
    #[schemars(with = "String", extend("enum" = ["MUST", "SHOULD", "MAY"]))]
    pub level: Level,
    pub text: String,
    pub outcome: Outcome,
    pub checks: usize,
    pub failures: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointCoverage {
    pub path: String,
    pub group: String,
    pub calls: usize,
    pub passed: usize,
    pub failed: usize,
}

/// The overall verdict of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunVerdict {
    /// Every MUST held (SHOULD warnings allowed).
    Pass,
    /// A MUST failed.
    Fail,
    /// The harness could not complete the run (target unreachable, every case errored …).
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunReport {
    pub format_version: u32,
    pub tool: String,
    pub tool_version: String,
    pub spec_version: String,
    pub target: String,
    /// True when the target was the embedded reference server.
    pub embedded_target: bool,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub duration_ms: u64,
    /// True when the run was interrupted (Ctrl-C): the report holds the results so far.
    pub interrupted: bool,
    pub verdict: RunVerdict,
    pub stats: RunStats,
    pub requirements: Vec<RequirementVerdict>,
    pub coverage: Vec<EndpointCoverage>,
    pub cases: Vec<CaseResult>,
    /// Selection flags of the run (`--group mobile-v2`, `--level must` …), for the record.
    pub selection: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub extra: Value,
    /// The figures of a load run (`itsm-conform load`), whose thresholds and broken requirements
    /// are also its cases; absent in a conformance run's report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadSummary>,
}
