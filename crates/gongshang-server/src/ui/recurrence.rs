//! 旧伤复发 — a recurrence of a recognised injury (《工伤保险条例》第三十八条)
//! on the clerk's case page: the recurrences recorded (who confirmed each
//! needs treatment, when, the document, the note on medical costs), the
//! form recording the next one (offered on a recognised case only), the
//! form computing a recurrence's suspension wages for review, and the
//! reviewer's approval. Refusals appear at their field, in the page's
//! language, with what was typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::cases::{
    RecurrenceAwardRequest, RecurrenceAwardStatus, RecurrenceRequest, RecurrenceRow,
};
use gongshang_domain::recurrence::ConfirmingBody;
use gongshang_rules::Money;
use maud::{Markup, html};

use super::cases::{ActForm, case_post};
use super::staff_words::{actor_words, at_field, at_form};
use super::{Ctx, session};
use crate::AppState;

fn body_words(ctx: &Ctx, b: ConfirmingBody) -> &'static str {
    ctx.t(b.label_zh(), b.label_en())
}

fn status_words(ctx: &Ctx, s: RecurrenceAwardStatus) -> &'static str {
    match s {
        RecurrenceAwardStatus::Proposed => ctx.t("待复核", "awaiting review"),
        RecurrenceAwardStatus::Approved => ctx.t("已核准", "approved"),
        RecurrenceAwardStatus::Withdrawn => ctx.t("已撤回", "withdrawn"),
    }
}

