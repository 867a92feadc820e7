//! The fund's advance payment (先行支付; Social Insurance Law Arts 41-42,
//! MOHRSS Order No. 15; migration 0270): the written application, what the
//! agency did on it once each (the unit's notice, the decision, the payment
//! out of the fund), and what the unit or the third party repaid. Append-only,
//! each change with its audit row and, for money, its ledger transaction and
//! the fund's summary in the same database transaction. The store checks only
//! the order of the steps and that the recovered never exceeds the advanced;
//! the app decides the rest with `gongshang_rules::advance`.

use gongshang_domain::ledger::Transaction;
use gongshang_domain::month::Month;
use gongshang_rules::advance::{Debtor, Ground, MonthlyEnd};
use gongshang_rules::{Item, Money};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::cases::{from_col, parse_month};
use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date, post_new};
use crate::error::StoreError;
use crate::fund::add_to_fund_summary;

/// Who applied (Order 15 Arts 4, 6: the worker or a close relative).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicant {
    Worker,
    Relative,
}

impl Applicant {
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicant::Worker => "worker",
            Applicant::Relative => "relative",
        }
    }

    pub fn parse(text: &str) -> Option<Applicant> {
        [Applicant::Worker, Applicant::Relative]
            .into_iter()
            .find(|a| a.as_str() == text.trim())
    }
}

/// An application as the agency received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAdvance {
    pub case_id: i64,
    pub ground: Ground,
    pub applicant: Applicant,
    pub applicant_name: String,
    /// Order 15 Art 6(2) (1)-(4) or Art 4: why the unit or third party does
    /// not pay.
    pub circumstance: String,
    pub third_party: Option<String>,
    pub applied_on: Date,
    /// The documents handed in (the determination decision, receipts...).
    pub documents: String,
}

/// What the agency did on an application, once each.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The unit's written notice (Order 15 Art 7), with the day it must pay by.
    Demanded,
    /// Granted, with the amount and its lines.
    Granted,
    /// Refused, with the reason (Order 15 Art 9).
    Refused,
    /// Paid out of the fund (or, for a third party's medical costs already
    /// paid at settlement, recorded as owed by the third party).
    Paid,
}

impl StepKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            StepKind::Demanded => "demanded",
            StepKind::Granted => "granted",
            StepKind::Refused => "refused",
            StepKind::Paid => "paid",
        }
    }

    fn parse(text: &str) -> Result<StepKind, String> {
        [
            StepKind::Demanded,
            StepKind::Granted,
            StepKind::Refused,
            StepKind::Paid,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| format!("{text:?} is not an advance step"))
    }
}

/// A step to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAdvanceStep {
    pub kind: StepKind,
    pub on_day: Date,
    /// The unit's deadline (demanded).
    pub due_on: Option<Date>,
    /// Granted: the total advanced; paid: the amount paid out now.
    pub amount: Option<Money>,
    /// Granted: the lines as JSON; refused: the reason; demanded: the notice.
    pub basis: String,
    /// Granted on the unit's ground: the monthly items the payroll advances
    /// (Order 15 Art 8 with Regulations Art 62(2)), written with the grant.
    pub monthly: Vec<NewMonthlyAdvance>,
}

/// A monthly item a grant covers, from a month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMonthlyAdvance {
    pub benefit_id: i64,
    pub from_month: Month,
}

/// A monthly item of an advance with the months the fund advanced on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyAdvanceRow {
    pub benefit_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub from_month: Month,
    /// The benefit's last month, when it has ended (an Art 62(3)
    /// back-payment, a death...): nothing is advanced after it.
    pub benefit_end_month: Option<Month>,
    /// (month, amount) advanced by the payroll, in order.
    pub months: Vec<(Month, Money)>,
}

impl MonthlyAdvanceRow {
    pub fn advanced(&self) -> Money {
        Money::from_fen(self.months.iter().map(|(_, m)| m.fen()).sum())
    }
}

