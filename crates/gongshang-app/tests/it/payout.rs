//! The platform pilot's payout ratio (支缴率) from the ledger and the yearly
//! rate float it drives (issue 12; 人社部发〔2025〕24号 Art 9, 人社厅函〔2025〕79号),
//! on every backend.

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::{App, AppError, FixedClock, OrderInput, PaymentRequest};
use gongshang_domain::ids::{OrderId, PlatformId, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::scheme::OrderIndustry;
use gongshang_store::cases::{CaseAppend, CaseSnapshot, NewCase, NewCaseEvent, NewPeriodicBenefit};
use jiff::civil::{Date, date};

use super::{ACTOR, each_backend, named, person, ts, unit, yuan};

const SCHEME: gongshang_rules::SchemeId =
    gongshang_rules::SchemeId::known("national.platform_occupational_injury");

fn m(text: &str) -> Month {
    Month::parse(text).unwrap()
}

/// `count` instant-delivery orders of `who` on `day` in `province`, imported.
fn orders(
    app: &App,
    platform: &PlatformId,
    who: ResidentId,
    day: Date,
    province: &str,
    count: u32,
) {
    let mut pricer = app.order_pricer().unwrap();
    let records: Vec<_> = (0..count)
        .map(|n| {
            pricer
                .price(OrderInput {
                    platform: platform.clone(),
                    order_id: OrderId::parse(&format!("{day}-{province}-{n}")).unwrap(),
                    resident_id: who,
                    ordered_at: ts(&format!("{day}T02:00:00Z")),
                    industry: OrderIndustry::InstantDelivery,
                    province: province.into(),
                })
                .unwrap()
        })
        .collect();
    drop(pricer);
    let import = app.begin_orders_import(&ACTOR, "orders.csv").unwrap();
    app.import_orders_batch(&ACTOR, import, &records).unwrap();
    app.finish_orders_import(&ACTOR, import, u64::from(count), 0)
        .unwrap();
}

fn pay(app: &App, clock: &FixedClock, bill_id: i64, amount: &str, on: Date, key: &str) {
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

/// A confirmed case on `platform`'s order with a monthly benefit paid by the
/// payroll from `start`.
fn case_with_benefit(
    app: &App,
    platform: &PlatformId,
    who: ResidentId,
    start: &str,
    monthly: &str,
) {
    let at = app.now();
    let case = app
        .store()
        .create_case(
            &NewCase {
                number: Some(format!("P-{}", platform.as_str())),
                flow: "confirmation".parse().unwrap(),
                person: who,
                unit: None,
                scheme_id: SCHEME,
                jurisdiction: "national".into(),
                region: Some("370100".into()),
                accident_key: format!("p-{}", platform.as_str()),
                accident_date: date(2026, 3, 1),
                platform: Some(platform.clone()),
            },
            &CaseAppend {
                expected_version: 0,
                events: vec![NewCaseEvent {
                    stream: "confirmation".parse().unwrap(),
                    format: 1,
                    kind: "filed".into(),
                    on: date(2026, 3, 1),
                    body: "{}".into(),
                }],
                snapshot: CaseSnapshot {
                    state: "confirmed".parse().unwrap(),
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
                start_month: m(start),
                end_month: None,
                end_reason: None,
                end_condition: None,
                monthly: yuan(monthly),
            }],
            "tester",
            at,
        )
        .unwrap();
}

/// 人社部发〔2025〕24号 Art 9 with 人社厅函〔2025〕79号 and Shandong's
/// (illustrative) table from 2027-01-01 (bounds 20/60/80/120%, factors
/// 50/80/100/120/150%). 饿了么 (id `eleme`, 淘宝闪购 from 2026-07-01) takes
/// 100 orders a month in Shandong (37) through 2026 at 0.07 = 7.00 a month,
/// billed and paid each month: 12 × 7.00 = 84.00 collected in 2026, over 12
/// months. A rider's case confirmed on its order draws 42.00 a month from
/// December 2026: 42.00 paid in 2026. The 2026 payout ratio is 42.00 / 84.00
/// = 50%: band 2 (20%–60%), factor 80%.
///
/// - 2026-12 (no table in force yet): billed at the base, 7.00; the trace says
///   no province has a table.
/// - 2027-01: 1,000 orders in Shandong at 0.07 = 70.00 × 80% = 56.00; 100 in
///   Guangdong (44, no table) = 7.00 at the base: the bill is 63.00.
/// - 美团 (`meituan`), which only started in 2026-03 (10 months), is billed
///   its 2027-01 at the base: 100 Shandong orders = 7.00.
///
/// The ratios by month keep 饿了么's history under its id across the rename
/// (2026-06 shows 饿了么, 2026-07 淘宝闪购, the year 2026 both halves).
#[test]
fn mohrss_2025_24_art_9_a_platform_month_is_floated_by_its_prior_year_payout_ratio() {
    each_backend(|app, clock| {
        let eleme = PlatformId::parse("eleme").unwrap();
        let meituan = PlatformId::parse("meituan").unwrap();
        let rider = person(app, "370102", date(1995, 1, 1), 71);
        let other = person(app, "370102", date(1996, 1, 1), 72);
        for n in 1..=12 {
            let month = m(&format!("2026-{n:02}"));
            clock.set(ts(&format!("{}T08:00:00Z", month.first_day())));
            orders(app, &eleme, rider, month.first_day(), "37", 100);
            if n >= 3 {
                orders(app, &meituan, other, month.first_day(), "37", 100);
                let b = app.bill_orders(&ACTOR, &meituan, month).unwrap().unwrap();
                pay(
                    app,
                    clock,
                    b.bill_id,
                    "7.00",
                    month.last_day(),
                    &format!("mt-{month}"),
                );
            }
            if n == 12 {
                case_with_benefit(app, &eleme, rider, "2026-12", "42.00");
                app.run_payroll(&ACTOR, month).unwrap();
            }
            let bill = app.bill_orders(&ACTOR, &eleme, month).unwrap().unwrap();
            assert_eq!(
                bill.amount,
                yuan("7.00"),
                "{month}: 100 × 0.07, not floated"
            );
            assert_eq!(bill.trace.len(), 1);
            assert!(
                bill.trace[0]
                    .explain_en
                    .contains("no province has a float table"),
                "{}",
                bill.trace[0].explain_en
            );
            pay(
                app,
                clock,
                bill.bill_id,
                "7.00",
                month.last_day(),
                &format!("el-{month}"),
            );
        }

        let jan = m("2027-01");
        clock.set(ts("2027-02-01T08:00:00Z"));
        orders(app, &eleme, rider, date(2027, 1, 5), "37", 1000);
        orders(app, &eleme, rider, date(2027, 1, 6), "44", 100);
        orders(app, &meituan, other, date(2027, 1, 5), "37", 100);
        let bill = app.bill_orders(&ACTOR, &eleme, jan).unwrap().unwrap();
        assert_eq!(bill.amount, yuan("63.00"), "70.00 × 80% + 7.00");
        assert_eq!(bill.trace.len(), 2, "one step per province");
        let sd = &bill.trace[0];
        assert_eq!(sd.amount, yuan("56.00"));
        assert!(
            sd.explain_en.contains("payout ratio 50%"),
            "{}",
            sd.explain_en
        );
        assert!(
            sd.explain_en.contains("band 2 (20% – 60%)"),
            "{}",
            sd.explain_en
        );
        assert!(sd.formula.contains("× 80%"), "{}", sd.formula);
        assert!(sd.article.zh.contains("人社厅函〔2025〕79号"));
        assert_eq!(sd.params[0].id.key, "platform.float.payout_ratio_bounds");
        assert_eq!(sd.params[1].id.key, "platform.float.factors");
        let gd = &bill.trace[1];
        assert_eq!(gd.amount, yuan("7.00"));
        assert!(
            gd.explain_en.contains("no float table of 440000"),
            "{}",
            gd.explain_en
        );
        assert_eq!(
            app.bill_orders(&ACTOR, &eleme, jan).unwrap(),
            None,
            "nothing more"
        );

        let young = app.bill_orders(&ACTOR, &meituan, jan).unwrap().unwrap();
        assert_eq!(young.amount, yuan("7.00"));
        assert!(
            young.trace[0].explain_en.contains("(10)"),
            "{}",
            young.trace[0].explain_en
        );

        // The view: by month and by year, keyed by the platform's id.
        let r = app
            .payout_ratios(&ACTOR, m("2026-06"), m("2026-12"), Some(&eleme))
            .unwrap();
        assert_eq!(r.months.len(), 7);
        assert_eq!(r.months[0].platform_name, "饿了么");
        assert_eq!(r.months[1].platform_name, "淘宝闪购");
        assert!(r.months.iter().all(|x| x.platform == "eleme"));
        let dec = r.months.last().unwrap();
        assert_eq!(
            (dec.billed, dec.collected, dec.benefits, dec.ratio_text()),
            (
                yuan("7.00"),
                yuan("7.00"),
                yuan("42.00"),
                "600.00%".to_owned()
            )
        );
        let year = app
            .payout_ratios(&ACTOR, m("2026-01"), m("2026-12"), Some(&eleme))
            .unwrap()
            .years;
        assert_eq!(year.len(), 1);
        assert_eq!(
            (year[0].collected, year[0].benefits, year[0].ratio_text()),
            (yuan("84.00"), yuan("42.00"), "50.00%".to_owned())
        );

        // A platform reads its own ratios only.
        let platform_user = Actor {
            login: "eleme-user".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: unit(app, 7101, "370100"),
                platform: Some(eleme.clone()),
            },
        };
        let own = app
            .payout_ratios(&platform_user, m("2026-01"), m("2027-01"), None)
            .unwrap();
        assert!(own.months.iter().all(|x| x.platform == "eleme"));
        assert!(!own.months.is_empty());
        let theirs = app.payout_ratios(&platform_user, m("2026-01"), m("2027-01"), Some(&meituan));
        assert!(
            matches!(
                theirs,
                Err(AppError::Forbidden { .. }) | Err(AppError::NotFound { .. })
            ),
            "{theirs:?}"
        );

        // The monitoring rule flags 饿了么's December (600% > 120%).
        let report = app.run_monitor(&ACTOR).unwrap();
        assert!(report.run.flags_found >= 1);
        let alerts = app
            .alerts(&ACTOR, None, Some("payout_ratio"), Some(10))
            .unwrap();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].subject.key, "eleme");
    });
}
