//! The holiday calendar at run time: the arrangements shipped in the binary,
//! with those an administrator loaded over them (a year published after the
//! build, or a correction). A year with no arrangement never stops billing or
//! hides a deadline: its dates count weekends only and are provisional
//! (`HolidayCalendar::is_provisional`), and loading the year counts the
//! provisional bills' due dates and the open cases' deadlines again.

use std::sync::Arc;

use gongshang_domain::HolidayCalendar;
use gongshang_domain::holidays::{HolidayFile, YearArrangement};
use gongshang_domain::month::Month;
use gongshang_store::{BillKind, BillRedated, Store};
use jiff::Timestamp;
use serde::Serialize;

use crate::App;
use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::due_date_by;

/// The shipped calendar with the stored files loaded over it.
pub(crate) fn stored_over_shipped(store: &dyn Store) -> Result<HolidayCalendar, AppError> {
    let stored = store.holiday_files()?;
    let paths: Vec<String> = stored
        .iter()
        .map(|f| format!("database/{}.toml", f.year))
        .collect();
    let files: Vec<HolidayFile<'_>> = stored
        .iter()
        .zip(&paths)
        .map(|(f, path)| HolidayFile {
            path,
            text: &f.text,
        })
        .collect();
    Ok(HolidayCalendar::embedded()?.with_files(&files)?)
}

/// One year of the calendar in force, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolidayYear {
    pub year: i16,
    pub instrument: String,
    pub issued: jiff::civil::Date,
    pub source: String,
    pub holidays: usize,
    /// `None` when shipped with the build; who loaded it otherwise.
    pub loaded_by: Option<String>,
    pub loaded_at: Option<Timestamp>,
}

/// The calendar in force: the years it holds, and the first year after them
/// (whose dates are provisional).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolidayCalendarView {
    pub years: Vec<HolidayYear>,
    pub provisional_from: i16,
}

/// What loading a year changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolidayYearLoaded {
    pub year: i16,
    /// A year held before (shipped or loaded) was replaced.
    pub replaced: bool,
    /// Bills whose provisional due date was counted again.
    pub bills_redated: usize,
    /// Open cases whose running deadline was counted again.
    pub cases_redated: usize,
}

impl App {
    /// The years of the calendar in force (public: every role may read it).
    pub fn holiday_calendar(&self) -> Result<HolidayCalendarView, AppError> {
        let stored = self.store.holiday_files()?;
        let calendar = self.calendar();
        let years: Vec<HolidayYear> = calendar
            .years()
            .map(|y: &YearArrangement| {
                let s = stored.iter().find(|f| f.year == y.year);
                HolidayYear {
                    year: y.year,
                    instrument: y.instrument.clone(),
                    issued: y.issued,
                    source: y.source.clone(),
                    holidays: y.holidays.len(),
                    loaded_by: s.map(|f| f.loaded_by.clone()),
                    loaded_at: s.map(|f| f.loaded_at),
                }
            })
            .collect();
        let provisional_from = years.last().map_or(1949, |y| y.year + 1);
        Ok(HolidayCalendarView {
            years,
            provisional_from,
        })
    }

    /// Loads a year's arrangement (the format of
    /// `policies/national/holidays/<year>.toml`) without a rebuild: checked
    /// whole, stored, and in force at once; the bills whose due date was
    /// provisional are dated again by it in the same transaction, then the
    /// open cases' deadlines. A bad file changes nothing.
    pub fn load_holiday_year(
        &self,
        actor: &Actor,
        text: &str,
    ) -> Result<HolidayYearLoaded, AppError> {
        actor.authorize(Action::ManageCalendar)?;
        let year = HolidayCalendar::parse(&HolidayFile {
            path: "upload",
            text,
        })?
        .year;
        let path = format!("database/{year}.toml");
        let current = self.calendar();
        let replaced = current.is_published(year);
        let next = current.with_files(&[HolidayFile { path: &path, text }])?;
        let mut redated = Vec::new();
        for bill in self.store.provisional_bills()? {
            // Only bills of a month are dated by the calendar (days bought
            // are due on their first day).
            if !matches!(bill.kind, BillKind::Monthly | BillKind::Orders) {
                continue;
            }
            let month = Month::parse(&bill.period)?;
            let due = due_date_by(&next, self.due_day, month)?;
            redated.push(BillRedated {
                bill_id: bill.bill_id,
                due_date: due.date,
                due_provisional: due.provisional,
            });
        }
        // Hold the lock while storing, so that two loads do not interleave.
        let mut slot = self.calendar.write().unwrap_or_else(|e| e.into_inner());
        self.store
            .load_holiday_file(year, text, &redated, &actor.audit_name(), self.now())?;
        *slot = Arc::new(next);
        drop(slot);
        let first_day = jiff::civil::date(year, 1, 1);
        let mut cases_redated = 0;
        for row in self.store.open_cases_due_from(first_day)? {
            if self.refresh_case_deadline(actor, &row.number)? {
                cases_redated += 1;
            }
        }
        Ok(HolidayYearLoaded {
            year,
            replaced,
            bills_redated: redated.len(),
            cases_redated,
        })
    }
}
