//! Running playbooks: failures stay in their step, `on_error: fail` stops the
//! run, concurrency stays within the connector's limit, an interrupted run
//! resumes without repeating finished calls, and a real run against the
//! Samba lab yields owners, "no result" and nested groups.

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::enrich::run_request;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::playbook::{self, ConnectorError, Executor, Runner, validate};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use drawbridge_testkit::{configs, labs};
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Test executor: behaviour per action, with call and concurrency counters.
#[derive(Default)]
struct Scripted {
    calls: AtomicUsize,
    running: AtomicUsize,
    max_running: AtomicUsize,
    /// Calls after this many hang forever (0: never).
    hang_after: usize,
}

impl Executor for Scripted {
    fn call<'a>(&'a self, action: &'a str, input: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Option<serde_json::Value>, ConnectorError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if self.hang_after > 0 && n > self.hang_after {
                futures::future::pending::<()>().await;
            }
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_running.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.running.fetch_sub(1, Ordering::SeqCst);
            let value = input.values().next().cloned().unwrap_or_default();
            match action {
                "active_directory.computer" if value == "WKS-SLOW-1" => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    Ok(None)
                }
                "active_directory.computer" if value == "WKS-500-1" => Err(ConnectorError::unavailable("HTTP 500 from the server", false)),
                "active_directory.computer" if value.starts_with("WKS-NONE") => Ok(None),
                _ => Ok(Some(serde_json::json!({ "action": action, "value": value }))),
            }
        })
    }
}

async fn request_with(store: &Store, body: &str) -> i64 {
    let ingestor = Ingestor::new(&Config::default(), store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let raw = format!(
        "From: analyst@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: Who owns these hosts?\r\nMessage-ID: <{}@mssp.example.net>\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{body}\r\n",
        body.len()
    );
    let outcome = ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: "t".into(), cursor: None }).await.expect("ingest");
    outcome.request_id
}

fn playbook(text: &str) -> playbook::Playbook {
    validate::parse(text, "test.yaml").expect("valid playbook")
}

const HOSTS: &str = r#"
name: hosts
trigger: { request_types: [enrichment, default] }
steps:
  - id: host
    action: active_directory.computer
    for_each: { kinds: [hostname] }
    input: { name: "{{ item.value }}" }
    timeout_seconds: 1
    retries: 1
  - id: user
    action: active_directory.user
    for_each: { kinds: [account] }
    input: { identifier: "{{ item.value }}" }
  - id: groups
    action: active_directory.groups
    for_each: { kinds: [account] }
    input: { identifier: "{{ item.value }}" }
    needs: [user]
"#;

/// The plan of `pb` for a stored request, as an enrichment request over the default window.
async fn plan_for(store: &Store, pb: &playbook::Playbook, request_id: i64) -> playbook::Plan {
    let detail = store.request(request_id).await.expect("request");
    let ctx = playbook::RequestContext {
        id: Some(request_id),
        subject: String::new(),
        sender: String::new(),
        request_type: "enrichment".into(),
        labels: Default::default(),
        window: drawbridge_engine::playbook::window::window("", chrono::Utc::now()),
        indicators: detail
            .indicators
            .iter()
            .map(|i| drawbridge_engine::indicators::Indicator {
                kind: i.kind,
                value: i.value.clone(),
                defanged: false,
                occurrences: 1,
                source: i.source.clone(),
            })
            .collect(),
    };
    playbook::plan(pb, &ctx).expect("plan")
}

async fn run(store: &Store, pb: &playbook::Playbook, request_id: i64, executor: Arc<dyn Executor>, limit: usize) -> drawbridge_engine::store::PlaybookRun {
    let plan = plan_for(store, pb, request_id).await;
    Runner::new(store.clone(), executor).with_limit("active_directory", limit).run(request_id, pb, &plan).await.expect("run")
}

