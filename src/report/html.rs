//! The HTML report: one self-contained file (inline CSS; no script, font or network fetch) that can
//! be attached to a certification or opened offline. The layout is in templates/report.html; this
//! file turns the run model into flat rows so the template needs no logic beyond loops and ifs.

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};
use serde::Serialize;

use super::findings::{findings, Finding};
use super::labels;
use super::load_section::{self, LoadSection};
use crate::run::model::{EndpointCoverage, Outcome, RunReport, RunStats, RunVerdict};

const TEMPLATE: &str = include_str!("templates/report.html");

#[derive(Serialize)]
struct View<'a> {
    /// `conformance` or `load`.
    kind: &'static str,
    tool: &'a str,
    tool_version: &'a str,
    spec_version: &'a str,
    target: &'a str,
    embedded_target: bool,
    started_at: &'a str,
    duration: String,
    selection: String,
    notes: &'a [String],
    verdict: &'static str,
    /// Serializes lowercase (`pass`), the CSS class.
    verdict_class: RunVerdict,
    reason: String,
    partial: Option<String>,
    stats: &'a RunStats,
    findings: Vec<FindingView>,
    requirements: Vec<RequirementRow<'a>>,
    coverage: &'a [EndpointCoverage],
    covered: usize,
    skipped: Vec<SkippedRow<'a>>,
    load: Option<LoadSection>,
}

#[derive(Serialize)]
struct RequirementRow<'a> {
    id: &'a str,
    anchor: String,
    level: String,
    text: &'a str,
    outcome: &'static str,
    class: Outcome,
    checks: usize,
    failures: usize,
}

#[derive(Serialize)]
struct FindingView {
    outcome: &'static str,
    class: Outcome,
    case_id: String,
    step: String,
    /// The requirement and check; a harness error's message goes in `error`, inside a <pre> like
    /// all evidence (it often names the target URL).
    headline: String,
    error: Option<String>,
    requirement_anchor: Option<String>,
    expected: Option<String>,
    actual: Option<String>,
    instance_path: Option<String>,
    schema_path: Option<String>,
    request: Option<String>,
    response: Option<String>,
    curl: Option<String>,
}

#[derive(Serialize)]
struct SkippedRow<'a> {
    case_id: &'a str,
    reason: &'a str,
}

pub fn render(report: &RunReport) -> String {
    let env = environment();
    let template = env.get_template("report.html").expect("the report template is registered");
    template.render(view(report)).expect("the report template renders every report (tested)")
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // Strict: a misspelt field in the template fails the tests instead of rendering blank.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_formatter(escape_html);
    // Block tags on their own lines leave no blank lines behind, so the output stays readable.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template("report.html", TEMPLATE).expect("the report template parses (tested)");
    env
}

/// Autoescaping of the five characters HTML needs escaped. minijinja's own HTML escaping also
/// turns `/` into `&#x2f;`, which HTML does not require and which makes every path and URL in the
/// evidence unreadable in the source and in snapshot diffs.
fn escape_html(out: &mut Output, state: &State, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(s) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            let mut plain = 0;
            for (i, c) in s.char_indices() {
                let entity = match c {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#x27;",
                    _ => continue,
                };
                out.write_str(&s[plain..i])?;
                out.write_str(entity)?;
                plain = i + 1;
            }
            out.write_str(&s[plain..])?;
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn view(report: &RunReport) -> View<'_> {
    View {
        kind: labels::kind(report),
        tool: &report.tool,
        tool_version: &report.tool_version,
        spec_version: &report.spec_version,
        target: &report.target,
        embedded_target: report.embedded_target,
        started_at: &report.started_at,
        duration: labels::seconds(report.duration_ms),
        selection: report.selection.join(" "),
        notes: &report.notes,
        verdict: labels::verdict(report.verdict),
        verdict_class: report.verdict,
        reason: labels::verdict_reason(report),
        partial: report.interrupted.then(labels::partial_line),
        stats: &report.stats,
        findings: findings(report).iter().map(|f| finding_view(report, f)).collect(),
        requirements: report
            .requirements
            .iter()
            .map(|r| RequirementRow {
                id: &r.id,
                anchor: requirement_anchor(&r.id),
                level: r.level.to_string(),
                text: &r.text,
                outcome: labels::outcome(r.outcome),
                class: r.outcome,
                checks: r.checks,
                failures: r.failures,
            })
            .collect(),
        coverage: &report.coverage,
        covered: report.coverage.iter().filter(|e| e.calls > 0).count(),
        skipped: report
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Skipped)
            .map(|c| SkippedRow { case_id: &c.id, reason: labels::skip_reason(c).unwrap_or("") })
            .collect(),
        load: report.load.as_ref().map(load_section::section),
    }
}

fn requirement_anchor(id: &str) -> String {
    format!("req-{id}")
}

fn finding_view(report: &RunReport, f: &Finding) -> FindingView {
    let check = f.check;
    FindingView {
        outcome: labels::outcome(f.outcome),
        class: f.outcome,
        case_id: f.case.id.clone(),
        step: labels::step(f.step_index, f.step),
        headline: if check.is_some() { f.headline() } else { "harness error".to_string() },
        error: if check.is_some() { None } else { f.step.error.clone() },
        // Only to a row of the requirements table (a load report's THRESHOLD has none).
        requirement_anchor: f
            .requirement()
            .filter(|(id, _)| report.requirements.iter().any(|r| r.id == *id))
            .map(|(id, _)| requirement_anchor(id)),
        expected: check.and_then(|c| c.expected.clone()),
        actual: check.and_then(|c| c.actual.clone()),
        instance_path: check.and_then(|c| c.instance_path.clone()),
        schema_path: check.and_then(|c| c.schema_path.clone()),
        request: f
            .step
            .request
            .as_ref()
            .map(|r| format!("{} {}\nContent-Type: {}\n\n{}", r.method, r.url, r.content_type, r.body)),
        response: f.step.response.as_ref().map(|r| {
            let truncated = if r.truncated { "\n\n[body truncated]" } else { "" };
            format!(
                "HTTP {} · {}\nContent-Type: {}\n\n{}{truncated}",
                r.status,
                labels::seconds(r.duration_ms),
                r.content_type,
                r.body
            )
        }),
        curl: f.step.curl.clone(),
    }
}
