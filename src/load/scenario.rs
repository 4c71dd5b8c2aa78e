//! Load scenarios are suite files (the step format of `src/suite/model.rs`) under `suites/load/`:
//! the first case runs once per simulated user (login), the second is the loop. This module loads
//! them (with the suites' own cross-check against the spec) and turns them into Goose scenarios
//! whose transactions render each step with the suites' templates and check every response.
//!
//! Every response goes through the conformance runner's own check engine (`crate::check`): the
//! same rules, read from a sparse view of the members the step needs, or from the whole document
//! on the sampled fraction that is validated against the endpoint's JSON Schema (`--validate-
//! sample`). The first broken MUST is a Goose request failure whose message starts with its
//! requirement id; a broken SHOULD is counted, not failed.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use goose::goose::{GooseMethod, GooseRequest, GooseUser, Scenario, Transaction, TransactionError};
use goose::metrics::GooseRequestMetric;
use goose::metrics::GooseRequestMetricTimingData;
use parking_lot::Mutex;
use serde_json::Value;

use super::summary::Counters;
use super::validation_memo::{Remembered, ValidationMemo};
use crate::check::sparse::{Extraction, Want};
use crate::check::{self, body_kind, CompiledStep, FullView, OperationIds, RecVerdict, SchemaMode, SparseView};
use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics, Location};
use crate::model::load::NO_ANSWER;
use crate::run::Credentials;
use crate::schema::{SchemaRegistry, Side};
use crate::spec::Spec;
use crate::suite::body_text::BodyText;
use crate::suite::template::{self, Vars};
use crate::suite::{StepDef, SuiteFile};

/// The scenarios shipped in suites/load/, embedded so `load` runs from any directory.
pub const BUILTIN: [(&str, &str); 4] = [
    ("technician", include_str!("../../suites/load/technician.yaml")),
    ("approver", include_str!("../../suites/load/approver.yaml")),
    ("requester", include_str!("../../suites/load/requester.yaml")),
    ("coordinator", include_str!("../../suites/load/coordinator.yaml")),
];

/// One step ready to run: its request name and whether its endpoint answers with the envelope.
#[derive(Debug, Clone)]
pub struct LoadStep {
    pub name: String,
    pub def: StepDef,
    /// The step as the check engine runs it.
    compiled: CompiledStep,
    /// The built-ins the body uses: only those are refreshed per request (formatting a date for
    /// every request that does not send one is wasted generator time).
    builtins: Vec<&'static str>,
    /// The body template compiled to text with holes.
    body: BodyText,
    /// What the checks read of a response: `error`, `operationID`, the captures, the skip rule.
    reads: Reads,
    /// The full URL, set once the target is known.
    url: String,
    /// The same, parsed once: building each request from a parsed URL saves Goose's join and
    /// reqwest's parse per request.
    parsed_url: Option<reqwest::Url>,
}

/// The members of a response a step reads (the engine's, then the captures' and the skip rule's),
/// and where each lands in the extraction's answer.
#[derive(Debug, Clone)]
struct Reads {
    extraction: Extraction,
    /// Per capture: its variable and the slots of its `a|b` alternatives.
    captures: Vec<(String, Vec<usize>)>,
    skip_non_empty: Option<usize>,
    /// Identifies these reads in the validation memo, which remembers their answers with the
    /// verdict; `None` when a capture or skip rule reads a member the memo masks (its remembered
    /// value could be another response's), or when the memo cannot serve the endpoint.
    memo_salt: Option<u64>,
    /// The slots of the masked members, refreshed from each document on a memo hit.
    date_time_slot: Option<usize>,
    operation_id_slot: Option<usize>,
}

