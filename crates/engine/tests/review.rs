//! Review and the outbox without servers: what the draft says and hides,
//! approvals bound to the content, four eyes, rejection, the audit chain,
//! and replies that cannot be steered into other headers.

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::outbound::message::{self, Body, Reply};
use drawbridge_engine::playbook::{ConnectorError, Executor, Runner};
use drawbridge_engine::report::{Disclosure, FindingStatus};
use drawbridge_engine::review::{ReviewError, Reviewer, audit};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{ReviewState, Source, Store};
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Answers like the directory and firewall would, with a script tag planted
/// in a shared field and a telling description, OU path and stray field.
struct Lab;

impl Executor for Lab {
    fn call<'a>(&'a self, action: &'a str, input: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Option<serde_json::Value>, ConnectorError>> {
        Box::pin(async move {
            let value = input.values().next().cloned().unwrap_or_default();
            match action {
                "active_directory.computer" if value == "WKS-FIN-042" => Ok(Some(serde_json::json!({
                    "dn": "CN=WKS-FIN-042,OU=Finance,DC=corp,DC=example",
                    "name": "WKS-FIN-042",
                    "description": "Jane Doe - CFO laptop",
                    "ou": "Corp/Computers/Finance/Executives",
                    "operating_system": "<script>alert('x')</script> Windows 11 Enterprise",
                    "bitlocker_recovery_hint": "ask the CFO's assistant",
                    "managed_by": { "name": "Jane Doe", "account": "j.doe", "mail": "j.doe@corp.example", "department": "Finance", "title": "Accountant" },
                    "enabled": true,
                }))),
                "active_directory.computer" => Ok(None),
                "firewall.sessions" => Ok(Some(serde_json::json!({ "count": 3, "sources": [["10.20.1.42", 3]], "first_seen": "2026-11-19T02:00:00+00:00" }))),
                "siem.sighting" => Err(ConnectorError::unavailable("SIEM answered 500: boom", false)),
                _ => Err(ConnectorError::not_configured(action.split('.').next().unwrap_or(""))),
            }
        })
    }
}

fn config(dir: &std::path::Path) -> Config {
    let mut c: Config = toml::from_str(
        r#"
[outbound]
from = "Corp SOC <soc@corp.example>"
[review]
four_eyes = ["containment"]
"#,
    )
    .expect("config");
    c.database = Some(dir.join("db.sqlite"));
    c
}

async fn request(store: &Store, subject: &str, body: &str) -> i64 {
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let raw = format!(
        "From: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: {subject}\r\nMessage-ID: <req-{}@mssp.example.net>\r\n\
         References: <thread-0@mssp.example.net>\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n",
        body.len() + subject.len()
    );
    ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: "t".into(), cursor: None }).await.expect("ingest").request_id
}

/// The digest of the report as the approver sees it now.
async fn shown(reviewer: &Reviewer<'_>, id: i64) -> String {
    reviewer.view(id).await.expect("view").rendered.digest
}

fn deployment(config: &Config) -> Deployment {
    Deployment::new(config.clone()).expect("deployment")
}

async fn ran(store: &Store, config: &Config, id: i64) {
    let mut runner = Runner::new(store.clone(), Arc::new(Lab));
    drawbridge_engine::enrich::run_request(store, &deployment(config), &mut runner, id).await.expect("run");
}

async fn setup(subject: &str) -> (tempfile::TempDir, Store, Config, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let id = request(&store, subject, "Who owns WKS-FIN-042 and WKS-NOPE-1? Did 203.0.113.7 reach you in November 2026?").await;
    ran(&store, &config, id).await;
    (dir, store, config, id)
}

