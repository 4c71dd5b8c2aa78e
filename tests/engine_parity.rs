//! One check engine, two readers: the conformance runner reads a whole document, the load
//! generator a sparse read of the members a step declared (with the schema verdict remembered, or
//! member rules out of the sample). Fed the same responses (every spec example, and every answer the
//! reference server gives the suites with each fault of its catalogue), both paths break the same
//! requirements. Loopback only.

mod common;

use std::collections::BTreeSet;

use futures::StreamExt;
use itsm_conform::check::{self, Body, CompiledStep, FullView, OperationIds, SchemaMode, SparseView};
use itsm_conform::run::{self, RunConfig, RunHandle};
use itsm_conform::schema::{SchemaRegistry, Side};
use itsm_conform::server::{self, FaultSet, ServerConfig, CATALOGUE};
use itsm_conform::spec::Spec;
use itsm_conform::suite::{self, CaseDef, ErrorSpec, Expect, StatusSpec, StepDef};
use serde_json::Value;

/// The rules the sparse path applies out of the sample, member by member, instead of the schema.
const MEMBER_RULES: [&str; 7] =
    ["GEN-ENV-001", "GEN-ENV-002", "GEN-ENV-004", "GEN-ENV-006", "GEN-ERR-001", "GEN-ERR-002", "GEN-ERR-003"];

struct Answer {
    step: StepDef,
    status: u16,
    content_type: String,
    body: String,
}

/// The broken requirements of one answer on each path: (run, load with the schema verdict known,
/// load out of the sample).
fn verdicts(
    spec: &Spec,
    registry: &SchemaRegistry,
    answer: &Answer,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let endpoint = spec.endpoint(&answer.step.call).unwrap();
    let compiled = CompiledStep::new(spec, endpoint, &answer.step);
    let vars = Default::default();
    let document: Option<Value> = serde_json::from_str(&answer.body).ok();
    let broken = |recs: Vec<check::Rec>| -> BTreeSet<String> {
        recs.into_iter().filter(|r| r.is_broken()).map(|r| r.requirement.into_owned()).collect()
    };
    let context = |schema, ids| context(spec, registry, endpoint, &vars, schema, ids);
    // The run: the whole document, validated.
    let ids = OperationIds::default();
    let full = FullView { status: answer.status, content_type: &answer.content_type, document: document.as_ref() };
    let run_path = broken(check::evaluate(&compiled, &full, &context(SchemaMode::Validate, &ids)));
    // The load generator: a sparse read of the declared members.
    let extraction = compiled.extraction(&[]);
    let answers = extraction.read(answer.body.as_bytes()).ok();
    let empty = Vec::new();
    let sparse = SparseView {
        status: answer.status,
        content_type: &answer.content_type,
        body: check::body_kind(answer.body.as_bytes(), answers.is_some()),
        slots: &compiled.slots,
        answers: answers.as_deref().unwrap_or(&empty),
    };
    let violations = match (&document, answer.status) {
        (Some(d), 200) => registry.check(&answer.step.call, Side::Response, d),
        _ => Vec::new(),
    };
    let sampled = if answer.status == 200 && sparse.body != Body::NotJson {
        SchemaMode::Known(&violations)
    } else {
        SchemaMode::Members
    };
    let ids = OperationIds::default();
    let known = broken(check::evaluate(&compiled, &sparse, &context(sampled, &ids)));
    let ids = OperationIds::default();
    let members = broken(check::evaluate(&compiled, &sparse, &context(SchemaMode::Members, &ids)));
    (run_path, known, members)
}

fn context<'a>(
    spec: &'a Spec,
    registry: &'a SchemaRegistry,
    endpoint: &'a itsm_conform::spec::Endpoint,
    vars: &'a itsm_conform::suite::template::Vars,
    schema: SchemaMode<'a>,
    ids: &'a OperationIds,
) -> check::Context<'a> {
    check::Context {
        spec,
        registry,
        endpoint,
        vars,
        now_ms: 1_764_000_000_000,
        step_id: "parity",
        operation_ids: Some(ids),
        coverage: false,
        schema,
    }
}

