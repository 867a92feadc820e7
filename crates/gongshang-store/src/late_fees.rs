//! The late fee of a bill paid late, as a debt of its own (Social Insurance
//! Law Art 86; Regulations Art 62(1); migration 0310): the fee assessed with
//! a payment made after the bill's due date (written by
//! [`crate::BillingStore::record_payment_assessing`] in the payment's own
//! transaction) and what the unit or platform paid of it. Append-only; what
//! is owed is the assessments less the payments. The store decides nothing:
//! the app computes the fee with `gongshang_rules::late_fee`.

use gongshang_domain::ids::CreditCode;
use gongshang_domain::ledger::{ReasonCode, Transaction};
use gongshang_rules::Money;
use gongshang_rules::rate::Rate;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date, post_new};
use crate::error::StoreError;
use crate::fund::add_to_fund_summary;

/// The late fee assessed with a payment, as the app decides it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLateFeeAssessment {
    /// What the payment settled (the base of the fee).
    pub settled: Money,
    pub amount: Money,
    /// Days from the day after the effective due date (the due date, or the
    /// repayment day of a deferral) to the day received.
    pub days: i64,
    pub daily_rate: Rate,
    pub due_date: Date,
    /// The day the payment was received.
    pub assessed_on: Date,
    /// The articles and the parameter it rests on.
    pub basis: String,
    /// `ledger::late_fee_assessed`.
    pub ledger: Transaction,
}

/// A stored assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LateFeeAssessmentRow {
    pub id: i64,
    pub bill_id: i64,
    pub payment_id: i64,
    pub settled: Money,
    pub amount: Money,
    pub days: i64,
    pub daily_rate: Rate,
    pub due_date: Date,
    pub assessed_on: Date,
    pub basis: String,
}

/// A payment of a bill's late fees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLateFeePayment {
    pub bill_id: i64,
    pub amount: Money,
    pub paid_on: Date,
    pub idempotency_key: String,
    /// `ledger::late_fee_received`.
    pub ledger: Transaction,
}

/// A stored payment of late fees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LateFeePaymentRow {
    pub id: i64,
    pub bill_id: i64,
    pub amount: Money,
    pub paid_on: Date,
    pub idempotency_key: String,
    pub recorded_by: String,
}

/// A bill's late fees: assessed, paid, owed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BillLateFees {
    pub bill_id: i64,
    pub reference: String,
    pub unit: Option<CreditCode>,
    pub period: String,
    pub due_date: Date,
    pub assessed: Money,
    pub paid: Money,
    pub owed: Money,
    pub assessments: Vec<LateFeeAssessmentRow>,
    pub payments: Vec<LateFeePaymentRow>,
}

/// What recording a late fee payment did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateFeePaymentOutcome {
    pub payment_id: i64,
    /// The same payment under the same key was recorded before.
    pub already_recorded: bool,
}

const ASSESSMENT_COLUMNS: &str = "a.id, a.bill_id, a.payment_id, a.settled_fen, a.amount_fen, a.days, \
     a.daily_rate, a.due_date, a.assessed_on, a.basis";

fn assessment_row(r: &[Value]) -> Result<LateFeeAssessmentRow, StoreError> {
    let c = Cols::new(r);
    Ok(LateFeeAssessmentRow {
        id: c.int(0)?,
        bill_id: c.int(1)?,
        payment_id: c.int(2)?,
        settled: Money::from_fen(c.int(3)?),
        amount: Money::from_fen(c.int(4)?),
        days: c.int(5)?,
        daily_rate: c.parsed(6, "daily_rate", Rate::parse)?,
        due_date: c.parsed(7, "due_date", parse_date)?,
        assessed_on: c.parsed(8, "assessed_on", parse_date)?,
        basis: c.text(9)?.to_owned(),
    })
}

const PAYMENT_COLUMNS: &str =
    "p.id, p.bill_id, p.amount_fen, p.paid_on, p.idempotency_key, p.recorded_by";

fn payment_row(r: &[Value]) -> Result<LateFeePaymentRow, StoreError> {
    let c = Cols::new(r);
    Ok(LateFeePaymentRow {
        id: c.int(0)?,
        bill_id: c.int(1)?,
        amount: Money::from_fen(c.int(2)?),
        paid_on: c.parsed(3, "paid_on", parse_date)?,
        idempotency_key: c.text(4)?.to_owned(),
        recorded_by: c.text(5)?.to_owned(),
    })
}

/// Checks an assessment before any database work.
pub(crate) fn check_assessment(a: &NewLateFeeAssessment) -> Result<(), StoreError> {
    if a.amount.fen() <= 0 || a.days <= 0 || a.settled.fen() <= 0 {
        return Err(StoreError::invalid(
            "late_fee",
            format!(
                "{} yuan for {} days on {} yuan; an assessment is of more than 0.00 for a day or more",
                a.amount, a.days, a.settled
            ),
        ));
    }
    if a.ledger.reason() != ReasonCode::LateFeeAssessed || a.ledger.amount() != a.amount {
        return Err(StoreError::invalid(
            "ledger",
            format!(
                "an assessment of {} yuan posts late_fee_assessed of the same amount",
                a.amount
            ),
        ));
    }
    if a.basis.trim().is_empty() {
        return Err(StoreError::invalid("basis", "the articles are required"));
    }
    Ok(())
}

