//! What the store takes and returns. Identifiers are the domain's validated
//! types; money is [`Money`] (integer fen); dates are civil dates.

use std::fmt;

use gongshang_domain::ids::{CreditCode, OrderId, PlatformId, RegionCode, ResidentId};
use gongshang_domain::ledger::Transaction;
use gongshang_rules::Money;
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::Sex;
use gongshang_rules::scheme::{Category, OrderIndustry};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::StoreError;

/// The scheme id under which order days cover a platform worker.
pub const ORDER_SCHEME_ID: gongshang_rules::SchemeId =
    gongshang_rules::SchemeId::known("national.platform_occupational_injury");

/// The kinds of unit that may insure people.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Enterprise,
    PublicBody,
    /// 村（社区）委员会
    VillageCommittee,
    Platform,
    School,
    DomesticServiceAgency,
    VolunteerOrganisation,
}

impl UnitKind {
    pub const ALL: [UnitKind; 7] = [
        UnitKind::Enterprise,
        UnitKind::PublicBody,
        UnitKind::VillageCommittee,
        UnitKind::Platform,
        UnitKind::School,
        UnitKind::DomesticServiceAgency,
        UnitKind::VolunteerOrganisation,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UnitKind::Enterprise => "enterprise",
            UnitKind::PublicBody => "public_body",
            UnitKind::VillageCommittee => "village_committee",
            UnitKind::Platform => "platform",
            UnitKind::School => "school",
            UnitKind::DomesticServiceAgency => "domestic_service_agency",
            UnitKind::VolunteerOrganisation => "volunteer_organisation",
        }
    }

    pub fn parse(text: &str) -> Result<UnitKind, StoreError> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                StoreError::invalid(
                    "unit_kind",
                    format!(
                        "{text:?} is not a unit kind; expected one of enterprise, public_body, village_committee, platform, school, domestic_service_agency, volunteer_organisation"
                    ),
                )
            })
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUnit {
    pub credit_code: CreditCode,
    pub name: String,
    pub kind: UnitKind,
    pub region: RegionCode,
    pub industry_class: IndustryClass,
    pub floating_tier: Rate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub credit_code: CreditCode,
    pub name: String,
    pub kind: UnitKind,
    pub region: RegionCode,
    pub industry_class: IndustryClass,
    pub floating_tier: Rate,
    pub created_at: Timestamp,
}

/// A page of a listing in a stable order (by id): `after_id` is the last id
/// of the previous page (0 for the first).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub after_id: i64,
    pub limit: u32,
}

impl Page {
    pub const fn first(limit: u32) -> Page {
        Page { after_id: 0, limit }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPerson {
    pub resident_id: ResidentId,
    pub name: String,
}

/// A person; sex and birth date are derived from the identity number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub resident_id: ResidentId,
    pub name: String,
    pub sex: Sex,
    pub birth_date: Date,
}

/// A person working for a unit in a category, from a day, maybe to a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEngagement {
    pub person: ResidentId,
    pub unit: CreditCode,
    pub category: Category,
    pub start: Date,
    pub end: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Engagement {
    pub id: i64,
    pub person: ResidentId,
    pub unit: CreditCode,
    pub category: Category,
    pub start: Date,
    pub end: Option<Date>,
}

/// An enrolment as the caller decided it (eligibility is the app layer's).
/// `unit` is `None` for people who enrol themselves (flexible workers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEnrollment {
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub scheme_id: gongshang_rules::SchemeId,
    pub category: Category,
    pub start: Date,
    /// The unit's commitment, for a scheme that asks for one (issue 17),
    /// written in the same transaction.
    pub commitment: Option<NewCommitment>,
}

/// A running enrolment ended on `last_day` and continued by `to` (a unit's
/// succession, Regulations Art 43(1)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentMove {
    pub from: i64,
    pub last_day: Date,
    pub to: NewEnrollment,
}

