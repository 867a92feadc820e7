//! The worker's phone-sized pages (issue 13): am I covered today and what
//! cover I had; buy 益鹭保 days with the price shown before paying (my share
//! and the city's, by the scheme's dated parameters) and days already
//! covered refused; claim with the insurer, a duplicate of the same accident
//! and impossible values refused; my cases first, each in plain words, a
//! rejection with its reason. Nothing internal (codes, policy notes, field
//! names) reaches the worker: every message comes from [`super::plain`].

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::accounts::Actor;
use gongshang_app::cases::CaseView;
use gongshang_app::model::CaseListRow;
use gongshang_app::views::PersonDetail;
use gongshang_app::{AppError, DaysQuote};
use gongshang_domain::ids::ResidentId;
use gongshang_rules::scheme::{ClaimProcedure, CoverStart};
use maud::{Markup, html};
use serde::Deserialize;

use super::format::yuan;
use super::intake::{GROUNDS, MATERIALS, ground_of, materials_of};
use super::plain::{self, field_error, form_error};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/days/quote", post(quote_days))
        .route("/me/days", post(buy_days))
        .route("/me/claims", post(file_claim))
        .route("/me/injury", post(report_injury))
        .route("/me/cases/{number}", get(my_case))
        .route("/me/cases/{number}/dispute", post(dispute_case))
}

/// What the worker typed in the days form (kept when refused).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DaysForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    scheme_id: String,
    #[serde(default)]
    first_day: String,
    #[serde(default)]
    days: String,
}

/// What the worker typed in the claim form (kept when refused).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    scheme_id: String,
    #[serde(default)]
    accident_date: String,
    #[serde(default)]
    hospital_days: String,
    #[serde(default)]
    medical_expenses: String,
}

/// Everything the page shows besides the records: the forms as typed, the
/// price to confirm, the errors, a notice.
#[derive(Default)]
struct Shown {
    days: DaysForm,
    days_error: Option<AppError>,
    quote: Option<DaysQuote>,
    claim: ClaimForm,
    claim_error: Option<AppError>,
    /// The injury report as typed (a repeated field for the materials).
    injury: Vec<(String, String)>,
    injury_error: Option<AppError>,
    notice: Option<Markup>,
}

impl Shown {
    fn typed(&self, field: &str) -> &str {
        self.injury
            .iter()
            .find(|(k, _)| k == field)
            .map_or("", |(_, v)| v.as_str())
    }

    fn ticked(&self, value: &str) -> bool {
        self.injury
            .iter()
            .any(|(k, v)| k == "materials" && v == value)
    }
}

/// The value of the injury form's choice for the platform pilot.
const PILOT: &str = "pilot";

/// What a worker may report an injury under: their enrolments with a unit
/// in a scheme whose claims go to injury determination (the unit's
/// insurance; Regulations Art 17(2): the worker applies within a year), as
/// (`enrollment:<id>`, scheme, unit); the platform pilot is offered
/// besides, its platform found from the orders of the day.
fn injury_covers(
    state: &AppState,
    d: &PersonDetail,
) -> Vec<(String, gongshang_rules::SchemeId, String)> {
    let today = state.app.today();
    let year_ago = today.saturating_sub(jiff::Span::new().years(1));
    d.enrollments
        .iter()
        .filter(|e| e.start <= today && e.last_day.is_none_or(|l| l >= year_ago))
        .filter(|e| {
            state
                .app
                .policy()
                .scheme(&e.scheme_id)
                .is_ok_and(|s| s.claim_procedure == ClaimProcedure::InjuryDetermination)
        })
        .filter_map(|e| {
            let unit = e.unit?;
            Some((
                format!("enrollment:{}", e.id),
                e.scheme_id.clone(),
                unit.as_str().to_owned(),
            ))
        })
        .collect()
}

/// The worker's actor and identity, or the answer for anyone else.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn worker(ctx: &Ctx) -> Result<(Actor, ResidentId), Response> {
    match (ctx.viewer.actor(), ctx.viewer.person()) {
        (Some(a), Some(p)) => Ok((a.clone(), p)),
        (None, _) => Err(Redirect::to("/login?next=/me").into_response()),
        (Some(_), None) => Err(respond(
            ctx,
            ctx.t("我的保障", "My cover"),
            html! {
                section.phone.card {
                    h1 { (ctx.t("我的保障", "My cover")) }
                    p { (ctx.t("此页面供参保个人使用：请以个人账号登录。经办人员可在“参保人员”中查看任何人的保障。",
                               "This page is for workers: sign in with a worker's login. Agency staff see anyone's cover under People.")) }
                }
            },
        )),
    }
}

/// The page with the worker's records read again.
async fn render(
    state: &AppState,
    ctx: &Ctx,
    actor: Actor,
    person: ResidentId,
    shown: Shown,
) -> Response {
    let a = actor.clone();
    let detail = state
        .run(move |app| app.person_detail_by_resident_id(&a, &person))
        .await;
    let cases = my_cases(state, &actor).await;
    match detail {
        Ok(d) => respond(
            ctx,
            ctx.t("我的保障", "My cover"),
            body(ctx, state, &d, &cases, &shown),
        ),
        Err(e) => error_page(ctx, &e),
    }
}

