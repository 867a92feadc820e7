//! Medical, rehabilitation and assistive-device costs (Regulations Arts
//! 30-32, 47, 48; Decree 765 Arts 22, 43; Jiangsu measures Arts 23-24): thin
//! handlers over `App::institutions`, `App::register_institution`,
//! `App::update_institution`, `App::medical_bills`, `App::file_medical_bill`,
//! `App::claim_reimbursement` and `App::settle_medical_bill`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gongshang_app::cases::{
    InstitutionRequest, InstitutionRow, MedicalBillRequest, MedicalBillView, SettleRequest,
};
use gongshang_domain::medical::BillLine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_yuan;
use super::registry::parse_date;
use super::{ApiJson, from_wire, idempotent, json, parse_body, to_value, wire};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_institutions, register_institution))
        .routes(routes!(update_institution))
        .routes(routes!(get_medical_bills, file_medical_bill))
        .routes(routes!(claim_reimbursement))
        .routes(routes!(settle_medical_bill))
}

/// An agreement institution as a clerk registers or changes it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionBody {
    /// The agency's code: 1 to 40 ASCII letters, digits, `-` or `_`.
    pub code: String,
    pub name: String,
    /// `medical`, `rehabilitation` or `assistive_device`.
    pub kind: String,
    /// GB/T 2260 code of the pooling region whose agency signed.
    pub region: String,
    /// YYYY-MM-DD: the agreement's first day.
    pub agreement_from: String,
    /// YYYY-MM-DD: its last day; absent while it runs without an end.
    #[serde(default)]
    pub agreement_until: Option<String>,
    /// Why payments to it are suspended (Decree 765 Art 43); absent or
    /// empty resumes them.
    #[serde(default)]
    pub suspended: Option<String>,
}

/// A registered agreement institution.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InstitutionView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub agreement_from: String,
    pub agreement_until: Option<String>,
    /// Why payments to it are suspended, if they are.
    pub suspended: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub changed_by: String,
    pub changed_at: String,
}

/// A line of a bill.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MedicalBillLineBody {
    pub description: String,
    /// Yuan within the catalogues (for a device: within the State's standard).
    pub within_catalogue: String,
    /// Yuan outside them.
    #[serde(default)]
    pub outside_catalogue: Option<String>,
}

/// A bill of a case: a provider's, or a worker's claim.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MedicalBillBody {
    /// `medical`, `rehabilitation` or `assistive_device`.
    pub kind: String,
    /// The registered institution's code; absent for an unregistered provider.
    #[serde(default)]
    pub institution: Option<String>,
    /// The provider's name; the registered institution's if absent.
    #[serde(default)]
    pub provider_name: Option<String>,
    /// YYYY-MM-DD: the first and last day of the service.
    pub service_from: String,
    pub service_until: String,
    /// Treated at the nearest institution in an emergency (Art 30(2)).
    #[serde(default)]
    pub emergency: bool,
    /// The confirmation's document number (rehabilitation: an expert's,
    /// Jiangsu Art 24; device: the appraisal committee's, Art 32).
    #[serde(default)]
    pub confirmation: Option<String>,
    /// YYYY-MM-DD: the day the agency received it (agency staff only;
    /// today if absent).
    #[serde(default)]
    pub received_on: Option<String>,
    pub lines: Vec<MedicalBillLineBody>,
}

/// What a clerk says when settling a bill.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    /// `administrative_review` or `litigation` when the recognition is
    /// disputed (Art 31: the costs are still paid).
    #[serde(default)]
    pub dispute: Option<String>,
}

/// A line of a bill, with its settlement once settled.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MedicalBillLineView {
    pub line: i64,
    pub description: String,
    pub within_catalogue: String,
    pub outside_catalogue: String,
    /// Yuan the fund pays (once settled).
    pub payable: Option<String>,
    pub refused: Option<String>,
    /// Why the refused part is refused: a stable code and the reason.
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    /// The article the line's settlement rests on.
    pub article: Option<String>,
}

