//! The handling records of Decree No. 765 (社会保险经办条例) kept outside a
//! case: a unit's registration applications and their 10 working days
//! (Arts 6, 10; migration 0231), and the record of dishonest acts (Art 45;
//! migration 0232), append-only: a correction or a withdrawal is a new row. Every change writes its audit row in the
//! same transaction; the store decides nothing: the caller counts the
//! deadline with the domain and checks the enrolment.

use gongshang_domain::handling::{CreditChange, CreditSource, CreditSubjectKind, RegistrationKind};
use gongshang_domain::ids::{CreditCode, ResidentId};
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

fn require_actor(actor: &str) -> Result<(), StoreError> {
    if actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "an actor is required"));
    }
    Ok(())
}

// ---- registration applications (Arts 6, 10) --------------------------------

/// An application as received, its due day counted by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRegistration {
    pub unit: CreditCode,
    pub person: ResidentId,
    pub kind: RegistrationKind,
    /// The employment's start (or end) the unit states.
    pub employment_on: Date,
    pub received_on: Date,
    pub due_on: Date,
    pub due_provisional: bool,
    /// The enrolment to end (an end only).
    pub enrollment_id: Option<i64>,
}

/// An application as stored, with its unit's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegistrationRow {
    pub id: i64,
    /// The unit's row (its page).
    pub unit_id: i64,
    pub unit: CreditCode,
    pub unit_name: String,
    pub person: ResidentId,
    pub kind: RegistrationKind,
    pub employment_on: Date,
    pub received_on: Date,
    pub due_on: Date,
    pub due_provisional: bool,
    pub enrollment_id: Option<i64>,
    pub completed_on: Option<Date>,
    /// Completed after the due day (none while open).
    pub late: Option<bool>,
    pub completed_by: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// Registration applications. A part of [`crate::Store`].
pub trait RegistrationStore {
    /// Records an application received, with its audit row. One open
    /// application per unit, person and kind (`duplicate`).
    fn receive_registration(
        &self,
        r: &NewRegistration,
        actor: &str,
        at: Timestamp,
    ) -> Result<RegistrationRow, StoreError>;

