//! The fund's advance payment (先行支付; Social Insurance Law Arts 41-42,
//! MOHRSS Order No. 15) at `/cases/{number}/advances`: the case's
//! applications with their state, and the forms of who may act on them
//! (record an application, send the unit's notice, grant or refuse, approve
//! and pay, record a repayment, end the monthly advance). An advance on the
//! unit's ground shows its monthly items, advanced by the payroll month by
//! month (Order No. 15 Art 8): from which month, how many months, how much. A refused form keeps what was typed and
//! shows the refusal under its field. The case page's `#advances` section
//! summarises and links here; the worker's case page shows the state in
//! plain words (`worker_section`). Chinese by default, English with `?lang=en`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::cases::MonthlyAdvanceEndRequest;
use gongshang_app::cases::{
    AdvanceApplicant, AdvanceApplication, AdvanceDecision, AdvanceRecoveryRequest, AdvanceState,
    AdvanceView,
};
use gongshang_domain::month::Month;
use gongshang_rules::advance::{Debtor, Ground, MonthlyEnd};
use maud::{Markup, html};
use serde::Deserialize;

use super::medical::{date_of, money_of};
use super::staff_words::{actor_words, at_field, at_form};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{number}/advances", get(page).post(act))
}

fn title(ctx: &Ctx) -> &str {
    ctx.t(
        "工伤保险基金先行支付（《社会保险法》第四十一条、第四十二条）",
        "The fund's advance payment (Social Insurance Law Arts 41-42)",
    )
}

fn ground_words(ctx: &Ctx, g: Ground) -> &'static str {
    match g {
        Ground::EmployerUnpaid => ctx.t(
            "用人单位未缴纳工伤保险费且不支付待遇",
            "the unit had not paid premiums and does not pay",
        ),
        Ground::ThirdParty => ctx.t(
            "第三人不支付工伤医疗费用或者无法确定第三人",
            "a third party does not pay the medical costs or cannot be found",
        ),
    }
}

fn state_words(ctx: &Ctx, s: AdvanceState) -> &'static str {
    match s {
        AdvanceState::Applied => ctx.t("已申请", "Applied"),
        AdvanceState::UnitNotified => ctx.t("已催告用人单位", "Unit notified"),
        AdvanceState::Granted => ctx.t("已核定，待复核支付", "Granted, awaiting approval"),
        AdvanceState::Refused => ctx.t("不予先行支付", "Refused"),
        AdvanceState::Paid => ctx.t("已先行支付，待追偿", "Paid, to be recovered"),
        AdvanceState::PartlyRecovered => ctx.t("部分追回", "Partly recovered"),
        AdvanceState::Recovered => ctx.t("已全部追回", "Recovered in full"),
    }
}

/// The worker's case page: each advance's state in plain words.
pub(super) fn worker_section(ctx: &Ctx, list: &[AdvanceView]) -> Markup {
    html! {
        @if !list.is_empty() {
            section.card #case-advance {
                h2 style="margin-top:0" { (ctx.t("工伤保险基金先行支付", "The fund's advance payment")) }
                @for a in list {
                    p role="status" { (ctx.t(&a.plain_zh, &a.plain_en)) }
                }
            }
        }
    }
}

fn table(ctx: &Ctx, list: &[AdvanceView]) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { (ctx.t("本案没有先行支付申请。", "No application for an advance on this case.")) }
        } @else {
            div.table-wrap { table #advances-table {
                thead { tr {
                    th { "#" }
                    th { (ctx.t("申请理由", "Ground")) }
                    th { (ctx.t("申请日", "Applied")) }
                    th { (ctx.t("状态", "State")) }
                    th { (ctx.t("核定金额", "Granted")) }
                    th { (ctx.t("已追回", "Recovered")) }
                    th { (ctx.t("尚欠", "Owed")) }
                } }
                tbody { @for a in list { tr {
                    td { (a.id) }
                    td { (ground_words(ctx, a.ground)) }
                    td { (a.applied_on) }
                    td {
                        strong { (state_words(ctx, a.state)) } br; span.muted { (ctx.t(&a.plain_zh, &a.plain_en)) }
                        @if let Some(from) = a.monthly_from {
                            br; span.monthly-summary { (monthly_summary(ctx, a, from)) }
                        }
                    }
                    td.num { (a.granted.map(|m| m.to_string()).unwrap_or_default()) }
                    td.num { (a.recovered) }
                    td.num { (a.outstanding) }
                } } }
            } }
        }
    }
}

