//! Drawbridge engine: everything the app, the CLI and `drawbridge serve` share.
//!
//! Data flow: [`intake`] (mailbox, drop folder, MIME) → [`indicators`] →
//! [`classify`] → [`playbook`] → [`connectors`] → [`report`] → [`review`] →
//! [`outbound`], with [`sender`] deciding whether a request may be processed
//! and [`store`] beneath everything. [`ingest`] wires one message through
//! intake, triage and the store.

pub mod classify;
pub mod config;
pub mod connectors;
pub mod digest;
pub mod indicators;
pub mod ingest;
pub mod outbound;
pub mod intake;
pub mod playbook;
pub mod report;
pub mod review;
pub mod secrets;
pub mod sender;
pub mod serve;
pub mod store;
