//! The platform pilot's 职业伤害确认 and 益鹭保's insurer claims through the
//! case services, on each backend: covered or not at the moment of injury,
//! the time limits of the scheme files met or missed, the payout capped.
//! The limits are assumed values (policy-reference §7-8, INF): platform 30
//! days, worker 90, decision 30 working days; claim 730 days (Insurance Law
//! Art 26), review 30, payout 10 (Art 23).

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;

use gongshang_app::cases::{CaseCommand, ClaimRequest, ConfirmationRequest};
use gongshang_app::{App, FixedClock, OrderInput, PaymentRequest};
use gongshang_domain::confirmation::{self, ConfirmationApplicant};
use gongshang_domain::determination::Ground;
use gongshang_domain::ids::{OrderId, PlatformId, ResidentId};
use gongshang_domain::insurer_claim;
use gongshang_rules::Money;
use gongshang_rules::scheme::{Category, OrderIndustry, PremiumPayer};
use gongshang_store::{PostgresStore, SqliteStore, Store};
use jiff::civil::{Date, date};

use super::{ACTOR, Location, TestApp, named, person, request, ts, unique, yuan};

const PILOT: gongshang_rules::SchemeId =
    gongshang_rules::SchemeId::known("national.platform_occupational_injury");
const YILUBAO: gongshang_rules::SchemeId = gongshang_rules::SchemeId::known("xiamen.yilubao");

/// A fresh app on each backend with the clock at 2026-06-30 (China).
fn each_backend(test: impl Fn(&App, &FixedClock)) {
    let mut locations = vec![Location::Sqlite(
        std::env::temp_dir().join(format!("gongshang_claims_{}.db", unique())),
    )];
    if let Some(url) = std::env::var("GONGSHANG_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        locations.push(Location::Postgres {
            url,
            schema: format!("gs_claims_{}", unique()),
        });
    }
    for location in locations {
        let (name, store): (&'static str, Box<dyn Store>) = match &location {
            Location::Sqlite(path) => (
                "sqlite",
                Box::new(SqliteStore::open(path.to_str().unwrap()).unwrap()),
            ),
            Location::Postgres { url, schema } => (
                "postgres",
                Box::new(PostgresStore::open_in_schema(url, schema).unwrap()),
            ),
        };
        let clock = Arc::new(FixedClock::new(ts("2026-06-30T02:00:00Z")));
        let app = App::new(store, clock.clone()).unwrap();
        let t = TestApp {
            name,
            location,
            app,
        };
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| {
            test(&t.app, &clock);
            assert_eq!(t.app.store().trial_balance().unwrap(), 0, "trial balance");
        })) {
            eprintln!("test failed on the {} backend", t.name);
            resume_unwind(panic);
        }
    }
}

/// A rider with one order on meituan on 2025-07-10 (09:00 in China).
fn rider_with_an_order(app: &App) -> (ResidentId, PlatformId) {
    let rider = person(app, "440106", date(1995, 1, 1), 71);
    let platform = PlatformId::parse("meituan").unwrap();
    let mut pricer = app.order_pricer().unwrap();
    let record = pricer
        .price(OrderInput {
            platform: platform.clone(),
            order_id: OrderId::parse("mt-1").unwrap(),
            resident_id: rider,
            ordered_at: ts("2025-07-10T01:00:00Z"),
            industry: OrderIndustry::InstantDelivery,
            province: "44".into(),
        })
        .unwrap();
    drop(pricer);
    let import = app.begin_orders_import(&ACTOR, "orders.csv").unwrap();
    app.import_orders_batch(&ACTOR, import, &[record]).unwrap();
    app.finish_orders_import(&ACTOR, import, 1, 0).unwrap();
    (rider, platform)
}

fn confirmation_request(
    rider: ResidentId,
    platform: &PlatformId,
    applicant: ConfirmationApplicant,
    accident: Date,
    filed: Date,
    key: &str,
) -> ConfirmationRequest {
    ConfirmationRequest {
        number: None,
        person: rider,
        scheme_id: PILOT,
        platform: platform.clone(),
        region: Some("440106".into()),
        applicant,
        accident_date: accident,
        injured_at: None,
        filed_on: Some(filed),
        accident_key: Some(key.into()),
    }
}

