//! The one configuration file shared by the app, the CLI and `drawbridge serve`.
//!
//! The structs here are the schema: every field is documented where it is
//! declared, unknown keys are rejected, and defaults live in small functions.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub indicators: IndicatorsConfig,
    #[serde(default)]
    pub senders: SendersConfig,
    #[serde(default)]
    pub intake: IntakeConfig,
    #[serde(default)]
    pub triage: TriageConfig,
    /// The customer's systems that playbooks query.
    #[serde(default)]
    pub connectors: ConnectorsConfig,
    /// Report templates.
    #[serde(default)]
    pub report: ReportConfig,
    /// Review rules.
    #[serde(default)]
    pub review: ReviewConfig,
    /// What may leave, per MSSP (`[[disclosure]]`); without one, the default policy.
    #[serde(default)]
    pub disclosure: Vec<crate::report::disclosure::DisclosurePolicy>,
    /// Where approved replies go out.
    #[serde(default)]
    pub outbound: Option<crate::outbound::OutboundConfig>,
    /// How requests are grouped into tasks.
    #[serde(default)]
    pub tasks: TasksConfig,
    /// Folder of playbook files. Default: the shipped `playbooks/`.
    #[serde(default)]
    pub playbooks_dir: Option<PathBuf>,
    /// Path of the SQLite database. Default: `drawbridge.db` in the platform data dir.
    /// Overridden by `--db` or `DRAWBRIDGE_DB`.
    #[serde(default)]
    pub database: Option<PathBuf>,
}

/// What counts as an indicator, and what never does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsConfig {
    /// Names under these domains are the customer's own hosts (`hostname`, never `domain`).
    #[serde(default)]
    pub internal_domains: Vec<String>,
    /// Regular expressions for short internal host names, matched against the whole token.
    #[serde(default)]
    pub hostname_patterns: Vec<String>,
    /// NetBIOS domain names: `CORP\user` is an `account` when `CORP` is listed.
    #[serde(default)]
    pub netbios_domains: Vec<String>,
    /// The MSSP's own domains (and their sub-domains): never indicators.
    #[serde(default)]
    pub exclude_domains: Vec<String>,
    /// Addresses that are never indicators, such as the gateway mailbox.
    #[serde(default)]
    pub exclude_addresses: Vec<String>,
}

impl Default for IndicatorsConfig {
    fn default() -> Self {
        IndicatorsConfig {
            internal_domains: vec!["corp.example".into(), "corp.example.local".into()],
            hostname_patterns: vec!["(?i)^(wks|lt|srv)-[a-z0-9-]+$".into()],
            netbios_domains: vec!["CORP".into()],
            exclude_domains: vec!["mssp.example.net".into()],
            exclude_addresses: vec!["mssp-requests@corp.example".into()],
        }
    }
}

/// Who may send requests, and how that is proven.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendersConfig {
    /// Sender domains allowed to send requests (exact match of the From domain).
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// Individual sender addresses allowed to send requests.
    #[serde(default)]
    pub allowed_addresses: Vec<String>,
    /// Require DMARC pass, from Drawbridge's own check or a trusted gateway's header.
    #[serde(default = "default_true")]
    pub require_dmarc: bool,
    /// authserv-ids whose `Authentication-Results` header is believed (RFC 8601).
    #[serde(default)]
    pub trusted_authserv_ids: Vec<String>,
    /// Verify DKIM/DMARC with DNS ourselves when no trusted header decides.
    #[serde(default = "default_true")]
    pub verify_dkim: bool,
}

fn default_true() -> bool {
    true
}

