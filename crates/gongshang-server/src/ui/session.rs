//! Who is looking at a page, from [`crate::auth`]: the login form, sign out,
//! the header's badge, and the checks pages make.
//!
//! Pages take [`super::Ctx`], whose `viewer` is the signed-in user or
//! nobody. A page that needs a user calls [`Viewer::require`]: nobody goes
//! to `/login`, a role without the right gets a 403 page. Forms carry the
//! session's CSRF token in a hidden `csrf_token` field and htmx requests
//! send it in the `X-CSRF-Token` header (set on `<body>`), so a post is
//! checked by [`check_csrf`].

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use gongshang_app::accounts::{Action, Actor, Role, Scope};
use gongshang_domain::ids::ResidentId;
use maud::{Markup, html};
use serde::Deserialize;

use super::{Ctx, page};
use crate::AppState;
use crate::auth::{
    ClientAddr, CurrentUser, LOGIN_CSRF_COOKIE, MaybeUser, cookie, end_session, login_csrf_cookie,
    secret_matches, start_session,
};

/// The signed-in user, or nobody.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<CurrentUser>);

impl Viewer {
    pub fn user(&self) -> Option<&CurrentUser> {
        self.0.as_ref()
    }

    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|u| u.role())
    }

    pub fn is_agency(&self) -> bool {
        self.role().is_some_and(Role::is_agency)
    }

    /// The person a worker is.
    pub fn person(&self) -> Option<ResidentId> {
        match self.0.as_ref().map(|u| u.scope()) {
            Some(Scope::Person(p)) => Some(*p),
            _ => None,
        }
    }

    /// Who acts, if anybody is signed in.
    pub fn actor(&self) -> Option<Actor> {
        self.0.as_ref().map(CurrentUser::actor)
    }

    pub fn csrf(&self) -> &str {
        self.0.as_ref().and_then(|u| u.csrf_token()).unwrap_or("")
    }

    pub fn may(&self, action: Action) -> bool {
        self.0.as_ref().is_some_and(|u| u.account.may(action))
    }
}

/// The signed-in actor, or the login form for nobody. What the actor may
/// do is the app's to decide.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn signed_in(ctx: &Ctx) -> Result<Actor, Response> {
    ctx.viewer
        .actor()
        .ok_or_else(|| Redirect::to(&format!("/login?next={}", ctx.path)).into_response())
}

/// Refuses a page: to the login form for nobody, 403 for a role without
/// the right.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn require(ctx: &Ctx, action: Action) -> Result<&CurrentUser, Response> {
    match ctx.viewer.user() {
        None => Err(Redirect::to(&format!("/login?next={}", ctx.path)).into_response()),
        Some(u) if u.account.may(action) => Ok(u),
        Some(_) => Err(forbidden(ctx)),
    }
}

pub fn forbidden(ctx: &Ctx) -> Response {
    let title = ctx.t("无权访问", "Not allowed");
    (
        StatusCode::FORBIDDEN,
        super::respond(
            ctx,
            title,
            html! {
                h1 { (title) }
                p { (ctx.t("您的角色不能查看或办理此项。", "Your role may not see or do this.")) }
            },
        ),
    )
        .into_response()
}

/// The signed-in actor of a form that carries the session's CSRF token:
/// to the login page when nobody is signed in, refused when the token is
/// not the session's.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn form_actor(ctx: &Ctx, submitted: &str) -> Result<Actor, Response> {
    let actor = signed_in(ctx)?;
    check_csrf(ctx, submitted)?;
    Ok(actor)
}

/// 403 unless the form's token is the session's.
// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn check_csrf(ctx: &Ctx, submitted: &str) -> Result<(), Response> {
    if crate::auth::secret_matches(ctx.viewer.csrf(), submitted) {
        Ok(())
    } else {
        Err((
            StatusCode::FORBIDDEN,
            super::respond(
                ctx,
                "CSRF",
                html! { div.alert.error role="alert" { (ctx.t("表单已过期，请刷新页面后重试。", "The form has expired; reload the page and try again.")) } },
            ),
        )
            .into_response())
    }
}

pub(super) async fn viewer(parts: &mut Parts, state: &AppState) -> Viewer {
    use axum::extract::FromRequestParts;
    match MaybeUser::from_request_parts(parts, state).await {
        Ok(MaybeUser(user)) => Viewer(user),
        Err(_) => Viewer(None),
    }
}

/// The hidden CSRF field of a form.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(ctx.viewer.csrf()); }
}

pub fn role_label(ctx: &Ctx, role: Role) -> &'static str {
    match role {
        Role::Clerk => ctx.lang.t("经办人", "Clerk"),
        Role::Reviewer => ctx.lang.t("审核人", "Reviewer"),
        Role::Administrator => ctx.lang.t("管理员", "Administrator"),
        Role::Unit => ctx.lang.t("单位用户", "Unit user"),
        Role::Worker => ctx.lang.t("个人", "Worker"),
        Role::Analyst => ctx.lang.t("分析员", "Analyst"),
        Role::FrontDesk => ctx.lang.t("综合受理窗口", "Front desk"),
        Role::Mediator => ctx.lang.t("调解员", "Mediator"),
        Role::Partner => ctx.lang.t("转介单位", "Partner body"),
    }
}

