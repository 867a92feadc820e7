-- Large tables: none; it rebuilds one index of periodic_benefits (one row
-- per benefit of an approved award: small), no table is created.
-- Guangdong Regulations Art 56: a wage under-declared gives a monthly item
-- two running benefits, the fund's on the declared wage and the unit's
-- difference on the wage paid. One running benefit per (case, beneficiary,
-- item) becomes one per (case, beneficiary, item, payer); the approval
-- already matches a running benefit by payer as well.
DROP INDEX periodic_benefits_open;
CREATE UNIQUE INDEX periodic_benefits_open ON periodic_benefits(case_id, beneficiary, item, payer)
    WHERE end_reason IS NULL;
