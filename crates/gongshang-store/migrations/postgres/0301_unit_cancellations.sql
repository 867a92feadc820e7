-- Large tables: none; it only creates a new table.
-- A unit's social insurance registration cancelled (注销登记; 社会保险经办条例
-- Art 10): the unit's last day insured, the day the application was
-- received, the due day (10 working days after, on the holiday calendar),
-- the day the agency completed it and whether that was late, the reason
-- (dissolution, bankruptcy, revocation, a move out of the region, ...) and
-- the document. Once per unit; append-only. The caller checks first that
-- the unit owes nothing and that none of its enrolments or benefits runs on.
-- PostgreSQL dialect; keep in step with ../sqlite/0301_unit_cancellations.sql.
CREATE TABLE unit_cancellations (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id          BIGINT  NOT NULL UNIQUE REFERENCES units(id),
    last_day         TEXT    NOT NULL,
    received_on      TEXT    NOT NULL,
    due_on           TEXT    NOT NULL,
    due_provisional  BIGINT  NOT NULL CHECK (due_provisional IN (0, 1)),
    completed_on     TEXT    NOT NULL,
    late             BIGINT  NOT NULL CHECK (late IN (0, 1)),
    reason           TEXT    NOT NULL CHECK (length(reason) > 0),
    document         TEXT,
    recorded_by      TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at      TEXT    NOT NULL,
    CHECK (completed_on >= received_on),
    CHECK (late = (CASE WHEN completed_on > due_on THEN 1 ELSE 0 END))
);
CREATE TRIGGER unit_cancellations_no_update BEFORE UPDATE ON unit_cancellations
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('unit cancellations are append-only');
CREATE TRIGGER unit_cancellations_no_delete BEFORE DELETE ON unit_cancellations
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('unit cancellations are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('unit_cancellations', 'reference', 'unit_id -> units')
ON CONFLICT (table_name) DO NOTHING;
