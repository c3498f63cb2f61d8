use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A Palo Alto firewall or Panorama, queried over the PAN-OS XML API.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanOsConfig {
    /// `https://fw.corp.example` (the API is at `/api/`).
    pub url: String,
    /// Name of the secret holding the API key (sent as `X-PAN-KEY`).
    pub api_key_secret: String,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    /// The device's clock offset from UTC in minutes: log times carry no zone.
    #[serde(default)]
    pub device_utc_offset_minutes: i32,
    /// Logs fetched per query (PAN-OS allows at most 5000).
    #[serde(default = "default_nlogs")]
    pub nlogs: u32,
    /// How long to wait for a log job to finish.
    #[serde(default = "default_max_wait")]
    pub max_wait_seconds: u64,
    #[serde(default = "default_poll_ms")]
    pub poll_interval_ms: u64,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_nlogs() -> u32 {
    1000
}
fn default_max_wait() -> u64 {
    60
}
fn default_poll_ms() -> u64 {
    500
}
fn default_timeout() -> u64 {
    30
}
