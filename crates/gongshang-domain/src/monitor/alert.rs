//! Alerts as work: flags grouped per rule and subject; an alert opens when
//! their count reaches the rule's threshold; open → investigating → referred
//! (to the complaints centre, labour inspection or the police) → closed with
//! an outcome (confirmed or unfounded), which feeds each rule's precision.

use std::collections::{BTreeMap, BTreeSet};

use gongshang_rules::monitoring::MonitorRule;
use serde::{Deserialize, Serialize};

use super::{Flag, Subject};
use crate::determination::Rejection;

/// Where an alert is referred.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferTo {
    /// The rights-protection service centre (its complaints desk).
    ComplaintsCentre,
    /// Labour inspection (劳动保障监察).
    Inspection,
    /// The police (fraud, Decree 765 Art 55 and the Criminal Law).
    Police,
}

impl ReferTo {
    pub const ALL: &'static [ReferTo] = &[
        ReferTo::ComplaintsCentre,
        ReferTo::Inspection,
        ReferTo::Police,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ReferTo::ComplaintsCentre => "complaints_centre",
            ReferTo::Inspection => "inspection",
            ReferTo::Police => "police",
        }
    }

    pub fn parse(s: &str) -> Result<ReferTo, String> {
        ReferTo::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("referral {s:?} is not one of complaints_centre, inspection, police")
            })
    }
}

/// How a closed alert ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Confirmed,
    Unfounded,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::Confirmed => "confirmed",
            Outcome::Unfounded => "unfounded",
        }
    }

    pub fn parse(s: &str) -> Result<Outcome, String> {
        match s {
            "confirmed" => Ok(Outcome::Confirmed),
            "unfounded" => Ok(Outcome::Unfounded),
            other => Err(format!(
                "outcome {other:?} is not one of confirmed, unfounded"
            )),
        }
    }
}

/// Where an alert is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum AlertState {
    Open,
    Investigating,
    Referred { to: ReferTo },
    Closed { outcome: Outcome },
}

impl AlertState {
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertState::Open => "open",
            AlertState::Investigating => "investigating",
            AlertState::Referred { .. } => "referred",
            AlertState::Closed { .. } => "closed",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, AlertState::Closed { .. })
    }

    /// From the stored state, referral and outcome columns.
    pub fn from_columns(
        state: &str,
        referred_to: Option<&str>,
        outcome: Option<&str>,
    ) -> Result<AlertState, String> {
        match state {
            "open" => Ok(AlertState::Open),
            "investigating" => Ok(AlertState::Investigating),
            "referred" => Ok(AlertState::Referred {
                to: ReferTo::parse(referred_to.ok_or("a referred alert names where")?)?,
            }),
            "closed" => Ok(AlertState::Closed {
                outcome: Outcome::parse(outcome.ok_or("a closed alert has an outcome")?)?,
            }),
            other => Err(format!("alert state {other:?} is not known")),
        }
    }

    pub fn referred_to(self) -> Option<ReferTo> {
        match self {
            AlertState::Referred { to } => Some(to),
            _ => None,
        }
    }

    pub fn outcome(self) -> Option<Outcome> {
        match self {
            AlertState::Closed { outcome } => Some(outcome),
            _ => None,
        }
    }
}

/// What a member of staff does with an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum AlertCommand {
    Investigate { note: String },
    Refer { to: ReferTo, note: String },
    Close { outcome: Outcome, note: String },
}

impl AlertCommand {
    pub const fn name(&self) -> &'static str {
        match self {
            AlertCommand::Investigate { .. } => "investigate",
            AlertCommand::Refer { .. } => "refer",
            AlertCommand::Close { .. } => "close",
        }
    }

    pub fn note(&self) -> &str {
        match self {
            AlertCommand::Investigate { note }
            | AlertCommand::Refer { note, .. }
            | AlertCommand::Close { note, .. } => note,
        }
    }
}

/// What happened to an alert: the state it moved to, and the note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEvent {
    pub kind: &'static str,
    pub to: AlertState,
    pub note: String,
}

