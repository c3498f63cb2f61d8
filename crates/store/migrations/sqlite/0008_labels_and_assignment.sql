-- Several classifiers: every prediction and correction names its classifier,
-- and each request carries its current label per classifier (JSON object,
-- e.g. {"request_type": "enrichment", "priority": "P2"}).
ALTER TABLE classifications ADD COLUMN classifier TEXT NOT NULL DEFAULT 'request_type';
ALTER TABLE corrections ADD COLUMN classifier TEXT NOT NULL DEFAULT 'request_type';
ALTER TABLE requests ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
UPDATE requests SET labels = json_object('request_type', request_type) WHERE request_type IS NOT NULL;
CREATE INDEX classifications_classifier ON classifications(classifier, created_at);

-- Assignment: who works on a request, which rule (or whose reassignment)
-- put it there, and every change of hands.
ALTER TABLE requests ADD COLUMN assignee TEXT;
ALTER TABLE requests ADD COLUMN assigned_by TEXT;
CREATE INDEX requests_assignee ON requests(assignee);
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    from_assignee TEXT,
    assignee TEXT NOT NULL,
    rule TEXT,
    actor TEXT NOT NULL,
    reason TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX assignments_request ON assignments(request_id);
