//! A connector's settings as the app's Connectors screen edits them: the
//! form comes from the connector's own config schema, a secret is typed once
//! and goes to the OS keyring (or the 0600 secrets file on a machine without
//! one) and only its name to the file, "Test connection" tries the settings
//! on screen before anything is saved, and a save is audited.

use super::{ConfigFile, SettingsError};
use crate::config::Config;
use crate::connectors::http::HttpConnector;
use crate::connectors::{Availability, ConnectorInfo, ConnectorsConfig, Registry};
use crate::deployment::Deployment;
use crate::model::ErrorKind;
use crate::store::{NewAudit, Store};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One connector with what its form needs.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectorForm {
    #[serde(flatten)]
    pub info: ConnectorInfo,
    /// Where its settings sit in the file: `connectors.siem`, `connectors.http.snipeit`.
    pub section: String,
    /// JSON Schema of the settings: the form is generated from it.
    pub schema: Value,
    /// The settings in use: from the file, or put in by the demo.
    pub settings: Option<Value>,
    /// `file`, `demo` (the embedded demo set them; saving writes them to the file) or `none`.
    pub origin: &'static str,
    /// Fields naming a secret, and whether the named secret resolves. Never the value.
    pub secrets: Vec<SecretField>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SecretField {
    pub field: String,
    pub name: Option<String>,
    pub resolves: bool,
}

/// Every connector of the deployment.
pub fn forms(deployment: &Deployment, file: &ConfigFile) -> Result<Vec<ConnectorForm>, SettingsError> {
    let mut out = Vec::new();
    for info in deployment.connectors.list() {
        let keys = section_keys(&info);
        let schema = deployment.connectors.config_schema(&info.name).unwrap_or(Value::Null);
        let in_file = file.section(&keys.iter().map(String::as_str).collect::<Vec<_>>())?;
        let running = running_settings(&deployment.config.connectors, &info);
        let origin = if in_file.is_some() {
            "file"
        } else if running.is_some() {
            "demo"
        } else {
            "none"
        };
        let settings = in_file.or(running);
        let secrets = secret_fields(&schema)
            .into_iter()
            .map(|field| {
                let name = settings.as_ref().and_then(|s| s.get(&field)).and_then(Value::as_str).map(str::to_string);
                let resolves = name.as_deref().is_some_and(|n| crate::secrets::resolve(n).is_ok());
                SecretField { field, name, resolves }
            })
            .collect();
        out.push(ConnectorForm { section: keys.join("."), info, schema, settings, origin, secrets });
    }
    Ok(out)
}

fn section_keys(info: &ConnectorInfo) -> Vec<String> {
    if info.source == "http" { vec!["connectors".into(), "http".into(), info.name.clone()] } else { vec!["connectors".into(), info.name.clone()] }
}

fn running_settings(config: &ConnectorsConfig, info: &ConnectorInfo) -> Option<Value> {
    if info.source == "http" { config.http.get(&info.name).and_then(|d| serde_json::to_value(d).ok()) } else { config.sections.get(&info.name).cloned() }
}

/// Properties named `*_secret`, at the top of the schema or in any of its variants.
fn secret_fields(schema: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![schema];
    while let Some(s) = stack.pop() {
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            out.extend(props.keys().filter(|k| k.ends_with("_secret")).cloned());
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(variants) = s.get(key).and_then(Value::as_array) {
                stack.extend(variants);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// "Test connection": each stage passed, failed, or not reached.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TestVerdict {
    pub ok: bool,
    pub kind: Option<ErrorKind>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stage {
    /// `settings`, `connection` (network and TLS), `authentication`, `query`.
    pub name: &'static str,
    /// `passed`, `failed` or `not_reached`.
    pub result: &'static str,
    pub detail: String,
}

const STAGES: [&str; 4] = ["settings", "connection", "authentication", "query"];

/// The verdict with every stage before `failed` passed and those after not reached.
fn verdict(failed_at: Option<usize>, kind: Option<ErrorKind>, detail: String) -> TestVerdict {
    let stages = STAGES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (result, text) = match failed_at {
                Some(f) if i == f => ("failed", detail.clone()),
                Some(f) if i > f => ("not_reached", String::new()),
                None if i == STAGES.len() - 1 => ("passed", detail.clone()),
                _ => ("passed", String::new()),
            };
            Stage { name, result, detail: text }
        })
        .collect();
    TestVerdict { ok: failed_at.is_none(), kind, stages }
}

/// A registry where `name` has the settings on screen, with new secret values
/// in memory under throwaway names (nothing is stored).
fn candidate_registry(deployment: &Deployment, info: &ConnectorInfo, settings: &Value, new_secrets: &BTreeMap<String, String>) -> Result<Registry, String> {
    let mut settings = settings.clone();
    let object = settings.as_object_mut().ok_or("the settings must be a table of keys and values")?;
    for (field, value) in new_secrets.iter().filter(|(_, v)| !v.is_empty()) {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let throwaway = format!("candidate.{}.{field}.{}", info.name, NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        crate::secrets::inject(&throwaway, value);
        object.insert(field.clone(), Value::String(throwaway));
    }
    strip_nulls(object);
    let mut connectors = deployment.config.connectors.clone();
    if info.source == "http" {
        let d = serde_json::from_value(settings).map_err(|e| format!("[connectors.http.{}]: {e}", info.name))?;
        connectors.http.insert(info.name.clone(), d);
    } else {
        connectors.sections.insert(info.name.clone(), settings);
    }
    let http = HttpConnector::load_dir(&deployment.config.playbooks_dir().join("connectors")).map_err(|e| e.to_string())?;
    let registry = Registry::build(&connectors, &http).map_err(|e| e.to_string())?;
    match registry.availability(&info.name) {
        Some(Availability::Broken(reason)) => Err(reason),
        _ => Ok(registry),
    }
}

fn strip_nulls(object: &mut Map<String, Value>) {
    object.retain(|_, v| !v.is_null());
}

fn info_of(deployment: &Deployment, name: &str) -> Result<ConnectorInfo, SettingsError> {
    deployment.connectors.list().into_iter().find(|i| i.name == name).ok_or_else(|| SettingsError::NoConnector(name.into()))
}

/// Tries the settings on screen: builds the connector, connects, authenticates
/// and asks one harmless question. Nothing is saved.
pub async fn test(deployment: &Deployment, name: &str, settings: &Value, new_secrets: &BTreeMap<String, String>) -> Result<TestVerdict, SettingsError> {
    let info = info_of(deployment, name)?;
    let registry = match candidate_registry(deployment, &info, settings, new_secrets) {
        Ok(r) => r,
        Err(reason) => return Ok(verdict(Some(0), Some(ErrorKind::InvalidInput), reason)),
    };
    Ok(match registry.test(name).await {
        Ok(detail) => verdict(None, None, detail),
        Err(e) => {
            let failed_at = match e.kind {
                ErrorKind::NotConfigured | ErrorKind::InvalidInput => 0,
                ErrorKind::Unavailable => 1,
                ErrorKind::Refused => 2,
                _ => 3,
            };
            verdict(Some(failed_at), Some(e.kind), e.message)
        }
    })
}

/// What a save did.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub section: String,
    /// Each secret stored, by name, and where.
    pub secrets: Vec<(String, crate::secrets::StoredIn)>,
    #[serde(skip)]
    pub config: Config,
}

/// Saves the settings on screen: refused, with nothing stored, when the
/// connector cannot be built from them. New secret values go to the keyring
/// (or the secrets file) under the name in their field, or
/// `<connector>-<field>` when the field is empty; the file gets only names.
pub async fn save(
    deployment: &Deployment,
    file: &ConfigFile,
    store: &Store,
    name: &str,
    settings: &Value,
    new_secrets: &BTreeMap<String, String>,
    actor: &str,
) -> Result<Saved, SettingsError> {
    let info = info_of(deployment, name)?;
    let mut settings = settings.clone();
    let object = settings.as_object_mut().ok_or_else(|| SettingsError::Invalid("the settings must be a table of keys and values".into()))?;
    let allowed = secret_fields(&deployment.connectors.config_schema(name).unwrap_or(Value::Null));
    if let Some(field) = new_secrets.keys().find(|f| !allowed.contains(f)) {
        return Err(SettingsError::Invalid(format!("{field} is not a secret of {name}")));
    }
    let mut to_store = Vec::new();
    for (field, value) in new_secrets.iter().filter(|(_, v)| !v.is_empty()) {
        let secret_name = match object.get(field).and_then(Value::as_str).map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => n.to_string(),
            None => format!("{name}-{}", field.trim_end_matches("_secret").replace('_', "-")),
        };
        object.insert(field.clone(), Value::String(secret_name.clone()));
        to_store.push((secret_name, value.clone()));
    }
    strip_nulls(object);
    candidate_registry(deployment, &info, &settings, new_secrets).map_err(|reason| SettingsError::Invalid(format!("{name}: {reason}")))?;
    let mut stored = Vec::new();
    for (secret, value) in &to_store {
        let place = crate::secrets::store(secret, value).map_err(|e| SettingsError::Secret(secret.clone(), e.to_string()))?;
        stored.push((secret.clone(), place));
    }
    let keys = section_keys(&info);
    let config = file.set_section(&keys.iter().map(String::as_str).collect::<Vec<_>>(), &settings)?;
    let section = keys.join(".");
    let detail = serde_json::json!({
        "connector": name,
        "section": section,
        "file": file.path().display().to_string(),
        "secrets_stored": stored.iter().map(|(n, place)| serde_json::json!({ "name": n, "where": place })).collect::<Vec<_>>(),
    });
    store.record_audit(&NewAudit::setting(actor, "connector_settings", detail)).await.map_err(|e| SettingsError::Audit(e.to_string()))?;
    Ok(Saved { section, secrets: stored, config })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_fields_are_found_in_every_variant() {
        let schema = serde_json::json!({
            "properties": { "url": {}, "token_secret": {} },
            "oneOf": [ { "properties": { "password_secret": {} } }, { "properties": { "token_secret": {} } } ]
        });
        assert_eq!(secret_fields(&schema), vec!["password_secret".to_string(), "token_secret".to_string()]);
    }

    #[test]
    fn stages_after_a_failure_are_not_reached() {
        let v = verdict(Some(2), Some(ErrorKind::Refused), "401 Unauthorized".into());
        let results: Vec<_> = v.stages.iter().map(|s| s.result).collect();
        assert_eq!(results, ["passed", "passed", "failed", "not_reached"]);
        assert!(!v.ok);
        let ok = verdict(None, None, "index main answered".into());
        assert!(ok.ok && ok.stages.iter().all(|s| s.result == "passed"));
        assert_eq!(ok.stages[3].detail, "index main answered");
    }
}
