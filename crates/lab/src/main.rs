//! `drawbridge-lab ldif`: the lab company's directory as LDIF;
//! `drawbridge-lab siem`: four weeks of its SIEM events as `_bulk` NDJSON;
//! `drawbridge-lab panos-sim | snipeit-sim | splunk-sim | intel-sim`: vendor API simulators.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.iter().position(|a| a == "--seed").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(7);
    match args.first().map(String::as_str) {
        Some("ldif") => print!("{}", drawbridge_lab::company(seed).ldif()),
        Some("panos-sim") => {
            let key = std::env::var("PANOS_SIM_KEY").unwrap_or_else(|_| "lab-api-key".into());
            listen(&args, "127.0.0.1:18443", "PAN-OS", |l| drawbridge_lab::panos::serve(l, &key, drawbridge_lab::panos::lab_entries()));
        }
        Some("snipeit-sim") => {
            let token = std::env::var("SNIPEIT_SIM_TOKEN").unwrap_or_else(|_| "lab-snipeit-token".into());
            listen(&args, "127.0.0.1:18080", "Snipe-IT", |l| {
                drawbridge_lab::snipeit::serve(l, drawbridge_lab::snipeit::Simulator::new(&drawbridge_lab::company(seed), &token, 120))
            });
        }
        Some("splunk-sim") => {
            let token = std::env::var("SPLUNK_SIM_TOKEN").unwrap_or_else(|_| "lab-splunk-token".into());
            let events = drawbridge_lab::company(seed).siem_events(seed, 5_000);
            listen(&args, "127.0.0.1:18089", "Splunk", |l| drawbridge_lab::splunk::serve(l, drawbridge_lab::splunk::Simulator::from_bulk(&events, &token)));
        }
        Some("intel-sim") => {
            let key = std::env::var("INTEL_SIM_KEY").unwrap_or_else(|_| "lab-intel-key".into());
            let latency = args.iter().position(|a| a == "--latency-ms").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(0);
            listen(&args, "127.0.0.1:18090", "Threat intel", |l| {
                drawbridge_lab::intel::serve(l, drawbridge_lab::intel::Simulator::new(&key, std::time::Duration::from_millis(latency)))
            });
        }
        Some("assets-sql") => print!("{}", drawbridge_lab::company(seed).assets_sql(seed)),
        Some("siem") => {
            let count = args.iter().position(|a| a == "--count").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(100_000);
            print!("{}", drawbridge_lab::company(seed).siem_events(seed, count));
        }
        _ => {
            eprintln!(
                "usage: drawbridge-lab ldif | siem [--count N] | assets-sql | panos-sim | snipeit-sim | splunk-sim | intel-sim [--latency-ms N] [--listen ADDR]   (all take --seed N)"
            );
            std::process::exit(2);
        }
    }
}

/// Binds `--listen ADDR` (or `default`) and serves a simulator on it.
fn listen(args: &[String], default: &str, what: &str, serve: impl FnOnce(std::net::TcpListener)) {
    let addr = args.iter().position(|a| a == "--listen").and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.into());
    match std::net::TcpListener::bind(&addr) {
        Ok(l) => {
            eprintln!("{what} simulator on http://{addr}/");
            serve(l);
        }
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    }
}
