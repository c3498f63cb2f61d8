//! The PAN-OS firewall in the registry: `firewall.sessions`.

use super::{PanOs, PanOsConfig, PanOsError, Sessions, query};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::window::{self, INPUTS};
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "firewall";
    const TITLE: &'static str = "Firewall (PAN-OS)";
    type Config = PanOsConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![ActionSpec::new::<Sessions>(
            "firewall.sessions",
            Self::NAME,
            "Firewall sessions (PAN-OS traffic or URL logs) involving an address, network, domain or URL in the request's time window.",
            INPUTS,
        )]
    }

    fn example() -> PanOsConfig {
        PanOsConfig {
            url: "https://fw.corp.example".into(),
            api_key_secret: "panos-key".into(),
            ca_file: None,
            allow_tls12: false,
            device_utc_offset_minutes: 0,
            nlogs: 1000,
            max_wait_seconds: 60,
            poll_interval_ms: 500,
            timeout_seconds: 30,
        }
    }

    fn build(config: PanOsConfig) -> Result<Arc<dyn Connector>, String> {
        let client = PanOs::new(&config).map_err(|e| e.to_string())?;
        Ok(Arc::new(Firewall { client, offset: config.device_utc_offset_minutes }))
    }
}

struct Firewall {
    client: PanOs,
    offset: i32,
}

impl Connector for Firewall {
    fn preview(&self, _action: &str, input: &Input) -> Result<String, ConnectorError> {
        let w = window::read(input)?;
        let q = query::log_query(w.kind, w.value, w.start, w.end, self.offset).map_err(|e| ConnectorError::refused(format!("refused: {e}")))?;
        Ok(format!("PAN-OS type=log log-type={} query={}", q.log_type, q.filter))
    }

    fn call<'a>(&'a self, _action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let w = window::read(input)?;
            self.client.sessions(w.kind, w.value, w.start, w.end).await.map_err(error).and_then(output)
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let w = window::probe();
            let found = self.client.sessions(w.kind, w.value, w.start, w.end).await.map_err(error)?;
            Ok(format!("TLS and API key accepted; a log query for the last hour finished ({} sessions)", found.map_or(0, |s| s.count)))
        })
    }
}

fn error(e: PanOsError) -> ConnectorError {
    let transient = e.is_transient();
    let message = e.to_string();
    match e {
        PanOsError::Unreachable(..) | PanOsError::JobTimeout(..) | PanOsError::Reply(_) => ConnectorError::unavailable(message, transient),
        PanOsError::Api { .. } => ConnectorError::unavailable(message, transient),
        PanOsError::Auth(_) => ConnectorError::refused(message),
        PanOsError::Filter(_) => ConnectorError::refused(message),
        PanOsError::Config(_) | PanOsError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
