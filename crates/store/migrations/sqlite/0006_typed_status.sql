-- Statuses are closed sets (drawbridge-model's status enums). A failed call
-- records how it failed (error_kind), so readers never parse error text.
-- SQLite cannot add a CHECK to an existing column, so the status columns of
-- tables created earlier are checked by triggers with the same effect; a test
-- keeps these lists and the enums in step.
ALTER TABLE step_results ADD COLUMN error_kind TEXT
    CHECK (error_kind IN ('not_configured', 'unavailable', 'refused', 'not_found', 'invalid_input', 'conflict', 'internal'));

CREATE TRIGGER requests_status_insert BEFORE INSERT ON requests
    WHEN NEW.status NOT IN ('new', 'quarantined')
    BEGIN SELECT RAISE(ABORT, 'requests.status: not a known status'); END;
CREATE TRIGGER requests_status_update BEFORE UPDATE OF status ON requests
    WHEN NEW.status NOT IN ('new', 'quarantined')
    BEGIN SELECT RAISE(ABORT, 'requests.status: not a known status'); END;

CREATE TRIGGER playbook_runs_status_insert BEFORE INSERT ON playbook_runs
    WHEN NEW.status NOT IN ('running', 'completed', 'failed')
    BEGIN SELECT RAISE(ABORT, 'playbook_runs.status: not a known status'); END;
CREATE TRIGGER playbook_runs_status_update BEFORE UPDATE OF status ON playbook_runs
    WHEN NEW.status NOT IN ('running', 'completed', 'failed')
    BEGIN SELECT RAISE(ABORT, 'playbook_runs.status: not a known status'); END;

CREATE TRIGGER step_results_status_insert BEFORE INSERT ON step_results
    WHEN NEW.status NOT IN ('ok', 'no_result', 'failed', 'skipped')
    BEGIN SELECT RAISE(ABORT, 'step_results.status: not a known status'); END;
CREATE TRIGGER step_results_status_update BEFORE UPDATE OF status ON step_results
    WHEN NEW.status NOT IN ('ok', 'no_result', 'failed', 'skipped')
    BEGIN SELECT RAISE(ABORT, 'step_results.status: not a known status'); END;

CREATE TRIGGER reports_state_insert BEFORE INSERT ON reports
    WHEN NEW.state NOT IN ('draft', 'approved', 'queued', 'sent', 'rejected')
    BEGIN SELECT RAISE(ABORT, 'reports.state: not a known state'); END;
CREATE TRIGGER reports_state_update BEFORE UPDATE OF state ON reports
    WHEN NEW.state NOT IN ('draft', 'approved', 'queued', 'sent', 'rejected')
    BEGIN SELECT RAISE(ABORT, 'reports.state: not a known state'); END;

-- Steps that failed before this migration: their kind is unknown.
UPDATE step_results SET error_kind = 'unavailable' WHERE status = 'failed' AND error_kind IS NULL;
