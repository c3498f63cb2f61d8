//! The SIEM connector against osmem-server (the OpenSearch `_search` API)
//! seeded with the lab company's events (`tests/lab/siem.sh`, started by
//! `make test`), and its failure behaviour against a server that answers 500.

use chrono::{DateTime, Utc};
use super::{Elastic, SiemError};
use crate::lab::siem as config;
use drawbridge_model::Kind;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("date").with_timezone(&Utc)
}

fn lab() -> bool {
    drawbridge_lab::require::siem().is_some()
}

#[tokio::test]
async fn sightings_report_hits_first_and_last_seen_and_top_hosts() {
    if !lab() {
        return;
    }
    let siem = Elastic::new(&config("http://127.0.0.1:9200")).expect("client");
    let s = siem
        .sighting(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z"))
        .await
        .expect("search")
        .expect("the bad IP occurs");
    assert_eq!(s.hits, 3);
    assert_eq!(s.first_seen.as_deref(), Some("2026-11-19T02:00:00Z"));
    assert_eq!(s.last_seen.as_deref(), Some("2026-11-24T02:00:00Z"));
    assert_eq!(s.hosts, vec![("WKS-FIN-042".to_string(), 3)]);
    assert_eq!(s.users, vec![("j.doe".to_string(), 3)]);
    assert_eq!((s.hosts_distinct, s.users_distinct), (1, 1));
    assert_eq!(s.destination_ports, vec![("8443".to_string(), 2), ("443".to_string(), 1)]);
    assert_eq!(s.actions, vec![("allow".to_string(), 2), ("deny".to_string(), 1)]);
    assert_eq!(s.outcomes, vec![("success".to_string(), 2), ("failure".to_string(), 1)]);
    assert_eq!(s.event_types, vec![("network".to_string(), 3)]);
    assert_eq!(s.sources.len(), 1);
    assert_eq!((s.sources[0].source.as_str(), s.sources[0].hits), ("firewall-lab", 3));
    assert_eq!(s.sources[0].last_seen.as_deref(), Some("2026-11-24T02:00:00Z"));

    // The window matters: before the incident there is nothing.
    assert!(siem.sighting(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-10-30T00:00:00Z"), t("2026-11-15T00:00:00Z")).await.expect("search").is_none());

    let d = siem.sighting(Kind::Domain, drawbridge_lab::BAD_DOMAIN, t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z")).await.expect("search").expect("visited");
    assert_eq!(d.hits, 2);
    assert_eq!(d.actions, vec![("allowed".to_string(), 1), ("blocked".to_string(), 1)]);
    let h = siem.sighting(Kind::Sha256, drawbridge_lab::BAD_SHA256, t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z")).await.expect("search").expect("ran");
    assert_eq!(h.hosts, vec![("WKS-FIN-042".to_string(), 2)]);
    assert_eq!(h.file_names, vec![("invoice.exe".to_string(), 2)]);
    assert_eq!(h.actions, vec![("file_quarantined".to_string(), 1), ("process_started".to_string(), 1)]);
    assert_eq!(h.event_types, vec![("malware".to_string(), 1), ("process".to_string(), 1)]);
    let acct = siem.sighting(Kind::Account, "CORP\\j.doe", t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z")).await.expect("search").expect("active user");
    assert!(acct.hits > 3);
    assert_eq!(acct.sources.len(), 3, "proxy, firewall and endpoint: {:?}", acct.sources);
    assert_eq!(acct.sources.iter().map(|s| s.hits).sum::<u64>(), acct.hits);
}

#[tokio::test]
async fn a_breakdown_the_cluster_refuses_costs_the_breakdowns_not_the_answer() {
    if !lab() {
        return;
    }
    let mut cfg = config("http://127.0.0.1:9200");
    let mut b = crate::sighting::Breakdowns::ecs(); // text fields: osmem refuses to aggregate them
    b.action = Some("event.action".into());
    cfg.breakdowns = Some(b);
    let siem = Elastic::new(&cfg).expect("client");
    let s = siem.sighting(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z")).await.expect("answered").expect("seen");
    assert_eq!((s.hits, s.hosts.len()), (3, 1));
    assert!(s.actions.is_empty() && s.sources.is_empty(), "{s:?}");
}

#[tokio::test]
async fn the_cap_cuts_the_list_but_not_the_distinct_count() {
    if !lab() {
        return;
    }
    let mut cfg = config("http://127.0.0.1:9200");
    cfg.top = Some(3);
    let siem = Elastic::new(&cfg).expect("client");
    // Every workstation's traffic goes through the firewall: many hosts.
    let s = siem.sighting(Kind::Ipv4, "198.51.100.7", t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z")).await.expect("search").expect("seen");
    assert_eq!(s.hosts.len(), 3);
    assert!(s.hosts_distinct > 3, "{} distinct, {} listed", s.hosts_distinct, s.hosts.len());
}

#[tokio::test]
async fn hostile_values_find_nothing_and_unknown_indicators_are_no_result() {
    if !lab() {
        return;
    }
    let siem = Elastic::new(&config("http://127.0.0.1:9200")).expect("client");
    let (a, b) = (t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z"));
    for hostile in ["\" OR 1=1 | delete", "*", "203.0.113.7 OR *", "{\"match_all\":{}}"] {
        assert!(siem.sighting(Kind::Domain, hostile, a, b).await.expect("search").is_none(), "{hostile:?}");
    }
    assert!(siem.sighting(Kind::Ipv4, "192.0.2.99", a, b).await.expect("search").is_none());
}

#[tokio::test]
async fn server_errors_and_outages_are_clear_and_retryable() {
    // A server that answers every request with HTTP 500.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = sock.read(&mut buf).await;
            let _ = sock.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 21\r\nConnection: close\r\n\r\n{\"error\":\"internal\"}\n").await;
        }
    });
    let siem = Elastic::new(&config(&format!("http://127.0.0.1:{port}"))).expect("client");
    let err = siem.sighting(Kind::Ipv4, "203.0.113.7", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")).await.expect_err("500");
    assert!(matches!(err, SiemError::Status { status: 500, .. }), "{err}");
    assert!(err.is_transient());

    let down = Elastic::new(&config("http://127.0.0.1:1")).expect("client");
    let err = down.sighting(Kind::Ipv4, "203.0.113.7", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")).await.expect_err("refused");
    assert!(matches!(err, SiemError::Unreachable(..)) && err.is_transient(), "{err}");
}

#[tokio::test]
async fn a_redirect_is_an_error_and_the_credentials_do_not_follow_it() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Where the redirect points: it counts the requests that reach it.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let elsewhere_port = elsewhere.local_addr().expect("addr").port();
    let reached = Arc::new(AtomicUsize::new(0));
    let counter = reached.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = elsewhere.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").await;
        }
    });
    let siem_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = siem_listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = siem_listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = sock.read(&mut buf).await;
            let reply = format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{elsewhere_port}/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    drawbridge_net::secrets::inject("siem-redirect-key", "secret-api-key");
    let mut cfg = config(&format!("http://127.0.0.1:{port}"));
    cfg.api_key_secret = Some("siem-redirect-key".into());
    let siem = Elastic::new(&cfg).expect("client");
    let err = siem.sighting(Kind::Ipv4, "203.0.113.7", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")).await.expect_err("a redirect is not an answer");
    assert!(matches!(err, SiemError::Status { status: 307, .. }), "{err}");
    assert_eq!(reached.load(Ordering::SeqCst), 0, "the request (and its API key) did not follow the redirect");
}

#[tokio::test]
async fn events_are_the_log_lines_newest_first_bounded_with_the_true_total() {
    if !lab() {
        return;
    }
    let siem = Elastic::new(&config("http://127.0.0.1:9200")).expect("client");
    let (start, end) = (t("2026-10-30T00:00:00Z"), t("2026-11-27T00:00:00Z"));
    let e = siem.events(Kind::Sha256, drawbridge_lab::BAD_SHA256, start, end, 200).await.expect("search").expect("the bad hash ran");
    assert_eq!((e.total, e.events.len(), e.truncated), (2, 2, false));
    assert_eq!(e.events[0].time, "2026-11-20T04:02:00Z", "newest first");
    assert_eq!(e.events[1].time, "2026-11-20T04:00:00Z");
    assert_eq!((e.events[0].host.as_deref(), e.events[0].user.as_deref(), e.events[0].source.as_str()), (Some("WKS-FIN-042"), Some("j.doe"), "endpoint-lab"));
    assert!(e.events[0].line.contains("file_quarantined") && e.events[0].line.contains(drawbridge_lab::BAD_SHA256), "{}", e.events[0].line);
    let capped = siem.events(Kind::Ipv4, drawbridge_lab::BAD_IP, start, end, 1).await.expect("search").expect("found");
    assert_eq!((capped.total, capped.events.len(), capped.truncated), (3, 1, true), "bounded, with the true total");
    assert!(siem.events(Kind::Sha256, &"0".repeat(64), start, end, 10).await.expect("search").is_none(), "nothing is no result");
}