#[tokio::test]
async fn timeouts_and_server_errors_fail_their_step_while_the_rest_completes() {
    let store = Store::in_memory().await.expect("store");
    let id = request_with(&store, "Hosts WKS-SLOW-1, WKS-500-1, WKS-NONE-1 and WKS-OK-1; user CORP\\j.doe.").await;
    let exec = Arc::new(Scripted::default());
    let result = run(&store, &playbook(HOSTS), id, exec.clone(), 4).await;
    assert_eq!(result.status, "completed", "on_error: continue");
    let by_item = |item: &str| result.steps.iter().find(|s| s.item.ends_with(item)).unwrap_or_else(|| panic!("{item} ran"));
    let slow = by_item("WKS-SLOW-1");
    assert_eq!(slow.status, "failed");
    assert!(slow.error.as_deref().is_some_and(|e| e.contains("no answer within 1 s")), "{slow:?}");
    assert_eq!(slow.attempts, 2, "a timeout is transient: retried once");
    let e500 = by_item("WKS-500-1");
    assert_eq!((e500.status.as_str(), e500.attempts), ("failed", 1), "a permanent error is not retried");
    assert_eq!(by_item("WKS-NONE-1").status, "no_result");
    assert_eq!(by_item("WKS-OK-1").status, "ok");
    assert!(result.steps.iter().any(|s| s.step == "groups" && s.status == "ok"), "the dependent step ran after its need");
    assert!(result.steps.iter().all(|s| s.input.is_object()));
}

#[tokio::test]
async fn on_error_fail_stops_the_run_before_dependent_steps() {
    let store = Store::in_memory().await.expect("store");
    let id = request_with(&store, "Host WKS-500-1 and user CORP\\j.doe.").await;
    let pb = playbook(&HOSTS.replace("    retries: 1\n", "    retries: 1\n    on_error: fail\n").replace("    needs: [user]\n", "    needs: [user, host]\n"));
    let result = run(&store, &pb, id, Arc::new(Scripted::default()), 4).await;
    assert_eq!(result.status, "failed");
    assert!(!result.steps.iter().any(|s| s.step == "groups"), "steps after the failure did not run: {:?}", result.steps);
}

#[tokio::test]
async fn concurrency_stays_within_the_connector_limit() {
    let store = Store::in_memory().await.expect("store");
    let hosts: Vec<String> = (1..=12).map(|i| format!("WKS-OK-{i}")).collect();
    let id = request_with(&store, &format!("Hosts {}.", hosts.join(", "))).await;
    let exec = Arc::new(Scripted::default());
    let result = run(&store, &playbook(HOSTS), id, exec.clone(), 3).await;
    assert_eq!(result.steps.len(), 12);
    let max = exec.max_running.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "ran concurrently, never above the limit: {max}");
}

#[tokio::test]
async fn an_interrupted_run_resumes_without_repeating_finished_calls() {
    let store = Store::in_memory().await.expect("store");
    let hosts: Vec<String> = (1..=8).map(|i| format!("WKS-OK-{i}")).collect();
    let id = request_with(&store, &format!("Hosts {}.", hosts.join(", "))).await;
    let pb = playbook(HOSTS);
    // First attempt: the process "dies" after 5 calls were answered.
    let dying = Arc::new(Scripted { hang_after: 5, ..Default::default() });
    let first = tokio::spawn({
        let (store, pb, dying) = (store.clone(), pb.clone(), dying.clone());
        async move { run(&store, &pb, id, dying, 1).await }
    });
    let mut stored = 0;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        stored = sqlx_count(&store).await;
        if stored >= 5 {
            break;
        }
    }
    first.abort();
    assert_eq!(stored, 5, "five calls finished before the crash");
    // Restart: only the remaining three calls are made.
    let fresh = Arc::new(Scripted::default());
    let result = run(&store, &pb, id, fresh.clone(), 4).await;
    assert_eq!(fresh.calls.load(Ordering::SeqCst), 3, "finished calls are not repeated");
    assert_eq!(result.steps.len(), 8);
    assert_eq!(result.status, "completed");
}

