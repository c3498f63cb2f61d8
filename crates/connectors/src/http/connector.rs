//! A declarative HTTP connector in the registry: its actions are
//! `<name>.<action>`, as its YAML file declares them.

use super::client::{HttpClient, HttpError};
use super::definition::Method;
use crate::error::ConnectorError;
use crate::registry::{Connector, Input};
use drawbridge_model::ErrorKind;
use futures::future::BoxFuture;
use serde_json::Value;

/// Input given to every input of the test lookup: matches nothing.
const TEST_VALUE: &str = "drawbridge-connection-test";

impl Connector for HttpClient {
    fn preview(&self, action: &str, input: &Input) -> Result<String, ConnectorError> {
        let local = self.local_action(action)?;
        self.preview(local, input).map(|req| format!("HTTP {req}")).map_err(|e| ConnectorError::invalid(format!("cannot build the request: {e}")))
    }

    fn call<'a>(&'a self, action: &'a str, input: &'a Input) -> BoxFuture<'a, Result<Option<Value>, ConnectorError>> {
        Box::pin(async move {
            let local = self.local_action(action)?;
            HttpClient::call(self, local, input).await.map_err(error)
        })
    }

    /// Runs the first GET action with a value that matches nothing: TLS,
    /// authentication and the request mapping are then proven.
    fn test_connection(&self) -> BoxFuture<'_, Result<String, ConnectorError>> {
        Box::pin(async move {
            let (name, action) = self
                .definition()
                .actions
                .iter()
                .find(|(_, a)| a.method == Method::Get)
                .ok_or_else(|| ConnectorError::invalid(format!("{} has no GET action to test with", self.name())))?;
            let input: Input = action.inputs.iter().map(|i| (i.clone(), TEST_VALUE.to_string())).collect();
            HttpClient::call(self, name, &input).await.map_err(error)?;
            Ok(format!("TLS and authentication accepted; {}.{name} answered", self.name()))
        })
    }
}

impl HttpClient {
    /// `snipeit.asset` → `asset`.
    fn local_action<'a>(&self, action: &'a str) -> Result<&'a str, ConnectorError> {
        action
            .strip_prefix(self.name())
            .and_then(|rest| rest.strip_prefix('.'))
            .ok_or_else(|| ConnectorError::new(ErrorKind::NotFound, format!("{action} is not an action of {}", self.name())))
    }
}

fn error(e: HttpError) -> ConnectorError {
    let transient = e.is_transient();
    let message = e.to_string();
    match e {
        HttpError::Status { status: 401 | 403, .. } => ConnectorError::refused(message),
        HttpError::Status { retry_after: Some(wait), .. } | HttpError::Quota(_, _, wait) => ConnectorError::unavailable(message, true).after(wait),
        HttpError::Unreachable(..) | HttpError::Status { .. } | HttpError::NotJson(..) | HttpError::Reported(..) => {
            ConnectorError::unavailable(message, transient)
        }
        HttpError::Redirect(..) => ConnectorError::refused(message),
        HttpError::UnknownAction(..) => ConnectorError::new(ErrorKind::NotFound, message),
        HttpError::Config(..) | HttpError::Secret(_) => ConnectorError::new(ErrorKind::NotConfigured, message),
    }
}
