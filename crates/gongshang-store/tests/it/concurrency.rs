//! Two stores over one database (two servers, two processes) and many
//! threads at once: payments of one bill take turns, a payment decided on a
//! stale amount writes nothing, and a read does not wait for a write.

use std::sync::atomic::{AtomicBool, Ordering};

use gongshang_rules::Money;
use gongshang_store::{NewPayment, PaymentOutcome, Store};

use crate::common::*;

fn payment(bill_id: i64, bill_ref: &str, key_text: &str, amount: Money) -> NewPayment {
    NewPayment {
        bill_id,
        amount,
        paid_on: d(2025, 3, 10),
        idempotency_key: key_text.into(),
        coverage: Vec::new(),
        ledger: payment_ledger(key_text, bill_ref, amount),
    }
}

#[test]
fn payments_of_the_same_bills_from_two_stores_and_many_threads_never_overpay() {
    each_backend(|db| {
        let s = &*db.store;
        let e = enrolled(s, 1, 1, "guangdong.specific_persons");
        let bills: Vec<(i64, String)> = (0..12)
            .map(|n| {
                let reference = format!("B-{n}");
                // One declaration per enrolment and month: a month each.
                let month = format!("2024-{:02}", n + 1);
                let bill = monthly_bill(&reference, 1, e, &month, yuan("100.00"));
                (s.issue_bill(&bill, ACTOR, now()).unwrap(), reference)
            })
            .collect();
        // A second store on the same database: another server's.
        let other = db.reopen();
        let stores: [&dyn Store; 2] = [s, &*other];
        // Four payers (two per store), each paying every bill half its
        // amount in the same order: four halves meet on each bill.
        let recorded: usize = std::thread::scope(|scope| {
            let payers: Vec<_> = (0..4)
                .map(|payer| {
                    let (store, bills) = (stores[payer % 2], &bills);
                    scope.spawn(move || {
                        let mut recorded = 0;
                        for (bill, reference) in bills {
                            let key = format!("payer{payer}-{reference}");
                            match store.record_payment(
                                &payment(*bill, reference, &key, yuan("50.00")),
                                ACTOR,
                                now(),
                            ) {
                                Ok(PaymentOutcome::Recorded(_)) => recorded += 1,
                                Ok(other) => panic!("{key}: {other:?}"),
                                Err(e) => {
                                    assert_eq!(e.code(), "conflict", "{key}: {e}");
                                    assert!(e.to_string().contains("outstanding"), "{e}");
                                }
                            }
                        }
                        recorded
                    })
                })
                .collect();
            payers.into_iter().map(|p| p.join().unwrap()).sum()
        });
        assert_eq!(
            recorded,
            2 * bills.len(),
            "{}: two halves per bill",
            db.name
        );
        for (bill, reference) in &bills {
            let status = s.bill_status(*bill).unwrap();
            assert_eq!(
                (status.paid, status.outstanding),
                (yuan("100.00"), Money::ZERO),
                "{}: {reference}",
                db.name
            );
        }
        assert_balanced(db);
    });
}

