-- Large tables: none; adds a small table and three columns to monitor_runs
-- (one row per run: small; the constant default does not rewrite it).
-- Incremental monitoring runs (issue 16), PostgreSQL dialect. Keep in step
-- with ../sqlite/0290_monitor_incremental.sql.

-- The platform-days each order import batch wrote, in the batch's
-- transaction: an incremental run reads the order days and platform-months
-- of the rows whose id is past the last run's watermark (a few rows a
-- batch: its platforms times its days). The identity's sequence keeps the
-- default cache of 1, so ids are handed out in order across sessions; the
-- run reads its watermark under a SHARE lock on the table (see
-- DESIGN.md, incremental runs).
CREATE TABLE order_batch_days (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id       BIGINT NOT NULL,
    platform        TEXT COLLATE "C" NOT NULL,
    day             TEXT COLLATE "C" NOT NULL
);

-- A run's mode, and the watermarks it covered: for each source table the
-- highest id the run saw committed (`watermarks`) and the one it started
-- after (`since`, an incremental run only), as JSON objects. Random audit
-- samples record none.
ALTER TABLE monitor_runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'full' CHECK (mode IN ('full', 'incremental', 'sample'));
ALTER TABLE monitor_runs ADD COLUMN watermarks TEXT;
ALTER TABLE monitor_runs ADD COLUMN since TEXT;

INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('order_batch_days', 'region', 'import_id -> imports (the region whose file it was)');