#[tokio::test]
async fn the_draft_keeps_outcomes_apart_applies_the_policy_and_escapes_html() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let view = Reviewer::new(&store, &deployment(&config)).view(id).await.expect("view");
    assert_eq!(view.state, ReviewState::Draft);
    let findings = |value: &str| view.report.indicators.iter().find(|i| i.value == value).map(|i| i.findings.clone()).unwrap_or_default();
    let host = findings("WKS-FIN-042");
    let ad = host.iter().find(|f| f.step == "host_computer").expect("directory finding");
    assert_eq!(ad.status, FindingStatus::Found);
    let fact = |label: &str| ad.facts.iter().find(|f| f.label == label).unwrap_or_else(|| panic!("{label}: {:?}", ad.facts)).clone();
    assert_eq!(fact("managed_by.name").disclosure, Disclosure::Withheld, "a person's name does not leave by default");
    assert_eq!(fact("managed_by.department").value, "Finance", "the department does");
    assert_eq!(fact("managed_by.account").value, "j***", "usernames are masked");
    assert_eq!(fact("managed_by.mail").value, "j***@corp.example");
    // What the policy does not name stays inside: free text, directory
    // paths, and a field no connector declared.
    for (label, why) in
        [("description", "free-text description"), ("ou", "directory path"), ("dn", "directory path"), ("bitlocker_recovery_hint", "undeclared field")]
    {
        let f = fact(label);
        assert_eq!((f.disclosure, f.value.as_str()), (Disclosure::Withheld, ""), "{label}");
        assert!(f.reason.as_deref().is_some_and(|r| r.starts_with(why)), "{label}: {:?}", f.reason);
    }
    assert_eq!(fact("operating_system").disclosure, Disclosure::Shared, "technical details are shared");
    assert_eq!(host.iter().find(|f| f.step == "siem_sightings").map(|f| f.status), Some(FindingStatus::Unavailable), "a failing source is 'unavailable'");
    assert_eq!(findings("WKS-NOPE-1").iter().find(|f| f.step == "host_computer").map(|f| f.status), Some(FindingStatus::NoResult));
    assert_eq!(
        findings("WKS-FIN-042").iter().find(|f| f.step == "host_asset").map(|f| f.status),
        Some(FindingStatus::NotAsked),
        "an unconnected source was not asked"
    );
    let fw = findings("203.0.113.7").into_iter().find(|f| f.step == "firewall_sessions").expect("firewall");
    assert_eq!(
        fw.facts.iter().find(|f| f.label == "sources[0]").map(|f| f.disclosure),
        Some(Disclosure::Withheld),
        "internal IPs the MSSP did not ask about stay inside"
    );
    // Facts speak the report's vocabulary; counted values carry their count apart.
    let source = fw.facts.iter().find(|f| f.label == "sources[0]").expect("source fact");
    assert_eq!((source.term.as_str(), source.count), ("firewall.source", Some(3)));
    assert_eq!(fact("managed_by.department").term, "computer.owner.department");

    let r = &view.rendered;
    assert!(!r.text.contains("Jane Doe") && !r.html.contains("Jane Doe") && !r.json.contains("Jane Doe"), "withheld everywhere");
    for leak in ["CFO", "Executives", "assistant"] {
        assert!(!r.text.contains(leak) && !r.html.contains(leak) && !r.json.contains(leak), "{leak} left in the reply");
    }
    assert!(!r.text.contains("10.20.1.42") && !r.json.contains("10.20.1.42"));
    assert!(r.html.contains("&lt;script&gt;alert(") && !r.html.contains("<script>"), "HTML escapes values from outside");
    // Nothing found, and one neutral line for the sources not connected or down.
    assert!(r.text.contains("Active Directory: no records"), "{}", r.text);
    let flat = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Could not check:") && flat.contains("SIEM (did not answer)") && flat.contains("Asset inventory (not connected)"), "{}", r.text);
    // The SIEM's own error text stays with the analyst; the MSSP reads a neutral reason.
    for part in [&r.text, &r.html, &r.json] {
        assert!(!part.contains("boom") && !part.contains("answered 500"), "connector error text left in the reply");
    }
    assert!(r.json.contains("the source did not answer"), "{}", r.json);
    assert!(view.source_errors.iter().any(|e| e.step == "siem_sightings" && e.error.contains("boom")), "{:?}", view.source_errors);
    let json: serde_json::Value = serde_json::from_str(&r.json).expect("JSON attachment");
    assert_eq!(json["schema"], "drawbridge-report/2");
    assert_eq!(view.recipients, vec!["analyst@mssp.example.net".to_string()]);
}

#[tokio::test]
async fn viewing_writes_nothing_and_the_draft_is_stored_once() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.view(id).await.expect("view");
    assert_eq!(view.state, ReviewState::Draft);
    reviewer.view(id).await.expect("again");
    assert!(store.report_row(id).await.expect("row").is_none(), "a view stores no draft");
    assert!(store.audit_log(None).await.expect("audit").is_empty(), "a view writes no audit entry");
    let row = reviewer.refresh_draft(id).await.expect("draft stored");
    assert_eq!(row.digest, view.rendered.digest, "the stored draft is the one the view showed");
    assert_eq!(store.audit_log(Some(id)).await.expect("audit").len(), 1);
    reviewer.refresh_draft(id).await.expect("again");
    reviewer.view(id).await.expect("view");
    assert_eq!(store.audit_log(Some(id)).await.expect("audit").len(), 1, "an unchanged draft is not stored twice");
}

#[tokio::test]
async fn redaction_and_summary_edits_show_in_the_diff_and_the_audit_log() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.view(id).await.expect("view");
    let os_fact = view.report.indicators[0].findings.iter().flat_map(|f| &f.facts).find(|f| f.label == "operating_system").expect("os").id.clone();
    let view = reviewer.redact(id, &os_fact, "alice").await.expect("redact");
    assert!(!view.rendered.text.contains("Windows 11 Enterprise"));
    assert!(view.diff.iter().any(|l| matches!(l, drawbridge_engine::review::diff::Line::Removed(t) if t.contains("Windows 11 Enterprise"))), "{:?}", view.diff);
    let view = reviewer
        .reveal(id, &view.report.indicators[0].findings.iter().flat_map(|f| &f.facts).find(|f| f.label == "managed_by.name").expect("name").id.clone(), "alice")
        .await
        .expect("reveal");
    assert!(view.rendered.text.contains("Jane Doe"), "the analyst may share what the policy withholds");
    let view = reviewer.edit_summary(id, "Owner found; no firewall block needed.", "alice").await.expect("edit");
    assert!(view.rendered.text.contains("\nSummary\n- Owner found; no firewall block needed.\n"), "{}", view.rendered.text);
    assert!(reviewer.redact(id, "no-such-fact", "alice").await.is_err());
    // A whole section: every value of the directory's finding for the host.
    let view = reviewer.redact(id, "hostname:WKS-FIN-042|host_computer", "alice").await.expect("redact section");
    let ad = view.report.indicators[0].findings.iter().find(|f| f.step == "host_computer").expect("finding");
    assert!(ad.facts.iter().all(|f| f.disclosure == Disclosure::Withheld), "{:?}", ad.facts);
    assert!(!view.rendered.text.contains("Accountant") && !view.rendered.json.contains("Accountant"));
    let view = reviewer.reset(id, "hostname:WKS-FIN-042|host_computer", "alice").await.expect("reset section");
    let ad = view.report.indicators[0].findings.iter().find(|f| f.step == "host_computer").expect("finding");
    assert_eq!(ad.facts.iter().find(|f| f.label == "managed_by.title").map(|f| f.value.as_str()), Some("Accountant"), "back to the policy");
    let log = store.audit_log(Some(id)).await.expect("audit");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["draft", "redact", "reveal", "edit_summary", "redact", "reset"]);
    assert!(log.iter().skip(1).all(|e| e.actor == "alice" && e.before_digest != e.after_digest));
}

