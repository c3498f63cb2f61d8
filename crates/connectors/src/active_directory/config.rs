use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How to reach Active Directory.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveDirectoryConfig {
    /// `ldaps://dc1.corp.example:636`, or `ldap://…:389` with `starttls = true`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS (required for plain URLs).
    #[serde(default)]
    pub starttls: bool,
    /// PEM bundle of the internal CA that signed the DCs' certificates.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Accept TLS 1.2 when a DC cannot do 1.3.
    #[serde(default)]
    pub allow_tls12: bool,
    /// Account to bind as, e.g. `svc_drawbridge@corp.example` (read-only is enough).
    pub bind_dn: String,
    /// Name of the secret that holds the bind password.
    pub password_secret: String,
    /// Where to search, e.g. `DC=corp,DC=example,DC=test`.
    pub base_dn: String,
    /// NetBIOS name of the domain (`CORP` in `CORP\user`).
    pub netbios_domain: String,
    /// Seconds for connect and for each operation.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Page size for searches that may return many entries.
    #[serde(default = "default_page_size")]
    pub page_size: i32,
}

fn default_timeout() -> u64 {
    10
}

fn default_page_size() -> i32 {
    500
}
