//! Running a plan. Steps run in dependency order; the calls of independent
//! steps, and the `for_each` items of a step, run concurrently, bounded by a
//! per-connector concurrency limit and rate limit. Steps that read earlier
//! steps' outputs (`steps.<id>`) are rendered here, once those have finished.
//! Each call has the step's timeout and
//! retries transient errors with exponential backoff. Every result (input,
//! output, duration, status, error) is stored as soon as the call finishes,
//! so a run interrupted by a crash resumes without repeating finished calls.

use super::definition::{OnError, Playbook};
use super::plan::{Plan, PlannedCall};
pub use crate::connectors::Executor;
use crate::connectors::{ConnectorError, ConnectorLimits};
use crate::intel::RequestGuard;
use crate::model::{ErrorKind, RunStatus, StepStatus};
use crate::store::{CachedAnswer, PlaybookRun, StepResult, Store, StoreError};
use drawbridge_net::template as render;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tracing::{info, warn};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Runner {
    store: Store,
    executor: Arc<dyn Executor>,
    limits: HashMap<String, Arc<Semaphore>>,
    rates: HashMap<String, Arc<RateLimit>>,
    default_limit: usize,
    /// What the request being run may not send outside. Without one, no
    /// call to an outside service is made at all.
    guard: Option<Arc<RequestGuard>>,
}

/// At most one call per `interval` to a connector: each call takes the next
/// free slot and waits for it (calls are spaced, never dropped).
#[derive(Debug)]
pub struct RateLimit {
    interval: Duration,
    next: tokio::sync::Mutex<Option<tokio::time::Instant>>,
}

impl RateLimit {
    pub fn per_second(calls: f64) -> RateLimit {
        let interval = if calls > 0.0 && calls.is_finite() { Duration::from_secs_f64(1.0 / calls) } else { Duration::ZERO };
        RateLimit { interval, next: tokio::sync::Mutex::new(None) }
    }

    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = tokio::time::Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The longest a call waits on a service's "try again after" unless the
/// connector's limits say otherwise.
const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(120);
/// A call waits on "try again after" at most this many times.
const MAX_WAITS: u32 = 5;

impl Runner {
    pub fn new(store: Store, executor: Arc<dyn Executor>) -> Runner {
        Runner { store, executor, limits: HashMap::new(), rates: HashMap::new(), default_limit: 4, guard: None }
    }

    /// The privacy guard for the next runs (the request's own, from
    /// [`crate::intel::Guard::request`]).
    pub fn guard(&mut self, guard: RequestGuard) -> &mut Runner {
        self.guard = Some(Arc::new(guard));
        self
    }

    /// A runner with the deployment's limits (`[connectors.limits.<name>]`).
    pub fn configured(store: Store, executor: Arc<dyn Executor>, limits: &BTreeMap<String, ConnectorLimits>) -> Runner {
        let mut runner = Runner::new(store, executor);
        for (name, limit) in limits {
            if let Some(c) = limit.concurrency {
                runner = runner.with_limit(name, c);
            }
            if let Some(r) = limit.per_second {
                runner = runner.with_rate(name, r);
            }
        }
        runner
    }

    /// At most `calls` calls per second to `connector`.
    pub fn with_rate(mut self, connector: &str, calls: f64) -> Runner {
        self.rates.insert(connector.to_string(), Arc::new(RateLimit::per_second(calls)));
        self
    }

    /// At most `limit` calls to `connector` at once.
    pub fn with_limit(mut self, connector: &str, limit: usize) -> Runner {
        self.limits.insert(connector.to_string(), Arc::new(Semaphore::new(limit.max(1))));
        self
    }

    fn semaphore(&mut self, connector: &str) -> Arc<Semaphore> {
        let default = self.default_limit;
        self.limits.entry(connector.to_string()).or_insert_with(|| Arc::new(Semaphore::new(default))).clone()
    }