#[test]
fn a_payment_decided_on_what_was_paid_before_another_writes_nothing() {
    each_backend(|db| {
        let s = &*db.store;
        let e = enrolled(s, 1, 1, "guangdong.specific_persons");
        let bill = s
            .issue_bill(
                &monthly_bill("B-1", 1, e, "2025-03", yuan("100.00")),
                ACTOR,
                now(),
            )
            .unwrap();
        let first = payment(bill, "B-1", "pay-1", yuan("40.00"));
        assert!(matches!(
            s.record_payment_if_paid(&first, Money::ZERO, ACTOR, now())
                .unwrap(),
            PaymentOutcome::Recorded(_)
        ));
        // Decided when nothing was paid: whether it settles the bill was
        // decided on the wrong amount.
        let stale = payment(bill, "B-1", "pay-2", yuan("60.00"));
        let err = s
            .record_payment_if_paid(&stale, Money::ZERO, ACTOR, now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(
            err.to_string()
                .contains("0.00 yuan was paid when this payment was decided and 40.00 yuan is now"),
            "{err}"
        );
        assert!(s.audit_entries("payment", "pay-2").unwrap().is_empty());
        assert_eq!(s.bill_status(bill).unwrap().paid, yuan("40.00"));
        // The first again under its key is the same payment, however stale.
        assert!(matches!(
            s.record_payment_if_paid(&first, Money::ZERO, ACTOR, now())
                .unwrap(),
            PaymentOutcome::AlreadyRecorded(_)
        ));
        // Decided again on what is paid now, it goes in.
        assert!(matches!(
            s.record_payment_if_paid(&stale, yuan("40.00"), ACTOR, now())
                .unwrap(),
            PaymentOutcome::Recorded(_)
        ));
        assert_eq!(s.bill_status(bill).unwrap().outstanding, Money::ZERO);
        assert_balanced(db);
    });
}

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

/// The credentials epoch on PostgreSQL is kept in memory and told of
/// changes by NOTIFY (migration 0260, src/epoch_watch.rs): a revocation
/// through another store (another server) is seen once its notification
/// arrives; a change through the store itself is seen at once, before the
/// thread has read it again. The waits are bounded liveness checks (30 s),
/// not timings. On SQLite both stores read the file.
#[test]
fn the_credentials_epoch_follows_changes_through_this_store_at_once_and_through_others_when_notified()
 {
    use gongshang_store::accounts::{AccountStore, NewUser};
    use gongshang_store::postgres::PostgresStore;

    each_backend(|db| {
        let s = &*db.store;
        let other = open_location(&db.location);
        let user = other
            .create_user(
                &NewUser {
                    login: "token-user".into(),
                    display_name: "接口".into(),
                    role: "clerk".into(),
                    unit: None,
                    person: None,
                    platform: None,
                    password_hash: None,
                    partner_body: None,
                },
                ACTOR,
                now(),
            )
            .unwrap();
        let token = other
            .create_api_token("hash-1", user.id, "batch", ACTOR, now())
            .unwrap();
        let e0 = s.credentials_epoch().unwrap();
        // The PostgreSQL store of the same schema as `db`'s, to look inside.
        let watched = match &db.location {
            Location::Postgres { url, schema } => {
                Some(PostgresStore::open_in_schema(&store_url(url), schema).unwrap())
            }
            Location::Sqlite(_) => None,
        };
        let until = |what: &str, done: &dyn Fn() -> bool| {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while !done() {
                assert!(std::time::Instant::now() < deadline, "{what}");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        };
        if let Some(w) = &watched {
            assert_eq!(w.credentials_epoch().unwrap(), e0);
            until("the watch reads the epoch", &|| {
                w.credentials_epoch_in_memory() == Some(e0)
            });
        }
        other.revoke_api_token(token, ACTOR, now()).unwrap();
        until("another store's revocation is seen", &|| {
            s.credentials_epoch().unwrap() == e0 + 1
        });
        if let Some(w) = &watched {
            until("the watch is told of another store's revocation", &|| {
                w.credentials_epoch_in_memory() == Some(e0 + 1)
            });
            // Through the watched store itself: never the old value.
            w.set_user_disabled("token-user", true, ACTOR, now())
                .unwrap();
            assert_ne!(w.credentials_epoch_in_memory(), Some(e0 + 1));
            assert_eq!(w.credentials_epoch().unwrap(), e0 + 2);
            until("the watch reads its own change again", &|| {
                w.credentials_epoch_in_memory() == Some(e0 + 2)
            });
        } else {
            s.set_user_disabled("token-user", true, ACTOR, now())
                .unwrap();
            assert_eq!(s.credentials_epoch().unwrap(), e0 + 2);
        }
    });
}
