//! 诉求 (a ticket of the rights-protection service centre) as a closed state
//! machine, in the style of [`crate::determination`]: [`Command`]s,
//! [`Event`]s, [`State::apply`] (records only) and [`decide`] (all the
//! branching).
//!
//! The flow (Xiamen's "front, middle, back", seed 004): a ticket is
//! received from a channel, triaged at the front (accepted, categorised),
//! mediated in the middle (sessions recorded: who, when, channel, outcome),
//! referred to a named body at the back (its status reported back), or
//! settled by a mediation agreement (optionally sent for arbitration review
//! or court confirmation); it is closed with a resolution and a satisfaction
//! rating, and may be reopened within a window.
//!
//! The time limits are the category's and the body's, data in
//! `policies/xiamen/rights/service_centre.toml` ([`catalogue`]), copied into
//! the events when they start running so that folding the events again
//! gives the same deadlines even after the file changes:
//! - acceptance within 3 working days (企业劳动争议协商调解规定 Art 22);
//! - mediation finished within 15 days of acceptance (Order 17 Art 27), a
//!   platform-worker dispute within 15 days extendable by at most 15 by
//!   consent (人社厅发〔2024〕4号);
//! - arbitration accepted within 5 days and decided within 45 days, extendable
//!   by 15 (劳动争议调解仲裁法 Arts 29, 43);
//! - labour inspection within 60 working days, extendable by 30 (劳动保障监察条例
//!   Art 17);
//! - a joint request for arbitration review within 15 days of a mediation
//!   agreement (Order 17 Art 29).
//!
//! Rejections are [`crate::determination::Rejection`], so the error table
//! already has their codes.

pub mod catalogue;

use std::fmt;
use std::str::FromStr;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use catalogue::{Body, BodyKind, Catalogue, Category, ServicePoint, Tier, TimeLimit};

use crate::deadline::days_between;
use crate::determination::Rejection;
use crate::error::DomainError;
use crate::holidays::HolidayCalendar;

/// `as_str`, `ALL`, `Display` and `FromStr` for a fieldless enum.
macro_rules! text_enum {
    ($name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == text)
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        DomainError::out_of_range($field, text, allowed.join(", "))
                    })
            }
        }
    };
}

/// Where a ticket came in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At the centre's window (front desk).
    Window,
    /// By phone, entered by staff on the caller's behalf.
    Phone,
    /// The worker's own page.
    WorkerPage,
    /// The employer's or platform's own page.
    UnitPage,
    /// The QR code's phone form, without a login.
    QrForm,
    /// Raised by the system (a refused claim's "dispute this").
    System,
}

text_enum!(Channel, "channel", {
    Window => "window",
    Phone => "phone",
    WorkerPage => "worker_page",
    UnitPage => "unit_page",
    QrForm => "qr_form",
    System => "system",
});

impl Channel {
    pub const fn name_zh(self) -> &'static str {
        match self {
            Channel::Window => "窗口",
            Channel::Phone => "电话",
            Channel::WorkerPage => "劳动者网页",
            Channel::UnitPage => "单位网页",
            Channel::QrForm => "扫码",
            Channel::System => "系统生成",
        }
    }
    pub const fn name_en(self) -> &'static str {
        match self {
            Channel::Window => "window",
            Channel::Phone => "phone",
            Channel::WorkerPage => "worker's page",
            Channel::UnitPage => "employer's page",
            Channel::QrForm => "QR code",
            Channel::System => "raised by the system",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Received,
    Triaged,
    InMediation,
    Referred,
    Settled,
    Closed,
    Reopened,
}

text_enum!(Phase, "state", {
    Received => "received",
    Triaged => "triaged",
    InMediation => "in_mediation",
    Referred => "referred",
    Settled => "settled",
    Closed => "closed",
    Reopened => "reopened",
});

impl Phase {
    pub const fn name_zh(self) -> &'static str {
        match self {
            Phase::Received => "已登记",
            Phase::Triaged => "已受理",
            Phase::InMediation => "调解中",
            Phase::Referred => "已转介",
            Phase::Settled => "已达成调解协议",
            Phase::Closed => "已办结",
            Phase::Reopened => "已重新办理",
        }
    }
    pub const fn name_en(self) -> &'static str {
        match self {
            Phase::Received => "received",
            Phase::Triaged => "accepted",
            Phase::InMediation => "in mediation",
            Phase::Referred => "referred",
            Phase::Settled => "settled by agreement",
            Phase::Closed => "closed",
            Phase::Reopened => "reopened",
        }
    }
    pub const fn is_open(self) -> bool {
        !matches!(self, Phase::Closed)
    }
}

/// How a mediation session was held.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionChannel {
    InPerson,
    Phone,
    Online,
}

text_enum!(SessionChannel, "session_channel", {
    InPerson => "in_person",
    Phone => "phone",
    Online => "online",
});

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionOutcome {
    /// Another session is needed.
    Continued,
    /// The parties agreed (a settlement follows).
    Agreed,
    /// No agreement: refer or close.
    Failed,
    /// A party did not come.
    NoShow,
}

