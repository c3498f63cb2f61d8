//! The embedded demo (`[demo] simulators = true`): the project's vendor
//! simulators started in-process on loopback — Splunk's REST export over the
//! lab company's SIEM events, the PAN-OS XML API, Snipe-IT, the threat intel
//! services (VirusTotal, AbuseIPDB, GreyNoise, Shodan, urlscan.io) — and the
//! connectors pointed at them, with the demo directory standing in for
//! Active Directory, so that every source answers with no server at all.
//! Their tokens are handed over in memory. For trying Drawbridge out only:
//! the data is the fictional lab company.

use crate::connectors::ConnectorsConfig;
use serde::{Deserialize, Serialize};
use std::net::TcpListener;

/// `[demo]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    /// Start the simulators and point the connectors at them.
    #[serde(default)]
    pub simulators: bool,
    /// The demo company's seed (the lab's is 7).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Sources shown as down (`splunk`, `firewall`, `snipeit`): pointed at a
    /// port nobody listens on, so a draft shows how "source unavailable" reads.
    #[serde(default)]
    pub unavailable: Vec<String>,
}

/// Where the simulators listen.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub siem: String,
    pub firewall: String,
    pub snipeit: String,
    /// The intel simulators, each vendor under its own path.
    pub intel: String,
}

fn listener() -> std::io::Result<(TcpListener, String)> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", l.local_addr()?);
    Ok((l, url))
}

/// A loopback URL where nothing listens: the port was free a moment ago.
fn closed_port() -> std::io::Result<String> {
    let (l, url) = listener()?;
    drop(l);
    Ok(url)
}

/// The simulators of this process, started once (threads that live as long as the process).
fn started(seed: u64) -> Result<Started, String> {
    static STARTED: std::sync::OnceLock<Result<Started, String>> = std::sync::OnceLock::new();
    STARTED
        .get_or_init(|| {
            let company = drawbridge_lab::company(seed);
            let start = || -> std::io::Result<Started> {
                let (l, siem) = listener()?;
                let events = company.siem_events(seed, 20_000);
                std::thread::spawn(move || drawbridge_lab::splunk::serve(l, drawbridge_lab::splunk::Simulator::from_bulk(&events, "demo-splunk")));
                let (l, firewall) = listener()?;
                std::thread::spawn(move || drawbridge_lab::panos::serve(l, "demo-panos", drawbridge_lab::panos::lab_entries()));
                let (l, snipeit) = listener()?;
                let sim = drawbridge_lab::snipeit::Simulator::new(&company, "demo-snipeit", 600);
                std::thread::spawn(move || drawbridge_lab::snipeit::serve(l, sim));
                let (l, intel) = listener()?;
                let sim = drawbridge_lab::intel::Simulator::new("demo-intel", std::time::Duration::ZERO);
                std::thread::spawn(move || drawbridge_lab::intel::serve(l, sim));
                Ok(Started { siem, firewall, snipeit, intel })
            };
            start().map_err(|e| format!("cannot start the demo simulators: {e}"))
        })
        .clone()
}

/// The intel connectors the demo sets up, with the path of their API under
/// the simulator's vendor prefix.
const INTEL: [(&str, &str); 6] = [("virustotal", "/api/v3"), ("abuseipdb", "/api/v2"), ("greynoise", ""), ("shodan", ""), ("urlscan", ""), ("misp", "")];

/// Points `connectors` at the demo simulators (started on first use) where
/// `demo.simulators` is on and the config names no server of its own.
pub fn apply(demo: &DemoConfig, connectors: &mut ConnectorsConfig) -> Result<(), String> {
    if !demo.simulators {
        return Ok(());
    }
    let seed = demo.seed.unwrap_or(7);
    let mut servers = started(seed)?;
    if !demo.unavailable.is_empty() {
        let down = closed_port().map_err(|e| format!("cannot find a closed port for the demo: {e}"))?;
        for name in &demo.unavailable {
            match name.as_str() {
                "splunk" => servers.siem = down.clone(),
                "firewall" => servers.firewall = down.clone(),
                "snipeit" => servers.snipeit = down.clone(),
                other => return Err(format!("[demo] unavailable: no demo source is called {other:?} (splunk, firewall, snipeit)")),
            }
        }
    }
    crate::secrets::inject("demo-splunk-token", "demo-splunk");
    crate::secrets::inject("demo-panos-key", "demo-panos");
    crate::secrets::inject("snipeit-token", "demo-snipeit");
    if !connectors.sections.contains_key("siem") && !connectors.sections.contains_key("splunk") {
        let mut splunk = crate::connectors::siem_splunk::SplunkConfig::cim(&servers.siem, "*");
        splunk.token_secret = Some("demo-splunk-token".into());
        connectors.set("splunk", &splunk);
    }
    if !connectors.sections.contains_key("firewall") {
        connectors.set("firewall", &serde_json::json!({ "url": servers.firewall, "api_key_secret": "demo-panos-key", "poll_interval_ms": 50 }));
    }
    connectors.http.entry("snipeit".into()).or_insert_with(|| crate::connectors::http::HttpDeployment {
        base_url: Some(servers.snipeit.clone()),
        ca_file: None,
        allow_tls12: false,
    });
    for (name, path) in INTEL {
        crate::secrets::inject(&format!("{name}-api-key"), "demo-intel");
        connectors.http.entry(name.to_string()).or_insert_with(|| crate::connectors::http::HttpDeployment {
            base_url: Some(format!("{}/{name}{path}", servers.intel)),
            ca_file: None,
            allow_tls12: false,
        });
    }
    if !connectors.sections.contains_key("rdap") {
        // The registries' bootstrap files name the simulator instead of the
        // real registries, kept beside the demo's other temporary files.
        let dir = std::env::temp_dir().join(format!("drawbridge-demo-rdap-{}", std::process::id()));
        drawbridge_lab::intel::write_rdap_bootstrap(&dir, &servers.intel).map_err(|e| format!("demo RDAP bootstrap in {}: {e}", dir.display()))?;
        connectors.set("rdap", &serde_json::json!({ "bootstrap_dir": dir, "allow_http": true }));
    }
    if !connectors.sections.contains_key("active_directory") && !connectors.sections.contains_key("demo_directory") {
        connectors.set("demo_directory", &serde_json::json!({ "seed": seed }));
    }
    tracing::info!(siem = %servers.siem, firewall = %servers.firewall, snipeit = %servers.snipeit, intel = %servers.intel, "demo: simulators answer for the SIEM, firewall, Snipe-IT and threat intel; the demo directory for Active Directory");
    Ok(())
}
