//! Who bears the work-injury liability when units change or workers are
//! lent out (Regulations Arts 43-44, Jiangsu measures Arts 35-36, Order
//! No. 56 Art 6; migration 0210): units' successions, secondments,
//! enrolments suspended while a worker is posted abroad, and the written
//! agreements with over-age workers. Every change writes its audit row in
//! the same transaction. The store decides nothing: the caller checks with
//! the domain (`gongshang_domain::liability`, `posting`, `over_age`).

use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::liability::{Secondment, Succession, SuccessionKind};
use gongshang_domain::over_age::OverAgeAgreement;
use gongshang_domain::posting::{CountryCode, Suspension, SuspensionReason};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_category, parse_date, unit_id};
use crate::error::StoreError;
use crate::model::Engagement;
use gongshang_rules::Money;

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn ts(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|e| e.to_string())
}

fn require_actor(actor: &str) -> Result<(), StoreError> {
    if actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "an actor is required"));
    }
    Ok(())
}

// ---- rows ---------------------------------------------------------------------

/// A succession to record, already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSuccession {
    pub succession: Succession,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuccessionRow {
    pub id: i64,
    pub predecessor: CreditCode,
    pub predecessor_name: String,
    pub successor: CreditCode,
    pub successor_name: String,
    pub kind: SuccessionKind,
    pub effective_on: Date,
    pub document: String,
    pub contractor_qualified: bool,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

impl SuccessionRow {
    pub fn succession(&self) -> Succession {
        Succession {
            predecessor: self.predecessor,
            successor: self.successor,
            kind: self.kind,
            effective_on: self.effective_on,
            document: self.document.clone(),
            contractor_qualified: self.contractor_qualified,
        }
    }
}

/// A predecessor's bill taken over by a successor (migration 0340), with
/// what it still owed then; checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSuccessionDebt {
    pub bill_id: i64,
    pub premiums: Money,
    pub late_fees: Money,
}

