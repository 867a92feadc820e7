//! An approved deferral of premiums (缓缴): 人社厅发〔2022〕16号 (the unit's part
//! of the work-injury premiums of 2022-04 to 2023-03 deferred, "缓缴期间免收
//! 滞纳金") and 人社部发〔2022〕31号 (repaid by the end of 2023, "补缴期间免收
//! 滞纳金"; its notices: "缓缴、补缴期间认定为正常缴费状态，不得作欠费处理").
//!
//! Every case: one bill of 1,000.00 yuan (100,000 fen) of the unit, due on
//! the 15th of the month after its period; the deferral of 2022-04 to
//! 2023-03 with repayment by 2023-12-31; the late fee rate in force
//! (0.05% a day, `contribution.late_fee_daily_rate`).

use gongshang_rules::Money;
use gongshang_rules::arrears::{DatedPayment, UnitBill, arrears_on};
use gongshang_rules::deferral::{Deferral, deferred_to, effective_due_date};
use gongshang_rules::late_fee::late_fee;
use jiff::civil::{Date, date};

fn deferral_2022() -> Deferral {
    Deferral {
        first_period: "2022-04".to_owned(),
        last_period: "2023-03".to_owned(),
        repay_by: date(2023, 12, 31),
    }
}

fn pay(on: Date, fen: i64) -> DatedPayment {
    DatedPayment {
        paid_on: on,
        amount: Money::from_fen(fen),
    }
}

/// One case, as data.
struct Case<'a> {
    /// The bill's period and own due date.
    period: &'static str,
    due: Date,
    /// Premiums received (day, fen) and the late fees assessed on them
    /// with their payments.
    paid: &'a [(Date, i64)],
    fees_assessed_fen: i64,
    fees_paid: &'a [(Date, i64)],
    accident: Date,
    /// The effective due day expected.
    effective_due: Date,
    /// None: not in arrears (the fund pays); Some(settled): in arrears
    /// (the unit pays), settled that day (none: still owed).
    arrears: Option<Option<Date>>,
}

fn check(c: &Case<'_>) {
    let deferrals = [deferral_2022()];
    let bill = UnitBill {
        bill_id: 1,
        period: c.period.to_owned(),
        due_date: c.due,
        deferred_to: deferred_to(&deferrals, c.period),
        amount: Money::from_fen(100_000),
        payments: c.paid.iter().map(|(d, f)| pay(*d, *f)).collect(),
        late_fees_assessed: Money::from_fen(c.fees_assessed_fen),
        late_fee_payments: c.fees_paid.iter().map(|(d, f)| pay(*d, *f)).collect(),
    };
    assert_eq!(bill.effective_due_date(), c.effective_due, "{}", c.period);
    let got = arrears_on(std::slice::from_ref(&bill), c.accident);
    assert_eq!(
        got.as_ref().map(|a| a.settled_on),
        c.arrears,
        "bill {} accident {}",
        c.period,
        c.accident
    );
    if let Some(a) = got {
        assert_eq!(
            a.bills[0].due_date, c.due,
            "the bill's own due date is kept"
        );
        assert_eq!(a.bills[0].deferred_to, bill.deferred_to);
    }
}

fn rate() -> gongshang_rules::Rate {
    crate::policy()
        .at(
            "national",
            "contribution.late_fee_daily_rate",
            date(2024, 1, 20),
        )
        .expect("the late fee rate is a parameter")
        .rate()
}

/// An accident during the deferral, the deferred bill unpaid: no arrears,
/// the fund pays ("缓缴工伤保险费不影响职工享受工伤保险待遇").
#[test]
fn mohrss_2022_16_an_accident_during_the_deferral_is_no_arrears_the_fund_pays() {
    check(&Case {
        period: "2022-04",
        due: date(2022, 5, 15),
        paid: &[],
        fees_assessed_fen: 0,
        fees_paid: &[],
        accident: date(2022, 9, 10),
        effective_due: date(2023, 12, 31),
        arrears: None,
    });
    // The last deferred month, and the repayment day itself: still on time.
    check(&Case {
        period: "2023-03",
        due: date(2023, 4, 15),
        paid: &[],
        fees_assessed_fen: 0,
        fees_paid: &[],
        accident: date(2023, 12, 31),
        effective_due: date(2023, 12, 31),
        arrears: None,
    });
}

