//! Platform orders: import a batch (JSON or CSV), bill a platform's month,
//! reconcile a month against what the platform declared.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::OrderInput;
use gongshang_app::imports::{ImportKind, ImportOptions, RowProblem, order_input};
use gongshang_app::monitor::AfterImportRun;
use gongshang_domain::ids::PlatformId;
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
        .routes(routes!(running_import))
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
    /// Orders stored before (same platform and order id, same content): unchanged.
    pub rows_duplicate: u64,
    /// Orders stored before under the same key with other content: not
    /// imported (the stored order is kept), and listed in `rejected`.
    pub rows_conflict: u64,
    /// Every row not imported, conflicts included.
    pub rows_rejected: u64,
    pub rejected: Vec<RejectedRow>,
    /// The incremental monitoring run after the import (issue 16); absent
    /// when none ran (nothing stored, or no run has been made yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<AfterImportView>,
}

/// The incremental monitoring run after an import (issue 16). A failed run
/// does not undo the import: its rows are covered by the next run, and the
/// failure is kept (the `/monitor` page offers to run again).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AfterImportView {
    /// `ran` or `failed`.
    pub outcome: String,
    /// The run made (`ran`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<i64>,
    /// Flags the run found that were not known before (`ran`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags_new: Option<i64>,
    /// Alerts the run opened (`ran`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts_opened: Option<i64>,
    /// Why the run failed (`failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<&AfterImportRun> for AfterImportView {
    fn from(m: &AfterImportRun) -> Self {
        match m {
            AfterImportRun::Ran {
                run_id,
                flags_new,
                alerts_opened,
            } => AfterImportView {
                outcome: "ran".into(),
                run_id: Some(*run_id),
                flags_new: Some(*flags_new),
                alerts_opened: Some(*alerts_opened),
                reason: None,
            },
            AfterImportRun::Failed { reason } => AfterImportView {
                outcome: "failed".into(),
                run_id: None,
                flags_new: None,
                alerts_opened: None,
                reason: Some(reason.clone()),
            },
        }
    }
}

/// The rows of an orders body, CSV or JSON.
fn parse_orders(
    csv: bool,
    headers: &HeaderMap,
    body: &Bytes,
) -> ApiResult<Vec<(u64, Result<OrderInput, RowProblem>)>> {
    if csv {
        return csv_rows(body);
    }
    parse_body::<OrderImportRequest>(headers, body).map(|r| {
        r.orders
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let n = i as u64 + 1;
                let fields = [
                    o.platform.as_str(),
                    o.order_id.as_str(),
                    o.resident_id.as_str(),
                    o.ordered_at.as_str(),
                    o.industry.as_str(),
                    o.province.as_str(),
                ];
                (
                    n,
                    order_input(fields).map_err(|e| RowProblem::of(n, "", "row", &e)),
                )
            })
            .collect()
    })
}

/// The rows of a CSV body, read by `gongshang-csv` (the reader of every
/// import, `gongshang import orders` included): a header naming the six
/// columns in any order, RFC 4180 quoting, a record a line. A body that is
/// not UTF-8 or whose header is wrong is refused whole; a malformed row is
/// reported and skipped like any bad row. Rows are numbered from 1 after
/// the header.
pub(crate) fn csv_rows(body: &[u8]) -> ApiResult<Vec<(u64, Result<OrderInput, RowProblem>)>> {
    let table = gongshang_csv::read_table(body, ImportKind::Orders.columns()).map_err(|e| {
        let err = ApiError::new("malformed_request", format!("the CSV: {e}"));
        match &e.column_name {
            Some(name) => err.with_field(name.clone()),
            None => err,
        }
    })?;
    let h = &table.header;
    Ok(table
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let n = i as u64 + 1;
            let input = match row {
                Ok(r) => order_input(ORDER_COLUMNS.map(|c| r.get(h, c)))
                    .map_err(|e| RowProblem::of(n, &r.text, "row", &e)),
                Err(e) => Err(RowProblem {
                    line: n,
                    ..RowProblem::of_csv(e, "")
                }),
            };
            (n, input)
        })
        .collect())
}

/// The columns of an order file, in the order `order_input` takes them.
const ORDER_COLUMNS: [&str; 6] = [
    "platform",
    "order_id",
    "resident_id",
    "ordered_at",
    "industry",
    "province",
];

/// Import a batch of orders: `application/json` (`{"orders": [...]}`) or
/// `text/csv` with a header row. Each order is priced at its date; orders
/// stored before are counted as duplicates and change nothing (so a batch
/// may be sent again); an order stored before under the same key with
/// another worker, time, industry or province is a conflict (reported, the
/// stored one kept). Bad rows are reported and skipped. A platform's unit
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
    // A body of 100,000 orders takes tens of milliseconds to read: in the
    // idle CPU class like the import itself, never on an async worker.
    let (h, b) = (headers.clone(), body.clone());
    let rows = state
        .run_background(move |_| parse_orders(csv, &h, &b))
        .await;
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(&state, &user, &headers, &body, false, move |_| async move {
        let report = st
            .run_background(move |app| {
                app.import_orders(
                    &actor,
                    rows,
                    &ImportOptions {
                        source: "api".into(),
                        skip_invalid: true,
                    },
                )
            })
            .await?;
        let view = ImportView {
            import_id: report.import_id.unwrap_or(0),
            rows_read: report.rows_read,
            rows_added: report.added,
            rows_duplicate: report.already_there,
            rows_conflict: report.conflicts,
            rows_rejected: report.rejected(),
            rejected: report
                .problems
                .into_iter()
                .map(|p| RejectedRow {
                    row: p.line,
                    field: p.field,
                    detail: p.reason,
                })
                .collect(),
            monitoring: report.monitoring.as_ref().map(AfterImportView::from),
        };
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

/// The caller's order import under way (issue 13).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RunningImportView {
    /// Whether an import the caller began is under way.
    pub running: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Rows of the batches committed so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_done: Option<u64>,
    /// The rows the import stores in all (the rows that were not refused),
    /// set before its first batch by a request, a page's upload or the
    /// CLI; absent when not known. Progress is `rows_done / rows_expected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_expected: Option<u64>,
    /// When the last batch committed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_at: Option<String>,
}

/// The progress of the caller's order import while its request runs (a
/// large `POST /orders/imports` stores its rows in batches of about a
/// fiftieth of them, 500 to 10,000 rows, each committed): the rows done so
/// far of the rows expected. Asked from another connection.
#[utoipa::path(get, path = "/orders/imports/running", tag = "orders",
    responses((status = 200, body = RunningImportView), (status = "4XX", body = Problem)))]
pub async fn running_import(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let p = state
        .run_read(move |app| app.my_running_order_import(&actor))
        .await?;
    Ok(json(
        StatusCode::OK,
        &match p {
            Some(p) => RunningImportView {
                running: true,
                import_id: Some(p.import_id),
                source: Some(p.source),
                rows_done: Some(p.rows_done),
                rows_expected: p.rows_expected,
                heartbeat_at: Some(p.heartbeat_at.to_string()),
            },
            None => RunningImportView {
                running: false,
                import_id: None,
                source: None,
                rows_done: None,
                rows_expected: None,
                heartbeat_at: None,
            },
        },
    ))
}
