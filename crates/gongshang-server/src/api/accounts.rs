//! Who am I, signing in and out (the session cookie), accounts and API
//! tokens (administrators).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::accounts::{Account, AccountInput, PasswordCost, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, json};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, end_session, start_session};
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(login, logout))
        .routes(routes!(create_account))
        .routes(routes!(create_token))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// clerk, reviewer, administrator, unit, worker or analyst.
    pub role: String,
    /// The unit a unit user acts for.
    pub unit: Option<String>,
    /// The platform a platform's unit user imports orders for.
    pub platform: Option<String>,
    /// The person a worker is (masked).
    pub person: Option<String>,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        let (unit, platform, person) = match &a.scope {
            Scope::Unit { unit, platform } => (
                Some(unit.as_str().to_owned()),
                platform.as_ref().map(|p| p.as_str().to_owned()),
                None,
            ),
            Scope::Person(p) => (None, None, Some(p.masked())),
            Scope::All | Scope::StatisticsOnly => (None, None, None),
        };
        AccountView {
            id: a.id,
            login: a.login.clone(),
            display_name: a.display_name.clone(),
            role: a.role.as_str().to_owned(),
            unit,
            platform,
            person,
        }
    }
}

/// The caller's account.
#[utoipa::path(get, path = "/me", tag = "accounts",
    responses((status = 200, body = AccountView), (status = 401, body = Problem)))]
pub async fn me(user: CurrentUser) -> Response {
    json(StatusCode::OK, &AccountView::from(&user.account))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    pub account: AccountView,
    /// Send it as `X-CSRF-Token` with every state-changing request of the
    /// session.
    pub csrf_token: String,
    pub expires_at: String,
}

/// Sign in: sets the `gongshang_session` cookie (HttpOnly, SameSite=Lax).
/// Repeated failures of a login (or from an address) are slowed down, then
/// refused for a while: 429 `too_many_attempts` with `Retry-After`.
#[utoipa::path(post, path = "/session", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = SessionView), (status = 401, body = Problem),
        (status = 429, body = Problem, headers(("Retry-After" = u64, description = "seconds to wait")))))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let (cookie, session) = start_session(&state, req.login, req.password, client)
        .await?
        .ok_or_else(|| ApiError::new("unauthenticated", "the login or the password is wrong"))?;
    let mut response = json(
        StatusCode::OK,
        &SessionView {
            account: AccountView::from(&session.account),
            csrf_token: session.csrf_token.clone(),
            expires_at: session.expires_at.to_string(),
        },
    );
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/session", tag = "accounts",
    responses((status = 204), (status = "4XX", body = Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    _user: CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let cookie = end_session(&state, &headers).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    pub login: String,
    #[serde(default)]
    pub display_name: String,
    /// clerk, reviewer, administrator, unit, worker or analyst.
    pub role: String,
    /// A unit user's unit (credit code).
    #[serde(default)]
    pub unit: Option<String>,
    /// A platform's unit user: the platform id of its orders.
    #[serde(default)]
    pub platform: Option<String>,
    /// A worker's identity number.
    #[serde(default)]
    pub person: Option<String>,
    /// At least 10 characters; absent for an account that uses API tokens
    /// only.
    #[serde(default)]
    pub password: Option<String>,
}

/// Create an account (administrators).
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = AccountRequest,
    responses((status = 201, body = AccountView), (status = "4XX", body = Problem)))]
pub async fn create_account(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<AccountRequest>,
) -> ApiResult<Response> {
    let input = AccountInput {
        login: req.login,
        display_name: req.display_name,
        role: req.role,
        unit: req.unit,
        platform: req.platform,
        person: req.person,
        password: req.password,
    };
    let actor = user.actor();
    let account = state
        .run(move |app| app.create_account(&actor, &input, PasswordCost::Standard))
        .await?;
    Ok(json(StatusCode::CREATED, &AccountView::from(&account)))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for, e.g. "meituan order feed".
    pub label: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    /// Shown once: only its hash is kept. Send it as
    /// `Authorization: Bearer <token>`.
    pub token: String,
}

/// Create an API token for an account (administrators).
#[utoipa::path(post, path = "/accounts/{login}/tokens", tag = "accounts", request_body = TokenRequest,
    params(("login" = String, Path, description = "the account's login")),
    responses((status = 201, body = TokenView), (status = "4XX", body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(login): Path<String>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let (id, token) = state
        .run(move |app| app.create_api_token(&actor, &login, &req.label))
        .await?;
    Ok(json(StatusCode::CREATED, &TokenView { id, token }))
}
