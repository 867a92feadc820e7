//! Approved deferrals of a unit's premiums (缓缴; 人社厅发〔2022〕16号,
//! 人社部发〔2022〕31号; migration 0410): the unit and scheme, the deferred
//! bill periods, the day by which they must be repaid, the instrument, the
//! day approved, who recorded it. Append-only, with the audit row in the
//! same transaction; a deferral is revoked by a row of its own, once, and
//! then counts for nothing.
//!
//! What a deferral does to a bill is read in one place: the SQL fragments
//! below ([`BILL_DEFERRED_TO`], [`BILL_EFFECTIVE_DUE_DATE`]). Every bill
//! the store reads carries its repayment day (`BillStatus::deferred_to`),
//! and every count or sum of bills "overdue on a day" (the arrears list,
//! the monitoring grading, the dashboard) compares the day with the
//! effective due date, never with the bill's own (DESIGN.md, "Why does an
//! approved deferral (缓缴) not count as arrears?").

use gongshang_domain::Month;
use gongshang_domain::ids::CreditCode;
use gongshang_rules::SchemeId;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date};
use crate::error::StoreError;

/// The deferrals in force covering the bill aliased `b`: a unit's monthly
/// bill (`kind = 'monthly'`, the only bills a deferral defers) of the
/// deferral's unit and scheme whose period lies in its months, the
/// deferral not revoked. One text for both dialects (periods and days are
/// ISO text, which order as they read).
macro_rules! deferrals_covering_bill_b {
    () => {
        "premium_deferrals dfr WHERE b.kind = 'monthly' AND dfr.unit_id = b.unit_id \
         AND dfr.scheme_id = b.scheme_id AND b.period BETWEEN dfr.first_period AND dfr.last_period \
         AND NOT EXISTS (SELECT 1 FROM premium_deferral_revocations rv WHERE rv.deferral_id = dfr.id)"
    };
}
pub(crate) use deferrals_covering_bill_b;

/// SQL: the repayment day of the bill aliased `b` (NULL when no deferral in
/// force covers it): `gongshang_rules::deferral::deferred_to` in SQL (the
/// latest day, were two to cover it). A macro, so that constant statements
/// can `concat!` it; [`BILL_DEFERRED_TO`] is its text.
macro_rules! bill_deferred_to_sql {
    () => {
        concat!(
            "(SELECT MAX(dfr.repay_by) FROM ",
            $crate::deferrals::deferrals_covering_bill_b!(),
            ")"
        )
    };
}
pub(crate) use bill_deferred_to_sql;

/// See [`bill_deferred_to_sql`].
pub(crate) const BILL_DEFERRED_TO: &str = bill_deferred_to_sql!();

/// SQL: the day the bill aliased `b` is due in fact, its repayment day when
/// a deferral in force covers it and that day is later than its own due
/// date, else its own (`gongshang_rules::deferral::effective_due_date`).
/// "Overdue on day D" is `{BILL_EFFECTIVE_DUE_DATE} < D`; callers put
/// `b.due_date < D` before it, which it implies, so the subquery runs only
/// for bills past their own due date.
pub(crate) const BILL_EFFECTIVE_DUE_DATE: &str = concat!(
    "COALESCE((SELECT MAX(dfr.repay_by) FROM ",
    deferrals_covering_bill_b!(),
    " AND dfr.repay_by > b.due_date), b.due_date)"
);

/// A deferral as the agency records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDeferral {
    pub unit: CreditCode,
    pub scheme_id: SchemeId,
    /// The first and last deferred bill periods.
    pub first_period: Month,
    pub last_period: Month,
    /// The day by which the deferred premiums must be repaid.
    pub repay_by: Date,
    /// The instrument it rests on (e.g. 人社厅发〔2022〕16号).
    pub instrument: String,
    pub approved_on: Date,
}

/// The revocation of a deferral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeferralRevocation {
    /// The day of the decision revoking it.
    pub revoked_on: Date,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A recorded deferral, with its revocation if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeferralRow {
    pub id: i64,
    pub unit: CreditCode,
    pub scheme_id: SchemeId,
    pub first_period: Month,
    pub last_period: Month,
    pub repay_by: Date,
    pub instrument: String,
    pub approved_on: Date,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub revocation: Option<DeferralRevocation>,
}