    /// One call outside a playbook's levels (the follow-up of a verdict):
    /// the privacy guard, the cache, the connector's limits, retries and
    /// waits, recorded in the run like any other.
    pub async fn call(&mut self, run_id: i64, call: &PlannedCall, timeout: Duration, retries: u32) -> Result<StepResult, RunError> {
        let (cache_key, max_wait) = match self.settle(run_id, call).await? {
            Settled::Done(result) => return Ok(result),
            Settled::Call { cache_key, max_wait } => (cache_key, max_wait),
        };
        let semaphore = self.semaphore(&call.connector);
        let rate = self.rates.get(&call.connector).cloned();
        let result = {
            let _permit = semaphore.acquire_owned().await.ok();
            execute(self.executor.as_ref(), call, rate.as_deref(), timeout, retries, max_wait).await
        };
        Ok(keep(&self.store, run_id, call, cache_key.as_deref(), result).await?)
    }

    /// What happens to a call before it is made: refused by the privacy
    /// guard (recorded as withheld), answered from the cache (recorded), or
    /// to be made, with its cache key and longest wait.
    async fn settle(&self, run_id: i64, call: &PlannedCall) -> Result<Settled, RunError> {
        let terms = self.executor.terms(&call.action);
        if terms.external {
            let refusal = match &self.guard {
                Some(g) => g.refuses(call.indicator.as_ref(), &call.input).map(|r| r.to_string()),
                None => Some("not sent to an outside service: this run has no privacy guard".to_string()),
            };
            if let Some(why) = refusal {
                let withheld = not_run(call, StepStatus::Withheld, None, why);
                self.store.record_step(run_id, &withheld).await?;
                return Ok(Settled::Done(withheld));
            }
        }
        let cache_key = terms.cache_ttl.map(|_| serde_json::to_string(&call.input).unwrap_or_default());
        if let (Some(key), Some(ttl)) = (&cache_key, terms.cache_ttl)
            && let Some(hit) = self.cached(call, key, ttl).await?
        {
            self.store.record_step(run_id, &hit).await?;
            return Ok(Settled::Done(hit));
        }
        Ok(Settled::Call { cache_key, max_wait: terms.max_wait.unwrap_or(DEFAULT_MAX_WAIT) })
    }

    /// The cached answer to this call, if one is younger than `ttl`.
    async fn cached(&self, call: &PlannedCall, key: &str, ttl: Duration) -> Result<Option<StepResult>, StoreError> {
        let age = chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::days(365));
        let fresh_after = (chrono::Utc::now() - age).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        Ok(self.store.cached_answer(&call.action, key, &fresh_after).await?.map(|hit| StepResult {
            input: serde_json::to_value(&call.input).unwrap_or_default(),
            output: hit.output,
            error: None,
            cached_at: Some(hit.fetched_at),
            ..not_run(call, hit.status, None, String::new())
        }))
    }

