//! Whether an enrolled unit was in arrears on the day of an accident, and
//! the day it settled them (《社会保险法》第四十一条; 《工伤保险条例》第六十二条
//! 第二款、第三款).
//!
//! Social Insurance Law Art 41: "职工所在用人单位未依法缴纳工伤保险费，发生
//! 工伤事故的，由用人单位支付工伤保险待遇" — a unit that enrolled the worker
//! but had not paid its premiums when due pays, as an uninsured unit does
//! under Regulations Art 62(2). Art 62(3): once the unit pays back the
//! premiums and the late fees, the fund pays the new costs. Guangdong's
//! Regulations (2011, Art 57) say the same in one sentence ("应当参加工伤保险
//! 而未参加或者未按时缴纳工伤保险费…补缴…和滞纳金后…支付新发生的费用").
//!
//! Read from the unit's bills (pure: the app loads them). The choices,
//! interpretations of the house (DESIGN.md, "Enrolled but unpaid"):
//!
//! - A bill is in arrears on the accident day when it was due *before* that
//!   day and what was paid *before* that day is less than its amount. The
//!   due day itself is on time (as for the late fee, [`crate::late_fee::days_late`]);
//!   a payment received on the accident day does not count for it (the day's
//!   hour is unknown, and the house's cover bought by a payment starts the
//!   next day too).
//! - A partial payment is arrears: Art 41 says 未依法缴纳, and the law knows
//!   no share of cover for a share of the premium.
//! - A month never billed is no arrears here: without a bill there is no
//!   amount or due date to miss; whether the worker was enrolled at all is
//!   the coverage answer's question.
//! - Settled: every bill in arrears paid in full and every late fee assessed
//!   on it paid; the day is the last of those payments. A late fee not (yet)
//!   assessed is not waited for (the house assesses it with each late
//!   payment, `gongshang-app`'s `late_fees.rs`).
//! - A bill of a month under an approved deferral (缓缴, [`crate::deferral`])
//!   is due by the deferral's repayment day: it is in arrears only on a day
//!   after that (人社部发〔2022〕31号 and its notices: "缓缴、补缴期间认定为正常
//!   缴费状态，不得作欠费处理").

use jiff::civil::Date;
use serde::Serialize;

use crate::money::Money;

/// A payment (of premiums or of late fees) and the day it was received.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatedPayment {
    pub paid_on: Date,
    pub amount: Money,
}

/// One of the unit's monthly bills of the scheme, with what was paid of it
/// and of its late fees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitBill {
    pub bill_id: i64,
    /// `YYYY-MM`.
    pub period: String,
    /// The bill's own due date.
    pub due_date: Date,
    /// The repayment day of an approved deferral of the bill's month
    /// ([`crate::deferral::deferred_to`]); none when not deferred.
    pub deferred_to: Option<Date>,
    pub amount: Money,
    pub payments: Vec<DatedPayment>,
    /// Every late fee assessed on the bill (Social Insurance Law Art 86).
    pub late_fees_assessed: Money,
    pub late_fee_payments: Vec<DatedPayment>,
}

impl UnitBill {
    /// The day it is due in fact: its own due date, or its deferral's
    /// repayment day ([`crate::deferral::effective_due_date`]).
    pub fn effective_due_date(&self) -> Date {
        crate::deferral::effective_due_date(self.due_date, self.deferred_to)
    }
}

/// A bill in arrears on the accident day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BillInArrears {
    pub bill_id: i64,
    pub period: String,
    pub due_date: Date,
    /// The repayment day of the deferral the bill was under (缓缴): it was
    /// in arrears from the day after that, not after `due_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferred_to: Option<Date>,
    pub amount: Money,
    /// What was still owed of it at the start of the accident day.
    pub outstanding_on_accident: Money,
    /// The day the last of its premiums was received; none while owed.
    pub paid_in_full_on: Option<Date>,
    /// The late fees assessed on it.
    pub late_fees: Money,
    /// The day its late fees were paid in full; none while owed, or when
    /// none were assessed.
    pub late_fees_paid_on: Option<Date>,
    /// Premiums and late fees paid: the later of the two days.
    pub settled_on: Option<Date>,
}

/// The unit was in arrears on the accident day (Social Insurance Law Art 41).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arrears {
    /// The bills in arrears, the earliest due first.
    pub bills: Vec<BillInArrears>,
    /// The day the last of them was settled with its late fees: the
    /// back-payment of Regulations Art 62(3); none while any is owed.
    pub settled_on: Option<Date>,
}

