//! The connector registry: the one place that knows which connectors exist,
//! which actions each offers, and which of them this deployment has set up.
//! Playbook validation, dry-runs, runs, the report's "not asked", the CLI's
//! `drawbridge connectors` and the app's forms all read it.
//!
//! A connector is a [`Definition`]: its config type (serde + JSON Schema),
//! its actions with their input and output schemas, an example config for
//! dry-runs where it is not set up, and `build`, which makes the
//! [`Connector`] that previews queries, calls, and tests its connection.
//! Adding one is a folder with a `Definition` and one line in
//! [`crate::builtin`].

use crate::error::ConnectorError;
use crate::fields::{self, FieldSpec};
use crate::http::{HttpClient, HttpConnector};
use crate::limits::ConnectorsConfig;
use drawbridge_model::{DataClass, ErrorKind};
use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

/// The inputs of one call: rendered template values by name.
pub type Input = BTreeMap<String, String>;

/// What a playbook author, the validator and the app know of an action.
#[derive(Debug, Clone, Serialize)]
pub struct ActionSpec {
    /// `<prefix>.<action>`, as playbooks name it.
    pub name: String,
    /// The connector that carries it out.
    pub connector: String,
    pub description: String,
    /// Required inputs, in order.
    pub inputs: Vec<String>,
    /// JSON Schema of the inputs (an object of strings).
    pub input_schema: Value,
    /// JSON Schema of the output when the system has a record.
    pub output_schema: Value,
    /// What each output field is: its data class and its label for people.
    pub fields: Vec<FieldSpec>,
    /// Carried out by this action instead when this action's connector is not
    /// set up and that one is (`siem.sighting` falls back to Splunk).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Its service is outside the customer's network: the engine's privacy
    /// guard never lets an internal or "do not disclose" value reach it.
    pub external: bool,
    /// How long its answers are reused for the same inputs (the connector's
    /// own lifetime; the deployment's limits may override it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_ttl_seconds: Option<u64>,
    /// Where its connector is not set up, plans leave its steps out (an
    /// optional source such as threat intel) instead of "not connected".
    pub opt_in: bool,
}

impl ActionSpec {
    /// An action whose output is `Output`.
    /// An action whose output is `Output`; the fields it declares (`x-class`)
    /// are read from its schema.
    pub fn new<Output: schemars::JsonSchema>(name: &str, connector: &str, description: &str, inputs: &[(&str, &str)]) -> ActionSpec {
        let output_schema = serde_json::to_value(schemars::schema_for!(Output)).unwrap_or(Value::Null);
        ActionSpec {
            name: name.into(),
            connector: connector.into(),
            description: description.into(),
            inputs: inputs.iter().map(|(n, _)| n.to_string()).collect(),
            input_schema: input_schema(inputs),
            fields: fields::declared_in(&output_schema),
            output_schema,
            fallback: None,
            external: false,
            cache_ttl_seconds: None,
            opt_in: false,
        }
    }

    /// A call to a service outside the customer's network, whose answers
    /// may be kept `cache_ttl_seconds`.
    pub fn outside(mut self, cache_ttl_seconds: Option<u64>) -> ActionSpec {
        self.external = true;
        self.opt_in = true;
        self.cache_ttl_seconds = cache_ttl_seconds;
        self
    }

    /// Declares output fields the schema cannot (open records: inventory
    /// columns, HTTP records).
    pub fn with_fields(mut self, declared: Vec<FieldSpec>) -> ActionSpec {
        self.fields.extend(declared);
        self
    }

    /// An output schema known only at run time (HTTP connectors), with the
    /// fields it declares.
    pub fn with_output_schema(mut self, schema: Value) -> ActionSpec {
        self.fields = fields::declared_in(&schema);
        self.output_schema = schema;
        self
    }

    /// Output values the schema has and no declaration covers: each would be
    /// withheld from every reply. Built-in actions have none (tested).
    pub fn undeclared(&self) -> Vec<String> {
        fields::leaves_in(&self.output_schema).into_iter().filter(|leaf| fields::find(&self.fields, leaf).is_none()).collect()
    }

    pub fn with_fallback(mut self, action: &str) -> ActionSpec {
        self.fallback = Some(action.into());
        self
    }
}

