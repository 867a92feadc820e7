//! Payments: a payment of a bill, with the cover it buys.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongshang_app::PaymentRequest as AppPayment;
use gongshang_rules::scheme::PremiumPayer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::{BillStatusView, parse_yuan};
use super::registry::parse_date;
use super::{idempotent, parse_body, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record_payment))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    pub bill_id: i64,
    /// Yuan, e.g. "1234.56"; more than 0.
    pub amount: String,
    /// YYYY-MM-DD.
    pub paid_on: String,
    /// unit, platform, worker or fiscal; the bill's payer when absent.
    #[serde(default)]
    pub payer: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CoverBoughtView {
    pub scheme_id: String,
    pub enrollment_id: Option<i64>,
    pub basis: String,
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PaymentView {
    pub payment_id: i64,
    /// The same payment was recorded before under the key: nothing changed.
    pub already_recorded: bool,
    pub bill: BillStatusView,
    pub coverage: Vec<CoverBoughtView>,
}

fn parse_payer(text: &str) -> Result<PremiumPayer, ApiError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned())).map_err(|_| {
        ApiError::invalid(
            "payer",
            format!("{text:?}; expected unit, platform, worker or fiscal"),
        )
    })
}

/// Record a payment (agency clerks). Requires `Idempotency-Key`: the same
/// key and body answer the same (nothing is paid twice), another body under
/// the key is 409 `idempotency_mismatch`.
#[utoipa::path(post, path = "/payments", tag = "payments", request_body = PaymentRequest,
    params(("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    responses((status = 201, body = PaymentView), (status = "4XX", body = Problem)))]
pub async fn record_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: PaymentRequest = match parse_body(&headers, &body) {
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
            let payment = AppPayment {
                bill_id: req.bill_id,
                amount: parse_yuan("amount", &req.amount)?,
                paid_on: parse_date("paid_on", &req.paid_on)?,
                idempotency_key: key.unwrap_or_default(),
                payer: req.payer.as_deref().map(parse_payer).transpose()?,
            };
            let receipt = st
                .run(move |app| app.record_payment(&actor, &payment))
                .await?;
            let view = PaymentView {
                payment_id: receipt.payment_id,
                already_recorded: receipt.already_recorded,
                bill: BillStatusView::from(&receipt.bill),
                coverage: receipt
                    .coverage
                    .iter()
                    .map(|c| CoverBoughtView {
                        scheme_id: c.scheme_id.to_string(),
                        enrollment_id: c.enrollment_id,
                        basis: c.basis.to_string(),
                        start: c.start.to_string(),
                        end: c.end.to_string(),
                    })
                    .collect(),
            };
            Ok((StatusCode::CREATED, to_value(&view)?))
        },
    )
    .await
}
