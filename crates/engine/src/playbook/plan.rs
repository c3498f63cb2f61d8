//! Choosing the playbook for a request, and planning its calls: which steps
//! run for which indicators, with rendered inputs and the exact query each
//! connector would send. `drawbridge playbook dry-run` prints this plan.

use super::definition::Playbook;
use crate::connectors::Registry;
use crate::indicators::Indicator;
use drawbridge_net::template as render;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a playbook sees of a request.
#[derive(Debug, Clone, Serialize)]
pub struct RequestContext {
    pub id: Option<i64>,
    pub subject: String,
    pub sender: String,
    pub request_type: String,
    /// Every classifier's label (`request.labels.priority`), `request_type` included.
    pub labels: BTreeMap<String, String>,
    pub indicators: Vec<Indicator>,
    /// The period the request is about (`request.window.start` / `.end` in templates).
    pub window: super::window::Window,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedCall {
    pub step: String,
    pub action: String,
    pub connector: String,
    /// The indicator this call is for (`for_each` steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    pub input: BTreeMap<String, String>,
    pub query: String,
    pub needs: Vec<String>,
    /// The step reads earlier steps' outputs (`steps.<id>`): its condition and
    /// inputs are evaluated by the runner once those steps have finished.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deferred: bool,
    /// The indicator as templates see it (`item`).
    #[serde(skip)]
    pub indicator: Option<Indicator>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub playbook: String,
    pub calls: Vec<PlannedCall>,
    /// Steps that will not run, and why.
    pub skipped: Vec<(String, String)>,
    /// The request as templates see it (`request`), for deferred steps.
    #[serde(skip)]
    pub request: serde_json::Value,
}

/// The playbook for a request type: the one that names it, else `default`.
pub fn select<'a>(playbooks: &'a [Playbook], request_type: &str, indicators: &[Indicator]) -> Option<&'a Playbook> {
    let fits = |p: &&Playbook| p.trigger.indicator_kinds.is_empty() || indicators.iter().any(|i| p.trigger.indicator_kinds.contains(&i.kind));
    playbooks
        .iter()
        .filter(fits)
        .find(|p| p.trigger.request_types.iter().any(|t| t == request_type))
        .or_else(|| playbooks.iter().find(|p| p.trigger.request_types.iter().any(|t| t == "default")))
}

/// The plan with no connector set up (the shipped HTTP connector files
/// known, none deployed): queries as the connectors' example settings would
/// send them.
pub fn plan(playbook: &Playbook, request: &RequestContext) -> Result<Plan, String> {
    let shipped = crate::connectors::http::HttpConnector::load_dir(&crate::paths::shipped_playbooks_dir().join("connectors")).map_err(|e| e.to_string())?;
    let registry = Registry::build(&Default::default(), &shipped).map_err(|e| e.to_string())?;
    plan_with(playbook, request, &registry)
}

/// As [`plan`], with the deployment's connectors (field mappings…) so that
/// the queries shown are the ones that would be sent.
pub fn plan_with(playbook: &Playbook, request: &RequestContext, connectors: &Registry) -> Result<Plan, String> {
    let env = render::environment();
    let mut calls = Vec::new();
    let mut skipped = Vec::new();
    let request_json = serde_json::to_value(request).map_err(|e| e.to_string())?;
    for step in &playbook.steps {
        let spec = connectors.action(&step.action).ok_or_else(|| format!("unknown action {}", step.action))?;
        let items: Vec<Option<&Indicator>> = match &step.for_each {
            Some(fe) => request.indicators.iter().filter(|i| fe.kinds.contains(&i.kind)).map(Some).collect(),
            None => vec![None],
        };
        if items.is_empty() {
            skipped.push((step.id.clone(), "no indicator of the kinds it runs for".into()));
            continue;
        }
        // Optional sources (outside intel services, a MISP) are opt-in: one
        // this deployment has not set up is left out, not reported as a
        // source that could not be asked.
        if spec.opt_in && connectors.availability(&spec.connector) == Some(crate::connectors::Availability::NotConfigured) {
            skipped.push((step.id.clone(), format!("{} (an optional source) is not set up here", spec.connector)));
            continue;
        }
        if super::definition::uses_step_outputs(step) {
            let referenced = super::definition::referenced_steps(step).join(", ");
            for item in items {
                calls.push(PlannedCall {
                    step: step.id.clone(),
                    action: step.action.clone(),
                    connector: spec.connector.clone(),
                    item: item.map(|i| format!("{}:{}", i.kind, i.value)),
                    query: format!("(built at run time from the outputs of {referenced})"),
                    input: step.input.clone(),
                    needs: step.needs.clone(),
                    deferred: true,
                    indicator: item.cloned(),
                });
            }
            continue;
        }
        for item in items {
            let context = serde_json::json!({
                "request": request_json,
                "item": item,
                "steps": {},
            });
            if let Some(cond) = &step.when
                && !render::condition(&env, cond, &context).map_err(|e| format!("step {}: when: {e}", step.id))?
            {
                skipped.push((step.id.clone(), format!("`when` is false{}", item.map(|i| format!(" for {}", i.value)).unwrap_or_default())));
                continue;
            }
            let mut input = BTreeMap::new();
            for (k, t) in &step.input {
                input.insert(k.clone(), render::render(&env, t, &context).map_err(|e| format!("step {}: input {k}: {e}", step.id))?);
            }
            calls.push(PlannedCall {
                step: step.id.clone(),
                action: step.action.clone(),
                connector: spec.connector.clone(),
                item: item.map(|i| format!("{}:{}", i.kind, i.value)),
                query: connectors.preview(&step.action, &input),
                input,
                needs: step.needs.clone(),
                deferred: false,
                indicator: item.cloned(),
            });
        }
    }
    Ok(Plan { playbook: playbook.name.clone(), calls, skipped, request: request_json })
}
