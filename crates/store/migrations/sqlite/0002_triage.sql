-- Triage: the current type of each request (predicted, or corrected by an analyst).
ALTER TABLE requests ADD COLUMN request_type TEXT;

-- Every prediction, as made.
CREATE TABLE classifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id    INTEGER NOT NULL REFERENCES requests(id),
    label         TEXT NOT NULL,            -- a request type or 'default'
    confidence    REAL NOT NULL,
    method        TEXT NOT NULL,            -- model | keywords | default
    model_version TEXT NOT NULL,
    reason        TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX classifications_request ON classifications(request_id);
CREATE INDEX classifications_created ON classifications(created_at);

-- Every correction by an analyst, beside the prediction it corrects.
CREATE TABLE corrections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id     INTEGER NOT NULL REFERENCES requests(id),
    classification_id INTEGER REFERENCES classifications(id),
    from_label     TEXT NOT NULL,
    to_label       TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX corrections_request ON corrections(request_id);
