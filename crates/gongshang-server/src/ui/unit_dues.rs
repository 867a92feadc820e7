//! What the unit owes the worker under the approved award (广东省工伤保险条例
//! Art 56: the difference of a wage under-declared, and the other items of
//! payer `employer`) at `/cases/{number}/unit-dues`: each item with what is
//! owed to this month, what the unit paid and what is outstanding, and the
//! payments recorded; a clerk records the unit's payment there (the form
//! keeps what was typed and shows a refusal under its field). The worker and
//! the unit read the same page without the agency's notes. Chinese by
//! default, English with `?lang=en`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::cases::{UnitDuePaymentRequest, UnitDues};
use gongshang_rules::award::Periodicity;
use maud::{Markup, html};
use serde::Deserialize;

use super::medical::{date_of, money_of};
use super::staff_words::{at_field, at_form, beneficiary_words, labelled_input};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{number}/unit-dues", get(page).post(record))
}

fn title(ctx: &Ctx) -> &str {
    ctx.t(
        "用人单位应付待遇（《广东省工伤保险条例》第五十六条）",
        "What the unit owes (Guangdong Regulations Art 56)",
    )
}

fn tables(ctx: &Ctx, d: &UnitDues) -> Markup {
    // The app gives the agency's note and recorder to agency staff only.
    let agency = d.payments.iter().any(|p| p.recorded_by.is_some());
    html! {
        @if d.lines.is_empty() {
            p.muted #unit-dues-none { (ctx.t("经核准的待遇中没有用人单位应向职工支付的项目。", "The approved award has no item the unit owes the worker.")) }
        } @else {
            p #unit-dues-total {
                (ctx.t("截至 ", "To ")) (d.as_of.to_string()) (ctx.t(" 应付 ", ": owed ")) strong { (d.owed) }
                (ctx.t(" 元，已付 ", " yuan, paid ")) (d.paid) (ctx.t(" 元，未付 ", " yuan, outstanding ")) strong { (d.outstanding) } (ctx.t(" 元。", " yuan."))
            }
            // A table of cards on a phone (app.css, .table-wrap): the
            // worker reads what the unit owes them there.
            div.table-wrap { table #unit-dues-lines { thead { tr {
                th { (ctx.t("项目", "Item")) } th { (ctx.t("受领人", "To")) } th { (ctx.t("金额", "Amount")) }
                th { (ctx.t("起止月份", "Months")) } th { (ctx.t("应付", "Owed")) } th { (ctx.t("已付", "Paid")) }
                th { (ctx.t("未付", "Outstanding")) } th { (ctx.t("依据", "Article")) }
            } } tbody { @for l in &d.lines { tr {
                td data-label=(ctx.t("项目", "Item")) { (ctx.t(l.item.label_zh(), l.item.label_en())) }
                td data-label=(ctx.t("受领人", "To")) { (beneficiary_words(ctx.lang, &l.beneficiary)) }
                td data-label=(ctx.t("金额", "Amount")) { (l.amount) @if l.periodicity == Periodicity::Monthly { (ctx.t(" /月", " a month")) } }
                td data-label=(ctx.t("起止月份", "Months")) { @if let Some(m) = l.from_month { (m.to_string()) " – " @if let Some(u) = l.until_month { (u.to_string()) } " (" (l.months_owed) ")" } @else { (ctx.t("一次性", "once")) } }
                td data-label=(ctx.t("应付", "Owed")) { (l.owed) } td data-label=(ctx.t("已付", "Paid")) { (l.paid) } td data-label=(ctx.t("未付", "Outstanding")) { strong { (l.outstanding) } }
                td.muted data-label=(ctx.t("依据", "Article")) { (l.citation) }
            } } } } }
            @if !d.payments.is_empty() {
                h3 { (ctx.t("已登记的支付", "Payments recorded")) }
                div.table-wrap { table #unit-dues-payments { thead { tr {
                    th { "#" } th { (ctx.t("项目", "Item")) } th { (ctx.t("支付日期", "Paid on")) } th { (ctx.t("金额", "Amount")) }
                    th { (ctx.t("凭证", "Document")) }
                    @if agency { th { (ctx.t("经办备注", "Note")) } th { (ctx.t("登记人", "Recorded by")) } }
                } } tbody { @for p in &d.payments { tr {
                    td data-label="#" { (p.id) @if let Some(c) = p.correction_of { " " span.tag { (ctx.t("更正 #", "corrects #")) (c) } } }
                    td data-label=(ctx.t("项目", "Item")) { (ctx.t(p.item.label_zh(), p.item.label_en())) }
                    td data-label=(ctx.t("支付日期", "Paid on")) { (p.paid_on) } td data-label=(ctx.t("金额", "Amount")) { (p.amount) } td data-label=(ctx.t("凭证", "Document")) { (p.document) }
                    @if agency { td data-label=(ctx.t("经办备注", "Note")) { (p.note.as_deref().unwrap_or("")) } td data-label=(ctx.t("登记人", "Recorded by")) { (p.recorded_by.as_deref().unwrap_or("")) } }
                } } } } }
            }
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct PaymentForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    document: String,
    #[serde(default)]
    note: String,
}

