//! The REST v3 calls: create an issue, comment on it, attach a file.

use super::config::JiraConfig;
use drawbridge_net::{secrets, tls};
pub use crate::tickets::{Ticket, TicketNote};
use serde_json::{Value, json};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum JiraError {
    #[error("Jira configuration: {0}")]
    Config(String),
    #[error("Jira unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("Jira answered {status}: {message}")]
    Status { status: u16, message: String, retry_after: Option<Duration> },
    #[error("Jira answer unreadable: {0}")]
    Answer(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

#[derive(Clone)]
pub struct Jira {
    http: reqwest::Client,
    cfg: JiraConfig,
}

/// Text as an Atlassian Document: a paragraph per line (empty lines dropped,
/// as ADF text nodes must not be empty).
pub fn adf(text: &str) -> Value {
    let paragraphs: Vec<Value> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(|l| json!({ "type": "paragraph", "content": [{ "type": "text", "text": l }] }))
        .collect();
    let content = if paragraphs.is_empty() { vec![json!({ "type": "paragraph", "content": [{ "type": "text", "text": "-" }] })] } else { paragraphs };
    json!({ "type": "doc", "version": 1, "content": content })
}

/// A label as Jira accepts it: no spaces.
pub fn label(text: &str) -> String {
    text.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect()
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).map(Duration::from_secs)
}

impl Jira {
    pub fn new(cfg: &JiraConfig) -> Result<Jira, JiraError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(JiraError::Config)?;
        Ok(Jira { http, cfg: cfg.clone() })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/rest/api/3/{path}", self.cfg.url.trim_end_matches('/'))
    }

    /// The issue key as a path segment: `SEC-17` (letters, digits, `-`).
    fn key(key: &str) -> Result<&str, JiraError> {
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            Ok(key)
        } else {
            Err(JiraError::Config(format!("{key:?} is not a Jira issue key")))
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, JiraError> {
        let req = req.basic_auth(&self.cfg.email, Some(secrets::resolve(&self.cfg.token_secret)?)).header("Accept", "application/json");
        let resp = req.send().await.map_err(|e| JiraError::Unreachable(self.cfg.url.clone(), e.without_url().to_string()))?;
        let status = resp.status();
        let wait = retry_after(resp.headers());
        let text = resp.text().await.map_err(|e| JiraError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        if !status.is_success() {
            // {"errorMessages":[…],"errors":{field: message}}
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .map(|v| {
                    let mut parts: Vec<String> = v["errorMessages"].as_array().into_iter().flatten().filter_map(|m| m.as_str().map(str::to_string)).collect();
                    if let Some(errors) = v["errors"].as_object() {
                        parts.extend(errors.iter().map(|(k, m)| format!("{k}: {}", m.as_str().unwrap_or_default())));
                    }
                    parts.join("; ")
                })
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| text.chars().take(300).collect());
            return Err(JiraError::Status { status: status.as_u16(), message, retry_after: wait });
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| JiraError::Answer(e.to_string()))
    }

    /// The request body of a new issue (what `create` sends).
    pub fn issue_body(&self, summary: &str, description: &str, labels: &[String]) -> Value {
        let mut all: Vec<String> = self.cfg.labels.iter().chain(labels).map(|l| label(l)).filter(|l| !l.is_empty()).collect();
        all.dedup();
        // Jira caps a summary at 255 characters.
        let summary: String = summary.chars().filter(|c| !c.is_control()).take(255).collect();
        json!({ "fields": {
            "project": { "key": self.cfg.project },
            "issuetype": { "name": self.cfg.issue_type },
            "summary": summary,
            "labels": all,
            "description": adf(description),
        } })
    }

    pub async fn create(&self, summary: &str, description: &str, labels: &[String]) -> Result<Ticket, JiraError> {
        let answer = self.send(self.http.post(self.url("issue")).json(&self.issue_body(summary, description, labels))).await?;
        let key = answer["key"].as_str().ok_or_else(|| JiraError::Answer("no key in the created issue".into()))?.to_string();
        let id = answer["id"].as_str().map(str::to_string).unwrap_or_default();
        Ok(Ticket { url: format!("{}/browse/{key}", self.cfg.url.trim_end_matches('/')), key, id })
    }

    pub async fn comment(&self, key: &str, text: &str) -> Result<TicketNote, JiraError> {
        let key = Self::key(key)?;
        let answer = self.send(self.http.post(self.url(&format!("issue/{key}/comment"))).json(&json!({ "body": adf(text) }))).await?;
        Ok(TicketNote { key: key.into(), id: answer["id"].as_str().map(str::to_string).unwrap_or_default() })
    }

    pub async fn attach(&self, key: &str, filename: &str, content: &str) -> Result<TicketNote, JiraError> {
        let key = Self::key(key)?;
        let filename: String = filename.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
        let filename = if filename.is_empty() { "evidence.txt".to_string() } else { filename };
        let boundary = format!("drawbridge-{:016x}", rand_boundary());
        let mut body = Vec::new();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(content.as_bytes());
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .http
            .post(self.url(&format!("issue/{key}/attachments")))
            .header("X-Atlassian-Token", "no-check")
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        let answer = self.send(req).await?;
        let id = answer.as_array().and_then(|a| a.first()).and_then(|a| a["id"].as_str()).unwrap_or_default().to_string();
        Ok(TicketNote { key: key.into(), id })
    }

    /// Who the token belongs to (`GET /myself`): the connection test.
    pub async fn myself(&self) -> Result<String, JiraError> {
        let answer = self.send(self.http.get(self.url("myself"))).await?;
        Ok(answer["displayName"].as_str().or(answer["emailAddress"].as_str()).unwrap_or("the account").to_string())
    }
}

/// A boundary that does not occur in the text by accident.
fn rand_boundary() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    (nanos as u64) ^ 0x9e37_79b9_7f4a_7c15
}
