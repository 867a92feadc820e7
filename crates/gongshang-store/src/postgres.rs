//! The PostgreSQL backend, chosen by a `postgres://` URL. A pool of
//! connections (see [`crate::pool`]), each with its own cache of prepared
//! statements: transactions, reads and batches of imported orders run at
//! the same time on connections of their own, each served by a server
//! process of its own. Connections are opened when calls overlap, up to
//! the pool size of [`PgSettings`] (from the URL or the environment, with
//! the statement and migration lock time limits). A store may live in a schema of its own
//! ([`PostgresStore::open_in_schema`], which tests use to run in parallel
//! on one database): every connection of the pool works in it.
//! `?options=-csearch_path%3D...` in the URL works too.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::LazyLock;

use gongshang_rules::scheme::OrderIndustry;
use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient, NoTls, Statement};

use crate::db::{Db, DbError, Row, Value};
use crate::engine::{
    Backend, MonthTotals, SqlStore, day_spans, finish_order_batch, month_totals,
    order_days_industry_columns, order_days_upsert,
};
use crate::error::StoreError;
use crate::migrations::MIGRATIONS;
use crate::model::{ImportCounts, OrderConflict, OrderRecord};
use crate::pg_settings::PgSettings;
use crate::pool::{Pool, Pooled};

pub(crate) const NAME: &str = "postgres";

struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// Whether this session's staging tables for imports exist.
    staging: bool,
}

pub struct PostgresBackend {
    pool: Pool<Conn>,
    /// How to open more connections: the URL and its settings, and the
    /// schema of [`PostgresStore::open_in_schema`].
    settings: PgSettings,
    schema: Option<String>,
    /// The schema's hot tables are partitioned: every connection plans its
    /// cached statements once, generically (`plan_cache_mode`), see
    /// [`GENERIC_PLANS`].
    generic_plans: std::sync::atomic::AtomicBool,
    /// The credentials epoch kept in memory, watched by a thread started on
    /// the first read of it.
    epoch: std::sync::Arc<crate::epoch_watch::EpochWatch>,
    /// Reads for async callers, on connections of their own.
    reads: crate::pg_async::AsyncReads,
}

/// The synchronous client closes its connection by blocking on a runtime of
/// its own, which panics (and, in a destructor, aborts the process) when the
/// store is dropped on an async runtime's thread, as the server drops it
/// when it shuts down. The connections are closed on a thread of their own.
impl Drop for PostgresBackend {
    fn drop(&mut self) {
        self.epoch.stop();
        let idle = self.pool.take_idle();
        if !idle.is_empty() {
            // A panic while closing is the client's; the store is gone.
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

/// On the partitioned schema, PostgreSQL's choice between a cached
/// statement's generic plan and a fresh plan for each call goes wrong: the
/// generic plan's cost counts every partition (pruning at execution is not
/// in the estimate), so it re-plans each coverage lookup over all of
/// `order_days`' partitions, 406 us a lookup through the app instead of
/// 137 us (issue 18, `gongshang bench import`). The store's statements are
/// key lookups and set-wise statements whose plans do not depend on the
/// values, so a generic plan, pruned at execution, is the right one.
pub(crate) const GENERIC_PLANS: &str = "SET plan_cache_mode = force_generic_plan";

/// The PostgreSQL store.
pub type PostgresStore = SqlStore<PostgresBackend>;

pub(crate) fn backend_err(context: &str, e: &postgres::Error) -> StoreError {
    StoreError::Backend {
        backend: NAME,
        context: context.to_owned(),
        detail: detail(e),
    }
}

fn detail(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{}: {d}", db.message()),
            None => db.message().to_owned(),
        },
        None => e.to_string(),
    }
}

fn db_err(e: postgres::Error) -> DbError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        DbError::Unique(detail(&e))
    } else {
        DbError::Other(detail(&e))
    }
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !schema.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "schema",
            format!(
                "{schema:?}: 1 to 63 lower-case letters, digits and _, not starting with a digit"
            ),
        ))
    }
}

