//! The report: what Drawbridge found for a request, as data. This type is the
//! versioned schema of the JSON attachment (`drawbridge report schema`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `schema` of every report this version writes.
pub const SCHEMA: &str = "drawbridge-report/2";

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Report {
    /// Always `drawbridge-report/2` for this layout (2: facts carry `term`
    /// and `count`; skipped steps are left out).
    pub schema: String,
    /// The customer's reference for the request, e.g. `DB-42`.
    pub reference: String,
    pub request: RequestInfo,
    /// The period the SIEM and firewall searches covered.
    pub window: Option<TimeWindow>,
    pub generated_at: String,
    /// A few sentences for people; the analyst may rewrite it.
    pub summary: String,
    /// Per indicator the MSSP asked about, what each source said.
    pub indicators: Vec<IndicatorReport>,
    /// Earlier requests about the same indicators (when, by whom).
    pub asked_before: Vec<PriorRequest>,
    /// The MSSP's own reference, from its subject (`EMSS-REQ-4410`).
    #[serde(default)]
    pub mssp_reference: Option<String>,
    /// The language of the reply's fixed phrases: the request's.
    #[serde(default)]
    pub language: super::language::Language,
    /// The Traffic Light Protocol marking of this report.
    #[serde(default)]
    pub marking: Option<super::tlp::Marking>,
    /// Whether the reply's subject starts with the TLP label (the MSSP's
    /// policy; how it is sent, not part of the data).
    #[serde(skip)]
    pub tlp_in_subject: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RequestInfo {
    pub id: i64,
    pub received_at: String,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub request_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct TimeWindow {
    pub start: String,
    /// Exclusive.
    pub end: String,
    /// The words the window was read from, or `default`.
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct IndicatorReport {
    pub kind: String,
    pub value: String,
    pub findings: Vec<Finding>,
    /// Marked "do not disclose" by the analyst: no findings are given.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
    /// What outside threat intel makes of it, by the configured rules
    /// (absent when no outside source was asked, or the disclosure policy
    /// withholds threat intelligence; without reasons when it masks it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<crate::intel::Verdict>,
}

/// What one source said about one indicator.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Finding {
    /// The system asked, for people: `Active Directory`, `SIEM`, `Firewall`…
    pub source: String,
    /// The playbook step, for provenance.
    pub step: String,
    pub status: FindingStatus,
    /// Why the source could not answer, or why it was not asked.
    pub note: Option<String>,
    /// When the source was asked.
    pub queried_at: Option<String>,
    pub facts: Vec<Fact>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// The source has records.
    Found,
    /// The source answered and has nothing.
    NoResult,
    /// The source could not be asked or failed (see `note`).
    Unavailable,
    /// The playbook did not ask this source (see `note`).
    NotAsked,
    /// An outside source that was not sent the value: internal, or marked
    /// "do not disclose" (the privacy guard).
    NotSent,
}

/// One value, with what the disclosure policy and the analyst decided.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Fact {
    /// Stable across regenerations: `kind:value|step|label`.
    pub id: String,
    /// What the fact is, in the report's vocabulary (`user.locked`,
    /// `sighting.host`; the schema's `x-vocabulary` lists every term).
    pub term: String,
    /// Where the value sat in the source's answer (`managed_by.name`, `hosts[0]`).
    pub label: String,
    /// The field's name for people, as its connector declares it ("Owner account").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The value as it will be sent: the original, a masked form, or empty when withheld.
    pub value: String,
    /// For counted values (a host with its events, a port with its sessions): the count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    pub class: DataClass,
    pub disclosure: Disclosure,
    /// Why it is masked or withheld.
    pub reason: Option<String>,
}

pub use drawbridge_model::DataClass;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Disclosure {
    Shared,
    Masked,
    Withheld,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PriorRequest {
    pub indicator: String,
    pub reference: String,
    pub received_at: String,
    pub sender: Option<String>,
}

/// The JSON Schema of the report attachment, with the vocabulary of fact
/// terms and their meanings (`x-vocabulary`).
pub fn schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default();
    let vocabulary: serde_json::Map<String, serde_json::Value> =
        super::vocabulary::TERMS.iter().map(|(t, d)| (t.to_string(), serde_json::Value::String(d.to_string()))).collect();
    schema["x-vocabulary"] = serde_json::Value::Object(vocabulary);
    schema
}
