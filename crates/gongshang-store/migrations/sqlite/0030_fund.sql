-- issue 14: the fund's reserve runs. Keep in step with ../postgres/0030_fund.sql.
-- One row per (pooling region, scheme, month): the run's key, so running a
-- month again adds nothing. The money itself is the ledger transaction named
-- by ledger_key (none when nothing was transferred); the other columns say
-- how the amount was found (the basis as JSON, with the parameters cited).
CREATE TABLE reserve_runs (
    id                  INTEGER PRIMARY KEY,
    region              TEXT    NOT NULL,
    scheme_id           TEXT    NOT NULL,
    month               TEXT    NOT NULL,
    collected_fen       INTEGER NOT NULL,
    reserve_before_fen  INTEGER NOT NULL,
    cap_fen             INTEGER NOT NULL,
    amount_fen          INTEGER NOT NULL CHECK (amount_fen >= 0),
    ledger_key          TEXT    REFERENCES ledger_transactions(idempotency_key),
    basis               TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    actor               TEXT    NOT NULL,
    UNIQUE (region, scheme_id, month)
);
CREATE TRIGGER reserve_runs_no_update BEFORE UPDATE ON reserve_runs
BEGIN SELECT RAISE(ABORT, 'reserve runs are append-only'); END;
CREATE TRIGGER reserve_runs_no_delete BEFORE DELETE ON reserve_runs
BEGIN SELECT RAISE(ABORT, 'reserve runs are append-only'); END;

-- The statement joins a payroll run to its ledger transaction by key.
CREATE INDEX IF NOT EXISTS payroll_runs_ledger_key ON payroll_runs(ledger_key);
-- The statement reads a transaction's postings by account from the index
-- alone (a covering index: no table lookups over millions of postings).
CREATE INDEX IF NOT EXISTS ledger_postings_fund ON ledger_postings(transaction_id, account, side, amount_fen);
