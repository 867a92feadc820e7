//! Who was covered on a day, and on the strength of what.
//!
//! Cover is derived, never entered: from an [`Enrollment`] and what was paid
//! (or worked), by the scheme's rule of when cover starts
//! ([`gongshang_rules::billing::cover_starts`]):
//!
//! - `enrollment` (the Regulations' ordinary insurance): the whole enrolment;
//!   an employer's arrears are collected from it, they do not take a worker's
//!   cover away, so payments do not enter into it.
//! - `day_after_enrollment` (the ordinary insurance in Guangdong, 广东省工伤保险
//!   条例第六十五条): the same from the day after the enrolment day; a
//!   one-day enrolment covers nothing.
//! - `day_after_payment` (single-risk schemes for specific persons): each paid
//!   month from the day `cover_starts` gives (the day after the payment or
//!   after the enrolment, whichever is later), never backdated; a month paid
//!   on or after its last day covers nothing, one paid during it covers from
//!   the next day to its end (粤人社规〔2020〕55号 Art 7).
//! - `day_after_enrollment_if_paid_that_month` (Shandong's specific workers):
//!   the same, except that a premium paid in the enrolment's month covers
//!   from the day after the enrolment.
//! - `days_bought` (益鹭保): each day bought, if it was paid for on or before
//!   that day.
//! - `order_days` (the platform pilot): each day the worker took orders.
//!
//! Every covered day is clipped to the enrolment. Adjacent and overlapping
//! pieces are merged into [`CoverInterval`]s, which keep the pieces, so an
//! answer can name the payment behind a day.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan, tz};
use serde::{Deserialize, Serialize};

use gongshang_rules::billing::cover_starts;
use gongshang_rules::scheme::{CoverStart, Scheme};

use crate::error::DomainError;
use crate::ids::{CreditCode, OrderId, PlatformId, ReferenceId, ResidentId};
use crate::month::Month;

/// A person enrolled by a unit in a scheme, from a day, maybe to a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrollment {
    pub id: ReferenceId,
    pub person: ResidentId,
    pub unit: CreditCode,
    pub scheme_id: gongshang_rules::SchemeId,
    pub starts_on: Date,
    /// The last day enrolled (inclusive); `None` while it runs.
    pub last_day: Option<Date>,
}

impl Enrollment {
    fn contains(&self, day: Date) -> bool {
        self.starts_on <= day && self.last_day.is_none_or(|last| day <= last)
    }
}

/// What buys or earns cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CoverSource {
    /// A month's premium, paid on a day.
    MonthPaid {
        payment: ReferenceId,
        month: Month,
        paid_on: Date,
    },
    /// Days bought from a first day, paid on a day.
    DaysBought {
        payment: ReferenceId,
        first_day: Date,
        days: u32,
        paid_on: Date,
    },
    /// A day with at least one order of a platform.
    OrderDay {
        platform: PlatformId,
        order: OrderId,
        day: Date,
    },
}

/// The kind of a stored run of cover: what earned it, as kept in the
/// `covers.basis` column and shown to people.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverKind {
    /// The enrolment itself (ordinary insurance).
    Enrollment,
    /// A month's premium paid.
    MonthPaid,
    /// Days bought (益鹭保).
    DaysBought,
    /// A day with orders on a platform.
    OrderDay,
}

impl CoverKind {
    pub const ALL: [CoverKind; 4] = [
        CoverKind::Enrollment,
        CoverKind::MonthPaid,
        CoverKind::DaysBought,
        CoverKind::OrderDay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CoverKind::Enrollment => "enrollment",
            CoverKind::MonthPaid => "month_paid",
            CoverKind::DaysBought => "days_bought",
            CoverKind::OrderDay => "order_day",
        }
    }
}

impl std::fmt::Display for CoverKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CoverKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CoverKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not a kind of cover"))
    }
}

/// What a covered day rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoverBasis {
    /// The enrolment itself (ordinary insurance).
    Enrollment { enrollment: ReferenceId },
    /// A payment, made on a day.
    Payment { payment: ReferenceId, paid_on: Date },
    /// An order taken that day.
    Order {
        platform: PlatformId,
        order: OrderId,
    },
}

/// A run of days covered by one source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverPiece {
    pub first_day: Date,
    pub last_day: Date,
    pub basis: CoverBasis,
}

/// The last day of cover that runs until the enrolment ends (9999-12-31): a
/// stored interval with this end is open.
pub const OPEN_END: Date = Date::MAX;

/// A maximal run of covered days (inclusive), with the pieces it is made of,
/// in order of their first day. `last_day == OPEN_END` means open-ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverInterval {
    pub first_day: Date,
    pub last_day: Date,
    pub pieces: Vec<CoverPiece>,
}

/// A source that covers no day, and why (shown, so that nobody wonders where
/// a payment went).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Uncovering {
    pub source: CoverSource,
    pub reason: String,
}

