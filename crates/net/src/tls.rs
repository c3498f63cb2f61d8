//! rustls client configuration: TLS 1.3 only unless the admin allows 1.2, and
//! either the public web roots or a custom CA bundle for internal PKI.

use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read CA file {0}: {1}")]
    Read(String, std::io::Error),
    #[error("CA file {0} contains no usable certificate")]
    Empty(String),
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

pub fn client_config(ca_file: Option<&Path>, allow_tls12: bool) -> Result<Arc<ClientConfig>, TlsError> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| TlsError::Read(path.display().to_string(), e))?;
            let mut added = 0;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()).flatten() {
                if roots.add(cert).is_ok() {
                    added += 1;
                }
            }
            if added == 0 {
                return Err(TlsError::Empty(path.display().to_string()));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] =
        if allow_tls12 { &[&rustls::version::TLS13, &rustls::version::TLS12] } else { &[&rustls::version::TLS13] };
    let config = ClientConfig::builder_with_provider(provider).with_protocol_versions(versions)?.with_root_certificates(roots).with_no_client_auth();
    Ok(Arc::new(config))
}

/// An HTTP client for connectors: our rustls configuration (TLS 1.3 unless
/// allowed, the configured CA), a whole-request timeout, and no redirects:
/// a connector's credentials (API keys, tokens, basic auth) must never
/// follow a `Location` to another host. A redirect is an answer the
/// connector reports as an error.
pub fn http_client(ca_file: Option<&Path>, allow_tls12: bool, timeout: std::time::Duration) -> Result<reqwest::Client, String> {
    let tls = client_config(ca_file, allow_tls12).map_err(|e| e.to_string())?;
    reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .use_preconfigured_tls((*tls).clone())
        .build()
        .map_err(|e| e.to_string())
}
