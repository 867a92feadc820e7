//! The reviewer's day (issue 13): the home page lists the awards awaiting
//! review (the oldest first), each with its case, worker, unit and maker;
//! the award page approves or returns it with a reason
//! (`App::return_award`), beside the award it would replace.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use gongshang_app::accounts::Action;
use gongshang_app::model::{RETURN_REASON_MAX_CHARS, ReviewRow};
use maud::{Markup, html};
use serde::Deserialize;

use super::format::yuan;
use super::staff_words::{actor_words, basis_words};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/review", axum::routing::get(page))
        .route("/awards/{id}/return", post(return_award))
}

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match session::require(&ctx, Action::ApproveAward) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    match state.run(move |app| app.review_queue(&actor)).await {
        Ok(rows) => {
            let title = ctx.t("待我复核", "Awaiting my review");
            respond(&ctx, title, body(&ctx, &rows))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn body(ctx: &Ctx, rows: &[ReviewRow]) -> Markup {
    let me = ctx
        .viewer
        .actor()
        .map(|a| a.audit_name())
        .unwrap_or_default();
    html! {
        h1 { (ctx.t("待我复核", "Awaiting my review")) " " span.count { (rows.len()) } }
        p.muted { (ctx.t(
            "经办人计算的待遇核定单，须由另一位人员复核后方可发放。打开核定单可查看计算过程、与现行核定的差额，并核准或退回。",
            "Awards computed by a clerk are paid only once a second person has checked them. Open one to see its computation and its difference from the award in force, then approve or return it."
        )) }
        @if rows.is_empty() {
            p.empty { (ctx.t("没有待复核的核定单。", "Nothing is awaiting review.")) }
        } @else {
            div.table-wrap { table.cards #review {
                thead { tr {
                    th { (ctx.t("核定单", "Award")) } th { (ctx.t("案件", "Case")) } th { (ctx.t("受伤职工", "Worker")) }
                    th { (ctx.t("单位", "Unit")) } th { (ctx.t("依据", "Basis")) }
                    th.num { (ctx.t("一次性（元）", "One-time (yuan)")) } th.num { (ctx.t("每月（元）", "Monthly (yuan)")) }
                    th { (ctx.t("经办", "Made by")) }
                } }
                tbody { @for r in rows {
                    tr data-award=(r.award_id) {
                        td data-label=(ctx.t("核定单", "Award")) {
                            a href=(format!("/awards/{}", r.award_id)) { (ctx.t("核定单 ", "award ")) (r.award_id) }
                            @if r.replaces.is_some() { " " span.tag.warn { (ctx.t("替换现行核定", "replaces the award in force")) } }
                        }
                        td data-label=(ctx.t("案件", "Case")) { a href=(format!("/cases/{}", r.case_number)) { code { (r.case_number) } } }
                        td data-label=(ctx.t("受伤职工", "Worker")) { (r.person_name.as_deref().unwrap_or("—")) " " span.muted { (r.person.masked()) } }
                        td data-label=(ctx.t("单位", "Unit")) { (r.unit_name.as_deref().unwrap_or("—")) }
                        td data-label=(ctx.t("依据", "Basis")) { (basis_words(ctx.lang, r.basis)) }
                        td.num data-label=(ctx.t("一次性（元）", "One-time (yuan)")) { (yuan(r.one_time)) }
                        td.num data-label=(ctx.t("每月（元）", "Monthly (yuan)")) { (yuan(r.monthly)) }
                        td data-label=(ctx.t("经办", "Made by")) {
                            (actor_words(ctx, &r.made_by)) br; span.muted { (super::format::china_date(r.made_at)) }
                            @if r.made_by == me { br; span.tag.grey { (ctx.t("本人经办，须由他人复核", "yours: another person checks it")) } }
                        }
                    }
                } }
            } }
        }
    }
}

/// The return form on an award awaiting review.
pub fn return_form(
    ctx: &Ctx,
    award_id: i64,
    typed: &str,
    error: Option<&gongshang_app::AppError>,
) -> Markup {
    html! {
        form.stack #return method="post" action=(format!("/awards/{award_id}/return")) {
            (session::csrf_field(ctx))
            label for="reason" { (ctx.t("退回经办人重新核定，理由：", "Return to the maker, because:")) }
            textarea #reason name="reason" rows="3" maxlength=(RETURN_REASON_MAX_CHARS)
                aria-invalid=[error.is_some_and(|e| e.field() == Some("reason")).then_some("true")] { (typed) }
            (super::staff_words::at_field(ctx, "reason", error))
            div { button.danger type="submit" { (ctx.t("退回", "Return")) } }
        }
    }
}

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

async fn return_award(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReturnForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ApproveAward) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let reason = f.reason.clone();
    let viewer = actor.clone();
    match state
        .run(move |app| app.return_award(&actor, id, &reason))
        .await
    {
        Ok(_) => Redirect::to("/review").into_response(),
        Err(e) => super::cases::award_refused(&state, &ctx, &viewer, id, &e, &f.reason).await,
    }
}