/// Writes an assessment with its ledger transaction and audit row in the
/// caller's transaction (the payment's): [`check_assessment`] first.
pub(crate) fn assess_in(
    db: &mut dyn Db,
    bill_id: i64,
    payment_id: i64,
    a: &NewLateFeeAssessment,
    actor: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    let key = a.ledger.idempotency_key().as_str().to_owned();
    post_new(db, &a.ledger, "late fee", actor, at)?;
    let id = db.insert_id(
        "assessing a late fee",
        "INSERT INTO late_fee_assessments (bill_id, payment_id, settled_fen, amount_fen, days, daily_rate, \
         due_date, assessed_on, basis, ledger_key, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        &[
            Value::Int(bill_id),
            Value::Int(payment_id),
            Value::Int(a.settled.fen()),
            Value::Int(a.amount.fen()),
            Value::Int(a.days),
            Value::Text(a.daily_rate.to_string()),
            Value::Text(a.due_date.to_string()),
            Value::Text(a.assessed_on.to_string()),
            Value::Text(a.basis.trim().to_owned()),
            Value::Text(key.clone()),
            Value::Text(at.to_string()),
        ],
        || StoreError::duplicate("late fee assessment", format!("of payment {payment_id}")),
    )?;
    audit(
        db,
        actor,
        at,
        "assess",
        "late_fee",
        &key,
        json!({
            "id": id, "bill_id": bill_id, "payment_id": payment_id,
            "settled_fen": a.settled.fen(), "amount_fen": a.amount.fen(), "days": a.days,
            "daily_rate": a.daily_rate.to_string(), "due_date": a.due_date.to_string(),
            "assessed_on": a.assessed_on.to_string(), "basis": a.basis.trim(),
        }),
    )?;
    Ok(id)
}

fn fees_of_bills(
    db: &mut dyn Db,
    filter: &str,
    params: &[Value],
) -> Result<Vec<BillLateFees>, StoreError> {
    let bills = db.rows(
        "reading bills with late fees",
        &format!(
            "SELECT b.id, b.reference, u.credit_code, b.period, b.due_date FROM bills b \
             LEFT JOIN units u ON u.id = b.unit_id \
             WHERE b.id IN (SELECT a.bill_id FROM late_fee_assessments a) AND {filter} \
             ORDER BY b.due_date, b.id"
        ),
        params,
    )?;
    let mut out = Vec::new();
    for r in &bills {
        let c = Cols::new(r);
        let bill_id = c.int(0)?;
        let assessments = db
            .rows(
                "reading late fee assessments",
                &format!(
                    "SELECT {ASSESSMENT_COLUMNS} FROM late_fee_assessments a WHERE a.bill_id = $1 ORDER BY a.id"
                ),
                &[Value::Int(bill_id)],
            )?
            .iter()
            .map(|r| assessment_row(r))
            .collect::<Result<Vec<_>, _>>()?;
        let payments = db
            .rows(
                "reading late fee payments",
                &format!(
                    "SELECT {PAYMENT_COLUMNS} FROM late_fee_payments p WHERE p.bill_id = $1 ORDER BY p.id"
                ),
                &[Value::Int(bill_id)],
            )?
            .iter()
            .map(|r| payment_row(r))
            .collect::<Result<Vec<_>, _>>()?;
        let assessed = Money::from_fen(assessments.iter().map(|a| a.amount.fen()).sum());
        let paid = Money::from_fen(payments.iter().map(|p| p.amount.fen()).sum());
        out.push(BillLateFees {
            bill_id,
            reference: c.text(1)?.to_owned(),
            unit: c.opt_parsed(2, "credit_code", CreditCode::parse)?,
            period: c.text(3)?.to_owned(),
            due_date: c.parsed(4, "due_date", parse_date)?,
            assessed,
            paid,
            owed: Money::from_fen(assessed.fen() - paid.fen()),
            assessments,
            payments,
        });
    }
    Ok(out)
}

