//! The PAN-OS connector against the PAN-OS XML API simulator in
//! `drawbridge-lab` (documented requests and replies: X-PAN-KEY, log jobs with
//! ACT/FIN polling, single-quoted 403 bodies).

use chrono::{DateTime, Utc};
use super::{PanOs, PanOsConfig, PanOsError};
use drawbridge_model::Kind;

fn simulator() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || drawbridge_lab::panos::serve(listener, "sim-key", drawbridge_lab::panos::lab_entries()));
    format!("http://{addr}")
}

fn config(url: &str, secret: &str) -> PanOsConfig {
    drawbridge_net::secrets::inject("panos-good", "sim-key");
    drawbridge_net::secrets::inject("panos-bad", "wrong-key");
    toml::from_str(&format!("url = \"{url}\"\napi_key_secret = \"{secret}\"\npoll_interval_ms = 50\nmax_wait_seconds = 5\n")).expect("config")
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("date").with_timezone(&Utc)
}

#[tokio::test]
async fn sessions_to_an_address_are_found_through_the_job_api() {
    let fw = PanOs::new(&config(&simulator(), "panos-good")).expect("client");
    let s = fw.sessions(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")).await.expect("query").expect("sessions");
    assert_eq!(s.count, 4);
    assert_eq!(s.actions.get("allow"), Some(&3));
    assert_eq!(s.actions.get("deny"), Some(&1));
    assert_eq!(s.sources[0], ("10.20.1.42".to_string(), 3));
    assert_eq!(s.first_seen.as_deref(), Some("2026-11-19T02:00:00+00:00"));
    assert_eq!(s.last_seen.as_deref(), Some("2026-11-25T08:00:00+00:00"));
    assert!(s.filter.starts_with("(addr in 203.0.113.7) and (receive_time geq '2026/11/01 00:00:00')"), "{}", s.filter);
    // The window bounds the search.
    let early = fw.sessions(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-11-01T00:00:00Z"), t("2026-11-19T00:00:00Z")).await.expect("query");
    assert!(early.is_none());
    let url = fw.sessions(Kind::Domain, drawbridge_lab::BAD_DOMAIN, t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")).await.expect("query").expect("url log");
    assert_eq!((url.log_type.as_str(), url.count), ("url", 1));
}

#[tokio::test]
async fn bad_keys_hostile_values_and_outages_are_clear() {
    let url = simulator();
    let bad = PanOs::new(&config(&url, "panos-bad")).expect("client");
    let err = bad.sessions(Kind::Ipv4, "203.0.113.7", t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")).await.expect_err("403");
    assert!(matches!(err, PanOsError::Auth(ref m) if m.contains("Invalid Credential")), "{err}");
    assert!(!err.is_transient());

    let fw = PanOs::new(&config(&url, "panos-good")).expect("client");
    for hostile in ["203.0.113.7) or (addr in 0.0.0.0/0", "evil.com') or (addr in 0.0.0.0/0"] {
        let kind = if hostile.starts_with("evil") { Kind::Domain } else { Kind::Ipv4 };
        let err = fw.sessions(kind, hostile, t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")).await.expect_err("refused");
        assert!(matches!(err, PanOsError::Filter(_)), "{err}");
    }
    assert!(fw.sessions(Kind::Ipv4, "192.0.2.1", t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")).await.expect("query").is_none());

    let down = PanOs::new(&config("http://127.0.0.1:1", "panos-good")).expect("client");
    let err = down.sessions(Kind::Ipv4, "203.0.113.7", t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")).await.expect_err("down");
    assert!(err.is_transient(), "{err}");
}
