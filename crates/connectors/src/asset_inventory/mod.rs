//! The asset inventory: serial, model, location, owner of a machine, from a
//! CSV export (embedded default) or a SQL database. SQL lookups are always
//! parameterised (`$1`), never built by pasting the value into the query.

mod config;
mod connector;

pub use config::{AssetInventoryConfig, default_query};
pub use connector::Definition;

use serde_json::{Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Column, Row};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("asset inventory file {0}: {1}")]
    File(String, String),
    #[error("asset database unreachable: {0}")]
    Unreachable(String),
    #[error("asset query failed: {0}")]
    Query(String),
    #[error(transparent)]
    Secret(#[from] drawbridge_net::secrets::SecretError),
}

impl AssetError {
    pub fn is_transient(&self) -> bool {
        matches!(self, AssetError::Unreachable(_))
    }
}

pub enum AssetInventory {
    Csv { rows: Vec<Map<String, Value>> },
    Sql { pool: PgPool, query: String },
}

impl AssetInventory {
    pub async fn open(cfg: &AssetInventoryConfig) -> Result<AssetInventory, AssetError> {
        match cfg {
            AssetInventoryConfig::Csv { path } => {
                let text = std::fs::read_to_string(path).map_err(|e| AssetError::File(path.display().to_string(), e.to_string()))?;
                Ok(AssetInventory::Csv { rows: parse_csv(&text).map_err(|e| AssetError::File(path.display().to_string(), e))? })
            }
            AssetInventoryConfig::Sql { url, password_secret, query } => {
                let mut options = PgConnectOptions::from_str(url).map_err(|e| AssetError::Unreachable(e.to_string()))?;
                if let Some(secret) = password_secret {
                    options = options.password(&drawbridge_net::secrets::resolve(secret)?);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|e| AssetError::Unreachable(e.to_string()))?;
                Ok(AssetInventory::Sql { pool, query: query.clone() })
            }
        }
    }

    /// The asset record for a host name or IP; `None` when the inventory has none.
    pub async fn lookup(&self, name: &str) -> Result<Option<Map<String, Value>>, AssetError> {
        match self {
            AssetInventory::Csv { rows } => Ok(rows
                .iter()
                .find(|r| {
                    let col = |c: &str| r.get(c).and_then(Value::as_str).unwrap_or("");
                    col("hostname").eq_ignore_ascii_case(name) || (!name.is_empty() && col("ip") == name)
                })
                .cloned()),
            AssetInventory::Sql { pool, query } => {
                let row = sqlx::query(query).bind(name).fetch_optional(pool).await.map_err(|e| match e {
                    sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => AssetError::Unreachable(e.to_string()),
                    other => AssetError::Query(other.to_string()),
                })?;
                Ok(row.map(|r| {
                    r.columns()
                        .iter()
                        .map(|c| {
                            let v: Option<String> = r.try_get(c.ordinal()).ok().flatten();
                            (c.name().to_string(), v.map(Value::String).unwrap_or(Value::Null))
                        })
                        .collect()
                }))
            }
        }
    }
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, commas and
/// newlines inside quotes.
fn parse_csv(text: &str) -> Result<Vec<Map<String, Value>>, String> {
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut field = String::new();
    let mut record = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    let mut rows = records.into_iter().filter(|r| !(r.len() == 1 && r[0].is_empty()));
    let header: Vec<String> = rows.next().ok_or("the file is empty")?.into_iter().map(|h| h.trim().to_lowercase()).collect();
    if !header.iter().any(|h| h == "hostname") {
        return Err("the header has no `hostname` column".into());
    }
    Ok(rows.map(|r| header.iter().cloned().zip(r.into_iter().map(|v| Value::String(v.trim().to_string()))).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn csv_lookups_by_name_or_ip() {
        let rows = parse_csv("hostname,serial,location,ip\nWKS-FIN-042,SN123,\"London, 2nd floor\",10.20.1.42\r\nLT-HR-007,\"SN \"\"7\"\"\",Paris,\n").expect("csv");
        let inv = AssetInventory::Csv { rows };
        let a = inv.lookup("wks-fin-042").await.expect("lookup").expect("found");
        assert_eq!(a["location"], "London, 2nd floor");
        assert_eq!(inv.lookup("10.20.1.42").await.expect("lookup").expect("by ip")["serial"], "SN123");
        assert_eq!(inv.lookup("LT-HR-007").await.expect("lookup").expect("found")["serial"], "SN \"7\"");
        assert!(inv.lookup("WKS-NOPE").await.expect("lookup").is_none());
        assert!(inv.lookup("").await.expect("lookup").is_none(), "an empty IP column matches nothing");
    }

    #[test]
    fn bad_csv_is_a_clear_error() {
        assert!(parse_csv("").is_err());
        assert!(parse_csv("serial,location\nx,y\n").expect_err("no hostname").contains("hostname"));
        assert!(parse_csv("hostname\n\"open").is_err());
    }
}

#[cfg(test)]
mod integration_tests;
