//! The store's logic, written once over [`Db`] for both backends: every
//! mutation runs in one database transaction together with its audit row.

use std::collections::BTreeMap;

use gongshang_domain::DomainError;
use gongshang_domain::ids::{CreditCode, IdempotencyKey, PlatformId, ResidentId};
use gongshang_domain::ledger::{self, Account, Posting, ReasonCode, Side, SubjectRef, Transaction};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::Sex;
use gongshang_rules::scheme::{Category, OrderIndustry};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::Store;

mod billing;
mod coverage;
mod orders;
mod postings;
mod registry;

use crate::db::{Cols, Db, DbExt, Value};
use crate::error::StoreError;
use crate::model::*;
pub use billing::BillingStore;
pub(crate) use billing::{check_new_bill, check_new_payment, issue_bills_in, record_payment_in};
pub use coverage::CoverageStore;
pub use orders::OrderStore;
pub(crate) use orders::{
    DaySpan, IMPORT_COLUMNS, MonthTotals, day_spans, finish_order_batch, import_from_row,
    month_totals, order_days_industry_columns, order_days_upsert,
};
pub use postings::LedgerStore;
pub(crate) use postings::{post, post_new};
pub use registry::RegistryStore;
pub(crate) use registry::{ENROLLMENT_SELECT, UNIT_COLUMNS, enrollment_from_row, unit_from_row};

/// What a backend provides; the rest is [`SqlStore`].
pub trait Backend: Send + Sync {
    fn kind(&self) -> crate::BackendKind;
    /// Runs `f` in one database transaction: committed if `f` returns `Ok`,
    /// rolled back otherwise.
    fn transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Runs read-only `f`. It never waits for a transaction of this store
    /// to end (SQLite: on a read-only connection of its own, in one read
    /// transaction; PostgreSQL: on a pooled connection).
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Runs `f` outside any transaction, for a statement that cannot run
    /// inside one (`VACUUM INTO`).
    fn outside_transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Applies the pending migrations; returns the versions applied.
    fn migrate(&self) -> Result<Vec<i64>, StoreError>;
    /// The credentials epoch when the backend keeps it in memory and knows
    /// it now (PostgreSQL: `epoch_watch`); `None`: read the database.
    fn known_credentials_epoch(&self) -> Option<i64> {
        None
    }
    /// A transaction that raised the credentials epoch is over.
    fn credentials_changed(&self) {}
    /// One read-only statement without blocking a thread, where the backend
    /// waits on the network (PostgreSQL: an asynchronous client on the
    /// caller's runtime); `None` where a blocking read costs less (SQLite:
    /// microseconds in process), and the caller reads synchronously.
    fn rows_async(
        &self,
        _context: &'static str,
        _sql: &'static str,
        _params: Vec<Value>,
    ) -> Option<crate::BoxFuture<'_, Result<Vec<crate::db::Row>, StoreError>>> {
        None
    }
    /// Inserts a batch of orders and their order days in one transaction,
    /// skipping those already stored, then calls [`finish_order_batch`] in
    /// the same transaction. The batch is already validated.
    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError>;
}

/// A [`Store`] over a backend: [`crate::SqliteStore`] or [`crate::PostgresStore`].
pub struct SqlStore<B> {
    pub(crate) backend: B,
}

// ---- text forms -------------------------------------------------------------

pub(crate) fn category_text(c: Category) -> String {
    match serde_json::to_value(c) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{c:?}"),
    }
}

pub(crate) fn parse_category(text: &str) -> Result<Category, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| e.to_string())
}

fn reason_text(r: ReasonCode) -> String {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{r:?}"),
    }
}

const fn side_text(s: Side) -> &'static str {
    match s {
        Side::Debit => "debit",
        Side::Credit => "credit",
    }
}

fn parse_account(text: &str) -> Result<Account, String> {
    Account::ALL
        .into_iter()
        .find(|a| a.to_string() == text)
        .ok_or_else(|| format!("{text:?} is not an account"))
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>().map_err(|e| e.to_string())
}

pub(crate) fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|e| e.to_string())
}

pub(crate) fn sex_text(s: Sex) -> &'static str {
    match s {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn fen(m: Money) -> Value {
    Value::Int(m.fen())
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn require_text(field: &'static str, value: &str) -> Result<(), StoreError> {
    if value.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    Ok(())
}

// ---- audit ------------------------------------------------------------------

/// Writes the audit row of a mutation, in the caller's transaction.
pub(crate) fn audit(
    db: &mut dyn Db,
    actor: &str,
    at: Timestamp,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    db.exec(
        "writing the audit log",
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[t(at), t(actor), t(action), t(entity), t(entity_id), t(detail)],
    )?;
    Ok(())
}

// ---- lookups ----------------------------------------------------------------

pub(crate) fn person_id(db: &mut dyn Db, person: &ResidentId) -> Result<i64, StoreError> {
    let row = db.opt_row(
        "looking up a person",
        "SELECT id FROM people WHERE resident_id = $1",
        &[t(person.as_str())],
    )?;
    match row {
        Some(r) => Cols::new(&r).int(0),
        None => Err(StoreError::not_found(
            "person",
            format!("with resident id {}", person.masked()),
        )),
    }
}

pub(crate) fn unit_id(db: &mut dyn Db, unit: &CreditCode) -> Result<i64, StoreError> {
    let row = db.opt_row(
        "looking up a unit",
        "SELECT id FROM units WHERE credit_code = $1",
        &[t(unit.as_str())],
    )?;
    match row {
        Some(r) => Cols::new(&r).int(0),
        None => Err(StoreError::not_found(
            "unit",
            format!("with credit code {}", unit.as_str()),
        )),
    }
}

// ---- the Store --------------------------------------------------------------

impl<B: Backend> SqlStore<B> {
    fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.backend.transaction(f)
    }
}

impl<B: Backend> Store for SqlStore<B> {
    fn backend(&self) -> crate::BackendKind {
        self.backend.kind()
    }

    fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        self.backend.migrate()
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.backend.read(|db| {
            let row = db.one_row(
                "reading the schema version",
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
                &[],
            )?;
            Cols::new(&row).int(0)
        })
    }

    fn audit_entries(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading the audit log",
                "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log \
                 WHERE entity = $1 AND entity_id = $2 ORDER BY id",
                &[t(entity), t(entity_id)],
            )?;
            rows.iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(AuditEntry {
                        id: c.int(0)?,
                        at: c.parsed(1, "at", parse_timestamp)?,
                        actor: c.text(2)?.to_owned(),
                        action: c.text(3)?.to_owned(),
                        entity: c.text(4)?.to_owned(),
                        entity_id: c.text(5)?.to_owned(),
                        detail: c.parsed(6, "detail", |s| {
                            serde_json::from_str::<serde_json::Value>(s)
                        })?,
                    })
                })
                .collect()
        })
    }
}
