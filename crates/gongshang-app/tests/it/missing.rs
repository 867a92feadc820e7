//! Regulations Art 41 (《工伤保险条例》第四十一条): a worker missing after an
//! accident on a work trip or in disaster relief, from the clerk's record
//! through the reviewer's approval, the monthly payroll and the one-time
//! payments, on each backend.
//!
//! The case (see `cases::recognised`): an accident of 2025-03-10 in
//! Guangzhou, recognised; own wage 9,000.00 (within 60%-300% of the regional
//! average, so the benefit wage is 9,000.00); a spouse and one child.
//! - Wages of March, April and May 2025 are the employer's:
//!   3 × 9,000.00 = 27,000.00, paid by no one in the fund.
//! - Survivors' pensions (Art 39(1)(2)) from June 2025, the fourth month:
//!   spouse 40% = 3,600.00, child 30% = 2,700.00, 6,300.00 a month.
//! - The advance: 20 × 54,188 (national urban income of 2024, the year
//!   before the accident's) = 1,083,760.00, half = 541,880.00.
//! - Declared dead by a court on 2026-05-20: Art 39 in full, the death
//!   deemed on the day of the accident (Civil Code Art 48: missing in an
//!   accident), so the death benefit is again on 2024's income,
//!   1,083,760.00, less the 541,880.00 advanced = 541,880.00 paid.

use gongshang_app::AppError;
use gongshang_app::cases::{MissingRequest, MissingStatus};
use gongshang_domain::missing::Circumstance;
use jiff::civil::date;

use super::cases::{CHECKER, MAKER, award_request, each_backend, month, recognised, replacing};
use super::{ACTOR, named, yuan};

fn facts() -> serde_json::Value {
    serde_json::json!({
        "own_wage": "9000.00",
        "dependants": {"spouse": true, "others": 1}
    })
}

fn item_amount(
    view: &gongshang_app::cases::AwardView,
    item: &str,
) -> Option<gongshang_rules::Money> {
    view.award
        .items
        .iter()
        .find(|i| i.item == named(item))
        .map(|i| i.amount)
}

/// Missing on 2025-03-12 → pensions in payroll from June 2025 (none in May)
/// → the advance of 541,880.00 paid once → declared dead → the death
/// benefit 1,083,760.00 − 541,880.00 = 541,880.00 paid, pensions go on.
#[test]
fn art41_missing_worker_advance_pensions_from_the_fourth_month_then_declared_dead() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        // Nothing is due under Art 41 before the record.
        let refused = app
            .compute_missing_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap_err();
        assert_eq!(refused.code(), AppError::CONFLICT, "{refused}");
        // A command dated after today (2026-06-30) is refused at `on`.
        let later = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::ApplyForAdvance {
                    on: Some(date(2026, 7, 1)),
                },
            )
            .unwrap_err();
        assert_eq!(later.field(), Some("on"), "{later}");
        // The advance before the worker is recorded missing: refused at `missing`.
        let early = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::ApplyForAdvance { on: None },
            )
            .unwrap_err();
        assert_eq!(early.field(), Some("missing"), "{early}");
        // A reviewer may not record it (the clerk's work).
        assert_eq!(
            app.record_missing(&CHECKER, &number, &MissingRequest::Reappear { on: None })
                .unwrap_err()
                .code(),
            "forbidden"
        );

        let view = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::ReportMissing {
                    circumstance: Circumstance::WorkTrip,
                    on: Some(date(2025, 3, 12)),
                },
            )
            .unwrap();
        assert_eq!(view.status, MissingStatus::Missing);
        assert_eq!(
            view.employer_wage_months,
            vec![month("2025-03"), month("2025-04"), month("2025-05")]
        );
        assert_eq!(view.pensions_from, Some(month("2025-06")));

        // The award while missing: the survivors' pensions only.
        let first = app
            .compute_missing_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert!(item_amount(&first, "monthly_survivor_pensions").is_some());
        assert_eq!(first.award.monthly, yuan("6300.00"));
        assert_eq!(first.award.one_time, yuan("0.00"));
        assert!(item_amount(&first, "funeral_subsidy").is_none());
        assert!(item_amount(&first, "one_time_death_benefit").is_none());
        // The employer's three months are in the trace: 3 × 9,000.00.
        assert!(
            first.award.trace.contains("art41.wages_three_months")
                && first.award.trace.contains("27000.00"),
            "{}",
            first.award.trace
        );
        let approved = app.approve_award(&CHECKER, first.award.id).unwrap();
        let pensions: Vec<_> = approved
            .benefits
            .iter()
            .filter(|b| b.item == named("monthly_survivor_pensions"))
            .collect();
        assert_eq!(pensions.len(), 2);
        assert!(pensions.iter().all(|b| b.start_month == month("2025-06")));

        // May is the employer's: the payroll pays nothing; June pays 6,300.00.
        assert_eq!(app.run_payroll(&ACTOR, month("2025-05")).unwrap().lines, 0);
        let june = app.run_payroll(&ACTOR, month("2025-06")).unwrap();
        assert_eq!((june.lines, june.total), (2, yuan("6300.00")));

        // The family applies for the advance; once only.
        app.record_missing(
            &MAKER,
            &number,
            &MissingRequest::ApplyForAdvance {
                on: Some(date(2025, 6, 10)),
            },
        )
        .unwrap();
        let twice = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::ApplyForAdvance {
                    on: Some(date(2025, 6, 11)),
                },
            )
            .unwrap_err();
        assert_eq!(twice.field(), Some("advance"), "{twice}");
        let second = app
            .compute_missing_award(
                &MAKER,
                &number,
                &replacing(award_request(facts(), "facts_corrected"), first.award.id),
            )
            .unwrap();
        assert_eq!(
            item_amount(&second, "one_time_death_benefit"),
            Some(yuan("541880.00"))
        );
        assert!(second.award.trace.contains("art41.advance_half"));
        // The clerk may not approve it; the reviewer does.
        assert_eq!(
            app.approve_award(&MAKER, second.award.id)
                .unwrap_err()
                .code(),
            "forbidden"
        );
        app.approve_award(&CHECKER, second.award.id).unwrap();
        let paid = app
            .pay_one_time(&ACTOR, &number, date(2025, 6, 20))
            .unwrap();
        assert_eq!(paid.paid.len(), 1, "{paid:?}");
        assert_eq!(paid.paid[0].amount, yuan("541880.00"));
        assert!(!paid.paid[0].already_paid);
        // Paid once: paying again pays nothing more.
        let again = app
            .pay_one_time(&ACTOR, &number, date(2025, 6, 21))
            .unwrap();
        assert!(again.paid.iter().all(|p| p.already_paid), "{again:?}");
        // The pensions run on (one benefit each, not started twice).
        let july = app.run_payroll(&ACTOR, month("2025-07")).unwrap();
        assert_eq!((july.lines, july.total), (2, yuan("6300.00")));

        // Declared dead on 2026-05-20, recorded on 2026-05-25.
        let view = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::DeclareDead {
                    judgment_on: date(2026, 5, 20),
                    on: Some(date(2026, 5, 25)),
                },
            )
            .unwrap();
        assert_eq!(view.status, MissingStatus::DeclaredDead);
        assert!(view.allowed.is_empty());
        let third = app
            .compute_missing_award(
                &MAKER,
                &number,
                &replacing(award_request(facts(), "facts_corrected"), second.award.id),
            )
            .unwrap();
        assert_eq!(
            item_amount(&third, "one_time_death_benefit"),
            Some(yuan("1083760.00"))
        );
        assert!(item_amount(&third, "funeral_subsidy").is_some());
        assert!(
            third.award.trace.contains("art41.declared_dead")
                && third
                    .award
                    .trace
                    .contains("1083760.00 - 541880.00 = 541880.00"),
            "{}",
            third.award.trace
        );
        let view = app.approve_award(&CHECKER, third.award.id).unwrap();
        assert_eq!(
            view.benefits
                .iter()
                .filter(|b| b.item == named("monthly_survivor_pensions"))
                .count(),
            2,
            "the pensions are not started twice"
        );
        let paid = app.pay_one_time(&ACTOR, &number, date(2026, 6, 1)).unwrap();
        let death = paid
            .paid
            .iter()
            .find(|p| p.item == named("one_time_death_benefit"))
            .unwrap();
        // 1,083,760.00 − 541,880.00 advanced.
        assert_eq!(death.amount, yuan("541880.00"));
        assert!(
            paid.paid.iter().any(|p| p.item == named("funeral_subsidy")),
            "{paid:?}"
        );
    });
}

