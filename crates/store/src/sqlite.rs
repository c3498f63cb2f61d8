//! SQLite backend (the embedded default).

use super::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite as Db, Transaction};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub(super) struct Sqlite {
    pub(super) pool: SqlitePool,
    /// The key audit entries are MACed with (none: entries carry no MAC).
    pub(super) audit_key: Option<std::sync::Arc<[u8]>>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Sqlite {
    pub(super) async fn open(path: &Path) -> Result<Sqlite, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder { path: parent.display().to_string(), source })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // Two processes opening a new database at once (the app and the CLI,
        // `serve` and a script) must not both run a migration: they take
        // turns on an exclusive lock beside the database file.
        let lock_path = path.with_extension("migrate.lock");
        let failed = |source: std::io::Error| StoreError::Folder { path: lock_path.display().to_string(), source };
        let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(failed)?;
        // Waited for without blocking the runtime (another task of this
        // process may hold it), for as long as a migration can take.
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        loop {
            match lock.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(20)).await,
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(failed(std::io::Error::other("another process has been migrating this database for two minutes")));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(failed(e)),
            }
        }
        // The first connection also switches a new file to WAL, which needs
        // the database to itself (SQLite answers "locked" at once, without
        // waiting, to a second switcher): it is made under the lock too.
        let opened = async {
            let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
            MIGRATOR.run(&pool).await?;
            Ok::<_, StoreError>(pool)
        }
        .await;
        drop(lock);
        Ok(Sqlite { pool: opened?, audit_key: None })
    }

    pub(super) async fn in_memory() -> Result<Sqlite, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection: every connection to :memory: is a different database.
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Sqlite { pool, audit_key: None })
    }

    pub(super) async fn insert_request(&self, req: &NewRequest<'_>, cursor: Option<&ImapCursor>) -> Result<IngestOutcome, StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        let mut existing: Option<(i64, String)> =
            sqlx::query_as("SELECT id, status FROM requests WHERE raw_sha256 = ?").bind(&req.raw_sha256).fetch_optional(&mut *tx).await?;
        // Mail delivery is at-least-once: a message redelivered after an
        // interrupted delivery differs only in its trace headers. The same
        // Message-ID from the same sender is the same request, but only
        // between verified requests: a quarantined spoof carrying a genuine
        // message's Message-ID must not hide the genuine message.
        if let (None, Some(p), None) = (&existing, req.parsed, &req.quarantine_reason)
            && let (Some(mid), Some(from)) = (&p.message_id, &p.from)
        {
            existing = sqlx::query_as("SELECT id, status FROM requests WHERE message_id = ? AND sender = ? AND status = 'new' LIMIT 1")
                .bind(mid)
                .bind(&from.address)
                .fetch_optional(&mut *tx)
                .await?;
        }
        if let Some((id, status)) = existing {
            if let Some(c) = cursor {
                upsert_cursor(&mut tx, c).await?;
            }
            tx.commit().await?;
            return Ok(IngestOutcome { request_id: id, duplicate: true, quarantined: status == "quarantined" });
        }
        let now = now();
        sqlx::query("INSERT OR IGNORE INTO raw_messages (sha256, size, bytes, stored_at) VALUES (?, ?, ?, ?)")
            .bind(&req.raw_sha256)
            .bind(req.raw.len() as i64)
            .bind(req.raw)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        let parsed_json = req.parsed.map(serde_json::to_string).transpose()?;
        let status = if req.quarantine_reason.is_some() { RequestStatus::Quarantined } else { RequestStatus::New };
        let p = req.parsed;
        let id: i64 = sqlx::query(
            "INSERT INTO requests (raw_sha256, source, source_ref, received_at, message_id, sender, subject, sent_at, status,
                                   quarantine_reason, sender_allowed, sender_verdict, parsed, indicator_count)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&req.raw_sha256)
        .bind(req.source.as_str())
        .bind(&req.source_ref)
        .bind(&now)
        .bind(p.and_then(|p| p.message_id.clone()))
        .bind(p.and_then(|p| p.from.as_ref().map(|f| f.address.clone())))
        .bind(p.and_then(|p| p.subject.clone()))
        .bind(p.and_then(|p| p.date.clone()))
        .bind(status.as_str())
        .bind(&req.quarantine_reason)
        .bind(req.verdict.allowed)
        .bind(serde_json::to_string(req.verdict)?)
        .bind(parsed_json)
        .bind(req.indicators.len() as i64)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (position, ind) in req.indicators.iter().enumerate() {
            let indicator_id = upsert_indicator(&mut tx, ind, &now).await?;
            sqlx::query(
                "INSERT INTO request_indicators (request_id, indicator_id, position, occurrences, defanged, source)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(indicator_id)
            .bind(position as i64)
            .bind(ind.occurrences as i64)
            .bind(ind.defanged)
            .bind(&ind.source)
            .execute(&mut *tx)
            .await?;
        }
        for c in req.classifications {
            insert_classification(&mut tx, id, c).await?;
        }
        if let Some(c) = cursor {
            upsert_cursor(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(IngestOutcome { request_id: id, duplicate: false, quarantined: req.quarantine_reason.is_some() })
    }

    pub(super) async fn list_requests(&self, limit: i64) -> Result<Vec<RequestSummary>, StoreError> {
        let rows = sqlx::query(&format!("{SUMMARY_SELECT} ORDER BY id DESC LIMIT ?")).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub(super) async fn queue_page(&self, q: &crate::QueueQuery) -> Result<crate::QueuePage, StoreError> {
        // Each word must appear (case-insensitive, as plain text: `instr`, no
        // wildcards) in the sender, subject, type, assignee or number.
        let mut clauses: Vec<&str> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        for word in q.words.iter().map(|w| w.to_lowercase()).filter(|w| !w.is_empty()) {
            clauses.push(
                "instr(lower(COALESCE(sender, '') || ' ' || COALESCE(subject, '') || ' ' || COALESCE(request_type, '') || ' ' || COALESCE(assignee, '') || ' ' || id), ?) > 0",
            );
            binds.push(word);
        }
        match q.state.as_deref() {
            None | Some("") => {}
            Some("quarantined") => clauses.push("status = 'quarantined'"),
            Some("new") => clauses.push("status <> 'quarantined' AND NOT EXISTS (SELECT 1 FROM reports WHERE reports.request_id = requests.id)"),
            Some(state) => {
                clauses.push("status <> 'quarantined' AND (SELECT state FROM reports WHERE reports.request_id = requests.id) = ?");
                binds.push(state.to_string());
            }
        }
        if let Some(t) = q.request_type.as_deref().filter(|t| !t.is_empty()) {
            clauses.push("request_type = ?");
            binds.push(t.to_string());
        }
        if let Some(a) = q.assignee.as_deref() {
            clauses.push("assignee = ?");
            binds.push(a.to_string());
        }
        let filter = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
        let count_sql = format!("SELECT COUNT(*) FROM requests{filter}");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let page_sql = format!("{SUMMARY_SELECT}{filter} ORDER BY id DESC LIMIT ? OFFSET ?");
        let mut page = sqlx::query(&page_sql);
        for b in &binds {
            page = page.bind(b);
        }
        let rows = page.bind(q.limit.clamp(1, 1000)).bind(q.offset.max(0)).fetch_all(&self.pool).await?;
        Ok(crate::QueuePage { total, offset: q.offset.max(0), rows: rows.iter().map(summary_from_row).collect::<Result<_, _>>()? })
    }

    pub(super) async fn list_assigned(&self, assignee: &str, limit: i64) -> Result<Vec<RequestSummary>, StoreError> {
        let rows =
            sqlx::query(&format!("{SUMMARY_SELECT} WHERE assignee = ? ORDER BY id DESC LIMIT ?")).bind(assignee).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub(super) async fn assign(
        &self,
        request_id: i64,
        assignee: &str,
        rule: Option<&str>,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<crate::Assignment, StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        let current: Option<(Option<String>,)> = sqlx::query_as("SELECT assignee FROM requests WHERE id = ?").bind(request_id).fetch_optional(&mut *tx).await?;
        let Some((from_assignee,)) = current else { return Err(StoreError::NotFound(request_id)) };
        let created_at = now();
        let id: i64 = sqlx::query(
            "INSERT INTO assignments (request_id, from_assignee, assignee, rule, actor, reason, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(request_id)
        .bind(&from_assignee)
        .bind(assignee)
        .bind(rule)
        .bind(actor)
        .bind(reason)
        .bind(&created_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let assigned_by = match rule {
            Some(rule) => format!("rule {rule}"),
            None => format!("reassigned by {actor}"),
        };
        sqlx::query("UPDATE requests SET assignee = ?, assigned_by = ? WHERE id = ?")
            .bind(assignee)
            .bind(&assigned_by)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        let audit = crate::review::NewAudit::about(
            request_id,
            actor,
            "assign",
            serde_json::json!({ "from": from_assignee, "to": assignee, "rule": rule, "reason": reason }),
        );
        crate::review::append_audit(&mut tx, &audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(crate::Assignment {
            id,
            request_id,
            from_assignee,
            assignee: assignee.into(),
            rule: rule.map(str::to_string),
            actor: actor.into(),
            reason: reason.map(str::to_string),
            created_at,
        })
    }

    pub(super) async fn last_assignee_by_rule(&self, rule: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT assignee FROM assignments WHERE rule = ? ORDER BY id DESC LIMIT 1").bind(rule).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.0))
    }

    pub(super) async fn assignments(&self, request_id: i64) -> Result<Vec<crate::Assignment>, StoreError> {
        let rows =
            sqlx::query("SELECT id, request_id, from_assignee, assignee, rule, actor, reason, created_at FROM assignments WHERE request_id = ? ORDER BY id")
                .bind(request_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(crate::Assignment {
                    id: r.try_get("id")?,
                    request_id: r.try_get("request_id")?,
                    from_assignee: r.try_get("from_assignee")?,
                    assignee: r.try_get("assignee")?,
                    rule: r.try_get("rule")?,
                    actor: r.try_get("actor")?,
                    reason: r.try_get("reason")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    pub(super) async fn request(&self, id: i64) -> Result<RequestDetail, StoreError> {
        let row = sqlx::query(&format!("{SUMMARY_SELECT} WHERE id = ?")).bind(id).fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound(id))?;
        let summary = summary_from_row(&row)?;
        let parsed: Option<String> = row.try_get("parsed")?;
        let parsed = parsed.map(|p| serde_json::from_str(&p)).transpose()?;
        let ind_rows = sqlx::query(
            "SELECT i.id, i.kind, i.value, ri.occurrences, ri.defanged, ri.source, ri.withheld_by
             FROM request_indicators ri JOIN indicators i ON i.id = ri.indicator_id
             WHERE ri.request_id = ? AND ri.removed_by IS NULL ORDER BY ri.position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut indicators = Vec::with_capacity(ind_rows.len());
        for r in &ind_rows {
            let kind: String = r.try_get("kind")?;
            let Some(kind) = Kind::parse(&kind) else { continue };
            let indicator_id: i64 = r.try_get("id")?;
            let seen_before = self.sightings(indicator_id, Some(id)).await?;
            indicators.push(StoredIndicator {
                kind,
                value: r.try_get("value")?,
                occurrences: r.try_get("occurrences")?,
                defanged: r.try_get("defanged")?,
                source: r.try_get("source")?,
                seen_before,
                withheld_by: r.try_get("withheld_by")?,
            });
        }
        Ok(RequestDetail {
            summary,
            source_ref: row.try_get("source_ref")?,
            message_id: row.try_get("message_id")?,
            raw_sha256: row.try_get("raw_sha256")?,
            parsed,
            indicators,
        })
    }

    async fn sightings(&self, indicator_id: i64, before: Option<i64>) -> Result<Vec<Sighting>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.received_at, r.sender FROM request_indicators ri JOIN requests r ON r.id = ri.request_id
             WHERE ri.indicator_id = ? AND ri.removed_by IS NULL AND r.id < ? ORDER BY r.id DESC",
        )
        .bind(indicator_id)
        .bind(before.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(Sighting { request_id: r.try_get("id")?, received_at: r.try_get("received_at")?, sender: r.try_get("sender")? })).collect()
    }

    pub(super) async fn raw_message(&self, request_id: i64) -> Result<Vec<u8>, StoreError> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT m.bytes FROM requests r JOIN raw_messages m ON m.sha256 = r.raw_sha256 WHERE r.id = ?")
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.0).ok_or(StoreError::NotFound(request_id))
    }

    pub(super) async fn indicator_history(&self, kind: Kind, value: &str) -> Result<Option<IndicatorHistory>, StoreError> {
        let row = sqlx::query("SELECT id, first_seen, last_seen FROM indicators WHERE kind = ? AND value = ?")
            .bind(kind.as_str())
            .bind(value)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get("id")?;
        Ok(Some(IndicatorHistory {
            kind,
            value: value.to_string(),
            first_seen: row.try_get("first_seen")?,
            last_seen: row.try_get("last_seen")?,
            requests: self.sightings(id, None).await?,
        }))
    }

    pub(super) async fn imap_cursor(&self, account: &str, mailbox: &str) -> Result<Option<ImapCursor>, StoreError> {
        let row: Option<(i64, i64)> = sqlx::query_as("SELECT uidvalidity, last_uid FROM imap_cursors WHERE account = ? AND mailbox = ?")
            .bind(account)
            .bind(mailbox)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(v, u)| ImapCursor { account: account.into(), mailbox: mailbox.into(), uidvalidity: v as u32, last_uid: u as u32 }))
    }

    pub(super) async fn set_imap_cursor(&self, cursor: &ImapCursor) -> Result<(), StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        upsert_cursor(&mut tx, cursor).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn correct_label(
        &self,
        request_id: i64,
        classifier: &str,
        to_label: &str,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<Correction, StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        let current: Option<(Option<String>,)> = sqlx::query_as("SELECT json_extract(labels, '$.' || json_quote(?)) FROM requests WHERE id = ?")
            .bind(classifier)
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((from,)) = current else { return Err(StoreError::NotFound(request_id)) };
        let from = from.unwrap_or_else(|| "none".into());
        let classification: Option<(i64,)> = sqlx::query_as("SELECT id FROM classifications WHERE request_id = ? AND classifier = ? ORDER BY id DESC LIMIT 1")
            .bind(request_id)
            .bind(classifier)
            .fetch_optional(&mut *tx)
            .await?;
        let created_at = now();
        let id: i64 = sqlx::query(
            "INSERT INTO corrections (request_id, classification_id, classifier, from_label, to_label, actor, reason, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(request_id)
        .bind(classification.map(|c| c.0))
        .bind(classifier)
        .bind(&from)
        .bind(to_label)
        .bind(actor)
        .bind(reason)
        .bind(&created_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        set_label(&mut tx, request_id, classifier, to_label).await?;
        let audit = crate::review::NewAudit::about(
            request_id,
            actor,
            "correct_label",
            serde_json::json!({ "classifier": classifier, "from": from, "to": to_label, "reason": reason }),
        );
        crate::review::append_audit(&mut tx, &audit, self.audit_key.as_deref()).await?;
        tx.commit().await?;
        Ok(Correction { id, request_id, classifier: classifier.into(), from_label: from, to_label: to_label.into(), actor: actor.into(), created_at })
    }

    pub(super) async fn predictions_between(&self, classifier: &str, from: &str, to: &str) -> Result<Vec<PredictionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.request_id, c.label, c.confidence, c.method, c.model_version, c.created_at, r.parsed,
                    (SELECT k.to_label FROM corrections k WHERE k.request_id = c.request_id AND k.classifier = c.classifier
                     ORDER BY k.id DESC LIMIT 1) AS corrected_to
             FROM classifications c JOIN requests r ON r.id = c.request_id
             WHERE c.classifier = ? AND c.created_at >= ? AND c.created_at < ? ORDER BY c.id",
        )
        .bind(classifier)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let (subject, text) = subject_and_text(r.try_get("parsed")?);
                Ok(PredictionRecord {
                    request_id: r.try_get("request_id")?,
                    label: r.try_get("label")?,
                    confidence: r.try_get("confidence")?,
                    method: r.try_get("method")?,
                    model_version: r.try_get("model_version")?,
                    created_at: r.try_get("created_at")?,
                    corrected_to: r.try_get("corrected_to")?,
                    subject,
                    text,
                })
            })
            .collect()
    }

    pub(super) async fn corrected_examples(&self, classifier: &str) -> Result<Vec<CorrectedExample>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, json_extract(r.labels, '$.' || json_quote(?)) AS label, r.parsed FROM requests r
             WHERE EXISTS (SELECT 1 FROM corrections k WHERE k.request_id = r.id AND k.classifier = ?) ORDER BY r.id",
        )
        .bind(classifier)
        .bind(classifier)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let label: Option<String> = r.try_get("label")?;
            let (subject, text) = subject_and_text(r.try_get("parsed")?);
            if let Some(label) = label {
                out.push(CorrectedExample { request_id: r.try_get("id")?, label, subject: subject.unwrap_or_default(), text: text.unwrap_or_default() });
            }
        }
        Ok(out)
    }

    pub(super) async fn assign_task(&self, request_id: i64, window_days: u32) -> Result<TaskLink, StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT received_at, task_id FROM requests WHERE id = ?").bind(request_id).fetch_optional(&mut *tx).await?;
        let Some((received_at, current)) = row else { return Err(StoreError::NotFound(request_id)) };
        let since = chrono::DateTime::parse_from_rfc3339(&received_at)
            .map(|d| (d.with_timezone(&chrono::Utc) - chrono::Duration::days(window_days.into())).to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_else(|_| received_at.clone());
        let rows = sqlx::query(
            "SELECT i.kind, i.value, r.id, r.received_at, r.sender, r.subject, r.task_id
             FROM request_indicators mine
             JOIN request_indicators theirs ON theirs.indicator_id = mine.indicator_id AND theirs.request_id < mine.request_id AND theirs.removed_by IS NULL
             JOIN indicators i ON i.id = mine.indicator_id
             JOIN requests r ON r.id = theirs.request_id
             WHERE mine.request_id = ? AND mine.removed_by IS NULL AND r.received_at >= ? AND r.status != 'quarantined'
             ORDER BY r.id DESC, i.kind, i.value",
        )
        .bind(request_id)
        .bind(&since)
        .fetch_all(&mut *tx)
        .await?;
        let mut asked_before = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            let Some(kind) = Kind::parse(&kind) else { continue };
            asked_before.push(PriorAsk {
                kind,
                value: r.try_get("value")?,
                request_id: r.try_get("id")?,
                received_at: r.try_get("received_at")?,
                sender: r.try_get("sender")?,
                subject: r.try_get("subject")?,
                task_id: r.try_get("task_id")?,
            });
        }
        let (task_id, reused) = match current {
            Some(t) => (t, asked_before.iter().any(|a| a.task_id == Some(t))),
            None => match asked_before.iter().find_map(|a| a.task_id) {
                Some(t) => (t, true),
                None => {
                    let t: i64 = sqlx::query("INSERT INTO tasks (opened_by_request, created_at) VALUES (?, ?) RETURNING id")
                        .bind(request_id)
                        .bind(now())
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get(0)?;
                    (t, false)
                }
            },
        };
        sqlx::query("UPDATE requests SET task_id = ? WHERE id = ?").bind(task_id).bind(request_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(TaskLink { task_id, reused, asked_before })
    }

    pub(super) async fn open_run(&self, request_id: i64, playbook: &str) -> Result<i64, StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        let open: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM playbook_runs WHERE request_id = ? AND playbook = ? AND status = 'running' ORDER BY id DESC LIMIT 1")
                .bind(request_id)
                .bind(playbook)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match open {
            Some((id,)) => id,
            None => sqlx::query("INSERT INTO playbook_runs (request_id, playbook, status, started_at) VALUES (?, ?, 'running', ?) RETURNING id")
                .bind(request_id)
                .bind(playbook)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?,
        };
        tx.commit().await?;
        Ok(id)
    }

    pub(super) async fn record_step(&self, run_id: i64, r: &StepResult) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO step_results (run_id, step, item, action, input, status, output, error, error_kind, attempts, duration_ms, finished_at, cached_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (run_id, step, item) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error, error_kind = excluded.error_kind,
                 attempts = excluded.attempts, duration_ms = excluded.duration_ms, finished_at = excluded.finished_at, cached_at = excluded.cached_at",
        )
        .bind(run_id)
        .bind(&r.step)
        .bind(&r.item)
        .bind(&r.action)
        .bind(r.input.to_string())
        .bind(r.status.as_str())
        .bind(r.output.as_ref().map(|o| o.to_string()))
        .bind(&r.error)
        .bind(r.error_kind.map(|k| k.as_str()))
        .bind(r.attempts)
        .bind(r.duration_ms)
        .bind(&r.finished_at)
        .bind(&r.cached_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn cached_answer(&self, action: &str, input: &str, fresh_after: &str) -> Result<Option<CachedAnswer>, StoreError> {
        let row = sqlx::query("SELECT status, output, fetched_at FROM call_cache WHERE action = ? AND input = ? AND fetched_at > ?")
            .bind(action)
            .bind(input)
            .bind(fresh_after)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let output: Option<String> = r.try_get("output")?;
            Ok(CachedAnswer {
                status: text(&r, "status")?,
                output: output.map(|o| serde_json::from_str(&o)).transpose()?,
                fetched_at: r.try_get("fetched_at")?,
            })
        })
        .transpose()
    }

    pub(super) async fn cache_answer(&self, action: &str, input: &str, answer: &CachedAnswer) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO call_cache (action, input, status, output, fetched_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (action, input) DO UPDATE SET status = excluded.status, output = excluded.output, fetched_at = excluded.fetched_at",
        )
        .bind(action)
        .bind(input)
        .bind(answer.status.as_str())
        .bind(answer.output.as_ref().map(|o| o.to_string()))
        .bind(&answer.fetched_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn ticket_for(&self, kind: Kind, value: &str, since: &str) -> Result<Option<TicketRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, system, key, url, kind, value, opened_by_request, opened_at FROM tickets
             WHERE kind = ? AND value = ? AND opened_at >= ? ORDER BY id DESC LIMIT 1",
        )
        .bind(kind.as_str())
        .bind(value)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| ticket_row(&r)).transpose()
    }

    pub(super) async fn record_ticket(&self, t: &NewTicket<'_>) -> Result<TicketRow, StoreError> {
        let mut tx = write_transaction(&self.pool).await?;
        let at = now();
        let id: i64 =
            sqlx::query("INSERT INTO tickets (system, key, url, kind, value, opened_by_request, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")
                .bind(t.system)
                .bind(t.key)
                .bind(t.url)
                .bind(t.kind.as_str())
                .bind(t.value)
                .bind(t.request_id)
                .bind(&at)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
        sqlx::query("INSERT INTO ticket_links (ticket_id, request_id, action, at) VALUES (?, ?, 'opened', ?) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(t.request_id)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(TicketRow {
            id,
            system: t.system.into(),
            key: t.key.into(),
            url: t.url.map(str::to_string),
            kind: t.kind,
            value: t.value.into(),
            opened_by_request: t.request_id,
            opened_at: at,
        })
    }

    pub(super) async fn link_ticket(&self, ticket_id: i64, request_id: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO ticket_links (ticket_id, request_id, action, at) VALUES (?, ?, 'commented', ?) ON CONFLICT DO NOTHING")
            .bind(ticket_id)
            .bind(request_id)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn tickets_of_request(&self, request_id: i64) -> Result<Vec<TicketLink>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.system, t.key, t.url, t.kind, t.value, t.opened_by_request, t.opened_at, l.action, l.at
             FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id WHERE l.request_id = ? ORDER BY t.id",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(TicketLink { ticket: ticket_row(r)?, action: r.try_get("action")?, at: r.try_get("at")? })).collect()
    }

    pub(super) async fn close_task_of(&self, request_id: i64, because: &str) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE tasks SET closed_at = ?, closed_because = ? WHERE closed_at IS NULL AND id = (SELECT task_id FROM requests WHERE id = ?)")
                .bind(now())
                .bind(because)
                .bind(request_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    pub(super) async fn task_closed(&self, request_id: i64) -> Result<Option<(String, String)>, StoreError> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT t.closed_at, t.closed_because FROM tasks t JOIN requests r ON r.task_id = t.id WHERE r.id = ?")
                .bind(request_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(at, why)| Some((at?, why.unwrap_or_default()))))
    }

    pub(super) async fn finish_run(&self, run_id: i64, status: RunStatus) -> Result<(), StoreError> {
        sqlx::query("UPDATE playbook_runs SET status = ?, finished_at = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(now())
            .bind(run_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn requests_awaiting_run(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT r.id FROM requests r WHERE r.status != 'quarantined'
             AND NOT EXISTS (SELECT 1 FROM playbook_runs p WHERE p.request_id = r.id AND p.status != 'running')
             AND NOT EXISTS (SELECT 1 FROM run_failures f WHERE f.request_id = r.id AND (f.parked = 1 OR f.next_attempt_at > ?))
             ORDER BY r.id LIMIT ?",
        )
        .bind(now())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub(super) async fn requests_awaiting_draft(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT r.id FROM requests r WHERE r.status != 'quarantined'
             AND EXISTS (SELECT 1 FROM playbook_runs p WHERE p.request_id = r.id AND p.status != 'running')
             AND NOT EXISTS (SELECT 1 FROM reports w WHERE w.request_id = r.id)
             ORDER BY r.id LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub(super) async fn record_run_failure(&self, request_id: i64, error: &str, retry_at: Option<&str>) -> Result<i64, StoreError> {
        let (attempts,): (i64,) = sqlx::query_as(
            "INSERT INTO run_failures (request_id, attempts, last_error, next_attempt_at, parked, updated_at) VALUES (?, 1, ?, ?, ?, ?)
             ON CONFLICT (request_id) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error,
                 next_attempt_at = excluded.next_attempt_at, parked = excluded.parked, updated_at = excluded.updated_at
             RETURNING attempts",
        )
        .bind(request_id)
        .bind(error)
        .bind(retry_at.map(str::to_string).unwrap_or_else(now))
        .bind(retry_at.is_none())
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        Ok(attempts)
    }

    pub(super) async fn run_failure_attempts(&self, request_id: i64) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT attempts FROM run_failures WHERE request_id = ?").bind(request_id).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.0).unwrap_or(0))
    }

    pub(super) async fn clear_run_failure(&self, request_id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM run_failures WHERE request_id = ?").bind(request_id).execute(&self.pool).await?;
        Ok(())
    }

    pub(super) async fn latest_run_id(&self, request_id: i64) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM playbook_runs WHERE request_id = ? ORDER BY id DESC LIMIT 1").bind(request_id).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.0))
    }

    pub(super) async fn run(&self, run_id: i64) -> Result<PlaybookRun, StoreError> {
        let row = sqlx::query("SELECT id, request_id, playbook, status, started_at, finished_at FROM playbook_runs WHERE id = ?")
            .bind(run_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(run_id))?;
        let steps = sqlx::query("SELECT step, item, action, input, status, output, error, error_kind, attempts, duration_ms, finished_at, cached_at FROM step_results WHERE run_id = ? ORDER BY id")
            .bind(run_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let input: String = r.try_get("input")?;
                let output: Option<String> = r.try_get("output")?;
                Ok(StepResult {
                    step: r.try_get("step")?,
                    item: r.try_get("item")?,
                    action: r.try_get("action")?,
                    input: serde_json::from_str(&input)?,
                    status: text(r, "status")?,
                    output: output.map(|o| serde_json::from_str(&o)).transpose()?,
                    error: r.try_get("error")?,
                    error_kind: optional_text(r, "error_kind")?,
                    attempts: r.try_get("attempts")?,
                    duration_ms: r.try_get("duration_ms")?,
                    finished_at: r.try_get("finished_at")?,
                    cached_at: r.try_get("cached_at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PlaybookRun {
            id: row.try_get("id")?,
            request_id: row.try_get("request_id")?,
            playbook: row.try_get("playbook")?,
            status: text(&row, "status")?,
            started_at: row.try_get("started_at")?,
            finished_at: row.try_get("finished_at")?,
            steps,
        })
    }

    pub(super) async fn count_requests(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM requests").fetch_one(&self.pool).await?;
        Ok(n)
    }

    pub(super) async fn activity_since(&self, since: &str) -> Result<crate::Activity, StoreError> {
        let requests: Vec<(i64, String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, received_at, sender, request_type FROM requests WHERE received_at >= ? ORDER BY id")
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
        let replies: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT o.request_id, r.received_at, o.sent_at FROM outbox o JOIN requests r ON r.id = o.request_id
             WHERE o.kind = 'report' AND o.state = 'sent' AND o.sent_at IS NOT NULL AND o.sent_at >= ? ORDER BY o.id",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let calls: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT action, status, duration_ms FROM step_results WHERE finished_at >= ?").bind(since).fetch_all(&self.pool).await?;
        Ok(crate::Activity {
            requests: requests
                .into_iter()
                .map(|(id, received_at, sender, request_type)| crate::RequestActivity { id, received_at, sender, request_type })
                .collect(),
            replies: replies.into_iter().map(|(request_id, received_at, sent_at)| crate::ReplyActivity { request_id, received_at, sent_at }).collect(),
            calls: calls.into_iter().map(|(action, status, duration_ms)| crate::CallActivity { action, failed: status == "failed", duration_ms }).collect(),
        })
    }
}

/// A transaction that will write: `BEGIN IMMEDIATE` takes the write lock at
/// the start, waiting up to the busy timeout for another writer. A deferred
/// `BEGIN` that reads first fails at once with "database is locked" (or
/// SQLITE_BUSY_SNAPSHOT under WAL) when another connection wrote meanwhile:
/// the busy timeout does not apply to that upgrade.
pub(crate) async fn write_transaction(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

const SUMMARY_SELECT: &str = "SELECT id, received_at, sender, subject, status, quarantine_reason, sender_allowed, sender_verdict,
    indicator_count, source, source_ref, message_id, raw_sha256, parsed, request_type, labels, assignee, assigned_by, task_id,
    (SELECT last_error FROM run_failures f WHERE f.request_id = requests.id AND f.parked = 1) AS parked_reason,
    (SELECT state FROM reports WHERE reports.request_id = requests.id) AS review_state FROM requests";

fn summary_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<RequestSummary, StoreError> {
    let verdict: String = row.try_get("sender_verdict")?;
    Ok(RequestSummary {
        id: row.try_get("id")?,
        received_at: row.try_get("received_at")?,
        task_id: row.try_get("task_id")?,
        review_state: optional_text(row, "review_state")?,
        sender: row.try_get("sender")?,
        subject: row.try_get("subject")?,
        status: text(row, "status")?,
        quarantine_reason: row.try_get("quarantine_reason")?,
        sender_allowed: row.try_get("sender_allowed")?,
        sender_verdict: serde_json::from_str(&verdict)?,
        indicator_count: row.try_get("indicator_count")?,
        source: row.try_get("source")?,
        request_type: row.try_get("request_type")?,
        labels: serde_json::from_str(&row.try_get::<String, _>("labels")?).unwrap_or_default(),
        assignee: row.try_get("assignee")?,
        assigned_by: row.try_get("assigned_by")?,
        parked_reason: row.try_get("parked_reason")?,
    })
}

/// Subject and body text from the stored parsed message.
fn subject_and_text(parsed: Option<String>) -> (Option<String>, Option<String>) {
    let Some(v) = parsed.and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok()) else { return (None, None) };
    (v["subject"].as_str().map(str::to_string), v["text"].as_str().map(str::to_string))
}

async fn insert_classification(tx: &mut Transaction<'_, Db>, request_id: i64, c: &drawbridge_model::Classification) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query(
        "INSERT INTO classifications (request_id, classifier, label, confidence, method, model_version, reason, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(request_id)
    .bind(&c.classifier)
    .bind(&c.label)
    .bind(c.confidence as f64)
    .bind(c.method.as_str())
    .bind(&c.model)
    .bind(&c.reason)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    set_label(tx, request_id, &c.classifier, &c.label).await?;
    Ok(id)
}

/// The request's current label for `classifier` (and its type, for `request_type`).
async fn set_label(tx: &mut Transaction<'_, Db>, request_id: i64, classifier: &str, label: &str) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE requests SET labels = json_set(labels, '$.' || json_quote(?), ?),
                             request_type = CASE WHEN ? = 'request_type' THEN ? ELSE request_type END
         WHERE id = ?",
    )
    .bind(classifier)
    .bind(label)
    .bind(classifier)
    .bind(label)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound(request_id));
    }
    Ok(())
}

