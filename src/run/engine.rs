//! Runs cases: independent cases concurrently (`--jobs`), steps of a case in order. Running a case
//! never fails as a function: problems become verdicts in its `CaseResult`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use serde_json::Value;

use super::checks::{self, CheckInput, RunMemory};
use super::config::RunConfig;
use super::generate;
use super::http;
use super::model::{
    CaseResult, Outcome, RequestRecord, ResponseRecord, RunReport, StepResult, FORMAT_VERSION, SPEC_VERSION, TOOL,
};
use super::verdict;
use crate::schema::SchemaRegistry;
use crate::secrets::Secrets;
use crate::spec::{xml, Endpoint, Group, Level};
use crate::suite::template::{self, Vars};
use crate::suite::{CaseDef, StepDef};

/// Response bodies kept in reports are cut here (the check ran on the whole body).
const REPORT_BODY_LIMIT: usize = 16 * 1024;
const LOGIN_PATHS: [&str; 3] = ["/services/login", "/services/v2/login", "/services/xml/login"];

/// Lets a caller (Ctrl-C) stop a run: cases not yet started are not run, and the report says so.
#[derive(Clone, Default)]
pub struct RunHandle {
    cancelled: Arc<AtomicBool>,
}

impl RunHandle {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Progress callbacks (the terminal progress bar); all no-ops by default.
pub trait Progress: Send + Sync {
    fn planned(&self, _cases: usize) {}
    fn finished(&self, _case: &CaseResult) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// A case ready to run.
struct Planned {
    suite: String,
    source: String,
    suite_tags: Vec<String>,
    case: CaseDef,
}

struct Ctx<'a> {
    config: &'a RunConfig,
    registry: &'a SchemaRegistry,
    client: reqwest::Client,
    memory: RunMemory,
    seq: AtomicU64,
    run_id: String,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The cases of the run, after selection, in a stable order (suites by name, then cases).
fn plan(config: &RunConfig, registry: &SchemaRegistry) -> Vec<Planned> {
    let spec = registry.spec();
    let mut planned = Vec::new();
    for loaded in &config.suites {
        for case in &loaded.suite.cases {
            planned.push(Planned {
                suite: loaded.suite.name.clone(),
                source: loaded.file.clone(),
                suite_tags: loaded.suite.tags.clone(),
                case: case.clone(),
            });
        }
    }
    if config.generated {
        for suite in generate::generate(spec) {
            for case in suite.cases {
                planned.push(Planned {
                    suite: suite.name.clone(),
                    source: "generated".into(),
                    suite_tags: vec![],
                    case,
                });
            }
        }
    }
    let sel = &config.selection;
    planned.retain(|p| {
        let endpoints: Vec<&str> = {
            let all: Vec<&str> = p.case.steps.iter().map(|s| s.call.as_str()).collect();
            let main: Vec<&str> = all.iter().copied().filter(|c| !LOGIN_PATHS.contains(c)).collect();
            if main.is_empty() {
                all
            } else {
                main
            }
        };
        let group_ok = sel.groups.is_empty()
            || endpoints.iter().any(|e| Group::of_path(e).is_some_and(|g| sel.groups.iter().any(|s| s == g.name())));
        let endpoint_ok = sel.endpoints.is_empty() || endpoints.iter().any(|e| sel.endpoints.iter().any(|s| s == e));
        let tag_ok = sel.tags.is_empty()
            || p.case.tags.iter().chain(&p.suite_tags).any(|t| sel.tags.iter().any(|s| s == t))
            || sel.tags.contains(&p.suite);
        group_ok && endpoint_ok && tag_ok
    });
    planned
}

/// Runs every selected case and builds the report. `handle` may cancel it (the report is then
/// marked interrupted and holds the cases that finished).
pub async fn run_suites(
    config: &RunConfig,
    registry: Arc<SchemaRegistry>,
    handle: &RunHandle,
    progress: &dyn Progress,
) -> Result<RunReport, String> {
    let started = Instant::now();
    let started_at = crate::server::world::iso(now_ms());
    let client = http::client(config)?;
    let planned = plan(config, &registry);
    progress.planned(planned.len());
    let ctx = Ctx {
        config,
        registry: &registry,
        client,
        memory: RunMemory::default(),
        seq: AtomicU64::new(1),
        run_id: format!("{:x}", now_ms() % 0xFFFF_FFFF),
    };
    let ctx = &ctx;
    let mut results: Vec<(usize, CaseResult)> = futures::stream::iter(planned.iter().enumerate())
        .map(|(index, p)| async move {
            if handle.is_cancelled() {
                return None;
            }
            let result = run_case(ctx, p, index).await;
            progress.finished(&result);
            Some((index, result))
        })
        .buffer_unordered(config.jobs.max(1))
        .filter_map(|r| async move { r })
        .collect()
        .await;
    results.sort_by_key(|(i, _)| *i);
    let cases: Vec<CaseResult> = results.into_iter().map(|(_, c)| c).collect();
    let spec = registry.spec();
    let stats = verdict::stats(&cases);
    let mut requirements = verdict::requirement_verdicts(spec, &cases);
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
        interrupted: handle.is_cancelled(),
        verdict: verdict::run_verdict(&stats),
        stats,
        requirements,
        coverage: verdict::coverage(spec, &cases),
        cases,
        selection: config.selection.describe(),
        notes: Vec::new(),
        extra: Value::Null,
        load: None,
    })
}

