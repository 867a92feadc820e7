//! An approved deferral of premiums (缓缴; 人社厅发〔2022〕16号, 人社部发
//! 〔2022〕31号): recorded by a clerk, read by the arrears of a case (Social
//! Insurance Law Art 41), the arrears list and the late fee of a payment
//! (Art 86).
//!
//! Every case: the unit of `payers::arrears_case` (the worker enrolled from
//! 2025-01-01, the accident of 2025-03-10, the bill of 2025-01 due on
//! 2025-02-17, the working day after the 15th, and unpaid), recorded on
//! 2026-06-30.

use gongshang_app::AppError;
use gongshang_app::cases::UninsuredGround;
use gongshang_app::deferrals::{DeferralRequest, DeferralRevocationRequest};
use gongshang_app::late_fees::LateFeePaymentRequest;

use super::cases::each_backend;
use super::payers::arrears_case;
use super::*;

/// 0.05% a day for `days` on `fen`, rounded half away from zero (by hand).
fn fee_by_hand(fen: i64, days: i64) -> Money {
    Money::from_fen((fen * 5 * days + 5_000) / 10_000)
}

fn deferral(unit: CreditCode, first: &str, last: &str, repay_by: Date) -> DeferralRequest {
    DeferralRequest {
        unit,
        scheme_id: "guangdong.employees".parse().unwrap(),
        first_period: Month::parse(first).unwrap(),
        last_period: Month::parse(last).unwrap(),
        repay_by,
        instrument: "人社厅发〔2022〕16号".into(),
        approved_on: date(2025, 2, 20),
    }
}

fn pay(app: &App, bill_id: i64, key: &str, amount: Money, on: Date) {
    app.record_payment(
        &ACTOR,
        &PaymentRequest {
            bill_id,
            amount,
            paid_on: on,
            idempotency_key: key.into(),
            payer: None,
        },
    )
    .unwrap();
}

/// The bill of 2025-01 deferred (2025-01 to 2025-03, repaid by 2025-06-30):
/// on the accident day, 2025-03-10, it is no arrears and the fund pays
/// ("缓缴工伤保险费不影响职工享受工伤保险待遇"); it is not in the arrears list
/// until 2025-07-01, and then runs its fee from 2025-07-01 (10 days to
/// 2025-07-10, not the 143 from 2025-02-18). Revoked, the deferral counts
/// for nothing: the bill is arrears on the accident day again.
#[test]
fn mohrss_2022_16_an_accident_during_the_deferral_is_no_arrears_the_fund_pays() {
    each_backend(|app, _| {
        let (u, _, number, bill) = arrears_case(app, 71);
        let row = app
            .record_deferral(
                &ACTOR,
                &deferral(u, "2025-01", "2025-03", date(2025, 6, 30)),
            )
            .unwrap();
        assert_eq!(row.recorded_by, ACTOR.audit_name());
        assert_eq!(
            app.deferrals_of_unit(&ACTOR, &u).unwrap(),
            vec![row.clone()]
        );

        let finding = app.case_payers(&ACTOR, &number).unwrap().finding.unwrap();
        assert!(!finding.uninsured, "{finding:?}");
        assert_eq!(finding.arrears, None);
        assert_eq!(finding.ground, None);

        let listed = |on: Date| {
            app.arrears(&ACTOR, on)
                .unwrap()
                .iter()
                .any(|b| b.bill_id == bill.bill_id)
        };
        assert!(!listed(date(2025, 3, 10)));
        assert!(!listed(date(2025, 6, 30)));
        assert!(listed(date(2025, 7, 1)));
        let fee = app
            .arrears_with_late_fees(&ACTOR, date(2025, 7, 10))
            .unwrap()
            .into_iter()
            .find(|(b, _)| b.bill_id == bill.bill_id)
            .map(|(_, fee)| fee);
        assert_eq!(fee, Some(fee_by_hand(bill.amount.fen(), 10)));

        let revoked = app
            .revoke_deferral(
                &ACTOR,
                &DeferralRevocationRequest {
                    deferral_id: row.id,
                    revoked_on: date(2025, 3, 1),
                    reason: "the unit did not qualify".into(),
                },
            )
            .unwrap();
        assert!(revoked.revocation.is_some());
        let finding = app.case_payers(&ACTOR, &number).unwrap().finding.unwrap();
        assert!(finding.uninsured);
        assert_eq!(finding.ground, Some(UninsuredGround::InArrears));
        assert!(listed(date(2025, 3, 10)));
    });
}

/// Repaid within the window (人社部发〔2022〕31号: "补缴期间免收滞纳金"): the
/// bill of 2025-01 (due 2025-02-17) paid on 2026-07-20, before its
/// repayment day 2026-07-31: no late fee assessed.
#[test]
fn mohrss_2022_31_repaid_within_the_window_owes_no_late_fee() {
    each_backend(|app, clock| {
        let (u, _, _, bill) = arrears_case(app, 72);
        app.record_deferral(
            &ACTOR,
            &deferral(u, "2025-01", "2025-03", date(2026, 7, 31)),
        )
        .unwrap();
        clock.set(ts("2026-07-20T02:00:00Z"));
        pay(
            app,
            bill.bill_id,
            "deferred-72",
            bill.amount,
            date(2026, 7, 20),
        );
        assert!(app.late_fees_of_unit(&ACTOR, &u).unwrap().is_empty());
    });
}

