//! Regulations Art 62(2)-(3) through the services, on each backend: who
//! pays when the unit had not insured the worker, and after it enrolled and
//! paid back the premiums with the late fees.
//!
//! The case: a worker of a Guangzhou unit injured on 2025-03-10 while the
//! unit had not enrolled them (it enrols them from 2025-06-01), recognised,
//! appraised grade 4 on 2025-10-15; own wage 8000.00 (regional average
//! 10000.00 given, so the benefit wage is the own wage, within 60%-300%),
//! 6 months of paid suspension. By hand (Regulations Arts 33 and 35, the
//! same in Guangdong): suspension wages 6 × 8000.00 = 48000.00 (the unit's
//! anyway); one-time disability subsidy 21 × 8000.00 = 168000.00; the
//! grade 4 allowance 75% × 8000.00 = 6000.00 a month from 2025-11, the
//! fund's when insured. Today is 2026-06-30.

use gongshang_app::AppError;
use gongshang_app::PaymentRequest;
use gongshang_app::cases::{BackPaymentRequest, CaseCommand, SettleRequest, UninsuredGround};
use gongshang_app::late_fees::LateFeePaymentRequest;
use gongshang_app::{At, CoverageReason};
use gongshang_domain::appraisal;
use gongshang_domain::determination::{self, Finding, Ground};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::medical::ServiceKind;
use gongshang_domain::month::Month;
use gongshang_rules::scheme::Category;
use gongshang_rules::{Item, Payer};
use jiff::civil::{Date, date};

use super::cases::{
    CHECKER, MAKER, application, appr, award_request, each_backend, month, replacing,
};
use super::medical::{bill, institution};
use super::{ACTOR, person, request, ts, unit, yuan};

/// The unit and worker, enrolled only from 2025-06-01, and the recognised case.
pub(super) fn uninsured_case(app: &gongshang_app::App, n: u32) -> (CreditCode, ResidentId, String) {
    case_of(app, n, date(2025, 6, 1), 4)
}

/// [`uninsured_case`] appraised at `grade`.
pub(super) fn uninsured_case_of_grade(
    app: &gongshang_app::App,
    n: u32,
    grade: u8,
) -> (CreditCode, ResidentId, String) {
    case_of(app, n, date(2025, 6, 1), grade)
}

/// The unit and worker, enrolled from `start`, and the case of the accident
/// of 2025-03-10, recognised and appraised grade 4.
fn case_enrolled_from(
    app: &gongshang_app::App,
    n: u32,
    start: Date,
) -> (CreditCode, ResidentId, String) {
    case_of(app, n, start, 4)
}

/// The unit and worker, enrolled from `start`, and the case of the accident
/// of 2025-03-10, recognised and appraised at `grade`.
fn case_of(
    app: &gongshang_app::App,
    n: u32,
    start: Date,
    grade: u8,
) -> (CreditCode, ResidentId, String) {
    case_in(app, n, "guangdong.employees", start, grade)
}

/// [`case_of`] with the worker enrolled in `scheme` by a Guangzhou unit.
fn case_in(
    app: &gongshang_app::App,
    n: u32,
    scheme: &str,
    start: Date,
    grade: u8,
) -> (CreditCode, ResidentId, String) {
    let u = unit(app, n, "440106");
    let p = person(app, "440106", date(1985, 4, 1), n);
    let mut req = request(p, Some(u), scheme, Category::Employee, start);
    req.labour_relation = true;
    app.enroll(&ACTOR, &req).unwrap();
    let case = app
        .file_case(&MAKER, &application(u, p, scheme, date(2025, 3, 10)))
        .unwrap();
    let act = |cmd, on| {
        app.act(
            &MAKER,
            &case.number,
            CaseCommand::Determination(cmd),
            Some(on),
        )
        .unwrap()
    };
    act(determination::Command::Accept, date(2025, 3, 25));
    act(
        determination::Command::Decide {
            finding: Finding::Recognised {
                ground: Ground::Art14WorkAccident,
            },
        },
        date(2025, 4, 20),
    );
    appr(
        app,
        &case.number,
        appraisal::Command::Apply,
        date(2025, 8, 1),
    );
    appr(
        app,
        &case.number,
        appraisal::Command::Conclude {
            grade: Some(grade),
            nursing: None,
        },
        date(2025, 10, 15),
    );
    (u, p, case.number)
}

