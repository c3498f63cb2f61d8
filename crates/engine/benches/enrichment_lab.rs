//! An enrichment against the real lab servers (Samba AD DC over LDAPS,
//! PostgreSQL inventory, OpenSearch-API SIEM, started by `tests/run.sh` or
//! by hand with `tests/lab/*.sh`): one request with 5 indicators (a host, an
//! internal IP chained to its owner, an account, an external IP and a
//! domain) through the enrichment playbook, 17 connector calls in all.
//! Target (issue 10): under 2 s. Without the labs it reports that and
//! measures nothing.

use criterion::{Criterion, criterion_group, criterion_main};
use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::playbook::Runner;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use drawbridge_testkit::configs;
use std::time::{Duration, Instant};

fn enrichment(c: &mut Criterion) {
    let (Some(directory), Some(_), Some(_)) = (drawbridge_lab::require::directory(), drawbridge_lab::require::siem(), drawbridge_lab::require::postgres())
    else {
        eprintln!("enrichment_lab: set DRAWBRIDGE_DIRECTORY_LAB, DRAWBRIDGE_SIEM_LAB and DRAWBRIDGE_POSTGRES_LAB (labs up) to measure");
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut config = Config::default();
    config.connectors = config
        .connectors
        .with("active_directory", &configs::active_directory(&directory))
        .with("siem", &configs::siem("http://127.0.0.1:9200"))
        .with("asset_inventory", &configs::inventory());
    let deployment = Deployment::new(config).expect("deployment");
    let store = rt.block_on(Store::in_memory()).expect("store");
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let mut n = 0u64;
    let mut group = c.benchmark_group("enrichment_lab");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("5_indicators", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                n += 1;
                let raw = format!(
                    "From: a@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: context please\r\nDate: Fri, 27 Nov 2026 09:00:00 +0000\r\n\
                     Message-ID: <bench-{n}@mssp.example.net>\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n\
                     Who owns WKS-FIN-042 and 10.20.1.42, what is CORP\\j.doe, and did 203.0.113.7 or login-verify-portal.com show up?\r\n"
                );
                let id = rt
                    .block_on(ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: "bench".into(), cursor: None }))
                    .expect("ingest")
                    .request_id;
                rt.block_on(store.correct_type(id, "enrichment", "bench", None)).expect("type");
                let mut runner = Runner::new(store.clone(), deployment.connectors.clone());
                let started = Instant::now();
                let run = rt.block_on(drawbridge_engine::enrich::run_request(&store, &deployment, &mut runner, id)).expect("run");
                spent += started.elapsed();
                assert_eq!(run.status.as_str(), "completed");
            }
            spent
        })
    });
    group.finish();
}

criterion_group!(benches, enrichment);
criterion_main!(benches);
