//! Threat intel through the shipped connector files against the vendors'
//! simulators: verdicts and their reasons, the privacy guard (no request
//! carrying an internal or "do not disclose" value reaches a service), 429
//! with `Retry-After` delaying a run without failing it, quota headers, and
//! the per-source cache.

use drawbridge_engine::config::Config;
use drawbridge_engine::connectors::ConnectorLimits;
use drawbridge_engine::connectors::http::HttpDeployment;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::indicators::Kind;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::intel::VerdictKind;
use drawbridge_engine::model::StepStatus;
use drawbridge_engine::playbook::Runner;
use drawbridge_engine::report::FindingStatus;
use drawbridge_engine::review::{IndicatorEdit, Reviewer};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{PlaybookRun, Source, Store};
use drawbridge_lab::intel::{BAD_IP, BAD_SHA256, Simulator};
use std::time::Duration;

const INTERNAL_IP: &str = "10.20.30.40";

struct Lab {
    _dir: tempfile::TempDir,
    store: Store,
    deployment: Deployment,
    sim: Simulator,
}

/// A deployment whose intel connectors all point at one simulator.
async fn lab(sim: Simulator, limits: &[(&str, ConnectorLimits)]) -> Lab {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let served = sim.clone();
    std::thread::spawn(move || drawbridge_lab::intel::serve(listener, served));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config { database: Some(dir.path().join("db.sqlite")), ..Default::default() };
    // RDAP: the registries are found through bootstrap files naming the simulator.
    let bootstrap = dir.path().join("rdap-bootstrap");
    drawbridge_lab::intel::write_rdap_bootstrap(&bootstrap, &url).expect("bootstrap files");
    config.connectors.set("rdap", &serde_json::json!({ "bootstrap_dir": bootstrap, "allow_http": true }));
    for (name, path) in [("virustotal", "/api/v3"), ("abuseipdb", "/api/v2"), ("greynoise", ""), ("shodan", ""), ("urlscan", "")] {
        drawbridge_engine::secrets::inject(&format!("{name}-api-key"), "sim-key");
        config.connectors.http.insert(name.into(), HttpDeployment { base_url: Some(format!("{url}/{name}{path}")), ..Default::default() });
    }
    for (name, l) in limits {
        config.connectors.limits.insert(name.to_string(), l.clone());
    }
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let deployment = Deployment::new(config).expect("deployment");
    Lab { _dir: dir, store, deployment, sim }
}

impl Lab {
    async fn request(&self, body: &str) -> i64 {
        let ingestor = Ingestor::new(&self.deployment.config, self.store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
        let raw = format!(
            "From: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: Please check these IOCs\r\nMessage-ID: <ioc-{}@mssp.example.net>\r\n\
             Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n",
            body.len()
        );
        ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: "t".into(), cursor: None }).await.expect("ingest").request_id
    }

    async fn run(&self, id: i64) -> PlaybookRun {
        let mut runner = Runner::configured(self.store.clone(), self.deployment.connectors.clone(), &self.deployment.config.connectors.limits);
        drawbridge_engine::enrich::run_request(&self.store, &self.deployment, &mut runner, id).await.expect("run")
    }
}

fn results<'a>(run: &'a PlaybookRun, step: &str, value: &str) -> Vec<&'a drawbridge_engine::store::StepResult> {
    run.steps.iter().filter(|r| r.step == step && r.item.ends_with(&format!(":{value}"))).collect()
}

const EMAIL: &str = "Our sensor saw 185.220.101.4 talk to 10.20.30.40 (WKS-FIN-042, j.doe@corp.example) and drop \
                     2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881. Is it known?";

