-- Large tables: none; it only creates a new table.
-- issue 12: a correction's arrears paid. When an appraisal conclusion is
-- corrected upwards (Order No. 55 Art 31), what the months already paid fell
-- short of the corrected award is posted as a payable when the revision is
-- applied (appraisal_revision_applications.underpaid_ledger_key); this is
-- its payment out of the bank account, once per revision, append-only.
-- SQLite dialect; keep in step with ../postgres/0195_revision_arrears.sql.
CREATE TABLE revision_arrears_payments (
    revision_id     INTEGER PRIMARY KEY REFERENCES appraisal_revisions(id),
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on         TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    paid_by         TEXT    NOT NULL CHECK (length(paid_by) > 0),
    paid_at         TEXT    NOT NULL
);
CREATE TRIGGER revision_arrears_payments_no_update BEFORE UPDATE ON revision_arrears_payments
BEGIN SELECT RAISE(ABORT, 'arrears payments are append-only'); END;
CREATE TRIGGER revision_arrears_payments_no_delete BEFORE DELETE ON revision_arrears_payments
BEGIN SELECT RAISE(ABORT, 'arrears payments are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('revision_arrears_payments', 'region', 'revision_id');
