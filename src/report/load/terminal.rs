//! The summary `itsm-conform load` prints: the run, the request figures, the thresholds measured
//! against their limits, the requirements broken under load, and the verdict with why.

use std::fmt::Write as _;

use super::view::{self, LoadView};
use crate::model::LoadReport;

fn pad(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

pub fn terminal_summary(report: &LoadReport) -> String {
    let v = view::view(report);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} load — {}{}",
        v.tool,
        v.target,
        if v.embedded_target { " (embedded reference server)" } else { "" }
    );
    let _ = writeln!(
        out,
        "  {} {} · spec {} · started {} · took {}",
        v.tool, v.tool_version, v.spec_version, v.started_at, v.duration
    );
    let mix: Vec<String> = v.scenarios.iter().map(|s| format!("{}:{} ({})", s.name, s.weight, s.share)).collect();
    let _ = writeln!(out, "  {}; scenarios {}", v.shape, mix.join(", "));
    if !v.selection.is_empty() {
        let _ = writeln!(out, "  selection: {}", v.selection);
    }
    if let Some(partial) = &v.partial {
        let _ = writeln!(out, "  {partial}");
    }
    for note in &v.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    requests(&mut out, &v);
    thresholds(&mut out, &v);
    requirements(&mut out, &v);
    let _ = writeln!(out, "\n  verdict: {} ({})", v.verdict, v.reason);
    out
}

fn requests(out: &mut String, v: &LoadView) {
    let width = v.requests.iter().map(|r| r.name.len()).max().unwrap_or(3).max(8);
    let _ = writeln!(
        out,
        "\n  {}  {:>8} {:>7} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        pad("request", width),
        "count",
        "errors",
        "error %",
        "req/s",
        "avg ms",
        "p50 ms",
        "p90 ms",
        "p95 ms",
        "p99 ms",
        "max ms"
    );
    for r in &v.requests {
        let _ = writeln!(
            out,
            "  {}  {:>8} {:>7} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
            pad(&r.name, width),
            r.count,
            r.errors,
            r.error_rate,
            r.rps,
            r.avg,
            r.p50,
            r.p90,
            r.p95,
            r.p99,
            r.max
        );
    }
    for counter in &v.counters {
        let _ = writeln!(out, "  {counter}");
    }
}

fn thresholds(out: &mut String, v: &LoadView) {
    if v.thresholds.is_empty() {
        let _ = writeln!(out, "\n  no threshold set");
        return;
    }
    let width = v.thresholds.iter().map(|t| t.threshold.len()).max().unwrap_or(9).max(9);
    let measured = v.thresholds.iter().map(|t| t.measured.chars().count()).max().unwrap_or(8).max(8);
    let limit = v.thresholds.iter().map(|t| t.limit.chars().count()).max().unwrap_or(5).max(5);
    let _ = writeln!(out, "\n  {}  {:>measured$}  {:>limit$}  verdict", pad("threshold", width), "measured", "limit");
    for t in &v.thresholds {
        let _ = writeln!(
            out,
            "  {}  {:>measured$}  {:>limit$}  {}",
            pad(&t.threshold, width),
            t.measured,
            t.limit,
            t.verdict
        );
    }
}

fn requirements(out: &mut String, v: &LoadView) {
    if v.requirements.is_empty() {
        let _ = writeln!(out, "\n  no requirement broken under load");
    } else {
        let _ = writeln!(out, "\n  requirements broken under load");
        for r in &report_rows(v) {
            let _ = writeln!(out, "    {r}");
        }
    }
    if let Some(line) = &v.unanswered {
        let _ = writeln!(out, "  {line}");
    }
    if !v.by_status.is_empty() {
        let _ = writeln!(out, "  failed requests by status");
        for c in &v.by_status {
            let _ = writeln!(out, "    {:<28} {}", c.key, c.count);
        }
    }
}

/// `FAIL  GEN-ENV-006 (MUST)    3 responses  A successful operation …`.
fn report_rows(v: &LoadView) -> Vec<String> {
    let label = |r: &view::RequirementRow| format!("{} ({})", r.id, r.level);
    let width = v.requirements.iter().map(|r| label(r).len()).max().unwrap_or(0);
    v.requirements
        .iter()
        .map(|r| {
            let responses = view::plural(r.responses, "response", "responses");
            format!("{:<5} {}  {responses:>14}  {}", r.outcome, pad(&label(r), width), r.text).trim_end().to_string()
        })
        .collect()
}
