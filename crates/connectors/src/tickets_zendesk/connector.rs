//! Zendesk in the registry: `zendesk.create_ticket`, `zendesk.comment`,
//! `zendesk.attach`, the same contract as Jira's, so escalation can use
//! either. The team's own system: an internal connector.

use crate::error::ConnectorError;
use crate::tickets::{input, list};
use crate::registry::{ActionSpec, Connector, Input, output};
use crate::tickets::{Ticket, TicketNote};
use drawbridge_model::ErrorKind;
use drawbridge_net::{secrets, tls};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A Zendesk Support account.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZendeskConfig {
    /// `https://corp.zendesk.com`.
    pub url: String,
    /// The agent's e-mail address (API token authentication: `{email}/token`).
    pub email: String,
    /// Name of the secret holding the API token.
    pub token_secret: String,
    /// Priority of an investigation (`urgent`, `high`, `normal`, `low`).
    #[serde(default = "default_priority")]
    pub priority: String,
    /// Tags every ticket gets (besides the indicator's own).
    #[serde(default = "crate::tickets::default_labels")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_tls12: bool,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_priority() -> String {
    "high".into()
}
fn default_timeout() -> u64 {
    30
}

#[derive(Debug, thiserror::Error)]
pub enum ZendeskError {
    #[error("Zendesk configuration: {0}")]
    Config(String),
    #[error("Zendesk unreachable at {0}: {1}")]
    Unreachable(String, String),
    #[error("Zendesk answered {status}: {message}")]
    Status { status: u16, message: String, retry_after: Option<Duration> },
    #[error("Zendesk answer unreadable: {0}")]
    Answer(String),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

#[derive(Clone)]
pub struct Zendesk {
    http: reqwest::Client,
    cfg: ZendeskConfig,
}

/// A tag as Zendesk keeps it: lower case, no spaces.
pub fn tag(text: &str) -> String {
    text.trim().to_lowercase().chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect()
}

impl Zendesk {
    pub fn new(cfg: &ZendeskConfig) -> Result<Zendesk, ZendeskError> {
        let http = tls::http_client(cfg.ca_file.as_deref(), cfg.allow_tls12, Duration::from_secs(cfg.timeout_seconds.max(1))).map_err(ZendeskError::Config)?;
        Ok(Zendesk { http, cfg: cfg.clone() })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v2/{path}", self.cfg.url.trim_end_matches('/'))
    }

    fn id(key: &str) -> Result<u64, ZendeskError> {
        key.trim().parse().map_err(|_| ZendeskError::Config(format!("{key:?} is not a Zendesk ticket id")))
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, ZendeskError> {
        let user = format!("{}/token", self.cfg.email);
        let req = req.basic_auth(user, Some(secrets::resolve(&self.cfg.token_secret)?)).header("Accept", "application/json");
        let resp = req.send().await.map_err(|e| ZendeskError::Unreachable(self.cfg.url.clone(), e.without_url().to_string()))?;
        let status = resp.status();
        let wait = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).map(Duration::from_secs);
        let text = resp.text().await.map_err(|e| ZendeskError::Unreachable(self.cfg.url.clone(), e.to_string()))?;
        if !status.is_success() {
            // {"error":"RecordInvalid","description":…,"details":{field:[{"description"}]}}; a 429 may be plain text.
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .map(|v| {
                    let mut parts: Vec<String> = [&v["error"], &v["description"]].iter().filter_map(|x| x.as_str().map(str::to_string)).collect();
                    if let Some(details) = v["details"].as_object() {
                        for (field, list) in details {
                            for d in list.as_array().into_iter().flatten() {
                                parts.push(format!("{field}: {}", d["description"].as_str().unwrap_or_default()));
                            }
                        }
                    }
                    parts.join("; ")
                })
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| text.chars().take(300).collect());
            return Err(ZendeskError::Status { status: status.as_u16(), message, retry_after: wait });
        }
        serde_json::from_str(&text).map_err(|e| ZendeskError::Answer(e.to_string()))
    }

    /// The request body of a new ticket (what `create` sends).
    pub fn ticket_body(&self, subject: &str, body: &str, tags: &[String]) -> Value {
        let mut all: Vec<String> = self.cfg.tags.iter().chain(tags).map(|t| tag(t)).filter(|t| !t.is_empty()).collect();
        all.sort();
        all.dedup();
        let subject: String = subject.chars().filter(|c| !c.is_control()).take(250).collect();
        json!({ "ticket": { "subject": subject, "comment": { "body": body, "public": false }, "priority": self.cfg.priority, "tags": all } })
    }

    pub async fn create(&self, subject: &str, body: &str, tags: &[String]) -> Result<Ticket, ZendeskError> {
        let answer = self.send(self.http.post(self.url("tickets.json")).json(&self.ticket_body(subject, body, tags))).await?;
        let id = answer["ticket"]["id"].as_u64().ok_or_else(|| ZendeskError::Answer("no ticket.id".into()))?;
        Ok(Ticket { key: id.to_string(), id: id.to_string(), url: format!("{}/agent/tickets/{id}", self.cfg.url.trim_end_matches('/')) })
    }

