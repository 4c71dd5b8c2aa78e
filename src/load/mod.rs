//! `itsm-conform load`: the mobile flows under load, through Goose's library API.
//!
//! plan (flags → LoadPlan) → scenario (suite-format YAML → Goose transactions with checks) →
//! Goose runs → summary (Goose metrics + our counters → LoadSummary, thresholds judged).
//! Goose writes its own HTML/JSON/Markdown reports; we write `load-summary.json`, and the command
//! line builds the load report from the summary (`model::LoadReport`), which `report` renders as
//! `load.*`.

pub mod plan;
pub mod scenario;
pub mod summary;
pub mod threshold;
pub mod validation_memo;

use std::sync::Arc;
use std::time::{Duration, Instant};

use goose::client::GooseClientBuilder;
use goose::config::GooseConfiguration;
use goose::GooseAttack;

pub use plan::{LoadPlan, MixError, PlanError, PlanInput};
pub use summary::{BaselineError, LoadSummary, ScenarioMix};

use crate::run::Credentials;
use crate::schema::SchemaRegistry;
use scenario::Runtime;

/// Goose's own report files, written in the output directory.
pub const GOOSE_REPORTS: [&str; 3] = ["load-goose.html", "load-goose.json", "load-goose.md"];

/// Where the load goes.
pub struct Target {
    pub url: String,
    pub embedded: bool,
    pub credentials: Credentials,
}

/// `scheme://host[:port]` of a URL: Goose wants a host; our requests carry full URLs (the base
/// path is part of the target, which Goose's URL join would otherwise drop).
pub fn origin(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url[..after_scheme + i].to_string(),
        None => url.to_string(),
    }
}

fn goose_config(plan: &LoadPlan, target: &Target) -> GooseConfiguration {
    let mut config = GooseConfiguration::default();
    config.host = Some(origin(&target.url));
    config.users = Some(plan.users);
    config.increase_rate = Some(format!("{}", plan.increase_rate));
    config.run_time = plan.run_time.map(|d| format!("{}", d.as_secs().max(1)));
    config.iterations = plan.iterations;
    config.report_file = GOOSE_REPORTS.iter().map(|f| plan.out.join(f).display().to_string()).collect();
    // Our summary is the terminal output; Goose's tables are in its reports.
    config.no_print_metrics = true;
    config.quiet = 1;
    // Keep the ramp-up in the figures: rates are computed over the whole run. (Goose never resets
    // with --iterations and refuses the flag then.)
    config.no_reset_metrics = plan.iterations.is_none();
    // No telnet controller: it binds a fixed port, which concurrent runs (and CI) cannot share.
    // (The WebSocket controller is off unless asked for.)
    config.no_telnet = true;
    config
}

/// The outcome of a run: the summary and Goose's report files that exist.
pub struct LoadOutcome {
    pub summary: LoadSummary,
    pub reports: Vec<std::path::PathBuf>,
}

/// Why a load run did not happen or did not finish (a harness error: exit 3).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The output directory cannot be created.
    #[error("cannot create `{}`: {cause}", .path.display())]
    CreateDir { path: std::path::PathBuf, cause: std::io::Error },
    /// Goose refused the configuration or a scenario (its own wording).
    #[error("{0:?}")]
    Setup(goose::GooseError),
    #[error("{0}")]
    Scenario(goose::GooseError),
    /// Goose stopped with an error of its own.
    #[error("the load run failed: {0:?}")]
    Failed(goose::GooseError),
}