/// What every new connection runs before its first statement, the same for
/// the pool's connections and the asynchronous ones of `pg_async`: the
/// statement time limit when one is set, the store's schema (checked by
/// `open_in_schema`), and generic plans on a partitioned schema.
pub(crate) fn session_setup(
    settings: &PgSettings,
    schema: Option<&str>,
    generic_plans: bool,
) -> String {
    let mut sql = String::new();
    if let Some(ms) = settings.statement_timeout_ms {
        sql.push_str(&format!("SET statement_timeout = {ms};"));
    }
    if let Some(schema) = schema {
        sql.push_str(&format!("SET search_path TO {schema};"));
    }
    if generic_plans {
        sql.push_str(GENERIC_PLANS);
        sql.push(';');
    }
    sql
}

/// A connection with the session set up ([`session_setup`]).
fn connect_with(settings: &PgSettings, setup: &str) -> Result<Client, StoreError> {
    let mut client =
        Client::connect(&settings.driver_url, NoTls).map_err(|e| backend_err("connecting", &e))?;
    if !setup.is_empty() {
        client
            .batch_execute(setup)
            .map_err(|e| backend_err("opening a connection", &e))?;
    }
    Ok(client)
}

/// A connection outside any store's schema (opening, dropping a schema).
fn connect(settings: &PgSettings) -> Result<Client, StoreError> {
    connect_with(settings, &session_setup(settings, None, false))
}

impl SqlStore<PostgresBackend> {
    /// Connects to the URL and migrates the database (in the schema the
    /// URL's `search_path` names, `public` by default).
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let settings = PgSettings::from_url(url)?;
        Self::from_client(connect(&settings)?, settings, None)
    }

    /// Connects, creates `schema` if need be, works in it only, and migrates it.
    pub fn open_in_schema(url: &str, schema: &str) -> Result<PostgresStore, StoreError> {
        check_schema_name(schema)?;
        let settings = PgSettings::from_url(url)?;
        let mut client = connect(&settings)?;
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
            ))
            .map_err(|e| backend_err("creating the schema", &e))?;
        Self::from_client(client, settings, Some(schema))
    }

    /// The credentials epoch this store keeps in memory, if it knows it now
    /// (`epoch_watch`): for tests and diagnostics; callers ask
    /// [`crate::accounts::AccountStore::credentials_epoch`].
    pub fn credentials_epoch_in_memory(&self) -> Option<i64> {
        self.backend.epoch.known()
    }

    /// Drops a schema made by [`PostgresStore::open_in_schema`] and all in it.
    pub fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        check_schema_name(schema)?;
        connect(&PgSettings::from_url(url)?)?
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .map_err(|e| backend_err("dropping the schema", &e))
    }

    fn from_client(
        client: Client,
        settings: PgSettings,
        schema: Option<&str>,
    ) -> Result<PostgresStore, StoreError> {
        let reads_settings = settings.clone();
        let store = SqlStore {
            backend: PostgresBackend {
                pool: Pool::new(settings.pool_size, |c: &Conn| !c.client.is_closed()),
                settings,
                schema: schema.map(str::to_owned),
                generic_plans: std::sync::atomic::AtomicBool::new(false),
                epoch: std::sync::Arc::default(),
                reads: crate::pg_async::AsyncReads::new(reads_settings, schema.map(str::to_owned)),
            },
        };
        // The connection that made the schema is the pool's first.
        store.backend.pool.add(Conn::new(client));
        crate::Store::migrate(&store)?;
        // Whatever the URL says now, the schema says whether it was made
        // partitioned.
        let mut conn = store.backend.conn()?;
        let partitioned: bool = conn
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table t \
                 JOIN pg_class c ON c.oid = t.partrelid \
                 WHERE c.relname = 'order_days' AND c.relnamespace = current_schema()::regnamespace)",
                &[],
            )
            .and_then(|r| r.try_get(0))
            .map_err(|e| backend_err("reading the schema", &e))?;
        if partitioned {
            conn.client
                .batch_execute(GENERIC_PLANS)
                .map_err(|e| backend_err("opening a connection", &e))?;
            store
                .backend
                .generic_plans
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        drop(conn);
        Ok(store)
    }
}

