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

use gongshang_domain::case::{AwardBasis, AwardStatus, CaseState, EventStream, Flow};
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
    pub scheme_id: gongshang_rules::SchemeId,
    pub jurisdiction: String,
    pub region: Option<String>,
    pub accident_key: String,
    pub accident_date: Date,
    /// The platform whose order the case was on (the platform pilot's
    /// confirmation): its benefits count in the platform's payout ratio.
    pub platform: Option<gongshang_domain::ids::PlatformId>,
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
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub scheme_id: gongshang_rules::SchemeId,
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
    /// Why it was computed.
    pub basis: AwardBasis,
    pub legal_date: Date,
    pub scheme_id: gongshang_rules::SchemeId,
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
    pub basis: AwardBasis,
    pub legal_date: Date,
    pub scheme_id: gongshang_rules::SchemeId,
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
    /// How often the payroll pays it (Guangdong Regulations Art 29).
    pub frequency: gongshang_domain::month::PaymentFrequency,
    pub amounts: Vec<BenefitAmountRow>,
}

/// A grade 1-4 worker's disability allowance as the base of the medical
/// insurance contributions of a month (Regulations Art 35 para 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MedicalBaseRow {
    pub benefit_id: i64,
    pub case_number: String,
    /// The unit that pays the medical insurance in the month: the case's,
    /// or its successor's (the application layer decides).
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    /// The case's own unit, the worker's at the injury.
    pub case_unit_code: Option<String>,
    pub resident_id: String,
    pub name: Option<String>,
    pub grade: i64,
    /// Who pays the allowance (the fund; the unit for an uninsured period).
    pub payer: Payer,
    /// The allowance in force in the month: the base.
    pub base: Money,
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
    /// What the run advanced on the advances' monthly items (Order 15 Art
    /// 8), apart from `total`: filled by the app, zero from the store.
    pub advance_lines: u64,
    pub advance_total: Money,
}

/// Builds the ledger transaction of a run from its totals (`None` when
/// nothing was paid), in the run's database transaction.
pub type PayrollPosting<'a> =
    &'a dyn Fn(i64, &PayrollTotals) -> Result<Option<Transaction>, StoreError>;
mod awards;
mod log;
mod matching;
mod medical;
mod missing;
mod pauses;
mod payroll;
mod recurrences;
mod recusals;
mod revisions;
mod staff;
mod stop_reports;

pub use awards::AwardStore;
pub use log::CaseLogStore;
pub use matching::{
    BenefitToMatch, LifeEventRow, MatchHitRow, MatchRunRow, MatchingStore, NewLifeEvent,
    NewMatchHit, NewMatchRun, VerificationDue, VerificationMethod,
};
pub use medical::{
    InstitutionRow, MedicalBillLineRow, MedicalBillRow, MedicalBillStatus, MedicalSettlementIn,
    MedicalStore, NewMedicalBill, NewMedicalBillLine, SettledLineIn,
};
pub use missing::{BenefitEnding, MissingWorkerStore, NewMissingEvent, StoredMissingEvent};
pub use pauses::{BenefitPauseRow, BenefitPauseStore, NewBenefitPause};
pub use payroll::BenefitStore;
pub use recurrences::{
    NewRecurrence, NewRecurrenceAward, RecurrenceAwardRow, RecurrenceAwardStatus, RecurrenceRow,
    RecurrenceStore,
};
pub use recusals::{RECUSAL_REASON_MAX_CHARS, Recusal, RecusalStore};
pub use revisions::{
    ApprovalPlan, ArrearsPaid, NewRevision, RevisionApplication, RevisionApplied, RevisionKind,
    RevisionRecovery, RevisionRow, RevisionStatus, RevisionStore,
};
pub use staff::{
    AnalysisFigures, AnalysisQuery, AuditQuery, AwardReturn, MonthPremiums, PLAIN_ROLES,
    RETURN_REASON_MAX_CHARS, RegionPremiums, ReviewRow, StaffStore, WorkQueueQuery, WorkQueueRow,
};
pub use stop_reports::{NewStopReport, Reporter, StopReportRow, StopReportStore};

/// Injury cases, appraisals, awards and the payroll of periodic benefits. A
/// part of [`Store`], in three parts by use case: the case's event log and
/// row ([`CaseLogStore`]), awards ([`AwardStore`]) and periodic benefits with
/// the payroll ([`BenefitStore`]), with their pauses for a sentence
/// ([`BenefitPauseStore`]).
pub trait CaseStore: CaseLogStore + AwardStore + BenefitStore + BenefitPauseStore {}

impl<T: CaseLogStore + AwardStore + BenefitStore + BenefitPauseStore> CaseStore for T {}

// ---- helpers ------------------------------------------------------------------

pub(super) fn i(v: i64) -> Value {
    Value::Int(v)
}

/// The column text of an enum of the rules engine: its serde name.
pub(super) fn col<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// An enum of the rules engine read back from its column.
pub(super) fn from_col<T: serde::de::DeserializeOwned>(
    field: &'static str,
    text: &str,
) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("{field} {text:?} is not known"))
}

pub(super) fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

pub(super) fn opt_t<T: ToString>(v: Option<T>) -> Value {
    Value::opt_text(v.map(|x| x.to_string()))
}

pub(super) fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

pub(super) fn parse_ts(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>().map_err(|e| e.to_string())
}

pub(super) fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s).map_err(|e| e.to_string())
}

pub(super) fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(super) fn require_actor(actor: &str) -> Result<(), StoreError> {
    if actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "must not be empty"));
    }
    Ok(())
}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}
