//! The public calculator (no sign-in): a case as a form, the award as the
//! rules engine computes it (`gongshang calc`), each amount with its article
//! and every step of the trace with the parameters used and their sources.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use gongshang_rules::{CaseInput, CaseResult, Money, Periodicity, Relation, calculate_case};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::format::yuan;
use super::{Ctx, respond};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/calc", get(form_page).post(calculate))
}

#[derive(Deserialize, Clone)]
pub struct CalcForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    injury_date: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    appraisal_date: String,
    #[serde(default)]
    death_date: String,
    #[serde(default)]
    own_wage: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    job_arranged: Option<String>,
    #[serde(default)]
    suspension_months: String,
    #[serde(default)]
    hospital_days: String,
    #[serde(default)]
    spouse: Option<String>,
    #[serde(default)]
    others: String,
}

impl Default for CalcForm {
    fn default() -> Self {
        CalcForm {
            region: "440100".into(),
            injury_date: "2025-03-10".into(),
            outcome: "grade".into(),
            appraisal_date: "2025-10-15".into(),
            death_date: String::new(),
            own_wage: "8500.00".into(),
            grade: "5".into(),
            job_arranged: None,
            suspension_months: "6".into(),
            hospital_days: "18".into(),
            spouse: None,
            others: "0".into(),
        }
    }
}

/// The case the form describes, in the calculator's JSON form (so that the
/// same parsing and the same errors apply as to `gongshang calc case.json`).
fn case_of(f: &CalcForm) -> Result<CaseInput, String> {
    let mut m = Map::new();
    let text = |s: &str| Value::String(s.trim().to_owned());
    if !f.region.trim().is_empty() {
        m.insert("region".into(), text(&f.region));
    }
    m.insert("injury_date".into(), text(&f.injury_date));
    m.insert("own_wage".into(), text(&f.own_wage));
    let number = |name: &str, s: &str| -> Result<Value, String> {
        if s.trim().is_empty() {
            return Ok(Value::from(0));
        }
        s.trim()
            .parse::<u32>()
            .map(Value::from)
            .map_err(|_| format!("{name}: {s:?} is not a whole number"))
    };
    m.insert(
        "suspension_months".into(),
        number("suspension_months", &f.suspension_months)?,
    );
    m.insert(
        "hospital_days".into(),
        number("hospital_days", &f.hospital_days)?,
    );
    if f.outcome == "death" {
        m.insert("death_date".into(), text(&f.death_date));
        let mut d = Map::new();
        d.insert("spouse".into(), Value::Bool(f.spouse.is_some()));
        d.insert("others".into(), number("others", &f.others)?);
        m.insert("dependants".into(), Value::Object(d));
    } else if f.outcome == "grade" {
        m.insert("appraisal_date".into(), text(&f.appraisal_date));
        m.insert("grade".into(), number("grade", &f.grade)?);
        m.insert("job_arranged".into(), Value::Bool(f.job_arranged.is_some()));
    }
    serde_json::from_value(Value::Object(m)).map_err(|e| e.to_string())
}

