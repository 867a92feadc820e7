//! Monitoring and early warning (issue 16): the rules in force with their
//! precision, a full run, the alerts, one alert with its flags and the
//! records they fired on, and an alert's next step (investigate, refer,
//! close with an outcome).
//!
//! Who: the one permission table (agency staff run and handle; they and
//! analysts read; a unit, a platform or a worker is refused).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::AppError;
use gongshang_app::monitor::{
    AlertDetail, GradingReport, MonitorRunRow, RuleView as AppRuleView, RunReport, SampleReport,
};
use gongshang_domain::monitor::sample::Population;
use gongshang_domain::monitor::{AlertCommand, AlertState, Outcome, ReferTo, RunMode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiQuery, json, json_sized};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rules))
        .routes(routes!(run, runs))
        .routes(routes!(alerts))
        .routes(routes!(alert))
        .routes(routes!(alert_event))
        .routes(routes!(grading))
        .routes(routes!(sample))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RuleView {
    pub id: String,
    pub version: u32,
    /// YYYY-MM-DD.
    pub valid_from: String,
    pub until: Option<String>,
    /// low, medium or high.
    pub severity: String,
    /// Flags on one subject that open an alert.
    pub alert_threshold: u32,
    pub params: BTreeMap<String, i64>,
    pub name_zh: String,
    pub name_en: String,
    pub reason_zh: String,
    pub reason_en: String,
    pub instrument: String,
    pub article: String,
    pub source: String,
    /// confirmed, assumed or illustrative.
    pub status: String,
    pub note: Option<String>,
    /// Closed alerts confirmed, and closed alerts.
    pub confirmed: u64,
    pub closed: u64,
    /// confirmed / closed in basis points, when any closed.
    pub precision_bp: Option<u64>,
}

