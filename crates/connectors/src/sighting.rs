//! What a SIEM holds about one indicator in a time window, the same for
//! Elasticsearch/OpenSearch and Splunk: hits overall and per source, first
//! and last seen, the internal hosts and users (complete up to a cap, with the
//! true distinct count), destination ports, actions and outcomes, file names
//! and event types. Field names are the report's vocabulary
//! (`docs/report.schema.json`), so they do not change.

use drawbridge_model::Kind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sighting {
    /// Events that mention the indicator in the window.
    #[schemars(extend("x-class" = "activity", "x-label" = "Events"))]
    pub hits: u64,
    /// ISO 8601 UTC.
    #[schemars(extend("x-class" = "activity", "x-label" = "First seen"))]
    pub first_seen: Option<String>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Last seen"))]
    pub last_seen: Option<String>,
    /// Per index (Elasticsearch) or source type (Splunk), most hits first.
    #[schemars(extend("x-class" = "activity", "x-label" = "Log sources"))]
    pub sources: Vec<SourceSighting>,
    /// Internal hosts with their event counts, most first; complete unless
    /// `hosts_distinct` is larger than the list (the cap cut it).
    #[schemars(extend("x-class" = "internal_host", "x-label" = "Hosts"))]
    pub hosts: Vec<(String, u64)>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Distinct hosts"))]
    pub hosts_distinct: u64,
    /// Users, as `hosts`.
    #[schemars(extend("x-class" = "username", "x-label" = "Users"))]
    pub users: Vec<(String, u64)>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Distinct users"))]
    pub users_distinct: u64,
    #[schemars(extend("x-class" = "activity", "x-label" = "Destination ports"))]
    pub destination_ports: Vec<(String, u64)>,
    /// What the device did: allow, deny, block, process_started, file_quarantined…
    #[schemars(extend("x-class" = "activity", "x-label" = "Actions"))]
    pub actions: Vec<(String, u64)>,
    /// success / failure (where the source records one).
    #[schemars(extend("x-class" = "activity", "x-label" = "Outcomes"))]
    pub outcomes: Vec<(String, u64)>,
    #[schemars(extend("x-class" = "activity", "x-label" = "File names"))]
    pub file_names: Vec<(String, u64)>,
    /// Event categories: network, web, process, malware…
    #[schemars(extend("x-class" = "activity", "x-label" = "Event types"))]
    pub event_types: Vec<(String, u64)>,
    /// The window searched, for the report.
    pub window: (String, String),
    /// The exact request sent (provenance).
    pub query: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema, PartialEq, Eq)]
pub struct SourceSighting {
    #[schemars(extend("x-class" = "activity", "x-label" = "Log source"))]
    pub source: String,
    #[schemars(extend("x-class" = "activity", "x-label" = "Events"))]
    pub hits: u64,
    #[schemars(extend("x-class" = "activity", "x-label" = "First seen"))]
    pub first_seen: Option<String>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Last seen"))]
    pub last_seen: Option<String>,
}

/// The fields a sighting is broken down by. Defaults per SIEM: ECS for
/// Elasticsearch/OpenSearch, CIM for Splunk.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Breakdowns {
    /// Where an event came from: `_index` (Elasticsearch) or `sourcetype` (Splunk).
    pub source: String,
    pub destination_port: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    /// Fields holding file or process names, merged.
    #[serde(default)]
    pub file_names: Vec<String>,
    pub event_type: Option<String>,
    /// How many hosts, users, ports… to list before the cap cuts (the true
    /// distinct count of hosts and users is reported either way).
    #[serde(default = "default_cap")]
    pub cap: usize,
}

pub fn default_cap() -> usize {
    50
}

impl Breakdowns {
    /// Elastic Common Schema.
    pub fn ecs() -> Breakdowns {
        Breakdowns {
            source: "_index".into(),
            destination_port: Some("destination.port".into()),
            action: Some("event.action".into()),
            outcome: Some("event.outcome".into()),
            file_names: vec!["file.name".into(), "process.name".into()],
            event_type: Some("event.category".into()),
            cap: default_cap(),
        }
    }

