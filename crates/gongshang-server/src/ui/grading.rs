//! The grading page (issue 16): units and platforms graded A-D on a day from
//! their alerts, arrears and cases in the year up to it, each grade with the
//! reasons for its points, and the red, orange and yellow warnings by
//! industry, district and platform. Agency staff and analysts read it.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::monitor::GradingReport;
use gongshang_domain::monitor::SubjectKind;
use gongshang_domain::monitor::grading::{Grade, GroupKind, Warning};
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::staff_words::{at_field, at_form};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

/// Subjects listed at most (the worst first); the rest are counted.
const SHOWN: usize = 300;

pub fn router() -> Router<AppState> {
    Router::new().route("/monitor/grading", get(page))
}

#[derive(Debug, Default, Deserialize)]
struct GradingQuery {
    #[serde(default)]
    as_of: String,
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("分级与预警", "Grading and warnings")
}

fn grade_tag(g: Grade) -> Markup {
    let class = match g {
        Grade::A => "tag",
        Grade::B => "tag yellow",
        Grade::C => "tag orange",
        Grade::D => "tag red",
    };
    html! { span class=(class) data-grade=(g.as_str()) { (g.as_str()) } }
}

fn warning_tag(ctx: &Ctx, w: Option<Warning>) -> Markup {
    html! {
        @match w {
            Some(w) => {
                @let class = match w {
                    Warning::Red => "tag red",
                    Warning::Orange => "tag orange",
                    Warning::Yellow => "tag yellow",
                };
                span class=(class) { (ctx.t(w.label_zh(), w.label_en())) }
            }
            None => span.muted { (ctx.t("无", "none")) },
        }
    }
}

fn group_name(ctx: &Ctx, kind: GroupKind, key: &str) -> String {
    match kind {
        GroupKind::Industry => {
            if ctx.zh() {
                format!("行业第{key}类")
            } else {
                format!("industry class {key}")
            }
        }
        GroupKind::District => format!("{} {key}", ctx.t("区域", "district")),
        GroupKind::Platform => format!("{} {key}", ctx.t("平台", "platform")),
    }
}

fn body(ctx: &Ctx, as_of: &str, r: Option<&GradingReport>, error: Option<&AppError>) -> Markup {
    let bad = error
        .is_some_and(|e| e.field() == Some("as_of"))
        .then_some("true");
    html! {
        h1 { (title(ctx)) }
        p.muted { (ctx.t(
            "按一年内的预警（未结或经核实属实）、逾期未缴账单和工伤案件计分，分为A至D级；行业、区域按C、D级单位占比，平台按自身等级发出红、橙、黄色预警。分值和阈值为本系统自定参数（monitoring.grading.*，无文件规定，标为假定），可在参数页查看。",
            "Points for the alerts (active, or closed as confirmed), overdue bills and cases of the year; grades A to D. Industries and districts are warned red, orange or yellow by their share of units graded C or D, a platform by its own grade. The weights and thresholds are our parameters (monitoring.grading.*, no instrument sets them, marked assumed), shown on the parameters page."
        )) }
        p { a href="/monitor" { (ctx.t("← 返回监测预警", "← Back to monitoring")) } }
        form.cols #grading-day method="get" action="/monitor/grading" novalidate {
            div {
                label for="as_of" { (ctx.t("评级日期", "Graded on")) }
                input #as_of name="as_of" type="date" value=(as_of) aria-invalid=[bad];
                (at_field(ctx, "as_of", error))
            }
            div { button type="submit" { (ctx.t("评级", "Grade")) } }
        }
        (at_form(ctx, &["as_of"], error))
        @if let Some(r) = r {
            p {
                (ctx.t("计算期间：", "Year counted: ")) (r.since) " – " (r.as_of) "。 "
                @for g in [Grade::A, Grade::B, Grade::C, Grade::D] {
                    (grade_tag(g)) " " (r.by_grade.get(&g).copied().unwrap_or(0)) " "
                }
            }
            h2 { (ctx.t("预警", "Warnings")) }
            div.table-wrap { table #warnings {
                thead { tr {
                    th { (ctx.t("分组", "Group")) }
                    th.num { (ctx.t("对象数", "Subjects")) }
                    th.num { "C" }
                    th.num { "D" }
                    th { (ctx.t("预警", "Warning")) }
                } }
                tbody {
                    @for w in &r.warnings {
                        tr data-group=(format!("{}:{}", match w.kind { GroupKind::Industry => "industry", GroupKind::District => "district", GroupKind::Platform => "platform" }, w.key)) {
                            td { (group_name(ctx, w.kind, &w.key)) }
                            td.num { (w.subjects) }
                            td.num { (w.graded_c) }
                            td.num { (w.graded_d) }
                            td { (warning_tag(ctx, w.warning)) }
                        }
                    }
                }
            } }
            h2 { (ctx.t("单位与平台", "Units and platforms")) }
            @let listed: Vec<_> = r.graded.iter().filter(|g| g.grade != Grade::A).take(SHOWN).collect();
            @if listed.is_empty() {
                p.muted { (ctx.t("全部为A级。", "Every subject is graded A.")) }
            } @else {
                div.table-wrap { table #graded {
                    thead { tr {
                        th { (ctx.t("等级", "Grade")) }
                        th { (ctx.t("名称", "Name")) }
                        th { (ctx.t("代码", "Code")) }
                        th { (ctx.t("行业/区域", "Industry / district")) }
                        th.num { (ctx.t("分值", "Points")) }
                        th { (ctx.t("计分依据", "Why")) }
                    } }
                    tbody {
                        @for g in &listed {
                            @let s = &g.subject;
                            tr data-subject=(s.subject.key) {
                                td { (grade_tag(g.grade)) }
                                td { (s.name) }
                                td {
                                    @if s.subject.kind == SubjectKind::Platform { (ctx.t("平台 ", "platform ")) }
                                    code { (s.subject.key) }
                                }
                                td {
                                    @if let Some(c) = s.industry_class { (ctx.t("第", "class ")) (c) (ctx.t("类", "")) }
                                    @if let Some(d) = &s.district { " · " (d) }
                                }
                                td.num { (g.points) }
                                td { ul.plain {
                                    @for p in &g.reasons { li { (if ctx.zh() { &p.zh } else { &p.en }) } }
                                } }
                            }
                        }
                    }
                } }
            }
            @let rest = r.graded.len() - listed.len();
            @if rest > 0 {
                p.muted { (rest) (ctx.t(" 个对象未列出（A级或超出列表）。", " more not listed (graded A, or beyond the list).")) }
            }
            details {
                summary { (ctx.t("当日适用的分值与阈值", "Weights and thresholds in force that day")) }
                ul { @for (k, v) in &r.parameters { li { code { (k) } " = " (v) } } }
            }
        }
    }
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(q): UrlQuery<GradingQuery>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadAlerts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let text = q.as_of.trim().to_owned();
    let as_of = if text.is_empty() {
        None
    } else {
        match text.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                let e = AppError::invalid("as_of", format!("{text:?} is not a date (YYYY-MM-DD)"));
                return (
                    super::error_status(&e),
                    respond(&ctx, title(&ctx), body(&ctx, &text, None, Some(&e))),
                )
                    .into_response();
            }
        }
    };
    match state.run(move |app| app.grading(&actor, as_of)).await {
        Ok(r) => {
            let day = r.as_of.to_string();
            respond(&ctx, title(&ctx), body(&ctx, &day, Some(&r), None))
        }
        Err(e) if !e.is_internal() => (
            super::error_status(&e),
            respond(&ctx, title(&ctx), body(&ctx, &text, None, Some(&e))),
        )
            .into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}
