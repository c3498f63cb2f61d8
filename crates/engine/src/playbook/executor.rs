//! The executor that reaches the real connectors named in the configuration.

use super::run::{CallError, Executor};
use crate::config::ConnectorsConfig;
use crate::connectors::active_directory::{ActiveDirectory, ActiveDirectoryConfig, AdError};
use crate::connectors::asset_inventory::{AssetInventory, AssetInventoryConfig};
use crate::connectors::firewall_panos::PanOs;
use crate::connectors::http::HttpClient;
use crate::connectors::siem_elastic::{Elastic, SiemError};
use crate::connectors::siem_splunk::Splunk;
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use tokio::sync::Mutex;

pub struct Connectors {
    active_directory: Option<ActiveDirectoryConfig>,
    ad: Mutex<Option<ActiveDirectory>>,
    siem: Option<Result<Elastic, String>>,
    splunk: Option<Result<Splunk, String>>,
    firewall: Option<Result<PanOs, String>>,
    assets: Option<AssetInventoryConfig>,
    asset_conn: Mutex<Option<std::sync::Arc<AssetInventory>>>,
    /// HTTP connectors by name (their own connector name prefixes their actions).
    http: std::collections::HashMap<String, Result<HttpClient, String>>,
}

impl Connectors {
    pub fn new(cfg: &ConnectorsConfig) -> Connectors {
        Connectors {
            active_directory: cfg.active_directory.clone(),
            ad: Mutex::new(None),
            siem: cfg.siem.as_ref().map(|c| Elastic::new(c).map_err(|e| e.to_string())),
            splunk: cfg.splunk.as_ref().map(|c| Splunk::new(c).map_err(|e| e.to_string())),
            firewall: cfg.firewall.as_ref().map(|c| PanOs::new(c).map_err(|e| e.to_string())),
            assets: cfg.asset_inventory.clone(),
            asset_conn: Mutex::new(None),
            // A defined HTTP connector is used only where the deployment enables it.
            http: cfg
                .http_definitions
                .iter()
                .map(|d| {
                    let client = match cfg.http.get(&d.name) {
                        Some(deployment) => HttpClient::new(d, Some(deployment)).map_err(|e| e.to_string()),
                        None => Err(format!("connector {} is not configured (add [connectors.http.{}] to the config)", d.name, d.name)),
                    };
                    (d.name.clone(), client)
                })
                .collect(),
        }
    }

    async fn assets(&self) -> Result<std::sync::Arc<AssetInventory>, CallError> {
        let cfg = self.assets.as_ref().ok_or_else(|| CallError { message: "connector asset_inventory is not configured".into(), transient: false })?;
        let mut slot = self.asset_conn.lock().await;
        if let Some(inv) = slot.as_ref() {
            return Ok(inv.clone());
        }
        let inv = std::sync::Arc::new(AssetInventory::open(cfg).await.map_err(|e| CallError { transient: e.is_transient(), message: e.to_string() })?);
        *slot = Some(inv.clone());
        Ok(inv)
    }

    fn siem(&self) -> Result<&Elastic, CallError> {
        configured(&self.siem, "siem")
    }

    async fn splunk_sighting(&self, input: &BTreeMap<String, String>) -> Result<Option<serde_json::Value>, CallError> {
        let splunk = configured(&self.splunk, "splunk")?;
        let (kind, start, end) = indicator_window(input)?;
        let value = input.get("value").map(String::as_str).unwrap_or("");
        splunk.sighting(kind, value, start, end).await.map_err(|e| CallError { transient: e.is_transient(), message: e.to_string() }).and_then(to_json)
    }

    /// One bound connection, opened on first use and reopened after a failure.
    async fn ad(&self) -> Result<ActiveDirectory, CallError> {
        let cfg = self.active_directory.as_ref().ok_or_else(|| CallError { message: "connector active_directory is not configured".into(), transient: false })?;
        let mut slot = self.ad.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let conn = ActiveDirectory::connect(cfg).await.map_err(ad_error)?;
        *slot = Some(conn.clone());
        Ok(conn)
    }

