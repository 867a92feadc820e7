//! The platform's (平台) pages (issue 13): its month (orders and the workers
//! they covered, day by day), the reconciliation against what it declares,
//! the order bills charged to its unit, and uploading an order file with the
//! report of the rows refused, in the page's language.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::accounts::Actor;
use gongshang_app::imports::{ImportOptions, ImportReport};
use gongshang_app::model::BillKind;
use gongshang_app::{AppError, PLATFORM_ALIASES, PlatformDay, Reconciliation, UnitOverview};
use gongshang_domain::ids::{CreditCode, PlatformId};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::yuan;
use super::plain::{self, form_error};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/platform", get(home).post(reconcile))
        .route("/platform/orders", post(upload))
        .route("/platform/orders/progress", get(progress))
}

/// The platform's order import under way (issue 13): the rows stored so far
/// of the rows expected, as a progress bar, asked every second by the upload
/// form while its request runs (htmx, shipped with the pages); a note when
/// none runs yet.
async fn progress(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (actor, ..) = match platform_user(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let running = state
        .run_read(move |app| app.my_running_order_import(&actor))
        .await;
    let markup = match running {
        // Rows done of rows expected, as a bar and in words (a total is
        // known for every upload from this page; without one, the rows).
        Ok(Some(p)) => match p.rows_expected.filter(|total| *total > 0) {
            Some(total) => {
                let done = p.rows_done.min(total);
                html! {
                    progress #import-bar max=(total) value=(done) aria-label=(ctx.t("导入进度", "Import progress")) style="width:100%" { (done) "/" (total) }
                    br;
                    span #import-rows { (ctx.t("正在导入：已处理 ", "Importing: ")) strong { (done) } " / " (total) (ctx.t(" 行（", " rows done (")) (done * 100 / total) "%" (ctx.t("）", ")")) }
                }
            }
            None => html! {
                span #import-rows { (ctx.t("正在导入：已处理 ", "Importing: ")) strong { (p.rows_done) } (ctx.t(" 行", " rows done")) }
            },
        },
        Ok(None) => html! { span.muted { (ctx.t("正在处理……", "Working…")) } },
        Err(e) => html! { span.muted { (plain::say(&ctx, &e)) } },
    };
    axum::response::Html(markup.into_string()).into_response()
}

#[derive(Default)]
struct Shown {
    month: Option<Month>,
    declared_orders: String,
    declared_premium: String,
    error: Option<AppError>,
    upload_error: Option<String>,
    report: Option<ImportReport>,
}

struct Loaded {
    overview: UnitOverview,
    month: Month,
    days: Vec<PlatformDay>,
    reconciliation: Reconciliation,
}

// The refusal is the response the handler returns at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn platform_user(ctx: &Ctx) -> Result<(Actor, CreditCode, PlatformId), Response> {
    let actor = session::signed_in(ctx)?;
    match (actor.unit().copied(), actor.platform().cloned()) {
        (Some(u), Some(p)) => Ok((actor, u, p)),
        (Some(_), None) => Err(Redirect::to("/employer").into_response()),
        _ => Err(Redirect::to("/").into_response()),
    }
}

/// The platform's Chinese name on a Chinese page, its id otherwise.
fn platform_name<'a>(ctx: &Ctx, p: &'a PlatformId) -> &'a str {
    PLATFORM_ALIASES
        .iter()
        .find(|(a, _)| *a == p.as_str() && ctx.zh())
        .map_or(p.as_str(), |(_, n)| n)
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    (actor, unit, platform): (Actor, CreditCode, PlatformId),
    shown: Shown,
) -> Response {
    let asked = shown.month;
    let declared = (
        shown.declared_orders.trim().parse::<u64>().ok(),
        Money::parse_yuan(shown.declared_premium.trim()).ok(),
    );
    let p = platform.clone();
    let loaded = state
        .run(move |app| -> Result<Loaded, AppError> {
            let month = asked.unwrap_or_else(|| Month::of(app.today()));
            let overview = app.unit_overview(&actor, &unit)?;
            let days = app.platform_days(&actor, &p, month)?;
            let reconciliation = app.reconcile(&actor, &p, month, declared.0, declared.1)?;
            Ok(Loaded {
                overview,
                month,
                days,
                reconciliation,
            })
        })
        .await;
    match loaded {
        Ok(l) => respond(
            ctx,
            platform_name(ctx, &platform),
            body(ctx, state, &platform, &l, &shown),
        ),
        Err(e) => error_page(ctx, &e),
    }
}

