//! SMTP submission with lettre over rustls: STARTTLS (587) or implicit TLS
//! (465), TLS 1.3 unless 1.2 is allowed, the internal CA added to the
//! compiled-in web roots, AUTH with a named secret.

use crate::intake::imap::TlsMode;
use crate::secrets;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters, TlsVersion};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// `starttls` (587) or `implicit` (465).
    #[serde(default = "default_tls")]
    pub tls: TlsMode,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    #[serde(default)]
    pub username: Option<String>,
    /// Name of the secret holding the password.
    #[serde(default)]
    pub password_secret: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_port() -> u16 {
    587
}
fn default_tls() -> TlsMode {
    TlsMode::Starttls
}
fn default_timeout() -> u64 {
    30
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SmtpError {
    pub message: String,
    /// A later attempt may succeed (connection, timeout, 4xx).
    pub transient: bool,
}

fn config_error(message: String) -> SmtpError {
    SmtpError { message, transient: false }
}

/// Sends `message` as is; returns the server's final reply (e.g. `250 2.0.0 Ok: queued as …`).
pub async fn send(cfg: &SmtpConfig, from: &str, recipients: &[String], message: &[u8]) -> Result<String, SmtpError> {
    let mut params = TlsParameters::builder(cfg.host.clone()).set_min_tls_version(if cfg.allow_tls12 { TlsVersion::Tlsv12 } else { TlsVersion::Tlsv13 });
    if let Some(ca) = &cfg.ca_file {
        let pem = std::fs::read(ca).map_err(|e| config_error(format!("cannot read CA file {}: {e}", ca.display())))?;
        params = params.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| config_error(format!("CA file {}: {e}", ca.display())))?);
    }
    let params = params.build_rustls().map_err(|e| config_error(format!("TLS: {e}")))?;
    let tls = match cfg.tls {
        TlsMode::Implicit => Tls::Wrapper(params),
        TlsMode::Starttls => Tls::Required(params),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host)
        .port(cfg.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(cfg.timeout_seconds.max(1))));
    if let (Some(user), Some(secret)) = (&cfg.username, &cfg.password_secret) {
        let password = secrets::resolve(secret).map_err(|e| config_error(e.to_string()))?;
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    let transport = builder.build();
    let parse = |a: &str| a.parse().map_err(|e| config_error(format!("{a:?}: {e}")));
    let to = recipients.iter().map(|r| parse(r)).collect::<Result<Vec<_>, _>>()?;
    let envelope = Envelope::new(Some(parse(from)?), to).map_err(|e| config_error(e.to_string()))?;
    match transport.send_raw(&envelope, message).await {
        Ok(response) => Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
        Err(e) => Err(SmtpError { transient: !e.is_permanent(), message: e.to_string() }),
    }
}