impl Conn {
    fn new(client: Client) -> Conn {
        Conn {
            client,
            statements: HashMap::new(),
            staging: false,
        }
    }
}

impl PostgresBackend {
    /// A connection of the pool (a new one works in the store's schema).
    fn conn(&self) -> Result<Pooled<'_, Conn>, StoreError> {
        self.pool.get(|| {
            let generic = self
                .generic_plans
                .load(std::sync::atomic::Ordering::Relaxed);
            let setup = session_setup(&self.settings, self.schema.as_deref(), generic);
            let client = connect_with(&self.settings, &setup)?;
            Ok(Conn::new(client))
        })
    }
}

static NULL_INT: Option<i64> = None;
static NULL_TEXT: Option<String> = None;

pub(crate) fn sql_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| -> &(dyn ToSql + Sync) {
            match p {
                Value::Int(v) => v,
                Value::Text(s) => s,
                Value::NullInt => &NULL_INT,
                Value::NullText => &NULL_TEXT,
            }
        })
        .collect()
}

/// A row of the driver as the store's values (integers and text).
pub(crate) fn row_values(r: &postgres::Row) -> Result<Row, DbError> {
    let mut row = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let ty = col.type_();
        let v = if *ty == Type::INT8 {
            Value::opt_int(r.try_get::<_, Option<i64>>(i).map_err(db_err)?)
        } else if *ty == Type::INT4 {
            Value::opt_int(
                r.try_get::<_, Option<i32>>(i)
                    .map_err(db_err)?
                    .map(i64::from),
            )
        } else if *ty == Type::INT2 {
            Value::opt_int(
                r.try_get::<_, Option<i16>>(i)
                    .map_err(db_err)?
                    .map(i64::from),
            )
        } else if *ty == Type::BOOL {
            Value::opt_int(
                r.try_get::<_, Option<bool>>(i)
                    .map_err(db_err)?
                    .map(i64::from),
            )
        } else {
            Value::opt_text(r.try_get::<_, Option<String>>(i).map_err(db_err)?)
        };
        row.push(v);
    }
    Ok(row)
}

/// A [`Db`] over a transaction, or over a connection outside one (reads).
struct PgDb<'a, C: GenericClient> {
    client: &'a mut C,
    statements: &'a mut HashMap<String, Statement>,
}

impl<C: GenericClient> PgDb<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(db_err)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

impl<C: GenericClient> Db for PgDb<'_, C> {
    fn backend(&self) -> &'static str {
        NAME
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        self.client
            .execute(&stmt, &sql_params(params))
            .map_err(db_err)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let rows = self
            .client
            .query(&stmt, &sql_params(params))
            .map_err(db_err)?;
        rows.iter().map(row_values).collect()
    }

    fn copy_rows(
        &mut self,
        table: &str,
        columns: &str,
        width: usize,
        values: &[Value],
    ) -> Option<Result<u64, DbError>> {
        Some(
            copy_values(self.client, table, columns, width, values).map_err(|e| match e {
                ImportFailure::Db(e) => db_err(e),
                ImportFailure::Io(e) => DbError::Other(e.to_string()),
                ImportFailure::Store(e) => DbError::Other(e.to_string()),
            }),
        )
    }
}

