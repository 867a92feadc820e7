//! The clerk's day (issue 13): the home page is the work queue, the open
//! cases whose running deadline is passed, due today or due within a week,
//! with the worker's and the unit's names, searchable by name, identity
//! number, case number or unit; and the intake of an application for injury
//! determination (工伤认定申请) with its materials checklist, filed through
//! the app's `file_case`.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::{Action, Role};
use gongshang_app::cases::FileCaseRequest;
use gongshang_app::staff::{QueueEntry, WEEK_DAYS, WorkQueue};
use gongshang_domain::determination::ApplicantRole;
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_rules::scheme::ClaimProcedure;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::provisional_tag;
use super::intake::{GROUNDS, MATERIALS, ground_of, materials_of};
use super::staff_words::{at_field, at_form};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/queue", get(queue_page))
        .route("/dashboard", get(super::dashboard::page))
        .route("/cases/new", get(intake_page).post(intake))
}

/// `/`: each role's own home (the clerk's queue, the reviewer's awards
/// awaiting review; the dashboard for the others).
pub async fn home(state: State<AppState>, ctx: Ctx, q: UrlQuery<QueueParams>) -> Response {
    match ctx.viewer.role() {
        Some(Role::Clerk) => queue_page(state, ctx, q).await,
        Some(Role::Reviewer) => super::review::page(state, ctx).await,
        // The brand link and the language switch lead here: a role whose
        // work starts elsewhere is sent there, not refused the statistics.
        Some(role) if session::home(role) != "/" => {
            Redirect::to(session::home(role)).into_response()
        }
        _ => super::dashboard::page(state, ctx).await,
    }
}

#[derive(Deserialize, Default)]
pub struct QueueParams {
    #[serde(default)]
    q: Option<String>,
}

