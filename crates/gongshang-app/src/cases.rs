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

use std::collections::{BTreeMap, BTreeSet};

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

use crate::error::AppError;
use crate::services::{App, At};

// ---- requests and answers -------------------------------------------------------

/// An application for injury determination as a clerk enters it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCaseRequest {
    #[serde(default)]
    pub number: Option<String>,
    pub person: ResidentId,
    /// The insured unit (registered).
    pub unit: CreditCode,
    pub scheme_id: String,
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
    pub scheme_id: String,
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
    pub scheme_id: String,
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
    fn stream(&self) -> &'static str {
        match self {
            CaseCommand::Determination(_) => "determination",
            CaseCommand::Appraisal(_) => "appraisal",
            CaseCommand::Confirmation(_) => "confirmation",
            CaseCommand::Claim(_) => "insurer_claim",
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
    pub events: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub number: String,
    pub state: String,
    pub scheme_id: String,
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
    /// `initial`, `new_appraisal`, `parameter_correction`, ...
    #[serde(default = "initial")]
    pub basis: String,
    /// Birth dates of the non-spouse dependants, in the order of the rules
    /// engine's survivors: their pensions end the month before they turn 18.
    #[serde(default)]
    pub dependant_birth_dates: Vec<Option<Date>>,
}

fn initial() -> String {
    "initial".into()
}

/// One line of the difference between the approved award and a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DifferenceLine {
    pub item: String,
    pub beneficiary: String,
    pub periodicity: String,
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
    pub item: String,
    pub beneficiary: String,
    pub amount: Money,
    pub already_paid: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OneTimePayout {
    pub paid: Vec<OneTimePaid>,
    /// Paid before above what the approved award now says.
    pub to_recover: Vec<(String, String, Money)>,
}

// ---- helpers ------------------------------------------------------------------

fn rejection(e: Rejection) -> AppError {
    match e {
        Rejection::InvalidInput { field, reason } => AppError::Invalid { field, reason },
        Rejection::Calendar(d) => AppError::Domain(d),
        other => AppError::Conflict {
            entity: "case",
            reason: format!("{} ({})", other, other.code()),
        },
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
    raw: Vec<serde_json::Value>,
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
        match self.row.flow.as_str() {
            "confirmation" => self.confirmation_state().phase.name(),
            "insurer_claim" => self.claim_state().phase.name(),
            _ => self.determination_state().phase.name(),
        }
    }
}

/// The `event` tag of a domain event, its kind in the store.
fn kind_of<T: Serialize>(change: &T) -> String {
    serde_json::to_value(change)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str().map(str::to_owned)))
        .unwrap_or_else(|| "event".into())
}

