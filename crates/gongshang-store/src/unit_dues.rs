//! What a unit paid the worker of what an approved award makes it owe
//! (payer `employer`: Guangdong Regulations Art 56's difference of a wage
//! under-declared, the Art 25 suspension wages, the Art 29 resettlement
//! allowance, ...; migration 0440). The debt itself is not stored again:
//! it is the approved award's employer lines and the unit's periodic
//! benefits; this keeps only the payments the agency recorded, append-only
//! (a mistaken one is corrected by a record of the opposite sign), with the
//! audit row in the same transaction. The money goes from the unit to the
//! worker, not through the fund: no ledger transaction. The store decides
//! nothing: the application checks the payment against what is owed.

use gongshang_rules::{Item, Money};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date, parse_timestamp};
use crate::error::StoreError;

/// A payment of the unit as the agency records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUnitDuePayment {
    pub case_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub paid_on: Date,
    /// Positive; a correction is the negative of the record it corrects.
    pub amount: Money,
    /// The record this one corrects (its amount negated).
    pub correction_of: Option<i64>,
    /// The receipt or transfer slip it rests on.
    pub document: String,
    /// The agency's own note (not shown to the worker or the unit).
    pub note: String,
}

/// A recorded payment of the unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitDuePaymentRow {
    pub id: i64,
    pub case_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub paid_on: Date,
    pub amount: Money,
    pub correction_of: Option<i64>,
    pub document: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

const SELECT: &str = "SELECT id, case_id, item, beneficiary, paid_on, amount_fen, correction_of, \
     document, note, recorded_by, recorded_at FROM unit_due_payments";

fn item_of(text: &str) -> Result<Item, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("item {text:?} is not known"))
}

fn item_text(item: Item) -> String {
    match serde_json::to_value(item) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn row_of(row: &[Value]) -> Result<UnitDuePaymentRow, StoreError> {
    let c = Cols::new(row);
    Ok(UnitDuePaymentRow {
        id: c.int(0)?,
        case_id: c.int(1)?,
        item: c.parsed(2, "item", item_of)?,
        beneficiary: c.text(3)?.to_owned(),
        paid_on: c.parsed(4, "paid_on", parse_date)?,
        amount: Money::from_fen(c.int(5)?),
        correction_of: c.opt_int(6)?,
        document: c.text(7)?.to_owned(),
        note: c.text(8)?.to_owned(),
        recorded_by: c.text(9)?.to_owned(),
        recorded_at: c.parsed(10, "recorded_at", parse_timestamp)?,
    })
}

fn where_(
    db: &mut dyn Db,
    filter: &str,
    params: &[Value],
) -> Result<Vec<UnitDuePaymentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY paid_on, id");
    db.rows("reading a unit's payments of its dues", &sql, params)?
        .iter()
        .map(|r| row_of(r))
        .collect()
}

/// A unit's payments of what an award makes it owe. A part of [`crate::Store`].
pub trait UnitDueStore {
    /// Records a payment (or a correction: `correction_of` names a record
    /// of the same case, item and beneficiary not corrected yet, and the
    /// amount is its negative) with its audit row.
    fn record_unit_due_payment(
        &self,
        p: &NewUnitDuePayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<UnitDuePaymentRow, StoreError>;
    /// A case's payments, the earliest paid first.
    fn unit_due_payments_of_case(&self, case_id: i64)
    -> Result<Vec<UnitDuePaymentRow>, StoreError>;
}

impl<B: Backend> UnitDueStore for SqlStore<B> {
    fn record_unit_due_payment(
        &self,
        p: &NewUnitDuePayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<UnitDuePaymentRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        if p.document.trim().is_empty() {
            return Err(StoreError::invalid(
                "document",
                "name the receipt or transfer slip",
            ));
        }
        match p.correction_of {
            None if p.amount.fen() <= 0 => {
                return Err(StoreError::invalid(
                    "amount",
                    format!("{} yuan: more than 0.00", p.amount),
                ));
            }
            Some(_) if p.amount.fen() >= 0 => {
                return Err(StoreError::invalid(
                    "amount",
                    "a correction is the negative of the record it corrects",
                ));
            }
            _ => {}
        }
        self.backend.transaction(|db| {
            if let Some(of) = p.correction_of {
                let corrected = where_(db, "id = $1", &[Value::Int(of)])?
                    .pop()
                    .ok_or_else(|| StoreError::not_found("unit due payment", of))?;
                if corrected.case_id != p.case_id
                    || corrected.item != p.item
                    || corrected.beneficiary != p.beneficiary
                    || corrected.correction_of.is_some()
                    || corrected.amount.fen() != -p.amount.fen()
                {
                    return Err(StoreError::invalid(
                        "correction_of",
                        format!("record {of} is not a payment of this line of this amount"),
                    ));
                }
                let already = where_(db, "correction_of = $1", &[Value::Int(of)])?;
                if !already.is_empty() {
                    return Err(StoreError::duplicate("correction of unit due payment", of));
                }
            }
            let id = db.insert_id(
                "recording a unit's payment of its dues",
                "INSERT INTO unit_due_payments (case_id, item, beneficiary, paid_on, amount_fen, correction_of, document, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    Value::Int(p.case_id),
                    Value::Text(item_text(p.item)),
                    Value::Text(p.beneficiary.clone()),
                    Value::Text(p.paid_on.to_string()),
                    Value::Int(p.amount.fen()),
                    Value::opt_int(p.correction_of),
                    Value::Text(p.document.trim().to_owned()),
                    Value::Text(p.note.trim().to_owned()),
                    Value::Text(actor.to_owned()),
                    Value::Text(at.to_string()),
                ],
                || StoreError::duplicate("unit due payment", p.case_id),
            )?;
            audit(
                db,
                actor,
                at,
                "record_unit_due_payment",
                "case",
                &p.case_id.to_string(),
                json!({
                    "id": id, "item": item_text(p.item), "beneficiary": p.beneficiary,
                    "paid_on": p.paid_on.to_string(), "amount_fen": p.amount.fen(),
                    "correction_of": p.correction_of, "document": p.document.trim(),
                }),
            )?;
            where_(db, "id = $1", &[Value::Int(id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("unit due payment", id))
        })
    }

    fn unit_due_payments_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<UnitDuePaymentRow>, StoreError> {
        self.backend
            .read(|db| where_(db, "case_id = $1", &[Value::Int(case_id)]))
    }
}
