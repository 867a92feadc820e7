//! The rights-protection service centre's use cases: tickets (诉求) filed
//! from every channel, triaged, mediated, referred, settled, closed,
//! reopened and escalated, each through `gongshang_domain::ticket::decide`
//! and persisted in one store call with its snapshot.
//!
//! Who sees a ticket (the actor's scope): staff every ticket; a worker the
//! tickets filed for their identity; a unit the tickets against it, with
//! the complainant hidden while a sensitive ticket is not disclosed; a
//! partner body only the tickets ever referred to it.
//!
//! The QR form is the one use case without an actor: whoever scans the
//! code files a ticket and gets its number and a lookup code (8 random
//! characters, stored as their BLAKE2s hash) to follow it.

use std::sync::OnceLock;

use gongshang_domain::coverage;
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::ticket::{
    self, Catalogue, Change, Channel, Command, Confirmation, Context, DeadlineKind,
    EscalationLevel, Event, Phase, ReferralReport, Satisfaction, ServicePoint, SessionChannel,
    SessionOutcome, State, TicketDeadline,
};
use gongshang_store::tickets::{
    NewTicket, NewTicketEvent, ReferralRow, SessionRow, StoredTicketEvent, SubjectKind,
    TicketAppend, TicketDeadlineRow, TicketFilter, TicketRow, TicketSnapshot, TicketStats,
};
use jiff::civil::Date;
use password_hash::rand_core::{OsRng, RngCore};
use serde::Serialize;

use crate::App;
use crate::accounts::secret_hash;
use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;

/// The shipped catalogue of the service centre (categories, bodies,
/// service points), parsed once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        // The file is compiled in and checked by the domain's tests; a
        // broken one fails every ticket test at once.
        Catalogue::embedded().unwrap_or_else(|e| panic!("the shipped service centre file: {e}"))
    })
}

/// The public QR form's name in the audit log.
pub const QR_FORM_ACTOR: &str = "public:qr-form";

/// A ticket as people write it (the window's form, the QR form, the API).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketInput {
    /// `window` or `phone` (staff); ignored for the QR form and one's own
    /// page, whose channel is known.
    pub channel: Option<String>,
    pub category: String,
    pub summary: String,
    pub complainant_name: String,
    pub complainant_phone: Option<String>,
    /// The complainant's identity number (optional on the QR form).
    pub resident_id: Option<String>,
    /// The other party: an employer's or platform's credit code.
    pub unit: Option<String>,
    pub platform: Option<String>,
    pub district: Option<String>,
    pub industry: Option<String>,
    /// A case number this ticket is about.
    pub case_number: Option<String>,
    /// Or a bill's reference.
    pub bill: Option<String>,
    /// Or an enrolment's number.
    pub enrollment: Option<String>,
    pub sensitive: bool,
}

/// A ticket just filed: its number and the lookup code, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FiledTicket {
    pub number: String,
    pub lookup_code: String,
    pub ticket: TicketView,
}

/// A command on a ticket, as people give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TicketAction {
    Triage {
        category: String,
        note: String,
    },
    RecordSession {
        held_on: Option<Date>,
        channel: SessionChannel,
        outcome: SessionOutcome,
        note: String,
    },
    ExtendMediation {
        days: i64,
        reason: String,
    },
    Refer {
        body: String,
        appointment_on: Date,
        note: String,
    },
    ReportReferral(ReferralReport),
    /// Send the mediation agreement to a named body for review or
    /// confirmation, as the parties want.
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
    ConsentToDisclosure,
}

impl TicketAction {
    /// The permission the command needs.
    pub fn action(&self) -> Action {
        match self {
            TicketAction::Triage { .. } => Action::TriageTicket,
            TicketAction::RecordSession { .. }
            | TicketAction::ExtendMediation { .. }
            | TicketAction::Settle { .. } => Action::MediateTicket,
            TicketAction::Refer { .. } | TicketAction::RequestReview { .. } => Action::ReferTicket,
            TicketAction::ReportReferral(_) => Action::ReportReferral,
            TicketAction::Close { .. } | TicketAction::Reopen { .. } => Action::CloseTicket,
            TicketAction::ConsentToDisclosure => Action::ConsentToDisclosure,
        }
    }
}

/// One line of a ticket's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketHistoryLine {
    pub seq: i64,
    pub on: Date,
    pub kind: String,
    pub actor: String,
}