/// The section of the case page. `recognised`: whether a recurrence may be
/// recorded on the case at all.
pub(super) fn section(
    ctx: &Ctx,
    number: &str,
    recognised: bool,
    rows: &[RecurrenceRow],
    failed: Option<(&AppError, &ActForm)>,
) -> Markup {
    let record = failed.filter(|(_, f)| f.action == "recurrence");
    let award = failed.filter(|(_, f)| f.action == "recurrence_award");
    let approve = failed.filter(|(_, f)| f.action == "recurrence_approve");
    let error = record.map(|(e, _)| e);
    let form = record.map(|(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let may_record = recognised && ctx.viewer.may(Action::RecordRecurrence);
    let may_compute = ctx.viewer.may(Action::ComputeAward);
    let may_approve = ctx.viewer.may(Action::ApproveAward);
    let open = !rows.is_empty() || failed.is_some_and(|(_, f)| f.action.starts_with("recurrence"));
    html! {
        section.card #recurrence {
            details open[open] {
                summary { h2 style="display:inline;margin:0" { (ctx.t("旧伤复发（《工伤保险条例》第三十八条）", "Recurrence of the injury (Regulations Art 38)")) } " " span.tag { (rows.len()) } }
                p.muted { (ctx.t(
                    "工伤职工工伤复发，确认需要治疗的，享受第三十条（医疗）、第三十二条（辅助器具）和第三十三条（停工留薪期）规定的待遇。复发在原案件上登记，不另立新案；是否需要治疗由协议医疗机构提出意见，有争议的由劳动能力鉴定委员会确认。停工留薪期工资按复发时的原工资福利待遇计算，由用人单位按月支付。",
                    "A recurring work injury confirmed to need treatment again has the benefits of Arts 30 (medical), 32 (assistive devices) and 33 (paid suspension). It is recorded on the original case, never as a new one; the agreement medical institution gives its opinion, the appraisal committee confirms on a dispute. The suspension wages are the wage at the recurrence, paid monthly by the employer.")) }
                @if let Some((e, _)) = approve { (at_form(ctx, &[], Some(e))) }
                @for r in rows {
                    article.recurrence {
                        h3 { (ctx.t("第", "Recurrence ")) (r.seq) (ctx.t("次复发", "")) " · " (r.recurred_on) }
                        dl.facts {
                            dt { (ctx.t("确认机构", "Confirmed by")) } dd { (body_words(ctx, r.confirmed_by)) (ctx.t("：", ": ")) (r.confirming_body_name) }
                            dt { (ctx.t("确认日期", "Confirmed on")) } dd { (r.confirmed_on) }
                            dt { (ctx.t("确认文书编号", "Document")) } dd { (r.document) }
                            @if !r.medical_note.is_empty() { dt { (ctx.t("医疗费用（第三十条）", "Medical costs (Art 30)")) } dd { (r.medical_note) } }
                            dt { (ctx.t("登记", "Recorded")) } dd { (actor_words(ctx, &r.recorded_by)) " · " (super::format::china_date(r.recorded_at)) }
                        }
                        @if !r.awards.is_empty() {
                            div.table-wrap { table {
                                thead { tr {
                                    th { (ctx.t("复发时工资（元/月）", "Wage at the recurrence")) }
                                    th { (ctx.t("停工留薪期（月）", "Months")) }
                                    th { (ctx.t("停工留薪期工资（元）", "Suspension wages")) }
                                    th { (ctx.t("支付方", "Payer")) }
                                    th { (ctx.t("状态", "Status")) }
                                    th { }
                                } }
                                tbody { @for a in &r.awards { tr {
                                    td.num { (a.wage_at_recurrence) }
                                    td.num { (a.suspension_months) @if a.extension_confirmed { " " span.muted { (ctx.t("（含确认延长）", "(extension confirmed)")) } } }
                                    td.num { strong { (a.suspension_wages) } }
                                    td { (ctx.t(a.payer.label_zh(), "the employer")) }
                                    td { span.tag { (status_words(ctx, a.status)) } br; span.muted { (actor_words(ctx, &a.made_by)) @if let Some(c) = &a.checked_by { " → " (actor_words(ctx, c)) } } }
                                    td { @if may_approve && a.status == RecurrenceAwardStatus::Proposed {
                                        form method="post" action=(format!("/cases/{number}/recurrence/approve")) {
                                            (session::csrf_field(ctx))
                                            input type="hidden" name="recurrence_award" value=(a.id);
                                            button.primary type="submit" { (ctx.t("核准", "Approve")) }
                                        }
                                    } }
                                } } }
                            } }
                        }
                        @if may_compute && !r.awards.iter().any(|a| a.status == RecurrenceAwardStatus::Approved) {
                            (award_form(ctx, number, r.seq, award.filter(|(_, f)| f.recurrence == r.seq.to_string())))
                        }
                    }
                }
                @if may_record {
                    form.stack #recurrence-form method="post" action=(format!("/cases/{number}/recurrence")) novalidate {
                        (session::csrf_field(ctx))
                        h3 { (ctx.t("登记旧伤复发", "Record a recurrence")) }
                        (at_form(ctx, &["recurred_on", "confirmed_by", "confirming_body_name", "confirmed_on", "document", "medical_note"], error))
                        div.cols {
                            div {
                                label for="recurred_on" { (ctx.t("复发日期", "Day it recurred")) }
                                input #recurred_on type="date" name="recurred_on" value=(form.map_or("", |f| f.recurred_on.as_str())) aria-invalid=[bad("recurred_on")];
                                (at_field(ctx, "recurred_on", error))
                            }
                            div {
                                label for="confirmed_by" { (ctx.t("确认机构", "Confirmed by")) }
                                select #confirmed_by name="confirmed_by" aria-invalid=[bad("confirmed_by")] {
                                    option value="" { (ctx.t("请选择", "Please choose")) }
                                    @for b in ConfirmingBody::ALL {
                                        option value=(b.as_str()) selected[form.is_some_and(|f| f.confirmed_by == b.as_str())] { (body_words(ctx, b)) }
                                    }
                                }
                                (at_field(ctx, "confirmed_by", error))
                            }
                            div {
                                label for="confirming_body_name" { (ctx.t("机构名称", "Its name")) }
                                input #confirming_body_name name="confirming_body_name" value=(form.map_or("", |f| f.confirming_body_name.as_str())) aria-invalid=[bad("confirming_body_name")];
                                (at_field(ctx, "confirming_body_name", error))
                            }
                            div {
                                label for="confirmed_on" { (ctx.t("确认日期", "Confirmed on")) }
                                input #confirmed_on type="date" name="confirmed_on" value=(form.map_or("", |f| f.confirmed_on.as_str())) aria-invalid=[bad("confirmed_on")];
                                (at_field(ctx, "confirmed_on", error))
                            }
                            div {
                                label for="document" { (ctx.t("确认文书编号", "Document number")) }
                                input #document name="document" value=(form.map_or("", |f| f.document.as_str())) aria-invalid=[bad("document")];
                                (at_field(ctx, "document", error))
                            }
                        }
                        div {
                            label for="medical_note" { (ctx.t("医疗费用说明（第三十条，由基金按账单支付）", "Medical costs (Art 30; the fund pays them on bills)")) }
                            textarea #medical_note name="medical_note" rows="2" aria-invalid=[bad("medical_note")] { (form.map_or("", |f| f.medical_note.as_str())) }
                            (at_field(ctx, "medical_note", error))
                        }
                        div { button.primary type="submit" { (ctx.t("登记复发", "Record the recurrence")) } }
                    }
                } @else if !recognised && ctx.viewer.may(Action::RecordRecurrence) {
                    p.muted { (ctx.t("工伤认定（或职业伤害确认）之后才能登记旧伤复发。", "A recurrence is recorded once the injury is recognised.")) }
                }
            }
        }
    }
}

