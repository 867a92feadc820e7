-- Large tables: adds three columns to order_days (PostgreSQL 11 and later and
-- SQLite add a column with a constant default without rewriting) and then
-- rewrites every order day with its orders per order industry, grouping every
-- order once, under the migration's transaction: order imports and coverage
-- lookups of order days wait until it commits (at 10 million orders on this
-- 2-core machine: 64 s on SQLite, 7.5 minutes on PostgreSQL, which leaves
-- the old row versions for VACUUM). Apply it in a quiet hour.
-- A worker's day on a platform keeps how many of its orders are of each
-- order industry of the order files (出行 ride_hailing, 即时配送
-- instant_delivery, 同城货运 intra_city_freight: gongshang_rules::scheme::
-- OrderIndustry), added to by every import batch in its transaction with the
-- rest of the row (issue 16). The monitoring rule industry_class_vs_orders
-- sums them per person over its window instead of counting the orders
-- themselves: orders are keyed by platform and order id, so counting a
-- person's orders read every order of the window (38 s on SQLite at 10
-- million orders where the people enrolled by units are the people taking
-- orders). Columns of order_days rather than a table of their own: a second
-- running table cost the order import 40 % (SQLite) to 70 % (PostgreSQL)
-- more time; three more integers in a row it writes anyway cost little. A
-- new order industry is a new column (and a migration), as it is a new
-- variant of the enum. SQLite dialect; keep in step with
-- ../postgres/0420_order_day_industries.sql (the statements are the same).
ALTER TABLE order_days ADD COLUMN orders_ride_hailing BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_days ADD COLUMN orders_instant_delivery BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_days ADD COLUMN orders_intra_city_freight BIGINT NOT NULL DEFAULT 0;

UPDATE order_days SET orders_ride_hailing = s.r, orders_instant_delivery = s.i, orders_intra_city_freight = s.f
FROM (
    SELECT resident_id, day, platform,
           CAST(SUM(CASE WHEN industry = 'ride_hailing' THEN 1 ELSE 0 END) AS BIGINT) AS r,
           CAST(SUM(CASE WHEN industry = 'instant_delivery' THEN 1 ELSE 0 END) AS BIGINT) AS i,
           CAST(SUM(CASE WHEN industry = 'intra_city_freight' THEN 1 ELSE 0 END) AS BIGINT) AS f
    FROM orders
    GROUP BY resident_id, day, platform
) s
WHERE order_days.resident_id = s.resident_id AND order_days.day = s.day AND order_days.platform = s.platform;
