//! Splunk in the registry: `splunk.sighting` and `splunk.events`, which
//! carry out `siem.sighting` and `siem.events` where Splunk is the only
//! SIEM set up.

use super::{Splunk, SplunkConfig, SplunkError, query};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::siem_elastic::Sighting;
use crate::window::{self, INPUTS};
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "splunk";
    const TITLE: &'static str = "SIEM (Splunk)";
    type Config = SplunkConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![
            ActionSpec::new::<Sighting>("splunk.sighting", Self::NAME, "As siem.sighting, asked of Splunk (REST export) explicitly.", INPUTS),
            ActionSpec::new::<crate::events::Events>("splunk.events", Self::NAME, "As siem.events, asked of Splunk (REST export) explicitly.", crate::events::INPUTS),
        ]
    }

    fn example() -> SplunkConfig {
        SplunkConfig::cim("https://splunk.example:8089", "main")
    }

    fn build(config: SplunkConfig) -> Result<Arc<dyn Connector>, String> {
        let client = Splunk::new(&config).map_err(|e| e.to_string())?;
        Ok(Arc::new(SplunkConnector { client, config }))
    }
}

struct SplunkConnector {
    client: Splunk,
    config: SplunkConfig,
}

impl Connector for SplunkConnector {
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError> {
        let w = window::read(input)?;
        let spl = match action {
            "splunk.events" => query::events(&self.config, w.kind, w.value, crate::events::limit(input)),
            _ => query::sighting(&self.config, w.kind, w.value),
        };
        match spl {
            Ok(Some(spl)) => Ok(format!(
                "POST {}/services/search/jobs/export search={spl} earliest_time={} latest_time={}",
                self.config.url,
                w.start.timestamp(),
                w.end.timestamp()
            )),
            Ok(None) => Err(ConnectorError::invalid(format!("no Splunk field is mapped for {}", w.kind))),
            Err(e) => Err(ConnectorError::refused(format!("refused: {e}"))),
        }
    }

    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let w = window::read(input)?;
            match action {
                "splunk.events" => self.client.events(w.kind, w.value, w.start, w.end, crate::events::limit(input)).await.map_err(error).and_then(output),
                _ => self.client.sighting(w.kind, w.value, w.start, w.end).await.map_err(error).and_then(output),
            }
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let w = window::probe();
            let found = self.client.sighting(w.kind, w.value, w.start, w.end).await.map_err(error)?;
            Ok(crate::siem_elastic::connector::probe_answered(&self.config.index, found.as_ref()))
        })
    }
}

fn error(e: SplunkError) -> ConnectorError {
    let transient = e.is_transient();
    let message = e.to_string();
    match e {
        SplunkError::Status { status: 401 | 403, .. } => ConnectorError::refused(message),
        SplunkError::Query(_) => ConnectorError::refused(message),
        SplunkError::Unreachable(..) | SplunkError::Status { .. } | SplunkError::Search(_) | SplunkError::Answer(_) => ConnectorError::unavailable(message, transient),
        SplunkError::Config(_) | SplunkError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
