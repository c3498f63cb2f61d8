//! Playbook runner speed. Targets: engine overhead <= 1 ms per call; with 5
//! indicators x 4 steps each answering in 200 ms, a run within 2x the slowest
//! query when the limits allow it (<= 0.5 s, against 4 s sequentially).

use criterion::{Criterion, criterion_group, criterion_main};
use drawbridge_engine::indicators::{Indicator, Kind};
use drawbridge_engine::playbook::{self, ConnectorError, Executor, Runner, validate};
use drawbridge_engine::store::Store;
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

struct Answer(Duration);

impl Executor for Answer {
    fn call<'a>(&'a self, _action: &'a str, _input: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Option<serde_json::Value>, ConnectorError>> {
        Box::pin(async move {
            if !self.0.is_zero() {
                tokio::time::sleep(self.0).await;
            }
            Ok(Some(serde_json::json!({"ok": true})))
        })
    }
}

const FOUR_STEPS: &str = r#"
name: bench
trigger: { request_types: [enrichment] }
steps:
  - { id: a, action: active_directory.computer, for_each: { kinds: [hostname] }, input: { name: "{{ item.value }}" } }
  - { id: b, action: active_directory.computer, for_each: { kinds: [hostname] }, input: { name: "{{ item.value }}" } }
  - { id: c, action: active_directory.user, for_each: { kinds: [hostname] }, input: { identifier: "{{ item.value }}" } }
  - { id: d, action: active_directory.groups, for_each: { kinds: [hostname] }, input: { identifier: "{{ item.value }}" } }
"#;

fn setup(rt: &tokio::runtime::Runtime, hosts: usize) -> (Store, playbook::Playbook, playbook::Plan) {
    let store = rt.block_on(Store::in_memory()).expect("store");
    let pb = validate::parse(FOUR_STEPS, "bench.yaml").expect("valid");
    let ctx = playbook::RequestContext {
        id: Some(1),
        subject: String::new(),
        sender: String::new(),
        request_type: "enrichment".into(),
        labels: Default::default(),
        window: drawbridge_engine::playbook::window::window("", chrono::Utc::now()),
        indicators: (0..hosts)
            .map(|i| Indicator { kind: Kind::Hostname, value: format!("WKS-B-{i:03}"), defanged: false, occurrences: 1, source: "body".into() })
            .collect(),
    };
    let plan = playbook::plan(&pb, &ctx).expect("plan");
    (store, pb, plan)
}

/// Runs need a request row to hang off.
fn request_row(rt: &tokio::runtime::Runtime, store: &Store) -> i64 {
    use drawbridge_engine::config::Config;
    use drawbridge_engine::ingest::{Ingestor, Origin};
    let ingestor = Ingestor::new(&Config::default(), store.clone(), drawbridge_engine::sender::DnsSource::Fixed(Default::default())).expect("ingestor");
    let raw = format!("From: a@mssp.example.net\r\nSubject: x\r\nMessage-ID: <{}@b>\r\n\r\nbody\r\n", rand_id());
    rt.block_on(ingestor.ingest(raw.as_bytes(), &Origin { source: drawbridge_engine::store::Source::File, reference: "b".into(), cursor: None }))
        .expect("ingest")
        .request_id
}

fn rand_id() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

fn overhead(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    let (store, pb, plan) = setup(&rt, 25); // 100 calls
    let mut group = c.benchmark_group("playbook");
    group.throughput(criterion::Throughput::Elements(plan.calls.len() as u64));
    group.bench_function("100_calls_noop_executor", |b| {
        b.iter_batched(
            || request_row(&rt, &store),
            |id| rt.block_on(Runner::new(store.clone(), Arc::new(Answer(Duration::ZERO))).with_limit("active_directory", 16).run(id, &pb, &plan)).expect("run"),
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn concurrent(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let (store, pb, plan) = setup(&rt, 5); // 5 indicators x 4 steps
    let mut group = c.benchmark_group("playbook");
    group.sample_size(10);
    group.bench_function("5_indicators_x_4_steps_of_200ms", |b| {
        b.iter_batched(
            || request_row(&rt, &store),
            |id| {
                rt.block_on(Runner::new(store.clone(), Arc::new(Answer(Duration::from_millis(200)))).with_limit("active_directory", 20).run(id, &pb, &plan))
                    .expect("run")
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, overhead, concurrent);
criterion_main!(benches);