impl From<&AppRuleView> for RuleView {
    fn from(v: &AppRuleView) -> Self {
        let r = &v.rule;
        RuleView {
            id: r.id.clone(),
            version: r.version,
            valid_from: r.valid_from.to_string(),
            until: r.until.map(|d| d.to_string()),
            severity: r.severity.as_str().to_owned(),
            alert_threshold: r.alert_threshold,
            params: r.params.clone(),
            name_zh: r.name_zh.clone(),
            name_en: r.name_en.clone(),
            reason_zh: r.reason_zh.clone(),
            reason_en: r.reason_en.clone(),
            instrument: r.instrument.clone(),
            article: r.article.clone(),
            source: r.source.clone(),
            status: serde_json::to_value(r.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            note: r.note.clone(),
            confirmed: v.precision.confirmed,
            closed: v.precision.closed,
            precision_bp: v.precision_bp,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RunView {
    pub id: i64,
    /// The day whose rules ran, YYYY-MM-DD.
    pub as_of: String,
    pub rules: Vec<String>,
    pub flags_found: i64,
    /// Flags not known before this run.
    pub flags_new: i64,
    pub alerts_opened: i64,
    /// Open alerts that took new flags.
    pub alerts_grown: i64,
    pub gather_ms: u64,
    pub evaluate_ms: u64,
    pub write_ms: u64,
    /// How the run chose what to look at: full, incremental (or sample).
    pub mode: String,
    /// The mode asked for: an incremental run with no earlier watermarks
    /// runs in full.
    pub asked: String,
    /// The ids covered, by table: after `since` (an incremental run), up to
    /// `watermarks`.
    pub since: Option<BTreeMap<String, i64>>,
    pub watermarks: Option<BTreeMap<String, i64>>,
}

impl From<&RunReport> for RunView {
    fn from(r: &RunReport) -> Self {
        RunView {
            gather_ms: r.gather_ms,
            evaluate_ms: r.evaluate_ms,
            write_ms: r.write_ms,
            asked: r.asked.as_str().to_owned(),
            ..RunView::from(&r.run)
        }
    }
}

impl From<&MonitorRunRow> for RunView {
    fn from(r: &MonitorRunRow) -> Self {
        RunView {
            id: r.id,
            as_of: r.as_of.to_string(),
            rules: r.rules.clone(),
            flags_found: r.flags_found,
            flags_new: r.flags_new,
            alerts_opened: r.alerts_opened,
            alerts_grown: r.alerts_grown,
            gather_ms: 0,
            evaluate_ms: 0,
            write_ms: 0,
            mode: r.mode.as_str().to_owned(),
            asked: r.mode.as_str().to_owned(),
            since: r.since.clone(),
            watermarks: r.watermarks.clone(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// full (the default: everything stored) or incremental (the facts
    /// touching the rows written since the last run's watermarks).
    pub mode: Option<String>,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// 1 to 1000 (default 20).
    pub limit: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertView {
    pub id: i64,
    pub rule_id: String,
    pub rule_version: i64,
    /// low, medium or high.
    pub severity: String,
    /// person, unit or platform.
    pub subject_kind: String,
    /// A resident id, a credit code or a platform id.
    pub subject_key: String,
    /// open, investigating, referred or closed.
    pub state: String,
    /// complaints_centre, inspection or police, once referred.
    pub referred_to: Option<String>,
    /// confirmed or unfounded, once closed.
    pub outcome: Option<String>,
    pub flags: i64,
    /// Give it back as `version` with the next event.
    pub version: i64,
    pub opened_at: String,
    pub updated_at: String,
}

impl From<&gongshang_app::monitor::AlertRow> for AlertView {
    fn from(a: &gongshang_app::monitor::AlertRow) -> Self {
        AlertView {
            id: a.id,
            rule_id: a.rule_id.clone(),
            rule_version: a.rule_version,
            severity: a.severity.as_str().to_owned(),
            subject_kind: a.subject.kind.as_str().to_owned(),
            subject_key: a.subject.key.clone(),
            state: a.state.as_str().to_owned(),
            referred_to: match a.state {
                AlertState::Referred { to } => Some(to.as_str().to_owned()),
                _ => None,
            },
            outcome: a.state.outcome().map(|o| o.as_str().to_owned()),
            flags: a.flags,
            version: a.version,
            opened_at: a.opened_at.to_string(),
            updated_at: a.updated_at.to_string(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordView {
    /// case, cover, payment, enrolment, order_day, platform_declaration, declaration_month.
    pub kind: String,
    pub key: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FlagView {
    pub key: String,
    pub rule_version: i64,
    pub run_id: i64,
    pub text_zh: String,
    pub text_en: String,
    pub records: Vec<RecordView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertEventView {
    pub seq: i64,
    /// opened, investigate, refer or close.
    pub kind: String,
    pub to_state: String,
    pub referred_to: Option<String>,
    pub outcome: Option<String>,
    pub note: String,
    pub at: String,
    pub actor: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AlertDetailView {
    pub alert: AlertView,
    pub reason_zh: Option<String>,
    pub reason_en: Option<String>,
    pub instrument: Option<String>,
    pub article: Option<String>,
    pub flags: Vec<FlagView>,
    pub events: Vec<AlertEventView>,
}

impl From<&AlertDetail> for AlertDetailView {
    fn from(d: &AlertDetail) -> Self {
        AlertDetailView {
            alert: AlertView::from(&d.alert),
            reason_zh: d.rule.as_ref().map(|r| r.reason_zh.clone()),
            reason_en: d.rule.as_ref().map(|r| r.reason_en.clone()),
            instrument: d.rule.as_ref().map(|r| r.instrument.clone()),
            article: d.rule.as_ref().map(|r| r.article.clone()),
            flags: d
                .flags
                .iter()
                .map(|f| FlagView {
                    key: f.key.clone(),
                    rule_version: f.rule_version,
                    run_id: f.run_id,
                    text_zh: f.text_zh.clone(),
                    text_en: f.text_en.clone(),
                    records: f
                        .records
                        .iter()
                        .map(|r| RecordView {
                            kind: r.kind.clone(),
                            key: r.key.clone(),
                        })
                        .collect(),
                })
                .collect(),
            events: d
                .events
                .iter()
                .map(|e| AlertEventView {
                    seq: e.seq,
                    kind: e.kind.clone(),
                    to_state: e.to_state.clone(),
                    referred_to: e.referred_to.clone(),
                    outcome: e.outcome.clone(),
                    note: e.note.clone(),
                    at: e.at.to_string(),
                    actor: e.actor.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertsQuery {
    /// open, investigating, referred, closed, or active (all but closed).
    pub state: Option<String>,
    pub rule: Option<String>,
    /// 1 to 1000 (default 200).
    pub limit: Option<i64>,
}

/// An alert's next step.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertEventRequest {
    /// investigate, refer or close.
    pub command: String,
    /// With refer: complaints_centre, inspection or police.
    pub to: Option<String>,
    /// With close: confirmed or unfounded.
    pub outcome: Option<String>,
    /// What was found or done.
    pub note: String,
    /// The alert's version the step was decided on (refused with 409 if it moved on).
    pub version: Option<i64>,
}

impl TryFrom<AlertEventRequest> for AlertCommand {
    type Error = AppError;

    fn try_from(r: AlertEventRequest) -> Result<Self, AppError> {
        let note = r.note;
        Ok(match r.command.as_str() {
            "investigate" => AlertCommand::Investigate { note },
            "refer" => AlertCommand::Refer {
                to: ReferTo::parse(r.to.as_deref().unwrap_or_default())
                    .map_err(|e| AppError::invalid("to", e))?,
                note,
            },
            "close" => AlertCommand::Close {
                outcome: Outcome::parse(r.outcome.as_deref().unwrap_or_default())
                    .map_err(|e| AppError::invalid("outcome", e))?,
                note,
            },
            other => {
                return Err(AppError::invalid(
                    "command",
                    format!("{other:?} is not one of investigate, refer, close"),
                ));
            }
        })
    }
}

/// The monitoring rules in force today, with their source and precision.
#[utoipa::path(get, path = "/monitor/rules", tag = "monitor",
    responses((status = 200, body = Vec<RuleView>), (status = "4XX", body = Problem)))]
pub async fn rules(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let actor = user.actor();
    let rules = state.run(move |app| app.monitor_rules(&actor)).await?;
    let view: Vec<RuleView> = rules.iter().map(RuleView::from).collect();
    Ok(json_sized(StatusCode::OK, &view, 8192))
}

/// Run every rule in force, over everything stored (`mode=full`, the
/// default) or over the facts touching the rows written since the last
/// run's watermarks (`mode=incremental`); a run over the same data opens
/// nothing new.
#[utoipa::path(post, path = "/monitor/runs", tag = "monitor", params(RunQuery),
    responses((status = 201, body = RunView), (status = "4XX", body = Problem)))]
pub async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let mode = match q.mode.as_deref() {
        None | Some("full") => RunMode::Full,
        Some("incremental") => RunMode::Incremental,
        Some(other) => {
            return Err(AppError::invalid(
                "mode",
                format!("{other:?} is not one of full, incremental"),
            )
            .into());
        }
    };
    let report = state
        .run(move |app| app.run_monitor_in(&actor, mode))
        .await?;
    Ok(json(StatusCode::CREATED, &RunView::from(&report)))
}

/// The latest runs, newest first, with their mode and the ids each covered.
#[utoipa::path(get, path = "/monitor/runs", tag = "monitor", params(RunsQuery),
    responses((status = 200, body = Vec<RunView>), (status = "4XX", body = Problem)))]
pub async fn runs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RunsQuery>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let runs = state
        .run(move |app| app.monitor_runs(&actor, q.limit))
        .await?;
    let view: Vec<RunView> = runs.iter().map(RunView::from).collect();
    Ok(json_sized(StatusCode::OK, &view, 512 * view.len().max(1)))
}

/// The alerts, most severe first.
#[utoipa::path(get, path = "/monitor/alerts", tag = "monitor", params(AlertsQuery),
    responses((status = 200, body = Vec<AlertView>), (status = "4XX", body = Problem)))]
pub async fn alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AlertsQuery>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run(move |app| app.alerts(&actor, q.state.as_deref(), q.rule.as_deref(), q.limit))
        .await?;
    let view: Vec<AlertView> = rows.iter().map(AlertView::from).collect();
    Ok(json_sized(StatusCode::OK, &view, 256 * view.len().max(4)))
}

/// One alert: its rule's reason and source, its flags with the records they
/// fired on, and its history.
#[utoipa::path(get, path = "/monitor/alerts/{id}", tag = "monitor",
    params(("id" = i64, Path, description = "the alert's id")),
    responses((status = 200, body = AlertDetailView), (status = "4XX", body = Problem)))]
pub async fn alert(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let detail = state.run(move |app| app.alert_detail(&actor, id)).await?;
    Ok(json_sized(
        StatusCode::OK,
        &AlertDetailView::from(&detail),
        4096,
    ))
}

/// Investigate, refer or close an alert.
#[utoipa::path(post, path = "/monitor/alerts/{id}/events", tag = "monitor",
    params(("id" = i64, Path, description = "the alert's id")),
    request_body = AlertEventRequest,
    responses((status = 201, body = AlertView), (status = "4XX", body = Problem)))]
pub async fn alert_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AlertEventRequest>,
) -> ApiResult<Response> {
    let version = req.version;
    let command = AlertCommand::try_from(req)?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.handle_alert(&actor, id, version, command))
        .await?;
    Ok(json(StatusCode::CREATED, &AlertView::from(&row)))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GradingQuery {
    /// The day graded, YYYY-MM-DD (today when absent).
    pub as_of: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PointsView {
    pub points: i64,
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct GradedView {
    /// unit or platform.
    pub subject_kind: String,
    /// A credit code or a platform id.
    pub subject_key: String,
    pub name: String,
    /// 1-8, for a unit.
    pub industry_class: Option<u8>,
    /// The unit's region code.
    pub district: Option<String>,
    pub alerts_high: i64,
    pub alerts_medium: i64,
    pub alerts_low: i64,
    pub overdue_bills: i64,
    pub outstanding_fen: i64,
    pub cases: i64,
    pub points: i64,
    /// A, B, C or D.
    pub grade: String,
    pub reasons: Vec<PointsView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct GroupWarningView {
    /// industry, district or platform.
    pub kind: String,
    /// The industry class, the region code or the platform id.
    pub key: String,
    pub subjects: i64,
    pub graded_c: i64,
    pub graded_d: i64,
    /// red, orange or yellow; none when not warned.
    pub warning: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct GradingParamView {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct GradingView {
    /// YYYY-MM-DD.
    pub as_of: String,
    /// The first day counted, YYYY-MM-DD.
    pub since: String,
    /// Subjects per grade.
    pub by_grade: BTreeMap<String, usize>,
    /// Most points first.
    pub graded: Vec<GradedView>,
    /// Red first, then orange, yellow, and groups not warned.
    pub warnings: Vec<GroupWarningView>,
    /// The weights and thresholds in force that day (monitoring.grading.*).
    pub parameters: Vec<GradingParamView>,
}

fn snake<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<&GradingReport> for GradingView {
    fn from(r: &GradingReport) -> Self {
        GradingView {
            as_of: r.as_of.to_string(),
            since: r.since.to_string(),
            by_grade: r
                .by_grade
                .iter()
                .map(|(g, n)| (g.as_str().to_owned(), *n))
                .collect(),
            graded: r
                .graded
                .iter()
                .map(|g| {
                    let s = &g.subject;
                    let c = &s.counts;
                    GradedView {
                        subject_kind: s.subject.kind.as_str().to_owned(),
                        subject_key: s.subject.key.clone(),
                        name: s.name.clone(),
                        industry_class: s.industry_class,
                        district: s.district.clone(),
                        alerts_high: c.alerts.0,
                        alerts_medium: c.alerts.1,
                        alerts_low: c.alerts.2,
                        overdue_bills: c.overdue_bills,
                        outstanding_fen: c.outstanding.fen(),
                        cases: c.cases,
                        points: g.points,
                        grade: g.grade.as_str().to_owned(),
                        reasons: g
                            .reasons
                            .iter()
                            .map(|p| PointsView {
                                points: p.points,
                                zh: p.zh.clone(),
                                en: p.en.clone(),
                            })
                            .collect(),
                    }
                })
                .collect(),
            warnings: r
                .warnings
                .iter()
                .map(|w| GroupWarningView {
                    kind: snake(&w.kind),
                    key: w.key.clone(),
                    subjects: w.subjects,
                    graded_c: w.graded_c,
                    graded_d: w.graded_d,
                    warning: w.warning.map(|w| snake(&w)),
                })
                .collect(),
            parameters: r
                .parameters
                .iter()
                .map(|(key, value)| GradingParamView {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
        }
    }
}

/// Units and platforms graded A-D from their alerts, arrears and cases in
/// the year up to the day, with red, orange and yellow warnings by industry,
/// district and platform (the scale: `monitoring.grading.*`, assumed).
#[utoipa::path(get, path = "/monitor/grading", tag = "monitor", params(GradingQuery),
    responses((status = 200, body = GradingView), (status = "4XX", body = Problem)))]
pub async fn grading(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<GradingQuery>,
) -> ApiResult<Response> {
    let as_of = q
        .as_of
        .as_deref()
        .map(|t| super::registry::parse_date("as_of", t))
        .transpose()?;
    let actor = user.actor();
    let report = state.run(move |app| app.grading(&actor, as_of)).await?;
    let view = GradingView::from(&report);
    Ok(json_sized(
        StatusCode::OK,
        &view,
        512 * view.graded.len().max(4),
    ))
}

/// A random audit sample to draw.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleRequest {
    /// enrolments, cases or benefits (periodic benefits in payment).
    pub population: String,
    /// 1 to 1000 records.
    pub size: usize,
    /// The same seed on the same day draws the same records (and writes
    /// nothing new); absent, one is chosen and returned.
    pub seed: Option<u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DrawnView {
    /// enrolment, case or benefit.
    pub record_kind: String,
    pub record_key: String,
    /// person or unit.
    pub subject_kind: String,
    pub subject_key: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SampleView {
    pub run_id: i64,
    pub population: String,
    pub population_size: usize,
    pub seed: u64,
    pub draw_id: String,
    pub drawn: Vec<DrawnView>,
    /// Alerts the draw opened (records of a subject with an open sample
    /// alert join it).
    pub alerts_opened: i64,
    /// Samples closed before, and how many of them were confirmed.
    pub base_rate_confirmed: u64,
    pub base_rate_closed: u64,
}

impl From<&SampleReport> for SampleView {
    fn from(r: &SampleReport) -> Self {
        SampleView {
            run_id: r.run.id,
            population: r.population.as_str().to_owned(),
            population_size: r.population_size,
            seed: r.seed,
            draw_id: r.draw_id.clone(),
            drawn: r
                .drawn
                .iter()
                .map(|d| DrawnView {
                    record_kind: d.record.kind.clone(),
                    record_key: d.record.key.clone(),
                    subject_kind: d.subject.kind.as_str().to_owned(),
                    subject_key: d.subject.key.clone(),
                })
                .collect(),
            alerts_opened: r.run.alerts_opened,
            base_rate_confirmed: r.base_rate.confirmed,
            base_rate_closed: r.base_rate.closed,
        }
    }
}

/// Draw a random audit sample (Decree 765 Arts 42, 44): its records open
/// alerts of `audit_sample`, worked like any alert; their outcomes are the
/// base rate each rule's precision is compared with.
#[utoipa::path(post, path = "/monitor/samples", tag = "monitor",
    request_body = SampleRequest,
    responses((status = 201, body = SampleView), (status = "4XX", body = Problem)))]
pub async fn sample(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<SampleRequest>,
) -> ApiResult<Response> {
    let population =
        Population::parse(&req.population).map_err(|e| AppError::invalid("population", e))?;
    let actor = user.actor();
    let report = state
        .run(move |app| app.draw_audit_sample(&actor, population, req.size, req.seed))
        .await?;
    let view = SampleView::from(&report);
    Ok(json_sized(
        StatusCode::CREATED,
        &view,
        160 * view.drawn.len().max(4),
    ))
}
