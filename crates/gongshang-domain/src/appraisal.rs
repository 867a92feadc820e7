//! 劳动能力鉴定 (work-capacity appraisal) of one injury, as a closed set of
//! commands and events with one pure [`decide`].
//!
//! - The committee concludes within 60 days of the application, extendable
//!   once by 30 (条例 Art 25): a disability grade 1-10 (or none) and a
//!   nursing level (Art 22).
//! - A party who disagrees applies to the provincial committee for
//!   re-appraisal (再次鉴定) within 15 days of receiving the conclusion; the
//!   provincial conclusion is final (Art 26).
//! - A review (复查鉴定) may be applied for one year or more after the
//!   conclusion, when the condition has changed (Art 28).
//! - Re-appraisal and review take the time of Art 25 (Art 29).
//!
//! Every conclusion is kept; [`State::current_grade`] follows the latest, so
//! that an award follows the new grade.
//!
//! From 2025-07-01 the procedure is that of the 劳动能力鉴定管理办法 (MOHRSS
//! and NHC Order No. 55), which replaced Order No. 21 and applies to injuries
//! determined but not yet appraised on that day (Art 39): missing materials
//! are asked for once within 5 working days (Art 10; the applicant who does
//! not complete them in the time set has abandoned the application), the
//! conclusion within 60 days, +30 for a complex case (Art 10), a rescheduled
//! examination moves the deadline by as much (Art 12), a session ends on the
//! grounds of Art 14, the conclusion is delivered within 15 days (Art 17),
//! re-appraisal within 15 days of receipt (Art 19), review one year after the
//! conclusion on the application of the worker, the employer or the agency
//! (Art 20), and a conclusion obtained by fraud is revoked (Art 31).
//! [`limits_on`] gives the dated limits; [`deadlines`] cites the instrument in
//! force and adds the delivery deadline of Art 17.

use gongshang_rules::{Grade, NursingLevel};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::{Deadline, DeadlineKind, add_years, calendar_deadline, days_between};
use crate::determination::Rejection;
use crate::holidays::HolidayCalendar;

/// The committee's level.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 设区的市级劳动能力鉴定委员会
    City,
    /// 省、自治区、直辖市劳动能力鉴定委员会
    Provincial,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppraisalKind {
    /// 初次鉴定 (Art 23-25).
    Initial,
    /// 再次鉴定 at the provincial committee (Art 26).
    Reappraisal,
    /// 复查鉴定 (Art 28).
    Review,
}

impl AppraisalKind {
    pub const fn article(self) -> &'static str {
        match self {
            AppraisalKind::Initial => "条例 Art 25",
            AppraisalKind::Reappraisal => "条例 Art 26, 29",
            AppraisalKind::Review => "条例 Art 28, 29",
        }
    }

    /// The article that sets the conclusion limit of an application made on
    /// `applied_on`: Order No. 55 from 2025-07-01.
    pub fn article_on(self, applied_on: Date) -> &'static str {
        if applied_on < ORDER_55_IN_FORCE {
            return self.article();
        }
        match self {
            AppraisalKind::Initial => "条例 Art 25; 劳动能力鉴定管理办法 Art 10",
            AppraisalKind::Reappraisal => "条例 Art 26, 29; 劳动能力鉴定管理办法 Art 10, 19, 22",
            AppraisalKind::Review => "条例 Art 28, 29; 劳动能力鉴定管理办法 Art 10, 20, 22",
        }
    }
}

/// The day the 劳动能力鉴定管理办法 (Order No. 55) took effect.
pub const ORDER_55_IN_FORCE: Date = jiff::civil::date(2025, 7, 1);

/// The time limits of an appraisal in force on a date, each with its article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The instrument of the procedure.
    pub instrument: &'static str,
    /// Working days to notify missing materials once (Order 55 Art 10).
    pub completeness_notice_working_days: Option<i64>,
    pub conclusion_days: i64,
    pub conclusion_extension_days: i64,
    /// Days to deliver the conclusion (Order 55 Art 17).
    pub delivery_days: Option<i64>,
    pub reappraisal_application_days: i64,
    pub review_after_years: i64,
    /// Whether the agency may apply for a review (Order 55 Art 20).
    pub agency_may_apply_for_review: bool,
}

