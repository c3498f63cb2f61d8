//! The reply as the MSSP reads it, pinned by snapshots of its text and HTML
//! (`tests/snapshots/`; after a deliberate change, regenerate with
//! `DRAWBRIDGE_BLESS=1 cargo test -p drawbridge-engine --test reply_snapshots`
//! and read the diff). The requests cover records found, nothing found,
//! values withheld, a source down, and German and French requests; the
//! connectors answer as the real ones shape their output.

use drawbridge_engine::config::Config;
use drawbridge_engine::deployment::Deployment;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::playbook::{ConnectorError, Executor, Runner};
use drawbridge_engine::report::{self, Disclosure, Report};
use drawbridge_engine::review::Reviewer;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use futures::future::BoxFuture;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The company behind the connectors.
struct Company;

fn person() -> serde_json::Value {
    json!({ "dn": "CN=Paulo Alves,OU=Contractors,OU=Engineering,DC=corp,DC=example", "name": "Paulo Alves", "account": "palves", "mail": "palves@corp.example", "department": "Engineering", "title": "Contractor" })
}

fn sighting(hits: u64, sources: &[(&str, u64)], first: &str, last: &str, user: &str) -> serde_json::Value {
    json!({
        "hits": hits, "first_seen": first, "last_seen": last,
        "sources": sources.iter().map(|(s, n)| json!({ "source": s, "hits": n, "first_seen": first, "last_seen": last })).collect::<Vec<_>>(),
        "hosts": [["LT-ENG-0530", hits]], "hosts_distinct": 1, "users": [[user, hits]], "users_distinct": 1,
        "destination_ports": [["443", hits]], "actions": [["allowed", hits]], "outcomes": [], "file_names": [],
        "event_types": [["web", hits]], "window": ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"], "query": { "size": 0 },
    })
}

impl Executor for Company {
    fn call<'a>(&'a self, action: &'a str, input: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Option<serde_json::Value>, ConnectorError>> {
        Box::pin(async move {
            let value = input.get("value").or_else(|| input.get("name")).or_else(|| input.get("identifier")).cloned().unwrap_or_default().to_lowercase();
            match (action, value.as_str()) {
                ("active_directory.computer", "lt-eng-0530") => Ok(Some(json!({
                    "dn": "CN=LT-ENG-0530,OU=Laptops,OU=Engineering,DC=corp,DC=example", "name": "LT-ENG-0530",
                    "dns_host_name": "lt-eng-0530.corp.example", "description": "Contractor laptop - P. Alves, do not reimage",
                    "operating_system": "Windows 11 Enterprise", "operating_system_version": "10.0 (22631)",
                    "ou": "Corp/Engineering/Laptops", "managed_by": person(), "last_logon": "2026-02-13T14:01:12Z", "enabled": true,
                }))),
                ("active_directory.user", "palves" | "corp\\palves") => Ok(Some(json!({
                    "dn": "CN=Paulo Alves,OU=Contractors,OU=Engineering,DC=corp,DC=example", "account": "palves", "upn": "palves@corp.example",
                    "mail": "palves@corp.example", "name": "Paulo Alves", "department": "Engineering", "title": "Contractor", "phone": "+49 30 5550 1234",
                    "description": "External, contract ends 2026-03-31", "manager": { "dn": "CN=Dana Roth,OU=Engineering,DC=corp,DC=example", "name": "Dana Roth", "account": "droth" },
                    "enabled": false, "locked": false, "expired": false, "last_logon": "2026-02-13T14:01:12Z", "account_expires": "2026-03-31T00:00:00Z",
                    "password_last_set": "2025-11-02T08:00:00Z", "ou": "Corp/Engineering/Contractors", "groups": ["VPN-Users", "Engineering-RW"],
                    "managed_computers": ["LT-ENG-0530"],
                }))),
                ("asset.lookup", "lt-eng-0530") => Ok(Some(json!({
                    "hostname": "LT-ENG-0530", "fqdn": "lt-eng-0530.corp.example", "serial": "PF3K9X2Q", "model": "Lenovo ThinkPad T14",
                    "location": "Berlin Office", "owner": "palves", "department": "Engineering", "ip": "10.40.7.30", "mac": "8c:8c:aa:01:02:03",
                    "os": "Windows 11 Enterprise", "purchased": "2024-06-03", "status": "in_use", "cost_centre": "CC-4410", "matched_by": "name",
                }))),
                ("siem.sighting", "lt-eng-0530") => {
                    Ok(Some(sighting(20, &[("proxy", 12), ("firewall", 8)], "2026-02-11T13:27:05Z", "2026-02-13T14:23:24Z", "palves")))
                }
                ("siem.sighting", "198.51.100.23") => Ok(Some(sighting(8, &[("firewall", 8)], "2026-02-12T09:02:00Z", "2026-02-13T14:23:24Z", "palves"))),
                ("siem.sighting", "corp\\palves") => {
                    Ok(Some(sighting(20, &[("proxy", 12), ("firewall", 8)], "2026-02-11T13:27:05Z", "2026-02-13T14:23:24Z", "palves")))
                }
                ("firewall.sessions", "198.51.100.23") => Ok(Some(json!({
                    "log_type": "traffic", "count": 8, "truncated": false, "first_seen": "2026-02-12T09:02:00Z", "last_seen": "2026-02-13T14:23:24Z",
                    "sources": [["10.40.7.30", 8]], "destinations": [["198.51.100.23", 8]], "ports": [["443", 8]], "actions": { "allow": 8 },
                    "rules": [["Allow-Web-Out", 8]], "window": ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"], "filter": "(addr in 198.51.100.23)",
                }))),
                ("siem.sighting" | "firewall.sessions", "files-transfer.example") => Ok(None),
                ("siem.sighting", v) if v.len() == 64 => {
                    Err(ConnectorError::unavailable("SIEM answered 503: {\"error\":\"cluster_block_exception\"} https://siem.corp.example:9200", true))
                }
                ("asset.lookup" | "active_directory.computer" | "active_directory.user", _) => Ok(None),
                (a, _) => Err(ConnectorError::not_configured(a.split('.').next().unwrap_or(""))),
            }
        })
    }
}