/// Rows of values in PostgreSQL's binary COPY format, sent in pieces of
/// about [`BinaryCopy::CHUNK`] bytes: integers as `int8`, text as text,
/// nulls as -1 (the staging tables of imports have only such columns).
fn copy_values<C: GenericClient>(
    client: &mut C,
    table: &str,
    columns: &str,
    width: usize,
    values: &[Value],
) -> Result<u64, ImportFailure> {
    let fields = i16::try_from(width)
        .map_err(|_| ImportFailure::Io(std::io::Error::other("too many columns to copy")))?;
    let writer = client.copy_in(&format!(
        "COPY {table} ({columns}) FROM STDIN (FORMAT binary)"
    ))?;
    let mut copy = BinaryCopy::new(writer);
    for row in values.chunks(width.max(1)) {
        copy.row(fields)?;
        for v in row {
            match v {
                Value::Int(n) => copy.int8(*n),
                Value::Text(s) => copy.text(s),
                Value::NullInt | Value::NullText => {
                    copy.buf.extend_from_slice(&(-1i32).to_be_bytes())
                }
            }
        }
    }
    copy.finish()
}

/// A failure while importing: from the database, or (rarely) from writing
/// the COPY stream.
enum ImportFailure {
    Db(postgres::Error),
    Io(std::io::Error),
    Store(StoreError),
}

impl From<postgres::Error> for ImportFailure {
    fn from(e: postgres::Error) -> ImportFailure {
        ImportFailure::Db(e)
    }
}

impl From<std::io::Error> for ImportFailure {
    fn from(e: std::io::Error) -> ImportFailure {
        // The COPY writer wraps the database's error in an io::Error.
        if e.get_ref()
            .is_some_and(|inner| inner.is::<postgres::Error>())
        {
            if let Some(Ok(db)) = e
                .into_inner()
                .map(|inner| inner.downcast::<postgres::Error>())
            {
                return ImportFailure::Db(*db);
            }
            return ImportFailure::Io(std::io::Error::other("the COPY stream failed"));
        }
        ImportFailure::Io(e)
    }
}

impl ImportFailure {
    fn is_unique_violation(&self) -> bool {
        matches!(self, ImportFailure::Db(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION))
    }

    fn into_store(self, context: &str) -> StoreError {
        match self {
            ImportFailure::Db(e) => backend_err(context, &e),
            ImportFailure::Io(e) => StoreError::Backend {
                backend: NAME,
                context: context.to_owned(),
                detail: e.to_string(),
            },
            ImportFailure::Store(e) => e,
        }
    }
}

/// A `COPY ... FROM STDIN (FORMAT binary)` in progress, sent in pieces of
/// about [`BinaryCopy::CHUNK`] bytes so that the server takes in one piece
/// while the next is built. The format: a header; per row the number of
/// fields, then each field as its length and its bytes (big-endian); -1.
struct BinaryCopy<'a> {
    writer: postgres::CopyInWriter<'a>,
    buf: Vec<u8>,
}

impl<'a> BinaryCopy<'a> {
    const CHUNK: usize = 1 << 20;

    fn new(writer: postgres::CopyInWriter<'a>) -> BinaryCopy<'a> {
        let mut buf = Vec::with_capacity(Self::CHUNK + (64 << 10));
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0i32.to_be_bytes()); // flags
        buf.extend_from_slice(&0i32.to_be_bytes()); // header extension length
        BinaryCopy { writer, buf }
    }

    /// Starts a row of `fields` fields (sending what is buffered when it is
    /// a full piece).
    fn row(&mut self, fields: i16) -> Result<(), ImportFailure> {
        if self.buf.len() >= Self::CHUNK {
            self.send()?;
        }
        self.buf.extend_from_slice(&fields.to_be_bytes());
        Ok(())
    }

