//! The kinds of failure that cross every boundary, from a connector call to
//! the app's screen, so each can be shown and handled for what it is.

use serde::{Deserialize, Serialize};

/// Why something could not be done. The app shows each differently: a
/// source that is down is not the analyst's fault, a refusal is not a bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The deployment has no such connector, or it is switched off.
    NotConfigured,
    /// The system could not be reached or did not answer in time, or
    /// answered with a server error; trying again later may help.
    Unavailable,
    /// The system or Drawbridge refused: authentication, permission, a
    /// value that cannot be queried safely, a rule that forbids it.
    Refused,
    /// What was asked for does not exist (a request, a connector action).
    NotFound,
    /// The input is not valid (a malformed value, a missing field).
    InvalidInput,
    /// A state conflict: someone else changed it first, or it is not allowed now.
    Conflict,
    /// Anything else: a bug or a broken installation (database, files).
    Internal,
}

impl ErrorKind {
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::NotConfigured,
        ErrorKind::Unavailable,
        ErrorKind::Refused,
        ErrorKind::NotFound,
        ErrorKind::InvalidInput,
        ErrorKind::Conflict,
        ErrorKind::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotConfigured => "not_configured",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Refused => "refused",
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Internal => "internal",
        }
    }

    pub fn parse(text: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
