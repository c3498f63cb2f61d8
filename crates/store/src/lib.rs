//! The store beneath everything: requests, raw messages, indicators and intake
//! cursors. Callers use [`Store`] only; the backend (SQLite today, PostgreSQL
//! later) is chosen when it is opened.

mod review;
mod sqlite;

pub use review::{Approval, AuditEntry, NewAudit, NewOutbox, OutboxItem, ReportRow, ReviewState, audit_hash, audit_mac, message_sha256};

use drawbridge_model::ParsedMessage;
use drawbridge_model::SenderVerdict;
use drawbridge_model::{Indicator, Kind, RequestStatus, RunStatus, StepStatus};
pub use drawbridge_model::{PlaybookRun, StepResult};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no request with id {0}")]
    NotFound(i64),
    #[error("{0}")]
    Conflict(String),
    #[error("the database holds a value this version does not know: {0}")]
    Unknown(#[from] drawbridge_model::status::UnknownStatus),
}

impl StoreError {
    /// How a user interface should present this error.
    pub fn kind(&self) -> drawbridge_model::ErrorKind {
        use drawbridge_model::ErrorKind;
        match self {
            StoreError::NotFound(_) => ErrorKind::NotFound,
            StoreError::Conflict(_) => ErrorKind::Conflict,
            _ => ErrorKind::Internal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Imap,
    DropFolder,
    File,
    /// Indicators submitted without an e-mail (`drawbridge enrich`, a JSON file).
    Submission,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Imap => "imap",
            Source::DropFolder => "drop_folder",
            Source::File => "file",
            Source::Submission => "submission",
        }
    }
}

/// Where the IMAP watcher stands after ingesting a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapCursor {
    pub account: String,
    pub mailbox: String,
    pub uidvalidity: u32,
    pub last_uid: u32,
}

/// Everything known about one arrived message, ready to commit.
#[derive(Debug)]
pub struct NewRequest<'a> {
    pub raw: &'a [u8],
    pub raw_sha256: String,
    pub source: Source,
    pub source_ref: String,
    pub parsed: Option<&'a ParsedMessage>,
    pub verdict: &'a SenderVerdict,
    pub quarantine_reason: Option<String>,
    pub indicators: &'a [Indicator],
    /// Every classifier's decision, logged with the request (none for
    /// quarantined ones); the `request_type` one sets the request's type.
    pub classifications: &'a [drawbridge_model::Classification],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestOutcome {
    pub request_id: i64,
    /// The same raw message was already stored; nothing new was created.
    pub duplicate: bool,
    pub quarantined: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    pub id: i64,
    pub received_at: String,
    /// The task this request belongs to, once its playbook has run.
    pub task_id: Option<i64>,
    /// The report's review state (`draft`, `approved`, `queued`, `sent`, `rejected`), once drafted.
    pub review_state: Option<ReviewState>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub status: RequestStatus,
    pub quarantine_reason: Option<String>,
    pub sender_allowed: bool,
    pub sender_verdict: SenderVerdict,
    pub indicator_count: i64,
    pub source: String,
    /// The current request type: predicted, or corrected by an analyst.
    pub request_type: Option<String>,
    /// Every classifier's current label (`request_type` included).
    pub labels: std::collections::BTreeMap<String, String>,
    /// The analyst or queue working on it, once assigned.
    pub assignee: Option<String>,
    /// The rule that assigned it, or `reassigned by <actor>`.
    pub assigned_by: Option<String>,
    /// Why its playbook was not run automatically (parked for a person).
    pub parked_reason: Option<String>,
}

/// What the queue shows: every word must appear in the sender, subject,
/// type, assignee or number; `state` is a review state, `new` (no draft
/// yet) or `quarantined`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub request_type: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueuePage {
    pub total: i64,
    pub offset: i64,
    pub rows: Vec<RequestSummary>,
}

/// The raw rows the app's Insights screen is computed from.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub requests: Vec<RequestActivity>,
    /// Replies (reports) sent, with their request's arrival.
    pub replies: Vec<ReplyActivity>,
    pub calls: Vec<CallActivity>,
}

