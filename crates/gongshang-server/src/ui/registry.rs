//! Units and people: lists (search, keyset pages loaded by htmx), detail
//! pages, and the enrolment form (register the person if new, check the
//! scheme's eligibility, enrol).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use gongshang_app::accounts::Action;
use gongshang_app::model::{ListQuery, PersonRow, SubjectKind, TicketRow, UnitRow};
use gongshang_app::views::{PersonDetail, UnitDetail};
use gongshang_app::{AppError, EnrollRequest, parse_category};
use gongshang_domain::coverage::CoverKind;
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_rules::scheme::{Category, CoverStart};
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::{category, sex, unit_kind};
use super::{Ctx, error_box, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(units))
        .route("/units/mine", get(my_unit))
        .route("/units/{id}", get(unit))
        .route("/people", get(people))
        .route("/enrollments/{id}", get(enrollment))
        .route("/people/{id}", get(person))
        .route("/enroll", get(enroll_form).post(enroll))
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    after: Option<i64>,
}

fn list_query(p: &ListParams) -> ListQuery {
    ListQuery {
        after_id: p.after.unwrap_or(0),
        limit: gongshang_app::views::PAGE_ROWS,
        search: p.q.clone().filter(|s| !s.trim().is_empty()),
        ..ListQuery::default()
    }
}

fn search_bar(ctx: &Ctx, action: &str, target: &str, q: Option<&str>, placeholder: &str) -> Markup {
    html! {
        form.toolbar role="search" method="get" action=(action) hx-get=(action) hx-target=(target) hx-select=(target) hx-push-url="true" {
            label.visually-hidden for="q" style="position:absolute;left:-999px" { (ctx.t("搜索", "Search")) }
            input #q type="search" name="q" value=[q] placeholder=(placeholder)
                hx-get=(action) hx-trigger="input changed delay:300ms, search" hx-target=(target) hx-select=(target);
            button type="submit" { (ctx.t("搜索", "Search")) }
            span.spinner aria-hidden="true" {}
        }
    }
}

fn next_link(ctx: &Ctx, base: &str, q: Option<&str>, last: Option<i64>, full: bool) -> Markup {
    html! {
        @if let (true, Some(last)) = (full, last) {
            @let href = match q { Some(q) => format!("{base}?q={}&after={last}", urlencode(q)), None => format!("{base}?after={last}") };
            div.pager { span {} a.button href=(href) { (ctx.t("下一页 →", "Next page →")) } }
        }
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---- units ---------------------------------------------------------------

async fn units(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<ListParams>,
) -> Response {
    let actor = match session::require(&ctx, Action::ListUnits) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let q = list_query(&p);
    match state.run(move |app| app.unit_rows(&actor, &q)).await {
        Ok(rows) => {
            let title = ctx.t("参保单位", "Units");
            respond(
                &ctx,
                title,
                html! {
                    h1 { (title) }
                    (search_bar(&ctx, "/units", "#units", p.q.as_deref(), ctx.t("单位名称或统一社会信用代码", "Name or credit code")))
                    div #units { (unit_table(&ctx, &rows)) (next_link(&ctx, "/units", p.q.as_deref(), rows.last().map(|r| r.unit.id), rows.len() as u32 == gongshang_app::views::PAGE_ROWS)) }
                },
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn unit_table(ctx: &Ctx, rows: &[UnitRow]) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr {
                    th { (ctx.t("单位", "Unit")) }
                    th { (ctx.t("类型", "Kind")) }
                    th { (ctx.t("地区", "Region")) }
                    th.num { (ctx.t("行业类别", "Class")) }
                    th.num { (ctx.t("在保人数", "Enrolled")) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href=(format!("/units/{}", r.unit.id)) { (r.unit.name) } br; span.muted { code { (r.unit.credit_code.as_str()) } } }
                            td { (unit_kind(ctx.lang, r.unit.kind)) }
                            td { (r.unit.region.as_str()) }
                            td.num { (r.unit.industry_class.get()) }
                            td.num { (r.enrolled) }
                        }
                    }
                    @if rows.is_empty() { tr { td colspan="5" .muted { (ctx.t("没有符合条件的单位。", "No units match.")) } } }
                }
            }
        }
    }
}

