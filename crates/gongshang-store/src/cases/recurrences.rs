//! A recurrence of a recognised injury (旧伤复发, Regulations Art 38), kept on
//! the old case: the confirmation (`case_recurrences`, numbered 1, 2, ... per
//! case, append-only) and its suspension wages (`recurrence_awards`),
//! proposed by one person and approved by another; approving one withdraws
//! the recurrence's other proposals, and a recurrence has at most one
//! approved award (a unique index). The store decides nothing: the caller
//! checks the dates and computes the amount.

use gongshang_domain::recurrence::ConfirmingBody;

use super::*;

/// A recurrence to record, already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecurrence {
    pub case_id: i64,
    pub recurred_on: Date,
    pub confirmed_by: ConfirmingBody,
    pub confirming_body_name: String,
    pub confirmed_on: Date,
    pub document: String,
    /// The medical costs of the recurrence (Art 30): a note; the fund pays
    /// them on the hospital's bills.
    pub medical_note: String,
}

/// A recorded recurrence with its awards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecurrenceRow {
    pub id: i64,
    pub case_id: i64,
    pub seq: i64,
    pub recurred_on: Date,
    pub confirmed_by: ConfirmingBody,
    pub confirming_body_name: String,
    pub confirmed_on: Date,
    pub document: String,
    pub medical_note: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub awards: Vec<RecurrenceAwardRow>,
}

/// Where a recurrence's award stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceAwardStatus {
    Proposed,
    Approved,
    Withdrawn,
}

impl RecurrenceAwardStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            RecurrenceAwardStatus::Proposed => "proposed",
            RecurrenceAwardStatus::Approved => "approved",
            RecurrenceAwardStatus::Withdrawn => "withdrawn",
        }
    }

    fn parse(s: &str) -> Result<Self, String> {
        match s {
            "proposed" => Ok(RecurrenceAwardStatus::Proposed),
            "approved" => Ok(RecurrenceAwardStatus::Approved),
            "withdrawn" => Ok(RecurrenceAwardStatus::Withdrawn),
            other => Err(format!("recurrence award status {other:?} is not known")),
        }
    }
}

/// The suspension wages of a recurrence, as proposed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecurrenceAward {
    pub case_id: i64,
    pub recurrence_id: i64,
    pub wage_at_recurrence: Money,
    pub suspension_months: u32,
    pub extension_confirmed: bool,
    pub suspension_wages: Money,
    /// The rules engine's trace (JSON).
    pub trace: String,
}

/// A stored award of a recurrence. The payer is always the employer (Art 33).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecurrenceAwardRow {
    pub id: i64,
    pub case_id: i64,
    pub recurrence_id: i64,
    pub status: RecurrenceAwardStatus,
    pub wage_at_recurrence: Money,
    pub suspension_months: u32,
    pub extension_confirmed: bool,
    pub suspension_wages: Money,
    pub payer: Payer,
    pub trace: String,
    pub made_by: String,
    pub made_at: Timestamp,
    pub checked_by: Option<String>,
    pub checked_at: Option<Timestamp>,
}

const RECURRENCE_COLUMNS: &str = "id, case_id, seq, recurred_on, confirmed_by, confirming_body_name, confirmed_on, document, medical_note, recorded_by, recorded_at";
const AWARD_COLUMNS: &str = "id, case_id, recurrence_id, status, wage_at_recurrence_fen, suspension_months, extension_confirmed, suspension_wages_fen, trace, made_by, made_at, checked_by, checked_at";

fn award_of(row: &[Value]) -> Result<RecurrenceAwardRow, StoreError> {
    let c = Cols::new(row);
    Ok(RecurrenceAwardRow {
        id: c.int(0)?,
        case_id: c.int(1)?,
        recurrence_id: c.int(2)?,
        status: c.parsed(3, "status", RecurrenceAwardStatus::parse)?,
        wage_at_recurrence: Money::from_fen(c.int(4)?),
        suspension_months: u32::try_from(c.int(5)?).unwrap_or(0),
        extension_confirmed: c.int(6)? == 1,
        suspension_wages: Money::from_fen(c.int(7)?),
        payer: Payer::Employer,
        trace: c.text(8)?.to_owned(),
        made_by: c.text(9)?.to_owned(),
        made_at: c.parsed(10, "made_at", parse_ts)?,
        checked_by: c.opt_text(11)?.map(str::to_owned),
        checked_at: c.opt_parsed(12, "checked_at", parse_ts)?,
    })
}

