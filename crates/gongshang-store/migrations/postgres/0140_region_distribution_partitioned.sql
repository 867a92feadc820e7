-- Large tables: copies orders, order_days and payroll_lines into partitioned
-- tables of the same names, under ACCESS EXCLUSIVE locks on the three for the
-- whole migration (imports, lookups and the payroll wait; about a minute per 10
-- million orders on a 2-core machine, plus their order days). Choose the
-- partitioned schema when the database is created, where this costs nothing;
-- converting a large live database is a job for a quiet hour, or for logical
-- replication into a partitioned copy (DESIGN.md, "moving a region").
-- The partitioned schema (issue 18), chosen by `?partitioned=1` on the URL or
-- GONGSHANG_PG_PARTITIONED=1 when migration 140 runs; the same tables,
-- columns and queries as ../postgres/0140_region_distribution.sql, plus:
--   orders         PARTITION BY LIST (province): one partition per province
--                  (the pooling region of platform orders), and a default one;
--   order_days     PARTITION BY RANGE (day), a partition a year: a coverage
--                  lookup names the day, so it reads one partition (pruning);
--   payroll_lines  PARTITION BY RANGE (month), a partition a year: a month's
--                  run probes one partition, and a closed year is detached
--                  and archived without a DELETE.
-- A partitioned table's unique keys must contain its partition key, so
-- orders are keyed (platform, order_id, province): an order is stored in the
-- province where it was served, and the import's duplicate check (the
-- savepoint and the staging join on platform and order id) is unchanged.
-- Where each table lives in a sharded deployment (issue 18). `region`: the
-- table grows with people and orders and each row belongs to one pooling
-- region (统筹地区), found as `region_key` says; on Citus it is distributed by
-- that region, co-located. `reference`: small, read by every region
-- (parameters, calendars, units, accounts); on Citus a reference table,
-- copied to every node. A test refuses a table missing from this list.
CREATE TABLE IF NOT EXISTS schema_distribution (
    table_name      TEXT    NOT NULL PRIMARY KEY,
    distribution    TEXT    NOT NULL CHECK (distribution IN ('region', 'reference')),
    region_key      TEXT    NOT NULL
);
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('units', 'reference', 'region (read by every region: a platform''s unit serves many)'),
    ('platform_units', 'reference', 'unit_id -> units.region'),
    ('holiday_calendars', 'reference', 'national'),
    ('indexations', 'reference', 'decided by a province, read with its benefits'),
    ('users', 'reference', 'accounts log in anywhere'),
    ('sessions', 'reference', 'user_id'),
    ('api_tokens', 'reference', 'user_id'),
    ('idempotency_keys', 'reference', 'user_id'),
    ('credentials_epoch', 'reference', 'one row'),
    ('user_centre_roles', 'reference', 'user_id'),
    ('schema_migrations', 'reference', 'one per database'),
    ('schema_distribution', 'reference', 'this list'),
    ('people', 'region', 'the region of their enrolment: a person enrolled in two regions is a row in each'),
    ('engagements', 'region', 'unit_id -> units.region'),
    ('enrollments', 'region', 'unit_id -> units.region (an individual scheme: the scheme''s region)'),
    ('enrollment_commitments', 'region', 'enrollment_id'),
    ('bills', 'region', 'unit_id -> units.region, or the person''s enrolment'),
    ('declarations', 'region', 'enrollment_id'),
    ('payments', 'region', 'bill_id'),
    ('coverage', 'region', 'unit_id or enrollment_id'),
    ('orders', 'region', 'province (partitioned by it in the partitioned schema)'),
    ('order_days', 'region', 'the province of the orders (partitioned by day in the partitioned schema)'),
    ('order_months', 'region', 'platform -> platform_units -> units.region'),
    ('platform_declarations', 'region', 'platform -> platform_units -> units.region'),
    ('imports', 'region', 'the region whose file it was'),
    ('ledger_transactions', 'region', 'the fund''s region (each pooling region keeps its own fund)'),
    ('ledger_postings', 'region', 'transaction_id'),
    ('audit_log', 'region', 'the region of the subject'),
    ('cases', 'region', 'region'),
    ('case_events', 'region', 'case_id'),
    ('case_recusals', 'region', 'case_id'),
    ('recognised_accidents', 'region', 'case_id'),
    ('appraisal_conclusions', 'region', 'case_id'),
    ('awards', 'region', 'case_id'),
    ('award_items', 'region', 'award_id'),
    ('award_returns', 'region', 'case_id'),
    ('one_time_payments', 'region', 'case_id'),
    ('periodic_benefits', 'region', 'case_id'),
    ('benefit_amounts', 'region', 'benefit_id'),
    ('payroll_runs', 'region', 'the region paid'),
    ('payroll_lines', 'region', 'benefit_id (partitioned by month in the partitioned schema)'),
    ('overpayments', 'region', 'case_id'),
    ('overpayment_instalments', 'region', 'overpayment'),
    ('overpayment_recoveries', 'region', 'overpayment'),
    ('reserve_runs', 'region', 'region'),
    ('tickets', 'region', 'the centre''s region'),
    ('ticket_events', 'region', 'ticket_id'),
    ('ticket_referrals', 'region', 'ticket_id'),
    ('ticket_sessions', 'region', 'ticket_id'),
    ('monitor_runs', 'region', 'the region monitored'),
    ('monitor_alerts', 'region', 'opened_run'),
    ('monitor_flags', 'region', 'run_id'),
    ('monitor_alert_events', 'region', 'alert');