/// The JSON Schema of string inputs with their descriptions.
pub fn input_schema(inputs: &[(&str, &str)]) -> Value {
    let properties: serde_json::Map<String, Value> =
        inputs.iter().map(|(name, description)| (name.to_string(), serde_json::json!({ "type": "string", "description": description }))).collect();
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": inputs.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "additionalProperties": false,
    })
}

/// A connector as built from its configuration.
pub trait Connector: Send + Sync {
    /// The exact query this call would send, in the system's own language and
    /// escaped as it would be sent (`drawbridge playbook dry-run`).
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError>;

    /// Carries out an action. `Ok(None)`: the system answered and has nothing.
    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>>;

    /// Connects, authenticates and asks one harmless question; says what held.
    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>>;
}

/// One kind of connector: what the registry needs to know before any is built.
pub trait Definition: 'static {
    /// Its section in `[connectors]`, and the name the CLI and app use.
    const NAME: &'static str;
    /// For people.
    const TITLE: &'static str;
    /// The settings a deployment writes in `[connectors.<NAME>]`.
    type Config: DeserializeOwned + Serialize + schemars::JsonSchema;
    fn actions() -> Vec<ActionSpec>;
    /// Settings that dry-runs use where the deployment has none, so that an
    /// admin sees the query's shape before setting the connector up.
    fn example() -> Self::Config;
    /// Builds the connector. No I/O: connections open on first use.
    fn build(config: Self::Config) -> Result<Arc<dyn Connector>, String>;
}

/// A [`Definition`] with its types erased, as the registry holds it.
pub trait Kind: Send + Sync {
    fn name(&self) -> &'static str;
    fn title(&self) -> &'static str;
    fn actions(&self) -> Vec<ActionSpec>;
    fn config_schema(&self) -> Value;
    fn example(&self) -> Result<Arc<dyn Connector>, String>;
    fn build(&self, config: &Value) -> Result<Arc<dyn Connector>, String>;
}

struct KindOf<D>(PhantomData<fn() -> D>);

impl<D: Definition> Kind for KindOf<D> {
    fn name(&self) -> &'static str {
        D::NAME
    }
    fn title(&self) -> &'static str {
        D::TITLE
    }
    fn actions(&self) -> Vec<ActionSpec> {
        D::actions()
    }
    fn config_schema(&self) -> Value {
        serde_json::to_value(schemars::schema_for!(D::Config)).unwrap_or(Value::Null)
    }
    fn example(&self) -> Result<Arc<dyn Connector>, String> {
        D::build(D::example())
    }
    fn build(&self, config: &Value) -> Result<Arc<dyn Connector>, String> {
        let typed: D::Config = serde_json::from_value(config.clone()).map_err(|e| format!("[connectors.{}]: {e}", D::NAME))?;
        D::build(typed)
    }
}

/// The registration of a connector kind (one line in [`crate::builtin`]).
pub fn kind<D: Definition>() -> Box<dyn Kind> {
    Box::new(KindOf::<D>(PhantomData))
}

/// Whether a connector can be used here.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum Availability {
    Ready,
    /// The deployment has no settings for it.
    NotConfigured,
    /// Its settings are there but it could not be built (a bad CA file, a URL…).
    Broken(String),
}

/// A connector as `drawbridge connectors list` and the app show it.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectorInfo {
    pub name: String,
    pub title: String,
    /// `builtin`, or `http` for a declarative HTTP connector.
    pub source: &'static str,
    pub availability: Availability,
    pub actions: Vec<String>,
}

struct Entry {
    title: String,
    origin: Origin,
    actions: Vec<ActionSpec>,
    /// Built from the deployment's settings.
    built: Option<Result<Arc<dyn Connector>, String>>,
    /// Built from the example settings on first need: previews where `built` is absent.
    example: OnceLock<Option<Arc<dyn Connector>>>,
}

/// Where a connector comes from: what its schema and example settings are made from.
enum Origin {
    Builtin(Box<dyn Kind>),
    Http(Box<HttpConnector>),
}

