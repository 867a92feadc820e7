//! Statutory periods and due dates shared by the case flows (determination,
//! confirmation, insurer claims, appraisal), and the work queue.
//!
//! A period of N days that runs from an event ends on the day N days after the
//! event (the day of the event does not count: 民法典 Art 201). When that last
//! day is a statutory holiday or a rest day, the period ends on the next
//! working day (民法典 Art 203; the holiday calendar decides). A period that
//! crosses a year whose arrangement is not loaded counts weekends only and is
//! marked provisional, to be computed again when the year is loaded.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::error::DomainError;
use crate::holidays::HolidayCalendar;

/// What a due date is for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A unit's application for determination (条例 Art 17(1)).
    UnitFiling,
    /// An application by the worker, close relatives or union (条例 Art 17(2)).
    PersonalFiling,
    /// Accept or reject an application after filing or after the materials
    /// are completed (工伤认定办法 Art 8).
    CompletenessReview,
    /// The determination decision (条例 Art 20).
    Decision,
    /// Delivery of the decision (工伤认定办法 Art 22).
    Delivery,
    /// The platform pilot's occupational-injury confirmation.
    ConfirmationDecision,
    /// The insurer's review of a claim.
    ClaimReview,
    /// The insurer's payout after approval.
    ClaimPayout,
    /// A work-capacity appraisal conclusion (条例 Arts 25, 29).
    AppraisalConclusion,
    /// The last day to apply for a provincial re-appraisal (条例 Art 26).
    ReappraisalApplication,
    /// A worker's manual reimbursement of medical, rehabilitation or device
    /// costs decided (社会保险经办条例 Art 22).
    ReimbursementDecision,
    /// A stop-benefit event (a death, a remarriage, ...) told to the agency
    /// by the unit, the recipient or a relative (社会保险经办条例 Art 25).
    StopBenefitReport,
    /// A person's registration, or its change or cancellation, completed by
    /// the agency (社会保险经办条例 Arts 6, 10).
    RegistrationHandling,
}

/// A due date, the event it runs from and the article that sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The date of the event the period runs from.
    pub from: Date,
    /// The statutory period, in days (working days when `working_days`).
    pub period_days: i64,
    /// Days added to the period: suspended days (条例 Art 20(3)) or an
    /// approved extension (条例 Art 25).
    pub added_days: i64,
    pub working_days: bool,
    /// `from + period_days + added_days`, before moving past a day off.
    pub last_day_unadjusted: Date,
    /// The last day of the period, moved to a working day.
    pub due: Date,
    /// The period crosses a year whose holiday arrangement is not loaded:
    /// `due` counts weekends only and may move once the year is loaded.
    pub provisional: bool,
    pub article: String,
}

impl Deadline {
    /// Days from `today` to the due date: 0 on the due date, negative when
    /// overdue.
    pub fn days_left(&self, today: Date) -> i64 {
        days_between(today, self.due)
    }
}

/// `to - from` in days.
pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

/// `date + days`, or an error naming the date.
pub fn add_days(date: Date, days: i64) -> Result<Date, DomainError> {
    date.checked_add(days.days())
        .map_err(|_| DomainError::out_of_range("date", date, "a date before 9999-12-31"))
}

/// The same day `years` later (29 February becomes 28 February).
pub fn add_years(date: Date, years: i64) -> Result<Date, DomainError> {
    date.checked_add(years.years())
        .map_err(|_| DomainError::out_of_range("date", date, "a date before 9999-12-31"))
}

/// A period of calendar days running from `from`, with `added_days` added.
pub fn calendar_deadline(
    calendar: &HolidayCalendar,
    kind: DeadlineKind,
    from: Date,
    period_days: i64,
    added_days: i64,
    article: impl Into<String>,
) -> Result<Deadline, DomainError> {
    let last = add_days(from, period_days + added_days)?;
    let due = calendar.due_on_or_after(last)?;
    Ok(Deadline {
        kind,
        from,
        period_days,
        added_days,
        working_days: false,
        last_day_unadjusted: last,
        due: due.date,
        provisional: due.provisional,
        article: article.into(),
    })
}

/// A period of working days running from `from` (the N-th working day after
/// it), with `added_days` calendar days of suspension added first.
pub fn working_day_deadline(
    calendar: &HolidayCalendar,
    kind: DeadlineKind,
    from: Date,
    period_days: i64,
    added_days: i64,
    article: impl Into<String>,
) -> Result<Deadline, DomainError> {
    let mut day = add_days(from, added_days)?;
    let mut counted = 0;
    while counted < period_days {
        day = add_days(day, 1)?;
        if calendar.is_working_day(day) {
            counted += 1;
        }
    }
    let due = calendar.due_on_or_after(day)?;
    Ok(Deadline {
        kind,
        from,
        period_days,
        added_days,
        working_days: true,
        last_day_unadjusted: day,
        due: due.date,
        provisional: calendar.is_provisional_between(from, due.date),
        article: article.into(),
    })
}

/// One line of a work queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueEntry<K> {
    pub case: K,
    pub deadline: Deadline,
    pub days_left: i64,
    pub overdue: bool,
}

/// Orders cases by their most urgent deadline: overdue cases first (most
/// overdue at the top), then by days left; ties by case key. Cases without a
/// running deadline (closed, suspended, awaiting materials) are left out.
pub fn order_queue<K: Ord + Clone>(
    cases: impl IntoIterator<Item = (K, Vec<Deadline>)>,
    today: Date,
) -> Vec<QueueEntry<K>> {
    let mut out: Vec<QueueEntry<K>> = cases
        .into_iter()
        .filter_map(|(case, deadlines)| {
            let deadline = deadlines.into_iter().min_by_key(|d| (d.due, d.kind))?;
            let days_left = deadline.days_left(today);
            Some(QueueEntry {
                case,
                days_left,
                overdue: days_left < 0,
                deadline,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.days_left, a.deadline.kind, &a.case).cmp(&(b.days_left, b.deadline.kind, &b.case))
    });
    out
}
