//! Who bears the work-injury liability when units change or workers are
//! lent out (Regulations Arts 43-44, Jiangsu measures Arts 35-36) and the
//! over-age worker's agreement (Order No. 56 Art 6): thin handlers over the
//! use cases of `gongshang_app::liability`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::liability::{
    EnrollmentTransferRequest, LiabilityQuery, LiabilityView, OverAgeAgreementRow,
    SecondmentRequest, SecondmentRow, SuccessionRequest, SuccessionRow, SuspensionRequest,
    SuspensionRow,
};
use gongshang_domain::liability::Liable;
use gongshang_domain::over_age::OverAgeAgreement;
use gongshang_domain::posting::CountryCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::registry::{parse_credit, parse_date, parse_resident};
use super::{ApiJson, ApiQuery, from_wire, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_succession, unit_successions))
        .routes(routes!(transfer_enrollments))
        .routes(routes!(unit_liability))
        .routes(routes!(case_liability))
        .routes(routes!(record_secondment))
        .routes(routes!(end_secondment))
        .routes(routes!(person_secondments))
        .routes(routes!(suspend_enrollment))
        .routes(routes!(resume_enrollment))
        .routes(routes!(person_suspensions))
        .routes(routes!(record_over_age_agreement))
        .routes(routes!(person_over_age_agreements))
}

fn opt_date(field: &str, text: Option<&str>) -> ApiResult<Option<jiff::civil::Date>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| parse_date(field, t))
        .transpose()
}

// ---- successions ---------------------------------------------------------------

/// A unit's division, merger, transfer or contracting out.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuccessionBody {
    /// The successor's credit code (for a contracting out, the contractor's).
    pub successor: String,
    /// `division` (分立), `merger` (合并), `transfer` (转让) or
    /// `contracting_out` (承包经营).
    pub kind: String,
    /// YYYY-MM-DD: the day the successor takes over.
    pub effective_on: String,
    /// The change of registration's number, or the agreement's.
    pub document: String,
    /// For a contracting out: whether the contractor has an employer's
    /// standing (default true; false puts its workers' liability on this
    /// unit, Jiangsu Art 36(1)).
    #[serde(default)]
    pub contractor_qualified: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SuccessionView {
    pub id: i64,
    pub predecessor: String,
    pub predecessor_name: String,
    pub successor: String,
    pub successor_name: String,
    pub kind: String,
    pub effective_on: String,
    pub document: String,
    pub contractor_qualified: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&SuccessionRow> for SuccessionView {
    fn from(r: &SuccessionRow) -> Self {
        SuccessionView {
            id: r.id,
            predecessor: r.predecessor.as_str().to_owned(),
            predecessor_name: r.predecessor_name.clone(),
            successor: r.successor.as_str().to_owned(),
            successor_name: r.successor_name.clone(),
            kind: r.kind.as_str().to_owned(),
            effective_on: r.effective_on.to_string(),
            document: r.document.clone(),
            contractor_qualified: r.contractor_qualified,
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
        }
    }
}

/// Record a unit's division, merger, transfer or contracting out (agency
/// clerks; Regulations Art 43(1)-(2), Jiangsu Arts 35-36). Both units are
/// registered; a duplicate or a cycle is a 409, a day in the future a 422.
#[utoipa::path(post, path = "/units/{credit_code}/successions", tag = "registry",
    params(("credit_code" = String, Path, description = "the predecessor unit")),
    request_body = SuccessionBody,
    responses((status = 201, body = SuccessionView), (status = "4XX", body = Problem)))]
