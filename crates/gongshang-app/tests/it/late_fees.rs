//! The late fee of a bill paid late, as a debt of its own (社会保险法 Art 86;
//! 工伤保险条例 Art 62(1)): assessed with each late payment on the amount it
//! settles for the days from the day after the due date to the day
//! received, owed by the unit until paid, and income of the fund's
//! statement when collected.

use gongshang_app::fund::StatementPeriod;
use gongshang_app::late_fees::LateFeePaymentRequest;
use gongshang_rules::rate::Rate;

use super::*;

/// 0.05% a day for `days` on `fen`, rounded half away from zero (by hand).
fn fee_by_hand(fen: i64, days: i64) -> Money {
    Money::from_fen((fen * 5 * days + 5_000) / 10_000)
}

/// A unit's intern declared for 2021-04: the bill is due 2021-05-15, a
/// Saturday, so 2021-05-17.
fn april_bill(app: &App) -> (CreditCode, gongshang_app::IssuedBill) {
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
    assert_eq!(bill.due_date, date(2021, 5, 17));
    (u, bill)
}

fn pay(
    app: &App,
    bill_id: i64,
    key: &str,
    amount: Money,
    on: Date,
) -> gongshang_app::PaymentReceipt {
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
    .unwrap()
}

#[test]
fn social_insurance_law_art_86_a_bill_paid_ten_days_late_owes_the_fee_on_its_amount() {
    each_backend(|app, clock| {
        let (u, bill) = april_bill(app);
        // received 2021-05-27 (in China): 05-18 to 05-27 is ten days late
        clock.set(ts("2021-05-27T02:00:00Z"));
        let receipt = pay(app, bill.bill_id, "late-1", bill.amount, date(2021, 5, 27));
        assert!(!receipt.already_recorded);
        let expected = fee_by_hand(bill.amount.fen(), 10);
        assert_eq!(
            expected,
            bill.amount
                .mul_rate(Rate::new(5, 10_000).times(Rate::new(10, 1)))
        );
        let fees = app.late_fees_of_unit(&ACTOR, &u).unwrap();
        assert_eq!(fees.len(), 1);
        let f = &fees[0];
        assert_eq!(f.bill_id, bill.bill_id);
        assert_eq!(
            (f.assessed, f.paid, f.owed),
            (expected, Money::ZERO, expected)
        );
        assert_eq!(f.assessments.len(), 1);
        let a = &f.assessments[0];
        assert_eq!((a.settled, a.days), (bill.amount, 10));
        assert_eq!(a.daily_rate, Rate::new(5, 10_000));
        assert_eq!(a.assessed_on, date(2021, 5, 27));
        assert!(a.basis.contains("第八十六条"), "{}", a.basis);
        assert_eq!(a.payment_id, receipt.payment_id);
        // the bill itself is paid: no arrears, the fee is owed apart
        assert!(app.arrears(&ACTOR, date(2021, 6, 1)).unwrap().is_empty());
        assert_eq!(app.late_fees_owed(&ACTOR).unwrap().len(), 1);

        // the same payment again assesses nothing
        let again = pay(app, bill.bill_id, "late-1", bill.amount, date(2021, 5, 27));
        assert!(again.already_recorded);
        let fees = app.late_fees_of_unit(&ACTOR, &u).unwrap();
        assert_eq!((fees[0].assessments.len(), fees[0].assessed), (1, expected));
    });
}

#[test]
fn social_insurance_law_art_86_a_bill_paid_on_its_due_day_owes_no_fee() {
    each_backend(|app, clock| {
        let (u, bill) = april_bill(app);
        clock.set(ts("2021-05-17T02:00:00Z"));
        pay(app, bill.bill_id, "on-time", bill.amount, date(2021, 5, 17));
        assert!(app.late_fees_of_unit(&ACTOR, &u).unwrap().is_empty());
        assert!(app.late_fees_owed(&ACTOR).unwrap().is_empty());
    });
}