    fn text(&mut self, s: &str) {
        // PostgreSQL refuses a field over 1 GB anyway.
        let len = i32::try_from(s.len()).unwrap_or(i32::MAX);
        self.buf.extend_from_slice(&len.to_be_bytes());
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A text field written with `Display` straight into the buffer.
    fn display(&mut self, v: impl std::fmt::Display) {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        let _ = write!(self.buf, "{v}");
        let len = i32::try_from(self.buf.len() - at - 4).unwrap_or(i32::MAX);
        self.buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }

    fn int8(&mut self, v: i64) {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    fn send(&mut self) -> Result<(), ImportFailure> {
        self.writer.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// Sends the rest and the trailer; the number of rows copied.
    fn finish(mut self) -> Result<u64, ImportFailure> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.send()?;
        Ok(self.writer.finish()?)
    }
}

/// The columns of `orders` a COPY of a batch fills, in the order
/// [`copy_orders`] writes them.
const ORDER_COLUMNS: &str =
    "platform, order_id, resident_id, ordered_at, day, industry, province, premium_fen, import_id";

/// Copies a batch into `table` (`orders`, or the staging table) in one
/// binary COPY; the number of rows copied.
fn copy_orders(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    batch: &[OrderRecord],
    import_id: i64,
) -> Result<u64, ImportFailure> {
    let writer =
        tx.copy_in(format!("COPY {table} ({ORDER_COLUMNS}) FROM STDIN (FORMAT binary)").as_str())?;
    let mut copy = BinaryCopy::new(writer);
    for o in batch {
        copy.row(9)?;
        copy.text(o.platform.as_str());
        copy.text(o.order_id.as_str());
        copy.text(o.resident_id.as_str());
        copy.display(o.ordered_at);
        copy.display(o.day);
        copy.text(o.industry.stored_name());
        copy.text(&o.province);
        copy.int8(o.premium.fen());
        copy.int8(import_id);
    }
    copy.finish()
}

/// The staged orders whose key is stored (by an earlier import, or by this
/// statement from an earlier row of the batch) with other content, as
/// positions in `batch`.
fn staged_conflicts(
    tx: &mut postgres::Transaction<'_>,
    batch: &[OrderRecord],
) -> Result<Vec<OrderConflict>, ImportFailure> {
    let rows = tx.query(
        "SELECT s.platform, s.order_id, s.resident_id, s.ordered_at, s.industry, s.province, \
                o.resident_id, o.ordered_at, o.industry, o.province \
         FROM orders_staging s JOIN orders o ON o.platform = s.platform AND o.order_id = s.order_id \
         WHERE o.resident_id <> s.resident_id OR o.ordered_at <> s.ordered_at \
            OR o.industry <> s.industry OR o.province <> s.province",
        &[],
    )?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut at: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (index, o) in batch.iter().enumerate() {
        at.entry((o.platform.as_str(), o.order_id.as_str()))
            .or_default()
            .push(index);
    }
    let mut conflicts = Vec::new();
    for r in &rows {
        let (platform, order_id): (&str, &str) = (r.try_get(0)?, r.try_get(1)?);
        let given: [&str; 4] = [r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?];
        let stored: [&str; 4] = [r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?];
        let Some(indices) = at.get(&(platform, order_id)) else {
            continue;
        };
        // The row of the batch with these fields; the same fields twice
        // are the same conflict twice.
        for &index in indices {
            let o = &batch[index];
            let same_row = OrderConflict::between(index, given, o).is_none();
            if same_row
                && !conflicts.iter().any(|c: &OrderConflict| c.index == index)
                && let Some(c) = OrderConflict::between(index, stored, o)
            {
                conflicts.push(c);
            }
        }
    }
    conflicts.sort_by_key(|c| c.index);
    Ok(conflicts)
}

/// Adds the order days of a batch whose orders were all added: the distinct
/// (worker, day, platform) of the batch, found here rather than by the
/// server, and inserted in key order (index pages are visited in order, and
/// two imports at once take their keys in the same order).
fn add_order_days(
    tx: &mut postgres::Transaction<'_>,
    batch: &[OrderRecord],
) -> Result<(), ImportFailure> {
    let writer = tx.copy_in(&format!(
        "COPY order_days_staging (resident_id, day, platform, first_minute, last_minute, orders, \
         {}) FROM STDIN (FORMAT binary)",
        order_days_industry_columns()
    ))?;
    let mut copy = BinaryCopy::new(writer);
    for ((day, resident_id, platform), span) in day_spans(batch.iter()) {
        copy.row(9)?;
        copy.text(resident_id);
        copy.display(day);
        copy.text(platform);
        copy.int8(span.first);
        copy.int8(span.last);
        copy.int8(span.orders);
        for n in span.by_industry {
            copy.int8(n);
        }
    }
    copy.finish()?;
    let columns = order_days_industry_columns();
    tx.execute(
        &format!(
            "INSERT INTO order_days (resident_id, day, platform, first_minute, last_minute, orders, \
             {columns}) \
             SELECT resident_id, day, platform, first_minute, last_minute, orders, \
             {columns} FROM order_days_staging \
             ORDER BY day, resident_id, platform {}",
            order_days_upsert()
        ),
        &[],
    )?;
    Ok(())
}

impl Backend for PostgresBackend {
    fn kind(&self) -> crate::BackendKind {
        crate::BackendKind::Postgres
    }

    fn known_credentials_epoch(&self) -> Option<i64> {
        // Started once; every later request only reads the value (no clone
        // of the settings on the hot path).
        if self.settings.watch_credentials && !self.epoch.started() {
            let settings = self.settings.clone();
            let schema = self.schema.clone();
            self.epoch.start(move || {
                let mut client = connect(&settings).ok()?;
                if let Some(schema) = &schema {
                    // Checked by open_in_schema.
                    client
                        .batch_execute(&format!("SET search_path TO {schema}"))
                        .ok()?;
                }
                Some(client)
            });
        }
        self.epoch.known()
    }

    fn rows_async(
        &self,
        context: &'static str,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Option<crate::BoxFuture<'_, Result<Vec<Row>, StoreError>>> {
        let generic = self
            .generic_plans
            .load(std::sync::atomic::Ordering::Relaxed);
        Some(Box::pin(self.reads.rows(context, sql, params, generic)))
    }

    fn credentials_changed(&self) {
        self.epoch.changed();
    }

    fn transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.conn()?;
        let conn = &mut *guard;
        let mut tx = conn
            .client
            .transaction()
            .map_err(|e| backend_err("beginning a transaction", &e))?;
        let value = f(&mut PgDb {
            client: &mut tx,
            statements: &mut conn.statements,
        })?;
        tx.commit()
            .map_err(|e| backend_err("committing a transaction", &e))?;
        Ok(value)
    }

    /// Outside a transaction: each statement sees what was committed when
    /// it started, which is what a READ COMMITTED transaction (PostgreSQL's
    /// default) would give too, without the two round trips of BEGIN and
    /// COMMIT.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.outside_transaction(f)
    }

    fn outside_transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.conn()?;
        let conn = &mut *guard;
        f(&mut PgDb {
            client: &mut conn.client,
            statements: &mut conn.statements,
        })
    }

