//! The map of articles (issue 17): for each instrument, every article and
//! paragraph with what it requires, whether gongshang carries it out, how,
//! the code and the tests; the counts by status. Award trace lines and
//! deadlines link here (`/admin/articles#<instrument>-a35-3`).

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongshang_app::App;
use gongshang_app::accounts::Action;
use gongshang_rules::article_map::{ArticleMap, Instrument, Status};
use maud::{Markup, html};

use super::session;
use super::{Ctx, error_box, respond};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/articles", get(page))
}

/// The address of an entry on the map's page.
pub fn entry_href(instrument: &Instrument, article: &str) -> String {
    format!(
        "/admin/articles#{}-{}",
        instrument.id,
        gongshang_rules::article_map::anchor_of(article)
    )
}

/// A citation of the engine in the reader's language, linked to its entry
/// where one is mapped and the viewer may read the map; plain text otherwise.
pub fn cited(ctx: &Ctx, citation: &str) -> Markup {
    let entry = ctx
        .viewer
        .may(Action::ReadArticleMap)
        .then(|| App::article_entry(citation))
        .flatten();
    let words = gongshang_rules::article_map::citation_words(ctx.zh(), citation);
    html! {
        @if let Some((instrument, entry)) = entry {
            a.article-link href=(entry_href(instrument, &entry.article)) title=(status_label(ctx, entry.status)) { (words) }
        } @else {
            (words)
        }
    }
}

fn status_label(ctx: &Ctx, s: Status) -> &'static str {
    if ctx.zh() { s.label_zh() } else { s.label_en() }
}

fn status_tag(ctx: &Ctx, s: Status) -> Markup {
    let class = match s {
        Status::Carried => "tag",
        Status::Partly => "tag warn",
        Status::NotForSystem => "tag grey",
        Status::Missing => "tag danger",
    };
    html! { span class=(class) { (status_label(ctx, s)) } }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match session::require(&ctx, Action::ReadArticleMap) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let title = ctx.t("条文对照表", "Map of articles");
    match state.run(move |app| app.article_map(&actor)).await {
        Ok(map) => respond(&ctx, title, body(&ctx, map)),
        Err(e) => respond(&ctx, title, error_box(&ctx, &e)),
    }
}

fn body(ctx: &Ctx, map: &ArticleMap) -> Markup {
    html! {
        h1 { (ctx.t("条文对照表", "Map of articles")) }
        p.muted { (ctx.t(
            "每部文件逐条（款）列明其要求，以及本系统以何种方式（计算规则、办理流程、校验、记录）落实、由哪段代码和哪项测试负责；不属本系统的写明理由，缺失的写明缺什么。测试会在所列代码、参数、命令、文书或测试不存在时失败。",
            "Each instrument article by article (and paragraph): what it requires, how gongshang carries it out (a rule, a workflow step, a check, a record), the code and the tests that do; what is not for this system says why, what is missing says what. The tests fail when a function, parameter, command, notice or test named here disappears."
        )) }
        div.table-wrap { table #article-counts {
            thead { tr {
                th { (ctx.t("文件", "Instrument")) } th.num { (ctx.t("条文", "Articles")) }
                @for s in Status::ALL { th.num { (status_label(ctx, s)) } }
            } }
            tbody {
                @for i in &map.instruments {
                    @let counts = i.counts();
                    tr data-instrument=(i.id) {
                        td { a href=(format!("#{}", i.id)) { (if ctx.zh() { &i.title_zh } else { &i.title_en }) } }
                        td.num { (i.articles.len()) @if !i.complete { "*" } }
                        @for s in Status::ALL { td.num data-status=(s.name()) { (counts.of(s)) } }
                    }
                }
            }
        } }
        p.hint { (ctx.t("* 仅列出已读到的条文（见各文件说明）。", "* only the articles read (see each instrument's note).")) }
        @for i in &map.instruments {
            section.card id=(i.id) style="margin-top:1rem" {
                h2 style="margin-top:0" { (if ctx.zh() { &i.title_zh } else { &i.title_en }) }
                p.muted { (ctx.t("文本来源：", "Text read: ")) (i.text) }
                div.table-wrap { table.articles {
                    thead { tr {
                        th { (ctx.t("条款", "Article")) } th { (ctx.t("要求", "Requires")) } th { (ctx.t("状态", "Status")) }
                        th { (ctx.t("方式", "How")) } th { (ctx.t("由", "Carried by")) } th { (ctx.t("测试 / 理由", "Tests / why")) }
                    } }
                    tbody {
                        @for e in &i.entries {
                            tr id=(format!("{}-{}", i.id, e.anchor())) data-status=(e.status.name()) {
                                td { code { (e.article) } }
                                td { (e.requires) }
                                td { (status_tag(ctx, e.status)) }
                                td { @if let Some(h) = e.how { (h.name()) } }
                                td { @for r in &e.carried_by { code { (r.to_string()) } br; } }
                                td {
                                    @for t in &e.tests { code { (t) } br; }
                                    @if let Some(reason) = &e.reason { span.muted { (reason) } }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}
