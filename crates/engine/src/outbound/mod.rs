//! Replies leaving the company: `message` builds the threaded email,
//! `smtp` submits it, `outbox` queues approved replies and sends them with
//! retries. Only the review step puts anything in the outbox.

pub mod message;
pub mod outbox;
pub mod smtp;

use serde::{Deserialize, Serialize};

/// `[outbound]`: who replies and through which server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundConfig {
    /// The reply's From, e.g. `Corp SOC <soc@corp.example>`.
    pub from: String,
    /// Without it, approved replies wait in the outbox.
    #[serde(default)]
    pub smtp: Option<smtp::SmtpConfig>,
    /// First retry after this many seconds, doubling up to `max_backoff_seconds`.
    #[serde(default = "default_retry")]
    pub retry_base_seconds: u64,
    #[serde(default = "default_max_backoff")]
    pub max_backoff_seconds: u64,
    /// File a copy of every sent reply in this folder of the `[intake.imap]`
    /// mailbox (e.g. `Sent`); off when absent.
    #[serde(default)]
    pub sent_folder: Option<String>,
    /// Reply at once "received, reference DB-…, under review" to verified
    /// requests (off by default; it carries no findings).
    #[serde(default)]
    pub acknowledge: bool,
}

fn default_retry() -> u64 {
    30
}
fn default_max_backoff() -> u64 {
    3600
}

impl OutboundConfig {
    pub fn retry(&self) -> outbox::RetryPolicy {
        outbox::RetryPolicy {
            base: std::time::Duration::from_secs(self.retry_base_seconds),
            max: std::time::Duration::from_secs(self.max_backoff_seconds.max(1)),
        }
    }

    /// Where sent replies are filed, when `sent_folder` and `[intake.imap]` are both set.
    pub fn sent_copy(&self, imap: Option<&crate::intake::imap::ImapConfig>) -> Option<outbox::SentCopy> {
        Some(outbox::SentCopy { imap: imap?.clone(), folder: self.sent_folder.clone()? })
    }

    /// The domain of our Message-IDs.
    pub fn domain(&self) -> String {
        self.from.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>').to_string()).unwrap_or_else(|| "drawbridge.invalid".into())
    }
}
