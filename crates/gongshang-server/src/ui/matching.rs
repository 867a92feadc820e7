//! The shared-data matching page (共享数据比对; Decree No. 765 Arts 9, 26,
//! 46) for agency staff: a form to run the matching (mode, how overpayments
//! come back), the hits of the runs with what each ended or changed and the
//! overpayment it recorded, and the benefits due for verification of
//! eligibility. Reviewers see the lists without the form.

use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::matching::{MatchHitRow, MatchMode, MatchRecovery, VerificationQueue};
use gongshang_app::monitor::AfterImportRun;
use maud::{Markup, html};
use serde::Deserialize;

use super::format::yuan;
use super::session::{self, csrf_field};
use super::{Ctx, respond};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/matching", get(page))
        .route("/matching/run", post(run))
        .route(
            "/matching/verifications-due/suspend",
            post(suspend_unverified),
        )
}

#[derive(Clone, Debug, Default, Deserialize)]
struct RunForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    recovery: String,
    #[serde(default)]
    months: String,
}

/// An error in the page's language: the app's messages here are
/// "English / 中文".
fn say(ctx: &Ctx, e: &AppError) -> String {
    let text = e.to_string();
    match text.rsplit_once(" / ") {
        Some((en, zh)) => ctx.t(zh, en).to_owned(),
        None => text,
    }
}

fn invalid(error: Option<&AppError>, field: &str) -> bool {
    error.is_some_and(|e| e.field() == Some(field))
}

/// The error under the field it concerns (`id="{field}-error"`).
fn field_error(ctx: &Ctx, error: Option<&AppError>, field: &str) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| e.field() == Some(field)) {
            p.field-error role="alert" id=(format!("{field}-error")) { (say(ctx, e)) }
        }
    }
}

/// An error of no field of the form, at its top.
fn form_error(ctx: &Ctx, error: Option<&AppError>, fields: &[&str]) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| e.field().is_none_or(|f| !fields.contains(&f))) {
            div.alert.error role="alert" tabindex="-1" autofocus { (say(ctx, e)) }
        }
    }
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("共享数据比对", "Shared-data matching")
}

fn rule_text(ctx: &Ctx, h: &MatchHitRow) -> String {
    match h.rule.as_str() {
        "death" => ctx.t("死亡", "death"),
        "remarriage" => ctx.t("配偶再婚", "remarriage"),
        "dependant_turns_18" => ctx.t("年满18周岁", "turned 18"),
        "pension_start" => ctx.t("领取基本养老金", "pension start"),
        "employment" => ctx.t("就业", "employment"),
        "enlistment" => ctx.t("参军", "enlistment"),
        "adoption" => ctx.t("被他人或组织收养", "adoption"),
        other => other,
    }
    .to_owned()
}

fn item_text(ctx: &Ctx, item: gongshang_rules::Item) -> String {
    if ctx.lang == gongshang_app::Lang::Zh {
        item.label_zh().to_owned()
    } else {
        item.label_en().to_owned()
    }
}

fn done_text(ctx: &Ctx, h: &MatchHitRow) -> String {
    match (h.last_month, h.new_from_month, h.new_amount) {
        (Some(last), _, _) => format!(
            "{} {last}",
            ctx.t("停发，最后发放月", "ended, last month paid")
        ),
        (None, Some(from), Some(a)) => format!(
            "{} {from} {} {}",
            ctx.t("自", "from"),
            ctx.t("起每月补差", "the difference a month:"),
            yuan(a)
        ),
        _ => "—".to_owned(),
    }
}

