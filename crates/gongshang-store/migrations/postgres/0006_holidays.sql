-- Large tables: adds a column with a constant default to bills (catalogue only, no
-- rewrite), whose CHECK is verified by one scan under an ACCESS EXCLUSIVE lock, and a
-- partial index that is empty (no bill is provisional yet). Seconds per 10 million bills.
-- Holiday arrangements loaded by an administrator at run time (a year the
-- build did not ship, or a correction of one it did), and whether a bill's
-- due date was counted in a year with no arrangement (weekends only, to be
-- counted again once the year is loaded). PostgreSQL dialect; keep in step
-- with ../sqlite/0006_holidays.sql.
CREATE TABLE holiday_calendars (
    year            BIGINT  PRIMARY KEY CHECK (year BETWEEN 1949 AND 2099),
    file_text       TEXT    NOT NULL,
    loaded_by       TEXT    NOT NULL,
    loaded_at       TEXT    NOT NULL
);

ALTER TABLE bills ADD COLUMN due_provisional BIGINT NOT NULL DEFAULT 0 CHECK (due_provisional IN (0, 1));
CREATE INDEX bills_due_provisional ON bills(id) WHERE due_provisional = 1;
