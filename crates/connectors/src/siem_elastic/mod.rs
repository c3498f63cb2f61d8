//! Elasticsearch / OpenSearch `_search`: how often an indicator occurs in a
//! time window, first and last seen, top hosts and users. Queries are JSON
//! values (term queries on the fields mapped for the indicator's kind, ECS by
//! default), never strings with values pasted in.

mod client;
mod config;
pub(crate) mod connector;
pub mod query;

pub use client::{Elastic, SiemError, Sighting};
pub use config::{ElasticConfig, default_fields};
pub use connector::Definition;

#[cfg(test)]
mod integration_tests;
