use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_store::{ImportCounts, OrderConflict, OrderMonthTotals, OrderReconciliation, Store};

use crate::common::*;

/// The running totals the imports keep equal what the orders add up to.
fn assert_month_totals(s: &dyn Store, platform_text: &str, month: Month, name: &str) {
    let counted = s.reconcile_orders(&platform(platform_text), month).unwrap();
    assert_eq!(
        s.order_month_totals(&platform(platform_text), month)
            .unwrap(),
        OrderMonthTotals {
            orders: counted.orders,
            premium: counted.premium
        },
        "{name}: {platform_text} {month}"
    );
}

/// The orders per order industry the imports keep in each order day
/// (migration 0420, read by industry_class_vs_orders) equal what the stored
/// orders add up to, and are not empty.
fn assert_industry_days(db: &TestDb) {
    let kept = text_rows(db, KEPT_BY_INDUSTRY);
    let counted = text_rows(
        db,
        "SELECT day || ' ' || resident_id || ' ' || platform || ' ' || CAST(COUNT(*) AS TEXT) || ' ' \
         || CAST(SUM(CASE WHEN industry = 'ride_hailing' THEN 1 ELSE 0 END) AS TEXT) || ' ' \
         || CAST(SUM(CASE WHEN industry = 'instant_delivery' THEN 1 ELSE 0 END) AS TEXT) || ' ' \
         || CAST(SUM(CASE WHEN industry = 'intra_city_freight' THEN 1 ELSE 0 END) AS TEXT) \
         FROM orders GROUP BY day, resident_id, platform ORDER BY 1",
    );
    assert!(!kept.is_empty(), "{}", db.name);
    assert_eq!(kept, counted, "{}", db.name);
}

/// Each order day with its orders and its orders per order industry.
const KEPT_BY_INDUSTRY: &str = "SELECT day || ' ' || resident_id || ' ' || platform || ' ' || CAST(orders AS TEXT) || ' ' \
     || CAST(orders_ride_hailing AS TEXT) || ' ' || CAST(orders_instant_delivery AS TEXT) || ' ' \
     || CAST(orders_intra_city_freight AS TEXT) FROM order_days ORDER BY 1";

#[test]
fn importing_the_same_orders_twice_adds_nothing_the_second_time() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "march.csv", ACTOR, now()).unwrap();
        let mut batch = orders("meituan", 0, 3_000, 200);
        batch.extend(orders("didi", 0, 500, 50));
        let mut added = 0;
        for chunk in batch.chunks(1_000) {
            let c = s.import_orders(chunk, import, ACTOR, now()).unwrap();
            assert_eq!(c.duplicate, 0);
            added += c.added;
        }
        assert_eq!(added, 3_500);
        let march = Month::parse("2025-03").unwrap();
        let expected = OrderReconciliation {
            orders: 3_000,
            workers: 200,
            premium: Money::from_fen(9_000),
        };
        assert_eq!(
            s.reconcile_orders(&platform("meituan"), march).unwrap(),
            expected
        );
        assert_eq!(
            s.reconcile_orders(&platform("didi"), march).unwrap().orders,
            500
        );
        assert_eq!(
            s.reconcile_orders(&platform("meituan"), march.next())
                .unwrap()
                .orders,
            0
        );
        assert_industry_days(db);
        let summary = s.finish_import(import, 3_500, 0, ACTOR, now()).unwrap();
        assert_eq!((summary.rows_added, summary.rows_duplicate), (3_500, 0));
        assert!(summary.finished_at.is_some());
        assert_eq!(
            s.finish_import(import, 1, 0, ACTOR, now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            s.import_orders(&batch[..1], import, ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found",
            "a finished import takes no more batches"
        );

        // Again, in one batch, with a batch-internal duplicate too.
        let again = s.begin_import("orders", "march.csv", ACTOR, now()).unwrap();
        let mut twice = batch.clone();
        twice.push(batch[0].clone());
        let c = s.import_orders(&twice, again, ACTOR, now()).unwrap();
        assert_eq!(
            c,
            ImportCounts {
                added: 0,
                duplicate: 3_501,
                ..ImportCounts::default()
            }
        );
        assert_eq!(
            s.reconcile_orders(&platform("meituan"), march).unwrap(),
            expected
        );
        let summary = s.import_summary(again).unwrap();
        assert_eq!((summary.rows_added, summary.rows_duplicate), (0, 3_501));
        for p in ["meituan", "didi", "eleme"] {
            assert_month_totals(s, p, march, db.name);
            assert_month_totals(s, p, march.next(), db.name);
        }
        let audit = s.audit_entries("import", &import.to_string()).unwrap();
        assert_eq!(
            audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
            vec![
                "begin",
                "import_orders",
                "import_orders",
                "import_orders",
                "import_orders",
                "finish"
            ]
        );
    });
}

