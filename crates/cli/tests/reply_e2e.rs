//! End to end with real Postfix and Dovecot (the mail lab): an MSSP email
//! arrives over IMAP, `drawbridge serve` classifies it and runs its playbook
//! (the PAN-OS simulator and the CSV inventory; the Samba directory too when
//! its lab runs), the analyst redacts a value and approves with the CLI, and
//! the reply lands in the MSSP's mailbox threaded, redacted, with the JSON
//! attachment. With Postfix stopped the reply waits in the outbox and is
//! delivered once Postfix is back.

use drawbridge_testkit::emails::request as request_to;
use drawbridge_testkit::labs;
use drawbridge_testkit::mail::{mailbox, mssp_inbox, stop_postfix};
use mail_parser::MimeHeaders;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn drawbridge(config: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_drawbridge")).arg("--config").arg(config).args(args).output().expect("drawbridge runs");
    assert!(out.status.success(), "drawbridge {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn eventually<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    None
}

fn request(subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    request_to("mssp-requests@corp.example", subject, message_id, body)
}

async fn submit(lab: &Path, raw: &[u8]) {
    drawbridge_testkit::mail::submit(lab, "mssp-requests@corp.example", raw).await
}

/// Our reply to `message_id`, once it is in the MSSP's inbox.
async fn reply_to(lab: &Path, message_id: &str, limit: Duration) -> Option<Vec<u8>> {
    let start = Instant::now();
    while start.elapsed() < limit {
        for raw in mssp_inbox(lab).await {
            if let Some(m) = mail_parser::MessageParser::default().parse(&raw)
                && m.in_reply_to().as_text() == Some(message_id.trim_matches(['<', '>']))
            {
                return Some(raw);
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    None
}

fn request_id(config: &Path, subject: &str) -> Option<i64> {
    let list = drawbridge(config, &["requests", "list"]);
    list.as_array()?.iter().find(|r| r["subject"] == subject).and_then(|r| r["id"].as_i64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_redacted_report_reaches_the_mssp_threaded_and_survives_an_smtp_outage() {
    let Some(lab) = labs::mail() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // The PAN-OS simulator, in this process.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let panos = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || drawbridge_lab::panos::serve(listener, "e2e-key", drawbridge_lab::panos::lab_entries()));
    let root = drawbridge_testkit::repo_root();
    let directory = labs::directory().map(|d| {
        format!(
            "[connectors.active_directory]\nurl = \"ldaps://127.0.0.1:636\"\nca_file = \"{}\"\nbind_dn = \"Administrator@corp.example.test\"\npassword_secret = \"e2e-ad\"\nbase_dn = \"DC=corp,DC=example,DC=test\"\nnetbios_domain = \"CORP\"\n",
            d.join("tls/ca.pem").display()
        )
    });
    let config = dir.path().join("drawbridge.toml");
    std::fs::write(
        &config,
        format!(
            r#"database = "{db}"
playbooks_dir = "{root}/playbooks"

[indicators]
internal_domains = ["corp.example"]
hostname_patterns = ['(?i)^(wks|lt|srv)-[a-z0-9-]+$']
netbios_domains = ["CORP"]
exclude_domains = ["mssp.example.net"]
exclude_addresses = ["mssp-requests@corp.example"]

[senders]
allowed_domains = ["mssp.example.net"]
trusted_authserv_ids = ["mx1.corp.example"]
verify_dkim = false

[intake]
drop_folder = "{dir}/inbox"

[intake.imap]
host = "127.0.0.1"
port = 10993
tls = "implicit"
ca_file = "{lab}/tls/ca.pem"
username = "mssp-requests@corp.example"
password_secret = "e2e-imap"
mailbox = "INBOX"

[connectors.firewall]
url = "{panos}"
api_key_secret = "e2e-panos"
poll_interval_ms = 50

[connectors.asset_inventory]
backend = "csv"
path = "{root}/demo/assets.csv"

{directory}
[outbound]
from = "Corp SOC <mssp-requests@corp.example>"
sent_folder = "Sent"
retry_base_seconds = 1
max_backoff_seconds = 2

[outbound.smtp]
host = "127.0.0.1"
port = 10587
tls = "starttls"
ca_file = "{lab}/tls/ca.pem"
username = "mssp-requests@corp.example"
password_secret = "e2e-smtp"
"#,
            db = dir.path().join("db.sqlite").display(),
            root = root.display(),
            dir = dir.path().display(),
            lab = lab.display(),
            directory = directory.unwrap_or_default(),
        ),
    )
    .expect("config");
    let serve = Command::new(env!("CARGO_BIN_EXE_drawbridge"))
        .arg("--config")
        .arg(&config)
        .args(["serve", "--interval", "1"])
        .env("DRAWBRIDGE_SECRET_E2E_IMAP", "mssp-requests-pw")
        .env("DRAWBRIDGE_SECRET_E2E_SMTP", "mssp-requests-pw")
        .env("DRAWBRIDGE_SECRET_E2E_PANOS", "e2e-key")
        .env("DRAWBRIDGE_SECRET_E2E_AD", "Passw0rd!Admin")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let _serve = Serve(serve);

    // 1. The request arrives, is classified and its playbook runs.
    let tag = std::process::id();
    let subject = format!("Who owns WKS-FIN-042? case {tag}");
    let message_id = format!("<e2e-{tag}@mssp.example.net>");
    submit(&lab, &request(&subject, &message_id, "Hi team, who owns WKS-FIN-042, and did 203.0.113.7 hit your firewall during November 2026?")).await;
    let id = eventually(Duration::from_secs(60), || request_id(&config, &subject)).expect("the request arrived over IMAP");
    let view = eventually(Duration::from_secs(30), || {
        let v = drawbridge(&config, &["report", "show", &id.to_string(), "--format", "review"]);
        let found =
            v["report"]["indicators"].as_array()?.iter().flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default()).any(|f| f["status"] == "found");
        (found && v["run_status"] == "completed").then_some(v)
    })
    .expect("the playbook ran and found something");
    let facts: Vec<serde_json::Value> = view["report"]["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default())
        .flat_map(|f| f["facts"].as_array().cloned().unwrap_or_default())
        .collect();
    let model = facts.iter().find(|f| f["label"] == "model" && f["value"] == "HP EliteDesk 800 G9").expect("the asset record's model");
    let firewall: Vec<serde_json::Value> = view["report"]["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default())
        .filter(|f| f["source"] == "Firewall")
        .collect();
    assert!(facts.iter().any(|f| f["label"] == "count" && f["value"] == "4"), "firewall sessions for the bad IP: {firewall:?}");

    // 2. The analyst redacts the model and approves with the CLI.
    let redacted = drawbridge(&config, &["review", "redact", &id.to_string(), model["id"].as_str().expect("fact id"), "--as", "alice", "--dev-impersonate"]);
    let shown = redacted["digest"].as_str().expect("the digest of the report as it now reads").to_string();
    // Approving as somebody else than the OS account needs the development flag.
    let claimed = Command::new(env!("CARGO_BIN_EXE_drawbridge"))
        .arg("--config")
        .arg(&config)
        .args(["review", "approve", &id.to_string(), "--digest", &shown, "--as", "mallory"])
        .output()
        .expect("drawbridge runs");
    assert!(!claimed.status.success() && String::from_utf8_lossy(&claimed.stderr).contains("--dev-impersonate"), "{claimed:?}");
    let approved = drawbridge(&config, &["review", "approve", &id.to_string(), "--digest", &shown, "--as", "alice", "--dev-impersonate"]);
    assert_eq!(approved["state"], "queued");

    // 3. The reply arrives in the MSSP's mailbox.
    let raw = reply_to(&lab, &message_id, Duration::from_secs(30)).await.expect("the reply was delivered");
    let text = String::from_utf8_lossy(&raw);
    let parsed = mail_parser::MessageParser::default().parse(&raw).expect("reply parses");
    assert_eq!(parsed.subject(), Some(format!("Re: {subject} [DB-{id}]").as_str()), "our reference joins the subject");
    let references = parsed.references().as_text_list().map(|l| l.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(references, vec!["case-7@mssp.example.net".to_string(), format!("e2e-{tag}@mssp.example.net")], "References continue the thread");
    assert!(!text.contains("HP EliteDesk 800 G9"), "the redacted value is not in the email");
    assert!(!text.contains("10.20.1.42"), "an internal IP the MSSP did not ask about stays inside");
    assert!(parsed.body_text(0).is_some_and(|b| b.contains("WKS-FIN-042") && b.contains("redacted by the analyst") && b.contains("TLP:AMBER")));
    let attachment = parsed.attachments().find(|a| a.attachment_name() == Some(&format!("DB-{id}.json"))).expect("JSON attachment");
    let json: serde_json::Value = serde_json::from_slice(attachment.contents()).expect("attachment is JSON");
    assert_eq!(json["schema"], "drawbridge-report/2");
    assert_eq!(json["reference"], format!("DB-{id}"));
    assert_eq!(parsed.to().and_then(|t| t.first()).and_then(|a| a.address()), Some("analyst@mssp.example.net"), "only the verified sender");
    let log = drawbridge(&config, &["audit", "show", &id.to_string()]);
    let actions: Vec<&str> = log.as_array().into_iter().flatten().filter_map(|e| e["action"].as_str()).collect();
    // The draft (refreshed while the playbook was still gathering), then the analyst, then the sending.
    assert_eq!(actions.first(), Some(&"draft"));
    assert_eq!(actions.iter().filter(|a| **a != "draft").copied().collect::<Vec<_>>(), ["redact", "approve", "sent"]);

    // A copy is filed in the Sent folder of Drawbridge's own mailbox.
    let started = Instant::now();
    let filed = loop {
        let sent = mailbox(&lab, "mssp-requests@corp.example", "mssp-requests-pw", "Sent").await;
        if sent.iter().any(|m| String::from_utf8_lossy(m).contains(&format!("DB-{id}.json"))) || started.elapsed() > Duration::from_secs(15) {
            break sent;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert!(filed.iter().any(|m| String::from_utf8_lossy(m).contains(&format!("DB-{id}.json"))), "the sent reply is filed in Sent");

    // 4. With Postfix down the next reply waits in the outbox, then goes out.
    let subject2 = format!("Any sign of 203.0.113.7? case {tag}-2");
    let message_id2 = format!("<e2e-{tag}-2@mssp.example.net>");
    submit(&lab, &request(&subject2, &message_id2, "Did 203.0.113.7 hit your firewall during November 2026?")).await;
    let id2 = eventually(Duration::from_secs(30), || request_id(&config, &subject2)).expect("second request arrived");
    eventually(Duration::from_secs(30), || {
        let v = drawbridge(&config, &["report", "show", &id2.to_string(), "--format", "review"]);
        (v["run_status"] == "completed"
            && v["report"]["indicators"].as_array()?.iter().flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default()).any(|f| f["status"] == "found"))
        .then_some(())
    })
    .expect("second playbook ran");
    let down = stop_postfix(&lab);
    let shown = drawbridge(&config, &["report", "show", &id2.to_string(), "--format", "review"])["rendered"]["digest"].as_str().expect("digest").to_string();
    drawbridge(&config, &["review", "approve", &id2.to_string(), "--digest", &shown, "--as", "alice", "--dev-impersonate"]);
    let waiting = eventually(Duration::from_secs(20), || {
        let out = drawbridge(&config, &["outbox", "list"]);
        out.as_array()?.iter().find(|o| o["request_id"] == id2 && o["state"] == "queued" && o["last_error"].is_string()).cloned()
    })
    .expect("the reply stays queued with the error while Postfix is down");
    assert!(waiting["attempts"].as_i64().is_some_and(|a| a >= 1));
    drop(down);
    let raw = reply_to(&lab, &message_id2, Duration::from_secs(30)).await.expect("delivered once Postfix is back");
    assert!(String::from_utf8_lossy(&raw).contains(&format!("DB-{id2}")));
    let sent = drawbridge(&config, &["outbox", "list"]);
    let item = sent.as_array().into_iter().flatten().find(|o| o["request_id"] == id2).expect("outbox entry");
    assert_eq!(item["state"], "sent");
    assert!(item["smtp_response"].as_str().is_some_and(|r| r.starts_with("250")), "{item}");
    // `audit verify` holds over everything that happened.
    drawbridge(&config, &["audit", "verify"]);
}