/// The dated limits: Order No. 55 from 2025-07-01, before it the Regulations
/// (Arts 25, 26, 28) with Order No. 21.
pub fn limits_on(date: Date) -> Limits {
    if date >= ORDER_55_IN_FORCE {
        Limits {
            instrument: "劳动能力鉴定管理办法（人社部、国家卫生健康委令第55号）",
            completeness_notice_working_days: Some(5),
            conclusion_days: 60,
            conclusion_extension_days: 30,
            delivery_days: Some(15),
            reappraisal_application_days: 15,
            review_after_years: 1,
            agency_may_apply_for_review: true,
        }
    } else {
        Limits {
            instrument: "工伤保险条例；工伤职工劳动能力鉴定管理办法（令第21号）",
            completeness_notice_working_days: None,
            conclusion_days: 60,
            conclusion_extension_days: 30,
            delivery_days: None,
            reappraisal_application_days: 15,
            review_after_years: 1,
            agency_may_apply_for_review: false,
        }
    }
}

/// The last day to notify an applicant of missing materials, once (Order 55
/// Art 10: 5 working days from the application). None before 2025-07-01.
pub fn completeness_notice_deadline(
    applied_on: Date,
    calendar: &HolidayCalendar,
) -> Result<Option<Deadline>, Rejection> {
    let Some(days) = limits_on(applied_on).completeness_notice_working_days else {
        return Ok(None);
    };
    Ok(Some(crate::deadline::working_day_deadline(
        calendar,
        DeadlineKind::CompletenessReview,
        applied_on,
        days,
        0,
        "劳动能力鉴定管理办法 Art 10",
    )?))
}

/// Why a session of appraisal ends without a conclusion (Order 55 Art 14).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// 无正当理由不参加现场鉴定
    NoShowWithoutReason,
    /// 拒不参加安排的检查和诊断
    RefusedExamination,
    /// 弄虚作假导致不能真实反映伤病情
    Fraud,
    /// 其他拒绝配合劳动能力鉴定工作的
    OtherRefusal,
    /// 逾期未补正材料，视为放弃 (Art 10)
    MaterialsNotCompleted,
}

impl SessionEnd {
    pub const fn article(self) -> &'static str {
        match self {
            SessionEnd::MaterialsNotCompleted => "劳动能力鉴定管理办法 Art 10",
            _ => "劳动能力鉴定管理办法 Art 14",
        }
    }
}

/// Order 55 Art 12: a rescheduled examination moves the conclusion deadline
/// by as many days as it was put off.
pub fn rescheduled_conclusion_due(
    pending: &Pending,
    days_put_off: i64,
    calendar: &HolidayCalendar,
) -> Result<Deadline, Rejection> {
    let limits = limits_on(pending.applied_on);
    let mut article = pending.kind.article_on(pending.applied_on).to_owned();
    article.push_str(&format!(" (rescheduled by {days_put_off} days, Art 12)"));
    Ok(calendar_deadline(
        calendar,
        DeadlineKind::AppraisalConclusion,
        pending.applied_on,
        limits.conclusion_days,
        if pending.extended {
            limits.conclusion_extension_days
        } else {
            0
        } + days_put_off.max(0),
        article,
    )?)
}

