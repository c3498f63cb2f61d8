//! The catalogue of connector actions a playbook may name, with their inputs,
//! and how each turns rendered inputs into the query its connector would send.

use crate::connectors::active_directory::filter;
use crate::connectors::http::HttpConnector;
use crate::connectors::siem_elastic::ElasticConfig;
use crate::indicators::Kind;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ActionSpec {
    pub name: &'static str,
    pub connector: &'static str,
    pub description: &'static str,
    /// Required inputs.
    pub inputs: &'static [&'static str],
}

pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        name: "active_directory.computer",
        connector: "active_directory",
        description: "A computer by name or DNS name: owner (managedBy), OS, OU, last logon.",
        inputs: &["name"],
    },
    ActionSpec {
        name: "active_directory.user",
        connector: "active_directory",
        description: "A user by sAMAccountName, UPN, mail or DOMAIN\\user: department, title, manager, account state.",
        inputs: &["identifier"],
    },
    ActionSpec {
        name: "firewall.sessions",
        connector: "firewall",
        description: "Firewall sessions (PAN-OS traffic or URL logs) involving an address, network, domain or URL in the request's time window.",
        inputs: &["kind", "value", "start", "end"],
    },
    ActionSpec {
        name: "asset.lookup",
        connector: "asset_inventory",
        description: "The inventory record of a machine by host name or IP: serial, model, location, owner.",
        inputs: &["name"],
    },
    ActionSpec {
        name: "siem.sighting",
        connector: "siem",
        description: "How often an indicator occurs in the SIEM in the request's time window: hits, first/last seen, top hosts and users.",
        inputs: &["kind", "value", "start", "end"],
    },
    ActionSpec {
        name: "splunk.sighting",
        connector: "splunk",
        description: "As siem.sighting, asked of Splunk (REST export) explicitly.",
        inputs: &["kind", "value", "start", "end"],
    },
    ActionSpec {
        name: "active_directory.groups",
        connector: "active_directory",
        description: "Every group a user belongs to, nested membership included.",
        inputs: &["identifier"],
    },
];

pub fn find(name: &str) -> Option<&'static ActionSpec> {
    ACTIONS.iter().find(|a| a.name == name)
}

/// Names an HTTP connector may not take: the built-in connectors and their action prefixes.
pub const BUILTIN_CONNECTORS: &[&str] = &["active_directory", "asset", "asset_inventory", "firewall", "siem", "splunk", "store"];

/// An action a playbook may name: built in, or from an HTTP connector file.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub name: String,
    pub connector: String,
    pub description: String,
    pub inputs: Vec<String>,
}

impl From<&ActionSpec> for Action {
    fn from(a: &ActionSpec) -> Action {
        Action { name: a.name.into(), connector: a.connector.into(), description: a.description.into(), inputs: a.inputs.iter().map(|s| s.to_string()).collect() }
    }
}

/// Every action: the built-in ones, then those of the HTTP connectors.
pub fn catalogue(http: &[HttpConnector]) -> Vec<Action> {
    let mut out: Vec<Action> = ACTIONS.iter().map(Action::from).collect();
    for c in http {
        for (name, a) in &c.actions {
            out.push(Action { name: format!("{}.{name}", c.name), connector: c.name.clone(), description: a.description.clone(), inputs: a.inputs.clone() });
        }
    }
    out
}

/// The action called `name`, built in or from an HTTP connector.
pub fn lookup(name: &str, http: &[HttpConnector]) -> Option<Action> {
    if let Some(a) = find(name) {
        return Some(a.into());
    }
    let (connector, action) = name.split_once('.')?;
    let c = http.iter().find(|c| c.name == connector)?;
    let a = c.actions.get(action)?;
    Some(Action { name: name.into(), connector: c.name.clone(), description: a.description.clone(), inputs: a.inputs.clone() })
}

