-- The distribution catalogue (issue 18): which tables grow with a pooling
-- region and which every region reads. SQLite dialect; keep in step with
-- ../postgres/0140_region_distribution.sql. SQLite has no partitions; the
-- catalogue is the same so that a database moved to PostgreSQL keeps it.
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