#[test]
fn social_insurance_law_art_86_each_partial_payment_owes_the_fee_on_its_own_amount_and_days() {
    each_backend(|app, clock| {
        let (u, bill) = april_bill(app);
        let half = Money::from_fen(bill.amount.fen() / 2);
        let rest = bill.amount.checked_sub(half).unwrap();
        // half received three days late
        clock.set(ts("2021-05-20T02:00:00Z"));
        pay(app, bill.bill_id, "part-1", half, date(2021, 5, 20));
        // the rest keeps running as arrears: on 05-27 ten days on the rest
        let running = app
            .arrears_with_late_fees(&ACTOR, date(2021, 5, 27))
            .unwrap();
        assert_eq!(running.len(), 1);
        assert_eq!(running[0].1, fee_by_hand(rest.fen(), 10));
        // the rest received ten days late: assessed what was running
        clock.set(ts("2021-05-27T02:00:00Z"));
        pay(app, bill.bill_id, "part-2", rest, date(2021, 5, 27));
        let fees = app.late_fees_of_unit(&ACTOR, &u).unwrap();
        let f = &fees[0];
        let days: Vec<(Money, i64, Money)> = f
            .assessments
            .iter()
            .map(|a| (a.settled, a.days, a.amount))
            .collect();
        assert_eq!(
            days,
            vec![
                (half, 3, fee_by_hand(half.fen(), 3)),
                (rest, 10, fee_by_hand(rest.fen(), 10)),
            ]
        );
        assert_eq!(
            f.owed,
            fee_by_hand(half.fen(), 3)
                .checked_add(fee_by_hand(rest.fen(), 10))
                .unwrap()
        );
        assert!(app.arrears(&ACTOR, date(2021, 6, 1)).unwrap().is_empty());
    });
}

#[test]
fn social_insurance_law_art_86_the_fee_is_paid_once_never_more_than_owed_and_is_the_fund_s_income_when_collected()
 {
    each_backend(|app, clock| {
        let (u, bill) = april_bill(app);
        clock.set(ts("2021-05-27T02:00:00Z"));
        pay(app, bill.bill_id, "late-1", bill.amount, date(2021, 5, 27));
        let owed = fee_by_hand(bill.amount.fen(), 10);
        let req = |key: &str, amount: Money| LateFeePaymentRequest {
            bill_id: bill.bill_id,
            amount,
            paid_on: date(2021, 6, 2),
            idempotency_key: key.into(),
        };
        // assessed in May, not collected: not yet the statement's income
        clock.set(ts("2021-06-02T02:00:00Z"));
        let may = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::Month(Month::parse("2021-05").unwrap()),
                None,
                None,
            )
            .unwrap();
        assert_eq!(may.total.late_fees, Money::ZERO);
        let too_much = app
            .record_late_fee_payment(
                &ACTOR,
                &req("fee-1", owed.checked_add(Money::from_fen(1)).unwrap()),
            )
            .unwrap_err();
        assert_eq!(too_much.code(), "conflict", "{too_much}");
        let zero = app
            .record_late_fee_payment(&ACTOR, &req("fee-1", Money::ZERO))
            .unwrap_err();
        assert_eq!(zero.field(), Some("amount"));
        let paid = app
            .record_late_fee_payment(&ACTOR, &req("fee-1", owed))
            .unwrap();
        assert!(!paid.already_recorded);
        assert_eq!((paid.fees.paid, paid.fees.owed), (owed, Money::ZERO));
        let again = app
            .record_late_fee_payment(&ACTOR, &req("fee-1", owed))
            .unwrap();
        assert!(again.already_recorded);
        assert_eq!(again.payment_id, paid.payment_id);
        assert!(app.late_fees_owed(&ACTOR).unwrap().is_empty());
        assert_eq!(app.late_fees_of_unit(&ACTOR, &u).unwrap()[0].paid, owed);
        // nothing more is owed: another payment is refused
        let more = app
            .record_late_fee_payment(&ACTOR, &req("fee-2", Money::from_fen(1)))
            .unwrap_err();
        assert_eq!(more.code(), "conflict");
        // counted once: in June, when collected
        let june = app
            .fund_statement(
                &ACTOR,
                StatementPeriod::Month(Month::parse("2021-06").unwrap()),
                None,
                None,
            )
            .unwrap();
        assert_eq!(june.total.late_fees, owed);
        let store = app.store();
        assert_eq!(
            store.fund_flows("2021-12").unwrap(),
            store.fund_flows_from_ledger("2021-12").unwrap()
        );
        assert_eq!(store.trial_balance().unwrap(), 0);
    });
}
