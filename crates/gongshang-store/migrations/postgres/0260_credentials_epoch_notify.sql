-- Large tables: none; a trigger on the one-row credentials_epoch.
-- The transaction that raises the credentials epoch notifies the channel
-- gongshang_credentials (delivered at commit), so that a store keeping the
-- epoch in memory reads it again (src/epoch_watch.rs) instead of reading it
-- on every bearer request. The payload is empty: the listener reads its own
-- schema's row, so a notification from another schema of the database
-- costs a read, never a wrong value.
-- PostgreSQL dialect; SQLite reads the epoch in-process (../sqlite/0260).
CREATE FUNCTION notify_credentials_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gongshang_credentials', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER credentials_epoch_notify AFTER UPDATE ON credentials_epoch
    FOR EACH ROW EXECUTE FUNCTION notify_credentials_epoch();
