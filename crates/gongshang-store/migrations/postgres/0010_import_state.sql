-- Large tables: adds columns to imports (one row per import file: small) and an
-- index on it.
-- Where an import stands (crates/gongshang-store/src/imports.rs): rows whose
-- key is stored with other content (conflicts), when its last batch
-- committed (an unfinished import with no batch for a while was
-- interrupted: killed or crashed), and why it failed when the run saw
-- itself fail. PostgreSQL dialect; keep in step with ../sqlite/0010_import_state.sql.
ALTER TABLE imports ADD COLUMN rows_conflict BIGINT NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN heartbeat_at TEXT;
ALTER TABLE imports ADD COLUMN failure TEXT;
CREATE INDEX imports_started ON imports(started_at);
