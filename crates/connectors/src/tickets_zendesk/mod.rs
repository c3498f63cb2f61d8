//! Zendesk Support: the team's "Investigation" tickets. A ticket is created
//! with a private first comment, priority and tags; a comment is a ticket
//! update (`PUT`, Zendesk has no separate comment endpoint); a file is
//! uploaded (`uploads.json`) and attached to a private comment by its token.

mod connector;

pub use connector::{Definition, Zendesk, ZendeskConfig, ZendeskError};

#[cfg(test)]
mod integration_tests;
