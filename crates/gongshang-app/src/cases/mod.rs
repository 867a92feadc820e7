//! Injury cases: filing (with the scheme's cover condition), commands through
//! the domain's `decide`, the work queue, appraisals, awards with
//! maker-checker, recalculation and one-time payments. The monthly payroll is
//! in [`crate::payroll`].
//!
//! Every service folds the case's stored events with the domain, decides,
//! and appends the new events at the version it read (a concurrent change is
//! a `conflict`; read again and retry). No rule lives here: deadlines,
//! admissibility and appraisal limits are the domain's, amounts the rules
//! engine's.

use gongshang_rules::SchemeId;
use std::collections::{BTreeMap, BTreeSet};

use gongshang_domain::case::{AwardBasis, AwardStatus, CaseState, EventStream};
use gongshang_domain::deadline::{Deadline, days_between};
use gongshang_domain::determination::{
    self, AccidentKey, ApplicantRole, Application, Context, Finding, Flow, Ground, InsuredUnit,
    MaterialKind, Rejection, SchemeKind, SchemeRef,
};
use gongshang_domain::ids::{CreditCode, IdempotencyKey, PlatformId, ReferenceId, ResidentId};
use gongshang_domain::month::Month;
use gongshang_domain::{appraisal, confirmation, coverage, insurer_claim, ledger};
use gongshang_rules::scheme::{Applicant, ProcedureLimits, Scheme};
use gongshang_rules::scheme_award::{SchemeResult, calculate_under_scheme};
use gongshang_rules::{CaseInput, Money};
use gongshang_store::cases::{
    AwardApproval, AwardItemRow, AwardRow, CaseAppend, CaseRow, CaseSnapshot, ConclusionRow,
    NewAward, NewBenefitAmount, NewCase, NewCaseEvent, NewOneTimePayment, NewPeriodicBenefit,
    OneTimePaymentRow, PeriodicBenefitRow, StoredDeadline,
};
use gongshang_store::{Posted, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;
use crate::services::{App, At};

// ---- requests and answers -------------------------------------------------------

/// The beneficiary of the items paid to the injured worker themself; a
/// survivor's pension names `spouse` or `dependant-N` instead.
pub const THE_WORKER: &str = "worker";

/// An application for injury determination as a clerk enters it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCaseRequest {
    #[serde(default)]
    pub number: Option<String>,
    pub person: ResidentId,
    /// The insured unit (registered).
    pub unit: CreditCode,
    pub scheme_id: SchemeId,
    /// GB/T 2260 code of the pooling region; the unit's region if absent.
    #[serde(default)]
    pub region: Option<String>,
    pub applicant: ApplicantRole,
    pub accident_date: Date,
    /// The day it was filed; the day it is recorded if absent.
    #[serde(default)]
    pub filed_on: Option<Date>,
    pub ground_claimed: Ground,
    #[serde(default)]
    pub materials: BTreeSet<MaterialKind>,
    /// What identifies the accident across cases; `<resident id>@<date>` if absent.
    #[serde(default)]
    pub accident_key: Option<String>,
    #[serde(default)]
    pub intern_school: Option<String>,
}

/// An application for 职业伤害确认 under the platform pilot (a scheme whose
/// claim procedure is `occupational_injury_confirmation`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationRequest {
    #[serde(default)]
    pub number: Option<String>,
    pub person: ResidentId,
    pub scheme_id: SchemeId,
    /// The platform whose order the worker was on.
    pub platform: PlatformId,
    /// GB/T 2260 code of the place of the injury.
    #[serde(default)]
    pub region: Option<String>,
    pub applicant: confirmation::ConfirmationApplicant,
    pub accident_date: Date,
    /// The moment of the injury (its day in China must be `accident_date`);
    /// the cover is checked for the day.
    #[serde(default)]
    pub injured_at: Option<Timestamp>,
    #[serde(default)]
    pub filed_on: Option<Date>,
    #[serde(default)]
    pub accident_key: Option<String>,
}

