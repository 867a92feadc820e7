//! The monitoring page (issue 16) for agency staff: the alerts still open
//! with their rule, subject, severity, state and flags, a form to advance
//! each one (investigate, refer, close with an outcome), and a button for a
//! full run. Analysts see the list without the forms.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::monitor::{AfterImportRun, AlertRow, MonitorFailureRow, MonitorStatus};
use gongshang_domain::monitor::sample::Population;
use gongshang_domain::monitor::{AlertCommand, AlertState, Outcome, Precision, ReferTo, RunMode};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::{self, csrf_field};
use super::staff_words::at_field;
use super::{Ctx, error_box, respond};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitor", get(page))
        .route("/monitor/run", post(run))
        .route("/monitor/sample", post(sample))
        .route("/monitor/alerts/{id}", get(alert_page))
        .route("/monitor/alerts/{id}/advance", post(advance))
}

/// The run form: which of its two buttons was pressed.
#[derive(Debug, Default, Deserialize)]
struct RunForm {
    #[serde(default)]
    csrf_token: String,
    /// `incremental`, or `full` (also when absent).
    #[serde(default)]
    mode: String,
}

#[derive(Debug, Default, Deserialize)]
struct SampleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    population: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    seed: String,
}

#[derive(Debug, Default, Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    command: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: Option<i64>,
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("监测预警", "Monitoring and alerts")
}

fn severity(ctx: &Ctx, a: &AlertRow) -> Markup {
    let (zh, en, class) = match a.severity.as_str() {
        "high" => ("高", "high", "tag red"),
        "medium" => ("中", "medium", "tag orange"),
        _ => ("低", "low", "tag grey"),
    };
    html! { span class=(class) { (ctx.t(zh, en)) } }
}

fn state_text(ctx: &Ctx, s: AlertState) -> String {
    match s {
        AlertState::Open => ctx.t("待处理", "open").to_owned(),
        AlertState::Investigating => ctx.t("调查中", "investigating").to_owned(),
        AlertState::Referred { to } => format!(
            "{} {}",
            ctx.t("已移送", "referred to"),
            match to {
                ReferTo::ComplaintsCentre => ctx.t("投诉中心", "the complaints centre"),
                ReferTo::Inspection => ctx.t("劳动保障监察", "labour inspection"),
                ReferTo::Police => ctx.t("公安机关", "the police"),
            }
        ),
        AlertState::Closed { outcome } => match outcome {
            Outcome::Confirmed => ctx.t("已结案（属实）", "closed (confirmed)").to_owned(),
            Outcome::Unfounded => ctx.t("已结案（不属实）", "closed (unfounded)").to_owned(),
        },
    }
}

/// The form that advances an alert: investigate, refer, close with an
/// outcome, each with a note; the version read guards a concurrent change.
fn advance_form(ctx: &Ctx, a: &AlertRow) -> Markup {
    html! {
        form method="post" action=(format!("/monitor/alerts/{}/advance", a.id)) {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(a.version);
            select name="command" aria-label=(ctx.t("处理", "Step")) {
                @if a.state == AlertState::Open {
                    option value="investigate" { (ctx.t("调查", "investigate")) }
                }
                @if a.state.referred_to().is_none() {
                    option value="refer" { (ctx.t("移送", "refer")) }
                }
                option value="close" { (ctx.t("结案", "close")) }
            }
            select name="to" aria-label=(ctx.t("移送至", "Refer to")) {
                option value="" { (ctx.t("移送至（仅移送时）", "refer to (when referring)")) }
                option value="complaints_centre" { (ctx.t("投诉中心", "complaints centre")) }
                option value="inspection" { (ctx.t("劳动保障监察", "inspection")) }
                option value="police" { (ctx.t("公安机关", "police")) }
            }
            select name="outcome" aria-label=(ctx.t("结案结果", "Outcome")) {
                option value="" { (ctx.t("结案结果（仅结案时）", "outcome (when closing)")) }
                option value="confirmed" { (ctx.t("属实", "confirmed")) }
                option value="unfounded" { (ctx.t("不属实", "unfounded")) }
            }
            input type="text" name="note" required aria-label=(ctx.t("说明", "Note")) placeholder=(ctx.t("说明", "note"));
            button type="submit" { (ctx.t("提交", "Submit")) }
        }
    }
}

