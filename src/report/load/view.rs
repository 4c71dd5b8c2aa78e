//! A load report as rows of text, worded once: the verdict and why, each threshold measured against
//! its limit, the request figures, the scenario mix and the requirements broken under load. The
//! Markdown, HTML and terminal renderers lay these rows out; JUnit takes its messages from here, so
//! no two formats word a breach differently.

use serde::Serialize;

use crate::model::load::NO_ANSWER;
use crate::model::{BrokenRequirement, LoadReport, Outcome, RequestStats, RunVerdict, ThresholdVerdict};
use crate::report::labels::{self, PARTIAL};

/// What [`PARTIAL`] means on a load report.
pub const PARTIAL_WHY: &str = "the load stopped before its run time or iterations; these are the figures so far";

/// `PARTIAL: interrupted (the load stopped …)`.
pub fn partial_line() -> String {
    format!("{PARTIAL} ({PARTIAL_WHY})")
}

/// Everything a load format shows, formatted. Serialized for the HTML template.
#[derive(Serialize)]
pub struct LoadView {
    pub tool: String,
    pub tool_version: String,
    pub spec_version: String,
    pub target: String,
    pub embedded_target: bool,
    pub started_at: String,
    pub duration: String,
    /// The flags of the run, joined (`--users 4 --scenario technician:3 …`).
    pub selection: String,
    pub notes: Vec<String>,
    pub verdict: &'static str,
    /// Serializes lowercase (`pass`, `incomplete`), the CSS class.
    pub verdict_class: RunVerdict,
    pub reason: String,
    pub partial: Option<String>,
    /// `4 users, schema validation on 50% of responses`.
    pub shape: String,
    pub thresholds: Vec<ThresholdRow>,
    /// Per request name, then `all`.
    pub requests: Vec<RequestRow>,
    pub scenarios: Vec<ScenarioRow>,
    /// MUST requirements broken under load, then SHOULD ones.
    pub requirements: Vec<RequirementRow>,
    /// `1 request got no answer (…)`, when one did not.
    pub unanswered: Option<String>,
    /// Failed requests by HTTP status (`no answer` for those that got none).
    pub by_status: Vec<CountRow>,
    /// Re-logins, tolerated rejections, iterations ended early, responses validated.
    pub counters: Vec<String>,
}

#[derive(Serialize)]
pub struct ThresholdRow {
    pub threshold: String,
    pub measured: String,
    pub limit: String,
    /// `PASS` or `FAIL`, as every format labels outcomes.
    pub verdict: &'static str,
    /// Serializes lowercase (`pass`), the CSS class.
    pub class: Outcome,
}

#[derive(Serialize)]
pub struct RequestRow {
    pub name: String,
    pub count: u64,
    pub errors: u64,
    pub error_rate: String,
    pub rps: String,
    pub avg: String,
    pub p50: String,
    pub p90: String,
    pub p95: String,
    pub p99: String,
    pub max: String,
}

#[derive(Serialize)]
pub struct ScenarioRow {
    pub name: String,
    pub weight: usize,
    /// Its share of the weights, hence of the simulated users (`75%`).
    pub share: String,
}

#[derive(Serialize)]
pub struct RequirementRow {
    pub id: String,
    pub level: String,
    pub text: String,
    pub responses: u64,
    /// `FAIL` (a MUST) or `WARN` (a SHOULD).
    pub outcome: &'static str,
    pub class: Outcome,
}

#[derive(Serialize)]
pub struct CountRow {
    pub key: String,
    pub count: u64,
}

/// `1 request`, `3 requests`.
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Why the verdict is what it is: the thresholds first, since they decide it, then what broke under
/// load (`1 of 2 thresholds breached; broken under load: 2 MUST requirements, 1 SHOULD requirement;
/// 1 request got no answer`); a run stopped early says so first. The verdict itself is decided in
/// `model::verdict::load_verdict`; this only words it.
pub fn reason(r: &LoadReport) -> String {
    let thresholds = r.thresholds();
    let breached = thresholds.iter().filter(|t| !t.passed).count();
    // ERROR is a load run that sent no request (`model::verdict::load_verdict`).
    let mut parts = vec![if r.verdict == RunVerdict::Error {
        "no request was sent".to_string()
    } else if thresholds.is_empty() {
        "no threshold set".to_string()
    } else if breached > 0 {
        format!("{breached} of {}", plural(thresholds.len() as u64, "threshold breached", "thresholds breached"))
    } else {
        let n = thresholds.len();
        format!("{n} of {}", plural(n as u64, "threshold held", "thresholds held"))
    }];
    let broken: Vec<String> = [(Outcome::Fail, "MUST"), (Outcome::Warn, "SHOULD")]
        .into_iter()
        .map(|(outcome, level)| (r.broken(outcome).count() as u64, level))
        .filter(|(n, _)| *n > 0)
        .map(|(n, level)| plural(n, &format!("{level} requirement"), &format!("{level} requirements")))
        .collect();
    if !broken.is_empty() {
        parts.push(format!("broken under load: {}", broken.join(", ")));
    }
    if r.unanswered > 0 {
        parts.push(format!("{} no answer", plural(r.unanswered, "request got", "requests got")));
    }
    let text = parts.join("; ");
    // A run stopped early held its gates over a shorter run: that is what made it INCOMPLETE.
    if r.verdict == RunVerdict::Incomplete {
        format!("{}; {text}", r.stop_reason.as_deref().unwrap_or("interrupted"))
    } else {
        text
    }
}

