//! The import use cases on both backends: a file is checked whole and
//! written whole (or not at all); a rerun counts identical rows as already
//! there and reports differing ones as conflicts.

use gongshang_app::actor::Actor;
use gongshang_app::imports::{ImportKind, ImportOptions, ImportReport};
use gongshang_app::{App, AppError};
use gongshang_csv::read_table;
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use jiff::civil::date;

use super::*;

fn clerk() -> Actor {
    ACTOR.clone()
}

fn import(app: &App, kind: ImportKind, text: &str, skip_invalid: bool) -> ImportReport {
    let table = read_table(text.as_bytes(), kind.columns()).unwrap();
    app.import_table(
        &clerk(),
        kind,
        &table,
        &ImportOptions {
            source: format!("{}.csv", kind.as_str()),
            skip_invalid,
        },
    )
    .unwrap()
}

/// (added, already there, conflicts, refused rows' (line, field, code)).
fn outcome(r: &ImportReport) -> (u64, u64, u64, Vec<(u64, String, String)>) {
    (
        r.added,
        r.already_there,
        r.conflicts,
        r.problems
            .iter()
            .map(|p| (p.line, p.field.clone(), p.code.to_owned()))
            .collect(),
    )
}

fn refused(line: u64, field: &str, code: &str) -> (u64, String, String) {
    (line, field.to_owned(), code.to_owned())
}

#[test]
fn registry_files_go_in_whole_and_a_rerun_finds_them_already_there() {
    each_backend(|app, _| {
        let u1 = credit(101, "440106");
        let u2 = credit(102, "440106");
        let p1 = resident("440106", date(1990, 1, 1), 1);
        let p2 = resident("440106", date(1991, 2, 2), 2);
        let units = format!(
            "credit_code,name,kind,region,industry_class,floating_tier\n{u1},甲公司,enterprise,440106,2,1.0\n{u2},乙公司,enterprise,440106,3,1.0\n",
            u1 = u1.as_str(),
            u2 = u2.as_str()
        );
        let people = format!(
            "resident_id,name\n{},张三\n{},李四\n",
            p1.as_str(),
            p2.as_str()
        );
        let enrollments = format!(
            "resident_id,credit_code,scheme_id,category,start_date\n{p1},{u1},guangdong.employees,employee,2025-01-01\n{p2},{u2},guangdong.employees,employee,2025-02-01\n",
            p1 = p1.as_str(),
            p2 = p2.as_str(),
            u1 = u1.as_str(),
            u2 = u2.as_str()
        );
        // (kind, file, first run, second run)
        let cases = [
            (ImportKind::Units, &units),
            (ImportKind::People, &people),
            (ImportKind::Enrollments, &enrollments),
        ];
        for (kind, text) in cases {
            let first = import(app, kind, text, false);
            assert!(first.stored, "{kind:?}: {first:?}");
            assert_eq!(outcome(&first), (2, 0, 0, vec![]), "{kind:?}");
            let again = import(app, kind, text, false);
            assert_eq!(outcome(&again), (0, 2, 0, vec![]), "{kind:?} again");
        }
        // The engagement went in with the enrolment, once.
        assert_eq!(app.store().engagements_of_person(&p1).unwrap().len(), 1);
        assert_eq!(app.store().enrollments_of_person(&p1).unwrap().len(), 1);

        // Differing rows are conflicts, and refuse the file.
        let cases = [
            (
                ImportKind::Units,
                units.replace("乙公司", "丙公司"),
                refused(3, "name", "conflict"),
            ),
            (
                ImportKind::People,
                people.replace("李四", "李五"),
                refused(3, "name", "conflict"),
            ),
            (
                ImportKind::Enrollments,
                enrollments.replace("2025-02-01", "2025-03-01"),
                refused(3, "resident_id", "conflict"),
            ),
        ];
        for (kind, text, problem) in cases {
            let r = import(app, kind, &text, false);
            assert!(!r.stored, "{kind:?}");
            assert_eq!(outcome(&r), (0, 1, 1, vec![problem]), "{kind:?}");
        }
    });
}

