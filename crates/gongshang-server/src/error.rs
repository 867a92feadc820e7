//! The API's one error table: every refusal is an `application/problem+json`
//! answer (RFC 9457) with a stable `code`, a `title` per code, a `detail` a
//! person can act on and the `field` at fault. Internal errors are logged
//! with their detail and answered with a bare `internal` problem.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// One row of the error table.
#[derive(Copy, Clone, Debug)]
pub struct ErrorKind {
    pub code: &'static str,
    pub status: u16,
    pub title: &'static str,
}

/// THE error table: every `code` the API answers with, its status and its
/// title. Every code the app, the domain, the rules engine and the store can
/// give has its row (`tests::every_code_of_the_crates_has_a_row`); a code
/// not found here would be answered as 422 `invalid`.
pub const ERROR_TABLE: &[ErrorKind] = &[
    ErrorKind {
        code: "malformed_request",
        status: 400,
        title: "the request body is not valid JSON of the expected shape",
    },
    ErrorKind {
        code: "malformed_query",
        status: 400,
        title: "the query string is not valid",
    },
    ErrorKind {
        code: "idempotency_key_missing",
        status: 400,
        title: "an Idempotency-Key header is required",
    },
    ErrorKind {
        code: "unauthenticated",
        status: 401,
        title: "sign in or send a bearer token",
    },
    ErrorKind {
        code: "forbidden",
        status: 403,
        title: "your role may not do this",
    },
    ErrorKind {
        code: "csrf",
        status: 403,
        title: "the form is stale: reload the page and try again",
    },
    ErrorKind {
        code: "not_found",
        status: 404,
        title: "no such record",
    },
    ErrorKind {
        code: "conflict",
        status: 409,
        title: "the change contradicts what is stored",
    },
    ErrorKind {
        code: "duplicate",
        status: 409,
        title: "it exists already",
    },
    ErrorKind {
        code: "maker_checker",
        status: 409,
        title: "a second person must approve what you made",
    },
    ErrorKind {
        code: "idempotency_mismatch",
        status: 409,
        title: "the idempotency key was used before for a different request",
    },
    // A case's flow refused a command: the case's state does not allow it.
    ErrorKind {
        code: "case_closed",
        status: 409,
        title: "the case is closed",
    },
    ErrorKind {
        code: "command_not_allowed",
        status: 409,
        title: "the case's state does not allow this command",
    },
    ErrorKind {
        code: "already_done",
        status: 409,
        title: "this was done before and may be done once",
    },
    ErrorKind {
        code: "before_last_event",
        status: 409,
        title: "the command's day is before the case's last event",
    },
    ErrorKind {
        code: "materials_incomplete",
        status: 409,
        title: "materials are missing from the case",
    },
    ErrorKind {
        code: "accident_already_recognised",
        status: 409,
        title: "the accident is already recognised in another case",
    },
    ErrorKind {
        code: "ledger_key_conflict",
        status: 409,
        title: "the idempotency key is used by another ledger transaction",
    },
    ErrorKind {
        code: "ledger_reversal_invalid",
        status: 409,
        title: "the transaction cannot be reversed",
    },
    ErrorKind {
        code: "method_not_allowed",
        status: 405,
        title: "this path does not take that method",
    },
    ErrorKind {
        code: "payload_too_large",
        status: 413,
        title: "the request body is too large",
    },
    ErrorKind {
        code: "unsupported_media_type",
        status: 415,
        title: "send application/json (or text/csv where allowed)",
    },
    ErrorKind {
        code: "invalid",
        status: 422,
        title: "the input is not valid",
    },
    ErrorKind {
        code: "invalid_input",
        status: 422,
        title: "the input is not valid",
    },
    ErrorKind {
        code: "input_out_of_range",
        status: 422,
        title: "an input is out of range",
    },
    ErrorKind {
        code: "input_conflict",
        status: 422,
        title: "two inputs contradict each other",
    },
    ErrorKind {
        code: "ledger_unbalanced",
        status: 422,
        title: "the ledger transaction does not balance",
    },
    ErrorKind {
        code: "not_eligible",
        status: 422,
        title: "the person may not enrol in the scheme",
    },
    ErrorKind {
        code: "identifier_invalid",
        status: 422,
        title: "an identifier is not valid",
    },
    ErrorKind {
        code: "input_missing",
        status: 422,
        title: "an input the calculation needs is missing",
    },
    ErrorKind {
        code: "unknown_scheme",
        status: 422,
        title: "no such scheme",
    },
    ErrorKind {
        code: "parameter_missing",
        status: 422,
        title: "a parameter is not loaded for that date or region",
    },
    ErrorKind {
        code: "holiday_file_invalid",
        status: 422,
        title: "the holiday arrangement file is not valid",
    },
    ErrorKind {
        code: "too_many_attempts",
        status: 429,
        title: "too many failed sign-ins; wait as Retry-After says",
    },
    ErrorKind {
        code: "internal",
        status: 500,
        title: "internal error; it was logged",
    },
    // Failures that are ours: logged, and answered as `internal` without
    // their detail; listed so that every code of the crates has its row.
    ErrorKind {
        code: "policy_invalid",
        status: 500,
        title: "internal error; it was logged",
    },
    ErrorKind {
        code: "invalid_data",
        status: 500,
        title: "internal error; it was logged",
    },
    ErrorKind {
        code: "backend",
        status: 500,
        title: "internal error; it was logged",
    },
    ErrorKind {
        code: "timeout",
        status: 503,
        title: "the request took too long and was stopped; try again",
    },
    ErrorKind {
        code: "unavailable",
        status: 503,
        title: "the service is shutting down or overloaded; try again",
    },
];

