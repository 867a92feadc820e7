//! A worker missing after an accident (《工伤保险条例》第四十一条, Regulations
//! Art 41): the clerk records that the worker went missing, that the family
//! in hardship applies for the advance, that a court declared the worker
//! dead, or that the worker reappeared, through the domain's
//! [`gongshang_domain::missing::decide`], in the case's own table of
//! missing-worker events. What is due is the rules engine's: the award of a
//! missing worker ([`App::compute_missing_award`]) has the survivors'
//! pensions of Art 39 from the fourth month counted from the accident's
//! month and, after the application, half of the one-time death benefit;
//! once declared dead, Art 39 in full less the advance paid. A reviewer
//! approves it like any award (maker-checker), the payroll pays the
//! pensions, `pay_one_time` pays the advance once. The first three months'
//! wages are the employer's: the trace and the view say so; the fund pays
//! nothing for them.

use gongshang_domain::missing::{
    self, Circumstance, Command as MissingCommand, Event as MissingEvent, State as MissingState,
};
use gongshang_rules::missing_and_repeat;
use gongshang_rules::{Item, Trace};
use gongshang_store::cases::{BenefitEnding, NewMissingEvent, StoredMissingEvent};

use super::*;

/// The storage form the app writes for missing-worker events: format 1 is
/// the domain's serde form of December 2026 (`{"event":"went_missing",...}`).
/// A change to the domain that would read a stored event differently needs a
/// new number and a reader of the old one in [`decode_missing`].
pub const MISSING_EVENT_FORMAT: i64 = 1;

/// What the clerk records, as a request (`{"command":"report_missing",...}`).
/// `on` is the day it is recorded on: today if absent, never after today.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum MissingRequest {
    /// The worker went missing in the case's accident, on a work trip or in
    /// disaster relief.
    ReportMissing {
        circumstance: Circumstance,
        #[serde(default)]
        on: Option<Date>,
    },
    /// The family, in hardship, applies for half of the one-time death benefit.
    ApplyForAdvance {
        #[serde(default)]
        on: Option<Date>,
    },
    /// A court declared the worker dead on `judgment_on`.
    DeclareDead {
        judgment_on: Date,
        #[serde(default)]
        on: Option<Date>,
    },
    /// The worker reappeared: the survivors' pensions stop.
    Reappear {
        #[serde(default)]
        on: Option<Date>,
    },
}

impl MissingRequest {
    fn on(&self) -> Option<Date> {
        match self {
            MissingRequest::ReportMissing { on, .. }
            | MissingRequest::ApplyForAdvance { on }
            | MissingRequest::DeclareDead { on, .. }
            | MissingRequest::Reappear { on } => *on,
        }
    }

    fn command(&self) -> MissingCommand {
        match self {
            MissingRequest::ReportMissing { circumstance, .. } => MissingCommand::ReportMissing {
                circumstance: *circumstance,
            },
            MissingRequest::ApplyForAdvance { .. } => MissingCommand::ApplyForAdvance,
            MissingRequest::DeclareDead { judgment_on, .. } => MissingCommand::DeclareDead {
                judgment_on: *judgment_on,
            },
            MissingRequest::Reappear { .. } => MissingCommand::Reappear,
        }
    }
}

/// Where a case's missing-worker record stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingStatus {
    /// Nothing recorded.
    NotReported,
    /// Missing: survivors' pensions from the fourth month.
    Missing,
    /// Declared dead by a court: Art 39 applies.
    DeclaredDead,
    /// Reappeared: the pensions stopped.
    Reappeared,
}

/// One missing-worker event as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingEventRecord {
    pub seq: i64,
    /// `went_missing`, `advance_applied`, `declared_dead`, `reappeared`.
    pub kind: String,
    pub on: Date,
    /// Who recorded it (`role:login`).
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A case's missing-worker record: what happened and what Art 41 makes of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingView {
    pub case_number: String,
    pub status: MissingStatus,
    pub circumstance: Option<Circumstance>,
    pub missing_since: Option<Date>,
    /// The three months whose wages the employer pays as before (the
    /// accident's month and the two after it); the fund pays none of them.
    pub employer_wage_months: Vec<Month>,
    /// The first month of the survivors' pensions (the fourth month).
    pub pensions_from: Option<Month>,
    /// The last month of the pensions, once the worker reappeared.
    pub pensions_last_month: Option<Month>,
    pub advance_applied_on: Option<Date>,
    pub declared_dead_on: Option<Date>,
    pub reappeared_on: Option<Date>,
    /// What the clerk may record now (`report_missing`, `apply_for_advance`,
    /// `declare_dead`, `reappear`).
    pub allowed: Vec<&'static str>,
    pub events: Vec<MissingEventRecord>,
}

/// Reads a stored missing-worker event of any format written so far.
pub fn decode_missing(format: i64, body: &str) -> Result<MissingEvent, String> {
    match format {
        1 => serde_json::from_str(body).map_err(|e| e.to_string()),
        other => Err(format!(
            "missing-worker event format {other} is not known to this build (it reads 1 to {MISSING_EVENT_FORMAT})"
        )),
    }
}

