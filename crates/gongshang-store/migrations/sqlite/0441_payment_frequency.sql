-- Large tables: periodic_benefits (one row per benefit of an approved
-- award); ADD COLUMN with a constant default rewrites no row (SQLite keeps
-- the default in the schema), and the partial index holds only the
-- half-yearly benefits (few).
-- 广东省工伤保险条例 Art 29: a grade 1-4 worker whose household registration
-- moved home may have the disability allowance paid half-yearly by the
-- agency. A benefit's payment frequency: `monthly` (each run pays its
-- month) or `half_yearly` (a run pays its month and the rest of its
-- half-year; the runs of January and July pay the half-year in advance).
-- A month is still paid once: payroll_lines stay keyed by (benefit, month).
-- SQLite dialect; keep in step with ../postgres/0441_payment_frequency.sql.
ALTER TABLE periodic_benefits ADD COLUMN payment_frequency TEXT NOT NULL DEFAULT 'monthly'
    CHECK (payment_frequency IN ('monthly', 'half_yearly'));
CREATE INDEX periodic_benefits_half_yearly ON periodic_benefits (id)
    WHERE payment_frequency = 'half_yearly';
