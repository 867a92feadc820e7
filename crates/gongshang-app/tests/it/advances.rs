//! The fund's advance payment (Social Insurance Law Arts 41-42; Order No.
//! 15) through the services, on each backend, and the back-payment's
//! premiums and late fees in the fund's statement (Regulations Art 62(1)).
//! Today is 2026-06-30 (the test clock).

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::cases::{
    AdvanceApplication, AdvanceDecision, AdvanceRecoveryRequest, AdvanceState, BackPaymentRequest,
    MonthlyAdvanceEndRequest, SettleRequest,
};
use gongshang_app::fund::StatementPeriod;
use gongshang_domain::medical::ServiceKind;
use gongshang_domain::month::Month;
use gongshang_rules::Item;
use gongshang_rules::advance::{Debtor, Ground, MonthlyEnd};
use gongshang_store::advances::Applicant;
use jiff::civil::date;

use super::cases::{CHECKER, MAKER, award_request, each_backend, replacing};
use super::medical::{bill, institution};
use super::payers::{arrears_case, facts, uninsured_case, uninsured_case_of_grade};
use super::{ACTOR, yuan};

fn application(ground: Ground) -> AdvanceApplication {
    AdvanceApplication {
        ground,
        applicant: Applicant::Worker,
        applicant_name: "李四".into(),
        circumstance: "用人单位拒绝支付全部费用（第六条第二款第（二）项）".into(),
        third_party: (ground == Ground::ThirdParty).then(|| "肇事车辆驾驶人（不明）".into()),
        applied_on: Some(date(2026, 6, 1)),
        documents: "工伤认定决定书；医疗费原始票据".into(),
    }
}

fn grant(on: jiff::civil::Date) -> AdvanceDecision {
    AdvanceDecision {
        grant: true,
        reason: None,
        decided_on: Some(on),
    }
}

/// Social Insurance Law Art 41 with Order No. 15 Arts 6-8 and 13, on the
/// uninsured case of `payers.rs` (grade 4, own wage 8000.00, the unit pays
/// everything under Regulations Art 62(2)). The approved award's one-time
/// items: the disability subsidy 21 × 8000.00 = 168000.00 (the fund's when
/// insured) and the suspension wages 6 × 8000.00 = 48000.00 (the unit's
/// own: never advanced); a hospital bill of 8000.00 within the catalogues
/// was named the unit's. By hand the advance is 168000.00 + 8000.00 =
/// 176000.00. Applied 2026-06-01 (a Monday); the notice on 2026-06-02 gives
/// the unit 5 working days: 06-03, 04, 05, 08, 09, so it pays by 2026-06-09
/// and a grant that day is refused; granted 2026-06-10, paid 2026-06-12 by
/// a second person; the unit repays by 2026-06-22 (10 days, Art 13). It
/// repays 100000.00 on 06-20 and 76000.00 on 06-29; 0.01 more is refused.
/// The June statement: benefit `advance_payment` 176000.00, recovered
/// 176000.00.
/// Social Insurance Law Art 41: a unit that enrolled the worker but was in
/// arrears on the accident day owes the fund's items like an uninsured one,
/// so the fund may advance them on the unit's ground: the one-time
/// disability subsidy, 21 × 8000.00 = 168000.00, once the unit was written
/// to and its time to pay ran out.
#[test]
fn sil_41_a_unit_in_arrears_on_the_accident_day_is_advanced_for_on_the_unit_s_ground() {
    each_backend(|app, _| {
        let (_, _, number, _) = arrears_case(app, 62);
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        app.approve_award(&CHECKER, proposed.award.id).unwrap();
        let applied = app
            .apply_for_advance(&MAKER, &number, &application(Ground::EmployerUnpaid))
            .unwrap();
        app.notify_unit_of_advance(&MAKER, &number, applied.id, Some(date(2026, 6, 2)))
            .unwrap();
        let granted = app
            .decide_advance(&MAKER, &number, applied.id, &grant(date(2026, 6, 10)))
            .unwrap();
        assert_eq!(
            granted.granted,
            Some(yuan("168000.00")),
            "{:?}",
            granted.lines
        );
        assert!(granted.lines.iter().all(|l| l.paid_by_advance));
    });
}

