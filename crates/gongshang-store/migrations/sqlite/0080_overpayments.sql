-- Overpaid benefits and their recovery (社会保险经办条例, Decree No. 765, Art 46;
-- issue 12): refunded at once, by instalments, or set against later benefits.
-- SQLite dialect; keep in step with ../postgres/0080_overpayments.sql.
CREATE TABLE overpayments (
    id              INTEGER PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    benefit_id      INTEGER NOT NULL REFERENCES periodic_benefits(id),
    -- the benefit later payments are kept back from (offset only)
    offset_benefit_id INTEGER REFERENCES periodic_benefits(id),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    method          TEXT    NOT NULL CHECK (method IN ('refund', 'instalments', 'offset')),
    basis           TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL
);
CREATE INDEX overpayments_case ON overpayments(case_id);
-- The schedule: what is due each month; the instalments add up to the amount.
CREATE TABLE overpayment_instalments (
    overpayment_id  INTEGER NOT NULL REFERENCES overpayments(id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    month           TEXT    NOT NULL,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (overpayment_id, seq)
);
-- What was recovered: each instalment once, with its ledger transaction.
CREATE TABLE overpayment_recoveries (
    overpayment_id  INTEGER NOT NULL REFERENCES overpayments(id),
    seq             INTEGER NOT NULL,
    how             TEXT    NOT NULL CHECK (how IN ('refund', 'instalment', 'offset')),
    recovered_on    TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    PRIMARY KEY (overpayment_id, seq),
    FOREIGN KEY (overpayment_id, seq) REFERENCES overpayment_instalments(overpayment_id, seq)
);
CREATE TRIGGER overpayments_no_update BEFORE UPDATE ON overpayments
BEGIN SELECT RAISE(ABORT, 'overpayments are append-only'); END;
CREATE TRIGGER overpayment_instalments_no_update BEFORE UPDATE ON overpayment_instalments
BEGIN SELECT RAISE(ABORT, 'overpayment schedules are append-only'); END;
CREATE TRIGGER overpayment_recoveries_no_update BEFORE UPDATE ON overpayment_recoveries
BEGIN SELECT RAISE(ABORT, 'overpayment recoveries are append-only'); END;
