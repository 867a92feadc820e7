-- Large tables: none; it only creates a new table (its foreign keys to bills and
-- unit_successions take a SHARE ROW EXCLUSIVE lock on those briefly, no rewrite).
-- Issue 17: a predecessor's unpaid bills taken over by its successor after a
-- merger or a transfer (Regulations Art 43(1), read with 民法典 Art 67(1): the
-- unit after a merger takes over the rights and obligations; see DESIGN.md).
--   succession_debts: one row per succession and bill taken over, with what the
--     bill still owed in premiums and late fees when it was taken over (the
--     debt itself stays on the bill: a payment of the bill by anyone settles
--     it). The bill is owed by the successor of its latest row; a unit that
--     passes on what it took over adds a row of its own succession.
-- Append-only. SQLite dialect; keep in step with ../postgres/0340_succession_debts.sql.
CREATE TABLE succession_debts (
    id              INTEGER PRIMARY KEY,
    succession_id   INTEGER NOT NULL REFERENCES unit_successions(id),
    bill_id         INTEGER NOT NULL REFERENCES bills(id),
    premiums_fen    INTEGER NOT NULL CHECK (premiums_fen >= 0),
    late_fees_fen   INTEGER NOT NULL CHECK (late_fees_fen >= 0),
    assumed_on      TEXT    NOT NULL,
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL,
    CHECK (premiums_fen + late_fees_fen > 0),
    UNIQUE (succession_id, bill_id)
);
CREATE INDEX succession_debts_bill ON succession_debts (bill_id);
CREATE TRIGGER succession_debts_no_update BEFORE UPDATE ON succession_debts
BEGIN SELECT RAISE(ABORT, 'succession debts are append-only'); END;
CREATE TRIGGER succession_debts_no_delete BEFORE DELETE ON succession_debts
BEGIN SELECT RAISE(ABORT, 'succession debts are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('succession_debts', 'region', 'bill_id');
