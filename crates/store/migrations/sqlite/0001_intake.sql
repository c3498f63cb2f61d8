-- Raw messages, content-addressed: exactly what arrived, kept whatever happens next.
CREATE TABLE raw_messages (
    sha256      TEXT PRIMARY KEY NOT NULL,
    size        INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    stored_at   TEXT NOT NULL
);

-- One request per distinct raw message.
CREATE TABLE requests (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    raw_sha256        TEXT NOT NULL UNIQUE REFERENCES raw_messages(sha256),
    source            TEXT NOT NULL,          -- imap | drop_folder | file
    source_ref        TEXT NOT NULL,          -- mailbox/UID or file name
    received_at       TEXT NOT NULL,          -- when Drawbridge took it (RFC 3339, UTC)
    message_id        TEXT,
    sender            TEXT,
    subject           TEXT,
    sent_at           TEXT,                   -- the Date header
    status            TEXT NOT NULL,          -- new | quarantined
    quarantine_reason TEXT,
    sender_allowed    INTEGER NOT NULL,
    sender_verdict    TEXT NOT NULL,          -- JSON SenderVerdict
    parsed            TEXT,                   -- JSON ParsedMessage (NULL when unparsable)
    indicator_count   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX requests_received ON requests(received_at);
CREATE INDEX requests_message_id ON requests(message_id);

CREATE TABLE indicators (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    UNIQUE (kind, value)
);

CREATE TABLE request_indicators (
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    position     INTEGER NOT NULL,            -- order of first appearance in the request
    occurrences  INTEGER NOT NULL,
    defanged     INTEGER NOT NULL,
    source       TEXT NOT NULL,
    PRIMARY KEY (request_id, indicator_id)
);
CREATE INDEX request_indicators_indicator ON request_indicators(indicator_id);

-- Where the IMAP watcher is in each mailbox; updated in the same transaction
-- as the request it ingested, so a crash never skips or repeats a message.
CREATE TABLE imap_cursors (
    account      TEXT NOT NULL,
    mailbox      TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    PRIMARY KEY (account, mailbox)
);
