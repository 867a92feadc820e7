//! Saved reform scenarios and simulation jobs (issue 14): an analyst saves
//! a reform under a name (each save a new version), and runs a scenario, or
//! a reform given inline, as a job in the background: `202 Accepted` with
//! the job, then `GET` it until its `status` is `done` (its `result` is what
//! `POST /fund/simulations` answers), `failed` (its `error`) or
//! `interrupted` (the server stopped while it ran).
//!
//! Who: those who may simulate (the app's permission table decides).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::simulation_jobs::{
    JobComparison, JobReform, JobRequest, ScenarioInput, ScenarioRow, SimulationJob,
    SimulationJobRow,
};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::fund::{SimulationView, XLSX, attachment};
use super::{ApiJson, ApiQuery, json, json_sized};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(scenarios, save_scenario))
        .routes(routes!(scenario))
        .routes(routes!(archive_scenario))
        .routes(routes!(jobs, start_job))
        .routes(routes!(compare_jobs))
        .routes(routes!(job))
        .routes(routes!(job_result))
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBody {
    /// The scenario's name (at most 80 characters, one line); saving under
    /// a name again makes its next version.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The reform as TOML, validated as `POST /fund/simulations` validates it.
    pub reform: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ScenarioView {
    pub name: String,
    pub version: i64,
    pub description: String,
    pub reform: String,
    /// `role:login` of who saved this version.
    pub saved_by: String,
    pub saved_at: String,
    /// Set on an archived scenario's latest version.
    pub archived_by: Option<String>,
    pub archived_at: Option<String>,
}

impl From<&ScenarioRow> for ScenarioView {
    fn from(s: &ScenarioRow) -> Self {
        ScenarioView {
            name: s.name.clone(),
            version: s.version,
            description: s.description.clone(),
            reform: s.reform.clone(),
            saved_by: s.saved_by.clone(),
            saved_at: s.saved_at.to_string(),
            archived_by: s.archived_by.clone(),
            archived_at: s.archived_at.map(|t| t.to_string()),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ScenarioVersionsView {
    pub name: String,
    /// Every version, the oldest first.
    pub versions: Vec<ScenarioView>,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScenariosQuery {
    /// `true`: the archived scenarios too.
    pub archived: Option<bool>,
}

/// The saved scenarios: the latest version of each, by name (the archived
/// ones only with `archived=true`).
#[utoipa::path(get, path = "/fund/scenarios", tag = "fund", params(ScenariosQuery),
    responses((status = 200, body = Vec<ScenarioView>), (status = "4XX", body = Problem)))]
pub async fn scenarios(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ScenariosQuery>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.scenarios(&actor, q.archived.unwrap_or(false)))
        .await?;
    let views: Vec<ScenarioView> = rows.iter().map(ScenarioView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Save a reform under a name: its next version (1 for a new name). A
/// reform that does not validate is refused (`invalid`, its field) and
/// nothing is saved.
#[utoipa::path(post, path = "/fund/scenarios", tag = "fund", request_body = ScenarioBody,
    responses((status = 201, body = ScenarioView), (status = "4XX", body = Problem)))]
pub async fn save_scenario(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<ScenarioBody>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let input = ScenarioInput {
        name: body.name,
        description: body.description,
        reform: body.reform,
    };
    let row = state
        .run(move |app| app.save_scenario(&actor, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &ScenarioView::from(&row)))
}

/// Every version of a scenario, the oldest first (an archived one too).
#[utoipa::path(get, path = "/fund/scenarios/{name}", tag = "fund",
    params(("name" = String, Path, description = "the scenario's name")),
    responses((status = 200, body = ScenarioVersionsView), (status = "4XX", body = Problem)))]
pub async fn scenario(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let key = name.clone();
    let versions = state
        .run_read(move |app| app.scenario_versions(&actor, &key))
        .await?;
    Ok(json(
        StatusCode::OK,
        &ScenarioVersionsView {
            name,
            versions: versions.iter().map(ScenarioView::from).collect(),
        },
    ))
}

