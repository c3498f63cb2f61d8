//! Review: the analyst's side of a report. The draft is built from the
//! request's latest playbook run under the MSSP's disclosure policy; the
//! analyst edits the summary, redacts or reveals single values, approves or
//! rejects. Approvals are bound to the digest of exactly what will be sent:
//! any later change sends the report back to draft and withdraws its queued
//! reply. Containment-like request types can require two different
//! approvers. Every change is appended to the hash-chained audit log.

pub mod attention;
pub mod audit;
pub mod diff;
pub mod indicators;
pub mod original;

pub use indicators::IndicatorEdit;

use crate::config::Config;
use crate::deployment::Deployment;
use crate::model::{RequestStatus, RunStatus};
use crate::outbound::message::{self, Body, Reply};
use crate::report::disclosure::{self, DisclosurePolicy, Override};
use crate::report::{self, Rendered, Report};
use crate::store::{Approval, NewAudit, NewOutbox, OutboxItem, PlaybookRun, ReportRow, RequestDetail, ReviewState, Store, StoreError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] report::RenderError),
    #[error(transparent)]
    Playbooks(#[from] crate::playbook::PlaybookError),
    #[error(transparent)]
    Message(#[from] message::MessageError),
    #[error("{0}")]
    Refused(String),
}

impl ReviewError {
    /// How a user interface should present this error: "you may not do
    /// this" is not "something is broken".
    pub fn kind(&self) -> crate::model::ErrorKind {
        use crate::model::ErrorKind;
        match self {
            ReviewError::Store(e) => e.kind(),
            ReviewError::Refused(_) => ErrorKind::Refused,
            ReviewError::Message(_) => ErrorKind::InvalidInput,
            ReviewError::Render(_) | ReviewError::Playbooks(_) => ErrorKind::Internal,
        }
    }
}

impl From<ReviewError> for crate::model::Failure {
    fn from(e: ReviewError) -> crate::model::Failure {
        crate::model::Failure::new(e.kind(), e.to_string())
    }
}

/// Everything the review screen and `drawbridge report show` need.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub state: ReviewState,
    pub report: Report,
    pub rendered: Rendered,
    /// The draft as first generated, and the lines that differ from it now.
    pub generated_text: String,
    pub diff: Vec<diff::Line>,
    pub approvals: Vec<Approval>,
    pub approvals_required: usize,
    pub reject_reason: Option<String>,
    pub recipients: Vec<String>,
    pub outbox: Vec<OutboxItem>,
    /// The playbook run behind the draft: `running`, `completed`, `failed`, or none yet.
    pub run_status: Option<RunStatus>,
    /// What each failed source said, for the analyst only: the report
    /// itself carries a neutral reason, never this text.
    pub source_errors: Vec<SourceError>,
    /// The investigation tickets this request opened or commented on.
    pub tickets: Vec<crate::store::TicketLink>,
    /// When and why the request's Enrichment task was closed, if it was.
    pub task_closed: Option<TaskClosed>,
    /// Why no reply goes out, when none does (indicators submitted without
    /// an e-mail): approving then records the review and sends nothing.
    pub no_reply: Option<String>,
}

/// A closed task, as the review screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskClosed {
    pub at: String,
    pub because: String,
}

/// One failed call of the run, as the analyst sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceError {
    pub step: String,
    pub item: String,
    pub action: String,
    pub kind: Option<crate::model::ErrorKind>,
    pub error: String,
}

pub struct Reviewer<'a> {
    store: &'a Store,
    deployment: &'a Deployment,
}

const SYSTEM: &str = "drawbridge";

/// What one review screen is computed from, read in one go.
struct Snapshot {
    detail: RequestDetail,
    run: Option<PlaybookRun>,
    row: Option<ReportRow>,
}

/// A stored draft nobody has touched: it follows its data.
fn untouched(row: &ReportRow) -> bool {
    row.state == ReviewState::Draft && row.summary.is_none() && row.overrides.is_empty() && row.approvals.is_empty()
}

