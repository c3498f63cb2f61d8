-- Playbook runs and the result of every call, stored as each call finishes,
-- so that a run interrupted by a crash resumes without repeating work.
CREATE TABLE playbook_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    playbook     TEXT NOT NULL,
    status       TEXT NOT NULL,             -- running | completed | failed
    started_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE INDEX playbook_runs_request ON playbook_runs(request_id);

CREATE TABLE step_results (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       INTEGER NOT NULL REFERENCES playbook_runs(id),
    step         TEXT NOT NULL,
    item         TEXT NOT NULL,             -- kind:value, or '' for once-only steps
    action       TEXT NOT NULL,
    input        TEXT NOT NULL,             -- JSON
    status       TEXT NOT NULL,             -- ok | no_result | failed
    output       TEXT,                      -- JSON
    error        TEXT,
    attempts     INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    finished_at  TEXT NOT NULL,
    UNIQUE (run_id, step, item)
);
