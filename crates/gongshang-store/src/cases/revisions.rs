//! Appraisal conclusions revoked or corrected (劳动能力鉴定管理办法, Order
//! No. 55, Art 31; issue 17): the committee's decision as a clerk records it,
//! and its application by a second person in one transaction: the case's
//! event, the awards on the conclusion superseded (a correction's award
//! approved in their place), the benefits ended or changed, the overpayments
//! with their schedules and ledger transactions, the payable still owed, and
//! the audit rows (migration 0110). Both rows are append-only.

use gongshang_domain::ledger::Transaction;
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::awards::{approve_award_in, insert_award};
use super::log::{case_by, validate_append, write_append};
use super::payroll::end_benefit_in;
use super::{
    AwardApproval, CaseAppend, NewAward, i, opt_t, parse_date, parse_ts, require_actor, t,
};
use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, post};
use crate::error::StoreError;
use crate::model::Posted;
use crate::recovery::{NewOverpayment, insert_overpayment};

/// What the committee decided of the conclusion (Order No. 55 Art 31).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionKind {
    /// Revoked: obtained by forgery, impersonation or other fraud.
    Revoke,
    /// Corrected to another grade.
    Correct,
}

impl RevisionKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Revoke => "revoke",
            RevisionKind::Correct => "correct",
        }
    }

    pub fn parse(text: &str) -> Result<RevisionKind, String> {
        match text {
            "revoke" => Ok(RevisionKind::Revoke),
            "correct" => Ok(RevisionKind::Correct),
            other => Err(format!(
                "{other:?} is not a revision; expected revoke or correct"
            )),
        }
    }
}

/// Where a revision stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    /// Recorded by a clerk; nothing changed yet.
    Recorded,
    /// Applied by a second person: awards, benefits and overpayments follow it.
    Applied,
}

/// How the overpayment of a revision comes back (Decree 765 Art 46).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method", deny_unknown_fields)]
pub enum RevisionRecovery {
    Refund,
    Instalments { months: u32 },
}

/// A revision as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRevision {
    pub case_id: i64,
    pub kind: RevisionKind,
    /// The number of the conclusion revised.
    pub conclusion: i64,
    /// Correct only: the grade (None: no grade reached) and nursing level.
    pub grade: Option<u8>,
    pub nursing: Option<String>,
    pub reason: String,
    pub decision_no: String,
    pub decided_on: Date,
    pub recovery: RevisionRecovery,
}

/// What the application of a revision changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisionApplied {
    pub superseded_award_id: Option<i64>,
    pub new_award_id: Option<i64>,
    pub overpaid: Money,
    pub underpaid: Money,
    pub underpaid_ledger_key: Option<String>,
    pub basis: String,
    pub checked_by: String,
    pub checked_at: Timestamp,
}

/// A revision as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisionRow {
    pub id: i64,
    pub reference: String,
    pub case_id: i64,
    pub kind: RevisionKind,
    pub conclusion: i64,
    pub grade: Option<u8>,
    pub nursing: Option<String>,
    pub reason: String,
    pub decision_no: String,
    pub decided_on: Date,
    pub recovery: RevisionRecovery,
    pub made_by: String,
    pub made_at: Timestamp,
    pub applied: Option<RevisionApplied>,
    /// A correction's arrears (what the months paid fell short of the
    /// corrected award), paid out once (migration 0195).
    pub arrears_paid: Option<ArrearsPaid>,
}

/// The payment of a correction's arrears.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArrearsPaid {
    pub amount: Money,
    pub paid_on: Date,
    pub ledger_key: String,
    pub paid_by: String,
    pub paid_at: Timestamp,
}

impl RevisionRow {
    pub fn status(&self) -> RevisionStatus {
        if self.applied.is_some() {
            RevisionStatus::Applied
        } else {
            RevisionStatus::Recorded
        }
    }
}

