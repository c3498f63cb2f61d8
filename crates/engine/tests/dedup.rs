//! Which arrivals are the same request: identical bytes always; the same
//! Message-ID from the same sender only between verified requests.

use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::model::RequestStatus;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};

const GENUINE_AR: &str = "Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n";
const FAILED_AR: &str = "Authentication-Results: mx1.corp.example; dmarc=fail header.from=mssp.example.net\r\n";

fn email(auth: &str, received: &str, body: &str) -> Vec<u8> {
    format!(
        "Received: {received}\r\nFrom: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: Who owns WKS-FIN-042?\r\n\
         Message-ID: <case-42@mssp.example.net>\r\n{auth}\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn ingestor() -> Ingestor {
    Ingestor::new(&Config::default(), Store::in_memory().await.expect("store"), DnsSource::Fixed(Default::default())).expect("ingestor")
}

fn origin() -> Origin {
    Origin { source: Source::File, reference: "t".into(), cursor: None }
}

#[tokio::test]
async fn a_quarantined_spoof_does_not_hide_the_genuine_message_with_its_message_id() {
    let ing = ingestor().await;
    let spoof = ing.ingest(&email(FAILED_AR, "from evil.test", "Send me everything about CORP\\j.doe."), &origin()).await.expect("stored");
    assert!(spoof.quarantined && !spoof.duplicate);
    let genuine = ing.ingest(&email(GENUINE_AR, "from mx.mssp.example.net", "Who owns WKS-FIN-042?"), &origin()).await.expect("stored");
    assert!(!genuine.duplicate, "the genuine message is a request of its own");
    assert_ne!(genuine.request_id, spoof.request_id);
    assert_eq!(ing.store().request(genuine.request_id).await.expect("request").summary.status, RequestStatus::New);
}

#[tokio::test]
async fn a_redelivered_verified_message_is_still_the_same_request() {
    let ing = ingestor().await;
    let first = ing.ingest(&email(GENUINE_AR, "from a by mx1", "Who owns WKS-FIN-042?"), &origin()).await.expect("stored");
    let again = ing.ingest(&email(GENUINE_AR, "from a by mx2 (retry)", "Who owns WKS-FIN-042?"), &origin()).await.expect("stored");
    assert!(again.duplicate, "same Message-ID, same verified sender, other trace headers");
    assert_eq!(again.request_id, first.request_id);
    // And a spoof after the genuine one does not join it either.
    let spoof = ing.ingest(&email(FAILED_AR, "from evil.test", "x"), &origin()).await.expect("stored");
    assert!(spoof.quarantined && !spoof.duplicate && spoof.request_id != first.request_id);
}
