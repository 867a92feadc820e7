//! Coverage: whether a person was covered at an instant or on a day, and
//! what the cover rests on (an enrolment and its payment, or orders).

use gongshang_rules::SchemeId;

use gongshang_domain::PlatformId;
use gongshang_domain::coverage::{self, CoverKind};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::liability::SuccessionKind;
use gongshang_rules::billing::cover_starts;
use gongshang_rules::scheme::CoverStart;
use gongshang_store::{CoverProof, PersonCoverage, StoredEnrollment};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;

use crate::services::*;

/// The instant or the day asked about.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum At {
    Instant(Timestamp),
    Day(Date),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageReason {
    Covered,
    NotEnrolled,
    BeforeEnrollment,
    AfterEnrollment,
    /// Enrolled, but nothing paid (or worked) covers the day.
    NotPaid,
    /// Enrolled, but suspended: the worker is posted abroad under the local
    /// insurance (Regulations Art 44).
    Suspended,
    /// The enrolment day itself, where cover starts the day after the
    /// enrolment (广东省工伤保险条例第六十五条): the worker is the uninsured
    /// unit's (Art 55).
    EnrollmentDay,
}

impl CoverageReason {
    pub fn text_zh(self) -> &'static str {
        match self {
            CoverageReason::Covered => "在保",
            CoverageReason::NotEnrolled => "未参保",
            CoverageReason::BeforeEnrollment => "参保开始之前",
            CoverageReason::AfterEnrollment => "参保已终止",
            CoverageReason::NotPaid => {
                "已参保但该日无缴费（或接单）对应的保障；缴费次日起保障，不追溯"
            }
            CoverageReason::Suspended => {
                "派遣出境参加当地工伤保险，国内工伤保险关系中止（《工伤保险条例》第四十四条）"
            }
            CoverageReason::EnrollmentDay => {
                "参保当日：自办理工伤保险参保手续次日起由工伤保险基金支付（《广东省工伤保险条例》第六十五条）"
            }
        }
    }

    pub fn text_en(self) -> &'static str {
        match self {
            CoverageReason::Covered => "covered",
            CoverageReason::NotEnrolled => "not enrolled in any scheme",
            CoverageReason::BeforeEnrollment => "before the enrolment started",
            CoverageReason::AfterEnrollment => "after the enrolment ended",
            CoverageReason::NotPaid => {
                "enrolled, but nothing paid (or worked) covers the day; cover starts the day after payment and is never backdated"
            }
            CoverageReason::Suspended => {
                "posted abroad under the local insurance: the domestic enrolment is suspended (Regulations Art 44)"
            }
            CoverageReason::EnrollmentDay => {
                "the enrolment day: the fund pays from the day after the enrolment (Guangdong Regulations Art 65)"
            }
        }
    }
}

/// One cover holding the day, and what it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverFound {
    pub scheme_id: SchemeId,
    pub unit: Option<String>,
    pub enrollment: Option<EnrollmentView>,
    /// The payment behind the cover (`month_paid`, `days_bought`).
    pub payment_id: Option<i64>,
    /// The platform whose orders cover the day (`order_day`).
    pub platform: Option<String>,
    pub basis: CoverKind,
    pub start: Date,
    /// `9999-12-31` when open-ended.
    pub end: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverageAnswer {
    pub person: String,
    pub day: Date,
    pub unit: Option<String>,
    pub covered: bool,
    pub reason: CoverageReason,
    pub covers: Vec<CoverFound>,
    /// The person's enrolments (of the unit, if one was asked for).
    pub enrollments: Vec<EnrollmentView>,
}

impl App {
    // ---- coverage ----------------------------------------------------------

