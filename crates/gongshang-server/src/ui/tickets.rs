//! The rights-protection service centre's pages: the QR code's phone form
//! and the follow page (no login), the service points by district (no
//! login), the queue (front desk, mediators, partner bodies; a worker's or
//! unit's own tickets), a ticket's page with what its state allows, and
//! the dashboard with its CSV export.
//!
//! The forms that can be refused are not boosted by htmx: the browser shows
//! the refused form with its status (422, 409...) and the error under the
//! field, as it would without JavaScript.
//!
//! The public forms carry no CSRF token: they act for nobody (a filing by
//! the QR form is anonymous even when a session cookie is present), so a
//! forged post gains nothing a direct post would not.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::{Action, Role};
use gongshang_app::tickets::{TicketAction, TicketDashboard, TicketInput, TicketView, catalogue};
use gongshang_domain::ticket::{
    Confirmation, EscalationLevel, Phase, ReferralPurpose, ReferralReport, ReferralStatus,
    Satisfaction, SessionChannel, SessionOutcome,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::{Ctx, error_box, error_page, error_status, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/q", get(qr_form).post(qr_submit))
        .route("/q/follow", get(follow_form).post(follow))
        .route("/service-points", get(service_points))
        .route("/tickets", get(queue).post(file_at_window))
        .route("/tickets/dashboard", get(dashboard))
        .route("/tickets/dashboard.csv", get(dashboard_csv))
        .route("/tickets/dashboard.xlsx", get(dashboard_xlsx))
        .route("/tickets/escalate", post(escalate))
        .route("/tickets/{number}", get(ticket_page).post(ticket_command))
        .route("/tickets/{number}/papers/{kind}", get(paper))
}

/// The error under the field it concerns, in the page's language.
fn field_error(ctx: &Ctx, error: Option<&AppError>, field: &str) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| e.field() == Some(field)) {
            p.field-error role="alert" id=(format!("{field}-error")) { (error_text(ctx, e)) }
        }
    }
}

/// What went wrong, said for a person: the common cases in Chinese, the
/// detail after.
fn error_text(ctx: &Ctx, e: &AppError) -> String {
    let what = match (e.code(), e.field()) {
        ("invalid_input" | "invalid", Some("summary")) => {
            ctx.t("请写明遇到的问题", "Say what happened")
        }
        ("invalid" | "invalid_input", Some("complainant_name")) => ctx.t(
            "请填写姓名（100字以内）",
            "Give a name (at most 100 characters)",
        ),
        ("invalid", Some("complainant_phone")) => ctx.t(
            "电话号码应为5至20位数字",
            "A phone number has 5 to 20 digits",
        ),
        ("input_out_of_range", Some("category")) => ctx.t("请选择诉求类别", "Choose a category"),
        ("identifier_invalid", Some(_)) => ctx.t("号码校验不通过", "The number does not check"),
        ("invalid_input", Some("resolution")) => ctx.t("请填写办理结果", "Write the resolution"),
        ("invalid_input", Some("agreement")) => ctx.t("请填写协议内容", "Write the agreement"),
        _ => "",
    };
    // The person's language when we have the words; the error's own
    // (English) message otherwise.
    if what.is_empty() {
        e.to_string()
    } else {
        what.to_owned()
    }
}

fn category_options(ctx: &Ctx, selected: &str) -> Markup {
    html! {
        option value="" selected[selected.is_empty()] { (ctx.t("请选择", "Choose")) }
        @for c in &catalogue().categories {
            option value=(c.key) selected[c.key == selected] { (if ctx.zh() { &c.name_zh } else { &c.name_en }) }
        }
    }
}

fn district_options(selected: &str) -> Markup {
    const DISTRICTS: [&str; 6] = ["思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区"];
    html! {
        option value="" selected[selected.is_empty()] { "—" }
        @for d in DISTRICTS { option value=(d) selected[d == selected] { (d) } }
    }
}

fn state_tag(ctx: &Ctx, p: Phase) -> Markup {
    let class = match p {
        Phase::Closed => "tag grey",
        Phase::Settled => "tag",
        Phase::Referred => "tag warn",
        _ => "tag",
    };
    html! { span class=(class) { (if ctx.zh() { p.name_zh() } else { p.name_en() }) } }
}

// ---- the QR code's phone form ------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
pub struct QrForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    complainant_name: String,
    #[serde(default)]
    complainant_phone: String,
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    sensitive: Option<String>,
    /// Staff filing at the window: window or phone.
    #[serde(default)]
    channel: String,
    #[serde(default)]
    unit: String,
    /// What the ticket is about (signed-in filers only): a case number, a
    /// bill's reference or an enrolment's number.
    #[serde(default)]
    case_number: String,
    #[serde(default)]
    bill: String,
    #[serde(default)]
    enrollment: String,
    #[serde(default)]
    csrf_token: String,
}

impl QrForm {
    fn input(&self) -> TicketInput {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        TicketInput {
            channel: some(&self.channel),
            category: self.category.clone(),
            summary: self.summary.clone(),
            complainant_name: self.complainant_name.clone(),
            complainant_phone: some(&self.complainant_phone),
            resident_id: some(&self.resident_id),
            unit: some(&self.unit),
            platform: some(&self.platform),
            district: some(&self.district),
            industry: None,
            case_number: some(&self.case_number),
            bill: some(&self.bill),
            enrollment: some(&self.enrollment),
            sensitive: self.sensitive.is_some(),
        }
    }
}