fn kind_of(event: &MissingEvent) -> &'static str {
    match event {
        MissingEvent::WentMissing { .. } => "went_missing",
        MissingEvent::AdvanceApplied { .. } => "advance_applied",
        MissingEvent::DeclaredDead { .. } => "declared_dead",
        MissingEvent::Reappeared { .. } => "reappeared",
    }
}

fn event_on(event: &MissingEvent) -> Date {
    match event {
        MissingEvent::WentMissing { on, .. }
        | MissingEvent::AdvanceApplied { on }
        | MissingEvent::DeclaredDead { on, .. }
        | MissingEvent::Reappeared { on } => *on,
    }
}

impl App {
    /// The case's stored missing-worker events, decoded, and their state.
    fn missing_of(
        &self,
        row: &CaseRow,
    ) -> Result<(Vec<StoredMissingEvent>, MissingState), AppError> {
        let stored = self.store.missing_events(row.id)?;
        let mut state = MissingState::default();
        for e in &stored {
            let event = decode_missing(e.format, &e.body).map_err(|reason| {
                AppError::Store(StoreError::InvalidData {
                    field: "missing_worker_event",
                    reason: format!("case {} event {}: {reason}", row.number, e.seq),
                })
            })?;
            state.apply(&event);
        }
        Ok((stored, state))
    }

    /// The case's missing-worker record (Art 41).
    pub fn missing_worker(&self, actor: &Actor, number: &str) -> Result<MissingView, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        let (stored, state) = self.missing_of(&row)?;
        Ok(missing_view(&row, &stored, &state))
    }

    /// Records a missing-worker command on the case (Art 41) through the
    /// domain's `decide`. A reappearance ends the case's running survivors'
    /// pensions after the month of the reappearance, in the same
    /// transaction.
    pub fn record_missing(
        &self,
        actor: &Actor,
        number: &str,
        request: &MissingRequest,
    ) -> Result<MissingView, AppError> {
        actor.authorize(Action::RecordMissingWorker)?;
        let row = self.case_row(actor, number)?;
        self.refuse_if_recused(actor, row.id)?;
        let today = self.case_today();
        let on = request.on().unwrap_or(today);
        if on > today {
            return Err(AppError::invalid(
                "on",
                format!(
                    "{on} is after today, {today}; a missing-worker event is recorded on or before the day it is entered"
                ),
            ));
        }
        let (stored, state) = self.missing_of(&row)?;
        let events = missing::decide(&state, &request.command(), row.accident_date, on)?;
        let mut endings = Vec::new();
        if let Some(MissingEvent::Reappeared { on }) = events.first() {
            let last = missing::last_pension_month_on_reappearance(*on);
            for b in self.store.periodic_benefits_of_case(row.id)? {
                if b.item != Item::MonthlySurvivorPensions {
                    continue;
                }
                // Ended already, or ending before that month anyway (a child's 18th).
                if b.end_month.is_some_and(|end| end <= last) {
                    continue;
                }
                // A pension that had not started yet ends before it begins.
                let last_paid = if last < b.start_month {
                    Month::of(
                        b.start_month
                            .first_day()
                            .yesterday()
                            .map_err(|e| AppError::invalid("on", e.to_string()))?,
                    )
                } else {
                    last
                };
                endings.push(BenefitEnding {
                    benefit_id: b.id,
                    last_month: last_paid,
                    reason: "worker_reappeared".into(),
                });
            }
        }
        // Each command records one event (the domain's decide), appended
        // with the endings it causes in one transaction.
        let [event] = events.as_slice() else {
            return Err(AppError::invalid(
                "command",
                format!(
                    "recorded {} events; a missing-worker command records one",
                    events.len()
                ),
            ));
        };
        let body = serde_json::to_string(event)
            .map_err(|x| AppError::invalid("event", format!("cannot be stored: {x}")))?;
        self.store.append_missing_event(
            row.id,
            i64::try_from(stored.len()).unwrap_or(i64::MAX),
            &NewMissingEvent {
                kind: kind_of(event).into(),
                on: event_on(event),
                format: MISSING_EVENT_FORMAT,
                body,
            },
            &endings,
            &actor.audit_name(),
            self.now(),
        )?;
        self.missing_worker(actor, number)
    }

    /// Computes the award of a missing worker (Art 41) with the rules engine
    /// under the case's scheme, and stores it as proposed for a reviewer to
    /// approve: while missing, the survivors' pensions of Art 39 from the
    /// fourth month (and half of the one-time death benefit once the family
    /// applied for it); once a court declared the worker dead, Art 39 in
    /// full, the death dated the accident (Civil Code Art 48), with the
    /// advance paid set against the death benefit. `facts` is the rules engine's case (own wage, dependants,
    /// ...), as for [`App::compute_award`].
    pub fn compute_missing_award(
        &self,
        actor: &Actor,
        number: &str,
        req: &AwardRequest,
    ) -> Result<AwardView, AppError> {
        actor.authorize(Action::ComputeAward)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        let (_, state) = self.missing_of(&loaded.row)?;
        let Some(since) = state.missing_since else {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "the worker of case {number} is not recorded missing; an award under Art 41 follows that record"
                ),
            });
        };
        if let Some(d) = state.reappeared_on {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "the worker of case {number} reappeared on {d}; Art 41 pays nothing after it"
                ),
            });
        }
        self.check_replacement(&loaded, req)?;
        if req
            .facts
            .as_object()
            .is_some_and(|f| f.contains_key("death_date"))
        {
            return Err(AppError::invalid(
                "facts",
                "death_date comes from the missing-worker record (the court's judgment); leave it out",
            ));
        }
        let mut input = self.award_input(&loaded, &req.facts)?;
        let scheme = &loaded.row.scheme_id;
        let (result, pensions_from) = match state.declared_dead_on {
            Some(_) => {
                // Civil Code Art 48: a person declared dead after going
                // missing in an accident (意外事件) is deemed to have died on
                // the day of the accident, not of the judgment.
                input.death_date = Some(loaded.row.accident_date);
                let mut result = calculate_under_scheme(&self.policy, scheme, &input)?;
                let whole = result.amount(Item::OneTimeDeathBenefit);
                let mut advance_paid = Money::ZERO;
                for p in self.store.one_time_payments(loaded.row.id)? {
                    if p.item == Item::OneTimeDeathBenefit {
                        advance_paid = sum(advance_paid, p.amount)?;
                    }
                }
                let mut trace = Trace::default();
                missing_and_repeat::declared_dead(whole, advance_paid, &mut trace)?;
                result.trace.steps.extend(trace.steps);
                (result, None)
            }
            None => {
                let result = missing_and_repeat::missing_worker_under_scheme(
                    &self.policy,
                    scheme,
                    &input,
                    state.advance_applied_on.is_some(),
                )?;
                (
                    result,
                    Some(missing::pensions_from(loaded.row.accident_date)),
                )
            }
        };
        let items = Self::award_items(&result);
        let award = NewAward {
            case_id: loaded.row.id,
            basis: req.basis,
            legal_date: input.injury_date,
            scheme_id: loaded.row.scheme_id.clone(),
            jurisdiction: loaded.row.jurisdiction.clone(),
            items,
            input: serde_json::json!({
                "case": input,
                "dependant_birth_dates": req.dependant_birth_dates,
                "missing_since": since,
                "pensions_from": pensions_from,
            })
            .to_string(),
            trace: to_json("trace", &result.trace)?,
        };
        let id = self
            .store
            .create_award(&award, &actor.audit_name(), self.now())?;
        self.award_view(actor, id)
    }
}

