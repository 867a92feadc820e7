//! The rules: a command on the state gives events or a rejection.

use std::fmt;

use jiff::civil::Date;

use crate::deadline::{DeadlineKind, add_years, calendar_deadline, days_between};
use crate::error::DomainError;
use crate::holidays::HolidayCalendar;

use super::*;

// ---- rejections ---------------------------------------------------------------

/// Why a command was refused; nothing is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The case is closed and accepts nothing (a decided case accepts one
    /// delivery).
    Closed {
        state: &'static str,
        command: &'static str,
    },
    /// The command does not fit where the case is.
    NotAllowed {
        state: &'static str,
        command: &'static str,
        reason: String,
    },
    /// A command that may be given once was given before.
    AlreadyDone {
        command: &'static str,
        on: Date,
        article: &'static str,
    },
    /// The day of a command comes before the case's last event.
    BeforeLastEvent {
        now: Date,
        last_event_on: Date,
    },
    InvalidInput {
        field: &'static str,
        reason: String,
    },
    /// Acceptance with materials missing.
    MaterialsIncomplete {
        missing: Vec<MaterialKind>,
    },
    /// The accident is already recognised in another case.
    AccidentAlreadyRecognised {
        accident_key: AccidentKey,
    },
    /// A due date could not be computed (the holiday calendar lacks a year).
    Calendar(DomainError),
}

