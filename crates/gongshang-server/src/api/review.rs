//! The checker's side of awards (issue 13): the awards awaiting review, and
//! returning one to its maker with a reason (reviewers and administrators,
//! never the maker: 409 `maker_checker`). Approval is `POST
//! /awards/{id}/approve` in `cases`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(awaiting_review))
        .routes(routes!(return_award))
}

/// A proposed award waiting for its checker.
#[derive(Serialize, ToSchema)]
pub struct ReviewItemView {
    pub award_id: i64,
    pub case_number: String,
    /// The worker's identity number, masked.
    pub person: String,
    pub person_name: Option<String>,
    pub unit_name: Option<String>,
    /// `initial`, `new_appraisal`, `parameter_correction`, `facts_corrected`, `insurer_schedule`.
    pub basis: String,
    /// Yuan, two decimals.
    pub one_time: String,
    /// Yuan a month, two decimals.
    pub monthly: String,
    /// `role:login` of the maker.
    pub made_by: String,
    pub made_at: String,
    /// The approved award of the case this one would replace.
    pub replaces: Option<i64>,
}

/// Proposed awards waiting for a second person, the oldest first.
#[utoipa::path(get, path = "/awards/awaiting-review", tag = "cases",
    responses((status = 200, body = Vec<ReviewItemView>), (status = "4XX", body = Problem)))]
pub async fn awaiting_review(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state.run(move |app| app.review_queue(&actor)).await?;
    let views: Vec<ReviewItemView> = rows
        .iter()
        .map(|r| ReviewItemView {
            award_id: r.award_id,
            case_number: r.case_number.clone(),
            person: r.person.masked(),
            person_name: r.person_name.clone(),
            unit_name: r.unit_name.clone(),
            basis: r.basis.as_str().to_owned(),
            one_time: r.one_time.to_string(),
            monthly: r.monthly.to_string(),
            made_by: r.made_by.clone(),
            made_at: r.made_at.to_string(),
            replaces: r.replaces,
        })
        .collect();
    Ok(json(StatusCode::OK, &views))
}

/// Why the award goes back to its maker.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// 1 to 500 characters.
    pub reason: String,
}

/// An award sent back to its maker.
#[derive(Serialize, ToSchema)]
pub struct ReturnView {
    pub award_id: i64,
    pub reason: String,
    /// `role:login` of the checker.
    pub returned_by: String,
    pub returned_at: String,
}

/// Return a proposed award to its maker with a reason (reviewers): it is
/// withdrawn, the reason is kept on the case and in the audit log; the
/// maker computes a new one.
#[utoipa::path(post, path = "/awards/{id}/return", tag = "cases",
    params(("id" = i64, Path, description = "the award's id")),
    request_body = ReturnRequest,
    responses((status = 200, body = ReturnView), (status = "4XX", body = Problem)))]
pub async fn return_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> ApiResult<Response> {
    let checker = user.actor();
    let r = state
        .run(move |app| app.return_award(&checker, id, &body.reason))
        .await?;
    Ok(json(
        StatusCode::OK,
        &ReturnView {
            award_id: r.award_id,
            reason: r.reason,
            returned_by: r.returned_by,
            returned_at: r.returned_at.to_string(),
        },
    ))
}