async fn my_unit(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(unit) = actor.unit().copied() else {
        return Redirect::to("/units").into_response();
    };
    match state.run(move |app| app.unit(&actor, &unit)).await {
        Ok(u) => Redirect::to(&format!("/units/{}", u.id)).into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

async fn unit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    unit_page(&state, &ctx, id, None).await
}

/// The unit's page, with a refused form's error at its field when one is
/// given (and the status of that refusal).
pub(super) async fn unit_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    failed: super::engagements::Failed<'_>,
) -> Response {
    let user = match session::require(ctx, Action::ReadRegistry) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let actor = user.actor();
    let loaded = state
        .run(move |app| {
            let d = app.unit_detail(&actor, id)?;
            // Regulations Art 43: the unit's divisions, mergers, transfers.
            let successions = app.successions_of_unit(&actor, &d.unit.credit_code)?;
            // Decree 765 Arts 6, 10: its registration applications.
            let registrations = if actor.may(Action::ReadRegistrations) {
                Some(app.registrations_of_unit(&actor, &d.unit.credit_code)?)
            } else {
                None
            };
            // Decree 765 Art 45: its dishonest acts, for agency staff only.
            let credit = if actor.may(Action::ReadCredit) {
                Some(app.credit_records(
                    &actor,
                    gongshang_domain::handling::CreditSubjectKind::Unit,
                    d.unit.credit_code.as_str(),
                )?)
            } else {
                None
            };
            // Decree 765 Art 10: its cancellation, if any.
            let cancelled = app.unit_cancellation(&actor, &d.unit.credit_code)?;
            // Social Insurance Law Art 86: late fees of bills paid late.
            let late_fees =
                if actor.may(Action::ReadBills) && actor.reaches_unit(Some(&d.unit.credit_code)) {
                    app.late_fees_of_unit(&actor, &d.unit.credit_code)?
                } else {
                    Vec::new()
                };
            // 人社厅发〔2022〕16号, 人社部发〔2022〕31号: its deferrals (缓缴).
            let deferrals =
                if actor.may(Action::ReadBills) && actor.reaches_unit(Some(&d.unit.credit_code)) {
                    app.deferrals_of_unit(&actor, &d.unit.credit_code)?
                } else {
                    Vec::new()
                };
            // Regulations Art 43(1): what it took over from predecessors.
            let inherited =
                if actor.may(Action::ReadBills) && actor.reaches_unit(Some(&d.unit.credit_code)) {
                    Some(app.inherited_of_unit(&actor, &d.unit.credit_code)?)
                } else {
                    None
                };
            Ok::<_, gongshang_app::AppError>((
                d,
                successions,
                registrations,
                credit,
                cancelled,
                late_fees,
                inherited,
                deferrals,
            ))
        })
        .await;
    match loaded {
        Ok((d, successions, registrations, credit, cancelled, late_fees, inherited, deferrals)) => {
            let refs = d.bills.iter().map(|b| b.status.reference.clone()).collect();
            let tickets = super::tickets::tickets_about(state, ctx, SubjectKind::Bill, refs).await;
            // the schemes the unit enrols in, for the deferral form
            let mut schemes: Vec<(String, String)> = Vec::new();
            for e in &d.enrollments {
                let id = e.scheme_id.to_string();
                if !schemes.iter().any(|(s, _)| *s == id) {
                    schemes.push((
                        id,
                        state.app.scheme_name(&e.scheme_id, ctx.zh()).to_string(),
                    ));
                }
            }
            let body = html! {
                (unit_body(ctx, state, &d, &tickets))
                (super::engagements::deferral_section(ctx, d.unit.id, &deferrals, &schemes, failed))
                (super::engagements::late_fee_section(ctx, d.unit.id, &late_fees, failed))
                (super::liability::successions_section(ctx, d.unit.credit_code.as_str(), &successions, html! {
                    (super::engagements::succession_form(ctx, id, failed))
                    (super::engagements::transfer_form(ctx, id, d.unit.credit_code.as_str(), &successions, failed))
                    (super::inherited::debt_takeover_form(ctx, id, d.unit.credit_code.as_str(), &successions, failed))
                }))
                (super::inherited::inherited_section(ctx, inherited.as_ref()))
                @if let Some(regs) = &registrations {
                    (super::handling::registrations_section(ctx, d.unit.id, regs, &d.enrollments, None))
                }
                @if let Some(records) = &credit {
                    (super::handling::credit_section(ctx, gongshang_domain::handling::CreditSubjectKind::Unit, d.unit.credit_code.as_str(), &format!("/units/{}", d.unit.id), records, None))
                }
                (super::engagements::cancellation_section(ctx, id, cancelled.as_ref(), failed))
            };
            let page = respond(ctx, &d.unit.name.clone(), body);
            with_status(page, failed)
        }
        Err(e) => error_page(ctx, &e),
    }
}

