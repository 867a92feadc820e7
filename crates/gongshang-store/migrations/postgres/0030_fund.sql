-- Large tables: creates a new table, and an index on payroll_runs (one row per
-- monthly run: small), built under a SHARE lock in moments.
-- issue 14: the fund's reserve runs. Keep in step with ../sqlite/0030_fund.sql.
CREATE TABLE reserve_runs (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region              TEXT    NOT NULL,
    scheme_id           TEXT    NOT NULL,
    month               TEXT    NOT NULL,
    collected_fen       BIGINT  NOT NULL,
    reserve_before_fen  BIGINT  NOT NULL,
    cap_fen             BIGINT  NOT NULL,
    amount_fen          BIGINT  NOT NULL CHECK (amount_fen >= 0),
    ledger_key          TEXT    REFERENCES ledger_transactions(idempotency_key),
    basis               TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    actor               TEXT    NOT NULL,
    UNIQUE (region, scheme_id, month)
);
CREATE TRIGGER reserve_runs_no_update BEFORE UPDATE ON reserve_runs
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('reserve runs are append-only');
CREATE TRIGGER reserve_runs_no_delete BEFORE DELETE ON reserve_runs
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('reserve runs are append-only');

CREATE INDEX IF NOT EXISTS payroll_runs_ledger_key ON payroll_runs(ledger_key);
-- The statement reads a transaction's postings by account from the index
-- alone (a covering index: no table lookups over millions of postings).
CREATE INDEX IF NOT EXISTS ledger_postings_fund ON ledger_postings(transaction_id, account, side, amount_fen);
