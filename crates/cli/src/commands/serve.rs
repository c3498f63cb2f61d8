//! `serve`: the watchers and workers until Ctrl-C.

use crate::context::Ctx;
use anyhow::{Context, Result, bail};
use drawbridge_engine::serve;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(ctx: &Ctx, interval: u64) -> Result<()> {
    let config = &ctx.config;
    let every = Duration::from_secs(interval.max(1));
    let ingestor = ctx.ingestor().await?;
    let deployment = drawbridge_engine::deployment::Current::new(Arc::new(ctx.deployment()?));
    let mut tasks = tokio::task::JoinSet::new();
    serve::spawn_watchers(config, &ingestor, every, &mut tasks).with_context(|| format!("cannot create drop folder {}", config.drop_folder().display()))?;
    serve::spawn_workers(&deployment, &ctx.store().await?, every, &mut tasks);
    eprintln!("drawbridge: watching {}{}", config.drop_folder().display(), if config.intake.imap.is_some() { " and the IMAP mailbox" } else { "" });
    tokio::select! {
        _ = tokio::signal::ctrl_c() => { eprintln!("drawbridge: stopping"); }
        _ = tasks.join_next() => { bail!("a watcher stopped unexpectedly"); }
    }
    Ok(())
}
