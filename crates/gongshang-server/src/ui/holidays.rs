//! The administrator's page of the public-holiday calendar: the years held
//! and where each came from, the first year counted provisionally, and a
//! form to load a newly published year (the State Council's notice typed in
//! the format of `policies/national/holidays/<year>.toml`) without a rebuild.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::holidays::HolidayCalendarView;
use maud::{Markup, html};
use serde::Deserialize;

use super::session::{self, csrf_field};
use super::{Ctx, error_box, respond};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/holidays", get(page).post(load))
}

#[derive(Clone, Debug, Default, Deserialize)]
struct LoadForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    file: String,
}

fn body(
    ctx: &Ctx,
    view: &HolidayCalendarView,
    form: &LoadForm,
    outcome: Option<Markup>,
    error: Option<&AppError>,
) -> Markup {
    html! {
        h1 { (ctx.t("法定节假日安排", "Public-holiday calendar")) }
        p.muted { (ctx.t(
            "缴费期限和法定办理时限遇节假日顺延。尚未载入安排的年度，暂按周末计算并标为“暂定”；载入后，暂定的缴费期限和案件时限自动重新计算。",
            "Due dates and statutory deadlines move past public holidays. A year whose arrangement is not loaded counts weekends only and its dates are marked provisional; loading it counts the provisional due dates and deadlines again."
        )) }
        div.alert.warn role="status" {
            (ctx.t("自 ", "From ")) strong { (view.provisional_from) } (ctx.t(" 年起尚无安排：相关日期均为暂定。", " there is no arrangement: those dates are provisional."))
        }
        div.table-wrap { table {
            thead { tr {
                th { (ctx.t("年度", "Year")) } th { (ctx.t("通知", "Notice")) } th.num { (ctx.t("节日数", "Holidays")) } th { (ctx.t("来源", "Source")) }
            } }
            tbody {
                @for y in view.years.iter().rev() {
                    tr {
                        td { (y.year) }
                        td { (y.instrument) }
                        td.num { (y.holidays) }
                        td {
                            @match &y.loaded_by {
                                Some(who) => { (ctx.t("管理员载入：", "loaded by ")) (who) " " span.muted { (y.loaded_at.map(super::format::china_time).unwrap_or_default()) } }
                                None => { span.tag.grey { (ctx.t("随程序发布", "shipped")) } }
                            }
                        }
                    }
                }
            }
        } }
        @if let Some(o) = outcome { (o) }
        h2 { (ctx.t("载入一个年度的安排", "Load a year's arrangement")) }
        form.stack method="post" action="/admin/holidays" {
            (csrf_field(ctx))
            label for="file" { (ctx.t("安排文件（TOML，格式同 policies/national/holidays/2026.toml）", "Arrangement file (TOML, as policies/national/holidays/2026.toml)")) }
            textarea #file name="file" rows="16" spellcheck="false" required
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "file-error")] { (form.file) }
            @if let Some(e) = error {
                div #file-error .field-error role="alert" { (e.to_string()) }
            }
            div { button.primary type="submit" { (ctx.t("检查并载入", "Check and load")) } }
        }
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = session::require(&ctx, Action::ManageCalendar) {
        return r;
    }
    let title = ctx.t("法定节假日安排", "Public-holiday calendar");
    match state.run(|app| app.holiday_calendar()).await {
        Ok(view) => respond(
            &ctx,
            title,
            body(&ctx, &view, &LoadForm::default(), None, None),
        ),
        Err(e) => super::error_page(&ctx, &e),
    }
}

async fn load(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LoadForm>) -> Response {
    let user = match session::require(&ctx, Action::ManageCalendar) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let actor = user.actor();
    let text = f.file.clone();
    let result = state
        .run(move |app| app.load_holiday_year(&actor, &text))
        .await;
    let title = ctx.t("法定节假日安排", "Public-holiday calendar");
    let view = match state.run(|app| app.holiday_calendar()).await {
        Ok(v) => v,
        Err(e) => return super::error_page(&ctx, &e),
    };
    let ctx_ref = &ctx;
    match result {
        Ok(loaded) => {
            let outcome = html! {
                div.alert.ok role="status" {
                    strong { (ctx_ref.t("已载入 ", "Loaded ")) (loaded.year) }
                    @if loaded.replaced { (ctx_ref.t("（替换了原有安排）", " (replacing the one held)")) }
                    "。" (ctx_ref.t("重新计算缴费期限的账单：", "Bills dated again: ")) (loaded.bills_redated)
                    "；" (ctx_ref.t("重新计算时限的案件：", "cases dated again: ")) (loaded.cases_redated)
                }
            };
            respond(
                &ctx,
                title,
                body(&ctx, &view, &LoadForm::default(), Some(outcome), None),
            )
        }
        Err(e) => {
            let shown = match &e {
                AppError::Domain(_) | AppError::Invalid { .. } => None,
                _ => Some(error_box(&ctx, &e)),
            };
            let field_error = shown.is_none().then_some(&e);
            let markup = html! {
                @if let Some(b) = shown { (b) }
                (body(&ctx, &view, &f, None, field_error))
            };
            respond(&ctx, title, markup)
        }
    }
}