const CHAINED: &str = r#"
name: chained
trigger: { request_types: [enrichment, default] }
steps:
  - id: host
    action: active_directory.computer
    for_each: { kinds: [hostname] }
    input: { name: "{{ item.value }}" }
  - id: owner
    action: active_directory.user
    for_each: { kinds: [hostname] }
    needs: [host]
    when: "steps.host.status == 'ok'"
    input: { identifier: "owner-of-{{ steps.host.output.value }}" }
"#;

#[tokio::test]
async fn later_steps_read_earlier_outputs_for_the_same_indicator() {
    let store = Store::in_memory().await.expect("store");
    let id = request_with(&store, "Hosts WKS-OK-1, WKS-OK-2 and WKS-NONE-1.").await;
    let result = run(&store, &playbook(CHAINED), id, Arc::new(Scripted::default()), 4).await;
    let owner = |host: &str| {
        result.steps.iter().find(|s| s.step == "owner" && s.item.ends_with(host)).unwrap_or_else(|| panic!("owner step for {host}: {:?}", result.steps))
    };
    for host in ["WKS-OK-1", "WKS-OK-2"] {
        let o = owner(host);
        assert_eq!(o.status, "ok");
        assert_eq!(o.input["identifier"], format!("owner-of-{host}"), "rendered from the same host's output");
    }
    let none = owner("WKS-NONE-1");
    assert_eq!(none.status, "skipped", "the host step found nothing, so `when` is false");
    assert_eq!(result.status, "completed");
}

#[test]
fn a_step_that_reads_another_must_need_it() {
    let err = validate::parse(&CHAINED.replace("    needs: [host]\n", ""), "t.yaml").expect_err("invalid");
    assert!(err.to_string().contains("reads steps.host but does not list \"host\" in `needs`"), "{err}");
}

#[tokio::test]
async fn rate_limit_spaces_calls_to_a_connector() {
    let store = Store::in_memory().await.expect("store");
    let hosts: Vec<String> = (1..=6).map(|i| format!("WKS-OK-{i}")).collect();
    let id = request_with(&store, &format!("Hosts {}.", hosts.join(", "))).await;
    let pb = playbook(HOSTS);
    let plan = plan_for(&store, &pb, id).await;
    let started = tokio::time::Instant::now();
    let mut runner = Runner::new(store.clone(), Arc::new(Scripted::default())).with_limit("active_directory", 6).with_rate("active_directory", 20.0);
    let result = runner.run(id, &pb, &plan).await.expect("run");
    assert_eq!(result.steps.len(), 6);
    // Six calls at 20/s start 50 ms apart: the last cannot start before 250 ms.
    // (A lower bound only: a loaded machine may be slower, never faster.)
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "calls were spaced by the rate limit: {elapsed:?}");
}

#[tokio::test]
async fn a_request_naming_an_indicator_asked_before_joins_that_task_and_says_who_asked() {
    let store = Store::in_memory().await.expect("store");
    let config = Deployment::new(Config::default()).expect("deployment");
    let first = request_with(&store, "Did 198.51.100.23 show up anywhere? Also WKS-OK-1.").await;
    let unrelated = request_with(&store, "Who owns WKS-OK-2?").await;
    let again = request_with(&store, "Any news on 198.51.100.23 since last week?").await;
    let mut runner = Runner::new(store.clone(), Arc::new(Scripted::default()));
    for id in [first, unrelated, again] {
        run_request(&store, &config, &mut runner, id).await.expect("run");
    }
    let (t_first, t_unrelated, t_again) =
        (task_of(&store, first).await.expect("task"), task_of(&store, unrelated).await.expect("task"), task_of(&store, again).await.expect("task"));
    assert_eq!(t_again, t_first, "the repeated indicator links to the earlier task");
    assert_ne!(t_unrelated, t_first, "no shared indicator: a task of its own");

    // The re-run is a fresh run (new calls), and its findings say who asked before and when.
    let rerun = run_request(&store, &config, &mut runner, again).await.expect("run");
    let history = rerun.steps.iter().find(|s| s.step == playbook::ASKED_BEFORE_STEP).expect("history recorded");
    let out = history.output.as_ref().expect("asked before");
    assert_eq!(out["joined_earlier_task"], true);
    let prior = &out["requests"][0];
    assert_eq!((prior["request_id"].as_i64(), prior["value"].as_str()), (Some(first), Some("198.51.100.23")));
    assert_eq!(prior["sender"], "analyst@mssp.example.net");
    assert!(prior["received_at"].as_str().is_some_and(|t| t.starts_with("20")), "{prior}");
    let first_run = run_request(&store, &config, &mut runner, first).await.expect("run");
    let none = first_run.steps.iter().find(|s| s.step == playbook::ASKED_BEFORE_STEP).expect("history step");
    assert_eq!(none.status, "no_result", "nobody asked before the first request");
}