fn form_markup(ctx: &Ctx, state: &AppState, f: &CalcForm) -> Markup {
    let mut regions: Vec<_> = state.app.policy().regions().collect();
    regions.sort_by(|a, b| a.code.cmp(&b.code));
    html! {
        form.cols.card method="post" action="/calc" hx-post="/calc" hx-target="#calc-result" hx-swap="innerHTML" {
            div {
                label for="region" { (ctx.t("统筹地区", "Pooling region")) }
                select #region name="region" {
                    option value="" { (ctx.t("（仅按全国规则）", "(national rules only)")) }
                    @for r in &regions {
                        option value=(r.code) selected[r.code == f.region] { (if ctx.zh() { &r.name_zh } else { &r.name_en }) " " (r.code) }
                    }
                }
            }
            div {
                label for="injury_date" { (ctx.t("受伤日期", "Injury date")) }
                input #injury_date name="injury_date" type="date" required value=(f.injury_date);
            }
            div {
                label for="own_wage" { (ctx.t("本人工资（元/月）", "Own wage (yuan a month)")) }
                input #own_wage name="own_wage" inputmode="decimal" required value=(f.own_wage) pattern="[0-9]+(\\.[0-9]{1,2})?";
            }
            fieldset.full style="border:0;padding:0;margin:.4rem 0 0" {
                legend style="font-weight:600;font-size:.9rem" { (ctx.t("结果", "Outcome")) }
                label style="display:inline;font-weight:400;margin-right:1rem" { input type="radio" name="outcome" value="grade" checked[f.outcome == "grade"]; (ctx.t("评定伤残等级", "Disability grade")) }
                label style="display:inline;font-weight:400;margin-right:1rem" { input type="radio" name="outcome" value="death" checked[f.outcome == "death"]; (ctx.t("因工死亡", "Death")) }
                label style="display:inline;font-weight:400" { input type="radio" name="outcome" value="none" checked[f.outcome == "none"]; (ctx.t("未达伤残等级", "No grade")) }
            }
            div {
                label for="grade" { (ctx.t("伤残等级", "Grade")) }
                select #grade name="grade" {
                    @for g in 1..=10u8 { option value=(g) selected[f.grade == g.to_string()] { (if ctx.zh() { format!("{g}级") } else { format!("grade {g}") }) } }
                }
            }
            div {
                label for="appraisal_date" { (ctx.t("劳动能力鉴定结论日期", "Appraisal conclusion date")) }
                input #appraisal_date name="appraisal_date" type="date" value=(f.appraisal_date);
            }
            div {
                label { input type="checkbox" name="job_arranged" value="on" checked[f.job_arranged.is_some()]; (ctx.t("单位安排适当工作（5-6级）", "The unit arranged suitable work (grades 5-6)")) }
            }
            div {
                label for="death_date" { (ctx.t("死亡日期", "Date of death")) }
                input #death_date name="death_date" type="date" value=(f.death_date);
            }
            div {
                label { input type="checkbox" name="spouse" value="on" checked[f.spouse.is_some()]; (ctx.t("有配偶需供养", "A dependent spouse")) }
                label for="others" { (ctx.t("其他供养亲属人数", "Other dependants")) }
                input #others name="others" type="number" min="0" max="9" value=(f.others);
            }
            div {
                label for="suspension_months" { (ctx.t("停工留薪期（月）", "Paid suspension (months)")) }
                input #suspension_months name="suspension_months" type="number" min="0" max="24" value=(f.suspension_months);
            }
            div {
                label for="hospital_days" { (ctx.t("住院天数", "Days in hospital")) }
                input #hospital_days name="hospital_days" type="number" min="0" max="3650" value=(f.hospital_days);
            }
            div.full { button.primary type="submit" { (ctx.t("计算", "Calculate")) } " " span.spinner aria-hidden="true" {} }
        }
    }
}

async fn form_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let f = CalcForm::default();
    let title = ctx.t("工伤保险待遇计算器", "Work-injury benefit calculator");
    let result = compute(&state, &f);
    respond(
        &ctx,
        title,
        html! {
            h1 { (title) }
            p.muted { (ctx.t("按《工伤保险条例》及所选地区的参数计算每一项待遇，并逐项说明依据与计算过程。无需登录；结果仅供参考，以经办机构核定为准。",
                              "Each benefit under the Regulations and the region's parameters, with its article and how it was computed. No sign-in needed; the agency's decision is what counts.")) }
            (form_markup(&ctx, &state, &f))
            div #calc-result aria-live="polite" { (result_markup(&ctx, &state, &result)) }
        },
    )
}

fn compute(state: &AppState, f: &CalcForm) -> Result<CaseResult, String> {
    let case = case_of(f)?;
    calculate_case(state.app.policy(), &case).map_err(|e| e.to_string())
}

