//! The Splunk connector against the Splunk REST simulator in `drawbridge-lab`
//! (documented requests and replies: Bearer token, form-encoded SPL on
//! `search/jobs/export`, NDJSON with preview rows, string values, 401 and 400
//! `messages` bodies), over the same lab company's events as the SIEM lab.

use chrono::{DateTime, Utc};
use super::{Splunk, SplunkConfig, SplunkError, query::SplError};
use drawbridge_model::Kind;

fn simulator() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let events = drawbridge_lab::company(7).siem_events(7, 5_000);
    std::thread::spawn(move || drawbridge_lab::splunk::serve(listener, drawbridge_lab::splunk::Simulator::from_bulk(&events, "sim-token")));
    format!("http://{addr}")
}

fn splunk(url: &str, secret: &str) -> Splunk {
    drawbridge_net::secrets::inject("splunk-good", "sim-token");
    drawbridge_net::secrets::inject("splunk-bad", "nope");
    let mut cfg = SplunkConfig::cim(url, "*");
    cfg.token_secret = Some(secret.into());
    Splunk::new(&cfg).expect("client")
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("date").with_timezone(&Utc)
}

const NOV: (&str, &str) = ("2026-10-30T00:00:00Z", "2026-11-27T00:00:00Z");

#[tokio::test]
async fn the_bad_ip_is_found_with_first_and_last_seen_and_its_host() {
    let s = splunk(&simulator(), "splunk-good");
    let found = s.sighting(Kind::Ipv4, drawbridge_lab::BAD_IP, t(NOV.0), t(NOV.1)).await.expect("search").expect("hits");
    assert_eq!(found.hits, 3, "three incident sessions; preview rows were not counted");
    assert_eq!(found.hosts, vec![("WKS-FIN-042".to_string(), 3)]);
    assert_eq!((found.hosts_distinct, found.users_distinct), (1, 1));
    assert_eq!(found.users, vec![("j.doe".to_string(), 3)]);
    assert_eq!(found.first_seen.as_deref(), Some("2026-11-19T02:00:00Z"));
    assert_eq!(found.last_seen.as_deref(), Some("2026-11-24T02:00:00Z"));
    assert_eq!(found.destination_ports, vec![("8443".to_string(), 2), ("443".to_string(), 1)]);
    assert_eq!(found.actions, vec![("allow".to_string(), 2), ("deny".to_string(), 1)]);
    assert_eq!(found.event_types, vec![("network".to_string(), 3)]);
    assert_eq!(found.sources.len(), 1);
    assert_eq!((found.sources[0].source.as_str(), found.sources[0].hits), ("lab:firewall", 3));
    assert_eq!(found.sources[0].first_seen.as_deref(), Some("2026-11-19T02:00:00Z"));
    assert!(found.query["search"].as_str().is_some_and(|q| q.starts_with("search index=* (src_ip=\"203.0.113.7\"")), "{}", found.query);
    let domain = s.sighting(Kind::Domain, drawbridge_lab::BAD_DOMAIN, t(NOV.0), t(NOV.1)).await.expect("search").expect("hits");
    assert_eq!(domain.hits, 2);
    assert_eq!(domain.hosts.len(), 2);
    assert_eq!(domain.actions, vec![("allowed".to_string(), 1), ("blocked".to_string(), 1)]);
    let hash = s.sighting(Kind::Sha256, drawbridge_lab::BAD_SHA256, t(NOV.0), t(NOV.1)).await.expect("search").expect("hits");
    assert_eq!(hash.hosts, vec![("WKS-FIN-042".to_string(), 2)]);
    assert_eq!(hash.file_names, vec![("invoice.exe".to_string(), 2)], "file_name and process_name of two events, counted once");
    assert_eq!(hash.actions, vec![("file_quarantined".to_string(), 1), ("process_started".to_string(), 1)]);
}

#[tokio::test]
async fn events_are_the_log_lines_newest_first_bounded_with_the_true_total() {
    let s = splunk(&simulator(), "splunk-good");
    let e = s.events(Kind::Sha256, drawbridge_lab::BAD_SHA256, t(NOV.0), t(NOV.1), 200).await.expect("search").expect("the bad hash ran");
    assert_eq!((e.total, e.events.len(), e.truncated), (2, 2, false));
    assert_eq!(e.events[0].time, "2026-11-20T04:02:00Z", "newest first, ISO with offset read as UTC");
    assert_eq!(e.events[1].time, "2026-11-20T04:00:00Z");
    assert_eq!((e.events[0].host.as_deref(), e.events[0].user.as_deref(), e.events[0].source.as_str()), (Some("WKS-FIN-042"), Some("j.doe"), "endpoint"));
    assert!(e.events[0].line.contains("file_quarantined") && e.events[0].line.contains(drawbridge_lab::BAD_SHA256), "the raw event: {}", e.events[0].line);
    let capped = s.events(Kind::Ipv4, drawbridge_lab::BAD_IP, t(NOV.0), t(NOV.1), 1).await.expect("search").expect("found");
    assert_eq!((capped.total, capped.events.len(), capped.truncated), (3, 1, true), "bounded, with the true total");
    assert!(s.events(Kind::Sha256, &"0".repeat(64), t(NOV.0), t(NOV.1), 10).await.expect("search").is_none(), "nothing is no result");
    let err = s.events(Kind::Domain, "evil*.example", t(NOV.0), t(NOV.1), 10).await.expect_err("refused");
    assert!(matches!(err, SplunkError::Query(SplError::Wildcard(_))), "{err}");
}

#[tokio::test]
async fn the_window_bounds_the_search_and_absent_values_are_no_result() {
    let s = splunk(&simulator(), "splunk-good");
    assert!(s.sighting(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-10-30T00:00:00Z"), t("2026-11-19T00:00:00Z")).await.expect("search").is_none());
    assert!(s.sighting(Kind::Ipv4, "192.0.2.250", t(NOV.0), t(NOV.1)).await.expect("search").is_none());
}

#[tokio::test]
async fn hostile_values_stay_values_and_wildcards_are_refused() {
    let s = splunk(&simulator(), "splunk-good");
    // Quoted and escaped: a search for the literal text, which occurs nowhere.
    for hostile in [r#"" OR 1=1 | delete"#, r#"203.0.113.7" OR src_ip="10.20.1.42"#, r"\"] {
        assert!(s.sighting(Kind::Ipv4, hostile, t(NOV.0), t(NOV.1)).await.expect("searched literally").is_none(), "{hostile}");
    }
    let err = s.sighting(Kind::Ipv4, "10.*", t(NOV.0), t(NOV.1)).await.expect_err("refused");
    assert!(matches!(err, SplunkError::Query(SplError::Wildcard(_))), "{err}");
}

#[tokio::test]
async fn a_bad_token_and_an_absent_server_are_clear() {
    let url = simulator();
    let err = splunk(&url, "splunk-bad").sighting(Kind::Ipv4, "203.0.113.7", t(NOV.0), t(NOV.1)).await.expect_err("401");
    assert!(matches!(err, SplunkError::Status { status: 401, ref message } if message.contains("call not properly authenticated")), "{err}");
    assert!(!err.is_transient());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let err = splunk(&dead, "splunk-good").sighting(Kind::Ipv4, "203.0.113.7", t(NOV.0), t(NOV.1)).await.expect_err("down");
    assert!(err.is_transient(), "{err}");
}
