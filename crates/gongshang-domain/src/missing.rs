//! A worker missing after an accident (《工伤保险条例》第四十一条, Regulations
//! Art 41) as a closed set of commands and events on an injury case, with one
//! pure transition.
//!
//! Art 41 (2010 revision): 职工因工外出期间发生事故或者在抢险救灾中下落不明的，
//! 从事故发生当月起3个月内照发工资，从第4个月起停发工资，由工伤保险基金向其供养
//! 亲属按月支付供养亲属抚恤金。生活有困难的，可以预支一次性工亡补助金的50%。
//! 职工被人民法院宣告死亡的，按照本条例第三十九条职工因工死亡的规定处理。
//!
//! So: the case records that the worker went missing (on a work trip or in
//! disaster relief: the article names these two, not "at work" in general),
//! the survivors may apply for the advance once, a court may declare the
//! worker dead (Art 39 then applies; the advance is set against the death
//! benefit by `gongshang_rules::missing_and_repeat::declared_dead`), and the
//! worker may reappear (the pensions stop). What is due is the rules
//! engine's (`missing_and_repeat::missing_worker`); this module decides only
//! what may happen and in which order. Dates are arguments; no clock.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::month::Month;

/// The circumstance Art 41 names.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Circumstance {
    /// 因工外出期间发生事故.
    WorkTrip,
    /// 在抢险救灾中.
    DisasterRelief,
}

/// What a clerk records on the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// The worker went missing in the accident of `accident_date`.
    ReportMissing { circumstance: Circumstance },
    /// The survivors, in hardship (生活有困难), apply for half of the one-time
    /// death benefit in advance.
    ApplyForAdvance,
    /// A court declared the worker dead; `judgment_on` is the judgment's date.
    DeclareDead { judgment_on: Date },
    /// The worker reappeared.
    Reappear,
}

/// What happened, as stored (a versioned storage form is the store's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    WentMissing {
        on: Date,
        circumstance: Circumstance,
    },
    AdvanceApplied {
        on: Date,
    },
    DeclaredDead {
        on: Date,
        judgment_on: Date,
    },
    Reappeared {
        on: Date,
    },
}

/// A case's missing-worker record, folded from its events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub missing_since: Option<Date>,
    pub circumstance: Option<Circumstance>,
    pub advance_applied_on: Option<Date>,
    pub declared_dead_on: Option<Date>,
    pub reappeared_on: Option<Date>,
}

impl State {
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::WentMissing { on, circumstance } => {
                self.missing_since = Some(*on);
                self.circumstance = Some(*circumstance);
            }
            Event::AdvanceApplied { on } => self.advance_applied_on = Some(*on),
            Event::DeclaredDead { judgment_on, .. } => self.declared_dead_on = Some(*judgment_on),
            Event::Reappeared { on } => self.reappeared_on = Some(*on),
        }
    }

    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut s = State::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    /// Still missing: reported, neither declared dead nor reappeared.
    pub fn is_missing(&self) -> bool {
        self.missing_since.is_some()
            && self.declared_dead_on.is_none()
            && self.reappeared_on.is_none()
    }
}

/// Art 41's months for an accident: the employer pays wages for the month of
/// the accident and the two after it; the fund's survivors' pensions start
/// in the fourth month.
pub fn pensions_from(accident_date: Date) -> Month {
    Month::of(accident_date).next().next().next()
}

/// The last month the survivors' pensions are paid when the worker
/// reappears: the month of the reappearance. Art 41 says the pensions stop
/// but not from when; paying the month in which the worker was still missing
/// for part of it is an assumption (DESIGN.md).
pub fn last_pension_month_on_reappearance(reappeared_on: Date) -> Month {
    Month::of(reappeared_on)
}

fn conflict(field: &'static str, reason: impl Into<String>) -> DomainError {
    DomainError::InputConflict {
        field,
        reason: reason.into(),
    }
}

