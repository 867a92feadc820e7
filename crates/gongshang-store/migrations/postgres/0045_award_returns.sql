-- Large tables: none; it only creates a new table (its foreign key takes a brief
-- SHARE ROW EXCLUSIVE lock on awards, no scan: the new table is empty).
-- An award the checker sent back to its maker, with the reason (issue 13).
-- The award itself becomes 'withdrawn'; the maker computes a new one.
-- PostgreSQL dialect; keep in step with ../sqlite/0045_award_returns.sql.
CREATE TABLE award_returns (
    award_id        BIGINT  NOT NULL PRIMARY KEY REFERENCES awards(id),
    case_id         BIGINT  NOT NULL REFERENCES cases(id),
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    returned_by     TEXT    NOT NULL,
    returned_at     TEXT    NOT NULL
);
CREATE INDEX award_returns_case ON award_returns(case_id);
CREATE TRIGGER award_returns_no_update BEFORE UPDATE ON award_returns
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('award returns are append-only');