impl<'a> Reviewer<'a> {
    pub fn new(store: &'a Store, deployment: &'a Deployment) -> Reviewer<'a> {
        Reviewer { store, deployment }
    }

    fn config(&self) -> &Config {
        &self.deployment.config
    }

    fn policy(&self, sender: Option<&str>) -> DisclosurePolicy {
        let fallback = DisclosurePolicy::default();
        disclosure::policy_for(&self.config().disclosure, sender, &fallback).clone()
    }

    async fn snapshot(&self, request_id: i64) -> Result<Snapshot, ReviewError> {
        Ok(Snapshot {
            detail: self.store.request(request_id).await?,
            run: self.store.latest_run(request_id).await?,
            row: self.store.report_row(request_id).await?,
        })
    }

    /// The report as it would be sent, from the request's data and `row`'s edits.
    fn build(&self, snap: &Snapshot, row: Option<&ReportRow>) -> Result<(Report, Rendered), ReviewError> {
        self.build_under(snap, row, None)
    }

    /// As `build`, under `policy` instead of the sender's (a preview).
    fn build_under(&self, snap: &Snapshot, row: Option<&ReportRow>, policy: Option<&DisclosurePolicy>) -> Result<(Report, Rendered), ReviewError> {
        let (detail, run) = (&snap.detail, snap.run.as_ref());
        let playbooks = self.deployment.playbooks()?;
        let playbook = run.and_then(|r| playbooks.iter().find(|p| p.name == r.playbook));
        let ctx = crate::playbook::context_of(detail);
        let policy = policy.cloned().unwrap_or_else(|| self.policy(detail.summary.sender.as_deref()));
        let empty = Default::default();
        let built = report::build(&report::Inputs {
            detail,
            run,
            playbook,
            window: Some(report::TimeWindow { start: ctx.window.start.to_rfc3339(), end: ctx.window.end.to_rfc3339(), source: ctx.window.source.clone() }),
            policy: &policy,
            connectors: &self.deployment.connectors,
            verdict_rules: &self.config().intel.verdict,
            overrides: row.map(|r| &r.overrides).unwrap_or(&empty),
            summary: row.and_then(|r| r.summary.as_deref()),
            // Part of what is approved, so it must not change on every view:
            // the time the data was gathered.
            generated_at: run.map(|r| r.finished_at.clone().unwrap_or_else(|| r.started_at.clone())).unwrap_or_else(|| detail.summary.received_at.clone()),
        });
        let rendered = self.deployment.templates()?.render(&built, self.config().report.stix_organisation.as_deref())?;
        Ok((built, rendered))
    }

    /// The reply to a request as it would read under `policy` (with the
    /// analyst's edits): the Policies screen's preview. Nothing is stored.
    pub async fn preview_policy(&self, request_id: i64, policy: &DisclosurePolicy) -> Result<Rendered, ReviewError> {
        let snap = self.snapshot(request_id).await?;
        Ok(self.build_under(&snap, snap.row.as_ref(), Some(policy))?.1)
    }

    /// The current review. Reading changes nothing: where no draft is stored
    /// yet, or the stored one is untouched and its data has changed since,
    /// the view shows the draft as it would be generated now.
    pub async fn view(&self, request_id: i64) -> Result<ReviewView, ReviewError> {
        let snap = self.snapshot(request_id).await?;
        let built = self.build(&snap, snap.row.as_ref())?;
        self.compose(snap, built).await
    }

    /// The review screen from a snapshot and the report built from it.
    async fn compose(&self, snap: Snapshot, (report, rendered): (Report, Rendered)) -> Result<ReviewView, ReviewError> {
        let request_id = snap.detail.summary.id;
        let (state, generated_text, approvals, reject_reason) = match &snap.row {
            Some(row) if !untouched(row) => (
                row.state,
                row.generated_text.clone(),
                row.approvals.iter().filter(|a| a.digest == rendered.digest).cloned().collect(),
                row.reject_reason.clone(),
            ),
            _ => (ReviewState::Draft, rendered.text.clone(), Vec::new(), None),
        };
        let source_errors = snap
            .run
            .iter()
            .flat_map(|r| &r.steps)
            .filter(|s| s.status == crate::model::StepStatus::Failed)
            .map(|s| SourceError {
                step: s.step.clone(),
                item: s.item.clone(),
                action: s.action.clone(),
                kind: s.error_kind,
                error: s.error.clone().unwrap_or_default(),
            })
            .collect();
        Ok(ReviewView {
            source_errors,
            run_status: snap.run.as_ref().map(|r| r.status),
            state,
            diff: diff::lines(&generated_text, &rendered.text),
            generated_text,
            approvals,
            approvals_required: self.approvals_required(snap.detail.summary.request_type.as_deref()),
            reject_reason,
            recipients: self.recipients(&snap.detail).unwrap_or_default(),
            no_reply: no_reply(&snap.detail),
            outbox: self.store.outbox(Some(request_id)).await?,
            tickets: self.store.tickets_of_request(request_id).await?,
            task_closed: self.store.task_closed(request_id).await?.map(|(at, because)| TaskClosed { at, because }),
            report,
            rendered,
        })
    }

    /// Stores the draft as its data stands now: creates it, or refreshes a
    /// draft nobody has touched. The worker calls this when a run finishes;
    /// every change calls it first. Returns the stored row.
    pub async fn refresh_draft(&self, request_id: i64) -> Result<ReportRow, ReviewError> {
        let snap = self.snapshot(request_id).await?;
        if let Some(row) = snap.row.as_ref().filter(|r| !untouched(r)) {
            return Ok(row.clone());
        }
        let (_, rendered) = self.build(&snap, snap.row.as_ref())?;
        let (row, before) = match &snap.row {
            Some(row) if row.digest == rendered.digest => return Ok(row.clone()),
            Some(row) => (
                ReportRow { digest: rendered.digest.clone(), generated_digest: rendered.digest.clone(), generated_text: rendered.text.clone(), ..row.clone() },
                Some(row.digest.clone()),
            ),
            None => (
                ReportRow {
                    request_id,
                    state: ReviewState::Draft,
                    summary: None,
                    overrides: Default::default(),
                    digest: rendered.digest.clone(),
                    generated_digest: rendered.digest.clone(),
                    generated_text: rendered.text.clone(),
                    approvals: Vec::new(),
                    reject_reason: None,
                    updated_at: String::new(),
                    revision: 0,
                },
                None,
            ),
        };
        let detail = serde_json::json!({ "refreshed": before.is_some() });
        let audit = NewAudit {
            actor: SYSTEM.into(),
            action: "draft".into(),
            request_id: Some(request_id),
            before_digest: before.clone(),
            after_digest: Some(rendered.digest.clone()),
            detail,
        };
        match self.store.save_report(&row, before.as_deref(), &audit, None, false).await {
            // Someone else stored it first: theirs stands.
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        self.store.report_row(request_id).await?.ok_or(ReviewError::Store(StoreError::NotFound(request_id)))
    }

    fn approvals_required(&self, request_type: Option<&str>) -> usize {
        if request_type.is_some_and(|t| self.config().review.four_eyes.iter().any(|x| x == t)) { 2 } else { 1 }
    }

    /// The verified sender of the request plus the MSSP's configured
    /// addresses; never an address from the email's text.
    fn recipients(&self, detail: &RequestDetail) -> Result<Vec<String>, ReviewError> {
        if !detail.summary.sender_allowed || detail.summary.status == RequestStatus::Quarantined {
            return Err(ReviewError::Refused(format!("the sender of request {} was not verified; no reply can be sent to it", detail.summary.id)));
        }
        let sender = detail.summary.sender.clone().ok_or_else(|| ReviewError::Refused("the request has no sender address".into()))?;
        let mut to = vec![sender.clone()];
        for extra in &self.policy(Some(&sender)).extra_recipients {
            if !to.iter().any(|t| t.eq_ignore_ascii_case(extra)) {
                to.push(extra.clone());
            }
        }
        Ok(to)
    }

    /// Applies an edit: the report goes back to draft, approvals lapse and
    /// any queued reply is withdrawn.
    async fn edit(
        &self,
        request_id: i64,
        actor: &str,
        action: &str,
        detail: serde_json::Value,
        change: impl FnOnce(&mut ReportRow),
    ) -> Result<ReviewView, ReviewError> {
        let mut row = self.refresh_draft(request_id).await?;
        if row.state == ReviewState::Sent {
            return Err(ReviewError::Refused(format!("the reply to request {request_id} has been sent; it can no longer change")));
        }
        let before = row.digest.clone();
        let was = row.state;
        change(&mut row);
        let snap = self.snapshot(request_id).await?;
        let built = self.build(&snap, Some(&row))?;
        row.digest = built.1.digest.clone();
        row.state = ReviewState::Draft;
        row.approvals.clear();
        row.reject_reason = None;
        let audit = NewAudit {
            actor: actor.into(),
            action: action.into(),
            request_id: Some(request_id),
            before_digest: Some(before.clone()),
            after_digest: Some(row.digest.clone()),
            detail: serde_json::json!({ "change": detail, "state_before": was.as_str() }),
        };
        self.store.save_report(&row, Some(&before), &audit, None, true).await?;
        self.compose(Snapshot { row: Some(row), ..snap }, built).await
    }

    /// Withholds one value (a fact id) or a whole section: every value of
    /// one finding (`kind:value|step`) or of one indicator (`kind:value`).
    pub async fn redact(&self, request_id: i64, target: &str, actor: &str) -> Result<ReviewView, ReviewError> {
        self.set_overrides(request_id, target, actor, "redact", Some(Override::Redact)).await
    }

    /// Sends one value or a whole section as it is, whatever the policy says.
    pub async fn reveal(&self, request_id: i64, target: &str, actor: &str) -> Result<ReviewView, ReviewError> {
        self.set_overrides(request_id, target, actor, "reveal", Some(Override::Reveal)).await
    }

    /// Back to what the policy decides for a value or section.
    pub async fn reset(&self, request_id: i64, target: &str, actor: &str) -> Result<ReviewView, ReviewError> {
        self.set_overrides(request_id, target, actor, "reset", None).await
    }

    async fn set_overrides(&self, request_id: i64, target: &str, actor: &str, action: &str, choice: Option<Override>) -> Result<ReviewView, ReviewError> {
        let ids = self.targets(request_id, target).await?;
        let detail = serde_json::json!({ "target": target, "values": ids.len() });
        self.edit(request_id, actor, action, detail, move |r| {
            for id in ids {
                match choice {
                    Some(c) => {
                        r.overrides.insert(id, c);
                    }
                    None => {
                        r.overrides.remove(&id);
                    }
                }
            }
        })
        .await
    }

    pub async fn edit_summary(&self, request_id: i64, text: &str, actor: &str) -> Result<ReviewView, ReviewError> {
        let text = text.to_string();
        self.edit(request_id, actor, "edit_summary", serde_json::json!({ "summary": text }), move |r| r.summary = Some(text)).await
    }

    /// The fact ids `target` names: itself, or every fact of the section it prefixes.
    async fn targets(&self, request_id: i64, target: &str) -> Result<Vec<String>, ReviewError> {
        let snap = self.snapshot(request_id).await?;
        let (report, _) = self.build(&snap, snap.row.as_ref())?;
        let section = format!("{target}|");
        let ids: Vec<String> = report
            .indicators
            .iter()
            .flat_map(|i| &i.findings)
            .flat_map(|f| &f.facts)
            .filter(|f| f.id == target || f.id.starts_with(&section))
            .map(|f| f.id.clone())
            .collect();
        if ids.is_empty() { Err(ReviewError::Refused(format!("request {request_id} has no value or section {target:?}"))) } else { Ok(ids) }
    }

    /// Approves the report the approver was shown: `shown_digest` is the
    /// digest of that view (`rendered.digest`). When the report has changed
    /// since (an edit, a second approver's stale screen, new data) the
    /// approval is refused: review it again. When enough different people
    /// have approved it, the reply is queued for sending.
    pub async fn approve(&self, request_id: i64, actor: &str, shown_digest: &str) -> Result<ReviewView, ReviewError> {
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(ReviewError::Refused("an approval needs the approver's name".into()));
        }
        if self.store.latest_run(request_id).await?.is_none_or(|r| r.status == RunStatus::Running) {
            return Err(ReviewError::Refused(format!("the playbook of request {request_id} has not finished; approve once its findings are in")));
        }
        let mut row = self.refresh_draft(request_id).await?;
        let view = self.view(request_id).await?;
        if view.rendered.digest != shown_digest.trim() {
            return Err(ReviewError::Refused(format!(
                "the report of request {request_id} changed since it was shown to you; review it again (it is now {})",
                view.rendered.digest
            )));
        }
        match row.state {
            ReviewState::Draft => {}
            ReviewState::Rejected => return Err(ReviewError::Refused(format!("request {request_id} was rejected; edit the report to reopen it"))),
            other => return Err(ReviewError::Refused(format!("request {request_id} is already {}", other.as_str()))),
        }
        // The stored digest is what the change is made against; the new one
        // differs when the data under the report changed since (a new run).
        let before = row.digest.clone();
        row.digest = view.rendered.digest.clone();
        let detail = self.store.request(request_id).await?;
        let no_reply = no_reply(&detail);
        let recipients = if no_reply.is_some() { Vec::new() } else { self.recipients(&detail)? };
        let mut approvals: Vec<Approval> = row.approvals.iter().filter(|a| a.digest == view.rendered.digest).cloned().collect();
        if approvals.iter().any(|a| crate::identity::same_person(&a.actor, actor)) {
            return Err(ReviewError::Refused(format!("{actor} has already approved this report; a different person must give the second approval")));
        }
        approvals.push(Approval {
            actor: actor.into(),
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            digest: view.rendered.digest.clone(),
        });
        let complete = approvals.len() >= view.approvals_required;
        row.approvals = approvals;
        let mut enqueue = None;
        if complete {
            row.state = ReviewState::Approved;
            if let Some(out) = self.config().outbound.as_ref().filter(|_| no_reply.is_none()) {
                let body = Body::Report { rendered: &view.rendered, reference: &view.report.reference };
                enqueue = Some(outbox_message(out, &detail, &recipients, "report", view.rendered.digest.clone(), body)?);
                row.state = ReviewState::Queued;
            }
        }
        let audit = NewAudit {
            actor: actor.into(),
            action: "approve".into(),
            request_id: Some(request_id),
            before_digest: Some(before.clone()),
            after_digest: Some(row.digest.clone()),
            // The hash of the exact bytes queued: the sender checks them against it.
            detail: serde_json::json!({
                "approvals": row.approvals.len(),
                "required": view.approvals_required,
                "state": row.state.as_str(),
                "message_sha256": enqueue.as_ref().map(NewOutbox::message_sha256),
                "no_reply": no_reply,
            }),
        };
        self.store.save_report(&row, Some(&before), &audit, enqueue.as_ref(), false).await?;
        self.view(request_id).await
    }

    /// Corrects one classifier's label of a request (audited by the store).
    /// A request-type correction can change how many approvals the reply
    /// needs: when an approved or queued reply now lacks approvals, it goes
    /// back to review and a queued message is withdrawn, with its own audit
    /// entry. A reply already sent stays sent.
    pub async fn correct_label(
        &self,
        request_id: i64,
        classifier: &str,
        to_label: &str,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<crate::store::Correction, ReviewError> {
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(ReviewError::Refused("a correction needs the name of the analyst who makes it".into()));
        }
        let correction = self.store.correct_label(request_id, classifier, to_label, actor, reason).await?;
        if classifier != crate::classify::REQUEST_TYPE {
            return Ok(correction);
        }
        let Some(mut row) = self.store.report_row(request_id).await? else { return Ok(correction) };
        let required = self.approvals_required(Some(to_label));
        let was = row.state;
        if matches!(was, ReviewState::Approved | ReviewState::Queued) && row.approvals.len() < required {
            row.state = ReviewState::Draft;
            let audit = NewAudit {
                actor: actor.into(),
                action: "reopen_approval".into(),
                request_id: Some(request_id),
                before_digest: Some(row.digest.clone()),
                after_digest: Some(row.digest.clone()),
                detail: serde_json::json!({
                    "why": format!("the request type is now {to_label}, which needs {required} approvals; it had {}", row.approvals.len()),
                    "state_before": was.as_str(),
                }),
            };
            let digest = row.digest.clone();
            self.store.save_report(&row, Some(&digest), &audit, None, true).await?;
        }
        Ok(correction)
    }

    /// An analyst's correction from the review screen: the label is corrected
    /// (audited, approval re-opened where the type needs more approvals);
    /// for the request type, the playbook of the new type runs and the draft
    /// is refreshed from it. The view afterwards.
    pub async fn correct_and_rerun(
        &self,
        request_id: i64,
        classifier: &str,
        to_label: &str,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<ReviewView, ReviewError> {
        self.correct_label(request_id, classifier, to_label, actor, reason).await?;
        if classifier == crate::classify::REQUEST_TYPE {
            let mut runner = crate::playbook::Runner::configured(self.store.clone(), self.deployment.connectors.clone(), &self.config().connectors.limits);
            crate::enrich::run_request(self.store, self.deployment, &mut runner, request_id)
                .await
                .map_err(|e| ReviewError::Refused(format!("the label is corrected, but the playbook of the new type could not run: {e}")))?;
            self.refresh_draft(request_id).await?;
        }
        self.view(request_id).await
    }

    /// Runs the request's playbook again (a source that was down, a
    /// connector set up since): the whole run, or with `step` that step and
    /// the steps that need it, keeping the other results. Audited; the draft
    /// is refreshed.
    pub async fn rerun(&self, request_id: i64, step: Option<&str>, actor: &str) -> Result<ReviewView, ReviewError> {
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(ReviewError::Refused("a re-run needs the name of the analyst who asks for it".into()));
        }
        let previous = self.store.latest_run(request_id).await?.map(|r| r.id);
        let mut runner = crate::playbook::Runner::configured(self.store.clone(), self.deployment.connectors.clone(), &self.config().connectors.limits);
        let run = match step {
            None => crate::enrich::run_request(self.store, self.deployment, &mut runner, request_id).await,
            Some(step) => crate::enrich::rerun_step(self.store, self.deployment, &mut runner, request_id, step).await,
        }
        .map_err(|e| ReviewError::Refused(format!("the playbook could not run: {e}")))?;
        let mut detail = serde_json::json!({ "previous_run": previous, "run": run.id, "playbook": run.playbook, "status": run.status });
        if let Some(step) = step {
            detail["step"] = step.into();
        }
        self.store.record_audit(&NewAudit::about(request_id, actor, "rerun_playbook", detail)).await?;
        self.refresh_draft(request_id).await?;
        self.view(request_id).await
    }

    /// Rejects the request with a reason; optionally queues a short
    /// "we cannot answer this" reply.
    pub async fn reject(&self, request_id: i64, reason: &str, actor: &str, reply: bool) -> Result<ReviewView, ReviewError> {
        if reason.trim().is_empty() {
            return Err(ReviewError::Refused("a rejection needs a reason".into()));
        }
        let mut row = self.refresh_draft(request_id).await?;
        if matches!(row.state, ReviewState::Sent) {
            return Err(ReviewError::Refused(format!("the reply to request {request_id} has been sent")));
        }
        let before = row.digest.clone();
        row.state = ReviewState::Rejected;
        row.approvals.clear();
        row.reject_reason = Some(reason.trim().to_string());
        let detail = self.store.request(request_id).await?;
        let enqueue = match (&self.config().outbound, reply) {
            (Some(out), true) => {
                let recipients = self.recipients(&detail)?;
                let text = format!(
                    "Thank you for your request (our reference {}). We are unable to answer it.\r\n\r\nThis is an automated message from the customer's security team.\r\n",
                    report::reference(request_id)
                );
                Some(outbox_message(out, &detail, &recipients, "refusal", before.clone(), Body::Text(&text))?)
            }
            _ => None,
        };
        let audit = NewAudit {
            actor: actor.into(),
            action: "reject".into(),
            request_id: Some(request_id),
            before_digest: Some(before.clone()),
            after_digest: Some(before.clone()),
            detail: serde_json::json!({ "reason": reason.trim(), "refusal_reply": enqueue.is_some() }),
        };
        self.store.save_report(&row, Some(&before), &audit, enqueue.as_ref(), true).await?;
        self.view(request_id).await
    }
}

