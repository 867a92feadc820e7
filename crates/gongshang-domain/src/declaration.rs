//! A unit's monthly declaration (缴费申报) and the bills' references.
//!
//! A unit declares a month in a scheme billed on wages: one line for each of
//! its enrolments running in the month, with the wage declared (none is
//! needed for a fixed base), the base and the rate the rules engine applies,
//! and the premium; the bill is their total, shared among the payers. A
//! person declared twice, a person not enrolled by the unit in that month, a
//! month before the enrolment, or an enrolment left without a wage is
//! refused, naming the field. There are no supplementary declarations: the
//! bill's reference is the (month, unit, scheme), so a month is declared
//! once.

use gongshang_rules::billing::{self, UnitRating};
use gongshang_rules::rate::Rate;
use gongshang_rules::scheme::{Billing, PremiumPayer, Scheme, WageBase};
use gongshang_rules::{Money, PolicySet};
use jiff::civil::Date;

use crate::error::DomainError;
use crate::ids::{CreditCode, PlatformId, ResidentId};
use crate::month::Month;

/// The longest reference a bill may have.
pub const REFERENCE_MAX_LEN: usize = 60;

/// An enrolment of the unit in the scheme, as the declaration sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentTerm {
    pub id: i64,
    pub person: ResidentId,
    pub start: Date,
    /// The last day covered, when it ended.
    pub last_day: Option<Date>,
}

impl EnrolmentTerm {
    fn runs_in(&self, month: Month) -> bool {
        self.start <= month.last_day() && self.last_day.is_none_or(|l| l >= month.first_day())
    }
}

/// One line of a declared month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredLine {
    pub enrollment_id: i64,
    pub person: ResidentId,
    pub declared_wage: Money,
    /// The base the rate applies to (the wage, clamped to a band, or fixed).
    pub base: Money,
    pub rate: Rate,
    pub premium: Money,
}

/// A declared month: its lines, its total, and what each payer owes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredMonth {
    pub lines: Vec<DeclaredLine>,
    pub amount: Money,
    pub shares: Vec<(PremiumPayer, Money)>,
}

fn conflict(field: &'static str, reason: String) -> DomainError {
    DomainError::InputConflict { field, reason }
}

fn total(a: Money, b: Money) -> Result<Money, DomainError> {
    a.checked_add(b)
        .ok_or_else(|| DomainError::out_of_range("amount", "a total", "at most i64 fen"))
}

/// The unit's month declared: `enrolments` are the unit's enrolments in the
/// scheme (any dates), `declared` the wages given by person.
pub fn declare_month(
    policy: &PolicySet,
    scheme: &Scheme,
    rating: UnitRating,
    unit: &CreditCode,
    month: Month,
    enrolments: &[EnrolmentTerm],
    declared: &[(ResidentId, Money)],
) -> Result<DeclaredMonth, DomainError> {
    let Billing::MonthlyWage { base, .. } = &scheme.billing else {
        return Err(conflict(
            "scheme_id",
            format!("scheme {} is not billed monthly on wages", scheme.id),
        ));
    };
    let active: Vec<&EnrolmentTerm> = enrolments.iter().filter(|e| e.runs_in(month)).collect();
    for (i, (person, _)) in declared.iter().enumerate() {
        if declared[..i].iter().any(|(p, _)| p == person) {
            return Err(conflict(
                "resident_id",
                format!("{} is declared twice for {month}", person.masked()),
            ));
        }
        if !active.iter().any(|e| &e.person == person) {
            let later = enrolments
                .iter()
                .find(|e| &e.person == person && e.start > month.last_day());
            return Err(match later {
                Some(e) => conflict(
                    "month",
                    format!(
                        "{month} is before the enrolment of {} starting {}; only months from the enrolment may be declared",
                        person.masked(),
                        e.start
                    ),
                ),
                None => conflict(
                    "resident_id",
                    format!(
                        "{} is not enrolled in {} by unit {} in {month}",
                        person.masked(),
                        scheme.id,
                        unit.as_str()
                    ),
                ),
            });
        }
    }
    if active.is_empty() {
        return Err(conflict(
            "month",
            format!(
                "unit {} has nobody enrolled in {} in {month}",
                unit.as_str(),
                scheme.id
            ),
        ));
    }
    let mut lines = Vec::with_capacity(active.len());
    let mut shares: Vec<(PremiumPayer, Money)> = Vec::new();
    for e in &active {
        let wage = match declared.iter().find(|(p, _)| p == &e.person) {
            Some((_, wage)) => *wage,
            None if matches!(base, WageBase::Fixed { .. }) => Money::ZERO,
            None => {
                return Err(conflict(
                    "declarations",
                    format!(
                        "no wage declared for {} (enrollment {}), enrolled in {} in {month}",
                        e.person.masked(),
                        e.id,
                        scheme.id
                    ),
                ));
            }
        };
        let premium =
            billing::monthly_premium(policy, scheme, wage, Some(rating), month.first_day())?;
        for &(payer, amount) in &premium.shares {
            match shares.iter_mut().find(|(p, _)| *p == payer) {
                Some((_, t)) => *t = total(*t, amount)?,
                None => shares.push((payer, amount)),
            }
        }
        lines.push(DeclaredLine {
            enrollment_id: e.id,
            person: e.person,
            declared_wage: wage,
            base: premium.base.unwrap_or(wage),
            rate: premium.rate.unwrap_or(Rate::ZERO),
            premium: premium.gross,
        });
    }
    let mut amount = Money::ZERO;
    for l in &lines {
        amount = total(amount, l.premium)?;
    }
    Ok(DeclaredMonth {
        lines,
        amount,
        shares,
    })
}

fn bounded(mut text: String) -> String {
    if text.len() > REFERENCE_MAX_LEN {
        text.truncate(REFERENCE_MAX_LEN);
    }
    text
}

/// The reference of a unit's monthly bill: `M202503-<unit>-<scheme>`, at most
/// 60 characters (so a month of a unit in a scheme is billed once).
pub fn monthly_bill_reference(
    month: Month,
    unit: &CreditCode,
    scheme_id: &gongshang_rules::SchemeId,
) -> String {
    bounded(format!(
        "M{:04}{:02}-{}-{scheme_id}",
        month.year(),
        month.month(),
        unit.as_str()
    ))
}

/// The reference of the `n`-th bill of a platform's month of orders:
/// `O202507-meituan-1`, `-2` for what a later file adds.
pub fn order_bill_reference(platform: &PlatformId, month: Month, n: usize) -> String {
    bounded(format!(
        "O{:04}{:02}-{}-{n}",
        month.year(),
        month.month(),
        platform.as_str()
    ))
}

/// The reference of days bought: `D20260310-E<enrolment>-<days>`.
pub fn days_bill_reference(first_day: Date, enrollment_id: i64, days: u32) -> String {
    bounded(format!(
        "D{}-E{enrollment_id}-{days}",
        first_day.strftime("%Y%m%d")
    ))
}

/// The enrolment a days bill names (`...-E42-...`), if it names one.
pub fn enrollment_of_days_reference(reference: &str) -> Option<i64> {
    reference
        .split('-')
        .find_map(|p| p.strip_prefix('E'))
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_bounded_and_read_back() {
        let r = days_bill_reference(jiff::civil::date(2026, 3, 10), 42, 5);
        assert_eq!(r, "D20260310-E42-5");
        assert_eq!(enrollment_of_days_reference(&r), Some(42));
        let p = PlatformId::parse("meituan").unwrap();
        let m = Month::parse("2025-07").unwrap();
        assert_eq!(order_bill_reference(&p, m, 2), "O202507-meituan-2");
    }
}