fn skipped(step: &StepDef, reason: &str) -> StepResult {
    StepResult {
        name: step.name.clone().unwrap_or_else(|| step.call.clone()),
        endpoint: step.call.clone(),
        outcome: Outcome::Skipped,
        skipped_reason: Some(reason.to_string()),
        request: None,
        response: None,
        error: None,
        checks: Vec::new(),
        curl: None,
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
    vars.insert("now_iso".into(), Value::String(crate::server::world::iso(now)));
    for (role, (user, password)) in &ctx.config.credentials.roles {
        vars.insert(format!("{role}.user"), Value::String(user.clone()));
        vars.insert(format!("{role}.password"), Value::String(password.clone()));
    }
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

async fn run_case(ctx: &Ctx<'_>, planned: &Planned, index: usize) -> CaseResult {
    let started = Instant::now();
    let mut vars = base_vars(ctx, index);
    let mut secrets = Secrets::new(ctx.config.credentials.secrets());
    let mut steps: Vec<StepResult> = Vec::new();
    let mut stop: Option<String> = None;
    let case_id = format!("{}/{}", planned.suite, planned.case.name);
    for (n, step) in planned.case.steps.iter().enumerate() {
        if let Some(reason) = &stop {
            steps.push(skipped(step, reason));
            continue;
        }
        let step_id = format!("{case_id} step {}", n + 1);
        let (result, next_stop) = run_step(ctx, step, &step_id, n, &mut vars, &mut secrets).await;
        stop = next_stop;
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
    }
}

/// Runs one step; returns its result and, when the rest of the case cannot run, why.
async fn run_step(
    ctx: &Ctx<'_>,
    step: &StepDef,
    step_id: &str,
    n: usize,
    vars: &mut Vars,
    secrets: &mut Secrets,
) -> (StepResult, Option<String>) {
    let spec = ctx.registry.spec();
    let name = step.name.clone().unwrap_or_else(|| step.call.clone());
    let mut result = skipped(step, "");
    result.skipped_reason = None;
    result.name = name;
    let Some(endpoint) = spec.endpoint(&step.call) else {
        result.error = Some(format!("unknown endpoint `{}`", step.call));
        result.outcome = Outcome::Error;
        return (result, Some(format!("step {} could not run", n + 1)));
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
            return (result, Some(format!("step {} could not run", n + 1)));
        }
    };
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
    let exchange =
        match http::send(&ctx.client, &method, &url, &content_type, payload.into_bytes(), ctx.config.timeout, follow)
            .await
        {
            Ok(x) => x,
            Err(http::SendError::Timeout(e)) => {
                // The target took the request and did not answer in time: GEN-HTTP-006 (D-TIMEOUT).
                let mut check = checks::result(spec, "GEN-HTTP-006", false, "an answer within the timeout");
                check.expected = Some(format!("an answer within {} ms", ctx.config.timeout.as_millis()));
                check.actual = Some(e);
                result.checks.push(check);
                result.outcome = verdict::step_outcome(&result);
                return (result, Some(format!("step {} got no answer in time", n + 1)));
            }
            Err(http::SendError::Transport(e)) => {
                result.error = Some(e);
                result.outcome = Outcome::Error;
                return (result, Some(format!("step {} got no answer", n + 1)));
            }
        };
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
        let mut check = checks::result(spec, "GEN-HTTP-001", false, "the endpoint answers POST at its path");
        check.expected = Some("an answer from the endpoint, not a redirect".into());
        check.actual = Some(redirect.describe());
        result.checks.push(check);
        result.outcome = verdict::step_outcome(&result);
        return (result, Some(format!("step {} was redirected", n + 1)));
    }
    if let Some(skip) = &step.skip_unless {
        let lacks = skip.status.is_some_and(|s| s != exchange.status)
            || skip.non_empty.as_ref().is_some_and(|p| {
                body.as_ref().and_then(|b| checks::lookup(b, p)).and_then(Value::as_array).is_none_or(Vec::is_empty)
            });
        if lacks {
            result.outcome = Outcome::Skipped;
            result.skipped_reason = Some(skip.reason.clone());
            return (result, Some(skip.reason.clone()));
        }
    }
    let input = CheckInput {
        spec,
        registry: ctx.registry,
        endpoint,
        expect: &step.expect,
        vars,
        status: exchange.status,
        content_type: &exchange.content_type,
        body: body.as_ref(),
        now_ms: now_ms(),
        step_id,
        memory: &ctx.memory,
        must_only: ctx.config.selection.level == Some(Level::Must),
    };
    result.checks = checks::evaluate(&input);
    result.outcome = verdict::step_outcome(&result);
    if matches!(result.outcome, Outcome::Fail | Outcome::Error) {
        return (result, Some(format!("step {} failed", n + 1)));
    }
    let mut stop = None;
    for (name, ptr) in &step.capture {
        match body.as_ref().and_then(|b| checks::lookup(b, ptr)).filter(|v| !v.is_null()) {
            Some(v) => {
                vars.insert(name.clone(), v.clone());
            }
            None => stop = Some(format!("the target's answer has no value at {ptr} (capture `{name}`)")),
        }
    }
    (result, stop)
}
