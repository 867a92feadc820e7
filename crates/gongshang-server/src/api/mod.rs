//! The JSON API under `/api/v1`, one module per resource. Each handler:
//! the caller ([`crate::auth::CurrentUser`]), a request type with
//! `deny_unknown_fields`, one service call on the blocking pool, a view type
//! (never a domain type). Lists page by keyset: `?limit=&after=` (see
//! [`PageQuery`]).

pub mod accounts;
pub mod advances;
pub mod benefits;
pub mod bills;
pub mod calculate;
pub mod cases;
pub mod coverage;
pub mod deferrals;
pub mod enrollment;
pub mod fund;
pub mod handling;
pub mod holidays;
pub mod inherited;
pub mod late_fees;
pub mod liability;
pub mod matching;
pub mod medical;
pub mod missing;
pub mod monitor;
pub mod orders;
pub mod pauses;
pub mod payers;
pub mod payments;
pub mod recurrences;
pub mod registry;
pub mod review;
pub mod revisions;
pub mod simulation_jobs;
pub mod stats;
pub mod tickets;
pub mod unit_dues;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};

/// Every API route, with its OpenAPI description, under `/api/v1`.
pub fn router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(registry::router())
        .merge(enrollment::router())
        .merge(bills::router())
        .merge(payments::router())
        .merge(late_fees::router())
        .merge(orders::router())
        .merge(coverage::router())
        .merge(calculate::router())
        .merge(accounts::router())
        .merge(cases::router())
        .merge(missing::router())
        .merge(recurrences::router())
        .merge(liability::router())
        .merge(inherited::router())
        .merge(payers::router())
        .merge(unit_dues::router())
        .merge(deferrals::router())
        .merge(advances::router())
        .merge(revisions::router())
        .merge(benefits::router())
        .merge(stats::router())
        .merge(holidays::router())
        .merge(tickets::router())
        // Issue 13: the checker's side of awards.
        .merge(review::router())
        .merge(fund::router())
        .merge(monitor::router())
        .merge(matching::router())
        .merge(medical::router())
        .merge(handling::router())
        .merge(pauses::router())
        // issue 14: saved scenarios and simulation jobs
        .merge(simulation_jobs::router());
    OpenApiRouter::new().nest("/api/v1", v1)
}

/// A JSON body; a body that does not parse is a `malformed_request` problem
/// naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// A query string; one that does not parse is a `malformed_query` problem.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

/// A JSON answer with a status.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    json_sized(status, value, 1024)
}

/// A JSON answer serialized into a buffer of `capacity` bytes to start
/// with: an award with its trace is about 8 KiB, and growing a small buffer
/// to that size copies it several times; a coverage answer is under 1 KiB.
pub fn json_sized<T: Serialize>(status: StatusCode, value: &T, capacity: usize) -> Response {
    let mut body = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// Keyset pagination: `limit` (1 to 1000, default 100) items after the id
/// `after` (the `next_after` of the previous page; 0 or absent for the
/// first page).
#[derive(Clone, Copy, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub limit: Option<u32>,
    pub after: Option<i64>,
}

impl PageQuery {
    pub fn page(self) -> ApiResult<gongshang_app::model::Page> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::new(
                "malformed_query",
                format!("limit {limit}; expected 1 to 1000"),
            )
            .with_field("limit"));
        }
        let after = self.after.unwrap_or(0);
        if after < 0 {
            return Err(ApiError::new(
                "malformed_query",
                format!("after {after}; expected an id of 0 or more"),
            )
            .with_field("after"));
        }
        Ok(gongshang_app::model::Page {
            after_id: after,
            limit,
        })
    }
}

/// One page of a list.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

impl<T> Paged<T> {
    /// A page of `limit` asked for: full pages point to the next one.
    pub fn new(items: Vec<T>, limit: u32, id: impl Fn(&T) -> i64) -> Paged<T> {
        let next_after = (items.len() == limit as usize)
            .then(|| items.last().map(&id))
            .flatten();
        Paged { items, next_after }
    }
}

