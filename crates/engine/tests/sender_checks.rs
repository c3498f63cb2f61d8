//! Sender policy end to end: allowlist, trusted and untrusted gateway headers,
//! and Drawbridge's own DKIM/DMARC check over fixed DNS records (no network).

use base64::Engine;
use drawbridge_engine::intake::mime;
use drawbridge_engine::sender::SendersConfig;
use drawbridge_engine::sender::{DnsSource, SenderPolicy};
use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;
use std::collections::HashMap;
use std::sync::Arc;

fn message(from: &str, extra_headers: &str) -> Vec<u8> {
    format!("From: {from}\r\nTo: mssp-requests@corp.example\r\nSubject: Who owns WKS-FIN-042?\r\nMessage-ID: <s@x>\r\n{extra_headers}\r\nPlease check 203.0.113.7.\r\n").into_bytes()
}

fn policy(dns: DnsSource) -> SenderPolicy {
    SenderPolicy::new(SendersConfig::default(), dns)
}

/// Signs `raw` for mssp.example.net and returns the signed message and the DNS records that vouch for it.
fn signed(raw: &[u8]) -> (Vec<u8>, HashMap<String, String>) {
    let pkcs8 = Ed25519Key::generate_pkcs8().expect("key");
    let key = Ed25519Key::from_pkcs8_der(&pkcs8).expect("key");
    let public = base64::engine::general_purpose::STANDARD.encode(key.public_key());
    let signature =
        DkimSigner::from_key(key).domain("mssp.example.net").selector("s1").headers(["From", "To", "Subject", "Message-ID"]).sign(raw).expect("sign");
    let mut out = signature.to_header().into_bytes();
    out.extend_from_slice(raw);
    let mut records = HashMap::new();
    records.insert("s1._domainkey.mssp.example.net".to_string(), format!("v=DKIM1; k=ed25519; p={public}"));
    records.insert("_dmarc.mssp.example.net".to_string(), "v=DMARC1; p=reject".to_string());
    (out, records)
}

async fn verdict(raw: &[u8], dns: DnsSource) -> drawbridge_engine::sender::SenderVerdict {
    let parsed = mime::parse(raw).expect("parses");
    policy(dns).evaluate(&parsed, raw).await
}

#[tokio::test]
async fn own_dkim_and_dmarc_check_passes_a_signed_message() {
    let (raw, records) = signed(&message("analyst@mssp.example.net", ""));
    let v = verdict(&raw, DnsSource::Fixed(Arc::new(records))).await;
    assert!(v.allowed, "{v:?}");
    assert!(v.reasons.iter().any(|r| r.contains("own check")), "{v:?}");
}

#[tokio::test]
async fn a_tampered_signed_message_fails() {
    let (raw, records) = signed(&message("analyst@mssp.example.net", ""));
    let tampered = String::from_utf8(raw).expect("utf8").replace("WKS-FIN-042", "WKS-FIN-043").into_bytes();
    let v = verdict(&tampered, DnsSource::Fixed(Arc::new(records))).await;
    assert!(!v.allowed, "{v:?}");
    assert!(v.reasons.iter().any(|r| r.contains("DMARC did not pass")), "{v:?}");
}

#[tokio::test]
async fn an_unsigned_message_without_a_trusted_verdict_is_refused() {
    let v = verdict(&message("analyst@mssp.example.net", ""), DnsSource::Fixed(Default::default())).await;
    assert!(!v.allowed, "{v:?}");
}

#[tokio::test]
async fn a_trusted_gateway_header_counts_and_an_untrusted_one_does_not() {
    let trusted = "Authentication-Results: mx1.corp.example; dkim=pass header.d=mssp.example.net; dmarc=pass header.from=mssp.example.net\r\n";
    let v = verdict(&message("analyst@mssp.example.net", trusted), DnsSource::Fixed(Default::default())).await;
    assert!(v.allowed, "{v:?}");

    let forged = "Authentication-Results: mx1.attacker.test; dmarc=pass header.from=mssp.example.net\r\n";
    let v = verdict(&message("analyst@mssp.example.net", forged), DnsSource::Fixed(Default::default())).await;
    assert!(!v.allowed, "a header from an untrusted authserv-id is ignored: {v:?}");

    let failed = "Authentication-Results: mx1.corp.example; dmarc=fail header.from=mssp.example.net\r\n";
    let v = verdict(&message("analyst@mssp.example.net", failed), DnsSource::Fixed(Default::default())).await;
    assert!(!v.allowed, "{v:?}");
}

