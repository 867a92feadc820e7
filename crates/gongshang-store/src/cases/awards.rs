//! Awards: proposed with their items and trace, approved by a second
//! person with their ledger postings and benefits, one-time items paid once.

use super::log::case_by;
use super::payroll::{end_benefit_in, insert_amounts, insert_benefits};
use super::*;

const AWARD_COLUMNS: &str = "id, case_id, status, basis, legal_date, scheme_id, jurisdiction, one_time_fen, monthly_fen, input, trace, \
     supersedes, made_by, made_at, checked_by, checked_at, ledger_key";

fn award_items(db: &mut dyn Db, award_id: i64) -> Result<Vec<AwardItemRow>, StoreError> {
    let rows = db.rows(
        "reading award items",
        "SELECT item, periodicity, payer, beneficiary, amount_fen, citation FROM award_items WHERE award_id = $1 ORDER BY line",
        &[i(award_id)],
    )?;
    rows.iter()
        .map(|r| {
            let c = Cols::new(r);
            Ok(AwardItemRow {
                item: c.parsed(0, "item", |x| from_col("item", x))?,
                periodicity: c.parsed(1, "periodicity", |x| from_col("periodicity", x))?,
                payer: c.parsed(2, "payer", |x| from_col("payer", x))?,
                beneficiary: c.text(3)?.to_owned(),
                amount: Money::from_fen(c.int(4)?),
                citation: c.text(5)?.to_owned(),
            })
        })
        .collect()
}

fn award_from_row(db: &mut dyn Db, row: &[Value]) -> Result<AwardRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    Ok(AwardRow {
        id,
        case_id: c.int(1)?,
        status: c.parsed(2, "status", str::parse::<AwardStatus>)?,
        basis: c.parsed(3, "basis", str::parse::<AwardBasis>)?,
        legal_date: c.parsed(4, "legal_date", parse_date)?,
        scheme_id: c.scheme_id(5)?,
        jurisdiction: c.text(6)?.to_owned(),
        one_time: Money::from_fen(c.int(7)?),
        monthly: Money::from_fen(c.int(8)?),
        input: c.text(9)?.to_owned(),
        trace: c.text(10)?.to_owned(),
        supersedes: c.opt_int(11)?,
        made_by: c.text(12)?.to_owned(),
        made_at: c.parsed(13, "made_at", parse_ts)?,
        checked_by: c.opt_text(14)?.map(str::to_owned),
        checked_at: c.opt_parsed(15, "checked_at", parse_ts)?,
        ledger_key: c.opt_text(16)?.map(str::to_owned),
        items: award_items(db, id)?,
    })
}

pub(super) fn award_by_id(db: &mut dyn Db, award_id: i64) -> Result<Option<AwardRow>, StoreError> {
    let sql = format!("SELECT {AWARD_COLUMNS} FROM awards WHERE id = $1");
    match db.opt_row("reading an award", &sql, &[i(award_id)])? {
        Some(r) => award_from_row(db, &r).map(Some),
        None => Ok(None),
    }
}

/// Awards and their one-time payments. A part of [`CaseStore`].
pub trait AwardStore {
    /// Stores a proposed award with its items and trace.
    fn create_award(&self, award: &NewAward, maker: &str, at: Timestamp)
    -> Result<i64, StoreError>;
    fn award(&self, award_id: i64) -> Result<Option<AwardRow>, StoreError>;
    fn awards_of_case(&self, case_id: i64) -> Result<Vec<AwardRow>, StoreError>;
    /// Approves a proposed award by `checker` (never its maker): the case's
    /// approved award becomes superseded, the ledger transactions are posted,
    /// the benefits created, changed or ended, all in one transaction.
    fn approve_award(
        &self,
        award_id: i64,
        approval: &AwardApproval,
        checker: &str,
        at: Timestamp,
    ) -> Result<AwardRow, StoreError>;

