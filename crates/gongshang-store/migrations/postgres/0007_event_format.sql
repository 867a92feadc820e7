-- Large tables: adds a column with a constant default to case_events: catalogue only
-- (no rewrite) plus one scan for its CHECK under an ACCESS EXCLUSIVE lock.
-- The format of each stored case event's body, so that the application can
-- read every format it ever wrote (events written before are format 1).
-- PostgreSQL dialect; keep in step with ../sqlite/0007_event_format.sql.
ALTER TABLE case_events ADD COLUMN format BIGINT NOT NULL DEFAULT 1 CHECK (format >= 1);
