//! The `_search` client (reqwest over the engine's rustls configuration).

use super::config::ElasticConfig;
use super::query;
use drawbridge_model::Kind;
use drawbridge_net::tls;
use drawbridge_net::secrets;
use chrono::{DateTime, Utc};
pub use crate::sighting::Sighting;
use crate::sighting::{SourceSighting, iso_utc, merged_names, ranked};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SiemError {
    #[error("SIEM configuration: {0}")]
    Config(String),
    #[error("SIEM unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("SIEM answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("SIEM answer unreadable: {0}")]
    Answer(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

impl SiemError {
    /// Worth retrying: the network, timeouts, 429 and 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            SiemError::Unreachable(..) => true,
            SiemError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

#[derive(Clone)]
pub struct Elastic {
    http: reqwest::Client,
    cfg: ElasticConfig,
}

impl Elastic {
    pub fn new(cfg: &ElasticConfig) -> Result<Elastic, SiemError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(SiemError::Config)?;
        Ok(Elastic { http, cfg: cfg.clone() })
    }

    fn request(&self, path: &str) -> Result<reqwest::RequestBuilder, SiemError> {
        let url = format!("{}/{}", self.cfg.url.trim_end_matches('/'), path);
        let mut req = self.http.post(url);
        if let Some(secret) = &self.cfg.api_key_secret {
            req = req.header("Authorization", format!("ApiKey {}", secrets::resolve(secret)?));
        } else if let (Some(user), Some(secret)) = (&self.cfg.username, &self.cfg.password_secret) {
            req = req.basic_auth(user, Some(secrets::resolve(secret)?));
        }
        Ok(req)
    }

    /// One `_search`; the answer's text, or the error status with its body.
    async fn search(&self, body: &serde_json::Value) -> Result<String, SiemError> {
        let index = self.cfg.index.replace(['/', '?', '#', ' '], "");
        let response = self
            .request(&format!("{index}/_search"))?
            .json(body)
            .send()
            .await
            .map_err(|e| SiemError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| SiemError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        if !status.is_success() {
            return Err(SiemError::Status { status: status.as_u16(), body: text.chars().take(500).collect() });
        }
        Ok(text)
    }

    /// The newest `limit` events matching the indicator in the window;
    /// `None` when none does.
    pub async fn events(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>, limit: usize) -> Result<Option<crate::events::Events>, SiemError> {
        let Some(body) = query::events(&self.cfg, kind, value, start, end, limit) else { return Ok(None) };
        let text = self.search(&body).await?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| SiemError::Answer(e.to_string()))?;
        let total = v["hits"]["total"]["value"].as_u64().or_else(|| v["hits"]["total"].as_u64()).ok_or_else(|| SiemError::Answer("no hits.total".into()))?;
        if total == 0 {
            return Ok(None);
        }
        let pick = |doc: &serde_json::Value, path: &str| -> Option<String> {
            let found = path.split('.').try_fold(doc, |d, k| d.get(k)).or_else(|| doc.get(path))?;
            found.as_str().map(str::to_string).or_else(|| (!found.is_null()).then(|| found.to_string()))
        };
        // `host.name.keyword` names the same value as `host.name` in `_source`.
        let bare = |f: &str| f.strip_suffix(".keyword").unwrap_or(f).to_string();
        let (time, host, user) = (bare(&self.cfg.time_field), bare(&self.cfg.host_field), bare(&self.cfg.user_field));
        let events: Vec<crate::events::Event> = v["hits"]["hits"]
            .as_array()
            .map(|hits| {
                hits.iter()
                    .map(|h| {
                        let doc = &h["_source"];
                        crate::events::Event {
                            time: pick(doc, &time).unwrap_or_default(),
                            source: h["_index"].as_str().unwrap_or_default().to_string(),
                            host: pick(doc, &host),
                            user: pick(doc, &user),
                            line: doc.to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(crate::events::Events { total, truncated: total > events.len() as u64, events }))
    }

    /// How often the indicator occurs in the window; `None` when never.
    pub async fn sighting(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Option<Sighting>, SiemError> {
        let Some(body) = query::sighting(&self.cfg, kind, value, start, end) else { return Ok(None) };
        let (body, text) = match self.search(&body).await {
            // A breakdown field the cluster cannot aggregate (a text field):
            // ask again without the breakdowns rather than lose the answer.
            Err(SiemError::Status { status: 400, body: reason }) => {
                tracing::warn!(%reason, "the SIEM refused a breakdown aggregation; answering without breakdowns (check [connectors.siem.breakdowns])");
                let core = query::sighting_core(&self.cfg, kind, value, start, end).unwrap_or_default();
                let text = self.search(&core).await?;
                (core, text)
            }
            other => (body, other?),
        };
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| SiemError::Answer(e.to_string()))?;
        let hits = v["hits"]["total"]["value"].as_u64().or_else(|| v["hits"]["total"].as_u64()).ok_or_else(|| SiemError::Answer("no hits.total".into()))?;
        if hits == 0 {
            return Ok(None);
        }
        let aggs = &v["aggregations"];
        let breakdowns = self.cfg.effective_breakdowns();
        let cap = breakdowns.cap.max(1);
        // Keys are strings or numbers (ports); counts are doc_count.
        let buckets = |name: &str| -> Vec<(String, u64)> {
            aggs[name]["buckets"]
                .as_array()
                .map(|b| {
                    b.iter()
                        .filter_map(|x| {
                            let key = x["key_as_string"].as_str().map(str::to_string).or_else(|| match &x["key"] {
                                serde_json::Value::String(s) => Some(s.clone()),
                                serde_json::Value::Number(n) => Some(n.to_string()),
                                _ => None,
                            })?;
                            Some((key, x["doc_count"].as_u64()?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let when = |agg: &serde_json::Value| agg["value_as_string"].as_str().and_then(iso_utc);
        let count = |name: &str| aggs[name]["value"].as_u64().unwrap_or(0);
        let sources = aggs["sources"]["buckets"]
            .as_array()
            .map(|b| {
                b.iter()
                    .filter_map(|x| {
                        Some(SourceSighting {
                            source: x["key"].as_str()?.to_string(),
                            hits: x["doc_count"].as_u64()?,
                            first_seen: when(&x["first_seen"]),
                            last_seen: when(&x["last_seen"]),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let hosts = ranked(buckets("hosts"), cap);
        let users = ranked(buckets("users"), cap);
        let file_names = merged_names((0..breakdowns.file_names.len()).map(|i| buckets(&format!("file_names_{i}"))), cap);
        Ok(Some(Sighting {
            hits,
            first_seen: when(&aggs["first_seen"]),
            last_seen: when(&aggs["last_seen"]),
            sources,
            hosts_distinct: count("hosts_distinct").max(hosts.len() as u64),
            hosts,
            users_distinct: count("users_distinct").max(users.len() as u64),
            users,
            destination_ports: ranked(buckets("destination_ports"), cap),
            actions: ranked(buckets("actions"), cap),
            outcomes: ranked(buckets("outcomes"), cap),
            file_names,
            event_types: ranked(buckets("event_types"), cap),
            window: (start.to_rfc3339(), end.to_rfc3339()),
            query: body,
        }))
    }
}
