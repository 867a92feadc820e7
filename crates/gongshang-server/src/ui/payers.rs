//! Who pays on a case (Regulations Art 62(2)-(3)) at `/cases/{number}/payers`:
//! whether the unit had insured the worker on the accident day, its
//! back-payment, and each item with its payer and since when; a clerk
//! records the unit's back-payment there (the form keeps what was typed and
//! shows a refusal under its field). The case page's `#payers` section
//! summarises it and links here. Chinese by default, English with `?lang=en`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::cases::{BackPaymentRequest, CasePayers, UninsuredGround};
use gongshang_rules::Payer;
use gongshang_rules::award::Periodicity;
use maud::{Markup, html};
use serde::Deserialize;

use super::medical::{date_of, money_of};
use super::staff_words::{actor_words, at_form, beneficiary_words, labelled_input};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{number}/payers", get(page).post(record))
}

fn title(ctx: &Ctx) -> &str {
    ctx.t(
        "待遇支付主体（《工伤保险条例》第六十二条）",
        "Who pays (Regulations Art 62)",
    )
}

fn payer_words(ctx: &Ctx, p: Payer) -> &'static str {
    ctx.t(p.label_zh(), p.label_en())
}

/// What moves to the fund after the back-payment (Art 62(3); 29号 item 3).
fn new_costs_words(ctx: &Ctx) -> &'static str {
    ctx.t("此后新发生的医疗费、住院伙食补助费、生活护理费、一至四级伤残津贴、供养亲属抚恤金等由工伤保险基金支付；一次性伤残补助金、丧葬补助金、一次性工亡补助金仍由用人单位支付（第六十二条第三款；人社部发〔2016〕29号第三条）。",
        "From then the new costs (medical costs, the hospital food subsidy, living care, the grade 1-4 allowance, survivors' pensions) are the fund's; the one-time disability subsidy, the funeral subsidy and the one-time death benefit stay the unit's (Art 62(3); MOHRSS 2016 No. 29 item 3).")
}

/// A back-payment a clerk recorded, in a sentence.
fn recorded_back_payment_words(ctx: &Ctx, b: &gongshang_app::cases::BackPaymentRow) -> Markup {
    html! {
        (ctx.t("登记的补缴：", "Recorded back-payment: "))
        (b.settled_on) " · " (b.period_from) " – " (b.period_until) " · "
        (b.premiums) (ctx.t(" 元及滞纳金 ", " yuan and late fees of ")) (b.late_fees) (ctx.t(" 元", " yuan"))
        (ctx.t("（", " (")) (b.document) (ctx.t("）", ")"))
    }
}

