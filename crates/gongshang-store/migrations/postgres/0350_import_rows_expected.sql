-- Large tables: adds a nullable column to imports (one row per import file:
-- small); no row is rewritten.
-- The rows an order import expects to store (issue 13: its progress while
-- the request runs is rows done of rows expected, not a count with no
-- end). Set before the first batch, once the rows are checked (an API
-- request, a page's upload, the CLI's first pass over a file); none when
-- not known. PostgreSQL dialect; keep in step with
-- ../sqlite/0350_import_rows_expected.sql.
ALTER TABLE imports ADD COLUMN rows_expected BIGINT CHECK (rows_expected >= 0);
