//! Platform orders: import a batch (JSON or CSV), bill a platform's month,
//! reconcile a month against what the platform declared.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::OrderInput;
use gongshang_app::model::OrderRecord;
use gongshang_domain::ids::{OrderId, PlatformId, ResidentId};
use gongshang_rules::scheme::OrderIndustry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::{IssuedBillView, parse_month, parse_yuan};
use super::{ApiQuery, idempotent, json, parse_body, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_orders))
        .routes(routes!(bill_orders))
        .routes(routes!(reconcile))
}

/// One order as a platform reports it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRow {
    /// The platform id (meituan, eleme, didi, ...).
    pub platform: String,
    pub order_id: String,
    pub resident_id: String,
    /// RFC 3339 with an offset, e.g. 2025-07-01T12:30:00+08:00.
    pub ordered_at: String,
    /// ride_hailing, instant_delivery or intra_city_freight.
    pub industry: String,
    /// Two-digit GB/T 2260 province code.
    pub province: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderImportRequest {
    pub orders: Vec<OrderRow>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RejectedRow {
    /// 1-based position in the batch (CSV: the data row, after the header).
    pub row: u64,
    pub field: String,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportView {
    pub import_id: i64,
    pub rows_read: u64,
    pub rows_added: u64,
    /// Orders stored before (same platform and order id): unchanged.
    pub rows_duplicate: u64,
    pub rows_rejected: u64,
    pub rejected: Vec<RejectedRow>,
}

fn industry(text: &str) -> Result<OrderIndustry, ApiError> {
    match text {
        "ride_hailing" => Ok(OrderIndustry::RideHailing),
        "instant_delivery" => Ok(OrderIndustry::InstantDelivery),
        "intra_city_freight" => Ok(OrderIndustry::IntraCityFreight),
        _ => Err(ApiError::invalid(
            "industry",
            format!("{text:?}; expected ride_hailing, instant_delivery or intra_city_freight"),
        )),
    }
}

fn order_input(row: &OrderRow) -> Result<OrderInput, ApiError> {
    let field = |f: &'static str| {
        move |e: gongshang_domain::DomainError| ApiError::invalid(f, e.to_string())
    };
    Ok(OrderInput {
        platform: PlatformId::parse(row.platform.trim()).map_err(field("platform"))?,
        order_id: OrderId::parse(row.order_id.trim()).map_err(field("order_id"))?,
        resident_id: ResidentId::parse(row.resident_id.trim()).map_err(field("resident_id"))?,
        ordered_at: row.ordered_at.trim().parse().map_err(|_| {
            ApiError::invalid(
                "ordered_at",
                format!("{:?} is not an instant; expected RFC 3339 with an offset, e.g. 2025-07-01T12:30:00+08:00", row.ordered_at),
            )
        })?,
        industry: industry(row.industry.trim())?,
        province: row.province.trim().to_owned(),
    })
}

const CSV_COLUMNS: [&str; 6] = [
    "platform",
    "order_id",
    "resident_id",
    "ordered_at",
    "industry",
    "province",
];

/// A CSV with a header naming the six columns (in any order; quotes are
/// not used by any field).
fn csv_rows(body: &[u8]) -> ApiResult<Vec<OrderRow>> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::new("malformed_request", "the CSV is not UTF-8"))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header_line = lines.next().ok_or_else(|| {
        ApiError::new(
            "malformed_request",
            "the CSV is empty; expected a header row",
        )
    })?;
    let names: Vec<&str> = header_line
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(str::trim)
        .collect();
    let mut positions = [0usize; 6];
    for (i, col) in CSV_COLUMNS.iter().enumerate() {
        positions[i] = names.iter().position(|n| n == col).ok_or_else(|| {
            ApiError::new(
                "malformed_request",
                format!(
                    "the CSV header has no column {col}; expected {}",
                    CSV_COLUMNS.join(",")
                ),
            )
            .with_field(*col)
        })?;
    }
    Ok(lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let get = |i: usize| fields.get(positions[i]).map_or("", |s| s.trim()).to_owned();
            OrderRow {
                platform: get(0),
                order_id: get(1),
                resident_id: get(2),
                ordered_at: get(3),
                industry: get(4),
                province: get(5),
            }
        })
        .collect())
}

/// Import a batch of orders: `application/json` (`{"orders": [...]}`) or
/// `text/csv` with a header row. Each order is priced at its date; orders
/// stored before are counted as duplicates and change nothing (so a batch
/// may be sent again). Bad rows are reported and skipped. A platform's unit
/// user imports its own platform's orders only. Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/orders/imports", tag = "orders",
    request_body(content((OrderImportRequest = "application/json"), (String = "text/csv"))),
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key and body answer the same")),
    responses((status = 201, body = ImportView), (status = "4XX", body = Problem)))]
