//! The analyst's saved scenarios and simulation jobs (issue 14): a reform
//! saved under a name (each save a new version, the old ones kept and
//! shown), run as a background job over a synthetic population (up to
//! 10,000,000 people) or the insured as stored; the jobs with their stage
//! while they run (the page asks again every two seconds until nothing
//! runs), and a done job's result with the reform page's charts, tables and
//! exports. A refused entry is shown under its field in the page's
//! language; a failed job's error too.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::simulation::PopulationSource;
use gongshang_app::simulation_jobs::{
    JobComparison, JobReform, JobRequest, JobStatus, SIMULATION_JOB_MAX_PEOPLE, ScenarioInput,
    ScenarioRow, SimulationJob, SimulationJobRow,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::simulate::{field_of, results, say};
use super::staff_words::actor_words;
use super::{Ctx, UrlQuery, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/fund/scenarios", get(list_page).post(save))
        .route("/fund/scenarios/{name}", get(versions_page))
        .route("/fund/scenarios/{name}/archive", post(archive))
        .route("/fund/simulation-jobs", post(start))
        .route("/fund/simulation-jobs/{id}", get(job_page))
        .route("/fund/simulation-jobs/compare", get(compare_page))
}

/// The save form as submitted (kept as typed when refused).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScenarioForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    reform: String,
}

impl ScenarioForm {
    /// The form as first shown: the reform shipped in `examples/reforms/`,
    /// so that an analyst starts from a working file, not a blank box.
    fn example() -> ScenarioForm {
        ScenarioForm {
            name: "band-50-350-yilubao-0.6".into(),
            description: "缴费基数上下限 50%-350%，益鹭保每日 0.6 元（示例）".into(),
            reform: include_str!("../../../../examples/reforms/band-50-350-yilubao-0.6.toml")
                .into(),
            ..ScenarioForm::default()
        }
    }
}

/// A scenario's run form (every field text: a wrong entry comes back).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RunForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    people: String,
    /// A day: the insured as stored on it instead of a synthetic population.
    #[serde(default)]
    on: String,
    #[serde(default)]
    years: String,
    #[serde(default)]
    replicates: String,
    #[serde(default)]
    seed: String,
}

fn number<T: std::str::FromStr>(v: &str, field: &'static str, default: T) -> Result<T, AppError> {
    match v.trim() {
        "" => Ok(default),
        t => t
            .parse()
            .map_err(|_| AppError::invalid(field, format!("{t:?} is not a whole number"))),
    }
}

impl RunForm {
    fn request(&self, start_year: i16) -> Result<JobRequest, AppError> {
        let population = match self.on.trim() {
            "" => PopulationSource::Synthetic {
                people: number(&self.people, "people", 100_000u64)?,
            },
            t => PopulationSource::Stored {
                on: t.parse().map_err(|_| {
                    AppError::invalid("on", format!("{t:?} is not a date (YYYY-MM-DD)"))
                })?,
                unitless_class: None,
            },
        };
        let reform = match self.scenario.trim() {
            "" => JobReform::Inline(None),
            name => JobReform::Scenario {
                name: name.to_owned(),
                version: match self.version.trim() {
                    "" => None,
                    _ => Some(number(&self.version, "version", 1i64)?),
                },
            },
        };
        Ok(JobRequest {
            reform,
            population,
            seed: number(&self.seed, "seed", 1u64)?,
            start_year,
            years: number(&self.years, "years", 10u16)?,
            replicates: number(&self.replicates, "replicates", 0u16)?,
        })
    }
}

/// What was wrong with a scenario's name or description, or else what
/// the reform page says, in the page's language.
fn say_here(ctx: &Ctx, e: &AppError) -> String {
    let detail = match e {
        AppError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    match e.field() {
        Some("name") => format!(
            "{}{detail}",
            ctx.t(
                "方案名称须填写，一行，不超过 80 个字符：",
                "A name is needed, on one line, at most 80 characters: "
            )
        ),
        Some("description") => format!(
            "{}{detail}",
            ctx.t(
                "说明不超过 2000 个字符：",
                "The description is at most 2000 characters: "
            )
        ),
        _ if matches!(e, AppError::NotFound { .. }) => {
            format!("{}{detail}", ctx.t("未找到：", "Not found: "))
        }
        _ => say(ctx, e),
    }
}

/// The field a save form's error belongs under.
fn save_field(e: &AppError) -> Option<&'static str> {
    match e.field() {
        Some("name") => Some("name"),
        Some("description") => Some("description"),
        _ => field_of(e).filter(|f| *f == "reform"),
    }
}