fn compare(spec: &Spec, registry: &SchemaRegistry, answers: &[Answer], label: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for a in answers {
        // A step whose checks read with selectors is always read whole under load too.
        let endpoint = spec.endpoint(&a.step.call).unwrap();
        if CompiledStep::new(spec, endpoint, &a.step).needs_document {
            continue;
        }
        let (run_path, known, members) = verdicts(spec, registry, a);
        if run_path != known {
            problems.push(format!(
                "{label} {} HTTP {}: run {run_path:?}, load {known:?}\n  {}",
                a.step.call,
                a.status,
                a.body.chars().take(300).collect::<String>()
            ));
        }
        let schema_only: BTreeSet<String> = run_path
            .iter()
            .filter(|id| !MEMBER_RULES.contains(&id.as_str()))
            .filter(|id| {
                check::schema_requirements(&endpoint.response, spec).contains(*id)
                    || check::schema_requirements(&serde_json::json!({"$ref": "#/$defs/errorResponse"}), spec)
                        .contains(*id)
            })
            .cloned()
            .collect();
        let expected: BTreeSet<String> = run_path.difference(&schema_only).cloned().collect();
        if !members.is_subset(&run_path) || !expected.is_subset(&members) {
            problems.push(format!(
                "{label} {} HTTP {}: run {run_path:?}, load out of the sample {members:?}\n  {}",
                a.step.call,
                a.status,
                a.body.chars().take(300).collect::<String>()
            ));
        }
    }
    problems
}

fn step(call: &str, expect: Expect) -> StepDef {
    serde_norway::from_str::<StepDef>(&format!("call: {call}"))
        .map(|mut s| {
            s.expect = expect;
            s
        })
        .unwrap()
}

#[test]
fn every_spec_example_gets_the_same_verdicts_on_both_paths() {
    let registry = common::registry();
    let spec = registry.spec();
    let mut answers = Vec::new();
    for endpoint in &spec.endpoints {
        answers.push(Answer {
            step: step(&endpoint.path, Expect::default()),
            status: 200,
            content_type: "application/json".into(),
            body: endpoint.examples.response.to_string(),
        });
        for e in &endpoint.examples.error_examples {
            let expect = Expect {
                status: Some(StatusSpec::One(e.status)),
                error: Some(ErrorSpec::One("any".into())),
                ..Expect::default()
            };
            answers.push(Answer {
                step: step(&endpoint.path, expect),
                status: e.status,
                content_type: "application/json".into(),
                body: e.body.to_string(),
            });
        }
    }
    let problems = compare(spec, &registry, &answers, "example");
    println!("{} example answers compared", answers.len());
    assert!(problems.is_empty(), "{} differences:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_faults_answers_get_the_same_verdicts_on_both_paths() {
    let registry = common::registry();
    let spec = registry.spec().clone();
    let suites = suite::load_dir(&common::project_root().join("suites"), &spec).unwrap();
    let generated: Vec<(String, CaseDef)> = run::generate::generate(&spec)
        .into_iter()
        .flat_map(|s| s.cases.into_iter().map(move |c| (s.name.clone(), c)))
        .collect();
    let case_of = |suite_name: &str, case_name: &str| -> Option<CaseDef> {
        suites
            .iter()
            .filter(|s| s.suite.name == suite_name)
            .flat_map(|s| s.suite.cases.iter())
            .chain(generated.iter().filter(|(s, _)| s == suite_name).map(|(_, c)| c))
            .find(|c| c.name == case_name)
            .cloned()
    };
    let reports: Vec<(String, itsm_conform::model::RunReport)> = futures::stream::iter(CATALOGUE)
        .map(|info| {
            let registry = registry.clone();
            let suites = suites.clone();
            async move {
                let mut config = ServerConfig::local();
                // One slow endpoint, so the run is not stopped by the circuit breaker.
                let fault = if info.name == "slow" { "slow:400ms@/services/v2/getWorkflow" } else { info.name };
                config.faults = FaultSet::new(vec![fault.parse().unwrap()]);
                let server = server::start(config, registry.spec().clone()).await.unwrap();
                let mut run_config =
                    RunConfig::new(server.base_url(), itsm_conform::cli::reference_accounts(&server), suites);
                run_config.timeout = std::time::Duration::from_secs(if info.name == "slow" { 1 } else { 10 });
                let report = run::run_suites(&run_config, registry, &RunHandle::default(), &run::engine::NoProgress)
                    .await
                    .unwrap();
                server.shutdown().await;
                (info.name.to_string(), report)
            }
        })
        .buffer_unordered(3)
        .collect()
        .await;
    let mut problems = Vec::new();
    let mut compared = 0;
    for (fault, report) in &reports {
        let mut answers = Vec::new();
        for case in &report.cases {
            let Some(def) = case_of(&case.suite, &case.name) else { continue };
            for (i, result) in case.steps.iter().enumerate() {
                let (Some(response), Some(step)) = (&result.response, def.steps.get(i)) else { continue };
                // Redacted or cut bodies are not the bytes the target sent.
                if response.truncated || response.body.contains("***") || step.parallel.is_some() || step.teardown {
                    continue;
                }
                answers.push(Answer {
                    step: step.clone(),
                    status: response.status,
                    content_type: response.content_type.clone(),
                    body: response.body.clone(),
                });
            }
        }
        compared += answers.len();
        problems.extend(compare(&spec, &registry, &answers, fault));
    }
    println!("{compared} answers of {} faults compared on both paths", reports.len());
    assert!(compared > 5000, "{compared}");
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
