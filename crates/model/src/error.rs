//! The kinds of failure that cross every boundary, from a connector call to
//! the app's screen, so each can be shown and handled for what it is.

use crate::status::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    /// Why something could not be done. The app shows each differently: a
    /// source that is down is not the analyst's fault, a refusal is not a bug.
    ErrorKind {
        /// The deployment has no such connector, or it is switched off.
        NotConfigured => "not_configured",
        /// The system could not be reached or did not answer in time, or
        /// answered with a server error; trying again later may help.
        Unavailable => "unavailable",
        /// The system or Drawbridge refused: authentication, permission, a
        /// value that cannot be queried safely, a rule that forbids it.
        Refused => "refused",
        /// What was asked for does not exist (a request, a connector action).
        NotFound => "not_found",
        /// The input is not valid (a malformed value, a missing field).
        InvalidInput => "invalid_input",
        /// A state conflict: someone else changed it first, or it is not allowed now.
        Conflict => "conflict",
        /// Anything else: a bug or a broken installation (database, files).
        Internal => "internal",
    }
}

/// An error as it reaches a user interface: its kind and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure { kind, message: message.into() }
    }
}
