//! The view types: what each notice prints, nothing more.
//!
//! They reuse the domain's vocabulary where it exists (grounds, exclusions,
//! reasons of inadmissibility, materials, remedies; award items and payers),
//! so that the case services fill them from a case directly, and they derive
//! `Deserialize` so that a notice can also be rendered from a JSON file.
//! Names, addresses and numbers are plain text, as they should be printed:
//! the services decide, for example, whether an identity number is masked.

use gongshang_domain::determination::{
    ApplicantRole, Finding, InadmissibleReason, InsuredUnit, MaterialKind, Remedies, SchemeKind,
};
use gongshang_rules::award::{AwardLine, Periodicity};
use gongshang_rules::benefits::{NursingLevel, Payer};
use gongshang_rules::params::{ParamUse, Status, Validity};
use gongshang_rules::scheme_award::SchemeLine;
use gongshang_rules::{Item, Money, Step};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The injured (or deceased) worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonView {
    pub name: String,
    /// As printed (full or masked: the caller decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

/// A unit: the employer (用人单位) or the insured unit (参保单位).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitView {
    pub name: String,
    /// 统一社会信用代码, as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
}

impl From<&InsuredUnit> for UnitView {
    fn from(unit: &InsuredUnit) -> UnitView {
        UnitView {
            name: unit.name.clone(),
            credit_code: Some(unit.credit_code.as_str().to_owned()),
        }
    }
}

/// The scheme a case runs under, with the name a reader understands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeView {
    /// The scheme's id in the policy files, e.g. `guangdong.specific_persons`.
    pub id: String,
    /// e.g. 广东省特定人员单项参加工伤保险.
    pub name_zh: String,
    pub kind: SchemeKind,
    /// What enrolment under the scheme does not prove, in the instrument's
    /// words with its citation (粤人社规〔2020〕55号 Art 13, issue 17).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

/// Who filed the application (条例 Art 17).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantView {
    pub role: ApplicantRole,
    /// The unit's or the person's name.
    pub name: String,
}

/// Where the remedies are sought; when absent, the notice names the kind of
/// body (行政复议机关, 人民法院) without naming one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemedyBodies {
    /// e.g. 广州市人民政府.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_body: Option<String>,
    /// e.g. 广州铁路运输法院.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<String>,
}

fn statutory_remedies() -> Remedies {
    Remedies::statutory()
}

/// 认定工伤决定书 or 不予认定工伤决定书 (条例 Arts 14-16, 20; 办法 Arts 18-19),
/// by the finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionNotice {
    /// The number of the decision, e.g. 穗人社工认〔2025〕0123号.
    pub case_number: String,
    /// The social insurance administrative department that decides.
    pub authority: String,
    pub issued_on: Date,
    pub applicant: ApplicantView,
    pub worker: PersonView,
    /// The employer (用人单位), or the unit the person worked for.
    pub unit: UnitView,
    /// The unit that insured the person (参保单位), named by the decision.
    pub insured_unit: UnitView,
    pub scheme: SchemeView,
    /// For interns: the school (Guangdong specific persons measure, Annex 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intern_school: Option<String>,
    /// The day of the accident, or of the occupational-disease diagnosis.
    pub accident_date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accident_place: Option<String>,
    pub filed_on: Date,
    pub accepted_on: Date,
    /// What the investigation found (查明的事实).
    pub facts: String,
    /// The injury or diagnosis (伤害部位及诊断).
    pub injury: String,
    pub finding: Finding,
    #[serde(default = "statutory_remedies")]
    pub remedies: Remedies,
    #[serde(default)]
    pub remedy_bodies: RemedyBodies,
}

/// 不予受理通知书 (办法 Art 8): the application is not admitted, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InadmissibleNotice {
    pub case_number: String,
    pub authority: String,
    pub issued_on: Date,
    pub applicant: ApplicantView,
    pub worker: PersonView,
    pub unit: UnitView,
    /// The scheme; needed to explain [`InadmissibleReason::NotCoveredAtInjury`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<SchemeView>,
    pub accident_date: Date,
    pub filed_on: Date,
    pub reason: InadmissibleReason,
    #[serde(default = "statutory_remedies")]
    pub remedies: Remedies,
    #[serde(default)]
    pub remedy_bodies: RemedyBodies,
}

