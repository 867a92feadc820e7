//! A survivor's pension stopped for a prison sentence and paid again after
//! the release (劳社部令第18号 Art 5), where the clerk records both: the page
//! `/cases/{number}/benefit-pauses` lists the case's pauses (the months not
//! paid, the documents, the overpayment of the months already paid) with
//! the two forms, posted to `/cases/{number}/benefit-pauses` (taken into
//! prison) and `/cases/{number}/benefit-pauses/release`. Chinese by
//! default, English with `?lang=en`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::handling::{BenefitPauseRow, ImprisonmentForm, ReleaseForm};
use gongshang_app::model::PeriodicBenefitRow;
use gongshang_rules::Item;
use maud::{Markup, html};
use serde::Deserialize;

use super::staff_words::{at_field, at_field_saying, at_form, beneficiary_words};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{number}/benefit-pauses", get(page).post(imprison))
        .route("/cases/{number}/benefit-pauses/release", post(release))
}

const IMPRISON_FIELDS: [&str; 6] = [
    "benefit_id",
    "imprisoned_on",
    "released_on",
    "document",
    "recovery",
    "months",
];
const RELEASE_FIELDS: [&str; 3] = ["benefit_id", "released_on", "document"];

/// Which form failed, with what was typed.
enum Failed<'a> {
    Imprison(&'a AppError, &'a ImprisonmentForm),
    Release(&'a AppError, &'a ReleaseForm),
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("收监执行停发抚恤金", "Pensions stopped for a sentence")
}

fn benefit_words(ctx: &Ctx, b: &PeriodicBenefitRow) -> String {
    format!(
        "{} · {} #{}",
        ctx.t(b.item.label_zh(), b.item.label_en()),
        beneficiary_words(ctx.lang, &b.beneficiary),
        b.id
    )
}

fn pauses_table(
    ctx: &Ctx,
    number: &str,
    pauses: &[BenefitPauseRow],
    benefits: &[PeriodicBenefitRow],
) -> Markup {
    html! {
        @if pauses.is_empty() {
            p.muted { (ctx.t("本案没有因收监执行停发的待遇。", "No benefit of this case is stopped for a sentence.")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { (ctx.t("定期待遇", "Benefit")) }
                    th { (ctx.t("收监执行日期", "Taken in")) }
                    th { (ctx.t("停发月份", "Months not paid")) }
                    th { (ctx.t("刑满释放", "Released")) }
                    th { (ctx.t("依据", "Documents")) }
                    th { (ctx.t("多发待遇", "Overpayment")) }
                } }
                tbody { @for p in pauses {
                    tr #(format!("pause-{}", p.id)) {
                        td { @match benefits.iter().find(|b| b.id == p.benefit_id) {
                            Some(b) => { (benefit_words(ctx, b)) }
                            None => { "#" (p.benefit_id) }
                        } }
                        td { (p.imprisoned_on.to_string()) }
                        td {
                            @match p.pause.until {
                                Some(u) if u < p.pause.from => { (ctx.t("无（同月收监、释放）", "none (in and out within a month)")) }
                                Some(u) => { (p.pause.from.to_string()) " – " (u.to_string()) }
                                None => { (ctx.t("自 ", "from ")) (p.pause.from.to_string()) (ctx.t(" 起（服刑中）", " on (serving)")) }
                            }
                        }
                        td { @match p.released_on { Some(d) => { (d.to_string()) } None => { "—" } } }
                        td { (p.document) @if let Some(r) = &p.release_document { br; (r) } }
                        td { @match p.overpayment_id {
                            Some(id) => { a href=(format!("/cases/{number}#overpayments")) { "#" (id) } }
                            None => { "—" }
                        } }
                    }
                } }
            } }
        }
    }
}

