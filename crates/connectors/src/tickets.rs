//! What every ticketing connector shares: the contract escalation calls
//! (`<name>.create_ticket`, `.comment`, `.attach`), their outputs, and
//! reading their inputs.

use crate::error::ConnectorError;
use crate::registry::Input;
use serde::Serialize;

/// A ticket as the team's system names it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Ticket {
    #[schemars(extend("x-class" = "technical", "x-label" = "Ticket"))]
    pub key: String,
    #[schemars(extend("x-class" = "technical", "x-label" = "Ticket id"))]
    pub id: String,
    #[schemars(extend("x-class" = "technical", "x-label" = "Link"))]
    pub url: String,
}

/// A comment or attachment added to a ticket.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TicketNote {
    #[schemars(extend("x-class" = "technical", "x-label" = "Ticket"))]
    pub key: String,
    #[schemars(extend("x-class" = "technical", "x-label" = "Added"))]
    pub id: String,
}

/// The labels (Jira) or tags (Zendesk) every investigation ticket gets by default.
pub fn default_labels() -> Vec<String> {
    vec!["drawbridge".into(), "investigation".into()]
}

/// A required input.
pub fn input<'a>(input: &'a Input, name: &str) -> Result<&'a str, ConnectorError> {
    input.get(name).map(String::as_str).ok_or_else(|| ConnectorError::invalid(format!("the input {name} is missing")))
}

/// A comma-separated input (labels, tags) as its items.
pub fn list(input: &Input, name: &str) -> Vec<String> {
    input.get(name).map(|l| l.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
}
