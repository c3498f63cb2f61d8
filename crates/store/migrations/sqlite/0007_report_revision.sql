-- Every change to a report is made against the revision it read: a
-- compare-and-set, so that a rejection and a concurrent approval cannot
-- both take effect.
ALTER TABLE reports ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
