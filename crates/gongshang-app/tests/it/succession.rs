//! What a successor inherits (issue 17; Regulations Art 43(1)), through the
//! use cases, on each backend: the predecessor's unpaid bills and late fees
//! taken over after a merger (Civil Code Art 67(1)), which then no longer
//! hold the predecessor's cancellation (Decree 765 Art 10); the employer's
//! items of a predecessor's case paid by the successor from the month of
//! the merger, and its back-payment counting for the case (Art 62(3)).

use gongshang_app::PaymentRequest;
use gongshang_app::handling::UnitCancellationForm;
use gongshang_app::liability::{EnrollmentTransferRequest, SuccessionRequest};
use gongshang_domain::ids::CreditCode;
use gongshang_domain::liability::SuccessionKind;
use gongshang_domain::month::Month;
use gongshang_rules::scheme::Category;
use gongshang_rules::{Item, Money, Payer};
use jiff::civil::{Date, date};

use crate::{ACTOR, ADMIN, each_backend, person, request, ts, unit, yuan};

fn change(successor: CreditCode, kind: SuccessionKind, on: Date) -> SuccessionRequest {
    SuccessionRequest {
        successor,
        kind,
        effective_on: on,
        document: "穗人社变更〔2025〕7号".into(),
        contractor_qualified: None,
    }
}

#[test]
fn regs_art43_1_civil_code_art67_a_merged_unit_s_unpaid_bills_are_the_successor_s() {
    each_backend(|app, clock| {
        let u1 = unit(app, 71, "440106");
        let u2 = unit(app, 72, "440106");
        let p = person(app, "440106", date(2003, 6, 1), 71);
        let scheme = "guangdong.specific_persons";
        let e = app
            .enroll(
                &ACTOR,
                &request(p, Some(u1), scheme, Category::Intern, date(2025, 1, 1)),
            )
            .unwrap();
        let bill = app
            .declare_month(
                &ACTOR,
                &u1,
                &scheme.parse().unwrap(),
                Month::parse("2025-01").unwrap(),
                &[(p, yuan("6000"))],
            )
            .unwrap();
        clock.set(ts("2025-03-20T02:00:00Z"));
        app.end_enrollment(&ACTOR, e.enrollment_id, date(2025, 3, 15))
            .unwrap();
        // Nothing to take over before the merger is recorded.
        let err = app.take_over_debts(&ACTOR, &u1, &u2).unwrap_err();
        assert_eq!(err.code(), "not_found", "{err}");
        app.record_succession(
            &ACTOR,
            &u1,
            &change(u2, SuccessionKind::Merger, date(2025, 3, 16)),
        )
        .unwrap();
        let input = UnitCancellationForm {
            last_day: "2025-03-15".into(),
            received_on: "2025-03-18".into(),
            reason: "被吸收合并".into(),
            document: String::new(),
        }
        .parse()
        .unwrap();
        // The bill holds the predecessor's cancellation until taken over.
        let err = app.cancel_unit(&ACTOR, &u1, &input).unwrap_err();
        assert!(err.to_string().contains("premiums"), "{err}");
        // A unit may not take over debts; the clerk does.
        let unit_actor = gongshang_app::accounts::Actor {
            login: "u2".into(),
            role: gongshang_app::accounts::Role::Unit,
            scope: gongshang_app::accounts::Scope::Unit {
                unit: u2,
                platform: None,
            },
        };
        assert_eq!(
            app.take_over_debts(&unit_actor, &u1, &u2)
                .unwrap_err()
                .code(),
            "forbidden"
        );

        let taken = app.take_over_debts(&ACTOR, &u1, &u2).unwrap();
        assert!(!taken.already_recorded);
        assert_eq!(taken.taken.len(), 1);
        let d = &taken.taken[0];
        assert_eq!((d.bill_id, d.from_unit, d.to_unit), (bill.bill_id, u1, u2));
        assert_eq!(d.premiums, bill.amount);
        assert!(d.late_fees.fen() > 0, "the fee run up since the due date");
        // Again: nothing new, nothing changed (idempotent).
        let again = app.take_over_debts(&ACTOR, &u1, &u2).unwrap();
        assert!(again.already_recorded && again.taken.is_empty());

        // The successor's page shows it; the predecessor's what it passed on.
        let inherited = app.inherited_of_unit(&unit_actor, &u2).unwrap();
        assert_eq!(inherited.debts.len(), 1);
        assert_eq!(inherited.debts[0].premiums, bill.amount);
        assert!(inherited.debts_total() > bill.amount);
        let passed = app.inherited_of_unit(&ACTOR, &u1).unwrap();
        assert!(passed.debts.is_empty());
        assert_eq!(passed.passed_on.len(), 1);

        // The predecessor cancels now; the successor, owing, may not.
        let done = app.cancel_unit(&ACTOR, &u1, &input).unwrap();
        assert_eq!(done.last_day, date(2025, 3, 15));
        let err = app.cancel_unit(&ACTOR, &u2, &input).unwrap_err();
        assert!(err.to_string().contains("premiums"), "{err}");

        // The successor pays the predecessor's bill: it is settled, and the
        // late fee assessed on the late payment is the successor's to pay.
        app.record_payment(
            &ACTOR,
            &PaymentRequest {
                bill_id: bill.bill_id,
                amount: bill.amount,
                paid_on: date(2025, 3, 20),
                idempotency_key: "succ-pay-1".into(),
                payer: None,
            },
        )
        .unwrap();
        let inherited = app.inherited_of_unit(&ACTOR, &u2).unwrap();
        assert_eq!(inherited.debts[0].premiums, Money::ZERO);
        let fee = inherited.debts[0].late_fees;
        assert!(fee.fen() > 0);
        app.record_late_fee_payment(
            &ACTOR,
            &gongshang_app::late_fees::LateFeePaymentRequest {
                bill_id: bill.bill_id,
                amount: fee,
                paid_on: date(2025, 3, 20),
                idempotency_key: "succ-fee-1".into(),
            },
        )
        .unwrap();
        let inherited = app.inherited_of_unit(&ACTOR, &u2).unwrap();
        assert_eq!(inherited.debts_total(), Money::ZERO);

        // A division (joint debts, Civil Code Art 67(2)) and a contracting
        // out (Art 43(2)) take over nothing.
        let u3 = unit(app, 73, "440106");
        let u4 = unit(app, 74, "440106");
        app.record_succession(
            &ACTOR,
            &u3,
            &change(u4, SuccessionKind::Division, date(2025, 3, 1)),
        )
        .unwrap();
        let err = app.take_over_debts(&ACTOR, &u3, &u4).unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        assert!(err.to_string().contains("67"), "{err}");
        let u5 = unit(app, 75, "440106");
        app.record_succession(
            &ACTOR,
            &u4,
            &change(u5, SuccessionKind::ContractingOut, date(2025, 3, 1)),
        )
        .unwrap();
        let err = app.take_over_debts(&ACTOR, &u4, &u5).unwrap_err();
        assert!(err.to_string().contains("43"), "{err}");
    });
}

