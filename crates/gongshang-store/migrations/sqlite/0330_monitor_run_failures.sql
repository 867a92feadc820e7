-- Large tables: none; it only creates a new table.
-- A monitoring run that failed (issue 16): the incremental run after an
-- import does not undo the import when it fails, so its failure is kept
-- here to be shown (the import's answer, the CLI, the `/monitor` page with
-- a button to run again) instead of being lost. What started it (`cause`:
-- the import's kind and id), the mode asked for, the reason, who and when,
-- and the latest run at that moment (`after_run`): the failure is over once
-- a run newer than that one succeeded.
-- Append-only. SQLite dialect; keep in step with
-- ../postgres/0330_monitor_run_failures.sql.
CREATE TABLE monitor_run_failures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mode        TEXT    NOT NULL CHECK (mode IN ('full', 'incremental', 'sample')),
    cause       TEXT    NOT NULL CHECK (length(cause) > 0),
    reason      TEXT    NOT NULL CHECK (length(reason) > 0),
    actor       TEXT    NOT NULL CHECK (length(actor) > 0),
    failed_at   TEXT    NOT NULL,
    after_run   INTEGER
);
CREATE TRIGGER monitor_run_failures_no_update BEFORE UPDATE ON monitor_run_failures
BEGIN SELECT RAISE(ABORT, 'monitoring run failures are append-only'); END;
CREATE TRIGGER monitor_run_failures_no_delete BEFORE DELETE ON monitor_run_failures
BEGIN SELECT RAISE(ABORT, 'monitoring run failures are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('monitor_run_failures', 'region', 'the region monitored (as monitor_runs)');
