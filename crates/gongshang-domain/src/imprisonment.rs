//! A survivor's pension stopped while its recipient serves a prison
//! sentence (劳社部令第18号《因工死亡职工供养亲属范围规定》Art 5: 领取抚恤金的人员，
//! 在被判刑收监执行期间，停止享受抚恤金待遇。刑满释放仍符合领取抚恤金资格的，按规定的标准
//! 享受抚恤金。).
//!
//! Unlike the Art 4 events, which end a pension for good, Art 5 stops it
//! for a period: a *pause* of months the payroll does not pay and that are
//! never owed afterwards (a plain suspension's missed months are paid when
//! it is lifted). Pure: the store gives the benefit and the months paid;
//! [`imprisonment`] and [`release`] say which months are paused and which
//! months already paid were not owed (an overpayment, Decree 765 Art 46).
//!
//! - Art 5 is about those drawing a survivor's pension only. A disabled
//!   worker's own benefits had the same stop in the 2003 Regulations (Art
//!   42(4): 被判刑正在收监执行的); the 2010 revision struck it out, so nothing
//!   stops them: refused here.
//! - The months, an interpretation (Art 5 names none), read as the Art 4
//!   endings are: the month the recipient is taken into prison is paid,
//!   the pause runs from the next month; the month of the release is still
//!   paused, and the pension is owed again from the month after it, at the
//!   standard in force then (indexations during the pause apply, as they
//!   apply to every benefit in payment).
//! - Whether the recipient still qualifies after the release ("仍符合领取
//!   抚恤金资格") is the other rules' work: an 18th birthday, a marriage or a
//!   death during the sentence ends the pension by Art 4 as it would have.

use gongshang_rules::{Item, Money};
use jiff::civil::Date;
use serde::Serialize;

use crate::error::DomainError;
use crate::life_events::{BeneficiaryRole, BenefitInPayment};
use crate::month::Month;

/// The article every pause cites.
pub const ARTICLE: &str = "劳社部令第18号 Art 5 (收监执行期间停止享受抚恤金)";

/// Months a benefit is not paid and not owed: `from` to `until` inclusive,
/// open while the release is not known. Empty when `until` is before
/// `from` (taken in and released within one month).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub from: Month,
    pub until: Option<Month>,
}

impl Pause {
    /// Whether `month` is paused.
    pub fn holds(self, month: Month) -> bool {
        self.from <= month && self.until.is_none_or(|u| month <= u)
    }
}

/// What an imprisonment does to a pension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PauseDecision {
    pub pause: Pause,
    /// Months already paid inside the pause, with the amount paid: not owed.
    pub overpaid: Vec<(Month, Money)>,
}

impl PauseDecision {
    pub fn overpaid_total(&self) -> Money {
        self.overpaid
            .iter()
            .fold(Money::ZERO, |a, (_, m)| a.checked_add(*m).expect("fen"))
    }
}

fn refuse(field: &'static str, reason: String) -> DomainError {
    DomainError::InputConflict { field, reason }
}

/// The month after `on`'s, the first month paused.
fn first_paused(on: Date) -> Month {
    Month::of(on).next()
}

/// The pause an imprisonment on `imprisoned_on` puts on a survivor's
/// pension, released on `released_on` when that is already known, and the
/// months paid inside it. `paused` are the benefit's pauses recorded before:
/// a new one may not overlap them.
pub fn imprisonment(
    b: &BenefitInPayment,
    imprisoned_on: Date,
    released_on: Option<Date>,
    paused: &[Pause],
) -> Result<PauseDecision, DomainError> {
    let survivor = matches!(b.role, BeneficiaryRole::Spouse | BeneficiaryRole::Dependant)
        && b.item == Item::MonthlySurvivorPensions;
    if !survivor {
        return Err(refuse(
            "benefit_id",
            format!(
                "benefit {} is not a survivor's pension: 劳社部令第18号 Art 5 stops only the pensions of survivors (领取抚恤金的人员); the Regulations stop no benefit of the worker's own for a sentence since 2011 / 仅供养亲属抚恤金因收监执行停发",
                b.benefit_id
            ),
        ));
    }
    let from = first_paused(imprisoned_on);
    if b.end_month.is_some_and(|end| end < from) {
        return Err(refuse(
            "imprisoned_on",
            format!(
                "benefit {} ends with {}, before {from}: nothing to stop / 该待遇已于 {} 终止",
                b.benefit_id,
                b.end_month.expect("checked"),
                b.end_month.expect("checked")
            ),
        ));
    }
    let until = match released_on {
        Some(r) => Some(release_month(imprisoned_on, r)?),
        None => None,
    };
    let pause = Pause { from, until };
    if let Some(other) = paused.iter().find(|p| overlaps(**p, pause)) {
        return Err(refuse(
            "imprisoned_on",
            format!(
                "benefit {} is already stopped from {}{}: one sentence at a time / 该期间已记录收监执行",
                b.benefit_id,
                other.from,
                other.until.map(|u| format!(" to {u}")).unwrap_or_default()
            ),
        ));
    }
    let overpaid = b
        .paid
        .iter()
        .filter(|(m, _)| pause.holds(*m))
        .copied()
        .collect();
    Ok(PauseDecision { pause, overpaid })
}

