//! Tickets (诉求) of the rights-protection service centre: an append-only
//! log of the domain's ticket events (JSON, numbered per ticket) plus a
//! queryable row and its referrals and mediation sessions, rewritten with
//! each append in the same transaction (as cases are). The store decides
//! nothing: the caller folds the events with `gongshang_domain::ticket` and
//! hands over the snapshot.

use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::ticket::{
    Channel, DeadlineKind, EscalationLevel, Phase, ReferralPurpose, ReferralStatus, Satisfaction,
    SessionChannel, SessionOutcome, Tier,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit};
use crate::error::StoreError;

/// What a ticket is about, besides the people.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Case,
    Bill,
    Enrollment,
}

impl SubjectKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Case => "case",
            SubjectKind::Bill => "bill",
            SubjectKind::Enrollment => "enrollment",
        }
    }
    pub fn parse(s: &str) -> Result<SubjectKind, String> {
        match s {
            "case" => Ok(SubjectKind::Case),
            "bill" => Ok(SubjectKind::Bill),
            "enrollment" => Ok(SubjectKind::Enrollment),
            _ => Err(format!(
                "subject kind {s:?}; allowed: case, bill, enrollment"
            )),
        }
    }
}

/// The fixed facts of a ticket's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    pub lookup_hash: String,
    pub channel: Channel,
    pub complainant_name: String,
    pub complainant_phone: Option<String>,
    pub person: Option<ResidentId>,
    /// The other party: an employer or a platform.
    pub unit: Option<CreditCode>,
    pub platform: Option<String>,
    pub district: Option<String>,
    pub industry: Option<String>,
    pub subject: Option<(SubjectKind, String)>,
    pub summary: String,
    pub filed_on: Date,
}

