//! Threat intelligence: the privacy guard that keeps internal and
//! undisclosed values away from outside services (`privacy`), and the
//! verdict the configured rules draw from their answers (`verdict`). The
//! intel sources themselves are connectors (declarative HTTP files in
//! `playbooks/connectors/`), called by playbooks like any other.

pub mod config;
pub mod privacy;
pub mod verdict;

pub use config::{IntelConfig, VerdictRule};
pub use privacy::{Guard, Refusal, RequestGuard};
pub use verdict::{Verdict, VerdictKind, decide};
