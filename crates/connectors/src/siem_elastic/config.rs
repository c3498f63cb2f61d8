use crate::sighting::Breakdowns;
use drawbridge_model::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// An Elasticsearch or OpenSearch cluster queried with `_search`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElasticConfig {
    /// Base URL, e.g. `https://siem.corp.example:9200`.
    pub url: String,
    /// Index pattern to search, e.g. `logs-*`.
    pub index: String,
    /// PEM bundle of the internal CA (for `https://`).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    /// Basic-auth user; the password comes from `password_secret`.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password_secret: Option<String>,
    /// Name of a secret holding an API key (sent as `Authorization: ApiKey …`).
    #[serde(default)]
    pub api_key_secret: Option<String>,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Fields to search per indicator kind. Default: ECS.
    #[serde(default = "default_fields")]
    pub fields: BTreeMap<Kind, Vec<String>>,
    /// Event time field.
    #[serde(default = "default_time_field")]
    pub time_field: String,
    /// Fields for the hosts and users breakdowns (keyword fields).
    #[serde(default = "default_host_field")]
    pub host_field: String,
    #[serde(default = "default_user_field")]
    pub user_field: String,
    /// The other breakdowns (per source, ports, actions…) and the list cap.
    /// Default: ECS, with `.keyword` on the text fields when `host_field`
    /// has it (a cluster with dynamic mappings).
    #[serde(default)]
    pub breakdowns: Option<Breakdowns>,
    /// Before `breakdowns.cap`: how many hosts and users to list.
    #[serde(default)]
    pub top: Option<usize>,
}

impl ElasticConfig {
    /// A cluster with every default: ECS fields, `@timestamp`, no auth.
    pub fn ecs(url: &str, index: &str) -> ElasticConfig {
        ElasticConfig {
            url: url.into(),
            index: index.into(),
            ca_file: None,
            allow_tls12: false,
            username: None,
            password_secret: None,
            api_key_secret: None,
            timeout_seconds: default_timeout(),
            fields: default_fields(),
            time_field: default_time_field(),
            host_field: default_host_field(),
            user_field: default_user_field(),
            breakdowns: None,
            top: None,
        }
    }
}

impl ElasticConfig {
    /// The breakdowns in effect: the configured ones, else ECS fitted to the
    /// cluster's mapping style.
    pub fn effective_breakdowns(&self) -> Breakdowns {
        if let Some(b) = &self.breakdowns {
            return b.clone();
        }
        let mut b = Breakdowns::ecs();
        if self.host_field.ends_with(".keyword") {
            let keyword = |f: &mut String| f.push_str(".keyword");
            for f in [&mut b.action, &mut b.outcome, &mut b.event_type].into_iter().flatten() {
                keyword(f);
            }
            b.file_names.iter_mut().for_each(keyword);
        }
        if let Some(top) = self.top {
            b.cap = top;
        }
        b
    }
}

fn default_timeout() -> u64 {
    30
}
fn default_time_field() -> String {
    "@timestamp".into()
}
fn default_host_field() -> String {
    "host.name".into()
}
fn default_user_field() -> String {
    "user.name".into()
}

/// Elastic Common Schema field names.
pub fn default_fields() -> BTreeMap<Kind, Vec<String>> {
    let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ip = f(&["source.ip", "destination.ip", "client.ip", "server.ip", "host.ip"]);
    BTreeMap::from([
        (Kind::Ipv4, ip.clone()),
        (Kind::Ipv6, ip),
        (Kind::Domain, f(&["url.domain", "destination.domain", "dns.question.name"])),
        (Kind::Url, f(&["url.original", "url.full"])),
        (Kind::Email, f(&["email.from.address", "email.to.address", "user.email"])),
        (Kind::Md5, f(&["file.hash.md5", "process.hash.md5"])),
        (Kind::Sha1, f(&["file.hash.sha1", "process.hash.sha1"])),
        (Kind::Sha256, f(&["file.hash.sha256", "process.hash.sha256"])),
        (Kind::Sha512, f(&["file.hash.sha512", "process.hash.sha512"])),
        (Kind::Hostname, f(&["host.name", "host.hostname"])),
        (Kind::Account, f(&["user.name"])),
        (Kind::Mac, f(&["host.mac", "source.mac", "destination.mac"])),
    ])
}
