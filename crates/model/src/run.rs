//! Playbook runs and the stored result of every call.

use crate::error::ErrorKind;
use crate::status::{RunStatus, StepStatus};
use serde::Serialize;

/// The stored result of one playbook call.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    pub step: String,
    /// `kind:value` of the indicator, or empty for once-only steps.
    pub item: String,
    pub action: String,
    pub input: serde_json::Value,
    pub status: StepStatus,
    pub output: Option<serde_json::Value>,
    /// What went wrong, for the analyst and the logs (never for the MSSP).
    pub error: Option<String>,
    /// How it went wrong, for everyone (set when `status` is `failed`).
    pub error_kind: Option<ErrorKind>,
    pub attempts: i64,
    pub duration_ms: i64,
    pub finished_at: String,
    /// Answered from the call cache: when the source gave this answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaybookRun {
    pub id: i64,
    pub request_id: i64,
    pub playbook: String,
    pub status: RunStatus,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub steps: Vec<StepResult>,
}
