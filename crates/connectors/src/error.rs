//! How a connector call failed: its kind (shown to people and recorded with
//! the result, so nobody parses error text), whether trying again may help,
//! and the detail for the analyst and the logs.

use drawbridge_model::ErrorKind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConnectorError {
    pub kind: ErrorKind,
    /// Retrying later may help (network, timeout, 429, 5xx).
    pub transient: bool,
    /// For the analyst and the logs; never sent to the MSSP.
    pub message: String,
    /// The service said when to ask again (HTTP 429 or 503 `Retry-After`,
    /// or a quota that resets then): the runner waits that long instead of
    /// its own backoff.
    pub retry_after: Option<std::time::Duration>,
}

impl ConnectorError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ConnectorError {
        ConnectorError { kind, transient: false, message: message.into(), retry_after: None }
    }

    pub fn not_configured(connector: &str) -> ConnectorError {
        ConnectorError::new(ErrorKind::NotConfigured, format!("connector {connector} is not configured"))
    }

    /// The system could not answer; `transient` when retrying may help.
    pub fn unavailable(message: impl Into<String>, transient: bool) -> ConnectorError {
        ConnectorError { kind: ErrorKind::Unavailable, transient, message: message.into(), retry_after: None }
    }

    /// Try again after `wait` (a rate limit or quota): transient.
    pub fn after(mut self, wait: std::time::Duration) -> ConnectorError {
        self.transient = true;
        self.retry_after = Some(wait);
        self
    }

    /// A service's HTTP error status, by what it means: 401/403 refused,
    /// 400/422 invalid input, 404 not found, a wait the service asked for
    /// (`Retry-After`), else unavailable (transient for 429 and 5xx).
    pub fn from_status(status: u16, message: String, retry_after: Option<std::time::Duration>) -> ConnectorError {
        match (status, retry_after) {
            (401 | 403, _) => ConnectorError::refused(message),
            (400 | 422, _) => ConnectorError::invalid(message),
            (404, _) => ConnectorError::new(ErrorKind::NotFound, message),
            (_, Some(wait)) => ConnectorError::unavailable(message, true).after(wait),
            _ => ConnectorError::unavailable(message, status == 429 || status >= 500),
        }
    }

    pub fn refused(message: impl Into<String>) -> ConnectorError {
        ConnectorError::new(ErrorKind::Refused, message)
    }

    pub fn invalid(message: impl Into<String>) -> ConnectorError {
        ConnectorError::new(ErrorKind::InvalidInput, message)
    }
}