/// The last month paused by a release on `released_on` (its month), after
/// an imprisonment on `imprisoned_on`.
fn release_month(imprisoned_on: Date, released_on: Date) -> Result<Month, DomainError> {
    if released_on < imprisoned_on {
        return Err(refuse(
            "released_on",
            format!(
                "{released_on} is before the imprisonment ({imprisoned_on}) / 释放日期早于收监日期"
            ),
        ));
    }
    Ok(Month::of(released_on))
}

/// The release of a recipient whose pension is paused from `pause.from`
/// (taken in on `imprisoned_on`): the pause now ends with the release's
/// month. Refused when the pause has ended already, and when months after
/// that one were already counted as overpaid (`counted`): those were owed,
/// and an overpayment recorded is never rewritten.
pub fn release(
    pause: Pause,
    imprisoned_on: Date,
    released_on: Date,
    counted: &[Month],
) -> Result<Pause, DomainError> {
    if let Some(u) = pause.until {
        return Err(refuse(
            "released_on",
            format!(
                "the stop from {} already ended with {u} / 已记录刑满释放",
                pause.from
            ),
        ));
    }
    let until = release_month(imprisoned_on, released_on)?;
    if let Some(m) = counted.iter().filter(|m| **m > until).max() {
        return Err(refuse(
            "released_on",
            format!(
                "the overpayment recorded with the imprisonment counted {m} as not owed, after a release in {until}: record the release with the imprisonment, or correct the overpayment first / 已按收监执行追回 {m} 的待遇，晚于释放月份"
            ),
        ));
    }
    Ok(Pause {
        from: pause.from,
        until: Some(until),
    })
}

