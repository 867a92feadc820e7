-- Large tables: none; it only creates new tables (their foreign keys take brief
-- SHARE ROW EXCLUSIVE locks on periodic_benefits, cases and overpayments, no scan).
-- Shared-data matching (共享数据比对; Decree No. 765 Arts 9 and 26; issues 16, 12, 17):
-- life events other bodies report (a death, a marriage, a basic pension starting,
-- a sign of life), each once (resident id, kind, day, source); the beneficiary's
-- resident id of a periodic benefit (a survivor's has none in the case) with a
-- study or disability exception to the age of 18; the matching runs and their
-- hits, one per (benefit, rule), each with what it ended and the overpayment it
-- recorded; and the annual verification of eligibility (资格认证, Art 26).
-- Every table is append-only.
-- PostgreSQL dialect; keep in step with ../sqlite/0130_life_events.sql.
CREATE TABLE life_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id     TEXT    NOT NULL CHECK (length(resident_id) = 18),
    kind            TEXT    NOT NULL CHECK (kind IN ('death', 'marriage', 'pension_start', 'alive')),
    event_date      TEXT    NOT NULL,
    source          TEXT    NOT NULL CHECK (length(source) > 0),
    pension_fen     BIGINT  CHECK (pension_fen IS NULL OR pension_fen >= 0),
    imported_at     TEXT    NOT NULL,
    imported_by     TEXT    NOT NULL CHECK (length(imported_by) > 0),
    UNIQUE (resident_id, kind, event_date, source)
);
CREATE INDEX life_events_person ON life_events(resident_id);
CREATE TABLE benefit_beneficiaries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    resident_id     TEXT    NOT NULL CHECK (length(resident_id) = 18),
    age_exception   TEXT    CHECK (age_exception IS NULL OR age_exception IN ('study', 'disability')),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX benefit_beneficiaries_benefit ON benefit_beneficiaries(benefit_id);
CREATE INDEX benefit_beneficiaries_person ON benefit_beneficiaries(resident_id);
CREATE TABLE match_runs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mode            TEXT    NOT NULL CHECK (mode IN ('full', 'incremental')),
    -- the life events read: ids after events_after up to events_through
    events_after    BIGINT  NOT NULL,
    events_through  BIGINT  NOT NULL,
    benefits_checked BIGINT  NOT NULL,
    hits            BIGINT  NOT NULL,
    ran_at          TEXT    NOT NULL,
    actor           TEXT    NOT NULL CHECK (length(actor) > 0)
);
CREATE TABLE match_hits (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          BIGINT  NOT NULL REFERENCES match_runs(id),
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    case_id         BIGINT  NOT NULL REFERENCES cases(id),
    resident_id     TEXT    NOT NULL,
    rule            TEXT    NOT NULL CHECK (rule IN ('death', 'remarriage', 'dependant_turns_18', 'pension_start')),
    event_id        BIGINT  REFERENCES life_events(id),
    on_date         TEXT    NOT NULL,
    last_month      TEXT,
    new_from_month  TEXT,
    new_amount_fen  BIGINT ,
    overpaid_fen    BIGINT  NOT NULL CHECK (overpaid_fen >= 0),
    overpaid_months BIGINT  NOT NULL CHECK (overpaid_months >= 0),
    overpayment_id  BIGINT  REFERENCES overpayments(id),
    article         TEXT    NOT NULL,
    UNIQUE (benefit_id, rule)
);
CREATE INDEX match_hits_run ON match_hits(run_id);
CREATE TABLE benefit_verifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    benefit_id      BIGINT  NOT NULL REFERENCES periodic_benefits(id),
    method          TEXT    NOT NULL CHECK (method IN ('data_matching', 'self', 'employer', 'third_party')),
    verified_on     TEXT    NOT NULL,
    evidence        TEXT    NOT NULL CHECK (length(evidence) > 0),
    recorded_by     TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at     TEXT    NOT NULL
);
CREATE INDEX benefit_verifications_benefit ON benefit_verifications(benefit_id, verified_on);
CREATE TRIGGER life_events_no_update BEFORE UPDATE ON life_events
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('life events are append-only');
CREATE TRIGGER life_events_no_delete BEFORE DELETE ON life_events
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('life events are append-only');
CREATE TRIGGER benefit_beneficiaries_no_update BEFORE UPDATE ON benefit_beneficiaries
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('benefit beneficiaries are append-only');
CREATE TRIGGER benefit_beneficiaries_no_delete BEFORE DELETE ON benefit_beneficiaries
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('benefit beneficiaries are append-only');
CREATE TRIGGER match_runs_no_update BEFORE UPDATE ON match_runs
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('match runs are append-only');
CREATE TRIGGER match_runs_no_delete BEFORE DELETE ON match_runs
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('match runs are append-only');
CREATE TRIGGER match_hits_no_update BEFORE UPDATE ON match_hits
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('match hits are append-only');
CREATE TRIGGER match_hits_no_delete BEFORE DELETE ON match_hits
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('match hits are append-only');
CREATE TRIGGER benefit_verifications_no_update BEFORE UPDATE ON benefit_verifications
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('benefit verifications are append-only');
CREATE TRIGGER benefit_verifications_no_delete BEFORE DELETE ON benefit_verifications
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('benefit verifications are append-only');
-- Their place in the distribution catalogue (created here when migration 140
-- has not run yet, as 0120 does).
CREATE TABLE IF NOT EXISTS schema_distribution (
    table_name      TEXT    NOT NULL PRIMARY KEY,
    distribution    TEXT    NOT NULL CHECK (distribution IN ('region', 'reference')),
    region_key      TEXT    NOT NULL
);
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('life_events', 'reference', 'shared data from other bodies, matched against every region'),
    ('benefit_beneficiaries', 'region', 'benefit_id -> periodic_benefits'),
    ('match_runs', 'reference', 'one run over every region'),
    ('match_hits', 'region', 'case_id'),
    ('benefit_verifications', 'region', 'benefit_id -> periodic_benefits')
ON CONFLICT (table_name) DO NOTHING;
