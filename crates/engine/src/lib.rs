//! Drawbridge engine: everything the app, the CLI and `drawbridge serve`
//! share, over the crates beneath it (`drawbridge-model`, `-net`, `-store`,
//! `-connectors`).
//!
//! Data flow: [`sources`] (mailbox watcher, drop folder) → [`intake`] (MIME,
//! IMAP) → [`sender`] → [`indicators`] → [`classify`] → [`playbook`] →
//! [`connectors`] → [`report`] → [`review`] → [`outbound`], with [`store`]
//! beneath everything. [`ingest`] wires one message through intake, the
//! sender check, extraction, triage and the store; [`deployment`] holds what
//! a running engine loads once (config, connector registry, playbooks);
//! [`serve`] runs the watchers and workers.
//!
//! Modules only point down this list (a test in `tests/module_graph.rs`
//! keeps it so): bottom `paths`; then the protocol and policy modules,
//! which own their config sections; then `config`, which gathers them; then
//! the wiring (`ingest`, `deployment`, `review`, `sources`, `serve`).

pub use drawbridge_connectors as connectors;
pub use drawbridge_model as model;
pub use drawbridge_model::digest;
pub use drawbridge_net::secrets;
pub use drawbridge_store as store;

pub mod assign;
pub mod classify;
pub mod config;
pub mod demo;
pub mod deployment;
pub mod enrich;
pub mod escalate;
pub mod identity;
pub mod indicators;
pub mod ingest;
pub mod insights;
pub mod intake;
pub mod intel;
pub mod limits;
pub mod outbound;
pub mod paths;
pub mod playbook;
pub mod reload;
pub mod report;
pub mod review;
pub mod sender;
pub mod serve;
pub mod settings;
pub mod sources;
pub mod versioned;
