-- Large tables: none (fund_advance_recoveries is small); its CHECK is dropped and added again, validated against the existing rows, no rewrite.
-- A repayment of an advance by the person it was paid to (社会保险基金先行支付
-- 暂行办法, MOHRSS Order No. 15 Art 11): the worker or the close relative who
-- received the fund's advance and later obtained the costs or benefits from
-- the unit or the third party returns the corresponding part to the fund;
-- the recovery's debtor gains 'recipient'.
-- PostgreSQL dialect; keep in step with ../sqlite/0321_advance_recipient_repayment.sql
-- (SQLite rebuilds the table by its 12-step ALTER).
ALTER TABLE fund_advance_recoveries DROP CONSTRAINT fund_advance_recoveries_debtor_check;
ALTER TABLE fund_advance_recoveries ADD CONSTRAINT fund_advance_recoveries_debtor_check
    CHECK (debtor IN ('unit', 'third_party', 'recipient'));
