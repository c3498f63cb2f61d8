//! The sender check's verdict on a request.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderVerdict {
    pub allowed: bool,
    /// Evidence for an allowed sender; the failures for a refused one.
    pub reasons: Vec<String>,
    /// `pass`, `fail`, `none`, `temperror`… and who decided it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dmarc: Option<String>,
}