/// The first day the payments (in any order) add up to `amount`; none if
/// they never do.
fn day_paid_in_full(payments: &[DatedPayment], amount: Money) -> Option<Date> {
    let mut sorted = payments.to_vec();
    sorted.sort_by_key(|p| p.paid_on);
    let mut paid = 0_i64;
    for p in &sorted {
        paid += p.amount.fen();
        if paid >= amount.fen() {
            return Some(p.paid_on);
        }
    }
    None
}

/// Whether the unit was in arrears on `accident_day` with its `bills`
/// (Social Insurance Law Art 41; Regulations Art 62(2)): the bills due
/// before the day (by their effective due day: a deferred bill's is its
/// repayment day) not fully paid before it, and the day all of them and
/// their late fees were settled (Art 62(3)). None: no bill was in arrears.
pub fn arrears_on(bills: &[UnitBill], accident_day: Date) -> Option<Arrears> {
    let mut out: Vec<BillInArrears> = Vec::new();
    for b in bills {
        if b.effective_due_date() >= accident_day || b.amount <= Money::ZERO {
            continue;
        }
        let paid_before: i64 = b
            .payments
            .iter()
            .filter(|p| p.paid_on < accident_day)
            .map(|p| p.amount.fen())
            .sum();
        if paid_before >= b.amount.fen() {
            continue;
        }
        let paid_in_full_on = day_paid_in_full(&b.payments, b.amount);
        let late_fees_paid_on = if b.late_fees_assessed > Money::ZERO {
            day_paid_in_full(&b.late_fee_payments, b.late_fees_assessed)
        } else {
            None
        };
        let settled_on = match paid_in_full_on {
            Some(paid) if b.late_fees_assessed <= Money::ZERO => Some(paid),
            Some(paid) => late_fees_paid_on.map(|fees| paid.max(fees)),
            None => None,
        };
        out.push(BillInArrears {
            bill_id: b.bill_id,
            period: b.period.clone(),
            due_date: b.due_date,
            deferred_to: b.deferred_to,
            amount: b.amount,
            outstanding_on_accident: Money::from_fen(b.amount.fen() - paid_before),
            paid_in_full_on,
            late_fees: b.late_fees_assessed,
            late_fees_paid_on,
            settled_on,
        });
    }
    if out.is_empty() {
        return None;
    }
    out.sort_by_key(|a| (a.due_date, a.bill_id));
    let settled_on = out
        .iter()
        .map(|b| b.settled_on)
        .collect::<Option<Vec<Date>>>()
        .and_then(|days| days.into_iter().max());
    Some(Arrears {
        bills: out,
        settled_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn pay(on: Date, yuan: i64) -> DatedPayment {
        DatedPayment {
            paid_on: on,
            amount: Money::from_fen(yuan * 100),
        }
    }

    /// A bill of `period`, due on the 15th of the next month, of 1,000 yuan.
    fn bill(id: i64, period: &str, due: Date, paid: &[DatedPayment]) -> UnitBill {
        UnitBill {
            bill_id: id,
            period: period.to_owned(),
            due_date: due,
            deferred_to: None,
            amount: Money::from_fen(100_000),
            payments: paid.to_vec(),
            late_fees_assessed: Money::ZERO,
            late_fee_payments: Vec::new(),
        }
    }

    fn with_fees(mut b: UnitBill, fees_yuan: i64, paid: &[DatedPayment]) -> UnitBill {
        b.late_fees_assessed = Money::from_fen(fees_yuan * 100);
        b.late_fee_payments = paid.to_vec();
        b
    }

    /// The data-driven check: the bills, the accident day, and what is
    /// expected (none: not in arrears; else the periods in arrears and the
    /// day settled).
    fn check(
        bills: &[UnitBill],
        accident: Date,
        expected: Option<(&[&str], Option<Date>)>,
    ) -> Option<Arrears> {
        let got = arrears_on(bills, accident);
        let seen = got.as_ref().map(|a| {
            (
                a.bills
                    .iter()
                    .map(|b| b.period.as_str())
                    .collect::<Vec<_>>(),
                a.settled_on,
            )
        });
        assert_eq!(
            seen,
            expected.map(|(p, s)| (p.to_vec(), s)),
            "bills {bills:?} on {accident}"
        );
        got
    }

    #[test]
    fn sil_art_41_paid_on_time_is_no_arrears() {
        let b = bill(
            1,
            "2025-02",
            date(2025, 3, 15),
            &[pay(date(2025, 3, 10), 1000)],
        );
        check(&[b], date(2025, 4, 2), None);
    }

    #[test]
    fn sil_art_41_unpaid_bill_due_before_the_accident_is_arrears_not_yet_settled() {
        let b = bill(1, "2025-02", date(2025, 3, 15), &[]);
        let a = check(&[b], date(2025, 4, 2), Some((&["2025-02"], None))).unwrap();
        assert_eq!(a.bills[0].outstanding_on_accident, Money::from_fen(100_000));
    }

    #[test]
    fn sil_art_41_bill_due_on_the_accident_day_is_on_time() {
        let b = bill(1, "2025-02", date(2025, 3, 15), &[]);
        check(&[b], date(2025, 3, 15), None);
        let b = bill(1, "2025-02", date(2025, 3, 15), &[]);
        check(&[b], date(2025, 3, 16), Some((&["2025-02"], None)));
    }

    #[test]
    fn sil_art_41_payment_on_the_accident_day_does_not_cure_it() {
        let b = with_fees(
            bill(
                1,
                "2025-02",
                date(2025, 3, 15),
                &[pay(date(2025, 4, 2), 1000)],
            ),
            9,
            &[pay(date(2025, 4, 2), 9)],
        );
        check(
            &[b],
            date(2025, 4, 2),
            Some((&["2025-02"], Some(date(2025, 4, 2)))),
        );
    }

    #[test]
    fn sil_art_41_partial_payment_is_arrears_of_the_rest() {
        let b = bill(
            1,
            "2025-02",
            date(2025, 3, 15),
            &[pay(date(2025, 3, 14), 600)],
        );
        let a = check(&[b], date(2025, 4, 2), Some((&["2025-02"], None))).unwrap();
        assert_eq!(a.bills[0].outstanding_on_accident, Money::from_fen(40_000));
    }

    #[test]
    fn reg_art_62_3_settled_when_premiums_and_late_fees_are_paid() {
        let feb = with_fees(
            bill(
                1,
                "2025-02",
                date(2025, 3, 15),
                &[pay(date(2025, 5, 6), 1000)],
            ),
            26,
            &[pay(date(2025, 5, 20), 26)],
        );
        let mar = with_fees(
            bill(
                2,
                "2025-03",
                date(2025, 4, 15),
                &[pay(date(2025, 5, 6), 1000)],
            ),
            11,
            &[pay(date(2025, 5, 8), 11)],
        );
        let a = check(
            &[mar, feb],
            date(2025, 4, 20),
            Some((&["2025-02", "2025-03"], Some(date(2025, 5, 20)))),
        )
        .unwrap();
        assert_eq!(a.bills[0].paid_in_full_on, Some(date(2025, 5, 6)));
        assert_eq!(a.bills[0].late_fees_paid_on, Some(date(2025, 5, 20)));
    }

    #[test]
    fn reg_art_62_3_premiums_paid_but_late_fees_owed_is_not_settled() {
        let b = with_fees(
            bill(
                1,
                "2025-02",
                date(2025, 3, 15),
                &[pay(date(2025, 5, 6), 1000)],
            ),
            26,
            &[pay(date(2025, 5, 7), 20)],
        );
        check(&[b], date(2025, 4, 2), Some((&["2025-02"], None)));
    }

    #[test]
    fn reg_art_62_3_one_bill_still_owed_keeps_the_arrears_unsettled() {
        let feb = bill(
            1,
            "2025-02",
            date(2025, 3, 15),
            &[pay(date(2025, 5, 6), 1000)],
        );
        let mar = bill(2, "2025-03", date(2025, 4, 15), &[]);
        check(
            &[feb, mar],
            date(2025, 4, 20),
            Some((&["2025-02", "2025-03"], None)),
        );
    }

    #[test]
    fn sil_art_41_a_month_never_billed_and_a_zero_bill_are_no_arrears() {
        check(&[], date(2025, 4, 2), None);
        let mut zero = bill(1, "2025-02", date(2025, 3, 15), &[]);
        zero.amount = Money::ZERO;
        check(&[zero], date(2025, 4, 2), None);
    }

    #[test]
    fn sil_art_41_an_old_debt_paid_before_the_accident_is_no_arrears() {
        let b = with_fees(
            bill(
                1,
                "2024-11",
                date(2024, 12, 15),
                &[pay(date(2025, 2, 1), 1000)],
            ),
            24,
            &[],
        );
        check(&[b], date(2025, 4, 2), None);
    }
}