fn qr_form_markup(ctx: &Ctx, f: &QrForm, error: Option<&AppError>) -> Markup {
    let shown = |field: &str| error.is_some_and(|e| e.field() == Some(field));
    html! {
        section.phone #qr {
            h1 { (ctx.t("新就业形态劳动者权益服务", "Rights service for platform workers")) }
            p.muted { (ctx.t("提交后会得到诉求编号和查询码，凭此查看办理进度，无需登录。",
                             "You get a ticket number and a lookup code to follow it, no login needed.")) }
            @if let Some(e) = error.filter(|e| e.field().is_none() || !["category", "summary", "complainant_name", "complainant_phone", "resident_id", "district"].contains(&e.field().unwrap_or(""))) {
                (error_box(ctx, e))
            }
            form.stack.card method="post" action="/q" novalidate hx-boost="false" {
                label for="category" { (ctx.t("诉求类别", "Category")) }
                select #category name="category" required aria-invalid=[shown("category").then_some("true")] { (category_options(ctx, &f.category)) }
                (field_error(ctx, error, "category"))
                label for="summary" { (ctx.t("遇到的问题", "What happened")) }
                textarea #summary name="summary" rows="4" required maxlength="4000" aria-invalid=[shown("summary").then_some("true")] { (f.summary) }
                (field_error(ctx, error, "summary"))
                label for="complainant_name" { (ctx.t("姓名", "Name")) }
                input #complainant_name name="complainant_name" required maxlength="100" autocomplete="name" value=(f.complainant_name) aria-invalid=[shown("complainant_name").then_some("true")];
                (field_error(ctx, error, "complainant_name"))
                label for="complainant_phone" { (ctx.t("联系电话", "Phone")) }
                input #complainant_phone name="complainant_phone" type="tel" inputmode="tel" autocomplete="tel" value=(f.complainant_phone) aria-invalid=[shown("complainant_phone").then_some("true")];
                (field_error(ctx, error, "complainant_phone"))
                label for="resident_id" { (ctx.t("公民身份号码", "Identity number")) " " span.hint { (ctx.t("（选填）", "(optional)")) } }
                input #resident_id name="resident_id" maxlength="18" autocomplete="off" value=(f.resident_id);
                (field_error(ctx, error, "resident_id"))
                label for="platform" { (ctx.t("平台或单位", "Platform or employer")) " " span.hint { (ctx.t("（选填）", "(optional)")) } }
                input #platform name="platform" maxlength="60" value=(f.platform);
                label for="district" { (ctx.t("所在区", "District")) }
                select #district name="district" { (district_options(&f.district)) }
                (field_error(ctx, error, "district"))
                label { input type="checkbox" name="sensitive" value="on" checked[f.sensitive.is_some()]; (ctx.t("对单位或平台保密我的身份（我同意后才告知）", "Keep my identity from the employer or platform until I agree")) }
                button.primary type="submit" { (ctx.t("提交诉求", "Submit")) }
            }
            p { a href="/q/follow" { (ctx.t("查询办理进度", "Follow a ticket")) } " · " a href="/service-points" { (ctx.t("附近服务点", "Service points near you")) } }
        }
    }
}

async fn qr_form(ctx: Ctx) -> Response {
    respond(
        &ctx,
        ctx.t("提交诉求", "Ask for help"),
        qr_form_markup(&ctx, &QrForm::default(), None),
    )
}

async fn qr_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    client: crate::auth::ClientAddr,
    Form(f): Form<QrForm>,
) -> Response {
    if let Err(wait) = state.filings.begin(client.0, state.app.now()) {
        let minutes = wait.div_ceil(60);
        let notice = if ctx.zh() {
            format!(
                "此网络提交的诉求过多，请{minutes}分钟后再试，或到服务中心窗口、拨打服务电话求助。"
            )
        } else {
            format!(
                "Too many tickets were filed from this network; try again in {minutes} min, or ask at the centre's window or by phone."
            )
        };
        return (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [(axum::http::header::RETRY_AFTER, wait.to_string())],
            respond(
                &ctx,
                ctx.t("提交诉求", "Ask for help"),
                html! {
                    div.alert.error role="alert" #qr-throttled { (notice) }
                    (qr_form_markup(&ctx, &f, None))
                },
            ),
        )
            .into_response();
    }
    let input = f.input();
    match state.run(move |app| app.submit_qr_ticket(&input)).await {
        Ok(filed) => respond(
            &ctx,
            ctx.t("已提交", "Submitted"),
            html! {
                section.phone #qr-done {
                    div.cover role="status" {
                        div { (ctx.t("诉求已登记", "Your ticket is filed")) }
                        div.big #ticket-number { (filed.number) }
                        div { (ctx.t("查询码", "Lookup code")) " " strong #lookup-code { (filed.lookup_code) } }
                    }
                    p { (ctx.t("请保存编号和查询码：查询码只显示这一次。", "Keep the number and the code: the code is shown only once.")) }
                    @if let Some(d) = filed.ticket.deadlines.first() {
                        p { (ctx.t("中心将在以下日期前受理：", "The centre accepts it by: ")) strong { (d.due) } br; span.hint { (d.citation) } }
                    }
                    form.stack method="post" action="/q/follow" hx-boost="false" {
                        input type="hidden" name="number" value=(filed.number);
                        input type="hidden" name="lookup_code" value=(filed.lookup_code);
                        button.primary type="submit" { (ctx.t("查看进度", "See progress")) }
                    }
                }
            },
        ),
        Err(e) => {
            let status = error_status(&e);
            (
                status,
                respond(
                    &ctx,
                    ctx.t("提交诉求", "Ask for help"),
                    qr_form_markup(&ctx, &f, Some(&e)),
                ),
            )
                .into_response()
        }
    }
}

// ---- following a ticket without a login --------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    lookup_code: String,
}

fn follow_form_markup(ctx: &Ctx, f: &FollowForm, error: Option<&AppError>) -> Markup {
    html! {
        section.phone {
            h1 { (ctx.t("查询诉求进度", "Follow a ticket")) }
            form.stack.card method="post" action="/q/follow" hx-boost="false" {
                label for="number" { (ctx.t("诉求编号", "Ticket number")) }
                input #number name="number" required value=(f.number) autocomplete="off";
                label for="lookup_code" { (ctx.t("查询码", "Lookup code")) }
                input #lookup_code name="lookup_code" required value=(f.lookup_code) autocomplete="off" autocapitalize="characters";
                @if error.is_some() {
                    p.field-error role="alert" { (ctx.t("编号或查询码不正确", "The number or the code is not right")) }
                }
                button.primary type="submit" { (ctx.t("查询", "Look up")) }
            }
        }
    }
}

async fn follow_form(ctx: Ctx) -> Response {
    respond(
        &ctx,
        ctx.t("查询进度", "Follow a ticket"),
        follow_form_markup(&ctx, &FollowForm::default(), None),
    )
}

async fn follow(State(state): State<AppState>, ctx: Ctx, Form(f): Form<FollowForm>) -> Response {
    let (n, c) = (f.number.clone(), f.lookup_code.clone());
    match state.run(move |app| app.follow_ticket(&n, &c)).await {
        Ok(v) => respond(
            &ctx,
            &v.row.number.clone(),
            html! { section.phone { (ticket_summary(&ctx, &v)) } },
        ),
        Err(e) => (
            error_status(&e),
            respond(
                &ctx,
                ctx.t("查询进度", "Follow a ticket"),
                follow_form_markup(&ctx, &f, Some(&e)),
            ),
        )
            .into_response(),
    }
}

