-- Investigation tickets opened in the team's ticketing system for an
-- indicator whose verdict called for one. Within the dedup window a later
-- request about the same indicator comments on the open ticket instead of
-- opening another; every request that touched a ticket is linked to it.
CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    system            TEXT NOT NULL,
    key               TEXT NOT NULL,
    url               TEXT,
    kind              TEXT NOT NULL,
    value             TEXT NOT NULL,
    opened_by_request INTEGER NOT NULL REFERENCES requests(id),
    opened_at         TEXT NOT NULL
);
CREATE INDEX tickets_indicator ON tickets(kind, value, opened_at);

CREATE TABLE ticket_links (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    request_id INTEGER NOT NULL REFERENCES requests(id),
    action     TEXT NOT NULL CHECK (action IN ('opened', 'commented')),
    at         TEXT NOT NULL,
    PRIMARY KEY (ticket_id, request_id)
);

-- A task closes when its work moved elsewhere (an investigation ticket).
ALTER TABLE tasks ADD COLUMN closed_at TEXT;
ALTER TABLE tasks ADD COLUMN closed_because TEXT;
