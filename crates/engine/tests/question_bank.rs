//! The question bank (`tests/eval/questions.yaml`): MSSP requests about the
//! lab company, each run end to end against the real lab servers (Samba AD
//! DC, PostgreSQL inventory, OpenSearch-API SIEM) through intake, the
//! playbook and the draft report, with every expected fact checked by its
//! vocabulary term. The disclosure policy shares everything, so only
//! completeness is measured. Prints the share of facts stated, every miss,
//! every wrong fact, and how long each enrichment took (a figure, never an
//! assertion: speed is shown by `cargo bench`).

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::playbook::Runner;
use drawbridge_engine::report::{Report, vocabulary};
use drawbridge_engine::review::Reviewer;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use drawbridge_lab::require as labs;
use drawbridge_testkit::configs;
use serde::Deserialize;
use std::time::{Duration, Instant};

/// The share of expected facts that must be stated (issue 10's target).
const FLOOR: f64 = 0.98;

#[derive(Deserialize)]
struct Question {
    id: String,
    #[serde(rename = "type")]
    request_type: String,
    subject: String,
    body: String,
    facts: Vec<String>,
}

enum Expect {
    /// Indicator, term, value (`*` any), count.
    Fact(String, String, String, Option<u64>),
    /// Indicator, step, status.
    Status(String, String, String),
}

fn parse(line: &str) -> Expect {
    if let Some((head, value)) = line.split_once(" = ") {
        let (indicator, term) = head.rsplit_once(' ').expect("`<indicator> <term> = <value>`");
        // `name (n)` is a counted value only for counted terms: an OS
        // version `10.0 (22631)` is a plain value.
        let counted = term.starts_with("sighting.") || term.starts_with("firewall.");
        let (value, count) = match value.strip_suffix(')').and_then(|v| v.rsplit_once(" ")) {
            Some((v, n)) if counted && n.strip_prefix('(').is_some_and(|n| n.parse::<u64>().is_ok()) => (v.to_string(), n[1..].parse().ok()),
            _ => (value.to_string(), None),
        };
        return Expect::Fact(indicator.into(), term.into(), value, count);
    }
    let (head, status) = line.rsplit_once(": ").expect("`<indicator> <step>: <status>`");
    let (indicator, step) = head.rsplit_once(' ').expect("indicator and step");
    Expect::Status(indicator.into(), step.into(), status.trim().into())
}

fn config(ca: &std::path::Path) -> Config {
    let mut config: Config = toml::from_str(
        r#"
[[disclosure]]
person_name = "share"
username = "share"
email = "share"
phone = "share"
department = "share"
title = "share"
location = "share"
description = "share"
directory_path = "share"
group = "share"
technical = "share"
activity = "share"
asked_internal = "share"
unasked_internal = "share"
"#,
    )
    .expect("config");
    let ad = configs::active_directory(ca);
    config.connectors =
        config.connectors.with("active_directory", &ad).with("siem", &configs::siem("http://127.0.0.1:9200")).with("asset_inventory", &configs::inventory());
    config
}