#[tokio::test]
async fn outside_the_link_window_a_repeated_indicator_opens_a_new_task() {
    let store = Store::in_memory().await.expect("store");
    let config = Deployment::new(Config { tasks: drawbridge_engine::config::TasksConfig { link_window_days: 0 }, ..Default::default() }).expect("deployment");
    let first = request_with(&store, "Did 198.51.100.23 show up anywhere?").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let again = request_with(&store, "Again: did 198.51.100.23 show up anywhere?").await;
    let mut runner = Runner::new(store.clone(), Arc::new(Scripted::default()));
    run_request(&store, &config, &mut runner, first).await.expect("run");
    run_request(&store, &config, &mut runner, again).await.expect("run");
    assert_ne!(task_of(&store, first).await, task_of(&store, again).await);
}

async fn task_of(store: &Store, id: i64) -> Option<i64> {
    store.request(id).await.expect("request").summary.task_id
}

/// Stored step results of the request's open run.
async fn sqlx_count(store: &Store) -> usize {
    store.run(1).await.map(|r| r.steps.len()).unwrap_or(0)
}

#[tokio::test]
async fn a_real_run_against_the_directory_lab() {
    let Some(lab) = labs::directory() else { return };
    let cfg = configs::active_directory(&lab);
    let store = Store::in_memory().await.expect("store");
    let id = request_with(&store, "Could you tell us who owns WKS-FIN-042 and WKS-NOPE-999, and which groups CORP\\j.doe is in?").await;
    assert_eq!(store.request(id).await.expect("r").summary.request_type.as_deref(), Some("enrichment"));
    let config =
        Deployment::new(Config { connectors: drawbridge_engine::connectors::ConnectorsConfig::default().with("active_directory", &cfg), ..Default::default() })
            .expect("deployment");
    let mut runner = Runner::new(store.clone(), config.connectors.clone());
    let result = run_request(&store, &config, &mut runner, id).await.expect("run");
    assert_eq!((result.playbook.as_str(), result.status.as_str()), ("enrichment", "completed"));
    let owner = result.steps.iter().find(|s| s.step == "host_computer" && s.item == "hostname:WKS-FIN-042").expect("host step");
    assert_eq!(owner.status, "ok", "{owner:?}");
    assert_eq!(owner.output.as_ref().and_then(|o| o["managed_by"]["account"].as_str()), Some("j.doe"));
    assert_eq!(result.steps.iter().find(|s| s.step == "host_computer" && s.item == "hostname:WKS-NOPE-999").map(|s| s.status.as_str()), Some("no_result"));
    // The owner's own record follows from the computer's (a deferred step).
    let person = result.steps.iter().find(|s| s.step == "host_owner" && s.item == "hostname:WKS-FIN-042").expect("owner step");
    assert_eq!(person.output.as_ref().and_then(|o| o["manager"]["account"].as_str()), Some("m.schmidt"), "{person:?}");
    assert_eq!(result.steps.iter().find(|s| s.step == "host_owner" && s.item == "hostname:WKS-NOPE-999").map(|s| s.status.as_str()), Some("skipped"));
    let unconfigured = result.steps.iter().find(|s| s.step == "siem_sightings").expect("SIEM step planned");
    assert_eq!((unconfigured.status.as_str(), unconfigured.error_kind), ("failed", Some(drawbridge_engine::model::ErrorKind::NotConfigured)));
    let groups = result.steps.iter().find(|s| s.step == "user" && s.item == "account:CORP\\j.doe").expect("user step");
    assert!(groups.output.as_ref().is_some_and(|o| o["groups"].as_array().is_some_and(|g| g.iter().any(|x| x == "GRP-AllStaff"))), "{groups:?}");
}

