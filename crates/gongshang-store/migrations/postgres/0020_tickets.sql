-- Large tables: none; it only creates new tables (their foreign keys take a brief
-- SHARE ROW EXCLUSIVE lock on people and units, no scan: the new tables are empty).
-- The rights-protection service centre's tickets (诉求), PostgreSQL dialect. Keep
-- in step with ../sqlite/0020_tickets.sql. Dates ISO text, instants RFC
-- 3339 text in UTC.

-- The queryable row of a ticket: a snapshot of what its events say,
-- rewritten with every append (in the same transaction), at its version.
CREATE TABLE tickets (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number             TEXT    NOT NULL UNIQUE,
    -- the BLAKE2s hash (hex) of the lookup code given to whoever filed it
    lookup_hash        TEXT    NOT NULL,
    channel            TEXT    NOT NULL CHECK (channel IN ('window', 'phone', 'worker_page', 'unit_page', 'qr_form', 'system')),
    category           TEXT    NOT NULL,
    tier               TEXT    NOT NULL CHECK (tier IN ('front', 'middle', 'back')),
    priority           BIGINT  NOT NULL CHECK (priority BETWEEN 1 AND 3),
    complainant_name   TEXT    NOT NULL,
    complainant_phone  TEXT,
    resident_id        TEXT,
    unit_code          TEXT,
    platform           TEXT,
    district           TEXT,
    industry           TEXT,
    subject_kind       TEXT    CHECK (subject_kind IN ('case', 'bill', 'enrollment')),
    subject_ref        TEXT,
    summary            TEXT    NOT NULL,
    state              TEXT    NOT NULL CHECK (state IN ('received', 'triaged', 'in_mediation', 'referred', 'settled', 'closed', 'reopened')),
    closed             BIGINT  NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    sensitive          BIGINT  NOT NULL CHECK (sensitive IN (0, 1)),
    disclosed          BIGINT  NOT NULL CHECK (disclosed IN (0, 1)),
    mediated           BIGINT  NOT NULL CHECK (mediated IN (0, 1)),
    settled            BIGINT  NOT NULL CHECK (settled IN (0, 1)),
    -- 1 once any deadline of the ticket was escalated as overdue
    overdue_ever       BIGINT  NOT NULL CHECK (overdue_ever IN (0, 1)),
    escalation         TEXT    CHECK (escalation IN ('near', 'overdue')),
    -- the body of the running (or last) referral
    referred_body      TEXT,
    satisfaction       TEXT,
    deadline_kind      TEXT,
    deadline_due       TEXT,
    deadline_citation  TEXT,
    filed_on           TEXT    NOT NULL,
    closed_on          TEXT,
    version            BIGINT  NOT NULL CHECK (version >= 0),
    opened_at          TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX tickets_queue ON tickets(deadline_due) WHERE deadline_due IS NOT NULL;
CREATE INDEX tickets_person ON tickets(resident_id);
CREATE INDEX tickets_unit ON tickets(unit_code);

-- The events of a ticket, in order, as JSON. Append-only.
CREATE TABLE ticket_events (
    ticket_id       BIGINT  NOT NULL REFERENCES tickets(id),
    seq             BIGINT  NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL,
    on_date         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('ticket events are append-only');
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('ticket events are append-only');

-- Every referral of a ticket (a projection of its events, rewritten with
-- each append): a partner body sees the tickets referred to it.
CREATE TABLE ticket_referrals (
    ticket_id       BIGINT  NOT NULL REFERENCES tickets(id),
    n               BIGINT  NOT NULL CHECK (n >= 1),
    body            TEXT    NOT NULL,
    body_kind       TEXT    NOT NULL,
    referred_on     TEXT    NOT NULL,
    appointment_on  TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('referred', 'accepted', 'declined', 'concluded')),
    accepted_on     TEXT,
    outcome         TEXT,
    PRIMARY KEY (ticket_id, n)
);
CREATE INDEX ticket_referrals_body ON ticket_referrals(body);

-- Mediation sessions (a projection of the events, rewritten with each append).
CREATE TABLE ticket_sessions (
    ticket_id       BIGINT  NOT NULL REFERENCES tickets(id),
    n               BIGINT  NOT NULL CHECK (n >= 1),
    mediator        TEXT    NOT NULL,
    held_on         TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    outcome         TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, n)
);

-- The service centre's roles (front desk, mediator, partner body) without
-- touching the CHECK of users.role: such a user's row says 'analyst' (the
-- least a reader of the table would grant) and this row says what it is; a
-- partner is scoped to one body.
CREATE TABLE user_centre_roles (
    user_id         BIGINT  NOT NULL PRIMARY KEY REFERENCES users(id),
    role            TEXT    NOT NULL CHECK (role IN ('front_desk', 'mediator', 'partner')),
    partner_body    TEXT,
    CHECK ((role = 'partner') = (partner_body IS NOT NULL))
);
