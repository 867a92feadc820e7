//! 工伤认定 (injury determination) as a closed state machine.
//!
//! A case is a closed set of [`Command`]s and [`Event`]s. [`decide`] holds all
//! the branching: given the [`State`] folded from the events so far, a command
//! and the day it is given, it returns the events to record or a
//! [`Rejection`]. [`State::apply`] only records what an event says, so that
//! folding the same events always gives the same state.
//!
//! The rules (条例 = 工伤保险条例, 办法 = 工伤认定办法, MOHRSS Order 8):
//! - a unit files within 30 days of the accident or diagnosis (条例 Art
//!   17(1)); a later filing is accepted but recorded, since the unit bears the
//!   costs of the late period (Art 17(4));
//! - the worker, close relatives or the union file within 1 year (Art 17(2));
//!   later, the application is inadmissible;
//! - under a single-risk or platform scheme the person must have been covered
//!   at the moment of injury, and a covered person needs no proof of a labour
//!   relation;
//! - the department accepts or rejects within 15 days; an incomplete file gets
//!   one written request listing the missing materials, and the 15 days run
//!   again from the day they are completed (办法 Art 8);
//! - the decision is due 60 days after acceptance (Art 20(1)), 15 in a simple
//!   case (Art 20(2)); suspended days do not count (Art 20(3));
//! - when the unit disputes the worker's claim, the unit bears the burden of
//!   proof (Art 19(2));
//! - the decision is delivered within 20 days (办法 Art 22) and states the
//!   rights of administrative review and litigation;
//! - the same accident is never recognised twice.

use std::collections::BTreeSet;
use std::fmt;

use gongshang_rules::scheme::{ClaimProcedure, Scheme};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::deadline::{
    Deadline, DeadlineKind, QueueEntry, add_days, add_years, calendar_deadline, days_between,
    order_queue,
};
use crate::error::DomainError;
use crate::holidays::HolidayCalendar;
use crate::ids::CreditCode;

// ---- vocabulary ---------------------------------------------------------------

/// What identifies an accident (or a diagnosis) across cases, so that it is
/// recognised once: e.g. the person's id number and the date and place.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccidentKey(String);

impl AccidentKey {
    /// 1 to 128 characters, not blank.
    pub fn parse(text: &str) -> Result<AccidentKey, DomainError> {
        let n = text.chars().count();
        if text.trim().is_empty() || n > 128 {
            return Err(DomainError::out_of_range(
                "accident_key",
                format!("{text:?}"),
                "1 to 128 characters, not blank",
            ));
        }
        Ok(AccidentKey(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccidentKey {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AccidentKey::parse(&s)
    }
}

impl From<AccidentKey> for String {
    fn from(k: AccidentKey) -> String {
        k.0
    }
}

impl fmt::Display for AccidentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who files (条例 Art 17).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantRole {
    /// 用人单位, within 30 days (Art 17(1)).
    Unit,
    /// The injured worker, within 1 year (Art 17(2)).
    Worker,
    /// 近亲属, within 1 year (Art 17(2)).
    CloseRelative,
    /// 工会组织, within 1 year (Art 17(2)).
    Union,
}

/// The materials of an application (条例 Art 18; 办法 Art 6) and others the
/// department may ask for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MaterialKind {
    /// 工伤认定申请表
    ApplicationForm,
    /// 劳动关系（包括事实劳动关系）证明材料
    LabourRelationProof,
    /// 医疗诊断证明
    MedicalDiagnosis,
    /// 职业病诊断证明书 / 职业病诊断鉴定书
    OccupationalDiseaseDiagnosis,
    /// 交通事故认定书 or other finding of responsibility (Art 14(6))
    TrafficAccidentFinding,
    /// 死亡证明
    DeathCertificate,
    /// 革命伤残军人证 (Art 15(3))
    VeteranDisabilityCertificate,
    /// Anything else, named.
    Other { name: String },
}

/// A ground of recognition: 条例 Art 14 (shall be) or Art 15 (deemed).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ground {
    #[serde(rename = "art14_1_work_accident")]
    Art14WorkAccident,
    #[serde(rename = "art14_2_preparatory_or_closing_work")]
    Art14PreparatoryOrClosingWork,
    #[serde(rename = "art14_3_violence_while_on_duty")]
    Art14ViolenceOnDuty,
    #[serde(rename = "art14_4_occupational_disease")]
    Art14OccupationalDisease,
    #[serde(rename = "art14_5_business_trip")]
    Art14BusinessTrip,
    #[serde(rename = "art14_6_commuting")]
    Art14Commuting,
    #[serde(rename = "art14_7_other_by_law")]
    Art14OtherByLaw,
    #[serde(rename = "art15_1_sudden_illness_death")]
    Art15SuddenIllnessDeath,
    #[serde(rename = "art15_2_disaster_relief_or_public_interest")]
    Art15DisasterReliefOrPublicInterest,
    #[serde(rename = "art15_3_veteran_old_wound")]
    Art15VeteranOldWound,
}

impl Ground {
    /// `条例 Art 14(6)`.
    pub const fn article(self) -> &'static str {
        match self {
            Ground::Art14WorkAccident => "条例 Art 14(1)",
            Ground::Art14PreparatoryOrClosingWork => "条例 Art 14(2)",
            Ground::Art14ViolenceOnDuty => "条例 Art 14(3)",
            Ground::Art14OccupationalDisease => "条例 Art 14(4)",
            Ground::Art14BusinessTrip => "条例 Art 14(5)",
            Ground::Art14Commuting => "条例 Art 14(6)",
            Ground::Art14OtherByLaw => "条例 Art 14(7)",
            Ground::Art15SuddenIllnessDeath => "条例 Art 15(1)",
            Ground::Art15DisasterReliefOrPublicInterest => "条例 Art 15(2)",
            Ground::Art15VeteranOldWound => "条例 Art 15(3)",
        }
    }

