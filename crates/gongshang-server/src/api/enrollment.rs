//! Enrolment: check eligibility, enrol, end; a person's enrolments.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::model::StoredEnrollment;
use gongshang_app::{EnrollRequest, EnrollmentView as AppEnrollment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::registry::{parse_credit, parse_date, parse_resident, parse_scheme};
use super::{ApiJson, json, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_enrollment))
        .routes(routes!(enroll))
        .routes(routes!(end_enrollment))
        .routes(routes!(enrollments_of_person))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    pub resident_id: String,
    /// The enrolling unit's credit code; absent for people who enrol
    /// themselves.
    #[serde(default)]
    pub unit: Option<String>,
    /// e.g. guangdong.employees (see `gongshang policies schemes`).
    pub scheme_id: String,
    /// employee, platform_worker, flexible_worker, ...
    pub category: String,
    /// First day of the enrolment, YYYY-MM-DD.
    pub start: String,
    /// A labour relation with the unit known otherwise than from the
    /// engagements.
    #[serde(default)]
    pub labour_relation: bool,
    /// The unit's commitment, for a scheme that asks for one
    /// (guangdong.specific_persons: 粤人社规〔2020〕55号 Art 6 and Annex 1).
    /// The text is the scheme's (`gongshang policies schemes ID`); who made
    /// it and when are the caller and the time of the request.
    #[serde(default)]
    pub commitment: Option<CommitmentRequest>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRequest {
    /// electronic (a unit's own request) or paper (entered by agency staff).
    pub form: String,
    /// The insured were informed of their rights and obligations (must be
    /// true).
    pub persons_informed: bool,
}

/// A commitment kept with its enrolment.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CommitmentView {
    pub text: String,
    pub article: String,
    pub form: String,
    pub persons_informed: bool,
    pub made_by: String,
    pub made_at: String,
}

