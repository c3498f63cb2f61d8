//! Extraction throughput on a ~1 MB corpus of generated MSSP emails.
//! Target: >= 100 MB/s on one core.

mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use drawbridge_engine::indicators::Extractor;
use drawbridge_engine::indicators::IndicatorsConfig;
use std::hint::black_box;

fn extraction(c: &mut Criterion) {
    let text = corpus::text_corpus(42, 1024 * 1024);
    let extractor = Extractor::new(&IndicatorsConfig::default()).expect("config");
    let mut group = c.benchmark_group("extraction");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("1MB_mssp_corpus", |b| b.iter(|| black_box(extractor.extract(black_box(&text)))));
    group.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