pub(super) fn facts() -> serde_json::Value {
    serde_json::json!({
        "own_wage": "8000.00",
        "suspension_months": 6,
        "regional_avg_wage": "10000.00",
        "min_wage": "2300.00",
    })
}

fn back_payment(u: CreditCode, settled_on: Date) -> BackPaymentRequest {
    BackPaymentRequest {
        unit: u,
        scheme_id: "guangdong.employees".parse().unwrap(),
        period_from: date(2025, 1, 1),
        period_until: date(2025, 5, 31),
        settled_on,
        premiums: yuan("3600.00"),
        late_fees: yuan("220.00"),
        document: "穗社保补缴 2026-0042".into(),
    }
}

fn payer_of(view: &gongshang_app::cases::AwardView, item: Item) -> (gongshang_rules::Money, Payer) {
    let it = view
        .award
        .items
        .iter()
        .find(|i| i.item == item)
        .unwrap_or_else(|| panic!("{item:?}"));
    (it.amount, it.payer)
}

/// Art 62(2): nothing of the award is the fund's. The one-time subsidy
/// 168000.00 and the allowance 6000.00 a month are the unit's, with the
/// suspension wages 48000.00; paying one-time items pays nothing, the
/// payroll of 2025-11 pays nothing on the case, and a hospital bill of the
/// accident day is refused to the fund as the unit's.
#[test]
fn art62_2_the_unit_that_had_not_insured_the_worker_pays_every_item() {
    each_backend(|app, _| {
        let (_, _, number) = uninsured_case(app, 41);
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert_eq!(
            payer_of(&proposed, Item::OneTimeDisabilitySubsidy),
            (yuan("168000.00"), Payer::Employer)
        );
        assert_eq!(
            payer_of(&proposed, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Employer)
        );
        assert_eq!(
            payer_of(&proposed, Item::SuspensionWages),
            (yuan("48000.00"), Payer::Employer)
        );
        assert!(
            proposed.award.trace.contains("art62_2.employer_pays"),
            "the trace cites Art 62(2)"
        );
        let approved = app.approve_award(&CHECKER, proposed.award.id).unwrap();
        assert_eq!(approved.award.ledger_key, None, "nothing owed by the fund");
        let paid = app
            .pay_one_time(&MAKER, &number, date(2025, 11, 1))
            .unwrap();
        assert!(paid.paid.is_empty());
        app.run_payroll(&MAKER, month("2025-11")).unwrap();
        let benefits = app
            .store()
            .periodic_benefits_of_case(app.store().case_by_number(&number).unwrap().unwrap().id);
        let benefits = benefits.unwrap();
        assert_eq!(benefits.len(), 1);
        assert_eq!(benefits[0].payer, Payer::Employer);
        assert!(
            app.store()
                .payroll_lines_of_benefit(benefits[0].id)
                .unwrap()
                .is_empty()
        );
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let finding = payers.finding.clone().unwrap();
        assert!(finding.uninsured);
        assert_eq!(finding.back_payment, None);
        assert_eq!(payers.medical_fund_from, None);
        assert!(payers.lines.iter().all(|l| l.payer == Payer::Employer));
        assert!(
            payers
                .lines
                .iter()
                .filter(|l| l.item != Item::SuspensionWages)
                .all(|l| l.article.is_some_and(|a| a.zh.contains("第六十二条第二款")))
        );
        // The hospital's bill of the accident: 8000.00 within the catalogues,
        // the unit's (Art 62(2)), the fund pays 0.00.
        app.register_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap();
        let filed = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0001"),
                    date(2025, 3, 10),
                    "8000.00",
                    "0.00",
                ),
            )
            .unwrap();
        let settled = app
            .settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(settled.bill.payable, Some(yuan("0.00")));
        assert_eq!(settled.bill.refused, Some(yuan("8000.00")));
        assert_eq!(
            settled.bill.lines[0].refusal_code.as_deref(),
            Some("employer_pays")
        );
    });
}

