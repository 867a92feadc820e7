//! The worker's phone-sized page: am I covered today, buy 益鹭保 days (the
//! worker's half paid at once, the city's half billed to the fiscal payer),
//! and file a claim with the insurer (益鹭保's claims: claim, review, payout
//! within the cap).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Actor;
use gongshang_app::views::PersonDetail;
use gongshang_rules::scheme::CoverStart;
use maud::{Markup, html};
use serde::Deserialize;

use super::format::yuan;
use super::{Ctx, error_box, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/days", post(buy_days))
        .route("/me/claims", post(file_claim))
}

async fn me(State(state): State<AppState>, ctx: Ctx) -> Response {
    let Some(actor) = ctx.viewer.actor() else {
        return Redirect::to("/login?next=/me").into_response();
    };
    let Some(person) = ctx.viewer.person() else {
        return match ctx.viewer.user() {
            None => Redirect::to("/login?next=/me").into_response(),
            Some(_) => respond(
                &ctx,
                ctx.t("我的保障", "My cover"),
                html! {
                    section.phone.card {
                        h1 { (ctx.t("我的保障", "My cover")) }
                        p { (ctx.t("此页面供参保个人使用：请以个人账号登录。经办人员可在“参保人员”中查看任何人的保障。",
                                   "This page is for workers: sign in with a worker's login. Agency staff see anyone's cover under People.")) }
                    }
                },
            ),
        };
    };
    let viewer = actor.clone();
    match state
        .run(move |app| app.person_detail_by_resident_id(&actor, &person))
        .await
    {
        Ok(d) => {
            let title = ctx.t("我的保障", "My cover");
            let cases = my_cases(&state, &viewer).await;
            respond(
                &ctx,
                title,
                html! { (body(&ctx, &state, &d, None)) (cases_box(&ctx, &cases)) },
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn day_schemes(state: &AppState, d: &PersonDetail) -> Vec<String> {
    let today = state.app.today();
    d.enrollments
        .iter()
        .filter(|e| e.start <= today && e.last_day.is_none_or(|l| l >= today))
        .filter(|e| {
            state
                .app
                .policy()
                .scheme(&e.scheme_id)
                .is_ok_and(|s| s.cover_starts == CoverStart::DaysBought)
        })
        .map(|e| e.scheme_id.clone())
        .collect()
}

fn body(ctx: &Ctx, state: &AppState, d: &PersonDetail, notice: Option<Markup>) -> Markup {
    let c = &d.coverage;
    let days = day_schemes(state, d);
    let tomorrow = state.app.today().tomorrow().unwrap_or(state.app.today());
    html! {
        div.phone #me {
            p.muted { (d.person.name) " · " code { (d.person.resident_id.masked()) } }
            div.cover.no[!c.covered] role="status" {
                div { (ctx.t("今天", "Today")) " " (c.day) }
                div.big { (if c.covered { ctx.t("✓ 在保", "✓ Covered") } else { ctx.t("✗ 不在保", "✗ Not covered") }) }
                @if !c.covered { div { (if ctx.zh() { c.reason.text_zh() } else { c.reason.text_en() }) } }
                @for cover in &c.covers {
                    div { (state.app.scheme_name(&cover.scheme_id, ctx.zh())) }
                    div.muted style="color:#e6f4ea" {
                        (cover.start) " — " @if cover.end.year() == 9999 { (ctx.t("持续", "open")) } @else { (cover.end) }
                    }
                }
            }
            @if let Some(n) = notice { (n) }
            (super::registry::commitments_box(ctx, state, d))
            (super::registry::statements_box(ctx, state, d.enrollments.iter().map(|e| e.scheme_id.as_str())))
            @for scheme in &days {
                section.card style="margin-top:1rem" {
                    h2 style="margin-top:0" { (ctx.t("购买保障天数", "Buy days of cover")) }
                    p.muted { (state.app.scheme_name(scheme, ctx.zh())) " · " (ctx.t("个人缴一半，财政补贴一半；付款次日起可保，不追溯。", "You pay half, the city pays half; days must be bought before they start.")) }
                    form method="post" action="/me/days" hx-post="/me/days" hx-target="#me" hx-swap="outerHTML" {
                        (session::csrf_field(ctx))
                        input type="hidden" name="scheme_id" value=(scheme);
                        label for="first_day" { (ctx.t("第一天", "First day")) }
                        input #first_day name="first_day" type="date" required value=(tomorrow.to_string()) min=(tomorrow.to_string());
                        label for="days" { (ctx.t("天数", "Days")) }
                        select #days name="days" {
                            @for n in [1u32, 3, 7, 15, 30] { option value=(n) selected[n == 7] { (n) } }
                        }
                        button.primary type="submit" { (ctx.t("支付并购买", "Pay and buy")) }
                    }
                }
            }
            @for scheme in &days {
                section.card style="margin-top:1rem" {
                    h2 style="margin-top:0" { (ctx.t("申请理赔", "File a claim")) }
                    p.muted { (state.app.scheme_name(scheme, ctx.zh())) " · " (ctx.t("事故当天须在保；保险公司按方案审核并在限额内赔付。", "You must have been covered on the day of the accident; the insurer reviews the claim and pays within the limit.")) }
                    form method="post" action="/me/claims" hx-post="/me/claims" hx-target="#me" hx-swap="outerHTML" {
                        (session::csrf_field(ctx))
                        input type="hidden" name="scheme_id" value=(scheme);
                        label for="accident_date" { (ctx.t("事故日期", "Day of the accident")) }
                        input #accident_date name="accident_date" type="date" required max=(state.app.today().to_string());
                        label for="hospital_days" { (ctx.t("住院天数", "Days in hospital")) }
                        input #hospital_days name="hospital_days" type="number" min="0" max="365" value="0";
                        label for="medical_expenses" { (ctx.t("医疗费用（元）", "Medical expenses (yuan)")) }
                        input #medical_expenses name="medical_expenses" inputmode="decimal" placeholder="0.00";
                        button.primary type="submit" { (ctx.t("提交理赔申请", "File the claim")) }
                    }
                }
            }
            @if !d.bills.is_empty() {
                section.card style="margin-top:1rem" {
                    h2 style="margin-top:0" { (ctx.t("我的购买记录", "What I bought")) }
                    ul {
                        @for b in d.bills.iter().take(10) {
                            li { (b.status.period) " · " (yuan(b.status.amount)) (ctx.t(" 元", " yuan"))
                                @if b.status.outstanding.fen() > 0 { " " span.tag.warn { (ctx.t("财政部分待拨付", "city share pending")) } } }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct DaysForm {
    #[serde(default)]
    csrf_token: String,
    scheme_id: String,
    first_day: String,
    days: u32,
}

async fn buy_days(State(state): State<AppState>, ctx: Ctx, Form(f): Form<DaysForm>) -> Response {
    let Some(person) = ctx.viewer.person() else {
        return session::forbidden(&ctx);
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let Some(actor) = ctx.viewer.actor() else {
        return session::forbidden(&ctx);
    };
    let viewer = actor.clone();
    let result = state
        .run(move |app| -> Result<gongshang_app::IssuedBill, AppError> {
            let first: jiff::civil::Date =
                f.first_day.trim().parse().map_err(|e: jiff::Error| {
                    AppError::invalid(
                        "first_day",
                        format!("{:?}: {e}; expected YYYY-MM-DD", f.first_day),
                    )
                })?;
            app.buy_and_pay_days(&actor, &person, &f.scheme_id, first, f.days)
        })
        .await;
    let notice = match &result {
        Ok(b) => html! { div.alert.ok role="status" style="margin-top:1rem" {
            (ctx.t("已购买：", "Bought: ")) (b.reference) " · " (ctx.t("应付 ", "premium ")) (yuan(b.amount))
            (ctx.t(" 元，其中财政补贴 ", " yuan, of which the city pays ")) (yuan(b.fiscal_share)) (ctx.t(" 元", " yuan"))
        } },
        Err(e) => html! { div style="margin-top:1rem" { (error_box(&ctx, e)) } },
    };
    match state
        .run(move |app| app.person_detail_by_resident_id(&viewer, &person))
        .await
    {
        Ok(d) => respond(
            &ctx,
            ctx.t("我的保障", "My cover"),
            body(&ctx, &state, &d, Some(notice)),
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    csrf_token: String,
    scheme_id: String,
    accident_date: String,
    #[serde(default)]
    hospital_days: String,
    #[serde(default)]
    medical_expenses: String,
}

/// A worker's own claim under a scheme paid by an insurer: the facts go to
/// the insurer's schedule, which computes the payout within the cap; not
/// covered on the day, the claim is filed and closed with that reason.
async fn file_claim(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ClaimForm>) -> Response {
    let Some(person) = ctx.viewer.person() else {
        return session::forbidden(&ctx);
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let Some(actor) = ctx.viewer.actor() else {
        return session::forbidden(&ctx);
    };
    let viewer = actor.clone();
    let result = state
        .run(move |app| {
            let accident_date: jiff::civil::Date =
                f.accident_date.trim().parse().map_err(|e: jiff::Error| {
                    AppError::invalid(
                        "accident_date",
                        format!("{:?}: {e}; expected YYYY-MM-DD", f.accident_date),
                    )
                })?;
            let mut facts = serde_json::Map::new();
            let days = f.hospital_days.trim();
            if !days.is_empty() && days != "0" {
                let n: u32 = days.parse().map_err(|_| {
                    AppError::invalid(
                        "hospital_days",
                        format!("{days:?}: a whole number of days, 0 to 365"),
                    )
                })?;
                facts.insert("hospital_days".into(), n.into());
            }
            let expenses = f.medical_expenses.trim();
            if !expenses.is_empty() {
                facts.insert("medical_expenses".into(), expenses.into());
            }
            if facts.is_empty() {
                return Err(AppError::invalid(
                    "hospital_days",
                    "say the days in hospital or the medical expenses: the claim pays for them",
                ));
            }
            let request = gongshang_app::cases::ClaimRequest {
                number: None,
                person,
                scheme_id: f.scheme_id.clone(),
                region: None,
                accident_date,
                injured_at: None,
                filed_on: Some(app.today()),
                accident_key: None,
                claimed: None,
                facts: Some(serde_json::Value::Object(facts)),
            };
            app.file_claim(&actor, &request)
        })
        .await;
    let notice = match &result {
        Ok(case) => html! { div.alert.ok role="status" style="margin-top:1rem" {
            (ctx.t("已提交理赔申请 ", "Claim filed: ")) a href=(format!("/cases/{}", case.number)) { code { (case.number) } }
            " · " (super::cases::state_label(&ctx, case.state))
        } },
        Err(e) => html! { div style="margin-top:1rem" { (error_box(&ctx, e)) } },
    };
    let actor = viewer.clone();
    match state
        .run(move |app| app.person_detail_by_resident_id(&actor, &person))
        .await
    {
        Ok(d) => {
            let cases = my_cases(&state, &viewer).await;
            respond(
                &ctx,
                ctx.t("我的保障", "My cover"),
                html! { (body(&ctx, &state, &d, Some(notice))) (cases_box(&ctx, &cases)) },
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

/// The worker's own cases (their state and the running deadline).
async fn my_cases(state: &AppState, actor: &Actor) -> Vec<gongshang_app::model::CaseListRow> {
    let q = gongshang_app::model::ListQuery {
        limit: 20,
        ..Default::default()
    };
    let actor = actor.clone();
    state
        .run(move |app| app.case_rows(&actor, &q, false))
        .await
        .unwrap_or_default()
}

fn cases_box(ctx: &Ctx, cases: &[gongshang_app::model::CaseListRow]) -> Markup {
    html! {
        @if !cases.is_empty() {
            section.phone.card style="margin-top:1rem" {
                h2 style="margin-top:0" { (ctx.t("我的工伤案件", "My injury cases")) }
                ul {
                    @for c in cases {
                        li {
                            a href=(format!("/cases/{}", c.number)) { code { (c.number) } }
                            " · " (super::cases::state_label(ctx, c.state))
                            @if let Some((_, due, _)) = &c.deadline { " · " (ctx.t("时限 ", "due ")) (due) }
                        }
                    }
                }
            }
        }
    }
}
