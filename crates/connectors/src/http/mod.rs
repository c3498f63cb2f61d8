//! The declarative HTTP connector: an admin describes a REST tool in YAML
//! (`playbooks/connectors/<name>.yaml`: base URL, auth from a named secret,
//! request templates, response mapping by JSON pointer or JMESPath, paging)
//! and playbooks call its actions as `<name>.<action>`, with no code.
//! Snipe-IT is shipped this way (`playbooks/connectors/snipeit.yaml`).

pub mod client;
mod connector;
pub mod definition;
pub mod mapping;

pub use client::{HttpClient, HttpDeployment, HttpError};
pub use definition::HttpConnector;