/// The row of `code`; unknown codes are input errors.
pub fn kind(code: &str) -> ErrorKind {
    ERROR_TABLE
        .iter()
        .copied()
        .find(|k| k.code == code)
        .unwrap_or(ErrorKind {
            code: "invalid",
            status: 422,
            title: "the input is not valid",
        })
}

/// The body of every error answer (`application/problem+json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// `about:blank`, or a link to the code's explanation.
    #[serde(rename = "type")]
    pub kind: String,
    /// The same for every answer with this code.
    pub title: String,
    pub status: u16,
    /// A stable machine code from the error table.
    pub code: String,
    /// What was wrong with this request, lower case, naming the value and
    /// what is allowed.
    pub detail: String,
    /// The input at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub detail: String,
    pub field: Option<String>,
    /// Seconds for the `Retry-After` header (429 `too_many_attempts`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            code: code.to_owned(),
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }

    /// 429 `too_many_attempts`: sign-ins refused for `seconds` more.
    pub fn too_many_attempts(seconds: u64) -> ApiError {
        let mut e = ApiError::new(
            "too_many_attempts",
            format!(
                "too many failed sign-ins for this login or from this address; try again in {seconds} s"
            ),
        )
        .with_field("login");
        e.retry_after = Some(seconds);
        e
    }

    /// 429 `too_many_attempts`: tickets filed without a login from this
    /// address refused for `seconds` more.
    pub fn too_many_filings(seconds: u64) -> ApiError {
        let mut e = ApiError::new(
            "too_many_attempts",
            format!("too many tickets filed from this address; try again in {seconds} s"),
        );
        e.retry_after = Some(seconds);
        e
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn invalid(field: &str, detail: impl Into<String>) -> ApiError {
        ApiError::new("invalid", detail).with_field(field)
    }

    /// Also what a caller gets for a record outside their scope, so that
    /// its existence does not leak.
    pub fn not_found(entity: &str, key: &str) -> ApiError {
        ApiError::new("not_found", format!("{entity} {key} not found"))
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            "unauthenticated",
            "no valid session cookie or bearer token; sign in at /login or send Authorization: Bearer <token>",
        )
    }

    /// An internal failure: logged with `detail`, answered without it.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(target: "gongshang::http", %detail, "internal error");
        ApiError::new("internal", "internal error; it was logged")
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(kind(&self.code).status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
    }

    pub fn problem(&self) -> Problem {
        let k = kind(&self.code);
        Problem {
            kind: "about:blank".into(),
            title: k.title.into(),
            status: k.status,
            code: self.code.clone(),
            detail: self.detail.clone(),
            field: self.field.clone(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        if e.is_internal() {
            return ApiError::internal(&e);
        }
        ApiError {
            code: e.code().to_owned(),
            detail: e.to_string(),
            field: e.field().map(str::to_owned),
            retry_after: None,
        }
    }
}

impl From<gongshang_rules::RulesError> for ApiError {
    fn from(e: gongshang_rules::RulesError) -> Self {
        ApiError::from(AppError::from(e))
    }
}

impl From<gongshang_domain::DomainError> for ApiError {
    fn from(e: gongshang_domain::DomainError) -> Self {
        ApiError::from(AppError::from(e))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                "unsupported_media_type",
                "the body must be sent with Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(_) => ApiError::new(
                "payload_too_large",
                "the body could not be read; at most 16 MiB is accepted",
            ),
            other => {
                let text = other.body_text();
                ApiError::new("malformed_request", text.clone()).with_field_from(&text)
            }
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        let text = r.body_text();
        ApiError::new("malformed_query", text.clone()).with_field_from(&text)
    }
}

