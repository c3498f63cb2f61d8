//! Running Drawbridge in the background: the intake watchers (the drop
//! folder always, the IMAP mailbox when configured), the playbook worker
//! (runs, or resumes, the playbook of every request that has not finished
//! one) and the outbox (sends approved replies, when SMTP is configured).
//! Shared by `drawbridge serve` and the app.

use crate::config::Config;
use crate::ingest::Ingestor;
use crate::sources::{drop_folder, imap};
use std::sync::Arc;
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

/// Spawns the playbook worker and, when `[outbound]` is configured, the
/// outbox (SMTP, or `.eml` files in a folder where no SMTP server is set). The worker runs each new request's playbook and then stores its
/// draft report.
pub fn spawn_workers(current: &Arc<crate::deployment::Current>, store: &crate::store::Store, interval: Duration, tasks: &mut JoinSet<()>) {
    let (live, st) = (current.clone(), store.clone());
    let deployment = current.get();
    let config = &deployment.config;
    tasks.spawn(async move {
        let mut dep = live.get();
        let mut runner = crate::playbook::Runner::configured(st.clone(), dep.connectors.clone(), &dep.config.connectors.limits);
        loop {
            // Settings saved meanwhile: the next requests run on the new connectors.
            let now = live.get();
            if !Arc::ptr_eq(&now, &dep) {
                dep = now;
                runner = crate::playbook::Runner::configured(st.clone(), dep.connectors.clone(), &dep.config.connectors.limits);
            }
            match st.requests_awaiting_run(20).await {
                Ok(ids) => {
                    for id in ids {
                        let reviewer = crate::review::Reviewer::new(&st, &dep);
                        if let Err(e) = reviewer.acknowledge(id).await {
                            tracing::warn!(request = id, error = %e, "cannot queue the receipt");
                        }
                        match crate::enrich::run_automatically(&st, &dep, &mut runner, id).await {
                            Ok(crate::enrich::Outcome::Ran(run)) => {
                                info!(request = id, run = run.id, status = %run.status, "playbook run finished");
                                if let Err(e) = reviewer.refresh_draft(id).await {
                                    tracing::warn!(request = id, error = %e, "cannot store the draft report");
                                }
                            }
                            Ok(crate::enrich::Outcome::Retrying(why)) => tracing::warn!(request = id, error = %why, "playbook could not start; will retry"),
                            Ok(crate::enrich::Outcome::Parked(why)) => tracing::warn!(request = id, reason = %why, "parked for a person"),
                            Err(e) => tracing::warn!(request = id, error = %e, "playbook run failed"),
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot list requests awaiting a playbook run"),
            }
            // A run that finished while its draft could not be stored: drafted now.
            match st.requests_awaiting_draft(20).await {
                Ok(ids) => {
                    for id in ids {
                        match crate::review::Reviewer::new(&st, &dep).refresh_draft(id).await {
                            Ok(_) => info!(request = id, "draft stored on a later pass"),
                            Err(e) => tracing::warn!(request = id, error = %e, "cannot store the draft report; will try again"),
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot list requests awaiting a draft"),
            }
            tokio::time::sleep(interval).await;
        }
    });
    if let Some(out) = &config.outbound {
        let transport = out.transport();
        info!(to = %transport.describe(), "sending approved replies");
        tasks.spawn(crate::outbound::outbox::run(store.clone(), transport, out.retry(), out.sent_copy(config.intake.imap.as_ref()), interval));
    }
}