#[tokio::test]
async fn a_known_bad_hash_and_address_are_malicious_with_their_reasons_and_internal_values_never_leave() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    let id = lab.request(EMAIL).await;
    let run = lab.run(id).await;

    let file = results(&run, "intel_file", BAD_SHA256);
    assert_eq!(file.iter().map(|r| r.status).collect::<Vec<_>>(), [StepStatus::Ok], "{:?}", run.steps);
    for step in ["intel_ip", "intel_ip_abuse", "intel_ip_noise", "intel_ip_exposure", "intel_ip_registration"] {
        let outside = results(&run, step, BAD_IP);
        assert_eq!(outside.iter().map(|r| r.status).collect::<Vec<_>>(), [StepStatus::Ok], "{step}: {:?}", outside);
        let inside = results(&run, step, INTERNAL_IP);
        assert_eq!(inside.iter().map(|r| r.status).collect::<Vec<_>>(), [StepStatus::Withheld], "{step}: {:?}", inside);
        assert!(inside[0].error.as_deref().is_some_and(|e| e.contains("RFC 1918")), "the reason is kept: {:?}", inside[0].error);
    }
    // Not one request carried an internal value.
    let log = lab.sim.log();
    assert!(!log.is_empty());
    for line in &log {
        let lower = line.to_lowercase();
        for private in [INTERNAL_IP, "wks-fin-042", "corp.example", "j.doe"] {
            assert!(!lower.contains(private), "{private} reached a simulator: {line}");
        }
    }

    let view = Reviewer::new(&lab.store, &lab.deployment).view(id).await.expect("view");
    let indicator =
        |value: &str| view.report.indicators.iter().find(|i| i.value == value).unwrap_or_else(|| panic!("{value}: {:?}", view.report.indicators)).clone();
    let hash = indicator(BAD_SHA256).verdict.expect("a verdict for the hash");
    assert_eq!(hash.verdict, VerdictKind::Malicious);
    assert_eq!(hash.reasons, ["virustotal.file: malicious 41 ≥ 5"]);
    let ip = indicator(BAD_IP).verdict.expect("a verdict for the address");
    assert_eq!(ip.verdict, VerdictKind::Malicious);
    assert!(ip.reasons.iter().any(|r| r.starts_with("abuseipdb.check: abuse_confidence 100")), "{:?}", ip.reasons);
    assert!(ip.reasons.iter().any(|r| r.starts_with("greynoise.ip: classification = malicious")), "{:?}", ip.reasons);
    let inside = indicator(INTERNAL_IP);
    assert!(inside.findings.iter().filter(|f| f.step.starts_with("intel_")).all(|f| f.status == FindingStatus::NotSent), "{:?}", inside.findings);
    assert_eq!(inside.verdict.map(|v| v.verdict), Some(VerdictKind::Unknown), "no outside source was asked about it");
    let text = &view.rendered.text;
    assert!(text.contains("Verdict: malicious"), "the reply gives the verdict:\n{text}");
    assert!(text.contains("not sent to outside sources"), "and says what was not sent:\n{text}");
    assert!(!text.contains("RFC 1918"), "the detail stays with the analyst");
}

#[tokio::test]
async fn registration_data_comes_from_the_registry_the_bootstrap_names_and_a_young_domain_counts() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    let domain = drawbridge_lab::intel::BAD_DOMAIN;
    let id = lab.request(&format!("Users reached the domain {} from 185[.]220[.]101[.]4, who is behind them?", domain.replace('.', "[.]"))).await;
    let run = lab.run(id).await;
    let registration = results(&run, "intel_domain_registration", domain);
    assert_eq!(registration.iter().map(|r| r.status).collect::<Vec<_>>(), [StepStatus::Ok], "{:?}", run.steps);
    let out = registration[0].output.as_ref().expect("an answer");
    assert_eq!(out["registrar"], "Cheap Names Registrar LLC");
    assert_eq!(out["registered_days_ago"], drawbridge_lab::intel::BAD_DOMAIN_AGE_DAYS);
    let network = results(&run, "intel_ip_registration", BAD_IP);
    let out = network[0].output.as_ref().expect("an answer");
    assert_eq!((out["network"].as_str(), out["country"].as_str()), (Some("TOR-EXIT-LAB"), Some("DE")), "found at RIPE after ARIN's referral");
    assert!(out["registry"].as_str().is_some_and(|r| r.ends_with("/rdap/ripe/")), "{out}");

    let view = Reviewer::new(&lab.store, &lab.deployment).view(id).await.expect("view");
    let verdict = view.report.indicators.iter().find(|i| i.value == domain).and_then(|i| i.verdict.clone()).expect("a verdict for the domain");
    assert_eq!(verdict.verdict, VerdictKind::Malicious, "urlscan.io saw it phish: {:?}", verdict.reasons);
    assert!(view.rendered.text.contains("Cheap Names Registrar LLC"), "the registrar is in the reply:\n{}", view.rendered.text);
}