/// The finding in a sentence.
fn finding_words(ctx: &Ctx, p: &CasePayers) -> Markup {
    html! {
        @match &p.finding {
            None => { p.muted { (ctx.t("本案无用人单位参保问题（非用人单位工伤保险）。", "Art 62 has nothing to say on this case (no unit's insurance).")) } }
            Some(f) if !f.uninsured => {
                p #payers-finding { (ctx.t("事故发生之日用人单位已为该职工参加工伤保险：按条例规定由工伤保险基金和用人单位支付。", "The unit had insured the worker on the accident day: the fund and the unit pay as the Regulations say.")) }
            }
            Some(f) if f.ground == Some(UninsuredGround::InArrears) => {
                // Social Insurance Law Art 41: enrolled, but in arrears.
                p #payers-finding { strong { (f.why(ctx.lang).unwrap_or_default()) } }
                @if let Some(a) = &f.arrears {
                    div.table-wrap { table #payers-arrears {
                        thead { tr {
                            th { (ctx.t("欠缴月份", "Month billed")) }
                            th { (ctx.t("缴费期限", "Due")) }
                            th { (ctx.t("事故当日欠缴（元）", "Owed on the accident day (yuan)")) }
                            th { (ctx.t("缴清保费日", "Premiums paid")) }
                            th { (ctx.t("滞纳金（元）", "Late fees (yuan)")) }
                            th { (ctx.t("缴清滞纳金日", "Late fees paid")) }
                        } }
                        tbody { @for b in &a.bills { tr {
                            td { (b.period) }
                            td { (b.due_date) }
                            td { (b.outstanding_on_accident) }
                            td { @match b.paid_in_full_on { Some(d) => { (d) } None => { span.tag.warn { (ctx.t("未缴清", "owed")) } } } }
                            td { (b.late_fees) }
                            td { @match (b.late_fees_paid_on, b.late_fees.fen() > 0) {
                                (Some(d), _) => { (d) }
                                (None, true) => { span.tag.warn { (ctx.t("未缴清", "owed")) } }
                                (None, false) => { span.muted { (ctx.t("未计收", "none assessed")) } }
                            } }
                        } } }
                    } }
                }
                @if f.back_paid_on().is_some() {
                    p #payers-back-payment { (new_costs_words(ctx)) }
                }
                @if let Some(b) = &f.back_payment {
                    p.muted { (recorded_back_payment_words(ctx, b)) }
                }
            }
            Some(f) => {
                p #payers-finding {
                    strong { (ctx.t("事故发生之日用人单位未为该职工参加工伤保险", "The unit had not insured the worker on the accident day")) }
                    (ctx.t("（", " (")) (ctx.t(f.coverage_reason.text_zh(), f.coverage_reason.text_en())) (ctx.t("）：", "): "))
                    (ctx.t("由用人单位按照条例规定的待遇项目和标准支付（第六十二条第二款）。", "the unit pays every item at the Regulations' standards (Art 62(2))."))
                }
                @match &f.back_payment {
                    Some(b) => {
                        p #payers-back-payment {
                            (ctx.t("用人单位已参保并于 ", "The unit enrolled and settled the back-payment on "))
                            strong { (b.settled_on) }
                            (ctx.t(" 补缴 ", ": premiums for "))
                            (b.period_from) " – " (b.period_until)
                            (ctx.t(" 的工伤保险费 ", " of "))
                            (b.premiums)
                            (ctx.t(" 元及滞纳金 ", " yuan and late fees of "))
                            (b.late_fees) (ctx.t(" 元", " yuan"))
                            (ctx.t("（", " (")) (b.document) (ctx.t("，", ", ")) (actor_words(ctx, &b.recorded_by)) (ctx.t("）。", "). "))
                            (ctx.t("此后新发生的医疗费、住院伙食补助费、生活护理费、一至四级伤残津贴、供养亲属抚恤金等由工伤保险基金支付；一次性伤残补助金、丧葬补助金、一次性工亡补助金仍由用人单位支付（第六十二条第三款；人社部发〔2016〕29号第三条）。",
                                "From then the new costs (medical costs, the hospital food subsidy, living care, the grade 1-4 allowance, survivors' pensions) are the fund's; the one-time disability subsidy, the funeral subsidy and the one-time death benefit stay the unit's (Art 62(3); MOHRSS 2016 No. 29 item 3)."))
                        }
                    }
                    None => {
                        p.muted { (ctx.t("用人单位尚未补缴工伤保险费和滞纳金。", "The unit has not settled a back-payment of premiums and late fees.")) }
                    }
                }
            }
        }
        @if p.award_to_recompute {
            p.tag.warn #payers-recompute { (ctx.t("已登记补缴：请以“用人单位补缴后”为依据重新核定待遇，补缴后的月份转由基金支付。", "A back-payment is recorded: compute the award again (basis: after the unit's back-payment) so that the months after it move to the fund.")) }
        }
    }
}

fn lines_table(ctx: &Ctx, p: &CasePayers) -> Markup {
    html! {
        @if !p.lines.is_empty() {
            div.table-wrap { table #payers-lines {
                thead { tr {
                    th { (ctx.t("项目", "Item")) }
                    th { (ctx.t("领取人", "Beneficiary")) }
                    th { (ctx.t("支付主体", "Payer")) }
                    th { (ctx.t("自", "From")) }
                    th { (ctx.t("至", "Until")) }
                    th { (ctx.t("依据", "Article")) }
                } }
                tbody { @for l in &p.lines { tr {
                    td { (ctx.t(l.item.label_zh(), l.item.label_en())) }
                    td { (beneficiary_words(ctx.lang, &l.beneficiary)) }
                    td {
                        strong { (payer_words(ctx, l.payer)) }
                        // Regulations Art 43(1): the unit that pays an
                        // employer's line, a successor with its succession.
                        @if let Some(u) = l.unit {
                            br; code.payer-unit { (u.as_str()) }
                            @if let Some(s) = &l.succession {
                                " " span.tag { (ctx.t("承继单位", "successor")) " · " (ctx.t(s.kind.label_zh(), s.kind.label_en())) " " (s.effective_on) }
                            }
                        } @else if l.succession.is_some() {
                            br; span.tag.warn { (ctx.t("分立后承继单位待定", "successor undetermined after a division")) }
                        }
                    }
                    td { @match (l.periodicity, l.from_month) {
                        (Periodicity::Monthly, Some(m)) => { (m.to_string()) }
                        _ => { (ctx.t("一次性", "once")) }
                    } }
                    td { @if let Some(m) = l.until_month { (m.to_string()) } }
                    td.muted { (l.article.map_or(ctx.t("《工伤保险条例》", "the Regulations"), |a| ctx.t(a.zh, a.en))) }
                } } }
            } }
        }
        @if let Some(f) = &p.finding && f.uninsured {
            p.muted #payers-medical {
                @match p.medical_fund_from {
                    Some(d) => { (ctx.t("医疗、康复、辅助器具费用：服务开始日在 ", "Medical, rehabilitation and device bills: the fund pays those whose service began on or after ")) strong { (d) } (ctx.t(" 及以后的由基金支付，此前的由用人单位支付。", "; earlier ones are the unit's.")) }
                    None => { (ctx.t("医疗、康复、辅助器具费用：由用人单位支付。", "Medical, rehabilitation and device bills: the unit pays them.")) }
                }
            }
        }
    }
}