/// The header's badge: who is signed in and the sign-out button, or the
/// sign-in link.
pub fn badge(ctx: &Ctx) -> Markup {
    html! {
        @match ctx.viewer.user() {
            Some(u) => {
                span.who { (u.account.display_name) " · " (role_label(ctx, u.role())) }
                form.inline method="post" action="/logout" hx-boost="false" {
                    (csrf_field(ctx))
                    button.link type="submit" { (ctx.t("退出", "Sign out")) }
                }
            }
            None => {
                a.signin href="/login" { (ctx.t("登录", "Sign in")) }
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
}

fn login_page(ctx: &Ctx, next: &str, form_token: &str, failed: bool) -> Markup {
    let wrong = ctx.t("账号或密码不正确。", "The login or the password is wrong.");
    login_page_alert(ctx, next, form_token, failed.then(|| wrong.to_owned()))
}

fn login_page_alert(ctx: &Ctx, next: &str, form_token: &str, alert: Option<String>) -> Markup {
    let title = ctx.t("登录", "Sign in");
    page(
        ctx,
        title,
        html! {
            section.card.narrow {
                h1 { (title) }
                @if let Some(alert) = &alert {
                    div.alert.error role="alert" { (alert) }
                }
                form method="post" action="/login" hx-boost="false" {
                    input type="hidden" name="next" value=(next);
                    input type="hidden" name="login_csrf" value=(form_token);
                    label for="login" { (ctx.t("账号", "Login")) }
                    input #login name="login" autocomplete="username" required autofocus;
                    label for="password" { (ctx.t("密码", "Password")) }
                    input #password name="password" type="password" autocomplete="current-password" required;
                    button.primary type="submit" { (title) }
                }
                p.muted { (ctx.t("演示账号见 `gongshang demo` 的输出。", "The demo's logins are printed by `gongshang demo`.")) }
            }
        },
    )
}

/// The login form's CSRF token: the one of the browser's cookie, or a new
/// one (with the `Set-Cookie` to send).
fn login_form_token(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, LOGIN_CSRF_COOKIE).filter(|t| t.len() == 64) {
        Some(token) => (token, None),
        None => {
            let token = gongshang_app::accounts::new_form_token();
            let set = login_csrf_cookie(&token, state.secure_cookies);
            (token, Some(set))
        }
    }
}

/// A login page answer, with the form token's cookie when it is new.
fn login_response(status: StatusCode, page: Markup, set_cookie: Option<HeaderValue>) -> Response {
    let mut r = (status, Html(page.into_string())).into_response();
    if let Some(c) = set_cookie {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

async fn login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    let (token, set) = login_form_token(&state, &headers);
    let page = login_page(&ctx, &safe_next(q.next.as_deref()), &token, false);
    login_response(StatusCode::OK, page, set)
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
    /// The double-submitted token of [`LOGIN_CSRF_COOKIE`].
    #[serde(default)]
    login_csrf: String,
}

/// Only paths of this site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_owned()
        }
        _ => String::new(),
    }
}

/// Where a role starts.
pub(super) fn home(role: Role) -> &'static str {
    match role {
        Role::Worker => "/me",
        Role::Unit => "/employer",
        Role::FrontDesk | Role::Mediator | Role::Partner => "/tickets",
        _ => "/",
    }
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    // Login CSRF: the form's token must be the cookie's (a page of another
    // site can post the form, but cannot read or set the cookie). Checked
    // before the throttle: a forged post costs the login nothing.
    let (token, set) = login_form_token(&state, &headers);
    if set.is_some() || !secret_matches(&token, &f.login_csrf) {
        let alert = ctx.t(
            "登录表单已过期，请重新输入。",
            "The sign-in form has expired; please sign in again.",
        );
        let page = login_page_alert(&ctx, &next, &token, Some(alert.to_owned()));
        return login_response(StatusCode::FORBIDDEN, page, set);
    }
    match start_session(&state, f.login, f.password, client).await {
        Ok(Some((cookie, session))) => {
            let to = if next.is_empty() {
                home(session.account.role).to_owned()
            } else {
                next
            };
            let mut r = Redirect::to(&to).into_response();
            r.headers_mut().insert(header::SET_COOKIE, cookie);
            r
        }
        Ok(None) => login_response(
            StatusCode::UNAUTHORIZED,
            login_page(&ctx, &next, &token, true),
            None,
        ),
        // Throttled (crate::throttle): the page again, saying how long to wait.
        Err(crate::error::ApiError {
            retry_after: Some(secs),
            ..
        }) => {
            let alert = format!(
                "{} {secs} {}",
                ctx.t(
                    "登录失败次数过多，请稍后再试：",
                    "Too many failed sign-ins; try again in"
                ),
                ctx.t("秒。", "s.")
            );
            let page = login_page_alert(&ctx, &next, &token, Some(alert));
            let mut r = login_response(StatusCode::TOO_MANY_REQUESTS, page, None);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<LogoutForm>,
) -> Response {
    if ctx.viewer.user().is_some()
        && let Err(r) = check_csrf(&ctx, &f.csrf_token)
    {
        return r;
    }
    match end_session(&state, &headers).await {
        Ok(cookie) => {
            let mut r = Redirect::to("/login").into_response();
            r.headers_mut().insert(header::SET_COOKIE, cookie);
            r
        }
        Err(e) => e.into_response(),
    }
}
