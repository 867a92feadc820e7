//! The handling deadlines and records of Decree No. 765 (社会保险经办条例):
//! thin handlers over `App::report_stop_event`, `App::stop_reports` and
//! `App::late_stop_reports` (Art 25); `App::receive_registration`,
//! `App::complete_registration`, `App::open_registrations` and
//! `App::registrations_of_unit` (Arts 6, 10); `App::record_credit`,
//! `App::change_credit` and `App::credit_records` (Art 45).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::handling::credit::CreditRecordRow;
use gongshang_app::handling::{
    CreditChangeForm, CreditForm, RegistrationForm, RegistrationView, StopReportForm,
    StopReportView, UnitCancellationForm, UnitCancellationRow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiQuery, json};
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
        .routes(routes!(get_credit_records, record_credit))
        .routes(routes!(change_credit))
        .routes(routes!(get_cancellation, cancel_unit))
}

/// A dishonest act to record from its source (Decree 765 Art 45(2)).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditBody {
    /// `unit`, `person` or `institution`.
    pub subject_kind: String,
    /// The unit's credit code, the person's resident id or the
    /// institution's code.
    pub subject_key: String,
    /// `revoked_conclusion` (a revision's id), `fraud_overpayment` (an
    /// overpayment's id), `alert_confirmed` (an alert's id) or
    /// `provider_suspended` (the institution's code).
    pub source: String,
    pub source_ref: String,
    /// What the subject did.
    pub act: String,
    /// The provision breached; Art 45(2) itself when absent.
    pub article: Option<String>,
    /// YYYY-MM-DD: the day of the act.
    pub acted_on: String,
}

/// A correction (`act` or `article`) or the withdrawal of a record.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditChangeBody {
    /// `correct` or `withdraw`.
    pub change: String,
    pub act: Option<String>,
    pub article: Option<String>,
    /// Why the record changes.
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreditQuery {
    /// `unit`, `person` or `institution`.
    pub subject_kind: String,
    pub subject_key: String,
}

/// A change of a record.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct CreditChangeView {
    pub change: String,
    pub act: Option<String>,
    pub article: Option<String>,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A record with its changes: the act and article as first written and as
/// last corrected, and whether it was withdrawn.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct CreditRecordView {
    pub id: i64,
    pub subject_kind: String,
    pub subject_key: String,
    pub act: String,
    pub article: String,
    pub current_act: String,
    pub current_article: String,
    pub acted_on: String,
    pub source: String,
    pub source_ref: String,
    pub withdrawn: bool,
    pub recorded_by: String,
    pub recorded_at: String,
    pub changes: Vec<CreditChangeView>,
}

impl From<&CreditRecordRow> for CreditRecordView {
    fn from(r: &CreditRecordRow) -> Self {
        CreditRecordView {
            id: r.id,
            subject_kind: r.subject_kind.as_str().to_owned(),
            subject_key: r.subject_key.clone(),
            act: r.act.clone(),
            article: r.article.clone(),
            current_act: r.current_act().to_owned(),
            current_article: r.current_article().to_owned(),
            acted_on: r.acted_on.to_string(),
            source: r.source.as_str().to_owned(),
            source_ref: r.source_ref.clone(),
            withdrawn: r.withdrawn().is_some(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
            changes: r
                .changes
                .iter()
                .map(|c| CreditChangeView {
                    change: c.change.as_str().to_owned(),
                    act: c.act.clone(),
                    article: c.article.clone(),
                    reason: c.reason.clone(),
                    recorded_by: c.recorded_by.clone(),
                    recorded_at: c.recorded_at.to_string(),
                })
                .collect(),
        }
    }
}

/// Record a dishonest act from its source (agency staff; Decree 765 Art
/// 45(2)): the source must exist, show the act and name the subject; once
/// per subject and source.
#[utoipa::path(post, path = "/credit-records", tag = "handling",
    request_body = CreditBody,
    responses((status = 201, body = CreditRecordView), (status = "4XX", body = Problem)))]
pub async fn record_credit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<CreditBody>,
) -> ApiResult<Response> {
    let form = CreditForm {
        subject_kind: body.subject_kind,
        subject_key: body.subject_key,
        source: body.source,
        source_ref: body.source_ref,
        act: body.act,
        article: body.article.unwrap_or_default(),
        acted_on: body.acted_on,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_credit(&actor, &form))
        .await?;
    Ok(json(StatusCode::CREATED, &CreditRecordView::from(&row)))
}

/// A subject's records, the newest first, withdrawn ones included (agency
/// staff only).
#[utoipa::path(get, path = "/credit-records", tag = "handling", params(CreditQuery),
    responses((status = 200, body = Vec<CreditRecordView>), (status = "4XX", body = Problem)))]