fn body(
    ctx: &Ctx,
    hits: &[MatchHitRow],
    queue: &VerificationQueue,
    can_run: bool,
    form: &RunForm,
    error: Option<&AppError>,
    monitoring: Option<&AfterImportRun>,
) -> Markup {
    let fields = ["mode", "recovery", "months"];
    html! {
        h1 { (title(ctx)) }
        (super::monitor::after_import_failed(ctx, monitoring, &super::monitor::AfterWhat {
            heading: ("比对后的自动监测未能完成：", "The monitoring run after the matching failed: "),
            stored: ("比对结果（停发、补差、多发待遇）", "The matching's results (benefits ended or changed, overpayments)"),
        }))
        p.muted { (ctx.t(
            "比对公安、民政、养老保险经办机构、征兵部门共享的死亡、婚姻、收养、养老金领取、就业参保、参军数据，以及身份证号码中的出生日期：丧失资格的定期待遇停发（死亡、再婚当月照发，次月起停发；供养亲属就业、参军或被他人或组织收养的，当月照发，次月起停发抚恤金；子女年满18周岁当月起停发；领取基本养老金的一至四级伤残津贴改为补差），已多发的月份登记为多发待遇并按《社会保险经办条例》第四十六条追回。再次运行不会重复处理。",
            "Deaths, marriages, adoptions, pension starts, employment and enlistment shared by public security, civil affairs, the pension agency, the social insurance register and the military service offices, and the birth dates in resident ids, are matched against the periodic benefits in payment: a benefit whose conditions ended stops (paid for the month of a death or a remarriage, not after; a survivor's pension likewise after an employment, an enlistment or an adoption; a child's from the month of the 18th birthday; a grade 1-4 allowance with a basic pension becomes the difference), and the months already paid are recorded as an overpayment recovered under Decree 765 Art 46. Running again does nothing twice."
        )) }
        @if can_run {
            form.stacked #run-matching method="post" action="/matching/run" {
                (csrf_field(ctx))
                (form_error(ctx, error, &fields))
                label for="mode" { (ctx.t("比对范围", "Which events")) }
                select #mode name="mode" aria-invalid=[invalid(error, "mode").then_some("true")] {
                    option value="incremental" selected[form.mode != "full"] { (ctx.t("上次运行后导入的事件", "Imported since the last run")) }
                    option value="full" selected[form.mode == "full"] { (ctx.t("全部事件", "Every event")) }
                }
                (field_error(ctx, error, "mode"))
                label for="recovery" { (ctx.t("多发待遇追回方式", "How overpayments come back")) }
                select #recovery name="recovery" aria-invalid=[invalid(error, "recovery").then_some("true")] {
                    option value="" selected[form.recovery.is_empty()] { (ctx.t("请选择", "Choose")) }
                    option value="refund" selected[form.recovery == "refund"] { (ctx.t("一次性退回", "Refund at once")) }
                    option value="instalments" selected[form.recovery == "instalments"] { (ctx.t("分期退回", "By instalments")) }
                }
                (field_error(ctx, error, "recovery"))
                label for="months" { (ctx.t("分期月数（1–120）", "Instalments (1–120 months)")) }
                input #months name="months" inputmode="numeric" value=(form.months) aria-invalid=[invalid(error, "months").then_some("true")];
                (field_error(ctx, error, "months"))
                button type="submit" { (ctx.t("运行比对", "Run the matching")) }
            }
        }
        h2 { (ctx.t("比对结果", "Hits")) }
        div.table-wrap { table #hits {
            thead { tr {
                th { (ctx.t("批次", "Run")) }
                th { (ctx.t("案件", "Case")) }
                th { (ctx.t("待遇", "Benefit")) }
                th { (ctx.t("事件", "Event")) }
                th { (ctx.t("处理", "Done")) }
                th { (ctx.t("多发", "Overpaid")) }
                th { (ctx.t("多发待遇", "Overpayment")) }
                th { (ctx.t("依据", "Article")) }
            } }
            tbody {
                @if hits.is_empty() {
                    tr { td colspan="8" { span.muted { (ctx.t("尚无比对结果", "No hits yet")) } } }
                }
                @for h in hits.iter().rev() {
                    tr data-hit=(h.id) {
                        td { (h.run_id) }
                        td { a href=(format!("/cases/{}", h.case_number)) { (h.case_number) } }
                        td { (item_text(ctx, h.item)) " · " (h.beneficiary) " #" (h.benefit_id) }
                        td { (rule_text(ctx, h)) " " (h.on) }
                        td { (done_text(ctx, h)) }
                        td.num { (yuan(h.overpaid)) " (" (h.overpaid_months) (ctx.t(" 个月", " months")) ")" }
                        td { (h.overpayment_reference.as_deref().unwrap_or("—")) }
                        td.muted { (h.article) }
                    }
                }
            }
        } }
        h2 { (ctx.t("待资格认证", "Eligibility to verify")) }
        p.muted { (if ctx.zh() {
            format!(
                "自 {} 以来未认证的在发定期待遇（认证周期 {} 个月，为假定值：《社会保险经办条例》第二十六条未规定周期）",
                queue.cutoff, queue.period_months
            )
        } else {
            format!(
                "Periodic benefits in payment not verified since {} (a period of {} months, assumed: Decree 765 Art 26 sets none)",
                queue.cutoff, queue.period_months
            )
        }) }
        @if ctx.viewer.may(Action::ManageBenefits) && !queue.due.is_empty() {
            form #suspend-unverified method="post" action="/matching/verifications-due/suspend" {
                (csrf_field(ctx))
                p.muted { (ctx.t(
                    "《广东省工伤保险条例》第三十七条：领取伤残津贴或者供养亲属抚恤金的人员应当每年通过领取待遇资格认证，方可继续领取。下列广东案件中逾期未认证的待遇可暂停发放；认证登记后自动恢复，暂停月份由当月待遇发放补发。其他地区的案件只列出，不暂停。",
                    "Guangdong Regulations Art 37: an allowance or a survivor's pension is drawn on condition of the yearly eligibility verification. The Guangdong cases' benefits below can be suspended; a verification recorded lifts the suspension, and the next run of each month held back pays it. Cases elsewhere are listed, not suspended.",
                )) }
                button type="submit" { (ctx.t("暂停广东逾期未认证的待遇", "Suspend the Guangdong benefits not verified")) }
            }
        }
        div.table-wrap { table #due {
            thead { tr {
                th { (ctx.t("案件", "Case")) }
                th { (ctx.t("待遇", "Benefit")) }
                th { (ctx.t("上次认证", "Last verified")) }
                th { (ctx.t("发放状态", "Payment")) }
            } }
            tbody {
                @if queue.due.is_empty() {
                    tr { td colspan="4" { span.muted { (ctx.t("全部已认证", "All verified")) } } }
                }
                @for d in &queue.due {
                    tr data-benefit=(d.benefit_id) {
                        td { a href=(format!("/cases/{}", d.case_number)) { (d.case_number) } }
                        td { (item_text(ctx, d.item)) " · " (d.beneficiary) " #" (d.benefit_id) }
                        td { (d.last_verified_on.map_or_else(|| ctx.t("从未", "never").to_owned(), |d| d.to_string())) }
                        td {
                            @match queue.suspended.get(&d.benefit_id) {
                                Some(on) => { span.tag.warn.suspended-unverified { (ctx.t("未认证暂停", "suspended, not verified")) } " " span.muted { (on) (ctx.t(" 起（广东条例第三十七条）", " on (Guangdong Regulations Art 37)")) } },
                                None => { span.muted { (ctx.t("照常发放", "paid")) } },
                            }
                        }
                    }
                }
            }
        } }
    }
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: RunForm,
    error: Option<&AppError>,
    monitoring: Option<&AfterImportRun>,
) -> Response {
    let Some(actor) = ctx.viewer.actor() else {
        return Redirect::to("/login?next=/matching").into_response();
    };
    let can_run = ctx.viewer.may(Action::RunMatching);
    match state
        .run(move |app| {
            Ok((
                app.match_hits(&actor, None)?,
                app.verifications_due(&actor)?,
            ))
        })
        .await
    {
        Ok((hits, queue)) => respond(
            ctx,
            title(ctx),
            body(ctx, &hits, &queue, can_run, &form, error, monitoring),
        ),
        Err(e) => super::error_page(ctx, &e),
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = session::require(&ctx, Action::ReadMatching) {
        return r;
    }
    render(&state, &ctx, RunForm::default(), None, None).await
}

fn recovery_of(form: &RunForm) -> Result<MatchRecovery, AppError> {
    match form.recovery.trim() {
        "refund" => Ok(MatchRecovery::Refund),
        "instalments" => {
            let months: u32 = form.months.trim().parse().map_err(|_| {
                AppError::invalid(
                    "months",
                    format!(
                        "{:?} is not a number of months; 1 to 120 / 分期月数应为 1 至 120",
                        form.months
                    ),
                )
            })?;
            Ok(MatchRecovery::Instalments { months })
        }
        _ => Err(AppError::invalid(
            "recovery",
            "choose how the overpayments come back: refund or instalments / 请选择追回方式",
        )),
    }
}

/// Suspends the Guangdong benefits not verified (Art 37), then shows the
/// queue with each one's state.
async fn suspend_unverified(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RunForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageBenefits) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    match state.run(move |app| app.suspend_unverified(&actor)).await {
        Ok(_) => Redirect::to("/matching#due").into_response(),
        Err(e) => render(&state, &ctx, RunForm::default(), Some(&e), None).await,
    }
}

async fn run(State(state): State<AppState>, ctx: Ctx, Form(f): Form<RunForm>) -> Response {
    let actor = match session::require(&ctx, Action::RunMatching) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let form = f.clone();
    let result = state
        .run(move |app| {
            let mode = MatchMode::parse(f.mode.trim())?;
            let recovery = recovery_of(&f)?;
            app.run_matching(&actor, mode, recovery)
                .map(|view| view.monitoring)
        })
        .await;
    match result {
        // The monitoring run after it failed: the page says so at once (the
        // run stands; a reload shows the page without the note, and the
        // monitoring page keeps the failure).
        Ok(Some(failed @ AfterImportRun::Failed { .. })) => {
            render(&state, &ctx, RunForm::default(), None, Some(&failed)).await
        }
        Ok(_) => Redirect::to("/matching").into_response(),
        Err(e) => {
            let status = super::error_status(&e);
            (status, render(&state, &ctx, form, Some(&e), None).await).into_response()
        }
    }
}