    /// Each pending migration in a transaction of its own, under the
    /// schema's advisory lock (two processes migrating wait for each
    /// other) and a `lock_timeout`: on a live database a migration that
    /// cannot take a table's lock in time fails, naming itself, and leaves
    /// that migration unapplied (the earlier ones stay), instead of making
    /// every request queue behind it. Run `gongshang db migrate` again.
    fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let lock_ms = self.settings.migration_lock_timeout_ms;
        let mut guard = self.conn()?;
        let client = &mut guard.client;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    BIGINT PRIMARY KEY,
                     name       TEXT NOT NULL,
                     applied_at TEXT NOT NULL
                 )",
            )
            .map_err(|e| backend_err("creating schema_migrations", &e))?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let mut tx = client
                .transaction()
                .map_err(|e| backend_err("beginning a migration", &e))?;
            tx.batch_execute(&format!(
                "SELECT pg_advisory_xact_lock(hashtext(current_schema()));
                 SET LOCAL lock_timeout = {lock_ms}"
            ))
            .map_err(|e| backend_err("locking the schema for migration", &e))?;
            let done = tx
                .query_opt(
                    "SELECT version FROM schema_migrations WHERE version = $1",
                    &[&m.version],
                )
                .map_err(|e| backend_err("reading schema_migrations", &e))?
                .is_some();
            if done {
                continue;
            }
            let sql = crate::migrations::postgres_sql(m, self.settings.partitioned);
            tx.batch_execute(sql).map_err(|e| {
                let context = if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
                    format!(
                        "applying migration {} ({}): a table it changes stayed locked by \
                         other work for {lock_ms} ms; nothing of it was applied, run the \
                         migration again when the database is quieter, or raise \
                         lock_timeout",
                        m.version, m.name
                    )
                } else {
                    format!("applying migration {} ({})", m.version, m.name)
                };
                backend_err(&context, &e)
            })?;
            // The database's clock: a migration is not a domain event.
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) \
                 VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
                &[&m.version, &m.name],
            )
            .map_err(|e| backend_err("recording a migration", &e))?;
            tx.commit()
                .map_err(|e| backend_err("committing a migration", &e))?;
            applied.push(m.version);
        }
        Ok(applied)
    }

    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError> {
        // Batches imported from several threads at once each take a
        // connection: each batch is still one transaction, on one
        // connection, but two run on two server processes (and cores).
        let mut conn = self.conn()?;
        // Two imports of the same orders at once may deadlock (the server
        // then undoes one of them): it is tried again.
        let mut tries = 0;
        loop {
            tries += 1;
            match import_batch(&mut conn, batch, import_id, actor, at) {
                Err(ImportFailure::Db(e))
                    if tries < 3 && e.code() == Some(&SqlState::T_R_DEADLOCK_DETECTED) => {}
                result => return result.map_err(|e| e.into_store("importing orders")),
            }
        }
    }
}

