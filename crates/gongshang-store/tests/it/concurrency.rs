//! Many threads at once on one store: a read does not wait for a write.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::*;

/// A write of the store is made to wait on a lock held by another
/// connection (SQLite: the database's write lock; PostgreSQL: the units
/// table's), and the store is read meanwhile: the read answers while the
/// write still waits, then the write goes through. On PostgreSQL the read
/// runs on a second pooled connection, which must work in the test's schema
/// too. If a read waited for the write, the other connection gives up its
/// lock after a while (SQLite: the store's busy timeout fails the write;
/// PostgreSQL: `idle_in_transaction_session_timeout` ends the session) and
/// the test fails on what it finds, not on a time.
#[test]
fn a_read_answers_while_a_write_of_the_same_store_waits() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        let started = AtomicBool::new(false);
        match &db.location {
            Location::Sqlite(path) => {
                let blocker = rusqlite::Connection::open(path).unwrap();
                blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
                std::thread::scope(|scope| {
                    let writer = scope.spawn(|| {
                        started.store(true, Ordering::SeqCst);
                        s.create_unit(&new_unit(2), ACTOR, now())
                    });
                    while !started.load(Ordering::SeqCst) {
                        std::thread::yield_now();
                    }
                    // Let the writer reach the database's lock (not a
                    // measurement: the assertions hold either way).
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    assert!(s.unit_by_code(&credit(1)).unwrap().is_some());
                    assert!(s.unit_by_code(&credit(2)).unwrap().is_none());
                    blocker.execute_batch("COMMIT").unwrap();
                    let written = writer.join().unwrap();
                    assert!(
                        written.is_ok(),
                        "the read waited for the write, which timed out: {written:?}"
                    );
                });
            }
            Location::Postgres { url, schema } => {
                let mut blocker = postgres::Client::connect(url, postgres::NoTls).unwrap();
                blocker
                    .batch_execute(&format!(
                        "SET search_path TO {schema}; \
                         SET idle_in_transaction_session_timeout = '30s'; \
                         BEGIN; LOCK TABLE units IN EXCLUSIVE MODE"
                    ))
                    .unwrap();
                let mut watcher = postgres::Client::connect(url, postgres::NoTls).unwrap();
                std::thread::scope(|scope| {
                    let writer = scope.spawn(|| s.create_unit(&new_unit(2), ACTOR, now()));
                    // Until the store's INSERT waits for the table's lock.
                    let waiting = format!(
                        "SELECT count(*) FROM pg_locks \
                         WHERE NOT granted AND relation = '{schema}.units'::regclass"
                    );
                    while watcher.query_one(&waiting, &[]).unwrap().get::<_, i64>(0) == 0 {
                        std::thread::yield_now();
                    }
                    assert!(s.unit_by_code(&credit(1)).unwrap().is_some());
                    assert!(s.unit_by_code(&credit(2)).unwrap().is_none());
                    assert!(
                        blocker.batch_execute("COMMIT").is_ok(),
                        "the read waited for the write until the lock's session ended"
                    );
                    writer.join().unwrap().unwrap();
                });
            }
        }
        assert!(s.unit_by_code(&credit(2)).unwrap().is_some());
    });
}
