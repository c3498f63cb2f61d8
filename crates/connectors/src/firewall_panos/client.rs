//! The PAN-OS XML API client: submit a log query (an asynchronous job), poll
//! it until it finishes, read the entries. Replies are parsed as XML and the
//! `status` attribute decides, whatever the HTTP code says.

use super::config::PanOsConfig;
use super::query::{self, FilterError};
use drawbridge_model::Kind;
use drawbridge_net::tls;
use drawbridge_net::secrets;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum PanOsError {
    #[error("firewall configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error("firewall unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("firewall refused the API key: {0}")]
    Auth(String),
    #[error("firewall error (code {code}): {message}")]
    Api { code: String, message: String },
    #[error("the log job {0} did not finish within {1} s")]
    JobTimeout(String, u64),
    #[error("firewall reply unreadable: {0}")]
    Reply(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

impl PanOsError {
    pub fn is_transient(&self) -> bool {
        matches!(self, PanOsError::Unreachable(..) | PanOsError::JobTimeout(..))
            || matches!(self, PanOsError::Api { code, .. } if ["2", "3", "4", "5", "22"].contains(&code.as_str()))
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Sessions {
    #[schemars(extend("x-class" = "activity", "x-label" = "Log type"))]
    pub log_type: String,
    #[schemars(extend("x-class" = "activity", "x-label" = "Log entries"))]
    pub count: usize,
    /// The device returned as many logs as asked for: there may be more.
    pub truncated: bool,
    #[schemars(extend("x-class" = "activity", "x-label" = "First seen"))]
    pub first_seen: Option<String>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Last seen"))]
    pub last_seen: Option<String>,
    #[schemars(extend("x-class" = "internal_ip", "x-label" = "Source addresses"))]
    pub sources: Vec<(String, usize)>,
    #[schemars(extend("x-class" = "internal_ip", "x-label" = "Destination addresses"))]
    pub destinations: Vec<(String, usize)>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Destination ports"))]
    pub ports: Vec<(String, usize)>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Actions"))]
    pub actions: BTreeMap<String, usize>,
    #[schemars(extend("x-class" = "activity", "x-label" = "Security rules"))]
    pub rules: Vec<(String, usize)>,
    pub window: (String, String),
    /// The exact filter sent (provenance).
    pub filter: String,
}

#[derive(Clone)]
pub struct PanOs {
    http: reqwest::Client,
    cfg: PanOsConfig,
}

impl PanOs {
    pub fn new(cfg: &PanOsConfig) -> Result<PanOs, PanOsError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(PanOsError::Config)?;
        Ok(PanOs { http, cfg: cfg.clone() })
    }

    /// POSTs a form to `/api/` and returns the parsed `<result>` on success.
    async fn call(&self, form: &[(&str, String)]) -> Result<String, PanOsError> {
        let url = format!("{}/api/", self.cfg.url.trim_end_matches('/'));
        let key = secrets::resolve(&self.cfg.api_key_secret)?;
        let response = self
            .http
            .post(&url)
            .header("X-PAN-KEY", key)
            .form(form)
            .send()
            .await
            .map_err(|e| PanOsError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        let http_status = response.status();
        let text = response.text().await.map_err(|e| PanOsError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        let doc = roxmltree::Document::parse(&text).map_err(|e| {
            if http_status.is_server_error() {
                PanOsError::Unreachable(self.cfg.url.clone(), format!("HTTP {http_status}"))
            } else {
                PanOsError::Reply(e.to_string())
            }
        })?;
        let root = doc.root_element();
        if root.attribute("status") != Some("success") {
            let code = root.attribute("code").unwrap_or("").to_string();
            let message: String = root.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
            return Err(if code == "403" { PanOsError::Auth(message) } else { PanOsError::Api { code, message } });
        }
        Ok(text)
    }

    /// Sessions involving the indicator in the window; `None` when there are none.
    pub async fn sessions(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Option<Sessions>, PanOsError> {
        let q = query::log_query(kind, value, start, end, self.cfg.device_utc_offset_minutes)?;
        let nlogs = self.cfg.nlogs.clamp(1, 5000);
        let submitted = self
            .call(&[("type", "log".into()), ("log-type", q.log_type.into()), ("query", q.filter.clone()), ("nlogs", nlogs.to_string()), ("skip", "0".into())])
            .await?;
        let doc = roxmltree::Document::parse(&submitted).map_err(|e| PanOsError::Reply(e.to_string()))?;
        let job = doc.descendants().find(|n| n.has_tag_name("job")).and_then(|n| n.text()).map(str::trim).filter(|j| !j.is_empty()).ok_or_else(|| PanOsError::Reply("no job id in the reply".into()))?.to_string();
        let deadline = Instant::now() + Duration::from_secs(self.cfg.max_wait_seconds.max(1));
        let finished = loop {
            let reply = self.call(&[("type", "log".into()), ("action", "get".into()), ("job-id", job.clone())]).await?;
            let status = {
                let doc = roxmltree::Document::parse(&reply).map_err(|e| PanOsError::Reply(e.to_string()))?;
                doc.descendants().find(|n| n.has_tag_name("status")).and_then(|n| n.text()).unwrap_or("").trim().to_string()
            };
            if status == "FIN" {
                break reply;
            }
            if Instant::now() >= deadline {
                return Err(PanOsError::JobTimeout(job, self.cfg.max_wait_seconds));
            }
            tokio::time::sleep(Duration::from_millis(self.cfg.poll_interval_ms.max(50))).await;
        };
        let doc = roxmltree::Document::parse(&finished).map_err(|e| PanOsError::Reply(e.to_string()))?;
        let entries: Vec<HashMap<&str, &str>> = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .map(|e| e.children().filter(|c| c.is_element()).map(|c| (c.tag_name().name(), c.text().unwrap_or("").trim())).collect())
            .collect();
        if entries.is_empty() {
            return Ok(None);
        }
        let offset = ChronoDuration::minutes(self.cfg.device_utc_offset_minutes as i64);
        let to_utc = |t: &str| NaiveDateTime::parse_from_str(t, "%Y/%m/%d %H:%M:%S").ok().map(|n| (n.and_utc() - offset).to_rfc3339());
        let mut times: Vec<String> = entries.iter().filter_map(|e| e.get("time_generated").or(e.get("receive_time")).and_then(|t| to_utc(t))).collect();
        times.sort();
        let top = |field: &str| {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for e in &entries {
                if let Some(v) = e.get(field).filter(|v| !v.is_empty()) {
                    *counts.entry(v.to_string()).or_default() += 1;
                }
            }
            let mut v: Vec<(String, usize)> = counts.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(5);
            v
        };
        Ok(Some(Sessions {
            log_type: q.log_type.into(),
            count: entries.len(),
            truncated: entries.len() as u32 >= nlogs,
            first_seen: times.first().cloned(),
            last_seen: times.last().cloned(),
            sources: top("src"),
            destinations: top("dst"),
            ports: top("dport"),
            actions: top("action").into_iter().collect(),
            rules: top("rule"),
            window: (start.to_rfc3339(), end.to_rfc3339()),
            filter: q.filter,
        }))
    }
}