/// The cover of one enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DerivedCoverage {
    pub enrollment: Enrollment,
    pub cover_starts: CoverStart,
    pub intervals: Vec<CoverInterval>,
    pub uncovering: Vec<Uncovering>,
}

/// Why a day is, or is not, covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverReason {
    /// Inside an interval; see the basis.
    Covered,
    /// Before the enrolment started.
    BeforeEnrollment,
    /// After the enrolment ended.
    AfterEnrollment,
    /// Enrolled, but nothing paid (or worked) covers the day; this includes
    /// the enrolment day itself where cover starts the day after payment.
    NotPaid,
    /// The enrolment day itself, where cover starts the day after the
    /// enrolment (广东省工伤保险条例第六十五条).
    EnrollmentDay,
}

/// The answer to "was this person covered on this day?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub covered: bool,
    pub day: Date,
    pub reason: CoverReason,
    /// The interval holding the day, and the piece (payment, order or
    /// enrolment) that covers it.
    pub interval: Option<(Date, Date)>,
    pub basis: Option<CoverBasis>,
}

fn day_after(day: Date) -> Result<Date, DomainError> {
    day.checked_add(1.day())
        .map_err(|_| DomainError::out_of_range("date", day, "a date before 9999-12-31"))
}

fn wrong_source(scheme: &Scheme, source: &CoverSource) -> DomainError {
    let kind = match source {
        CoverSource::MonthPaid { .. } => "a paid month",
        CoverSource::DaysBought { .. } => "days bought",
        CoverSource::OrderDay { .. } => "an order day",
    };
    DomainError::InputConflict {
        field: "cover_source",
        reason: format!(
            "scheme {} starts cover by {:?}; {kind} cannot buy its cover",
            scheme.id, scheme.cover_starts
        ),
    }
}

/// Derives the cover of `enrollment` under `scheme` from `sources`.
pub fn derive_coverage(
    scheme: &Scheme,
    enrollment: &Enrollment,
    sources: &[CoverSource],
) -> Result<DerivedCoverage, DomainError> {
    if scheme.id != enrollment.scheme_id {
        return Err(DomainError::InputConflict {
            field: "scheme_id",
            reason: format!(
                "the enrolment is in scheme {} but the rule of scheme {} was given",
                enrollment.scheme_id, scheme.id
            ),
        });
    }
    if enrollment
        .last_day
        .is_some_and(|l| l < enrollment.starts_on)
    {
        return Err(DomainError::InputConflict {
            field: "last_day",
            reason: format!(
                "the enrolment ends on {} before it starts on {}",
                enrollment.last_day.expect("some"),
                enrollment.starts_on
            ),
        });
    }
    let mut pieces: Vec<CoverPiece> = Vec::new();
    let mut uncovering = Vec::new();
    // The days of [first, last] inside the enrolment, if any.
    let clip = |first: Date, last: Date| {
        let first = first.max(enrollment.starts_on);
        let last = enrollment.last_day.map_or(last, |l| last.min(l));
        (first <= last).then_some((first, last))
    };
    if scheme.cover_starts.rests_on_enrollment() {
        let first = cover_starts(scheme, enrollment.starts_on, enrollment.starts_on)?;
        // None only when cover starts the day after a one-day enrolment.
        if let Some((first, last)) = clip(first, OPEN_END) {
            pieces.push(CoverPiece {
                first_day: first,
                last_day: last,
                basis: CoverBasis::Enrollment {
                    enrollment: enrollment.id.clone(),
                },
            });
        }
    }
    for source in sources {
        let (days, basis, why_none) = match (scheme.cover_starts, source) {
            // The ordinary insurance: cover rests on the enrolment; payments
            // are the employer's debt and change nothing here.
            (CoverStart::Enrollment | CoverStart::DayAfterEnrollment, _) => continue,
            (
                CoverStart::DayAfterPayment | CoverStart::DayAfterEnrollmentIfPaidThatMonth,
                CoverSource::MonthPaid {
                    payment,
                    month,
                    paid_on,
                },
            ) => {
                let start = cover_starts(scheme, enrollment.starts_on, *paid_on)?;
                let why = if *paid_on >= month.last_day() {
                    format!(
                        "paid on {paid_on}, not before the last day of {month}: cover starts the day after payment and is never backdated"
                    )
                } else {
                    format!("{month} is outside the enrolment")
                };
                (
                    clip(start.max(month.first_day()), month.last_day()),
                    CoverBasis::Payment {
                        payment: payment.clone(),
                        paid_on: *paid_on,
                    },
                    why,
                )
            }
            (
                CoverStart::DaysBought,
                CoverSource::DaysBought {
                    payment,
                    first_day,
                    days,
                    paid_on,
                },
            ) => {
                if *days == 0 || *days > 366 {
                    return Err(DomainError::out_of_range("days", days, "1 to 366"));
                }
                let first = cover_starts(scheme, enrollment.starts_on, *first_day)?;
                let last = first_day
                    .checked_add(i64::from(*days - 1).days())
                    .map_err(|_| {
                        DomainError::out_of_range("first_day", first_day, "a date before 9999")
                    })?;
                // A day bought after it began is not covered: never backdated.
                (
                    clip(first.max(*paid_on), last),
                    CoverBasis::Payment {
                        payment: payment.clone(),
                        paid_on: *paid_on,
                    },
                    format!(
                        "days {first_day} to {last} paid on {paid_on}: none is both inside the enrolment and on or after the payment"
                    ),
                )
            }
            (
                CoverStart::OrderDays,
                CoverSource::OrderDay {
                    platform,
                    order,
                    day,
                },
            ) => {
                let first = cover_starts(scheme, enrollment.starts_on, *day)?;
                (
                    clip(first, *day),
                    CoverBasis::Order {
                        platform: platform.clone(),
                        order: order.clone(),
                    },
                    format!("order day {day} is outside the enrolment"),
                )
            }
            _ => return Err(wrong_source(scheme, source)),
        };
        match days {
            Some((first_day, last_day)) => pieces.push(CoverPiece {
                first_day,
                last_day,
                basis,
            }),
            None => uncovering.push(Uncovering {
                source: source.clone(),
                reason: why_none,
            }),
        }
    }
    Ok(DerivedCoverage {
        enrollment: enrollment.clone(),
        cover_starts: scheme.cover_starts,
        intervals: merge(pieces)?,
        uncovering,
    })
}

