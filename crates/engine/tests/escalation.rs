//! The "enrichment only" flow end to end, against the lab's real SIEM
//! (osmem-server with the lab company's events) and the vendor simulators:
//! a known-bad hash is malicious by the intel rules, its internal sightings
//! and their log lines come from the SIEM, Arkime gives the packet capture
//! around them, one Jira ticket is opened with the logs attached and the
//! Enrichment task is closed; the same hash again comments on that ticket;
//! an internal address never reaches an outside source; a 429 from
//! VirusTotal delays the run without failing it.

use drawbridge_engine::config::Config;
use drawbridge_engine::connectors::http::HttpDeployment;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::intel::VerdictKind;
use drawbridge_engine::model::StepStatus;
use drawbridge_engine::playbook::Runner;
use drawbridge_engine::report::FindingStatus;
use drawbridge_engine::review::Reviewer;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use drawbridge_lab::BAD_SHA256;
use drawbridge_testkit::{configs, labs};
use std::time::Duration;

const INTERNAL_IP: &str = "10.20.1.42";

fn serve<S: Send + 'static>(sim: S, run: fn(std::net::TcpListener, S)) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || run(listener, sim));
    url
}

struct Lab {
    _dir: tempfile::TempDir,
    store: Store,
    deployment: Deployment,
    intel: drawbridge_lab::intel::Simulator,
    jira: drawbridge_lab::jira::Simulator,
}

fn lab_config(dir: &std::path::Path, intel_url: &str, jira_url: &str, arkime_url: &str) -> Config {
    let mut config = Config { database: Some(dir.join("db.sqlite")), ..Default::default() };
    for (name, path) in [("virustotal", "/api/v3"), ("abuseipdb", "/api/v2"), ("greynoise", ""), ("shodan", ""), ("urlscan", "")] {
        drawbridge_engine::secrets::inject(&format!("{name}-api-key"), "sim-key");
        config.connectors.http.insert(name.into(), HttpDeployment { base_url: Some(format!("{intel_url}/{name}{path}")), ..Default::default() });
    }
    drawbridge_engine::secrets::inject("jira-lab-token", "jira-sim-token");
    drawbridge_engine::secrets::inject("arkime-lab-password", "arkime-sim-pw");
    config.connectors = config
        .connectors
        .with("siem", &configs::siem("http://127.0.0.1:9200"))
        .with("jira", &serde_json::json!({ "url": jira_url, "email": "soc-bot@corp.example", "token_secret": "jira-lab-token", "project": "SEC" }))
        .with("arkime", &serde_json::json!({ "url": arkime_url, "username": "drawbridge", "password_secret": "arkime-lab-password" }));
    config.intel.escalation.tickets = Some("jira".into());
    config
}

async fn lab() -> Lab {
    let intel = drawbridge_lab::intel::Simulator::new("sim-key", Duration::ZERO);
    let jira = drawbridge_lab::jira::Simulator::new("soc-bot@corp.example", "jira-sim-token", "SEC");
    let intel_url = serve(intel.clone(), drawbridge_lab::intel::serve);
    let jira_url = serve(jira.clone(), drawbridge_lab::jira::serve);
    let arkime_url = serve(drawbridge_lab::arkime::Simulator::new("drawbridge", "arkime-sim-pw"), drawbridge_lab::arkime::serve);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = lab_config(dir.path(), &intel_url, &jira_url, &arkime_url);
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let deployment = Deployment::new(config).expect("deployment");
    Lab { _dir: dir, store, deployment, intel, jira }
}

impl Lab {
    async fn request(&self, n: u32, body: &str) -> i64 {
        let ingestor = Ingestor::new(&self.deployment.config, self.store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
        let raw = format!(
            "From: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: [MSSP-77{n}] Hash seen at another customer\r\n\
             Message-ID: <esc-{n}@mssp.example.net>\r\nDate: Thu, 26 Nov 2026 09:00:00 +0000\r\n\
             Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n"
        );
        ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: format!("esc-{n}"), cursor: None }).await.expect("ingest").request_id
    }

    async fn run(&self, id: i64) -> drawbridge_engine::store::PlaybookRun {
        let mut runner = Runner::configured(self.store.clone(), self.deployment.connectors.clone(), &self.deployment.config.connectors.limits);
        drawbridge_engine::enrich::run_request(&self.store, &self.deployment, &mut runner, id).await.expect("run")
    }
}

