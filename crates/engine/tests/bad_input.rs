//! Bad input through the whole intake path: each gets a clear error or a
//! quarantined request, the raw bytes are kept, and nothing panics.

use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::intake::mime;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::sources::drop_folder;
use drawbridge_engine::store::{Source, Store};

async fn ingestor() -> Ingestor {
    let store = Store::in_memory().await.expect("store");
    Ingestor::new(&Config::default(), store, DnsSource::Fixed(Default::default())).expect("ingestor")
}

fn origin(name: &str) -> Origin {
    Origin { source: Source::File, reference: name.into(), cursor: None }
}

fn email(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: {subject}\r\nMessage-ID: <{subject}@mssp.example.net>\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Ingests `raw` and returns (status, reason), checking the raw bytes are kept.
async fn ingest(ing: &Ingestor, name: &str, raw: &[u8]) -> (drawbridge_engine::model::RequestStatus, Option<String>) {
    let outcome = ing.ingest(raw, &origin(name)).await.expect("the store accepts it");
    let detail = ing.store().request(outcome.request_id).await.expect("stored");
    let kept = ing.store().raw_message(outcome.request_id).await.expect("raw kept");
    assert!(kept == raw, "{name}: raw bytes kept exactly ({} vs {})", kept.len(), raw.len());
    (detail.summary.status, detail.summary.quarantine_reason)
}

#[tokio::test]
async fn not_an_email_is_quarantined_with_a_reason() {
    let ing = ingestor().await;
    for (name, raw) in [
        ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec()),
        ("text", b"just some words\nno headers here\n".to_vec()),
        ("empty", Vec::new()),
        ("nul-header", b"From: a@b.example\x00\r\nSubject: x\r\n\r\nbody".to_vec()),
    ] {
        let (status, reason) = ingest(&ing, name, &raw).await;
        assert_eq!(status, "quarantined", "{name}");
        assert!(reason.as_deref().is_some_and(|r| r.contains("not an email")), "{name}: {reason:?}");
    }
}

#[tokio::test]
async fn an_oversized_email_is_quarantined_unparsed() {
    let ing = ingestor().await;
    let raw = email("huge", &"x".repeat(30 * 1024 * 1024));
    let (status, reason) = ingest(&ing, "huge", &raw).await;
    assert_eq!(status, "quarantined");
    assert!(reason.as_deref().is_some_and(|r| r.contains("over the limit")), "{reason:?}");
}

#[tokio::test]
async fn broken_mime_still_parses_or_quarantines_and_never_panics() {
    let ing = ingestor().await;
    let truncated_base64 = b"From: analyst@mssp.example.net\r\nSubject: b64\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gMTk4LjUxLjEwMC45IHdvcmxk\r\nSGVsbG8=\r\nSGV".to_vec();
    let wrong_charset = b"From: analyst@mssp.example.net\r\nSubject: =?x-unknown?Q?caf=E9?=\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\ncaf\xe9 198.51.100.10\r\n".to_vec();
    let long_header =
        format!("From: analyst@mssp.example.net\r\nX-Long: {}\r\nSubject: long\r\n\r\nbody 198.51.100.11\r\n", "a".repeat(100 * 1024)).into_bytes();
    let nul_body = b"From: analyst@mssp.example.net\r\nSubject: nul\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\nbody\x00with\x00nul 198.51.100.12\r\n".to_vec();
    for (name, raw) in [("b64", truncated_base64), ("charset", wrong_charset), ("long", long_header), ("nul", nul_body)] {
        let (status, reason) = ingest(&ing, name, &raw).await;
        assert!(status == "new" || reason.is_some(), "{name}: {status} {reason:?}");
    }
}

#[tokio::test]
async fn twenty_nested_forwards_are_bounded() {
    let mut raw = email("innermost", "the payload 203.0.113.99");
    for i in 0..20 {
        let mut outer = format!(
            "From: analyst@mssp.example.net\r\nSubject: fwd {i}\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\nContent-Type: text/plain\r\n\r\nforward {i}\r\n\
             --b{i}\r\nContent-Type: message/rfc822\r\n\r\n"
        )
        .into_bytes();
        outer.extend_from_slice(&raw);
        outer.extend_from_slice(format!("\r\n--b{i}--\r\n").as_bytes());
        raw = outer;
    }
    let parsed = mime::parse(&raw).expect("parses");
    let mut depth = 0;
    let mut m = &parsed;
    while let Some(inner) = m.nested.first() {
        depth += 1;
        m = inner;
    }
    assert!(depth < mime::MAX_NESTING, "nesting is bounded: {depth}");
    let ing = ingestor().await;
    let (status, _) = ingest(&ing, "nested", &raw).await;
    assert_eq!(status, "new");
}

#[tokio::test]
async fn the_same_message_twice_is_one_request() {
    let ing = ingestor().await;
    let raw = email("twice", "check 203.0.113.1");
    let a = ing.ingest(&raw, &origin("a")).await.expect("first");
    let b = ing.ingest(&raw, &origin("b")).await.expect("second");
    assert_eq!(a.request_id, b.request_id);
    assert!(!a.duplicate && b.duplicate);
    assert_eq!(ing.store().count_requests().await.expect("count"), 1);
}

#[tokio::test]
async fn an_indicator_seen_again_links_to_its_history() {
    let ing = ingestor().await;
    let first = ing.ingest(&email("one", "who had 203.0.113.50?"), &origin("1")).await.expect("one");
    let second = ing.ingest(&email("two", "again 203.0.113[.]50 please"), &origin("2")).await.expect("two");
    let detail = ing.store().request(second.request_id).await.expect("detail");
    let ind = detail.indicators.iter().find(|i| i.value == "203.0.113.50").expect("indicator");
    assert_eq!(ind.seen_before.len(), 1);
    assert_eq!(ind.seen_before[0].request_id, first.request_id);
    let history = ing.store().indicator_history(drawbridge_engine::indicators::Kind::Ipv4, "203.0.113.50").await.expect("history").expect("known");
    assert_eq!(history.requests.len(), 2);
}

#[tokio::test]
async fn the_drop_folder_moves_files_after_storing_them() {
    let ing = ingestor().await;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("good.eml"), email("dropped", "host WKS-OPS-003")).expect("write");
    std::fs::write(dir.path().join("bad.eml"), b"\x00\x01 not mail").expect("write");
    std::fs::write(dir.path().join("ignored.txt"), b"not an eml").expect("write");
    let report = drop_folder::sweep(&ing, dir.path()).await.expect("sweep");
    assert_eq!((report.processed, report.quarantined, report.failed), (1, 1, 0));
    assert!(dir.path().join("processed/good.eml").exists());
    assert!(dir.path().join("quarantine/bad.eml").exists());
    assert!(dir.path().join("ignored.txt").exists());
}