#[tokio::test]
async fn a_value_marked_do_not_disclose_is_never_sent_again() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    let id = lab.request(EMAIL).await;
    lab.run(id).await;
    let asked = |log: &[String]| log.iter().filter(|l| l.contains(BAD_IP)).count();
    let before = asked(&lab.sim.log());
    assert!(before >= 4, "every IP source was asked once: {before}");
    let reviewer = Reviewer::new(&lab.store, &lab.deployment);
    let edit = IndicatorEdit::Withhold { kind: Kind::Ipv4, value: BAD_IP.into(), withheld: true };
    reviewer.change_indicator(id, &edit, "alice").await.expect("withhold");
    reviewer.rerun(id, None, "alice").await.expect("rerun");
    let run = lab.store.latest_run(id).await.expect("run").expect("a run");
    assert!(results(&run, "intel_ip_abuse", BAD_IP).iter().all(|r| r.status == StepStatus::Withheld), "{:?}", run.steps);
    assert!(
        results(&run, "intel_ip_abuse", BAD_IP)[0].error.as_deref().is_some_and(|e| e.contains("do not disclose")),
        "{:?}",
        results(&run, "intel_ip_abuse", BAD_IP)
    );
    assert_eq!(asked(&lab.sim.log()), before, "no request carried it after it was marked");
}

#[tokio::test]
async fn a_429_with_retry_after_delays_the_run_and_does_not_fail_it() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    lab.sim.throttle("virustotal", 2);
    let id = lab.request(&format!("Is {BAD_SHA256} known to you?")).await;
    let run = lab.run(id).await;
    let file = results(&run, "intel_file", BAD_SHA256);
    assert_eq!(file.len(), 1);
    assert_eq!(file[0].status, StepStatus::Ok, "answered after waiting: {:?}", file[0].error);
    assert_eq!(file[0].attempts, 3, "two 429s, then the answer");
    assert!(file[0].duration_ms >= 2000, "it waited Retry-After (1 s) twice: {} ms", file[0].duration_ms);
    assert_eq!(run.status, drawbridge_engine::model::RunStatus::Completed);
}

#[tokio::test]
async fn a_wait_longer_than_allowed_fails_the_call_as_unavailable_and_says_so() {
    let limits = ConnectorLimits { max_wait_seconds: Some(0), ..Default::default() };
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[("virustotal", limits)]).await;
    lab.sim.throttle("virustotal", 1);
    let id = lab.request(&format!("Is {BAD_SHA256} known to you?")).await;
    let run = lab.run(id).await;
    let file = results(&run, "intel_file", BAD_SHA256);
    assert_eq!(file[0].status, StepStatus::Failed);
    let error = file[0].error.as_deref().unwrap_or("");
    assert!(error.contains("QuotaExceededError") && error.contains("max_wait_seconds"), "{error}");
    assert_eq!(run.status, drawbridge_engine::model::RunStatus::Completed, "one source down does not fail the run");
}

