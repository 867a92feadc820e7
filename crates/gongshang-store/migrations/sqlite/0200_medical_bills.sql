-- Large tables: none; it only creates new tables.
-- Medical, rehabilitation and assistive-device costs (Regulations Arts 30-32,
-- 47, 48; Decree 765 Arts 22, 43; Jiangsu measures Arts 23-24).
-- `agreement_institutions`: the agency's register of the institutions it
-- signed a service agreement with (Art 47), one row per code, rewritten when
-- the agreement is renewed or payments to it are suspended (Decree 765
-- Art 43); every change has its audit row.
-- `medical_bills`: a case's bills, settled directly with the provider or
-- reimbursed to the worker who advanced them (decided by `due_on`, 20
-- working days, Decree 765 Art 22); received -> held (waiting) -> settled,
-- settled once. `medical_bill_lines`: each line's within- and
-- outside-catalogue amounts and, once settled, what the fund pays, what it
-- refuses, why and under which article. A settlement the fund pays is posted
-- to the ledger (`ledger_key`, benefits expense to bank) and counted in the
-- fund's flows as the benefit item `medical_costs` of the month `settled_on`.
-- SQLite dialect; keep in step with ../postgres/0200_medical_bills.sql.
CREATE TABLE agreement_institutions (
    id                INTEGER PRIMARY KEY,
    code              TEXT    NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name              TEXT    NOT NULL CHECK (length(name) > 0),
    kind              TEXT    NOT NULL CHECK (kind IN ('medical', 'rehabilitation', 'assistive_device')),
    region            TEXT    NOT NULL CHECK (length(region) = 6),
    agreement_from    TEXT    NOT NULL,
    agreement_until   TEXT    CHECK (agreement_until IS NULL OR agreement_until >= agreement_from),
    suspended_reason  TEXT    CHECK (suspended_reason IS NULL OR length(suspended_reason) > 0),
    recorded_by       TEXT    NOT NULL CHECK (length(recorded_by) > 0),
    recorded_at       TEXT    NOT NULL,
    changed_by        TEXT    NOT NULL CHECK (length(changed_by) > 0),
    changed_at        TEXT    NOT NULL
);
CREATE INDEX agreement_institutions_region ON agreement_institutions(region, kind);
CREATE TABLE medical_bills (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases(id),
    kind              TEXT    NOT NULL CHECK (kind IN ('medical', 'rehabilitation', 'assistive_device')),
    route             TEXT    NOT NULL CHECK (route IN ('direct', 'manual_reimbursement')),
    institution_code  TEXT,
    provider_name     TEXT    NOT NULL CHECK (length(provider_name) > 0),
    service_from      TEXT    NOT NULL,
    service_until     TEXT    NOT NULL CHECK (service_until >= service_from),
    emergency         INTEGER NOT NULL CHECK (emergency IN (0, 1)),
    confirmation      TEXT,
    received_on       TEXT    NOT NULL,
    due_on            TEXT,
    due_provisional   INTEGER NOT NULL CHECK (due_provisional IN (0, 1)),
    total_fen         BIGINT  NOT NULL CHECK (total_fen > 0),
    status            TEXT    NOT NULL CHECK (status IN ('received', 'held', 'settled')),
    hold_code         TEXT,
    hold_reason       TEXT,
    payable_fen       BIGINT  CHECK (payable_fen IS NULL OR payable_fen >= 0),
    refused_fen       BIGINT  CHECK (refused_fen IS NULL OR refused_fen >= 0),
    dispute           TEXT    CHECK (dispute IS NULL OR dispute IN ('administrative_review', 'litigation')),
    filed_by          TEXT    NOT NULL CHECK (length(filed_by) > 0),
    filed_at          TEXT    NOT NULL,
    settled_by        TEXT,
    settled_at        TEXT,
    settled_on        TEXT,
    ledger_key        TEXT    UNIQUE,
    CHECK ((status = 'settled') = (payable_fen IS NOT NULL AND refused_fen IS NOT NULL AND settled_by IS NOT NULL))
);
CREATE INDEX medical_bills_case ON medical_bills(case_id);
CREATE INDEX medical_bills_open ON medical_bills(status, due_on) WHERE status <> 'settled';
CREATE TABLE medical_bill_lines (
    bill_id           INTEGER NOT NULL REFERENCES medical_bills(id),
    line_no           INTEGER NOT NULL CHECK (line_no > 0),
    description       TEXT    NOT NULL CHECK (length(description) > 0),
    within_fen        BIGINT  NOT NULL CHECK (within_fen >= 0),
    outside_fen       BIGINT  NOT NULL CHECK (outside_fen >= 0),
    payable_fen       BIGINT  CHECK (payable_fen IS NULL OR payable_fen >= 0),
    refused_fen       BIGINT  CHECK (refused_fen IS NULL OR refused_fen >= 0),
    refusal_code      TEXT,
    refusal_reason    TEXT,
    article           TEXT,
    PRIMARY KEY (bill_id, line_no)
);
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('agreement_institutions', 'region', 'region'),
    ('medical_bills', 'region', 'case_id'),
    ('medical_bill_lines', 'region', 'bill_id -> medical_bills.case_id');
