//! Issue 13: what people outside the agency are refused before anything is
//! stored (days already bought, the same accident claimed twice, impossible
//! hospital days, a child enrolled, a name of 500 characters), and what they
//! see of their own (the price before paying, the platform's bills on its
//! unit, a unit's own arrears).

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::cases::ClaimRequest;
use gongshang_app::{AppError, EnrollRequest, OrderInput};
use gongshang_domain::ids::{OrderId, PlatformId, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::scheme::{Category, OrderIndustry};
use jiff::civil::date;

use super::{ACTOR, each_backend, person, request, resident, ts, unit, yuan};

const YILUBAO: gongshang_rules::SchemeId = gongshang_rules::SchemeId::known("xiamen.yilubao");

fn worker(person: ResidentId) -> Actor {
    Actor {
        login: "w".into(),
        role: Role::Worker,
        scope: Scope::Person(person),
    }
}

#[test]
fn yilubao_days_are_priced_before_paying_and_days_already_bought_are_refused() {
    each_backend(|app, clock| {
        let rider = person(app, "350203", date(1990, 1, 1), 71);
        app.enroll(
            &ACTOR,
            &request(
                rider,
                None,
                YILUBAO.as_str(),
                Category::FlexibleWorker,
                date(2025, 3, 1),
            ),
        )
        .unwrap();
        clock.set(ts("2025-03-09T02:00:00Z"));
        let me = worker(rider);
        let quote = app
            .quote_days(&me, &rider, &YILUBAO, date(2025, 3, 10), 7)
            .unwrap();
        assert_eq!(quote.last_day, date(2025, 3, 16));
        assert_eq!(quote.own.checked_add(quote.fiscal).unwrap(), quote.gross);
        assert!(quote.fiscal.fen() > 0, "the city pays a share: {quote:?}");
        let bill = app
            .buy_and_pay_days(&me, &rider, &YILUBAO, date(2025, 3, 10), 7)
            .unwrap();
        assert_eq!(
            (bill.amount, bill.fiscal_share),
            (quote.gross, quote.fiscal),
            "the price shown is the price paid"
        );
        for (first, days) in [
            (date(2025, 3, 16), 3),
            (date(2025, 3, 8 + 2), 1),
            (date(2025, 3, 12), 30),
        ] {
            for refused in [
                app.quote_days(&me, &rider, &YILUBAO, first, days).map(drop),
                app.buy_and_pay_days(&me, &rider, &YILUBAO, first, days)
                    .map(drop),
            ] {
                assert!(
                    matches!(
                        refused,
                        Err(AppError::Conflict {
                            entity: "cover",
                            ..
                        })
                    ),
                    "{first} + {days}: {refused:?}"
                );
            }
        }
        // The day after the last one bought is free.
        app.quote_days(&me, &rider, &YILUBAO, date(2025, 3, 17), 3)
            .unwrap();
    });
}

fn claim(rider: ResidentId, accident: jiff::civil::Date, facts: &str) -> ClaimRequest {
    ClaimRequest {
        number: None,
        person: rider,
        scheme_id: YILUBAO,
        region: Some("350203".into()),
        accident_date: accident,
        injured_at: None,
        filed_on: None,
        accident_key: None,
        claimed: None,
        facts: Some(serde_json::from_str(facts).unwrap()),
    }
}

#[test]
fn insurance_law_art26_one_claim_per_accident_at_a_time_and_no_impossible_hospital_days() {
    each_backend(|app, clock| {
        let rider = person(app, "350203", date(1990, 1, 1), 72);
        app.enroll(
            &ACTOR,
            &request(
                rider,
                None,
                YILUBAO.as_str(),
                Category::FlexibleWorker,
                date(2025, 3, 1),
            ),
        )
        .unwrap();
        clock.set(ts("2025-03-09T02:00:00Z"));
        let me = worker(rider);
        app.buy_and_pay_days(&me, &rider, &YILUBAO, date(2025, 3, 10), 7)
            .unwrap();
        clock.set(ts("2025-03-20T02:00:00Z"));
        let absurd = app
            .file_claim(
                &me,
                &claim(rider, date(2025, 3, 12), r#"{"hospital_days":999}"#),
            )
            .unwrap_err();
        assert_eq!(absurd.field(), Some("hospital_days"), "{absurd}");
        let first = app
            .file_claim(
                &me,
                &claim(rider, date(2025, 3, 12), r#"{"hospital_days":3}"#),
            )
            .unwrap();
        assert_eq!(first.state.as_str(), "under_review");
        let again = app
            .file_claim(
                &me,
                &claim(rider, date(2025, 3, 12), r#"{"hospital_days":5}"#),
            )
            .unwrap_err();
        assert!(
            matches!(
                again,
                AppError::Conflict {
                    entity: "claim",
                    ..
                }
            ),
            "{again}"
        );
        assert_eq!(
            app.store().cases_of_person(&rider).unwrap().len(),
            1,
            "the refused duplicate stored nothing"
        );
        // Another accident of the same person is another claim.
        app.file_claim(
            &me,
            &claim(rider, date(2025, 3, 13), r#"{"hospital_days":1}"#),
        )
        .unwrap();
    });
}

#[test]
fn labour_law_art15_a_child_is_not_enrolled_and_a_refused_enrolment_saves_nobody() {
    each_backend(|app, _clock| {
        let u = unit(app, 31, "440106");
        let child = resident("440106", date(2014, 5, 1), 11);
        for (scheme, category) in [
            ("guangdong.employees", Category::Employee),
            ("national.employees", Category::Employee),
            // Categories without a lowest age of their own: the national floor.
            ("guangdong.specific_persons", Category::Intern),
            ("guangdong.specific_persons", Category::Volunteer),
        ] {
            let refused = app
                .register_and_enroll(
                    &ACTOR,
                    "小孩",
                    &EnrollRequest {
                        labour_relation: true,
                        ..request(child, Some(u), scheme, category, date(2025, 6, 1))
                    },
                )
                .unwrap_err();
            assert!(
                matches!(&refused, AppError::NotEligible { rule, .. } if rule == "min_age"),
                "{scheme}: {refused}"
            );
            assert!(
                app.store().person_by_resident_id(&child).unwrap().is_none(),
                "{scheme}: the 11-year-old was saved"
            );
        }
        let adult = resident("440106", date(1990, 5, 1), 12);
        let long_name = "张".repeat(500);
        let refused = app
            .register_and_enroll(
                &ACTOR,
                &long_name,
                &EnrollRequest {
                    labour_relation: true,
                    ..request(
                        adult,
                        Some(u),
                        "guangdong.employees",
                        Category::Employee,
                        date(2025, 6, 1),
                    )
                },
            )
            .unwrap_err();
        assert_eq!(refused.field(), Some("name"), "{refused}");
        assert!(app.store().person_by_resident_id(&adult).unwrap().is_none());
        assert!(
            app.register_person(&ACTOR, adult.as_str(), &long_name)
                .is_err()
        );
        app.register_and_enroll(
            &ACTOR,
            "阿依古丽·买买提",
            &EnrollRequest {
                labour_relation: true,
                ..request(
                    adult,
                    Some(u),
                    "guangdong.employees",
                    Category::Employee,
                    date(2025, 6, 1),
                )
            },
        )
        .unwrap();
    });
}

#[test]
fn a_platforms_order_bills_are_charged_to_its_unit() {
    each_backend(|app, _clock| {
        let meituan_unit = unit(app, 41, "110105");
        let platform = PlatformId::parse("meituan").unwrap();
        app.link_platform_unit(&ACTOR, &platform, &meituan_unit)
            .unwrap();
        let rider = person(app, "440106", date(1995, 1, 1), 73);
        let mut pricer = app.order_pricer().unwrap();
        let record = pricer
            .price(OrderInput {
                platform: platform.clone(),
                order_id: OrderId::parse("mt-1").unwrap(),
                resident_id: rider,
                ordered_at: ts("2025-07-02T01:00:00Z"),
                industry: OrderIndustry::InstantDelivery,
                province: "44".into(),
            })
            .unwrap();
        drop(pricer);
        let import = app.begin_orders_import(&ACTOR, "t.csv").unwrap();
        app.import_orders_batch(&ACTOR, import, &[record]).unwrap();
        app.finish_orders_import(&ACTOR, import, 1, 0).unwrap();
        let july = Month::parse("2025-07").unwrap();
        let bill = app.bill_orders(&ACTOR, &platform, july).unwrap().unwrap();
        let status = app.bill_status(&ACTOR, bill.bill_id).unwrap();
        assert_eq!(status.unit, Some(meituan_unit));
        // The platform's own login sees the bill, its days and its month.
        let platform_user = Actor {
            login: "p".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: meituan_unit,
                platform: Some(platform.clone()),
            },
        };
        let overview = app.unit_overview(&platform_user, &meituan_unit).unwrap();
        assert_eq!(overview.bills.len(), 1);
        assert_eq!(overview.outstanding, bill.amount);
        let days = app.platform_days(&platform_user, &platform, july).unwrap();
        assert_eq!((days.len(), days[0].orders, days[0].workers), (1, 1, 1));
        // The unit pays it online; nothing is left.
        app.pay_own_bill(&platform_user, bill.bill_id, bill.amount)
            .unwrap();
        assert_eq!(
            app.bill_status(&platform_user, bill.bill_id)
                .unwrap()
                .outstanding,
            yuan("0")
        );
        // Another platform's month is not found for it.
        let eleme = PlatformId::parse("eleme").unwrap();
        assert!(app.platform_days(&platform_user, &eleme, july).is_err());
    });
}

#[test]
fn a_unit_declares_its_month_and_pays_it_online_in_parts_but_not_another_units() {
    each_backend(|app, clock| {
        let u = unit(app, 51, "440106");
        let other = unit(app, 52, "440106");
        let worker = person(app, "440106", date(1990, 1, 1), 74);
        app.enroll(
            &ACTOR,
            &EnrollRequest {
                labour_relation: true,
                ..request(
                    worker,
                    Some(u),
                    "guangdong.employees",
                    Category::Employee,
                    date(2025, 1, 1),
                )
            },
        )
        .unwrap();
        let employer = Actor {
            login: "u".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: u,
                platform: None,
            },
        };
        let june = Month::parse("2025-06").unwrap();
        let drafts = app.declaration_drafts(&employer, &u, june).unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].lines.len(), 1);
        assert!(drafts[0].declared.is_none());
        assert!(app.declaration_drafts(&employer, &other, june).is_err());
        let bill = app
            .declare_month(
                &employer,
                &u,
                &"guangdong.employees".parse().unwrap(),
                june,
                &[(worker, yuan("8000.00"))],
            )
            .unwrap();
        assert!(
            app.declaration_drafts(&employer, &u, june).unwrap()[0]
                .declared
                .is_some()
        );
        clock.set(ts("2025-07-20T02:00:00Z"));
        let overview = app.unit_overview(&employer, &u).unwrap();
        assert_eq!(overview.arrears, bill.amount, "past its due date");
        let part = yuan("0.01");
        app.pay_own_bill(&employer, bill.bill_id, part).unwrap();
        let too_much = app
            .pay_own_bill(&employer, bill.bill_id, bill.amount)
            .unwrap_err();
        assert_eq!(too_much.field(), Some("amount"));
        app.pay_own_bill(
            &employer,
            bill.bill_id,
            bill.amount.checked_sub(part).unwrap(),
        )
        .unwrap();
        assert_eq!(
            app.unit_overview(&employer, &u).unwrap().outstanding,
            yuan("0")
        );
        // Another unit cannot pay (nor see) this bill.
        let stranger = Actor {
            login: "o".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: other,
                platform: None,
            },
        };
        assert!(app.pay_own_bill(&stranger, bill.bill_id, part).is_err());
        assert!(app.unit_overview(&stranger, &u).is_err());
    });
}
