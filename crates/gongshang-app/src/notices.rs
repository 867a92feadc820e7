//! Notices from stored cases: fills the view types of `gongshang-notices`
//! from a case's folded events, its registry records and its approved award,
//! and renders them as HTML or PDF.
//!
//! Which notice a case has follows from what happened to it: the decision
//! (认定工伤决定书 / 不予认定工伤决定书) once decided, the inadmissibility notice
//! (不予受理通知书) once rejected, the request for materials (补正材料通知书)
//! once requested, the award sheet (工伤保险待遇核定表) once an award is
//! approved. Asking for another is a `conflict` naming the case's state.

use gongshang_domain::case::AwardStatus;
use gongshang_domain::coverage;
use gongshang_domain::determination::{ApplicantRole, SchemeKind};
use gongshang_notices::{
    ApplicantView, AppraisalView, AwardLineView, AwardNotice, DecisionNotice, InadmissibleNotice,
    MaterialsNotice, PaidEvery, PersonView, RemedyBodies, SchemeView, TraceStepView, UnitView,
};
use gongshang_rules::Money;
use gongshang_rules::award::Periodicity;
use jiff::Timestamp;
use jiff::civil::Date;

pub use gongshang_notices::{Notice, NoticeKind};

use crate::actor::{Action, Actor};
use crate::cases::CaseView;
use crate::error::AppError;
use crate::services::App;

/// How a notice is rendered.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NoticeFormat {
    Html,
    Pdf,
}

impl NoticeFormat {
    pub fn parse(text: &str) -> Result<NoticeFormat, AppError> {
        match text.trim() {
            "html" => Ok(NoticeFormat::Html),
            "pdf" => Ok(NoticeFormat::Pdf),
            other => Err(AppError::invalid(
                "format",
                format!("{other:?}; expected html or pdf"),
            )),
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            NoticeFormat::Html => "text/html; charset=utf-8",
            NoticeFormat::Pdf => "application/pdf",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            NoticeFormat::Html => "html",
            NoticeFormat::Pdf => "pdf",
        }
    }
}

/// A rendered notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedNotice {
    pub content_type: &'static str,
    /// e.g. `GS-2025-000123-decision.pdf`.
    pub file_name: String,
    pub body: Vec<u8>,
}

/// The social insurance administrative department of a pooling region: the
/// prefecture-level cities of the demo's regions by name, otherwise the
/// generic name of the department (条例 Art 17).
pub fn authority(region: Option<&str>) -> String {
    let city = match region.map(|r| r.get(..4).unwrap_or(r)) {
        Some("4401") => "广州市",
        Some("4403") => "深圳市",
        Some("4406") => "佛山市",
        Some("4419") => "东莞市",
        Some("3502") => "厦门市",
        Some("3501") => "福州市",
        Some("1101") => "北京市",
        Some("3101") => "上海市",
        _ => return "社会保险行政部门".into(),
    };
    format!("{city}人力资源和社会保障局")
}

fn day(t: Timestamp) -> Date {
    coverage::date_in_china(t)
}

fn parse_text<T: serde::de::DeserializeOwned>(
    field: &'static str,
    text: &str,
) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| AppError::invalid(field, format!("{text:?}: {e}")))
}

/// What every notice of a case prints: who, which unit, which scheme.
struct Parties {
    worker: PersonView,
    unit: UnitView,
    scheme: SchemeView,
    authority: String,
}

impl App {
    fn parties(&self, view: &CaseView) -> Result<Parties, AppError> {
        let row = &view.row;
        let person = self.store().person_by_resident_id(&row.person)?;
        let worker = PersonView {
            name: person.map_or_else(|| row.person.masked(), |p| p.name),
            id_number: Some(row.person.as_str().to_owned()),
        };
        let unit = match &row.unit {
            Some(code) => {
                let stored = self.store().unit_by_code(code)?;
                UnitView {
                    name: stored.map_or_else(|| code.as_str().to_owned(), |u| u.name),
                    credit_code: Some(code.as_str().to_owned()),
                }
            }
            None => UnitView {
                name: "（无）".into(),
                credit_code: None,
            },
        };
        let kind = view
            .determination
            .application
            .as_ref()
            .map_or(SchemeKind::Regulations, |a| a.scheme.kind);
        let name_zh = self
            .policy()
            .scheme(&row.scheme_id)
            .map_or_else(|_| row.scheme_id.to_string(), |s| s.name_zh.clone());
        // 粤人社规〔2020〕55号 Art 13 (issue 17): in the instrument's words.
        let statement = self.scheme_texts(&row.scheme_id).1.map(|t| {
            let short = t
                .citation
                .instrument
                .rsplit_once('（')
                .map_or(t.citation.instrument.as_str(), |(_, s)| {
                    s.trim_end_matches('）')
                });
            format!("{}（{short}{}）", t.text_zh, t.citation.article)
        });
        Ok(Parties {
            worker,
            unit,
            scheme: SchemeView {
                id: row.scheme_id.to_string(),
                name_zh,
                kind,
                statement,
            },
            authority: authority(row.region.as_deref()),
        })
    }

