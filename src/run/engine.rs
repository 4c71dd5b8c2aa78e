//! Runs cases: independent cases concurrently (`--jobs`), steps of a case in order. Running a case
//! never fails as a function: problems become verdicts in its `CaseResult`.
//!
//! Every planned case ends up in the report: run, partly run, or listed as not run with why (the
//! run was interrupted, the circuit breaker stopped it, the slow tier or vendor input it needs was
//! not given). What each step can check is recorded beside it, so the verdict can tell a MUST that
//! held from one nobody checked.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use parking_lot::Mutex;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::config::RunConfig;
use super::generate;
use super::http;
use super::state_locks::StateLocks;
use crate::check::select::select;
use crate::check::{self, CompiledStep, FullView, OperationIds, Rec, SchemaMode};
use crate::model::verdict;
use crate::model::{
    CaseResult, CheckResult, Outcome, RequestRecord, ResponseRecord, RunReport, StepResult, Stop, Unchecked,
    FORMAT_VERSION, SPEC_VERSION, TOOL,
};
use crate::schema::SchemaRegistry;
use crate::secrets::Secrets;
use crate::spec::{xml, Endpoint, Group, Level, Spec};
use crate::suite::template::{self, Vars};
use crate::suite::{CaseDef, StepDef, SLOW_TAG};

/// Response bodies kept in reports are cut here (the check ran on the whole body).
const REPORT_BODY_LIMIT: usize = 16 * 1024;
const LOGIN_PATHS: [&str; 3] = ["/services/login", "/services/v2/login", "/services/xml/login"];

/// Lets a caller stop a run: on SIGINT/SIGTERM (interrupted) or when the target stopped answering
/// (circuit breaker). Requests in flight are abandoned, cases not yet started are not run, and
/// the report says so.
#[derive(Clone, Default)]
pub struct RunHandle {
    token: CancellationToken,
    stop: Arc<Mutex<Option<(Stop, String)>>>,
}

impl RunHandle {
    /// Interrupts the run (Ctrl-C): verdict INCOMPLETE unless a MUST already failed.
    pub fn cancel(&self) {
        self.interrupt("interrupted");
    }

    /// Interrupts the run, saying why (`interrupted by SIGTERM`).
    pub fn interrupt(&self, reason: &str) {
        self.stop_with(Stop::Interrupted, reason.to_string());
    }

