//! The server-rendered web UI (Chinese by default, English switch).
//!
//! Pages are plain functions returning [`maud::Markup`]; maud checks the
//! templates at compile time and escapes every interpolated value. htmx
//! swaps fragments (a form's answer, the next page of a list); every page
//! also works without JavaScript (forms post and get a whole page back).
//! Every asset is embedded in the binary ([`assets`]).
//!
//! Language: `?lang=en` or `?lang=zh` on any page, else the `lang` cookie
//! (set by `/lang/{zh|en}`), else Chinese.

mod accounts;
mod admin;
mod advances;
mod analyst;
mod articles;
mod assets;
mod bills;
mod calc;
mod cases;
mod chart;
mod dashboard;
mod employer;
mod engagements;
mod format;
mod fund;
mod grading;
mod handling;
mod holidays;
mod inherited;
mod intake;
mod liability;
mod matching;
mod medical;
mod medical_bases;
mod missing;
mod monitor;
mod pauses;
mod payers;
mod payout;
mod plain;
mod platform;
mod queue;
mod recurrence;
mod registry;
mod review;
mod scenarios;
mod session;
mod simulate;
mod staff_words;
mod tickets;
mod unit_dues;
mod worker;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use maud::{DOCTYPE, Markup, html};

use crate::AppState;
pub use session::Viewer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(queue::home))
        .route("/lang/{lang}", get(set_lang))
        .merge(assets::router())
        .merge(registry::router())
        .merge(bills::router())
        .merge(calc::router())
        .merge(worker::router())
        .merge(session::router())
        .merge(cases::router())
        .merge(holidays::router())
        .merge(accounts::router())
        .merge(articles::router())
        .merge(tickets::router())
        // Issue 13: the agency staff's daily work.
        .merge(queue::router())
        .merge(review::router())
        .merge(admin::router())
        .merge(analyst::router())
        .merge(fund::router())
        .merge(payout::router())
        .merge(simulate::router())
        .merge(scenarios::router())
        // issue 13: the employer's and the platform's pages
        .merge(employer::router())
        .merge(platform::router())
        .merge(monitor::router())
        .merge(grading::router())
        .merge(matching::router())
        .merge(medical::router())
        .merge(payers::router())
        .merge(unit_dues::router())
        .merge(advances::router())
        // issue 17: secondments, postings abroad, over-age agreements, successions
        .merge(engagements::router())
        .merge(handling::router())
        .merge(pauses::router())
        // Regulations Art 35 para 2
        .merge(medical_bases::router())
}

pub use gongshang_app::Lang;

/// The `lang` of a page's query string (parsed by `serde_urlencoded`; other
/// parameters are the page's own).
#[derive(serde::Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn query_lang(query: Option<&str>) -> Option<String> {
    serde_urlencoded::from_str::<LangQuery>(query?)
        .ok()
        .and_then(|q| q.lang)
}

/// What every page needs: the language, who is looking, and where we are.
pub struct Ctx {
    pub lang: Lang,
    pub viewer: Viewer,
    pub path: String,
    /// The request came from htmx (answer a fragment).
    pub htmx: bool,
}

impl Ctx {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }

    pub fn zh(&self) -> bool {
        self.lang.zh()
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Ctx, Self::Rejection> {
        let chosen =
            query_lang(parts.uri.query()).or_else(|| crate::auth::cookie(&parts.headers, "lang"));
        let lang = match chosen.as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        };
        let viewer = session::viewer(parts, state).await;
        Ok(Ctx {
            lang,
            viewer,
            path: parts.uri.path().to_owned(),
            // A boosted link or form gets the whole page; other htmx requests a fragment.
            htmx: parts.headers.contains_key("hx-request")
                && !parts.headers.contains_key("hx-boosted"),
        })
    }
}