fn base_rate(ctx: &Ctx, p: &Precision) -> Markup {
    html! {
        p #base-rate {
            (ctx.t("随机抽查基准：已结 ", "Random samples as the base rate: closed "))
            (p.closed) (ctx.t("，属实 ", ", confirmed ")) (p.confirmed)
            @if let Some(bp) = p.basis_points() {
                " (" (bp / 100) "." (format!("{:02}", bp % 100)) "%)"
            }
            (ctx.t("。规则的准确率高于此基准才有意义。", ". A rule is worth its alerts when it confirms more often than this."))
        }
    }
}

fn sample_form(ctx: &Ctx, error: Option<&AppError>) -> Markup {
    let bad = |f: &str| {
        error
            .is_some_and(|e| e.field() == Some(f))
            .then_some("true")
    };
    html! {
        form.cols #sample method="post" action="/monitor/sample" novalidate {
            (csrf_field(ctx))
            div {
                label for="population" { (ctx.t("随机抽查（社会保险经办条例第42条）", "Random audit sample (Decree 765 Art 42)")) }
                select #population name="population" aria-invalid=[bad("population")] {
                    @for p in Population::ALL {
                        option value=(p.as_str()) { (ctx.t(p.label_zh(), p.as_str())) }
                    }
                }
                (at_field(ctx, "population", error))
            }
            div {
                label for="size" { (ctx.t("抽取条数（1-1000）", "Records to draw (1-1000)")) }
                input #size name="size" type="number" min="1" max="1000" value="20" inputmode="numeric" aria-invalid=[bad("size")];
                (at_field(ctx, "size", error))
            }
            div {
                label for="seed" { (ctx.t("随机种子（可空，用于复现）", "Seed (optional, to draw the same again)")) }
                input #seed name="seed" inputmode="numeric" aria-invalid=[bad("seed")];
                (at_field(ctx, "seed", error))
            }
            div { button type="submit" { (ctx.t("抽取", "Draw")) } }
        }
    }
}

fn body(
    ctx: &Ctx,
    alerts: &[AlertRow],
    base: &Precision,
    handle: bool,
    error: Option<&AppError>,
    status: &MonitorStatus,
) -> Markup {
    let last_run = status.last_run.as_ref();
    html! {
        h1 { (title(ctx)) }
        p.muted { (ctx.t(
            "监测规则及其阈值是按日期生效的政策参数，每条规则写明理由、依据和严重程度；同一规则对同一对象的线索达到阈值即生成预警。再次运行不会重复生成。",
            "The monitoring rules and their thresholds are dated policy parameters, each with its reason, its source and a severity; an alert opens when one rule's flags on one subject reach its threshold. Running again opens nothing twice."
        )) }
        p { a href="/monitor/grading" { (ctx.t("单位与平台分级、行业和区域预警 →", "Grading of units and platforms, warnings by industry and district →")) } }
        @if let Some(e) = error.filter(|e| !matches!(e.field(), Some("population" | "size" | "seed"))) { (error_box(ctx, e)) }
        @if let Some(f) = &status.failure { (failure_box(ctx, f)) }
        @if handle {
            form.inline method="post" action="/monitor/run" {
                (csrf_field(ctx))
                button type="submit" name="mode" value="incremental" { (ctx.t("增量运行（上次运行以来的新记录）", "Run on what is new since the last run")) }
                " "
                button type="submit" name="mode" value="full" { (ctx.t("全量运行全部规则", "Run every rule over everything")) }
            }
            p.muted { (ctx.t(
                "每次导入后自动增量运行；全量运行是每晚的基准。",
                "An incremental run follows each import by itself; the full run is the nightly reference."
            )) }
            @if let Some(r) = last_run {
                p.muted { (ctx.t("上次运行", "Last run")) " #" (r.id) "：" (match r.mode {
                    RunMode::Full => ctx.t("全量", "full"),
                    RunMode::Incremental => ctx.t("增量", "incremental"),
                    RunMode::Sample => ctx.t("抽查", "sample"),
                }) "，" (super::format::china_time(r.started_at)) "，" (ctx.t("新线索 ", "new flags ")) (r.flags_new) }
            }
            (sample_form(ctx, error))
        }
        (base_rate(ctx, base))
        div.table-wrap { table #alerts {
            thead { tr {
                th { "#" }
                th { (ctx.t("规则", "Rule")) }
                th { (ctx.t("对象", "Subject")) }
                th { (ctx.t("等级", "Severity")) }
                th { (ctx.t("线索", "Flags")) }
                th { (ctx.t("状态", "State")) }
                @if handle { th { (ctx.t("处理", "Next step")) } }
            } }
            tbody {
                @if alerts.is_empty() {
                    tr { td colspan="7" { span.muted { (ctx.t("没有未结预警", "No open alerts")) } } }
                }
                @for a in alerts {
                    tr data-alert=(a.id) {
                        td { a href=(format!("/monitor/alerts/{}", a.id)) { (a.id) } }
                        td { code { (a.rule_id) } }
                        td { (a.subject.kind.as_str()) " " code { (a.subject.key) } }
                        td { (severity(ctx, a)) }
                        td { (a.flags) }
                        td { (state_text(ctx, a.state)) }
                        @if handle {
                            td { (advance_form(ctx, a)) }
                        }
                    }
                }
            }
        } }
    }
}

