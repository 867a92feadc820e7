-- Large tables: none; it only creates new tables (their foreign keys take brief
-- SHARE ROW EXCLUSIVE locks on cases, periodic_benefits and ledger_transactions, no scan).
-- Overpaid benefits and their recovery (社会保险经办条例, Decree No. 765, Art 46;
-- issue 12): refunded at once, by instalments, or set against later benefits.
-- PostgreSQL dialect; keep in step with ../sqlite/0080_overpayments.sql.
CREATE TABLE overpayments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    case_id         BIGINT  NOT NULL REFERENCES cases(id),
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    offset_benefit_id BIGINT REFERENCES periodic_benefits(id),
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    method          TEXT    NOT NULL CHECK (method IN ('refund', 'instalments', 'offset')),
    basis           TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL
);
CREATE INDEX overpayments_case ON overpayments(case_id);
CREATE TABLE overpayment_instalments (
    overpayment_id  BIGINT  NOT NULL REFERENCES overpayments(id),
    seq             BIGINT  NOT NULL CHECK (seq >= 1),
    month           TEXT    NOT NULL,
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (overpayment_id, seq)
);
CREATE TABLE overpayment_recoveries (
    overpayment_id  BIGINT  NOT NULL REFERENCES overpayments(id),
    seq             BIGINT  NOT NULL,
    how             TEXT    NOT NULL CHECK (how IN ('refund', 'instalment', 'offset')),
    recovered_on    TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    PRIMARY KEY (overpayment_id, seq),
    FOREIGN KEY (overpayment_id, seq) REFERENCES overpayment_instalments(overpayment_id, seq)
);
CREATE TRIGGER overpayments_no_update BEFORE UPDATE ON overpayments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('overpayments are append-only');
CREATE TRIGGER overpayment_instalments_no_update BEFORE UPDATE ON overpayment_instalments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('overpayment schedules are append-only');
CREATE TRIGGER overpayment_recoveries_no_update BEFORE UPDATE ON overpayment_recoveries
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('overpayment recoveries are append-only');
