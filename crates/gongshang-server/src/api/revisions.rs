//! Appraisal conclusions revoked or corrected (劳动能力鉴定管理办法, Order
//! No. 55, Art 31): thin handlers over `App::record_appraisal_revision`
//! (agency clerks), `App::apply_appraisal_revision` (reviewers, never the
//! clerk who recorded it) and `App::appraisal_revisions`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::cases::RevisionInput;
use gongshang_app::model::{RevisionRecovery, RevisionRow};
use gongshang_domain::appraisal::Revision;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::registry::parse_date;
use super::{ApiJson, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_revision, list_revisions))
        .routes(routes!(apply_revision))
        .routes(routes!(pay_arrears))
}

/// The day a correction's arrears are paid.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrearsBody {
    /// YYYY-MM-DD; not before the revision was applied.
    pub paid_on: String,
}

/// The committee's decision revoking or correcting the conclusion in force.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionBody {
    /// `revoke` (obtained by forgery or impersonation) or `correct`.
    pub kind: String,
    /// `correct` only: the corrected grade, 1 to 10 (absent: no grade reached).
    #[serde(default)]
    pub grade: Option<u8>,
    /// `correct` only: the nursing level (`fully`, `mostly`, `partly`).
    #[serde(default)]
    pub nursing: Option<String>,
    pub reason: String,
    /// The number of the committee's decision (文号).
    pub decision_no: String,
    /// The decision's date, YYYY-MM-DD.
    pub decided_on: String,
    /// How the overpayment comes back: 1 to 120 monthly instalments; absent:
    /// refunded at once.
    #[serde(default)]
    pub instalments: Option<u32>,
}

/// A revision and, once applied, what it changed.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct RevisionView {
    pub id: i64,
    pub reference: String,
    /// `revoke` or `correct`.
    pub kind: String,
    /// `recorded` or `applied`.
    pub status: String,
    pub conclusion: i64,
    pub grade: Option<u8>,
    pub reason: String,
    pub decision_no: String,
    pub decided_on: String,
    /// Monthly instalments agreed (absent: a refund at once).
    pub instalments: Option<u32>,
    pub recorded_by: String,
    pub superseded_award_id: Option<i64>,
    pub new_award_id: Option<i64>,
    /// Paid over what the revised conclusion owes, in yuan: to recover.
    pub overpaid: Option<String>,
    /// Owed by the revised conclusion beyond what was paid, in yuan: to pay.
    pub underpaid: Option<String>,
    pub applied_by: Option<String>,
    /// The arrears paid (in yuan), once: when, and by whom.
    pub arrears_paid: Option<String>,
    pub arrears_paid_on: Option<String>,
    pub arrears_paid_by: Option<String>,
}

impl From<&RevisionRow> for RevisionView {
    fn from(r: &RevisionRow) -> Self {
        let a = r.applied.as_ref();
        RevisionView {
            id: r.id,
            reference: r.reference.clone(),
            kind: r.kind.as_str().to_owned(),
            status: match r.status() {
                gongshang_app::model::RevisionStatus::Recorded => "recorded".into(),
                gongshang_app::model::RevisionStatus::Applied => "applied".into(),
            },
            conclusion: r.conclusion,
            grade: r.grade,
            reason: r.reason.clone(),
            decision_no: r.decision_no.clone(),
            decided_on: r.decided_on.to_string(),
            instalments: match r.recovery {
                RevisionRecovery::Refund => None,
                RevisionRecovery::Instalments { months } => Some(months),
            },
            recorded_by: r.made_by.clone(),
            superseded_award_id: a.and_then(|a| a.superseded_award_id),
            new_award_id: a.and_then(|a| a.new_award_id),
            overpaid: a.map(|a| a.overpaid.to_string()),
            underpaid: a.map(|a| a.underpaid.to_string()),
            applied_by: a.map(|a| a.checked_by.clone()),
            arrears_paid: r.arrears_paid.as_ref().map(|p| p.amount.to_string()),
            arrears_paid_on: r.arrears_paid.as_ref().map(|p| p.paid_on.to_string()),
            arrears_paid_by: r.arrears_paid.as_ref().map(|p| p.paid_by.clone()),
        }
    }
}

