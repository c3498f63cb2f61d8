//! Shared helpers for the integration tests: the mail lab started by
//! `tests/lab/mail.sh`, and messages built for them.
#![allow(dead_code)]

use drawbridge_engine::config::{Config, ImapConfig, TlsMode};
use drawbridge_engine::ingest::Ingestor;
use drawbridge_engine::sender::DnsSource;
use drawbridge_engine::store::Store;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The mail lab's folder, from `DRAWBRIDGE_MAIL_LAB` (set by `make test`).
/// `None` means the lab is not running and the caller skips, saying so.
pub fn mail_lab() -> Option<PathBuf> {
    match std::env::var_os("DRAWBRIDGE_MAIL_LAB") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            eprintln!("SKIPPED: DRAWBRIDGE_MAIL_LAB is not set; run the tests with `make test`, which starts the mail lab");
            None
        }
    }
}

pub fn imap_config(lab: &std::path::Path, user: &str, tls: TlsMode) -> ImapConfig {
    let local = user.split('@').next().unwrap_or(user);
    // SAFETY of the env var: each test uses its own user, hence its own variable.
    let secret = format!("imap-{local}");
    unsafe { std::env::set_var(format!("DRAWBRIDGE_SECRET_IMAP_{}", local.to_ascii_uppercase()), format!("{local}-pw")) };
    ImapConfig {
        host: "127.0.0.1".into(),
        port: if tls == TlsMode::Implicit { 10993 } else { 10143 },
        tls,
        ca_file: Some(lab.join("tls/ca.pem")),
        allow_tls12: false,
        username: user.into(),
        password_secret: secret,
        mailbox: "INBOX".into(),
        processed_mailbox: None,
        poll_seconds: 30,
    }
}

pub async fn ingestor(db: &std::path::Path, config: &Config) -> Ingestor {
    let store = Store::open_sqlite(db).await.expect("open store");
    Ingestor::new(config, store, DnsSource::Fixed(Default::default())).expect("ingestor")
}

/// A request as the MSSP would send it, vouched for by the customer's gateway.
pub fn request_email(to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: SOC Analyst <analyst@mssp.example.net>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Message-ID: <{}@mssp.example.net>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\
         Authentication-Results: mx1.corp.example; dkim=pass header.d=mssp.example.net; dmarc=pass header.from=mssp.example.net\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        unique()
    )
    .into_bytes()
}

pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos}.{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Sends raw bytes through Postfix submission (STARTTLS, TLS 1.3, AUTH).
pub async fn submit(lab: &std::path::Path, to: &str, raw: &[u8]) {
    send(lab, to, raw, 10587, true).await
}

/// Sends raw bytes to Postfix's SMTP port, as another MTA would (STARTTLS, no
/// AUTH): works while Dovecot, which does submission AUTH, is down.
pub async fn relay(lab: &std::path::Path, to: &str, raw: &[u8]) {
    send(lab, to, raw, 10025, false).await
}

async fn send(lab: &std::path::Path, to: &str, raw: &[u8], port: u16, auth: bool) {
    use lettre::address::Envelope;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let pem = std::fs::read(lab.join("tls/ca.pem")).expect("lab CA");
    let tls = TlsParameters::builder("127.0.0.1".into())
        .add_root_certificate(Certificate::from_pem(&pem).expect("pem"))
        .build_rustls()
        .expect("tls params");
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(port).tls(Tls::Required(tls));
    if auth {
        builder = builder.credentials(Credentials::new("analyst@mssp.example.net".into(), "analyst-pw".into()));
    }
    let mailer = builder.build();
    let envelope = Envelope::new(Some("analyst@mssp.example.net".parse().expect("from")), vec![to.parse().expect("to")]).expect("envelope");
    // 4xx means "try again" (for instance while Postfix reconnects to
    // Dovecot's auth service after a restart): retry as an MTA would.
    for attempt in 1.. {
        match mailer.send_raw(&envelope, raw).await {
            Ok(_) => return,
            Err(e) if e.is_transient() && attempt < 20 => tokio::time::sleep(Duration::from_millis(500)).await,
            Err(e) => panic!("Postfix refused the message after {attempt} attempt(s): {e}"),
        }
    }
}

/// Waits until `check` holds, up to `limit`; returns whether it did.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

pub fn lab_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/lab/mail.sh")
}

/// The lab tests share one Dovecot, and one of them restarts it: they take
/// turns.
pub fn lab_turn() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts Dovecot again when dropped, so a failing test does not leave the
/// lab broken for the next one.
pub struct DovecotDown(pub PathBuf);

impl DovecotDown {
    pub fn stop(lab: &std::path::Path) -> DovecotDown {
        let status = std::process::Command::new("bash").arg(lab_script()).arg("stop-dovecot").arg(lab).status().expect("lab script runs");
        assert!(status.success(), "stop-dovecot failed");
        DovecotDown(lab.to_path_buf())
    }
}

impl Drop for DovecotDown {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash").arg(lab_script()).arg("start-dovecot").arg(&self.0).status();
    }
}
