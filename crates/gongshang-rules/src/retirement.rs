//! The statutory retirement age (法定退休年龄), which decides who is an
//! over-age worker (超龄劳动者) and how many years remain before retirement
//! (Jiangsu measures Art 28).
//!
//! Before 2025: men 60, women workers 50, women cadres 55 (国发〔1978〕104号).
//! From 2025-01-01 the NPC Standing Committee's decision on the gradual delay of
//! the statutory retirement age (全国人民代表大会常务委员会关于实施渐进式延迟法定
//! 退休年龄的决定, 2024-09-13, and its annexed tables) delays it by birth month:
//! men born from January 1965 one month for every four months of birth, to 63;
//! women whose age was 55 born from January 1970 one month for every four months,
//! to 58; women whose age was 50 born from January 1975 one month for every two
//! months, to 55.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::trace::Article;

pub const RETIREMENT_DECISION: Article = Article {
    zh: "《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》（2024年9月13日）及附件",
    en: "NPC Standing Committee decision on the gradual delay of the statutory retirement age (2024-09-13), annex tables",
};

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Which original retirement age applies to a woman (男职工 have one).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetirementTrack {
    /// Men: 60; women workers: 50.
    #[default]
    Worker,
    /// Women cadres (管理和技术岗位): 55. Men are 60 on either track.
    Cadre,
}

/// The original age in months, the first birth month the delay applies to,
/// the birth months per month of delay, and the most months of delay.
fn schedule(sex: Sex, track: RetirementTrack) -> (i32, (i16, i8), i32, i32) {
    match (sex, track) {
        (Sex::Male, _) => (60 * 12, (1965, 1), 4, 36),
        (Sex::Female, RetirementTrack::Cadre) => (55 * 12, (1970, 1), 4, 36),
        (Sex::Female, RetirementTrack::Worker) => (50 * 12, (1975, 1), 2, 60),
    }
}

/// The statutory retirement age in months for a person born on `birth`.
pub fn retirement_age_months(birth: Date, sex: Sex, track: RetirementTrack) -> i32 {
    let (base, (y, m), per, max) = schedule(sex, track);
    let born = i32::from(birth.year()) * 12 + i32::from(birth.month()) - 1;
    let first = i32::from(y) * 12 + i32::from(m) - 1;
    if born < first {
        base
    } else {
        base + ((born - first) / per + 1).min(max)
    }
}

/// The date on which the person reaches the statutory retirement age.
pub fn retirement_date(birth: Date, sex: Sex, track: RetirementTrack) -> Result<Date, RulesError> {
    let months = retirement_age_months(birth, sex, track);
    birth.checked_add(i64::from(months).months()).map_err(|_| {
        RulesError::out_of_range(
            "birth_date",
            birth,
            "a date that leaves a retirement date in range",
        )
    })
}

/// Whole years of age on `on` (the birthday counts from its day).
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut years = i32::from(on.year()) - i32::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Whole months from `from` to `to` (negative when `to` is earlier).
pub fn whole_months_between(from: Date, to: Date) -> i32 {
    let mut months = (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month())
        - i32::from(from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_decision_tables_first_and_last_steps() {
        // Men born before 1965: 60; January-April 1965: 60 and 1 month; capped at 63.
        assert_eq!(
            retirement_age_months(date(1964, 12, 31), Sex::Male, RetirementTrack::Worker),
            720
        );
        assert_eq!(
            retirement_age_months(date(1965, 1, 1), Sex::Male, RetirementTrack::Worker),
            721
        );
        assert_eq!(
            retirement_age_months(date(1965, 4, 30), Sex::Male, RetirementTrack::Worker),
            721
        );
        assert_eq!(
            retirement_age_months(date(1965, 5, 1), Sex::Male, RetirementTrack::Worker),
            722
        );
        assert_eq!(
            retirement_age_months(date(1976, 12, 1), Sex::Male, RetirementTrack::Worker),
            756
        );
        assert_eq!(
            retirement_age_months(date(1990, 6, 1), Sex::Male, RetirementTrack::Worker),
            756
        );
        // Women workers: 50, then a month for every two months from January 1975, to 55.
        assert_eq!(
            retirement_age_months(date(1974, 12, 1), Sex::Female, RetirementTrack::Worker),
            600
        );
        assert_eq!(
            retirement_age_months(date(1975, 2, 28), Sex::Female, RetirementTrack::Worker),
            601
        );
        assert_eq!(
            retirement_age_months(date(1975, 3, 1), Sex::Female, RetirementTrack::Worker),
            602
        );
        assert_eq!(
            retirement_age_months(date(1985, 1, 1), Sex::Female, RetirementTrack::Worker),
            660
        );
        // Women cadres: 55, then a month for every four months from January 1970, to 58.
        assert_eq!(
            retirement_age_months(date(1969, 12, 1), Sex::Female, RetirementTrack::Cadre),
            660
        );
        assert_eq!(
            retirement_age_months(date(1970, 1, 1), Sex::Female, RetirementTrack::Cadre),
            661
        );
        assert_eq!(
            retirement_age_months(date(1981, 12, 1), Sex::Female, RetirementTrack::Cadre),
            696
        );
    }

    #[test]
    fn ages_and_months_count_whole_units() {
        assert_eq!(age_on(date(1960, 3, 15), date(2025, 3, 14)), 64);
        assert_eq!(age_on(date(1960, 3, 15), date(2025, 3, 15)), 65);
        assert_eq!(
            whole_months_between(date(2025, 1, 31), date(2025, 2, 28)),
            0
        );
        assert_eq!(
            whole_months_between(date(2025, 1, 15), date(2030, 1, 15)),
            60
        );
        assert_eq!(
            retirement_date(date(1965, 1, 10), Sex::Male, RetirementTrack::Worker).unwrap(),
            date(2025, 2, 10)
        );
    }
}