impl Default for SendersConfig {
    fn default() -> Self {
        SendersConfig {
            allowed_domains: vec!["mssp.example.net".into()],
            allowed_addresses: vec![],
            require_dmarc: true,
            trusted_authserv_ids: vec!["mx1.corp.example".into()],
            verify_dkim: true,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorsConfig {
    #[serde(default)]
    pub active_directory: Option<crate::connectors::active_directory::ActiveDirectoryConfig>,
    /// Elasticsearch / OpenSearch SIEM.
    #[serde(default)]
    pub siem: Option<crate::connectors::siem_elastic::ElasticConfig>,
    /// Splunk (REST export). `siem.sighting` uses it when no Elasticsearch SIEM is configured.
    #[serde(default)]
    pub splunk: Option<crate::connectors::siem_splunk::SplunkConfig>,
    /// Palo Alto firewall or Panorama (PAN-OS XML API).
    #[serde(default)]
    pub firewall: Option<crate::connectors::firewall_panos::PanOsConfig>,
    /// The asset inventory (CSV export or SQL database).
    #[serde(default)]
    pub asset_inventory: Option<crate::connectors::asset_inventory::AssetInventoryConfig>,
    /// Deployment settings of HTTP connectors (base URL, CA), by name.
    #[serde(default)]
    pub http: std::collections::BTreeMap<String, crate::connectors::http::HttpDeployment>,
    /// The HTTP connector definitions, read from `<playbooks_dir>/connectors/`.
    #[serde(skip)]
    pub http_definitions: Vec<crate::connectors::http::HttpConnector>,
    /// Per-connector limits, by connector name (`siem`, `firewall`, …).
    #[serde(default)]
    pub limits: std::collections::BTreeMap<String, ConnectorLimits>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// A folder with `report.txt.j2` and/or `report.html.j2` replacing the shipped templates.
    #[serde(default)]
    pub templates_dir: Option<PathBuf>,
    /// Also attach the sightings as a STIX 2.1 bundle, in the name of this organisation.
    #[serde(default)]
    pub stix_organisation: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// Request types whose replies need two different approvers.
    #[serde(default)]
    pub four_eyes: Vec<String>,
}

/// Grouping requests into tasks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TasksConfig {
    /// A request naming an indicator that an earlier request named within
    /// this many days joins that request's task (which is re-run with fresh data).
    pub link_window_days: u32,
}

impl Default for TasksConfig {
    fn default() -> Self {
        TasksConfig { link_window_days: 90 }
    }
}

/// How hard the runner may use one connector.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorLimits {
    /// Calls in flight at once (default 4).
    #[serde(default)]
    pub concurrency: Option<usize>,
    /// Calls started per second; further calls wait their turn.
    #[serde(default)]
    pub per_second: Option<f64>,
}

impl Config {
    pub fn playbooks_dir(&self) -> PathBuf {
        self.playbooks_dir.clone().unwrap_or_else(|| {
            let here = PathBuf::from("playbooks");
            if here.join("default.yaml").exists() { here } else { PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../playbooks")) }
        })
    }
}

/// How requests are typed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageConfig {
    /// The model decides alone when its top probability reaches this.
    #[serde(default = "default_threshold")]
    pub threshold: f32,
    /// Model file. Default: the promoted model in the data dir's `models/`
    /// (after `drawbridge retrain`), else the model shipped in `models/triage.bin`.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// Keyword rules (YAML). Default: the shipped `models/keywords.yaml`.
    #[serde(default)]
    pub keywords: Option<PathBuf>,
    /// The base training corpus and held-out split used by `drawbridge retrain`.
    /// Default: `models/corpus/` of the source tree.
    #[serde(default)]
    pub corpus_dir: Option<PathBuf>,
}

fn default_threshold() -> f32 {
    0.80
}

impl Default for TriageConfig {
    fn default() -> Self {
        TriageConfig { threshold: default_threshold(), model: None, keywords: None, corpus_dir: None }
    }
}

/// The repository's `models/` folder: beside the working directory when run
/// from a checkout, else where this crate was built from.
pub fn shipped_models_dir() -> PathBuf {
    let here = PathBuf::from("models");
    if here.join("keywords.yaml").exists() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models"))
}

/// Where retrained models are kept, with `current` naming the promoted one.
pub fn local_models_dir() -> PathBuf {
    data_dir().join("models")
}

impl TriageConfig {
    /// The model to use: configured, else promoted locally, else shipped.
    pub fn model_path(&self) -> PathBuf {
        if let Some(p) = &self.model {
            return p.clone();
        }
        let current = local_models_dir().join("current");
        if let Ok(name) = std::fs::read_to_string(&current) {
            let p = local_models_dir().join(name.trim());
            if p.exists() {
                return p;
            }
        }
        shipped_models_dir().join("triage.bin")
    }

    pub fn corpus_dir(&self) -> PathBuf {
        self.corpus_dir.clone().unwrap_or_else(|| shipped_models_dir().join("corpus"))
    }
}

/// Where requests come from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeConfig {
    /// Messages larger than this are quarantined unparsed (raw bytes kept).
    #[serde(default = "default_max_message_bytes")]
    pub max_message_bytes: usize,
    /// Watched drop folder for `.eml` files. Default: `inbox/` in the data dir.
    #[serde(default)]
    pub drop_folder: Option<PathBuf>,
    /// The gateway mailbox, watched over IMAP when set.
    #[serde(default)]
    pub imap: Option<ImapConfig>,
}