pub async fn import_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let rows = if csv {
        csv_rows(&body)
    } else {
        parse_body::<OrderImportRequest>(&headers, &body).map(|r| r.orders)
    };
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(&state, &user, &headers, &body, false, move |_| async move {
        let view = st
            .run(move |app| -> ApiResult<ImportView> {
                let mut pricer = app.order_pricer()?;
                let mut records: Vec<OrderRecord> = Vec::with_capacity(rows.len());
                let mut rejected = Vec::new();
                for (i, row) in rows.iter().enumerate() {
                    let priced = order_input(row)
                        .and_then(|input| pricer.price(input).map_err(ApiError::from));
                    match priced {
                        Ok(r) => records.push(r),
                        Err(e) => rejected.push(RejectedRow {
                            row: i as u64 + 1,
                            field: e.field.clone().unwrap_or_else(|| "row".into()),
                            detail: e.detail,
                        }),
                    }
                }
                let import_id = app.begin_order_import(&actor, "api")?;
                let mut added = 0;
                let mut duplicate = 0;
                for batch in records.chunks(10_000) {
                    let counts = app.import_order_batch(&actor, import_id, batch)?;
                    added += counts.added;
                    duplicate += counts.duplicate;
                }
                let summary = app.finish_order_import(
                    &actor,
                    import_id,
                    rows.len() as u64,
                    rejected.len() as u64,
                )?;
                Ok(ImportView {
                    import_id: summary.id,
                    rows_read: rows.len() as u64,
                    rows_added: added,
                    rows_duplicate: duplicate,
                    rows_rejected: rejected.len() as u64,
                    rejected,
                })
            })
            .await?;
        Ok((StatusCode::CREATED, to_value(&view)?))
    })
    .await
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillOrdersRequest {
    pub platform: String,
    /// YYYY-MM.
    pub month: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BillOrdersView {
    /// The new bill; absent when everything stored was billed already.
    pub bill: Option<IssuedBillView>,
}

/// Bill a platform's month: the premium of its stored orders not billed yet
/// (agency clerks). Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/orders/bills", tag = "orders", request_body = BillOrdersRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "the same key and body answer the same")),
    responses((status = 200, body = BillOrdersView), (status = "4XX", body = Problem)))]
pub async fn bill_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: BillOrdersRequest = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(&state, &user, &headers, &body, false, move |_| async move {
        let platform = PlatformId::parse(req.platform.trim())
            .map_err(|e| ApiError::invalid("platform", e.to_string()))?;
        let month = parse_month("month", &req.month)?;
        let bill = st
            .run(move |app| app.bill_orders(&actor, &platform, month))
            .await?;
        Ok((
            StatusCode::OK,
            to_value(&BillOrdersView {
                bill: bill.as_ref().map(IssuedBillView::from),
            })?,
        ))
    })
    .await
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconcileQuery {
    pub platform: String,
    /// YYYY-MM.
    pub month: String,
    /// The number of orders the platform declared.
    pub declared_orders: Option<u64>,
    /// The premium the platform declared, in yuan.
    pub declared_premium: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReconciliationView {
    pub platform: String,
    pub month: String,
    pub orders: u64,
    pub workers: u64,
    pub premium_fen: i64,
    pub billed_fen: i64,
    pub declared_orders: Option<u64>,
    pub declared_premium_fen: Option<i64>,
    /// Stored minus declared.
    pub orders_difference: Option<i64>,
    pub premium_difference_fen: Option<i64>,
    pub matches: bool,
}

/// A platform's month as stored against what it declared (agency staff,
/// analysts, and the platform itself).
#[utoipa::path(get, path = "/orders/reconciliation", tag = "orders", params(ReconcileQuery),
    responses((status = 200, body = ReconciliationView), (status = "4XX", body = Problem)))]
pub async fn reconcile(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReconcileQuery>,
) -> ApiResult<Response> {
    let platform = PlatformId::parse(q.platform.trim())
        .map_err(|e| ApiError::invalid("platform", e.to_string()))?;
    let month = parse_month("month", &q.month)?;
    let declared_premium = q
        .declared_premium
        .as_deref()
        .map(|p| parse_yuan("declared_premium", p))
        .transpose()?;
    let declared_orders = q.declared_orders;
    let actor = user.actor();
    let r = state
        .run(move |app| app.reconcile(&actor, &platform, month, declared_orders, declared_premium))
        .await?;
    Ok(json(
        StatusCode::OK,
        &ReconciliationView {
            platform: r.platform,
            month: r.month,
            orders: r.orders,
            workers: r.workers,
            premium_fen: r.premium.fen(),
            billed_fen: r.billed.fen(),
            declared_orders: r.declared_orders,
            declared_premium_fen: r.declared_premium.map(|m| m.fen()),
            orders_difference: r.orders_difference,
            premium_difference_fen: r.premium_difference.map(|m| m.fen()),
            matches: r.matches,
        },
    ))
}
