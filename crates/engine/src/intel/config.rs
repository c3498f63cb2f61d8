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
    /// What a verdict sets off: the internal sightings, the packet capture
    /// around them, and an investigation ticket.
    #[serde(default)]
    pub escalation: EscalationConfig,
}

impl Default for IntelConfig {
    fn default() -> Self {
        IntelConfig { internal_networks: Vec::new(), verdict: default_rules(), escalation: EscalationConfig::default() }
    }
}

/// `[intel.escalation]`: what follows a bad verdict, after the playbook run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EscalationConfig {
    /// Verdicts whose internal sightings are searched in the SIEM
    /// (`siem.events`), with the packet capture around each (`arkime.sessions`)
    /// where Arkime is set up.
    #[serde(default = "default_sightings_on")]
    pub sightings_on: Vec<super::verdict::VerdictKind>,
    /// How far back the SIEM is searched, in days before the request.
    #[serde(default = "default_sightings_days")]
    pub sightings_days: u32,
    /// The most log lines kept per indicator.
    #[serde(default = "default_max_log_lines")]
    pub max_log_lines: usize,
    /// The packet capture asked for around each sighting, in minutes either side.
    #[serde(default = "default_pcap_margin")]
    pub pcap_margin_minutes: u32,
    /// At most this many sightings get a packet-capture search.
    #[serde(default = "default_pcap_sightings")]
    pub pcap_sightings: usize,
    /// The ticketing connector investigations are opened in (`jira`);
    /// none: no tickets.
    #[serde(default)]
    pub tickets: Option<String>,
    /// Verdicts that open an "Investigation" ticket and close the
    /// Enrichment task.
    #[serde(default = "default_ticket_on")]
    pub ticket_on: Vec<super::verdict::VerdictKind>,
    /// Within this many days the same indicator adds a comment to its
    /// ticket instead of opening another.
    #[serde(default = "default_dedup_days")]
    pub dedup_days: u32,
}

impl Default for EscalationConfig {
    fn default() -> Self {
        EscalationConfig {
            sightings_on: default_sightings_on(),
            sightings_days: default_sightings_days(),
            max_log_lines: default_max_log_lines(),
            pcap_margin_minutes: default_pcap_margin(),
            pcap_sightings: default_pcap_sightings(),
            tickets: None,
            ticket_on: default_ticket_on(),
            dedup_days: default_dedup_days(),
        }
    }
}

fn default_sightings_on() -> Vec<super::verdict::VerdictKind> {
    vec![super::verdict::VerdictKind::Malicious, super::verdict::VerdictKind::Suspicious]
}
fn default_ticket_on() -> Vec<super::verdict::VerdictKind> {
    vec![super::verdict::VerdictKind::Malicious]
}
fn default_sightings_days() -> u32 {
    28
}
fn default_max_log_lines() -> usize {
    200
}
fn default_pcap_margin() -> u32 {
    10
}
fn default_pcap_sightings() -> usize {
    10
}
fn default_dedup_days() -> u32 {
    30
}

/// "`source` says `field` ≥ `at_least`" (or `≤ at_most`, or `= equals`)
/// makes the indicator `verdict`.
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
    /// Fires when the field is a number at most this (a domain registered
    /// days ago).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
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
    let rule =
        |verdict, source: &str, field: &str| VerdictRule { verdict, source: source.into(), field: field.into(), at_least: None, at_most: None, equals: None };
    let at_least = |verdict, source: &str, field: &str, n: f64| VerdictRule { at_least: Some(n), ..rule(verdict, source, field) };
    let at_most = |verdict, source: &str, field: &str, n: f64| VerdictRule { at_most: Some(n), ..rule(verdict, source, field) };
    let equals = |verdict, source: &str, field: &str, v: &str| VerdictRule { equals: Some(v.into()), ..rule(verdict, source, field) };
    use RuleVerdict::{Malicious, Suspicious};
    vec![
        at_least(Malicious, "virustotal", "malicious", 5.0),
        at_least(Malicious, "abuseipdb", "abuse_confidence", 90.0),
        equals(Malicious, "greynoise", "classification", "malicious"),
        equals(Malicious, "urlscan", "verdict_malicious", "true"),
        equals(Malicious, "misp", "to_ids", "true"),
        at_least(Suspicious, "virustotal", "malicious", 1.0),
        at_least(Suspicious, "virustotal", "suspicious", 3.0),
        at_least(Suspicious, "abuseipdb", "abuse_confidence", 25.0),
        at_least(Suspicious, "misp", "total", 1.0),
        // A domain registered in the last 30 days: phishing infrastructure is young.
        at_most(Suspicious, "rdap", "registered_days_ago", 30.0),
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
            if [r.at_least.is_some(), r.at_most.is_some(), r.equals.is_some()].iter().filter(|&&b| b).count() != 1 {
                problems.push(format!("[[intel.verdict]] rule {}: give exactly one of at_least, at_most and equals", i + 1));
            }
            if r.source.trim().is_empty() || r.field.trim().is_empty() {
                problems.push(format!("[[intel.verdict]] rule {}: source and field are needed", i + 1));
            }
        }
        if let Some(system) = &self.escalation.tickets {
            // Any connector offering `<name>.create_ticket`: Jira, Zendesk.
            let known: Vec<String> = crate::connectors::builtin()
                .iter()
                .flat_map(|kind| kind.actions())
                .filter_map(|a| a.name.strip_suffix(".create_ticket").map(str::to_string))
                .collect();
            if !known.contains(system) {
                problems.push(format!("[intel.escalation] tickets = {system:?}: no connector opens tickets by that name (known: {})", known.join(", ")));
            }
        }
        problems
    }
}
