//! What an HTTP connector file says (`playbooks/connectors/*.yaml`). These
//! types are the schema, as for playbooks.

use drawbridge_model::DataClass;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A REST tool described without code: where it is, how to authenticate,
/// and the actions playbooks may call (`<name>.<action>`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpConnector {
    /// Connector name; playbooks call `<name>.<action>`.
    pub name: String,
    /// Its name for people ("Snipe-IT"); default: the description, else `name`.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Where the service runs. `external` (the default: a threat intel
    /// service, a SaaS tool): the engine never sends it an internal value
    /// (private addresses, the customer's domains, hosts, accounts and
    /// mailboxes) or one an analyst marked "do not disclose". `internal`:
    /// a system inside the customer's network, such as the asset inventory.
    #[serde(default)]
    pub network: Network,
    /// How long an answer is reused for the same inputs, in seconds (none:
    /// never). The deployment's `[connectors.limits.<name>]
    /// cache_ttl_seconds` overrides it.
    #[serde(default)]
    pub cache_ttl_seconds: Option<u64>,
    /// A source only some deployments have: where it is not set up, playbook
    /// steps calling it are left out rather than reported as "not
    /// connected". Default: yes for external services, no for internal ones.
    #[serde(default)]
    pub opt_in: Option<bool>,
    /// Base URL, e.g. `https://snipeit.corp.example`. The deployment's
    /// `[connectors.http.<name>] base_url` overrides it.
    pub base_url: String,
    #[serde(default)]
    pub auth: Option<Auth>,
    /// Headers sent with every request (no secrets here: use `auth`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// PEM bundle of the internal CA.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// The tool escapes HTML in the text it returns (Snipe-IT does): decode
    /// `&amp;` and friends in mapped values.
    #[serde(default)]
    pub html_escaped_values: bool,
    /// Error envelopes sent with HTTP 200, checked on every answer.
    #[serde(default)]
    pub errors: Vec<ErrorRule>,
    pub actions: BTreeMap<String, HttpAction>,
}

/// Where a service runs, for the privacy guard.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// Inside the customer's network: any value may be sent.
    Internal,
    /// Outside it: internal and "do not disclose" values are never sent.
    #[default]
    External,
}

/// Authentication from a named secret (never the secret itself).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Auth {
    /// `Authorization: Bearer <secret>`.
    Bearer { secret: String },
    /// `<header>: <prefix><secret>`, e.g. `X-Api-Key`.
    Header {
        header: String,
        secret: String,
        #[serde(default)]
        prefix: String,
    },
    /// HTTP Basic with `username` and the password from `secret`.
    Basic { username: String, secret: String },
    /// The secret as a query parameter.
    Query { param: String, secret: String },
}

/// A rule that recognises an error reported in the body.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    /// JSON pointer (`/status`) or JMESPath expression (`status`).
    pub path: String,
    /// The answer is an error when the value at `path` equals this.
    pub equals: serde_json::Value,
    /// Where the error message is.
    #[serde(default)]
    pub message: Option<String>,
    /// Messages containing one of these mean "no such record": no result, not an error.
    #[serde(default)]
    pub not_found_if_message_contains: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    #[default]
    Get,
    Post,
}

/// One call a playbook may make.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpAction {
    #[serde(default)]
    pub description: String,
    /// Input names (the playbook step must give each).
    pub inputs: Vec<String>,
    #[serde(default)]
    pub method: Method,
    /// Path template under the base URL; `{{ input.x }}` in a path is
    /// percent-encoded as one path segment.
    pub path: String,
    /// Query parameters (templates; URL-encoded when sent).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// JSON body fields (templates; sent as JSON strings, never spliced into text).
    #[serde(default)]
    pub body: BTreeMap<String, String>,
    /// Where the list of records is (pointer or JMESPath); absent: the whole answer is one record.
    #[serde(default)]
    pub records: Option<String>,
    /// Output fields: name → pointer or JMESPath within a record. Empty: the record as is.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// What each output field is, for the disclosure policy: a data class
    /// (`person_name`, `technical`…), or `{ class, label }`. A field without
    /// one is withheld from every reply. With `fields` empty, name the
    /// record's own keys (`assigned_to.name`).
    #[serde(default)]
    pub classes: BTreeMap<String, FieldClass>,
    /// Keep only records whose mapped `field` equals input `input` (ignoring case):
    /// for tools whose search is fuzzy.
    #[serde(default)]
    pub exact_match: Option<ExactMatch>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

/// The data class of an HTTP connector's output field, with an optional label.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum FieldClass {
    Class(DataClass),
    Labelled { class: DataClass, label: String },
}