/// The last run failed (issue 16): when, after what, why, and a button to
/// run again for those who may.
fn failure_box(ctx: &Ctx, f: &MonitorFailureRow) -> Markup {
    let cause = if let Some(id) = f.cause.strip_prefix("import ") {
        format!("{}{id}", ctx.t("导入批次 #", "import #"))
    } else if let Some(id) = f.cause.strip_prefix("matching run ") {
        format!("{}{id}", ctx.t("共享数据比对 #", "data matching run #"))
    } else if f.cause == "life events" {
        ctx.t("生存状态信息导入", "the import of life events")
            .to_owned()
    } else {
        f.cause.clone()
    };
    html! {
        div.alert.error #monitor-failure role="alert" {
            strong { (ctx.t("上次监测运行失败", "The last monitoring run failed")) }
            (ctx.t("（", " ("))
            (super::format::china_time(f.failed_at))
            (ctx.t("，", ", "))
            (ctx.t("在", "after ")) (cause) (ctx.t("之后自动运行", ""))
            (ctx.t("）。", "). "))
            (ctx.t("导入的数据已保存，尚未经过监测规则检查；请重新运行，运行会覆盖自上次成功运行以来的全部新记录。",
                "The imported records are stored but not yet checked by the rules: run again, and the run covers every record since the last run that succeeded."))
            details { summary { (ctx.t("失败原因", "Why it failed")) } code { (f.reason) } }
            @if ctx.viewer.may(Action::RunMonitor) {
                form.inline method="post" action="/monitor/run" {
                    (csrf_field(ctx))
                    button.primary type="submit" name="mode" value="incremental" { (ctx.t("重新运行", "Run again")) }
                }
            }
        }
    }
}

/// What was stored by the work the monitoring ran after (an order import,
/// a matching run), for [`after_import_failed`] to say it stands.
pub(super) struct AfterWhat {
    /// The note's heading: the run after which work failed.
    pub heading: (&'static str, &'static str),
    /// "订单" / "The orders": what the work stored.
    pub stored: (&'static str, &'static str),
}

/// The note on a page where records are imported (the platform's orders,
/// the matching run): the incremental monitoring run after it failed, what
/// it stored stands, and the monitoring page shows it and runs it again
/// (issue 16). Nothing when the run ran or none was made.
pub(super) fn after_import_failed(
    ctx: &Ctx,
    monitoring: Option<&AfterImportRun>,
    what: &AfterWhat,
) -> Markup {
    html! {
        @if let Some(AfterImportRun::Failed { reason }) = monitoring {
            div.alert.warn #import-monitoring role="alert" {
                strong { (ctx.t(what.heading.0, what.heading.1)) }
                (ctx.t(what.stored.0, what.stored.1))
                (ctx.t("已保存，不受影响；经办机构的监测页面会显示此次失败并可重新运行，下次运行会覆盖这些记录。",
                    " are stored and stand; the agency's monitoring page shows the failure and runs it again, and the next run covers these records."))
                details { summary { (ctx.t("原因", "Why")) } code { (reason) } }
            }
        }
    }
}

async fn render(state: &AppState, ctx: &Ctx, error: Option<&AppError>) -> Response {
    let Some(actor) = ctx.viewer.actor() else {
        return Redirect::to("/login?next=/monitor").into_response();
    };
    let handle = ctx.viewer.may(Action::HandleAlert);
    match state
        .run(move |app| {
            let alerts = app.alerts(&actor, Some("active"), None, Some(500))?;
            let status = app.monitor_status(&actor)?;
            Ok::<_, AppError>((alerts, app.sample_base_rate(&actor)?, status))
        })
        .await
    {
        Ok((alerts, base, status)) => respond(
            ctx,
            title(ctx),
            body(ctx, &alerts, &base, handle, error, &status),
        ),
        Err(e) => super::error_page(ctx, &e),
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = session::require(&ctx, Action::ReadAlerts) {
        return r;
    }
    render(&state, &ctx, None).await
}

async fn change<F>(state: AppState, ctx: Ctx, csrf: String, action: Action, run: F) -> Response
where
    F: FnOnce(&gongshang_app::App, &gongshang_app::accounts::Actor) -> Result<(), AppError>
        + Send
        + 'static,
{
    let actor = match session::require(&ctx, action) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &csrf) {
        return r;
    }
    match state.run(move |app| run(app, &actor)).await {
        Ok(()) => Redirect::to("/monitor").into_response(),
        Err(e) => {
            let status = super::error_status(&e);
            (status, render(&state, &ctx, Some(&e)).await).into_response()
        }
    }
}

