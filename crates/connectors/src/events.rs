//! The log lines a SIEM holds for an indicator (`siem.events`): the evidence
//! an investigation ticket carries. Bounded: the newest `limit` lines, with
//! the true total.

use serde::Serialize;

/// Matching log lines, newest first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Events {
    /// How many events match in the window.
    #[schemars(extend("x-class" = "activity", "x-label" = "Matching events"))]
    pub total: u64,
    /// More events match than were kept.
    pub truncated: bool,
    #[schemars(extend("x-class" = "activity", "x-label" = "Events"))]
    pub events: Vec<Event>,
}

/// One log line and the fields an analyst looks at first.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Event {
    #[schemars(extend("x-class" = "activity", "x-label" = "Time"))]
    pub time: String,
    /// The index or source type it came from.
    #[schemars(extend("x-class" = "activity", "x-label" = "Log source"))]
    pub source: String,
    #[schemars(extend("x-class" = "internal_host", "x-label" = "Host"))]
    pub host: Option<String>,
    #[schemars(extend("x-class" = "username", "x-label" = "User"))]
    pub user: Option<String>,
    /// The whole event as the SIEM holds it (compact JSON, or the raw line).
    #[schemars(extend("x-class" = "description", "x-label" = "Log line"))]
    pub line: String,
}

/// The `limit` input: how many lines to keep (1 to 1000, default 200).
pub fn limit(input: &crate::registry::Input) -> usize {
    input.get("limit").and_then(|l| l.trim().parse::<usize>().ok()).unwrap_or(200).clamp(1, 1000)
}

/// The inputs of `siem.events`: a windowed search and how many lines to keep.
pub const INPUTS: &[(&str, &str)] = &[
    ("kind", "the indicator's kind (ipv4, domain, sha256, …)"),
    ("value", "the indicator"),
    ("start", "start of the window, RFC 3339"),
    ("end", "end of the window, RFC 3339"),
    ("limit", "how many of the newest lines to keep (1-1000)"),
];