#[derive(Deserialize, Default)]
pub struct MonthParams {
    #[serde(default)]
    month: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<MonthParams>,
) -> Response {
    let who = match platform_user(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let month = p.month.as_deref().and_then(|m| Month::parse(m).ok());
    render(
        &state,
        &ctx,
        who,
        Shown {
            month,
            ..Shown::default()
        },
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct ReconcileForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    declared_orders: String,
    #[serde(default)]
    declared_premium: String,
}

/// The month against the figures the platform declared.
async fn reconcile(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ReconcileForm>,
) -> Response {
    let who = match platform_user(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let error = if !f.declared_orders.trim().is_empty()
        && f.declared_orders.trim().parse::<u64>().is_err()
    {
        Some(AppError::invalid(
            "declared_orders",
            "a whole number of orders",
        ))
    } else if !f.declared_premium.trim().is_empty()
        && Money::parse_yuan(f.declared_premium.trim()).is_err()
    {
        Some(AppError::invalid("amount", "an amount in yuan"))
    } else {
        None
    };
    render(
        &state,
        &ctx,
        who,
        Shown {
            month: Month::parse(&f.month).ok(),
            declared_orders: f.declared_orders,
            declared_premium: f.declared_premium,
            error,
            ..Shown::default()
        },
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct UploadForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    csv: String,
}

/// An order file (its text, read by the page from the file chosen or
/// pasted): the good rows imported, the bad ones reported.
async fn upload(State(state): State<AppState>, ctx: Ctx, Form(f): Form<UploadForm>) -> Response {
    let who = match platform_user(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let month = Month::parse(&f.month).ok();
    let rows = match crate::api::orders::csv_rows(f.csv.as_bytes()) {
        Ok(rows) => rows,
        Err(e) => {
            return render(
                &state,
                &ctx,
                who,
                Shown {
                    month,
                    upload_error: Some(e.detail),
                    ..Shown::default()
                },
            )
            .await;
        }
    };
    let actor = who.0.clone();
    let result = state
        .run_background(move |app| {
            app.import_orders(
                &actor,
                rows,
                &ImportOptions {
                    source: "web".into(),
                    skip_invalid: true,
                },
            )
        })
        .await;
    let shown = match result {
        Ok(report) => Shown {
            month,
            report: Some(report),
            ..Shown::default()
        },
        Err(e) => Shown {
            month,
            upload_error: Some(if e.field() == Some("platform") {
                ctx.t(
                    "文件中有其他平台的订单；只能上传本平台的订单，整个文件未导入。",
                    "The file has orders of another platform: only this platform's orders may be uploaded, and nothing was imported.",
                )
                .to_owned()
            } else {
                plain::say(&ctx, &e)
            }),
            ..Shown::default()
        },
    };
    render(&state, &ctx, who, shown).await
}

/// A refused row in plain words, by its field and code.
fn row_words(ctx: &Ctx, field: &str, code: &str) -> &'static str {
    match (code, field) {
        ("conflict", _) => ctx.t("同一订单号已导入，但内容不同；保留原记录", "The same order was imported before with other content; the first is kept"),
        ("malformed_csv", _) => ctx.t("该行格式不正确（引号或字段数）", "The line is malformed (a quote or the number of fields)"),
        (_, "resident_id") => ctx.t("身份号码不正确", "The identity number is not right"),
        (_, "platform") => ctx.t("不是本平台的订单", "Not an order of this platform"),
        (_, "ordered_at") => ctx.t("下单时间不正确（如 2026-06-01T08:30:00+08:00），或早于平台加入试点", "The order time is not right (such as 2026-06-01T08:30:00+08:00), or before the platform joined"),
        (_, "industry") => ctx.t("行业不正确", "The industry is not right"),
        (_, "province") => ctx.t("省份代码应为两位数字", "The province is two digits"),
        (_, "order_id") => ctx.t("订单号不正确", "The order number is not right"),
        _ => ctx.t("该行不正确", "The line is not right"),
    }
}

fn body(ctx: &Ctx, state: &AppState, platform: &PlatformId, l: &Loaded, s: &Shown) -> Markup {
    let r = &l.reconciliation;
    let today = state.app.today();
    let this = Month::of(today);
    let mut months = vec![this];
    for _ in 0..5 {
        let prev = Month::of(
            months
                .last()
                .map_or(today, |m| m.first_day())
                .yesterday()
                .unwrap_or(today),
        );
        months.push(prev);
    }
    let order_bills: Vec<_> = l
        .overview
        .bills
        .iter()
        .filter(|b| b.kind == BillKind::Orders)
        .collect();
    let month_text = l.month.to_string();
    html! {
        div #platform {
            h1 { (platform_name(ctx, platform)) " · " (l.overview.unit.name) }
            form.toolbar method="get" action="/platform" {
                label for="month-pick" { (ctx.t("月份", "Month")) }
                select #month-pick name="month" style="max-width:10rem" {
                    @for m in &months { option value=(m.to_string()) selected[*m == l.month] { (m.to_string()) } }
                }
                button type="submit" { (ctx.t("切换", "Show")) }
            }
            section.card #reconciliation {
                h2 style="margin-top:0" { (ctx.t("本月对账", "The month's reconciliation")) " · " (month_text) }
                div.grid {
                    div.stat { div.label { (ctx.t("订单数", "Orders")) } div.value #rec-orders { (r.orders) } }
                    div.stat { div.label { (ctx.t("在保骑手/司机（人）", "Workers covered")) } div.value { (r.workers) } }
                    div.stat { div.label { (ctx.t("应缴保费（元）", "Premium (yuan)")) } div.value { (yuan(r.premium)) } }
                    div.stat { div.label { (ctx.t("已出账单（元）", "Billed (yuan)")) } div.value { (yuan(r.billed)) } }
                }
                (form_error(ctx, s.error.as_ref(), &[]))
                form.cols method="post" action="/platform" {
                    (session::csrf_field(ctx))
                    input type="hidden" name="month" value=(month_text);
                    div { label for="declared_orders" { (ctx.t("平台申报的订单数", "Orders the platform declared")) }
                        input #declared_orders name="declared_orders" inputmode="numeric" value=(s.declared_orders); }
                    div { label for="declared_premium" { (ctx.t("平台申报的保费（元）", "Premium the platform declared (yuan)")) }
                        input #declared_premium name="declared_premium" inputmode="decimal" value=(s.declared_premium); }
                    div { button #reconcile-submit type="submit" { (ctx.t("核对", "Check")) } }
                }
                @if r.declared_orders.is_some() || r.declared_premium.is_some() {
                    @if r.matches {
                        div.alert.ok #rec-result role="status" { (ctx.t("一致：申报数与系统记录相符。", "They match: what was declared is what is stored.")) }
                    } @else {
                        div.alert.error #rec-result role="alert" {
                            strong { (ctx.t("不一致：", "They differ: ")) }
                            @if let Some(d) = r.orders_difference { (ctx.t("订单数相差 ", "orders differ by ")) (d) "；" }
                            @if let Some(d) = r.premium_difference { (ctx.t("保费相差 ", "premium differs by ")) (yuan(d)) (ctx.t(" 元", " yuan")) }
                            " " (ctx.t("（系统记录减申报数）", "(stored minus declared)"))
                        }
                    }
                }
            }
            section.card #days {
                h2 style="margin-top:0" { (ctx.t("每日订单与在保人数", "Orders and workers covered per day")) }
                div.table-wrap {
                    table.cards {
                        thead { tr { th { (ctx.t("日期", "Day")) } th.num { (ctx.t("订单数", "Orders")) } th.num { (ctx.t("在保人数", "Workers covered")) } th.num { (ctx.t("保费（元）", "Premium (yuan)")) } } }
                        tbody {
                            @for d in &l.days {
                                tr {
                                    td data-label=(ctx.t("日期", "Day")) { (d.day) }
                                    td.num data-label=(ctx.t("订单数", "Orders")) { (d.orders) }
                                    td.num data-label=(ctx.t("在保人数", "Workers covered")) { (d.workers) }
                                    td.num data-label=(ctx.t("保费（元）", "Premium (yuan)")) { (yuan(d.premium)) }
                                }
                            }
                            @if l.days.is_empty() { tr { td colspan="4" .muted { (ctx.t("该月没有订单。", "No orders in this month.")) } } }
                        }
                    }
                }
            }
            section.card #order-bills {
                h2 style="margin-top:0" { (ctx.t("订单保费账单（本单位）", "Order bills (charged to the unit)")) }
                div.table-wrap {
                    table.cards {
                        thead { tr { th { (ctx.t("账单号", "Reference")) } th { (ctx.t("月份", "Month")) } th.num { (ctx.t("应缴", "Amount")) } th.num { (ctx.t("未缴", "Outstanding")) } th { (ctx.t("缴费期限", "Due")) } } }
                        tbody {
                            @for b in &order_bills {
                                @let st = &b.status;
                                tr {
                                    td data-label=(ctx.t("账单号", "Reference")) { (st.reference) }
                                    td data-label=(ctx.t("月份", "Month")) { (st.period) }
                                    td.num data-label=(ctx.t("应缴", "Amount")) { (yuan(st.amount)) }
                                    td.num data-label=(ctx.t("未缴", "Outstanding")) { (yuan(st.outstanding)) }
                                    td data-label=(ctx.t("缴费期限", "Due")) { (st.due_date)
                                        @if st.outstanding.fen() > 0 && st.effective_due_date() < today { " " span.tag.bad { (ctx.t("已逾期", "overdue")) } }
                                        @else if st.outstanding.fen() == 0 { " " span.tag { (ctx.t("已结清", "paid")) } } }
                                }
                            }
                            @if order_bills.is_empty() { tr { td colspan="5" .muted { (ctx.t("没有账单。", "No bills.")) } } }
                        }
                    }
                }
                p { a href="/fund/payout-ratios" { (ctx.t("本平台支缴率（决定次年费率浮动）", "This platform's payout ratio (it floats next year's rate)")) } }
            }
            section.card #upload {
                h2 style="margin-top:0" { (ctx.t("上传订单文件", "Upload an order file")) }
                p.muted { (ctx.t("CSV（UTF-8），首行为列名：", "CSV (UTF-8) with a header row: ")) code { "platform,order_id,resident_id,ordered_at,industry,province" } (ctx.t("。已导入的订单再次上传不会重复计算；有问题的行会列出，其余照常导入。", ". Orders sent again are not counted twice; bad rows are listed and the rest imported.")) }
                @if let Some(e) = &s.upload_error {
                    div.alert.error #upload-error role="alert" tabindex="-1" autofocus { (ctx.t("文件无法导入：", "The file was not imported: ")) (e) }
                }
                // The upload's progress (htmx's xhr progress events; the
                // page works without it). While the request runs, the rows
                // the server has stored so far of the rows expected, asked
                // every second (htmx.ajax; a polling trigger filtered on the
                // form's htmx-request class never fired).
                form method="post" action="/platform/orders"
                    "hx-on::xhr:progress"="var p=document.getElementById('upload-progress');if(p&&event.detail.total){p.hidden=false;p.value=Math.round(100*event.detail.loaded/event.detail.total);}"
                    "hx-on::before-request"="if(event.target===this){clearInterval(this.progressTimer);this.progressTimer=setInterval(function(){htmx.ajax('GET','/platform/orders/progress',{target:'#import-progress',swap:'innerHTML'});},1000);}"
                    "hx-on::after-request"="if(event.target===this){clearInterval(this.progressTimer);}" {
                    (session::csrf_field(ctx))
                    input type="hidden" name="month" value=(month_text);
                    label for="file" { (ctx.t("选择文件", "Choose a file")) }
                    input #file type="file" accept=".csv,text/csv"
                        onchange="var f=this.files[0];if(f){f.text().then(function(t){document.getElementById('csv').value=t;});}";
                    label for="csv" { (ctx.t("或粘贴文件内容", "or paste its content")) }
                    textarea #csv name="csv" rows="5" required style="font-family:ui-monospace,monospace" {}
                    button.primary #upload-submit type="submit" { (ctx.t("上传并导入", "Upload and import")) } " " span.spinner aria-hidden="true" {}
                    progress #upload-progress max="100" value="0" hidden aria-label=(ctx.t("上传进度", "Upload progress")) style="width:100%;margin-top:.5rem" {}
                    p #import-progress role="status" aria-live="polite" {}
                }
                @if let Some(rep) = &s.report {
                    div.alert.ok[rep.problems.is_empty()] .alert.warn[!rep.problems.is_empty()] #import-report role="status" tabindex="-1" autofocus {
                        strong { (ctx.t("导入完成：", "Imported: ")) }
                        (ctx.t("读取 ", "read ")) (rep.rows_read) (ctx.t(" 行，新增 ", " rows, added ")) (rep.added)
                        (ctx.t(" 笔，已存在 ", ", already there ")) (rep.already_there)
                        (ctx.t(" 笔，有问题 ", ", refused ")) (rep.problems.len()) (ctx.t(" 行。", "."))
                    }
                    (super::monitor::after_import_failed(ctx, rep.monitoring.as_ref(), &super::monitor::AfterWhat {
                        heading: ("导入后的自动监测未能完成：", "The monitoring run after the import failed: "),
                        stored: ("订单", "The orders"),
                    }))
                    @if !rep.problems.is_empty() {
                        div.table-wrap {
                            table.cards #import-problems {
                                thead { tr { th { (ctx.t("行", "Line")) } th { (ctx.t("问题", "Problem")) } th { (ctx.t("详情", "Detail")) } } }
                                tbody {
                                    @for p in rep.problems.iter().take(200) {
                                        tr {
                                            td data-label=(ctx.t("行", "Line")) { (p.line) }
                                            td data-label=(ctx.t("问题", "Problem")) { (row_words(ctx, &p.field, p.code)) }
                                            td data-label=(ctx.t("详情", "Detail")) { details { summary { (ctx.t("技术信息", "technical")) } code { (p.field) ": " (p.reason) } } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
