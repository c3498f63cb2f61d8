//! The declarative HTTP connector, proven with the shipped Snipe-IT
//! definition against the Snipe-IT simulator in `drawbridge-lab` (documented
//! requests and replies: Bearer token, errors as HTTP 200 envelopes,
//! `{"total","rows"}` paging, HTML-escaped text, redirect to /login without
//! `Accept: application/json`, 429 with Retry-After).

use drawbridge_engine::config::Config;
use drawbridge_engine::connectors::http::{HttpClient, HttpConnector, HttpDeployment, HttpError};
use drawbridge_engine::connectors::{ConnectorsConfig, Registry, RegistryError};
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::model::ErrorKind;
use drawbridge_engine::secrets;
use std::collections::BTreeMap;

fn simulator(throttle: usize) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let sim = drawbridge_lab::snipeit::Simulator::new(&drawbridge_lab::company(7), "sim-token", throttle);
    std::thread::spawn(move || drawbridge_lab::snipeit::serve(listener, sim));
    format!("http://{addr}")
}

fn snipeit() -> HttpConnector {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../playbooks/connectors");
    HttpConnector::load_dir(&dir).expect("definitions").into_iter().find(|c| c.name == "snipeit").expect("snipeit.yaml")
}

fn client(url: &str, secret: &str) -> HttpClient {
    secrets::inject("snipeit-good", "sim-token");
    secrets::inject("snipeit-bad", "wrong");
    let mut def = snipeit();
    def.auth = Some(drawbridge_engine::connectors::http::definition::Auth::Bearer { secret: secret.into() });
    HttpClient::new(&def, Some(&HttpDeployment { base_url: Some(url.into()), ..Default::default() })).expect("client")
}

fn input(k: &str, v: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(k.to_string(), v.to_string())])
}

#[tokio::test]
async fn snipeit_asset_by_name_maps_fields_and_keeps_only_the_exact_name() {
    let c = client(&simulator(1000), "snipeit-good");
    let out = c.call("asset", &input("name", "WKS-FIN-042")).await.expect("call").expect("found");
    let records = out["records"].as_array().expect("records");
    assert_eq!(records.len(), 1, "the fuzzy search is narrowed to the exact name: {out}");
    let r = &records[0];
    assert_eq!(r["name"], "WKS-FIN-042");
    assert_eq!(r["assigned_to"], "j.doe", "owner from the same company as the directory lab");
    assert_eq!(r["status"], "Deployed");
    assert!(r["asset_tag"].as_str().is_some_and(|t| t.starts_with("A-")));
    assert!(out["request"].as_str().is_some_and(|q| q.contains("/api/v1/hardware?search=WKS-FIN-042")), "{out}");
    assert!(!out["request"].as_str().unwrap_or("").contains("sim-token"), "the secret is not in the provenance");
}

#[tokio::test]
async fn paging_follows_total_and_html_escaping_is_undone() {
    let url = simulator(1000);
    let mut def = snipeit();
    // An action over every asset in pages of 50, without the exact-name filter.
    let mut all = def.actions["asset"].clone();
    all.exact_match = None;
    all.query.clear();
    def.actions.insert("all".into(), all);
    secrets::inject("snipeit-token", "sim-token");
    let c = HttpClient::new(&def, Some(&HttpDeployment { base_url: Some(url), ..Default::default() })).expect("client");
    let out = c.call("all", &BTreeMap::new()).await.expect("call").expect("records");
    let n = drawbridge_lab::company(7).computers.len();
    assert!(n > 200, "the lab has more assets than 4 pages of 50");
    assert_eq!(out["total"], n as u64);
    assert_eq!(out["records"].as_array().map(Vec::len), Some(200), "max_pages 4 × 50");
    assert_eq!(out["truncated"], true);
    let locations: Vec<&str> = out["records"].as_array().into_iter().flatten().filter_map(|r| r["location"].as_str()).collect();
    assert!(locations.contains(&"R&D Lab, Building 2"), "&amp; decoded: {:?}", &locations[..5]);
}