/// Art 62(3): the unit enrolled from 2025-06-01 and settled the premiums of
/// 2025-01-01..2025-05-31 with the late fees on 2026-02-10. The award
/// computed again on it: the allowance, a new cost (29号 item 3), is the
/// fund's from 2026-03 (the first month after the settlement) and the
/// unit's from 2025-11 to 2026-02; the one-time subsidy stays the unit's.
/// The payroll of 2026-03 pays 6000.00 on the case, that of 2026-02
/// nothing. A bill of a stay from 2026-02-11 is the fund's (8000.00); one
/// from 2026-02-10, the day settled, the unit's.
#[test]
fn art62_3_after_the_back_payment_the_fund_pays_the_new_costs() {
    each_backend(|app, _| {
        let (u, _, number) = uninsured_case(app, 42);
        let first = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        let first = app.approve_award(&CHECKER, first.award.id).unwrap();

        // Refusals: a unit not enrolled on the day, a day before the period
        // ends, a day ahead of today, and a role that may not.
        let mut early = back_payment(u, date(2025, 5, 1));
        assert_eq!(
            app.record_back_payment(&MAKER, &early).unwrap_err().field(),
            Some("settled_on")
        );
        early.settled_on = date(2026, 7, 1);
        assert_eq!(
            app.record_back_payment(&MAKER, &early).unwrap_err().field(),
            Some("settled_on")
        );
        let other = unit(app, 43, "440106");
        assert_eq!(
            app.record_back_payment(&MAKER, &back_payment(other, date(2026, 2, 10)))
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert!(matches!(
            app.record_back_payment(&CHECKER, &back_payment(u, date(2026, 2, 10))),
            Err(AppError::Forbidden { .. })
        ));
        let recorded = app
            .record_back_payment(&MAKER, &back_payment(u, date(2026, 2, 10)))
            .unwrap();
        assert_eq!(recorded.recorded_by, "clerk:clerk-maker");
        assert_eq!(
            app.back_payments(&ACTOR, &u).unwrap(),
            vec![recorded.clone()]
        );

        let payers = app.case_payers(&ACTOR, &number).unwrap();
        assert!(payers.award_to_recompute);
        assert_eq!(
            payers.finding.as_ref().unwrap().back_payment,
            Some(recorded.clone())
        );
        assert_eq!(payers.medical_fund_from, Some(date(2026, 2, 11)));

        let again = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts(), "back_payment"), first.award.id),
            )
            .unwrap();
        assert_eq!(
            payer_of(&again, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Fund)
        );
        assert_eq!(
            payer_of(&again, Item::OneTimeDisabilitySubsidy),
            (yuan("168000.00"), Payer::Employer)
        );
        assert!(
            again
                .award
                .trace
                .contains("art62_3.fund_pays_months_after_back_payment")
        );
        app.approve_award(&CHECKER, again.award.id).unwrap();

        let case_id = app.store().case_by_number(&number).unwrap().unwrap().id;
        let benefits = app.store().periodic_benefits_of_case(case_id).unwrap();
        let unit_part = benefits
            .iter()
            .find(|b| b.payer == Payer::Employer)
            .unwrap();
        assert_eq!(unit_part.start_month, month("2025-11"));
        assert_eq!(unit_part.end_month, Some(month("2026-02")));
        let fund_part = benefits.iter().find(|b| b.payer == Payer::Fund).unwrap();
        assert_eq!(fund_part.start_month, month("2026-03"));
        assert_eq!(fund_part.end_month, None);

        app.run_payroll(&MAKER, month("2026-02")).unwrap();
        assert!(
            app.store()
                .payroll_lines_of_benefit(fund_part.id)
                .unwrap()
                .is_empty()
        );
        app.run_payroll(&MAKER, month("2026-03")).unwrap();
        assert_eq!(
            app.store().payroll_lines_of_benefit(fund_part.id).unwrap(),
            vec![(month("2026-03"), yuan("6000.00"))]
        );

        let payers = app.case_payers(&ACTOR, &number).unwrap();
        assert!(!payers.award_to_recompute);
        let allowance: Vec<_> = payers
            .lines
            .iter()
            .filter(|l| l.item == Item::MonthlyDisabilityAllowance)
            .map(|l| (l.payer, l.from_month, l.until_month))
            .collect();
        assert_eq!(
            allowance,
            vec![
                (
                    Payer::Employer,
                    Some(month("2025-11")),
                    Some(month("2026-02"))
                ),
                (Payer::Fund, Some(month("2026-03")), None),
            ]
        );

        app.register_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap();
        for (from, payable) in [(date(2026, 2, 10), "0.00"), (date(2026, 2, 11), "8000.00")] {
            let filed = app
                .file_medical_bill(
                    &MAKER,
                    &number,
                    &bill(
                        ServiceKind::Medical,
                        Some("GZ-0001"),
                        from,
                        "8000.00",
                        "0.00",
                    ),
                )
                .unwrap();
            let settled = app
                .settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
                .unwrap();
            assert_eq!(settled.bill.payable, Some(yuan(payable)), "{from}");
        }
    });
}