#[tokio::test]
async fn an_exhausted_daily_quota_stops_further_calls_before_they_are_sent() {
    // One call at a time, so the second starts after the first's quota headers.
    let one_at_a_time = ConnectorLimits { concurrency: Some(1), ..Default::default() };
    let lab = lab(Simulator::new("sim-key", Duration::ZERO).with_abuseipdb_daily_limit(1), &[("abuseipdb", one_at_a_time)]).await;
    let id = lab.request("Please check 185.220.101.4 and 45.155.205.233.").await;
    let run = lab.run(id).await;
    let abuse: Vec<_> = run.steps.iter().filter(|r| r.step == "intel_ip_abuse").collect();
    assert_eq!(abuse.len(), 2);
    let ok = abuse.iter().filter(|r| r.status == StepStatus::Ok).count();
    let refused: Vec<_> = abuse.iter().filter(|r| r.status == StepStatus::Failed).collect();
    assert_eq!((ok, refused.len()), (1, 1), "{abuse:?}");
    assert!(refused[0].error.as_deref().is_some_and(|e| e.contains("quota is used up until")), "{:?}", refused[0].error);
    let sent = lab.sim.log().iter().filter(|l| l.contains("/abuseipdb/")).count();
    assert_eq!(sent, 1, "the second call was never sent: the quota headers said none were left");
}

#[tokio::test]
async fn a_second_run_within_the_lifetime_is_answered_from_the_cache() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    let id = lab.request(EMAIL).await;
    let first = lab.run(id).await;
    let sent = lab.sim.log().len();
    let reviewer = Reviewer::new(&lab.store, &lab.deployment);
    reviewer.rerun(id, None, "alice").await.expect("rerun");
    let second = lab.store.latest_run(id).await.expect("run").expect("a run");
    assert!(second.id > first.id);
    assert_eq!(lab.sim.log().len(), sent, "nothing asked again");
    let file = results(&second, "intel_file", BAD_SHA256);
    assert_eq!(file[0].status, StepStatus::Ok);
    assert_eq!(file[0].cached_at.as_deref(), Some(results(&first, "intel_file", BAD_SHA256)[0].finished_at.as_str()), "when the source gave it");
    assert_eq!(file[0].output, results(&first, "intel_file", BAD_SHA256)[0].output);
    // A lifetime of 0 turns the cache off for that source.
    let limits = ConnectorLimits { cache_ttl_seconds: Some(0), ..Default::default() };
    let fresh = lab_with_cache_off(limits).await;
    let id = fresh.request(EMAIL).await;
    fresh.run(id).await;
    let once = fresh.sim.log().iter().filter(|l| l.contains("/virustotal/")).count();
    Reviewer::new(&fresh.store, &fresh.deployment).rerun(id, None, "alice").await.expect("rerun");
    assert_eq!(fresh.sim.log().iter().filter(|l| l.contains("/virustotal/")).count(), once * 2, "asked again");
}