#[test]
fn a_bad_order_refuses_the_whole_batch() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "bad.csv", ACTOR, now()).unwrap();
        let mut batch = orders("meituan", 0, 10, 5);
        batch[7].premium = Money::from_fen(-1);
        let err = s.import_orders(&batch, import, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(
            err.to_string().contains("order o-7 (row 8 of the batch)"),
            "{err}"
        );
        batch[7].premium = Money::ZERO;
        batch[3].province = "4".into();
        assert_eq!(
            s.import_orders(&batch, import, ACTOR, now())
                .unwrap_err()
                .code(),
            "invalid"
        );
        let march = Month::parse("2025-03").unwrap();
        assert_eq!(
            s.reconcile_orders(&platform("meituan"), march)
                .unwrap()
                .orders,
            0
        );
        assert_eq!(
            s.import_orders(&batch[..1], 12_345, ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        assert_eq!(
            s.reconcile_orders(&platform("meituan"), march)
                .unwrap()
                .orders,
            0
        );
    });
}

#[test]
fn the_same_order_twice_in_one_batch_is_stored_once() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "twice.csv", ACTOR, now()).unwrap();
        let mut batch = orders("meituan", 0, 10, 5);
        let mut copy = batch[4].clone();
        copy.premium = Money::from_fen(99);
        batch.push(copy);
        let c = s.import_orders(&batch, import, ACTOR, now()).unwrap();
        assert_eq!(
            c,
            ImportCounts {
                added: 10,
                duplicate: 1,
                ..ImportCounts::default()
            },
            "{}",
            db.name
        );
        let march = Month::parse("2025-03").unwrap();
        let r = s.reconcile_orders(&platform("meituan"), march).unwrap();
        assert_eq!(r.orders, 10);
        assert_eq!(
            r.premium,
            Money::from_fen(30),
            "{}: the first of a key wins",
            db.name
        );
    });
}

#[test]
fn a_batch_partly_stored_adds_the_rest_and_only_their_order_days() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "part.csv", ACTOR, now()).unwrap();
        let all = orders("meituan", 0, 100, 100);
        assert_eq!(
            s.import_orders(&all[..40], import, ACTOR, now()).unwrap(),
            ImportCounts {
                added: 40,
                ..ImportCounts::default()
            }
        );
        // All again (40 stored already), and a second copy of a new order
        // that names another worker: the first of a key wins, the copy is a
        // conflict (not "already there") and gives its worker no order day.
        let mut batch = all.clone();
        let mut copy = all[70].clone();
        copy.resident_id = resident(999);
        batch.push(copy);
        assert_eq!(
            s.import_orders(&batch, import, ACTOR, now()).unwrap(),
            ImportCounts {
                added: 60,
                duplicate: 40,
                conflict: 1,
                conflicts: vec![OrderConflict {
                    index: 100,
                    field: "resident_id",
                    stored: all[70].resident_id.as_str().to_owned(),
                    given: resident(999).as_str().to_owned(),
                }],
            },
            "{}",
            db.name
        );
        assert_eq!(s.import_summary(import).unwrap().rows_conflict, 1);
        assert_industry_days(db);
        let march = Month::parse("2025-03").unwrap();
        let r = s.reconcile_orders(&platform("meituan"), march).unwrap();
        assert_eq!((r.orders, r.workers), (100, 100), "{}", db.name);
        assert_month_totals(s, "meituan", march, db.name);
        for o in [&all[10], &all[70]] {
            let covers = s.coverage_at(&o.resident_id, o.day, None).unwrap();
            assert_eq!(covers.len(), 1, "{}: {covers:?}", db.name);
        }
        assert_eq!(
            s.coverage_at(&resident(999), all[70].day, None).unwrap(),
            vec![],
            "{}: no cover from an order that was not stored",
            db.name
        );
    });
}

