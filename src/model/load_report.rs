//! The report of a load run (`itsm-conform load`), as plain data: its header, the figures measured,
//! the thresholds judged on them, the requirements the responses broke under load, and the verdict.
//! Built once here from the summary; every load format (`load.junit.xml`, `load.json`, `load.md`,
//! `load.html`, the terminal summary) is a pure function of it. Serialized as `load.json`
//! (versioned; schema specs/meta/load-report.schema.json).
//!
//! A load run is not a conformance run: it certifies no requirement coverage and has no cases. Its
//! gates are its thresholds; the requirements broken under load are what the checks on every
//! response found, counted.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::{LoadSummary, ThresholdVerdict, NO_ANSWER};
use super::report::{Outcome, RunVerdict, Stop, SPEC_VERSION, TOOL};
use super::verdict;
use crate::spec::{Level, Spec};

/// Bumped when `load.json` changes incompatibly (adding fields keeps it); its JSON Schema is
/// specs/meta/load-report.schema.json.
pub const FORMAT_VERSION: u32 = 1;

/// A requirement the responses broke under load: how often, at its level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BrokenRequirement {
    pub id: String,
    // spec::Level has no JsonSchema impl: the schema names the strings it serializes to.
    #[schemars(with = "String", extend("enum" = ["MUST", "SHOULD", "MAY"]))]
    pub level: Level,
    /// The requirement as the spec words it (empty for an id outside the catalogue).
    pub text: String,
    /// `fail` for a MUST (an error), `warn` for a SHOULD (a warning).
    pub outcome: Outcome,
    /// Responses that broke it.
    pub responses: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadReport {
    pub format_version: u32,
    pub tool: String,
    pub tool_version: String,
    pub spec_version: String,
    pub target: String,
    /// True when the target was the embedded reference server.
    pub embedded_target: bool,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub duration_ms: u64,
    /// True when the run stopped before its run time or iterations (SIGINT, SIGTERM,
    /// `--abort-on-fail`).
    pub interrupted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stop>,
    /// Why it stopped early, in words (`--abort-on-fail: p95<0ms measured 3.1 ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    /// The flags that shaped the load (`--users 10`, `--scenario technician:4` …), for the record.
    pub selection: Vec<String>,
    /// Decided by [`verdict::load_verdict`]: the thresholds gate the run.
    pub verdict: RunVerdict,
    /// The requirements broken under load: MUST (errors) first, then SHOULD (warnings); by id
    /// within a level.
    pub requirements: Vec<BrokenRequirement>,
    /// Requests that got no answer (connection refused or reset, no response in time).
    pub unanswered: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The figures as measured, thresholds and their verdicts included: the same document as
    /// `load-summary.json` (the `--baseline` format).
    pub summary: LoadSummary,
}

impl LoadReport {
    /// The report of a load run: its summary, the spec that names the requirements it counted, and
    /// the flags that shaped it.
    pub fn new(summary: LoadSummary, spec: &Spec, selection: Vec<String>) -> LoadReport {
        LoadReport {
            format_version: FORMAT_VERSION,
            tool: TOOL.into(),
            tool_version: summary.tool_version.clone(),
            spec_version: SPEC_VERSION.into(),
            target: summary.target.clone(),
            embedded_target: summary.embedded_target,
            started_at: summary.started_at.clone(),
            duration_ms: (summary.duration_s.max(0.0) * 1000.0).round() as u64,
            interrupted: summary.interrupted,
            stopped: summary.interrupted.then_some(Stop::Interrupted),
            stop_reason: summary.stop_reason.clone(),
            selection,
            verdict: verdict::load_verdict(&summary),
            requirements: broken_under_load(&summary, spec),
            unanswered: summary.errors_by_requirement.get(NO_ANSWER).copied().unwrap_or(0),
            notes: summary.stop_reason.iter().map(|r| format!("stopped early: {r}")).collect(),
            summary,
        }
    }

    /// The thresholds, each with its measured value and verdict.
    pub fn thresholds(&self) -> &[ThresholdVerdict] {
        &self.summary.thresholds
    }

    /// The requirements broken under load at `outcome` (`fail`: MUST, `warn`: SHOULD).
    pub fn broken(&self, outcome: Outcome) -> impl Iterator<Item = &BrokenRequirement> {
        self.requirements.iter().filter(move |r| r.outcome == outcome)
    }
}

