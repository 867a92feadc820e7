//! Declarations and bills: declare a unit's month, buy days, the bills of a
//! month, one bill's status, arrears.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongshang_app::model::BillStatus;
use gongshang_app::{BillView as AppBill, IssuedBill};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::registry::{parse_credit, parse_date, parse_resident};
use super::{ApiQuery, idempotent, json, parse_body, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(declare))
        .routes(routes!(buy_days))
        .routes(routes!(bills_of_month))
        .routes(routes!(bill))
        .routes(routes!(arrears))
}

pub(crate) fn parse_yuan(field: &str, text: &str) -> ApiResult<Money> {
    Money::parse_yuan(text.trim()).map_err(|e| {
        ApiError::invalid(
            field,
            format!("{text:?} is not an amount in yuan ({e}); e.g. \"8500.00\""),
        )
    })
}

pub(crate) fn parse_month(field: &str, text: &str) -> ApiResult<Month> {
    Month::parse(text.trim())
        .map_err(|e| ApiError::invalid(field, format!("{text:?}: {e}; expected YYYY-MM")))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationLine {
    pub resident_id: String,
    /// The month's wage in yuan, e.g. "8500.00" (may be absent for a
    /// scheme on a fixed base).
    pub wage: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationRequest {
    /// The unit's credit code.
    pub unit: String,
    pub scheme_id: String,
    /// YYYY-MM.
    pub month: String,
    pub lines: Vec<DeclarationLine>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyDaysRequest {
    pub resident_id: String,
    /// A scheme billed by the day (益鹭保).
    pub scheme_id: String,
    /// YYYY-MM-DD.
    pub first_day: String,
    pub days: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BillLineView {
    pub enrollment_id: i64,
    /// Masked identity number.
    pub person: String,
    pub declared_wage_fen: i64,
    pub base_fen: i64,
    pub rate: String,
    pub premium_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct IssuedBillView {
    pub bill_id: i64,
    pub reference: String,
    pub amount_fen: i64,
    pub fiscal_share_fen: i64,
    pub due_date: String,
    /// The due date was counted in a year whose public-holiday arrangement is
    /// not loaded (weekends only); it is counted again when the year is loaded.
    pub due_date_provisional: bool,
    pub lines: Vec<BillLineView>,
    /// An order bill's trace (issue 12): the yearly float of each province's
    /// part by the platform's prior-year payout ratio (the ratio, the band,
    /// the factor and the float table cited), or why the base rate applies.
    /// Absent for other bills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub trace: Option<serde_json::Value>,
}

impl From<&IssuedBill> for IssuedBillView {
    fn from(b: &IssuedBill) -> Self {
        IssuedBillView {
            bill_id: b.bill_id,
            reference: b.reference.clone(),
            amount_fen: b.amount.fen(),
            fiscal_share_fen: b.fiscal_share.fen(),
            due_date: b.due_date.to_string(),
            due_date_provisional: b.due_provisional,
            lines: b
                .lines
                .iter()
                .map(|l| BillLineView {
                    enrollment_id: l.enrollment_id,
                    person: l.person.masked(),
                    declared_wage_fen: l.declared_wage.fen(),
                    base_fen: l.base.fen(),
                    rate: l.rate.to_string(),
                    premium_fen: l.premium.fen(),
                })
                .collect(),
            trace: (!b.trace.is_empty())
                .then(|| serde_json::to_value(&b.trace).unwrap_or(serde_json::Value::Null)),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BillStatusView {
    pub bill_id: i64,
    pub reference: String,
    pub unit: Option<String>,
    pub period: String,
    pub due_date: String,
    /// See `IssuedBillView::due_date_provisional`.
    pub due_date_provisional: bool,
    /// YYYY-MM-DD: the day by which the bill must be repaid under an approved
    /// deferral of premiums in force (缓缴; 人社厅发〔2022〕16号, 人社部发
    /// 〔2022〕31号); absent when no deferral covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_to: Option<String>,
    /// YYYY-MM-DD: the day the bill is due in fact, the later of `due_date`
    /// and `deferred_to`. A bill is in arrears, and runs up late fees, only
    /// after this day.
    pub effective_due_date: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub outstanding_fen: i64,
    /// In the arrears list: the late fee run up by `as_of` (0.05% a day after
    /// the effective due date, `effective_due_date`: the due date, or
    /// `deferred_to` under a deferral; 工伤保险条例 Art 62(1), 社会保险法
    /// Art 86).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee_fen: Option<i64>,
    /// monthly, daily or orders (absent where unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme_id: Option<String>,
}

impl From<&BillStatus> for BillStatusView {
    fn from(s: &BillStatus) -> Self {
        BillStatusView {
            bill_id: s.bill_id,
            reference: s.reference.clone(),
            unit: s.unit.map(|u| u.as_str().to_owned()),
            period: s.period.clone(),
            due_date: s.due_date.to_string(),
            due_date_provisional: s.due_provisional,
            deferred_to: s.deferred_to.map(|d| d.to_string()),
            effective_due_date: s.effective_due_date().to_string(),
            amount_fen: s.amount.fen(),
            paid_fen: s.paid.fen(),
            outstanding_fen: s.outstanding.fen(),
            late_fee_fen: None,
            kind: None,
            scheme_id: None,
        }
    }
}

impl From<&AppBill> for BillStatusView {
    fn from(b: &AppBill) -> Self {
        BillStatusView {
            kind: Some(b.kind.as_str().to_owned()),
            scheme_id: Some(b.scheme_id.to_string()),
            ..BillStatusView::from(&b.status)
        }
    }
}

/// Declare a unit's month in a scheme billed on wages: one bill with a line
/// per enrolment. A month is declared once (409 after). Honours
/// `Idempotency-Key`.
#[utoipa::path(post, path = "/declarations", tag = "bills", request_body = DeclarationRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key and body answer the same")),
    responses((status = 201, body = IssuedBillView), (status = "4XX", body = Problem)))]
pub async fn declare(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: DeclarationRequest = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(&state, &user, &headers, &body, false, move |_| async move {
        let unit = parse_credit("unit", &req.unit)?;
        let month = parse_month("month", &req.month)?;
        let mut lines = Vec::with_capacity(req.lines.len());
        for (i, l) in req.lines.iter().enumerate() {
            lines.push((
                parse_resident(&format!("lines[{i}].resident_id"), &l.resident_id)?,
                parse_yuan(&format!("lines[{i}].wage"), &l.wage)?,
            ));
        }
        let scheme = super::registry::parse_scheme("scheme_id", &req.scheme_id)?;
        let bill = st
            .run(move |app| app.declare_month(&actor, &unit, &scheme, month, &lines))
            .await?;
        Ok((StatusCode::CREATED, to_value(&IssuedBillView::from(&bill))?))
    })
    .await
}

/// Buy days of cover in a scheme billed by the day (a worker for
/// themselves, or a clerk). Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/day-bills", tag = "bills", request_body = BuyDaysRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key and body answer the same")),
    responses((status = 201, body = IssuedBillView), (status = "4XX", body = Problem)))]
pub async fn buy_days(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: BuyDaysRequest = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let person = match parse_resident("resident_id", &req.resident_id) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(&state, &user, &headers, &body, false, move |_| async move {
        let first_day = parse_date("first_day", &req.first_day)?;
        let scheme = super::registry::parse_scheme("scheme_id", &req.scheme_id)?;
        let days = req.days;
        let bill = st
            .run(move |app| app.buy_days(&actor, &person, &scheme, first_day, days))
            .await?;
        Ok((StatusCode::CREATED, to_value(&IssuedBillView::from(&bill))?))
    })
    .await
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BillsQuery {
    /// YYYY-MM.
    pub month: String,
    /// Only this unit's bills (a unit user always gets its own only).
    pub unit: Option<String>,
}

/// The monthly and order bills of a month, paid and outstanding.
#[utoipa::path(get, path = "/bills", tag = "bills", params(BillsQuery),
    responses((status = 200, body = Vec<BillStatusView>), (status = "4XX", body = Problem)))]
pub async fn bills_of_month(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<BillsQuery>,
) -> ApiResult<Response> {
    let month = parse_month("month", &q.month)?;
    let unit = q
        .unit
        .as_deref()
        .map(|u| parse_credit("unit", u))
        .transpose()?;
    let actor = user.actor();
    let bills = state
        .run(move |app| app.bills_of_month(&actor, month, unit.as_ref()))
        .await?;
    let views: Vec<BillStatusView> = bills.iter().map(BillStatusView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// One bill: amount, paid, outstanding (agency staff; a unit its own).
#[utoipa::path(get, path = "/bills/{id}", tag = "bills",
    params(("id" = i64, Path, description = "bill id")),
    responses((status = 200, body = BillStatusView), (status = "4XX", body = Problem)))]
pub async fn bill(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let status = state.run(move |app| app.bill_status(&actor, id)).await?;
    Ok(json(StatusCode::OK, &BillStatusView::from(&status)))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArrearsQuery {
    /// Bills due before this day (YYYY-MM-DD) with something outstanding.
    pub as_of: String,
}

/// Every bill in arrears (agency staff).
#[utoipa::path(get, path = "/arrears", tag = "bills", params(ArrearsQuery),
    responses((status = 200, body = Vec<BillStatusView>), (status = "4XX", body = Problem)))]
pub async fn arrears(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ArrearsQuery>,
) -> ApiResult<Response> {
    let as_of = parse_date("as_of", &q.as_of)?;
    let actor = user.actor();
    let list = state
        .run(move |app| app.arrears_with_late_fees(&actor, as_of))
        .await?;
    let views: Vec<BillStatusView> = list
        .iter()
        .map(|(b, fee)| BillStatusView {
            late_fee_fen: Some(fee.fen()),
            ..BillStatusView::from(b)
        })
        .collect();
    Ok(json(StatusCode::OK, &views))
}
