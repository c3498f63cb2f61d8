//! A person's path through the real window: the built app, driven by WebDriver
//! (tauri-driver + WebKitWebDriver) under X. Skips, saying so, when there is
//! no display or no tauri-driver (`make test` provides both).

use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
        let _ = Command::new("kill").arg("-TERM").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

fn tauri_driver() -> Option<std::path::PathBuf> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from)?;
    let candidate = home.join(".cargo/bin/tauri-driver");
    if candidate.exists() {
        return Some(candidate);
    }
    Command::new("which").arg("tauri-driver").output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).trim().into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_window_lists_an_ingested_request() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("SKIPPED: no DISPLAY; `make test` runs this under Xvfb");
        return;
    }
    let Some(driver_bin) = tauri_driver() else {
        eprintln!("SKIPPED: tauri-driver is not installed (`make deps` installs it)");
        return;
    };
    // fantoccini's HTTP client needs a process-wide rustls provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("app.db");
    let config_path = dir.path().join("drawbridge.toml");
    std::fs::write(&config_path, format!("[intake]\ndrop_folder = {:?}\n", dir.path().join("inbox").display().to_string())).expect("config");

    // A request, ingested through the engine exactly as the watchers do it.
    let store = Store::open_sqlite(&db).await.expect("store");
    let config = Config::load(Some(&config_path)).expect("config");
    let ingestor = Ingestor::new(&config, store, DnsSource::Fixed(Default::default())).expect("ingestor");
    let subject = "Who owns WKS-FIN-042?";
    let raw = format!(
        "From: SOC <analyst@mssp.example.net>\r\nTo: mssp-requests@corp.example\r\nSubject: {subject}\r\n\
         Message-ID: <ui-test@mssp.example.net>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\r\n\
         Please check WKS-FIN-042 and 203.0.113[.]7.\r\n"
    );
    let origin = Origin { source: Source::File, reference: "ui-test.eml".into(), cursor: None };
    ingestor.ingest(raw.as_bytes(), &origin).await.expect("ingest");

    let port = 4444;
    let _driver = Driver(
        Command::new(driver_bin)
            .args(["--port", &port.to_string()])
            .env("DRAWBRIDGE_DB", &db)
            .env("DRAWBRIDGE_CONFIG", &config_path)
            .spawn()
            .expect("tauri-driver starts"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert("tauri:options".into(), serde_json::json!({ "application": env!("CARGO_BIN_EXE_drawbridge-app") }));
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => break c,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("cannot reach tauri-driver: {e}"),
        }
    };
    let cell = client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("#queue td.subject")).await.expect("the queue shows a request");
    let text = cell.text().await.expect("text");
    assert_eq!(text, subject);
    let row = client.find(Locator::Css("#queue tbody tr")).await.expect("row");
    let row_text = row.text().await.expect("row text");
    assert!(row_text.contains("analyst@mssp.example.net"), "{row_text}");
    assert!(row_text.contains("verified"), "verification verdict shown: {row_text}");
    let request_type = client.find(Locator::Css("#queue td.type")).await.expect("type").text().await.expect("text");
    assert_eq!(request_type, "enrichment", "the triage result is shown");
    let count = client.find(Locator::Css("#queue td.indicators")).await.expect("count").text().await.expect("text");
    assert_eq!(count, "2", "indicator count (WKS-FIN-042, 203.0.113.7)");

    // WebKit paints a moment after the DOM changes; the screenshot is for the README.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    if let Ok(png) = client.screenshot().await {
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        let _ = std::fs::create_dir_all(&out);
        let _ = std::fs::write(out.join("queue.png"), png);
    }
    client.close().await.expect("close");
}
