//! The SQLite backend: the embedded default. WAL, `synchronous=NORMAL` (a
//! committed transaction survives a crash of the process; the last ones may
//! be lost only on a power failure), foreign keys on, a busy timeout for
//! other processes. Statements are prepared once per connection and cached.
//!
//! One writer connection behind a mutex (SQLite has one writer anyway, and
//! `BEGIN IMMEDIATE` makes other processes queue too), and a pool of
//! read-only connections for [`Backend::read`]: in WAL mode a reader sees
//! the last committed state and never waits for the writer, so a lookup
//! does not wait behind an import's batch. Each read is one deferred
//! transaction on its reader: one snapshot, and one WAL read lock, for all
//! its statements. A private in-memory database (`sqlite::memory:`) cannot
//! be opened twice, so there the reads use the writer, as before.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql, TransactionBehavior, params};

use crate::db::{Db, DbError, Row, Value, values_list};
use crate::engine::{
    Backend, DaySpan, SqlStore, day_spans, finish_order_batch, month_totals,
    order_days_industry_columns, order_days_upsert,
};
use crate::error::StoreError;
use crate::migrations::MIGRATIONS;
use crate::model::{ImportCounts, OrderConflict, OrderRecord};
use crate::pool::Pool;

const NAME: &str = "sqlite";

pub struct SqliteBackend {
    /// Declared before the writer so that they close first: the last
    /// connection to close checkpoints the WAL and removes it, and only
    /// the writer may.
    readers: Option<Readers>,
    writer: Mutex<Connection>,
}

/// Read-only connections to the database file, opened when reads overlap.
struct Readers {
    path: String,
    pool: Pool<Connection>,
}

/// The SQLite store.
pub type SqliteStore = SqlStore<SqliteBackend>;

fn backend_err(context: &str, e: rusqlite::Error) -> StoreError {
    StoreError::Backend {
        backend: NAME,
        context: context.to_owned(),
        detail: e.to_string(),
    }
}

/// At most this many reader connections: the async workers of a server
/// (one per core) that run reads in place, and the blocking pool's calls.
/// They are opened only when that many reads overlap.
fn max_readers() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    (cores * 2 + 4).min(64)
}

impl SqlStore<SqliteBackend> {
    /// Opens `sqlite::memory:`, `sqlite:PATH`, `sqlite://PATH` or a plain
    /// path, creating the file and migrating it on first use.
    pub fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let memory = path == ":memory:";
        let conn = if memory {
            Connection::open_in_memory()
        } else {
            Connection::open(path)
        }
        .map_err(|e| backend_err(&format!("opening {path}"), e))?;
        // page_size takes effect only on a new file (before WAL is on): big
        // pages mean fewer writes per imported batch. A checkpoint every
        // 64 MiB of WAL instead of 4 MiB writes a page hit by many batches
        // back once instead of many times.
        conn.execute_batch(
            "PRAGMA page_size = 16384;
             PRAGMA journal_mode = WAL;
             PRAGMA wal_autocheckpoint = 4096;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 10000;
             PRAGMA cache_size = -262144;",
        )
        .map_err(|e| backend_err("setting pragmas", e))?;
        conn.set_prepared_statement_cache_capacity(64);
        let store = SqlStore {
            backend: SqliteBackend {
                readers: (!memory).then(|| Readers {
                    path: path.to_owned(),
                    pool: Pool::new(max_readers(), |_| true),
                }),
                writer: Mutex::new(conn),
            },
        };
        crate::Store::migrate(&store)?;
        Ok(store)
    }
}

impl Readers {
    /// A reader: opened read-only (it cannot write, whatever it is asked),
    /// and `query_only` besides, which also covers temporary tables.
    fn open(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)
            .map_err(|e| backend_err(&format!("opening {} to read", self.path), e))?;
        // A smaller page cache than the writer's: readers share the
        // operating system's cache of the file, and there may be several.
        conn.execute_batch(
            "PRAGMA query_only = ON;
             PRAGMA busy_timeout = 10000;
             PRAGMA cache_size = -65536;",
        )
        .map_err(|e| backend_err("setting a reader's pragmas", e))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }
}

impl SqliteBackend {
    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction rolled it back (rusqlite's Transaction
        // rolls back on drop), so the connection is usable.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `$1` → `?1`: SQL is written once in PostgreSQL's parameter style. On
/// bytes, since `$` and `?` are both ASCII: this runs for every statement
/// (a few percent of a lookup's CPU when it went character by character).
fn sqlite_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    let bytes = sql.as_bytes();
    let Some(first) = bytes.iter().position(|b| *b == b'$') else {
        return sql.into();
    };
    let mut out = bytes.to_vec();
    for i in first..out.len() - 1 {
        if out[i] == b'$' && out[i + 1].is_ascii_digit() {
            out[i] = b'?';
        }
    }
    // One ASCII byte replaced by another: still UTF-8.
    String::from_utf8(out).map_or_else(|_| sql.into(), Into::into)
}

/// A deferred transaction on a reader (the snapshot is taken at its first
/// statement), by cached statements: rusqlite's `Transaction` parses
/// `BEGIN` and `ROLLBACK` again each time. Rolled back when ended (there is
/// nothing to commit), or when dropped if the read panicked, so that the
/// connection goes back to the pool outside a transaction.
struct ReadTransaction<'c> {
    conn: &'c Connection,
}

