//! The events of a determination and the state they fold to: records only,
//! never a rule.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::days_between;

use super::*;

// ---- events -------------------------------------------------------------------

/// Something that happened to a case, on a day.
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
        application: Application,
    },
    /// A unit filed after its 30 days (Art 17(1)); it bears the costs of the
    /// late period (Art 17(4)).
    LateUnitFiling {
        last_day: Date,
        days_late: i64,
    },
    MaterialsRequested {
        missing: Vec<MaterialKind>,
    },
    MaterialsSupplied {
        materials: Vec<MaterialKind>,
    },
    /// Everything requested is in: the 15 days of review run again.
    MaterialsCompleted,
    Accepted,
    ApplicationRejected {
        reason: InadmissibleReason,
    },
    InvestigationStarted,
    BurdenOfProofOnUnit,
    Suspended {
        authority: Authority,
        reason: String,
    },
    Resumed {
        suspended_days: i64,
    },
    Withdrawn,
    TerminatedNoGrounds,
    SimpleCaseMarked,
    Decided {
        decision: Decision,
    },
    Delivered {
        late_by_days: i64,
    },
}

impl Change {
    pub fn name(&self) -> &'static str {
        match self {
            Change::Filed { .. } => "filed",
            Change::LateUnitFiling { .. } => "late_unit_filing",
            Change::MaterialsRequested { .. } => "materials_requested",
            Change::MaterialsSupplied { .. } => "materials_supplied",
            Change::MaterialsCompleted => "materials_completed",
            Change::Accepted => "accepted",
            Change::ApplicationRejected { .. } => "application_rejected",
            Change::InvestigationStarted => "investigation_started",
            Change::BurdenOfProofOnUnit => "burden_of_proof_on_unit",
            Change::Suspended { .. } => "suspended",
            Change::Resumed { .. } => "resumed",
            Change::Withdrawn => "withdrawn",
            Change::TerminatedNoGrounds => "terminated_no_grounds",
            Change::SimpleCaseMarked => "simple_case_marked",
            Change::Decided { .. } => "decided",
            Change::Delivered { .. } => "delivered",
        }
    }
}

// ---- state --------------------------------------------------------------------

/// Where a case is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    NotFiled,
    /// Filed; the department reviews completeness (办法 Art 8).
    CompletenessReview,
    /// The one request for materials is out; the review clock waits.
    AwaitingMaterials,
    /// Accepted; investigation and decision (Art 20).
    Accepted,
    /// Closed: decided (only the one delivery may follow).
    Decided,
    /// Closed: inadmissible.
    Rejected,
    /// Closed: withdrawn (the same accident may be filed again as a new case).
    Withdrawn,
    /// Closed: terminated for lack of grounds.
    Terminated,
}

impl Phase {
    pub const fn name(self) -> &'static str {
        match self {
            Phase::NotFiled => "not_filed",
            Phase::CompletenessReview => "completeness_review",
            Phase::AwaitingMaterials => "awaiting_materials",
            Phase::Accepted => "accepted",
            Phase::Decided => "decided",
            Phase::Rejected => "rejected",
            Phase::Withdrawn => "withdrawn",
            Phase::Terminated => "terminated",
        }
    }

    /// A closed case's outcome never changes.
    pub const fn is_closed(self) -> bool {
        matches!(
            self,
            Phase::Decided | Phase::Rejected | Phase::Withdrawn | Phase::Terminated
        )
    }
}

/// A suspension (条例 Art 20(3)); `until` is the day of resumption.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub from: Date,
    pub until: Option<Date>,
    pub authority: Authority,
    pub reason: String,
}

impl Suspension {
    /// Days that do not count toward the decision period: from the day of
    /// suspension up to, not including, the day of resumption; the day of
    /// acceptance never counts anyway (民法典 Art 201), so a suspension that
    /// starts on it stops the clock from the next day.
    pub fn days_not_counted(&self, accepted_on: Date) -> Option<i64> {
        let first = self.from.max(accepted_on.tomorrow().ok()?);
        self.until.map(|u| days_between(first, u).max(0))
    }
}