impl DeferralRow {
    /// Not revoked: it counts.
    pub fn in_force(&self) -> bool {
        self.revocation.is_none()
    }
}

const SELECT: &str = "SELECT d.id, u.credit_code, d.scheme_id, d.first_period, d.last_period, d.repay_by, \
     d.instrument, d.approved_on, d.recorded_by, d.recorded_at, \
     r.revoked_on, r.reason, r.recorded_by, r.recorded_at \
     FROM premium_deferrals d JOIN units u ON u.id = d.unit_id \
     LEFT JOIN premium_deferral_revocations r ON r.deferral_id = d.id";

fn timestamp(s: &str) -> Result<Timestamp, jiff::Error> {
    s.parse::<Timestamp>()
}

fn row_of(row: &[Value]) -> Result<DeferralRow, StoreError> {
    let c = Cols::new(row);
    let revocation = match c.opt_parsed(10, "revoked_on", parse_date)? {
        Some(revoked_on) => Some(DeferralRevocation {
            revoked_on,
            reason: c.text(11)?.to_owned(),
            recorded_by: c.text(12)?.to_owned(),
            recorded_at: c.parsed(13, "revocation recorded_at", timestamp)?,
        }),
        None => None,
    };
    Ok(DeferralRow {
        id: c.int(0)?,
        unit: c.parsed(1, "unit", CreditCode::parse)?,
        scheme_id: c.scheme_id(2)?,
        first_period: c.parsed(3, "first_period", Month::parse)?,
        last_period: c.parsed(4, "last_period", Month::parse)?,
        repay_by: c.parsed(5, "repay_by", parse_date)?,
        instrument: c.text(6)?.to_owned(),
        approved_on: c.parsed(7, "approved_on", parse_date)?,
        recorded_by: c.text(8)?.to_owned(),
        recorded_at: c.parsed(9, "recorded_at", timestamp)?,
        revocation,
    })
}

fn where_(db: &mut dyn Db, filter: &str, params: &[Value]) -> Result<Vec<DeferralRow>, StoreError> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY d.first_period, d.id");
    db.rows("reading deferrals", &sql, params)?
        .iter()
        .map(|r| row_of(r))
        .collect()
}