fn stream_events<T: Serialize>(
    stream: &str,
    events: &[T],
    on: impl Fn(&T) -> Date,
) -> Result<Vec<NewCaseEvent>, AppError> {
    events
        .iter()
        .map(|e| {
            Ok(NewCaseEvent {
                stream: stream.into(),
                kind: kind_of(e),
                on: on(e),
                body: to_json("event", e)?,
            })
        })
        .collect()
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

impl App {
    /// Today in China: the day a command is recorded on unless given.
    fn case_today(&self) -> Date {
        coverage::date_in_china(self.now())
    }

    fn case_row(&self, number: &str) -> Result<CaseRow, AppError> {
        self.store
            .case_by_number(number)?
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: number.to_owned(),
            })
    }

    /// Counts a stored case's running deadline again (by the calendar in
    /// force now) and rewrites its row if the case did not move on.
    pub(crate) fn refresh_case_deadline(
        &self,
        number: &str,
        actor: &str,
    ) -> Result<bool, AppError> {
        let loaded = self.load_case(number)?;
        let snapshot = self.flow_snapshot(
            &loaded.row.flow,
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
            actor,
            self.now(),
        )?)
    }

    fn load_case(&self, number: &str) -> Result<Loaded, AppError> {
        let row = self.case_row(number)?;
        let mut loaded = Loaded {
            determination: Vec::new(),
            appraisal: Vec::new(),
            confirmation: Vec::new(),
            claim: Vec::new(),
            raw: Vec::new(),
            row,
        };
        for e in self.store.case_events(loaded.row.id)? {
            let bad = |err: serde_json::Error| {
                AppError::Store(StoreError::InvalidData {
                    field: "case_event",
                    reason: format!("case {} event {}: {err}", loaded.row.number, e.seq),
                })
            };
            match e.stream.as_str() {
                "determination" => loaded
                    .determination
                    .push(serde_json::from_str(&e.body).map_err(bad)?),
                "appraisal" => loaded
                    .appraisal
                    .push(serde_json::from_str(&e.body).map_err(bad)?),
                "confirmation" => loaded
                    .confirmation
                    .push(serde_json::from_str(&e.body).map_err(bad)?),
                "insurer_claim" => loaded
                    .claim
                    .push(serde_json::from_str(&e.body).map_err(bad)?),
                other => {
                    return Err(AppError::invalid(
                        "stream",
                        format!("case {number}: stream {other} is not handled yet"),
                    ));
                }
            }
            let mut v: serde_json::Value =
                serde_json::from_str(&e.body).unwrap_or(serde_json::Value::Null);
            if let serde_json::Value::Object(m) = &mut v {
                m.insert("stream".into(), e.stream.clone().into());
                m.insert("seq".into(), e.seq.into());
                m.insert("actor".into(), e.actor.clone().into());
            }
            loaded.raw.push(v);
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
            (determination::Phase::Decided, true, _) => "appraisal_pending".to_owned(),
            (determination::Phase::Decided, false, false) => "appraised".to_owned(),
            (p, _, _) => p.name().to_owned(),
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
                kind: text_of(&x.kind),
                due: x.due,
                article: x.article,
            }),
        })
    }

    fn determination_events(
        events: &[determination::Event],
    ) -> Result<Vec<NewCaseEvent>, AppError> {
        events
            .iter()
            .map(|e| {
                Ok(NewCaseEvent {
                    stream: "determination".into(),
                    kind: e.change.name().into(),
                    on: e.on,
                    body: to_json("event", e)?,
                })
            })
            .collect()
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

    /// Files an application. Under single-risk and platform schemes the
    /// coverage service says whether the person was covered on the day of
    /// the accident; an uncovered application is recorded as inadmissible
    /// with that reason (the case exists, closed). An accident already
    /// recognised in another case is inadmissible too.
    pub fn file_case(&self, req: &FileCaseRequest, actor: &str) -> Result<CaseRow, AppError> {
        let scheme = self.policy.scheme(&req.scheme_id)?;
        let flow = Flow::for_procedure(scheme.claim_procedure);
        if flow != Flow::Determination {
            // The confirmation and the insurer's claim take other facts
            // (the platform, the claim): `file_confirmation`, `file_claim`,
            // or `file_application`, where the scheme decides.
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} follows the {} flow; file it as a {} application",
                    req.scheme_id,
                    text_of(&flow),
                    text_of(&flow)
                ),
            ));
        }
        let kind = SchemeKind::of(scheme);
        let unit = self
            .store
            .unit_by_code(&req.unit)?
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: req.unit.as_str().to_owned(),
            })?;
        let today = self.case_today();
        let filed_on = req.filed_on.unwrap_or(today);
        let covered = if kind.requires_cover_at_injury() {
            self.coverage(&req.person, At::Day(req.accident_date), None)?
                .covers
                .iter()
                .any(|c| c.scheme_id == req.scheme_id)
        } else {
            false
        };
        let accident_key = AccidentKey::parse(
            &req.accident_key
                .clone()
                .unwrap_or_else(|| format!("{}@{}", req.person.as_str(), req.accident_date)),
        )?;
        let application = Application {
            applicant: req.applicant,
            accident_or_diagnosis_date: req.accident_date,
            filed_on,
            materials: req.materials.clone(),
            ground_claimed: req.ground_claimed,
            insured_unit: InsuredUnit {
                credit_code: req.unit,
                name: unit.name.clone(),
            },
            scheme: SchemeRef {
                id: req.scheme_id.clone(),
                kind,
            },
            covered_at_injury: covered,
            // Covered people under single-risk and platform schemes need no
            // proof of a labour relation.
            labour_relation_proof_needed: !(kind.requires_cover_at_injury() && covered),
            accident_key: accident_key.clone(),
            intern_school: req.intern_school.clone(),
        };
        let recognised_in = self.store.accident_recognised_in(accident_key.as_str())?;
        let already = |_: &AccidentKey| recognised_in.is_some();
        let ctx = Context {
            calendar: &self.calendar(),
            already_recognised: &already,
        };
        let state = determination::State::default();
        // Recorded on the day it was filed (not after today).
        let events = determination::decide(
            &state,
            determination::Command::Apply(application),
            filed_on.min(today),
            &ctx,
        )
        .map_err(rejection)?;
        let folded = determination::State::from_events(&events);
        let append = CaseAppend {
            expected_version: 0,
            events: Self::determination_events(&events)?,
            snapshot: self.snapshot(&folded, &appraisal::State::default())?,
            recognises: None,
            conclusions: Vec::new(),
        };
        let case = NewCase {
            number: req.number.clone(),
            flow: "determination".into(),
            person: req.person,
            unit: Some(req.unit),
            scheme_id: req.scheme_id.clone(),
            jurisdiction: scheme.jurisdiction.clone(),
            region: req
                .region
                .clone()
                .or_else(|| Some(unit.region.as_str().to_owned())),
            accident_key: accident_key.as_str().to_owned(),
            accident_date: req.accident_date,
        };
        Ok(self.store.create_case(&case, &append, actor, self.now())?)
    }

    /// Applies a command to a case on `on` (today if absent) through the
    /// domain's `decide`, and appends what it records.
    pub fn act(
        &self,
        number: &str,
        command: CaseCommand,
        on: Option<Date>,
        actor: &str,
    ) -> Result<CaseRow, AppError> {
        let loaded = self.load_case(number)?;
        let today = self.case_today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(AppError::invalid(
                "on",
                format!(
                    "{on} is after today, {today}; a command is recorded on or before the day it is entered"
                ),
            ));
        }
        let mut d = loaded.determination_state();
        let mut a = loaded.appraisal_state();
        let mut c = loaded.confirmation_state();
        let mut k = loaded.claim_state();
        let expected_flow = match &command {
            CaseCommand::Determination(_) => Some("determination"),
            CaseCommand::Confirmation(_) => Some("confirmation"),
            CaseCommand::Claim(_) => Some("insurer_claim"),
            CaseCommand::Appraisal(_) => None,
        };
        if let Some(flow) = expected_flow
            && flow != loaded.row.flow
        {
            return Err(AppError::invalid(
                "command",
                format!(
                    "case {number} follows the {} flow; a {flow} command does not apply",
                    loaded.row.flow
                ),
            ));
        }
        let stream = command.stream();
        let (events, recognises, conclusions) = match command {
            CaseCommand::Determination(cmd) => {
                let recognised_in = self
                    .store
                    .accident_recognised_in(&loaded.row.accident_key)?;
                let mine = loaded.row.number.clone();
                let already = |_: &AccidentKey| recognised_in.as_ref().is_some_and(|n| *n != mine);
                let ctx = Context {
                    calendar: &self.calendar(),
                    already_recognised: &already,
                };
                let events = determination::decide(&d, cmd, on, &ctx).map_err(rejection)?;
                for e in &events {
                    d.apply(e);
                }
                let recognises = Self::recognition(&events, &loaded.row.accident_key);
                (Self::determination_events(&events)?, recognises, Vec::new())
            }
            CaseCommand::Confirmation(cmd) => {
                let limits = c.limits.clone().ok_or_else(|| AppError::Conflict {
                    entity: "case",
                    reason: format!("case {number} has no confirmation application"),
                })?;
                let confirmed_in = self
                    .store
                    .accident_recognised_in(&loaded.row.accident_key)?;
                let mine = loaded.row.number.clone();
                let already = |_: &AccidentKey| confirmed_in.as_ref().is_some_and(|n| *n != mine);
                let ctx = confirmation::Context {
                    calendar: &self.calendar(),
                    limits: &limits,
                    already_confirmed: &already,
                };
                let events = confirmation::decide(&c, cmd, on, &ctx).map_err(rejection)?;
                let mut recognises = None;
                for e in &events {
                    c.apply(e);
                    if matches!(e.change, confirmation::Change::Confirmed { .. }) {
                        recognises = Some((loaded.row.accident_key.clone(), e.on));
                    }
                }
                (
                    stream_events(stream, &events, |e| e.on)?,
                    recognises,
                    Vec::new(),
                )
            }
            CaseCommand::Claim(cmd) => {
                let limits = k.limits.clone().ok_or_else(|| AppError::Conflict {
                    entity: "case",
                    reason: format!("case {number} has no claim"),
                })?;
                if let insurer_claim::Command::Approve { amount } = &cmd {
                    // The schedule's payout (capped) bounds the approval, as
                    // the cap left for the accident does (in the domain).
                    let assessed = self.claim_assessment(loaded.row.id)?.ok_or_else(|| {
                        AppError::Conflict {
                            entity: "case",
                            reason: format!(
                                "case {number} has no payout computed by the scheme's schedule; assess it first"
                            ),
                        }
                    })?;
                    if *amount > assessed {
                        return Err(AppError::invalid(
                            "amount",
                            format!(
                                "{amount} yuan is more than the payout the scheme's schedule computes: at most {assessed}"
                            ),
                        ));
                    }
                    // The cap as it stands now: another claim of the accident
                    // may have been approved since this one was filed.
                    if let Some(claim) = &k.claim {
                        let person = ResidentId::parse(&loaded.row.person)?;
                        let others = self.claimed_before_for_accident(
                            &person,
                            &loaded.row.accident_key,
                            Some(number),
                        )?;
                        let left = diff(claim.cap, others)?.max(Money::ZERO);
                        if *amount > left {
                            return Err(AppError::invalid(
                                "amount",
                                format!(
                                    "{amount} yuan is more than the cap of {} leaves after the accident's other claims ({others}): at most {left}",
                                    claim.cap
                                ),
                            ));
                        }
                    }
                }
                let events = insurer_claim::decide(&k, cmd, on, &self.calendar(), &limits)
                    .map_err(rejection)?;
                for e in &events {
                    k.apply(e);
                }
                (stream_events(stream, &events, |e| e.on)?, None, Vec::new())
            }
            CaseCommand::Appraisal(cmd) => {
                if !loaded.injury_recognised() {
                    return Err(AppError::Conflict {
                        entity: "case",
                        reason: format!(
                            "case {number} is {}; a work-capacity appraisal follows a recognised injury (条例 Art 21)",
                            loaded.phase_name()
                        ),
                    });
                }
                let events = appraisal::decide(&a, cmd, on, &self.calendar()).map_err(rejection)?;
                let mut conclusions = Vec::new();
                let mut out = Vec::new();
                for e in &events {
                    a.apply(e);
                    if let appraisal::Change::Concluded { conclusion: c } = &e.change {
                        conclusions.push(ConclusionRow {
                            number: i64::try_from(c.number).unwrap_or(i64::MAX),
                            kind: text_of(&c.kind),
                            level: text_of(&c.level),
                            applied_on: c.applied_on,
                            concluded_on: c.concluded_on,
                            grade: c.grade.map(|g| g.get()),
                            nursing: c.nursing.map(|n| text_of(&n)),
                            late_by_days: c.late_by_days,
                            reappraisal_of: c.reappraisal_of.and_then(|n| i64::try_from(n).ok()),
                        });
                    }
                    let kind = match &e.change {
                        appraisal::Change::Applied { .. } => "applied",
                        appraisal::Change::Extended { .. } => "extended",
                        appraisal::Change::Concluded { .. } => "concluded",
                        appraisal::Change::Received { .. } => "received",
                    };
                    out.push(NewCaseEvent {
                        stream: stream.into(),
                        kind: kind.into(),
                        on: e.on,
                        body: to_json("event", e)?,
                    });
                }
                (out, None, conclusions)
            }
        };
        let append = CaseAppend {
            expected_version: loaded.row.version,
            events,
            snapshot: self.flow_snapshot(&loaded.row.flow, &d, &a, &c, &k)?,
            recognises,
            conclusions,
        };
        self.store
            .append_case_events(loaded.row.id, &append, actor, self.now())
            .map_err(|e| match e {
                StoreError::Duplicate {
                    entity: "recognised accident",
                    key,
                } => AppError::Conflict {
                    entity: "case",
                    reason: format!("accident {key} is already recognised in another case"),
                },
                other => other.into(),
            })
    }

    /// The case, its folded states, its running deadlines and its events.
    pub fn case_view(&self, number: &str) -> Result<CaseView, AppError> {
        let loaded = self.load_case(number)?;
        let d = loaded.determination_state();
        let a = loaded.appraisal_state();
        let c = loaded.confirmation_state();
        let k = loaded.claim_state();
        let mut deadlines = self.running_deadlines(&d, &a)?;
        deadlines.extend(self.flow_deadlines(&c, &k)?);
        deadlines.sort_by_key(|x| (x.due, x.kind));
        let today = self.case_today();
        let days_left = deadlines.first().map(|x| x.days_left(today));
        let claim_assessed = match loaded.row.flow.as_str() {
            "insurer_claim" => self.claim_assessment(loaded.row.id)?,
            _ => None,
        };
        let flow = loaded.row.flow.clone();
        Ok(CaseView {
            row: loaded.row,
            determination: d,
            appraisal: a,
            confirmation: (flow == "confirmation").then_some(c),
            claim: (flow == "insurer_claim").then_some(k),
            claim_assessed,
            deadlines,
            days_left,
            events: loaded.raw,
        })
    }

    /// Open cases with a running deadline: the overdue first, then by days left.
    pub fn work_queue(&self, limit: u32) -> Result<Vec<QueueItem>, AppError> {
        let today = self.case_today();
        let calendar = self.calendar();
        let mut out: Vec<QueueItem> = self
            .store
            .case_queue(limit)?
            .into_iter()
            .filter_map(|c| {
                let deadline = c.deadline?;
                let days_left = days_between(today, deadline.due);
                Some(QueueItem {
                    provisional: calendar.is_provisional(deadline.due),
                    number: c.number,
                    state: c.state,
                    scheme_id: c.scheme_id,
                    days_left,
                    overdue: days_left < 0,
                    deadline,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (!a.overdue, a.days_left, &a.number).cmp(&(!b.overdue, b.days_left, &b.number))
        });
        Ok(out)
    }

    pub fn appraisal_history(&self, number: &str) -> Result<Vec<ConclusionRow>, AppError> {
        let row = self.case_row(number)?;
        Ok(self.store.appraisal_history(row.id)?)
    }

    // ---- awards ---------------------------------------------------------------

    /// The rules engine's case for a recognised case: the facts given, with
    /// the injury date, region, grade, nursing level and appraisal date of the
    /// case and its current appraisal conclusion.
    fn award_input(
        &self,
        loaded: &Loaded,
        facts: &serde_json::Value,
    ) -> Result<CaseInput, AppError> {
        if !loaded.injury_recognised() {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "case {} is {}; an award follows a recognised injury",
                    loaded.row.number,
                    loaded.phase_name()
                ),
            });
        }
        let Some(given) = facts.as_object() else {
            return Err(AppError::invalid(
                "facts",
                "a JSON object (the rules engine's case)",
            ));
        };
        for field in ["injury_date", "grade", "nursing", "appraisal_date"] {
            if given.contains_key(field) {
                return Err(AppError::invalid(
                    "facts",
                    format!(
                        "{field} comes from the case and its appraisal conclusion; leave it out"
                    ),
                ));
            }
        }
        let mut with_date = given.clone();
        with_date.insert(
            "injury_date".into(),
            loaded.row.accident_date.to_string().into(),
        );
        let mut input: CaseInput = serde_json::from_value(serde_json::Value::Object(with_date))
            .map_err(|e| AppError::invalid("facts", e.to_string()))?;
        input.case_id = Some(loaded.row.number.clone());
        input.injury_date = loaded.row.accident_date;
        if input.region.is_none() {
            input.region = loaded.row.region.clone();
        }
        let a = loaded.appraisal_state();
        if let Some(c) = a.current() {
            input.grade = c.grade.map(|g| g.get());
            input.nursing = c.nursing;
            input.appraisal_date = Some(c.concluded_on);
        }
        if input.person.is_none() {
            input.person = self.applicant_of(&loaded.row)?;
        }
        Ok(input)
    }

    /// The person as a scheme's eligibility sees them, from the registry and
    /// the enrolment in the case's scheme (None for a person not registered).
    fn applicant_of(&self, row: &CaseRow) -> Result<Option<Applicant>, AppError> {
        let person = ResidentId::parse(&row.person)?;
        let Some(p) = self.store.person_by_resident_id(&person)? else {
            return Ok(None);
        };
        let enrollment = self
            .store
            .enrollments_of_person(&person)?
            .into_iter()
            .rfind(|e| e.scheme_id == row.scheme_id && e.start <= row.accident_date);
        let Some(e) = enrollment else {
            return Ok(None);
        };
        Ok(Some(Applicant {
            category: e.category,
            birth_date: p.birth_date,
            sex: Some(p.sex),
            retirement_track: Default::default(),
            labour_relation_with_unit: e.category == gongshang_rules::scheme::Category::Employee,
            covered_by_regulations: false,
            region: row.region.clone(),
        }))
    }

    /// The award's lines: one per item and payer, and the survivors'
    /// pensions one per survivor (each is paid and ends on its own).
    fn award_items(result: &SchemeResult) -> Vec<AwardItemRow> {
        let mut out = Vec::new();
        for line in &result.lines {
            let citation = format!("{} {}", line.citation.instrument, line.citation.article);
            let base = AwardItemRow {
                item: text_of(&line.item),
                periodicity: text_of(&line.periodicity),
                payer: text_of(&line.payer),
                beneficiary: "worker".into(),
                amount: line.amount,
                citation,
            };
            let survivors_total: i64 = result.survivors.iter().map(|s| s.paid.fen()).sum();
            if line.item == gongshang_rules::Item::MonthlySurvivorPensions
                && !result.survivors.is_empty()
                && survivors_total == line.amount.fen()
            {
                let mut others = 0;
                for s in &result.survivors {
                    let beneficiary = if s.relation == "spouse" {
                        "spouse".to_owned()
                    } else {
                        others += 1;
                        format!("dependant-{others}")
                    };
                    out.push(AwardItemRow {
                        beneficiary,
                        amount: s.paid,
                        ..base.clone()
                    });
                }
            } else {
                out.push(base);
            }
        }
        out
    }

    /// The difference between the approved award and `items`: one-time items
    /// against what was paid, monthly items by the months paid at the old amount.
    fn difference(
        &self,
        case_id: i64,
        approved: Option<&AwardRow>,
        items: &[AwardItemRow],
        facts: Option<&CaseInput>,
    ) -> Result<Difference, AppError> {
        let mut lines: BTreeMap<(String, String, String), (Money, Money)> = BTreeMap::new();
        if let Some(a) = approved {
            for it in &a.items {
                let e = lines
                    .entry((
                        it.item.clone(),
                        it.beneficiary.clone(),
                        it.periodicity.clone(),
                    ))
                    .or_insert((Money::ZERO, Money::ZERO));
                e.0 = sum(e.0, it.amount)?;
            }
        }
        for it in items {
            let e = lines
                .entry((
                    it.item.clone(),
                    it.beneficiary.clone(),
                    it.periodicity.clone(),
                ))
                .or_insert((Money::ZERO, Money::ZERO));
            e.1 = sum(e.1, it.amount)?;
        }
        let payments = self.store.one_time_payments(case_id)?;
        let benefits = self.store.periodic_benefits_of_case(case_id)?;
        let mut out = Difference::default();
        for ((item, beneficiary, periodicity), (before, after)) in lines {
            let (months_paid, difference) = if periodicity == "monthly" {
                let paid_months = match benefits
                    .iter()
                    .find(|b| b.item == item && b.beneficiary == beneficiary)
                {
                    // Months paid from the month the new amount applies (after a
                    // new appraisal: the month after its conclusion; after a
                    // correction: from the start).
                    Some(b) => {
                        let from = facts.map(|f| benefit_start(f, &item));
                        self.store
                            .payroll_lines_of_benefit(b.id)?
                            .iter()
                            .filter(|(m, _)| from.is_none_or(|f| *m >= f))
                            .count()
                    }
                    None => 0,
                };
                let n = u32::try_from(paid_months).unwrap_or(u32::MAX);
                (n, times(diff(after, before)?, n)?)
            } else {
                let mut paid = Money::ZERO;
                for p in payments
                    .iter()
                    .filter(|p| p.item == item && p.beneficiary == beneficiary)
                {
                    paid = sum(paid, p.amount)?;
                }
                // Before anything is paid the new amount is simply due.
                let d = if paid == Money::ZERO {
                    Money::ZERO
                } else {
                    diff(after, paid)?
                };
                (0, d)
            };
            if difference.fen() > 0 {
                out.arrears = sum(out.arrears, difference)?;
            } else {
                out.to_recover = sum(out.to_recover, Money::from_fen(-difference.fen()))?;
            }
            if before != after || difference != Money::ZERO {
                out.lines.push(DifferenceLine {
                    item,
                    beneficiary,
                    periodicity,
                    before,
                    after,
                    months_paid,
                    difference,
                });
            }
        }
        Ok(out)
    }

    /// Computes the award of a recognised case with the rules engine under
    /// its scheme and jurisdiction, and stores it as proposed by `maker`,
    /// with its trace and the difference from the award approved now.
    pub fn compute_award(
        &self,
        number: &str,
        req: &AwardRequest,
        maker: &str,
    ) -> Result<AwardView, AppError> {
        let loaded = self.load_case(number)?;
        let input = self.award_input(&loaded, &req.facts)?;
        let result = calculate_under_scheme(&self.policy, &loaded.row.scheme_id, &input)?;
        let items = Self::award_items(&result);
        let award = NewAward {
            case_id: loaded.row.id,
            basis: req.basis.clone(),
            legal_date: input.injury_date,
            scheme_id: loaded.row.scheme_id.clone(),
            jurisdiction: loaded.row.jurisdiction.clone(),
            items,
            input: serde_json::json!({
                "case": input,
                "dependant_birth_dates": req.dependant_birth_dates,
            })
            .to_string(),
            trace: to_json("trace", &result.trace)?,
        };
        let id = self.store.create_award(&award, maker, self.now())?;
        self.award_view(id)
    }

    pub fn award_view(&self, award_id: i64) -> Result<AwardView, AppError> {
        let award = self
            .store
            .award(award_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "award",
                key: award_id.to_string(),
            })?;
        let case = self
            .store
            .case_by_id(award.case_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: award.case_id.to_string(),
            })?;
        let awards = self.store.awards_of_case(award.case_id)?;
        let against = match award.status.as_str() {
            "proposed" => awards.iter().find(|a| a.status == "approved"),
            _ => award
                .supersedes
                .and_then(|s| awards.iter().find(|a| a.id == s)),
        };
        let difference = match against {
            Some(a) => {
                let input: serde_json::Value =
                    serde_json::from_str(&award.input).unwrap_or_default();
                let facts: Option<CaseInput> = serde_json::from_value(input["case"].clone()).ok();
                Some(self.difference(award.case_id, Some(a), &award.items, facts.as_ref())?)
            }
            None => None,
        };
        Ok(AwardView {
            case_number: case.number,
            difference,
            benefits: self.store.periodic_benefits_of_case(award.case_id)?,
            payments: self.store.one_time_payments(award.case_id)?,
            award,
        })
    }

    pub fn awards_of_case(&self, number: &str) -> Result<Vec<AwardRow>, AppError> {
        let row = self.case_row(number)?;
        Ok(self.store.awards_of_case(row.id)?)
    }

    fn fund_one_time(award: &AwardRow) -> Result<Money, AppError> {
        let mut total = Money::ZERO;
        for it in award
            .items
            .iter()
            .filter(|i| i.periodicity == "one_time" && i.payer == "fund")
        {
            total = sum(total, it.amount)?;
        }
        Ok(total)
    }

    fn approval_transaction(award: &AwardRow) -> Result<Option<ledger::Transaction>, AppError> {
        let total = Self::fund_one_time(award)?;
        if total == Money::ZERO {
            return Ok(None);
        }
        Ok(Some(ledger::benefit_award_approved(
            key(&format!("award-{}-approved", award.id))?,
            reference(&format!("award-{}", award.id))?,
            total,
        )?))
    }

    /// Approves a proposed award by a second person (the maker cannot):
    /// the fund's one-time items are posted as owed (the superseded award's
    /// posting reversed), the periodic items become benefits (a recalculation
    /// changes the running ones from the next month unpaid), in one
    /// transaction.
    pub fn approve_award(&self, award_id: i64, checker: &str) -> Result<AwardView, AppError> {
        let award = self
            .store
            .award(award_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "award",
                key: award_id.to_string(),
            })?;
        if award.made_by == checker {
            return Err(AppError::Conflict {
                entity: "award",
                reason: format!(
                    "award {award_id} was proposed by {checker}; a second person approves it (maker-checker)"
                ),
            });
        }
        if award.status != "proposed" {
            return Err(AppError::Conflict {
                entity: "award",
                reason: format!(
                    "award {award_id} is {}; only a proposed award is approved",
                    award.status
                ),
            });
        }
        let previous = self
            .store
            .awards_of_case(award.case_id)?
            .into_iter()
            .find(|a| a.status == "approved");
        let mut approval = AwardApproval::default();
        if let Some(prev) = &previous
            && let Some(tx) = Self::approval_transaction(prev)?
        {
            approval.ledger.push(tx.reversal(
                key(&format!("award-{}-revised", prev.id))?,
                ledger::ReasonCode::AwardRevised,
            )?);
        }
        if let Some(tx) = Self::approval_transaction(&award)? {
            approval.ledger_key = Some(tx.idempotency_key().as_str().to_owned());
            approval.ledger.push(tx);
        }
        let input: serde_json::Value = serde_json::from_str(&award.input).unwrap_or_default();
        let facts: CaseInput = serde_json::from_value(input["case"].clone())
            .map_err(|e| AppError::invalid("input", e.to_string()))?;
        let births: Vec<Option<Date>> =
            serde_json::from_value(input["dependant_birth_dates"].clone()).unwrap_or_default();
        let existing = self.store.periodic_benefits_of_case(award.case_id)?;
        let mut continuing = BTreeSet::new();
        for it in award.items.iter().filter(|i| i.periodicity == "monthly") {
            let start = benefit_start(&facts, &it.item);
            if let Some(b) = existing.iter().find(|b| {
                b.item == it.item
                    && b.beneficiary == it.beneficiary
                    && b.payer == it.payer
                    && b.end_reason.is_none()
            }) {
                continuing.insert(b.id);
                // The new amount applies from its own start, but never to a
                // month already paid (those differences are arrears).
                let next_unpaid = match self.store.payroll_lines_of_benefit(b.id)?.last() {
                    Some((m, _)) => m.next(),
                    None => b.start_month,
                }
                .max(start);
                let current = b
                    .amounts
                    .iter()
                    .rfind(|a| a.from_month <= next_unpaid)
                    .map(|a| a.amount);
                if current != Some(it.amount) {
                    approval.amounts.push(NewBenefitAmount {
                        benefit_id: b.id,
                        from_month: next_unpaid,
                        amount: it.amount,
                        reason: format!("award {award_id}"),
                    });
                }
                continue;
            }
            let (end_month, end_reason, end_condition) =
                end_terms(&facts, &it.item, &it.beneficiary, &births);
            approval.new_benefits.push(NewPeriodicBenefit {
                case_id: award.case_id,
                award_id: Some(award_id),
                beneficiary: it.beneficiary.clone(),
                item: it.item.clone(),
                payer: it.payer.clone(),
                start_month: start,
                end_month,
                end_reason,
                end_condition,
                monthly: it.amount,
            });
        }
        for b in existing
            .iter()
            .filter(|b| b.end_reason.is_none() && !continuing.contains(&b.id))
        {
            // Paid up to the last month paid; never paid: ended before it began.
            let last = match self.store.payroll_lines_of_benefit(b.id)?.last() {
                Some((m, _)) => *m,
                None => Month::of(
                    b.start_month
                        .first_day()
                        .yesterday()
                        .map_err(|e| AppError::invalid("start_month", e.to_string()))?,
                ),
            };
            approval
                .endings
                .push((b.id, last, format!("not in award {award_id}")));
        }
        self.store
            .approve_award(award_id, &approval, checker, self.now())?;
        self.award_view(award_id)
    }

    /// Pays the fund's one-time items of the approved award that are not paid
    /// yet (after a recalculation: the difference). Each item once: paying
    /// again pays nothing.
    pub fn pay_one_time(
        &self,
        number: &str,
        paid_on: Date,
        actor: &str,
    ) -> Result<OneTimePayout, AppError> {
        let row = self.case_row(number)?;
        let award = self
            .store
            .awards_of_case(row.id)?
            .into_iter()
            .find(|a| a.status == "approved")
            .ok_or_else(|| AppError::Conflict {
                entity: "case",
                reason: format!("case {number} has no approved award"),
            })?;
        let payments = self.store.one_time_payments(row.id)?;
        let mut out = OneTimePayout::default();
        for it in award
            .items
            .iter()
            .filter(|i| i.periodicity == "one_time" && i.payer == "fund")
        {
            let mut paid = Money::ZERO;
            for p in payments
                .iter()
                .filter(|p| p.item == it.item && p.beneficiary == it.beneficiary)
            {
                paid = sum(paid, p.amount)?;
            }
            let due = diff(it.amount, paid)?;
            if due.fen() < 0 {
                out.to_recover.push((
                    it.item.clone(),
                    it.beneficiary.clone(),
                    Money::from_fen(-due.fen()),
                ));
                continue;
            }
            if due == Money::ZERO {
                out.paid.push(OneTimePaid {
                    item: it.item.clone(),
                    beneficiary: it.beneficiary.clone(),
                    amount: paid,
                    already_paid: true,
                });
                continue;
            }
            let k = format!(
                "pay-a{}-{}-{}",
                award.id,
                short_item(&it.item),
                it.beneficiary
            );
            let tx = ledger::benefit_paid(
                key(&k)?,
                reference(&k)?,
                reference(&format!("award-{}", award.id))?,
                due,
            )?;
            let outcome = self.store.record_one_time_payment(
                &NewOneTimePayment {
                    case_id: row.id,
                    award_id: award.id,
                    item: it.item.clone(),
                    beneficiary: it.beneficiary.clone(),
                    amount: due,
                    paid_on,
                    idempotency_key: k,
                },
                &tx,
                actor,
                self.now(),
            )?;
            out.paid.push(OneTimePaid {
                item: it.item.clone(),
                beneficiary: it.beneficiary.clone(),
                amount: due,
                already_paid: outcome == Posted::AlreadyPosted,
            });
        }
        Ok(out)
    }
}