    fn not_yet(view: &CaseView, kind: NoticeKind, what: &str) -> AppError {
        AppError::Conflict {
            entity: "case",
            reason: format!(
                "case {} is {}; the {kind} notice follows {what}",
                view.row.number, view.row.state
            ),
        }
    }

    /// The notice of `kind` of the stored case `number`.
    pub fn case_notice(
        &self,
        actor: &Actor,
        number: &str,
        kind: NoticeKind,
    ) -> Result<Notice, AppError> {
        actor.authorize(Action::ReadCase)?;
        let view = self.case_view(actor, number)?;
        let p = self.parties(&view)?;
        let d = &view.determination;
        let app = d
            .application
            .as_ref()
            .ok_or_else(|| Self::not_yet(&view, kind, "an application"))?;
        let applicant = ApplicantView {
            role: app.applicant,
            name: match app.applicant {
                ApplicantRole::Unit => p.unit.name.clone(),
                ApplicantRole::Worker => p.worker.name.clone(),
                ApplicantRole::CloseRelative => format!("{}的近亲属", p.worker.name),
                ApplicantRole::Union => "工会组织".into(),
            },
        };
        let notice: Notice = match kind {
            NoticeKind::Decision => {
                let (decision, decided_on, accepted_on) =
                    match (&d.decision, d.decided_on, d.accepted_on) {
                        (Some(x), Some(on), Some(acc)) => (x, on, acc),
                        _ => return Err(Self::not_yet(&view, kind, "a decision")),
                    };
                let insured_unit = UnitView::from(&decision.insured_unit);
                DecisionNotice {
                    case_number: view.row.number.clone(),
                    authority: p.authority,
                    issued_on: decided_on,
                    applicant,
                    worker: p.worker.clone(),
                    unit: p.unit,
                    insured_unit,
                    scheme: p.scheme,
                    intern_school: decision.intern_school.clone(),
                    accident_date: app.accident_or_diagnosis_date,
                    accident_place: None,
                    filed_on: app.filed_on,
                    accepted_on,
                    facts: format!(
                        "{}于{}受到事故伤害（或被诊断、鉴定为职业病），{}于{}提出工伤认定申请，本部门于{}受理，经调查核实作出本决定。",
                        p.worker.name,
                        gongshang_notices::zh::date(app.accident_or_diagnosis_date),
                        gongshang_notices::zh::applicant_role(app.applicant),
                        gongshang_notices::zh::date(app.filed_on),
                        gongshang_notices::zh::date(accepted_on),
                    ),
                    injury: "以医疗机构出具的诊断证明为准".into(),
                    finding: decision.finding.clone(),
                    remedies: decision.remedies.clone(),
                    remedy_bodies: RemedyBodies::default(),
                }
                .into()
            }
            NoticeKind::Inadmissible => {
                let (reason, on) = match (&d.rejected, d.closed_on) {
                    (Some(r), Some(on)) => (r, on),
                    _ => return Err(Self::not_yet(&view, kind, "a rejected application")),
                };
                InadmissibleNotice {
                    case_number: view.row.number.clone(),
                    authority: p.authority,
                    issued_on: on,
                    applicant,
                    worker: p.worker,
                    unit: p.unit,
                    scheme: Some(p.scheme),
                    accident_date: app.accident_or_diagnosis_date,
                    filed_on: app.filed_on,
                    reason: reason.clone(),
                    remedies: gongshang_domain::determination::Remedies::statutory(),
                    remedy_bodies: RemedyBodies::default(),
                }
                .into()
            }
            NoticeKind::Materials => {
                let (on, missing) = d
                    .materials_requested
                    .clone()
                    .ok_or_else(|| Self::not_yet(&view, kind, "a request for materials"))?;
                MaterialsNotice {
                    case_number: view.row.number.clone(),
                    authority: p.authority,
                    issued_on: on,
                    applicant,
                    worker: p.worker,
                    unit: p.unit,
                    accident_date: app.accident_or_diagnosis_date,
                    filed_on: app.filed_on,
                    missing,
                    contact: None,
                }
                .into()
            }
            NoticeKind::Award => self.award_notice(&view, p)?.into(),
        };
        notice
            .validate()
            .map_err(|e| AppError::invalid("notice", e.to_string()))?;
        Ok(notice)
    }