    /// Completes an open application with the enrolment it made or ended,
    /// once (`conflict` when already completed).
    fn complete_registration(
        &self,
        id: i64,
        enrollment_id: i64,
        completed_on: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<RegistrationRow, StoreError>;

    fn registration(&self, id: i64) -> Result<Option<RegistrationRow>, StoreError>;

    /// The applications not completed yet, the earliest due first.
    fn open_registrations(&self, limit: u32) -> Result<Vec<RegistrationRow>, StoreError>;

    /// A unit's applications, the newest first.
    fn registrations_of_unit(&self, unit: &CreditCode) -> Result<Vec<RegistrationRow>, StoreError>;
}

const REGISTRATION_SELECT: &str = "SELECT r.id, u.credit_code, u.name, r.resident_id, r.kind, r.employment_on, \
     r.received_on, r.due_on, r.due_provisional, r.enrollment_id, r.completed_on, r.late, r.completed_by, \
     r.recorded_by, r.recorded_at, u.id FROM registration_applications r JOIN units u ON u.id = r.unit_id";

fn registration_row(row: &[Value]) -> Result<RegistrationRow, StoreError> {
    let c = Cols::new(row);
    Ok(RegistrationRow {
        id: c.int(0)?,
        unit_id: c.int(15)?,
        unit: c.parsed(1, "credit_code", CreditCode::parse)?,
        unit_name: c.text(2)?.to_owned(),
        person: c.parsed(3, "resident_id", ResidentId::parse)?,
        kind: c.parsed(4, "kind", RegistrationKind::parse)?,
        employment_on: c.parsed(5, "employment_on", parse_date)?,
        received_on: c.parsed(6, "received_on", parse_date)?,
        due_on: c.parsed(7, "due_on", parse_date)?,
        due_provisional: c.int(8)? == 1,
        enrollment_id: c.opt_int(9)?,
        completed_on: c.opt_parsed(10, "completed_on", parse_date)?,
        late: c.opt_int(11)?.map(|l| l == 1),
        completed_by: c.opt_text(12)?.map(str::to_owned),
        recorded_by: c.text(13)?.to_owned(),
        recorded_at: c.parsed(14, "recorded_at", parse_timestamp)?,
    })
}

fn registration_by_id(db: &mut dyn Db, id: i64) -> Result<Option<RegistrationRow>, StoreError> {
    db.opt_row(
        "reading a registration application",
        &format!("{REGISTRATION_SELECT} WHERE r.id = $1"),
        &[i(id)],
    )?
    .map(|r| registration_row(&r))
    .transpose()
}

impl<B: Backend> RegistrationStore for SqlStore<B> {
    fn receive_registration(
        &self,
        r: &NewRegistration,
        actor: &str,
        at: Timestamp,
    ) -> Result<RegistrationRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let unit = unit_id(db, &r.unit)?;
            let id = db.insert_id(
                "recording a registration application",
                "INSERT INTO registration_applications (unit_id, resident_id, kind, employment_on, received_on, \
                 due_on, due_provisional, enrollment_id, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    i(unit),
                    t(r.person.as_str()),
                    t(r.kind.as_str()),
                    t(r.employment_on),
                    t(r.received_on),
                    t(r.due_on),
                    i(i64::from(r.due_provisional)),
                    Value::opt_int(r.enrollment_id),
                    t(actor),
                    t(at),
                ],
                || {
                    StoreError::duplicate(
                        "registration application",
                        format!(
                            "an open {} of {} at {}",
                            r.kind.as_str(),
                            r.person.masked(),
                            r.unit.as_str()
                        ),
                    )
                },
            )?;
            audit(
                db,
                actor,
                at,
                "receive_registration",
                "registration_application",
                &id.to_string(),
                json!({
                    "unit": r.unit.as_str(),
                    "kind": r.kind.as_str(),
                    "employment_on": r.employment_on.to_string(),
                    "received_on": r.received_on.to_string(),
                    "due_on": r.due_on.to_string(),
                    "enrollment_id": r.enrollment_id,
                }),
            )?;
            registration_by_id(db, id)?
                .ok_or_else(|| StoreError::not_found("registration application", id))
        })
    }

    fn complete_registration(
        &self,
        id: i64,
        enrollment_id: i64,
        completed_on: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<RegistrationRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let before = registration_by_id(db, id)?
                .ok_or_else(|| StoreError::not_found("registration application", id))?;
            if before.completed_on.is_some() {
                return Err(StoreError::conflict(
                    "registration application",
                    id.to_string(),
                    "it is already completed".to_owned(),
                ));
            }
            let late = completed_on > before.due_on;
            let n = db.exec(
                "completing a registration application",
                "UPDATE registration_applications SET enrollment_id = $1, completed_on = $2, late = $3, \
                 completed_by = $4, completed_at = $5 WHERE id = $6 AND completed_on IS NULL",
                &[
                    i(enrollment_id),
                    t(completed_on),
                    i(i64::from(late)),
                    t(actor),
                    t(at),
                    i(id),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::conflict(
                    "registration application",
                    id.to_string(),
                    "it is already completed".to_owned(),
                ));
            }
            audit(
                db,
                actor,
                at,
                "complete_registration",
                "registration_application",
                &id.to_string(),
                json!({
                    "enrollment_id": enrollment_id,
                    "completed_on": completed_on.to_string(),
                    "due_on": before.due_on.to_string(),
                    "late": late,
                }),
            )?;
            registration_by_id(db, id)?
                .ok_or_else(|| StoreError::not_found("registration application", id))
        })
    }

    fn registration(&self, id: i64) -> Result<Option<RegistrationRow>, StoreError> {
        self.backend.read(|db| registration_by_id(db, id))
    }

    fn open_registrations(&self, limit: u32) -> Result<Vec<RegistrationRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the open registration applications",
                &format!(
                    "{REGISTRATION_SELECT} WHERE r.completed_on IS NULL ORDER BY r.due_on, r.id LIMIT $1"
                ),
                &[i(i64::from(limit))],
            )?
            .iter()
            .map(|r| registration_row(r))
            .collect()
        })
    }

    fn registrations_of_unit(&self, unit: &CreditCode) -> Result<Vec<RegistrationRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a unit's registration applications",
                &format!("{REGISTRATION_SELECT} WHERE u.credit_code = $1 ORDER BY r.id DESC"),
                &[t(unit.as_str())],
            )?
            .iter()
            .map(|r| registration_row(r))
            .collect()
        })
    }
}

