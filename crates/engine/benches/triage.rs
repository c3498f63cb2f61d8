//! Triage speed. Targets: >= 20,000 emails/s on one core for ~2 KB emails,
//! normalisation included; training the shipped model < 30 s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use drawbridge_engine::classify::{Classifier, KeywordRules, Normalizer, Steps, TrainParams, TriageModel};
use drawbridge_engine::indicators::Extractor;
use drawbridge_engine::indicators::IndicatorsConfig;
use drawbridge_engine::paths::shipped_models_dir;
use std::hint::black_box;

/// Generated emails padded or cut to about 2 KB each.
fn emails() -> Vec<(String, String)> {
    drawbridge_triage_corpus::generate(99, 500)
        .into_iter()
        .map(|e| {
            let mut body = e.body.clone();
            while body.len() < 2048 {
                body.push_str("\n\n");
                body.push_str(&e.body);
            }
            let mut end = 2048;
            while !body.is_char_boundary(end) {
                end -= 1;
            }
            body.truncate(end);
            (e.subject, body)
        })
        .collect()
}

fn prediction(c: &mut Criterion) {
    let models = shipped_models_dir();
    let normalizer = Normalizer::new(Extractor::new(&IndicatorsConfig::default()).expect("config"), Steps::default());
    let classifier = Classifier::new(normalizer, TriageModel::load(&models.join("triage.bin")), KeywordRules::shipped().expect("rules"), 0.80);
    let emails = emails();
    let mut group = c.benchmark_group("triage");
    group.throughput(Throughput::Elements(emails.len() as u64));
    group.bench_function("classify_500_emails_of_2KB", |b| {
        b.iter(|| {
            for (subject, body) in &emails {
                black_box(classifier.classify(black_box(subject), black_box(body)));
            }
        })
    });
    // What ingest runs: every configured classifier (request type and
    // priority) on one normalisation of the text.
    let all = drawbridge_engine::ingest::classifiers(&drawbridge_engine::config::Config::default()).expect("classifiers");
    group.bench_function("classify_all_500_emails_of_2KB", |b| {
        b.iter(|| {
            for (subject, body) in &emails {
                black_box(all.classify_all(black_box(subject), black_box(body)));
            }
        })
    });
    group.finish();
}

fn training(c: &mut Criterion) {
    let input = shipped_models_dir().join("corpus/train.txt");
    let mut group = c.benchmark_group("triage_training");
    group.sample_size(10);
    group.bench_function("train_shipped_model", |b| b.iter(|| black_box(TriageModel::train(&input, &TrainParams::default(), None).expect("train"))));
    group.finish();
}

criterion_group!(benches, prediction, training);
criterion_main!(benches);