#[tokio::test]
async fn an_edit_after_approval_withdraws_the_reply_until_approved_again() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("approve");
    assert_eq!(view.state, ReviewState::Queued);
    assert_eq!(view.outbox.len(), 1);
    assert_eq!(view.outbox[0].digest, view.rendered.digest, "the queued reply is what was approved");
    let fact = view.report.indicators[0].findings.iter().flat_map(|f| &f.facts).find(|f| f.label == "operating_system").expect("os").id.clone();
    let view = reviewer.redact(id, &fact, "bob").await.expect("edit after approval");
    assert_eq!(view.state, ReviewState::Draft, "back to draft");
    assert!(view.approvals.is_empty());
    assert_eq!(view.outbox[0].state, "cancelled", "the approved reply is withdrawn");
    // Nothing is due: the SMTP server below does not exist, and no attempt is made.
    let smtp: drawbridge_engine::outbound::smtp::SmtpConfig = toml::from_str("host = \"127.0.0.1\"\nport = 9").expect("smtp");
    let pass =
        drawbridge_engine::outbound::outbox::send_due(&store, &drawbridge_engine::outbound::outbox::Transport::Smtp(smtp.clone()), &Default::default(), None)
            .await
            .expect("pass");
    assert_eq!(pass.sent + pass.deferred, 0);
    let view = reviewer.approve(id, "bob", &shown(&reviewer, id).await).await.expect("approve again");
    assert_eq!(view.state, ReviewState::Queued);
    assert_eq!(view.outbox.iter().filter(|o| o.state == "queued").count(), 1);
    assert!(matches!(reviewer.approve(id, "carol", &shown(&reviewer, id).await).await, Err(ReviewError::Refused(_))), "already queued");
}

#[tokio::test]
async fn containment_needs_two_different_approvers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let id = request(
        &store,
        "Please isolate WKS-FIN-042 immediately",
        "Please isolate host WKS-FIN-042 and block 203.0.113.7 now, it is compromised (containment).",
    )
    .await;
    store.correct_type(id, "containment", "test", None).await.expect("type");
    ran(&store, &config, id).await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("first approval");
    assert_eq!((view.state, view.approvals.len(), view.approvals_required), (ReviewState::Draft, 1, 2));
    assert!(view.outbox.is_empty(), "one approval sends nothing");
    assert!(matches!(reviewer.approve(id, "Alice", &shown(&reviewer, id).await).await, Err(ReviewError::Refused(m)) if m.contains("different person")));
    // The same person in another spelling is still the same person.
    for alias in ["CORP\\alice", "alice@corp.example"] {
        assert!(
            matches!(reviewer.approve(id, alias, &shown(&reviewer, id).await).await, Err(ReviewError::Refused(m)) if m.contains("different person")),
            "{alias}"
        );
    }
    // Bob opened the report, then someone edited it: his stale screen approves nothing.
    let bobs_screen = shown(&reviewer, id).await;
    reviewer.edit_summary(id, "Host isolated on our side; see findings.", "carol").await.expect("edit");
    let stale = reviewer.approve(id, "bob", &bobs_screen).await;
    assert!(matches!(&stale, Err(ReviewError::Refused(m)) if m.contains("changed since it was shown")), "{stale:?}");
    assert!(matches!(reviewer.approve(id, "bob", "").await, Err(ReviewError::Refused(_))), "no digest, no approval");
    // The edit also voided Alice's approval: two fresh ones are needed.
    let view = reviewer.approve(id, "bob", &shown(&reviewer, id).await).await.expect("approval of what bob now sees");
    assert_eq!((view.state, view.approvals.len()), (ReviewState::Draft, 1));
    let view = reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("second approval");
    assert_eq!(view.state, ReviewState::Queued);
}

#[tokio::test]
async fn rejection_needs_a_reason_and_can_reply_briefly() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    assert!(reviewer.reject(id, "  ", "alice", false).await.is_err());
    let view = reviewer.reject(id, "outside our contract", "alice", true).await.expect("reject");
    assert_eq!(view.state, ReviewState::Rejected);
    assert_eq!(view.reject_reason.as_deref(), Some("outside our contract"));
    assert_eq!(view.outbox.len(), 1);
    assert_eq!(view.outbox[0].kind, "refusal");
    let text = String::from_utf8_lossy(&view.outbox[0].message);
    assert!(text.contains("unable to answer") && !text.contains("WKS-FIN-042\r\n    "), "the refusal carries no findings");
}