/// One domain event, serialized by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicketEvent {
    pub kind: String,
    pub on: Date,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketDeadlineRow {
    pub kind: DeadlineKind,
    pub due: Date,
    pub citation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReferralRow {
    pub n: i64,
    pub body: String,
    pub body_kind: String,
    pub referred_on: Date,
    pub appointment_on: Date,
    pub status: ReferralStatus,
    pub accepted_on: Option<Date>,
    pub outcome: Option<String>,
    /// A dispute referred to the body, or a mediation agreement sent for
    /// review or confirmation.
    pub purpose: ReferralPurpose,
    /// A review's answer: the agreement confirmed or not.
    pub confirmed: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionRow {
    pub n: i64,
    pub mediator: String,
    pub held_on: Date,
    pub channel: SessionChannel,
    pub outcome: SessionOutcome,
}

/// What the ticket's events say after an append, as the caller folded them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketSnapshot {
    pub state: Phase,
    pub category: String,
    pub tier: Tier,
    pub priority: u8,
    pub sensitive: bool,
    pub disclosed: bool,
    pub mediated: bool,
    pub settled: bool,
    pub overdue_ever: bool,
    pub escalation: Option<EscalationLevel>,
    pub satisfaction: Option<Satisfaction>,
    pub closed_on: Option<Date>,
    pub deadline: Option<TicketDeadlineRow>,
    pub referrals: Vec<ReferralRow>,
    pub sessions: Vec<SessionRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketAppend {
    /// The version the events were decided on (0 for a new ticket).
    pub expected_version: i64,
    pub events: Vec<NewTicketEvent>,
    pub snapshot: TicketSnapshot,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    #[serde(skip)]
    pub lookup_hash: String,
    pub channel: Channel,
    pub category: String,
    pub tier: Tier,
    pub priority: u8,
    pub complainant_name: String,
    pub complainant_phone: Option<String>,
    pub person: Option<ResidentId>,
    pub unit: Option<CreditCode>,
    pub platform: Option<String>,
    pub district: Option<String>,
    pub industry: Option<String>,
    pub subject: Option<(SubjectKind, String)>,
    pub summary: String,
    pub state: Phase,
    pub closed: bool,
    pub sensitive: bool,
    pub disclosed: bool,
    pub mediated: bool,
    pub settled: bool,
    pub overdue_ever: bool,
    pub escalation: Option<EscalationLevel>,
    pub referred_body: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub deadline: Option<TicketDeadlineRow>,
    pub filed_on: Date,
    pub closed_on: Option<Date>,
    pub version: i64,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredTicketEvent {
    pub seq: i64,
    pub kind: String,
    pub on: Date,
    pub body: String,
    pub recorded_at: Timestamp,
    pub actor: String,
}

/// Which tickets a listing returns; the fields set are ANDed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketFilter {
    pub open_only: bool,
    pub person: Option<ResidentId>,
    pub unit: Option<CreditCode>,
    /// Tickets ever referred to this body.
    pub referred_to: Option<String>,
    /// Tickets about one of these cases, bills or enrolments.
    pub subject: Option<(SubjectKind, Vec<String>)>,
    pub state: Option<Phase>,
    /// Only tickets whose running deadline is due on or before this day.
    pub due_by: Option<Date>,
    pub limit: u32,
}

/// Counts for the dashboard (no personal data).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TicketStats {
    pub total: u64,
    pub open: u64,
    pub by_category: Vec<(String, u64)>,
    pub by_channel: Vec<(String, u64)>,
    pub by_district: Vec<(String, u64)>,
    pub by_industry: Vec<(String, u64)>,
    pub by_platform: Vec<(String, u64)>,
    /// (`YYYY-MM` of filing, count)
    pub by_month: Vec<(String, u64)>,
    pub closed: u64,
    /// Closed without any deadline ever overdue.
    pub closed_on_time: u64,
    pub mediated: u64,
    pub settled: u64,
    pub overdue_now: u64,
}

/// The service centre's tickets. A part of [`crate::Store`].
pub trait TicketStore {
    /// The row (numbered `SQ<year>-<id>`), the first events and the audit
    /// row, in one transaction.
    fn create_ticket(
        &self,
        ticket: &NewTicket,
        append: &TicketAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<TicketRow, StoreError>;
    /// Appends events decided on `append.expected_version`; a ticket that has
    /// moved on since is a `conflict` and nothing is written.
    fn append_ticket_events(
        &self,
        ticket_id: i64,
        append: &TicketAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<TicketRow, StoreError>;
    fn ticket_by_number(&self, number: &str) -> Result<Option<TicketRow>, StoreError>;
    fn ticket_events(&self, ticket_id: i64) -> Result<Vec<StoredTicketEvent>, StoreError>;
    fn ticket_referrals(&self, ticket_id: i64) -> Result<Vec<ReferralRow>, StoreError>;
    fn ticket_sessions(&self, ticket_id: i64) -> Result<Vec<SessionRow>, StoreError>;
    /// Tickets by the filter: those with a running deadline first, the
    /// earliest due first; then by number.
    fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRow>, StoreError>;
    /// The dashboard's counts as of `today` (for the overdue now).
    fn ticket_stats(&self, today: Date) -> Result<TicketStats, StoreError>;
}

const TICKET_COLUMNS: &str = "id, number, lookup_hash, channel, category, tier, priority, complainant_name, complainant_phone, \
     resident_id, unit_code, platform, district, industry, subject_kind, subject_ref, summary, state, closed, sensitive, \
     disclosed, mediated, settled, overdue_ever, escalation, referred_body, satisfaction, deadline_kind, deadline_due, \
     deadline_citation, filed_on, closed_on, version, opened_at, updated_at";

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn opt_t<T: ToString>(v: Option<T>) -> Value {
    Value::opt_text(v.map(|x| x.to_string()))
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn b(v: bool) -> Value {
    Value::Int(i64::from(v))
}

fn date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

fn stored<E: std::fmt::Display>(field: &'static str) -> impl Fn(E) -> StoreError {
    move |e| StoreError::InvalidData {
        field,
        reason: e.to_string(),
    }
}

fn tier_parse(s: &str) -> Result<Tier, String> {
    match s {
        "front" => Ok(Tier::Front),
        "middle" => Ok(Tier::Middle),
        "back" => Ok(Tier::Back),
        _ => Err(format!("tier {s:?}")),
    }
}

fn ticket_from_row(row: &[Value]) -> Result<TicketRow, StoreError> {
    let c = Cols::new(row);
    let subject = match (c.opt_text(14)?, c.opt_text(15)?) {
        (Some(k), Some(r)) => Some((
            SubjectKind::parse(k).map_err(stored("subject_kind"))?,
            r.to_owned(),
        )),
        _ => None,
    };
    let deadline = match (c.opt_text(27)?, c.opt_text(28)?) {
        (Some(kind), Some(due)) => Some(TicketDeadlineRow {
            kind: kind.parse().map_err(stored("deadline_kind"))?,
            due: date(due).map_err(stored("deadline_due"))?,
            citation: c.opt_text(29)?.unwrap_or_default().to_owned(),
        }),
        _ => None,
    };
    Ok(TicketRow {
        id: c.int(0)?,
        number: c.text(1)?.to_owned(),
        lookup_hash: c.text(2)?.to_owned(),
        channel: c.parsed(3, "channel", str::parse::<Channel>)?,
        category: c.text(4)?.to_owned(),
        tier: c.parsed(5, "tier", tier_parse)?,
        priority: u8::try_from(c.int(6)?).unwrap_or(3),
        complainant_name: c.text(7)?.to_owned(),
        complainant_phone: c.opt_text(8)?.map(str::to_owned),
        person: c.opt_parsed(9, "resident_id", ResidentId::parse)?,
        unit: c.opt_parsed(10, "unit_code", CreditCode::parse)?,
        platform: c.opt_text(11)?.map(str::to_owned),
        district: c.opt_text(12)?.map(str::to_owned),
        industry: c.opt_text(13)?.map(str::to_owned),
        subject,
        summary: c.text(16)?.to_owned(),
        state: c.parsed(17, "state", str::parse::<Phase>)?,
        closed: c.int(18)? != 0,
        sensitive: c.int(19)? != 0,
        disclosed: c.int(20)? != 0,
        mediated: c.int(21)? != 0,
        settled: c.int(22)? != 0,
        overdue_ever: c.int(23)? != 0,
        escalation: c.opt_parsed(24, "escalation", str::parse::<EscalationLevel>)?,
        referred_body: c.opt_text(25)?.map(str::to_owned),
        satisfaction: c.opt_parsed(26, "satisfaction", str::parse::<Satisfaction>)?,
        deadline,
        filed_on: c.parsed(30, "filed_on", date)?,
        closed_on: c.opt_parsed(31, "closed_on", date)?,
        version: c.int(32)?,
        opened_at: c.parsed(33, "opened_at", |s: &str| s.parse::<Timestamp>())?,
        updated_at: c.parsed(34, "updated_at", |s: &str| s.parse::<Timestamp>())?,
    })
}

fn ticket_by(db: &mut dyn Db, column: &str, key: Value) -> Result<Option<TicketRow>, StoreError> {
    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE {column} = $1");
    db.opt_row("reading a ticket", &sql, &[key])?
        .map(|r| ticket_from_row(&r))
        .transpose()
}

fn require_text(field: &'static str, v: &str) -> Result<(), StoreError> {
    if v.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    Ok(())
}

fn validate_append(append: &TicketAppend) -> Result<(), StoreError> {
    if append.expected_version < 0 {
        return Err(StoreError::invalid(
            "expected_version",
            format!("{} is negative; 0 or more", append.expected_version),
        ));
    }
    for e in &append.events {
        serde_json::from_str::<serde_json::Value>(&e.body)
            .map_err(|err| StoreError::invalid("body", format!("not JSON: {err}")))?;
    }
    Ok(())
}

fn write_append(
    db: &mut dyn Db,
    ticket_id: i64,
    number: &str,
    append: &TicketAppend,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut seq = append.expected_version;
    for e in &append.events {
        seq += 1;
        db.exec(
            "appending a ticket event",
            "INSERT INTO ticket_events (ticket_id, seq, kind, on_date, body, recorded_at, actor) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                i(ticket_id),
                i(seq),
                t(&e.kind),
                t(e.on),
                t(&e.body),
                t(at),
                t(actor),
            ],
        )?;
    }
    let s = &append.snapshot;
    let d = s.deadline.as_ref();
    db.exec(
        "updating a ticket",
        "UPDATE tickets SET state = $1, closed = $2, category = $3, tier = $4, priority = $5, sensitive = $6, \
         disclosed = $7, mediated = $8, settled = $9, overdue_ever = $10, escalation = $11, referred_body = $12, \
         satisfaction = $13, deadline_kind = $14, deadline_due = $15, deadline_citation = $16, closed_on = $17, \
         version = $18, updated_at = $19 WHERE id = $20",
        &[
            t(s.state),
            b(s.state == Phase::Closed),
            t(&s.category),
            t(s.tier),
            i(i64::from(s.priority)),
            b(s.sensitive),
            b(s.disclosed),
            b(s.mediated),
            b(s.settled),
            b(s.overdue_ever),
            opt_t(s.escalation),
            opt_t(s.referrals.last().map(|r| &r.body)),
            opt_t(s.satisfaction),
            opt_t(d.map(|d| d.kind)),
            opt_t(d.map(|d| d.due)),
            opt_t(d.map(|d| &d.citation)),
            opt_t(s.closed_on),
            i(seq),
            t(at),
            i(ticket_id),
        ],
    )?;
    // The projections are rewritten whole: they are what the events say.
    db.exec(
        "rewriting a ticket's referrals",
        "DELETE FROM ticket_referrals WHERE ticket_id = $1",
        &[i(ticket_id)],
    )?;
    for r in &s.referrals {
        db.exec(
            "recording a referral",
            "INSERT INTO ticket_referrals (ticket_id, n, body, body_kind, referred_on, appointment_on, status, accepted_on, outcome, purpose, confirmed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                i(ticket_id),
                i(r.n),
                t(&r.body),
                t(&r.body_kind),
                t(r.referred_on),
                t(r.appointment_on),
                t(r.status),
                opt_t(r.accepted_on),
                opt_t(r.outcome.as_ref()),
                t(r.purpose),
                Value::opt_int(r.confirmed.map(i64::from)),
            ],
        )?;
    }
    db.exec(
        "rewriting a ticket's sessions",
        "DELETE FROM ticket_sessions WHERE ticket_id = $1",
        &[i(ticket_id)],
    )?;
    for m in &s.sessions {
        db.exec(
            "recording a mediation session",
            "INSERT INTO ticket_sessions (ticket_id, n, mediator, held_on, channel, outcome) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                i(ticket_id),
                i(m.n),
                t(&m.mediator),
                t(m.held_on),
                t(m.channel),
                t(m.outcome),
            ],
        )?;
    }
    let kinds: Vec<&str> = append.events.iter().map(|e| e.kind.as_str()).collect();
    audit(
        db,
        actor,
        at,
        "append_events",
        "ticket",
        number,
        json!({"id": ticket_id, "from_version": append.expected_version, "to_version": seq, "events": kinds, "state": s.state.as_str()}),
    )
}

fn counts(db: &mut dyn Db, sql: &str, params: &[Value]) -> Result<Vec<(String, u64)>, StoreError> {
    db.rows("counting tickets", sql, params)?
        .iter()
        .map(|r| {
            let c = Cols::new(r);
            Ok((
                c.opt_text(0)?.unwrap_or("—").to_owned(),
                u64::try_from(c.int(1)?).unwrap_or(0),
            ))
        })
        .collect()
}

fn one_count(db: &mut dyn Db, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
    let row = db.one_row("counting tickets", sql, params)?;
    Ok(u64::try_from(Cols::new(&row).int(0)?).unwrap_or(0))
}

impl<B: Backend> TicketStore for SqlStore<B> {
    fn create_ticket(
        &self,
        ticket: &NewTicket,
        append: &TicketAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<TicketRow, StoreError> {
        require_text("actor", actor)?;
        require_text("complainant_name", &ticket.complainant_name)?;
        require_text("summary", &ticket.summary)?;
        require_text("lookup_hash", &ticket.lookup_hash)?;
        validate_append(append)?;
        if append.expected_version != 0 || append.events.is_empty() {
            return Err(StoreError::invalid(
                "expected_version",
                "a new ticket starts at version 0 with its first event",
            ));
        }
        let s = &append.snapshot;
        self.backend.transaction(|db| {
            let provisional = format!("pending-{}-{}", at.as_nanosecond(), ticket.lookup_hash);
            let id = db.insert_id(
                "creating a ticket",
                "INSERT INTO tickets (number, lookup_hash, channel, category, tier, priority, complainant_name, complainant_phone, \
                 resident_id, unit_code, platform, district, industry, subject_kind, subject_ref, summary, state, closed, sensitive, \
                 disclosed, mediated, settled, overdue_ever, filed_on, version, opened_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'received', 0, $17, 0, 0, 0, 0, $18, 0, $19, $19) \
                 RETURNING id",
                &[
                    t(&provisional),
                    t(&ticket.lookup_hash),
                    t(ticket.channel),
                    t(&s.category),
                    t(s.tier),
                    i(i64::from(s.priority)),
                    t(&ticket.complainant_name),
                    opt_t(ticket.complainant_phone.as_ref()),
                    opt_t(ticket.person.as_ref().map(ResidentId::as_str)),
                    opt_t(ticket.unit.as_ref().map(CreditCode::as_str)),
                    opt_t(ticket.platform.as_ref()),
                    opt_t(ticket.district.as_ref()),
                    opt_t(ticket.industry.as_ref()),
                    opt_t(ticket.subject.as_ref().map(|(k, _)| k.as_str())),
                    opt_t(ticket.subject.as_ref().map(|(_, r)| r)),
                    t(&ticket.summary),
                    b(s.sensitive),
                    t(ticket.filed_on),
                    t(at),
                ],
                || StoreError::duplicate("ticket", &provisional),
            )?;
            let number = format!("SQ{}-{id:06}", ticket.filed_on.year());
            db.exec(
                "numbering a ticket",
                "UPDATE tickets SET number = $1 WHERE id = $2",
                &[t(&number), i(id)],
            )?;
            audit(
                db,
                actor,
                at,
                "create_ticket",
                "ticket",
                &number,
                json!({"id": id, "channel": ticket.channel.as_str(), "category": s.category}),
            )?;
            write_append(db, id, &number, append, actor, at)?;
            ticket_by(db, "id", i(id))?.ok_or_else(|| StoreError::not_found("ticket", id))
        })
    }

    fn append_ticket_events(
        &self,
        ticket_id: i64,
        append: &TicketAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<TicketRow, StoreError> {
        require_text("actor", actor)?;
        validate_append(append)?;
        self.backend.transaction(|db| {
            let Some(ticket) = ticket_by(db, "id", i(ticket_id))? else {
                return Err(StoreError::not_found("ticket", ticket_id));
            };
            let claimed = db.exec(
                "claiming a ticket version",
                "UPDATE tickets SET version = version WHERE id = $1 AND version = $2",
                &[i(ticket_id), i(append.expected_version)],
            )?;
            if claimed == 0 {
                return Err(StoreError::conflict(
                    "ticket",
                    &ticket.number,
                    format!(
                        "the events were decided on version {}, but the ticket is at version {}; read it again",
                        append.expected_version, ticket.version
                    ),
                ));
            }
            write_append(db, ticket_id, &ticket.number, append, actor, at)?;
            ticket_by(db, "id", i(ticket_id))?
                .ok_or_else(|| StoreError::not_found("ticket", ticket_id))
        })
    }

    fn ticket_by_number(&self, number: &str) -> Result<Option<TicketRow>, StoreError> {
        self.backend.read(|db| ticket_by(db, "number", t(number)))
    }

    fn ticket_events(&self, ticket_id: i64) -> Result<Vec<StoredTicketEvent>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a ticket's events",
                "SELECT seq, kind, on_date, body, recorded_at, actor FROM ticket_events WHERE ticket_id = $1 ORDER BY seq",
                &[i(ticket_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredTicketEvent {
                    seq: c.int(0)?,
                    kind: c.text(1)?.to_owned(),
                    on: c.parsed(2, "on_date", date)?,
                    body: c.text(3)?.to_owned(),
                    recorded_at: c.parsed(4, "recorded_at", |s: &str| s.parse::<Timestamp>())?,
                    actor: c.text(5)?.to_owned(),
                })
            })
            .collect()
        })
    }

    fn ticket_referrals(&self, ticket_id: i64) -> Result<Vec<ReferralRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a ticket's referrals",
                "SELECT n, body, body_kind, referred_on, appointment_on, status, accepted_on, outcome, purpose, confirmed \
                 FROM ticket_referrals WHERE ticket_id = $1 ORDER BY n",
                &[i(ticket_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ReferralRow {
                    n: c.int(0)?,
                    body: c.text(1)?.to_owned(),
                    body_kind: c.text(2)?.to_owned(),
                    referred_on: c.parsed(3, "referred_on", date)?,
                    appointment_on: c.parsed(4, "appointment_on", date)?,
                    status: c.parsed(5, "status", str::parse::<ReferralStatus>)?,
                    accepted_on: c.opt_parsed(6, "accepted_on", date)?,
                    outcome: c.opt_text(7)?.map(str::to_owned),
                    purpose: c.parsed(8, "purpose", str::parse::<ReferralPurpose>)?,
                    confirmed: c.opt_int(9)?.map(|v| v != 0),
                })
            })
            .collect()
        })
    }

    fn ticket_sessions(&self, ticket_id: i64) -> Result<Vec<SessionRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a ticket's sessions",
                "SELECT n, mediator, held_on, channel, outcome FROM ticket_sessions WHERE ticket_id = $1 ORDER BY n",
                &[i(ticket_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(SessionRow {
                    n: c.int(0)?,
                    mediator: c.text(1)?.to_owned(),
                    held_on: c.parsed(2, "held_on", date)?,
                    channel: c.parsed(3, "channel", str::parse::<SessionChannel>)?,
                    outcome: c.parsed(4, "outcome", str::parse::<SessionOutcome>)?,
                })
            })
            .collect()
        })
    }

    fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRow>, StoreError> {
        let mut sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE 1 = 1");
        let mut params = Vec::new();
        if filter.open_only {
            sql.push_str(" AND closed = 0");
        }
        let mut add = |clause: &str, v: Value, params: &mut Vec<Value>| {
            params.push(v);
            sql.push_str(&clause.replace('?', &format!("${}", params.len())));
        };
        if let Some(p) = &filter.person {
            add(" AND resident_id = ?", t(p.as_str()), &mut params);
        }
        if let Some(u) = &filter.unit {
            add(" AND unit_code = ?", t(u.as_str()), &mut params);
        }
        if let Some(body) = &filter.referred_to {
            add(
                " AND id IN (SELECT ticket_id FROM ticket_referrals WHERE body = ?)",
                t(body),
                &mut params,
            );
        }
        if let Some(s) = filter.state {
            add(" AND state = ?", t(s), &mut params);
        }
        if let Some(d) = filter.due_by {
            add(" AND deadline_due <= ?", t(d), &mut params);
        }
        if let Some((kind, keys)) = &filter.subject {
            if keys.is_empty() {
                return Ok(Vec::new());
            }
            params.push(t(kind.as_str()));
            sql.push_str(&format!(" AND subject_kind = ${}", params.len()));
            let mut marks = Vec::new();
            for k in keys {
                params.push(t(k));
                marks.push(format!("${}", params.len()));
            }
            sql.push_str(&format!(" AND subject_ref IN ({})", marks.join(", ")));
        }
        let limit = if filter.limit == 0 { 200 } else { filter.limit };
        params.push(i(i64::from(limit)));
        sql.push_str(&format!(
            " ORDER BY CASE WHEN deadline_due IS NULL THEN 1 ELSE 0 END, deadline_due, priority, number LIMIT ${}",
            params.len()
        ));
        self.backend.read(|db| {
            db.rows("listing tickets", &sql, &params)?
                .iter()
                .map(|r| ticket_from_row(r))
                .collect()
        })
    }

    fn ticket_stats(&self, today: Date) -> Result<TicketStats, StoreError> {
        self.backend.read(|db| {
            let by = |db: &mut dyn Db, col: &str| {
                counts(
                    db,
                    &format!("SELECT {col}, COUNT(*) FROM tickets GROUP BY {col} ORDER BY {col}"),
                    &[],
                )
            };
            Ok(TicketStats {
                total: one_count(db, "SELECT COUNT(*) FROM tickets", &[])?,
                open: one_count(db, "SELECT COUNT(*) FROM tickets WHERE closed = 0", &[])?,
                by_category: by(db, "category")?,
                by_channel: by(db, "channel")?,
                by_district: by(db, "district")?,
                by_industry: by(db, "industry")?,
                by_platform: by(db, "platform")?,
                by_month: counts(
                    db,
                    "SELECT SUBSTR(filed_on, 1, 7), COUNT(*) FROM tickets GROUP BY SUBSTR(filed_on, 1, 7) ORDER BY 1",
                    &[],
                )?,
                closed: one_count(db, "SELECT COUNT(*) FROM tickets WHERE closed = 1", &[])?,
                closed_on_time: one_count(
                    db,
                    "SELECT COUNT(*) FROM tickets WHERE closed = 1 AND overdue_ever = 0",
                    &[],
                )?,
                mediated: one_count(db, "SELECT COUNT(*) FROM tickets WHERE mediated = 1", &[])?,
                settled: one_count(db, "SELECT COUNT(*) FROM tickets WHERE settled = 1", &[])?,
                overdue_now: one_count(
                    db,
                    "SELECT COUNT(*) FROM tickets WHERE closed = 0 AND deadline_due < $1",
                    &[t(today)],
                )?,
            })
        })
    }
}
