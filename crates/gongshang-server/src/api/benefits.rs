//! Periodic benefits between payroll runs: indexation, suspension and
//! resumption, the end conditions and the retirement offset. Agency clerks
//! and administrators only (the same rule as running the payroll).
//!
//! An indexation changes what every later run pays, so it requires an
//! `Idempotency-Key`: the same request sent twice indexes once.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongshang_app::payroll::{BenefitEnd, Indexation};
use gongshang_rules::rate::Rate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::{parse_month, parse_yuan};
use super::registry::parse_credit;
use super::{ApiJson, ApiQuery, idempotent, json, parse_body, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(index_benefits))
        .routes(routes!(suspend_benefit))
        .routes(routes!(resume_benefit))
        .routes(routes!(set_payment_frequency))
        .routes(routes!(end_benefit))
        .routes(routes!(record_retirement))
        .routes(routes!(medical_insurance_bases))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexationBody {
    /// The first month paid at the new amounts, YYYY-MM (never a month
    /// already paid).
    pub from_month: String,
    /// A rate for every running fund benefit, e.g. "3%" or "0.03"; or
    /// `amount` with `benefit_id`.
    pub percent: Option<String>,
    /// With `percent`: only this item (e.g. monthly_disability_allowance).
    pub item: Option<String>,
    /// With `amount`: the benefit given a new monthly amount.
    pub benefit_id: Option<i64>,
    /// The new monthly amount in yuan, e.g. "3200.00".
    pub amount: Option<String>,
    /// The notice that decides the adjustment.
    pub instrument: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct IndexedView {
    pub from_month: String,
    /// How many benefits got a new amount.
    pub benefits: u64,
}

/// Index periodic benefits from a month: by a rate (all, or one item) or a
/// new amount for one benefit. Requires `Idempotency-Key`.
#[utoipa::path(post, path = "/payroll/indexations", tag = "payroll", request_body = IndexationBody,
    params(("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    responses((status = 201, body = IndexedView), (status = "4XX", body = Problem)))]
pub async fn index_benefits(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: IndexationBody = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(
        &state,
        &user,
        &headers,
        &body,
        true,
        move |_key| async move {
            let from = parse_month("from_month", &req.from_month)?;
            let indexation = match (&req.percent, &req.amount, req.benefit_id) {
                (Some(p), None, None) => Indexation::Percentage {
                    rate: Rate::parse(p.trim()).map_err(|e| {
                        ApiError::invalid("percent", format!("{p:?}: {e}; e.g. \"3%\""))
                    })?,
                    item: req
                        .item
                        .as_deref()
                        .map(|i| super::from_wire("item", i))
                        .transpose()?,
                },
                (None, Some(a), Some(id)) if req.item.is_none() => Indexation::NewAmount {
                    benefit_id: id,
                    amount: parse_yuan("amount", a)?,
                },
                _ => {
                    return Err(ApiError::invalid(
                        "percent",
                        "give percent (and optionally item), or amount with benefit_id",
                    ));
                }
            };
            let instrument = req.instrument.clone();
            let done = st
                .run(move |app| app.index_benefits(&actor, from, &indexation, &instrument))
                .await?;
            Ok((
                StatusCode::CREATED,
                to_value(&IndexedView {
                    from_month: done.from_month.to_string(),
                    benefits: done.benefits,
                })?,
            ))
        },
    )
    .await
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why (recorded in the audit log).
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct BenefitChangedView {
    pub benefit_id: i64,
    /// suspended, resumed, ended, retired, or the new frequency
    /// (`monthly`, `half_yearly`).
    pub change: String,
}

fn changed(benefit_id: i64, change: &str) -> Response {
    json(
        StatusCode::OK,
        &BenefitChangedView {
            benefit_id,
            change: change.to_owned(),
        },
    )
}

fn reason_of(body: &ReasonBody) -> ApiResult<String> {
    let reason = body.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid("reason", "say why"));
    }
    Ok(reason.to_owned())
}

/// Suspend a periodic benefit: the runs pay it nothing until it resumes.
#[utoipa::path(post, path = "/benefits/{id}/suspension", tag = "payroll", request_body = ReasonBody,
    params(("id" = i64, Path, description = "the periodic benefit")),
    responses((status = 200, body = BenefitChangedView), (status = "4XX", body = Problem)))]
