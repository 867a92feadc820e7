//! The fund's accounts and its reserve (issue 14), on a small Nanjing fund
//! worked out by hand, on every backend.

use gongshang_app::fund::{StatementPeriod, statement_table};
use gongshang_app::{App, FixedClock, PaymentRequest};
use gongshang_domain::month::Month;
use gongshang_rules::scheme::Category;
use gongshang_store::cases::{CaseAppend, CaseSnapshot, NewCase, NewCaseEvent, NewPeriodicBenefit};
use jiff::civil::date;

use super::{ACTOR, each_backend, named, person, request, ts, unit, yuan};

const SCHEME: gongshang_rules::SchemeId = gongshang_rules::SchemeId::known("jiangsu.employees");

fn m(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn pay(
    app: &App,
    clock: &FixedClock,
    bill_id: i64,
    amount: &str,
    on: jiff::civil::Date,
    key: &str,
) {
    clock.set(ts(&format!("{on}T08:00:00Z")));
    app.record_payment(
        &ACTOR,
        &PaymentRequest {
            bill_id,
            amount: yuan(amount),
            paid_on: on,
            idempotency_key: key.into(),
            payer: None,
        },
    )
    .unwrap();
}

/// A fund in Nanjing (320100): one unit of industry class 2 at tier 1.0
/// (0.4%), two employees declaring 8,000 and 12,000 yuan a month, so every
/// month bills 32.00 + 48.00 = 80.00 yuan; one worker's disability
/// allowance of 30.00 a month paid by the payroll from December 2024.
///
/// | month   | billed | collected                  | benefits | reserve run                          |
/// |---------|--------|----------------------------|----------|--------------------------------------|
/// | 2024-12 | 80.00  | 80.00 (Dec bill)           | 30.00    | —                                    |
/// | 2025-01 | 80.00  | 50.00 (part of Jan)        | 30.00    | 20% × 50.00 = 10.00; cap 30.00 → 10.00 |
/// | 2025-02 | 80.00  | 30.00 + 80.00 = 110.00     | 30.00    | 20% × 110.00 = 22.00; room 30.00 − 10.00 = 20.00 → 20.00 |
///
/// The cap is the previous year's (2024's) expenditure, 30.00 (Art 11 of the
/// Jiangsu measures: no transfer once the reserve equals it), reached in
/// February. The statement of 2025-01: opening 80.00 − 30.00 = 50.00;
/// income 50.00; expenditure 30.00; surplus 20.00; closing 70.00; reserve
/// 10.00, which is 10.00 / (60.00 / 12) = 2.0 months of the twelve months'
/// expenditure (December and January, 60.00). The year 2025 (to February):
/// opening 50.00; billed 160.00; income 160.00; expenditure 60.00; surplus
/// 100.00; closing 150.00; transferred 30.00; reserve 30.00 = 30.00 / (60.00
/// / 12) = 6.0 months.
#[test]
fn jiangsu_art_11_statement_and_reserve_of_a_small_fund() {
    each_backend(|app, clock| {
        clock.set(ts("2024-12-01T08:00:00Z"));
        let u = unit(app, 1411, "320100");
        let a = person(app, "320102", date(1985, 1, 1), 141);
        let b = person(app, "320102", date(1986, 2, 2), 142);
        for p in [a, b] {
            app.enroll(
                &ACTOR,
                &request(
                    p,
                    Some(u),
                    SCHEME.as_str(),
                    Category::Employee,
                    date(2024, 12, 1),
                ),
            )
            .unwrap();
        }
        let declare = |month: &str| {
            let bill = app
                .declare_month(
                    &ACTOR,
                    &u,
                    &SCHEME,
                    m(month),
                    &[(a, yuan("8000")), (b, yuan("12000"))],
                )
                .unwrap();
            assert_eq!(bill.amount, yuan("80.00"), "0.4% of 20,000");
            bill.bill_id
        };
        let case_and_benefit = |app: &App| {
            let at = app.now();
            let case = app
                .store()
                .create_case(
                    &NewCase {
                        number: Some("F-1".into()),
                        flow: "determination".parse().unwrap(),
                        person: a,
                        unit: Some(u),
                        scheme_id: SCHEME,
                        jurisdiction: "jiangsu".into(),
                        region: Some("320100".into()),
                        accident_key: "f-1".into(),
                        accident_date: date(2024, 10, 1),
                        platform: None,
                    },
                    &CaseAppend {
                        expected_version: 0,
                        events: vec![NewCaseEvent {
                            stream: "determination".parse().unwrap(),
                            format: 1,
                            kind: "filed".into(),
                            on: date(2024, 10, 1),
                            body: "{}".into(),
                        }],
                        snapshot: CaseSnapshot {
                            state: "decided".parse().unwrap(),
                            closed: false,
                            deadline: None,
                        },
                        recognises: None,
                        conclusions: Vec::new(),
                    },
                    "tester",
                    at,
                )
                .unwrap();
            app.store()
                .create_periodic_benefits(
                    &[NewPeriodicBenefit {
                        case_id: case.id,
                        award_id: None,
                        beneficiary: "worker".into(),
                        item: named("monthly_disability_allowance"),
                        payer: named("fund"),
                        start_month: m("2024-12"),
                        end_month: None,
                        end_reason: None,
                        end_condition: None,
                        monthly: yuan("30.00"),
                    }],
                    "tester",
                    at,
                )
                .unwrap();
        };
        case_and_benefit(app);

        let dec = declare("2024-12");
        pay(app, clock, dec, "80.00", date(2024, 12, 20), "f-dec");
        app.run_payroll(&ACTOR, m("2024-12")).unwrap();

        clock.set(ts("2025-01-02T08:00:00Z"));
        let jan = declare("2025-01");
        pay(app, clock, jan, "50.00", date(2025, 1, 20), "f-jan");
        app.run_payroll(&ACTOR, m("2025-01")).unwrap();
        let run = app.run_reserve(&ACTOR, m("2025-01")).unwrap();
        assert_eq!(run.lines.len(), 1, "{run:?}");
        let l = &run.lines[0];
        assert_eq!((l.region.as_str(), &l.scheme_id), ("320100", &SCHEME));
        assert_eq!(
            (l.collected, l.cap, l.amount),
            (yuan("50.00"), yuan("30.00"), yuan("10.00"))
        );
        assert!(l.recorded_now);

        clock.set(ts("2025-02-02T08:00:00Z"));
        let feb = declare("2025-02");
        pay(app, clock, jan, "30.00", date(2025, 2, 10), "f-jan-2");
        pay(app, clock, feb, "80.00", date(2025, 2, 20), "f-feb");
        app.run_payroll(&ACTOR, m("2025-02")).unwrap();
        let run = app.run_reserve(&ACTOR, m("2025-02")).unwrap();
        let l = &run.lines[0];
        assert_eq!(
            (l.collected, l.reserve_before, l.amount, l.reserve_after),
            (yuan("110.00"), yuan("10.00"), yuan("20.00"), yuan("30.00")),
            "capped at the previous year's expenditure"
        );

        // Run twice: nothing more is posted and the ledger still balances.
        let again = app.run_reserve(&ACTOR, m("2025-02")).unwrap();
        assert!(!again.lines[0].recorded_now);
        assert_eq!(again.lines[0].amount, yuan("20.00"));
        app.run_reserve(&ACTOR, m("2025-01")).unwrap();
        assert_eq!(app.store().trial_balance().unwrap(), 0);
        let reserve = app
            .store()
            .ledger_balances()
            .unwrap()
            .into_iter()
            .find(|(acc, _)| *acc == gongshang_domain::ledger::Account::Reserve)
            .map(|(_, fen)| fen);
        assert_eq!(reserve, Some(3000), "10.00 + 20.00 once each");

        // The monthly summary the statement reads equals the flows
        // recomputed from the ledger, and a rebuild changes nothing.
        let recomputed = app.store().fund_flows_from_ledger("9999-12").unwrap();
        assert_eq!(app.store().fund_flows("9999-12").unwrap(), recomputed);
        assert!(recomputed.len() >= 9, "{recomputed:?}");
        app.store().rebuild_fund_summary().unwrap();
        assert_eq!(app.store().fund_flows("9999-12").unwrap(), recomputed);

        let s = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::parse("2025-01").unwrap(),
                None,
                None,
            )
            .unwrap();
        assert_eq!(s.lines.len(), 1);
        let l = &s.lines[0];
        assert_eq!(l.region_name, "南京市");
        assert_eq!(
            (
                l.opening_balance,
                l.billed.unit,
                l.collected.total,
                l.benefits_total,
                l.surplus,
                l.closing_balance
            ),
            (
                yuan("50.00"),
                yuan("80.00"),
                yuan("50.00"),
                yuan("30.00"),
                yuan("20.00"),
                yuan("70.00")
            )
        );
        assert_eq!(l.benefits[0].item, "monthly_disability_allowance");
        assert_eq!(
            (l.reserve_transfer, l.reserve_balance),
            (yuan("10.00"), yuan("10.00"))
        );
        assert_eq!(l.months_of_reserve.as_deref(), Some("2.0"));

        let y = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::parse("2025").unwrap(),
                Some("320100"),
                Some(&SCHEME),
            )
            .unwrap();
        let l = &y.lines[0];
        assert_eq!(
            (
                l.opening_balance,
                l.billed.total,
                l.collected.unit,
                l.benefits_total,
                l.surplus,
                l.closing_balance
            ),
            (
                yuan("50.00"),
                yuan("160.00"),
                yuan("160.00"),
                yuan("60.00"),
                yuan("100.00"),
                yuan("150.00")
            )
        );
        assert_eq!(
            (l.reserve_transfer, l.reserve_balance),
            (yuan("30.00"), yuan("30.00"))
        );
        assert_eq!(l.months_of_reserve.as_deref(), Some("6.0"));
        assert_eq!(y.total.closing_balance, yuan("150.00"));

        let table = statement_table(&y);
        let csv = gongshang_app::export::csv(&table);
        assert!(
            csv.contains("320100,南京市,jiangsu.employees,2025,50.00,160.00"),
            "{csv}"
        );
        let xlsx = gongshang_app::export::xlsx(&table);
        assert_eq!(&xlsx[..4], b"PK\x03\x04");

        // Analysts read; only the agency's clerks run the reserve.
        let analyst = gongshang_app::accounts::Actor {
            login: "analyst".into(),
            role: gongshang_app::accounts::Role::Analyst,
            scope: gongshang_app::accounts::Scope::StatisticsOnly,
        };
        assert!(
            app.fund_statement(&analyst, StatementPeriod::Year(2025), None, None)
                .is_ok()
        );
        assert_eq!(
            app.run_reserve(&analyst, m("2025-03")).unwrap_err().code(),
            "forbidden"
        );
    });
}

