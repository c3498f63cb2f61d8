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

#[tokio::test]
async fn a_submission_has_no_one_to_reply_to_so_approving_records_the_review_and_queues_nothing() {
    use drawbridge_engine::deployment::Deployment;
    use drawbridge_engine::ingest::Origin;
    use drawbridge_engine::model::ReviewState;
    use drawbridge_engine::playbook::Runner;
    use drawbridge_engine::review::Reviewer;
    use drawbridge_engine::store::Source;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config { database: Some(dir.path().join("db.sqlite")), ..Default::default() };
    // Replies would go out as files: none may be written for a submission.
    config.outbound = Some(toml::from_str(&format!("from = \"soc@corp.example\"\noutbox_folder = {:?}", dir.path().join("outbox"))).expect("outbound"));
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let deployment = Deployment::new(config).expect("deployment");
    let ingestor = Ingestor::new(&deployment.config, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let raw = br#"{"values":["185.220.101.4"],"submitted_by":"EDR"}"#;
    let id = ingestor.submit(raw, &Origin { source: Source::Submission, reference: "cli".into(), cursor: None }).await.expect("submit").request_id;
    let mut runner = Runner::configured(store.clone(), deployment.connectors.clone(), &deployment.config.connectors.limits);
    drawbridge_engine::enrich::run_request(&store, &deployment, &mut runner, id).await.expect("run");

    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.view(id).await.expect("view");
    assert!(view.no_reply.as_deref().is_some_and(|r| r.contains("no one to reply to")), "{:?}", view.no_reply);
    assert!(view.recipients.is_empty());
    let approved = reviewer.approve(id, "alice", &view.rendered.digest).await.expect("a submission can be marked reviewed");
    assert_eq!(approved.state, ReviewState::Approved, "reviewed, with nothing to send");
    assert!(approved.outbox.is_empty(), "no reply was queued: {:?}", approved.outbox);
    let audit = store.audit_log(Some(id)).await.expect("audit");
    let approval = audit.iter().find(|a| a.action == "approve").expect("the review is audited");
    let detail: serde_json::Value = serde_json::from_str(&approval.detail).expect("detail");
    assert_eq!((approval.actor.as_str(), detail["no_reply"].is_string()), ("alice", true), "{detail}");

    // An e-mailed request from an unverified sender still cannot be approved into a reply.
    let mail = b"From: someone@unknown.example\r\nTo: soc@corp.example\r\nSubject: check 185.220.101.4\r\nMessage-ID: <u-1@unknown.example>\r\n\r\nPlease check 185.220.101.4\r\n";
    let other = ingestor.ingest(mail, &Origin { source: Source::File, reference: "m".into(), cursor: None }).await.expect("ingest").request_id;
    drawbridge_engine::enrich::run_request(&store, &deployment, &mut runner, other).await.ok();
    let view = reviewer.view(other).await.expect("view");
    assert_eq!(view.no_reply, None);
    assert!(reviewer.approve(other, "alice", &view.rendered.digest).await.is_err(), "no verified recipient: refused");
}
