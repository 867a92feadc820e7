-- Large tables: none; it only creates new tables.
-- issue 17: a recurrence of a recognised injury (旧伤复发, Regulations Art 38),
-- filed on the old case: who confirmed it needs treatment (the agreement
-- medical institution, or the appraisal committee on a dispute), when, the
-- document, a note on the medical costs (paid by the fund on bills);
-- numbered 1, 2, ... per case; append-only. Its suspension wages (Art 33 on
-- the wage at the recurrence, the employer's) are proposed and approved by
-- a second person; at most one approved per recurrence.
-- PostgreSQL dialect; keep in step with ../sqlite/0180_case_recurrences.sql.
CREATE TABLE case_recurrences (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id               BIGINT  NOT NULL REFERENCES cases(id),
    seq                   BIGINT  NOT NULL CHECK (seq > 0),
    recurred_on           TEXT    NOT NULL,
    confirmed_by          TEXT    NOT NULL CHECK (confirmed_by IN ('agreement_institution', 'appraisal_committee')),
    confirming_body_name  TEXT    NOT NULL CHECK (length(confirming_body_name) > 0),
    confirmed_on          TEXT    NOT NULL,
    document              TEXT    NOT NULL CHECK (length(document) > 0),
    medical_note          TEXT    NOT NULL,
    recorded_by           TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at           TEXT    NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE TRIGGER case_recurrences_no_update BEFORE UPDATE ON case_recurrences
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('recurrences are append-only');
CREATE TRIGGER case_recurrences_no_delete BEFORE DELETE ON case_recurrences
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('recurrences are append-only');
CREATE TABLE recurrence_awards (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id               BIGINT  NOT NULL REFERENCES cases(id),
    recurrence_id         BIGINT  NOT NULL REFERENCES case_recurrences(id),
    status                TEXT    NOT NULL CHECK (status IN ('proposed', 'approved', 'withdrawn')),
    wage_at_recurrence_fen BIGINT NOT NULL CHECK (wage_at_recurrence_fen > 0),
    suspension_months     BIGINT  NOT NULL CHECK (suspension_months > 0),
    extension_confirmed   BIGINT  NOT NULL CHECK (extension_confirmed IN (0, 1)),
    suspension_wages_fen  BIGINT  NOT NULL CHECK (suspension_wages_fen > 0),
    payer                 TEXT    NOT NULL CHECK (payer IN ('employer')),
    trace                 TEXT    NOT NULL,
    made_by               TEXT    NOT NULL CHECK (length(made_by) > 0),
    made_at               TEXT    NOT NULL,
    checked_by            TEXT,
    checked_at            TEXT
);
CREATE INDEX recurrence_awards_recurrence ON recurrence_awards(recurrence_id);
CREATE UNIQUE INDEX recurrence_awards_one_approved ON recurrence_awards(recurrence_id) WHERE status = 'approved';
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('case_recurrences', 'region', 'case_id'),
    ('recurrence_awards', 'region', 'case_id')
ON CONFLICT (table_name) DO NOTHING;
