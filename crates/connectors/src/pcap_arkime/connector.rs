//! Arkime in the registry: `arkime.sessions`.

use super::{Arkime, ArkimeConfig, ArkimeError, Sessions};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::window::{self, INPUTS};
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "arkime";
    const TITLE: &'static str = "Packet capture (Arkime)";
    type Config = ArkimeConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![ActionSpec::new::<Sessions>(
            "arkime.sessions",
            Self::NAME,
            "Captured sessions of an address, host name or HTTP body hash in a time window: their viewer links, PCAP download URLs and sizes.",
            INPUTS,
        )]
    }

    fn example() -> ArkimeConfig {
        ArkimeConfig {
            url: "https://arkime.corp.example:8005".into(),
            username: "drawbridge".into(),
            password_secret: "arkime-password".into(),
            max_sessions: 100,
            ca_file: None,
            allow_tls12: false,
            timeout_seconds: 30,
        }
    }

    fn build(config: ArkimeConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(Arkime::new(&config).map_err(|e| e.to_string())?))
    }
}

impl Connector for Arkime {
    fn preview(&self, _action: &str, input: &Input) -> Result<String, ConnectorError> {
        let w = window::read(input)?;
        self.path(w.kind, w.value, w.start, w.end).map(|p| format!("GET {p}")).map_err(error)
    }

    fn call<'a>(&'a self, _action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let w = window::read(input)?;
            self.sessions(w.kind, w.value, w.start, w.end).await.map_err(error).and_then(output)
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let w = window::probe();
            let found = self.sessions(w.kind, w.value, w.start, w.end).await.map_err(error)?;
            Ok(format!("TLS and Digest authentication accepted; a session search for the last hour answered ({} sessions)", found.map_or(0, |s| s.total)))
        })
    }
}

fn error(e: ArkimeError) -> ConnectorError {
    let transient = e.is_transient();
    let message = e.to_string();
    match e {
        ArkimeError::Status { status: 401 | 403, .. } => ConnectorError::refused(message),
        ArkimeError::Expression(_) => ConnectorError::refused(format!("refused: {message}")),
        ArkimeError::Unreachable(..) | ArkimeError::Status { .. } | ArkimeError::Answer(_) => ConnectorError::unavailable(message, transient),
        ArkimeError::Config(_) | ArkimeError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
