//! What a bad verdict sets off, after a request's playbook run: for each
//! indicator whose verdict is in `[intel.escalation] sightings_on`, the SIEM's
//! log lines over the last weeks (`siem.events`) and the packet capture
//! around each sighting (`arkime.sessions`, where Arkime is set up); for a
//! verdict in `ticket_on`, an "Investigation" ticket in the team's
//! ticketing system (`<tickets>.create_ticket`, the log lines attached with
//! `<tickets>.attach`), or, within `dedup_days` of an earlier ticket for the
//! same indicator, a comment on that one (`<tickets>.comment`); the request
//! is linked to its ticket and its Enrichment task closed. Every call is a
//! step of the run (`intel_verdict`, `intel_sightings`, `intel_pcap`,
//! `intel_ticket`), made through the runner: the privacy guard, limits,
//! retries and waits apply, and the analyst sees each in the timeline.

use crate::deployment::Deployment;
use crate::indicators::Indicator;
use crate::intel::Verdict;
use crate::model::StepStatus;
use crate::playbook::plan::PlannedCall;
use crate::playbook::{RunRequestError, Runner};
use crate::store::{NewAudit, NewTicket, RequestDetail, StepResult, Store};
use std::collections::BTreeMap;
use std::time::Duration;

/// The steps escalation records in a run.
pub const VERDICT_STEP: &str = "intel_verdict";
pub const SIGHTINGS_STEP: &str = "intel_sightings";
pub const PCAP_STEP: &str = "intel_pcap";
pub const TICKET_STEP: &str = "intel_ticket";

/// Who escalation acts as in the audit log.
const ACTOR: &str = "drawbridge";
const TIMEOUT: Duration = Duration::from_secs(60);

/// Escalates the indicators of a finished run. Nothing happens for an
/// indicator without a verdict (no outside source asked) or a verdict the
/// configuration does not escalate.
pub async fn escalate(store: &Store, deployment: &Deployment, runner: &mut Runner, request_id: i64, run_id: i64) -> Result<(), RunRequestError> {
    let cfg = &deployment.config.intel;
    let registry = &deployment.connectors;
    let detail = store.request(request_id).await?;
    let results = store.run(run_id).await?.steps;
    let external = |action: &str| registry.action(action).is_some_and(|a| a.external);
    let anchor = anchor(&detail);
    for stored in detail.indicators.iter().filter(|i| i.withheld_by.is_none()) {
        let item = format!("{}:{}", stored.kind, stored.value);
        let Some(verdict) = crate::intel::decide(&cfg.verdict, &results, &item, external) else { continue };
        let indicator = stored.indicator();
        record(store, run_id, VERDICT_STEP, &item, "intel.verdict", serde_json::json!({ "verdict": verdict.verdict, "reasons": verdict.reasons })).await?;
        let mut sightings = None;
        let mut pcap = Vec::new();
        if cfg.escalation.sightings_on.contains(&verdict.verdict) && registry.ready("siem.events") {
            let start = anchor - chrono::Duration::days(cfg.escalation.sightings_days.into());
            let input = BTreeMap::from([
                ("kind".to_string(), stored.kind.to_string()),
                ("value".to_string(), stored.value.clone()),
                ("start".to_string(), rfc3339(start)),
                ("end".to_string(), rfc3339(anchor)),
                ("limit".to_string(), cfg.escalation.max_log_lines.to_string()),
            ]);
            let result = runner.call(run_id, &planned(registry, SIGHTINGS_STEP, "siem.events", &item, input, &indicator), TIMEOUT, 2).await?;
            if result.status == StepStatus::Ok {
                sightings = result.output.clone();
            }
            if registry.ready("arkime.sessions") {
                let margin = chrono::Duration::minutes(cfg.escalation.pcap_margin_minutes.into());
                for (n, (from, to)) in windows(sightings.as_ref(), margin).into_iter().take(cfg.escalation.pcap_sightings).enumerate() {
                    let input = BTreeMap::from([
                        ("kind".to_string(), stored.kind.to_string()),
                        ("value".to_string(), stored.value.clone()),
                        ("start".to_string(), rfc3339(from)),
                        ("end".to_string(), rfc3339(to)),
                    ]);
                    let mut call = planned(registry, PCAP_STEP, "arkime.sessions", &item, input, &indicator);
                    call.item = Some(format!("{item}#{}", n + 1));
                    let result = runner.call(run_id, &call, TIMEOUT, 2).await?;
                    if let (StepStatus::Ok, Some(out)) = (result.status, result.output) {
                        pcap.push(out);
                    }
                }
            }
        }
        if cfg.escalation.ticket_on.contains(&verdict.verdict)
            && let Some(system) = cfg.escalation.tickets.as_deref()
        {
            ticket(store, runner, deployment, system, &detail, &indicator, &verdict, sightings.as_ref(), &pcap, run_id).await?;
        }
    }
    Ok(())
}