/// What the person who filed sees: state, deadlines, sessions, referrals,
/// the agreement and the resolution.
fn ticket_summary(ctx: &Ctx, v: &TicketView) -> Markup {
    let r = &v.row;
    html! {
        div.card #ticket {
            h1 { (r.number) " " (state_tag(ctx, r.state)) }
            dl.facts {
                dt { (ctx.t("类别", "Category")) } dd { (if ctx.zh() { &v.category_name_zh } else { &v.category_name_en }) }
                dt { (ctx.t("登记日期", "Filed on")) } dd { (r.filed_on) }
                dt { (ctx.t("问题", "Summary")) } dd { (r.summary) }
                @if let Some(x) = v.referrals.iter().rev().find(|x| x.purpose == ReferralPurpose::Dispute) {
                    dt { (ctx.t("转介至", "Referred to")) } dd { (body_name(ctx, &x.body)) " · " (referral_status(ctx, x)) }
                }
                @if let Some(x) = v.referrals.iter().rev().find(|x| x.purpose == ReferralPurpose::Review) {
                    dt { (ctx.t("协议审查", "Agreement review")) }
                    dd #review-result { (body_name(ctx, &x.body)) " · " strong { (referral_status(ctx, x)) }
                        @if let Some(o) = &x.outcome { br; span.hint { (o) } } }
                }
                @if let Some((on, text, _)) = &v.agreement {
                    dt { (ctx.t("调解协议", "Agreement")) } dd { (text) " (" (on) ")" }
                }
                @if let Some(res) = &v.resolution {
                    dt { (ctx.t("办理结果", "Resolution")) } dd #resolution { (res) }
                }
            }
            @if !v.deadlines.is_empty() {
                h2 { (ctx.t("办理时限", "Time limits")) }
                ul.plain {
                    @for d in &v.deadlines {
                        li { (if ctx.zh() { d.kind.name_zh() } else { d.kind.name_en() }) (ctx.t("：", ": ")) strong.due { (d.due) } " " span.hint { (d.citation) } }
                    }
                }
            }
            h2 { (ctx.t("办理经过", "History")) }
            ol {
                @for h in &v.history { li { (h.on) " " (event_label(ctx, &h.kind)) } }
            }
        }
    }
}

fn body_name(ctx: &Ctx, key: &str) -> String {
    catalogue().body(key).map_or(key.to_owned(), |b| {
        if ctx.zh() {
            b.name_zh.clone()
        } else {
            b.name_en.clone()
        }
    })
}

/// A referral's status in words; a review's answer says confirmed or not.
fn referral_status(ctx: &Ctx, x: &gongshang_app::model::ReferralRow) -> &'static str {
    match (x.status, x.confirmed) {
        (_, Some(true)) => ctx.t("协议已确认", "agreement confirmed"),
        (_, Some(false)) => ctx.t("协议未获确认", "agreement not confirmed"),
        (ReferralStatus::Referred, _) => ctx.t("已转送，待受理", "sent, awaiting acceptance"),
        (s, _) => ctx.t(s.name_zh(), s.name_en()),
    }
}

/// What the ticket is about, linked to its page for whoever may open it.
fn subject_link(ctx: &Ctx, kind: gongshang_app::model::SubjectKind, key: &str) -> Markup {
    use gongshang_app::model::SubjectKind;
    let worker = ctx.viewer.role() == Some(Role::Worker);
    let (label, href) = match kind {
        SubjectKind::Case => (
            ctx.t("关联案件", "About the case"),
            if worker {
                format!("/me/cases/{key}")
            } else {
                format!("/cases/{key}")
            },
        ),
        SubjectKind::Bill => (
            ctx.t("关联账单", "About the bill"),
            if worker {
                "/me".to_owned()
            } else {
                format!("/bills?q={}", super::registry::urlencode(key))
            },
        ),
        SubjectKind::Enrollment => (
            ctx.t("关联参保记录", "About the enrolment"),
            if worker {
                "/me".to_owned()
            } else {
                format!("/enrollments/{key}")
            },
        ),
    };
    html! {
        dt { (label) }
        dd #ticket-subject { a href=(href) { code { (key) } } }
    }
}

fn event_label<'a>(ctx: &Ctx, kind: &'a str) -> &'a str {
    match kind {
        "filed" => ctx.t("登记", "filed"),
        "triaged" => ctx.t("受理", "accepted"),
        "session_recorded" => ctx.t("调解", "mediation session"),
        "mediation_extended" => ctx.t("延长调解期", "mediation extended"),
        "referred" => ctx.t("转介", "referred"),
        "referral_reported" => ctx.t("转介单位反馈", "the body reported"),
        "review_requested" => ctx.t("调解协议送审查确认", "agreement sent for review"),
        "settled" => ctx.t("达成调解协议", "settled"),
        "closed" => ctx.t("办结", "closed"),
        "reopened" => ctx.t("重新办理", "reopened"),
        "escalated" => ctx.t("时限预警", "escalated"),
        "disclosure_consented" => ctx.t("同意向对方披露身份", "agreed to be shown"),
        other => other,
    }
}

// ---- service points -----------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct DistrictQuery {
    district: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

async fn service_points(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<DistrictQuery>,
) -> Response {
    let district = q.district.clone().unwrap_or_default();
    let points = state.app.service_points(Some(&district));
    respond(
        &ctx,
        ctx.t("服务点", "Service points"),
        html! {
            section.phone {
                h1 { (ctx.t("服务点", "Service points")) }
                form.toolbar method="get" action="/service-points" {
                    select name="district" aria-label=(ctx.t("所在区", "District")) { (district_options(&district)) }
                    button type="submit" { (ctx.t("查找", "Find")) }
                }
                @for p in &points {
                    div.card {
                        strong { (if ctx.zh() { &p.name_zh } else { &p.name_en }) }
                        div { span.tag { (if ctx.zh() { p.kind.name_zh() } else { p.kind.name_en() }) } " " (p.district) }
                        div { (p.address) }
                        div.muted { (p.hours) }
                        @if p.status != gongshang_domain::ticket::catalogue::ValueStatus::Confirmed {
                            div.hint { (ctx.t("示例信息，以中心公布为准", "Example data; the centre's list prevails")) }
                        }
                    }
                }
            }
        },
    )
}

// ---- the queue ----------------------------------------------------------------

/// `/tickets?bill=REF#file` and the like: the form prefilled with what the
/// ticket is about (from the bill's, the enrolment's or the case's page).
#[derive(Debug, Default, Deserialize)]
pub struct AboutQuery {
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    bill: Option<String>,
    #[serde(default)]
    enrollment: Option<String>,
    #[allow(dead_code)]
    #[serde(default)]
    lang: Option<String>,
}

