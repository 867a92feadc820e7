//! What the unit owes the worker under a case's approved award (Guangdong
//! Regulations Art 56's difference of a wage under-declared, and the other
//! items of payer `employer`) and what it paid. Thin handlers over
//! `gongshang_app::cases` (`unit_dues`, `record_unit_due_payment`,
//! `correct_unit_due_payment`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::cases::{UnitDuePaymentRequest, UnitDuePaymentView, UnitDues};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::{parse_month, parse_yuan};
use super::registry::parse_date;
use super::{ApiJson, ApiQuery, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(case_unit_dues, record_unit_due_payment))
        .routes(routes!(correct_unit_due_payment))
}

fn wire<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitDuesQuery {
    /// YYYY-MM: the month the monthly items are owed up to [default: this month].
    pub as_of: Option<String>,
}

/// One item the unit owes, to date.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitDueLineView {
    pub item: String,
    pub beneficiary: String,
    /// `one_time` or `monthly`.
    pub periodicity: String,
    /// The award line's instrument and article.
    pub citation: String,
    /// Yuan: one-time, the amount; monthly, the amount in force in `as_of`.
    pub amount: String,
    /// YYYY-MM: a monthly item's first month owed.
    pub from_month: Option<String>,
    /// YYYY-MM: its last, when it ended.
    pub until_month: Option<String>,
    pub months_owed: u32,
    /// Yuan owed up to `as_of`.
    pub owed: String,
    /// Yuan the unit paid of it.
    pub paid: String,
    /// Yuan owed less paid.
    pub outstanding: String,
}

/// A payment of the unit as the agency recorded it. `note` and
/// `recorded_by` are the agency's, absent for the worker and the unit.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitDuePaymentOut {
    pub id: i64,
    pub item: String,
    pub beneficiary: String,
    /// YYYY-MM-DD.
    pub paid_on: String,
    /// Yuan; a correction is negative.
    pub amount: String,
    /// The payment this record corrects.
    pub correction_of: Option<i64>,
    pub document: String,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
}

impl From<&UnitDuePaymentView> for UnitDuePaymentOut {
    fn from(p: &UnitDuePaymentView) -> Self {
        UnitDuePaymentOut {
            id: p.id,
            item: wire(&p.item),
            beneficiary: p.beneficiary.clone(),
            paid_on: p.paid_on.to_string(),
            amount: p.amount.to_string(),
            correction_of: p.correction_of,
            document: p.document.clone(),
            note: p.note.clone(),
            recorded_by: p.recorded_by.clone(),
        }
    }
}

/// What the unit owes the worker of a case, what it paid and what is
/// outstanding.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitDuesView {
    pub case_number: String,
    pub unit: Option<String>,
    /// YYYY-MM.
    pub as_of: String,
    pub lines: Vec<UnitDueLineView>,
    pub payments: Vec<UnitDuePaymentOut>,
    pub owed: String,
    pub paid: String,
    pub outstanding: String,
}

impl From<&UnitDues> for UnitDuesView {
    fn from(d: &UnitDues) -> Self {
        UnitDuesView {
            case_number: d.case_number.clone(),
            unit: d.unit.map(|u| u.as_str().to_owned()),
            as_of: d.as_of.to_string(),
            lines: d
                .lines
                .iter()
                .map(|l| UnitDueLineView {
                    item: wire(&l.item),
                    beneficiary: l.beneficiary.clone(),
                    periodicity: wire(&l.periodicity),
                    citation: l.citation.clone(),
                    amount: l.amount.to_string(),
                    from_month: l.from_month.map(|m| m.to_string()),
                    until_month: l.until_month.map(|m| m.to_string()),
                    months_owed: l.months_owed,
                    owed: l.owed.to_string(),
                    paid: l.paid.to_string(),
                    outstanding: l.outstanding.to_string(),
                })
                .collect(),
            payments: d.payments.iter().map(UnitDuePaymentOut::from).collect(),
            owed: d.owed.to_string(),
            paid: d.paid.to_string(),
            outstanding: d.outstanding.to_string(),
        }
    }
}

/// What the unit owes the worker under the case's approved award
/// (Guangdong Regulations Art 56: the difference of a wage under-declared;
/// and every other item of payer `employer`), what it paid and what is
/// outstanding. Whoever reads the case reads it; the agency's notes only
/// agency staff.
#[utoipa::path(get, path = "/cases/{number}/unit-dues", tag = "cases",
    params(("number" = String, Path, description = "the case number"), UnitDuesQuery),
    responses((status = 200, body = UnitDuesView), (status = "4XX", body = Problem)))]
pub async fn case_unit_dues(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiQuery(q): ApiQuery<UnitDuesQuery>,
) -> ApiResult<Response> {
    let as_of = q
        .as_of
        .as_deref()
        .map(|m| parse_month("as_of", m))
        .transpose()?;
    let actor = user.actor();
    let dues = state
        .run_read(move |app| app.unit_dues(&actor, &number, as_of))
        .await?;
    Ok(json(StatusCode::OK, &UnitDuesView::from(&dues)))
}

/// A payment of the unit to the worker.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitDuePaymentBody {
    /// The item, e.g. `one_time_disability_subsidy`.
    pub item: String,
    /// `worker` (the default), `spouse`, `dependant-1`, ...
    #[serde(default)]
    pub beneficiary: Option<String>,
    /// YYYY-MM-DD.
    pub paid_on: String,
    /// Yuan, e.g. `57500.00`.
    pub amount: String,
    /// The unit's receipt or transfer slip.
    pub document: String,
    /// The agency's own note (not shown to the worker or the unit).
    #[serde(default)]
    pub note: String,
}

/// Record that the unit paid the worker an item it owes under the approved
/// award (agency clerks, on the unit's receipt). 422 for an item the unit
/// does not owe, an amount beyond what is owed up to the month paid, or a
/// day after today.
#[utoipa::path(post, path = "/cases/{number}/unit-dues", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = UnitDuePaymentBody,
    responses((status = 201, body = UnitDuePaymentOut), (status = "4XX", body = Problem)))]
pub async fn record_unit_due_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<UnitDuePaymentBody>,
) -> ApiResult<Response> {
    let req = UnitDuePaymentRequest {
        item: super::from_wire("item", &body.item)?,
        beneficiary: body.beneficiary,
        paid_on: parse_date("paid_on", &body.paid_on)?,
        amount: parse_yuan("amount", &body.amount)?,
        document: body.document,
        note: body.note,
    };
    let actor = user.actor();
    let p = state
        .run(move |app| app.record_unit_due_payment(&actor, &number, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &UnitDuePaymentOut::from(&p)))
}

/// Why a record is corrected.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitDueCorrectionBody {
    pub reason: String,
}

/// Correct a mistaken record of the unit's payment by its negative (agency
/// clerks); the record stays.
#[utoipa::path(post, path = "/cases/{number}/unit-dues/{payment_id}/correction", tag = "cases",
    params(("number" = String, Path, description = "the case number"),
        ("payment_id" = i64, Path, description = "the payment corrected")),
    request_body = UnitDueCorrectionBody,
    responses((status = 201, body = UnitDuePaymentOut), (status = "4XX", body = Problem)))]
pub async fn correct_unit_due_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, payment_id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<UnitDueCorrectionBody>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let p = state
        .run(move |app| app.correct_unit_due_payment(&actor, &number, payment_id, &body.reason))
        .await?;
    Ok(json(StatusCode::CREATED, &UnitDuePaymentOut::from(&p)))
}
