//! The IMAP watcher: IDLE when the server offers it, polling otherwise.
//!
//! Exactly-once: the mailbox's UIDVALIDITY and the last ingested UID are
//! committed in the same transaction as each request, and a message is only
//! flagged or moved after that commit. After a crash or reconnect the watcher
//! resumes after the last committed UID; if UIDVALIDITY changed it re-reads the
//! mailbox, and the store's content de-duplication keeps that from creating
//! duplicates.

use crate::ingest::{Ingestor, Origin};
use crate::intake::imap::{ImapConfig, ImapError, Stream, account, login};
use crate::store::{ImapCursor, Source};
use async_imap::Session;
use async_imap::types::UnsolicitedResponse;
use futures::StreamExt;
use std::time::Duration;
use tracing::{debug, info, warn};

const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Runs the watcher until the task is dropped: every failure is logged, then
/// the watcher reconnects with exponential backoff (1 s doubling to 60 s).
pub async fn watch(ingestor: Ingestor, cfg: ImapConfig) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let started = std::time::Instant::now();
        match run_session(&ingestor, &cfg).await {
            Ok(()) => info!(host = %cfg.host, "IMAP session ended; reconnecting"),
            Err(e) => warn!(host = %cfg.host, error = %e, retry_in = ?backoff, "IMAP session failed"),
        }
        if started.elapsed() > Duration::from_secs(120) {
            backoff = Duration::from_secs(1); // it had been working: start again from short delays
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn run_session(ingestor: &Ingestor, cfg: &ImapConfig) -> Result<(), ImapError> {
    let mut session = login(cfg).await?;
    let caps = session.capabilities().await?;
    let has_idle = caps.has_str("IDLE");
    let has_move = caps.has_str("MOVE");
    if let Some(target) = &cfg.processed_mailbox {
        // Fails harmlessly when it exists already.
        let _ = session.create(target).await;
    }
    let mailbox = session.select(&cfg.mailbox).await?;
    let uidvalidity = mailbox.uid_validity.ok_or_else(|| ImapError::NoUidValidity(cfg.mailbox.clone()))?;
    let account = account(cfg);
    let mut last_uid = match ingestor.store().imap_cursor(&account, &cfg.mailbox).await? {
        Some(c) if c.uidvalidity == uidvalidity => c.last_uid,
        Some(c) => {
            warn!(old = c.uidvalidity, new = uidvalidity, "UIDVALIDITY changed; re-reading the mailbox (duplicates are recognised by content)");
            0
        }
        None => 0,
    };
    info!(host = %cfg.host, mailbox = %cfg.mailbox, uidvalidity, last_uid, idle = has_idle, "IMAP watcher connected");
    loop {
        last_uid = process_new(ingestor, cfg, &mut session, &account, uidvalidity, last_uid, has_move).await?;
        // A message that arrived while we were fetching was announced as an
        // unsolicited EXISTS; IDLE would not see it again. Look once more first.
        if new_mail_announced(&session) {
            continue;
        }
        if has_idle {
            let mut idle = session.idle();
            idle.init().await?;
            let (wait, _stop) = idle.wait_with_timeout(Duration::from_secs(cfg.poll_seconds.clamp(5, 29 * 60)));
            let response = wait.await?;
            debug!(?response, "IDLE woke up");
            session = idle.done().await?;
        } else {
            tokio::time::sleep(Duration::from_secs(cfg.poll_seconds.max(1))).await;
            session.noop().await?;
        }
    }
}

/// Drains the unsolicited responses; true when any announced new mail.
fn new_mail_announced(session: &Session<Stream>) -> bool {
    let mut announced = false;
    while let Ok(response) = session.unsolicited_responses.try_recv() {
        announced |= matches!(response, UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_));
    }
    announced
}

