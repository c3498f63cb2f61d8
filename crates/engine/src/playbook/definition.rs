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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("default" = ""))]
    pub description: String,
    pub trigger: Trigger,
    /// The steps; independent ones run concurrently.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Ids of the steps whose findings go into the report (default: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub for_each: Option<ForEach>,
    /// Action inputs. Values are templates (minijinja): `{{ item.value }}`,
    /// `{{ request.subject }}`, and the result of a step this one `needs`:
    /// `{{ steps.<id>.output... }}` (`status`, `output`, `error`; for the same
    /// indicator when both steps run `for_each`, and `items` for all of them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(extend("default" = {}))]
    pub input: BTreeMap<String, String>,
    /// A template expression; the step is skipped when it is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub when: Option<String>,
    /// Steps that must finish first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
    pub needs: Vec<String>,
    /// Seconds before a call is abandoned.
    #[serde(default = "default_timeout", skip_serializing_if = "is_default_timeout")]
    #[schemars(extend("default" = 30))]
    pub timeout_seconds: u64,
    /// Retries (with backoff) after a transient error.
    #[serde(default = "default_retries", skip_serializing_if = "is_default_retries")]
    #[schemars(extend("default" = 2))]
    pub retries: u32,
    /// What a failure does to the rest of the playbook.
    #[serde(default, skip_serializing_if = "OnError::is_continue")]
    #[schemars(extend("default" = "continue"))]
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

// A playbook written back (by the form editor) leaves out what is default.
fn is_default_timeout(seconds: &u64) -> bool {
    *seconds == default_timeout()
}

fn is_default_retries(retries: &u32) -> bool {
    *retries == default_retries()
}

impl OnError {
    fn is_continue(&self) -> bool {
        *self == OnError::Continue
    }
}

/// Whether a step's condition or inputs read earlier steps' outputs.
pub fn uses_step_outputs(step: &Step) -> bool {
    !referenced_steps(step).is_empty()
}

/// The step ids a step's condition and inputs name as `steps.<id>`.
pub fn referenced_steps(step: &Step) -> Vec<String> {
    let texts = step.input.values().map(String::as_str).chain(step.when.as_deref());
    let mut ids: Vec<String> = Vec::new();
    for text in texts {
        let mut rest = text;
        while let Some(at) = rest.find("steps.") {
            let preceded_by_word = rest[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            let tail = &rest[at + "steps.".len()..];
            let id: String = tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
            if !preceded_by_word && !id.is_empty() && !ids.contains(&id) {
                ids.push(id);
            }
            rest = tail;
        }
    }
    ids
}

/// The JSON Schema of a playbook file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Playbook)).unwrap_or_default()
}