/// The one transition: what `command` on `on` records, or why not.
/// `accident_date` is the case's.
pub fn decide(
    state: &State,
    command: &Command,
    accident_date: Date,
    on: Date,
) -> Result<Vec<Event>, DomainError> {
    if on < accident_date {
        return Err(DomainError::out_of_range(
            "on",
            on,
            format!("on or after the accident ({accident_date})"),
        ));
    }
    match command {
        Command::ReportMissing { circumstance } => {
            if let Some(since) = state.missing_since {
                return Err(conflict(
                    "missing",
                    format!("the worker is already recorded missing since {since}"),
                ));
            }
            Ok(vec![Event::WentMissing {
                on,
                circumstance: *circumstance,
            }])
        }
        Command::ApplyForAdvance => {
            let since = state.missing_since.ok_or_else(|| {
                conflict(
                    "missing",
                    "the worker is not recorded missing; the advance of Art 41 follows that record",
                )
            })?;
            if let Some(d) = state.declared_dead_on {
                return Err(conflict(
                    "missing",
                    format!("the worker was declared dead on {d}; Art 39 applies in full"),
                ));
            }
            if let Some(d) = state.reappeared_on {
                return Err(conflict("missing", format!("the worker reappeared on {d}")));
            }
            if let Some(d) = state.advance_applied_on {
                return Err(conflict(
                    "advance",
                    format!(
                        "the advance was applied for on {d}; half the death benefit is advanced once"
                    ),
                ));
            }
            if on < since {
                return Err(DomainError::out_of_range(
                    "on",
                    on,
                    format!("on or after the day the worker went missing ({since})"),
                ));
            }
            Ok(vec![Event::AdvanceApplied { on }])
        }
        Command::DeclareDead { judgment_on } => {
            let since = state
                .missing_since
                .ok_or_else(|| conflict("missing", "the worker is not recorded missing"))?;
            if let Some(d) = state.declared_dead_on {
                return Err(conflict("missing", format!("already declared dead on {d}")));
            }
            if let Some(d) = state.reappeared_on {
                return Err(conflict("missing", format!("the worker reappeared on {d}")));
            }
            if *judgment_on < since || *judgment_on > on {
                return Err(DomainError::out_of_range(
                    "judgment_on",
                    judgment_on,
                    format!(
                        "from the day the worker went missing ({since}) to the day it is recorded ({on})"
                    ),
                ));
            }
            Ok(vec![Event::DeclaredDead {
                on,
                judgment_on: *judgment_on,
            }])
        }
        Command::Reappear => {
            let since = state
                .missing_since
                .ok_or_else(|| conflict("missing", "the worker is not recorded missing"))?;
            if let Some(d) = state.declared_dead_on {
                // The court must first revoke its declaration (Civil Code
                // Art 50); that is a correction of the case, not this event.
                return Err(conflict(
                    "missing",
                    format!(
                        "the worker was declared dead on {d}; the court revokes its declaration first"
                    ),
                ));
            }
            if let Some(d) = state.reappeared_on {
                return Err(conflict("missing", format!("already reappeared on {d}")));
            }
            if on < since {
                return Err(DomainError::out_of_range(
                    "on",
                    on,
                    format!("on or after the day the worker went missing ({since})"),
                ));
            }
            Ok(vec![Event::Reappeared { on }])
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    struct Step {
        command: Command,
        on: Date,
        /// None: recorded; Some(field): refused at that field.
        refused_at: Option<&'static str>,
    }

    /// Runs the steps on a case with an accident of 2025-03-15 and returns
    /// the folded state.
    fn check(steps: &[Step]) -> State {
        let accident = date(2025, 3, 15);
        let mut state = State::default();
        for (n, s) in steps.iter().enumerate() {
            match (decide(&state, &s.command, accident, s.on), s.refused_at) {
                (Ok(events), None) => events.iter().for_each(|e| state.apply(e)),
                (Err(e), Some(field)) => assert_eq!(e.field(), Some(field), "step {n}: {e}"),
                (got, want) => panic!("step {n}: got {got:?}, wanted refusal at {want:?}"),
            }
        }
        state
    }

    fn ok(command: Command, on: Date) -> Step {
        Step {
            command,
            on,
            refused_at: None,
        }
    }

    fn no(command: Command, on: Date, field: &'static str) -> Step {
        Step {
            command,
            on,
            refused_at: Some(field),
        }
    }

    /// Art 41: missing on a work trip on 2025-03-15; wages for March, April,
    /// May (employer), pensions from June 2025 (the fourth month); the
    /// advance applied for once; declared dead by a court on 2026-05-20.
    #[test]
    fn art41_missing_then_advance_once_then_declared_dead() {
        assert_eq!(
            pensions_from(date(2025, 3, 15)),
            Month::parse("2025-06").unwrap()
        );
        // The last day of December: January, February, March... fourth is March.
        assert_eq!(
            pensions_from(date(2025, 12, 31)),
            Month::parse("2026-03").unwrap()
        );
        let s = check(&[
            no(Command::ApplyForAdvance, date(2025, 3, 20), "missing"),
            no(
                Command::ReportMissing {
                    circumstance: Circumstance::WorkTrip,
                },
                date(2025, 3, 1),
                "on",
            ),
            ok(
                Command::ReportMissing {
                    circumstance: Circumstance::WorkTrip,
                },
                date(2025, 3, 15),
            ),
            no(
                Command::ReportMissing {
                    circumstance: Circumstance::DisasterRelief,
                },
                date(2025, 3, 16),
                "missing",
            ),
            ok(Command::ApplyForAdvance, date(2025, 4, 2)),
            no(Command::ApplyForAdvance, date(2025, 5, 2), "advance"),
            no(
                Command::DeclareDead {
                    judgment_on: date(2026, 6, 1),
                },
                date(2026, 5, 25),
                "judgment_on",
            ),
            ok(
                Command::DeclareDead {
                    judgment_on: date(2026, 5, 20),
                },
                date(2026, 5, 25),
            ),
            no(Command::Reappear, date(2026, 7, 1), "missing"),
        ]);
        assert_eq!(s.circumstance, Some(Circumstance::WorkTrip));
        assert_eq!(s.advance_applied_on, Some(date(2025, 4, 2)));
        assert_eq!(s.declared_dead_on, Some(date(2026, 5, 20)));
        assert!(!s.is_missing());
    }

    /// Art 41: missing in disaster relief, reappears on 2025-08-10: the
    /// pensions (from June) stop after August; no advance after that.
    #[test]
    fn art41_a_worker_who_reappears_stops_the_pensions() {
        let s = check(&[
            ok(
                Command::ReportMissing {
                    circumstance: Circumstance::DisasterRelief,
                },
                date(2025, 3, 18),
            ),
            no(Command::Reappear, date(2025, 3, 17), "on"),
            ok(Command::Reappear, date(2025, 8, 10)),
            no(Command::ApplyForAdvance, date(2025, 8, 11), "missing"),
            no(Command::Reappear, date(2025, 8, 12), "missing"),
        ]);
        assert_eq!(
            last_pension_month_on_reappearance(s.reappeared_on.unwrap()),
            Month::parse("2025-08").unwrap()
        );
    }

    #[test]
    fn events_read_back_in_their_stored_form() {
        let e = Event::WentMissing {
            on: date(2025, 3, 15),
            circumstance: Circumstance::WorkTrip,
        };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["event"], "went_missing");
        assert_eq!(json["circumstance"], "work_trip");
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), e);
    }
}