/// Ingests every message with a UID above `last_uid`, one at a time, and
/// returns the new last UID.
async fn process_new(
    ingestor: &Ingestor,
    cfg: &ImapConfig,
    session: &mut Session<Stream>,
    account: &str,
    uidvalidity: u32,
    mut last_uid: u32,
    has_move: bool,
) -> Result<u32, ImapError> {
    // `N:*` always includes the highest UID, even below N: filter.
    let mut uids: Vec<u32> = session.uid_search(format!("UID {}:*", last_uid.saturating_add(1))).await?.into_iter().filter(|u| *u > last_uid).collect();
    uids.sort_unstable();
    for uid in uids {
        // The server's size first: a message over the limit is never
        // downloaded whole. Its header is kept as a quarantined request and
        // the message stays where it is on the server.
        let size = {
            let mut fetches = session.uid_fetch(uid.to_string(), "(UID RFC822.SIZE)").await?;
            let mut size = None;
            while let Some(f) = fetches.next().await {
                let f = f?;
                if f.uid == Some(uid) {
                    size = f.size;
                }
            }
            size
        };
        if let Some(size) = size.filter(|s| *s as usize > ingestor.max_message_bytes()) {
            let header = {
                let mut fetches = session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[HEADER])").await?;
                let mut header = Vec::new();
                while let Some(f) = fetches.next().await {
                    let f = f?;
                    if f.uid == Some(uid) {
                        header = f.header().map(<[u8]>::to_vec).unwrap_or_default();
                    }
                }
                header
            };
            let origin = Origin {
                source: Source::Imap,
                reference: format!("{account}/{};UIDVALIDITY={uidvalidity};UID={uid}", cfg.mailbox),
                cursor: Some(ImapCursor { account: account.into(), mailbox: cfg.mailbox.clone(), uidvalidity, last_uid: uid }),
            };
            warn!(uid, size, "message over the size limit: header kept, message left in the mailbox");
            ingestor.ingest_too_large(&header, size as usize, &origin).await?;
            last_uid = uid;
            continue;
        }
        let raw = {
            let mut fetches = session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await?;
            let mut raw = None;
            while let Some(f) = fetches.next().await {
                let f = f?;
                if f.uid == Some(uid) {
                    raw = f.body().map(<[u8]>::to_vec);
                }
            }
            raw
        };
        let Some(raw) = raw else {
            warn!(uid, "message vanished before it could be fetched; skipping");
            last_uid = uid;
            ingestor.store().set_imap_cursor(&ImapCursor { account: account.into(), mailbox: cfg.mailbox.clone(), uidvalidity, last_uid }).await?;
            continue;
        };
        let origin = Origin {
            source: Source::Imap,
            reference: format!("{account}/{};UIDVALIDITY={uidvalidity};UID={uid}", cfg.mailbox),
            cursor: Some(ImapCursor { account: account.into(), mailbox: cfg.mailbox.clone(), uidvalidity, last_uid: uid }),
        };
        ingestor.ingest(&raw, &origin).await?;
        last_uid = uid;
        // Committed: now it is safe to touch the message on the server.
        mark_processed(session, cfg, uid, has_move).await?;
    }
    Ok(last_uid)
}

async fn mark_processed(session: &mut Session<Stream>, cfg: &ImapConfig, uid: u32, has_move: bool) -> Result<(), ImapError> {
    let set = uid.to_string();
    {
        let mut updates = session.uid_store(&set, "+FLAGS.SILENT (\\Seen)").await?;
        while let Some(u) = updates.next().await {
            u?;
        }
    }
    if let Some(target) = &cfg.processed_mailbox {
        if has_move {
            session.uid_mv(&set, target).await?;
        } else {
            session.uid_copy(&set, target).await?;
            {
                let mut updates = session.uid_store(&set, "+FLAGS.SILENT (\\Deleted)").await?;
                while let Some(u) = updates.next().await {
                    u?;
                }
            }
            let expunged = session.uid_expunge(&set).await?;
            futures::pin_mut!(expunged);
            while let Some(e) = expunged.next().await {
                e?;
            }
        }
    }
    Ok(())
}
