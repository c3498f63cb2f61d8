//! `[senders]`: who may send requests, and how that is proven.

use serde::{Deserialize, Serialize};

/// Who may send requests, and how that is proven.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendersConfig {
    /// Sender domains allowed to send requests (exact match of the From domain).
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// Individual sender addresses allowed to send requests.
    #[serde(default)]
    pub allowed_addresses: Vec<String>,
    /// Require DMARC pass, from Drawbridge's own check or a trusted gateway's header.
    #[serde(default = "default_true")]
    pub require_dmarc: bool,
    /// authserv-ids whose `Authentication-Results` header is believed (RFC 8601).
    #[serde(default)]
    pub trusted_authserv_ids: Vec<String>,
    /// Verify DKIM/DMARC with DNS ourselves when no trusted header decides.
    #[serde(default = "default_true")]
    pub verify_dkim: bool,
}

pub(crate) fn default_true() -> bool {
    true
}

impl Default for SendersConfig {
    fn default() -> Self {
        SendersConfig {
            allowed_domains: vec!["mssp.example.net".into()],
            allowed_addresses: vec![],
            require_dmarc: true,
            trusted_authserv_ids: vec!["mx1.corp.example".into()],
            verify_dkim: true,
        }
    }
}
