//! The handling deadlines of Decree No. 765 (社会保险经办条例) where the clerk
//! works them: a case's stop-benefit reports at `/cases/{number}/stop-reports`
//! (Art 25: the event, the day it happened and the day it was told, the due
//! day 20 working days after the event, late or in time, what it ended and
//! the overpayment of the months paid after it), with the form that records
//! a verified report; and a unit's registration applications on its page
//! (Arts 6, 10: the day received and the agency's due day 10 working days
//! later beside the employment's day, the forms to apply and to complete),
//! posted to `/units/{id}/registrations`; and the record of dishonest acts
//! (Art 45(2)) on a unit's, a person's and the institutions' pages, for
//! agency staff only (the record, correction and withdrawal forms post to
//! `/credit-records`). Chinese by default, English with `?lang=en`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::handling::credit::CreditRecordRow;
use gongshang_app::handling::stop_reports::Reporter;
use gongshang_app::handling::{CreditChangeForm, CreditForm};
use gongshang_app::handling::{RegistrationForm, RegistrationView, StopReportForm, StopReportView};
use gongshang_app::model::PeriodicBenefitRow;
use gongshang_domain::handling::{CreditChange, CreditSource, CreditSubjectKind, RegistrationKind};
use gongshang_domain::life_events::MatchRule;
use maud::{Markup, html};
use serde::Deserialize;

use super::format::yuan;
use super::staff_words::{actor_words, at_field, at_form, beneficiary_words};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{number}/stop-reports",
            get(reports_page).post(record_report),
        )
        .route("/units/{id}/registrations", axum::routing::post(receive))
        .route(
            "/units/{id}/registrations/{application}/complete",
            axum::routing::post(complete),
        )
        .route("/credit-records", axum::routing::post(record_credit))
        .route(
            "/credit-records/{id}/change",
            axum::routing::post(change_credit),
        )
}

// ---- the record of dishonest acts (Art 45) ----------------------------------

fn source_words(ctx: &Ctx, s: CreditSource) -> &'static str {
    match s {
        CreditSource::RevokedConclusion => ctx.t(
            "鉴定结论被撤销（第55号令第三十一条）",
            "appraisal conclusion revoked (Order 55 Art 31)",
        ),
        CreditSource::FraudOverpayment => {
            ctx.t("以欺诈手段多领待遇", "overpayment obtained by fraud")
        }
        CreditSource::AlertConfirmed => ctx.t("监测预警核实属实", "monitoring alert confirmed"),
        CreditSource::ProviderSuspended => {
            ctx.t("协议机构被暂停拨付", "institution's payments suspended")
        }
    }
}

const CREDIT_FIELDS: [&str; 6] = [
    "source",
    "source_ref",
    "act",
    "article",
    "acted_on",
    "subject_key",
];