/// Opens the ticket, or comments on the one opened within the dedup window,
/// links it to the request and closes the request's task.
#[allow(clippy::too_many_arguments)]
async fn ticket(
    store: &Store,
    runner: &mut Runner,
    deployment: &Deployment,
    system: &str,
    detail: &RequestDetail,
    indicator: &Indicator,
    verdict: &Verdict,
    sightings: Option<&serde_json::Value>,
    pcap: &[serde_json::Value],
    run_id: i64,
) -> Result<(), RunRequestError> {
    let registry = &deployment.connectors;
    let request_id = detail.summary.id;
    let item = format!("{}:{}", indicator.kind, indicator.value);
    let reference = crate::report::reference(request_id);
    let since = rfc3339(chrono::Utc::now() - chrono::Duration::days(deployment.config.intel.escalation.dedup_days.into()));
    let text = description(detail, indicator, verdict, sightings, pcap);
    let (key, action) = match store.ticket_for(indicator.kind, &indicator.value, &since).await? {
        // This request is on the ticket already (a re-run): nothing to add.
        Some(open) if store.tickets_of_request(request_id).await?.iter().any(|l| l.ticket.id == open.id) => return Ok(()),
        Some(open) => {
            let comment = format!("Seen again in request {reference}.\n{text}");
            let input = BTreeMap::from([("key".to_string(), open.key.clone()), ("text".to_string(), comment)]);
            let result = runner.call(run_id, &planned(registry, TICKET_STEP, &format!("{system}.comment"), &item, input, indicator), TIMEOUT, 2).await?;
            if result.status != StepStatus::Ok {
                return Ok(());
            }
            store.link_ticket(open.id, request_id).await?;
            (open.key, "ticket_commented")
        }
        None => {
            let summary = format!("Investigation: {} {} ({})", indicator.kind, indicator.value, verdict.verdict.as_str());
            let input = BTreeMap::from([
                ("summary".to_string(), summary),
                ("description".to_string(), text),
                ("labels".to_string(), format!("ioc-{},{}", indicator.kind, verdict.verdict.as_str())),
            ]);
            let result = runner.call(run_id, &planned(registry, TICKET_STEP, &format!("{system}.create_ticket"), &item, input, indicator), TIMEOUT, 2).await?;
            let created = result.output.as_ref().filter(|_| result.status == StepStatus::Ok);
            let Some(key) = created.and_then(|o| o["key"].as_str()).map(str::to_string) else { return Ok(()) };
            let url = created.and_then(|o| o["url"].as_str()).map(str::to_string);
            store.record_ticket(&NewTicket { system, key: &key, url: url.as_deref(), kind: indicator.kind, value: &indicator.value, request_id }).await?;
            if let Some(lines) = log_lines(sightings) {
                let input = BTreeMap::from([
                    ("key".to_string(), key.clone()),
                    ("filename".to_string(), format!("sightings-{}.log", indicator.kind)),
                    ("content".to_string(), lines),
                ]);
                let call = planned(registry, &format!("{TICKET_STEP}_logs"), &format!("{system}.attach"), &item, input, indicator);
                runner.call(run_id, &call, TIMEOUT, 2).await?;
            }
            (key, "ticket_opened")
        }
    };
    let detail_json = serde_json::json!({ "system": system, "ticket": key, "indicator": item, "verdict": verdict.verdict });
    store.record_audit(&NewAudit::about(request_id, ACTOR, action, detail_json)).await?;
    let because = format!("investigation ticket {key} ({system}): {item} is {}", verdict.verdict.as_str());
    if store.close_task_of(request_id, &because).await? {
        store.record_audit(&NewAudit::about(request_id, ACTOR, "task_closed", serde_json::json!({ "because": because }))).await?;
    }
    Ok(())
}

