-- The officials who withdrew from a case (回避, Regulations Art 20(4), issue 17):
-- who, why, who recorded it and when. Once recorded, the official's actions on
-- the case are refused by the application; a recusal is never changed or removed.
-- SQLite dialect; keep in step with ../postgres/0075_case_recusals.sql.
CREATE TABLE case_recusals (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    official     TEXT    NOT NULL CHECK (length(official) > 0),
    reason       TEXT    NOT NULL CHECK (length(reason) > 0),
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (case_id, official)
);
CREATE TRIGGER case_recusals_no_update BEFORE UPDATE ON case_recusals
BEGIN SELECT RAISE(ABORT, 'recusals are append-only'); END;
CREATE TRIGGER case_recusals_no_delete BEFORE DELETE ON case_recusals
BEGIN SELECT RAISE(ABORT, 'recusals are append-only'); END;
