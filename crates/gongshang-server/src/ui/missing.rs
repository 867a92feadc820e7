//! A worker missing after an accident (《工伤保险条例》第四十一条) on the
//! clerk's case page: the record (went missing, the employer's three months,
//! the first month of the survivors' pensions, the advance, the court's
//! declaration, the reappearance), a form for what the record allows now,
//! and the form computing the missing worker's award for review. Refusals
//! appear at their field, in the page's language, with what was typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::cases::{MissingRequest, MissingStatus, MissingView};
use gongshang_domain::case::AwardBasis;
use gongshang_domain::missing::Circumstance;
use maud::{Markup, html};

use super::cases::{
    ActForm, after_change, award_in_force, award_request, case_post, dependants_of,
};
use super::staff_words::{actor_words, at_field, at_form, basis_words};
use super::{Ctx, session};
use crate::AppState;

fn status_words(ctx: &Ctx, s: MissingStatus) -> &'static str {
    match s {
        MissingStatus::NotReported => ctx.t("未登记", "not reported"),
        MissingStatus::Missing => ctx.t("下落不明", "missing"),
        MissingStatus::DeclaredDead => ctx.t("已被人民法院宣告死亡", "declared dead by a court"),
        MissingStatus::Reappeared => ctx.t("已重新出现", "reappeared"),
    }
}

fn circumstance_words(ctx: &Ctx, c: Circumstance) -> &'static str {
    match c {
        Circumstance::WorkTrip => ctx.t("因工外出期间发生事故", "accident on a work trip"),
        Circumstance::DisasterRelief => ctx.t("在抢险救灾中", "in disaster relief"),
    }
}

fn command_words(ctx: &Ctx, command: &str) -> &'static str {
    match command {
        "report_missing" => ctx.t("登记职工下落不明", "record the worker missing"),
        "apply_for_advance" => ctx.t(
            "生活有困难，申请预支一次性工亡补助金的50%",
            "the family in hardship applies for 50% of the one-time death benefit in advance",
        ),
        "declare_dead" => ctx.t("人民法院宣告死亡", "declared dead by a court"),
        "reappear" => ctx.t(
            "职工重新出现（停发供养亲属抚恤金）",
            "the worker reappeared (pensions stop)",
        ),
        _ => ctx.t("其他", "other"),
    }
}

fn event_words(ctx: &Ctx, kind: &str) -> &'static str {
    match kind {
        "went_missing" => ctx.t("登记下落不明", "went missing"),
        "advance_applied" => ctx.t("申请预支一次性工亡补助金", "advance applied for"),
        "declared_dead" => ctx.t("宣告死亡", "declared dead"),
        "reappeared" => ctx.t("重新出现", "reappeared"),
        _ => ctx.t("其他", "other"),
    }
}