text_enum!(SessionOutcome, "outcome", {
    Continued => "continued",
    Agreed => "agreed",
    Failed => "failed",
    NoShow => "no_show",
});

impl SessionChannel {
    pub const fn name_zh(self) -> &'static str {
        match self {
            SessionChannel::InPerson => "现场",
            SessionChannel::Phone => "电话",
            SessionChannel::Online => "线上",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            SessionChannel::InPerson => "in person",
            SessionChannel::Phone => "by phone",
            SessionChannel::Online => "online",
        }
    }
}

impl SessionOutcome {
    pub const fn name_zh(self) -> &'static str {
        match self {
            SessionOutcome::Continued => "继续调解",
            SessionOutcome::Agreed => "达成一致",
            SessionOutcome::Failed => "调解不成",
            SessionOutcome::NoShow => "一方未到场",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            SessionOutcome::Continued => "to be continued",
            SessionOutcome::Agreed => "agreed",
            SessionOutcome::Failed => "no agreement",
            SessionOutcome::NoShow => "a party did not come",
        }
    }
}

/// What a body reports back about a referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum ReferralReport {
    /// The body accepted the matter; its decision period starts.
    Accepted,
    /// The body refused it (not its competence, out of time...).
    Declined { reason: String },
    /// The body extended its period (at most the kind's extension).
    Extended { days: i64 },
    /// The body concluded (an award, an inspection's finding...).
    Concluded { outcome: String },
    /// The body reviewed a mediation agreement sent to it: confirmed (an
    /// arbitration commission's mediation award, a court's confirmation) or
    /// not (the parties may then apply for arbitration or sue).
    Reviewed { confirmed: bool, note: String },
}

impl ReferralReport {
    pub const fn name(&self) -> &'static str {
        match self {
            ReferralReport::Accepted => "accepted",
            ReferralReport::Declined { .. } => "declined",
            ReferralReport::Extended { .. } => "extended",
            ReferralReport::Concluded { .. } => "concluded",
            ReferralReport::Reviewed { .. } => "reviewed",
        }
    }
}

/// Where a mediation agreement is sent, if the parties want it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    None,
    /// A joint request for review by the arbitration commission (Order 17
    /// Art 29, within 15 days of the agreement).
    ArbitrationReview,
    /// Judicial confirmation by a court (人社厅发〔2024〕4号).
    CourtConfirmation,
}

text_enum!(Confirmation, "confirmation", {
    None => "none",
    ArbitrationReview => "arbitration_review",
    CourtConfirmation => "court_confirmation",
});

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    Neutral,
    Dissatisfied,
    VeryDissatisfied,
    /// The person could not be reached or would not say.
    NoAnswer,
}

text_enum!(Satisfaction, "satisfaction", {
    VerySatisfied => "very_satisfied",
    Satisfied => "satisfied",
    Neutral => "neutral",
    Dissatisfied => "dissatisfied",
    VeryDissatisfied => "very_dissatisfied",
    NoAnswer => "no_answer",
});

impl Satisfaction {
    pub const fn name_zh(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "非常满意",
            Satisfaction::Satisfied => "满意",
            Satisfaction::Neutral => "一般",
            Satisfaction::Dissatisfied => "不满意",
            Satisfaction::VeryDissatisfied => "非常不满意",
            Satisfaction::NoAnswer => "未评价",
        }
    }
    pub const fn name_en(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "very satisfied",
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Neutral => "neutral",
            Satisfaction::Dissatisfied => "dissatisfied",
            Satisfaction::VeryDissatisfied => "very dissatisfied",
            Satisfaction::NoAnswer => "no answer",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Accept (triage) the ticket.
    Acceptance,
    /// Finish mediation.
    Mediation,
    /// The body accepts the referral.
    ReferralAcceptance,
    /// The body concludes.
    ReferralDecision,
    /// The parties' joint request for arbitration review of an agreement.
    ReviewRequest,
    /// The reviewing body's decision on an agreement sent to it.
    ReviewDecision,
}

text_enum!(DeadlineKind, "deadline_kind", {
    Acceptance => "acceptance",
    Mediation => "mediation",
    ReferralAcceptance => "referral_acceptance",
    ReferralDecision => "referral_decision",
    ReviewRequest => "review_request",
    ReviewDecision => "review_decision",
});

