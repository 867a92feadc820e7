-- Large tables: none; it only creates a new table.
-- Regulations Art 62(3): a unit that had not insured its workers enrolled
-- and settled the back-payment of the premiums of the uninsured period with
-- the late fees (补缴工伤保险费、滞纳金), as the agency recorded it: the unit
-- and scheme, the period the premiums were owed for, the day settled, the
-- amounts and the receipt or notice, and who recorded it. The fund pays the
-- new costs of that period's cases arising after the day settled
-- (gongshang_rules::uninsured). Append-only; once per unit, scheme and
-- first day of the period.
-- SQLite dialect; keep in step with ../postgres/0220_back_payments.sql.
CREATE TABLE back_payments (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    scheme_id       TEXT    NOT NULL,
    period_from     TEXT    NOT NULL,
    period_until    TEXT    NOT NULL,
    settled_on      TEXT    NOT NULL,
    premiums_fen    INTEGER NOT NULL CHECK (premiums_fen > 0),
    late_fees_fen   INTEGER NOT NULL CHECK (late_fees_fen >= 0),
    document        TEXT    NOT NULL CHECK (length(document) > 0),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL,
    CHECK (period_from <= period_until),
    CHECK (period_until <= settled_on),
    UNIQUE (unit_id, scheme_id, period_from)
);
CREATE TRIGGER back_payments_no_update BEFORE UPDATE ON back_payments
BEGIN SELECT RAISE(ABORT, 'back-payments are append-only'); END;
CREATE TRIGGER back_payments_no_delete BEFORE DELETE ON back_payments
BEGIN SELECT RAISE(ABORT, 'back-payments are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('back_payments', 'region', 'unit_id');
