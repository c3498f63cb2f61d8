//! The app's queue over 10,000 requests: one page (100 rows) newest first,
//! a page deep in the list, a two-word search and a state filter, each with
//! its count of matches. Target: every page under 16 ms (one frame), so
//! scrolling and typing in the virtualised list never wait on the store. `QUEUE_BENCH_DB=path` keeps the database for a look.

mod corpus;

use criterion::{Criterion, criterion_group, criterion_main};
use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{QueueQuery, Source, Store};

fn queue(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = std::env::var_os("QUEUE_BENCH_DB").map(std::path::PathBuf::from).unwrap_or_else(|| dir.path().join("queue.db"));
    let _ = std::fs::remove_file(&path);
    let store = runtime.block_on(Store::open_sqlite(&path)).expect("store");
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let mut rng = corpus::Rng::new(11);
    runtime.block_on(async {
        for n in 0..10_000 {
            let raw = corpus::email(&mut rng, n);
            let origin = Origin { source: Source::DropFolder, reference: format!("{n}.eml"), cursor: None };
            ingestor.ingest(&raw, &origin).await.expect("ingest");
        }
    });
    let total = runtime.block_on(store.count_requests()).expect("count");
    assert_eq!(total, 10_000);
    let page = |words: &[&str], state: Option<&str>, offset: i64| QueueQuery {
        words: words.iter().map(|w| w.to_string()).collect(),
        state: state.map(String::from),
        request_type: None,
        assignee: None,
        offset,
        limit: 100,
    };
    let mut group = c.benchmark_group("queue_10k");
    for (name, q) in [
        ("first_page", page(&[], None, 0)),
        ("page_at_row_5000", page(&[], None, 5000)),
        ("search_two_words", page(&["please", "check"], None, 0)),
        ("state_new", page(&[], Some("new"), 0)),
    ] {
        group.bench_function(name, |b| b.iter(|| runtime.block_on(store.queue_page(&q)).expect("page")));
    }
    group.finish();
}

criterion_group!(benches, queue);
criterion_main!(benches);