/// "Monthly: from 2026-06, 2 months, 12800.00 yuan advanced (running)".
fn monthly_summary(ctx: &Ctx, a: &AdvanceView, from: Month) -> String {
    let state = match (&a.monthly_end, a.monthly_running) {
        (Some(e), _) => format!(
            "{}{}",
            ctx.t("已停止，最后月份 ", "ended, last month "),
            e.last_month
        ),
        (None, true) => ctx.t("按月支付中", "running").to_owned(),
        (None, false) => ctx.t("待复核支付后开始", "starts once paid").to_owned(),
    };
    format!(
        "{}{from}{}{}{}{}{}（{state}）",
        ctx.t("按月先行支付：自 ", "Monthly advance: from "),
        ctx.t(" 起，已支付 ", ", "),
        a.monthly_months_paid,
        ctx.t(" 个月次，共 ", " item-months, "),
        a.monthly_advanced,
        ctx.t(" 元", " yuan"),
    )
}

/// The case page's section.
pub(super) fn section(ctx: &Ctx, number: &str, list: &[AdvanceView]) -> Markup {
    html! {
        section.card #advances {
            h2 style="margin-top:0" { (title(ctx)) }
            (table(ctx, list))
            p { a href=(format!("/cases/{number}/advances")) {
                (if ctx.viewer.may(Action::DecideAdvance) { ctx.t("先行支付申请、催告、核定与追偿", "Applications, notices, decisions and recoveries") } else { ctx.t("先行支付详情", "The advances in detail") })
            } }
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    csrf_token: String,
    /// apply, notice, grant, refuse, pay, recover
    #[serde(default)]
    action: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    ground: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    applicant_name: String,
    #[serde(default)]
    circumstance: String,
    #[serde(default)]
    third_party: String,
    #[serde(default)]
    applied_on: String,
    #[serde(default)]
    documents: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    document: String,
    /// Who repaid (recover): unit, third_party or recipient (Order 15 Art 11).
    #[serde(default)]
    from: String,
    /// The last month advanced (end_monthly), YYYY-MM.
    #[serde(default)]
    last_month: String,
    /// What the end rests on (end_monthly).
    #[serde(default)]
    note: String,
}

const APPLY_FIELDS: [&str; 7] = [
    "ground",
    "applicant",
    "applicant_name",
    "circumstance",
    "third_party",
    "applied_on",
    "documents",
];

fn field<'a>(
    ctx: &'a Ctx,
    error: Option<&'a AppError>,
    id: &'static str,
    label: &'static str,
    value: &'a str,
    kind: &'static str,
) -> Markup {
    let bad = error
        .is_some_and(|e| e.field() == Some(id))
        .then_some("true");
    html! {
        div {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(id) value=(value) aria-invalid=[bad];
            (at_field(ctx, id, error))
        }
    }
}