#[tokio::test]
async fn the_audit_chain_detects_tampering() {
    let (dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    reviewer.edit_summary(id, "first", "alice").await.expect("edit");
    reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("approve");
    let verdict = audit::verify(&store.audit_log(None).await.expect("log"), None);
    assert_eq!((verdict.entries, verdict.broken_at.clone()), (3, None));

    // The log refuses changes through SQL…
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("db.sqlite").display())).await.expect("pool");
    let err = sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").execute(&pool).await.expect_err("append-only");
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(sqlx::query("DELETE FROM audit_log WHERE id = 2").execute(&pool).await.is_err());
    // …and when someone goes around the triggers, verification names the entry.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.expect("drop");
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").execute(&pool).await.expect("tamper");
    let verdict = audit::verify(&store.audit_log(None).await.expect("log"), None);
    assert_eq!(verdict.broken_at.map(|b| b.0), Some(2));
}

#[test]
fn reply_headers_cannot_be_injected() {
    let rendered = drawbridge_engine::report::Rendered {
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        json: "{}".into(),
        stix: None,
        digest: "d".into(),
    };
    let reply = |to: Vec<String>, subject: &'static str, in_reply_to: &'static str| {
        let to: &'static [String] = Box::leak(to.into_boxed_slice());
        message::build(&Reply {
            from: "Corp SOC <soc@corp.example>",
            to,
            original_subject: Some(subject),
            in_reply_to: Some(in_reply_to),
            references: &[],
            body: Body::Report { rendered: Box::leak(Box::new(rendered.clone())), reference: "DB-1" },
            id_domain: "corp.example",
        })
    };
    assert!(reply(vec!["x@y.test\r\nBcc: attacker@evil.test".into()], "s", "<a@b>").is_err(), "an address with CRLF is refused");
    assert!(reply(vec!["x@y.test, attacker@evil.test".into()], "s", "<a@b>").is_err(), "one address per recipient");
    let (bytes, _, _, rcpt) =
        reply(vec!["analyst@mssp.example.net".into()], "Hi\r\nBcc: attacker@evil.test", "<a@b>\r\nBcc: attacker@evil.test").expect("built");
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.lines().any(|l| l.to_ascii_lowercase().starts_with("bcc:")), "{text}");
    assert_eq!(rcpt, vec!["analyst@mssp.example.net".to_string()]);
    assert!(!text.contains("In-Reply-To"), "an invalid Message-ID is dropped, not copied");
}

#[tokio::test]
async fn the_receipt_is_off_by_default_and_sent_once_when_on() {
    let (_dir, store, mut config, id) = setup("Who owns WKS-FIN-042?").await;
    assert!(!Reviewer::new(&store, &deployment(&config)).acknowledge(id).await.expect("ack"), "off by default");
    config.outbound.as_mut().expect("outbound").acknowledge = true;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    assert!(reviewer.acknowledge(id).await.expect("ack"));
    assert!(!reviewer.acknowledge(id).await.expect("ack"), "once");
    let outbox = store.outbox(Some(id)).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    let text = String::from_utf8_lossy(&outbox[0].message).to_string();
    assert!(text.contains(&format!("DB-{id}")) && text.contains("under review") && !text.contains("WKS-FIN-042\r\n"), "{text}");
    assert!(text.contains("In-Reply-To:"), "threaded");
}

#[test]
fn the_committed_report_schema_is_the_one_the_engine_writes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json");
    let committed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("docs/report.schema.json")).expect("JSON");
    assert_eq!(committed, drawbridge_engine::report::schema(), "regenerate with: drawbridge report schema > docs/report.schema.json");
}

#[tokio::test]
async fn nothing_is_approved_before_the_findings_are_in_and_an_untouched_draft_follows_its_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let id = request(&store, "Who owns WKS-FIN-042?", "Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let early = reviewer.view(id).await.expect("a draft before the run");
    assert!(matches!(reviewer.approve(id, "alice", &shown(&reviewer, id).await).await, Err(ReviewError::Refused(m)) if m.contains("has not finished")));
    ran(&store, &config, id).await;
    let later = reviewer.view(id).await.expect("view");
    assert_ne!(early.rendered.digest, later.rendered.digest);
    assert_eq!(later.generated_text, later.rendered.text, "the untouched draft became the generated one");
    assert!(later.diff.iter().all(|l| matches!(l, drawbridge_engine::review::diff::Line::Same(_))));
}

#[tokio::test]
async fn a_stix_bundle_of_sightings_is_attached_when_asked_for() {
    let (_dir, store, mut config, id) = setup("Who owns WKS-FIN-042?").await;
    assert!(Reviewer::new(&store, &deployment(&config)).view(id).await.expect("view").rendered.stix.is_none(), "off by default");
    config.report.stix_organisation = Some("Corp Example Ltd".into());
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.view(id).await.expect("view");
    let bundle: serde_json::Value = serde_json::from_str(view.rendered.stix.as_deref().expect("bundle")).expect("JSON");
    assert_eq!(bundle["type"], "bundle");
    let objects = bundle["objects"].as_array().expect("objects");
    let indicator = objects.iter().find(|o| o["type"] == "indicator").expect("indicator");
    assert_eq!(indicator["pattern"], "[ipv4-addr:value = '203.0.113.7']");
    let sighting = objects.iter().find(|o| o["type"] == "sighting").expect("sighting");
    assert_eq!(sighting["sighting_of_ref"], indicator["id"]);
    assert_eq!(sighting["count"], 3);
    assert_eq!(sighting["first_seen"], "2026-11-19T02:00:00.000Z");
    assert!(objects.iter().all(|o| o["spec_version"] == "2.1" || o["type"] == "bundle"));
    let view = reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("approve");
    let mail = String::from_utf8_lossy(&view.outbox[0].message).to_string();
    assert!(mail.contains(&format!("DB-{id}.stix.json")), "second attachment");
}

