//! `POST /services/search/jobs/export` with `output_mode=json`: the answer
//! streams back as NDJSON. Preview rows are skipped, `messages` of type
//! ERROR or FATAL are errors, values arrive as strings.

use super::config::SplunkConfig;
use super::query::{self, SplError};
use crate::events::{Event, Events};
use crate::sighting::{Sighting, SourceSighting, iso_epoch, merged_names, ranked};
use drawbridge_model::Kind;
use drawbridge_net::tls;
use drawbridge_net::secrets;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SplunkError {
    #[error("Splunk configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Query(#[from] SplError),
    #[error("Splunk unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("Splunk answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("Splunk reported: {0}")]
    Search(String),
    #[error("Splunk answer unreadable: {0}")]
    Answer(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

impl SplunkError {
    pub fn is_transient(&self) -> bool {
        match self {
            SplunkError::Unreachable(..) => true,
            SplunkError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

#[derive(Clone)]
pub struct Splunk {
    http: reqwest::Client,
    cfg: SplunkConfig,
}

/// The text of Splunk's `{"messages":[{"type","text"}]}` of the given severities.
fn messages(v: &serde_json::Value, severities: &[&str]) -> Vec<String> {
    v["messages"]
        .as_array()
        .map(|m| m.iter().filter(|x| x["type"].as_str().is_some_and(|t| severities.contains(&t))).filter_map(|x| x["text"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn epoch(v: &serde_json::Value) -> Option<f64> {
    v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_f64())
}

impl Splunk {
    pub fn new(cfg: &SplunkConfig) -> Result<Splunk, SplunkError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(SplunkError::Config)?;
        Ok(Splunk { http, cfg: cfg.clone() })
    }

    /// Runs `spl` over the window through the export endpoint: the NDJSON
    /// text, or Splunk's error.
    async fn export(&self, spl: &str, earliest: &str, latest: &str) -> Result<String, SplunkError> {
        let url = format!("{}/services/search/jobs/export", self.cfg.url.trim_end_matches('/'));
        let mut req = self.http.post(&url).form(&[("search", spl), ("earliest_time", earliest), ("latest_time", latest), ("output_mode", "json")]);
        if let Some(secret) = &self.cfg.token_secret {
            req = req.bearer_auth(secrets::resolve(secret)?);
        } else if let (Some(user), Some(secret)) = (&self.cfg.username, &self.cfg.password_secret) {
            req = req.basic_auth(user, Some(secrets::resolve(secret)?));
        }
        let resp = req.send().await.map_err(|e| SplunkError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| SplunkError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        if !status.is_success() {
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .map(|v| messages(&v, &["WARN", "ERROR", "FATAL"]).join("; "))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| text.chars().take(300).collect());
            return Err(SplunkError::Status { status: status.as_u16(), message });
        }
        Ok(text)
    }

    /// The final result rows of an export answer (previews skipped), or the
    /// search's ERROR/FATAL messages.
    fn rows(text: &str) -> Result<Vec<serde_json::Value>, SplunkError> {
        let mut out = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| SplunkError::Answer(format!("{e} in {:?}", line.chars().take(80).collect::<String>())))?;
            let errors = messages(&v, &["ERROR", "FATAL"]);
            if !errors.is_empty() {
                return Err(SplunkError::Search(errors.join("; ")));
            }
            if v["preview"].as_bool() == Some(true) {
                continue;
            }
            out.extend(v.get("result").map(|r| vec![r.clone()]).or_else(|| v["results"].as_array().cloned()).unwrap_or_default());
        }
        Ok(out)
    }

    /// How often the indicator occurs in the window; `None` when never.
    pub async fn sighting(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Option<Sighting>, SplunkError> {
        let Some(spl) = query::sighting(&self.cfg, kind, value)? else { return Ok(None) };
        let (earliest, latest) = (start.timestamp().to_string(), end.timestamp().to_string());
        let text = self.export(&spl, &earliest, &latest).await?;
        let by = query::group_fields(&self.cfg);
        let (mut hits, mut first, mut last) = (0u64, f64::MAX, f64::MIN);
        // Per group field: value → count; per source: (hits, first, last).
        let mut tallies: Vec<HashMap<String, u64>> = vec![HashMap::new(); by.len()];
        let mut sources: HashMap<String, (u64, f64, f64)> = HashMap::new();
        for r in Self::rows(&text)? {
            let count = r["count"].as_str().and_then(|c| c.parse::<u64>().ok()).or_else(|| r["count"].as_u64()).unwrap_or(0);
            hits += count;
            let (f, l) = (epoch(&r["first_seen"]), epoch(&r["last_seen"]));
            if let Some(f) = f {
                first = first.min(f);
            }
            if let Some(l) = l {
                last = last.max(l);
            }
            for (field, tally) in by.iter().zip(tallies.iter_mut()) {
                if let Some(value) = r[*field].as_str().filter(|n| !n.is_empty()) {
                    *tally.entry(value.to_string()).or_default() += count;
                }
            }
            if let Some(source) = r[by[0]].as_str().filter(|s| !s.is_empty()) {
                let s = sources.entry(source.to_string()).or_insert((0, f64::MAX, f64::MIN));
                s.0 += count;
                s.1 = s.1.min(f.unwrap_or(f64::MAX));
                s.2 = s.2.max(l.unwrap_or(f64::MIN));
            }
        }
        if hits == 0 {
            return Ok(None);
        }
        let b = &self.cfg.breakdowns;
        let cap = self.cfg.top.unwrap_or(b.cap).max(1);
        let tally = |field: Option<&String>| -> Vec<(String, u64)> {
            field.and_then(|f| field_position(&by, f)).map(|i| tallies[i].clone().into_iter().collect()).unwrap_or_default()
        };
        let distinct = |field: &String| field_position(&by, field).map_or(0, |i| tallies[i].len() as u64);
        let mut sources: Vec<SourceSighting> = sources
            .into_iter()
            .map(|(source, (hits, f, l))| SourceSighting {
                source,
                hits,
                first_seen: (f < f64::MAX).then(|| iso_epoch(f)).flatten(),
                last_seen: (l > f64::MIN).then(|| iso_epoch(l)).flatten(),
            })
            .collect();
        sources.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.source.cmp(&b.source)));
        Ok(Some(Sighting {
            hits,
            first_seen: (first < f64::MAX).then(|| iso_epoch(first)).flatten(),
            last_seen: (last > f64::MIN).then(|| iso_epoch(last)).flatten(),
            sources,
            hosts: ranked(tally(Some(&self.cfg.host_field)), cap),
            hosts_distinct: distinct(&self.cfg.host_field),
            users: ranked(tally(Some(&self.cfg.user_field)), cap),
            users_distinct: distinct(&self.cfg.user_field),
            destination_ports: ranked(tally(b.destination_port.as_ref()), cap),
            actions: ranked(tally(b.action.as_ref()), cap),
            outcomes: ranked(tally(b.outcome.as_ref()), cap),
            file_names: merged_names(b.file_names.iter().map(|f| tally(Some(f))), cap),
            event_types: ranked(tally(b.event_type.as_ref()), cap),
            window: (start.to_rfc3339(), end.to_rfc3339()),
            query: serde_json::json!({ "search": spl, "earliest_time": earliest, "latest_time": latest }),
        }))
    }

    /// The newest `limit` events matching the indicator in the window,
    /// with the true total; `None` when there are none.
    pub async fn events(&self, kind: Kind, value: &str, start: DateTime<Utc>, end: DateTime<Utc>, limit: usize) -> Result<Option<Events>, SplunkError> {
        let Some(spl) = query::events(&self.cfg, kind, value, limit)? else { return Ok(None) };
        let text = self.export(&spl, &start.timestamp().to_string(), &end.timestamp().to_string()).await?;
        let rows = Self::rows(&text)?;
        let text_of = |r: &serde_json::Value, f: &str| r[f].as_str().filter(|s| !s.is_empty()).map(str::to_string);
        let total = rows.first().and_then(|r| epoch(&r[query::TOTAL_FIELD])).map_or(rows.len() as u64, |n| n as u64);
        let events: Vec<Event> = rows
            .iter()
            .take(limit)
            .map(|r| Event {
                // `_time` is ISO 8601 with the server's offset (or epoch seconds).
                time: r["_time"]
                    .as_str()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .or_else(|| epoch(&r["_time"]).and_then(iso_epoch))
                    .unwrap_or_default(),
                source: text_of(r, "index").or_else(|| text_of(r, "sourcetype")).unwrap_or_default(),
                host: text_of(r, &self.cfg.host_field),
                user: text_of(r, &self.cfg.user_field),
                line: text_of(r, "_raw").unwrap_or_default(),
            })
            .collect();
        if events.is_empty() {
            return Ok(None);
        }
        Ok(Some(Events { total, truncated: total > events.len() as u64, events }))
    }
}

fn field_position(by: &[&str], field: &str) -> Option<usize> {
    by.iter().position(|x| *x == field)
}