#[test]
fn a_refused_file_reports_every_bad_row_and_writes_nothing() {
    each_backend(|app, _| {
        let u1 = credit(201, "440106");
        let good = resident("440106", date(1990, 1, 1), 3);
        let people = format!(
            "resident_id,name\n{good},王五\n440106199001010000,坏号\n{good},重复\n\"unterminated,x\n,无号\n",
            good = good.as_str()
        );
        let r = import(app, ImportKind::People, &people, false);
        assert!(!r.stored);
        assert_eq!(
            outcome(&r).3,
            vec![
                refused(3, "resident_id", "identifier_invalid"),
                refused(4, "resident_id", "invalid"),
                refused(5, "resident_id", "malformed_csv"),
                refused(6, "resident_id", "identifier_invalid"),
            ]
        );
        assert!(app.store().person_by_resident_id(&good).unwrap().is_none());
        // An enrolment of someone not registered, of a unit not registered.
        let enrollments = format!(
            "resident_id,credit_code,scheme_id,category,start_date\n{},{},guangdong.employees,employee,2025-01-01\n",
            good.as_str(),
            u1.as_str()
        );
        let r = import(app, ImportKind::Enrollments, &enrollments, false);
        assert_eq!(outcome(&r).3, vec![refused(2, "resident_id", "not_found")]);
        // With skip_invalid the good row goes in.
        let r = import(app, ImportKind::People, &people, true);
        assert!(r.stored);
        assert_eq!(r.added, 1);
        assert!(app.store().person_by_resident_id(&good).unwrap().is_some());
    });
}

#[test]
fn a_payments_file_whose_third_row_overpays_keeps_nothing() {
    each_backend(|app, clock| {
        let (u, p, _) = enrolled_intern(app, date(2021, 4, 1));
        let bill = app
            .declare_month(
                &ACTOR,
                &u,
                &"guangdong.specific_persons".parse().unwrap(),
                Month::parse("2021-04").unwrap(),
                &[(p, yuan("6000"))],
            )
            .unwrap();
        // The payments arrive on 2021-04-05 (cover rests on the day received).
        clock.set(ts("2021-04-05T02:00:00Z"));
        let third = Money::from_fen(bill.amount.fen() / 3);
        let header = "bill_reference,amount,paid_on,idempotency_key";
        let row =
            |key: &str, amount: Money| format!("{},{amount},2021-04-05,{key}", bill.reference);
        let text = format!(
            "{header}\n{}\n{}\n{}\n",
            row("k-1", third),
            row("k-2", third),
            row("k-3", bill.amount)
        );
        let r = import(app, ImportKind::Payments, &text, false);
        assert!(!r.stored);
        assert_eq!(outcome(&r).3, vec![refused(4, "amount", "conflict")]);
        let status = app.store().bill_status(bill.bill_id).unwrap();
        assert_eq!(status.paid, Money::ZERO, "nothing of the file was kept");

        let rest = bill
            .amount
            .checked_sub(third)
            .unwrap()
            .checked_sub(third)
            .unwrap();
        let text = format!(
            "{header}\n{}\n{}\n{}\n",
            row("k-1", third),
            row("k-2", third),
            row("k-3", rest)
        );
        let r = import(app, ImportKind::Payments, &text, false);
        assert_eq!(outcome(&r), (3, 0, 0, vec![]));
        assert_eq!(
            app.store().bill_status(bill.bill_id).unwrap().paid,
            bill.amount
        );
        // The third completes the bill and buys the cover from the next day.
        let covered = app
            .coverage(&ACTOR, &p, gongshang_app::At::Day(date(2021, 4, 6)), None)
            .unwrap();
        assert!(covered.covered, "{covered:?}");
        // Again: already there, not imported; another day under a key is a conflict.
        let r = import(app, ImportKind::Payments, &text, false);
        assert_eq!(outcome(&r), (0, 3, 0, vec![]));
        let changed = text.replace("2021-04-05,k-3", "2021-04-04,k-3");
        let r = import(app, ImportKind::Payments, &changed, false);
        assert_eq!(
            outcome(&r).3,
            vec![refused(4, "idempotency_key", "conflict")]
        );
    });
}

