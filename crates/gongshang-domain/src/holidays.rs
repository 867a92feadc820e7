//! The national public holiday arrangements (国务院办公厅关于N年部分节假日安排的
//! 通知), as data: `policies/national/holidays/<year>.toml`, one file per year,
//! each holiday with its days off and the weekend days worked instead (调休上班).
//!
//! Used to move a due date past statutory holidays: a declaration or payment
//! due on a day off is due on the next working day (Guangdong specific persons
//! measure, 粤人社规〔2020〕55号 Art 5).
//!
//! A year whose arrangement is not loaded (not yet published, usually: the
//! notice comes out in November or December of the year before) is never a
//! reason to stop billing or to hide a deadline. Its days are working days
//! Monday to Friday and rest days at weekends, and every date found that way
//! is *provisional* ([`HolidayCalendar::is_provisional`]): the callers mark it
//! so and compute it again once an administrator loads the year's file
//! ([`HolidayCalendar::with_files`], at run time, no rebuild).

use std::collections::BTreeMap;
use std::fmt::Write;

use gongshang_rules::params::Confidence;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// The shipped holiday files, `(path under policies/, text)`, compiled in.
pub static EMBEDDED_HOLIDAY_FILES: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_holidays.rs"));

/// A holiday file as text, with the path used in error messages.
#[derive(Copy, Clone, Debug)]
pub struct HolidayFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearDoc {
    year: i16,
    instrument: String,
    issued: toml::value::Datetime,
    source: String,
    confidence: Confidence,
    #[serde(default)]
    note: Option<String>,
    holiday: Vec<HolidayDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayDoc {
    name_zh: String,
    name_en: String,
    #[serde(default)]
    instrument: Option<String>,
    off_from: toml::value::Datetime,
    off_until: toml::value::Datetime,
    /// The count the notice states (共N天), checked against the dates.
    #[serde(default)]
    notice_days: Option<i32>,
    working_days: Vec<toml::value::Datetime>,
}

/// One holiday of a year's arrangement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub name_zh: String,
    pub name_en: String,
    /// The notice that set it (the year's notice unless amended, as in 2020).
    pub instrument: String,
    /// The days off, inclusive; weekend days inside the range are days off too.
    pub off_from: Date,
    pub off_until: Date,
    /// Weekend days worked instead (调休上班).
    pub working_days: Vec<Date>,
}

/// A year's arrangement with its citation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearArrangement {
    pub year: i16,
    pub instrument: String,
    pub issued: Date,
    pub source: String,
    pub confidence: Confidence,
    pub note: Option<String>,
    pub holidays: Vec<Holiday>,
    pub file: String,
}

/// What a day is, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// Monday to Friday with no holiday.
    Workday,
    /// Saturday or Sunday with no arrangement.
    Weekend,
    /// A day off of a holiday (a weekend inside the holiday included).
    HolidayOff { holiday: String },
    /// A weekend day worked instead of a holiday day (调休上班).
    AdjustedWorkingDay { holiday: String },
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkingDay { .. })
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Special {
    Off(usize),
    Working(usize),
}