    fn stop_with(&self, stop: Stop, reason: String) {
        let mut slot = self.stop.lock();
        if slot.is_none() {
            *slot = Some((stop, reason));
        }
        drop(slot);
        self.token.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    fn stopped(&self) -> Option<(Stop, String)> {
        self.stop.lock().clone()
    }
}

/// Progress callbacks (the terminal progress bar); all no-ops by default.
pub trait Progress: Send + Sync {
    fn planned(&self, _cases: usize) {}
    fn finished(&self, _case: &CaseResult) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// A case of the run, with what its steps can check; `out_of_scope` when it is listed but not run.
struct Planned {
    suite: String,
    source: String,
    case: CaseDef,
    /// Each step compiled once (None for an endpoint the spec lacks, which the loader rejects).
    compiled: Vec<Option<CompiledStep>>,
    can_check: Vec<Vec<String>>,
    out_of_scope: Option<(Unchecked, String)>,
}

struct Ctx<'a> {
    config: &'a RunConfig,
    registry: &'a SchemaRegistry,
    client: reqwest::Client,
    operation_ids: OperationIds,
    seq: AtomicU64,
    run_id: String,
    handle: &'a RunHandle,
    /// Requests in a row that got no answer (the circuit breaker's count).
    unanswered: AtomicUsize,
    /// The target state cases declare they read or write.
    state: StateLocks,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn compile(spec: &Spec, case: &CaseDef) -> Vec<Option<CompiledStep>> {
    case.steps.iter().map(|step| spec.endpoint(&step.call).map(|e| CompiledStep::new(spec, e, step))).collect()
}

fn can_check(spec: &Spec, case: &CaseDef, compiled: &[Option<CompiledStep>]) -> Vec<Vec<String>> {
    case.steps
        .iter()
        .zip(compiled)
        .map(|(step, c)| match (spec.endpoint(&step.call), c) {
            (Some(endpoint), Some(c)) => check::scope::can_check(c, spec, endpoint).into_iter().collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Whether the selection (`--group`, `--endpoint`, `--tag`) keeps a case.
fn selected(config: &RunConfig, suite: &str, suite_tags: &[String], case: &CaseDef) -> bool {
    let all: Vec<&str> = case.steps.iter().map(|s| s.call.as_str()).collect();
    let main: Vec<&str> = all.iter().copied().filter(|c| !LOGIN_PATHS.contains(c)).collect();
    let endpoints = if main.is_empty() { all } else { main };
    let sel = &config.selection;
    let group_ok = sel.groups.is_empty()
        || endpoints.iter().any(|e| Group::of_path(e).is_some_and(|g| sel.groups.iter().any(|s| s == g.name())));
    let endpoint_ok = sel.endpoints.is_empty() || endpoints.iter().any(|e| sel.endpoints.iter().any(|s| s == e));
    let tag_ok = sel.tags.is_empty()
        || case.tags.iter().chain(suite_tags).any(|t| sel.tags.iter().any(|s| s == t))
        || sel.tags.iter().any(|t| t == suite);
    group_ok && endpoint_ok && tag_ok
}

/// Why a selected case is listed but not run, if it is: the slow tier, vendor input, or roles that
/// one account plays together (the case is about one user's work seen by another).
fn out_of_scope(config: &RunConfig, case: &CaseDef) -> Option<(Unchecked, String)> {
    let users: BTreeSet<&str> = case
        .distinct_roles
        .iter()
        .filter_map(|r| config.credentials.roles.get(r).map(|(user, _)| user.as_str()))
        .collect();
    if case.distinct_roles.len() > 1 && users.len() < case.distinct_roles.len() {
        return Some((
            Unchecked::NotApplicable,
            format!("one account plays {}: the case is about different users", case.distinct_roles.join(" and ")),
        ));
    }
    // Distinct accounts, not entries: a file may list one account twice.
    let short: Vec<String> = case
        .accounts
        .iter()
        .filter(|(role, &wanted)| {
            let pool = config.credentials.pools.get(*role).map(Vec::as_slice).unwrap_or_default();
            pool.iter().map(|(user, _)| user).collect::<BTreeSet<_>>().len() < wanted
        })
        .map(|(role, wanted)| format!("{wanted} {role} accounts"))
        .collect();
    if !short.is_empty() {
        return Some((Unchecked::FewAccounts, format!("{} (needs {})", verdict::FEW_ACCOUNTS, short.join(", "))));
    }
    if case.tags.iter().any(|t| t == SLOW_TAG) && !config.include_slow {
        return Some((Unchecked::SlowTier, verdict::out_of_scope_detail(Unchecked::SlowTier)));
    }
    let missing: Vec<&str> =
        case.needs.iter().map(String::as_str).filter(|n| !config.inputs.contains_key(*n)).collect();
    if !missing.is_empty() {
        return Some((
            Unchecked::VendorInput,
            format!(
                "needs input only the vendor has ({}): give --data-query NAME (or data_query: in the credentials file)",
                missing.join(", ")
            ),
        ));
    }
    None
}

/// The cases of the run in a stable order (suites by name, then cases), and for each requirement
/// that only cases the selection left out could check, why it is out of scope.
fn plan(config: &RunConfig, spec: &Spec) -> (Vec<Planned>, BTreeMap<String, Unchecked>) {
    let mut all: Vec<(String, String, Vec<String>, CaseDef)> = Vec::new();
    for loaded in &config.suites {
        for case in &loaded.suite.cases {
            all.push((loaded.suite.name.clone(), loaded.file.clone(), loaded.suite.tags.clone(), case.clone()));
        }
    }
    if config.generated {
        for suite in generate::generate(spec) {
            for case in suite.cases {
                all.push((suite.name.clone(), "generated".into(), Vec::new(), case));
            }
        }
    }
    let mut planned = Vec::new();
    let mut excluded: BTreeMap<String, Unchecked> = BTreeMap::new();
    for (suite, source, suite_tags, case) in all {
        let compiled = compile(spec, &case);
        let checks = can_check(spec, &case, &compiled);
        if !selected(config, &suite, &suite_tags, &case) {
            for id in checks.iter().flatten() {
                excluded.entry(id.clone()).or_insert(Unchecked::Selection);
            }
            continue;
        }
        let out_of_scope = out_of_scope(config, &case);
        planned.push(Planned { suite, source, case, compiled, can_check: checks, out_of_scope });
    }
    (planned, excluded)
}

/// Runs every selected case and builds the report. `handle` may stop it: the report is then
/// marked interrupted, and the cases and steps that did not run are listed as not run.
pub async fn run_suites(
    config: &RunConfig,
    registry: Arc<SchemaRegistry>,
    handle: &RunHandle,
    progress: &dyn Progress,
) -> Result<RunReport, http::ClientError> {
    let started = Instant::now();
    let started_at = crate::time::iso(now_ms());
    let client = http::client(config)?;
    let spec = registry.spec().clone();
    let (planned, excluded) = plan(config, &spec);
    progress.planned(planned.len());
    let ctx = Ctx {
        config,
        registry: &registry,
        client,
        operation_ids: OperationIds::default(),
        seq: AtomicU64::new(1),
        run_id: format!("{:x}", now_ms() % 0xFFFF_FFFF),
        handle,
        unanswered: AtomicUsize::new(0),
        state: StateLocks::new(planned.iter().map(|p| &p.case.state)),
    };
    let ctx = &ctx;
    let mut results: Vec<(usize, CaseResult)> = futures::stream::iter(planned.iter().enumerate())
        .map(|(index, p)| async move {
            let result = match &p.out_of_scope {
                Some((why, reason)) => not_run(p, *why, reason),
                None if ctx.handle.is_cancelled() => not_run(p, Unchecked::NotRun, &not_run_reason(ctx)),
                None => {
                    let _held = ctx.state.hold(&p.case.state).await;
                    run_case(ctx, p, index).await
                }
            };
            progress.finished(&result);
            (index, result)
        })
        .buffer_unordered(config.jobs.max(1))
        .collect()
        .await;
    results.sort_by_key(|(i, _)| *i);
    let cases: Vec<CaseResult> = results.into_iter().map(|(_, c)| c).collect();
    let stats = verdict::stats(&cases);
    let requirements = verdict::requirement_verdicts(&spec, &cases, &excluded, config.selection.level);
    let requirement_coverage = verdict::requirement_coverage(&requirements);
    let stopped = handle.stopped();
    let mut requirements = requirements;
    if config.selection.level == Some(Level::Must) {
        requirements.retain(|r| r.level == Level::Must);
    }
    Ok(RunReport {
        format_version: FORMAT_VERSION,
        tool: TOOL.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        spec_version: SPEC_VERSION.into(),
        target: config.target.clone(),
        embedded_target: config.embedded,
        started_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        interrupted: stopped.is_some(),
        verdict: verdict::run_verdict(&stats, &requirement_coverage, stopped.as_ref().map(|s| s.0)),
        stopped: stopped.as_ref().map(|s| s.0),
        stop_reason: stopped.map(|s| s.1),
        stats,
        requirement_coverage,
        requirements,
        coverage: verdict::coverage(&spec, &cases),
        findings: crate::model::findings::group(&cases),
        cases,
        selection: config.selection.describe(),
        notes: Vec::new(),
        extra: Value::Null,
    })
}

fn not_run_reason(ctx: &Ctx<'_>) -> String {
    match ctx.handle.stopped() {
        Some((_, reason)) => format!("not run: {reason}"),
        None => "not run".into(),
    }
}

fn step_name(step: &StepDef) -> String {
    step.name.clone().unwrap_or_else(|| step.call.clone())
}

fn skipped(step: &StepDef, why: Unchecked, reason: &str) -> StepResult {
    StepResult {
        name: step_name(step),
        endpoint: step.call.clone(),
        outcome: Outcome::Skipped,
        skipped_reason: Some(reason.to_string()),
        unchecked: Some(why),
        request: None,
        response: None,
        error: None,
        checks: Vec::new(),
        curl: None,
    }
}

/// A case listed but not run: every step skipped for `why`.
fn not_run(planned: &Planned, why: Unchecked, reason: &str) -> CaseResult {
    let steps: Vec<StepResult> = planned.case.steps.iter().map(|s| skipped(s, why, reason)).collect();
    CaseResult {
        id: format!("{}/{}", planned.suite, planned.case.name),
        suite: planned.suite.clone(),
        name: planned.case.name.clone(),
        tags: planned.case.tags.clone(),
        source: planned.source.clone(),
        outcome: Outcome::Skipped,
        duration_ms: 0,
        steps,
        can_check: planned.can_check.clone(),
    }
}

fn base_vars(ctx: &Ctx<'_>, index: usize) -> Vars {
    let mut vars = Vars::new();
    let now = now_ms();
    vars.insert("unique".into(), Value::String(format!("{}-{index}", ctx.run_id)));
    vars.insert(
        "seq".into(),
        Value::from(ctx.seq.fetch_add(1, Ordering::Relaxed) + u64::try_from(now / 1000).unwrap_or(0)),
    );
    vars.insert("now_ms".into(), Value::from(now));
    vars.insert("now_iso".into(), Value::String(crate::time::iso(now)));
    for (role, (user, password)) in &ctx.config.credentials.roles {
        vars.insert(format!("{role}.user"), Value::String(user.clone()));
        vars.insert(format!("{role}.password"), Value::String(password.clone()));
    }
    for (role, pool) in &ctx.config.credentials.pools {
        let mut seen = BTreeSet::new();
        let distinct = pool.iter().filter(|(user, _)| seen.insert(user.as_str()));
        for (n, (user, password)) in distinct.enumerate().skip(1) {
            vars.insert(format!("{role}.{}.user", n + 1), Value::String(user.clone()));
            vars.insert(format!("{role}.{}.password", n + 1), Value::String(password.clone()));
        }
    }
    for (name, value) in &ctx.config.inputs {
        vars.insert(name.clone(), Value::String(value.clone()));
    }
    // The slow tier's waits: half the session's life, then past its end (with a margin for the
    // requests in between), so a session extended by use would still be alive.
    let ttl = u64::try_from(ctx.config.session_ttl.as_millis()).unwrap_or(u64::MAX);
    let half = ttl / 2;
    let margin = (ttl / 10).max(1000);
    vars.insert("half_session_ms".into(), Value::from(half));
    vars.insert("rest_of_session_ms".into(), Value::from(ttl - half + margin));
    vars
}

fn xml_root(endpoint: &Endpoint, step: &StepDef) -> String {
    if let Some(root) = &step.xml_root {
        return root.clone();
    }
    endpoint
        .examples
        .request_xml
        .as_deref()
        .and_then(|x| roxmltree::Document::parse(x).ok().map(|d| d.root_element().tag_name().name().to_string()))
        .unwrap_or_else(|| "Request".into())
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A curl command that reproduces `request` (already redacted).
fn curl_line(request: &RequestRecord) -> String {
    let RequestRecord { method, url, content_type, body } = request;
    format!(
        "curl -sS -X {method} {} -H {} -H 'Accept: application/json'{}",
        shell_quote(url),
        shell_quote(&format!("Content-Type: {content_type}")),
        if body.is_empty() { String::new() } else { format!(" --data-raw {}", shell_quote(body)) }
    )
}

/// The variables a step's request and expectations use.
fn variables_of(step: &StepDef) -> BTreeSet<String> {
    step.variables().into_iter().collect()
}

/// What a step left for the rest of its case.
enum After {
    /// Go on.
    Continue,
    /// The rest of the case cannot run, for this reason (of this kind).
    Stop(Unchecked, String),
}

async fn run_case(ctx: &Ctx<'_>, planned: &Planned, index: usize) -> CaseResult {
    let started = Instant::now();
    let mut vars = base_vars(ctx, index);
    let mut secrets = Secrets::new(ctx.config.credentials.secrets());
    let mut steps: Vec<StepResult> = Vec::new();
    let mut stop: Option<(Unchecked, String)> = None;
    // Captures a step did not make, and why: later steps that need one of them cannot run.
    let mut missing: BTreeMap<String, (Unchecked, String)> = BTreeMap::new();
    let case_id = format!("{}/{}", planned.suite, planned.case.name);
    for (n, step) in planned.case.steps.iter().enumerate() {
        if stop.is_none() && ctx.handle.is_cancelled() {
            stop = Some((Unchecked::NotRun, not_run_reason(ctx)));
        }
        // A teardown step runs even after the case stopped (not after the run stopped): it puts
        // the target back for the cases that follow.
        let runs_anyway =
            step.teardown && !ctx.handle.is_cancelled() && variables_of(step).iter().all(|v| vars.contains_key(v));
        if let Some((why, reason)) = stop.as_ref().filter(|_| !runs_anyway) {
            steps.push(skipped(step, *why, reason));
            continue;
        }
        if let Some((var, (kind, why))) =
            variables_of(step).into_iter().find_map(|v| missing.get(&v).cloned().map(|w| (v, w)))
        {
            steps.push(skipped(step, kind, &format!("needs `{var}`: {why}")));
            continue;
        }
        let step_id = format!("{case_id} step {}", n + 1);
        let compiled = planned.compiled.get(n).and_then(Option::as_ref);
        let (result, after) = run_step(ctx, step, compiled, &step_id, n, &mut vars, &mut secrets).await;
        // Every capture this step did not make is missing for the steps after it.
        for name in step.capture.keys() {
            if !vars.contains_key(name) {
                let why = match result.outcome {
                    Outcome::Fail | Outcome::Error => (Unchecked::EarlierFailure, format!("step {} failed", n + 1)),
                    _ => (
                        Unchecked::LackedData,
                        format!("the answer to step {} has no value at {}", n + 1, step.capture[name]),
                    ),
                };
                missing.entry(name.clone()).or_insert(why);
            }
        }
        if let After::Stop(why, reason) = after {
            stop = Some((why, reason));
        }
        steps.push(result);
    }
    // Redact every secret met in the case (session ids are learned while it runs). The curl line is
    // built from the redacted request: shell quoting is one more encoding a secret could hide in.
    for s in &mut steps {
        if let Some(r) = &mut s.request {
            r.body = secrets.redact(&r.body);
            r.url = secrets.redact(&r.url);
        }
        s.curl = s.request.as_ref().map(curl_line);
        if let Some(r) = &mut s.response {
            r.body = secrets.redact(&r.body);
        }
        for c in &mut s.checks {
            c.actual = c.actual.as_deref().map(|a| secrets.redact(a));
            c.expected = c.expected.as_deref().map(|a| secrets.redact(a));
        }
        if let Some(e) = &mut s.error {
            *e = secrets.redact(e);
        }
        if let Some(r) = &mut s.skipped_reason {
            *r = secrets.redact(r);
        }
    }
    CaseResult {
        id: case_id,
        suite: planned.suite.clone(),
        name: planned.case.name.clone(),
        tags: planned.case.tags.clone(),
        source: planned.source.clone(),
        outcome: verdict::case_outcome(&steps),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        steps,
        can_check: planned.can_check.clone(),
    }
}

/// Counts a request that got no answer; trips the circuit breaker at the configured count.
fn no_answer(ctx: &Ctx<'_>, what: &str) {
    let count = ctx.unanswered.fetch_add(1, Ordering::SeqCst) + 1;
    if count >= ctx.config.breaker_threshold() && !ctx.handle.is_cancelled() {
        ctx.handle.stop_with(
            Stop::TargetStoppedAnswering,
            format!("the target stopped answering: {count} requests in a row got no answer (last: {what})"),
        );
    }
}

/// Runs one step; returns its result and whether the rest of the case can run.
async fn run_step(
    ctx: &Ctx<'_>,
    step: &StepDef,
    compiled: Option<&CompiledStep>,
    step_id: &str,
    n: usize,
    vars: &mut Vars,
    secrets: &mut Secrets,
) -> (StepResult, After) {
    let spec = ctx.registry.spec();
    let mut result = skipped(step, Unchecked::NotRun, "");
    result.skipped_reason = None;
    result.unchecked = None;
    let (Some(endpoint), Some(compiled)) = (spec.endpoint(&step.call), compiled) else {
        result.error = Some(format!("unknown endpoint `{}`", step.call));
        result.outcome = Outcome::Error;
        return (result, After::Stop(Unchecked::HarnessError, format!("step {} could not run", n + 1)));
    };
    let rendered = match &step.body {
        Some(body) => template::render(body, vars).map(Some),
        None => Ok(None),
    };
    let rendered = match rendered {
        Ok(r) => r,
        Err(e) => {
            result.error = Some(format!("cannot render the body: {e}"));
            result.outcome = Outcome::Error;
            return (result, After::Stop(Unchecked::HarnessError, format!("step {} could not run", n + 1)));
        }
    };
    if let Some(wait) = &step.wait_ms {
        let ms = template::render(wait, vars).ok().and_then(|v| v.as_u64()).unwrap_or(0);
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(ms)) => {}
            () = ctx.handle.token.cancelled() => {
                return (skipped(step, Unchecked::NotRun, &not_run_reason(ctx)), After::Stop(Unchecked::NotRun, not_run_reason(ctx)));
            }
        }
    }
    let (content_type, payload) = match (&step.raw_body, rendered) {
        (Some(raw), _) => {
            let ct = if endpoint.is_xml() { "application/xml" } else { "application/json" };
            (ct.to_string(), raw.clone())
        }
        (None, Some(body)) if endpoint.is_xml() => {
            ("application/xml".to_string(), xml::json_to_xml(&xml_root(endpoint, step), &body))
        }
        (None, Some(body)) => ("application/json".to_string(), body.to_string()),
        (None, None) => ("application/json".to_string(), String::new()),
    };
    let method = step.method.clone().unwrap_or_else(|| "POST".into());
    let url = format!("{}{}", ctx.config.target.trim_end_matches('/'), step.call);
    result.request = Some(RequestRecord {
        method: method.clone(),
        url: url.clone(),
        content_type: content_type.clone(),
        body: payload.clone(),
    });
    // A login body holds the password: it is never resent, not even to the same origin.
    let follow =
        if LOGIN_PATHS.contains(&step.call.as_str()) { http::Follow::Never } else { http::Follow::SameOriginOnce };
    // A `parallel` step sends the same request several times at once (concurrent creates).
    let copies = step.parallel.unwrap_or(1).max(1);
    let sent = futures::future::join_all((0..copies).map(|_| {
        http::send(&ctx.client, &method, &url, &content_type, payload.clone().into_bytes(), ctx.config.timeout, follow)
    }));
    let mut answers = tokio::select! {
        answers = sent => answers,
        () = ctx.handle.token.cancelled() => {
            // The run stopped while this request was in flight: it has no verdict.
            let reason = not_run_reason(ctx);
            let mut r = skipped(step, Unchecked::NotRun, &reason);
            r.request = result.request.take();
            return (r, After::Stop(Unchecked::NotRun, reason));
        }
    };
    let others = answers.split_off(1);
    let answer = answers.pop().expect("at least one copy is sent");
    let exchange = match answer {
        Ok(x) => x,
        Err(http::SendError::Timeout(e)) => {
            no_answer(ctx, &format!("{} timed out", step.call));
            // The target took the request and did not answer in time: GEN-HTTP-006, and nothing
            // this step was to check could be checked (D-TIMEOUT).
            let expected = format!("an answer within {} ms", ctx.config.timeout.as_millis());
            let check = Rec::judged(check::ids::GEN_HTTP_006, "an answer within the timeout", false, || {
                check::Evidence::new(expected, e)
            });
            result.checks.push(check.into_result(spec));
            let reason = format!("no answer within the timeout ({} ms)", ctx.config.timeout.as_millis());
            result.skipped_reason = Some(reason.clone());
            result.unchecked = Some(Unchecked::HarnessError);
            result.outcome = verdict::step_outcome(&result);
            return (result, After::Stop(Unchecked::HarnessError, format!("step {} got no answer in time", n + 1)));
        }
        Err(http::SendError::Transport(e)) => {
            no_answer(ctx, &e);
            result.error = Some(e);
            result.outcome = Outcome::Error;
            return (result, After::Stop(Unchecked::HarnessError, format!("step {} got no answer", n + 1)));
        }
    };
    // An answer resets the breaker, except a login's: a target whose logins answer while every
    // operation hangs has stopped answering all the same.
    if !LOGIN_PATHS.contains(&step.call.as_str()) {
        ctx.unanswered.store(0, Ordering::SeqCst);
    }
    let text = String::from_utf8_lossy(&exchange.body).into_owned();
    let body: Option<Value> = if exchange.truncated { None } else { serde_json::from_slice(&exchange.body).ok() };
    // Session ids met in responses are secrets from now on.
    if let Some(sid) = body.as_ref().and_then(|b| b.get("sessionID")).and_then(Value::as_str) {
        secrets.add(sid);
    }
    let shown: String = text.chars().take(REPORT_BODY_LIMIT).collect();
    result.response = Some(ResponseRecord {
        status: exchange.status,
        content_type: exchange.content_type.clone(),
        truncated: exchange.truncated || shown.len() < text.len(),
        body: shown,
        duration_ms: u64::try_from(exchange.duration.as_millis()).unwrap_or(u64::MAX),
    });
    if let Some(redirect) = exchange.redirect.as_ref().filter(|r| !r.followed) {
        // A redirect answered the POST instead of the endpoint: GEN-HTTP-001.
        let check = Rec::judged(check::ids::GEN_HTTP_001, "the endpoint answers POST at its path", false, || {
            check::Evidence::new("an answer from the endpoint, not a redirect", redirect.describe())
        });
        result.checks.push(check.into_result(spec));
        result.outcome = verdict::step_outcome(&result);
        return (result, After::Stop(Unchecked::EarlierFailure, format!("step {} was redirected", n + 1)));
    }
    if step.teardown {
        // Clean-up only: the answer is kept as evidence, and nothing is checked.
        result.outcome = Outcome::Pass;
        return (result, After::Continue);
    }
    if let Some(skip) = &step.skip_unless {
        // Pointers are templated (`/notifications[taskId={{task}}]`).
        let at = |pointer: &String| -> Option<Value> {
            let pointer = match template::render(&Value::String(pointer.clone()), vars) {
                Ok(Value::String(p)) => p,
                _ => pointer.clone(),
            };
            body.as_ref().and_then(|b| select(b, &pointer))
        };
        let lacks = skip.status.is_some_and(|s| s != exchange.status)
            || skip
                .non_empty
                .as_ref()
                .is_some_and(|p| at(p).as_ref().and_then(Value::as_array).is_none_or(Vec::is_empty))
            || skip.present.as_ref().is_some_and(|p| at(p).is_none_or(|v| v.is_null()))
            || skip.absent.as_ref().is_some_and(|p| at(p).is_some_and(|v| !v.is_null()));
        if lacks {
            let why = if skip.not_applicable { Unchecked::NotApplicable } else { Unchecked::LackedData };
            result.outcome = Outcome::Skipped;
            result.skipped_reason = Some(skip.reason.clone());
            result.unchecked = Some(why);
            return (result, After::Stop(why, skip.reason.clone()));
        }
    }
    let must_only = ctx.config.selection.level == Some(Level::Must);
    let evaluate = |status: u16, content_type: &str, document: Option<&Value>, who: &str| -> Vec<CheckResult> {
        let context = check::Context {
            spec,
            registry: ctx.registry,
            endpoint,
            vars,
            now_ms: now_ms(),
            step_id: who,
            operation_ids: Some(&ctx.operation_ids),
            coverage: true,
            schema: SchemaMode::Validate,
        };
        let view = FullView { status, content_type, document };
        check::evaluate(compiled, &view, &context)
            .into_iter()
            .map(|r| r.into_result(spec))
            .filter(|c| !must_only || c.level == Level::Must)
            .collect()
    };
    result.checks = evaluate(exchange.status, &exchange.content_type, body.as_ref(), step_id);
    if copies > 1 {
        let mut bodies = vec![body.clone().unwrap_or(Value::Null)];
        for (i, other) in others.into_iter().enumerate() {
            match other {
                Ok(x) => {
                    let other_body: Option<Value> =
                        if x.truncated { None } else { serde_json::from_slice(&x.body).ok() };
                    let other_id = format!("{step_id} copy {}", i + 2);
                    result.checks.extend(evaluate(x.status, &x.content_type, other_body.as_ref(), &other_id));
                    bodies.push(other_body.unwrap_or(Value::Null));
                }
                Err(http::SendError::Timeout(e)) => {
                    let check = Rec::judged(check::ids::GEN_HTTP_006, "an answer within the timeout", false, || {
                        check::Evidence::new("an answer within the timeout", e)
                    });
                    result.checks.push(check.into_result(spec));
                }
                Err(http::SendError::Transport(e)) => {
                    result.error.get_or_insert(e);
                }
            }
        }
        let across = check::across(compiled, &Value::Array(bodies), vars);
        result.checks.extend(across.into_iter().map(|r| r.into_result(spec)));
    }
    result.outcome = verdict::step_outcome(&result);
    // When a MUST expectation of the status failed, the operation did not do what the rest of the
    // case builds on: stop there. A SHOULD one that the target did not meet is a path the sources
    // allow: go on (a suite puts a teardown after a step whose other outcome changes state). A
    // schema or envelope failure on the expected answer does not stop read-backs either; a
    // missing capture stops only the steps that need it.
    let status_broken = !compiled.expected.allows(exchange.status) && compiled.status_level == Level::Must;
    if result.outcome == Outcome::Error || status_broken {
        return (result, After::Stop(Unchecked::EarlierFailure, format!("step {} failed", n + 1)));
    }
    for (name, ptr) in &step.capture {
        if let Some(v) = body.as_ref().and_then(|b| select(b, ptr)).filter(|v| !v.is_null()) {
            vars.insert(name.clone(), v);
        }
    }
    (result, After::Continue)
}