/// The uninsured case of `payers.rs` (injured 2025-03-10 while its unit had
/// not enrolled the worker, grade 4: every item the unit's, Art 62(2)): the
/// unit merges into another on 2026-01-01.
#[test]
fn regs_art43_1_art62_the_successor_pays_the_employer_s_items_and_its_back_payment_counts() {
    super::cases::each_backend(|app, _| {
        let (u1, p, number) = super::payers::uninsured_case(app, 81);
        let proposed = app
            .compute_award(
                &super::cases::MAKER,
                &number,
                &super::cases::award_request(super::payers::facts(), "initial"),
            )
            .unwrap();
        app.approve_award(&super::cases::CHECKER, proposed.award.id)
            .unwrap();
        let u2 = unit(app, 82, "440106");
        app.record_succession(
            &ADMIN,
            &u1,
            &change(u2, SuccessionKind::Merger, date(2026, 1, 1)),
        )
        .unwrap();

        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let allowance: Vec<_> = payers
            .lines
            .iter()
            .filter(|l| l.item == Item::MonthlyDisabilityAllowance)
            .collect();
        assert_eq!(allowance.len(), 2, "{allowance:?}");
        assert_eq!(allowance[0].payer, Payer::Employer);
        assert_eq!(
            (allowance[0].unit, allowance[0].until_month),
            (Some(u1), Some(Month::parse("2025-12").unwrap()))
        );
        assert_eq!(allowance[0].succession, None);
        assert_eq!(
            (allowance[1].unit, allowance[1].from_month),
            (Some(u2), Some(Month::parse("2026-01").unwrap()))
        );
        let s = allowance[1].succession.as_ref().unwrap();
        assert_eq!(
            (s.kind, s.effective_on),
            (SuccessionKind::Merger, date(2026, 1, 1))
        );
        // A one-time employer's item is owed today by the successor.
        let subsidy = payers
            .lines
            .iter()
            .find(|l| l.item == Item::OneTimeDisabilitySubsidy)
            .unwrap();
        assert_eq!(subsidy.unit, Some(u2));

        // The successor's page lists the allowance it pays.
        let inherited = app.inherited_of_unit(&ACTOR, &u2).unwrap();
        assert_eq!(inherited.benefits.len(), 1, "{:?}", inherited.benefits);
        let b = &inherited.benefits[0];
        assert_eq!(
            (b.item, b.case_unit, b.from_month, b.amount),
            (
                Item::MonthlyDisabilityAllowance,
                u1,
                Month::parse("2026-01").unwrap(),
                Some(yuan("6000.00"))
            )
        );

        // Art 35 para 2: the unit paying the medical insurance on the
        // allowance is the one bearing the case in the month: the
        // predecessor to December, the successor from January, which lists
        // the worker as its own.
        let bases = |m: &str, asked: Option<&CreditCode>| {
            app.medical_insurance_bases(&ACTOR, Month::parse(m).unwrap(), asked)
                .unwrap()
                .rows
                .into_iter()
                .filter(|r| r.case_number == number)
                .map(|r| (r.unit_code, r.case_unit_code))
                .collect::<Vec<_>>()
        };
        let (c1, c2) = (Some(u1.as_str().to_owned()), Some(u2.as_str().to_owned()));
        assert_eq!(bases("2025-12", None), [(c1.clone(), c1.clone())]);
        assert_eq!(bases("2026-01", None), [(c2.clone(), c1.clone())]);
        assert_eq!(bases("2026-01", Some(&u2)), [(c2.clone(), c1.clone())]);
        assert_eq!(bases("2026-01", Some(&u1)), []);
        assert_eq!(bases("2025-12", Some(&u1)), [(c1.clone(), c1.clone())]);

        // Art 62(3): the successor, enrolled by the 变更登记, pays back the
        // predecessor's uninsured period: it counts for the case.
        app.transfer_enrollments(
            &ADMIN,
            &u1,
            &EnrollmentTransferRequest {
                successor: u2,
                people: None,
                commitment: None,
            },
        )
        .unwrap();
        app.record_back_payment(
            &ACTOR,
            &gongshang_app::cases::BackPaymentRequest {
                unit: u2,
                scheme_id: "guangdong.employees".parse().unwrap(),
                period_from: date(2025, 1, 1),
                period_until: date(2025, 5, 31),
                settled_on: date(2026, 2, 1),
                premiums: yuan("3600.00"),
                late_fees: yuan("220.00"),
                document: "穗社保补缴 2026-0081".into(),
            },
        )
        .unwrap();
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let found = payers.finding.unwrap().back_payment.unwrap();
        assert_eq!((found.unit, found.settled_on), (u2, date(2026, 2, 1)));
        assert!(payers.award_to_recompute);
        let _ = p;
    });
}