/// A bill of a case.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseMedicalBill {
    pub id: i64,
    pub case_number: String,
    pub kind: String,
    /// `direct` or `manual_reimbursement`.
    pub route: String,
    pub institution: Option<String>,
    pub provider_name: String,
    pub service_from: String,
    pub service_until: String,
    pub emergency: bool,
    pub confirmation: Option<String>,
    pub received_on: String,
    /// The day a manual reimbursement is decided by (Decree 765 Art 22).
    pub due_on: Option<String>,
    pub due_provisional: bool,
    /// Days left to decide an open claim (negative: overdue).
    pub days_left: Option<i64>,
    pub total: String,
    /// `received`, `held` or `settled`.
    pub status: String,
    pub hold_code: Option<String>,
    pub hold_reason: Option<String>,
    pub payable: Option<String>,
    pub refused: Option<String>,
    pub dispute: Option<String>,
    pub filed_by: String,
    pub filed_at: String,
    pub settled_by: Option<String>,
    pub settled_at: Option<String>,
    /// YYYY-MM-DD: the day in China it was settled (the fund's flow's month).
    pub settled_on: Option<String>,
    /// The fund's ledger transaction of what it paid (none when nothing).
    pub ledger_key: Option<String>,
    pub lines: Vec<MedicalBillLineView>,
}

impl From<&InstitutionRow> for InstitutionView {
    fn from(r: &InstitutionRow) -> Self {
        let i = &r.institution;
        InstitutionView {
            code: i.code.as_str().to_owned(),
            name: i.name.clone(),
            kind: i.kind.as_str().to_owned(),
            region: i.region.as_str().to_owned(),
            agreement_from: i.agreement_from.to_string(),
            agreement_until: i.agreement_until.map(|d| d.to_string()),
            suspended: i.suspended.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
            changed_by: r.changed_by.clone(),
            changed_at: r.changed_at.to_string(),
        }
    }
}

impl From<&MedicalBillView> for CaseMedicalBill {
    fn from(v: &MedicalBillView) -> Self {
        let b = &v.bill;
        CaseMedicalBill {
            id: b.id,
            case_number: v.case_number.clone(),
            kind: b.kind.as_str().to_owned(),
            route: b.route.as_str().to_owned(),
            institution: b.institution.as_ref().map(|c| c.as_str().to_owned()),
            provider_name: b.provider_name.clone(),
            service_from: b.service_from.to_string(),
            service_until: b.service_until.to_string(),
            emergency: b.emergency,
            confirmation: b.confirmation.clone(),
            received_on: b.received_on.to_string(),
            due_on: b.due_on.map(|d| d.to_string()),
            due_provisional: b.due_provisional,
            days_left: v.days_left,
            total: b.total.to_string(),
            status: b.status.as_str().to_owned(),
            hold_code: b.hold_code.clone(),
            hold_reason: b.hold_reason.clone(),
            payable: b.payable.map(|m| m.to_string()),
            refused: b.refused.map(|m| m.to_string()),
            dispute: b.dispute.map(|d| wire(&d)),
            filed_by: b.filed_by.clone(),
            filed_at: b.filed_at.to_string(),
            settled_by: b.settled_by.clone(),
            settled_at: b.settled_at.map(|t| t.to_string()),
            settled_on: b.settled_on.map(|d| d.to_string()),
            ledger_key: b.ledger_key.clone(),
            lines: b
                .lines
                .iter()
                .map(|l| MedicalBillLineView {
                    line: l.line,
                    description: l.description.clone(),
                    within_catalogue: l.within_catalogue.to_string(),
                    outside_catalogue: l.outside_catalogue.to_string(),
                    payable: l.payable.map(|m| m.to_string()),
                    refused: l.refused.map(|m| m.to_string()),
                    refusal_code: l.refusal_code.clone(),
                    refusal_reason: l.refusal_reason.clone(),
                    article: l.article.clone(),
                })
                .collect(),
        }
    }
}