/// A ticket as a reader in scope sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketView {
    pub row: TicketRow,
    pub category_name_zh: String,
    pub category_name_en: String,
    /// The complainant is hidden from this reader (a sensitive ticket seen
    /// by the other party before the worker agreed).
    pub complainant_hidden: bool,
    pub deadlines: Vec<TicketDeadline>,
    pub sessions: Vec<SessionRow>,
    pub referrals: Vec<ReferralRow>,
    pub history: Vec<TicketHistoryLine>,
    /// The settlement's text and where it goes, once settled.
    pub agreement: Option<(Date, String, Confirmation)>,
    /// The resolution, once closed.
    pub resolution: Option<String>,
    /// The last day to reopen, once closed.
    pub reopen_until: Option<Date>,
}

/// What an escalation run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EscalationRun {
    pub checked: u64,
    /// (ticket number, deadline, level, due)
    pub escalated: Vec<(String, DeadlineKind, EscalationLevel, Date)>,
}

/// The dashboard: counts and the rates derived from them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketDashboard {
    pub stats: TicketStats,
    /// Closed without a deadline ever overdue, per mille of closed.
    pub on_time_per_mille: Option<u64>,
    /// Settled per mille of mediated.
    pub mediation_success_per_mille: Option<u64>,
    pub overdue: Vec<TicketRow>,
}

fn lookup_code() -> String {
    // 8 characters of an alphabet without 0/O and 1/I/L: read aloud on the
    // phone and typed on a phone.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 8];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

fn opt(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn per_mille(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part * 1000 + whole / 2) / whole)
}

fn event_kind(e: &Event) -> &'static str {
    match &e.change {
        Change::Filed { .. } => "filed",
        Change::Triaged { .. } => "triaged",
        Change::SessionRecorded { .. } => "session_recorded",
        Change::MediationExtended { .. } => "mediation_extended",
        Change::Referred { .. } => "referred",
        Change::ReferralReported { .. } => "referral_reported",
        Change::ReviewRequested { .. } => "review_requested",
        Change::Settled { .. } => "settled",
        Change::Closed { .. } => "closed",
        Change::Reopened { .. } => "reopened",
        Change::Escalated { .. } => "escalated",
        Change::DisclosureConsented => "disclosure_consented",
    }
}

fn decode(events: &[StoredTicketEvent]) -> Result<Vec<Event>, AppError> {
    events
        .iter()
        .map(|e| {
            serde_json::from_str::<Event>(&e.body).map_err(|err| {
                AppError::Store(gongshang_store::StoreError::InvalidData {
                    field: "ticket_event",
                    reason: format!("event {} does not read back: {err}", e.seq),
                })
            })
        })
        .collect()
}

fn encode(events: &[Event]) -> Result<Vec<NewTicketEvent>, AppError> {
    events
        .iter()
        .map(|e| {
            Ok(NewTicketEvent {
                kind: event_kind(e).to_owned(),
                on: e.on,
                body: serde_json::to_string(e)
                    .map_err(|err| AppError::invalid("event", err.to_string()))?,
            })
        })
        .collect()
}

impl App {
    fn ticket_today(&self) -> Date {
        coverage::date_in_china(self.now())
    }

