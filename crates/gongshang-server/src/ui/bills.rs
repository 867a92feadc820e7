//! Bills: every unit's (agency), a unit's own, or a worker's own; with what
//! is paid and outstanding, and arrears marked.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongshang_app::accounts::Action;
use gongshang_app::model::{BillRow, ListQuery};
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::{bill_kind, provisional_tag, yuan};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/bills", get(bills))
}

#[derive(Deserialize, Default)]
pub struct BillParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    outstanding: Option<String>,
}

async fn bills(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<BillParams>,
) -> Response {
    let user = match session::require(&ctx, Action::ReadBills) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let outstanding = p.outstanding.as_deref() == Some("1");
    let q = ListQuery {
        after_id: p.after.unwrap_or(0),
        limit: gongshang_app::views::PAGE_ROWS,
        search: p.q.clone().filter(|s| !s.trim().is_empty()),
        outstanding_only: outstanding,
        ..ListQuery::default()
    };
    let actor = user.actor();
    match state.run(move |app| app.bill_rows(&actor, &q)).await {
        Ok(rows) => {
            let refs = rows.iter().map(|b| b.status.reference.clone()).collect();
            let tickets = super::tickets::tickets_about(
                &state,
                &ctx,
                gongshang_app::model::SubjectKind::Bill,
                refs,
            )
            .await;
            let title = ctx.t("征缴账单", "Bills");
            let full = rows.len() as u32 == gongshang_app::views::PAGE_ROWS;
            let next = rows.last().map(|r| {
                let mut href = format!("/bills?after={}", r.status.bill_id);
                if outstanding {
                    href.push_str("&outstanding=1");
                }
                if let Some(q) = p.q.as_deref() {
                    href.push_str(&format!("&q={}", super::registry::urlencode(q)));
                }
                href
            });
            respond(
                &ctx,
                title,
                html! {
                    h1 { (title) }
                    form.toolbar method="get" action="/bills" {
                        label for="bq" style="position:absolute;left:-999px" { (ctx.t("搜索", "Search")) }
                        input #bq type="search" name="q" value=[p.q.as_deref()] placeholder=(ctx.t("账单号或单位名称", "Reference or unit name"));
                        label { input type="checkbox" name="outstanding" value="1" checked[outstanding]; (ctx.t("只看未结清", "Outstanding only")) }
                        button type="submit" { (ctx.t("筛选", "Filter")) }
                    }
                    (bill_table(&ctx, &state, &rows, &tickets))
                    @if let (true, Some(href)) = (full, next) {
                        div.pager { span {} a.button href=(href) { (ctx.t("下一页 →", "Next page →")) } }
                    }
                },
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

/// The bills, each with the tickets about it (`tickets`, those the viewer
/// may read) and a link to ask about it.
///
/// A bill of a month under an approved deferral (缓缴) is shown as deferred
/// with its repayment day, and in arrears only after it.
pub fn bill_table(
    ctx: &Ctx,
    state: &AppState,
    rows: &[BillRow],
    tickets: &[gongshang_app::model::TicketRow],
) -> Markup {
    let today = state.app.today();
    html! {
        div.table-wrap {
            table {
                thead { tr {
                    th { (ctx.t("账单号", "Reference")) }
                    th { (ctx.t("缴费方", "Payer")) }
                    th { (ctx.t("方案", "Scheme")) }
                    th { (ctx.t("期间", "Period")) }
                    th.num { (ctx.t("应缴", "Amount")) }
                    th.num { (ctx.t("已缴", "Paid")) }
                    th.num { (ctx.t("未缴", "Outstanding")) }
                    th { (ctx.t("缴费期限", "Due")) }
                } }
                tbody {
                    @for b in rows {
                        @let s = &b.status;
                        @let deferred_to = s.deferred_to;
                        @let late = s.outstanding.fen() > 0 && s.effective_due_date() < today;
                        tr {
                            td { code { (s.reference) } br; span.tag.grey { (bill_kind(ctx.lang, b.kind)) }
                                br; (super::tickets::tickets_of_subject(ctx, tickets, "bill", &s.reference)) }
                            td {
                                @if let Some(n) = &b.unit_name { (n) }
                                @else if let Some(p) = &b.person { code { (p.masked()) } }
                                @else { (s.reference.split('-').nth(1).unwrap_or("—")) }
                            }
                            td { (state.app.scheme_name(&b.scheme_id, ctx.zh())) }
                            td { (s.period) }
                            td.num { (yuan(s.amount)) }
                            td.num { (yuan(s.paid)) }
                            td.num { (yuan(s.outstanding)) }
                            td {
                                (s.due_date) (provisional_tag(ctx.lang, s.due_provisional)) " "
                                @if let Some(repay_by) = deferred_to {
                                    span.tag.grey.deferred { (ctx.t("缓缴，补缴截止 ", "deferred, repay by ")) (repay_by) } " "
                                }
                                @if late { span.tag.bad { (ctx.t("欠费", "in arrears")) } }
                                @else if s.outstanding.fen() == 0 { span.tag { (ctx.t("已结清", "paid")) } }
                                @else { span.tag.warn { (ctx.t("待缴", "open")) } }
                            }
                        }
                    }
                    @if rows.is_empty() { tr { td colspan="8" .muted { (ctx.t("没有账单。", "No bills.")) } } }
                }
            }
        }
    }
}
