//! `drawbridge-lab ldif [--seed N]`: prints the lab company's directory as LDIF.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.iter().position(|a| a == "--seed").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(7);
    match args.first().map(String::as_str) {
        Some("ldif") => print!("{}", drawbridge_lab::company(seed).ldif()),
        _ => {
            eprintln!("usage: drawbridge-lab ldif [--seed N]");
            std::process::exit(2);
        }
    }
}