/// A division into two units: the employer's items move to the one the
/// clerk named the worker to (the enrolment transfer), none before.
#[test]
fn regs_art43_1_a_division_moves_the_employer_s_items_of_the_worker_the_clerk_names() {
    super::cases::each_backend(|app, _| {
        let (u1, p, number) = super::payers::uninsured_case(app, 91);
        let proposed = app
            .compute_award(
                &super::cases::MAKER,
                &number,
                &super::cases::award_request(super::payers::facts(), "initial"),
            )
            .unwrap();
        app.approve_award(&super::cases::CHECKER, proposed.award.id)
            .unwrap();
        let u2 = unit(app, 92, "440106");
        let u3 = unit(app, 93, "440106");
        for to in [u2, u3] {
            app.record_succession(
                &ADMIN,
                &u1,
                &change(to, SuccessionKind::Division, date(2026, 1, 1)),
            )
            .unwrap();
        }
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let after: Vec<_> = payers
            .lines
            .iter()
            .filter(|l| l.item == Item::MonthlyDisabilityAllowance)
            .collect();
        assert_eq!(after.len(), 2, "{after:?}");
        assert_eq!(after[1].unit, None, "undetermined until named");
        assert_eq!(
            after[1].succession.as_ref().map(|s| s.kind),
            Some(SuccessionKind::Division)
        );
        app.transfer_enrollments(
            &ADMIN,
            &u1,
            &EnrollmentTransferRequest {
                successor: u3,
                people: Some(vec![p]),
                commitment: None,
            },
        )
        .unwrap();
        let payers = app.case_payers(&ACTOR, &number).unwrap();
        let after: Vec<_> = payers
            .lines
            .iter()
            .filter(|l| l.item == Item::MonthlyDisabilityAllowance)
            .collect();
        assert_eq!(after[1].unit, Some(u3));
        assert!(
            app.inherited_of_unit(&ACTOR, &u2)
                .unwrap()
                .benefits
                .is_empty()
        );
        assert_eq!(
            app.inherited_of_unit(&ACTOR, &u3).unwrap().benefits.len(),
            1
        );
    });
}