/// The first month of a survivors' pension of a missing worker's award
/// (Art 41: the fourth month), when the award is one.
pub(super) fn missing_pensions_from(input: &serde_json::Value, item: Item) -> Option<Month> {
    if item != Item::MonthlySurvivorPensions {
        return None;
    }
    serde_json::from_value::<Option<Month>>(input["pensions_from"].clone())
        .ok()
        .flatten()
}

fn missing_view(row: &CaseRow, stored: &[StoredMissingEvent], s: &MissingState) -> MissingView {
    let status = match (
        s.missing_since,
        s.declared_dead_on.is_some(),
        s.reappeared_on.is_some(),
    ) {
        (None, _, _) => MissingStatus::NotReported,
        (_, true, _) => MissingStatus::DeclaredDead,
        (_, _, true) => MissingStatus::Reappeared,
        _ => MissingStatus::Missing,
    };
    let first = Month::of(row.accident_date);
    let allowed: Vec<&'static str> = match status {
        MissingStatus::NotReported => vec!["report_missing"],
        MissingStatus::Missing if s.advance_applied_on.is_none() => {
            vec!["apply_for_advance", "declare_dead", "reappear"]
        }
        MissingStatus::Missing => vec!["declare_dead", "reappear"],
        MissingStatus::DeclaredDead | MissingStatus::Reappeared => Vec::new(),
    };
    MissingView {
        case_number: row.number.clone(),
        status,
        circumstance: s.circumstance,
        missing_since: s.missing_since,
        employer_wage_months: if s.missing_since.is_some() {
            vec![first, first.next(), first.next().next()]
        } else {
            Vec::new()
        },
        pensions_from: s
            .missing_since
            .map(|_| missing::pensions_from(row.accident_date)),
        pensions_last_month: s
            .reappeared_on
            .map(missing::last_pension_month_on_reappearance),
        advance_applied_on: s.advance_applied_on,
        declared_dead_on: s.declared_dead_on,
        reappeared_on: s.reappeared_on,
        allowed,
        events: stored
            .iter()
            .map(|e| MissingEventRecord {
                seq: e.seq,
                kind: e.kind.clone(),
                on: e.on,
                recorded_by: e.recorded_by.clone(),
                recorded_at: e.recorded_at,
            })
            .collect(),
    }
}
