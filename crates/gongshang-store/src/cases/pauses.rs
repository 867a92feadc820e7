//! Survivors' pensions stopped for a prison sentence (劳社部令第18号 Art 5;
//! migration 0370): one row per sentence, the months paused, the document
//! each step rests on, and the overpayment of the months already paid
//! inside the pause, written with it in one transaction (through the same
//! `insert_overpayment` as a clerk's). The payroll pays no paused month
//! (`pay_month_*`), and a paused month is never owed afterwards. The store
//! decides nothing: the app asks `gongshang_domain::imprisonment`.

use gongshang_domain::imprisonment::Pause;

use super::*;
use crate::recovery::{NewOverpayment, insert_overpayment};

/// A sentence to record, decided by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBenefitPause {
    pub benefit_id: i64,
    pub imprisoned_on: Date,
    pub pause: Pause,
    /// Known already: the day released (with `pause.until`).
    pub released_on: Option<Date>,
    /// The judgment or the prison's notice (收监执行通知书).
    pub document: String,
    pub overpayment: Option<(NewOverpayment, Transaction)>,
}

/// A sentence as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BenefitPauseRow {
    pub id: i64,
    pub benefit_id: i64,
    pub case_id: i64,
    pub imprisoned_on: Date,
    pub pause: Pause,
    pub document: String,
    pub overpayment_id: Option<i64>,
    pub recorded_at: Timestamp,
    pub actor: String,
    pub released_on: Option<Date>,
    pub release_document: Option<String>,
    pub released_by: Option<String>,
}

