//! The executor that reaches the real connectors named in the configuration.

use super::run::{CallError, Executor};
use crate::connectors::active_directory::{ActiveDirectory, ActiveDirectoryConfig, AdError};
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use tokio::sync::Mutex;

pub struct Connectors {
    active_directory: Option<ActiveDirectoryConfig>,
    ad: Mutex<Option<ActiveDirectory>>,
}

impl Connectors {
    pub fn new(active_directory: Option<ActiveDirectoryConfig>) -> Connectors {
        Connectors { active_directory, ad: Mutex::new(None) }
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

fn ad_error(e: AdError) -> CallError {
    let transient = matches!(e, AdError::Connect { .. } | AdError::Search(_));
    CallError { message: e.to_string(), transient }
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
                other => Err(CallError { message: format!("no executor for action {other}"), transient: false }),
            };
            if result.as_ref().is_err_and(|e| e.transient) && action.starts_with("active_directory.") {
                self.forget_ad().await;
            }
            result
        })
    }
}