async fn queue_page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<QueueParams>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadWorkQueue) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let search = p.q.clone();
    match state
        .run(move |app| app.clerk_queue(&actor, search.as_deref()))
        .await
    {
        Ok(queue) => {
            let title = ctx.t("我的待办", "My work queue");
            respond(
                &ctx,
                title,
                queue_body(&ctx, &state, &queue, p.q.as_deref()),
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn queue_body(ctx: &Ctx, state: &AppState, q: &WorkQueue, typed: Option<&str>) -> Markup {
    html! {
        div.page-head {
            h1 { (ctx.t("我的待办", "My work queue")) }
            @if ctx.viewer.may(Action::FileCase) {
                a.button.primary href="/cases/new" { (ctx.t("受理工伤认定申请", "New injury application")) }
            }
            @if ctx.viewer.may(Action::ReadMedicalInsuranceBases) {
                " " a.button href="/medical-insurance-bases" { (ctx.t("伤残津贴医保基数", "Medical insurance bases")) }
            }
        }
        form.toolbar method="get" action="/queue" role="search" {
            label for="qq" { (ctx.t("查找案件", "Find a case")) }
            input #qq type="search" name="q" value=[typed] maxlength="100"
                placeholder=(ctx.t("姓名、身份证号、案件号或单位", "Name, identity number, case number or unit"));
            button type="submit" { (ctx.t("查找", "Search")) }
            @if q.search.is_some() { a href="/queue" { (ctx.t("清除", "Clear")) } }
        }
        @if let Some(s) = &q.search {
            p.muted { (ctx.t("在办案件中查找：", "Open cases matching: ")) strong { (s) } }
        }
        @if q.is_empty() {
            p.empty { @if q.search.is_some() { (ctx.t("没有符合的在办案件。", "No open case matches.")) } @else { (ctx.t("一周内没有到期的案件。", "Nothing is due within a week.")) } }
        }
        (section(ctx, state, "overdue", ctx.t("已逾期", "Overdue"), &q.overdue))
        (section(ctx, state, "today", ctx.t("今天到期", "Due today"), &q.today))
        (section(ctx, state, "week", &format!("{}{}{}", ctx.t("", "Due within "), WEEK_DAYS, ctx.t(" 天内到期", " days")), &q.this_week))
        (section(ctx, state, "later", ctx.t("其他在办案件", "Other open cases"), &q.later))
        (reimbursements(ctx, &q.reimbursements))
        (late_stop_reports(ctx, &q.late_stop_reports))
        (registrations(ctx, &q.registrations))
    }
}

/// Units' registration applications to complete within 10 working days of
/// their receipt (Decree 765 Arts 6, 10), the earliest due first, each with
/// its unit named.
fn registrations(ctx: &Ctx, regs: &[gongshang_app::handling::RegistrationView]) -> Markup {
    html! {
        @if !regs.is_empty() {
            section.queue #registrations {
                h2 { (ctx.t("待办理的参保登记申请", "Registration applications to complete")) " " span.count { (regs.len()) } }
                p.muted { (ctx.t("《社会保险经办条例》第六条、第十条：自收到申请之日起10个工作日内办理完毕。", "Decree 765 Arts 6, 10: completed within 10 working days of the day the application was received.")) }
                (super::handling::registrations_table(ctx, regs, true))
            }
        }
    }
}

/// Stop-benefit events told after their 20 working days (Decree 765 Art
/// 25) whose overpayment is still being recovered; each opens its case's
/// reports.
fn late_stop_reports(ctx: &Ctx, reports: &[gongshang_app::handling::StopReportView]) -> Markup {
    html! {
        @if !reports.is_empty() {
            section.queue #late-stop-reports {
                h2 { (ctx.t("逾期告知停止享受待遇情形", "Stop-benefit events reported late")) " " span.count { (reports.len()) } }
                p.muted { (ctx.t("《社会保险经办条例》第二十五条：应自情形发生之日起20个工作日内告知；情形发生后多发的待遇按第四十六条追回，追回完毕后移出本列表。", "Decree 765 Art 25: to be told within 20 working days of the event; what was paid after it is recovered under Art 46, and the report leaves this list once recovered.")) }
                (super::handling::reports_table(ctx, reports, true))
            }
        }
    }
}

/// Workers' reimbursement claims to decide within 20 working days (Decree
/// 765 Art 22), the earliest due first; each opens its case's bills.
fn reimbursements(ctx: &Ctx, claims: &[gongshang_app::cases::MedicalBillView]) -> Markup {
    html! {
        @if !claims.is_empty() {
            section.queue #reimbursements {
                h2 { (ctx.t("待核定的工伤医疗费报销申请", "Reimbursement claims to decide")) " " span.count { (claims.len()) } }
                p.muted { (ctx.t("《社会保险经办条例》第二十二条：手工报销自受理之日起20个工作日内核定。", "Decree 765 Art 22: a manual reimbursement is decided within 20 working days of its receipt.")) }
                div.table-wrap { table.cards {
                    thead { tr {
                        th { (ctx.t("案件号", "Case")) } th { (ctx.t("服务机构", "Provider")) } th.num { (ctx.t("金额（元）", "Amount (yuan)")) }
                        th { (ctx.t("受理日", "Received")) } th { (ctx.t("核定期限", "Decide by")) }
                    } }
                    tbody { @for c in claims {
                        @let b = &c.bill;
                        tr {
                            td data-label=(ctx.t("案件号", "Case")) { a href=(format!("/cases/{}/medical", c.case_number)) { code { (c.case_number) } } }
                            td data-label=(ctx.t("服务机构", "Provider")) { (b.provider_name) }
                            td.num data-label=(ctx.t("金额（元）", "Amount (yuan)")) { (super::format::yuan(b.total)) }
                            td data-label=(ctx.t("受理日", "Received")) { (b.received_on) }
                            td data-label=(ctx.t("核定期限", "Decide by")) {
                                @if let Some(due) = b.due_on { (due) (provisional_tag(ctx.lang, b.due_provisional)) " " }
                                @match c.days_left {
                                    Some(n) if n < 0 => { span.tag.bad { (ctx.t("逾期 ", "overdue by ")) (-n) (ctx.t(" 天", " days")) } }
                                    Some(0) => { span.tag.warn { (ctx.t("今天", "today")) } }
                                    Some(n) => { span.muted { (ctx.t("还有 ", "")) (n) (ctx.t(" 天", " days left")) } }
                                    None => {}
                                }
                            }
                        }
                    } }
                } }
            }
        }
    }
}

