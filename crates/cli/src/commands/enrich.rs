//! `drawbridge enrich VALUE…`: indicators submitted without an e-mail
//! ("technology X submits a potential IOC"), enriched at once. Prints the
//! summary: each indicator's verdict and why, what every source said, the
//! ticket opened or commented on, and whether the Enrichment task closed.

use crate::context::{Ctx, print_json};
use anyhow::{Result, bail};
use drawbridge_engine::enrich;
use drawbridge_engine::ingest::Origin;
use drawbridge_engine::intake::submission::Submission;
use drawbridge_engine::playbook::Runner;
use drawbridge_engine::review::Reviewer;
use drawbridge_engine::store::Source;

pub struct Request<'a> {
    pub values: Vec<String>,
    pub by: Option<&'a str>,
    pub note: Option<&'a str>,
    pub reference: Option<&'a str>,
}

pub async fn run(ctx: &Ctx, r: Request<'_>) -> Result<()> {
    let by = match r.by {
        Some(b) => b.to_string(),
        None => ctx.actor(None)?,
    };
    let mut submission = Submission::new(r.values, Some(by), r.note.map(str::to_string)).checked()?;
    submission.reference = r.reference.map(str::to_string);
    submission.submitted_at = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let raw = serde_json::to_vec_pretty(&submission)?;
    let ingestor = ctx.ingestor().await?;
    let outcome = ingestor.submit(&raw, &Origin { source: Source::Submission, reference: "drawbridge enrich".into(), cursor: None }).await?;
    let store = ctx.store().await?;
    let id = outcome.request_id;
    if outcome.quarantined {
        let reason = store.request(id).await?.summary.quarantine_reason.unwrap_or_default();
        bail!("request {id} was quarantined: {reason}");
    }
    let deployment = ctx.deployment()?;
    let mut runner = Runner::configured(store.clone(), deployment.connectors.clone(), &deployment.config.connectors.limits);
    let run = enrich::run_request(&store, &deployment, &mut runner, id).await?;
    let view = Reviewer::new(&store, &deployment).view(id).await?;
    let tickets = store.tickets_of_request(id).await?;
    let closed = store.task_closed(id).await?;
    print_json(&serde_json::json!({
        "request_id": id,
        "reference": view.report.reference,
        "run": { "id": run.id, "playbook": run.playbook, "status": run.status },
        "indicators": view.report.indicators,
        "tickets": tickets,
        "task_closed": closed.map(|(at, because)| serde_json::json!({ "at": at, "because": because })),
    }))
}
