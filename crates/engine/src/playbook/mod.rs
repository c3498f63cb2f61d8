//! Playbooks: YAML files in `playbooks/` that say which connector actions a
//! request type runs. `definition` is the schema, `validate` checks a file,
//! `plan` picks the playbook for a request and lays out its calls (what
//! `drawbridge playbook dry-run` prints). Running the calls — concurrency,
//! retries, resumable runs — is the next part of this module.

pub mod actions;
pub mod definition;
pub mod plan;
pub mod render;
pub mod validate;

pub use definition::{Playbook, schema};
pub use plan::{Plan, RequestContext, plan, select};
pub use validate::{PlaybookError, load, load_dir};
