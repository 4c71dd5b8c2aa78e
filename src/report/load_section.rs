//! The load section of a report (`RunReport::load`) as rows of text, formatted once so the Markdown
//! and HTML reports show the figures the way the terminal table does (`load::summary`).

use serde::Serialize;

use super::labels;
use crate::model::load::{LoadSummary, RequestStats};
use crate::model::Outcome;

#[derive(Serialize)]
pub struct LoadSection {
    /// `4 users, 15.0 s, scenarios technician:4, approver:1, schema validation on 100% of responses`.
    pub shape: String,
    /// Per request name, then `all`.
    pub requests: Vec<RequestRow>,
    pub thresholds: Vec<ThresholdRow>,
    pub by_requirement: Vec<CountRow>,
    pub by_status: Vec<CountRow>,
    /// Re-logins, tolerated rejections, iterations ended early, responses validated.
    pub counters: Vec<String>,
}

#[derive(Serialize)]
pub struct RequestRow {
    pub name: String,
    pub count: u64,
    pub errors: u64,
    pub rps: String,
    pub p50: String,
    pub p90: String,
    pub p95: String,
    pub p99: String,
    pub max: String,
}

#[derive(Serialize)]
pub struct ThresholdRow {
    pub threshold: String,
    pub measured: String,
    /// `PASS` or `FAIL`, as every format labels outcomes.
    pub verdict: &'static str,
    /// Serializes lowercase (`pass`), the CSS class.
    pub class: Outcome,
}

#[derive(Serialize)]
pub struct CountRow {
    pub key: String,
    pub count: u64,
}

fn ms(v: f64) -> String {
    format!("{v:.1}")
}

fn request_row(r: &RequestStats) -> RequestRow {
    RequestRow {
        name: r.name.clone(),
        count: r.count,
        errors: r.failures,
        rps: ms(r.rps),
        p50: ms(r.p50_ms),
        p90: ms(r.p90_ms),
        p95: ms(r.p95_ms),
        p99: ms(r.p99_ms),
        max: ms(r.max_ms),
    }
}

pub fn section(s: &LoadSummary) -> LoadSection {
    let shape = format!(
        "{} user{}, {:.1} s, scenarios {}, schema validation on {:.0}% of responses",
        s.users,
        if s.users == 1 { "" } else { "s" },
        s.duration_s,
        s.scenarios.iter().map(|m| format!("{}:{}", m.name, m.weight)).collect::<Vec<_>>().join(", "),
        s.validate_sample * 100.0
    );
    let counts = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter().map(|(key, count)| CountRow { key: key.clone(), count: *count }).collect()
    };
    LoadSection {
        shape,
        requests: s.requests.iter().chain(std::iter::once(&s.total)).map(request_row).collect(),
        thresholds: s
            .thresholds
            .iter()
            .map(|t| {
                let outcome = if t.passed { Outcome::Pass } else { Outcome::Fail };
                ThresholdRow {
                    threshold: t.threshold.clone(),
                    measured: t.measured_text.clone(),
                    verdict: labels::outcome(outcome),
                    class: outcome,
                }
            })
            .collect(),
        by_requirement: counts(&s.errors_by_requirement),
        by_status: counts(&s.errors_by_status),
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
