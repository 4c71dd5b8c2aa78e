//! No concurrency can change a verdict: the whole suite at `--jobs` 1, the number of cores and 32,
//! against a reference whose every answer is a little slow (so cases overlap for real), plain and
//! with each authorization fault, gives the same requirement verdicts each time; plain, they pass.
//! Loopback only; every run is bounded by its own timeouts.

mod common;

use std::collections::BTreeMap;

use itsm_conform::model::Coverage;
use itsm_conform::run::{self, Outcome, RunConfig, RunHandle, RunReport, RunVerdict};
use itsm_conform::server::{self, FaultSet, ServerConfig};
use itsm_conform::suite;

/// The faults of the authorization rules (specs/DECISIONS.md D-USERS), each with the requirement
/// that must report it.
const AUTHORIZATION_FAULTS: &[(&str, &str)] = &[
    ("checkin-ignores-others", "MV2-CHECKIN-007"),
    ("checkout-any-user", "MV2-CHECKOUT-007"),
    ("feedback-any-user", "MV1-FEEDBACK-006"),
    ("getbyid-any-user", "MV2-GETBYID-005"),
    ("units-ignore-contract", "SV2-UNITS-003"),
    ("refusal-still-applies", "REQ-UPDATE-005"),
];

/// Every requirement's verdict: its coverage and whether any check of it failed or warned.
type Verdicts = BTreeMap<String, (Coverage, bool)>;

fn verdicts(report: &RunReport) -> Verdicts {
    report.requirements.iter().map(|r| (r.id.clone(), (r.coverage, r.failures > 0))).collect()
}

async fn run_at(jobs: usize, fault: Option<&str>, only_users: bool) -> RunReport {
    let registry = common::registry();
    let mut config = ServerConfig::local();
    let mut faults = vec!["slow:3ms".parse().unwrap()];
    faults.extend(fault.map(|f| f.parse().expect("a catalogue fault")));
    config.faults = FaultSet::new(faults);
    let server = server::start(config, registry.spec().clone()).await.expect("server starts");
    let mut suites = suite::load_dir(&common::project_root().join("suites"), registry.spec()).expect("suites load");
    if only_users {
        suites.retain(|s| s.suite.name == "users");
    }
    let mut run_config = RunConfig::new(server.base_url(), itsm_conform::cli::reference_accounts(&server), suites);
    run_config.jobs = jobs;
    run_config.generated = !only_users;
    let report = run::run_suites(&run_config, registry, &RunHandle::default(), &run::engine::NoProgress)
        .await
        .expect("the run completes");
    server.shutdown().await;
    report
}

fn differences(a: &Verdicts, b: &Verdicts) -> Vec<String> {
    a.iter().filter(|(id, v)| b.get(*id) != Some(v)).map(|(id, v)| format!("{id}: {v:?} vs {:?}", b.get(id))).collect()
}

fn job_counts() -> [usize; 3] {
    [1, std::thread::available_parallelism().map_or(2, |n| n.get()), 32]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_suite_gives_the_same_verdicts_at_any_jobs() {
    let mut first: Option<(usize, Verdicts)> = None;
    for jobs in job_counts() {
        let report = run_at(jobs, None, false).await;
        let problems: Vec<String> = report
            .cases
            .iter()
            .flat_map(|c| c.steps.iter().flat_map(move |s| s.checks.iter().map(move |k| (c, k))))
            .filter(|(_, k)| matches!(k.outcome, Outcome::Fail | Outcome::Warn | Outcome::Error))
            .map(|(c, k)| format!("{} {} {:?} {:?}", c.id, k.requirement, k.expected, k.actual))
            .collect();
        assert!(problems.is_empty(), "--jobs {jobs}: {problems:#?}");
        assert_eq!(report.verdict, RunVerdict::Pass, "--jobs {jobs}");
        let now = verdicts(&report);
        if let Some((jobs0, before)) = &first {
            let diff = differences(before, &now);
            assert!(diff.is_empty(), "--jobs {jobs0} and --jobs {jobs} differ: {diff:#?}");
        } else {
            first = Some((jobs, now));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_authorization_fault_is_reported_by_its_requirement_at_any_jobs() {
    for (fault, requirement) in AUTHORIZATION_FAULTS {
        let mut first: Option<(usize, Verdicts)> = None;
        for jobs in job_counts() {
            let report = run_at(jobs, Some(fault), true).await;
            let now = verdicts(&report);
            let (coverage, broken) = now.get(*requirement).copied().unwrap_or((Coverage::NotChecked, false));
            assert!(broken && coverage == Coverage::Failed, "{fault} at --jobs {jobs}: {requirement} is {coverage:?}");
            if let Some((jobs0, before)) = &first {
                let diff = differences(before, &now);
                assert!(diff.is_empty(), "{fault}: --jobs {jobs0} and --jobs {jobs} differ: {diff:#?}");
            } else {
                first = Some((jobs, now));
            }
        }
    }
}