/// Sorts pieces and merges those that overlap or touch into intervals.
pub fn merge(mut pieces: Vec<CoverPiece>) -> Result<Vec<CoverInterval>, DomainError> {
    pieces.sort_by_key(|p| (p.first_day, p.last_day));
    let mut out: Vec<CoverInterval> = Vec::new();
    for piece in pieces {
        match out.last_mut() {
            Some(current)
                if current.last_day == OPEN_END
                    || piece.first_day <= day_after(current.last_day)? =>
            {
                current.last_day = current.last_day.max(piece.last_day);
                current.pieces.push(piece);
            }
            _ => out.push(CoverInterval {
                first_day: piece.first_day,
                last_day: piece.last_day,
                pieces: vec![piece],
            }),
        }
    }
    Ok(out)
}

/// Whether `day` is covered by `intervals`, and by what. When pieces overlap
/// (a month paid twice), the earliest piece holding the day is named.
pub fn covered(intervals: &[CoverInterval], day: Date) -> Coverage {
    let found = intervals
        .iter()
        .find(|i| i.first_day <= day && day <= i.last_day);
    match found {
        Some(interval) => {
            let piece = interval
                .pieces
                .iter()
                .find(|p| p.first_day <= day && day <= p.last_day)
                .expect("an interval is the union of its pieces");
            Coverage {
                covered: true,
                day,
                reason: CoverReason::Covered,
                interval: Some((interval.first_day, interval.last_day)),
                basis: Some(piece.basis.clone()),
            }
        }
        None => Coverage {
            covered: false,
            day,
            reason: CoverReason::NotPaid,
            interval: None,
            basis: None,
        },
    }
}

impl DerivedCoverage {
    /// Whether the person was covered on `day` under this enrolment, with the
    /// reason: inside an interval, or before/after the enrolment, or not paid.
    pub fn covered(&self, day: Date) -> Coverage {
        let mut answer = covered(&self.intervals, day);
        if !answer.covered {
            answer.reason = if day < self.enrollment.starts_on {
                CoverReason::BeforeEnrollment
            } else if !self.enrollment.contains(day) {
                CoverReason::AfterEnrollment
            } else if self.cover_starts == CoverStart::DayAfterEnrollment
                && day == self.enrollment.starts_on
            {
                CoverReason::EnrollmentDay
            } else {
                CoverReason::NotPaid
            };
        }
        answer
    }
}

/// The civil date in China of an instant: China Standard Time, UTC+8, without
/// daylight saving since 1992 (it was observed 1986-1991, before any date this
/// system covers). Fixed, so no time-zone database is needed.
pub fn date_in_china(instant: Timestamp) -> Date {
    let offset = tz::Offset::constant(8);
    offset.to_datetime(instant).date()
}

/// The months billable for a person who died on `death_date`: the month of
/// death is paid for, nothing after it (粤人社规〔2020〕55号 Art 12).
pub fn is_billable_after_death(month: Month, death_date: Date) -> bool {
    month <= Month::of(death_date)
}

/// The last month billable for a person who died on `death_date`.
pub fn last_billable_month(death_date: Date) -> Month {
    Month::of(death_date)
}
