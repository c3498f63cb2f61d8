//! Proven recovery: `drawbridge serve` as a real process against the real
//! mail lab (Dovecot, Postfix), killed with SIGKILL at the worst moments and
//! with its servers taken away. Each test asserts that nothing is lost, no
//! request is duplicated, and nothing is sent twice outside the one
//! documented window (a reply the SMTP server accepted whose `sent` commit
//! did not happen goes again, once, with the same Message-ID). Each prints a
//! `recovery:` line with its figures (`cargo test --test recovery --
//! --nocapture`); the figures are reported, never asserted as timings.

use drawbridge_testkit::emails::request as email;
use drawbridge_testkit::labs;
use drawbridge_testkit::mail::{append_many, empty_inbox, lab_action, mssp_inbox, relay, stop_postfix};
use sqlx::Row;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The tests restart the lab's servers and measure time and memory: one at a time.
async fn turn() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// `drawbridge serve`, killed with SIGKILL when dropped.
struct Serve(Child);

impl Serve {
    /// Starts `serve`; its log goes to `serve.log` beside the config.
    fn start(config: &Path) -> Serve {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(config.with_file_name("serve.log")).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_drawbridge"))
            .arg("--config")
            .arg(config)
            .args(["serve", "--interval", "1"])
            .env("DRAWBRIDGE_SECRET_REC_IMAP", "rec1-pw")
            .env("DRAWBRIDGE_SECRET_REC_IMAP2", "rec2-pw")
            .env("DRAWBRIDGE_SECRET_REC_SMTP", "mssp-requests-pw")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("serve starts");
        Serve(child)
    }

    /// SIGKILL: no destructor, no flush, no goodbye to any server.
    fn kill9(mut self) {
        self.0.kill().expect("SIGKILL");
        self.0.wait().expect("reaped");
    }

    /// Peak and current resident memory (VmHWM, VmRSS) in KiB.
    fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id())).unwrap_or_default();
        let field =
            |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok()).unwrap_or(0);
        (field("VmHWM:"), field("VmRSS:"))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The end of `serve`'s log, for a failure message.
fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn cli(config: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_drawbridge")).arg("--config").arg(config).args(args).output().expect("drawbridge runs");
    assert!(out.status.success(), "drawbridge {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// The settings every test shares; `extra` adds intake and outbound sections.
fn write_config(dir: &Path, playbooks: &Path, extra: &str) -> PathBuf {
    let config = dir.join("drawbridge.toml");
    std::fs::write(
        &config,
        format!(
            r#"database = "{db}"
playbooks_dir = "{playbooks}"

[indicators]
internal_domains = ["corp.example"]
hostname_patterns = ['(?i)^(wks|lt|srv)-[a-z0-9-]+$']
exclude_domains = ["mssp.example.net"]

[senders]
allowed_domains = ["mssp.example.net"]
trusted_authserv_ids = ["mx1.corp.example"]
verify_dkim = false

[intake]
drop_folder = "{dir}/inbox"

{extra}
"#,
            db = dir.join("db.sqlite").display(),
            playbooks = playbooks.display(),
            dir = dir.display(),
        ),
    )
    .expect("config");
    config
}

fn imap_section(lab: &Path, user: &str, secret: &str) -> String {
    format!(
        "[intake.imap]\nhost = \"127.0.0.1\"\nport = 10993\ntls = \"implicit\"\nca_file = \"{}/tls/ca.pem\"\nusername = \"{user}\"\npassword_secret = \"{secret}\"\nmailbox = \"INBOX\"\npoll_seconds = 30\n",
        lab.display()
    )
}

fn outbound_section(lab: &Path, port: u16) -> String {
    format!(
        "[outbound]\nfrom = \"Corp SOC <mssp-requests@corp.example>\"\nretry_base_seconds = 1\nmax_backoff_seconds = 5\n\n[outbound.smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"starttls\"\nca_file = \"{}/tls/ca.pem\"\nusername = \"mssp-requests@corp.example\"\npassword_secret = \"rec-smtp\"\n",
        lab.display()
    )
}

/// Reads the store as an observer would (a second connection; WAL lets it
/// read while `serve` writes).
async fn db(dir: &Path) -> sqlx::SqlitePool {
    let path = dir.join("db.sqlite");
    for _ in 0..200 {
        if path.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).busy_timeout(Duration::from_secs(10));
    sqlx::sqlite::SqlitePoolOptions::new().max_connections(2).connect_with(options).await.expect("open the store")
}

async fn scalar(pool: &sqlx::SqlitePool, sql: &str) -> i64 {
    // Before `serve` has migrated a fresh store, the tables are not there yet: 0.
    sqlx::query(sql).fetch_one(pool).await.map(|r| r.get::<i64, _>(0)).unwrap_or(0)
}

use drawbridge_testkit::waited as until;

fn tag() -> String {
    format!("{}-{}", std::process::id(), chrono::Utc::now().timestamp_millis())
}

/// A request about a few hosts and an address, distinct per `i`.
fn request(tag: &str, i: usize) -> Vec<u8> {
    email(
        "mssp-requests@corp.example",
        &format!("Recovery {tag} #{i}: who owns WKS-OPS-{:03}?", i % 997),
        &format!("<rec-{tag}-{i}@mssp.example.net>"),
        &format!(
            "Hello team,\r\n\r\nCould you tell us who owns WKS-OPS-{:03} and whether 198.51.100.{} reached it last week?\r\n\r\nThanks,\r\nSOC",
            i % 997,
            1 + i % 250
        ),
    )
}

/// Subjects of the stored requests carrying `tag`, with how often each is stored.
async fn stored_subjects(pool: &sqlx::SqlitePool, tag: &str) -> std::collections::BTreeMap<String, i64> {
    sqlx::query("SELECT subject, count(*) FROM requests WHERE subject LIKE ? GROUP BY subject")
        .bind(format!("%{tag}%"))
        .fetch_all(pool)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imap_intake_killed_midway_loses_and_duplicates_nothing() {
    let Some(lab) = labs::mail() else { return };
    let _turn = turn().await;
    const N: usize = 300;
    let user = "rec1@corp.example";
    empty_inbox(&lab, user).await;
    let tag = tag();
    let messages: Vec<Vec<u8>> = (0..N).map(|i| request(&tag, i)).collect();
    append_many(&lab, user, &messages).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("playbooks");
    std::fs::create_dir_all(&empty).expect("playbooks dir");
    let config = write_config(dir.path(), &empty, &imap_section(&lab, user, "rec-imap"));

    let serve = Serve::start(&config);
    let pool = db(dir.path()).await;
    until(Duration::from_secs(120), Duration::from_millis(10), || async { scalar(&pool, "SELECT count(*) FROM requests").await >= 40 })
        .await
        .expect("intake started");
    serve.kill9();
    let at_kill = scalar(&pool, "SELECT count(*) FROM requests").await as usize;
    assert!(at_kill < N, "killed midway ({at_kill} of {N} ingested)");

    let restarted = Instant::now();
    let serve = Serve::start(&config);
    let resumed =
        until(Duration::from_secs(60), Duration::from_millis(20), || async { scalar(&pool, "SELECT count(*) FROM requests").await as usize > at_kill })
            .await
            .expect("intake resumed");
    until(Duration::from_secs(300), Duration::from_millis(100), || async { scalar(&pool, "SELECT count(*) FROM requests").await as usize >= N })
        .await
        .expect("every message ingested");
    let all = restarted.elapsed();
    // Give a duplicate every chance to appear before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(serve);
    let subjects = stored_subjects(&pool, &tag).await;
    let duplicated: Vec<_> = subjects.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(subjects.len(), N, "every message is a request");
    assert!(duplicated.is_empty(), "duplicated: {duplicated:?}");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM requests").await as usize, N, "nothing else was created");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM raw_messages").await as usize, N, "each raw message kept, once");
    let cursor = scalar(&pool, "SELECT last_uid FROM imap_cursors").await;
    assert!(cursor >= N as i64, "the cursor reached the last message (UID {cursor})");
    println!(
        "recovery: kill -9 during IMAP intake: {at_kill}/{N} ingested at the kill; intake resumed {:.2} s after restart; all {N} in {:.1} s; lost 0, duplicated 0",
        resumed.as_secs_f64(),
        all.as_secs_f64()
    );
}

/// A JSON API whose every answer takes 300 ms; counts the questions.
fn slow_api(asked: Arc<AtomicUsize>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let asked = asked.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                asked.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(300));
                let body = "{\"owner\":\"someone\"}";
                let _ =
                    write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_playbook_run_killed_midway_resumes_and_finishes_once() {
    let _turn = turn().await;
    let asked = Arc::new(AtomicUsize::new(0));
    let url = slow_api(asked.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let playbooks = dir.path().join("playbooks");
    std::fs::create_dir_all(playbooks.join("connectors")).expect("mkdir");
    std::fs::write(
        playbooks.join("connectors/slowcmdb.yaml"),
        "name: slowcmdb\nnetwork: internal\nbase_url: http://unused\nactions:\n  host:\n    inputs: [name]\n    path: /host\n    query: { name: \"{{ input.name }}\" }\n    classes: { owner: username }\n",
    )
    .expect("connector");
    std::fs::write(
        playbooks.join("default.yaml"),
        "name: default\ntrigger: { request_types: [default, enrichment, informational, phishing, device_lost, containment] }\nsteps:\n  - id: host\n    action: slowcmdb.host\n    for_each: { kinds: [hostname] }\n    input: { name: \"{{ item.value }}\" }\n",
    )
    .expect("playbook");
    let config =
        write_config(dir.path(), &playbooks, &format!("[connectors.http.slowcmdb]\nbase_url = \"{url}\"\n[connectors.limits.slowcmdb]\nconcurrency = 1\n"));
    // Three requests of four hosts each: twelve calls of 300 ms.
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    let tag = tag();
    for r in 0..3 {
        let hosts: Vec<String> = (0..4).map(|h| format!("WKS-RUN-{r}{h}")).collect();
        let raw = email(
            "mssp-requests@corp.example",
            &format!("Recovery {tag} run {r}"),
            &format!("<run-{tag}-{r}@mssp.example.net>"),
            &format!("Who owns {}?", hosts.join(", ")),
        );
        std::fs::write(inbox.join(format!("{r}.eml")), raw).expect("drop");
    }
    let serve = Serve::start(&config);
    let pool = db(dir.path()).await;
    // Killed once the second request's run is under way.
    until(Duration::from_secs(60), Duration::from_millis(10), || async { asked.load(Ordering::SeqCst) >= 6 })
        .await
        .unwrap_or_else(|| panic!("runs started; serve: {}", log_tail(dir.path())));
    serve.kill9();
    let asked_at_kill = asked.load(Ordering::SeqCst);
    let stored_at_kill = scalar(&pool, "SELECT count(*) FROM step_results WHERE status = 'ok'").await;
    let running = scalar(&pool, "SELECT count(*) FROM playbook_runs WHERE status = 'running'").await;
    assert_eq!(running, 1, "one run was cut off midway");

    let restarted = Instant::now();
    let serve = Serve::start(&config);
    until(Duration::from_secs(120), Duration::from_millis(50), || async {
        scalar(&pool, "SELECT count(*) FROM playbook_runs WHERE status = 'completed'").await == 3 && scalar(&pool, "SELECT count(*) FROM reports").await == 3
    })
    .await
    .expect("every run finished and its draft was stored");
    let done = restarted.elapsed();
    drop(serve);
    assert_eq!(scalar(&pool, "SELECT count(*) FROM requests").await, 3, "no request duplicated");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM playbook_runs").await, 3, "the cut-off run was resumed, not started again");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM step_results WHERE status = 'ok'").await, 12, "every host answered once in the runs");
    let asked_total = asked.load(Ordering::SeqCst);
    // Calls whose answers were stored are never asked again; only a call in
    // flight at the kill (at most `concurrency`) is repeated.
    let repeated = asked_total as i64 - 12;
    assert!((0..=1).contains(&repeated), "{asked_total} calls for 12 hosts ({stored_at_kill} stored at the kill)");
    println!(
        "recovery: kill -9 during a playbook run: {stored_at_kill}/12 calls stored at the kill ({asked_at_kill} asked); all 3 runs completed {:.1} s after restart (time to recover, incl. the remaining calls at 300 ms each); lost 0, runs duplicated 0, calls repeated {repeated} (in flight at the kill)",
        done.as_secs_f64()
    );
}