impl From<&gongshang_app::model::StoredCommitment> for CommitmentView {
    fn from(c: &gongshang_app::model::StoredCommitment) -> Self {
        CommitmentView {
            text: c.text.clone(),
            article: c.article.clone(),
            form: c.form.as_str().to_owned(),
            persons_informed: c.persons_informed,
            made_by: c.made_by.clone(),
            made_at: c.made_at.to_string(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndRequest {
    /// The last day covered, YYYY-MM-DD.
    pub last_day: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrollmentView {
    pub id: i64,
    pub unit: Option<String>,
    pub scheme_id: String,
    pub category: String,
    pub start: String,
    pub last_day: Option<String>,
    /// The unit's commitment kept with the enrolment, where one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<CommitmentView>,
}

impl From<&AppEnrollment> for EnrollmentView {
    fn from(e: &AppEnrollment) -> Self {
        EnrollmentView {
            id: e.id,
            unit: e.unit.clone(),
            scheme_id: e.scheme_id.to_string(),
            category: serde_json::to_value(e.category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            start: e.start.to_string(),
            last_day: e.last_day.map(|d| d.to_string()),
            commitment: None,
        }
    }
}

impl From<&StoredEnrollment> for EnrollmentView {
    fn from(e: &StoredEnrollment) -> Self {
        EnrollmentView::from(&AppEnrollment::from(e))
    }
}

/// The eligibility checks of the rules engine, each with its rule, value,
/// what is allowed and the article.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EligibilityView {
    pub scheme: String,
    pub on: String,
    pub eligible: bool,
    #[schema(value_type = Vec<Object>)]
    pub checks: serde_json::Value,
}

impl EligibilityView {
    fn new(e: &gongshang_rules::scheme::Eligibility) -> ApiResult<EligibilityView> {
        Ok(EligibilityView {
            scheme: e.scheme.to_string(),
            on: e.on.to_string(),
            eligible: e.eligible,
            checks: to_value(&e.checks)?,
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrolledView {
    pub enrollment_id: i64,
    pub eligibility: EligibilityView,
}

fn enroll_request(req: EnrollmentRequest) -> ApiResult<EnrollRequest> {
    let unit = req
        .unit
        .as_deref()
        .map(|u| parse_credit("unit", u))
        .transpose()?;
    Ok(EnrollRequest {
        person: parse_resident("resident_id", &req.resident_id)?,
        unit,
        scheme_id: parse_scheme("scheme_id", &req.scheme_id)?,
        category: gongshang_app::parse_category(&req.category)?,
        start: parse_date("start", &req.start)?,
        labour_relation: req.labour_relation,
        commitment: commitment_input(req.commitment)?,
    })
}

/// A commitment as the app takes it, its form checked.
pub(super) fn commitment_input(
    c: Option<CommitmentRequest>,
) -> Result<Option<gongshang_app::CommitmentInput>, crate::error::ApiError> {
    c.map(|c| {
        Ok(gongshang_app::CommitmentInput {
            form: gongshang_app::model::CommitmentForm::parse(&c.form)
                .map_err(|reason| gongshang_app::AppError::invalid("commitment.form", reason))?,
            persons_informed: c.persons_informed,
        })
    })
    .transpose()
}

/// Would the person be eligible? Every check with its article; changes
/// nothing.
#[utoipa::path(post, path = "/enrollments/check", tag = "enrollment", request_body = EnrollmentRequest,
    responses((status = 200, body = EligibilityView), (status = "4XX", body = Problem)))]
pub async fn check_enrollment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<EnrollmentRequest>,
) -> ApiResult<Response> {
    let req = enroll_request(req)?;
    let actor = user.actor();
    let eligibility = state
        .run(move |app| app.check_enrollment(&actor, &req))
        .await?;
    Ok(json(StatusCode::OK, &EligibilityView::new(&eligibility)?))
}

/// Enrol a person; refused (422 `not_eligible`) with the rule, the value and
/// what is allowed.
#[utoipa::path(post, path = "/enrollments", tag = "enrollment", request_body = EnrollmentRequest,
    responses((status = 201, body = EnrolledView), (status = "4XX", body = Problem)))]
pub async fn enroll(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<EnrollmentRequest>,
) -> ApiResult<Response> {
    let req = enroll_request(req)?;
    let actor = user.actor();
    let enrolled = state.run(move |app| app.enroll(&actor, &req)).await?;
    Ok(json(
        StatusCode::CREATED,
        &EnrolledView {
            enrollment_id: enrolled.enrollment_id,
            eligibility: EligibilityView::new(&enrolled.eligibility)?,
        },
    ))
}

/// End an enrolment on its last day.
#[utoipa::path(post, path = "/enrollments/{id}/end", tag = "enrollment", request_body = EndRequest,
    params(("id" = i64, Path, description = "enrolment id")),
    responses((status = 200, body = EnrollmentView), (status = "4XX", body = Problem)))]
pub async fn end_enrollment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<EndRequest>,
) -> ApiResult<Response> {
    let last_day = parse_date("last_day", &req.last_day)?;
    let actor = user.actor();
    let ended = state
        .run(move |app| app.end_enrollment(&actor, id, last_day))
        .await?;
    Ok(json(StatusCode::OK, &EnrollmentView::from(&ended)))
}

/// A person's enrolments (agency staff; a unit its own people's; a worker
/// their own).
#[utoipa::path(get, path = "/people/{resident_id}/enrollments", tag = "enrollment",
    params(("resident_id" = String, Path, description = "identity number")),
    responses((status = 200, body = Vec<EnrollmentView>), (status = "4XX", body = Problem)))]
pub async fn enrollments_of_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rid): Path<String>,
) -> ApiResult<Response> {
    let rid = parse_resident("resident_id", &rid)?;
    let actor = user.actor();
    let (list, commitments) = state
        .run(move |app| {
            Ok::<_, gongshang_app::AppError>((
                app.enrollments_of_person(&actor, &rid)?,
                app.commitments_of_person(&actor, &rid)?,
            ))
        })
        .await?;
    let views: Vec<EnrollmentView> = list
        .iter()
        .map(|e| EnrollmentView {
            commitment: commitments
                .iter()
                .find(|c| c.enrollment_id == e.id)
                .map(CommitmentView::from),
            ..EnrollmentView::from(e)
        })
        .collect();
    Ok(json(StatusCode::OK, &views))
}