async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(about): UrlQuery<AboutQuery>,
) -> Response {
    let prefilled = QrForm {
        case_number: about.case.unwrap_or_default(),
        bill: about.bill.unwrap_or_default(),
        enrollment: about.enrollment.unwrap_or_default(),
        ..QrForm::default()
    };
    let user = match session::require(&ctx, Action::ReadTickets) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let actor = user.actor();
    let rows = match state
        .run(move |app| app.ticket_list(&actor, true, 500))
        .await
    {
        Ok(r) => r,
        Err(e) => return error_page(&ctx, &e),
    };
    let today = state.app.today();
    let role = ctx.viewer.role();
    let title = match role {
        Some(Role::Partner) => ctx.t("转介收件箱", "Referral inbox"),
        Some(Role::FrontDesk) => ctx.t("受理队列", "Front desk queue"),
        Some(Role::Mediator) => ctx.t("调解队列", "Mediation queue"),
        _ => ctx.t("诉求", "Tickets"),
    };
    respond(
        &ctx,
        title,
        html! {
            h1 { (title) }
            div.toolbar {
                @if ctx.viewer.may(Action::EscalateTickets) {
                    form.inline method="post" action="/tickets/escalate" {
                        (session::csrf_field(&ctx))
                        button type="submit" { (ctx.t("检查时限并预警", "Escalate near and overdue")) }
                    }
                }
                @if ctx.viewer.may(Action::ReadTicketStatistics) {
                    a.button href="/tickets/dashboard" { (ctx.t("统计", "Dashboard")) }
                }
                a.button href="/q" { (ctx.t("扫码表单", "QR form")) }
            }
            div.table-wrap {
                table #ticket-queue {
                    thead { tr {
                        th { (ctx.t("编号", "Number")) } th { (ctx.t("类别", "Category")) } th { (ctx.t("状态", "State")) }
                        th { (ctx.t("渠道", "Channel")) } th { (ctx.t("申请人", "Complainant")) } th { (ctx.t("时限", "Due")) }
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td { a href=(format!("/tickets/{}", r.number)) { (r.number) } }
                                td { (catalogue().category(&r.category).map_or(r.category.clone(), |c| if ctx.zh() { c.name_zh.clone() } else { c.name_en.clone() })) }
                                td { (state_tag(&ctx, r.state)) }
                                td { (if ctx.zh() { r.channel.name_zh() } else { r.channel.name_en() }) }
                                td { @if r.sensitive && !r.disclosed && role == Some(Role::Unit) { (ctx.t("（申请人信息已保护）", "(the complainant is protected)")) } @else { (r.complainant_name) } }
                                td {
                                    @if let Some(d) = &r.deadline {
                                        @let overdue = d.due < today;
                                        span class=(if overdue { "tag bad" } else if r.escalation.is_some() { "tag warn" } else { "tag grey" }) { (d.due) }
                                        " " span.hint { (if ctx.zh() { d.kind.name_zh() } else { d.kind.name_en() }) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if ctx.viewer.may(Action::FileTicket) && matches!(role, Some(Role::FrontDesk | Role::Administrator | Role::Clerk)) {
                h2 { (ctx.t("窗口或电话登记", "File at the window or by phone")) }
                (window_form(&ctx, &prefilled, None))
            }
            @if ctx.viewer.may(Action::FileTicket) && own_filer(&ctx).is_some() {
                h2 { (ctx.t("提交诉求：咨询、投诉或争议", "Ask for help: a question, a complaint or a dispute")) }
                (window_form(&ctx, &prefilled, None))
            }
        },
    )
}

/// Whose form it is: staff file for a caller (the channel chosen); a
/// worker or a unit files for themself from their own page (the app takes
/// their identity from the login, so the form does not ask for it).
fn own_filer(ctx: &Ctx) -> Option<Role> {
    ctx.viewer
        .role()
        .filter(|r| matches!(r, Role::Worker | Role::Unit))
}

/// A case, bill or enrolment that is not there or not the filer's, said
/// for a person (not found, to a worker or a unit, also means not theirs).
fn subject_error(ctx: &Ctx, error: Option<&AppError>) -> Option<&'static str> {
    match error? {
        AppError::NotFound { entity: "case", .. } => Some(ctx.t(
            "找不到这个案件编号，或不是您的案件",
            "No such case number, or not your case",
        )),
        AppError::NotFound { entity: "bill", .. } => Some(ctx.t(
            "找不到这个账单号，或不是您的账单",
            "No such bill reference, or not your bill",
        )),
        AppError::NotFound {
            entity: "enrollment",
            ..
        } => Some(ctx.t(
            "找不到这条参保记录，或不是您的参保记录",
            "No such enrolment, or not yours",
        )),
        e if e.field() == Some("subject") => Some(ctx.t(
            "一件诉求只能关联一个案件、账单或参保记录",
            "A ticket is about one case, bill or enrolment at most",
        )),
        _ => None,
    }
}

fn window_form(ctx: &Ctx, f: &QrForm, error: Option<&AppError>) -> Markup {
    let own = own_filer(ctx);
    html! {
        form.cols.card #file method="post" action="/tickets" hx-boost="false" {
            (session::csrf_field(ctx))
            @if own.is_none() {
            div { label for="w-channel" { (ctx.t("渠道", "Channel")) }
                select #w-channel name="channel" { option value="window" { (ctx.t("窗口", "Window")) } option value="phone" selected[f.channel == "phone"] { (ctx.t("电话（代为登记）", "Phone (on the caller's behalf)")) } } }
            }
            div { label for="w-category" { (ctx.t("诉求类别", "Category")) }
                select #w-category name="category" { (category_options(ctx, &f.category)) } (field_error(ctx, error, "category")) }
            div { label for="w-name" { (ctx.t("申请人姓名", "Complainant")) }
                input #w-name name="complainant_name" value=(f.complainant_name); (field_error(ctx, error, "complainant_name")) }
            div { label for="w-phone" { (ctx.t("电话", "Phone")) }
                input #w-phone name="complainant_phone" value=(f.complainant_phone); (field_error(ctx, error, "complainant_phone")) }
            @if own != Some(Role::Worker) {
            div { label for="w-rid" { (if own == Some(Role::Unit) { ctx.t("涉及职工的身份号码", "The worker's identity number") } else { ctx.t("公民身份号码", "Identity number") }) }
                input #w-rid name="resident_id" value=(f.resident_id); (field_error(ctx, error, "resident_id")) }
            }
            div { label for="w-unit" { (ctx.t("对方单位信用代码", "Other party's credit code")) }
                input #w-unit name="unit" value=(f.unit); (field_error(ctx, error, "unit")) }
            div { label for="w-district" { (ctx.t("所在区", "District")) } select #w-district name="district" { (district_options(&f.district)) } }
            div { label for="w-platform" { (ctx.t("平台", "Platform")) } input #w-platform name="platform" value=(f.platform); }
            div { label for="w-case" { (ctx.t("关于案件（编号）", "About a case (number)")) } span.hint { (ctx.t("（选填）", "(optional)")) }
                input #w-case name="case_number" value=(f.case_number); (field_error(ctx, error, "case_number")) }
            div { label for="w-bill" { (ctx.t("关于账单（账单号）", "About a bill (reference)")) } span.hint { (ctx.t("（选填）", "(optional)")) }
                input #w-bill name="bill" value=(f.bill); (field_error(ctx, error, "bill")) }
            div { label for="w-enrollment" { (ctx.t("关于参保记录（编号）", "About an enrolment (number)")) } span.hint { (ctx.t("（选填）", "(optional)")) }
                input #w-enrollment name="enrollment" value=(f.enrollment); (field_error(ctx, error, "enrollment")) }
            @if let Some(text) = subject_error(ctx, error) {
                div.full { p.field-error role="alert" #subject-error { (text) } }
            }
            div.full { label for="w-summary" { (ctx.t("诉求内容", "Summary")) }
                textarea #w-summary name="summary" rows="3" { (f.summary) } (field_error(ctx, error, "summary")) }
            div.full { label { input type="checkbox" name="sensitive" value="on" checked[f.sensitive.is_some()]; (ctx.t("对被投诉方保密申请人身份", "Hide the complainant from the other party")) } }
            div.full { button.primary type="submit" { (ctx.t("登记", "File")) } }
        }
    }
}

async fn file_at_window(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<QrForm>,
) -> Response {
    let user = match session::require(&ctx, Action::FileTicket) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let actor = user.actor();
    let input = f.input();
    match state.run(move |app| app.file_ticket(&actor, &input)).await {
        Ok(filed) => Redirect::to(&format!("/tickets/{}", filed.number)).into_response(),
        Err(e) => (
            error_status(&e),
            respond(
                &ctx,
                ctx.t("登记诉求", "File a ticket"),
                html! {
                    h1 { (ctx.t("登记诉求", "File a ticket")) }
                    @if e.field().is_none() && subject_error(&ctx, Some(&e)).is_none() { (error_box(&ctx, &e)) }
                    (window_form(&ctx, &f, Some(&e)))
                },
            ),
        )
            .into_response(),
    }
}

async fn escalate(State(state): State<AppState>, ctx: Ctx, Form(f): Form<CsrfOnly>) -> Response {
    let user = match session::require(&ctx, Action::EscalateTickets) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let actor = user.actor();
    match state.run(move |app| app.escalate_tickets(&actor)).await {
        Ok(run) => respond(
            &ctx,
            ctx.t("时限预警", "Escalation"),
            html! {
                h1 { (ctx.t("时限预警", "Escalation")) }
                p #escalation-result { (ctx.t("检查", "Checked")) " " (run.checked) " · " (ctx.t("预警", "escalated")) " " (run.escalated.len()) }
                ul { @for (n, k, l, d) in &run.escalated {
                    li { a href=(format!("/tickets/{n}")) { (n) } " " (if ctx.zh() { k.name_zh() } else { k.name_en() }) " " (d) " "
                        span class=(if *l == EscalationLevel::Overdue { "tag bad" } else { "tag warn" }) { (if *l == EscalationLevel::Overdue { ctx.t("已超期", "overdue") } else { ctx.t("临近", "near") }) } }
                } }
                a href="/tickets" { (ctx.t("返回队列", "Back to the queue")) }
            },
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

// ---- a ticket's page ------------------------------------------------------------

async fn ticket_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Response {
    let user = match session::require(&ctx, Action::ReadTickets) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let actor = user.actor();
    match state.run(move |app| app.ticket(&actor, &number)).await {
        Ok(v) => respond(
            &ctx,
            &v.row.number.clone(),
            ticket_body(&ctx, &state, &v, None),
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

fn ticket_body(ctx: &Ctx, state: &AppState, v: &TicketView, error: Option<&AppError>) -> Markup {
    let r = &v.row;
    let today = state.app.today();
    let may = |a| ctx.viewer.may(a);
    let phase = r.state;
    let open = phase != Phase::Closed;
    let action_url = format!("/tickets/{}", r.number);
    let form = |command: &str, inner: Markup, button: &str| {
        html! {
            form.stack.card method="post" action=(action_url) hx-boost="false" {
                (session::csrf_field(ctx))
                input type="hidden" name="command" value=(command);
                (inner)
                button.primary type="submit" { (button) }
            }
        }
    };
    let review_running = r.state == Phase::Settled
        && v.referrals
            .last()
            .is_some_and(|x| x.purpose == ReferralPurpose::Review && x.status.is_pending());
    let review_wanted = v
        .agreement
        .as_ref()
        .map(|(_, _, c)| *c)
        .filter(|c| *c != Confirmation::None);
    let review_done = v
        .referrals
        .iter()
        .any(|x| x.purpose == ReferralPurpose::Review && x.confirmed == Some(true));
    let referral_running =
        r.state == Phase::Referred && v.referrals.last().is_some_and(|x| x.status.is_pending());
    html! {
        (ticket_summary(ctx, v))
        @if let Some(e) = error { (error_box(ctx, e)) }
        div.card {
            dl.facts {
                dt { (ctx.t("申请人", "Complainant")) } dd #complainant { @if v.complainant_hidden { (ctx.t("（申请人信息已保护）", "(the complainant is protected until they agree)")) } @else { (r.complainant_name) } @if let Some(p) = &r.complainant_phone { " · " (p) } }
                @if let Some(u) = &r.unit { dt { (ctx.t("对方单位", "Other party")) } dd { code { (u.as_str()) } } }
                @if let Some(p) = &r.platform { dt { (ctx.t("平台", "Platform")) } dd { (p) } }
                @if let Some(d) = &r.district { dt { (ctx.t("区", "District")) } dd { (d) } }
                dt { (ctx.t("渠道", "Channel")) } dd { (if ctx.zh() { r.channel.name_zh() } else { r.channel.name_en() }) }
                @if let Some((kind, key)) = &r.subject { (subject_link(ctx, *kind, key)) }
                @if r.sensitive { dt { (ctx.t("身份保护", "Identity")) } dd { (if r.disclosed { ctx.t("已同意披露", "disclosed with consent") } else { ctx.t("对被投诉方保密", "hidden from the other party") }) } }
            }
            @if !v.sessions.is_empty() {
                h2 { (ctx.t("调解记录", "Mediation sessions")) }
                table { thead { tr { th { (ctx.t("日期", "Date")) } th { (ctx.t("调解员", "Mediator")) } th { (ctx.t("方式", "Channel")) } th { (ctx.t("结果", "Outcome")) } } }
                    tbody { @for s in &v.sessions { tr { td { (s.held_on) } td { (s.mediator) } td { (ctx.t(s.channel.name_zh(), s.channel.name_en())) } td { (ctx.t(s.outcome.name_zh(), s.outcome.name_en())) } } } } }
            }
            @if !v.referrals.is_empty() {
                h2 { (ctx.t("转介记录", "Referrals")) }
                div.table-wrap { table #referrals { thead { tr { th { (ctx.t("单位", "Body")) } th { (ctx.t("事由", "For")) } th { (ctx.t("转介日", "Referred")) } th { (ctx.t("预约日", "Appointment")) } th { (ctx.t("状态", "Status")) } th { (ctx.t("结果", "Outcome")) } } }
                    tbody { @for x in &v.referrals { tr {
                        td { (body_name(ctx, &x.body)) }
                        td { (if x.purpose == ReferralPurpose::Review { ctx.t("调解协议审查确认", "agreement review") } else { ctx.t("转介办理", "referral") }) }
                        td { (x.referred_on) } td { (x.appointment_on) }
                        td.referral-status { (referral_status(ctx, x)) }
                        td { (x.outcome.clone().unwrap_or_default()) }
                    } } } } }
            }
            p.papers {
                (ctx.t("文书：", "Papers: "))
                @for (kind, zh, en, shown) in [
                    ("receipt", "受理回执", "Acceptance receipt", true),
                    ("referral", "转介函", "Referral letter", v.referrals.iter().any(|x| x.purpose == ReferralPurpose::Dispute)),
                    ("agreement", "调解协议书", "Mediation agreement", v.agreement.is_some()),
                ] {
                    @if shown {
                        a href=(format!("/tickets/{}/papers/{kind}", r.number)) hx-boost="false" { (ctx.t(zh, en)) }
                        " (" a href=(format!("/tickets/{}/papers/{kind}?format=pdf", r.number)) hx-boost="false" { "PDF" } ") "
                    }
                }
            }
        }
        @if open {
            h2 { (ctx.t("办理", "Act")) }
            div.grid.two {
                @if may(Action::TriageTicket) && phase == Phase::Received {
                    (form("triage", html! {
                        label for="t-category" { (ctx.t("受理类别", "Category")) }
                        select #t-category name="category" { (category_options(ctx, &r.category)) }
                        label for="t-note" { (ctx.t("备注", "Note")) } input #t-note name="note";
                    }, ctx.t("受理", "Accept")))
                }
                @if may(Action::MediateTicket) && matches!(phase, Phase::Triaged | Phase::InMediation | Phase::Reopened) {
                    (form("record_session", html! {
                        label for="s-channel" { (ctx.t("调解方式", "Channel")) }
                        select #s-channel name="channel" { option value="phone" { (ctx.t("电话", "Phone")) } option value="online" { (ctx.t("网上", "Online")) } option value="in_person" { (ctx.t("现场", "In person")) } }
                        label for="s-outcome" { (ctx.t("结果", "Outcome")) }
                        select #s-outcome name="outcome" { option value="agreed" { (ctx.t("达成一致", "Agreed")) } option value="continued" { (ctx.t("继续调解", "Continue")) } option value="failed" { (ctx.t("调解不成", "Failed")) } option value="no_show" { (ctx.t("一方未到", "No-show")) } }
                        label for="s-note" { (ctx.t("记录", "Note")) } input #s-note name="note";
                    }, ctx.t("记录调解", "Record the session")))
                }
                @if may(Action::MediateTicket) && phase == Phase::InMediation {
                    (form("settle", html! {
                        label for="agreement" { (ctx.t("调解协议内容", "The agreement")) }
                        textarea #agreement name="agreement" rows="3" {}
                        (field_error(ctx, error, "agreement"))
                        label for="confirmation" { (ctx.t("协议确认", "Confirmation")) }
                        select #confirmation name="confirmation" { option value="none" { (ctx.t("不申请", "None")) } option value="arbitration_review" { (ctx.t("申请仲裁审查", "Arbitration review")) } option value="court_confirmation" { (ctx.t("申请司法确认", "Court confirmation")) } }
                    }, ctx.t("达成调解协议", "Record the agreement")))
                }
                @if may(Action::ReferTicket) && (matches!(phase, Phase::Triaged | Phase::InMediation | Phase::Reopened) || (phase == Phase::Referred && !referral_running)) {
                    (form("refer", html! {
                        label for="body" { (ctx.t("转介单位", "Body")) }
                        select #body name="body" { @for b in &catalogue().bodies { option value=(b.key) { (if ctx.zh() { &b.name_zh } else { &b.name_en }) } } }
                        label for="appointment_on" { (ctx.t("预约日期", "Appointment")) }
                        input #appointment_on name="appointment_on" type="date" value=(today.to_string()) min=(today.to_string());
                        label for="r-note" { (ctx.t("备注", "Note")) } input #r-note name="note";
                    }, ctx.t("预约转介", "Refer")))
                }
                @if may(Action::ReportReferral) && referral_running {
                    (form("report_referral", html! {
                        label for="status" { (ctx.t("办理情况", "Status")) }
                        select #status name="status" { option value="accepted" { (ctx.t("已受理", "Accepted")) } option value="concluded" { (ctx.t("已办结", "Concluded")) } option value="declined" { (ctx.t("不予受理", "Declined")) } }
                        label for="outcome" { (ctx.t("结果或理由", "Outcome or reason")) }
                        input #outcome name="outcome";
                        (field_error(ctx, error, "outcome"))
                    }, ctx.t("反馈", "Report")))
                }
                @if may(Action::ReferTicket) && phase == Phase::Settled && !review_running && !review_done
                    && let Some(c) = review_wanted {
                    @let kind = if c == Confirmation::ArbitrationReview { "labour_arbitration" } else { "court" };
                    (form("request_review", html! {
                        p.hint { (if c == Confirmation::ArbitrationReview {
                            ctx.t("双方共同申请仲裁审查：须在协议生效之日起15日内提出（企业劳动争议协商调解规定第29条）。", "A joint request for arbitration review, within 15 days of the agreement (Order 17 Art 29).")
                        } else {
                            ctx.t("双方共同申请司法确认。", "A joint request for judicial confirmation.")
                        }) }
                        label for="rv-body" { (ctx.t("审查机构", "Reviewing body")) }
                        select #rv-body name="body" { @for b in catalogue().bodies.iter().filter(|b| b.kind == kind) { option value=(b.key) { (if ctx.zh() { &b.name_zh } else { &b.name_en }) } } }
                        (field_error(ctx, error, "body"))
                        label for="rv-on" { (ctx.t("预约日期", "Appointment")) }
                        input #rv-on name="appointment_on" type="date" value=(today.to_string()) min=(today.to_string());
                        (field_error(ctx, error, "appointment_on"))
                        label for="rv-note" { (ctx.t("备注", "Note")) } input #rv-note name="note";
                    }, if c == Confirmation::ArbitrationReview { ctx.t("送仲裁审查", "Send for arbitration review") } else { ctx.t("送司法确认", "Send for court confirmation") }))
                }
                @if may(Action::ReportReferral) && review_running {
                    (form("report_referral", html! {
                        p.hint { (ctx.t("调解协议审查结果：确认的，出具调解书；不予确认的，请写明理由。", "The review's answer: confirmed (a mediation award is issued) or not, with the reason.")) }
                        label for="rv-status" { (ctx.t("审查结果", "Answer")) }
                        select #rv-status name="status" {
                            option value="confirmed" { (ctx.t("确认协议（出具调解书）", "Confirmed (mediation award)")) }
                            option value="not_confirmed" { (ctx.t("不予确认", "Not confirmed")) }
                            option value="accepted" { (ctx.t("已受理审查申请", "Request accepted")) }
                            option value="declined" { (ctx.t("不予受理", "Declined")) }
                        }
                        label for="rv-outcome" { (ctx.t("说明或理由", "Note or reason")) }
                        input #rv-outcome name="outcome";
                        (field_error(ctx, error, "outcome"))
                        (field_error(ctx, error, "reason"))
                    }, ctx.t("反馈审查结果", "Report the answer")))
                }
                @if may(Action::CloseTicket) && phase != Phase::Received && !referral_running && !review_running {
                    (form("close", html! {
                        label for="resolution" { (ctx.t("办理结果", "Resolution")) }
                        textarea #resolution-input name="resolution" rows="2" {}
                        (field_error(ctx, error, "resolution"))
                        label for="satisfaction" { (ctx.t("满意度", "Satisfaction")) }
                        select #satisfaction name="satisfaction" { @for s in Satisfaction::ALL { option value=(s.as_str()) { (if ctx.zh() { s.name_zh() } else { s.name_en() }) } } }
                    }, ctx.t("办结", "Close")))
                }
            }
        } @else if may(Action::CloseTicket) && v.reopen_until.is_some_and(|d| today <= d) {
            (form("reopen", html! {
                label for="reason" { (ctx.t("重新办理原因", "Why reopen")) } input #reason name="reason";
            }, ctx.t("重新办理", "Reopen")))
        }
        @if ctx.viewer.role() == Some(Role::Worker) && r.sensitive && !r.disclosed && open {
            (form("consent_to_disclosure", html! {}, ctx.t("同意向对方披露我的身份", "Let the other party see who I am")))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CommandForm {
    #[serde(default)]
    csrf_token: String,
    command: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    agreement: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    appointment_on: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    reason: String,
}

fn parse<T: std::str::FromStr<Err = gongshang_domain::DomainError>>(
    t: &str,
) -> Result<T, AppError> {
    t.parse::<T>().map_err(AppError::Domain)
}

fn to_action(f: &CommandForm) -> Result<TicketAction, AppError> {
    Ok(match f.command.as_str() {
        "triage" => TicketAction::Triage {
            category: f.category.clone(),
            note: f.note.clone(),
        },
        "record_session" => TicketAction::RecordSession {
            held_on: None,
            channel: parse::<SessionChannel>(&f.channel)?,
            outcome: parse::<SessionOutcome>(&f.outcome)?,
            note: f.note.clone(),
        },
        "settle" => TicketAction::Settle {
            agreement: f.agreement.clone(),
            confirmation: parse::<Confirmation>(&f.confirmation)?,
        },
        "refer" => TicketAction::Refer {
            body: f.body.clone(),
            appointment_on: f
                .appointment_on
                .parse()
                .map_err(|e| AppError::invalid("appointment_on", format!("{e}")))?,
            note: f.note.clone(),
        },
        "request_review" => TicketAction::RequestReview {
            body: f.body.clone(),
            appointment_on: f
                .appointment_on
                .parse()
                .map_err(|e| AppError::invalid("appointment_on", format!("{e}")))?,
            note: f.note.clone(),
        },
        "report_referral" => TicketAction::ReportReferral(match f.status.as_str() {
            "accepted" => ReferralReport::Accepted,
            "declined" => ReferralReport::Declined {
                reason: f.outcome.clone(),
            },
            "confirmed" => ReferralReport::Reviewed {
                confirmed: true,
                note: f.outcome.clone(),
            },
            "not_confirmed" => ReferralReport::Reviewed {
                confirmed: false,
                note: f.outcome.clone(),
            },
            _ => ReferralReport::Concluded {
                outcome: f.outcome.clone(),
            },
        }),
        "close" => TicketAction::Close {
            resolution: f.resolution.clone(),
            satisfaction: parse::<Satisfaction>(&f.satisfaction)?,
        },
        "reopen" => TicketAction::Reopen {
            reason: f.reason.clone(),
        },
        "consent_to_disclosure" => TicketAction::ConsentToDisclosure,
        other => {
            return Err(AppError::invalid(
                "command",
                format!("{other:?} is not a command of a ticket"),
            ));
        }
    })
}

async fn ticket_command(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<CommandForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let action = match to_action(&f) {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, &e),
    };
    let n = number.clone();
    let a2 = actor.clone();
    match state
        .run(move |app| app.act_on_ticket(&actor, &n, action))
        .await
    {
        Ok(v) => Redirect::to(&format!("/tickets/{}", v.row.number)).into_response(),
        Err(e) => {
            let status = error_status(&e);
            match state.run(move |app| app.ticket(&a2, &number)).await {
                Ok(v) => (
                    status,
                    respond(
                        &ctx,
                        &v.row.number.clone(),
                        ticket_body(&ctx, &state, &v, Some(&e)),
                    ),
                )
                    .into_response(),
                Err(_) => error_page(&ctx, &e),
            }
        }
    }
}

// ---- the dashboard ---------------------------------------------------------------

async fn load_dashboard(state: &AppState, ctx: &Ctx) -> Result<TicketDashboard, Response> {
    let user = session::require(ctx, Action::ReadTicketStatistics)?;
    let actor = user.actor();
    state
        .run(move |app| app.ticket_dashboard(&actor))
        .await
        .map_err(|e| error_page(ctx, &e))
}

fn rate(per_mille: Option<u64>) -> String {
    per_mille.map_or("—".into(), |p| format!("{}.{}%", p / 10, p % 10))
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Response {
    let d = match load_dashboard(&state, &ctx).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let s = &d.stats;
    let table = |title: &str, rows: &[(String, u64)], name: &dyn Fn(&str) -> String| {
        html! {
            div {
                h2 { (title) }
                table { tbody { @for (k, n) in rows { tr { td { (name(k)) } td.num { (n) } } } } }
            }
        }
    };
    let category_name = |k: &str| {
        catalogue().category(k).map_or(k.to_owned(), |c| {
            if ctx.zh() {
                c.name_zh.clone()
            } else {
                c.name_en.clone()
            }
        })
    };
    let channel_name = |k: &str| {
        k.parse::<gongshang_domain::ticket::Channel>()
            .map_or(k.to_owned(), |c| {
                if ctx.zh() { c.name_zh() } else { c.name_en() }.to_owned()
            })
    };
    let plain = |k: &str| k.to_owned();
    let month_series = serde_json::json!({
        "x": s.by_month.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>(),
        "labels": true,
        "series": [{
            "name": ctx.t("诉求数", "Tickets"),
            "data": s.by_month.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        }],
    });
    let category_series = serde_json::json!({
        "data": s.by_category.iter().map(|(k, n)| serde_json::json!({"name": category_name(k), "value": n})).collect::<Vec<_>>(),
    });
    respond(
        &ctx,
        ctx.t("服务中心统计", "Service centre dashboard"),
        html! {
            h1 { (ctx.t("服务中心统计", "Service centre dashboard")) }
            div.toolbar { a.button href="/tickets/dashboard.csv" hx-boost="false" { (ctx.t("导出 CSV", "Export CSV")) } " " a.button href="/tickets/dashboard.xlsx" hx-boost="false" { "Excel" } }
            div.grid {
                div.stat { div.label { (ctx.t("诉求总数", "Tickets")) } div.value { (s.total) } }
                div.stat { div.label { (ctx.t("办理中", "Open")) } div.value { (s.open) } }
                div.stat.bad[s.overdue_now > 0] { div.label { (ctx.t("已超期", "Overdue")) } div.value #overdue-count { (s.overdue_now) } }
                div.stat { div.label { (ctx.t("按时办结率", "Closed on time")) } div.value { (rate(d.on_time_per_mille)) } }
                div.stat { div.label { (ctx.t("调解成功率", "Mediation success")) } div.value { (rate(d.mediation_success_per_mille)) } }
            }
            div.grid.two {
                section.card {
                    h2 { (ctx.t("诉求趋势（按月）", "Tickets by month")) }
                    div.chart #tickets-by-month data-chart="bar" data-series=(month_series.to_string()) role="img"
                        aria-label=(ctx.t("按月诉求数柱状图", "Bar chart of tickets filed by month")) {}
                }
                section.card {
                    h2 { (ctx.t("诉求类别", "Tickets by category")) }
                    div.chart #tickets-by-category data-chart="pie" data-series=(category_series.to_string()) role="img"
                        aria-label=(ctx.t("按类别诉求数饼图", "Pie chart of tickets by category")) {}
                }
            }
            div.grid.two {
                (table(ctx.t("按类别", "By category"), &s.by_category, &category_name))
                (table(ctx.t("按渠道", "By channel"), &s.by_channel, &channel_name))
                (table(ctx.t("按区", "By district"), &s.by_district, &plain))
                (table(ctx.t("按平台", "By platform"), &s.by_platform, &plain))
                (table(ctx.t("按月", "By month"), &s.by_month, &plain))
                (table(ctx.t("按行业", "By industry"), &s.by_industry, &plain))
            }
            h2 { (ctx.t("超期清单", "Overdue")) }
            ul #overdue { @for r in &d.overdue {
                li { a href=(format!("/tickets/{}", r.number)) { (r.number) } " " (category_name(&r.category)) " "
                    @if let Some(dl) = &r.deadline { span.tag.bad { (if ctx.zh() { dl.kind.name_zh() } else { dl.kind.name_en() }) " " (dl.due) } } }
            } }
        },
    )
}

async fn dashboard_csv(state: State<AppState>, ctx: Ctx) -> Response {
    dashboard_export(state, ctx, "csv").await
}

async fn dashboard_xlsx(state: State<AppState>, ctx: Ctx) -> Response {
    dashboard_export(state, ctx, "xlsx").await
}

/// The dashboard's figures as one table (dimension, key, count), written
/// by the house's one exporter as CSV or as an Excel workbook.
async fn dashboard_export(State(state): State<AppState>, ctx: Ctx, format: &str) -> Response {
    use gongshang_app::export::{Cell, Table};
    let d = match load_dashboard(&state, &ctx).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let s = &d.stats;
    let mut rows = Vec::new();
    for (dim, by) in [
        ("category", &s.by_category),
        ("channel", &s.by_channel),
        ("district", &s.by_district),
        ("industry", &s.by_industry),
        ("platform", &s.by_platform),
        ("month", &s.by_month),
    ] {
        for (k, n) in by {
            rows.push(vec![
                Cell::Text(dim.to_owned()),
                Cell::Text(k.clone()),
                Cell::Int(i64::try_from(*n).unwrap_or(i64::MAX)),
            ]);
        }
    }
    for (k, n) in [
        ("total", s.total),
        ("open", s.open),
        ("closed", s.closed),
        ("closed_on_time", s.closed_on_time),
        ("mediated", s.mediated),
        ("settled", s.settled),
        ("overdue_now", s.overdue_now),
    ] {
        rows.push(vec![
            Cell::Text("summary".to_owned()),
            Cell::Text(k.to_owned()),
            Cell::Int(i64::try_from(n).unwrap_or(i64::MAX)),
        ]);
    }
    let table = Table {
        name: "tickets".to_owned(),
        headers: vec!["dimension".into(), "key".into(), "count".into()],
        rows,
    };
    let (body, content_type) = if format == "xlsx" {
        (
            gongshang_app::export::xlsx(&table),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        (
            gongshang_app::export::csv(&table).into_bytes(),
            "text/csv; charset=utf-8",
        )
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tickets-dashboard.{format}\""),
            ),
        ],
        body,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct PaperQuery {
    format: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

async fn paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, kind)): Path<(String, String)>,
    UrlQuery(q): UrlQuery<PaperQuery>,
) -> Response {
    let user = match session::require(&ctx, Action::ReadTickets) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let format =
        match gongshang_app::notices::NoticeFormat::parse(q.format.as_deref().unwrap_or("html")) {
            Ok(f) => f,
            Err(e) => return error_page(&ctx, &e),
        };
    let actor = user.actor();
    match state
        .run(move |app| app.render_ticket_paper(&actor, &number, &kind, format))
        .await
    {
        Ok(p) => crate::api::tickets::paper_response(p),
        Err(e) => error_page(&ctx, &e),
    }
}

// ---- tickets on the pages of what they are about ------------------------------

/// The tickets about some cases, bills or enrolments that the viewer may
/// read (none for a viewer who may not read tickets).
pub async fn tickets_about(
    state: &AppState,
    ctx: &Ctx,
    kind: gongshang_app::model::SubjectKind,
    keys: Vec<String>,
) -> Vec<gongshang_app::model::TicketRow> {
    let Some(actor) = ctx.viewer.actor() else {
        return Vec::new();
    };
    if keys.is_empty() || !ctx.viewer.may(Action::ReadTickets) {
        return Vec::new();
    }
    state
        .run(move |app| app.tickets_about(&actor, kind, &keys))
        .await
        .unwrap_or_default()
}

/// The tickets about `key` among `rows`, each linked, and a link to file
/// one about it (`param`: case, bill or enrollment) for a viewer who may.
pub fn tickets_of_subject(
    ctx: &Ctx,
    rows: &[gongshang_app::model::TicketRow],
    param: &str,
    key: &str,
) -> Markup {
    let mine: Vec<&gongshang_app::model::TicketRow> = rows
        .iter()
        .filter(|r| r.subject.as_ref().is_some_and(|(_, k)| k == key))
        .collect();
    html! {
        span.subject-tickets {
            @for r in &mine {
                a.tag.warn[r.state != Phase::Closed].tag.grey[r.state == Phase::Closed] href=(format!("/tickets/{}", r.number)) {
                    (ctx.t("诉求 ", "Ticket ")) (r.number) " · " (if ctx.zh() { r.state.name_zh() } else { r.state.name_en() })
                }
                " "
            }
            @if ctx.viewer.may(Action::FileTicket) {
                a.hint href=(format!("/tickets?{param}={}#file", super::registry::urlencode(key))) {
                    (ctx.t("有疑问？提出诉求", "A problem? Ask for help"))
                }
            }
        }
    }
}