pub async fn record_succession(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SuccessionBody>,
) -> ApiResult<Response> {
    let predecessor = parse_credit("credit_code", &code)?;
    let req = SuccessionRequest {
        successor: parse_credit("successor", &body.successor)?,
        kind: from_wire("kind", &body.kind)?,
        effective_on: parse_date("effective_on", &body.effective_on)?,
        document: body.document,
        contractor_qualified: body.contractor_qualified,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_succession(&actor, &predecessor, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &SuccessionView::from(&row)))
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentTransferBody {
    /// The identity numbers of the people who go to this successor; left
    /// out: everyone with a running enrolment (a merger or a transfer; a
    /// division must name them).
    #[serde(default)]
    pub people: Option<Vec<String>>,
    /// The successor's commitment, for the schemes that ask for one on
    /// enrolment (粤人社规〔2020〕55号 Art 6).
    #[serde(default)]
    pub commitment: Option<super::enrollment::CommitmentRequest>,
}

/// An enrolment moved: the predecessor's, ended on `last_day`, and the
/// successor's, from `start`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MovedEnrollmentView {
    pub resident_id: String,
    pub scheme_id: String,
    pub from_enrollment: i64,
    pub last_day: String,
    pub to_enrollment: i64,
    pub start: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnrollmentTransferView {
    pub succession: SuccessionView,
    pub moved: Vec<MovedEnrollmentView>,
}

/// Move the predecessor's running enrolments to the successor of a recorded
/// division, merger or transfer (agency clerks; Regulations Art 43(1), the
/// 变更登记): each ends the day before the succession takes effect and
/// continues at the successor from that day, checked as a new enrolment
/// there. All or nothing: a refused person is named under `people`.
/// Contracting out (Art 43(2)) moves nothing: a 409.
#[utoipa::path(post, path = "/units/{credit_code}/successions/{successor}/enrollment-transfer", tag = "registry",
    params(("credit_code" = String, Path, description = "the predecessor unit"),
           ("successor" = String, Path, description = "the successor unit")),
    request_body = EnrollmentTransferBody,
    responses((status = 200, body = EnrollmentTransferView), (status = "4XX", body = Problem)))]