    async fn forget_ad(&self) {
        *self.ad.lock().await = None;
    }
}

/// A connector built at start-up: absent when not configured, or the error
/// that kept it from being built.
fn configured<'a, T>(slot: &'a Option<Result<T, String>>, name: &str) -> Result<&'a T, CallError> {
    match slot {
        None => Err(CallError { message: format!("connector {name} is not configured"), transient: false }),
        Some(Err(e)) => Err(CallError { message: e.clone(), transient: false }),
        Some(Ok(c)) => Ok(c),
    }
}

fn ad_error(e: AdError) -> CallError {
    let transient = matches!(e, AdError::Connect { .. } | AdError::Search(_));
    CallError { message: e.to_string(), transient }
}

/// The `kind`, `start` and `end` inputs, as a non-retryable error when invalid.
fn indicator_window(input: &BTreeMap<String, String>) -> Result<(crate::indicators::Kind, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>), CallError> {
    super::actions::window_inputs(input).map_err(|message| CallError { message, transient: false })
}

fn siem_error(e: SiemError) -> CallError {
    CallError { transient: e.is_transient(), message: e.to_string() }
}

fn to_json<T: serde::Serialize>(v: Option<T>) -> Result<Option<serde_json::Value>, CallError> {
    v.map(|x| serde_json::to_value(x).map_err(|e| CallError { message: e.to_string(), transient: false })).transpose()
}

impl Executor for Connectors {
    fn call<'a>(&'a self, action: &'a str, input: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Option<serde_json::Value>, CallError>> {
        Box::pin(async move {
            let get = |k: &str| input.get(k).cloned().unwrap_or_default();
            let result = match action {
                "active_directory.computer" => {
                    let mut ad = self.ad().await?;
                    ad.computer(&get("name")).await.map_err(ad_error).and_then(to_json)
                }
                "active_directory.user" => {
                    let mut ad = self.ad().await?;
                    ad.user(&get("identifier")).await.map_err(ad_error).and_then(to_json)
                }
                "active_directory.groups" => {
                    let mut ad = self.ad().await?;
                    ad.groups(&get("identifier")).await.map_err(ad_error).and_then(to_json)
                }
                "firewall.sessions" => {
                    let fw = configured(&self.firewall, "firewall")?;
                    let (kind, start, end) = indicator_window(input)?;
                    fw.sessions(kind, &get("value"), start, end)
                        .await
                        .map_err(|e| CallError { transient: e.is_transient(), message: e.to_string() })
                        .and_then(to_json)
                }
                "asset.lookup" => {
                    let inv = self.assets().await?;
                    inv.lookup(&get("name")).await.map_err(|e| CallError { transient: e.is_transient(), message: e.to_string() }).map(|r| r.map(serde_json::Value::Object))
                }
                "siem.sighting" if self.siem.is_none() && self.splunk.is_some() => self.splunk_sighting(input).await,
                "siem.sighting" => {
                    let siem = self.siem()?;
                    let (kind, start, end) = indicator_window(input)?;
                    siem.sighting(kind, &get("value"), start, end).await.map_err(siem_error).and_then(to_json)
                }
                "splunk.sighting" => self.splunk_sighting(input).await,
                other => match other.split_once('.').and_then(|(c, a)| self.http.get(c).map(|h| (h, a))) {
                    Some((Ok(client), a)) => client.call(a, input).await.map_err(|e| CallError { transient: e.is_transient(), message: e.to_string() }),
                    Some((Err(e), _)) => Err(CallError { message: e.clone(), transient: false }),
                    None => Err(CallError { message: format!("no executor for action {other}"), transient: false }),
                },
            };
            if result.as_ref().is_err_and(|e| e.transient) && action.starts_with("active_directory.") {
                self.forget_ad().await;
            }
            result
        })
    }
}
