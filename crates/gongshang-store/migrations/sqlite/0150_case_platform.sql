-- The platform whose order a confirmation case (the platform pilot's
-- 职业伤害确认) was on, as a column (issue 12): the payout ratio (支缴率) of a
-- platform sums the benefits of its cases set-wise, so the platform cannot
-- stay inside the application event's JSON. SQLite dialect; keep in step
-- with ../postgres/0150_case_platform.sql. The platform is the order files'
-- id (`meituan`, `eleme`), the platform's identity: a renamed platform
-- (饿了么 → 淘宝闪购) keeps it.
ALTER TABLE cases ADD COLUMN platform TEXT;
UPDATE cases SET platform = (
    SELECT json_extract(e.body, '$.application.platform') FROM case_events e
    WHERE e.case_id = cases.id AND e.stream = 'confirmation' AND e.kind = 'filed'
    ORDER BY e.seq LIMIT 1
) WHERE flow = 'confirmation';
CREATE INDEX cases_platform ON cases(platform) WHERE platform IS NOT NULL;