/// A bill taken over on a succession: the bill stays the unit's own (its
/// reference, its ledger), the debt is the successor's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuccessionDebtRow {
    pub id: i64,
    pub succession_id: i64,
    pub kind: SuccessionKind,
    pub effective_on: Date,
    /// Who passed the debt on (the bill's unit, or a unit that took it over
    /// before).
    pub from_unit: CreditCode,
    /// Who took it over.
    pub to_unit: CreditCode,
    pub bill_id: i64,
    pub reference: String,
    /// The unit the bill was issued to.
    pub bill_unit: CreditCode,
    pub period: String,
    pub due_date: Date,
    /// What the bill still owed when taken over.
    pub premiums: Money,
    pub late_fees: Money,
    pub assumed_on: Date,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A secondment to record on an engagement (its unit is the original
/// employer), already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSecondment {
    pub engagement_id: i64,
    pub to_unit: CreditCode,
    pub start: Date,
    pub end: Option<Date>,
    pub agreed_compensation_percent: Option<u8>,
    pub agreement: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecondmentRow {
    pub id: i64,
    pub engagement_id: i64,
    pub person: ResidentId,
    pub from_unit: CreditCode,
    pub to_unit: CreditCode,
    pub start: Date,
    pub end: Option<Date>,
    pub agreed_compensation_percent: Option<u8>,
    pub agreement: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

impl SecondmentRow {
    pub fn secondment(&self) -> Secondment {
        Secondment {
            from_unit: self.from_unit,
            to_unit: self.to_unit,
            start: self.start,
            end: self.end,
            agreed_compensation_percent: self.agreed_compensation_percent,
            agreement: self.agreement.clone(),
        }
    }
}

/// A suspension of an enrolment to record, already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSuspension {
    pub enrollment_id: i64,
    pub suspension: Suspension,
    /// The posting's document (the dispatch letter, the foreign policy).
    pub document: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuspensionRow {
    pub id: i64,
    pub enrollment_id: i64,
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub suspension: Suspension,
    pub document: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOverAgeAgreement {
    pub engagement_id: i64,
    pub agreement: OverAgeAgreement,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OverAgeAgreementRow {
    pub id: i64,
    pub engagement_id: i64,
    pub person: ResidentId,
    pub unit: CreditCode,
    pub agreement: OverAgeAgreement,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

const SUCCESSION_SELECT: &str = "SELECT s.id, p.credit_code, p.name, u.credit_code, u.name, s.kind, s.effective_on, s.document, s.contractor_qualified, s.recorded_by, s.recorded_at \
     FROM unit_successions s JOIN units p ON p.id = s.predecessor_id JOIN units u ON u.id = s.successor_id";

fn succession_of(row: &[Value]) -> Result<SuccessionRow, StoreError> {
    let c = Cols::new(row);
    Ok(SuccessionRow {
        id: c.int(0)?,
        predecessor: c.parsed(1, "predecessor", CreditCode::parse)?,
        predecessor_name: c.text(2)?.to_owned(),
        successor: c.parsed(3, "successor", CreditCode::parse)?,
        successor_name: c.text(4)?.to_owned(),
        kind: c.parsed(5, "kind", |s| s.parse::<SuccessionKind>())?,
        effective_on: c.parsed(6, "effective_on", parse_date)?,
        document: c.text(7)?.to_owned(),
        contractor_qualified: c.int(8)? == 1,
        recorded_by: c.text(9)?.to_owned(),
        recorded_at: c.parsed(10, "recorded_at", ts)?,
    })
}

const SECONDMENT_SELECT: &str = "SELECT s.id, s.engagement_id, p.resident_id, f.credit_code, u.credit_code, s.start_date, s.end_date, s.compensation_percent, s.agreement, s.recorded_by, s.recorded_at \
     FROM secondments s JOIN engagements g ON g.id = s.engagement_id JOIN people p ON p.id = g.person_id \
     JOIN units f ON f.id = g.unit_id JOIN units u ON u.id = s.to_unit_id";

fn secondment_of(row: &[Value]) -> Result<SecondmentRow, StoreError> {
    let c = Cols::new(row);
    Ok(SecondmentRow {
        id: c.int(0)?,
        engagement_id: c.int(1)?,
        person: c.parsed(2, "resident_id", ResidentId::parse)?,
        from_unit: c.parsed(3, "from_unit", CreditCode::parse)?,
        to_unit: c.parsed(4, "to_unit", CreditCode::parse)?,
        start: c.parsed(5, "start_date", parse_date)?,
        end: c.opt_parsed(6, "end_date", parse_date)?,
        agreed_compensation_percent: c.opt_int(7)?.and_then(|p| u8::try_from(p).ok()),
        agreement: c.opt_text(8)?.map(str::to_owned),
        recorded_by: c.text(9)?.to_owned(),
        recorded_at: c.parsed(10, "recorded_at", ts)?,
    })
}

const SUSPENSION_SELECT: &str = "SELECT s.id, s.enrollment_id, p.resident_id, u.credit_code, s.from_date, s.until_date, s.country, s.reason, s.document, s.recorded_by, s.recorded_at \
     FROM enrollment_suspensions s JOIN enrollments e ON e.id = s.enrollment_id JOIN people p ON p.id = e.person_id \
     LEFT JOIN units u ON u.id = e.unit_id";

fn suspension_of(row: &[Value]) -> Result<SuspensionRow, StoreError> {
    let c = Cols::new(row);
    Ok(SuspensionRow {
        id: c.int(0)?,
        enrollment_id: c.int(1)?,
        person: c.parsed(2, "resident_id", ResidentId::parse)?,
        unit: c.opt_parsed(3, "credit_code", CreditCode::parse)?,
        suspension: Suspension {
            from: c.parsed(4, "from_date", parse_date)?,
            until: c.opt_parsed(5, "until_date", parse_date)?,
            country: c.parsed(6, "country", CountryCode::parse)?,
            reason: c.parsed(7, "reason", |s| s.parse::<SuspensionReason>())?,
        },
        document: c.text(8)?.to_owned(),
        recorded_by: c.text(9)?.to_owned(),
        recorded_at: c.parsed(10, "recorded_at", ts)?,
    })
}

const AGREEMENT_SELECT: &str = "SELECT a.id, a.engagement_id, p.resident_id, u.credit_code, a.signed_on, a.term_start, a.term_end, a.work_content, a.work_place, a.working_hours, a.pay, a.social_insurance, a.labour_protection, a.recorded_by, a.recorded_at \
     FROM over_age_agreements a JOIN engagements g ON g.id = a.engagement_id JOIN people p ON p.id = g.person_id \
     JOIN units u ON u.id = g.unit_id";

fn agreement_of(row: &[Value]) -> Result<OverAgeAgreementRow, StoreError> {
    let c = Cols::new(row);
    Ok(OverAgeAgreementRow {
        id: c.int(0)?,
        engagement_id: c.int(1)?,
        person: c.parsed(2, "resident_id", ResidentId::parse)?,
        unit: c.parsed(3, "credit_code", CreditCode::parse)?,
        agreement: OverAgeAgreement {
            signed_on: c.parsed(4, "signed_on", parse_date)?,
            term_start: c.parsed(5, "term_start", parse_date)?,
            term_end: c.opt_parsed(6, "term_end", parse_date)?,
            work_content: c.text(7)?.to_owned(),
            work_place: c.text(8)?.to_owned(),
            working_hours: c.text(9)?.to_owned(),
            pay: c.text(10)?.to_owned(),
            social_insurance: c.text(11)?.to_owned(),
            labour_protection: c.text(12)?.to_owned(),
        },
        recorded_by: c.text(13)?.to_owned(),
        recorded_at: c.parsed(14, "recorded_at", ts)?,
    })
}

fn successions_where(
    db: &mut dyn Db,
    filter: &str,
    params: &[Value],
) -> Result<Vec<SuccessionRow>, StoreError> {
    let sql = format!("{SUCCESSION_SELECT} WHERE {filter} ORDER BY s.effective_on, s.id");
    db.rows("reading unit successions", &sql, params)?
        .iter()
        .map(|r| succession_of(r))
        .collect()
}

const DEBT_SELECT: &str = "SELECT d.id, d.succession_id, s.kind, s.effective_on, p.credit_code, u.credit_code, \
     d.bill_id, b.reference, bu.credit_code, b.period, b.due_date, d.premiums_fen, d.late_fees_fen, \
     d.assumed_on, d.recorded_by, d.recorded_at \
     FROM succession_debts d JOIN unit_successions s ON s.id = d.succession_id \
     JOIN units p ON p.id = s.predecessor_id JOIN units u ON u.id = s.successor_id \
     JOIN bills b ON b.id = d.bill_id JOIN units bu ON bu.id = b.unit_id";

fn debt_of(row: &[Value]) -> Result<SuccessionDebtRow, StoreError> {
    let c = Cols::new(row);
    Ok(SuccessionDebtRow {
        id: c.int(0)?,
        succession_id: c.int(1)?,
        kind: c.parsed(2, "kind", |s| s.parse::<SuccessionKind>())?,
        effective_on: c.parsed(3, "effective_on", parse_date)?,
        from_unit: c.parsed(4, "predecessor", CreditCode::parse)?,
        to_unit: c.parsed(5, "successor", CreditCode::parse)?,
        bill_id: c.int(6)?,
        reference: c.text(7)?.to_owned(),
        bill_unit: c.parsed(8, "bill unit", CreditCode::parse)?,
        period: c.text(9)?.to_owned(),
        due_date: c.parsed(10, "due_date", parse_date)?,
        premiums: Money::from_fen(c.int(11)?),
        late_fees: Money::from_fen(c.int(12)?),
        assumed_on: c.parsed(13, "assumed_on", parse_date)?,
        recorded_by: c.text(14)?.to_owned(),
        recorded_at: c.parsed(15, "recorded_at", ts)?,
    })
}

fn debts_where(
    db: &mut dyn Db,
    filter: &str,
    params: &[Value],
) -> Result<Vec<SuccessionDebtRow>, StoreError> {
    let sql = format!("{DEBT_SELECT} WHERE {filter} ORDER BY d.id");
    db.rows("reading the debts taken over on successions", &sql, params)?
        .iter()
        .map(|r| debt_of(r))
        .collect()
}

fn secondment_by_id(db: &mut dyn Db, id: i64) -> Result<Option<SecondmentRow>, StoreError> {
    let sql = format!("{SECONDMENT_SELECT} WHERE s.id = $1");
    db.opt_row("reading a secondment", &sql, &[i(id)])?
        .map(|r| secondment_of(&r))
        .transpose()
}

fn suspension_by_id(db: &mut dyn Db, id: i64) -> Result<Option<SuspensionRow>, StoreError> {
    let sql = format!("{SUSPENSION_SELECT} WHERE s.id = $1");
    db.opt_row("reading a suspension", &sql, &[i(id)])?
        .map(|r| suspension_of(&r))
        .transpose()
}

/// Successions, secondments, Art 44 suspensions and over-age agreements.
/// A part of [`crate::Store`].
pub trait LiabilityStore {
    /// Records a unit's succession (both units registered), with the audit
    /// row; the same predecessor, successor and kind twice is a `duplicate`.
    fn record_succession(
        &self,
        s: &NewSuccession,
        actor: &str,
        at: Timestamp,
    ) -> Result<SuccessionRow, StoreError>;
    /// The successions a unit took part in, as predecessor or successor.
    fn successions_of_unit(&self, unit: &CreditCode) -> Result<Vec<SuccessionRow>, StoreError>;
    /// Every succession reachable from `units`: those of the units and of
    /// their successors in turn, and the contracting outs to them (what
    /// `liability::liable_unit` and `check_succession` read).
    fn successions_from(&self, units: &[CreditCode]) -> Result<Vec<SuccessionRow>, StoreError>;

    /// An engagement by its id.
    fn engagement_by_id(&self, id: i64) -> Result<Option<Engagement>, StoreError>;

    fn record_secondment(
        &self,
        s: &NewSecondment,
        actor: &str,
        at: Timestamp,
    ) -> Result<SecondmentRow, StoreError>;
    /// Sets the last day of an open secondment (once).
    fn end_secondment(
        &self,
        id: i64,
        end: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<SecondmentRow, StoreError>;
    fn secondment(&self, id: i64) -> Result<Option<SecondmentRow>, StoreError>;
    /// The person's secondments, from every engagement, oldest first.
    fn secondments_of_person(&self, person: &ResidentId) -> Result<Vec<SecondmentRow>, StoreError>;

    fn record_suspension(
        &self,
        s: &NewSuspension,
        actor: &str,
        at: Timestamp,
    ) -> Result<SuspensionRow, StoreError>;
    /// Sets the last day of an open suspension (once): the worker returned.
    fn end_suspension(
        &self,
        id: i64,
        until: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<SuspensionRow, StoreError>;
    fn suspension(&self, id: i64) -> Result<Option<SuspensionRow>, StoreError>;
    /// The person's suspensions, of every enrolment, oldest first.
    fn suspensions_of_person(&self, person: &ResidentId) -> Result<Vec<SuspensionRow>, StoreError>;
    /// The suspensions of the enrolments of a unit (its declarations).
    fn suspensions_of_unit(&self, unit: &CreditCode) -> Result<Vec<SuspensionRow>, StoreError>;

    fn record_over_age_agreement(
        &self,
        a: &NewOverAgeAgreement,
        actor: &str,
        at: Timestamp,
    ) -> Result<OverAgeAgreementRow, StoreError>;
    /// The person's agreements, oldest first (a later one supersedes an
    /// earlier one of the same engagement).
    fn over_age_agreements_of_person(
        &self,
        person: &ResidentId,
    ) -> Result<Vec<OverAgeAgreementRow>, StoreError>;
    /// Records the bills a successor takes over on a succession, with one
    /// audit row, in one transaction: all or none. Each bill must still be
    /// owed by the succession's predecessor (its own, with no taking over
    /// since, or taken over by it last): else `conflict`. A bill taken over
    /// on the same succession before is a `duplicate`.
    fn record_succession_debts(
        &self,
        succession_id: i64,
        debts: &[NewSuccessionDebt],
        assumed_on: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<Vec<SuccessionDebtRow>, StoreError>;
    /// Every taking over of a bill the unit was issued, passed on or took
    /// over, in the order recorded: the bill is owed by the `to_unit` of its
    /// last row.
    fn succession_debts_touching(
        &self,
        unit: &CreditCode,
    ) -> Result<Vec<SuccessionDebtRow>, StoreError>;
}

impl<B: Backend> LiabilityStore for SqlStore<B> {
    fn record_succession(
        &self,
        n: &NewSuccession,
        actor: &str,
        at: Timestamp,
    ) -> Result<SuccessionRow, StoreError> {
        require_actor(actor)?;
        let s = &n.succession;
        self.backend.transaction(|db| {
            let predecessor = unit_id(db, &s.predecessor)?;
            let successor = unit_id(db, &s.successor)?;
            let id = db.insert_id(
                "recording a unit's succession",
                "INSERT INTO unit_successions (predecessor_id, successor_id, kind, effective_on, document, contractor_qualified, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    i(predecessor),
                    i(successor),
                    t(s.kind.as_str()),
                    t(s.effective_on),
                    t(s.document.trim()),
                    i(i64::from(s.contractor_qualified)),
                    t(actor),
                    t(at),
                ],
                || {
                    StoreError::duplicate(
                        "unit succession",
                        format!(
                            "{} of {} to {}",
                            s.kind.as_str(),
                            s.predecessor.as_str(),
                            s.successor.as_str()
                        ),
                    )
                },
            )?;
            audit(
                db,
                actor,
                at,
                "record_succession",
                "unit",
                s.predecessor.as_str(),
                json!({
                    "id": id, "successor": s.successor.as_str(), "kind": s.kind.as_str(),
                    "effective_on": s.effective_on.to_string(), "document": s.document.trim(),
                    "contractor_qualified": s.contractor_qualified,
                }),
            )?;
            successions_where(db, "s.id = $1", &[i(id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("unit succession", id))
        })
    }

    fn successions_of_unit(&self, unit: &CreditCode) -> Result<Vec<SuccessionRow>, StoreError> {
        self.backend.read(|db| {
            successions_where(
                db,
                "p.credit_code = $1 OR u.credit_code = $1",
                &[t(unit.as_str())],
            )
        })
    }

    fn successions_from(&self, units: &[CreditCode]) -> Result<Vec<SuccessionRow>, StoreError> {
        self.backend.read(|db| {
            let mut frontier: Vec<CreditCode> = units.to_vec();
            let mut seen: Vec<CreditCode> = Vec::new();
            let mut found: Vec<SuccessionRow> = Vec::new();
            while let Some(unit) = frontier.pop() {
                if seen.contains(&unit) {
                    continue;
                }
                seen.push(unit);
                let rows = successions_where(
                    db,
                    "p.credit_code = $1 OR (u.credit_code = $1 AND s.kind = 'contracting_out')",
                    &[t(unit.as_str())],
                )?;
                for r in rows {
                    if found.iter().any(|f| f.id == r.id) {
                        continue;
                    }
                    frontier.push(r.successor);
                    frontier.push(r.predecessor);
                    found.push(r);
                }
            }
            found.sort_by_key(|r| (r.effective_on, r.id));
            Ok(found)
        })
    }

    fn engagement_by_id(&self, id: i64) -> Result<Option<Engagement>, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading an engagement",
                "SELECT g.id, p.resident_id, u.credit_code, g.category, g.start_date, g.end_date \
                 FROM engagements g JOIN people p ON p.id = g.person_id JOIN units u ON u.id = g.unit_id \
                 WHERE g.id = $1",
                &[i(id)],
            )?;
            row.map(|r| {
                let c = Cols::new(&r);
                Ok(Engagement {
                    id: c.int(0)?,
                    person: c.parsed(1, "resident_id", ResidentId::parse)?,
                    unit: c.parsed(2, "credit_code", CreditCode::parse)?,
                    category: c.parsed(3, "category", parse_category)?,
                    start: c.parsed(4, "start_date", parse_date)?,
                    end: c.opt_parsed(5, "end_date", parse_date)?,
                })
            })
            .transpose()
        })
    }

    fn record_secondment(
        &self,
        s: &NewSecondment,
        actor: &str,
        at: Timestamp,
    ) -> Result<SecondmentRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            if db
                .opt_row(
                    "finding an engagement",
                    "SELECT id FROM engagements WHERE id = $1",
                    &[i(s.engagement_id)],
                )?
                .is_none()
            {
                return Err(StoreError::not_found("engagement", s.engagement_id));
            }
            let to_unit = unit_id(db, &s.to_unit)?;
            let id = db.insert_id(
                "recording a secondment",
                "INSERT INTO secondments (engagement_id, to_unit_id, start_date, end_date, compensation_percent, agreement, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    i(s.engagement_id),
                    i(to_unit),
                    t(s.start),
                    Value::opt_text(s.end.map(|d| d.to_string())),
                    Value::opt_int(s.agreed_compensation_percent.map(i64::from)),
                    Value::opt_text(s.agreement.as_ref().map(|a| a.trim().to_owned())),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("secondment", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "record_secondment",
                "engagement",
                &s.engagement_id.to_string(),
                json!({
                    "id": id, "to_unit": s.to_unit.as_str(), "start": s.start.to_string(),
                    "end": s.end.map(|d| d.to_string()),
                    "agreed_compensation_percent": s.agreed_compensation_percent,
                    "agreement": s.agreement,
                }),
            )?;
            secondment_by_id(db, id)?.ok_or_else(|| StoreError::not_found("secondment", id))
        })
    }

    fn end_secondment(
        &self,
        id: i64,
        end: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<SecondmentRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let n = db.exec(
                "ending a secondment",
                "UPDATE secondments SET end_date = $1 WHERE id = $2 AND end_date IS NULL AND start_date <= $1",
                &[t(end), i(id)],
            )?;
            if n == 0 {
                return match secondment_by_id(db, id)? {
                    None => Err(StoreError::not_found("secondment", id)),
                    Some(s) if s.end.is_some() => Err(StoreError::conflict(
                        "secondment",
                        id.to_string(),
                        "it has already ended",
                    )),
                    Some(s) => Err(StoreError::invalid(
                        "end",
                        format!("{end} is before the start {}", s.start),
                    )),
                };
            }
            audit(
                db,
                actor,
                at,
                "end_secondment",
                "secondment",
                &id.to_string(),
                json!({ "end": end.to_string() }),
            )?;
            secondment_by_id(db, id)?.ok_or_else(|| StoreError::not_found("secondment", id))
        })
    }

    fn secondment(&self, id: i64) -> Result<Option<SecondmentRow>, StoreError> {
        self.backend.read(|db| secondment_by_id(db, id))
    }

    fn secondments_of_person(&self, person: &ResidentId) -> Result<Vec<SecondmentRow>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("{SECONDMENT_SELECT} WHERE p.resident_id = $1 ORDER BY s.start_date, s.id");
            db.rows(
                "reading a person's secondments",
                &sql,
                &[t(person.as_str())],
            )?
            .iter()
            .map(|r| secondment_of(r))
            .collect()
        })
    }

    fn record_suspension(
        &self,
        s: &NewSuspension,
        actor: &str,
        at: Timestamp,
    ) -> Result<SuspensionRow, StoreError> {
        require_actor(actor)?;
        let p = &s.suspension;
        self.backend.transaction(|db| {
            if db
                .opt_row(
                    "finding an enrolment",
                    "SELECT id FROM enrollments WHERE id = $1",
                    &[i(s.enrollment_id)],
                )?
                .is_none()
            {
                return Err(StoreError::not_found("enrollment", s.enrollment_id));
            }
            let id = db.insert_id(
                "recording a suspension",
                "INSERT INTO enrollment_suspensions (enrollment_id, from_date, until_date, country, reason, document, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    i(s.enrollment_id),
                    t(p.from),
                    Value::opt_text(p.until.map(|d| d.to_string())),
                    t(p.country.as_str()),
                    t(p.reason.as_str()),
                    t(s.document.trim()),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("suspension", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "suspend_enrollment",
                "enrollment",
                &s.enrollment_id.to_string(),
                json!({
                    "id": id, "from": p.from.to_string(), "until": p.until.map(|d| d.to_string()),
                    "country": p.country.as_str(), "reason": p.reason.as_str(),
                    "document": s.document.trim(),
                }),
            )?;
            suspension_by_id(db, id)?.ok_or_else(|| StoreError::not_found("suspension", id))
        })
    }

    fn end_suspension(
        &self,
        id: i64,
        until: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<SuspensionRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let n = db.exec(
                "ending a suspension",
                "UPDATE enrollment_suspensions SET until_date = $1 WHERE id = $2 AND until_date IS NULL AND from_date <= $1",
                &[t(until), i(id)],
            )?;
            if n == 0 {
                return match suspension_by_id(db, id)? {
                    None => Err(StoreError::not_found("suspension", id)),
                    Some(s) if s.suspension.until.is_some() => Err(StoreError::conflict(
                        "suspension",
                        id.to_string(),
                        "it has already ended",
                    )),
                    Some(s) => Err(StoreError::invalid(
                        "until",
                        format!("{until} is before the first day suspended, {}", s.suspension.from),
                    )),
                };
            }
            audit(
                db,
                actor,
                at,
                "resume_enrollment",
                "suspension",
                &id.to_string(),
                json!({ "until": until.to_string() }),
            )?;
            suspension_by_id(db, id)?.ok_or_else(|| StoreError::not_found("suspension", id))
        })
    }

    fn suspension(&self, id: i64) -> Result<Option<SuspensionRow>, StoreError> {
        self.backend.read(|db| suspension_by_id(db, id))
    }

    fn suspensions_of_person(&self, person: &ResidentId) -> Result<Vec<SuspensionRow>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("{SUSPENSION_SELECT} WHERE p.resident_id = $1 ORDER BY s.from_date, s.id");
            db.rows(
                "reading a person's suspensions",
                &sql,
                &[t(person.as_str())],
            )?
            .iter()
            .map(|r| suspension_of(r))
            .collect()
        })
    }

    fn suspensions_of_unit(&self, unit: &CreditCode) -> Result<Vec<SuspensionRow>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("{SUSPENSION_SELECT} WHERE u.credit_code = $1 ORDER BY s.from_date, s.id");
            db.rows("reading a unit's suspensions", &sql, &[t(unit.as_str())])?
                .iter()
                .map(|r| suspension_of(r))
                .collect()
        })
    }

    fn record_over_age_agreement(
        &self,
        n: &NewOverAgeAgreement,
        actor: &str,
        at: Timestamp,
    ) -> Result<OverAgeAgreementRow, StoreError> {
        require_actor(actor)?;
        let a = &n.agreement;
        self.backend.transaction(|db| {
            if db
                .opt_row(
                    "finding an engagement",
                    "SELECT id FROM engagements WHERE id = $1",
                    &[i(n.engagement_id)],
                )?
                .is_none()
            {
                return Err(StoreError::not_found("engagement", n.engagement_id));
            }
            let id = db.insert_id(
                "recording an over-age agreement",
                "INSERT INTO over_age_agreements (engagement_id, signed_on, term_start, term_end, work_content, work_place, working_hours, pay, social_insurance, labour_protection, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    i(n.engagement_id),
                    t(a.signed_on),
                    t(a.term_start),
                    Value::opt_text(a.term_end.map(|d| d.to_string())),
                    t(a.work_content.trim()),
                    t(a.work_place.trim()),
                    t(a.working_hours.trim()),
                    t(a.pay.trim()),
                    t(a.social_insurance.trim()),
                    t(a.labour_protection.trim()),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("over-age agreement", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "record_over_age_agreement",
                "engagement",
                &n.engagement_id.to_string(),
                json!({
                    "id": id, "signed_on": a.signed_on.to_string(),
                    "term_start": a.term_start.to_string(),
                    "term_end": a.term_end.map(|d| d.to_string()),
                }),
            )?;
            let sql = format!("{AGREEMENT_SELECT} WHERE a.id = $1");
            agreement_of(&db.one_row("reading an over-age agreement", &sql, &[i(id)])?)
        })
    }

    fn over_age_agreements_of_person(
        &self,
        person: &ResidentId,
    ) -> Result<Vec<OverAgeAgreementRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{AGREEMENT_SELECT} WHERE p.resident_id = $1 ORDER BY a.id");
            db.rows(
                "reading a person's over-age agreements",
                &sql,
                &[t(person.as_str())],
            )?
            .iter()
            .map(|r| agreement_of(r))
            .collect()
        })
    }

    fn record_succession_debts(
        &self,
        succession_id: i64,
        debts: &[NewSuccessionDebt],
        assumed_on: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<Vec<SuccessionDebtRow>, StoreError> {
        require_actor(actor)?;
        if debts.is_empty() {
            return Err(StoreError::invalid("bills", "no bill to take over"));
        }
        if let Some(d) = debts.iter().find(|d| {
            d.premiums.fen() < 0
                || d.late_fees.fen() < 0
                || d.premiums.fen() + d.late_fees.fen() <= 0
        }) {
            return Err(StoreError::invalid(
                "bills",
                format!(
                    "bill {}: {} yuan premiums and {} yuan late fees; a debt taken over is more than 0.00",
                    d.bill_id, d.premiums, d.late_fees
                ),
            ));
        }
        self.backend.transaction(|db| {
            let s = successions_where(db, "s.id = $1", &[i(succession_id)])?
                .pop()
                .ok_or_else(|| StoreError::not_found("unit succession", succession_id))?;
            let predecessor = unit_id(db, &s.predecessor)?;
            let mut ids = Vec::with_capacity(debts.len());
            for d in debts {
                // Who owes the bill now: the successor of its last taking
                // over, else its own unit.
                // The bill's row lock orders two takings over of one bill.
                let lock = format!("SELECT id FROM bills WHERE id = $1{}", db.for_update());
                db.opt_row("locking a bill", &lock, &[i(d.bill_id)])?
                    .ok_or_else(|| StoreError::not_found("bill", d.bill_id))?;
                let row = db.one_row(
                    "finding who owes a bill",
                    "SELECT b.unit_id, (SELECT us.successor_id FROM succession_debts sd \
                     JOIN unit_successions us ON us.id = sd.succession_id \
                     WHERE sd.bill_id = b.id ORDER BY sd.id DESC LIMIT 1) \
                     FROM bills b WHERE b.id = $1",
                    &[i(d.bill_id)],
                )?;
                let c = Cols::new(&row);
                let owed_by = match c.opt_int(1)? {
                    Some(u) => u,
                    None => c.opt_int(0)?.unwrap_or(0),
                };
                if owed_by != predecessor {
                    return Err(StoreError::conflict(
                        "bill",
                        d.bill_id,
                        format!(
                            "bill {} is not owed by {} (taken over by another unit, or not its bill)",
                            d.bill_id,
                            s.predecessor.as_str()
                        ),
                    ));
                }
                let id = db.insert_id(
                    "recording a bill taken over on a succession",
                    "INSERT INTO succession_debts (succession_id, bill_id, premiums_fen, late_fees_fen, assumed_on, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[
                        i(succession_id),
                        i(d.bill_id),
                        i(d.premiums.fen()),
                        i(d.late_fees.fen()),
                        t(assumed_on),
                        t(actor),
                        t(at),
                    ],
                    || {
                        StoreError::duplicate(
                            "succession debt",
                            format!("bill {} on succession {succession_id}", d.bill_id),
                        )
                    },
                )?;
                ids.push(id);
            }
            audit(
                db,
                actor,
                at,
                "record_succession_debts",
                "unit",
                s.successor.as_str(),
                json!({
                    "succession": succession_id, "predecessor": s.predecessor.as_str(),
                    "kind": s.kind.as_str(), "assumed_on": assumed_on.to_string(),
                    "bills": debts.iter().map(|d| json!({
                        "bill": d.bill_id, "premiums_fen": d.premiums.fen(),
                        "late_fees_fen": d.late_fees.fen(),
                    })).collect::<Vec<_>>(),
                }),
            )?;
            let first = ids.iter().copied().min().unwrap_or(0);
            debts_where(
                db,
                "d.succession_id = $1 AND d.id >= $2",
                &[i(succession_id), i(first)],
            )
        })
    }

    fn succession_debts_touching(
        &self,
        unit: &CreditCode,
    ) -> Result<Vec<SuccessionDebtRow>, StoreError> {
        self.backend.read(|db| {
            debts_where(
                db,
                "bu.credit_code = $1 OR p.credit_code = $1 OR u.credit_code = $1",
                &[t(unit.as_str())],
            )
        })
    }
}
