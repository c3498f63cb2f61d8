//! `_search` bodies, built as JSON values: an indicator is a term value,
//! never text pasted into a query string, so nothing in it is syntax.

use super::config::ElasticConfig;
use crate::sighting::stored_values;
use drawbridge_model::Kind;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// One `_search` for everything a sighting reports: hits, first and last
/// seen overall and per source, hosts and users (listed up to the cap, and
/// counted), destination ports, actions, outcomes, file names, event types.
pub fn sighting(cfg: &ElasticConfig, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Value> {
    search(cfg, kind, value, start, end, true)
}

/// The same search with only hits, first and last seen, hosts and users: what
/// is asked again when the cluster refuses a breakdown (a text field that
/// cannot be aggregated), so that one misnamed field costs the breakdowns,
/// not the answer.
pub fn sighting_core(cfg: &ElasticConfig, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Value> {
    search(cfg, kind, value, start, end, false)
}

fn search(cfg: &ElasticConfig, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>, detailed: bool) -> Option<Value> {
    let fields = cfg.fields.get(&kind)?;
    if fields.is_empty() {
        return None;
    }
    let values = stored_values(kind, value);
    let should: Vec<Value> = fields.iter().flat_map(|f| values.iter().map(move |v| json!({ "term": { f: v } }))).collect();
    let b = &cfg.effective_breakdowns();
    let cap = b.cap.max(1);
    let time = cfg.time_field.as_str();
    let mut aggs = json!({
        "first_seen": { "min": { "field": time } },
        "last_seen": { "max": { "field": time } },
        "sources": {
            "terms": { "field": b.source, "size": 100 },
            "aggs": { "first_seen": { "min": { "field": time } }, "last_seen": { "max": { "field": time } } }
        },
        "hosts": { "terms": { "field": cfg.host_field, "size": cap } },
        "hosts_distinct": { "cardinality": { "field": cfg.host_field } },
        "users": { "terms": { "field": cfg.user_field, "size": cap } },
        "users_distinct": { "cardinality": { "field": cfg.user_field } },
    });
    if detailed {
        let optional = [("destination_ports", &b.destination_port), ("actions", &b.action), ("outcomes", &b.outcome), ("event_types", &b.event_type)];
        for (name, field) in optional {
            if let Some(field) = field {
                aggs[name] = json!({ "terms": { "field": field, "size": cap } });
            }
        }
        for (i, field) in b.file_names.iter().enumerate() {
            aggs[format!("file_names_{i}")] = json!({ "terms": { "field": field, "size": cap } });
        }
    } else if let Some(sources) = aggs.as_object_mut() {
        sources.remove("sources");
    }
    Some(json!({
        "size": 0,
        "track_total_hits": true,
        "query": { "bool": {
            "filter": [ { "range": { time: { "gte": start.to_rfc3339(), "lt": end.to_rfc3339() } } } ],
            "should": should,
            "minimum_should_match": 1
        } },
        "aggs": aggs
    }))
}

/// The newest `limit` events matching the indicator in the window, with the
/// true total: the same term queries as a sighting, no aggregations.
pub fn events(cfg: &ElasticConfig, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>, limit: usize) -> Option<Value> {
    let fields = cfg.fields.get(&kind)?;
    if fields.is_empty() {
        return None;
    }
    let values = stored_values(kind, value);
    let should: Vec<Value> = fields.iter().flat_map(|f| values.iter().map(move |v| json!({ "term": { f: v } }))).collect();
    let time = cfg.time_field.as_str();
    Some(json!({
        "size": limit,
        "track_total_hits": true,
        "sort": [ { time: { "order": "desc" } } ],
        "query": { "bool": {
            "filter": [ { "range": { time: { "gte": start.to_rfc3339(), "lt": end.to_rfc3339() } } } ],
            "should": should,
            "minimum_should_match": 1
        } }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::siem_elastic::config::default_fields;

    fn cfg() -> ElasticConfig {
        ElasticConfig {
            url: "https://siem:9200".into(),
            index: "logs-*".into(),
            ca_file: None,
            allow_tls12: false,
            username: None,
            password_secret: None,
            api_key_secret: None,
            timeout_seconds: 5,
            fields: default_fields(),
            time_field: "@timestamp".into(),
            host_field: "host.name".into(),
            user_field: "user.name".into(),
            breakdowns: None,
            top: None,
        }
    }

    #[test]
    fn hostile_values_stay_values() {
        let start = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").expect("d").with_timezone(&Utc);
        let q = sighting(&cfg(), Kind::Domain, "evil.com\" OR 1=1 | delete", start, start).expect("query");
        let should = &q["query"]["bool"]["should"];
        assert_eq!(should[0]["term"]["url.domain"], "evil.com\" OR 1=1 | delete", "a term value, verbatim");
        assert!(q.to_string().contains("\\\"") , "quotes are JSON-escaped in the body");
    }

    #[test]
    fn one_search_asks_for_every_breakdown() {
        let t = Utc::now();
        let q = sighting(&cfg(), Kind::Ipv4, "203.0.113.7", t, t).expect("query");
        let aggs = q["aggs"].as_object().expect("aggs");
        for name in ["first_seen", "sources", "hosts", "hosts_distinct", "users_distinct", "destination_ports", "actions", "outcomes", "event_types", "file_names_0", "file_names_1"] {
            assert!(aggs.contains_key(name), "{name}");
        }
        assert_eq!(q["aggs"]["sources"]["terms"]["field"], "_index");
        assert_eq!(q["aggs"]["hosts"]["terms"]["size"], 50);
    }

    #[test]
    fn hosts_are_searched_by_every_spelling() {
        let t = Utc::now();
        let q = sighting(&cfg(), Kind::Hostname, "wks-fin-042.corp.example.local", t, t).expect("query");
        let terms: Vec<&str> = q["query"]["bool"]["should"].as_array().expect("should").iter().filter_map(|c| c["term"]["host.name"].as_str()).collect();
        assert_eq!(terms, vec!["wks-fin-042.corp.example.local", "WKS-FIN-042", "wks-fin-042"]);
    }

    #[test]
    fn breakdowns_follow_the_mapping_style_unless_configured() {
        let mut c = cfg();
        c.host_field = "host.name.keyword".into();
        let b = c.effective_breakdowns();
        assert_eq!((b.action.as_deref(), b.source.as_str(), b.destination_port.as_deref()), (Some("event.action.keyword"), "_index", Some("destination.port")));
        c.top = Some(7);
        assert_eq!(c.effective_breakdowns().cap, 7, "the older `top` still sets the cap");
        let t = Utc::now();
        let core = sighting_core(&c, Kind::Ipv4, "203.0.113.7", t, t).expect("query");
        assert!(core["aggs"].get("actions").is_none() && core["aggs"].get("hosts").is_some());
    }

    #[test]
    fn events_are_the_newest_first_with_the_same_terms() {
        let t = Utc::now();
        let q = events(&cfg(), Kind::Sha256, "ab\"cd", t, t, 200).expect("query");
        assert_eq!(q["size"], 200);
        assert_eq!(q["sort"][0]["@timestamp"]["order"], "desc");
        assert!(q["query"]["bool"]["should"].as_array().expect("should").iter().all(|c| c["term"].as_object().is_some_and(|t| t.values().all(|v| v == "ab\"cd"))));
        assert!(q.get("aggs").is_none());
    }

    #[test]
    fn accounts_are_searched_by_user_name() {
        let t = Utc::now();
        let q = sighting(&cfg(), Kind::Account, "CORP\\j.doe", t, t).expect("query");
        assert_eq!(q["query"]["bool"]["should"][0]["term"]["user.name"], "j.doe");
        assert!(sighting(&cfg(), Kind::Cve, "CVE-2024-1", t, t).is_none(), "no SIEM field for CVEs");
    }
}
