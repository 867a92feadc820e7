//! Read-only statistics without personal data: the overview of the
//! dashboard (people enrolled by scheme, premiums billed and paid by month,
//! cases by state with the overdue, the fund's balance over time) and the
//! platforms' order months. Money in fen.
//!
//! Who: agency staff (clerks, reviewers, administrators) and analysts. Unit
//! users and workers are refused (403): these figures are of the whole fund
//! and of every platform, and a platform reads its own month at
//! `GET /orders/reconciliation`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_month;
use super::{ApiQuery, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(orders))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SchemeCount {
    pub scheme_id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Enrolments running on the day.
    pub enrolled: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MonthPremiums {
    /// YYYY-MM.
    pub month: String,
    /// Billed for the month (by the bill's period).
    pub billed_fen: i64,
    /// Paid in the month (by the payment's day).
    pub paid_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseStateCount {
    pub state: String,
    pub cases: u64,
    /// Of which past their running deadline.
    pub overdue: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FundBalance {
    /// YYYY-MM: the balance at the end of the month, from the ledger.
    pub month: String,
    pub bank_fen: i64,
    /// Benefits awarded and not yet paid out.
    pub benefits_payable_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewView {
    /// The day the counts are as of (today in China), YYYY-MM-DD.
    pub as_of: String,
    pub units: u64,
    pub people: u64,
    pub enrolled_by_scheme: Vec<SchemeCount>,
    /// People who took a platform order in the 30 days up to `as_of`.
    pub platform_workers_30_days: u64,
    pub premiums_by_month: Vec<MonthPremiums>,
    pub cases_by_state: Vec<CaseStateCount>,
    /// Cases past their running deadline, every state together.
    pub overdue_cases: u64,
    /// Bills due before `as_of` with something outstanding.
    pub arrears_bills: u64,
    pub arrears_fen: i64,
    pub fund_balance: Vec<FundBalance>,
}

/// The dashboard's figures as JSON (agency staff and analysts).
#[utoipa::path(get, path = "/stats/overview", tag = "stats",
    responses((status = 200, body = OverviewView), (status = "4XX", body = Problem)))]
pub async fn overview(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state
        .run(move |app| -> ApiResult<OverviewView> {
            let c = app.dashboard(&actor)?;
            Ok(OverviewView {
                as_of: app.today().to_string(),
                units: c.units,
                people: c.people,
                enrolled_by_scheme: c
                    .enrolled_by_scheme
                    .iter()
                    .map(|(id, n)| SchemeCount {
                        scheme_id: id.clone(),
                        name_zh: app.scheme_name(id, true),
                        name_en: app.scheme_name(id, false),
                        enrolled: *n,
                    })
                    .collect(),
                platform_workers_30_days: c.order_workers_30_days,
                premiums_by_month: c
                    .premiums_by_month
                    .iter()
                    .map(|m| MonthPremiums {
                        month: m.month.clone(),
                        billed_fen: m.billed.fen(),
                        paid_fen: m.paid.fen(),
                    })
                    .collect(),
                overdue_cases: c.cases_by_state.iter().map(|(_, _, o)| o).sum(),
                cases_by_state: c
                    .cases_by_state
                    .iter()
                    .map(|(state, cases, overdue)| CaseStateCount {
                        state: state.as_str().to_owned(),
                        cases: *cases,
                        overdue: *overdue,
                    })
                    .collect(),
                arrears_bills: c.arrears_bills,
                arrears_fen: c.arrears.fen(),
                fund_balance: c
                    .balance_by_month
                    .iter()
                    .map(|b| FundBalance {
                        month: b.month.clone(),
                        bank_fen: b.bank.fen(),
                        benefits_payable_fen: b.benefits_payable.fen(),
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(json(StatusCode::OK, &view))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrdersStatsQuery {
    /// YYYY-MM.
    pub month: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PlatformMonth {
    pub platform: String,
    pub orders: u64,
    /// Distinct people with an order in the month.
    pub workers: u64,
    /// The premium of the month's stored orders.
    pub premium_fen: i64,
    /// Billed so far for the month.
    pub billed_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OrdersStatsView {
    pub month: String,
    /// By platform id; platforms without orders in the month are absent.
    pub platforms: Vec<PlatformMonth>,
    pub total_orders: u64,
    pub total_premium_fen: i64,
    pub total_billed_fen: i64,
}

/// Every platform's month: orders, workers, premium and what was billed
/// (agency staff and analysts).
#[utoipa::path(get, path = "/stats/orders", tag = "stats", params(OrdersStatsQuery),
    responses((status = 200, body = OrdersStatsView), (status = "4XX", body = Problem)))]
pub async fn orders(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<OrdersStatsQuery>,
) -> ApiResult<Response> {
    let month = parse_month("month", &q.month)?;
    let actor = user.actor();
    let rows = state
        .run(move |app| app.platform_months(&actor, month))
        .await?;
    let platforms: Vec<PlatformMonth> = rows
        .iter()
        .map(|r| PlatformMonth {
            platform: r.platform.clone(),
            orders: r.orders,
            workers: r.workers,
            premium_fen: r.premium.fen(),
            billed_fen: r.billed.fen(),
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &OrdersStatsView {
            month: month.to_string(),
            total_orders: platforms.iter().map(|p| p.orders).sum(),
            total_premium_fen: platforms.iter().map(|p| p.premium_fen).sum(),
            total_billed_fen: platforms.iter().map(|p| p.billed_fen).sum(),
            platforms,
        },
    ))
}
