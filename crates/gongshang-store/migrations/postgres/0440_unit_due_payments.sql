-- Large tables: none; it only creates a new table.
-- Guangdong Regulations Art 56 (and every item an approved award makes the
-- unit owe the worker: payer `employer`): what the unit paid the worker of
-- it, as the agency recorded it on the unit's receipt or transfer slip. What
-- the unit owes is not stored again: it is the approved award's employer
-- lines (one-time) and the unit's periodic benefits (monthly); a payment is
-- set against one (item, beneficiary) of the case. The money goes from the
-- unit to the worker, not through the fund: no ledger transaction.
-- Append-only: a mistaken record is corrected by a record of the opposite
-- sign (`correction_of`), never changed.
-- PostgreSQL dialect; keep in step with ../sqlite/0440_unit_due_payments.sql.
CREATE TABLE unit_due_payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    item            TEXT   NOT NULL,
    beneficiary     TEXT   NOT NULL CHECK (length(beneficiary) > 0),
    paid_on         TEXT   NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen <> 0),
    correction_of   BIGINT REFERENCES unit_due_payments(id),
    document        TEXT   NOT NULL CHECK (length(document) > 0),
    note            TEXT   NOT NULL,
    recorded_by     TEXT   NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT   NOT NULL,
    CHECK ((amount_fen > 0) = (correction_of IS NULL))
);
CREATE INDEX unit_due_payments_case ON unit_due_payments (case_id);
CREATE TRIGGER unit_due_payments_no_update BEFORE UPDATE ON unit_due_payments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('unit due payments are append-only');
CREATE TRIGGER unit_due_payments_no_delete BEFORE DELETE ON unit_due_payments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('unit due payments are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('unit_due_payments', 'region', 'case_id')
ON CONFLICT (table_name) DO NOTHING;