/// (name, applicant, accident, filed, state, inadmissible reason, days the platform is late)
type ConfirmationRow = (
    &'static str,
    ConfirmationApplicant,
    (i16, i8, i8),
    (i16, i8, i8),
    &'static str,
    Option<confirmation::Inadmissible>,
    Option<i64>,
);

fn confirmation_rows() -> Vec<ConfirmationRow> {
    use ConfirmationApplicant::*;
    vec![
        (
            "pilot_covered_by_an_order_day_worker_within_90_days",
            Worker,
            (2025, 7, 10),
            (2025, 8, 1),
            "under_review",
            None,
            None,
        ),
        (
            "pilot_not_covered_on_a_day_without_orders",
            Worker,
            (2025, 7, 11),
            (2025, 7, 20),
            "rejected",
            Some(confirmation::Inadmissible::NotCoveredAtInjury),
            None,
        ),
        (
            // 07-10 + 90 = 10-08, in the National Day holiday: the 9th is the last day.
            "pilot_worker_on_the_last_working_day_after_90_days",
            CloseRelative,
            (2025, 7, 10),
            (2025, 10, 9),
            "under_review",
            None,
            None,
        ),
        (
            "pilot_worker_after_90_days_past_the_time_limit",
            Worker,
            (2025, 7, 10),
            (2025, 10, 10),
            "rejected",
            Some(confirmation::Inadmissible::PastTimeLimit {
                last_day: date(2025, 10, 9),
            }),
            None,
        ),
        (
            // 07-10 + 30 = 08-09, a Saturday: the 11th is the last day; the
            // platform's late application is recorded, not refused.
            "pilot_platform_after_30_days_is_recorded_late",
            Platform,
            (2025, 7, 10),
            (2025, 8, 20),
            "under_review",
            None,
            Some(9),
        ),
    ]
}

fn rejection_of(view: &gongshang_app::cases::CaseView) -> Option<confirmation::Inadmissible> {
    view.confirmation.as_ref().and_then(|c| c.rejection.clone())
}

#[test]
fn platform_pilot_confirmation_cover_at_injury_and_time_limits() {
    each_backend(|app, _clock| {
        let (rider, platform) = rider_with_an_order(app);
        for (n, (name, applicant, (y, m, d), (fy, fm, fd), state, reason, late)) in
            confirmation_rows().into_iter().enumerate()
        {
            let req = confirmation_request(
                rider,
                &platform,
                applicant,
                date(y, m, d),
                date(fy, fm, fd),
                &format!("acc-{n}"),
            );
            let case = app.file_confirmation(&ACTOR, &req).unwrap();
            assert_eq!(case.flow.as_str(), "confirmation", "{name}");
            assert_eq!(case.state.as_str(), state, "{name}");
            let view = app.case_view(&ACTOR, &case.number).unwrap();
            assert_eq!(rejection_of(&view), reason, "{name}");
            let c = view.confirmation.as_ref().unwrap();
            assert_eq!(c.late_platform_days, late, "{name}");
            let limits = c.limits.as_ref().unwrap();
            assert!(
                limits.source.contains("assumed"),
                "{name}: {}",
                limits.source
            );
            if state == "under_review" {
                // The decision is due 30 working days after the filing.
                assert_eq!(view.deadlines.len(), 1, "{name}");
                assert!(view.deadlines[0].due > date(fy, fm, fd), "{name}");
            }
        }
    });
}

