//! Ingestion of 1,000 .eml files (parse, sender check, extraction, commit)
//! into SQLite. Target: >= 1,000 emails/s.

mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};

fn ingestion(c: &mut Criterion) {
    let mut rng = corpus::Rng::new(7);
    let emails: Vec<Vec<u8>> = (0..1000).map(|n| corpus::email(&mut rng, n)).collect();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let config = Config::default();
    let mut group = c.benchmark_group("ingestion");
    group.sample_size(10);
    group.throughput(Throughput::Elements(emails.len() as u64));
    group.bench_function("1000_eml_into_sqlite", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("tempdir");
                let store = runtime.block_on(Store::open_sqlite(&dir.path().join("bench.db"))).expect("store");
                (dir, Ingestor::new(&config, store, DnsSource::Fixed(Default::default())).expect("ingestor"))
            },
            |(dir, ingestor)| {
                runtime.block_on(async {
                    for (n, raw) in emails.iter().enumerate() {
                        let origin = Origin { source: Source::DropFolder, reference: format!("{n}.eml"), cursor: None };
                        ingestor.ingest(raw, &origin).await.expect("ingest");
                    }
                });
                drop(dir);
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, ingestion);
criterion_main!(benches);
