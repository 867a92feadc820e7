//! A worker posted abroad (派遣出境): 《工伤保险条例》第四十四条 (Regulations
//! Art 44). When the law of the country or region of the posting requires
//! the worker to join the local work-injury insurance, the domestic
//! insurance relation is suspended (中止) and resumes on the return; when
//! the worker cannot join it there, nothing is suspended (no record is made).
//!
//! While an enrolment is suspended it gives no cover and owes no premium.
//! Pure: the dates are arguments.

use std::fmt;
use std::str::FromStr;

use gongshang_rules::trace::Article;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::month::Month;

pub const REG_44: Article = Article {
    zh: "《工伤保险条例》第四十四条",
    en: "Regulations Art 44",
};

/// Why an enrolment is suspended. Art 44 knows one reason; a posting where
/// the worker cannot join the local insurance suspends nothing.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReason {
    /// Posted abroad, and the law there requires the local insurance.
    PostedAbroadLocalInsurance,
}

impl SuspensionReason {
    pub const ALL: [SuspensionReason; 1] = [SuspensionReason::PostedAbroadLocalInsurance];

    pub const fn as_str(self) -> &'static str {
        match self {
            SuspensionReason::PostedAbroadLocalInsurance => "posted_abroad_local_insurance",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            SuspensionReason::PostedAbroadLocalInsurance => "派遣出境并参加当地工伤保险",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            SuspensionReason::PostedAbroadLocalInsurance => {
                "posted abroad and insured under the local work-injury insurance"
            }
        }
    }

    pub const fn article(self) -> Article {
        match self {
            SuspensionReason::PostedAbroadLocalInsurance => REG_44,
        }
    }
}

impl fmt::Display for SuspensionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SuspensionReason {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SuspensionReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                DomainError::out_of_range(
                    "reason",
                    format!("{s:?}"),
                    "posted_abroad_local_insurance",
                )
            })
    }
}

