//! The medical insurance bases of a month (Regulations Art 35 para 2): each
//! grade 1-4 worker's disability allowance is the base on which the unit
//! and the worker pay basic medical insurance. The unit reads its own
//! workers' to declare them; agency staff read every unit's or one. The
//! screen masks resident ids; the CSV and xlsx a unit declares from carry
//! them whole.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::payroll::{
    MEDICAL_BASE_ARTICLE_EN, MEDICAL_BASE_ARTICLE_ZH, MedicalBases, payer_words,
};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::month::Month;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::yuan;
use super::plain::{field_error, form_error, invalid};
use super::{Ctx, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/medical-insurance-bases", get(page))
}

#[derive(Debug, Default, Deserialize)]
pub struct BasesQuery {
    month: Option<String>,
    unit: Option<String>,
    /// `csv` or `xlsx`: the list as a file.
    format: Option<String>,
}

fn text(s: &Option<String>) -> &str {
    s.as_deref().map_or("", str::trim)
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<BasesQuery>,
) -> Response {
    let user = match session::require(&ctx, Action::ReadMedicalInsuranceBases) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let actor = user.actor();
    let is_unit = actor.unit().is_some();
    let (month_text, unit_text) = (text(&q.month).to_owned(), text(&q.unit).to_owned());
    let result = state
        .run_read(move |app| {
            let month = if month_text.is_empty() {
                Month::of(app.today())
            } else {
                Month::parse(&month_text).map_err(|e| AppError::invalid("month", e.to_string()))?
            };
            let unit = (!unit_text.is_empty())
                .then(|| CreditCode::parse(&unit_text))
                .transpose()
                .map_err(|e| AppError::invalid("unit", e.to_string()))?;
            app.medical_insurance_bases(&actor, month, unit.as_ref())
        })
        .await;
    let title = ctx.t("伤残津贴医保缴费基数", "Medical insurance bases");
    match (result, text(&q.format)) {
        (Ok(bases), format @ ("csv" | "xlsx")) => {
            let table = bases.table(ctx.lang);
            let bytes = if format == "xlsx" {
                gongshang_app::export::xlsx(&table)
            } else {
                gongshang_app::export::csv(&table).into_bytes()
            };
            let name = format!("gongshang-medical-bases-{}", bases.month);
            super::analyst::download(&name, format, bytes)
        }
        (Ok(bases), _) => respond(&ctx, title, body(&ctx, &q, is_unit, Some(&bases), None)),
        (Err(e), _) => {
            let status = super::error_status(&e);
            (
                status,
                respond(&ctx, title, body(&ctx, &q, is_unit, None, Some(&e))),
            )
                .into_response()
        }
    }
}

fn export_link(b: &MedicalBases, format: &str) -> String {
    let month = b.month.to_string();
    let mut q = vec![("month", month.as_str()), ("format", format)];
    if let Some(u) = &b.unit {
        q.push(("unit", u.as_str()));
    }
    format!(
        "/medical-insurance-bases?{}",
        serde_urlencoded::to_string(q).unwrap_or_default()
    )
}

fn masked(id: &str) -> String {
    ResidentId::parse(id).map_or_else(|_| id.to_owned(), |r| r.masked())
}

fn body(
    ctx: &Ctx,
    q: &BasesQuery,
    is_unit: bool,
    bases: Option<&MedicalBases>,
    error: Option<&AppError>,
) -> Markup {
    let month = bases.map_or_else(|| text(&q.month).to_owned(), |b| b.month.to_string());
    html! {
        h1 { (ctx.t("伤残津贴医保缴费基数", "Medical insurance bases on disability allowances")) " " (month) }
        p.note { (ctx.t(
            "一至四级伤残职工保留劳动关系、退出工作岗位，由用人单位和职工个人以伤残津贴为基数缴纳基本医疗保险费（",
            "A grade 1-4 worker keeps the labour relation and leaves the post; the unit and the worker pay basic medical insurance on the disability allowance (",
        )) (ctx.t(MEDICAL_BASE_ARTICLE_ZH, MEDICAL_BASE_ARTICLE_EN)) (ctx.t(
            "）。基数为当月有效的伤残津贴（含补足至最低工资的部分），自伤残津贴起发之月起，至办理退休之月止；费率和征缴按统筹地区医疗保险的规定。",
            "). The base is the allowance in force in the month (with any top-up to the minimum wage), from the allowance's first month until the month the worker retires; the rates and collection are the region's medical insurance's.",
        )) }
        form.filters method="get" action="/medical-insurance-bases" novalidate {
            (form_error(ctx, error, &["month", "unit"]))
            label for="month" { (ctx.t("月份", "Month")) }
            input #month name="month" value=(month) placeholder="2026-11" aria-invalid=[invalid(error, "month").then_some("true")] aria-describedby="month-error";
            (field_error(ctx, error, "month"))
            @if !is_unit {
                label for="unit" { (ctx.t("单位代码（空：全部单位）", "Unit code (blank: every unit)")) }
                input #unit name="unit" value=(text(&q.unit)) aria-invalid=[invalid(error, "unit").then_some("true")] aria-describedby="unit-error";
                (field_error(ctx, error, "unit"))
            }
            button type="submit" { (ctx.t("查询", "Show")) }
        }
        @if let Some(b) = bases {
            div.toolbar {
                a.button href=(export_link(b, "csv")) hx-boost="false" download { (ctx.t("导出 CSV", "Export CSV")) }
                " "
                a.button href=(export_link(b, "xlsx")) hx-boost="false" download { (ctx.t("导出 Excel", "Export Excel")) }
            }
            @if b.rows.is_empty() {
                p.empty { (ctx.t("该月没有一至四级伤残职工领取伤残津贴。", "No grade 1-4 worker draws a disability allowance in this month.")) }
            } @else {
                div.table-wrap {
                    table.medical-bases {
                        thead { tr {
                            th { (ctx.t("单位", "Unit")) }
                            th { (ctx.t("案件", "Case")) }
                            th { (ctx.t("姓名", "Name")) }
                            th { (ctx.t("身份证号", "Resident id")) }
                            th.num { (ctx.t("伤残等级", "Grade")) }
                            th { (ctx.t("伤残津贴支付方", "Allowance paid by")) }
                            th.num { (ctx.t("缴费基数", "Base")) }
                        } }
                        tbody {
                            @for r in &b.rows {
                                tr {
                                    td title=(r.unit_code.as_deref().unwrap_or("")) {
                                        (r.unit_name.as_deref().or(r.unit_code.as_deref()).unwrap_or(""))
                                        @if let Some(from) = r.case_unit_code.as_deref().filter(|c| r.unit_code.as_deref() != Some(*c)) {
                                            br; span.muted.succeeded-from { (ctx.t("承继自 ", "succeeding ")) (from) }
                                        }
                                    }
                                    td { a href=(format!("/cases/{}", r.case_number)) { (r.case_number) } }
                                    td { (r.name.as_deref().unwrap_or("")) }
                                    td { (masked(&r.resident_id)) }
                                    td.num { (r.grade) }
                                    td { (payer_words(r.payer, ctx.lang)) }
                                    td.num { (yuan(r.base)) }
                                }
                            }
                        }
                        tfoot { tr {
                            th colspan="6" { (ctx.t("合计", "Total")) }
                            td.num { (yuan(b.total)) }
                        } }
                    }
                }
            }
        }
    }
}
