//! A load run as a [`RunReport`], the model `run` reports with, so the same writers render it
//! (`load.junit.xml`, `load.json`, `load.md`, `load.html`). Each threshold is a case, and so is
//! each requirement broken under load: a CI dashboard shows a breached gate or a schema failure
//! under load the way it shows a conformance failure. The figures travel in `RunReport::load`.

use serde_json::Value;

use super::plan::LoadPlan;
use super::summary::LoadSummary;
use super::threshold::{self, ThresholdVerdict};
use crate::model::verdict;
use crate::model::{
    CaseResult, CheckResult, Outcome, RequirementCoverage, RunReport, StepResult, Stop, FORMAT_VERSION, SPEC_VERSION,
    TOOL,
};
use crate::spec::{Level, Spec};

/// The suite of every case of a load report.
pub const SUITE: &str = "load";
/// What a threshold case cites: thresholds gate a load run but are not requirements of the spec.
pub const THRESHOLD: &str = "THRESHOLD";
/// The key of `errors_by_requirement` for requests that got no answer (see the scenario runtime).
const TRANSPORT: &str = "transport";
/// The subject of a check over every request.
const ALL_REQUESTS: &str = "all requests";

/// The run report of a load run. `selection` lists the flags of the run (see [`selection`]).
pub fn to_run_report(summary: &LoadSummary, spec: &Spec, selection: Vec<String>) -> RunReport {
    let mut cases: Vec<CaseResult> = summary.thresholds.iter().map(threshold_case).collect();
    cases.extend(summary.errors_by_requirement.iter().map(|(id, n)| requirement_case(spec, id, *n)));
    cases.extend(summary.warnings_by_requirement.iter().map(|(id, n)| requirement_case(spec, id, *n)));
    let stats = verdict::stats(&cases);
    // A load run records only what broke, so only those requirements have a verdict to report.
    let mut requirements = verdict::requirement_verdicts(spec, &cases, &Default::default(), None);
    requirements.retain(|r| r.checks > 0);
    RunReport {
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
        verdict: verdict::load_verdict(summary),
        stats,
        // A load run gates on thresholds; it certifies no requirement coverage.
        requirement_coverage: RequirementCoverage::default(),
        requirements,
        coverage: Vec::new(),
        findings: crate::model::findings::group(&cases),
        cases,
        selection,
        notes: summary.stop_reason.iter().map(|r| format!("stopped early: {r}")).collect(),
        extra: Value::Null,
        load: Some(summary.clone()),
    }
}

/// The flags that shaped the load, for the record (`--users 10`, `--scenario technician:4` …).
pub fn selection(plan: &LoadPlan) -> Vec<String> {
    let mut out = vec![format!("--users {}", plan.users)];
    out.extend(plan.scenarios.iter().map(|(s, weight)| format!("--scenario {}:{weight}", s.name)));
    out.extend(plan.run_time.map(|d| format!("--run-time {d:?}")));
    out.extend(plan.iterations.map(|n| format!("--iterations {n}")));
    out.push(format!("--validate-sample {}", plan.validate_sample));
    out
}

fn threshold_case(v: &ThresholdVerdict) -> CaseResult {
    // `getNewest:p95<200ms` measures one request name; the expression parsed when the run was planned.
    let subject =
        threshold::parse(&v.threshold).ok().and_then(|t| t.request).unwrap_or_else(|| ALL_REQUESTS.to_string());
    let check = CheckResult {
        requirement: THRESHOLD.into(),
        level: Level::Must,
        outcome: if v.passed { Outcome::Pass } else { Outcome::Fail },
        check: v.threshold.clone(),
        expected: Some(v.threshold.clone()),
        actual: Some(v.measured_text.clone()),
        instance_path: None,
        schema_path: None,
        unchecked: None,
        occurrences: None,
    };
    case(&format!("threshold {}", v.threshold), "--threshold", step(&subject, vec![check], None))
}

/// A requirement broken `n` times under load: a failure at its level, or a harness error for
/// requests that got no answer (as `run` reports a refused connection).
fn requirement_case(spec: &Spec, id: &str, n: u64) -> CaseResult {
    let s = if n == 1 { "" } else { "s" };
    let step = if id == TRANSPORT {
        let error = format!("{n} request{s} got no answer (connection refused or reset, or no response in time)");
        step(ALL_REQUESTS, Vec::new(), Some(error))
    } else {
        // An id outside the catalogue cannot happen with the built-in checks; MUST is the safe side.
        let level = spec.requirement(id).map_or(Level::Must, |r| r.level);
        let check = CheckResult {
            requirement: id.to_string(),
            level,
            outcome: verdict::failure_at(level),
            check: "every response under load meets it".into(),
            expected: Some("no response breaks it".into()),
            actual: Some(format!("{n} response{s} broke it")),
            instance_path: None,
            schema_path: None,
            unchecked: None,
            occurrences: None,
        };
        step(ALL_REQUESTS, vec![check], None)
    };
    case(id, "scenario checks", step)
}

