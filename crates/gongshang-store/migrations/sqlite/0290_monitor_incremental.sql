-- Incremental monitoring runs (issue 16), SQLite dialect. Keep in step with
-- ../postgres/0290_monitor_incremental.sql.

-- The platform-days each order import batch wrote, in the batch's
-- transaction: an incremental run reads the order days and platform-months
-- of the rows whose id is past the last run's watermark (a few rows a
-- batch: its platforms times its days).
CREATE TABLE order_batch_days (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id       INTEGER NOT NULL,
    platform        TEXT    NOT NULL,
    day             TEXT    NOT NULL
);

-- A run's mode, and the watermarks it covered: for each source table the
-- highest id the run saw committed (`watermarks`) and the one it started
-- after (`since`, an incremental run only), as JSON objects. Random audit
-- samples record none.
ALTER TABLE monitor_runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'full' CHECK (mode IN ('full', 'incremental', 'sample'));
ALTER TABLE monitor_runs ADD COLUMN watermarks TEXT;
ALTER TABLE monitor_runs ADD COLUMN since TEXT;

INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('order_batch_days', 'region', 'import_id -> imports (the region whose file it was)');