    /// Splunk's Common Information Model.
    pub fn cim() -> Breakdowns {
        Breakdowns {
            source: "sourcetype".into(),
            destination_port: Some("dest_port".into()),
            action: Some("action".into()),
            outcome: None,
            file_names: vec!["file_name".into(), "process_name".into()],
            event_type: Some("eventtype".into()),
            cap: default_cap(),
        }
    }
}

/// The values the SIEM may store an indicator as: `CORP\\j.doe` is
/// `user.name: j.doe`; a host is logged by its short name in upper or lower
/// case as often as by its FQDN (keyword fields match case-sensitively).
pub fn stored_values(kind: Kind, value: &str) -> Vec<String> {
    let mut out: Vec<String> = match kind {
        Kind::Account => vec![value.split_once('\\').map_or(value, |(_, u)| u).to_string()],
        Kind::Hostname => {
            let short = value.split('.').next().unwrap_or(value);
            vec![value.to_string(), short.to_ascii_uppercase(), short.to_ascii_lowercase(), value.to_ascii_lowercase()]
        }
        Kind::Email => vec![value.to_string(), value.to_ascii_lowercase()],
        _ => vec![value.to_string()],
    };
    let mut seen = std::collections::HashSet::new();
    out.retain(|v| seen.insert(v.clone()));
    out
}

/// Sorts (value, count) pairs most-first (ties by value), merging equal
/// values, dropping empty ones, and cuts at `cap`.
pub fn ranked(pairs: impl IntoIterator<Item = (String, u64)>, cap: usize) -> Vec<(String, u64)> {
    let mut merged: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for (k, n) in pairs {
        if !k.is_empty() {
            *merged.entry(k).or_default() += n;
        }
    }
    let mut v: Vec<(String, u64)> = merged.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(cap);
    v
}

/// Any RFC 3339 time as ISO 8601 UTC to the second (`2026-11-19T02:00:00Z`).
pub fn iso_utc(time: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(time).ok().map(|t| t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Epoch seconds as ISO 8601 UTC.
pub fn iso_epoch(seconds: f64) -> Option<String> {
    chrono::DateTime::from_timestamp(seconds as i64, 0).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Names from several fields (`file.name`, `process.name`) that one event
/// may fill both of: an event is counted once per name, so the same name
/// from two fields takes the larger count, not the sum.
pub fn merged_names(fields: impl IntoIterator<Item = Vec<(String, u64)>>, cap: usize) -> Vec<(String, u64)> {
    let mut best: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for (k, n) in fields.into_iter().flatten() {
        let e = best.entry(k).or_default();
        *e = (*e).max(n);
    }
    ranked(best, cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_merges_sorts_and_caps() {
        let r = ranked([("b".to_string(), 2), ("a".to_string(), 2), ("c".to_string(), 5), ("b".to_string(), 1), (String::new(), 9)], 2);
        assert_eq!(r, vec![("c".to_string(), 5), ("b".to_string(), 3)]);
    }

    #[test]
    fn names_from_two_fields_are_not_counted_twice() {
        let r = merged_names([vec![("invoice.exe".to_string(), 2)], vec![("invoice.exe".to_string(), 2), ("chrome.exe".to_string(), 1)]], 10);
        assert_eq!(r, vec![("invoice.exe".to_string(), 2), ("chrome.exe".to_string(), 1)]);
    }

    #[test]
    fn times_are_utc_to_the_second() {
        assert_eq!(iso_utc("2026-11-19T02:00:00.000Z").as_deref(), Some("2026-11-19T02:00:00Z"));
        assert_eq!(iso_utc("2026-11-19T03:00:00+01:00").as_deref(), Some("2026-11-19T02:00:00Z"));
        assert_eq!(iso_epoch(1_795_737_600.0).as_deref(), Some("2026-11-27T00:00:00Z"));
    }
}
