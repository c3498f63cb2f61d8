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
        /// a field of the asset record (or, when the query returns a single
        /// `record` column of JSON text, that object's fields).
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

/// Every column of the matching row, whatever the table has, as one JSON
/// object (`record`): the defaults work on an inventory with or without the
/// optional `fqdn`, `ip`/`ip_address` and `mac`/`mac_address` columns.
const RECORD: &str = "SELECT to_jsonb(a)::text AS record FROM assets a";

/// By name: the host name column may hold short names or FQDNs.
pub fn default_query() -> String {
    format!(
        "{RECORD} WHERE lower(a.hostname) IN (lower($1), lower($2)) OR split_part(lower(a.hostname), '.', 1) = lower($2) \
         OR lower(to_jsonb(a)->>'fqdn') = lower($1) LIMIT 1"
    )
}

pub fn default_query_by_ip() -> String {
    format!("{RECORD} WHERE coalesce(to_jsonb(a)->>'ip', to_jsonb(a)->>'ip_address') = $1 LIMIT 1")
}

/// By MAC, whatever separators and case the inventory stored it with.
pub fn default_query_by_mac() -> String {
    format!("{RECORD} WHERE lower(regexp_replace(coalesce(to_jsonb(a)->>'mac', to_jsonb(a)->>'mac_address', ''), '[^0-9A-Fa-f]', '', 'g')) = $1 LIMIT 1")
}
