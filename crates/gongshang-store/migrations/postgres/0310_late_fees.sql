-- Large tables: none; it only creates two new tables (their foreign keys to bills and
-- payments take a SHARE ROW EXCLUSIVE lock on those briefly, no rewrite).
-- issue 12: the late fee of a bill paid late, as a debt of its own (Social
-- Insurance Law Art 86; Regulations Art 62(1)).
--   late_fee_assessments: the fee assessed with a payment of a unit's or a
--     platform's bill made after the due date, on the amount that payment
--     settled, for the days from the day after the due date to the day
--     received; one per payment, with its ledger transaction
--     (late_fee_assessed).
--   late_fee_payments: what the unit or platform paid of a bill's assessed
--     fees, once per idempotency key, with its ledger transaction
--     (late_fee_received).
-- Both append-only; what is owed is the assessments less the payments.
-- PostgreSQL dialect; keep in step with ../sqlite/0310_late_fees.sql.
CREATE TABLE late_fee_assessments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id         BIGINT  NOT NULL REFERENCES bills(id),
    payment_id      BIGINT  NOT NULL UNIQUE REFERENCES payments(id),
    settled_fen     BIGINT  NOT NULL CHECK (settled_fen > 0),
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    days            BIGINT  NOT NULL CHECK (days > 0),
    daily_rate      TEXT    NOT NULL CHECK (length(daily_rate) > 0),
    due_date        TEXT    NOT NULL,
    assessed_on     TEXT    NOT NULL,
    basis           TEXT    NOT NULL CHECK (length(basis) > 0),
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX late_fee_assessments_bill ON late_fee_assessments (bill_id);
CREATE TABLE late_fee_payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id         BIGINT  NOT NULL REFERENCES bills(id),
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    paid_on         TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE CHECK (length(idempotency_key) > 0),
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX late_fee_payments_bill ON late_fee_payments (bill_id);
CREATE TRIGGER late_fee_assessments_no_update BEFORE UPDATE ON late_fee_assessments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('late fee assessments are append-only');
CREATE TRIGGER late_fee_assessments_no_delete BEFORE DELETE ON late_fee_assessments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('late fee assessments are append-only');
CREATE TRIGGER late_fee_payments_no_update BEFORE UPDATE ON late_fee_payments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('late fee payments are append-only');
CREATE TRIGGER late_fee_payments_no_delete BEFORE DELETE ON late_fee_payments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('late fee payments are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('late_fee_assessments', 'region', 'bill_id'),
    ('late_fee_payments', 'region', 'bill_id')
ON CONFLICT (table_name) DO NOTHING;