pub async fn suspend_benefit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Response> {
    let reason = reason_of(&body)?;
    let actor = user.actor();
    state
        .run(move |app| app.suspend_benefit(&actor, id, &reason))
        .await?;
    Ok(changed(id, "suspended"))
}

/// Resume a suspended benefit: a run of a month missed while suspended pays it.
#[utoipa::path(post, path = "/benefits/{id}/resumption", tag = "payroll", request_body = ReasonBody,
    params(("id" = i64, Path, description = "the periodic benefit")),
    responses((status = 200, body = BenefitChangedView), (status = "4XX", body = Problem)))]
pub async fn resume_benefit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> ApiResult<Response> {
    let reason = reason_of(&body)?;
    let actor = user.actor();
    state
        .run(move |app| app.resume_benefit(&actor, id, &reason))
        .await?;
    Ok(changed(id, "resumed"))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FrequencyBody {
    /// `monthly` or `half_yearly`.
    pub frequency: String,
    /// On what it is set (the worker's application), recorded in the audit log.
    pub reason: String,
}

/// Set how often the payroll pays a benefit (Guangdong Regulations Art 29):
/// `half_yearly` only for the fund's disability allowance of a grade 1-4
/// worker whose approved award records the household registration moved
/// home (422 naming `frequency` otherwise); `monthly` always. A run then
/// pays a half-yearly benefit its month and the rest of the half-year
/// (the runs of January and July six months at once), each month once.
#[utoipa::path(post, path = "/benefits/{id}/frequency", tag = "payroll", request_body = FrequencyBody,
    params(("id" = i64, Path, description = "the periodic benefit")),
    responses((status = 200, body = BenefitChangedView), (status = "4XX", body = Problem)))]
pub async fn set_payment_frequency(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<FrequencyBody>,
) -> ApiResult<Response> {
    let frequency = gongshang_domain::month::PaymentFrequency::parse(&body.frequency)
        .map_err(|_| ApiError::invalid("frequency", "monthly or half_yearly"))?;
    let actor = user.actor();
    let reason = body.reason;
    state
        .run(move |app| app.set_payment_frequency(&actor, id, frequency, &reason))
        .await?;
    Ok(changed(id, frequency.as_str()))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndBody {
    /// death (paid for the month, not after), remarriage (a surviving
    /// spouse), or turned_eighteen (a dependant: paid up to the month before).
    pub event: String,
    /// The month it happened, YYYY-MM.
    pub month: String,
}

/// End a periodic benefit for a reason the Regulations name.
#[utoipa::path(post, path = "/benefits/{id}/end", tag = "payroll", request_body = EndBody,
    params(("id" = i64, Path, description = "the periodic benefit")),
    responses((status = 200, body = BenefitChangedView), (status = "4XX", body = Problem)))]
pub async fn end_benefit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<EndBody>,
) -> ApiResult<Response> {
    let month = parse_month("month", &body.month)?;
    let end = match body.event.trim() {
        "death" => BenefitEnd::Death { month },
        "remarriage" => BenefitEnd::Remarriage { month },
        "turned_eighteen" => BenefitEnd::TurnedEighteen { month },
        other => {
            return Err(ApiError::invalid(
                "event",
                format!("{other:?}; expected death, remarriage or turned_eighteen"),
            ));
        }
    };
    let actor = user.actor();
    state
        .run(move |app| app.end_benefit(&actor, id, &end))
        .await?;
    Ok(changed(id, "ended"))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetirementBody {
    /// The first month of the basic pension, YYYY-MM.
    pub from_month: String,
    /// The basic pension a month in yuan, e.g. "2800.00".
    pub pension_monthly: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct RetirementView {
    pub benefit_id: i64,
    /// What the fund pays a month from then: the allowance above the
    /// pension, or 0.00 (条例 Art 35(3)).
    pub difference_monthly: String,
}

/// A grade 1-4 worker retired: from the month the fund pays only the
/// disability allowance above the basic pension (条例 Art 35(3)).
#[utoipa::path(post, path = "/benefits/{id}/retirement", tag = "payroll", request_body = RetirementBody,
    params(("id" = i64, Path, description = "the disability allowance")),
    responses((status = 200, body = RetirementView), (status = "4XX", body = Problem)))]
