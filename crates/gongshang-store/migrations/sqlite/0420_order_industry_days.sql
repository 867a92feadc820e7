-- Large tables: creates order_industry_days and fills it from every stored
-- order, grouping them once, under the migration's transaction: order
-- imports wait until it commits (tens of seconds per 10 million orders on
-- this machine's class). Apply it in a quiet hour.
-- A worker's orders on a day in one order industry (出行, 即时配送, 同城货运:
-- the `industry` of the order file), added to by every import batch in its
-- transaction, as order_days is (issue 16). The monitoring rule
-- industry_class_vs_orders counts each person's orders by industry over its
-- window from these rows instead of from the orders themselves: orders are
-- keyed by platform and order id, so counting a person's orders read every
-- order of the window (38 s on SQLite at 10 million orders where the people
-- enrolled by units are the people taking orders). Keyed day first, as
-- order_days: orders arrive in time order, so an import adds to the end of
-- the table. Derived data: it holds nothing that orders do not.
-- SQLite dialect; keep in step with ../postgres/0420_order_industry_days.sql.
CREATE TABLE order_industry_days (
    day             TEXT    NOT NULL,
    resident_id     TEXT    NOT NULL,
    industry        TEXT    NOT NULL,
    orders          BIGINT  NOT NULL CHECK (orders > 0),
    PRIMARY KEY (day, resident_id, industry)
) WITHOUT ROWID;
INSERT INTO order_industry_days (day, resident_id, industry, orders)
SELECT day, resident_id, industry, COUNT(*) FROM orders
GROUP BY day, resident_id, industry ORDER BY day, resident_id, industry;
INSERT OR IGNORE INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('order_industry_days', 'region', 'the province of the orders, as order_days');