/// A TCP relay to `target` that holds each server→client chunk for `delay`
/// (TLS passes through untouched): an SMTP server slow enough to catch the
/// moment between its acceptance and our commit.
fn slow_relay(target: u16, delay: Duration) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", target)) else { continue };
            let (mut c_read, mut s_write) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c_read, &mut s_write);
                let _ = s_write.shutdown(std::net::Shutdown::Write);
            });
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let mut buf = [0u8; 16384];
                loop {
                    match s_read.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            std::thread::sleep(delay);
                            if c_write.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = c_write.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    port
}

/// Copies of our reply to `message_id` in the MSSP's inbox, with their Message-IDs.
async fn replies_to(lab: &Path, message_id: &str) -> Vec<String> {
    mssp_inbox(lab)
        .await
        .iter()
        .filter_map(|raw| mail_parser::MessageParser::default().parse(raw))
        .filter(|m| m.in_reply_to().as_text() == Some(message_id.trim_matches(['<', '>'])))
        .map(|m| m.message_id().unwrap_or_default().to_string())
        .collect()
}

/// Drops requests into the folder and waits until each has its draft; returns their ids.
async fn drafted(dir: &Path, pool: &sqlx::SqlitePool, messages: &[Vec<u8>]) -> Vec<i64> {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    for (i, raw) in messages.iter().enumerate() {
        std::fs::write(inbox.join(format!("{i:05}.eml")), raw).expect("drop");
    }
    let n = messages.len() as i64;
    until(Duration::from_secs(120), Duration::from_millis(100), || async { scalar(pool, "SELECT count(*) FROM reports").await >= n })
        .await
        .unwrap_or_else(|| panic!("every request drafted; serve: {}", log_tail(dir)));
    let ids: Vec<i64> = sqlx::query("SELECT id FROM requests ORDER BY id").fetch_all(pool).await.expect("ids").into_iter().map(|r| r.get(0)).collect();
    assert_eq!(ids.len(), messages.len());
    ids
}

