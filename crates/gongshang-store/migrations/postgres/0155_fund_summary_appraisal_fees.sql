-- Large tables: creates two new tables: a small one (a row per pooling region, scheme,
-- month, kind of flow, payer and item) and fills it with one INSERT ... SELECT
-- that reads bills, payments, the ledger and the payroll without locking them
-- against writers (on 2.4 million postings: seconds, once).
-- issue 14: the fund's monthly summary, and appraisal fees. Keep in step with the other dialect.
-- The statement (收支表) read every posting since the beginning on every
-- request (4.6-6.8 s for a year of 1,000,000 insured). The summary holds the
-- same sums, by month: each writer of a flow (a bill, a payment, a one-time
-- payment, a payroll run, a reserve run, an appraisal fee, a reversal) adds
-- its transaction's share in the same database transaction
-- (`gongshang_store::fund::add_to_fund_summary`). It is derived, not a
-- ledger: rows are updated in place; the ledger stays the source, and
-- `FundStore::fund_flows_from_ledger` recomputes it (a test checks both agree).
CREATE TABLE fund_flow_months (
    region      TEXT    NOT NULL,
    scheme_id   TEXT    NOT NULL,
    month       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    payer       TEXT    NOT NULL,
    item        TEXT    NOT NULL,
    amount_fen  BIGINT  NOT NULL,
    PRIMARY KEY (region, scheme_id, month, kind, payer, item)
);
CREATE INDEX IF NOT EXISTS fund_flow_months_month ON fund_flow_months(month);
-- Appraisal fees (劳动能力鉴定费, Regulations Art 12: the fund pays for
-- 劳动能力鉴定): one per appraisal of a case (its conclusion's number), with
-- who paid it. A fee the fund paid has its ledger transaction
-- (`appraisal-fee-<case>-<n>`, an expense of its own); one paid by the unit
-- or the worker has none. Append-only.
CREATE TABLE appraisal_fees (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id             BIGINT  NOT NULL REFERENCES cases(id),
    conclusion_number   BIGINT  NOT NULL,
    amount_fen          BIGINT  NOT NULL CHECK (amount_fen > 0),
    payer               TEXT    NOT NULL CHECK (payer IN ('fund', 'unit', 'worker')),
    paid_on             TEXT    NOT NULL,
    ledger_key          TEXT    UNIQUE REFERENCES ledger_transactions(idempotency_key),
    recorded_by         TEXT    NOT NULL,
    recorded_at         TEXT    NOT NULL,
    UNIQUE (case_id, conclusion_number),
    FOREIGN KEY (case_id, conclusion_number) REFERENCES appraisal_conclusions(case_id, number)
);
CREATE TRIGGER appraisal_fees_no_update BEFORE UPDATE ON appraisal_fees
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('appraisal fees are append-only');
CREATE TRIGGER appraisal_fees_no_delete BEFORE DELETE ON appraisal_fees
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('appraisal fees are append-only');
-- The summary's increment reads a reserve run by its ledger key.
CREATE INDEX IF NOT EXISTS reserve_runs_ledger_key ON reserve_runs(ledger_key);
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('fund_flow_months', 'region', 'region'),
    ('appraisal_fees', 'region', 'case_id');
-- The flows so far, recomputed from the ledger (the same statement as
-- `fund_flows_from_ledger`, through the last month there can be).
INSERT INTO fund_flow_months (region, scheme_id, month, kind, payer, item, amount_fen) SELECT region, scheme_id, month, kind, payer, item, CAST(SUM(fen) AS BIGINT) FROM ( SELECT COALESCE(u.region, '') AS region, b.scheme_id AS scheme_id, SUBSTR(b.period, 1, 7) AS month, 'billed' AS kind, CASE WHEN p.account IN ('subsidy_income', 'subsidy_receivable') THEN 'city' WHEN b.kind = 'orders' THEN 'platform' WHEN b.kind = 'daily' OR b.unit_id IS NULL THEN 'worker' ELSE 'unit' END AS payer, '' AS item, SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen FROM bills b LEFT JOIN units u ON u.id = b.unit_id JOIN ledger_transactions lt ON lt.idempotency_key = 'bill:' || b.reference JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account IN ('premium_income', 'subsidy_income') WHERE SUBSTR(b.period, 1, 7) <= '9999-12' GROUP BY 1, 2, 3, 4, 5 UNION ALL SELECT COALESCE(u.region, '') AS region, b.scheme_id AS scheme_id, SUBSTR(b.period, 1, 7) AS month, 'billed' AS kind, CASE WHEN p.account IN ('subsidy_income', 'subsidy_receivable') THEN 'city' WHEN b.kind = 'orders' THEN 'platform' WHEN b.kind = 'daily' OR b.unit_id IS NULL THEN 'worker' ELSE 'unit' END AS payer, '' AS item, SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen FROM bills b LEFT JOIN units u ON u.id = b.unit_id JOIN ledger_transactions lt ON lt.reverses = 'bill:' || b.reference JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account IN ('premium_income', 'subsidy_income') WHERE SUBSTR(b.period, 1, 7) <= '9999-12' GROUP BY 1, 2, 3, 4, 5 UNION ALL SELECT COALESCE(u.region, '') AS region, b.scheme_id AS scheme_id, SUBSTR(py.paid_on, 1, 7) AS month, 'collected' AS kind, CASE WHEN p.account IN ('subsidy_income', 'subsidy_receivable') THEN 'city' WHEN b.kind = 'orders' THEN 'platform' WHEN b.kind = 'daily' OR b.unit_id IS NULL THEN 'worker' ELSE 'unit' END AS payer, '' AS item, SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen FROM payments py JOIN bills b ON b.id = py.bill_id LEFT JOIN units u ON u.id = b.unit_id JOIN ledger_transactions lt ON lt.idempotency_key = 'pay:' || py.idempotency_key JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account IN ('premium_receivable', 'subsidy_receivable') WHERE SUBSTR(py.paid_on, 1, 7) <= '9999-12' GROUP BY 1, 2, 3, 4, 5 UNION ALL SELECT COALESCE(u.region, '') AS region, b.scheme_id AS scheme_id, SUBSTR(py.paid_on, 1, 7) AS month, 'collected' AS kind, CASE WHEN p.account IN ('subsidy_income', 'subsidy_receivable') THEN 'city' WHEN b.kind = 'orders' THEN 'platform' WHEN b.kind = 'daily' OR b.unit_id IS NULL THEN 'worker' ELSE 'unit' END AS payer, '' AS item, SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen FROM payments py JOIN bills b ON b.id = py.bill_id LEFT JOIN units u ON u.id = b.unit_id JOIN ledger_transactions lt ON lt.reverses = 'pay:' || py.idempotency_key JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account IN ('premium_receivable', 'subsidy_receivable') WHERE SUBSTR(py.paid_on, 1, 7) <= '9999-12' GROUP BY 1, 2, 3, 4, 5 UNION ALL SELECT COALESCE(c.region, '') AS region, c.scheme_id AS scheme_id, SUBSTR(o.paid_on, 1, 7) AS month, 'benefit' AS kind, 'fund' AS payer, o.item AS item, SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen FROM one_time_payments o JOIN cases c ON c.id = o.case_id JOIN ledger_transactions lt ON lt.idempotency_key = o.idempotency_key JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' WHERE SUBSTR(o.paid_on, 1, 7) <= '9999-12' GROUP BY 1, 2, 3, 4, 5, 6 UNION ALL SELECT COALESCE(c.region, ''), c.scheme_id, pl.month, 'benefit', 'fund', pb.item, SUM(pl.amount_fen) FROM payroll_lines pl JOIN payroll_runs r ON r.id = pl.run_id JOIN ledger_transactions lt ON lt.idempotency_key = r.ledger_key JOIN periodic_benefits pb ON pb.id = pl.benefit_id JOIN cases c ON c.id = pb.case_id WHERE pl.month <= '9999-12' GROUP BY 1, 2, 3, 4, 5, 6 UNION ALL SELECT rr.region, rr.scheme_id, rr.month, 'reserve', 'fund', '', SUM(CASE WHEN p.side = 'debit' THEN p.amount_fen ELSE -p.amount_fen END) FROM reserve_runs rr JOIN ledger_transactions lt ON lt.idempotency_key = rr.ledger_key JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'reserve' WHERE rr.month <= '9999-12' GROUP BY 1, 2, 3, 4, 5, 6 UNION ALL SELECT COALESCE(c.region, ''), c.scheme_id, SUBSTR(af.paid_on, 1, 7), 'appraisal', 'fund', '', SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) FROM appraisal_fees af JOIN cases c ON c.id = af.case_id JOIN ledger_transactions lt ON lt.idempotency_key = af.ledger_key JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' WHERE SUBSTR(af.paid_on, 1, 7) <= '9999-12' GROUP BY 1, 2, 3, 4, 5, 6 ) f GROUP BY region, scheme_id, month, kind, payer, item ORDER BY region, scheme_id, month, kind, payer, item;