fn config(dir: &Path, policy: &str) -> Config {
    let mut c: Config = toml::from_str(&format!(
        r#"
[indicators]
internal_domains = ["corp.example"]
hostname_patterns = ['(?i)^(wks|lt|srv)-[a-z0-9-]+$']
netbios_domains = ["CORP"]
exclude_domains = ["mssp.example.net"]

[senders]
allowed_domains = ["mssp.example.net"]
trusted_authserv_ids = ["mx1.corp.example"]
verify_dkim = false

[outbound]
from = "Corp SOC <soc@corp.example>"

{policy}
"#
    ))
    .expect("config");
    c.database = Some(dir.join("db.sqlite"));
    c.playbooks_dir = Some(drawbridge_testkit::repo_root().join("playbooks"));
    c
}

/// The report for one request, as the reply will carry it, with its date fixed.
async fn reply(subject: &str, body: &str, policy: &str) -> (Report, report::Rendered) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path(), policy);
    let store = Store::open_sqlite(&dir.path().join("db.sqlite")).await.expect("store");
    let ingestor = Ingestor::new(&config, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let raw = format!(
        "From: SOC Analyst <analyst@mssp.example.net>\r\nTo: soc@corp.example\r\nSubject: {subject}\r\nMessage-ID: <snap@mssp.example.net>\r\n\
         Date: Mon, 02 Mar 2026 09:00:00 +0000\r\nAuthentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        body.replace('\n', "\r\n")
    );
    let id = ingestor.ingest(raw.as_bytes(), &Origin { source: Source::File, reference: "snap".into(), cursor: None }).await.expect("ingest").request_id;
    store.correct_type(id, "enrichment", "snapshot", None).await.expect("type");
    let deployment = Deployment::new(config.clone()).expect("deployment");
    let mut runner = Runner::new(store.clone(), Arc::new(Company));
    drawbridge_engine::enrich::run_request(&store, &deployment, &mut runner, id).await.expect("run");
    let mut report = Reviewer::new(&store, &deployment).view(id).await.expect("view").report;
    // The run's own time would change every day: the snapshot is of 2 March 2026.
    report.generated_at = "2026-03-02T09:05:00Z".into();
    report.summary = report::present::summary_text(&report);
    let rendered = report::render(&report, &report::RenderOptions { templates_dir: None, stix_organisation: Some("Corp Example Ltd") }).expect("render");
    (report, rendered)
}

fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compares with the committed snapshot, or writes it with `DRAWBRIDGE_BLESS=1`.
fn matches(name: &str, actual: &str) {
    let path = snapshots().join(name);
    if std::env::var_os("DRAWBRIDGE_BLESS").is_some() {
        std::fs::create_dir_all(snapshots()).expect("snapshots dir");
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing: run with DRAWBRIDGE_BLESS=1", path.display()));
    assert!(expected == actual, "{name} changed; the new output:\n{actual}\n(bless with DRAWBRIDGE_BLESS=1 if intended)");
}

const DLP: &str = "Hello team,\n\nour DLP flagged large uploads from LT-ENG-0530 to files-transfer[.]example, \
by the account CORP\\palves, and connections to 198.51.100.23. Could you tell us who owns the laptop, \
whether the account is still active, and what your SIEM saw in February 2026? The file hash is \
9f2b5c8e1d7a3f6b0c4e8d2a1b5f7c3e9d0a6b4c2e8f1a3d5b7c9e0f2a4b6c8d.\n\nThanks,\nPriya\nEMSS SOC";

#[tokio::test]
async fn a_five_indicator_reply_reads_as_a_report() {
    let (report, r) = reply("[EMSS-REQ-4410] Large uploads from LT-ENG-0530", DLP, "").await;
    matches("dlp-en.txt", &r.text);
    matches("dlp-en.html", &r.html);
    assert_eq!(report.indicators.len(), 5, "{:?}", report.indicators.iter().map(|i| &i.value).collect::<Vec<_>>());
    // The summary answers in one line per indicator: it fits on one screen.
    let summary: Vec<&str> = report.summary.lines().collect();
    assert_eq!(summary.len(), 5);
    assert!(summary.iter().all(|l| l.chars().count() <= 240), "{summary:#?}");
    assert!(summary[0].contains("Lenovo ThinkPad T14") && summary[0].contains("20 SIEM events"), "{}", summary[0]);
    // References both ways, in the subject and the body.
    assert_eq!(r.subject, "Re: [EMSS-REQ-4410] Large uploads from LT-ENG-0530 [DB-1]");
    assert!(r.text.contains("Your reference: EMSS-REQ-4410 · Our reference: DB-1"));
    // TLP:AMBER by default: text header, HTML banner, JSON and STIX markings.
    assert!(r.text.starts_with("TLP:AMBER: "));
    assert!(r.html.contains("background-color:#000000;color:#FFC000") && r.html.contains("TLP:AMBER"));
    let json: serde_json::Value = serde_json::from_str(&r.json).expect("json");
    assert_eq!(json["marking"]["tlp"], "TLP:AMBER");
    assert_eq!(json["marking"]["marking_definition"], "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    let stix: serde_json::Value = serde_json::from_str(r.stix.as_deref().expect("stix")).expect("stix json");
    assert_eq!(stix["objects"][0]["id"], "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    assert!(stix["objects"].as_array().expect("objects").iter().skip(1).all(|o| o["object_marking_refs"][0] == stix["objects"][0]["id"]));
    // Mail-client-safe: text at 78 columns, HTML at most 800 px with nothing loaded from outside.
    assert!(r.text.lines().all(|l| l.chars().count() <= 78), "{}", r.text.lines().filter(|l| l.chars().count() > 78).collect::<Vec<_>>().join("\n"));
    assert!(r.html.contains("max-width:800px"));
    for outside in ["http://", "https://", "<img", "<link", "<script", "url("] {
        assert!(!r.html.contains(outside), "{outside} in the HTML");
    }
    // No connector error text leaves; the one line names the source neutrally.
    // (The status is looked for as the error wrote it: a bare "503" also turns
    // up in the JSON's millisecond timestamps, `…T23:05:21.503Z`.)
    for part in [&r.text, &r.html, &r.json] {
        for leak in ["cluster_block", "answered 503", "503:", "siem.corp.example"] {
            assert!(!part.contains(leak), "{leak} left in the reply");
        }
    }
    assert!(r.text.contains("Could not check: SIEM (did not answer)"), "{}", r.text);
    // Withheld values are summed up once per section, never printed row by row.
    assert!(!r.text.contains("[withheld]") && r.text.contains("fields withheld or masked under our disclosure policy"));
    for secret in ["Paulo Alves", "+49 30", "do not reimage", "OU=Laptops", "VPN-Users", "CC-4410", "Dana Roth"] {
        assert!(!r.text.contains(secret) && !r.html.contains(secret) && !r.json.contains(secret), "{secret} left in the reply");
    }
    // Human labels and values: no raw keys, ISO times or machine statuses.
    for raw in ["managed_by", "dns_host_name", "operating_system", "2026-02-13T14:23:24", "in_use", "top_hosts", "[0]"] {
        assert!(!r.text.contains(raw) && !r.html.contains(raw), "{raw} in the reply");
    }
    assert!(r.text.contains("13 Feb 2026 14:23 UTC") && r.text.contains("20 (proxy 12, firewall 8)"), "{}", r.text);
    // The JSON still carries every fact with its term, shared or not.
    let facts: usize = report.indicators.iter().flat_map(|i| &i.findings).map(|f| f.facts.len()).sum();
    let in_json = json["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .flat_map(|i| i["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| f["facts"].as_array().map_or(0, Vec::len))
        .sum::<usize>();
    assert_eq!(facts, in_json);
    assert!(report.indicators.iter().flat_map(|i| &i.findings).flat_map(|f| &f.facts).all(|f| !f.title.is_empty()), "every fact has its label");
}

#[tokio::test]
async fn a_value_the_mssp_supplied_is_never_masked() {
    let (report, r) = reply("[EMSS-REQ-4410] Large uploads from LT-ENG-0530", DLP, "").await;
    let facts: Vec<_> = report.indicators.iter().flat_map(|i| &i.findings).flat_map(|f| &f.facts).collect();
    // Every place the account the MSSP named comes back: the machine's owner,
    // the user record, the inventory's owner, the SIEM's users.
    let accounts: Vec<_> =
        facts.iter().filter(|f| ["computer.owner.account", "user.account", "asset.owner", "sighting.user"].contains(&f.term.as_str())).collect();
    assert!(accounts.len() >= 5, "{accounts:?}");
    for f in &accounts {
        assert_eq!((f.disclosure, f.value.as_str()), (Disclosure::Shared, "palves"), "{} ({}) was masked although the MSSP named it", f.label, f.term);
    }
    assert!(!r.text.contains("p***"), "the account the MSSP asked about is not masked back at it");
    // What the MSSP did not write stays masked: the owner's e-mail address, the manager's account.
    for term in ["computer.owner.mail", "user.manager.account"] {
        let f = facts.iter().find(|f| f.term == term).expect(term);
        assert_eq!(f.disclosure, Disclosure::Masked, "{term}");
    }
}

#[tokio::test]
async fn nothing_found_and_a_source_down_read_plainly() {
    let (_, r) = reply(
        "Case #48213: domain and hash check",
        "Hi, did anything in your network talk to files-transfer[.]example in February 2026? Also please check the hash \
         9f2b5c8e1d7a3f6b0c4e8d2a1b5f7c3e9d0a6b4c2e8f1a3d5b7c9e0f2a4b6c8d. Thanks",
        "",
    )
    .await;
    matches("not-found-en.txt", &r.text);
    assert!(r.text.contains("files-transfer.example: no records found."), "{}", r.text);
    assert!(r.subject.ends_with("[DB-1]") && r.text.contains("Your reference: 48213"));
}

#[tokio::test]
async fn a_german_request_gets_german_phrases_and_a_red_marking_in_the_subject() {
    let (report, r) = reply(
        "Vorgang Nr. SR-7781: Anmeldungen von CORP\\palves",
        "Hallo zusammen,\n\nbitte prüft, ob das Konto CORP\\palves noch aktiv ist und was euer SIEM im Februar 2026 dazu gesehen hat. \
         Wer ist der Besitzer von LT-ENG-0530? Danke und viele Grüße",
        "[[disclosure]]\ntlp = \"red\"\ntlp_in_subject = true\n",
    )
    .await;
    matches("account-de.txt", &r.text);
    matches("account-de.html", &r.html);
    assert_eq!(report.language, drawbridge_engine::report::language::Language::De);
    assert!(r.subject.starts_with("[TLP:RED] Re: Vorgang Nr. SR-7781"), "{}", r.subject);
    assert!(r.text.contains("Zusammenfassung") && r.text.contains("Unsere Referenz: DB-1") && r.text.contains("Ihre Referenz: SR-7781"));
    assert!(r.text.contains("Konto deaktiviert"), "{}", r.text);
}

#[tokio::test]
async fn a_french_request_with_english_terms_is_answered_in_french() {
    let (_, r) = reply(
        "Question sur 198.51.100.23",
        "Bonjour, pouvez-vous vérifier si 198.51.100.23 apparaît dans vos logs firewall et SIEM en février 2026 ? Merci pour votre aide.",
        "",
    )
    .await;
    matches("ip-fr.txt", &r.text);
    assert!(r.text.contains("Résumé") && r.text.contains("8 entrées du journal du pare-feu"), "{}", r.text);
}
