//! What `load --baseline FILE` prints after its summary: the figures of this run against a previous
//! `load-summary.json`, per request name present in both, then overall.

use std::fmt::Write as _;

use crate::model::LoadSummary;

fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

fn delta(now: f64, before: f64) -> String {
    let diff = now - before;
    if before.abs() < f64::EPSILON {
        format!("{now:.1} ({diff:+.1})")
    } else {
        format!("{now:.1} ({diff:+.1}, {:+.1}%)", diff * 100.0 / before)
    }
}

/// Deltas against a previous summary, per request name present in both, then overall.
pub fn against_baseline(now: &LoadSummary, before: &LoadSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n  against the baseline (started {}):", before.started_at);
    let width = now.requests.iter().map(|r| r.name.len()).max().unwrap_or(3).max(8);
    let _ = writeln!(
        out,
        "  {}  {:>26} {:>26} {:>26} {:>20}",
        pad("request", width),
        "req/s",
        "p95 ms",
        "p99 ms",
        "error rate %"
    );
    let pairs = now
        .requests
        .iter()
        .filter_map(|r| before.requests.iter().find(|b| b.name == r.name).map(|b| (r, b)))
        .chain(std::iter::once((&now.total, &before.total)));
    for (r, b) in pairs {
        let _ = writeln!(
            out,
            "  {}  {:>26} {:>26} {:>26} {:>20}",
            pad(&r.name, width),
            delta(r.rps, b.rps),
            delta(r.p95_ms, b.p95_ms),
            delta(r.p99_ms, b.p99_ms),
            format!("{:.2} ({:+.2})", r.error_rate_pct, r.error_rate_pct - b.error_rate_pct)
        );
    }
    out
}