fn opt_text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl InstitutionBody {
    fn into_request(self) -> ApiResult<InstitutionRequest> {
        Ok(InstitutionRequest {
            code: self
                .code
                .trim()
                .parse()
                .map_err(|e: gongshang_domain::DomainError| {
                    ApiError::invalid("code", e.to_string())
                })?,
            name: self.name,
            kind: from_wire("kind", &self.kind)?,
            region: self
                .region
                .trim()
                .parse()
                .map_err(|e: gongshang_domain::DomainError| {
                    ApiError::invalid("region", e.to_string())
                })?,
            agreement_from: parse_date("agreement_from", self.agreement_from.trim())?,
            agreement_until: match opt_text(self.agreement_until) {
                Some(d) => Some(parse_date("agreement_until", &d)?),
                None => None,
            },
            suspended: opt_text(self.suspended),
        })
    }
}

impl MedicalBillBody {
    pub fn into_request(self) -> ApiResult<MedicalBillRequest> {
        let mut lines = Vec::with_capacity(self.lines.len());
        for l in self.lines {
            lines.push(BillLine {
                description: l.description,
                within_catalogue: parse_yuan("within_catalogue", l.within_catalogue.trim())?,
                outside_catalogue: match opt_text(l.outside_catalogue) {
                    Some(m) => parse_yuan("outside_catalogue", &m)?,
                    None => gongshang_rules::Money::ZERO,
                },
            });
        }
        Ok(MedicalBillRequest {
            kind: from_wire("kind", &self.kind)?,
            institution: match opt_text(self.institution) {
                Some(c) => Some(c.parse().map_err(|e: gongshang_domain::DomainError| {
                    ApiError::invalid("institution", e.to_string())
                })?),
                None => None,
            },
            provider_name: opt_text(self.provider_name),
            service_from: parse_date("service_from", self.service_from.trim())?,
            service_until: parse_date("service_until", self.service_until.trim())?,
            emergency: self.emergency,
            confirmation: opt_text(self.confirmation),
            received_on: match opt_text(self.received_on) {
                Some(d) => Some(parse_date("received_on", &d)?),
                None => None,
            },
            lines,
        })
    }
}

impl SettleBody {
    pub fn into_request(self) -> ApiResult<SettleRequest> {
        Ok(SettleRequest {
            dispute: match opt_text(self.dispute) {
                Some(d) => Some(from_wire("dispute", &d)?),
                None => None,
            },
        })
    }
}

/// The published list of agreement institutions (Regulations Art 47),
/// for everybody signed in.
#[utoipa::path(get, path = "/institutions", tag = "medical",
    responses((status = 200, body = Vec<InstitutionView>), (status = "4XX", body = Problem)))]
pub async fn get_institutions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state.run(move |app| app.institutions(&actor)).await?;
    let views: Vec<InstitutionView> = rows.iter().map(InstitutionView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Register an agreement institution (agency clerks; Art 47). A code
/// registered before is a 409 `duplicate`.
#[utoipa::path(post, path = "/institutions", tag = "medical",
    request_body = InstitutionBody,
    responses((status = 201, body = InstitutionView), (status = "4XX", body = Problem)))]
pub async fn register_institution(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<InstitutionBody>,
) -> ApiResult<Response> {
    let req = body.into_request()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.register_institution(&actor, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &InstitutionView::from(&row)))
}

/// Change a registered institution (agency clerks): a renewed agreement,
/// payments suspended (Decree 765 Art 43) or resumed. The code in the path
/// and the body are the same.
#[utoipa::path(put, path = "/institutions/{code}", tag = "medical",
    params(("code" = String, Path, description = "the institution's code")),
    request_body = InstitutionBody,
    responses((status = 200, body = InstitutionView), (status = "4XX", body = Problem)))]
pub async fn update_institution(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<InstitutionBody>,
) -> ApiResult<Response> {
    if body.code.trim() != code {
        return Err(ApiError::invalid(
            "code",
            format!("{:?} in the body; the path names {code:?}", body.code),
        ));
    }
    let req = body.into_request()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.update_institution(&actor, &req))
        .await?;
    Ok(json(StatusCode::OK, &InstitutionView::from(&row)))
}