#[test]
fn sil_41_the_fund_advances_the_fund_s_items_and_recovers_them_from_the_unit() {
    each_backend(|app, _| {
        let (u, p, number) = uninsured_case(app, 61);
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        app.approve_award(&CHECKER, proposed.award.id).unwrap();
        app.register_institution(&MAKER, &institution("GZ-0061", ServiceKind::Medical))
            .unwrap();
        let filed = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0061"),
                    date(2025, 3, 10),
                    "8000.00",
                    "0.00",
                ),
            )
            .unwrap();
        app.settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap();

        let worker = Actor {
            login: "worker-61".into(),
            role: Role::Worker,
            scope: Scope::Person(p),
        };
        let applied = app
            .apply_for_advance(&worker, &number, &application(Ground::EmployerUnpaid))
            .unwrap();
        assert_eq!(applied.state, AdvanceState::Applied);
        assert_eq!(applied.notice_due, Some(date(2026, 6, 4)), "3 working days");
        // A second application while this one is open: refused.
        assert_eq!(
            app.apply_for_advance(&MAKER, &number, &application(Ground::EmployerUnpaid))
                .unwrap_err()
                .code(),
            "conflict"
        );
        let id = applied.id;
        // Granted before the unit was written to: refused (Art 7).
        assert_eq!(
            app.decide_advance(&MAKER, &number, id, &grant(date(2026, 6, 10)))
                .unwrap_err()
                .code(),
            "conflict"
        );
        let notified = app
            .notify_unit_of_advance(&MAKER, &number, id, Some(date(2026, 6, 2)))
            .unwrap();
        assert_eq!(notified.unit_pay_by, Some(date(2026, 6, 9)));
        assert_eq!(notified.state, AdvanceState::UnitNotified);
        let early = app
            .decide_advance(&MAKER, &number, id, &grant(date(2026, 6, 9)))
            .unwrap_err();
        assert_eq!(early.field(), Some("decided_on"), "{early}");
        let granted = app
            .decide_advance(&MAKER, &number, id, &grant(date(2026, 6, 10)))
            .unwrap();
        assert_eq!(granted.granted, Some(yuan("176000.00")));
        assert_eq!(granted.lines.len(), 2, "{:?}", granted.lines);
        assert!(granted.lines.iter().all(|l| l.paid_by_advance));
        // Maker-checker: who granted it does not pay it.
        assert_eq!(
            app.pay_advance(&MAKER, &number, id, Some(date(2026, 6, 12)))
                .unwrap_err()
                .code(),
            "forbidden",
            "a clerk may not pay"
        );
        let paid = app
            .pay_advance(&CHECKER, &number, id, Some(date(2026, 6, 12)))
            .unwrap();
        assert_eq!(paid.state, AdvanceState::Paid);
        assert_eq!(paid.paid_out, Some(yuan("176000.00")));
        assert_eq!(paid.repay_by, Some(date(2026, 6, 22)));
        let recover = |on, amount: &str, doc: &str| {
            app.record_advance_recovery(
                &MAKER,
                &number,
                id,
                &AdvanceRecoveryRequest {
                    from: None,
                    received_on: on,
                    amount: yuan(amount),
                    document: doc.into(),
                },
            )
        };
        let part = recover(date(2026, 6, 20), "100000.00", "追偿收据 001").unwrap();
        assert_eq!(part.state, AdvanceState::PartlyRecovered);
        assert_eq!(part.outstanding, yuan("76000.00"));
        // The same receipt again adds nothing.
        let again = recover(date(2026, 6, 20), "100000.00", "追偿收据 001").unwrap();
        assert_eq!(again.recovered, yuan("100000.00"));
        let full = recover(date(2026, 6, 29), "76000.00", "追偿收据 002").unwrap();
        assert_eq!(full.state, AdvanceState::Recovered);
        let over = recover(date(2026, 6, 29), "0.01", "追偿收据 003").unwrap_err();
        assert_eq!(over.field(), Some("amount"), "{over}");

        // The worker reads the state in plain words, no internal codes.
        let seen = app.advances(&worker, &number).unwrap();
        assert_eq!(seen.len(), 1);
        assert!(
            seen[0].plain_zh.contains("176000.00"),
            "{}",
            seen[0].plain_zh
        );
        for text in [&seen[0].plain_zh, &seen[0].plain_en] {
            assert!(
                !text.contains("employer_unpaid") && !text.contains('_'),
                "{text}"
            );
        }
        // The unit's debt shows on the unit: nothing left after the repayments.
        let debts = app.unit_advance_debts(&ACTOR, &u).unwrap();
        assert_eq!((debts.advances.len(), debts.outstanding), (1, yuan("0.00")));

        let june = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::Month(Month::parse("2026-06").unwrap()),
                None,
                None,
            )
            .unwrap();
        let advanced = june
            .total
            .benefits
            .iter()
            .find(|b| b.item == "advance_payment")
            .map(|b| b.amount);
        assert_eq!(advanced, Some(yuan("176000.00")));
        assert_eq!(june.total.advances_recovered, yuan("176000.00"));
        assert_eq!(app.store().trial_balance().unwrap(), 0);
    });
}