/// A subject's records with the forms to record, correct and withdraw
/// (agency staff only: the caller shows it to `ReadCredit` alone).
pub fn credit_section(
    ctx: &Ctx,
    kind: CreditSubjectKind,
    key: &str,
    back: &str,
    records: &[CreditRecordRow],
    failed: Option<(&AppError, &CreditForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = CreditForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let sources: Vec<CreditSource> = CreditSource::ALL
        .into_iter()
        .filter(|s| s.subjects().contains(&kind))
        .collect();
    html! {
        section.card #credit-records {
            h2 { (ctx.t("社会保险失信行为记录（《社会保险经办条例》第四十五条，仅经办机构可见）", "Dishonest acts recorded (Decree 765 Art 45; agency staff only)")) }
            div.table-wrap { table.credit-records {
                thead { tr {
                    th { (ctx.t("行为日期", "Day")) }
                    th { (ctx.t("失信行为", "Act")) }
                    th { (ctx.t("依据", "Article")) }
                    th { (ctx.t("来源", "Source")) }
                    th { (ctx.t("记录人", "Recorded by")) }
                    th { (ctx.t("状态", "State")) }
                } }
                tbody {
                    @if records.is_empty() {
                        tr { td colspan="6" { span.muted { (ctx.t("没有记录。", "No records.")) } } }
                    }
                    @for r in records {
                        tr id=(format!("credit-{}", r.id)) data-withdrawn=(r.withdrawn().is_some()) {
                            td { (r.acted_on) }
                            td { (r.current_act()) @if r.current_act() != r.act { br; span.muted { (ctx.t("原记录：", "first recorded: ")) (r.act) } } }
                            td { (r.current_article()) }
                            td { (source_words(ctx, r.source)) " " code { (r.source_ref) } }
                            td { (actor_words(ctx, &r.recorded_by)) " · " (super::format::china_date(r.recorded_at)) }
                            td {
                                @if let Some(w) = r.withdrawn() {
                                    span.tag.grey { (ctx.t("已撤销", "withdrawn")) } br; span.muted { (w.reason) }
                                } @else {
                                    span.tag.bad { (ctx.t("有效", "in force")) }
                                    @for c in r.changes.iter().filter(|c| c.change == CreditChange::Correct) {
                                        br; span.muted { (ctx.t("更正：", "corrected: ")) (c.reason) }
                                    }
                                    @if ctx.viewer.may(Action::RecordCredit) {
                                        form.inline method="post" action=(format!("/credit-records/{}/change", r.id)) {
                                            (session::csrf_field(ctx))
                                            input type="hidden" name="back" value=(back);
                                            select name="change" aria-label=(ctx.t("变更", "Change")) {
                                                option value="withdraw" { (ctx.t("撤销", "withdraw")) }
                                                option value="correct" { (ctx.t("更正行为描述", "correct the act")) }
                                            }
                                            input name="act" placeholder=(ctx.t("更正后的行为（更正时）", "the act as corrected")) aria-label=(ctx.t("更正后的行为", "the act as corrected"));
                                            input name="reason" required placeholder=(ctx.t("理由", "reason")) aria-label=(ctx.t("理由", "reason"));
                                            button type="submit" { (ctx.t("提交", "Submit")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            @if ctx.viewer.may(Action::RecordCredit) {
                form.stack #credit-form method="post" action="/credit-records" novalidate {
                    (session::csrf_field(ctx))
                    input type="hidden" name="back" value=(back);
                    input type="hidden" name="subject_kind" value=(kind.as_str());
                    input type="hidden" name="subject_key" value=(key);
                    (at_form(ctx, &CREDIT_FIELDS, error))
                    div.cols {
                        div {
                            label for="source" { (ctx.t("依据的记录", "Source")) }
                            select #source name="source" aria-invalid=[bad("source")] {
                                option value="" { (ctx.t("请选择", "Choose")) }
                                @for src in &sources {
                                    option value=(src.as_str()) selected[f.source == src.as_str()] { (source_words(ctx, *src)) }
                                }
                            }
                            (at_field(ctx, "source", error))
                        }
                        div {
                            label for="source_ref" { (ctx.t("记录编号（撤销决定、多发待遇、预警编号；机构编码）", "Its number (revision, overpayment, alert; the institution's code)")) }
                            input #source_ref name="source_ref" value=(f.source_ref) aria-invalid=[bad("source_ref")];
                            (at_field(ctx, "source_ref", error))
                        }
                        div {
                            label for="act" { (ctx.t("失信行为", "The act")) }
                            input #act name="act" value=(f.act) aria-invalid=[bad("act")];
                            (at_field(ctx, "act", error))
                        }
                        div {
                            label for="article" { (ctx.t("违反的条款（默认第四十五条第二款）", "Provision breached (default Art 45(2))")) }
                            input #article name="article" value=(f.article) aria-invalid=[bad("article")];
                            (at_field(ctx, "article", error))
                        }
                        div {
                            label for="acted_on" { (ctx.t("行为日期", "Day of the act")) }
                            input #acted_on type="date" name="acted_on" value=(f.acted_on) aria-invalid=[bad("acted_on")];
                            (at_field(ctx, "acted_on", error))
                        }
                    }
                    (at_field(ctx, "subject_key", error))
                    button.primary type="submit" { (ctx.t("记录", "Record")) }
                }
            }
        }
    }
}

fn safe_back(back: &str) -> &str {
    // Only a path of this site: never another host.
    if back.starts_with('/') && !back.starts_with("//") && !back.contains("://") {
        back
    } else {
        "/"
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct CreditPost {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    back: String,
    #[serde(flatten)]
    form: CreditForm,
}

async fn record_credit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CreditPost>,
) -> Response {
    let actor = match session::require(&ctx, Action::RecordCredit) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let form = f.form.clone();
    let a = actor.clone();
    let back = safe_back(&f.back).to_owned();
    match state.run(move |app| app.record_credit(&a, &form)).await {
        Ok(r) => Redirect::to(&format!("{back}#credit-{}", r.id)).into_response(),
        Err(e) if !e.is_internal() => {
            let kind = CreditSubjectKind::parse(f.form.subject_kind.trim())
                .unwrap_or(CreditSubjectKind::Unit);
            let key = f.form.subject_key.clone();
            let k2 = key.clone();
            let records = state
                .run(move |app| app.credit_records(&actor, kind, &k2))
                .await
                .unwrap_or_default();
            (
                super::error_status(&e),
                respond(
                    &ctx,
                    ctx.t("失信行为记录", "Dishonest acts"),
                    html! {
                        p { a href=(back) { (ctx.t("← 返回", "← Back")) } }
                        (credit_section(&ctx, kind, &key, &back, &records, Some((&e, &f.form))))
                    },
                ),
            )
                .into_response()
        }
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct CreditChangePost {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    back: String,
    #[serde(flatten)]
    form: CreditChangeForm,
}

async fn change_credit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CreditChangePost>,
) -> Response {
    let actor = match session::require(&ctx, Action::RecordCredit) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let back = safe_back(&f.back).to_owned();
    let form = f.form.clone();
    match state
        .run(move |app| app.change_credit(&actor, id, &form))
        .await
    {
        Ok(r) => Redirect::to(&format!("{back}#credit-{}", r.id)).into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

// ---- registration applications (Arts 6, 10) -------------------------------

fn kind_words(ctx: &Ctx, k: RegistrationKind) -> &'static str {
    match k {
        RegistrationKind::Start => ctx.t("参保登记", "registration"),
        RegistrationKind::End => ctx.t("注销（停保）", "cancellation"),
    }
}

/// Open: days left or overdue; completed: in time or late.
pub fn registration_state(ctx: &Ctx, v: &RegistrationView) -> Markup {
    html! {
        @match (v.row.late, v.days_left) {
            (Some(true), _) => { span.tag.bad data-late="true" { (ctx.t("逾期办结 ", "completed late ")) (v.row.completed_on.map(|d| d.to_string()).unwrap_or_default()) } }
            (Some(false), _) => { span.tag data-late="false" { (ctx.t("按时办结 ", "completed in time ")) (v.row.completed_on.map(|d| d.to_string()).unwrap_or_default()) } }
            (None, Some(n)) if n < 0 => { span.tag.bad data-overdue="true" { (ctx.t("已逾期 ", "overdue by ")) (-n) (ctx.t(" 天", " days")) } }
            (None, Some(0)) => { span.tag.warn { (ctx.t("今天到期", "due today")) } }
            (None, Some(n)) => { span.muted { (ctx.t("剩 ", "")) (n) (ctx.t(" 天", " days left")) } }
            (None, None) => {}
        }
    }
}

/// The applications as a table; `with_unit` names the unit (the queue).
pub fn registrations_table(ctx: &Ctx, regs: &[RegistrationView], with_unit: bool) -> Markup {
    html! {
        div.table-wrap { table.registrations {
            thead { tr {
                @if with_unit { th { (ctx.t("单位", "Unit")) } }
                th { (ctx.t("人员", "Person")) }
                th { (ctx.t("事项", "Kind")) }
                th { (ctx.t("用工日期", "Employment")) }
                th { (ctx.t("受理日期", "Received")) }
                th { (ctx.t("办理期限", "Due")) }
                th { (ctx.t("状态", "State")) }
            } }
            tbody {
                @if regs.is_empty() {
                    tr { td colspan=(if with_unit { 7 } else { 6 }) { span.muted { (ctx.t("没有登记申请。", "No applications.")) } } }
                }
                @for v in regs {
                    @let r = &v.row;
                    tr id=(format!("registration-{}", r.id)) {
                        @if with_unit { td { a href=(format!("/units/{}#registrations", r.unit_id)) { (r.unit_name) } " " code { (r.unit.as_str()) } } }
                        td { code { (r.person.masked()) } }
                        td { (kind_words(ctx, r.kind)) @if let Some(e) = r.enrollment_id { " · " a href=(format!("/enrollments/{e}")) { (ctx.t("参保记录 #", "enrolment #")) (e) } } }
                        td { (r.employment_on) }
                        td { (r.received_on) }
                        td { (r.due_on) }
                        td { (registration_state(ctx, v)) }
                    }
                }
            }
        } }
    }
}

const REGISTRATION_FIELDS: [&str; 5] = [
    "resident_id",
    "kind",
    "employment_on",
    "received_on",
    "enrollment_id",
];

/// A unit's applications on its page, with the form to apply (the unit, or a
/// clerk at the window) and, for the clerk, to complete an open one.
pub fn registrations_section(
    ctx: &Ctx,
    unit_id: i64,
    regs: &[RegistrationView],
    enrollments: &[gongshang_app::model::StoredEnrollment],
    failed: Option<(&AppError, &RegistrationForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = RegistrationForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let clerk = ctx.viewer.may(Action::CompleteRegistration);
    html! {
        section.card #registrations {
            h2 { (ctx.t("参保登记申请（《社会保险经办条例》第六条、第十条）", "Registration applications (Decree 765 Arts 6, 10)")) }
            p.muted { (ctx.t(
                "经办机构自收到申请之日起10个工作日内办理完毕（按节假日安排计算）；期限自受理之日起算，而非自用工之日。",
                "The agency completes each within 10 working days of the day it received it (on the holiday calendar): the period runs from the application's receipt, not from the employment's start or end."
            )) }
            (registrations_table(ctx, regs, false))
            @if clerk {
                @for v in regs.iter().filter(|v| v.row.completed_on.is_none()) {
                    form.inline.complete-registration method="post" action=(format!("/units/{unit_id}/registrations/{}/complete", v.row.id)) {
                        (session::csrf_field(ctx))
                        (kind_words(ctx, v.row.kind)) " " code { (v.row.person.masked()) } " "
                        @if v.row.kind == RegistrationKind::Start {
                            label for=(format!("enrollment-{}", v.row.id)) { (ctx.t("已办理的参保记录", "Enrolment made")) }
                            " "
                            select id=(format!("enrollment-{}", v.row.id)) name="enrollment_id" {
                                option value="" { (ctx.t("请选择", "Choose")) }
                                @for e in enrollments.iter().filter(|e| e.person == v.row.person) {
                                    option value=(e.id) { "#" (e.id) " " (e.start) }
                                }
                            }
                        }
                        " "
                        button type="submit" { (ctx.t("办结", "Complete")) }
                    }
                }
            }
            @if ctx.viewer.may(Action::ReceiveRegistration) {
                form.stack #registration-form method="post" action=(format!("/units/{unit_id}/registrations")) novalidate {
                    (session::csrf_field(ctx))
                    (at_form(ctx, &REGISTRATION_FIELDS, error))
                    div.cols {
                        div {
                            label for="resident_id" { (ctx.t("公民身份号码", "Resident id")) }
                            input #resident_id name="resident_id" value=(f.resident_id) aria-invalid=[bad("resident_id")];
                            (at_field(ctx, "resident_id", error))
                        }
                        div {
                            label for="kind" { (ctx.t("事项", "Kind")) }
                            select #kind name="kind" aria-invalid=[bad("kind")] {
                                option value="" { (ctx.t("请选择", "Choose")) }
                                @for k in RegistrationKind::ALL {
                                    option value=(k.as_str()) selected[f.kind == k.as_str()] { (kind_words(ctx, k)) }
                                }
                            }
                            (at_field(ctx, "kind", error))
                        }
                        div {
                            label for="employment_on" { (ctx.t("用工开始或结束日期", "Employment's first or last day")) }
                            input #employment_on type="date" name="employment_on" value=(f.employment_on) aria-invalid=[bad("employment_on")];
                            (at_field(ctx, "employment_on", error))
                        }
                        @if clerk {
                            div {
                                label for="received_on" { (ctx.t("受理日期（默认今天）", "Received on (default today)")) }
                                input #received_on type="date" name="received_on" value=(f.received_on) aria-invalid=[bad("received_on")];
                                (at_field(ctx, "received_on", error))
                            }
                        }
                        div {
                            label for="enrollment_id" { (ctx.t("注销的参保记录（仅注销）", "Enrolment ended (cancellation only)")) }
                            select #enrollment_id name="enrollment_id" aria-invalid=[bad("enrollment_id")] {
                                option value="" { "—" }
                                @for e in enrollments.iter().filter(|e| e.last_day.is_none()) {
                                    option value=(e.id) selected[f.enrollment_id == e.id.to_string()] { "#" (e.id) " " code { (e.person.masked()) } " " (e.start) }
                                }
                            }
                            (at_field(ctx, "enrollment_id", error))
                        }
                    }
                    button.primary type="submit" { (ctx.t("提交申请", "Apply")) }
                }
            }
        }
    }
}

/// The unit's page parts this module serves after a refusal: its
/// applications and the form with what was typed.
async fn unit_parts(
    state: &AppState,
    actor: &gongshang_app::accounts::Actor,
    id: i64,
) -> Result<(gongshang_app::views::UnitDetail, Vec<RegistrationView>), AppError> {
    let actor = actor.clone();
    state
        .run(move |app| {
            let d = app.unit_detail(&actor, id)?;
            let regs = app.registrations_of_unit(&actor, &d.unit.credit_code)?;
            Ok::<_, AppError>((d, regs))
        })
        .await
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ReceiveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    form: RegistrationForm,
}

async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReceiveForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReceiveRegistration) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let (d, _) = match unit_parts(&state, &actor, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, &e),
    };
    let code = d.unit.credit_code;
    let form = f.form.clone();
    let a = actor.clone();
    let done = state
        .run(move |app| {
            form.parse(&code)
                .and_then(|input| app.receive_registration(&a, &input))
        })
        .await;
    match done {
        Ok(v) => Redirect::to(&format!("/units/{id}#registration-{}", v.row.id)).into_response(),
        Err(e) if !e.is_internal() => match unit_parts(&state, &actor, id).await {
            Ok((d, regs)) => (
                super::error_status(&e),
                respond(
                    &ctx,
                    &d.unit.name,
                    html! {
                        h1 { a href=(format!("/units/{id}")) { (d.unit.name) } }
                        (registrations_section(&ctx, id, &regs, &d.enrollments, Some((&e, &f.form))))
                    },
                ),
            )
                .into_response(),
            Err(e) => error_page(&ctx, &e),
        },
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct CompleteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    enrollment_id: String,
}

async fn complete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, application)): Path<(i64, i64)>,
    Form(f): Form<CompleteForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::CompleteRegistration) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let enrollment = match f.enrollment_id.trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return error_page(
                    &ctx,
                    &AppError::invalid(
                        "enrollment_id",
                        format!("{t:?} is not an enrolment's number"),
                    ),
                );
            }
        },
    };
    let a = actor.clone();
    match state
        .run(move |app| app.complete_registration(&a, application, enrollment))
        .await
    {
        Ok(v) => Redirect::to(&format!("/units/{id}#registration-{}", v.row.id)).into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("停止享受待遇情形告知", "Stop-benefit reports")
}

pub fn event_words(ctx: &Ctx, e: MatchRule) -> &'static str {
    ctx.t(e.label_zh(), e.label_en())
}

