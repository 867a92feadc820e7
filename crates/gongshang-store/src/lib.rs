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

/// A boxed future that may move between threads (a store's async reads).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

pub mod advances;
pub mod back_payments;
pub mod cancellations;
pub mod cases;
pub mod db;
pub mod deferrals;
pub mod engine;
mod epoch_watch;
pub mod error;
pub mod fund;
pub mod handling;
pub mod imports;
pub mod late_fees;
pub mod liability;
pub mod migrations;
pub mod model;
pub mod monitor;
mod pg_async;
pub mod pg_settings;
mod pool;
pub mod postgres;
pub mod recovery;
pub mod simulations;
pub mod sqlite;
pub mod tickets;
pub mod unit_dues;
pub mod views;

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
pub use advances::{AdvanceRow, AdvanceStore};
pub use back_payments::{BackPaymentRow, BackPaymentStore, NewBackPayment};
pub use cancellations::{
    NewUnitCancellation, RunningOn, UnitCancellationRow, UnitCancellationStore,
};
pub use cases::{
    CaseStore, MatchingStore, MedicalStore, MissingWorkerStore, RecurrenceStore, RecusalStore,
    RevisionStore, StaffStore, StopReportStore,
};
pub use deferrals::{DeferralRevocation, DeferralRow, DeferralStore, NewDeferral};
pub use engine::{BillingStore, CoverageStore, LedgerStore, OrderStore, RegistryStore};
pub use error::StoreError;
pub use fund::FundStore;
pub use handling::{CreditStore, RegistrationStore};
pub use imports::{ImportStore, RegistryImport, RegistryImportWritten, StoredPayment};
pub use late_fees::{
    BillLateFees, LateFeeAssessmentRow, LateFeePaymentOutcome, LateFeePaymentRow, LateFeeStore,
    NewLateFeeAssessment, NewLateFeePayment,
};
pub use liability::LiabilityStore;
pub use model::*;
pub use monitor::MonitorStore;
pub use postgres::PostgresStore;
pub use recovery::RecoveryStore;
pub use simulations::SimulationStore;
pub use sqlite::SqliteStore;
pub use tickets::TicketStore;
pub use unit_dues::{NewUnitDuePayment, UnitDuePaymentRow, UnitDueStore};
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
    + MatchingStore
    + RecoveryStore
    + RevisionStore
    + RegistryStore
    + BillingStore
    + OrderStore
    + CoverageStore
    + LedgerStore
    + RecurrenceStore
    + LiabilityStore
    + MedicalStore
    + StopReportStore
    + BackPaymentStore
    + DeferralStore
    + AdvanceStore
    + RegistrationStore
    + CreditStore
    + UnitCancellationStore
    + LateFeeStore
    + SimulationStore
    + UnitDueStore
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
