-- An award the checker sent back to its maker, with the reason (issue 13).
-- The award itself becomes 'withdrawn'; the maker computes a new one.
-- SQLite dialect; keep in step with ../postgres/0045_award_returns.sql.
CREATE TABLE award_returns (
    award_id        INTEGER NOT NULL PRIMARY KEY REFERENCES awards(id),
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    returned_by     TEXT    NOT NULL,
    returned_at     TEXT    NOT NULL
);
CREATE INDEX award_returns_case ON award_returns(case_id);
CREATE TRIGGER award_returns_no_update BEFORE UPDATE ON award_returns
BEGIN SELECT RAISE(ABORT, 'award returns are append-only'); END;