impl<'c> ReadTransaction<'c> {
    fn begin(conn: &'c Connection) -> Result<ReadTransaction<'c>, StoreError> {
        conn.prepare_cached("BEGIN DEFERRED")
            .and_then(|mut s| s.execute([]))
            .map_err(|e| backend_err("beginning a read", e))?;
        Ok(ReadTransaction { conn })
    }

    fn end(self) -> Result<(), StoreError> {
        // Then autocommit again, and dropping it does nothing.
        self.rollback().map_err(|e| backend_err("ending a read", e))
    }

    fn rollback(&self) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached("ROLLBACK")
            .and_then(|mut s| s.execute([]))
            .map(drop)
    }
}

impl Drop for ReadTransaction<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.rollback();
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::NullInt | Value::NullText => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

fn db_err(e: rusqlite::Error) -> DbError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && (f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    {
        return DbError::Unique(e.to_string());
    }
    DbError::Other(e.to_string())
}

struct SqliteDb<'c> {
    conn: &'c Connection,
}

impl Db for SqliteDb<'_> {
    fn backend(&self) -> &'static str {
        NAME
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_err)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(params.iter()))
            .map_err(db_err)?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.conn.prepare_cached(&sqlite_sql(sql)).map_err(db_err)?;
        let n = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(db_err)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(db_err)? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(match r.get_ref(i).map_err(db_err)? {
                    ValueRef::Null => Value::NullText,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Text(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(DbError::Other(format!(
                            "column {i} holds a real or a blob; the schema has none"
                        )));
                    }
                });
            }
            out.push(row);
        }
        Ok(out)
    }
}

impl Backend for SqliteBackend {
    fn kind(&self) -> crate::BackendKind {
        crate::BackendKind::Sqlite
    }