/// An insured worker's case is untouched: the finding says covered, and the
/// fund pays the allowance as before (no Art 62 step).
#[test]
fn art62_2_an_insured_workers_award_keeps_the_regulations_payers() {
    each_backend(|app, _| {
        let number = super::cases::recognised(app, 44);
        appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(4),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert_eq!(
            payer_of(&proposed, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Fund)
        );
        assert!(!proposed.award.trace.contains("art62"));
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        assert!(!payers.finding.unwrap().uninsured);
        assert_eq!(payers.medical_fund_from, Some(date(2025, 3, 10)));
    });
}

/// Guangdong Regulations Art 65 ("用人单位为职工办理工伤保险参保手续次日起……
/// 由工伤保险基金……支付费用"): the unit enrolled the worker on 2025-03-10, the
/// accident day, so the worker was not yet covered: the coverage answer says
/// the enrolment day, and the unit pays every item the fund would pay as for
/// a worker not enrolled (Art 55, Regulations Art 62(2)): the one-time
/// subsidy 168000.00 and the allowance 6000.00 a month. Enrolled on
/// 2025-03-09, the day before, the fund pays both.
#[test]
fn guangdong_regs_art65_cover_starts_the_day_after_enrolment() {
    each_backend(|app, _| {
        let (_, p, number) = case_enrolled_from(app, 65, date(2025, 3, 10));
        let on = |d: i8| {
            app.coverage(&ACTOR, &p, At::Day(date(2025, 3, d)), None)
                .unwrap()
        };
        let day = on(10);
        assert!(!day.covered);
        assert_eq!(day.reason, CoverageReason::EnrollmentDay);
        assert!(day.reason.text_zh().contains("第六十五条"));
        let next = on(11);
        assert!(next.covered);
        assert_eq!(next.covers[0].start, date(2025, 3, 11));
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert_eq!(
            payer_of(&proposed, Item::OneTimeDisabilitySubsidy),
            (yuan("168000.00"), Payer::Employer)
        );
        assert_eq!(
            payer_of(&proposed, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Employer)
        );
        let finding = app.case_payers(&ACTOR, &number).unwrap().finding.unwrap();
        assert!(finding.uninsured);
        assert_eq!(finding.ground, Some(UninsuredGround::NotEnrolled));

        let (_, p, number) = case_enrolled_from(app, 66, date(2025, 3, 9));
        let day = app
            .coverage(&ACTOR, &p, At::Day(date(2025, 3, 9)), None)
            .unwrap();
        assert_eq!(day.reason, CoverageReason::EnrollmentDay);
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert_eq!(
            payer_of(&proposed, Item::OneTimeDisabilitySubsidy),
            (yuan("168000.00"), Payer::Fund)
        );
        assert_eq!(
            payer_of(&proposed, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Fund)
        );
        assert!(
            !app.case_payers(&ACTOR, &number)
                .unwrap()
                .finding
                .unwrap()
                .uninsured
        );
    });
}