fn apply_form(ctx: &Ctx, number: &str, failed: Option<(&AppError, &AdvanceForm)>) -> Markup {
    let empty = AdvanceForm::default();
    let (error, f) = match failed {
        Some((e, f)) if f.action == "apply" => (Some(e), f),
        _ => (None, &empty),
    };
    html! {
        section.card #advance-apply {
            h2 { (ctx.t("登记先行支付申请（《社会保险基金先行支付暂行办法》第四条、第六条）", "Record an application (Order No. 15 Arts 4, 6)")) }
            p.muted { (ctx.t("职工或其近亲属持工伤认定决定书和有关材料书面申请。", "The worker or a close relative applies in writing with the determination decision and the documents.")) }
            form.stack #advance-apply-form method="post" action=(format!("/cases/{number}/advances")) novalidate {
                (session::csrf_field(ctx))
                input type="hidden" name="action" value="apply";
                (at_form(ctx, &APPLY_FIELDS, error))
                div.cols {
                    div {
                        label for="ground" { (ctx.t("申请理由", "Ground")) }
                        select #ground name="ground" aria-invalid=[error.is_some_and(|e| e.field() == Some("ground")).then_some("true")] {
                            option value="" selected[f.ground.is_empty()] { (ctx.t("请选择", "Choose")) }
                            @for g in Ground::ALL {
                                option value=(g.as_str()) selected[f.ground == g.as_str()] { (ground_words(ctx, g)) }
                            }
                        }
                        (at_field(ctx, "ground", error))
                    }
                    div {
                        label for="applicant" { (ctx.t("申请人", "Applicant")) }
                        select #applicant name="applicant" {
                            option value="worker" selected[f.applicant != "relative"] { (ctx.t("职工本人", "The worker")) }
                            option value="relative" selected[f.applicant == "relative"] { (ctx.t("近亲属", "A close relative")) }
                        }
                        (at_field(ctx, "applicant", error))
                    }
                    (field(ctx, error, "applicant_name", ctx.t("申请人姓名", "Applicant's name"), &f.applicant_name, "text"))
                    (field(ctx, error, "circumstance", ctx.t("不支付的情形", "Why it is not paid"), &f.circumstance, "text"))
                    (field(ctx, error, "third_party", ctx.t("第三人（如知道）", "The third party (if known)"), &f.third_party, "text"))
                    (field(ctx, error, "applied_on", ctx.t("收到申请日期", "Received on"), &f.applied_on, "date"))
                    (field(ctx, error, "documents", ctx.t("提交的材料", "Documents handed in"), &f.documents, "text"))
                }
                button.primary type="submit" { (ctx.t("登记申请", "Record the application")) }
            }
        }
    }
}