fn imprison_form(
    ctx: &Ctx,
    number: &str,
    pensions: &[PeriodicBenefitRow],
    failed: Option<(&AppError, &ImprisonmentForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = ImprisonmentForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        section.card #imprison {
            h2 { (ctx.t("登记收监执行", "Record an imprisonment")) }
            p.muted { (ctx.t(
                "收监执行当月照发，次月起停发；已发放的停发月份登记为多发待遇并追回（《社会保险经办条例》第四十六条）。刑满释放的，释放当月仍停发，次月起按当时标准恢复发放；停发月份不予补发。",
                "The month taken in is paid; the pension stops from the next month, and the months already paid since are recorded as an overpayment to recover (Decree 765 Art 46). After the release, the release's month is still not paid and the pension is paid again from the next month at the amount then in force; the months stopped are never paid back."
            )) }
            form.stack #imprison-form method="post" action=(format!("/cases/{number}/benefit-pauses")) novalidate {
                (session::csrf_field(ctx))
                (at_form(ctx, &IMPRISON_FIELDS, error))
                div.cols {
                    div {
                        label for="benefit_id" { (ctx.t("供养亲属抚恤金", "Survivor's pension")) }
                        select #benefit_id name="benefit_id" aria-invalid=[bad("benefit_id")] {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            @for b in pensions {
                                option value=(b.id) selected[f.benefit_id == b.id.to_string()] { (benefit_words(ctx, b)) }
                            }
                        }
                        (at_field(ctx, "benefit_id", error))
                    }
                    div {
                        label for="imprisoned_on" { (ctx.t("收监执行日期", "Day taken into prison")) }
                        input #imprisoned_on type="date" name="imprisoned_on" value=(f.imprisoned_on) aria-invalid=[bad("imprisoned_on")];
                        (at_field(ctx, "imprisoned_on", error))
                    }
                    div {
                        label for="released_on" { (ctx.t("刑满释放日期（已释放的填写）", "Day released (if already)")) }
                        input #released_on type="date" name="released_on" value=(f.released_on) aria-invalid=[bad("released_on")];
                        (at_field(ctx, "released_on", error))
                    }
                    div {
                        label for="document" { (ctx.t("判决书或收监执行通知书文号", "Judgment or the prison's notice")) }
                        input #document name="document" value=(f.document) aria-invalid=[bad("document")];
                        (at_field_saying(ctx, "document", error, "请填写判决书或收监执行通知书文号", "enter the judgment's or the prison notice's number"))
                    }
                    div {
                        label for="recovery" { (ctx.t("多发待遇追回方式", "How an overpayment comes back")) }
                        select #recovery name="recovery" aria-invalid=[bad("recovery")] {
                            option value="refund" selected[f.recovery != "instalments"] { (ctx.t("一次性退回", "Refund at once")) }
                            option value="instalments" selected[f.recovery == "instalments"] { (ctx.t("分期退回", "By instalments")) }
                        }
                        (at_field(ctx, "recovery", error))
                    }
                    div {
                        label for="months" { (ctx.t("分期月数（1–120）", "Instalments (1–120 months)")) }
                        input #months name="months" inputmode="numeric" value=(f.months) aria-invalid=[bad("months")];
                        (at_field(ctx, "months", error))
                    }
                }
                button.primary type="submit" { (ctx.t("登记并停发", "Record and stop")) }
            }
        }
    }
}

fn release_form(
    ctx: &Ctx,
    number: &str,
    serving: &[&BenefitPauseRow],
    failed: Option<(&AppError, &ReleaseForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = ReleaseForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        section.card #release {
            h2 { (ctx.t("登记刑满释放", "Record a release")) }
            form.stack #release-form method="post" action=(format!("/cases/{number}/benefit-pauses/release")) novalidate {
                (session::csrf_field(ctx))
                (at_form(ctx, &RELEASE_FIELDS, error))
                div.cols {
                    div {
                        label for="release_benefit_id" { (ctx.t("停发中的抚恤金", "Pension stopped")) }
                        select #release_benefit_id name="benefit_id" aria-invalid=[bad("benefit_id")] {
                            @for p in serving {
                                option value=(p.benefit_id) selected[f.benefit_id == p.benefit_id.to_string()] {
                                    "#" (p.benefit_id) " · " (ctx.t("自 ", "from ")) (p.pause.from.to_string())
                                }
                            }
                        }
                        (at_field(ctx, "benefit_id", error))
                    }
                    div {
                        label for="release_released_on" { (ctx.t("刑满释放日期", "Day released")) }
                        input #release_released_on type="date" name="released_on" value=(f.released_on) aria-invalid=[bad("released_on")];
                        (at_field(ctx, "released_on", error))
                    }
                    div {
                        label for="release_document" { (ctx.t("释放证明书编号", "Release certificate")) }
                        input #release_document name="document" value=(f.document) aria-invalid=[bad("document")];
                        (at_field_saying(ctx, "document", error, "请填写释放证明书编号", "enter the release certificate's number"))
                    }
                }
                button.primary type="submit" { (ctx.t("登记并恢复发放", "Record and pay again")) }
            }
        }
    }
}