impl Reads {
    fn of(def: &StepDef, compiled: &CompiledStep) -> Self {
        let first = compiled.reads.len();
        let mut extra: Vec<(String, Want)> = Vec::new();
        let mut captures = Vec::new();
        for (name, pointer) in &def.capture {
            let mut slots = Vec::new();
            for alternative in pointer.split('|') {
                slots.push(first + extra.len());
                extra.push((alternative.trim().to_string(), Want::Value));
            }
            captures.push((name.clone(), slots));
        }
        let skip_non_empty = def.skip_unless.as_ref().and_then(|s| s.non_empty.as_ref()).map(|p| {
            extra.push((p.clone(), Want::NonEmptyArray));
            first + extra.len() - 1
        });
        let extraction = compiled.extraction(&extra);
        // The masked members the engine reads are refreshed per document; a capture or skip
        // rule reading one opts out.
        let masked_read = extra.iter().any(|(p, _)| {
            ValidationMemo::MASKED.iter().any(|m| p == &format!("/{m}") || p.starts_with(&format!("/{m}/")))
        });
        let memo_salt = (!masked_read).then(|| {
            let all: Vec<String> = compiled
                .reads
                .iter()
                .map(|p| format!("{p}\u{0}Value"))
                .chain(extra.iter().map(|(p, w)| format!("{p}\u{0}{w:?}")))
                .collect();
            xxhash_rust::xxh3::xxh3_64(all.join("\u{1}").as_bytes())
        });
        Self {
            extraction,
            captures,
            skip_non_empty,
            memo_salt,
            date_time_slot: compiled.slots.get("/dateTime").copied(),
            operation_id_slot: compiled.slots.get("/operationID").copied(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadScenario {
    pub name: String,
    pub source: String,
    pub setup: Vec<LoadStep>,
    pub steps: Vec<LoadStep>,
}

impl LoadScenario {
    /// Every request name the scenario sends (for `name:` thresholds).
    pub fn request_names(&self) -> impl Iterator<Item = &str> {
        self.setup.iter().chain(&self.steps).map(|s| s.name.as_str())
    }
}

/// The request name of a step: its `name`, else the last segment of its endpoint.
fn request_name(step: &StepDef) -> String {
    step.name.clone().unwrap_or_else(|| step.call.rsplit('/').next().unwrap_or(&step.call).to_string())
}

/// A built-in scenario name, or a path to a scenario file.
pub fn load(name_or_path: &str, spec: &Spec) -> Result<LoadScenario, Diagnostics> {
    let (label, text) = match BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
        Some((name, text)) => (format!("suites/load/{name}.yaml"), (*text).to_string()),
        None if name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml") => {
            let text = std::fs::read_to_string(name_or_path).map_err(|e| {
                Diagnostics::single(Diagnostic::new(
                    DiagnosticKind::Unreadable,
                    Location::file(name_or_path),
                    format!("cannot read: {e}"),
                ))
            })?;
            (name_or_path.to_string(), text)
        }
        None => {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(Diagnostics::single(
                Diagnostic::new(
                    DiagnosticKind::UnknownScenario,
                    Location::file("--scenario"),
                    format!("no load scenario named `{name_or_path}`"),
                )
                .with_hint(format!("scenarios: {}, or a path to a .yaml file", names.join(", "))),
            ));
        }
    };
    parse(&label, &text, spec)
}

pub fn parse(label: &str, text: &str, spec: &Spec) -> Result<LoadScenario, Diagnostics> {
    let suite: SuiteFile = match crate::suite::load_text(label, text, spec) {
        Ok(loaded) => loaded.suite,
        Err(diagnostics) => {
            // The suite loader checks each case on its own; the loop case uses the variables
            // its setup case captured, so those unknown variables are not problems.
            let parsed: SuiteFile = serde_norway::from_str(text).map_err(|_| diagnostics.clone())?;
            let captured: Vec<String> = parsed
                .cases
                .first()
                .map(|c| c.steps.iter().flat_map(|s| s.capture.keys().cloned()).collect())
                .unwrap_or_default();
            let rest: Vec<Diagnostic> = diagnostics
                .0
                .into_iter()
                .filter(|d| !matches!(&d.kind, DiagnosticKind::UnknownVariable { name } if captured.contains(name)))
                .collect();
            if !rest.is_empty() {
                return Err(Diagnostics(rest));
            }
            parsed
        }
    };
    if suite.cases.len() != 2 {
        return Err(Diagnostics::single(
            Diagnostic::new(
                DiagnosticKind::InvalidScenario,
                Location::file(label),
                "a load scenario has two cases: the setup, then the loop",
            )
            .with_hint("the first case runs once per user (login), the second repeats"),
        ));
    }
    let mut problems = Vec::new();
    let mut convert = |steps: &[StepDef]| -> Vec<LoadStep> {
        steps
            .iter()
            .filter_map(|s| {
                let endpoint = spec.endpoint(&s.call)?;
                if endpoint.is_xml() || s.raw_body.is_some() || s.method.is_some() {
                    problems.push(Diagnostic::new(
                        DiagnosticKind::InvalidScenario,
                        Location::file(label),
                        format!("step `{}`: load scenarios send JSON bodies by POST only", request_name(s)),
                    ));
                }
                let compiled = CompiledStep::new(spec, endpoint, s);
                let mut used = Vec::new();
                if let Some(body) = &s.body {
                    template::variables_in_value(body, &mut used);
                }
                let builtins = template::BUILTINS.iter().copied().filter(|b| used.iter().any(|u| u == b)).collect();
                let body = BodyText::compile(s.body.as_ref().unwrap_or(&Value::Object(serde_json::Map::new())));
                let reads = Reads::of(s, &compiled);
                Some(LoadStep {
                    name: request_name(s),
                    def: s.clone(),
                    compiled,
                    builtins,
                    body,
                    reads,
                    url: String::new(),
                    parsed_url: None,
                })
            })
            .collect()
    };
    let setup = convert(&suite.cases[0].steps);
    let steps = convert(&suite.cases[1].steps);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    Ok(LoadScenario { name: suite.name, source: label.to_string(), setup, steps })
}

/// Live per-request tallies, kept only with `--abort-on-fail` (the gate needs figures during the
/// run; Goose's own aggregates are only handed out at the end).
#[derive(Default)]
pub struct Live {
    pub requests: Mutex<std::collections::BTreeMap<String, (GooseRequestMetricTimingData, u64)>>,
}

impl Live {
    fn record(&self, name: &str, micros: u64, failed: bool) {
        let mut map = self.requests.lock();
        let entry = map.entry(name.to_string()).or_default();
        let data = &mut entry.0;
        // Goose's bucketing is crate-private: whole milliseconds are precise enough for a gate.
        let bucket = micros / 1000 * 1000;
        let now = data.times_us.get(&bucket).copied().unwrap_or(0);
        data.times_us.insert(bucket, now + 1);
        data.minimum_time_us = if data.counter == 0 { micros } else { data.minimum_time_us.min(micros) };
        data.maximum_time_us = data.maximum_time_us.max(micros);
        data.total_time_us += micros;
        data.counter += 1;
        if failed {
            entry.1 += 1;
        }
    }
}

/// How many recent operationIDs GEN-ENV-005 compares under load (a stuck counter repeats at once).
const OPERATION_ID_WINDOW: usize = 4096;

/// Everything the transactions share.
pub struct Runtime {
    pub registry: Arc<SchemaRegistry>,
    /// Base URL without a trailing slash.
    pub target: String,
    pub credentials: Credentials,
    pub think: Duration,
    pub validate_sample: f64,
    pub counters: Mutex<Counters>,
    pub live: Option<Live>,
    memo: ValidationMemo,
    /// GEN-ENV-005 under load: a repeat among the recent operationIDs.
    operation_ids: OperationIds,
    seq: AtomicU64,
    run_id: String,
}

impl Runtime {
    pub fn new(
        registry: Arc<SchemaRegistry>,
        target: &str,
        credentials: Credentials,
        think: Duration,
        validate_sample: f64,
        live: bool,
    ) -> Self {
        let now = now_ms();
        let memo = ValidationMemo::new(registry.spec());
        Self {
            registry,
            target: target.trim_end_matches('/').to_string(),
            credentials,
            think,
            validate_sample,
            memo,
            operation_ids: OperationIds::recent(OPERATION_ID_WINDOW),
            counters: Mutex::new(Counters::default()),
            live: live.then(Live::default),
            seq: AtomicU64::new(u64::try_from(now / 1000).unwrap_or(0)),
            run_id: format!("{:x}", now % 0xFFFF_FFFF),
        }
    }

    /// The role variables of simulated user `index`: its own account of each role when the
    /// credentials list several (round robin), so users do not race on one account.
    fn base_vars(&self, index: usize) -> Vars {
        let mut vars = Vars::new();
        for role in self.credentials.roles.keys() {
            if let Some((user, password)) = self.credentials.account(role, index) {
                vars.insert(format!("{role}.user"), Value::String(user.clone()));
                vars.insert(format!("{role}.password"), Value::String(password.clone()));
            }
        }
        vars
    }

    /// Fresh values of the built-ins a step uses, for each request (as the conformance runner
    /// gives each case its own).
    fn refresh(&self, vars: &mut Vars, user: usize, builtins: &[&str]) {
        if builtins.is_empty() {
            return;
        }
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let now = now_ms();
        for b in builtins {
            let value = match *b {
                "unique" => Value::String(format!("{}-{user}-{seq}", self.run_id)),
                "seq" => Value::from(seq),
                "now_ms" => Value::from(now),
                _ => Value::String(crate::time::iso(now)),
            };
            vars.insert((*b).to_string(), value);
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How a step ended when it did not fail.
enum Flow {
    Next,
    /// The target lacks data for the rest of the iteration, or allowed a business rejection.
    EndIteration,
}

type StepResult = Result<Flow, Box<TransactionError>>;

/// Per-user state: the variables (session ids, captures) and whether the setup succeeded.
#[derive(Clone, Default)]
struct UserState {
    vars: Vars,
    ready: bool,
}

fn short(text: &str) -> String {
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Marks the request failed in Goose with `REQUIREMENT: message`, and counts it.
fn fail(
    user: &mut GooseUser,
    rt: &Runtime,
    request: &mut GooseRequestMetric,
    step: &LoadStep,
    requirement: &str,
    status: Option<u16>,
    message: &str,
) -> StepResult {
    {
        let mut c = rt.counters.lock();
        *c.by_requirement.entry(requirement.to_string()).or_default() += 1;
        let status = status.map_or_else(|| NO_ANSWER.to_string(), |s| s.to_string());
        *c.by_status.entry(status).or_default() += 1;
    }
    if let Some(live) = &rt.live {
        if let Some(entry) = live.requests.lock().get_mut(&step.name) {
            entry.1 += 1;
        }
    }
    let tag = format!("{requirement}: {} ({})", short(message), step.name);
    user.set_failure(&tag, request, None, None)?;
    // set_failure always returns Err; this keeps the type honest if that ever changes.
    Err(Box::new(TransactionError::Custom(tag)))
}

fn run_setup<'a>(
    user: &'a mut GooseUser,
    rt: &'a Runtime,
    scenario: &'a LoadScenario,
    vars: &'a mut Vars,
) -> Pin<Box<dyn Future<Output = StepResult> + Send + 'a>> {
    // Boxed: a step that meets a session error runs the setup again, which runs steps.
    Box::pin(run_steps(user, rt, scenario, &scenario.setup, vars, false, false))
}

async fn run_steps(
    user: &mut GooseUser,
    rt: &Runtime,
    scenario: &LoadScenario,
    steps: &[LoadStep],
    vars: &mut Vars,
    relogin: bool,
    think: bool,
) -> StepResult {
    for (i, step) in steps.iter().enumerate() {
        if think && i > 0 && !rt.think.is_zero() {
            tokio::time::sleep(rt.think).await;
        }
        if let Flow::EndIteration = run_step(user, rt, scenario, step, vars, relogin).await? {
            return Ok(Flow::EndIteration);
        }
    }
    Ok(Flow::Next)
}

async fn run_step(
    user: &mut GooseUser,
    rt: &Runtime,
    scenario: &LoadScenario,
    step: &LoadStep,
    vars: &mut Vars,
    relogin: bool,
) -> StepResult {
    let def = &step.def;
    let mut attempt = 0;
    loop {
        attempt += 1;
        rt.refresh(vars, user.weighted_users_index, &step.builtins);
        let body = step
            .body
            .render(vars)
            .map_err(|e| Box::new(TransactionError::Custom(format!("{}: cannot render the body: {e}", step.name))))?;
        let builder = match &step.parsed_url {
            Some(url) => user.client.post(url.clone()),
            None => user.get_request_builder(&GooseMethod::Post, &step.url)?,
        };
        let builder =
            builder.header("Content-Type", "application/json").header("Accept", "application/json").body(body);
        let request = GooseRequest::builder().name(step.name.as_str()).set_request_builder(builder).build();
        let mut goose = user.request(request).await?;
        let response = match goose.response {
            Ok(r) => r,
            Err(e) => {
                if let Some(live) = &rt.live {
                    live.record(&step.name, goose.request.response_time_micros(), false);
                }
                let message = format!("no answer: {e}");
                return fail(user, rt, &mut goose.request, step, NO_ANSWER, None, &message);
            }
        };
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = response.bytes().await;
        if let Some(live) = &rt.live {
            live.record(&step.name, goose.request.response_time_micros(), false);
        }
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                let message = format!("the body could not be read: {e}");
                return fail(user, rt, &mut goose.request, step, "GEN-HTTP-003", Some(status), &message);
            }
        };
        let sampled =
            rt.validate_sample >= 1.0 || (rt.validate_sample > 0.0 && rand::random::<f64>() < rt.validate_sample);
        let compiled = &step.compiled;
        let reads = &step.reads;
        // Only a sampled response (or one whose checks need the whole document) is parsed whole;
        // the others are read sparsely, which costs a fraction of building the tree.
        let memo_key = match reads.memo_salt {
            Some(salt) if sampled && status == 200 => rt.memo.key(&def.call, salt, &bytes),
            _ => None,
        };
        // A remembered document brings its violations and the answers of these reads: no parse
        // at all; the members the key masked are this document's own.
        let remembered = memo_key.as_ref().and_then(|(k, _)| rt.memo.get(*k));
        let mut violations = Vec::new();
        let mut validated_now = false;
        let (document, answers): (Option<Value>, Option<Vec<Option<Value>>>) = match remembered {
            Some(r) => {
                violations = r.violations;
                let mut found = r.found;
                let masked = memo_key.as_ref().map(|(_, m)| m.clone()).unwrap_or_default();
                if let Some(slot) = reads.date_time_slot {
                    found[slot] = masked.date_time;
                }
                if let Some(slot) = reads.operation_id_slot {
                    found[slot] = masked.operation_id;
                }
                (None, Some(found))
            }
            None if sampled || compiled.needs_document => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => {
                    let found = reads.extraction.answer(&v);
                    if sampled && status == 200 {
                        violations = rt.registry.check(&def.call, Side::Response, &v);
                        violations.iter_mut().for_each(|x| x.value = Value::Null);
                        validated_now = true;
                        if let Some((key, _)) = &memo_key {
                            rt.memo.put(*key, Remembered { violations: violations.clone(), found: found.clone() });
                        }
                    }
                    (Some(v), Some(found))
                }
                Err(_) => (None, None),
            },
            None => (None, reads.extraction.read(&bytes).ok()),
        };
        if sampled && status == 200 && answers.is_some() {
            let mut c = rt.counters.lock();
            c.validated += 1;
            if validated_now {
                c.validated_distinct += 1;
            }
        }
        let slot = |pointer: &str| compiled.slots.get(pointer).and_then(|&i| answers.as_ref()?.get(i)?.as_ref());
        let code = slot("/error/code").and_then(Value::as_str).map(String::from);
        if status == 412 && code.as_deref() == Some("SESSION") && relogin && attempt == 1 {
            // A session that expired under load is the target's right; log in again once, count it,
            // and retry the step with the new session.
            user.set_success(&mut goose.request)?;
            rt.counters.lock().relogins += 1;
            if let Flow::EndIteration = run_setup(user, rt, scenario, vars).await? {
                return Ok(Flow::EndIteration);
            }
            continue;
        }
        // The conformance runner's rules, on this answer.
        let schema = if sampled && status == 200 && answers.is_some() {
            SchemaMode::Known(&violations)
        } else {
            SchemaMode::Members
        };
        let context = check::Context {
            spec: rt.registry.spec(),
            registry: &rt.registry,
            endpoint: rt.registry.spec().endpoint(&def.call).expect("scenario steps name spec endpoints"),
            vars,
            now_ms: now_ms(),
            step_id: &step.name,
            operation_ids: Some(&rt.operation_ids),
            coverage: false,
            schema,
        };
        let recs = match (&document, &answers) {
            (Some(d), _) => {
                let view = FullView { status, content_type: &content_type, document: Some(d) };
                check::evaluate(compiled, &view, &context)
            }
            (None, found) => {
                let empty = Vec::new();
                let view = SparseView {
                    status,
                    content_type: &content_type,
                    body: body_kind(&bytes, found.is_some()),
                    slots: &compiled.slots,
                    answers: found.as_deref().unwrap_or(&empty),
                };
                check::evaluate(compiled, &view, &context)
            }
        };
        // The first broken MUST fails the request; a broken SHOULD is counted as a warning.
        let spec = rt.registry.spec();
        let mut failure = None;
        for rec in recs.iter().filter(|r| r.is_broken() || matches!(r.verdict, RecVerdict::Error(_))) {
            let level = spec.requirement(&rec.requirement).map_or(crate::spec::Level::Must, |r| r.level);
            if level == crate::spec::Level::Must {
                failure.get_or_insert(rec);
            } else {
                *rt.counters.lock().warnings.entry(rec.requirement.to_string()).or_default() += 1;
            }
        }
        if let Some(rec) = failure {
            return fail(user, rt, &mut goose.request, step, &rec.requirement, Some(status), &rec.message());
        }
        if status != 200 {
            // A business rejection the scenario allows (users sharing an account race).
            user.set_success(&mut goose.request)?;
            rt.counters.lock().tolerated += 1;
            return Ok(Flow::EndIteration);
        }
        let Some(found) = answers else {
            return fail(
                user,
                rt,
                &mut goose.request,
                step,
                check::ids::GEN_HTTP_003,
                Some(status),
                "the body is not JSON",
            );
        };
        if let Some(skip) = &def.skip_unless {
            let lacks = skip.status.is_some_and(|s| s != status)
                || reads.skip_non_empty.is_some_and(|slot| found[slot].is_none());
            if lacks {
                rt.counters.lock().ended_early += 1;
                return Ok(Flow::EndIteration);
            }
        }
        for (name, slots) in &reads.captures {
            match slots.iter().find_map(|&slot| found[slot].as_ref().filter(|v| !v.is_null())) {
                Some(v) => {
                    vars.insert(name.clone(), v.clone());
                }
                None => {
                    rt.counters.lock().ended_early += 1;
                    return Ok(Flow::EndIteration);
                }
            }
        }
        return Ok(Flow::Next);
    }
}

/// One Goose transaction: the setup (on start) or one loop iteration.
fn transaction(rt: Arc<Runtime>, scenario: Arc<LoadScenario>, setup: bool) -> Transaction {
    let function: goose::goose::TransactionFunction = Arc::new(move |user: &mut GooseUser| {
        let rt = rt.clone();
        let scenario = scenario.clone();
        Box::pin(async move {
            let mut state = user.get_session_data_mut::<UserState>().map(std::mem::take).unwrap_or_default();
            if state.vars.is_empty() {
                state.vars = rt.base_vars(user.weighted_users_index);
            }
            let result = if setup || !state.ready {
                // The loop of a user whose setup failed tries the setup again first.
                let r = run_setup(user, &rt, &scenario, &mut state.vars).await;
                state.ready = matches!(r, Ok(Flow::Next));
                r
            } else {
                Ok(Flow::Next)
            };
            let result = match result {
                Ok(Flow::Next) if !setup => {
                    run_steps(user, &rt, &scenario, &scenario.steps, &mut state.vars, true, true).await
                }
                other => other,
            };
            user.set_session_data(state);
            result.map(|_| ())
        })
    });
    let t = Transaction::new(function);
    if setup {
        t.set_name("setup").set_on_start()
    } else {
        t.set_name("loop")
    }
}

pub fn goose_scenario(
    rt: &Arc<Runtime>,
    scenario: &LoadScenario,
    weight: usize,
) -> Result<Scenario, goose::GooseError> {
    let mut scenario = scenario.clone();
    for step in scenario.setup.iter_mut().chain(scenario.steps.iter_mut()) {
        step.url = format!("{}{}", rt.target, step.def.call);
        step.parsed_url = reqwest::Url::parse(&step.url).ok();
        // Decided once per step, not per response: the memo only serves endpoints it can mask.
        if !rt.memo.is_maskable(&step.def.call) {
            step.reads.memo_salt = None;
        }
    }
    let shared = Arc::new(scenario.clone());
    Ok(Scenario::new(&scenario.name)
        .set_weight(weight)?
        .register_transaction(transaction(rt.clone(), shared.clone(), true))
        .register_transaction(transaction(rt.clone(), shared, false)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step that reads a member the memo masks must not take its answers from another response;
    /// steps reading the same things share their memo entries, different reads do not.
    #[test]
    fn reads_of_masked_members_opt_out_of_the_memo() {
        let step = |capture: &str| -> StepDef {
            serde_norway::from_str(&format!("call: /mobile/v2/notification/getNewest\ncapture: {{x: {capture}}}\n"))
                .unwrap()
        };
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap();
        let spec = registry.spec();
        let salt = |capture: &str| {
            let def = step(capture);
            let compiled = CompiledStep::new(spec, spec.endpoint(&def.call).unwrap(), &def);
            Reads::of(&def, &compiled).memo_salt
        };
        assert!(salt("/notifications/0/taskId").is_some());
        assert_eq!(salt("/notifications/0/taskId"), salt("/notifications/0/taskId"));
        assert_ne!(salt("/notifications/0/taskId"), salt("/notifications/0/number"));
        for masked in ["/operationID", "/dateTime", "/notifications/0/taskId|/operationID", "/dateTime/x"] {
            assert_eq!(salt(masked), None, "{masked}");
        }
    }

    #[test]
    fn builtin_scenarios_load_against_the_spec() {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap();
        for (name, _) in BUILTIN {
            let s = load(name, registry.spec()).unwrap_or_else(|d| panic!("{name}: {d}"));
            assert!(!s.setup.is_empty() && !s.steps.is_empty(), "{name}");
        }
        let t = load("technician", registry.spec()).unwrap();
        let names: Vec<&str> = t.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["getNewest", "getById", "attendRequest", "checkin", "location", "location", "checkout"]);
        assert!(load("nobody", registry.spec()).is_err());
    }

    #[test]
    fn a_scenario_with_one_case_is_rejected() {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap();
        let text = "name: x\ncases:\n  - name: only\n    steps:\n      - call: /services/login\n        body: {userName: a, password: b}\n";
        let e = parse("x.yaml", text, registry.spec()).unwrap_err();
        assert!(e.to_string().contains("two cases"), "{e}");
        assert_eq!(e.0.iter().map(|d| &d.kind).collect::<Vec<_>>(), [&DiagnosticKind::InvalidScenario]);
    }

    /// The loop may use what the setup captured (the suite loader, checking each case alone, calls
    /// those unknown); any other unknown variable stays a problem. Matched by kind, not by text.
    #[test]
    fn the_loop_may_use_the_setups_captures_and_nothing_else() {
        let (registry, _) = crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap();
        let scenario = |loop_body: &str| {
            format!(
                "name: x\ncases:\n  - name: setup\n    steps:\n      - call: /services/login\n        body: {{userName: a, password: b}}\n        capture: {{sid: /sessionID}}\n  - name: loop\n    steps:\n      - call: /mobile/v2/notification/getNewest\n        body: {loop_body}\n"
            )
        };
        let ok = parse("x.yaml", &scenario("{sessionID: \"{{sid}}\"}"), registry.spec());
        assert!(ok.is_ok(), "{:?}", ok.err());
        let e = parse("x.yaml", &scenario("{sessionID: \"{{sid}}{{other}}\"}"), registry.spec()).unwrap_err();
        let kinds: Vec<&DiagnosticKind> = e.0.iter().map(|d| &d.kind).collect();
        assert_eq!(kinds, [&DiagnosticKind::UnknownVariable { name: "other".into() }], "{e}");
        assert_eq!(e.0[0].message, "unknown variable `other`");
    }
}
