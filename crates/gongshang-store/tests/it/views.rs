//! The read models of the web UI (`ViewStore`), on both backends: keyset
//! pages with search, bills with what is outstanding, and the dashboard's
//! counts (premiums by month, the fund's bank balance from the ledger).

use gongshang_store::NewPayment;
use gongshang_store::views::ListQuery;

use crate::common::*;

fn q(limit: u32) -> ListQuery {
    ListQuery {
        limit,
        ..ListQuery::default()
    }
}

#[test]
fn lists_page_by_id_search_and_scope_to_a_unit() {
    each_backend(|db| {
        let s = &*db.store;
        enrolled(s, 1, 1, "guangdong.employees");
        enrolled(s, 1, 2, "guangdong.employees");
        enrolled(s, 2, 3, "guangdong.specific_persons");
        let units = s.unit_rows(&q(10)).unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].enrolled, 2, "running enrolments of unit 1");
        let page2 = s
            .unit_rows(&ListQuery {
                after_id: units[0].unit.id,
                limit: 10,
                ..ListQuery::default()
            })
            .unwrap();
        assert_eq!(page2.len(), 1);
        let by_code = s
            .unit_rows(&ListQuery {
                search: Some(credit(2).as_str()[4..].to_owned()),
                ..q(10)
            })
            .unwrap();
        assert_eq!(by_code.len(), 1);
        assert_eq!(by_code[0].unit.credit_code, credit(2));

        let people = s.person_rows(&q(2)).unwrap();
        assert_eq!(people.len(), 2, "the limit holds");
        assert_eq!(people[0].schemes, vec!["guangdong.employees".to_owned()]);
        let of_unit_2 = s
            .person_rows(&ListQuery {
                unit: Some(credit(2)),
                ..q(10)
            })
            .unwrap();
        assert_eq!(of_unit_2.len(), 1);
        assert_eq!(of_unit_2[0].person.resident_id, resident(3));
        // A search with LIKE wildcards matches them literally.
        assert!(
            s.person_rows(&ListQuery {
                search: Some("%_%".into()),
                ..q(10)
            })
            .unwrap()
            .is_empty()
        );
        assert_eq!(
            s.person_by_id(people[1].person.id)
                .unwrap()
                .unwrap()
                .resident_id,
            people[1].person.resident_id
        );
        assert!(s.unit_by_id(9999).unwrap().is_none());
        // A limit outside 1 to 500 names the field.
        assert!(
            s.unit_rows(&q(0))
                .unwrap_err()
                .to_string()
                .contains("limit")
        );
    });
}

#[test]
fn bills_and_the_dashboard_add_up_from_the_ledger() {
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.employees");
        let e2 = enrolled(s, 2, 2, "guangdong.employees");
        let b1 = s
            .issue_bill(
                &monthly_bill("M202503-A", 1, e1, "2025-03", yuan("100.00")),
                ACTOR,
                at("2025-03-31T08:00:00Z"),
            )
            .unwrap();
        s.issue_bill(
            &monthly_bill("M202503-B", 2, e2, "2025-03", yuan("50.00")),
            ACTOR,
            at("2025-03-31T08:00:00Z"),
        )
        .unwrap();
        s.record_payment(
            &NewPayment {
                bill_id: b1,
                amount: yuan("100.00"),
                paid_on: d(2025, 4, 10),
                idempotency_key: "P1".into(),
                coverage: Vec::new(),
                ledger: payment_ledger("P1", "M202503-A", yuan("100.00")),
            },
            ACTOR,
            at("2025-04-10T03:00:00Z"),
        )
        .unwrap();
        let bills = s.bill_rows(&q(10)).unwrap();
        assert_eq!(bills.len(), 2);
        assert_eq!(bills[0].status.outstanding, yuan("0.00"));
        assert_eq!(bills[1].status.outstanding, yuan("50.00"));
        assert_eq!(bills[0].scheme_id.as_str(), "guangdong.employees");
        let open = s
            .bill_rows(&ListQuery {
                outstanding_only: true,
                ..q(10)
            })
            .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].status.reference, "M202503-B");
        let of_unit = s
            .bill_rows(&ListQuery {
                unit: Some(credit(1)),
                ..q(10)
            })
            .unwrap();
        assert_eq!(of_unit.len(), 1);

        let c = s.dashboard_counts(d(2025, 5, 1)).unwrap();
        assert_eq!((c.units, c.people), (2, 2));
        assert_eq!(
            c.enrolled_by_scheme,
            vec![("guangdong.employees".to_owned(), 2)]
        );
        assert_eq!(c.premiums_by_month.len(), 2);
        assert_eq!(c.premiums_by_month[0].month, "2025-03");
        assert_eq!(c.premiums_by_month[0].billed, yuan("150.00"));
        assert_eq!(c.premiums_by_month[1].month, "2025-04");
        assert_eq!(c.premiums_by_month[1].paid, yuan("100.00"));
        // The bank received 100.00 in April; nothing before.
        let april = c
            .balance_by_month
            .iter()
            .find(|b| b.month == "2025-04")
            .unwrap();
        assert_eq!(april.bank, yuan("100.00"));
        // Both bills fall due on 2025-04-15 (common.rs): one in arrears on 2025-05-01.
        assert_eq!(c.arrears_bills, 1);
        assert_eq!(c.arrears, yuan("50.00"));
        assert!(c.cases_by_state.is_empty());
        assert!(s.case_rows(&q(10), None).unwrap().is_empty());
    });
}

#[test]
fn a_sqlite_database_is_copied_whole_into_a_new_file() {
    each_backend(|db| {
        let s = &*db.store;
        enrolled(s, 1, 1, "guangdong.employees");
        let path = std::env::temp_dir().join(format!(
            "gongshang-copy-{}-{}.db",
            std::process::id(),
            db.name
        ));
        let _ = std::fs::remove_file(&path);
        let text = path.to_str().unwrap();
        match db.name {
            "sqlite" => {
                s.copy_into_file(text).unwrap();
                let copy = gongshang_store::open(text).unwrap();
                assert_eq!(copy.unit_rows(&q(10)).unwrap().len(), 1);
                assert_eq!(copy.dashboard_counts(d(2025, 2, 1)).unwrap().people, 1);
                // Never over an existing file.
                assert!(
                    s.copy_into_file(text)
                        .unwrap_err()
                        .to_string()
                        .contains("exists")
                );
                drop(copy);
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{text}{suffix}"));
                }
            }
            _ => assert!(s.copy_into_file(text).is_err()),
        }
    });
}
