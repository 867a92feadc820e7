-- The format of each stored case event's body, so that the application can
-- read every format it ever wrote (events written before are format 1).
-- PostgreSQL dialect; keep in step with ../sqlite/0007_event_format.sql.
ALTER TABLE case_events ADD COLUMN format BIGINT NOT NULL DEFAULT 1 CHECK (format >= 1);
