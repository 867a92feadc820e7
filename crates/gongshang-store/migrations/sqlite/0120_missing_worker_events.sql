-- A worker missing after an accident (Regulations Art 41, issue 12): the case's
-- missing-worker events (went missing, the advance applied for, declared dead by
-- a court, reappeared), numbered 1, 2, 3, ... per case, each with its format and
-- body (the app's numbered storage form), who recorded it and when. Kept apart
-- from case_events, whose stream column is closed by a CHECK. Append-only.
-- SQLite dialect; keep in step with ../postgres/0120_missing_worker_events.sql.
CREATE TABLE missing_worker_events (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    seq          INTEGER NOT NULL CHECK (seq > 0),
    kind         TEXT    NOT NULL CHECK (kind IN ('went_missing', 'advance_applied', 'declared_dead', 'reappeared')),
    on_date      TEXT    NOT NULL,
    format       INTEGER NOT NULL CHECK (format > 0),
    body         TEXT    NOT NULL,
    recorded_by  TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE TRIGGER missing_worker_events_no_update BEFORE UPDATE ON missing_worker_events
BEGIN SELECT RAISE(ABORT, 'missing-worker events are append-only'); END;
CREATE TRIGGER missing_worker_events_no_delete BEFORE DELETE ON missing_worker_events
BEGIN SELECT RAISE(ABORT, 'missing-worker events are append-only'); END;
-- Large tables: none; it only creates a new table.
-- Its place in the distribution catalogue. On a new database this runs before
-- migration 140 creates the catalogue, so the catalogue is created here when it
-- is not there yet (140 creates it only if not exists) and this row kept.
CREATE TABLE IF NOT EXISTS schema_distribution (
    table_name      TEXT    NOT NULL PRIMARY KEY,
    distribution    TEXT    NOT NULL CHECK (distribution IN ('region', 'reference')),
    region_key      TEXT    NOT NULL
);
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('missing_worker_events', 'region', 'case_id');