fn overlaps(a: Pause, b: Pause) -> bool {
    let empty = |p: Pause| p.until.is_some_and(|u| u < p.from);
    let starts_by_end = |p: Pause, q: Pause| q.until.is_none_or(|u| p.from <= u);
    !empty(a) && !empty(b) && starts_by_end(a, b) && starts_by_end(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    /// A pension of 1,806.00 a month paid from 2026-01 to `last`.
    fn pension(role: BeneficiaryRole, item: Item, last: &str) -> BenefitInPayment {
        let mut paid = Vec::new();
        let mut month = m("2026-01");
        while month <= m(last) {
            paid.push((month, Money::from_fen(180_600)));
            month = month.next();
        }
        BenefitInPayment {
            benefit_id: 9,
            item,
            role,
            end_month: None,
            birth_date: None,
            age_exception: None,
            paid,
            amounts: vec![(m("2026-01"), Money::from_fen(180_600))],
        }
    }

    struct Row {
        name: &'static str,
        role: BeneficiaryRole,
        item: Item,
        paid_to: &'static str,
        imprisoned_on: Date,
        released_on: Option<Date>,
        /// (from, until, months overpaid, fen overpaid), or the field refused.
        expected: Result<(&'static str, Option<&'static str>, usize, i64), &'static str>,
    }

    /// 劳社部令第18号 Art 5, as data: the month taken in is paid, the pause
    /// runs from the next month to the release's month, the months paid in
    /// it are overpaid; only a survivor's pension is stopped.
    #[test]
    fn order18_art5_imprisonment_pauses_a_survivors_pension() {
        let rows = vec![
            Row {
                name: "a spouse taken in on 2026-03-10, reported after the May payroll: April and May not owed",
                role: BeneficiaryRole::Spouse,
                item: Item::MonthlySurvivorPensions,
                paid_to: "2026-05",
                imprisoned_on: date(2026, 3, 10),
                released_on: None,
                expected: Ok(("2026-04", None, 2, 361_200)),
            },
            Row {
                name: "taken in on the last day of a month: that month still paid",
                role: BeneficiaryRole::Dependant,
                item: Item::MonthlySurvivorPensions,
                paid_to: "2026-03",
                imprisoned_on: date(2026, 3, 31),
                released_on: None,
                expected: Ok(("2026-04", None, 0, 0)),
            },
            Row {
                name: "released 2026-06-20, both known: April to June paused, July owed",
                role: BeneficiaryRole::Spouse,
                item: Item::MonthlySurvivorPensions,
                paid_to: "2026-08",
                imprisoned_on: date(2026, 3, 10),
                released_on: Some(date(2026, 6, 20)),
                expected: Ok(("2026-04", Some("2026-06"), 3, 541_800)),
            },
            Row {
                name: "taken in and released in one month: nothing paused",
                role: BeneficiaryRole::Spouse,
                item: Item::MonthlySurvivorPensions,
                paid_to: "2026-08",
                imprisoned_on: date(2026, 3, 2),
                released_on: Some(date(2026, 3, 28)),
                expected: Ok(("2026-04", Some("2026-03"), 0, 0)),
            },
            Row {
                name: "a disabled worker's own allowance: no stop since the 2010 revision",
                role: BeneficiaryRole::Worker,
                item: Item::MonthlyDisabilityAllowance,
                paid_to: "2026-05",
                imprisoned_on: date(2026, 3, 10),
                released_on: None,
                expected: Err("benefit_id"),
            },
            Row {
                name: "released before being taken in",
                role: BeneficiaryRole::Spouse,
                item: Item::MonthlySurvivorPensions,
                paid_to: "2026-05",
                imprisoned_on: date(2026, 3, 10),
                released_on: Some(date(2026, 3, 1)),
                expected: Err("released_on"),
            },
        ];
        for row in rows {
            let b = pension(row.role, row.item, row.paid_to);
            let got = imprisonment(&b, row.imprisoned_on, row.released_on, &[]);
            match (got, row.expected) {
                (Ok(d), Ok((from, until, n, fen))) => {
                    assert_eq!(d.pause.from, m(from), "{}", row.name);
                    assert_eq!(d.pause.until, until.map(m), "{}", row.name);
                    assert_eq!(d.overpaid.len(), n, "{}", row.name);
                    assert_eq!(d.overpaid_total().fen(), fen, "{}", row.name);
                }
                (Err(e), Err(field)) => assert_eq!(e.field(), Some(field), "{}", row.name),
                (got, want) => panic!("{}: got {got:?}, want {want:?}", row.name),
            }
        }
    }

    #[test]
    fn order18_art5_the_pension_is_owed_again_from_the_month_after_the_release() {
        let open = Pause {
            from: m("2026-04"),
            until: None,
        };
        let closed = release(open, date(2026, 3, 10), date(2026, 9, 5), &[m("2026-04")]).unwrap();
        assert_eq!(closed.until, Some(m("2026-09")));
        assert!(closed.holds(m("2026-09")));
        assert!(!closed.holds(m("2026-10")));
        assert!(!closed.holds(m("2026-03")));
        // Released twice: refused.
        assert!(release(closed, date(2026, 3, 10), date(2026, 9, 5), &[]).is_err());
        // A release before months the imprisonment's overpayment counted.
        let e = release(open, date(2026, 3, 10), date(2026, 4, 5), &[m("2026-05")]).unwrap_err();
        assert_eq!(e.field(), Some("released_on"));
    }

    #[test]
    fn order18_art5_one_sentence_at_a_time() {
        let b = pension(
            BeneficiaryRole::Spouse,
            Item::MonthlySurvivorPensions,
            "2026-05",
        );
        let earlier = Pause {
            from: m("2026-02"),
            until: Some(m("2026-04")),
        };
        assert!(imprisonment(&b, date(2026, 3, 10), None, &[earlier]).is_err());
        // A second sentence after the first ended is a pause of its own.
        let d = imprisonment(&b, date(2026, 4, 20), None, &[earlier]).unwrap();
        assert_eq!(d.pause.from, m("2026-05"));
        // An empty pause (in and out in one month) overlaps nothing.
        let empty = Pause {
            from: m("2026-04"),
            until: Some(m("2026-03")),
        };
        assert!(imprisonment(&b, date(2026, 3, 10), None, &[empty]).is_ok());
    }
}