/// Runs the plan against the target. Ctrl-C is Goose's: it stops the users, and the reports are
/// still written and the summary marked interrupted.
pub async fn run(plan: &LoadPlan, registry: Arc<SchemaRegistry>, target: &Target) -> Result<LoadOutcome, LoadError> {
    std::fs::create_dir_all(&plan.out).map_err(|cause| LoadError::CreateDir { path: plan.out.clone(), cause })?;
    let rt = Arc::new(Runtime::new(
        registry,
        &target.url,
        target.credentials.clone(),
        plan.think_time,
        plan.validate_sample,
        plan.abort_on_fail,
    ));
    let mut attack = GooseAttack::initialize_with_config(goose_config(plan, target))
        .and_then(|a| {
            // One client for every user: the API's session is a body field, not a cookie, so a
            // cookie store per user would be pure cost (and one pool keeps the connections warm).
            a.set_client_builder_without_cookies(GooseClientBuilder::new().without_cookies())
        })
        .map_err(LoadError::Setup)?;
    for (s, weight) in &plan.scenarios {
        attack = attack.register_scenario(scenario::goose_scenario(&rt, s, *weight).map_err(LoadError::Scenario)?);
    }
    goose::reset_killswitch();
    let started_at = crate::time::iso(
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis()))
            .unwrap_or(0),
    );
    let started = Instant::now();
    let abort_reason = Arc::new(parking_lot::Mutex::new(None::<String>));
    let watcher = plan
        .abort_on_fail
        .then(|| tokio::spawn(watch(plan.thresholds.clone(), rt.clone(), started, abort_reason.clone())));
    let result = attack.execute().await;
    if let Some(w) = watcher {
        w.abort();
    }
    let secs = started.elapsed().as_secs_f64();
    let interrupted = goose::is_killswitch_triggered();
    goose::reset_killswitch();
    let metrics = result.map_err(LoadError::Failed)?;
    let (total, requests) = summary::request_stats(&metrics, secs);
    let thresholds = summary::judge_all(&plan.thresholds, &total, &requests);
    let counters = rt.counters.lock().clone();
    let stop_reason =
        abort_reason.lock().clone().or_else(|| interrupted.then(|| "interrupted (SIGINT or SIGTERM)".to_string()));
    let summary = LoadSummary {
        format_version: summary::FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        target: target.url.clone(),
        embedded_target: target.embedded,
        started_at,
        duration_s: (secs * 10.0).round() / 10.0,
        interrupted,
        stop_reason,
        users: plan.users,
        scenarios: plan.scenarios.iter().map(|(s, w)| ScenarioMix { name: s.name.clone(), weight: *w }).collect(),
        validate_sample: plan.validate_sample,
        passed: thresholds.iter().all(|t| t.passed),
        total,
        requests,
        errors_by_requirement: counters.by_requirement,
        warnings_by_requirement: counters.warnings,
        errors_by_status: counters.by_status,
        relogins: counters.relogins,
        tolerated_rejections: counters.tolerated,
        iterations_ended_early: counters.ended_early,
        schema_validated: counters.validated,
        schema_validated_distinct: counters.validated_distinct,
        thresholds,
    };
    let reports = GOOSE_REPORTS.iter().map(|f| plan.out.join(f)).filter(|p| p.exists()).collect();
    Ok(LoadOutcome { summary, reports })
}

/// `--abort-on-fail`: judge the thresholds once a second on live tallies; the first breach stops
/// the run through Goose's killswitch. Waits for a minimum sample so a cold start does not trip it.
async fn watch(
    thresholds: Vec<threshold::Threshold>,
    rt: Arc<Runtime>,
    started: Instant,
    reason: Arc<parking_lot::Mutex<Option<String>>>,
) {
    const MIN_REQUESTS: u64 = 20;
    let Some(live) = &rt.live else { return };
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let secs = started.elapsed().as_secs_f64();
        let (total, requests) = {
            let map = live.requests.lock();
            let mut all = goose::metrics::GooseRequestMetricTimingData::default();
            let mut all_failures = 0;
            let mut requests = Vec::new();
            for (name, (data, failures)) in map.iter() {
                for (bucket, count) in data.times_us.iter() {
                    let now = all.times_us.get(bucket).copied().unwrap_or(0);
                    all.times_us.insert(*bucket, now + count);
                }
                all.minimum_time_us =
                    if all.counter == 0 { data.minimum_time_us } else { all.minimum_time_us.min(data.minimum_time_us) };
                all.maximum_time_us = all.maximum_time_us.max(data.maximum_time_us);
                all.total_time_us += data.total_time_us;
                all.counter += data.counter;
                all_failures += failures;
                requests.push(summary::stats_from_timing(name, data, *failures, secs));
            }
            (summary::stats_from_timing("all", &all, all_failures, secs), requests)
        };
        for t in &thresholds {
            let subject = match &t.request {
                Some(n) => requests.iter().find(|r| &r.name == n),
                None => Some(&total),
            };
            if subject.is_none_or(|s| s.count < MIN_REQUESTS) {
                continue;
            }
            let verdict = t.judge(summary::measure(t, &total, &requests));
            if !verdict.passed {
                let text = format!("--abort-on-fail: {} measured {}", t.source, verdict.measured_text);
                *reason.lock() = Some(text.clone());
                goose::trigger_killswitch(&text);
                return;
            }
        }
    }
}
