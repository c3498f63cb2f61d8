//! Replies leaving the company: `message` builds the threaded email,
//! `smtp` submits it (or `folder` writes it as an `.eml` file where no SMTP
//! server is configured), `outbox` queues approved replies and sends them
//! with retries. Only the review step puts anything in the outbox.

pub mod folder;
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
    /// The submission server. Without it, approved replies are written as
    /// `.eml` files into `outbox_folder`.
    #[serde(default)]
    pub smtp: Option<smtp::SmtpConfig>,
    /// Where replies go as `.eml` files when there is no `smtp` (default:
    /// `outbox` in the data folder).
    #[serde(default)]
    pub outbox_folder: Option<std::path::PathBuf>,
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

    /// How approved replies leave: SMTP when configured, else the folder.
    pub fn transport(&self) -> outbox::Transport {
        match &self.smtp {
            Some(smtp) => outbox::Transport::Smtp(smtp.clone()),
            None => outbox::Transport::Folder(self.outbox_folder.clone().unwrap_or_else(|| crate::paths::data_dir().join("outbox"))),
        }
    }

    /// The domain of our Message-IDs.
    pub fn domain(&self) -> String {
        self.from.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>').to_string()).unwrap_or_else(|| "drawbridge.invalid".into())
    }
}
