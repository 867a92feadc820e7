//! The calculator: a case (the JSON `gongshang calc` reads) to its award
//! with the trace, under the national rules or a scheme; and a case under
//! every scheme that applies. Public: no sign-in needed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_rules::CaseInput;
use gongshang_rules::scheme_award::{calculate_under_scheme, compare_schemes};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiQuery, json_sized};

/// An award with its trace is about 8 KiB of JSON, a comparison more.
const ANSWER_BYTES: usize = 16 * 1024;
use crate::AppState;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calculate))
        .routes(routes!(compare))
}

/// A case as `gongshang calc case.json` reads it (see examples/cases/ and
/// the README): `injury_date`, `own_wage` (yuan as a string), `region`,
/// `grade`, `appraisal_date`, `death_date`, `nursing`, `dependants`, ...
/// Unknown fields are refused.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub struct CaseDocument(pub serde_json::Value);

/// The award with every line and its trace (rule, article, inputs,
/// parameters with their effective dates, amounts in fen and yuan), as the
/// rules engine explains it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub struct AwardDocument(pub serde_json::Value);

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalculateQuery {
    /// Calculate under this scheme (e.g. guangdong.employees) instead of
    /// the national rules.
    pub scheme: Option<String>,
}

/// Calculate one case with its trace.
#[utoipa::path(post, path = "/calculate", tag = "calculate", request_body = CaseDocument,
    params(CalculateQuery),
    responses((status = 200, body = AwardDocument), (status = "4XX", body = Problem)))]
pub async fn calculate(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CalculateQuery>,
    ApiJson(case): ApiJson<CaseInput>,
) -> ApiResult<Response> {
    // Pure computation: a few tens of microseconds, cheaper on the async
    // worker than a hop to the blocking pool.
    let policy = state.app.policy();
    Ok(match q.scheme {
        Some(id) => json_sized(
            StatusCode::OK,
            &calculate_under_scheme(
                policy,
                &super::registry::parse_scheme("scheme", &id)?,
                &case,
            )?,
            ANSWER_BYTES,
        ),
        None => json_sized(
            StatusCode::OK,
            &gongshang_rules::calculate_case(policy, &case)?,
            ANSWER_BYTES,
        ),
    })
}

/// One case under every scheme that applies, side by side, with the
/// differences explained.
#[utoipa::path(post, path = "/compare", tag = "calculate", request_body = CaseDocument,
    responses((status = 200, body = AwardDocument), (status = "4XX", body = Problem)))]
pub async fn compare(
    State(state): State<AppState>,
    ApiJson(case): ApiJson<CaseInput>,
) -> ApiResult<Response> {
    Ok(json_sized(
        StatusCode::OK,
        &compare_schemes(state.app.policy(), &case),
        4 * ANSWER_BYTES,
    ))
}