/// A country or region of the posting: ISO 3166-1 alpha-2, upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(text: &str) -> Result<CountryCode, DomainError> {
        let t = text.trim();
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_uppercase()) && t != "CN" {
            Ok(CountryCode(t.to_owned()))
        } else {
            Err(DomainError::out_of_range(
                "country",
                format!("{text:?}"),
                "an ISO 3166-1 alpha-2 code in capitals, other than CN (e.g. SG, DE)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CountryCode::parse(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}

/// A period an enrolment is suspended (中止).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    /// The first day suspended (the day the posting's local insurance starts).
    pub from: Date,
    /// The last day suspended; `None` until the worker returns.
    pub until: Option<Date>,
    pub country: CountryCode,
    pub reason: SuspensionReason,
}

impl Suspension {
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }
}

/// The suspension holding `day`, if one does: the enrolment gives no cover
/// that day (Art 44).
pub fn suspended_on(suspensions: &[Suspension], day: Date) -> Option<&Suspension> {
    suspensions.iter().find(|s| s.contains(day))
}

/// Whether no premium is owed for `month`: a suspension holds every day of
/// it. A month partly suspended is declared whole (assumed: Art 44 says
/// nothing of part months, and the declaration is monthly; see DESIGN.md).
pub fn month_paused(suspensions: &[Suspension], month: Month) -> bool {
    suspensions
        .iter()
        .any(|s| s.contains(month.first_day()) && s.contains(month.last_day()))
}

/// Checks a suspension before it is recorded: within the enrolment (from
/// its start, before its end), not overlapping another, `until` not before
/// `from`.
pub fn check_suspension(
    s: &Suspension,
    others: &[Suspension],
    enrollment_start: Date,
    enrollment_last_day: Option<Date>,
) -> Result<(), DomainError> {
    if s.from < enrollment_start {
        return Err(DomainError::out_of_range(
            "from",
            s.from,
            format!("on or after the enrolment's start, {enrollment_start}"),
        ));
    }
    if let Some(last) = enrollment_last_day
        && s.from > last
    {
        return Err(DomainError::out_of_range(
            "from",
            s.from,
            format!("on or before the enrolment's last day, {last}"),
        ));
    }
    if let Some(until) = s.until
        && until < s.from
    {
        return Err(DomainError::out_of_range(
            "until",
            until,
            format!("on or after the first day suspended, {}", s.from),
        ));
    }
    let end = s.until.unwrap_or(Date::MAX);
    if let Some(o) = others
        .iter()
        .find(|o| o.from <= end && s.from <= o.until.unwrap_or(Date::MAX))
    {
        return Err(DomainError::InputConflict {
            field: "from",
            reason: format!("the enrolment is already suspended from {}", o.from),
        });
    }
    Ok(())
}

/// Checks the return that ends an open suspension: the last day suspended
/// is the day before the return, on or after its first day.
pub fn check_return(s: &Suspension, returned_on: Date) -> Result<Date, DomainError> {
    if s.until.is_some() {
        return Err(DomainError::InputConflict {
            field: "returned_on",
            reason: "the suspension has already ended".into(),
        });
    }
    let until = returned_on.yesterday().map_err(|_| {
        DomainError::out_of_range(
            "returned_on",
            returned_on,
            "a day after the first day suspended",
        )
    })?;
    if until < s.from {
        return Err(DomainError::out_of_range(
            "returned_on",
            returned_on,
            format!("after the first day suspended, {}", s.from),
        ));
    }
    Ok(until)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn posting(from: Date, until: Option<Date>) -> Suspension {
        Suspension {
            from,
            until,
            country: CountryCode::parse("SG").unwrap(),
            reason: SuspensionReason::PostedAbroadLocalInsurance,
        }
    }

    #[test]
    fn regs_art44_a_posting_with_local_insurance_suspends_cover_and_premiums_until_the_return() {
        let open = posting(date(2026, 3, 10), None);
        let closed = posting(date(2026, 3, 10), Some(date(2026, 8, 31)));
        // (suspension, day, suspended)
        let days = [
            (&open, date(2026, 3, 9), false),
            (&open, date(2026, 3, 10), true),
            (&open, date(2030, 1, 1), true),
            (&closed, date(2026, 8, 31), true),
            (&closed, date(2026, 9, 1), false),
        ];
        for (s, day, expected) in days {
            assert_eq!(
                suspended_on(std::slice::from_ref(s), day).is_some(),
                expected,
                "{day}"
            );
        }
        // (suspension, month, paused)
        let months = [
            (&open, Month::new(2026, 3).unwrap(), false),
            (&open, Month::new(2026, 4).unwrap(), true),
            (&closed, Month::new(2026, 8).unwrap(), true),
            (&closed, Month::new(2026, 9).unwrap(), false),
        ];
        for (s, month, expected) in months {
            assert_eq!(
                month_paused(std::slice::from_ref(s), month),
                expected,
                "{month:?}"
            );
        }
        assert_eq!(check_return(&open, date(2026, 9, 1)), Ok(date(2026, 8, 31)));
        assert!(check_return(&open, date(2026, 3, 10)).is_err());
        assert!(check_return(&closed, date(2026, 9, 1)).is_err());
    }

    #[test]
    fn regs_art44_a_suspension_lies_within_the_enrolment_and_never_overlaps_another() {
        let start = date(2025, 1, 1);
        let field = |r: Result<(), DomainError>| r.unwrap_err().field().map(str::to_owned);
        let s = posting(date(2026, 3, 10), Some(date(2026, 8, 31)));
        assert_eq!(check_suspension(&s, &[], start, None), Ok(()));
        assert_eq!(
            field(check_suspension(
                &posting(date(2024, 12, 31), None),
                &[],
                start,
                None
            )),
            Some("from".into())
        );
        assert_eq!(
            field(check_suspension(&s, &[], start, Some(date(2026, 1, 1)))),
            Some("from".into())
        );
        assert_eq!(
            field(check_suspension(
                &posting(date(2026, 3, 10), Some(date(2026, 3, 9))),
                &[],
                start,
                None
            )),
            Some("until".into())
        );
        assert_eq!(
            field(check_suspension(
                &posting(date(2026, 8, 31), None),
                std::slice::from_ref(&s),
                start,
                None
            )),
            Some("from".into())
        );
        assert_eq!(
            check_suspension(
                &posting(date(2026, 9, 1), None),
                std::slice::from_ref(&s),
                start,
                None
            ),
            Ok(())
        );
        assert!(CountryCode::parse("sg").is_err());
        assert!(CountryCode::parse("CN").is_err());
        assert!(CountryCode::parse("SGP").is_err());
    }
}