/// A case, folded from its events.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub phase: Phase,
    pub application: Option<Application>,
    pub materials: BTreeSet<MaterialKind>,
    pub materials_requested: Option<(Date, Vec<MaterialKind>)>,
    /// The day the 15 days of review run from: filing, or completion of the
    /// requested materials.
    pub review_from: Option<Date>,
    pub late_unit_filing: Option<(Date, i64)>,
    pub accepted_on: Option<Date>,
    pub simple_case: bool,
    pub investigation_started_on: Option<Date>,
    pub burden_of_proof_on_unit_since: Option<Date>,
    pub suspensions: Vec<Suspension>,
    pub rejected: Option<InadmissibleReason>,
    pub decided_on: Option<Date>,
    pub decision: Option<Decision>,
    pub delivered_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub last_event_on: Option<Date>,
    pub events: usize,
}

impl State {
    /// Records what `event` says. Never branches on the rules: that is
    /// [`decide`]'s job.
    pub fn apply(&mut self, event: &Event) {
        let on = event.on;
        self.last_event_on = Some(on);
        self.events += 1;
        match &event.change {
            Change::Filed { application } => {
                self.phase = Phase::CompletenessReview;
                self.materials = application.materials.clone();
                self.review_from = Some(application.filed_on);
                self.application = Some(application.clone());
            }
            Change::LateUnitFiling {
                last_day,
                days_late,
            } => self.late_unit_filing = Some((*last_day, *days_late)),
            Change::MaterialsRequested { missing } => {
                self.phase = Phase::AwaitingMaterials;
                self.materials_requested = Some((on, missing.clone()));
                self.review_from = None;
            }
            Change::MaterialsSupplied { materials } => {
                self.materials.extend(materials.iter().cloned());
            }
            Change::MaterialsCompleted => {
                self.phase = Phase::CompletenessReview;
                self.review_from = Some(on);
            }
            Change::Accepted => {
                self.phase = Phase::Accepted;
                self.accepted_on = Some(on);
                self.review_from = None;
            }
            Change::ApplicationRejected { reason } => {
                self.phase = Phase::Rejected;
                self.rejected = Some(reason.clone());
                self.closed_on = Some(on);
            }
            Change::InvestigationStarted => self.investigation_started_on = Some(on),
            Change::BurdenOfProofOnUnit => self.burden_of_proof_on_unit_since = Some(on),
            Change::Suspended { authority, reason } => self.suspensions.push(Suspension {
                from: on,
                until: None,
                authority: *authority,
                reason: reason.clone(),
            }),
            Change::Resumed { .. } => {
                if let Some(s) = self.suspensions.last_mut() {
                    s.until = Some(on);
                }
            }
            Change::Withdrawn => {
                self.phase = Phase::Withdrawn;
                self.closed_on = Some(on);
            }
            Change::TerminatedNoGrounds => {
                self.phase = Phase::Terminated;
                self.closed_on = Some(on);
            }
            Change::SimpleCaseMarked => self.simple_case = true,
            Change::Decided { decision } => {
                self.phase = Phase::Decided;
                self.decided_on = Some(on);
                self.decision = Some(decision.clone());
                self.closed_on = Some(on);
            }
            Change::Delivered { .. } => self.delivered_on = Some(on),
        }
    }

    /// Folds events from the empty state.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut state = State::default();
        for e in events {
            state.apply(e);
        }
        state
    }

    pub fn is_suspended(&self) -> bool {
        self.suspensions.last().is_some_and(|s| s.until.is_none())
    }

    /// Days of ended suspensions that do not count toward the decision period
    /// (the running one is not yet known).
    pub fn suspended_days(&self) -> i64 {
        let Some(accepted) = self.accepted_on else {
            return 0;
        };
        self.suspensions
            .iter()
            .filter_map(|s| s.days_not_counted(accepted))
            .sum()
    }

    /// Required or requested materials not yet supplied.
    pub fn missing_materials(&self) -> Vec<MaterialKind> {
        let Some(app) = &self.application else {
            return Vec::new();
        };
        let mut wanted = app.required_materials();
        if let Some((_, requested)) = &self.materials_requested {
            wanted.extend(requested.iter().cloned());
        }
        wanted.difference(&self.materials).cloned().collect()
    }

    /// Whether the accident was recognised by this case.
    pub fn recognised(&self) -> Option<&AccidentKey> {
        match &self.decision {
            Some(Decision {
                finding: Finding::Recognised { .. },
                accident_key,
                ..
            }) => Some(accident_key),
            _ => None,
        }
    }
}

/// Folds one event (the functional form of [`State::apply`]).
pub fn apply(mut state: State, event: &Event) -> State {
    state.apply(event);
    state
}
