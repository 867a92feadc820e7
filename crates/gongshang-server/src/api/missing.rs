//! A worker missing after an accident (Regulations Art 41): thin handlers
//! over `App::missing_worker`, `App::record_missing` and
//! `App::compute_missing_award`. Agency clerks record what happened (went
//! missing, the advance applied for, declared dead, reappeared); the award
//! they compute is approved by a reviewer (`POST /awards/{id}/approve`) and
//! paid like any other: the survivors' pensions by the monthly payroll from
//! the fourth month, the advance by `POST /cases/{number}/one-time-payments`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::cases::{MissingRequest, MissingView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::cases::{AwardBody, AwardDetailView, award_request};
use super::registry::parse_date;
use super::{ApiJson, json, json_sized, wire};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_missing, record_missing))
        .routes(routes!(compute_missing_award))
}

/// What the clerk records on a missing worker's case.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MissingBody {
    /// `report_missing`, `apply_for_advance`, `declare_dead` or `reappear`.
    pub command: String,
    /// With `report_missing`: `work_trip` (因工外出期间发生事故) or
    /// `disaster_relief` (在抢险救灾中).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circumstance: Option<String>,
    /// With `declare_dead`: YYYY-MM-DD, the day of the court's judgment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgment_on: Option<String>,
    /// YYYY-MM-DD: the day it happened; today when absent (never after today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
}

/// A missing-worker event as recorded.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MissingEventView {
    pub seq: i64,
    /// `went_missing`, `advance_applied`, `declared_dead`, `reappeared`.
    pub kind: String,
    pub on: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A case's missing-worker record and what Art 41 makes of it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MissingWorkerView {
    pub case_number: String,
    /// `not_reported`, `missing`, `declared_dead` or `reappeared`.
    pub status: String,
    /// `work_trip` or `disaster_relief`.
    pub circumstance: Option<String>,
    pub missing_since: Option<String>,
    /// YYYY-MM: the three months whose wages the employer pays as before;
    /// the fund pays nothing for them.
    pub employer_wage_months: Vec<String>,
    /// YYYY-MM: the first month of the survivors' pensions (the fourth).
    pub pensions_from: Option<String>,
    /// YYYY-MM: the last month of the pensions once the worker reappeared.
    pub pensions_last_month: Option<String>,
    pub advance_applied_on: Option<String>,
    pub declared_dead_on: Option<String>,
    pub reappeared_on: Option<String>,
    /// The commands the clerk may record now.
    pub allowed: Vec<String>,
    pub events: Vec<MissingEventView>,
}

impl From<&MissingView> for MissingWorkerView {
    fn from(v: &MissingView) -> Self {
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
        MissingWorkerView {
            case_number: v.case_number.clone(),
            status: wire(&v.status),
            circumstance: v.circumstance.as_ref().map(wire),
            missing_since: date(v.missing_since),
            employer_wage_months: v
                .employer_wage_months
                .iter()
                .map(|m| m.to_string())
                .collect(),
            pensions_from: v.pensions_from.map(|m| m.to_string()),
            pensions_last_month: v.pensions_last_month.map(|m| m.to_string()),
            advance_applied_on: date(v.advance_applied_on),
            declared_dead_on: date(v.declared_dead_on),
            reappeared_on: date(v.reappeared_on),
            allowed: v.allowed.iter().map(|a| (*a).to_owned()).collect(),
            events: v
                .events
                .iter()
                .map(|e| MissingEventView {
                    seq: e.seq,
                    kind: e.kind.clone(),
                    on: e.on.to_string(),
                    recorded_by: e.recorded_by.clone(),
                    recorded_at: e.recorded_at.to_string(),
                })
                .collect(),
        }
    }
}

