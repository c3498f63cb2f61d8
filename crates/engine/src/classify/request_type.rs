//! The request types (exact label names) and their priority order.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What the MSSP asks for. When intents mix, the earliest in [`RequestType::PRIORITY`] wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    DeviceLost,
    Containment,
    Phishing,
    Enrichment,
    Informational,
}

impl RequestType {
    pub const PRIORITY: [RequestType; 5] =
        [RequestType::DeviceLost, RequestType::Containment, RequestType::Phishing, RequestType::Enrichment, RequestType::Informational];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestType::DeviceLost => "device_lost",
            RequestType::Containment => "containment",
            RequestType::Phishing => "phishing",
            RequestType::Enrichment => "enrichment",
            RequestType::Informational => "informational",
        }
    }

    pub fn parse(name: &str) -> Option<RequestType> {
        let name = name.strip_prefix("__label__").unwrap_or(name);
        RequestType::PRIORITY.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for RequestType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