/// Archive a scenario: off the list until saved again; its versions stay
/// readable and runnable. Nothing is deleted.
#[utoipa::path(post, path = "/fund/scenarios/{name}/archive", tag = "fund",
    params(("name" = String, Path, description = "the scenario's name")),
    responses((status = 200, body = ScenarioView), (status = "4XX", body = Problem)))]
pub async fn archive_scenario(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let row = state
        .run(move |app| app.archive_scenario(&actor, &name))
        .await?;
    Ok(json(StatusCode::OK, &ScenarioView::from(&row)))
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationJobBody {
    /// Run this saved scenario (its latest version, or `version`); or give
    /// `reform` inline; neither: the baseline against itself.
    pub scenario: Option<String>,
    /// With `scenario`: the version to run.
    pub version: Option<i64>,
    /// The reform as TOML (as `POST /fund/simulations` takes it).
    pub reform: Option<String>,
    /// Synthetic insured to project (1 to 10,000,000); or give `stored_on`.
    pub people: Option<u64>,
    /// Project the insured as stored on this day (`YYYY-MM-DD`).
    pub stored_on: Option<String>,
    /// With `stored_on`: the industry class (1 to 8) of enrolments without a unit.
    pub unitless_class: Option<u8>,
    pub seed: Option<u64>,
    /// The first year [default 2026].
    pub start_year: Option<i16>,
    /// 1 to 30 [default 10].
    pub years: Option<u16>,
    /// 0 to 200 [default 0: no bands].
    pub replicates: Option<u16>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimJobErrorView {
    /// The code of the error table (`invalid`, ...; `internal` when the
    /// server failed, told in its log).
    pub code: String,
    pub field: Option<String>,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulationJobView {
    pub id: i64,
    /// `queued`, `running`, `done`, `failed` or `interrupted` (the server
    /// stopped while it ran; start it again).
    pub status: String,
    /// `queued`, `population`, `projection`, `storing` or `done`.
    pub stage: String,
    /// Progress out of `total` (100: hundredths; the population the first
    /// 5, the projection the next 90, advancing per slice of the records,
    /// year and replicate, storing the last 5).
    pub done: i64,
    pub total: i64,
    /// The scenario run, and its version.
    pub scenario: Option<String>,
    pub scenario_version: Option<i64>,
    /// The reform as run (absent: the baseline against itself).
    pub reform: Option<String>,
    pub people: Option<i64>,
    pub stored_on: Option<String>,
    pub unitless_class: Option<i64>,
    /// As text: a seed is any 64-bit unsigned number.
    pub seed: String,
    pub start_year: i64,
    pub years: i64,
    pub replicates: i64,
    pub requested_by: String,
    pub requested_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<SimJobErrorView>,
    /// Once done: what `POST /fund/simulations` answers for the same request.
    pub result: Option<SimulationView>,
}

fn job_view(row: &SimulationJobRow, result: Option<SimulationView>) -> SimulationJobView {
    SimulationJobView {
        id: row.id,
        status: row.status.as_str().to_owned(),
        stage: row.stage.clone(),
        done: row.done,
        total: row.total,
        scenario: row.scenario.as_ref().map(|(n, _)| n.clone()),
        scenario_version: row.scenario.as_ref().map(|(_, v)| *v),
        reform: row.reform.clone(),
        people: row.people,
        stored_on: row.stored_on.map(|d| d.to_string()),
        unitless_class: row.unitless_class,
        seed: row.seed.to_string(),
        start_year: row.start_year,
        years: row.years,
        replicates: row.replicates,
        requested_by: row.requested_by.clone(),
        requested_at: row.requested_at.to_string(),
        started_at: row.started_at.map(|t| t.to_string()),
        finished_at: row.finished_at.map(|t| t.to_string()),
        error: row.error.as_ref().map(|e| SimJobErrorView {
            code: e.code.clone(),
            field: e.field.clone(),
            detail: e.detail.clone(),
        }),
        result,
    }
}

fn full_job_view(job: &SimulationJob) -> SimulationJobView {
    job_view(&job.row, job.result.as_ref().map(SimulationView::from))
}

/// The simulation jobs, the newest first (at most 100), without results.
#[utoipa::path(get, path = "/fund/simulation-jobs", tag = "fund",
    responses((status = 200, body = Vec<SimulationJobView>), (status = "4XX", body = Problem)))]
pub async fn jobs(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.simulation_jobs(&actor, 100))
        .await?;
    let views: Vec<SimulationJobView> = rows.iter().map(|r| job_view(r, None)).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Start a projection as a background job: checked at once (a refusal names
/// its field, nothing is queued), then queued and run by the server's
/// worker, one job at a time. A synthetic population may have up to
/// 10,000,000 people (the synchronous endpoint: 1,000,000). Answered `202`
/// with the job and its address (`Location`); poll it.
#[utoipa::path(post, path = "/fund/simulation-jobs", tag = "fund", request_body = SimulationJobBody,
    responses((status = 202, body = SimulationJobView), (status = "4XX", body = Problem)))]
