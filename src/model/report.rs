//! The run model: what one conformance run produced. Decided once (see `verdict`), rendered by
//! every report format. Serialized as the JSON report (versioned).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::load::LoadSummary;
use crate::spec::Level;

/// Bumped when the JSON report changes incompatibly; its JSON Schema is specs/meta/report.schema.json.
/// 2: the INCOMPLETE verdict, requirement coverage (why a requirement was not checked), grouped findings.
pub const FORMAT_VERSION: u32 = 2;

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

/// Why something (a check, a step, a case, a requirement) was not checked. The kind decides what it
/// means for the verdict: see [`Unchecked::scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unchecked {
    /// The target answered in another form the spec allows, where the requirement does not apply
    /// (the bare 501 form of v2 getByUser, an optional member it does not send).
    NotApplicable,
    /// The target lacked the data the check needs (an empty list, no task to act on).
    LackedData,
    /// An earlier step of the case failed and a value this step needs was not captured.
    EarlierFailure,
    /// The harness got no usable answer (connection refused or reset, unreadable body).
    HarnessError,
    /// The run stopped before it: interrupted (SIGINT, SIGTERM) or the circuit breaker.
    NotRun,
    /// Left out by the selection (`--suite`, `--group`, `--endpoint`, `--tag`, `--level`).
    Selection,
    /// Only the slow tier checks it (`--include slow`): it needs a long wait.
    SlowTier,
    /// It needs input only the vendor has (`--data-query NAME`, or `data_query:` in the credentials file).
    VendorInput,
    /// It is about one user's work as another user of the same role sees it, and the credentials
    /// give one account for that role ("needs two accounts per role").
    FewAccounts,
}

/// Where an unchecked requirement stands for the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In scope but not applicable to this target: does not block PASS.
    NotApplicable,
    /// In scope and not checked: a MUST here makes the run INCOMPLETE.
    Unverified,
    /// Not in this run's scope: not counted.
    OutOfScope,
}

impl Unchecked {
    pub fn scope(self) -> Scope {
        match self {
            Unchecked::NotApplicable => Scope::NotApplicable,
            Unchecked::LackedData | Unchecked::EarlierFailure | Unchecked::HarnessError | Unchecked::NotRun => {
                Scope::Unverified
            }
            Unchecked::Selection | Unchecked::SlowTier | Unchecked::VendorInput | Unchecked::FewAccounts => {
                Scope::OutOfScope
            }
        }
    }

    /// When one requirement was left unchecked for several reasons, the one reported (lowest
    /// first). A run that stopped, errored or failed says so first. Then "not applicable" beats
    /// "lacked data": once the target has answered in a form where the requirement does not apply,
    /// an empty list elsewhere would not have made it apply.
    pub fn precedence(self) -> u8 {
        match self {
            Unchecked::NotRun => 0,
            Unchecked::HarnessError => 1,
            Unchecked::EarlierFailure => 2,
            Unchecked::NotApplicable => 3,
            Unchecked::LackedData => 4,
            Unchecked::VendorInput => 5,
            Unchecked::FewAccounts => 6,
            Unchecked::SlowTier => 7,
            Unchecked::Selection => 8,
        }
    }
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
    /// With outcome `skipped`: why the requirement could not be checked on this response (`actual`
    /// says what was missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<Unchecked>,
    /// How many instances one check stands for (a schema violation repeated in every item of a
    /// list is one check: `taskId` missing in 90 of 90 items); absent means one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<usize>,
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
    /// The kind of `skipped_reason`: what the skip means for the requirements this step would
    /// have checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<Unchecked>,
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
    /// Every requirement a step of this case can check (from its definition, not its answers):
    /// what coverage counts as in scope, and what a skipped step left unchecked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub can_check: Vec<Vec<String>>,
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
    /// Steps in all cases, and those that did not run (skipped, or not run at all).
    #[serde(default)]
    pub steps: usize,
    #[serde(default)]
    pub steps_skipped: usize,
    /// Cases the run did not start: interrupted, stopped by the circuit breaker, or out of scope.
    #[serde(default)]
    pub cases_not_run: usize,
}

