-- Large tables: none; it only creates a new table.
-- A unit's applications to register a person's insurance with it, or to
-- end that registration (社会保险经办条例 Arts 6 and 10): the agency
-- completes each within 10 working days of the day it received it. The
-- application keeps the employment's start or end the unit states, the day
-- received, the due day on the holiday calendar and, once completed, the
-- enrolment it made or ended, the day and whether it was late. Append-only
-- but for the completion, set once.
-- SQLite dialect; keep in step with ../postgres/0231_registration_applications.sql.
CREATE TABLE registration_applications (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    resident_id      TEXT    NOT NULL CHECK (length(resident_id) = 18),
    kind             TEXT    NOT NULL CHECK (kind IN ('start', 'end')),
    employment_on    TEXT    NOT NULL,
    received_on      TEXT    NOT NULL,
    due_on           TEXT    NOT NULL,
    due_provisional  INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    enrollment_id    INTEGER REFERENCES enrollments(id),
    completed_on     TEXT,
    late             INTEGER CHECK (late IN (0, 1)),
    completed_by     TEXT,
    completed_at     TEXT,
    recorded_by      TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at      TEXT    NOT NULL,
    CHECK (due_on > received_on),
    CHECK (kind = 'start' OR enrollment_id IS NOT NULL),
    CHECK ((completed_on IS NULL) = (late IS NULL) AND (completed_on IS NULL) = (completed_by IS NULL)),
    CHECK (completed_on IS NULL OR (completed_on >= received_on AND enrollment_id IS NOT NULL
        AND late = (CASE WHEN completed_on > due_on THEN 1 ELSE 0 END)))
);
CREATE INDEX registration_applications_unit ON registration_applications(unit_id);
CREATE INDEX registration_applications_open ON registration_applications(due_on) WHERE completed_on IS NULL;
CREATE UNIQUE INDEX registration_applications_one_open
    ON registration_applications(unit_id, resident_id, kind) WHERE completed_on IS NULL;
CREATE TRIGGER registration_applications_complete_once BEFORE UPDATE ON registration_applications
WHEN OLD.completed_on IS NOT NULL OR NEW.unit_id <> OLD.unit_id OR NEW.resident_id <> OLD.resident_id
  OR NEW.kind <> OLD.kind OR NEW.employment_on <> OLD.employment_on OR NEW.received_on <> OLD.received_on
  OR NEW.due_on <> OLD.due_on OR NEW.recorded_by <> OLD.recorded_by OR NEW.recorded_at <> OLD.recorded_at
  OR (OLD.enrollment_id IS NOT NULL AND NEW.enrollment_id IS NOT OLD.enrollment_id)
BEGIN SELECT RAISE(ABORT, 'a registration application changes only by its completion, set once'); END;
CREATE TRIGGER registration_applications_no_delete BEFORE DELETE ON registration_applications
BEGIN SELECT RAISE(ABORT, 'registration applications are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('registration_applications', 'region', 'unit_id');