impl Entry {
    fn source(&self) -> &'static str {
        match self.origin {
            Origin::Builtin(_) => "builtin",
            Origin::Http(_) => "http",
        }
    }

    fn example(&self) -> Option<&Arc<dyn Connector>> {
        self.example
            .get_or_init(|| match &self.origin {
                Origin::Builtin(kind) => kind.example().ok(),
                Origin::Http(def) => HttpClient::new(def, None).ok().map(|c| Arc::new(c) as Arc<dyn Connector>),
            })
            .as_ref()
    }

    fn config_schema(&self) -> Value {
        match &self.origin {
            Origin::Builtin(kind) => kind.config_schema(),
            Origin::Http(_) => serde_json::to_value(schemars::schema_for!(crate::http::HttpDeployment)).unwrap_or(Value::Null),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("[connectors.{0}]: no connector has this name (known: {1})")]
    Unknown(String, String),
    #[error("HTTP connector {0:?} takes the name of a built-in connector or action")]
    NameTaken(String),
    #[error("[connectors.field_classes.{0}]: no connector has this name")]
    UnknownFieldClasses(String),
    #[error(transparent)]
    Definition(#[from] crate::http::definition::DefinitionError),
}

/// Every connector this build knows, and those this deployment has set up.
pub struct Registry {
    entries: BTreeMap<String, Entry>,
    /// Action name → its spec.
    actions: BTreeMap<String, ActionSpec>,
    /// Connector name → output fields this deployment declared for it.
    deployment_fields: BTreeMap<String, Vec<FieldSpec>>,
    /// Connector name → this deployment's limits for it.
    limits: BTreeMap<String, crate::ConnectorLimits>,
}

impl Registry {
    /// The built-in connectors and the given HTTP connector definitions,
    /// configured from `cfg`. Unknown sections are an error; a connector
    /// whose settings do not work is kept as `Broken` with the reason.
    pub fn build(cfg: &ConnectorsConfig, http: &[HttpConnector]) -> Result<Registry, RegistryError> {
        let mut entries = BTreeMap::new();
        let mut actions = BTreeMap::new();
        for kind in crate::builtin() {
            let specs = kind.actions();
            for a in &specs {
                actions.insert(a.name.clone(), a.clone());
            }
            let built = cfg.sections.get(kind.name()).map(|section| kind.build(section));
            let (name, title) = (kind.name().to_string(), kind.title().to_string());
            entries.insert(name, Entry { title, origin: Origin::Builtin(kind), actions: specs, built, example: OnceLock::new() });
        }
        if let Some(unknown) = cfg.sections.keys().find(|k| !entries.contains_key(*k)) {
            return Err(RegistryError::Unknown(unknown.clone(), entries.keys().cloned().collect::<Vec<_>>().join(", ")));
        }
        let prefixes: Vec<String> = actions.keys().filter_map(|a| a.split_once('.').map(|(p, _)| p.to_string())).collect();
        for def in http {
            if entries.contains_key(&def.name) || prefixes.contains(&def.name) || def.name == "store" {
                return Err(RegistryError::NameTaken(def.name.clone()));
            }
            let specs: Vec<ActionSpec> = def
                .actions
                .iter()
                .map(|(name, a)| {
                    let inputs: Vec<(&str, &str)> = a.inputs.iter().map(|i| (i.as_str(), "")).collect();
                    let spec =
                        ActionSpec::new::<Value>(&format!("{}.{name}", def.name), &def.name, &a.description, &inputs).with_output_schema(a.output_schema());
                    let spec = match def.network {
                        crate::http::definition::Network::External => spec.outside(def.cache_ttl_seconds),
                        crate::http::definition::Network::Internal => ActionSpec { cache_ttl_seconds: def.cache_ttl_seconds, ..spec },
                    };
                    ActionSpec { opt_in: def.opt_in.unwrap_or(spec.opt_in), ..spec }
                })
                .collect();
            for a in &specs {
                actions.insert(a.name.clone(), a.clone());
            }
            let built = cfg
                .http
                .get(&def.name)
                .map(|deployment| HttpClient::new(def, Some(deployment)).map(|c| Arc::new(c) as Arc<dyn Connector>).map_err(|e| e.to_string()));
            entries.insert(
                def.name.clone(),
                Entry {
                    title: def.title.clone().unwrap_or_else(|| if def.description.is_empty() { def.name.clone() } else { def.description.clone() }),
                    origin: Origin::Http(Box::new(def.clone())),
                    actions: specs,
                    built,
                    example: OnceLock::new(),
                },
            );
        }
        let mut deployment_fields = BTreeMap::new();
        for (connector, declared) in &cfg.field_classes {
            if !entries.contains_key(connector) {
                return Err(RegistryError::UnknownFieldClasses(connector.clone()));
            }
            let specs = declared.iter().map(|(path, class)| FieldSpec::new(path, *class, &fields::label_from_path(path))).collect();
            deployment_fields.insert(connector.clone(), specs);
        }
        Ok(Registry { entries, actions, deployment_fields, limits: cfg.limits.clone() })
    }

    /// The registry of a deployment without any connector set up.
    pub fn unconfigured() -> Registry {
        // Only an HTTP name clash can fail, and there are none here.
        Registry::build(&ConnectorsConfig::default(), &[]).unwrap_or_else(|_| Registry {
            entries: BTreeMap::new(),
            actions: BTreeMap::new(),
            deployment_fields: BTreeMap::new(),
            limits: BTreeMap::new(),
        })
    }

    /// Every action, by name.
    pub fn catalogue(&self) -> Vec<ActionSpec> {
        self.actions.values().cloned().collect()
    }

    pub fn action(&self, name: &str) -> Option<&ActionSpec> {
        self.actions.get(name)
    }

    /// What the value at `label` of `action`'s output is: the deployment's
    /// declaration for the connector first, then the action's own. `None`:
    /// nobody declared it, and the disclosure policy withholds it.
    pub fn field(&self, action: &str, label: &str) -> Option<&FieldSpec> {
        let spec = self.actions.get(action)?;
        self.deployment_fields.get(&spec.connector).and_then(|d| fields::find(d, label)).or_else(|| fields::find(&spec.fields, label))
    }

    /// The name of the value at `label` for people: the labels of its
    /// declared field and of the declared fields above it ("Owner" and
    /// "Account": "Owner account"); from the path where nothing is declared.
    pub fn title(&self, action: &str, label: &str) -> String {
        let path = fields::path_of(label);
        let spec = self.actions.get(action);
        let declared = |prefix: &str| {
            let exact = |list: &[FieldSpec]| list.iter().find(|f| f.path == prefix).map(|f| f.label.clone());
            spec.and_then(|s| self.deployment_fields.get(&s.connector).and_then(|d| exact(d))).or_else(|| spec.and_then(|s| exact(&s.fields)))
        };
        let segments: Vec<&str> = path.split('.').collect();
        let labels: Vec<String> = (1..=segments.len()).filter_map(|i| declared(&segments[..i].join("."))).collect();
        match labels.split_first() {
            None => fields::label_from_path(&path),
            Some((first, rest)) => std::iter::once(first.clone()).chain(rest.iter().map(|l| lower_first(l))).collect::<Vec<_>>().join(" "),
        }
    }

    /// The data class of a value (`Unclassified` when nobody declared it).
    pub fn class_of(&self, action: &str, label: &str) -> DataClass {
        self.field(action, label).map(|f| f.class).unwrap_or(DataClass::Unclassified)
    }

    /// The connectors, with whether each is set up.
    pub fn list(&self) -> Vec<ConnectorInfo> {
        self.entries
            .iter()
            .map(|(name, e)| ConnectorInfo {
                name: name.clone(),
                title: e.title.clone(),
                source: e.source(),
                availability: availability(e),
                actions: e.actions.iter().map(|a| a.name.clone()).collect(),
            })
            .collect()
    }

    /// The JSON Schema of a connector's settings (for docs and the app's form).
    pub fn config_schema(&self, connector: &str) -> Option<Value> {
        self.entries.get(connector).map(Entry::config_schema)
    }

    pub fn availability(&self, connector: &str) -> Option<Availability> {
        self.entries.get(connector).map(availability)
    }

    /// Whether `name` can be carried out here: its own connector, or the one
    /// it falls back to, is set up and working.
    pub fn ready(&self, name: &str) -> bool {
        self.resolve(name).is_ok_and(|(_, entry)| availability(entry) == Availability::Ready)
    }

    /// The action that will really be carried out for `name`, and its connector:
    /// itself, or its fallback when its own connector is not set up.
    fn resolve<'a>(&'a self, name: &'a str) -> Result<(&'a ActionSpec, &'a Entry), ConnectorError> {
        let spec = self.actions.get(name).ok_or_else(|| ConnectorError::new(ErrorKind::NotFound, format!("no connector offers the action {name}")))?;
        let entry = self.entries.get(&spec.connector).ok_or_else(|| ConnectorError::not_configured(&spec.connector))?;
        if entry.built.is_none()
            && let Some(fallback) = spec.fallback.as_deref().and_then(|f| self.actions.get(f))
            && let Some(other) = self.entries.get(&fallback.connector).filter(|e| e.built.is_some())
        {
            return Ok((fallback, other));
        }
        Ok((spec, entry))
    }

    /// The exact query `action` would send with these inputs. Where the
    /// connector is not set up, the query it would send with example settings.
    pub fn preview(&self, action: &str, input: &Input) -> String {
        let (spec, entry) = match self.resolve(action) {
            Ok(found) => found,
            Err(e) => return format!("({e})"),
        };
        let connector = match &entry.built {
            Some(Ok(c)) => c,
            other => match (entry.example(), other) {
                (Some(c), _) => c,
                (None, Some(Err(e))) => return format!("({e})"),
                (None, _) => return format!("({} has no example settings)", spec.connector),
            },
        };
        match connector.preview(&spec.name, input) {
            Ok(q) => q,
            Err(e) => format!("({e})"),
        }
    }

    /// Carries out `action`: not configured, broken and unknown actions are
    /// errors of their kind, never a panic.
    pub async fn call(&self, action: &str, input: &Input) -> Result<Option<Value>, ConnectorError> {
        let (spec, entry) = self.resolve(action)?;
        match &entry.built {
            None => Err(ConnectorError::not_configured(&spec.connector)),
            Some(Err(e)) => Err(ConnectorError::new(ErrorKind::NotConfigured, format!("connector {} is set up wrongly: {e}", spec.connector))),
            Some(Ok(c)) => c.call(&spec.name, input).await,
        }
    }

    /// `drawbridge connectors test NAME`: connect, authenticate, ask once.
    pub async fn test(&self, connector: &str) -> Result<String, ConnectorError> {
        let entry = self.entries.get(connector).ok_or_else(|| ConnectorError::new(ErrorKind::NotFound, format!("no connector is called {connector}")))?;
        match &entry.built {
            None => Err(ConnectorError::not_configured(connector)),
            Some(Err(e)) => Err(ConnectorError::new(ErrorKind::NotConfigured, format!("connector {connector} is set up wrongly: {e}"))),
            Some(Ok(c)) => c.test_connection().await,
        }
    }
}