#[derive(Debug, Clone)]
pub struct RequestActivity {
    pub id: i64,
    pub received_at: String,
    pub sender: Option<String>,
    pub request_type: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReplyActivity {
    pub request_id: i64,
    pub received_at: String,
    pub sent_at: String,
}

/// One connector call: the action (`siem.sighting`), whether it failed, how long it took.
#[derive(Debug, Clone)]
pub struct CallActivity {
    pub action: String,
    pub failed: bool,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredIndicator {
    pub kind: Kind,
    pub value: String,
    pub occurrences: i64,
    pub defanged: bool,
    pub source: String,
    /// Earlier requests that mentioned the same indicator, newest first.
    pub seen_before: Vec<Sighting>,
    /// Who marked it "do not disclose": its findings stay out of the reply
    /// and it is never sent to an outside service.
    pub withheld_by: Option<String>,
}

impl StoredIndicator {
    /// The indicator itself, as extraction and playbooks know it.
    pub fn indicator(&self) -> Indicator {
        Indicator { kind: self.kind, value: self.value.clone(), defanged: self.defanged, occurrences: self.occurrences as u32, source: self.source.clone() }
    }
}

/// An analyst's change to a request's indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndicatorChange {
    /// Adds it (or brings back one removed earlier); `source` is `analyst`.
    Add,
    /// Takes it off the request; the extracted row is kept, marked.
    Remove,
    /// Marks it "do not disclose" (true) or lifts the mark.
    Withhold(bool),
}

#[derive(Debug, Clone, Serialize)]
pub struct Sighting {
    pub request_id: i64,
    pub received_at: String,
    pub sender: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub summary: RequestSummary,
    pub source_ref: String,
    pub message_id: Option<String>,
    pub raw_sha256: String,
    pub parsed: Option<serde_json::Value>,
    pub indicators: Vec<StoredIndicator>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorHistory {
    pub kind: Kind,
    pub value: String,
    pub first_seen: String,
    pub last_seen: String,
    pub requests: Vec<Sighting>,
}

/// One prediction and what became of it, for the learning-loop report.
#[derive(Debug, Clone, Serialize)]
pub struct PredictionRecord {
    pub request_id: i64,
    pub label: String,
    pub confidence: f64,
    pub method: String,
    pub model_version: String,
    pub created_at: String,
    /// The analyst's correction, if any (the latest).
    pub corrected_to: Option<String>,
    pub subject: Option<String>,
    pub text: Option<String>,
}

/// A request whose type an analyst set, for retraining.
#[derive(Debug, Clone)]
pub struct CorrectedExample {
    pub request_id: i64,
    pub label: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub id: i64,
    pub request_id: i64,
    pub classifier: String,
    pub from_label: String,
    pub to_label: String,
    pub actor: String,
    pub created_at: String,
}

/// One change of hands of a request.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub id: i64,
    pub request_id: i64,
    pub from_assignee: Option<String>,
    pub assignee: String,
    /// The rule that chose the assignee; none when a person reassigned.
    pub rule: Option<String>,
    pub actor: String,
    pub reason: Option<String>,
    pub created_at: String,
}

/// An earlier request that asked about one of this request's indicators.
#[derive(Debug, Clone, Serialize)]
pub struct PriorAsk {
    pub kind: Kind,
    pub value: String,
    pub request_id: i64,
    pub received_at: String,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub task_id: Option<i64>,
}

/// The task a request was put in, and why.
/// An investigation ticket opened for an indicator.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TicketRow {
    pub id: i64,
    /// The ticketing connector (`jira`, `zendesk`).
    pub system: String,
    /// The ticket's key there (`SEC-17`).
    pub key: String,
    pub url: Option<String>,
    pub kind: Kind,
    pub value: String,
    pub opened_by_request: i64,
    pub opened_at: String,
}

/// A ticket as linked to one request: opened by it, or commented on for it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TicketLink {
    pub ticket: TicketRow,
    /// `opened` or `commented`.
    pub action: String,
    pub at: String,
}

/// A new ticket to record.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    pub system: &'a str,
    pub key: &'a str,
    pub url: Option<&'a str>,
    pub kind: Kind,
    pub value: &'a str,
    pub request_id: i64,
}

