-- A work-capacity appraisal conclusion revoked or corrected (劳动能力鉴定管理办法,
-- Order No. 55, Art 31; issue 17): the committee's decision as a clerk records
-- it, and its application approved by a second person, when the awards on the
-- conclusion are superseded, the benefits stop or change from the next month
-- unpaid, and what was paid on it is balanced month by month into
-- overpayments (Decree No. 765 Art 46) and an amount still owed.
-- Both rows are append-only: a revision is recorded, then applied.
-- SQLite dialect; keep in step with ../postgres/0110_appraisal_revisions.sql.
CREATE TABLE appraisal_revisions (
    id              INTEGER PRIMARY KEY,
    reference       TEXT    NOT NULL UNIQUE,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('revoke', 'correct')),
    -- the conclusion revised (its number in the case's history)
    conclusion      INTEGER NOT NULL CHECK (conclusion >= 1),
    -- correct only: the grade (NULL: no grade reached) and nursing level
    grade           INTEGER CHECK (grade BETWEEN 1 AND 10),
    nursing         TEXT,
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    decision_no     TEXT    NOT NULL CHECK (length(decision_no) > 0),
    decided_on      TEXT    NOT NULL,
    -- how the overpayment comes back: refund or instalments (months)
    recovery        TEXT    NOT NULL CHECK (recovery IN ('refund', 'instalments')),
    instalments     INTEGER CHECK (instalments BETWEEN 1 AND 120),
    made_by         TEXT    NOT NULL,
    made_at         TEXT    NOT NULL
);
CREATE INDEX appraisal_revisions_case ON appraisal_revisions(case_id);
CREATE TABLE appraisal_revision_applications (
    revision_id     INTEGER PRIMARY KEY REFERENCES appraisal_revisions(id),
    superseded_award_id INTEGER REFERENCES awards(id),
    -- correct only: the award computed on the corrected grade
    new_award_id    INTEGER REFERENCES awards(id),
    overpaid_fen    INTEGER NOT NULL CHECK (overpaid_fen >= 0),
    underpaid_fen   INTEGER NOT NULL CHECK (underpaid_fen >= 0),
    -- the payable posted for what is still owed (NULL when nothing is)
    underpaid_ledger_key TEXT UNIQUE REFERENCES ledger_transactions(idempotency_key),
    -- the months balanced and the rule's trace, as JSON
    basis           TEXT    NOT NULL,
    checked_by      TEXT    NOT NULL,
    checked_at      TEXT    NOT NULL
);
CREATE TRIGGER appraisal_revisions_no_update BEFORE UPDATE ON appraisal_revisions
BEGIN SELECT RAISE(ABORT, 'appraisal revisions are append-only'); END;
CREATE TRIGGER appraisal_revisions_no_delete BEFORE DELETE ON appraisal_revisions
BEGIN SELECT RAISE(ABORT, 'appraisal revisions are append-only'); END;
CREATE TRIGGER appraisal_revision_applications_no_update BEFORE UPDATE ON appraisal_revision_applications
BEGIN SELECT RAISE(ABORT, 'appraisal revision applications are append-only'); END;
CREATE TRIGGER appraisal_revision_applications_no_delete BEFORE DELETE ON appraisal_revision_applications
BEGIN SELECT RAISE(ABORT, 'appraisal revision applications are append-only'); END;
-- Their place in the distribution catalogue. On a new database this runs before
-- migration 140 creates the catalogue, so the catalogue is created here when it
-- is not there yet (140 creates it only if not exists) and these rows kept.
CREATE TABLE IF NOT EXISTS schema_distribution (
    table_name      TEXT    NOT NULL PRIMARY KEY,
    distribution    TEXT    NOT NULL CHECK (distribution IN ('region', 'reference')),
    region_key      TEXT    NOT NULL
);
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('appraisal_revisions', 'region', 'case_id'),
    ('appraisal_revision_applications', 'region', 'revision_id');
