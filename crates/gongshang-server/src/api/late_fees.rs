//! Late fees of bills paid late (Social Insurance Law Art 86; Regulations
//! Art 62(1)): what was assessed with each late payment, what is paid and
//! owed, and a payment of them.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongshang_app::late_fees::LateFeePaymentRequest as AppRequest;
use gongshang_app::model::BillLateFees;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_yuan;
use super::registry::{parse_credit, parse_date};
use super::{ApiQuery, idempotent, json, parse_body, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(late_fees))
        .routes(routes!(record_late_fee_payment))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LateFeeAssessmentView {
    pub payment_id: i64,
    /// What the late payment settled (the base of the fee).
    pub settled_fen: i64,
    pub late_fee_fen: i64,
    /// From the day after the effective due date (the due date, or the
    /// repayment day of a deferral in force) to the day received.
    pub days: i64,
    pub daily_rate: String,
    pub assessed_on: String,
    /// The articles it rests on.
    pub basis: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LateFeePaymentView {
    pub id: i64,
    pub amount_fen: i64,
    pub paid_on: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BillLateFeesView {
    pub bill_id: i64,
    pub reference: String,
    pub unit: Option<String>,
    pub period: String,
    pub due_date: String,
    pub assessed_fen: i64,
    pub paid_fen: i64,
    /// Still owed: assessed less paid.
    pub owed_fen: i64,
    pub assessments: Vec<LateFeeAssessmentView>,
    pub payments: Vec<LateFeePaymentView>,
}

impl From<&BillLateFees> for BillLateFeesView {
    fn from(b: &BillLateFees) -> Self {
        BillLateFeesView {
            bill_id: b.bill_id,
            reference: b.reference.clone(),
            unit: b.unit.map(|u| u.as_str().to_owned()),
            period: b.period.clone(),
            due_date: b.due_date.to_string(),
            assessed_fen: b.assessed.fen(),
            paid_fen: b.paid.fen(),
            owed_fen: b.owed.fen(),
            assessments: b
                .assessments
                .iter()
                .map(|a| LateFeeAssessmentView {
                    payment_id: a.payment_id,
                    settled_fen: a.settled.fen(),
                    late_fee_fen: a.amount.fen(),
                    days: a.days,
                    daily_rate: a.daily_rate.to_string(),
                    assessed_on: a.assessed_on.to_string(),
                    basis: a.basis.clone(),
                })
                .collect(),
            payments: b
                .payments
                .iter()
                .map(|p| LateFeePaymentView {
                    id: p.id,
                    amount_fen: p.amount.fen(),
                    paid_on: p.paid_on.to_string(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LateFeesQuery {
    /// A unit's (or platform's) credit code: its bills with late fees
    /// assessed, paid or not. Absent: every bill's late fees still owed
    /// (agency staff).
    #[serde(default)]
    pub unit: Option<String>,
}

/// Late fees assessed on bills paid late, with what is paid and owed
/// (Social Insurance Law Art 86). The fee still running on what is
/// outstanding is in `/arrears`.
#[utoipa::path(get, path = "/late-fees", tag = "bills", params(LateFeesQuery),
    responses((status = 200, body = Vec<BillLateFeesView>), (status = "4XX", body = Problem)))]
pub async fn late_fees(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LateFeesQuery>,
) -> ApiResult<Response> {
    let unit = q
        .unit
        .as_deref()
        .map(|u| parse_credit("unit", u))
        .transpose()?;
    let actor = user.actor();
    let list = state
        .run(move |app| match unit {
            Some(u) => app.late_fees_of_unit(&actor, &u),
            None => app.late_fees_owed(&actor),
        })
        .await?;
    let views: Vec<BillLateFeesView> = list.iter().map(BillLateFeesView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LateFeePaymentRequest {
    pub bill_id: i64,
    /// Yuan, e.g. "12.34"; more than 0 and at most what is owed.
    pub amount: String,
    /// YYYY-MM-DD.
    pub paid_on: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LateFeeReceiptView {
    pub payment_id: i64,
    /// The same payment was recorded before under the key: nothing changed.
    pub already_recorded: bool,
    pub fees: BillLateFeesView,
}

/// Record a payment of a bill's late fees (agency clerks). Requires
/// `Idempotency-Key`; never more than is owed (409 `conflict`).
#[utoipa::path(post, path = "/late-fee-payments", tag = "payments", request_body = LateFeePaymentRequest,
    params(("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    responses((status = 201, body = LateFeeReceiptView), (status = "4XX", body = Problem)))]
pub async fn record_late_fee_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: LateFeePaymentRequest = match parse_body(&headers, &body) {
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
        move |key| async move {
            let r = AppRequest {
                bill_id: req.bill_id,
                amount: parse_yuan("amount", &req.amount)?,
                paid_on: parse_date("paid_on", &req.paid_on)?,
                idempotency_key: key.unwrap_or_default(),
            };
            let receipt = st
                .run(move |app| app.record_late_fee_payment(&actor, &r))
                .await?;
            let view = LateFeeReceiptView {
                payment_id: receipt.payment_id,
                already_recorded: receipt.already_recorded,
                fees: BillLateFeesView::from(&receipt.fees),
            };
            Ok((StatusCode::CREATED, to_value(&view)?))
        },
    )
    .await
}
