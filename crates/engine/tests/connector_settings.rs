//! The Connectors screen's engine side against the project's PAN-OS
//! simulator: "Test connection" tells settings, connection, authentication
//! and query apart on the settings on screen without saving anything; a save
//! writes only the secret's name to the file (the value to the keyring or
//! the 0600 secrets file), keeps the file's comments, is audited, and the
//! rebuilt deployment uses the new settings.
//!
//! The secrets file is a process-wide setting, so this binary has one test.

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::model::ErrorKind;
use drawbridge_engine::secrets;
use drawbridge_engine::settings::ConfigFile;
use drawbridge_engine::settings::connectors::{self, TestVerdict};
use drawbridge_engine::store::Store;
use serde_json::json;
use std::collections::BTreeMap;

fn failed_stage(v: &TestVerdict) -> Option<&'static str> {
    v.stages.iter().find(|s| s.result == "failed").map(|s| s.name)
}

#[tokio::test]
async fn a_connector_is_tested_saved_and_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    // SAFETY: the only test in this binary, before any other thread reads the environment.
    unsafe {
        std::env::set_var("DRAWBRIDGE_SECRETS_FILE", dir.path().join("secrets"));
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || drawbridge_lab::panos::serve(listener, "the-right-key", drawbridge_lab::panos::lab_entries()));

    let path = dir.path().join("drawbridge.toml");
    std::fs::write(&path, "# our settings\n[senders]\nallowed_domains = [\"mssp.example.net\"]\n").expect("write");
    let file = ConfigFile::new(&path);
    let deployment = Deployment::new(Config::load(Some(&path)).expect("config")).expect("deployment");
    let store = Store::in_memory().await.expect("store");

    let forms = connectors::forms(&deployment, &file).expect("forms");
    let firewall = forms.iter().find(|f| f.info.name == "firewall").expect("the firewall connector");
    assert_eq!((firewall.origin, firewall.section.as_str()), ("none", "connectors.firewall"));
    assert_eq!(firewall.secrets.iter().map(|s| s.field.as_str()).collect::<Vec<_>>(), ["api_key_secret"]);
    assert!(firewall.schema["properties"]["url"].is_object(), "the form's schema: {}", firewall.schema);

    // An empty secret name gets the default name (`firewall-api-key`), which
    // may be in the keyring lab from another run: this test names its own.
    let secret_name = format!("test-firewall-key-{}", std::process::id());
    let settings = json!({ "url": url, "api_key_secret": secret_name, "poll_interval_ms": 20 });
    let key = |k: &str| BTreeMap::from([("api_key_secret".to_string(), k.to_string())]);

    let ok = connectors::test(&deployment, "firewall", &settings, &key("the-right-key")).await.expect("tested");
    assert!(ok.ok, "{ok:?}");
    assert!(ok.stages.iter().all(|s| s.result == "passed"), "{ok:?}");

    let wrong = connectors::test(&deployment, "firewall", &settings, &key("a-wrong-key")).await.expect("tested");
    assert_eq!((failed_stage(&wrong), wrong.kind), (Some("authentication"), Some(ErrorKind::Refused)), "{wrong:?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let nowhere = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let down = connectors::test(&deployment, "firewall", &json!({ "url": nowhere, "api_key_secret": "x" }), &key("k")).await.expect("tested");
    assert_eq!(failed_stage(&down), Some("connection"), "{down:?}");

    let bad = connectors::test(&deployment, "firewall", &json!({ "api_key_secret": "x" }), &BTreeMap::new()).await.expect("tested");
    assert_eq!(failed_stage(&bad), Some("settings"), "{bad:?}");
    assert!(bad.stages.iter().skip(1).all(|s| s.result == "not_reached"), "{bad:?}");

    // Nothing was stored by the tests.
    assert!(secrets::resolve(&secret_name).is_err(), "a test stores no secret");
    assert!(!dir.path().join("secrets").exists());

    // A save that cannot build the connector writes nothing.
    let before = std::fs::read_to_string(&path).expect("text");
    let refused = connectors::save(&deployment, &file, &store, "firewall", &json!({ "url": 5 }), &BTreeMap::new(), "alice").await;
    assert!(refused.is_err());
    assert_eq!(std::fs::read_to_string(&path).expect("text"), before);

    let saved = connectors::save(&deployment, &file, &store, "firewall", &settings, &key("the-right-key"), "alice").await.expect("saved");
    let text = std::fs::read_to_string(&path).expect("text");
    assert!(text.contains("# our settings") && text.contains("[connectors.firewall]"), "{text}");
    assert!(text.contains(&format!("api_key_secret = \"{secret_name}\"")), "only the secret's name is in the file: {text}");
    assert!(!text.contains("the-right-key"), "{text}");
    assert_eq!(saved.secrets.len(), 1);
    assert_eq!(secrets::resolve(&secret_name).expect("stored"), "the-right-key");
    if let (_, secrets::StoredIn::File { path }) = &saved.secrets[0] {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(path).expect("meta").permissions().mode() & 0o777, 0o600);
    }

    let audit = store.audit_log(None).await.expect("audit");
    let entry = audit.iter().find(|e| e.action == "connector_settings").expect("audited");
    assert_eq!(entry.actor, "alice");
    assert!(entry.detail.contains(&secret_name) && !entry.detail.contains("the-right-key"), "{}", entry.detail);

    // The rebuilt deployment runs on the saved settings.
    let next = Deployment::new(saved.config).expect("rebuilt");
    next.connectors.test("firewall").await.expect("the saved firewall answers");
    let after = connectors::forms(&next, &file).expect("forms");
    let firewall = after.iter().find(|f| f.info.name == "firewall").expect("firewall");
    assert_eq!(firewall.origin, "file");
    assert!(firewall.secrets[0].resolves, "{:?}", firewall.secrets);
    if saved.secrets[0].1 == secrets::StoredIn::Keyring {
        secrets::delete_from_keyring(&secret_name).expect("cleaned up");
    }
}