/// Late fees (Social Insurance Law Art 86). A part of [`crate::Store`].
pub trait LateFeeStore {
    /// The late fees of a unit's (or platform's) bills that have any,
    /// the earliest due first.
    fn late_fees_of_unit(&self, unit: &CreditCode) -> Result<Vec<BillLateFees>, StoreError>;
    /// Every bill's late fees still owed.
    fn late_fees_owed(&self) -> Result<Vec<BillLateFees>, StoreError>;
    /// A bill's late fees (none assessed: `None`).
    fn late_fees_of_bill(&self, bill_id: i64) -> Result<Option<BillLateFees>, StoreError>;
    /// Records a payment of a bill's late fees with its ledger transaction
    /// (added to the fund's summary) and audit row, in one transaction that
    /// first locks the bill; never more than is owed (`conflict`). The same
    /// key and content again is `already_recorded`; other content under the
    /// key an `idempotency_mismatch`.
    fn record_late_fee_payment(
        &self,
        p: &NewLateFeePayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<LateFeePaymentOutcome, StoreError>;
}

impl<B: Backend> LateFeeStore for SqlStore<B> {
    fn late_fees_of_unit(&self, unit: &CreditCode) -> Result<Vec<BillLateFees>, StoreError> {
        self.backend.read(|db| {
            fees_of_bills(
                db,
                "u.credit_code = $1",
                &[Value::Text(unit.as_str().to_owned())],
            )
        })
    }

    fn late_fees_owed(&self) -> Result<Vec<BillLateFees>, StoreError> {
        self.backend.read(|db| {
            Ok(fees_of_bills(db, "true", &[])?
                .into_iter()
                .filter(|b| b.owed.fen() > 0)
                .collect())
        })
    }

    fn late_fees_of_bill(&self, bill_id: i64) -> Result<Option<BillLateFees>, StoreError> {
        self.backend
            .read(|db| Ok(fees_of_bills(db, "b.id = $1", &[Value::Int(bill_id)])?.pop()))
    }

    fn record_late_fee_payment(
        &self,
        p: &NewLateFeePayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<LateFeePaymentOutcome, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        if p.idempotency_key.trim().is_empty() {
            return Err(StoreError::invalid("idempotency_key", "a key is required"));
        }
        if p.amount.fen() <= 0 {
            return Err(StoreError::invalid(
                "amount",
                format!("{} yuan; a payment must be more than 0.00", p.amount),
            ));
        }
        if p.ledger.reason() != ReasonCode::LateFeeReceived || p.ledger.amount() != p.amount {
            return Err(StoreError::invalid(
                "ledger",
                format!(
                    "a late fee payment of {} yuan posts late_fee_received of the same amount",
                    p.amount
                ),
            ));
        }
        self.backend.transaction(|db| {
            let lock = format!("SELECT id FROM bills WHERE id = $1{}", db.for_update());
            if db
                .opt_row("locking a bill", &lock, &[Value::Int(p.bill_id)])?
                .is_none()
            {
                return Err(StoreError::not_found("bill", p.bill_id));
            }
            if let Some(row) = db.opt_row(
                "reading a late fee payment",
                &format!("SELECT {PAYMENT_COLUMNS} FROM late_fee_payments p WHERE p.idempotency_key = $1"),
                &[Value::Text(p.idempotency_key.clone())],
            )? {
                let old = payment_row(&row)?;
                return if old.bill_id == p.bill_id && old.amount == p.amount && old.paid_on == p.paid_on {
                    Ok(LateFeePaymentOutcome {
                        payment_id: old.id,
                        already_recorded: true,
                    })
                } else {
                    Err(StoreError::IdempotencyMismatch {
                        entity: "late fee payment",
                        key: p.idempotency_key.clone(),
                    })
                };
            }
            let owed = fees_of_bills(db, "b.id = $1", &[Value::Int(p.bill_id)])?
                .pop()
                .map_or(Money::ZERO, |b| b.owed);
            if p.amount > owed {
                return Err(StoreError::conflict(
                    "late_fee",
                    p.bill_id,
                    format!(
                        "a payment of {} yuan is more than the {} yuan of late fees owed on the bill",
                        p.amount, owed
                    ),
                ));
            }
            post_new(db, &p.ledger, "late fee payment", actor, at)?;
            let id = db.insert_id(
                "recording a late fee payment",
                "INSERT INTO late_fee_payments (bill_id, amount_fen, paid_on, idempotency_key, ledger_key, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    Value::Int(p.bill_id),
                    Value::Int(p.amount.fen()),
                    Value::Text(p.paid_on.to_string()),
                    Value::Text(p.idempotency_key.clone()),
                    Value::Text(p.ledger.idempotency_key().as_str().to_owned()),
                    Value::Text(actor.to_owned()),
                    Value::Text(at.to_string()),
                ],
                || StoreError::duplicate("late fee payment", format!("with idempotency key {}", p.idempotency_key)),
            )?;
            add_to_fund_summary(db, &p.ledger)?;
            audit(
                db,
                actor,
                at,
                "record",
                "late_fee_payment",
                &p.idempotency_key,
                json!({
                    "id": id, "bill_id": p.bill_id, "amount_fen": p.amount.fen(),
                    "paid_on": p.paid_on.to_string(),
                    "ledger": p.ledger.idempotency_key().as_str(),
                }),
            )?;
            Ok(LateFeePaymentOutcome {
                payment_id: id,
                already_recorded: false,
            })
        })
    }
}
