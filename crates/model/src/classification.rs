//! A classifier's decision on one request.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Model,
    Keywords,
    Default,
    /// Set by whoever submitted the request (indicators submitted for enrichment).
    Submitted,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Model => "model",
            Method::Keywords => "keywords",
            Method::Default => "default",
            Method::Submitted => "submitted",
        }
    }
}

/// One classifier's decision on one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// Which classifier decided: `request_type`, `priority`, or one the config declares.
    #[serde(default = "request_type")]
    pub classifier: String,
    /// One of the classifier's labels, or its fallback when nothing decided
    /// (`default` for the request type).
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

fn request_type() -> String {
    "request_type".into()
}
