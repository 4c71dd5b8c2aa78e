//! The self-test of the certification, both ways, in-process against the reference server:
//!
//! - fair: every freedom (a behaviour the sources allow that the reference does not use), alone and
//!   all at once, passes with no MUST failure and every in-scope MUST checked; a SHOULD warns only
//!   where a freedom departs from it on purpose and says so;
//! - blind to none: every fault of the catalogue, alone on the plain reference and on top of all
//!   freedoms at once, is reported by the requirement the catalogue names (a MUST fails the run, a
//!   SHOULD warns), not merely by some incidental one.
//!
//! It prints the mutation score and the MUST coverage of both. Loopback only.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use futures::StreamExt;
use itsm_conform::run::{self, Outcome, RunConfig, RunHandle, RunReport, RunVerdict};
use itsm_conform::server::{self, Fault, FaultSet, FreedomKind, FreedomSet, ServerConfig, CATALOGUE, FREEDOMS};
use itsm_conform::spec::Level;
use itsm_conform::suite;

/// Runs the self-test's cases a few at a time: each has its own server; the work is mostly waiting.
const AT_ONCE: usize = 3;

/// How a fault is exercised: the fault (with the argument the self-test uses), and the run's
/// timeout, slow tier and the session lifetime it needs.
struct Setup {
    fault: Option<Fault>,
    timeout: Duration,
    session_ttl: Option<Duration>,
}

fn setup(name: &str) -> Setup {
    let mut s = Setup {
        fault: Some(name.parse().expect("catalogue names parse")),
        timeout: Duration::from_secs(10),
        session_ttl: None,
    };
    match name {
        // One slow endpoint: a conformance failure (GEN-HTTP-006), not a dead target (whose
        // consecutive timeouts would trip the circuit breaker instead).
        "slow" => {
            s.fault = Some("slow:400ms@/services/v2/getWorkflow".parse().unwrap());
            s.timeout = Duration::from_millis(200);
        }
        // Only the slow tier waits a session out; a short lifetime keeps it short.
        "session-never-expires" => s.session_ttl = Some(Duration::from_secs(2)),
        _ => {}
    }
    s
}

async fn run_once(freedoms: FreedomSet, setup: Setup) -> RunReport {
    let registry = common::registry();
    let mut config = ServerConfig::local();
    config.freedoms = freedoms;
    config.faults = FaultSet::new(setup.fault.into_iter().collect());
    if let Some(ttl) = setup.session_ttl {
        config.session_ttl = ttl;
    }
    let server = server::start(config, registry.spec().clone()).await.expect("server starts");
    let suites = suite::load_dir(&common::project_root().join("suites"), registry.spec()).expect("suites load");
    let mut run_config = RunConfig::new(server.base_url(), itsm_conform::cli::reference_accounts(&server), suites);
    run_config.timeout = setup.timeout;
    if let Some(ttl) = setup.session_ttl {
        run_config.include_slow = true;
        run_config.session_ttl = ttl;
    }
    let report = run::run_suites(&run_config, registry, &RunHandle::default(), &run::engine::NoProgress)
        .await
        .expect("the run completes");
    server.shutdown().await;
    report
}

/// Requirements with a failed (MUST) or warned (SHOULD) check.
fn broken(report: &RunReport, outcome: Outcome) -> BTreeSet<String> {
    report
        .cases
        .iter()
        .flat_map(|c| &c.steps)
        .flat_map(|s| &s.checks)
        .filter(|c| c.outcome == outcome)
        .map(|c| c.requirement.clone())
        .collect()
}

fn coverage_line(report: &RunReport) -> String {
    let m = report.requirement_coverage.must;
    format!(
        "MUST verified {}/{}, failed {}, not checked {}, not applicable {}, out of scope {}",
        m.verified,
        m.in_scope(),
        m.failed,
        m.not_checked,
        m.not_applicable,
        m.out_of_scope
    )
}

