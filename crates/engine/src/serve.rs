//! Running the intake watchers in the background: the drop folder always,
//! the IMAP mailbox when configured. Shared by `drawbridge serve` and the app.

use crate::config::Config;
use crate::ingest::Ingestor;
use crate::intake::{drop_folder, imap};
use std::time::Duration;
use tokio::task::JoinSet;
use tracing::info;

/// Spawns the configured watchers on `tasks`. They run until aborted and never
/// stop on bad input or a server outage.
pub fn spawn_watchers(config: &Config, ingestor: &Ingestor, interval: Duration, tasks: &mut JoinSet<()>) -> std::io::Result<()> {
    let folder = config.drop_folder();
    std::fs::create_dir_all(&folder)?;
    info!(folder = %folder.display(), "watching drop folder");
    tasks.spawn(drop_folder::watch(ingestor.clone(), folder, interval));
    if let Some(imap_cfg) = config.intake.imap.clone() {
        info!(host = %imap_cfg.host, port = imap_cfg.port, mailbox = %imap_cfg.mailbox, "watching IMAP mailbox");
        tasks.spawn(imap::watch(ingestor.clone(), imap_cfg));
    }
    Ok(())
}
