//! Splunk over its REST API: one streaming `search/jobs/export` per question,
//! with SPL whose every value is double-quoted and escaped (`\` then `"`),
//! values containing `*` refused (SPL has no escape for it), and field names
//! from the configuration checked. Answers the same `Sighting` as the
//! Elasticsearch connector, so playbooks and reports treat both alike.

mod client;
mod config;
mod connector;
pub mod query;

pub use client::{Splunk, SplunkError};
pub use config::{SplunkConfig, cim_fields};
pub use connector::Definition;

#[cfg(test)]
mod integration_tests;