fn body(
    ctx: &Ctx,
    number: &str,
    pauses: &[BenefitPauseRow],
    benefits: &[PeriodicBenefitRow],
    failed: Option<Failed>,
) -> Markup {
    let pensions: Vec<PeriodicBenefitRow> = benefits
        .iter()
        .filter(|b| b.item == Item::MonthlySurvivorPensions && b.end_month.is_none())
        .filter(|b| {
            !pauses
                .iter()
                .any(|p| p.benefit_id == b.id && p.released_on.is_none())
        })
        .cloned()
        .collect();
    let serving: Vec<&BenefitPauseRow> =
        pauses.iter().filter(|p| p.released_on.is_none()).collect();
    html! {
        h1 { (title(ctx)) " · " a href=(format!("/cases/{number}")) { code { (number) } } }
        p.muted { (ctx.t(
            "《因工死亡职工供养亲属范围规定》（劳社部令第18号）第五条：领取抚恤金的人员，在被判刑收监执行期间，停止享受抚恤金待遇。刑满释放仍符合领取抚恤金资格的，按规定的标准享受抚恤金。",
            "劳社部令第18号 Art 5: a person drawing a survivor's pension does not receive it while serving a prison sentence; released and still qualifying, they receive it again at the prescribed standard."
        )) }
        (pauses_table(ctx, number, pauses, benefits))
        @if ctx.viewer.may(Action::ManageBenefits) {
            @if !pensions.is_empty() {
                (imprison_form(ctx, number, &pensions, match &failed { Some(Failed::Imprison(e, f)) => Some((*e, *f)), _ => None }))
            }
            @if !serving.is_empty() {
                (release_form(ctx, number, &serving, match &failed { Some(Failed::Release(e, f)) => Some((*e, *f)), _ => None }))
            }
        }
    }
}

type Loaded = (Vec<BenefitPauseRow>, Vec<PeriodicBenefitRow>);

fn load(
    app: &gongshang_app::App,
    actor: &gongshang_app::accounts::Actor,
    n: &str,
) -> Result<Loaded, AppError> {
    Ok((app.benefit_pauses(actor, n)?, app.pause_benefits(actor, n)?))
}

async fn page(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let actor = match session::require(&ctx, Action::ReadStopReports) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let n = number.clone();
    match state.run(move |app| load(app, &actor, &n)).await {
        Ok((pauses, benefits)) => respond(
            &ctx,
            title(&ctx),
            body(&ctx, &number, &pauses, &benefits, None),
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Clone, Debug, Deserialize)]
struct ImprisonPost {
    csrf_token: String,
    #[serde(flatten)]
    form: ImprisonmentForm,
}

#[derive(Clone, Debug, Deserialize)]
struct ReleasePost {
    csrf_token: String,
    #[serde(flatten)]
    form: ReleaseForm,
}

async fn imprison(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ImprisonPost>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageBenefits) {
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
                .and_then(|input| app.record_imprisonment(&actor, &n, &input));
            Ok::<_, AppError>((done, load(app, &actor, &n)?))
        })
        .await;
    match result {
        Ok((Ok(p), _)) => {
            Redirect::to(&format!("/cases/{number}/benefit-pauses#pause-{}", p.id)).into_response()
        }
        Ok((Err(e), (pauses, benefits))) if !e.is_internal() => (
            super::error_status(&e),
            respond(
                &ctx,
                title(&ctx),
                body(
                    &ctx,
                    &number,
                    &pauses,
                    &benefits,
                    Some(Failed::Imprison(&e, &f.form)),
                ),
            ),
        )
            .into_response(),
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}

async fn release(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ReleasePost>,
) -> Response {
    let actor = match session::require(&ctx, Action::ManageBenefits) {
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
            let done = form.parse().and_then(|(benefit, on, document)| {
                app.record_release(&actor, &n, benefit, on, &document)
            });
            Ok::<_, AppError>((done, load(app, &actor, &n)?))
        })
        .await;
    match result {
        Ok((Ok(p), _)) => {
            Redirect::to(&format!("/cases/{number}/benefit-pauses#pause-{}", p.id)).into_response()
        }
        Ok((Err(e), (pauses, benefits))) if !e.is_internal() => (
            super::error_status(&e),
            respond(
                &ctx,
                title(&ctx),
                body(
                    &ctx,
                    &number,
                    &pauses,
                    &benefits,
                    Some(Failed::Release(&e, &f.form)),
                ),
            ),
        )
            .into_response(),
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}