impl FieldClass {
    pub fn class(&self) -> DataClass {
        match self {
            FieldClass::Class(c) | FieldClass::Labelled { class: c, .. } => *c,
        }
    }
}

impl HttpAction {
    /// The JSON Schema of this action's output (`records` and `total`), with
    /// each field's declared class (`x-class`) and label (`x-label`).
    pub fn output_schema(&self) -> serde_json::Value {
        let mut names: Vec<&String> = self.fields.keys().chain(self.classes.keys()).collect();
        names.sort();
        names.dedup();
        let properties: serde_json::Map<String, serde_json::Value> = names
            .into_iter()
            .map(|name| {
                let mut field = serde_json::json!({});
                if self.fields.contains_key(name) {
                    field["type"] = serde_json::json!(["string", "number", "boolean", "null"]);
                }
                match self.classes.get(name) {
                    Some(FieldClass::Class(c)) => field["x-class"] = c.as_str().into(),
                    Some(FieldClass::Labelled { class, label }) => {
                        field["x-class"] = class.as_str().into();
                        field["x-label"] = label.as_str().into();
                    }
                    None => {}
                }
                (name.clone(), field)
            })
            .collect();
        serde_json::json!({
            "type": "object",
            "properties": {
                "records": {
                    "type": "array",
                    "items": { "type": "object", "properties": properties, "additionalProperties": self.fields.is_empty() },
                },
                "total": { "type": "integer", "x-class": "activity", "x-label": "Records" },
            },
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExactMatch {
    pub field: String,
    pub input: String,
}

/// Offset/limit paging.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    pub offset_param: String,
    pub limit_param: String,
    pub page_size: u32,
    /// Where the total count is (pointer or JMESPath); without it, paging stops at a short page.
    #[serde(default)]
    pub total: Option<String>,
    /// Never fetch more pages than this.
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
}

fn default_timeout() -> u64 {
    20
}

fn default_max_pages() -> u32 {
    10
}

#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    #[error("cannot read HTTP connector {0}: {1}")]
    Read(String, std::io::Error),
    #[error("HTTP connector {0} is not valid: {1}")]
    Invalid(String, String),
}

impl HttpConnector {
    pub fn parse(text: &str, file: &str) -> Result<HttpConnector, DefinitionError> {
        let c: HttpConnector = serde_saphyr::from_str(text).map_err(|e| DefinitionError::Invalid(file.into(), e.to_string()))?;
        let mut problems = Vec::new();
        if c.name.is_empty() || !c.name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            problems.push(format!("name {:?} must be letters, digits and _", c.name));
        }
        let env = drawbridge_net::template::environment();
        for (name, a) in &c.actions {
            let templates = std::iter::once(&a.path).chain(a.query.values()).chain(a.body.values());
            for t in templates {
                if let Err(e) = env.template_from_str(t) {
                    problems.push(format!("action {name}: template {t:?}: {e}"));
                }
            }
            let paths = a.records.iter().chain(a.fields.values()).chain(a.pagination.iter().filter_map(|p| p.total.as_ref()));
            for p in paths {
                if let Err(e) = super::mapping::Path::parse(p) {
                    problems.push(format!("action {name}: {e}"));
                }
            }
            if !a.fields.is_empty()
                && let Some(stray) = a.classes.keys().find(|k| !a.fields.contains_key(*k))
            {
                problems.push(format!("action {name}: classes names {stray:?}, which is not one of its fields"));
            }
            if let Some(m) = &a.exact_match
                && !a.inputs.contains(&m.input)
            {
                problems.push(format!("action {name}: exact_match names input {:?}, which is not an input", m.input));
            }
        }
        for r in &c.errors {
            for p in std::iter::once(&r.path).chain(r.message.iter()) {
                if let Err(e) = super::mapping::Path::parse(p) {
                    problems.push(format!("errors: {e}"));
                }
            }
        }
        if problems.is_empty() { Ok(c) } else { Err(DefinitionError::Invalid(file.into(), problems.join("; "))) }
    }

    /// Every `*.yaml` in `dir` (none when the folder does not exist).
    pub fn load_dir(dir: &Path) -> Result<Vec<HttpConnector>, DefinitionError> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Ok(Vec::new()) };
        let mut paths: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml")).collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                let name = p.display().to_string();
                let text = std::fs::read_to_string(p).map_err(|e| DefinitionError::Read(name.clone(), e))?;
                HttpConnector::parse(&text, &name)
            })
            .collect()
    }
}

/// The JSON Schema of an HTTP connector file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(HttpConnector)).unwrap_or_default()
}