#[test]
fn declarations_declared_again_are_already_there_and_other_wages_conflict() {
    each_backend(|app, _| {
        let (u, p, _) = enrolled_intern(app, date(2021, 4, 1));
        let header = "credit_code,scheme_id,month,resident_id,declared_wage";
        let text = format!(
            "{header}\n{},guangdong.specific_persons,2021-04,{},6000\n",
            u.as_str(),
            p.as_str()
        );
        let r = import(app, ImportKind::Declarations, &text, false);
        assert_eq!(outcome(&r), (1, 0, 0, vec![]));
        assert_eq!(r.bills.len(), 1);
        let r = import(app, ImportKind::Declarations, &text, false);
        assert_eq!(outcome(&r), (0, 1, 0, vec![]));
        let r = import(
            app,
            ImportKind::Declarations,
            &text.replace(",6000", ",7000"),
            false,
        );
        assert_eq!(outcome(&r).3, vec![refused(2, "declared_wage", "conflict")]);
    });
}

#[test]
fn only_agency_staff_import_registry_files() {
    each_backend(|app, _| {
        let analyst = Actor {
            login: "a".into(),
            role: gongshang_app::accounts::Role::Analyst,
            scope: gongshang_app::actor::Scope::StatisticsOnly,
        };
        let table = read_table(b"resident_id,name\n", ImportKind::People.columns()).unwrap();
        let e = app
            .import_table(
                &analyst,
                ImportKind::People,
                &table,
                &ImportOptions::default(),
            )
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{e:?}");
    });
}

/// Issue 13: a large order import shows its progress while it runs: the
/// rows of the batches committed so far, to the one who began it only;
/// nothing once it is finished (or failed).
#[test]
fn an_order_import_under_way_shows_the_rows_committed_so_far_to_its_owner() {
    use gongshang_app::OrderInput;
    use gongshang_domain::ids::{OrderId, PlatformId};
    use gongshang_rules::scheme::OrderIndustry;
    each_backend(|app, _clock| {
        let rider = person(app, "440106", date(1994, 1, 1), 880);
        let mut pricer = app.order_pricer().unwrap();
        let records: Vec<_> = (0..5)
            .map(|n| {
                pricer
                    .price(OrderInput {
                        platform: PlatformId::parse("meituan").unwrap(),
                        order_id: OrderId::parse(&format!("progress-{n}")).unwrap(),
                        resident_id: rider,
                        ordered_at: ts(&format!("2025-07-0{}T02:00:00Z", n + 1)),
                        industry: OrderIndustry::InstantDelivery,
                        province: "44".into(),
                    })
                    .unwrap()
            })
            .collect();
        drop(pricer);
        assert_eq!(app.my_running_order_import(&clerk()).unwrap(), None);
        let import = app.begin_orders_import(&clerk(), "big.csv").unwrap();
        let started = app.my_running_order_import(&clerk()).unwrap().unwrap();
        assert_eq!((started.import_id, started.rows_done), (import, 0));
        // No total until one is known; then rows done of rows expected.
        assert_eq!(started.rows_expected, None);
        app.expect_orders_import_rows(&clerk(), import, 8).unwrap();
        assert_eq!(
            app.my_running_order_import(&clerk())
                .unwrap()
                .unwrap()
                .rows_expected,
            Some(8)
        );
        app.import_orders_batch(&clerk(), import, &records[..3])
            .unwrap();
        let so_far = app.my_running_order_import(&clerk()).unwrap().unwrap();
        assert_eq!((so_far.rows_done, so_far.source.as_str()), (3, "big.csv"));
        // Sent again, the rows already there count as done too.
        app.import_orders_batch(&clerk(), import, &records).unwrap();
        assert_eq!(
            app.my_running_order_import(&clerk())
                .unwrap()
                .unwrap()
                .rows_done,
            8
        );
        // Another official follows their own imports only.
        let other = Actor {
            login: "clerk-2".into(),
            ..clerk()
        };
        assert_eq!(app.my_running_order_import(&other).unwrap(), None);
        app.finish_orders_import(&clerk(), import, 8, 0).unwrap();
        assert_eq!(app.my_running_order_import(&clerk()).unwrap(), None);
        // A failed one is not under way either.
        let failed = app.begin_orders_import(&clerk(), "bad.csv").unwrap();
        app.fail_orders_import(&clerk(), failed, "the disk filled")
            .unwrap();
        assert_eq!(app.my_running_order_import(&clerk()).unwrap(), None);
        // The batches of an import held in memory: a fiftieth of it, 500
        // to 10,000 rows, so its progress moves in steps of 2 % or less.
        assert_eq!(
            [100, 40_000, 100_000, 2_000_000].map(gongshang_app::imports::progress_batch_rows),
            [500, 800, 2_000, 10_000]
        );
    });
}
