-- Large tables: adds three columns to order_days (PostgreSQL 11 and later add
-- a column with a constant default without rewriting) and then rewrites every
-- order day with its first and last minute and count, grouping every order
-- once, under the migration's transaction: order imports and coverage lookups
-- of order days wait until it commits (a few minutes per 10 million orders on
-- this machine's class). Apply it in a quiet hour.
-- A worker's day on a platform keeps its first and last order's minute
-- (China time, 0-1439) and how many orders it holds, added to by every
-- import batch in its transaction (issue 16). The monitoring rule
-- hours_in_day then groups these person-day-platform rows, in the table's
-- own key order (day, worker), instead of sorting every order: at 10
-- million orders that was most of a full run. Keep in step with the other
-- dialect's 0190_order_day_spans.sql; the statements are the same.
ALTER TABLE order_days ADD COLUMN first_minute BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_days ADD COLUMN last_minute BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_days ADD COLUMN orders BIGINT NOT NULL DEFAULT 0;

-- The days stored before, from their orders (ordered_at is RFC 3339 UTC).
UPDATE order_days SET first_minute = s.f, last_minute = s.l, orders = s.n
FROM (
    SELECT resident_id, day, platform, MIN(m) AS f, MAX(m) AS l, CAST(COUNT(*) AS BIGINT) AS n
    FROM (
        SELECT resident_id, day, platform,
               CAST((CAST(substr(ordered_at, 12, 2) AS BIGINT) * 60 + CAST(substr(ordered_at, 15, 2) AS BIGINT) + 480) % 1440 AS BIGINT) AS m
        FROM orders
    ) o
    GROUP BY resident_id, day, platform
) s
WHERE order_days.resident_id = s.resident_id AND order_days.day = s.day AND order_days.platform = s.platform;