    /// Whether the ground is "deemed" (视同工伤, Art 15) rather than "shall
    /// be" (Art 14).
    pub const fn is_deemed(self) -> bool {
        matches!(
            self,
            Ground::Art15SuddenIllnessDeath
                | Ground::Art15DisasterReliefOrPublicInterest
                | Ground::Art15VeteranOldWound
        )
    }
}

/// An exclusion of 条例 Art 16.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exclusion {
    #[serde(rename = "art16_1_intentional_crime")]
    IntentionalCrime,
    #[serde(rename = "art16_2_drunkenness_or_drugs")]
    DrunkennessOrDrugs,
    #[serde(rename = "art16_3_self_harm_or_suicide")]
    SelfHarmOrSuicide,
}

impl Exclusion {
    pub const fn article(self) -> &'static str {
        match self {
            Exclusion::IntentionalCrime => "条例 Art 16(1)",
            Exclusion::DrunkennessOrDrugs => "条例 Art 16(2)",
            Exclusion::SelfHarmOrSuicide => "条例 Art 16(3)",
        }
    }
}

/// The unit named by the decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsuredUnit {
    pub credit_code: CreditCode,
    pub name: String,
}

/// What kind of cover a scheme gives, as far as determination cares.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemeKind {
    /// The Regulations' insurance of employees: an uninsured employer's
    /// worker is still determined (the employer pays, Art 62).
    Regulations,
    /// 单险种参保 of specific persons without a labour relation.
    SingleRisk,
    /// The platform pilot (新就业形态职业伤害保障).
    Platform,
    /// An insurer's accident cover (益鹭保).
    Insurer,
}

impl SchemeKind {
    /// The kind of a scheme, by its claim procedure and exclusions.
    pub fn of(scheme: &Scheme) -> SchemeKind {
        match scheme.claim_procedure {
            ClaimProcedure::OccupationalInjuryConfirmation => SchemeKind::Platform,
            ClaimProcedure::InsurerClaim => SchemeKind::Insurer,
            ClaimProcedure::InjuryDetermination if scheme.excludes_labour_relation => {
                SchemeKind::SingleRisk
            }
            ClaimProcedure::InjuryDetermination => SchemeKind::Regulations,
        }
    }

    /// Cover at the moment of injury is a condition of the claim.
    pub const fn requires_cover_at_injury(self) -> bool {
        !matches!(self, SchemeKind::Regulations)
    }
}

/// The scheme a case runs under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeRef {
    pub id: String,
    pub kind: SchemeKind,
}

/// Which flow a claim follows, by the scheme's claim procedure.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// This module.
    Determination,
    /// [`crate::confirmation`].
    Confirmation,
    /// [`crate::insurer_claim`].
    InsurerClaim,
}

impl Flow {
    pub const fn for_procedure(procedure: ClaimProcedure) -> Flow {
        match procedure {
            ClaimProcedure::InjuryDetermination => Flow::Determination,
            ClaimProcedure::OccupationalInjuryConfirmation => Flow::Confirmation,
            ClaimProcedure::InsurerClaim => Flow::InsurerClaim,
        }
    }
}

/// An application as filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub applicant: ApplicantRole,
    /// The day of the accident, or of the occupational-disease diagnosis.
    pub accident_or_diagnosis_date: Date,
    pub filed_on: Date,
    pub materials: BTreeSet<MaterialKind>,
    pub ground_claimed: Ground,
    pub insured_unit: InsuredUnit,
    pub scheme: SchemeRef,
    /// Answered by the coverage layer for the moment of injury.
    pub covered_at_injury: bool,
    /// False for covered people under single-risk and platform schemes.
    pub labour_relation_proof_needed: bool,
    pub accident_key: AccidentKey,
    /// For interns: the school, which the decision names (Guangdong specific
    /// persons measure, Annex 2).
    #[serde(default)]
    pub intern_school: Option<String>,
}

