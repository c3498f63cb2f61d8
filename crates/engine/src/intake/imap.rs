//! IMAP, the protocol: the mailbox settings (`[intake.imap]`), connecting
//! over rustls (implicit TLS or STARTTLS, TLS 1.3 unless allowed), logging
//! in with the named secret, and filing a copy of a sent message. The
//! watcher that turns new mail into requests is `crate::sources::imap`.

use async_imap::Client;
use drawbridge_net::{secrets, tls};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

/// Any byte stream the IMAP client can run over (plain TCP before STARTTLS, then TLS).
pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Transport for T {}
pub type Stream = Box<dyn Transport>;

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("cannot connect to {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("server {0} does not offer STARTTLS; refusing to log in without TLS")]
    NoStarttls(String),
    #[error("IMAP: {0}")]
    Protocol(#[from] async_imap::error::Error),
    #[error("login as {0} failed: {1}")]
    Login(String, String),
    #[error("mailbox {0} has no UIDVALIDITY")]
    NoUidValidity(String),
    #[error("secret: {0}")]
    Secret(#[from] secrets::SecretError),
    #[error("store: {0}")]
    Store(#[from] drawbridge_store::StoreError),
    #[error("timed out: {0}")]
    Timeout(&'static str),
}

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

pub fn account(cfg: &ImapConfig) -> String {
    format!("{}@{}:{}", cfg.username, cfg.host, cfg.port)
}

pub async fn connect(cfg: &ImapConfig) -> Result<Client<Stream>, ImapError> {
    let addr = format!("{}:{}", cfg.host, cfg.port);
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&addr))
        .await
        .map_err(|_| ImapError::Timeout("TCP connect"))?
        .map_err(|e| ImapError::Connect(addr.clone(), e))?;
    let tls_config = tls::client_config(cfg.ca_file.as_deref(), cfg.allow_tls12).map_err(|e| ImapError::Tls(e.to_string()))?;
    let connector = TlsConnector::from(tls_config);
    let server_name = ServerName::try_from(cfg.host.clone()).map_err(|e| ImapError::Tls(format!("bad server name {}: {e}", cfg.host)))?;
    match cfg.tls {
        TlsMode::Implicit => {
            let stream = tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(server_name, tcp))
                .await
                .map_err(|_| ImapError::Timeout("TLS handshake"))?
                .map_err(|e| ImapError::Tls(e.to_string()))?;
            let mut client = Client::new(Box::new(stream) as Stream);
            client.read_response().await.map_err(|e| ImapError::Connect(addr.clone(), e))?;
            Ok(client)
        }
        TlsMode::Starttls => {
            let mut client = Client::new(Box::new(tcp) as Stream);
            client.read_response().await.map_err(|e| ImapError::Connect(addr.clone(), e))?;
            // Ask for capabilities on the plain connection only to learn STARTTLS.
            client.run_command_and_check_ok("STARTTLS", None).await.map_err(|_| ImapError::NoStarttls(addr.clone()))?;
            let plain = client.into_inner();
            let stream = tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(server_name, plain))
                .await
                .map_err(|_| ImapError::Timeout("TLS handshake"))?
                .map_err(|e| ImapError::Tls(e.to_string()))?;
            Ok(Client::new(Box::new(stream) as Stream))
        }
    }
}

/// Appends a copy of a message we sent to `folder` (created if missing) of
/// the mailbox account in `cfg`, flagged as read.
pub async fn append_copy(cfg: &ImapConfig, folder: &str, message: &[u8]) -> Result<(), ImapError> {
    let mut session = login(cfg).await?;
    // Fails harmlessly when it exists already.
    let _ = session.create(folder).await;
    session.append(folder, Some("(\\Seen)"), None, message).await?;
    session.logout().await.ok();
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS, usually port 993).
    Implicit,
    /// Plain connection upgraded with STARTTLS (usually port 143); refused if the server does not offer it.
    Starttls,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    #[serde(default = "default_imap_port")]
    pub port: u16,
    #[serde(default = "default_tls_mode")]
    pub tls: TlsMode,
    /// PEM file of CA certificates to trust instead of the public web roots (internal PKI).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Allow TLS 1.2 when the server cannot do 1.3 (TLS 1.3 only by default).
    #[serde(default)]
    pub allow_tls12: bool,
    pub username: String,
    /// Name of the secret holding the password (env var `DRAWBRIDGE_SECRET_<NAME>`,
    /// or a line `NAME=value` in the 0600 secrets file). Never the password itself.
    pub password_secret: String,
    #[serde(default = "default_mailbox")]
    pub mailbox: String,
    /// Move processed messages here (created if missing); otherwise they are only flagged \Seen.
    #[serde(default)]
    pub processed_mailbox: Option<String>,
    /// Seconds between polls when the server has no IDLE; also the IDLE refresh bound.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u64,
}

fn default_imap_port() -> u16 {
    993
}
fn default_tls_mode() -> TlsMode {
    TlsMode::Implicit
}
fn default_mailbox() -> String {
    "INBOX".into()
}
fn default_poll_seconds() -> u64 {
    60
}

/// Logs in with the password from the named secret.
pub async fn login(cfg: &ImapConfig) -> Result<async_imap::Session<Stream>, ImapError> {
    let password = secrets::resolve(&cfg.password_secret)?;
    let client = connect(cfg).await?;
    client.login(&cfg.username, &password).await.map_err(|(e, _)| ImapError::Login(cfg.username.clone(), e.to_string()))
}
