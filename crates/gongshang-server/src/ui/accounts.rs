//! The administrator's accounts page: every account with its role, scope
//! and state, a button to disable or enable it, and its API tokens with a
//! button to revoke each. Each change is in force at once (the next request
//! of the account or token is refused) and is written to the audit log.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongshang_app::AppError;
use gongshang_app::accounts::{AccountListing, Action, Scope};
use gongshang_app::model::Page;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::session::{self, csrf_field, role_label};
use super::{Ctx, respond};
use crate::AppState;

/// Accounts shown on one page.
const PAGE: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts", get(page))
        .route("/admin/accounts/{login}/disable", post(disable))
        .route("/admin/accounts/{login}/enable", post(enable))
        .route("/admin/tokens/{id}/revoke", post(revoke))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    after: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("账号与令牌", "Accounts and tokens")
}

fn scope_text(ctx: &Ctx, scope: &Scope) -> String {
    match scope {
        Scope::All => ctx.t("全部", "everything").to_owned(),
        Scope::Unit { unit, platform } => match platform {
            Some(p) => format!("{} · {}", unit.as_str(), p.as_str()),
            None => unit.as_str().to_owned(),
        },
        Scope::Person(p) => p.masked(),
        Scope::StatisticsOnly => ctx.t("仅统计", "statistics only").to_owned(),
        Scope::Partner(body) => format!("{} {body}", ctx.t("转介单位", "partner body")),
    }
}

fn body(
    ctx: &Ctx,
    accounts: &[AccountListing],
    after: i64,
    error: Option<&AppError>,
    typed: Option<&super::admin::NewAccountForm>,
    shown: Option<Markup>,
) -> Markup {
    // Issue 13: a refusal of the new-account form is shown at its fields.
    let new_account_error = error.filter(|_| typed.is_some());
    let error = error.filter(|_| typed.is_none());
    let next = (accounts.len() == PAGE as usize)
        .then(|| accounts.last().map(|a| a.account.id))
        .flatten();
    html! {
        h1 { (title(ctx)) }
        p.muted { (ctx.t(
            "停用账号后，该账号立即无法登录，已登录的会话结束，其 API 令牌在下一次请求即被拒绝；重新启用后令牌恢复，会话不恢复。吊销的令牌不能恢复。",
            "Disabling an account stops it at once: it cannot sign in, its sessions end, and its API tokens are refused from the next request on; enabling it again restores the tokens, not the sessions. A revoked token cannot be restored."
        )) }
        @if let Some(e) = error { (super::staff_words::at_form(ctx, &[], Some(e))) }
        @if let Some(m) = shown { (m) }
        p { a href="/admin/audit" { (ctx.t("审计日志", "Audit log")) } " · " a href="/admin/parameters" { (ctx.t("现行参数", "Parameters in force")) } }
        (super::admin::new_account_form(ctx, &typed.cloned().unwrap_or_default(), new_account_error))
        div.table-wrap { table #accounts {
            thead { tr {
                th { (ctx.t("账号", "Login")) }
                th { (ctx.t("姓名", "Name")) }
                th { (ctx.t("角色", "Role")) }
                th { (ctx.t("范围", "Scope")) }
                th { (ctx.t("状态", "State")) }
                th { (ctx.t("API 令牌", "API tokens")) }
            } }
            tbody {
                @for a in accounts {
                    tr data-login=(a.account.login) {
                        td { code { (a.account.login) } }
                        td { (a.account.display_name) }
                        td { (role_label(ctx, a.account.role)) br; (super::admin::role_control(ctx, &a.account.login, a.account.role)) }
                        td { (scope_text(ctx, &a.account.scope)) }
                        td {
                            @if a.disabled {
                                span.tag.grey { (ctx.t("已停用", "disabled")) } " "
                                form.inline method="post" action=(format!("/admin/accounts/{}/enable", a.account.login)) {
                                    (csrf_field(ctx))
                                    button.link type="submit" { (ctx.t("启用", "Enable")) }
                                }
                            } @else {
                                span.tag { (ctx.t("正常", "active")) } " "
                                form.inline method="post" action=(format!("/admin/accounts/{}/disable", a.account.login)) {
                                    (csrf_field(ctx))
                                    button.link.danger type="submit" { (ctx.t("停用", "Disable")) }
                                }
                            }
                        }
                        td {
                            @if a.tokens.is_empty() { span.muted { "—" } }
                            ul.plain {
                                @for t in &a.tokens {
                                    li data-token=(t.id) {
                                        (t.label) " " span.muted { "#" (t.id) " · " (super::format::china_date(t.created_at)) }
                                        @if let Some(r) = t.revoked_at {
                                            " " span.tag.grey { (ctx.t("已吊销 ", "revoked ")) (r.strftime("%Y-%m-%d")) }
                                        } @else {
                                            " "
                                            form.inline method="post" action=(format!("/admin/tokens/{}/revoke", t.id)) {
                                                (csrf_field(ctx))
                                                button.link.danger type="submit" { (ctx.t("吊销", "Revoke")) }
                                            }
                                        }
                                    }
                                }
                            }
                            (super::admin::token_control(ctx, &a.account.login))
                        }
                    }
                }
            }
        } }
        @if let Some(n) = next {
            p { a href=(format!("/admin/accounts?after={n}")) { (ctx.t("下一页", "Next page")) } }
        } @else if after > 0 {
            p { a href="/admin/accounts" { (ctx.t("回到第一页", "First page")) } }
        }
    }
}

