//! `[limits]`: how much work one request may make. Past them a person
//! decides: a request with too many indicators is parked before anything is
//! looked up, a plan with too many calls is refused, a window longer than
//! allowed is shortened, and a request whose playbook cannot start is
//! retried with backoff, then parked with its error (never blocking others).

use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// More indicators than this: parked for a person, nothing looked up automatically.
    #[serde(default = "default_max_indicators")]
    pub max_indicators: usize,
    /// A plan with more connector calls than this is refused.
    #[serde(default = "default_max_calls")]
    pub max_calls_per_run: usize,
    /// The longest period a request may ask about; longer ones end where
    /// asked and start this many days earlier.
    #[serde(default = "default_max_window_days")]
    pub max_window_days: i64,
    /// Attempts to start a playbook before the request is parked.
    #[serde(default = "default_start_attempts")]
    pub start_attempts: u32,
    /// Seconds before the first retry; each retry waits twice as long.
    #[serde(default = "default_retry_secs")]
    pub start_retry_secs: u64,
}

fn default_max_indicators() -> usize {
    200
}
fn default_max_calls() -> usize {
    2_000
}
fn default_max_window_days() -> i64 {
    400
}
fn default_start_attempts() -> u32 {
    5
}
fn default_retry_secs() -> u64 {
    30
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_indicators: default_max_indicators(),
            max_calls_per_run: default_max_calls(),
            max_window_days: default_max_window_days(),
            start_attempts: default_start_attempts(),
            start_retry_secs: default_retry_secs(),
        }
    }
}

impl LimitsConfig {
    /// The wait before retry number `attempt` (1 = the first retry), capped at a day.
    pub fn retry_delay(&self, attempt: u32) -> Duration {
        let base = Duration::from_secs(self.start_retry_secs.max(1));
        base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(20))).min(Duration::from_secs(86_400))
    }
}
