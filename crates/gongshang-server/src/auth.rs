//! Who is asking: the session cookie (the web UI) or a bearer API token
//! (platforms and other machines), and what their role lets them do.
//!
//! For the UI pages:
//! - [`CurrentUser`] in a handler's arguments refuses with 401 when nobody
//!   is signed in; [`MaybeUser`] lets anonymous callers through (the public
//!   calculator). Both give the [`Account`] with its [`Role`] and its
//!   [`Scope`] (the unit or the person a user may see).
//! - [`CurrentUser::actor`] is who the app's use cases act for: they decide
//!   whether the role may (403 `forbidden`) and whether a record is in the
//!   scope (404 when it is not, so that its existence does not leak).
//! - Sign in with [`start_session`] (checks the password, returns the
//!   `Set-Cookie` header and the session's CSRF token) and out with
//!   [`end_session`]. The cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`
//!   (and `Secure` when the server runs behind TLS: [`crate::AppState::secure_cookies`]).
//! - CSRF: every state-changing request made with the session cookie must
//!   carry the session's token, either in an `X-CSRF-Token` header (htmx:
//!   `hx-headers='{"X-CSRF-Token": "..."}'` on `<body>`), which
//!   [`CurrentUser`] checks itself, or in a hidden form field
//!   `csrf_token`, which the handler checks with
//!   [`FormUser::check_csrf`] (use [`FormUser`] instead of [`CurrentUser`]
//!   for plain HTML form posts). Bearer tokens need no CSRF token: a browser
//!   never sends them by itself.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use gongshang_app::accounts::{Account, Actor, NewSession, Role, Scope};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "gongshang_session";
/// The header that carries the CSRF token of a session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The session cookie; state-changing requests need the CSRF token.
    Session { csrf_token: String },
    /// `Authorization: Bearer gs_...`.
    Token,
}

/// A signed-in caller. As an extractor: 401 without credentials; for a
/// state-changing request made with the session cookie, 403 `csrf` unless
/// the `X-CSRF-Token` header carries the session's token.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub account: Account,
    pub credential: Credential,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.account.role
    }

    pub fn scope(&self) -> &Scope {
        &self.account.scope
    }

    /// The session's CSRF token, for the UI's forms and `hx-headers`.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { csrf_token } => Some(csrf_token),
            Credential::Token => None,
        }
    }

    /// The account acting: every use case of the app takes it and decides
    /// whether it may.
    pub fn actor(&self) -> Actor {
        self.account.actor()
    }
}

/// Whether a submitted secret (a CSRF token) is the expected one, in time
/// that does not depend on where they differ (`subtle`; only the length
/// shows, and every token has the same length). An empty expected secret
/// matches nothing.
pub fn secret_matches(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// A signed-in caller of a plain HTML form post: like [`CurrentUser`] but
/// the CSRF token comes in the form, so the handler must call
/// [`FormUser::check_csrf`] with the form's `csrf_token` field before it
/// changes anything.
#[derive(Clone, Debug)]
pub struct FormUser(pub CurrentUser);

impl FormUser {
    /// 403 `csrf` unless `submitted` is the session's token (bearer callers
    /// pass).
    pub fn check_csrf(self, submitted: &str) -> ApiResult<CurrentUser> {
        match &self.0.credential {
            Credential::Token => Ok(self.0),
            Credential::Session { csrf_token } if secret_matches(csrf_token, submitted) => {
                Ok(self.0)
            }
            Credential::Session { .. } => Err(ApiError::new(
                "csrf",
                "the form's csrf_token does not match the session; reload the page",
            )),
        }
    }
}

/// A caller who may be anonymous.
#[derive(Clone, Debug)]
pub struct MaybeUser(pub Option<CurrentUser>);

/// The value of the request's cookie `name` (parsed by the `cookie` crate,
/// through axum-extra's jar).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// Who the request's credentials name, without the CSRF check; the
/// request's log line learns the actor.
async fn authenticate(parts: &Parts, state: &AppState) -> ApiResult<Option<CurrentUser>> {
    let user = credentials(parts, state).await?;
    if let (Some(u), Some(slot)) = (&user, parts.extensions.get::<crate::log::ActorSlot>()) {
        slot.set(u.account.audit_name());
    }
    Ok(user)
}

async fn credentials(parts: &Parts, state: &AppState) -> ApiResult<Option<CurrentUser>> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    "unauthenticated",
                    "the Authorization header must be `Bearer <token>`",
                )
            })?
            .to_owned();
        // Read before the token: a revocation committed after this read
        // raises the epoch, so the account read below is not trusted again.
        let epoch = match state.app.known_credentials_epoch() {
            Some(epoch) => epoch,
            None => state.run_read(|app| app.credentials_epoch()).await?,
        };
        if let Some(account) = state.cached_token(&token, epoch) {
            return Ok(Some(CurrentUser {
                account,
                credential: Credential::Token,
            }));
        }
        let lookup = token.clone();
        let account = state
            .run(move |app| app.account_by_token(&lookup))
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    "unauthenticated",
                    "the bearer token is unknown or revoked; ask an administrator for a new one",
                )
            })?;
        state.cache_token(&token, &account, epoch);
        return Ok(Some(CurrentUser {
            account,
            credential: Credential::Token,
        }));
    }
    if let Some(id) = cookie(&parts.headers, SESSION_COOKIE)
        && let Some(session) = state.run(move |app| app.session(&id)).await?
    {
        return Ok(Some(CurrentUser {
            account: session.account,
            credential: Credential::Session {
                csrf_token: session.csrf_token,
            },
        }));
    }
    Ok(None)
}

