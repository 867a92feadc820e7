//! A calendar month (`2025-03`): the unit of monthly declarations, bills and
//! monthly cover.

use std::fmt;
use std::str::FromStr;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    month: i8,
}

impl Month {
    /// Years 1900 to 2099, months 1 to 12.
    pub fn new(year: i16, month: i8) -> Result<Month, DomainError> {
        if !(1900..=2099).contains(&year) {
            return Err(DomainError::out_of_range(
                "month",
                year,
                "years 1900 to 2099",
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(DomainError::out_of_range("month", month, "months 1 to 12"));
        }
        Ok(Month { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, DomainError> {
        let bad =
            || DomainError::out_of_range("month", format!("{text:?}"), "a month like 2025-03");
        let (y, m) = text.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let month: i8 = m.parse().map_err(|_| bad())?;
        Month::new(year, month)
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("valid month")
    }

    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    pub fn days(self) -> i8 {
        self.first_day().days_in_month()
    }

    pub fn next(self) -> Month {
        Month::of(self.first_day() + 1.month())
    }

    pub fn contains(self, date: Date) -> bool {
        Month::of(date) == self
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Month({self})")
    }
}

impl FromStr for Month {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Month::parse(s)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// How often the payroll pays a periodic benefit (《广东省工伤保险条例》第二十九条:
/// a grade 1-4 worker whose household registration moved home may have the
/// disability allowance paid half-yearly by the agency).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentFrequency {
    /// Each month's run pays that month.
    #[default]
    Monthly,
    /// Paid six months in advance: a run pays its month and the rest of its
    /// half-year (January-June, July-December), so that the runs of January
    /// and July pay the half-year at once.
    HalfYearly,
}

impl PaymentFrequency {
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentFrequency::Monthly => "monthly",
            PaymentFrequency::HalfYearly => "half_yearly",
        }
    }

    pub fn parse(text: &str) -> Result<PaymentFrequency, DomainError> {
        match text.trim() {
            "monthly" => Ok(PaymentFrequency::Monthly),
            "half_yearly" => Ok(PaymentFrequency::HalfYearly),
            other => Err(DomainError::out_of_range(
                "frequency",
                format!("{other:?}"),
                "monthly or half_yearly",
            )),
        }
    }

    /// The last month a run of `month` pays: the month itself, or the last
    /// month of its half-year (June or December).
    pub fn paid_through(self, month: Month) -> Month {
        match self {
            PaymentFrequency::Monthly => month,
            PaymentFrequency::HalfYearly => Month {
                year: month.year,
                month: if month.month <= 6 { 6 } else { 12 },
            },
        }
    }
}

#[cfg(test)]
mod frequency_tests {
    use super::*;

    #[test]
    fn guangdong_regs_art29_a_half_year_ends_in_june_or_december() {
        let m = |s: &str| Month::parse(s).unwrap();
        for (month, through) in [
            ("2026-01", "2026-06"),
            ("2026-06", "2026-06"),
            ("2026-07", "2026-12"),
            ("2026-11", "2026-12"),
        ] {
            assert_eq!(
                PaymentFrequency::HalfYearly.paid_through(m(month)),
                m(through)
            );
            assert_eq!(PaymentFrequency::Monthly.paid_through(m(month)), m(month));
        }
    }
}