async fn render(state: &AppState, ctx: &Ctx, after: i64, error: Option<&AppError>) -> Response {
    render_page(state, ctx, after, error, None, None).await
}

/// The accounts page with a refusal (at the new-account form's fields when
/// `typed` is its text) or a message (a token's secret, shown once).
pub async fn render_with(
    state: &AppState,
    ctx: &Ctx,
    error: Option<&AppError>,
    typed: Option<&super::admin::NewAccountForm>,
    shown: Option<Markup>,
) -> Response {
    let status = error.map_or(axum::http::StatusCode::OK, super::error_status);
    (
        status,
        render_page(state, ctx, 0, error, typed, shown).await,
    )
        .into_response()
}

async fn render_page(
    state: &AppState,
    ctx: &Ctx,
    after: i64,
    error: Option<&AppError>,
    typed: Option<&super::admin::NewAccountForm>,
    shown: Option<Markup>,
) -> Response {
    let Some(actor) = ctx.viewer.actor() else {
        return Redirect::to("/login?next=/admin/accounts").into_response();
    };
    let page = Page {
        after_id: after.max(0),
        limit: PAGE,
    };
    match state.run(move |app| app.list_accounts(&actor, page)).await {
        Ok(accounts) => respond(
            ctx,
            title(ctx),
            body(ctx, &accounts, after, error, typed, shown),
        ),
        Err(e) => super::error_page(ctx, &e),
    }
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<PageQuery>,
) -> Response {
    if let Err(r) = session::require(&ctx, Action::ManageAccounts) {
        return r;
    }
    render(&state, &ctx, q.after.unwrap_or(0), None).await
}

/// Runs a change for the signed-in administrator; back to the list when it
/// is done, the list with the refusal when it is not.
async fn change<F>(state: AppState, ctx: Ctx, form: CsrfForm, run: F) -> Response
where
    F: FnOnce(&gongshang_app::App, &gongshang_app::accounts::Actor) -> Result<(), AppError>
        + Send
        + 'static,
{
    let actor = match session::require(&ctx, Action::ManageAccounts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &form.csrf_token) {
        return r;
    }
    match state.run(move |app| run(app, &actor)).await {
        Ok(()) => {
            state.forget_tokens();
            Redirect::to("/admin/accounts").into_response()
        }
        Err(e) => {
            let status = super::error_status(&e);
            (status, render(&state, &ctx, 0, Some(&e)).await).into_response()
        }
    }
}

async fn disable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(login): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    change(state, ctx, f, move |app, actor| {
        app.set_account_disabled(actor, &login, true).map(|_| ())
    })
    .await
}

async fn enable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(login): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    change(state, ctx, f, move |app, actor| {
        app.set_account_disabled(actor, &login, false).map(|_| ())
    })
    .await
}

async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    change(state, ctx, f, move |app, actor| {
        app.revoke_api_token(actor, id)
    })
    .await
}