#[test]
fn platform_pilot_confirms_an_accident_once_and_the_moment_is_checked() {
    each_backend(|app, _clock| {
        let (rider, platform) = rider_with_an_order(app);
        let mut req = confirmation_request(
            rider,
            &platform,
            ConfirmationApplicant::Platform,
            date(2025, 7, 10),
            date(2025, 7, 15),
            "rider@2025-07-10",
        );
        // 2025-07-10T17:00Z is 07-11 in China: not the accident's day.
        req.injured_at = Some(ts("2025-07-10T17:00:00Z"));
        let err = app.file_confirmation(&ACTOR, &req).unwrap_err();
        assert_eq!(err.field(), Some("injured_at"));
        // At 10:00 in China on the day of the order: covered.
        req.injured_at = Some(ts("2025-07-10T02:00:00Z"));
        // Another platform's orders do not cover it.
        let mut other = req.clone();
        other.platform = PlatformId::parse("eleme").unwrap();
        other.accident_key = Some("other".into());
        let refused = app.file_confirmation(&ACTOR, &other).unwrap();
        assert_eq!(refused.state.as_str(), "rejected");

        let case = app.file_confirmation(&ACTOR, &req).unwrap();
        assert_eq!(case.state.as_str(), "under_review");
        // A determination command does not apply to a confirmation.
        let wrong = app
            .act(
                &ACTOR,
                &case.number,
                CaseCommand::Determination(gongshang_domain::determination::Command::Accept),
                Some(date(2025, 7, 20)),
            )
            .unwrap_err();
        assert_eq!(wrong.field(), Some("command"));
        let cmd = app
            .flow_command(
                &ACTOR,
                &case.number,
                r#"{"command":"confirm","ground":"art14_1_work_accident"}"#,
            )
            .unwrap();
        let row = app
            .act(&ACTOR, &case.number, cmd, Some(date(2025, 7, 25)))
            .unwrap();
        assert_eq!(row.state.as_str(), "confirmed");
        assert!(!row.closed, "a confirmed case stays open for its appraisal");
        assert_eq!(
            app.store()
                .accident_recognised_in("rider@2025-07-10")
                .unwrap(),
            Some(case.number.clone())
        );
        let view = app.case_view(&ACTOR, &case.number).unwrap();
        assert_eq!(
            view.confirmation.unwrap().confirmed_ground,
            Some(Ground::Art14WorkAccident)
        );
        // The same accident again: inadmissible.
        let mut again = req.clone();
        again.applicant = ConfirmationApplicant::Worker;
        let second = app.file_confirmation(&ACTOR, &again).unwrap();
        assert_eq!(second.state.as_str(), "rejected");
        assert_eq!(
            rejection_of(&app.case_view(&ACTOR, &second.number).unwrap()),
            Some(confirmation::Inadmissible::AccidentAlreadyConfirmed)
        );
        // The appraisal follows the confirmation.
        let applied = app
            .act(
                &ACTOR,
                &case.number,
                CaseCommand::Appraisal(gongshang_domain::appraisal::Command::Apply),
                Some(date(2025, 8, 1)),
            )
            .unwrap();
        assert_eq!(applied.state.as_str(), "appraisal_pending");
    });
}

/// A flexible worker in Xiamen who bought 2024-03-10 to 03-14 and
/// 2026-03-10 to 03-14 of 益鹭保.
fn rider_with_days_bought(app: &App, clock: &FixedClock) -> ResidentId {
    let rider = person(app, "350203", date(1990, 1, 1), 81);
    app.enroll(
        &ACTOR,
        &request(
            rider,
            None,
            YILUBAO.as_str(),
            Category::FlexibleWorker,
            date(2024, 3, 1),
        ),
    )
    .unwrap();
    for year in [2024, 2026] {
        // Bought and paid the day before the first day.
        clock.set(ts(&format!("{year}-03-09T02:00:00Z")));
        let days = app
            .buy_days(&ACTOR, &rider, &YILUBAO, date(year, 3, 10), 5)
            .unwrap();
        let buyer = days.amount.checked_sub(days.fiscal_share).unwrap();
        for (key, amount, payer) in [
            ("yl-1", buyer, None),
            ("yl-city", days.fiscal_share, Some(PremiumPayer::Fiscal)),
        ] {
            app.record_payment(
                &ACTOR,
                &PaymentRequest {
                    bill_id: days.bill_id,
                    amount,
                    paid_on: date(year, 3, 9),
                    idempotency_key: format!("{key}-{year}"),
                    payer,
                },
            )
            .unwrap();
        }
    }
    clock.set(ts("2026-06-30T02:00:00Z"));
    rider
}

fn claim(rider: ResidentId, accident: Date, filed: Date, facts: &str) -> ClaimRequest {
    ClaimRequest {
        number: None,
        person: rider,
        scheme_id: YILUBAO,
        region: Some("350203".into()),
        accident_date: accident,
        injured_at: None,
        filed_on: Some(filed),
        accident_key: None,
        claimed: None,
        facts: Some(serde_json::from_str(facts).unwrap()),
    }
}