/// "Account" → "account"; acronyms ("UPN", "DNS name") stay.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a.to_lowercase().chain(std::iter::once(b)).chain(chars).collect(),
        _ => label.to_string(),
    }
}

fn availability(e: &Entry) -> Availability {
    match &e.built {
        None => Availability::NotConfigured,
        Some(Err(reason)) => Availability::Broken(reason.clone()),
        Some(Ok(_)) => Availability::Ready,
    }
}

/// Carries out connector actions for the playbook runner. The registry is
/// the real one; tests put their own in its place to inject failures.
pub trait Executor: Send + Sync {
    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>>;

    /// Where a call to `action` goes and how long its answers keep (the
    /// action actually carried out, after any fallback). A stand-in that
    /// does not say is an internal system without a cache.
    fn terms(&self, _action: &str) -> CallTerms {
        CallTerms::default()
    }
}

/// What the runner must know of an action before calling it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallTerms {
    /// The service is outside the customer's network (the privacy guard applies).
    pub external: bool,
    /// Answers are reused this long for the same inputs.
    pub cache_ttl: Option<std::time::Duration>,
    /// The longest to wait when the service says "try again after".
    pub max_wait: Option<std::time::Duration>,
}

impl Executor for Registry {
    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(Registry::call(self, action, input))
    }

    fn terms(&self, action: &str) -> CallTerms {
        let Ok((spec, _)) = self.resolve(action) else { return CallTerms::default() };
        let limits = self.limits.get(&spec.connector);
        let ttl = limits.and_then(|l| l.cache_ttl_seconds).or(spec.cache_ttl_seconds).filter(|t| *t > 0);
        CallTerms {
            external: spec.external,
            cache_ttl: ttl.map(std::time::Duration::from_secs),
            max_wait: limits.and_then(|l| l.max_wait_seconds).map(std::time::Duration::from_secs),
        }
    }
}

/// A typed answer as the JSON output stored with the call.
pub fn output<T: Serialize>(answer: Option<T>) -> Result<Option<Value>, ConnectorError> {
    answer.map(|x| serde_json::to_value(x).map_err(|e| ConnectorError::new(ErrorKind::Internal, e.to_string()))).transpose()
}