    fn ticket_ctx<'a>(&self, calendar: &'a gongshang_domain::HolidayCalendar) -> Context<'a> {
        Context {
            calendar,
            catalogue: catalogue(),
        }
    }

    /// The snapshot the store keeps of a folded ticket.
    fn ticket_snapshot(&self, state: &State) -> Result<TicketSnapshot, AppError> {
        let calendar = self.calendar();
        let category = state
            .category
            .as_ref()
            .ok_or_else(|| AppError::invalid("category", "a ticket without a category"))?;
        let deadlines = ticket::deadlines(state, &calendar)?;
        let escalation = state
            .escalations
            .iter()
            .filter(|(kind, _, due)| deadlines.iter().any(|d| d.kind == *kind && d.due == *due))
            .map(|(_, level, _)| *level)
            .max();
        Ok(TicketSnapshot {
            state: state.phase.unwrap_or(Phase::Received),
            category: category.key.clone(),
            tier: category.tier,
            priority: category.priority,
            sensitive: state.sensitive,
            disclosed: state.disclosure_consented,
            mediated: !state.sessions.is_empty(),
            settled: state.settlement.is_some(),
            overdue_ever: state
                .escalations
                .iter()
                .any(|(_, l, _)| *l == EscalationLevel::Overdue),
            escalation,
            satisfaction: state.closing.as_ref().map(|c| c.satisfaction),
            closed_on: state.closing.as_ref().map(|c| c.on),
            deadline: deadlines.first().map(|d| TicketDeadlineRow {
                kind: d.kind,
                due: d.due,
                citation: d.citation.clone(),
            }),
            referrals: state
                .referrals
                .iter()
                .enumerate()
                .map(|(n, r)| ReferralRow {
                    n: i64::try_from(n).unwrap_or(0) + 1,
                    body: r.body.key.clone(),
                    body_kind: r.kind.key.clone(),
                    referred_on: r.referred_on,
                    appointment_on: r.appointment_on,
                    status: r.status(),
                    accepted_on: r.accepted_on,
                    outcome: r
                        .concluded
                        .as_ref()
                        .map(|(_, o)| o.clone())
                        .or_else(|| r.declined.clone()),
                    purpose: r.purpose,
                    confirmed: r.confirmed,
                })
                .collect(),
            sessions: state
                .sessions
                .iter()
                .enumerate()
                .map(|(n, s)| SessionRow {
                    n: i64::try_from(n).unwrap_or(0) + 1,
                    mediator: s.mediator.clone(),
                    held_on: s.held_on,
                    channel: s.channel,
                    outcome: s.outcome,
                })
                .collect(),
        })
    }

    /// Whether the ticket is in the actor's scope.
    fn reaches_ticket(&self, actor: &Actor, row: &TicketRow) -> Result<bool, AppError> {
        Ok(match &actor.scope {
            Scope::All => true,
            Scope::Unit { unit, .. } => row.unit.as_ref() == Some(unit),
            Scope::Person(p) => row.person.as_ref() == Some(p),
            Scope::Partner(body) => {
                row.referred_body.as_deref() == Some(body.as_str())
                    || self
                        .store
                        .ticket_referrals(row.id)?
                        .iter()
                        .any(|r| &r.body == body)
            }
            Scope::StatisticsOnly => false,
        })
    }

    fn ticket_row(&self, actor: &Actor, number: &str) -> Result<TicketRow, AppError> {
        let row = self.store.ticket_by_number(number.trim())?;
        match row {
            Some(row) if self.reaches_ticket(actor, &row)? => Ok(row),
            _ => Err(AppError::NotFound {
                entity: "ticket",
                key: number.to_owned(),
            }),
        }
    }

    fn ticket_view(&self, row: TicketRow, hide: bool) -> Result<TicketView, AppError> {
        let stored = self.store.ticket_events(row.id)?;
        let events = decode(&stored)?;
        let state = State::from_events(&events);
        let calendar = self.calendar();
        let deadlines = ticket::deadlines(&state, &calendar)?;
        let category = catalogue().category(&row.category).ok();
        let hidden = hide && !state.complainant_visible_to_other_party();
        let mut row = row;
        if hidden {
            row.complainant_name = "（申请人信息已保护）".into();
            row.complainant_phone = None;
            row.person = None;
        }
        Ok(TicketView {
            category_name_zh: category.map_or(row.category.clone(), |c| c.name_zh.clone()),
            category_name_en: category.map_or(row.category.clone(), |c| c.name_en.clone()),
            complainant_hidden: hidden,
            deadlines,
            sessions: self.store.ticket_sessions(row.id)?,
            referrals: self.store.ticket_referrals(row.id)?,
            history: stored
                .iter()
                .map(|e| TicketHistoryLine {
                    seq: e.seq,
                    on: e.on,
                    kind: e.kind.clone(),
                    actor: if hidden && e.actor.starts_with("worker:") {
                        String::new()
                    } else {
                        e.actor.clone()
                    },
                })
                .collect(),
            agreement: state
                .settlement
                .as_ref()
                .map(|s| (s.on, s.agreement.clone(), s.confirmation)),
            resolution: state.closing.as_ref().map(|c| c.resolution.clone()),
            reopen_until: ticket::reopen_last_day(&state, catalogue().reopen.days),
            row,
        })
    }

    /// The other party of a sensitive ticket does not see who complained.
    fn hides_complainant_from(actor: &Actor) -> bool {
        matches!(actor.scope, Scope::Unit { .. })
    }

    /// What the ticket is about (a case, a bill or an enrolment, at most
    /// one), checked to exist and, for a worker or a unit filing, to be
    /// theirs (answered as not found otherwise, like any record out of
    /// scope). `by` is `None` for the system's own tickets.
    fn ticket_subject(
        &self,
        by: Option<&Actor>,
        input: &TicketInput,
    ) -> Result<Option<(SubjectKind, String)>, AppError> {
        let given: Vec<(SubjectKind, String)> = [
            (SubjectKind::Case, opt(&input.case_number)),
            (SubjectKind::Bill, opt(&input.bill)),
            (SubjectKind::Enrollment, opt(&input.enrollment)),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        let (kind, key) = match given.as_slice() {
            [] => return Ok(None),
            [one] => one.clone(),
            _ => {
                return Err(AppError::invalid(
                    "subject",
                    "a case, a bill and an enrolment at once; allowed: at most one of case_number, bill, enrollment",
                ));
            }
        };
        let reached = match kind {
            SubjectKind::Case => self
                .store
                .case_by_number(&key)?
                .is_some_and(|c| by.is_none_or(|a| crate::cases::reaches_case(a, &c))),
            SubjectKind::Bill => self.store.bill_by_reference(&key)?.is_some_and(|b| {
                by.is_none_or(|a| match &b.person {
                    Some(p) => a.reaches(p, b.status.unit.as_ref()),
                    None => a.reaches_unit(b.status.unit.as_ref()),
                })
            }),
            SubjectKind::Enrollment => {
                let id = key.parse::<i64>().map_err(|_| {
                    AppError::invalid(
                        "enrollment",
                        format!("{key:?}; allowed: an enrolment's number"),
                    )
                })?;
                self.store
                    .enrollment(id)?
                    .is_some_and(|e| by.is_none_or(|a| a.reaches(&e.person, e.unit.as_ref())))
            }
        };
        if !reached {
            return Err(AppError::NotFound {
                entity: match kind {
                    SubjectKind::Case => "case",
                    SubjectKind::Bill => "bill",
                    SubjectKind::Enrollment => "enrollment",
                },
                key,
            });
        }
        Ok(Some((kind, key)))
    }

    fn new_ticket(
        &self,
        by: Option<&Actor>,
        input: &TicketInput,
        channel: Channel,
        person: Option<ResidentId>,
        unit: Option<CreditCode>,
        audit: &str,
    ) -> Result<FiledTicket, AppError> {
        let today = self.ticket_today();
        let name = input.complainant_name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "complainant_name",
                "empty or longer than 100 characters; allowed: the name of whoever asks for help",
            ));
        }
        let phone = opt(&input.complainant_phone);
        if let Some(p) = &phone
            && (p.len() < 5 || p.len() > 20 || !p.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        {
            return Err(AppError::invalid(
                "complainant_phone",
                format!("{p:?}; allowed: 5 to 20 digits or -"),
            ));
        }
        let subject = self.ticket_subject(by, input)?;
        let district = opt(&input.district);
        if let Some(d) = &district
            && d.chars().count() > 20
        {
            return Err(AppError::invalid(
                "district",
                format!("{d:?}; allowed: a district name of at most 20 characters"),
            ));
        }
        let state = State::default();
        let calendar = self.calendar();
        let events = ticket::decide(
            &state,
            Command::File {
                channel,
                category: input.category.trim().to_owned(),
                summary: input.summary.trim().to_owned(),
                sensitive: input.sensitive,
            },
            today,
            &self.ticket_ctx(&calendar),
        )
        .map_err(AppError::Rejected)?;
        let folded = State::from_events(&events);
        let code = lookup_code();
        let row = self.store.create_ticket(
            &NewTicket {
                lookup_hash: secret_hash(&code),
                channel,
                complainant_name: name.to_owned(),
                complainant_phone: phone,
                person,
                unit,
                platform: opt(&input.platform),
                district,
                industry: opt(&input.industry),
                subject,
                summary: input.summary.trim().to_owned(),
                filed_on: today,
            },
            &TicketAppend {
                expected_version: 0,
                events: encode(&events)?,
                snapshot: self.ticket_snapshot(&folded)?,
            },
            audit,
            self.now(),
        )?;
        Ok(FiledTicket {
            number: row.number.clone(),
            lookup_code: code,
            ticket: self.ticket_view(row, false)?,
        })
    }

    /// Files a ticket: staff for a caller at the window or on the phone, a
    /// worker for themself (their identity), a unit against nobody but as
    /// the asker (its own code).
    pub fn file_ticket(&self, actor: &Actor, input: &TicketInput) -> Result<FiledTicket, AppError> {
        actor.authorize(Action::FileTicket)?;
        let parse_person = |s: &Option<String>| -> Result<Option<ResidentId>, AppError> {
            opt(s)
                .map(|s| ResidentId::parse(&s).map_err(AppError::from))
                .transpose()
        };
        let parse_unit = |s: &Option<String>| -> Result<Option<CreditCode>, AppError> {
            opt(s)
                .map(|s| CreditCode::parse(&s).map_err(AppError::from))
                .transpose()
        };
        let (channel, person, unit) = match &actor.scope {
            Scope::Person(me) => (Channel::WorkerPage, Some(*me), parse_unit(&input.unit)?),
            Scope::Unit { unit, .. } => (
                Channel::UnitPage,
                parse_person(&input.resident_id)?,
                Some(*unit),
            ),
            _ => {
                let channel = match opt(&input.channel).as_deref() {
                    None | Some("window") => Channel::Window,
                    Some("phone") => Channel::Phone,
                    Some(other) => {
                        return Err(AppError::invalid(
                            "channel",
                            format!("{other:?}; allowed for staff: window, phone"),
                        ));
                    }
                };
                (
                    channel,
                    parse_person(&input.resident_id)?,
                    parse_unit(&input.unit)?,
                )
            }
        };
        self.new_ticket(
            Some(actor),
            input,
            channel,
            person,
            unit,
            &actor.audit_name(),
        )
    }

    /// The QR code's form: no login. The answer carries the number and the
    /// lookup code, the only way to follow the ticket without an account.
    pub fn submit_qr_ticket(&self, input: &TicketInput) -> Result<FiledTicket, AppError> {
        let person = opt(&input.resident_id)
            .map(|s| ResidentId::parse(&s))
            .transpose()?;
        let unit = opt(&input.unit)
            .map(|s| CreditCode::parse(&s))
            .transpose()?;
        let mut input = input.clone();
        // A case, bill or enrolment is not checked against anything the
        // public may read: the staff link it once they know who asks.
        input.case_number = None;
        input.bill = None;
        input.enrollment = None;
        self.new_ticket(None, &input, Channel::QrForm, person, unit, QR_FORM_ACTOR)
    }

    /// Follows a ticket by its number and lookup code (no login); a wrong
    /// code is answered as not found, like an unknown number.
    pub fn follow_ticket(&self, number: &str, code: &str) -> Result<TicketView, AppError> {
        let not_found = || AppError::NotFound {
            entity: "ticket",
            key: number.to_owned(),
        };
        let row = self
            .store
            .ticket_by_number(number.trim())?
            .ok_or_else(not_found)?;
        let given = secret_hash(&code.trim().to_ascii_uppercase());
        if !constant_time_eq(given.as_bytes(), row.lookup_hash.as_bytes()) {
            return Err(not_found());
        }
        self.ticket_view(row, false)
    }

    /// A ticket in the actor's scope, with its history.
    pub fn ticket(&self, actor: &Actor, number: &str) -> Result<TicketView, AppError> {
        actor.authorize(Action::ReadTickets)?;
        let row = self.ticket_row(actor, number)?;
        self.ticket_view(row, Self::hides_complainant_from(actor))
    }

    /// The tickets in the actor's scope: the queue (open, by deadline) or
    /// all of them.
    pub fn ticket_list(
        &self,
        actor: &Actor,
        open_only: bool,
        limit: u32,
    ) -> Result<Vec<TicketRow>, AppError> {
        actor.authorize(Action::ReadTickets)?;
        let mut filter = TicketFilter {
            open_only,
            limit,
            ..TicketFilter::default()
        };
        match &actor.scope {
            Scope::All => {}
            Scope::Unit { unit, .. } => filter.unit = Some(*unit),
            Scope::Person(p) => filter.person = Some(*p),
            Scope::Partner(body) => filter.referred_to = Some(body.clone()),
            Scope::StatisticsOnly => {
                return Err(AppError::Forbidden {
                    action: Action::ReadTickets,
                });
            }
        }
        let mut rows = self.store.list_tickets(&filter)?;
        if Self::hides_complainant_from(actor) {
            for r in rows.iter_mut().filter(|r| r.sensitive && !r.disclosed) {
                r.complainant_name = "（申请人信息已保护）".into();
                r.complainant_phone = None;
                r.person = None;
            }
        }
        Ok(rows)
    }

    /// The tickets in the actor's scope about some cases, bills or
    /// enrolments (for the subject's own page), the most urgent first.
    pub fn tickets_about(
        &self,
        actor: &Actor,
        kind: SubjectKind,
        keys: &[String],
    ) -> Result<Vec<TicketRow>, AppError> {
        actor.authorize(Action::ReadTickets)?;
        let mut filter = TicketFilter {
            subject: Some((kind, keys.to_vec())),
            limit: 500,
            ..TicketFilter::default()
        };
        match &actor.scope {
            Scope::All => {}
            Scope::Unit { unit, .. } => filter.unit = Some(*unit),
            Scope::Person(p) => filter.person = Some(*p),
            Scope::Partner(body) => filter.referred_to = Some(body.clone()),
            Scope::StatisticsOnly => {
                return Err(AppError::Forbidden {
                    action: Action::ReadTickets,
                });
            }
        }
        let mut rows = self.store.list_tickets(&filter)?;
        if Self::hides_complainant_from(actor) {
            for r in rows.iter_mut().filter(|r| r.sensitive && !r.disclosed) {
                r.complainant_name = "（申请人信息已保护）".into();
                r.complainant_phone = None;
                r.person = None;
            }
        }
        Ok(rows)
    }

    /// A command on a ticket, decided on the version read and appended at
    /// it (a ticket that moved on meanwhile is a `conflict`).
    pub fn act_on_ticket(
        &self,
        actor: &Actor,
        number: &str,
        action: TicketAction,
    ) -> Result<TicketView, AppError> {
        actor.authorize(action.action())?;
        let row = self.ticket_row(actor, number)?;
        if let Scope::Partner(body) = &actor.scope
            && row.referred_body.as_deref() != Some(body.as_str())
        {
            // A partner reports only on the referral running with it.
            return Err(AppError::OutOfScope {
                field: "body",
                reason: format!("ticket {number} is not referred to {body} now"),
            });
        }
        if matches!(action, TicketAction::ConsentToDisclosure)
            && !matches!(&actor.scope, Scope::Person(p) if row.person.as_ref() == Some(p))
        {
            return Err(AppError::OutOfScope {
                field: "person",
                reason: "only the worker who complained agrees to be shown".into(),
            });
        }
        let stored = self.store.ticket_events(row.id)?;
        let state = State::from_events(&decode(&stored)?);
        let today = self.ticket_today();
        let command = match action {
            TicketAction::Triage { category, note } => Command::Triage { category, note },
            TicketAction::RecordSession {
                held_on,
                channel,
                outcome,
                note,
            } => Command::RecordSession {
                mediator: actor.login.clone(),
                held_on: held_on.unwrap_or(today),
                channel,
                outcome,
                note,
            },
            TicketAction::ExtendMediation { days, reason } => {
                Command::ExtendMediation { days, reason }
            }
            TicketAction::Refer {
                body,
                appointment_on,
                note,
            } => Command::Refer {
                body,
                appointment_on,
                note,
            },
            TicketAction::ReportReferral(report) => Command::ReportReferral { report },
            TicketAction::RequestReview {
                body,
                appointment_on,
                note,
            } => Command::RequestReview {
                body,
                appointment_on,
                note,
            },
            TicketAction::Settle {
                agreement,
                confirmation,
            } => Command::Settle {
                agreement,
                confirmation,
            },
            TicketAction::Close {
                resolution,
                satisfaction,
            } => Command::Close {
                resolution,
                satisfaction,
            },
            TicketAction::Reopen { reason } => Command::Reopen { reason },
            TicketAction::ConsentToDisclosure => Command::ConsentToDisclosure,
        };
        let calendar = self.calendar();
        let events = ticket::decide(&state, command, today, &self.ticket_ctx(&calendar))
            .map_err(AppError::Rejected)?;
        let mut folded = state;
        for e in &events {
            folded.apply(e);
        }
        let row = self.store.append_ticket_events(
            row.id,
            &TicketAppend {
                expected_version: row.version,
                events: encode(&events)?,
                snapshot: self.ticket_snapshot(&folded)?,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        self.ticket_view(row, Self::hides_complainant_from(actor))
    }

    /// Marks every open ticket whose running deadline is near (within the
    /// catalogue's days) or passed: one `escalated` event per deadline and
    /// level, so running it again the same day adds nothing.
    pub fn escalate_tickets(&self, actor: &Actor) -> Result<EscalationRun, AppError> {
        actor.authorize(Action::EscalateTickets)?;
        let today = self.ticket_today();
        let calendar = self.calendar();
        let near = catalogue().escalation.near_days;
        let rows = self.store.list_tickets(&TicketFilter {
            open_only: true,
            due_by: Some(
                today
                    .checked_add(jiff::Span::new().days(near))
                    .unwrap_or(today),
            ),
            limit: 10_000,
            ..TicketFilter::default()
        })?;
        let mut run = EscalationRun::default();
        for row in rows {
            run.checked += 1;
            let stored = self.store.ticket_events(row.id)?;
            let mut state = State::from_events(&decode(&stored)?);
            let due = ticket::due_escalations(&state, &calendar, today, near)?;
            if due.is_empty() {
                continue;
            }
            let mut events = Vec::new();
            for (d, level) in due {
                let mut e = ticket::decide(
                    &state,
                    Command::Escalate {
                        kind: d.kind,
                        level,
                    },
                    today,
                    &self.ticket_ctx(&calendar),
                )
                .map_err(AppError::Rejected)?;
                for ev in &e {
                    state.apply(ev);
                }
                run.escalated
                    .push((row.number.clone(), d.kind, level, d.due));
                events.append(&mut e);
            }
            self.store.append_ticket_events(
                row.id,
                &TicketAppend {
                    expected_version: row.version,
                    events: encode(&events)?,
                    snapshot: self.ticket_snapshot(&state)?,
                },
                &actor.audit_name(),
                self.now(),
            )?;
        }
        Ok(run)
    }

    /// "Dispute this": a ticket raised by the system for a case in the
    /// actor's scope, linked to it, in the injury-decision category.
    pub fn dispute_case(
        &self,
        actor: &Actor,
        case_number: &str,
        summary: &str,
    ) -> Result<FiledTicket, AppError> {
        actor.authorize(Action::FileTicket)?;
        actor.authorize(Action::ReadCase)?;
        let case = self
            .store
            .case_by_number(case_number)?
            .filter(|c| crate::cases::reaches_case(actor, c))
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: case_number.to_owned(),
            })?;
        let person = self.store.person_by_resident_id(&case.person)?;
        let input = TicketInput {
            category: "injury_decision_dispute".into(),
            summary: if summary.trim().is_empty() {
                format!("对案件 {} 的结果有异议", case.number)
            } else {
                summary.to_owned()
            },
            complainant_name: person.map_or_else(|| case.person.masked(), |p| p.name),
            case_number: Some(case.number.clone()),
            sensitive: true,
            ..TicketInput::default()
        };
        self.new_ticket(
            Some(actor),
            &input,
            Channel::System,
            Some(case.person),
            case.unit,
            &actor.audit_name(),
        )
    }

    /// The service centre's dashboard (no personal data beyond the overdue
    /// list's numbers and categories).
    pub fn ticket_dashboard(&self, actor: &Actor) -> Result<TicketDashboard, AppError> {
        actor.authorize(Action::ReadTicketStatistics)?;
        let today = self.ticket_today();
        let stats = self.store.ticket_stats(today)?;
        let mut overdue = self.store.list_tickets(&TicketFilter {
            open_only: true,
            due_by: today.checked_sub(jiff::Span::new().days(1)).ok(),
            limit: 100,
            ..TicketFilter::default()
        })?;
        for r in &mut overdue {
            r.complainant_name = String::new();
            r.complainant_phone = None;
            r.person = None;
        }
        Ok(TicketDashboard {
            on_time_per_mille: per_mille(stats.closed_on_time, stats.closed),
            mediation_success_per_mille: per_mille(stats.settled, stats.mediated),
            stats,
            overdue,
        })
    }

    /// The service points of a district (all when `None`): public.
    pub fn service_points(&self, district: Option<&str>) -> Vec<ServicePoint> {
        catalogue()
            .service_points_in(district.filter(|d| !d.trim().is_empty()))
            .into_iter()
            .cloned()
            .collect()
    }
}

