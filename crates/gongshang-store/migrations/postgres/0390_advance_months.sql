-- Large tables: none; it only creates new tables (rows per advance on the
-- unit's ground: a few monthly items each, one row per item and month paid).
-- The fund's advance of the monthly items (Order No. 15 Art 8 with
-- Regulations Art 62(2)): on the unit's ground, the periodic benefits the
-- uninsured unit owes that the fund would have paid are advanced month by
-- month by the payroll until the unit pays again, the benefit ends or the
-- monthly advance is ended.
--   fund_advance_monthly: the items a grant covers, from a month (written
--     with the grant).
--   fund_advance_monthly_ends: the monthly advance ended, once, after a
--     last month, with the reason, who and when.
--   fund_advance_months: each (benefit, month) the fund advanced, by which
--     payroll run, with the ledger transaction that paid it; keyed like a
--     payroll line, so a month is advanced once.
-- All append-only.
-- PostgreSQL dialect; keep in step with ../sqlite/0390_advance_months.sql.
CREATE TABLE fund_advance_monthly (
    advance_id      BIGINT  NOT NULL REFERENCES fund_advances(id),
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    from_month      TEXT    NOT NULL,
    PRIMARY KEY (advance_id, benefit_id)
);
CREATE INDEX fund_advance_monthly_benefit ON fund_advance_monthly (benefit_id);
CREATE TABLE fund_advance_monthly_ends (
    advance_id      BIGINT  PRIMARY KEY REFERENCES fund_advances(id),
    last_month      TEXT    NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('unit_resumed', 'back_payment')),
    note            TEXT    NOT NULL CHECK (length(note) > 0),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE TABLE fund_advance_months (
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    month           TEXT    NOT NULL,
    advance_id      BIGINT  NOT NULL REFERENCES fund_advances(id),
    run_id          BIGINT  NOT NULL,
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    ledger_key      TEXT    NOT NULL REFERENCES ledger_transactions(idempotency_key),
    PRIMARY KEY (benefit_id, month)
);
CREATE INDEX fund_advance_months_advance ON fund_advance_months (advance_id);
CREATE INDEX fund_advance_months_run ON fund_advance_months (run_id);
CREATE TRIGGER fund_advance_monthly_no_update BEFORE UPDATE ON fund_advance_monthly
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('advance monthly items are append-only');
CREATE TRIGGER fund_advance_monthly_no_delete BEFORE DELETE ON fund_advance_monthly
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('advance monthly items are append-only');
CREATE TRIGGER fund_advance_monthly_ends_no_update BEFORE UPDATE ON fund_advance_monthly_ends
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('advance monthly ends are append-only');
CREATE TRIGGER fund_advance_monthly_ends_no_delete BEFORE DELETE ON fund_advance_monthly_ends
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('advance monthly ends are append-only');
CREATE TRIGGER fund_advance_months_no_update BEFORE UPDATE ON fund_advance_months
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('advance months are append-only');
CREATE TRIGGER fund_advance_months_no_delete BEFORE DELETE ON fund_advance_months
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('advance months are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('fund_advance_monthly', 'region', 'advance_id'),
    ('fund_advance_monthly_ends', 'region', 'advance_id'),
    ('fund_advance_months', 'region', 'advance_id')
ON CONFLICT (table_name) DO NOTHING;
