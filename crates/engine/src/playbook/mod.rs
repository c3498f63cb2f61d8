//! Playbooks: YAML files in `playbooks/` that say which connector actions a
//! request type runs. `definition` is the schema, `validate` checks a file,
//! `plan` picks the playbook for a request and lays out its calls (what
//! `drawbridge playbook dry-run` prints), `run` carries the calls out
//! (concurrency limits, timeouts, retries, resumable), `executor` reaches the
//! configured connectors.

pub mod actions;
pub mod definition;
pub mod executor;
pub mod plan;
pub mod render;
pub mod run;
pub mod validate;
pub mod window;

pub use definition::{Playbook, schema};
pub use plan::{Plan, RequestContext, plan, select};
pub use run::{CallError, Executor, Runner};
pub use validate::{PlaybookError, load, load_dir};

use crate::indicators::Indicator;
use crate::store::{PlaybookRun, Store};

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
    #[error(transparent)]
    Run(#[from] run::RunError),
}

/// What playbook templates see of a stored request, with the time window
/// read from its subject and text (anchored at the date it was sent).
pub fn context_of(detail: &crate::store::RequestDetail) -> RequestContext {
    let text = detail.parsed.as_ref().and_then(|p| p["text"].as_str()).unwrap_or("").to_string();
    let subject = detail.summary.subject.clone().unwrap_or_default();
    let sent = detail.parsed.as_ref().and_then(|p| p["date"].as_str()).and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok()).map(|d| d.with_timezone(&chrono::Utc));
    let received = chrono::DateTime::parse_from_rfc3339(&detail.summary.received_at).map(|d| d.with_timezone(&chrono::Utc)).unwrap_or_else(|_| chrono::Utc::now());
    RequestContext {
        window: window::window(&format!("{subject}\n{text}"), sent.unwrap_or(received)),
        id: Some(detail.summary.id),
        subject,
        sender: detail.summary.sender.clone().unwrap_or_default(),
        request_type: detail.summary.request_type.clone().unwrap_or_else(|| "default".into()),
        indicators: detail
            .indicators
            .iter()
            .map(|i| Indicator { kind: i.kind, value: i.value.clone(), defanged: i.defanged, occurrences: i.occurrences as u32, source: i.source.clone() })
            .collect(),
    }
}

/// The step under which a run records the earlier requests that asked about
/// the same indicators (when, by whom, which task).
pub const ASKED_BEFORE_STEP: &str = "asked_before";

/// Runs the playbook for a stored request (resuming an interrupted run).
///
/// The request first joins a task: when an earlier request within
/// `config.tasks.link_window_days` named one of its indicators, it joins that
/// request's task, and the run (with fresh data) records who asked before and
/// when; otherwise it opens a new task.
pub async fn run_request(store: &Store, config: &crate::config::Config, runner: &mut Runner, request_id: i64) -> Result<PlaybookRun, RunRequestError> {
    let detail = store.request(request_id).await?;
    if detail.summary.status == "quarantined" {
        return Err(RunRequestError::Quarantined(request_id, detail.summary.quarantine_reason.unwrap_or_default()));
    }
    let connectors = &config.connectors;
    let link = store.assign_task(request_id, config.tasks.link_window_days).await?;
    let ctx = context_of(&detail);
    let request_type = ctx.request_type.clone();
    let playbooks = load_dir(&config.playbooks_dir())?;
    let pb = select(&playbooks, &request_type, &ctx.indicators).ok_or(RunRequestError::NoPlaybook(request_type))?;
    let planned = plan::plan_with(pb, &ctx, connectors).map_err(RunRequestError::Plan)?;
    let run = runner.run(request_id, pb, &planned).await?;
    let history = crate::store::StepResult {
        step: ASKED_BEFORE_STEP.into(),
        item: String::new(),
        action: "store.history".into(),
        input: serde_json::json!({ "window_days": config.tasks.link_window_days }),
        status: if link.asked_before.is_empty() { "no_result" } else { "ok" }.into(),
        output: (!link.asked_before.is_empty()).then(|| serde_json::json!({ "task_id": link.task_id, "joined_earlier_task": link.reused, "requests": link.asked_before })),
        error: None,
        attempts: 1,
        duration_ms: 0,
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    store.record_step(run.id, &history).await?;
    Ok(store.run(run.id).await?)
}
