//! The Zendesk connector against the Zendesk Support simulator in
//! `drawbridge-lab` (`{email}/token` Basic auth, private comments, upload
//! tokens, RecordInvalid details, 429 with Retry-After and a text body).

use super::{Zendesk, ZendeskConfig, ZendeskError};
use crate::registry::Connector;
use drawbridge_lab::zendesk::Simulator;

fn lab() -> (Simulator, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = Simulator::new("soc-bot@corp.example", "zd-sim-token");
    let served = sim.clone();
    std::thread::spawn(move || drawbridge_lab::zendesk::serve(listener, served));
    (sim, url)
}

fn zendesk(url: &str, secret: &str) -> Zendesk {
    drawbridge_net::secrets::inject("zd-good", "zd-sim-token");
    drawbridge_net::secrets::inject("zd-bad", "nope");
    let cfg: ZendeskConfig = toml::from_str(&format!("url = \"{url}\"\nemail = \"soc-bot@corp.example\"\ntoken_secret = \"{secret}\"")).expect("config");
    Zendesk::new(&cfg).expect("client")
}

#[tokio::test]
async fn a_ticket_is_opened_commented_and_given_a_file_field_by_field() {
    let (sim, url) = lab();
    let z = zendesk(&url, "zd-good");
    let t = z.create("Investigation: sha256 2d71… (malicious)", "Verdict: malicious", &["ioc-sha256".into(), "Malicious".into()]).await.expect("created");
    assert_eq!((t.key.as_str(), t.url.clone()), ("35436", format!("{url}/agent/tickets/35436")));
    z.comment("35436", "Seen again in request DB-9.", &[]).await.expect("comment");
    z.attach("35436", "sightings-sha256.log", "line 1\nline 2\n").await.expect("attach");
    let tickets = sim.tickets();
    let created = &tickets[0].created;
    assert_eq!(created["subject"], "Investigation: sha256 2d71… (malicious)");
    assert_eq!(created["comment"], serde_json::json!({ "body": "Verdict: malicious", "public": false }), "a private first comment");
    assert_eq!(created["priority"], "high");
    assert_eq!(created["tags"], serde_json::json!(["drawbridge", "investigation", "ioc-sha256", "malicious"]));
    assert_eq!(tickets[0].comments[0], serde_json::json!({ "body": "Seen again in request DB-9.", "public": false }));
    let uploads = tickets[0].comments[1]["uploads"].as_array().expect("an upload token");
    let token = uploads[0].as_str().expect("token");
    assert_eq!(sim.upload(token), Some(("sightings-sha256.log".to_string(), "line 1\nline 2\n".to_string())));
    assert!(z.test_connection().await.expect("test").contains("SOC bot"));
}

#[tokio::test]
async fn errors_keep_their_kind_and_a_429_says_when_to_ask_again() {
    let (sim, url) = lab();
    let err = zendesk(&url, "zd-bad").create("x", "y", &[]).await.expect_err("bad token");
    assert!(matches!(err, ZendeskError::Status { status: 401, .. }), "{err}");
    let z = zendesk(&url, "zd-good");
    let err = z.create(" ", "y", &[]).await.expect_err("no subject");
    assert!(err.to_string().contains("Subject: cannot be blank"), "{err}");
    assert!(z.comment("not-a-number", "x", &[]).await.is_err());
    sim.throttle(1);
    match z.create("x", "y", &[]).await.expect_err("throttled") {
        ZendeskError::Status { status: 429, retry_after, message } => {
            assert_eq!(retry_after, Some(std::time::Duration::from_secs(1)));
            assert!(message.contains("Rate limit"), "a plain-text body is kept: {message}");
        }
        other => panic!("{other}"),
    }
    let e = z.call("zendesk.comment", &std::collections::BTreeMap::from([("key".to_string(), "99".to_string()), ("text".to_string(), "x".to_string())])).await.expect_err("404");
    assert_eq!(e.kind, drawbridge_model::ErrorKind::NotFound);
}