/// The import's staging tables, in the session's temporary schema.
fn create_staging() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let counts = OrderIndustry::ALL.map(|i| format!("{} BIGINT", i.order_days_column()));
        format!(
            "CREATE TEMP TABLE IF NOT EXISTS orders_staging ( \
                platform TEXT, order_id TEXT, resident_id TEXT, ordered_at TEXT, day TEXT, \
                industry TEXT, province TEXT, premium_fen BIGINT, import_id BIGINT \
            ) ON COMMIT DELETE ROWS; \
            CREATE TEMP TABLE IF NOT EXISTS order_days_staging ( \
                resident_id TEXT, day TEXT, platform TEXT, \
                first_minute BIGINT, last_minute BIGINT, orders BIGINT, \
                {} \
            ) ON COMMIT DELETE ROWS",
            counts.join(", ")
        )
    });
    &SQL
}

/// The orders of the staging table not stored yet (the first of each key),
/// and the order days of those only, in one statement; the number added.
/// "Not stored yet" is a probe by (platform, order id) and not only the
/// key's ON CONFLICT: on the partitioned schema the key also holds the
/// province (a partitioned table's unique keys contain its partition key),
/// and an order stored in another province is a conflict, not a new order.
/// The probe is correlated, not NOT EXISTS, for the reason the payroll's is.
fn insert_staged() -> &'static str {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let counts = OrderIndustry::ALL.map(|i| {
            format!(
                "SUM(CASE WHEN industry = '{}' THEN 1 ELSE 0 END)",
                i.stored_name()
            )
        });
        format!(
            "WITH added AS ( \
                INSERT INTO orders (platform, order_id, resident_id, ordered_at, day, industry, province, premium_fen, import_id) \
                SELECT platform, order_id, resident_id, ordered_at, day, industry, province, premium_fen, import_id \
                FROM orders_staging s \
                WHERE (SELECT 1 FROM orders o WHERE o.platform = s.platform AND o.order_id = s.order_id LIMIT 1) IS NULL \
                ON CONFLICT DO NOTHING \
                RETURNING resident_id, day, platform, industry, premium_fen, \
                    (CAST(substr(ordered_at, 12, 2) AS BIGINT) * 60 + CAST(substr(ordered_at, 15, 2) AS BIGINT) + 480) % 1440 AS m), \
            days AS ( \
                INSERT INTO order_days (resident_id, day, platform, first_minute, last_minute, orders, \
                    {columns}) \
                SELECT resident_id, day, platform, MIN(m), MAX(m), COUNT(*), \
                    {counts} FROM added \
                GROUP BY resident_id, day, platform ORDER BY 2, 1, 3 \
                {upsert}), \
            months AS ( \
                INSERT INTO order_months (platform, month, orders, premium_fen) \
                SELECT platform, substr(day, 1, 7), COUNT(*), SUM(premium_fen) FROM added \
                GROUP BY 1, 2 ORDER BY 1, 2 \
                ON CONFLICT (platform, month) DO UPDATE SET orders = order_months.orders + excluded.orders, \
                premium_fen = order_months.premium_fen + excluded.premium_fen) \
            SELECT COUNT(*) FROM added",
            columns = order_days_industry_columns(),
            counts = counts.join(", "),
            upsert = order_days_upsert(),
        )
    });
    &SQL
}

