//! Migrations on a live database: opening again applies nothing, and on
//! PostgreSQL a migration that cannot take its locks gives up after the
//! `lock_timeout` instead of queueing every request behind it.

use gongshang_store::PostgresStore;
use gongshang_store::migrations::{MIGRATIONS, latest_version};

use crate::common::{Location, each_backend, postgres_location};

#[test]
fn migrating_again_applies_nothing() {
    each_backend(|db| {
        let again = db.reopen();
        assert_eq!(again.migrate().unwrap(), Vec::<i64>::new(), "{}", db.name);
        assert_eq!(again.schema_version().unwrap(), latest_version());
    });
}

#[test]
fn a_migration_that_cannot_lock_gives_up_and_can_run_again() {
    let Some(Location::Postgres { url, schema }) = postgres_location() else {
        return;
    };
    let store = PostgresStore::open_in_schema(&url, &schema).unwrap();
    // Another session holds schema_migrations, as a long transaction
    // holding a hot table would.
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut tx = other.transaction().unwrap();
    tx.batch_execute(&format!(
        "LOCK TABLE {schema}.schema_migrations IN ACCESS EXCLUSIVE MODE"
    ))
    .unwrap();
    let impatient = format!("{url}?lock_timeout=200");
    let waiting = std::thread::spawn({
        let schema = schema.clone();
        move || PostgresStore::open_in_schema(&impatient, &schema).map(|_| ())
    });
    let refused = waiting.join().unwrap().unwrap_err().to_string();
    assert!(refused.contains("lock"), "{refused}");
    tx.rollback().unwrap();
    // Once the lock is gone, the same migration runs and finds nothing to do.
    assert_eq!(
        gongshang_store::Store::migrate(&store).unwrap(),
        Vec::<i64>::new()
    );
    drop(store);
    PostgresStore::drop_schema(&url, &schema).unwrap();
}

#[test]
fn each_postgres_migration_says_how_it_behaves_on_a_large_table() {
    for m in MIGRATIONS {
        let head: String = m.postgres.lines().take(12).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("Large tables:"),
            "migration {} ({}) starts with a `-- Large tables:` comment saying what it locks \
             and rewrites on a live database",
            m.version,
            m.name
        );
    }
}
