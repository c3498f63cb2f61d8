//! Arkime (formerly Moloch): the full packet capture around a sighting.
//! `GET /api/sessions` with an Arkime expression and an epoch-second time
//! range, behind HTTP Digest authentication; each session comes back with
//! its link in the viewer, its PCAP download URL and the PCAP's size.
//! Expression values are validated, not quoted: an address must parse, a
//! name must be a host name, a hash hex; anything else is refused.

mod client;
mod config;
mod connector;
pub mod digest;
pub mod query;

pub use client::{Arkime, ArkimeError, Session, Sessions};
pub use config::ArkimeConfig;
pub use connector::Definition;

#[cfg(test)]
mod integration_tests;