fn reporter_words(ctx: &Ctx, r: Reporter) -> &'static str {
    match r {
        Reporter::Unit => ctx.t("用人单位", "the unit"),
        Reporter::Recipient => ctx.t("待遇享受人员", "the recipient"),
        Reporter::Relative => ctx.t("亲属", "a relative"),
    }
}

/// "late by N days" or "in time", as a tag.
pub fn lateness(ctx: &Ctx, v: &StopReportView) -> Markup {
    html! {
        @if v.report.late {
            span.tag.bad data-late="true" { (ctx.t("逾期告知 ", "late by ")) (v.days_late) (ctx.t(" 天", " days")) }
        } @else {
            span.tag data-late="false" { (ctx.t("按时告知", "in time")) }
        }
    }
}

/// The table of reports (the case's page, and the clerk's queue with the
/// case's number).
pub fn reports_table(ctx: &Ctx, reports: &[StopReportView], with_case: bool) -> Markup {
    html! {
        div.table-wrap { table.stop-reports {
            thead { tr {
                @if with_case { th { (ctx.t("案件", "Case")) } }
                th { (ctx.t("待遇", "Benefit")) }
                th { (ctx.t("情形", "Event")) }
                th { (ctx.t("发生日期", "Happened")) }
                th { (ctx.t("告知日期", "Reported")) }
                th { (ctx.t("告知人", "By")) }
                th { (ctx.t("告知期限", "Due")) }
                th { (ctx.t("处理", "Done")) }
                th.num { (ctx.t("多发（元）", "Overpaid")) }
                th.num { (ctx.t("尚欠（元）", "Outstanding")) }
            } }
            tbody {
                @if reports.is_empty() {
                    tr { td colspan=(if with_case { 10 } else { 9 }) { span.muted { (ctx.t("没有告知记录。", "No reports.")) } } }
                }
                @for v in reports {
                    @let r = &v.report;
                    tr id=(format!("report-{}", r.id)) data-report=(r.id) {
                        @if with_case { td { a href=(format!("/cases/{}/stop-reports", r.case_number)) { code { (r.case_number) } } } }
                        td { (ctx.t(r.item.label_zh(), r.item.label_en())) " · " (beneficiary_words(ctx.lang, &r.beneficiary)) " #" (r.benefit_id) }
                        td { (event_words(ctx, r.event)) }
                        td { (r.event_on) }
                        td { (r.reported_on) }
                        td { (reporter_words(ctx, r.reported_by)) }
                        td { (r.due_on) " " (lateness(ctx, v)) }
                        td {
                            @if let Some(m) = r.last_month { (ctx.t("停发，最后发放月 ", "ended, last month paid ")) (m.to_string()) }
                            @else if let (Some(m), Some(a)) = (r.new_from_month, r.new_amount) { (ctx.t("自 ", "from ")) (m.to_string()) (ctx.t(" 起每月 ", " a month: ")) (yuan(a)) }
                        }
                        td.num { (yuan(r.overpaid)) " (" (r.overpaid_months) (ctx.t(" 个月", " months")) ")" }
                        td.num { @if let Some(o) = r.outstanding { strong { (yuan(o)) } " " span.muted { (r.overpayment_reference.as_deref().unwrap_or("")) } } @else { "—" } }
                    }
                }
            }
        } }
    }
}

