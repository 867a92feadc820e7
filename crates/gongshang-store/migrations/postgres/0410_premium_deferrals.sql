-- Large tables: none; it creates two new tables (one row per deferral a
-- clerk records, one per revocation: small).
-- An approved deferral of a unit's premiums (缓缴; 人社厅发〔2022〕16号,
-- 人社部发〔2022〕31号): the unit and scheme, the first and last deferred
-- bill periods (YYYY-MM), the day by which the deferred premiums must be
-- repaid, the instrument it rests on, the day approved, who recorded it and
-- when. A bill of a deferred period is due by repay_by: no arrears (Social
-- Insurance Law Art 41) and no late fee (Art 86) until that day has passed
-- (gongshang_rules::deferral). Append-only: a deferral is never edited; a
-- wrong one is revoked by a row of premium_deferral_revocations (once per
-- deferral), after which it counts for nothing, and a right one recorded.
-- PostgreSQL dialect; keep in step with ../sqlite/0410_premium_deferrals.sql.
CREATE TABLE premium_deferrals (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         BIGINT  NOT NULL REFERENCES units(id),
    scheme_id       TEXT    NOT NULL,
    first_period    TEXT    NOT NULL CHECK (length(first_period) = 7),
    last_period     TEXT    NOT NULL CHECK (length(last_period) = 7),
    repay_by        TEXT    NOT NULL,
    instrument      TEXT    NOT NULL CHECK (length(instrument) > 0),
    approved_on     TEXT    NOT NULL,
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL,
    CHECK (first_period <= last_period)
);
CREATE INDEX premium_deferrals_unit ON premium_deferrals(unit_id, scheme_id);
CREATE TABLE premium_deferral_revocations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deferral_id     BIGINT  NOT NULL UNIQUE REFERENCES premium_deferrals(id),
    revoked_on      TEXT    NOT NULL,
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE TRIGGER premium_deferrals_no_update BEFORE UPDATE ON premium_deferrals
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('deferrals are append-only');
CREATE TRIGGER premium_deferrals_no_delete BEFORE DELETE ON premium_deferrals
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('deferrals are append-only');
CREATE TRIGGER premium_deferral_revocations_no_update BEFORE UPDATE ON premium_deferral_revocations
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('revocations of deferrals are append-only');
CREATE TRIGGER premium_deferral_revocations_no_delete BEFORE DELETE ON premium_deferral_revocations
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('revocations of deferrals are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('premium_deferrals', 'region', 'unit_id'),
    ('premium_deferral_revocations', 'region', 'deferral_id -> premium_deferrals')
ON CONFLICT (table_name) DO NOTHING;
