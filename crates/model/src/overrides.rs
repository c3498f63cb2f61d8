//! The analyst's redactions and reveals on a report's values.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The analyst's decisions on single values, by fact id.
pub type Overrides = BTreeMap<String, Override>;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Override {
    /// Withhold this value whatever the policy says.
    Redact,
    /// Send this value as it is whatever the policy says.
    Reveal,
}
