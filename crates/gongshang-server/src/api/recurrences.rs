//! A recurrence of a recognised injury (旧伤复发, Regulations Art 38): thin
//! handlers over `App::recurrences`, `App::record_recurrence`,
//! `App::compute_recurrence_award` and `App::approve_recurrence_award`. The
//! clerk records the confirmation on the old case and computes the
//! suspension wages (Art 33 on the wage at the recurrence, the employer's);
//! a reviewer approves them (maker-checker).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::cases::{
    RecurrenceAwardRequest, RecurrenceAwardRow, RecurrenceRequest, RecurrenceRow,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_yuan;
use super::registry::parse_date;
use super::{ApiJson, json, wire};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_recurrences, record_recurrence))
        .routes(routes!(compute_recurrence_award))
        .routes(routes!(approve_recurrence_award))
}

/// The confirmation of a recurrence, as the clerk records it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceBody {
    /// YYYY-MM-DD: the day the injury recurred.
    pub recurred_on: String,
    /// `agreement_institution` (工伤保险协议医疗机构) or `appraisal_committee`
    /// (劳动能力鉴定委员会, on a dispute).
    pub confirmed_by: String,
    /// The institution's or the committee's name.
    pub confirming_body_name: String,
    /// YYYY-MM-DD: the day of the confirmation.
    pub confirmed_on: String,
    /// The confirmation's document number.
    pub document: String,
    /// The medical costs (Art 30), as a note; the fund pays them on bills.
    #[serde(default)]
    pub medical_note: String,
}

/// What the recurrence's suspension wages are computed on.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceAwardBody {
    /// Yuan a month, e.g. "7800.00": the wage at the recurrence.
    pub wage_at_recurrence: String,
    /// Whole months of suspension the recurrence needs (Art 33: up to 12,
    /// up to 12 more when confirmed).
    pub suspension_months: u32,
    #[serde(default)]
    pub suspension_extension_confirmed: bool,
}

/// A recurrence's award.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecurrenceAwardView {
    pub id: i64,
    /// `proposed`, `approved` or `withdrawn`.
    pub status: String,
    pub wage_at_recurrence: String,
    pub suspension_months: u32,
    pub suspension_extension_confirmed: bool,
    /// Yuan: the wage × the months (Arts 38 and 33).
    pub suspension_wages: String,
    /// `employer` (Art 33: paid by the unit).
    pub payer: String,
    /// The rules engine's trace (JSON).
    #[schema(value_type = Object)]
    pub trace: serde_json::Value,
    pub made_by: String,
    pub made_at: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<String>,
}

/// A recurrence recorded on a case, with its awards.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecurrenceView {
    /// 1, 2, ... on the case.
    pub seq: i64,
    pub recurred_on: String,
    pub confirmed_by: String,
    pub confirming_body_name: String,
    pub confirmed_on: String,
    pub document: String,
    pub medical_note: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub awards: Vec<RecurrenceAwardView>,
}

impl From<&RecurrenceAwardRow> for RecurrenceAwardView {
    fn from(a: &RecurrenceAwardRow) -> Self {
        RecurrenceAwardView {
            id: a.id,
            status: a.status.as_str().to_owned(),
            wage_at_recurrence: a.wage_at_recurrence.to_string(),
            suspension_months: a.suspension_months,
            suspension_extension_confirmed: a.extension_confirmed,
            suspension_wages: a.suspension_wages.to_string(),
            payer: wire(&a.payer),
            trace: serde_json::from_str(&a.trace).unwrap_or_default(),
            made_by: a.made_by.clone(),
            made_at: a.made_at.to_string(),
            checked_by: a.checked_by.clone(),
            checked_at: a.checked_at.map(|t| t.to_string()),
        }
    }
}

