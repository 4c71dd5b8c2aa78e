//! A short Markdown summary for a pull-request comment: the verdict, the totals, and the first
//! failures; the full evidence is in the HTML report.

use std::fmt::Write as _;

use super::findings::{findings, Finding};
use super::labels::{self, PARTIAL, PARTIAL_WHY};
use super::load_section::{self, CountRow, LoadSection};
use crate::run::model::{Outcome, RunReport};

/// More rows than this make the comment longer than reviewers read.
const MAX_ROWS: usize = 20;
/// Longer values are cut; the HTML report has them whole.
const MAX_VALUE_CHARS: usize = 80;

pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let kind = if report.load.is_some() { " load" } else { "" };
    let _ = writeln!(out, "## {}{kind} verdict: **{}**\n", report.tool, labels::verdict(report.verdict));
    if report.interrupted {
        let _ = writeln!(out, "> **{PARTIAL}** ({PARTIAL_WHY}).\n");
    }
    let _ = writeln!(
        out,
        "{}. Target {}{} · spec {} · {} {} · {}\n",
        text(&labels::verdict_reason(report)),
        code(&report.target),
        if report.embedded_target { " (embedded reference server)" } else { "" },
        text(&report.spec_version),
        report.tool,
        text(&report.tool_version),
        code(&report.started_at),
    );

    let s = &report.stats;
    out.push_str(
        "| cases | passed | warned | failed | errored | skipped | checks | MUST failures | SHOULD warnings |\n",
    );
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        s.cases, s.passed, s.warned, s.failed, s.errored, s.skipped, s.checks, s.must_failures, s.should_failures
    );

    if let Some(load) = &report.load {
        load_tables(&mut out, &load_section::section(load));
    }

    let all = findings(report);
    let (warnings, failures): (Vec<&Finding>, Vec<&Finding>) = all.iter().partition(|f| f.outcome == Outcome::Warn);
    if !failures.is_empty() {
        let _ = writeln!(out, "\n### Failures ({})\n", failures.len());
        table(&mut out, &failures);
    }
    // Warnings do not block a merge: folded, so they do not push the failures off the screen.
    if !warnings.is_empty() {
        let _ = writeln!(out, "\n<details><summary>SHOULD warnings ({})</summary>\n", warnings.len());
        table(&mut out, &warnings);
        out.push_str("\n</details>\n");
    }
    out
}

/// The figures of a load run: per request, the thresholds, the failures by requirement and status.
fn load_tables(out: &mut String, load: &LoadSection) {
    let _ = writeln!(out, "\n### Load\n\n{}.\n", text(&load.shape));
    out.push_str("| request | count | errors | req/s | p50 ms | p90 ms | p95 ms | p99 ms | max ms |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in &load.requests {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            code(&r.name),
            r.count,
            r.errors,
            r.rps,
            r.p50,
            r.p90,
            r.p95,
            r.p99,
            r.max
        );
    }
    if !load.thresholds.is_empty() {
        out.push_str("\n| threshold | measured | verdict |\n|---|---:|---|\n");
        for t in &load.thresholds {
            let _ = writeln!(out, "| {} | {} | {} |", code(&t.threshold), text(&t.measured), t.verdict);
        }
    }
    if load.by_requirement.is_empty() {
        out.push_str("\nNo failed check.\n");
    } else {
        counts(out, "requirement", &load.by_requirement);
        counts(out, "status", &load.by_status);
    }
    let _ = writeln!(out, "\n{}.", text(&load.counters.join("; ")));
}

/// Failed requests by `key` (requirement or status).
fn counts(out: &mut String, key: &str, rows: &[CountRow]) {
    let _ = writeln!(out, "\n| failures by {key} | responses |\n|---|---:|");
    for r in rows {
        let _ = writeln!(out, "| {} | {} |", code(&r.key), r.count);
    }
}

fn table(out: &mut String, rows: &[&Finding]) {
    out.push_str("| | requirement | endpoint | case | expected | actual |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for f in rows.iter().take(MAX_ROWS) {
        let (requirement, expected, actual) = match f.check {
            Some(c) => (
                format!("{} ({})", c.requirement, c.level),
                c.expected.as_deref().map_or_else(String::new, code),
                c.actual.as_deref().map_or_else(String::new, code),
            ),
            None => {
                ("harness error".to_string(), String::new(), f.step.error.as_deref().map_or_else(String::new, code))
            }
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {expected} | {actual} |",
            labels::outcome(f.outcome),
            text(&requirement),
            code(&f.step.endpoint),
            text(&f.case.id),
        );
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(out, "\n_and {} more_", rows.len() - MAX_ROWS);
    }
}

/// A value as a code span inside a table cell: one line, cut to [`MAX_VALUE_CHARS`], pipes escaped
/// (GitHub tables split cells on `|` even inside code spans) and a fence longer than any backtick run.
fn code(value: &str) -> String {
    let mut one_line: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_VALUE_CHARS {
        one_line = one_line.chars().take(MAX_VALUE_CHARS - 1).collect::<String>() + "…";
    }
    let one_line = one_line.replace('|', "\\|");
    let longest_run = one_line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    // A space keeps a value that starts or ends with a backtick apart from the fence.
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{one_line}{pad}{fence}")
}

/// Plain text in a table cell: one line, with the characters Markdown or HTML would interpret escaped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(code("a|b\nc"), "`a\\|b c`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`q`"), "`` `q` ``");
        assert_eq!(text("<b>a_b|c</b>"), "&lt;b&gt;a\\_b\\|c&lt;/b&gt;");
        assert_eq!(code(&"x".repeat(100)).chars().count(), MAX_VALUE_CHARS + 2);
    }
}