async fn me(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (actor, person) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    render(&state, &ctx, actor, person, Shown::default()).await
}

/// The schemes billed by the day the worker is enrolled in today.
fn day_schemes(state: &AppState, d: &PersonDetail) -> Vec<gongshang_rules::SchemeId> {
    let today = state.app.today();
    let mut out: Vec<gongshang_rules::SchemeId> = d
        .enrollments
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
        .collect();
    out.dedup();
    out
}

fn body(ctx: &Ctx, state: &AppState, d: &PersonDetail, cases: &[CaseListRow], s: &Shown) -> Markup {
    let c = &d.coverage;
    let schemes = day_schemes(state, d);
    let today = state.app.today();
    let tomorrow = today.tomorrow().unwrap_or(today);
    // The days already bought, and the first day from tomorrow that none of
    // them covers: the first gap, not the end of the latest purchase.
    let bought: Vec<(jiff::civil::Date, jiff::civil::Date)> = d
        .bills
        .iter()
        .filter_map(|b| {
            let (f, l) = b.status.period.split_once("..")?;
            Some((f.parse().ok()?, l.parse().ok()?))
        })
        .collect();
    let first_free = first_gap(&bought, tomorrow);
    let covered_until = first_free.yesterday().ok().filter(|l| *l >= tomorrow);
    let first_day = if s.days.first_day.is_empty() {
        first_free.to_string()
    } else {
        s.days.first_day.clone()
    };
    let days = if s.days.days.is_empty() {
        "7".to_owned()
    } else {
        s.days.days.clone()
    };
    let de = s.days_error.as_ref();
    let ce = s.claim_error.as_ref();
    html! {
        div.phone #me {
            p.muted { (d.person.name) " · " (d.person.resident_id.masked()) }
            div.cover.no[!c.covered] role="status" #cover-now {
                div { (ctx.t("今天", "Today")) " " (c.day) }
                div.big { (if c.covered { ctx.t("✓ 在保", "✓ Covered") } else { ctx.t("✗ 不在保", "✗ Not covered") }) }
                @if !c.covered { div { (if ctx.zh() { c.reason.text_zh() } else { c.reason.text_en() }) } }
                @for cover in &c.covers {
                    div { (state.app.scheme_name(&cover.scheme_id, ctx.zh())) }
                    div style="color:#e6f4ea" {
                        (cover.start) " — " @if cover.end.year() == 9999 { (ctx.t("持续", "open")) } @else { (cover.end) }
                    }
                }
            }
            @if let Some(n) = &s.notice { (n) }
            (cases_box(ctx, cases))
            p #ask-for-help { a.button href="/tickets#file" { (ctx.t("遇到问题？向权益服务中心提交诉求", "A problem? Ask the rights service centre")) } }
            (super::registry::commitments_box(ctx, state, d))
            (super::registry::statements_box(ctx, state, d.enrollments.iter().map(|e| &e.scheme_id)))
            @for scheme in &schemes {
                section.card #buy-days style="margin-top:1rem" {
                    h2 style="margin-top:0" { (ctx.t("购买保障天数", "Buy days of cover")) }
                    p.muted { (state.app.scheme_name(scheme, ctx.zh())) " · " (ctx.t("先看价格再付款；付款后所选日期起在保，不能补买已过去的日子。", "See the price before you pay; you are covered on the days you choose, never on days already past.")) }
                    (form_error(ctx, de, &["first_day", "days"]))
                    @if let Some(q) = &s.quote {
                        div.alert.warn #quote role="status" {
                            strong { (ctx.t("请确认：", "Please confirm: ")) }
                            (q.first_day) " — " (q.last_day) " · " (q.days) (ctx.t(" 天", " days"))
                            dl.facts style="margin-top:.5rem" {
                                dt { (ctx.t("保费合计", "Premium")) } dd { (yuan(q.gross)) (ctx.t(" 元", " yuan")) }
                                dt { (ctx.t("您本人支付", "You pay")) } dd #own-share { strong { (yuan(q.own)) (ctx.t(" 元", " yuan")) } }
                                dt { (ctx.t("财政补贴", "The city pays")) } dd #city-share { (yuan(q.fiscal)) (ctx.t(" 元", " yuan")) }
                            }
                            form method="post" action="/me/days" hx-post="/me/days" hx-target="#me" hx-swap="outerHTML" {
                                (session::csrf_field(ctx))
                                input type="hidden" name="scheme_id" value=(q.scheme_id);
                                input type="hidden" name="first_day" value=(q.first_day.to_string());
                                input type="hidden" name="days" value=(q.days);
                                button.primary #confirm-pay type="submit" autofocus { (ctx.t("确认并支付 ", "Confirm and pay ")) (yuan(q.own)) (ctx.t(" 元", " yuan")) }
                            }
                        }
                    }
                    form method="post" action="/me/days/quote" hx-post="/me/days/quote" hx-target="#me" hx-swap="outerHTML" {
                        (session::csrf_field(ctx))
                        input type="hidden" name="scheme_id" value=(scheme);
                        label for="first_day" { (ctx.t("第一天", "First day")) }
                        input #first_day name="first_day" type="date" required value=(first_day) min=(tomorrow.to_string())
                            aria-invalid=[plain::invalid(de, "first_day").then_some("true")] autofocus[plain::invalid(de, "first_day")];
                        (field_error(ctx, de, "first_day"))
                        @if let Some(l) = covered_until {
                            span.hint #covered-until { (ctx.t("已购买至 ", "Bought up to ")) (l) }
                        }
                        label for="days" { (ctx.t("天数", "Days")) }
                        select #days name="days" {
                            @for n in ["1", "3", "7", "15", "30"] { option value=(n) selected[n == days] { (n) } }
                        }
                        (field_error(ctx, de, "days"))
                        button.primary type="submit" { (ctx.t("查看价格", "See the price")) }
                    }
                }
            }
            @for scheme in &schemes {
                section.card #claim style="margin-top:1rem" {
                    h2 style="margin-top:0" { (ctx.t("报告受伤 / 申请理赔", "Report an injury / claim")) }
                    p.muted { (state.app.scheme_name(scheme, ctx.zh())) " · " (ctx.t("事故当天须在保；保险公司审核后在限额内赔付。", "You must have been covered on the day of the accident; the insurer reviews the claim and pays within the limit.")) }
                    (form_error(ctx, ce, &["accident_date", "hospital_days", "medical_expenses"]))
                    form method="post" action="/me/claims" hx-post="/me/claims" hx-target="#me" hx-swap="outerHTML" {
                        (session::csrf_field(ctx))
                        input type="hidden" name="scheme_id" value=(scheme);
                        label for="accident_date" { (ctx.t("事故日期", "Day of the accident")) }
                        input #accident_date name="accident_date" type="date" required max=(today.to_string()) value=(s.claim.accident_date)
                            aria-invalid=[plain::invalid(ce, "accident_date").then_some("true")] autofocus[plain::invalid(ce, "accident_date")];
                        (field_error(ctx, ce, "accident_date"))
                        label for="hospital_days" { (ctx.t("住院天数", "Days in hospital")) }
                        input #hospital_days name="hospital_days" type="number" min="0" inputmode="numeric" value=(s.claim.hospital_days)
                            aria-invalid=[plain::invalid(ce, "hospital_days").then_some("true")] autofocus[plain::invalid(ce, "hospital_days")];
                        (field_error(ctx, ce, "hospital_days"))
                        label for="medical_expenses" { (ctx.t("医疗费用（元）", "Medical expenses (yuan)")) }
                        input #medical_expenses name="medical_expenses" inputmode="decimal" placeholder="0.00" value=(s.claim.medical_expenses)
                            aria-invalid=[plain::invalid(ce, "medical_expenses").then_some("true")] autofocus[plain::invalid(ce, "medical_expenses")];
                        (field_error(ctx, ce, "medical_expenses"))
                        button.primary type="submit" { (ctx.t("提交理赔申请", "File the claim")) }
                    }
                }
            }
            @let covers = injury_covers(state, d);
            @let ie = s.injury_error.as_ref();
            section.card #injury style="margin-top:1rem" {
                h2 style="margin-top:0" { (ctx.t("报告工伤", "Report an injury at work")) }
                p.muted { (ctx.t("单位未申请的，您本人或近亲属可在事故发生之日起1年内申请工伤认定（《工伤保险条例》第十七条）；在平台接单时受伤的，申请职业伤害确认。",
                                 "If your unit has not applied, you or a close relative may apply for injury determination within a year of the accident (Art 17 of the Regulations); hurt while on a platform's order, apply for occupational-injury confirmation.")) }
                (form_error(ctx, ie, &["cover", "accident_date", "ground", "materials", "platform"]))
                form method="post" action="/me/injury" hx-post="/me/injury" hx-target="#me" hx-swap="outerHTML" {
                    (session::csrf_field(ctx))
                    label for="injury_cover" { (ctx.t("受伤时", "When you were hurt")) }
                    select #injury_cover name="cover" required aria-invalid=[plain::invalid(ie, "cover").then_some("true")] {
                        @for (v, scheme, unit) in &covers {
                            option value=(v) selected[s.typed("cover") == v] {
                                (ctx.t("为单位工作 · ", "Working for a unit · ")) (state.app.scheme_name(scheme, ctx.zh())) " · " (unit)
                            }
                        }
                        option value=(PILOT) selected[s.typed("cover") == PILOT] { (ctx.t("在平台接单时（新就业形态职业伤害保障）", "On a platform's order (the occupational-injury pilot)")) }
                    }
                    (field_error(ctx, ie, "cover"))
                    label for="injury_date" { (ctx.t("事故日期", "Day of the accident")) }
                    input #injury_date name="accident_date" type="date" required max=(today.to_string()) value=(s.typed("accident_date"))
                        aria-invalid=[plain::invalid(ie, "accident_date").then_some("true")];
                    (field_error(ctx, ie, "accident_date"))
                    (field_error(ctx, ie, "platform"))
                    label for="injury_ground" { (ctx.t("怎么受的伤（为单位工作时）", "What happened (working for a unit)")) }
                    select #injury_ground name="ground" aria-invalid=[plain::invalid(ie, "ground").then_some("true")] {
                        @for (v, zh, en) in GROUNDS { option value=(v) selected[s.typed("ground") == v] { (ctx.t(zh, en)) } }
                    }
                    (field_error(ctx, ie, "ground"))
                    fieldset #injury-materials {
                        legend { (ctx.t("已备材料（缺少的会一次性告知补正）", "Materials you have (anything missing is asked for once)")) }
                        @for (v, zh, en) in MATERIALS {
                            label.check { input type="checkbox" name="materials" value=(v) checked[s.ticked(v)]; " " (ctx.t(zh, en)) }
                        }
                    }
                    (field_error(ctx, ie, "materials"))
                    button.primary #injury-submit type="submit" { (ctx.t("提交申请", "Apply")) }
                }
            }
            section.card #history style="margin-top:1rem" {
                h2 style="margin-top:0" { (ctx.t("我的保障记录", "My cover over time")) }
                ul {
                    @for e in &d.enrollments {
                        li { (state.app.scheme_name(&e.scheme_id, ctx.zh())) " · " (ctx.t("参保 ", "enrolled ")) (e.start)
                            " — " @match e.last_day { Some(l) => (l), None => (ctx.t("至今", "now")) } }
                    }
                }
                @if !d.bills.is_empty() {
                    h3 { (ctx.t("已购买的天数", "Days bought")) }
                    ul #days-bought {
                        @for b in d.bills.iter().take(12) {
                            li { (b.status.period.replace("..", " — ")) " · " (yuan(b.status.amount)) (ctx.t(" 元", " yuan"))
                                @if b.status.outstanding.fen() > 0 { " " span.tag.warn { (ctx.t("财政补贴待拨付", "city share pending")) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The first day on or after `from` that no bought period covers.
fn first_gap(
    bought: &[(jiff::civil::Date, jiff::civil::Date)],
    from: jiff::civil::Date,
) -> jiff::civil::Date {
    let mut day = from;
    while let Some(&(_, last)) = bought.iter().find(|(f, l)| *f <= day && day <= *l) {
        match last.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    day
}

fn parse_days(text: &str) -> Result<u32, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::invalid("days", format!("{text:?}; 1 to 366")))
}

/// Step one: the price of the days, nothing bought yet.
async fn quote_days(State(state): State<AppState>, ctx: Ctx, Form(f): Form<DaysForm>) -> Response {
    let (actor, person) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let (a, form) = (actor.clone(), f.clone());
    let result = state
        .run(move |app| {
            let first = super::format::date_field("first_day", &form.first_day)?;
            let days = parse_days(&form.days)?;
            let scheme = gongshang_rules::SchemeId::parse(form.scheme_id.trim())?;
            app.quote_days(&a, &person, &scheme, first, days)
        })
        .await;
    let shown = match result {
        Ok(q) => Shown {
            days: f,
            quote: Some(q),
            ..Shown::default()
        },
        Err(e) => Shown {
            days: f,
            days_error: Some(e),
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, person, shown).await
}

/// Step two: the days confirmed, bought and the worker's share paid.
async fn buy_days(State(state): State<AppState>, ctx: Ctx, Form(f): Form<DaysForm>) -> Response {
    let (actor, person) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let (a, form) = (actor.clone(), f.clone());
    let result = state
        .run(move |app| {
            let first = super::format::date_field("first_day", &form.first_day)?;
            let days = parse_days(&form.days)?;
            let scheme = gongshang_rules::SchemeId::parse(form.scheme_id.trim())?;
            let bill = app.buy_and_pay_days(&a, &person, &scheme, first, days)?;
            Ok::<_, AppError>((bill, first, days))
        })
        .await;
    let shown = match result {
        Ok((b, first, days)) => {
            let own = b.amount.checked_sub(b.fiscal_share).unwrap_or(b.amount);
            let last = first
                .checked_add(jiff::Span::new().days(i64::from(days) - 1))
                .unwrap_or(first);
            Shown {
                notice: Some(
                    html! { div.alert.ok #bought role="status" tabindex="-1" autofocus style="margin-top:1rem" {
                        strong { (ctx.t("已购买：", "Bought: ")) } (first) " — " (last) " · "
                        (ctx.t("您已支付 ", "you paid ")) (yuan(own)) (ctx.t(" 元，财政补贴 ", " yuan, the city pays ")) (yuan(b.fiscal_share)) (ctx.t(" 元", " yuan"))
                    } },
                ),
                ..Shown::default()
            }
        }
        Err(e) => Shown {
            days: f,
            days_error: Some(e),
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, person, shown).await
}

/// A worker's own claim under a scheme paid by an insurer: the facts go to
/// the insurer's schedule, which computes the payout within the cap; not
/// covered on the day, the claim is filed and not accepted, with that reason.
async fn file_claim(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ClaimForm>) -> Response {
    let (actor, person) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let (a, form) = (actor.clone(), f.clone());
    let result = state
        .run(move |app| -> Result<CaseView, AppError> {
            let accident_date = super::format::date_field("accident_date", &form.accident_date)?;
            let mut facts = serde_json::Map::new();
            let days = form.hospital_days.trim();
            if !days.is_empty() && days != "0" {
                let n: u32 = days.parse().map_err(|_| {
                    AppError::invalid("hospital_days", format!("{days:?}: a whole number of days"))
                })?;
                facts.insert("hospital_days".into(), n.into());
            }
            let expenses = form.medical_expenses.trim();
            if !expenses.is_empty() {
                gongshang_rules::Money::parse_yuan(expenses)
                    .map_err(|e| AppError::invalid("medical_expenses", e.to_string()))?;
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
                scheme_id: gongshang_rules::SchemeId::parse(form.scheme_id.trim())?,
                region: None,
                accident_date,
                injured_at: None,
                filed_on: Some(app.today()),
                accident_key: None,
                claimed: None,
                facts: Some(serde_json::Value::Object(facts)),
            };
            let row = app.file_claim(&a, &request)?;
            app.case_view(&a, &row.number)
        })
        .await;
    let shown = match result {
        Ok(view) => Shown {
            notice: Some(filed_notice(&ctx, &view, "claim-result", CLAIM_WORDS)),
            ..Shown::default()
        },
        Err(e) => Shown {
            claim: f,
            claim_error: Some(e),
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, person, shown).await
}

/// A worker's own application: injury determination under a unit's
/// insurance (Regulations Art 17(2), as the worker), or the pilot's
/// occupational-injury confirmation, its platform the one whose order
/// covered the day (人社厅函〔2025〕79号).
async fn report_injury(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, person) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map_or("", |(_, v)| v.as_str());
    if let Err(r) = session::check_csrf(&ctx, token) {
        return r;
    }
    let (a, f) = (actor.clone(), fields.clone());
    let result = state
        .run(move |app| -> Result<CaseView, AppError> {
            let value = |k: &str| f.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.trim());
            let accident_date = super::format::date_field("accident_date", value("accident_date"))?;
            let cover = value("cover");
            let row = if cover == PILOT {
                let answer =
                    app.coverage(&a, &person, gongshang_app::At::Day(accident_date), None)?;
                let mut platforms: Vec<String> = answer
                    .covers
                    .iter()
                    .filter_map(|c| c.platform.clone())
                    .collect();
                platforms.dedup();
                let platform = match platforms.as_slice() {
                    [] => {
                        return Err(AppError::invalid(
                            "accident_date",
                            "no platform's order covered you on that day",
                        ));
                    }
                    [one] => one.clone(),
                    _ => match value("platform") {
                        "" => {
                            return Err(AppError::invalid(
                                "platform",
                                format!(
                                    "orders of several platforms that day: {}",
                                    platforms.join(", ")
                                ),
                            ));
                        }
                        p => p.to_owned(),
                    },
                };
                let scheme_id = answer
                    .covers
                    .iter()
                    .find(|c| c.platform.as_deref() == Some(platform.as_str()))
                    .map(|c| c.scheme_id.clone())
                    .ok_or_else(|| AppError::invalid("platform", "not a platform of that day"))?;
                app.file_confirmation(
                    &a,
                    &gongshang_app::cases::ConfirmationRequest {
                        number: None,
                        person,
                        scheme_id,
                        platform: gongshang_domain::ids::PlatformId::parse(&platform)
                            .map_err(|e| AppError::invalid("platform", e.to_string()))?,
                        region: None,
                        applicant: gongshang_domain::confirmation::ConfirmationApplicant::Worker,
                        accident_date,
                        injured_at: None,
                        filed_on: None,
                        accident_key: None,
                    },
                )?
            } else {
                let id: i64 = cover
                    .strip_prefix("enrollment:")
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| AppError::invalid("cover", "choose when you were hurt"))?;
                let detail = app.person_detail_by_resident_id(&a, &person)?;
                let enrollment = detail
                    .enrollments
                    .iter()
                    .find(|e| e.id == id)
                    .ok_or_else(|| AppError::invalid("cover", "choose when you were hurt"))?;
                let unit = enrollment
                    .unit
                    .ok_or_else(|| AppError::invalid("cover", "this cover has no unit"))?;
                let ticked: Vec<&str> = f
                    .iter()
                    .filter(|(k, _)| k == "materials")
                    .map(|(_, v)| v.as_str())
                    .collect();
                app.file_case(
                    &a,
                    &gongshang_app::cases::FileCaseRequest {
                        number: None,
                        person,
                        unit,
                        scheme_id: enrollment.scheme_id.clone(),
                        region: None,
                        applicant: gongshang_domain::determination::ApplicantRole::Worker,
                        accident_date,
                        filed_on: None,
                        ground_claimed: ground_of("ground", value("ground"))?,
                        materials: materials_of(&ticked)?,
                        accident_key: None,
                        intern_school: None,
                    },
                )?
            };
            app.case_view(&a, &row.number)
        })
        .await;
    let shown = match result {
        Ok(view) => Shown {
            notice: Some(filed_notice(
                &ctx,
                &view,
                "injury-result",
                APPLICATION_WORDS,
            )),
            ..Shown::default()
        },
        Err(e) => Shown {
            injury: fields,
            injury_error: Some(e),
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, person, shown).await
}

/// The answer to a claim or an application just filed: received, or not
/// accepted with why. `id` names the element; the words are (refused,
/// received) in Chinese and English.
fn filed_notice(ctx: &Ctx, view: &CaseView, id: &str, words: [(&str, &str); 2]) -> Markup {
    let row = &view.row;
    let href = format!("/me/cases/{}", row.number);
    let [(refused_zh, refused_en), (received_zh, received_en)] = words;
    if plain::is_refusal(row.state) {
        html! { div.alert.error id=(id) role="alert" tabindex="-1" autofocus style="margin-top:1rem" {
            strong { (ctx.t(refused_zh, refused_en)) } " "
            (refusal_reason(ctx, view))
            " " a href=(href) { (ctx.t("查看详情", "See it")) }
        } }
    } else {
        html! { div.alert.ok id=(id) role="status" tabindex="-1" autofocus style="margin-top:1rem" {
            strong { (ctx.t(received_zh, received_en)) } " "
            (ctx.t("案件号 ", "Case ")) (row.number) " · "
            (plain::case_state(ctx, row.state)) " · "
            a href=(href) { (ctx.t("查看进度", "Follow it")) }
        } }
    }
}

/// The words of a claim's answer.
const CLAIM_WORDS: [(&str, &str); 2] = [
    ("理赔申请未受理。", "Your claim was not accepted."),
    ("已收到您的理赔申请。", "Your claim is received."),
];

/// The words of an injury application's answer.
const APPLICATION_WORDS: [(&str, &str); 2] = [
    ("申请未受理。", "Your application was not admitted."),
    ("已收到您的申请。", "Your application is received."),
];

fn refusal_reason(ctx: &Ctx, view: &CaseView) -> String {
    if let Some(k) = &view.claim {
        if let Some(r) = &k.rejection {
            return plain::claim_rejection(ctx, r);
        }
        if let Some(why) = &k.declined_because {
            return format!("{}{why}", ctx.t("保险公司的说明：", "The insurer says: "));
        }
    }
    ctx.t("请联系经办机构了解原因。", "Ask the agency why.")
        .to_owned()
}

/// The worker's own cases (their state and the running deadline).
async fn my_cases(state: &AppState, actor: &Actor) -> Vec<CaseListRow> {
    let q = gongshang_app::model::ListQuery {
        limit: 20,
        ..Default::default()
    };
    let actor = actor.clone();
    let mut rows = state
        .run(move |app| app.case_rows(&actor, &q, false))
        .await
        .unwrap_or_default();
    // The newest first.
    rows.reverse();
    rows
}

fn cases_box(ctx: &Ctx, cases: &[CaseListRow]) -> Markup {
    html! {
        @if !cases.is_empty() {
            section.card #my-cases style="margin-top:1rem" {
                h2 style="margin-top:0" { (ctx.t("我的案件", "My cases")) }
                ul.plain {
                    @for c in cases {
                        li style="padding:.35rem 0;border-bottom:1px solid var(--line)" {
                            a href=(format!("/me/cases/{}", c.number)) { (c.accident_date) (ctx.t(" 的事故", " accident")) }
                            " · "
                            @if plain::is_refusal(c.state) { span.tag.bad { (plain::case_state(ctx, c.state)) } }
                            @else { span.tag { (plain::case_state(ctx, c.state)) } }
                            @if let Some((_, due, _)) = &c.deadline { br; span.muted { (ctx.t("下一步最迟 ", "next step by ")) (due) } }
                        }
                    }
                }
            }
        }
    }
}

/// One of the worker's cases, in plain words.
async fn my_case(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let (actor, _) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let n = number.clone();
    let (view, revisions, recurrences, advances) = match state
        .run(move |app| {
            Ok::<_, gongshang_app::AppError>((
                app.case_view(&actor, &n)?,
                app.appraisal_revisions(&actor, &n)?,
                app.recurrences(&actor, &n)?,
                app.advances(&actor, &n)?,
            ))
        })
        .await
    {
        Ok(v) => v,
        Err(e) => return error_page(&ctx, &e),
    };
    let tickets = super::tickets::tickets_about(
        &state,
        &ctx,
        gongshang_app::model::SubjectKind::Case,
        vec![number.clone()],
    )
    .await;
    let row = &view.row;
    let title = ctx.t("我的案件", "My case");
    let refused = plain::is_refusal(row.state);
    respond(
        &ctx,
        title,
        html! {
            div.phone #case {
                p { a href="/me" { (ctx.t("← 我的保障", "← My cover")) } }
                h1 { (state.app.scheme_name(&row.scheme_id, ctx.zh())) }
                p.muted { (ctx.t("事故日期 ", "Accident on ")) (row.accident_date) " · " (ctx.t("编号 ", "number ")) (row.number) }
                @if row.flow == gongshang_domain::determination::Flow::Determination && !refused {
                    p { a #my-medical href=(format!("/cases/{}/medical", row.number)) { (ctx.t("医疗费用与报销申请 →", "Medical costs and reimbursement claims →")) } }
                }
                @if refused {
                    div.alert.error #case-state role="alert" {
                        strong { (plain::case_state(&ctx, row.state)) } br;
                        (refusal_reason(&ctx, &view))
                    }
                    @if tickets.is_empty() {
                        section.card #dispute {
                            h2 style="margin-top:0" { (ctx.t("不同意这个结果？", "Disagree with this result?")) }
                            p.muted { (ctx.t("权益服务中心会联系您，帮您申请复议、法律援助或调解。对单位保密您的身份，您同意后才告知。",
                                             "The rights service centre will contact you and help with a review, legal aid or mediation. Your identity is kept from your employer until you agree.")) }
                            form.stack method="post" action=(format!("/me/cases/{}/dispute", row.number)) hx-boost="false" {
                                (session::csrf_field(&ctx))
                                label for="dispute-summary" { (ctx.t("您的意见（选填）", "What you disagree with (optional)")) }
                                textarea #dispute-summary name="summary" rows="3" maxlength="4000" {}
                                button.primary #dispute-this type="submit" { (ctx.t("我要申诉，请中心帮助", "Dispute this: ask the centre for help")) }
                            }
                        }
                    }
                } @else {
                    div.alert.ok[row.state == gongshang_domain::case::CaseState::Paid] .alert.warn[row.state != gongshang_domain::case::CaseState::Paid] #case-state role="status" {
                        strong { (plain::case_state(&ctx, row.state)) }
                        @if let Some(d) = view.deadlines.first() {
                            br; (ctx.t("下一步最迟在 ", "The next step is due by ")) (d.due)
                        }
                    }
                }
                @if !recurrences.is_empty() {
                    (recurrence_outcome(&ctx, &recurrences))
                }
                (super::advances::worker_section(&ctx, &advances))
                @for r in revisions.iter().filter(|r| r.applied.is_some()) {
                    (revision_outcome(&ctx, r))
                }
                @if !tickets.is_empty() {
                    section.card #case-tickets {
                        h2 style="margin-top:0" { (ctx.t("我就此案提出的诉求", "My tickets about this case")) }
                        (super::tickets::tickets_of_subject(&ctx, &tickets, "case", &row.number))
                    }
                }
                @if !view.events.is_empty() {
                    section.card #case-history {
                        h2 style="margin-top:0" { (ctx.t("办理经过", "What happened")) }
                        ul.plain {
                            @for e in &view.events {
                                li { (e.on) " · " (plain::case_event(&ctx, &e.kind)) }
                            }
                        }
                    }
                }
                @if let Some(k) = &view.claim {
                    section.card {
                        dl.facts {
                            @if let Some(c) = &k.claim {
                                dt { (ctx.t("申请日期", "Filed on")) } dd { (c.filed_on) }
                            }
                            @if let (Some(a), false) = (view.claim_assessed, refused) {
                                dt { (ctx.t("按方案可赔", "The scheme pays up to")) } dd { (yuan(a)) (ctx.t(" 元", " yuan")) }
                            }
                            @if let Some((on, amount)) = k.approved {
                                dt { (ctx.t("同意赔付", "Approved")) } dd { (yuan(amount)) (ctx.t(" 元（", " yuan (")) (on) (ctx.t("）", ")")) }
                            }
                            @if k.paid.fen() > 0 {
                                dt { (ctx.t("已付款", "Paid")) } dd { (yuan(k.paid)) (ctx.t(" 元", " yuan")) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A recurrence of the injury (Regulations Art 38), as the worker reads
/// it: who confirmed it needs treatment, and the suspension wages the
/// employer owes once approved. No internal note (the medical note stays
/// with the agency).
fn recurrence_outcome(ctx: &Ctx, rows: &[gongshang_app::cases::RecurrenceRow]) -> Markup {
    use gongshang_app::cases::RecurrenceAwardStatus;
    html! {
        section.card #case-recurrence {
            h2 style="margin-top:0" { (ctx.t("旧伤复发", "Your injury recurred")) }
            @for r in rows {
                p {
                    (r.recurred_on) (ctx.t(" 旧伤复发，", ": the injury recurred; "))
                    (ctx.t(r.confirmed_by.label_zh(), r.confirmed_by.label_en()))
                    (ctx.t(" 于 ", " confirmed on ")) (r.confirmed_on)
                    (ctx.t(" 确认需要治疗。治疗费用按规定由工伤保险基金支付。", " that it needs treatment. The fund pays the treatment under the rules."))
                }
                @for a in r.awards.iter().filter(|a| a.status == RecurrenceAwardStatus::Approved) {
                    p.alert role="status" {
                        (ctx.t("停工留薪期 ", "Paid suspension: "))
                        (a.suspension_months) (ctx.t(" 个月，原工资福利待遇不变，由用人单位按月支付，共 ", " months at your wage, paid monthly by your employer, in all "))
                        strong { (yuan(a.suspension_wages)) (ctx.t(" 元", " yuan")) }
                        (ctx.t("（《工伤保险条例》第三十八条、第三十三条）。", " (Regulations Arts 38 and 33)."))
                    }
                }
            }
        }
    }
}

/// A conclusion revoked or corrected (Order No. 55 Art 31), as the worker
/// reads it: what the committee decided, what happens to the allowance, and
/// what is to be paid back or paid.
fn revision_outcome(ctx: &Ctx, r: &gongshang_app::model::RevisionRow) -> Markup {
    use gongshang_app::model::RevisionKind;
    let Some(a) = &r.applied else {
        return html! {};
    };
    html! {
        section.card #case-revision {
            h2 style="margin-top:0" { (ctx.t("劳动能力鉴定结论有变化", "Your appraisal conclusion changed")) }
            p {
                @match r.kind {
                    RevisionKind::Revoke => {
                        (ctx.t("劳动能力鉴定委员会于 ", "On ")) (r.decided_on)
                        (ctx.t(" 撤销了您的鉴定结论（", ", the appraisal committee revoked your conclusion ("))
                        (r.decision_no)
                        (ctx.t("）。依据该结论发放的按月待遇已停发。", "). The monthly benefits paid on it have stopped."))
                    }
                    RevisionKind::Correct => {
                        (ctx.t("劳动能力鉴定委员会于 ", "On ")) (r.decided_on)
                        (ctx.t(" 纠正了您的鉴定结论（", ", the appraisal committee corrected your conclusion ("))
                        (r.decision_no) (ctx.t("），", "): "))
                        @match r.grade {
                            Some(g) => { (ctx.t("伤残等级改为 ", "the disability grade is now ")) (g) (ctx.t(" 级。", ".")) }
                            None => { (ctx.t("改为未达到伤残等级。", "no disability grade is reached.")) }
                        }
                        (ctx.t("按月待遇自下月起按新等级发放。", " Monthly benefits follow the new grade from next month."))
                    }
                }
            }
            @if a.overpaid.fen() > 0 {
                p.alert.warn role="status" {
                    (ctx.t("依据原结论多发的待遇 ", "Benefits paid beyond what you were owed: "))
                    strong { (yuan(a.overpaid)) (ctx.t(" 元", " yuan")) }
                    (ctx.t("，需要退回（《社会保险经办条例》第四十六条）。经办机构会告知您退还的方式和期限。",
                           ", to be paid back (Decree 765 Art 46). The agency will tell you how and by when."))
                }
            }
            @if a.underpaid.fen() > 0 {
                p.alert.ok role="status" {
                    (ctx.t("少发的待遇 ", "Benefits still owed to you: "))
                    strong { (yuan(a.underpaid)) (ctx.t(" 元", " yuan")) }
                    (ctx.t("，将予补发。", ", to be paid."))
                }
            }
            p.muted { (ctx.t("如不服，可以依法申请行政复议或者提起行政诉讼。", "If you disagree, you may apply for administrative review or bring an administrative suit.")) }
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DisputeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    summary: String,
}

/// "Dispute this": the worker asks the service centre for help with a
/// case's result; the system raises a ticket linked to the case (the
/// identity hidden from the employer until the worker agrees).
async fn dispute_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    axum::Form(f): axum::Form<DisputeForm>,
) -> Response {
    let (actor, _) = match worker(&ctx) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    match state
        .run(move |app| app.dispute_case(&actor, &number, &f.summary))
        .await
    {
        Ok(filed) => Redirect::to(&format!("/tickets/{}", filed.number)).into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::first_gap;
    use jiff::civil::date;

    #[test]
    fn the_first_day_to_buy_is_the_first_gap_not_the_latest_end() {
        let bought = [
            (date(2026, 7, 1), date(2026, 7, 7)),
            (date(2026, 7, 20), date(2026, 7, 26)),
            (date(2026, 7, 8), date(2026, 7, 10)),
        ];
        // Bought 1-10 and 20-26: the gap starts on the 11th.
        assert_eq!(first_gap(&bought, date(2026, 7, 2)), date(2026, 7, 11));
        assert_eq!(first_gap(&bought, date(2026, 7, 15)), date(2026, 7, 15));
        assert_eq!(first_gap(&bought, date(2026, 7, 21)), date(2026, 7, 27));
        assert_eq!(first_gap(&[], date(2026, 7, 2)), date(2026, 7, 2));
    }
}