impl MissingBody {
    /// The app's request; a field the command needs and lacks, or one it
    /// does not take, is a 422 naming it.
    pub fn into_request(self) -> ApiResult<MissingRequest> {
        let on = self
            .on
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date("on", d.trim()))
            .transpose()?;
        let circumstance = self.circumstance.filter(|c| !c.trim().is_empty());
        let judgment_on = self.judgment_on.filter(|d| !d.trim().is_empty());
        let command = self.command.trim();
        if command != "report_missing" && circumstance.is_some() {
            return Err(ApiError::invalid(
                "circumstance",
                format!("{command} takes no circumstance; only report_missing does"),
            ));
        }
        if command != "declare_dead" && judgment_on.is_some() {
            return Err(ApiError::invalid(
                "judgment_on",
                format!("{command} takes no judgment date; only declare_dead does"),
            ));
        }
        Ok(match command {
            "report_missing" => {
                let c = circumstance.ok_or_else(|| {
                    ApiError::invalid(
                        "circumstance",
                        "is required: work_trip or disaster_relief (Art 41 names these two)",
                    )
                })?;
                MissingRequest::ReportMissing {
                    circumstance: serde_json::from_value(serde_json::Value::String(
                        c.trim().to_owned(),
                    ))
                    .map_err(|_| {
                        ApiError::invalid(
                            "circumstance",
                            format!("{c:?}; allowed: work_trip, disaster_relief"),
                        )
                    })?,
                    on,
                }
            }
            "apply_for_advance" => MissingRequest::ApplyForAdvance { on },
            "declare_dead" => {
                let d = judgment_on.ok_or_else(|| {
                    ApiError::invalid(
                        "judgment_on",
                        "is required: YYYY-MM-DD, the day of the court's judgment",
                    )
                })?;
                MissingRequest::DeclareDead {
                    judgment_on: parse_date("judgment_on", d.trim())?,
                    on,
                }
            }
            "reappear" => MissingRequest::Reappear { on },
            other => {
                return Err(ApiError::invalid(
                    "command",
                    format!(
                        "{other:?}; allowed: report_missing, apply_for_advance, declare_dead, reappear"
                    ),
                ));
            }
        })
    }
}

/// A case's missing-worker record (Regulations Art 41): status, the
/// employer's three months, the first month of the survivors' pensions, the
/// events, and what may be recorded now.
#[utoipa::path(get, path = "/cases/{number}/missing", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = MissingWorkerView), (status = "4XX", body = Problem)))]
pub async fn get_missing(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state
        .run(move |app| app.missing_worker(&actor, &number))
        .await?;
    Ok(json(StatusCode::OK, &MissingWorkerView::from(&view)))
}

/// Record on a case that the worker went missing after the accident, that
/// the family in hardship applies for the advance, that a court declared
/// the worker dead, or that the worker reappeared (agency clerks;
/// Regulations Art 41). A reappearance ends the survivors' pensions after
/// its month. A command the record does not allow is a 422 naming the field.
#[utoipa::path(post, path = "/cases/{number}/missing", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = MissingBody,
    responses((status = 200, body = MissingWorkerView), (status = "4XX", body = Problem)))]
pub async fn record_missing(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<MissingBody>,
) -> ApiResult<Response> {
    let req = body.into_request()?;
    let actor = user.actor();
    let view = state
        .run(move |app| app.record_missing(&actor, &number, &req))
        .await?;
    Ok(json(StatusCode::OK, &MissingWorkerView::from(&view)))
}

/// Compute the award of a missing worker (agency clerks; Regulations Art
/// 41): the survivors' pensions of Art 39 from the fourth month and, once
/// applied for, half of the one-time death benefit; after a court declared
/// the worker dead, Art 39 in full less the advance paid. Stored as
/// proposed for a reviewer to approve.
#[utoipa::path(post, path = "/cases/{number}/missing/awards", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = AwardBody,
    responses((status = 201, body = AwardDetailView), (status = "4XX", body = Problem)))]
pub async fn compute_missing_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<AwardBody>,
) -> ApiResult<Response> {
    let req = award_request(body)?;
    let maker = user.actor();
    let view = state
        .run(move |app| app.compute_missing_award(&maker, &number, &req))
        .await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &AwardDetailView::from(&view),
        8192,
    ))
}
