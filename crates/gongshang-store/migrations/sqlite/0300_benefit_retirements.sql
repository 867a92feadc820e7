-- Large tables: none; it creates one table and fills it from benefit_amounts'
-- retirement rows (one per retired grade 1-4 worker: small).
-- Regulations Art 35: a grade 1-4 worker's retirement, as the clerk records
-- it (record_retirement): from that month the disability allowance stops and
-- the fund pays only the difference above the basic pension (35(2)); the
-- unit and the worker no longer pay medical insurance contributions on the
-- allowance (para 2). One row per recording (a correction of the pension is
-- a new row); append-only.
-- Rows recorded before this table existed are read back from the amounts'
-- reason, which record_retirement wrote as 'retired: pension ...'.
-- SQLite dialect; keep in step with ../postgres/0300_benefit_retirements.sql.
CREATE TABLE benefit_retirements (
    id              INTEGER PRIMARY KEY,
    benefit_id      INTEGER NOT NULL REFERENCES periodic_benefits(id),
    from_month      TEXT    NOT NULL,
    pension_fen     INTEGER CHECK (pension_fen >= 0),
    recorded_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL
);
CREATE INDEX benefit_retirements_benefit ON benefit_retirements(benefit_id, from_month);
INSERT INTO benefit_retirements (benefit_id, from_month, pension_fen, recorded_at, actor)
SELECT benefit_id, from_month, NULL, '', 'migration 0300'
FROM benefit_amounts WHERE reason LIKE 'retired: pension %' ORDER BY benefit_id, from_month;
CREATE TRIGGER benefit_retirements_no_update BEFORE UPDATE ON benefit_retirements
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
CREATE TRIGGER benefit_retirements_no_delete BEFORE DELETE ON benefit_retirements
BEGIN SELECT RAISE(ABORT, 'retirements are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('benefit_retirements', 'region', 'benefit_id -> periodic_benefits');