const FIELDS: [&str; 9] = [
    "benefit_id",
    "event",
    "event_on",
    "reported_on",
    "reported_by",
    "pension_monthly",
    "recovery",
    "months",
    "note",
];

#[derive(Clone, Debug, Default, Deserialize)]
struct ReportForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    form: StopReportForm,
}

fn report_form(
    ctx: &Ctx,
    number: &str,
    benefits: &[PeriodicBenefitRow],
    failed: Option<(&AppError, &StopReportForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = StopReportForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        section.card #stop-report {
            h2 { (ctx.t("登记核实后的告知", "Record a verified report")) }
            p.muted { (ctx.t(
                "登记后该项待遇按情形停发（死亡、再婚当月照发，次月起停发；子女自年满18周岁当月起停发；一至四级伤残职工领取基本养老金后改为补差），情形发生后基金已发放的月份登记为多发待遇并追回（第四十六条）。用人单位支付的定期待遇（如五至六级伤残津贴）同样停发。",
                "Recording it ends the benefit as the event says (paid for the month of a death or a remarriage, not after; a child's from the month of the 18th birthday; a grade 1-4 allowance with a basic pension becomes the difference), and the months the fund paid after the event are recorded as an overpayment to recover (Art 46). A periodic benefit the unit pays (a grade 5-6 allowance, say) ends in the same way."
            )) }
            form.stack #stop-report-form method="post" action=(format!("/cases/{number}/stop-reports")) novalidate {
                (session::csrf_field(ctx))
                (at_form(ctx, &FIELDS, error))
                div.cols {
                    div {
                        label for="benefit_id" { (ctx.t("定期待遇", "Periodic benefit")) }
                        select #benefit_id name="benefit_id" aria-invalid=[bad("benefit_id")] {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            @for b in benefits {
                                option value=(b.id) selected[f.benefit_id == b.id.to_string()] {
                                    (ctx.t(b.item.label_zh(), b.item.label_en())) " · " (beneficiary_words(ctx.lang, &b.beneficiary)) " #" (b.id)
                                    @if b.payer != gongshang_rules::Payer::Fund { " · " (ctx.t(b.payer.label_zh(), b.payer.label_en())) (ctx.t("支付", " pays")) }
                                    @if let Some(end) = b.end_month { " (" (ctx.t("已停发于 ", "ended ")) (end.to_string()) ")" }
                                }
                            }
                        }
                        (at_field(ctx, "benefit_id", error))
                    }
                    div {
                        label for="event" { (ctx.t("情形", "Event")) }
                        select #event name="event" aria-invalid=[bad("event")] {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            @for e in MatchRule::ALL.iter().copied() {
                                option value=(e.as_str()) selected[f.event == e.as_str()] { (event_words(ctx, e)) }
                            }
                        }
                        (at_field(ctx, "event", error))
                    }
                    div {
                        label for="event_on" { (ctx.t("发生日期（年满18周岁：生日）", "Day it happened (age 18: the birthday)")) }
                        input #event_on type="date" name="event_on" value=(f.event_on) aria-invalid=[bad("event_on")];
                        (at_field(ctx, "event_on", error))
                    }
                    div {
                        label for="reported_on" { (ctx.t("告知日期（默认今天）", "Day reported (default today)")) }
                        input #reported_on type="date" name="reported_on" value=(f.reported_on) aria-invalid=[bad("reported_on")];
                        (at_field(ctx, "reported_on", error))
                    }
                    div {
                        label for="reported_by" { (ctx.t("告知人", "Reported by")) }
                        select #reported_by name="reported_by" aria-invalid=[bad("reported_by")] {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            @for r in Reporter::ALL {
                                option value=(r.as_str()) selected[f.reported_by == r.as_str()] { (reporter_words(ctx, r)) }
                            }
                        }
                        (at_field(ctx, "reported_by", error))
                    }
                    div {
                        label for="pension_monthly" { (ctx.t("基本养老金月额（元，仅领取养老金）", "Basic pension a month (yuan, pension start only)")) }
                        input #pension_monthly name="pension_monthly" inputmode="decimal" value=(f.pension_monthly) aria-invalid=[bad("pension_monthly")];
                        (at_field(ctx, "pension_monthly", error))
                    }
                    div {
                        label for="recovery" { (ctx.t("多发待遇追回方式", "How an overpayment comes back")) }
                        select #recovery name="recovery" aria-invalid=[bad("recovery")] {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            option value="refund" selected[f.recovery == "refund"] { (ctx.t("一次性退回", "Refund at once")) }
                            option value="instalments" selected[f.recovery == "instalments"] { (ctx.t("分期退回", "By instalments")) }
                        }
                        (at_field(ctx, "recovery", error))
                    }
                    div {
                        label for="months" { (ctx.t("分期月数（1–120）", "Instalments (1–120 months)")) }
                        input #months name="months" inputmode="numeric" value=(f.months) aria-invalid=[bad("months")];
                        (at_field(ctx, "months", error))
                    }
                    div {
                        label for="note" { (ctx.t("核实情况", "How it was verified")) }
                        input #note name="note" value=(f.note) aria-invalid=[bad("note")];
                        (at_field(ctx, "note", error))
                    }
                }
                button.primary type="submit" { (ctx.t("登记并停发", "Record and stop")) }
            }
        }
    }
}

