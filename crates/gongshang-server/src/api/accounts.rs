//! Who am I, signing in and out (the session cookie), accounts and API
//! tokens (administrators).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::accounts::{
    Account, AccountInput, AccountListing, PasswordCost, Scope, TokenInfo,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiQuery, PageQuery, Paged, json};
use crate::AppState;
use crate::auth::{ClientAddr, CurrentUser, end_session, start_session};
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(login, logout))
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(create_token))
        .routes(routes!(disable_account))
        .routes(routes!(enable_account))
        .routes(routes!(revoke_token))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// clerk, reviewer, administrator, unit, worker, analyst, front_desk,
    /// mediator or partner.
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
            Scope::All | Scope::StatisticsOnly | Scope::Partner(_) => (None, None, None),
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
    /// A partner user's body (`xm-arbitration`, ...).
    #[serde(default)]
    pub partner_body: Option<String>,
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
        partner_body: req.partner_body,
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

/// An API token as an administrator sees it (never the secret).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenInfoView {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    /// When it was revoked; a revoked token is refused.
    pub revoked_at: Option<String>,
}

impl From<&TokenInfo> for TokenInfoView {
    fn from(t: &TokenInfo) -> Self {
        TokenInfoView {
            id: t.id,
            label: t.label.clone(),
            created_at: t.created_at.to_string(),
            revoked_at: t.revoked_at.map(|r| r.to_string()),
        }
    }
}

/// An account with its state and its tokens (administrators).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountListingView {
    #[serde(flatten)]
    pub account: AccountView,
    /// A disabled account cannot sign in and its tokens are refused.
    pub disabled: bool,
    pub created_at: String,
    pub tokens: Vec<TokenInfoView>,
}

impl From<&AccountListing> for AccountListingView {
    fn from(a: &AccountListing) -> Self {
        AccountListingView {
            account: AccountView::from(&a.account),
            disabled: a.disabled,
            created_at: a.created_at.to_string(),
            tokens: a.tokens.iter().map(TokenInfoView::from).collect(),
        }
    }
}

/// The accounts, with whether each is disabled and its API tokens
/// (administrators). Pages by `?limit=&after=`.
#[utoipa::path(get, path = "/accounts", tag = "accounts", params(PageQuery),
    responses((status = 200, body = Paged<AccountListingView>), (status = "4XX", body = Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let actor = user.actor();
    let accounts = state
        .run(move |app| app.list_accounts(&actor, page))
        .await?;
    let views: Vec<AccountListingView> = accounts.iter().map(AccountListingView::from).collect();
    Ok(json(
        StatusCode::OK,
        &Paged::new(views, page.limit, |a| a.account.id),
    ))
}

async fn set_disabled(
    state: AppState,
    user: CurrentUser,
    login: String,
    disabled: bool,
) -> ApiResult<Response> {
    let actor = user.actor();
    let listing = state
        .run(move |app| app.set_account_disabled(&actor, &login, disabled))
        .await?;
    // The account's tokens must not outlive the change in this server's
    // cache of tokens (its sessions are read on every request anyway).
    state.forget_tokens();
    Ok(json(StatusCode::OK, &AccountListingView::from(&listing)))
}

/// Disable an account (administrators), at once: it cannot sign in, its
/// sessions end, and its tokens are refused from the next request on.
#[utoipa::path(post, path = "/accounts/{login}/disable", tag = "accounts",
    params(("login" = String, Path, description = "the account's login")),
    responses((status = 200, body = AccountListingView), (status = "4XX", body = Problem)))]
pub async fn disable_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(login): Path<String>,
) -> ApiResult<Response> {
    set_disabled(state, user, login, true).await
}

/// Enable a disabled account again (administrators); its tokens that were
/// not revoked work again, its sessions do not come back.
#[utoipa::path(post, path = "/accounts/{login}/enable", tag = "accounts",
    params(("login" = String, Path, description = "the account's login")),
    responses((status = 200, body = AccountListingView), (status = "4XX", body = Problem)))]
pub async fn enable_account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(login): Path<String>,
) -> ApiResult<Response> {
    set_disabled(state, user, login, false).await
}

/// Revoke an API token (administrators): refused from the next request on.
/// 404 for a token unknown or already revoked.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "the token's id")),
    responses((status = 204), (status = "4XX", body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let actor = user.actor();
    state
        .run(move |app| app.revoke_api_token(&actor, id))
        .await?;
    state.forget_tokens();
    Ok(StatusCode::NO_CONTENT.into_response())
}