#[tokio::test]
async fn a_real_run_against_the_directory_and_siem_labs_uses_the_requested_window() {
    let (Some(dir_lab), Some(_), Some(_)) = (labs::directory(), labs::siem(), labs::postgres()) else { return };
    drawbridge_engine::secrets::inject("ad-run2", configs::AD_PASSWORD);
    drawbridge_engine::secrets::inject("inventory-run", configs::INVENTORY_PASSWORD);
    let config: drawbridge_engine::config::Config = toml::from_str(&format!(
        r#"
[connectors.active_directory]
url = "ldaps://127.0.0.1:636"
ca_file = "{ca}"
bind_dn = "Administrator@corp.example.test"
password_secret = "ad-run2"
base_dn = "DC=corp,DC=example,DC=test"
netbios_domain = "CORP"

[connectors.siem]
url = "http://127.0.0.1:9200"
index = "*-lab"
host_field = "host.name.keyword"
user_field = "user.name.keyword"
[connectors.siem.fields]
ipv4 = ["source.ip.keyword", "destination.ip.keyword"]
hostname = ["host.name.keyword"]
account = ["user.name.keyword"]

[connectors.asset_inventory]
backend = "sql"
url = "postgres://drawbridge@127.0.0.1:54329/inventory"
password_secret = "inventory-run"
"#,
        ca = dir_lab.join("tls/ca.pem").display()
    ))
    .expect("config");
    let store = Store::in_memory().await.expect("store");
    let id = request_with(&store, "Who owns WKS-FIN-042, and did 203.0.113.7 hit your firewall during November 2026? Also 192.0.2.200.").await;
    let config = Deployment::new(config).expect("deployment");
    let mut runner = Runner::new(store.clone(), config.connectors.clone());
    let result = run_request(&store, &config, &mut runner, id).await.expect("run");
    assert_eq!(result.status, "completed");
    let ip = result.steps.iter().find(|s| s.step == "siem_sightings" && s.item == "ipv4:203.0.113.7").expect("SIEM step for the IP");
    assert_eq!(ip.status, "ok", "{ip:?}");
    assert_eq!(ip.input["start"], "2026-11-01T00:00:00Z", "the requested window: {:?}", ip.input);
    assert_eq!(ip.input["end"], "2026-12-01T00:00:00Z");
    let out = ip.output.as_ref().expect("output");
    assert_eq!(out["hits"], 3);
    assert_eq!(out["hosts"][0][0], "WKS-FIN-042");
    let none = result.steps.iter().find(|s| s.step == "siem_sightings" && s.item == "ipv4:192.0.2.200").expect("the other IP");
    let firewall = result.steps.iter().find(|s| s.step == "firewall_sessions").expect("firewall step planned");
    assert_eq!(firewall.error_kind, Some(drawbridge_engine::model::ErrorKind::NotConfigured), "{firewall:?}");
    assert_eq!(none.status, "no_result");
    let owner = result.steps.iter().find(|s| s.step == "host_computer").expect("owner");
    assert_eq!(owner.output.as_ref().and_then(|o| o["managed_by"]["account"].as_str()), Some("j.doe"));
    let asset = result.steps.iter().find(|s| s.step == "host_asset").expect("asset record");
    assert_eq!(asset.status, "ok", "{asset:?}");
    assert_eq!(asset.output.as_ref().and_then(|o| o["location"].as_str()), Some("London HQ, 2nd floor"));
}

