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
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub history: Vec<Conclusion>,
    /// When each conclusion was received, by number (index = number - 1).
    pub received_on: Vec<Option<Date>>,
    pub pending: Option<Pending>,
    pub last_event_on: Option<Date>,
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

    /// The conclusion in force: the latest one.
    pub fn current(&self) -> Option<&Conclusion> {
        self.history.last()
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
    let mut article = pending.kind.article().to_owned();
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
            "条例 Art 26",
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
