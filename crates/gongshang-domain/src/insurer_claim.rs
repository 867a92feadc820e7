//! A claim to the insurer of an accident scheme (益鹭保, Xiamen): claim,
//! review, payout within the cap. The scheme's cap is its `max_payout`
//! parameter, resolved by the caller; the insurer's time limits are not known
//! from any source seen (policy-reference §7), so they are [`ClaimLimits`]
//! passed in, never constants.
//!
//! Only a person covered on the day of the accident may claim; all claims of
//! one accident together stay within the cap.

use gongshang_rules::Money;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::{Deadline, DeadlineKind, add_days, calendar_deadline};
use crate::determination::{AccidentKey, Rejection};
use crate::holidays::HolidayCalendar;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimLimits {
    /// Days after the accident within which a claim is made.
    pub claim_days: i64,
    /// Days for the insurer's review after the claim.
    pub review_days: i64,
    /// Days for the payout after approval.
    pub payout_days: i64,
    /// Where the figures come from.
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub accident_date: Date,
    pub filed_on: Date,
    pub scheme_id: gongshang_rules::SchemeId,
    /// Answered by the coverage layer (a day bought).
    pub covered_on_accident_day: bool,
    pub accident_key: AccidentKey,
    pub claimed: Money,
    /// The scheme's `max_payout` for one accident.
    pub cap: Money,
    /// What other claims of the same accident were paid.
    pub paid_before_for_accident: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    Claim(Claim),
    Approve { amount: Money },
    Decline { explanation: String },
    Pay { amount: Money },
    Withdraw,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Claim(_) => "claim",
            Command::Approve { .. } => "approve",
            Command::Decline { .. } => "decline",
            Command::Pay { .. } => "pay",
            Command::Withdraw => "withdraw",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Inadmissible {
    NotCoveredOnAccidentDay,
    PastTimeLimit { last_day: Date },
    CapExhausted { cap: Money, paid_before: Money },
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
    Claimed { claim: Claim, limits: ClaimLimits },
    Rejected { reason: Inadmissible },
    Approved { amount: Money },
    Declined { explanation: String },
    Paid { amount: Money },
    Withdrawn,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    NotFiled,
    UnderReview,
    Approved,
    /// Closed: paid in full.
    Paid,
    Declined,
    Rejected,
    Withdrawn,
}

impl Phase {
    pub const fn name(self) -> &'static str {
        match self {
            Phase::NotFiled => "not_filed",
            Phase::UnderReview => "under_review",
            Phase::Approved => "approved",
            Phase::Paid => "paid",
            Phase::Declined => "declined",
            Phase::Rejected => "rejected",
            Phase::Withdrawn => "withdrawn",
        }
    }
    pub const fn is_closed(self) -> bool {
        !matches!(self, Phase::NotFiled | Phase::UnderReview | Phase::Approved)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub phase: Phase,
    pub claim: Option<Claim>,
    pub limits: Option<ClaimLimits>,
    pub approved: Option<(Date, Money)>,
    pub paid: Money,
    /// Why the claim was inadmissible, once rejected.
    pub rejection: Option<Inadmissible>,
    /// The insurer's explanation of a declined claim.
    pub declined_because: Option<String>,
    pub last_event_on: Option<Date>,
}

impl State {
    pub fn apply(&mut self, event: &Event) {
        self.last_event_on = Some(event.on);
        match &event.change {
            Change::Claimed { claim, limits } => {
                self.phase = Phase::UnderReview;
                self.claim = Some(claim.clone());
                self.limits = Some(limits.clone());
            }
            Change::Rejected { reason } => {
                self.phase = Phase::Rejected;
                self.rejection = Some(reason.clone());
            }
            Change::Approved { amount } => {
                self.phase = Phase::Approved;
                self.approved = Some((event.on, *amount));
            }
            Change::Declined { explanation } => {
                self.phase = Phase::Declined;
                self.declined_because = Some(explanation.clone());
            }
            Change::Paid { amount } => {
                self.paid = self.paid.checked_add(*amount).unwrap_or(self.paid);
                if self.approved.is_some_and(|(_, a)| self.paid >= a) {
                    self.phase = Phase::Paid;
                }
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

    /// The most that may still be approved for this claim: the cap less what
    /// the accident was paid before, and no more than claimed.
    pub fn approvable(&self) -> Money {
        self.claim.as_ref().map_or(Money::ZERO, |c| {
            let room = c
                .cap
                .checked_sub(c.paid_before_for_accident)
                .unwrap_or(Money::ZERO);
            room.min(c.claimed).max(Money::ZERO)
        })
    }
}

/// The review deadline while under review, the payout deadline once approved.
pub fn deadlines(state: &State, calendar: &HolidayCalendar) -> Result<Vec<Deadline>, Rejection> {
    let (Some(claim), Some(limits)) = (&state.claim, &state.limits) else {
        return Ok(Vec::new());
    };
    let article = format!("insurer's terms ({})", limits.source);
    Ok(match (state.phase, state.approved) {
        (Phase::UnderReview, _) => vec![calendar_deadline(
            calendar,
            DeadlineKind::ClaimReview,
            claim.filed_on,
            limits.review_days,
            0,
            article,
        )?],
        (Phase::Approved, Some((on, _))) => vec![calendar_deadline(
            calendar,
            DeadlineKind::ClaimPayout,
            on,
            limits.payout_days,
            0,
            article,
        )?],
        _ => Vec::new(),
    })
}

pub fn decide(
    state: &State,
    command: Command,
    now: Date,
    calendar: &HolidayCalendar,
    limits: &ClaimLimits,
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
    let positive = |field: &'static str, m: Money| {
        if m > Money::ZERO {
            Ok(())
        } else {
            Err(Rejection::InvalidInput {
                field,
                reason: format!("{m} yuan; allowed: more than 0"),
            })
        }
    };
    match (state.phase, &command) {
        (Phase::NotFiled, Command::Claim(claim)) => {
            if claim.filed_on > now || claim.accident_date > claim.filed_on {
                return Err(Rejection::InvalidInput {
                    field: "filed_on",
                    reason: format!(
                        "accident {} <= claim {} <= today {now} is required",
                        claim.accident_date, claim.filed_on
                    ),
                });
            }
            positive("claimed", claim.claimed)?;
            positive("cap", claim.cap)?;
            if claim.paid_before_for_accident.is_negative() {
                return Err(Rejection::InvalidInput {
                    field: "paid_before_for_accident",
                    reason: "allowed: 0 or more".into(),
                });
            }
            let mut out = vec![ev(Change::Claimed {
                claim: claim.clone(),
                limits: limits.clone(),
            })];
            // A claim filed by the last calendar day needs no calendar: a
            // long limit (years) may end in a year whose holidays are not
            // loaded yet.
            let limit_day = add_days(claim.accident_date, limits.claim_days)?;
            let past = if claim.filed_on <= limit_day {
                None
            } else {
                let last_day = calendar.next_working_day_on_or_after(limit_day)?;
                (claim.filed_on > last_day).then_some(last_day)
            };
            let reason = if !claim.covered_on_accident_day {
                Some(Inadmissible::NotCoveredOnAccidentDay)
            } else if let Some(last_day) = past {
                Some(Inadmissible::PastTimeLimit { last_day })
            } else if claim.paid_before_for_accident >= claim.cap {
                Some(Inadmissible::CapExhausted {
                    cap: claim.cap,
                    paid_before: claim.paid_before_for_accident,
                })
            } else {
                None
            };
            if let Some(reason) = reason {
                out.push(ev(Change::Rejected { reason }));
            }
            Ok(out)
        }
        (Phase::NotFiled, _) => Err(not_allowed("no claim has been made")),
        (_, Command::Claim(_)) => Err(not_allowed("the case already has a claim")),
        (Phase::UnderReview, Command::Approve { amount }) => {
            positive("amount", *amount)?;
            let most = state.approvable();
            if *amount > most {
                return Err(Rejection::InvalidInput {
                    field: "amount",
                    reason: format!(
                        "{amount} yuan is more than the claim or the cap left for the accident allows: at most {most}"
                    ),
                });
            }
            Ok(vec![ev(Change::Approved { amount: *amount })])
        }
        (Phase::UnderReview, Command::Decline { explanation }) => {
            if explanation.trim().is_empty() {
                return Err(Rejection::InvalidInput {
                    field: "explanation",
                    reason: "say why the claim is declined".into(),
                });
            }
            Ok(vec![ev(Change::Declined {
                explanation: explanation.clone(),
            })])
        }
        (Phase::Approved, Command::Pay { amount }) => {
            positive("amount", *amount)?;
            let approved = state.approved.map_or(Money::ZERO, |(_, a)| a);
            let left = approved.checked_sub(state.paid).unwrap_or(Money::ZERO);
            if *amount > left {
                return Err(Rejection::InvalidInput {
                    field: "amount",
                    reason: format!("{amount} yuan; at most {left} is left to pay"),
                });
            }
            Ok(vec![ev(Change::Paid { amount: *amount })])
        }
        (Phase::UnderReview, Command::Withdraw) => Ok(vec![ev(Change::Withdrawn)]),
        _ => Err(not_allowed("the command does not fit the claim's state")),
    }
}
