//! The PostgreSQL backend, chosen by a `postgres://` URL. One client behind
//! a mutex with a cache of prepared statements. A store may live in a schema
//! of its own ([`PostgresStore::open_in_schema`]), which tests use to run in
//! parallel on one database; `?options=-csearch_path%3D...` in the URL works
//! too.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};

use crate::db::{Db, DbError, Row, Value};
use crate::engine::{Backend, SqlStore, finish_order_batch, industry_text};
use crate::error::StoreError;
use crate::migrations::MIGRATIONS;
use crate::model::{ImportCounts, OrderRecord};

const NAME: &str = "postgres";

struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
}

pub struct PostgresBackend {
    conn: Mutex<Conn>,
}

/// The PostgreSQL store.
pub type PostgresStore = SqlStore<PostgresBackend>;

fn backend_err(context: &str, e: &postgres::Error) -> StoreError {
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

fn connect(url: &str) -> Result<Client, StoreError> {
    Client::connect(url, NoTls).map_err(|e| backend_err("connecting", &e))
}

impl SqlStore<PostgresBackend> {
    /// Connects to the URL and migrates the database (in the schema the
    /// URL's `search_path` names, `public` by default).
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        Self::from_client(connect(url)?)
    }

    /// Connects, creates `schema` if need be, works in it only, and migrates it.
    pub fn open_in_schema(url: &str, schema: &str) -> Result<PostgresStore, StoreError> {
        check_schema_name(schema)?;
        let mut client = connect(url)?;
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
            ))
            .map_err(|e| backend_err("creating the schema", &e))?;
        Self::from_client(client)
    }

    /// Drops a schema made by [`PostgresStore::open_in_schema`] and all in it.
    pub fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        check_schema_name(schema)?;
        connect(url)?
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .map_err(|e| backend_err("dropping the schema", &e))
    }

    fn from_client(client: Client) -> Result<PostgresStore, StoreError> {
        let store = SqlStore {
            backend: PostgresBackend {
                conn: Mutex::new(Conn {
                    client,
                    statements: HashMap::new(),
                }),
            },
        };
        crate::Store::migrate(&store)?;
        Ok(store)
    }
}

impl PostgresBackend {
    fn lock(&self) -> MutexGuard<'_, Conn> {
        // A panic inside a transaction dropped it, which rolls it back.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

static NULL_INT: Option<i64> = None;
static NULL_TEXT: Option<String> = None;

fn sql_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
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

struct PgDb<'a, 't> {
    tx: &'a mut postgres::Transaction<'t>,
    statements: &'a mut HashMap<String, Statement>,
}

impl PgDb<'_, '_> {
    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).map_err(db_err)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

impl Db for PgDb<'_, '_> {
    fn backend(&self) -> &'static str {
        NAME
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        self.tx.execute(&stmt, &sql_params(params)).map_err(db_err)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let rows = self.tx.query(&stmt, &sql_params(params)).map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
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
            out.push(row);
        }
        Ok(out)
    }
}