fn step(subject: &str, checks: Vec<CheckResult>, error: Option<String>) -> StepResult {
    let mut step = StepResult {
        name: subject.to_string(),
        endpoint: subject.to_string(),
        outcome: Outcome::Pass,
        skipped_reason: None,
        unchecked: None,
        request: None,
        response: None,
        error,
        checks,
        curl: None,
    };
    step.outcome = verdict::step_outcome(&step);
    step
}

fn case(name: &str, source: &str, step: StepResult) -> CaseResult {
    let steps = vec![step];
    CaseResult {
        id: format!("{SUITE}/{name}"),
        suite: SUITE.into(),
        name: name.to_string(),
        tags: Vec::new(),
        source: source.into(),
        outcome: verdict::case_outcome(&steps),
        duration_ms: 0,
        steps,
        can_check: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::load::summary::RequestStats;
    use crate::run::RunVerdict;

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

    fn summary(count: u64, errors: &[(&str, u64)], thresholds: &[(&str, bool)]) -> LoadSummary {
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
            warnings_by_requirement: Default::default(),
            errors_by_status: BTreeMap::new(),
            relogins: 0,
            tolerated_rejections: 0,
            iterations_ended_early: 0,
            schema_validated: 0,
            schema_validated_distinct: 0,
            thresholds: thresholds
                .iter()
                .map(|(t, passed)| ThresholdVerdict {
                    threshold: t.to_string(),
                    measured: Some(1.0),
                    measured_text: "1.0 ms".into(),
                    passed: *passed,
                })
                .collect(),
            passed: thresholds.iter().all(|(_, p)| *p),
        }
    }

    fn spec() -> Spec {
        crate::spec::load(&crate::spec::SpecFiles::embedded()).expect("the embedded spec loads")
    }

    fn outcomes(r: &RunReport) -> Vec<(&str, Outcome)> {
        r.cases.iter().map(|c| (c.id.as_str(), c.outcome)).collect()
    }

    #[test]
    fn thresholds_decide_and_broken_requirements_are_cases_at_their_level() {
        let spec = spec();
        let s = summary(
            100,
            &[("GEN-ENV-006", 3), ("GEN-HTTP-004", 1), ("transport", 2)],
            &[("p95<0ms", false), ("getNewest:p99<1s", true)],
        );
        assert_eq!(spec.requirement("GEN-HTTP-004").map(|r| r.level), Some(Level::Should), "fixture premise");
        let r = to_run_report(&s, &spec, vec!["--users 2".into()]);
        assert_eq!(r.verdict, RunVerdict::Fail);
        assert_eq!(
            outcomes(&r),
            [
                ("load/threshold p95<0ms", Outcome::Fail),
                ("load/threshold getNewest:p99<1s", Outcome::Pass),
                ("load/GEN-ENV-006", Outcome::Fail),
                ("load/GEN-HTTP-004", Outcome::Warn),
                ("load/transport", Outcome::Error),
            ]
        );
        assert_eq!(r.cases[1].steps[0].endpoint, "getNewest");
        let broken = &r.cases[2].steps[0].checks[0];
        assert_eq!(
            (broken.requirement.as_str(), broken.actual.as_deref()),
            ("GEN-ENV-006", Some("3 responses broke it"))
        );
        let ids: Vec<&str> = r.requirements.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["GEN-ENV-006", "GEN-HTTP-004"]);
        assert_eq!((r.stats.cases, r.stats.failed, r.stats.warned, r.stats.errored), (5, 2, 1, 1));
        assert_eq!((r.duration_ms, r.load.as_ref(), r.selection.len()), (2500, Some(&s), 1));
    }

    #[test]
    fn held_thresholds_pass_and_no_request_is_an_error() {
        let spec = spec();
        let r = to_run_report(&summary(10, &[("GEN-ENV-006", 1)], &[("error-rate<50%", true)]), &spec, Vec::new());
        // The broken requirement is reported, but the thresholds gate the run.
        assert_eq!((r.verdict, r.stats.failed), (RunVerdict::Pass, 1));
        let r = to_run_report(&summary(0, &[], &[("p95<1s", false)]), &spec, Vec::new());
        assert_eq!(r.verdict, RunVerdict::Error);
        assert_eq!(verdict::load_exit_code(r.verdict), crate::exit::HARNESS_ERROR);
    }
}