/// The end of an advance's monthly items (the advance itself stays owed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMonthlyEnd {
    /// The last month advanced.
    pub last_month: Month,
    pub reason: MonthlyEnd,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyEndRow {
    pub last_month: Month,
    pub reason: MonthlyEnd,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// What one payroll run advanced on the advances' monthly items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AdvanceMonthsPaid {
    pub lines: u64,
    pub total: Money,
    /// (advance, amount, ledger key): one transaction per advance and run.
    pub advances: Vec<(i64, Money, String)>,
}

/// Builds the ledger transaction of what a run advanced on one advance:
/// (advance id, run id, amount).
pub type AdvanceMonthPosting<'a> = &'a dyn Fn(i64, i64, Money) -> Result<Transaction, StoreError>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdvanceStepRow {
    pub kind: StepKind,
    pub on_day: Date,
    pub due_on: Option<Date>,
    pub amount: Option<Money>,
    pub basis: String,
    pub ledger_key: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A repayment to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAdvanceRecovery {
    pub debtor: Debtor,
    pub received_on: Date,
    pub amount: Money,
    pub document: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdvanceRecoveryRow {
    pub id: i64,
    pub debtor: Debtor,
    pub received_on: Date,
    pub amount: Money,
    pub document: String,
    pub ledger_key: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    /// Recorded by this call (false: the same repayment was recorded before).
    pub recorded_now: bool,
}

/// An application with what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdvanceRow {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub unit: Option<String>,
    pub ground: Ground,
    pub applicant: Applicant,
    pub applicant_name: String,
    pub circumstance: String,
    pub third_party: Option<String>,
    pub applied_on: Date,
    pub documents: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub steps: Vec<AdvanceStepRow>,
    pub recoveries: Vec<AdvanceRecoveryRow>,
    /// The monthly items the grant covers (the unit's ground), with the
    /// months advanced.
    pub monthly: Vec<MonthlyAdvanceRow>,
    /// The monthly advance ended, when it is.
    pub monthly_end: Option<MonthlyEndRow>,
}

impl AdvanceRow {
    pub fn step(&self, kind: StepKind) -> Option<&AdvanceStepRow> {
        self.steps.iter().find(|s| s.kind == kind)
    }

    /// What the debtor owes in all, once paid: the granted total and each
    /// month the payroll advanced since.
    pub fn advanced(&self) -> Money {
        let granted = match (self.step(StepKind::Granted), self.step(StepKind::Paid)) {
            (Some(g), Some(_)) => g.amount.unwrap_or(Money::ZERO),
            _ => Money::ZERO,
        };
        Money::from_fen(granted.fen() + self.monthly_advanced().fen())
    }

    /// What the payroll advanced month by month.
    pub fn monthly_advanced(&self) -> Money {
        Money::from_fen(self.monthly.iter().map(|m| m.advanced().fen()).sum())
    }

    /// The latest month advanced on any item.
    pub fn last_month_advanced(&self) -> Option<Month> {
        self.monthly
            .iter()
            .filter_map(|m| m.months.last().map(|(month, _)| *month))
            .max()
    }

    pub fn recovered(&self) -> Money {
        Money::from_fen(self.recoveries.iter().map(|r| r.amount.fen()).sum())
    }
}

const SELECT: &str = "SELECT a.id, a.case_id, c.number, c.unit_code, a.ground, a.applicant, a.applicant_name, \
     a.circumstance, a.third_party, a.applied_on, a.documents, a.recorded_by, a.recorded_at \
     FROM fund_advances a JOIN cases c ON c.id = a.case_id";

fn ts(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|e| e.to_string())
}

