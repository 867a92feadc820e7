//! gongshang-store: the [`Store`] trait and its two backends, SQLite (the
//! embedded default: a file path, WAL) and PostgreSQL (a `postgres://` URL),
//! with their migrations.
//!
//! Architecture invariant: only this crate knows SQL. Money is stored as
//! BIGINT fen, dates as ISO text (`YYYY-MM-DD`), instants as RFC 3339 text in
//! UTC. The store never reads the clock: every mutation takes the actor and
//! the instant, and writes its `audit_log` row in the same database
//! transaction as the change. The ledger tables are append-only (triggers
//! refuse UPDATE and DELETE on both backends).
//!
//! The logic is written once ([`engine`]) over a small [`db::Db`] interface;
//! SQL is written in the subset both dialects accept (`$1` parameters,
//! `RETURNING`, `ON CONFLICT DO NOTHING`). Each backend adds its own fast
//! path for importing orders (SQLite: a prepared statement per batch;
//! PostgreSQL: binary `COPY` straight into `orders` inside a savepoint, and
//! only when a batch holds an order already stored, `COPY` into a staging
//! table and `INSERT ... SELECT ... ON CONFLICT DO NOTHING`).

pub mod accounts;
pub mod cases;
pub mod db;
pub mod engine;
pub mod error;
pub mod fund;
pub mod imports;
pub mod migrations;
pub mod model;
pub mod monitor;
pub mod pg_settings;
mod pool;
pub mod postgres;
pub mod recovery;
pub mod sqlite;
pub mod tickets;
pub mod views;

use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use gongshang_domain::ledger::{Account, Transaction};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use jiff::Timestamp;
use jiff::civil::Date;

/// The two databases a store runs on.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// The embedded default: one file, one writer and reader connections.
    Sqlite,
    /// The path past one machine: a pool of connections, server processes.
    Postgres,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgres",
        }
    }
}

pub use accounts::{AccountStore, ApiToken, NewUser, StoredResponse, StoredSession, User};
pub use cases::{
    CaseStore, MissingWorkerStore, RecurrenceStore, RecusalStore, RevisionStore, StaffStore,
};
pub use error::StoreError;
pub use fund::FundStore;
pub use imports::{ImportStore, RegistryImport, RegistryImportWritten, StoredPayment};
pub use model::*;
pub use monitor::MonitorStore;
pub use postgres::PostgresStore;
pub use recovery::RecoveryStore;
pub use sqlite::SqliteStore;
pub use tickets::TicketStore;
pub use views::ViewStore;