/// Item names shortened for idempotency keys (at most 64 characters).
fn short_item(item: &str) -> String {
    item.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| &w[..w.len().min(4)])
        .collect::<Vec<_>>()
        .join("")
}

/// The first month of a periodic item: the month after the appraisal
/// conclusion for disability items (the grade fixes them, Arts 34-36), the
/// month after death for survivors' pensions (Art 39). An assumption written
/// down in DESIGN.md: the instruments say "from" the conclusion and the death
/// without naming the month.
fn benefit_start(facts: &CaseInput, item: &str) -> Month {
    let from = if item == "monthly_survivor_pensions" {
        facts.death_date.or(facts.appraisal_date)
    } else {
        facts.appraisal_date.or(facts.death_date)
    };
    Month::of(from.unwrap_or(facts.injury_date)).next()
}

/// The known end of a periodic item: a dependant's pension ends the month
/// before they turn 18; the others end on a condition recorded later.
fn end_terms(
    facts: &CaseInput,
    item: &str,
    beneficiary: &str,
    births: &[Option<Date>],
) -> (Option<Month>, Option<String>, Option<String>) {
    let _ = facts;
    match item {
        "monthly_survivor_pensions" if beneficiary.starts_with("dependant-") => {
            let n: usize = beneficiary["dependant-".len()..].parse().unwrap_or(0);
            match births.get(n.saturating_sub(1)).copied().flatten() {
                Some(birth) => {
                    let eighteen = birth.saturating_add(jiff::Span::new().years(18));
                    let last = Month::of(eighteen);
                    // The month before the 18th birthday's month is the last paid.
                    let prev = Month::of(last.first_day().yesterday().unwrap_or(last.first_day()));
                    (
                        Some(prev),
                        Some("dependant_turns_18".into()),
                        Some("age_18".into()),
                    )
                }
                None => (None, None, Some("death_or_loss_of_dependency".into())),
            }
        }
        "monthly_survivor_pensions" => (None, None, Some("remarriage_or_death".into())),
        "monthly_disability_allowance" => (
            None,
            None,
            Some("death; grades 1-4: retirement (difference above the pension)".into()),
        ),
        _ => (None, None, Some("death".into())),
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
        flow: &str,
        d: &determination::State,
        a: &appraisal::State,
        c: &confirmation::State,
        k: &insurer_claim::State,
    ) -> Result<CaseSnapshot, AppError> {
        let (state, closed, mut deadlines) = match flow {
            "confirmation" => {
                let confirmed = c.phase == confirmation::Phase::Confirmed;
                let state = match (confirmed, a.pending.is_some(), a.history.is_empty()) {
                    (true, true, _) => "appraisal_pending".to_owned(),
                    (true, false, false) => "appraised".to_owned(),
                    _ => c.phase.name().to_owned(),
                };
                let mut dl = confirmation::deadlines(c, &self.calendar()).map_err(rejection)?;
                dl.extend(appraisal::deadlines(a, &self.calendar()).map_err(rejection)?);
                // A confirmed case stays open for its appraisal and award.
                (state, c.phase.is_closed() && !confirmed, dl)
            }
            "insurer_claim" => (
                k.phase.name().to_owned(),
                k.phase.is_closed(),
                insurer_claim::deadlines(k, &self.calendar()).map_err(rejection)?,
            ),
            _ => return self.snapshot(d, a),
        };
        deadlines.sort_by_key(|x| (x.due, x.kind));
        Ok(CaseSnapshot {
            state,
            closed,
            deadline: deadlines.into_iter().next().map(|x| StoredDeadline {
                kind: text_of(&x.kind),
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
        scheme_id: &str,
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
        Ok(self.coverage(person, at, None)?.covers.iter().any(|c| {
            c.scheme_id == scheme_id
                && platform.is_none_or(|p| c.platform.as_deref().is_none_or(|cp| cp == p.as_str()))
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

    /// Files an application for 职业伤害确认 under the platform pilot: the
    /// person must have been covered by an order day on the platform at the
    /// moment of the injury, or the application is inadmissible with that
    /// reason (the case exists, closed); the pilot's time limits come from
    /// the scheme file, as of the injury.
    pub fn file_confirmation(
        &self,
        req: &ConfirmationRequest,
        actor: &str,
    ) -> Result<CaseRow, AppError> {
        let scheme = self.policy.scheme(&req.scheme_id)?;
        if Flow::for_procedure(scheme.claim_procedure) != Flow::Confirmation {
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} follows the {} flow, not occupational-injury confirmation",
                    req.scheme_id,
                    text_of(&Flow::for_procedure(scheme.claim_procedure))
                ),
            ));
        }
        let limits = confirmation_limits(
            scheme.procedure_limits(&self.policy, req.accident_date)?,
            scheme,
        )?;
        let today = self.case_today();
        let filed_on = req.filed_on.unwrap_or(today);
        let covered = self.covered_at_injury(
            &req.person,
            &req.scheme_id,
            req.accident_date,
            req.injured_at,
            Some(&req.platform),
        )?;
        let accident_key =
            Self::accident_key_of(req.accident_key.as_ref(), &req.person, req.accident_date)?;
        let application = confirmation::ConfirmationApplication {
            applicant: req.applicant,
            injury_date: req.accident_date,
            filed_on,
            platform: req.platform.clone(),
            scheme_id: req.scheme_id.clone(),
            covered_at_injury: covered,
            accident_key: accident_key.clone(),
        };
        let confirmed_in = self.store.accident_recognised_in(accident_key.as_str())?;
        let already = |_: &AccidentKey| confirmed_in.is_some();
        let ctx = confirmation::Context {
            calendar: &self.calendar(),
            limits: &limits,
            already_confirmed: &already,
        };
        let events = confirmation::decide(
            &confirmation::State::default(),
            confirmation::Command::Apply(application),
            filed_on.min(today),
            &ctx,
        )
        .map_err(rejection)?;
        let folded = confirmation::State::from_events(&events);
        let append = CaseAppend {
            expected_version: 0,
            events: stream_events("confirmation", &events, |e| e.on)?,
            snapshot: self.flow_snapshot(
                "confirmation",
                &determination::State::default(),
                &appraisal::State::default(),
                &folded,
                &insurer_claim::State::default(),
            )?,
            recognises: None,
            conclusions: Vec::new(),
        };
        let case = NewCase {
            number: req.number.clone(),
            flow: "confirmation".into(),
            person: req.person,
            unit: None,
            scheme_id: req.scheme_id.clone(),
            jurisdiction: scheme.jurisdiction.clone(),
            region: req.region.clone(),
            accident_key: accident_key.as_str().to_owned(),
            accident_date: req.accident_date,
        };
        Ok(self.store.create_case(&case, &append, actor, self.now())?)
    }

    /// The person as the scheme's eligibility sees them on `on`, from the
    /// registry and their enrolment in the scheme (None if either is missing).
    fn applicant_for(
        &self,
        person: &ResidentId,
        scheme_id: &str,
        on: Date,
        region: Option<&String>,
    ) -> Result<Option<Applicant>, AppError> {
        let Some(p) = self.store.person_by_resident_id(person)? else {
            return Ok(None);
        };
        let Some(e) = self
            .store
            .enrollments_of_person(person)?
            .into_iter()
            .rfind(|e| e.scheme_id == scheme_id && e.start <= on)
        else {
            return Ok(None);
        };
        Ok(Some(Applicant {
            category: e.category,
            birth_date: p.birth_date,
            sex: Some(p.sex),
            retirement_track: Default::default(),
            labour_relation_with_unit: e.category == gongshang_rules::scheme::Category::Employee,
            covered_by_regulations: false,
            region: region.cloned(),
        }))
    }

    /// The payout of the scheme's schedule for the accident, by the rules
    /// engine (capped at the scheme's highest payout), with its trace.
    fn claim_payout(
        &self,
        req: &ClaimRequest,
        facts: &serde_json::Value,
    ) -> Result<(CaseInput, SchemeResult), AppError> {
        let Some(given) = facts.as_object() else {
            return Err(AppError::invalid(
                "facts",
                "a JSON object (the rules engine's case)",
            ));
        };
        if given.contains_key("injury_date") {
            return Err(AppError::invalid(
                "facts",
                "injury_date is the claim's accident_date; leave it out",
            ));
        }
        let mut with_date = given.clone();
        with_date.insert("injury_date".into(), req.accident_date.to_string().into());
        // The insurer's schedule pays fixed sums: no wage enters it.
        with_date.entry("own_wage").or_insert_with(|| "0.00".into());
        let mut input: CaseInput = serde_json::from_value(serde_json::Value::Object(with_date))
            .map_err(|e| AppError::invalid("facts", e.to_string()))?;
        if input.region.is_none() {
            input.region = req.region.clone();
        }
        if input.person.is_none() {
            input.person = self.applicant_for(
                &req.person,
                &req.scheme_id,
                req.accident_date,
                req.region.as_ref(),
            )?;
        }
        let result = calculate_under_scheme(&self.policy, &req.scheme_id, &input)?;
        Ok((input, result))
    }

    /// The payout the schedule computed for a claim case: its insurer's
    /// items (the last assessment), if assessed.
    fn claim_assessment(&self, case_id: i64) -> Result<Option<Money>, AppError> {
        let Some(award) = self
            .store
            .awards_of_case(case_id)?
            .into_iter()
            .filter(|a| a.basis == "insurer_schedule")
            .max_by_key(|a| a.id)
        else {
            return Ok(None);
        };
        let mut total = Money::ZERO;
        for it in award.items.iter().filter(|i| i.payer == "insurer") {
            total = sum(total, it.amount)?;
        }
        Ok(Some(total))
    }

    /// What other claims of the same accident (than case `except`) have
    /// taken of the cap: paid, or approved and still to pay.
    fn claimed_before_for_accident(
        &self,
        person: &ResidentId,
        accident_key: &str,
        except: Option<&str>,
    ) -> Result<Money, AppError> {
        let mut total = Money::ZERO;
        for row in self.store.cases_of_person(person)? {
            if row.flow != "insurer_claim"
                || row.accident_key != accident_key
                || except == Some(row.number.as_str())
            {
                continue;
            }
            let k = self.load_case(&row.number)?.claim_state();
            let approved = k.approved.map_or(Money::ZERO, |(_, a)| a);
            let taken = match k.phase {
                insurer_claim::Phase::Approved | insurer_claim::Phase::Paid => approved.max(k.paid),
                _ => k.paid,
            };
            total = sum(total, taken)?;
        }
        Ok(total)
    }

    /// Files a claim to the insurer of an accident scheme (益鹭保): the person
    /// must have bought the day of the accident, or the claim is inadmissible
    /// with that reason (the case exists, closed). An admissible claim's
    /// payout is computed by the scheme's schedule (capped at its highest
    /// payout) and recorded with the insurer as payer; an approval may not
    /// exceed it, nor what the cap leaves for the accident.
    pub fn file_claim(&self, req: &ClaimRequest, actor: &str) -> Result<CaseRow, AppError> {
        let scheme = self.policy.scheme(&req.scheme_id)?;
        if Flow::for_procedure(scheme.claim_procedure) != Flow::InsurerClaim {
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} follows the {} flow, not an insurer claim",
                    req.scheme_id,
                    text_of(&Flow::for_procedure(scheme.claim_procedure))
                ),
            ));
        }
        let limits = claim_limits(
            scheme.procedure_limits(&self.policy, req.accident_date)?,
            scheme,
        )?;
        let cap_key = scheme.max_payout.as_deref().ok_or_else(|| {
            AppError::invalid(
                "scheme_id",
                format!("{} names no max_payout for one accident", scheme.id),
            )
        })?;
        let cap = self
            .policy
            .at(&scheme.jurisdiction, cap_key, req.accident_date)?
            .money();
        let today = self.case_today();
        let filed_on = req.filed_on.unwrap_or(today);
        let covered = self.covered_at_injury(
            &req.person,
            &req.scheme_id,
            req.accident_date,
            req.injured_at,
            None,
        )?;
        let accident_key =
            Self::accident_key_of(req.accident_key.as_ref(), &req.person, req.accident_date)?;
        // Computed before anything is stored: a fault in the facts files nothing.
        let payout = match (&req.facts, covered) {
            (Some(facts), true) => Some(self.claim_payout(req, facts)?),
            (None, true) => {
                return Err(AppError::invalid(
                    "facts",
                    "required for a covered claim: the schedule computes the payout from them",
                ));
            }
            // Not covered: inadmissible whatever it would pay; the amount
            // claimed is still recorded as the schedule computes it where it can.
            (Some(facts), false) => self.claim_payout(req, facts).ok(),
            (None, false) => None,
        };
        let assessed = payout.as_ref().map(|(_, r)| {
            r.lines
                .iter()
                .filter(|l| l.payer == gongshang_rules::Payer::Insurer)
                .fold(Money::ZERO, |a, l| a.checked_add(l.amount).unwrap_or(a))
        });
        let claim = insurer_claim::Claim {
            accident_date: req.accident_date,
            filed_on,
            scheme_id: req.scheme_id.clone(),
            covered_on_accident_day: covered,
            accident_key: accident_key.clone(),
            // Not stated and not assessed (an uncovered claim): the cap, so
            // that the inadmissible claim is recorded.
            claimed: req.claimed.or(assessed).unwrap_or(cap),
            cap,
            paid_before_for_accident: self.claimed_before_for_accident(
                &req.person,
                accident_key.as_str(),
                None,
            )?,
        };
        let events = insurer_claim::decide(
            &insurer_claim::State::default(),
            insurer_claim::Command::Claim(claim),
            filed_on.min(today),
            &self.calendar(),
            &limits,
        )
        .map_err(rejection)?;
        let folded = insurer_claim::State::from_events(&events);
        let append = CaseAppend {
            expected_version: 0,
            events: stream_events("insurer_claim", &events, |e| e.on)?,
            snapshot: self.flow_snapshot(
                "insurer_claim",
                &determination::State::default(),
                &appraisal::State::default(),
                &confirmation::State::default(),
                &folded,
            )?,
            recognises: None,
            conclusions: Vec::new(),
        };
        let case = NewCase {
            number: req.number.clone(),
            flow: "insurer_claim".into(),
            person: req.person,
            unit: None,
            scheme_id: req.scheme_id.clone(),
            jurisdiction: scheme.jurisdiction.clone(),
            region: req.region.clone(),
            accident_key: accident_key.as_str().to_owned(),
            accident_date: req.accident_date,
        };
        let row = self.store.create_case(&case, &append, actor, self.now())?;
        if let (Some((mut input, result)), insurer_claim::Phase::UnderReview) =
            (payout, folded.phase)
        {
            input.case_id = Some(row.number.clone());
            let award = NewAward {
                case_id: row.id,
                basis: "insurer_schedule".into(),
                legal_date: req.accident_date,
                scheme_id: req.scheme_id.clone(),
                jurisdiction: scheme.jurisdiction.clone(),
                items: Self::award_items(&result),
                input: serde_json::json!({ "case": input }).to_string(),
                trace: to_json("trace", &result.trace)?,
            };
            self.store.create_award(&award, actor, self.now())?;
        }
        Ok(row)
    }

    /// A command to a case from JSON (`{"command":"confirm",...}`), for the
    /// stream of the case's flow: the determination's, the confirmation's
    /// or the claim's commands.
    pub fn flow_command(&self, number: &str, json: &str) -> Result<CaseCommand, AppError> {
        let row = self.case_row(number)?;
        let parse = |e: serde_json::Error| AppError::invalid("command", e.to_string());
        Ok(match row.flow.as_str() {
            "confirmation" => CaseCommand::Confirmation(serde_json::from_str(json).map_err(parse)?),
            "insurer_claim" => CaseCommand::Claim(serde_json::from_str(json).map_err(parse)?),
            _ => CaseCommand::Determination(serde_json::from_str(json).map_err(parse)?),
        })
    }

    /// Files an application as JSON, the scheme deciding the flow: injury
    /// determination ([`FileCaseRequest`]), the platform pilot's confirmation
    /// ([`ConfirmationRequest`]) or an insurer's claim ([`ClaimRequest`]).
    pub fn file_application(&self, json: &str, actor: &str) -> Result<CaseRow, AppError> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| AppError::invalid("application", e.to_string()))?;
        let scheme_id = value
            .get("scheme_id")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                AppError::invalid("scheme_id", "required: the scheme decides the flow")
            })?;
        let scheme = self.policy.scheme(scheme_id)?;
        let parse = |e: serde_json::Error| AppError::invalid("application", e.to_string());
        match Flow::for_procedure(scheme.claim_procedure) {
            Flow::Determination => {
                self.file_case(&serde_json::from_value(value).map_err(parse)?, actor)
            }
            Flow::Confirmation => {
                self.file_confirmation(&serde_json::from_value(value).map_err(parse)?, actor)
            }
            Flow::InsurerClaim => {
                self.file_claim(&serde_json::from_value(value).map_err(parse)?, actor)
            }
        }
    }
}