/// Social Insurance Law Art 42 with Order No. 15 Arts 4-5 and 12: an
/// insured worker injured by a third party who does not pay; the hospital
/// bill of 8000.00 within the catalogues was settled and paid by the fund.
/// By hand the advance is those 8000.00, already out of the fund, so paying
/// it posts nothing more; the third party repays 8000.00, the fund's income.
#[test]
fn sil_42_a_third_party_s_medical_costs_are_advanced_and_recovered_from_the_third_party() {
    each_backend(|app, _| {
        let number = super::cases::recognised(app, 62);
        app.register_institution(&MAKER, &institution("GZ-0062", ServiceKind::Medical))
            .unwrap();
        let filed = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0062"),
                    date(2025, 3, 10),
                    "8000.00",
                    "0.00",
                ),
            )
            .unwrap();
        app.settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap();
        let a = app
            .apply_for_advance(&MAKER, &number, &application(Ground::ThirdParty))
            .unwrap();
        assert_eq!(a.notice_due, None, "no notice to the unit");
        assert_eq!(
            app.notify_unit_of_advance(&MAKER, &number, a.id, None)
                .unwrap_err()
                .code(),
            "conflict"
        );
        let g = app
            .decide_advance(&MAKER, &number, a.id, &grant(date(2026, 6, 2)))
            .unwrap();
        assert_eq!(g.granted, Some(yuan("8000.00")));
        let before = app.store().trial_balance().unwrap();
        let paid = app
            .pay_advance(&CHECKER, &number, a.id, Some(date(2026, 6, 3)))
            .unwrap();
        assert_eq!(
            (paid.paid_out, paid.advanced),
            (Some(yuan("0.00")), yuan("8000.00"))
        );
        assert_eq!(app.store().trial_balance().unwrap(), before);
        let back = app
            .record_advance_recovery(
                &MAKER,
                &number,
                a.id,
                &AdvanceRecoveryRequest {
                    from: None,
                    received_on: date(2026, 6, 25),
                    amount: yuan("8000.00"),
                    document: "法院判决执行款".into(),
                },
            )
            .unwrap();
        assert_eq!(back.state, AdvanceState::Recovered);
        assert_eq!(back.recoveries[0].debtor.as_str(), "third_party");
    });
}