pub async fn start_job(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<SimulationJobBody>,
) -> ApiResult<Response> {
    use gongshang_app::simulation::PopulationSource;
    let actor = user.actor();
    if body.unitless_class.is_some() && body.stored_on.is_none() {
        return Err(ApiError::invalid(
            "unitless_class",
            "only with stored_on: a synthetic population has a class for everyone",
        ));
    }
    let population = match (body.people, &body.stored_on) {
        (Some(people), None) => PopulationSource::Synthetic { people },
        (None, Some(on)) => PopulationSource::Stored {
            on: super::registry::parse_date("stored_on", on)?,
            unitless_class: body.unitless_class,
        },
        _ => {
            return Err(ApiError::invalid(
                "people",
                "give either people (a synthetic population) or stored_on (the insured as stored), not both",
            ));
        }
    };
    let reform = match (body.scenario, body.reform) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "reform",
                "give either scenario (a saved one) or reform (inline), not both",
            ));
        }
        (Some(name), None) => JobReform::Scenario {
            name,
            version: body.version,
        },
        (None, reform) => {
            if body.version.is_some() {
                return Err(ApiError::invalid("version", "only with scenario"));
            }
            JobReform::Inline(reform)
        }
    };
    let req = JobRequest {
        reform,
        population,
        seed: body.seed.unwrap_or(1),
        start_year: body.start_year.unwrap_or(2026),
        years: body.years.unwrap_or(10),
        replicates: body.replicates.unwrap_or(0),
    };
    let row = state
        .run(move |app| app.start_simulation_job(&actor, &req))
        .await?;
    state.sim_jobs.wake(&state.app);
    let mut response = json(StatusCode::ACCEPTED, &job_view(&row, None));
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/fund/simulation-jobs/{}", row.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// A job: its state and progress; once done its result (as
/// `POST /fund/simulations` answers), once failed its error.
#[utoipa::path(get, path = "/fund/simulation-jobs/{id}", tag = "fund",
    params(("id" = i64, Path, description = "the job's id")),
    responses((status = 200, body = SimulationJobView), (status = "4XX", body = Problem)))]