impl DeadlineKind {
    pub const fn name_zh(self) -> &'static str {
        match self {
            DeadlineKind::Acceptance => "受理时限",
            DeadlineKind::Mediation => "调解时限",
            DeadlineKind::ReferralAcceptance => "转介受理时限",
            DeadlineKind::ReferralDecision => "转介办结时限",
            DeadlineKind::ReviewRequest => "仲裁审查申请时限",
            DeadlineKind::ReviewDecision => "协议审查确认时限",
        }
    }
    pub const fn name_en(self) -> &'static str {
        match self {
            DeadlineKind::Acceptance => "acceptance",
            DeadlineKind::Mediation => "mediation",
            DeadlineKind::ReferralAcceptance => "the body's acceptance",
            DeadlineKind::ReferralDecision => "the body's decision",
            DeadlineKind::ReviewRequest => "request for arbitration review",
            DeadlineKind::ReviewDecision => "review of the agreement",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    /// Due within the catalogue's `near_days`.
    Near,
    /// Past its due day.
    Overdue,
}

text_enum!(EscalationLevel, "level", {
    Near => "near",
    Overdue => "overdue",
});

/// A running time limit of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDeadline {
    pub kind: DeadlineKind,
    pub from: Date,
    pub days: i64,
    pub working_days: bool,
    /// Days of extension granted (by consent or by the body).
    pub extended_days: i64,
    pub due: Date,
    /// Crosses a year whose holiday arrangement is not loaded.
    pub provisional: bool,
    pub citation: String,
}

impl TicketDeadline {
    /// 0 on the due day, negative when overdue.
    pub fn days_left(&self, today: Date) -> i64 {
        days_between(today, self.due)
    }

    /// Counts `limit` from `from`: calendar days end on the day `days +
    /// extended` after `from`, moved past rest days and holidays; working
    /// days end on the N-th working day after `from` (an extension in the
    /// same unit is added to N).
    pub fn count(
        calendar: &HolidayCalendar,
        kind: DeadlineKind,
        from: Date,
        limit: &TimeLimit,
        extended_days: i64,
    ) -> Result<TicketDeadline, DomainError> {
        let period = limit.days + extended_days;
        let (due, provisional) = if limit.working_days {
            let mut day = from;
            let mut counted = 0;
            while counted < period {
                day = day.checked_add(1.day()).map_err(|_| {
                    DomainError::out_of_range("date", from, "a date before 9999-12-31")
                })?;
                if calendar.is_working_day(day) {
                    counted += 1;
                }
            }
            (day, calendar.is_provisional_between(from, day))
        } else {
            let last = from
                .checked_add(period.days())
                .map_err(|_| DomainError::out_of_range("date", from, "a date before 9999-12-31"))?;
            let due = calendar.due_on_or_after(last)?;
            (due.date, due.provisional)
        };
        Ok(TicketDeadline {
            kind,
            from,
            days: limit.days,
            working_days: limit.working_days,
            extended_days,
            due,
            provisional,
            citation: limit.citation(),
        })
    }
}

// ---- commands and events -------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    File {
        channel: Channel,
        category: String,
        summary: String,
        /// Against one's own employer or platform: the complainant is hidden
        /// from the other party until they agree.
        sensitive: bool,
    },
    /// Accept at the front, in a category (the one filed, or a better one).
    Triage {
        category: String,
        note: String,
    },
    RecordSession {
        mediator: String,
        held_on: Date,
        channel: SessionChannel,
        outcome: SessionOutcome,
        note: String,
    },
    /// Extend mediation by the parties' consent.
    ExtendMediation {
        days: i64,
        reason: String,
    },
    /// Refer by appointment to a named body.
    Refer {
        body: String,
        appointment_on: Date,
        note: String,
    },
    ReportReferral {
        report: ReferralReport,
    },
    /// Send the mediation agreement, as the parties want, to a named body
    /// for review: an arbitration commission (Order 17 Art 29) or a court
    /// (judicial confirmation).
    RequestReview {
        body: String,
        appointment_on: Date,
        note: String,
    },
    Settle {
        agreement: String,
        confirmation: Confirmation,
    },
    Close {
        resolution: String,
        satisfaction: Satisfaction,
    },
    Reopen {
        reason: String,
    },
    Escalate {
        kind: DeadlineKind,
        level: EscalationLevel,
    },
    /// The worker agrees that the other party sees who complained.
    ConsentToDisclosure,
}

impl Command {
    pub const fn name(&self) -> &'static str {
        match self {
            Command::File { .. } => "file",
            Command::Triage { .. } => "triage",
            Command::RecordSession { .. } => "record_session",
            Command::ExtendMediation { .. } => "extend_mediation",
            Command::Refer { .. } => "refer",
            Command::ReportReferral { .. } => "report_referral",
            Command::RequestReview { .. } => "request_review",
            Command::Settle { .. } => "settle",
            Command::Close { .. } => "close",
            Command::Reopen { .. } => "reopen",
            Command::Escalate { .. } => "escalate",
            Command::ConsentToDisclosure => "consent_to_disclosure",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub mediator: String,
    pub held_on: Date,
    pub channel: SessionChannel,
    pub outcome: SessionOutcome,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// A dispute referred, or an agreement sent for review.
    #[serde(default)]
    pub purpose: ReferralPurpose,
    pub body: Body,
    pub kind: BodyKind,
    pub referred_on: Date,
    pub appointment_on: Date,
    pub note: String,
    pub accepted_on: Option<Date>,
    pub extended_days: i64,
    pub declined: Option<String>,
    pub concluded: Option<(Date, String)>,
    /// A review's result: the agreement confirmed or not.
    #[serde(default)]
    pub confirmed: Option<bool>,
}

/// Why a ticket went to a body.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralPurpose {
    /// The matter is referred to the body to handle (the back of the
    /// centre).
    #[default]
    Dispute,
    /// A mediation agreement is sent to the body for review or
    /// confirmation.
    Review,
}

