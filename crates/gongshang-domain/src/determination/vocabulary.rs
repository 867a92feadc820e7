//! What a determination speaks of: accident keys, applicants, materials,
//! grounds and exclusions, the scheme, the application, the finding and the
//! decision, and the commands.

use std::collections::BTreeSet;
use std::fmt;

use gongshang_rules::scheme::{ClaimProcedure, Scheme};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
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
    pub id: gongshang_rules::SchemeId,
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
    NotCoveredAtInjury { scheme: gongshang_rules::SchemeId },
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
