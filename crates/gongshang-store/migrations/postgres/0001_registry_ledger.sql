-- Large tables: none yet; it creates the first tables of an empty schema.
-- gongshang schema, PostgreSQL dialect. Money is BIGINT fen; dates are ISO text
-- (YYYY-MM-DD), instants RFC 3339 text in UTC. Keep in step with
-- ../sqlite/0001_registry_ledger.sql: the same tables, columns and rules.

CREATE TABLE units (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    credit_code     TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    industry_class  BIGINT NOT NULL CHECK (industry_class BETWEEN 1 AND 8),
    floating_tier   TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);

CREATE TABLE people (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id     TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    sex             TEXT    NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);

CREATE TABLE engagements (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    unit_id         BIGINT NOT NULL REFERENCES units(id),
    category        TEXT    NOT NULL,
    start_date      TEXT    NOT NULL,
    end_date        TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX engagements_person ON engagements(person_id);

CREATE TABLE enrollments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    unit_id         BIGINT REFERENCES units(id),
    scheme_id       TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    start_date      TEXT    NOT NULL,
    end_date        TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX enrollments_person ON enrollments(person_id);
CREATE INDEX enrollments_unit ON enrollments(unit_id);

CREATE TABLE bills (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         BIGINT REFERENCES units(id),
    person_id       BIGINT REFERENCES people(id),
    reference       TEXT    NOT NULL UNIQUE,
    scheme_id       TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('monthly', 'daily', 'orders')),
    period          TEXT    NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    fiscal_fen      BIGINT NOT NULL DEFAULT 0 CHECK (fiscal_fen >= 0 AND fiscal_fen <= amount_fen),
    due_date        TEXT    NOT NULL,
    created_at      TEXT    NOT NULL
);
CREATE INDEX bills_unit_period ON bills(unit_id, period);

CREATE TABLE declarations (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrollment_id       BIGINT NOT NULL REFERENCES enrollments(id),
    month               TEXT    NOT NULL,
    declared_wage_fen   BIGINT NOT NULL CHECK (declared_wage_fen >= 0),
    base_fen            BIGINT NOT NULL CHECK (base_fen >= 0),
    rate                TEXT    NOT NULL,
    premium_fen         BIGINT NOT NULL CHECK (premium_fen >= 0),
    bill_id             BIGINT NOT NULL REFERENCES bills(id),
    created_at          TEXT    NOT NULL,
    UNIQUE (enrollment_id, month)
);

CREATE TABLE payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bill_id         BIGINT NOT NULL REFERENCES bills(id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on         TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    created_at      TEXT    NOT NULL
);
CREATE INDEX payments_bill ON payments(bill_id);

-- Cover derived from payments (or days bought, or order days) by the scheme's rule.
CREATE TABLE coverage (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    unit_id         BIGINT REFERENCES units(id),
    scheme_id       TEXT    NOT NULL,
    enrollment_id   BIGINT REFERENCES enrollments(id),
    payment_id      BIGINT REFERENCES payments(id),
    basis           TEXT    NOT NULL,
    start_date      TEXT    NOT NULL,
    end_date        TEXT    NOT NULL,
    CHECK (start_date <= end_date)
);
CREATE INDEX coverage_person_dates ON coverage(person_id, start_date, end_date);

-- Platform order records, keyed by platform and order id: importing again adds nothing.
-- The key columns compare bytes (COLLATE "C", as SQLite's BINARY): faster and
-- independent of the server's locale.
CREATE TABLE orders (
    platform        TEXT COLLATE "C" NOT NULL,
    order_id        TEXT COLLATE "C" NOT NULL,
    resident_id     TEXT COLLATE "C" NOT NULL,
    ordered_at      TEXT    NOT NULL,
    day             TEXT COLLATE "C" NOT NULL,
    industry        TEXT    NOT NULL,
    province        TEXT    NOT NULL,
    premium_fen     BIGINT NOT NULL CHECK (premium_fen >= 0),
    import_id       BIGINT NOT NULL,
    PRIMARY KEY (platform, order_id)
);

-- A worker is covered on every day they took an order on a platform.
CREATE TABLE order_days (
    resident_id     TEXT COLLATE "C" NOT NULL,
    day             TEXT COLLATE "C" NOT NULL,
    platform        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (resident_id, day, platform)
);

CREATE TABLE imports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    rows_read       BIGINT NOT NULL DEFAULT 0,
    rows_added      BIGINT NOT NULL DEFAULT 0,
    rows_duplicate  BIGINT NOT NULL DEFAULT 0,
    rows_rejected   BIGINT NOT NULL DEFAULT 0,
    started_at      TEXT    NOT NULL,
    finished_at     TEXT,
    actor           TEXT    NOT NULL
);

-- The ledger: append-only, double-entry. Triggers refuse UPDATE and DELETE.
CREATE OR REPLACE FUNCTION gongshang_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$ LANGUAGE plpgsql;

CREATE TABLE ledger_transactions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    reason          TEXT    NOT NULL,
    reverses        TEXT    REFERENCES ledger_transactions(idempotency_key),
    subjects        TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL
);

CREATE TABLE ledger_postings (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  BIGINT NOT NULL REFERENCES ledger_transactions(id),
    account         TEXT    NOT NULL,
    side            TEXT    NOT NULL CHECK (side IN ('debit', 'credit')),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0)
);
CREATE INDEX ledger_postings_transaction ON ledger_postings(transaction_id);
CREATE INDEX ledger_postings_account ON ledger_postings(account);
-- A transaction is reversed at most once.
CREATE UNIQUE INDEX ledger_transactions_reverses ON ledger_transactions(reverses) WHERE reverses IS NOT NULL;

CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('the ledger is append-only: post a reversal instead');
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('the ledger is append-only: post a reversal instead');
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('the ledger is append-only: post a reversal instead');
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('the ledger is append-only: post a reversal instead');

-- Who changed what and when, written in the same transaction as the change.
CREATE TABLE audit_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    entity          TEXT    NOT NULL,
    entity_id       TEXT    NOT NULL,
    detail          TEXT    NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('the audit log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('the audit log is append-only');