const FIELDS: [&str; 6] = [
    "item",
    "beneficiary",
    "paid_on",
    "amount",
    "document",
    "note",
];

fn form(ctx: &Ctx, d: &UnitDues, failed: Option<(&AppError, &PaymentForm)>) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = PaymentForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let input = |id: &'static str, label: &'static str, value: &str, kind: &'static str| {
        labelled_input(ctx, error, id, label, value, kind)
    };
    html! {
        section.card #unit-due-payment {
            h2 { (ctx.t("登记用人单位支付", "Record the unit's payment")) }
            p.muted { (ctx.t("凭用人单位的支付凭证登记；金额不得超过截至支付月份应付未付的数额。", "On the unit's receipt or slip; no more than is outstanding up to the month paid.")) }
            form.stack #unit-due-payment-form method="post" action=(format!("/cases/{}/unit-dues", d.case_number)) novalidate {
                (session::csrf_field(ctx))
                (at_form(ctx, &FIELDS, error))
                div.cols {
                    div {
                        label for="item" { (ctx.t("项目", "Item")) }
                        select #item name="item" aria-invalid=[bad("item")] {
                            @for l in &d.lines {
                                @let v = format!("{}|{}", l.item.name(), l.beneficiary);
                                option value=(v) selected[f.item == v] { (ctx.t(l.item.label_zh(), l.item.label_en())) " · " (beneficiary_words(ctx.lang, &l.beneficiary)) }
                            }
                        }
                        (at_field(ctx, "item", error))
                    }
                    (input("paid_on", ctx.t("支付日期", "Paid on"), &f.paid_on, "date"))
                    (input("amount", ctx.t("金额（元）", "Amount (yuan)"), &f.amount, "text"))
                    (input("document", ctx.t("支付凭证", "Receipt or slip"), &f.document, "text"))
                    (input("note", ctx.t("经办备注（不向职工和单位显示）", "Note (not shown to the worker or the unit)"), &f.note, "text"))
                }
                button.primary type="submit" { (ctx.t("登记支付", "Record the payment")) }
            }
        }
    }
}

fn body(ctx: &Ctx, d: &UnitDues, failed: Option<(&AppError, &PaymentForm)>) -> Markup {
    html! {
        h1 { (title(ctx)) " " a href=(format!("/cases/{}", d.case_number)) { code { (d.case_number) } } }
        section.card { (tables(ctx, d)) }
        @if ctx.viewer.may(Action::RecordUnitDuePayment) && !d.lines.is_empty() {
            (form(ctx, d, failed))
        }
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let actor = match session::require(&ctx, Action::ReadCase) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    match state
        .run(move |app| app.unit_dues(&actor, &number, None))
        .await
    {
        Ok(d) => respond(&ctx, title(&ctx), body(&ctx, &d, None)),
        Err(e) => error_page(&ctx, &e),
    }
}

async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<PaymentForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::RecordUnitDuePayment) {
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
            let before = app.unit_dues(&actor, &n, None)?;
            let recorded = (|| {
                let (item, beneficiary) = form.item.split_once('|').unwrap_or((&form.item, ""));
                let item = serde_json::from_value(serde_json::Value::String(item.to_owned()))
                    .map_err(|_| AppError::invalid("item", "choose an item the unit owes"))?;
                let req = UnitDuePaymentRequest {
                    item,
                    beneficiary: Some(beneficiary.to_owned()).filter(|b| !b.is_empty()),
                    paid_on: date_of("paid_on", &form.paid_on)?,
                    amount: money_of("amount", &form.amount)?,
                    document: form.document.clone(),
                    note: form.note.clone(),
                };
                app.record_unit_due_payment(&actor, &n, &req)
            })();
            Ok::<_, AppError>((recorded, before))
        })
        .await;
    match result {
        Ok((Ok(_), _)) => Redirect::to(&format!("/cases/{number}/unit-dues")).into_response(),
        Ok((Err(e), before)) if !e.is_internal() => (
            super::error_status(&e),
            respond(&ctx, title(&ctx), body(&ctx, &before, Some((&e, &f)))),
        )
            .into_response(),
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}
