//! Palo Alto PAN-OS XML API: traffic and URL log queries as asynchronous jobs
//! (submit, poll, fetch), summarised as sessions. Filter values are validated
//! (addresses must parse; quotes are refused) since PAN-OS documents no escape.

mod client;
mod config;
mod connector;
pub mod query;

pub use client::{PanOs, PanOsError, Sessions};
pub use config::PanOsConfig;
pub use connector::Definition;

#[cfg(test)]
mod integration_tests;