ALTER TABLE orders RENAME TO orders_unpartitioned;
ALTER TABLE orders_unpartitioned RENAME CONSTRAINT orders_pkey TO orders_unpartitioned_pkey;
CREATE TABLE orders (
    platform        TEXT COLLATE "C" NOT NULL,
    order_id        TEXT COLLATE "C" NOT NULL,
    resident_id     TEXT COLLATE "C" NOT NULL,
    ordered_at      TEXT    NOT NULL,
    day             TEXT COLLATE "C" NOT NULL,
    industry        TEXT    NOT NULL,
    province        TEXT    NOT NULL,
    premium_fen     BIGINT NOT NULL CHECK (premium_fen >= 0),
    import_id       BIGINT NOT NULL,
    PRIMARY KEY (platform, order_id, province)
) PARTITION BY LIST (province);
DO $$
DECLARE p TEXT;
BEGIN
    FOREACH p IN ARRAY ARRAY['11','12','13','14','15','21','22','23','31','32','33',
        '34','35','36','37','41','42','43','44','45','46','50','51','52','53','54',
        '61','62','63','64','65','71','81','82'] LOOP
        EXECUTE format('CREATE TABLE orders_p%s PARTITION OF orders FOR VALUES IN (%L)', p, p);
    END LOOP;
END $$;
CREATE TABLE orders_other PARTITION OF orders DEFAULT;
INSERT INTO orders SELECT * FROM orders_unpartitioned;
DROP TABLE orders_unpartitioned;

ALTER TABLE order_days RENAME TO order_days_unpartitioned;
CREATE TABLE order_days (
    day             TEXT COLLATE "C" NOT NULL,
    resident_id     TEXT COLLATE "C" NOT NULL,
    platform        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (day, resident_id, platform)
) PARTITION BY RANGE (day);
ALTER TABLE payroll_lines RENAME TO payroll_lines_unpartitioned;
ALTER TABLE payroll_lines_unpartitioned RENAME CONSTRAINT payroll_lines_pkey TO payroll_lines_unpartitioned_pkey;
ALTER INDEX payroll_lines_run RENAME TO payroll_lines_unpartitioned_run;
CREATE TABLE payroll_lines (
    benefit_id      BIGINT NOT NULL,
    month           TEXT    NOT NULL,
    run_id          BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (benefit_id, month)
) PARTITION BY RANGE (month);
DO $$
DECLARE y INT;
BEGIN
    FOR y IN 2011..2040 LOOP
        EXECUTE format('CREATE TABLE order_days_y%s PARTITION OF order_days FOR VALUES FROM (%L) TO (%L)',
            y, y || '-01-01', (y + 1) || '-01-01');
        EXECUTE format('CREATE TABLE payroll_lines_y%s PARTITION OF payroll_lines FOR VALUES FROM (%L) TO (%L)',
            y, y || '-01', (y + 1) || '-01');
    END LOOP;
END $$;
CREATE TABLE order_days_other PARTITION OF order_days DEFAULT;
CREATE TABLE payroll_lines_other PARTITION OF payroll_lines DEFAULT;
INSERT INTO order_days SELECT day, resident_id, platform FROM order_days_unpartitioned;
DROP TABLE order_days_unpartitioned;
INSERT INTO payroll_lines SELECT benefit_id, month, run_id, amount_fen FROM payroll_lines_unpartitioned;
DROP TABLE payroll_lines_unpartitioned;
CREATE INDEX payroll_lines_run ON payroll_lines(run_id);
CREATE TRIGGER payroll_lines_no_update BEFORE UPDATE ON payroll_lines
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('payroll lines are append-only');
CREATE TRIGGER payroll_lines_no_delete BEFORE DELETE ON payroll_lines
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('payroll lines are append-only');
