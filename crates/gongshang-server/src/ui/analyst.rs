//! The analyst's dashboards (issue 13): filters by period, region, scheme
//! and industry class; premiums by month and by region, enrolments by
//! scheme and cases by state, each as a chart with readable labels and a
//! table; every table exported as CSV (UTF-8 with a BOM, so that a
//! spreadsheet reads the Chinese) or as an Excel workbook (xlsx, written
//! by `xlsx.rs`). Aggregates only: no personal data.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::staff::{AnalysisFigures, AnalysisFilters};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::UrlQuery;
use super::format::{whole_yuan, yuan};
use super::staff_words::{at_field, at_form};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/analysis", get(page))
        .route("/analysis/export", get(export))
        .route("/admin/parameters.csv", get(parameters_csv))
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Deserialize, Default, Clone)]
pub struct FilterQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    scheme: Option<String>,
    #[serde(default)]
    industry: Option<String>,
    /// The table to export (`months`, `regions`, `schemes`, `cases`).
    #[serde(default)]
    table: Option<String>,
    /// `csv` (the default) or `xlsx`.
    #[serde(default)]
    format: Option<String>,
}

impl FilterQuery {
    /// The filters, with the last six months up to today when no period is given.
    fn filters(&self, today: jiff::civil::Date) -> AnalysisFilters {
        let to = self
            .to
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| today.strftime("%Y-%m").to_string());
        let from = self
            .from
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| {
                today
                    .checked_sub(jiff::Span::new().months(5))
                    .unwrap_or(today)
                    .strftime("%Y-%m")
                    .to_string()
            });
        AnalysisFilters {
            from_month: from,
            to_month: to,
            region: self.region.clone().unwrap_or_default(),
            scheme_id: self.scheme.clone().unwrap_or_default(),
            industry_class: self.industry.clone().unwrap_or_default(),
        }
    }
}

fn query_of(f: &AnalysisFilters) -> String {
    format!(
        "from={}&to={}&region={}&scheme={}&industry={}",
        url_encode(&f.from_month),
        url_encode(&f.to_month),
        url_encode(&f.region),
        url_encode(&f.scheme_id),
        url_encode(&f.industry_class)
    )
}

/// A table: its heading row and its rows, as text (what the page, the CSV
/// and the workbook show alike).
pub struct Table {
    pub key: &'static str,
    pub title: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns are numbers (right-aligned, numbers in a workbook).
    pub numeric: Vec<bool>,
}