/// A source's answer kept in the call cache (answers only, never errors).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedAnswer {
    /// `ok` or `no_result`.
    pub status: StepStatus,
    pub output: Option<serde_json::Value>,
    /// When the source gave it (RFC 3339).
    pub fetched_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskLink {
    pub task_id: i64,
    /// True when the request joined an earlier request's task.
    pub reused: bool,
    /// Earlier requests within the window that named the same indicators, newest first.
    pub asked_before: Vec<PriorAsk>,
}

#[derive(Clone, Debug)]
pub struct Store {
    backend: sqlite::Sqlite,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and migrates it.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        Ok(Store { backend: sqlite::Sqlite::open(path).await? })
    }

    /// From now on, every audit entry this store writes carries an
    /// HMAC-SHA256 of its hash under `key` (kept outside the database).
    pub fn with_audit_key(mut self, key: Option<&[u8]>) -> Store {
        self.backend.audit_key = key.map(std::sync::Arc::from);
        self
    }

    /// A private in-memory database, for tests and dry runs.
    pub async fn in_memory() -> Result<Store, StoreError> {
        Ok(Store { backend: sqlite::Sqlite::in_memory().await? })
    }

    /// Commits a request, its raw bytes, its indicators and (for IMAP) the
    /// mailbox cursor in one transaction. The same raw message twice, or the
    /// same Message-ID from the same sender, is a no-op (reported as duplicate).
    pub async fn insert_request(&self, req: &NewRequest<'_>, cursor: Option<&ImapCursor>) -> Result<IngestOutcome, StoreError> {
        self.backend.insert_request(req, cursor).await
    }

    pub async fn list_requests(&self, limit: i64) -> Result<Vec<RequestSummary>, StoreError> {
        self.backend.list_requests(limit).await
    }

    pub async fn request(&self, id: i64) -> Result<RequestDetail, StoreError> {
        self.backend.request(id).await
    }

    /// The exact bytes that arrived for a request.
    pub async fn raw_message(&self, request_id: i64) -> Result<Vec<u8>, StoreError> {
        self.backend.raw_message(request_id).await
    }

    pub async fn indicator_history(&self, kind: Kind, value: &str) -> Result<Option<IndicatorHistory>, StoreError> {
        self.backend.indicator_history(kind, value).await
    }

    pub async fn imap_cursor(&self, account: &str, mailbox: &str) -> Result<Option<ImapCursor>, StoreError> {
        self.backend.imap_cursor(account, mailbox).await
    }

    pub async fn set_imap_cursor(&self, cursor: &ImapCursor) -> Result<(), StoreError> {
        self.backend.set_imap_cursor(cursor).await
    }

    /// An analyst's correction of the request type (see [`Store::correct_label`]).
    pub async fn correct_type(&self, request_id: i64, to_label: &str, actor: &str, reason: Option<&str>) -> Result<Correction, StoreError> {
        self.backend.correct_label(request_id, "request_type", to_label, actor, reason).await
    }

    /// An analyst's correction of one classifier's label: stored beside the
    /// prediction, with who and when; the request's label becomes `to_label`.
    pub async fn correct_label(&self, request_id: i64, classifier: &str, to_label: &str, actor: &str, reason: Option<&str>) -> Result<Correction, StoreError> {
        self.backend.correct_label(request_id, classifier, to_label, actor, reason).await
    }

    /// One classifier's predictions made in `[from, to)` (RFC 3339 bounds), with their corrections.
    pub async fn predictions_between(&self, classifier: &str, from: &str, to: &str) -> Result<Vec<PredictionRecord>, StoreError> {
        self.backend.predictions_between(classifier, from, to).await
    }

    /// Every request whose `classifier` label an analyst corrected, with its final label and text.
    pub async fn corrected_examples(&self, classifier: &str) -> Result<Vec<CorrectedExample>, StoreError> {
        self.backend.corrected_examples(classifier).await
    }

    /// Puts a request in `assignee`'s hands; `rule` names the assignment rule
    /// that chose them (none for a manual reassignment). Every change is kept.
    pub async fn assign(&self, request_id: i64, assignee: &str, rule: Option<&str>, actor: &str, reason: Option<&str>) -> Result<Assignment, StoreError> {
        self.backend.assign(request_id, assignee, rule, actor, reason).await
    }

    /// Whom `rule` assigned last (round robin continues after them).
    pub async fn last_assignee_by_rule(&self, rule: &str) -> Result<Option<String>, StoreError> {
        self.backend.last_assignee_by_rule(rule).await
    }

    /// Records that a request's playbook could not start: retried at
    /// `retry_at`, or with `None` parked for a person. Returns the attempts so far.
    pub async fn record_run_failure(&self, request_id: i64, error: &str, retry_at: Option<&str>) -> Result<i64, StoreError> {
        self.backend.record_run_failure(request_id, error, retry_at).await
    }

    /// How many times a request's playbook failed to start.
    pub async fn run_failure_attempts(&self, request_id: i64) -> Result<i64, StoreError> {
        self.backend.run_failure_attempts(request_id).await
    }

    /// Forgets a request's start failures (it ran, or a person retried it).
    pub async fn clear_run_failure(&self, request_id: i64) -> Result<(), StoreError> {
        self.backend.clear_run_failure(request_id).await
    }

    /// Every change of hands of a request, oldest first.
    pub async fn assignments(&self, request_id: i64) -> Result<Vec<Assignment>, StoreError> {
        self.backend.assignments(request_id).await
    }

    /// The newest requests assigned to `assignee`.
    /// One page of the queue, newest first, filtered in the database, with the
    /// number of requests that match (the app's virtualised list).
    pub async fn queue_page(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        self.backend.queue_page(query).await
    }

    pub async fn list_assigned(&self, assignee: &str, limit: i64) -> Result<Vec<RequestSummary>, StoreError> {
        self.backend.list_assigned(assignee, limit).await
    }

    /// The unfinished run of `playbook` for a request, or a new one.
    /// Puts a request in a task: the task of the latest earlier request
    /// (within `window_days`) that named one of its indicators, else a new
    /// one. Idempotent: a request keeps its task.
    pub async fn assign_task(&self, request_id: i64, window_days: u32) -> Result<TaskLink, StoreError> {
        self.backend.assign_task(request_id, window_days).await
    }

    pub async fn open_run(&self, request_id: i64, playbook: &str) -> Result<i64, StoreError> {
        self.backend.open_run(request_id, playbook).await
    }

    pub async fn record_step(&self, run_id: i64, r: &StepResult) -> Result<(), StoreError> {
        self.backend.record_step(run_id, r).await
    }

    /// A source's answer to `action` with `input` (canonical JSON) given
    /// after `fresh_after` (RFC 3339), if the call cache has one.
    pub async fn cached_answer(&self, action: &str, input: &str, fresh_after: &str) -> Result<Option<CachedAnswer>, StoreError> {
        self.backend.cached_answer(action, input, fresh_after).await
    }

    /// Keeps a source's answer for later calls with the same inputs.
    pub async fn cache_answer(&self, action: &str, input: &str, answer: &CachedAnswer) -> Result<(), StoreError> {
        self.backend.cache_answer(action, input, answer).await
    }

    /// The ticket opened for this indicator since `since` (RFC 3339), if any:
    /// the newest.
    pub async fn ticket_for(&self, kind: Kind, value: &str, since: &str) -> Result<Option<TicketRow>, StoreError> {
        self.backend.ticket_for(kind, value, since).await
    }

    /// Records a ticket opened for a request (and links it as `opened`).
    pub async fn record_ticket(&self, ticket: &NewTicket<'_>) -> Result<TicketRow, StoreError> {
        self.backend.record_ticket(ticket).await
    }

    /// Links an existing ticket to a request that commented on it.
    pub async fn link_ticket(&self, ticket_id: i64, request_id: i64) -> Result<(), StoreError> {
        self.backend.link_ticket(ticket_id, request_id).await
    }

    /// The tickets a request opened or commented on.
    pub async fn tickets_of_request(&self, request_id: i64) -> Result<Vec<TicketLink>, StoreError> {
        self.backend.tickets_of_request(request_id).await
    }

    /// Closes the request's task (its work moved to a ticket, say); `false`
    /// when it has no task or the task was closed already.
    pub async fn close_task_of(&self, request_id: i64, because: &str) -> Result<bool, StoreError> {
        self.backend.close_task_of(request_id, because).await
    }

    /// When and why the request's task was closed, if it was.
    pub async fn task_closed(&self, request_id: i64) -> Result<Option<(String, String)>, StoreError> {
        self.backend.task_closed(request_id).await
    }

    pub async fn finish_run(&self, run_id: i64, status: RunStatus) -> Result<(), StoreError> {
        self.backend.finish_run(run_id, status).await
    }

    pub async fn run(&self, run_id: i64) -> Result<PlaybookRun, StoreError> {
        self.backend.run(run_id).await
    }

    /// Requests whose playbook run finished but that have no stored draft
    /// (storing it failed): the worker drafts them on its next pass.
    pub async fn requests_awaiting_draft(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        self.backend.requests_awaiting_draft(limit).await
    }

    /// Requests (not quarantined) without a finished playbook run, oldest first.
    pub async fn requests_awaiting_run(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        self.backend.requests_awaiting_run(limit).await
    }

    /// The request's most recent playbook run, if any.
    pub async fn latest_run(&self, request_id: i64) -> Result<Option<PlaybookRun>, StoreError> {
        match self.backend.latest_run_id(request_id).await? {
            Some(id) => Ok(Some(self.backend.run(id).await?)),
            None => Ok(None),
        }
    }

    pub async fn report_row(&self, request_id: i64) -> Result<Option<ReportRow>, StoreError> {
        self.backend.report_row(request_id).await
    }

    /// Writes a report change, its audit entry and optionally its outbox
    /// message in one transaction (see `store::review`).
    pub async fn save_report(
        &self,
        row: &ReportRow,
        expected_digest: Option<&str>,
        audit: &NewAudit,
        enqueue: Option<&NewOutbox>,
        cancel_queued: bool,
    ) -> Result<(), StoreError> {
        self.backend.save_report(row, expected_digest, audit, enqueue, cancel_queued).await
    }

    /// Queues a message that needs no approval (the automatic receipt).
    pub async fn enqueue(&self, message: &NewOutbox, audit: &NewAudit) -> Result<(), StoreError> {
        self.backend.enqueue(message, audit).await
    }

    /// Changes one indicator of a request, with its audit entry, in one
    /// transaction. `Ok(false)`: nothing to change (already there, not on
    /// the request, already marked so).
    pub async fn change_indicator(&self, request_id: i64, indicator: &Indicator, change: &IndicatorChange, audit: &NewAudit) -> Result<bool, StoreError> {
        self.backend.change_indicator(request_id, indicator, change, audit).await
    }

    /// Appends an audit entry that goes with no report change (settings, playbooks).
    pub async fn record_audit(&self, audit: &NewAudit) -> Result<(), StoreError> {
        self.backend.record_audit(audit).await
    }

    pub async fn audit_log(&self, request_id: Option<i64>) -> Result<Vec<AuditEntry>, StoreError> {
        self.backend.audit_log(request_id).await
    }

    pub async fn outbox(&self, request_id: Option<i64>) -> Result<Vec<OutboxItem>, StoreError> {
        self.backend.outbox(request_id).await
    }

    pub async fn due_outbox(&self, now: &str) -> Result<Vec<OutboxItem>, StoreError> {
        self.backend.due_outbox(now).await
    }

    pub async fn claim_outbox(&self, id: i64) -> Result<bool, StoreError> {
        self.backend.claim_outbox(id).await
    }

    pub async fn outbox_sent(&self, id: i64, response: &str, audit: &NewAudit) -> Result<(), StoreError> {
        self.backend.outbox_sent(id, response, audit).await
    }

    /// A queued message that must not go out (its bytes are not what was
    /// approved): withdrawn, with the reason and an audit entry.
    pub async fn outbox_refused(&self, id: i64, reason: &str, audit: &NewAudit) -> Result<(), StoreError> {
        self.backend.outbox_refused(id, reason, audit).await
    }

    pub async fn outbox_retry(&self, id: i64, error: &str, next_attempt_at: &str) -> Result<(), StoreError> {
        self.backend.outbox_retry(id, error, next_attempt_at).await
    }

    pub async fn count_requests(&self) -> Result<i64, StoreError> {
        self.backend.count_requests().await
    }

    /// What happened since `since` (RFC 3339): requests, replies sent, connector calls.
    pub async fn activity_since(&self, since: &str) -> Result<Activity, StoreError> {
        self.backend.activity_since(since).await
    }
}