// ---- the record of dishonest acts (Art 45) ----------------------------------

/// A dishonest act to record, its source checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCreditRecord {
    pub subject_kind: CreditSubjectKind,
    pub subject_key: String,
    pub act: String,
    pub article: String,
    pub acted_on: Date,
    pub source: CreditSource,
    pub source_ref: String,
}

/// A change of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreditChangeRow {
    pub id: i64,
    pub change: CreditChange,
    pub act: Option<String>,
    pub article: Option<String>,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A record as first written, with its changes in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreditRecordRow {
    pub id: i64,
    pub subject_kind: CreditSubjectKind,
    pub subject_key: String,
    pub act: String,
    pub article: String,
    pub acted_on: Date,
    pub source: CreditSource,
    pub source_ref: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub changes: Vec<CreditChangeRow>,
}

impl CreditRecordRow {
    /// The act as last corrected.
    pub fn current_act(&self) -> &str {
        self.changes
            .iter()
            .rev()
            .find_map(|c| c.act.as_deref())
            .unwrap_or(&self.act)
    }

    /// The article as last corrected.
    pub fn current_article(&self) -> &str {
        self.changes
            .iter()
            .rev()
            .find_map(|c| c.article.as_deref())
            .unwrap_or(&self.article)
    }

    /// The withdrawal, if the record was withdrawn.
    pub fn withdrawn(&self) -> Option<&CreditChangeRow> {
        self.changes
            .iter()
            .find(|c| c.change == CreditChange::Withdraw)
    }
}

/// The record of dishonest acts. A part of [`crate::Store`].
pub trait CreditStore {
    /// Records an act with its audit row; once per subject and source
    /// (`duplicate`).
    fn record_credit(
        &self,
        r: &NewCreditRecord,
        actor: &str,
        at: Timestamp,
    ) -> Result<CreditRecordRow, StoreError>;

    /// Appends a correction or the withdrawal (`conflict` once withdrawn).
    #[allow(clippy::too_many_arguments)]
    fn change_credit(
        &self,
        record_id: i64,
        change: CreditChange,
        act: Option<&str>,
        article: Option<&str>,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<CreditRecordRow, StoreError>;

    fn credit_record(&self, id: i64) -> Result<Option<CreditRecordRow>, StoreError>;

    /// A subject's records, the newest first.
    fn credit_records_of(
        &self,
        kind: CreditSubjectKind,
        key: &str,
    ) -> Result<Vec<CreditRecordRow>, StoreError>;

    /// Every record of a kind of subject, the newest first (the register of
    /// institutions' page).
    fn credit_records_of_kind(
        &self,
        kind: CreditSubjectKind,
        limit: u32,
    ) -> Result<Vec<CreditRecordRow>, StoreError>;
}

const CREDIT_SELECT: &str = "SELECT id, subject_kind, subject_key, act, article, acted_on, source_kind, source_ref, \
     recorded_by, recorded_at FROM credit_records";

fn credit_row(db: &mut dyn Db, row: &[Value]) -> Result<CreditRecordRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    let changes = db
        .rows(
            "reading a credit record's changes",
            "SELECT id, change, act, article, reason, recorded_by, recorded_at FROM credit_record_changes \
             WHERE record_id = $1 ORDER BY id",
            &[i(id)],
        )?
        .iter()
        .map(|r| {
            let c = Cols::new(r);
            Ok(CreditChangeRow {
                id: c.int(0)?,
                change: c.parsed(1, "change", CreditChange::parse)?,
                act: c.opt_text(2)?.map(str::to_owned),
                article: c.opt_text(3)?.map(str::to_owned),
                reason: c.text(4)?.to_owned(),
                recorded_by: c.text(5)?.to_owned(),
                recorded_at: c.parsed(6, "recorded_at", parse_timestamp)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(CreditRecordRow {
        id,
        subject_kind: c.parsed(1, "subject_kind", CreditSubjectKind::parse)?,
        subject_key: c.text(2)?.to_owned(),
        act: c.text(3)?.to_owned(),
        article: c.text(4)?.to_owned(),
        acted_on: c.parsed(5, "acted_on", parse_date)?,
        source: c.parsed(6, "source_kind", CreditSource::parse)?,
        source_ref: c.text(7)?.to_owned(),
        recorded_by: c.text(8)?.to_owned(),
        recorded_at: c.parsed(9, "recorded_at", parse_timestamp)?,
        changes,
    })
}

fn credit_by_id(db: &mut dyn Db, id: i64) -> Result<Option<CreditRecordRow>, StoreError> {
    match db.opt_row(
        "reading a credit record",
        &format!("{CREDIT_SELECT} WHERE id = $1"),
        &[i(id)],
    )? {
        Some(r) => credit_row(db, &r).map(Some),
        None => Ok(None),
    }
}

impl<B: Backend> CreditStore for SqlStore<B> {
    fn record_credit(
        &self,
        r: &NewCreditRecord,
        actor: &str,
        at: Timestamp,
    ) -> Result<CreditRecordRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let id = db.insert_id(
                "recording a dishonest act",
                "INSERT INTO credit_records (subject_kind, subject_key, act, article, acted_on, source_kind, \
                 source_ref, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    t(r.subject_kind.as_str()),
                    t(&r.subject_key),
                    t(&r.act),
                    t(&r.article),
                    t(r.acted_on),
                    t(r.source.as_str()),
                    t(&r.source_ref),
                    t(actor),
                    t(at),
                ],
                || {
                    StoreError::duplicate(
                        "credit record",
                        format!("of this subject on {} {}", r.source.as_str(), r.source_ref),
                    )
                },
            )?;
            audit(
                db,
                actor,
                at,
                "record_credit",
                "credit_record",
                &id.to_string(),
                json!({
                    "subject_kind": r.subject_kind.as_str(),
                    "source": r.source.as_str(),
                    "source_ref": r.source_ref,
                    "article": r.article,
                    "acted_on": r.acted_on.to_string(),
                }),
            )?;
            credit_by_id(db, id)?.ok_or_else(|| StoreError::not_found("credit record", id))
        })
    }

