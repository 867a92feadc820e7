-- Large tables: none; it only creates new tables.
-- Dishonest acts in social insurance recorded as they were (社会保险经办条例
-- Art 45(2): 如实记录用人单位、个人和社会保险服务机构及其工作人员违反社会保险法律、
-- 法规行为等失信行为):
-- - credit_records: the subject (a unit, a person, an agreement institution),
--   the act, the article, the day, the source it rests on (a conclusion
--   revoked, an overpayment, a monitoring alert closed as confirmed, a
--   provider suspended) and who recorded it; once per subject and source.
-- - credit_record_changes: a correction of the act or article, or the
--   withdrawal of the record, with the reason and who made it.
-- Both append-only: a record is never deleted, a change is a new row.
-- PostgreSQL dialect; keep in step with ../sqlite/0232_credit_records.sql.
CREATE TABLE credit_records (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject_kind     TEXT    NOT NULL CHECK (subject_kind IN ('unit', 'person', 'institution')),
    subject_key      TEXT    NOT NULL CHECK (length(subject_key) > 0),
    act              TEXT    NOT NULL CHECK (length(act) > 0),
    article          TEXT    NOT NULL CHECK (length(article) > 0),
    acted_on         TEXT    NOT NULL,
    source_kind      TEXT    NOT NULL CHECK (source_kind IN ('revoked_conclusion', 'fraud_overpayment', 'alert_confirmed', 'provider_suspended')),
    source_ref       TEXT    NOT NULL CHECK (length(source_ref) > 0),
    recorded_by      TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at      TEXT    NOT NULL,
    UNIQUE (subject_kind, subject_key, source_kind, source_ref)
);
CREATE INDEX credit_records_subject ON credit_records(subject_kind, subject_key);
CREATE TABLE credit_record_changes (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id        BIGINT NOT NULL REFERENCES credit_records(id),
    change           TEXT    NOT NULL CHECK (change IN ('correct', 'withdraw')),
    act              TEXT,
    article          TEXT,
    reason           TEXT    NOT NULL CHECK (length(reason) > 0),
    recorded_by      TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at      TEXT    NOT NULL,
    CHECK (change = 'withdraw' OR act IS NOT NULL OR article IS NOT NULL)
);
CREATE INDEX credit_record_changes_record ON credit_record_changes(record_id);
CREATE TRIGGER credit_records_no_update BEFORE UPDATE ON credit_records
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('credit records are append-only: a change is a new row');
CREATE TRIGGER credit_records_no_delete BEFORE DELETE ON credit_records
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('credit records are append-only: a change is a new row');
CREATE TRIGGER credit_record_changes_no_update BEFORE UPDATE ON credit_record_changes
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('credit record changes are append-only');
CREATE TRIGGER credit_record_changes_no_delete BEFORE DELETE ON credit_record_changes
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('credit record changes are append-only');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('credit_records', 'reference', 'subject_kind, subject_key (read by every region, as units and people)'),
    ('credit_record_changes', 'reference', 'record_id -> credit_records')
ON CONFLICT (table_name) DO NOTHING;
