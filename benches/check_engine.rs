//! The check engine on one getNewest answer of 31 items (~10 KB), the load generator's most
//! frequent: the run's path (parse, validate with coverage), and the load generator's three
//! (out of the sample: sparse read and member rules; sampled, memo hit: key and remembered
//! verdict; sampled, memo miss: parse and validate). `cargo bench --bench check_engine`; quote the
//! ratios between them, not the absolute times (shared machines).

use criterion::{criterion_group, criterion_main, Criterion};
use itsm_conform::check::{self, CompiledStep, FullView, OperationIds, SchemaMode, SparseView};
use itsm_conform::load::validation_memo::{Remembered, ValidationMemo};
use itsm_conform::schema::Side;
use itsm_conform::suite::StepDef;
use serde_json::{json, Value};

const PATH: &str = "/mobile/v2/notification/getNewest";

fn answer() -> String {
    let item = |n: i64| {
        json!({"number": 1000 + n, "taskId": 5000 + n, "type": 4, "date": "26/11/2025", "endSLA": "27/11/2025 05:23",
               "timeFlag": 0, "task": "Atender no local", "service": "Manutenção de impressora", "waiting": 1,
               "latitude": -15.7739, "longitude": -47.8828, "timeSLA": 263, "personal": true, "inService": false,
               "inChekin": 0, "typeRequest": 0, "contract": 1, "unit": 3, "priorityorder": null})
    };
    json!({"dateTime": 1_764_000_000_000_i64, "operationID": 52817, "error": null,
           "notifications": (0..31).map(item).collect::<Vec<_>>()})
    .to_string()
}

/// What every evaluation shares; `context` lets each call lend its own, shorter-lived schema verdict.
struct Fixed<'f> {
    spec: &'f itsm_conform::spec::Spec,
    registry: &'f itsm_conform::schema::SchemaRegistry,
    endpoint: &'f itsm_conform::spec::Endpoint,
    vars: &'f itsm_conform::suite::template::Vars,
    ids: &'f OperationIds,
}

impl<'f> Fixed<'f> {
    fn context<'a>(&self, schema: SchemaMode<'a>, coverage: bool) -> check::Context<'a>
    where
        'f: 'a,
    {
        check::Context {
            spec: self.spec,
            registry: self.registry,
            endpoint: self.endpoint,
            vars: self.vars,
            now_ms: 1_764_000_000_000,
            step_id: "bench",
            operation_ids: Some(self.ids),
            coverage,
            schema,
        }
    }
}

fn bench(c: &mut Criterion) {
    let (registry, _) = itsm_conform::schema::load_checked(&itsm_conform::spec::SpecFiles::embedded()).unwrap();
    let spec = registry.spec().clone();
    let endpoint = spec.endpoint(PATH).unwrap();
    let def: StepDef =
        serde_norway::from_str(&format!("call: {PATH}\ncapture: {{task: /notifications/0/taskId}}")).unwrap();
    let compiled = CompiledStep::new(&spec, endpoint, &def);
    let extraction =
        compiled.extraction(&[("/notifications/0/taskId".into(), itsm_conform::check::sparse::Want::Value)]);
    let body = answer();
    let vars = Default::default();
    let ids = OperationIds::recent(4096);
    let fixed = Fixed { spec: &spec, registry: &registry, endpoint, vars: &vars, ids: &ids };
    let memo = ValidationMemo::new(&spec);
    {
        let document: Value = serde_json::from_str(&body).unwrap();
        let (key, _) = memo.key(PATH, 1, body.as_bytes()).unwrap();
        let violations = registry.check(PATH, Side::Response, &document);
        memo.put(key, Remembered { violations, found: extraction.answer(&document) });
    }
    let mut group = c.benchmark_group("one getNewest answer");
    group.bench_function("run: parse, validate with coverage", |b| {
        b.iter(|| {
            let document: Value = serde_json::from_str(&body).unwrap();
            let view = FullView { status: 200, content_type: "application/json", document: Some(&document) };
            check::evaluate(&compiled, &view, &fixed.context(SchemaMode::Validate, true)).len()
        })
    });
    group.bench_function("load, sampled, memo miss: parse and validate", |b| {
        b.iter(|| {
            let document: Value = serde_json::from_str(&body).unwrap();
            let violations = registry.check(PATH, Side::Response, &document);
            let found = extraction.answer(&document);
            let view = FullView { status: 200, content_type: "application/json", document: Some(&document) };
            check::evaluate(&compiled, &view, &fixed.context(SchemaMode::Known(&violations), false)).len() + found.len()
        })
    });
    group.bench_function("load, sampled, memo hit: key and remembered verdict", |b| {
        b.iter(|| {
            let (key, masked) = memo.key(PATH, 1, body.as_bytes()).unwrap();
            let remembered = memo.get(key).unwrap();
            let mut found = remembered.found;
            if let Some(&slot) = compiled.slots.get("/dateTime") {
                found[slot] = masked.date_time;
            }
            let view = SparseView {
                status: 200,
                content_type: "application/json",
                body: check::Body::Object,
                slots: &compiled.slots,
                answers: &found,
            };
            check::evaluate(&compiled, &view, &fixed.context(SchemaMode::Known(&remembered.violations), false)).len()
        })
    });
    group.bench_function("load, out of the sample: sparse read, member rules", |b| {
        b.iter(|| {
            let found = extraction.read(body.as_bytes()).unwrap();
            let view = SparseView {
                status: 200,
                content_type: "application/json",
                body: check::Body::Object,
                slots: &compiled.slots,
                answers: &found,
            };
            check::evaluate(&compiled, &view, &fixed.context(SchemaMode::Members, false)).len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
