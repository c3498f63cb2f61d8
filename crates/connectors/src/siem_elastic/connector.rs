//! Elasticsearch / OpenSearch in the registry: `siem.sighting`, which falls
//! back to Splunk where only Splunk is set up.

use super::{Elastic, ElasticConfig, SiemError, Sighting, query};
use crate::error::ConnectorError;
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::window::{self, INPUTS};
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "siem";
    const TITLE: &'static str = "SIEM (Elasticsearch / OpenSearch)";
    type Config = ElasticConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![
            ActionSpec::new::<Sighting>(
                "siem.sighting",
                Self::NAME,
                "How often an indicator occurs in the SIEM in the request's time window: hits, first/last seen, top hosts and users.",
                INPUTS,
            )
            .with_fallback("splunk.sighting"),
            ActionSpec::new::<crate::events::Events>(
                "siem.events",
                Self::NAME,
                "The newest log lines that mention an indicator in a time window (the evidence an investigation ticket carries), with the true total.",
                crate::events::INPUTS,
            )
            .with_fallback("splunk.events"),
        ]
    }

    fn example() -> ElasticConfig {
        ElasticConfig::ecs("https://siem.example:9200", "logs-*")
    }

    fn build(config: ElasticConfig) -> Result<Arc<dyn Connector>, String> {
        let client = Elastic::new(&config).map_err(|e| e.to_string())?;
        Ok(Arc::new(Siem { client, config }))
    }
}

struct Siem {
    client: Elastic,
    config: ElasticConfig,
}

impl Connector for Siem {
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError> {
        let w = window::read(input)?;
        let body = match action {
            "siem.events" => query::events(&self.config, w.kind, w.value, w.start, w.end, crate::events::limit(input)),
            _ => query::sighting(&self.config, w.kind, w.value, w.start, w.end),
        };
        match body {
            Some(body) => Ok(format!("POST {}/{}/_search {}", self.config.url, self.config.index, body)),
            None => Err(ConnectorError::invalid(format!("no SIEM field is mapped for {}", w.kind))),
        }
    }

    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let w = window::read(input)?;
            match action {
                "siem.events" => self.client.events(w.kind, w.value, w.start, w.end, crate::events::limit(input)).await.map_err(error).and_then(output),
                _ => self.client.sighting(w.kind, w.value, w.start, w.end).await.map_err(error).and_then(output),
            }
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let w = window::probe();
            let found = self.client.sighting(w.kind, w.value, w.start, w.end).await.map_err(error)?;
            Ok(probe_answered(&self.config.index, found.as_ref()))
        })
    }
}

/// The verdict of a SIEM's connection test.
pub(crate) fn probe_answered(index: &str, found: Option<&Sighting>) -> String {
    format!("TLS and authentication accepted; a search of {index} answered ({} hits)", found.map_or(0, |s| s.hits))
}

fn error(e: SiemError) -> ConnectorError {
    let transient = e.is_transient();
    let message = e.to_string();
    match e {
        SiemError::Status { status: 401 | 403, .. } => ConnectorError::refused(message),
        SiemError::Unreachable(..) | SiemError::Status { .. } | SiemError::Answer(_) => ConnectorError::unavailable(message, transient),
        SiemError::Config(_) | SiemError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