impl ApiError {
    /// serde names the field in "unknown field `x`" and "missing field `x`"
    /// messages, and the path in "x.y: ..." ones.
    fn with_field_from(mut self, text: &str) -> ApiError {
        let field = text
            .split('`')
            .nth(1)
            .filter(|_| text.contains("field `"))
            .map(str::to_owned)
            .or_else(|| {
                let after = text.split_once(": ")?.1;
                let path = after.split_once(": ")?.0;
                (!path.contains(' ')).then(|| path.to_owned())
            });
        self.field = field;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (self.status(), body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The answer of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// The refusals of the plumbing come as plain text or without a body:
/// tower-http's body limit and timeout, axum's extractors (a path segment
/// that is not a number, a form that does not parse), a route that does not
/// exist or does not take the method. They become problems of the table like
/// every other refusal; answers that already are problems, pages and
/// documents are left alone.
pub async fn problem_for_bare_refusal(response: Response) -> Response {
    let plain = match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(v) => v.as_bytes().starts_with(b"text/plain"),
    };
    if !plain || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let status = response.status();
    let allow = response.headers().get(header::ALLOW).cloned();
    let detail = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(b) if !b.is_empty() => String::from_utf8_lossy(&b).into_owned(),
        _ => String::new(),
    };
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            "payload_too_large",
            format!(
                "the body is larger than {} MiB",
                crate::BODY_LIMIT_BYTES / (1024 * 1024)
            ),
        ),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => ApiError::new(
            "timeout",
            format!(
                "no answer within {} s; what was asked may still complete, so retry a payment under the same Idempotency-Key",
                crate::REQUEST_TIMEOUT.as_secs()
            ),
        ),
        StatusCode::NOT_FOUND => ApiError::new("not_found", "no such page or resource"),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            "method_not_allowed",
            format!(
                "this path does not take that method; allowed: {}",
                allow
                    .as_ref()
                    .and_then(|a| a.to_str().ok())
                    .unwrap_or("see the API's document")
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            "unsupported_media_type",
            if detail.is_empty() {
                "this content type is not accepted here".to_owned()
            } else {
                detail.to_lowercase()
            },
        ),
        // A path segment or a form that does not parse.
        s if s.is_client_error() => ApiError::new(
            "malformed_request",
            if detail.is_empty() {
                "the request is not valid".to_owned()
            } else {
                detail
            },
        ),
        _ => ApiError::internal(format!("{status}: {detail}")),
    };
    let mut answer = error.into_response();
    if let Some(allow) = allow {
        answer.headers_mut().insert(header::ALLOW, allow);
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::{ERROR_TABLE, kind};
    use gongshang_app::AppError;

    #[test]
    fn every_code_of_the_crates_has_a_row() {
        let missing: Vec<&str> = AppError::all_codes()
            .into_iter()
            .filter(|c| !ERROR_TABLE.iter().any(|k| k.code == *c))
            .collect();
        assert!(
            missing.is_empty(),
            "codes without a row in ERROR_TABLE: {missing:?}"
        );
    }

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        for (i, k) in ERROR_TABLE.iter().enumerate() {
            assert!(
                !ERROR_TABLE[..i].iter().any(|o| o.code == k.code),
                "{} twice",
                k.code
            );
            assert!((400..600).contains(&k.status), "{}", k.code);
            assert!(!k.title.is_empty() && !k.title.ends_with('.'), "{}", k.code);
        }
    }

    #[test]
    fn the_plumbings_codes_have_rows() {
        for (code, status) in [
            ("timeout", 503),
            ("method_not_allowed", 405),
            ("payload_too_large", 413),
            ("malformed_request", 400),
        ] {
            assert_eq!(kind(code).status, status, "{code}");
            assert_eq!(kind(code).code, code);
        }
    }

    #[test]
    fn state_conflicts_are_409_and_bad_input_422() {
        for code in ["command_not_allowed", "already_done", "case_closed"] {
            assert_eq!(kind(code).status, 409, "{code}");
        }
        for code in ["invalid_input", "input_out_of_range", "identifier_invalid"] {
            assert_eq!(kind(code).status, 422, "{code}");
        }
    }
}
