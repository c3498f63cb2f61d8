//! The IMAP watcher against real Dovecot, fed through real Postfix submission.
//! Needs the mail lab (`make test` starts it); skips with a message otherwise.

use drawbridge_engine::config::Config;
use drawbridge_engine::intake::imap::TlsMode;
use drawbridge_engine::sources::imap;
use drawbridge_testkit::configs::imap as imap_config;
use drawbridge_testkit::emails::{request_email, unique};
use drawbridge_testkit::mail::{append, lab_turn, relay, stop_dovecot, submit};
use drawbridge_testkit::{eventually, labs};
use std::time::{Duration, Instant};

fn config_for_tests() -> Config {
    let mut cfg = Config::default();
    cfg.intake.max_message_bytes = 200 * 1024;
    cfg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_is_ingested_within_seconds_via_idle() {
    let Some(lab) = labs::mail() else { return };
    let _turn = lab_turn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config_for_tests();
    let ingestor = drawbridge_testkit::ingestor(&dir.path().join("db.sqlite"), &cfg).await;
    let watcher = tokio::spawn(imap::watch(ingestor.clone(), imap_config(&lab, "gw1@corp.example", TlsMode::Implicit)));
    // Let the watcher connect, sweep the (possibly non-empty) mailbox and enter IDLE.
    let store = ingestor.store().clone();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = store.count_requests().await.expect("count");

    let subject = format!("Who owns WKS-FIN-042? {}", unique());
    let sent = Instant::now();
    submit(&lab, "gw1@corp.example", &request_email("gw1@corp.example", &subject, "Please check 203.0.113[.]7 and CORP\\j.doe.")).await;
    let arrived = eventually(Duration::from_secs(15), || async { store.count_requests().await.unwrap_or(0) > before }).await;
    let took = sent.elapsed();
    watcher.abort();
    assert!(arrived, "the request did not arrive within 15 s");
    eprintln!("IDLE delivery-to-store latency: {took:?}");

    let list = store.list_requests(10).await.expect("list");
    let req = list.iter().find(|r| r.subject.as_deref() == Some(subject.as_str())).expect("our request is stored");
    assert_eq!(req.status, "new", "allowed sender, not quarantined: {:?}", req.quarantine_reason);
    let detail = store.request(req.id).await.expect("detail");
    let values: Vec<(String, String)> = detail.indicators.iter().map(|i| (i.kind.to_string(), i.value.clone())).collect();
    assert!(values.contains(&("hostname".into(), "WKS-FIN-042".into())), "{values:?}");
    assert!(values.contains(&("ipv4".into(), "203.0.113.7".into())), "{values:?}");
    assert!(values.contains(&("account".into(), "CORP\\j.doe".into())), "{values:?}");
    // The raw bytes are exactly what Dovecot holds, Received headers included.
    let raw = store.raw_message(req.id).await.expect("raw");
    assert!(String::from_utf8_lossy(&raw).contains(&subject));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_mid_stream_loses_and_duplicates_nothing() {
    let Some(lab) = labs::mail() else { return };
    let _turn = lab_turn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config_for_tests();
    let db = dir.path().join("db.sqlite");
    let ingestor = drawbridge_testkit::ingestor(&db, &cfg).await;
    let store = ingestor.store().clone();
    let mut imap_cfg = imap_config(&lab, "gw2@corp.example", TlsMode::Starttls);
    imap_cfg.processed_mailbox = Some("Processed".into());
    let watcher = tokio::spawn(imap::watch(ingestor.clone(), imap_cfg.clone()));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = store.count_requests().await.expect("count");
    let tag = unique();

    for i in 0..3 {
        submit(&lab, "gw2@corp.example", &request_email("gw2@corp.example", &format!("batch {tag} #{i}"), "host WKS-HR-001")).await;
    }
    // Dovecot goes away while mail keeps arriving (Postfix queues it).
    let down = stop_dovecot(&lab);
    for i in 3..6 {
        relay(&lab, "gw2@corp.example", &request_email("gw2@corp.example", &format!("batch {tag} #{i}"), "host WKS-HR-002")).await;
    }
    // The app restarts too: a new watcher with the same database.
    watcher.abort();
    drop(down); // Dovecot starts again
    // Postfix retries deferred mail on its own schedule; flush to speed it up.
    let _ = std::process::Command::new("postqueue").args(["-c", &format!("{}/postfix/etc", lab.display()), "-f"]).status();
    let ingestor2 = drawbridge_testkit::ingestor(&db, &cfg).await;
    let watcher2 = tokio::spawn(imap::watch(ingestor2.clone(), imap_cfg));
    let all = eventually(Duration::from_secs(60), || async { store.count_requests().await.unwrap_or(0) >= before + 6 }).await;
    // A little longer, to catch any duplicate arriving late.
    tokio::time::sleep(Duration::from_secs(2)).await;
    watcher2.abort();
    assert!(all, "not all six messages arrived: {}", store.count_requests().await.unwrap_or(0) - before);
    let subjects: Vec<String> = store.list_requests(1000).await.expect("list").into_iter().filter_map(|r| r.subject).filter(|s| s.contains(&tag)).collect();
    let mut unique_subjects = subjects.clone();
    unique_subjects.sort();
    unique_subjects.dedup();
    assert_eq!(subjects.len(), 6, "each message exactly once: {subjects:?}");
    assert_eq!(unique_subjects.len(), 6, "no duplicates: {subjects:?}");
    // Processed messages were moved out of INBOX only after being stored.
    let cursor = store.imap_cursor("gw2@corp.example@127.0.0.1:10143", "INBOX").await.expect("cursor").expect("a cursor is kept");
    assert!(cursor.last_uid >= 6, "{cursor:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_messages_are_quarantined_while_the_next_one_flows() {
    let Some(lab) = labs::mail() else { return };
    let _turn = lab_turn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config_for_tests();
    let ingestor = drawbridge_testkit::ingestor(&dir.path().join("db.sqlite"), &cfg).await;
    let store = ingestor.store().clone();
    let imap_cfg = imap_config(&lab, "gw3@corp.example", TlsMode::Implicit);

    // Bytes no MTA would pass on go straight into the mailbox with APPEND.
    // (No NUL: IMAP without BINARY cannot carry it; NUL input is tested on ingest directly.)
    let garbage: Vec<u8> = b"\x01PK\x03\x04 this is not an email at all \xff\xfe".iter().copied().cycle().take(3000).collect();
    let tag = unique();
    let oversized = request_email("gw3@corp.example", &format!("big {tag}"), &"A".repeat(300 * 1024));
    let good = request_email("gw3@corp.example", &format!("good {tag}"), "is 198.51.100.23 on any endpoint?");
    append(&lab, "gw3@corp.example", &garbage).await;
    submit(&lab, "gw3@corp.example", &oversized).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    submit(&lab, "gw3@corp.example", &good).await;

    let watcher = tokio::spawn(imap::watch(ingestor.clone(), imap_cfg));
    let flowed = eventually(Duration::from_secs(20), || async {
        store.list_requests(100).await.unwrap_or_default().iter().any(|r| r.subject.as_deref() == Some(&format!("good {tag}")))
    })
    .await;
    watcher.abort();
    assert!(flowed, "the good message after the bad ones was not ingested");

    let list = store.list_requests(100).await.expect("list");
    let quarantined: Vec<_> = list.iter().filter(|r| r.status == "quarantined").collect();
    let garbage_req = quarantined
        .iter()
        .find(|r| r.quarantine_reason.as_deref().is_some_and(|q| q.contains("not an email")))
        .expect("the garbage is quarantined as not an email");
    let kept = store.raw_message(garbage_req.id).await.expect("raw");
    assert!(kept == garbage, "raw bytes kept exactly: {} bytes kept, {} sent", kept.len(), garbage.len());
    let big = quarantined.iter().find(|r| r.quarantine_reason.as_deref().is_some_and(|q| q.contains("over the limit"))).expect("oversized quarantined");
    assert!(big.quarantine_reason.as_deref().is_some_and(|q| q.contains("RFC822.SIZE")), "the server's size was checked first: {big:?}");
    let kept = store.raw_message(big.id).await.expect("raw");
    assert!(kept.len() < 16 * 1024 && String::from_utf8_lossy(&kept).contains(&format!("big {tag}")), "only the header was downloaded: {} bytes", kept.len());
    // The message itself stays in the mailbox, whole.
    let inbox = drawbridge_testkit::mail::mailbox(&lab, "gw3@corp.example", "gw3-pw", "INBOX").await;
    assert!(
        inbox.iter().any(|m| m.len() > 300 * 1024 && String::from_utf8_lossy(&m[..4096.min(m.len())]).contains(&format!("big {tag}"))),
        "left on the server"
    );
    let good_req = list.iter().find(|r| r.subject.as_deref() == Some(&format!("good {tag}"))).expect("good");
    assert_eq!(good_req.status, "new");
}
