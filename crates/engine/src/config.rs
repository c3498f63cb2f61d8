//! The one configuration file shared by the app, the CLI and `drawbridge serve`.
//!
//! This module only gathers the sections: each is declared, documented and
//! defaulted by the module it configures (`[indicators]` in `indicators`,
//! `[connectors]` in `drawbridge-connectors`, …). Only the sections of the
//! wiring above this module (`[review]`, `[tasks]`) are declared here.
//! Unknown keys are rejected. Loading reads the one TOML file and nothing
//! else; the connector and playbook files are read by `deployment`.

use crate::classify::{ClassifiersConfig, TriageConfig};
use crate::connectors::ConnectorsConfig;
use crate::indicators::IndicatorsConfig;
use crate::intake::IntakeConfig;
use crate::outbound::OutboundConfig;
use crate::paths::{data_dir, default_config_path, local_models_dir, rdap_bootstrap_dir, shipped_playbooks_dir};
use crate::report::ReportConfig;
use crate::report::disclosure::DisclosurePolicy;
use crate::sender::SendersConfig;
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
    /// Analysts, teams and the rules that hand requests to them.
    #[serde(default)]
    pub assignment: crate::assign::AssignmentConfig,
    /// Classifiers besides the request type (`[classifiers.<name>]`); default: `priority`.
    #[serde(default)]
    pub classifiers: ClassifiersConfig,
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
    pub disclosure: Vec<DisclosurePolicy>,
    /// Where approved replies go out.
    #[serde(default)]
    pub outbound: Option<OutboundConfig>,
    /// How requests are grouped into tasks.
    #[serde(default)]
    pub tasks: TasksConfig,
    /// How much work one request may make.
    #[serde(default)]
    pub limits: crate::limits::LimitsConfig,
    /// Threat intel: the customer's own networks, the verdict rules.
    #[serde(default)]
    pub intel: crate::intel::IntelConfig,
    /// How the Insights screen counts analyst time saved.
    #[serde(default)]
    pub insights: crate::insights::InsightsConfig,
    /// The embedded demo: simulators in place of the servers (`[demo]`).
    #[serde(default)]
    pub demo: Option<crate::demo::DemoConfig>,
    /// Folder of playbook files. Default: the shipped `playbooks/`.
    #[serde(default)]
    pub playbooks_dir: Option<PathBuf>,
    /// Path of the SQLite database. Default: `drawbridge.db` in the platform data dir.
    /// Overridden by `--db` or `DRAWBRIDGE_DB`.
    #[serde(default)]
    pub database: Option<PathBuf>,
}

/// `[review]`: review rules.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// Request types whose replies need two different approvers.
    #[serde(default)]
    pub four_eyes: Vec<String>,
}

/// `[tasks]`: grouping requests into tasks.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid config file {path}: {source}")]
    Parse { path: PathBuf, source: Box<toml::de::Error> },
}

impl Config {
    /// Reads `path`, or the platform config file when `path` is `None` and one
    /// exists, or the built-in defaults; retrained models promoted in the
    /// data dir are used (unlike a `Config` built in code).
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => match default_config_path() {
                Some(p) if p.exists() => p,
                _ => return Ok(Config::default().deployed()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path: path.clone(), source })?;
        Ok(Config::from_toml(&text).map_err(|source| ConfigError::Parse { path, source: Box::new(source) })?.deployed())
    }

    /// This configuration as a real deployment uses it: with its promoted models.
    fn deployed(mut self) -> Config {
        self.triage.promoted_models = Some(local_models_dir());
        for (name, c) in self.classifiers.0.iter_mut() {
            c.promoted_models = Some(local_models_dir().join(name));
        }
        // Updated RDAP bootstrap files live in the data dir unless the
        // deployment names another folder.
        if let Some(serde_json::Value::Object(rdap)) = self.connectors.sections.get_mut("rdap") {
            rdap.entry("bootstrap_dir").or_insert_with(|| serde_json::Value::String(rdap_bootstrap_dir().display().to_string()));
        }
        self
    }

    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn playbooks_dir(&self) -> PathBuf {
        self.playbooks_dir.clone().unwrap_or_else(shipped_playbooks_dir)
    }

    /// The database path: explicit override, then the config file, then the data dir.
    pub fn database_path(&self, override_path: Option<&Path>) -> PathBuf {
        override_path.map(Path::to_path_buf).or_else(|| self.database.clone()).unwrap_or_else(|| data_dir().join("drawbridge.db"))
    }

    pub fn drop_folder(&self) -> PathBuf {
        self.intake.drop_folder.clone().unwrap_or_else(|| data_dir().join("inbox"))
    }
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
