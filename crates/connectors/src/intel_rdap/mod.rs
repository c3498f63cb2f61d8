//! RDAP (RFC 9082/9083), the structured successor of WHOIS: who registered
//! a domain and when, which network an address belongs to and who answers
//! for its abuse. No key is needed; which registry to ask comes from IANA's
//! bootstrap files (RFC 9224) for DNS, IPv4 and IPv6.
//!
//! The bootstrap files ship with the build (`bootstrap/`, rebuilt from a
//! mirror of `https://data.iana.org/rdap/` taken 2026-07-27) and are
//! updated with `drawbridge connectors rdap-bootstrap update`, which
//! fetches IANA's current files (or reads them from a folder, for networks
//! without internet access), checks each, and keeps them in the data dir,
//! where they take precedence over the shipped ones.
//!
//! Values are validated, not quoted: a domain must be an LDH host name (an
//! A-label for IDNs), an address must parse. Registries are asked over
//! HTTPS; a registry with only plain HTTP is refused unless the deployment
//! allows it. Registries redirect to each other (RFC 7480 §5.2): up to
//! three hops are followed, HTTPS only under the same rule.

pub mod bootstrap;
mod client;
mod config;
mod connector;

pub use bootstrap::{Bootstrap, BootstrapError, FileInfo};
pub use client::{DomainRegistration, NetworkRegistration, Rdap, RdapError};
pub use config::RdapConfig;
pub use connector::Definition;

#[cfg(test)]
mod integration_tests;