fn body(
    ctx: &Ctx,
    number: &str,
    reports: &[StopReportView],
    benefits: &[PeriodicBenefitRow],
    failed: Option<(&AppError, &StopReportForm)>,
) -> Markup {
    html! {
        h1 { (title(ctx)) " · " a href=(format!("/cases/{number}")) { code { (number) } } }
        p.muted { (ctx.t(
            "《社会保险经办条例》第二十五条：出现停止享受待遇的情形，用人单位、待遇享受人员或者其亲属应当自情形发生之日起20个工作日内告知经办机构（按节假日安排计算工作日）；经办机构核实后停止发放。逾期告知且尚未追回多发待遇的，列入经办人员的待办事项。",
            "Decree 765 Art 25: when a benefit's condition ends, the unit, the recipient or a relative tells the agency within 20 working days of the day it happened (working days on the holiday calendar); the agency stops the benefit once verified. A late report whose overpayment is not recovered yet is on the clerk's queue."
        )) }
        (reports_table(ctx, reports, false))
        @if let Some(v) = reports.iter().next_back() {
            p.muted { (ctx.t("最近登记：", "Last recorded: ")) (actor_words(ctx, &v.report.recorded_by)) " · " (super::format::china_date(v.report.recorded_at)) " · " (v.report.article) }
        }
        @if ctx.viewer.may(Action::RecordStopReport) {
            (report_form(ctx, number, benefits, failed))
        }
    }
}

