-- Threat intel. A call to an outside service that the privacy guard
-- refused is recorded as `withheld` (with the reason in `error`): the step
-- results' status triggers are redefined with the new spelling.
DROP TRIGGER step_results_status_insert;
DROP TRIGGER step_results_status_update;
CREATE TRIGGER step_results_status_insert BEFORE INSERT ON step_results
    WHEN NEW.status NOT IN ('ok', 'no_result', 'failed', 'skipped', 'withheld')
    BEGIN SELECT RAISE(ABORT, 'step_results.status: not a known status'); END;
CREATE TRIGGER step_results_status_update BEFORE UPDATE OF status ON step_results
    WHEN NEW.status NOT IN ('ok', 'no_result', 'failed', 'skipped', 'withheld')
    BEGIN SELECT RAISE(ABORT, 'step_results.status: not a known status'); END;

-- A result answered from the call cache says when the source gave it.
ALTER TABLE step_results ADD COLUMN cached_at TEXT;

-- Answers of sources with a cache lifetime (`cache_ttl_seconds`), by action
-- and inputs (canonical JSON). Only answers are kept, never errors.
CREATE TABLE call_cache (
    action     TEXT NOT NULL,
    input      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('ok', 'no_result')),
    output     TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (action, input)
);