/// Guangdong Regulations Art 65 is Guangdong's: under the national
/// employees' scheme (and Jiangsu's) cover starts on the enrolment day, so
/// the worker enrolled on the accident day is covered and the fund pays.
#[test]
fn guangdong_regs_art65_national_and_jiangsu_employees_are_covered_on_the_enrolment_day() {
    each_backend(|app, _| {
        let (_, p, number) = case_in(app, 67, "national.employees", date(2025, 3, 10), 4);
        let day = app
            .coverage(&ACTOR, &p, At::Day(date(2025, 3, 10)), None)
            .unwrap();
        assert!(day.covered);
        assert_eq!(day.covers[0].start, date(2025, 3, 10));
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert_eq!(
            payer_of(&proposed, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Fund)
        );
        assert!(
            !app.case_payers(&ACTOR, &number)
                .unwrap()
                .finding
                .unwrap()
                .uninsured
        );

        let u = unit(app, 68, "320106");
        let p = person(app, "320106", date(1985, 4, 1), 68);
        let mut req = request(
            p,
            Some(u),
            "jiangsu.employees",
            Category::Employee,
            date(2025, 3, 10),
        );
        req.labour_relation = true;
        app.enroll(&ACTOR, &req).unwrap();
        let day = app
            .coverage(&ACTOR, &p, At::Day(date(2025, 3, 10)), None)
            .unwrap();
        assert!(day.covered);
        assert_eq!(day.covers[0].start, date(2025, 3, 10));
    });
}

/// The worker enrolled from 2025-01-01, the case of 2025-03-10, and the
/// unit's bill of January 2025 (due in February), unpaid.
pub(super) fn arrears_case(
    app: &gongshang_app::App,
    n: u32,
) -> (CreditCode, ResidentId, String, gongshang_app::IssuedBill) {
    let (u, p, number) = case_enrolled_from(app, n, date(2025, 1, 1));
    let bill = app
        .declare_month(
            &ACTOR,
            &u,
            &"guangdong.employees".parse().unwrap(),
            Month::parse("2025-01").unwrap(),
            &[(p, yuan("8000.00"))],
        )
        .unwrap();
    assert!(bill.due_date < date(2025, 3, 10), "{}", bill.due_date);
    (u, p, number, bill)
}