fn recurrence_of(db: &mut dyn Db, row: &[Value]) -> Result<RecurrenceRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    let sql = format!(
        "SELECT {AWARD_COLUMNS} FROM recurrence_awards WHERE recurrence_id = $1 ORDER BY id"
    );
    let awards = db
        .rows("reading a recurrence's awards", &sql, &[i(id)])?
        .iter()
        .map(|r| award_of(r))
        .collect::<Result<_, _>>()?;
    Ok(RecurrenceRow {
        id,
        case_id: c.int(1)?,
        seq: c.int(2)?,
        recurred_on: c.parsed(3, "recurred_on", parse_date)?,
        confirmed_by: c.parsed(4, "confirmed_by", |s| s.parse::<ConfirmingBody>())?,
        confirming_body_name: c.text(5)?.to_owned(),
        confirmed_on: c.parsed(6, "confirmed_on", parse_date)?,
        document: c.text(7)?.to_owned(),
        medical_note: c.text(8)?.to_owned(),
        recorded_by: c.text(9)?.to_owned(),
        recorded_at: c.parsed(10, "recorded_at", parse_ts)?,
        awards,
    })
}

fn award_by_id(db: &mut dyn Db, id: i64) -> Result<Option<RecurrenceAwardRow>, StoreError> {
    let sql = format!("SELECT {AWARD_COLUMNS} FROM recurrence_awards WHERE id = $1");
    match db.opt_row("reading a recurrence's award", &sql, &[i(id)])? {
        Some(r) => award_of(&r).map(Some),
        None => Ok(None),
    }
}

