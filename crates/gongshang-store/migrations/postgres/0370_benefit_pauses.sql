-- Large tables: none; it creates one table (one row per survivor's pension
-- stopped for a prison sentence: small). The payroll's statement reads it
-- by an anti join, cheap while it is small.
-- 劳社部令第18号 Art 5: a survivor's pension is not paid, and never owed,
-- while its recipient serves a sentence (收监执行); it is paid again after the
-- release. One row per sentence: the day taken in and the months paused
-- (from the next month), the release and the last month paused once known,
-- the document each rests on, and the overpayment of the months already
-- paid inside the pause. The release is written once into its row; nothing
-- else changes and nothing is deleted.
-- PostgreSQL dialect; keep in step with ../sqlite/0370_benefit_pauses.sql.
CREATE TABLE benefit_pauses (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    imprisoned_on   TEXT    NOT NULL,
    from_month      TEXT    NOT NULL,
    document        TEXT    NOT NULL CHECK (length(document) > 0),
    overpayment_id  BIGINT  REFERENCES overpayments(id),
    recorded_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    released_on     TEXT,
    until_month     TEXT,
    release_document TEXT,
    released_at     TEXT,
    released_by     TEXT,
    CHECK ((released_on IS NULL) = (until_month IS NULL))
);
CREATE INDEX benefit_pauses_benefit ON benefit_pauses(benefit_id, from_month);
CREATE TRIGGER benefit_pauses_released BEFORE UPDATE ON benefit_pauses
    FOR EACH ROW WHEN (OLD.released_on IS NOT NULL)
    EXECUTE FUNCTION gongshang_refuse_change('a pause once released is never changed');
CREATE TRIGGER benefit_pauses_no_delete BEFORE DELETE ON benefit_pauses
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('pauses are never deleted');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('benefit_pauses', 'region', 'benefit_id -> periodic_benefits')
ON CONFLICT (table_name) DO NOTHING;
