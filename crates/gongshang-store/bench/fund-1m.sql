-- issue 14: a year of accounts for {units} units of 20 insured each (50,000
-- units: 1,000,000 insured), to time the fund's statement. Run by
-- `gongshang bench accounts` (`FundStore::fill_accounts_bench`) on a freshly
-- migrated, empty database, in one transaction; written around the posting
-- paths, so the bench rebuilds the monthly summary after it. Recursive CTEs
-- (not generate_series, which SQLite's library lacks), no explicit ids (the
-- PostgreSQL ids are GENERATED ALWAYS): the rows are joined by their keys.
-- Units in four pooling regions (Guangzhou, Nanjing, Beijing, Jinan) under
-- three schemes; 8,000 yuan a month at 0.4%: 640.00 a unit a month; a bill
-- and a payment a unit a month for 2025 with their ledger transactions;
-- {cases} periodic benefits of 1,500.00 paid monthly by twelve payroll
-- runs. For 50,000 units: 600,000 bills, 600,000 payments, 1,200,012 ledger
-- transactions, 2,400,024 postings, 24,000 payroll lines.
WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < {units})
INSERT INTO units (credit_code, name, kind, region, industry_class, floating_tier, created_at)
SELECT 'BENCH' || v, 'unit ' || v, 'enterprise',
       CASE v % 4 WHEN 0 THEN '440100' WHEN 1 THEN '320100' WHEN 2 THEN '110000' ELSE '370100' END,
       2, '1.0', '2025-01-01T00:00:00Z'
FROM n;

WITH RECURSIVE m(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM m WHERE v < 12)
INSERT INTO bills (unit_id, person_id, reference, scheme_id, kind, period, amount_fen, fiscal_fen, due_date, created_at)
SELECT u.id, NULL, 'B' || u.id || '-' || m.v,
       CASE u.region WHEN '440100' THEN 'guangdong.employees' WHEN '320100' THEN 'jiangsu.employees' ELSE 'national.employees' END,
       'monthly', '2025-' || CASE WHEN m.v < 10 THEN '0' ELSE '' END || m.v,
       64000, 0, '2025-12-31', '2025-01-01T00:00:00Z'
FROM units u, m;

INSERT INTO payments (bill_id, amount_fen, paid_on, idempotency_key, created_at)
SELECT id, amount_fen, period || '-20', 'P' || id, '2025-01-01T00:00:00Z' FROM bills;

INSERT INTO ledger_transactions (idempotency_key, reason, reverses, subjects, created_at, actor)
SELECT 'bill:' || reference, 'bill_issued', NULL, '[]', '2025-01-01T00:00:00Z', 'bench' FROM bills;

INSERT INTO ledger_transactions (idempotency_key, reason, reverses, subjects, created_at, actor)
SELECT 'pay:' || idempotency_key, 'payment_received', NULL, '[]', '2025-01-01T00:00:00Z', 'bench' FROM payments;

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'premium_receivable', 'debit', 64000 FROM ledger_transactions WHERE reason = 'bill_issued';

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'premium_income', 'credit', 64000 FROM ledger_transactions WHERE reason = 'bill_issued';

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'bank', 'debit', 64000 FROM ledger_transactions WHERE reason = 'payment_received';

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'premium_receivable', 'credit', 64000 FROM ledger_transactions WHERE reason = 'payment_received';

WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < {cases})
INSERT INTO cases (number, flow, resident_id, unit_code, scheme_id, jurisdiction, region, accident_key, accident_date, state, closed, version, opened_at, updated_at)
SELECT 'BENCH-' || v, 'determination', 'R' || v, NULL,
       CASE v % 4 WHEN 0 THEN 'guangdong.employees' WHEN 1 THEN 'jiangsu.employees' ELSE 'national.employees' END,
       'national',
       CASE v % 4 WHEN 0 THEN '440100' WHEN 1 THEN '320100' WHEN 2 THEN '110000' ELSE '370100' END,
       'bench-' || v, '2024-06-01', 'decided', 0, 1, '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z'
FROM n;

INSERT INTO periodic_benefits (case_id, award_id, beneficiary, item, payer, start_month, created_at)
SELECT id, NULL, 'worker', 'monthly_disability_allowance', 'fund', '2025-01', '2025-01-01T00:00:00Z'
FROM cases WHERE number LIKE 'BENCH-%';

WITH RECURSIVE m(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM m WHERE v < 12)
INSERT INTO ledger_transactions (idempotency_key, reason, reverses, subjects, created_at, actor)
SELECT 'payroll-bench-' || v, 'benefit_paid', NULL, '[]', '2025-01-01T00:00:00Z', 'bench' FROM m;

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'benefits_expense', 'debit', {cases} * 150000 FROM ledger_transactions WHERE idempotency_key LIKE 'payroll-bench-%';

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'bank', 'credit', {cases} * 150000 FROM ledger_transactions WHERE idempotency_key LIKE 'payroll-bench-%';

WITH RECURSIVE m(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM m WHERE v < 12)
INSERT INTO payroll_runs (month, run_no, lines, total_fen, ledger_key, started_at, actor)
SELECT '2025-' || CASE WHEN v < 10 THEN '0' ELSE '' END || v, 1, {cases}, {cases} * 150000,
       'payroll-bench-' || v, '2025-01-01T00:00:00Z', 'bench'
FROM m;

INSERT INTO payroll_lines (benefit_id, month, run_id, amount_fen)
SELECT b.id, r.month, r.id, 150000 FROM periodic_benefits b, payroll_runs r;