/// Order No. 15 Art 11: the worker injured by a third party was advanced
/// the 8000.00 of medical costs (as in the Art 42 test), then obtained
/// 3000.00 from the third party's insurer and returns it to the fund
/// (`from: recipient`); the third party repays 5000.00 later. A unit cannot
/// repay an advance on the third party's ground (field `from`), the worker
/// never more than is still owed (advanced less recovered from anyone); the
/// receipts are posted to the ledger like the others (the June statement
/// counts 8000.00 recovered) and listed with who repaid.
#[test]
fn order15_11_the_worker_paid_by_the_third_party_returns_the_advance() {
    each_backend(|app, _| {
        let number = super::cases::recognised(app, 63);
        app.register_institution(&MAKER, &institution("GZ-0063", ServiceKind::Medical))
            .unwrap();
        let filed = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0063"),
                    date(2025, 3, 10),
                    "8000.00",
                    "0.00",
                ),
            )
            .unwrap();
        app.settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap();
        let a = app
            .apply_for_advance(&MAKER, &number, &application(Ground::ThirdParty))
            .unwrap();
        app.decide_advance(&MAKER, &number, a.id, &grant(date(2026, 6, 2)))
            .unwrap();
        app.pay_advance(&CHECKER, &number, a.id, Some(date(2026, 6, 3)))
            .unwrap();
        let repay = |from: Debtor, on, amount: &str, doc: &str| {
            app.record_advance_recovery(
                &MAKER,
                &number,
                a.id,
                &AdvanceRecoveryRequest {
                    from: Some(from),
                    received_on: on,
                    amount: yuan(amount),
                    document: doc.into(),
                },
            )
        };
        let e = repay(Debtor::Unit, date(2026, 6, 10), "100.00", "单位退款").unwrap_err();
        assert_eq!(e.field(), Some("from"), "{e}");
        let e = repay(
            Debtor::Recipient,
            date(2026, 6, 10),
            "8000.01",
            "个人退款 01",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("amount"), "{e}");
        let mine = repay(
            Debtor::Recipient,
            date(2026, 6, 10),
            "3000.00",
            "个人退款 01",
        )
        .unwrap();
        assert_eq!(mine.state, AdvanceState::PartlyRecovered);
        assert_eq!(mine.outstanding, yuan("5000.00"));
        assert_eq!(mine.recoveries[0].debtor, Debtor::Recipient);
        // The same receipt again adds nothing.
        let again = repay(
            Debtor::Recipient,
            date(2026, 6, 10),
            "3000.00",
            "个人退款 01",
        )
        .unwrap();
        assert_eq!(again.recovered, yuan("3000.00"));
        // Only what is still owed, whoever repays.
        let e = repay(
            Debtor::Recipient,
            date(2026, 6, 11),
            "5000.01",
            "个人退款 02",
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("amount"), "{e}");
        let rest = repay(
            Debtor::ThirdParty,
            date(2026, 6, 25),
            "5000.00",
            "保险公司赔款",
        )
        .unwrap();
        assert_eq!(rest.state, AdvanceState::Recovered);
        assert_eq!(
            rest.recoveries
                .iter()
                .map(|r| (r.debtor, r.amount))
                .collect::<Vec<_>>(),
            [
                (Debtor::Recipient, yuan("3000.00")),
                (Debtor::ThirdParty, yuan("5000.00"))
            ]
        );
        let june = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::Month(Month::parse("2026-06").unwrap()),
                None,
                None,
            )
            .unwrap();
        assert_eq!(june.total.advances_recovered, yuan("8000.00"));
        assert_eq!(app.store().trial_balance().unwrap(), 0);
    });
}

/// Order No. 15 Art 9: a refusal says why, and is shown to the worker.
#[test]
fn order15_9_a_refusal_is_decided_with_its_reason() {
    each_backend(|app, _| {
        let number = super::cases::recognised(app, 63);
        let a = app
            .apply_for_advance(&MAKER, &number, &application(Ground::ThirdParty))
            .unwrap();
        let no_reason = AdvanceDecision {
            grant: false,
            reason: Some("  ".into()),
            decided_on: None,
        };
        assert_eq!(
            app.decide_advance(&MAKER, &number, a.id, &no_reason)
                .unwrap_err()
                .field(),
            Some("reason")
        );
        // Nothing settled: nothing to advance.
        assert_eq!(
            app.decide_advance(&MAKER, &number, a.id, &grant(date(2026, 6, 2)))
                .unwrap_err()
                .code(),
            "conflict"
        );
        let refused = app
            .decide_advance(
                &MAKER,
                &number,
                a.id,
                &AdvanceDecision {
                    grant: false,
                    reason: Some("第三人已全额支付医疗费用".into()),
                    decided_on: None,
                },
            )
            .unwrap();
        assert_eq!(refused.state, AdvanceState::Refused);
        assert!(refused.plain_zh.contains("第三人已全额支付医疗费用"));
        assert_eq!(
            refused.refusal_due,
            date(2026, 6, 8),
            "5 working days from 06-01"
        );
    });
}