fn under(ctx: &Ctx, error: Option<&AppError>, form: &str, field: &str) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| save_field(e) == Some(field) || (form == "run" && field_of(e) == Some(field))) {
            p.field-error role="alert" id=(format!("{form}-{field}-error")) { (say_here(ctx, e)) }
        }
    }
}

/// A job's state in words.
fn status_text(ctx: &Ctx, s: JobStatus) -> &'static str {
    match s {
        JobStatus::Queued => ctx.t("排队中", "queued"),
        JobStatus::Running => ctx.t("运行中", "running"),
        JobStatus::Done => ctx.t("已完成", "done"),
        JobStatus::Failed => ctx.t("失败", "failed"),
        JobStatus::Interrupted => ctx.t(
            "已中断（服务器停止时仍在运行，可重新开始）",
            "interrupted (the server stopped while it ran; start it again)",
        ),
    }
}

fn stage_text(ctx: &Ctx, stage: &str) -> &'static str {
    match stage {
        "queued" => ctx.t("等待", "waiting"),
        "population" => ctx.t("生成或读取人群", "making or reading the population"),
        "projection" => ctx.t(
            "逐年测算（基准、改革、各项调整、重复抽样）",
            "projecting (baseline, reform, each override, replicates)",
        ),
        "storing" => ctx.t("保存结果", "storing the result"),
        "done" => ctx.t("完成", "finished"),
        _ => "",
    }
}

fn population_text(ctx: &Ctx, j: &SimulationJobRow) -> String {
    match (j.people, j.stored_on) {
        (Some(n), _) => format!(
            "{}{n}{}",
            ctx.t("合成 ", "synthetic, "),
            ctx.t(" 人", " people")
        ),
        (None, Some(on)) => format!(
            "{}{on}",
            ctx.t("已登记的参保人，日期 ", "the insured as stored on ")
        ),
        _ => String::new(),
    }
}

fn when(t: jiff::Timestamp) -> String {
    super::format::china_time_precise(t)
}

struct ListState<'a> {
    save: &'a ScenarioForm,
    save_error: Option<&'a AppError>,
    run: Option<&'a RunForm>,
    run_error: Option<&'a AppError>,
}

async fn list_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    render_list(
        &state,
        &ctx,
        ListState {
            save: &ScenarioForm::example(),
            save_error: None,
            run: None,
            run_error: None,
        },
    )
    .await
}

async fn render_list(state: &AppState, ctx: &Ctx, s: ListState<'_>) -> Response {
    let actor = match session::require(ctx, Action::ReadScenarios) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let read = state
        .run_read(move |app| {
            Ok::<_, AppError>((
                app.scenarios(&actor, false)?,
                app.simulation_jobs(&actor, 50)?,
            ))
        })
        .await;
    let title = ctx.t("测算方案与任务", "Scenarios and simulation jobs");
    let (scenarios, jobs) = match read {
        Ok(r) => r,
        Err(e) => {
            return (
                super::error_status(&e),
                respond(ctx, title, super::error_box(ctx, &e)),
            )
                .into_response();
        }
    };
    let status = match s.save_error.or(s.run_error) {
        Some(e) => super::error_status(e),
        None => axum::http::StatusCode::OK,
    };
    (
        status,
        respond(ctx, title, list_body(ctx, &scenarios, &jobs, &s)),
    )
        .into_response()
}