/// The `Idempotency-Key` header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Parses a JSON body already read as bytes (for handlers that also hash
/// the body for their idempotency key).
pub fn parse_body<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> ApiResult<T> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(ApiError::new(
            "unsupported_media_type",
            "the body must be sent with Content-Type: application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let text = e.to_string();
        let field = text
            .split('`')
            .nth(1)
            .filter(|_| text.contains("field `"))
            .map(str::to_owned);
        let mut err = ApiError::new("malformed_request", text);
        err.field = field;
        err
    })
}

/// Runs a POST that moves money under the caller's `Idempotency-Key`: the
/// same key and body again gets the stored answer (with
/// `Idempotency-Replayed: true`), another body under the key a 409
/// `idempotency_mismatch`. Only successful answers are kept, so a refused
/// request may be corrected and sent again under its key. Without the header
/// the request simply runs (unless `required`).
pub async fn idempotent<F, Fut>(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    body: &Bytes,
    required: bool,
    run: F,
) -> Response
where
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = ApiResult<(StatusCode, serde_json::Value)>>,
{
    let key = match headers.get(IDEMPOTENCY_KEY).map(|v| v.to_str()) {
        None if required => {
            return ApiError::new(
                "idempotency_key_missing",
                "send an Idempotency-Key header (1 to 60 visible ASCII characters) so that a retry cannot pay twice",
            )
            .with_field("Idempotency-Key")
            .into_response();
        }
        None => return respond(run(None).await),
        Some(Ok(k))
            if !k.is_empty() && k.len() <= 60 && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            k.to_owned()
        }
        Some(_) => {
            return ApiError::invalid(
                "Idempotency-Key",
                "expected 1 to 60 visible ASCII characters",
            )
            .into_response();
        }
    };
    let request_hash = gongshang_app::accounts::secret_hash(&String::from_utf8_lossy(body));
    let user_id = user.account.id;
    let lookup = key.clone();
    let stored = state
        .run(move |app| app.idempotent_response(user_id, &lookup))
        .await;
    match stored {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(Some(s)) => return replay(&s, &request_hash, &key),
        Ok(None) => {}
    }
    match run(Some(key.clone())).await {
        Ok((status, value)) => {
            let stored_body = value.to_string();
            let response = gongshang_app::model::StoredResponse {
                request_hash: request_hash.clone(),
                status: status.as_u16(),
                body: stored_body.clone(),
            };
            let saved_key = key.clone();
            let saved = state
                .run(move |app| app.save_idempotent_response(user_id, &saved_key, &response))
                .await;
            match saved {
                // Another request under the key finished first: answer as it did.
                Ok(s) if s.body != stored_body => replay(&s, &request_hash, &key),
                Ok(_) => json(status, &value),
                Err(e) => ApiError::from(e).into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

fn replay(
    stored: &gongshang_app::model::StoredResponse,
    request_hash: &str,
    key: &str,
) -> Response {
    if stored.request_hash != request_hash {
        return ApiError::new(
            "idempotency_mismatch",
            format!(
                "Idempotency-Key {key:?} was used before for a different request; use a new key for a new request"
            ),
        )
        .with_field("Idempotency-Key")
        .into_response();
    }
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::HeaderName::from_static("idempotency-replayed"),
                HeaderValue::from_static("true"),
            ),
        ],
        stored.body.clone(),
    )
        .into_response()
}

fn respond(result: ApiResult<(StatusCode, serde_json::Value)>) -> Response {
    match result {
        Ok((status, value)) => json(status, &value),
        Err(e) => e.into_response(),
    }
}

/// A value as JSON for [`idempotent`].
pub fn to_value<T: Serialize>(value: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(value).map_err(ApiError::internal)
}

/// The wire text of an enum of the rules engine or the domain: its serde
/// name (`one_time_disability_subsidy`, `fund`, `monthly`, ...).
pub fn wire<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// An enum of the rules engine or the domain from its wire text, or a
/// 422 naming the field and the text.
pub fn from_wire<T: DeserializeOwned>(field: &str, text: &str) -> ApiResult<T> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned()))
        .map_err(|_| ApiError::invalid(field, format!("{text:?} is not a known {field}")))
}
