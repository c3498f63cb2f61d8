//! `_search` bodies, built as JSON values: an indicator is a term value,
//! never text pasted into a query string, so nothing in it is syntax.

use super::config::ElasticConfig;
use drawbridge_model::Kind;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The value as the SIEM stores it: `CORP\j.doe` is `user.name: j.doe`.
pub fn stored_value(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Account => value.split_once('\\').map_or(value, |(_, u)| u).to_string(),
        Kind::Hostname => value.to_string(),
        _ => value.to_string(),
    }
}

/// Hits, first and last seen, and top hosts and users for one indicator in a window.
pub fn sighting(cfg: &ElasticConfig, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Value> {
    let fields = cfg.fields.get(&kind)?;
    if fields.is_empty() {
        return None;
    }
    let v = stored_value(kind, value);
    let should: Vec<Value> = fields.iter().map(|f| json!({ "term": { f: v } })).collect();
    Some(json!({
        "size": 0,
        "track_total_hits": true,
        "query": { "bool": {
            "filter": [ { "range": { cfg.time_field.as_str(): { "gte": start.to_rfc3339(), "lt": end.to_rfc3339() } } } ],
            "should": should,
            "minimum_should_match": 1
        } },
        "aggs": {
            "first_seen": { "min": { "field": cfg.time_field } },
            "last_seen": { "max": { "field": cfg.time_field } },
            "top_hosts": { "terms": { "field": cfg.host_field, "size": cfg.top } },
            "top_users": { "terms": { "field": cfg.user_field, "size": cfg.top } }
        }
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
            top: 5,
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
    fn accounts_are_searched_by_user_name() {
        let t = Utc::now();
        let q = sighting(&cfg(), Kind::Account, "CORP\\j.doe", t, t).expect("query");
        assert_eq!(q["query"]["bool"]["should"][0]["term"]["user.name"], "j.doe");
        assert!(sighting(&cfg(), Kind::Cve, "CVE-2024-1", t, t).is_none(), "no SIEM field for CVEs");
    }
}