fn section(ctx: &Ctx, state: &AppState, id: &str, title: &str, rows: &[QueueEntry]) -> Markup {
    html! {
        @if !rows.is_empty() {
            section.queue #(id) {
                h2 { (title) " " span.count { (rows.len()) } }
                div.table-wrap { table.cards {
                    thead { tr {
                        th { (ctx.t("案件号", "Case")) } th { (ctx.t("受伤职工", "Worker")) } th { (ctx.t("单位", "Unit")) }
                        th { (ctx.t("办理阶段", "Stage")) } th { (ctx.t("到期事项", "What is due")) } th { (ctx.t("期限", "Due")) }
                    } }
                    tbody { @for e in rows {
                        @let r = &e.row;
                        tr {
                            td data-label=(ctx.t("案件号", "Case")) { a href=(format!("/cases/{}", r.number)) { code { (r.number) } } }
                            td data-label=(ctx.t("受伤职工", "Worker")) { (r.person_name.as_deref().unwrap_or("—")) " " span.muted { (r.person.masked()) } }
                            td data-label=(ctx.t("单位", "Unit")) { (r.unit_name.as_deref().unwrap_or("—")) }
                            td data-label=(ctx.t("办理阶段", "Stage")) { (super::cases::state_label(ctx, r.state)) " " span.muted { (state.app.scheme_name(&r.scheme_id, ctx.zh())) } }
                            td data-label=(ctx.t("到期事项", "What is due")) {
                                @if let Some((kind, _, article)) = &r.deadline { (ctx.t(kind.label_zh(), kind.label_en())) br; span.muted { (super::articles::cited(ctx, article)) } } @else { "—" }
                            }
                            td data-label=(ctx.t("期限", "Due")) {
                                @if let (Some((_, due, _)), Some(left)) = (&r.deadline, e.days_left) {
                                    (due) (provisional_tag(ctx.lang, e.provisional)) " "
                                    @if left < 0 { span.tag.bad { (ctx.t("逾期 ", "overdue by ")) (-left) (ctx.t(" 天", " days")) } }
                                    @else if left == 0 { span.tag.warn { (ctx.t("今天", "today")) } }
                                    @else { span.tag.grey { (ctx.t("剩 ", "")) (left) (ctx.t(" 天", " days left")) } }
                                } @else { span.muted { "—" } }
                            }
                        }
                    } }
                } }
            }
        }
    }
}

// ---- intake of an application -------------------------------------------------

/// The application as typed (kept as typed when the server refuses it).
#[derive(Default, Clone)]
pub struct IntakeForm {
    csrf_token: String,
    person: String,
    unit: String,
    scheme_id: String,
    applicant: String,
    accident_date: String,
    filed_on: String,
    ground_claimed: String,
    /// `determination` (the default), `confirmation` (the platform pilot's
    /// 职业伤害确认) or `claim` (an insurer's claim, 益鹭保).
    kind: String,
    platform: String,
    hospital_days: String,
    medical_expenses: String,
    /// The materials ticked, by name (a form sends a name once per box).
    materials: Vec<String>,
}

const APPLICANTS: [(&str, &str, &str); 4] = [
    ("unit", "用人单位", "the unit"),
    ("worker", "受伤职工本人", "the injured worker"),
    ("close_relative", "近亲属", "a close relative"),
    ("union", "工会组织", "the trade union"),
];

const INTAKE_FIELDS: [&str; 8] = [
    "person",
    "unit",
    "scheme_id",
    "applicant",
    "accident_date",
    "filed_on",
    "ground_claimed",
    "materials",
];

/// The three intakes, as tabs.
fn kind_tabs(ctx: &Ctx, kind: &str) -> Markup {
    html! {
        nav.tabs aria-label=(ctx.t("申请类别", "Kind of application")) {
            @for (k, zh, en) in [
                ("", "工伤认定申请", "Injury determination"),
                ("confirmation", "职业伤害确认（平台）", "Occupational-injury confirmation (platforms)"),
                ("claim", "保险理赔（益鹭保等）", "Insurer claim (益鹭保, ...)"),
            ] {
                a.button href=(if k.is_empty() { "/cases/new".to_owned() } else { format!("/cases/new?kind={k}") })
                    aria-current=[(kind == k || (k.is_empty() && kind == "determination")).then_some("page")] { (ctx.t(zh, en)) }
                " "
            }
        }
    }
}

