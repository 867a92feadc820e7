//! The employer's (用人单位) pages (issue 13): its own overview (its people,
//! bills, what it owes, its cases; never another unit's nor the fund's),
//! the monthly declaration, paying a bill online, ending an enrolment,
//! reporting an injury, and registering and enrolling a person in one step
//! with only the schemes whose area includes the unit offered. Every refusal
//! is said in the page's language under its field ([`super::plain`]).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::accounts::Actor;
use gongshang_app::cases::FileCaseRequest;
use gongshang_app::model::CaseListRow;
use gongshang_app::{
    AppError, DeclarationDraft, EnrollRequest, UnitMember, UnitOverview, parse_category,
};
use gongshang_domain::determination::ApplicantRole;
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::yuan;
use super::intake::{GROUNDS, MATERIALS, ground_of, materials_of};
use super::plain::{self, field_error, form_error};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/employer", get(home))
        .route("/employer/declare", post(declare))
        .route("/employer/pay", post(pay))
        .route("/employer/end", post(end))
        .route("/employer/injury", post(injury))
        .route("/employer/enrol", post(enrol))
}

/// Which form an error or a notice belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Declare,
    Pay(i64),
    End(i64),
    Injury,
    Enrol,
}

#[derive(Default)]
struct Shown {
    month: Option<Month>,
    error: Option<(Which, AppError)>,
    notice: Option<Markup>,
    /// What was typed in the form refused (field, value).
    typed: Vec<(String, String)>,
}

impl Shown {
    fn error(&self, which: Which) -> Option<&AppError> {
        self.error
            .as_ref()
            .filter(|(w, _)| *w == which)
            .map(|(_, e)| e)
    }

    fn typed(&self, field: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == field)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether a box of a repeated field was ticked.
    fn ticked(&self, field: &str, value: &str) -> bool {
        self.typed.iter().any(|(k, v)| k == field && v == value)
    }
}

/// The unit user's actor and unit, or the answer for anyone else.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn employer(ctx: &Ctx) -> Result<(Actor, CreditCode), Response> {
    let actor = session::signed_in(ctx)?;
    match actor.unit().copied() {
        Some(u) => Ok((actor, u)),
        None => Err(Redirect::to("/").into_response()),
    }
}

/// A form the employer posted: signed in as a unit, with the session's
/// CSRF token.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn posted(ctx: &Ctx, fields: &[(String, String)]) -> Result<(Actor, CreditCode), Response> {
    let signed = employer(ctx)?;
    csrf_ok(ctx, fields)?;
    Ok(signed)
}