/// A page's query string, read into `T`. An address whose parameters do
/// not read (a field given twice, a word where a number goes) gets a page in
/// the person's language saying so, not the API's JSON problem.
pub struct UrlQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for UrlQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match serde_urlencoded::from_str(parts.uri.query().unwrap_or("")) {
            Ok(v) => Ok(UrlQuery(v)),
            Err(_) => {
                let ctx = match Ctx::from_request_parts(parts, state).await {
                    Ok(ctx) => ctx,
                    Err(never) => match never {},
                };
                let title = ctx.t("网址无法识别", "This address cannot be read");
                let body = html! {
                    h1 { (title) }
                    div.alert.error role="alert" { (ctx.t(
                        "网址中的参数无法识别（可能被改动或重复）。请从页面上的链接或表单重新进入。",
                        "The address's parameters cannot be read (changed or repeated). Go back to the page's links or form and try again."
                    )) }
                };
                Err((StatusCode::BAD_REQUEST, respond(&ctx, title, body)).into_response())
            }
        }
    }
}

async fn set_lang(
    axum::extract::Path(lang): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = if lang == "en" { "en" } else { "zh" };
    // Back to the page the switch was pressed on (same site only).
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_owned()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&back).into_response();
    let cookie = axum_extra::extract::cookie::Cookie::build(("lang", lang))
        .path("/")
        .max_age(cookie::time::Duration::days(365))
        .same_site(axum_extra::extract::cookie::SameSite::Lax)
        .build();
    if let Ok(v) = cookie.to_string().parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// Who sees a navigation entry.
#[derive(Copy, Clone)]
enum Shown {
    Everyone,
    May(Action),
    /// Signed-in users other than workers who may do the action.
    StaffMay(Action),
    Workers,
}

/// One navigation entry: path, Chinese, English, who sees it.
const NAV: &[(&str, &str, &str, Shown)] = &[
    ("/", "首页", "Home", Shown::May(Action::ReadStatistics)),
    // Issue 13: the clerk's queue, the reviewer's awards, the statistics.
    (
        "/queue",
        "待办",
        "Work queue",
        Shown::StaffMay(Action::ReadWorkQueue),
    ),
    (
        "/review",
        "待复核",
        "Review",
        Shown::May(Action::ApproveAward),
    ),
    (
        "/dashboard",
        "统计",
        "Statistics",
        Shown::May(Action::ReadStatistics),
    ),
    (
        "/analysis",
        "分析",
        "Analysis",
        Shown::May(Action::ReadStatistics),
    ),
    ("/units", "参保单位", "Units", Shown::May(Action::ListUnits)),
    (
        "/people",
        "参保人员",
        "People",
        Shown::StaffMay(Action::ReadRegistry),
    ),
    ("/enroll", "参保登记", "Enrol", Shown::May(Action::Enrol)),
    (
        "/bills",
        "征缴",
        "Bills",
        Shown::StaffMay(Action::ReadBills),
    ),
    (
        "/cases",
        "工伤案件",
        "Cases",
        Shown::StaffMay(Action::ReadRegistry),
    ),
    (
        "/admin/holidays",
        "节假日",
        "Holidays",
        Shown::May(Action::ManageCalendar),
    ),
    (
        "/admin/accounts",
        "账号",
        "Accounts",
        Shown::May(Action::ManageAccounts),
    ),
    (
        "/admin/parameters",
        "参数",
        "Parameters",
        Shown::May(Action::ReadParameters),
    ),
    (
        "/admin/audit",
        "审计",
        "Audit",
        Shown::May(Action::ManageAccounts),
    ),
    (
        "/admin/articles",
        "条文对照",
        "Articles",
        Shown::StaffMay(Action::ReadArticleMap),
    ),
    (
        "/tickets",
        "权益服务",
        "Rights service",
        Shown::May(Action::ReadTickets),
    ),
    // issue 14
    ("/fund", "基金收支", "Fund", Shown::May(Action::ReadFund)),
    (
        "/monitor",
        "监测预警",
        "Monitoring",
        Shown::May(Action::ReadAlerts),
    ),
    (
        "/matching",
        "数据比对",
        "Matching",
        Shown::StaffMay(Action::ReadMatching),
    ),
    ("/calc", "待遇计算器", "Calculator", Shown::Everyone),
    ("/me", "我的保障", "My cover", Shown::Workers),
    // issue 13: a unit's own page (a platform's goes on to /platform)
    (
        "/employer",
        "本单位",
        "My unit",
        Shown::May(Action::PayOwnBill),
    ),
];

