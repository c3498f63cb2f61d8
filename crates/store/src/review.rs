//! The review tables: each request's report (state, the analyst's edits and
//! approvals), the outbox of approved replies, and the hash-chained,
//! append-only audit log. Every change to a report is written in one
//! transaction with its audit entry (and, on approval, its outbox message).

use super::sqlite::Sqlite;
use super::{IndicatorChange, StoreError};
use drawbridge_model::Indicator;
pub use drawbridge_model::ReviewState;
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Approval {
    pub actor: String,
    pub at: String,
    /// The digest of the content this person approved.
    pub digest: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub request_id: i64,
    pub state: ReviewState,
    pub summary: Option<String>,
    pub overrides: drawbridge_model::Overrides,
    pub digest: String,
    pub generated_digest: String,
    pub generated_text: String,
    pub approvals: Vec<Approval>,
    pub reject_reason: Option<String>,
    pub updated_at: String,
    /// Bumped by every change; a change names the revision it was made
    /// against and is refused when another landed first.
    #[serde(default)]
    pub revision: i64,
}

/// One audit entry to append.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub actor: String,
    pub action: String,
    pub request_id: Option<i64>,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: serde_json::Value,
}

impl NewAudit {
    /// An entry about the deployment (a connector's settings, a playbook), not a request.
    pub fn setting(actor: &str, action: &str, detail: serde_json::Value) -> NewAudit {
        NewAudit { actor: actor.into(), action: action.into(), request_id: None, before_digest: None, after_digest: None, detail }
    }

