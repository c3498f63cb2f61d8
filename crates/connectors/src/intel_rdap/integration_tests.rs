//! RDAP against the registry simulator in `drawbridge-lab`: the bootstrap
//! files fetched from it, lookups through them, a referral between
//! registries, not found, 429 with `Retry-After`, and plain HTTP refused.

use super::bootstrap::{self, BootstrapError};
use super::{Rdap, RdapConfig, RdapError};
use drawbridge_lab::intel::{BAD_DOMAIN, BAD_DOMAIN_AGE_DAYS, BAD_IP, SUSPICIOUS_IP, Simulator};
use std::path::PathBuf;
use std::time::Duration;

fn registries() -> (Simulator, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = Simulator::new("unused", Duration::ZERO);
    let served = sim.clone();
    std::thread::spawn(move || drawbridge_lab::intel::serve(listener, served));
    (sim, url)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drawbridge-rdap-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn plain_http() -> reqwest::Client {
    drawbridge_net::tls::http_client(None, false, Duration::from_secs(5)).expect("client")
}

/// The simulator's bootstrap files installed in a fresh folder, and a client over them.
async fn rdap(url: &str, dir: &std::path::Path, allow_http: bool) -> Rdap {
    bootstrap::update(&format!("{url}/rdap/bootstrap/"), dir, &plain_http()).await.expect("update from the simulator");
    Rdap::new(&RdapConfig { bootstrap_dir: Some(dir.to_path_buf()), allow_http, ..RdapConfig::default() }).expect("client")
}

#[tokio::test]
async fn updated_bootstrap_files_replace_the_shipped_ones_and_lookups_follow_them() {
    let (sim, url) = registries();
    let dir = temp_dir("lookups");
    let r = rdap(&url, &dir, true).await;
    let info = r.bootstrap().info();
    assert!(info.iter().all(|f| f.publication == "2026-11-30T00:00:00Z" && f.source.starts_with(dir.to_str().unwrap())), "{info:?}");

    let d = r.domain(&BAD_DOMAIN.to_ascii_uppercase()).await.expect("lookup").expect("registered");
    assert_eq!(d.domain, BAD_DOMAIN);
    assert_eq!(d.registrar.as_deref(), Some("Cheap Names Registrar LLC"));
    assert_eq!(d.registrar_iana_id.as_deref(), Some("1606"));
    assert_eq!(d.registered_days_ago, Some(BAD_DOMAIN_AGE_DAYS));
    assert_eq!(d.abuse_email.as_deref(), Some("abuse@cheapnames.example"), "found in the registrar's nested entity");
    assert_eq!(d.nameservers, ["ns1.bulletproof-dns.example", "ns2.bulletproof-dns.example"]);
    assert_eq!((d.dnssec, d.status.as_slice()), (Some(false), ["client transfer prohibited".to_string()].as_slice()));
    assert_eq!(d.registry, format!("{url}/rdap/verisign/"));

    // ARIN refers a RIPE block on with a 301, which is followed.
    let n = r.ip(BAD_IP).await.expect("lookup").expect("registered");
    assert_eq!((n.network.as_deref(), n.country.as_deref(), n.holder.as_deref()), (Some("TOR-EXIT-LAB"), Some("DE"), Some("Relay Operators e.V.")));
    assert_eq!(n.range.as_deref(), Some("185.220.101.0 – 185.220.101.255"));
    assert_eq!(n.abuse_email.as_deref(), Some("abuse@hosting.example"));
    assert_eq!(n.registry, format!("{url}/rdap/ripe/"));
    assert!(r.ip(SUSPICIOUS_IP).await.expect("lookup").is_some_and(|n| n.registry == format!("{url}/rdap/arin/")));

    // Not registered: no record, not an error.
    assert!(r.domain("never-registered-lab.com").await.expect("lookup").is_none());
    assert!(r.ip("45.1.2.3").await.expect("lookup").is_none());
    // No registry for the TLD: said so, nothing asked.
    let before = sim.log().len();
    assert!(matches!(r.domain("host.example.org").await, Err(RdapError::NoRegistry(_))));
    assert_eq!(sim.log().len(), before);
    let log = sim.log();
    assert!(log.iter().any(|l| l.starts_with(&format!("GET /rdap/verisign/domain/{BAD_DOMAIN} "))), "the domain lower-cased: {log:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_429_says_when_to_ask_again_and_the_connector_turns_it_into_a_wait() {
    let (sim, url) = registries();
    let dir = temp_dir("throttle");
    let r = rdap(&url, &dir, true).await;
    sim.throttle("rdap", 1);
    let err = r.domain(BAD_DOMAIN).await.expect_err("throttled");
    assert!(matches!(err, RdapError::Status { status: 429, retry_after: Some(d), .. } if d == Duration::from_secs(1)), "{err}");
    let as_connector = super::connector::error_for_test(err);
    assert!(as_connector.transient && as_connector.retry_after == Some(Duration::from_secs(1)), "{as_connector:?}");
    assert!(r.domain(BAD_DOMAIN).await.expect("the next one answers").is_some());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_registry_with_only_plain_http_is_refused_unless_allowed_and_nothing_is_sent() {
    let (sim, url) = registries();
    let dir = temp_dir("plain");
    let r = rdap(&url, &dir, false).await;
    let before = sim.log().len();
    assert!(matches!(r.domain(BAD_DOMAIN).await, Err(RdapError::PlainHttp(..))));
    assert!(matches!(r.ip("203.0.113.9").await, Err(RdapError::PlainHttp(..))));
    assert_eq!(sim.log().len(), before, "nothing sent in clear text");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn an_older_or_broken_bootstrap_never_replaces_the_files_in_use() {
    let (_sim, url) = registries();
    let dir = temp_dir("update");
    let http = plain_http();
    // Older than the shipped files: refused, nothing written.
    let err = bootstrap::update(&format!("{url}/rdap/old-bootstrap/"), &dir, &http).await.expect_err("older");
    assert!(matches!(err, BootstrapError::Older { .. }), "{err}");
    assert!(!dir.join("dns.json").exists());
    // Installed, then a folder with one broken file: refused, the installed set kept.
    bootstrap::update(&format!("{url}/rdap/bootstrap"), &dir, &http).await.expect("update");
    let installed = std::fs::read_to_string(dir.join("dns.json")).expect("installed");
    let offline = temp_dir("offline");
    std::fs::create_dir_all(&offline).expect("dir");
    for f in ["dns.json", "ipv4.json", "ipv6.json"] {
        std::fs::copy(dir.join(f), offline.join(f)).expect("copy");
    }
    std::fs::write(offline.join("ipv6.json"), r#"{"version":"1.0","publication":"2026-12-01T00:00:00Z","services":[[["not-a-prefix"],["https://x/"]]]}"#).expect("write");
    let err = bootstrap::update(offline.to_str().unwrap(), &dir, &http).await.expect_err("broken");
    assert!(err.to_string().contains("ipv6.json"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("dns.json")).expect("kept"), installed);
    // The same files from a folder (a network without internet access): accepted.
    std::fs::copy(dir.join("ipv6.json"), offline.join("ipv6.json")).expect("copy");
    let info = bootstrap::update(offline.to_str().unwrap(), &dir, &http).await.expect("from a folder");
    assert_eq!(info.len(), 3);
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&offline).ok();
}
