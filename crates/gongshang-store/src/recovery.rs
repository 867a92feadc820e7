//! Overpaid benefits and their recovery (社会保险经办条例, State Council Decree
//! No. 765, Art 46; issue 12): the overpayment with its schedule and ledger
//! transaction, and each instalment recovered once with its own, every change
//! with its audit row in one database transaction (migration 0080).

use gongshang_domain::ledger::Transaction;
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, post};
use crate::error::StoreError;
use crate::model::Posted;

/// How an overpayment is recovered (the method of Decree 765 Art 46).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryMethod {
    Refund,
    Instalments,
    Offset,
}

impl RecoveryMethod {
    pub const fn as_str(self) -> &'static str {
        match self {
            RecoveryMethod::Refund => "refund",
            RecoveryMethod::Instalments => "instalments",
            RecoveryMethod::Offset => "offset",
        }
    }

    pub fn parse(text: &str) -> Result<RecoveryMethod, String> {
        match text {
            "refund" => Ok(RecoveryMethod::Refund),
            "instalments" => Ok(RecoveryMethod::Instalments),
            "offset" => Ok(RecoveryMethod::Offset),
            other => Err(format!(
                "{other:?} is not a recovery method; expected refund, instalments or offset"
            )),
        }
    }

    /// How one instalment of this method comes back.
    pub const fn how(self) -> &'static str {
        match self {
            RecoveryMethod::Refund => "refund",
            RecoveryMethod::Instalments => "instalment",
            RecoveryMethod::Offset => "offset",
        }
    }
}

/// An overpayment to record, with its schedule (month, amount) in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOverpayment {
    /// `OP-<benefit>-<n>`, unique.
    pub reference: String,
    pub case_id: i64,
    /// The periodic benefit overpaid; none for a one-time payment.
    pub benefit_id: Option<i64>,
    /// The one-time payment overpaid (migration 0233); none for a benefit.
    pub one_time_payment_id: Option<i64>,
    /// The benefit an offset is kept back from (offset only).
    pub offset_benefit_id: Option<i64>,
    pub amount: Money,
    pub reason: String,
    pub method: RecoveryMethod,
    /// The method's inputs and the rule's trace, as JSON.
    pub basis: serde_json::Value,
    pub schedule: Vec<(Month, Money)>,
}

/// One instalment of the schedule and whether it came back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstalmentRow {
    pub seq: u32,
    pub month: Month,
    pub amount: Money,
    pub recovered_on: Option<Date>,
    pub ledger_key: Option<String>,
}

/// An overpayment as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverpaymentRow {
    pub id: i64,
    pub reference: String,
    pub case_id: i64,
    /// The periodic benefit overpaid; none for a one-time payment.
    pub benefit_id: Option<i64>,
    /// The one-time payment overpaid; none for a benefit.
    pub one_time_payment_id: Option<i64>,
    pub offset_benefit_id: Option<i64>,
    pub amount: Money,
    pub reason: String,
    pub method: RecoveryMethod,
    pub basis: String,
    pub ledger_key: String,
    pub created_at: Timestamp,
    pub actor: String,
    pub instalments: Vec<InstalmentRow>,
}

impl OverpaymentRow {
    /// Recovered so far.
    pub fn recovered(&self) -> Money {
        self.instalments
            .iter()
            .filter(|i| i.recovered_on.is_some())
            .fold(Money::ZERO, |a, i| a.checked_add(i.amount).expect("fen"))
    }

    /// Still owed.
    pub fn outstanding(&self) -> Money {
        self.amount.checked_sub(self.recovered()).expect("fen")
    }

    /// The first instalment not recovered yet.
    pub fn next_due(&self) -> Option<&InstalmentRow> {
        self.instalments.iter().find(|i| i.recovered_on.is_none())
    }
}