/// Benefits stopped for a sentence. A part of [`crate::Store`] (through
/// [`CaseStore`]).
pub trait BenefitPauseStore {
    fn record_benefit_pause(
        &self,
        pause: &NewBenefitPause,
        actor: &str,
        at: Timestamp,
    ) -> Result<BenefitPauseRow, StoreError>;
    /// Writes the release into an open pause: it now ends with `until`.
    fn release_benefit_pause(
        &self,
        pause_id: i64,
        released_on: Date,
        until: Month,
        document: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<BenefitPauseRow, StoreError>;
    /// The pauses of a benefit, oldest first.
    fn pauses_of_benefit(&self, benefit_id: i64) -> Result<Vec<BenefitPauseRow>, StoreError>;
    /// The pauses of a case's benefits, oldest first.
    fn pauses_of_case(&self, case_id: i64) -> Result<Vec<BenefitPauseRow>, StoreError>;
}

const COLUMNS: &str = "s.id, s.benefit_id, b.case_id, s.imprisoned_on, s.from_month, s.until_month, s.document, \
     s.overpayment_id, s.recorded_at, s.actor, s.released_on, s.release_document, s.released_by";

fn pause_from_row(row: &[Value]) -> Result<BenefitPauseRow, StoreError> {
    let c = Cols::new(row);
    Ok(BenefitPauseRow {
        id: c.int(0)?,
        benefit_id: c.int(1)?,
        case_id: c.int(2)?,
        imprisoned_on: c.parsed(3, "imprisoned_on", parse_date)?,
        pause: Pause {
            from: c.parsed(4, "from_month", parse_month)?,
            until: c.opt_parsed(5, "until_month", parse_month)?,
        },
        document: c.text(6)?.to_owned(),
        overpayment_id: c.opt_int(7)?,
        recorded_at: c.parsed(8, "recorded_at", parse_ts)?,
        actor: c.text(9)?.to_owned(),
        released_on: c.opt_parsed(10, "released_on", parse_date)?,
        release_document: c.opt_text(11)?.map(str::to_owned),
        released_by: c.opt_text(12)?.map(str::to_owned),
    })
}

fn pause_by_id(db: &mut dyn Db, id: i64) -> Result<BenefitPauseRow, StoreError> {
    let row = db.one_row(
        "reading a benefit pause",
        &format!(
            "SELECT {COLUMNS} FROM benefit_pauses s JOIN periodic_benefits b ON b.id = s.benefit_id WHERE s.id = $1"
        ),
        &[i(id)],
    )?;
    pause_from_row(&row)
}

fn pauses_where(
    db: &mut dyn Db,
    filter: &str,
    key: i64,
) -> Result<Vec<BenefitPauseRow>, StoreError> {
    db.rows(
        "reading benefit pauses",
        &format!(
            "SELECT {COLUMNS} FROM benefit_pauses s JOIN periodic_benefits b ON b.id = s.benefit_id \
             WHERE {filter} = $1 ORDER BY s.benefit_id, s.from_month, s.id"
        ),
        &[i(key)],
    )?
    .iter()
    .map(|r| pause_from_row(r))
    .collect()
}

impl<B: Backend> BenefitPauseStore for SqlStore<B> {
    fn record_benefit_pause(
        &self,
        p: &NewBenefitPause,
        actor: &str,
        at: Timestamp,
    ) -> Result<BenefitPauseRow, StoreError> {
        require_actor(actor)?;
        if p.document.trim().is_empty() {
            return Err(StoreError::invalid(
                "document",
                "name the judgment or the prison's notice",
            ));
        }
        if p.released_on.is_some() != p.pause.until.is_some() {
            return Err(StoreError::invalid(
                "released_on",
                "a release and the last month paused go together",
            ));
        }
        self.backend.transaction(|db| {
            // One open sentence per benefit, checked under the benefit's
            // row: two clerks recording the same notice get one pause.
            let n = db.exec(
                "locking the benefit",
                "UPDATE periodic_benefits SET suspended = suspended WHERE id = $1",
                &[i(p.benefit_id)],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("periodic benefit", p.benefit_id));
            }
            let open = db.rows(
                "reading the open pauses",
                "SELECT id FROM benefit_pauses WHERE benefit_id = $1 AND released_on IS NULL",
                &[i(p.benefit_id)],
            )?;
            if !open.is_empty() {
                return Err(StoreError::Conflict {
                    entity: "benefit pause",
                    key: p.benefit_id.to_string(),
                    reason: format!(
                        "benefit {} is already stopped for a sentence not yet ended",
                        p.benefit_id
                    ),
                });
            }
            let overpayment_id = match &p.overpayment {
                Some((op, tx)) => Some(insert_overpayment(db, op, tx, actor, at)?),
                None => None,
            };
            let id = db.insert_id(
                "recording a benefit pause",
                "INSERT INTO benefit_pauses (benefit_id, imprisoned_on, from_month, document, overpayment_id, \
                 recorded_at, actor, released_on, until_month, release_document, released_at, released_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    i(p.benefit_id),
                    t(p.imprisoned_on),
                    t(p.pause.from),
                    t(p.document.trim()),
                    Value::opt_int(overpayment_id),
                    t(at),
                    t(actor),
                    opt_t(p.released_on),
                    opt_t(p.pause.until),
                    opt_t(p.released_on.map(|_| p.document.trim())),
                    opt_t(p.released_on.map(|_| at)),
                    opt_t(p.released_on.map(|_| actor)),
                ],
                || StoreError::duplicate("benefit pause", p.benefit_id.to_string()),
            )?;
            audit(
                db,
                actor,
                at,
                "pause_benefit",
                "periodic_benefit",
                &p.benefit_id.to_string(),
                json!({"pause_id": id, "imprisoned_on": p.imprisoned_on.to_string(),
                       "from_month": p.pause.from.to_string(),
                       "until_month": p.pause.until.map(|m| m.to_string()),
                       "document": p.document.trim(), "overpayment_id": overpayment_id}),
            )?;
            pause_by_id(db, id)
        })
    }

    fn release_benefit_pause(
        &self,
        pause_id: i64,
        released_on: Date,
        until: Month,
        document: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<BenefitPauseRow, StoreError> {
        require_actor(actor)?;
        if document.trim().is_empty() {
            return Err(StoreError::invalid(
                "document",
                "name the release certificate (释放证明书)",
            ));
        }
        self.backend.transaction(|db| {
            let n = db.exec(
                "recording a release",
                "UPDATE benefit_pauses SET released_on = $1, until_month = $2, release_document = $3, \
                 released_at = $4, released_by = $5 WHERE id = $6 AND released_on IS NULL",
                &[
                    t(released_on),
                    t(until),
                    t(document.trim()),
                    t(at),
                    t(actor),
                    i(pause_id),
                ],
            )?;
            if n == 0 {
                let exists = db.rows(
                    "reading a benefit pause",
                    "SELECT id FROM benefit_pauses WHERE id = $1",
                    &[i(pause_id)],
                )?;
                return Err(if exists.is_empty() {
                    StoreError::not_found("benefit pause", pause_id)
                } else {
                    StoreError::Conflict {
                        entity: "benefit pause",
                        key: pause_id.to_string(),
                        reason: "the release is recorded already".into(),
                    }
                });
            }
            let row = pause_by_id(db, pause_id)?;
            audit(
                db,
                actor,
                at,
                "release_benefit_pause",
                "periodic_benefit",
                &row.benefit_id.to_string(),
                json!({"pause_id": pause_id, "released_on": released_on.to_string(),
                       "until_month": until.to_string(), "document": document.trim()}),
            )?;
            Ok(row)
        })
    }

    fn pauses_of_benefit(&self, benefit_id: i64) -> Result<Vec<BenefitPauseRow>, StoreError> {
        self.backend
            .read(|db| pauses_where(db, "s.benefit_id", benefit_id))
    }

    fn pauses_of_case(&self, case_id: i64) -> Result<Vec<BenefitPauseRow>, StoreError> {
        self.backend
            .read(|db| pauses_where(db, "b.case_id", case_id))
    }
}