/// A page answered after a refused form carries the refusal's status.
fn with_status(page: Response, failed: super::engagements::Failed<'_>) -> Response {
    match failed {
        Some((e, _)) => (super::error_status(e), page).into_response(),
        None => page,
    }
}

fn unit_body(ctx: &Ctx, state: &AppState, d: &UnitDetail, tickets: &[TicketRow]) -> Markup {
    let u = &d.unit;
    let mut by_scheme: Vec<(gongshang_rules::SchemeId, usize)> = Vec::new();
    for e in d.enrollments.iter().filter(|e| e.last_day.is_none()) {
        match by_scheme.iter_mut().find(|(s, _)| *s == e.scheme_id) {
            Some((_, n)) => *n += 1,
            None => by_scheme.push((e.scheme_id.clone(), 1)),
        }
    }
    html! {
        h1 { (u.name) }
        div.grid.two {
            section.card {
                dl.facts {
                    dt { (ctx.t("统一社会信用代码", "Credit code")) } dd { code { (u.credit_code.as_str()) } }
                    dt { (ctx.t("类型", "Kind")) } dd { (unit_kind(ctx.lang, u.kind)) }
                    dt { (ctx.t("地区", "Region")) } dd { (region_name(ctx, state, u.region.as_str())) }
                    dt { (ctx.t("行业风险类别", "Industry class")) } dd { (u.industry_class.get()) }
                    dt { (ctx.t("浮动费率档", "Floating tier")) } dd { (u.floating_tier.to_string()) }
                }
            }
            section.card {
                h2 style="margin-top:0" { (ctx.t("在保人数（按方案）", "Enrolled by scheme")) }
                ul {
                    @for (s, n) in &by_scheme { li { (state.app.scheme_name(s, ctx.zh())) (ctx.t("：", ": ")) strong { (n) } } }
                    @if by_scheme.is_empty() { li.muted { (ctx.t("暂无", "None")) } }
                }
                @if ctx.viewer.may(Action::Enrol) {
                    a.button.primary href=(format!("/enroll?unit={}", u.credit_code.as_str())) { (ctx.t("为本单位登记参保", "Enrol a person in this unit")) }
                }
            }
        }
        (statements_box(ctx, state, d.enrollments.iter().map(|e| &e.scheme_id)))
        h2 { (ctx.t("近期账单", "Recent bills")) }
        (super::bills::bill_table(ctx, state, &d.bills, tickets))
        h2 { (ctx.t("人员", "People")) }
        (people_table(ctx, state, &d.people))
        @if d.people.len() as u32 == gongshang_app::views::PAGE_ROWS {
            p { a href=(format!("/people?unit={}", u.credit_code.as_str())) { (ctx.t("查看全部人员 →", "All people →")) } }
        }
    }
}

pub fn region_name(ctx: &Ctx, state: &AppState, code: &str) -> String {
    match state.app.policy().region(code) {
        Some(r) if ctx.zh() => format!("{}（{code}）", r.name_zh),
        Some(r) => format!("{} ({code})", r.name_en),
        None => code.to_owned(),
    }
}

// ---- people --------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct PeopleParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    unit: Option<String>,
}