fn list_body(
    ctx: &Ctx,
    scenarios: &[ScenarioRow],
    jobs: &[SimulationJobRow],
    s: &ListState<'_>,
) -> Markup {
    let may_save = ctx.viewer.may(Action::SaveScenario);
    let may_run = ctx.viewer.may(Action::RunSimulationJob);
    let bad = |field: &str| s.save_error.is_some_and(|e| save_field(e) == Some(field));
    // What was typed comes back only in the refused scenario's own row.
    let run_value = |here: bool, f: fn(&RunForm) -> &String, default: &str| -> String {
        s.run
            .filter(|_| here)
            .map(|r| f(r).clone())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    html! {
        h1 { (ctx.t("测算方案与后台任务", "Scenarios and simulation jobs")) }
        p.note { (ctx.t(
            "保存改革方案（每次保存为新版本，旧版本保留可查），在后台运行测算并查看进度；结果保存后可随时查看、导出和比较。后台任务的合成人群最多 10,000,000 人（即时测算最多 1,000,000 人）。",
            "Save a reform as a named scenario (each save is a new version; the old ones stay readable), run it in the background and follow its progress; the result is kept to read, export and compare. A job's synthetic population may have up to 10,000,000 people (the immediate projection: 1,000,000)."
        )) " " a href="/fund/simulate" { (ctx.t("即时测算", "Immediate projection")) } }
        section #scenarios {
            h2 { (ctx.t("已保存的方案", "Saved scenarios")) }
            @if scenarios.is_empty() {
                p.muted { (ctx.t("尚无保存的方案。", "No scenario saved yet.")) }
            } @else {
                div.table-wrap { table.scenarios {
                    thead { tr {
                        th { (ctx.t("名称", "Name")) }
                        th.num { (ctx.t("版本", "Version")) }
                        th { (ctx.t("说明", "Description")) }
                        th { (ctx.t("保存人与时间", "Saved by, at")) }
                        @if may_run { th { (ctx.t("在后台运行", "Run in the background")) } }
                    } }
                    tbody {
                        @for sc in scenarios {
                            tr {
                                td { a href=(format!("/fund/scenarios/{}", urlencoding(&sc.name))) { (sc.name) } }
                                td.num { (sc.version) }
                                td { (sc.description) }
                                td { (actor_words(ctx, &sc.saved_by)) br; span.muted { (when(sc.saved_at)) } }
                                @if may_run {
                                    @let here = s.run.is_some_and(|r| r.scenario == sc.name);
                                    // A bad day, or no one in cover on it, is said next to the day.
                                    @let on_error = s.run_error.filter(|e| here && matches!(field_of(e), Some("on" | "source")));
                                    td {
                                        form.inline method="post" action="/fund/simulation-jobs" {
                                            (session::csrf_field(ctx))
                                            input type="hidden" name="scenario" value=(sc.name);
                                            label { (ctx.t("人数", "People")) " " input name="people" inputmode="numeric" size="9" value=(run_value(here, |r| &r.people, "100000")); }
                                            // The day picks the population: empty, the synthetic
                                            // people above; a day, the insured in cover on it.
                                            " " label { (ctx.t("或改用某日在保的已登记参保人，日期", "or instead the insured as stored, in cover on"))
                                                " " input type="date" name="on" value=(run_value(here, |r| &r.on, ""))
                                                    title=(ctx.t("留空：按上面的人数合成人群；填写日期：改用该日在保的已登记参保人，人数不再使用", "Empty: a synthetic population of the people above; a day: the insured as stored who were in cover that day, and the people count is not used"))
                                                    aria-invalid=[on_error.is_some().then_some("true")]
                                                    aria-describedby=[on_error.is_some().then_some("run-on-error")]
                                                    autofocus[on_error.is_some()]; }
                                            @if let Some(e) = on_error {
                                                " " span.field-error #run-on-error role="alert" { (say_here(ctx, e)) }
                                            }
                                            " " label { (ctx.t("年数", "Years")) " " input name="years" inputmode="numeric" size="3" value=(run_value(here, |r| &r.years, "10")); }
                                            " " label { (ctx.t("重复次数", "Replicates")) " " input name="replicates" inputmode="numeric" size="4" value=(run_value(here, |r| &r.replicates, "0")); }
                                            " " label { (ctx.t("种子", "Seed")) " " input name="seed" inputmode="numeric" size="6" value=(run_value(here, |r| &r.seed, "1")); }
                                            " " button type="submit" { (ctx.t("开始测算", "Start")) }
                                        }
                                        @if here {
                                            @for field in ["people", "years", "replicates", "seed", "reform"] {
                                                (under(ctx, s.run_error, "run", field))
                                            }
                                            @if let Some(e) = s.run_error.filter(|e| field_of(e).is_none()) {
                                                div.alert.error role="alert" { (say_here(ctx, e)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
        @if may_save {
            section #save-scenario {
                h2 { (ctx.t("保存方案", "Save a scenario")) }
                form method="post" action="/fund/scenarios" {
                    (session::csrf_field(ctx))
                    label { (ctx.t("名称（同名再次保存即为新版本）", "Name (saving under the same name makes a new version)")) br;
                        input name="name" size="40" value=(s.save.name) aria-invalid=[bad("name").then_some("true")] autofocus[bad("name")]; }
                    (under(ctx, s.save_error, "save", "name"))
                    br;
                    label { (ctx.t("说明", "Description")) br;
                        textarea name="description" rows="2" cols="80" aria-invalid=[bad("description").then_some("true")] { (s.save.description) } }
                    (under(ctx, s.save_error, "save", "description"))
                    br;
                    label { (ctx.t("改革方案（TOML，与即时测算相同）", "The reform (TOML, as for the immediate projection)")) br;
                        textarea name="reform" rows="12" cols="80" spellcheck="false" aria-invalid=[bad("reform").then_some("true")] autofocus[bad("reform")] { (s.save.reform) } }
                    (under(ctx, s.save_error, "save", "reform"))
                    @if let Some(e) = s.save_error.filter(|e| save_field(e).is_none()) {
                        div.alert.error role="alert" { (say_here(ctx, e)) }
                    }
                    br;
                    button type="submit" { (ctx.t("保存", "Save")) }
                }
            }
        }
        (jobs_section(ctx, jobs))
    }
}

/// The jobs, newest first; while one is queued or running the section asks
/// for itself again every two seconds (htmx, shipped with the pages).
fn jobs_section(ctx: &Ctx, jobs: &[SimulationJobRow]) -> Markup {
    let live = jobs.iter().any(|j| !j.status.is_finished());
    html! {
        section #simulation-jobs hx-get=[live.then_some("/fund/scenarios")] hx-trigger=[live.then_some("every 2s")]
            hx-select=[live.then_some("#simulation-jobs")] hx-swap=[live.then_some("outerHTML")] {
            h2 { (ctx.t("测算任务", "Simulation jobs")) }
            @if live { p.muted { (ctx.t("有任务在运行，本列表每 2 秒自动更新。", "A job is running: this list updates every 2 seconds.")) } }
            @if jobs.is_empty() {
                p.muted { (ctx.t("尚无任务。", "No job yet.")) }
            } @else {
                div.table-wrap { table.jobs {
                    thead { tr {
                        th { (ctx.t("任务", "Job")) }
                        th { (ctx.t("方案", "Scenario")) }
                        th { (ctx.t("人群", "Population")) }
                        th { (ctx.t("状态", "Status")) }
                        th { (ctx.t("进度", "Progress")) }
                        th { (ctx.t("发起人与时间", "Started by, at")) }
                    } }
                    tbody {
                        @for j in jobs {
                            tr {
                                td { a href=(format!("/fund/simulation-jobs/{}", j.id)) { "#" (j.id) } }
                                td { @match &j.scenario {
                                    Some((name, version)) => { (name) " v" (version) },
                                    None => { (ctx.t("直接填写的改革", "inline reform")) },
                                } }
                                td { (population_text(ctx, j)) }
                                td.job-status { (status_text(ctx, j.status)) }
                                td { (progress_text(ctx, j)) }
                                td { (actor_words(ctx, &j.requested_by)) br; span.muted { (when(j.requested_at)) } }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// A job's progress: the bar (its fallback content left empty, so that a
/// browser without `<progress>` and a screen reader do not read the fraction
/// twice), then done/total once, then the stage.
fn progress_text(ctx: &Ctx, j: &SimulationJobRow) -> Markup {
    html! {
        progress max=(j.total) value=(j.done) aria-hidden="true" {}
        " " (j.done) "/" (j.total) " " (stage_text(ctx, &j.stage))
    }
}

fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
        .replace('+', "%20")
}

async fn save(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ScenarioForm>) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let input = ScenarioInput {
        name: f.name.clone(),
        description: f.description.clone(),
        reform: f.reform.clone(),
    };
    match state
        .run(move |app| app.save_scenario(&actor, &input))
        .await
    {
        Ok(_) => Redirect::to("/fund/scenarios").into_response(),
        Err(e) => {
            render_list(
                &state,
                &ctx,
                ListState {
                    save: &f,
                    save_error: Some(&e),
                    run: None,
                    run_error: None,
                },
            )
            .await
        }
    }
}

async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Form(f): Form<ScenarioForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state
        .run(move |app| app.archive_scenario(&actor, &name))
        .await
    {
        Ok(_) => Redirect::to("/fund/scenarios").into_response(),
        Err(e) => {
            let title = ctx.t("归档方案", "Archive a scenario");
            (
                super::error_status(&e),
                respond(&ctx, title, super::error_box(&ctx, &e)),
            )
                .into_response()
        }
    }
}

async fn start(State(state): State<AppState>, ctx: Ctx, Form(f): Form<RunForm>) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let start_year = state.app.today().year();
    let form = f.clone();
    let started = state
        .run(move |app| {
            let req = form.request(start_year)?;
            app.start_simulation_job(&actor, &req)
        })
        .await;
    match started {
        Ok(job) => {
            state.sim_jobs.wake(&state.app);
            Redirect::to(&format!("/fund/simulation-jobs/{}", job.id)).into_response()
        }
        Err(e) => {
            render_list(
                &state,
                &ctx,
                ListState {
                    save: &ScenarioForm::default(),
                    save_error: None,
                    run: Some(&f),
                    run_error: Some(&e),
                },
            )
            .await
        }
    }
}

async fn versions_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadScenarios) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let key = name.clone();
    let title = ctx.t("方案的各版本", "A scenario's versions");
    match state
        .run_read(move |app| app.scenario_versions(&actor, &key))
        .await
    {
        Ok(versions) => respond(&ctx, title, versions_body(&ctx, &name, &versions)),
        Err(e) => (
            super::error_status(&e),
            respond(&ctx, title, super::error_box(&ctx, &e)),
        )
            .into_response(),
    }
}

fn versions_body(ctx: &Ctx, name: &str, versions: &[ScenarioRow]) -> Markup {
    let archived = versions.last().is_some_and(|v| v.archived_at.is_some());
    html! {
        h1 { (name) }
        p { a href="/fund/scenarios" { (ctx.t("← 全部方案与任务", "← All scenarios and jobs")) } }
        @if archived {
            p.alert { (ctx.t("此方案已归档：不在列表中显示；以同名再次保存即恢复。", "This scenario is archived: it is off the list until saved again under its name.")) }
        } @else if ctx.viewer.may(Action::SaveScenario) {
            form method="post" action=(format!("/fund/scenarios/{}/archive", urlencoding(name))) {
                (session::csrf_field(ctx))
                button type="submit" { (ctx.t("归档（不删除，仅从列表隐藏）", "Archive (nothing is deleted; only hidden from the list)")) }
            }
        }
        @for v in versions.iter().rev() {
            section.scenario-version {
                h2 { (ctx.t("版本 ", "Version ")) (v.version) }
                p { (actor_words(ctx, &v.saved_by)) " · " (when(v.saved_at)) }
                @if !v.description.is_empty() { p { (v.description) } }
                pre { code { (v.reform) } }
            }
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct JobQuery {
    /// `csv` or `xlsx`: the years as a file.
    format: Option<String>,
}

async fn job_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    UrlQuery(q): UrlQuery<JobQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadSimulationJobs) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let title = ctx.t("测算任务", "Simulation job");
    let read = state
        .run_read(move |app| {
            let job = app.simulation_job(&actor, id)?;
            // The other finished jobs, to compare with by name.
            let others: Vec<SimulationJobRow> = app
                .simulation_jobs(&actor, 50)?
                .into_iter()
                .filter(|o| o.id != id && o.status == JobStatus::Done)
                .collect();
            Ok::<_, AppError>((job, others))
        })
        .await;
    let (job, others) = match read {
        Ok(j) => j,
        Err(e) => {
            return (
                super::error_status(&e),
                respond(&ctx, title, super::error_box(&ctx, &e)),
            )
                .into_response();
        }
    };
    match (q.format.as_deref(), &job.result) {
        (Some(format @ ("csv" | "xlsx")), Some(sim)) => {
            let table = gongshang_app::simulation::years_table(&sim.projection);
            let bytes = if format == "xlsx" {
                gongshang_app::export::xlsx(&table)
            } else {
                gongshang_app::export::csv(&table).into_bytes()
            };
            super::analyst::download(&format!("gongshang-simulation-job-{id}"), format, bytes)
        }
        _ => respond(&ctx, title, job_body(&ctx, &job, &others)),
    }
}

fn job_body(ctx: &Ctx, job: &SimulationJob, others: &[SimulationJobRow]) -> Markup {
    let j = &job.row;
    let live = !j.status.is_finished();
    let url = format!("/fund/simulation-jobs/{}", j.id);
    html! {
        div #simulation-job hx-get=[live.then_some(url.as_str())] hx-trigger=[live.then_some("every 2s")]
            hx-select=[live.then_some("#simulation-job")] hx-swap=[live.then_some("outerHTML")] {
            h1 { (ctx.t("测算任务 #", "Simulation job #")) (j.id) }
            p { a href="/fund/scenarios" { (ctx.t("← 全部方案与任务", "← All scenarios and jobs")) } }
            dl.job {
                dt { (ctx.t("状态", "Status")) } dd.job-status { (status_text(ctx, j.status)) }
                dt { (ctx.t("进度", "Progress")) }
                dd { (progress_text(ctx, j)) }
                dt { (ctx.t("方案", "Scenario")) }
                dd { @match &j.scenario {
                    Some((name, version)) => { a href=(format!("/fund/scenarios/{}", urlencoding(name))) { (name) } (ctx.t(" 第 ", " version ")) (version) (ctx.t(" 版", "")) },
                    None => { (ctx.t("直接填写的改革", "an inline reform")) },
                } }
                dt { (ctx.t("人群", "Population")) } dd { (population_text(ctx, j)) }
                dt { (ctx.t("参数", "Parameters")) }
                dd { (ctx.t("起始年份 ", "from ")) (j.start_year) (ctx.t("，年数 ", ", years ")) (j.years)
                     (ctx.t("，重复次数 ", ", replicates ")) (j.replicates) (ctx.t("，随机种子 ", ", seed ")) (j.seed) }
                dt { (ctx.t("发起", "Started by")) } dd { (actor_words(ctx, &j.requested_by)) " · " (when(j.requested_at)) }
            }
            @if live {
                p.muted { (ctx.t("任务运行中，本页每 2 秒自动更新。", "The job is running: this page updates every 2 seconds.")) " "
                    a href=(url) { (ctx.t("刷新", "Reload")) } }
            }
            @if let Some(e) = &job.error {
                div.alert.error role="alert" { (say_here(ctx, e)) }
            }
            @if let Some(sim) = &job.result {
                @if !others.is_empty() {
                    form.inline #compare method="get" action="/fund/simulation-jobs/compare" {
                        input type="hidden" name="a" value=(j.id);
                        label for="compare-b" { (ctx.t("与另一项已完成的任务比较", "Compare with another finished job")) }
                        " "
                        select #compare-b name="b" {
                            @for o in others {
                                option value=(o.id) {
                                    "#" (o.id) " "
                                    @match &o.scenario {
                                        Some((name, version)) => { (name) " v" (version) },
                                        None => { (ctx.t("直接填写的改革", "inline reform")) },
                                    }
                                    " · " (population_text(ctx, o)) (ctx.t("，种子 ", ", seed ")) (o.seed)
                                }
                            }
                        }
                        " " button type="submit" { (ctx.t("比较", "Compare")) }
                    }
                }
                (results(ctx, &format!("{url}?format=csv"), &format!("{url}?format=xlsx"), sim))
            }
        }
    }
}

/// A job's synthetic population bound, for the note above (kept with the
/// app's constant).
const _: () = assert!(SIMULATION_JOB_MAX_PEOPLE == 10_000_000);

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

/// Two done jobs side by side: each one's parameters, then year by year the
/// reform's income, expenditure and fund at year end of each, and the
/// difference in the fund (b − a); the break-even rates.
async fn compare_page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<CompareQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadSimulationJobs) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let title = ctx.t("比较测算任务", "Compare simulation jobs");
    let read = state
        .run_read(move |app| {
            let a = number(&q.a, "a", 0i64)?;
            let b = number(&q.b, "b", 0i64)?;
            app.compare_simulation_jobs(&actor, a, b)
        })
        .await;
    match read {
        Ok(c) => respond(&ctx, title, compare_body(&ctx, &c)),
        Err(e) => (
            super::error_status(&e),
            respond(
                &ctx,
                title,
                html! { h1 { (title) } (super::error_box(&ctx, &e)) },
            ),
        )
            .into_response(),
    }
}

fn compare_body(ctx: &Ctx, c: &JobComparison) -> Markup {
    use super::format::yuan;
    let (a, b) = (&c.a, &c.b);
    let label = |j: &SimulationJob| match &j.row.scenario {
        Some((name, version)) => format!("#{} {name} v{version}", j.row.id),
        None => format!("#{}", j.row.id),
    };
    let (Some(sa), Some(sb)) = (&a.result, &b.result) else {
        return html! {};
    };
    let (ra, rb) = (&sa.projection.reformed, &sb.projection.reformed);
    html! {
        h1 { (ctx.t("比较测算任务", "Compare simulation jobs")) }
        p { a href="/fund/scenarios" { (ctx.t("← 全部方案与任务", "← All scenarios and jobs")) } }
        div.table-wrap { table.sim-compare-params {
            thead { tr { th {} th { a href=(format!("/fund/simulation-jobs/{}", a.row.id)) { (label(a)) } } th { a href=(format!("/fund/simulation-jobs/{}", b.row.id)) { (label(b)) } } } }
            tbody {
                tr { th scope="row" { (ctx.t("改革", "Reform")) } td { (sa.projection.reform) } td { (sb.projection.reform) } }
                tr { th scope="row" { (ctx.t("人群", "Population")) } td { (population_text(ctx, &a.row)) } td { (population_text(ctx, &b.row)) } }
                tr { th scope="row" { (ctx.t("年数、重复次数、种子", "Years, replicates, seed")) }
                    td { (a.row.years) ", " (a.row.replicates) ", " (a.row.seed) } td { (b.row.years) ", " (b.row.replicates) ", " (b.row.seed) } }
                tr { th scope="row" { (ctx.t("盈亏平衡费率（改革）", "Break-even rate (reform)")) } td { (ra.break_even_rate) } td { (rb.break_even_rate) } }
            }
        } }
        h2 { (ctx.t("改革情形逐年对比", "The reform year by year")) }
        div.table-wrap { table.sim-compare {
            thead {
                tr {
                    th rowspan="2" { (ctx.t("年份", "Year")) }
                    th colspan="2" { (ctx.t("收入", "Income")) }
                    th colspan="2" { (ctx.t("支出", "Expenditure")) }
                    th colspan="3" { (ctx.t("基金年末", "Fund at year end")) }
                }
                tr { @for _ in 0..3 { th.num { (label(a)) } th.num { (label(b)) } } th.num { (ctx.t("差额", "difference")) } }
            }
            tbody {
                @for y in &c.years {
                    tr {
                        td { (y.year_a) @if y.year_a != y.year_b { " / " (y.year_b) } }
                        td.num { (yuan(y.income_a)) } td.num { (yuan(y.income_b)) }
                        td.num { (yuan(y.expenditure_a)) } td.num { (yuan(y.expenditure_b)) }
                        td.num { (yuan(y.reserve_a)) } td.num { (yuan(y.reserve_b)) }
                        td.num.changed[y.reserve_a != y.reserve_b] { (yuan(y.reserve_difference)) }
                    }
                }
            }
        } }
    }
}
