//! The HTML report: one self-contained file (inline CSS; no script, font or network fetch) that can
//! be attached to a certification or opened offline. The layout is in templates/report.html; this
//! file turns the run model into flat rows so the template needs no logic beyond loops and ifs. The
//! environment and the stylesheet (templates/report.css) are shared with the load report's HTML.

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};
use serde::Serialize;

use super::labels;
use super::{findings, requirements};
use crate::model::{
    Coverage, EndpointCoverage, FindingExample, FindingGroup, Outcome, RequirementVerdict, RunReport, RunStats,
    RunVerdict, Unchecked,
};

const TEMPLATE: &str = include_str!("templates/report.html");
/// The stylesheet of every HTML report, inlined into each.
pub(crate) const CSS: &str = include_str!("templates/report.css");
/// The verdict and the run's facts, the same at the top of every HTML report.
const HEADER: &str = include_str!("templates/header.html");

#[derive(Serialize)]
struct View<'a> {
    css: &'static str,
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
    /// Serializes lowercase (`pass`, `incomplete`), the CSS class.
    verdict_class: RunVerdict,
    reason: String,
    partial: Option<String>,
    stats: &'a RunStats,
    requirement_coverage: CoverageView<'a>,
    findings: Vec<FindingView>,
    requirements: Vec<RequirementRow<'a>>,
    coverage: &'a [EndpointCoverage],
    covered: usize,
    skipped: Vec<SkippedRow<'a>>,
}

#[derive(Serialize)]
struct CoverageView<'a> {
    lines: [String; 2],
    /// Every in-scope MUST no check reached, in full.
    unchecked: Vec<RequirementRow<'a>>,
    /// What the run did not set out to check, or what did not apply, grouped by why.
    unscoped: Vec<UnscopedView<'a>>,
}

#[derive(Serialize)]
struct UnscopedView<'a> {
    /// Serializes as the kind (`slow_tier`): the anchor.
    why: Unchecked,
    title: &'static str,
    hint: &'static str,
    requirements: Vec<RequirementRow<'a>>,
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
    coverage: &'static str,
    /// Serializes snake_case (`not_checked`), the CSS class.
    coverage_class: Coverage,
    /// Why it was not checked, in words, and where.
    why: Option<&'static str>,
    detail: Option<&'a str>,
}

#[derive(Serialize)]
struct FindingView {
    outcome: &'static str,
    class: Outcome,
    /// `MV-ITEM-001 (MUST)` or `harness error`; linked to its row of the requirements table.
    label: String,
    requirement_anchor: Option<String>,
    endpoint: String,
    /// The kind of deviation. A harness error's goes in a <pre>, like all evidence: it names the
    /// target URL.
    kind: String,
    error: bool,
    /// `80 times in 40 cases`.
    count: String,
    examples: Vec<ExampleView>,
}

#[derive(Serialize)]
struct ExampleView {
    place: String,
    error: Option<String>,
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
    let env = environment("report.html", TEMPLATE);
    let template = env.get_template("report.html").expect("the report template is registered");
    template.render(view(report)).expect("the report template renders every report (tested)")
}

/// The environment every HTML report renders in, with the template `name` and the shared header.
pub(crate) fn environment(name: &'static str, template: &'static str) -> Environment<'static> {
    let mut env = Environment::new();
    // Strict: a misspelt field in the template fails the tests instead of rendering blank.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_formatter(escape_html);
    // Block tags on their own lines leave no blank lines behind, so the output stays readable.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template("header.html", HEADER).expect("the header template parses (tested)");
    env.add_template(name, template).expect("the report templates parse (tested)");
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
        css: CSS,
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
        requirement_coverage: CoverageView {
            lines: requirements::lines(report),
            unchecked: requirements::unchecked_musts(report).into_iter().map(requirement_row).collect(),
            unscoped: requirements::unscoped(report)
                .into_iter()
                .map(|g| UnscopedView {
                    why: g.why,
                    title: g.title,
                    hint: g.hint,
                    requirements: g.requirements.into_iter().map(requirement_row).collect(),
                })
                .collect(),
        },
        findings: report.findings.iter().map(|g| finding_view(report, g)).collect(),
        requirements: report.requirements.iter().map(requirement_row).collect(),
        coverage: &report.coverage,
        covered: report.coverage.iter().filter(|e| e.calls > 0).count(),
        skipped: report
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Skipped)
            .map(|c| SkippedRow { case_id: &c.id, reason: labels::skip_reason(c).unwrap_or("") })
            .collect(),
    }
}