async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<PeopleParams>,
) -> Response {
    let user = match session::require(&ctx, Action::ReadRegistry) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let mut q = list_query(&ListParams {
        q: p.q.clone(),
        after: p.after,
    });
    if user.account.person().is_some() {
        return Redirect::to("/me").into_response();
    }
    q.unit = p.unit.as_deref().and_then(|u| CreditCode::parse(u).ok());
    let actor = user.actor();
    match state.run(move |app| app.person_rows(&actor, &q)).await {
        Ok(rows) => {
            let title = ctx.t("参保人员", "People");
            respond(
                &ctx,
                title,
                html! {
                    h1 { (title) }
                    (search_bar(&ctx, "/people", "#people", p.q.as_deref(), ctx.t("姓名或身份证号", "Name or identity number")))
                    div #people { (people_table(&ctx, &state, &rows)) (next_link(&ctx, "/people", p.q.as_deref(), rows.last().map(|r| r.person.id), rows.len() as u32 == gongshang_app::views::PAGE_ROWS)) }
                },
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn people_table(ctx: &Ctx, state: &AppState, rows: &[PersonRow]) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr {
                    th { (ctx.t("姓名", "Name")) }
                    th { (ctx.t("身份证号", "Identity number")) }
                    th { (ctx.t("性别", "Sex")) }
                    th { (ctx.t("出生日期", "Born")) }
                    th { (ctx.t("参保方案", "Schemes")) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a href=(format!("/people/{}", r.person.id)) { (r.person.name) } }
                            td { code { (r.person.resident_id.masked()) } }
                            td { (sex(ctx.lang, r.person.sex)) }
                            td { (r.person.birth_date) }
                            td { @for s in &r.schemes { span.tag { (state.app.scheme_name(s, ctx.zh())) } } }
                        }
                    }
                    @if rows.is_empty() { tr { td colspan="5" .muted { (ctx.t("没有符合条件的人员。", "No people match.")) } } }
                }
            }
        }
    }
}

async fn person(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    person_page(&state, &ctx, id, None).await
}

/// The person's page, with a refused form's error at its field when one is
/// given (and the status of that refusal).
pub(super) async fn person_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    failed: super::engagements::Failed<'_>,
) -> Response {
    let user = match session::require(ctx, Action::ReadRegistry) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let actor = user.actor();
    let loaded = state
        .run(move |app| {
            let d = app.person_detail(&actor, id)?;
            let changes = super::engagements::Changes::load(app, &actor, &d)?;
            // Decree 765 Art 45: the person's dishonest acts, for agency
            // staff only (never on the worker's own pages).
            let credit = if actor.may(Action::ReadCredit) {
                Some(app.credit_records(
                    &actor,
                    gongshang_domain::handling::CreditSubjectKind::Person,
                    d.person.resident_id.as_str(),
                )?)
            } else {
                None
            };
            Ok::<_, gongshang_app::AppError>((d, changes, credit))
        })
        .await;
    match loaded {
        Ok((d, changes, credit)) => {
            let ids = d.enrollments.iter().map(|e| e.id.to_string()).collect();
            let about_enrolments =
                super::tickets::tickets_about(state, ctx, SubjectKind::Enrollment, ids).await;
            let refs = d.bills.iter().map(|b| b.status.reference.clone()).collect();
            let about_bills =
                super::tickets::tickets_about(state, ctx, SubjectKind::Bill, refs).await;
            let body = html! {
                (person_body(ctx, state, &d, &about_enrolments, &about_bills))
                (super::engagements::person_section(ctx, &d, &changes, failed))
                @if let Some(records) = &credit {
                    (super::handling::credit_section(ctx, gongshang_domain::handling::CreditSubjectKind::Person, d.person.resident_id.as_str(), &format!("/people/{id}"), records, None))
                }
            };
            with_status(respond(ctx, &d.person.name.clone(), body), failed)
        }
        Err(e) => error_page(ctx, &e),
    }
}

pub fn cover_box(ctx: &Ctx, state: &AppState, d: &PersonDetail) -> Markup {
    let c = &d.coverage;
    html! {
        div.alert.ok[c.covered].warn[!c.covered] role="status" {
            strong { (c.day) " " (if c.covered { ctx.t("在保", "covered") } else { ctx.t("不在保", "not covered") }) }
            @if !c.covered { (ctx.t("：", ": ")) (if ctx.zh() { c.reason.text_zh() } else { c.reason.text_en() }) }
            @for cover in &c.covers {
                br;
                (state.app.scheme_name(&cover.scheme_id, ctx.zh())) " · "
                (basis(ctx, cover.basis)) " · " (cover.start) " — "
                @if cover.end.year() == 9999 { (ctx.t("持续", "open")) } @else { (cover.end) }
            }
        }
    }
}