impl Application {
    /// The materials 条例 Art 18 requires for this application.
    pub fn required_materials(&self) -> BTreeSet<MaterialKind> {
        let mut out = BTreeSet::from([MaterialKind::ApplicationForm]);
        if self.labour_relation_proof_needed {
            out.insert(MaterialKind::LabourRelationProof);
        }
        out.insert(if self.ground_claimed == Ground::Art14OccupationalDisease {
            MaterialKind::OccupationalDiseaseDiagnosis
        } else {
            MaterialKind::MedicalDiagnosis
        });
        out
    }
}

/// Why an application is not admitted (不予受理).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum InadmissibleReason {
    /// Not covered at the moment of injury under a single-risk or platform
    /// scheme.
    NotCoveredAtInjury { scheme: String },
    /// Filed by the worker, relatives or union after the year of Art 17(2).
    PastOneYearLimit { last_day: Date },
    /// The accident is already recognised in another case.
    AccidentAlreadyRecognised { accident_key: AccidentKey },
    /// Any other reason, stated.
    Other { explanation: String },
}

impl InadmissibleReason {
    pub fn article(&self) -> &'static str {
        match self {
            InadmissibleReason::NotCoveredAtInjury { .. } => {
                "scheme: cover at the moment of injury"
            }
            InadmissibleReason::PastOneYearLimit { .. } => "条例 Art 17(2)",
            InadmissibleReason::AccidentAlreadyRecognised { .. } => "one recognition per accident",
            InadmissibleReason::Other { .. } => "工伤认定办法 Art 8",
        }
    }
}

/// Who a suspension waits for (条例 Art 20(3)).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    Court,
    Arbitration,
    Other,
}

/// The department's finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding {
    Recognised { ground: Ground },
    NotRecognised { reason: NotRecognisedReason },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NotRecognisedReason {
    /// An Art 16 exclusion.
    Excluded { exclusion: Exclusion },
    /// None of the grounds of Arts 14 and 15 is met.
    NoGround { explanation: String },
}

/// The remedies a decision states (条例 Art 55; 行政复议法 Art 20; 行政诉讼法
/// Art 46).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remedies {
    pub administrative_review_days: u32,
    pub administrative_review_article: String,
    pub litigation_months: u32,
    pub litigation_article: String,
}

impl Remedies {
    pub fn statutory() -> Remedies {
        Remedies {
            administrative_review_days: 60,
            administrative_review_article: "条例 Art 55; 行政复议法 Art 20".into(),
            litigation_months: 6,
            litigation_article: "条例 Art 55; 行政诉讼法 Art 46".into(),
        }
    }
}

/// The decision as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub finding: Finding,
    pub accident_key: AccidentKey,
    pub insured_unit: InsuredUnit,
    pub scheme: SchemeRef,
    pub intern_school: Option<String>,
    pub remedies: Remedies,
    /// Days after the decision deadline (0 when on time).
    pub late_by_days: i64,
}

// ---- commands -----------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    Apply(Application),
    /// The one written request for the missing materials (办法 Art 8).
    RequestMaterials {
        missing: Vec<MaterialKind>,
    },
    SupplyMaterials {
        materials: Vec<MaterialKind>,
    },
    Accept,
    RejectApplication {
        reason: InadmissibleReason,
    },
    StartInvestigation,
    /// The unit disputes the worker's claim; it bears the burden of proof
    /// (Art 19(2)).
    UnitDisputes,
    Suspend {
        authority: Authority,
        reason: String,
    },
    Resume,
    Withdraw,
    TerminateNoGrounds,
    Decide {
        finding: Finding,
    },
    /// Facts clear, rights and duties clear: 15 days (Art 20(2)).
    MarkSimpleCase,
    Deliver,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Apply(_) => "apply",
            Command::RequestMaterials { .. } => "request_materials",
            Command::SupplyMaterials { .. } => "supply_materials",
            Command::Accept => "accept",
            Command::RejectApplication { .. } => "reject_application",
            Command::StartInvestigation => "start_investigation",
            Command::UnitDisputes => "unit_disputes",
            Command::Suspend { .. } => "suspend",
            Command::Resume => "resume",
            Command::Withdraw => "withdraw",
            Command::TerminateNoGrounds => "terminate_no_grounds",
            Command::Decide { .. } => "decide",
            Command::MarkSimpleCase => "mark_simple_case",
            Command::Deliver => "deliver",
        }
    }
}

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

// ---- rejections ---------------------------------------------------------------