fn safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<CurrentUser> {
        let user = authenticate(parts, state)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        if let Credential::Session { csrf_token } = &user.credential
            && !safe(&parts.method)
        {
            let submitted = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !secret_matches(csrf_token, submitted) {
                return Err(ApiError::new(
                    "csrf",
                    "a request made with the session cookie must carry the session's X-CSRF-Token header",
                ));
            }
        }
        Ok(user)
    }
}

impl FromRequestParts<AppState> for FormUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<FormUser> {
        Ok(FormUser(
            authenticate(parts, state)
                .await?
                .ok_or_else(ApiError::unauthenticated)?,
        ))
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<MaybeUser> {
        Ok(MaybeUser(authenticate(parts, state).await?))
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> ApiResult<Option<CurrentUser>> {
        authenticate(parts, state).await
    }
}

fn set_cookie(cookie: Cookie<'_>) -> HeaderValue {
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(session: &NewSession, secure: bool) -> HeaderValue {
    let max_age = gongshang_app::accounts::SESSION_HOURS * 3600;
    set_cookie(
        Cookie::build((SESSION_COOKIE, session.session_id.as_str()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::seconds(max_age))
            .secure(secure)
            .build(),
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_cookie() -> HeaderValue {
    set_cookie(
        Cookie::build((SESSION_COOKIE, ""))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::ZERO)
            .build(),
    )
}

/// The cookie of the login form's CSRF token (double submit: the form
/// carries the same value in `login_csrf`). There is no session before
/// signing in, so this pre-session token is what stops another site from
/// signing a browser in under the other site's account ("login CSRF").
pub const LOGIN_CSRF_COOKIE: &str = "gongshang_login_csrf";

/// The `Set-Cookie` value of a login form's token: `SameSite=Strict` (a
/// cross-site post never carries it), `HttpOnly`, for the login page only,
/// for an hour.
pub fn login_csrf_cookie(token: &str, secure: bool) -> HeaderValue {
    set_cookie(
        Cookie::build((LOGIN_CSRF_COOKIE, token))
            .path("/login")
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(cookie::time::Duration::hours(1))
            .secure(secure)
            .build(),
    )
}

/// The client's address (the TCP peer), for the login throttle; `None`
/// when the router is served without connect info. `X-Forwarded-For` is not
/// trusted: anyone can send it (DESIGN.md, FAQ "Login throttling").
#[derive(Copy, Clone, Debug)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Signs in: `None` when the login or the password is wrong; otherwise the
/// `Set-Cookie` header to send and the new session (its CSRF token and
/// account). 429 `too_many_attempts` (with `Retry-After`) while the login or
/// the client's address is throttled ([`crate::throttle`]); the password is
/// not even checked then.
pub async fn start_session(
    state: &AppState,
    login: String,
    password: String,
    client: ClientAddr,
) -> ApiResult<Option<(HeaderValue, NewSession)>> {
    let throttle = std::sync::Arc::clone(&state.throttle);
    throttle
        .begin(&login, client.0, state.app.now())
        .map_err(ApiError::too_many_attempts)?;
    let name = login.clone();
    let session = state
        .run(move |app| app.login(&login, &password))
        .await
        .inspect_err(|_| throttle.abandoned(&name, client.0))?;
    if session.is_some() {
        throttle.succeeded(&name, client.0);
    }
    Ok(session.map(|s| (session_cookie(&s, state.secure_cookies), s)))
}

/// Signs out the session of the request's cookie (if any); returns the
/// `Set-Cookie` header that clears the cookie.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> ApiResult<HeaderValue> {
    if let Some(id) = cookie(headers, SESSION_COOKIE) {
        state.run(move |app| app.logout(&id)).await?;
    }
    Ok(cleared_cookie())
}
