//! Threat intel against the vendor simulators answering in 300 ms (issue
//! 15): one request with 5 external indicators (a file hash, two IPs, a
//! domain, a URL) through the enrichment playbook's intel steps (VirusTotal,
//! AbuseIPDB, GreyNoise, Shodan, urlscan.io, RDAP: 16 calls). `cold` asks every
//! source (a fresh cache each time); `cached` runs a request whose answers
//! are all in the cache. Targets: cold ≤ 1 s, cached ≤ 50 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use drawbridge_engine::config::Config;
use drawbridge_engine::connectors::http::HttpDeployment;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::playbook::Runner;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use std::time::{Duration, Instant};

const EMAIL: &str = "Please check 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881, 185.220.101.4, \
                     45.155.205.233, login-verify-portal.com and https://login-verify-portal.com/login.";

fn intel(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = drawbridge_lab::intel::Simulator::new("bench-key", Duration::from_millis(300));
    std::thread::spawn(move || drawbridge_lab::intel::serve(listener, sim));
    let mut config = Config::default();
    for (name, path) in [("virustotal", "/api/v3"), ("abuseipdb", "/api/v2"), ("greynoise", ""), ("shodan", ""), ("urlscan", "")] {
        drawbridge_engine::secrets::inject(&format!("{name}-api-key"), "bench-key");
        config.connectors.http.insert(name.into(), HttpDeployment { base_url: Some(format!("{url}/{name}{path}")), ..Default::default() });
    }
    // RDAP too: the registries are found through bootstrap files naming the simulator.
    let bootstrap = std::env::temp_dir().join(format!("drawbridge-bench-rdap-{}", std::process::id()));
    drawbridge_lab::intel::write_rdap_bootstrap(&bootstrap, &url).expect("bootstrap files");
    config.connectors.set("rdap", &serde_json::json!({ "bootstrap_dir": bootstrap, "allow_http": true }));
    let deployment = Deployment::new(config).expect("deployment");
    let mut n = 0u64;
    let mut run_one = |store: &Store| -> Duration {
        n += 1;
        let ingestor = Ingestor::new(&deployment.config, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
        let raw = format!(
            "From: a@mssp.example.net\r\nTo: mssp-requests@corp.example\r\nSubject: IOCs\r\nMessage-ID: <intel-{n}@mssp.example.net>\r\n\
             Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n{EMAIL}\r\n"
        );
        let id =
            rt.block_on(ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: "bench".into(), cursor: None })).expect("ingest").request_id;
        let mut runner = Runner::configured(store.clone(), deployment.connectors.clone(), &deployment.config.connectors.limits);
        let started = Instant::now();
        let run = rt.block_on(drawbridge_engine::enrich::run_request(store, &deployment, &mut runner, id)).expect("run");
        let spent = started.elapsed();
        assert!(run.steps.iter().filter(|s| s.step.starts_with("intel_") && s.action.contains('.')).count() >= 16, "{:?}", run.steps);
        spent
    };
    let mut group = c.benchmark_group("intel");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("cold_5_indicators_300ms_sources", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| {
                    let store = rt.block_on(Store::in_memory()).expect("store");
                    run_one(&store)
                })
                .sum()
        })
    });
    let warm = rt.block_on(Store::in_memory()).expect("store");
    run_one(&warm);
    group.bench_function("cached_5_indicators", |b| b.iter_custom(|iterations| (0..iterations).map(|_| run_one(&warm)).sum()));
    group.finish();
}

criterion_group!(benches, intel);
criterion_main!(benches);