    /// Whether `e` continues, from its first day, the person's enrolment in
    /// the same scheme at a unit that merged into, divided into or was
    /// transferred to `e`'s unit that day (Regulations Art 43(1); Guangdong
    /// Art 39: the successor's change of registration, 变更登记). Such an
    /// enrolment is no new enrolment (参保手续) under Guangdong Art 65: its
    /// cover runs on without the day's gap.
    fn continues_by_succession(
        &self,
        person: &ResidentId,
        e: &StoredEnrollment,
    ) -> Result<bool, AppError> {
        let Some(unit) = e.unit else {
            return Ok(false);
        };
        let predecessors: Vec<CreditCode> = self
            .store
            .successions_of_unit(&unit)?
            .into_iter()
            .filter(|s| {
                s.successor == unit
                    && s.effective_on == e.start
                    && s.kind != SuccessionKind::ContractingOut
            })
            .map(|s| s.predecessor)
            .collect();
        if predecessors.is_empty() {
            return Ok(false);
        }
        let eve = e.start.yesterday().ok();
        Ok(self
            .store
            .enrollments_of_person(person)?
            .iter()
            .any(|before| {
                before.unit.is_some_and(|u| predecessors.contains(&u))
                    && before.scheme_id == e.scheme_id
                    && before.last_day.is_some()
                    && before.last_day == eve
            }))
    }

    /// Whether the person was covered at an instant (its date in China,
    /// UTC+8) or on a day, by any unit or by one: yes or no, the reason, and
    /// the enrolment and payment (or orders) behind it.
    pub fn coverage(
        &self,
        actor: &Actor,
        person: &ResidentId,
        at: At,
        unit: Option<&CreditCode>,
    ) -> Result<CoverageAnswer, AppError> {
        let (unit, platform_only) = coverage_scope(actor, person, unit)?;
        self.coverage_answer(person, at, unit, platform_only.as_ref())
    }

    /// [`App::coverage`] for an async caller: on PostgreSQL the read waits
    /// on the network without holding a thread (the server's coverage
    /// lookups, DESIGN.md). `None` when the answer needs a further read that
    /// has no async form (whether an enrolment starting that very day
    /// continues a succession, a rare case): the caller then asks
    /// [`App::coverage`] on a thread that may block.
    pub async fn coverage_async(
        &self,
        actor: &Actor,
        person: &ResidentId,
        at: At,
        unit: Option<&CreditCode>,
    ) -> Result<Option<CoverageAnswer>, AppError> {
        let (unit, platform_only) = coverage_scope(actor, person, unit)?;
        let day = day_of(at);
        let read = self
            .store
            .coverage_of_person_async(person, day, unit, platform_only.as_ref())
            .await?;
        self.answer_from(person, day, unit, read, false)
    }
}

/// Who may ask of whose cover, and of which unit and platform: the unit
/// the answer is limited to, and the platform whose order days alone count.
fn coverage_scope<'a>(
    actor: &'a Actor,
    person: &ResidentId,
    unit: Option<&'a CreditCode>,
) -> Result<(Option<&'a CreditCode>, Option<PlatformId>), AppError> {
    {
        actor.authorize(Action::ReadCoverage)?;
        // A unit asks of its own cover only (its enrolments and, for a
        // platform, its order days): nothing of the person's other units
        // shows. A worker asks of themself.
        let platform_only = actor.platform().cloned();
        let unit = match &actor.scope {
            Scope::All => unit,
            Scope::Unit { unit: own, .. } => {
                if let Some(u) = unit {
                    actor.require_reach(own == u, "unit", u.as_str())?;
                }
                Some(own)
            }
            Scope::Person(me) => {
                actor.require_reach(me == person, "person", person.masked())?;
                unit
            }
            Scope::StatisticsOnly | Scope::Partner(_) => {
                return Err(AppError::Forbidden {
                    action: Action::ReadCoverage,
                });
            }
        };
        Ok((unit, platform_only))
    }
}

fn day_of(at: At) -> Date {
    match at {
        At::Instant(t) => coverage::date_in_china(t),
        At::Day(d) => d,
    }
}

