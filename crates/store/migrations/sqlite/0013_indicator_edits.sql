-- An analyst's changes to a request's indicators. Nothing extracted is
-- deleted: a removed indicator keeps its row, marked with who removed it.
-- `withheld_by`: marked "do not disclose" (never in the reply's findings,
-- never sent to an outside service). An added indicator's `source` is
-- `analyst`.
ALTER TABLE request_indicators ADD COLUMN removed_by TEXT;
ALTER TABLE request_indicators ADD COLUMN withheld_by TEXT;