    fn change_credit(
        &self,
        record_id: i64,
        change: CreditChange,
        act: Option<&str>,
        article: Option<&str>,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<CreditRecordRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let before = credit_by_id(db, record_id)?
                .ok_or_else(|| StoreError::not_found("credit record", record_id))?;
            if before.withdrawn().is_some() {
                return Err(StoreError::conflict(
                    "credit record",
                    record_id.to_string(),
                    "it is withdrawn".to_owned(),
                ));
            }
            db.exec(
                "changing a credit record",
                "INSERT INTO credit_record_changes (record_id, change, act, article, reason, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    i(record_id),
                    t(change.as_str()),
                    Value::opt_text(act.map(str::to_owned)),
                    Value::opt_text(article.map(str::to_owned)),
                    t(reason),
                    t(actor),
                    t(at),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "change_credit",
                "credit_record",
                &record_id.to_string(),
                json!({"change": change.as_str(), "reason": reason}),
            )?;
            credit_by_id(db, record_id)?
                .ok_or_else(|| StoreError::not_found("credit record", record_id))
        })
    }

    fn credit_record(&self, id: i64) -> Result<Option<CreditRecordRow>, StoreError> {
        self.backend.read(|db| credit_by_id(db, id))
    }

    fn credit_records_of(
        &self,
        kind: CreditSubjectKind,
        key: &str,
    ) -> Result<Vec<CreditRecordRow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading a subject's credit records",
                &format!(
                    "{CREDIT_SELECT} WHERE subject_kind = $1 AND subject_key = $2 ORDER BY id DESC"
                ),
                &[t(kind.as_str()), t(key)],
            )?;
            rows.iter().map(|r| credit_row(db, r)).collect()
        })
    }

    fn credit_records_of_kind(
        &self,
        kind: CreditSubjectKind,
        limit: u32,
    ) -> Result<Vec<CreditRecordRow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading credit records",
                &format!("{CREDIT_SELECT} WHERE subject_kind = $1 ORDER BY id DESC LIMIT $2"),
                &[t(kind.as_str()), i(i64::from(limit))],
            )?;
            rows.iter().map(|r| credit_row(db, r)).collect()
        })
    }
}
