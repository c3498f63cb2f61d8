use crate::sighting::Breakdowns;
use drawbridge_model::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A Splunk search head's management port (`https://splunk:8089`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplunkConfig {
    pub url: String,
    /// Index (or pattern) searched, e.g. `main` or `security*`.
    pub index: String,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    /// Name of the secret holding an authentication token (sent as `Bearer`).
    #[serde(default)]
    pub token_secret: Option<String>,
    /// Basic auth instead of a token: the user, and the secret holding the password.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password_secret: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Fields to search per indicator kind. Default: the Common Information Model.
    #[serde(default = "cim_fields")]
    pub fields: BTreeMap<Kind, Vec<String>>,
    #[serde(default = "default_host_field")]
    pub host_field: String,
    #[serde(default = "default_user_field")]
    pub user_field: String,
    /// The other breakdowns (per source type, ports, actions…) and the list cap. Default: CIM.
    #[serde(default = "Breakdowns::cim")]
    pub breakdowns: Breakdowns,
    /// Before `breakdowns.cap`: how many hosts and users to list (still read).
    #[serde(default)]
    pub top: Option<usize>,
}

impl SplunkConfig {
    /// A search head with every default: CIM fields, no auth.
    pub fn cim(url: &str, index: &str) -> SplunkConfig {
        SplunkConfig {
            url: url.into(),
            index: index.into(),
            ca_file: None,
            allow_tls12: false,
            token_secret: None,
            username: None,
            password_secret: None,
            timeout_seconds: default_timeout(),
            fields: cim_fields(),
            host_field: default_host_field(),
            user_field: default_user_field(),
            breakdowns: Breakdowns::cim(),
            top: None,
        }
    }
}

fn default_timeout() -> u64 {
    60
}
fn default_host_field() -> String {
    "host".into()
}
fn default_user_field() -> String {
    "user".into()
}

/// Splunk Common Information Model field names.
pub fn cim_fields() -> BTreeMap<Kind, Vec<String>> {
    let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ip = f(&["src_ip", "dest_ip", "src", "dest"]);
    BTreeMap::from([
        (Kind::Ipv4, ip.clone()),
        (Kind::Ipv6, ip),
        (Kind::Domain, f(&["url_domain", "query", "dest_host"])),
        (Kind::Url, f(&["url"])),
        (Kind::Email, f(&["sender", "recipient", "src_user"])),
        (Kind::Md5, f(&["file_hash"])),
        (Kind::Sha1, f(&["file_hash"])),
        (Kind::Sha256, f(&["file_hash"])),
        (Kind::Sha512, f(&["file_hash"])),
        (Kind::Hostname, f(&["host", "dest_host", "src_host"])),
        (Kind::Account, f(&["user"])),
        (Kind::Mac, f(&["src_mac", "dest_mac"])),
    ])
}
