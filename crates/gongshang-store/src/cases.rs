//! Injury cases, appraisals, awards and the payroll of periodic benefits.
//!
//! A case is an append-only log of the domain's events (JSON text, numbered
//! 1, 2, 3, ... per case) plus a queryable row (number, person, unit, scheme,
//! state, the most urgent deadline) rewritten with every append in the same
//! transaction. An append names the version it was decided on; if another
//! append came first, it is refused (`conflict`) and nothing is written, so
//! the caller folds the events again and decides again.
//!
//! The store decides nothing: the caller (the app, with the domain's
//! `decide`) says which events, which snapshot, which ledger transactions.
//! The store enforces keys (an accident recognised once, a payroll line once
//! per benefit and month, a payment once per key) and writes the audit row.

use gongshang_domain::case::{AwardStatus, CaseState, EventStream, Flow};
use gongshang_domain::deadline::DeadlineKind;
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::ledger::Transaction;
use gongshang_domain::month::Month;
use gongshang_rules::award::Periodicity;
use gongshang_rules::{Item, Money, Payer};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::db::{Cols, Db, DbExt, Value, values_list};
use crate::engine::{Backend, SqlStore, audit, post};
use crate::error::StoreError;
use crate::model::Posted;

// ---- what goes in and out -----------------------------------------------------

/// A case as filed: the fixed facts of its row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCase {
    /// The case number; `None` lets the store number it (`GS<year>-<id>`).
    pub number: Option<String>,
    pub flow: Flow,
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub scheme_id: String,
    pub jurisdiction: String,
    pub region: Option<String>,
    pub accident_key: String,
    pub accident_date: Date,
}

/// One domain event to append, already serialized by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCaseEvent {
    pub stream: EventStream,
    /// The event's name (`filed`, `accepted`, ...).
    pub kind: String,
    pub on: Date,
    /// The format of `body` (the application's numbering).
    pub format: i64,
    /// The event as JSON, in that format.
    pub body: String,
}

/// The running deadline a case is queued by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredDeadline {
    pub kind: DeadlineKind,
    pub due: Date,
    pub article: String,
}

/// The snapshot of a case after an append, as the caller folded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseSnapshot {
    pub state: CaseState,
    pub closed: bool,
    pub deadline: Option<StoredDeadline>,
}

/// An appraisal conclusion, for the queryable history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConclusionRow {
    pub number: i64,
    pub kind: String,
    pub level: String,
    pub applied_on: Date,
    pub concluded_on: Date,
    pub grade: Option<u8>,
    pub nursing: Option<String>,
    pub late_by_days: i64,
    pub reappraisal_of: Option<i64>,
}

/// Everything one append writes, in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseAppend {
    /// The case's version the events were decided on (0 for a new case).
    pub expected_version: i64,
    pub events: Vec<NewCaseEvent>,
    pub snapshot: CaseSnapshot,
    /// The accident this append recognises (or confirms), with the day:
    /// refused (`duplicate`) when another case recognised it.
    pub recognises: Option<(String, Date)>,
    /// Appraisal conclusions these events record.
    pub conclusions: Vec<ConclusionRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub flow: Flow,
    pub person: String,
    pub unit: Option<String>,
    pub scheme_id: String,
    pub jurisdiction: String,
    pub region: Option<String>,
    pub accident_key: String,
    pub accident_date: Date,
    pub state: CaseState,
    pub closed: bool,
    pub deadline: Option<StoredDeadline>,
    pub version: i64,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredCaseEvent {
    pub seq: i64,
    pub stream: EventStream,
    pub kind: String,
    pub on: Date,
    pub format: i64,
    pub body: String,
    pub recorded_at: Timestamp,
    pub actor: String,
}

/// One line of an award.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwardItemRow {
    pub item: Item,
    pub periodicity: Periodicity,
    pub payer: Payer,
    /// `worker`, or the survivor (`spouse`, `other-1`, ...).
    pub beneficiary: String,
    pub amount: Money,
    pub citation: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAward {
    pub case_id: i64,
    /// Why it was computed: `initial`, `new_appraisal`, `parameter_correction`, ...
    pub basis: String,
    pub legal_date: Date,
    pub scheme_id: String,
    pub jurisdiction: String,
    pub items: Vec<AwardItemRow>,
    /// The rules engine's input, as JSON.
    pub input: String,
    /// The rules engine's trace, as JSON.
    pub trace: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwardRow {
    pub id: i64,
    pub case_id: i64,
    pub status: AwardStatus,
    pub basis: String,
    pub legal_date: Date,
    pub scheme_id: String,
    pub jurisdiction: String,
    pub one_time: Money,
    pub monthly: Money,
    pub input: String,
    pub trace: String,
    pub supersedes: Option<i64>,
    pub made_by: String,
    pub made_at: Timestamp,
    pub checked_by: Option<String>,
    pub checked_at: Option<Timestamp>,
    pub ledger_key: Option<String>,
    pub items: Vec<AwardItemRow>,
}

/// A periodic benefit to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPeriodicBenefit {
    pub case_id: i64,
    pub award_id: Option<i64>,
    pub beneficiary: String,
    pub item: Item,
    pub payer: Payer,
    pub start_month: Month,
    /// The last month paid, when already known (a dependant turning 18).
    pub end_month: Option<Month>,
    pub end_reason: Option<String>,
    /// A condition that ends it later, for the record (`death`, `remarriage`, ...).
    pub end_condition: Option<String>,
    pub monthly: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BenefitAmountRow {
    pub from_month: Month,
    pub amount: Money,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodicBenefitRow {
    pub id: i64,
    pub case_id: i64,
    pub award_id: Option<i64>,
    pub beneficiary: String,
    pub item: Item,
    pub payer: Payer,
    pub start_month: Month,
    pub end_month: Option<Month>,
    pub end_reason: Option<String>,
    pub end_condition: Option<String>,
    pub suspended: bool,
    pub amounts: Vec<BenefitAmountRow>,
}

/// A new monthly amount of a benefit from a month on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBenefitAmount {
    pub benefit_id: i64,
    pub from_month: Month,
    pub amount: Money,
    pub reason: String,
}

/// A government adjustment, recorded with the amounts it produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIndexation {
    pub from_month: Month,
    pub item: Option<Item>,
    /// `percentage` or `amount`.
    pub kind: String,
    pub value: String,
    pub instrument: String,
}

