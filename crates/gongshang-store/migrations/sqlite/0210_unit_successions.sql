-- Large tables: none; it only creates new tables.
-- Who bears the work-injury liability when units change or workers are lent
-- out (Regulations Arts 43-44, Jiangsu measures Arts 35-36, Order No. 56
-- Art 6):
-- - unit_successions: a unit's division, merger, transfer or contracting out,
--   as registered (工伤保险变更登记); append-only.
-- - secondments: an engagement's worker lent to another unit (借调), with the
--   units' agreed share; append-only but for the end, set once.
-- - enrollment_suspensions: an enrolment suspended (中止) while the worker is
--   posted abroad under the local insurance (Art 44); append-only but for
--   the last day, set once on the return.
-- - over_age_agreements: the written agreement with an over-age worker,
--   kept with the engagement; append-only (a later one supersedes).
-- SQLite dialect; keep in step with ../postgres/0210_unit_successions.sql.
CREATE TABLE unit_successions (
    id                    INTEGER PRIMARY KEY,
    predecessor_id        INTEGER NOT NULL REFERENCES units(id),
    successor_id          INTEGER NOT NULL REFERENCES units(id),
    kind                  TEXT    NOT NULL CHECK (kind IN ('division', 'merger', 'transfer', 'contracting_out')),
    effective_on          TEXT    NOT NULL,
    document              TEXT    NOT NULL CHECK (length(document) > 0),
    contractor_qualified  INTEGER NOT NULL CHECK (contractor_qualified IN (0, 1)),
    recorded_by           TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at           TEXT    NOT NULL,
    CHECK (predecessor_id <> successor_id),
    CHECK (contractor_qualified = 1 OR kind = 'contracting_out'),
    UNIQUE (predecessor_id, successor_id, kind)
);
CREATE INDEX unit_successions_successor ON unit_successions(successor_id);
CREATE TRIGGER unit_successions_no_update BEFORE UPDATE ON unit_successions
BEGIN SELECT RAISE(ABORT, 'unit successions are append-only'); END;
CREATE TRIGGER unit_successions_no_delete BEFORE DELETE ON unit_successions
BEGIN SELECT RAISE(ABORT, 'unit successions are append-only'); END;
CREATE TABLE secondments (
    id                    INTEGER PRIMARY KEY,
    engagement_id         INTEGER NOT NULL REFERENCES engagements(id),
    to_unit_id            INTEGER NOT NULL REFERENCES units(id),
    start_date            TEXT    NOT NULL,
    end_date              TEXT,
    compensation_percent  INTEGER CHECK (compensation_percent BETWEEN 0 AND 100),
    agreement             TEXT,
    recorded_by           TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at           TEXT    NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK (compensation_percent IS NULL OR agreement IS NOT NULL)
);
CREATE INDEX secondments_engagement ON secondments(engagement_id);
CREATE TRIGGER secondments_end_once BEFORE UPDATE ON secondments
WHEN OLD.end_date IS NOT NULL OR NEW.engagement_id <> OLD.engagement_id OR NEW.to_unit_id <> OLD.to_unit_id
  OR NEW.start_date <> OLD.start_date OR NEW.recorded_at <> OLD.recorded_at
BEGIN SELECT RAISE(ABORT, 'a secondment changes only by its end, set once'); END;
CREATE TRIGGER secondments_no_delete BEFORE DELETE ON secondments
BEGIN SELECT RAISE(ABORT, 'secondments are append-only'); END;
CREATE TABLE enrollment_suspensions (
    id                    INTEGER PRIMARY KEY,
    enrollment_id         INTEGER NOT NULL REFERENCES enrollments(id),
    from_date             TEXT    NOT NULL,
    until_date            TEXT,
    country               TEXT    NOT NULL CHECK (length(country) = 2),
    reason                TEXT    NOT NULL CHECK (reason IN ('posted_abroad_local_insurance')),
    document              TEXT    NOT NULL CHECK (length(document) > 0),
    recorded_by           TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at           TEXT    NOT NULL,
    CHECK (until_date IS NULL OR until_date >= from_date)
);
CREATE INDEX enrollment_suspensions_enrollment ON enrollment_suspensions(enrollment_id);
CREATE TRIGGER enrollment_suspensions_until_once BEFORE UPDATE ON enrollment_suspensions
WHEN OLD.until_date IS NOT NULL OR NEW.enrollment_id <> OLD.enrollment_id OR NEW.from_date <> OLD.from_date
  OR NEW.recorded_at <> OLD.recorded_at
BEGIN SELECT RAISE(ABORT, 'a suspension changes only by its last day, set once'); END;
CREATE TRIGGER enrollment_suspensions_no_delete BEFORE DELETE ON enrollment_suspensions
BEGIN SELECT RAISE(ABORT, 'suspensions are append-only'); END;
CREATE TABLE over_age_agreements (
    id                    INTEGER PRIMARY KEY,
    engagement_id         INTEGER NOT NULL REFERENCES engagements(id),
    signed_on             TEXT    NOT NULL,
    term_start            TEXT    NOT NULL,
    term_end              TEXT,
    work_content          TEXT    NOT NULL CHECK (length(work_content) > 0),
    work_place            TEXT    NOT NULL CHECK (length(work_place) > 0),
    working_hours         TEXT    NOT NULL CHECK (length(working_hours) > 0),
    pay                   TEXT    NOT NULL CHECK (length(pay) > 0),
    social_insurance      TEXT    NOT NULL CHECK (length(social_insurance) > 0),
    labour_protection     TEXT    NOT NULL CHECK (length(labour_protection) > 0),
    recorded_by           TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at           TEXT    NOT NULL,
    CHECK (term_end IS NULL OR term_end >= term_start)
);
CREATE INDEX over_age_agreements_engagement ON over_age_agreements(engagement_id);
CREATE TRIGGER over_age_agreements_no_update BEFORE UPDATE ON over_age_agreements
BEGIN SELECT RAISE(ABORT, 'over-age agreements are append-only'); END;
CREATE TRIGGER over_age_agreements_no_delete BEFORE DELETE ON over_age_agreements
BEGIN SELECT RAISE(ABORT, 'over-age agreements are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('unit_successions', 'reference', 'predecessor_id -> units (read by every region, as units)'),
    ('secondments', 'region', 'engagement_id'),
    ('enrollment_suspensions', 'region', 'enrollment_id'),
    ('over_age_agreements', 'region', 'engagement_id');
