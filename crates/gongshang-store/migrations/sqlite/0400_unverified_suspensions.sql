-- Large tables: none; it creates one table (one row per benefit suspended
-- for want of its yearly eligibility verification: small).
-- 广东省工伤保险条例 Art 37: a disability allowance or a survivor's pension is
-- drawn on condition of passing the eligibility verification every year
-- (每年通过领取待遇资格认证，方可继续领取). A benefit not verified within the
-- period is suspended (the benefit's `suspended` flag, as a clerk's
-- suspension) and this row says why; the verification recorded afterwards
-- lifts it, written once into the row. Nothing else changes and nothing is
-- deleted.
-- SQLite dialect; keep in step with ../postgres/0400_unverified_suspensions.sql.
CREATE TABLE unverified_suspensions (
    id              INTEGER PRIMARY KEY,
    benefit_id      INTEGER NOT NULL REFERENCES periodic_benefits(id),
    suspended_on    TEXT    NOT NULL,
    last_verified_on TEXT,
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    recorded_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    lifted_on       TEXT,
    lifted_at       TEXT,
    lifted_by       TEXT,
    CHECK ((lifted_on IS NULL) = (lifted_by IS NULL))
);
CREATE INDEX unverified_suspensions_benefit ON unverified_suspensions(benefit_id);
CREATE TRIGGER unverified_suspensions_lifted BEFORE UPDATE ON unverified_suspensions
WHEN OLD.lifted_on IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a suspension once lifted is never changed'); END;
CREATE TRIGGER unverified_suspensions_no_delete BEFORE DELETE ON unverified_suspensions
BEGIN SELECT RAISE(ABORT, 'suspensions are never deleted'); END;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('unverified_suspensions', 'region', 'benefit_id -> periodic_benefits');