fn intake_body(ctx: &Ctx, state: &AppState, f: &IntakeForm, error: Option<&AppError>) -> Markup {
    match f.kind.as_str() {
        "confirmation" | "claim" => return other_intake_body(ctx, state, f, error),
        _ => {}
    }
    let policy = state.app.policy();
    let mut schemes: Vec<_> = policy
        .schemes()
        .filter(|s| s.claim_procedure == ClaimProcedure::InjuryDetermination)
        .collect();
    schemes.sort_by(|a, b| a.id.cmp(&b.id));
    let invalid = |field: &str| error.is_some_and(|e| e.field() == Some(field));
    html! {
        h1 { (ctx.t("受理工伤认定申请", "New application for injury determination")) }
        (kind_tabs(ctx, &f.kind))
        p.muted { (ctx.t(
            "依据《工伤保险条例》第十七条、第十八条及《工伤认定办法》：单位应在事故之日起30日内申请，职工或其近亲属、工会组织可在1年内申请。材料不全的，先立案，再一次性书面告知补正。",
            "Regulations Arts 17-18 and the Measures: the unit applies within 30 days of the accident, the worker, a close relative or the union within a year. With materials missing the case is opened and the missing ones are requested once, in writing."
        )) }
        (at_form(ctx, &INTAKE_FIELDS, error))
        form.stack #intake method="post" action="/cases/new" novalidate {
            (session::csrf_field(ctx))
            div.cols {
                div {
                    label for="person" { (ctx.t("受伤职工身份证号", "Injured worker's identity number")) }
                    input #person name="person" value=(f.person) maxlength="18" autocomplete="off" aria-invalid=[invalid("person").then_some("true")];
                    (at_field(ctx, "person", error))
                }
                div {
                    label for="unit" { (ctx.t("用人单位统一社会信用代码", "Unit's unified social credit code")) }
                    input #unit name="unit" value=(f.unit) maxlength="18" autocomplete="off" aria-invalid=[invalid("unit").then_some("true")];
                    (at_field(ctx, "unit", error))
                }
                div {
                    label for="scheme_id" { (ctx.t("保障方案", "Scheme")) }
                    select #scheme_id name="scheme_id" aria-invalid=[invalid("scheme_id").then_some("true")] {
                        option value="" selected[f.scheme_id.is_empty()] { (ctx.t("请选择", "Please choose")) }
                        @for s in &schemes {
                            option value=(s.id) selected[s.id.as_str() == f.scheme_id] { (if ctx.zh() { &s.name_zh } else { &s.name_en }) }
                        }
                    }
                    (at_field(ctx, "scheme_id", error))
                }
                div {
                    label for="applicant" { (ctx.t("申请人", "Applicant")) }
                    select #applicant name="applicant" aria-invalid=[invalid("applicant").then_some("true")] {
                        option value="" selected[f.applicant.is_empty()] { (ctx.t("请选择", "Please choose")) }
                        @for (v, zh, en) in APPLICANTS { option value=(v) selected[f.applicant == v] { (ctx.t(zh, en)) } }
                    }
                    (at_field(ctx, "applicant", error))
                }
                div {
                    label for="accident_date" { (ctx.t("事故（或职业病诊断）日期", "Date of the accident (or diagnosis)")) }
                    input #accident_date name="accident_date" type="date" value=(f.accident_date) aria-invalid=[invalid("accident_date").then_some("true")];
                    (at_field(ctx, "accident_date", error))
                }
                div {
                    label for="filed_on" { (ctx.t("收到申请日期（空为今天）", "Day the application came in (empty: today)")) }
                    input #filed_on name="filed_on" type="date" value=(f.filed_on) aria-invalid=[invalid("filed_on").then_some("true")];
                    (at_field(ctx, "filed_on", error))
                }
            }
            div {
                label for="ground_claimed" { (ctx.t("申请认定的情形", "Ground claimed")) }
                select #ground_claimed name="ground_claimed" aria-invalid=[invalid("ground_claimed").then_some("true")] {
                    option value="" selected[f.ground_claimed.is_empty()] { (ctx.t("请选择", "Please choose")) }
                    @for (v, zh, en) in GROUNDS { option value=(v) selected[f.ground_claimed == v] { (ctx.t(zh, en)) } }
                }
                (at_field(ctx, "ground_claimed", error))
            }
            fieldset #materials {
                legend { (ctx.t("已提交的材料（条例第十八条）", "Materials handed in (Art 18)")) }
                @for (v, zh, en) in MATERIALS {
                    label.check { input type="checkbox" name="material" value=(v) checked[f.materials.iter().any(|m| m == v)]; " " (ctx.t(zh, en)) }
                }
                p.muted { (ctx.t("缺少的材料将在受理审查时一次性告知补正。", "Missing materials are requested once at the completeness review.")) }
                (at_field(ctx, "materials", error))
            }
            div { button.primary type="submit" { (ctx.t("登记申请", "Register the application")) } }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    kind: Option<String>,
}

