//! The summary printed at the end of `itsm-conform run`: coverage tables, totals, requirement
//! coverage, the verdict, then the findings (grouped) with the evidence needed to act on them
//! without opening another report.

use std::fmt::Write as _;

use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use super::labels::{self, PARTIAL, PARTIAL_WHY};
use super::{findings, requirements, ReportFormat, RUN_PREFIX};
use crate::model::{Outcome, RunReport, RunVerdict};

/// ANSI styles behind one switch, so `color == false` can never leak an escape code.
struct Paint {
    on: bool,
}

impl Paint {
    const RED: &'static str = "\x1b[1;31m";
    const GREEN: &'static str = "\x1b[1;32m";
    const YELLOW: &'static str = "\x1b[1;33m";
    const MAGENTA: &'static str = "\x1b[1;35m";
    const BOLD: &'static str = "\x1b[1m";
    const DIM: &'static str = "\x1b[2m";
    const RESET: &'static str = "\x1b[0m";

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("{code}{text}{}", Self::RESET)
        } else {
            text.to_string()
        }
    }

    fn outcome(&self, o: Outcome) -> String {
        let code = match o {
            Outcome::Pass => Self::GREEN,
            Outcome::Warn => Self::YELLOW,
            Outcome::Fail => Self::RED,
            Outcome::Error => Self::MAGENTA,
            Outcome::Skipped => Self::DIM,
        };
        // Padded before painting so the columns line up with or without colour.
        self.paint(code, &format!("{:<5}", labels::outcome(o)))
    }

    fn verdict(&self, v: RunVerdict) -> String {
        let code = match v {
            RunVerdict::Pass => Self::GREEN,
            RunVerdict::Fail => Self::RED,
            RunVerdict::Incomplete => Self::YELLOW,
            RunVerdict::Error => Self::MAGENTA,
        };
        self.paint(code, labels::verdict(v))
    }
}

pub fn terminal_summary(report: &RunReport, color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    let _ = write!(
        out,
        "{} {} · spec {} · target {}",
        report.tool, report.tool_version, report.spec_version, report.target
    );
    if report.embedded_target {
        out.push_str(" (embedded reference server)");
    }
    let _ = writeln!(out);
    let _ = write!(out, "started {} · took {}", report.started_at, labels::seconds(report.duration_ms));
    if !report.selection.is_empty() {
        let _ = write!(out, " · selection: {}", report.selection.join(" "));
    }
    let _ = writeln!(out);
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }

    let _ = writeln!(out, "\nBy group\n{}", groups_table(report));
    let called = report.coverage.iter().filter(|e| e.calls > 0).count();
    let _ = writeln!(out, "\nBy endpoint ({called} of {} called)", report.coverage.len());
    if called > 0 {
        let _ = writeln!(out, "{}", endpoints_table(report));
    }
    let _ = writeln!(out, "\nTotals\n{}\n{}", cases_table(report), checks_table(report));
    if requirements::shown(report) {
        requirement_coverage(&mut out, report);
    }

    let _ = writeln!(out);
    if report.interrupted {
        let _ = writeln!(out, "{} ({PARTIAL_WHY})", paint.paint(Paint::YELLOW, PARTIAL));
    }
    let _ = writeln!(out, "verdict: {} ({})", paint.verdict(report.verdict), labels::verdict_reason(report));
    findings_section(&mut out, report, &paint);
    out
}

/// How many finding groups the terminal prints in full (up to three examples each, with evidence),
/// and how many it names in all; the files have every one.
const FULL_FINDINGS: usize = 10;
const LISTED_FINDINGS: usize = 40;

/// Where the rest is: the files `run` writes next to this summary.
fn see_files() -> String {
    format!("see {} or {}", ReportFormat::Html.file_name(RUN_PREFIX), ReportFormat::Json.file_name(RUN_PREFIX))
}

/// The coverage lines PASS rests on, the counts of what was out of scope, and every MUST left
/// unchecked with why (the first [`requirements::LISTED_UNCHECKED`]).
fn requirement_coverage(out: &mut String, report: &RunReport) {
    let _ = writeln!(out, "\nRequirements");
    for line in requirements::lines(report) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(counts) = requirements::unscoped_counts(report) {
        let _ = writeln!(out, "{counts}");
    }
    let unchecked = requirements::unchecked_musts(report);
    if !unchecked.is_empty() {
        let _ = writeln!(out, "MUST requirements not checked ({}):", unchecked.len());
        for r in unchecked.iter().take(requirements::LISTED_UNCHECKED) {
            let _ = writeln!(out, "  - {}", requirements::unchecked_line(r));
        }
        if unchecked.len() > requirements::LISTED_UNCHECKED {
            let more = unchecked.len() - requirements::LISTED_UNCHECKED;
            let _ = writeln!(out, "  … and {more} more: {}", see_files());
        }
    }
}

