//! `[indicators]`: what counts as an indicator, and what never does.

use serde::{Deserialize, Serialize};

/// What counts as an indicator, and what never does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsConfig {
    /// Names under these domains are the customer's own hosts (`hostname`, never `domain`).
    #[serde(default)]
    pub internal_domains: Vec<String>,
    /// Regular expressions for short internal host names, matched against the whole token.
    #[serde(default)]
    pub hostname_patterns: Vec<String>,
    /// NetBIOS domain names: `CORP\user` is an `account` when `CORP` is listed.
    #[serde(default)]
    pub netbios_domains: Vec<String>,
    /// The MSSP's own domains (and their sub-domains): never indicators.
    #[serde(default)]
    pub exclude_domains: Vec<String>,
    /// Addresses that are never indicators, such as the gateway mailbox.
    #[serde(default)]
    pub exclude_addresses: Vec<String>,
}

impl Default for IndicatorsConfig {
    fn default() -> Self {
        IndicatorsConfig {
            internal_domains: vec!["corp.example".into(), "corp.example.local".into()],
            hostname_patterns: vec!["(?i)^(wks|lt|srv)-[a-z0-9-]+$".into()],
            netbios_domains: vec!["CORP".into()],
            exclude_domains: vec!["mssp.example.net".into()],
            exclude_addresses: vec!["mssp-requests@corp.example".into()],
        }
    }
}