/// Why a request gets no reply: it was submitted (`drawbridge enrich`, a
/// JSON file in the drop folder), not e-mailed, so there is no one to
/// answer; its outcome is the summary and any investigation ticket.
fn no_reply(detail: &RequestDetail) -> Option<String> {
    (detail.summary.source == crate::store::Source::Submission.as_str())
        .then(|| "submitted without an e-mail: there is no one to reply to; the outcome is this summary and any investigation ticket".to_string())
}

impl Reviewer<'_> {
    /// Queues the automatic receipt for a request, once, when `[outbound]
    /// acknowledge` is on and the sender was verified. Returns whether it did.
    pub async fn acknowledge(&self, request_id: i64) -> Result<bool, ReviewError> {
        let Some(out) = self.config().outbound.as_ref().filter(|o| o.acknowledge) else { return Ok(false) };
        if self.store.outbox(Some(request_id)).await?.iter().any(|o| o.kind == "acknowledgement") {
            return Ok(false);
        }
        let detail = self.store.request(request_id).await?;
        let Ok(recipients) = self.recipients(&detail) else { return Ok(false) };
        let reference = report::reference(request_id);
        let text = format!("We have received your request. Our reference: {reference}. It is under review; the answer follows once it is approved.\r\n");
        let message = outbox_message(out, &detail, &recipients, "acknowledgement", String::new(), Body::Text(&text))?;
        let audit = NewAudit {
            actor: SYSTEM.into(),
            action: "acknowledge".into(),
            request_id: Some(request_id),
            before_digest: None,
            after_digest: None,
            detail: serde_json::json!({ "message_id": message.message_id }),
        };
        self.store.enqueue(&message, &audit).await?;
        Ok(true)
    }
}

/// A reply of `kind` to the request, threaded to it, ready for the outbox.
fn outbox_message(
    out: &crate::outbound::OutboundConfig,
    detail: &RequestDetail,
    recipients: &[String],
    kind: &str,
    digest: String,
    body: Body<'_>,
) -> Result<NewOutbox, ReviewError> {
    let (bytes, message_id, from, to) = message::build(&Reply {
        from: &out.from,
        to: recipients,
        original_subject: detail.summary.subject.as_deref(),
        in_reply_to: detail.message_id.as_deref(),
        references: &references(detail),
        body,
        id_domain: &out.domain(),
    })?;
    Ok(NewOutbox { request_id: detail.summary.id, kind: kind.into(), digest, message_id, envelope_from: from, recipients: to, message: bytes })
}

fn references(detail: &RequestDetail) -> Vec<String> {
    detail
        .parsed
        .as_ref()
        .and_then(|p| p["references"].as_array())
        .map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}
