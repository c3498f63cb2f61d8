-- Review and reply: the report of each request with the analyst's edits and
-- approvals, the outbox of approved replies, and the audit log.
CREATE TABLE reports (
    request_id   INTEGER PRIMARY KEY REFERENCES requests(id),
    state        TEXT NOT NULL,            -- draft | approved | queued | sent | rejected
    summary      TEXT,                     -- the analyst's summary (NULL: generated)
    overrides    TEXT NOT NULL DEFAULT '{}',  -- fact id -> redact | reveal
    digest       TEXT NOT NULL,            -- of the content as it would be sent now
    generated_digest TEXT NOT NULL,        -- of the content as first generated
    generated_text TEXT NOT NULL,          -- the generated draft, for the review diff
    approvals    TEXT NOT NULL DEFAULT '[]',  -- [{actor, at, digest}]
    reject_reason TEXT,
    updated_at   TEXT NOT NULL
);

CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id     INTEGER NOT NULL REFERENCES requests(id),
    kind           TEXT NOT NULL,          -- report | refusal | acknowledgement
    digest         TEXT NOT NULL,          -- the approved content's digest
    message_id     TEXT NOT NULL,
    envelope_from  TEXT NOT NULL,
    recipients     TEXT NOT NULL,          -- JSON array
    message        BLOB NOT NULL,          -- the exact bytes to send
    state          TEXT NOT NULL,          -- queued | sending | sent | cancelled
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error     TEXT,
    smtp_response  TEXT,
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Append-only and hash-chained: each row's hash covers the previous row's
-- hash and its own fields, so any change or removal breaks the chain.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    request_id    INTEGER,
    before_digest TEXT,
    after_digest  TEXT,
    detail        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