async fn upsert_cursor(tx: &mut Transaction<'_, Db>, c: &ImapCursor) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO imap_cursors (account, mailbox, uidvalidity, last_uid) VALUES (?, ?, ?, ?)
         ON CONFLICT (account, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
             last_uid = MAX(CASE WHEN imap_cursors.uidvalidity = excluded.uidvalidity THEN imap_cursors.last_uid ELSE 0 END, excluded.last_uid)",
    )
    .bind(&c.account)
    .bind(&c.mailbox)
    .bind(c.uidvalidity as i64)
    .bind(c.last_uid as i64)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A column holding one of a closed set of spellings, as its enum.
pub(super) fn text<T>(row: &sqlx::sqlite::SqliteRow, column: &str) -> Result<T, StoreError>
where
    T: FromStr<Err = drawbridge_model::status::UnknownStatus>,
{
    let value: String = row.try_get(column)?;
    Ok(value.parse()?)
}

pub(super) fn optional_text<T>(row: &sqlx::sqlite::SqliteRow, column: &str) -> Result<Option<T>, StoreError>
where
    T: FromStr<Err = drawbridge_model::status::UnknownStatus>,
{
    let value: Option<String> = row.try_get(column)?;
    Ok(value.map(|v| v.parse()).transpose()?)
}

/// The indicator's id, recording it (or that it was seen again `now`).
pub(crate) async fn upsert_indicator(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, ind: &drawbridge_model::Indicator, now: &str) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO indicators (kind, value, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (kind, value) DO UPDATE SET last_seen = excluded.last_seen RETURNING id",
    )
    .bind(ind.kind.as_str())
    .bind(&ind.value)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

fn ticket_row(r: &sqlx::sqlite::SqliteRow) -> Result<TicketRow, StoreError> {
    let kind: String = r.try_get("kind")?;
    Ok(TicketRow {
        id: r.try_get("id")?,
        system: r.try_get("system")?,
        key: r.try_get("key")?,
        url: r.try_get("url")?,
        kind: Kind::parse(&kind).ok_or_else(|| StoreError::Unknown(drawbridge_model::status::UnknownStatus { kind: "Kind", text: kind.clone() }))?,
        value: r.try_get("value")?,
        opened_by_request: r.try_get("opened_by_request")?,
        opened_at: r.try_get("opened_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use drawbridge_model::{ErrorKind, RequestStatus, ReviewState, RunStatus, StepStatus};

    const MIGRATION: &str = include_str!("../migrations/sqlite/0006_typed_status.sql");
    /// Where the step results' status triggers were last defined.
    const STEP_STATUS_MIGRATION: &str = include_str!("../migrations/sqlite/0014_intel.sql");

    /// `NOT IN ('a', 'b')` for a closed set of spellings.
    fn not_in(spellings: &[&str]) -> String {
        format!("NOT IN ({})", spellings.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", "))
    }

    /// Several openers of one new database (the app, `serve`, the CLI) take
    /// turns migrating it; each sees the finished schema.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_openers_of_a_new_database_migrate_it_once() {
        let dir = std::env::temp_dir().join(format!("drawbridge-migrate-{}-{}", std::process::id(), now().replace([':', '.'], "")));
        let path = dir.join("db.sqlite");
        let opens: Vec<_> = (0..8)
            .map(|_| {
                tokio::spawn({
                    let p = path.clone();
                    async move { Sqlite::open(&p).await.map(|_| ()) }
                })
            })
            .collect();
        for o in opens {
            o.await.expect("task").expect("every opener succeeds");
        }
        let db = Sqlite::open(&path).await.expect("open");
        let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&db.pool).await.expect("count");
        assert_eq!(applied as usize, MIGRATOR.iter().count());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_database_knows_exactly_the_enums_spellings() {
        let cases: [(&str, Vec<&str>, &str); 4] = [
            ("requests.status", RequestStatus::ALL.iter().map(|s| s.as_str()).collect(), MIGRATION),
            ("playbook_runs.status", RunStatus::ALL.iter().map(|s| s.as_str()).collect(), MIGRATION),
            ("step_results.status", StepStatus::ALL.iter().map(|s| s.as_str()).collect(), STEP_STATUS_MIGRATION),
            ("reports.state", ReviewState::ALL.iter().map(|s| s.as_str()).collect(), MIGRATION),
        ];
        for (column, spellings, migration) in cases {
            let guard = not_in(&spellings);
            let checks = migration.lines().filter(|l| l.contains(&guard)).count();
            assert_eq!(checks, 2, "{column}: the insert and update triggers list {guard}");
        }
        let listed = ErrorKind::ALL.iter().map(|k| format!("'{}'", k.as_str())).collect::<Vec<_>>().join(", ");
        assert!(MIGRATION.contains(&format!("CHECK (error_kind IN ({listed}))")), "error_kind's CHECK lists every ErrorKind");
    }

    #[tokio::test]
    async fn an_unknown_status_is_refused_on_write_and_on_read() {
        let db = Sqlite::in_memory().await.expect("store");
        sqlx::query("INSERT INTO raw_messages (sha256, size, bytes, stored_at) VALUES ('x', 0, x'', '2026-01-01T00:00:00Z')")
            .execute(&db.pool)
            .await
            .expect("raw");
        sqlx::query(
            "INSERT INTO requests (raw_sha256, source, source_ref, received_at, status, sender_allowed, sender_verdict, indicator_count)
             VALUES ('x', 'file', 'f', '2026-01-01T00:00:00Z', 'new', 1, '{}', 0)",
        )
        .execute(&db.pool)
        .await
        .expect("a known status is stored");
        let err = sqlx::query("UPDATE requests SET status = 'maybe'").execute(&db.pool).await.expect_err("refused");
        assert!(err.to_string().contains("not a known status"), "{err}");
        // A value that slipped in behind the triggers' back is an error when read, never a default.
        sqlx::query("DROP TRIGGER requests_status_update").execute(&db.pool).await.expect("drop");
        sqlx::query("UPDATE requests SET status = 'maybe'").execute(&db.pool).await.expect("tampered");
        let read = db.list_requests(10).await.expect_err("unknown status");
        assert!(matches!(read, StoreError::Unknown(_)), "{read}");
    }

    #[tokio::test]
    async fn the_queue_is_filtered_and_paged_in_the_database() {
        let db = Sqlite::in_memory().await.expect("store");
        for i in 1..=250 {
            let sha = format!("m{i}");
            sqlx::query("INSERT INTO raw_messages (sha256, size, bytes, stored_at) VALUES (?, 0, x'', '2026-01-01T00:00:00Z')")
                .bind(&sha)
                .execute(&db.pool)
                .await
                .expect("raw");
            let (sender, subject, kind, status) = match i % 5 {
                0 => ("soc@mssp.example.net", format!("Who owns WKS-FIN-{i:03}?"), "enrichment", "new"),
                1 => ("other@other.example", format!("Phish 100% [{i}]"), "phishing", "new"),
                2 => ("soc@mssp.example.net", format!("Hash {i}"), "hash", "new"),
                3 => ("x@spoof.example", format!("Spoof {i}"), "enrichment", "quarantined"),
                _ => ("soc@mssp.example.net", format!("Firewall {i}"), "firewall", "new"),
            };
            sqlx::query(
                "INSERT INTO requests (raw_sha256, source, source_ref, received_at, status, sender_allowed, sender_verdict, indicator_count, sender, subject, request_type, assignee)
                 VALUES (?, 'file', 'f', '2026-01-01T00:00:00Z', ?, 1, '{\"allowed\":true,\"reasons\":[]}', 0, ?, ?, ?, ?)",
            )
            .bind(&sha)
            .bind(status)
            .bind(sender)
            .bind(&subject)
            .bind(kind)
            .bind(if i % 2 == 0 { Some("alice") } else { None })
            .execute(&db.pool)
            .await
            .expect("request");
        }
        let q = |words: &[&str], state: Option<&str>, kind: Option<&str>, assignee: Option<&str>, offset: i64| crate::QueueQuery {
            words: words.iter().map(|w| w.to_string()).collect(),
            state: state.map(String::from),
            request_type: kind.map(String::from),
            assignee: assignee.map(String::from),
            offset,
            limit: 100,
        };
        let all = db.queue_page(&q(&[], None, None, None, 0)).await.expect("page");
        assert_eq!((all.total, all.rows.len(), all.rows[0].id), (250, 100, 250), "newest first");
        let last = db.queue_page(&q(&[], None, None, None, 200)).await.expect("page");
        assert_eq!((last.rows.len(), last.rows[49].id), (50, 1));
        let owners = db.queue_page(&q(&["who", "WKS-FIN"], None, None, None, 0)).await.expect("page");
        assert_eq!(owners.total, 50, "every word, case-insensitive");
        // `%` and `_` are plain characters, not wildcards.
        assert_eq!(db.queue_page(&q(&["100%"], None, None, None, 0)).await.expect("page").total, 50);
        assert_eq!(db.queue_page(&q(&["_"], None, None, None, 0)).await.expect("page").total, 0);
        assert_eq!(db.queue_page(&q(&[], Some("quarantined"), None, None, 0)).await.expect("page").total, 50);
        assert_eq!(db.queue_page(&q(&[], Some("new"), Some("enrichment"), None, 0)).await.expect("page").total, 50);
        assert_eq!(db.queue_page(&q(&[], Some("draft"), None, None, 0)).await.expect("page").total, 0);
        assert_eq!(db.queue_page(&q(&["mssp.example.net"], None, None, Some("alice"), 0)).await.expect("page").total, 75);
        assert_eq!(db.queue_page(&q(&["137"], None, None, None, 0)).await.expect("page").rows[0].id, 137, "by number");
    }
}