fn basis(ctx: &Ctx, b: CoverKind) -> &'static str {
    match b {
        CoverKind::Enrollment => ctx.t("参保即保障", "enrolment"),
        CoverKind::MonthPaid => ctx.t("按月缴费", "month paid"),
        CoverKind::DaysBought => ctx.t("按日购买", "days bought"),
        CoverKind::OrderDay => ctx.t("当日接单", "order day"),
    }
}

fn person_body(
    ctx: &Ctx,
    state: &AppState,
    d: &PersonDetail,
    about_enrolments: &[TicketRow],
    about_bills: &[TicketRow],
) -> Markup {
    let p = &d.person;
    html! {
        h1 { (p.name) }
        div.grid.two {
            section.card {
                dl.facts {
                    dt { (ctx.t("身份证号", "Identity number")) } dd { code { (p.resident_id.masked()) } }
                    dt { (ctx.t("性别", "Sex")) } dd { (sex(ctx.lang, p.sex)) }
                    dt { (ctx.t("出生日期", "Born")) } dd { (p.birth_date) }
                }
            }
            section.card {
                h2 style="margin-top:0" { (ctx.t("今日保障", "Cover today")) }
                (cover_box(ctx, state, d))
            }
        }
        h2 { (ctx.t("参保记录", "Enrolments")) }
        div.table-wrap { table {
            thead { tr {
                th { (ctx.t("方案", "Scheme")) } th { (ctx.t("单位", "Unit")) } th { (ctx.t("人员类别", "Category")) }
                th { (ctx.t("起始", "From")) } th { (ctx.t("终止", "To")) } th { (ctx.t("诉求", "Tickets")) }
            } }
            tbody {
                @for e in &d.enrollments {
                    tr {
                        td { a href=(format!("/enrollments/{}", e.id)) { (state.app.scheme_name(&e.scheme_id, ctx.zh())) } }
                        td { @if let Some(u) = &e.unit { code { (u.as_str()) } } @else { span.muted { (ctx.t("个人参保", "self-enrolled")) } } }
                        td { (category(ctx.lang, e.category)) }
                        td { (e.start) }
                        td { @if let Some(l) = e.last_day { (l) } @else { span.tag { (ctx.t("在保", "running")) } } }
                        td { (super::tickets::tickets_of_subject(ctx, about_enrolments, "enrollment", &e.id.to_string())) }
                    }
                }
                @if d.enrollments.is_empty() { tr { td colspan="6" .muted { (ctx.t("无参保记录（平台劳动者按接单日保障）。", "No enrolments (platform workers are covered on their order days).")) } } }
            }
        } }
        (commitments_box(ctx, state, d))
        (statements_box(ctx, state, d.enrollments.iter().map(|e| &e.scheme_id)))
        @if !d.bills.is_empty() {
            h2 { (ctx.t("个人账单", "Own bills")) }
            (super::bills::bill_table(ctx, state, &d.bills, about_bills))
        }
    }
}

/// An enrolment's page: what it is, whose, and the tickets about it
/// (issue 15).
async fn enrollment(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let user = match session::require(&ctx, Action::ReadRegistry) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let actor = user.actor();
    let (e, person) = match state.run(move |app| app.enrollment_view(&actor, id)).await {
        Ok(v) => v,
        Err(e) => return error_page(&ctx, &e),
    };
    let tickets =
        super::tickets::tickets_about(&state, &ctx, SubjectKind::Enrollment, vec![id.to_string()])
            .await;
    let title = ctx.t("参保记录", "Enrolment");
    let person_href = if ctx.viewer.actor().is_some_and(|a| a.person().is_some()) {
        "/me".to_owned()
    } else {
        format!("/people/{}", person.id)
    };
    respond(
        &ctx,
        title,
        html! {
            h1 { (title) " " code { (e.id) } }
            section.card #enrollment {
                dl.facts {
                    dt { (ctx.t("参保人", "Insured")) } dd { a href=(person_href) { (person.name) } " " code { (person.resident_id.masked()) } }
                    dt { (ctx.t("方案", "Scheme")) } dd { (state.app.scheme_name(&e.scheme_id, ctx.zh())) }
                    dt { (ctx.t("单位", "Unit")) } dd { @if let Some(u) = &e.unit { code { (u.as_str()) } } @else { (ctx.t("个人参保", "self-enrolled")) } }
                    dt { (ctx.t("人员类别", "Category")) } dd { (category(ctx.lang, e.category)) }
                    dt { (ctx.t("起始", "From")) } dd { (e.start) }
                    dt { (ctx.t("终止", "To")) } dd { @if let Some(l) = e.last_day { (l) } @else { span.tag { (ctx.t("在保", "running")) } } }
                }
            }
            h2 { (ctx.t("关于此参保记录的诉求", "Tickets about this enrolment")) }
            @if tickets.is_empty() { p.muted { (ctx.t("暂无。", "None yet.")) } }
            p #enrollment-tickets { (super::tickets::tickets_of_subject(&ctx, &tickets, "enrollment", &e.id.to_string())) }
        },
    )
}