/// The case page's section.
pub(super) fn section(ctx: &Ctx, p: &CasePayers) -> Markup {
    html! {
        section.card #payers {
            h2 style="margin-top:0" { (title(ctx)) }
            (finding_words(ctx, p))
            (lines_table(ctx, p))
            p { a href=(format!("/cases/{}/payers", p.case_number)) {
                (if ctx.viewer.may(Action::RecordBackPayment) { ctx.t("支付主体与补缴登记", "Payers and the back-payment") } else { ctx.t("支付主体", "Payers") })
            } }
            @if p.lines.iter().any(|l| l.payer == Payer::Employer) {
                p { a #unit-dues-link href=(format!("/cases/{}/unit-dues", p.case_number)) {
                    (ctx.t("用人单位应付待遇及支付情况", "What the unit owes and has paid"))
                } }
            }
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct BackPaymentForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    period_from: String,
    #[serde(default)]
    period_until: String,
    #[serde(default)]
    settled_on: String,
    #[serde(default)]
    premiums: String,
    #[serde(default)]
    late_fees: String,
    #[serde(default)]
    document: String,
}

const FIELDS: [&str; 6] = [
    "period_from",
    "period_until",
    "settled_on",
    "premiums",
    "late_fees",
    "document",
];

fn form(ctx: &Ctx, p: &CasePayers, failed: Option<(&AppError, &BackPaymentForm)>) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = BackPaymentForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let input = |id: &'static str, label: &'static str, value: &str, kind: &'static str| {
        labelled_input(ctx, error, id, label, value, kind)
    };
    html! {
        section.card #back-payment {
            h2 { (ctx.t("登记用人单位补缴（第六十二条第三款）", "Record the unit's back-payment (Art 62(3))")) }
            p.muted { (ctx.t("用人单位须已参保；登记后，补缴之日以后新发生的费用由基金支付，需重新核定待遇。", "The unit must be enrolled; once recorded, the new costs after the day settled are the fund's, after the award is computed again.")) }
            form.stack #back-payment-form method="post" action=(format!("/cases/{}/payers", p.case_number)) novalidate {
                (session::csrf_field(ctx))
                (at_form(ctx, &FIELDS, error))
                div.cols {
                    (input("period_from", ctx.t("欠缴期间起", "Uninsured period from"), &f.period_from, "date"))
                    (input("period_until", ctx.t("欠缴期间止", "Uninsured period until"), &f.period_until, "date"))
                    (input("settled_on", ctx.t("补缴到账日期", "Settled on"), &f.settled_on, "date"))
                    (input("premiums", ctx.t("补缴工伤保险费（元）", "Premiums paid back (yuan)"), &f.premiums, "text"))
                    (input("late_fees", ctx.t("滞纳金（元）", "Late fees (yuan)"), &f.late_fees, "text"))
                    (input("document", ctx.t("凭证或通知书编号", "Receipt or notice"), &f.document, "text"))
                }
                button.primary type="submit" { (ctx.t("登记补缴", "Record the back-payment")) }
            }
        }
    }
}

fn body(ctx: &Ctx, p: &CasePayers, failed: Option<(&AppError, &BackPaymentForm)>) -> Markup {
    html! {
        h1 { (title(ctx)) " " a href=(format!("/cases/{}", p.case_number)) { code { (p.case_number) } } }
        section.card {
            (finding_words(ctx, p))
            (lines_table(ctx, p))
        }
        @if ctx.viewer.may(Action::RecordBackPayment) && p.finding.as_ref().is_some_and(|f| f.uninsured) {
            (form(ctx, p, failed))
        }
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let actor = match session::require(&ctx, Action::ReadCase) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    match state.run(move |app| app.case_payers(&actor, &number)).await {
        Ok(p) => respond(&ctx, title(&ctx), body(&ctx, &p, None)),
        Err(e) => error_page(&ctx, &e),
    }
}

async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<BackPaymentForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::RecordBackPayment) {
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
            let before = app.case_payers(&actor, &n)?;
            let recorded = (|| {
                let unit = before.unit.ok_or_else(|| {
                    AppError::invalid("unit", "the case names no unit to record a back-payment of")
                })?;
                let req = BackPaymentRequest {
                    unit,
                    scheme_id: before.scheme_id.clone(),
                    period_from: date_of("period_from", &form.period_from)?,
                    period_until: date_of("period_until", &form.period_until)?,
                    settled_on: date_of("settled_on", &form.settled_on)?,
                    premiums: money_of("premiums", &form.premiums)?,
                    late_fees: money_of("late_fees", &form.late_fees)?,
                    document: form.document.clone(),
                };
                app.record_back_payment(&actor, &req)
            })();
            Ok::<_, AppError>((recorded, before))
        })
        .await;
    match result {
        Ok((Ok(_), _)) => Redirect::to(&format!("/cases/{number}/payers")).into_response(),
        Ok((Err(e), before)) if !e.is_internal() => (
            super::error_status(&e),
            respond(&ctx, title(&ctx), body(&ctx, &before, Some((&e, &f)))),
        )
            .into_response(),
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}