/// `measured 22.4 ms, limit < 5.0 ms`; `nothing measured (no requests named x), limit …`.
pub fn measured_vs_limit(t: &ThresholdVerdict) -> String {
    let measured = match t.measured {
        Some(_) => format!("measured {}", t.measured_text),
        None => format!("nothing measured ({})", t.measured_text),
    };
    if t.limit_text.is_empty() {
        measured
    } else {
        format!("{measured}, limit {}", t.limit_text)
    }
}

/// `GEN-ENV-006 (MUST) broken by 3 responses under load: A successful operation …`.
pub fn broken_line(b: &BrokenRequirement) -> String {
    let line = format!("{} ({}) broken by {} under load", b.id, b.level, plural(b.responses, "response", "responses"));
    if b.text.is_empty() {
        line
    } else {
        format!("{line}: {}", b.text)
    }
}

/// `1 request got no answer (connection refused or reset, or no response in time)`.
pub fn unanswered_line(n: u64) -> String {
    format!(
        "{} no answer (connection refused or reset, or no response in time)",
        plural(n, "request got", "requests got")
    )
}

fn ms(v: f64) -> String {
    format!("{v:.1}")
}

fn request_row(r: &RequestStats) -> RequestRow {
    RequestRow {
        name: r.name.clone(),
        count: r.count,
        errors: r.failures,
        error_rate: format!("{:.2}", r.error_rate_pct),
        rps: ms(r.rps),
        avg: ms(r.avg_ms),
        p50: ms(r.p50_ms),
        p90: ms(r.p90_ms),
        p95: ms(r.p95_ms),
        p99: ms(r.p99_ms),
        max: ms(r.max_ms),
    }
}

pub fn view(r: &LoadReport) -> LoadView {
    let s = &r.summary;
    let weights: usize = s.scenarios.iter().map(|m| m.weight).sum();
    LoadView {
        tool: r.tool.clone(),
        tool_version: r.tool_version.clone(),
        spec_version: r.spec_version.clone(),
        target: r.target.clone(),
        embedded_target: r.embedded_target,
        started_at: r.started_at.clone(),
        duration: labels::seconds(r.duration_ms),
        selection: r.selection.join(" "),
        notes: r.notes.clone(),
        verdict: labels::verdict(r.verdict),
        verdict_class: r.verdict,
        reason: reason(r),
        partial: r.interrupted.then(partial_line),
        shape: format!(
            "{}, schema validation on {:.0}% of responses",
            plural(s.users as u64, "user", "users"),
            s.validate_sample * 100.0
        ),
        thresholds: r
            .thresholds()
            .iter()
            .map(|t| {
                let outcome = if t.passed { Outcome::Pass } else { Outcome::Fail };
                ThresholdRow {
                    threshold: t.threshold.clone(),
                    measured: t.measured_text.clone(),
                    limit: t.limit_text.clone(),
                    verdict: labels::outcome(outcome),
                    class: outcome,
                }
            })
            .collect(),
        requests: s.requests.iter().chain(std::iter::once(&s.total)).map(request_row).collect(),
        scenarios: s
            .scenarios
            .iter()
            .map(|m| ScenarioRow {
                name: m.name.clone(),
                weight: m.weight,
                share: format!("{:.0}%", if weights == 0 { 0.0 } else { m.weight as f64 * 100.0 / weights as f64 }),
            })
            .collect(),
        requirements: r
            .requirements
            .iter()
            .map(|b| RequirementRow {
                id: b.id.clone(),
                level: b.level.to_string(),
                text: b.text.clone(),
                responses: b.responses,
                outcome: labels::outcome(b.outcome),
                class: b.outcome,
            })
            .collect(),
        unanswered: (r.unanswered > 0).then(|| unanswered_line(r.unanswered)),
        by_status: s
            .errors_by_status
            .iter()
            .map(|(key, count)| CountRow {
                key: if key == NO_ANSWER { "no answer".to_string() } else { key.clone() },
                count: *count,
            })
            .collect(),
        counters: vec![
            format!("re-logins after a session error: {}", s.relogins),
            format!("tolerated business rejections: {}", s.tolerated_rejections),
            format!("iterations ended for lack of data: {}", s.iterations_ended_early),
            format!(
                "responses validated against their full JSON Schema: {} ({} distinct documents)",
                s.schema_validated, s.schema_validated_distinct
            ),
        ],
    }
}