/// (name, accident, filed, facts, state, inadmissible reason, payout by the schedule)
type ClaimRow = (
    &'static str,
    (i16, i8, i8),
    (i16, i8, i8),
    &'static str,
    &'static str,
    Option<insurer_claim::Inadmissible>,
    Option<&'static str>,
);

fn claim_rows() -> Vec<ClaimRow> {
    vec![
        (
            "yilubao_covered_on_a_day_bought_hospital_allowance_10_days",
            (2024, 3, 12),
            (2024, 3, 20),
            r#"{"hospital_days":10}"#,
            "under_review",
            None,
            Some("500.00"),
        ),
        (
            "yilubao_not_covered_on_a_day_not_bought",
            (2024, 3, 15),
            (2024, 3, 20),
            r#"{"hospital_days":10}"#,
            "rejected",
            Some(insurer_claim::Inadmissible::NotCoveredOnAccidentDay),
            None,
        ),
        (
            // 2024-03-14 + 730 days = 2026-03-14, a Saturday: the 16th is the last day.
            "insurance_law_art26_claim_on_the_last_working_day_of_two_years",
            (2024, 3, 14),
            (2026, 3, 16),
            r#"{"medical_expenses":"1100.00"}"#,
            "under_review",
            None,
            Some("900.00"),
        ),
        (
            // Two years from 2026-03-11 end in 2028, a year whose holidays are
            // not loaded: a claim filed well before needs no calendar.
            "insurance_law_art26_limit_beyond_the_loaded_holiday_years",
            (2026, 3, 11),
            (2026, 3, 20),
            r#"{"hospital_days":1}"#,
            "under_review",
            None,
            Some("50.00"),
        ),
        (
            "insurance_law_art26_claim_after_two_years",
            (2024, 3, 13),
            (2026, 3, 16),
            r#"{"hospital_days":3}"#,
            "rejected",
            Some(insurer_claim::Inadmissible::PastTimeLimit {
                last_day: date(2026, 3, 13),
            }),
            None,
        ),
    ]
}

#[test]
fn yilubao_claims_cover_on_the_day_and_the_claim_time_limit() {
    each_backend(|app, clock| {
        let rider = rider_with_days_bought(app, clock);
        for (name, (y, m, d), (fy, fm, fd), facts, state, reason, payout) in claim_rows() {
            let case = app
                .file_claim(
                    &ACTOR,
                    &claim(rider, date(y, m, d), date(fy, fm, fd), facts),
                )
                .unwrap();
            assert_eq!(
                (case.flow.as_str(), case.state.as_str()),
                ("insurer_claim", state),
                "{name}"
            );
            let view = app.case_view(&ACTOR, &case.number).unwrap();
            let rejected = view.claim.as_ref().and_then(|k| k.rejection.clone());
            assert_eq!(rejected, reason, "{name}");
            assert_eq!(view.claim_assessed, payout.map(yuan), "{name}");
            if let Some(p) = payout {
                // Recorded with its trace, the insurer as payer.
                let awards = app.awards_of_case(&ACTOR, &case.number).unwrap();
                assert_eq!(awards.len(), 1, "{name}");
                assert!(
                    awards[0].items.iter().all(|i| i.payer == named("insurer")),
                    "{name}"
                );
                assert_eq!(awards[0].one_time, yuan(p), "{name}");
                // The review is due 30 days after the claim.
                assert_eq!(view.deadlines.len(), 1, "{name}");
            }
        }
    });
}