mod grade_serde {
    use gongshang_rules::Grade;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(g: &Option<Grade>, s: S) -> Result<S::Ok, S::Error> {
        g.map(Grade::get).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Grade>, D::Error> {
        Option::<u8>::deserialize(d)?
            .map(|g| Grade::new(g).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A conclusion, as kept in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    /// 1 for the first conclusion, and so on.
    pub number: usize,
    pub kind: AppraisalKind,
    pub level: Level,
    pub applied_on: Date,
    pub concluded_on: Date,
    /// None: no grade reached (未达级).
    #[serde(with = "grade_serde")]
    pub grade: Option<Grade>,
    pub nursing: Option<NursingLevel>,
    /// Days after the Art 25 deadline (0 when on time).
    pub late_by_days: i64,
    /// The conclusion a re-appraisal re-examined.
    pub reappraisal_of: Option<usize>,
}

impl Conclusion {
    /// A provincial conclusion is final (Art 26).
    pub fn is_final(&self) -> bool {
        self.level == Level::Provincial
    }
}

/// An application not yet concluded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub kind: AppraisalKind,
    pub level: Level,
    pub applied_on: Date,
    pub extended: bool,
    pub reappraisal_of: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    /// The first application (Art 23).
    Apply,
    /// Extend the 60 days by 30, once, with the reason (Art 25).
    Extend {
        reason: String,
    },
    Conclude {
        grade: Option<u8>,
        #[serde(default)]
        nursing: Option<NursingLevel>,
    },
    /// The applicant received the latest conclusion (Art 26's 15 days run).
    Receive,
    ApplyReappraisal,
    ApplyReview,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Apply => "apply",
            Command::Extend { .. } => "extend",
            Command::Conclude { .. } => "conclude",
            Command::Receive => "receive",
            Command::ApplyReappraisal => "apply_reappraisal",
            Command::ApplyReview => "apply_review",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub on: Date,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Change {
    Applied {
        kind: AppraisalKind,
        level: Level,
        reappraisal_of: Option<usize>,
    },
    Extended {
        reason: String,
    },
    Concluded {
        conclusion: Conclusion,
    },
    Received {
        conclusion: usize,
    },
    /// The conclusion in force revoked by the appraisal committee (Order
    /// No. 55 Art 31): it obtained by forgery or impersonation; no
    /// conclusion is in force afterwards.
    Revoked {
        conclusion: usize,
        decision: RevisionDecision,
    },
    /// The conclusion in force corrected to another grade (Order No. 55
    /// Art 31): the corrected conclusion replaces it from its own date.
    Corrected {
        of: usize,
        conclusion: Conclusion,
        decision: RevisionDecision,
    },
}

/// The committee's decision revoking or correcting a conclusion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionDecision {
    pub reason: String,
    /// The decision's document number (文号).
    pub decision_no: String,
    pub decided_on: Date,
}

/// What the committee decided of the conclusion in force (Order No. 55 Art 31).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
pub enum Revision {
    /// Revoked: obtained by forgery, impersonation or other fraud.
    Revoke,
    /// Corrected to another grade (None: no grade reached) and nursing level.
    Correct {
        grade: Option<u8>,
        #[serde(default)]
        nursing: Option<NursingLevel>,
    },
}

/// The event of a revision of the conclusion in force, recorded on `now`
/// (the day it is applied). 劳动能力鉴定管理办法（令第55号）第三十一条:
/// "以伪造诊断证明、病历资料、工伤认定结论等申请材料或者以冒名顶替检查等手段
/// 骗取的劳动能力鉴定结论，原作出鉴定结论的劳动能力鉴定委员会应当予以撤销。
/// 劳动能力鉴定结论存在与伤病情、鉴定标准不符以及超出工伤认定范围等严重错误的，
/// 原作出鉴定结论的劳动能力鉴定委员会应当及时予以纠正。" (a conclusion obtained
/// by forged diagnoses, medical records or determination conclusions, or by
/// impersonation at the examination, is revoked by the committee that made
/// it; one seriously wrong, at odds with the injury or the standard or beyond
/// the determined injury, is corrected by it without delay.) Pure; refused when no
/// conclusion is in force, when an application is pending, when the decision
/// lacks its reason or number or is dated before the conclusion or after
/// `now`, or when a correction gives the grade and nursing level in force.
pub fn revise(
    state: &State,
    revision: &Revision,
    decision: &RevisionDecision,
    now: Date,
) -> Result<Event, Rejection> {
    let name = match revision {
        Revision::Revoke => "revoke",
        Revision::Correct { .. } => "correct",
    };
    if let Some(last) = state.last_event_on
        && now < last
    {
        return Err(Rejection::BeforeLastEvent {
            now,
            last_event_on: last,
        });
    }
    let not_allowed = |reason: String| Rejection::NotAllowed {
        state: if state.pending.is_some() {
            "pending"
        } else {
            "concluded"
        },
        command: name,
        reason,
    };
    if state.pending.is_some() {
        return Err(not_allowed(
            "an application is pending; a conclusion is revised once it is in force".into(),
        ));
    }
    let Some(current) = state.current() else {
        return Err(Rejection::NotAllowed {
            state: "not_concluded",
            command: name,
            reason: "no conclusion is in force (none yet, or it was revoked)".into(),
        });
    };
    if decision.reason.trim().is_empty() {
        return Err(Rejection::InvalidInput {
            field: "reason",
            reason: "say why the committee revised the conclusion (e.g. forged medical records)"
                .into(),
        });
    }
    if decision.decision_no.trim().is_empty() {
        return Err(Rejection::InvalidInput {
            field: "decision_no",
            reason: "the number of the committee's decision (文号)".into(),
        });
    }
    if decision.decided_on < current.concluded_on || decision.decided_on > now {
        return Err(Rejection::InvalidInput {
            field: "decided_on",
            reason: format!(
                "{}; between the conclusion of {} and today ({now})",
                decision.decided_on, current.concluded_on
            ),
        });
    }
    let decision = RevisionDecision {
        reason: decision.reason.trim().to_owned(),
        decision_no: decision.decision_no.trim().to_owned(),
        decided_on: decision.decided_on,
    };
    let change = match revision {
        Revision::Revoke => Change::Revoked {
            conclusion: current.number,
            decision,
        },
        Revision::Correct { grade, nursing } => {
            let grade = grade
                .map(|g| {
                    Grade::new(g).map_err(|_| Rejection::InvalidInput {
                        field: "grade",
                        reason: format!("{g}; allowed 1 to 10, or none"),
                    })
                })
                .transpose()?;
            if grade.is_none() && nursing.is_some() {
                return Err(Rejection::InvalidInput {
                    field: "nursing",
                    reason: "a nursing level comes with a disability grade".into(),
                });
            }
            if grade == current.grade && *nursing == current.nursing {
                return Err(Rejection::InvalidInput {
                    field: "grade",
                    reason: format!(
                        "{} is the grade in force; a correction gives another",
                        grade.map_or_else(|| "none".to_owned(), |g| g.get().to_string())
                    ),
                });
            }
            Change::Corrected {
                of: current.number,
                conclusion: Conclusion {
                    number: state.history.len() + 1,
                    grade,
                    nursing: *nursing,
                    ..current.clone()
                },
                decision,
            }
        }
    };
    Ok(Event { on: now, change })
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub history: Vec<Conclusion>,
    /// When each conclusion was received, by number (index = number - 1).
    pub received_on: Vec<Option<Date>>,
    pub pending: Option<Pending>,
    pub last_event_on: Option<Date>,
    /// The numbers of conclusions revoked (Order No. 55 Art 31).
    #[serde(default)]
    pub revoked: Vec<usize>,
}

impl State {
    pub fn apply(&mut self, event: &Event) {
        self.last_event_on = Some(event.on);
        match &event.change {
            Change::Applied {
                kind,
                level,
                reappraisal_of,
            } => {
                self.pending = Some(Pending {
                    kind: *kind,
                    level: *level,
                    applied_on: event.on,
                    extended: false,
                    reappraisal_of: *reappraisal_of,
                });
            }
            Change::Extended { .. } => {
                if let Some(p) = &mut self.pending {
                    p.extended = true;
                }
            }
            Change::Concluded { conclusion } => {
                self.pending = None;
                self.history.push(conclusion.clone());
                self.received_on.push(None);
            }
            Change::Revoked { conclusion, .. } => self.revoked.push(*conclusion),
            Change::Corrected { of, conclusion, .. } => {
                // The corrected conclusion stands in the place of the one it
                // corrects: received when that one was.
                let received = of
                    .checked_sub(1)
                    .and_then(|i| self.received_on.get(i).copied())
                    .flatten();
                self.history.push(conclusion.clone());
                self.received_on.push(received);
            }
            Change::Received { conclusion } => {
                if let Some(r) = conclusion
                    .checked_sub(1)
                    .and_then(|i| self.received_on.get_mut(i))
                {
                    *r = Some(event.on);
                }
            }
        }
    }

    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut s = State::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    /// The conclusion in force: the latest one, unless it was revoked
    /// (Order No. 55 Art 31: then none is).
    pub fn current(&self) -> Option<&Conclusion> {
        self.history
            .last()
            .filter(|c| !self.revoked.contains(&c.number))
    }

    /// The grade an award follows (None: no conclusion, or no grade reached).
    pub fn current_grade(&self) -> Option<Grade> {
        self.current().and_then(|c| c.grade)
    }

    pub fn current_nursing(&self) -> Option<NursingLevel> {
        self.current().and_then(|c| c.nursing)
    }

    /// The first day a review may be applied for (Art 28).
    pub fn review_possible_from(&self) -> Option<Date> {
        self.current()
            .and_then(|c| add_years(c.concluded_on, 1).ok())
    }

    fn latest_received(&self) -> Option<Date> {
        self.received_on.last().copied().flatten()
    }
}

/// The conclusion deadline of a pending application (Arts 25, 29).
fn conclusion_deadline(
    pending: &Pending,
    calendar: &HolidayCalendar,
) -> Result<Deadline, Rejection> {
    let mut article = pending.kind.article_on(pending.applied_on).to_owned();
    if pending.extended {
        article.push_str(" (extended by 30 days)");
    }
    Ok(calendar_deadline(
        calendar,
        DeadlineKind::AppraisalConclusion,
        pending.applied_on,
        60,
        if pending.extended { 30 } else { 0 },
        article,
    )?)
}

/// The running deadlines: the conclusion of a pending application; the
/// re-appraisal window of a received city-level conclusion (Art 26).
pub fn deadlines(state: &State, calendar: &HolidayCalendar) -> Result<Vec<Deadline>, Rejection> {
    if let Some(p) = &state.pending {
        return Ok(vec![conclusion_deadline(p, calendar)?]);
    }
    let mut out = Vec::new();
    if let (Some(c), Some(received)) = (state.current(), state.latest_received())
        && !c.is_final()
    {
        out.push(calendar_deadline(
            calendar,
            DeadlineKind::ReappraisalApplication,
            received,
            15,
            0,
            if received >= ORDER_55_IN_FORCE {
                "条例 Art 26; 劳动能力鉴定管理办法 Art 19"
            } else {
                "条例 Art 26"
            },
        )?);
    }
    // Order 55 Art 17: a conclusion is delivered within 15 days.
    if let Some(c) = state.current()
        && state.latest_received().is_none()
        && let Some(days) = limits_on(c.concluded_on).delivery_days
    {
        out.push(calendar_deadline(
            calendar,
            DeadlineKind::Delivery,
            c.concluded_on,
            days,
            0,
            "劳动能力鉴定管理办法 Art 17",
        )?);
    }
    Ok(out)
}

pub fn decide(
    state: &State,
    command: Command,
    now: Date,
    calendar: &HolidayCalendar,
) -> Result<Vec<Event>, Rejection> {
    if let Some(last) = state.last_event_on
        && now < last
    {
        return Err(Rejection::BeforeLastEvent {
            now,
            last_event_on: last,
        });
    }
    let phase = if state.pending.is_some() {
        "pending"
    } else if state.history.is_empty() {
        "not_applied"
    } else {
        "concluded"
    };
    let not_allowed = |reason: String| Rejection::NotAllowed {
        state: phase,
        command: command.name(),
        reason,
    };
    let ev = |change| Event { on: now, change };
    if state.pending.is_some()
        && matches!(
            command,
            Command::Apply | Command::ApplyReappraisal | Command::ApplyReview | Command::Receive
        )
    {
        return Err(not_allowed(
            "an application is pending; wait for its conclusion".into(),
        ));
    }
    match &command {
        Command::Apply => {
            if !state.history.is_empty() {
                return Err(not_allowed(
                    "the injury was appraised; apply for re-appraisal (Art 26) or review (Art 28)"
                        .into(),
                ));
            }
            Ok(vec![ev(Change::Applied {
                kind: AppraisalKind::Initial,
                level: Level::City,
                reappraisal_of: None,
            })])
        }
        Command::Extend { reason } => {
            let Some(p) = &state.pending else {
                return Err(not_allowed("nothing is pending".into()));
            };
            if p.extended {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on: p.applied_on,
                    article: "条例 Art 25: one extension of 30 days",
                });
            }
            if reason.trim().is_empty() {
                return Err(Rejection::InvalidInput {
                    field: "reason",
                    reason: "an extension needs its reason (complex case)".into(),
                });
            }
            let due = conclusion_deadline(p, calendar)?;
            if now > due.due {
                return Err(not_allowed(format!(
                    "the 60 days ended on {}; an extension is decided before",
                    due.due
                )));
            }
            Ok(vec![ev(Change::Extended {
                reason: reason.clone(),
            })])
        }
        Command::Conclude { grade, nursing } => {
            let Some(p) = &state.pending else {
                return Err(not_allowed("nothing is pending".into()));
            };
            let grade = grade
                .map(|g| {
                    Grade::new(g).map_err(|_| Rejection::InvalidInput {
                        field: "grade",
                        reason: format!("{g}; allowed 1 to 10, or none"),
                    })
                })
                .transpose()?;
            if grade.is_none() && nursing.is_some() {
                return Err(Rejection::InvalidInput {
                    field: "nursing",
                    reason: "a nursing level comes with a disability grade".into(),
                });
            }
            let due = conclusion_deadline(p, calendar)?;
            Ok(vec![ev(Change::Concluded {
                conclusion: Conclusion {
                    number: state.history.len() + 1,
                    kind: p.kind,
                    level: p.level,
                    applied_on: p.applied_on,
                    concluded_on: now,
                    grade,
                    nursing: *nursing,
                    late_by_days: days_between(due.due, now).max(0),
                    reappraisal_of: p.reappraisal_of,
                },
            })])
        }
        Command::Receive => {
            let Some(c) = state.current() else {
                return Err(not_allowed("there is no conclusion".into()));
            };
            if let Some(on) = state.latest_received() {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on,
                    article: "条例 Art 26",
                });
            }
            Ok(vec![ev(Change::Received {
                conclusion: c.number,
            })])
        }
        Command::ApplyReappraisal => {
            let Some(c) = state.current() else {
                return Err(not_allowed("there is no conclusion to re-appraise".into()));
            };
            if c.is_final() {
                return Err(not_allowed(format!(
                    "conclusion {} is the provincial committee's and final (条例 Art 26)",
                    c.number
                )));
            }
            let Some(received) = state.latest_received() else {
                return Err(not_allowed(format!(
                    "the 15 days run from receipt of conclusion {}; record the receipt first",
                    c.number
                )));
            };
            let due = calendar_deadline(
                calendar,
                DeadlineKind::ReappraisalApplication,
                received,
                15,
                0,
                "条例 Art 26",
            )?;
            if now > due.due {
                return Err(not_allowed(format!(
                    "re-appraisal is applied for within 15 days of receipt ({received}); the last day was {} (条例 Art 26)",
                    due.due
                )));
            }
            Ok(vec![ev(Change::Applied {
                kind: AppraisalKind::Reappraisal,
                level: Level::Provincial,
                reappraisal_of: Some(c.number),
            })])
        }
        Command::ApplyReview => {
            let Some(c) = state.current() else {
                return Err(not_allowed("there is no conclusion to review".into()));
            };
            let from = add_years(c.concluded_on, 1)?;
            if now < from {
                return Err(not_allowed(format!(
                    "a review may be applied for from {from}, one year after conclusion {} of {} (条例 Art 28)",
                    c.number, c.concluded_on
                )));
            }
            Ok(vec![ev(Change::Applied {
                kind: AppraisalKind::Review,
                level: Level::City,
                reappraisal_of: None,
            })])
        }
    }
}
