//! Running a plan. Steps run in dependency order; the calls of independent
//! steps, and the `for_each` items of a step, run concurrently, bounded by a
//! per-connector concurrency limit. Each call has the step's timeout and
//! retries transient errors with exponential backoff. Every result (input,
//! output, duration, status, error) is stored as soon as the call finishes,
//! so a run interrupted by a crash resumes without repeating finished calls.

use super::definition::{OnError, Playbook};
use super::plan::{Plan, PlannedCall};
use crate::store::{PlaybookRun, StepResult, Store, StoreError};
use futures::future::BoxFuture;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tracing::{info, warn};

/// Why a call failed, and whether trying again may help.
#[derive(Debug, Clone)]
pub struct CallError {
    pub message: String,
    pub transient: bool,
}

/// Carries out connector actions. `Ok(None)` means the system answered and
/// has nothing ("no result"), which is not an error.
pub trait Executor: Send + Sync {
    fn call<'a>(&'a self, action: &'a str, input: &'a BTreeMap<String, String>) -> BoxFuture<'a, Result<Option<serde_json::Value>, CallError>>;
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Runner {
    store: Store,
    executor: Arc<dyn Executor>,
    limits: HashMap<String, Arc<Semaphore>>,
    default_limit: usize,
}

const MAX_BACKOFF: Duration = Duration::from_secs(5);

impl Runner {
    pub fn new(store: Store, executor: Arc<dyn Executor>) -> Runner {
        Runner { store, executor, limits: HashMap::new(), default_limit: 4 }
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

    pub async fn run(&mut self, request_id: i64, playbook: &Playbook, plan: &Plan) -> Result<PlaybookRun, RunError> {
        let run_id = self.store.open_run(request_id, &playbook.name).await?;
        let done: HashSet<(String, String)> = self.store.run(run_id).await?.steps.into_iter().map(|s| (s.step, s.item)).collect();
        if !done.is_empty() {
            info!(run_id, finished = done.len(), "resuming playbook run");
        }
        let steps: HashMap<&str, &super::definition::Step> = playbook.steps.iter().map(|s| (s.id.as_str(), s)).collect();
        let levels = levels(playbook);
        let mut failed_hard = false;
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
                let semaphore = self.semaphore(&call.connector);
                let executor = self.executor.clone();
                let store = self.store.clone();
                let call = call.clone();
                let timeout = Duration::from_secs(step.timeout_seconds.max(1));
                let retries = step.retries;
                tasks.spawn(async move {
                    let result = {
                        let _permit = semaphore.acquire_owned().await.ok();
                        execute(executor.as_ref(), &call, timeout, retries).await
                    };
                    store.record_step(run_id, &result).await.map(|_| result)
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
                if result.status == "failed" && steps.get(result.step.as_str()).is_some_and(|s| s.on_error == OnError::Fail) {
                    failed_hard = true;
                }
            }
        }
        self.store.finish_run(run_id, if failed_hard { "failed" } else { "completed" }).await?;
        Ok(self.store.run(run_id).await?)
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

async fn execute(executor: &dyn Executor, call: &PlannedCall, timeout: Duration, retries: u32) -> StepResult {
    let started = Instant::now();
    let mut attempts = 0;
    let mut backoff = Duration::from_millis(200);
    let outcome = loop {
        attempts += 1;
        let result = match tokio::time::timeout(timeout, executor.call(&call.action, &call.input)).await {
            Ok(r) => r,
            Err(_) => Err(CallError { message: format!("no answer within {} s", timeout.as_secs()), transient: true }),
        };
        match result {
            Err(e) if e.transient && attempts <= retries => {
                warn!(step = %call.step, attempt = attempts, error = %e.message, "transient error; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            other => break other,
        }
    };
    let (status, output, error) = match outcome {
        Ok(Some(v)) => ("ok", Some(v), None),
        Ok(None) => ("no_result", None, None),
        Err(e) => ("failed", None, Some(e.message)),
    };
    StepResult {
        step: call.step.clone(),
        item: call.item.clone().unwrap_or_default(),
        action: call.action.clone(),
        input: serde_json::to_value(&call.input).unwrap_or_default(),
        status: status.into(),
        output,
        error,
        attempts: attempts.into(),
        duration_ms: started.elapsed().as_millis() as i64,
        finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}
