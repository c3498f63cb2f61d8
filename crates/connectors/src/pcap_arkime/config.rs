use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// An Arkime viewer.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArkimeConfig {
    /// `https://arkime.corp.example:8005`.
    pub url: String,
    pub username: String,
    /// Name of the secret holding the password (HTTP Digest).
    pub password_secret: String,
    /// Sessions listed per search at most.
    #[serde(default = "default_length")]
    pub max_sessions: u32,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_length() -> u32 {
    100
}
fn default_timeout() -> u64 {
    30
}
