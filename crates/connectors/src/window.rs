//! The `kind`, `value`, `start` and `end` inputs of actions that search a
//! time window, read once for every such connector.

use crate::error::ConnectorError;
use crate::registry::Input;
use chrono::{DateTime, Utc};
use drawbridge_model::Kind;

/// The inputs of a windowed search.
pub const INPUTS: &[(&str, &str)] = &[
    ("kind", "the indicator's kind (ipv4, domain, sha256, …)"),
    ("value", "the indicator"),
    ("start", "start of the window, RFC 3339"),
    ("end", "end of the window, RFC 3339"),
];

pub struct Window<'a> {
    pub kind: Kind,
    pub value: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

pub fn read(input: &Input) -> Result<Window<'_>, ConnectorError> {
    let get = |k: &str| input.get(k).map(String::as_str).unwrap_or("");
    let kind = Kind::parse(get("kind")).ok_or_else(|| ConnectorError::invalid(format!("{:?} is not an indicator kind", get("kind"))))?;
    let time = |k: &str| DateTime::parse_from_rfc3339(get(k)).map(|d| d.with_timezone(&Utc)).map_err(|e| ConnectorError::invalid(format!("input {k}: {e}")));
    Ok(Window { kind, value: get("value"), start: time("start")?, end: time("end")? })
}

/// An input by name, empty when missing (validation has made sure it is there).
pub fn get<'a>(input: &'a Input, name: &str) -> &'a str {
    input.get(name).map(String::as_str).unwrap_or("")
}

/// What `test_connection` searches for: a documentation address (RFC 5737)
/// over the last hour, a harmless question that proves TLS, authentication
/// and the query.
pub fn probe() -> Window<'static> {
    let end = Utc::now();
    Window { kind: Kind::Ipv4, value: "192.0.2.1", start: end - chrono::Duration::hours(1), end }
}
