//! The Jira connector against the Jira REST v3 simulator in `drawbridge-lab`
//! (Basic auth, ADF required, labels without spaces, the attachment's XSRF
//! header and `file` part, Jira's error envelopes, 429 with Retry-After).

use super::{Jira, JiraConfig, JiraError};
use crate::registry::Connector;
use drawbridge_lab::jira::Simulator;

fn lab() -> (Simulator, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = Simulator::new("soc-bot@corp.example", "jira-sim-token", "SEC");
    let served = sim.clone();
    std::thread::spawn(move || drawbridge_lab::jira::serve(listener, served));
    (sim, url)
}

fn jira(url: &str, secret: &str) -> Jira {
    drawbridge_net::secrets::inject("jira-good", "jira-sim-token");
    drawbridge_net::secrets::inject("jira-bad", "nope");
    let mut cfg: JiraConfig = toml::from_str(&format!("url = \"{url}\"\nemail = \"soc-bot@corp.example\"\ntoken_secret = \"{secret}\"\nproject = \"SEC\"")).expect("config");
    cfg.labels = vec!["drawbridge".into(), "soc alert".into()];
    Jira::new(&cfg).expect("client")
}

#[tokio::test]
async fn an_issue_is_created_commented_and_given_an_attachment_field_by_field() {
    let (sim, url) = lab();
    let j = jira(&url, "jira-good");
    let ticket = j.create("Investigation: sha256 2d71…", "Verdict: malicious\n\nvirustotal.file: malicious 41 ≥ 5", &["ioc 2d71".into()]).await.expect("created");
    assert_eq!(ticket.key, "SEC-17");
    assert_eq!(ticket.url, format!("{url}/browse/SEC-17"));
    j.comment("SEC-17", "Seen again in request DB-42.").await.expect("comment");
    j.attach("SEC-17", "sightings.log", "2026-11-20T04:00:00Z WKS-FIN-042 invoice.exe\n").await.expect("attach");
    let issues = sim.issues();
    assert_eq!(issues.len(), 1);
    let f = &issues[0].fields;
    assert_eq!(f["project"]["key"], "SEC");
    assert_eq!(f["issuetype"]["name"], "Task");
    assert_eq!(f["summary"], "Investigation: sha256 2d71…");
    assert_eq!(f["labels"], serde_json::json!(["drawbridge", "soc_alert", "ioc_2d71"]), "labels without spaces");
    assert_eq!(f["description"]["type"], "doc");
    let paragraphs: Vec<&str> = f["description"]["content"].as_array().expect("paragraphs").iter().filter_map(|p| p["content"][0]["text"].as_str()).collect();
    assert_eq!(paragraphs, ["Verdict: malicious", "virustotal.file: malicious 41 ≥ 5"], "a paragraph per line, none empty");
    assert_eq!(issues[0].comments[0]["content"][0]["content"][0]["text"], "Seen again in request DB-42.");
    assert_eq!(issues[0].attachments, [("sightings.log".to_string(), "2026-11-20T04:00:00Z WKS-FIN-042 invoice.exe\n".to_string())]);
    assert!(j.test_connection().await.expect("test").contains("SOC bot"));
}

#[tokio::test]
async fn errors_keep_their_kind_and_a_429_says_when_to_ask_again() {
    let (sim, url) = lab();
    let bad = jira(&url, "jira-bad");
    let err = bad.create("x", "y", &[]).await.expect_err("bad token");
    assert!(matches!(err, JiraError::Status { status: 401, .. }), "{err}");
    let j = jira(&url, "jira-good");
    let err = j.comment("SEC-999", "hello").await.expect_err("no such issue");
    assert!(err.to_string().contains("Issue does not exist"), "{err}");
    assert!(j.comment("SEC-1/../../x", "hello").await.is_err(), "a key is one path segment");
    sim.throttle(1);
    match j.create("x", "y", &[]).await.expect_err("throttled") {
        JiraError::Status { status: 429, retry_after, .. } => assert_eq!(retry_after, Some(std::time::Duration::from_secs(1))),
        other => panic!("{other}"),
    }
    let connector_error = j.call("jira.comment", &std::collections::BTreeMap::from([("key".to_string(), "SEC-999".to_string()), ("text".to_string(), "x".to_string())])).await.expect_err("404");
    assert_eq!(connector_error.kind, drawbridge_model::ErrorKind::NotFound);
}
