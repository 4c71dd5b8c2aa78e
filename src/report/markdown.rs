//! A short Markdown summary for a pull-request comment: the verdict, the totals, requirement
//! coverage, and the first findings (grouped) with their first examples; the HTML report has the rest.

use std::fmt::Write as _;

use super::labels::{self, PARTIAL, PARTIAL_WHY};
use super::load_section::{self, CountRow, LoadSection};
use super::{findings, requirements};
use crate::model::{FindingGroup, RunReport};

/// More findings than this make the comment longer than reviewers read.
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
    // Steps and cases not run beside the case counts: a run can pass every case it ran while
    // steps were skipped and cases never ran.
    let totals = [
        ("cases", s.cases),
        ("passed", s.passed),
        ("warned", s.warned),
        ("failed", s.failed),
        ("errored", s.errored),
        ("skipped", s.skipped),
        ("not run", s.cases_not_run),
        ("steps", s.steps),
        ("steps skipped", s.steps_skipped),
        ("checks", s.checks),
        ("MUST failures", s.must_failures),
        ("SHOULD warnings", s.should_failures),
    ];
    let _ = writeln!(out, "| {} |", totals.map(|(label, _)| label).join(" | "));
    let _ = writeln!(out, "|{}", "---:|".repeat(totals.len()));
    let _ = writeln!(out, "| {} |", totals.map(|(_, n)| n.to_string()).join(" | "));

    if requirements::shown(report) {
        requirement_coverage(&mut out, report);
    }
    if let Some(load) = &report.load {
        load_tables(&mut out, &load_section::section(load));
    }

    let (failures, warnings) = findings::split(report);
    if !failures.is_empty() {
        let _ = writeln!(out, "\n### Failures ({})\n", failures.len());
        list(&mut out, &failures);
    }
    // Warnings do not block a merge: folded, so they do not push the failures off the screen.
    if !warnings.is_empty() {
        let _ = writeln!(out, "\n<details><summary>SHOULD warnings ({})</summary>\n", warnings.len());
        list(&mut out, &warnings);
        out.push_str("\n</details>\n");
    }
    out
}

/// The coverage lines, the counts of what was out of scope, and the unchecked MUST requirements.
fn requirement_coverage(out: &mut String, report: &RunReport) {
    out.push_str("\n### Requirements\n\n");
    for line in requirements::lines(report).iter().chain(&requirements::unscoped_counts(report)) {
        let _ = writeln!(out, "- {}", text(line));
    }
    let unchecked = requirements::unchecked_musts(report);
    if !unchecked.is_empty() {
        let _ = writeln!(out, "\nMUST requirements not checked ({}):\n", unchecked.len());
        for r in unchecked.iter().take(requirements::LISTED_UNCHECKED) {
            let _ = writeln!(out, "- {}", text(&requirements::unchecked_line(r)));
        }
        if unchecked.len() > requirements::LISTED_UNCHECKED {
            let more = unchecked.len() - requirements::LISTED_UNCHECKED;
            let _ = writeln!(out, "- _… and {more} more (see the HTML report)_");
        }
    }
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

/// Each finding: its headline, then its first examples with their evidence, one line each.
fn list(out: &mut String, groups: &[&FindingGroup]) {
    for g in groups.iter().take(MAX_ROWS) {
        // A harness error's kind is its message (it names the target URL): evidence, so code.
        let kind = if findings::is_error(g) { span(&g.kind, false) } else { text(&g.kind) };
        let _ = writeln!(
            out,
            "- **{}** {} {}: {kind} — {}",
            labels::outcome(g.outcome),
            text(&findings::label(g)),
            span(&g.endpoint, false),
            findings::count(g)
        );
        for ex in &g.examples {
            let evidence: Vec<String> = findings::evidence(g, ex)
                .into_iter()
                // The curl line is kept whole: cut, it reproduces nothing.
                .map(|(label, value)| format!("{label} {}", span(&value, label != "curl")))
                .collect();
            let _ = writeln!(out, "  - {}: {}", text(&findings::place(g, ex)), evidence.join(", "));
        }
    }
    if groups.len() > MAX_ROWS {
        let _ = writeln!(out, "\n_… and {} more (see the HTML report)_", groups.len() - MAX_ROWS);
    }
}

/// A value as a code span inside a table cell: one line, cut to [`MAX_VALUE_CHARS`], pipes escaped
/// (GitHub tables split cells on `|` even inside code spans) and a fence longer than any backtick run.
fn code(value: &str) -> String {
    fenced(&one_line(value, true).replace('|', "\\|"))
}

/// A value as a code span in running text (a list item): one line, cut to [`MAX_VALUE_CHARS`] when
/// `cut`. Pipes stay as they are: outside a table a backslash in a code span would show.
fn span(value: &str, cut: bool) -> String {
    fenced(&one_line(value, cut))
}

fn one_line(value: &str, cut: bool) -> String {
    let one_line: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if cut && one_line.chars().count() > MAX_VALUE_CHARS {
        one_line.chars().take(MAX_VALUE_CHARS - 1).collect::<String>() + "…"
    } else {
        one_line
    }
}

/// A code span around `one_line`, with a fence longer than any backtick run in it.
fn fenced(one_line: &str) -> String {
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