    fn transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| backend_err("beginning a transaction", e))?;
        let value = f(&mut SqliteDb { conn: &tx })?;
        tx.commit()
            .map_err(|e| backend_err("committing a transaction", e))?;
        Ok(value)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let Some(readers) = &self.readers else {
            return self.outside_transaction(f);
        };
        let conn = readers.pool.get(|| readers.open())?;
        let read = ReadTransaction::begin(&conn)?;
        let value = f(&mut SqliteDb { conn: read.conn });
        read.end()?;
        value
    }

    /// On the writer: `VACUUM INTO` cannot run on a read-only connection.
    fn outside_transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.lock();
        f(&mut SqliteDb { conn: &conn })
    }

    fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let mut conn = self.lock();
        // SQLite's 12-step ALTER (step 1): foreign keys off outside the
        // transaction when a pending migration rebuilds a referenced table.
        let applied_before: Vec<i64> = match conn.prepare("SELECT version FROM schema_migrations") {
            Ok(mut stmt) => stmt
                .query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
                .map_err(|e| backend_err("reading schema_migrations", e))?,
            Err(_) => Vec::new(),
        };
        let keys_off = MIGRATIONS.iter().any(|m| {
            !applied_before.contains(&m.version)
                && m.sqlite
                    .contains(crate::migrations::SQLITE_FOREIGN_KEYS_OFF)
        });
        if keys_off {
            conn.execute_batch("PRAGMA foreign_keys = OFF")
                .map_err(|e| backend_err("turning foreign keys off", e))?;
        }
        let result = migrate_in(&mut conn, keys_off);
        if keys_off {
            // Step 12, whatever happened.
            conn.execute_batch("PRAGMA foreign_keys = ON")
                .map_err(|e| backend_err("turning foreign keys on", e))?;
        }
        result
    }

    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError> {
        let ctx = "importing orders";
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| backend_err(ctx, e))?;
        let mut counts = ImportCounts::default();
        let months;
        {
            // In key order, stable so that the first of a repeated key wins:
            // the inserts walk the B-tree in one direction instead of jumping
            // about. A key repeated within the batch is a duplicate at once.
            let mut sorted: Vec<(usize, &OrderRecord)> = batch.iter().enumerate().collect();
            sorted.sort_by(|a, b| order_key(a.1).cmp(&order_key(b.1)));
            let mut unique: Vec<(usize, &OrderRecord)> = Vec::with_capacity(sorted.len());
            for (index, o) in sorted {
                match unique.last() {
                    Some((_, first)) if order_key(first) == order_key(o) => {
                        let at = first.ordered_at.to_string();
                        let stored = [
                            first.resident_id.as_str(),
                            at.as_str(),
                            first.industry.stored_name(),
                            first.province.as_str(),
                        ];
                        match OrderConflict::between(index, stored, o) {
                            Some(c) => counts.conflicts.push(c),
                            None => counts.duplicate += 1,
                        }
                    }
                    _ => unique.push((index, o)),
                }
            }
            let mut added: Vec<&OrderRecord> = Vec::with_capacity(unique.len());
            let mut insert_order = tx
                .prepare_cached(
                    "INSERT INTO orders (platform, order_id, resident_id, ordered_at, day, industry, province, premium_fen, import_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
                )
                .map_err(|e| backend_err(ctx, e))?;
            let mut at_text = String::with_capacity(32);
            for &(index, o) in &unique {
                at_text.clear();
                let _ = write!(at_text, "{}", o.ordered_at);
                let n = insert_order
                    .execute(params![
                        o.platform.as_str(),
                        o.order_id.as_str(),
                        o.resident_id.as_str(),
                        at_text,
                        IsoDay::new(o.day).as_str(),
                        o.industry.stored_name(),
                        o.province,
                        o.premium.fen(),
                        import_id,
                    ])
                    .map_err(|e| backend_err(ctx, e))?;
                if n > 0 {
                    added.push(o);
                    continue;
                }
                // Stored before: the same order, or another under its key.
                let stored: (String, String, String, String) = tx
                    .prepare_cached(
                        "SELECT resident_id, ordered_at, industry, province FROM orders \
                         WHERE platform = ?1 AND order_id = ?2",
                    )
                    .and_then(|mut s| {
                        s.query_row(params![o.platform.as_str(), o.order_id.as_str()], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                        })
                    })
                    .map_err(|e| backend_err(ctx, e))?;
                let stored = [
                    stored.0.as_str(),
                    stored.1.as_str(),
                    stored.2.as_str(),
                    stored.3.as_str(),
                ];
                match OrderConflict::between(index, stored, o) {
                    Some(c) => counts.conflicts.push(c),
                    None => counts.duplicate += 1,
                }
            }
            counts.conflicts.sort_by_key(|c| c.index);
            counts.conflict = counts.conflicts.len() as u64;
            counts.added = added.len() as u64;
            months = month_totals(added.iter().copied());
            // In the table's key order: day, worker, platform.
            let days: Vec<_> = day_spans(added.iter().copied()).into_iter().collect();
            for group in days.chunks(ROWS_PER_INSERT) {
                insert_order_days(&tx, group).map_err(|e| backend_err(ctx, e))?;
            }
        }
        finish_order_batch(
            &mut SqliteDb { conn: &tx },
            import_id,
            batch,
            &counts,
            &months,
            actor,
            at,
        )?;
        tx.commit().map_err(|e| backend_err(ctx, e))?;
        Ok(counts)
    }
}

/// Order days per INSERT statement on the import path: one statement for
/// many rows saves most of the per-statement work. (Orders go one by one:
/// each needs its own answer, inserted or already there, and RETURNING on
/// a many-row insert costs more than it saves.)
const ROWS_PER_INSERT: usize = 100;

fn order_key(o: &OrderRecord) -> (&str, &str) {
    (o.platform.as_str(), o.order_id.as_str())
}

type KeyedSpan<'a> = ((Date, &'a str, &'a str), DaySpan);

