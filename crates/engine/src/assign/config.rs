//! `[assignment]`: the analysts and teams, and the rules that hand requests to them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Who works on requests, and how they are handed out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentConfig {
    /// The zone rules' hours and days are read in (IANA name). Default: UTC.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Analysts by name (the name they sign in and approve with).
    #[serde(default)]
    pub analysts: Vec<String>,
    /// Queues: a place requests wait until someone picks them up.
    #[serde(default)]
    pub queues: Vec<String>,
    /// Teams by name, with their analysts (round robin hands out in this order).
    #[serde(default)]
    pub teams: BTreeMap<String, Vec<String>>,
    /// Tried in order; the first that matches assigns. None matching: unassigned.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// One assignment rule: every condition given must hold.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Recorded with each request it assigns.
    pub name: String,
    /// Request types it applies to (empty: any).
    #[serde(default)]
    pub request_types: Vec<String>,
    /// Sender domains of the MSSPs it applies to (empty: any).
    #[serde(default)]
    pub mssp_domains: Vec<String>,
    /// Any classifier's labels, e.g. `{ priority = ["P1", "P2"] }` (all given must match).
    #[serde(default)]
    pub labels: BTreeMap<String, Vec<String>>,
    /// Weekdays (`mon` … `sun`) the rule is in force. A span of hours that
    /// crosses midnight belongs to the day it starts.
    #[serde(default)]
    pub days: Vec<String>,
    /// `HH:MM-HH:MM`, start inclusive, end exclusive; may cross midnight (`22:00-06:00`).
    #[serde(default)]
    pub hours: Option<String>,
    /// Where matching requests go.
    pub assign_to: Target,
}

/// Exactly one of: an analyst, a queue, a team (round robin), or whoever an
/// on-call rota (iCalendar file) names at the time the request arrives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    Analyst(String),
    Queue(String),
    RoundRobin(String),
    /// iCalendar file: each event's SUMMARY (or ATTENDEE CN) names the analyst on call.
    Rota(PathBuf),
}
