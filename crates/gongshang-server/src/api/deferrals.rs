//! Approved deferrals of a unit's premiums (缓缴; 人社厅发〔2022〕16号,
//! 人社部发〔2022〕31号): recorded and revoked by the agency's clerks, listed
//! for agency staff and the unit. Thin handlers over
//! `gongshang_app::deferrals` (`record_deferral`, `revoke_deferral`,
//! `deferrals_of_unit`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::deferrals::{DeferralRequest, DeferralRevocationRequest, DeferralRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_month;
use super::registry::{parse_credit, parse_date};
use super::{ApiJson, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_deferral, unit_deferrals))
        .routes(routes!(revoke_deferral))
}

/// An approved deferral of a unit's premiums (缓缴).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeferralBody {
    /// A scheme billed monthly to the unit, e.g. `national.employees`.
    pub scheme_id: String,
    /// YYYY-MM: the first deferred bill period.
    pub first_period: String,
    /// YYYY-MM: the last deferred bill period.
    pub last_period: String,
    /// YYYY-MM-DD: the day by which the deferred premiums must be repaid;
    /// after the last deferred month.
    pub repay_by: String,
    /// The instrument it rests on, e.g. `人社厅发〔2022〕16号`.
    pub instrument: String,
    /// YYYY-MM-DD: the day the agency approved it; not after today.
    pub approved_on: String,
}

/// The revocation of a deferral: from then it counts for nothing.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevocationBody {
    /// YYYY-MM-DD: the day of the decision revoking it; not after today.
    pub revoked_on: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RevocationView {
    pub revoked_on: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DeferralView {
    pub id: i64,
    pub unit: String,
    pub scheme_id: String,
    pub first_period: String,
    pub last_period: String,
    /// YYYY-MM-DD: the deferred bills are due by this day (no arrears, no
    /// late fee until it has passed).
    pub repay_by: String,
    pub instrument: String,
    pub approved_on: String,
    pub recorded_by: String,
    pub recorded_at: String,
    /// Absent while in force.
    pub revocation: Option<RevocationView>,
}

impl From<&DeferralRow> for DeferralView {
    fn from(r: &DeferralRow) -> Self {
        DeferralView {
            id: r.id,
            unit: r.unit.as_str().to_owned(),
            scheme_id: r.scheme_id.to_string(),
            first_period: r.first_period.to_string(),
            last_period: r.last_period.to_string(),
            repay_by: r.repay_by.to_string(),
            instrument: r.instrument.clone(),
            approved_on: r.approved_on.to_string(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
            revocation: r.revocation.as_ref().map(|v| RevocationView {
                revoked_on: v.revoked_on.to_string(),
                reason: v.reason.clone(),
                recorded_by: v.recorded_by.clone(),
                recorded_at: v.recorded_at.to_string(),
            }),
        }
    }
}

/// Record an approved deferral of a unit's premiums (agency clerks;
/// 人社厅发〔2022〕16号, 人社部发〔2022〕31号). The bills of the deferred months
/// are then due by `repay_by`: no arrears (Social Insurance Law Art 41) and
/// no late fee (Art 86) until it has passed. A field out of range is 422
/// naming it; months of a deferral in force of the same unit and scheme are
/// 409 `conflict`.
#[utoipa::path(post, path = "/units/{credit_code}/deferrals", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    request_body = DeferralBody,
    responses((status = 201, body = DeferralView), (status = "4XX", body = Problem)))]
pub async fn record_deferral(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<DeferralBody>,
) -> ApiResult<Response> {
    let req = DeferralRequest {
        unit: parse_credit("credit_code", &code)?,
        scheme_id: super::from_wire("scheme_id", &body.scheme_id)?,
        first_period: parse_month("first_period", &body.first_period)?,
        last_period: parse_month("last_period", &body.last_period)?,
        repay_by: parse_date("repay_by", &body.repay_by)?,
        instrument: body.instrument,
        approved_on: parse_date("approved_on", &body.approved_on)?,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_deferral(&actor, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &DeferralView::from(&row)))
}

/// A unit's deferrals, revoked ones included, the earliest period first
/// (agency staff, or the unit itself).
#[utoipa::path(get, path = "/units/{credit_code}/deferrals", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    responses((status = 200, body = Vec<DeferralView>), (status = "4XX", body = Problem)))]
pub async fn unit_deferrals(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.deferrals_of_unit(&actor, &unit))
        .await?;
    let views: Vec<DeferralView> = rows.iter().map(DeferralView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Revoke a deferral, once (agency clerks): its bills are read by their own
/// due dates again, as if it had never been approved. Again: 409
/// `duplicate`.
#[utoipa::path(post, path = "/deferrals/{id}/revocation", tag = "registry",
    params(("id" = i64, Path, description = "the deferral")),
    request_body = RevocationBody,
    responses((status = 201, body = DeferralView), (status = "4XX", body = Problem)))]
pub async fn revoke_deferral(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RevocationBody>,
) -> ApiResult<Response> {
    let req = DeferralRevocationRequest {
        deferral_id: id,
        revoked_on: parse_date("revoked_on", &body.revoked_on)?,
        reason: body.reason,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.revoke_deferral(&actor, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &DeferralView::from(&row)))
}