#[tokio::test]
async fn a_known_bad_hash_seen_inside_opens_one_ticket_with_its_logs_and_closes_the_task() {
    let Some(_) = labs::siem() else { return };
    let lab = lab().await;
    // VirusTotal is busy at first: the run waits and goes on.
    lab.intel.throttle("virustotal", 1);
    let first = lab.request(1, &format!("We saw {BAD_SHA256} at another customer. Our sensor also logged {INTERNAL_IP}. Anything on your side?")).await;
    let run = lab.run(first).await;
    let step = |name: &str| run.steps.iter().filter(|r| r.step == name).collect::<Vec<_>>();

    // The verdict, despite the 429.
    let vt = step("intel_file");
    assert_eq!((vt[0].status, vt[0].attempts), (StepStatus::Ok, 2), "the 429 was waited out: {:?}", vt[0].error);
    assert_eq!(run.status, drawbridge_engine::model::RunStatus::Completed);
    let verdict = step("intel_verdict");
    assert_eq!(verdict[0].output.as_ref().map(|o| o["verdict"].clone()), Some(serde_json::json!("malicious")));

    // The internal sightings, from the lab SIEM, with their log lines.
    let sightings = step("intel_sightings");
    assert_eq!(sightings.len(), 1, "only the malicious hash is looked for: {:?}", run.steps.iter().map(|r| &r.step).collect::<Vec<_>>());
    let out = sightings[0].output.as_ref().expect("the SIEM saw it");
    assert_eq!(out["total"], 2);
    let lines: Vec<&str> = out["events"].as_array().expect("events").iter().filter_map(|e| e["line"].as_str()).collect();
    assert!(lines[0].contains("file_quarantined") && lines[1].contains("process_started"), "{lines:?}");

    // The packet capture around them.
    let pcap = step("intel_pcap");
    assert_eq!(pcap.len(), 1, "one window: the two sightings are two minutes apart");
    let sessions = &pcap[0].output.as_ref().expect("captured")["sessions"];
    assert!(sessions[0]["link"].as_str().is_some_and(|l| l.contains("/sessions?expression=")), "{sessions}");
    assert!(sessions[0]["download"].as_str().is_some_and(|d| d.ends_with("/pcap")));
    assert_eq!(sessions[0]["pcap_bytes"], 24 + 16 * 310 + 402_113);

    // One Jira ticket, field by field, with the logs attached.
    let issues = lab.jira.issues();
    assert_eq!(issues.len(), 1);
    let f = &issues[0].fields;
    assert_eq!(f["summary"], format!("Investigation: sha256 {BAD_SHA256} (malicious)"));
    assert_eq!(f["labels"], serde_json::json!(["drawbridge", "investigation", "ioc-sha256", "malicious"]));
    let text: Vec<&str> = f["description"]["content"].as_array().expect("adf").iter().filter_map(|p| p["content"][0]["text"].as_str()).collect();
    assert!(text.contains(&"Verdict: malicious"), "{text:?}");
    assert!(text.iter().any(|l| l.contains("virustotal.file: malicious 41")), "{text:?}");
    assert!(text.contains(&"Internal sightings: 2 events in the SIEM (2 attached as log lines)."), "{text:?}");
    assert!(text.contains(&"Hosts: WKS-FIN-042"), "{text:?}");
    assert!(text.iter().any(|l| l.starts_with("Packet capture: ")), "{text:?}");
    assert_eq!(issues[0].attachments.len(), 1);
    let (name, content) = &issues[0].attachments[0];
    assert_eq!(name, "sightings-sha256.log");
    assert_eq!(content.lines().count(), 2);
    assert!(content.contains("file_quarantined") && content.contains("WKS-FIN-042"));

    // Linked on the request; the Enrichment task closed; both audited.
    let linked = lab.store.tickets_of_request(first).await.expect("tickets");
    assert_eq!((linked.len(), linked[0].ticket.key.as_str(), linked[0].action.as_str()), (1, "SEC-17", "opened"));
    let (_, because) = lab.store.task_closed(first).await.expect("task").expect("closed");
    assert!(because.contains("SEC-17"), "{because}");
    let audit: Vec<String> = lab.store.audit_log(Some(first)).await.expect("audit").into_iter().map(|e| e.action).collect();
    assert!(audit.contains(&"ticket_opened".to_string()) && audit.contains(&"task_closed".to_string()), "{audit:?}");

    // The internal address went to no outside source, and the findings say so.
    assert!(lab.intel.log().iter().all(|l| !l.contains(INTERNAL_IP)), "{:?}", lab.intel.log());
    let view = Reviewer::new(&lab.store, &lab.deployment).view(first).await.expect("view");
    let inside = view.report.indicators.iter().find(|i| i.value == INTERNAL_IP).expect("listed");
    let intel: Vec<_> = inside.findings.iter().filter(|f| f.step.starts_with("intel_")).collect();
    assert!(!intel.is_empty() && intel.iter().all(|f| f.status == FindingStatus::NotSent), "{intel:?}");
    let hash = view.report.indicators.iter().find(|i| i.value == BAD_SHA256).expect("listed");
    assert_eq!(hash.verdict.as_ref().map(|v| v.verdict), Some(VerdictKind::Malicious));

    // The same hash again: a comment on that ticket, not a second one.
    let second = lab.request(2, &format!("Seen again: {BAD_SHA256}.")).await;
    lab.run(second).await;
    let issues = lab.jira.issues();
    assert_eq!(issues.len(), 1, "no second ticket");
    assert_eq!(issues[0].comments.len(), 1);
    let comment = issues[0].comments[0]["content"][0]["content"][0]["text"].as_str().unwrap_or_default();
    assert_eq!(comment, format!("Seen again in request DB-{second}."));
    let linked = lab.store.tickets_of_request(second).await.expect("tickets");
    assert_eq!((linked[0].ticket.key.as_str(), linked[0].action.as_str()), ("SEC-17", "commented"));
    // A re-run of the second request adds nothing more.
    Reviewer::new(&lab.store, &lab.deployment).rerun(second, None, "alice").await.expect("rerun");
    assert_eq!(lab.jira.issues()[0].comments.len(), 1, "a re-run does not comment twice");
}

