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
