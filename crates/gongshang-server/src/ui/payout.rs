//! The platforms' payout ratios (支缴率; issue 12): a table by platform and
//! month and by calendar year, read from the ledger, with the CSV and xlsx
//! exports through the API. The prior year's ratio floats a platform's
//! per-order rate (人社部发〔2025〕24号 Art 9); a platform sees its own.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongshang_app::accounts::Action;
use gongshang_app::payout::{PayoutRatioRow, PayoutRatios};
use gongshang_domain::month::Month;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::yuan;
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/fund/payout-ratios", get(page))
}

#[derive(Debug, Default, Deserialize)]
pub struct PayoutQuery {
    from: Option<String>,
    to: Option<String>,
    platform: Option<String>,
}

fn blank_none(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<PayoutQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadPayoutRatios) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let platform = blank_none(q.platform);
    let p2 = platform.clone();
    let (from, to) = (blank_none(q.from), blank_none(q.to));
    let result = state
        .run(move |app| {
            let year = app.today().year();
            let from = match from {
                Some(f) => Month::parse(&f)?,
                None => Month::parse(&format!("{:04}-01", year - 1))?,
            };
            let to = match to {
                Some(t) => Month::parse(&t)?,
                None => Month::of(app.today()),
            };
            let p2 = p2
                .as_deref()
                .map(gongshang_domain::ids::PlatformId::parse)
                .transpose()?;
            app.payout_ratios(&actor, from, to, p2.as_ref())
        })
        .await;
    match result {
        Ok(r) => respond(
            &ctx,
            ctx.t("平台支缴率", "Platforms' payout ratios"),
            body(&ctx, &r, platform.as_deref()),
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

fn export_link(r: &PayoutRatios, platform: Option<&str>, format: &str) -> String {
    let mut q = vec![
        ("from", r.from.as_str()),
        ("to", r.to.as_str()),
        ("format", format),
    ];
    if let Some(p) = platform {
        q.push(("platform", p));
    }
    format!(
        "/api/v1/fund/payout-ratios?{}",
        serde_urlencoded::to_string(q).unwrap_or_default()
    )
}

fn body(ctx: &Ctx, r: &PayoutRatios, platform: Option<&str>) -> Markup {
    html! {
        h1 { (ctx.t("平台职业伤害保障支缴率", "Platforms' payout ratios")) " " (r.from) " – " (r.to) }
        form.filters method="get" action="/fund/payout-ratios" {
            label { (ctx.t("起始月", "From")) " " input name="from" value=(r.from) placeholder="2026-01"; }
            label { (ctx.t("截止月", "To")) " " input name="to" value=(r.to) placeholder="2026-12"; }
            label { (ctx.t("平台", "Platform")) " " input name="platform" value=(platform.unwrap_or("")) placeholder="eleme"; }
            button type="submit" { (ctx.t("查询", "Show")) }
        }
        div.toolbar {
            a.button href=(export_link(r, platform, "csv")) hx-boost="false" { (ctx.t("导出 CSV", "Export CSV")) }
            " "
            a.button href=(export_link(r, platform, "xlsx")) hx-boost="false" { (ctx.t("导出 Excel", "Export Excel")) }
        }
        h2 { (ctx.t("按年度", "By year")) }
        (table(ctx, &r.years))
        h2 { (ctx.t("按月", "By month")) }
        (table(ctx, &r.months))
        @if r.months.is_empty() {
            p.empty { (ctx.t("该期间没有平台缴费或待遇支出。", "No platform paid or was paid anything in this period.")) }
        }
        p.note { (ctx.t(
            "支缴率 = 基金对该平台订单上确认的职业伤害支付的待遇 ÷ 平台实缴保费（均取自账簿：保费按到账日，一次性待遇按支付日，定期待遇按所属月份）。上年度支缴率决定次年每单费率的浮动（人社部发〔2025〕24号第九条；平台缴费不满12个月不浮动）；浮动表以各省公布为准，现为示意值。平台以订单文件中的编号识别，改名（如饿了么→淘宝闪购）不影响历史。",
            "Payout ratio = benefits the fund paid on injuries confirmed on the platform's orders ÷ premiums the platform paid (both from the ledger: premiums by the day received, one-time benefits by the day paid, periodic ones by their month). The prior year's ratio floats the next year's per-order rate (MOHRSS 2025 No. 24 Art 9; no float before 12 months of contributions); the float tables are the provinces' and illustrative for now. A platform is its order files' id: a renamed platform (饿了么 → 淘宝闪购) keeps its history."
        )) }
    }
}

fn table(ctx: &Ctx, rows: &[PayoutRatioRow]) -> Markup {
    html! {
        div.table-wrap {
            table.payout-ratios {
                thead { tr {
                    th { (ctx.t("平台", "Platform")) }
                    th { (ctx.t("期间", "Period")) }
                    th.num { (ctx.t("应缴保费", "Billed")) }
                    th.num { (ctx.t("实缴保费", "Collected")) }
                    th.num { (ctx.t("待遇支出", "Benefits paid")) }
                    th.num { (ctx.t("支缴率", "Payout ratio")) }
                } }
                tbody {
                    @for x in rows {
                        tr {
                            td title=(x.platform) { (x.platform_name) }
                            td { (x.period) }
                            td.num { (yuan(x.billed)) }
                            td.num { (yuan(x.collected)) }
                            td.num { (yuan(x.benefits)) }
                            td.num { (x.ratio_text()) }
                        }
                    }
                }
            }
        }
    }
}