/// Issue 16 (industry_class_vs_orders): one worker's orders of a day in
/// two industries are counted apart in the day's row, added to by a later
/// batch of the same days (on PostgreSQL the first batch goes by COPY, the
/// second, partly stored, by the staging table), never by an order stored
/// before or a conflicting copy.
#[test]
fn orders_are_counted_by_person_day_and_industry_by_every_import_path() {
    use gongshang_rules::scheme::OrderIndustry;
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "mixed.csv", ACTOR, now()).unwrap();
        let mut all = orders("meituan", 0, 100, 1);
        for (n, o) in all.iter_mut().enumerate() {
            if n % 2 == 1 {
                o.industry = OrderIndustry::RideHailing;
            }
        }
        s.import_orders(&all[..40], import, ACTOR, now()).unwrap();
        assert_industry_days(db);
        let mut batch = all.clone();
        let mut copy = all[70].clone();
        copy.industry = OrderIndustry::IntraCityFreight;
        batch.push(copy);
        let c = s.import_orders(&batch, import, ACTOR, now()).unwrap();
        assert_eq!(
            (c.added, c.duplicate, c.conflict),
            (60, 40, 1),
            "{}",
            db.name
        );
        assert_industry_days(db);
        // Day 1 (2025-03-01) holds orders 0, 31, 62 and 93: two of each;
        // no order day counts a freight order (the conflicting copy).
        assert_eq!(
            text_rows(
                db,
                "SELECT CAST(orders AS TEXT) || ' ' || CAST(orders_ride_hailing AS TEXT) || ' ' \
                 || CAST(orders_instant_delivery AS TEXT) || ' ' || CAST(orders_intra_city_freight AS TEXT) \
                 FROM order_days WHERE day = '2025-03-01'"
            ),
            ["4 2 2 0"],
            "{}",
            db.name
        );
        assert_eq!(
            text_rows(
                db,
                "SELECT CAST(SUM(orders_intra_city_freight) AS TEXT) FROM order_days"
            ),
            ["0"],
            "{}: a conflicting copy counts for nothing",
            db.name
        );
    });
}

/// Migration 0420 fills the order days' counts per industry from the
/// orders stored before it: a database whose orders were imported without
/// the columns gets the same counts as the imports keep.
#[test]
fn migration_0420_counts_the_orders_stored_before_it() {
    use gongshang_rules::scheme::OrderIndustry;
    each_backend(|db| {
        let s = &*db.store;
        let import = s
            .begin_import("orders", "before.csv", ACTOR, now())
            .unwrap();
        let mut all = orders("didi", 0, 90, 2);
        for o in all.iter_mut().step_by(3) {
            o.industry = OrderIndustry::RideHailing;
        }
        s.import_orders(&all, import, ACTOR, now()).unwrap();
        let kept = text_rows(db, KEPT_BY_INDUSTRY);
        for column in [
            "orders_ride_hailing",
            "orders_instant_delivery",
            "orders_intra_city_freight",
        ] {
            db.raw_execute(&format!("ALTER TABLE order_days DROP COLUMN {column}"))
                .unwrap();
        }
        db.raw_execute("DELETE FROM schema_migrations WHERE version = 420")
            .unwrap();
        drop(db.reopen());
        assert_eq!(text_rows(db, KEPT_BY_INDUSTRY), kept, "{}", db.name);
        assert_industry_days(db);
    });
}

#[test]
fn two_threads_importing_the_same_orders_at_once_store_each_once() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "twice.csv", ACTOR, now()).unwrap();
        let all = orders("meituan", 0, 8_000, 300);
        let run = |reverse: bool| {
            let mut chunks: Vec<&[_]> = all.chunks(1_000).collect();
            if reverse {
                chunks.reverse();
            }
            let mut total = ImportCounts::default();
            for chunk in chunks {
                let c = s.import_orders(chunk, import, ACTOR, now()).unwrap();
                total.added += c.added;
                total.duplicate += c.duplicate;
            }
            total
        };
        let (a, b) = std::thread::scope(|scope| {
            let a = scope.spawn(|| run(false));
            let b = scope.spawn(|| run(true));
            (a.join().unwrap(), b.join().unwrap())
        });
        assert_eq!(a.added + b.added, 8_000, "{}", db.name);
        assert_eq!(a.duplicate + b.duplicate, 8_000, "{}", db.name);
        let march = Month::parse("2025-03").unwrap();
        let r = s.reconcile_orders(&platform("meituan"), march).unwrap();
        assert_eq!((r.orders, r.workers), (8_000, 300), "{}", db.name);
        assert_month_totals(s, "meituan", march, db.name);
        assert_industry_days(db);
        let summary = s.import_summary(import).unwrap();
        assert_eq!(
            (summary.rows_added, summary.rows_duplicate),
            (8_000, 8_000),
            "{}",
            db.name
        );
        let o = &all[4_321];
        assert_eq!(
            s.coverage_at(&o.resident_id, o.day, None).unwrap().len(),
            1,
            "{}",
            db.name
        );
    });
}