/// The section of the case page.
pub(super) fn section(ctx: &Ctx, m: &MissingView, failed: Option<(&AppError, &ActForm)>) -> Markup {
    let number = &m.case_number;
    let record = failed.filter(|(_, f)| f.action == "missing");
    let award = failed.filter(|(_, f)| f.action == "missing_award");
    let error = record.map(|(e, _)| e);
    let form = record.map(|(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let may_record = ctx.viewer.may(Action::RecordMissingWorker);
    let may_compute = ctx.viewer.may(Action::ComputeAward)
        && matches!(
            m.status,
            MissingStatus::Missing | MissingStatus::DeclaredDead
        );
    let open = m.status != MissingStatus::NotReported
        || failed.is_some_and(|(_, f)| f.action.starts_with("missing"));
    html! {
        section.card #missing {
            details open[open] {
                summary { h2 style="display:inline;margin:0" { (ctx.t("职工下落不明（《工伤保险条例》第四十一条）", "Worker missing (Regulations Art 41)")) } " " span.tag { (status_words(ctx, m.status)) } }
                p.muted { (ctx.t(
                    "职工因工外出期间发生事故或者在抢险救灾中下落不明的，从事故发生当月起3个月内照发工资（由用人单位支付），从第4个月起停发工资，由工伤保险基金向其供养亲属按月支付供养亲属抚恤金；生活有困难的，可以预支一次性工亡补助金的50%；被人民法院宣告死亡的，按第三十九条处理。",
                    "A worker missing after an accident on a work trip or in disaster relief: wages as before for three months from the accident's month (the employer pays), then the fund pays the dependants' pensions monthly from the fourth month; a family in hardship may have 50% of the one-time death benefit in advance; once declared dead by a court, Art 39 applies.")) }
                @if m.status != MissingStatus::NotReported {
                    dl.facts {
                        @if let Some(c) = m.circumstance { dt { (ctx.t("情形", "Circumstance")) } dd { (circumstance_words(ctx, c)) } }
                        @if let Some(d) = m.missing_since { dt { (ctx.t("登记下落不明", "Missing since")) } dd { (d) } }
                        dt { (ctx.t("用人单位照发工资的月份", "Months the employer pays wages")) }
                        dd { @for (i, mo) in m.employer_wage_months.iter().enumerate() { @if i > 0 { "、" } (mo.to_string()) }
                            br; span.muted { (ctx.t("工伤保险基金不支付这三个月的工资。", "The fund pays nothing for these three months.")) } }
                        @if let Some(p) = m.pensions_from { dt { (ctx.t("供养亲属抚恤金起始月", "Survivors' pensions from")) } dd { (p.to_string()) } }
                        @if let Some(p) = m.pensions_last_month { dt { (ctx.t("供养亲属抚恤金最后一个月", "Last month of the pensions")) } dd { (p.to_string()) } }
                        @if let Some(d) = m.advance_applied_on { dt { (ctx.t("申请预支", "Advance applied for")) } dd { (d) } }
                        @if let Some(d) = m.declared_dead_on { dt { (ctx.t("宣告死亡判决日", "Judgment declaring death")) } dd { (d) } }
                        @if let Some(d) = m.reappeared_on { dt { (ctx.t("重新出现", "Reappeared")) } dd { (d) } }
                    }
                    ol.history {
                        @for e in &m.events {
                            li { (e.on) " · " strong { (event_words(ctx, &e.kind)) } " · " span.muted { (actor_words(ctx, &e.recorded_by)) } }
                        }
                    }
                }
                @if may_record && !m.allowed.is_empty() {
                    form.stack #missing-form method="post" action=(format!("/cases/{number}/missing")) novalidate {
                        (session::csrf_field(ctx))
                        input type="hidden" name="action" value="missing";
                        (at_form(ctx, &["missing_command", "missing", "advance", "circumstance", "judgment_on", "on"], error))
                        div {
                            label for="missing_command" { (ctx.t("登记事项", "What to record")) }
                            select #missing_command name="missing_command" aria-invalid=[bad("missing_command").or(bad("missing")).or(bad("advance"))] {
                                option value="" { (ctx.t("请选择", "Please choose")) }
                                @for c in &m.allowed {
                                    option value=(c) selected[form.is_some_and(|f| f.missing_command == *c)] { (command_words(ctx, c)) }
                                }
                            }
                            (at_field(ctx, "missing_command", error))
                            (at_field(ctx, "missing", error))
                            (at_field(ctx, "advance", error))
                        }
                        div.cols {
                            @if m.allowed.contains(&"report_missing") {
                                div {
                                    label for="circumstance" { (ctx.t("情形（登记下落不明时）", "Circumstance (when recording the worker missing)")) }
                                    select #circumstance name="circumstance" aria-invalid=[bad("circumstance")] {
                                        option value="" { (ctx.t("请选择", "Please choose")) }
                                        @for c in [Circumstance::WorkTrip, Circumstance::DisasterRelief] {
                                            @let v = crate::api::wire(&c);
                                            option value=(v) selected[form.is_some_and(|f| f.circumstance == v)] { (circumstance_words(ctx, c)) }
                                        }
                                    }
                                    (at_field(ctx, "circumstance", error))
                                }
                            }
                            @if m.allowed.contains(&"declare_dead") {
                                div {
                                    label for="judgment_on" { (ctx.t("宣告死亡判决日期（宣告死亡时）", "Date of the judgment (when declared dead)")) }
                                    input #judgment_on type="date" name="judgment_on" value=(form.map_or("", |f| f.judgment_on.as_str())) aria-invalid=[bad("judgment_on")];
                                    (at_field(ctx, "judgment_on", error))
                                }
                            }
                            div {
                                label for="on" { (ctx.t("发生日期（留空为今天）", "Date (empty: today)")) }
                                input #on type="date" name="on" value=(form.map_or("", |f| f.on.as_str())) aria-invalid=[bad("on")];
                                (at_field(ctx, "on", error))
                            }
                        }
                        p.muted { (ctx.t("重新出现：供养亲属抚恤金发放至重新出现的当月，次月起停发。申请预支或宣告死亡后，请重新计算待遇核定并提交复核。",
                            "A reappearance: the pensions are paid for its month and stop from the next. After an application for the advance or a declaration of death, compute the award again for review.")) }
                        div { button.primary type="submit" { (ctx.t("登记", "Record")) } }
                    }
                }
                @if may_compute {
                    (award_form(ctx, number, m, award))
                }
            }
        }
    }
}