/// The loaded years, validated: every date inside its year, no day both off
/// and worked, worked days only on weekends, holidays not overlapping.
#[derive(Clone, Debug)]
pub struct HolidayCalendar {
    years: BTreeMap<i16, YearArrangement>,
    special: BTreeMap<Date, (i16, Special)>,
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn to_date(d: &toml::value::Datetime, what: &str) -> Result<Date, String> {
    if d.time.is_some() || d.offset.is_some() {
        return Err(format!("{what} = {d} must be a plain date like 2025-10-01"));
    }
    d.to_string()
        .parse()
        .map_err(|_| format!("{what} = {d} is not a date like 2025-10-01"))
}

fn load_year(file: &HolidayFile<'_>) -> Result<YearArrangement, String> {
    let doc: YearDoc = toml::from_str(file.text).map_err(|e| e.to_string())?;
    if !(1949..=2099).contains(&doc.year) {
        return Err(format!(
            "year = {} is out of range: allowed 1949 to 2099",
            doc.year
        ));
    }
    let expected_name = format!("{}.toml", doc.year);
    // A file of the policies folder is named after its year; an upload (a
    // path without `.toml`) is named by the year it holds.
    let file_name = file.path.rsplit('/').next().unwrap_or(file.path);
    if file_name.ends_with(".toml") && file_name != expected_name {
        return Err(format!(
            "the file of year {} must be named {expected_name}",
            doc.year
        ));
    }
    if doc.confidence == Confidence::Inferred
        && doc.note.as_deref().is_none_or(|n| n.trim().is_empty())
    {
        return Err("an INF (unverified) year needs a note saying what was not verified".into());
    }
    if doc.instrument.trim().is_empty() || doc.source.trim().is_empty() {
        return Err("instrument and source must not be empty".into());
    }
    let in_year = |d: Date, what: &str| -> Result<Date, String> {
        if d.year() == doc.year {
            Ok(d)
        } else {
            Err(format!("{what} {d} is not in the year {}", doc.year))
        }
    };
    if doc.holiday.is_empty() {
        return Err("a year needs at least one [[holiday]]".into());
    }
    let mut holidays = Vec::with_capacity(doc.holiday.len());
    for h in doc.holiday {
        let at = |reason: String| format!("holiday {}: {reason}", h.name_zh);
        let off_from =
            in_year(to_date(&h.off_from, "off_from").map_err(at)?, "off_from").map_err(at)?;
        let off_until =
            in_year(to_date(&h.off_until, "off_until").map_err(at)?, "off_until").map_err(at)?;
        if off_until < off_from {
            return Err(at(format!(
                "off_until {off_until} comes before off_from {off_from}"
            )));
        }
        let days = (off_until - off_from).get_days() + 1;
        if days > 14 {
            return Err(at(format!(
                "{days} days off is more than the 14 any notice gives"
            )));
        }
        if let Some(stated) = h.notice_days
            && stated != days
        {
            return Err(at(format!(
                "the dates give {days} days off but notice_days = {stated}"
            )));
        }
        let mut working_days = Vec::with_capacity(h.working_days.len());
        for w in &h.working_days {
            let d = in_year(to_date(w, "working_days").map_err(at)?, "working day").map_err(at)?;
            if !is_weekend(d) {
                return Err(at(format!(
                    "working day {d} is a {:?}; only a Saturday or Sunday can be an adjusted working day",
                    d.weekday()
                )));
            }
            working_days.push(d);
        }
        holidays.push(Holiday {
            instrument: h.instrument.unwrap_or_else(|| doc.instrument.clone()),
            name_zh: h.name_zh,
            name_en: h.name_en,
            off_from,
            off_until,
            working_days,
        });
    }
    Ok(YearArrangement {
        year: doc.year,
        instrument: doc.instrument,
        issued: to_date(&doc.issued, "issued")?,
        source: doc.source,
        confidence: doc.confidence,
        note: doc.note,
        holidays,
        file: file.path.to_owned(),
    })
}

/// `2020-2026`, or `2020, 2022-2023` when there are gaps.
fn years_text(years: impl Iterator<Item = i16>) -> String {
    let mut out = String::new();
    let mut run: Option<(i16, i16)> = None;
    let flush = |out: &mut String, (a, b): (i16, i16)| {
        if !out.is_empty() {
            out.push_str(", ");
        }
        if a == b {
            write!(out, "{a}").unwrap();
        } else {
            write!(out, "{a}-{b}").unwrap();
        }
    };
    for y in years {
        run = match run {
            Some((a, b)) if y == b + 1 => Some((a, y)),
            Some(r) => {
                flush(&mut out, r);
                Some((y, y))
            }
            None => Some((y, y)),
        };
    }
    if let Some(r) = run {
        flush(&mut out, r);
    }
    if out.is_empty() {
        out.push_str("none");
    }
    out
}

fn parse_file(file: &HolidayFile<'_>) -> Result<YearArrangement, DomainError> {
    load_year(file).map_err(|reason| DomainError::HolidayFileInvalid {
        file: file.path.to_owned(),
        reason,
    })
}

impl HolidayCalendar {
    /// The arrangements shipped with gongshang.
    pub fn embedded() -> Result<HolidayCalendar, DomainError> {
        let files: Vec<HolidayFile<'_>> = EMBEDDED_HOLIDAY_FILES
            .iter()
            .map(|(path, text)| HolidayFile { path, text })
            .collect();
        HolidayCalendar::load(&files)
    }