pub async fn record_retirement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RetirementBody>,
) -> ApiResult<Response> {
    let from = parse_month("from_month", &body.from_month)?;
    let pension = parse_yuan("pension_monthly", &body.pension_monthly)?;
    let actor = user.actor();
    let difference = state
        .run(move |app| app.record_retirement(&actor, id, from, pension))
        .await?;
    Ok(json(
        StatusCode::OK,
        &RetirementView {
            benefit_id: id,
            difference_monthly: difference.to_string(),
        },
    ))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MedicalBasesQuery {
    /// The month, YYYY-MM.
    pub month: String,
    /// One unit's credit code (a unit's own login: its own, the default).
    pub unit: Option<String>,
}

/// One grade 1-4 worker's allowance as the month's medical insurance base.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MedicalBaseView {
    pub benefit_id: i64,
    pub case_number: String,
    /// The unit paying in the month: the case's, or after a division,
    /// merger or transfer its successor (Regulations Art 43(1)).
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    /// The case's own unit when another pays now (its predecessor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeded_from: Option<String>,
    pub resident_id: String,
    pub name: Option<String>,
    pub grade: i64,
    /// Who pays the allowance: `fund`, or `employer` for an uninsured
    /// period (Regulations Art 62).
    pub payer: String,
    /// The allowance in force in the month, yuan: the base.
    pub base: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MedicalBasesView {
    pub month: String,
    pub unit: Option<String>,
    /// The article that makes the allowance the base.
    pub article: String,
    pub rows: Vec<MedicalBaseView>,
    /// The sum of the bases, yuan.
    pub total: String,
}

/// The medical insurance bases of a month (Regulations Art 35 para 2): each
/// grade 1-4 worker's disability allowance in force, running and not
/// suspended, until the worker's retirement. The unit and the worker pay
/// the medical insurance on it at the region's rates; agency staff list
/// every unit's, a unit its own.
#[utoipa::path(get, path = "/payroll/medical-insurance-bases", tag = "payroll", params(MedicalBasesQuery),
    responses((status = 200, body = MedicalBasesView), (status = "4XX", body = Problem)))]
pub async fn medical_insurance_bases(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<MedicalBasesQuery>,
) -> ApiResult<Response> {
    let month = parse_month("month", &q.month)?;
    let unit = q
        .unit
        .as_deref()
        .map(|u| parse_credit("unit", u))
        .transpose()?;
    let actor = user.actor();
    let bases = state
        .run_read(move |app| app.medical_insurance_bases(&actor, month, unit.as_ref()))
        .await?;
    let view = MedicalBasesView {
        month: bases.month.to_string(),
        unit: bases.unit.map(|u| u.as_str().to_owned()),
        article: gongshang_app::payroll::MEDICAL_BASE_ARTICLE_ZH.to_owned(),
        rows: bases
            .rows
            .iter()
            .map(|r| MedicalBaseView {
                benefit_id: r.benefit_id,
                case_number: r.case_number.clone(),
                unit: r.unit_code.clone(),
                unit_name: r.unit_name.clone(),
                succeeded_from: r
                    .case_unit_code
                    .clone()
                    .filter(|c| r.unit_code.as_ref() != Some(c)),
                resident_id: r.resident_id.clone(),
                name: r.name.clone(),
                grade: r.grade,
                payer: super::wire(&r.payer),
                base: r.base.to_string(),
            })
            .collect(),
        total: bases.total.to_string(),
    };
    Ok(json(StatusCode::OK, &view))
}
