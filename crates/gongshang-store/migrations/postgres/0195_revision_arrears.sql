-- Large tables: none; it only creates a new table.
-- issue 12: a correction's arrears paid. When an appraisal conclusion is
-- corrected upwards (Order No. 55 Art 31), what the months already paid fell
-- short of the corrected award is posted as a payable when the revision is
-- applied (appraisal_revision_applications.underpaid_ledger_key); this is
-- its payment out of the bank account, once per revision, append-only.
-- PostgreSQL dialect; keep in step with ../sqlite/0195_revision_arrears.sql.
CREATE TABLE revision_arrears_payments (
    revision_id     BIGINT  PRIMARY KEY REFERENCES appraisal_revisions(id),
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    paid_on         TEXT    NOT NULL,
    ledger_key      TEXT    NOT NULL UNIQUE REFERENCES ledger_transactions(idempotency_key),
    paid_by         TEXT    NOT NULL CHECK (length(paid_by) > 0),
    paid_at         TEXT    NOT NULL
);
CREATE TRIGGER revision_arrears_payments_no_update BEFORE UPDATE ON revision_arrears_payments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('arrears payments are append-only');
CREATE TRIGGER revision_arrears_payments_no_delete BEFORE DELETE ON revision_arrears_payments
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('arrears payments are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('revision_arrears_payments', 'region', 'revision_id')
ON CONFLICT (table_name) DO NOTHING;
