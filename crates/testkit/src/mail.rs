//! The mail lab (Dovecot + Postfix, `tests/lab/mail.sh`): sending as the
//! MSSP, reading mailboxes over IMAPS, and stopping servers for outage tests.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The MSSP analyst's lab account.
pub const MSSP: (&str, &str) = ("analyst@mssp.example.net", "analyst-pw");

/// Sends raw bytes through Postfix submission (STARTTLS, TLS 1.3, AUTH).
pub async fn submit(lab: &Path, to: &str, raw: &[u8]) {
    send(lab, to, raw, 10587, true).await
}

/// Sends raw bytes to Postfix's SMTP port, as another MTA would (STARTTLS, no
/// AUTH): works while Dovecot, which does submission AUTH, is down.
pub async fn relay(lab: &Path, to: &str, raw: &[u8]) {
    send(lab, to, raw, 10025, false).await
}

async fn send(lab: &Path, to: &str, raw: &[u8], port: u16, auth: bool) {
    use lettre::address::Envelope;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let pem = std::fs::read(lab.join("tls/ca.pem")).expect("lab CA");
    let tls = TlsParameters::builder("127.0.0.1".into()).add_root_certificate(Certificate::from_pem(&pem).expect("pem")).build_rustls().expect("tls params");
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(port).tls(Tls::Required(tls));
    if auth {
        builder = builder.credentials(Credentials::new(MSSP.0.into(), MSSP.1.into()));
    }
    let mailer = builder.build();
    let envelope = Envelope::new(Some(MSSP.0.parse().expect("from")), vec![to.parse().expect("to")]).expect("envelope");
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

type Session = async_imap::Session<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>;

/// A logged-in IMAPS session with the lab's Dovecot, trusting the lab CA.
async fn session(lab: &Path, user: &str, password: &str) -> Session {
    let cfg = drawbridge_engine::intake::tls::client_config(Some(&lab.join("tls/ca.pem")), false).expect("tls");
    let tcp = tokio::net::TcpStream::connect("127.0.0.1:10993").await.expect("connect");
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let stream = tokio_rustls::TlsConnector::from(cfg).connect(name, tcp).await.expect("tls");
    let mut client = async_imap::Client::new(stream);
    client.read_response().await.expect("greeting");
    client.login(user, password).await.map_err(|(e, _)| e).expect("login")
}

/// Every message in one folder of a lab account, raw (empty when the folder does not exist).
pub async fn mailbox(lab: &Path, user: &str, password: &str, folder: &str) -> Vec<Vec<u8>> {
    use futures::TryStreamExt;
    let mut session = session(lab, user, password).await;
    let Ok(mailbox) = session.select(folder).await else { return Vec::new() };
    let mut out = Vec::new();
    if mailbox.exists > 0 {
        let fetches: Vec<_> = session.fetch("1:*", "BODY.PEEK[]").await.expect("fetch").try_collect().await.expect("messages");
        out = fetches.iter().filter_map(|f| f.body().map(<[u8]>::to_vec)).collect();
    }
    session.logout().await.ok();
    out
}

/// Puts raw bytes straight into a lab account's INBOX (IMAP APPEND), as no
/// MTA would pass them on. The password is `<local part>-pw`.
pub async fn append(lab: &Path, user: &str, raw: &[u8]) {
    let local = user.split('@').next().unwrap_or(user);
    let mut session = session(lab, user, &format!("{local}-pw")).await;
    session.append("INBOX", None, None, raw).await.expect("append");
    session.logout().await.ok();
}

/// Puts many messages into a lab account's INBOX in one session.
pub async fn append_many(lab: &Path, user: &str, messages: &[Vec<u8>]) {
    let local = user.split('@').next().unwrap_or(user);
    let mut session = session(lab, user, &format!("{local}-pw")).await;
    for raw in messages {
        session.append("INBOX", None, None, raw).await.expect("append");
    }
    session.logout().await.ok();
}

/// Deletes every message in a lab account's INBOX (a test's clean start).
pub async fn empty_inbox(lab: &Path, user: &str) {
    use futures::TryStreamExt;
    let local = user.split('@').next().unwrap_or(user);
    let mut session = session(lab, user, &format!("{local}-pw")).await;
    let mailbox = session.select("INBOX").await.expect("select");
    if mailbox.exists > 0 {
        let _: Vec<_> = session.store("1:*", "+FLAGS.SILENT (\\Deleted)").await.expect("store").try_collect().await.expect("flags");
        let _: Vec<_> = session.expunge().await.expect("expunge").try_collect().await.expect("expunged");
    }
    session.logout().await.ok();
}

/// Every message in the MSSP analyst's inbox, raw.
pub async fn mssp_inbox(lab: &Path) -> Vec<Vec<u8>> {
    mailbox(lab, MSSP.0, MSSP.1, "INBOX").await
}

pub fn lab_script() -> PathBuf {
    crate::repo_root().join("tests/lab/mail.sh")
}

/// Runs `mail.sh ACTION LAB` (stop-dovecot, start-postfix, …) and asserts it worked.
pub fn lab_action(action: &str, lab: &Path) {
    let status = std::process::Command::new("bash").arg(lab_script()).arg(action).arg(lab).status().expect("mail.sh runs");
    assert!(status.success(), "mail.sh {action} failed");
}

/// The lab tests of one binary share one Dovecot, and some restart it: they
/// take turns (an async lock: each test holds it across its awaits).
pub async fn lab_turn() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// A lab server stopped for an outage test, started again when dropped, so
/// a failing test does not leave the lab broken for the next one.
pub struct ServerDown {
    lab: PathBuf,
    server: &'static str,
}

impl ServerDown {
    fn stop(lab: &Path, server: &'static str) -> ServerDown {
        lab_action(&format!("stop-{server}"), lab);
        ServerDown { lab: lab.to_path_buf(), server }
    }
}

impl Drop for ServerDown {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash").arg(lab_script()).arg(format!("start-{}", self.server)).arg(&self.lab).status();
    }
}

/// Stops Dovecot until the guard is dropped.
pub fn stop_dovecot(lab: &Path) -> ServerDown {
    ServerDown::stop(lab, "dovecot")
}

/// Stops Postfix until the guard is dropped.
pub fn stop_postfix(lab: &Path) -> ServerDown {
    ServerDown::stop(lab, "postfix")
}