/// Recurrences of recognised injuries and their suspension wages. A part of [`Store`].
pub trait RecurrenceStore {
    /// Records the case's next recurrence (its number `after + 1`, `after`
    /// being how many the caller checked against; another first is a
    /// `conflict`), with the audit row, in one transaction.
    fn record_recurrence(
        &self,
        recurrence: &NewRecurrence,
        after: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<RecurrenceRow, StoreError>;
    /// The case's recurrences in order, each with its awards.
    fn recurrences_of_case(&self, case_id: i64) -> Result<Vec<RecurrenceRow>, StoreError>;
    /// Stores a proposed award of a recurrence, with the audit row.
    fn propose_recurrence_award(
        &self,
        award: &NewRecurrenceAward,
        maker: &str,
        at: Timestamp,
    ) -> Result<RecurrenceAwardRow, StoreError>;
    fn recurrence_award(&self, id: i64) -> Result<Option<RecurrenceAwardRow>, StoreError>;
    /// Approves a proposed award by `checker`, never its maker; the
    /// recurrence's other proposals are withdrawn; one transaction.
    fn approve_recurrence_award(
        &self,
        id: i64,
        checker: &str,
        at: Timestamp,
    ) -> Result<RecurrenceAwardRow, StoreError>;
}

impl<B: Backend> RecurrenceStore for SqlStore<B> {
    fn record_recurrence(
        &self,
        r: &NewRecurrence,
        after: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<RecurrenceRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            if db
                .opt_row("finding the case of a recurrence", "SELECT id FROM cases WHERE id = $1", &[i(r.case_id)])?
                .is_none()
            {
                return Err(StoreError::not_found("case", r.case_id));
            }
            let row = db.one_row(
                "counting the recurrences of a case",
                "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM case_recurrences WHERE case_id = $1",
                &[i(r.case_id)],
            )?;
            let last = Cols::new(&row).int(0)?;
            if last != after {
                return Err(StoreError::conflict(
                    "case",
                    r.case_id.to_string(),
                    format!("it has {last} recurrences recorded, not {after}; read it again"),
                ));
            }
            let seq = after + 1;
            let sql = format!(
                "INSERT INTO case_recurrences (case_id, seq, recurred_on, confirmed_by, confirming_body_name, confirmed_on, document, medical_note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {RECURRENCE_COLUMNS}"
            );
            let row = db.one_row(
                "recording a recurrence",
                &sql,
                &[
                    i(r.case_id),
                    i(seq),
                    t(r.recurred_on),
                    t(r.confirmed_by.as_str()),
                    t(r.confirming_body_name.trim()),
                    t(r.confirmed_on),
                    t(r.document.trim()),
                    t(r.medical_note.trim()),
                    t(actor),
                    t(at),
                ],
            )?;
            let stored = recurrence_of(db, &row)?;
            audit(
                db,
                actor,
                at,
                "record_recurrence",
                "case",
                &r.case_id.to_string(),
                json!({
                    "seq": seq, "recurred_on": r.recurred_on.to_string(),
                    "confirmed_by": r.confirmed_by.as_str(), "confirmed_on": r.confirmed_on.to_string(),
                    "document": r.document.trim(),
                }),
            )?;
            Ok(stored)
        })
    }

    fn recurrences_of_case(&self, case_id: i64) -> Result<Vec<RecurrenceRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {RECURRENCE_COLUMNS} FROM case_recurrences WHERE case_id = $1 ORDER BY seq"
            );
            let rows = db.rows("reading the recurrences of a case", &sql, &[i(case_id)])?;
            rows.iter().map(|r| recurrence_of(db, r)).collect()
        })
    }

    fn propose_recurrence_award(
        &self,
        a: &NewRecurrenceAward,
        maker: &str,
        at: Timestamp,
    ) -> Result<RecurrenceAwardRow, StoreError> {
        require_actor(maker)?;
        self.backend.transaction(|db| {
            let owner = db.opt_row(
                "finding a recurrence",
                "SELECT case_id FROM case_recurrences WHERE id = $1",
                &[i(a.recurrence_id)],
            )?;
            match owner {
                Some(r) if Cols::new(&r).int(0)? == a.case_id => {}
                _ => return Err(StoreError::not_found("recurrence", a.recurrence_id)),
            }
            let sql = format!(
                "INSERT INTO recurrence_awards (case_id, recurrence_id, status, wage_at_recurrence_fen, suspension_months, extension_confirmed, suspension_wages_fen, payer, trace, made_by, made_at) \
                 VALUES ($1, $2, 'proposed', $3, $4, $5, $6, 'employer', $7, $8, $9) RETURNING {AWARD_COLUMNS}"
            );
            let row = db.one_row(
                "proposing a recurrence's award",
                &sql,
                &[
                    i(a.case_id),
                    i(a.recurrence_id),
                    i(a.wage_at_recurrence.fen()),
                    i(i64::from(a.suspension_months)),
                    i(i64::from(a.extension_confirmed)),
                    i(a.suspension_wages.fen()),
                    t(&a.trace),
                    t(maker),
                    t(at),
                ],
            )?;
            let stored = award_of(&row)?;
            audit(
                db,
                maker,
                at,
                "propose_recurrence_award",
                "recurrence_award",
                &stored.id.to_string(),
                json!({
                    "case_id": a.case_id, "recurrence_id": a.recurrence_id,
                    "suspension_months": a.suspension_months,
                    "suspension_wages_fen": a.suspension_wages.fen(),
                }),
            )?;
            Ok(stored)
        })
    }

    fn recurrence_award(&self, id: i64) -> Result<Option<RecurrenceAwardRow>, StoreError> {
        self.backend.read(|db| award_by_id(db, id))
    }

    fn approve_recurrence_award(
        &self,
        id: i64,
        checker: &str,
        at: Timestamp,
    ) -> Result<RecurrenceAwardRow, StoreError> {
        require_actor(checker)?;
        self.backend.transaction(|db| {
            let Some(award) = award_by_id(db, id)? else {
                return Err(StoreError::not_found("recurrence_award", id));
            };
            if award.made_by == checker {
                return Err(StoreError::conflict(
                    "recurrence_award",
                    id.to_string(),
                    format!("{checker} made it; a second person approves (maker-checker)"),
                ));
            }
            let n = db.exec(
                "approving a recurrence's award",
                "UPDATE recurrence_awards SET status = 'approved', checked_by = $1, checked_at = $2 \
                 WHERE id = $3 AND status = 'proposed'",
                &[t(checker), t(at), i(id)],
            )?;
            if n == 0 {
                return Err(StoreError::conflict(
                    "recurrence_award",
                    id.to_string(),
                    format!("it is {}; only a proposed award is approved", award.status.as_str()),
                ));
            }
            db.exec(
                "withdrawing a recurrence's other proposals",
                "UPDATE recurrence_awards SET status = 'withdrawn' WHERE recurrence_id = $1 AND status = 'proposed'",
                &[i(award.recurrence_id)],
            )?;
            audit(
                db,
                checker,
                at,
                "approve_recurrence_award",
                "recurrence_award",
                &id.to_string(),
                json!({"case_id": award.case_id, "recurrence_id": award.recurrence_id, "maker": award.made_by}),
            )?;
            award_by_id(db, id)?.ok_or_else(|| StoreError::not_found("recurrence_award", id))
        })
    }
}