fn approve(config: &Path, id: i64) {
    let shown = cli(config, &["report", "show", &id.to_string(), "--format", "review"])["rendered"]["digest"].as_str().expect("digest").to_string();
    let approved = cli(config, &["review", "approve", &id.to_string(), "--digest", &shown, "--as", "alice", "--dev-impersonate"]);
    assert_eq!(approved["state"], "queued", "{approved}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_accepted_but_not_committed_goes_again_once_with_the_same_message_id() {
    let Some(lab) = labs::mail() else { return };
    let _turn = turn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = slow_relay(10587, Duration::from_millis(150));
    let config = write_config(dir.path(), &drawbridge_testkit::repo_root().join("playbooks"), &outbound_section(&lab, port));
    let serve = Serve::start(&config);
    let pool = db(dir.path()).await;
    let tag = tag();
    let request_mid = format!("<rec-{tag}-0@mssp.example.net>");
    let ids = drafted(dir.path(), &pool, &[request(&tag, 0)]).await;
    approve(&config, ids[0]);

    // The moment it is claimed (`sending`, committed) we hold the store's
    // write lock: the server's acceptance cannot be committed as `sent`.
    until(Duration::from_secs(30), Duration::from_millis(2), || async { scalar(&pool, "SELECT count(*) FROM outbox WHERE state = 'sending'").await == 1 })
        .await
        .expect("the reply was claimed for sending");
    let mut writer = pool.acquire().await.expect("connection");
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *writer).await.expect("write lock");
    let state: String = sqlx::query("SELECT state FROM outbox").fetch_one(&mut *writer).await.expect("state").get(0);
    assert_eq!(state, "sending", "the lock came before the commit");
    // The server accepted it: the reply is in the MSSP's mailbox.
    let delivered = until(Duration::from_secs(8), Duration::from_millis(100), || async { !replies_to(&lab, &request_mid).await.is_empty() }).await;
    assert!(delivered.is_some(), "the server accepted the reply while our commit waited");
    serve.kill9();
    sqlx::query("ROLLBACK").execute(&mut *writer).await.expect("unlock");
    drop(writer);
    let state: String = sqlx::query("SELECT state FROM outbox").fetch_one(&pool).await.expect("state").get(0);
    assert_eq!(state, "sending", "the kill came between the server's acceptance and the `sent` commit");

    let restarted = Instant::now();
    let serve = Serve::start(&config);
    until(Duration::from_secs(60), Duration::from_millis(100), || async { scalar(&pool, "SELECT count(*) FROM outbox WHERE state = 'sent'").await == 1 })
        .await
        .expect("sent after restart");
    let resent = restarted.elapsed();
    // Anything more would arrive within a few passes.
    tokio::time::sleep(Duration::from_secs(4)).await;
    drop(serve);
    let copies = replies_to(&lab, &request_mid).await;
    assert_eq!(copies.len(), 2, "sent again exactly once: {copies:?}");
    assert_eq!(copies[0], copies[1], "the duplicate carries the same Message-ID, so the MSSP's mail system can drop it");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM audit_log WHERE action = 'sent'").await, 1, "one `sent` in the audit trail");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM outbox").await, 1, "one message queued");
    println!(
        "recovery: kill -9 between SMTP DATA and the `sent` commit: re-sent {:.1} s after restart; copies delivered 2 (the documented window: same Message-ID {}), lost 0",
        resent.as_secs_f64(),
        copies[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dovecot_restarted_during_idle_loses_nothing() {
    let Some(lab) = labs::mail() else { return };
    let _turn = turn().await;
    let user = "rec2@corp.example";
    empty_inbox(&lab, user).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("playbooks");
    std::fs::create_dir_all(&empty).expect("playbooks dir");
    let config = write_config(dir.path(), &empty, &imap_section(&lab, user, "rec-imap2"));
    let tag = tag();
    let serve = Serve::start(&config);
    let pool = db(dir.path()).await;
    let count = || async { stored_subjects(&pool, &tag).await.len() };
    append_many(&lab, user, &(0..3).map(|i| request(&tag, i)).collect::<Vec<_>>()).await;
    until(Duration::from_secs(60), Duration::from_millis(50), || async { count().await == 3 }).await.expect("first messages ingested");
    // In IDLE now; Dovecot restarts under it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    lab_action("restart-dovecot", &lab);
    let restarted = Instant::now();
    append_many(&lab, user, &(3..6).map(|i| request(&tag, i)).collect::<Vec<_>>()).await;
    until(Duration::from_secs(90), Duration::from_millis(50), || async { count().await == 6 }).await.expect("ingested after the restart");
    let after_restart = restarted.elapsed();

    // Mail that arrives while Dovecot is down waits in Postfix's queue.
    let down = drawbridge_testkit::mail::stop_dovecot(&lab);
    for i in 6..9 {
        relay(&lab, user, &request(&tag, i)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop(down);
    let back = Instant::now();
    let _ = Command::new("postqueue").args(["-c", &format!("{}/postfix/etc", lab.display()), "-f"]).status();
    until(Duration::from_secs(120), Duration::from_millis(100), || async { count().await == 9 }).await.expect("queued mail ingested");
    let after_outage = back.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(serve);
    let subjects = stored_subjects(&pool, &tag).await;
    assert_eq!(subjects.len(), 9, "nothing lost: {subjects:?}");
    assert!(subjects.values().all(|n| *n == 1), "nothing duplicated: {subjects:?}");
    println!(
        "recovery: Dovecot restarted during IDLE: new mail ingested {:.1} s after the restart; mail delivered while Dovecot was down ingested {:.1} s after it came back; lost 0, duplicated 0",
        after_restart.as_secs_f64(),
        after_outage.as_secs_f64()
    );
}

/// Per request `rec-TAG-i`, how many replies to it are in the MSSP's inbox.
async fn delivered_counts(lab: &Path, tag: &str, n: usize) -> Vec<usize> {
    let inbox = mssp_inbox(lab).await;
    let parsed: Vec<_> = inbox.iter().filter_map(|raw| mail_parser::MessageParser::default().parse(raw)).collect();
    (0..n)
        .map(|i| {
            let mid = format!("rec-{tag}-{i}@mssp.example.net");
            parsed.iter().filter(|m| m.in_reply_to().as_text() == Some(mid.as_str())).count()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postfix_down_for_a_minute_with_twenty_replies_queued_delivers_each_once() {
    let Some(lab) = labs::mail() else { return };
    let _turn = turn().await;
    const N: usize = 20;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &drawbridge_testkit::repo_root().join("playbooks"), &outbound_section(&lab, 10587));
    let serve = Serve::start(&config);
    let pool = db(dir.path()).await;
    let tag = tag();
    let messages: Vec<Vec<u8>> = (0..N).map(|i| request(&tag, i)).collect();
    let ids = drafted(dir.path(), &pool, &messages).await;

    let down = stop_postfix(&lab);
    let stopped = Instant::now();
    for id in &ids {
        approve(&config, *id);
    }
    until(Duration::from_secs(30), Duration::from_millis(200), || async {
        scalar(&pool, "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts >= 1 AND last_error IS NOT NULL").await == N as i64
    })
    .await
    .expect("every reply tried and waiting");
    tokio::time::sleep(Duration::from_secs(60).saturating_sub(stopped.elapsed())).await;
    assert_eq!(scalar(&pool, "SELECT count(*) FROM outbox WHERE state = 'sent'").await, 0, "nothing went out while Postfix was down");
    let attempts = scalar(&pool, "SELECT max(attempts) FROM outbox").await;
    drop(down);
    let back = Instant::now();
    until(Duration::from_secs(120), Duration::from_millis(200), || async {
        scalar(&pool, "SELECT count(*) FROM outbox WHERE state = 'sent'").await == N as i64
    })
    .await
    .expect("every reply sent once Postfix is back");
    let all_sent = back.elapsed();
    let mut delivered = delivered_counts(&lab, &tag, N).await;
    let waited = Instant::now();
    while delivered.contains(&0) && waited.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        delivered = delivered_counts(&lab, &tag, N).await;
    }
    let in_inbox = back.elapsed();
    // Anything sent twice would have arrived by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    delivered = delivered_counts(&lab, &tag, N).await;
    drop(serve);
    assert!(delivered.iter().all(|n| *n == 1), "each reply delivered exactly once: {delivered:?}");
    assert_eq!(scalar(&pool, "SELECT count(*) FROM audit_log WHERE action = 'sent'").await, N as i64);
    println!(
        "recovery: Postfix down {:.0} s with {N} replies queued (up to {attempts} attempts each): all sent {:.1} s after Postfix came back, in the MSSP's mailbox after {:.1} s; lost 0, sent twice 0",
        back.duration_since(stopped).as_secs_f64(),
        all_sent.as_secs_f64(),
        in_inbox.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_dropped_emails_are_all_ingested_in_bounded_memory() {
    let _turn = turn().await;
    const N: usize = 10_000;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    let tag = tag();
    for i in 0..N {
        std::fs::write(inbox.join(format!("{i:05}.eml")), request(&tag, i)).expect("drop");
    }
    let playbooks = drawbridge_testkit::repo_root().join("playbooks");
    let config = write_config(dir.path(), &playbooks, "");
    let serve = Serve::start(&config);
    let pool = db(dir.path()).await;
    let mut peak_rss = 0u64;
    let started = Instant::now();
    until(Duration::from_secs(1200), Duration::from_millis(250), || {
        let (_, rss) = serve.memory_kib();
        peak_rss = peak_rss.max(rss);
        let pool = &pool;
        async move { scalar(pool, "SELECT count(*) FROM requests").await as usize >= N }
    })
    .await
    .expect("every email ingested");
    let all = started.elapsed();
    let (hwm, _) = serve.memory_kib();
    drop(serve);
    let left: Vec<_> = std::fs::read_dir(&inbox).expect("inbox").filter_map(|e| e.ok()).filter(|e| e.path().is_file()).collect();
    let processed = std::fs::read_dir(inbox.join("processed")).expect("processed").count();
    assert_eq!(scalar(&pool, "SELECT count(*) FROM requests").await as usize, N, "each email one request");
    assert_eq!(stored_subjects(&pool, &tag).await.len(), N, "no email lost or merged");
    assert!(left.is_empty(), "{} files left in the drop folder", left.len());
    assert_eq!(processed, N, "each file moved to processed/");
    let peak_mib = hwm.max(peak_rss) as f64 / 1024.0;
    assert!(peak_mib < 300.0, "peak resident memory {peak_mib:.0} MiB");
    println!(
        "recovery: {N} emails dropped at once: all ingested in {:.1} s ({:.0}/s, debug build, playbooks running beside); peak resident memory {peak_mib:.0} MiB (limit 300); lost 0",
        all.as_secs_f64(),
        N as f64 / all.as_secs_f64().max(0.001)
    );
}
