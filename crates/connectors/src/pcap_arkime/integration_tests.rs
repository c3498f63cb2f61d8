//! The Arkime connector against the viewer simulator in `drawbridge-lab`
//! (HTTP Digest with `qop=auth`, `/api/sessions` with an expression and
//! epoch-second times, the v3 session layout with millisecond packet times).

use super::{Arkime, ArkimeConfig, ArkimeError};
use chrono::{DateTime, Utc};
use drawbridge_model::Kind;

fn viewer() -> (drawbridge_lab::arkime::Simulator, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = drawbridge_lab::arkime::Simulator::new("drawbridge", "arkime-sim-pw");
    let served = sim.clone();
    std::thread::spawn(move || drawbridge_lab::arkime::serve(listener, served));
    (sim, url)
}

fn arkime(url: &str, secret: &str) -> Arkime {
    drawbridge_net::secrets::inject("arkime-good", "arkime-sim-pw");
    drawbridge_net::secrets::inject("arkime-bad", "wrong");
    let cfg: ArkimeConfig = toml::from_str(&format!("url = \"{url}\"\nusername = \"drawbridge\"\npassword_secret = \"{secret}\"")).expect("config");
    Arkime::new(&cfg).expect("client")
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("date").with_timezone(&Utc)
}

#[tokio::test]
async fn sessions_around_a_sighting_come_with_links_downloads_and_sizes() {
    let (sim, url) = viewer();
    let a = arkime(&url, "arkime-good");
    let found = a
        .sessions(Kind::Sha256, drawbridge_lab::BAD_SHA256, t("2026-11-20T03:50:00Z"), t("2026-11-20T04:12:00Z"))
        .await
        .expect("search")
        .expect("the download was captured");
    assert_eq!(found.total, 1);
    let s = &found.sessions[0];
    assert_eq!((s.first_packet.as_str(), s.last_packet.as_str()), ("2026-11-20T03:58:30.000Z", "2026-11-20T03:59:10.000Z"), "milliseconds read as such");
    assert_eq!((s.source.as_str(), s.destination.as_str()), ("10.20.1.42:51544", "203.0.113.7:443"));
    assert_eq!(s.pcap_bytes, 24 + 16 * 310 + 402_113);
    assert_eq!(s.download, format!("{url}/api/session/sensor1/3%40261120-00Yg7OpiE4Pi1PFaRq/pcap"));
    assert!(s.link.starts_with(&format!("{url}/sessions?expression=id%20%3D%3D%20")), "{}", s.link);
    assert_eq!(found.pcap_bytes, s.pcap_bytes);
    assert!(found.download_all.starts_with(&format!("{url}/api/sessions/pcap?ids=")));
    // The times went as epoch seconds, the value as a validated expression.
    let log = sim.log();
    assert_eq!(log.last().map(String::as_str), Some(format!("GET /api/sessions http.sha256 == {} 1795146600000 1795147920000", drawbridge_lab::BAD_SHA256).as_str()));
    // Nothing in another window.
    assert!(a.sessions(Kind::Ipv4, drawbridge_lab::BAD_IP, t("2026-11-21T00:00:00Z"), t("2026-11-21T01:00:00Z")).await.expect("search").is_none());
}

#[tokio::test]
async fn a_wrong_password_and_a_value_that_is_not_one_are_refused() {
    let (sim, url) = viewer();
    let bad = arkime(&url, "arkime-bad");
    let err = bad.sessions(Kind::Ipv4, "203.0.113.7", t("2026-11-19T00:00:00Z"), t("2026-11-21T00:00:00Z")).await.expect_err("refused");
    assert!(matches!(err, ArkimeError::Status { status: 401, .. }), "{err}");
    let a = arkime(&url, "arkime-good");
    let before = sim.log().len();
    let err = a.sessions(Kind::Ipv4, "1.2.3.4 || ip == 0.0.0.0/0", t("2026-11-19T00:00:00Z"), t("2026-11-21T00:00:00Z")).await.expect_err("refused");
    assert!(matches!(err, ArkimeError::Expression(_)), "{err}");
    assert_eq!(sim.log().len(), before, "never sent");
}
