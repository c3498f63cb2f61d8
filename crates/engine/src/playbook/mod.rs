//! Playbooks: YAML files in `playbooks/` that say which connector actions a
//! request type runs. `definition` is the schema, `validate` checks a file,
//! `plan` picks the playbook for a request and lays out its calls (what
//! `drawbridge playbook dry-run` prints), `run` carries the calls out
//! (concurrency limits, timeouts, retries, resumable) through an
//! [`Executor`]: the connector registry, or a test's stand-in. Which
//! actions exist, and the queries they send, come from the registry.

pub mod definition;
pub mod editing;
pub mod plan;
pub mod run;
pub mod validate;
pub mod window;

pub use crate::connectors::ConnectorError;
pub use definition::{Playbook, schema};
pub use plan::{Plan, RequestContext, plan, select};
pub use run::{Executor, Runner};
pub use validate::{PlaybookError, load, load_dir};

use crate::indicators::Indicator;

pub use drawbridge_net::template as render;

#[derive(Debug, thiserror::Error)]
pub enum RunRequestError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Playbooks(#[from] PlaybookError),
    #[error("no playbook handles request type {0:?} and there is no default playbook")]
    NoPlaybook(String),
    #[error("request {0} was quarantined: {1}")]
    Quarantined(i64, String),
    #[error("planning failed: {0}")]
    Plan(String),
    #[error("the plan makes {0} connector calls, over the limit of {1} ([limits] max_calls_per_run); a person must narrow the request")]
    TooManyCalls(usize, usize),
    #[error(transparent)]
    Run(#[from] run::RunError),
    #[error("{0}")]
    Step(String),
}

/// What playbook templates see of a stored request, with the time window
/// read from its subject and text (anchored at the date it was sent).
pub fn context_of(detail: &crate::store::RequestDetail) -> RequestContext {
    let text = detail.parsed.as_ref().and_then(|p| p["text"].as_str()).unwrap_or("");
    let sent = detail.parsed.as_ref().and_then(|p| p["date"].as_str());
    let indicators = detail.indicators.iter().map(|i| i.indicator()).collect();
    RequestContext::new(
        Some(detail.summary.id),
        detail.summary.subject.as_deref().unwrap_or(""),
        text,
        sent,
        Some(&detail.summary.received_at),
        detail.summary.sender.as_deref().unwrap_or(""),
        detail.summary.request_type.as_deref().unwrap_or("default"),
        indicators,
    )
    .with_labels(detail.summary.labels.clone())
}

/// What playbook templates would see of a message not yet stored (`drawbridge
/// playbook dry-run`), typed as `request_type`.
pub fn context_of_message(message: &crate::intake::mime::ParsedMessage, request_type: &str, indicators: Vec<Indicator>) -> RequestContext {
    let sender = message.from.as_ref().map(|f| f.address.as_str()).unwrap_or("");
    RequestContext::new(None, message.subject.as_deref().unwrap_or(""), &message.text, message.date.as_deref(), None, sender, request_type, indicators)
}

impl RequestContext {
    /// The context of a request, its window read from subject and text and
    /// anchored at when it was sent (else received, else now).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: Option<i64>,
        subject: &str,
        text: &str,
        sent: Option<&str>,
        received: Option<&str>,
        sender: &str,
        request_type: &str,
        indicators: Vec<Indicator>,
    ) -> RequestContext {
        let anchor = window::anchor(sent, received);
        RequestContext {
            window: window::window(&format!("{subject}\n{text}"), anchor),
            id,
            subject: subject.to_string(),
            sender: sender.to_string(),
            labels: std::collections::BTreeMap::from([(crate::classify::REQUEST_TYPE.to_string(), request_type.to_string())]),
            request_type: request_type.to_string(),
            indicators,
        }
    }

    /// With every classifier's label; `request_type` stays the request's type.
    pub fn with_labels(mut self, labels: std::collections::BTreeMap<String, String>) -> RequestContext {
        for (k, v) in labels {
            if k != crate::classify::REQUEST_TYPE {
                self.labels.insert(k, v);
            }
        }
        self
    }
}

/// The step under which a run records the earlier requests that asked about
/// the same indicators (when, by whom, which task).
pub const ASKED_BEFORE_STEP: &str = "asked_before";
