-- Large tables: none; it only creates a new table (its foreign key takes a brief
-- SHARE ROW EXCLUSIVE lock on cases, no scan: the new table is empty).
-- The officials who withdrew from a case (回避, Regulations Art 20(4), issue 17):
-- who, why, who recorded it and when. Once recorded, the official's actions on
-- the case are refused by the application; a recusal is never changed or removed.
-- PostgreSQL dialect; keep in step with ../sqlite/0075_case_recusals.sql.
CREATE TABLE case_recusals (
    case_id      BIGINT  NOT NULL REFERENCES cases(id),
    official     TEXT    NOT NULL CHECK (length(official) > 0),
    reason       TEXT    NOT NULL CHECK (length(reason) > 0),
    recorded_by  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (case_id, official)
);
CREATE TRIGGER case_recusals_no_update BEFORE UPDATE ON case_recusals
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('recusals are append-only');
CREATE TRIGGER case_recusals_no_delete BEFORE DELETE ON case_recusals
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('recusals are append-only');
