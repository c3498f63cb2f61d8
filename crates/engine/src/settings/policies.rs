//! The policies as the admin edits them in the app's Policies screen: who
//! may send requests, what each MSSP may be told, when the model decides,
//! four eyes, the task link window, assignment, threat intel (the
//! customer's networks, the verdict rules, escalation), and the keyword rules. Each
//! is a section of the configuration file, shown with its JSON Schema (the
//! section's own type: the schema and the loader never disagree) and its
//! value as the running program has it, defaults filled in. A save replaces
//! the one section (comments elsewhere kept, the old file in `.history/`),
//! is refused when the file would not load, and is audited.

use super::{ConfigFile, SettingsError};
use crate::classify::KeywordRules;
use crate::config::Config;
use crate::store::{NewAudit, Store};
use serde::Serialize;
use serde_json::Value;

/// One policy section as the screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Its name in the configuration file (`senders`, `disclosure`…).
    pub key: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The JSON Schema of one value; for `list` sections, of one item.
    pub schema: Value,
    /// An array of tables (`[[disclosure]]`): a list of items.
    pub list: bool,
    /// The value in force, defaults filled in.
    pub value: Value,
    /// Whether the file sets it (else the defaults apply).
    pub in_file: bool,
}

const SECTIONS: &[(&str, &str, &str)] = &[
    (
        "senders",
        "MSSP senders",
        "Who may send requests, and how that is proven: the sender's domain or address, and DMARC (a trusted gateway's Authentication-Results, or Drawbridge's own DKIM check).",
    ),
    (
        "disclosure",
        "Disclosure",
        "What each MSSP may be told, per class of data. A policy applies to the sender domains it names; the first without domains applies to every other MSSP.",
    ),
    ("triage", "Triage", "When the model decides a request's type alone; below the threshold the keyword rules decide, else the default playbook runs."),
    ("review", "Review", "Request types whose replies need two different approvers (four eyes)."),
    ("tasks", "Tasks", "How long an indicator links a new request to an earlier request's task, which then runs again with fresh data."),
    ("assignment", "Assignment", "Analysts, queues and teams, and the rules that hand requests to them (the first that matches assigns)."),
    (
        "intel",
        "Threat intel",
        "The customer's own networks (never sent to outside services, like private ranges), the rules that make an indicator malicious or suspicious from the intel sources' answers, and what a bad verdict sets off: the SIEM's sightings, the packet capture around them, and an investigation ticket.",
    ),
];

fn schema_of(key: &str) -> Value {
    let schema = match key {
        "senders" => schemars::schema_for!(crate::sender::SendersConfig),
        "disclosure" => schemars::schema_for!(crate::report::disclosure::DisclosurePolicy),
        "triage" => schemars::schema_for!(crate::classify::TriageConfig),
        "review" => schemars::schema_for!(crate::config::ReviewConfig),
        "tasks" => schemars::schema_for!(crate::config::TasksConfig),
        "intel" => schemars::schema_for!(crate::intel::IntelConfig),
        _ => schemars::schema_for!(crate::assign::AssignmentConfig),
    };
    serde_json::to_value(schema).unwrap_or(Value::Null)
}

fn value_of(key: &str, config: &Config) -> Value {
    let value = match key {
        "senders" => serde_json::to_value(&config.senders),
        "disclosure" => serde_json::to_value(&config.disclosure),
        "triage" => serde_json::to_value(&config.triage),
        "review" => serde_json::to_value(&config.review),
        "tasks" => serde_json::to_value(&config.tasks),
        "intel" => serde_json::to_value(&config.intel),
        _ => serde_json::to_value(&config.assignment),
    };
    value.unwrap_or(Value::Null)
}

/// Every policy section, as the program has it now.
pub fn sections(file: &ConfigFile, config: &Config) -> Vec<Section> {
    // The whole file, read once: which sections it sets.
    let in_file = file.section(&[]).ok().flatten().unwrap_or(Value::Null);
    SECTIONS
        .iter()
        .map(|(key, title, description)| Section {
            key,
            title,
            description,
            schema: schema_of(key),
            list: *key == "disclosure",
            value: value_of(key, config),
            in_file: in_file.get(key).is_some(),
        })
        .collect()
}

