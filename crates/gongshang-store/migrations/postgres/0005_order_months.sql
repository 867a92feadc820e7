-- Large tables: copies order_days into a new table and sums orders by month, under
-- the migration's transaction: order imports wait until it commits (about a minute per
-- 10 million order days on this machine's class); lookups read the old table meanwhile.
-- Apply it in a quiet hour.
-- The running totals of each platform's month (orders and premium), added
-- to by every import batch in its transaction: a month's bill reads one row
-- instead of scanning millions of orders.
CREATE TABLE order_months (
    platform        TEXT    NOT NULL,
    month           TEXT    NOT NULL,
    orders          BIGINT  NOT NULL CHECK (orders >= 0),
    premium_fen     BIGINT  NOT NULL CHECK (premium_fen >= 0),
    PRIMARY KEY (platform, month)
);

INSERT INTO order_months (platform, month, orders, premium_fen)
SELECT platform, substr(day, 1, 7), COUNT(*), SUM(premium_fen)
FROM orders GROUP BY platform, substr(day, 1, 7);

-- Order days keyed day first: orders arrive in time order, so an import
-- adds to the end of the table instead of to every page of it (keyed by
-- worker first, a batch rewrote most of the table once it outgrew the
-- cache). A lookup names both the worker and the day, so it uses the key
-- either way, and counts by day range read one stretch of it.
CREATE TABLE order_days_by_day (
    day             TEXT COLLATE "C" NOT NULL,
    resident_id     TEXT COLLATE "C" NOT NULL,
    platform        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (day, resident_id, platform)
);
INSERT INTO order_days_by_day (day, resident_id, platform)
SELECT day, resident_id, platform FROM order_days;
DROP TABLE order_days;
ALTER TABLE order_days_by_day RENAME TO order_days;
