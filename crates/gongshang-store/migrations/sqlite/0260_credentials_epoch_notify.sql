-- Nothing on SQLite: the store is in-process and reads the credentials
-- epoch from its own file at the cost of a lookup (the PostgreSQL migration
-- 0260 notifies listeners instead). Kept so both backends share versions.
SELECT 1;