// ---- enrolment -------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct EnrollParams {
    #[serde(default)]
    unit: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct EnrollFormData {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    scheme_id: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    labour_relation: Option<String>,
    /// The unit makes the scheme's commitment (粤人社规〔2020〕55号 Art 6).
    #[serde(default)]
    commitment: Option<String>,
    /// And informed the insured of their rights and obligations.
    #[serde(default)]
    persons_informed: Option<String>,
    /// electronic or paper.
    #[serde(default)]
    commitment_form: String,
}

fn enroll_form_markup(
    ctx: &Ctx,
    state: &AppState,
    f: &EnrollFormData,
    own_unit: Option<&str>,
) -> Markup {
    let policy = state.app.policy();
    // Issue 13: a unit is offered the schemes whose area includes it.
    let offered = own_unit.and_then(|u| {
        let actor = ctx.viewer.actor()?;
        let code = CreditCode::parse(u).ok()?;
        state.app.schemes_for_unit(&actor, &code).ok()
    });
    let mut schemes: Vec<_> = policy
        .schemes()
        .filter(|s| s.cover_starts != CoverStart::OrderDays)
        .filter(|s| offered.as_ref().is_none_or(|o| o.contains(&s.id)))
        .collect();
    schemes.sort_by(|a, b| a.id.cmp(&b.id));
    html! {
        form.cols.card method="post" action="/enroll" hx-post="/enroll" hx-target="#enroll-result" hx-swap="innerHTML" {
            (session::csrf_field(ctx))
            div {
                label for="resident_id" { (ctx.t("公民身份号码", "Identity number")) }
                input #resident_id name="resident_id" required maxlength="18" pattern="[0-9]{17}[0-9Xx]" value=(f.resident_id) autocomplete="off" aria-describedby="rid-hint";
                span.hint #rid-hint { (ctx.t("18位，末位校验码可为X", "18 characters; the last may be X")) }
            }
            div {
                label for="name" { (ctx.t("姓名", "Name")) " " span.hint { (ctx.t("（新登记人员必填）", "(needed for a new person)")) } }
                input #name name="name" value=(f.name) autocomplete="name";
            }
            div {
                label for="unit" { (ctx.t("参保单位信用代码", "Unit credit code")) " " span.hint { (ctx.t("（个人参保留空）", "(empty when self-enrolled)")) } }
                @if let Some(u) = own_unit {
                    input #unit name="unit" value=(u) readonly;
                } @else {
                    input #unit name="unit" value=(f.unit) maxlength="18";
                }
            }
            div {
                label for="scheme_id" { (ctx.t("保障方案", "Scheme")) }
                select #scheme_id name="scheme_id" required {
                    @for s in &schemes {
                        option value=(s.id) selected[s.id.as_str() == f.scheme_id] { (if ctx.zh() { &s.name_zh } else { &s.name_en }) }
                    }
                }
            }
            div {
                label for="category" { (ctx.t("人员类别", "Category")) }
                select #category name="category" required {
                    @for c in Category::ALL {
                        option value=(c.as_str()) selected[c.as_str() == f.category] { (category(ctx.lang, c)) }
                    }
                }
            }
            div {
                label for="start" { (ctx.t("参保起始日", "Start date")) }
                input #start name="start" type="date" required value=(f.start);
            }
            div.full {
                label { input type="checkbox" name="labour_relation" value="on" checked[f.labour_relation.is_some()]; (ctx.t("与单位建立劳动关系", "Has a labour relation with the unit")) }
            }
            @for s in schemes.iter().filter(|s| s.commitment.is_some()) {
                @if let Some(text) = &s.commitment {
                    fieldset.full.commitment {
                        legend { (ctx.t("参保承诺", "Commitment")) (ctx.t("：", ": ")) (if ctx.zh() { &s.name_zh } else { &s.name_en }) (ctx.t("（", " (")) (text.citation.article) (ctx.t("）", ")")) }
                        p.hint { (ctx.t("选择此方案时，单位须作出以下承诺，承诺文本、作出人、时间和方式随参保记录保存。", "Enrolling under this scheme, the unit makes this commitment; its text, who made it, when and how are kept with the enrolment.")) }
                        blockquote { (if ctx.zh() { &text.text_zh } else { &text.text_en }) }
                        label { input type="checkbox" name="commitment" value="on" checked[f.commitment.is_some()]; (ctx.t("本单位作出上述承诺", "This unit makes the commitment above")) }
                        label { input type="checkbox" name="persons_informed" value="on" checked[f.persons_informed.is_some()]; (ctx.t("已告知参保人员其工伤保险权利和义务", "The insured were informed of their rights and obligations")) }
                        label for="commitment_form" { (ctx.t("承诺方式", "Made")) }
                        select #commitment_form name="commitment_form" {
                            option value="electronic" selected[f.commitment_form != "paper"] { (ctx.t("电子（本页提交）", "electronically (this page)")) }
                            option value="paper" selected[f.commitment_form == "paper"] { (ctx.t("纸质（经办窗口收取）", "on paper (received at the window)")) }
                        }
                    }
                }
            }
            div.full { (statements_box(ctx, state, schemes.iter().map(|s| &s.id))) }
            div.full { button.primary type="submit" { (ctx.t("检查资格并登记", "Check eligibility and enrol")) } " " span.spinner aria-hidden="true" {} }
        }
    }
}