async fn reports_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadStopReports) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let n = number.clone();
    match state
        .run(move |app| {
            Ok::<_, AppError>((
                app.stop_reports(&actor, &n)?,
                app.stop_report_benefits(&actor, &n)?,
            ))
        })
        .await
    {
        Ok((reports, benefits)) => respond(
            &ctx,
            title(&ctx),
            body(&ctx, &number, &reports, &benefits, None),
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

async fn record_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ReportForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::RecordStopReport) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let n = number.clone();
    let form = f.form.clone();
    let result = state
        .run(move |app| {
            let done = form
                .parse()
                .and_then(|input| app.report_stop_event(&actor, &n, &input));
            let reports = app.stop_reports(&actor, &n)?;
            let benefits = app.stop_report_benefits(&actor, &n)?;
            Ok::<_, AppError>((done, reports, benefits))
        })
        .await;
    match result {
        Ok((Ok(v), _, _)) => Redirect::to(&format!(
            "/cases/{number}/stop-reports#report-{}",
            v.report.id
        ))
        .into_response(),
        Ok((Err(e), reports, benefits)) if !e.is_internal() => (
            super::error_status(&e),
            respond(
                &ctx,
                title(&ctx),
                body(&ctx, &number, &reports, &benefits, Some((&e, &f.form))),
            ),
        )
            .into_response(),
        Ok((Err(e), _, _)) | Err(e) => error_page(&ctx, &e),
    }
}

/// The institutions' records on the register's page (agency staff only):
/// for each institution that has records or whose payments are suspended
/// (the source a record of a provider rests on), its records and the form.
pub fn institution_credit(
    ctx: &Ctx,
    institutions: &[gongshang_app::cases::InstitutionRow],
    records: &[CreditRecordRow],
) -> Markup {
    html! {
        @for i in institutions {
            @let code = i.institution.code.as_str();
            @let mine: Vec<CreditRecordRow> = records.iter().filter(|r| r.subject_key == code).cloned().collect();
            @if !mine.is_empty() || i.institution.suspended.is_some() {
                h3 { (i.institution.name) " " code { (code) } }
                (credit_section(ctx, CreditSubjectKind::Institution, code, "/institutions", &mine, None))
            }
        }
    }
}