#[tokio::test]
async fn where_only_splunk_is_set_up_the_sightings_and_their_log_lines_come_from_splunk() {
    let intel = drawbridge_lab::intel::Simulator::new("sim-key", Duration::ZERO);
    let intel_url = serve(intel, drawbridge_lab::intel::serve);
    let events = drawbridge_lab::company(7).siem_events(7, 5_000);
    let splunk_url = serve(drawbridge_lab::splunk::Simulator::from_bulk(&events, "splunk-sim-token"), drawbridge_lab::splunk::serve);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config { database: Some(dir.path().join("db.sqlite")), ..Default::default() };
    for (name, path) in [("virustotal", "/api/v3"), ("abuseipdb", "/api/v2")] {
        drawbridge_engine::secrets::inject(&format!("{name}-api-key"), "sim-key");
        config.connectors.http.insert(name.into(), HttpDeployment { base_url: Some(format!("{intel_url}/{name}{path}")), ..Default::default() });
    }
    drawbridge_engine::secrets::inject("splunk-esc-token", "splunk-sim-token");
    let mut splunk = drawbridge_engine::connectors::siem_splunk::SplunkConfig::cim(&splunk_url, "*");
    splunk.token_secret = Some("splunk-esc-token".into());
    config.connectors.set("splunk", &splunk);
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let deployment = Deployment::new(config).expect("deployment");
    let lab = Lab {
        _dir: dir,
        store,
        deployment,
        intel: drawbridge_lab::intel::Simulator::new("unused", Duration::ZERO),
        jira: drawbridge_lab::jira::Simulator::new("x", "y", "SEC"),
    };
    let id = lab.request(9, &format!("We saw {BAD_SHA256} at another customer. Anything on your side?")).await;
    let run = lab.run(id).await;
    let sightings: Vec<_> = run.steps.iter().filter(|r| r.step == "intel_sightings").collect();
    assert_eq!(sightings.len(), 1, "{:?}", run.steps.iter().map(|r| (&r.step, r.status)).collect::<Vec<_>>());
    assert_eq!(sightings[0].status, StepStatus::Ok, "{:?}", sightings[0].error);
    let out = sightings[0].output.as_ref().expect("Splunk saw it");
    assert_eq!(out["total"], 2);
    let lines: Vec<&str> = out["events"].as_array().expect("events").iter().filter_map(|e| e["line"].as_str()).collect();
    assert!(lines[0].contains("file_quarantined") && lines[1].contains("process_started"), "newest first: {lines:?}");
    assert_eq!(out["events"][0]["host"], "WKS-FIN-042");
}