    pub async fn run(&mut self, request_id: i64, playbook: &Playbook, plan: &Plan) -> Result<PlaybookRun, RunError> {
        let run_id = self.store.open_run(request_id, &playbook.name).await?;
        let mut results = self.store.run(run_id).await?.steps;
        let done: HashSet<(String, String)> = results.iter().map(|s| (s.step.clone(), s.item.clone())).collect();
        if !done.is_empty() {
            info!(run_id, finished = done.len(), "resuming playbook run");
        }
        let steps: HashMap<&str, &super::definition::Step> = playbook.steps.iter().map(|s| (s.id.as_str(), s)).collect();
        let levels = levels(playbook);
        let mut failed_hard = results.iter().any(|r| r.status == StepStatus::Failed && steps.get(r.step.as_str()).is_some_and(|s| s.on_error == OnError::Fail));
        for level in levels {
            if failed_hard {
                break;
            }
            let mut tasks = tokio::task::JoinSet::new();
            for call in plan.calls.iter().filter(|c| level.contains(&c.step)) {
                let item = call.item.clone().unwrap_or_default();
                if done.contains(&(call.step.clone(), item)) {
                    continue;
                }
                let Some(step) = steps.get(call.step.as_str()) else { continue };
                let call = if call.deferred {
                    match render_deferred(step, call, &plan.request, &results) {
                        Ok(Some(c)) => c,
                        Ok(None) => {
                            let skipped = not_run(call, StepStatus::Skipped, None, "`when` is false given the earlier steps' results".into());
                            self.store.record_step(run_id, &skipped).await?;
                            results.push(skipped);
                            continue;
                        }
                        Err(message) => {
                            let failed = not_run(call, StepStatus::Failed, Some(ErrorKind::InvalidInput), message);
                            self.store.record_step(run_id, &failed).await?;
                            failed_hard |= step.on_error == OnError::Fail;
                            results.push(failed);
                            continue;
                        }
                    }
                } else {
                    call.clone()
                };
                let (cache_key, max_wait) = match self.settle(run_id, &call).await? {
                    Settled::Done(result) => {
                        results.push(result);
                        continue;
                    }
                    Settled::Call { cache_key, max_wait } => (cache_key, max_wait),
                };
                let semaphore = self.semaphore(&call.connector);
                let rate = self.rates.get(&call.connector).cloned();
                let executor = self.executor.clone();
                let store = self.store.clone();
                let timeout = Duration::from_secs(step.timeout_seconds.max(1));
                let retries = step.retries;
                tasks.spawn(async move {
                    let result = {
                        let _permit = semaphore.acquire_owned().await.ok();
                        execute(executor.as_ref(), &call, rate.as_deref(), timeout, retries, max_wait).await
                    };
                    keep(&store, run_id, &call, cache_key.as_deref(), result).await
                });
            }
            while let Some(joined) = tasks.join_next().await {
                let result = match joined {
                    Ok(r) => r?,
                    Err(e) => {
                        warn!(error = %e, "a playbook call task ended abnormally");
                        continue;
                    }
                };
                if result.status == StepStatus::Failed && steps.get(result.step.as_str()).is_some_and(|s| s.on_error == OnError::Fail) {
                    failed_hard = true;
                }
                results.push(result);
            }
        }
        self.store.finish_run(run_id, if failed_hard { RunStatus::Failed } else { RunStatus::Completed }).await?;
        Ok(self.store.run(run_id).await?)
    }
}

/// A call before it is made (see `Runner::settle`).
enum Settled {
    Done(StepResult),
    Call { cache_key: Option<String>, max_wait: Duration },
}

/// Records a call's result, and keeps an answer in the cache when the
/// source has a cache lifetime.
async fn keep(store: &Store, run_id: i64, call: &PlannedCall, cache_key: Option<&str>, result: StepResult) -> Result<StepResult, StoreError> {
    if let Some(key) = cache_key
        && matches!(result.status, StepStatus::Ok | StepStatus::NoResult)
    {
        let answer = CachedAnswer { status: result.status, output: result.output.clone(), fetched_at: result.finished_at.clone() };
        if let Err(e) = store.cache_answer(&call.action, key, &answer).await {
            warn!(error = %e, "could not keep an answer in the call cache");
        }
    }
    store.record_step(run_id, &result).await.map(|_| result)
}

/// What `steps.<id>` is in a template: that step's result for the same
/// indicator (or its single result), plus `items`, every result it had.
pub fn step_outputs(results: &[StepResult], item: &str) -> serde_json::Value {
    let mut by_step: BTreeMap<&str, Vec<&StepResult>> = BTreeMap::new();
    for r in results {
        by_step.entry(r.step.as_str()).or_default().push(r);
    }
    let view = |r: &StepResult| serde_json::json!({ "item": r.item, "status": r.status, "output": r.output, "error": r.error });
    let map: serde_json::Map<String, serde_json::Value> = by_step
        .into_iter()
        .map(|(step, rs)| {
            let own = rs.iter().find(|r| r.item == item).or_else(|| rs.iter().find(|r| r.item.is_empty())).or(if rs.len() == 1 { rs.first() } else { None });
            let mut v = own.map_or_else(|| serde_json::json!({ "status": "not_run", "output": null, "error": null }), |r| view(r));
            v["items"] = rs.iter().map(|r| view(r)).collect();
            (step.to_string(), v)
        })
        .collect();
    serde_json::Value::Object(map)
}

/// Evaluates a deferred call's condition and inputs now that the steps it
/// reads have results. `Ok(None)`: the condition is false.
fn render_deferred(
    step: &super::definition::Step,
    call: &PlannedCall,
    request: &serde_json::Value,
    results: &[StepResult],
) -> Result<Option<PlannedCall>, String> {
    let env = render::environment();
    let context = serde_json::json!({
        "request": request,
        "item": call.indicator,
        "steps": step_outputs(results, call.item.as_deref().unwrap_or("")),
    });
    if let Some(cond) = &step.when
        && !render::condition(&env, cond, &context).map_err(|e| format!("`when`: {e}"))?
    {
        return Ok(None);
    }
    let mut input = BTreeMap::new();
    for (k, t) in &step.input {
        input.insert(k.clone(), render::render(&env, t, &context).map_err(|e| format!("input {k}: {e}"))?);
    }
    Ok(Some(PlannedCall { input, deferred: false, ..call.clone() }))
}

