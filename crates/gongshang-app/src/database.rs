//! Opening the database the app works on. The store stays behind the app:
//! the server, its tests and the command line open a database here and
//! hand it to [`crate::App::new`], never naming a backend's type.

pub use gongshang_store::{Store, StoreError};

/// Opens (creating and migrating) the database the URL names: a path or
/// `sqlite:PATH` for SQLite, `postgres://...` for PostgreSQL.
pub fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    gongshang_store::open(url)
}

/// A PostgreSQL database in a schema of its own (created and migrated), so
/// that several stores, tests among them, share one database.
pub fn open_in_schema(url: &str, schema: &str) -> Result<Box<dyn Store>, StoreError> {
    Ok(Box::new(gongshang_store::PostgresStore::open_in_schema(
        url, schema,
    )?))
}

/// Drops a schema made by [`open_in_schema`] and all in it.
pub fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
    gongshang_store::PostgresStore::drop_schema(url, schema)
}