/// The forms an advance's state allows, for who may use them.
fn step_forms(
    ctx: &Ctx,
    number: &str,
    a: &AdvanceView,
    failed: Option<(&AppError, &AdvanceForm)>,
) -> Markup {
    let mine = failed.filter(|(_, f)| f.id == a.id.to_string());
    let error_for = |action: &str| mine.filter(|(_, f)| f.action == action).map(|(e, _)| e);
    let typed = |action: &str| {
        mine.filter(|(_, f)| f.action == action)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    };
    let may_decide = ctx.viewer.may(Action::DecideAdvance);
    let undecided = matches!(a.state, AdvanceState::Applied | AdvanceState::UnitNotified);
    let form = |action: &'static str, button: &'static str, body: Markup| {
        let error = error_for(action);
        html! {
            form.stack method="post" action=(format!("/cases/{number}/advances")) novalidate {
                (session::csrf_field(ctx))
                input type="hidden" name="action" value=(action);
                input type="hidden" name="id" value=(a.id);
                (at_form(ctx, &["on", "reason", "amount", "document", "from", "received_on", "decided_on", "sent_on", "paid_on", "last_month", "note"], error))
                (body)
                button.primary type="submit" { (button) }
            }
        }
    };
    let may_end = ctx.viewer.may(Action::EndMonthlyAdvance)
        && !a.monthly.is_empty()
        && a.monthly_end.is_none()
        && !matches!(a.state, AdvanceState::Refused);
    html! {
        section.card id=(format!("advance-{}", a.id)) {
            h3 { (ctx.t("申请 ", "Application ")) (a.id) " · " (state_words(ctx, a.state)) }
            p { (ground_words(ctx, a.ground)) " · " (a.applicant_name) " · " (a.applied_on) }
            @if let Some(d) = a.notice_due { p.muted { (ctx.t("书面催告最迟 ", "The unit's notice due by ")) (d) (ctx.t("（第七条）", " (Art 7)")) } }
            p.muted { (ctx.t("不予支付的决定最迟 ", "A refusal due by ")) (a.refusal_due) (ctx.t("（第九条）", " (Art 9)")) }
            @if let Some(d) = a.unit_pay_by { p { (ctx.t("用人单位应于 ", "The unit must pay by ")) strong { (d) } (ctx.t(" 前支付；逾期由基金先行支付。", "; after that the fund advances.")) } }
            @if !a.lines.is_empty() {
                ul { @for l in &a.lines { li { (l.source) "：" (l.amount) (ctx.t(" 元（", " yuan (")) (ctx.t(&l.article_zh, &l.article_en)) (ctx.t("）", ")")) } } }
            }
            @if let Some(r) = &a.refusal_reason { p { (ctx.t("不予支付理由：", "Reason refused: ")) (r) } }
            @if let Some(d) = a.repay_by { p { (ctx.t("责令用人单位于 ", "The unit ordered to repay by ")) strong { (d) } (ctx.t(" 前偿还（第十三条）。", " (Art 13).")) } }
            @if let Some(by) = &a.decided_by { p.muted { (ctx.t("核定：", "Decided by: ")) (actor_words(ctx, by)) } }
            @if !a.monthly.is_empty() {
                h4 { (ctx.t("按月先行支付（第八条；《工伤保险条例》第六十二条第二款）", "Monthly advance (Art 8; Regulations Art 62(2))")) }
                p.muted { (ctx.t("用人单位未参保且不支付的按月待遇中应由基金支付的项目，自核定当月起由月度发放按月先行支付，每月计入用人单位应偿还的金额，直至用人单位恢复支付、待遇终止或停止按月先行支付。", "The monthly items the fund would have paid, which the uninsured unit does not pay, are advanced by the monthly payroll from the month of the grant; each month adds to what the unit owes, until the unit pays again, the benefit ends or the monthly advance is ended.")) }
                div.table-wrap { table.monthly-advance {
                    thead { tr {
                        th { (ctx.t("项目", "Item")) }
                        th { (ctx.t("领取人", "Beneficiary")) }
                        th { (ctx.t("起始月份", "From")) }
                        th { (ctx.t("待遇终止月份", "Benefit ends")) }
                        th { (ctx.t("已支付月数", "Months paid")) }
                        th { (ctx.t("最近月份", "Last month paid")) }
                        th { (ctx.t("已先行支付（元）", "Advanced (yuan)")) }
                    } }
                    tbody { @for m in &a.monthly { tr {
                        td { (ctx.t(m.item.label_zh(), m.item.label_en())) }
                        td { (m.beneficiary) }
                        td { (m.from_month) }
                        td { (m.benefit_end_month.map(|x| x.to_string()).unwrap_or_default()) }
                        td.num { (m.months_paid) }
                        td { (m.last_month_paid.map(|x| x.to_string()).unwrap_or_default()) }
                        td.num { (m.advanced) }
                    } } }
                } }
                @if let Some(from) = a.monthly_from { p { (monthly_summary(ctx, a, from)) } }
                @if let Some(e) = &a.monthly_end {
                    p { (ctx.t("停止原因：", "Ended because: ")) (ctx.t(&e.reason_zh, &e.reason_en)) " · " (e.note) " · " (actor_words(ctx, &e.recorded_by)) }
                }
            }
            @if !a.recoveries.is_empty() {
                ul.recoveries { @for r in &a.recoveries { li { (r.received_on) " · " (ctx.t(r.debtor.label_zh(), r.debtor.label_en())) " · " (r.amount) (ctx.t(" 元 · ", " yuan · ")) (r.document) } } }
            }
            @if may_decide && a.state == AdvanceState::Applied && a.ground == Ground::EmployerUnpaid {
                (form("notice", ctx.t("发出书面催告通知", "Send the unit's notice"), {
                    let t = typed("notice");
                    field(ctx, error_for("notice"), "on", ctx.t("发出日期", "Sent on"), &t.on, "date")
                }))
            }
            @if may_decide && undecided {
                (form("grant", ctx.t("核定先行支付（按规则计算金额）", "Grant (the amount by the rule)"), {
                    let t = typed("grant");
                    field(ctx, error_for("grant"), "on", ctx.t("核定日期", "Decided on"), &t.on, "date")
                }))
                (form("refuse", ctx.t("不予先行支付", "Refuse"), {
                    let t = typed("refuse");
                    html! {
                        (field(ctx, error_for("refuse"), "reason", ctx.t("理由（书面告知申请人）", "Reason (written to the applicant)"), &t.reason, "text"))
                        (field(ctx, error_for("refuse"), "on", ctx.t("决定日期", "Decided on"), &t.on, "date"))
                    }
                }))
            }
            @if ctx.viewer.may(Action::PayAdvance) && a.state == AdvanceState::Granted {
                (form("pay", ctx.t("复核并支付", "Approve and pay"), {
                    let t = typed("pay");
                    field(ctx, error_for("pay"), "on", ctx.t("支付日期", "Paid on"), &t.on, "date")
                }))
            }
            @if may_end {
                (form("end_monthly", ctx.t("停止按月先行支付（已支付的月份仍由用人单位偿还）", "End the monthly advance (the months advanced stay owed by the unit)"), {
                    let t = typed("end_monthly");
                    let e = error_for("end_monthly");
                    html! {
                        div.cols {
                            (field(ctx, e, "last_month", ctx.t("最后先行支付月份", "Last month advanced"), &t.last_month, "month"))
                            div {
                                label for=(format!("end-reason-{}", a.id)) { (ctx.t("停止原因", "Why it ends")) }
                                select id=(format!("end-reason-{}", a.id)) name="reason" aria-invalid=[e.is_some_and(|e| e.field() == Some("reason")).then_some("true")] {
                                    option value="" selected[t.reason.is_empty()] { (ctx.t("请选择", "Choose")) }
                                    @for r in MonthlyEnd::ALL {
                                        option value=(r.as_str()) selected[t.reason == r.as_str()] { (ctx.t(r.label_zh(), r.label_en())) }
                                    }
                                }
                                (at_field(ctx, "reason", e))
                            }
                            (field(ctx, e, "note", ctx.t("依据（单位支付记录、补缴凭证）", "What it rests on (the unit's payment, the back-payment's receipt)"), &t.note, "text"))
                        }
                    }
                }))
            }
            @if ctx.viewer.may(Action::RecordAdvanceRecovery) && matches!(a.state, AdvanceState::Paid | AdvanceState::PartlyRecovered) {
                (form("recover", ctx.t("登记追偿到账", "Record a repayment"), {
                    let t = typed("recover");
                    let e = error_for("recover");
                    let from = if t.from.is_empty() { a.ground.debtor().as_str().to_owned() } else { t.from.clone() };
                    html! {
                        div {
                            label for=(format!("from-{}", a.id)) { (ctx.t("退还人", "Repaid by")) }
                            select id=(format!("from-{}", a.id)) name="from" {
                                @for d in [a.ground.debtor(), Debtor::Recipient] {
                                    option value=(d.as_str()) selected[from == d.as_str()] { (ctx.t(d.label_zh(), d.label_en())) }
                                }
                            }
                            p.muted { (ctx.t("职工或其近亲属已从用人单位或第三人获得相应费用或待遇的，应将先行支付的相应部分退还基金（第十一条）。", "A worker or relative who has since been paid by the unit or the third party returns the corresponding part of the advance to the fund (Art 11).")) }
                        }
                        div.cols {
                            (field(ctx, e, "amount", ctx.t("金额（元）", "Amount (yuan)"), &t.amount, "text"))
                            (field(ctx, e, "on", ctx.t("到账日期", "Received on"), &t.on, "date"))
                            (field(ctx, e, "document", ctx.t("凭证编号", "Receipt"), &t.document, "text"))
                        }
                    }
                }))
            }
        }
    }
}