    // ---- one-time payments ----
    /// The payment and its ledger transaction; the same key again is
    /// `Posted::AlreadyPosted` and changes nothing.
    fn record_one_time_payment(
        &self,
        payment: &NewOneTimePayment,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<Posted, StoreError>;
    fn one_time_payments(&self, case_id: i64) -> Result<Vec<OneTimePaymentRow>, StoreError>;
}

/// Inserts a proposed award and its items, with the audit row, in the
/// caller's transaction.
pub(super) fn insert_award(
    db: &mut dyn Db,
    award: &NewAward,
    maker: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    require_actor(maker)?;
    let mut one_time: i64 = 0;
    let mut monthly: i64 = 0;
    for it in &award.items {
        if it.amount.fen() < 0 {
            return Err(StoreError::invalid(
                "amount",
                format!(
                    "{}: {} yuan is negative; 0.00 or more",
                    col(&it.item),
                    it.amount
                ),
            ));
        }
        let total = match it.periodicity {
            Periodicity::OneTime => &mut one_time,
            Periodicity::Monthly => &mut monthly,
        };
        *total = total
            .checked_add(it.amount.fen())
            .ok_or_else(|| StoreError::invalid("amount", "a total beyond i64 fen"))?;
    }
    if case_by(db, "id", i(award.case_id))?.is_none() {
        return Err(StoreError::not_found("case", award.case_id));
    }
    let id = db.insert_id(
            "creating an award",
            "INSERT INTO awards (case_id, status, basis, legal_date, scheme_id, jurisdiction, one_time_fen, monthly_fen, input, trace, made_by, made_at) \
             VALUES ($1, 'proposed', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                i(award.case_id),
                t(award.basis),
                t(award.legal_date),
                t(&award.scheme_id),
                t(&award.jurisdiction),
                i(one_time),
                i(monthly),
                t(&award.input),
                t(&award.trace),
                t(maker),
                t(at),
            ],
            || StoreError::duplicate("award", award.case_id),
        )?;
    for (n, it) in award.items.iter().enumerate() {
        db.exec(
                "storing an award item",
                "INSERT INTO award_items (award_id, line, item, periodicity, payer, beneficiary, amount_fen, citation) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    i(id),
                    i(i64::try_from(n).unwrap_or(i64::MAX) + 1),
                    t(col(&it.item)),
                    t(col(&it.periodicity)),
                    t(col(&it.payer)),
                    t(&it.beneficiary),
                    i(it.amount.fen()),
                    t(&it.citation),
                ],
            )?;
    }
    audit(
        db,
        maker,
        at,
        "propose_award",
        "award",
        &id.to_string(),
        json!({"case_id": award.case_id, "basis": award.basis, "one_time_fen": one_time, "monthly_fen": monthly}),
    )?;
    Ok(id)
}

/// Approves a proposed award (superseding the approved one, withdrawing
/// stale proposals), posts its ledger and writes its benefits, with the
/// audit row, in the caller's transaction.
pub(super) fn approve_award_in(
    db: &mut dyn Db,
    award_id: i64,
    approval: &AwardApproval,
    checker: &str,
    at: Timestamp,
) -> Result<AwardRow, StoreError> {
    require_actor(checker)?;
    let Some(award) = award_by_id(db, award_id)? else {
        return Err(StoreError::not_found("award", award_id));
    };
    if award.status != AwardStatus::Proposed {
        return Err(StoreError::conflict(
            "award",
            award_id.to_string(),
            format!("it is {}; only a proposed award is approved", award.status),
        ));
    }
    if award.made_by == checker {
        return Err(StoreError::conflict(
            "award",
            award_id.to_string(),
            format!("{checker} made it; a second person approves (maker-checker)"),
        ));
    }
    let previous = db.opt_row(
        "reading the approved award",
        "SELECT id FROM awards WHERE case_id = $1 AND status = 'approved'",
        &[i(award.case_id)],
    )?;
    let supersedes = match previous {
        Some(r) => Some(Cols::new(&r).int(0)?),
        None => None,
    };
    if let Some(prev) = supersedes {
        db.exec(
            "superseding an award",
            "UPDATE awards SET status = 'superseded' WHERE id = $1",
            &[i(prev)],
        )?;
    }
    let n = db.exec(
            "approving an award",
            "UPDATE awards SET status = 'approved', checked_by = $1, checked_at = $2, supersedes = $3, ledger_key = $4 \
             WHERE id = $5 AND status = 'proposed'",
            &[
                t(checker),
                t(at),
                Value::opt_int(supersedes),
                opt_t(approval.ledger_key.as_ref()),
                i(award_id),
            ],
        )?;
    if n == 0 {
        return Err(StoreError::conflict(
            "award",
            award_id.to_string(),
            "it was approved meanwhile",
        ));
    }
    // Other proposals of the case are now stale.
    db.exec(
        "withdrawing stale proposals",
        "UPDATE awards SET status = 'withdrawn' WHERE case_id = $1 AND status = 'proposed'",
        &[i(award.case_id)],
    )?;
    for tx in &approval.ledger {
        if post(db, tx, checker, at)? == Posted::AlreadyPosted {
            return Err(StoreError::conflict(
                "ledger transaction",
                tx.idempotency_key().as_str(),
                "it is already posted, so it cannot also record this approval",
            ));
        }
    }
    for (benefit_id, last, reason) in &approval.endings {
        end_benefit_in(db, *benefit_id, *last, reason)?;
    }
    insert_amounts(db, &approval.amounts, None)?;
    let created = insert_benefits(db, &approval.new_benefits, at)?;
    audit(
        db,
        checker,
        at,
        "approve_award",
        "award",
        &award_id.to_string(),
        json!({
            "case_id": award.case_id,
            "maker": award.made_by,
            "supersedes": supersedes,
            "ledger": approval.ledger.iter().map(|t| t.idempotency_key().as_str().to_owned()).collect::<Vec<_>>(),
            "benefits_created": created,
            "amounts_changed": approval.amounts.len(),
            "benefits_ended": approval.endings.len(),
        }),
    )?;
    award_by_id(db, award_id)?.ok_or_else(|| StoreError::not_found("award", award_id))
}

