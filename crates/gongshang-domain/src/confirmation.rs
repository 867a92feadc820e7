//! 职业伤害确认: the platform pilot's occupational-injury confirmation
//! (新就业形态人员职业伤害保障办法（试行）), a simpler flow than determination.
//!
//! The platform reports the accident (一键报案) and the platform, the worker or
//! close relatives apply for confirmation; the confirmation recognises the
//! injury on a ground of the Regulations or not. Only a person covered at the
//! moment of injury may claim, and the same accident is confirmed once.
//!
//! The pilot's time limits are not confirmed by any source seen
//! (policy-reference §8: "platform 30 d / worker 90 d / decision 30 working
//! days", low authority, INF), so they are a [`ConfirmationLimits`] passed in
//! by the caller, never constants here.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::{
    Deadline, DeadlineKind, add_days, calendar_deadline, days_between, working_day_deadline,
};
use crate::determination::{AccidentKey, Exclusion, Ground, Rejection};
use crate::holidays::HolidayCalendar;
use crate::ids::PlatformId;

/// The limits in force, with where they come from (shown to people).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationLimits {
    /// Days after the injury within which the platform applies; a later
    /// application is recorded as late, not refused.
    pub platform_days: i64,
    /// Days after the injury within which the worker or relatives apply;
    /// later, the application is inadmissible.
    pub worker_days: i64,
    /// Days for the confirmation after a complete application.
    pub decision_days: i64,
    /// Whether `decision_days` counts working days.
    pub decision_in_working_days: bool,
    /// Where the figures come from, e.g. "assumed (INF): policy-reference §8".
    pub source: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationApplicant {
    Platform,
    Worker,
    CloseRelative,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationApplication {
    pub applicant: ConfirmationApplicant,
    pub injury_date: Date,
    pub filed_on: Date,
    pub platform: PlatformId,
    pub scheme_id: gongshang_rules::SchemeId,
    /// Answered by the coverage layer (an order in progress, a day bought).
    pub covered_at_injury: bool,
    pub accident_key: AccidentKey,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    Apply(ConfirmationApplication),
    Confirm {
        ground: Ground,
    },
    Deny {
        exclusion: Option<Exclusion>,
        explanation: String,
    },
    Withdraw,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Apply(_) => "apply",
            Command::Confirm { .. } => "confirm",
            Command::Deny { .. } => "deny",
            Command::Withdraw => "withdraw",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Inadmissible {
    NotCoveredAtInjury,
    PastTimeLimit { last_day: Date },
    AccidentAlreadyConfirmed,
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
    Filed {
        application: ConfirmationApplication,
        limits: ConfirmationLimits,
    },
    LatePlatformApplication {
        last_day: Date,
        days_late: i64,
    },
    Rejected {
        reason: Inadmissible,
    },
    Confirmed {
        ground: Ground,
        late_by_days: i64,
    },
    Denied {
        exclusion: Option<Exclusion>,
        explanation: String,
        late_by_days: i64,
    },
    Withdrawn,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    NotFiled,
    UnderReview,
    Confirmed,
    Denied,
    Rejected,
    Withdrawn,
}

impl Phase {
    pub const fn name(self) -> &'static str {
        match self {
            Phase::NotFiled => "not_filed",
            Phase::UnderReview => "under_review",
            Phase::Confirmed => "confirmed",
            Phase::Denied => "denied",
            Phase::Rejected => "rejected",
            Phase::Withdrawn => "withdrawn",
        }
    }
    pub const fn is_closed(self) -> bool {
        !matches!(self, Phase::NotFiled | Phase::UnderReview)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub phase: Phase,
    pub application: Option<ConfirmationApplication>,
    pub limits: Option<ConfirmationLimits>,
    pub late_platform_days: Option<i64>,
    pub confirmed_ground: Option<Ground>,
    /// Why the application was inadmissible, once rejected.
    pub rejection: Option<Inadmissible>,
    /// The exclusion and the explanation of a denial.
    pub denial: Option<(Option<Exclusion>, String)>,
    pub last_event_on: Option<Date>,
}

impl State {
    pub fn apply(&mut self, event: &Event) {
        self.last_event_on = Some(event.on);
        match &event.change {
            Change::Filed {
                application,
                limits,
            } => {
                self.phase = Phase::UnderReview;
                self.application = Some(application.clone());
                self.limits = Some(limits.clone());
            }
            Change::LatePlatformApplication { days_late, .. } => {
                self.late_platform_days = Some(*days_late);
            }
            Change::Rejected { reason } => {
                self.phase = Phase::Rejected;
                self.rejection = Some(reason.clone());
            }
            Change::Confirmed { ground, .. } => {
                self.phase = Phase::Confirmed;
                self.confirmed_ground = Some(*ground);
            }
            Change::Denied {
                exclusion,
                explanation,
                ..
            } => {
                self.phase = Phase::Denied;
                self.denial = Some((*exclusion, explanation.clone()));
            }
            Change::Withdrawn => self.phase = Phase::Withdrawn,
        }
    }

    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut s = State::default();
        for e in events {
            s.apply(e);
        }
        s
    }
}

/// What [`decide`] needs from outside.
#[derive(Copy, Clone)]
pub struct Context<'a> {
    pub calendar: &'a HolidayCalendar,
    pub limits: &'a ConfirmationLimits,
    pub already_confirmed: &'a dyn Fn(&AccidentKey) -> bool,
}