pub async fn transfer_enrollments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, successor)): Path<(String, String)>,
    ApiJson(body): ApiJson<EnrollmentTransferBody>,
) -> ApiResult<Response> {
    let predecessor = parse_credit("credit_code", &code)?;
    let req = EnrollmentTransferRequest {
        successor: parse_credit("successor", &successor)?,
        people: body
            .people
            .map(|ps| {
                ps.iter()
                    .map(|p| parse_resident("people", p))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?,
        commitment: super::enrollment::commitment_input(body.commitment)?,
    };
    let actor = user.actor();
    let t = state
        .run(move |app| app.transfer_enrollments(&actor, &predecessor, &req))
        .await?;
    Ok(json(
        StatusCode::OK,
        &EnrollmentTransferView {
            succession: SuccessionView::from(&t.succession),
            moved: t
                .moved
                .iter()
                .map(|m| MovedEnrollmentView {
                    resident_id: m.person.as_str().to_owned(),
                    scheme_id: m.scheme_id.to_string(),
                    from_enrollment: m.from,
                    last_day: m.last_day.to_string(),
                    to_enrollment: m.to,
                    start: m.start.to_string(),
                })
                .collect(),
        },
    ))
}

/// The successions a unit took part in, as predecessor or successor (a unit
/// reads its own).
#[utoipa::path(get, path = "/units/{credit_code}/successions", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    responses((status = 200, body = Vec<SuccessionView>), (status = "4XX", body = Problem)))]
pub async fn unit_successions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let rows = state
        .run(move |app| app.successions_of_unit(&actor, &unit))
        .await?;
    let views: Vec<SuccessionView> = rows.iter().map(SuccessionView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

// ---- liability -------------------------------------------------------------------

/// One step of the answer, with the provisions it rests on.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LiabilityStepView {
    pub unit: String,
    /// `engagement`, `secondment_original_employer`, `successor`,
    /// `contracting_out_stays` or `unqualified_contractor`.
    pub rule: String,
    /// For `successor`: `division`, `merger` or `transfer`.
    pub kind: Option<String>,
    pub from: String,
    pub document: Option<String>,
    pub articles_zh: Vec<String>,
    pub articles_en: Vec<String>,
}

/// Who bears the liability on a day, and why.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LiabilityAnswerView {
    pub case: Option<String>,
    /// The unit the case was filed under (or asked about).
    pub unit: String,
    pub injury_date: String,
    pub on: String,
    /// The liable unit; absent when the agency must say which of a
    /// division's successors took the worker (`candidates`).
    pub liable_unit: Option<String>,
    pub candidates: Vec<String>,
    pub steps: Vec<LiabilityStepView>,
    /// A secondment's agreed share of the seconded-to unit (between the
    /// units only).
    pub agreed_compensation_by: Option<String>,
    pub agreed_compensation_percent: Option<u8>,
}

impl From<&LiabilityView> for LiabilityAnswerView {
    fn from(v: &LiabilityView) -> Self {
        let (liable_unit, candidates) = match &v.answer.liable {
            Liable::Unit { unit } => (Some(unit.as_str().to_owned()), Vec::new()),
            Liable::Undetermined { candidates } => (
                None,
                candidates.iter().map(|c| c.as_str().to_owned()).collect(),
            ),
        };
        LiabilityAnswerView {
            case: v.case.clone(),
            unit: v.unit.as_str().to_owned(),
            injury_date: v.injury_date.to_string(),
            on: v.on.to_string(),
            liable_unit,
            candidates,
            steps: v
                .answer
                .steps
                .iter()
                .map(|s| LiabilityStepView {
                    unit: s.unit.as_str().to_owned(),
                    rule: s.rule.as_str().to_owned(),
                    kind: match s.rule {
                        gongshang_domain::liability::LiabilityRule::Successor(k) => {
                            Some(k.as_str().to_owned())
                        }
                        _ => None,
                    },
                    from: s.from.to_string(),
                    document: s.document.clone(),
                    articles_zh: s.articles.iter().map(|a| a.zh.to_owned()).collect(),
                    articles_en: s.articles.iter().map(|a| a.en.to_owned()).collect(),
                })
                .collect(),
            agreed_compensation_by: v
                .answer
                .agreed_compensation
                .as_ref()
                .map(|c| c.by_unit.as_str().to_owned()),
            agreed_compensation_percent: v.answer.agreed_compensation.as_ref().map(|c| c.percent),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseLiabilityQuery {
    /// YYYY-MM-DD: the day asked about (today when absent).
    pub on: Option<String>,
}

/// Who bears a case's work-injury liability on a day (Regulations Art 43,
/// Jiangsu Arts 35-36), with the steps from the case's unit and the
/// articles of each. Whoever reads the case reads it.
#[utoipa::path(get, path = "/cases/{number}/liability", tag = "cases",
    params(("number" = String, Path, description = "the case number"), CaseLiabilityQuery),
    responses((status = 200, body = LiabilityAnswerView), (status = "4XX", body = Problem)))]
pub async fn case_liability(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiQuery(q): ApiQuery<CaseLiabilityQuery>,
) -> ApiResult<Response> {
    let on = opt_date("on", q.on.as_deref())?;
    let actor = user.actor();
    let view = state
        .run_read(move |app| app.case_liability(&actor, &number, on))
        .await?;
    Ok(json(StatusCode::OK, &LiabilityAnswerView::from(&view)))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitLiabilityQuery {
    /// YYYY-MM-DD: the day of the injury.
    pub injury_date: String,
    /// YYYY-MM-DD: the day asked about (today when absent).
    pub on: Option<String>,
    /// The worker, whose secondments and later engagements count.
    pub resident_id: Option<String>,
}

/// Who bears the liability of an injury at this unit (agency staff, or the
/// unit of itself).
#[utoipa::path(get, path = "/units/{credit_code}/liability", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit"), UnitLiabilityQuery),
    responses((status = 200, body = LiabilityAnswerView), (status = "4XX", body = Problem)))]
pub async fn unit_liability(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<UnitLiabilityQuery>,
) -> ApiResult<Response> {
    let query = LiabilityQuery {
        unit: parse_credit("credit_code", &code)?,
        injury_date: parse_date("injury_date", &q.injury_date)?,
        on: opt_date("on", q.on.as_deref())?,
        person: q
            .resident_id
            .as_deref()
            .map(|r| parse_resident("resident_id", r))
            .transpose()?,
    };
    let actor = user.actor();
    let view = state
        .run_read(move |app| app.liability(&actor, &query))
        .await?;
    Ok(json(StatusCode::OK, &LiabilityAnswerView::from(&view)))
}

// ---- secondments -----------------------------------------------------------------

/// A secondment (借调) of the engagement's worker to another unit.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondmentBody {
    /// The unit the worker is seconded to.
    pub to_unit: String,
    /// YYYY-MM-DD
    pub start: String,
    /// YYYY-MM-DD: the last day; absent while it runs.
    #[serde(default)]
    pub end: Option<String>,
    /// The seconded-to unit's agreed share, 0 to 100 (Art 43(3)'s 补偿办法).
    #[serde(default)]
    pub agreed_compensation_percent: Option<u8>,
    /// The units' agreement (required with a share).
    #[serde(default)]
    pub agreement: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SecondmentView {
    pub id: i64,
    pub engagement_id: i64,
    /// Masked.
    pub person: String,
    pub from_unit: String,
    pub to_unit: String,
    pub start: String,
    pub end: Option<String>,
    pub agreed_compensation_percent: Option<u8>,
    pub agreement: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&SecondmentRow> for SecondmentView {
    fn from(r: &SecondmentRow) -> Self {
        SecondmentView {
            id: r.id,
            engagement_id: r.engagement_id,
            person: r.person.masked(),
            from_unit: r.from_unit.as_str().to_owned(),
            to_unit: r.to_unit.as_str().to_owned(),
            start: r.start.to_string(),
            end: r.end.map(|d| d.to_string()),
            agreed_compensation_percent: r.agreed_compensation_percent,
            agreement: r.agreement.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
        }
    }
}

/// Record a secondment of the engagement's worker (the engagement's unit,
/// or agency clerks; Regulations Art 43(3)): the original employer keeps
/// the liability for an injury during it.
#[utoipa::path(post, path = "/engagements/{id}/secondments", tag = "registry",
    params(("id" = i64, Path, description = "the engagement's id")),
    request_body = SecondmentBody,
    responses((status = 201, body = SecondmentView), (status = "4XX", body = Problem)))]
