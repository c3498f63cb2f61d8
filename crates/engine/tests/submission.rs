//! Indicators submitted without an e-mail, through the drop folder: a
//! `.json` file becomes an `enrichment` request with its values'
//! indicators (defanged ones too); an unreadable one is quarantined with
//! its bytes and reason, and the watcher goes on.

use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::Ingestor;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::sources::drop_folder;
use drawbridge_engine::store::Store;

#[tokio::test]
async fn a_dropped_json_file_is_an_enrichment_request_and_junk_is_quarantined() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    std::fs::write(
        inbox.join("a-edr.json"),
        r#"{"values":["hxxps://evil-login[.]com/x","185.220.101.4"],"submitted_by":"EDR","note":"beaconing","reference":"ALERT-9"}"#,
    )
    .expect("file");
    std::fs::write(inbox.join("b-broken.json"), "{\"values\": [").expect("file");
    std::fs::write(inbox.join("c-nothing.json"), r#"["just words"]"#).expect("file");
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let report = drop_folder::sweep(&ingestor, &inbox).await.expect("sweep");
    assert_eq!((report.processed, report.quarantined, report.failed), (1, 2, 0));
    assert!(inbox.join("processed/a-edr.json").exists() && inbox.join("quarantine/b-broken.json").exists() && inbox.join("quarantine/c-nothing.json").exists());

    let requests = store.list_requests(10).await.expect("list");
    let good = requests.iter().find(|r| r.status == drawbridge_engine::model::RequestStatus::New).expect("the good submission");
    let detail = store.request(good.id).await.expect("request");
    assert_eq!(detail.summary.request_type.as_deref(), Some("enrichment"));
    assert_eq!(detail.summary.subject.as_deref(), Some("Enrichment submitted by EDR [ALERT-9]"));
    let found: Vec<String> = detail.indicators.iter().map(|i| format!("{}:{}", i.kind, i.value)).collect();
    assert!(found.contains(&"url:https://evil-login.com/x".to_string()) && found.contains(&"ipv4:185.220.101.4".to_string()), "{found:?}");
    assert!(detail.indicators.iter().any(|i| i.defanged));
    let broken = requests.iter().find(|r| r.quarantine_reason.as_deref().is_some_and(|q| q.contains("unreadable"))).expect("kept");
    assert_eq!(broken.source, "submission");
    assert!(broken.quarantine_reason.as_deref().is_some_and(|q| q.starts_with("unreadable submission")), "{:?}", broken.quarantine_reason);
    let raw = store.raw_message(broken.id).await.expect("raw");
    assert_eq!(raw, b"{\"values\": [", "the bytes are kept");
    assert!(requests.iter().any(|r| r.quarantine_reason.as_deref().is_some_and(|q| q.contains("names no indicator"))));
}