/// Social Insurance Law Art 41 with Regulations Art 62(2)-(3): the unit
/// enrolled the worker from 2025-01-01 and declared January 2025, but had
/// not paid that bill (due in February) on the accident day, 2025-03-10.
/// The award computed then: every item the fund would pay is the unit's,
/// citing Art 41 (one-time subsidy 168000.00, allowance 6000.00 a month),
/// and the finding names the bill. The unit pays the bill on 2026-07-10
/// (a late fee assessed on it) and the late fee on 2026-07-15: that is the
/// back-payment of Art 62(3). Computed again, the allowance is the fund's
/// from 2026-08 and the unit's from 2025-11 to 2026-07; the one-time subsidy
/// stays the unit's; a bill of service from 2026-07-16 is the fund's.
#[test]
fn sil_art_41_a_unit_in_arrears_on_the_accident_day_pays_until_it_settles_with_late_fees() {
    each_backend(|app, clock| {
        let (u, _, number, bill) = arrears_case(app, 45);

        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let finding = payers.finding.clone().unwrap();
        assert!(finding.uninsured);
        assert_eq!(finding.ground, Some(UninsuredGround::InArrears));
        let arrears = finding.arrears.clone().unwrap();
        let periods: Vec<_> = arrears.bills.iter().map(|b| b.period.as_str()).collect();
        assert_eq!(periods, ["2025-01"]);
        assert_eq!(arrears.bills[0].outstanding_on_accident, bill.amount);
        assert_eq!(arrears.settled_on, None);
        assert_eq!(payers.medical_fund_from, None);

        let first = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        assert_eq!(
            payer_of(&first, Item::OneTimeDisabilitySubsidy),
            (yuan("168000.00"), Payer::Employer)
        );
        assert_eq!(
            payer_of(&first, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Employer)
        );
        assert!(
            first.award.trace.contains("sil41.employer_in_arrears_pays"),
            "the trace cites Social Insurance Law Art 41"
        );
        let first = app.approve_award(&CHECKER, first.award.id).unwrap();
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        assert!(
            payers
                .lines
                .iter()
                .filter(|l| l.item != Item::SuspensionWages)
                .all(|l| l.payer == Payer::Employer
                    && l.article.is_some_and(|a| a.zh.contains("第四十一条")))
        );

        // The bill paid late, then its late fee: settled on the second day.
        clock.set(ts("2026-07-10T02:00:00Z"));
        app.record_payment(
            &ACTOR,
            &PaymentRequest {
                bill_id: bill.bill_id,
                amount: bill.amount,
                paid_on: date(2026, 7, 10),
                idempotency_key: "arrears-45".into(),
                payer: None,
            },
        )
        .unwrap();
        let fees = app.late_fees_of_unit(&ACTOR, &u).unwrap();
        assert_eq!(fees.len(), 1);
        assert!(fees[0].owed > gongshang_rules::Money::ZERO);
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let arrears = payers.finding.as_ref().unwrap().arrears.clone().unwrap();
        assert_eq!(arrears.bills[0].paid_in_full_on, Some(date(2026, 7, 10)));
        assert_eq!(arrears.settled_on, None, "the late fee is still owed");
        assert!(!payers.award_to_recompute);

        clock.set(ts("2026-07-15T02:00:00Z"));
        app.record_late_fee_payment(
            &ACTOR,
            &LateFeePaymentRequest {
                bill_id: bill.bill_id,
                amount: fees[0].owed,
                paid_on: date(2026, 7, 15),
                idempotency_key: "arrears-fee-45".into(),
            },
        )
        .unwrap();
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let finding = payers.finding.clone().unwrap();
        assert_eq!(finding.ground, Some(UninsuredGround::InArrears));
        assert_eq!(finding.arrears.unwrap().settled_on, Some(date(2026, 7, 15)));
        assert_eq!(finding.back_payment, None);
        assert!(payers.award_to_recompute);
        assert_eq!(payers.medical_fund_from, Some(date(2026, 7, 16)));

        let again = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts(), "back_payment"), first.award.id),
            )
            .unwrap();
        assert_eq!(
            payer_of(&again, Item::MonthlyDisabilityAllowance),
            (yuan("6000.00"), Payer::Fund)
        );
        assert_eq!(
            payer_of(&again, Item::OneTimeDisabilitySubsidy),
            (yuan("168000.00"), Payer::Employer)
        );
        app.approve_award(&CHECKER, again.award.id).unwrap();
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        assert!(!payers.award_to_recompute);
        let allowance: Vec<_> = payers
            .lines
            .iter()
            .filter(|l| l.item == Item::MonthlyDisabilityAllowance)
            .map(|l| (l.payer, l.from_month, l.until_month))
            .collect();
        assert_eq!(
            allowance,
            vec![
                (
                    Payer::Employer,
                    Some(month("2025-11")),
                    Some(month("2026-07"))
                ),
                (Payer::Fund, Some(month("2026-08")), None),
            ]
        );
    });
}