/// One finding: every check that broke the same requirement on the same endpoint in the same way,
/// counted, with its first examples. The number of findings does not grow with the target's data
/// (a field missing from 90 list items is one finding that says so), and every format renders
/// these, so they agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingGroup {
    /// `fail` (a MUST), `warn` (a SHOULD) or `error` (the harness could not check).
    pub outcome: Outcome,
    /// None for a harness error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>", extend("enum" = ["MUST", "SHOULD", "MAY", null]))]
    pub level: Option<Level>,
    pub endpoint: String,
    /// The kind of deviation: the check, and for a schema violation the member (`*` for every
    /// item) and the rule (`/notifications/*/taskId: required`).
    pub kind: String,
    /// How many checks broke it this way, over the run.
    pub occurrences: usize,
    /// How many cases they were in.
    pub cases: usize,
    /// The first few, with their evidence.
    pub examples: Vec<FindingExample>,
}

/// Where one instance of a finding happened, and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingExample {
    pub case: String,
    /// 0-based position of the step in its case.
    pub step_index: usize,
    pub step: String,
    /// The check (`response matches the schema`), or the harness error.
    pub check: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
}

/// Where a requirement stands after the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Checked, and every check held.
    Verified,
    /// Checked, and a check failed (a MUST fails the run; a SHOULD warns).
    Failed,
    /// In scope, not checked (`why` says why): a MUST here makes the run INCOMPLETE.
    NotChecked,
    /// The target answered in another form the spec allows, where it does not apply.
    NotApplicable,
    /// Not in this run's scope (`why`: the selection, the slow tier, vendor input, one account of a role).
    OutOfScope,
}

/// A requirement's verdict over the run: the worst outcome of its checks, and its coverage.
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
    pub coverage: Coverage,
    /// Why it was not checked (coverage `not_checked`, `not_applicable`, `out_of_scope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<Unchecked>,
    /// The same in words, with where (`technician/… step 3: the technician has no task`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Requirement coverage of one level: `MUST requirements verified N/M, failed F, not checked U`,
/// where M = verified + failed + not checked (the applicable ones in scope).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LevelCoverage {
    pub verified: usize,
    pub failed: usize,
    pub not_checked: usize,
    pub not_applicable: usize,
    pub out_of_scope: usize,
}

impl LevelCoverage {
    /// M: the applicable requirements in scope.
    pub fn in_scope(&self) -> usize {
        self.verified + self.failed + self.not_checked
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RequirementCoverage {
    pub must: LevelCoverage,
    pub should: LevelCoverage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointCoverage {
    pub path: String,
    pub group: String,
    pub calls: usize,
    pub passed: usize,
    pub failed: usize,
}

/// Why a run stopped before every selected case ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// SIGINT (Ctrl-C) or SIGTERM (`timeout`, CI cancellation, `docker stop`): verdict INCOMPLETE.
    Interrupted,
    /// The circuit breaker: consecutive requests got no answer, so the rest would only wait out
    /// their timeouts: verdict ERROR.
    TargetStoppedAnswering,
}

/// The overall verdict of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunVerdict {
    /// Every in-scope MUST was checked and held (SHOULD warnings allowed).
    Pass,
    /// A MUST failed.
    Fail,
    /// No MUST failed, but the run did not establish that every in-scope MUST holds: it was
    /// interrupted, or an in-scope MUST was left unchecked (the report lists them, with why).
    Incomplete,
    /// The harness could not complete the run (the target stopped answering, errors talking to it).
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
    /// True when the run stopped before every selected case ran (SIGINT, SIGTERM, the circuit
    /// breaker): the cases not run are listed as such.
    pub interrupted: bool,
    /// Why the run stopped early, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stop>,
    /// The same in words (`interrupted by SIGTERM`, `the target stopped answering: …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    pub verdict: RunVerdict,
    pub stats: RunStats,
    /// MUST and SHOULD requirements verified, failed, not checked … (what PASS rests on).
    #[serde(default)]
    pub requirement_coverage: RequirementCoverage,
    pub requirements: Vec<RequirementVerdict>,
    pub coverage: Vec<EndpointCoverage>,
    pub cases: Vec<CaseResult>,
    /// The failures, harness errors and warnings, grouped (see [`FindingGroup`]); MUST failures
    /// first, then harness errors, then SHOULD warnings.
    #[serde(default)]
    pub findings: Vec<FindingGroup>,
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
