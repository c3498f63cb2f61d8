//! The asset inventory in the registry: `asset.lookup`, against a CSV export
//! (read on first use) or a PostgreSQL database (pool opened on first use).

use super::{AssetError, AssetInventory, AssetInventoryConfig, AssetKey, default_query, default_query_by_ip, default_query_by_mac, sql_for};
use crate::error::ConnectorError;
use crate::fields::FieldSpec;
use crate::registry::{ActionSpec, Connector, Input};
use crate::window::get;
use drawbridge_model::{DataClass, ErrorKind};
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct Definition;

/// The columns inventories commonly have, with what each is. A column not
/// listed here is withheld from replies until the deployment declares it
/// (`[connectors.field_classes.asset_inventory]`).
const COLUMNS: &[(&str, DataClass, &str)] = &[
    ("hostname", DataClass::InternalHost, "Host name"),
    ("fqdn", DataClass::InternalHost, "FQDN"),
    ("asset_tag", DataClass::Technical, "Asset tag"),
    ("serial", DataClass::Technical, "Serial number"),
    ("model", DataClass::Technical, "Model"),
    ("manufacturer", DataClass::Technical, "Manufacturer"),
    ("category", DataClass::Technical, "Category"),
    ("status", DataClass::Technical, "Status"),
    ("os", DataClass::Technical, "Operating system"),
    ("mac", DataClass::Technical, "MAC address"),
    ("mac_address", DataClass::Technical, "MAC address"),
    ("purchased", DataClass::Technical, "Purchased"),
    ("warranty_until", DataClass::Technical, "Warranty until"),
    ("matched_by", DataClass::Technical, "Matched by"),
    ("ip", DataClass::InternalIp, "IP address"),
    ("ip_address", DataClass::InternalIp, "IP address"),
    ("location", DataClass::Location, "Location"),
    ("site", DataClass::Location, "Site"),
    ("owner", DataClass::Username, "Owner"),
    ("owner_name", DataClass::PersonName, "Owner's name"),
    ("owner_email", DataClass::Email, "Owner's e-mail"),
    ("department", DataClass::Department, "Department"),
    ("description", DataClass::Description, "Description"),
    ("notes", DataClass::Description, "Notes"),
];

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "asset_inventory";
    const TITLE: &'static str = "Asset inventory";
    type Config = AssetInventoryConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![ActionSpec::new::<serde_json::Map<String, Value>>(
            "asset.lookup",
            Self::NAME,
            "The inventory record of a machine by host name (short or FQDN), IP or MAC: serial, model, location, owner.",
            &[("name", "the host name, FQDN, IP or MAC address")],
        )
        .with_fields(COLUMNS.iter().map(|(column, class, label)| FieldSpec::new(column, *class, label)).collect())]
    }

    fn example() -> AssetInventoryConfig {
        AssetInventoryConfig::Sql {
            url: "postgres://drawbridge@inventory.corp.example/inventory".into(),
            password_secret: None,
            query: default_query(),
            query_by_ip: default_query_by_ip(),
            query_by_mac: default_query_by_mac(),
        }
    }

    fn build(config: AssetInventoryConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(Inventory { config, open: Mutex::new(None) }))
    }
}

struct Inventory {
    config: AssetInventoryConfig,
    open: Mutex<Option<Arc<AssetInventory>>>,
}

impl Inventory {
    async fn inventory(&self) -> Result<Arc<AssetInventory>, ConnectorError> {
        let mut slot = self.open.lock().await;
        if let Some(inv) = slot.as_ref() {
            return Ok(inv.clone());
        }
        let inv = Arc::new(AssetInventory::open(&self.config).await.map_err(error)?);
        *slot = Some(inv.clone());
        Ok(inv)
    }
}

impl Connector for Inventory {
    fn preview(&self, _action: &str, input: &Input) -> Result<String, ConnectorError> {
        Ok(match &self.config {
            AssetInventoryConfig::Sql { query, query_by_ip, query_by_mac, .. } => {
                let (sql, params) = sql_for(&AssetKey::parse(get(input, "name")), query, query_by_ip, query_by_mac);
                let params: Vec<String> = params.iter().enumerate().map(|(i, p)| format!("${} = {p:?}", i + 1)).collect();
                format!("SQL {sql} with {}", params.join(", "))
            }
            AssetInventoryConfig::Csv { path } => format!("CSV {} where {} = {:?}", path.display(), AssetKey::parse(get(input, "name")).kind(), get(input, "name")),
        })
    }

    fn call<'a>(&'a self, _action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let inv = self.inventory().await?;
            inv.lookup(get(input, "name")).await.map_err(error).map(|r| r.map(Value::Object))
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let inv = AssetInventory::open(&self.config).await.map_err(error)?;
            inv.lookup("drawbridge-connection-test").await.map_err(error)?;
            Ok(match &self.config {
                AssetInventoryConfig::Csv { path } => format!("{} is readable", path.display()),
                AssetInventoryConfig::Sql { .. } => "connected, authenticated, and the lookup query ran".to_string(),
            })
        })
    }
}

fn error(e: AssetError) -> ConnectorError {
    let message = e.to_string();
    match e {
        AssetError::Unreachable(_) => ConnectorError::unavailable(message, true),
        AssetError::Query(_) => ConnectorError::unavailable(message, false),
        AssetError::File(..) | AssetError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