/// The service centre's papers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TicketPaper {
    /// 诉求受理回执.
    Receipt,
    /// 诉求转介函 (of the latest referral).
    Referral,
    /// 调解协议书 (once settled).
    Agreement,
}

impl TicketPaper {
    pub fn parse(text: &str) -> Result<TicketPaper, AppError> {
        match text {
            "receipt" => Ok(TicketPaper::Receipt),
            "referral" => Ok(TicketPaper::Referral),
            "agreement" => Ok(TicketPaper::Agreement),
            other => Err(AppError::invalid(
                "kind",
                format!("{other:?}; allowed: receipt, referral, agreement"),
            )),
        }
    }
}

/// The name of the service centre printed on its papers.
pub const CENTRE_NAME: &str = "厦门市新就业形态劳动者权益保障服务中心";

impl App {
    /// A paper of a ticket in the actor's scope, as the document both
    /// renderers draw: the receipt always, the referral letter once
    /// referred, the mediation agreement once settled (otherwise a
    /// `conflict`).
    pub fn ticket_paper(
        &self,
        actor: &Actor,
        number: &str,
        paper: TicketPaper,
    ) -> Result<gongshang_notices::doc::Document, AppError> {
        use gongshang_notices::centre::{MediationAgreement, ReceiptFacts, ReferralLetter};
        let view = self.ticket(actor, number)?;
        let events = decode(&self.store.ticket_events(view.row.id)?)?;
        let state = State::from_events(&events);
        let r = &view.row;
        let facts = ReceiptFacts {
            number: r.number.clone(),
            centre: CENTRE_NAME.into(),
            complainant: r.complainant_name.clone(),
            other_party: r.unit.map(|u| u.as_str().to_owned()).or(r.platform.clone()),
            category: view.category_name_zh.clone(),
            channel: r.channel.name_zh().into(),
            summary: r.summary.clone(),
            filed_on: r.filed_on,
        };
        let conflict = |reason: &str| AppError::Conflict {
            entity: "ticket",
            reason: format!("ticket {number}: {reason}"),
        };
        let doc = match paper {
            TicketPaper::Receipt => {
                let calendar = self.calendar();
                let filed = State::from_events(events.iter().take(1));
                let limit = ticket::deadlines(&filed, &calendar)?
                    .into_iter()
                    .next()
                    .map(|d| (d.due, d.citation));
                gongshang_notices::centre::Receipt {
                    ticket: facts,
                    limit,
                    issued_on: r.filed_on,
                }
                .document()
            }
            TicketPaper::Referral => {
                // The letter of the latest referral of the dispute (an
                // agreement sent for review is not a referral letter).
                let referral = state
                    .referrals
                    .iter()
                    .rev()
                    .find(|r| r.purpose == ticket::ReferralPurpose::Dispute)
                    .ok_or_else(|| conflict("not referred"))?;
                let mut limits = Vec::new();
                if let Some(a) = &referral.kind.accept {
                    limits.push(format!(
                        "受理：{}{}日（{}）",
                        a.days,
                        if a.working_days { "个工作" } else { "" },
                        a.citation()
                    ));
                }
                let d = &referral.kind.decide;
                limits.push(format!(
                    "办结：{}{}日，可延长{}日（{}）",
                    d.days,
                    if d.working_days { "个工作" } else { "" },
                    d.extension_days,
                    d.citation()
                ));
                ReferralLetter {
                    ticket: facts,
                    body: referral.body.name_zh.clone(),
                    appointment_on: referral.appointment_on,
                    limits,
                    note: referral.note.clone(),
                    issued_on: referral.referred_on,
                }
                .document()
            }
            TicketPaper::Agreement => {
                let s = state
                    .settlement
                    .as_ref()
                    .ok_or_else(|| conflict("no mediation agreement"))?;
                let mut mediators: Vec<String> = Vec::new();
                for m in state.sessions.iter().map(|x| x.mediator.clone()) {
                    if !mediators.contains(&m) {
                        mediators.push(m);
                    }
                }
                MediationAgreement {
                    ticket: facts,
                    mediators,
                    agreement: s.agreement.clone(),
                    confirmation: match s.confirmation {
                        Confirmation::None => None,
                        Confirmation::ArbitrationReview => Some("申请仲裁审查".into()),
                        Confirmation::CourtConfirmation => Some("申请司法确认".into()),
                    },
                    review: state
                        .referrals
                        .iter()
                        .rev()
                        .find(|r| {
                            r.purpose == ticket::ReferralPurpose::Review && r.referred_on >= s.on
                        })
                        .map(|r| {
                            let answer = match (r.confirmed, &r.declined) {
                                (Some(true), _) => "协议已确认".to_owned(),
                                (Some(false), _) => "不予确认".to_owned(),
                                (None, Some(_)) => "不予受理".to_owned(),
                                (None, None) => "审查中".to_owned(),
                            };
                            let note = r
                                .concluded
                                .as_ref()
                                .map(|(_, n)| n.clone())
                                .or_else(|| r.declined.clone())
                                .unwrap_or_default();
                            format!(
                                "{}：{answer}{}{note}",
                                r.body.name_zh,
                                if note.is_empty() { "" } else { "，" }
                            )
                        }),
                    settled_on: s.on,
                }
                .document()
            }
        };
        doc.map_err(|e| AppError::invalid("paper", e.to_string()))
    }
}

impl App {
    /// A paper of a ticket as a printable HTML page or an A4 PDF
    /// (`kind`: receipt, referral or agreement).
    pub fn render_ticket_paper(
        &self,
        actor: &Actor,
        number: &str,
        kind: &str,
        format: crate::notices::NoticeFormat,
    ) -> Result<crate::notices::RenderedNotice, AppError> {
        use crate::notices::NoticeFormat;
        let paper = TicketPaper::parse(kind.trim())?;
        let doc = self.ticket_paper(actor, number, paper)?;
        let body = match format {
            NoticeFormat::Html => gongshang_notices::centre::html(&doc).into_bytes(),
            NoticeFormat::Pdf => gongshang_notices::centre::pdf(&doc)
                .map_err(|e| AppError::invalid("format", e.to_string()))?,
        };
        Ok(crate::notices::RenderedNotice {
            content_type: format.content_type(),
            file_name: format!("{number}-{}.{}", kind.trim(), format.extension()),
            body,
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