/// Why a command was refused; nothing is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The case is closed and accepts nothing (a decided case accepts one
    /// delivery).
    Closed {
        state: &'static str,
        command: &'static str,
    },
    /// The command does not fit where the case is.
    NotAllowed {
        state: &'static str,
        command: &'static str,
        reason: String,
    },
    /// A command that may be given once was given before.
    AlreadyDone {
        command: &'static str,
        on: Date,
        article: &'static str,
    },
    /// The day of a command comes before the case's last event.
    BeforeLastEvent {
        now: Date,
        last_event_on: Date,
    },
    InvalidInput {
        field: &'static str,
        reason: String,
    },
    /// Acceptance with materials missing.
    MaterialsIncomplete {
        missing: Vec<MaterialKind>,
    },
    /// The accident is already recognised in another case.
    AccidentAlreadyRecognised {
        accident_key: AccidentKey,
    },
    /// A due date could not be computed (the holiday calendar lacks a year).
    Calendar(DomainError),
}

impl Rejection {
    /// Every code [`Rejection::code`] can give besides the calendar's
    /// ([`DomainError::ALL_CODES`]), for the API's error table (a test
    /// there fails when one is missing from it).
    pub const ALL_CODES: &[&str] = &[
        "case_closed",
        "command_not_allowed",
        "already_done",
        "before_last_event",
        "invalid_input",
        "materials_incomplete",
        "accident_already_recognised",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Closed { .. } => "case_closed",
            Rejection::NotAllowed { .. } => "command_not_allowed",
            Rejection::AlreadyDone { .. } => "already_done",
            Rejection::BeforeLastEvent { .. } => "before_last_event",
            Rejection::InvalidInput { .. } => "invalid_input",
            Rejection::MaterialsIncomplete { .. } => "materials_incomplete",
            Rejection::AccidentAlreadyRecognised { .. } => "accident_already_recognised",
            Rejection::Calendar(e) => e.code(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Closed { state, command } => {
                write!(
                    f,
                    "the case is {state} and closed; {command} is not accepted"
                )
            }
            Rejection::NotAllowed {
                state,
                command,
                reason,
            } => write!(f, "{command} is not allowed in state {state}: {reason}"),
            Rejection::AlreadyDone {
                command,
                on,
                article,
            } => write!(
                f,
                "{command} was already done on {on}; allowed once ({article})"
            ),
            Rejection::BeforeLastEvent { now, last_event_on } => write!(
                f,
                "the command's day {now} is before the case's last event on {last_event_on}"
            ),
            Rejection::InvalidInput { field, reason } => write!(f, "input {field}: {reason}"),
            Rejection::MaterialsIncomplete { missing } => {
                write!(f, "materials missing: {missing:?}")
            }
            Rejection::AccidentAlreadyRecognised { accident_key } => write!(
                f,
                "accident {accident_key} is already recognised in another case"
            ),
            Rejection::Calendar(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Rejection {}

impl From<DomainError> for Rejection {
    fn from(e: DomainError) -> Self {
        Rejection::Calendar(e)
    }
}

// ---- decide -------------------------------------------------------------------

/// What [`decide`] needs from outside the case: the holiday calendar for due
/// dates, and whether an accident is already recognised in another case.
#[derive(Copy, Clone)]
pub struct Context<'a> {
    pub calendar: &'a HolidayCalendar,
    pub already_recognised: &'a dyn Fn(&AccidentKey) -> bool,
}

/// The unit's last day to file: 30 days after the accident or diagnosis (条例
/// Art 17(1)), moved to a working day.
pub fn unit_filing_last_day(
    calendar: &HolidayCalendar,
    accident: Date,
) -> Result<Date, DomainError> {
    Ok(calendar_deadline(
        calendar,
        DeadlineKind::UnitFiling,
        accident,
        30,
        0,
        "条例 Art 17(1)",
    )?
    .due)
}

/// The last day for the worker, close relatives or union: one year after the
/// accident or diagnosis (条例 Art 17(2)), moved to a working day.
pub fn personal_filing_last_day(
    calendar: &HolidayCalendar,
    accident: Date,
) -> Result<Date, DomainError> {
    calendar.next_working_day_on_or_after(add_years(accident, 1)?)
}

fn not_allowed(state: &State, command: &Command, reason: impl Into<String>) -> Rejection {
    Rejection::NotAllowed {
        state: state.phase.name(),
        command: command.name(),
        reason: reason.into(),
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Rejection {
    Rejection::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// The one transition: the events that `command`, given on `now`, records
/// in `state`, or why it is refused.
pub fn decide(
    state: &State,
    command: Command,
    now: Date,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Rejection> {
    let closed = |state: &State, command: &Command| Rejection::Closed {
        state: state.phase.name(),
        command: command.name(),
    };
    match state.phase {
        Phase::Rejected | Phase::Withdrawn | Phase::Terminated => {
            return Err(closed(state, &command));
        }
        Phase::Decided if state.delivered_on.is_some() || command != Command::Deliver => {
            return Err(closed(state, &command));
        }
        _ => {}
    }
    if let Some(last) = state.last_event_on
        && now < last
    {
        return Err(Rejection::BeforeLastEvent {
            now,
            last_event_on: last,
        });
    }
    let ev = |change: Change| Event { on: now, change };

    let Some(app) = &state.application else {
        return match command {
            Command::Apply(application) => apply_for(application, now, ctx),
            other => Err(not_allowed(state, &other, "no application has been filed")),
        };
    };

    match command {
        Command::Apply(_) => Err(not_allowed(
            state,
            &command,
            "the case already has an application; a new one is a new case",
        )),
        Command::RequestMaterials { ref missing } => {
            if state.phase != Phase::CompletenessReview {
                return Err(not_allowed(
                    state,
                    &command,
                    "materials are requested during the completeness review",
                ));
            }
            if let Some((on, _)) = &state.materials_requested {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on: *on,
                    article: "工伤认定办法 Art 8: one written request listing all missing materials",
                });
            }
            if missing.is_empty() {
                return Err(invalid(
                    "missing",
                    "the request must list the missing materials",
                ));
            }
            if let Some(m) = missing.iter().find(|m| state.materials.contains(m)) {
                return Err(invalid("missing", format!("{m:?} was already supplied")));
            }
            Ok(vec![ev(Change::MaterialsRequested {
                missing: missing.clone(),
            })])
        }
        Command::SupplyMaterials { ref materials } => {
            if !matches!(
                state.phase,
                Phase::CompletenessReview | Phase::AwaitingMaterials
            ) {
                return Err(not_allowed(
                    state,
                    &command,
                    "materials are supplied before acceptance",
                ));
            }
            if materials.is_empty() {
                return Err(invalid("materials", "nothing supplied"));
            }
            let mut out = vec![ev(Change::MaterialsSupplied {
                materials: materials.clone(),
            })];
            if state.phase == Phase::AwaitingMaterials
                && let Some((_, requested)) = &state.materials_requested
                && requested
                    .iter()
                    .all(|m| state.materials.contains(m) || materials.contains(m))
            {
                out.push(ev(Change::MaterialsCompleted));
            }
            Ok(out)
        }
        Command::Accept => {
            if state.phase != Phase::CompletenessReview {
                return Err(not_allowed(
                    state,
                    &command,
                    match state.phase {
                        Phase::AwaitingMaterials => "the requested materials are not complete",
                        _ => "only an application under completeness review is accepted",
                    },
                ));
            }
            let missing = state.missing_materials();
            if !missing.is_empty() {
                return Err(Rejection::MaterialsIncomplete { missing });
            }
            Ok(vec![ev(Change::Accepted)])
        }
        Command::RejectApplication { ref reason } => {
            if !matches!(
                state.phase,
                Phase::CompletenessReview | Phase::AwaitingMaterials
            ) {
                return Err(not_allowed(
                    state,
                    &command,
                    "an application is rejected as inadmissible before acceptance",
                ));
            }
            check_inadmissible_reason(app, reason, ctx)?;
            Ok(vec![ev(Change::ApplicationRejected {
                reason: reason.clone(),
            })])
        }
        Command::StartInvestigation => {
            accepted_and_running(state, &command)?;
            if let Some(on) = state.investigation_started_on {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on,
                    article: "条例 Art 19(1)",
                });
            }
            Ok(vec![ev(Change::InvestigationStarted)])
        }
        Command::UnitDisputes => {
            accepted_and_running(state, &command)?;
            if app.applicant == ApplicantRole::Unit {
                return Err(not_allowed(
                    state,
                    &command,
                    "the unit applied itself; Art 19(2) moves the burden when the unit disputes the worker's claim",
                ));
            }
            if let Some(on) = state.burden_of_proof_on_unit_since {
                return Err(Rejection::AlreadyDone {
                    command: command.name(),
                    on,
                    article: "条例 Art 19(2)",
                });
            }
            Ok(vec![ev(Change::BurdenOfProofOnUnit)])
        }
        Command::Suspend {
            authority,
            ref reason,
        } => {
            accepted_and_running(state, &command)?;
            if reason.trim().is_empty() {
                return Err(invalid("reason", "say which conclusion the case waits for"));
            }
            Ok(vec![ev(Change::Suspended {
                authority,
                reason: reason.clone(),
            })])
        }
        Command::Resume => {
            if state.phase != Phase::Accepted || !state.is_suspended() {
                return Err(not_allowed(state, &command, "the case is not suspended"));
            }
            let accepted = state.accepted_on.unwrap_or(now);
            let suspended_days = state.suspensions.last().map_or(0, |s| {
                Suspension {
                    until: Some(now),
                    ..s.clone()
                }
                .days_not_counted(accepted)
                .unwrap_or(0)
            });
            Ok(vec![ev(Change::Resumed { suspended_days })])
        }
        Command::Withdraw => {
            open_before_decision(state, &command)?;
            Ok(vec![ev(Change::Withdrawn)])
        }
        Command::TerminateNoGrounds => {
            open_before_decision(state, &command)?;
            Ok(vec![ev(Change::TerminatedNoGrounds)])
        }
        Command::MarkSimpleCase => {
            accepted_and_running(state, &command)?;
            if state.simple_case {
                return Err(not_allowed(state, &command, "already a simple case"));
            }
            if state.burden_of_proof_on_unit_since.is_some() || !state.suspensions.is_empty() {
                return Err(not_allowed(
                    state,
                    &command,
                    "a disputed or suspended case is not one whose facts and rights are clear (Art 20(2))",
                ));
            }
            let accepted = state.accepted_on.unwrap_or(now);
            let simple = calendar_deadline(
                ctx.calendar,
                DeadlineKind::Decision,
                accepted,
                15,
                0,
                "条例 Art 20(2)",
            )?;
            if now > simple.due {
                return Err(not_allowed(
                    state,
                    &command,
                    format!(
                        "the 15 days of a simple case ended on {}; the 60 days apply",
                        simple.due
                    ),
                ));
            }
            Ok(vec![ev(Change::SimpleCaseMarked)])
        }
        Command::Decide { ref finding } => {
            if state.phase != Phase::Accepted {
                return Err(not_allowed(
                    state,
                    &command,
                    "only an accepted case is decided",
                ));
            }
            if state.is_suspended() {
                return Err(Rejection::NotAllowed {
                    state: "suspended",
                    command: "decide",
                    reason: "resume the case first (条例 Art 20(3))".into(),
                });
            }
            if matches!(finding, Finding::Recognised { .. })
                && (ctx.already_recognised)(&app.accident_key)
            {
                return Err(Rejection::AccidentAlreadyRecognised {
                    accident_key: app.accident_key.clone(),
                });
            }
            if let Finding::NotRecognised {
                reason: NotRecognisedReason::NoGround { explanation },
            } = finding
                && explanation.trim().is_empty()
            {
                return Err(invalid("explanation", "say why no ground is met"));
            }
            let due = decision_deadline(state, ctx.calendar)?;
            let late_by_days = due.map_or(0, |d| days_between(d.due, now).max(0));
            Ok(vec![ev(Change::Decided {
                decision: Decision {
                    finding: finding.clone(),
                    accident_key: app.accident_key.clone(),
                    insured_unit: app.insured_unit.clone(),
                    scheme: app.scheme.clone(),
                    intern_school: app.intern_school.clone(),
                    remedies: Remedies::statutory(),
                    late_by_days,
                },
            })])
        }
        Command::Deliver => {
            let Some(decided_on) = state.decided_on.filter(|_| state.phase == Phase::Decided)
            else {
                return Err(not_allowed(
                    state,
                    &command,
                    "there is no decision to deliver",
                ));
            };
            let due = delivery_deadline(ctx.calendar, decided_on)?;
            Ok(vec![ev(Change::Delivered {
                late_by_days: days_between(due.due, now).max(0),
            })])
        }
    }
}

fn accepted_and_running(state: &State, command: &Command) -> Result<(), Rejection> {
    if state.phase != Phase::Accepted {
        return Err(not_allowed(
            state,
            command,
            "the case has not been accepted",
        ));
    }
    if state.is_suspended() {
        return Err(Rejection::NotAllowed {
            state: "suspended",
            command: command.name(),
            reason: "resume the case first (条例 Art 20(3))".into(),
        });
    }
    Ok(())
}

fn open_before_decision(state: &State, command: &Command) -> Result<(), Rejection> {
    if matches!(
        state.phase,
        Phase::CompletenessReview | Phase::AwaitingMaterials | Phase::Accepted
    ) {
        Ok(())
    } else {
        Err(not_allowed(
            state,
            command,
            "only an open case before its decision",
        ))
    }
}

fn apply_for(app: Application, now: Date, ctx: &Context<'_>) -> Result<Vec<Event>, Rejection> {
    if app.filed_on > now {
        return Err(invalid(
            "filed_on",
            format!("{} is after the day it is recorded, {now}", app.filed_on),
        ));
    }
    if app.accident_or_diagnosis_date > app.filed_on {
        return Err(invalid(
            "accident_or_diagnosis_date",
            format!(
                "{} is after the filing on {}",
                app.accident_or_diagnosis_date, app.filed_on
            ),
        ));
    }
    if app.insured_unit.name.trim().is_empty() || app.scheme.id.trim().is_empty() {
        return Err(invalid(
            "insured_unit",
            "the unit's name and the scheme id are needed",
        ));
    }
    match app.scheme.kind {
        SchemeKind::Regulations if !app.labour_relation_proof_needed => {
            return Err(invalid(
                "labour_relation_proof_needed",
                "under the Regulations' scheme a labour relation is proved (条例 Art 18(2))",
            ));
        }
        SchemeKind::SingleRisk | SchemeKind::Platform
            if app.covered_at_injury && app.labour_relation_proof_needed =>
        {
            return Err(invalid(
                "labour_relation_proof_needed",
                "a person covered by a single-risk or platform scheme needs no proof of a labour relation",
            ));
        }
        SchemeKind::Insurer => {
            return Err(invalid(
                "scheme",
                "an insurer's scheme follows the insurer claim flow, not determination",
            ));
        }
        _ => {}
    }
    let on = now;
    let mut out = vec![Event {
        on,
        change: Change::Filed {
            application: app.clone(),
        },
    }];
    let accident = app.accident_or_diagnosis_date;
    let reject = |reason| Event {
        on,
        change: Change::ApplicationRejected { reason },
    };
    if app.scheme.kind.requires_cover_at_injury() && !app.covered_at_injury {
        out.push(reject(InadmissibleReason::NotCoveredAtInjury {
            scheme: app.scheme.id.clone(),
        }));
        return Ok(out);
    }
    if (ctx.already_recognised)(&app.accident_key) {
        out.push(reject(InadmissibleReason::AccidentAlreadyRecognised {
            accident_key: app.accident_key.clone(),
        }));
        return Ok(out);
    }
    match app.applicant {
        ApplicantRole::Unit => {
            // A unit's late filing is still admitted (the unit may file after
            // the worker's year, too): Art 17(4) puts the cost on the unit.
            let last_day = unit_filing_last_day(ctx.calendar, accident)?;
            if app.filed_on > last_day {
                out.push(Event {
                    on,
                    change: Change::LateUnitFiling {
                        last_day,
                        days_late: days_between(last_day, app.filed_on),
                    },
                });
            }
        }
        ApplicantRole::Worker | ApplicantRole::CloseRelative | ApplicantRole::Union => {
            let last_day = personal_filing_last_day(ctx.calendar, accident)?;
            if app.filed_on > last_day {
                out.push(reject(InadmissibleReason::PastOneYearLimit { last_day }));
            }
        }
    }
    Ok(out)
}

/// A structured reason must agree with the facts of the application.
fn check_inadmissible_reason(
    app: &Application,
    reason: &InadmissibleReason,
    ctx: &Context<'_>,
) -> Result<(), Rejection> {
    match reason {
        InadmissibleReason::NotCoveredAtInjury { .. } => {
            if !app.scheme.kind.requires_cover_at_injury() || app.covered_at_injury {
                return Err(invalid(
                    "reason",
                    "the person was covered at injury, or the scheme does not require it",
                ));
            }
        }
        InadmissibleReason::PastOneYearLimit { last_day } => {
            let real = personal_filing_last_day(ctx.calendar, app.accident_or_diagnosis_date)?;
            if app.applicant == ApplicantRole::Unit || app.filed_on <= real || *last_day != real {
                return Err(invalid(
                    "reason",
                    format!("the application was filed in time (last day {real}) or by the unit"),
                ));
            }
        }
        InadmissibleReason::AccidentAlreadyRecognised { accident_key } => {
            if accident_key != &app.accident_key || !(ctx.already_recognised)(accident_key) {
                return Err(invalid(
                    "reason",
                    "the accident is not recognised elsewhere",
                ));
            }
        }
        InadmissibleReason::Other { explanation } => {
            if explanation.trim().is_empty() {
                return Err(invalid("reason", "say why the application is inadmissible"));
            }
        }
    }
    Ok(())
}

// ---- deadlines ----------------------------------------------------------------

fn delivery_deadline(
    calendar: &HolidayCalendar,
    decided_on: Date,
) -> Result<Deadline, DomainError> {
    calendar_deadline(
        calendar,
        DeadlineKind::Delivery,
        decided_on,
        20,
        0,
        "工伤认定办法 Art 22",
    )
}

/// The decision deadline of an accepted case: 60 days after acceptance (条例
/// Art 20(1)), 15 for a simple case (Art 20(2)), plus the days of finished
/// suspensions (Art 20(3)). None while suspended: the clock stands still.
pub fn decision_deadline(
    state: &State,
    calendar: &HolidayCalendar,
) -> Result<Option<Deadline>, DomainError> {
    let Some(accepted) = state.accepted_on else {
        return Ok(None);
    };
    if state.is_suspended() {
        return Ok(None);
    }
    let (days, mut article) = if state.simple_case {
        (15, String::from("条例 Art 20(2)"))
    } else {
        (60, String::from("条例 Art 20(1)"))
    };
    // The last day is the day on which `days` days have counted: a day counts
    // when it is after acceptance and not from a suspension up to its
    // resumption. A suspension that starts after the last day (an overdue
    // case) does not move it: lateness is not cured by a later suspension.
    let mut last = add_days(accepted, days)?;
    let first_counted = add_days(accepted, 1)?;
    for s in &state.suspensions {
        let Some(until) = s.until else { continue };
        let start = s.from.max(first_counted);
        if start <= last {
            last = add_days(last, days_between(start, until).max(0))?;
        }
    }
    let suspended = days_between(accepted, last) - days;
    if suspended > 0 {
        article.push_str(", Art 20(3)");
    }
    calendar_deadline(
        calendar,
        DeadlineKind::Decision,
        accepted,
        days,
        suspended,
        article,
    )
    .map(Some)
}

/// The deadlines running now, each from the event that starts it.
pub fn deadlines(state: &State, calendar: &HolidayCalendar) -> Result<Vec<Deadline>, DomainError> {
    let mut out = Vec::new();
    match state.phase {
        Phase::CompletenessReview => {
            if let Some(from) = state.review_from {
                out.push(calendar_deadline(
                    calendar,
                    DeadlineKind::CompletenessReview,
                    from,
                    15,
                    0,
                    "工伤认定办法 Art 8",
                )?);
            }
        }
        Phase::Accepted => out.extend(decision_deadline(state, calendar)?),
        Phase::Decided => {
            if let (Some(decided), None) = (state.decided_on, state.delivered_on) {
                out.push(delivery_deadline(calendar, decided)?);
            }
        }
        Phase::NotFiled
        | Phase::AwaitingMaterials
        | Phase::Rejected
        | Phase::Withdrawn
        | Phase::Terminated => {}
    }
    Ok(out)
}

/// Days to the most urgent running deadline (negative when overdue).
pub fn days_left(
    state: &State,
    calendar: &HolidayCalendar,
    today: Date,
) -> Result<Option<i64>, DomainError> {
    Ok(deadlines(state, calendar)?
        .iter()
        .map(|d| d.days_left(today))
        .min())
}

/// Open cases with a running deadline, overdue first, then by days left.
pub fn work_queue<'a, K: Ord + Clone + 'a>(
    cases: impl IntoIterator<Item = (K, &'a State)>,
    calendar: &HolidayCalendar,
    today: Date,
) -> Result<Vec<QueueEntry<K>>, DomainError> {
    let mut with_deadlines = Vec::new();
    for (key, state) in cases {
        with_deadlines.push((key, deadlines(state, calendar)?));
    }
    Ok(order_queue(with_deadlines, today))
}

#[cfg(test)]
mod rejection_codes {
    use super::{AccidentKey, Rejection};
    use jiff::civil::date;

    /// One rejection of each variant (but the calendar's): a new variant
    /// does not compile until it has a sample here, and the test checks that
    /// [`Rejection::ALL_CODES`] lists its code.
    fn one_of_each() -> Vec<Rejection> {
        let all = vec![
            Rejection::Closed {
                state: "decided",
                command: "accept",
            },
            Rejection::NotAllowed {
                state: "filed",
                command: "decide",
                reason: String::new(),
            },
            Rejection::AlreadyDone {
                command: "deliver",
                on: date(2025, 1, 1),
                article: "Art 1",
            },
            Rejection::BeforeLastEvent {
                now: date(2025, 1, 1),
                last_event_on: date(2025, 1, 2),
            },
            Rejection::InvalidInput {
                field: "x",
                reason: String::new(),
            },
            Rejection::MaterialsIncomplete {
                missing: Vec::new(),
            },
            Rejection::AccidentAlreadyRecognised {
                accident_key: AccidentKey::parse("a").unwrap(),
            },
        ];
        for r in &all {
            match r {
                Rejection::Closed { .. }
                | Rejection::NotAllowed { .. }
                | Rejection::AlreadyDone { .. }
                | Rejection::BeforeLastEvent { .. }
                | Rejection::InvalidInput { .. }
                | Rejection::MaterialsIncomplete { .. }
                | Rejection::AccidentAlreadyRecognised { .. } => {}
                // Its codes are DomainError::ALL_CODES.
                Rejection::Calendar(_) => {}
            }
        }
        all
    }

    #[test]
    fn all_codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(Rejection::code).collect();
        codes.sort_unstable();
        let mut listed = Rejection::ALL_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
