-- Large tables: overpayments only (one row per overpayment: small); the
-- NOT NULL is dropped in place and the new column has no default, so no row
-- is rewritten; the CHECK is validated against the existing rows.
-- An overpayment may be a one-time payment as well as a periodic benefit
-- (Order No. 55 Art 31: a revoked conclusion's one-time items come back as
-- overpayments, Decree 765 Art 46): benefit_id becomes nullable and
-- one_time_payment_id names the payment; exactly one of the two is set.
-- PostgreSQL dialect; keep in step with ../sqlite/0233_overpayment_one_time.sql
-- (SQLite rebuilds the table by its 12-step ALTER).
ALTER TABLE overpayments ALTER COLUMN benefit_id DROP NOT NULL;
ALTER TABLE overpayments ADD COLUMN one_time_payment_id BIGINT REFERENCES one_time_payments(id);
ALTER TABLE overpayments ADD CONSTRAINT overpayments_benefit_or_one_time
    CHECK ((benefit_id IS NULL) <> (one_time_payment_id IS NULL));
CREATE INDEX overpayments_one_time ON overpayments(one_time_payment_id) WHERE one_time_payment_id IS NOT NULL;
