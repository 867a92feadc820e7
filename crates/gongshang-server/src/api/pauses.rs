//! A survivor's pension stopped for a prison sentence and paid again after
//! the release (劳社部令第18号 Art 5): agency clerks record both from the
//! documents; the months already paid inside the pause become an
//! overpayment (Decree 765 Art 46).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::handling::{BenefitPauseRow, ImprisonmentForm, ReleaseForm};
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
        .routes(routes!(get_pauses, record_imprisonment))
        .routes(routes!(record_release))
}

/// A survivor taken into prison to serve a sentence (收监执行).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImprisonmentBody {
    /// The survivor's pension (a benefit of the case).
    pub benefit_id: i64,
    /// YYYY-MM-DD: the day taken into prison (not after today).
    pub imprisoned_on: String,
    /// YYYY-MM-DD: the day released, when already known.
    pub released_on: Option<String>,
    /// The judgment or the prison's notice it rests on.
    pub document: String,
    /// How the months already paid inside the pause come back: `refund` or
    /// `instalments` (Decree 765 Art 46).
    pub recovery: String,
    /// With `instalments`: 1 to 120.
    pub months: Option<u32>,
}

/// The survivor released (刑满释放).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseBody {
    pub benefit_id: i64,
    /// YYYY-MM-DD: the day released (not after today).
    pub released_on: String,
    /// The release certificate (释放证明书) it rests on.
    pub document: String,
}

/// A pension paused for a sentence.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct BenefitPauseView {
    pub id: i64,
    pub benefit_id: i64,
    pub imprisoned_on: String,
    /// YYYY-MM: the first month not paid (the month after the day taken in).
    pub from_month: String,
    /// YYYY-MM: the last month not paid (the release's month); none while
    /// the sentence runs.
    pub until_month: Option<String>,
    pub released_on: Option<String>,
    pub document: String,
    pub release_document: Option<String>,
    /// The overpayment of the months already paid inside the pause.
    pub overpayment_id: Option<i64>,
    pub article: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&BenefitPauseRow> for BenefitPauseView {
    fn from(p: &BenefitPauseRow) -> Self {
        BenefitPauseView {
            id: p.id,
            benefit_id: p.benefit_id,
            imprisoned_on: p.imprisoned_on.to_string(),
            from_month: p.pause.from.to_string(),
            until_month: p.pause.until.map(|m| m.to_string()),
            released_on: p.released_on.map(|d| d.to_string()),
            document: p.document.clone(),
            release_document: p.release_document.clone(),
            overpayment_id: p.overpayment_id,
            article: gongshang_domain::imprisonment::ARTICLE.to_owned(),
            recorded_by: p.actor.clone(),
            recorded_at: p.recorded_at.to_string(),
        }
    }
}

/// Stop a survivor's pension for a prison sentence (agency clerks): paused
/// from the month after the day taken in; the months already paid inside
/// the pause become an overpayment (劳社部令第18号 Art 5; Decree 765 Art 46).
#[utoipa::path(post, path = "/cases/{number}/benefit-pauses", tag = "handling",
    params(("number" = String, Path, description = "the case number")),
    request_body = ImprisonmentBody,
    responses((status = 201, body = BenefitPauseView), (status = "4XX", body = Problem)))]
pub async fn record_imprisonment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<ImprisonmentBody>,
) -> ApiResult<Response> {
    let input = ImprisonmentForm {
        benefit_id: body.benefit_id.to_string(),
        imprisoned_on: body.imprisoned_on,
        released_on: body.released_on.unwrap_or_default(),
        document: body.document,
        recovery: body.recovery,
        months: body.months.map(|m| m.to_string()).unwrap_or_default(),
    }
    .parse()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_imprisonment(&actor, &number, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &BenefitPauseView::from(&row)))
}

/// Record the release (agency clerks): the pause ends with the release's
/// month and the payroll pays again from the next month (劳社部令第18号 Art 5).
#[utoipa::path(post, path = "/cases/{number}/benefit-pauses/release", tag = "handling",
    params(("number" = String, Path, description = "the case number")),
    request_body = ReleaseBody,
    responses((status = 200, body = BenefitPauseView), (status = "4XX", body = Problem)))]
pub async fn record_release(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<ReleaseBody>,
) -> ApiResult<Response> {
    let (benefit_id, released_on, document) = ReleaseForm {
        benefit_id: body.benefit_id.to_string(),
        released_on: body.released_on,
        document: body.document,
    }
    .parse()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_release(&actor, &number, benefit_id, released_on, &document))
        .await?;
    Ok(json(StatusCode::OK, &BenefitPauseView::from(&row)))
}

/// A case's pensions paused for a sentence (agency staff).
#[utoipa::path(get, path = "/cases/{number}/benefit-pauses", tag = "handling",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<BenefitPauseView>), (status = "4XX", body = Problem)))]
pub async fn get_pauses(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run(move |app| app.benefit_pauses(&actor, &number))
        .await?;
    let views: Vec<BenefitPauseView> = rows.iter().map(BenefitPauseView::from).collect();
    Ok(json(StatusCode::OK, &views))
}