    /// An entry about a request that changes no report content (an
    /// assignment, a label correction): no digests.
    pub fn about(request_id: i64, actor: &str, action: &str, detail: serde_json::Value) -> NewAudit {
        NewAudit { actor: actor.into(), action: action.into(), request_id: Some(request_id), before_digest: None, after_digest: None, detail }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub request_id: Option<i64>,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    /// HMAC-SHA256 of `hash` under the audit key (none when written without one).
    pub mac: Option<String>,
}

/// The keyed MAC of an audit entry's hash.
pub fn audit_mac(key: &[u8], hash: &str) -> String {
    use hmac::Mac;
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(hash.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A message to queue for sending.
#[derive(Debug, Clone)]
pub struct NewOutbox {
    pub request_id: i64,
    pub kind: String,
    pub digest: String,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub message: Vec<u8>,
}

impl NewOutbox {
    /// The SHA-256 (hex) of the exact bytes to send, as approved.
    pub fn message_sha256(&self) -> String {
        message_sha256(&self.message)
    }
}

/// The SHA-256 (hex) of a message's bytes.
pub fn message_sha256(bytes: &[u8]) -> String {
    drawbridge_model::digest::of_bytes(bytes)
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub request_id: i64,
    pub kind: String,
    pub digest: String,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    #[serde(skip)]
    pub message: Vec<u8>,
    /// The SHA-256 of `message` when it was queued (none for rows queued
    /// before it was recorded).
    pub message_sha256: Option<String>,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub smtp_response: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// The hash of an audit entry: SHA-256 over the previous hash and every
/// field, each length-prefixed so that no two entries can collide by shifting text.
// Each argument is one field of the entry, in the order they are hashed.
#[allow(clippy::too_many_arguments)]
pub fn audit_hash(prev: &str, at: &str, actor: &str, action: &str, request_id: Option<i64>, before: Option<&str>, after: Option<&str>, detail: &str) -> String {
    let rid = request_id.map(|r| r.to_string()).unwrap_or_default();
    drawbridge_model::digest::of_parts(&[prev, at, actor, action, rid.as_str(), before.unwrap_or("-"), after.unwrap_or("-"), detail])
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn report_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<ReportRow, StoreError> {
    let state: String = r.try_get("state")?;
    Ok(ReportRow {
        request_id: r.try_get("request_id")?,
        state: state.parse()?,
        summary: r.try_get("summary")?,
        overrides: serde_json::from_str(&r.try_get::<String, _>("overrides")?)?,
        digest: r.try_get("digest")?,
        generated_digest: r.try_get("generated_digest")?,
        generated_text: r.try_get("generated_text")?,
        approvals: serde_json::from_str(&r.try_get::<String, _>("approvals")?)?,
        reject_reason: r.try_get("reject_reason")?,
        updated_at: r.try_get("updated_at")?,
        revision: r.try_get("revision")?,
    })
}

fn outbox_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<OutboxItem, StoreError> {
    Ok(OutboxItem {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        kind: r.try_get("kind")?,
        digest: r.try_get("digest")?,
        message_id: r.try_get("message_id")?,
        envelope_from: r.try_get("envelope_from")?,
        recipients: serde_json::from_str(&r.try_get::<String, _>("recipients")?)?,
        message: r.try_get("message")?,
        message_sha256: r.try_get("message_sha256")?,
        state: r.try_get("state")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        smtp_response: r.try_get("smtp_response")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
    })
}

/// Queues a message for sending, due now.
async fn insert_outbox(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, m: &NewOutbox) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (request_id, kind, digest, message_id, envelope_from, recipients, message, message_sha256, state, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
    )
    .bind(m.request_id)
    .bind(&m.kind)
    .bind(&m.digest)
    .bind(&m.message_id)
    .bind(&m.envelope_from)
    .bind(serde_json::to_string(&m.recipients)?)
    .bind(&m.message)
    .bind(m.message_sha256())
    .bind(now())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn append_audit(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, a: &NewAudit, key: Option<&[u8]>) -> Result<(), StoreError> {
    let prev: Option<(String,)> = sqlx::query_as("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut **tx).await?;
    let prev = prev.map(|p| p.0).unwrap_or_else(|| "genesis".into());
    let at = now();
    let detail = a.detail.to_string();
    let hash = audit_hash(&prev, &at, &a.actor, &a.action, a.request_id, a.before_digest.as_deref(), a.after_digest.as_deref(), &detail);
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, request_id, before_digest, after_digest, detail, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&at)
    .bind(&a.actor)
    .bind(&a.action)
    .bind(a.request_id)
    .bind(&a.before_digest)
    .bind(&a.after_digest)
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .bind(key.map(|k| audit_mac(k, &hash)))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Sqlite {
    pub(super) async fn report_row(&self, request_id: i64) -> Result<Option<ReportRow>, StoreError> {
        let row = sqlx::query("SELECT * FROM reports WHERE request_id = ?").bind(request_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// Writes a report's new state with its audit entry, in one transaction.
    /// `expected_digest`: the digest the change was made against (`None`: a
    /// new report); a mismatch means someone else changed it meanwhile.
    /// `cancel_queued`: withdraw queued outbox messages of this request.
    pub(super) async fn save_report(
        &self,
        row: &ReportRow,
        expected_digest: Option<&str>,
        audit: &NewAudit,
        enqueue: Option<&NewOutbox>,
        cancel_queued: bool,
    ) -> Result<(), StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        let current: Option<(String, String, i64)> =
            sqlx::query_as("SELECT digest, state, revision FROM reports WHERE request_id = ?").bind(row.request_id).fetch_optional(&mut *tx).await?;
        let changed = || StoreError::Conflict(format!("report {} changed meanwhile; reload it", row.request_id));
        match (current.as_ref(), expected_digest) {
            (Some((d, _, _)), Some(e)) if d != e => return Err(changed()),
            (Some((_, _, revision)), Some(_)) if *revision != row.revision => return Err(changed()),
            (Some(_), None) => return Err(StoreError::Conflict(format!("report {} already exists", row.request_id))),
            _ => {}
        }
        if current.as_ref().is_some_and(|(_, s, _)| s == "sent") {
            return Err(StoreError::Conflict(format!("report {} has been sent", row.request_id)));
        }
        if cancel_queued {
            let sending: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM outbox WHERE request_id = ? AND state = 'sending'").bind(row.request_id).fetch_optional(&mut *tx).await?;
            if sending.is_some() {
                return Err(StoreError::Conflict(format!("the reply to request {} is being sent", row.request_id)));
            }
            sqlx::query("UPDATE outbox SET state = 'cancelled' WHERE request_id = ? AND state = 'queued'").bind(row.request_id).execute(&mut *tx).await?;
        }
        // Compare-and-set: the update applies only to the revision read.
        let written = sqlx::query(
            "INSERT INTO reports (request_id, state, summary, overrides, digest, generated_digest, generated_text, approvals, reject_reason, updated_at, revision)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
             ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, summary = excluded.summary, overrides = excluded.overrides,
               digest = excluded.digest, generated_digest = excluded.generated_digest, generated_text = excluded.generated_text, approvals = excluded.approvals,
               reject_reason = excluded.reject_reason, updated_at = excluded.updated_at, revision = reports.revision + 1
             WHERE reports.revision = ?",
        )
        .bind(row.request_id)
        .bind(row.state.as_str())
        .bind(&row.summary)
        .bind(serde_json::to_string(&row.overrides)?)
        .bind(&row.digest)
        .bind(&row.generated_digest)
        .bind(&row.generated_text)
        .bind(serde_json::to_string(&row.approvals)?)
        .bind(&row.reject_reason)
        .bind(now())
        .bind(row.revision)
        .execute(&mut *tx)
        .await?;
        if written.rows_affected() != 1 {
            return Err(changed());
        }
        if let Some(m) = enqueue {
            insert_outbox(&mut tx, m).await?;
        }
        append_audit(&mut tx, audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues a message that needs no approval (the receipt), with its audit entry.
    pub(super) async fn enqueue(&self, m: &NewOutbox, audit: &NewAudit) -> Result<(), StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        insert_outbox(&mut tx, m).await?;
        append_audit(&mut tx, audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn change_indicator(&self, request_id: i64, ind: &Indicator, change: &IndicatorChange, audit: &NewAudit) -> Result<bool, StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM requests WHERE id = ?").bind(request_id).fetch_optional(&mut *tx).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(request_id));
        }
        let current: Option<(i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT ri.indicator_id, ri.removed_by, ri.withheld_by FROM request_indicators ri JOIN indicators i ON i.id = ri.indicator_id
             WHERE ri.request_id = ? AND i.kind = ? AND i.value = ?",
        )
        .bind(request_id)
        .bind(ind.kind.as_str())
        .bind(&ind.value)
        .fetch_optional(&mut *tx)
        .await?;
        let present = current.as_ref().is_some_and(|c| c.1.is_none());
        let changed = match (change, &current) {
            (IndicatorChange::Add, _) if present => false,
            (IndicatorChange::Add, Some((indicator_id, ..))) => {
                sqlx::query("UPDATE request_indicators SET removed_by = NULL WHERE request_id = ? AND indicator_id = ?")
                    .bind(request_id)
                    .bind(indicator_id)
                    .execute(&mut *tx)
                    .await?;
                true
            }
            (IndicatorChange::Add, None) => {
                let indicator_id = super::sqlite::upsert_indicator(&mut tx, ind, &now()).await?;
                sqlx::query(
                    "INSERT INTO request_indicators (request_id, indicator_id, position, occurrences, defanged, source)
                     VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM request_indicators WHERE request_id = ?), 0, 0, 'analyst')",
                )
                .bind(request_id)
                .bind(indicator_id)
                .bind(request_id)
                .execute(&mut *tx)
                .await?;
                true
            }
            (IndicatorChange::Remove, Some((indicator_id, None, _))) => {
                sqlx::query("UPDATE request_indicators SET removed_by = ? WHERE request_id = ? AND indicator_id = ?")
                    .bind(&audit.actor)
                    .bind(request_id)
                    .bind(indicator_id)
                    .execute(&mut *tx)
                    .await?;
                true
            }
            (IndicatorChange::Withhold(on), Some((indicator_id, None, by))) if by.is_some() != *on => {
                sqlx::query("UPDATE request_indicators SET withheld_by = ? WHERE request_id = ? AND indicator_id = ?")
                    .bind(on.then_some(audit.actor.as_str()))
                    .bind(request_id)
                    .bind(indicator_id)
                    .execute(&mut *tx)
                    .await?;
                true
            }
            _ => false,
        };
        if changed {
            sqlx::query(
                "UPDATE requests SET indicator_count = (SELECT COUNT(*) FROM request_indicators WHERE request_id = ? AND removed_by IS NULL) WHERE id = ?",
            )
            .bind(request_id)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
            append_audit(&mut tx, audit, self.audit_key.as_deref()).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// An audit entry about no report: a setting or playbook changed.
    pub(super) async fn record_audit(&self, audit: &NewAudit) -> Result<(), StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        append_audit(&mut tx, audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn audit_log(&self, request_id: Option<i64>) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match request_id {
            Some(r) => sqlx::query("SELECT * FROM audit_log WHERE request_id = ? ORDER BY id").bind(r).fetch_all(&self.pool).await?,
            None => sqlx::query("SELECT * FROM audit_log ORDER BY id").fetch_all(&self.pool).await?,
        };
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    request_id: r.try_get("request_id")?,
                    before_digest: r.try_get("before_digest")?,
                    after_digest: r.try_get("after_digest")?,
                    detail: r.try_get("detail")?,
                    prev_hash: r.try_get("prev_hash")?,
                    hash: r.try_get("hash")?,
                    mac: r.try_get("mac")?,
                })
            })
            .collect()
    }

    pub(super) async fn outbox(&self, request_id: Option<i64>) -> Result<Vec<OutboxItem>, StoreError> {
        let rows = match request_id {
            Some(r) => sqlx::query("SELECT * FROM outbox WHERE request_id = ? ORDER BY id").bind(r).fetch_all(&self.pool).await?,
            None => sqlx::query("SELECT * FROM outbox ORDER BY id").fetch_all(&self.pool).await?,
        };
        rows.iter().map(outbox_from_row).collect()
    }

    /// Queued messages due now, and messages left `sending` by a process that
    /// died (see `docs/architecture.md`, "Sending exactly once").
    pub(super) async fn due_outbox(&self, now: &str) -> Result<Vec<OutboxItem>, StoreError> {
        let rows = sqlx::query("SELECT * FROM outbox WHERE state IN ('queued', 'sending') AND next_attempt_at <= ? ORDER BY id")
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(outbox_from_row).collect()
    }

    /// Claims a message for sending if it is still what was approved: the
    /// request's report is queued with the same digest. Otherwise the message
    /// is cancelled and `false` returned.
    pub(super) async fn claim_outbox(&self, id: i64) -> Result<bool, StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        let row: Option<(i64, String, String, String)> =
            sqlx::query_as("SELECT request_id, digest, state, kind FROM outbox WHERE id = ?").bind(id).fetch_optional(&mut *tx).await?;
        let Some((request_id, digest, state, kind)) = row else { return Ok(false) };
        if state != "queued" && state != "sending" {
            return Ok(false);
        }
        let report: Option<(String, String)> =
            sqlx::query_as("SELECT state, digest FROM reports WHERE request_id = ?").bind(request_id).fetch_optional(&mut *tx).await?;
        let still_approved = match (kind.as_str(), report) {
            // The automatic receipt needs no approval: it says only that the request arrived.
            ("acknowledgement", _) => true,
            ("report", Some((s, d))) => s == "queued" && d == digest,
            ("refusal", Some((s, _))) => s == "rejected",
            _ => false,
        };
        if !still_approved {
            sqlx::query("UPDATE outbox SET state = 'cancelled', last_error = 'no longer what was approved' WHERE id = ?").bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(super) async fn outbox_sent(&self, id: i64, response: &str, audit: &NewAudit) -> Result<(), StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        let request_id: Option<(i64, String)> = sqlx::query_as("SELECT request_id, kind FROM outbox WHERE id = ?").bind(id).fetch_optional(&mut *tx).await?;
        sqlx::query("UPDATE outbox SET state = 'sent', smtp_response = ?, sent_at = ?, last_error = NULL WHERE id = ?")
            .bind(response)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if let Some((rid, kind)) = request_id
            && kind == "report"
        {
            sqlx::query("UPDATE reports SET state = 'sent', updated_at = ? WHERE request_id = ?").bind(now()).bind(rid).execute(&mut *tx).await?;
        }
        append_audit(&mut tx, audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn outbox_refused(&self, id: i64, reason: &str, audit: &NewAudit) -> Result<(), StoreError> {
        let mut tx = super::sqlite::write_transaction(&self.pool).await?;
        sqlx::query("UPDATE outbox SET state = 'cancelled', last_error = ? WHERE id = ?").bind(reason).bind(id).execute(&mut *tx).await?;
        append_audit(&mut tx, audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn outbox_retry(&self, id: i64, error: &str, next_attempt_at: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET state = 'queued', last_error = ?, next_attempt_at = ? WHERE id = ?")
            .bind(error)
            .bind(next_attempt_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