pub async fn record_secondment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SecondmentBody>,
) -> ApiResult<Response> {
    let req = SecondmentRequest {
        to_unit: parse_credit("to_unit", &body.to_unit)?,
        start: parse_date("start", &body.start)?,
        end: opt_date("end", body.end.as_deref())?,
        agreed_compensation_percent: body.agreed_compensation_percent,
        agreement: body.agreement,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_secondment(&actor, id, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &SecondmentView::from(&row)))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondmentEndBody {
    /// YYYY-MM-DD: the last day of the secondment.
    pub end: String,
}

/// Set the last day of an open secondment (once).
#[utoipa::path(post, path = "/secondments/{id}/end", tag = "registry",
    params(("id" = i64, Path, description = "the secondment's id")),
    request_body = SecondmentEndBody,
    responses((status = 200, body = SecondmentView), (status = "4XX", body = Problem)))]
pub async fn end_secondment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SecondmentEndBody>,
) -> ApiResult<Response> {
    let end = parse_date("end", &body.end)?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.end_secondment(&actor, id, end))
        .await?;
    Ok(json(StatusCode::OK, &SecondmentView::from(&row)))
}

/// A person's secondments (a unit sees those from or to it).
#[utoipa::path(get, path = "/people/{resident_id}/secondments", tag = "registry",
    params(("resident_id" = String, Path, description = "the person")),
    responses((status = 200, body = Vec<SecondmentView>), (status = "4XX", body = Problem)))]