/// Regulations Art 62(1): the back-payment's premiums 3600.00 and late fees
/// 220.00, settled 2026-06-10, are the fund's income in June: billed and
/// collected 3600.00 from the unit, late fees 220.00; the surplus of the
/// month counts 3600.00 + 220.00 = 3820.00 of them. The ledger balances.
#[test]
fn art62_1_the_back_payment_s_premiums_and_late_fees_are_in_the_fund_s_statement() {
    each_backend(|app, _| {
        let (u, _, _) = uninsured_case(app, 64);
        app.record_back_payment(
            &MAKER,
            &BackPaymentRequest {
                unit: u,
                scheme_id: "guangdong.employees".parse().unwrap(),
                period_from: date(2025, 1, 1),
                period_until: date(2025, 5, 31),
                settled_on: date(2026, 6, 10),
                premiums: yuan("3600.00"),
                late_fees: yuan("220.00"),
                document: "穗社保补缴 2026-0064".into(),
            },
        )
        .unwrap();
        let june = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::Month(Month::parse("2026-06").unwrap()),
                None,
                None,
            )
            .unwrap();
        assert_eq!(june.total.late_fees, yuan("220.00"));
        assert!(june.total.billed.unit >= yuan("3600.00"));
        assert!(june.total.collected.unit >= yuan("3600.00"));
        assert_eq!(app.store().trial_balance().unwrap(), 0);
    });
}