    /// The award sheet of the case's approved award.
    fn award_notice(&self, view: &CaseView, p: Parties) -> Result<AwardNotice, AppError> {
        let award = self
            .store()
            .awards_of_case(view.row.id)?
            .into_iter()
            .find(|a| a.status == AwardStatus::Approved)
            .ok_or_else(|| Self::not_yet(view, NoticeKind::Award, "an approved award"))?;
        let mut lines = Vec::new();
        for it in &award.items {
            lines.push(AwardLineView {
                item: it.item,
                amount: it.amount,
                paid: match it.periodicity {
                    Periodicity::Monthly => PaidEvery::Month,
                    Periodicity::OneTime => PaidEvery::Once,
                },
                payer: it.payer,
                article: it.citation.clone(),
                note: (it.beneficiary != crate::cases::THE_WORKER)
                    .then(|| format!("受益人：{}", it.beneficiary)),
            });
        }
        let trace: serde_json::Value = serde_json::from_str(&award.trace).unwrap_or_default();
        let steps = trace["steps"].as_array().cloned().unwrap_or_default();
        let mut trace_views = Vec::new();
        let mut benefit_wage = None;
        for s in &steps {
            let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
            let amount: Money = serde_json::from_value(s["amount"].clone()).unwrap_or(Money::ZERO);
            let item: gongshang_rules::Item = match serde_json::from_value(s["item"].clone()) {
                Ok(i) => i,
                Err(_) => continue,
            };
            if item == gongshang_rules::Item::BenefitWage {
                benefit_wage = Some(amount);
            }
            trace_views.push(TraceStepView {
                item,
                rule: text("rule"),
                article: s["article"]["zh"].as_str().unwrap_or_default().to_owned(),
                formula: text("formula"),
                explain: text("explain_zh"),
                amount,
                params: s["params"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|x| {
                                format!(
                                    "{}：{}",
                                    x["label_zh"].as_str().unwrap_or_default(),
                                    match &x["value"] {
                                        serde_json::Value::String(v) => v.clone(),
                                        other => other.to_string(),
                                    }
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        let appraisal = self
            .store()
            .appraisal_history(view.row.id)?
            .into_iter()
            .rev()
            .find_map(|c| {
                Some(AppraisalView {
                    grade: c.grade?,
                    nursing: c
                        .nursing
                        .as_deref()
                        .and_then(|n| parse_text("nursing", n).ok()),
                    concluded_on: c.concluded_on,
                })
            });
        let input: serde_json::Value = serde_json::from_str(&award.input).unwrap_or_default();
        let death_date = serde_json::from_value(input["case"]["death_date"].clone()).ok();
        let mut notes = vec![format!(
            "核定依据：{}；审核人：{}。",
            award.basis,
            award.checked_by.clone().unwrap_or_default()
        )];
        // Regulations Art 43: the items the employer pays fall on the unit
        // liable on the day of issue, when a succession or a secondment
        // moved it away from the case's unit.
        if let Some(unit) = view.row.unit {
            let issued = award.checked_at.map_or_else(|| day(award.made_at), day);
            let liability = self.liability_answer(
                unit,
                view.row.accident_date,
                Some(issued),
                Some(&view.row.person),
            )?;
            if let Some(liable) = liability.answer.liable_unit()
                && *liable != unit
            {
                let name = self
                    .store()
                    .unit_by_code(liable)?
                    .map_or_else(String::new, |u| u.name);
                let articles: Vec<&str> = liability
                    .answer
                    .steps
                    .iter()
                    .flat_map(|s| s.articles.iter().map(|a| a.zh))
                    .collect();
                notes.push(format!(
                    "由用人单位支付的项目由{name}（统一社会信用代码 {}）承担（{}）。",
                    liable.as_str(),
                    articles.join("、")
                ));
            }
        }
        Ok(AwardNotice {
            case_number: view.row.number.clone(),
            authority: p.authority,
            issued_on: award.checked_at.map_or_else(|| day(award.made_at), day),
            worker: p.worker,
            unit: p.unit,
            scheme: p.scheme,
            determination_number: Some(view.row.number.clone()),
            injury_date: view.row.accident_date,
            appraisal,
            death_date,
            rules_as_of: award.legal_date,
            benefit_wage,
            lines,
            trace: trace_views,
            notes,
        })
    }

    /// The notice of `kind` (`decision`, `inadmissible`, `materials` or
    /// `award`) of the case, rendered.
    pub fn render_case_notice(
        &self,
        actor: &Actor,
        number: &str,
        kind: &str,
        format: NoticeFormat,
    ) -> Result<RenderedNotice, AppError> {
        let kind = NoticeKind::parse(kind.trim()).map_err(|_| {
            AppError::invalid(
                "kind",
                format!("{kind:?}; expected decision, inadmissible, materials or award"),
            )
        })?;
        let notice = self.case_notice(actor, number, kind)?;
        let body = match format {
            NoticeFormat::Html => notice.html().into_bytes(),
            NoticeFormat::Pdf => notice
                .pdf()
                .map_err(|e| AppError::invalid("notice", e.to_string()))?,
        };
        Ok(RenderedNotice {
            content_type: format.content_type(),
            file_name: format!("{number}-{kind}.{}", format.extension()),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regulations_art17_the_authority_is_the_department_of_the_pooling_region() {
        assert_eq!(authority(Some("440106")), "广州市人力资源和社会保障局");
        assert_eq!(authority(Some("350203")), "厦门市人力资源和社会保障局");
        assert_eq!(authority(Some("990000")), "社会保险行政部门");
        assert_eq!(authority(None), "社会保险行政部门");
    }

    #[test]
    fn a_format_is_html_or_pdf_and_anything_else_names_the_field() {
        assert_eq!(
            NoticeFormat::parse("pdf").unwrap().content_type(),
            "application/pdf"
        );
        assert_eq!(NoticeFormat::parse(" html ").unwrap(), NoticeFormat::Html);
        let err = NoticeFormat::parse("docx").unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("format")));
    }
}