/// Escapes a value for COPY's text format.
fn copy_text(out: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

impl Backend for PostgresBackend {
    fn name(&self) -> &'static str {
        NAME
    }

    fn transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.lock();
        let conn = &mut *guard;
        let mut tx = conn
            .client
            .transaction()
            .map_err(|e| backend_err("beginning a transaction", &e))?;
        let value = f(&mut PgDb {
            tx: &mut tx,
            statements: &mut conn.statements,
        })?;
        tx.commit()
            .map_err(|e| backend_err("committing a transaction", &e))?;
        Ok(value)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A read-only transaction: one snapshot for the whole read.
        self.transaction(f)
    }

    fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let mut guard = self.lock();
        let mut tx = guard
            .client
            .transaction()
            .map_err(|e| backend_err("beginning the migration", &e))?;
        // Two processes migrating the same schema wait for each other.
        tx.batch_execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema()));
             CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TEXT NOT NULL
             )",
        )
        .map_err(|e| backend_err("creating schema_migrations", &e))?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
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
            tx.batch_execute(m.postgres)
                .map_err(|e| backend_err(&format!("applying migration {}", m.version), &e))?;
            // The database's clock: a migration is not a domain event.
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) \
                 VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
                &[&m.version, &m.name],
            )
            .map_err(|e| backend_err("recording a migration", &e))?;
            applied.push(m.version);
        }
        tx.commit()
            .map_err(|e| backend_err("committing the migration", &e))?;
        Ok(applied)
    }

    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError> {
        let ctx = "importing orders";
        let mut guard = self.lock();
        let conn = &mut *guard;
        let mut tx = conn
            .client
            .transaction()
            .map_err(|e| backend_err(ctx, &e))?;
        tx.batch_execute(
            "CREATE TEMP TABLE IF NOT EXISTS orders_staging (
                 platform TEXT, order_id TEXT, resident_id TEXT, ordered_at TEXT,
                 day TEXT, industry TEXT, province TEXT, premium_fen BIGINT
             ) ON COMMIT DELETE ROWS;
             TRUNCATE orders_staging",
        )
        .map_err(|e| backend_err(ctx, &e))?;
        {
            let mut writer = tx
                .copy_in("COPY orders_staging FROM STDIN")
                .map_err(|e| backend_err(ctx, &e))?;
            let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
            for o in batch {
                copy_text(&mut buf, o.platform.as_str());
                buf.push(b'\t');
                copy_text(&mut buf, o.order_id.as_str());
                buf.push(b'\t');
                buf.extend_from_slice(o.resident_id.as_str().as_bytes());
                buf.push(b'\t');
                let _ = write!(buf, "{}\t{}\t", o.ordered_at, o.day);
                buf.extend_from_slice(industry_text(o.industry).as_bytes());
                buf.push(b'\t');
                copy_text(&mut buf, &o.province);
                let _ = writeln!(buf, "\t{}", o.premium.fen());
                if buf.len() >= 1 << 20 {
                    writer.write_all(&buf).map_err(|e| StoreError::Backend {
                        backend: NAME,
                        context: ctx.into(),
                        detail: e.to_string(),
                    })?;
                    buf.clear();
                }
            }
            writer.write_all(&buf).map_err(|e| StoreError::Backend {
                backend: NAME,
                context: ctx.into(),
                detail: e.to_string(),
            })?;
            writer.finish().map_err(|e| backend_err(ctx, &e))?;
        }
        // The fast path: an anti-join, without ON CONFLICT's speculative
        // insertion (about twice as fast). If it meets a duplicate anyway (the
        // same order twice in the batch, or a concurrent import of the same
        // orders), it is undone to the savepoint and the batch goes through
        // ON CONFLICT DO NOTHING, which keeps the first of each key.
        let insert = "INSERT INTO orders (platform, order_id, resident_id, ordered_at, day, industry, province, premium_fen, import_id) \
             SELECT platform, order_id, resident_id, ordered_at, day, industry, province, premium_fen, $1 \
             FROM orders_staging s";
        let fast = format!(
            "{insert} WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.platform = s.platform AND o.order_id = s.order_id)"
        );
        let attempt = {
            let mut savepoint = tx
                .savepoint("orders_fast")
                .map_err(|e| backend_err(ctx, &e))?;
            match savepoint.execute(fast.as_str(), &[&import_id]) {
                Ok(n) => {
                    savepoint.commit().map_err(|e| backend_err(ctx, &e))?;
                    Some(n)
                }
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => None,
                Err(e) => return Err(backend_err(ctx, &e)),
            }
        };
        let added = match attempt {
            Some(n) => n,
            None => tx
                .execute(
                    format!("{insert} ON CONFLICT DO NOTHING").as_str(),
                    &[&import_id],
                )
                .map_err(|e| backend_err(ctx, &e))?,
        };
        if added > 0 {
            tx.execute(
                "INSERT INTO order_days (resident_id, day, platform) \
                 SELECT DISTINCT resident_id, day, platform FROM orders_staging ON CONFLICT DO NOTHING",
                &[],
            )
            .map_err(|e| backend_err(ctx, &e))?;
        }
        let counts = ImportCounts {
            added,
            duplicate: batch.len() as u64 - added,
        };
        finish_order_batch(
            &mut PgDb {
                tx: &mut tx,
                statements: &mut conn.statements,
            },
            import_id,
            batch.len(),
            counts,
            actor,
            at,
        )?;
        tx.commit().map_err(|e| backend_err(ctx, &e))?;
        Ok(counts)
    }
}
