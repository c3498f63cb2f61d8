//! `drawbridge-lab ldif`: the lab company's directory as LDIF;
//! `drawbridge-lab siem`: four weeks of its SIEM events as `_bulk` NDJSON.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.iter().position(|a| a == "--seed").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(7);
    match args.first().map(String::as_str) {
        Some("ldif") => print!("{}", drawbridge_lab::company(seed).ldif()),
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