/// A case's medical, rehabilitation and device bills (agency staff, the
/// case's unit and worker).
#[utoipa::path(get, path = "/cases/{number}/medical-bills", tag = "medical",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<CaseMedicalBill>), (status = "4XX", body = Problem)))]
pub async fn get_medical_bills(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let rows = state
        .run(move |app| app.medical_bills(&actor, &number))
        .await?;
    let views: Vec<CaseMedicalBill> = rows.iter().map(CaseMedicalBill::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// File a provider's bill on a case, settled directly with the provider
/// (agency clerks; Decree 765 Art 22). With an `Idempotency-Key`, a retry
/// answers the first filing instead of filing a second bill.
#[utoipa::path(post, path = "/cases/{number}/medical-bills", tag = "medical",
    params(("number" = String, Path, description = "the case number"),
        ("Idempotency-Key" = Option<String>, Header, description = "optional, 1 to 60 visible ASCII characters: a retry with the same key and body answers the first filing instead of filing again")),
    request_body = MedicalBillBody,
    responses((status = 201, body = CaseMedicalBill), (status = "4XX", body = Problem)))]
pub async fn file_medical_bill(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    file_keyed(state, user, number, headers, body, Route::Direct).await
}

/// Which use case a filing goes to.
#[derive(Clone, Copy)]
enum Route {
    Direct,
    Reimbursement,
}

/// Files a bill or a claim; with an `Idempotency-Key`, a retry with the
/// same key and body answers the first filing instead of filing again.
async fn file_keyed(
    state: AppState,
    user: CurrentUser,
    number: String,
    headers: HeaderMap,
    body: Bytes,
    route: Route,
) -> Response {
    let parsed: MedicalBillBody = match parse_body(&headers, &body) {
        Ok(b) => b,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let st = state.clone();
    let actor = user.actor();
    let keyed = Bytes::from(format!("{number}\n{}", String::from_utf8_lossy(&body)));
    idempotent(
        &state,
        &user,
        &headers,
        &keyed,
        false,
        move |_key| async move {
            let req = parsed.into_request()?;
            let row = st
                .run(move |app| match route {
                    Route::Direct => app.file_medical_bill(&actor, &number, &req),
                    Route::Reimbursement => app.claim_reimbursement(&actor, &number, &req),
                })
                .await?;
            Ok((StatusCode::CREATED, to_value(&CaseMedicalBill::from(&row))?))
        },
    )
    .await
}

/// Claim back costs the worker advanced (the worker on their own case, or
/// a clerk at the window; Decree 765 Art 22): decided within 20 working
/// days of the day received (`due_on`).
#[utoipa::path(post, path = "/cases/{number}/medical-bills/reimbursements", tag = "medical",
    params(("number" = String, Path, description = "the case number"),
        ("Idempotency-Key" = Option<String>, Header, description = "optional, 1 to 60 visible ASCII characters: a retry with the same key and body answers the first filing instead of filing again")),
    request_body = MedicalBillBody,
    responses((status = 201, body = CaseMedicalBill), (status = "4XX", body = Problem)))]
pub async fn claim_reimbursement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    file_keyed(state, user, number, headers, body, Route::Reimbursement).await
}

/// Settle a bill (agency clerks; Regulations Arts 30-32, 48): each line
/// paid within the catalogues or refused with its reason and article; a
/// bill that must wait (the case undecided, payments to the provider
/// suspended) comes back `held`. A settled bill is a 409.
#[utoipa::path(post, path = "/cases/{number}/medical-bills/{id}/settle", tag = "medical",
    params(("number" = String, Path, description = "the case number"),
        ("id" = i64, Path, description = "the bill's id")),
    request_body = SettleBody,
    responses((status = 200, body = CaseMedicalBill), (status = "4XX", body = Problem)))]
pub async fn settle_medical_bill(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<SettleBody>,
) -> ApiResult<Response> {
    let req = body.into_request()?;
    let actor = user.actor();
    let row = state
        .run(move |app| app.settle_medical_bill(&actor, &number, id, &req))
        .await?;
    Ok(json(StatusCode::OK, &CaseMedicalBill::from(&row)))
}