/// Order No. 15 Art 8 with Regulations Art 62(2), month by month: the
/// uninsured unit's grade-3 worker (own wage 8000.00); the approved award
/// makes the unit pay the one-time disability subsidy 23 × 8000.00 =
/// 184000.00 (the fund's item when insured), the suspension wages 6 ×
/// 8000.00 = 48000.00 (the unit's own) and the grade 1-4 allowance 80% ×
/// 8000.00 = 6400.00 a month from 2025-11 (the fund's item when insured,
/// payer the unit). The worker applies 2026-06-01, the unit is written to
/// 06-02 and does not pay by 06-09; granted 06-10: 184000.00 now and the
/// allowance month by month from 2026-06 (the month of the grant); a
/// reviewer pays 06-12. The payroll of 2026-07 and 2026-08 advances
/// 6400.00 each month (not as the fund's own benefit: the payroll's own
/// total stays 0.00), so the unit owes 184000.00 + 2 × 6400.00 =
/// 196800.00. A suspended allowance is not advanced for 2026-09; ending
/// the monthly advance after 2026-07 is refused (2026-08 is advanced),
/// after 2026-08 (the unit pays again) it stops: the allowance cannot end
/// before 2026-08 (advanced months count as paid), 2026-10 advances nothing
/// after the allowance is resumed, and the debt stays 196800.00.
#[test]
fn order15_art_8_the_payroll_advances_the_uninsured_unit_s_monthly_allowance_until_ended() {
    each_backend(|app, _| {
        let (u, p, number) = uninsured_case_of_grade(app, 62, 3);
        let proposed = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        app.approve_award(&CHECKER, proposed.award.id).unwrap();
        let worker = Actor {
            login: "worker-62".into(),
            role: Role::Worker,
            scope: Scope::Person(p),
        };
        let id = app
            .apply_for_advance(&worker, &number, &application(Ground::EmployerUnpaid))
            .unwrap()
            .id;
        app.notify_unit_of_advance(&MAKER, &number, id, Some(date(2026, 6, 2)))
            .unwrap();
        let granted = app
            .decide_advance(&MAKER, &number, id, &grant(date(2026, 6, 10)))
            .unwrap();
        assert_eq!(
            granted.granted,
            Some(yuan("184000.00")),
            "{:?}",
            granted.lines
        );
        assert_eq!(granted.monthly.len(), 1, "{:?}", granted.monthly);
        let m = &granted.monthly[0];
        assert_eq!(
            (m.item, m.beneficiary.as_str(), m.from_month.to_string()),
            (
                Item::MonthlyDisabilityAllowance,
                "worker",
                "2026-06".to_owned()
            )
        );
        assert!(!granted.monthly_running, "not before it is paid");
        let benefit = m.benefit_id;
        // Before the reviewer pays, the payroll advances nothing.
        let early = app
            .run_payroll(&ACTOR, Month::parse("2026-06").unwrap())
            .unwrap();
        assert_eq!(
            (early.advance_lines, early.advance_total),
            (0, yuan("0.00"))
        );
        let paid = app
            .pay_advance(&CHECKER, &number, id, Some(date(2026, 6, 12)))
            .unwrap();
        assert!(paid.monthly_running);
        assert_eq!(paid.outstanding, yuan("184000.00"));

        for month in ["2026-07", "2026-08"] {
            let run = app
                .run_payroll(&ACTOR, Month::parse(month).unwrap())
                .unwrap();
            assert_eq!(
                (run.advance_lines, run.advance_total, run.total),
                (1, yuan("6400.00"), yuan("0.00")),
                "{month}: advanced, not the fund's own benefit"
            );
            // A second run of the month advances nothing twice.
            let again = app
                .run_payroll(&ACTOR, Month::parse(month).unwrap())
                .unwrap();
            assert_eq!(again.advance_lines, 0, "{month}");
        }
        let runs = app
            .payroll_runs(&ACTOR, Month::parse("2026-07").unwrap())
            .unwrap();
        assert_eq!(runs[0].advance_total, yuan("6400.00"));
        let debts = app.unit_advance_debts(&ACTOR, &u).unwrap();
        assert_eq!(debts.outstanding, yuan("196800.00"));
        let view = &app.advances(&worker, &number).unwrap()[0];
        assert_eq!(
            (
                view.monthly_months_paid,
                view.monthly_advanced,
                view.advanced
            ),
            (2, yuan("12800.00"), yuan("196800.00"))
        );
        assert_eq!(view.monthly_from, Some(Month::parse("2026-06").unwrap()));

        // Suspended: not advanced.
        app.suspend_benefit(&ACTOR, benefit, "待核实").unwrap();
        let sep = app
            .run_payroll(&ACTOR, Month::parse("2026-09").unwrap())
            .unwrap();
        assert_eq!(sep.advance_lines, 0, "a suspended benefit is not advanced");

        let end = |last: &str| MonthlyAdvanceEndRequest {
            last_month: Month::parse(last).unwrap(),
            reason: MonthlyEnd::UnitResumed,
            note: "用人单位自2026年9月起恢复按月支付伤残津贴".into(),
        };
        // Who may: the clerks, not the worker nor a reviewer.
        assert_eq!(
            app.end_monthly_advance(&worker, &number, id, &end("2026-08"))
                .unwrap_err()
                .code(),
            "forbidden"
        );
        let before = app
            .end_monthly_advance(&MAKER, &number, id, &end("2026-07"))
            .unwrap_err();
        assert_eq!(before.field(), Some("last_month"), "{before}");
        let ended = app
            .end_monthly_advance(&MAKER, &number, id, &end("2026-08"))
            .unwrap();
        assert!(!ended.monthly_running);
        assert_eq!(
            ended.monthly_end.as_ref().map(|e| e.last_month.to_string()),
            Some("2026-08".to_owned())
        );
        assert_eq!(
            app.end_monthly_advance(&MAKER, &number, id, &end("2026-09"))
                .unwrap_err()
                .code(),
            "conflict",
            "once"
        );
        // A month advanced counts as paid: the benefit cannot end before it.
        let death = app
            .end_benefit(
                &ACTOR,
                benefit,
                &gongshang_app::payroll::BenefitEnd::Death {
                    month: Month::parse("2026-07").unwrap(),
                },
            )
            .unwrap_err();
        assert_eq!(death.code(), "conflict", "{death}");
        app.resume_benefit(&ACTOR, benefit, "核实完毕").unwrap();
        let oct = app
            .run_payroll(&ACTOR, Month::parse("2026-10").unwrap())
            .unwrap();
        assert_eq!(oct.advance_lines, 0, "ended: nothing more advanced");
        assert_eq!(
            app.unit_advance_debts(&ACTOR, &u).unwrap().outstanding,
            yuan("196800.00")
        );
        // Each month posted as an advance expenditure: the July statement.
        let july = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::Month(Month::parse("2026-07").unwrap()),
                None,
                None,
            )
            .unwrap();
        let advanced = july
            .total
            .benefits
            .iter()
            .find(|b| b.item == "advance_payment")
            .map(|b| b.amount);
        assert_eq!(advanced, Some(yuan("6400.00")));
        assert_eq!(app.store().trial_balance().unwrap(), 0);
    });
}

