//! The Policies screen's engine side: each section comes with its schema and
//! the value in force; a save replaces one section (comments kept), is
//! refused when the file would not load, and is audited; the disclosure
//! policies are a list; the keyword rules are checked before they are
//! written, go beside the configuration file, and a reconfigured ingestor
//! (the watchers' shared rules) uses them for the next message.

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::review::Reviewer;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::settings::{ConfigFile, policies};
use drawbridge_engine::store::{Source, Store};
use serde_json::json;

async fn ingest(ingestor: &Ingestor, n: u32, body: &str) -> i64 {
    let raw = format!(
        "From: soc@mssp.example.net\r\nTo: soc@corp.example\r\nSubject: question {n}\r\nMessage-ID: <p{n}@mssp.example.net>\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n"
    );
    ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: format!("p{n}"), cursor: None }).await.expect("ingest").request_id
}

#[tokio::test]
async fn policies_are_shown_saved_checked_audited_and_taken_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("drawbridge.toml");
    std::fs::write(
        &path,
        "# the SOC's settings\n[senders]\nallowed_domains = [\"mssp.example.net\"] # our MSSP\ntrusted_authserv_ids = [\"mx1.corp.example\"]\n",
    )
    .expect("write");
    let file = ConfigFile::new(&path);
    let config = Config::load(Some(&path)).expect("config");
    let store = Store::in_memory().await.expect("store");

    let sections = policies::sections(&file, &config);
    let keys: Vec<&str> = sections.iter().map(|s| s.key).collect();
    assert_eq!(keys, ["senders", "disclosure", "triage", "review", "tasks", "assignment", "intel"]);
    let senders = &sections[0];
    assert!(senders.in_file && !sections[3].in_file);
    assert_eq!(senders.value["require_dmarc"], true, "defaults are filled in");
    assert!(senders.schema["properties"]["require_dmarc"]["description"].as_str().is_some_and(|d| d.contains("DMARC")), "the schema carries the help");
    assert!(sections[1].list && sections[1].schema["properties"]["person_name"].is_object(), "one disclosure policy's schema");
    assert_eq!(sections[4].value["link_window_days"], 90);

    // A value of the wrong type is refused and nothing is written.
    let before = std::fs::read_to_string(&path).expect("read");
    let refused = policies::save(&file, &store, "senders", &json!({ "require_dmarc": "yes" }), "admin").await;
    assert!(refused.is_err());
    assert!(policies::save(&file, &store, "connectors", &json!({}), "admin").await.is_err(), "not a policy section");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);

    let saved = policies::save(&file, &store, "review", &json!({ "four_eyes": ["containment", "device_lost"] }), "admin").await.expect("review");
    assert_eq!(saved.review.four_eyes, ["containment", "device_lost"]);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("# the SOC's settings") && text.contains("# our MSSP"), "comments kept:\n{text}");

    // Disclosure: a list of policies, one per MSSP; an empty list removes them.
    let mut strict = policies::default_disclosure();
    strict["domains"] = json!(["strict-mssp.example"]);
    strict["department"] = json!("withhold");
    let saved = policies::save(&file, &store, "disclosure", &json!([strict, policies::default_disclosure()]), "admin").await.expect("disclosure");
    assert_eq!(saved.disclosure.len(), 2);
    assert!(std::fs::read_to_string(&path).expect("read").matches("[[disclosure]]").count() == 2);
    assert!(policies::save(&file, &store, "disclosure", &json!({ "domains": [] }), "admin").await.is_err(), "a list, not one table");

    // Threat intel: the verdict rules as the app edits them, checked on save.
    let intel = &sections[6];
    assert!(intel.value["verdict"].as_array().is_some_and(|r| !r.is_empty()), "the shipped rules are shown");
    assert!(intel.schema["properties"]["escalation"].is_object());
    let mut value = intel.value.clone();
    value["verdict"] = json!([{ "verdict": "malicious", "source": "virustotal", "field": "malicious", "at_least": 3 }]);
    value["internal_networks"] = json!(["81.2.69.0/24"]);
    let saved = policies::save(&file, &store, "intel", &value, "admin").await.expect("intel");
    assert_eq!(saved.intel.verdict.len(), 1);
    assert_eq!(saved.intel.verdict[0].at_least, Some(3.0));
    assert_eq!(saved.intel.internal_networks, ["81.2.69.0/24"]);
    value["verdict"] = json!([{ "verdict": "malicious", "source": "virustotal", "field": "malicious", "at_least": 3, "equals": "x" }]);
    assert!(policies::save(&file, &store, "intel", &value, "admin").await.is_err(), "a rule with both at_least and equals is refused");
    value["verdict"] = json!([]);
    value["escalation"]["tickets"] = json!("jria");
    let err = policies::save(&file, &store, "intel", &value, "admin").await.expect_err("a misspelt ticketing system is refused");
    assert!(err.to_string().contains("jria") && err.to_string().contains("jira") && err.to_string().contains("zendesk"), "the known ones are named: {err}");

    let log = store.audit_log(None).await.expect("audit");
    let saves: Vec<&str> = log.iter().filter(|e| e.action == "policy_saved").map(|e| e.actor.as_str()).collect();
    assert_eq!(saves, ["admin", "admin", "admin"], "each save audited, refusals not");

    // Keyword rules: checked, written beside the configuration file, named
    // by [triage] keywords, and used by the reconfigured intake at once.
    let ingestor = Ingestor::new(&saved, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let watcher = ingestor.clone();
    let first = ingest(&watcher, 1, "A purple elephant was seen at the office.").await;
    let typed = |store: Store, id: i64| async move { store.request(id).await.expect("request").summary.request_type };
    let before = typed(store.clone(), first).await.expect("typed");
    // The rule sends the phrase to a type the model did not pick.
    let target = if before == "containment" { "device_lost" } else { "containment" };
    let shown = policies::keyword_rules(&saved);
    assert!(shown.shipped && shown.text.contains("types"), "{}", shown.text);
    let bad = policies::save_keyword_rules(&file, &store, &saved, "types:\n  teleport: [\"beam me up\"]\n", "admin").await;
    assert!(bad.is_err(), "an unknown request type is refused");
    assert!(!dir.path().join("keywords.yaml").exists(), "nothing written");
    let rules = format!("types:\n  {target}: [\"purple elephant\"]\n");
    let saved = policies::save_keyword_rules(&file, &store, &saved, &rules, "admin").await.expect("rules");
    assert_eq!(saved.triage.keywords.as_deref(), Some(dir.path().join("keywords.yaml").as_path()));
    assert_eq!(std::fs::read_to_string(dir.path().join("keywords.yaml")).expect("rules file"), rules);
    let saved =
        policies::save(&file, &store, "triage", &json!({ "threshold": 1.0, "keywords": dir.path().join("keywords.yaml") }), "admin").await.expect("triage");
    assert!((saved.triage.threshold - 1.0).abs() < f32::EPSILON);
    ingestor.reconfigure(&saved).expect("reconfigure");
    let second = ingest(&watcher, 2, "A purple elephant was seen at the office.").await;
    assert_eq!(typed(store.clone(), second).await.as_deref(), Some(target), "the watcher's clone uses the new rules");
    assert!(store.audit_log(None).await.expect("audit").iter().any(|e| e.action == "keyword_rules_saved"));

    // The disclosure preview: the same request under another policy, nothing stored.
    let deployment = Deployment::new(saved.clone()).expect("deployment");
    let reviewer = Reviewer::new(&store, &deployment);
    let preview = reviewer.preview_policy(second, &serde_json::from_value(strict).expect("policy")).await.expect("preview");
    assert!(preview.text.contains(&format!("Our reference: DB-{second}")), "{}", preview.text);
    assert!(store.report_row(second).await.expect("row").is_none(), "a preview stores nothing");
}
