use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where the customer's asset inventory lives.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, tag = "backend", rename_all = "lowercase")]
pub enum AssetInventoryConfig {
    /// A CSV export (the embedded default): a header row, one asset a row;
    /// `hostname` (and optionally `ip`) columns are looked up.
    Csv { path: PathBuf },
    /// A SQL database (PostgreSQL) queried with a parameterised query.
    Sql {
        /// `postgres://user@host:port/db` (no password here; see `password_secret`).
        url: String,
        #[serde(default)]
        password_secret: Option<String>,
        /// The lookup; `$1` is the host name or IP asked about. Every column
        /// of the first row becomes a field of the asset record.
        #[serde(default = "default_query")]
        query: String,
    },
}

pub fn default_query() -> String {
    "SELECT hostname, serial, model, location, owner, department, ip, os, purchased::text AS purchased \
     FROM assets WHERE lower(hostname) = lower($1) OR ip = $1 LIMIT 1"
        .into()
}