    /// Parses and validates holiday files; one bad file rejects the whole set.
    pub fn load(files: &[HolidayFile<'_>]) -> Result<HolidayCalendar, DomainError> {
        let mut years: BTreeMap<i16, YearArrangement> = BTreeMap::new();
        for file in files {
            let year = parse_file(file)?;
            if let Some(other) = years.get(&year.year) {
                return Err(DomainError::HolidayFileInvalid {
                    file: file.path.to_owned(),
                    reason: format!("year {} is already loaded from {}", year.year, other.file),
                });
            }
            years.insert(year.year, year);
        }
        if years.is_empty() {
            return Err(DomainError::HolidayFileInvalid {
                file: "(none)".into(),
                reason: "no holiday files were given".into(),
            });
        }
        HolidayCalendar::build(years)
    }

    /// This calendar with `files` loaded over it: a year in `files` replaces
    /// the year already held (an administrator loading a newly published
    /// arrangement, or correcting one), the other years stay. One bad file
    /// rejects them all and leaves `self` as it was.
    pub fn with_files(&self, files: &[HolidayFile<'_>]) -> Result<HolidayCalendar, DomainError> {
        let mut years = self.years.clone();
        let mut seen = BTreeMap::new();
        for file in files {
            let year = parse_file(file)?;
            if let Some(other) = seen.insert(year.year, file.path) {
                return Err(DomainError::HolidayFileInvalid {
                    file: file.path.to_owned(),
                    reason: format!("year {} is given twice, also in {other}", year.year),
                });
            }
            years.insert(year.year, year);
        }
        HolidayCalendar::build(years)
    }

    /// Parses one file on its own (to check it before storing it).
    pub fn parse(file: &HolidayFile<'_>) -> Result<YearArrangement, DomainError> {
        parse_file(file)
    }

    fn build(years: BTreeMap<i16, YearArrangement>) -> Result<HolidayCalendar, DomainError> {
        let mut special = BTreeMap::new();
        for year in years.values() {
            let bad = |reason: String| DomainError::HolidayFileInvalid {
                file: year.file.clone(),
                reason,
            };
            for (i, h) in year.holidays.iter().enumerate() {
                let mut d = h.off_from;
                while d <= h.off_until {
                    if let Some((_, previous)) = special.insert(d, (year.year, Special::Off(i))) {
                        return Err(bad(clash(year, d, previous, Special::Off(i))));
                    }
                    d = d.tomorrow().expect("inside the year");
                }
                for &w in &h.working_days {
                    if let Some((_, previous)) = special.insert(w, (year.year, Special::Working(i)))
                    {
                        return Err(bad(clash(year, w, previous, Special::Working(i))));
                    }
                }
            }
        }
        Ok(HolidayCalendar { years, special })
    }

    /// The years loaded, in order.
    pub fn years(&self) -> impl Iterator<Item = &YearArrangement> {
        self.years.values()
    }

    /// `2020-2026`: for messages.
    pub fn loaded_years(&self) -> String {
        years_text(self.years.keys().copied())
    }

    /// Whether the arrangement of `year` is loaded.
    pub fn is_published(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    /// Whether what the calendar says of `date` is provisional: its year's
    /// arrangement is not loaded, so only weekends count as rest days.
    pub fn is_provisional(&self, date: Date) -> bool {
        !self.is_published(date.year())
    }

    /// Whether any day from `from` to `to` (inclusive, either order) lies in a
    /// year that is not loaded: a period counted over those days is
    /// provisional.
    pub fn is_provisional_between(&self, from: Date, to: Date) -> bool {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year()).any(|y| !self.is_published(y))
    }

    /// What `date` is, by the arrangement of its year; in a year not loaded,
    /// a weekday or a weekend (provisional: see [`Self::is_provisional`]).
    pub fn day_kind(&self, date: Date) -> DayKind {
        let Some(year) = self.years.get(&date.year()) else {
            return if is_weekend(date) {
                DayKind::Weekend
            } else {
                DayKind::Workday
            };
        };
        match self.special.get(&date) {
            Some((_, Special::Off(i))) => DayKind::HolidayOff {
                holiday: year.holidays[*i].name_zh.clone(),
            },
            Some((_, Special::Working(i))) => DayKind::AdjustedWorkingDay {
                holiday: year.holidays[*i].name_zh.clone(),
            },
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Workday,
        }
    }

    /// Whether people work on `date`: a weekday that is not a day off, or a
    /// weekend day worked instead of one (调休上班).
    pub fn is_working_day(&self, date: Date) -> bool {
        self.day_kind(date).is_working()
    }

    /// `date` if it is a working day, otherwise the first working day after it
    /// (a due date falling on a holiday or weekend moves to it: 粤人社规〔2020〕
    /// 55号 Art 5). Provisional when the search touches a year not loaded.
    pub fn next_working_day_on_or_after(&self, date: Date) -> Result<Date, DomainError> {
        Ok(self.due_on_or_after(date)?.date)
    }

    /// [`Self::next_working_day_on_or_after`] with whether it is provisional.
    pub fn due_on_or_after(&self, date: Date) -> Result<DueDate, DomainError> {
        let mut d = date;
        // Terminates: no arrangement has more than 14 days off in a row.
        while !self.is_working_day(d) {
            d = d
                .checked_add(1.day())
                .map_err(|_| DomainError::out_of_range("date", date, "a date before 9999-12-31"))?;
        }
        Ok(DueDate {
            date: d,
            provisional: self.is_provisional_between(date, d),
        })
    }
}

/// A due date, and whether it rests on a year whose arrangement is not loaded.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DueDate {
    pub date: Date,
    pub provisional: bool,
}

fn clash(year: &YearArrangement, date: Date, previous: Special, now: Special) -> String {
    let name = |s: Special| match s {
        Special::Off(i) => format!("a day off of {}", year.holidays[i].name_zh),
        Special::Working(i) => format!("a working day of {}", year.holidays[i].name_zh),
    };
    format!(
        "{date} is listed as {} and as {}; a day is either off or worked, once",
        name(previous),
        name(now)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_written_as_ranges() {
        assert_eq!(years_text([2020, 2021, 2022].into_iter()), "2020-2022");
        assert_eq!(
            years_text([2020, 2022, 2023].into_iter()),
            "2020, 2022-2023"
        );
        assert_eq!(years_text(std::iter::empty()), "none");
    }
}
