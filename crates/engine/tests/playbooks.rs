//! Playbooks: the shipped ones are valid and cover every request type, the
//! committed JSON Schema is the one the engine derives, validation reports
//! each problem, and planning escapes what it puts into queries.

use drawbridge_engine::indicators::{Indicator, Kind};
use drawbridge_engine::playbook::{self, RequestContext, validate};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../playbooks")
}

fn indicator(kind: Kind, value: &str) -> Indicator {
    Indicator { kind, value: value.into(), defanged: false, occurrences: 1, source: "body".into() }
}

fn request(request_type: &str, indicators: Vec<Indicator>) -> RequestContext {
    RequestContext {
        id: Some(1),
        subject: "s".into(),
        sender: "analyst@mssp.example.net".into(),
        request_type: request_type.into(),
        labels: Default::default(),
        indicators,
        window: drawbridge_engine::playbook::window::window("", chrono::Utc::now()),
    }
}

#[test]
fn shipped_playbooks_are_valid_and_cover_every_request_type() {
    let playbooks = playbook::load_dir(&dir(), &playbook::validate::registry_for(&dir()).expect("connectors")).expect("every shipped playbook is valid");
    // Enrichment, phishing, containment and untyped requests ask the same
    // sources for the same indicators (issue 10: `default` asks at least
    // what `enrichment` asks); a lost device adds its hardware record.
    let expected = [
        ("enrichment", "enrichment"),
        ("phishing", "enrichment"),
        ("containment", "enrichment"),
        ("default", "enrichment"),
        ("device_lost", "device_lost"),
        ("informational", "informational"),
    ];
    assert_eq!(expected.len(), validate::REQUEST_TYPES.len());
    for (t, name) in expected {
        let chosen = playbook::select(&playbooks, t, &[]).unwrap_or_else(|| panic!("a playbook for {t}"));
        assert_eq!(chosen.name, name, "the playbook for {t}");
    }
    assert_eq!(playbook::select(&playbooks, "something-new", &[]).map(|p| p.name.as_str()), Some("enrichment"));
    // device_lost asks everything enrichment asks for hosts, addresses and people, and the SIEM's last seen.
    let by_name = |n: &str| playbooks.iter().find(|p| p.name == n).expect("playbook");
    let (enrichment, lost) = (by_name("enrichment"), by_name("device_lost"));
    // (Outside threat intel is not what a lost device needs.)
    for step in enrichment.steps.iter().filter(|s| s.id != "firewall_sessions" && !s.id.starts_with("intel_")) {
        let twin = lost.steps.iter().find(|s| s.id == step.id).unwrap_or_else(|| panic!("device_lost lacks {}", step.id));
        for kind in [Kind::Hostname, Kind::Ipv4, Kind::Mac, Kind::Account, Kind::Email] {
            let asks = |s: &playbook::definition::Step| s.for_each.as_ref().is_some_and(|f| f.kinds.contains(&kind));
            assert!(!asks(step) || asks(twin), "device_lost step {} does not cover {kind}", step.id);
        }
    }
}

#[test]
fn the_committed_schema_is_the_one_the_engine_derives() {
    let committed: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir().join("schema.json")).expect("playbooks/schema.json")).expect("JSON");
    assert_eq!(committed, playbook::schema(), "regenerate with: drawbridge playbook schema > playbooks/schema.json");
}

#[test]
fn validation_names_every_problem() {
    let text = r#"
name: broken
trigger:
  request_types: [enrichment, nonsense]
steps:
  - id: a
    action: active_directory.computer
    for_each: { kinds: [hostname] }
    input: { name: "{{ item.value }}" }
    needs: [b]
  - id: b
    action: active_directory.user
    for_each: { kinds: [account] }
    input: { identifier: "{{ item.valeu }}" }
    needs: [a]
  - id: c
    action: active_directory.teleport
report: [zzz]
"#;
    let err = validate::parse(text, "broken.yaml").expect_err("invalid").to_string();
    for expected in
        ["\"nonsense\" is not a request type", "cycle: ", "unknown action \"active_directory.teleport\"", "input \"identifier\" fails", "report names \"zzz\""]
    {
        assert!(err.contains(expected), "{expected:?} missing from:\n{err}");
    }
    let err = validate::parse("name: x\ntrigger: {request_types: [enrichment]}\nstep: []\n", "typo.yaml").expect_err("unknown key").to_string();
    assert!(err.contains("step"), "{err}");
}

#[test]
fn planning_renders_inputs_filters_by_kind_and_condition_and_escapes_queries() {
    let pb = playbook::load(&dir().join("enrichment.yaml")).expect("valid");
    let req = request(
        "enrichment",
        vec![
            indicator(Kind::Hostname, "WKS-FIN-042"),
            indicator(Kind::Account, "CORP\\j.doe"),
            indicator(Kind::Email, "ceo@phish.example.com"),
            indicator(Kind::Hostname, "*)(objectClass=*"),
            indicator(Kind::Ipv4, "203.0.113.7"),
        ],
    );
    let plan = playbook::plan(&pb, &req).expect("plan");
    let host_calls: Vec<_> = plan.calls.iter().filter(|c| c.step == "host_computer").collect();
    assert_eq!(host_calls.len(), 2, "one call per hostname");
    assert!(host_calls[1].query.contains("(cn=\\2a\\29\\28objectClass=\\2a)"), "escaped: {}", host_calls[1].query);
    let user_calls: Vec<_> = plan.calls.iter().filter(|c| c.step == "user").collect();
    assert_eq!(user_calls.len(), 2, "the account and the address, which may or may not be a directory user: {user_calls:?}");
    assert!(
        plan.calls.iter().filter(|c| c.connector == "active_directory" && !c.deferred).all(|c| c.item.as_deref() != Some("ipv4:203.0.113.7")),
        "no directory call for an IP until the inventory named its host"
    );
    let chained: Vec<&str> = plan.calls.iter().filter(|c| c.item.as_deref() == Some("ipv4:203.0.113.7") && c.deferred).map(|c| c.step.as_str()).collect();
    assert_eq!(chained, vec!["address_computer", "address_owner"], "IP → inventory → computer → owner");
    let siem = plan.calls.iter().find(|c| c.action == "siem.sighting" && c.item.as_deref() == Some("ipv4:203.0.113.7")).expect("SIEM call for the IP");
    assert!(siem.query.contains(r#"{"term":{"source.ip":"203.0.113.7"}}"#), "{}", siem.query);
}

#[test]
fn steps_can_depend_on_any_classifiers_label() {
    let text = r#"
name: by_priority
trigger:
  request_types: [enrichment]
steps:
  - id: urgent_sightings
    action: active_directory.computer
    for_each: { kinds: [hostname] }
    when: "request.labels.priority in ['P1', 'P2']"
    input: { name: "{{ item.value }}" }
"#;
    let pb = validate::parse(text, "by_priority.yaml").expect("a playbook may name request.labels.<classifier>");
    let host = Indicator { kind: Kind::Hostname, value: "WKS-FIN-042".into(), defanged: false, occurrences: 1, source: "body".into() };
    let labelled = |priority: &str| {
        let mut ctx = request("enrichment", vec![host.clone()]);
        ctx.labels.insert("priority".into(), priority.into());
        ctx
    };
    assert_eq!(playbook::plan(&pb, &labelled("P1")).expect("plan").calls.len(), 1);
    let p4 = playbook::plan(&pb, &labelled("P4")).expect("plan");
    assert!(p4.calls.is_empty() && p4.skipped.iter().any(|(step, _)| step == "urgent_sightings"), "{p4:?}");
}