/// Regulations Art 62(3) with Order No. 15 Art 8: the grade-4 case of the
/// uninsured unit (allowance 75% × 8000.00 = 6000.00 a month, the unit's
/// under Art 62(2)); the advance granted 2026-06-10 and paid 2026-06-12;
/// the June payroll advances 6000.00. The unit (enrolled from 2025-06-01)
/// settles its back-payment on 2026-06-20; the award
/// computed again makes the allowance the fund's own from 2026-07 and ends
/// the unit's after 2026-06. The July payroll pays 6000.00 as the fund's
/// own benefit and advances nothing: the advance stops by itself, its item
/// showing the benefit's end; the clerk then records why (back_payment)
/// after 2026-06, and the unit owes the one-time advance 168000.00 plus
/// June's 6000.00 = 174000.00.
#[test]
fn order15_art_8_reg_62_3_the_back_payment_moves_the_month_to_the_fund_and_stops_the_advance() {
    each_backend(|app, _| {
        let (u, _, number) = uninsured_case(app, 63);
        let first = app
            .compute_award(&MAKER, &number, &award_request(facts(), "initial"))
            .unwrap();
        let first = app.approve_award(&CHECKER, first.award.id).unwrap();
        let id = app
            .apply_for_advance(&MAKER, &number, &application(Ground::EmployerUnpaid))
            .unwrap()
            .id;
        app.notify_unit_of_advance(&MAKER, &number, id, Some(date(2026, 6, 2)))
            .unwrap();
        app.decide_advance(&MAKER, &number, id, &grant(date(2026, 6, 10)))
            .unwrap();
        app.pay_advance(&CHECKER, &number, id, Some(date(2026, 6, 12)))
            .unwrap();
        let june = app
            .run_payroll(&ACTOR, Month::parse("2026-06").unwrap())
            .unwrap();
        assert_eq!(
            (june.advance_lines, june.advance_total, june.total),
            (1, yuan("6000.00"), yuan("0.00"))
        );

        app.record_back_payment(
            &MAKER,
            &BackPaymentRequest {
                unit: u,
                scheme_id: "guangdong.employees".parse().unwrap(),
                period_from: date(2025, 1, 1),
                period_until: date(2025, 5, 31),
                settled_on: date(2026, 6, 20),
                premiums: yuan("3600.00"),
                late_fees: yuan("220.00"),
                document: "穗社保补缴 2026-0063".into(),
            },
        )
        .unwrap();
        let again = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts(), "back_payment"), first.award.id),
            )
            .unwrap();
        app.approve_award(&CHECKER, again.award.id).unwrap();

        let july = app
            .run_payroll(&ACTOR, Month::parse("2026-07").unwrap())
            .unwrap();
        assert_eq!(
            (july.advance_lines, july.total),
            (0, yuan("6000.00")),
            "the fund's own month, not an advance"
        );
        let view = &app.advances(&ACTOR, &number).unwrap()[0];
        assert_eq!(
            view.monthly[0].benefit_end_month,
            Some(Month::parse("2026-06").unwrap())
        );
        let ended = app
            .end_monthly_advance(
                &MAKER,
                &number,
                id,
                &MonthlyAdvanceEndRequest {
                    last_month: Month::parse("2026-06").unwrap(),
                    reason: MonthlyEnd::BackPayment,
                    note: "穗社保补缴 2026-0063".into(),
                },
            )
            .unwrap();
        assert!(!ended.monthly_running);
        assert_eq!(
            app.unit_advance_debts(&ACTOR, &u).unwrap().outstanding,
            yuan("174000.00")
        );
        assert_eq!(app.store().trial_balance().unwrap(), 0);
    });
}
