-- A request whose playbook could not start (no playbook, a planning error,
-- more work than the limits allow) is retried with backoff, then parked
-- with its error for a person, instead of blocking the queue.
CREATE TABLE run_failures (
    request_id      INTEGER PRIMARY KEY REFERENCES requests(id),
    attempts        INTEGER NOT NULL,
    last_error      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    parked          INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL
);
