//! The fund's advance payment (先行支付; Social Insurance Law Arts 41-42,
//! MOHRSS Order No. 15; migration 0270): the written application, what the
//! agency did on it once each (the unit's notice, the decision, the payment
//! out of the fund), and what the unit or the third party repaid. Append-only,
//! each change with its audit row and, for money, its ledger transaction and
//! the fund's summary in the same database transaction. The store checks only
//! the order of the steps and that the recovered never exceeds the advanced;
//! the app decides the rest with `gongshang_rules::advance`.

use gongshang_domain::ledger::Transaction;
use gongshang_rules::Money;
use gongshang_rules::advance::{Debtor, Ground};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

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
}

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
}

impl AdvanceRow {
    pub fn step(&self, kind: StepKind) -> Option<&AdvanceStepRow> {
        self.steps.iter().find(|s| s.kind == kind)
    }

    /// What the debtor owes in all (the granted total), once paid.
    pub fn advanced(&self) -> Money {
        match (self.step(StepKind::Granted), self.step(StepKind::Paid)) {
            (Some(g), Some(_)) => g.amount.unwrap_or(Money::ZERO),
            _ => Money::ZERO,
        }
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
