//! Jira Cloud REST v3: the team's "Investigation" tickets. An issue is
//! created with its summary, description (as an Atlassian Document: v3
//! refuses plain text) and labels; comments and attachments are added to
//! it (attachments as `multipart/form-data`, part `file`, with the
//! `X-Atlassian-Token: no-check` header the XSRF check wants).

mod client;
mod config;
mod connector;

pub use client::{Jira, JiraError, Ticket, TicketNote};
pub use config::JiraConfig;
pub use connector::Definition;

#[cfg(test)]
mod integration_tests;