pub async fn get_credit_records(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CreditQuery>,
) -> ApiResult<Response> {
    let kind = gongshang_domain::handling::CreditSubjectKind::parse(q.subject_kind.trim())
        .map_err(|e| crate::error::ApiError::invalid("subject_kind", e))?;
    let actor = user.actor();
    let rows = state
        .run(move |app| app.credit_records(&actor, kind, &q.subject_key))
        .await?;
    let views: Vec<CreditRecordView> = rows.iter().map(CreditRecordView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Correct a record's act or article, or withdraw it, with the reason: a
/// new row; the record as first written stays.
#[utoipa::path(post, path = "/credit-records/{id}/changes", tag = "handling",
    params(("id" = i64, Path, description = "the record")),
    request_body = CreditChangeBody,
    responses((status = 200, body = CreditRecordView), (status = "4XX", body = Problem)))]
pub async fn change_credit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CreditChangeBody>,
) -> ApiResult<Response> {
    let form = CreditChangeForm {
        change: body.change,
        act: body.act.unwrap_or_default(),
        article: body.article.unwrap_or_default(),
        reason: body.reason,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.change_credit(&actor, id, &form))
        .await?;
    Ok(json(StatusCode::OK, &CreditRecordView::from(&row)))
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
#[utoipa::path(post, path = "/units/{code}/registrations", tag = "handling",
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
#[utoipa::path(get, path = "/units/{code}/registrations", tag = "handling",
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
#[utoipa::path(post, path = "/registrations/{id}/complete", tag = "handling",
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
#[utoipa::path(get, path = "/registrations/open", tag = "handling",
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
    /// `death`, `remarriage`, `dependant_turns_18`, `pension_start`, or a
    /// survivor's `employment`, `enlistment` or `adoption` (劳社部令第18号 Art
    /// 4(2), 4(4)).
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
#[utoipa::path(post, path = "/cases/{number}/stop-reports", tag = "handling",
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
#[utoipa::path(get, path = "/cases/{number}/stop-reports", tag = "handling",
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
#[utoipa::path(get, path = "/stop-reports/late", tag = "handling",
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

/// A unit's registration cancelled (Decree 765 Art 10).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancellationBody {
    /// YYYY-MM-DD: the unit's last day insured (not after today).
    pub last_day: String,
    /// YYYY-MM-DD: the day the application was received (today when absent).
    pub received_on: Option<String>,
    /// Why the unit ends (dissolution, bankruptcy, revocation, a move).
    pub reason: String,
    /// The document it rests on.
    pub document: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct CancellationView {
    pub id: i64,
    pub unit: String,
    pub last_day: String,
    pub received_on: String,
    /// 10 working days after the day received.
    pub due_on: String,
    pub due_provisional: bool,
    pub completed_on: String,
    pub late: bool,
    pub reason: String,
    pub document: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&UnitCancellationRow> for CancellationView {
    fn from(c: &UnitCancellationRow) -> Self {
        CancellationView {
            id: c.id,
            unit: c.unit.as_str().to_owned(),
            last_day: c.last_day.to_string(),
            received_on: c.received_on.to_string(),
            due_on: c.due_on.to_string(),
            due_provisional: c.due_provisional,
            completed_on: c.completed_on.to_string(),
            late: c.late,
            reason: c.reason.clone(),
            document: c.document.clone(),
            recorded_by: c.recorded_by.clone(),
            recorded_at: c.recorded_at.to_string(),
        }
    }
}

/// Cancel a unit's registration (agency clerks; Decree 765 Art 10): refused
/// (409) while the unit owes premiums or late fees, or while one of its
/// enrolments or a periodic benefit of its cases runs after its last day;
/// completed today, `late` after the 10 working days from the application.
/// Afterwards the unit takes no enrolment and declares no month after its
/// last day.
#[utoipa::path(post, path = "/units/{code}/cancellation", tag = "handling",
    params(("code" = String, Path, description = "the unit's credit code")),
    request_body = CancellationBody,
    responses((status = 201, body = CancellationView), (status = "4XX", body = Problem)))]
pub async fn cancel_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CancellationBody>,
) -> ApiResult<Response> {
    let unit = credit_code(&code)?;
    let input = UnitCancellationForm {
        last_day: body.last_day,
        received_on: body.received_on.unwrap_or_default(),
        reason: body.reason,
        document: body.document.unwrap_or_default(),
    }
    .parse()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.cancel_unit(&actor, &unit, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &CancellationView::from(&row)))
}

/// A unit's cancellation (404 when it is registered).
#[utoipa::path(get, path = "/units/{code}/cancellation", tag = "handling",
    params(("code" = String, Path, description = "the unit's credit code")),
    responses((status = 200, body = CancellationView), (status = "4XX", body = Problem)))]
pub async fn get_cancellation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = credit_code(&code)?;
    let actor = user.actor();
    let row = state
        .run_read(move |app| app.unit_cancellation(&actor, &unit))
        .await?
        .ok_or_else(|| gongshang_app::AppError::NotFound {
            entity: "unit cancellation",
            key: code.clone(),
        })?;
    Ok(json(StatusCode::OK, &CancellationView::from(&row)))
}