fn not_run(call: &PlannedCall, status: StepStatus, error_kind: Option<ErrorKind>, message: String) -> StepResult {
    StepResult {
        step: call.step.clone(),
        item: call.item.clone().unwrap_or_default(),
        action: call.action.clone(),
        input: serde_json::Value::Null,
        status,
        output: None,
        error: Some(message),
        error_kind,
        attempts: 0,
        duration_ms: 0,
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        cached_at: None,
    }
}

/// Steps grouped so that every step comes after the steps it needs.
fn levels(p: &Playbook) -> Vec<HashSet<String>> {
    let mut level: HashMap<&str, usize> = HashMap::new();
    // Validation has ruled out cycles; bound the passes anyway.
    for _ in 0..=p.steps.len() {
        for s in &p.steps {
            let l = s.needs.iter().filter_map(|n| level.get(n.as_str())).map(|l| l + 1).max().unwrap_or(0);
            level.insert(&s.id, l);
        }
    }
    let max = level.values().copied().max().unwrap_or(0);
    (0..=max).map(|l| level.iter().filter(|(_, v)| **v == l).map(|(k, _)| k.to_string()).collect()).collect()
}

/// Makes one call: each attempt within `timeout`; a transient error is
/// retried `retries` times with exponential backoff, and a service's "try
/// again after" (429 `Retry-After`, an exhausted quota) is waited out, up to
/// `max_wait` each time, without counting as a retry: the run is delayed,
/// not failed.
async fn execute(executor: &dyn Executor, call: &PlannedCall, rate: Option<&RateLimit>, timeout: Duration, retries: u32, max_wait: Duration) -> StepResult {
    let started = Instant::now();
    let mut attempts = 0;
    let mut waits = 0;
    let mut backoff = Duration::from_millis(200);
    let outcome = loop {
        attempts += 1;
        if let Some(rate) = rate {
            rate.wait().await;
        }
        let result = match tokio::time::timeout(timeout, executor.call(&call.action, &call.input)).await {
            Ok(r) => r,
            Err(_) => Err(ConnectorError::unavailable(format!("no answer within {} s", timeout.as_secs()), true)),
        };
        match result {
            Err(e) if e.retry_after.is_some_and(|w| w <= max_wait) && waits < MAX_WAITS => {
                let wait = e.retry_after.unwrap_or_default();
                warn!(step = %call.step, wait_ms = wait.as_millis() as u64, error = %e.message, "the service asks to wait; waiting");
                waits += 1;
                tokio::time::sleep(wait).await;
            }
            Err(mut e) if e.retry_after.is_some() => {
                let wait = e.retry_after.unwrap_or_default().as_secs();
                e.message = format!(
                    "{} (asked to wait {wait} s; the most this run waits is {} s, [connectors.limits] max_wait_seconds)",
                    e.message,
                    max_wait.as_secs()
                );
                break Err(e);
            }
            Err(e) if e.transient && attempts - waits <= retries => {
                warn!(step = %call.step, attempt = attempts, error = %e.message, "transient error; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            other => break other,
        }
    };
    let (status, output, error, error_kind) = match outcome {
        Ok(Some(v)) => (StepStatus::Ok, Some(v), None, None),
        Ok(None) => (StepStatus::NoResult, None, None, None),
        Err(e) => (StepStatus::Failed, None, Some(e.message), Some(e.kind)),
    };
    StepResult {
        step: call.step.clone(),
        item: call.item.clone().unwrap_or_default(),
        action: call.action.clone(),
        input: serde_json::to_value(&call.input).unwrap_or_default(),
        status,
        output,
        error,
        error_kind,
        attempts: attempts.into(),
        duration_ms: started.elapsed().as_millis() as i64,
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        cached_at: None,
    }
}
