-- Monitoring and early warning (issue 16), SQLite dialect. Keep in step with
-- ../postgres/0060_monitor.sql. Dates ISO text, months 'YYYY-MM', instants
-- RFC 3339 text in UTC, money INTEGER fen.

-- What a platform (or the agency for it) declared for a month: its orders
-- and premium, set beside the stored orders by the monitoring rule
-- platform_declared_vs_stored. Declared once per platform and month.
CREATE TABLE platform_declarations (
    platform        TEXT    NOT NULL,
    month           TEXT    NOT NULL,
    orders          INTEGER NOT NULL CHECK (orders >= 0),
    premium_fen     INTEGER NOT NULL CHECK (premium_fen >= 0),
    declared_at     TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    PRIMARY KEY (platform, month)
);

-- One run of the monitoring rules: when, by whom, on which day's rules, and
-- what it found.
CREATE TABLE monitor_runs (
    id              INTEGER PRIMARY KEY,
    as_of           TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    rules           TEXT    NOT NULL,
    flags_found     INTEGER NOT NULL,
    flags_new       INTEGER NOT NULL,
    alerts_opened   INTEGER NOT NULL,
    alerts_grown    INTEGER NOT NULL
);

-- An alert: a rule's flags on one subject once they reached its threshold.
-- The row is the alert's current state (rewritten with each event, in the
-- same transaction); its history is monitor_alert_events. One alert per rule
-- and subject is open at a time.
CREATE TABLE monitor_alerts (
    id              INTEGER PRIMARY KEY,
    rule_id         TEXT    NOT NULL,
    rule_version    INTEGER NOT NULL,
    severity        TEXT    NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    subject_kind    TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'platform')),
    subject_key     TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('open', 'investigating', 'referred', 'closed')),
    referred_to     TEXT,
    outcome         TEXT    CHECK (outcome IN ('confirmed', 'unfounded')),
    flags           INTEGER NOT NULL,
    opened_run      INTEGER NOT NULL REFERENCES monitor_runs(id),
    version         INTEGER NOT NULL,
    opened_at       TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX monitor_alerts_one_open ON monitor_alerts(rule_id, subject_kind, subject_key)
    WHERE state <> 'closed';
CREATE INDEX monitor_alerts_state ON monitor_alerts(state, severity);

-- A rule firing on a subject's records; keyed by (rule, key) so a run over
-- the same data adds nothing. Under no alert while below the threshold.
CREATE TABLE monitor_flags (
    id              INTEGER PRIMARY KEY,
    rule_id         TEXT    NOT NULL,
    rule_version    INTEGER NOT NULL,
    flag_key        TEXT    NOT NULL,
    subject_kind    TEXT    NOT NULL,
    subject_key     TEXT    NOT NULL,
    alert_id        INTEGER REFERENCES monitor_alerts(id),
    run_id          INTEGER NOT NULL REFERENCES monitor_runs(id),
    records         TEXT    NOT NULL,
    text_zh         TEXT    NOT NULL,
    text_en         TEXT    NOT NULL,
    UNIQUE (rule_id, flag_key)
);
CREATE INDEX monitor_flags_alert ON monitor_flags(alert_id);
CREATE INDEX monitor_flags_pending ON monitor_flags(rule_id, subject_kind, subject_key)
    WHERE alert_id IS NULL;

-- What staff did with an alert, in order. Append-only like the ledger.
CREATE TABLE monitor_alert_events (
    alert_id        INTEGER NOT NULL REFERENCES monitor_alerts(id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT    NOT NULL,
    to_state        TEXT    NOT NULL,
    referred_to     TEXT,
    outcome         TEXT,
    note            TEXT    NOT NULL,
    at              TEXT    NOT NULL,
    actor           TEXT    NOT NULL,
    PRIMARY KEY (alert_id, seq)
);
CREATE TRIGGER monitor_alert_events_no_update BEFORE UPDATE ON monitor_alert_events
BEGIN SELECT RAISE(ABORT, 'alert events are append-only'); END;
CREATE TRIGGER monitor_alert_events_no_delete BEFORE DELETE ON monitor_alert_events
BEGIN SELECT RAISE(ABORT, 'alert events are append-only'); END;