/// The same key with another worker, instant, industry or province is a
/// conflict against what an earlier import stored, in whichever batch it
/// comes; the same content is already there.
#[test]
fn an_order_stored_before_with_other_content_is_a_conflict() {
    each_backend(|db| {
        let s = &*db.store;
        let first = s.begin_import("orders", "first.csv", ACTOR, now()).unwrap();
        let all = orders("meituan", 0, 20, 10);
        s.import_orders(&all, first, ACTOR, now()).unwrap();
        let again = s
            .begin_import("orders", "second.csv", ACTOR, now())
            .unwrap();
        let mut batch = vec![
            all[0].clone(),
            all[1].clone(),
            all[2].clone(),
            all[3].clone(),
        ];
        batch[1].ordered_at += jiff::SignedDuration::from_secs(60);
        batch[2].province = "32".into();
        batch[3].industry = gongshang_rules::scheme::OrderIndustry::RideHailing;
        let c = s.import_orders(&batch, again, ACTOR, now()).unwrap();
        assert_eq!((c.added, c.duplicate, c.conflict), (0, 1, 3), "{}", db.name);
        let fields: Vec<(usize, &str)> = c.conflicts.iter().map(|c| (c.index, c.field)).collect();
        assert_eq!(
            fields,
            vec![(1, "ordered_at"), (2, "province"), (3, "industry")],
            "{}",
            db.name
        );
        let summary = s.import_summary(again).unwrap();
        assert_eq!(
            (summary.rows_duplicate, summary.rows_conflict),
            (1, 3),
            "{}",
            db.name
        );
    });
}

/// An import whose process stops between batches is interrupted once no
/// batch came for the lease; one that saw itself fail says why.
#[test]
fn an_unfinished_import_shows_as_interrupted_after_its_lease() {
    use gongshang_store::ImportState;
    each_backend(|db| {
        let s = &*db.store;
        let import = s
            .begin_import("orders", "killed.csv", ACTOR, now())
            .unwrap();
        s.import_orders(&orders("meituan", 0, 5, 5), import, ACTOR, now())
            .unwrap();
        let lease = jiff::SignedDuration::from_mins(5);
        let summary = s.import_summary(import).unwrap();
        assert_eq!(summary.state(now(), lease), ImportState::Running);
        let later = now() + jiff::SignedDuration::from_mins(6);
        assert_eq!(summary.state(later, lease), ImportState::Interrupted);
        let failed = s.begin_import("orders", "bad.csv", ACTOR, now()).unwrap();
        s.fail_import(failed, "the disk is full").unwrap();
        let listed = s.recent_imports(10).unwrap();
        assert_eq!(
            listed.iter().map(|i| i.id).collect::<Vec<_>>(),
            vec![failed, import]
        );
        assert_eq!(listed[0].state(now(), lease), ImportState::Failed);
        assert_eq!(listed[0].failure.as_deref(), Some("the disk is full"));
    });
}

/// Issue 13: an import's progress has a total once its rows are known;
/// none before, and a finished import takes no new total.
#[test]
fn an_import_keeps_the_rows_it_expects() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "total.csv", ACTOR, now()).unwrap();
        assert_eq!(s.import_summary(import).unwrap().rows_expected, None);
        s.expect_import_rows(import, 5).unwrap();
        s.import_orders(&orders("meituan", 0, 5, 5), import, ACTOR, now())
            .unwrap();
        let running = s.running_import_of("orders", ACTOR).unwrap().unwrap();
        assert_eq!((running.rows_expected, running.rows_added), (Some(5), 5));
        s.finish_import(import, 5, 0, ACTOR, now()).unwrap();
        assert_eq!(s.import_summary(import).unwrap().rows_expected, Some(5));
        assert!(s.expect_import_rows(import, 9).is_err());
    });
}