#[tokio::test]
async fn a_rejection_and_a_concurrent_approval_cannot_both_win() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let first = deployment(&config);
    let reviewer = Reviewer::new(&store, &first);
    // A change made against a revision that is no longer current is refused by the store.
    let stale = reviewer.refresh_draft(id).await.expect("draft stored");
    reviewer.reject(id, "out of scope", "alice", false).await.expect("reject");
    let approved = drawbridge_engine::store::ReportRow { state: ReviewState::Approved, ..stale.clone() };
    let audit = drawbridge_engine::store::NewAudit {
        actor: "bob".into(),
        action: "approve".into(),
        request_id: Some(id),
        before_digest: Some(stale.digest.clone()),
        after_digest: Some(stale.digest.clone()),
        detail: serde_json::json!({}),
    };
    let late = store.save_report(&approved, Some(&stale.digest), &audit, None, false).await;
    assert!(matches!(late, Err(drawbridge_engine::store::StoreError::Conflict(_))), "{late:?}");
    assert_eq!(reviewer.view(id).await.expect("view").state, ReviewState::Rejected, "the rejection stands");

    // Racing through the reviewer: exactly one of them takes effect.
    let (_dir2, store2, config2, id2) = setup("Who owns WKS-FIN-042?").await;
    let deployment2 = deployment(&config2);
    let reviewer2 = Reviewer::new(&store2, &deployment2);
    let digest = shown(&reviewer2, id2).await;
    let (approve, reject) = tokio::join!(reviewer2.approve(id2, "bob", &digest), reviewer2.reject(id2, "duplicate", "carol", false));
    assert_eq!(usize::from(approve.is_ok()) + usize::from(reject.is_ok()), 1, "approve {approve:?}, reject {reject:?}");
    let log = store2.audit_log(Some(id2)).await.expect("audit");
    let decisions = log.iter().filter(|e| e.action == "approve" || e.action == "reject").count();
    assert_eq!(decisions, 1, "one decision in the audit log");
}

/// What one MSSP asked is never told to another, and a colleague is not named.
#[tokio::test]
async fn earlier_questions_are_reported_only_to_the_same_mssp_and_name_only_the_requester() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let senders: Config =
        toml::from_str("[senders]\nallowed_domains = [\"mssp.example.net\", \"other-mssp.example\"]\ntrusted_authserv_ids = [\"mx1.corp.example\"]\n")
            .expect("config");
    let ingestor = Ingestor::new(&senders, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let from = |n: u32, sender: &str| {
        let domain = sender.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        format!(
            "From: {sender}\r\nTo: mssp-requests@corp.example\r\nSubject: Seen 203.0.113.7?\r\nMessage-ID: <x-{n}@{domain}>\r\n\
             Authentication-Results: mx1.corp.example; dmarc=pass header.from={domain}\r\n\r\nDid 203.0.113.7 reach you in November 2026?\r\n"
        )
    };
    let mut ids = Vec::new();
    for (n, sender) in [(1, "eve@other-mssp.example"), (2, "colleague@mssp.example.net"), (3, "analyst@mssp.example.net")] {
        let raw = from(n, sender);
        let id = ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: format!("m{n}"), cursor: None }).await.expect("ingest").request_id;
        ran(&store, &config, id).await;
        ids.push(id);
    }
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let report = reviewer.view(ids[2]).await.expect("view").report;
    let refs: Vec<&str> = report.asked_before.iter().map(|p| p.reference.as_str()).collect();
    assert_eq!(report.asked_before.len(), 1, "only the same MSSP's earlier question: {refs:?}");
    assert!(report.asked_before[0].sender.is_none(), "a colleague is not named: {:?}", report.asked_before[0]);
    let text = reviewer.view(ids[2]).await.expect("view").rendered.text;
    assert!(!text.contains("other-mssp") && !text.contains("eve@") && !text.contains("colleague@"), "{text}");
}

/// Correcting the type to one that needs two approvers re-opens a reply one
/// person approved: the queued message is withdrawn, and both the correction
/// and the re-opening are in the audit chain.
#[tokio::test]
async fn a_type_correction_that_needs_more_approvals_reopens_the_approved_reply() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("approve");
    assert_eq!((view.state, view.approvals_required), (ReviewState::Queued, 1));
    reviewer.correct_label(id, "request_type", "containment", "bob", Some("they asked us to isolate")).await.expect("correct");
    let view = reviewer.view(id).await.expect("view");
    assert_eq!((view.state, view.approvals_required), (ReviewState::Draft, 2), "back to review");
    assert!(view.outbox.iter().all(|o| o.state == "cancelled"), "the queued reply is withdrawn: {:?}", view.outbox);
    let audit = store.audit_log(Some(id)).await.expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.ends_with(&["correct_label", "reopen_approval"]), "{actions:?}");
    // Two different people must now approve what they see.
    reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("first");
    let view = reviewer.approve(id, "carol", &shown(&reviewer, id).await).await.expect("second");
    assert_eq!(view.state, ReviewState::Queued);
    // A correction that needs no more approvals leaves the queued reply alone.
    reviewer.correct_label(id, "priority", "P1", "bob", None).await.expect("priority");
    assert_eq!(reviewer.view(id).await.expect("view").state, ReviewState::Queued);
}