/// Repaid within the window (人社部发〔2022〕31号: by the end of 2023): no
/// arrears before or after, and no late fee on the payment.
#[test]
fn mohrss_2022_31_repaid_within_the_window_owes_no_late_fee_and_is_no_arrears() {
    check(&Case {
        period: "2022-04",
        due: date(2022, 5, 15),
        paid: &[(date(2023, 11, 30), 100_000)],
        fees_assessed_fen: 0,
        fees_paid: &[],
        accident: date(2024, 2, 1),
        effective_due: date(2023, 12, 31),
        arrears: None,
    });
    // 2023-11-30 is before the effective due day: 0 days late, no fee
    // (counted from the bill's own due date it would be 564 days, 282.00 yuan).
    let due = effective_due_date(date(2022, 5, 15), Some(date(2023, 12, 31)));
    assert_eq!(
        late_fee(Money::from_fen(100_000), due, date(2023, 11, 30), rate()),
        Money::ZERO
    );
}

/// After the repayment day with the deferred bill unpaid: arrears from the
/// day after it, the unit pays; repaid on 2024-01-20 with the late fee
/// counted from the repayment day, settled when the fee is paid.
#[test]
fn mohrss_2022_31_an_accident_after_the_repayment_day_with_the_bill_unpaid_is_arrears() {
    // 2024-01-01 is the first day after 2023-12-31: in arrears, not settled.
    check(&Case {
        period: "2022-04",
        due: date(2022, 5, 15),
        paid: &[],
        fees_assessed_fen: 0,
        fees_paid: &[],
        accident: date(2024, 1, 1),
        effective_due: date(2023, 12, 31),
        arrears: Some(None),
    });
    // The fee of the payment on 2024-01-20: 20 days after 2023-12-31;
    // 100,000 fen × 0.05% × 20 = 1,000 fen (10.00 yuan), not the 615 days
    // from 2022-05-15 (307.50 yuan).
    let due = effective_due_date(date(2022, 5, 15), Some(date(2023, 12, 31)));
    assert_eq!(
        late_fee(Money::from_fen(100_000), due, date(2024, 1, 20), rate()),
        Money::from_fen(1_000)
    );
    // Premiums on 2024-01-20, the 10.00 yuan fee on 2024-01-22: settled
    // on 2024-01-22 (Regulations Art 62(3): the fund pays the new costs from
    // 2024-01-23).
    check(&Case {
        period: "2022-04",
        due: date(2022, 5, 15),
        paid: &[(date(2024, 1, 20), 100_000)],
        fees_assessed_fen: 1_000,
        fees_paid: &[(date(2024, 1, 22), 1_000)],
        accident: date(2024, 1, 5),
        effective_due: date(2023, 12, 31),
        arrears: Some(Some(date(2024, 1, 22))),
    });
}

/// A month outside the deferral keeps its own due date: the bill of
/// 2023-04, due 2023-05-15 and unpaid, is arrears on 2023-06-01 and its fee
/// runs from 2023-05-16 (17 days to 2023-06-01: 100,000 × 0.05% × 17 = 850
/// fen).
#[test]
fn mohrss_2022_16_a_month_outside_the_deferral_is_unchanged() {
    assert_eq!(deferred_to(&[deferral_2022()], "2023-04"), None);
    assert_eq!(deferred_to(&[deferral_2022()], "2022-03"), None);
    check(&Case {
        period: "2023-04",
        due: date(2023, 5, 15),
        paid: &[],
        fees_assessed_fen: 0,
        fees_paid: &[],
        accident: date(2023, 6, 1),
        effective_due: date(2023, 5, 15),
        arrears: Some(None),
    });
    assert_eq!(
        late_fee(
            Money::from_fen(100_000),
            effective_due_date(date(2023, 5, 15), None),
            date(2023, 6, 1),
            rate()
        ),
        Money::from_fen(850)
    );
}

/// A repayment day before the bill's own due date never brings it forward.
#[test]
fn mohrss_2022_16_a_deferral_never_brings_a_bill_forward() {
    assert_eq!(
        effective_due_date(date(2024, 2, 15), Some(date(2023, 12, 31))),
        date(2024, 2, 15)
    );
}