fn requirement_row(r: &RequirementVerdict) -> RequirementRow<'_> {
    RequirementRow {
        id: &r.id,
        anchor: requirement_anchor(&r.id),
        level: r.level.to_string(),
        text: &r.text,
        outcome: labels::outcome(r.outcome),
        class: r.outcome,
        checks: r.checks,
        failures: r.failures,
        coverage: labels::coverage(r.coverage),
        coverage_class: r.coverage,
        why: r.why.map(labels::why),
        detail: r.detail.as_deref(),
    }
}

fn requirement_anchor(id: &str) -> String {
    format!("req-{id}")
}

/// A request and response this long is cut in the HTML: every group's first example shows one, and
/// a few KB say what the target answered without one list answer filling the report.
const BODY_SHOWN: usize = 4 * 1024;

fn finding_view(report: &RunReport, g: &FindingGroup) -> FindingView {
    FindingView {
        outcome: labels::outcome(g.outcome),
        class: g.outcome,
        label: findings::label(g),
        // Only to a row of the requirements table.
        requirement_anchor: g
            .requirement
            .as_deref()
            .filter(|id| report.requirements.iter().any(|r| r.id == *id))
            .map(requirement_anchor),
        endpoint: g.endpoint.clone(),
        kind: g.kind.clone(),
        error: findings::is_error(g),
        count: findings::count(g),
        examples: g.examples.iter().enumerate().map(|(i, ex)| example_view(report, g, ex, i == 0)).collect(),
    }
}

/// An example's evidence; the first of a group also shows the exchange itself, from its step.
fn example_view(report: &RunReport, g: &FindingGroup, ex: &FindingExample, exchange: bool) -> ExampleView {
    let step = exchange
        .then(|| report.cases.iter().find(|c| c.id == ex.case))
        .flatten()
        .and_then(|c| c.steps.get(ex.step_index));
    let error = findings::is_error(g);
    ExampleView {
        place: findings::place(g, ex),
        error: if error { ex.actual.clone() } else { None },
        expected: ex.expected.clone(),
        actual: if error { None } else { ex.actual.clone() },
        instance_path: ex.instance_path.clone(),
        schema_path: ex.schema_path.clone(),
        request: step
            .and_then(|s| s.request.as_ref())
            .map(|r| format!("{} {}\nContent-Type: {}\n\n{}", r.method, r.url, r.content_type, cut(&r.body))),
        response: step.and_then(|s| s.response.as_ref()).map(|r| {
            let truncated = if r.truncated { "\n\n[body truncated]" } else { "" };
            format!(
                "HTTP {} · {}\nContent-Type: {}\n\n{}{truncated}",
                r.status,
                labels::seconds(r.duration_ms),
                r.content_type,
                cut(&r.body)
            )
        }),
        curl: ex.curl.clone(),
    }
}

/// `body`, or its first [`BODY_SHOWN`] characters and how much was left out (the JSON report has it).
fn cut(body: &str) -> String {
    match body.char_indices().nth(BODY_SHOWN) {
        Some((at, _)) => format!(
            "{}\n\n[cut here at {BODY_SHOWN} characters of {}: the JSON report has the rest]",
            &body[..at],
            body.chars().count()
        ),
        None => body.to_string(),
    }
}
