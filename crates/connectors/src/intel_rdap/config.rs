use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// RDAP lookups: no key; which registry answers comes from the bootstrap files.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RdapConfig {
    /// Folder of updated bootstrap files (`dns.json`, `ipv4.json`,
    /// `ipv6.json`); a file found there replaces the shipped one. Default:
    /// `rdap-bootstrap/` in the data dir, where
    /// `drawbridge connectors rdap-bootstrap update` writes.
    #[serde(default)]
    pub bootstrap_dir: Option<PathBuf>,
    /// Ask registries that publish only a plain-HTTP service (a few ccTLDs).
    /// Off: such lookups are refused rather than sent in clear text.
    #[serde(default)]
    pub allow_http: bool,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Accept TLS 1.2 where a registry offers nothing newer (on by default:
    /// RDAP is answered by hundreds of registries, not all on TLS 1.3).
    #[serde(default = "yes")]
    pub allow_tls12: bool,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

impl Default for RdapConfig {
    fn default() -> Self {
        RdapConfig { bootstrap_dir: None, allow_http: false, ca_file: None, allow_tls12: true, timeout_seconds: default_timeout() }
    }
}

fn default_timeout() -> u64 {
    20
}

fn yes() -> bool {
    true
}