/// Missing in disaster relief; pensions paid for June and July 2025; the
/// worker reappears on 2025-08-10: August is paid (the month of the
/// reappearance, DESIGN.md), September nothing; no advance after it.
#[test]
fn art41_a_missing_worker_who_reappears_stops_the_pensions_in_payroll() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        app.record_missing(
            &MAKER,
            &number,
            &MissingRequest::ReportMissing {
                circumstance: Circumstance::DisasterRelief,
                on: Some(date(2025, 3, 12)),
            },
        )
        .unwrap();
        let award = app
            .compute_missing_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        app.approve_award(&CHECKER, award.award.id).unwrap();
        for m in ["2025-06", "2025-07"] {
            let run = app.run_payroll(&ACTOR, month(m)).unwrap();
            assert_eq!((run.lines, run.total), (2, yuan("6300.00")), "{m}");
        }
        let view = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::Reappear {
                    on: Some(date(2025, 8, 10)),
                },
            )
            .unwrap();
        assert_eq!(view.status, MissingStatus::Reappeared);
        assert_eq!(view.pensions_last_month, Some(month("2025-08")));
        let aug = app.run_payroll(&ACTOR, month("2025-08")).unwrap();
        assert_eq!((aug.lines, aug.total), (2, yuan("6300.00")));
        assert_eq!(app.run_payroll(&ACTOR, month("2025-09")).unwrap().lines, 0);
        let after = app
            .record_missing(
                &MAKER,
                &number,
                &MissingRequest::ApplyForAdvance {
                    on: Some(date(2025, 8, 11)),
                },
            )
            .unwrap_err();
        assert_eq!(after.field(), Some("missing"), "{after}");
        let none = app
            .compute_missing_award(
                &MAKER,
                &number,
                &replacing(award_request(facts(), "facts_corrected"), award.award.id),
            )
            .unwrap_err();
        assert_eq!(none.code(), AppError::CONFLICT);
        let record = app.missing_worker(&ACTOR, &number).unwrap();
        let kinds: Vec<&str> = record.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["went_missing", "reappeared"]);
    });
}