/// The ticket's text: the verdict and why, the request, what the SIEM saw
/// and the packet capture found.
fn description(detail: &RequestDetail, indicator: &Indicator, verdict: &Verdict, sightings: Option<&serde_json::Value>, pcap: &[serde_json::Value]) -> String {
    let mut lines = vec![format!("Indicator: {} {}", indicator.kind, indicator.value), format!("Verdict: {}", verdict.verdict.as_str())];
    lines.extend(verdict.reasons.iter().map(|r| format!("  - {r}")));
    lines.push(format!(
        "Request: {} from {} ({})",
        crate::report::reference(detail.summary.id),
        detail.summary.sender.as_deref().unwrap_or("unknown sender"),
        detail.summary.subject.as_deref().unwrap_or("no subject")
    ));
    match sightings {
        Some(s) => {
            let total = s["total"].as_u64().unwrap_or(0);
            let kept = s["events"].as_array().map_or(0, Vec::len);
            lines.push(format!("Internal sightings: {total} events in the SIEM ({kept} attached as log lines)."));
            let hosts: std::collections::BTreeSet<&str> = s["events"].as_array().into_iter().flatten().filter_map(|e| e["host"].as_str()).collect();
            if !hosts.is_empty() {
                lines.push(format!("Hosts: {}", hosts.into_iter().collect::<Vec<_>>().join(", ")));
            }
        }
        None => lines.push("Internal sightings: none found in the SIEM (or the SIEM could not be searched).".into()),
    }
    for p in pcap {
        for session in p["sessions"].as_array().into_iter().flatten() {
            lines.push(format!(
                "Packet capture: {} bytes, {} ({})",
                session["pcap_bytes"].as_u64().unwrap_or(0),
                session["download"].as_str().unwrap_or(""),
                session["link"].as_str().unwrap_or("")
            ));
        }
    }
    lines.push("Opened by Drawbridge.".into());
    lines.join("\n")
}

/// The sightings' log lines as a text file, one event per line.
fn log_lines(sightings: Option<&serde_json::Value>) -> Option<String> {
    let events = sightings?["events"].as_array()?;
    if events.is_empty() {
        return None;
    }
    Some(
        events
            .iter()
            .map(|e| format!("{} {} {}\n", e["time"].as_str().unwrap_or(""), e["source"].as_str().unwrap_or(""), e["line"].as_str().unwrap_or("")))
            .collect(),
    )
}

/// The packet-capture windows: `margin` either side of each sighting,
/// overlapping ones merged, oldest first.
fn windows(sightings: Option<&serde_json::Value>, margin: chrono::Duration) -> Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let mut times: Vec<chrono::DateTime<chrono::Utc>> = sightings
        .and_then(|s| s["events"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|e| e["time"].as_str())
        .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .collect();
    times.sort();
    let mut out: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> = Vec::new();
    for t in times {
        match out.last_mut() {
            Some(last) if t - margin <= last.1 => last.1 = t + margin,
            _ => out.push((t - margin, t + margin)),
        }
    }
    out
}

fn planned(
    registry: &crate::connectors::Registry,
    step: &str,
    action: &str,
    item: &str,
    input: BTreeMap<String, String>,
    indicator: &Indicator,
) -> PlannedCall {
    PlannedCall {
        step: step.into(),
        action: action.into(),
        connector: registry.action(action).map(|a| a.connector.clone()).unwrap_or_else(|| action.split('.').next().unwrap_or(action).to_string()),
        item: Some(item.into()),
        query: registry.preview(action, &input),
        input,
        needs: Vec::new(),
        deferred: false,
        indicator: Some(indicator.clone()),
    }
}

/// A result the engine itself produced (the verdict), recorded in the run.
async fn record(store: &Store, run_id: i64, step: &str, item: &str, action: &str, output: serde_json::Value) -> Result<(), RunRequestError> {
    let result = StepResult {
        step: step.into(),
        item: item.into(),
        action: action.into(),
        input: serde_json::Value::Null,
        status: StepStatus::Ok,
        output: Some(output),
        error: None,
        error_kind: None,
        attempts: 0,
        duration_ms: 0,
        finished_at: rfc3339(chrono::Utc::now()),
        cached_at: None,
    };
    store.record_step(run_id, &result).await?;
    Ok(())
}

/// When the request was sent (else received): the sightings end there.
fn anchor(detail: &RequestDetail) -> chrono::DateTime<chrono::Utc> {
    crate::playbook::window::anchor(detail.parsed.as_ref().and_then(|p| p["date"].as_str()), Some(&detail.summary.received_at))
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_windows_surround_each_sighting_and_merge_when_they_overlap() {
        let s = serde_json::json!({ "events": [
            { "time": "2026-11-20T04:02:00Z" }, { "time": "2026-11-20T04:00:00Z" }, { "time": "2026-11-21T10:00:00Z" }, { "time": "not a time" }
        ] });
        let w = windows(Some(&s), chrono::Duration::minutes(10));
        let show: Vec<(String, String)> = w.iter().map(|(a, b)| (rfc3339(*a), rfc3339(*b))).collect();
        assert_eq!(
            show,
            [
                ("2026-11-20T03:50:00Z".to_string(), "2026-11-20T04:12:00Z".to_string()),
                ("2026-11-21T09:50:00Z".to_string(), "2026-11-21T10:10:00Z".to_string())
            ]
        );
        assert!(windows(None, chrono::Duration::minutes(10)).is_empty());
    }
}
