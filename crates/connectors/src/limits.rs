//! `[connectors]`: each connector's settings by its name, the deployments of
//! HTTP connectors, and per-connector limits. The registry reads each
//! section with the connector's own config type, so this type never lists
//! the connectors.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConnectorsConfig {
    /// Deployment settings of HTTP connectors (base URL, CA), by name. An
    /// HTTP connector runs only where it has such a section.
    #[serde(default)]
    pub http: BTreeMap<String, crate::http::HttpDeployment>,
    /// Per-connector limits, by connector name (`siem`, `firewall`, …).
    #[serde(default)]
    pub limits: BTreeMap<String, ConnectorLimits>,
    /// Data classes of output fields only this deployment has (an inventory's
    /// own columns, say), by connector and field path:
    /// `[connectors.field_classes.asset_inventory] cost_centre = "department"`.
    /// A field nobody declared is withheld from replies.
    #[serde(default)]
    pub field_classes: BTreeMap<String, BTreeMap<String, drawbridge_model::DataClass>>,
    /// Every other table is one built-in connector's settings
    /// (`[connectors.active_directory]`, `[connectors.siem]`, …), checked
    /// against that connector's own schema when the registry is built.
    #[serde(flatten)]
    pub sections: BTreeMap<String, serde_json::Value>,
}

impl ConnectorsConfig {
    /// These settings with `name` set up as `config` (for tests and tools).
    pub fn with<T: Serialize>(mut self, name: &str, config: &T) -> ConnectorsConfig {
        self.set(name, config);
        self
    }

    pub fn set<T: Serialize>(&mut self, name: &str, config: &T) {
        if let Ok(value) = serde_json::to_value(config) {
            self.sections.insert(name.to_string(), value);
        }
    }

    /// The typed settings of `name`, if present and readable.
    pub fn get<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.sections.get(name).and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// How hard the runner may use one connector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorLimits {
    /// Calls in flight at once (default 4).
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Calls started per second; further calls wait their turn.
    #[serde(default)]
    pub per_second: Option<f64>,
    /// How long an answer is kept and reused for the same inputs, in
    /// seconds (0: never). Overrides the connector's own
    /// `cache_ttl_seconds` (threat intel sources have one).
    #[serde(default)]
    pub cache_ttl_seconds: Option<u64>,
    /// The longest a run waits when the service says "try again after"
    /// (`Retry-After`, an exhausted quota), in seconds (default 120); a
    /// longer wait fails the call as unavailable.
    #[serde(default)]
    pub max_wait_seconds: Option<u64>,
}
