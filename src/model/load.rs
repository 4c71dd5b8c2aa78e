//! A load run's figures as plain data: what `load` measured, for its reports and `--baseline`.
//! Computed in `load`, rendered in `report`, decided on in `verdict`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Bumped when a field changes meaning or goes away (adding fields keeps it).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestStats {
    /// The request name (a step name of the scenarios), or `all`.
    pub name: String,
    pub count: u64,
    pub failures: u64,
    pub error_rate_pct: f64,
    pub rps: f64,
    pub avg_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioMix {
    pub name: String,
    pub weight: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadSummary {
    pub format_version: u32,
    pub tool_version: String,
    pub target: String,
    pub embedded_target: bool,
    pub started_at: String,
    pub duration_s: f64,
    /// Stopped by Ctrl-C or by `--abort-on-fail` before its planned end.
    pub interrupted: bool,
    pub stop_reason: Option<String>,
    pub users: usize,
    pub scenarios: Vec<ScenarioMix>,
    pub validate_sample: f64,
    pub total: RequestStats,
    pub requests: Vec<RequestStats>,
    /// Failed checks by the requirement they cite (`transport` when no answer came).
    pub errors_by_requirement: BTreeMap<String, u64>,
    /// SHOULD requirements broken under load, by id: counted, not failed requests.
    #[serde(default)]
    pub warnings_by_requirement: BTreeMap<String, u64>,
    /// Failed requests by HTTP status (`transport` when no answer came).
    pub errors_by_status: BTreeMap<String, u64>,
    /// Session errors (412 SESSION) answered by logging in again.
    pub relogins: u64,
    /// Business rejections the scenario allows (`expect: {status: [200, 412], error: INPUT}`).
    pub tolerated_rejections: u64,
    /// Loop iterations that ended early because the target lacked data (`skip_unless`, captures).
    pub iterations_ended_early: u64,
    /// Responses checked against their endpoint's full JSON Schema (`--validate-sample`).
    #[serde(default)]
    pub schema_validated: u64,
    /// Of those, the distinct documents, each parsed and validated once (the others had the same
    /// verdict by construction: see src/load/validation_memo.rs).
    #[serde(default)]
    pub schema_validated_distinct: u64,
    pub thresholds: Vec<ThresholdVerdict>,
    pub passed: bool,
}

/// What a threshold measured and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdVerdict {
    pub threshold: String,
    /// The measured value in the threshold's unit (ms, %, req/s); absent when nothing was measured.
    pub measured: Option<f64>,
    /// The measured value as shown (`212.4 ms`, `0.00 %`, `no requests named getNewest`).
    pub measured_text: String,
    pub passed: bool,
}

/// A copy with run-dependent values (times, rates, counts, dates, address) replaced, for snapshots.
pub fn deterministic(summary: &LoadSummary) -> LoadSummary {
    let mut s = summary.clone();
    let fix = |r: &mut RequestStats| {
        r.count = 0;
        r.failures = 0;
        r.error_rate_pct = 0.0;
        r.rps = 0.0;
        r.avg_ms = 0.0;
        r.p50_ms = 0.0;
        r.p90_ms = 0.0;
        r.p95_ms = 0.0;
        r.p99_ms = 0.0;
        r.max_ms = 0.0;
    };
    fix(&mut s.total);
    s.requests.iter_mut().for_each(fix);
    s.target = "[target]".into();
    s.started_at = "[started_at]".into();
    s.tool_version = "[version]".into();
    s.duration_s = 0.0;
    s.relogins = 0;
    s.tolerated_rejections = 0;
    s.iterations_ended_early = 0;
    s.schema_validated = 0;
    s.schema_validated_distinct = 0;
    s.errors_by_requirement.values_mut().for_each(|v| *v = 0);
    s.errors_by_status.values_mut().for_each(|v| *v = 0);
    for t in &mut s.thresholds {
        t.measured = None;
        t.measured_text = "[measured]".into();
    }
    s
}