#[tokio::test]
async fn every_question_is_answered_with_its_facts() {
    let (Some(directory), Some(_), Some(_)) = (labs::directory(), labs::siem(), labs::postgres()) else { return };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/eval/questions.yaml");
    let questions: Vec<Question> = serde_saphyr::from_str(&std::fs::read_to_string(&path).expect("the bank is in the repository")).expect("the bank parses");
    assert!(questions.len() >= 40, "{} questions", questions.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(&directory);
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let deployment = Deployment::new(config.clone()).expect("deployment");
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let mut runner = Runner::new(store.clone(), deployment.connectors.clone());
    let (mut stated, mut expected, mut wrong) = (0usize, 0usize, 0usize);
    let mut times: Vec<(Duration, usize, String)> = Vec::new();
    for q in &questions {
        let raw = format!(
            "From: Priya Raman <analyst@mssp.example.net>\r\nTo: mssp-requests@corp.example\r\nSubject: {}\r\nDate: Fri, 27 Nov 2026 09:00:00 +0000\r\n\
             Message-ID: <{}@bank.mssp.example.net>\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{}",
            q.subject,
            q.id,
            q.body.replace('\n', "\r\n")
        );
        let id = ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: q.id.clone(), cursor: None }).await.expect("ingest").request_id;
        store.correct_type(id, &q.request_type, "question-bank", None).await.expect("type");
        let started = Instant::now();
        let run = drawbridge_engine::enrich::run_request(&store, &deployment, &mut runner, id).await.expect("run");
        let indicators = store.request(id).await.expect("request").indicators.len();
        times.push((started.elapsed(), indicators, q.id.clone()));
        assert_eq!(run.status.as_str(), "completed", "{}: {run:?}", q.id);
        let report: Report = Reviewer::new(&store, &deployment).view(id).await.expect("view").report;
        for line in &q.facts {
            expected += 1;
            let findings = |indicator: &str| {
                report.indicators.iter().filter(|i| i.value.eq_ignore_ascii_case(indicator)).flat_map(|i| i.findings.iter()).collect::<Vec<_>>()
            };
            match parse(line) {
                Expect::Fact(indicator, term, value, count) => {
                    let facts: Vec<_> = findings(&indicator).into_iter().flat_map(|f| f.facts.iter()).filter(|f| f.term == term).collect();
                    let hit = facts.iter().any(|f| (value == "*" || f.value.eq_ignore_ascii_case(&value)) && (count.is_none() || f.count == count));
                    if hit {
                        stated += 1;
                    } else {
                        let said: Vec<String> =
                            facts.iter().map(|f| format!("{}{}", f.value, f.count.map(|n| format!(" ({n})")).unwrap_or_default())).collect();
                        // A single-valued term that holds another value is a wrong fact.
                        if count.is_none()
                            && !said.is_empty()
                            && !term.ends_with(".group")
                            && !term.ends_with("managed_computer")
                            && !term.starts_with("sighting.source")
                        {
                            wrong += 1;
                            println!("{}: WRONG {line}: stated {said:?}", q.id);
                        } else {
                            println!("{}: missing {line} (stated under {term}: {said:?})", q.id);
                        }
                    }
                }
                Expect::Status(indicator, step, status) => {
                    let got: Vec<String> = findings(&indicator).into_iter().filter(|f| f.step == step).map(|f| format!("{:?}", f.status)).collect();
                    let want = status.replace('_', "").to_lowercase();
                    if got.iter().any(|g| g.to_lowercase() == want) {
                        stated += 1;
                    } else {
                        println!("{}: missing {line} (got {got:?})", q.id);
                    }
                }
            }
        }
        // Every fact of the report speaks the documented vocabulary.
        for fact in report.indicators.iter().flat_map(|i| i.findings.iter()).flat_map(|f| f.facts.iter()) {
            assert!(vocabulary::is_documented(&fact.term), "{}: undocumented term {} ({})", q.id, fact.term, fact.label);
        }
    }
    let share = stated as f64 / expected.max(1) as f64;
    times.sort();
    let total: Duration = times.iter().map(|t| t.0).sum();
    let five = times.iter().filter(|t| t.1 >= 5).map(|t| format!("{} {} indicators {:?}", t.2, t.1, t.0)).collect::<Vec<_>>();
    println!(
        "question bank: {} requests, {stated}/{expected} facts stated ({share:.3}), {wrong} wrong; enrichment median {:?}, slowest {:?} ({}), total {total:?}; with 5+ indicators: {five:?}",
        questions.len(),
        times[times.len() / 2].0,
        times.last().map(|t| t.0).unwrap_or_default(),
        times.last().map(|t| t.2.as_str()).unwrap_or("")
    );
    assert_eq!(wrong, 0, "no wrong fact");
    assert!(share >= FLOOR, "{share:.3} of the expected facts stated, below {FLOOR}");
}