/// The confirmation deadline, from the filing, by the limits the case was
/// filed under.
pub fn deadlines(state: &State, calendar: &HolidayCalendar) -> Result<Vec<Deadline>, Rejection> {
    let (Phase::UnderReview, Some(app), Some(limits)) =
        (state.phase, &state.application, &state.limits)
    else {
        return Ok(Vec::new());
    };
    Ok(vec![decision_deadline(calendar, app.filed_on, limits)?])
}

fn decision_deadline(
    calendar: &HolidayCalendar,
    filed_on: Date,
    limits: &ConfirmationLimits,
) -> Result<Deadline, Rejection> {
    let article = format!("职业伤害确认 ({})", limits.source);
    Ok(if limits.decision_in_working_days {
        working_day_deadline(
            calendar,
            DeadlineKind::ConfirmationDecision,
            filed_on,
            limits.decision_days,
            0,
            article,
        )?
    } else {
        calendar_deadline(
            calendar,
            DeadlineKind::ConfirmationDecision,
            filed_on,
            limits.decision_days,
            0,
            article,
        )?
    })
}

pub fn decide(
    state: &State,
    command: Command,
    now: Date,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Rejection> {
    if state.phase.is_closed() {
        return Err(Rejection::Closed {
            state: state.phase.name(),
            command: command.name(),
        });
    }
    if let Some(last) = state.last_event_on
        && now < last
    {
        return Err(Rejection::BeforeLastEvent {
            now,
            last_event_on: last,
        });
    }
    let ev = |change| Event { on: now, change };
    let not_allowed = |reason: &str| Rejection::NotAllowed {
        state: state.phase.name(),
        command: command.name(),
        reason: reason.into(),
    };
    match (&state.application, &command) {
        (None, Command::Apply(app)) => {
            if app.filed_on > now || app.injury_date > app.filed_on {
                return Err(Rejection::InvalidInput {
                    field: "filed_on",
                    reason: format!(
                        "injury {} <= filing {} <= today {now} is required",
                        app.injury_date, app.filed_on
                    ),
                });
            }
            let limits = ctx.limits;
            if limits.platform_days < 0 || limits.worker_days < 0 || limits.decision_days <= 0 {
                return Err(Rejection::InvalidInput {
                    field: "limits",
                    reason: "days must be positive".into(),
                });
            }
            let mut out = vec![ev(Change::Filed {
                application: app.clone(),
                limits: limits.clone(),
            })];
            let reject = |reason| Event {
                on: now,
                change: Change::Rejected { reason },
            };
            if !app.covered_at_injury {
                out.push(reject(Inadmissible::NotCoveredAtInjury));
                return Ok(out);
            }
            if (ctx.already_confirmed)(&app.accident_key) {
                out.push(reject(Inadmissible::AccidentAlreadyConfirmed));
                return Ok(out);
            }
            let days = match app.applicant {
                ConfirmationApplicant::Platform => limits.platform_days,
                _ => limits.worker_days,
            };
            // Filed by the last calendar day: in time, without the calendar
            // (whose years may not reach the end of a long limit).
            let limit_day = add_days(app.injury_date, days)?;
            if app.filed_on <= limit_day {
                return Ok(out);
            }
            let last_day = ctx.calendar.next_working_day_on_or_after(limit_day)?;
            if app.filed_on > last_day {
                out.push(match app.applicant {
                    ConfirmationApplicant::Platform => ev(Change::LatePlatformApplication {
                        last_day,
                        days_late: days_between(last_day, app.filed_on),
                    }),
                    _ => reject(Inadmissible::PastTimeLimit { last_day }),
                });
            }
            Ok(out)
        }
        (None, _) => Err(not_allowed("no application has been filed")),
        (Some(_), Command::Apply(_)) => Err(not_allowed("the case already has an application")),
        (Some(app), Command::Confirm { ground }) => {
            if (ctx.already_confirmed)(&app.accident_key) {
                return Err(Rejection::AccidentAlreadyRecognised {
                    accident_key: app.accident_key.clone(),
                });
            }
            let late_by_days = late(state, ctx.calendar, now)?;
            Ok(vec![ev(Change::Confirmed {
                ground: *ground,
                late_by_days,
            })])
        }
        (
            Some(_),
            Command::Deny {
                exclusion,
                explanation,
            },
        ) => {
            if exclusion.is_none() && explanation.trim().is_empty() {
                return Err(Rejection::InvalidInput {
                    field: "explanation",
                    reason: "say why the injury is not confirmed".into(),
                });
            }
            let late_by_days = late(state, ctx.calendar, now)?;
            Ok(vec![ev(Change::Denied {
                exclusion: *exclusion,
                explanation: explanation.clone(),
                late_by_days,
            })])
        }
        (Some(_), Command::Withdraw) => Ok(vec![ev(Change::Withdrawn)]),
    }
}

fn late(state: &State, calendar: &HolidayCalendar, now: Date) -> Result<i64, Rejection> {
    Ok(deadlines(state, calendar)?
        .first()
        .map_or(0, |d| days_between(d.due, now).max(0)))
}