async fn run(State(state): State<AppState>, ctx: Ctx, Form(f): Form<RunForm>) -> Response {
    let mode = if f.mode == "incremental" {
        RunMode::Incremental
    } else {
        RunMode::Full
    };
    change(
        state,
        ctx,
        f.csrf_token,
        Action::RunMonitor,
        move |app, actor| app.run_monitor_in(actor, mode).map(|_| ()),
    )
    .await
}

async fn sample(State(state): State<AppState>, ctx: Ctx, Form(f): Form<SampleForm>) -> Response {
    let csrf = f.csrf_token.clone();
    change(state, ctx, csrf, Action::RunMonitor, move |app, actor| {
        let population =
            Population::parse(&f.population).map_err(|e| AppError::invalid("population", e))?;
        let size: usize = f.size.trim().parse().map_err(|_| {
            AppError::invalid("size", format!("{:?} is not a whole number", f.size))
        })?;
        let seed =
            match f.seed.trim() {
                "" => None,
                t => Some(t.parse::<u64>().map_err(|_| {
                    AppError::invalid("seed", format!("{t:?} is not a whole number"))
                })?),
            };
        app.draw_audit_sample(actor, population, size, seed)
            .map(|_| ())
    })
    .await
}

async fn advance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AdvanceForm>,
) -> Response {
    let csrf = f.csrf_token.clone();
    change(state, ctx, csrf, Action::HandleAlert, move |app, actor| {
        let note = f.note;
        let command = match f.command.as_str() {
            "investigate" => AlertCommand::Investigate { note },
            "refer" => AlertCommand::Refer {
                to: ReferTo::parse(&f.to).map_err(|e| AppError::invalid("to", e))?,
                note,
            },
            "close" => AlertCommand::Close {
                outcome: Outcome::parse(&f.outcome).map_err(|e| AppError::invalid("outcome", e))?,
                note,
            },
            other => {
                return Err(AppError::invalid(
                    "command",
                    format!("{other:?} is not one of investigate, refer, close"),
                ));
            }
        };
        app.handle_alert(actor, id, f.version, command).map(|_| ())
    })
    .await
}

/// An alert as the investigator works it (issue 16): the rule that fired,
/// with its reason and source; each flag in words with the records it fired
/// on (a case links to its page); the history of its handling; and, for
/// who may handle it, the form to advance it.
async fn alert_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let actor = match session::require(&ctx, Action::ReadAlerts) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let handle = ctx.viewer.may(Action::HandleAlert);
    match state
        .run_read(move |app| app.alert_detail(&actor, id))
        .await
    {
        Ok(d) => {
            let heading = format!(
                "{} #{} · {}",
                ctx.t("预警", "Alert"),
                d.alert.id,
                d.rule.as_ref().map_or(d.alert.rule_id.as_str(), |r| {
                    ctx.t(r.name_zh.as_str(), r.name_en.as_str())
                })
            );
            respond(&ctx, &heading, alert_body(&ctx, &heading, &d, handle))
        }
        Err(e) => super::error_page(&ctx, &e),
    }
}

fn record_link(r: &gongshang_domain::monitor::RecordRef) -> Markup {
    html! {
        @if r.kind == "case" {
            a href=(format!("/cases/{}", r.key)) { code { (r.key) } }
        } @else {
            code { (r.key) }
        }
    }
}

fn record_kind<'a>(ctx: &'a Ctx, kind: &'a str) -> &'a str {
    match kind {
        "case" => ctx.t("案件", "case"),
        "cover" => ctx.t("保障", "cover"),
        "enrolment" => ctx.t("参保记录", "enrolment"),
        "match_hit" => ctx.t("比对结果", "data-matching hit"),
        "order_day" => ctx.t("订单日", "order day"),
        "overpayment" => ctx.t("多发待遇", "overpayment"),
        "payment" => ctx.t("缴费", "payment"),
        "periodic_benefit" => ctx.t("定期待遇", "periodic benefit"),
        "person_orders" => ctx.t(
            "人员订单（身份证号/行业/期间/单数）",
            "a person's orders (id/industry/period/count)",
        ),
        "declaration_month" => ctx.t("月度申报", "monthly declaration"),
        "platform_declaration" => ctx.t("平台申报", "platform's declaration"),
        "platform_payout_month" => ctx.t("平台月度支缴", "platform's month of payouts"),
        other => other,
    }
}