/// The one transition of an alert.
pub fn decide(state: AlertState, command: &AlertCommand) -> Result<AlertEvent, Rejection> {
    let name = command.name();
    if state.is_closed() {
        return Err(Rejection::Closed {
            state: state.as_str(),
            command: name,
        });
    }
    if command.note().trim().is_empty() {
        return Err(Rejection::InvalidInput {
            field: "note",
            reason: "say what was found or done (a note is required)".into(),
        });
    }
    let to = match (state, command) {
        (AlertState::Open, AlertCommand::Investigate { .. }) => AlertState::Investigating,
        (AlertState::Open | AlertState::Investigating, AlertCommand::Refer { to, .. }) => {
            AlertState::Referred { to: *to }
        }
        (_, AlertCommand::Close { outcome, .. }) => AlertState::Closed { outcome: *outcome },
        (from, _) => {
            return Err(Rejection::NotAllowed {
                state: from.as_str(),
                command: name,
                reason: format!(
                    "an alert that is {} cannot be {}; allowed: open → investigating → referred → closed",
                    from.as_str(),
                    match name {
                        "investigate" => "investigated again",
                        "refer" => "referred again",
                        _ => "moved so",
                    }
                ),
            });
        }
    };
    Ok(AlertEvent {
        kind: name,
        to,
        note: command.note().trim().to_owned(),
    })
}

/// A rule's precision: of its closed alerts, how many were confirmed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Precision {
    pub confirmed: u64,
    pub closed: u64,
}

impl Precision {
    /// Confirmed per ten thousand closed, when any closed (integer basis points).
    pub fn basis_points(&self) -> Option<u64> {
        (self.closed > 0).then(|| self.confirmed * 10_000 / self.closed)
    }
}

/// Each rule's precision from its closed alerts' outcomes.
pub fn precision<'a>(
    closed: impl IntoIterator<Item = (&'a str, Outcome)>,
) -> BTreeMap<String, Precision> {
    let mut out: BTreeMap<String, Precision> = BTreeMap::new();
    for (rule, outcome) in closed {
        let p = out.entry(rule.to_owned()).or_default();
        p.closed += 1;
        if outcome == Outcome::Confirmed {
            p.confirmed += 1;
        }
    }
    out
}

/// What a run knows already: the flags stored (by rule and key), the alert
/// still open per rule and subject, and the flags stored but under no alert
/// (below the threshold) per rule and subject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    pub flags: BTreeSet<(String, String)>,
    pub open_alerts: BTreeMap<(String, Subject), i64>,
    pub pending: BTreeMap<(String, Subject), u64>,
}

/// An alert a run opens, with its new flags (the pending ones of its rule
/// and subject join it too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedAlert {
    pub rule_id: String,
    pub rule_version: u32,
    pub severity: gongshang_rules::monitoring::Severity,
    pub subject: Subject,
    pub flags: Vec<Flag>,
}

/// What a run writes: new flags joining an open alert, new alerts, and new
/// flags left pending below their rule's threshold. Flags already known are
/// dropped, so a run over the same data writes nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunPlan {
    pub to_open_alerts: Vec<(i64, Flag)>,
    pub new_alerts: Vec<PlannedAlert>,
    pub pending: Vec<Flag>,
    /// Flags found that were known already.
    pub known: u64,
}

/// Groups the run's flags per rule and subject against what is known.
pub fn plan_run(flags: Vec<Flag>, rules: &[&MonitorRule], known: &Known) -> RunPlan {
    let mut plan = RunPlan::default();
    let mut groups: BTreeMap<(String, Subject), Vec<Flag>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for f in flags {
        let key = (f.rule_id.clone(), f.key.clone());
        if known.flags.contains(&key) || !seen.insert(key) {
            plan.known += 1;
            continue;
        }
        groups
            .entry((f.rule_id.clone(), f.subject.clone()))
            .or_default()
            .push(f);
    }
    for ((rule_id, subject), new) in groups {
        let group = (rule_id.clone(), subject.clone());
        if let Some(alert) = known.open_alerts.get(&group) {
            plan.to_open_alerts
                .extend(new.into_iter().map(|f| (*alert, f)));
            continue;
        }
        let Some(rule) = rules.iter().find(|r| r.id == rule_id) else {
            plan.pending.extend(new);
            continue;
        };
        let pending = known.pending.get(&group).copied().unwrap_or(0);
        if pending + new.len() as u64 >= u64::from(rule.alert_threshold) {
            plan.new_alerts.push(PlannedAlert {
                rule_id,
                rule_version: rule.version,
                severity: rule.severity,
                subject,
                flags: new,
            });
        } else {
            plan.pending.extend(new);
        }
    }
    plan
}