#[tokio::test]
async fn look_alike_sender_domains_are_refused_even_with_dmarc_pass() {
    for from in ["a@mssp.example.net.attacker.test", "a@mssp-example.net", "a@sub.mssp.example.net"] {
        let domain = from.split('@').nth(1).unwrap_or_default();
        let header = format!("Authentication-Results: mx1.corp.example; dmarc=pass header.from={domain}\r\n");
        let v = verdict(&message(from, &header), DnsSource::Fixed(Default::default())).await;
        assert!(!v.allowed, "{from}: {v:?}");
        assert!(v.reasons.iter().any(|r| r.contains("not on the allowlist")), "{from}: {v:?}");
    }
}

/// The gateway's header as it would echo an envelope sender the attacker chose.
fn echoed(envelope_local_part: &str, dmarc: &str) -> String {
    let quoted = envelope_local_part.replace('\\', "\\\\").replace('"', "\\\"");
    format!("Authentication-Results: mx1.corp.example; spf=pass smtp.mailfrom=\"{quoted}\"@evil.test; {dmarc}\r\n")
}

#[tokio::test]
async fn an_envelope_sender_echoed_by_the_gateway_cannot_turn_a_failed_dmarc_into_a_pass() {
    let spoof = echoed("a;dmarc=pass header.from=mssp.example.net b", "dmarc=fail header.from=mssp.example.net");
    let v = verdict(&message("analyst@mssp.example.net", &spoof), DnsSource::Fixed(Default::default())).await;
    assert!(!v.allowed, "{v:?}");
    let v =
        verdict(&message("analyst@mssp.example.net", &echoed("a;dmarc=pass header.from=mssp.example.net b", "spf=none")), DnsSource::Fixed(Default::default()))
            .await;
    assert!(!v.allowed, "no dmarc result, only a quoted look-alike: {v:?}");
}

#[tokio::test]
async fn a_dmarc_pass_needs_its_header_from_and_it_must_be_the_from_domain() {
    for header in [
        "Authentication-Results: mx1.corp.example; dmarc=pass\r\n",
        "Authentication-Results: mx1.corp.example; dmarc=pass header.from=evil.test\r\n",
        "Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net; dmarc=fail header.from=mssp.example.net\r\n",
        "Authentication-Results: mx1.corp.example; dmarc=pass (unclosed header.from=mssp.example.net\r\n",
    ] {
        let v = verdict(&message("analyst@mssp.example.net", header), DnsSource::Fixed(Default::default())).await;
        assert!(!v.allowed, "{header}: {v:?}");
    }
    let good = "Authentication-Results: mx1.corp.example; dmarc=pass header.from=MSSP.example.net\r\n";
    assert!(verdict(&message("analyst@mssp.example.net", good), DnsSource::Fixed(Default::default())).await.allowed, "case does not matter");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever the attacker puts in the echoed envelope sender, a failed DMARC stays failed.
        #[test]
        fn no_envelope_sender_turns_a_fail_into_a_pass(local in "[ -~]{0,80}") {
            let rt = tokio::runtime::Builder::new_current_thread().build().expect("rt");
            let header = echoed(&local, "dmarc=fail header.from=mssp.example.net");
            let raw = message("analyst@mssp.example.net", &header);
            if let Ok(parsed) = mime::parse(&raw) {
                let v = rt.block_on(policy(DnsSource::Fixed(Default::default())).evaluate(&parsed, &raw));
                prop_assert!(!v.allowed, "{header}: {v:?}");
            }
        }

        /// Any header text is read without panicking, and never as a pass it does not spell out.
        #[test]
        fn arbitrary_headers_never_panic(value in "[ -~]{0,200}") {
            let header = format!("mx1.corp.example; {value}");
            let _ = drawbridge_engine::sender::authentication_results::trusted_verdict(&[header], &["mx1.corp.example".into()]);
        }
    }
}
