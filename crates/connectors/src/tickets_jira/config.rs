use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A Jira Cloud site (or Data Center with the v3 API) and the project the
/// team's investigations go to.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JiraConfig {
    /// `https://corp.atlassian.net`.
    pub url: String,
    /// The account's e-mail address (Basic authentication with its API token).
    pub email: String,
    /// Name of the secret holding the API token.
    pub token_secret: String,
    /// The project key (`SEC`).
    pub project: String,
    /// The issue type of an investigation.
    #[serde(default = "default_issue_type")]
    pub issue_type: String,
    /// Labels every ticket gets (besides the indicator's own).
    #[serde(default = "crate::tickets::default_labels")]
    pub labels: Vec<String>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_issue_type() -> String {
    "Task".into()
}
fn default_timeout() -> u64 {
    30
}
