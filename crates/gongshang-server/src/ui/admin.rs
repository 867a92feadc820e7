//! The administrator's pages besides the accounts list (issue 13): creating
//! an account, moving an agency account to another role, creating an API
//! token (its secret shown once), the parameters in force with their dates
//! and sources (their notes and "assumed" marks as a neutral badge), and the
//! audit log, searchable. Every change goes through the app's use cases
//! and is in the audit log.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::{AccountInput, Action, PasswordCost, Role};
use gongshang_app::model::AuditEntry;
use gongshang_app::staff::ParameterInForce;
use gongshang_rules::params::Status;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::session::{self, csrf_field, role_label};
use super::staff_words::{actor_words, at_field};
use super::{Ctx, error_page, respond};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts/new", post(create_account))
        .route("/admin/accounts/{login}/role", post(change_role))
        .route("/admin/accounts/{login}/tokens", post(create_token))
        .route("/admin/parameters", get(parameters))
        .route("/admin/audit", get(audit))
}

// ---- accounts -----------------------------------------------------------------

/// An account as typed in the form (kept when refused).
#[derive(Deserialize, Default, Clone)]
pub struct NewAccountForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub password: String,
}

const NEW_ACCOUNT_FIELDS: [&str; 7] = [
    "login",
    "display_name",
    "role",
    "unit",
    "platform",
    "person",
    "password",
];

