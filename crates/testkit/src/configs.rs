//! Settings for the lab's servers, with their secrets handed over in memory
//! (`secrets::inject`), never through the process environment. The
//! connectors' lab settings come from `drawbridge-connectors` (feature `lab`).

pub use drawbridge_connectors::lab::*;
use drawbridge_engine::intake::imap::{ImapConfig, TlsMode};
use drawbridge_engine::secrets;
use std::path::Path;

/// The mail lab's IMAP service for `user` (password `<local part>-pw`).
pub fn imap(lab: &Path, user: &str, tls: TlsMode) -> ImapConfig {
    let local = user.split('@').next().unwrap_or(user);
    let secret = format!("imap-{local}");
    secrets::inject(&secret, &format!("{local}-pw"));
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