async fn intake_page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<KindQuery>,
) -> Response {
    if let Err(r) = session::require(&ctx, Action::FileCase) {
        return r;
    }
    let title = ctx.t("受理工伤认定申请", "New injury application");
    let f = IntakeForm {
        kind: q.kind.unwrap_or_default(),
        ..IntakeForm::default()
    };
    respond(&ctx, title, intake_body(&ctx, &state, &f, None))
}

/// The form's text as the app's request; a field that does not read is
/// refused naming it (the app checks the rest).
fn request_of(f: &IntakeForm) -> Result<FileCaseRequest, AppError> {
    let need = |field: &'static str, v: &str| {
        if v.trim().is_empty() {
            Err(AppError::invalid(field, "is empty"))
        } else {
            Ok(v.trim().to_owned())
        }
    };
    let person = ResidentId::parse(&need("person", &f.person)?)
        .map_err(|e| AppError::invalid("person", e.to_string()))?;
    let unit = CreditCode::parse(&need("unit", &f.unit)?)
        .map_err(|e| AppError::invalid("unit", e.to_string()))?;
    let scheme_id = gongshang_rules::SchemeId::parse(&need("scheme_id", &f.scheme_id)?)?;
    let applicant: ApplicantRole =
        serde_json::from_value(serde_json::Value::String(need("applicant", &f.applicant)?))
            .map_err(|e| AppError::invalid("applicant", e.to_string()))?;
    let accident_date = need("accident_date", &f.accident_date)?
        .parse()
        .map_err(|e: jiff::Error| AppError::invalid("accident_date", e.to_string()))?;
    let filed_on = match f.filed_on.trim() {
        "" => None,
        d => Some(
            d.parse()
                .map_err(|e: jiff::Error| AppError::invalid("filed_on", e.to_string()))?,
        ),
    };
    let ground_claimed = ground_of(
        "ground_claimed",
        &need("ground_claimed", &f.ground_claimed)?,
    )?;
    let materials = materials_of(&f.materials)?;
    Ok(FileCaseRequest {
        number: None,
        person,
        unit,
        scheme_id,
        region: None,
        applicant,
        accident_date,
        filed_on,
        ground_claimed,
        materials,
        accident_key: None,
        intern_school: None,
    })
}

const OTHER_FIELDS: [&str; 8] = [
    "person",
    "scheme_id",
    "platform",
    "applicant",
    "accident_date",
    "filed_on",
    "hospital_days",
    "medical_expenses",
];

