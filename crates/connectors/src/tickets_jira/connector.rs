//! Jira in the registry: `jira.create_issue`, `jira.comment`, `jira.attach`.
//! The team's own system, so it is an internal connector: the log lines of
//! an investigation may go there.

use super::{Jira, JiraConfig, JiraError, Ticket, TicketNote};
use crate::error::ConnectorError;
use crate::tickets::{input, list};
use crate::registry::{ActionSpec, Connector, Input, output};
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

pub struct Definition;

impl crate::registry::Definition for Definition {
    const NAME: &'static str = "jira";
    const TITLE: &'static str = "Jira (tickets)";
    type Config = JiraConfig;

    fn actions() -> Vec<ActionSpec> {
        vec![
            ActionSpec::new::<Ticket>(
                "jira.create_ticket",
                Self::NAME,
                "Opens an issue in the configured project with a summary, a description and labels (comma-separated).",
                &[("summary", "one line"), ("description", "text; one paragraph per line"), ("labels", "comma-separated, no spaces")],
            ),
            ActionSpec::new::<TicketNote>("jira.comment", Self::NAME, "Adds a comment to an issue.", &[("key", "the issue key, SEC-17"), ("text", "the comment")]),
            ActionSpec::new::<TicketNote>(
                "jira.attach",
                Self::NAME,
                "Attaches a text file to an issue.",
                &[("key", "the issue key"), ("filename", "the file's name"), ("content", "its text")],
            ),
        ]
    }

    fn example() -> JiraConfig {
        JiraConfig {
            url: "https://corp.atlassian.net".into(),
            email: "soc-bot@corp.example".into(),
            token_secret: "jira-token".into(),
            project: "SEC".into(),
            issue_type: "Task".into(),
            labels: vec!["drawbridge".into(), "investigation".into()],
            ca_file: None,
            allow_tls12: false,
            timeout_seconds: 30,
        }
    }

    fn build(config: JiraConfig) -> Result<Arc<dyn Connector>, String> {
        Ok(Arc::new(Jira::new(&config).map_err(|e| e.to_string())?))
    }
}

impl Connector for Jira {
    fn preview(&self, action: &str, i: &Input) -> Result<String, ConnectorError> {
        match action {
            "jira.create_ticket" => Ok(format!("POST /rest/api/3/issue {}", self.issue_body(input(i, "summary")?, input(i, "description")?, &list(i, "labels")))),
            "jira.comment" => Ok(format!("POST /rest/api/3/issue/{}/comment", input(i, "key")?)),
            "jira.attach" => Ok(format!("POST /rest/api/3/issue/{}/attachments (multipart, file {})", input(i, "key")?, input(i, "filename")?)),
            other => Err(ConnectorError::new(ErrorKind::NotFound, format!("{other} is not a Jira action"))),
        }
    }

    fn call<'a>(&'a self, action: &'a str, i: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            match action {
                "jira.create_ticket" => output(Some(self.create(input(i, "summary")?, input(i, "description")?, &list(i, "labels")).await.map_err(error)?)),
                "jira.comment" => output(Some(self.comment(input(i, "key")?, input(i, "text")?).await.map_err(error)?)),
                "jira.attach" => output(Some(self.attach(input(i, "key")?, input(i, "filename")?, input(i, "content")?).await.map_err(error)?)),
                other => Err(ConnectorError::new(ErrorKind::NotFound, format!("{other} is not a Jira action"))),
            }
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let who = self.myself().await.map_err(error)?;
            Ok(format!("TLS and the API token accepted; signed in as {who}"))
        })
    }
}

fn error(e: JiraError) -> ConnectorError {
    let message = e.to_string();
    match e {
        JiraError::Status { status, retry_after, .. } => ConnectorError::from_status(status, message, retry_after),
        JiraError::Unreachable(..) => ConnectorError::unavailable(message, true),
        JiraError::Answer(_) => ConnectorError::unavailable(message, false),
        JiraError::Config(_) | JiraError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
