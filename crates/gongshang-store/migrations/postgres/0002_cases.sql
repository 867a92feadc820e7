-- Large tables: none; it only creates new tables.
-- Injury cases, appraisals, awards and the payroll of periodic benefits,
-- PostgreSQL dialect. Keep in step with ../sqlite/0002_cases.sql. Money is
-- BIGINT fen, dates ISO text, months 'YYYY-MM' (which sort as text),
-- instants RFC 3339 text in UTC.

-- The queryable row of a case: a snapshot of what its events say, rewritten
-- with every append (in the same transaction), at the version it reflects.
CREATE TABLE cases (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number          TEXT    NOT NULL UNIQUE,
    flow            TEXT    NOT NULL CHECK (flow IN ('determination', 'confirmation', 'insurer_claim')),
    resident_id     TEXT    NOT NULL,
    unit_code       TEXT,
    scheme_id       TEXT    NOT NULL,
    jurisdiction    TEXT    NOT NULL,
    region          TEXT,
    accident_key    TEXT    NOT NULL,
    accident_date   TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    closed          BIGINT NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    deadline_kind   TEXT,
    deadline_due    TEXT,
    deadline_article TEXT,
    version         BIGINT NOT NULL CHECK (version >= 0),
    opened_at       TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX cases_queue ON cases(deadline_due) WHERE deadline_due IS NOT NULL;
CREATE INDEX cases_person ON cases(resident_id);
CREATE INDEX cases_accident ON cases(accident_key);

-- The events of a case, in order: the domain's events as JSON, per stream
-- (the claim's flow, or the appraisal). Append-only; `seq` runs over all
-- streams of the case, 1, 2, 3, ... and equals the case's version after it.
CREATE TABLE case_events (
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    seq             BIGINT NOT NULL CHECK (seq >= 1),
    stream          TEXT    NOT NULL CHECK (stream IN ('determination', 'confirmation', 'insurer_claim', 'appraisal')),
    kind            TEXT    NOT NULL,
    on_date         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('case events are append-only');
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('case events are append-only');

-- An accident is recognised (or confirmed) once: the key is unique here.
CREATE TABLE recognised_accidents (
    accident_key    TEXT    NOT NULL PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    recognised_on   TEXT    NOT NULL
);

-- Every appraisal conclusion of a case, in order (the history is kept).
CREATE TABLE appraisal_conclusions (
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    number          BIGINT NOT NULL CHECK (number >= 1),
    kind            TEXT    NOT NULL,
    level           TEXT    NOT NULL,
    applied_on      TEXT    NOT NULL,
    concluded_on    TEXT    NOT NULL,
    grade           BIGINT CHECK (grade BETWEEN 1 AND 10),
    nursing         TEXT,
    late_by_days    BIGINT NOT NULL,
    reappraisal_of  BIGINT,
    PRIMARY KEY (case_id, number)
);

-- Awards: computed by the rules engine, proposed by a maker, approved by a
-- different checker; a later approved award supersedes the earlier one.
CREATE TABLE awards (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    status          TEXT    NOT NULL CHECK (status IN ('proposed', 'approved', 'superseded', 'withdrawn')),
    basis           TEXT    NOT NULL,
    legal_date      TEXT    NOT NULL,
    scheme_id       TEXT    NOT NULL,
    jurisdiction    TEXT    NOT NULL,
    one_time_fen    BIGINT NOT NULL,
    monthly_fen     BIGINT NOT NULL,
    input           TEXT    NOT NULL,
    trace           TEXT    NOT NULL,
    supersedes      BIGINT REFERENCES awards(id),
    made_by         TEXT    NOT NULL,
    made_at         TEXT    NOT NULL,
    checked_by      TEXT,
    checked_at      TEXT,
    ledger_key      TEXT,
    CHECK (checked_by IS NULL OR checked_by <> made_by)
);
CREATE INDEX awards_case ON awards(case_id);

CREATE TABLE award_items (
    award_id        BIGINT NOT NULL REFERENCES awards(id),
    line            BIGINT NOT NULL,
    item            TEXT    NOT NULL,
    periodicity     TEXT    NOT NULL CHECK (periodicity IN ('one_time', 'monthly')),
    payer           TEXT    NOT NULL CHECK (payer IN ('fund', 'employer', 'insurer')),
    beneficiary     TEXT    NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    citation        TEXT    NOT NULL,
    PRIMARY KEY (award_id, line)
);

-- One-time items paid: the total paid per (case, item, beneficiary) is what
-- the approved award says; a second payment of the same award line is refused
-- by its key, and a recalculation pays only the difference.
CREATE TABLE one_time_payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    award_id        BIGINT NOT NULL REFERENCES awards(id),
    item            TEXT    NOT NULL,
    beneficiary     TEXT    NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on         TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    created_at      TEXT    NOT NULL
);
CREATE INDEX one_time_payments_case ON one_time_payments(case_id);

-- Periodic benefits: one per beneficiary and item, paid by the monthly
-- payroll from start_month to end_month (inclusive) unless suspended.
CREATE TABLE periodic_benefits (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    award_id        BIGINT REFERENCES awards(id),
    beneficiary     TEXT    NOT NULL,
    item            TEXT    NOT NULL,
    payer           TEXT    NOT NULL CHECK (payer IN ('fund', 'employer', 'insurer')),
    start_month     TEXT    NOT NULL,
    end_month       TEXT,
    end_reason      TEXT,
    end_condition   TEXT,
    suspended       BIGINT NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
    created_at      TEXT    NOT NULL
);
-- One running benefit per (case, beneficiary, item); an ended one may be
-- followed by another (a recalculation that changes the payer).
CREATE UNIQUE INDEX periodic_benefits_open ON periodic_benefits(case_id, beneficiary, item)
    WHERE end_reason IS NULL;

-- The monthly amount of a benefit from a month on: the first amount, then
-- each indexation or offset. The amount of a month is the latest row at or
-- before it.
CREATE TABLE benefit_amounts (
    benefit_id      BIGINT NOT NULL REFERENCES periodic_benefits(id),
    from_month      TEXT    NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    reason          TEXT    NOT NULL,
    indexation_id   BIGINT,
    PRIMARY KEY (benefit_id, from_month)
);

-- An adjustment of periodic benefits decided by the government: a percentage
-- or a new amount from a month.
CREATE TABLE indexations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_month      TEXT    NOT NULL,
    item            TEXT,
    kind            TEXT    NOT NULL CHECK (kind IN ('percentage', 'amount')),
    value           TEXT    NOT NULL,
    instrument      TEXT    NOT NULL,
    benefits        BIGINT NOT NULL,
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL
);

CREATE TABLE payroll_runs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month           TEXT    NOT NULL,
    run_no          BIGINT NOT NULL,
    lines           BIGINT NOT NULL,
    total_fen       BIGINT NOT NULL,
    ledger_key      TEXT,
    started_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    UNIQUE (month, run_no)
);

-- What the payroll paid: once per benefit and month, whichever run paid it.
CREATE TABLE payroll_lines (
    benefit_id      BIGINT NOT NULL,
    month           TEXT    NOT NULL,
    run_id          BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (benefit_id, month)
);
CREATE INDEX payroll_lines_run ON payroll_lines(run_id);
CREATE TRIGGER payroll_lines_no_update BEFORE UPDATE ON payroll_lines
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('payroll lines are append-only');
CREATE TRIGGER payroll_lines_no_delete BEFORE DELETE ON payroll_lines
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('payroll lines are append-only');
