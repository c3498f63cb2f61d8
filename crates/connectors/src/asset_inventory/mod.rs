//! The asset inventory: serial, model, location, owner of a machine, found by
//! host name (short or FQDN), IP or MAC, in a CSV export (embedded default)
//! or a SQL database. SQL lookups are always parameterised (`$1`), never
//! built by pasting the value into the query.

mod config;
mod connector;
mod key;

pub use config::{AssetInventoryConfig, default_query, default_query_by_ip, default_query_by_mac};
pub use connector::Definition;
pub use key::AssetKey;

use serde_json::{Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};
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
    Sql { pool: PgPool, by_name: String, by_ip: String, by_mac: String },
}

impl AssetInventory {
    pub async fn open(cfg: &AssetInventoryConfig) -> Result<AssetInventory, AssetError> {
        match cfg {
            AssetInventoryConfig::Csv { path } => {
                let text = std::fs::read_to_string(path).map_err(|e| AssetError::File(path.display().to_string(), e.to_string()))?;
                Ok(AssetInventory::Csv { rows: parse_csv(&text).map_err(|e| AssetError::File(path.display().to_string(), e))? })
            }
            AssetInventoryConfig::Sql { url, password_secret, query, query_by_ip, query_by_mac } => {
                let mut options = transport_security(PgConnectOptions::from_str(url).map_err(|e| AssetError::Unreachable(e.to_string()))?, url);
                if let Some(secret) = password_secret {
                    options = options.password(&drawbridge_net::secrets::resolve(secret)?);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|e| AssetError::Unreachable(e.to_string()))?;
                Ok(AssetInventory::Sql { pool, by_name: query.clone(), by_ip: query_by_ip.clone(), by_mac: query_by_mac.clone() })
            }
        }
    }

    /// The asset record for a host name (short or FQDN), an IP or a MAC;
    /// `None` when the inventory has none. The record says which it matched
    /// by (`matched_by`: `name`, `ip` or `mac`).
    pub async fn lookup(&self, value: &str) -> Result<Option<Map<String, Value>>, AssetError> {
        let key = AssetKey::parse(value);
        let found = match self {
            AssetInventory::Csv { rows } => rows
                .iter()
                .find(|r| {
                    let col = |names: &[&str]| names.iter().find_map(|c| r.get(*c).and_then(Value::as_str)).unwrap_or("");
                    key.matches(col(&["hostname"]), col(&["fqdn", "dns_name"]), col(&["ip", "ip_address"]), col(&["mac", "mac_address"]))
                })
                .cloned(),
            AssetInventory::Sql { pool, by_name, by_ip, by_mac } => {
                let (query, params) = sql_for(&key, by_name, by_ip, by_mac);
                let mut q = sqlx::query(query);
                for p in params {
                    q = q.bind(p);
                }
                let row = q.fetch_optional(pool).await.map_err(|e| match e {
                    sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => AssetError::Unreachable(e.to_string()),
                    other => AssetError::Query(other.to_string()),
                })?;
                match row {
                    None => None,
                    // One `record` column: the row as a JSON object (the defaults).
                    Some(r) if r.columns().len() == 1 && r.columns()[0].name() == "record" => {
                        let text: Option<String> = r.try_get(0).map_err(|e| AssetError::Query(e.to_string()))?;
                        match text.map(|t| serde_json::from_str::<Value>(&t)) {
                            Some(Ok(Value::Object(record))) => Some(record),
                            Some(Ok(_)) | None => None,
                            Some(Err(e)) => return Err(AssetError::Query(format!("the record column is not a JSON object: {e}"))),
                        }
                    }
                    Some(r) => Some(
                        r.columns()
                            .iter()
                            .map(|c| {
                                let v: Option<String> = r.try_get(c.ordinal()).ok().flatten();
                                (c.name().to_string(), v.map(Value::String).unwrap_or(Value::Null))
                            })
                            .collect(),
                    ),
                }
            }
        };
        Ok(found.map(|mut record: Map<String, Value>| {
            record.insert("matched_by".into(), Value::String(key.kind().into()));
            record
        }))
    }
}

