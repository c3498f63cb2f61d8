//! Assignment end to end: rules from the config hand new requests out at
//! ingest (the request records the rule), round robin takes turns across
//! requests, a rota names whoever is on call, reassigning is audited, and one
//! analyst's requests can be listed.

use drawbridge_engine::assign::Assigner;
use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};

fn email(n: u32, sender: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {sender}\r\nTo: mssp-requests@corp.example\r\nSubject: {subject}\r\nMessage-ID: <assign-{n}@mssp.example.net>\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn config(extra: &str) -> Config {
    let text = format!(
        "\
         [assignment]\ntimezone = \"Europe/Berlin\"\nanalysts = [\"alice\", \"bob\", \"carol\", \"dana\"]\nqueues = [\"triage-queue\"]\n\
         [assignment.teams]\nday = [\"alice\", \"bob\"]\n{extra}"
    );
    Config::from_toml(&text).expect("config")
}

async fn ingest(ingestor: &Ingestor, n: u32, subject: &str, body: &str) -> i64 {
    let origin = Origin { source: Source::File, reference: format!("m{n}"), cursor: None };
    ingestor.ingest(&email(n, "analyst@mssp.example.net", subject, body), &origin).await.expect("ingest").request_id
}

#[tokio::test]
async fn rules_assign_at_ingest_round_robin_takes_turns_and_reassigning_is_audited() {
    let store = Store::in_memory().await.expect("store");
    let rules = "[[assignment.rules]]\nname = \"urgent to carol\"\nlabels = { priority = [\"P1\"] }\nassign_to = { analyst = \"carol\" }\n\
                 [[assignment.rules]]\nname = \"enrichment in turn\"\nrequest_types = [\"enrichment\"]\nassign_to = { round_robin = \"day\" }\n\
                 [[assignment.rules]]\nname = \"everything else\"\nassign_to = { queue = \"triage-queue\" }\n";
    let config = config(rules);
    let ingestor = Ingestor::new(&config, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");

    let p1 = ingest(&ingestor, 1, "URGENT ransomware", "Ransomware is encrypting shares right now, isolate WKS-FIN-042 immediately.").await;
    let e1 = ingest(&ingestor, 2, "Owner?", "Could you tell us who owns WKS-FIN-042 and which department it belongs to?").await;
    let e2 = ingest(&ingestor, 3, "Owner?", "Could you tell us who owns WKS-HR-007 and which department it belongs to?").await;
    let e3 = ingest(&ingestor, 4, "Owner?", "Could you tell us who owns SRV-APP-01 and which department it belongs to?").await;
    let info = ingest(&ingestor, 5, "Monthly report", "Please find attached the monthly service report. No action is needed.").await;

    let who = |id: i64| {
        let store = store.clone();
        async move {
            let s = store.request(id).await.expect("request").summary;
            (s.assignee, s.assigned_by)
        }
    };
    assert_eq!(who(p1).await, (Some("carol".into()), Some("rule urgent to carol".into())));
    assert_eq!(who(e1).await.0.as_deref(), Some("alice"));
    assert_eq!(who(e2).await.0.as_deref(), Some("bob"), "round robin continues after the last assignee");
    assert_eq!(who(e3).await.0.as_deref(), Some("alice"));
    assert_eq!(who(info).await, (Some("triage-queue".into()), Some("rule everything else".into())));

    // Reassigning: one call, recorded with who and why, in the audit chain too.
    let assigner = Assigner::new(&config.assignment).expect("assigner");
    let a = assigner.reassign(&store, e1, "dana", "bob", Some("alice is on leave")).await.expect("reassign");
    assert_eq!((a.from_assignee.as_deref(), a.assignee.as_str(), a.rule.as_deref()), (Some("alice"), "dana", None));
    assert_eq!(who(e1).await, (Some("dana".into()), Some("reassigned by bob".into())));
    let history = store.assignments(e1).await.expect("history");
    assert_eq!(history.iter().map(|h| h.assignee.as_str()).collect::<Vec<_>>(), ["alice", "dana"]);
    let audit = store.audit_log(Some(e1)).await.expect("audit");
    assert!(audit.iter().any(|e| e.action == "assign" && e.actor == "bob" && e.detail.contains("on leave")), "{audit:?}");
    assert!(audit.iter().any(|e| e.action == "assign" && e.actor == "drawbridge"), "the rule's assignment is audited too");
    assert!(assigner.reassign(&store, e1, "mallory", "bob", None).await.is_err(), "only declared analysts and queues");

    // One analyst's requests.
    let mine: Vec<i64> = store.list_assigned("alice", 50).await.expect("list").into_iter().map(|s| s.id).collect();
    assert_eq!(mine, [e3]);
}

#[tokio::test]
async fn a_rota_names_whoever_is_on_call_when_the_request_arrives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rota = dir.path().join("oncall.ics");
    // Today is on call for dana, all day, every day (so the test holds whenever it runs).
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    std::fs::write(&rota, format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:dana\r\nDTSTART:{today}T000000Z\r\nDTEND:{today}T235959Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
        .expect("write rota");
    let rules = format!("[[assignment.rules]]\nname = \"on call\"\nassign_to = {{ rota = {:?} }}\n", rota.display().to_string());
    let store = Store::in_memory().await.expect("store");
    let ingestor = Ingestor::new(&config(&rules), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let id = ingest(&ingestor, 9, "Owner?", "Who owns WKS-FIN-042?").await;
    let s = store.request(id).await.expect("request").summary;
    assert_eq!((s.assignee.as_deref(), s.assigned_by.as_deref()), (Some("dana"), Some("rule on call")));
    assert_eq!(s.labels.get("request_type").map(String::as_str), Some("enrichment"));
    assert!(s.labels.contains_key("priority"), "{:?}", s.labels);
}

#[test]
fn an_assignment_config_naming_unknown_people_stops_the_ingestor_with_a_clear_error() {
    let config = config("[[assignment.rules]]\nname = \"x\"\nassign_to = { analyst = \"mallory\" }\n");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let store = rt.block_on(Store::in_memory()).expect("store");
    let err = Ingestor::new(&config, store, DnsSource::Fixed(Default::default())).expect_err("refused");
    assert!(err.to_string().contains("mallory"), "{err}");
}