/// COPY straight into `orders` (binary), in a savepoint: when no order of
/// the batch is stored yet (a first import), that is all, and the order
/// days go in from the batch's distinct (worker, day, platform). When one
/// is (a re-run, or the same order twice in the batch), the COPY fails on
/// the key, is undone to the savepoint, and the batch goes through the
/// staging table and `INSERT ... ON CONFLICT DO NOTHING` (which keeps the
/// first of each key), with the order days of the orders added only.
fn import_batch(
    conn: &mut Conn,
    batch: &[OrderRecord],
    import_id: i64,
    actor: &str,
    at: Timestamp,
) -> Result<ImportCounts, ImportFailure> {
    if !conn.staging {
        // Once per connection, outside the batches' transactions; ON
        // COMMIT DELETE ROWS empties them at each commit (a rollback
        // takes their rows too).
        conn.client.batch_execute(create_staging())?;
        conn.staging = true;
    }
    let mut tx = conn.client.transaction()?;
    let fast = {
        let mut savepoint = tx.savepoint("orders_copy")?;
        match copy_orders(&mut savepoint, "orders", batch, import_id) {
            Ok(n) => {
                add_order_days(&mut savepoint, batch)?;
                savepoint.commit()?;
                Some(n)
            }
            // Dropping the savepoint rolls back to it.
            Err(e) if e.is_unique_violation() => None,
            Err(e) => return Err(e),
        }
    };
    // The month totals: all of the batch on the fast path; on the slow one
    // the statement adds those of the orders that went in.
    let mut counts = ImportCounts::default();
    let months = match fast {
        Some(n) => {
            counts.added = n;
            month_totals(batch.iter())
        }
        None => {
            copy_orders(&mut tx, "orders_staging", batch, import_id)?;
            let row = tx.query_one(insert_staged(), &[])?;
            let n: i64 = row.try_get(0)?;
            counts.added = u64::try_from(n).unwrap_or(0);
            counts.conflicts = staged_conflicts(&mut tx, batch)?;
            MonthTotals::new()
        }
    };
    counts.conflict = counts.conflicts.len() as u64;
    counts.duplicate = batch.len() as u64 - counts.added - counts.conflict;
    finish_order_batch(
        &mut PgDb {
            client: &mut tx,
            statements: &mut conn.statements,
        },
        import_id,
        batch,
        &counts,
        &months,
        actor,
        at,
    )
    .map_err(ImportFailure::Store)?;
    tx.commit()?;
    Ok(counts)
}
