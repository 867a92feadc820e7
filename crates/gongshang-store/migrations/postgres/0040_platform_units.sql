-- Large tables: updates the order bills that have no unit (kind = 'orders': one a
-- platform-month, thousands at most) under row locks; bills is scanned once.
-- The unit a platform (as its order files name it) is registered as (issue
-- 13): the platform's order bills are charged to that unit, not to a name.
CREATE TABLE platform_units (
    platform        TEXT    PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units(id)
);

-- What is known already: the unit of a platform's unit user.
INSERT INTO platform_units (platform, unit_id)
SELECT u.platform, MIN(n.id) FROM users u JOIN units n ON n.credit_code = u.unit_code
WHERE u.platform IS NOT NULL GROUP BY u.platform;

-- Order bills issued before, charged to no unit: to the platform's.
UPDATE bills SET unit_id = (
    SELECT MIN(p.unit_id) FROM platform_units p
    WHERE bills.reference LIKE 'O______-' || p.platform || '-%'
)
WHERE kind = 'orders' AND unit_id IS NULL;
