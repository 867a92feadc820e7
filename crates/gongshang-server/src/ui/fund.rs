//! The fund's page (issue 14): the income-expenditure statement (收支表) of
//! a year or a month per pooling region and scheme, the year's months as an
//! inline SVG chart (income, expenditure, reserve), and the exports (CSV,
//! xlsx) through the API.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongshang_app::accounts::Action;
use gongshang_app::fund::{FundStatement, StatementLine, StatementPeriod};
use gongshang_rules::Money;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::chart::{BOTTOM, H, LEFT, Svg, W};
use super::format::yuan;
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/fund", get(page))
}

#[derive(Debug, Default, Deserialize)]
pub struct FundQuery {
    period: Option<String>,
    region: Option<String>,
    scheme: Option<String>,
}

fn blank_none(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<FundQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadFund) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let region = blank_none(q.region);
    let scheme = blank_none(q.scheme);
    let (r2, s2) = (region.clone(), scheme.clone());
    let period_text = blank_none(q.period);
    let result = state
        .run(move |app| {
            let period = match period_text {
                Some(p) => StatementPeriod::parse(&p)?,
                None => StatementPeriod::Year(app.today().year()),
            };
            let year = match period {
                StatementPeriod::Month(m) => m.year(),
                StatementPeriod::Year(y) => y,
            };
            let s2 = s2
                .as_deref()
                .map(gongshang_rules::SchemeId::parse)
                .transpose()?;
            let statement = app.fund_statement(&actor, period, r2.as_deref(), s2.as_ref())?;
            let months = app.fund_months(&actor, year, r2.as_deref(), s2.as_ref())?;
            Ok::<_, gongshang_app::AppError>((statement, months))
        })
        .await;
    match result {
        Ok((statement, months)) => {
            let title = ctx.t("基金收支", "Fund accounts");
            respond(
                &ctx,
                title,
                body(
                    &ctx,
                    &state,
                    &statement,
                    &months,
                    region.as_deref(),
                    scheme.as_deref(),
                ),
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn export_link(period: &str, region: Option<&str>, scheme: Option<&str>, format: &str) -> String {
    let mut q = vec![("period", period), ("format", format)];
    if let Some(r) = region {
        q.push(("region", r));
    }
    if let Some(s) = scheme {
        q.push(("scheme", s));
    }
    format!(
        "/api/v1/fund/statement?{}",
        serde_urlencoded::to_string(q).unwrap_or_default()
    )
}

fn body(
    ctx: &Ctx,
    state: &AppState,
    s: &FundStatement,
    months: &[StatementLine],
    region: Option<&str>,
    scheme: Option<&str>,
) -> Markup {
    html! {
        h1 { (ctx.t("工伤保险基金收支表", "Fund income and expenditure")) " " (s.period) }
        form.filters method="get" action="/fund" {
            label { (ctx.t("期间（年或月）", "Period (year or month)")) " "
                input name="period" value=(s.period) placeholder="2025 / 2025-03"; }
            label { (ctx.t("统筹地区", "Region")) " " input name="region" value=(region.unwrap_or("")); }
            label { (ctx.t("保障方案", "Scheme")) " " input name="scheme" value=(scheme.unwrap_or("")); }
            button type="submit" { (ctx.t("查询", "Show")) }
        }
        div.toolbar {
            a.button href=(export_link(&s.period, region, scheme, "csv")) hx-boost="false" { (ctx.t("导出 CSV", "Export CSV")) }
            " "
            a.button href=(export_link(&s.period, region, scheme, "xlsx")) hx-boost="false" { (ctx.t("导出 Excel", "Export Excel")) }
            @if ctx.viewer.may(Action::ReadPayoutRatios) {
                " "
                a.button href="/fund/payout-ratios" { (ctx.t("平台支缴率", "Platforms' payout ratios")) }
            }
            @if ctx.viewer.may(Action::RunSimulation) {
                " "
                a.button href="/fund/simulate" { (ctx.t("改革测算", "Simulate a reform")) }
            }
            @if ctx.viewer.may(Action::ReadScenarios) {
                " "
                a.button href="/fund/scenarios" { (ctx.t("测算方案与任务", "Scenarios and jobs")) }
            }
        }
        (chart(ctx, months))
        div.table-wrap {
            table.fund-statement {
                thead { tr {
                    th { (ctx.t("统筹地区", "Region")) }
                    th { (ctx.t("保障方案", "Scheme")) }
                    th.num { (ctx.t("期初余额", "Opening")) }
                    th.num { (ctx.t("应征保费", "Billed")) }
                    th.num { (ctx.t("实征：单位", "Collected: units")) }
                    th.num { (ctx.t("个人", "workers")) }
                    th.num { (ctx.t("平台", "platforms")) }
                    th.num { (ctx.t("财政", "city")) }
                    th.num { (ctx.t("收入合计", "Income")) }
                    th.num { (ctx.t("待遇支出", "Benefits paid")) }
                    th.num { (ctx.t("劳动能力鉴定费", "Appraisal fees")) }
                    th.num { (ctx.t("支出合计", "Expenditure")) }
                    th.num { (ctx.t("当期结余", "Surplus")) }
                    th.num { (ctx.t("期末余额", "Closing")) }
                    th.num { (ctx.t("提取储备金", "To reserve")) }
                    th.num { (ctx.t("储备金", "Reserve")) }
                    th.num { (ctx.t("可支付月数", "Months")) }
                } }
                tbody {
                    @for l in &s.lines { (row(ctx, state, l, false)) }
                    (row(ctx, state, &s.total, true))
                }
            }
        }
        @if s.lines.is_empty() {
            p.empty { (ctx.t("该期间没有收支。", "Nothing was collected or paid in this period.")) }
        }
        (ibnr(ctx, s))
        p.note { (ctx.t(
            "收入为实际征缴（按到账日）；支出为基金支付的待遇（一次性待遇按支付日，定期待遇按所属月份）和劳动能力鉴定费（《工伤保险条例》第十二条，按支付日）；储备金按《江苏省实施〈工伤保险条例〉办法》第十一条按月提取（比例为待核实的假设值）。",
            "Income is premiums collected (by the day received); expenditure is benefits paid by the fund (one-time items by the day paid, periodic ones by their month) and work-capacity appraisal fees (Regulations Art 12, by the day paid); the reserve follows Art 11 of the Jiangsu measures monthly (the rate is an assumed value awaiting verification)."
        )) }
    }
}

/// The IBNR per scheme: an estimate beside the accounts, labelled as one,
/// in a table of its own (never a row of the statement above).
fn ibnr(ctx: &Ctx, s: &FundStatement) -> Markup {
    html! {
        section.fund-ibnr {
            h2 { (ctx.t("已发生未报告赔案（IBNR）估计", "Claims incurred but not reported (IBNR): estimate")) }
            p.note { strong { (ctx.t("估计值，非账务记录，不计入上表收支。", "An estimate, not a ledger posting; in no total above.")) } " " (s.ibnr_note) }
            @if !s.ibnr.is_empty() {
                div.table-wrap { table.fund-ibnr {
                    thead { tr {
                        th { (ctx.t("保障方案", "Scheme")) }
                        th { (ctx.t("评估日", "Valued at")) }
                        th.num { (ctx.t("已报告件数", "Reported")) }
                        th.num { (ctx.t("估计未报告件数", "Not reported (est.)")) }
                        th.num { (ctx.t("窗口内基金支付待遇", "Benefits paid in the window")) }
                        th.num { (ctx.t("件均费用", "Average cost per claim")) }
                        th.num { (ctx.t("IBNR 估计金额", "IBNR estimate")) }
                    } }
                    tbody {
                        @for l in &s.ibnr {
                            tr {
                                td { (l.scheme_id.as_str()) }
                                td { (l.valued_at) }
                                td.num { (l.reported) }
                                td.num { (l.claims) }
                                td.num { (l.paid_in_window) " (" (l.window_first) "–" (l.window_last) ")" }
                                td.num { (l.average_cost.map_or("-".to_owned(), |m| m.to_string())) }
                                td.num { (l.estimate.map_or("-".to_owned(), |m| m.to_string())) }
                            }
                        }
                        tr.total {
                            td colspan="6" { (ctx.t("合计（估计）", "Total (estimate)")) }
                            td.num { (s.ibnr_total) }
                        }
                    }
                } }
            }
        }
    }
}

fn row(ctx: &Ctx, state: &AppState, l: &StatementLine, total: bool) -> Markup {
    let region = if total {
        ctx.t("合计", "Total").to_owned()
    } else {
        super::registry::region_name(ctx, state, &l.region)
    };
    html! {
        tr.total[total] {
            td { (region) }
            td { (l.scheme_id.as_ref().map(|s| s.as_str()).unwrap_or_default()) }
            td.num { (yuan(l.opening_balance)) }
            td.num { (yuan(l.billed.total)) }
            td.num { (yuan(l.collected.unit)) }
            td.num { (yuan(l.collected.worker)) }
            td.num { (yuan(l.collected.platform)) }
            td.num { (yuan(l.collected.city)) }
            td.num { (yuan(l.collected.total)) }
            td.num title=(l.benefits.iter().map(|b| format!("{} {}", b.item, yuan(b.amount))).collect::<Vec<_>>().join("\n")) { (yuan(l.benefits_total)) }
            td.num { (yuan(l.appraisal_fees)) }
            td.num { (yuan(l.expenditure_total)) }
            td.num { (yuan(l.surplus)) }
            td.num { (yuan(l.closing_balance)) }
            td.num { (yuan(l.reserve_transfer)) }
            td.num { (yuan(l.reserve_balance)) }
            td.num { (l.months_of_reserve.as_deref().unwrap_or("—")) }
        }
    }
}

/// Bars of income and expenditure per month and the reserve as a line, in
/// an SVG drawn here (integer geometry: no script, no floating point).
fn chart(ctx: &Ctx, months: &[StatementLine]) -> Markup {
    let max = months
        .iter()
        .flat_map(|m| [m.collected.total, m.benefits_total, m.reserve_balance])
        .map(Money::fen)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_h = H - BOTTOM - 10;
    let scale = |fen: i64| -> i64 {
        i64::try_from(i128::from(fen.max(0)) * i128::from(plot_h) / i128::from(max)).unwrap_or(0)
    };
    let n = i64::try_from(months.len()).unwrap_or(12).max(1);
    let slot = (W - LEFT) / n;
    let mut svg = Svg::new(ctx.t(
        "每月收入、支出与储备金",
        "Income, expenditure and reserve by month",
    ));
    svg.axis(H - BOTTOM);
    let mut reserve_points = Vec::new();
    for (i, m) in months.iter().enumerate() {
        let x0 = LEFT + i64::try_from(i).unwrap_or(0) * slot;
        let bar = (slot - 8) / 2;
        for (k, (fen, color, label)) in [
            (m.collected.total.fen(), "#3a7d44", ctx.t("收入", "income")),
            (
                m.benefits_total.fen(),
                "#b5443a",
                ctx.t("支出", "expenditure"),
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let h = scale(fen);
            let x = x0 + 4 + i64::try_from(k).unwrap_or(0) * bar;
            svg.push(&format!(
                "<rect x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{h}\" fill=\"{color}\"><title>{} {label} {}</title></rect>",
                H - BOTTOM - h,
                m.period,
                yuan(Money::from_fen(fen))
            ));
        }
        reserve_points.push(format!(
            "{},{}",
            x0 + slot / 2,
            H - BOTTOM - scale(m.reserve_balance.fen())
        ));
        svg.x_label(x0 + slot / 2, m.period.get(5..).unwrap_or(&m.period));
    }
    svg.line(&reserve_points.join(" "), "#2b5fa8", None);
    html! {
        figure.chart {
            (svg.finish(ctx, Money::from_fen(max)))
            figcaption {
                span style="color:#3a7d44" { "■ " (ctx.t("收入（实征保费）", "income (premiums collected)")) } " "
                span style="color:#b5443a" { "■ " (ctx.t("支出（待遇）", "expenditure (benefits)")) } " "
                span style="color:#2b5fa8" { "— " (ctx.t("储备金余额", "reserve")) }
            }
        }
    }
}