/// How a correction's award is approved once the store has numbered it
/// (an error is the reason it cannot be).
pub type ApprovalPlan<'a> = &'a dyn Fn(i64) -> Result<AwardApproval, String>;

/// Everything the application of a revision writes, decided by the caller.
pub struct RevisionApplication<'a> {
    /// The appraisal's event (revoked or corrected) at the version read.
    pub append: CaseAppend,
    /// Revoke: the approved award on the conclusion, superseded with no award
    /// in its place.
    pub supersede_award: Option<i64>,
    /// Correct: the award on the corrected grade, proposed by the revision's
    /// maker and approved here (it supersedes the approved one), with the
    /// plan of its approval once numbered.
    pub new_award: Option<(NewAward, ApprovalPlan<'a>)>,
    /// Benefits that stop: (benefit id, last month paid, reason).
    pub endings: Vec<(i64, Month, String)>,
    /// The overpayments, each with its `overpayment_found` transaction.
    pub overpayments: Vec<(NewOverpayment, Transaction)>,
    /// The payable posted for what the revised conclusion still owes.
    pub underpaid: Option<Transaction>,
    pub overpaid_total: Money,
    pub underpaid_total: Money,
    pub basis: serde_json::Value,
}

/// Appraisal revisions. A part of [`crate::Store`].
pub trait RevisionStore {
    /// Records a revision (`REV-<case>-<n>`) with its audit row.
    fn record_revision(
        &self,
        revision: &NewRevision,
        actor: &str,
        at: Timestamp,
    ) -> Result<RevisionRow, StoreError>;

    /// Applies a recorded revision in one transaction: refused when it is
    /// applied already (`duplicate`), when the checker recorded it or the
    /// case moved since it was read (`conflict`); nothing is written then.
    fn apply_revision(
        &self,
        revision_id: i64,
        application: &RevisionApplication<'_>,
        checker: &str,
        at: Timestamp,
    ) -> Result<RevisionRow, StoreError>;

    fn revision(&self, id: i64) -> Result<Option<RevisionRow>, StoreError>;

    /// The revisions of a case, oldest first.
    fn revisions_of_case(&self, case_id: i64) -> Result<Vec<RevisionRow>, StoreError>;