/// The bytes queued at approval are hashed into the approval's audit entry;
/// the sender hashes them again and refuses a message changed since.
#[tokio::test]
async fn a_queued_message_changed_after_approval_is_never_sent() {
    let (dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let view = reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("approve");
    let queued = &view.outbox[0];
    let approved_sha = drawbridge_engine::store::message_sha256(&queued.message);
    assert_eq!(queued.message_sha256.as_deref(), Some(approved_sha.as_str()));
    let audit = store.audit_log(Some(id)).await.expect("audit");
    let approval = audit.iter().rev().find(|e| e.action == "approve").expect("approval entry");
    assert!(approval.detail.contains(&approved_sha), "the approval names the bytes' hash: {}", approval.detail);

    // Someone with database access swaps a recipient-visible word.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("db.sqlite").display())).await.expect("pool");
    sqlx::query("UPDATE outbox SET message = CAST(REPLACE(CAST(message AS TEXT), 'WKS-FIN-042', 'WKS-FIN-043') AS BLOB) WHERE id = ?")
        .bind(queued.id)
        .execute(&pool)
        .await
        .expect("tamper");
    // No SMTP server exists at this address: the check comes before any attempt.
    let smtp: drawbridge_engine::outbound::smtp::SmtpConfig = toml::from_str("host = \"127.0.0.1\"\nport = 9").expect("smtp");
    let pass =
        drawbridge_engine::outbound::outbox::send_due(&store, &drawbridge_engine::outbound::outbox::Transport::Smtp(smtp.clone()), &Default::default(), None)
            .await
            .expect("pass");
    assert_eq!((pass.sent, pass.deferred, pass.refused), (0, 0, 1));
    let item = store.outbox(Some(id)).await.expect("outbox").into_iter().find(|o| o.id == queued.id).expect("item");
    assert_eq!(item.state, "cancelled");
    assert!(item.last_error.as_deref().is_some_and(|e| e.contains("not the approved ones")), "{item:?}");
    assert!(store.audit_log(Some(id)).await.expect("audit").iter().any(|e| e.action == "send_refused"));
}

/// With an audit key, every entry carries a MAC: a chain rewritten by someone
/// who can write the database (triggers dropped, hashes recomputed) but does
/// not hold the key is caught, which the hash chain alone cannot do.
#[tokio::test]
async fn a_rewritten_chain_is_caught_by_the_keyed_mac() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let key = b"a-long-random-audit-key-kept-in-the-keyring";
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store").with_audit_key(Some(key));
    let id = request(&store, "Who owns WKS-FIN-042?", "Who owns WKS-FIN-042?").await;
    ran(&store, &config, id).await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    reviewer.edit_summary(id, "first", "alice").await.expect("edit");
    reviewer.approve(id, "alice", &shown(&reviewer, id).await).await.expect("approve");
    let log = store.audit_log(None).await.expect("log");
    let verdict = audit::verify(&log, Some(key));
    assert_eq!((verdict.broken_at.clone(), verdict.mac_checked, verdict.without_mac), (None, log.len(), 0));
    assert!(audit::verify(&log, Some(b"another key")).broken_at.is_some(), "the wrong key does not verify");

    // Rewrite entry 2's actor and recompute every hash from there on, as an
    // attacker with database access but without the key would.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("db.sqlite").display())).await.expect("pool");
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.expect("drop");
    let mut prev = log[0].hash.clone();
    for e in &log[1..] {
        let actor = if e.id == log[1].id { "mallory" } else { e.actor.as_str() };
        let hash = drawbridge_engine::store::audit_hash(
            &prev,
            &e.at,
            actor,
            &e.action,
            e.request_id,
            e.before_digest.as_deref(),
            e.after_digest.as_deref(),
            &e.detail,
        );
        sqlx::query("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?")
            .bind(actor)
            .bind(&prev)
            .bind(&hash)
            .bind(e.id)
            .execute(&pool)
            .await
            .expect("rewrite");
        prev = hash;
    }
    let rewritten = store.audit_log(None).await.expect("log");
    assert_eq!(audit::verify(&rewritten, None).broken_at, None, "the hash chain alone cannot tell");
    let verdict = audit::verify(&rewritten, Some(key));
    assert_eq!(verdict.broken_at.map(|b| b.0), Some(log[1].id), "the MAC can");
}

