//! The dashboard: people enrolled by scheme, premiums billed and paid by
//! month, the fund's balance over time, arrears, units by kind; charts drawn
//! by ECharts from JSON in the page (assets/app.js).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use gongshang_app::accounts::{Action, Role};
use gongshang_app::model::DashboardCounts;
use maud::{Markup, html};
use serde_json::json;

use super::format::{unit_kind_text, whole_yuan, yuan};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    if ctx.viewer.role() == Some(Role::Worker) {
        return Redirect::to("/me").into_response();
    }
    let actor = match session::require(&ctx, Action::ReadStatistics) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let zh = ctx.zh();
    let result = state
        .run(move |app| {
            let counts = app.dashboard(&actor)?;
            let names: Vec<String> = counts
                .enrolled_by_scheme
                .iter()
                .map(|(id, _)| app.scheme_name(id, zh))
                .collect();
            Ok::<_, gongshang_app::AppError>((counts, names, app.today()))
        })
        .await;
    match result {
        Ok((counts, names, today)) => {
            let title = ctx.t("概览", "Dashboard");
            respond(&ctx, title, body(&ctx, &counts, &names, today))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn stat(label: &str, value: String, bad: bool) -> Markup {
    html! {
        div.stat.bad[bad] {
            div.label { (label) }
            div.value { (value) }
        }
    }
}

fn body(ctx: &Ctx, c: &DashboardCounts, names: &[String], today: jiff::civil::Date) -> Markup {
    let enrolled: u64 = c.enrolled_by_scheme.iter().map(|(_, n)| n).sum();
    let platform_name = ctx.t(
        "新就业形态职业伤害保障（近30日接单）",
        "Platform occupational injury (orders, last 30 days)",
    );
    let mut pie: Vec<serde_json::Value> = c
        .enrolled_by_scheme
        .iter()
        .zip(names)
        .map(|((_, n), name)| json!({"name": name, "value": n}))
        .collect();
    if c.order_workers_30_days > 0 {
        pie.push(json!({"name": platform_name, "value": c.order_workers_30_days}));
    }
    let months: Vec<&str> = c
        .premiums_by_month
        .iter()
        .map(|m| m.month.as_str())
        .collect();
    let premiums = json!({
        "x": months,
        "unit": ctx.t("元", "yuan"),
        "series": [
            {"name": ctx.t("应缴（开票）", "billed"), "data": c.premiums_by_month.iter().map(|m| whole_yuan(m.billed)).collect::<Vec<_>>()},
            {"name": ctx.t("实缴（到账）", "paid"), "data": c.premiums_by_month.iter().map(|m| whole_yuan(m.paid)).collect::<Vec<_>>()},
        ]
    });
    let balance = json!({
        "x": c.balance_by_month.iter().map(|b| b.month.as_str()).collect::<Vec<_>>(),
        "unit": ctx.t("元", "yuan"),
        "series": [
            {"name": ctx.t("基金银行存款", "fund bank balance"), "type": "line", "area": true, "data": c.balance_by_month.iter().map(|b| whole_yuan(b.bank)).collect::<Vec<_>>()},
            {"name": ctx.t("应付待遇", "benefits payable"), "type": "line", "data": c.balance_by_month.iter().map(|b| whole_yuan(b.benefits_payable)).collect::<Vec<_>>()},
        ]
    });
    let cases = json!({
        "x": c.cases_by_state.iter().map(|(s, _, _)| super::cases::state_label(ctx, *s)).collect::<Vec<_>>(),
        "series": [
            {"name": ctx.t("案件数", "cases"), "data": c.cases_by_state.iter().map(|(_, n, _)| n).collect::<Vec<_>>()},
            {"name": ctx.t("逾期", "overdue"), "data": c.cases_by_state.iter().map(|(_, _, o)| o).collect::<Vec<_>>()},
        ]
    });
    let kinds = json!({
        "data": c.units_by_kind.iter().map(|(k, n)| json!({"name": unit_kind_text(ctx.lang, k), "value": n})).collect::<Vec<_>>()
    });
    html! {
        h1 { (ctx.t("概览", "Dashboard")) " " span.muted { (today) } }
        div.grid {
            (stat(ctx.t("参保单位", "Units"), c.units.to_string(), false))
            (stat(ctx.t("登记人员", "People registered"), c.people.to_string(), false))
            (stat(ctx.t("在保参保记录", "Running enrolments"), enrolled.to_string(), false))
            (stat(ctx.t("近30日接单劳动者", "Platform workers, 30 days"), c.order_workers_30_days.to_string(), false))
            (stat(ctx.t("欠费账单", "Bills in arrears"), c.arrears_bills.to_string(), c.arrears_bills > 0))
            (stat(ctx.t("欠费金额（元）", "Arrears (yuan)"), yuan(c.arrears), c.arrears.fen() > 0))
        }
        div.grid.two {
            section.card {
                h2 { (ctx.t("按保障方案的参保人数", "People enrolled by scheme")) }
                div.chart data-chart="pie" data-series=(json!({"data": pie}).to_string()) role="img"
                    aria-label=(ctx.t("按保障方案的参保人数饼图", "Pie chart of people enrolled by scheme")) {}
                (scheme_table(ctx, c, names, platform_name))
            }
            section.card {
                h2 { (ctx.t("保费：应缴与实缴（按月）", "Premiums billed and paid, by month")) }
                div.chart data-chart="bar" data-series=(premiums.to_string()) role="img"
                    aria-label=(ctx.t("按月应缴与实缴保费柱状图", "Bar chart of premiums billed and paid by month")) {}
            }
            section.card {
                h2 { (ctx.t("基金余额变化", "The fund's balance over time")) }
                div.chart data-chart="line" data-series=(balance.to_string()) role="img"
                    aria-label=(ctx.t("基金银行存款按月折线图", "Line chart of the fund's bank balance by month")) {}
            }
            section.card {
                h2 { (ctx.t("单位类型", "Units by kind")) }
                div.chart data-chart="pie" data-series=(kinds.to_string()) role="img"
                    aria-label=(ctx.t("单位类型饼图", "Pie chart of units by kind")) {}
            }
        }
        section.card {
            h2 { (ctx.t("工伤案件（按状态，含逾期）", "Injury cases by state, with the overdue")) }
            div.grid.two {
                div.chart data-chart="bar" data-series=(cases.to_string()) role="img"
                    aria-label=(ctx.t("按状态的案件数柱状图", "Bar chart of cases by state")) {}
                div.table-wrap { table {
                    thead { tr { th { (ctx.t("状态", "State")) } th.num { (ctx.t("案件", "Cases")) } th.num { (ctx.t("逾期", "Overdue")) } } }
                    tbody {
                        @for (state, n, overdue) in &c.cases_by_state {
                            tr {
                                td { a href=(format!("/cases?q={state}")) { (super::cases::state_label(ctx, *state)) } }
                                td.num { (n) }
                                td.num { @if *overdue > 0 { a.tag.bad href="/cases?overdue=1" { (overdue) } } @else { "0" } }
                            }
                        }
                        @if c.cases_by_state.is_empty() { tr { td colspan="3" .muted { (ctx.t("暂无案件。", "No cases yet.")) } } }
                    }
                } }
            }
        }
    }
}

fn scheme_table(ctx: &Ctx, c: &DashboardCounts, names: &[String], platform_name: &str) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr { th { (ctx.t("保障方案", "Scheme")) } th.num { (ctx.t("人数", "People")) } } }
                tbody {
                    @for ((id, n), name) in c.enrolled_by_scheme.iter().zip(names) {
                        tr { td { (name) br; span.muted { code { (id) } } } td.num { (n) } }
                    }
                    @if c.order_workers_30_days > 0 {
                        tr { td { (platform_name) } td.num { (c.order_workers_30_days) } }
                    }
                }
            }
        }
    }
}
