use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where the customer's asset inventory lives.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, tag = "backend", rename_all = "lowercase")]
pub enum AssetInventoryConfig {
    /// A CSV export (the embedded default): a header row, one asset a row;
    /// the `hostname` column and, when present, `fqdn`, `ip` and `mac` are
    /// looked up.
    Csv { path: PathBuf },
    /// A SQL database (PostgreSQL) queried with a parameterised query.
    Sql {
        /// `postgres://user@host:port/db` (no password here; see `password_secret`).
        url: String,
        #[serde(default)]
        password_secret: Option<String>,
        /// The lookup by host name: `$1` is the name as asked (short or
        /// FQDN), `$2` its first label. Every column of the first row becomes
        /// a field of the asset record.
        #[serde(default = "default_query")]
        query: String,
        /// The lookup by IP address: `$1` is the address in canonical form.
        #[serde(default = "default_query_by_ip")]
        query_by_ip: String,
        /// The lookup by MAC address: `$1` is its twelve lower-case hex
        /// digits, `$2` the `aa:bb:cc:dd:ee:ff` form.
        #[serde(default = "default_query_by_mac")]
        query_by_mac: String,
    },
}

const COLUMNS: &str = "SELECT hostname, fqdn, serial, model, location, owner, department, ip, mac, os, purchased::text AS purchased FROM assets";

/// By name: the host name column may hold short names or FQDNs.
pub fn default_query() -> String {
    format!("{COLUMNS} WHERE lower(hostname) IN (lower($1), lower($2)) OR split_part(lower(hostname), '.', 1) = lower($2) OR lower(fqdn) = lower($1) LIMIT 1")
}

pub fn default_query_by_ip() -> String {
    format!("{COLUMNS} WHERE ip = $1 LIMIT 1")
}

/// By MAC, whatever separators and case the inventory stored it with.
pub fn default_query_by_mac() -> String {
    format!("{COLUMNS} WHERE lower(regexp_replace(mac, '[^0-9A-Fa-f]', '', 'g')) = $1 LIMIT 1")
}