/// The findings of the run model, most severe first: the first ones in full, then their headlines.
fn findings_section(out: &mut String, report: &RunReport, paint: &Paint) {
    let all = &report.findings;
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", paint.paint(Paint::BOLD, &format!("Findings ({})", all.len())));
    for g in all.iter().take(FULL_FINDINGS) {
        let _ = writeln!(out, "\n{} {}", paint.outcome(g.outcome), findings::headline(g));
        for ex in &g.examples {
            let _ = writeln!(out, "      {}", findings::place(g, ex));
            for (label, value) in findings::evidence(g, ex) {
                // Continuation lines of multi-line values (a curl with a body) stay under the value.
                let value = value.replace('\n', &format!("\n{:17}", ""));
                let _ = writeln!(out, "        {} {value}", paint.paint(Paint::DIM, &format!("{label:<8}")));
            }
        }
    }
    if all.len() > FULL_FINDINGS {
        let _ = writeln!(out);
    }
    for g in all.iter().take(LISTED_FINDINGS).skip(FULL_FINDINGS) {
        let _ = writeln!(out, "{} {}", paint.outcome(g.outcome), findings::headline(g));
    }
    if all.len() > FULL_FINDINGS {
        let more = all.len().saturating_sub(LISTED_FINDINGS);
        let shown = if more > 0 { format!("… and {more} more; ") } else { String::new() };
        let _ = writeln!(out, "\n{shown}the examples and evidence of every finding: {}", see_files());
    }
}

/// Coverage summed per group, in the order the groups first appear in the coverage list.
fn groups_table(report: &RunReport) -> String {
    let mut groups: Vec<(&str, [usize; 5])> = Vec::new();
    for e in &report.coverage {
        let row = match groups.iter_mut().find(|(g, _)| *g == e.group) {
            Some((_, row)) => row,
            None => {
                groups.push((e.group.as_str(), [0; 5]));
                &mut groups.last_mut().expect("just pushed").1
            }
        };
        let counts = [1, usize::from(e.calls > 0), e.calls, e.passed, e.failed];
        row.iter_mut().zip(counts).for_each(|(total, n)| *total += n);
    }
    let mut b = Builder::default();
    b.push_record(["group", "endpoints", "called", "calls", "passed", "failed"]);
    for (group, counts) in groups {
        b.push_record(std::iter::once(group.to_string()).chain(counts.iter().map(usize::to_string)));
    }
    numeric(b, 1)
}

/// Only the endpoints that were called: the uncalled ones are counted in the heading, and listed
/// in the HTML report, so a filtered run does not print fifty rows of zeros.
fn endpoints_table(report: &RunReport) -> String {
    let mut b = Builder::default();
    b.push_record(["endpoint", "group", "calls", "passed", "failed"]);
    for e in report.coverage.iter().filter(|e| e.calls > 0) {
        b.push_record([
            e.path.clone(),
            e.group.clone(),
            e.calls.to_string(),
            e.passed.to_string(),
            e.failed.to_string(),
        ]);
    }
    numeric(b, 2)
}

/// Cases, with the steps beside them: a run can pass every case it ran while steps were skipped and
/// cases never ran, and that must show here, not only in the requirement coverage.
fn cases_table(report: &RunReport) -> String {
    let s = &report.stats;
    let mut b = Builder::default();
    b.push_record(["cases", "passed", "warned", "failed", "errored", "skipped", "not run", "steps", "steps skipped"]);
    b.push_record(
        [s.cases, s.passed, s.warned, s.failed, s.errored, s.skipped, s.cases_not_run, s.steps, s.steps_skipped]
            .map(|n| n.to_string()),
    );
    numeric(b, 0)
}

fn checks_table(report: &RunReport) -> String {
    let s = &report.stats;
    let mut b = Builder::default();
    b.push_record(["checks", "MUST failures", "SHOULD warnings", "harness errors"]);
    b.push_record([s.checks, s.must_failures, s.should_failures, s.harness_errors].map(|n| n.to_string()));
    numeric(b, 0)
}

/// The project's table style, with counts right-aligned from column `first_number` on.
fn numeric(b: Builder, first_number: usize) -> String {
    let mut table = b.build();
    table.with(Style::sharp());
    table.modify(Columns::new(first_number..), Alignment::right());
    table.to_string()
}
