//! Reads on PostgreSQL without blocking a thread: a few asynchronous
//! connections (`tokio-postgres`, the driver under the synchronous client)
//! opened on the caller's runtime when first used, for the statements a
//! server answers most (coverage lookups). A synchronous read costs a
//! thread hand-over to the blocking pool and a blocked thread's wake-up per
//! round trip; measured, the scheduler's context switches were 29 % of the
//! server's CPU per lookup (DESIGN.md). Each connection pipelines the
//! queries of every request that picked it, so a handful serve a server.
//!
//! A connection that closed (the database restarted) is opened again on
//! the next read of its slot; a read that fails because it closed under it
//! fails like a synchronous read would.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio_postgres::{Client, NoTls, Statement};

use crate::db::{Row, Value};
use crate::error::StoreError;
use crate::pg_settings::PgSettings;

struct AsyncConn {
    client: Client,
    statements: Mutex<HashMap<&'static str, Statement>>,
}

/// The asynchronous connections of one store.
pub(crate) struct AsyncReads {
    settings: PgSettings,
    schema: Option<String>,
    slots: Vec<Mutex<Option<Arc<AsyncConn>>>>,
    next: AtomicUsize,
}

impl AsyncReads {
    pub(crate) fn new(settings: PgSettings, schema: Option<String>) -> AsyncReads {
        let n = settings.async_connections.max(1);
        AsyncReads {
            settings,
            schema,
            slots: (0..n).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// The rows of one read-only statement (`$n` parameters).
    pub(crate) async fn rows(
        &self,
        context: &'static str,
        sql: &'static str,
        params: Vec<Value>,
        generic_plans: bool,
    ) -> Result<Vec<Row>, StoreError> {
        let conn = self.conn(generic_plans).await?;
        let cached = lock(&conn.statements).get(sql).cloned();
        let statement = match cached {
            Some(s) => s,
            None => {
                let s = conn
                    .client
                    .prepare(sql)
                    .await
                    .map_err(|e| crate::postgres::backend_err(context, &e))?;
                lock(&conn.statements).insert(sql, s.clone());
                s
            }
        };
        let rows = conn
            .client
            .query(&statement, &crate::postgres::sql_params(&params))
            .await
            .map_err(|e| crate::postgres::backend_err(context, &e))?;
        rows.iter()
            .map(crate::postgres::row_values)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| crate::db::backend_error(crate::postgres::NAME, context, e))
    }

    /// The next slot's connection, opened if it is not (or no longer) open.
    async fn conn(&self, generic_plans: bool) -> Result<Arc<AsyncConn>, StoreError> {
        let slot = &self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()];
        if let Some(c) = lock(slot).as_ref().filter(|c| !c.client.is_closed()) {
            return Ok(Arc::clone(c));
        }
        let context = "opening an asynchronous connection";
        let err = |e: tokio_postgres::Error| crate::postgres::backend_err(context, &e);
        let (client, connection) = tokio_postgres::connect(&self.settings.driver_url, NoTls)
            .await
            .map_err(err)?;
        tokio::spawn(async move {
            // Ends when the client is dropped or the server closes it; the
            // next read of the slot then opens another.
            let _ = connection.await;
        });
        let setup =
            crate::postgres::session_setup(&self.settings, self.schema.as_deref(), generic_plans);
        if !setup.is_empty() {
            client.batch_execute(&setup).await.map_err(err)?;
        }
        let conn = Arc::new(AsyncConn {
            client,
            statements: Mutex::new(HashMap::new()),
        });
        *lock(slot) = Some(Arc::clone(&conn));
        Ok(conn)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Each holds a map or an option, consistent at every unlock.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