/// TLS for the inventory: a URL that names no `sslmode` gets `verify-full`
/// (encrypted, certificate and host name checked; the CA from `sslrootcert`
/// or the system's roots), except on loopback, where the traffic never
/// leaves the machine. A URL's own `sslmode` is respected.
fn transport_security(options: PgConnectOptions, url: &str) -> PgConnectOptions {
    let names_mode = url.split_once('?').is_some_and(|(_, query)| query.split('&').any(|p| p.to_ascii_lowercase().starts_with("sslmode=")));
    if names_mode || is_loopback(options.get_host()) { options } else { options.ssl_mode(PgSslMode::VerifyFull) }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.starts_with('/')
        || host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The query a key is looked up with, and the parameters it takes (only as
/// many as it names: `$1`, `$2`). Used by the lookup and by its preview.
pub fn sql_for<'q>(key: &AssetKey, by_name: &'q str, by_ip: &'q str, by_mac: &'q str) -> (&'q str, Vec<String>) {
    let (query, mut params) = match key {
        AssetKey::Name { given, short } => (by_name, vec![given.clone(), short.clone()]),
        AssetKey::Ip(ip) => (by_ip, vec![ip.to_string()]),
        AssetKey::Mac(digits) => (by_mac, vec![digits.clone(), colon_form(digits)]),
    };
    params.truncate(placeholders(query));
    (query, params)
}

/// The highest `$n` in a query: how many parameters it takes.
fn placeholders(query: &str) -> usize {
    let b = query.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'$')
        .filter_map(|i| {
            let digits: String = query[i + 1..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0)
}

/// Twelve hex digits as `aa:bb:cc:dd:ee:ff`.
fn colon_form(digits: &str) -> String {
    digits.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(":")
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

    #[test]
    fn the_inventory_is_reached_over_verified_tls_unless_on_loopback_or_told_otherwise() {
        let mode = |url: &str| transport_security(PgConnectOptions::from_str(url).expect("url"), url).get_ssl_mode();
        assert!(matches!(mode("postgres://u@inventory.corp.example/cmdb"), PgSslMode::VerifyFull));
        assert!(matches!(mode("postgres://u@10.1.2.3:5432/cmdb"), PgSslMode::VerifyFull));
        assert!(matches!(mode("postgres://u@inventory.corp.example/cmdb?sslmode=require"), PgSslMode::Require), "the URL's own choice stands");
        assert!(matches!(mode("postgres://u@127.0.0.1:54329/inventory"), PgSslMode::Prefer), "loopback keeps the driver's default");
        assert!(matches!(mode("postgres://u@localhost/inventory"), PgSslMode::Prefer));
    }

    #[test]
    fn placeholders_are_counted() {
        assert_eq!(placeholders("SELECT 1 WHERE a = $1"), 1);
        assert_eq!(placeholders("WHERE a IN ($1, $2) OR b = $2"), 2);
        assert_eq!(placeholders("SELECT '$' || x"), 0);
    }

    #[tokio::test]
    async fn csv_lookups_by_name_fqdn_ip_or_mac() {
        let rows = parse_csv("hostname,serial,mac\nLT-OPS-001,SN1,3C-52-82-1A-9F-0B\n").expect("csv");
        let inv = AssetInventory::Csv { rows };
        for key in ["3c:52:82:1a:9f:0b", "3C-52-82-1A-9F-0B", "lt-ops-001.corp.example.local"] {
            let a = inv.lookup(key).await.expect("lookup").unwrap_or_else(|| panic!("{key}"));
            assert_eq!(a["serial"], "SN1");
        }
        assert_eq!(inv.lookup("3c:52:82:1a:9f:0b").await.expect("lookup").expect("found")["matched_by"], "mac");
    }

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
