-- A task is the work on one question. A request that names an indicator
-- already asked about (within the configured window) joins the earlier
-- request's task, and the task is re-run with fresh data.
CREATE TABLE tasks (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    opened_by_request INTEGER NOT NULL REFERENCES requests(id),
    created_at        TEXT NOT NULL
);
ALTER TABLE requests ADD COLUMN task_id INTEGER REFERENCES tasks(id);
CREATE INDEX requests_task ON requests(task_id);