    /// Pays an applied correction's arrears with its ledger transaction
    /// (the payable settled from the bank account), once: refused when the
    /// revision is not applied or owes nothing (`conflict`), or is paid
    /// already (`duplicate`); nothing is written then.
    fn pay_revision_arrears(
        &self,
        revision_id: i64,
        paid_on: Date,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<RevisionRow, StoreError>;
}

const COLUMNS: &str = "r.id, r.reference, r.case_id, r.kind, r.conclusion, r.grade, r.nursing, r.reason, r.decision_no, r.decided_on, r.recovery, r.instalments, r.made_by, r.made_at, \
    a.superseded_award_id, a.new_award_id, a.overpaid_fen, a.underpaid_fen, a.underpaid_ledger_key, a.basis, a.checked_by, a.checked_at, \
    p.amount_fen, p.paid_on, p.ledger_key, p.paid_by, p.paid_at";

const FROM: &str = "appraisal_revisions r LEFT JOIN appraisal_revision_applications a ON a.revision_id = r.id \
     LEFT JOIN revision_arrears_payments p ON p.revision_id = r.id";

fn from_row(row: &[Value]) -> Result<RevisionRow, StoreError> {
    let c = Cols::new(row);
    let recovery = match (c.text(10)?, c.opt_int(11)?) {
        ("refund", _) => RevisionRecovery::Refund,
        ("instalments", Some(n)) => RevisionRecovery::Instalments {
            months: u32::try_from(n)
                .map_err(|e| StoreError::stored("instalments", e.to_string()))?,
        },
        (other, _) => {
            return Err(StoreError::stored(
                "recovery",
                format!("{other:?} with no instalments"),
            ));
        }
    };
    let applied = match c.opt_text(20)? {
        Some(checked_by) => Some(RevisionApplied {
            superseded_award_id: c.opt_int(14)?,
            new_award_id: c.opt_int(15)?,
            overpaid: Money::from_fen(c.int(16)?),
            underpaid: Money::from_fen(c.int(17)?),
            underpaid_ledger_key: c.opt_text(18)?.map(str::to_owned),
            basis: c.text(19)?.to_owned(),
            checked_by: checked_by.to_owned(),
            checked_at: c.parsed(21, "checked_at", parse_ts)?,
        }),
        None => None,
    };
    let arrears_paid = match c.opt_text(25)? {
        Some(paid_by) => Some(ArrearsPaid {
            amount: Money::from_fen(c.int(22)?),
            paid_on: c.parsed(23, "paid_on", parse_date)?,
            ledger_key: c.text(24)?.to_owned(),
            paid_by: paid_by.to_owned(),
            paid_at: c.parsed(26, "paid_at", parse_ts)?,
        }),
        None => None,
    };
    Ok(RevisionRow {
        id: c.int(0)?,
        reference: c.text(1)?.to_owned(),
        case_id: c.int(2)?,
        kind: c.parsed(3, "kind", RevisionKind::parse)?,
        conclusion: c.int(4)?,
        grade: c
            .opt_int(5)?
            .map(|g| u8::try_from(g).map_err(|e| StoreError::stored("grade", e.to_string())))
            .transpose()?,
        nursing: c.opt_text(6)?.map(str::to_owned),
        reason: c.text(7)?.to_owned(),
        decision_no: c.text(8)?.to_owned(),
        decided_on: c.parsed(9, "decided_on", parse_date)?,
        recovery,
        made_by: c.text(12)?.to_owned(),
        made_at: c.parsed(13, "made_at", parse_ts)?,
        applied,
        arrears_paid,
    })
}

fn by_id(db: &mut dyn Db, id: i64) -> Result<Option<RevisionRow>, StoreError> {
    match db.opt_row(
        "reading an appraisal revision",
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE r.id = $1"),
        &[i(id)],
    )? {
        Some(r) => from_row(&r).map(Some),
        None => Ok(None),
    }
}

impl<B: Backend> RevisionStore for SqlStore<B> {
    fn record_revision(
        &self,
        revision: &NewRevision,
        actor: &str,
        at: Timestamp,
    ) -> Result<RevisionRow, StoreError> {
        require_actor(actor)?;
        for (field, text) in [
            ("reason", &revision.reason),
            ("decision_no", &revision.decision_no),
        ] {
            if text.trim().is_empty() {
                return Err(StoreError::invalid(
                    field,
                    "a revision needs its reason and decision number",
                ));
            }
        }
        let (recovery, months) = match revision.recovery {
            RevisionRecovery::Refund => ("refund", None),
            RevisionRecovery::Instalments { months } => ("instalments", Some(i64::from(months))),
        };
        self.backend.transaction(|db| {
            if case_by(db, "id", i(revision.case_id))?.is_none() {
                return Err(StoreError::not_found("case", revision.case_id));
            }
            let n = db.one_row(
                "counting a case's revisions",
                "SELECT COUNT(*) FROM appraisal_revisions WHERE case_id = $1",
                &[i(revision.case_id)],
            )?;
            let reference = format!("REV-{}-{}", revision.case_id, Cols::new(&n).int(0)? + 1);
            let id = db.insert_id(
                "recording an appraisal revision",
                "INSERT INTO appraisal_revisions (reference, case_id, kind, conclusion, grade, nursing, reason, decision_no, decided_on, recovery, instalments, made_by, made_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                &[
                    t(&reference),
                    i(revision.case_id),
                    t(revision.kind.as_str()),
                    i(revision.conclusion),
                    Value::opt_int(revision.grade.map(i64::from)),
                    opt_t(revision.nursing.as_ref()),
                    t(revision.reason.trim()),
                    t(revision.decision_no.trim()),
                    t(revision.decided_on),
                    t(recovery),
                    Value::opt_int(months),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("appraisal revision", &reference),
            )?;
            audit(
                db,
                actor,
                at,
                "record_appraisal_revision",
                "appraisal_revision",
                &id.to_string(),
                json!({
                    "reference": reference,
                    "case_id": revision.case_id,
                    "kind": revision.kind.as_str(),
                    "conclusion": revision.conclusion,
                    "grade": revision.grade,
                    "decision_no": revision.decision_no.trim(),
                    "decided_on": revision.decided_on.to_string(),
                }),
            )?;
            by_id(db, id)?.ok_or_else(|| StoreError::not_found("appraisal revision", id))
        })
    }