pub fn default_max_message_bytes() -> usize {
    25 * 1024 * 1024
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (IMAPS, usually port 993).
    Implicit,
    /// Plain connection upgraded with STARTTLS (usually port 143); refused if the server does not offer it.
    Starttls,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    #[serde(default = "default_imap_port")]
    pub port: u16,
    #[serde(default = "default_tls_mode")]
    pub tls: TlsMode,
    /// PEM file of CA certificates to trust instead of the public web roots (internal PKI).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Allow TLS 1.2 when the server cannot do 1.3 (TLS 1.3 only by default).
    #[serde(default)]
    pub allow_tls12: bool,
    pub username: String,
    /// Name of the secret holding the password (env var `DRAWBRIDGE_SECRET_<NAME>`,
    /// or a line `NAME=value` in the 0600 secrets file). Never the password itself.
    pub password_secret: String,
    #[serde(default = "default_mailbox")]
    pub mailbox: String,
    /// Move processed messages here (created if missing); otherwise they are only flagged \Seen.
    #[serde(default)]
    pub processed_mailbox: Option<String>,
    /// Seconds between polls when the server has no IDLE; also the IDLE refresh bound.
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u64,
}

fn default_imap_port() -> u16 {
    993
}
fn default_tls_mode() -> TlsMode {
    TlsMode::Implicit
}
fn default_mailbox() -> String {
    "INBOX".into()
}
fn default_poll_seconds() -> u64 {
    60
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid config file {path}: {source}")]
    Parse { path: PathBuf, source: Box<toml::de::Error> },
    #[error(transparent)]
    HttpConnector(#[from] crate::connectors::http::definition::DefinitionError),
}

impl Config {
    /// Reads `path`, or the platform config file when `path` is `None` and one
    /// exists, or the built-in defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => match default_config_path() {
                Some(p) if p.exists() => p,
                _ => return Config::default().with_http_connectors(),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path: path.clone(), source })?;
        Config::from_toml(&text).map_err(|source| ConfigError::Parse { path, source: Box::new(source) })?.with_http_connectors()
    }

    /// Reads the HTTP connector definitions from `<playbooks_dir>/connectors/`.
    pub fn with_http_connectors(mut self) -> Result<Config, ConfigError> {
        self.connectors.http_definitions = crate::connectors::http::HttpConnector::load_dir(&self.playbooks_dir().join("connectors"))?;
        Ok(self)
    }

    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// The database path: explicit override, then the config file, then the data dir.
    pub fn database_path(&self, override_path: Option<&Path>) -> PathBuf {
        override_path
            .map(Path::to_path_buf)
            .or_else(|| self.database.clone())
            .unwrap_or_else(|| data_dir().join("drawbridge.db"))
    }

    pub fn drop_folder(&self) -> PathBuf {
        self.intake.drop_folder.clone().unwrap_or_else(|| data_dir().join("inbox"))
    }
}

impl Default for IntakeConfig {
    fn default() -> Self {
        IntakeConfig { max_message_bytes: default_max_message_bytes(), drop_folder: None, imap: None }
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("net", "Drawbridge", "drawbridge")
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("drawbridge.toml"))
}

pub fn data_dir() -> PathBuf {
    project_dirs().map(|d| d.data_dir().to_path_buf()).unwrap_or_else(|| PathBuf::from(".drawbridge"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_example_parses() {
        let cfg = Config::from_toml(
            r#"
[indicators]
internal_domains  = ["corp.example", "corp.example.local"]
hostname_patterns = ['(?i)^(wks|lt|srv)-[a-z0-9-]+$']
netbios_domains   = ["CORP"]
exclude_domains   = ["mssp.example.net"]
exclude_addresses = ["mssp-requests@corp.example"]
[senders]
allowed_domains   = ["mssp.example.net"]
allowed_addresses = []
require_dmarc     = true
trusted_authserv_ids = ["mx1.corp.example"]
"#,
        )
        .expect("parses");
        assert_eq!(cfg.indicators.netbios_domains, vec!["CORP"]);
        assert!(cfg.senders.require_dmarc);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_toml("[senders]\nallowed_domain = [\"x\"]\n").expect_err("typo must fail");
        assert!(err.to_string().contains("allowed_domain"), "{err}");
    }
}
