//! `load.md`: a load run for a pull-request comment. The verdict and why, the thresholds measured
//! against their limits, the request figures, the scenario mix, and the requirements broken under
//! load with their text.

use std::fmt::Write as _;

use super::view::{self, LoadView};
use crate::model::LoadReport;
use crate::report::markdown::{code, text};

pub fn render(report: &LoadReport) -> String {
    let v = view::view(report);
    let mut out = String::new();
    let _ = writeln!(out, "## {} load verdict: **{}**\n", v.tool, v.verdict);
    if let Some(partial) = &v.partial {
        let _ = writeln!(out, "> **{}**.\n", text(partial));
    }
    let _ = writeln!(
        out,
        "{}. Target {}{} · spec {} · {} {} · {} · took {}",
        text(&v.reason),
        code(&v.target),
        if v.embedded_target { " (embedded reference server)" } else { "" },
        text(&v.spec_version),
        v.tool,
        text(&v.tool_version),
        code(&v.started_at),
        text(&v.duration),
    );
    if !v.selection.is_empty() {
        let _ = writeln!(out, "\nSelection: {}", code(&v.selection));
    }
    if !v.notes.is_empty() {
        out.push('\n');
    }
    for note in &v.notes {
        let _ = writeln!(out, "- note: {}", text(note));
    }
    thresholds(&mut out, &v);
    requests(&mut out, &v);
    scenarios(&mut out, &v);
    requirements(&mut out, &v);
    out
}

fn thresholds(out: &mut String, v: &LoadView) {
    out.push_str("\n### Thresholds\n\n");
    if v.thresholds.is_empty() {
        out.push_str("No threshold set.\n");
        return;
    }
    out.push_str("| threshold | measured | limit | verdict |\n|---|---:|---:|---|\n");
    for t in &v.thresholds {
        let _ =
            writeln!(out, "| {} | {} | {} | {} |", code(&t.threshold), text(&t.measured), text(&t.limit), t.verdict);
    }
}

fn requests(out: &mut String, v: &LoadView) {
    let _ = writeln!(out, "\n### Requests\n\n{}.\n", text(&v.shape));
    out.push_str(
        "| request | count | errors | error % | req/s | avg ms | p50 ms | p90 ms | p95 ms | p99 ms | max ms |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in &v.requests {
        let cells = [&r.error_rate, &r.rps, &r.avg, &r.p50, &r.p90, &r.p95, &r.p99, &r.max];
        let cells: Vec<&str> = cells.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(out, "| {} | {} | {} | {} |", code(&r.name), r.count, r.errors, cells.join(" | "));
    }
    let _ = writeln!(out, "\n{}.", text(&v.counters.join("; ")));
}

fn scenarios(out: &mut String, v: &LoadView) {
    out.push_str("\n### Scenario mix\n\n| scenario | weight | share |\n|---|---:|---:|\n");
    for s in &v.scenarios {
        let _ = writeln!(out, "| {} | {} | {} |", code(&s.name), s.weight, s.share);
    }
}

fn requirements(out: &mut String, v: &LoadView) {
    out.push_str("\n### Requirements broken under load\n\n");
    if v.requirements.is_empty() {
        out.push_str("No requirement broken under load.\n");
    } else {
        out.push_str("| requirement | level | responses | verdict | requirement text |\n|---|---|---:|---|---|\n");
        for r in &v.requirements {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                code(&r.id),
                r.level,
                r.responses,
                r.outcome,
                text(&r.text)
            );
        }
    }
    if let Some(line) = &v.unanswered {
        let _ = writeln!(out, "\n{}.", text(line));
    }
    if !v.by_status.is_empty() {
        out.push_str("\n| failed requests by status | requests |\n|---|---:|\n");
        for c in &v.by_status {
            let _ = writeln!(out, "| {} | {} |", code(&c.key), c.count);
        }
    }
}
