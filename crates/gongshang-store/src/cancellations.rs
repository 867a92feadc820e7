//! A unit's social insurance registration cancelled (注销登记; Decree No.
//! 765 Art 10; migration 0301): once per unit, append-only, with the
//! application's 10 working days. The store re-checks inside the write's
//! transaction that no enrolment of the unit and no periodic benefit of its
//! cases runs past its last day, so that a concurrent enrolment cannot
//! slip in between the caller's check and the write; what the unit owes
//! (premiums and late fees) is the caller's check, with the rules engine.

use gongshang_domain::ids::CreditCode;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date, parse_timestamp, unit_id};
use crate::error::StoreError;

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

/// A cancellation as the agency completes it, its due day counted by the
/// caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUnitCancellation {
    pub unit: CreditCode,
    /// The unit's last day insured (its end: dissolution, bankruptcy, ...).
    pub last_day: Date,
    pub received_on: Date,
    pub due_on: Date,
    pub due_provisional: bool,
    /// Today: the day the agency completes it.
    pub completed_on: Date,
    pub reason: String,
    pub document: Option<String>,
}

/// A cancellation as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitCancellationRow {
    pub id: i64,
    pub unit: CreditCode,
    pub last_day: Date,
    pub received_on: Date,
    pub due_on: Date,
    pub due_provisional: bool,
    pub completed_on: Date,
    pub late: bool,
    pub reason: String,
    pub document: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// What still runs past a unit's last day and stops a cancellation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunningOn {
    /// Enrolments of the unit without a last day or ending after it.
    pub enrolments: u64,
    /// Periodic benefits of the unit's cases running after its month.
    pub benefits: u64,
}

impl RunningOn {
    pub fn is_empty(&self) -> bool {
        self.enrolments == 0 && self.benefits == 0
    }
}

pub trait UnitCancellationStore {
    /// The unit's enrolments and its cases' periodic benefits still running
    /// after `last_day`.
    fn running_after(&self, unit: &CreditCode, last_day: Date) -> Result<RunningOn, StoreError>;
    /// Records the cancellation with its audit row; refused (`conflict`)
    /// when anything still runs after the last day, `duplicate` when the
    /// unit is already cancelled.
    fn cancel_unit(
        &self,
        c: &NewUnitCancellation,
        actor: &str,
        at: Timestamp,
    ) -> Result<UnitCancellationRow, StoreError>;
    /// The unit's cancellation, if any.
    fn unit_cancellation(
        &self,
        unit: &CreditCode,
    ) -> Result<Option<UnitCancellationRow>, StoreError>;
}

fn running(db: &mut dyn Db, unit: &CreditCode, last_day: Date) -> Result<RunningOn, StoreError> {
    let month = last_day.strftime("%Y-%m").to_string();
    // A merger or transfer taking effect by the day after the last day moved
    // the liability of the unit's cases to its successor (Regulations Art
    // 43(1)): their benefits run on under the successor, not this unit.
    let day_after = last_day.tomorrow().unwrap_or(last_day);
    let row = db.one_row(
        "counting what runs after a unit's last day",
        "SELECT \
         (SELECT COUNT(*) FROM enrollments e JOIN units u ON u.id = e.unit_id \
          WHERE u.credit_code = $1 AND (e.end_date IS NULL OR e.end_date > $2)), \
         (SELECT COUNT(*) FROM periodic_benefits b JOIN cases c ON c.id = b.case_id \
          WHERE c.unit_code = $1 AND (b.end_month IS NULL OR b.end_month > $3) \
          AND NOT EXISTS (SELECT 1 FROM unit_successions s JOIN units p ON p.id = s.predecessor_id \
            WHERE p.credit_code = $1 AND s.kind IN ('merger', 'transfer') AND s.effective_on <= $4))",
        &[t(unit.as_str()), t(last_day), t(month), t(day_after)],
    )?;
    let c = Cols::new(&row);
    Ok(RunningOn {
        enrolments: u64::try_from(c.int(0)?).unwrap_or(0),
        benefits: u64::try_from(c.int(1)?).unwrap_or(0),
    })
}

const COLUMNS: &str = "x.id, u.credit_code, x.last_day, x.received_on, x.due_on, x.due_provisional, \
     x.completed_on, x.late, x.reason, x.document, x.recorded_by, x.recorded_at";

fn row_of(row: &[Value]) -> Result<UnitCancellationRow, StoreError> {
    let c = Cols::new(row);
    Ok(UnitCancellationRow {
        id: c.int(0)?,
        unit: c.parsed(1, "credit_code", CreditCode::parse)?,
        last_day: c.parsed(2, "last_day", parse_date)?,
        received_on: c.parsed(3, "received_on", parse_date)?,
        due_on: c.parsed(4, "due_on", parse_date)?,
        due_provisional: c.int(5)? != 0,
        completed_on: c.parsed(6, "completed_on", parse_date)?,
        late: c.int(7)? != 0,
        reason: c.text(8)?.to_owned(),
        document: c.opt_text(9)?.map(str::to_owned),
        recorded_by: c.text(10)?.to_owned(),
        recorded_at: c.parsed(11, "recorded_at", parse_timestamp)?,
    })
}

fn by_unit(db: &mut dyn Db, unit: &CreditCode) -> Result<Option<UnitCancellationRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM unit_cancellations x JOIN units u ON u.id = x.unit_id \
         WHERE u.credit_code = $1"
    );
    db.opt_row("reading a unit's cancellation", &sql, &[t(unit.as_str())])?
        .map(|r| row_of(&r))
        .transpose()
}

impl<B: Backend> UnitCancellationStore for SqlStore<B> {
    fn running_after(&self, unit: &CreditCode, last_day: Date) -> Result<RunningOn, StoreError> {
        self.backend.read(|db| running(db, unit, last_day))
    }

    fn cancel_unit(
        &self,
        c: &NewUnitCancellation,
        actor: &str,
        at: Timestamp,
    ) -> Result<UnitCancellationRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        self.backend.transaction(|db| {
            let unit = unit_id(db, &c.unit)?;
            let left = running(db, &c.unit, c.last_day)?;
            if !left.is_empty() {
                return Err(StoreError::conflict(
                    "unit",
                    c.unit.as_str(),
                    format!(
                        "{} enrolments and {} periodic benefits run after {}",
                        left.enrolments, left.benefits, c.last_day
                    ),
                ));
            }
            let late = c.completed_on > c.due_on;
            let id = db.insert_id(
                "recording a unit's cancellation",
                "INSERT INTO unit_cancellations (unit_id, last_day, received_on, due_on, due_provisional, \
                 completed_on, late, reason, document, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    i(unit),
                    t(c.last_day),
                    t(c.received_on),
                    t(c.due_on),
                    i(i64::from(c.due_provisional)),
                    t(c.completed_on),
                    i(i64::from(late)),
                    t(&c.reason),
                    Value::opt_text(c.document.clone()),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("unit cancellation", c.unit.as_str()),
            )?;
            audit(
                db,
                actor,
                at,
                "cancel_unit",
                "unit",
                c.unit.as_str(),
                json!({
                    "cancellation_id": id,
                    "last_day": c.last_day.to_string(),
                    "received_on": c.received_on.to_string(),
                    "due_on": c.due_on.to_string(),
                    "late": late,
                }),
            )?;
            by_unit(db, &c.unit)?.ok_or_else(|| StoreError::not_found("unit cancellation", id))
        })
    }

    fn unit_cancellation(
        &self,
        unit: &CreditCode,
    ) -> Result<Option<UnitCancellationRow>, StoreError> {
        self.backend.read(|db| by_unit(db, unit))
    }
}
