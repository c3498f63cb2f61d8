//! `drawbridge-lab ldif`: the lab company's directory as LDIF;
//! `drawbridge-lab siem`: four weeks of its SIEM events as `_bulk` NDJSON.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.iter().position(|a| a == "--seed").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(7);
    match args.first().map(String::as_str) {
        Some("ldif") => print!("{}", drawbridge_lab::company(seed).ldif()),
        Some("panos-sim") => {
            let addr = args.iter().position(|a| a == "--listen").and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| "127.0.0.1:18443".into());
            let key = std::env::var("PANOS_SIM_KEY").unwrap_or_else(|_| "lab-api-key".into());
            match std::net::TcpListener::bind(&addr) {
                Ok(l) => {
                    eprintln!("PAN-OS simulator on http://{addr}/api/");
                    drawbridge_lab::panos::serve(l, &key, drawbridge_lab::panos::lab_entries());
                }
                Err(e) => {
                    eprintln!("cannot listen on {addr}: {e}");
                    std::process::exit(1);
                }
            }
        }
        Some("assets-sql") => print!("{}", drawbridge_lab::company(seed).assets_sql(seed)),
        Some("siem") => {
            let count = args.iter().position(|a| a == "--count").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(100_000);
            print!("{}", drawbridge_lab::company(seed).siem_events(seed, count));
        }
        _ => {
            eprintln!("usage: drawbridge-lab ldif [--seed N] | drawbridge-lab siem [--seed N] [--count N] | drawbridge-lab assets-sql [--seed N]");
            std::process::exit(2);
        }
    }
}