fn body(
    ctx: &Ctx,
    number: &str,
    list: &[AdvanceView],
    failed: Option<(&AppError, &AdvanceForm)>,
) -> Markup {
    html! {
        h1 { (title(ctx)) " " a href=(format!("/cases/{number}")) { code { (number) } } }
        section.card { (table(ctx, list)) }
        @for a in list { (step_forms(ctx, number, a, failed)) }
        @if ctx.viewer.may(Action::ApplyAdvance) {
            (apply_form(ctx, number, failed))
        }
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let actor = match session::require(&ctx, Action::ReadCase) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let n = number.clone();
    match state.run(move |app| app.advances(&actor, &n)).await {
        Ok(list) => respond(&ctx, title(&ctx), body(&ctx, &number, &list, None)),
        Err(e) => error_page(&ctx, &e),
    }
}

/// A date typed in a form; empty: none (the use case takes today).
fn opt_day(field: &'static str, text: &str) -> Result<Option<jiff::civil::Date>, AppError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        date_of(field, text).map(Some)
    }
}

fn id_of(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::invalid("id", format!("{text:?} is not an advance")))
}

async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<AdvanceForm>,
) -> Response {
    let action = match f.action.as_str() {
        "apply" => Action::ApplyAdvance,
        "notice" | "grant" | "refuse" => Action::DecideAdvance,
        "pay" => Action::PayAdvance,
        "end_monthly" => Action::EndMonthlyAdvance,
        _ => Action::RecordAdvanceRecovery,
    };
    let actor = match session::require(&ctx, action) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let n = number.clone();
    let form = f.clone();
    let result = state
        .run(move |app| {
            let done = (|| match form.action.as_str() {
                "apply" => app
                    .apply_for_advance(
                        &actor,
                        &n,
                        &AdvanceApplication {
                            ground: Ground::parse(&form.ground).ok_or_else(|| {
                                AppError::invalid("ground", "choose the ground of the application")
                            })?,
                            applicant: AdvanceApplicant::parse(&form.applicant)
                                .unwrap_or(AdvanceApplicant::Worker),
                            applicant_name: form.applicant_name.clone(),
                            circumstance: form.circumstance.clone(),
                            third_party: Some(form.third_party.clone()),
                            applied_on: opt_day("applied_on", &form.applied_on)?,
                            documents: form.documents.clone(),
                        },
                    )
                    .map(|_| ()),
                "notice" => app
                    .notify_unit_of_advance(&actor, &n, id_of(&form.id)?, opt_day("on", &form.on)?)
                    .map(|_| ()),
                "grant" | "refuse" => app
                    .decide_advance(
                        &actor,
                        &n,
                        id_of(&form.id)?,
                        &AdvanceDecision {
                            grant: form.action == "grant",
                            reason: (form.action == "refuse").then(|| form.reason.clone()),
                            decided_on: opt_day("on", &form.on)?,
                        },
                    )
                    .map(|_| ()),
                "pay" => app
                    .pay_advance(&actor, &n, id_of(&form.id)?, opt_day("on", &form.on)?)
                    .map(|_| ()),
                "end_monthly" => app
                    .end_monthly_advance(
                        &actor,
                        &n,
                        id_of(&form.id)?,
                        &MonthlyAdvanceEndRequest {
                            last_month: Month::parse(form.last_month.trim()).map_err(|_| {
                                AppError::invalid("last_month", "choose the last month advanced")
                            })?,
                            reason: MonthlyEnd::parse(&form.reason).ok_or_else(|| {
                                AppError::invalid("reason", "choose why the monthly advance ends")
                            })?,
                            note: form.note.clone(),
                        },
                    )
                    .map(|_| ()),
                _ => app
                    .record_advance_recovery(
                        &actor,
                        &n,
                        id_of(&form.id)?,
                        &AdvanceRecoveryRequest {
                            from: match form.from.trim() {
                                "" => None,
                                t => Some(Debtor::parse(t).ok_or_else(|| {
                                    AppError::invalid("from", "choose who repaid")
                                })?),
                            },
                            received_on: date_of("on", &form.on)?,
                            amount: money_of("amount", &form.amount)?,
                            document: form.document.clone(),
                        },
                    )
                    .map(|_| ()),
            })();
            let list = app.advances(&actor, &n)?;
            Ok::<_, AppError>((done, list))
        })
        .await;
    match result {
        Ok((Ok(()), _)) => Redirect::to(&format!("/cases/{number}/advances")).into_response(),
        Ok((Err(e), list)) if !e.is_internal() => {
            // The use case names its date fields by their own names; the
            // forms have one date field, `on`.
            let e = match e {
                AppError::Invalid {
                    field: "sent_on" | "decided_on" | "paid_on" | "received_on",
                    reason,
                } => AppError::Invalid {
                    field: "on",
                    reason,
                },
                other => other,
            };
            (
                super::error_status(&e),
                respond(
                    &ctx,
                    title(&ctx),
                    body(&ctx, &number, &list, Some((&e, &f))),
                ),
            )
                .into_response()
        }
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}
