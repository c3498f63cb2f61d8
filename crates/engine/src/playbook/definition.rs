//! What a playbook file says. These types are the schema: the JSON Schema that
//! the GUI editor and `drawbridge playbook schema` use is derived from them,
//! so the editor and the validator never disagree.

use crate::indicators::Kind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A playbook: when it runs, which connector actions it takes, and which
/// findings go into the report.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Unique name, e.g. `enrichment`.
    pub name: String,
    /// What it is for, shown to the admin.
    #[serde(default)]
    pub description: String,
    pub trigger: Trigger,
    /// The steps; independent ones run concurrently.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Ids of the steps whose findings go into the report (default: all).
    #[serde(default)]
    pub report: Vec<String>,
}

/// When a playbook runs.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Request types this playbook handles (`enrichment`, `phishing`, `device_lost`,
    /// `containment`, `informational`, or `default` for anything else).
    pub request_types: Vec<String>,
    /// Run only when the request has at least one indicator of these kinds (empty: always).
    #[serde(default)]
    pub indicator_kinds: Vec<Kind>,
}

/// One connector action, once or for each matching indicator.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique within the playbook; other steps name it in `needs`.
    pub id: String,
    /// `connector.action`, e.g. `active_directory.computer`.
    pub action: String,
    /// Run once per indicator of these kinds; `item` is then the indicator.
    #[serde(default)]
    pub for_each: Option<ForEach>,
    /// Action inputs. Values are templates (minijinja): `{{ item.value }}`,
    /// `{{ request.subject }}`, `{{ steps.<id> }}`.
    #[serde(default)]
    pub input: BTreeMap<String, String>,
    /// A template expression; the step is skipped when it is false.
    #[serde(default)]
    pub when: Option<String>,
    /// Steps that must finish first.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Seconds before a call is abandoned.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Retries (with backoff) after a transient error.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// What a failure does to the rest of the playbook.
    #[serde(default)]
    pub on_error: OnError,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForEach {
    /// Indicator kinds to iterate over.
    pub kinds: Vec<Kind>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Record the error and go on with the other steps.
    #[default]
    Continue,
    /// Stop the playbook.
    Fail,
}

fn default_timeout() -> u64 {
    30
}

fn default_retries() -> u32 {
    2
}

/// The JSON Schema of a playbook file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Playbook)).unwrap_or_default()
}
