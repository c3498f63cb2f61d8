//! Drawbridge engine: everything the app, the CLI and `drawbridge serve` share.
//!
//! Data flow: [`intake`] (mailbox, drop folder, MIME) → [`indicators`] → …,
//! with [`sender`] deciding whether a request may be processed and [`store`]
//! beneath everything. [`ingest`] wires one message through those steps.

pub mod classify;
pub mod config;
pub mod connectors;
pub mod indicators;
pub mod ingest;
pub mod playbook;
pub mod intake;
pub mod secrets;
pub mod sender;
pub mod serve;
pub mod store;