/// A case of the Nanjing fund, filed when the clock says (`filed`, UTC
/// noon, the same day in Beijing time), with its accident day.
fn filed_case(
    app: &App,
    clock: &FixedClock,
    number: &str,
    person: gongshang_domain::ids::ResidentId,
    unit: gongshang_domain::ids::CreditCode,
    accident: jiff::civil::Date,
    filed: jiff::civil::Date,
) -> i64 {
    clock.set(ts(&format!("{filed}T04:00:00Z")));
    app.store()
        .create_case(
            &NewCase {
                number: Some(number.into()),
                flow: "determination".parse().unwrap(),
                person,
                unit: Some(unit),
                scheme_id: SCHEME,
                jurisdiction: "jiangsu".into(),
                region: Some("320100".into()),
                accident_key: number.to_lowercase(),
                accident_date: accident,
                platform: None,
            },
            &CaseAppend {
                expected_version: 0,
                events: vec![NewCaseEvent {
                    stream: "determination".parse().unwrap(),
                    format: 1,
                    kind: "filed".into(),
                    on: filed,
                    body: "{}".into(),
                }],
                snapshot: CaseSnapshot {
                    state: "decided".parse().unwrap(),
                    closed: false,
                    deadline: None,
                },
                recognises: None,
                conclusions: Vec::new(),
            },
            "tester",
            app.now(),
        )
        .unwrap()
        .id
}