fn departs_from(freedoms: &FreedomSet) -> BTreeSet<&'static str> {
    freedoms.iter().flat_map(|k| k.info().departs_from.iter().copied()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_freedom_alone_and_all_at_once_passes_with_every_in_scope_must_checked() {
    let mut sets: Vec<(String, FreedomSet)> =
        FREEDOMS.iter().map(|f| (f.name.to_string(), FreedomSet::new([f.kind]))).collect();
    sets.push(("all freedoms".to_string(), FreedomSet::all()));
    let results: Vec<(String, FreedomSet, RunReport)> = futures::stream::iter(sets)
        .map(|(name, set)| async move {
            let report =
                run_once(set.clone(), Setup { fault: None, timeout: Duration::from_secs(10), session_ttl: None }).await;
            (name, set, report)
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    let mut problems = Vec::new();
    for (name, set, report) in &results {
        let must = report.requirement_coverage.must;
        if report.verdict != RunVerdict::Pass || must.failed > 0 || must.not_checked > 0 {
            let unchecked: Vec<String> = report
                .requirements
                .iter()
                .filter(|r| r.level == Level::Must && r.coverage == itsm_conform::model::Coverage::NotChecked)
                .map(|r| format!("{} ({})", r.id, r.detail.as_deref().unwrap_or("")))
                .collect();
            problems.push(format!(
                "{name}: {:?}, {}; failed {:?}; unchecked {unchecked:?}",
                report.verdict,
                coverage_line(report),
                broken(report, Outcome::Fail)
            ));
        }
        let allowed = departs_from(set);
        let undeclared: Vec<String> =
            broken(report, Outcome::Warn).into_iter().filter(|id| !allowed.contains(id.as_str())).collect();
        if !undeclared.is_empty() {
            problems.push(format!("{name}: SHOULD warnings no freedom declares: {undeclared:?}"));
        }
    }
    let all = &results.iter().find(|(n, _, _)| n == "all freedoms").unwrap().2;
    println!("all freedoms at once: {} ({} freedoms alone also checked)", coverage_line(all), FREEDOMS.len());
    assert!(problems.is_empty(), "freedoms the certification does not accept:\n{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_by_its_own_requirement_alone_and_on_top_of_all_freedoms() {
    let hidden = |fault: &str| -> Vec<FreedomKind> {
        FREEDOMS.iter().filter(|f| f.hides_faults.contains(&fault)).map(|f| f.kind).collect()
    };
    let mut runs = Vec::new();
    for info in CATALOGUE {
        runs.push((info, false, FreedomSet::default()));
        // On top of every freedom but those that remove the fault's evidence (no item carries
        // `inChekin` for `checkin-not-in-lists` to falsify once `no-v2-extras` drops it).
        let hiding = hidden(info.name);
        let kinds: Vec<FreedomKind> = FREEDOMS.iter().map(|f| f.kind).filter(|k| !hiding.contains(k)).collect();
        runs.push((info, true, FreedomSet::new(kinds)));
    }
    let results: Vec<_> = futures::stream::iter(runs)
        .map(|(info, on_freedoms, set)| async move {
            let report = run_once(set, setup(info.name)).await;
            (info, on_freedoms, report)
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    let mut missed = Vec::new();
    let mut caught = [0usize; 2];
    for (info, on_freedoms, report) in &results {
        let level = common::registry().spec().requirement(info.caught_by).expect("catalogue requirement").level;
        let (outcome, exit) = match level {
            Level::Must => (Outcome::Fail, itsm_conform::exit::CONFORMANCE_FAILURE),
            _ => (Outcome::Warn, itsm_conform::model::verdict::exit_code(report.verdict)),
        };
        let reported = broken(report, outcome);
        let code = itsm_conform::model::verdict::exit_code(report.verdict);
        if reported.contains(info.caught_by) && code == exit {
            caught[usize::from(*on_freedoms)] += 1;
        } else {
            missed.push(format!(
                "{}{}: exit {code}, expected {} ({level}); reported {reported:?}",
                info.name,
                if *on_freedoms { " on all freedoms" } else { "" },
                info.caught_by
            ));
        }
    }
    let hidden_by: Vec<String> = CATALOGUE
        .iter()
        .filter(|i| !hidden(i.name).is_empty())
        .map(|i| format!("{} (without {:?})", i.name, hidden(i.name).iter().map(|k| k.info().name).collect::<Vec<_>>()))
        .collect();
    println!(
        "mutation score, plain reference: {}/{} faults caught by their own requirement",
        caught[0],
        CATALOGUE.len()
    );
    println!(
        "mutation score, on all freedoms: {}/{} (on all but the freedoms that remove their evidence: {})",
        caught[1],
        CATALOGUE.len(),
        hidden_by.join(", ")
    );
    assert!(CATALOGUE.len() >= 30, "the catalogue has at least 30 faults");
    assert!(missed.is_empty(), "faults not caught by their own requirement:\n{}", missed.join("\n"));
}
