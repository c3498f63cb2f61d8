//! What Drawbridge's integration tests share, in one copy: the lab guards
//! (skip on a developer machine, fail with `DRAWBRIDGE_REQUIRE_LABS=1`),
//! the mail lab's helpers (submit, relay, read a mailbox, stop and restart
//! servers), request emails, and connector settings for the lab servers
//! with their secrets injected in memory.

pub mod configs;
pub mod emails;
pub mod mail;

pub use drawbridge_lab::require as labs;

use std::time::{Duration, Instant};

/// Waits until `check` holds, up to `limit`; returns whether it did.
pub async fn eventually<F, Fut>(limit: Duration, check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    waited(limit, Duration::from_millis(100), check).await.is_some()
}

/// Waits until `check` holds, asking every `every`, up to `limit`; returns
/// how long it took, or `None` when it never held.
pub async fn waited<F, Fut>(limit: Duration, every: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(every).await;
    }
    None
}

/// An ingestor over a new SQLite store at `db`, with DNS answered by fixed
/// (empty) records: the gateway's `Authentication-Results` decides.
pub async fn ingestor(db: &std::path::Path, config: &drawbridge_engine::config::Config) -> drawbridge_engine::ingest::Ingestor {
    let store = drawbridge_engine::store::Store::open_sqlite(db).await.expect("open store");
    drawbridge_engine::ingest::Ingestor::new(config, store, drawbridge_engine::sender::DnsSource::Fixed(Default::default())).expect("ingestor")
}

/// The repository's root folder.
pub fn repo_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