/// A claim to the insurer of an accident scheme (益鹭保: a scheme whose
/// claim procedure is `insurer_claim`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    #[serde(default)]
    pub number: Option<String>,
    pub person: ResidentId,
    pub scheme_id: SchemeId,
    #[serde(default)]
    pub region: Option<String>,
    pub accident_date: Date,
    #[serde(default)]
    pub injured_at: Option<Timestamp>,
    #[serde(default)]
    pub filed_on: Option<Date>,
    #[serde(default)]
    pub accident_key: Option<String>,
    /// What is claimed; the payout the schedule computes if absent.
    #[serde(default)]
    pub claimed: Option<Money>,
    /// The rules engine's facts of the accident for the insurer's schedule
    /// (`death_date`, `grade`, `medical_expenses`, `hospital_days`, ...),
    /// without `injury_date`, which is the accident's.
    #[serde(default)]
    pub facts: Option<serde_json::Value>,
}

/// A command to a case, for one of its streams.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseCommand {
    Determination(determination::Command),
    Appraisal(appraisal::Command),
    /// The platform pilot's confirmation (confirm, deny, withdraw).
    Confirmation(confirmation::Command),
    /// The insurer's claim (approve, decline, pay, withdraw).
    Claim(insurer_claim::Command),
}

impl CaseCommand {
    fn stream(&self) -> EventStream {
        match self {
            CaseCommand::Determination(_) => EventStream::Determination,
            CaseCommand::Appraisal(_) => EventStream::Appraisal,
            CaseCommand::Confirmation(_) => EventStream::Confirmation,
            CaseCommand::Claim(_) => EventStream::InsurerClaim,
        }
    }
}

/// A case as its events say, with the stored row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseView {
    pub row: CaseRow,
    pub determination: determination::State,
    pub appraisal: appraisal::State,
    /// The platform pilot's confirmation (flow `confirmation`).
    pub confirmation: Option<confirmation::State>,
    /// The insurer's claim (flow `insurer_claim`).
    pub claim: Option<insurer_claim::State>,
    /// The payout the scheme's schedule computes for the claim (capped), the
    /// most that may be approved with what the accident has left under the cap.
    pub claim_assessed: Option<Money>,
    pub deadlines: Vec<Deadline>,
    pub days_left: Option<i64>,
    pub events: Vec<CaseEventRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub number: String,
    pub state: CaseState,
    pub scheme_id: SchemeId,
    pub deadline: StoredDeadline,
    pub days_left: i64,
    pub overdue: bool,
    /// The due date was counted in a year whose holiday arrangement is not
    /// loaded (weekends only); it may move once the year is loaded.
    pub provisional: bool,
}

/// What `compute_award` needs besides the case and its appraisal: the facts
/// of the rules engine's case (own wage, suspension months, hospital days,
/// dependants, death date, ...). Injury date, region, grade, nursing level and
/// appraisal date come from the case and its appraisal and may not be given.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    /// A rules-engine case (`CaseInput`) without `injury_date`, `grade`,
    /// `nursing` and `appraisal_date`.
    pub facts: serde_json::Value,
    /// Why it is computed (the first award: `initial`).
    #[serde(default = "initial")]
    pub basis: AwardBasis,
    /// Birth dates of the non-spouse dependants, in the order of the rules
    /// engine's survivors: their pensions end the month before they turn 18.
    #[serde(default)]
    pub dependant_birth_dates: Vec<Option<Date>>,
    /// The approved award this one replaces, named to confirm the
    /// replacement: required (and checked to be the award approved now)
    /// whenever the case has an approved award (issue 13).
    #[serde(default)]
    pub replaces: Option<i64>,
}

fn initial() -> AwardBasis {
    AwardBasis::Initial
}

