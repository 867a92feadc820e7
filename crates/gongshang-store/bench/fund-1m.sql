-- issue 14: a year of accounts for 1,000,000 insured, to time the fund's
-- statement (`gongshang fund statement --period 2025`). Written in the SQL
-- both sqlite3's shell (generate_series) and psql accept; run it on a
-- freshly migrated database (`gongshang db migrate --db URL`).
-- 50,000 units of 20 insured each (8,000 yuan a month at 0.4%: 640.00 a
-- month), a bill and a payment a unit a month for 2025 with their ledger
-- transactions; 2,000 periodic benefits of 1,500.00 paid monthly by twelve
-- payroll runs. 600,000 bills, 600,000 payments, 1,200,012 ledger
-- transactions, 2,400,024 postings, 24,000 payroll lines.
INSERT INTO units (id, credit_code, name, kind, region, industry_class, floating_tier, created_at)
SELECT value, 'BENCH' || value, 'unit ' || value, 'enterprise',
       CASE value % 4 WHEN 0 THEN '440100' WHEN 1 THEN '320100' WHEN 2 THEN '110000' ELSE '370100' END,
       2, '1.0', '2025-01-01T00:00:00Z'
FROM generate_series(1, 50000);

INSERT INTO bills (id, unit_id, person_id, reference, scheme_id, kind, period, amount_fen, fiscal_fen, due_date, created_at)
SELECT (u.value - 1) * 12 + m.value, u.value, NULL,
       'B' || u.value || '-' || m.value,
       CASE u.value % 4 WHEN 0 THEN 'guangdong.employees' WHEN 1 THEN 'jiangsu.employees' ELSE 'national.employees' END,
       'monthly', '2025-' || CASE WHEN m.value < 10 THEN '0' ELSE '' END || m.value,
       64000, 0, '2025-12-31', '2025-01-01T00:00:00Z'
FROM generate_series(1, 50000) u, generate_series(1, 12) m;

INSERT INTO payments (id, bill_id, amount_fen, paid_on, idempotency_key, created_at)
SELECT id, id, amount_fen, period || '-20', 'P' || id, '2025-01-01T00:00:00Z' FROM bills;

INSERT INTO ledger_transactions (id, idempotency_key, reason, reverses, subjects, created_at, actor)
SELECT id, 'bill:' || reference, 'bill_issued', NULL, '[]', '2025-01-01T00:00:00Z', 'bench' FROM bills;
INSERT INTO ledger_transactions (id, idempotency_key, reason, reverses, subjects, created_at, actor)
SELECT 1000000 + id, 'pay:P' || id, 'payment_received', NULL, '[]', '2025-01-01T00:00:00Z', 'bench' FROM payments;

INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'premium_receivable', 'debit', 64000 FROM bills;
INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT id, 'premium_income', 'credit', 64000 FROM bills;
INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT 1000000 + id, 'bank', 'debit', 64000 FROM payments;
INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT 1000000 + id, 'premium_receivable', 'credit', 64000 FROM payments;

INSERT INTO cases (id, number, flow, resident_id, unit_code, scheme_id, jurisdiction, region, accident_key, accident_date, state, closed, version, opened_at, updated_at)
SELECT value, 'BENCH-' || value, 'determination', 'R' || value, NULL,
       CASE value % 4 WHEN 0 THEN 'guangdong.employees' WHEN 1 THEN 'jiangsu.employees' ELSE 'national.employees' END,
       'national',
       CASE value % 4 WHEN 0 THEN '440100' WHEN 1 THEN '320100' WHEN 2 THEN '110000' ELSE '370100' END,
       'bench-' || value, '2024-06-01', 'decided', 0, 1, '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z'
FROM generate_series(1, 2000);
INSERT INTO periodic_benefits (id, case_id, award_id, beneficiary, item, payer, start_month, created_at)
SELECT value, value, NULL, 'worker', 'monthly_disability_allowance', 'fund', '2025-01', '2025-01-01T00:00:00Z'
FROM generate_series(1, 2000);
INSERT INTO ledger_transactions (id, idempotency_key, reason, reverses, subjects, created_at, actor)
SELECT 2000000 + value, 'payroll-bench-' || value, 'benefit_paid', NULL, '[]', '2025-01-01T00:00:00Z', 'bench'
FROM generate_series(1, 12);
INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT 2000000 + value, 'benefits_expense', 'debit', 300000000 FROM generate_series(1, 12);
INSERT INTO ledger_postings (transaction_id, account, side, amount_fen)
SELECT 2000000 + value, 'bank', 'credit', 300000000 FROM generate_series(1, 12);
INSERT INTO payroll_runs (id, month, run_no, lines, total_fen, ledger_key, started_at, actor)
SELECT value, '2025-' || CASE WHEN value < 10 THEN '0' ELSE '' END || value, 1, 2000, 300000000,
       'payroll-bench-' || value, '2025-01-01T00:00:00Z', 'bench'
FROM generate_series(1, 12);
INSERT INTO payroll_lines (benefit_id, month, run_id, amount_fen)
SELECT b.value, r.month, r.id, 150000 FROM generate_series(1, 2000) b, payroll_runs r;