/// 补正材料通知书 (办法 Art 8): the one written request listing every missing
/// material; the 15 days of review run again when they are all in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialsNotice {
    pub case_number: String,
    pub authority: String,
    pub issued_on: Date,
    pub applicant: ApplicantView,
    pub worker: PersonView,
    pub unit: UnitView,
    pub accident_date: Date,
    pub filed_on: Date,
    /// Each missing material; a material listed twice is printed once.
    pub missing: Vec<MaterialKind>,
    /// Where and how to hand them in (address, telephone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// The work-capacity appraisal an award rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppraisalView {
    /// 伤残等级 1-10, 1 the most severe.
    pub grade: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nursing: Option<NursingLevel>,
    pub concluded_on: Date,
}

/// Whether an item is paid once or every month.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidEvery {
    Once,
    Month,
}

impl From<Periodicity> for PaidEvery {
    fn from(p: Periodicity) -> PaidEvery {
        match p {
            Periodicity::OneTime => PaidEvery::Once,
            Periodicity::Monthly => PaidEvery::Month,
        }
    }
}

/// One item of an award sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardLineView {
    pub item: Item,
    /// In yuan, exact to the fen (`"8500.50"`).
    pub amount: Money,
    pub paid: PaidEvery,
    pub payer: Payer,
    /// The provision the item rests on, in Chinese.
    pub article: String,
    /// e.g. that a value is assumed, not confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl From<&AwardLine> for AwardLineView {
    fn from(line: &AwardLine) -> AwardLineView {
        AwardLineView {
            item: line.item,
            amount: line.amount,
            paid: line.periodicity.into(),
            payer: line.payer,
            article: line.article.zh.to_owned(),
            note: None,
        }
    }
}

impl From<&SchemeLine> for AwardLineView {
    fn from(line: &SchemeLine) -> AwardLineView {
        let c = &line.citation;
        AwardLineView {
            item: line.item,
            amount: line.amount,
            paid: line.periodicity.into(),
            payer: line.payer,
            article: format!("{} {}", c.instrument, c.article),
            note: status_note(c.status, c.note.as_deref()),
        }
    }
}

fn status_note(status: Status, note: Option<&str>) -> Option<String> {
    let mark = match status {
        Status::Confirmed => return None,
        Status::Assumed => "假定值，待核实",
        Status::Illustrative => "示例值，不得用于正式核定",
    };
    Some(match note {
        Some(n) => format!("{mark}：{n}"),
        None => mark.to_owned(),
    })
}

/// One step of the calculation, as the award sheet explains it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceStepView {
    pub item: Item,
    /// The engine's stable rule id, e.g. `art64.clamp`.
    pub rule: String,
    pub article: String,
    /// The arithmetic with the numbers filled in.
    pub formula: String,
    /// What the step decided, in Chinese.
    pub explain: String,
    pub amount: Money,
    /// The parameters used, each with its validity and citation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
}

impl From<&Step> for TraceStepView {
    fn from(step: &Step) -> TraceStepView {
        TraceStepView {
            item: step.item,
            rule: step.rule.to_owned(),
            article: step.article.zh.to_owned(),
            formula: step.formula.clone(),
            explain: step.explain_zh.clone(),
            amount: step.amount,
            params: step.params.iter().map(param_line).collect(),
        }
    }
}

/// `广州市上年度职工月平均工资：9000.00（自2025-07-01起；《…》第…条）`.
fn param_line(p: &ParamUse) -> String {
    let validity = match p.validity {
        Validity::From(d) => format!("自{}起", crate::zh::date(d)),
        Validity::Year(y) => format!("{y}年度"),
    };
    let c = &p.citation;
    let mut line = format!(
        "{}：{}（{validity}；{} {}）",
        p.label_zh, p.value, c.instrument, c.article
    );
    if let Some(note) = status_note(c.status, c.note.as_deref()) {
        line.push_str(&format!("【{note}】"));
    }
    line
}

/// 工伤保险待遇核定表: every item with its amount, payer and article, and the
/// steps of the calculation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardNotice {
    pub case_number: String,
    pub authority: String,
    pub issued_on: Date,
    pub worker: PersonView,
    pub unit: UnitView,
    pub scheme: SchemeView,
    /// The number of the determination decision the award follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub determination_number: Option<String>,
    pub injury_date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraisal: Option<AppraisalView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<Date>,
    /// The legal date of the parameters (计发依据日期).
    pub rules_as_of: Date,
    /// 本人工资 after the Art 64 clamp, where the award computes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit_wage: Option<Money>,
    pub lines: Vec<AwardLineView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStepView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}