fn award_form(
    ctx: &Ctx,
    number: &str,
    m: &MissingView,
    failed: Option<(&AppError, &ActForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let f = failed.map(|(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        form.stack #missing-award-form method="post" action=(format!("/cases/{number}/missing/award")) novalidate {
            (session::csrf_field(ctx))
            input type="hidden" name="action" value="missing_award";
            h3 { (ctx.t("计算下落不明职工的待遇核定（提交复核）", "Compute the missing worker's award (for review)")) }
            p.muted { @if m.status == MissingStatus::DeclaredDead {
                (ctx.t("已宣告死亡：按第三十九条核定，一次性工亡补助金扣除已预支部分。", "Declared dead: Art 39 in full, the one-time death benefit less what was advanced."))
            } @else {
                (ctx.t("下落不明：供养亲属抚恤金自第4个月起按月支付；已申请预支的，另核定一次性工亡补助金的50%。", "Missing: the survivors' pensions monthly from the fourth month; after an application, 50% of the one-time death benefit."))
            } }
            (at_form(ctx, &["own_wage", "spouse", "others", "dependants", "basis", "confirm_replace"], error))
            div.cols {
                div {
                    label for="m_own_wage" { (ctx.t("本人工资（元/月）", "Own wage (yuan a month)")) }
                    input #m_own_wage name="own_wage" inputmode="decimal" value=(f.map_or("", |f| f.own_wage.as_str())) aria-invalid=[bad("own_wage")] placeholder=(ctx.t("例如 6500.00", "e.g. 6500.00"));
                    (at_field(ctx, "own_wage", error))
                }
                div {
                    label for="others" { (ctx.t("配偶以外的供养亲属人数", "Dependants other than the spouse")) }
                    input #others name="others" inputmode="numeric" value=(f.map_or("", |f| f.others.as_str())) aria-invalid=[bad("others").or(bad("dependants"))];
                    (at_field(ctx, "others", error))
                    (at_field(ctx, "dependants", error))
                }
                div {
                    label for="spouse" { (ctx.t("配偶是否为供养亲属", "Spouse a dependant")) }
                    select #spouse name="spouse" aria-invalid=[bad("spouse")] {
                        option value="" { (ctx.t("请选择", "Please choose")) }
                        option value="true" selected[f.is_some_and(|f| f.spouse == "true")] { (ctx.t("是", "yes")) }
                        option value="false" selected[f.is_some_and(|f| f.spouse == "false")] { (ctx.t("否", "no")) }
                    }
                    (at_field(ctx, "spouse", error))
                }
            }
            div {
                label for="m_basis" { (ctx.t("重新核定的原因（已有核准的核定单时）", "Why it is computed again (when an award is approved)")) }
                select #m_basis name="basis" aria-invalid=[bad("basis")] {
                    option value="" { (ctx.t("首次核定", "first award")) }
                    @for b in [AwardBasis::FactsCorrected, AwardBasis::ParameterCorrection] {
                        option value=(b.as_str()) selected[f.is_some_and(|f| f.basis == b.as_str())] { (basis_words(ctx.lang, b)) }
                    }
                }
                (at_field(ctx, "basis", error))
            }
            label.check { input type="checkbox" name="confirm_replace" value="1" aria-invalid=[bad("confirm_replace")]; " " (ctx.t("已有核准的核定单时：我确认以新的核定单替换它", "When an award is approved: I confirm a new one replaces it")) }
            (at_field(ctx, "confirm_replace", error))
            div { button.primary type="submit" { (ctx.t("计算待遇（提交复核）", "Compute the award (for review)")) } }
        }
    }
}

/// The record form as the app's request; a field that does not read is
/// refused naming it.
fn missing_request(f: &ActForm) -> Result<MissingRequest, AppError> {
    let on = super::format::optional_date_field("on", &f.on)?;
    Ok(match f.missing_command.as_str() {
        "report_missing" => MissingRequest::ReportMissing {
            circumstance: match f.circumstance.as_str() {
                "work_trip" => Circumstance::WorkTrip,
                "disaster_relief" => Circumstance::DisasterRelief,
                _ => {
                    return Err(AppError::invalid(
                        "circumstance",
                        "choose work_trip or disaster_relief (Art 41 names these two)",
                    ));
                }
            },
            on,
        },
        "apply_for_advance" => MissingRequest::ApplyForAdvance { on },
        "declare_dead" => MissingRequest::DeclareDead {
            judgment_on: super::format::optional_date_field("judgment_on", &f.judgment_on)?
                .ok_or_else(|| {
                    AppError::invalid("judgment_on", "is empty; the day of the court's judgment")
                })?,
            on,
        },
        "reappear" => MissingRequest::Reappear { on },
        _ => {
            return Err(AppError::invalid(
                "missing_command",
                "choose what to record",
            ));
        }
    })
}

pub(super) async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(&state, &ctx, number, f, "missing", |app, actor, n, form| {
        let req = missing_request(form)?;
        app.record_missing(actor, n, &req)
    })
    .await
}

pub(super) async fn compute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(mut f): Form<ActForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    f.action = "missing_award".into();
    let n = number.clone();
    let viewer = actor.clone();
    let form = f.clone();
    let result = state
        .run(move |app| {
            let replacing = award_in_force(app, &actor, &n)?;
            let (dependants, births) = dependants_of(&form)?;
            let mut req = award_request(&form, replacing)?;
            if let Some(facts) = req.facts.as_object_mut() {
                facts.remove("suspension_months");
                facts.remove("hospital_days");
                facts.insert("dependants".into(), dependants);
            }
            req.dependant_birth_dates = births;
            app.compute_missing_award(&actor, &n, &req)
        })
        .await;
    match result {
        Ok(v) => Redirect::to(&format!("/awards/{}", v.award.id)).into_response(),
        Err(e) => after_change(&state, &ctx, &viewer, &number, Some((e, f))).await,
    }
}
