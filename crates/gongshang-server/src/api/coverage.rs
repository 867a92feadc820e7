//! Was a person covered at a time?

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::{At, CoverageAnswer};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::enrollment::EnrollmentView;
use super::registry::{parse_credit, parse_resident};
use super::{ApiQuery, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(coverage))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// The person's identity number.
    pub resident_id: String,
    /// An instant (RFC 3339, its date in China counts) or a day
    /// (YYYY-MM-DD).
    pub at: String,
    /// Only the cover of this unit (credit code).
    pub unit: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CoverView {
    pub scheme_id: String,
    pub unit: Option<String>,
    pub enrollment: Option<EnrollmentView>,
    pub payment_id: Option<i64>,
    pub platform: Option<String>,
    /// enrollment, month_paid, days_bought or order_day.
    pub basis: String,
    pub start: String,
    /// 9999-12-31 when open-ended.
    pub end: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CoverageView {
    /// The identity number, masked.
    pub person: String,
    pub day: String,
    pub unit: Option<String>,
    pub covered: bool,
    /// covered, not_enrolled, before_enrollment, after_enrollment, not_paid, suspended
    /// or enrollment_day (Guangdong: cover starts the day after the enrolment).
    pub reason: String,
    pub reason_zh: String,
    pub reason_en: String,
    pub covers: Vec<CoverView>,
    pub enrollments: Vec<EnrollmentView>,
}

impl From<&CoverageAnswer> for CoverageView {
    fn from(a: &CoverageAnswer) -> Self {
        CoverageView {
            person: a.person.clone(),
            day: a.day.to_string(),
            unit: a.unit.clone(),
            covered: a.covered,
            reason: serde_json::to_value(a.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            reason_zh: a.reason.text_zh().to_owned(),
            reason_en: a.reason.text_en().to_owned(),
            covers: a
                .covers
                .iter()
                .map(|c| CoverView {
                    scheme_id: c.scheme_id.to_string(),
                    unit: c.unit.clone(),
                    enrollment: c.enrollment.as_ref().map(EnrollmentView::from),
                    payment_id: c.payment_id,
                    platform: c.platform.clone(),
                    basis: c.basis.to_string(),
                    start: c.start.to_string(),
                    end: c.end.to_string(),
                })
                .collect(),
            enrollments: a.enrollments.iter().map(EnrollmentView::from).collect(),
        }
    }
}

fn parse_at(text: &str) -> ApiResult<At> {
    let text = text.trim();
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Ok(At::Instant(t));
    }
    text.parse::<jiff::civil::Date>().map(At::Day).map_err(|_| {
        ApiError::invalid(
            "at",
            format!("{text:?}; expected an instant with an offset (2025-07-01T12:30:00+08:00) or a day (2025-07-01)"),
        )
    })
}

/// Covered or not at an instant or on a day, the reason, and the enrolment
/// and payment (or orders) behind it. A unit user sees its own people (and
/// only its own cover), a worker themselves.
#[utoipa::path(get, path = "/coverage", tag = "coverage", params(CoverageQuery),
    responses((status = 200, body = CoverageView), (status = "4XX", body = Problem)))]
pub async fn coverage(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<Response> {
    let person = parse_resident("resident_id", &q.resident_id)?;
    let at = parse_at(&q.at)?;
    let unit = q
        .unit
        .as_deref()
        .map(|u| parse_credit("unit", u))
        .transpose()?;
    let actor = user.actor();
    // The read waits on the network without holding a thread (PostgreSQL)
    // or is done in place (SQLite); the rare answer that needs one more
    // read is asked again where it may block.
    let answer = match state
        .app
        .coverage_async(&actor, &person, at, unit.as_ref())
        .await?
    {
        Some(answer) => answer,
        None => {
            state
                .run_read(move |app| app.coverage(&actor, &person, at, unit.as_ref()))
                .await?
        }
    };
    Ok(json(StatusCode::OK, &CoverageView::from(&answer)))
}