/// One line of the difference between the approved award and a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DifferenceLine {
    pub item: gongshang_rules::Item,
    pub beneficiary: String,
    pub periodicity: gongshang_rules::award::Periodicity,
    pub before: Money,
    pub after: Money,
    /// Months already paid at the old amount (periodic items).
    pub months_paid: u32,
    /// Positive: arrears to pay; negative: an amount to recover.
    pub difference: Money,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub lines: Vec<DifferenceLine>,
    pub arrears: Money,
    pub to_recover: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwardView {
    pub award: AwardRow,
    pub case_number: String,
    /// Against the award approved when this one was proposed (or the one it
    /// superseded).
    pub difference: Option<Difference>,
    pub benefits: Vec<PeriodicBenefitRow>,
    pub payments: Vec<OneTimePaymentRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OneTimePaid {
    pub item: gongshang_rules::Item,
    pub beneficiary: String,
    pub amount: Money,
    pub already_paid: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OneTimePayout {
    pub paid: Vec<OneTimePaid>,
    /// Paid before above what the approved award now says.
    pub to_recover: Vec<(gongshang_rules::Item, String, Money)>,
}

// ---- helpers ------------------------------------------------------------------

fn rejection(e: Rejection) -> AppError {
    match e {
        Rejection::InvalidInput { field, reason } => AppError::Invalid { field, reason },
        Rejection::Calendar(d) => AppError::Domain(d),
        // Its own code reaches the caller (409 at the API: the case's state).
        other => AppError::Rejected(other),
    }
}

fn to_json<T: Serialize>(field: &'static str, v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::invalid(field, e.to_string()))
}

fn text_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn key(text: &str) -> Result<IdempotencyKey, AppError> {
    Ok(IdempotencyKey::parse(text)?)
}

fn reference(text: &str) -> Result<ReferenceId, AppError> {
    Ok(ReferenceId::parse(text)?)
}

fn sum(a: Money, b: Money) -> Result<Money, AppError> {
    a.checked_add(b)
        .ok_or_else(|| AppError::invalid("amount", "a total beyond i64 fen"))
}

fn diff(a: Money, b: Money) -> Result<Money, AppError> {
    a.checked_sub(b)
        .ok_or_else(|| AppError::invalid("amount", "a difference beyond i64 fen"))
}

fn times(a: Money, n: u32) -> Result<Money, AppError> {
    a.fen()
        .checked_mul(i64::from(n))
        .map(Money::from_fen)
        .ok_or_else(|| AppError::invalid("amount", "a product beyond i64 fen"))
}

/// The events of a case, folded.
struct Loaded {
    row: CaseRow,
    determination: Vec<determination::Event>,
    appraisal: Vec<appraisal::Event>,
    confirmation: Vec<confirmation::Event>,
    claim: Vec<insurer_claim::Event>,
    records: Vec<CaseEventRecord>,
}

impl Loaded {
    fn determination_state(&self) -> determination::State {
        determination::State::from_events(&self.determination)
    }

    fn appraisal_state(&self) -> appraisal::State {
        appraisal::State::from_events(&self.appraisal)
    }

    fn confirmation_state(&self) -> confirmation::State {
        confirmation::State::from_events(&self.confirmation)
    }

    fn claim_state(&self) -> insurer_claim::State {
        insurer_claim::State::from_events(&self.claim)
    }

    /// Recognised by the determination, or confirmed under the platform pilot:
    /// an appraisal and an award may follow.
    fn injury_recognised(&self) -> bool {
        matches!(
            self.determination_state()
                .decision
                .as_ref()
                .map(|x| &x.finding),
            Some(Finding::Recognised { .. })
        ) || self.confirmation_state().phase == confirmation::Phase::Confirmed
    }

    fn phase_name(&self) -> &'static str {
        match self.row.flow {
            Flow::Confirmation => self.confirmation_state().phase.name(),
            Flow::InsurerClaim => self.claim_state().phase.name(),
            Flow::Determination => self.determination_state().phase.name(),
        }
    }
}

/// The domain's confirmation limits from the scheme's procedure parameters.
fn confirmation_limits(
    limits: ProcedureLimits,
    scheme: &Scheme,
) -> Result<confirmation::ConfirmationLimits, AppError> {
    let source = limits.source();
    match limits {
        ProcedureLimits::Confirmation {
            platform_days,
            worker_days,
            decision_days,
            decision_in_working_days,
        } => Ok(confirmation::ConfirmationLimits {
            platform_days: platform_days.whole(),
            worker_days: worker_days.whole(),
            decision_days: decision_days.whole(),
            decision_in_working_days,
            source,
        }),
        ProcedureLimits::InsurerClaim { .. } => Err(AppError::invalid(
            "scheme_id",
            format!(
                "{} has an insurer-claim procedure, not a confirmation",
                scheme.id
            ),
        )),
    }
}

fn claim_limits(
    limits: ProcedureLimits,
    scheme: &Scheme,
) -> Result<insurer_claim::ClaimLimits, AppError> {
    let source = limits.source();
    match limits {
        ProcedureLimits::InsurerClaim {
            claim_days,
            review_days,
            payout_days,
        } => Ok(insurer_claim::ClaimLimits {
            claim_days: claim_days.whole(),
            review_days: review_days.whole(),
            payout_days: payout_days.whole(),
            source,
        }),
        ProcedureLimits::Confirmation { .. } => Err(AppError::invalid(
            "scheme_id",
            format!(
                "{} has a confirmation procedure, not an insurer claim",
                scheme.id
            ),
        )),
    }
}

mod advances;
mod appraisal_fee;
mod awards;
mod commands;
pub mod events;
mod filing;
mod frequency;
mod medical;
mod missing;
mod payers;
mod preview;
mod reading;
mod recurrence;
mod recusal;
mod revision;
mod unit_dues;

pub use advances::{
    AdvanceApplication, AdvanceDecision, AdvanceLineView, AdvanceRecoveryRequest, AdvanceState,
    AdvanceView, MonthlyAdvanceEndRequest, MonthlyAdvanceEndView, MonthlyAdvanceView,
    UnitAdvanceDebts,
};
pub use appraisal_fee::{APPRAISAL_FEE_ARTICLE, AppraisalFeeInput, AppraisalFeeView};
pub use events::{CaseEventRecord, DecodedEvent, EVENT_FORMAT};
pub use gongshang_store::BackPaymentRow;
pub use gongshang_store::advances::{AdvanceRecoveryRow, Applicant as AdvanceApplicant};
pub use gongshang_store::cases::Recusal;
pub use gongshang_store::cases::{
    InstitutionRow, MedicalBillLineRow, MedicalBillRow, MedicalBillStatus,
};
pub use gongshang_store::cases::{RecurrenceAwardRow, RecurrenceAwardStatus, RecurrenceRow};
pub use gongshang_store::fund::{AppraisalFeePayer, AppraisalFeeRow};
pub(crate) use medical::medical_bill_view;
pub use medical::{
    InstitutionRequest, MedicalBillRequest, MedicalBillView, REIMBURSEMENT_DAYS_PARAMETER,
    SettleRequest,
};
pub use missing::{
    MISSING_EVENT_FORMAT, MissingEventRecord, MissingRequest, MissingStatus, MissingView,
    decode_missing,
};
pub use payers::{Art62Finding, BackPaymentRequest, CasePayers, PayerLine, UninsuredGround};
pub use preview::CommandPreview;
pub use recurrence::{MEDICAL_NOTE_MAX_CHARS, RecurrenceAwardRequest, RecurrenceRequest};
pub use revision::RevisionInput;
pub use unit_dues::{UnitDueLine, UnitDuePaymentRequest, UnitDuePaymentView, UnitDues};

impl App {
    /// Today in China: the day a command is recorded on unless given.
    fn case_today(&self) -> Date {
        coverage::date_in_china(self.now())
    }

    /// The case's row, if it is in the actor's scope (otherwise not found:
    /// its existence does not leak).
    pub(crate) fn case_row(&self, actor: &Actor, number: &str) -> Result<CaseRow, AppError> {
        self.store
            .case_by_number(number)?
            .filter(|row| reaches_case(actor, row))
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: number.to_owned(),
            })
    }

    /// Counts a stored case's running deadline again (by the calendar in
    /// force now) and rewrites its row if the case did not move on.
    pub(crate) fn refresh_case_deadline(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<bool, AppError> {
        let loaded = self.load_case(actor, number)?;
        let snapshot = self.flow_snapshot(
            loaded.row.flow,
            &loaded.determination_state(),
            &loaded.appraisal_state(),
            &loaded.confirmation_state(),
            &loaded.claim_state(),
        )?;
        if loaded.row.deadline == snapshot.deadline {
            return Ok(false);
        }
        Ok(self.store.refresh_case_snapshot(
            loaded.row.id,
            loaded.row.version,
            &snapshot,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    fn load_case(&self, actor: &Actor, number: &str) -> Result<Loaded, AppError> {
        let row = self.case_row(actor, number)?;
        self.load_row(row)
    }

    /// A case's events, for a row the caller may already read.
    fn load_row(&self, row: CaseRow) -> Result<Loaded, AppError> {
        let mut loaded = Loaded {
            determination: Vec::new(),
            appraisal: Vec::new(),
            confirmation: Vec::new(),
            claim: Vec::new(),
            records: Vec::new(),
            row,
        };
        for e in self.store.case_events(loaded.row.id)? {
            let event = events::decode(e.stream, e.format, &e.body).map_err(|reason| {
                AppError::Store(StoreError::InvalidData {
                    field: "case_event",
                    reason: format!("case {} event {}: {reason}", loaded.row.number, e.seq),
                })
            })?;
            match event {
                DecodedEvent::Determination(x) => loaded.determination.push(x),
                DecodedEvent::Appraisal(x) => loaded.appraisal.push(x),
                DecodedEvent::Confirmation(x) => loaded.confirmation.push(x),
                DecodedEvent::Claim(x) => loaded.claim.push(x),
            }
            loaded.records.push(CaseEventRecord::from(&e));
        }
        Ok(loaded)
    }

    /// The running deadlines of both streams, the most urgent first.
    fn running_deadlines(
        &self,
        d: &determination::State,
        a: &appraisal::State,
    ) -> Result<Vec<Deadline>, AppError> {
        let mut out = determination::deadlines(d, &self.calendar())?;
        out.extend(appraisal::deadlines(a, &self.calendar()).map_err(rejection)?);
        out.sort_by_key(|x| (x.due, x.kind));
        Ok(out)
    }

    fn snapshot(
        &self,
        d: &determination::State,
        a: &appraisal::State,
    ) -> Result<CaseSnapshot, AppError> {
        let deadline = self.running_deadlines(d, a)?.into_iter().next();
        let state = match (d.phase, a.pending.is_some(), a.history.is_empty()) {
            (determination::Phase::Decided, true, _) => CaseState::AppraisalPending,
            (determination::Phase::Decided, false, false) => CaseState::Appraised,
            (p, _, _) => p.into(),
        };
        Ok(CaseSnapshot {
            state,
            // A recognised case stays open for its appraisal and award.
            closed: d.phase.is_closed()
                && !matches!(
                    d.decision.as_ref().map(|x| &x.finding),
                    Some(Finding::Recognised { .. })
                ),
            deadline: deadline.map(|x| StoredDeadline {
                kind: x.kind,
                due: x.due,
                article: x.article,
            }),
        })
    }

    fn determination_events(
        events: &[determination::Event],
    ) -> Result<Vec<NewCaseEvent>, AppError> {
        events::encode_all(EventStream::Determination, events, |e| e.on)
    }

    fn recognition(events: &[determination::Event], accident_key: &str) -> Option<(String, Date)> {
        events.iter().find_map(|e| match &e.change {
            determination::Change::Decided { decision } => match decision.finding {
                Finding::Recognised { .. } => Some((accident_key.to_owned(), e.on)),
                Finding::NotRecognised { .. } => None,
            },
            _ => None,
        })
    }
}

/// Whether the case is in the actor's scope: agency staff every case, a
/// unit its own workers' cases, a worker their own.
pub(crate) fn reaches_case(actor: &Actor, row: &CaseRow) -> bool {
    match &actor.scope {
        Scope::All => true,
        Scope::Unit { unit, .. } => row.unit.as_ref() == Some(unit),
        Scope::Person(p) => row.person == *p,
        Scope::StatisticsOnly | Scope::Partner(_) => false,
    }
}

// ---- the platform pilot's confirmation and the insurer's claims -------------------

impl App {
    /// The running deadlines of the confirmation and the claim streams.
    fn flow_deadlines(
        &self,
        c: &confirmation::State,
        k: &insurer_claim::State,
    ) -> Result<Vec<Deadline>, AppError> {
        let mut out = confirmation::deadlines(c, &self.calendar()).map_err(rejection)?;
        out.extend(insurer_claim::deadlines(k, &self.calendar()).map_err(rejection)?);
        Ok(out)
    }

    /// The stored row's state, closure and next deadline, by the case's flow.
    fn flow_snapshot(
        &self,
        flow: Flow,
        d: &determination::State,
        a: &appraisal::State,
        c: &confirmation::State,
        k: &insurer_claim::State,
    ) -> Result<CaseSnapshot, AppError> {
        let (state, closed, mut deadlines) = match flow {
            Flow::Confirmation => {
                let confirmed = c.phase == confirmation::Phase::Confirmed;
                let state = match (confirmed, a.pending.is_some(), a.history.is_empty()) {
                    (true, true, _) => CaseState::AppraisalPending,
                    (true, false, false) => CaseState::Appraised,
                    _ => c.phase.into(),
                };
                let mut dl = confirmation::deadlines(c, &self.calendar()).map_err(rejection)?;
                dl.extend(appraisal::deadlines(a, &self.calendar()).map_err(rejection)?);
                // A confirmed case stays open for its appraisal and award.
                (state, c.phase.is_closed() && !confirmed, dl)
            }
            Flow::InsurerClaim => (
                k.phase.into(),
                k.phase.is_closed(),
                insurer_claim::deadlines(k, &self.calendar()).map_err(rejection)?,
            ),
            Flow::Determination => return self.snapshot(d, a),
        };
        deadlines.sort_by_key(|x| (x.due, x.kind));
        Ok(CaseSnapshot {
            state,
            closed,
            deadline: deadlines.into_iter().next().map(|x| StoredDeadline {
                kind: x.kind,
                due: x.due,
                article: x.article,
            }),
        })
    }

    /// Whether the person was covered under `scheme_id` at the moment of the
    /// injury (order days on `platform` for the pilot, days bought for 益鹭保),
    /// by the coverage service.
    fn covered_at_injury(
        &self,
        person: &ResidentId,
        scheme_id: &SchemeId,
        accident_date: Date,
        injured_at: Option<Timestamp>,
        platform: Option<&PlatformId>,
    ) -> Result<bool, AppError> {
        let at = match injured_at {
            Some(t) => {
                let day = coverage::date_in_china(t);
                if day != accident_date {
                    return Err(AppError::invalid(
                        "injured_at",
                        format!(
                            "{t} is {day} in China; allowed: a moment on accident_date {accident_date}"
                        ),
                    ));
                }
                At::Instant(t)
            }
            None => At::Day(accident_date),
        };
        Ok(self
            .coverage_answer(person, at, None, None)?
            .covers
            .iter()
            .any(|c| {
                &c.scheme_id == scheme_id
                    && platform
                        .is_none_or(|p| c.platform.as_deref().is_none_or(|cp| cp == p.as_str()))
            }))
    }

    fn accident_key_of(
        given: Option<&String>,
        person: &ResidentId,
        date: Date,
    ) -> Result<AccidentKey, AppError> {
        Ok(AccidentKey::parse(&given.cloned().unwrap_or_else(|| {
            format!("{}@{}", person.as_str(), date)
        }))?)
    }
}
