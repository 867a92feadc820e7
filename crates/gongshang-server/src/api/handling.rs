//! The handling deadlines and records of Decree No. 765 (社会保险经办条例):
//! thin handlers over `App::report_stop_event`, `App::stop_reports` and
//! `App::late_stop_reports` (Art 25); `App::receive_registration`,
//! `App::complete_registration`, `App::open_registrations` and
//! `App::registrations_of_unit` (Arts 6, 10).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::handling::{RegistrationForm, RegistrationView, StopReportForm, StopReportView};
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
        .routes(routes!(get_stop_reports, report_stop_event))
        .routes(routes!(late_stop_reports))
        .routes(routes!(get_registrations, receive_registration))
        .routes(routes!(complete_registration))
        .routes(routes!(open_registrations))
}

/// A unit's application to register a person with it, or to end that
/// registration (Decree 765 Arts 6, 10).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    /// The person's 18-character resident id.
    pub resident_id: String,
    /// `start` (register) or `end` (cancel).
    pub kind: String,
    /// YYYY-MM-DD: the employment's first day (start) or last day (end).
    pub employment_on: String,
    /// YYYY-MM-DD: the day the agency received it (a clerk, for a paper
    /// handed in earlier); today when absent.
    pub received_on: Option<String>,
    /// An end: the enrolment it ends.
    pub enrollment_id: Option<i64>,
}

/// Completing an application: the enrolment made (a start).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRegistrationBody {
    /// The enrolment made for a start; an end completes the enrolment it
    /// named, once ended.
    pub enrollment_id: Option<i64>,
}

/// An application with its due day and, once completed, whether late.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct RegistrationApiView {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    /// The person's resident id, masked.
    pub person: String,
    pub kind: String,
    pub employment_on: String,
    pub received_on: String,
    /// The 10th working day after `received_on` (Decree 765 Arts 6, 10).
    pub due_on: String,
    pub due_provisional: bool,
    /// While open: days to `due_on` (negative: overdue).
    pub days_left: Option<i64>,
    pub enrollment_id: Option<i64>,
    pub completed_on: Option<String>,
    /// Completed after `due_on`.
    pub late: Option<bool>,
}

impl From<&RegistrationView> for RegistrationApiView {
    fn from(v: &RegistrationView) -> Self {
        let r = &v.row;
        RegistrationApiView {
            id: r.id,
            unit: r.unit.as_str().to_owned(),
            unit_name: r.unit_name.clone(),
            person: r.person.masked(),
            kind: r.kind.as_str().to_owned(),
            employment_on: r.employment_on.to_string(),
            received_on: r.received_on.to_string(),
            due_on: r.due_on.to_string(),
            due_provisional: r.due_provisional,
            days_left: v.days_left,
            enrollment_id: r.enrollment_id,
            completed_on: r.completed_on.map(|d| d.to_string()),
            late: r.late,
        }
    }
}

fn credit_code(text: &str) -> ApiResult<gongshang_domain::ids::CreditCode> {
    gongshang_domain::ids::CreditCode::parse(text.trim())
        .map_err(|e| crate::error::ApiError::invalid("code", e.to_string()))
}

/// Record a unit's application (the unit for its own people, or a clerk at
/// the window): the agency completes it within 10 working days of the day
/// received (Decree 765 Arts 6, 10). One open application per person and
/// kind.
#[utoipa::path(post, path = "/units/{code}/registrations", tag = "registry",
    params(("code" = String, Path, description = "the unit's credit code")),
    request_body = RegistrationBody,
    responses((status = 201, body = RegistrationApiView), (status = "4XX", body = Problem)))]
pub async fn receive_registration(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<RegistrationBody>,
) -> ApiResult<Response> {
    let unit = credit_code(&code)?;
    let form = RegistrationForm {
        resident_id: body.resident_id,
        kind: body.kind,
        employment_on: body.employment_on,
        received_on: body.received_on.unwrap_or_default(),
        enrollment_id: body
            .enrollment_id
            .map(|e| e.to_string())
            .unwrap_or_default(),
    };
    let input = form.parse(&unit)?;
    let actor = user.actor();
    let view = state
        .run(move |app| app.receive_registration(&actor, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &RegistrationApiView::from(&view)))
}

/// A unit's applications, the newest first (agency staff, and the unit).
#[utoipa::path(get, path = "/units/{code}/registrations", tag = "registry",
    params(("code" = String, Path, description = "the unit's credit code")),
    responses((status = 200, body = Vec<RegistrationApiView>), (status = "4XX", body = Problem)))]
pub async fn get_registrations(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = credit_code(&code)?;
    let actor = user.actor();
    let rows = state
        .run(move |app| app.registrations_of_unit(&actor, &unit))
        .await?;
    let views: Vec<RegistrationApiView> = rows.iter().map(RegistrationApiView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Complete an application with the enrolment made or ended (agency
/// clerks): late when after its due day.
#[utoipa::path(post, path = "/registrations/{id}/complete", tag = "registry",
    params(("id" = i64, Path, description = "the application")),
    request_body = CompleteRegistrationBody,
    responses((status = 200, body = RegistrationApiView), (status = "4XX", body = Problem)))]
pub async fn complete_registration(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CompleteRegistrationBody>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state
        .run(move |app| app.complete_registration(&actor, id, body.enrollment_id))
        .await?;
    Ok(json(StatusCode::OK, &RegistrationApiView::from(&view)))
}

/// The applications not completed yet, the earliest due first, each with
/// its unit (agency clerks: the queue).
#[utoipa::path(get, path = "/registrations/open", tag = "registry",
    responses((status = 200, body = Vec<RegistrationApiView>), (status = "4XX", body = Problem)))]
