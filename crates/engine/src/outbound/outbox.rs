//! The outbox: approved replies wait in the store and are sent with retries
//! and exponential backoff, so an SMTP outage delays a reply but never loses
//! it. Each message is claimed (`sending`, committed) before it is handed to
//! the server and marked `sent` with the server's reply after. A message is
//! sent only while its report is still exactly what was approved.
//!
//! The one window: if the process dies after the server accepted the message
//! and before `sent` is committed, the message is still `sending` and is sent
//! again on restart, with the same Message-ID, so the MSSP's mail system can
//! recognise the duplicate. Nothing is ever sent that was not approved.

use super::smtp::{self, SmtpConfig};
use crate::store::{NewAudit, Store, StoreError};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tracing::{info, warn};

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { base: Duration::from_secs(30), max: Duration::from_secs(3600) }
    }
}

#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub deferred: usize,
    pub cancelled: usize,
    /// Withdrawn because their bytes were not the approved ones.
    pub refused: usize,
}

/// How a reply leaves.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Submitted to an SMTP server.
    Smtp(SmtpConfig),
    /// Written as an `.eml` file into a local folder (no SMTP server configured).
    Folder(PathBuf),
}

impl Transport {
    /// Hands the message over; the server's reply, or where the file went.
    async fn deliver(&self, item: &crate::store::OutboxItem) -> Result<String, smtp::SmtpError> {
        match self {
            Transport::Smtp(cfg) => smtp::send(cfg, &item.envelope_from, &item.recipients, &item.message).await,
            Transport::Folder(dir) => {
                let reference = crate::report::reference(item.request_id);
                super::folder::write(dir, &reference, &item.message_id, &item.message)
                    .map(|path| format!("written to {}", path.display()))
                    .map_err(|e| smtp::SmtpError { message: format!("cannot write into {}: {e}", dir.display()), transient: true })
            }
        }
    }

    /// For logs and the CLI: where replies go.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(cfg) => format!("SMTP {}:{}", cfg.host, cfg.port),
            Transport::Folder(dir) => format!("the folder {}", dir.display()),
        }
    }
}

/// Where copies of sent replies go: a folder of the mailbox account.
#[derive(Debug, Clone)]
pub struct SentCopy {
    pub imap: crate::intake::imap::ImapConfig,
    pub folder: String,
}

/// Sends every due message once; failures are rescheduled. A copy of each
/// sent message is appended to `sent_copy`'s folder when given (a failure
/// there is logged: the reply itself has gone).
pub async fn send_due(store: &Store, transport: &Transport, retry: &RetryPolicy, sent_copy: Option<&SentCopy>) -> Result<Pass, StoreError> {
    let now = chrono::Utc::now();
    let mut pass = Pass::default();
    for item in store.due_outbox(&now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).await? {
        if !store.claim_outbox(item.id).await? {
            pass.cancelled += 1;
            continue;
        }
        // The bytes are hashed again and must be the ones approved: a row
        // changed in the database after approval is never sent.
        let actual = crate::store::message_sha256(&item.message);
        match &item.message_sha256 {
            Some(approved) if *approved != actual => {
                let reason = format!("the queued bytes (sha256 {actual}) are not the approved ones (sha256 {approved}); not sent");
                warn!(outbox = item.id, request = item.request_id, "{reason}");
                let audit = NewAudit {
                    actor: "drawbridge".into(),
                    action: "send_refused".into(),
                    request_id: Some(item.request_id),
                    before_digest: Some(item.digest.clone()),
                    after_digest: Some(item.digest.clone()),
                    detail: serde_json::json!({ "outbox": item.id, "approved_sha256": approved, "queued_sha256": actual }),
                };
                store.outbox_refused(item.id, &reason, &audit).await?;
                pass.refused += 1;
                continue;
            }
            Some(_) => {}
            None => warn!(outbox = item.id, "queued before message hashes were recorded; sent without the check"),
        }
        match transport.deliver(&item).await {
            Ok(response) => {
                info!(outbox = item.id, request = item.request_id, %response, "reply sent");
                let audit = NewAudit {
                    actor: "drawbridge".into(),
                    action: "sent".into(),
                    request_id: Some(item.request_id),
                    before_digest: Some(item.digest.clone()),
                    after_digest: Some(item.digest.clone()),
                    detail: serde_json::json!({ "outbox": item.id, "kind": item.kind, "message_id": item.message_id, "recipients": item.recipients, "smtp": response, "message_sha256": actual }),
                };
                store.outbox_sent(item.id, &response, &audit).await?;
                pass.sent += 1;
                if let Some(copy) = sent_copy
                    && let Err(e) = crate::intake::imap::append_copy(&copy.imap, &copy.folder, &item.message).await
                {
                    warn!(outbox = item.id, folder = %copy.folder, error = %e, "reply sent, but its copy could not be filed");
                }
            }
            Err(e) => {
                let attempts = item.attempts as u32 + 1;
                let delay = retry.base.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(20))).min(retry.max);
                let next = now + chrono::Duration::from_std(delay).unwrap_or_else(|_| chrono::Duration::seconds(60));
                warn!(outbox = item.id, attempt = attempts, error = %e, retry_in = ?delay, "reply not sent; will retry");
                store.outbox_retry(item.id, &e.message, &next.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).await?;
                pass.deferred += 1;
            }
        }
    }
    Ok(pass)
}

/// Runs the outbox until the task is dropped: a pass every `every`.
pub async fn run(store: Store, transport: Transport, retry: RetryPolicy, sent_copy: Option<SentCopy>, every: Duration) {
    loop {
        if let Err(e) = send_due(&store, &transport, &retry, sent_copy.as_ref()).await {
            warn!(error = %e, "outbox pass failed");
        }
        tokio::time::sleep(every).await;
    }
}
