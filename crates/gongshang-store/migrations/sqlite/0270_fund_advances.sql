-- Large tables: none; it only creates new tables.
-- issue 12/17: the fund's advance payment (先行支付; Social Insurance Law
-- Arts 41-42, MOHRSS Order No. 15) and the back-payment's ledger posting.
--   fund_advances: the written application (Order 15 Arts 4, 6): the case,
--     the ground, who applied, the circumstance, the documents.
--   fund_advance_steps: what the agency did, once each: the unit's notice
--     (demanded, with the day it must pay by: Order 15 Art 7), the decision
--     (granted with the amount and its lines, or refused with the reason:
--     Art 9), and the payment out of the fund (paid, with its ledger key),
--     approved by someone other than who granted it.
--   fund_advance_recoveries: each sum the unit or the third party repaid
--     (Order 15 Arts 12-13), once per idempotency key, with its ledger key.
--   back_payment_postings: the ledger transaction of a back-payment's
--     premiums and late fees (Regulations Art 62(1)).
-- All append-only.
-- SQLite dialect; keep in step with ../postgres/0270_fund_advances.sql.
CREATE TABLE fund_advances (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    ground          TEXT    NOT NULL CHECK (ground IN ('employer_unpaid', 'third_party')),
    applicant       TEXT    NOT NULL CHECK (applicant IN ('worker', 'relative')),
    applicant_name  TEXT    NOT NULL CHECK (length(applicant_name) > 0),
    circumstance    TEXT    NOT NULL CHECK (length(circumstance) > 0),
    third_party     TEXT,
    applied_on      TEXT    NOT NULL,
    documents       TEXT    NOT NULL CHECK (length(documents) > 0),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX fund_advances_case ON fund_advances (case_id);
CREATE TABLE fund_advance_steps (
    advance_id      INTEGER NOT NULL REFERENCES fund_advances(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('demanded', 'granted', 'refused', 'paid')),
    on_day          TEXT    NOT NULL,
    due_on          TEXT,
    amount_fen      INTEGER CHECK (amount_fen >= 0),
    basis           TEXT    NOT NULL,
    ledger_key      TEXT    UNIQUE REFERENCES ledger_transactions(idempotency_key),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL,
    PRIMARY KEY (advance_id, kind)
);
CREATE TABLE fund_advance_recoveries (
    id              INTEGER PRIMARY KEY,
    advance_id      INTEGER NOT NULL REFERENCES fund_advances(id),
    debtor          TEXT    NOT NULL CHECK (debtor IN ('unit', 'third_party')),
    received_on     TEXT    NOT NULL,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    document        TEXT    NOT NULL CHECK (length(document) > 0),
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX fund_advance_recoveries_advance ON fund_advance_recoveries (advance_id);
CREATE TABLE back_payment_postings (
    back_payment_id INTEGER PRIMARY KEY REFERENCES back_payments(id),
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key)
);
CREATE TRIGGER fund_advances_no_update BEFORE UPDATE ON fund_advances
BEGIN SELECT RAISE(ABORT, 'advances are append-only'); END;
CREATE TRIGGER fund_advances_no_delete BEFORE DELETE ON fund_advances
BEGIN SELECT RAISE(ABORT, 'advances are append-only'); END;
CREATE TRIGGER fund_advance_steps_no_update BEFORE UPDATE ON fund_advance_steps
BEGIN SELECT RAISE(ABORT, 'advance steps are append-only'); END;
CREATE TRIGGER fund_advance_steps_no_delete BEFORE DELETE ON fund_advance_steps
BEGIN SELECT RAISE(ABORT, 'advance steps are append-only'); END;
CREATE TRIGGER fund_advance_recoveries_no_update BEFORE UPDATE ON fund_advance_recoveries
BEGIN SELECT RAISE(ABORT, 'advance recoveries are append-only'); END;
CREATE TRIGGER fund_advance_recoveries_no_delete BEFORE DELETE ON fund_advance_recoveries
BEGIN SELECT RAISE(ABORT, 'advance recoveries are append-only'); END;
CREATE TRIGGER back_payment_postings_no_update BEFORE UPDATE ON back_payment_postings
BEGIN SELECT RAISE(ABORT, 'back-payment postings are append-only'); END;
CREATE TRIGGER back_payment_postings_no_delete BEFORE DELETE ON back_payment_postings
BEGIN SELECT RAISE(ABORT, 'back-payment postings are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('fund_advances', 'region', 'case_id'),
    ('fund_advance_steps', 'region', 'advance_id'),
    ('fund_advance_recoveries', 'region', 'advance_id'),
    ('back_payment_postings', 'region', 'back_payment_id');
