//! A classifier's decision on one request.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Model,
    Keywords,
    Default,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Model => "model",
            Method::Keywords => "keywords",
            Method::Default => "default",
        }
    }
}

/// The triage decision for one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// A request type, or `default` when nothing decided.
    pub label: String,
    /// The model's probability for `label` (0 when the model had no say).
    pub confidence: f32,
    pub method: Method,
    /// Version of the model consulted, or `none`.
    pub model: String,
    /// Why the model did not decide, or which phrase the keyword rule matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