impl App {
    /// The coverage answer of a person (of one unit's enrolments and one
    /// platform's order days if given), for the use cases here.
    pub(crate) fn coverage_answer(
        &self,
        person: &ResidentId,
        at: At,
        unit: Option<&CreditCode>,
        platform_only: Option<&PlatformId>,
    ) -> Result<CoverageAnswer, AppError> {
        let day = day_of(at);
        // One statement: the enrolments and the stored covers (a platform
        // worker covered by order days need not be registered).
        let read = self
            .store
            .coverage_of_person(person, day, unit, platform_only)?;
        Ok(self
            .answer_from(person, day, unit, read, true)?
            .expect("a reading answer is always whole"))
    }

    /// The answer from the statement's rows; `None` when it needs a further
    /// read and `may_read` is false.
    fn answer_from(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
        read: PersonCoverage,
        may_read: bool,
    ) -> Result<Option<CoverageAnswer>, AppError> {
        let enrollments: Vec<StoredEnrollment> = read
            .enrollments
            .into_iter()
            .filter(|e| unit.is_none() || e.unit.as_ref() == unit)
            .collect();
        let mut covers = Vec::new();
        // An enrolment held the day but its cover starts the day after it.
        let mut enrollment_day = false;
        for e in &enrollments {
            let Ok(scheme) = self.policy.scheme(&e.scheme_id) else {
                continue;
            };
            if !scheme.cover_starts.rests_on_enrollment() || !contains(e, day) {
                continue;
            }
            let mut start = cover_starts(scheme, e.start, e.start)?;
            // Only the enrolment day itself asks whether the enrolment is a
            // succession's continuation (a rare read, off the hot path).
            if day < start {
                if !may_read {
                    return Ok(None);
                }
                if self.continues_by_succession(person, e)? {
                    start = e.start;
                } else {
                    enrollment_day |= scheme.cover_starts == CoverStart::DayAfterEnrollment;
                    continue;
                }
            }
            covers.push(CoverFound {
                scheme_id: e.scheme_id.clone(),
                unit: e.unit.map(|u| u.as_str().to_owned()),
                enrollment: Some(e.into()),
                payment_id: None,
                platform: None,
                basis: CoverKind::Enrollment,
                start,
                end: e.last_day.unwrap_or(coverage::OPEN_END),
            });
        }
        for c in read.covers {
            let (payment_id, platform) = match &c.proof {
                CoverProof::Payment(id) => (Some(*id), None),
                CoverProof::OrdersOnPlatform(p) => (None, Some(p.as_str().to_owned())),
                CoverProof::None => (None, None),
            };
            covers.push(CoverFound {
                scheme_id: c.scheme_id.clone(),
                unit: c.unit.map(|u| u.as_str().to_owned()),
                enrollment: c
                    .enrollment_id
                    .and_then(|id| enrollments.iter().find(|e| e.id == id))
                    .map(EnrollmentView::from),
                payment_id,
                platform,
                basis: c.basis,
                start: c.start,
                end: c.end,
            });
        }
        // Regulations Art 44: an enrolment suspended on the day covers
        // nothing, whatever was paid for it.
        // Read in the same statement as the enrolments and covers.
        let suspended = &read.suspended;
        let before = covers.len();
        covers.retain(|c| {
            c.enrollment
                .as_ref()
                .is_none_or(|e| !suspended.contains(&e.id))
        });
        let reason = if !covers.is_empty() {
            CoverageReason::Covered
        } else if before > 0
            || enrollments
                .iter()
                .any(|e| contains(e, day) && suspended.contains(&e.id))
        {
            CoverageReason::Suspended
        } else if enrollments.is_empty() {
            CoverageReason::NotEnrolled
        } else if enrollment_day {
            CoverageReason::EnrollmentDay
        } else if enrollments.iter().any(|e| contains(e, day)) {
            CoverageReason::NotPaid
        } else if enrollments.iter().all(|e| day < e.start) {
            CoverageReason::BeforeEnrollment
        } else {
            CoverageReason::AfterEnrollment
        };
        Ok(Some(CoverageAnswer {
            person: person.masked(),
            day,
            unit: unit.map(|u| u.as_str().to_owned()),
            covered: !covers.is_empty(),
            reason,
            covers,
            enrollments: enrollments.iter().map(EnrollmentView::from).collect(),
        }))
    }
}