/// The query the connector would send for `action` with these inputs, in the
/// connector's own language (escaped exactly as it would be sent).
pub fn query(action: &str, input: &std::collections::BTreeMap<String, String>, connectors: &crate::config::ConnectorsConfig) -> String {
    let get = |k: &str| input.get(k).map(String::as_str).unwrap_or("");
    match action {
        "firewall.sessions" => {
            let offset = connectors.firewall.as_ref().map_or(0, |f| f.device_utc_offset_minutes);
            match window_inputs(input) {
                Ok((kind, start, end)) => match crate::connectors::firewall_panos::query::log_query(kind, get("value"), start, end, offset) {
                    Ok(q) => format!("PAN-OS type=log log-type={} query={}", q.log_type, q.filter),
                    Err(e) => format!("(refused: {e})"),
                },
                Err(_) => "(kind, start or end is not valid)".into(),
            }
        }
        "asset.lookup" => match &connectors.asset_inventory {
            Some(crate::connectors::asset_inventory::AssetInventoryConfig::Sql { query, .. }) => format!("SQL {query} with $1 = {:?}", get("name")),
            Some(crate::connectors::asset_inventory::AssetInventoryConfig::Csv { path }) => format!("CSV {} where hostname or ip = {:?}", path.display(), get("name")),
            None => format!("SQL {} with $1 = {:?}", crate::connectors::asset_inventory::default_query(), get("name")),
        },
        "splunk.sighting" => splunk_query(input, connectors),
        "siem.sighting" if connectors.siem.is_none() && connectors.splunk.is_some() => splunk_query(input, connectors),
        "siem.sighting" => {
            // Without a configured SIEM, show the ECS mapping against a placeholder cluster.
            let cfg = connectors.siem.clone().unwrap_or_else(|| ElasticConfig::ecs("https://siem.example:9200", "logs-*"));
            match window_inputs(input) {
                Ok((kind, start, end)) => match crate::connectors::siem_elastic::query::sighting(&cfg, kind, get("value"), start, end) {
                    Some(body) => format!("POST {}/{}/_search {}", cfg.url, cfg.index, body),
                    None => format!("(no SIEM field is mapped for {kind})"),
                },
                Err(_) => "(kind, start or end is not valid)".into(),
            }
        }
        "active_directory.computer" => format!("LDAP search {}", filter::computer(get("name"))),
        "active_directory.user" => {
            let id = get("identifier");
            let account = id.split_once('\\').map_or(id, |(_, u)| u);
            format!("LDAP search {}", filter::user(account))
        }
        "active_directory.groups" => {
            let id = get("identifier");
            let account = id.split_once('\\').map_or(id, |(_, u)| u);
            format!("LDAP search {} then {}", filter::user(account), filter::groups_of("<the user's DN>"))
        }
        other => {
            let http = other.split_once('.').and_then(|(c, a)| connectors.http_definitions.iter().find(|d| d.name == c).map(|d| (d, a)));
            match http {
                Some((def, action)) => {
                    let base = connectors.http.get(&def.name).and_then(|d| d.base_url.clone()).unwrap_or_else(|| def.base_url.clone());
                    match def.actions.get(action).map(|a| crate::connectors::http::client::prepare(&base, a, input)) {
                        Some(Ok(req)) => format!("HTTP {req}"),
                        Some(Err(e)) => format!("(cannot build the request: {e})"),
                        None => format!("({} has no action {action})", def.name),
                    }
                }
                None => format!("(no query builder for {other})"),
            }
        }
    }
}

fn splunk_query(input: &std::collections::BTreeMap<String, String>, connectors: &crate::config::ConnectorsConfig) -> String {
    use crate::connectors::siem_splunk::{SplunkConfig, query};
    let cfg = connectors.splunk.clone().unwrap_or_else(|| SplunkConfig::cim("https://splunk.example:8089", "main"));
    match window_inputs(input) {
        Ok((kind, start, end)) => match query::sighting(&cfg, kind, input.get("value").map(String::as_str).unwrap_or("")) {
            Ok(Some(spl)) => format!("POST {}/services/search/jobs/export search={spl} earliest_time={} latest_time={}", cfg.url, start.timestamp(), end.timestamp()),
            Ok(None) => format!("(no Splunk field is mapped for {kind})"),
            Err(e) => format!("(refused: {e})"),
        },
        Err(_) => "(kind, start or end is not valid)".into(),
    }
}

/// The `kind`, `start` and `end` inputs of the actions that search a time window.
pub fn window_inputs(input: &std::collections::BTreeMap<String, String>) -> Result<(Kind, DateTime<Utc>, DateTime<Utc>), String> {
    let get = |k: &str| input.get(k).map(String::as_str).unwrap_or("");
    let kind = Kind::parse(get("kind")).ok_or_else(|| format!("{:?} is not an indicator kind", get("kind")))?;
    let time = |k: &str| DateTime::parse_from_rfc3339(get(k)).map(|d| d.with_timezone(&Utc)).map_err(|e| format!("input {k}: {e}"));
    Ok((kind, time("start")?, time("end")?))
}