/// The repayment day passed before the accident with the deferred bill
/// unpaid: the deferral of 2025-01 repaid by 2025-03-05, the accident of
/// 2025-03-10: in arrears, the unit pays (Art 41). Paid on 2026-07-10: the
/// late fee runs from 2025-03-06, 492 days (365 to 2026-03-05, 122 to
/// 2026-07-05, 5 more), not the 508 from 2025-02-18; its fee paid on
/// 2026-07-15 settles it (Regulations Art 62(3)).
#[test]
fn mohrss_2022_31_an_accident_after_the_repayment_day_with_the_bill_unpaid_is_arrears() {
    each_backend(|app, clock| {
        let (u, _, number, bill) = arrears_case(app, 73);
        app.record_deferral(&ACTOR, &deferral(u, "2025-01", "2025-01", date(2025, 3, 5)))
            .unwrap();
        let finding = app.case_payers(&ACTOR, &number).unwrap().finding.unwrap();
        assert_eq!(finding.ground, Some(UninsuredGround::InArrears));
        let arrears = finding.arrears.unwrap();
        assert_eq!(arrears.bills[0].due_date, bill.due_date);
        assert_eq!(arrears.bills[0].deferred_to, Some(date(2025, 3, 5)));
        assert_eq!(arrears.settled_on, None);
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let why = payers
            .finding
            .unwrap()
            .why(gongshang_app::Lang::Zh)
            .unwrap();
        assert!(why.contains("缓缴，补缴截止日2025-03-05"), "{why}");

        assert_eq!(bill.due_date, date(2025, 2, 17));
        clock.set(ts("2026-07-10T02:00:00Z"));
        pay(
            app,
            bill.bill_id,
            "deferred-73",
            bill.amount,
            date(2026, 7, 10),
        );
        let fees = app.late_fees_of_unit(&ACTOR, &u).unwrap();
        assert_eq!(fees.len(), 1);
        assert_eq!(fees[0].assessments[0].days, 492);
        assert_eq!(fees[0].assessed, fee_by_hand(bill.amount.fen(), 492));
        assert_eq!(fees[0].assessments[0].due_date, date(2025, 3, 5));

        clock.set(ts("2026-07-15T02:00:00Z"));
        app.record_late_fee_payment(
            &ACTOR,
            &LateFeePaymentRequest {
                bill_id: bill.bill_id,
                amount: fees[0].owed,
                paid_on: date(2026, 7, 15),
                idempotency_key: "deferred-fee-73".into(),
            },
        )
        .unwrap();
        let finding = app.case_payers(&ACTOR, &number).unwrap().finding.unwrap();
        assert_eq!(finding.arrears.unwrap().settled_on, Some(date(2026, 7, 15)));
    });
}

/// A month outside the deferral keeps its own due date: the deferral of
/// 2025-02 to 2025-03 does not touch the bill of 2025-01.
#[test]
fn mohrss_2022_16_a_month_outside_the_deferral_is_unchanged() {
    each_backend(|app, _| {
        let (u, _, number, _) = arrears_case(app, 74);
        app.record_deferral(
            &ACTOR,
            &deferral(u, "2025-02", "2025-03", date(2025, 6, 30)),
        )
        .unwrap();
        let finding = app.case_payers(&ACTOR, &number).unwrap().finding.unwrap();
        assert_eq!(finding.ground, Some(UninsuredGround::InArrears));
        assert_eq!(finding.arrears.unwrap().bills[0].deferred_to, None);
    });
}

fn invalid_field(r: Result<impl std::fmt::Debug, AppError>) -> &'static str {
    match r {
        Err(AppError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

/// What a clerk types is checked, field by field, and nothing is written
/// when refused; months in force twice are a conflict; only the agency's
/// clerks record.
#[test]
fn mohrss_2022_16_a_deferral_is_refused_with_the_field_named() {
    each_backend(|app, _| {
        let (u, _, _, _) = arrears_case(app, 75);
        let ok = deferral(u, "2025-01", "2025-03", date(2025, 6, 30));
        let mut r = ok.clone();
        r.last_period = Month::parse("2024-12").unwrap();
        assert_eq!(
            invalid_field(app.record_deferral(&ACTOR, &r)),
            "last_period"
        );
        let mut r = ok.clone();
        r.repay_by = date(2025, 3, 31);
        assert_eq!(invalid_field(app.record_deferral(&ACTOR, &r)), "repay_by");
        let mut r = ok.clone();
        r.instrument = "  ".into();
        assert_eq!(invalid_field(app.record_deferral(&ACTOR, &r)), "instrument");
        let mut r = ok.clone();
        r.approved_on = date(2026, 7, 1);
        assert_eq!(
            invalid_field(app.record_deferral(&ACTOR, &r)),
            "approved_on"
        );
        let mut r = ok.clone();
        r.scheme_id = "national.platform_occupational_injury".parse().unwrap();
        assert_eq!(invalid_field(app.record_deferral(&ACTOR, &r)), "scheme_id");
        assert!(app.deferrals_of_unit(&ACTOR, &u).unwrap().is_empty());

        let row = app.record_deferral(&ACTOR, &ok).unwrap();
        let mut overlapping = ok.clone();
        overlapping.first_period = Month::parse("2025-03").unwrap();
        overlapping.last_period = Month::parse("2025-04").unwrap();
        assert_eq!(
            app.record_deferral(&ACTOR, &overlapping)
                .unwrap_err()
                .code(),
            "conflict"
        );
        let revoke = DeferralRevocationRequest {
            deferral_id: row.id,
            revoked_on: date(2025, 3, 1),
            reason: String::new(),
        };
        assert_eq!(
            invalid_field(app.revoke_deferral(&ACTOR, &revoke)),
            "reason"
        );
        let revoke = DeferralRevocationRequest {
            reason: "recorded twice".into(),
            revoked_on: date(2025, 2, 1),
            ..revoke
        };
        assert_eq!(
            invalid_field(app.revoke_deferral(&ACTOR, &revoke)),
            "revoked_on"
        );
        assert_eq!(app.deferrals_of_unit(&ACTOR, &u).unwrap(), vec![row]);
    });
}