fn insert_order_days(
    tx: &rusqlite::Transaction<'_>,
    group: &[KeyedSpan<'_>],
) -> rusqlite::Result<()> {
    const COLUMNS: usize = 9;
    let sql = format!(
        "INSERT INTO order_days (day, resident_id, platform, first_minute, last_minute, orders, \
         {}) VALUES {} {}",
        order_days_industry_columns(),
        values_list(group.len(), COLUMNS, '?'),
        order_days_upsert()
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    for (r, ((day, resident, platform), span)) in group.iter().enumerate() {
        let at = r * COLUMNS;
        stmt.raw_bind_parameter(at + 1, IsoDay::new(*day).as_str())?;
        stmt.raw_bind_parameter(at + 2, *resident)?;
        stmt.raw_bind_parameter(at + 3, *platform)?;
        stmt.raw_bind_parameter(at + 4, span.first)?;
        stmt.raw_bind_parameter(at + 5, span.last)?;
        stmt.raw_bind_parameter(at + 6, span.orders)?;
        for (k, n) in span.by_industry.iter().enumerate() {
            stmt.raw_bind_parameter(at + 7 + k, *n)?;
        }
    }
    stmt.raw_execute()?;
    Ok(())
}

/// A date as ISO text (`YYYY-MM-DD`), without an allocation for the years
/// 0 to 9999.
enum IsoDay {
    Short([u8; 10]),
    Other(String),
}

impl IsoDay {
    fn new(day: Date) -> IsoDay {
        let year = day.year();
        if !(0..=9999).contains(&year) {
            return IsoDay::Other(day.to_string());
        }
        let digit = |n: i16| b'0' + u8::try_from(n % 10).unwrap_or(0);
        let (m, d) = (i16::from(day.month()), i16::from(day.day()));
        IsoDay::Short([
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }

    fn as_str(&self) -> &str {
        match self {
            IsoDay::Short(b) => std::str::from_utf8(b).unwrap_or(""),
            IsoDay::Other(s) => s,
        }
    }
}

/// Applies the pending migrations in one transaction (the foreign keys
/// checked before committing when `check_keys`).
fn migrate_in(conn: &mut rusqlite::Connection, check_keys: bool) -> Result<Vec<i64>, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| backend_err("beginning the migration", e))?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         )",
    )
    .map_err(|e| backend_err("creating schema_migrations", e))?;
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let done: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [m.version],
                |r| r.get(0),
            )
            .map_err(|e| backend_err("reading schema_migrations", e))?;
        if done {
            continue;
        }
        tx.execute_batch(m.sqlite)
            .map_err(|e| backend_err(&format!("applying migration {}", m.version), e))?;
        // The database's clock, not the application's: a migration is
        // not a domain event.
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) \
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            params![m.version, m.name],
        )
        .map_err(|e| backend_err("recording a migration", e))?;
        applied.push(m.version);
    }
    if check_keys {
        // Step 10: the rebuilt tables break no reference.
        let broken: i64 = tx
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(|e| backend_err("checking foreign keys", e))?;
        if broken > 0 {
            return Err(StoreError::Backend {
                backend: "sqlite",
                context: "checking foreign keys after the migration".into(),
                detail: format!("{broken} rows refer to rows that do not exist"),
            });
        }
    }
    tx.commit()
        .map_err(|e| backend_err("committing the migration", e))?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DbExt;

    fn temp_path(name: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        std::env::temp_dir()
            .join(format!(
                "gongshang_sqlite_{}_{nanos}_{name}.db",
                std::process::id()
            ))
            .display()
            .to_string()
    }

    fn remove(path: &str) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }

    #[test]
    fn a_read_cannot_write_and_sees_what_the_writer_committed() {
        let path = temp_path("reader");
        let store = SqliteStore::open(&path).unwrap();
        let backend = &store.backend;
        let written = backend.read(|db| {
            db.exec(
                "writing where only reading is allowed",
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9998, 'test', '')",
                &[],
            )
        });
        let refused = written.unwrap_err().to_string();
        assert!(refused.contains("readonly"), "{refused}");
        backend
            .transaction(|db| {
                db.exec(
                    "a test write",
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'test', '')",
                    &[],
                )
            })
            .unwrap();
        let seen = backend
            .read(|db| {
                db.rows(
                    "a test read",
                    "SELECT name FROM schema_migrations WHERE version = 9999",
                    &[],
                )
            })
            .unwrap();
        assert_eq!(seen, vec![vec![Value::text("test")]]);
        drop(store);
        remove(&path);
    }

    #[test]
    fn parameters_are_rewritten_and_the_rest_is_kept() {
        assert_eq!(
            sqlite_sql("SELECT '€$', $1, $12 FROM t WHERE a = $2$"),
            "SELECT '€$', ?1, ?12 FROM t WHERE a = ?2$"
        );
        assert!(matches!(
            sqlite_sql("SELECT 1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_read_that_panics_leaves_its_reader_outside_a_transaction() {
        let path = temp_path("panic");
        let store = SqliteStore::open(&path).unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: Result<(), StoreError> = store.backend.read(|db| {
                db.rows("a test read", "SELECT 1", &[])?;
                panic!("in the middle of a read")
            });
        }));
        assert!(panicked.is_err());
        // The same reader (the only idle one) begins a read again: it would
        // refuse to if the one that panicked were still open.
        store
            .backend
            .read(|db| db.rows("a test read", "SELECT 1", &[]))
            .unwrap();
        drop(store);
        remove(&path);
    }

    #[test]
    fn a_private_in_memory_database_is_read_on_its_writer() {
        let store = SqliteStore::open("sqlite::memory:").unwrap();
        assert!(store.backend.readers.is_none());
        let version = store
            .backend
            .read(|db| {
                db.one_row(
                    "a test read",
                    "SELECT CAST(MAX(version) AS BIGINT) FROM schema_migrations",
                    &[],
                )
            })
            .unwrap();
        assert!(matches!(version[0], Value::Int(v) if v > 0));
    }
}
