//! A playbook run survives the process being killed: `drawbridge run` is
//! killed (SIGKILL) in the middle of a run, and a second `drawbridge run`
//! resumes it without asking again for anything whose result was stored.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A slow JSON API: every answer takes 300 ms; records which names were asked.
fn slow_server(asked: Arc<Mutex<Vec<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let asked = asked.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h.trim().is_empty() {
                        break;
                    }
                }
                let name = line.split("name=").nth(1).and_then(|r| r.split([' ', '&']).next()).unwrap_or("").to_string();
                asked.lock().expect("lock").push(name.clone());
                std::thread::sleep(Duration::from_millis(300));
                let body = format!("{{\"name\":\"{name}\",\"owner\":\"someone\"}}");
                let _ =
                    write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let mut rest = Vec::new();
                let _ = reader.read_to_end(&mut rest);
            });
        }
    });
    format!("http://{addr}")
}

fn drawbridge(config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_drawbridge"));
    c.arg("--config").arg(config).env("RUST_LOG", "warn");
    c
}

#[test]
fn a_run_killed_midway_resumes_without_repeating_stored_calls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let asked = Arc::new(Mutex::new(Vec::new()));
    let url = slow_server(asked.clone());
    let playbooks = dir.path().join("playbooks");
    std::fs::create_dir_all(playbooks.join("connectors")).expect("mkdir");
    std::fs::write(
        playbooks.join("connectors/slowcmdb.yaml"),
        "name: slowcmdb\nnetwork: internal\nbase_url: http://unused\nactions:\n  host:\n    inputs: [name]\n    path: /host\n    query: { name: \"{{ input.name }}\" }\n",
    )
    .expect("connector");
    std::fs::write(
        playbooks.join("default.yaml"),
        "name: default\ntrigger: { request_types: [default, enrichment, informational, phishing, device_lost, containment] }\nsteps:\n  - id: host\n    action: slowcmdb.host\n    for_each: { kinds: [hostname] }\n    input: { name: \"{{ item.value }}\" }\n",
    )
    .expect("playbook");
    let config = dir.path().join("drawbridge.toml");
    std::fs::write(
        &config,
        format!(
            "database = \"{db}\"\nplaybooks_dir = \"{pb}\"\n[connectors.http.slowcmdb]\nbase_url = \"{url}\"\n[connectors.limits.slowcmdb]\nconcurrency = 1\n",
            db = dir.path().join("db.sqlite").display(),
            pb = playbooks.display()
        ),
    )
    .expect("config");
    let hosts: Vec<String> = (1..=6).map(|i| format!("WKS-OPS-{i:03}")).collect();
    let eml = dir.path().join("request.eml");
    std::fs::write(
        &eml,
        format!(
            "From: analyst@mssp.example.net\r\nTo: soc@corp.example\r\nSubject: Owners please\r\nMessage-ID: <kill-1@mssp.example.net>\r\n\
             Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\nWho owns {}?\r\n",
            hosts.join(", ")
        ),
    )
    .expect("eml");
    let out = drawbridge(&config).arg("ingest").arg(&eml).output().expect("ingest");
    assert!(out.status.success(), "ingest: {}", String::from_utf8_lossy(&out.stderr));

    // First run: killed once three calls have been answered.
    let mut child = drawbridge(&config).args(["run", "1"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("run");
    for _ in 0..200 {
        if asked.lock().expect("lock").len() >= 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let asked_first: Vec<String> = asked.lock().expect("lock").clone();
    assert!((3..6).contains(&asked_first.len()), "killed midway: {asked_first:?}");

    // What the killed process had stored.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let stored: HashSet<String> = rt.block_on(async {
        let store = drawbridge_engine::store::Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("db");
        store.run(1).await.expect("run 1 exists").steps.into_iter().map(|s| s.item.trim_start_matches("hostname:").to_string()).collect()
    });
    assert!(stored.len() >= 2 && stored.len() < 6, "some calls stored before the kill: {stored:?}");

    // Restart: the run resumes.
    let out = drawbridge(&config).args(["run", "1"]).output().expect("rerun");
    assert!(out.status.success(), "rerun: {}", String::from_utf8_lossy(&out.stderr));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).expect("run JSON");
    assert_eq!(run["id"], 1, "the same run, resumed");
    assert_eq!(run["status"], "completed");
    let ok: Vec<&str> =
        run["steps"].as_array().expect("steps").iter().filter(|s| s["step"] == "host" && s["status"] == "ok").filter_map(|s| s["item"].as_str()).collect();
    assert_eq!(ok.len(), 6, "every host answered: {run}");
    let asked_after: Vec<String> = asked.lock().expect("lock")[asked_first.len()..].to_vec();
    for name in &asked_after {
        assert!(!stored.contains(name), "{name} was stored before the kill and asked again: {asked_after:?}");
    }
    assert_eq!(asked_after.len(), 6 - stored.len(), "exactly the unfinished calls were made");
}