/// The form that creates an account, on the accounts page.
pub fn new_account_form(ctx: &Ctx, f: &NewAccountForm, error: Option<&AppError>) -> Markup {
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        details.card #new-account open[error.is_some()] {
            summary { strong { (ctx.t("新建账号", "New account")) } }
            (super::staff_words::at_form(ctx, &NEW_ACCOUNT_FIELDS, error))
            form.cols method="post" action="/admin/accounts/new" novalidate {
                (csrf_field(ctx))
                div { label for="na-login" { (ctx.t("账号（字母、数字、. _ - @）", "Login (letters, digits, . _ - @)")) }
                    input #na-login name="login" value=(f.login) maxlength="64" aria-invalid=[bad("login")]; (at_field(ctx, "login", error)) }
                div { label for="na-name" { (ctx.t("姓名", "Name")) }
                    input #na-name name="display_name" value=(f.display_name) maxlength="100"; (at_field(ctx, "display_name", error)) }
                div { label for="na-role" { (ctx.t("角色", "Role")) }
                    select #na-role name="role" aria-invalid=[bad("role")] {
                        option value="" selected[f.role.is_empty()] { (ctx.t("请选择", "Please choose")) }
                        @for r in [Role::Clerk, Role::Reviewer, Role::Administrator, Role::Analyst, Role::Unit, Role::Worker] {
                            option value=(r.as_str()) selected[f.role == r.as_str()] { (role_label(ctx, r)) }
                        }
                    }
                    (at_field(ctx, "role", error)) }
                div { label for="na-unit" { (ctx.t("单位用户：统一社会信用代码", "Unit user: credit code")) }
                    input #na-unit name="unit" value=(f.unit) maxlength="18" aria-invalid=[bad("unit")]; (at_field(ctx, "unit", error)) }
                div { label for="na-platform" { (ctx.t("平台用户：平台标识（如 meituan）", "Platform user: platform id (e.g. meituan)")) }
                    input #na-platform name="platform" value=(f.platform) maxlength="32" aria-invalid=[bad("platform")]; (at_field(ctx, "platform", error)) }
                div { label for="na-person" { (ctx.t("个人用户：身份证号", "Worker: identity number")) }
                    input #na-person name="person" value=(f.person) maxlength="18" aria-invalid=[bad("person")]; (at_field(ctx, "person", error)) }
                div { label for="na-password" { (ctx.t("初始密码（至少10位；空为仅用令牌）", "First password (10 or more; empty: tokens only)")) }
                    input #na-password name="password" type="password" autocomplete="new-password" aria-invalid=[bad("password")]; (at_field(ctx, "password", error)) }
                div { button.primary type="submit" { (ctx.t("创建账号", "Create the account")) } }
            }
        }
    }
}

/// The role control of one account's row (agency roles only).
pub fn role_control(ctx: &Ctx, login: &str, role: Role) -> Markup {
    let plain = matches!(
        role,
        Role::Clerk | Role::Reviewer | Role::Administrator | Role::Analyst
    );
    let me = ctx.viewer.actor().is_some_and(|a| a.login == login);
    html! {
        @if plain && !me {
            form.inline method="post" action=(format!("/admin/accounts/{login}/role")) {
                (csrf_field(ctx))
                label.visually-hidden for=(format!("role-{login}")) { (ctx.t("角色", "Role")) }
                select id=(format!("role-{login}")) name="role" style="width:auto" {
                    @for r in [Role::Clerk, Role::Reviewer, Role::Administrator, Role::Analyst] {
                        option value=(r.as_str()) selected[r == role] { (role_label(ctx, r)) }
                    }
                }
                " " button.link type="submit" { (ctx.t("改角色", "Change role")) }
            }
        }
    }
}

/// The form that creates a token for an account.
pub fn token_control(ctx: &Ctx, login: &str) -> Markup {
    html! {
        form.inline.token method="post" action=(format!("/admin/accounts/{login}/tokens")) {
            (csrf_field(ctx))
            label.visually-hidden for=(format!("label-{login}")) { (ctx.t("令牌用途", "Token label")) }
            input id=(format!("label-{login}")) name="label" maxlength="100" style="width:10rem" placeholder=(ctx.t("新令牌用途", "New token's use"));
            " " button.link type="submit" { (ctx.t("创建令牌", "Create a token")) }
        }
    }
}

async fn create_account(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<NewAccountForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageAccounts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let input = AccountInput {
        login: f.login.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        unit: opt(&f.unit),
        platform: opt(&f.platform),
        person: opt(&f.person),
        password: opt(&f.password),
        partner_body: None,
    };
    if input.role.trim().is_empty() {
        let e = AppError::invalid("role", "choose a role");
        return super::accounts::render_with(&state, &ctx, Some(&e), Some(&f), None).await;
    }
    match state
        .run(move |app| app.create_account(&actor, &input, PasswordCost::Standard))
        .await
    {
        Ok(_) => Redirect::to("/admin/accounts").into_response(),
        Err(e) => super::accounts::render_with(&state, &ctx, Some(&e), Some(&f), None).await,
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(login): Path<String>,
    Form(f): Form<RoleForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageAccounts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    match state
        .run(move |app| app.change_role(&actor, &login, &f.role))
        .await
    {
        Ok(_) => {
            state.forget_tokens();
            Redirect::to("/admin/accounts").into_response()
        }
        Err(e) => super::accounts::render_with(&state, &ctx, Some(&e), None, None).await,
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    label: String,
}

async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(login): Path<String>,
    Form(f): Form<TokenForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageAccounts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let who = login.clone();
    match state
        .run(move |app| app.create_api_token(&actor, &login, &f.label))
        .await
    {
        // The secret is shown once, on this answer, never again.
        Ok((id, secret)) => {
            let shown = html! {
                div.alert.ok role="status" #new-token {
                    strong { (ctx.t("令牌已创建（只显示这一次，请立即复制保存）：", "Token created (shown this once: copy it now): ")) }
                    br; code data-token-id=(id) { (secret) }
                    br; span.muted { (ctx.t("账号 ", "account ")) (who) " · #" (id) }
                }
            };
            super::accounts::render_with(&state, &ctx, None, None, Some(shown)).await
        }
        Err(e) => super::accounts::render_with(&state, &ctx, Some(&e), None, None).await,
    }
}

// ---- parameters in force ----------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ParamQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    on: Option<String>,
}

/// The neutral badge of a value that is not confirmed, with its note.
pub fn status_badge(ctx: &Ctx, status: Status, note: Option<&str>) -> Markup {
    let text = match status {
        Status::Confirmed => return html! {},
        Status::Assumed => ctx.t("假设值", "assumed"),
        Status::Illustrative => ctx.t("示例值", "illustrative"),
    };
    html! { span.badge-note title=[note] { (text) } }
}

async fn parameters(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<ParamQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadParameters) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let today = state.app.today();
    let on = match q.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(s) => match s.parse::<jiff::civil::Date>() {
            Ok(d) => d,
            Err(e) => return error_page(&ctx, &AppError::invalid("on", e.to_string())),
        },
    };
    let search = q.q.clone();
    match state
        .run(move |app| app.parameters_in_force(&actor, on, search.as_deref()))
        .await
    {
        Ok(rows) => {
            let title = ctx.t("现行参数", "Parameters in force");
            respond(
                &ctx,
                title,
                parameters_body(&ctx, &rows, on, q.q.as_deref()),
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn parameters_body(
    ctx: &Ctx,
    rows: &[ParameterInForce],
    on: jiff::civil::Date,
    typed: Option<&str>,
) -> Markup {
    let unconfirmed = rows
        .iter()
        .filter(|r| r.status != Status::Confirmed)
        .count();
    html! {
        h1 { (ctx.t("现行参数", "Parameters in force")) " " span.count { (rows.len()) } }
        p.muted { (ctx.t(
            "每个参数取该日有效的值，附文件、条款、来源与可信度。标注“假设值”“示例值”的尚未在文件中核实，计算结果的说明中也会注明。",
            "Each parameter's value in force on the day, with its instrument, article, source and confidence. Values marked assumed or illustrative are not verified in an instrument; every trace that uses one says so."
        )) }
        form.toolbar method="get" action="/admin/parameters" role="search" {
            label for="pq" { (ctx.t("查找", "Find")) }
            input #pq type="search" name="q" value=[typed] placeholder=(ctx.t("参数名或编号", "Name or id"));
            label for="pon" { (ctx.t("日期", "On")) }
            input #pon type="date" name="on" value=(on) style="width:auto";
            button type="submit" { (ctx.t("查看", "Show")) }
            a.button href=(format!("/admin/parameters.csv?on={on}{}", typed.map(|t| format!("&q={}", super::analyst::url_encode(t))).unwrap_or_default())) { "CSV" }
        }
        p { (ctx.t("未核实的值：", "Values not verified: ")) strong { (unconfirmed) } }
        div.table-wrap { table #parameters {
            thead { tr {
                th { (ctx.t("参数", "Parameter")) } th.num { (ctx.t("值", "Value")) } th { (ctx.t("有效期", "In force")) }
                th { (ctx.t("依据与来源", "Instrument and source")) } th { (ctx.t("状态", "Status")) }
            } }
            tbody { @for r in rows { tr {
                td { (ctx.t(&r.label_zh, &r.label_en)) br; code.muted { (r.id) } }
                td.num { @if let Some(v) = &r.value { strong { (v) } " " span.muted { (ctx.t(r.unit_zh, r.unit_en)) } } @else { span.muted { (ctx.t("该日无值", "none on the day")) } } }
                td { (r.validity.as_deref().unwrap_or("—")) br; span.muted { (r.values) (ctx.t(" 个日期值", " dated values")) } }
                td { (r.instrument) " " (r.article) br; span.muted { (r.source) " · " (r.confidence) } }
                td {
                    @if r.status == Status::Confirmed { span.muted { (ctx.t("已核实", "verified")) } }
                    @else {
                        (status_badge(ctx, r.status, r.note.as_deref()))
                        @if let Some(n) = &r.note { details.note { summary { (ctx.t("说明", "Note")) } span.muted { (n) } } }
                    }
                }
            } } }
        } }
    }
}

// ---- the audit log ------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct AuditParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    before: Option<i64>,
}

const AUDIT_PAGE: u32 = 100;

async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<AuditParams>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageAccounts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let search = p.q.clone();
    let before = p.before;
    match state
        .run(move |app| app.search_audit(&actor, search.as_deref(), before, AUDIT_PAGE))
        .await
    {
        Ok(rows) => {
            let title = ctx.t("审计日志", "Audit log");
            respond(&ctx, title, audit_body(&ctx, &rows, p.q.as_deref()))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn audit_body(ctx: &Ctx, rows: &[AuditEntry], typed: Option<&str>) -> Markup {
    let next = (rows.len() == AUDIT_PAGE as usize)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    html! {
        h1 { (ctx.t("审计日志", "Audit log")) }
        p.muted { (ctx.t("每一项变更都在同一事务中记录：谁、何时、做了什么。", "Every change is recorded in its own transaction: who, when, what.")) }
        form.toolbar method="get" action="/admin/audit" role="search" {
            label for="aq" { (ctx.t("查找", "Find")) }
            input #aq type="search" name="q" value=[typed] placeholder=(ctx.t("操作人、操作、对象或编号", "Actor, action, record or id"));
            button type="submit" { (ctx.t("查找", "Search")) }
        }
        div.table-wrap { table #audit {
            thead { tr {
                th { (ctx.t("时间", "When")) } th { (ctx.t("操作人", "Who")) } th { (ctx.t("操作", "Action")) }
                th { (ctx.t("对象", "Record")) } th { (ctx.t("详情", "Detail")) }
            } }
            tbody {
                @for r in rows { tr {
                    td { (super::format::china_time(r.at)) }
                    td { (actor_words(ctx, &r.actor)) }
                    td { code { (r.action) } }
                    td { (r.entity) " " code { (r.entity_id) } }
                    td { details { summary { (ctx.t("展开", "Show")) } code { (r.detail.to_string()) } } }
                } }
                @if rows.is_empty() { tr { td colspan="5" .muted { (ctx.t("没有记录。", "Nothing found.")) } } }
            }
        } }
        @if let Some(n) = next {
            p { a href=(format!("/admin/audit?before={n}{}", typed.map(|t| format!("&q={}", super::analyst::url_encode(t))).unwrap_or_default())) { (ctx.t("更早的记录", "Older entries")) } }
        }
    }
}