text_enum!(ReferralPurpose, "purpose", {
    Dispute => "dispute",
    Review => "review",
});

/// Where a referral stands, as its events say.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Sent; the body has not answered.
    Referred,
    /// The body took it on.
    Accepted,
    /// The body would not take it.
    Declined,
    /// The body reported its outcome.
    Concluded,
}

text_enum!(ReferralStatus, "referral_status", {
    Referred => "referred",
    Accepted => "accepted",
    Declined => "declined",
    Concluded => "concluded",
});

impl ReferralStatus {
    /// Still with the body: sent or accepted, not yet answered.
    pub const fn is_pending(self) -> bool {
        matches!(self, ReferralStatus::Referred | ReferralStatus::Accepted)
    }

    pub const fn name_zh(self) -> &'static str {
        match self {
            ReferralStatus::Referred => "已转介",
            ReferralStatus::Accepted => "已受理",
            ReferralStatus::Declined => "不予受理",
            ReferralStatus::Concluded => "已办结",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            ReferralStatus::Referred => "referred",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Concluded => "concluded",
        }
    }
}

impl Referral {
    /// Where the referral stands: concluded over declined over accepted.
    pub fn status(&self) -> ReferralStatus {
        if self.concluded.is_some() {
            ReferralStatus::Concluded
        } else if self.declined.is_some() {
            ReferralStatus::Declined
        } else if self.accepted_on.is_some() {
            ReferralStatus::Accepted
        } else {
            ReferralStatus::Referred
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
    Filed {
        channel: Channel,
        category: Category,
        summary: String,
        sensitive: bool,
    },
    Triaged {
        category: Category,
        note: String,
    },
    SessionRecorded {
        session: Session,
    },
    MediationExtended {
        days: i64,
        reason: String,
    },
    Referred {
        body: Body,
        kind: BodyKind,
        appointment_on: Date,
        note: String,
    },
    ReferralReported {
        report: ReferralReport,
    },
    ReviewRequested {
        body: Body,
        kind: BodyKind,
        appointment_on: Date,
        note: String,
    },
    Settled {
        agreement: String,
        confirmation: Confirmation,
    },
    Closed {
        resolution: String,
        satisfaction: Satisfaction,
    },
    Reopened {
        reason: String,
    },
    Escalated {
        kind: DeadlineKind,
        level: EscalationLevel,
        due: Date,
    },
    DisclosureConsented,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub on: Date,
    pub agreement: String,
    pub confirmation: Confirmation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub on: Date,
    pub resolution: String,
    pub satisfaction: Satisfaction,
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct State {
    pub phase: Option<Phase>,
    pub channel: Option<Channel>,
    pub category: Option<Category>,
    pub summary: String,
    pub sensitive: bool,
    pub disclosure_consented: bool,
    pub filed_on: Option<Date>,
    pub accepted_on: Option<Date>,
    pub sessions: Vec<Session>,
    pub mediation_extended_days: i64,
    /// Every referral, the running one last.
    pub referrals: Vec<Referral>,
    pub settlement: Option<Settlement>,
    pub closing: Option<Closing>,
    pub reopened_times: u32,
    /// (kind, level, due) already escalated.
    pub escalations: Vec<(DeadlineKind, EscalationLevel, Date)>,
    pub last_event_on: Option<Date>,
}

impl State {
    pub fn apply(&mut self, event: &Event) {
        self.last_event_on = Some(event.on);
        match &event.change {
            Change::Filed {
                channel,
                category,
                summary,
                sensitive,
            } => {
                self.phase = Some(Phase::Received);
                self.channel = Some(*channel);
                self.category = Some(category.clone());
                self.summary = summary.clone();
                self.sensitive = *sensitive;
                self.filed_on = Some(event.on);
            }
            Change::Triaged { category, .. } => {
                self.phase = Some(Phase::Triaged);
                self.category = Some(category.clone());
                self.accepted_on = Some(event.on);
            }
            Change::SessionRecorded { session } => {
                self.phase = Some(Phase::InMediation);
                self.sessions.push(session.clone());
            }
            Change::MediationExtended { days, .. } => self.mediation_extended_days += days,
            Change::Referred {
                body,
                kind,
                appointment_on,
                note,
            } => {
                self.phase = Some(Phase::Referred);
                self.referrals.push(Referral {
                    purpose: ReferralPurpose::Dispute,
                    body: body.clone(),
                    kind: kind.clone(),
                    referred_on: event.on,
                    appointment_on: *appointment_on,
                    note: note.clone(),
                    accepted_on: None,
                    extended_days: 0,
                    declined: None,
                    concluded: None,
                    confirmed: None,
                });
            }
            Change::ReviewRequested {
                body,
                kind,
                appointment_on,
                note,
            } => {
                self.referrals.push(Referral {
                    purpose: ReferralPurpose::Review,
                    body: body.clone(),
                    kind: kind.clone(),
                    referred_on: event.on,
                    appointment_on: *appointment_on,
                    note: note.clone(),
                    accepted_on: None,
                    extended_days: 0,
                    declined: None,
                    concluded: None,
                    confirmed: None,
                });
            }
            Change::ReferralReported { report } => {
                if let Some(r) = self.referrals.last_mut() {
                    match report {
                        ReferralReport::Accepted => r.accepted_on = Some(event.on),
                        ReferralReport::Declined { reason } => r.declined = Some(reason.clone()),
                        ReferralReport::Extended { days } => r.extended_days += days,
                        ReferralReport::Concluded { outcome } => {
                            r.concluded = Some((event.on, outcome.clone()))
                        }
                        ReferralReport::Reviewed { confirmed, note } => {
                            r.concluded = Some((event.on, note.clone()));
                            r.confirmed = Some(*confirmed);
                        }
                    }
                }
            }
            Change::Settled {
                agreement,
                confirmation,
            } => {
                self.phase = Some(Phase::Settled);
                self.settlement = Some(Settlement {
                    on: event.on,
                    agreement: agreement.clone(),
                    confirmation: *confirmation,
                });
            }
            Change::Closed {
                resolution,
                satisfaction,
            } => {
                self.phase = Some(Phase::Closed);
                self.closing = Some(Closing {
                    on: event.on,
                    resolution: resolution.clone(),
                    satisfaction: *satisfaction,
                });
            }
            Change::Reopened { .. } => {
                self.phase = Some(Phase::Reopened);
                self.reopened_times += 1;
                self.escalations.clear();
            }
            Change::Escalated { kind, level, due } => {
                self.escalations.push((*kind, *level, *due));
            }
            Change::DisclosureConsented => self.disclosure_consented = true,
        }
    }

    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut s = State::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    /// The running referral (the last one, while the ticket is referred).
    pub fn referral(&self) -> Option<&Referral> {
        (self.phase == Some(Phase::Referred))
            .then(|| self.referrals.last())
            .flatten()
    }

    /// The review of the agreement running with a body (settled, sent for
    /// review, not yet answered).
    pub fn running_review(&self) -> Option<&Referral> {
        (self.phase == Some(Phase::Settled))
            .then(|| self.referrals.last())
            .flatten()
            .filter(|r| {
                r.purpose == ReferralPurpose::Review
                    && r.declined.is_none()
                    && r.concluded.is_none()
            })
    }

    /// Whether the agreement was ever sent for review since it was made.
    pub fn review_requested(&self) -> bool {
        let Some(s) = &self.settlement else {
            return false;
        };
        self.referrals
            .iter()
            .any(|r| r.purpose == ReferralPurpose::Review && r.referred_on >= s.on)
    }

    /// Whether the other party may see who complained.
    pub fn complainant_visible_to_other_party(&self) -> bool {
        !self.sensitive || self.disclosure_consented
    }

    /// The mediation succeeded: a settlement was recorded.
    pub fn mediation_succeeded(&self) -> bool {
        self.settlement.is_some()
    }
}

/// What [`decide`] needs from outside the ticket.
#[derive(Copy, Clone)]
pub struct Context<'a> {
    pub calendar: &'a HolidayCalendar,
    pub catalogue: &'a Catalogue,
}

/// The time limits running in `state`, most urgent first.
pub fn deadlines(
    state: &State,
    calendar: &HolidayCalendar,
) -> Result<Vec<TicketDeadline>, DomainError> {
    let Some(phase) = state.phase else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let category = state.category.as_ref();
    match phase {
        Phase::Received => {
            if let (Some(c), Some(filed)) = (category, state.filed_on) {
                out.push(TicketDeadline::count(
                    calendar,
                    DeadlineKind::Acceptance,
                    filed,
                    &c.accept,
                    0,
                )?);
            }
        }
        Phase::Triaged | Phase::InMediation | Phase::Reopened => {
            if let (Some(c), Some(accepted)) = (category, state.accepted_on)
                && let Some(m) = &c.mediation
                && (phase == Phase::InMediation || c.tier == Tier::Middle)
            {
                out.push(TicketDeadline::count(
                    calendar,
                    DeadlineKind::Mediation,
                    accepted,
                    m,
                    state.mediation_extended_days,
                )?);
            }
        }
        Phase::Referred => {
            if let Some(r) = state.referral()
                && r.declined.is_none()
                && r.concluded.is_none()
            {
                match (r.accepted_on, &r.kind.accept) {
                    (None, Some(accept)) => out.push(TicketDeadline::count(
                        calendar,
                        DeadlineKind::ReferralAcceptance,
                        r.referred_on,
                        accept,
                        0,
                    )?),
                    (accepted, _) => out.push(TicketDeadline::count(
                        calendar,
                        DeadlineKind::ReferralDecision,
                        accepted.unwrap_or(r.referred_on),
                        &r.kind.decide,
                        r.extended_days,
                    )?),
                }
            }
        }
        Phase::Settled => {
            if let Some(r) = state.running_review() {
                out.push(TicketDeadline::count(
                    calendar,
                    DeadlineKind::ReviewDecision,
                    r.referred_on,
                    r.kind.review_limit(),
                    0,
                )?);
            } else if let Some(s) = &state.settlement
                && s.confirmation == Confirmation::ArbitrationReview
                && !state.review_requested()
            {
                out.push(TicketDeadline::count(
                    calendar,
                    DeadlineKind::ReviewRequest,
                    s.on,
                    &review_request_limit(),
                    0,
                )?);
            }
        }
        Phase::Closed => {}
    }
    out.sort_by_key(|d| (d.due, d.kind));
    Ok(out)
}

/// A joint request for arbitration review within 15 days of the agreement
/// (企业劳动争议协商调解规定 Art 29).
pub fn review_request_limit() -> TimeLimit {
    TimeLimit {
        days: 15,
        working_days: false,
        extension_days: 0,
        instrument: "企业劳动争议协商调解规定 (Order 17)".into(),
        article: "Art 29".into(),
        status: catalogue::ValueStatus::Confirmed,
        note: String::new(),
    }
}

/// The deadlines of `state` that are near (within `near_days`) or past on
/// `today` and not escalated yet at that level: what an escalation run
/// records.
pub fn due_escalations(
    state: &State,
    calendar: &HolidayCalendar,
    today: Date,
    near_days: i64,
) -> Result<Vec<(TicketDeadline, EscalationLevel)>, DomainError> {
    let mut out = Vec::new();
    for d in deadlines(state, calendar)? {
        let left = d.days_left(today);
        let level = if left < 0 {
            EscalationLevel::Overdue
        } else if left <= near_days {
            EscalationLevel::Near
        } else {
            continue;
        };
        if !state.escalations.contains(&(d.kind, level, d.due)) {
            out.push((d, level));
        }
    }
    Ok(out)
}

/// The last day a closed ticket may be reopened: `reopen_days` after closing.
pub fn reopen_last_day(state: &State, reopen_days: i64) -> Option<Date> {
    let closed = state.closing.as_ref()?.on;
    closed.checked_add(reopen_days.days()).ok()
}

fn text_required(field: &'static str, text: &str) -> Result<(), Rejection> {
    if text.trim().is_empty() {
        Err(Rejection::InvalidInput {
            field,
            reason: "empty; allowed: a text that says it".into(),
        })
    } else if text.chars().count() > 4000 {
        Err(Rejection::InvalidInput {
            field,
            reason: format!("{} characters; allowed: at most 4000", text.chars().count()),
        })
    } else {
        Ok(())
    }
}

/// The one transition: the events `command`, given on `now`, records in
/// `state`, or why it is refused.
pub fn decide(
    state: &State,
    command: Command,
    now: Date,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Rejection> {
    let state_name = state.phase.map_or("not_filed", Phase::as_str);
    let not_allowed = |reason: &str| Rejection::NotAllowed {
        state: state_name,
        command: command.name(),
        reason: reason.into(),
    };
    if let Some(last) = state.last_event_on
        && now < last
    {
        return Err(Rejection::BeforeLastEvent {
            now,
            last_event_on: last,
        });
    }
    let ev = |change| Ok(vec![Event { on: now, change }]);
    let Some(phase) = state.phase else {
        return match command {
            Command::File {
                channel,
                category,
                summary,
                sensitive,
            } => {
                text_required("summary", &summary)?;
                let category = ctx.catalogue.category(&category)?.clone();
                ev(Change::Filed {
                    channel,
                    category,
                    summary,
                    sensitive,
                })
            }
            _ => Err(not_allowed("no ticket has been filed")),
        };
    };
    if phase == Phase::Closed && !matches!(command, Command::Reopen { .. }) {
        return Err(Rejection::Closed {
            state: phase.as_str(),
            command: command.name(),
        });
    }
    match (phase, &command) {
        (_, Command::File { .. }) => Err(not_allowed("the ticket is already filed")),
        (Phase::Received, Command::Triage { category, note }) => {
            let category = ctx.catalogue.category(category)?.clone();
            ev(Change::Triaged {
                category,
                note: note.clone(),
            })
        }
        (_, Command::Triage { .. }) => Err(not_allowed("the ticket is already accepted")),
        (Phase::Received, _)
            if !matches!(
                command,
                Command::Escalate { .. } | Command::ConsentToDisclosure
            ) =>
        {
            Err(not_allowed(
                "the front desk accepts (triages) the ticket first",
            ))
        }
        (
            Phase::Triaged | Phase::InMediation | Phase::Reopened,
            Command::RecordSession {
                mediator,
                held_on,
                channel,
                outcome,
                note,
            },
        ) => {
            text_required("mediator", mediator)?;
            if *held_on > now || state.accepted_on.is_some_and(|a| *held_on < a) {
                return Err(Rejection::InvalidInput {
                    field: "held_on",
                    reason: format!("{held_on}; allowed: from the acceptance to today ({now})"),
                });
            }
            ev(Change::SessionRecorded {
                session: Session {
                    mediator: mediator.clone(),
                    held_on: *held_on,
                    channel: *channel,
                    outcome: *outcome,
                    note: note.clone(),
                },
            })
        }
        (Phase::InMediation, Command::ExtendMediation { days, reason }) => {
            text_required("reason", reason)?;
            let limit = state
                .category
                .as_ref()
                .and_then(|c| c.mediation.as_ref())
                .ok_or_else(|| not_allowed("the category has no mediation limit to extend"))?;
            let most = limit.extension_days - state.mediation_extended_days;
            if *days <= 0 || *days > most {
                return Err(Rejection::InvalidInput {
                    field: "days",
                    reason: format!(
                        "{days}; allowed: 1 to {most} ({} allows {} days of extension in all)",
                        limit.citation(),
                        limit.extension_days
                    ),
                });
            }
            ev(Change::MediationExtended {
                days: *days,
                reason: reason.clone(),
            })
        }
        (
            Phase::Triaged | Phase::InMediation | Phase::Reopened,
            Command::Refer {
                body,
                appointment_on,
                note,
            },
        )
        | (
            Phase::Referred,
            Command::Refer {
                body,
                appointment_on,
                note,
            },
        ) => {
            if phase == Phase::Referred
                && state
                    .referral()
                    .is_some_and(|r| r.declined.is_none() && r.concluded.is_none())
            {
                return Err(not_allowed(
                    "the running referral has not been declined or concluded",
                ));
            }
            if *appointment_on < now {
                return Err(Rejection::InvalidInput {
                    field: "appointment_on",
                    reason: format!("{appointment_on}; allowed: today ({now}) or later"),
                });
            }
            let body = ctx.catalogue.body(body)?.clone();
            let kind = ctx.catalogue.body_kind(&body.kind)?.clone();
            ev(Change::Referred {
                body,
                kind,
                appointment_on: *appointment_on,
                note: note.clone(),
            })
        }
        (Phase::Referred, Command::ReportReferral { report }) => {
            let r = state
                .referral()
                .ok_or_else(|| not_allowed("no running referral"))?;
            if r.declined.is_some() || r.concluded.is_some() {
                return Err(not_allowed("the referral has already ended"));
            }
            match report {
                ReferralReport::Accepted if r.accepted_on.is_some() => {
                    return Err(Rejection::AlreadyDone {
                        command: "report_referral accepted",
                        on: r.accepted_on.unwrap_or(now),
                        article: "once per referral",
                    });
                }
                ReferralReport::Declined { reason } => text_required("reason", reason)?,
                ReferralReport::Concluded { outcome } => text_required("outcome", outcome)?,
                ReferralReport::Extended { days } => {
                    let most = r.kind.decide.extension_days - r.extended_days;
                    if r.accepted_on.is_none() && r.kind.accept.is_some() {
                        return Err(not_allowed("the body has not accepted the referral yet"));
                    }
                    if *days <= 0 || *days > most {
                        return Err(Rejection::InvalidInput {
                            field: "days",
                            reason: format!(
                                "{days}; allowed: 1 to {most} ({} allows {} days of extension)",
                                r.kind.decide.citation(),
                                r.kind.decide.extension_days
                            ),
                        });
                    }
                }
                ReferralReport::Reviewed { .. } => {
                    return Err(not_allowed(
                        "only a mediation agreement sent for review is confirmed or not",
                    ));
                }
                ReferralReport::Accepted => {}
            }
            ev(Change::ReferralReported {
                report: report.clone(),
            })
        }
        (
            Phase::Settled,
            Command::RequestReview {
                body,
                appointment_on,
                note,
            },
        ) => {
            let s = state
                .settlement
                .as_ref()
                .ok_or_else(|| not_allowed("no mediation agreement"))?;
            let wanted = match s.confirmation {
                Confirmation::None => {
                    return Err(not_allowed(
                        "the parties did not ask for the agreement to be reviewed or confirmed",
                    ));
                }
                Confirmation::ArbitrationReview => "labour_arbitration",
                Confirmation::CourtConfirmation => "court",
            };
            if state.running_review().is_some()
                || state.referrals.iter().any(|r| {
                    r.purpose == ReferralPurpose::Review
                        && r.referred_on >= s.on
                        && r.confirmed == Some(true)
                })
            {
                return Err(not_allowed(
                    "the agreement is already with a body or already confirmed",
                ));
            }
            if s.confirmation == Confirmation::ArbitrationReview {
                let limit = review_request_limit();
                let last = TicketDeadline::count(
                    ctx.calendar,
                    DeadlineKind::ReviewRequest,
                    s.on,
                    &limit,
                    0,
                )?
                .due;
                if now > last {
                    return Err(not_allowed(&format!(
                        "the joint request for arbitration review had to be made by {last} ({})",
                        limit.citation()
                    )));
                }
            }
            if *appointment_on < now {
                return Err(Rejection::InvalidInput {
                    field: "appointment_on",
                    reason: format!("{appointment_on}; allowed: today ({now}) or later"),
                });
            }
            let body = ctx.catalogue.body(body)?.clone();
            if body.kind != wanted {
                return Err(Rejection::InvalidInput {
                    field: "body",
                    reason: format!(
                        "{} is a {}; allowed: a body of kind {wanted} for this agreement",
                        body.key, body.kind
                    ),
                });
            }
            let kind = ctx.catalogue.body_kind(&body.kind)?.clone();
            ev(Change::ReviewRequested {
                body,
                kind,
                appointment_on: *appointment_on,
                note: note.clone(),
            })
        }
        (Phase::Settled, Command::ReportReferral { report }) => {
            let r = state
                .running_review()
                .ok_or_else(|| not_allowed("no review of the agreement is running"))?;
            match report {
                ReferralReport::Accepted if r.accepted_on.is_some() => {
                    return Err(Rejection::AlreadyDone {
                        command: "report_referral accepted",
                        on: r.accepted_on.unwrap_or(now),
                        article: "once per referral",
                    });
                }
                ReferralReport::Accepted => {}
                ReferralReport::Declined { reason } => text_required("reason", reason)?,
                ReferralReport::Reviewed { confirmed, note } => {
                    if !confirmed {
                        text_required("outcome", note)?;
                    }
                }
                ReferralReport::Extended { .. } | ReferralReport::Concluded { .. } => {
                    return Err(not_allowed(
                        "a review is answered by accepting it, confirming the agreement or not, or declining it",
                    ));
                }
            }
            ev(Change::ReferralReported {
                report: report.clone(),
            })
        }
        (
            Phase::InMediation,
            Command::Settle {
                agreement,
                confirmation,
            },
        ) => {
            text_required("agreement", agreement)?;
            if !state
                .sessions
                .last()
                .is_some_and(|s| s.outcome == SessionOutcome::Agreed)
            {
                return Err(not_allowed(
                    "the last mediation session did not end in agreement",
                ));
            }
            ev(Change::Settled {
                agreement: agreement.clone(),
                confirmation: *confirmation,
            })
        }
        (
            _,
            Command::Close {
                resolution,
                satisfaction,
            },
        ) => {
            text_required("resolution", resolution)?;
            if state.running_review().is_some() {
                return Err(not_allowed(
                    "the body reviewing the agreement has not answered",
                ));
            }
            if phase == Phase::Referred
                && state
                    .referral()
                    .is_some_and(|r| r.declined.is_none() && r.concluded.is_none())
            {
                return Err(not_allowed(
                    "the referred body has not reported a conclusion or a refusal",
                ));
            }
            ev(Change::Closed {
                resolution: resolution.clone(),
                satisfaction: *satisfaction,
            })
        }
        (Phase::Closed, Command::Reopen { reason }) => {
            text_required("reason", reason)?;
            let days = ctx.catalogue.reopen.days;
            let last = reopen_last_day(state, days).unwrap_or(now);
            if now > last {
                return Err(not_allowed(&format!(
                    "the window to reopen ended on {last} ({days} days after closing; assumed)"
                )));
            }
            ev(Change::Reopened {
                reason: reason.clone(),
            })
        }
        (_, Command::Escalate { kind, level }) => {
            let due =
                due_escalations(state, ctx.calendar, now, ctx.catalogue.escalation.near_days)?;
            match due.iter().find(|(d, l)| d.kind == *kind && l == level) {
                Some((d, _)) => ev(Change::Escalated {
                    kind: *kind,
                    level: *level,
                    due: d.due,
                }),
                None => Err(not_allowed(&format!(
                    "no {kind} deadline is {level} and not yet escalated"
                ))),
            }
        }
        (_, Command::ConsentToDisclosure) => {
            if !state.sensitive || state.disclosure_consented {
                return Err(not_allowed(
                    "the complainant is already visible to the other party",
                ));
            }
            ev(Change::DisclosureConsented)
        }
        _ => Err(not_allowed("the command does not fit the ticket's state")),
    }
}
