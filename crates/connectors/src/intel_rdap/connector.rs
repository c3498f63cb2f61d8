//! RDAP in the registry: `rdap.domain` and `rdap.ip`, outside services
//! whose answers are kept a day.

use super::{DomainRegistration, NetworkRegistration, Rdap, RdapConfig, RdapError};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::window;
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

pub struct Definition;

/// Registration data changes slowly: answers are reused for a day.
const CACHE_TTL_SECONDS: u64 = 86_400;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "rdap";
    const TITLE: &'static str = "Registration data (RDAP)";
    type Config = RdapConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![
            ActionSpec::new::<DomainRegistration>(
                "rdap.domain",
                Self::NAME,
                "A domain's registration from its registry (found through IANA's bootstrap): registrar, dates, age, status, name servers, abuse contact.",
                &[("domain", "the domain name")],
            )
            .outside(Some(CACHE_TTL_SECONDS)),
            ActionSpec::new::<NetworkRegistration>(
                "rdap.ip",
                Self::NAME,
                "The registered network of an IP address from its regional registry: name, range, holder, country, abuse contact.",
                &[("ip", "the IP address")],
            )
            .outside(Some(CACHE_TTL_SECONDS)),
        ]
    }

    fn example() -> RdapConfig {
        RdapConfig::default()
    }

    fn build(config: RdapConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(Rdap::new(&config).map_err(|e| e.to_string())?))
    }
}

impl Connector for Rdap {
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError> {
        let url = match action {
            "rdap.ip" => self.ip_url(window::get(input, "ip")),
            _ => self.domain_url(window::get(input, "domain")),
        };
        url.map(|u| format!("GET {u}")).map_err(error)
    }

    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            match action {
                "rdap.ip" => self.ip(window::get(input, "ip")).await.map_err(error).and_then(output),
                _ => self.domain(window::get(input, "domain")).await.map_err(error).and_then(output),
            }
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let files: Vec<String> = self.bootstrap().info().iter().map(|f| format!("{} of {} ({})", f.file, f.publication, f.source)).collect();
            let found = self.domain("example.com").await.map_err(error)?;
            Ok(format!(
                "bootstrap files: {}; the .com registry answered ({})",
                files.join(", "),
                if found.is_some() { "example.com is registered" } else { "example.com not found" }
            ))
        })
    }
}

fn error(e: RdapError) -> ConnectorError {
    let message = e.to_string();
    match e {
        RdapError::Status { status, retry_after, .. } => ConnectorError::from_status(status, message, retry_after),
        RdapError::PlainHttp(..) => ConnectorError::refused(message),
        RdapError::Invalid(_) => ConnectorError::invalid(message),
        RdapError::NoRegistry(_) => ConnectorError::new(ErrorKind::NotFound, message),
        RdapError::Unreachable(..) => ConnectorError::unavailable(message, true),
        RdapError::Answer(..) => ConnectorError::unavailable(message, false),
        RdapError::Config(_) | RdapError::Bootstrap(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}

#[cfg(test)]
pub(super) fn error_for_test(e: RdapError) -> ConnectorError {
    error(e)
}
