use gongshang_store::{CoverProof, NewCover, NewPayment, ORDER_SCHEME_ID};

use crate::common::*;

#[test]
fn coverage_answers_by_day_and_unit_from_payments_and_order_days() {
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.specific_persons");
        let e2 = enrolled(s, 2, 1, "guangdong.specific_persons");
        let mut pids = Vec::new();
        for (n, (unit, enrollment)) in [(1, e1), (2, e2)].into_iter().enumerate() {
            let reference = format!("B-{n}");
            let bill = s
                .issue_bill(
                    &monthly_bill(&reference, unit, enrollment, "2025-03", yuan("50.00")),
                    ACTOR,
                    now(),
                )
                .unwrap();
            let key = format!("pay-{n}");
            let out = s
                .record_payment(
                    &NewPayment {
                        bill_id: bill,
                        amount: yuan("50.00"),
                        paid_on: d(2025, 3, 1),
                        idempotency_key: key.clone(),
                        coverage: vec![NewCover {
                            person: resident(1),
                            unit: Some(credit(unit)),
                            scheme_id: "guangdong.specific_persons".parse().unwrap(),
                            enrollment_id: Some(enrollment),
                            basis: gongshang_domain::coverage::CoverKind::MonthPaid,
                            start: d(2025, 3, 2),
                            end: d(2025, 3, 31),
                        }],
                        ledger: payment_ledger(&key, &reference, yuan("50.00")),
                    },
                    ACTOR,
                    now(),
                )
                .unwrap();
            pids.push(out.id());
        }
        let both = s.coverage_at(&resident(1), d(2025, 3, 2), None).unwrap();
        assert_eq!(both.len(), 2);
        let one = s
            .coverage_at(&resident(1), d(2025, 3, 31), Some(&credit(2)))
            .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].unit, Some(credit(2)));
        assert_eq!(one[0].proof, CoverProof::Payment(pids[1]));
        assert_eq!((one[0].start, one[0].end), (d(2025, 3, 2), d(2025, 3, 31)));
        assert!(
            s.coverage_at(&resident(1), d(2025, 4, 1), None)
                .unwrap()
                .is_empty()
        );
        assert!(
            s.coverage_at(&resident(1), d(2025, 3, 1), None)
                .unwrap()
                .is_empty()
        );
        assert!(
            s.coverage_at(&resident(1), d(2025, 3, 5), Some(&credit(3)))
                .unwrap()
                .is_empty()
        );

        // Order days: a worker is covered on each day with an order.
        let import = s.begin_import("orders", "test", ACTOR, now()).unwrap();
        let batch = orders("meituan", 0, 2, 1_000);
        s.import_orders(&batch, import, ACTOR, now()).unwrap();
        let covers = s.coverage_at(&resident(0), d(2025, 3, 1), None).unwrap();
        assert_eq!(covers.len(), 1);
        assert_eq!(
            covers[0].proof,
            CoverProof::OrdersOnPlatform(platform("meituan"))
        );
        assert_eq!(covers[0].scheme_id, ORDER_SCHEME_ID);
        assert_eq!(
            covers[0].basis,
            gongshang_domain::coverage::CoverKind::OrderDay
        );
        assert!(
            s.coverage_at(&resident(0), d(2025, 3, 2), None)
                .unwrap()
                .is_empty()
        );
        assert!(
            s.coverage_at(&resident(0), d(2025, 3, 1), Some(&credit(1)))
                .unwrap()
                .is_empty()
        );

        // The one-statement read answers what the two reads answer, and its
        // async form (PostgreSQL: on an asynchronous connection) the same.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        for (person, day, unit) in [
            (1, d(2025, 3, 2), None),
            (1, d(2025, 3, 31), Some(credit(2))),
            (1, d(2025, 4, 1), None),
            (0, d(2025, 3, 1), None),
            (0, d(2025, 3, 1), Some(credit(1))),
            (9, d(2025, 3, 1), None),
        ] {
            let read = s
                .coverage_of_person(&resident(person), day, unit.as_ref(), None)
                .unwrap();
            assert_eq!(
                read.covers,
                s.coverage_at(&resident(person), day, unit.as_ref())
                    .unwrap(),
                "person {person} on {day}"
            );
            assert_eq!(
                read.enrollments,
                s.enrollments_of_person(&resident(person)).unwrap()
            );
            let fast = runtime
                .block_on(s.coverage_of_person_async(&resident(person), day, unit.as_ref(), None))
                .unwrap();
            assert_eq!(fast.covers, read.covers, "async, person {person} on {day}");
            assert_eq!(fast.enrollments, read.enrollments);
            assert_eq!(fast.suspended, read.suspended);
        }
        drop(runtime);
        // A platform's own order days show beside its unit's covers; another
        // platform's do not.
        let own = s
            .coverage_of_person(
                &resident(0),
                d(2025, 3, 1),
                Some(&credit(1)),
                Some(&platform("meituan")),
            )
            .unwrap();
        assert_eq!(own.covers.len(), 1);
        assert_eq!(
            own.covers[0].proof,
            CoverProof::OrdersOnPlatform(platform("meituan"))
        );
        let other = s
            .coverage_of_person(
                &resident(0),
                d(2025, 3, 1),
                Some(&credit(1)),
                Some(&platform("eleme")),
            )
            .unwrap();
        assert!(other.covers.is_empty());
        assert_balanced(db);
    });
}