/// The requirements the checks on every response found broken, at the level the spec gives them
/// (the runtime counts MUST failures and SHOULD warnings apart; an id outside the catalogue, which
/// the built-in checks never produce, keeps the side it was counted on).
fn broken_under_load(summary: &LoadSummary, spec: &Spec) -> Vec<BrokenRequirement> {
    let errors = summary.errors_by_requirement.iter().filter(|(id, _)| *id != NO_ANSWER).map(|e| (e, Level::Must));
    let warnings = summary.warnings_by_requirement.iter().map(|w| (w, Level::Should));
    let mut out: Vec<BrokenRequirement> = errors
        .chain(warnings)
        .map(|((id, n), counted_as)| {
            let found = spec.requirement(id);
            let level = found.map_or(counted_as, |r| r.level);
            BrokenRequirement {
                id: id.clone(),
                level,
                text: found.map(|r| r.text.clone()).unwrap_or_default(),
                outcome: verdict::failure_at(level),
                responses: *n,
            }
        })
        .collect();
    // MUST (fail) before SHOULD (warn); the maps are sorted by id already and the sort is stable.
    out.sort_by_key(|r| std::cmp::Reverse(r.outcome));
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::load::RequestStats;

    fn stats(name: &str, count: u64, failures: u64) -> RequestStats {
        RequestStats {
            name: name.into(),
            count,
            failures,
            error_rate_pct: 0.0,
            rps: 0.0,
            avg_ms: 0.0,
            p50_ms: 0.0,
            p90_ms: 0.0,
            p95_ms: 0.0,
            p99_ms: 0.0,
            max_ms: 0.0,
        }
    }

    fn summary(count: u64, errors: &[(&str, u64)], warnings: &[(&str, u64)], thresholds: &[bool]) -> LoadSummary {
        LoadSummary {
            format_version: 1,
            tool_version: "0.1.0".into(),
            target: "http://127.0.0.1:8080/citsmart".into(),
            embedded_target: false,
            started_at: "2026-11-27T21:00:00Z".into(),
            duration_s: 2.5,
            interrupted: false,
            stop_reason: None,
            users: 2,
            scenarios: Vec::new(),
            validate_sample: 1.0,
            total: stats("all", count, errors.iter().map(|(_, n)| n).sum()),
            requests: Vec::new(),
            errors_by_requirement: errors.iter().map(|(id, n)| (id.to_string(), *n)).collect(),
            warnings_by_requirement: warnings.iter().map(|(id, n)| (id.to_string(), *n)).collect(),
            errors_by_status: BTreeMap::new(),
            relogins: 0,
            tolerated_rejections: 0,
            iterations_ended_early: 0,
            schema_validated: 0,
            schema_validated_distinct: 0,
            thresholds: thresholds
                .iter()
                .map(|passed| ThresholdVerdict {
                    threshold: "p95<1s".into(),
                    measured: Some(1.0),
                    measured_text: "1.0 ms".into(),
                    limit_text: "< 1000.0 ms".into(),
                    passed: *passed,
                })
                .collect(),
            passed: thresholds.iter().all(|p| *p),
        }
    }

    fn spec() -> Spec {
        crate::spec::load(&crate::spec::SpecFiles::embedded()).expect("the embedded spec loads")
    }

    #[test]
    fn broken_requirements_take_their_level_and_text_from_the_spec_musts_first() {
        let spec = spec();
        assert_eq!(spec.requirement("GEN-HTTP-004").map(|r| r.level), Some(Level::Should), "fixture premise");
        let s =
            summary(100, &[("MV-ITEM-001", 2), ("GEN-ENV-006", 3), (NO_ANSWER, 4)], &[("GEN-HTTP-004", 5)], &[true]);
        let r = LoadReport::new(s, &spec, vec!["--users 2".into()]);
        let got: Vec<(&str, Level, Outcome, u64)> =
            r.requirements.iter().map(|b| (b.id.as_str(), b.level, b.outcome, b.responses)).collect();
        assert_eq!(
            got,
            [
                ("GEN-ENV-006", Level::Must, Outcome::Fail, 3),
                ("MV-ITEM-001", Level::Must, Outcome::Fail, 2),
                ("GEN-HTTP-004", Level::Should, Outcome::Warn, 5),
            ]
        );
        assert!(r.requirements.iter().all(|b| !b.text.is_empty()));
        assert_eq!(r.unanswered, 4);
        assert_eq!((r.duration_ms, r.selection.len(), r.broken(Outcome::Warn).count()), (2500, 1, 1));
        // Broken requirements are reported; the thresholds decide the run.
        assert_eq!(r.verdict, RunVerdict::Pass);
    }

    #[test]
    fn the_verdict_is_the_load_verdict() {
        let spec = spec();
        assert_eq!(LoadReport::new(summary(10, &[], &[], &[false, true]), &spec, Vec::new()).verdict, RunVerdict::Fail);
        assert_eq!(LoadReport::new(summary(0, &[], &[], &[true]), &spec, Vec::new()).verdict, RunVerdict::Error);
        let mut stopped = summary(10, &[], &[], &[true]);
        stopped.interrupted = true;
        stopped.stop_reason = Some("interrupted (SIGINT or SIGTERM)".into());
        let r = LoadReport::new(stopped, &spec, Vec::new());
        assert_eq!((r.verdict, r.stopped), (RunVerdict::Incomplete, Some(Stop::Interrupted)));
        assert_eq!(r.notes, ["stopped early: interrupted (SIGINT or SIGTERM)"]);
        assert_eq!(verdict::load_exit_code(r.verdict), crate::exit::INCOMPLETE);
    }
}