/// The statement's IBNR line, worked by hand. Three cases of
/// jiangsu.employees: I-1 accident 2025-01-10 filed 2025-01-20 (2025Q1,
/// development quarter 0), I-2 accident 2025-02-10 filed 2025-04-20
/// (2025Q1, quarter 1), I-3 accident 2025-04-10 filed 2025-04-20 (2025Q2,
/// quarter 0). The statement of 2025-06 is valued on 2025-06-30 (the day
/// after the period, 2025-07-01, lies in 2025Q3; rows 2022Q3-2025Q2).
/// Row 2025Q1 has 1 then 2 cumulative; row 2025Q2 has 1. The factor from
/// quarter 0 is (2) / (1) = 2 (only 2025Q1 has both columns); every later
/// factor is 1 (nothing before). 2025Q2's ultimate is 1 × 2 = 2: IBNR 1
/// claim (1,000 thousandths); 2025Q1's is 2 × 1: none. Reported 3.
/// The fund paid I-1's allowance of 100.00 for 2025-05 and 2025-06:
/// 200.00 in the window 2022-07..2025-06. The average cost per claim is
/// 200.00 / 3 = 66.666… → 66.67; the value 20,000 fen × 1,000 / 3,000 =
/// 6,666.67 → 6,667 fen = 66.67 yuan. It is no posting: the closing
/// balance (−200.00, nothing collected) does not include it. Narrowed to a
/// region, no IBNR line is given and the note says why.
#[test]
fn the_statement_values_the_ibnr_at_the_average_paid_per_reported_claim() {
    each_backend(|app, clock| {
        clock.set(ts("2025-01-02T08:00:00Z"));
        let u = unit(app, 1412, "320100");
        let a = person(app, "320102", date(1985, 1, 1), 151);
        let i1 = filed_case(
            app,
            clock,
            "I-1",
            a,
            u,
            date(2025, 1, 10),
            date(2025, 1, 20),
        );
        filed_case(
            app,
            clock,
            "I-2",
            a,
            u,
            date(2025, 2, 10),
            date(2025, 4, 20),
        );
        filed_case(
            app,
            clock,
            "I-3",
            a,
            u,
            date(2025, 4, 10),
            date(2025, 4, 20),
        );
        app.store()
            .create_periodic_benefits(
                &[NewPeriodicBenefit {
                    case_id: i1,
                    award_id: None,
                    beneficiary: "worker".into(),
                    item: named("monthly_disability_allowance"),
                    payer: named("fund"),
                    start_month: m("2025-05"),
                    end_month: None,
                    end_reason: None,
                    end_condition: None,
                    monthly: yuan("100.00"),
                }],
                "tester",
                app.now(),
            )
            .unwrap();
        clock.set(ts("2025-05-02T08:00:00Z"));
        app.run_payroll(&ACTOR, m("2025-05")).unwrap();
        clock.set(ts("2025-06-02T08:00:00Z"));
        app.run_payroll(&ACTOR, m("2025-06")).unwrap();

        let s = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::parse("2025-06").unwrap(),
                None,
                None,
            )
            .unwrap();
        assert_eq!(s.ibnr.len(), 1, "{:?}", s.ibnr);
        let l = &s.ibnr[0];
        assert_eq!(l.scheme_id, SCHEME);
        assert_eq!(l.valued_at, "2025-06-30");
        assert_eq!(
            (l.window_first.as_str(), l.window_last.as_str()),
            ("2022-07", "2025-06")
        );
        assert_eq!(
            (l.reported, l.ibnr_milli, l.claims.as_str()),
            (3, 1000, "1.0")
        );
        assert_eq!(l.paid_in_window, yuan("200.00"));
        assert_eq!(l.average_cost, Some(yuan("66.67")));
        assert_eq!(l.estimate, Some(yuan("66.67")));
        assert_eq!(s.ibnr_total, yuan("66.67"));
        assert!(
            s.ibnr_note.contains("not a ledger posting"),
            "{}",
            s.ibnr_note
        );
        // Not a posting: the accounts are the payroll's alone.
        assert_eq!(s.total.expenditure_total, yuan("100.00"));
        assert_eq!(s.total.closing_balance, yuan("-200.00"));

        let csv = gongshang_app::export::csv(&statement_table(&s));
        assert!(csv.contains("IBNR估计金额（估计值，非记账）"), "{csv}");
        assert!(
            csv.contains(",IBNR估计（估计值，非账务记录）,jiangsu.employees,2025-06,"),
            "{csv}"
        );
        assert!(csv.contains(",1.0,66.67"), "{csv}");

        let narrowed = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::parse("2025-06").unwrap(),
                Some("320100"),
                None,
            )
            .unwrap();
        assert!(narrowed.ibnr.is_empty());
        assert!(
            narrowed.ibnr_note.contains("Not shown for one region"),
            "{}",
            narrowed.ibnr_note
        );
    });
}