fn alert_body(
    ctx: &Ctx,
    heading: &str,
    d: &gongshang_app::monitor::AlertDetail,
    handle: bool,
) -> Markup {
    let a = &d.alert;
    html! {
        p { a href="/monitor" { (ctx.t("← 全部预警", "← All alerts")) } }
        h1 { (heading) }
        section.card {
            dl.facts {
                dt { (ctx.t("等级", "Severity")) } dd { (severity(ctx, a)) }
                dt { (ctx.t("对象", "Subject")) } dd { (subject_words(ctx, a)) }
                dt { (ctx.t("状态", "State")) } dd #alert-state { (state_text(ctx, a.state)) }
                dt { (ctx.t("线索数", "Flags")) } dd { (a.flags) }
                dt { (ctx.t("发出时间", "Opened")) } dd { (super::format::china_time(a.opened_at)) }
                @if let Some(r) = &d.rule {
                    dt { (ctx.t("为何预警", "Why it warns")) } dd { (ctx.t(r.reason_zh.as_str(), r.reason_en.as_str())) }
                    dt { (ctx.t("依据", "Source")) } dd {
                        (r.instrument) " " (r.article)
                        @if r.status == gongshang_rules::params::Status::Assumed { " " span.tag.warn { (ctx.t("阈值为本系统设定", "threshold assumed")) } }
                    }
                }
            }
        }
        h2 { (ctx.t("线索及所涉记录", "The flags and the records they fired on")) }
        div.table-wrap { table #flags {
            thead { tr { th { (ctx.t("线索", "Flag")) } th { (ctx.t("记录", "Records")) } } }
            tbody {
                @for f in &d.flags {
                    tr {
                        td { (ctx.t(f.text_zh.as_str(), f.text_en.as_str())) }
                        td {
                            @for r in &f.records {
                                span.record { (record_kind(ctx, &r.kind)) " " (record_link(r)) } " "
                            }
                        }
                    }
                }
            }
        } }
        h2 { (ctx.t("处理经过", "Handling")) }
        @if d.events.is_empty() {
            p.muted { (ctx.t("尚未处理。", "Not handled yet.")) }
        } @else {
            div.table-wrap { table #alert-events {
                thead { tr {
                    th { (ctx.t("时间", "When")) } th { (ctx.t("处理", "Step")) }
                    th { (ctx.t("说明", "Note")) } th { (ctx.t("经办人", "By")) }
                } }
                tbody {
                    @for e in &d.events {
                        tr {
                            td { (super::format::china_time(e.at)) }
                            td { (step_text(ctx, &e.kind)) }
                            td { (e.note) }
                            td { (super::staff_words::actor_words(ctx, &e.actor)) }
                        }
                    }
                }
            } }
        }
        @if handle && !matches!(a.state, AlertState::Closed { .. }) {
            h2 { (ctx.t("下一步", "Next step")) }
            (advance_form(ctx, a))
        }
    }
}

/// The alert's subject in words; a unit links to its page (found by its
/// code).
fn subject_words(ctx: &Ctx, a: &AlertRow) -> Markup {
    use gongshang_domain::monitor::SubjectKind;
    let key = &a.subject.key;
    html! {
        @match a.subject.kind {
            SubjectKind::Unit => { (ctx.t("单位", "unit")) " " a href=(format!("/units?q={key}")) { code { (key) } } }
            SubjectKind::Platform => { (ctx.t("平台", "platform")) " " code { (key) } }
            SubjectKind::Person => {
                (ctx.t("人员", "person")) " "
                code { (gongshang_domain::ids::ResidentId::parse(key).map_or_else(|_| key.clone(), |r| r.masked())) }
            }
        }
    }
}

fn step_text<'a>(ctx: &'a Ctx, kind: &'a str) -> &'a str {
    match kind {
        "opened" => ctx.t("发出预警", "opened"),
        "investigate" | "investigated" => ctx.t("调查", "investigated"),
        "refer" | "referred" => ctx.t("移送", "referred"),
        "close" | "closed" => ctx.t("结案", "closed"),
        other => other,
    }
}