async fn calculate(State(state): State<AppState>, ctx: Ctx, Form(f): Form<CalcForm>) -> Response {
    // Pure and fast (microseconds): no need for the blocking pool.
    let result = compute(&state, &f);
    let fragment = result_markup(&ctx, &state, &result);
    if ctx.htmx {
        respond(&ctx, "", fragment)
    } else {
        let title = ctx.t("工伤保险待遇计算器", "Work-injury benefit calculator");
        respond(
            &ctx,
            title,
            html! { h1 { (title) } (form_markup(&ctx, &state, &f)) div #calc-result { (fragment) } },
        )
    }
}

fn result_markup(ctx: &Ctx, state: &AppState, result: &Result<CaseResult, String>) -> Markup {
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            return html! { div.alert.error role="alert" { strong { (ctx.t("无法计算：", "Cannot calculate: ")) } (e) } };
        }
    };
    let zh = ctx.zh();
    let (mut once, mut monthly) = (Money::ZERO, Money::ZERO);
    for l in &r.lines {
        match l.periodicity {
            Periodicity::OneTime => once = once.checked_add(l.amount).unwrap_or(once),
            Periodicity::Monthly => monthly = monthly.checked_add(l.amount).unwrap_or(monthly),
        }
    }
    let region = r
        .region
        .as_deref()
        .map(|c| super::registry::region_name(ctx, state, c))
        .unwrap_or_else(|| "—".into());
    html! {
        section.card #award {
            h2 style="margin-top:0" { (ctx.t("待遇核定", "The award")) }
            p.muted { (ctx.t("地区", "Region")) " " (region) " · " (ctx.t("规则日期", "Rules as of")) " " (r.rules_as_of) }
            div.table-wrap { table {
                thead { tr {
                    th { (ctx.t("项目", "Item")) } th.num { (ctx.t("金额（元）", "Amount (yuan)")) }
                    th { (ctx.t("周期", "Paid")) } th { (ctx.t("支付方", "Payer")) } th { (ctx.t("依据", "Article")) }
                } }
                tbody {
                    tr {
                        td { (if zh { gongshang_rules::Item::BenefitWage.label_zh() } else { gongshang_rules::Item::BenefitWage.label_en() }) }
                        td.num { (yuan(r.amounts.benefit_wage)) }
                        td { span.tag.grey { (ctx.t("计发基数", "basis")) } }
                        td {}
                        td { (ctx.t("《工伤保险条例》第六十四条", "Regulations Art 64")) }
                    }
                    @for l in &r.lines {
                        tr {
                            td { (if zh { l.item.label_zh() } else { l.item.label_en() }) }
                            td.num { strong { (yuan(l.amount)) } }
                            td { @if l.periodicity == Periodicity::Monthly { span.tag { (ctx.t("每月", "monthly")) } } @else { span.tag.grey { (ctx.t("一次性", "once")) } } }
                            td { (if zh { l.payer.label_zh() } else { l.payer.label_en() }) }
                            td { (if zh { l.article.zh } else { l.article.en }) }
                        }
                    }
                    @if r.lines.is_empty() { tr { td colspan="5" .muted { (ctx.t("无应发待遇项目。", "No benefit items are due.")) } } }
                }
            } }
            p.amount-total {
                (ctx.t("合计：一次性 ", "Total: ")) (yuan(once)) (ctx.t(" 元；每月 ", " yuan once; ")) (yuan(monthly)) (ctx.t(" 元", " yuan a month"))
            }
            @if !r.survivors.is_empty() {
                h3 { (ctx.t("供养亲属抚恤金（每月）", "Survivors' pensions (monthly)")) }
                ul { @for s in &r.survivors { li { (if s.relation == Relation::Spouse { ctx.t("配偶", "spouse") } else { ctx.t("其他供养亲属", "other dependant") }) (ctx.t("：", ": ")) (yuan(s.paid)) } } }
            }
        }
        section.card #trace {
            h2 style="margin-top:0" { (ctx.t("计算过程与依据", "How each amount was computed")) }
            ol.trace {
                @for step in &r.trace.steps {
                    li {
                        strong { (if zh { step.item.label_zh() } else { step.item.label_en() }) } " — "
                        span { (if zh { step.article.zh } else { step.article.en }) }
                        br;
                        (if zh { &step.explain_zh } else { &step.explain_en })
                        br;
                        span.formula { (step.formula) }
                        @for p in &step.params {
                            br;
                            span.param {
                                // A regional value names its region (a
                                // province's and a city's average share a label).
                                @if let Some(code) = &p.id.region {
                                    (super::registry::region_name(ctx, state, code)) (ctx.t("：", ": "))
                                }
                                (if zh { &p.label_zh } else { &p.label_en }) " = " (p.value.to_string()) " · "
                                (p.citation.instrument) " " (p.citation.article) " · "
                                (ctx.t("来源", "source")) " " (p.citation.source) " · " (format!("{:?}", p.citation.confidence))
                                @if let Some(n) = &p.citation.note { " · " (n) }
                            }
                        }
                    }
                }
            }
        }
    }
}
