-- Large tables: overpayments is copied whole (one row per overpayment: small).
-- sqlite: foreign_keys off
-- An overpayment may be a one-time payment as well as a periodic benefit
-- (Order No. 55 Art 31: a revoked conclusion's one-time items come back as
-- overpayments, Decree 765 Art 46): benefit_id becomes nullable and
-- one_time_payment_id names the payment; exactly one of the two is set.
-- SQLite cannot drop a NOT NULL in place: this is its documented 12-step
-- ALTER (https://www.sqlite.org/lang_altertable.html#otheralter). The runner
-- turns foreign keys off before its transaction when a pending migration
-- carries the line "sqlite: foreign_keys off" (step 1), runs
-- PRAGMA foreign_key_check before committing (step 10) and turns them on
-- again after (step 12); overpayment_instalments, overpayment_recoveries,
-- match_hits, appraisal_revisions and stop_benefit_reports keep referring to
-- "overpayments" by name, so the rebuilt table is theirs again.
-- SQLite dialect; keep in step with ../postgres/0233_overpayment_one_time.sql.
CREATE TABLE new_overpayments (
    id              INTEGER PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    benefit_id      INTEGER REFERENCES periodic_benefits(id),
    -- the benefit later payments are kept back from (offset only)
    offset_benefit_id INTEGER REFERENCES periodic_benefits(id),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    method          TEXT    NOT NULL CHECK (method IN ('refund', 'instalments', 'offset')),
    basis           TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    -- the one-time payment overpaid (instead of a periodic benefit)
    one_time_payment_id INTEGER REFERENCES one_time_payments(id),
    CHECK ((benefit_id IS NULL) <> (one_time_payment_id IS NULL))
);
INSERT INTO new_overpayments (id, reference, case_id, benefit_id, offset_benefit_id, amount_fen,
    reason, method, basis, ledger_key, created_at, actor, one_time_payment_id)
SELECT id, reference, case_id, benefit_id, offset_benefit_id, amount_fen,
    reason, method, basis, ledger_key, created_at, actor, NULL
FROM overpayments;
DROP TABLE overpayments;
ALTER TABLE new_overpayments RENAME TO overpayments;
CREATE INDEX overpayments_case ON overpayments(case_id);
CREATE INDEX overpayments_one_time ON overpayments(one_time_payment_id) WHERE one_time_payment_id IS NOT NULL;
CREATE TRIGGER overpayments_no_update BEFORE UPDATE ON overpayments
BEGIN SELECT RAISE(ABORT, 'overpayments are append-only'); END;