struct Loaded {
    overview: UnitOverview,
    members: Vec<UnitMember>,
    drafts: Vec<DeclarationDraft>,
    cases: Vec<CaseListRow>,
    schemes: Vec<gongshang_rules::SchemeId>,
    month: Month,
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    actor: Actor,
    unit: CreditCode,
    shown: Shown,
) -> Response {
    let asked = shown.month;
    let loaded = state
        .run(move |app| -> Result<Loaded, AppError> {
            let overview = app.unit_overview(&actor, &unit)?;
            let members = app.unit_members(&actor, &unit)?;
            // The month to declare: the one asked for, else the first of this
            // month and the next not declared yet.
            let this = Month::of(app.today());
            let month = match asked {
                Some(m) => m,
                None => {
                    let drafts = app.declaration_drafts(&actor, &unit, this)?;
                    if !drafts.is_empty() && drafts.iter().all(|d| d.declared.is_some()) {
                        this.next()
                    } else {
                        this
                    }
                }
            };
            let drafts = app.declaration_drafts(&actor, &unit, month)?;
            let q = gongshang_app::model::ListQuery {
                limit: 20,
                ..Default::default()
            };
            let mut cases = app.case_rows(&actor, &q, false)?;
            cases.reverse();
            let schemes = app.schemes_for_unit(&actor, &unit)?;
            Ok(Loaded {
                overview,
                members,
                drafts,
                cases,
                schemes,
                month,
            })
        })
        .await;
    match loaded {
        Ok(l) => respond(
            ctx,
            &l.overview.unit.name.clone(),
            body(ctx, state, &l, &shown),
        ),
        Err(e) => error_page(ctx, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct HomeParams {
    #[serde(default)]
    month: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<HomeParams>,
) -> Response {
    let (actor, unit) = match employer(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if actor.platform().is_some() {
        return Redirect::to("/platform").into_response();
    }
    let month = p.month.as_deref().and_then(|m| Month::parse(m).ok());
    render(
        &state,
        &ctx,
        actor,
        unit,
        Shown {
            month,
            ..Shown::default()
        },
    )
    .await
}

fn body(ctx: &Ctx, state: &AppState, l: &Loaded, s: &Shown) -> Markup {
    let o = &l.overview;
    let today = state.app.today();
    let this = Month::of(today);
    let months = [
        Month::of(this.first_day().yesterday().unwrap_or(today)),
        this,
        this.next(),
    ];
    html! {
        div #employer {
            h1 { (o.unit.name) }
            p.muted { (ctx.t("统一社会信用代码 ", "Credit code ")) (o.unit.credit_code.as_str()) " · " (super::registry::region_name(ctx, state, o.unit.region.as_str())) }
            p #ask-for-help { a href="/tickets#file" { (ctx.t("向权益服务中心提交诉求或申请调解", "Ask the rights service centre for help or mediation")) } }
            p #medical-bases-link { a href="/medical-insurance-bases" { (ctx.t("一至四级伤残职工的医保缴费基数（伤残津贴）", "Medical insurance bases of grade 1-4 workers (the disability allowance)")) } }
            @if let Some(n) = &s.notice { (n) }
            div.grid #overview {
                div.stat { div.label { (ctx.t("在保人数", "People enrolled")) } div.value { (o.enrolled) } }
                div.stat { div.label { (ctx.t("未缴金额（元）", "Outstanding (yuan)")) } div.value { (yuan(o.outstanding)) } }
                div.stat.bad[o.arrears.fen() > 0] { div.label { (ctx.t("其中已逾期（元）", "Of which overdue (yuan)")) } div.value #arrears { (yuan(o.arrears)) } }
                div.stat { div.label { (ctx.t("工伤案件", "Injury cases")) } div.value { (l.cases.len()) } }
            }

            section.card #declare {
                h2 style="margin-top:0" { (ctx.t("月度申报", "Monthly declaration")) }
                form.toolbar method="get" action="/employer" {
                    label for="month-pick" { (ctx.t("月份", "Month")) }
                    select #month-pick name="month" style="max-width:10rem" {
                        @for m in &months { option value=(m.to_string()) selected[*m == l.month] { (m.to_string()) } }
                    }
                    button type="submit" { (ctx.t("切换", "Show")) }
                }
                @let de = s.error(Which::Declare);
                (form_error(ctx, de, &["month", "declarations"]))
                (field_error(ctx, de, "month"))
                @if l.drafts.is_empty() {
                    p.muted { (ctx.t("该月没有需按工资申报的参保人员。", "Nobody to declare on wages in this month.")) }
                }
                @for d in &l.drafts {
                    h3 { (state.app.scheme_name(&d.scheme_id, ctx.zh())) " · " (d.month.to_string()) }
                    @if let Some(r) = &d.declared {
                        p { span.tag { (ctx.t("已申报", "Declared")) } " " (ctx.t("账单 ", "bill ")) code { (r) } }
                    } @else {
                        form method="post" action="/employer/declare" {
                            (session::csrf_field(ctx))
                            input type="hidden" name="scheme_id" value=(d.scheme_id);
                            input type="hidden" name="month" value=(d.month.to_string());
                            @if d.fixed_base {
                                p.muted { (ctx.t("本方案按固定基数缴费，无需填写工资；共 ", "This scheme has a fixed base: no wages to give; ")) (d.lines.len()) (ctx.t(" 人。", " people.")) }
                            } @else {
                                p.muted { (ctx.t("填写每人本月工资（元）；已按上月申报的工资填好，可修改。", "Give each person's wage of the month (yuan); last month's wage is filled in, change it as needed.")) }
                                div.table-wrap {
                                    table.cards {
                                        thead { tr { th { (ctx.t("姓名", "Name")) } th { (ctx.t("身份号码", "Identity number")) } th.num { (ctx.t("本月工资（元）", "Wage (yuan)")) } } }
                                        tbody {
                                            @for line in &d.lines {
                                                @let field = format!("wage_{}", line.person.as_str());
                                                @let typed = s.typed(&field);
                                                @let value = if !typed.is_empty() { typed.to_owned() } else { line.last_wage.map(|w| w.to_string()).unwrap_or_default() };
                                                tr {
                                                    td data-label=(ctx.t("姓名", "Name")) { (line.name) }
                                                    td data-label=(ctx.t("身份号码", "Identity number")) { (line.person.masked()) }
                                                    td.num data-label=(ctx.t("本月工资（元）", "Wage (yuan)")) {
                                                        input name=(field) inputmode="decimal" required value=(value) aria-label=(format!("{} {}", line.name, ctx.t("工资", "wage"))) style="max-width:9rem";
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            button.primary #declare-submit type="submit" { (ctx.t("提交申报", "Declare")) }
                        }
                    }
                }
            }

            section.card #bills {
                h2 style="margin-top:0" { (ctx.t("账单（未结清在前）", "Bills (outstanding first)")) }
                div.table-wrap {
                    table.cards {
                        thead { tr {
                            th { (ctx.t("期间", "Period")) } th { (ctx.t("方案", "Scheme")) }
                            th.num { (ctx.t("应缴", "Amount")) } th.num { (ctx.t("未缴", "Outstanding")) }
                            th { (ctx.t("缴费期限", "Due")) } th { (ctx.t("缴费", "Pay")) }
                        } }
                        tbody {
                            @for b in &o.bills {
                                @let st = &b.status;
                                @let deferred_to = st.deferred_to;
                                @let late = st.outstanding.fen() > 0 && st.effective_due_date() < today;
                                tr id=(format!("bill-{}", st.bill_id)) {
                                    td data-label=(ctx.t("期间", "Period")) { (st.period) }
                                    td data-label=(ctx.t("方案", "Scheme")) { (state.app.scheme_name(&b.scheme_id, ctx.zh())) }
                                    td.num data-label=(ctx.t("应缴", "Amount")) { (yuan(st.amount)) }
                                    td.num data-label=(ctx.t("未缴", "Outstanding")) { (yuan(st.outstanding)) }
                                    td data-label=(ctx.t("缴费期限", "Due")) {
                                        (st.due_date) " "
                                        @if let Some(repay_by) = deferred_to {
                                            span.tag.grey.deferred { (ctx.t("缓缴，补缴截止 ", "deferred, repay by ")) (repay_by) } " "
                                        }
                                        @if late { span.tag.bad { (ctx.t("已逾期", "overdue")) } }
                                        @else if st.outstanding.fen() == 0 { span.tag { (ctx.t("已结清", "paid")) } }
                                        @else { span.tag.warn { (ctx.t("待缴", "to pay")) } }
                                    }
                                    td data-label=(ctx.t("缴费", "Pay")) {
                                        @if st.outstanding.fen() > 0 {
                                            @let pe = s.error(Which::Pay(st.bill_id));
                                            form.inline method="post" action="/employer/pay" {
                                                (session::csrf_field(ctx))
                                                input type="hidden" name="bill_id" value=(st.bill_id);
                                                input name="amount" inputmode="decimal" value=(st.outstanding.to_string()) aria-label=(ctx.t("缴费金额（元）", "Amount to pay (yuan)")) style="max-width:8rem";
                                                " " button.primary type="submit" { (ctx.t("在线缴费", "Pay online")) }
                                            }
                                            (form_error(ctx, pe, &[]))
                                        }
                                    }
                                }
                            }
                            @if o.bills.is_empty() { tr { td colspan="6" .muted { (ctx.t("没有账单。", "No bills.")) } } }
                        }
                    }
                }
            }

            section.card #people {
                h2 style="margin-top:0" { (ctx.t("本单位参保人员", "People enrolled by the unit")) }
                (enrol_form(ctx, state, l, s))
                div.table-wrap {
                    table.cards {
                        thead { tr { th { (ctx.t("姓名", "Name")) } th { (ctx.t("身份号码", "Identity number")) } th { (ctx.t("方案", "Scheme")) } th { (ctx.t("参保起始", "From")) } th { (ctx.t("终止参保", "End the enrolment")) } } }
                        tbody {
                            @for m in &l.members {
                                @let e = &m.enrollment;
                                tr {
                                    td data-label=(ctx.t("姓名", "Name")) { (m.name) }
                                    td data-label=(ctx.t("身份号码", "Identity number")) { (e.person.masked()) }
                                    td data-label=(ctx.t("方案", "Scheme")) { (state.app.scheme_name(&e.scheme_id, ctx.zh())) }
                                    td data-label=(ctx.t("参保起始", "From")) { (e.start) }
                                    td data-label=(ctx.t("终止参保", "End the enrolment")) {
                                        @if let Some(l) = e.last_day { (ctx.t("至 ", "until ")) (l) }
                                        @else {
                                            @let ee = s.error(Which::End(e.id));
                                            form.inline method="post" action="/employer/end" {
                                                (session::csrf_field(ctx))
                                                input type="hidden" name="enrollment_id" value=(e.id);
                                                input type="date" name="last_day" required aria-label=(ctx.t("最后参保日", "Last day enrolled")) style="max-width:10rem";
                                                " " button type="submit" { (ctx.t("终止", "End")) }
                                            }
                                            (form_error(ctx, ee, &[]))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }

            section.card #injury {
                h2 style="margin-top:0" { (ctx.t("报告工伤（工伤认定申请）", "Report an injury (apply for determination)")) }
                p.muted { (ctx.t("用人单位应自事故发生之日起30日内提出工伤认定申请（《工伤保险条例》第十七条）。", "The unit applies within 30 days of the accident (Art 17 of the Regulations).")) }
                @let ie = s.error(Which::Injury);
                (form_error(ctx, ie, &["person", "accident_date", "scheme_id", "ground", "materials"]))
                form.cols method="post" action="/employer/injury" {
                    (session::csrf_field(ctx))
                    div {
                        label for="injured" { (ctx.t("受伤人员", "Injured person")) }
                        select #injured name="enrollment_id" required {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            @for m in l.members.iter().filter(|m| m.enrollment.last_day.is_none()) {
                                option value=(m.enrollment.id) selected[s.typed("enrollment_id") == m.enrollment.id.to_string()] { (m.name) " · " (state.app.scheme_name(&m.enrollment.scheme_id, ctx.zh())) }
                            }
                        }
                        (field_error(ctx, ie, "person"))
                    }
                    div {
                        label for="injury_date" { (ctx.t("事故日期", "Day of the accident")) }
                        input #injury_date name="accident_date" type="date" required max=(today.to_string()) value=(s.typed("accident_date"));
                        (field_error(ctx, ie, "accident_date"))
                    }
                    div {
                        label for="ground" { (ctx.t("情形", "What happened")) }
                        select #ground name="ground" required {
                            @for (v, zh, en) in GROUNDS { option value=(v) selected[s.typed("ground") == v] { (ctx.t(zh, en)) } }
                        }
                    }
                    div.full {
                        (ctx.t("已备材料：", "Materials at hand: "))
                        @for (v, zh, en) in MATERIALS {
                            label style="display:inline;font-weight:400;margin-right:1rem" { input type="checkbox" name="materials" value=(v) checked[s.ticked("materials", v)]; (ctx.t(zh, en)) }
                        }
                    }
                    div.full { button.primary #injury-submit type="submit" { (ctx.t("提交工伤认定申请", "Apply for injury determination")) } }
                }
            }

            section.card #cases {
                h2 style="margin-top:0" { (ctx.t("本单位的工伤案件", "The unit's injury cases")) }
                @if l.cases.is_empty() { p.muted { (ctx.t("暂无。", "None.")) } }
                ul.plain {
                    @for c in &l.cases {
                        li style="padding:.3rem 0;border-bottom:1px solid var(--line)" {
                            a href=(format!("/cases/{}", c.number)) { (c.number) } " · " (c.person.masked()) " · " (c.accident_date) " · "
                            @if plain::is_refusal(c.state) { span.tag.bad { (plain::case_state(ctx, c.state)) } }
                            @else { span.tag { (plain::case_state(ctx, c.state)) } }
                            @if let Some((_, due, _)) = &c.deadline { " " span.muted { (ctx.t("下一步最迟 ", "next step by ")) (due) } }
                        }
                    }
                }
            }
        }
    }
}

/// Register and enrol in one step: the schemes whose area includes the unit.
fn enrol_form(ctx: &Ctx, state: &AppState, l: &Loaded, s: &Shown) -> Markup {
    let ee = s.error(Which::Enrol);
    let invalid = |f: &str| plain::invalid(ee, f).then_some("true");
    let today = state.app.today().to_string();
    let start = if s.typed("start").is_empty() {
        today.as_str()
    } else {
        s.typed("start")
    };
    html! {
        details open[ee.is_some()] style="margin-bottom:1rem" {
            summary { strong { (ctx.t("登记并参保新人员", "Register and enrol a person")) } }
            p.muted { (ctx.t("登记与参保一次完成：不符合参保条件时不保存任何信息。", "Registered and enrolled in one step: when the person is not eligible nothing is saved.")) }
            (form_error(ctx, ee, &["resident_id", "name", "scheme_id", "category", "start", "commitment"]))
            form.cols #enrol-form method="post" action="/employer/enrol" {
                (session::csrf_field(ctx))
                div {
                    label for="resident_id" { (ctx.t("公民身份号码", "Identity number")) }
                    input #resident_id name="resident_id" required maxlength="18" autocomplete="off" value=(s.typed("resident_id")) aria-invalid=[invalid("resident_id")] autofocus[plain::invalid(ee, "resident_id")];
                    (field_error(ctx, ee, "resident_id"))
                }
                div {
                    label for="name" { (ctx.t("姓名", "Name")) }
                    input #name name="name" required value=(s.typed("name")) aria-invalid=[invalid("name")] autofocus[plain::invalid(ee, "name")];
                    (field_error(ctx, ee, "name"))
                }
                div {
                    label for="scheme_id" { (ctx.t("保障方案", "Scheme")) }
                    select #scheme_id name="scheme_id" required {
                        @for id in &l.schemes { option value=(id) selected[s.typed("scheme_id") == id.as_str()] { (state.app.scheme_name(id, ctx.zh())) } }
                    }
                    (field_error(ctx, ee, "scheme_id"))
                }
                div {
                    label for="category" { (ctx.t("人员类别", "Category")) }
                    select #category name="category" required {
                        @for c in ["employee", "intern", "over_retirement_age", "trainee", "domestic_worker", "volunteer", "other_without_labour_relation"] {
                            @let label = parse_category(c).map(|k| super::format::category(ctx.lang, k)).unwrap_or(c);
                            option value=(c) selected[s.typed("category") == c] { (label) }
                        }
                    }
                    (field_error(ctx, ee, "category"))
                }
                div {
                    label for="start" { (ctx.t("参保起始日", "Start date")) }
                    input #start name="start" type="date" required value=(start);
                    (field_error(ctx, ee, "start"))
                }
                @for id in &l.schemes {
                    @if let (Some(text), _) = state.app.scheme_texts(id) {
                        fieldset.full.commitment data-scheme=(id) {
                            legend { (ctx.t("参保承诺", "Commitment")) (ctx.t("：", ": ")) (state.app.scheme_name(id, ctx.zh())) (ctx.t("（", " (")) (text.citation.article) (ctx.t("）", ")")) }
                            blockquote { (if ctx.zh() { &text.text_zh } else { &text.text_en }) }
                            label { input type="checkbox" name="commitment" value="on" checked[s.typed("commitment") == "on"]; (ctx.t("本单位作出上述承诺（选择此方案时必填）", "This unit makes the commitment above (required for this scheme)")) }
                            label { input type="checkbox" name="persons_informed" value="on" checked[s.typed("persons_informed") == "on"]; (ctx.t("已告知参保人员其工伤保险权利和义务", "The insured were informed of their rights and obligations")) }
                            (field_error(ctx, ee, "commitment"))
                        }
                    }
                }
                div.full { (super::registry::statements_box(ctx, state, l.schemes.iter())) }
                div.full { button.primary #enrol-submit type="submit" { (ctx.t("登记并参保", "Register and enrol")) } }
            }
        }
    }
}

fn value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn csrf_ok(ctx: &Ctx, fields: &[(String, String)]) -> Result<(), Response> {
    session::check_csrf(ctx, value(fields, "csrf_token"))
}

fn money(field: &'static str, text: &str) -> Result<Money, AppError> {
    Money::parse_yuan(text.trim()).map_err(|e| AppError::invalid(field, e.to_string()))
}

fn date(field: &'static str, text: &str) -> Result<jiff::civil::Date, AppError> {
    text.trim()
        .parse()
        .map_err(|e: jiff::Error| AppError::invalid(field, format!("{text:?}: {e}")))
}

fn ok_notice(text: String) -> Markup {
    html! { div.alert.ok #done role="status" tabindex="-1" autofocus { (text) } }
}

async fn declare(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, unit) = match posted(&ctx, &fields) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let month = Month::parse(value(&fields, "month")).ok();
    let (a, f) = (actor.clone(), fields.clone());
    let result = state
        .run(move |app| {
            let month = Month::parse(value(&f, "month"))?;
            let mut lines = Vec::new();
            for (k, v) in &f {
                if let Some(rid) = k.strip_prefix("wage_") {
                    let person = ResidentId::parse(rid)?;
                    let wage = money("declarations", v).map_err(|_| {
                        AppError::invalid(
                            "declarations",
                            format!("{v:?} is not a wage of {}", person.masked()),
                        )
                    })?;
                    lines.push((person, wage));
                }
            }
            let scheme = gongshang_rules::SchemeId::parse(value(&f, "scheme_id").trim())?;
            app.declare_month(&a, &unit, &scheme, month, &lines)
        })
        .await;
    let shown = match result {
        Ok(b) => Shown {
            month,
            notice: Some(ok_notice(if ctx.zh() {
                format!(
                    "已申报 {}：应缴 {} 元，缴费期限 {}。",
                    b.reference,
                    yuan(b.amount),
                    b.due_date
                )
            } else {
                format!(
                    "Declared ({}): {} yuan due by {}.",
                    b.reference,
                    yuan(b.amount),
                    b.due_date
                )
            })),
            ..Shown::default()
        },
        Err(e) => Shown {
            month,
            error: Some((Which::Declare, e)),
            typed: fields,
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, unit, shown).await
}

async fn pay(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, unit) = match posted(&ctx, &fields) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let bill_id: i64 = value(&fields, "bill_id").parse().unwrap_or(0);
    let (a, f) = (actor.clone(), fields.clone());
    let result = state
        .run(move |app| {
            let amount = money("amount", value(&f, "amount"))?;
            app.pay_own_bill(&a, bill_id, amount).map(|_| amount)
        })
        .await;
    let shown = match result {
        Ok(amount) => Shown {
            notice: Some(ok_notice(if ctx.zh() {
                format!("已缴费 {} 元。", yuan(amount))
            } else {
                format!("Paid {} yuan.", yuan(amount))
            })),
            ..Shown::default()
        },
        Err(e) => Shown {
            error: Some((Which::Pay(bill_id), e)),
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, unit, shown).await
}

async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, unit) = match posted(&ctx, &fields) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id: i64 = value(&fields, "enrollment_id").parse().unwrap_or(0);
    let (a, f) = (actor.clone(), fields.clone());
    let result = state
        .run(move |app| {
            let last = date("last_day", value(&f, "last_day"))?;
            app.end_enrollment(&a, id, last)
        })
        .await;
    let shown = match result {
        Ok(e) => Shown {
            notice: Some(ok_notice(if ctx.zh() {
                format!(
                    "已终止参保，最后参保日 {}。",
                    e.last_day.map(|d| d.to_string()).unwrap_or_default()
                )
            } else {
                format!(
                    "Enrolment ended; last day {}.",
                    e.last_day.map(|d| d.to_string()).unwrap_or_default()
                )
            })),
            ..Shown::default()
        },
        Err(e) => Shown {
            error: Some((Which::End(id), e)),
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, unit, shown).await
}

async fn injury(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, unit) = match posted(&ctx, &fields) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (a, f) = (actor.clone(), fields.clone());
    let result = state
        .run(move |app| {
            let id: i64 = value(&f, "enrollment_id")
                .parse()
                .map_err(|_| AppError::invalid("person", "choose the injured person"))?;
            let member = app
                .unit_members(&a, &unit)?
                .into_iter()
                .find(|m| m.enrollment.id == id)
                .ok_or_else(|| AppError::invalid("person", "choose the injured person"))?;
            let accident_date = date("accident_date", value(&f, "accident_date"))?;
            let ground = ground_of("ground", value(&f, "ground"))?;
            let ticked: Vec<&str> = f
                .iter()
                .filter(|(k, _)| k == "materials")
                .map(|(_, v)| v.as_str())
                .collect();
            let materials = materials_of(&ticked)?;
            app.file_case(
                &a,
                &FileCaseRequest {
                    number: None,
                    person: member.enrollment.person,
                    unit,
                    scheme_id: member.enrollment.scheme_id.clone(),
                    region: None,
                    applicant: ApplicantRole::Unit,
                    accident_date,
                    filed_on: None,
                    ground_claimed: ground,
                    materials,
                    accident_key: None,
                    intern_school: None,
                },
            )
        })
        .await;
    let shown = match result {
        Ok(row) => Shown {
            notice: Some(
                html! { div.alert.ok[!plain::is_refusal(row.state)] .alert.error[plain::is_refusal(row.state)] #done role="status" tabindex="-1" autofocus {
                    (ctx.t("已提交工伤认定申请 ", "Application filed: ")) a href=(format!("/cases/{}", row.number)) { (row.number) }
                    " · " (plain::case_state(&ctx, row.state))
                } },
            ),
            ..Shown::default()
        },
        Err(e) => Shown {
            error: Some((Which::Injury, e)),
            typed: fields,
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, unit, shown).await
}

async fn enrol(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (actor, unit) = match posted(&ctx, &fields) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (a, f) = (actor.clone(), fields.clone());
    let result = state
        .run(move |app| {
            let person = ResidentId::parse(value(&f, "resident_id").trim())?;
            let scheme_id = gongshang_rules::SchemeId::parse(value(&f, "scheme_id").trim())?;
            // Only the schemes offered to the unit (its area) are taken.
            if !app.schemes_for_unit(&a, &unit)?.contains(&scheme_id) {
                return Err(AppError::invalid(
                    "scheme_id",
                    format!("{scheme_id} does not cover the unit's region"),
                ));
            }
            let category = parse_category(value(&f, "category"))?;
            let start = date("start", value(&f, "start"))?;
            app.register_and_enroll(
                &a,
                value(&f, "name"),
                &EnrollRequest {
                    person,
                    unit: Some(unit),
                    scheme_id: scheme_id.clone(),
                    category,
                    start,
                    labour_relation: category == gongshang_rules::scheme::Category::Employee,
                    // 粤人社规〔2020〕55号 Art 6 (issue 17): the unit's commitment,
                    // where the scheme asks for one (the app refuses its absence).
                    commitment: match (value(&f, "commitment"), app.scheme_texts(&scheme_id).0) {
                        ("on", Some(_)) => Some(gongshang_app::CommitmentInput {
                            form: gongshang_app::model::CommitmentForm::parse(
                                match value(&f, "commitment_form") {
                                    "" => "electronic",
                                    other => other,
                                },
                            )
                            .map_err(|reason| AppError::invalid("commitment", reason))?,
                            persons_informed: value(&f, "persons_informed") == "on",
                        }),
                        _ => None,
                    },
                },
            )
        })
        .await;
    let shown = match result {
        Ok((p, _)) => Shown {
            notice: Some(ok_notice(if ctx.zh() {
                format!("已登记并参保：{}。", p.name)
            } else {
                format!("Registered and enrolled: {}.", p.name)
            })),
            ..Shown::default()
        },
        Err(e) => Shown {
            error: Some((Which::Enrol, e)),
            typed: fields,
            ..Shown::default()
        },
    };
    render(&state, &ctx, actor, unit, shown).await
}