pub async fn person_secondments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(resident): Path<String>,
) -> ApiResult<Response> {
    let person = parse_resident("resident_id", &resident)?;
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.secondments(&actor, &person))
        .await?;
    let views: Vec<SecondmentView> = rows.iter().map(SecondmentView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

// ---- posting abroad (Art 44) ----------------------------------------------------

/// A posting abroad under the local insurance: the enrolment is suspended.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionBody {
    /// YYYY-MM-DD: the first day suspended.
    pub from: String,
    /// YYYY-MM-DD: the last day, when known; otherwise set on the return.
    #[serde(default)]
    pub until: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `SG`.
    pub country: String,
    /// The posting's document.
    pub document: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SuspensionView {
    pub id: i64,
    pub enrollment_id: i64,
    /// Masked.
    pub person: String,
    pub unit: Option<String>,
    pub from: String,
    pub until: Option<String>,
    pub country: String,
    /// `posted_abroad_local_insurance` (Regulations Art 44).
    pub reason: String,
    pub document: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&SuspensionRow> for SuspensionView {
    fn from(r: &SuspensionRow) -> Self {
        SuspensionView {
            id: r.id,
            enrollment_id: r.enrollment_id,
            person: r.person.masked(),
            unit: r.unit.map(|u| u.as_str().to_owned()),
            from: r.suspension.from.to_string(),
            until: r.suspension.until.map(|d| d.to_string()),
            country: r.suspension.country.as_str().to_owned(),
            reason: r.suspension.reason.as_str().to_owned(),
            document: r.document.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
        }
    }
}

/// Suspend an enrolment while its worker is posted abroad under the local
/// insurance (agency clerks; Regulations Art 44): no cover and no premium
/// for a month suspended whole.
#[utoipa::path(post, path = "/enrollments/{id}/suspensions", tag = "enrollment",
    params(("id" = i64, Path, description = "the enrolment's id")),
    request_body = SuspensionBody,
    responses((status = 201, body = SuspensionView), (status = "4XX", body = Problem)))]
pub async fn suspend_enrollment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SuspensionBody>,
) -> ApiResult<Response> {
    let req = SuspensionRequest {
        from: parse_date("from", &body.from)?,
        until: opt_date("until", body.until.as_deref())?,
        country: CountryCode::parse(&body.country)
            .map_err(|e| ApiError::invalid("country", e.to_string()))?,
        document: body.document,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.suspend_enrollment(&actor, id, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &SuspensionView::from(&row)))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResumeBody {
    /// YYYY-MM-DD: the day the worker returned (cover resumes that day).
    pub returned_on: String,
}

/// The worker returned: the suspension ends the day before (agency clerks).
#[utoipa::path(post, path = "/suspensions/{id}/resume", tag = "enrollment",
    params(("id" = i64, Path, description = "the suspension's id")),
    request_body = ResumeBody,
    responses((status = 200, body = SuspensionView), (status = "4XX", body = Problem)))]
pub async fn resume_enrollment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ResumeBody>,
) -> ApiResult<Response> {
    let returned_on = parse_date("returned_on", &body.returned_on)?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.resume_enrollment(&actor, id, returned_on))
        .await?;
    Ok(json(StatusCode::OK, &SuspensionView::from(&row)))
}

/// A person's suspended enrolments (a unit sees those of its enrolments).
#[utoipa::path(get, path = "/people/{resident_id}/suspensions", tag = "enrollment",
    params(("resident_id" = String, Path, description = "the person")),
    responses((status = 200, body = Vec<SuspensionView>), (status = "4XX", body = Problem)))]