/// Bounded work: too many indicators parks a request before anything is
/// looked up; a playbook that cannot start is retried, then parked, and never
/// blocks the requests behind it; a plan with too many calls is refused.
#[tokio::test]
async fn work_is_bounded_and_a_request_that_cannot_start_never_blocks_the_queue() {
    use drawbridge_engine::enrich::{Outcome, run_automatically};
    let store = Store::in_memory().await.expect("store");
    let mut config = Config::default();
    config.limits.max_indicators = 3;
    config.limits.start_attempts = 2;
    config.limits.start_retry_secs = 3600;
    let deployment = Deployment::new(config.clone()).expect("deployment");
    let mut runner = Runner::new(store.clone(), Arc::new(Scripted::default()));

    // Five hosts, over the limit of three: parked, no run opened.
    let many = request_with(&store, "Who owns WKS-A-1, WKS-A-2, WKS-A-3, WKS-A-4 and WKS-A-5?").await;
    let outcome = run_automatically(&store, &deployment, &mut runner, many).await.expect("worker");
    assert!(matches!(&outcome, Outcome::Parked(why) if why.contains("5 indicators")), "{outcome:?}");
    assert!(store.latest_run(many).await.expect("runs").is_none(), "nothing was looked up");
    assert!(store.request(many).await.expect("r").summary.parked_reason.is_some_and(|r| r.contains("max_indicators")));
    assert!(!store.requests_awaiting_run(20).await.expect("queue").contains(&many));
    // A person decides to run it anyway.
    run_request(&store, &deployment, &mut runner, many).await.expect("a person's run");
    assert_eq!(store.request(many).await.expect("r").summary.parked_reason, None);

    // No playbook at all (an empty folder): the start fails, is retried later, then parked.
    let empty = tempfile::tempdir().expect("tempdir");
    let broken = Deployment::new(Config { playbooks_dir: Some(empty.path().to_path_buf()), ..config.clone() }).expect("deployment");
    let stuck = request_with(&store, "Who owns WKS-B-1?").await;
    let behind = request_with(&store, "Who owns WKS-B-2 (behind the stuck one)?").await;
    let first = run_automatically(&store, &broken, &mut runner, stuck).await.expect("worker");
    assert!(matches!(first, Outcome::Retrying(_)), "{first:?}");
    let queue = store.requests_awaiting_run(20).await.expect("queue");
    assert!(!queue.contains(&stuck) && queue.contains(&behind), "waiting for its retry, the others go first: {queue:?}");
    let second = run_automatically(&store, &broken, &mut runner, stuck).await.expect("worker");
    assert!(matches!(second, Outcome::Parked(_)), "{second:?}");
    assert!(store.request(stuck).await.expect("r").summary.parked_reason.is_some_and(|r| r.contains("after 2 attempts")));

    // A plan with more calls than allowed is refused before any call.
    let tight =
        Deployment::new(Config { limits: drawbridge_engine::limits::LimitsConfig { max_calls_per_run: 1, ..Default::default() }, ..Default::default() })
            .expect("deployment");
    let wide = request_with(&store, "Who owns WKS-C-1 and WKS-C-2?").await;
    let refused = run_request(&store, &tight, &mut runner, wide).await;
    assert!(matches!(refused, Err(playbook::RunRequestError::TooManyCalls(n, 1)) if n > 1), "{refused:?}");
}

#[tokio::test]
async fn a_window_longer_than_allowed_is_shortened_at_its_start() {
    let store = Store::in_memory().await.expect("store");
    let config = Config { limits: drawbridge_engine::limits::LimitsConfig { max_window_days: 10, ..Default::default() }, ..Default::default() };
    let deployment = Deployment::new(config).expect("deployment");
    let mut runner = Runner::new(store.clone(), Arc::new(Scripted::default()));
    let id = request_with(&store, "Did 198.51.100.23 show up anywhere in the last 900 days?").await;
    let run = run_request(&store, &deployment, &mut runner, id).await.expect("run");
    let siem = run.steps.iter().find(|s| s.step == "siem_sightings").expect("siem step");
    let day = |k: &str| chrono::DateTime::parse_from_rfc3339(siem.input[k].as_str().expect("time")).expect("rfc3339");
    assert_eq!((day("end") - day("start")).num_days(), 10, "{}", siem.input);
    let end = day("end").with_timezone(&chrono::Utc);
    assert!((chrono::Utc::now() - end).num_hours().abs() <= 24, "ends where asked (now): {}", siem.input);
}
