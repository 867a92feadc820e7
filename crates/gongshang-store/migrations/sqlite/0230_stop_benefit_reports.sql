-- Large tables: none; it only creates a new table.
-- Stop-benefit events reported (社会保险经办条例 Art 25): the unit, the
-- recipient or a relative tells the agency that a periodic benefit's
-- condition ended (a death, a remarriage, a dependant turning 18, a basic
-- pension starting) within 20 working days of the event. Each report keeps
-- the event's day, the day it was reported, the due day counted on the
-- holiday calendar, whether it was late, what it ended or changed, and the
-- overpayment (Art 46) of the months paid after the event; append-only, one
-- report per benefit and event.
-- SQLite dialect; keep in step with ../postgres/0230_stop_benefit_reports.sql.
CREATE TABLE stop_benefit_reports (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    benefit_id       INTEGER NOT NULL REFERENCES periodic_benefits(id),
    event            TEXT    NOT NULL CHECK (event IN ('death', 'remarriage', 'dependant_turns_18', 'pension_start')),
    event_on         TEXT    NOT NULL,
    reported_on      TEXT    NOT NULL,
    reported_by      TEXT    NOT NULL CHECK (reported_by IN ('unit', 'recipient', 'relative')),
    due_on           TEXT    NOT NULL,
    due_provisional  INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    late             INTEGER NOT NULL CHECK (late IN (0, 1)),
    last_month       TEXT,
    new_from_month   TEXT,
    new_amount_fen   INTEGER,
    overpaid_fen     INTEGER NOT NULL CHECK (overpaid_fen >= 0),
    overpaid_months  INTEGER NOT NULL CHECK (overpaid_months >= 0),
    overpayment_id   INTEGER REFERENCES overpayments(id),
    article          TEXT    NOT NULL CHECK (length(article) > 0),
    note             TEXT,
    recorded_by      TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at      TEXT    NOT NULL,
    CHECK (reported_on >= event_on),
    CHECK (due_on >= event_on),
    CHECK (late = (CASE WHEN reported_on > due_on THEN 1 ELSE 0 END)),
    CHECK (last_month IS NOT NULL OR new_from_month IS NOT NULL),
    UNIQUE (benefit_id, event)
);
CREATE INDEX stop_benefit_reports_case ON stop_benefit_reports(case_id);
CREATE INDEX stop_benefit_reports_late ON stop_benefit_reports(due_on) WHERE late = 1;
CREATE TRIGGER stop_benefit_reports_no_update BEFORE UPDATE ON stop_benefit_reports
BEGIN SELECT RAISE(ABORT, 'stop-benefit reports are append-only'); END;
CREATE TRIGGER stop_benefit_reports_no_delete BEFORE DELETE ON stop_benefit_reports
BEGIN SELECT RAISE(ABORT, 'stop-benefit reports are append-only'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('stop_benefit_reports', 'region', 'case_id');