/// The intake of a platform pilot's confirmation or an insurer's claim.
fn other_intake_body(
    ctx: &Ctx,
    state: &AppState,
    f: &IntakeForm,
    error: Option<&AppError>,
) -> Markup {
    let confirmation = f.kind == "confirmation";
    let procedure = if confirmation {
        ClaimProcedure::OccupationalInjuryConfirmation
    } else {
        ClaimProcedure::InsurerClaim
    };
    let mut schemes: Vec<_> = state
        .app
        .policy()
        .schemes()
        .filter(|s| s.claim_procedure == procedure)
        .collect();
    schemes.sort_by(|a, b| a.id.cmp(&b.id));
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        h1 { @if confirmation { (ctx.t("受理职业伤害确认申请", "New occupational-injury confirmation")) } @else { (ctx.t("受理保险理赔申请", "New insurer claim")) } }
        (kind_tabs(ctx, &f.kind))
        p.muted { @if confirmation {
            (ctx.t("新就业形态人员职业伤害保障：事故当日须有平台订单保障；平台、本人或近亲属申请。",
                   "The platform pilot: the worker was covered by an order day on the platform; the platform, the worker or a close relative applies."))
        } @else {
            (ctx.t("按方案的赔付标准核定，受保障上限约束；事故当日须在保障期内。",
                   "Assessed by the scheme's schedule, within its cap; the worker was covered on the day."))
        } }
        (at_form(ctx, &OTHER_FIELDS, error))
        form.stack #intake method="post" action="/cases/new" novalidate {
            (session::csrf_field(ctx))
            input type="hidden" name="kind" value=(f.kind);
            div.cols {
                div {
                    label for="person" { (ctx.t("受伤人员身份证号", "Injured person's identity number")) }
                    input #person name="person" value=(f.person) maxlength="18" autocomplete="off" aria-invalid=[bad("person")];
                    (at_field(ctx, "person", error))
                }
                div {
                    label for="scheme_id" { (ctx.t("保障方案", "Scheme")) }
                    select #scheme_id name="scheme_id" aria-invalid=[bad("scheme_id")] {
                        option value="" selected[f.scheme_id.is_empty()] { (ctx.t("请选择", "Please choose")) }
                        @for s in &schemes {
                            option value=(s.id) selected[s.id.as_str() == f.scheme_id] { (if ctx.zh() { &s.name_zh } else { &s.name_en }) }
                        }
                    }
                    (at_field(ctx, "scheme_id", error))
                }
                @if confirmation {
                    div {
                        label for="platform" { (ctx.t("平台", "Platform")) }
                        select #platform name="platform" aria-invalid=[bad("platform")] {
                            option value="" selected[f.platform.is_empty()] { (ctx.t("请选择", "Please choose")) }
                            @for (id, name) in gongshang_app::PLATFORM_ALIASES {
                                option value=(id) selected[f.platform == *id] { (name) " (" (id) ")" }
                            }
                        }
                        (at_field(ctx, "platform", error))
                    }
                    div {
                        label for="applicant" { (ctx.t("申请人", "Applicant")) }
                        select #applicant name="applicant" aria-invalid=[bad("applicant")] {
                            option value="" selected[f.applicant.is_empty()] { (ctx.t("请选择", "Please choose")) }
                            @for (v, zh, en) in [("platform", "平台企业", "the platform"), ("worker", "本人", "the worker"), ("close_relative", "近亲属", "a close relative")] {
                                option value=(v) selected[f.applicant == v] { (ctx.t(zh, en)) }
                            }
                        }
                        (at_field(ctx, "applicant", error))
                    }
                }
                div {
                    label for="accident_date" { (ctx.t("事故日期", "Date of the accident")) }
                    input #accident_date name="accident_date" type="date" value=(f.accident_date) aria-invalid=[bad("accident_date")];
                    (at_field(ctx, "accident_date", error))
                }
                div {
                    label for="filed_on" { (ctx.t("收到申请日期（空为今天）", "Day the application came in (empty: today)")) }
                    input #filed_on name="filed_on" type="date" value=(f.filed_on) aria-invalid=[bad("filed_on")];
                    (at_field(ctx, "filed_on", error))
                }
                @if !confirmation {
                    div {
                        label for="hospital_days" { (ctx.t("住院天数", "Days in hospital")) }
                        input #hospital_days name="hospital_days" inputmode="numeric" value=(f.hospital_days) aria-invalid=[bad("hospital_days")];
                        (at_field(ctx, "hospital_days", error))
                    }
                    div {
                        label for="medical_expenses" { (ctx.t("医疗费用（元）", "Medical expenses (yuan)")) }
                        input #medical_expenses name="medical_expenses" inputmode="decimal" value=(f.medical_expenses) aria-invalid=[bad("medical_expenses")];
                        (at_field(ctx, "medical_expenses", error))
                    }
                }
            }
            div { button.primary type="submit" { (ctx.t("登记申请", "Register the application")) } }
        }
    }
}

