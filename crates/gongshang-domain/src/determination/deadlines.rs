//! The periods running in a determination, and the work queue.

use jiff::civil::Date;

use crate::deadline::{
    Deadline, DeadlineKind, QueueEntry, add_days, calendar_deadline, days_between, order_queue,
};
use crate::error::DomainError;
use crate::holidays::HolidayCalendar;

use super::*;

// ---- deadlines ----------------------------------------------------------------

pub(super) fn delivery_deadline(
    calendar: &HolidayCalendar,
    decided_on: Date,
) -> Result<Deadline, DomainError> {
    calendar_deadline(
        calendar,
        DeadlineKind::Delivery,
        decided_on,
        20,
        0,
        "工伤认定办法 Art 22",
    )
}

/// The decision deadline of an accepted case: 60 days after acceptance (条例
/// Art 20(1)), 15 for a simple case (Art 20(2)), plus the days of finished
/// suspensions (Art 20(3)). None while suspended: the clock stands still.
pub fn decision_deadline(
    state: &State,
    calendar: &HolidayCalendar,
) -> Result<Option<Deadline>, DomainError> {
    let Some(accepted) = state.accepted_on else {
        return Ok(None);
    };
    if state.is_suspended() {
        return Ok(None);
    }
    let (days, mut article) = if state.simple_case {
        (15, String::from("条例 Art 20(2)"))
    } else {
        (60, String::from("条例 Art 20(1)"))
    };
    // The last day is the day on which `days` days have counted: a day counts
    // when it is after acceptance and not from a suspension up to its
    // resumption. A suspension that starts after the last day (an overdue
    // case) does not move it: lateness is not cured by a later suspension.
    let mut last = add_days(accepted, days)?;
    let first_counted = add_days(accepted, 1)?;
    for s in &state.suspensions {
        let Some(until) = s.until else { continue };
        let start = s.from.max(first_counted);
        if start <= last {
            last = add_days(last, days_between(start, until).max(0))?;
        }
    }
    let suspended = days_between(accepted, last) - days;
    if suspended > 0 {
        article.push_str(", Art 20(3)");
    }
    calendar_deadline(
        calendar,
        DeadlineKind::Decision,
        accepted,
        days,
        suspended,
        article,
    )
    .map(Some)
}

/// The deadlines running now, each from the event that starts it.
pub fn deadlines(state: &State, calendar: &HolidayCalendar) -> Result<Vec<Deadline>, DomainError> {
    let mut out = Vec::new();
    match state.phase {
        Phase::CompletenessReview => {
            if let Some(from) = state.review_from {
                out.push(calendar_deadline(
                    calendar,
                    DeadlineKind::CompletenessReview,
                    from,
                    15,
                    0,
                    "工伤认定办法 Art 8",
                )?);
            }
        }
        Phase::Accepted => out.extend(decision_deadline(state, calendar)?),
        Phase::Decided => {
            if let (Some(decided), None) = (state.decided_on, state.delivered_on) {
                out.push(delivery_deadline(calendar, decided)?);
            }
        }
        Phase::NotFiled
        | Phase::AwaitingMaterials
        | Phase::Rejected
        | Phase::Withdrawn
        | Phase::Terminated => {}
    }
    Ok(out)
}

/// Days to the most urgent running deadline (negative when overdue).
pub fn days_left(
    state: &State,
    calendar: &HolidayCalendar,
    today: Date,
) -> Result<Option<i64>, DomainError> {
    Ok(deadlines(state, calendar)?
        .iter()
        .map(|d| d.days_left(today))
        .min())
}

/// Open cases with a running deadline, overdue first, then by days left.
pub fn work_queue<'a, K: Ord + Clone + 'a>(
    cases: impl IntoIterator<Item = (K, &'a State)>,
    calendar: &HolidayCalendar,
    today: Date,
) -> Result<Vec<QueueEntry<K>>, DomainError> {
    let mut with_deadlines = Vec::new();
    for (key, state) in cases {
        with_deadlines.push((key, deadlines(state, calendar)?));
    }
    Ok(order_queue(with_deadlines, today))
}
