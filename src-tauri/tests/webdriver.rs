//! A person's path through the real window: the built app, driven by WebDriver
//! (tauri-driver + WebKitWebDriver) under X. The queue lists a request; the
//! analyst opens it, redacts a value, approves with the keyboard; the reply
//! the app sends (through the mail lab's Postfix, when it runs) lacks the
//! value. Skips, saying so, when there is no display or no tauri-driver
//! (`make test` provides both).

use base64::Engine as _;
use drawbridge_engine::config::Config;
use drawbridge_engine::ingest::{Ingestor, Origin};
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::{Source, Store};
use drawbridge_testkit::labs;
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
async fn the_analyst_opens_a_request_redacts_a_value_and_approves() {
    if std::env::var_os("DISPLAY").is_none() && !labs::missing("no DISPLAY (`make test` runs this under Xvfb)") {
        return;
    }
    let Some(driver_bin) = tauri_driver() else {
        labs::missing("tauri-driver is not installed (`make deps` installs it)");
        return;
    };
    // fantoccini's HTTP client needs a process-wide rustls provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("app.db");
    let config_path = dir.path().join("drawbridge.toml");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let lab = labs::mail();
    let smtp = match &lab {
        Some(lab) => format!(
            "[outbound.smtp]\nhost = \"127.0.0.1\"\nport = 10587\ntls = \"starttls\"\nca_file = {:?}\nusername = \"mssp-requests@corp.example\"\npassword_secret = \"ui-smtp\"\n",
            lab.join("tls/ca.pem").display().to_string()
        ),
        None => {
            eprintln!("NOTE: DRAWBRIDGE_MAIL_LAB is not set: the reply is checked in the outbox, not in the MSSP's mailbox");
            String::new()
        }
    };
    // The shipped playbooks, copied: the admin's edits below must not touch the repository.
    let playbooks = dir.path().join("playbooks");
    std::fs::create_dir_all(playbooks.join("connectors")).expect("playbooks dir");
    for sub in ["", "connectors"] {
        for entry in std::fs::read_dir(root.join("playbooks").join(sub)).expect("shipped playbooks").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), playbooks.join(sub).join(entry.file_name())).expect("copy");
            }
        }
    }
    std::fs::write(
        &config_path,
        format!(
            "playbooks_dir = {:?}\n[intake]\ndrop_folder = {:?}\n[connectors.asset_inventory]\nbackend = \"csv\"\npath = {:?}\n[outbound]\nfrom = \"Corp SOC <mssp-requests@corp.example>\"\nretry_base_seconds = 1\n{smtp}",
            playbooks.display().to_string(),
            dir.path().join("inbox").display().to_string(),
            root.join("demo/assets.csv").display().to_string(),
        ),
    )
    .expect("config");

    // A request, ingested through the engine exactly as the watchers do it.
    let store = Store::open_sqlite(&db).await.expect("store");
    let config = Config::load(Some(&config_path)).expect("config");
    let ingestor = Ingestor::new(&config, store.clone(), DnsSource::Fixed(Default::default())).expect("ingestor");
    let message_id = format!("<ui-{}@mssp.example.net>", std::process::id());
    let subject = "Who owns WKS-FIN-042?";
    // Text and HTML alternatives (the HTML with a script and a tracking
    // image), and a PDF the app lists with its hash but never opens.
    let pdf = b"%PDF-1.4 a report the MSSP attached";
    let pdf_sha256 = drawbridge_engine::model::digest::of_bytes(pdf);
    let raw = format!(
        "From: SOC <analyst@mssp.example.net>\r\nTo: mssp-requests@corp.example\r\nSubject: {subject}\r\n\
         Message-ID: {message_id}\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Authentication-Results: mx1.corp.example; dmarc=pass header.from=mssp.example.net\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n\
         --outer\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n\
         --alt\r\nContent-Type: text/plain\r\n\r\nPlease check WKS-FIN-042 and 203.0.113[.]7.\r\n\
         --alt\r\nContent-Type: text/html\r\n\r\n<p>Please check <b>WKS-FIN-042</b> and 203.0.113[.]7.</p>\
         <script>document.title='owned'</script><img src=\"https://tracker.example/p.gif\">\r\n--alt--\r\n\
         --outer\r\nContent-Type: application/pdf; name=report.pdf\r\nContent-Disposition: attachment; filename=report.pdf\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--outer--\r\n",
        base64::engine::general_purpose::STANDARD.encode(pdf)
    );
    let origin = Origin { source: Source::File, reference: "ui-test.eml".into(), cursor: None };
    let id = ingestor.ingest(raw.as_bytes(), &origin).await.expect("ingest").request_id;
    // Its playbook, run as the app's worker would (the CSV inventory answers).
    let deployment = drawbridge_engine::deployment::Deployment::new(config.clone()).expect("deployment");
    let mut runner = drawbridge_engine::playbook::Runner::new(store.clone(), deployment.connectors.clone());
    drawbridge_engine::enrich::run_request(&store, &deployment, &mut runner, id).await.expect("playbook run");

    let port = 4444;
    let _driver = Driver(
        Command::new(driver_bin)
            .args(["--port", &port.to_string()])
            .env("DRAWBRIDGE_DB", &db)
            .env("DRAWBRIDGE_CONFIG", &config_path)
            .env("DRAWBRIDGE_SECRET_UI_SMTP", "mssp-requests-pw")
            .env("DRAWBRIDGE_SECRETS_FILE", dir.path().join("secrets"))
            .env("DRAWBRIDGE_ANALYST", "alice")
            .env("DRAWBRIDGE_DEV_IMPERSONATE", "1")
            // The app turns WebKit's DMA-BUF renderer off to save memory;
            // WebKitWebDriver's screenshots (and the session's end) then hang
            // after a while under Xvfb (WebKitGTK 2.50), so the E2E run keeps it.
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "0")
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
    // The row is drawn as soon as its page arrives; its text once WebKit has laid it out.
    let mut text = String::new();
    for _ in 0..50 {
        text = cell.text().await.expect("text");
        if !text.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(text, subject);
    let row = client.find(Locator::Css("#queue tbody tr[data-request-id]")).await.expect("row");
    let row_text = row.text().await.expect("row text");
    assert!(row_text.contains("analyst@mssp.example.net"), "{row_text}");
    assert!(row_text.contains("verified"), "verification verdict shown: {row_text}");
    let request_type = client.find(Locator::Css("#queue td.type")).await.expect("type").text().await.expect("text");
    assert_eq!(request_type, "enrichment", "the triage result is shown");
    let count = client.find(Locator::Css("#queue td.indicators")).await.expect("count").text().await.expect("text");
    assert_eq!(count, "2", "indicator count (WKS-FIN-042, 203.0.113.7)");

    // The README's screenshots are in the light theme (the choice persists
    // in the webview's storage, so start from wherever it is).
    for _ in 0..3 {
        let theme = client.find(Locator::Css("#theme")).await.expect("theme switch");
        if theme.text().await.expect("text") == "Theme: light" {
            break;
        }
        theme.click().await.expect("next theme");
    }
    // WebKit paints a moment after the DOM changes; the screenshots are for the README.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    screenshot(&client, "queue.png").await;

    // The admin writes a playbook in the form editor, generated from the
    // playbook schema and the actions' input schemas: a request type, a step
    // with its action and indicator kind; the engine writes the YAML beside
    // it. A typo in the YAML shows at its line and under its step in the
    // form; the dry run shows the exact query for this request; the save
    // keeps history. "asset-owners" sorts before the shipped playbooks, so it
    // is the one that answers phishing requests from now on.
    client.find(Locator::Css("#nav-playbooks")).await.expect("playbooks tab").click().await.expect("open playbooks");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#playbooks button[data-playbook='enrichment']"))
        .await
        .expect("the shipped playbooks are listed");
    client.find(Locator::Css("#playbooks input[aria-label='New playbook name']")).await.expect("name").send_keys("asset-owners").await.expect("type the name");
    client.find(Locator::Css("#playbooks form button[type='submit']")).await.expect("new").click().await.expect("new playbook");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#playbook-form input[data-request-type='phishing']"))
        .await
        .expect("the form lists the request types")
        .click()
        .await
        .expect("tick phishing");
    client.find(Locator::Css("#new-step-action")).await.expect("action list").select_by_value("asset.lookup").await.expect("choose the action");
    client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#playbook-form input[data-new-kind='hostname']"))
        .await
        .expect("kinds")
        .click()
        .await
        .expect("tick hostname");
    client.find(Locator::Css("#add-step")).await.expect("add").click().await.expect("add the step");
    let input = client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#playbook-form li.step[data-step='lookup'] label[data-input='name'] input"))
        .await
        .expect("the action's input, from its input schema");
    assert_eq!(input.prop("value").await.expect("value").as_deref(), Some("{{ item.value }}"), "the input reads the indicator");
    let editor = client.find(Locator::Css("#playbook-text")).await.expect("editor");
    let started = Instant::now();
    let text = loop {
        let text = editor.prop("value").await.expect("value").unwrap_or_default();
        let valid = client.find(Locator::Css("#playbook-valid")).await.is_ok();
        if (valid && text.contains("asset.lookup")) || started.elapsed() > Duration::from_secs(10) {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        text.contains("name: asset-owners") && text.contains("- phishing") && text.contains("action: asset.lookup") && text.contains("- hostname"),
        "the form wrote the YAML:\n{text}"
    );
    // Replaces the editor's text as typing would end (WebKit's driver types
    // newlines as Enter key presses, which a textarea does not all take).
    let type_text = |t: String| {
        let client = client.clone();
        async move {
            let js = "const t = document.getElementById('playbook-text'); t.value = arguments[0]; t.dispatchEvent(new Event('input', { bubbles: true }));";
            client.execute(js, vec![serde_json::Value::String(t)]).await.expect("edit the text");
        }
    };
    let typo = text.replace("asset.lookup", "asset.lookupp");
    let typo_line = typo.lines().position(|l| l.contains("asset.lookupp")).expect("the typo's line") + 1;
    type_text(typo).await;
    // Checked a moment after typing stops: wait for the check of the whole text.
    let started = Instant::now();
    let flagged = loop {
        let shown = match client.find(Locator::Css("#playbook-problems")).await {
            Ok(list) => list.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if shown.contains("asset.lookupp") || started.elapsed() > Duration::from_secs(10) {
            break shown;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        flagged.starts_with(&format!("line {typo_line}:")) && flagged.contains("unknown action \"asset.lookupp\""),
        "the typo is flagged at its line {typo_line}: {flagged}"
    );
    let in_form = client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#playbook-form li.step[data-step='lookup'] .problems"))
        .await
        .expect("the form shows the problem under its step");
    assert!(in_form.text().await.expect("text").contains("asset.lookupp"));
    type_text(text.clone()).await;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#playbook-valid")).await.expect("valid again");
    client
        .find(Locator::Css("#playbooks input[aria-label='Request for the dry run']"))
        .await
        .expect("request no.")
        .send_keys(&id.to_string())
        .await
        .expect("type");
    client.find(Locator::Css("#dry-run")).await.expect("dry-run").click().await.expect("dry run");
    let query = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#playbooks table.plan code")).await.expect("the plan");
    assert!(query.text().await.expect("text").contains("WKS-FIN-042"), "the exact query for the request's host");
    client.find(Locator::Css("#save-playbook")).await.expect("save").click().await.expect("save");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#playbooks .notice")).await.expect("saved");
    let written = std::fs::read_to_string(playbooks.join("asset-owners.yaml")).expect("the file is written");
    assert_eq!(written, text, "the file holds what the form wrote");
    client.execute("document.getElementById('playbook-form').scrollIntoView({ block: 'start' })", vec![]).await.expect("scroll to the form");
    tokio::time::sleep(Duration::from_millis(500)).await;
    screenshot(&client, "playbooks.png").await;
    // The declarative HTTP connectors are edited beside the playbooks, with
    // the same checks: a name a built-in connector has is refused at its line.
    client.find(Locator::Css("#folder-http-connectors")).await.expect("connectors folder").click().await.expect("open the folder");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#playbooks button[data-playbook='snipeit']"))
        .await
        .expect("the shipped Snipe-IT connector is listed")
        .click()
        .await
        .expect("open it");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#playbook-valid")).await.expect("the shipped file is valid");
    assert!(client.find(Locator::Css("#playbook-form")).await.is_err(), "no playbook form for a connector file");
    let connector_text = client.find(Locator::Css("#playbook-text")).await.expect("editor").prop("value").await.expect("value").unwrap_or_default();
    type_text(connector_text.replacen("name: snipeit", "name: firewall", 1)).await;
    let started = Instant::now();
    let clash = loop {
        let shown = match client.find(Locator::Css("#playbook-problems")).await {
            Ok(list) => list.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if shown.contains("built-in") || started.elapsed() > Duration::from_secs(10) {
            break shown;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let clash_line = connector_text.lines().position(|l| l == "name: snipeit").expect("the name line") + 1;
    assert!(clash.starts_with(&format!("line {clash_line}:")), "the clash is flagged at the name: {clash}");
    client.find(Locator::Css("#folder-playbooks")).await.expect("playbooks folder").click().await.expect("back to the playbooks");
    client.find(Locator::Css("#nav-queue")).await.expect("queue tab").click().await.expect("back to the queue");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#queue tbody tr[data-request-id]")).await.expect("the queue again");

    // Open the request: the review screen shows the original email beside the draft.
    // With the keyboard only: / searches, Esc leaves the search, j selects, Enter opens.
    let body = client.find(Locator::Css("body")).await.expect("body");
    body.send_keys("/").await.expect("press /");
    // The database filters: a word no request has empties the list, the host brings it back.
    let searchbox = client.active_element().await.expect("the search has the focus");
    searchbox.send_keys("no-such-words").await.expect("type a search");
    assert_eq!(total_becomes(&client, "0 requests").await, "0 requests", "a search nothing matches");
    searchbox.clear().await.expect("clear");
    searchbox.send_keys("WKS-FIN-042").await.expect("type a search");
    assert_eq!(total_becomes(&client, "1 request").await, "1 request", "the search keeps the matching request");
    let rows = client.find_all(Locator::Css("#queue tbody tr[data-request-id]")).await.expect("rows");
    assert_eq!(rows.len(), 1);
    client.active_element().await.expect("focus").send_keys("\u{e00c}").await.expect("Esc");
    body.send_keys("j").await.expect("press j");
    client.find(Locator::Css("#queue tbody tr.selected")).await.expect("j selects the first row");
    body.send_keys("\u{e007}").await.expect("press Enter");
    let model = Locator::Css("#review tr.fact[data-label='model']");
    let fact = client.wait().at_most(Duration::from_secs(20)).for_element(model).await.expect("the draft lists the asset's model");
    assert!(fact.text().await.expect("text").contains("HP EliteDesk 800 G9"));
    let original = client.find(Locator::Css("#review .original pre.body")).await.expect("original").text().await.expect("text");
    assert!(original.contains("Please check WKS-FIN-042"), "{original}");
    // The attachment with its hash; the HTML only cleaned, in a sandbox.
    let attachment = client.find(Locator::Css(&format!("#attachments tr[data-sha256='{pdf_sha256}']"))).await.expect("the attachment is listed by its hash");
    assert!(attachment.text().await.expect("text").contains("report.pdf"));
    client.find(Locator::Css("#show-html")).await.expect("HTML view").click().await.expect("show the HTML");
    let frame = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#original-html")).await.expect("the sandboxed HTML");
    assert_eq!(frame.attr("sandbox").await.expect("sandbox").as_deref(), Some(""), "a frame with no permissions");
    let shown = frame.attr("srcdoc").await.expect("srcdoc").unwrap_or_default();
    assert!(shown.contains("<b>WKS-FIN-042</b>") && !shown.contains("<script") && !shown.contains("tracker.example"), "cleaned by the engine: {shown}");
    client.find(Locator::Css("#review .original-view button")).await.expect("text view").click().await.expect("back to the text");

    // The analyst adds an indicator the extraction missed (defanged), marks it
    // "do not disclose", then removes it: each change shows and is audited.
    client.find(Locator::Css("#new-indicator")).await.expect("add box").send_keys("198.51.100[.]4").await.expect("type");
    client.find(Locator::Css("#review form.add-indicator button[type='submit']")).await.expect("add").click().await.expect("add");
    let added = Locator::Css("#request-indicators li[data-indicator='ipv4:198.51.100.4']");
    client.wait().at_most(Duration::from_secs(20)).for_element(added).await.expect("the indicator is added, refanged");
    client
        .find(Locator::Css("#request-indicators li[data-indicator='ipv4:198.51.100.4'] button.withhold-indicator"))
        .await
        .expect("do not disclose")
        .click()
        .await
        .expect("withhold");
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#request-indicators li.withheld[data-indicator='ipv4:198.51.100.4'] .withheld-badge"))
        .await
        .expect("marked do not disclose, by whom");
    let sent_text = store.request(id).await.expect("request");
    assert!(sent_text.indicators.iter().any(|i| i.value == "198.51.100.4" && i.withheld_by.as_deref() == Some("alice")));
    client
        .find(Locator::Css("#request-indicators li[data-indicator='ipv4:198.51.100.4'] button.remove-indicator"))
        .await
        .expect("remove")
        .click()
        .await
        .expect("remove");
    let started = Instant::now();
    while client.find(added).await.is_ok() {
        assert!(started.elapsed() < Duration::from_secs(20), "the indicator is removed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let changes: Vec<String> = store
        .audit_log(Some(id))
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action.starts_with("indicator_"))
        .map(|e| format!("{} {}", e.action, e.actor))
        .collect();
    assert_eq!(changes, ["indicator_added alice", "indicator_withheld alice", "indicator_removed alice"]);
    // The run as a timeline, and a re-run from the start that makes a new run.
    let step = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#run-timeline li.step.ok")).await.expect("the run's steps");
    assert!(step.text().await.expect("text").contains(" ms"), "each step with its duration");
    let before = client.find(Locator::Css("#run-heading small")).await.expect("run").text().await.expect("text");
    client.find(Locator::Css("#rerun")).await.expect("re-run").click().await.expect("re-run");
    let started = Instant::now();
    let after = loop {
        let now = client.find(Locator::Css("#run-heading small")).await.expect("run").text().await.expect("text");
        if now != before || started.elapsed() > Duration::from_secs(15) {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_ne!(after, before, "a new run: {after}");
    // One step again: a new run in which only that step was asked. The last
    // step's button: the timeline is in the order results came, so nothing
    // depends on that step (a step that needs another runs after it).
    let whole = store.latest_run(id).await.expect("run").expect("a run");
    let buttons = client.find_all(Locator::Css("#run-timeline li.step button.rerun-step")).await.expect("the steps' re-runs");
    let step_button = buttons.last().cloned().expect("a step's re-run");
    let step_name = step_button.find(Locator::XPath("ancestor::li")).await.expect("its step").attr("data-step").await.expect("attr").expect("data-step");
    step_button.click().await.expect("re-run the step");
    let started = Instant::now();
    let single = loop {
        let latest = store.latest_run(id).await.expect("run").expect("a run");
        if latest.id > whole.id && latest.finished_at.is_some() {
            break latest;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "the step ran again");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let asked_at = |run: &drawbridge_engine::store::PlaybookRun, other: bool| {
        run.steps.iter().filter(|r| (r.step != step_name) == other && r.step != "asked_before").map(|r| r.finished_at.clone()).collect::<Vec<_>>()
    };
    assert_eq!(asked_at(&single, true).iter().collect::<std::collections::BTreeSet<_>>(), asked_at(&whole, true).iter().collect(), "the other steps kept");
    assert!(asked_at(&single, false).iter().all(|t| !asked_at(&whole, false).contains(t)), "{step_name} asked again");
    // Correct the type in one click, with a reason: the playbook runs again for the new type.
    let first_run = store.latest_run(id).await.expect("run").expect("a first run").id;
    client.find(Locator::Css("#review dd.label-request_type button.start-correct")).await.expect("correct button").click().await.expect("start correcting");
    let select = client.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css("#review dd.label-request_type select")).await.expect("the labels");
    select.select_by_value("phishing").await.expect("choose phishing");
    client.find(Locator::Css("#review dd.label-request_type input")).await.expect("reason").send_keys("a lure, not a question").await.expect("type the reason");
    client.find(Locator::Css("#review dd.label-request_type button.do-correct")).await.expect("submit").click().await.expect("correct");
    let started = Instant::now();
    loop {
        let shown = client.find(Locator::Css("#review dd.label-request_type")).await.expect("type").text().await.expect("text");
        if shown.contains("phishing") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the corrected type is shown: {shown}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The label shows as soon as it is stored; the new run goes on beside it.
    let started = Instant::now();
    let rerun = loop {
        let run = store.latest_run(id).await.expect("run").expect("a run");
        let finished = run.id > first_run && run.status != drawbridge_engine::model::RunStatus::Running;
        if finished || started.elapsed() > Duration::from_secs(20) {
            break run;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(rerun.id > first_run, "the playbook ran again after the correction");
    assert_eq!(rerun.playbook, "asset-owners", "the playbook the admin wrote in the form answers the corrected type");
    let corrections = store.audit_log(Some(id)).await.expect("audit");
    assert!(corrections.iter().any(|e| e.action == "correct_label" && e.actor == "alice"), "the correction is audited with who made it");
    // The screen redraws with the new run: a row found mid-redraw can go stale, so look again.
    let started = Instant::now();
    while client.find(model).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the new draft lists the asset's model");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Redact it (the screen may still be redrawing with the new run: find the row afresh).
    let mut clicked = false;
    for _ in 0..20 {
        if let Ok(row) = client.find(model).await
            && let Ok(button) = row.find(Locator::Css("button.toggle")).await
            && button.click().await.is_ok()
        {
            clicked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(clicked, "the redact button could be clicked");
    let redacted = Locator::Css("#review tr.fact.withheld[data-label='model']");
    let fact = client.wait().at_most(Duration::from_secs(10)).for_element(redacted).await.expect("the value is withheld");
    assert!(fact.text().await.expect("text").contains("[withheld]"));
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&client, "review.png").await;
    // Approve with the keyboard shortcut.
    client.find(Locator::Css("body")).await.expect("body").send_keys("a").await.expect("press A");
    let started = Instant::now();
    let state = loop {
        let s = client.find(Locator::Css("#review-state")).await.expect("state").text().await.expect("text");
        if s == "queued" || s == "sent" || started.elapsed() > Duration::from_secs(10) {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(state == "queued" || state == "sent", "approved and queued: {state}");
    let log = store.audit_log(Some(id)).await.expect("audit");
    let who: Vec<(String, String)> = log.iter().map(|e| (e.action.clone(), e.actor.clone())).collect();
    assert!(who.contains(&("redact".into(), "alice".into())) && who.contains(&("approve".into(), "alice".into())), "{who:?}");

    // What leaves lacks the redacted value: in the MSSP's mailbox when the mail lab runs.
    let outbox = store.outbox(Some(id)).await.expect("outbox");
    assert_eq!(outbox.len(), 1);
    let queued = String::from_utf8_lossy(&outbox[0].message).to_string();
    assert!(queued.contains("WKS-FIN-042") && !queued.contains("HP EliteDesk 800 G9"), "the queued reply is redacted");
    if let Some(lab) = &lab {
        let delivered = eventually_delivered(lab, &message_id, Duration::from_secs(30)).await.expect("the app sent the reply to the MSSP");
        assert!(delivered.contains("WKS-FIN-042"), "it is our reply");
        assert!(!delivered.contains("HP EliteDesk 800 G9"), "the delivered email lacks the redacted value");
    }

    // The admin sets up the firewall (the project's PAN-OS simulator) from its
    // form: a wrong key fails at authentication, the right one passes, and
    // the save writes only the secret's name.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let firewall_url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || drawbridge_lab::panos::serve(listener, "fw-key-from-the-form", drawbridge_lab::panos::lab_entries()));
    client.find(Locator::Css("#nav-connectors")).await.expect("connectors tab").click().await.expect("open connectors");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("button[data-connector='firewall']"))
        .await
        .expect("listed")
        .click()
        .await
        .expect("choose");
    let url_input = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("label[data-field='url'] input")).await.expect("url field");
    url_input.send_keys(&firewall_url).await.expect("type the url");
    let secret = client.find(Locator::Css("label[data-field='api_key_secret'] input.secret-value")).await.expect("secret field");
    secret.send_keys("a-wrong-key").await.expect("type");
    client.find(Locator::Css("#test-connection")).await.expect("test").click().await.expect("test");
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#test-verdict li[data-stage='authentication'].failed"))
        .await
        .unwrap_or_else(|e| panic!("a wrong key fails at authentication ({e}); the screen says: {}", block_on_text(&client, "#connectors")));
    secret.clear().await.expect("clear");
    secret.send_keys("fw-key-from-the-form").await.expect("type");
    client.find(Locator::Css("#test-connection")).await.expect("test").click().await.expect("test");
    let verdict = client.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#test-verdict.ok")).await.expect("the right key passes");
    assert!(verdict.text().await.expect("text").contains("Sample query: passed"), "the verdict names each stage");
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "connectors.png").await;
    client.find(Locator::Css("#save-connector")).await.expect("save").click().await.expect("save");
    let saved = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#connector-saved")).await.expect("saved");
    let saved = saved.text().await.expect("text");
    let config_text = std::fs::read_to_string(&config_path).expect("config");
    assert!(config_text.contains("[connectors.firewall]") && config_text.contains("api_key_secret = \"firewall-api-key\""), "{config_text}");
    assert!(!config_text.contains("fw-key-from-the-form"), "the secret is not in the file");
    let secrets_file = dir.path().join("secrets");
    if saved.contains("OS keyring") {
        eprintln!("NOTE: the secret went to the OS keyring of this session");
    } else {
        use std::os::unix::fs::PermissionsExt;
        assert!(std::fs::read_to_string(&secrets_file).expect("secrets file").contains("firewall-api-key=fw-key-from-the-form"), "{saved}");
        assert_eq!(std::fs::metadata(&secrets_file).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    let status = client.find(Locator::Css("button[data-connector='firewall'] .avail")).await.expect("status").text().await.expect("text");
    assert_eq!(status, "ready", "the engine runs on the saved settings");

    // Insights: the request in the per-day chart, the correction in the
    // classifier's figures, the inventory's calls in the connectors chart.
    client.find(Locator::Css("#nav-insights")).await.expect("insights tab").click().await.expect("open insights");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#chart-requests rect")).await.expect("the requests chart");
    assert_eq!(client.find(Locator::Css("#insight-requests")).await.expect("count").text().await.expect("text"), "1");
    let classifier = client.find(Locator::Css(".classifier[data-classifier='request_type']")).await.expect("the type classifier").text().await.expect("text");
    assert!(classifier.contains("1 corrected"), "the correction is counted: {classifier}");
    let calls = client.find(Locator::Css("#chart-connectors")).await.expect("connectors chart").text().await.expect("text");
    assert!(calls.contains("asset"), "{calls}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "insights.png").await;

    // Policies: a stricter disclosure policy previewed on the request (the
    // location withheld), then the task link window saved from its form.
    client.find(Locator::Css("#nav-policies")).await.expect("policies tab").click().await.expect("open policies");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#policies button[data-section='disclosure']"))
        .await
        .expect("the sections")
        .click()
        .await
        .expect("disclosure");
    client.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css("#add-policy")).await.expect("add").click().await.expect("add a policy");
    let policy = Locator::Css("#policies details[data-policy='0']");
    client.wait().at_most(Duration::from_secs(5)).for_element(policy).await.expect("the new policy's form");
    client
        .find(Locator::Css("#policies details[data-policy='0'] label[data-field='location'] select"))
        .await
        .expect("the location rule, from the schema")
        .select_by_value("withhold")
        .await
        .expect("withhold locations");
    client
        .find(Locator::Css("#policies input[aria-label='Request for the preview']"))
        .await
        .expect("request no.")
        .send_keys(&id.to_string())
        .await
        .expect("type");
    client.find(Locator::Css("#policies details[data-policy='0'] button.preview")).await.expect("preview").click().await.expect("preview");
    let preview = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#disclosure-preview")).await.expect("the previewed reply");
    let previewed = preview.text().await.expect("text");
    assert!(previewed.contains("WKS-FIN-042") && !previewed.contains("London HQ"), "the reply under the edited policy: {previewed}");
    client.execute("document.getElementById('disclosure-preview').scrollIntoView({ block: 'center' })", vec![]).await.expect("scroll to the preview");
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&client, "policies.png").await;
    client.find(Locator::Css("#policies button[data-section='tasks']")).await.expect("tasks").click().await.expect("tasks");
    let window = client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("#policies label[data-field='link_window_days'] input"))
        .await
        .expect("the link window");
    window.clear().await.expect("clear");
    window.send_keys("30").await.expect("type");
    client.find(Locator::Css("#save-policy")).await.expect("save").click().await.expect("save");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#policy-saved")).await.expect("saved");
    let file = std::fs::read_to_string(&config_path).expect("config");
    assert!(file.contains("[tasks]") && file.contains("link_window_days = 30"), "{file}");
    assert!(!file.contains("[[disclosure]]"), "the previewed policy was not saved:\n{file}");
    assert!(store.audit_log(None).await.expect("audit").iter().any(|e| e.action == "policy_saved" && e.actor == "alice" && e.detail.contains("tasks")));

    // Threat intel: the verdict rules as a table; the young-domain rule's
    // threshold changed in its cell and saved.
    client.find(Locator::Css("#policies button[data-section='intel']")).await.expect("intel").click().await.expect("intel");
    let rows = Locator::Css("#policies table[data-table='verdict'] tbody tr");
    client.wait().at_most(Duration::from_secs(5)).for_element(rows).await.expect("the verdict rules, one row each");
    let shipped = client.find_all(rows).await.expect("rows").len();
    assert_eq!(shipped, 10, "the shipped rules");
    let last = format!("#policies table[data-table='verdict'] tr[data-row='{}']", shipped - 1);
    let source = client.find(Locator::Css(&format!("{last} td[data-column='source'] input"))).await.expect("source cell");
    assert_eq!(source.prop("value").await.expect("value").as_deref(), Some("rdap"));
    let cell = format!("{last} td[data-column='at_most'] input");
    client.execute(&format!("document.querySelector(\"{cell}\").scrollIntoView({{ block: 'center', inline: 'center' }})"), vec![]).await.expect("scroll");
    tokio::time::sleep(Duration::from_millis(200)).await;
    screenshot(&client, "policies-intel.png").await;
    let days = client.find(Locator::Css(&cell)).await.expect("at_most cell");
    days.clear().await.expect("clear the cell");
    days.send_keys("14").await.expect("type");
    client.find(Locator::Css("#save-policy")).await.expect("save").click().await.expect("save");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#policy-saved")).await.expect("saved");
    let file = std::fs::read_to_string(&config_path).expect("config");
    assert!(file.contains("[[intel.verdict]]") && file.contains("at_most = 14"), "{file}");

    // Assignment: a queue named, and a rule added as a row of the rules
    // table: where it assigns (a kind and its value), its request types and
    // labels typed in their cells.
    client.find(Locator::Css("#policies button[data-section='assignment']")).await.expect("assignment").click().await.expect("assignment");
    let queues =
        client.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css("#policies label[data-field='queues'] textarea")).await.expect("the queues");
    queues.send_keys("night").await.expect("type");
    client.find(Locator::Css("#policies div[data-field='rules'] button.add-row")).await.expect("add a rule").click().await.expect("add a rule");
    let row = "#policies table[data-table='rules'] tr[data-row='0']";
    client.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css(row)).await.expect("the new rule's row");
    // Where it assigns first: the cells further right scroll the table.
    let kind = format!("{row} td[data-column='assign_to'] select");
    client.execute(&format!("document.querySelector(\"{kind}\").scrollIntoView({{ block: 'center', inline: 'center' }})"), vec![]).await.expect("scroll");
    // (WebKitWebDriver calls this table's options not interactable; the
    // change is made as the select itself makes it.)
    let choose = "const s = document.querySelector(arguments[0]); s.value = 'queue'; s.dispatchEvent(new Event('change', { bubbles: true }));";
    client.execute(choose, vec![serde_json::json!(kind)]).await.expect("a queue");
    let target = client.find(Locator::Css(&format!("{row} td[data-column='assign_to'] input"))).await.expect("target");
    target.send_keys("night").await.expect("type");
    for (column, typed) in [("name", "P1 by night"), ("request_types", "enrichment, asset_owner"), ("labels", "priority: P1, P2"), ("hours", "22:00-06:00")] {
        let cell = format!("{row} td[data-column='{column}'] input");
        client.execute(&format!("document.querySelector(\"{cell}\").scrollIntoView({{ block: 'center', inline: 'center' }})"), vec![]).await.expect("scroll");
        client.find(Locator::Css(&cell)).await.expect("cell").send_keys(typed).await.expect("type");
    }
    client.execute(&format!("document.querySelector(\"{kind}\").scrollIntoView({{ block: 'center', inline: 'center' }})"), vec![]).await.expect("scroll");
    screenshot(&client, "policies-assignment.png").await;
    client.find(Locator::Css("#save-policy")).await.expect("save").click().await.expect("save");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#policy-saved")).await.expect("saved");
    let saved = Config::load(Some(&config_path)).expect("the saved file loads").assignment;
    assert_eq!(saved.queues, ["night"]);
    let rule = saved.rules.first().expect("the rule");
    assert_eq!(
        (rule.name.as_str(), &rule.request_types, rule.hours.as_deref()),
        ("P1 by night", &vec!["enrichment".to_string(), "asset_owner".into()], Some("22:00-06:00"))
    );
    assert_eq!(rule.labels.get("priority"), Some(&vec!["P1".to_string(), "P2".into()]));
    assert_eq!(rule.assign_to, drawbridge_engine::assign::Target::Queue("night".into()));

    // The audit log: every decision above, searchable, with the chain checked.
    client.find(Locator::Css("#nav-audit")).await.expect("audit tab").click().await.expect("open the audit log");
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#audit tr[data-audit-id]")).await.expect("entries");
    client.find(Locator::Css("#audit-search")).await.expect("search").send_keys("correct_label alice").await.expect("search");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let found = client.find_all(Locator::Css("#audit tbody tr")).await.expect("rows");
    assert_eq!(found.len(), 1, "the search finds the correction");
    let search = client.find(Locator::Css("#audit-search")).await.expect("search");
    search.clear().await.expect("clear");
    search.send_keys("connector_settings firewall-api-key").await.expect("search");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(client.find_all(Locator::Css("#audit tbody tr")).await.expect("rows").len(), 1, "the connector's save is audited");
    search.clear().await.expect("clear");
    search.send_keys("playbook_saved asset-owners").await.expect("search");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(client.find_all(Locator::Css("#audit tbody tr")).await.expect("rows").len(), 1, "the playbook's save is audited");
    search.clear().await.expect("clear");
    search.send_keys("rerun_playbook alice").await.expect("search");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Re-run once by hand, one step once, and once each for the indicator added and removed.
    assert_eq!(client.find_all(Locator::Css("#audit tbody tr")).await.expect("rows").len(), 4, "the re-runs are audited");
    client.find(Locator::Css("#verify-audit")).await.expect("check").click().await.expect("check the chain");
    let verdict = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#audit-verdict")).await.expect("verdict");
    assert!(verdict.text().await.expect("text").contains("chain up"), "the chain holds");
    screenshot(&client, "audit.png").await;
    // The dark theme: the switch cycles system → light → dark (the choice
    // persists in the webview's storage, so start from wherever it is).
    for _ in 0..3 {
        let theme = client.find(Locator::Css("#theme")).await.expect("theme switch");
        if theme.text().await.expect("text") == "Theme: dark" {
            break;
        }
        theme.click().await.expect("next theme");
    }
    let set = client.execute("return document.documentElement.dataset.theme || null", vec![]).await.expect("read the theme");
    assert_eq!(set, serde_json::json!("dark"));
    client.find(Locator::Css("#nav-queue")).await.expect("queue tab").click().await.expect("back to the queue");
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&client, "queue-dark.png").await;
    client.close().await.expect("close");
}

/// The queue's count once it reads `want` (or what it reads after 10 s).
async fn total_becomes(client: &fantoccini::Client, want: &str) -> String {
    let started = Instant::now();
    loop {
        let now = match client.find(Locator::Css("#queue-total")).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if now == want || started.elapsed() > Duration::from_secs(10) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of an element, for a failure message.
fn block_on_text(client: &fantoccini::Client, css: &str) -> String {
    let client = client.clone();
    let css = css.to_string();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()
            .and_then(|rt| rt.block_on(async { client.find(Locator::Css(&css)).await.ok()?.text().await.ok() }))
    })
    .join()
    .ok()
    .flatten()
    .unwrap_or_default()
}

async fn screenshot(client: &fantoccini::Client, name: &str) {
    if let Ok(png) = client.screenshot().await {
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        let _ = std::fs::create_dir_all(&out);
        let _ = std::fs::write(out.join(name), png);
    }
}

/// The reply to `message_id` in the MSSP's mailbox, read over IMAPS.
async fn eventually_delivered(lab: &std::path::Path, message_id: &str, limit: Duration) -> Option<String> {
    let started = Instant::now();
    while started.elapsed() < limit {
        for raw in drawbridge_testkit::mail::mssp_inbox(lab).await {
            let text = String::from_utf8_lossy(&raw).to_string();
            if text.lines().any(|l| l.to_ascii_lowercase().starts_with("in-reply-to:") && l.contains(message_id)) {
                return Some(text);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    None
}