/// The default disclosure policy, as a new policy starts.
pub fn default_disclosure() -> Value {
    serde_json::to_value(crate::report::disclosure::DisclosurePolicy::default()).unwrap_or(Value::Null)
}

/// Saves one section; audited as `policy_saved`. Returns the configuration
/// as loaded from the new file.
pub async fn save(file: &ConfigFile, store: &Store, key: &str, value: &Value, actor: &str) -> Result<Config, SettingsError> {
    let Some((key, ..)) = SECTIONS.iter().find(|(k, ..)| *k == key) else {
        return Err(SettingsError::Invalid(format!("{key:?} is not a policy section ({})", SECTIONS.iter().map(|s| s.0).collect::<Vec<_>>().join(", "))));
    };
    if *key == "intel" {
        let intel: crate::intel::IntelConfig = serde_json::from_value(value.clone()).map_err(|e| SettingsError::Invalid(format!("[intel]: {e}")))?;
        let problems = intel.check();
        if !problems.is_empty() {
            return Err(SettingsError::Invalid(problems.join("; ")));
        }
    }
    let config = if *key == "disclosure" {
        let items = value.as_array().ok_or_else(|| SettingsError::Invalid("the disclosure policies must be a list".into()))?;
        file.set_tables(key, items)?
    } else {
        file.set_section(&[key], value)?
    };
    let detail = serde_json::json!({ "section": key, "file": file.path().display().to_string() });
    store.record_audit(&NewAudit::setting(actor, "policy_saved", detail)).await.map_err(|e| SettingsError::Audit(e.to_string()))?;
    Ok(config)
}

/// The keyword rules in force: where they are read from, and their text.
#[derive(Debug, Clone, Serialize)]
pub struct KeywordFile {
    pub path: String,
    pub text: String,
    /// The shipped rules (saving writes a copy beside the configuration file).
    pub shipped: bool,
}

pub fn keyword_rules(config: &Config) -> KeywordFile {
    match &config.triage.keywords {
        Some(p) => KeywordFile { text: std::fs::read_to_string(p).unwrap_or_default(), path: p.display().to_string(), shipped: false },
        None => KeywordFile { text: crate::classify::keywords::SHIPPED.to_string(), path: "models/keywords.yaml (built in)".into(), shipped: true },
    }
}

/// Saves the keyword rules when they load: into the file the configuration
/// names, or, while the shipped rules are in force, into `keywords.yaml`
/// beside the configuration file, which `[triage] keywords` then names.
/// Audited as `keyword_rules_saved`. Returns the configuration now in force.
pub async fn save_keyword_rules(file: &ConfigFile, store: &Store, config: &Config, text: &str, actor: &str) -> Result<Config, SettingsError> {
    KeywordRules::from_yaml(text, "keyword rules").map_err(|e| SettingsError::Invalid(e.to_string()))?;
    let path = match &config.triage.keywords {
        Some(p) => p.clone(),
        None => file.path().parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")).join("keywords.yaml"),
    };
    let history = path.parent().unwrap_or(std::path::Path::new(".")).join(".history").join("keywords.yaml");
    crate::versioned::replace(&path, &history, "yaml", text).map_err(|(p, e)| SettingsError::Io(p, e))?;
    let config = if config.triage.keywords.is_none() {
        let mut triage = file.section(&["triage"])?.unwrap_or_else(|| serde_json::json!({}));
        if let Some(t) = triage.as_object_mut() {
            t.insert("keywords".into(), Value::String(path.display().to_string()));
        }
        file.set_section(&["triage"], &triage)?
    } else {
        Config::load(Some(file.path())).map_err(|e| SettingsError::Invalid(e.to_string()))?
    };
    let detail = serde_json::json!({ "file": path.display().to_string(), "digest": crate::digest::of_bytes(text.as_bytes()) });
    store.record_audit(&NewAudit::setting(actor, "keyword_rules_saved", detail)).await.map_err(|e| SettingsError::Audit(e.to_string()))?;
    Ok(config)
}