/// What the approval of an award writes, besides its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AwardApproval {
    /// The reversal of the superseded award's posting, then the new award's.
    pub ledger: Vec<Transaction>,
    /// The key of the award's own posting, if any.
    pub ledger_key: Option<String>,
    pub new_benefits: Vec<NewPeriodicBenefit>,
    /// New amounts of benefits that continue (a recalculation).
    pub amounts: Vec<NewBenefitAmount>,
    /// Benefits that end: (benefit id, last month paid, reason).
    pub endings: Vec<(i64, Month, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOneTimePayment {
    pub case_id: i64,
    pub award_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub amount: Money,
    pub paid_on: Date,
    pub idempotency_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OneTimePaymentRow {
    pub id: i64,
    pub award_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub amount: Money,
    pub paid_on: Date,
    pub idempotency_key: String,
}

/// What one payroll run paid, by item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PayrollTotals {
    pub lines: u64,
    pub total: Money,
    /// (item, lines, amount)
    pub by_item: Vec<(Item, u64, Money)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayrollRunRow {
    pub id: i64,
    pub month: Month,
    pub run_no: i64,
    pub lines: u64,
    pub total: Money,
    pub ledger_key: Option<String>,
    pub started_at: Timestamp,
    pub actor: String,
    pub by_item: Vec<(Item, u64, Money)>,
}

/// Builds the ledger transaction of a run from its totals (`None` when
/// nothing was paid), in the run's database transaction.
pub type PayrollPosting<'a> =
    &'a dyn Fn(i64, &PayrollTotals) -> Result<Option<Transaction>, StoreError>;

/// Injury cases, appraisals, awards and the payroll of periodic benefits. A part of [`Store`].
pub trait CaseStore {
    /// The case row, its first events and the audit row, in one transaction.
    fn create_case(
        &self,
        case: &NewCase,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError>;
    /// Appends events decided on `append.expected_version`; a case that has
    /// moved on since is a `conflict` and nothing is written.
    fn append_case_events(
        &self,
        case_id: i64,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError>;
    fn case_by_number(&self, number: &str) -> Result<Option<CaseRow>, StoreError>;
    fn case_by_id(&self, id: i64) -> Result<Option<CaseRow>, StoreError>;
    fn case_events(&self, case_id: i64) -> Result<Vec<StoredCaseEvent>, StoreError>;
    /// The number of the case that recognised the accident, if any.
    fn accident_recognised_in(&self, accident_key: &str) -> Result<Option<String>, StoreError>;
    /// Open cases with a running deadline, the earliest due first.
    fn case_queue(&self, limit: u32) -> Result<Vec<CaseRow>, StoreError>;
    /// Open cases whose running deadline is due on or after `from`.
    fn open_cases_due_from(&self, from: Date) -> Result<Vec<CaseRow>, StoreError>;
    /// Rewrites the snapshot of a case whose events did not change (its
    /// deadlines counted again by a holiday calendar loaded since), if it is
    /// still at `version`; `false` when it moved on (its append rewrote the
    /// snapshot by the new calendar already).
    fn refresh_case_snapshot(
        &self,
        case_id: i64,
        version: i64,
        snapshot: &CaseSnapshot,
        actor: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    fn cases_of_person(&self, person: &ResidentId) -> Result<Vec<CaseRow>, StoreError>;
    fn appraisal_history(&self, case_id: i64) -> Result<Vec<ConclusionRow>, StoreError>;

    // ---- awards ----
    /// Stores a proposed award with its items and trace.
    fn create_award(&self, award: &NewAward, maker: &str, at: Timestamp)
    -> Result<i64, StoreError>;
    fn award(&self, award_id: i64) -> Result<Option<AwardRow>, StoreError>;
    fn awards_of_case(&self, case_id: i64) -> Result<Vec<AwardRow>, StoreError>;
    /// Approves a proposed award by `checker` (never its maker): the case's
    /// approved award becomes superseded, the ledger transactions are posted,
    /// the benefits created, changed or ended, all in one transaction.
    fn approve_award(
        &self,
        award_id: i64,
        approval: &AwardApproval,
        checker: &str,
        at: Timestamp,
    ) -> Result<AwardRow, StoreError>;

    // ---- one-time payments ----
    /// The payment and its ledger transaction; the same key again is
    /// `Posted::AlreadyPosted` and changes nothing.
    fn record_one_time_payment(
        &self,
        payment: &NewOneTimePayment,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<Posted, StoreError>;
    fn one_time_payments(&self, case_id: i64) -> Result<Vec<OneTimePaymentRow>, StoreError>;

    // ---- periodic benefits ----
    /// Creates benefits in batches in one transaction (one audit row).
    fn create_periodic_benefits(
        &self,
        benefits: &[NewPeriodicBenefit],
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError>;
    fn periodic_benefits_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<PeriodicBenefitRow>, StoreError>;
    fn periodic_benefit(&self, benefit_id: i64) -> Result<Option<PeriodicBenefitRow>, StoreError>;
    /// (benefit id, amount in force in `month`) of the fund's benefits
    /// running in `month`, optionally of one item.
    fn benefit_amounts_in(
        &self,
        month: Month,
        item: Option<Item>,
    ) -> Result<Vec<(i64, Money)>, StoreError>;
    /// New amounts from a month on (replacing one from the same month), with
    /// the indexation that produced them, in one transaction.
    fn add_benefit_amounts(
        &self,
        amounts: &[NewBenefitAmount],
        indexation: Option<&NewIndexation>,
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError>;
    fn set_benefit_suspended(
        &self,
        benefit_id: i64,
        suspended: bool,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Ends a benefit after `last_month`; refused before a month already paid.
    fn end_benefit(
        &self,
        benefit_id: i64,
        last_month: Month,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    // ---- payroll ----
    /// Pays every running, unsuspended fund benefit for `month` that has not
    /// been paid for it, set-based, and posts `posting`'s transaction, all in
    /// one transaction. A second run of a month pays nothing twice.
    fn run_payroll(
        &self,
        month: Month,
        posting: PayrollPosting<'_>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PayrollRunRow, StoreError>;
    fn payroll_runs(&self, month: Month) -> Result<Vec<PayrollRunRow>, StoreError>;
    /// (month, amount) paid to a benefit, in order.
    fn payroll_lines_of_benefit(&self, benefit_id: i64) -> Result<Vec<(Month, Money)>, StoreError>;
}

// ---- helpers ------------------------------------------------------------------

fn i(v: i64) -> Value {
    Value::Int(v)
}

/// The column text of an enum of the rules engine: its serde name.
fn col<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// An enum of the rules engine read back from its column.
fn from_col<T: serde::de::DeserializeOwned>(field: &'static str, text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("{field} {text:?} is not known"))
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn opt_t<T: ToString>(v: Option<T>) -> Value {
    Value::opt_text(v.map(|x| x.to_string()))
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

fn parse_ts(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>().map_err(|e| e.to_string())
}

fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s).map_err(|e| e.to_string())
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn require_actor(actor: &str) -> Result<(), StoreError> {
    if actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "must not be empty"));
    }
    Ok(())
}

const CASE_COLUMNS: &str = "id, number, flow, resident_id, unit_code, scheme_id, jurisdiction, region, accident_key, accident_date, \
     state, closed, deadline_kind, deadline_due, deadline_article, version, opened_at, updated_at";

fn case_from_row(row: &[Value]) -> Result<CaseRow, StoreError> {
    let c = Cols::new(row);
    let deadline = match (
        c.opt_text(12)?,
        c.opt_parsed(13, "deadline_due", parse_date)?,
    ) {
        (Some(kind), Some(due)) => Some(StoredDeadline {
            kind: kind.parse().map_err(|e: gongshang_domain::DomainError| {
                StoreError::InvalidData {
                    field: "deadline_kind",
                    reason: e.to_string(),
                }
            })?,
            due,
            article: c.opt_text(14)?.unwrap_or_default().to_owned(),
        }),
        _ => None,
    };
    Ok(CaseRow {
        id: c.int(0)?,
        number: c.text(1)?.to_owned(),
        flow: c.parsed(2, "flow", str::parse::<Flow>)?,
        person: c.text(3)?.to_owned(),
        unit: c.opt_text(4)?.map(str::to_owned),
        scheme_id: c.text(5)?.to_owned(),
        jurisdiction: c.text(6)?.to_owned(),
        region: c.opt_text(7)?.map(str::to_owned),
        accident_key: c.text(8)?.to_owned(),
        accident_date: c.parsed(9, "accident_date", parse_date)?,
        state: c.parsed(10, "state", str::parse::<CaseState>)?,
        closed: c.int(11)? != 0,
        deadline,
        version: c.int(15)?,
        opened_at: c.parsed(16, "opened_at", parse_ts)?,
        updated_at: c.parsed(17, "updated_at", parse_ts)?,
    })
}

fn case_by(db: &mut dyn Db, column: &str, key: Value) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE {column} = $1");
    db.opt_row("reading a case", &sql, &[key])?
        .map(|r| case_from_row(&r))
        .transpose()
}

fn validate_append(append: &CaseAppend) -> Result<(), StoreError> {
    if append.expected_version < 0 {
        return Err(StoreError::invalid(
            "expected_version",
            format!("{} is negative; 0 or more", append.expected_version),
        ));
    }
    for e in &append.events {
        serde_json::from_str::<serde_json::Value>(&e.body)
            .map_err(|err| StoreError::invalid("body", format!("not JSON: {err}")))?;
    }
    Ok(())
}

/// Writes the events, snapshot, recognition and conclusions of an append to
/// case `case_id`, whose version is known to be `append.expected_version`.
fn write_append(
    db: &mut dyn Db,
    case_id: i64,
    number: &str,
    append: &CaseAppend,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut seq = append.expected_version;
    for e in &append.events {
        seq += 1;
        db.exec(
            "appending a case event",
            "INSERT INTO case_events (case_id, seq, stream, kind, on_date, body, recorded_at, actor, format) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                i(case_id),
                i(seq),
                t(e.stream),
                t(&e.kind),
                t(e.on),
                t(&e.body),
                t(at),
                t(actor),
                i(e.format),
            ],
        )?;
    }
    if let Some((key, on)) = &append.recognises {
        let inserted = db.execute(
            "INSERT INTO recognised_accidents (accident_key, case_id, recognised_on) VALUES ($1, $2, $3)",
            &[t(key), i(case_id), t(on)],
        );
        match inserted {
            Ok(_) => {}
            Err(crate::db::DbError::Unique(_)) => {
                return Err(StoreError::duplicate("recognised accident", key));
            }
            Err(e) => {
                return Err(crate::db::backend_error(
                    db.backend(),
                    "recognising an accident",
                    e,
                ));
            }
        }
    }
    for c in &append.conclusions {
        db.exec(
            "recording an appraisal conclusion",
            "INSERT INTO appraisal_conclusions (case_id, number, kind, level, applied_on, concluded_on, grade, nursing, late_by_days, reappraisal_of) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                i(case_id),
                i(c.number),
                t(&c.kind),
                t(&c.level),
                t(c.applied_on),
                t(c.concluded_on),
                Value::opt_int(c.grade.map(i64::from)),
                opt_t(c.nursing.as_ref()),
                i(c.late_by_days),
                Value::opt_int(c.reappraisal_of),
            ],
        )?;
    }
    let s = &append.snapshot;
    let d = s.deadline.as_ref();
    db.exec(
        "updating a case",
        "UPDATE cases SET state = $1, closed = $2, deadline_kind = $3, deadline_due = $4, deadline_article = $5, \
         version = $6, updated_at = $7 WHERE id = $8",
        &[
            t(s.state),
            i(i64::from(s.closed)),
            opt_t(d.map(|d| &d.kind)),
            opt_t(d.map(|d| d.due)),
            opt_t(d.map(|d| &d.article)),
            i(seq),
            t(at),
            i(case_id),
        ],
    )?;
    let kinds: Vec<&str> = append.events.iter().map(|e| e.kind.as_str()).collect();
    audit(
        db,
        actor,
        at,
        "append_events",
        "case",
        number,
        json!({"id": case_id, "from_version": append.expected_version, "to_version": seq, "events": kinds, "state": s.state}),
    )
}

const AWARD_COLUMNS: &str = "id, case_id, status, basis, legal_date, scheme_id, jurisdiction, one_time_fen, monthly_fen, input, trace, \
     supersedes, made_by, made_at, checked_by, checked_at, ledger_key";

fn award_items(db: &mut dyn Db, award_id: i64) -> Result<Vec<AwardItemRow>, StoreError> {
    let rows = db.rows(
        "reading award items",
        "SELECT item, periodicity, payer, beneficiary, amount_fen, citation FROM award_items WHERE award_id = $1 ORDER BY line",
        &[i(award_id)],
    )?;
    rows.iter()
        .map(|r| {
            let c = Cols::new(r);
            Ok(AwardItemRow {
                item: c.parsed(0, "item", |x| from_col("item", x))?,
                periodicity: c.parsed(1, "periodicity", |x| from_col("periodicity", x))?,
                payer: c.parsed(2, "payer", |x| from_col("payer", x))?,
                beneficiary: c.text(3)?.to_owned(),
                amount: Money::from_fen(c.int(4)?),
                citation: c.text(5)?.to_owned(),
            })
        })
        .collect()
}

fn award_from_row(db: &mut dyn Db, row: &[Value]) -> Result<AwardRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    Ok(AwardRow {
        id,
        case_id: c.int(1)?,
        status: c.parsed(2, "status", str::parse::<AwardStatus>)?,
        basis: c.text(3)?.to_owned(),
        legal_date: c.parsed(4, "legal_date", parse_date)?,
        scheme_id: c.text(5)?.to_owned(),
        jurisdiction: c.text(6)?.to_owned(),
        one_time: Money::from_fen(c.int(7)?),
        monthly: Money::from_fen(c.int(8)?),
        input: c.text(9)?.to_owned(),
        trace: c.text(10)?.to_owned(),
        supersedes: c.opt_int(11)?,
        made_by: c.text(12)?.to_owned(),
        made_at: c.parsed(13, "made_at", parse_ts)?,
        checked_by: c.opt_text(14)?.map(str::to_owned),
        checked_at: c.opt_parsed(15, "checked_at", parse_ts)?,
        ledger_key: c.opt_text(16)?.map(str::to_owned),
        items: award_items(db, id)?,
    })
}

fn award_by_id(db: &mut dyn Db, award_id: i64) -> Result<Option<AwardRow>, StoreError> {
    let sql = format!("SELECT {AWARD_COLUMNS} FROM awards WHERE id = $1");
    match db.opt_row("reading an award", &sql, &[i(award_id)])? {
        Some(r) => award_from_row(db, &r).map(Some),
        None => Ok(None),
    }
}

fn validate_benefit(b: &NewPeriodicBenefit) -> Result<(), StoreError> {
    if b.monthly.fen() < 0 {
        return Err(StoreError::invalid(
            "monthly",
            format!("{} yuan is negative; 0.00 or more", b.monthly),
        ));
    }
    if let Some(end) = b.end_month
        && end < b.start_month
    {
        return Err(StoreError::invalid(
            "end_month",
            format!("{end} is before the start month {}", b.start_month),
        ));
    }
    if b.beneficiary.trim().is_empty() {
        return Err(StoreError::invalid(
            "beneficiary",
            "the beneficiary and the item must not be empty",
        ));
    }
    Ok(())
}

/// Rows per multi-row INSERT: few statements, well under both backends'
/// parameter limits.
const BATCH_ROWS: usize = 500;

/// Inserts benefits and their first amounts in multi-row statements. Ids are
/// taken from the table's maximum so that the amounts can name them without
/// a round trip per row (the caller holds the write transaction).
fn insert_benefits(
    db: &mut dyn Db,
    benefits: &[NewPeriodicBenefit],
    at: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    for b in benefits {
        validate_benefit(b)?;
    }
    let mut ids = Vec::with_capacity(benefits.len());
    let at_text = at.to_string();
    for chunk in benefits.chunks(BATCH_ROWS) {
        let mut sql = format!(
            "INSERT INTO periodic_benefits (case_id, award_id, beneficiary, item, payer, start_month, end_month, end_reason, end_condition, created_at) VALUES {}",
            values_list(chunk.len(), 10, '$')
        );
        let mut params = Vec::with_capacity(chunk.len() * 10);
        for b in chunk {
            params.extend([
                i(b.case_id),
                Value::opt_int(b.award_id),
                t(&b.beneficiary),
                t(col(&b.item)),
                t(col(&b.payer)),
                t(b.start_month),
                opt_t(b.end_month),
                opt_t(b.end_reason.as_ref()),
                opt_t(b.end_condition.as_ref()),
                Value::Text(at_text.clone()),
            ]);
        }
        sql.push_str(" RETURNING id");
        let rows = match db.query(&sql, &params) {
            Ok(rows) => rows,
            Err(crate::db::DbError::Unique(_)) => {
                return Err(StoreError::duplicate(
                    "periodic benefit",
                    "a (case, beneficiary, item) already has one",
                ));
            }
            Err(e) => {
                return Err(crate::db::backend_error(
                    db.backend(),
                    "creating periodic benefits",
                    e,
                ));
            }
        };
        let mut chunk_ids = rows
            .iter()
            .map(|r| Cols::new(r).int(0))
            .collect::<Result<Vec<_>, _>>()?;
        // RETURNING order is not promised; ids are assigned in VALUES order
        // by both backends for one statement, so sorting restores it.
        chunk_ids.sort_unstable();
        let amounts: Vec<NewBenefitAmount> = chunk
            .iter()
            .zip(&chunk_ids)
            .map(|(b, &id)| NewBenefitAmount {
                benefit_id: id,
                from_month: b.start_month,
                amount: b.monthly,
                reason: "award".into(),
            })
            .collect();
        insert_amounts(db, &amounts, None)?;
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

fn insert_amounts(
    db: &mut dyn Db,
    amounts: &[NewBenefitAmount],
    indexation_id: Option<i64>,
) -> Result<(), StoreError> {
    for a in amounts {
        if a.amount.fen() < 0 {
            return Err(StoreError::invalid(
                "amount",
                format!("{} yuan is negative; 0.00 or more", a.amount),
            ));
        }
    }
    for chunk in amounts.chunks(BATCH_ROWS) {
        let mut sql = format!(
            "INSERT INTO benefit_amounts (benefit_id, from_month, amount_fen, reason, indexation_id) VALUES {}",
            values_list(chunk.len(), 5, '$')
        );
        let mut params = Vec::with_capacity(chunk.len() * 5);
        for a in chunk {
            params.extend([
                i(a.benefit_id),
                t(a.from_month),
                i(a.amount.fen()),
                t(&a.reason),
                Value::opt_int(indexation_id),
            ]);
        }
        sql.push_str(
            " ON CONFLICT (benefit_id, from_month) DO UPDATE SET amount_fen = excluded.amount_fen, \
             reason = excluded.reason, indexation_id = excluded.indexation_id",
        );
        db.exec("recording benefit amounts", &sql, &params)?;
    }
    Ok(())
}

fn benefit_from_row(db: &mut dyn Db, row: &[Value]) -> Result<PeriodicBenefitRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    let amounts = db
        .rows(
            "reading benefit amounts",
            "SELECT from_month, amount_fen, reason FROM benefit_amounts WHERE benefit_id = $1 ORDER BY from_month",
            &[i(id)],
        )?
        .iter()
        .map(|r| {
            let a = Cols::new(r);
            Ok(BenefitAmountRow {
                from_month: a.parsed(0, "from_month", parse_month)?,
                amount: Money::from_fen(a.int(1)?),
                reason: a.text(2)?.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(PeriodicBenefitRow {
        id,
        case_id: c.int(1)?,
        award_id: c.opt_int(2)?,
        beneficiary: c.text(3)?.to_owned(),
        item: c.parsed(4, "item", |x| from_col("item", x))?,
        payer: c.parsed(5, "payer", |x| from_col("payer", x))?,
        start_month: c.parsed(6, "start_month", parse_month)?,
        end_month: c.opt_parsed(7, "end_month", parse_month)?,
        end_reason: c.opt_text(8)?.map(str::to_owned),
        end_condition: c.opt_text(9)?.map(str::to_owned),
        suspended: c.int(10)? != 0,
        amounts,
    })
}

const BENEFIT_COLUMNS: &str = "id, case_id, award_id, beneficiary, item, payer, start_month, end_month, end_reason, end_condition, suspended";

fn last_paid_month(db: &mut dyn Db, benefit_id: i64) -> Result<Option<Month>, StoreError> {
    let row = db.opt_row(
        "reading payroll lines",
        "SELECT MAX(month) FROM payroll_lines WHERE benefit_id = $1",
        &[i(benefit_id)],
    )?;
    match row {
        Some(r) => Cols::new(&r).opt_parsed(0, "month", parse_month),
        None => Ok(None),
    }
}

fn end_benefit_in(
    db: &mut dyn Db,
    benefit_id: i64,
    last_month: Month,
    reason: &str,
) -> Result<(), StoreError> {
    if let Some(paid) = last_paid_month(db, benefit_id)?
        && paid > last_month
    {
        return Err(StoreError::conflict(
            "periodic benefit",
            benefit_id.to_string(),
            format!(
                "{paid} is already paid, after the last month {last_month}; recover the overpayment instead"
            ),
        ));
    }
    let n = db.exec(
        "ending a periodic benefit",
        "UPDATE periodic_benefits SET end_month = $1, end_reason = $2 WHERE id = $3",
        &[t(last_month), t(reason), i(benefit_id)],
    )?;
    if n == 0 {
        return Err(StoreError::not_found("periodic benefit", benefit_id));
    }
    Ok(())
}

fn run_totals(db: &mut dyn Db, run_id: i64) -> Result<PayrollTotals, StoreError> {
    let rows = db.rows(
        "totalling a payroll run",
        "SELECT b.item, COUNT(*), CAST(SUM(l.amount_fen) AS BIGINT) FROM payroll_lines l \
         JOIN periodic_benefits b ON b.id = l.benefit_id WHERE l.run_id = $1 GROUP BY b.item ORDER BY b.item",
        &[i(run_id)],
    )?;
    let mut totals = PayrollTotals::default();
    let mut total: i64 = 0;
    for r in &rows {
        let c = Cols::new(r);
        let n = count(c.int(1)?);
        let fen = c.int(2)?;
        totals.lines += n;
        total = total
            .checked_add(fen)
            .ok_or_else(|| StoreError::invalid("total", "a payroll total beyond i64 fen"))?;
        totals.by_item.push((
            c.parsed(0, "item", |x| from_col("item", x))?,
            n,
            Money::from_fen(fen),
        ));
    }
    totals.total = Money::from_fen(total);
    Ok(totals)
}

fn run_from_row(db: &mut dyn Db, row: &[Value]) -> Result<PayrollRunRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    Ok(PayrollRunRow {
        id,
        month: c.parsed(1, "month", parse_month)?,
        run_no: c.int(2)?,
        lines: count(c.int(3)?),
        total: Money::from_fen(c.int(4)?),
        ledger_key: c.opt_text(5)?.map(str::to_owned),
        started_at: c.parsed(6, "started_at", parse_ts)?,
        actor: c.text(7)?.to_owned(),
        by_item: run_totals(db, id)?.by_item,
    })
}

// ---- the implementation ---------------------------------------------------------

impl<B: Backend> CaseStore for SqlStore<B> {
    fn create_case(
        &self,
        case: &NewCase,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError> {
        require_actor(actor)?;
        validate_append(append)?;
        if append.expected_version != 0 {
            return Err(StoreError::invalid(
                "expected_version",
                format!("{} for a new case; expected 0", append.expected_version),
            ));
        }
        if append.events.is_empty() {
            return Err(StoreError::invalid(
                "events",
                "a new case needs its first event",
            ));
        }
        self.backend.transaction(|db| {
            // A provisional number unique by construction, replaced below
            // when the caller gave none.
            let provisional = match &case.number {
                Some(n) => n.clone(),
                None => format!("pending-{}-{}", at.as_nanosecond(), case.person.as_str()),
            };
            let id = db.insert_id(
                "creating a case",
                "INSERT INTO cases (number, flow, resident_id, unit_code, scheme_id, jurisdiction, region, accident_key, accident_date, \
                 state, closed, version, opened_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', 0, 0, $10, $10) RETURNING id",
                &[
                    t(&provisional),
                    t(case.flow),
                    t(case.person.as_str()),
                    opt_t(case.unit.as_ref().map(CreditCode::as_str)),
                    t(&case.scheme_id),
                    t(&case.jurisdiction),
                    opt_t(case.region.as_ref()),
                    t(&case.accident_key),
                    t(case.accident_date),
                    t(at),
                ],
                || StoreError::duplicate("case", &provisional),
            )?;
            let number = match &case.number {
                Some(n) => n.clone(),
                None => {
                    let n = format!("GS{}-{id:06}", case.accident_date.year());
                    db.exec(
                        "numbering a case",
                        "UPDATE cases SET number = $1 WHERE id = $2",
                        &[t(&n), i(id)],
                    )?;
                    n
                }
            };
            audit(
                db,
                actor,
                at,
                "create_case",
                "case",
                &number,
                json!({"id": id, "flow": case.flow, "scheme_id": case.scheme_id, "accident_date": case.accident_date.to_string()}),
            )?;
            write_append(db, id, &number, append, actor, at)?;
            case_by(db, "id", i(id))?.ok_or_else(|| StoreError::not_found("case", id))
        })
    }

    fn append_case_events(
        &self,
        case_id: i64,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError> {
        require_actor(actor)?;
        validate_append(append)?;
        self.backend.transaction(|db| {
            let Some(case) = case_by(db, "id", i(case_id))? else {
                return Err(StoreError::not_found("case", case_id));
            };
            // The version check and the write are one transaction (SQLite's
            // is IMMEDIATE; on PostgreSQL the conditional UPDATE below takes
            // the row lock), so two appends at one version cannot both land.
            let claimed = db.exec(
                "claiming a case version",
                "UPDATE cases SET version = version WHERE id = $1 AND version = $2",
                &[i(case_id), i(append.expected_version)],
            )?;
            if claimed == 0 {
                return Err(StoreError::conflict(
                    "case",
                    &case.number,
                    format!(
                        "the events were decided on version {}, but the case is at version {}; read it again",
                        append.expected_version, case.version
                    ),
                ));
            }
            write_append(db, case_id, &case.number, append, actor, at)?;
            case_by(db, "id", i(case_id))?.ok_or_else(|| StoreError::not_found("case", case_id))
        })
    }

    fn case_by_number(&self, number: &str) -> Result<Option<CaseRow>, StoreError> {
        self.backend.read(|db| case_by(db, "number", t(number)))
    }

    fn case_by_id(&self, id: i64) -> Result<Option<CaseRow>, StoreError> {
        self.backend.read(|db| case_by(db, "id", i(id)))
    }

    fn case_events(&self, case_id: i64) -> Result<Vec<StoredCaseEvent>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading case events",
                "SELECT seq, stream, kind, on_date, body, recorded_at, actor, format FROM case_events WHERE case_id = $1 ORDER BY seq",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredCaseEvent {
                    seq: c.int(0)?,
                    stream: c.parsed(1, "stream", str::parse::<EventStream>)?,
                    kind: c.text(2)?.to_owned(),
                    on: c.parsed(3, "on_date", parse_date)?,
                    body: c.text(4)?.to_owned(),
                    recorded_at: c.parsed(5, "recorded_at", parse_ts)?,
                    actor: c.text(6)?.to_owned(),
                    format: c.int(7)?,
                })
            })
            .collect()
        })
    }

    fn accident_recognised_in(&self, accident_key: &str) -> Result<Option<String>, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading recognised accidents",
                "SELECT c.number FROM recognised_accidents r JOIN cases c ON c.id = r.case_id WHERE r.accident_key = $1",
                &[t(accident_key)],
            )?;
            row.map(|r| Cols::new(&r).text(0).map(str::to_owned))
                .transpose()
        })
    }

    fn case_queue(&self, limit: u32) -> Result<Vec<CaseRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE closed = 0 AND deadline_due IS NOT NULL \
                 ORDER BY deadline_due, number LIMIT $1"
            );
            db.rows("reading the work queue", &sql, &[i(i64::from(limit))])?
                .iter()
                .map(|r| case_from_row(r))
                .collect()
        })
    }

    fn open_cases_due_from(&self, from: Date) -> Result<Vec<CaseRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE closed = 0 AND deadline_due >= $1 ORDER BY id"
            );
            db.rows("reading cases due from a date", &sql, &[t(from)])?
                .iter()
                .map(|r| case_from_row(r))
                .collect()
        })
    }

    fn refresh_case_snapshot(
        &self,
        case_id: i64,
        version: i64,
        snapshot: &CaseSnapshot,
        actor: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "empty"));
        }
        self.backend.transaction(|db| {
            let d = snapshot.deadline.as_ref();
            let n = db.exec(
                "refreshing a case's deadline",
                "UPDATE cases SET state = $1, closed = $2, deadline_kind = $3, deadline_due = $4, deadline_article = $5, \
                 updated_at = $6 WHERE id = $7 AND version = $8",
                &[
                    t(snapshot.state),
                    i(i64::from(snapshot.closed)),
                    opt_t(d.map(|d| &d.kind)),
                    opt_t(d.map(|d| d.due)),
                    opt_t(d.map(|d| &d.article)),
                    t(at),
                    i(case_id),
                    i(version),
                ],
            )?;
            if n == 1 {
                audit(
                    db,
                    actor,
                    at,
                    "refresh_deadline",
                    "case",
                    &case_id.to_string(),
                    json!({"version": version, "deadline_due": d.map(|d| d.due.to_string())}),
                )?;
            }
            Ok(n == 1)
        })
    }

    fn cases_of_person(&self, person: &ResidentId) -> Result<Vec<CaseRow>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("SELECT {CASE_COLUMNS} FROM cases WHERE resident_id = $1 ORDER BY id");
            db.rows("reading cases", &sql, &[t(person.as_str())])?
                .iter()
                .map(|r| case_from_row(r))
                .collect()
        })
    }

    fn appraisal_history(&self, case_id: i64) -> Result<Vec<ConclusionRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading appraisal conclusions",
                "SELECT number, kind, level, applied_on, concluded_on, grade, nursing, late_by_days, reappraisal_of \
                 FROM appraisal_conclusions WHERE case_id = $1 ORDER BY number",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ConclusionRow {
                    number: c.int(0)?,
                    kind: c.text(1)?.to_owned(),
                    level: c.text(2)?.to_owned(),
                    applied_on: c.parsed(3, "applied_on", parse_date)?,
                    concluded_on: c.parsed(4, "concluded_on", parse_date)?,
                    grade: c.opt_int(5)?.and_then(|g| u8::try_from(g).ok()),
                    nursing: c.opt_text(6)?.map(str::to_owned),
                    late_by_days: c.int(7)?,
                    reappraisal_of: c.opt_int(8)?,
                })
            })
            .collect()
        })
    }

    fn create_award(
        &self,
        award: &NewAward,
        maker: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_actor(maker)?;
        let mut one_time: i64 = 0;
        let mut monthly: i64 = 0;
        for it in &award.items {
            if it.amount.fen() < 0 {
                return Err(StoreError::invalid(
                    "amount",
                    format!(
                        "{}: {} yuan is negative; 0.00 or more",
                        col(&it.item),
                        it.amount
                    ),
                ));
            }
            let total = match it.periodicity {
                Periodicity::OneTime => &mut one_time,
                Periodicity::Monthly => &mut monthly,
            };
            *total = total
                .checked_add(it.amount.fen())
                .ok_or_else(|| StoreError::invalid("amount", "a total beyond i64 fen"))?;
        }
        self.backend.transaction(|db| {
            if case_by(db, "id", i(award.case_id))?.is_none() {
                return Err(StoreError::not_found("case", award.case_id));
            }
            let id = db.insert_id(
                "creating an award",
                "INSERT INTO awards (case_id, status, basis, legal_date, scheme_id, jurisdiction, one_time_fen, monthly_fen, input, trace, made_by, made_at) \
                 VALUES ($1, 'proposed', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    i(award.case_id),
                    t(&award.basis),
                    t(award.legal_date),
                    t(&award.scheme_id),
                    t(&award.jurisdiction),
                    i(one_time),
                    i(monthly),
                    t(&award.input),
                    t(&award.trace),
                    t(maker),
                    t(at),
                ],
                || StoreError::duplicate("award", award.case_id),
            )?;
            for (n, it) in award.items.iter().enumerate() {
                db.exec(
                    "storing an award item",
                    "INSERT INTO award_items (award_id, line, item, periodicity, payer, beneficiary, amount_fen, citation) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        i(id),
                        i(i64::try_from(n).unwrap_or(i64::MAX) + 1),
                        t(col(&it.item)),
                        t(col(&it.periodicity)),
                        t(col(&it.payer)),
                        t(&it.beneficiary),
                        i(it.amount.fen()),
                        t(&it.citation),
                    ],
                )?;
            }
            audit(
                db,
                maker,
                at,
                "propose_award",
                "award",
                &id.to_string(),
                json!({"case_id": award.case_id, "basis": award.basis, "one_time_fen": one_time, "monthly_fen": monthly}),
            )?;
            Ok(id)
        })
    }

    fn award(&self, award_id: i64) -> Result<Option<AwardRow>, StoreError> {
        self.backend.read(|db| award_by_id(db, award_id))
    }

    fn awards_of_case(&self, case_id: i64) -> Result<Vec<AwardRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {AWARD_COLUMNS} FROM awards WHERE case_id = $1 ORDER BY id");
            let rows = db.rows("reading awards", &sql, &[i(case_id)])?;
            rows.iter().map(|r| award_from_row(db, r)).collect()
        })
    }

    fn approve_award(
        &self,
        award_id: i64,
        approval: &AwardApproval,
        checker: &str,
        at: Timestamp,
    ) -> Result<AwardRow, StoreError> {
        require_actor(checker)?;
        self.backend.transaction(|db| {
            let Some(award) = award_by_id(db, award_id)? else {
                return Err(StoreError::not_found("award", award_id));
            };
            if award.status != AwardStatus::Proposed {
                return Err(StoreError::conflict(
                    "award",
                    award_id.to_string(),
                    format!("it is {}; only a proposed award is approved", award.status),
                ));
            }
            if award.made_by == checker {
                return Err(StoreError::conflict(
                    "award",
                    award_id.to_string(),
                    format!(
                        "{checker} made it; a second person approves (maker-checker)"
                    ),
                ));
            }
            let previous = db.opt_row(
                "reading the approved award",
                "SELECT id FROM awards WHERE case_id = $1 AND status = 'approved'",
                &[i(award.case_id)],
            )?;
            let supersedes = match previous {
                Some(r) => Some(Cols::new(&r).int(0)?),
                None => None,
            };
            if let Some(prev) = supersedes {
                db.exec(
                    "superseding an award",
                    "UPDATE awards SET status = 'superseded' WHERE id = $1",
                    &[i(prev)],
                )?;
            }
            let n = db.exec(
                "approving an award",
                "UPDATE awards SET status = 'approved', checked_by = $1, checked_at = $2, supersedes = $3, ledger_key = $4 \
                 WHERE id = $5 AND status = 'proposed'",
                &[
                    t(checker),
                    t(at),
                    Value::opt_int(supersedes),
                    opt_t(approval.ledger_key.as_ref()),
                    i(award_id),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::conflict(
                    "award",
                    award_id.to_string(),
                    "it was approved meanwhile",
                ));
            }
            // Other proposals of the case are now stale.
            db.exec(
                "withdrawing stale proposals",
                "UPDATE awards SET status = 'withdrawn' WHERE case_id = $1 AND status = 'proposed'",
                &[i(award.case_id)],
            )?;
            for tx in &approval.ledger {
                if post(db, tx, checker, at)? == Posted::AlreadyPosted {
                    return Err(StoreError::conflict(
                        "ledger transaction",
                        tx.idempotency_key().as_str(),
                        "it is already posted, so it cannot also record this approval",
                    ));
                }
            }
            for (benefit_id, last, reason) in &approval.endings {
                end_benefit_in(db, *benefit_id, *last, reason)?;
            }
            insert_amounts(db, &approval.amounts, None)?;
            let created = insert_benefits(db, &approval.new_benefits, at)?;
            audit(
                db,
                checker,
                at,
                "approve_award",
                "award",
                &award_id.to_string(),
                json!({
                    "case_id": award.case_id,
                    "maker": award.made_by,
                    "supersedes": supersedes,
                    "ledger": approval.ledger.iter().map(|t| t.idempotency_key().as_str().to_owned()).collect::<Vec<_>>(),
                    "benefits_created": created,
                    "amounts_changed": approval.amounts.len(),
                    "benefits_ended": approval.endings.len(),
                }),
            )?;
            award_by_id(db, award_id)?.ok_or_else(|| StoreError::not_found("award", award_id))
        })
    }

    fn record_one_time_payment(
        &self,
        payment: &NewOneTimePayment,
        tx: &Transaction,
        actor: &str,
        at: Timestamp,
    ) -> Result<Posted, StoreError> {
        require_actor(actor)?;
        if payment.amount.fen() <= 0 {
            return Err(StoreError::invalid(
                "amount",
                format!("{} yuan; a payment is more than 0.00", payment.amount),
            ));
        }
        self.backend.transaction(|db| {
            let existing = db.opt_row(
                "reading a one-time payment",
                "SELECT case_id, award_id, item, beneficiary, amount_fen FROM one_time_payments WHERE idempotency_key = $1",
                &[t(&payment.idempotency_key)],
            )?;
            if let Some(r) = existing {
                let c = Cols::new(&r);
                let same = c.int(0)? == payment.case_id
                    && c.int(1)? == payment.award_id
                    && c.text(2)? == col(&payment.item)
                    && c.text(3)? == payment.beneficiary
                    && c.int(4)? == payment.amount.fen();
                return if same {
                    Ok(Posted::AlreadyPosted)
                } else {
                    Err(StoreError::IdempotencyMismatch {
                        entity: "one-time payment",
                        key: payment.idempotency_key.clone(),
                    })
                };
            }
            let id = db.insert_id(
                "recording a one-time payment",
                "INSERT INTO one_time_payments (case_id, award_id, item, beneficiary, amount_fen, paid_on, idempotency_key, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    i(payment.case_id),
                    i(payment.award_id),
                    t(col(&payment.item)),
                    t(&payment.beneficiary),
                    i(payment.amount.fen()),
                    t(payment.paid_on),
                    t(&payment.idempotency_key),
                    t(at),
                ],
                || StoreError::duplicate("one-time payment", &payment.idempotency_key),
            )?;
            if post(db, tx, actor, at)? == Posted::AlreadyPosted {
                return Err(StoreError::conflict(
                    "ledger transaction",
                    tx.idempotency_key().as_str(),
                    "it is already posted, so it cannot also record this payment",
                ));
            }
            audit(
                db,
                actor,
                at,
                "pay_one_time",
                "one_time_payment",
                &id.to_string(),
                json!({"case_id": payment.case_id, "award_id": payment.award_id, "item": payment.item, "amount_fen": payment.amount.fen()}),
            )?;
            Ok(Posted::Posted)
        })
    }

    fn one_time_payments(&self, case_id: i64) -> Result<Vec<OneTimePaymentRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading one-time payments",
                "SELECT id, award_id, item, beneficiary, amount_fen, paid_on, idempotency_key FROM one_time_payments \
                 WHERE case_id = $1 ORDER BY id",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(OneTimePaymentRow {
                    id: c.int(0)?,
                    award_id: c.int(1)?,
                    item: c.parsed(2, "item", |x| from_col("item", x))?,
                    beneficiary: c.text(3)?.to_owned(),
                    amount: Money::from_fen(c.int(4)?),
                    paid_on: c.parsed(5, "paid_on", parse_date)?,
                    idempotency_key: c.text(6)?.to_owned(),
                })
            })
            .collect()
        })
    }

    fn create_periodic_benefits(
        &self,
        benefits: &[NewPeriodicBenefit],
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let ids = insert_benefits(db, benefits, at)?;
            audit(
                db,
                actor,
                at,
                "create_benefits",
                "periodic_benefit",
                &ids.first().map_or_else(String::new, ToString::to_string),
                json!({"count": ids.len(), "first_id": ids.first(), "last_id": ids.last()}),
            )?;
            Ok(ids.len() as u64)
        })
    }

    fn periodic_benefits_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<PeriodicBenefitRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {BENEFIT_COLUMNS} FROM periodic_benefits WHERE case_id = $1 ORDER BY id"
            );
            let rows = db.rows("reading periodic benefits", &sql, &[i(case_id)])?;
            rows.iter().map(|r| benefit_from_row(db, r)).collect()
        })
    }

    fn periodic_benefit(&self, benefit_id: i64) -> Result<Option<PeriodicBenefitRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {BENEFIT_COLUMNS} FROM periodic_benefits WHERE id = $1");
            match db.opt_row("reading a periodic benefit", &sql, &[i(benefit_id)])? {
                Some(r) => benefit_from_row(db, &r).map(Some),
                None => Ok(None),
            }
        })
    }

    fn benefit_amounts_in(
        &self,
        month: Month,
        item: Option<Item>,
    ) -> Result<Vec<(i64, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading benefit amounts",
                "SELECT b.id, (SELECT a.amount_fen FROM benefit_amounts a WHERE a.benefit_id = b.id AND a.from_month <= $1 \
                 ORDER BY a.from_month DESC LIMIT 1) FROM periodic_benefits b \
                 WHERE b.payer = 'fund' AND b.start_month <= $1 AND (b.end_month IS NULL OR b.end_month >= $1) \
                 AND ($2 = '' OR b.item = $2) ORDER BY b.id",
                &[t(month), t(item.as_ref().map(col).unwrap_or_default())],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((c.int(0)?, Money::from_fen(c.opt_int(1)?.unwrap_or(0))))
            })
            .collect()
        })
    }

    fn add_benefit_amounts(
        &self,
        amounts: &[NewBenefitAmount],
        indexation: Option<&NewIndexation>,
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let indexation_id = match indexation {
                Some(x) => Some(db.insert_id(
                    "recording an indexation",
                    "INSERT INTO indexations (from_month, item, kind, value, instrument, benefits, created_at, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        t(x.from_month),
                        opt_t(x.item.as_ref().map(col)),
                        t(&x.kind),
                        t(&x.value),
                        t(&x.instrument),
                        i(i64::try_from(amounts.len()).unwrap_or(i64::MAX)),
                        t(at),
                        t(actor),
                    ],
                    || StoreError::duplicate("indexation", x.from_month),
                )?),
                None => None,
            };
            for a in amounts {
                if let Some(paid) = last_paid_month(db, a.benefit_id)?
                    && paid >= a.from_month
                {
                    return Err(StoreError::conflict(
                        "periodic benefit",
                        a.benefit_id.to_string(),
                        format!(
                            "{paid} is already paid; a new amount from {} would change a month paid (pay the difference as arrears)",
                            a.from_month
                        ),
                    ));
                }
            }
            insert_amounts(db, amounts, indexation_id)?;
            audit(
                db,
                actor,
                at,
                "benefit_amounts",
                "periodic_benefit",
                &amounts.first().map_or_else(String::new, |a| a.benefit_id.to_string()),
                json!({"count": amounts.len(), "indexation_id": indexation_id}),
            )?;
            Ok(amounts.len() as u64)
        })
    }

    fn set_benefit_suspended(
        &self,
        benefit_id: i64,
        suspended: bool,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let n = db.exec(
                "suspending a benefit",
                "UPDATE periodic_benefits SET suspended = $1 WHERE id = $2",
                &[i(i64::from(suspended)), i(benefit_id)],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("periodic benefit", benefit_id));
            }
            audit(
                db,
                actor,
                at,
                if suspended {
                    "suspend_benefit"
                } else {
                    "resume_benefit"
                },
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"reason": reason}),
            )
        })
    }

    fn end_benefit(
        &self,
        benefit_id: i64,
        last_month: Month,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            end_benefit_in(db, benefit_id, last_month, reason)?;
            audit(
                db,
                actor,
                at,
                "end_benefit",
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"last_month": last_month.to_string(), "reason": reason}),
            )
        })
    }

    fn run_payroll(
        &self,
        month: Month,
        posting: PayrollPosting<'_>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PayrollRunRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let next = db.one_row(
                "numbering a payroll run",
                "SELECT CAST(COALESCE(MAX(run_no), 0) + 1 AS BIGINT) FROM payroll_runs WHERE month = $1",
                &[t(month)],
            )?;
            let run_no = Cols::new(&next).int(0)?;
            let run_id = db.insert_id(
                "starting a payroll run",
                "INSERT INTO payroll_runs (month, run_no, lines, total_fen, started_at, actor) VALUES ($1, $2, 0, 0, $3, $4) RETURNING id",
                &[t(month), i(run_no), t(at), t(actor)],
                || StoreError::duplicate("payroll run", format!("{month} #{run_no}")),
            )?;
            // One statement pays the month: every running, unsuspended fund
            // benefit at the amount in force in the month; a line already
            // there for (benefit, month) is skipped, so nothing is paid twice.
            // The "not paid yet" test is a correlated probe of the primary key
            // rather than NOT EXISTS: PostgreSQL turns NOT EXISTS into an
            // anti join, and with the statistics of a freshly loaded table it
            // may pick a nested loop over a sequential scan (minutes for a
            // million rows); a probe per benefit is the plan on both backends.
            // On PostgreSQL, OFFSET 0 keeps the amount lookup from being
            // evaluated twice (SQLite accepts OFFSET only after a LIMIT).
            let fence = if db.backend() == "postgres" {
                "OFFSET 0"
            } else {
                ""
            };
            let pay = format!(
                "INSERT INTO payroll_lines (benefit_id, month, run_id, amount_fen) \
                 SELECT x.id, CAST($1 AS TEXT), CAST($2 AS BIGINT), x.amt FROM ( \
                   SELECT b.id AS id, (SELECT a.amount_fen FROM benefit_amounts a \
                       WHERE a.benefit_id = b.id AND a.from_month <= $1 ORDER BY a.from_month DESC LIMIT 1) AS amt \
                   FROM periodic_benefits b \
                   WHERE b.payer = 'fund' AND b.suspended = 0 AND b.start_month <= $1 \
                     AND (b.end_month IS NULL OR b.end_month >= $1) \
                     AND (SELECT 1 FROM payroll_lines p WHERE p.benefit_id = b.id AND p.month = $1) IS NULL \
                   {fence} \
                 ) x WHERE x.amt > 0 \
                 ON CONFLICT (benefit_id, month) DO NOTHING"
            );
            db.exec("paying the month", &pay, &[t(month), i(run_id)])?;
            let totals = run_totals(db, run_id)?;
            let tx = posting(run_id, &totals)?;
            let ledger_key = match &tx {
                Some(tx) => {
                    if tx.amount() != totals.total {
                        return Err(StoreError::conflict(
                            "payroll run",
                            format!("{month} #{run_no}"),
                            format!(
                                "its transaction posts {} but the lines add up to {}",
                                tx.amount(),
                                totals.total
                            ),
                        ));
                    }
                    if post(db, tx, actor, at)? == Posted::AlreadyPosted {
                        return Err(StoreError::conflict(
                            "ledger transaction",
                            tx.idempotency_key().as_str(),
                            "it is already posted, so it cannot also record this run",
                        ));
                    }
                    Some(tx.idempotency_key().as_str().to_owned())
                }
                None if totals.total.fen() != 0 => {
                    return Err(StoreError::conflict(
                        "payroll run",
                        format!("{month} #{run_no}"),
                        format!("it paid {} with no ledger transaction", totals.total),
                    ));
                }
                None => None,
            };
            db.exec(
                "finishing a payroll run",
                "UPDATE payroll_runs SET lines = $1, total_fen = $2, ledger_key = $3 WHERE id = $4",
                &[
                    i(i64::try_from(totals.lines).unwrap_or(i64::MAX)),
                    i(totals.total.fen()),
                    opt_t(ledger_key.as_ref()),
                    i(run_id),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "run_payroll",
                "payroll_run",
                &run_id.to_string(),
                json!({"month": month.to_string(), "run_no": run_no, "lines": totals.lines, "total_fen": totals.total.fen(), "ledger_key": ledger_key}),
            )?;
            Ok(PayrollRunRow {
                id: run_id,
                month,
                run_no,
                lines: totals.lines,
                total: totals.total,
                ledger_key,
                started_at: at,
                actor: actor.to_owned(),
                by_item: totals.by_item,
            })
        })
    }

    fn payroll_runs(&self, month: Month) -> Result<Vec<PayrollRunRow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading payroll runs",
                "SELECT id, month, run_no, lines, total_fen, ledger_key, started_at, actor FROM payroll_runs WHERE month = $1 ORDER BY run_no",
                &[t(month)],
            )?;
            rows.iter().map(|r| run_from_row(db, r)).collect()
        })
    }

    fn payroll_lines_of_benefit(&self, benefit_id: i64) -> Result<Vec<(Month, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading payroll lines",
                "SELECT month, amount_fen FROM payroll_lines WHERE benefit_id = $1 ORDER BY month",
                &[i(benefit_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((
                    c.parsed(0, "month", parse_month)?,
                    Money::from_fen(c.int(1)?),
                ))
            })
            .collect()
        })
    }
}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}