/// The body as the app's input; a wrong field is named.
pub fn revision_input(body: &RevisionBody) -> ApiResult<RevisionInput> {
    let revision = match body.kind.trim() {
        "revoke" => Revision::Revoke,
        "correct" => Revision::Correct {
            grade: body.grade,
            nursing: body
                .nursing
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .map(|n| {
                    serde_json::from_value(serde_json::Value::String(n.trim().to_owned())).map_err(
                        |_| {
                            ApiError::invalid(
                                "nursing",
                                format!("{n:?}; expected fully, mostly or partly"),
                            )
                        },
                    )
                })
                .transpose()?,
        },
        other => {
            return Err(ApiError::invalid(
                "kind",
                format!("{other:?}; expected revoke or correct"),
            ));
        }
    };
    Ok(RevisionInput {
        revision,
        reason: body.reason.clone(),
        decision_no: body.decision_no.clone(),
        decided_on: parse_date("decided_on", &body.decided_on)?,
        recovery: match body.instalments {
            None => RevisionRecovery::Refund,
            Some(months) => RevisionRecovery::Instalments { months },
        },
    })
}

/// Record the committee's decision revoking or correcting the case's
/// appraisal conclusion (Order No. 55 Art 31; agency clerks). Nothing
/// changes until a reviewer applies it.
#[utoipa::path(post, path = "/cases/{number}/appraisal/revisions", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = RevisionBody,
    responses((status = 201, body = RevisionView), (status = "4XX", body = Problem)))]
pub async fn record_revision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<RevisionBody>,
) -> ApiResult<Response> {
    let input = revision_input(&body)?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_appraisal_revision(&actor, &number, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &RevisionView::from(&row)))
}

/// The revisions of a case's appraisal conclusions, oldest first.
#[utoipa::path(get, path = "/cases/{number}/appraisal/revisions", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<RevisionView>), (status = "4XX", body = Problem)))]
pub async fn list_revisions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run(move |app| app.appraisal_revisions(&actor, &number))
        .await?;
    let views: Vec<RevisionView> = rows.iter().map(RevisionView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Apply a recorded revision (reviewers; never the clerk who recorded it,
/// 409): in one transaction the award on the conclusion is superseded (a
/// correction's award computed on the corrected grade approved in its
/// place), its benefits stop or change from the next month unpaid, and what
/// was paid over becomes overpayments to recover (Decree 765 Art 46).
#[utoipa::path(post, path = "/appraisal-revisions/{id}/apply", tag = "cases",
    params(("id" = i64, Path, description = "the revision's id")),
    responses((status = 200, body = RevisionView), (status = "4XX", body = Problem)))]
pub async fn apply_revision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let row = state
        .run(move |app| app.apply_appraisal_revision(&actor, id))
        .await?;
    Ok(json(StatusCode::OK, &RevisionView::from(&row)))
}

/// Pay an applied correction's arrears: what the months already paid fell
/// short of the corrected conclusion (the payable posted when it was
/// applied), from the fund's bank account, once (409 when nothing is owed,
/// it is not applied, or it is paid already).
#[utoipa::path(post, path = "/appraisal-revisions/{id}/arrears", tag = "cases",
    params(("id" = i64, Path, description = "the revision's id")),
    request_body = ArrearsBody,
    responses((status = 200, body = RevisionView), (status = "4XX", body = Problem)))]
pub async fn pay_arrears(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ArrearsBody>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let paid_on = parse_date("paid_on", &body.paid_on)?;
    let row = state
        .run(move |app| app.pay_revision_arrears(&actor, id, paid_on))
        .await?;
    Ok(json(StatusCode::OK, &RevisionView::from(&row)))
}
