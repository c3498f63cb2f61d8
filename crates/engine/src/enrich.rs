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
    let prepared = prepare(store, deployment, request_id).await?;
    runner.guard(prepared.guard.clone());
    let run = runner.run(request_id, &prepared.playbook, &prepared.plan).await?;
    crate::escalate::escalate(store, deployment, runner, request_id, run.id).await?;
    finish(store, deployment, request_id, run.id, &prepared.link).await
}

/// Runs one step of the request's latest run again, with the steps that need
/// it (directly or through others): a new run keeps every other result of
/// the latest one and makes only those calls. Refused when the request's
/// playbook is no longer the one that ran, or has no such step (run the
/// whole playbook then).
pub async fn rerun_step(store: &Store, deployment: &Deployment, runner: &mut Runner, request_id: i64, step: &str) -> Result<PlaybookRun, RunRequestError> {
    let latest = store.latest_run(request_id).await?.ok_or_else(|| RunRequestError::Step(format!("request {request_id} has no playbook run yet")))?;
    let prepared = prepare(store, deployment, request_id).await?;
    let pb = &prepared.playbook;
    if pb.name != latest.playbook {
        return Err(RunRequestError::Step(format!(
            "the request's playbook is now {:?}, not {:?} which ran; run the whole playbook again",
            pb.name, latest.playbook
        )));
    }
    if !pb.steps.iter().any(|s| s.id == step) {
        return Err(RunRequestError::Step(format!("playbook {:?} has no step {step:?}", pb.name)));
    }
    let again = with_dependents(pb, step);
    runner.guard(prepared.guard.clone());
    let run_id = store.open_run(request_id, &pb.name).await?;
    for kept in latest.steps.iter().filter(|r| !again.contains(r.step.as_str()) && r.step != ASKED_BEFORE_STEP) {
        store.record_step(run_id, kept).await?;
    }
    let run = runner.run(request_id, pb, &prepared.plan).await?;
    crate::escalate::escalate(store, deployment, runner, request_id, run.id).await?;
    finish(store, deployment, request_id, run.id, &prepared.link).await
}

/// `step` and every step that needs it, directly or through others.
fn with_dependents<'a>(pb: &'a crate::playbook::Playbook, step: &'a str) -> std::collections::BTreeSet<&'a str> {
    let mut found = std::collections::BTreeSet::from([step]);
    loop {
        let before = found.len();
        for s in &pb.steps {
            if s.needs.iter().any(|n| found.contains(n.as_str())) {
                found.insert(s.id.as_str());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// A request made ready to run: in its task, its playbook chosen and planned.
struct Prepared {
    link: crate::store::TaskLink,
    playbook: crate::playbook::Playbook,
    plan: crate::playbook::Plan,
    /// What this request may not send outside.
    guard: crate::intel::RequestGuard,
}

async fn prepare(store: &Store, deployment: &Deployment, request_id: i64) -> Result<Prepared, RunRequestError> {
    let config = &deployment.config;
    let detail = store.request(request_id).await?;
    if detail.summary.status == RequestStatus::Quarantined {
        return Err(RunRequestError::Quarantined(request_id, detail.summary.quarantine_reason.unwrap_or_default()));
    }
    let link = store.assign_task(request_id, config.tasks.link_window_days).await?;
    let marked: Vec<(crate::indicators::Indicator, bool)> = detail.indicators.iter().map(|i| (i.indicator(), i.withheld_by.is_some())).collect();
    let guard = deployment.privacy.request(&marked);
    let mut ctx = context_of(&detail);
    // A period longer than allowed ends where asked and is shortened at its start.
    let longest = chrono::Duration::days(config.limits.max_window_days.max(1));
    if ctx.window.end - ctx.window.start > longest {
        ctx.window.start = ctx.window.end - longest;
        ctx.window.source = format!("{} (shortened to {} days by [limits] max_window_days)", ctx.window.source, config.limits.max_window_days);
    }
    let request_type = ctx.request_type.clone();
    let playbooks = deployment.playbooks()?;
    let pb = select(&playbooks, &request_type, &ctx.indicators).ok_or(RunRequestError::NoPlaybook(request_type))?;
    let planned = plan::plan_with(pb, &ctx, &deployment.connectors).map_err(RunRequestError::Plan)?;
    if planned.calls.len() > config.limits.max_calls_per_run {
        return Err(RunRequestError::TooManyCalls(planned.calls.len(), config.limits.max_calls_per_run));
    }
    Ok(Prepared { link, playbook: pb.clone(), plan: planned, guard })
}

/// Records who asked about the same indicators before, and clears any
/// earlier failure to start.
async fn finish(store: &Store, deployment: &Deployment, request_id: i64, run_id: i64, link: &crate::store::TaskLink) -> Result<PlaybookRun, RunRequestError> {
    let history = StepResult {
        step: ASKED_BEFORE_STEP.into(),
        item: String::new(),
        action: "store.history".into(),
        input: serde_json::json!({ "window_days": deployment.config.tasks.link_window_days }),
        status: if link.asked_before.is_empty() { StepStatus::NoResult } else { StepStatus::Ok },
        output: (!link.asked_before.is_empty())
            .then(|| serde_json::json!({ "task_id": link.task_id, "joined_earlier_task": link.reused, "requests": link.asked_before })),
        error: None,
        error_kind: None,
        attempts: 1,
        duration_ms: 0,
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        cached_at: None,
    };
    store.record_step(run_id, &history).await?;
    store.clear_run_failure(request_id).await?;
    Ok(store.run(run_id).await?)
}

/// What the worker did with one request.
#[derive(Debug)]
pub enum Outcome {
    Ran(PlaybookRun),
    /// Not run: too many indicators, or out of attempts; the reason is stored.
    Parked(String),
    /// Not run this time; tried again after the stored delay.
    Retrying(String),
}

/// The worker's way to run a request: a request with more indicators than
/// `[limits] max_indicators` is parked before anything is looked up; a
/// playbook that cannot start is retried with backoff and parked after
/// `start_attempts`, so one bad request never blocks the queue. (A person's
/// `drawbridge run ID` goes straight to [`run_request`].)
pub async fn run_automatically(store: &Store, deployment: &Deployment, runner: &mut Runner, request_id: i64) -> Result<Outcome, crate::store::StoreError> {
    let limits = &deployment.config.limits;
    let detail = store.request(request_id).await?;
    let count = detail.summary.indicator_count.max(0) as usize;
    if count > limits.max_indicators {
        let why = format!(
            "{count} indicators, over the limit of {} ([limits] max_indicators): nothing was looked up automatically; a person decides (drawbridge run {request_id})",
            limits.max_indicators
        );
        store.record_run_failure(request_id, &why, None).await?;
        return Ok(Outcome::Parked(why));
    }
    match run_request(store, deployment, runner, request_id).await {
        Ok(run) => Ok(Outcome::Ran(run)),
        Err(RunRequestError::Store(e)) => Err(e),
        Err(e) => {
            let attempts = store.run_failure_attempts(request_id).await? as u32 + 1;
            let why = e.to_string();
            if attempts >= limits.start_attempts {
                store.record_run_failure(request_id, &format!("{why} (after {attempts} attempts)"), None).await?;
                Ok(Outcome::Parked(why))
            } else {
                let delay = chrono::Duration::from_std(limits.retry_delay(attempts)).unwrap_or_else(|_| chrono::Duration::seconds(60));
                let at = (chrono::Utc::now() + delay).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                store.record_run_failure(request_id, &why, Some(&at)).await?;
                Ok(Outcome::Retrying(why))
            }
        }
    }
}