/// Everything the application keeps. Synchronous; one implementation per
/// backend, chosen by [`open`]. Eligibility, billing amounts and coverage
/// intervals are decided by the caller (with the rules engine and the domain);
/// the store records them, enforces keys and idempotency, and answers.
pub trait Store:
    Send
    + Sync
    + CaseStore
    + AccountStore
    + ViewStore
    + ImportStore
    + TicketStore
    + StaffStore
    + FundStore
    + MonitorStore
    + RecusalStore
    + MissingWorkerStore
    + RecoveryStore
    + RevisionStore
    + RecurrenceStore
{
    /// Which database answers.
    fn backend(&self) -> BackendKind;

    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str {
        self.backend().as_str()
    }

    /// Applies the pending migrations in order, each in a transaction;
    /// returns the versions applied (none when up to date).
    fn migrate(&self) -> Result<Vec<i64>, StoreError>;
    fn schema_version(&self) -> Result<i64, StoreError>;

    // ---- registry ----
    fn create_unit(&self, unit: &NewUnit, actor: &str, at: Timestamp) -> Result<Unit, StoreError>;
    fn unit_by_code(&self, code: &CreditCode) -> Result<Option<Unit>, StoreError>;
    fn list_units(&self, page: Page) -> Result<Vec<Unit>, StoreError>;
    /// Stores sex and birth date derived from the identity number.
    fn create_person(
        &self,
        person: &NewPerson,
        actor: &str,
        at: Timestamp,
    ) -> Result<Person, StoreError>;
    /// A new person and their first enrolment, in one transaction: both
    /// or neither.
    fn create_person_and_enrollment(
        &self,
        person: &NewPerson,
        enrollment: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<(Person, i64), StoreError>;
    fn person_by_resident_id(&self, id: &ResidentId) -> Result<Option<Person>, StoreError>;
    fn add_engagement(
        &self,
        engagement: &NewEngagement,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;
    fn engagements_of_person(&self, id: &ResidentId) -> Result<Vec<Engagement>, StoreError>;

    // ---- enrollment ----
    fn create_enrollment(
        &self,
        enrollment: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;
    /// Ends a running enrollment on `last_day` (inclusive).
    fn end_enrollment(
        &self,
        enrollment_id: i64,
        last_day: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    fn enrollments_of_person(&self, id: &ResidentId) -> Result<Vec<StoredEnrollment>, StoreError>;
    fn enrollment(&self, enrollment_id: i64) -> Result<Option<StoredEnrollment>, StoreError>;
    /// The commitments kept with a person's enrolments (issue 17), by
    /// enrolment.
    fn commitments_of_person(&self, id: &ResidentId) -> Result<Vec<StoredCommitment>, StoreError>;
    fn enrollments_of_unit(
        &self,
        unit: &CreditCode,
        scheme_id: Option<&gongshang_rules::SchemeId>,
    ) -> Result<Vec<StoredEnrollment>, StoreError>;

    // ---- contributions ----
    /// The bill, its declarations, its ledger transaction and the audit row,
    /// in one transaction. A second declaration for the same enrollment and
    /// month is refused (`conflict`): there are no supplementary declarations.
    fn issue_bill(&self, bill: &NewBill, actor: &str, at: Timestamp) -> Result<i64, StoreError>;
    fn declarations_of_bill(&self, bill_id: i64) -> Result<Vec<Declaration>, StoreError>;
    fn bill_status(&self, bill_id: i64) -> Result<BillStatus, StoreError>;
    /// A bill with its kind, scheme and fiscal share.
    fn bill(&self, bill_id: i64) -> Result<StoredBill, StoreError>;
    /// A bill by its reference (`M202503-<unit>-<scheme>`, ...), if issued.
    fn bill_by_reference(&self, reference: &str) -> Result<Option<StoredBill>, StoreError>;
    /// Bills due before `as_of` with something outstanding.
    fn arrears(&self, as_of: Date) -> Result<Vec<BillStatus>, StoreError>;
    /// The payment, its coverage rows, its ledger transaction and the audit
    /// row, in one transaction; the same payment again under its key is
    /// `AlreadyRecorded`, different content under the key an
    /// `idempotency_mismatch`.
    fn record_payment(
        &self,
        payment: &NewPayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError>;
    /// [`Store::record_payment`] of a payment whose cover was decided on the
    /// bill having been paid `paid_before`: if another payment of the bill
    /// came first, the decision is stale, nothing is written and the answer
    /// is a `conflict` on the bill (the caller reads the bill again and
    /// decides again). Payments of one bill take turns in the store (the
    /// bill is locked first), so a bill is never paid more than its amount
    /// and exactly one payment settles it.
    fn record_payment_if_paid(
        &self,
        payment: &NewPayment,
        paid_before: Money,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError>;

    // ---- platform orders ----
    fn begin_import(
        &self,
        kind: &str,
        source: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;
    /// One batch in one transaction: orders already stored (same platform
    /// and order id) are skipped and counted as duplicates; the import's
    /// counts are updated in the same transaction.
    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError>;
    fn finish_import(
        &self,
        import_id: i64,
        rows_read: u64,
        rows_rejected: u64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportSummary, StoreError>;
    fn import_summary(&self, import_id: i64) -> Result<ImportSummary, StoreError>;
    /// Counted from the orders themselves (with the distinct workers): a
    /// report, slower than [`Store::order_month_totals`] on big months.
    fn reconcile_orders(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderReconciliation, StoreError>;
    /// The running totals of a platform's month, kept by the imports in the
    /// batches' transactions.
    fn order_month_totals(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderMonthTotals, StoreError>;
    /// A platform's month of orders by the province they were taken in
    /// (issue 12: the rate float is the province's), grouped in the
    /// database, in province order: (province, orders, premium).
    fn order_month_provinces(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Vec<(String, u64, Money)>, StoreError>;
    /// Issue 13: the unit a platform is registered as (its order bills are
    /// charged to it); linking again moves the platform to the new unit.
    fn link_platform_unit(
        &self,
        platform: &PlatformId,
        unit: &CreditCode,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    fn platform_unit(&self, platform: &PlatformId) -> Result<Option<CreditCode>, StoreError>;
    /// A platform's orders per day from `from` to `to`: (day, orders,
    /// distinct workers, premium).
    fn platform_days(
        &self,
        platform: &PlatformId,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Date, u64, u64, Money)>, StoreError>;

    // ---- coverage ----
    /// The covers of a person on a day (of one unit if given; order days
    /// have no unit and answer only without one).
    fn coverage_at(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<StoredCover>, StoreError>;

    /// Everything a coverage answer needs, in one statement (one round trip
    /// on PostgreSQL): the person's enrolments (all of them), and their
    /// covers on the day, of one unit if given, with order days of no
    /// platform when a unit is given unless `platform` names its own.
    fn coverage_of_person(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
        platform: Option<&PlatformId>,
    ) -> Result<PersonCoverage, StoreError>;

    // ---- ledger ----
    fn post(&self, tx: &Transaction, actor: &str, at: Timestamp) -> Result<Posted, StoreError>;
    /// Debit positive, by account.
    fn ledger_balances(&self) -> Result<Vec<(Account, i64)>, StoreError>;
    /// The sum of all balances: 0 in a balanced ledger.
    fn trial_balance(&self) -> Result<i128, StoreError>;

    // ---- holiday calendars ----
    /// The arrangements loaded at run time, by year.
    fn holiday_files(&self) -> Result<Vec<StoredHolidayFile>, StoreError>;
    /// Bills whose due date is provisional.
    fn provisional_bills(&self) -> Result<Vec<ProvisionalBill>, StoreError>;
    /// Stores a year's arrangement (replacing one loaded before) and the
    /// bills' due dates counted again by it, with the audit rows, in one
    /// transaction.
    fn load_holiday_file(
        &self,
        year: i16,
        text: &str,
        redated: &[BillRedated],
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    // ---- audit ----
    fn audit_entries(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>, StoreError>;
}

/// Opens (creating and migrating) the store the URL names: `postgres://` or
/// `postgresql://` for PostgreSQL, `sqlite::memory:`, `sqlite:PATH` or a
/// plain file path for SQLite.
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PostgresStore::open(url)?))
    } else {
        Ok(Box::new(SqliteStore::open(url)?))
    }
}
