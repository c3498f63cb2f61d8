-- The SHA-256 of the exact bytes queued at approval: the sender hashes the
-- bytes again before sending and refuses to send anything else. Rows queued
-- before this column existed have none (sent as before, with a warning).
ALTER TABLE outbox ADD COLUMN message_sha256 TEXT;
