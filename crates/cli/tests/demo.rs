//! The embedded demo as `make run` sets it up (`demo/drawbridge.toml`): no
//! server anywhere, yet every source answers — the simulators and the demo
//! directory — and an approved reply lands as an `.eml` file in the local
//! outbox folder, whose path the outbox reports.

use std::path::Path;
use std::process::Command;

fn drawbridge(config: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_drawbridge")).arg("--config").arg(config).args(args).output().expect("drawbridge runs");
    assert!(out.status.success(), "drawbridge {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// The shipped demo config, with its data in a fresh folder `dir`.
fn demo_config(dir: &Path) -> std::path::PathBuf {
    let root = drawbridge_testkit::repo_root();
    let shipped = std::fs::read_to_string(root.join("demo/drawbridge.toml")).expect("demo config");
    let config = dir.join("drawbridge.toml");
    let text = shipped.replace("\".drawbridge/", &format!("\"{}/", dir.display())).replace("\"demo/", &format!("\"{}/demo/", root.display()));
    std::fs::write(&config, format!("playbooks_dir = \"{}/playbooks\"\n{text}", root.display())).expect("config");
    config
}

#[test]
fn the_demo_answers_from_every_source_and_writes_the_reply_to_a_folder() {
    let root = drawbridge_testkit::repo_root();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = demo_config(dir.path());
    let mut inbox: Vec<_> = std::fs::read_dir(root.join("demo/inbox")).expect("demo inbox").filter_map(|e| e.ok().map(|e| e.path())).collect();
    inbox.sort();
    for eml in &inbox {
        drawbridge(&config, &["ingest", eml.to_str().expect("path")]);
    }
    let requests = drawbridge(&config, &["requests", "list"]);
    let who_owns =
        requests.as_array().expect("list").iter().find(|r| r["subject"].as_str().is_some_and(|s| s.contains("Who owns WKS-FIN-042"))).expect("demo request");
    let id = who_owns["id"].as_i64().expect("id").to_string();

    let run = drawbridge(&config, &["run", &id]);
    assert_eq!(run["status"], "completed");
    let view = drawbridge(&config, &["report", "show", &id, "--format", "review"]);
    let findings: Vec<serde_json::Value> =
        view["report"]["indicators"].as_array().expect("indicators").iter().flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default()).collect();
    let found = |source: &str| findings.iter().any(|f| f["source"] == source && f["status"] == "found");
    for source in ["Active Directory", "SIEM", "Firewall", "Asset inventory"] {
        assert!(found(source), "{source} answered in the demo: {findings:#?}");
    }
    assert!(findings.iter().any(|f| f["status"] == "no_result"), "the demo shows a 'no result' too");
    assert!(findings.iter().all(|f| f["status"] != "not_asked"), "no source is left unconnected: {findings:#?}");

    // The lost laptop's playbook asks Snipe-IT, which the demo shows as down.
    let lost = requests.as_array().expect("list").iter().find(|r| r["subject"].as_str().is_some_and(|s| s.contains("LT-HR-007"))).expect("lost laptop");
    let lost_id = lost["id"].as_i64().expect("id").to_string();
    drawbridge(&config, &["run", &lost_id]);
    let lost_view = drawbridge(&config, &["report", "show", &lost_id, "--format", "review"]);
    let lost_findings: Vec<serde_json::Value> =
        lost_view["report"]["indicators"].as_array().expect("indicators").iter().flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default()).collect();
    assert!(
        lost_findings.iter().any(|f| f["status"] == "unavailable" && f["source"] == "Snipe-IT") && lost_findings.iter().any(|f| f["status"] == "found"),
        "a source down beside real findings: {lost_findings:#?}"
    );
    let text = lost_view["rendered"]["text"].as_str().expect("text");
    assert!(!text.contains("refused") && !text.contains("127.0.0.1"), "no connector text in the reply: {text}");

    let digest = view["rendered"]["digest"].as_str().expect("digest").to_string();
    let approved = drawbridge(&config, &["review", "approve", &id, "--digest", &digest, "--as", "demo", "--dev-impersonate"]);
    assert_eq!(approved["state"], "queued");
    let pass = drawbridge(&config, &["outbox", "send"]);
    assert_eq!(pass["sent"], 1);
    let outbox = drawbridge(&config, &["outbox", "list"]);
    let where_to = outbox[0]["smtp_response"].as_str().expect("where it went").to_string();
    let path = where_to.strip_prefix("written to ").expect("a path");
    let eml = std::fs::read_to_string(path).expect("the reply is a file");
    assert!(path.starts_with(&std::fs::canonicalize(dir.path()).expect("dir").display().to_string()), "{path}");
    assert!(eml.contains("In-Reply-To:") && eml.contains(&format!("DB-{id}")) && eml.contains("TLP:AMBER"), "{eml}");
}

/// `drawbridge enrich`: indicators without an e-mail, enriched at once
/// against the demo's intel simulators; the summary gives each verdict and
/// its reasons, and an internal address is not sent outside.
#[test]
fn enrich_submits_values_without_an_email_and_prints_their_verdicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = demo_config(dir.path());
    let bad = drawbridge_lab::BAD_SHA256;
    let summary = drawbridge(&config, &["enrich", bad, "185.220.101.4", "10.20.1.42", "--by", "EDR", "--note", "beaconing"]);
    assert_eq!(summary["run"]["status"], "completed", "{summary:#}");
    let indicator =
        |v: &str| summary["indicators"].as_array().expect("indicators").iter().find(|i| i["value"] == v).cloned().unwrap_or_else(|| panic!("{v}: {summary:#}"));
    assert_eq!(indicator(bad)["verdict"]["verdict"], "malicious");
    assert!(indicator(bad)["verdict"]["reasons"].as_array().is_some_and(|r| r.iter().any(|x| x.as_str().is_some_and(|x| x.starts_with("virustotal.file")))));
    assert_eq!(indicator("185.220.101.4")["verdict"]["verdict"], "malicious");
    let inside = indicator("10.20.1.42");
    let outside: Vec<&serde_json::Value> = inside["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| ["VirusTotal", "AbuseIPDB", "GreyNoise", "Shodan"].contains(&f["source"].as_str().unwrap_or("")))
        .collect();
    assert!(!outside.is_empty() && outside.iter().all(|f| f["status"] == "not_sent"), "{outside:#?}");
    // A submission that names nothing is refused with the reason, and kept.
    let out = Command::new(env!("CARGO_BIN_EXE_drawbridge")).arg("--config").arg(&config).args(["enrich", "hello there"]).output().expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no indicator"), "{}", String::from_utf8_lossy(&out.stderr));
}
