//! Back-payments of a unit that had not insured its workers (Regulations
//! Art 62(3); migration 0220): the period the premiums were owed for, the
//! day the premiums and late fees were settled, the amounts and the receipt,
//! and who recorded it. Append-only, with the audit row in the same
//! transaction. The store decides nothing: the caller checks the record and
//! decides who pays with `gongshang_rules::uninsured`.

use gongshang_domain::ids::CreditCode;
use gongshang_domain::ledger::{ReasonCode, Transaction};
use gongshang_rules::{Money, SchemeId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date, post_new, unit_id};
use crate::error::StoreError;
use crate::fund::add_to_fund_summary;

/// A back-payment as the agency records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBackPayment {
    pub unit: CreditCode,
    pub scheme_id: SchemeId,
    /// The first and last day of the uninsured period the premiums were owed for.
    pub period_from: Date,
    pub period_until: Date,
    /// The day the premiums and late fees were settled.
    pub settled_on: Date,
    pub premiums: Money,
    pub late_fees: Money,
    /// The receipt or the agency's notice (补缴通知书) it rests on.
    pub document: String,
}

/// A recorded back-payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackPaymentRow {
    pub id: i64,
    pub unit: CreditCode,
    pub scheme_id: SchemeId,
    pub period_from: Date,
    pub period_until: Date,
    pub settled_on: Date,
    pub premiums: Money,
    pub late_fees: Money,
    pub document: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

const SELECT: &str = "SELECT b.id, u.credit_code, b.scheme_id, b.period_from, b.period_until, b.settled_on, \
     b.premiums_fen, b.late_fees_fen, b.document, b.recorded_by, b.recorded_at \
     FROM back_payments b JOIN units u ON u.id = b.unit_id";

fn row_of(row: &[Value]) -> Result<BackPaymentRow, StoreError> {
    let c = Cols::new(row);
    Ok(BackPaymentRow {
        id: c.int(0)?,
        unit: c.parsed(1, "unit", CreditCode::parse)?,
        scheme_id: c.scheme_id(2)?,
        period_from: c.parsed(3, "period_from", parse_date)?,
        period_until: c.parsed(4, "period_until", parse_date)?,
        settled_on: c.parsed(5, "settled_on", parse_date)?,
        premiums: Money::from_fen(c.int(6)?),
        late_fees: Money::from_fen(c.int(7)?),
        document: c.text(8)?.to_owned(),
        recorded_by: c.text(9)?.to_owned(),
        recorded_at: c.parsed(10, "recorded_at", |s: &str| s.parse::<Timestamp>())?,
    })
}

fn where_(
    db: &mut dyn Db,
    filter: &str,
    params: &[Value],
) -> Result<Vec<BackPaymentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY b.settled_on, b.id");
    db.rows("reading back-payments", &sql, params)?
        .iter()
        .map(|r| row_of(r))
        .collect()
}

/// Back-payments (Regulations Art 62(3)). A part of [`crate::Store`].
pub trait BackPaymentStore {
    /// Records a back-payment (the unit registered) with its audit row and
    /// its ledger transaction (the premiums billed and collected, the late
    /// fees: `ledger::back_payment_received`, added to the fund's summary);
    /// the same unit, scheme and first day twice is a `duplicate`.
    fn record_back_payment(
        &self,
        b: &NewBackPayment,
        ledger: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<BackPaymentRow, StoreError>;
    /// A unit's back-payments, the earliest settled first.
    fn back_payments_of_unit(&self, unit: &CreditCode) -> Result<Vec<BackPaymentRow>, StoreError>;
}

impl<B: Backend> BackPaymentStore for SqlStore<B> {
    fn record_back_payment(
        &self,
        b: &NewBackPayment,
        ledger: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<BackPaymentRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        if ledger.reason() != ReasonCode::BackPaymentReceived {
            return Err(StoreError::invalid(
                "ledger",
                format!(
                    "a back-payment posts back_payment_received, not {:?}",
                    ledger.reason()
                ),
            ));
        }
        self.backend.transaction(|db| {
            let unit = unit_id(db, &b.unit)?;
            let id = db.insert_id(
                "recording a back-payment",
                "INSERT INTO back_payments (unit_id, scheme_id, period_from, period_until, settled_on, premiums_fen, late_fees_fen, document, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    Value::Int(unit),
                    Value::Text(b.scheme_id.to_string()),
                    Value::Text(b.period_from.to_string()),
                    Value::Text(b.period_until.to_string()),
                    Value::Text(b.settled_on.to_string()),
                    Value::Int(b.premiums.fen()),
                    Value::Int(b.late_fees.fen()),
                    Value::Text(b.document.trim().to_owned()),
                    Value::Text(actor.to_owned()),
                    Value::Text(at.to_string()),
                ],
                || {
                    StoreError::duplicate(
                        "back-payment",
                        format!(
                            "{} in {} from {}",
                            b.unit.as_str(),
                            b.scheme_id,
                            b.period_from
                        ),
                    )
                },
            )?;
            // The ledger's record of the money, once: a duplicate back-payment
            // was refused above, so the key is new.
            post_new(db, ledger, "back-payment", actor, at)?;
            db.exec(
                "recording a back-payment's posting",
                "INSERT INTO back_payment_postings (back_payment_id, ledger_key) VALUES ($1, $2)",
                &[
                    Value::Int(id),
                    Value::Text(ledger.idempotency_key().as_str().to_owned()),
                ],
            )?;
            add_to_fund_summary(db, ledger)?;
            audit(
                db,
                actor,
                at,
                "record_back_payment",
                "unit",
                b.unit.as_str(),
                json!({
                    "id": id, "scheme_id": b.scheme_id.to_string(),
                    "period_from": b.period_from.to_string(), "period_until": b.period_until.to_string(),
                    "settled_on": b.settled_on.to_string(), "premiums_fen": b.premiums.fen(),
                    "late_fees_fen": b.late_fees.fen(), "document": b.document.trim(),
                }),
            )?;
            where_(db, "b.id = $1", &[Value::Int(id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("back-payment", id))
        })
    }

    fn back_payments_of_unit(&self, unit: &CreditCode) -> Result<Vec<BackPaymentRow>, StoreError> {
        self.backend.read(|db| {
            where_(
                db,
                "u.credit_code = $1",
                &[Value::Text(unit.as_str().to_owned())],
            )
        })
    }
}