fn shown(ctx: &Ctx, s: Shown) -> bool {
    let worker = ctx.viewer.role() == Some(gongshang_app::accounts::Role::Worker);
    match s {
        Shown::Everyone => true,
        Shown::May(a) => ctx.viewer.may(a),
        Shown::StaffMay(a) => !worker && ctx.viewer.may(a),
        Shown::Workers => worker,
    }
}

/// The page shell: header, navigation, language switch, main.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (ctx.t("工伤保险", "gongshang")) }
                link rel="stylesheet" href=(assets::CSS_PATH);
                script src=(assets::HTMX_PATH) defer {}
                script src=(assets::APP_JS_PATH) defer {}
            }
            body hx-boost="true" data-echarts=(assets::ECHARTS_PATH) hx-headers=(format!(r#"{{"X-CSRF-Token": "{}"}}"#, ctx.viewer.csrf())) {
                a.skip href="#main" { (ctx.t("跳到正文", "Skip to content")) }
                header.top {
                    a.brand href="/" { span.logo aria-hidden="true" { "工" } (ctx.t("工伤保险经办", "Work-injury insurance")) }
                    nav aria-label=(ctx.t("主导航", "Main")) {
                        ul {
                            @for (href, zh, en, _) in NAV.iter().filter(|n| shown(ctx, n.3)) {
                                @let here = if *href == "/" { ctx.path == "/" } else { ctx.path.starts_with(href) };
                                li { a href=(href) aria-current=[here.then_some("page")] { (ctx.t(zh, en)) } }
                            }
                        }
                    }
                    div.tools {
                        (session::badge(ctx))
                        @if ctx.zh() {
                            a.lang href="/lang/en" hx-boost="false" lang="en" { "English" }
                        } @else {
                            a.lang href="/lang/zh" hx-boost="false" lang="zh-CN" { "中文" }
                        }
                    }
                }
                main #main { (body) }
                footer.bottom {
                    p { (ctx.t("金额单位：元；依据《工伤保险条例》及各地办法。演示数据均为虚构。",
                               "Amounts in yuan; rules from the Regulations on Work-Related Injury Insurance and local measures. Demo data is fictitious.")) }
                }
            }
        }
    }
}

/// A page or, for htmx, just the fragment.
pub fn respond(ctx: &Ctx, title: &str, fragment: Markup) -> Response {
    if ctx.htmx {
        Html(fragment.into_string()).into_response()
    } else {
        Html(page(ctx, title, fragment).into_string()).into_response()
    }
}

/// A refusal shown to a person: what was wrong and with which field.
pub fn error_box(ctx: &Ctx, e: &AppError) -> Markup {
    html! {
        div.alert.error role="alert" {
            strong { (ctx.t("未能完成：", "Not done: ")) }
            (e.to_string())
            @if let Some(f) = e.field() {
                " " span.muted { "(" (ctx.t("字段", "field")) " " code { (f) } ")" }
            }
        }
    }
}

/// The status of the error's code in the API's one error table.
pub fn error_status(e: &AppError) -> StatusCode {
    StatusCode::from_u16(crate::error::kind(e.code()).status)
        .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// An error page with the status the error deserves.
pub fn error_page(ctx: &Ctx, e: &AppError) -> Response {
    let status = error_status(e);
    let title = ctx.t("出错了", "Something went wrong");
    (
        status,
        respond(ctx, title, html! { h1 { (title) } (error_box(ctx, e)) }),
    )
        .into_response()
}