#[tokio::test]
async fn a_rerun_is_a_new_run_audited_with_who_asked() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let first = store.latest_run(id).await.expect("run").expect("a first run").id;
    assert!(matches!(reviewer.rerun(id, None, "  ").await, Err(ReviewError::Refused(_))), "nobody asked");
    reviewer.rerun(id, None, "alice").await.expect("rerun");
    let second = store.latest_run(id).await.expect("run").expect("a second run");
    assert!(second.id > first, "a new run, not the old one resumed");
    assert!(!second.steps.is_empty());
    let log = store.audit_log(Some(id)).await.expect("audit");
    let entry = log.iter().find(|e| e.action == "rerun_playbook").expect("audited");
    assert_eq!(entry.actor, "alice");
    assert!(entry.detail.contains(&format!("\"previous_run\":{first}")) && entry.detail.contains(&format!("\"run\":{}", second.id)), "{}", entry.detail);
}

#[tokio::test]
async fn a_step_reruns_alone_and_the_other_results_are_kept() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let first = store.latest_run(id).await.expect("run").expect("a first run");
    let of = |run: &drawbridge_engine::store::PlaybookRun, step: &str| {
        let mut r: Vec<(String, String)> = run.steps.iter().filter(|r| r.step == step).map(|r| (r.item.clone(), r.finished_at.clone())).collect();
        r.sort();
        r
    };
    assert!(!of(&first, "host_computer").is_empty() && !of(&first, "firewall_sessions").is_empty(), "{:?}", first.steps);
    assert!(
        matches!(reviewer.rerun(id, Some("no_such_step"), "alice").await, Err(ReviewError::Refused(m)) if m.contains("no_such_step")),
        "a step the playbook does not have"
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    reviewer.rerun(id, Some("host_computer"), "alice").await.expect("one step again");
    let second = store.latest_run(id).await.expect("run").expect("a second run");
    assert!(second.id > first.id, "a new run");
    assert_eq!(of(&second, "firewall_sessions"), of(&first, "firewall_sessions"), "another step's results are the old ones, not asked again");
    let (before, after) = (of(&first, "host_computer"), of(&second, "host_computer"));
    assert_eq!(before.iter().map(|r| &r.0).collect::<Vec<_>>(), after.iter().map(|r| &r.0).collect::<Vec<_>>(), "the same items");
    assert!(before.iter().zip(&after).all(|(b, a)| a.1 > b.1), "asked again: {before:?} then {after:?}");
    let entry = store.audit_log(Some(id)).await.expect("audit").into_iter().rfind(|e| e.action == "rerun_playbook").expect("audited");
    assert!(entry.detail.contains("\"step\":\"host_computer\""), "{}", entry.detail);
}

#[tokio::test]
async fn a_finished_run_without_a_stored_draft_awaits_one_until_it_is_stored() {
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    assert_eq!(store.requests_awaiting_draft(10).await.expect("list"), vec![id], "the run finished, no draft stored yet");
    let deployment = deployment(&config);
    Reviewer::new(&store, &deployment).refresh_draft(id).await.expect("draft");
    assert!(store.requests_awaiting_draft(10).await.expect("list").is_empty());
}

