//! The public-holiday calendar in force (`GET /holidays`: every signed-in
//! user), and loading a newly published year without a rebuild
//! (`PUT /holidays`: administrators). A year with no arrangement counts
//! weekends only and its dates are marked provisional.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::holidays::{HolidayCalendarView, HolidayYearLoaded};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(calendar, load_year))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HolidayYearView {
    pub year: i16,
    pub instrument: String,
    pub issued: String,
    pub source: String,
    /// How many holidays the arrangement lists.
    pub holidays: usize,
    /// Absent when shipped with the build.
    pub loaded_by: Option<String>,
    pub loaded_at: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HolidayCalendarResponse {
    pub years: Vec<HolidayYearView>,
    /// The first year with no arrangement: its due dates and deadlines count
    /// weekends only and are provisional.
    pub provisional_from: i16,
}

impl From<&HolidayCalendarView> for HolidayCalendarResponse {
    fn from(v: &HolidayCalendarView) -> Self {
        HolidayCalendarResponse {
            years: v
                .years
                .iter()
                .map(|y| HolidayYearView {
                    year: y.year,
                    instrument: y.instrument.clone(),
                    issued: y.issued.to_string(),
                    source: y.source.clone(),
                    holidays: y.holidays,
                    loaded_by: y.loaded_by.clone(),
                    loaded_at: y.loaded_at.map(|t| t.to_string()),
                })
                .collect(),
            provisional_from: v.provisional_from,
        }
    }
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayYearRequest {
    /// The TOML text of one year's arrangement, in the format of
    /// `policies/national/holidays/<year>.toml`.
    pub file: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HolidayYearLoadedView {
    pub year: i16,
    /// A year held before was replaced.
    pub replaced: bool,
    pub bills_redated: usize,
    pub cases_redated: usize,
}

impl From<&HolidayYearLoaded> for HolidayYearLoadedView {
    fn from(l: &HolidayYearLoaded) -> Self {
        HolidayYearLoadedView {
            year: l.year,
            replaced: l.replaced,
            bills_redated: l.bills_redated,
            cases_redated: l.cases_redated,
        }
    }
}

/// The years of the public-holiday calendar in force and where each came from.
#[utoipa::path(get, path = "/holidays", tag = "holidays",
    responses((status = 200, body = HolidayCalendarResponse), (status = "4XX", body = Problem)))]
pub async fn calendar(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Response> {
    let view = state.run(|app| app.holiday_calendar()).await?;
    Ok(json(StatusCode::OK, &HolidayCalendarResponse::from(&view)))
}

/// Load (or correct) one year's arrangement; in force at once. Bills whose due
/// date was provisional and open cases' deadlines are counted again by it.
#[utoipa::path(put, path = "/holidays", tag = "holidays", request_body = HolidayYearRequest,
    responses((status = 200, body = HolidayYearLoadedView), (status = "4XX", body = Problem)))]
pub async fn load_year(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<HolidayYearRequest>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let loaded = state
        .run(move |app| app.load_holiday_year(&actor, &req.file))
        .await?;
    Ok(json(StatusCode::OK, &HolidayYearLoadedView::from(&loaded)))
}