fn load(db: &mut dyn Db, filter: &str, params: &[Value]) -> Result<Vec<AdvanceRow>, StoreError> {
    let sql = format!("{SELECT} WHERE {filter} ORDER BY a.applied_on, a.id");
    let mut out = Vec::new();
    for r in db.rows("reading advances", &sql, params)? {
        let c = Cols::new(&r);
        let id = c.int(0)?;
        let steps = db
            .rows(
                "reading advance steps",
                "SELECT kind, on_day, due_on, amount_fen, basis, ledger_key, recorded_by, recorded_at \
                 FROM fund_advance_steps WHERE advance_id = $1 ORDER BY recorded_at, kind",
                &[Value::Int(id)],
            )?
            .iter()
            .map(|s| {
                let c = Cols::new(s);
                Ok(AdvanceStepRow {
                    kind: c.parsed(0, "kind", StepKind::parse)?,
                    on_day: c.parsed(1, "on_day", parse_date)?,
                    due_on: c.opt_parsed(2, "due_on", parse_date)?,
                    amount: c.opt_int(3)?.map(Money::from_fen),
                    basis: c.text(4)?.to_owned(),
                    ledger_key: c.opt_text(5)?.map(str::to_owned),
                    recorded_by: c.text(6)?.to_owned(),
                    recorded_at: c.parsed(7, "recorded_at", ts)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let recoveries = db
            .rows(
                "reading advance recoveries",
                "SELECT id, debtor, received_on, amount_fen, document, ledger_key, recorded_by, recorded_at \
                 FROM fund_advance_recoveries WHERE advance_id = $1 ORDER BY received_on, id",
                &[Value::Int(id)],
            )?
            .iter()
            .map(|s| recovery_row(s, false))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut monthly = Vec::new();
        for m in db.rows(
            "reading advance monthly items",
            "SELECT m.benefit_id, b.item, b.beneficiary, m.from_month, b.end_month FROM fund_advance_monthly m \
             JOIN periodic_benefits b ON b.id = m.benefit_id WHERE m.advance_id = $1 ORDER BY m.benefit_id",
            &[Value::Int(id)],
        )? {
            let mc = Cols::new(&m);
            let benefit_id = mc.int(0)?;
            let months = db
                .rows(
                    "reading advance months",
                    "SELECT month, amount_fen FROM fund_advance_months WHERE advance_id = $1 AND benefit_id = $2 ORDER BY month",
                    &[Value::Int(id), Value::Int(benefit_id)],
                )?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok((c.parsed(0, "month", parse_month)?, Money::from_fen(c.int(1)?)))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            monthly.push(MonthlyAdvanceRow {
                benefit_id,
                item: mc.parsed(1, "item", |t: &str| {
                    from_col::<Item>("item", t)
                })?,
                beneficiary: mc.text(2)?.to_owned(),
                from_month: mc.parsed(3, "from_month", parse_month)?,
                benefit_end_month: mc.opt_parsed(4, "end_month", parse_month)?,
                months,
            });
        }
        let monthly_end = db
            .opt_row(
                "reading an advance's monthly end",
                "SELECT last_month, reason, note, recorded_by, recorded_at FROM fund_advance_monthly_ends WHERE advance_id = $1",
                &[Value::Int(id)],
            )?
            .map(|r| {
                let c = Cols::new(&r);
                Ok::<_, StoreError>(MonthlyEndRow {
                    last_month: c.parsed(0, "last_month", parse_month)?,
                    reason: c.parsed(1, "reason", |t: &str| {
                        MonthlyEnd::parse(t).ok_or_else(|| format!("{t:?} is not a monthly end"))
                    })?,
                    note: c.text(2)?.to_owned(),
                    recorded_by: c.text(3)?.to_owned(),
                    recorded_at: c.parsed(4, "recorded_at", ts)?,
                })
            })
            .transpose()?;
        out.push(AdvanceRow {
            id,
            case_id: c.int(1)?,
            case_number: c.text(2)?.to_owned(),
            unit: c.opt_text(3)?.map(str::to_owned),
            ground: c.parsed(4, "ground", |t: &str| {
                Ground::parse(t).ok_or_else(|| format!("{t:?} is not a ground"))
            })?,
            applicant: c.parsed(5, "applicant", |t: &str| {
                Applicant::parse(t).ok_or_else(|| format!("{t:?} is not an applicant"))
            })?,
            applicant_name: c.text(6)?.to_owned(),
            circumstance: c.text(7)?.to_owned(),
            third_party: c.opt_text(8)?.map(str::to_owned),
            applied_on: c.parsed(9, "applied_on", parse_date)?,
            documents: c.text(10)?.to_owned(),
            recorded_by: c.text(11)?.to_owned(),
            recorded_at: c.parsed(12, "recorded_at", ts)?,
            steps,
            recoveries,
            monthly,
            monthly_end,
        });
    }
    Ok(out)
}

fn recovery_row(r: &[Value], recorded_now: bool) -> Result<AdvanceRecoveryRow, StoreError> {
    let c = Cols::new(r);
    Ok(AdvanceRecoveryRow {
        id: c.int(0)?,
        debtor: c.parsed(1, "debtor", |t: &str| {
            Debtor::parse(t).ok_or_else(|| format!("{t:?} is not a debtor"))
        })?,
        received_on: c.parsed(2, "received_on", parse_date)?,
        amount: Money::from_fen(c.int(3)?),
        document: c.text(4)?.to_owned(),
        ledger_key: c.text(5)?.to_owned(),
        recorded_by: c.text(6)?.to_owned(),
        recorded_at: c.parsed(7, "recorded_at", ts)?,
        recorded_now,
    })
}

fn one(db: &mut dyn Db, id: i64) -> Result<AdvanceRow, StoreError> {
    load(db, "a.id = $1", &[Value::Int(id)])?
        .pop()
        .ok_or_else(|| StoreError::not_found("advance", id))
}

fn lock(db: &mut dyn Db, id: i64) -> Result<AdvanceRow, StoreError> {
    let sql = format!(
        "SELECT id FROM fund_advances WHERE id = $1{}",
        db.for_update()
    );
    if db
        .opt_row("locking an advance", &sql, &[Value::Int(id)])?
        .is_none()
    {
        return Err(StoreError::not_found("advance", id));
    }
    one(db, id)
}

/// The fund's advances. A part of [`crate::Store`].
pub trait AdvanceStore {
    /// Records an application with its audit row.
    fn record_advance(
        &self,
        a: &NewAdvance,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRow, StoreError>;

    /// Records a step: each kind once; a decision (granted or refused) once
    /// and not after the other; the unit's notice only before a decision;
    /// paid only after granted. `ledger` (paid) is posted in the same
    /// transaction and added to the fund's summary.
    fn record_advance_step(
        &self,
        advance_id: i64,
        step: &NewAdvanceStep,
        ledger: Option<&Transaction>,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRow, StoreError>;

    /// Records a repayment with its ledger transaction (income), once per
    /// ledger key: the same again answers the stored one, a different one
    /// under the key is a conflict. The recovered never exceeds the
    /// advanced (`amount` is refused).
    fn record_advance_recovery(
        &self,
        advance_id: i64,
        r: &NewAdvanceRecovery,
        ledger: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRecoveryRow, StoreError>;

    /// Ends the monthly advance of a granted advance after `last_month`,
    /// once; refused when a later month is already advanced (recover it
    /// instead) or the advance has no monthly items.
    fn end_monthly_advance(
        &self,
        advance_id: i64,
        end: &NewMonthlyEnd,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRow, StoreError>;

    /// Advances `month` of every monthly item of a paid advance: from its
    /// month, not after its end, of a running, unsuspended, unpaused
    /// benefit the unit pays, not yet advanced nor paid by the payroll for
    /// the month, at the amount in force. One ledger transaction per
    /// advance (`posting`), posted with the rows in one transaction, under
    /// the payroll run `run_id`. Running it again advances nothing twice.
    fn pay_advance_months(
        &self,
        month: Month,
        run_id: i64,
        posting: AdvanceMonthPosting<'_>,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceMonthsPaid, StoreError>;

    /// What a payroll run advanced (lines, total).
    fn advance_months_of_run(&self, run_id: i64) -> Result<(u64, Money), StoreError>;

    fn advances_of_case(&self, case_id: i64) -> Result<Vec<AdvanceRow>, StoreError>;

    /// The advances of the cases of a unit (its debts to the fund).
    fn advances_of_unit(&self, unit_code: &str) -> Result<Vec<AdvanceRow>, StoreError>;

    fn advance(&self, id: i64) -> Result<AdvanceRow, StoreError>;
}

impl<B: Backend> AdvanceStore for SqlStore<B> {
    fn record_advance(
        &self,
        a: &NewAdvance,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        self.backend.transaction(|db| {
            let id = db.insert_id(
                "recording an advance application",
                "INSERT INTO fund_advances (case_id, ground, applicant, applicant_name, circumstance, third_party, \
                 applied_on, documents, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    Value::Int(a.case_id),
                    Value::text(a.ground.as_str()),
                    Value::text(a.applicant.as_str()),
                    Value::text(a.applicant_name.trim()),
                    Value::text(a.circumstance.trim()),
                    Value::opt_text(a.third_party.clone()),
                    Value::text(a.applied_on.to_string()),
                    Value::text(a.documents.trim()),
                    Value::text(actor),
                    Value::text(at.to_string()),
                ],
                || StoreError::duplicate("advance", a.case_id),
            )?;
            audit(
                db,
                actor,
                at,
                "record_advance",
                "case",
                &a.case_id.to_string(),
                json!({
                    "id": id, "ground": a.ground.as_str(), "applicant": a.applicant.as_str(),
                    "applied_on": a.applied_on.to_string(), "circumstance": a.circumstance.trim(),
                }),
            )?;
            one(db, id)
        })
    }

    fn record_advance_step(
        &self,
        advance_id: i64,
        step: &NewAdvanceStep,
        ledger: Option<&Transaction>,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRow, StoreError> {
        self.backend.transaction(|db| {
            let row = lock(db, advance_id)?;
            let has = |k: StepKind| row.step(k).is_some();
            let decided = has(StepKind::Granted) || has(StepKind::Refused);
            let refusal = match step.kind {
                _ if has(step.kind) => Some(format!("it is already {}", step.kind.as_str())),
                StepKind::Demanded | StepKind::Granted | StepKind::Refused if decided => {
                    Some("it is already decided".to_owned())
                }
                StepKind::Paid if !has(StepKind::Granted) => {
                    Some("it is not granted".to_owned())
                }
                _ => None,
            };
            if let Some(reason) = refusal {
                return Err(StoreError::conflict("advance", advance_id, reason));
            }
            let key = match ledger {
                Some(tx) => {
                    post_new(db, tx, "advance", actor, at)?;
                    Some(tx.idempotency_key().as_str().to_owned())
                }
                None => None,
            };
            db.exec(
                "recording an advance step",
                "INSERT INTO fund_advance_steps (advance_id, kind, on_day, due_on, amount_fen, basis, ledger_key, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    Value::Int(advance_id),
                    Value::text(step.kind.as_str()),
                    Value::text(step.on_day.to_string()),
                    Value::opt_text(step.due_on.map(|d| d.to_string())),
                    Value::opt_int(step.amount.map(Money::fen)),
                    Value::text(step.basis.clone()),
                    Value::opt_text(key.clone()),
                    Value::text(actor),
                    Value::text(at.to_string()),
                ],
            )?;
            if !step.monthly.is_empty() && step.kind != StepKind::Granted {
                return Err(StoreError::invalid(
                    "monthly",
                    "monthly items are recorded with a grant only",
                ));
            }
            for m in &step.monthly {
                let owned = db.opt_row(
                    "checking an advance's monthly item",
                    "SELECT 1 FROM periodic_benefits WHERE id = $1 AND case_id = $2",
                    &[Value::Int(m.benefit_id), Value::Int(row.case_id)],
                )?;
                if owned.is_none() {
                    return Err(StoreError::invalid(
                        "monthly",
                        format!("benefit {} is not of the advance's case", m.benefit_id),
                    ));
                }
                db.exec(
                    "recording an advance's monthly item",
                    "INSERT INTO fund_advance_monthly (advance_id, benefit_id, from_month) VALUES ($1, $2, $3)",
                    &[
                        Value::Int(advance_id),
                        Value::Int(m.benefit_id),
                        Value::text(m.from_month.to_string()),
                    ],
                )?;
            }
            if let Some(tx) = ledger {
                add_to_fund_summary(db, tx)?;
            }
            audit(
                db,
                actor,
                at,
                "record_advance_step",
                "case",
                &row.case_id.to_string(),
                json!({
                    "advance": advance_id, "kind": step.kind.as_str(),
                    "on_day": step.on_day.to_string(),
                    "amount_fen": step.amount.map(Money::fen), "ledger": key,
                    "monthly": step.monthly.iter().map(|m| json!({"benefit": m.benefit_id, "from_month": m.from_month.to_string()})).collect::<Vec<_>>(),
                }),
            )?;
            one(db, advance_id)
        })
    }

    fn record_advance_recovery(
        &self,
        advance_id: i64,
        r: &NewAdvanceRecovery,
        ledger: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRecoveryRow, StoreError> {
        if r.amount.fen() <= 0 || ledger.amount() != r.amount {
            return Err(StoreError::invalid(
                "amount",
                format!(
                    "{} yuan; more than 0.00 and equal to the ledger's {} yuan",
                    r.amount,
                    ledger.amount()
                ),
            ));
        }
        let key = ledger.idempotency_key().as_str().to_owned();
        self.backend.transaction(|db| {
            let row = lock(db, advance_id)?;
            if let Some(stored) = row.recoveries.iter().find(|s| s.ledger_key == key) {
                return if (stored.debtor, stored.amount, stored.received_on)
                    == (r.debtor, r.amount, r.received_on)
                {
                    Ok(stored.clone())
                } else {
                    Err(StoreError::conflict(
                        "advance recovery",
                        &key,
                        format!(
                            "it is already recorded: {} yuan from the {} on {}",
                            stored.amount,
                            stored.debtor.as_str(),
                            stored.received_on
                        ),
                    ))
                };
            }
            let advanced = row.advanced();
            let recovered = row.recovered();
            let after = recovered.fen().saturating_add(r.amount.fen());
            if after > advanced.fen() {
                return Err(StoreError::invalid(
                    "amount",
                    format!(
                        "{} yuan; the advance is {} yuan and {} yuan is recovered, so at most {} yuan is owed",
                        r.amount,
                        advanced,
                        recovered,
                        Money::from_fen((advanced.fen() - recovered.fen()).max(0))
                    ),
                ));
            }
            post_new(db, ledger, "advance recovery", actor, at)?;
            let id = db.insert_id(
                "recording an advance recovery",
                "INSERT INTO fund_advance_recoveries (advance_id, debtor, received_on, amount_fen, document, \
                 ledger_key, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    Value::Int(advance_id),
                    Value::text(r.debtor.as_str()),
                    Value::text(r.received_on.to_string()),
                    Value::Int(r.amount.fen()),
                    Value::text(r.document.trim()),
                    Value::text(key.clone()),
                    Value::text(actor),
                    Value::text(at.to_string()),
                ],
                || StoreError::duplicate("advance recovery", &key),
            )?;
            add_to_fund_summary(db, ledger)?;
            audit(
                db,
                actor,
                at,
                "record_advance_recovery",
                "case",
                &row.case_id.to_string(),
                json!({
                    "advance": advance_id, "debtor": r.debtor.as_str(),
                    "received_on": r.received_on.to_string(), "amount_fen": r.amount.fen(),
                    "ledger": key,
                }),
            )?;
            Ok(AdvanceRecoveryRow {
                id,
                debtor: r.debtor,
                received_on: r.received_on,
                amount: r.amount,
                document: r.document.trim().to_owned(),
                ledger_key: key.clone(),
                recorded_by: actor.to_owned(),
                recorded_at: at,
                recorded_now: true,
            })
        })
    }

    fn end_monthly_advance(
        &self,
        advance_id: i64,
        end: &NewMonthlyEnd,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        let note = end.note.trim();
        if note.is_empty() {
            return Err(StoreError::invalid("note", "say what the end rests on"));
        }
        self.backend.transaction(|db| {
            let row = lock(db, advance_id)?;
            if row.monthly.is_empty() {
                return Err(StoreError::conflict(
                    "advance",
                    advance_id,
                    "it advances no monthly item",
                ));
            }
            if let Some(e) = &row.monthly_end {
                return Err(StoreError::conflict(
                    "advance",
                    advance_id,
                    format!("its monthly advance already ended after {}", e.last_month),
                ));
            }
            if let Some(last) = row.last_month_advanced()
                && last > end.last_month
            {
                return Err(StoreError::conflict(
                    "advance",
                    advance_id,
                    format!(
                        "{last} is already advanced, after the last month {}; recover it from whoever paid twice instead",
                        end.last_month
                    ),
                ));
            }
            db.exec(
                "ending an advance's monthly items",
                "INSERT INTO fund_advance_monthly_ends (advance_id, last_month, reason, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    Value::Int(advance_id),
                    Value::text(end.last_month.to_string()),
                    Value::text(end.reason.as_str()),
                    Value::text(note),
                    Value::text(actor),
                    Value::text(at.to_string()),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "end_monthly_advance",
                "case",
                &row.case_id.to_string(),
                json!({
                    "advance": advance_id, "last_month": end.last_month.to_string(),
                    "reason": end.reason.as_str(), "note": note,
                }),
            )?;
            one(db, advance_id)
        })
    }

    fn pay_advance_months(
        &self,
        month: Month,
        run_id: i64,
        posting: AdvanceMonthPosting<'_>,
        actor: &str,
        at: Timestamp,
    ) -> Result<AdvanceMonthsPaid, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        self.backend.transaction(|db| {
            // Few rows (the advances' monthly items): correlated probes of
            // primary keys on both backends.
            let due = db.rows(
                "reading the months to advance",
                "SELECT m.advance_id, b.id, (SELECT a.amount_fen FROM benefit_amounts a \
                   WHERE a.benefit_id = b.id AND a.from_month <= $1 ORDER BY a.from_month DESC LIMIT 1) \
                 FROM fund_advance_monthly m \
                 JOIN periodic_benefits b ON b.id = m.benefit_id \
                 WHERE m.from_month <= $1 \
                   AND EXISTS (SELECT 1 FROM fund_advance_steps p WHERE p.advance_id = m.advance_id AND p.kind = 'paid') \
                   AND NOT EXISTS (SELECT 1 FROM fund_advance_monthly_ends e WHERE e.advance_id = m.advance_id AND e.last_month < $1) \
                   AND b.payer = 'employer' AND b.suspended = 0 AND b.start_month <= $1 \
                   AND (b.end_month IS NULL OR b.end_month >= $1) \
                   AND NOT EXISTS (SELECT 1 FROM fund_advance_months x WHERE x.benefit_id = b.id AND x.month = $1) \
                   AND NOT EXISTS (SELECT 1 FROM payroll_lines l WHERE l.benefit_id = b.id AND l.month = $1) \
                   AND NOT EXISTS (SELECT 1 FROM benefit_pauses s WHERE s.benefit_id = b.id AND s.from_month <= $1 \
                                   AND (s.until_month IS NULL OR s.until_month >= $1)) \
                 ORDER BY m.advance_id, b.id",
                &[Value::text(month.to_string())],
            )?;
            // (advance, [(benefit, amount)])
            let mut by_advance: Vec<(i64, Vec<(i64, i64)>)> = Vec::new();
            for r in &due {
                let c = Cols::new(r);
                let (advance, benefit, fen) = (c.int(0)?, c.int(1)?, c.opt_int(2)?.unwrap_or(0));
                if fen <= 0 {
                    continue;
                }
                match by_advance.last_mut() {
                    Some((a, lines)) if *a == advance => lines.push((benefit, fen)),
                    _ => by_advance.push((advance, vec![(benefit, fen)])),
                }
            }
            let mut paid = AdvanceMonthsPaid::default();
            for (advance, lines) in by_advance {
                let sum = lines
                    .iter()
                    .try_fold(0_i64, |acc, (_, f)| acc.checked_add(*f))
                    .ok_or_else(|| StoreError::invalid("amount", "an advance beyond i64 fen"))?;
                let amount = Money::from_fen(sum);
                let tx = posting(advance, run_id, amount)?;
                if tx.amount() != amount {
                    return Err(StoreError::conflict(
                        "advance",
                        advance,
                        format!(
                            "its transaction posts {} but the months add up to {amount}",
                            tx.amount()
                        ),
                    ));
                }
                post_new(db, &tx, "advance month", actor, at)?;
                let key = tx.idempotency_key().as_str().to_owned();
                for (benefit, fen) in &lines {
                    db.exec(
                        "advancing a month",
                        "INSERT INTO fund_advance_months (benefit_id, month, advance_id, run_id, amount_fen, ledger_key) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        &[
                            Value::Int(*benefit),
                            Value::text(month.to_string()),
                            Value::Int(advance),
                            Value::Int(run_id),
                            Value::Int(*fen),
                            Value::text(key.clone()),
                        ],
                    )?;
                }
                add_to_fund_summary(db, &tx)?;
                paid.lines += lines.len() as u64;
                paid.total = Money::from_fen(paid.total.fen() + sum);
                paid.advances.push((advance, amount, key));
            }
            if paid.lines > 0 {
                audit(
                    db,
                    actor,
                    at,
                    "pay_advance_months",
                    "payroll_run",
                    &run_id.to_string(),
                    json!({
                        "month": month.to_string(), "lines": paid.lines, "total_fen": paid.total.fen(),
                        "advances": paid.advances.iter().map(|(a, m, k)| json!({"advance": a, "amount_fen": m.fen(), "ledger": k})).collect::<Vec<_>>(),
                    }),
                )?;
            }
            Ok(paid)
        })
    }

    fn advance_months_of_run(&self, run_id: i64) -> Result<(u64, Money), StoreError> {
        self.backend.read(|db| {
            let r = db.one_row(
                "reading a run's advanced months",
                "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM fund_advance_months WHERE run_id = $1",
                &[Value::Int(run_id)],
            )?;
            let c = Cols::new(&r);
            Ok((u64::try_from(c.int(0)?).unwrap_or(0), Money::from_fen(c.int(1)?)))
        })
    }

    fn advances_of_case(&self, case_id: i64) -> Result<Vec<AdvanceRow>, StoreError> {
        self.backend
            .read(|db| load(db, "a.case_id = $1", &[Value::Int(case_id)]))
    }

    fn advances_of_unit(&self, unit_code: &str) -> Result<Vec<AdvanceRow>, StoreError> {
        self.backend
            .read(|db| load(db, "c.unit_code = $1", &[Value::text(unit_code.to_owned())]))
    }

    fn advance(&self, id: i64) -> Result<AdvanceRow, StoreError> {
        self.backend.read(|db| one(db, id))
    }
}