#[test]
fn yilubao_payout_capped_at_the_highest_payout_for_one_accident() {
    each_backend(|app, clock| {
        let rider = rider_with_days_bought(app, clock);
        // Death 400,000 and medical 50,000: 450,000, capped at 400,000.
        let facts = r#"{"death_date":"2024-03-11","medical_expenses":"100000.00"}"#;
        let case = app
            .file_application(
                &ACTOR,
                &serde_json::json!({
                    "person": rider.as_str(),
                    "scheme_id": YILUBAO,
                    "accident_date": "2024-03-11",
                    "filed_on": "2024-03-18",
                    "facts": serde_json::from_str::<serde_json::Value>(facts).unwrap(),
                })
                .to_string(),
            )
            .unwrap();
        assert_eq!(case.state.as_str(), "under_review");
        let view = app.case_view(&ACTOR, &case.number).unwrap();
        assert_eq!(view.claim_assessed, Some(yuan("400000.00")));
        let k = view.claim.unwrap();
        assert_eq!(k.claim.as_ref().unwrap().cap, yuan("400000.00"));
        assert_eq!(k.approvable(), yuan("400000.00"));

        let act = |json: &str, on: Date| {
            let cmd = app.flow_command(&ACTOR, &case.number, json).unwrap();
            app.act(&ACTOR, &case.number, cmd, Some(on))
        };
        let over = act(
            r#"{"command":"approve","amount":"400000.01"}"#,
            date(2024, 3, 25),
        );
        assert_eq!(over.unwrap_err().field(), Some("amount"));
        let approved = act(
            r#"{"command":"approve","amount":"400000.00"}"#,
            date(2024, 3, 25),
        )
        .unwrap();
        assert_eq!(approved.state.as_str(), "approved");
        // The payout is due 10 days after the approval: 04-04, in the
        // Qingming holiday (04-04 to 04-06), so 04-07, a Sunday worked.
        let view = app.case_view(&ACTOR, &case.number).unwrap();
        assert_eq!(view.deadlines[0].due, date(2024, 4, 7));
        let too_much = act(
            r#"{"command":"pay","amount":"400000.01"}"#,
            date(2024, 4, 1),
        );
        assert_eq!(too_much.unwrap_err().field(), Some("amount"));
        let paid = act(
            r#"{"command":"pay","amount":"400000.00"}"#,
            date(2024, 4, 1),
        )
        .unwrap();
        assert_eq!((paid.state.as_str(), paid.closed), ("paid", true));

        // Another claim of the same accident: the cap is used up.
        let again = app
            .file_claim(
                &ACTOR,
                &claim(
                    rider,
                    date(2024, 3, 11),
                    date(2024, 4, 2),
                    r#"{"hospital_days":2}"#,
                ),
            )
            .unwrap();
        assert_eq!(again.state.as_str(), "rejected");
        let view = app.case_view(&ACTOR, &again.number).unwrap();
        assert!(
            matches!(
                view.claim.as_ref().and_then(|k| k.rejection.clone()),
                Some(insurer_claim::Inadmissible::CapExhausted { .. })
            ),
            "{:?}",
            view.claim
        );
    });
}

