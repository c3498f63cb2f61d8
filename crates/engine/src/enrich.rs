//! Enrichment for one stored request: put it in a task, pick and plan its
//! playbook with the deployment's connectors, run it, and record who asked
//! about the same indicators before.

use crate::deployment::Deployment;
use crate::model::{RequestStatus, StepStatus};
use crate::playbook::{ASKED_BEFORE_STEP, RunRequestError, Runner, context_of, plan, select};
use crate::store::{PlaybookRun, StepResult, Store};

/// Runs the playbook for a stored request (resuming an interrupted run).
///
/// The request first joins a task: when an earlier request within
/// `config.tasks.link_window_days` named one of its indicators, it joins that
/// request's task, and the run (with fresh data) records who asked before and
/// when; otherwise it opens a new task.
pub async fn run_request(store: &Store, deployment: &Deployment, runner: &mut Runner, request_id: i64) -> Result<PlaybookRun, RunRequestError> {
    let config = &deployment.config;
    let detail = store.request(request_id).await?;
    if detail.summary.status == RequestStatus::Quarantined {
        return Err(RunRequestError::Quarantined(request_id, detail.summary.quarantine_reason.unwrap_or_default()));
    }
    let link = store.assign_task(request_id, config.tasks.link_window_days).await?;
    let ctx = context_of(&detail);
    let request_type = ctx.request_type.clone();
    let playbooks = deployment.playbooks()?;
    let pb = select(&playbooks, &request_type, &ctx.indicators).ok_or(RunRequestError::NoPlaybook(request_type))?;
    let planned = plan::plan_with(pb, &ctx, &deployment.connectors).map_err(RunRequestError::Plan)?;
    let run = runner.run(request_id, pb, &planned).await?;
    let history = StepResult {
        step: ASKED_BEFORE_STEP.into(),
        item: String::new(),
        action: "store.history".into(),
        input: serde_json::json!({ "window_days": config.tasks.link_window_days }),
        status: if link.asked_before.is_empty() { StepStatus::NoResult } else { StepStatus::Ok },
        output: (!link.asked_before.is_empty())
            .then(|| serde_json::json!({ "task_id": link.task_id, "joined_earlier_task": link.reused, "requests": link.asked_before })),
        error: None,
        error_kind: None,
        attempts: 1,
        duration_ms: 0,
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    store.record_step(run.id, &history).await?;
    Ok(store.run(run.id).await?)
}
