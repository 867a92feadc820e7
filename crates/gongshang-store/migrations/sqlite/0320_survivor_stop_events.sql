-- Large tables: life_events is copied whole (one row per event another body shares: the largest of the three, read in batches by the matching); match_hits and stop_benefit_reports are small.
-- sqlite: foreign_keys off
-- A survivor's pension stops when the recipient takes up employment or joins
-- the army (劳社部令第18号 Art 4(2): 就业或参军) or is adopted by another person
-- or an organisation (Art 4(4): 被他人或组织收养): the life events another body
-- shares gain the kinds employment, enlistment and adoption, and the matching
-- hits and the stop-benefit reports (Decree 765 Art 25) the rules of the same
-- names. SQLite cannot widen a CHECK in place: each table is rebuilt by its
-- documented 12-step ALTER (https://www.sqlite.org/lang_altertable.html#otheralter)
-- keeping every row, id and index; the runner turns foreign keys off around
-- it and checks them before committing (match_hits refers to life_events by
-- name, so the rebuilt table is its parent again). The append-only triggers
-- are created again.
-- SQLite dialect; keep in step with ../postgres/0320_survivor_stop_events.sql.
CREATE TABLE new_life_events (
    id              INTEGER PRIMARY KEY,
    resident_id     TEXT    NOT NULL CHECK (length(resident_id) = 18),
    kind            TEXT    NOT NULL CHECK (kind IN ('death', 'marriage', 'pension_start', 'alive', 'employment', 'enlistment', 'adoption')),
    event_date      TEXT    NOT NULL,
    source          TEXT    NOT NULL CHECK (length(source) > 0),
    pension_fen     INTEGER CHECK (pension_fen IS NULL OR pension_fen >= 0),
    imported_at     TEXT    NOT NULL,
    imported_by     TEXT    NOT NULL CHECK (length(imported_by) > 0),
    UNIQUE (resident_id, kind, event_date, source)
);
INSERT INTO new_life_events (id, resident_id, kind, event_date, source, pension_fen, imported_at, imported_by)
SELECT id, resident_id, kind, event_date, source, pension_fen, imported_at, imported_by FROM life_events;
DROP TABLE life_events;
ALTER TABLE new_life_events RENAME TO life_events;
CREATE INDEX life_events_person ON life_events(resident_id);
CREATE TRIGGER life_events_no_update BEFORE UPDATE ON life_events
BEGIN SELECT RAISE(ABORT, 'life events are append-only'); END;
CREATE TRIGGER life_events_no_delete BEFORE DELETE ON life_events
BEGIN SELECT RAISE(ABORT, 'life events are append-only'); END;
CREATE TABLE new_match_hits (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES match_runs(id),
    benefit_id      INTEGER NOT NULL REFERENCES periodic_benefits(id),
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    resident_id     TEXT    NOT NULL,
    rule            TEXT    NOT NULL CHECK (rule IN ('death', 'remarriage', 'dependant_turns_18', 'pension_start', 'employment', 'enlistment', 'adoption')),
    event_id        INTEGER REFERENCES life_events(id),
    on_date         TEXT    NOT NULL,
    last_month      TEXT,
    new_from_month  TEXT,
    new_amount_fen  INTEGER,
    overpaid_fen    INTEGER NOT NULL CHECK (overpaid_fen >= 0),
    overpaid_months INTEGER NOT NULL CHECK (overpaid_months >= 0),
    overpayment_id  INTEGER REFERENCES overpayments(id),
    article         TEXT    NOT NULL,
    UNIQUE (benefit_id, rule)
);
INSERT INTO new_match_hits (id, run_id, benefit_id, case_id, resident_id, rule, event_id, on_date,
    last_month, new_from_month, new_amount_fen, overpaid_fen, overpaid_months, overpayment_id, article)
SELECT id, run_id, benefit_id, case_id, resident_id, rule, event_id, on_date,
    last_month, new_from_month, new_amount_fen, overpaid_fen, overpaid_months, overpayment_id, article
FROM match_hits;
DROP TABLE match_hits;
ALTER TABLE new_match_hits RENAME TO match_hits;
CREATE INDEX match_hits_run ON match_hits(run_id);
CREATE TRIGGER match_hits_no_update BEFORE UPDATE ON match_hits
BEGIN SELECT RAISE(ABORT, 'match hits are append-only'); END;
CREATE TRIGGER match_hits_no_delete BEFORE DELETE ON match_hits
BEGIN SELECT RAISE(ABORT, 'match hits are append-only'); END;
CREATE TABLE new_stop_benefit_reports (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    benefit_id       INTEGER NOT NULL REFERENCES periodic_benefits(id),
    event            TEXT    NOT NULL CHECK (event IN ('death', 'remarriage', 'dependant_turns_18', 'pension_start', 'employment', 'enlistment', 'adoption')),
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
INSERT INTO new_stop_benefit_reports (id, case_id, benefit_id, event, event_on, reported_on, reported_by,
    due_on, due_provisional, late, last_month, new_from_month, new_amount_fen, overpaid_fen,
    overpaid_months, overpayment_id, article, note, recorded_by, recorded_at)
SELECT id, case_id, benefit_id, event, event_on, reported_on, reported_by,
    due_on, due_provisional, late, last_month, new_from_month, new_amount_fen, overpaid_fen,
    overpaid_months, overpayment_id, article, note, recorded_by, recorded_at
FROM stop_benefit_reports;
DROP TABLE stop_benefit_reports;
ALTER TABLE new_stop_benefit_reports RENAME TO stop_benefit_reports;
CREATE INDEX stop_benefit_reports_case ON stop_benefit_reports(case_id);
CREATE INDEX stop_benefit_reports_late ON stop_benefit_reports(due_on) WHERE late = 1;
CREATE TRIGGER stop_benefit_reports_no_update BEFORE UPDATE ON stop_benefit_reports
BEGIN SELECT RAISE(ABORT, 'stop-benefit reports are append-only'); END;
CREATE TRIGGER stop_benefit_reports_no_delete BEFORE DELETE ON stop_benefit_reports
BEGIN SELECT RAISE(ABORT, 'stop-benefit reports are append-only'); END;