#[test]
fn yilubao_approval_stays_within_the_schedule_and_the_cap_left() {
    each_backend(|app, clock| {
        let rider = rider_with_days_bought(app, clock);
        let first = app
            .file_claim(
                &ACTOR,
                &claim(
                    rider,
                    date(2024, 3, 12),
                    date(2024, 3, 13),
                    r#"{"hospital_days":10}"#,
                ),
            )
            .unwrap();
        let cmd = |json: &str| app.flow_command(&ACTOR, &first.number, json).unwrap();
        let err = app
            .act(
                &ACTOR,
                &first.number,
                cmd(r#"{"command":"approve","amount":"500.01"}"#),
                Some(date(2024, 3, 20)),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("amount"));
        assert!(err.to_string().contains("at most 500.00"), "{err}");
        let declined = app
            .act(
                &ACTOR,
                &first.number,
                cmd(r#"{"command":"decline","explanation":"not an accident at work"}"#),
                Some(date(2024, 3, 20)),
            )
            .unwrap();
        assert_eq!(
            (declined.state.as_str(), declined.closed),
            ("declined", true)
        );
        // A claim without facts cannot be computed: nothing is filed.
        let mut bare = claim(rider, date(2024, 3, 13), date(2024, 3, 14), "{}");
        bare.facts = None;
        let err = app.file_claim(&ACTOR, &bare).unwrap_err();
        assert_eq!(err.field(), Some("facts"));
        assert_eq!(app.store().cases_of_person(&rider).unwrap().len(), 1);

        // Two claims of one accident under review: once one takes the whole
        // cap, the other cannot be approved.
        let death = app
            .file_claim(
                &ACTOR,
                &claim(
                    rider,
                    date(2024, 3, 14),
                    date(2024, 3, 15),
                    r#"{"death_date":"2024-03-14"}"#,
                ),
            )
            .unwrap();
        let hospital = app
            .file_claim(
                &ACTOR,
                &claim(
                    rider,
                    date(2024, 3, 14),
                    date(2024, 3, 15),
                    r#"{"hospital_days":4}"#,
                ),
            )
            .unwrap();
        let approve = |number: &str, amount: &str| {
            let json = format!(r#"{{"command":"approve","amount":"{amount}"}}"#);
            let cmd = app.flow_command(&ACTOR, number, &json).unwrap();
            app.act(&ACTOR, number, cmd, Some(date(2024, 3, 20)))
        };
        assert_eq!(
            approve(&death.number, "400000.00").unwrap().state.as_str(),
            "approved"
        );
        let err = approve(&hospital.number, "200.00").unwrap_err();
        assert_eq!(err.field(), Some("amount"));
        assert!(err.to_string().contains("at most 0.00"), "{err}");
        assert_eq!(Money::ZERO, yuan("0"));
    });
}

/// (scheme, birth date, enrolled or the rule refused)
type EnrolmentRow = (&'static str, (i16, i8, i8), Option<&'static str>);

const EMPLOYEE_ENROLMENTS: &[EnrolmentRow] = &[
    ("guangdong.employees", (2015, 1, 1), Some("min_age")),
    ("guangdong.employees", (2009, 1, 1), None),
    ("national.employees", (2010, 3, 2), Some("min_age")),
];

/// Guangdong Regulations Art 63(1) ("劳动者达到法定退休年龄……的，不适用本条
/// 例"): a man born 1958-01-01 (statutory retirement age 60, reached
/// 2018-01-01, past the longest flexible delay of 36 months on 2021-01-01)
/// is refused as a Guangdong employee on 2026-08-01; the refusal names the
/// birth date and Order No. 56's scheme, where he is then enrolled. A man
/// born 1964-01-01 is still enrolled on 2025-03-01 (60 reached 2024-01-01,
/// within the flexible delay).
#[test]
fn guangdong_regs_art63_1_an_over_age_employee_is_refused_and_sent_to_the_over_age_scheme() {
    each_backend(|app, _clock| {
        let u = super::unit(app, 63, "440106");
        let old = person(app, "440106", date(1958, 1, 1), 631);
        let mut req = request(
            old,
            Some(u),
            "guangdong.employees",
            Category::Employee,
            date(2026, 8, 1),
        );
        req.labour_relation = true;
        let refused = app.enroll(&ACTOR, &req).unwrap_err();
        assert_eq!(refused.field(), Some("scheme_id"));
        let text = refused.to_string();
        assert!(text.contains("retirement_age"), "{text}");
        assert!(text.contains("person.birth_date 1958-01-01"), "{text}");
        assert!(text.contains("不适用本条例"), "{text}");
        assert!(text.contains("national.over_age_workers"), "{text}");
        let mut instead = request(
            old,
            Some(u),
            "national.over_age_workers",
            Category::OverRetirementAge,
            date(2026, 8, 1),
        );
        instead.labour_relation = true;
        app.enroll(&ACTOR, &instead).unwrap();

        let delayed = person(app, "440106", date(1964, 1, 1), 633);
        let mut req = request(
            delayed,
            Some(u),
            "guangdong.employees",
            Category::Employee,
            date(2025, 3, 1),
        );
        req.labour_relation = true;
        app.enroll(&ACTOR, &req).unwrap();
    });
}

#[test]
fn labour_law_art15_an_employee_under_16_is_not_enrolled() {
    each_backend(|app, _clock| {
        let u = super::unit(app, 9, "440106");
        for (n, (scheme, (y, m, d), refused)) in EMPLOYEE_ENROLMENTS.iter().enumerate() {
            let p = person(app, "440106", date(*y, *m, *d), 90 + n as u32);
            let mut req = request(p, Some(u), scheme, Category::Employee, date(2025, 3, 1));
            req.labour_relation = true;
            match (app.enroll(&ACTOR, &req), refused) {
                (Ok(_), None) => {}
                (Err(e), Some(rule)) => {
                    let (r, value, allowed) = super::not_eligible(e);
                    assert_eq!(r, *rule, "{scheme} {y}");
                    assert_eq!(allowed, "16 or older", "{value}");
                }
                (other, _) => panic!("{scheme} born {y}-{m}-{d}: {other:?}"),
            }
        }
    });
}
