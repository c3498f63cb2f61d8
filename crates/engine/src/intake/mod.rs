//! Intake: how messages arrive and how their bytes become a
//! [`mime::ParsedMessage`]. `mime` parses; `imap` speaks the protocol;
//! `submission` reads indicators submitted without an e-mail. The
//! watchers that turn arrivals into requests are in `crate::sources`.
//! Intake never decides whether a sender is trusted; see [`crate::sender`].

pub mod imap;
pub mod mime;
pub mod submission;

pub use drawbridge_net::tls;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where requests come from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeConfig {
    /// Messages larger than this are quarantined unparsed (raw bytes kept).
    #[serde(default = "default_max_message_bytes")]
    pub max_message_bytes: usize,
    /// Watched drop folder for `.eml` files. Default: `inbox/` in the data dir.
    #[serde(default)]
    pub drop_folder: Option<PathBuf>,
    /// The gateway mailbox, watched over IMAP when set.
    #[serde(default)]
    pub imap: Option<imap::ImapConfig>,
}

pub fn default_max_message_bytes() -> usize {
    25 * 1024 * 1024
}

impl Default for IntakeConfig {
    fn default() -> Self {
        IntakeConfig { max_message_bytes: default_max_message_bytes(), drop_folder: None, imap: None }
    }
}