fn award_form(ctx: &Ctx, number: &str, seq: i64, failed: Option<(&AppError, &ActForm)>) -> Markup {
    let error = failed.map(|(e, _)| e);
    let f = failed.map(|(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        form.stack.recurrence-award-form method="post" action=(format!("/cases/{number}/recurrence/award")) novalidate {
            (session::csrf_field(ctx))
            input type="hidden" name="recurrence" value=(seq);
            (at_form(ctx, &["wage_at_recurrence", "suspension_months"], error))
            div.cols {
                div {
                    label for=(format!("wage_at_recurrence-{seq}")) { (ctx.t("复发时本人工资（元/月）", "Wage at the recurrence (yuan a month)")) }
                    input id=(format!("wage_at_recurrence-{seq}")) name="wage_at_recurrence" inputmode="decimal" value=(f.map_or("", |f| f.wage_at_recurrence.as_str())) aria-invalid=[bad("wage_at_recurrence")] placeholder=(ctx.t("例如 7800.00", "e.g. 7800.00"));
                    (at_field(ctx, "wage_at_recurrence", error))
                }
                div {
                    label for=(format!("r_suspension_months-{seq}")) { (ctx.t("停工留薪期（月）", "Months of paid suspension")) }
                    input id=(format!("r_suspension_months-{seq}")) name="suspension_months" inputmode="numeric" value=(f.map_or("", |f| f.suspension_months.as_str())) aria-invalid=[bad("suspension_months")];
                    (at_field(ctx, "suspension_months", error))
                }
            }
            label.check { input type="checkbox" name="extension_confirmed" value="1" checked[f.is_some_and(|f| f.extension_confirmed == "1")]; " " (ctx.t("劳动能力鉴定委员会已确认延长停工留薪期（超过12个月时）", "The committee confirmed an extension (beyond 12 months)")) }
            div { button.primary type="submit" { (ctx.t("计算停工留薪期工资（提交复核）", "Compute the suspension wages (for review)")) } }
        }
    }
}

fn recurrence_request(f: &ActForm) -> Result<RecurrenceRequest, AppError> {
    Ok(RecurrenceRequest {
        recurred_on: super::format::date_field("recurred_on", &f.recurred_on)?,
        confirmed_by: f.confirmed_by.parse()?,
        confirming_body_name: f.confirming_body_name.clone(),
        confirmed_on: super::format::date_field("confirmed_on", &f.confirmed_on)?,
        document: f.document.clone(),
        medical_note: f.medical_note.clone(),
    })
}

fn award_request(f: &ActForm) -> Result<(i64, RecurrenceAwardRequest), AppError> {
    let seq = f
        .recurrence
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("recurrence", "choose a recurrence of the case"))?;
    let wage = Money::parse_yuan(f.wage_at_recurrence.trim()).map_err(|_| {
        AppError::invalid(
            "wage_at_recurrence",
            format!("{:?} is not an amount in yuan", f.wage_at_recurrence),
        )
    })?;
    let months = f.suspension_months.trim().parse().map_err(|_| {
        AppError::invalid(
            "suspension_months",
            format!("{:?} is not a whole number of months", f.suspension_months),
        )
    })?;
    Ok((
        seq,
        RecurrenceAwardRequest {
            wage_at_recurrence: wage,
            suspension_months: months,
            suspension_extension_confirmed: f.extension_confirmed == "1",
        },
    ))
}

pub(super) async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(
        &state,
        &ctx,
        number,
        f,
        "recurrence",
        |app, actor, n, form| {
            let req = recurrence_request(form)?;
            app.record_recurrence(actor, n, &req)
        },
    )
    .await
}

pub(super) async fn compute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(
        &state,
        &ctx,
        number,
        f,
        "recurrence_award",
        |app, actor, n, form| {
            let (seq, req) = award_request(form)?;
            app.compute_recurrence_award(actor, n, seq, &req)
        },
    )
    .await
}

pub(super) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(
        &state,
        &ctx,
        number,
        f,
        "recurrence_approve",
        |app, actor, _, form| {
            let id = form.recurrence_award.trim().parse().map_err(|_| {
                AppError::invalid("recurrence_award", "choose a proposed award to approve")
            })?;
            app.approve_recurrence_award(actor, id)
        },
    )
    .await
}