/// Files a confirmation or a claim from the form, through the app.
fn file_other(
    app: &gongshang_app::App,
    actor: &gongshang_app::accounts::Actor,
    f: &IntakeForm,
) -> Result<gongshang_app::model::CaseRow, AppError> {
    let need = |field: &'static str, v: &str| {
        if v.trim().is_empty() {
            Err(AppError::invalid(field, "is empty"))
        } else {
            Ok(v.trim().to_owned())
        }
    };
    let person = ResidentId::parse(&need("person", &f.person)?)
        .map_err(|e| AppError::invalid("person", e.to_string()))?;
    let scheme_id = gongshang_rules::SchemeId::parse(&need("scheme_id", &f.scheme_id)?)?;
    let accident_date: jiff::civil::Date = need("accident_date", &f.accident_date)?
        .parse()
        .map_err(|e: jiff::Error| AppError::invalid("accident_date", e.to_string()))?;
    let filed_on = match f.filed_on.trim() {
        "" => None,
        d => Some(
            d.parse()
                .map_err(|e: jiff::Error| AppError::invalid("filed_on", e.to_string()))?,
        ),
    };
    if f.kind == "confirmation" {
        let platform = gongshang_domain::ids::PlatformId::parse(&need("platform", &f.platform)?)
            .map_err(|e| AppError::invalid("platform", e.to_string()))?;
        let applicant =
            serde_json::from_value(serde_json::Value::String(need("applicant", &f.applicant)?))
                .map_err(|e| AppError::invalid("applicant", e.to_string()))?;
        return app.file_confirmation(
            actor,
            &gongshang_app::cases::ConfirmationRequest {
                number: None,
                person,
                scheme_id,
                platform,
                region: None,
                applicant,
                accident_date,
                injured_at: None,
                filed_on,
                accident_key: None,
            },
        );
    }
    let mut facts = serde_json::Map::new();
    if !f.hospital_days.trim().is_empty() {
        let days: u32 = f
            .hospital_days
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("hospital_days", "a whole number of 0 or more"))?;
        facts.insert("hospital_days".into(), days.into());
    }
    if !f.medical_expenses.trim().is_empty() {
        let m = gongshang_rules::Money::parse_yuan(f.medical_expenses.trim())
            .map_err(|e| AppError::invalid("medical_expenses", e.to_string()))?;
        facts.insert("medical_expenses".into(), m.to_string().into());
    }
    app.file_claim(
        actor,
        &gongshang_app::cases::ClaimRequest {
            number: None,
            person,
            scheme_id,
            region: None,
            accident_date,
            injured_at: None,
            filed_on,
            accident_key: None,
            claimed: None,
            facts: (!facts.is_empty()).then_some(serde_json::Value::Object(facts)),
        },
    )
}

async fn intake(State(state): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> Response {
    let actor = match session::require(&ctx, Action::FileCase) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    // Repeated checkboxes: read the body as a list of pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut f = IntakeForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf_token" => f.csrf_token = v,
            "person" => f.person = v,
            "unit" => f.unit = v,
            "scheme_id" => f.scheme_id = v,
            "applicant" => f.applicant = v,
            "accident_date" => f.accident_date = v,
            "filed_on" => f.filed_on = v,
            "ground_claimed" => f.ground_claimed = v,
            "kind" => f.kind = v,
            "platform" => f.platform = v,
            "hospital_days" => f.hospital_days = v,
            "medical_expenses" => f.medical_expenses = v,
            "material" => f.materials.push(v),
            _ => {}
        }
    }
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let title = ctx.t("受理工伤认定申请", "New injury application");
    if matches!(f.kind.as_str(), "confirmation" | "claim") {
        let form = f.clone();
        return match state.run(move |app| file_other(app, &actor, &form)).await {
            Ok(row) => Redirect::to(&format!("/cases/{}", row.number)).into_response(),
            Err(e) => (
                super::error_status(&e),
                respond(&ctx, title, intake_body(&ctx, &state, &f, Some(&e))),
            )
                .into_response(),
        };
    }
    let req = match request_of(&f) {
        Ok(r) => r,
        Err(e) => {
            return (
                super::error_status(&e),
                respond(&ctx, title, intake_body(&ctx, &state, &f, Some(&e))),
            )
                .into_response();
        }
    };
    match state.run(move |app| app.file_case(&actor, &req)).await {
        Ok(row) => Redirect::to(&format!("/cases/{}", row.number)).into_response(),
        Err(e) => (
            super::error_status(&e),
            respond(&ctx, title, intake_body(&ctx, &state, &f, Some(&e))),
        )
            .into_response(),
    }
}