/// Electronically (the unit's own pages, the API) or on paper (at the
/// agency's window, entered by staff).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentForm {
    Electronic,
    Paper,
}

impl CommitmentForm {
    pub const fn as_str(self) -> &'static str {
        match self {
            CommitmentForm::Electronic => "electronic",
            CommitmentForm::Paper => "paper",
        }
    }

    pub fn parse(text: &str) -> Result<CommitmentForm, String> {
        match text {
            "electronic" => Ok(CommitmentForm::Electronic),
            "paper" => Ok(CommitmentForm::Paper),
            other => Err(format!(
                "{other:?} is not a form of commitment; allowed: electronic, paper"
            )),
        }
    }
}

/// A commitment as the caller made it (粤人社规〔2020〕55号 Art 6, Annex 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCommitment {
    /// The text agreed, as it stood that day.
    pub text: String,
    pub article: String,
    pub form: CommitmentForm,
    /// The insured were informed of their rights and obligations.
    pub persons_informed: bool,
}

/// A commitment kept with its enrolment: who made it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredCommitment {
    pub enrollment_id: i64,
    pub text: String,
    pub article: String,
    pub form: CommitmentForm,
    pub persons_informed: bool,
    pub made_by: String,
    pub made_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEnrollment {
    pub id: i64,
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub scheme_id: gongshang_rules::SchemeId,
    pub category: Category,
    pub start: Date,
    /// The last day enrolled (inclusive), once ended.
    pub last_day: Option<Date>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BillKind {
    Monthly,
    Daily,
    Orders,
}

impl BillKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            BillKind::Monthly => "monthly",
            BillKind::Daily => "daily",
            BillKind::Orders => "orders",
        }
    }

    pub fn parse(text: &str) -> Result<BillKind, StoreError> {
        match text {
            "monthly" => Ok(BillKind::Monthly),
            "daily" => Ok(BillKind::Daily),
            "orders" => Ok(BillKind::Orders),
            _ => Err(StoreError::invalid(
                "bill_kind",
                format!("{text:?} is not a bill kind; expected monthly, daily or orders"),
            )),
        }
    }
}

/// One worker's monthly declaration on a bill (wage base already clamped by
/// the rules engine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDeclaration {
    pub enrollment_id: i64,
    pub month: gongshang_domain::month::Month,
    pub declared_wage: Money,
    pub base: Money,
    pub rate: Rate,
    pub premium: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    pub id: i64,
    pub bill_id: i64,
    pub enrollment_id: i64,
    pub month: gongshang_domain::month::Month,
    pub declared_wage: Money,
    pub base: Money,
    pub rate: Rate,
    pub premium: Money,
}

/// A bill with its declarations and its ledger transaction, stored in one
/// database transaction. `reference` is the bill's number (unique), the one
/// the ledger transaction names as its subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBill {
    pub reference: String,
    pub unit: Option<CreditCode>,
    pub person: Option<ResidentId>,
    pub scheme_id: gongshang_rules::SchemeId,
    pub kind: BillKind,
    /// `YYYY-MM` for a month, `YYYY-MM-DD..YYYY-MM-DD` for days bought, ...
    pub period: String,
    pub amount: Money,
    /// The fiscal payer's share (part of `amount`).
    pub fiscal_share: Money,
    pub due_date: Date,
    /// `due_date` was counted in a year whose holiday arrangement is not
    /// loaded (weekends only); counted again when the year is loaded.
    pub due_provisional: bool,
    pub declarations: Vec<NewDeclaration>,
    pub ledger: Transaction,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillStatus {
    pub bill_id: i64,
    pub reference: String,
    pub unit: Option<CreditCode>,
    pub period: String,
    pub due_date: Date,
    /// See [`NewBill::due_provisional`].
    pub due_provisional: bool,
    pub amount: Money,
    pub paid: Money,
    pub outstanding: Money,
    /// The repayment day of the approved deferral in force covering it
    /// (缓缴; 人社厅发〔2022〕16号), read with the bill
    /// (`deferrals::BILL_DEFERRED_TO`); none for a bill not deferred.
    pub deferred_to: Option<Date>,
}