impl From<&RecurrenceRow> for RecurrenceView {
    fn from(r: &RecurrenceRow) -> Self {
        RecurrenceView {
            seq: r.seq,
            recurred_on: r.recurred_on.to_string(),
            confirmed_by: r.confirmed_by.as_str().to_owned(),
            confirming_body_name: r.confirming_body_name.clone(),
            confirmed_on: r.confirmed_on.to_string(),
            document: r.document.clone(),
            medical_note: r.medical_note.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
            awards: r.awards.iter().map(RecurrenceAwardView::from).collect(),
        }
    }
}

impl RecurrenceBody {
    pub fn into_request(self) -> ApiResult<RecurrenceRequest> {
        Ok(RecurrenceRequest {
            recurred_on: parse_date("recurred_on", self.recurred_on.trim())?,
            confirmed_by: self.confirmed_by.trim().parse().map_err(|_| {
                ApiError::invalid(
                    "confirmed_by",
                    format!(
                        "{:?}; allowed: agreement_institution, appraisal_committee",
                        self.confirmed_by
                    ),
                )
            })?,
            confirming_body_name: self.confirming_body_name,
            confirmed_on: parse_date("confirmed_on", self.confirmed_on.trim())?,
            document: self.document,
            medical_note: self.medical_note,
        })
    }
}

/// A case's recurrences (Regulations Art 38), each with its awards.
#[utoipa::path(get, path = "/cases/{number}/recurrences", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<RecurrenceView>), (status = "4XX", body = Problem)))]
pub async fn get_recurrences(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run(move |app| app.recurrences(&actor, &number))
        .await?;
    let views: Vec<RecurrenceView> = rows.iter().map(RecurrenceView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Record a recurrence on a recognised case (agency clerks; Regulations
/// Art 38): who confirmed it needs treatment, when, the document. A date
/// out of order is a 422 naming the field; a case not recognised a 409.
#[utoipa::path(post, path = "/cases/{number}/recurrences", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = RecurrenceBody,
    responses((status = 201, body = RecurrenceView), (status = "4XX", body = Problem)))]
pub async fn record_recurrence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<RecurrenceBody>,
) -> ApiResult<Response> {
    let req = body.into_request()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_recurrence(&actor, &number, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &RecurrenceView::from(&row)))
}

/// Compute the suspension wages of a recurrence (agency clerks; Arts 38
/// and 33: the wage at the recurrence × the months, paid by the employer),
/// stored as proposed for a reviewer to approve.
#[utoipa::path(post, path = "/cases/{number}/recurrences/{seq}/awards", tag = "cases",
    params(("number" = String, Path, description = "the case number"),
        ("seq" = i64, Path, description = "the recurrence's number on the case")),
    request_body = RecurrenceAwardBody,
    responses((status = 201, body = RecurrenceAwardView), (status = "4XX", body = Problem)))]
pub async fn compute_recurrence_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, seq)): Path<(String, i64)>,
    ApiJson(body): ApiJson<RecurrenceAwardBody>,
) -> ApiResult<Response> {
    let req = RecurrenceAwardRequest {
        wage_at_recurrence: parse_yuan("wage_at_recurrence", body.wage_at_recurrence.trim())?,
        suspension_months: body.suspension_months,
        suspension_extension_confirmed: body.suspension_extension_confirmed,
    };
    let maker = user.actor();
    let row = state
        .run(move |app| app.compute_recurrence_award(&maker, &number, seq, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &RecurrenceAwardView::from(&row)))
}

/// Approve a recurrence's proposed award (reviewers): a second person,
/// never its maker (409 `maker_checker`).
#[utoipa::path(post, path = "/recurrence-awards/{id}/approve", tag = "cases",
    params(("id" = i64, Path, description = "the recurrence award's id")),
    responses((status = 200, body = RecurrenceAwardView), (status = "4XX", body = Problem)))]
pub async fn approve_recurrence_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let checker = user.actor();
    let row = state
        .run(move |app| app.approve_recurrence_award(&checker, id))
        .await?;
    Ok(json(StatusCode::OK, &RecurrenceAwardView::from(&row)))
}
