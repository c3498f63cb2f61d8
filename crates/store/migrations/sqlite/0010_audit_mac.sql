-- A keyed MAC over each audit entry's hash (HMAC-SHA256 with a key kept
-- outside the database, in the OS keyring, the environment or a 0600 file).
-- The hash chain shows edits by anyone who does not rewrite the whole chain;
-- the MAC also shows a chain rewritten by someone who can write the database
-- but does not hold the key. Entries written without a key have none.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
