-- Large tables: fund_advance_recoveries is copied whole (one row per repayment of an advance: small).
-- sqlite: foreign_keys off
-- A repayment of an advance by the person it was paid to (社会保险基金先行支付
-- 暂行办法, MOHRSS Order No. 15 Art 11): the worker or the close relative who
-- received the fund's advance and later obtained the costs or benefits from
-- the unit or the third party returns the corresponding part to the fund;
-- the recovery's debtor gains 'recipient'. SQLite cannot widen a CHECK in
-- place: the table is rebuilt by its documented 12-step ALTER
-- (https://www.sqlite.org/lang_altertable.html#otheralter), every row and id
-- kept, its index and append-only triggers created again.
-- SQLite dialect; keep in step with ../postgres/0321_advance_recipient_repayment.sql.
CREATE TABLE new_fund_advance_recoveries (
    id              INTEGER PRIMARY KEY,
    advance_id      INTEGER NOT NULL REFERENCES fund_advances(id),
    debtor          TEXT    NOT NULL CHECK (debtor IN ('unit', 'third_party', 'recipient')),
    received_on     TEXT    NOT NULL,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    document        TEXT    NOT NULL CHECK (length(document) > 0),
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
INSERT INTO new_fund_advance_recoveries (id, advance_id, debtor, received_on, amount_fen, document,
    ledger_key, recorded_by, recorded_at)
SELECT id, advance_id, debtor, received_on, amount_fen, document, ledger_key, recorded_by, recorded_at
FROM fund_advance_recoveries;
DROP TABLE fund_advance_recoveries;
ALTER TABLE new_fund_advance_recoveries RENAME TO fund_advance_recoveries;
CREATE INDEX fund_advance_recoveries_advance ON fund_advance_recoveries (advance_id);
CREATE TRIGGER fund_advance_recoveries_no_update BEFORE UPDATE ON fund_advance_recoveries
BEGIN SELECT RAISE(ABORT, 'advance recoveries are append-only'); END;
CREATE TRIGGER fund_advance_recoveries_no_delete BEFORE DELETE ON fund_advance_recoveries
BEGIN SELECT RAISE(ABORT, 'advance recoveries are append-only'); END;