async fn lab_with_cache_off(limits: ConnectorLimits) -> Lab {
    lab(Simulator::new("sim-key", Duration::ZERO), &[("virustotal", limits)]).await
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_an_unknown_value_is_no_result() {
    let wrong = lab(Simulator::new("another-key", Duration::ZERO), &[]).await;
    let id = wrong.request(&format!("Is {BAD_SHA256} known to you?")).await;
    let run = wrong.run(id).await;
    let file = results(&run, "intel_file", BAD_SHA256);
    assert_eq!((file[0].status, file[0].error_kind), (StepStatus::Failed, Some(drawbridge_engine::model::ErrorKind::Refused)), "{:?}", file[0].error);
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    let unknown = drawbridge_lab::intel::UNKNOWN_SHA256;
    let id = lab.request(&format!("Is {unknown} known to you?")).await;
    let run = lab.run(id).await;
    assert_eq!(results(&run, "intel_file", unknown)[0].status, StepStatus::NoResult, "VirusTotal's 404 NotFoundError");
    let view = Reviewer::new(&lab.store, &lab.deployment).view(id).await.expect("view");
    let v = view.report.indicators.iter().find(|i| i.value == unknown).and_then(|i| i.verdict.clone()).expect("verdict");
    assert_eq!(v.verdict, VerdictKind::Clean);
}

#[tokio::test]
async fn a_customers_misp_is_asked_and_its_detection_flag_makes_a_verdict() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    // The lab above deploys the outside services only; add the MISP.
    let mut config = lab.deployment.config.clone();
    let virustotal = config.connectors.http.get("virustotal").and_then(|d| d.base_url.clone()).expect("deployed");
    let base = virustotal.trim_end_matches("/virustotal/api/v3").to_string();
    drawbridge_engine::secrets::inject("misp-api-key", "sim-key");
    config.connectors.http.insert("misp".into(), HttpDeployment { base_url: Some(format!("{base}/misp")), ..Default::default() });
    config.connectors.http.remove("virustotal");
    let deployment = Deployment::new(config).expect("deployment");
    let lab = Lab { deployment, ..lab };
    let id = lab.request(&format!("Is {BAD_SHA256} known? And 45.155.205.233?")).await;
    let run = lab.run(id).await;
    let misp = results(&run, "intel_misp", BAD_SHA256);
    assert_eq!(misp[0].status, StepStatus::Ok, "{:?}", misp[0].error);
    assert_eq!(misp[0].output.as_ref().map(|o| o["records"][0]["event"].clone()), Some(serde_json::json!("Invoice-themed dropper campaign")));
    assert!(lab.sim.log().iter().any(|l| l.starts_with("POST /misp/attributes/restSearch") && l.contains(BAD_SHA256)), "{:?}", lab.sim.log());
    let view = Reviewer::new(&lab.store, &lab.deployment).view(id).await.expect("view");
    let verdict = |v: &str| view.report.indicators.iter().find(|i| i.value == v).and_then(|i| i.verdict.clone()).expect("verdict");
    assert_eq!(verdict(BAD_SHA256).verdict, VerdictKind::Malicious);
    assert!(verdict(BAD_SHA256).reasons.contains(&"misp.attributes: to_ids = true".to_string()));
    assert_eq!(verdict("45.155.205.233").verdict, VerdictKind::Suspicious, "listed, not flagged for detection (and AbuseIPDB's 38)");
    assert!(run.steps.iter().all(|r| !r.action.starts_with("virustotal.")), "a source this deployment does not have is left out");
}

#[tokio::test]
async fn each_services_not_found_is_no_result_and_its_429_is_waited_out() {
    let lab = lab(Simulator::new("sim-key", Duration::ZERO), &[]).await;
    for vendor in ["greynoise", "shodan", "urlscan", "abuseipdb"] {
        lab.sim.throttle(vendor, 1);
    }
    // An address and a domain none of the services knows.
    let id = lab.request("Anything on 81.169.145.10 or quiet-bakery-shop.de?").await;
    let run = lab.run(id).await;
    for (step, value) in [
        ("intel_ip_noise", "81.169.145.10"),
        ("intel_ip_exposure", "81.169.145.10"),
        ("intel_domain_scans", "quiet-bakery-shop.de"),
        ("intel_domain", "quiet-bakery-shop.de"),
    ] {
        let r = results(&run, step, value);
        assert_eq!(r.len(), 1, "{step}");
        assert_eq!(r[0].status, StepStatus::NoResult, "{step}: the service's not-found answer ({:?})", r[0].error);
    }
    for step in ["intel_ip_noise", "intel_ip_exposure", "intel_domain_scans", "intel_ip_abuse"] {
        let r = run.steps.iter().find(|r| r.step == step).expect(step);
        assert_eq!(r.attempts, 2, "{step}: one 429, waited out, then the answer");
    }
    let abuse = results(&run, "intel_ip_abuse", "81.169.145.10");
    assert_eq!(abuse[0].output.as_ref().map(|o| o["records"][0]["abuse_confidence"].clone()), Some(serde_json::json!(0)));
    let view = Reviewer::new(&lab.store, &lab.deployment).view(id).await.expect("view");
    let v = view.report.indicators.iter().find(|i| i.value == "81.169.145.10").and_then(|i| i.verdict.clone()).expect("verdict");
    assert_eq!(v.verdict, VerdictKind::Clean, "{:?}", v.reasons);
}