pub async fn job(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let job = state
        .run_read(move |app| app.simulation_job(&actor, id))
        .await?;
    Ok(json_sized(StatusCode::OK, &full_job_view(&job), 16 * 1024))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobResultQuery {
    /// `json` (the default), `csv` or `xlsx`: the years, baseline then
    /// reform, with the bands (the table `gongshang simulate --out` writes).
    pub format: Option<String>,
}

/// A done job's result as a file: the years as CSV or Excel, or the whole
/// result as JSON. `conflict` while the job has no result.
#[utoipa::path(get, path = "/fund/simulation-jobs/{id}/result", tag = "fund",
    params(("id" = i64, Path, description = "the job's id"), JobResultQuery),
    responses(
        (status = 200, content(
            (SimulationView = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = "4XX", body = Problem)))]
pub async fn job_result(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<JobResultQuery>,
) -> ApiResult<Response> {
    let format = q.format.unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx") {
        return Err(ApiError::new(
            "malformed_query",
            "format must be json, csv or xlsx".to_owned(),
        ));
    }
    let actor = user.actor();
    let job = state
        .run_read(move |app| app.simulation_job(&actor, id))
        .await?;
    let Some(sim) = &job.result else {
        return Err(ApiError::new(
            "conflict",
            format!(
                "simulation job {id} has no result: it is {}",
                job.row.status.as_str()
            ),
        ));
    };
    let table = || gongshang_app::simulation::years_table(&sim.projection);
    Ok(match format.as_str() {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("simulation-job-{id}.csv"),
            gongshang_app::export::csv(&table()).into_bytes(),
        ),
        "xlsx" => attachment(
            XLSX,
            format!("simulation-job-{id}.xlsx"),
            gongshang_app::export::xlsx(&table()),
        ),
        _ => json_sized(StatusCode::OK, &SimulationView::from(sim), 16 * 1024).into_response(),
    })
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The first job's id.
    pub a: i64,
    /// The second job's id.
    pub b: i64,
}

/// One pair of years of a comparison: the reform's income, expenditure and
/// fund at year end of each job, and the difference in the fund (b − a).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ComparedYearView {
    pub year_a: i16,
    pub year_b: i16,
    pub income_a_fen: i64,
    pub income_b_fen: i64,
    pub expenditure_a_fen: i64,
    pub expenditure_b_fen: i64,
    pub reserve_a_fen: i64,
    pub reserve_b_fen: i64,
    pub reserve_difference_fen: i64,
}

/// Two done jobs compared: each job (without its result; read it at
/// `/fund/simulation-jobs/{id}`), each reform's break-even rate, and the
/// years paired in order.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct JobComparisonView {
    pub a: SimulationJobView,
    pub b: SimulationJobView,
    pub break_even_rate_a: String,
    pub break_even_rate_b: String,
    pub years: Vec<ComparedYearView>,
}

fn comparison_view(c: &JobComparison) -> JobComparisonView {
    let rate = |j: &SimulationJob| {
        j.result
            .as_ref()
            .map(|r| r.projection.reformed.break_even_rate.clone())
            .unwrap_or_default()
    };
    JobComparisonView {
        a: job_view(&c.a.row, None),
        b: job_view(&c.b.row, None),
        break_even_rate_a: rate(&c.a),
        break_even_rate_b: rate(&c.b),
        years: c
            .years
            .iter()
            .map(|y| ComparedYearView {
                year_a: y.year_a,
                year_b: y.year_b,
                income_a_fen: y.income_a.fen(),
                income_b_fen: y.income_b.fen(),
                expenditure_a_fen: y.expenditure_a.fen(),
                expenditure_b_fen: y.expenditure_b.fen(),
                reserve_a_fen: y.reserve_a.fen(),
                reserve_b_fen: y.reserve_b.fen(),
                reserve_difference_fen: y.reserve_difference.fen(),
            })
            .collect(),
    }
}

/// Two done jobs side by side, as the analyst's compare page shows them.
/// A job without a result (queued, running, failed) is refused under its
/// parameter, `a` or `b`.
#[utoipa::path(get, path = "/fund/simulation-jobs/compare", tag = "fund",
    params(CompareQuery),
    responses((status = 200, body = JobComparisonView), (status = "4XX", body = Problem)))]
pub async fn compare_jobs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let c = state
        .run_read(move |app| app.compare_simulation_jobs(&actor, q.a, q.b))
        .await?;
    Ok(json(StatusCode::OK, &comparison_view(&c)))
}