impl BillStatus {
    /// The day the bill is due in fact: its own due date, or its repayment
    /// day when deferred to a later day
    /// (`gongshang_rules::deferral::effective_due_date`). A bill is overdue
    /// on a day after it.
    pub fn effective_due_date(&self) -> Date {
        gongshang_rules::deferral::effective_due_date(self.due_date, self.deferred_to)
    }
}

/// A payment of a bill and the day it was received.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PaymentOfBill {
    pub paid_on: Date,
    pub amount: Money,
}

/// A bill with every payment of it, as arrears on a day are read from it
/// (Social Insurance Law Art 41).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillWithPayments {
    pub status: BillStatus,
    /// The earliest received first.
    pub payments: Vec<PaymentOfBill>,
}

/// A bill with what it bills: its status, kind, scheme and fiscal share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBill {
    pub status: BillStatus,
    pub kind: BillKind,
    pub scheme_id: gongshang_rules::SchemeId,
    /// The part billed to the fiscal payer (益鹭保's city subsidy).
    pub fiscal_share: Money,
    /// The person billed (days bought), if the bill is a person's.
    pub person: Option<ResidentId>,
}

/// A platform's month as imported: orders and premium, kept up to date by
/// every import batch (the bill of the month reads this, not the orders).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrderMonthTotals {
    pub orders: u64,
    pub premium: Money,
}

/// A row of cover to insert with a payment, by the scheme's rule (derived by
/// `gongshang_domain::coverage::derive_coverage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCover {
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub scheme_id: gongshang_rules::SchemeId,
    pub enrollment_id: Option<i64>,
    /// What earned it.
    pub basis: gongshang_domain::coverage::CoverKind,
    pub start: Date,
    /// Inclusive; `9999-12-31` is open-ended.
    pub end: Date,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPayment {
    pub bill_id: i64,
    pub amount: Money,
    pub paid_on: Date,
    pub idempotency_key: String,
    pub coverage: Vec<NewCover>,
    pub ledger: Transaction,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PaymentOutcome {
    Recorded(i64),
    /// The same payment under the same key was recorded before: nothing changed.
    AlreadyRecorded(i64),
}

impl PaymentOutcome {
    pub fn id(self) -> i64 {
        match self {
            PaymentOutcome::Recorded(id) | PaymentOutcome::AlreadyRecorded(id) => id,
        }
    }
}

/// One platform order record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    pub platform: PlatformId,
    pub order_id: OrderId,
    pub resident_id: ResidentId,
    pub ordered_at: Timestamp,
    /// The day in China the order was taken (covers that day).
    pub day: Date,
    pub industry: OrderIndustry,
    /// Two-digit GB/T 2260 province code.
    pub province: String,
    pub premium: Money,
}

/// What one batch of an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: u64,
    /// Stored before with the same content: unchanged.
    pub duplicate: u64,
    /// Stored before (or earlier in the batch) with other content: the
    /// stored order is kept, and these are in `conflicts`.
    pub conflict: u64,
    pub conflicts: Vec<OrderConflict>,
}

/// An order whose key (platform, order id) is stored with other content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderConflict {
    /// Its position in the batch (0-based).
    pub index: usize,
    /// The first field that differs: `resident_id`, `ordered_at`,
    /// `industry` or `province`.
    pub field: &'static str,
    pub stored: String,
    pub given: String,
}