    pub async fn comment(&self, key: &str, body: &str, uploads: &[String]) -> Result<TicketNote, ZendeskError> {
        let id = Self::id(key)?;
        let mut comment = json!({ "body": body, "public": false });
        if !uploads.is_empty() {
            comment["uploads"] = json!(uploads);
        }
        let answer = self.send(self.http.put(self.url(&format!("tickets/{id}.json"))).json(&json!({ "ticket": { "comment": comment } }))).await?;
        Ok(TicketNote { key: id.to_string(), id: answer["audit"]["id"].as_u64().map(|a| a.to_string()).unwrap_or_default() })
    }

    pub async fn attach(&self, key: &str, filename: &str, content: &str) -> Result<TicketNote, ZendeskError> {
        let filename: String = filename.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
        let filename = if filename.is_empty() { "evidence.txt".to_string() } else { filename };
        let upload = self
            .send(self.http.post(self.url("uploads.json")).query(&[("filename", filename.as_str())]).header("Content-Type", "application/binary").body(content.to_string()))
            .await?;
        let token = upload["upload"]["token"].as_str().ok_or_else(|| ZendeskError::Answer("no upload.token".into()))?.to_string();
        self.comment(key, &format!("Attached: {filename}"), &[token]).await
    }

    /// Who the token belongs to (`GET /users/me.json`): the connection test.
    pub async fn me(&self) -> Result<String, ZendeskError> {
        let answer = self.send(self.http.get(self.url("users/me.json"))).await?;
        Ok(answer["user"]["name"].as_str().unwrap_or("the agent").to_string())
    }
}

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "zendesk";
    const TITLE: &'static str = "Zendesk (tickets)";
    type Config = ZendeskConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![
            ActionSpec::new::<Ticket>(
                "zendesk.create_ticket",
                Self::NAME,
                "Opens a ticket with a subject, a private first comment and tags (comma-separated).",
                &[("summary", "the subject"), ("description", "the first, private comment"), ("labels", "comma-separated tags")],
            ),
            ActionSpec::new::<TicketNote>("zendesk.comment", Self::NAME, "Adds a private comment to a ticket.", &[("key", "the ticket id"), ("text", "the comment")]),
            ActionSpec::new::<TicketNote>(
                "zendesk.attach",
                Self::NAME,
                "Uploads a text file and attaches it to a private comment.",
                &[("key", "the ticket id"), ("filename", "the file's name"), ("content", "its text")],
            ),
        ]
    }

    fn example() -> ZendeskConfig {
        ZendeskConfig {
            url: "https://corp.zendesk.com".into(),
            email: "soc-bot@corp.example".into(),
            token_secret: "zendesk-token".into(),
            priority: default_priority(),
            tags: crate::tickets::default_labels(),
            ca_file: None,
            allow_tls12: false,
            timeout_seconds: 30,
        }
    }

    fn build(config: ZendeskConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(Zendesk::new(&config).map_err(|e| e.to_string())?))
    }
}

impl Connector for Zendesk {
    fn preview(&self, action: &str, i: &Input) -> Result<String, ConnectorError> {
        match action {
            "zendesk.create_ticket" => Ok(format!("POST /api/v2/tickets.json {}", self.ticket_body(input(i, "summary")?, input(i, "description")?, &list(i, "labels")))),
            "zendesk.comment" => Ok(format!("PUT /api/v2/tickets/{}.json (private comment)", input(i, "key")?)),
            "zendesk.attach" => Ok(format!("POST /api/v2/uploads.json?filename={}, then PUT /api/v2/tickets/{}.json", input(i, "filename")?, input(i, "key")?)),
            other => Err(ConnectorError::new(ErrorKind::NotFound, format!("{other} is not a Zendesk action"))),
        }
    }

    fn call<'a>(&'a self, action: &'a str, i: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            match action {
                "zendesk.create_ticket" => output(Some(self.create(input(i, "summary")?, input(i, "description")?, &list(i, "labels")).await.map_err(error)?)),
                "zendesk.comment" => output(Some(self.comment(input(i, "key")?, input(i, "text")?, &[]).await.map_err(error)?)),
                "zendesk.attach" => output(Some(self.attach(input(i, "key")?, input(i, "filename")?, input(i, "content")?).await.map_err(error)?)),
                other => Err(ConnectorError::new(ErrorKind::NotFound, format!("{other} is not a Zendesk action"))),
            }
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let who = self.me().await.map_err(error)?;
            Ok(format!("TLS and the API token accepted; signed in as {who}"))
        })
    }
}

fn error(e: ZendeskError) -> ConnectorError {
    let message = e.to_string();
    match e {
        ZendeskError::Status { status, retry_after, .. } => ConnectorError::from_status(status, message, retry_after),
        ZendeskError::Unreachable(..) => ConnectorError::unavailable(message, true),
        ZendeskError::Answer(_) => ConnectorError::unavailable(message, false),
        ZendeskError::Config(_) | ZendeskError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