pub async fn person_suspensions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(resident): Path<String>,
) -> ApiResult<Response> {
    let person = parse_resident("resident_id", &resident)?;
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.suspensions(&actor, &person))
        .await?;
    let views: Vec<SuspensionView> = rows.iter().map(SuspensionView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

// ---- Order No. 56 Art 6 ----------------------------------------------------------

/// The written agreement with an over-age worker (Order No. 56 Art 6).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverAgeAgreementBody {
    /// YYYY-MM-DD
    pub signed_on: String,
    /// YYYY-MM-DD: the term's first day.
    pub term_start: String,
    /// YYYY-MM-DD: the term's last day; absent for no fixed term.
    #[serde(default)]
    pub term_end: Option<String>,
    /// 工作内容
    pub work_content: String,
    /// 工作地点
    pub work_place: String,
    /// 工作时间 (and rest)
    pub working_hours: String,
    /// 劳动报酬, as written
    pub pay: String,
    /// 社会保险
    pub social_insurance: String,
    /// 劳动保护
    pub labour_protection: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OverAgeAgreementView {
    pub id: i64,
    pub engagement_id: i64,
    /// Masked.
    pub person: String,
    pub unit: String,
    pub signed_on: String,
    pub term_start: String,
    pub term_end: Option<String>,
    pub work_content: String,
    pub work_place: String,
    pub working_hours: String,
    pub pay: String,
    pub social_insurance: String,
    pub labour_protection: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&OverAgeAgreementRow> for OverAgeAgreementView {
    fn from(r: &OverAgeAgreementRow) -> Self {
        let a = &r.agreement;
        OverAgeAgreementView {
            id: r.id,
            engagement_id: r.engagement_id,
            person: r.person.masked(),
            unit: r.unit.as_str().to_owned(),
            signed_on: a.signed_on.to_string(),
            term_start: a.term_start.to_string(),
            term_end: a.term_end.map(|d| d.to_string()),
            work_content: a.work_content.clone(),
            work_place: a.work_place.clone(),
            working_hours: a.working_hours.clone(),
            pay: a.pay.clone(),
            social_insurance: a.social_insurance.clone(),
            labour_protection: a.labour_protection.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
        }
    }
}

/// Keep the written agreement with an over-age worker with the engagement
/// (its unit, or agency clerks; Order No. 56 Art 6): every term written.
#[utoipa::path(post, path = "/engagements/{id}/over-age-agreements", tag = "registry",
    params(("id" = i64, Path, description = "the engagement's id")),
    request_body = OverAgeAgreementBody,
    responses((status = 201, body = OverAgeAgreementView), (status = "4XX", body = Problem)))]
pub async fn record_over_age_agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OverAgeAgreementBody>,
) -> ApiResult<Response> {
    let agreement = OverAgeAgreement {
        signed_on: parse_date("signed_on", &body.signed_on)?,
        term_start: parse_date("term_start", &body.term_start)?,
        term_end: opt_date("term_end", body.term_end.as_deref())?,
        work_content: body.work_content,
        work_place: body.work_place,
        working_hours: body.working_hours,
        pay: body.pay,
        social_insurance: body.social_insurance,
        labour_protection: body.labour_protection,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_over_age_agreement(&actor, id, &agreement))
        .await?;
    Ok(json(StatusCode::CREATED, &OverAgeAgreementView::from(&row)))
}

/// A person's over-age agreements (a unit sees its own).
#[utoipa::path(get, path = "/people/{resident_id}/over-age-agreements", tag = "registry",
    params(("resident_id" = String, Path, description = "the person")),
    responses((status = 200, body = Vec<OverAgeAgreementView>), (status = "4XX", body = Problem)))]
pub async fn person_over_age_agreements(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(resident): Path<String>,
) -> ApiResult<Response> {
    let person = parse_resident("resident_id", &resident)?;
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.over_age_agreements(&actor, &person))
        .await?;
    let views: Vec<OverAgeAgreementView> = rows.iter().map(OverAgeAgreementView::from).collect();
    Ok(json(StatusCode::OK, &views))
}