impl OrderConflict {
    /// Compares a stored order's (worker, instant, industry, province), as
    /// text, with `given`'s; `None` when they are the same order.
    pub fn between(index: usize, stored: [&str; 4], given: &OrderRecord) -> Option<OrderConflict> {
        let ordered_at = given.ordered_at.to_string();
        let given_fields = [
            given.resident_id.as_str(),
            ordered_at.as_str(),
            given.industry.stored_name(),
            given.province.as_str(),
        ];
        let names = ["resident_id", "ordered_at", "industry", "province"];
        (0..4)
            .find(|&k| {
                if k == 1 {
                    // Instants compare as instants, whatever their text.
                    stored[1].parse::<Timestamp>().ok() != Some(given.ordered_at)
                } else {
                    stored[k] != given_fields[k]
                }
            })
            .map(|k| OrderConflict {
                index,
                field: names[k],
                stored: stored[k].to_owned(),
                given: given_fields[k].to_owned(),
            })
    }
}

/// Where an import stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Its batches are still coming in.
    Running,
    Finished,
    /// The run saw itself fail (the reason is kept).
    Failed,
    /// No batch for longer than the lease and not finished: the process
    /// stopped (killed, crashed). Running the same file again completes it.
    Interrupted,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Running => "running",
            ImportState::Finished => "finished",
            ImportState::Failed => "failed",
            ImportState::Interrupted => "interrupted",
        }
    }
}

/// An import as recorded: counts are accumulated by each committed batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    pub id: i64,
    pub kind: String,
    pub source: String,
    pub rows_read: u64,
    pub rows_added: u64,
    pub rows_duplicate: u64,
    pub rows_rejected: u64,
    /// Rows whose key is stored with other content (kept as stored).
    pub rows_conflict: u64,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    /// When the last batch committed (or the import began).
    pub heartbeat_at: Timestamp,
    /// Why the run stopped, when it saw itself fail.
    pub failure: Option<String>,
    /// The rows it expects to store, when known as it began (issue 13).
    pub rows_expected: Option<u64>,
}

impl ImportSummary {
    /// Its state at `now`: an unfinished import with no batch for `lease`
    /// is interrupted.
    pub fn state(&self, now: Timestamp, lease: jiff::SignedDuration) -> ImportState {
        if self.finished_at.is_some() {
            ImportState::Finished
        } else if self.failure.is_some() {
            ImportState::Failed
        } else if now.duration_since(self.heartbeat_at) > lease {
            ImportState::Interrupted
        } else {
            ImportState::Running
        }
    }
}

/// A platform's month of orders as stored, to compare with its declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderReconciliation {
    pub orders: u64,
    pub workers: u64,
    pub premium: Money,
}

/// What a cover rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoverProof {
    Payment(i64),
    /// Orders taken that day on the platform.
    OrdersOnPlatform(PlatformId),
    /// Inserted without a payment (e.g. ordinary insurance from enrolment).
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCover {
    pub scheme_id: gongshang_rules::SchemeId,
    pub unit: Option<CreditCode>,
    pub enrollment_id: Option<i64>,
    pub proof: CoverProof,
    pub basis: gongshang_domain::coverage::CoverKind,
    pub start: Date,
    pub end: Date,
}

/// A person's enrolments and covers on a day, read together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonCoverage {
    pub enrollments: Vec<StoredEnrollment>,
    /// Ordered by start, then scheme.
    pub covers: Vec<StoredCover>,
    /// The enrolments suspended on the day (posted abroad, Regulations Art
    /// 44): they cover nothing that day.
    pub suspended: Vec<i64>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Posted {
    Posted,
    /// The same transaction under the same key was posted before: nothing changed.
    AlreadyPosted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

/// A holiday arrangement an administrator loaded at run time (the TOML text
/// of `policies/national/holidays/<year>.toml`'s format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredHolidayFile {
    pub year: i16,
    pub text: String,
    pub loaded_by: String,
    pub loaded_at: Timestamp,
}

/// A bill whose due date is provisional, to be counted again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisionalBill {
    pub bill_id: i64,
    pub kind: BillKind,
    pub period: String,
    pub due_date: Date,
}

/// A bill's due date counted again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillRedated {
    pub bill_id: i64,
    pub due_date: Date,
    pub due_provisional: bool,
}