    fn apply_revision(
        &self,
        revision_id: i64,
        app: &RevisionApplication<'_>,
        checker: &str,
        at: Timestamp,
    ) -> Result<RevisionRow, StoreError> {
        require_actor(checker)?;
        validate_append(&app.append)?;
        self.backend.transaction(|db| {
            let rev = by_id(db, revision_id)?
                .ok_or_else(|| StoreError::not_found("appraisal revision", revision_id))?;
            if rev.applied.is_some() {
                return Err(StoreError::duplicate("appraisal revision application", &rev.reference));
            }
            if rev.made_by == checker {
                return Err(StoreError::conflict(
                    "appraisal revision",
                    &rev.reference,
                    format!("{checker} recorded it; a second person applies it (maker-checker)"),
                ));
            }
            let Some(case) = case_by(db, "id", i(rev.case_id))? else {
                return Err(StoreError::not_found("case", rev.case_id));
            };
            let claimed = db.exec(
                "claiming a case version",
                "UPDATE cases SET version = version WHERE id = $1 AND version = $2",
                &[i(rev.case_id), i(app.append.expected_version)],
            )?;
            if claimed == 0 {
                return Err(StoreError::conflict(
                    "case",
                    &case.number,
                    format!(
                        "the revision was decided on version {}, but the case is at version {}; read it again",
                        app.append.expected_version, case.version
                    ),
                ));
            }
            write_append(db, rev.case_id, &case.number, &app.append, checker, at)?;
            if let Some(award_id) = app.supersede_award {
                let n = db.exec(
                    "superseding an award on a revoked conclusion",
                    "UPDATE awards SET status = 'superseded' WHERE id = $1 AND case_id = $2 AND status = 'approved'",
                    &[i(award_id), i(rev.case_id)],
                )?;
                if n == 0 {
                    return Err(StoreError::conflict(
                        "award",
                        award_id.to_string(),
                        "it is not the approved award of the case",
                    ));
                }
                db.exec(
                    "withdrawing stale proposals",
                    "UPDATE awards SET status = 'withdrawn' WHERE case_id = $1 AND status = 'proposed'",
                    &[i(rev.case_id)],
                )?;
            }
            let mut new_award_id = None;
            let mut superseded = app.supersede_award;
            if let Some((award, plan)) = &app.new_award {
                let id = insert_award(db, award, &rev.made_by, at)?;
                let approval = plan(id).map_err(|e| StoreError::invalid("award", e))?;
                let approved = approve_award_in(db, id, &approval, checker, at)?;
                superseded = approved.supersedes;
                new_award_id = Some(id);
            }
            for (benefit_id, last, reason) in &app.endings {
                end_benefit_in(db, *benefit_id, *last, reason)?;
            }
            for (op, tx) in &app.overpayments {
                insert_overpayment(db, op, tx, checker, at)?;
            }
            if let Some(tx) = &app.underpaid
                && post(db, tx, checker, at)? == Posted::AlreadyPosted
            {
                return Err(StoreError::conflict(
                    "ledger transaction",
                    tx.idempotency_key().as_str(),
                    "it is already posted, so it cannot also record this revision",
                ));
            }
            db.exec(
                "applying an appraisal revision",
                "INSERT INTO appraisal_revision_applications (revision_id, superseded_award_id, new_award_id, overpaid_fen, underpaid_fen, underpaid_ledger_key, basis, checked_by, checked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    i(revision_id),
                    Value::opt_int(superseded),
                    Value::opt_int(new_award_id),
                    i(app.overpaid_total.fen()),
                    i(app.underpaid_total.fen()),
                    opt_t(app.underpaid.as_ref().map(|tx| tx.idempotency_key().as_str())),
                    t(app.basis.to_string()),
                    t(checker),
                    t(at),
                ],
            )?;
            audit(
                db,
                checker,
                at,
                "apply_appraisal_revision",
                "appraisal_revision",
                &revision_id.to_string(),
                json!({
                    "reference": rev.reference,
                    "maker": rev.made_by,
                    "superseded_award_id": superseded,
                    "new_award_id": new_award_id,
                    "benefits_ended": app.endings.len(),
                    "overpayments": app.overpayments.iter().map(|(o, _)| o.reference.clone()).collect::<Vec<_>>(),
                    "overpaid_fen": app.overpaid_total.fen(),
                    "underpaid_fen": app.underpaid_total.fen(),
                }),
            )?;
            by_id(db, revision_id)?
                .ok_or_else(|| StoreError::not_found("appraisal revision", revision_id))
        })
    }