fn tables(ctx: &Ctx, state: &AppState, a: &AnalysisFigures) -> Vec<Table> {
    let t = |zh: &str, en: &str| ctx.t(zh, en).to_owned();
    vec![
        Table {
            key: "months",
            title: t(
                "保费：应缴与实缴（按账单月份）",
                "Premiums billed and paid, by the bill's month",
            ),
            head: vec![
                t("月份", "Month"),
                t("账单数", "Bills"),
                t("应缴（元）", "Billed (yuan)"),
                t("实缴（元）", "Paid (yuan)"),
                t("未缴（元）", "Outstanding (yuan)"),
            ],
            rows: a
                .premiums_by_month
                .iter()
                .map(|m| {
                    vec![
                        m.month.clone(),
                        m.bills.to_string(),
                        m.billed.to_string(),
                        m.paid.to_string(),
                        m.billed.checked_sub(m.paid).unwrap_or(m.billed).to_string(),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true, true, true],
        },
        Table {
            key: "regions",
            title: t(
                "保费：按地区（单位所在地市）",
                "Premiums by region (the unit's city)",
            ),
            head: vec![
                t("地区代码", "Region"),
                t("地区", "Name"),
                t("单位数", "Units"),
                t("应缴（元）", "Billed (yuan)"),
                t("实缴（元）", "Paid (yuan)"),
            ],
            rows: a
                .premiums_by_region
                .iter()
                .map(|r| {
                    vec![
                        if r.region.is_empty() {
                            t("个人（无单位）", "people (no unit)")
                        } else {
                            format!("{}00", r.region)
                        },
                        state
                            .app
                            .policy()
                            .region(&format!("{}00", r.region))
                            .map(|x| {
                                if ctx.zh() {
                                    x.name_zh.clone()
                                } else {
                                    x.name_en.clone()
                                }
                            })
                            .unwrap_or_default(),
                        r.units.to_string(),
                        r.billed.to_string(),
                        r.paid.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true, true, true],
        },
        Table {
            key: "schemes",
            title: t(
                "期末在保人数（按保障方案）",
                "Enrolled at the period's end, by scheme",
            ),
            head: vec![
                t("保障方案", "Scheme"),
                t("编号", "Id"),
                t("人数", "People"),
            ],
            rows: a
                .enrolled_by_scheme
                .iter()
                .map(|(id, n)| {
                    vec![
                        state.app.scheme_name(id, ctx.zh()),
                        id.clone(),
                        n.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true],
        },
        Table {
            key: "cases",
            title: t(
                "工伤案件（按事故月份，按状态）",
                "Injury cases by state (accidents in the period)",
            ),
            head: vec![t("状态", "State"), t("案件数", "Cases"), t("在办", "Open")],
            rows: a
                .cases_by_state
                .iter()
                .map(|(s, n, open)| {
                    vec![
                        super::cases::state_label(ctx, *s).to_owned(),
                        n.to_string(),
                        open.to_string(),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true],
        },
    ]
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<FilterQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadStatistics) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let filters = q.filters(state.app.today());
    let f = filters.clone();
    let title = ctx.t("统计分析", "Analysis");
    match state.run(move |app| app.analysis(&actor, &f)).await {
        Ok(a) => respond(&ctx, title, body(&ctx, &state, &filters, Some(&a), None)),
        Err(e) if e.field().is_some() && !e.is_internal() => (
            super::error_status(&e),
            respond(&ctx, title, body(&ctx, &state, &filters, None, Some(&e))),
        )
            .into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

const FILTER_FIELDS: [&str; 5] = [
    "from_month",
    "to_month",
    "region",
    "scheme_id",
    "industry_class",
];

fn body(
    ctx: &Ctx,
    state: &AppState,
    f: &AnalysisFilters,
    a: Option<&AnalysisFigures>,
    error: Option<&AppError>,
) -> Markup {
    let mut schemes: Vec<_> = state.app.policy().schemes().collect();
    schemes.sort_by(|x, y| x.id.cmp(&y.id));
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let q = query_of(f);
    html! {
        h1 { (ctx.t("统计分析", "Analysis")) }
        form.cols #filters method="get" action="/analysis" novalidate {
            div { label for="from" { (ctx.t("起始月份", "From month")) }
                input #from name="from" type="month" value=(f.from_month) aria-invalid=[bad("from_month")]; (at_field(ctx, "from_month", error)) }
            div { label for="to" { (ctx.t("截止月份", "To month")) }
                input #to name="to" type="month" value=(f.to_month) aria-invalid=[bad("to_month")]; (at_field(ctx, "to_month", error)) }
            div { label for="region" { (ctx.t("地区（行政区划代码或前几位，如 4401）", "Region (a code or its first digits, e.g. 4401)")) }
                input #region name="region" value=(f.region) maxlength="6" inputmode="numeric" aria-invalid=[bad("region")]; (at_field(ctx, "region", error)) }
            div { label for="scheme" { (ctx.t("保障方案", "Scheme")) }
                select #scheme name="scheme" aria-invalid=[bad("scheme_id")] {
                    option value="" { (ctx.t("全部", "All")) }
                    @for s in &schemes { option value=(s.id) selected[s.id.as_str() == f.scheme_id] { (if ctx.zh() { &s.name_zh } else { &s.name_en }) } }
                }
                (at_field(ctx, "scheme_id", error)) }
            div { label for="industry" { (ctx.t("行业风险类别", "Industry class")) }
                select #industry name="industry" aria-invalid=[bad("industry_class")] {
                    option value="" { (ctx.t("全部", "All")) }
                    @for c in 1..=8 { option value=(c) selected[f.industry_class == c.to_string()] { (ctx.t("第", "class ")) (c) (ctx.t("类", "")) } }
                }
                (at_field(ctx, "industry_class", error)) }
            div { button.primary type="submit" { (ctx.t("筛选", "Filter")) } }
        }
        (at_form(ctx, &FILTER_FIELDS, error))
        @if let Some(a) = a {
            @let all = tables(ctx, state, a);
            (charts(ctx, a))
            @for t in &all {
                section.card id=(format!("table-{}", t.key)) {
                    div.page-head {
                        h2 style="margin:0" { (t.title) }
                        span {
                            a.button href=(format!("/analysis/export?table={}&format=csv&{q}", t.key)) hx-boost="false" download { "CSV" } " "
                            a.button href=(format!("/analysis/export?table={}&format=xlsx&{q}", t.key)) hx-boost="false" download { "Excel" }
                        }
                    }
                    div.table-wrap { table {
                        thead { tr { @for (h, n) in t.head.iter().zip(&t.numeric) { th.num[*n] { (h) } } } }
                        tbody {
                            @for r in &t.rows { tr { @for ((v, n), h) in r.iter().zip(&t.numeric).zip(&t.head) { td.num[*n] data-label=(h) { (v) } } } }
                            @if t.rows.is_empty() { tr { td colspan=(t.head.len()) .muted { (ctx.t("该条件下没有数据。", "Nothing under these filters.")) } } }
                        }
                    } }
                }
            }
        }
    }
}

fn charts(ctx: &Ctx, a: &AnalysisFigures) -> Markup {
    let premiums = json!({
        "x": a.premiums_by_month.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(),
        "unit": ctx.t("元", "yuan"),
        "series": [
            {"name": ctx.t("应缴", "billed"), "data": a.premiums_by_month.iter().map(|m| whole_yuan(m.billed)).collect::<Vec<_>>()},
            {"name": ctx.t("实缴", "paid"), "data": a.premiums_by_month.iter().map(|m| whole_yuan(m.paid)).collect::<Vec<_>>()},
        ]
    });
    let cases = json!({
        "x": a.cases_by_state.iter().map(|(s, _, _)| super::cases::state_label(ctx, *s)).collect::<Vec<_>>(),
        "horizontal": true,
        "labels": true,
        "series": [
            {"name": ctx.t("案件数", "cases"), "data": a.cases_by_state.iter().map(|(_, n, _)| n).collect::<Vec<_>>()},
            {"name": ctx.t("在办", "open"), "data": a.cases_by_state.iter().map(|(_, _, o)| o).collect::<Vec<_>>()},
        ]
    });
    let billed: i64 = a.premiums_by_month.iter().map(|m| m.billed.fen()).sum();
    let paid: i64 = a.premiums_by_month.iter().map(|m| m.paid.fen()).sum();
    html! {
        div.grid {
            div.stat { div.label { (ctx.t("应缴合计（元）", "Billed (yuan)")) } div.value { (yuan(gongshang_rules::Money::from_fen(billed))) } }
            div.stat { div.label { (ctx.t("实缴合计（元）", "Paid (yuan)")) } div.value { (yuan(gongshang_rules::Money::from_fen(paid))) } }
            div.stat { div.label { (ctx.t("期末在保人数", "Enrolled at the end")) } div.value { (a.enrolled_by_scheme.iter().map(|(_, n)| n).sum::<u64>()) } }
            div.stat { div.label { (ctx.t("期内事故案件", "Cases in the period")) } div.value { (a.cases_by_state.iter().map(|(_, n, _)| n).sum::<u64>()) } }
        }
        div.grid.two {
            section.card {
                h2 { (ctx.t("保费：应缴与实缴（按月）", "Premiums billed and paid, by month")) }
                div.chart data-chart="bar" data-series=(premiums.to_string()) role="img"
                    aria-label=(ctx.t("按月应缴与实缴保费柱状图", "Bar chart of premiums billed and paid by month")) {}
            }
            section.card {
                h2 { (ctx.t("工伤案件（按状态）", "Injury cases by state")) }
                div.chart data-chart="bar" data-series=(cases.to_string()) role="img"
                    aria-label=(ctx.t("按状态的案件数条形图", "Bar chart of cases by state")) {}
            }
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The table as CSV, UTF-8 with a BOM, CRLF line ends (RFC 4180).
pub fn csv_of(head: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for r in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
        out.push_str(&r.iter().map(|v| csv_field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub(super) fn download(name: &str, format: &str, bytes: Vec<u8>) -> Response {
    let content_type = match format {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "text/csv; charset=utf-8",
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<FilterQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadStatistics) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let filters = q.filters(state.app.today());
    let f = filters.clone();
    let a = match state.run(move |app| app.analysis(&actor, &f)).await {
        Ok(a) => a,
        Err(e) => return error_page(&ctx, &e),
    };
    let key = q.table.as_deref().unwrap_or("months");
    let format = match q.format.as_deref() {
        Some("xlsx") => "xlsx",
        _ => "csv",
    };
    let Some(t) = tables(&ctx, &state, &a).into_iter().find(|t| t.key == key) else {
        return error_page(
            &ctx,
            &AppError::invalid(
                "table",
                format!("{key:?}; one of months, regions, schemes, cases"),
            ),
        );
    };
    let name = format!(
        "gongshang-{}-{}-{}",
        t.key, filters.from_month, filters.to_month
    );
    let bytes = match format {
        "xlsx" => gongshang_app::export::xlsx(&workbook_table(&t)),
        _ => csv_of(&t.head, &t.rows),
    };
    download(&name, format, bytes)
}

#[derive(Deserialize, Default)]
pub struct ParamCsvQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    on: Option<String>,
}

async fn parameters_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<ParamCsvQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadParameters) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let on = match q.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => state.app.today(),
        Some(s) => match s.parse::<jiff::civil::Date>() {
            Ok(d) => d,
            Err(e) => return error_page(&ctx, &AppError::invalid("on", e.to_string())),
        },
    };
    let search = q.q.clone();
    let rows = match state
        .run(move |app| app.parameters_in_force(&actor, on, search.as_deref()))
        .await
    {
        Ok(r) => r,
        Err(e) => return error_page(&ctx, &e),
    };
    let head: Vec<String> = [
        "id",
        "label",
        "value",
        "unit",
        "validity",
        "instrument",
        "article",
        "source",
        "confidence",
        "status",
        "note",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                ctx.t(&r.label_zh, &r.label_en).to_owned(),
                r.value.clone().unwrap_or_default(),
                ctx.t(r.unit_zh, r.unit_en).to_owned(),
                r.validity.clone().unwrap_or_default(),
                r.instrument.clone(),
                r.article.clone(),
                r.source.clone(),
                r.confidence.clone(),
                serde_json::to_value(r.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                r.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    download(
        &format!("gongshang-parameters-{on}"),
        "csv",
        csv_of(&head, &body),
    )
}

/// The page's table as the app's export table (one xlsx writer for the
/// whole house): numeric columns become numbers, amounts in yuan money.
fn workbook_table(t: &Table) -> gongshang_app::export::Table {
    use gongshang_app::export::Cell;
    let cell = |numeric: bool, v: &String| {
        if numeric {
            if let Ok(n) = v.parse::<i64>() {
                return Cell::Int(n);
            }
            if let Ok(m) = gongshang_rules::Money::parse_yuan(v) {
                return Cell::Money(m);
            }
        }
        Cell::Text(v.clone())
    };
    gongshang_app::export::Table {
        name: t.title.clone(),
        headers: t.head.clone(),
        rows: t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, v)| cell(t.numeric.get(i).copied().unwrap_or(false), v))
                    .collect()
            })
            .collect(),
    }
}
