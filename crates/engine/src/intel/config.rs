//! `[intel]`: what counts as the customer's own network beyond the
//! private ranges, and the rules that turn intel answers into a verdict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IntelConfig {
    /// The customer's own networks (`81.2.69.0/24`, IPv6 too), public ones
    /// included: never sent to an outside service, like private ranges.
    #[serde(default)]
    pub internal_networks: Vec<String>,
    /// The rules that decide an indicator's verdict. The first verdict in
    /// the order malicious, suspicious wins; every rule that fired is a
    /// reason. Without rules, the shipped ones.
    #[serde(default = "default_rules")]
    pub verdict: Vec<VerdictRule>,
}

impl Default for IntelConfig {
    fn default() -> Self {
        IntelConfig { internal_networks: Vec::new(), verdict: default_rules() }
    }
}

/// "`source` says `field` ≥ `at_least`" (or `= equals`) makes the
/// indicator `verdict`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VerdictRule {
    pub verdict: RuleVerdict,
    /// A connector (`virustotal`) or one of its actions (`virustotal.file`).
    pub source: String,
    /// The answer's field (`malicious`, `stats.malicious`); in an answer
    /// with `records`, each record's.
    pub field: String,
    /// Fires when the field is a number at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    /// Fires when the field equals this (text compared ignoring case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleVerdict {
    Malicious,
    Suspicious,
}

/// The shipped rules, over the shipped intel connectors' fields.
pub fn default_rules() -> Vec<VerdictRule> {
    let at_least =
        |verdict, source: &str, field: &str, n: f64| VerdictRule { verdict, source: source.into(), field: field.into(), at_least: Some(n), equals: None };
    let equals = |verdict, source: &str, field: &str, v: &str| VerdictRule {
        verdict,
        source: source.into(),
        field: field.into(),
        at_least: None,
        equals: Some(v.into()),
    };
    use RuleVerdict::{Malicious, Suspicious};
    vec![
        at_least(Malicious, "virustotal", "malicious", 5.0),
        at_least(Malicious, "abuseipdb", "abuse_confidence", 90.0),
        equals(Malicious, "greynoise", "classification", "malicious"),
        equals(Malicious, "urlscan", "verdict_malicious", "true"),
        at_least(Malicious, "misp", "to_ids", 1.0),
        at_least(Suspicious, "virustotal", "malicious", 1.0),
        at_least(Suspicious, "virustotal", "suspicious", 3.0),
        at_least(Suspicious, "abuseipdb", "abuse_confidence", 25.0),
        at_least(Suspicious, "misp", "total", 1.0),
    ]
}

impl IntelConfig {
    /// Problems an admin must fix.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for n in &self.internal_networks {
            if let Err(e) = super::privacy::Network::parse(n) {
                problems.push(format!("[intel] internal_networks: {e}"));
            }
        }
        for (i, r) in self.verdict.iter().enumerate() {
            if r.at_least.is_some() == r.equals.is_some() {
                problems.push(format!("[[intel.verdict]] rule {}: give exactly one of at_least and equals", i + 1));
            }
            if r.source.trim().is_empty() || r.field.trim().is_empty() {
                problems.push(format!("[[intel.verdict]] rule {}: source and field are needed", i + 1));
            }
        }
        problems
    }
}