    fn revision(&self, id: i64) -> Result<Option<RevisionRow>, StoreError> {
        self.backend.read(|db| by_id(db, id))
    }

    fn pay_revision_arrears(
        &self,
        revision_id: i64,
        paid_on: Date,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<RevisionRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let rev = by_id(db, revision_id)?
                .ok_or_else(|| StoreError::not_found("appraisal revision", revision_id))?;
            if rev.arrears_paid.is_some() {
                return Err(StoreError::duplicate("arrears payment", &rev.reference));
            }
            let owed = rev.applied.as_ref().map_or(Money::ZERO, |a| a.underpaid);
            if owed <= Money::ZERO {
                return Err(StoreError::conflict(
                    "appraisal revision",
                    &rev.reference,
                    if rev.applied.is_none() {
                        "it is not applied yet, so nothing is owed on it".to_owned()
                    } else {
                        "the months paid did not fall short of the revised conclusion: no arrears are owed".to_owned()
                    },
                ));
            }
            if tx.amount() != owed {
                return Err(StoreError::invalid(
                    "amount",
                    format!("{} yuan, but the revision owes {owed} yuan", tx.amount()),
                ));
            }
            if post(db, tx, actor, at)? == Posted::AlreadyPosted {
                return Err(StoreError::conflict(
                    "ledger transaction",
                    tx.idempotency_key().as_str(),
                    "it is already posted, so it cannot also pay these arrears",
                ));
            }
            db.exec(
                "paying a revision's arrears",
                "INSERT INTO revision_arrears_payments (revision_id, amount_fen, paid_on, ledger_key, paid_by, paid_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    i(revision_id),
                    i(owed.fen()),
                    t(paid_on),
                    t(tx.idempotency_key().as_str()),
                    t(actor),
                    t(at),
                ],
            )?;
            crate::fund::add_to_fund_summary(db, tx)?;
            audit(
                db,
                actor,
                at,
                "pay_revision_arrears",
                "appraisal_revision",
                &revision_id.to_string(),
                json!({
                    "reference": rev.reference,
                    "amount_fen": owed.fen(),
                    "paid_on": paid_on.to_string(),
                    "ledger_key": tx.idempotency_key().as_str(),
                }),
            )?;
            by_id(db, revision_id)?
                .ok_or_else(|| StoreError::not_found("appraisal revision", revision_id))
        })
    }

    fn revisions_of_case(&self, case_id: i64) -> Result<Vec<RevisionRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a case's appraisal revisions",
                &format!("SELECT {COLUMNS} FROM {FROM} WHERE r.case_id = $1 ORDER BY r.id"),
                &[i(case_id)],
            )?
            .iter()
            .map(|r| from_row(r))
            .collect()
        })
    }
}