impl Rejection {
    /// Every code [`Rejection::code`] can give besides the calendar's
    /// ([`DomainError::ALL_CODES`]), for the API's error table (a test
    /// there fails when one is missing from it).
    pub const ALL_CODES: &[&str] = &[
        "case_closed",
        "command_not_allowed",
        "already_done",
        "before_last_event",
        "invalid_input",
        "materials_incomplete",
        "accident_already_recognised",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Closed { .. } => "case_closed",
            Rejection::NotAllowed { .. } => "command_not_allowed",
            Rejection::AlreadyDone { .. } => "already_done",
            Rejection::BeforeLastEvent { .. } => "before_last_event",
            Rejection::InvalidInput { .. } => "invalid_input",
            Rejection::MaterialsIncomplete { .. } => "materials_incomplete",
            Rejection::AccidentAlreadyRecognised { .. } => "accident_already_recognised",
            Rejection::Calendar(e) => e.code(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Closed { state, command } => {
                write!(
                    f,
                    "the case is {state} and closed; {command} is not accepted"
                )
            }
            Rejection::NotAllowed {
                state,
                command,
                reason,
            } => write!(f, "{command} is not allowed in state {state}: {reason}"),
            Rejection::AlreadyDone {
                command,
                on,
                article,
            } => write!(
                f,
                "{command} was already done on {on}; allowed once ({article})"
            ),
            Rejection::BeforeLastEvent { now, last_event_on } => write!(
                f,
                "the command's day {now} is before the case's last event on {last_event_on}"
            ),
            Rejection::InvalidInput { field, reason } => write!(f, "input {field}: {reason}"),
            Rejection::MaterialsIncomplete { missing } => {
                write!(f, "materials missing: {missing:?}")
            }
            Rejection::AccidentAlreadyRecognised { accident_key } => write!(
                f,
                "accident {accident_key} is already recognised in another case"
            ),
            Rejection::Calendar(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Rejection {}

impl From<DomainError> for Rejection {
    fn from(e: DomainError) -> Self {
        Rejection::Calendar(e)
    }
}

// ---- decide -------------------------------------------------------------------

/// What [`decide`] needs from outside the case: the holiday calendar for due
/// dates, and whether an accident is already recognised in another case.
#[derive(Copy, Clone)]
pub struct Context<'a> {
    pub calendar: &'a HolidayCalendar,
    pub already_recognised: &'a dyn Fn(&AccidentKey) -> bool,
}

/// The unit's last day to file: 30 days after the accident or diagnosis (条例
/// Art 17(1)), moved to a working day.
pub fn unit_filing_last_day(
    calendar: &HolidayCalendar,
    accident: Date,
) -> Result<Date, DomainError> {
    Ok(calendar_deadline(
        calendar,
        DeadlineKind::UnitFiling,
        accident,
        30,
        0,
        "条例 Art 17(1)",
    )?
    .due)
}

/// The last day for the worker, close relatives or union: one year after the
/// accident or diagnosis (条例 Art 17(2)), moved to a working day.
pub fn personal_filing_last_day(
    calendar: &HolidayCalendar,
    accident: Date,
) -> Result<Date, DomainError> {
    calendar.next_working_day_on_or_after(add_years(accident, 1)?)
}

fn not_allowed(state: &State, command: &Command, reason: impl Into<String>) -> Rejection {
    Rejection::NotAllowed {
        state: state.phase.name(),
        command: command.name(),
        reason: reason.into(),
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Rejection {
    Rejection::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// The one transition: the events that `command`, given on `now`, records
/// in `state`, or why it is refused.
pub fn decide(
    state: &State,
    command: Command,
    now: Date,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Rejection> {
    let closed = |state: &State, command: &Command| Rejection::Closed {
        state: state.phase.name(),
        command: command.name(),
    };
    match state.phase {
        Phase::Rejected | Phase::Withdrawn | Phase::Terminated => {
            return Err(closed(state, &command));
        }
        Phase::Decided if state.delivered_on.is_some() || command != Command::Deliver => {
            return Err(closed(state, &command));
        }
        _ => {}
    }
    if let Some(last) = state.last_event_on
        && now < last
    {
        return Err(Rejection::BeforeLastEvent {
            now,
            last_event_on: last,
        });
    }
    let ev = |change: Change| Event { on: now, change };

    let Some(app) = &state.application else {
        return match command {
            Command::Apply(application) => apply_for(application, now, ctx),
            other => Err(not_allowed(state, &other, "no application has been filed")),
        };
    };

    match command {
        Command::Apply(_) => Err(not_allowed(
            state,
            &command,
            "the case already has an application; a new one is a new case",
        )),
        Command::RequestMaterials { ref missing } => {
            if state.phase != Phase::CompletenessReview {
                return Err(not_allowed(
                    state,
                    &command,
                    "materials are requested during the completeness review",
                ));
            }
            if let Some((on, _)) = &state.materials_requested {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on: *on,
                    article: "工伤认定办法 Art 8: one written request listing all missing materials",
                });
            }
            if missing.is_empty() {
                return Err(invalid(
                    "missing",
                    "the request must list the missing materials",
                ));
            }
            if let Some(m) = missing.iter().find(|m| state.materials.contains(m)) {
                return Err(invalid("missing", format!("{m:?} was already supplied")));
            }
            Ok(vec![ev(Change::MaterialsRequested {
                missing: missing.clone(),
            })])
        }
        Command::SupplyMaterials { ref materials } => {
            if !matches!(
                state.phase,
                Phase::CompletenessReview | Phase::AwaitingMaterials
            ) {
                return Err(not_allowed(
                    state,
                    &command,
                    "materials are supplied before acceptance",
                ));
            }
            if materials.is_empty() {
                return Err(invalid("materials", "nothing supplied"));
            }
            let mut out = vec![ev(Change::MaterialsSupplied {
                materials: materials.clone(),
            })];
            if state.phase == Phase::AwaitingMaterials
                && let Some((_, requested)) = &state.materials_requested
                && requested
                    .iter()
                    .all(|m| state.materials.contains(m) || materials.contains(m))
            {
                out.push(ev(Change::MaterialsCompleted));
            }
            Ok(out)
        }
        Command::Accept => {
            if state.phase != Phase::CompletenessReview {
                return Err(not_allowed(
                    state,
                    &command,
                    match state.phase {
                        Phase::AwaitingMaterials => "the requested materials are not complete",
                        _ => "only an application under completeness review is accepted",
                    },
                ));
            }
            let missing = state.missing_materials();
            if !missing.is_empty() {
                return Err(Rejection::MaterialsIncomplete { missing });
            }
            Ok(vec![ev(Change::Accepted)])
        }
        Command::RejectApplication { ref reason } => {
            if !matches!(
                state.phase,
                Phase::CompletenessReview | Phase::AwaitingMaterials
            ) {
                return Err(not_allowed(
                    state,
                    &command,
                    "an application is rejected as inadmissible before acceptance",
                ));
            }
            check_inadmissible_reason(app, reason, ctx)?;
            Ok(vec![ev(Change::ApplicationRejected {
                reason: reason.clone(),
            })])
        }
        Command::StartInvestigation => {
            accepted_and_running(state, &command)?;
            if let Some(on) = state.investigation_started_on {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on,
                    article: "条例 Art 19(1)",
                });
            }
            Ok(vec![ev(Change::InvestigationStarted)])
        }
        Command::UnitDisputes => {
            accepted_and_running(state, &command)?;
            if app.applicant == ApplicantRole::Unit {
                return Err(not_allowed(
                    state,
                    &command,
                    "the unit applied itself; Art 19(2) moves the burden when the unit disputes the worker's claim",
                ));
            }
            if let Some(on) = state.burden_of_proof_on_unit_since {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on,
                    article: "条例 Art 19(2)",
                });
            }
            Ok(vec![ev(Change::BurdenOfProofOnUnit)])
        }
        Command::Suspend {
            authority,
            ref reason,
        } => {
            accepted_and_running(state, &command)?;
            if reason.trim().is_empty() {
                return Err(invalid("reason", "say which conclusion the case waits for"));
            }
            Ok(vec![ev(Change::Suspended {
                authority,
                reason: reason.clone(),
            })])
        }
        Command::Resume => {
            if state.phase != Phase::Accepted || !state.is_suspended() {
                return Err(not_allowed(state, &command, "the case is not suspended"));
            }
            let accepted = state.accepted_on.unwrap_or(now);
            let suspended_days = state.suspensions.last().map_or(0, |s| {
                Suspension {
                    until: Some(now),
                    ..s.clone()
                }
                .days_not_counted(accepted)
                .unwrap_or(0)
            });
            Ok(vec![ev(Change::Resumed { suspended_days })])
        }
        Command::Withdraw => {
            open_before_decision(state, &command)?;
            Ok(vec![ev(Change::Withdrawn)])
        }
        Command::TerminateNoGrounds => {
            open_before_decision(state, &command)?;
            Ok(vec![ev(Change::TerminatedNoGrounds)])
        }
        Command::MarkSimpleCase => {
            accepted_and_running(state, &command)?;
            if state.simple_case {
                return Err(not_allowed(state, &command, "already a simple case"));
            }
            if state.burden_of_proof_on_unit_since.is_some() || !state.suspensions.is_empty() {
                return Err(not_allowed(
                    state,
                    &command,
                    "a disputed or suspended case is not one whose facts and rights are clear (Art 20(2))",
                ));
            }
            let accepted = state.accepted_on.unwrap_or(now);
            let simple = calendar_deadline(
                ctx.calendar,
                DeadlineKind::Decision,
                accepted,
                15,
                0,
                "条例 Art 20(2)",
            )?;
            if now > simple.due {
                return Err(not_allowed(
                    state,
                    &command,
                    format!(
                        "the 15 days of a simple case ended on {}; the 60 days apply",
                        simple.due
                    ),
                ));
            }
            Ok(vec![ev(Change::SimpleCaseMarked)])
        }
        Command::Decide { ref finding } => {
            if state.phase != Phase::Accepted {
                return Err(not_allowed(
                    state,
                    &command,
                    "only an accepted case is decided",
                ));
            }
            if state.is_suspended() {
                return Err(Rejection::NotAllowed {
                    state: "suspended",
                    command: "decide",
                    reason: "resume the case first (条例 Art 20(3))".into(),
                });
            }
            if matches!(finding, Finding::Recognised { .. })
                && (ctx.already_recognised)(&app.accident_key)
            {
                return Err(Rejection::AccidentAlreadyRecognised {
                    accident_key: app.accident_key.clone(),
                });
            }
            if let Finding::NotRecognised {
                reason: NotRecognisedReason::NoGround { explanation },
            } = finding
                && explanation.trim().is_empty()
            {
                return Err(invalid("explanation", "say why no ground is met"));
            }
            let due = decision_deadline(state, ctx.calendar)?;
            let late_by_days = due.map_or(0, |d| days_between(d.due, now).max(0));
            Ok(vec![ev(Change::Decided {
                decision: Decision {
                    finding: finding.clone(),
                    accident_key: app.accident_key.clone(),
                    insured_unit: app.insured_unit.clone(),
                    scheme: app.scheme.clone(),
                    intern_school: app.intern_school.clone(),
                    remedies: Remedies::statutory(),
                    late_by_days,
                },
            })])
        }
        Command::Deliver => {
            let Some(decided_on) = state.decided_on.filter(|_| state.phase == Phase::Decided)
            else {
                return Err(not_allowed(
                    state,
                    &command,
                    "there is no decision to deliver",
                ));
            };
            let due = delivery_deadline(ctx.calendar, decided_on)?;
            Ok(vec![ev(Change::Delivered {
                late_by_days: days_between(due.due, now).max(0),
            })])
        }
    }
}

fn accepted_and_running(state: &State, command: &Command) -> Result<(), Rejection> {
    if state.phase != Phase::Accepted {
        return Err(not_allowed(
            state,
            command,
            "the case has not been accepted",
        ));
    }
    if state.is_suspended() {
        return Err(Rejection::NotAllowed {
            state: "suspended",
            command: command.name(),
            reason: "resume the case first (条例 Art 20(3))".into(),
        });
    }
    Ok(())
}

fn open_before_decision(state: &State, command: &Command) -> Result<(), Rejection> {
    if matches!(
        state.phase,
        Phase::CompletenessReview | Phase::AwaitingMaterials | Phase::Accepted
    ) {
        Ok(())
    } else {
        Err(not_allowed(
            state,
            command,
            "only an open case before its decision",
        ))
    }
}

fn apply_for(app: Application, now: Date, ctx: &Context<'_>) -> Result<Vec<Event>, Rejection> {
    if app.filed_on > now {
        return Err(invalid(
            "filed_on",
            format!("{} is after the day it is recorded, {now}", app.filed_on),
        ));
    }
    if app.accident_or_diagnosis_date > app.filed_on {
        return Err(invalid(
            "accident_or_diagnosis_date",
            format!(
                "{} is after the filing on {}",
                app.accident_or_diagnosis_date, app.filed_on
            ),
        ));
    }
    // The scheme id cannot be empty: a `SchemeId` is checked when it is made.
    if app.insured_unit.name.trim().is_empty() {
        return Err(invalid("insured_unit", "the unit's name is needed"));
    }
    match app.scheme.kind {
        SchemeKind::Regulations if !app.labour_relation_proof_needed => {
            return Err(invalid(
                "labour_relation_proof_needed",
                "under the Regulations' scheme a labour relation is proved (条例 Art 18(2))",
            ));
        }
        SchemeKind::SingleRisk | SchemeKind::Platform
            if app.covered_at_injury && app.labour_relation_proof_needed =>
        {
            return Err(invalid(
                "labour_relation_proof_needed",
                "a person covered by a single-risk or platform scheme needs no proof of a labour relation",
            ));
        }
        SchemeKind::Insurer => {
            return Err(invalid(
                "scheme",
                "an insurer's scheme follows the insurer claim flow, not determination",
            ));
        }
        _ => {}
    }
    let on = now;
    let mut out = vec![Event {
        on,
        change: Change::Filed {
            application: app.clone(),
        },
    }];
    let accident = app.accident_or_diagnosis_date;
    let reject = |reason| Event {
        on,
        change: Change::ApplicationRejected { reason },
    };
    if app.scheme.kind.requires_cover_at_injury() && !app.covered_at_injury {
        out.push(reject(InadmissibleReason::NotCoveredAtInjury {
            scheme: app.scheme.id.clone(),
        }));
        return Ok(out);
    }
    if (ctx.already_recognised)(&app.accident_key) {
        out.push(reject(InadmissibleReason::AccidentAlreadyRecognised {
            accident_key: app.accident_key.clone(),
        }));
        return Ok(out);
    }
    match app.applicant {
        ApplicantRole::Unit => {
            // A unit's late filing is still admitted (the unit may file after
            // the worker's year, too): Art 17(4) puts the cost on the unit.
            let last_day = unit_filing_last_day(ctx.calendar, accident)?;
            if app.filed_on > last_day {
                out.push(Event {
                    on,
                    change: Change::LateUnitFiling {
                        last_day,
                        days_late: days_between(last_day, app.filed_on),
                    },
                });
            }
        }
        ApplicantRole::Worker | ApplicantRole::CloseRelative | ApplicantRole::Union => {
            let last_day = personal_filing_last_day(ctx.calendar, accident)?;
            if app.filed_on > last_day {
                out.push(reject(InadmissibleReason::PastOneYearLimit { last_day }));
            }
        }
    }
    Ok(out)
}

/// A structured reason must agree with the facts of the application.
fn check_inadmissible_reason(
    app: &Application,
    reason: &InadmissibleReason,
    ctx: &Context<'_>,
) -> Result<(), Rejection> {
    match reason {
        InadmissibleReason::NotCoveredAtInjury { .. } => {
            if !app.scheme.kind.requires_cover_at_injury() || app.covered_at_injury {
                return Err(invalid(
                    "reason",
                    "the person was covered at injury, or the scheme does not require it",
                ));
            }
        }
        InadmissibleReason::PastOneYearLimit { last_day } => {
            let real = personal_filing_last_day(ctx.calendar, app.accident_or_diagnosis_date)?;
            if app.applicant == ApplicantRole::Unit || app.filed_on <= real || *last_day != real {
                return Err(invalid(
                    "reason",
                    format!("the application was filed in time (last day {real}) or by the unit"),
                ));
            }
        }
        InadmissibleReason::AccidentAlreadyRecognised { accident_key } => {
            if accident_key != &app.accident_key || !(ctx.already_recognised)(accident_key) {
                return Err(invalid(
                    "reason",
                    "the accident is not recognised elsewhere",
                ));
            }
        }
        InadmissibleReason::Other { explanation } => {
            if explanation.trim().is_empty() {
                return Err(invalid("reason", "say why the application is inadmissible"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod rejection_codes {
    use super::{AccidentKey, Rejection};
    use jiff::civil::date;

    /// One rejection of each variant (but the calendar's): a new variant
    /// does not compile until it has a sample here, and the test checks that
    /// [`Rejection::ALL_CODES`] lists its code.
    fn one_of_each() -> Vec<Rejection> {
        let all = vec![
            Rejection::Closed {
                state: "decided",
                command: "accept",
            },
            Rejection::NotAllowed {
                state: "filed",
                command: "decide",
                reason: String::new(),
            },
            Rejection::AlreadyDone {
                command: "deliver",
                on: date(2025, 1, 1),
                article: "Art 1",
            },
            Rejection::BeforeLastEvent {
                now: date(2025, 1, 1),
                last_event_on: date(2025, 1, 2),
            },
            Rejection::InvalidInput {
                field: "x",
                reason: String::new(),
            },
            Rejection::MaterialsIncomplete {
                missing: Vec::new(),
            },
            Rejection::AccidentAlreadyRecognised {
                accident_key: AccidentKey::parse("a").unwrap(),
            },
        ];
        for r in &all {
            match r {
                Rejection::Closed { .. }
                | Rejection::NotAllowed { .. }
                | Rejection::AlreadyDone { .. }
                | Rejection::BeforeLastEvent { .. }
                | Rejection::InvalidInput { .. }
                | Rejection::MaterialsIncomplete { .. }
                | Rejection::AccidentAlreadyRecognised { .. } => {}
                // Its codes are DomainError::ALL_CODES.
                Rejection::Calendar(_) => {}
            }
        }
        all
    }

    #[test]
    fn all_codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(Rejection::code).collect();
        codes.sort_unstable();
        let mut listed = Rejection::ALL_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