#[tokio::test]
async fn not_found_envelopes_are_no_result_and_errors_are_clear() {
    let url = simulator(1000);
    let c = client(&url, "snipeit-good");
    assert!(c.call("by_tag", &input("tag", "A-99999")).await.expect("call").is_none(), "200 + 'Asset does not exist.' is no result");
    let one = c.call("by_tag", &input("tag", "A-00001")).await.expect("call").expect("single object answer");
    assert_eq!(one["records"][0]["asset_tag"], "A-00001");
    // Hostile values stay one path segment / one parameter.
    assert!(c.call("by_tag", &input("tag", "../../api/v1/hardware?search=")).await.expect("call").is_none());
    assert!(c.call("asset", &input("name", "x&search=&limit=500")).await.expect("call").is_none());

    let bad = client(&url, "snipeit-bad");
    let err = bad.call("asset", &input("name", "WKS-FIN-042")).await.expect_err("401");
    assert!(matches!(err, HttpError::Status { status: 401, .. }) && err.to_string().contains("Unauthorized"), "{err}");
    assert!(!err.is_transient());

    let mut no_accept = snipeit();
    no_accept.headers.clear();
    no_accept.auth = None;
    let c = HttpClient::new(&no_accept, Some(&HttpDeployment { base_url: Some(url.clone()), ..Default::default() })).expect("client");
    let err = c.call("asset", &input("name", "WKS-FIN-042")).await.expect_err("redirect");
    assert!(matches!(err, HttpError::Redirect(_, ref to) if to == "/login"), "{err}");
}

#[tokio::test]
async fn throttling_is_a_transient_error_that_names_retry_after() {
    let c = client(&simulator(2), "snipeit-good");
    for _ in 0..2 {
        c.call("asset", &input("name", "WKS-FIN-042")).await.expect("within the throttle");
    }
    let err = c.call("asset", &input("name", "WKS-FIN-042")).await.expect_err("429");
    assert!(err.is_transient());
    assert!(err.to_string().contains("Retry-After: 60"), "{err}");
}

#[tokio::test]
async fn playbooks_call_http_actions_through_the_executor_only_when_deployed() {
    let url = simulator(1000);
    secrets::inject("snipeit-token", "sim-token");
    let defs = vec![snipeit()];
    let off = Registry::build(&ConnectorsConfig::default(), &defs).expect("registry");
    let err = off.call("snipeit.asset", &input("name", "WKS-FIN-042")).await.expect_err("not deployed");
    assert_eq!(err.kind, ErrorKind::NotConfigured, "{}", err.message);

    let on = ConnectorsConfig {
        http: BTreeMap::from([("snipeit".to_string(), HttpDeployment { base_url: Some(url), ..Default::default() })]),
        ..Default::default()
    };
    let on = Registry::build(&on, &defs).expect("registry");
    let out = on.call("snipeit.asset", &input("name", "WKS-FIN-042")).await.expect("call").expect("found");
    assert_eq!(out["records"][0]["assigned_to"], "j.doe");
    assert!(on.test("snipeit").await.is_ok(), "the connection test asks once and succeeds");

    // The shipped playbooks validate with the connector's actions, and dry-run shows the request.
    let deployment = Deployment::new(Config::default()).expect("definitions");
    assert!(deployment.connectors.action("snipeit.asset").is_some());
    let q = deployment.connectors.preview("snipeit.asset", &input("name", "WKS FIN/042"));
    assert_eq!(q, "HTTP GET https://snipeit.corp.example/api/v1/hardware?search=WKS%20FIN%2F042");
}

#[test]
fn invalid_definitions_name_their_problems() {
    let err = HttpConnector::parse("name: mytool\nbase_url: http://x\nactions:\n  a:\n    inputs: [x]\n    path: \"/{{ input.x\"\n    records: \"rows[\"\n    exact_match: { field: n, input: y }\n", "bad.yaml").expect_err("invalid");
    let text = err.to_string();
    for part in ["template", "JMESPath", "exact_match names input \"y\""] {
        assert!(text.contains(part), "{part}: {text}");
    }
    // A definition may not take a built-in connector's name or action prefix.
    for name in ["siem", "asset", "active_directory"] {
        let def =
            HttpConnector::parse(&format!("name: {name}\nbase_url: http://x\nactions:\n  a:\n    inputs: [x]\n    path: /x\n"), "clash.yaml").expect("parses");
        assert!(matches!(Registry::build(&ConnectorsConfig::default(), &[def]), Err(RegistryError::NameTaken(_))), "{name}");
    }
}

#[tokio::test]
async fn dot_segments_never_reach_the_tool_in_any_encoding() {
    let c = client(&simulator(1000), "snipeit-good");
    for tag in ["..", ".", "%2e%2e", ".%2E", "%2E.", "%252e%252e"] {
        let err = c.call("by_tag", &input("tag", tag)).await.expect_err("refused");
        assert!(matches!(err, HttpError::Config(..)) && err.to_string().contains("would leave the API's path"), "{tag}: {err}");
        assert!(!err.is_transient(), "{tag}: not worth retrying");
    }
    // Dots inside a value are fine: they are not a segment of their own.
    assert!(c.call("by_tag", &input("tag", "A.B..C")).await.is_ok());
}