async fn enroll_form(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<EnrollParams>,
) -> Response {
    let user = match session::require(&ctx, Action::Enrol) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let own = user.account.unit().map(|u| u.as_str().to_owned());
    let today = state.app.today();
    let f = EnrollFormData {
        unit: p.unit.unwrap_or_default(),
        start: today.to_string(),
        category: "employee".into(),
        labour_relation: Some("on".into()),
        ..EnrollFormData::default()
    };
    let title = ctx.t("参保登记", "Enrol a person");
    respond(
        &ctx,
        title,
        html! {
            h1 { (title) }
            p.muted { (ctx.t("按所选方案的参保条件（年龄、人员类别、劳动关系、地区）逐条检查；不符合时说明依据。", "Each condition of the scheme (age, category, labour relation, area) is checked; a refusal names the rule.")) }
            (enroll_form_markup(&ctx, &state, &f, own.as_deref()))
            div #enroll-result aria-live="polite" {}
        },
    )
}

async fn enroll(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<EnrollFormData>,
) -> Response {
    let user = match session::require(&ctx, Action::Enrol) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let own = user.account.unit().copied();
    let actor = user.actor();
    let form = f.clone();
    let result = state
        .run(
            move |app| -> Result<(i64, i64, gongshang_rules::scheme::Eligibility), AppError> {
                let person = ResidentId::parse(form.resident_id.trim())?;
                let unit = match own {
                    Some(u) => Some(u),
                    None if form.unit.trim().is_empty() => None,
                    None => Some(CreditCode::parse(form.unit.trim())?),
                };
                let start: jiff::civil::Date =
                    form.start.trim().parse().map_err(|e: jiff::Error| {
                        AppError::invalid(
                            "start",
                            format!("{:?}: {e}; expected YYYY-MM-DD", form.start),
                        )
                    })?;
                let category = parse_category(&form.category)?;
                let scheme_id = gongshang_rules::SchemeId::parse(form.scheme_id.trim())?;
                let (stored, enrolled) = app.register_and_enroll(
                    &actor,
                    &form.name,
                    &EnrollRequest {
                        person,
                        unit,
                        scheme_id: scheme_id.clone(),
                        category,
                        start,
                        labour_relation: form.labour_relation.is_some(),
                        commitment: match (&form.commitment, app.scheme_texts(&scheme_id).0) {
                            (Some(_), Some(_)) => Some(gongshang_app::CommitmentInput {
                                form: gongshang_app::model::CommitmentForm::parse(
                                    if form.commitment_form.is_empty() {
                                        "electronic"
                                    } else {
                                        &form.commitment_form
                                    },
                                )
                                .map_err(|reason| AppError::invalid("commitment", reason))?,
                                persons_informed: form.persons_informed.is_some(),
                            }),
                            _ => None,
                        },
                    },
                )?;
                Ok((stored.id, enrolled.enrollment_id, enrolled.eligibility))
            },
        )
        .await;
    let fragment = match &result {
        Ok((person_id, enrollment_id, eligibility)) => html! {
            div.alert.ok role="status" {
                strong { (ctx.t("已登记参保。", "Enrolled.")) }
                " " (ctx.t("参保记录号", "Enrolment")) " " (enrollment_id) " · "
                a href=(format!("/people/{person_id}")) { (ctx.t("查看人员 →", "See the person →")) }
                ul {
                    @for c in &eligibility.checks {
                        li { (c.rule) (ctx.t("：", ": ")) (c.value) (ctx.t(" （", " (")) (ctx.t("允许", "allowed")) " " (c.allowed) (ctx.t("）", ")")) }
                    }
                }
            }
        },
        Err(e) => error_box(&ctx, e),
    };
    if ctx.htmx {
        respond(&ctx, "", fragment)
    } else {
        let title = ctx.t("参保登记", "Enrol a person");
        let own = own.map(|u| u.as_str().to_owned());
        respond(
            &ctx,
            title,
            html! { h1 { (title) } (enroll_form_markup(&ctx, &state, &f, own.as_deref())) div #enroll-result { (fragment) } },
        )
    }
}

// ---- the commitment and the statement of 粤人社规〔2020〕55号 (issue 17) -------

/// The units' commitments kept with these enrolments (Art 6, Annex 1): the
/// text, who made it, when, electronically or on paper.
pub fn commitments_box(ctx: &Ctx, state: &AppState, d: &PersonDetail) -> Markup {
    html! {
        @for c in &d.commitments {
            @let scheme = d.enrollments.iter().find(|e| e.id == c.enrollment_id).map(|e| state.app.scheme_name(&e.scheme_id, ctx.zh())).unwrap_or_default();
            section.card.commitment style="margin-top:1rem" {
                h2 style="margin-top:0" { (ctx.t("单位参保承诺", "The unit's commitment")) }
                p.muted {
                    (scheme) " · " (c.article) " · "
                    (match c.form { gongshang_app::model::CommitmentForm::Electronic => ctx.t("电子承诺", "made electronically"), gongshang_app::model::CommitmentForm::Paper => ctx.t("纸质承诺", "made on paper") })
                    " · " (ctx.t("作出人", "by")) " " (c.made_by) " · " (super::format::china_time(c.made_at))
                }
                blockquote { (c.text) }
                @if c.persons_informed { p { (ctx.t("单位已承诺告知参保人员其工伤保险权利和义务。", "The unit committed that it informed the insured of their rights and obligations.")) } }
            }
        }
    }
}

/// What enrolment under these schemes does not prove (Art 13), once per
/// scheme that states it.
pub fn statements_box<'a>(
    ctx: &Ctx,
    state: &AppState,
    scheme_ids: impl Iterator<Item = &'a gongshang_rules::SchemeId>,
) -> Markup {
    let mut seen: Vec<&gongshang_rules::SchemeId> = Vec::new();
    for id in scheme_ids {
        if !seen.contains(&id) && state.app.scheme_texts(id).1.is_some() {
            seen.push(id);
        }
    }
    html! {
        @for id in &seen {
            @if let Some(text) = state.app.scheme_texts(id).1 {
                div.alert.statement role="note" {
                    strong { (state.app.scheme_name(id, ctx.zh())) (ctx.t("（", " (")) (text.citation.article) (ctx.t("）：", "): ")) }
                    (if ctx.zh() { &text.text_zh } else { &text.text_en })
                }
            }
        }
    }
}