pub async fn open_registrations(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state.run(move |app| app.open_registrations(&actor)).await?;
    let views: Vec<RegistrationApiView> = rows.iter().map(RegistrationApiView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// A stop-benefit event the unit, the recipient or a relative told the
/// agency about (Decree 765 Art 25), recorded once verified.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopReportBody {
    /// The periodic benefit of the case it ends or changes.
    pub benefit_id: i64,
    /// `death`, `remarriage`, `dependant_turns_18` or `pension_start`.
    pub event: String,
    /// YYYY-MM-DD: the day it happened (for age 18, the birthday).
    pub event_on: String,
    /// YYYY-MM-DD: the day the agency was told; today when absent.
    pub reported_on: Option<String>,
    /// `unit`, `recipient` or `relative`.
    pub reported_by: String,
    /// A basic pension's monthly amount in yuan (pension_start only).
    pub pension_monthly: Option<String>,
    /// How the months paid after the event come back: `refund` or
    /// `instalments` (Decree 765 Art 46).
    pub recovery: String,
    /// With `instalments`: 1 to 120.
    pub months: Option<u32>,
    pub note: Option<String>,
}

/// A stop-benefit report with its due day and what it ended.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct StopReportApiView {
    pub id: i64,
    pub case_number: String,
    pub benefit_id: i64,
    /// The benefit's item (`monthly_survivor_pensions`, ...).
    pub item: String,
    pub beneficiary: String,
    pub event: String,
    pub event_on: String,
    pub reported_on: String,
    pub reported_by: String,
    /// The 20th working day after the event (Decree 765 Art 25).
    pub due_on: String,
    pub due_provisional: bool,
    /// Reported after `due_on`.
    pub late: bool,
    /// Calendar days after `due_on` (0 when in time).
    pub days_late: i64,
    /// The last month paid, when the benefit ends.
    pub last_month: Option<String>,
    /// The month a new amount starts, when it changes (a pension start).
    pub new_from_month: Option<String>,
    pub new_amount: Option<String>,
    /// Paid after the event and not owed, in yuan.
    pub overpaid: String,
    pub overpaid_months: u32,
    /// The Art 46 overpayment recording it.
    pub overpayment_reference: Option<String>,
    /// Still to recover on it, in yuan.
    pub outstanding: Option<String>,
    pub article: String,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&StopReportView> for StopReportApiView {
    fn from(v: &StopReportView) -> Self {
        let r = &v.report;
        StopReportApiView {
            id: r.id,
            case_number: r.case_number.clone(),
            benefit_id: r.benefit_id,
            item: super::wire(&r.item),
            beneficiary: r.beneficiary.clone(),
            event: r.event.as_str().to_owned(),
            event_on: r.event_on.to_string(),
            reported_on: r.reported_on.to_string(),
            reported_by: r.reported_by.as_str().to_owned(),
            due_on: r.due_on.to_string(),
            due_provisional: r.due_provisional,
            late: r.late,
            days_late: v.days_late,
            last_month: r.last_month.map(|m| m.to_string()),
            new_from_month: r.new_from_month.map(|m| m.to_string()),
            new_amount: r.new_amount.map(|m| m.to_string()),
            overpaid: r.overpaid.to_string(),
            overpaid_months: r.overpaid_months,
            overpayment_reference: r.overpayment_reference.clone(),
            outstanding: r.outstanding.map(|m| m.to_string()),
            article: r.article.clone(),
            note: r.note.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
        }
    }
}

/// Record a verified stop-benefit report (agency clerks): the benefit ends
/// (or changes) as the event says, the months paid after it become an
/// overpayment, and the report keeps its due day, 20 working days from the
/// event on the holiday calendar (Decree 765 Arts 25, 46). A benefit's event
/// is reported once.
#[utoipa::path(post, path = "/cases/{number}/stop-reports", tag = "payroll",
    params(("number" = String, Path, description = "the case number")),
    request_body = StopReportBody,
    responses((status = 201, body = StopReportApiView), (status = "4XX", body = Problem)))]
pub async fn report_stop_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<StopReportBody>,
) -> ApiResult<Response> {
    let form = StopReportForm {
        benefit_id: body.benefit_id.to_string(),
        event: body.event,
        event_on: body.event_on,
        reported_on: body.reported_on.unwrap_or_default(),
        reported_by: body.reported_by,
        pension_monthly: body.pension_monthly.unwrap_or_default(),
        recovery: body.recovery,
        months: body.months.map(|m| m.to_string()).unwrap_or_default(),
        note: body.note.unwrap_or_default(),
    };
    let input = form.parse()?;
    let actor = user.actor();
    let view = state
        .run(move |app| app.report_stop_event(&actor, &number, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &StopReportApiView::from(&view)))
}

/// A case's stop-benefit reports, oldest first (agency clerks and reviewers).
#[utoipa::path(get, path = "/cases/{number}/stop-reports", tag = "payroll",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<StopReportApiView>), (status = "4XX", body = Problem)))]
pub async fn get_stop_reports(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run(move |app| app.stop_reports(&actor, &number))
        .await?;
    let views: Vec<StopReportApiView> = rows.iter().map(StopReportApiView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// The reports made after their 20 working days whose overpayment is still
/// being recovered, the earliest due first (the clerk's queue).
#[utoipa::path(get, path = "/stop-reports/late", tag = "payroll",
    responses((status = 200, body = Vec<StopReportApiView>), (status = "4XX", body = Problem)))]
pub async fn late_stop_reports(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state.run(move |app| app.late_stop_reports(&actor)).await?;
    let views: Vec<StopReportApiView> = rows.iter().map(StopReportApiView::from).collect();
    Ok(json(StatusCode::OK, &views))
}