/// Overpayments. A part of [`crate::Store`].
pub trait RecoveryStore {
    /// Records an overpayment, its schedule (adding up to the amount) and
    /// its ledger transaction (of the same amount), with the audit row, in
    /// one transaction.
    fn record_overpayment(
        &self,
        op: &NewOverpayment,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<OverpaymentRow, StoreError>;

    /// Records instalment `seq` of an overpayment as recovered on a day,
    /// with its ledger transaction (of the instalment's amount), in one
    /// transaction. An instalment is recovered once (`duplicate`), and only
    /// after the ones before it (`conflict`).
    fn record_recovery(
        &self,
        overpayment_id: i64,
        seq: u32,
        recovered_on: Date,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<OverpaymentRow, StoreError>;

    fn overpayment(&self, id: i64) -> Result<Option<OverpaymentRow>, StoreError>;

    /// The overpayments of a case, oldest first.
    fn overpayments_of_case(&self, case_id: i64) -> Result<Vec<OverpaymentRow>, StoreError>;

    /// How many overpayments a benefit has (the next reference's number).
    fn overpayment_count_of_benefit(&self, benefit_id: i64) -> Result<u64, StoreError>;
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

const COLUMNS: &str = "id, reference, case_id, benefit_id, offset_benefit_id, amount_fen, reason, method, basis, ledger_key, created_at, actor, one_time_payment_id";

fn read_one(db: &mut dyn Db, row: &[Value]) -> Result<OverpaymentRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    let instalments = db
        .rows(
            "reading an overpayment's schedule",
            "SELECT i.seq, i.month, i.amount_fen, r.recovered_on, r.ledger_key \
             FROM overpayment_instalments i LEFT JOIN overpayment_recoveries r \
               ON r.overpayment_id = i.overpayment_id AND r.seq = i.seq \
             WHERE i.overpayment_id = $1 ORDER BY i.seq",
            &[Value::Int(id)],
        )?
        .iter()
        .map(|r| {
            let c = Cols::new(r);
            Ok(InstalmentRow {
                seq: u32::try_from(c.int(0)?)
                    .map_err(|e| StoreError::stored("seq", e.to_string()))?,
                month: c.parsed(1, "month", Month::parse)?,
                amount: Money::from_fen(c.int(2)?),
                recovered_on: c.opt_parsed(3, "recovered_on", |s| s.parse::<Date>())?,
                ledger_key: c.opt_text(4)?.map(str::to_owned),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(OverpaymentRow {
        id,
        reference: c.text(1)?.to_owned(),
        case_id: c.int(2)?,
        benefit_id: c.opt_int(3)?,
        one_time_payment_id: c.opt_int(12)?,
        offset_benefit_id: c.opt_int(4)?,
        amount: Money::from_fen(c.int(5)?),
        reason: c.text(6)?.to_owned(),
        method: c.parsed(7, "method", RecoveryMethod::parse)?,
        basis: c.text(8)?.to_owned(),
        ledger_key: c.text(9)?.to_owned(),
        created_at: c.parsed(10, "created_at", |s| s.parse::<Timestamp>())?,
        actor: c.text(11)?.to_owned(),
        instalments,
    })
}

pub(crate) fn by_id(db: &mut dyn Db, id: i64) -> Result<Option<OverpaymentRow>, StoreError> {
    match db.opt_row(
        "reading an overpayment",
        &format!("SELECT {COLUMNS} FROM overpayments WHERE id = $1"),
        &[Value::Int(id)],
    )? {
        Some(r) => read_one(db, &r).map(Some),
        None => Ok(None),
    }
}

fn post_new(
    db: &mut dyn Db,
    tx: &Transaction,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    match post(db, tx, actor, at)? {
        Posted::Posted => Ok(()),
        Posted::AlreadyPosted => Err(StoreError::conflict(
            "ledger transaction",
            tx.idempotency_key().as_str(),
            "it is already posted, so it cannot also record this overpayment".to_owned(),
        )),
    }
}

/// Checks and records an overpayment, its schedule, its ledger transaction
/// and the audit row in the caller's transaction; its id.
pub(crate) fn insert_overpayment(
    db: &mut dyn Db,
    op: &NewOverpayment,
    tx: &Transaction,
    actor: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    if op.reason.trim().is_empty() {
        return Err(StoreError::invalid(
            "reason",
            "an overpayment needs its reason",
        ));
    }
    let scheduled = op
        .schedule
        .iter()
        .try_fold(Money::ZERO, |a, (_, m)| a.checked_add(*m));
    if op.amount <= Money::ZERO
        || scheduled != Some(op.amount)
        || op.schedule.iter().any(|(_, m)| *m <= Money::ZERO)
    {
        return Err(StoreError::invalid(
            "schedule",
            format!(
                "the instalments must be positive and add up to the overpayment of {} yuan",
                op.amount
            ),
        ));
    }
    if op.benefit_id.is_some() == op.one_time_payment_id.is_some() {
        return Err(StoreError::invalid(
            "benefit_id",
            "an overpayment is of a periodic benefit or of a one-time payment, not both",
        ));
    }
    if tx.amount() != op.amount {
        return Err(StoreError::invalid(
            "ledger",
            format!(
                "the overpayment of {} yuan and its ledger transaction differ",
                op.amount
            ),
        ));
    }
    post_new(db, tx, actor, at)?;
    let id = db.insert_id(
            "recording an overpayment",
            "INSERT INTO overpayments (reference, case_id, benefit_id, offset_benefit_id, amount_fen, reason, method, basis, ledger_key, created_at, actor, one_time_payment_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &[
                t(&op.reference),
                Value::Int(op.case_id),
                Value::opt_int(op.benefit_id),
                Value::opt_int(op.offset_benefit_id),
                Value::Int(op.amount.fen()),
                t(op.reason.trim()),
                t(op.method.as_str()),
                t(op.basis.to_string()),
                t(tx.idempotency_key().as_str()),
                t(at),
                t(actor),
                Value::opt_int(op.one_time_payment_id),
            ],
            || StoreError::duplicate("overpayment", &op.reference),
        )?;
    for (n, (month, amount)) in op.schedule.iter().enumerate() {
        db.exec(
                "recording an overpayment's schedule",
                "INSERT INTO overpayment_instalments (overpayment_id, seq, month, amount_fen) VALUES ($1, $2, $3, $4)",
                &[
                    Value::Int(id),
                    Value::Int(i64::try_from(n + 1).unwrap_or(i64::MAX)),
                    t(month),
                    Value::Int(amount.fen()),
                ],
            )?;
    }
    audit(
        db,
        actor,
        at,
        "record_overpayment",
        "overpayment",
        &id.to_string(),
        json!({
            "reference": op.reference,
            "case_id": op.case_id,
            "benefit_id": op.benefit_id,
            "one_time_payment_id": op.one_time_payment_id,
            "amount_fen": op.amount.fen(),
            "method": op.method.as_str(),
            "instalments": op.schedule.len(),
            "ledger": tx.idempotency_key().as_str(),
        }),
    )?;
    Ok(id)
}

impl<B: Backend> RecoveryStore for SqlStore<B> {
    fn record_overpayment(
        &self,
        op: &NewOverpayment,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<OverpaymentRow, StoreError> {
        self.backend.transaction(|db| {
            let id = insert_overpayment(db, op, tx, actor, at)?;
            by_id(db, id)?.ok_or_else(|| StoreError::not_found("overpayment", id))
        })
    }

    fn record_recovery(
        &self,
        overpayment_id: i64,
        seq: u32,
        recovered_on: Date,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<OverpaymentRow, StoreError> {
        self.backend.transaction(|db| {
            let op = by_id(db, overpayment_id)?
                .ok_or_else(|| StoreError::not_found("overpayment", overpayment_id))?;
            let Some(inst) = op.instalments.iter().find(|i| i.seq == seq) else {
                return Err(StoreError::not_found(
                    "instalment",
                    format!("{} #{seq}", op.reference),
                ));
            };
            if inst.recovered_on.is_some() {
                return Err(StoreError::duplicate(
                    "recovery",
                    format!("{} #{seq}", op.reference),
                ));
            }
            if op.next_due().map(|i| i.seq) != Some(seq) {
                return Err(StoreError::conflict(
                    "recovery",
                    format!("{} #{seq}", op.reference),
                    "an earlier instalment is not recovered yet".to_owned(),
                ));
            }
            if tx.amount() != inst.amount {
                return Err(StoreError::invalid(
                    "ledger",
                    format!(
                        "the instalment of {} yuan and its ledger transaction differ",
                        inst.amount
                    ),
                ));
            }
            post_new(db, tx, actor, at)?;
            db.exec(
                "recording a recovery",
                "INSERT INTO overpayment_recoveries (overpayment_id, seq, how, recovered_on, ledger_key, created_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    Value::Int(overpayment_id),
                    Value::Int(i64::from(seq)),
                    t(op.method.how()),
                    t(recovered_on),
                    t(tx.idempotency_key().as_str()),
                    t(at),
                    t(actor),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "record_recovery",
                "overpayment",
                &overpayment_id.to_string(),
                json!({
                    "seq": seq,
                    "amount_fen": inst.amount.fen(),
                    "how": op.method.how(),
                    "recovered_on": recovered_on.to_string(),
                    "ledger": tx.idempotency_key().as_str(),
                }),
            )?;
            by_id(db, overpayment_id)?
                .ok_or_else(|| StoreError::not_found("overpayment", overpayment_id))
        })
    }

    fn overpayment(&self, id: i64) -> Result<Option<OverpaymentRow>, StoreError> {
        self.backend.read(|db| by_id(db, id))
    }

    fn overpayments_of_case(&self, case_id: i64) -> Result<Vec<OverpaymentRow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading a case's overpayments",
                &format!("SELECT {COLUMNS} FROM overpayments WHERE case_id = $1 ORDER BY id"),
                &[Value::Int(case_id)],
            )?;
            rows.iter().map(|r| read_one(db, r)).collect()
        })
    }

    fn overpayment_count_of_benefit(&self, benefit_id: i64) -> Result<u64, StoreError> {
        self.backend.read(|db| {
            let r = db.one_row(
                "counting a benefit's overpayments",
                "SELECT COUNT(*) FROM overpayments WHERE benefit_id = $1",
                &[Value::Int(benefit_id)],
            )?;
            Ok(u64::try_from(Cols::new(&r).int(0)?).unwrap_or(0))
        })
    }
}