impl<B: Backend> AwardStore for SqlStore<B> {
    fn create_award(
        &self,
        award: &NewAward,
        maker: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        self.backend
            .transaction(|db| insert_award(db, award, maker, at))
    }

    fn award(&self, award_id: i64) -> Result<Option<AwardRow>, StoreError> {
        self.backend.read(|db| award_by_id(db, award_id))
    }

    fn awards_of_case(&self, case_id: i64) -> Result<Vec<AwardRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {AWARD_COLUMNS} FROM awards WHERE case_id = $1 ORDER BY id");
            let rows = db.rows("reading awards", &sql, &[i(case_id)])?;
            rows.iter().map(|r| award_from_row(db, r)).collect()
        })
    }

    fn approve_award(
        &self,
        award_id: i64,
        approval: &AwardApproval,
        checker: &str,
        at: Timestamp,
    ) -> Result<AwardRow, StoreError> {
        self.backend
            .transaction(|db| approve_award_in(db, award_id, approval, checker, at))
    }

    fn record_one_time_payment(
        &self,
        payment: &NewOneTimePayment,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<Posted, StoreError> {
        require_actor(actor)?;
        if payment.amount.fen() <= 0 {
            return Err(StoreError::invalid(
                "amount",
                format!("{} yuan; a payment is more than 0.00", payment.amount),
            ));
        }
        self.backend.transaction(|db| {
            let existing = db.opt_row(
                "reading a one-time payment",
                "SELECT case_id, award_id, item, beneficiary, amount_fen FROM one_time_payments WHERE idempotency_key = $1",
                &[t(&payment.idempotency_key)],
            )?;
            if let Some(r) = existing {
                let c = Cols::new(&r);
                let same = c.int(0)? == payment.case_id
                    && c.int(1)? == payment.award_id
                    && c.text(2)? == col(&payment.item)
                    && c.text(3)? == payment.beneficiary
                    && c.int(4)? == payment.amount.fen();
                return if same {
                    Ok(Posted::AlreadyPosted)
                } else {
                    Err(StoreError::IdempotencyMismatch {
                        entity: "one-time payment",
                        key: payment.idempotency_key.clone(),
                    })
                };
            }
            let id = db.insert_id(
                "recording a one-time payment",
                "INSERT INTO one_time_payments (case_id, award_id, item, beneficiary, amount_fen, paid_on, idempotency_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    i(payment.case_id),
                    i(payment.award_id),
                    t(col(&payment.item)),
                    t(&payment.beneficiary),
                    i(payment.amount.fen()),
                    t(payment.paid_on),
                    t(&payment.idempotency_key),
                    t(at),
                ],
                || StoreError::duplicate("one-time payment", &payment.idempotency_key),
            )?;
            if post(db, tx, actor, at)? == Posted::AlreadyPosted {
                return Err(StoreError::conflict(
                    "ledger transaction",
                    tx.idempotency_key().as_str(),
                    "it is already posted, so it cannot also record this payment",
                ));
            }
            crate::fund::add_to_fund_summary(db, tx)?;
            audit(
                db,
                actor,
                at,
                "pay_one_time",
                "one_time_payment",
                &id.to_string(),
                json!({"case_id": payment.case_id, "award_id": payment.award_id, "item": payment.item, "amount_fen": payment.amount.fen()}),
            )?;
            Ok(Posted::Posted)
        })
    }

    fn one_time_payments(&self, case_id: i64) -> Result<Vec<OneTimePaymentRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading one-time payments",
                "SELECT id, award_id, item, beneficiary, amount_fen, paid_on, idempotency_key FROM one_time_payments \
                 WHERE case_id = $1 ORDER BY id",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(OneTimePaymentRow {
                    id: c.int(0)?,
                    award_id: c.int(1)?,
                    item: c.parsed(2, "item", |x| from_col("item", x))?,
                    beneficiary: c.text(3)?.to_owned(),
                    amount: Money::from_fen(c.int(4)?),
                    paid_on: c.parsed(5, "paid_on", parse_date)?,
                    idempotency_key: c.text(6)?.to_owned(),
                })
            })
            .collect()
        })
    }
}