/// Deferrals of premiums (缓缴). A part of [`crate::Store`].
pub trait DeferralStore {
    /// Records a deferral (the unit registered) with its audit row. One in
    /// force of the same unit and scheme whose periods overlap it is a
    /// `conflict` (checked under the unit's row lock, so two clerks take
    /// turns).
    fn record_deferral(
        &self,
        d: &NewDeferral,
        actor: &str,
        at: Timestamp,
    ) -> Result<DeferralRow, StoreError>;
    /// Revokes a deferral, once (again: `duplicate`), with its audit row.
    fn revoke_deferral(
        &self,
        deferral_id: i64,
        revoked_on: Date,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<DeferralRow, StoreError>;
    /// A unit's deferrals, revoked ones included, the earliest period first.
    fn deferrals_of_unit(&self, unit: &CreditCode) -> Result<Vec<DeferralRow>, StoreError>;
    /// Every deferral in force (not revoked), of every unit.
    fn deferrals_in_force(&self) -> Result<Vec<DeferralRow>, StoreError>;
    /// One deferral.
    fn deferral(&self, id: i64) -> Result<Option<DeferralRow>, StoreError>;
}

impl<B: Backend> DeferralStore for SqlStore<B> {
    fn record_deferral(
        &self,
        d: &NewDeferral,
        actor: &str,
        at: Timestamp,
    ) -> Result<DeferralRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        if d.last_period < d.first_period {
            return Err(StoreError::invalid(
                "last_period",
                format!("{} is before {}", d.last_period, d.first_period),
            ));
        }
        let instrument = d.instrument.trim();
        if instrument.is_empty() {
            return Err(StoreError::invalid(
                "instrument",
                "an instrument is required",
            ));
        }
        self.backend.transaction(|db| {
            let lock = format!(
                "SELECT id FROM units WHERE credit_code = $1{}",
                db.for_update()
            );
            let unit = db
                .opt_row("locking a unit", &lock, &[Value::Text(d.unit.as_str().to_owned())])?
                .ok_or_else(|| {
                    StoreError::not_found("unit", format!("with credit code {}", d.unit.as_str()))
                })
                .and_then(|r| Cols::new(&r).int(0))?;
            let overlapping = where_(
                db,
                "d.unit_id = $1 AND d.scheme_id = $2 AND d.first_period <= $3 \
                 AND $4 <= d.last_period AND r.id IS NULL",
                &[
                    Value::Int(unit),
                    Value::Text(d.scheme_id.to_string()),
                    Value::Text(d.last_period.to_string()),
                    Value::Text(d.first_period.to_string()),
                ],
            )?;
            if let Some(o) = overlapping.first() {
                return Err(StoreError::conflict(
                    "deferral",
                    o.id,
                    format!(
                        "deferral {} of {} to {} in {} is in force for those months; revoke it first",
                        o.id, o.first_period, o.last_period, o.scheme_id
                    ),
                ));
            }
            let id = db.insert_id(
                "recording a deferral",
                "INSERT INTO premium_deferrals (unit_id, scheme_id, first_period, last_period, repay_by, instrument, approved_on, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    Value::Int(unit),
                    Value::Text(d.scheme_id.to_string()),
                    Value::Text(d.first_period.to_string()),
                    Value::Text(d.last_period.to_string()),
                    Value::Text(d.repay_by.to_string()),
                    Value::Text(instrument.to_owned()),
                    Value::Text(d.approved_on.to_string()),
                    Value::Text(actor.to_owned()),
                    Value::Text(at.to_string()),
                ],
                || StoreError::duplicate("deferral", d.unit.as_str()),
            )?;
            audit(
                db,
                actor,
                at,
                "record_deferral",
                "unit",
                d.unit.as_str(),
                json!({
                    "id": id, "scheme_id": d.scheme_id.to_string(),
                    "first_period": d.first_period.to_string(),
                    "last_period": d.last_period.to_string(),
                    "repay_by": d.repay_by.to_string(), "instrument": instrument,
                    "approved_on": d.approved_on.to_string(),
                }),
            )?;
            where_(db, "d.id = $1", &[Value::Int(id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("deferral", id))
        })
    }

    fn revoke_deferral(
        &self,
        deferral_id: i64,
        revoked_on: Date,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<DeferralRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "a reason is required"));
        }
        self.backend.transaction(|db| {
            let found = where_(db, "d.id = $1", &[Value::Int(deferral_id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("deferral", deferral_id))?;
            if found.revocation.is_some() {
                return Err(StoreError::duplicate(
                    "revocation of deferral",
                    deferral_id,
                ));
            }
            db.insert_id(
                "revoking a deferral",
                "INSERT INTO premium_deferral_revocations (deferral_id, revoked_on, reason, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    Value::Int(deferral_id),
                    Value::Text(revoked_on.to_string()),
                    Value::Text(reason.to_owned()),
                    Value::Text(actor.to_owned()),
                    Value::Text(at.to_string()),
                ],
                || StoreError::duplicate("revocation of deferral", deferral_id),
            )?;
            audit(
                db,
                actor,
                at,
                "revoke_deferral",
                "unit",
                found.unit.as_str(),
                json!({
                    "deferral_id": deferral_id, "revoked_on": revoked_on.to_string(),
                    "reason": reason,
                }),
            )?;
            where_(db, "d.id = $1", &[Value::Int(deferral_id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("deferral", deferral_id))
        })
    }

    fn deferrals_of_unit(&self, unit: &CreditCode) -> Result<Vec<DeferralRow>, StoreError> {
        self.backend.read(|db| {
            where_(
                db,
                "u.credit_code = $1",
                &[Value::Text(unit.as_str().to_owned())],
            )
        })
    }

    fn deferrals_in_force(&self) -> Result<Vec<DeferralRow>, StoreError> {
        self.backend.read(|db| where_(db, "r.id IS NULL", &[]))
    }

    fn deferral(&self, id: i64) -> Result<Option<DeferralRow>, StoreError> {
        self.backend
            .read(|db| Ok(where_(db, "d.id = $1", &[Value::Int(id)])?.pop()))
    }
}