#[tokio::test]
async fn the_analyst_adds_removes_corrects_and_withholds_indicators_each_audited() {
    use drawbridge_engine::indicators::Kind;
    use drawbridge_engine::review::IndicatorEdit;
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let on_request = |store: Store| async move {
        let d = store.request(id).await.expect("request");
        (d.indicators.iter().map(|i| format!("{}:{}", i.kind, i.value)).collect::<Vec<_>>(), d.summary.indicator_count)
    };
    let (before, count) = on_request(store.clone()).await;
    assert!(before.contains(&"hostname:WKS-FIN-042".to_string()) && before.contains(&"ipv4:203.0.113.7".to_string()), "{before:?}");
    assert_eq!(count as usize, before.len());

    // "Do not disclose": the findings leave the reply, the indicator stays.
    let shown_before = reviewer.view(id).await.expect("view").rendered.text;
    assert!(shown_before.contains("Windows 11"), "the directory's answer is in the draft:\n{shown_before}");
    let host = || IndicatorEdit::Withhold { kind: Kind::Hostname, value: "WKS-FIN-042".into(), withheld: true };
    assert!(matches!(reviewer.change_indicator(id, &host(), " ").await, Err(ReviewError::Refused(_))), "nobody asked");
    reviewer.approve(id, "bob", &shown(&reviewer, id).await).await.expect("approved before the change");
    let view = reviewer.change_indicator(id, &host(), "alice").await.expect("withhold");
    assert_eq!(view.state, ReviewState::Draft, "the approval lapses: what will be sent changed");
    let text = &view.rendered.text;
    assert!(text.contains("WKS-FIN-042: not disclosed."), "{text}");
    assert!(!text.contains("Windows 11") && !text.contains("Finance"), "nothing about it leaves:\n{text}");
    let section = view.report.indicators.iter().find(|i| i.value == "WKS-FIN-042").expect("still listed");
    assert!(section.withheld && section.findings.is_empty());
    let d = store.request(id).await.expect("request");
    assert_eq!(d.indicators.iter().find(|i| i.value == "WKS-FIN-042").and_then(|i| i.withheld_by.clone()).as_deref(), Some("alice"));
    let again = IndicatorEdit::Withhold { kind: Kind::Hostname, value: "WKS-FIN-042".into(), withheld: false };
    let view = reviewer.change_indicator(id, &again, "alice").await.expect("disclose again");
    assert!(view.rendered.text.contains("Windows 11"), "the mark lifted, the findings are back");

    // Typed values are recognised as extraction reads them, defanged too.
    for bad in ["hello there", "198.51.100.4 and 198.51.100.9", ""] {
        let refused = reviewer.change_indicator(id, &IndicatorEdit::Add { value: bad.into() }, "alice").await;
        assert!(matches!(refused, Err(ReviewError::Refused(_))), "{bad:?} is refused");
    }
    let first_run = store.latest_run(id).await.expect("run").expect("run").id;
    reviewer.change_indicator(id, &IndicatorEdit::Add { value: "198.51.100[.]4".into() }, "alice").await.expect("add");
    let d = store.request(id).await.expect("request");
    let added = d.indicators.iter().find(|i| i.value == "198.51.100.4").expect("added, refanged");
    assert_eq!((added.kind, added.source.as_str()), (Kind::Ipv4, "analyst"));
    assert!(store.latest_run(id).await.expect("run").expect("run").id > first_run, "the playbook runs again for the new indicator");

    let fix = IndicatorEdit::Replace { kind: Kind::Ipv4, value: "198.51.100.4".into(), with: "198.51.100.5".into() };
    reviewer.change_indicator(id, &fix, "alice").await.expect("correct");
    reviewer.change_indicator(id, &IndicatorEdit::Remove { kind: Kind::Ipv4, value: "203.0.113.7".into() }, "alice").await.expect("remove");
    let (after, count) = on_request(store.clone()).await;
    assert!(after.contains(&"ipv4:198.51.100.5".to_string()), "{after:?}");
    assert!(!after.contains(&"ipv4:198.51.100.4".to_string()) && !after.contains(&"ipv4:203.0.113.7".to_string()), "{after:?}");
    assert_eq!(count as usize, after.len(), "the queue's count follows");
    // Removing it again changes nothing and is not audited twice.
    reviewer.change_indicator(id, &IndicatorEdit::Remove { kind: Kind::Ipv4, value: "203.0.113.7".into() }, "alice").await.expect("no-op");
    // Bringing a removed one back restores it.
    reviewer.change_indicator(id, &IndicatorEdit::Add { value: "203.0.113.7".into() }, "alice").await.expect("back");
    assert!(on_request(store.clone()).await.0.contains(&"ipv4:203.0.113.7".to_string()));

    let log = store.audit_log(Some(id)).await.expect("audit");
    let actions: Vec<(&str, &str)> = log.iter().filter(|e| e.action.starts_with("indicator_")).map(|e| (e.action.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        actions,
        [
            ("indicator_withheld", "alice"),
            ("indicator_disclosed", "alice"),
            ("indicator_added", "alice"),
            ("indicator_corrected", "alice"),
            ("indicator_removed", "alice"),
            ("indicator_removed", "alice"),
            ("indicator_added", "alice"),
        ]
    );
    let corrected = log.iter().find(|e| e.action == "indicator_corrected").expect("corrected");
    assert!(corrected.detail.contains("\"was\":\"ipv4:198.51.100.4\"") && corrected.detail.contains("198.51.100.5"), "{}", corrected.detail);
    assert_eq!(audit::verify(&store.audit_log(None).await.expect("log"), None).broken_at, None, "the chain holds");
}

#[tokio::test]
async fn a_draft_that_starts_waiting_is_news_once() {
    use drawbridge_engine::review::attention::{Attention, News, notice};
    let (_dir, store, config, first) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    reviewer.refresh_draft(first).await.expect("draft");
    let mut attention = Attention::new();
    assert!(matches!(attention.look(&store).await.expect("look"), Some(News::Backlog(1))), "the backlog at start, as a count");
    assert!(attention.look(&store).await.expect("look").is_none(), "nothing new");
    let second = request(&store, "Is 198.51.100.23 yours?", "Please check 198.51.100.23.").await;
    assert!(attention.look(&store).await.expect("look").is_none(), "not drafted yet: nothing to review");
    ran(&store, &config, second).await;
    reviewer.refresh_draft(second).await.expect("draft");
    let Some(News::Arrived(new)) = attention.look(&store).await.expect("look") else { panic!("the new draft is news") };
    assert_eq!(new.iter().map(|r| r.id).collect::<Vec<_>>(), vec![second]);
    let (title, body) = notice(&new[0]);
    assert_eq!(title, format!("Request {second} needs review"));
    assert!(body.contains("Is 198.51.100.23 yours?") && body.contains("analyst@mssp.example.net"), "{body}");
}

#[tokio::test]
async fn a_policy_preview_shows_the_reply_under_that_policy_and_stores_nothing() {
    use drawbridge_engine::report::disclosure::{DisclosurePolicy, Rule};
    let (_dir, store, config, id) = setup("Who owns WKS-FIN-042?").await;
    let deployment = deployment(&config);
    let reviewer = Reviewer::new(&store, &deployment);
    let now = reviewer.view(id).await.expect("view").rendered.text;
    assert!(now.contains("Finance"), "departments are shared by default:\n{now}");
    let strict = DisclosurePolicy { department: Rule::Withhold, ..DisclosurePolicy::default() };
    let preview = reviewer.preview_policy(id, &strict).await.expect("preview");
    assert!(!preview.text.contains("Finance"), "withheld under the previewed policy:\n{}", preview.text);
    assert!(store.report_row(id).await.expect("row").is_none(), "a preview stores nothing");
    assert_eq!(reviewer.view(id).await.expect("view").rendered.text, now, "the policy in force is unchanged");
}
