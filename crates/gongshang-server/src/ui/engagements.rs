//! What changes who bears a worker's liability, recorded where the person
//! works on it (issue 17): on the person's page a secondment (Regulations
//! Art 43(3)), a posting abroad under the local insurance and the return
//! (Art 44), and the written agreement with an over-age worker (Order
//! No. 56 Art 6); on the unit's page its division, merger, transfer or
//! contracting out (Art 43(1)-(2)). Each form is refused at the field in the
//! reader's language, keeps what was typed, and is offered only to those
//! the app's table lets do it.

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::actor::Actor;
use gongshang_app::liability::{
    OverAgeAgreementRow, SecondmentRequest, SecondmentRow, SuccessionRequest, SuccessionRow,
    SuspensionRequest, SuspensionRow,
};
use gongshang_app::model::NewEngagement;
use gongshang_app::views::{PersonDetail, UnitDetail};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::liability::SuccessionKind;
use gongshang_domain::over_age::OverAgeAgreement;
use gongshang_domain::posting::CountryCode;
use gongshang_rules::scheme::Category;
use maud::{Markup, html};
use serde::Deserialize;

use super::format::{date_field, optional_date_field, yuan};
use super::staff_words::{actor_words, at_field, at_field_saying, at_form};
use super::{Ctx, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/engagements", post(record_engagement))
        .route("/people/{id}/secondments", post(record_secondment))
        .route("/people/{id}/secondments/{sid}/end", post(end_secondment))
        .route("/people/{id}/postings", post(record_posting))
        .route("/people/{id}/postings/{sid}/return", post(record_return))
        .route("/people/{id}/over-age-agreements", post(record_agreement))
        .route("/units/{id}/successions", post(record_succession))
        .route(
            "/units/{id}/enrollment-transfer",
            post(transfer_enrollments),
        )
        .route("/units/{id}/debt-takeover", post(take_over_debts))
        .route("/units/{id}/cancellation", post(cancel_unit))
        .route("/units/{id}/late-fees", post(pay_late_fee))
        .route("/units/{id}/deferrals", post(record_deferral))
        .route("/units/{id}/deferral-revocations", post(revoke_deferral))
}

/// Every field of the section's forms as typed; `form` names the form
/// (and the row, for a row's own form) so a refusal shows in the form that
/// was sent, with what was typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    csrf_token: String,
    form: String,
    engagement_id: String,
    enrollment_id: String,
    unit: String,
    category: String,
    to_unit: String,
    start: String,
    end: String,
    agreed_compensation_percent: String,
    agreement: String,
    from: String,
    until: String,
    country: String,
    document: String,
    returned_on: String,
    signed_on: String,
    term_start: String,
    term_end: String,
    work_content: String,
    work_place: String,
    working_hours: String,
    pay: String,
    social_insurance: String,
    labour_protection: String,
    successor: String,
    kind: String,
    effective_on: String,
    contractor_qualified: String,
    last_day: String,
    received_on: String,
    reason: String,
    people: String,
    paper_commitment: String,
    bill_id: String,
    amount: String,
    paid_on: String,
    idempotency_key: String,
    scheme_id: String,
    first_period: String,
    last_period: String,
    repay_by: String,
    instrument: String,
    approved_on: String,
    revoked_on: String,
    deferral_id: String,
}

impl ChangeForm {
    /// The successor chosen in a unit form, as typed.
    pub fn successor(&self) -> &str {
        &self.successor
    }
}

/// What the person's page shows of these records.
pub struct Changes {
    pub secondments: Vec<SecondmentRow>,
    pub suspensions: Vec<SuspensionRow>,
    pub agreements: Vec<OverAgeAgreementRow>,
}

impl Changes {
    /// The person's records as `actor` may read them.
    pub fn load(
        app: &gongshang_app::App,
        actor: &Actor,
        d: &PersonDetail,
    ) -> Result<Changes, AppError> {
        let person = &d.person.resident_id;
        Ok(Changes {
            secondments: app.secondments(actor, person)?,
            suspensions: app.suspensions(actor, person)?,
            agreements: app.over_age_agreements(actor, person)?,
        })
    }
}

/// A refusal and the form it came from.
pub type Failed<'a> = Option<(&'a AppError, &'a ChangeForm)>;

fn code(field: &'static str, text: &str) -> Result<CreditCode, AppError> {
    CreditCode::parse(text.trim()).map_err(|e| AppError::invalid(field, e.to_string()))
}

fn id_field(field: &'static str, text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, "is empty; choose one"))
}

fn text_field(text: &str) -> Option<String> {
    Some(text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn secondment_request(f: &ChangeForm) -> Result<(i64, SecondmentRequest), AppError> {
    let engagement = id_field("engagement_id", &f.engagement_id)?;
    let percent = match f.agreed_compensation_percent.trim() {
        "" => None,
        t => Some(t.parse::<u8>().ok().filter(|p| *p <= 100).ok_or_else(|| {
            AppError::invalid(
                "agreed_compensation_percent",
                format!("{t:?}: a whole percent from 0 to 100"),
            )
        })?),
    };
    Ok((
        engagement,
        SecondmentRequest {
            to_unit: code("to_unit", &f.to_unit)?,
            start: date_field("start", &f.start)?,
            end: optional_date_field("end", &f.end)?,
            agreed_compensation_percent: percent,
            agreement: text_field(&f.agreement),
        },
    ))
}

fn posting_request(f: &ChangeForm) -> Result<(i64, SuspensionRequest), AppError> {
    let enrollment = id_field("enrollment_id", &f.enrollment_id)?;
    Ok((
        enrollment,
        SuspensionRequest {
            from: date_field("from", &f.from)?,
            until: optional_date_field("until", &f.until)?,
            country: CountryCode::parse(&f.country.trim().to_uppercase())
                .map_err(|e| AppError::invalid("country", e.to_string()))?,
            document: f.document.clone(),
        },
    ))
}

fn agreement_request(f: &ChangeForm) -> Result<(i64, OverAgeAgreement), AppError> {
    let engagement = id_field("engagement_id", &f.engagement_id)?;
    Ok((
        engagement,
        OverAgeAgreement {
            signed_on: date_field("signed_on", &f.signed_on)?,
            term_start: date_field("term_start", &f.term_start)?,
            term_end: optional_date_field("term_end", &f.term_end)?,
            work_content: f.work_content.trim().to_owned(),
            work_place: f.work_place.trim().to_owned(),
            working_hours: f.working_hours.trim().to_owned(),
            pay: f.pay.trim().to_owned(),
            social_insurance: f.social_insurance.trim().to_owned(),
            labour_protection: f.labour_protection.trim().to_owned(),
        },
    ))
}

fn succession_request(f: &ChangeForm) -> Result<SuccessionRequest, AppError> {
    let kind: SuccessionKind = f
        .kind
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("kind", "is empty; choose the kind of change"))?;
    Ok(SuccessionRequest {
        successor: code("successor", &f.successor)?,
        kind,
        effective_on: date_field("effective_on", &f.effective_on)?,
        document: f.document.clone(),
        contractor_qualified: (kind == SuccessionKind::ContractingOut)
            .then(|| f.contractor_qualified != "no"),
    })
}

/// The engagement or enrolment chosen must be this person's: a form sent
/// from one person's page never changes another's.
fn check_own(ok: bool, field: &'static str) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(field, "is not one of this person's"))
    }
}

/// Runs one change for the person `id` and answers the page again: back
/// to the section when done, the page with the refusal at its field when
/// not (nothing stored).
async fn person_change(
    state: AppState,
    ctx: Ctx,
    id: i64,
    form: &'static str,
    mut f: ChangeForm,
    change: impl FnOnce(&gongshang_app::App, &Actor, &PersonDetail, &ChangeForm) -> Result<(), AppError>
    + Send
    + 'static,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !f.form.starts_with(form) {
        f.form = form.to_owned();
    }
    let sent = f.clone();
    let result = state
        .run(move |app| {
            let d = app.person_detail(&actor, id)?;
            change(app, &actor, &d, &sent)
        })
        .await;
    match result {
        Ok(()) => Redirect::to(&format!("/people/{id}#changes")).into_response(),
        Err(e) => super::registry::person_page(&state, &ctx, id, Some((&e, &f))).await,
    }
}

async fn record_engagement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    person_change(state, ctx, id, "engagement", f, |app, actor, d, f| {
        let engagement = NewEngagement {
            person: d.person.resident_id,
            unit: code("unit", &f.unit)?,
            category: gongshang_app::parse_category(&f.category)?,
            start: date_field("start", &f.start)?,
            end: optional_date_field("end", &f.end)?,
        };
        app.add_engagement(actor, &engagement).map(drop)
    })
    .await
}

async fn record_secondment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    person_change(state, ctx, id, "secondment", f, |app, actor, d, f| {
        let (engagement, req) = secondment_request(f)?;
        check_own(
            d.engagements.iter().any(|e| e.id == engagement),
            "engagement_id",
        )?;
        app.record_secondment(actor, engagement, &req).map(drop)
    })
    .await
}

async fn end_secondment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i64, i64)>,
    Form(mut f): Form<ChangeForm>,
) -> Response {
    f.form = format!("end_secondment:{sid}");
    person_change(
        state,
        ctx,
        id,
        "end_secondment",
        f,
        move |app, actor, d, f| {
            let end = date_field("end", &f.end)?;
            let mine = app.secondments(actor, &d.person.resident_id)?;
            check_own(mine.iter().any(|s| s.id == sid), "secondment")?;
            app.end_secondment(actor, sid, end).map(drop)
        },
    )
    .await
}

async fn record_posting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    person_change(state, ctx, id, "posting", f, |app, actor, d, f| {
        let (enrollment, req) = posting_request(f)?;
        check_own(
            d.enrollments.iter().any(|e| e.id == enrollment),
            "enrollment_id",
        )?;
        app.suspend_enrollment(actor, enrollment, &req).map(drop)
    })
    .await
}

async fn record_return(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i64, i64)>,
    Form(mut f): Form<ChangeForm>,
) -> Response {
    f.form = format!("return:{sid}");
    person_change(state, ctx, id, "return", f, move |app, actor, d, f| {
        let returned_on = date_field("returned_on", &f.returned_on)?;
        let mine = app.suspensions(actor, &d.person.resident_id)?;
        check_own(mine.iter().any(|s| s.id == sid), "suspension")?;
        app.resume_enrollment(actor, sid, returned_on).map(drop)
    })
    .await
}

async fn record_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    person_change(state, ctx, id, "agreement", f, |app, actor, d, f| {
        let (engagement, agreement) = agreement_request(f)?;
        check_own(
            d.engagements.iter().any(|e| e.id == engagement),
            "engagement_id",
        )?;
        app.record_over_age_agreement(actor, engagement, &agreement)
            .map(drop)
    })
    .await
}

/// A form of the unit's page: the actor from the session and its token, the
/// unit in the actor's scope, then `change`; back to the page's `anchor`, or
/// the page again with the refusal in the form that was sent.
async fn unit_change(
    state: AppState,
    ctx: Ctx,
    id: i64,
    form: String,
    anchor: &'static str,
    mut f: ChangeForm,
    change: impl FnOnce(&gongshang_app::App, &Actor, &UnitDetail, &ChangeForm) -> Result<(), AppError>
    + Send
    + 'static,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    f.form = form;
    let sent = f.clone();
    let result = state
        .run(move |app| {
            let d = app.unit_detail(&actor, id)?;
            change(app, &actor, &d, &sent)
        })
        .await;
    match result {
        Ok(()) => Redirect::to(&format!("/units/{id}#{anchor}")).into_response(),
        Err(e) => super::registry::unit_page(&state, &ctx, id, Some((&e, &f))).await,
    }
}

async fn record_succession(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let form = "succession".to_owned();
    unit_change(
        state,
        ctx,
        id,
        form,
        "successions",
        f,
        |app, actor, d, f| {
            app.record_succession(actor, &d.unit.credit_code, &succession_request(f)?)
                .map(drop)
        },
    )
    .await
}

/// Regulations Art 43(1): the clerk moves the unit's running enrolments to
/// the successor of a recorded division, merger or transfer (the 变更登记).
async fn transfer_enrollments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let form = "transfer".to_owned();
    unit_change(
        state,
        ctx,
        id,
        form,
        "successions",
        f,
        |app, actor, d, f| {
            let people: Vec<ResidentId> = f
                .people
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    ResidentId::parse(p).map_err(|e| AppError::invalid("people", e.to_string()))
                })
                .collect::<Result<_, _>>()?;
            let req = gongshang_app::liability::EnrollmentTransferRequest {
                successor: code("successor", &f.successor)?,
                people: (!people.is_empty()).then_some(people),
                commitment: (f.paper_commitment == "yes").then_some(
                    gongshang_app::CommitmentInput {
                        form: gongshang_app::model::CommitmentForm::Paper,
                        persons_informed: true,
                    },
                ),
            };
            app.transfer_enrollments(actor, &d.unit.credit_code, &req)
                .map(drop)
        },
    )
    .await
}

/// Regulations Art 43(1) (issue 17): the clerk has the successor of a
/// recorded merger or transfer take over this unit's unpaid bills and late
/// fees; back to the unit's `#inherited`, or the page with the refusal.
async fn take_over_debts(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let form = "debt_takeover".to_owned();
    unit_change(state, ctx, id, form, "inherited", f, |app, actor, d, f| {
        app.take_over_debts(
            actor,
            &d.unit.credit_code,
            &code("successor", &f.successor)?,
        )
        .map(drop)
    })
    .await
}

/// Decree 765 Art 10: the clerk cancels the unit's registration once it
/// owes nothing and nothing of it runs on; refused in the form, at the
/// field or above it (what is owed, what still runs).
async fn cancel_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let form = "cancellation".to_owned();
    unit_change(
        state,
        ctx,
        id,
        form,
        "cancellation",
        f,
        |app, actor, d, f| {
            let input = gongshang_app::handling::UnitCancellationForm {
                last_day: f.last_day.clone(),
                received_on: f.received_on.clone(),
                reason: f.reason.clone(),
                document: f.document.clone(),
            }
            .parse()?;
            app.cancel_unit(actor, &d.unit.credit_code, &input)
                .map(drop)
        },
    )
    .await
}

/// A clerk records a payment of a bill's late fees (Social Insurance Law
/// Art 86) from the unit's page.
async fn pay_late_fee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let form = format!("late_fee:{}", f.bill_id.trim());
    unit_change(state, ctx, id, form, "late-fees", f, |app, actor, d, f| {
        // the unit in the actor's scope first: a bill of another unit
        // is not paid from this page
        let bill_id = id_field("bill_id", &f.bill_id)?;
        let fees = app.late_fees_of_unit(actor, &d.unit.credit_code)?;
        if !fees.iter().any(|b| b.bill_id == bill_id) {
            return Err(AppError::invalid(
                "bill_id",
                format!("bill {bill_id} has no late fee of this unit"),
            ));
        }
        let amount = gongshang_rules::Money::parse_yuan(f.amount.trim()).map_err(|e| {
            AppError::invalid(
                "amount",
                format!("{:?} is not an amount in yuan ({e})", f.amount),
            )
        })?;
        let req = gongshang_app::late_fees::LateFeePaymentRequest {
            bill_id,
            amount,
            paid_on: date_field("paid_on", &f.paid_on)?,
            idempotency_key: f.idempotency_key.clone(),
        };
        app.record_late_fee_payment(actor, &req).map(drop)
    })
    .await
}

fn month_field(field: &'static str, text: &str) -> Result<gongshang_domain::Month, AppError> {
    gongshang_domain::Month::parse(text.trim()).map_err(|_| {
        AppError::invalid(
            field,
            format!("{:?} is not a month like 2022-04", text.trim()),
        )
    })
}

async fn record_deferral(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    unit_change(
        state,
        ctx,
        id,
        "deferral".into(),
        "deferrals",
        f,
        |app, actor, d, f| {
            let req = gongshang_app::deferrals::DeferralRequest {
                unit: d.unit.credit_code,
                scheme_id: f
                    .scheme_id
                    .trim()
                    .parse()
                    .map_err(|_| AppError::invalid("scheme_id", "is empty; choose a scheme"))?,
                first_period: month_field("first_period", &f.first_period)?,
                last_period: month_field("last_period", &f.last_period)?,
                repay_by: date_field("repay_by", &f.repay_by)?,
                instrument: f.instrument.clone(),
                approved_on: date_field("approved_on", &f.approved_on)?,
            };
            app.record_deferral(actor, &req).map(drop)
        },
    )
    .await
}

async fn revoke_deferral(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ChangeForm>,
) -> Response {
    let form = format!("deferral_revocation:{}", f.deferral_id.trim());
    unit_change(state, ctx, id, form, "deferrals", f, |app, actor, d, f| {
        // the unit's own deferral only, from its page
        let deferral_id = id_field("deferral_id", &f.deferral_id)?;
        let rows = app.deferrals_of_unit(actor, &d.unit.credit_code)?;
        if !rows.iter().any(|r| r.id == deferral_id) {
            return Err(AppError::invalid(
                "deferral_id",
                format!("deferral {deferral_id} is not this unit's"),
            ));
        }
        let req = gongshang_app::deferrals::DeferralRevocationRequest {
            deferral_id,
            revoked_on: date_field("revoked_on", &f.revoked_on)?,
            reason: f.reason.clone(),
        };
        app.revoke_deferral(actor, &req).map(drop)
    })
    .await
}

/// The unit's deferrals of premiums (缓缴; 人社厅发〔2022〕16号, 人社部发
/// 〔2022〕31号), and for a clerk the form to record one and a form to
/// revoke each in force. `schemes`: the schemes the unit enrols in.
pub fn deferral_section(
    ctx: &Ctx,
    unit_id: i64,
    deferrals: &[gongshang_app::deferrals::DeferralRow],
    schemes: &[(String, String)],
    failed: Failed,
) -> Markup {
    let may = ctx.viewer.may(Action::RecordDeferral);
    if deferrals.is_empty() && !may {
        return html! {};
    }
    let mine = failed_of(failed, "deferral");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    html! {
        section #deferrals {
            h2 { (ctx.t("缓缴", "Deferrals of premiums")) }
            p.muted { (ctx.t(
                "经批准缓缴的月份，应在补缴截止日前补缴：缓缴、补缴期间视为正常缴费，不作欠费处理，免收滞纳金，不影响职工享受工伤保险待遇；逾期未补缴的，自补缴截止日次日起计欠费和滞纳金（人社厅发〔2022〕16号、人社部发〔2022〕31号）。撤销后该缓缴视为未批准。",
                "The premiums of approved deferred months are repaid by the repayment day: during the deferral and the repayment window the unit is in good standing, no arrears, no late fee, and its workers' benefits are the fund's; not repaid by then, arrears and late fees run from the day after (人社厅发〔2022〕16号, 人社部发〔2022〕31号). A revoked deferral counts as never approved."
            )) }
            @if !deferrals.is_empty() {
                div.table-wrap { table #deferral-table {
                    thead { tr {
                        th { (ctx.t("方案", "Scheme")) }
                        th { (ctx.t("缓缴月份", "Months")) }
                        th { (ctx.t("补缴截止日", "Repay by")) }
                        th { (ctx.t("依据", "Instrument")) }
                        th { (ctx.t("批准日期", "Approved")) }
                        th { (ctx.t("登记人", "Recorded by")) }
                        th { (ctx.t("状态", "Status")) }
                    } }
                    tbody { @for r in deferrals {
                        tr id=(format!("deferral-{}", r.id)) {
                            td { code { (r.scheme_id) } }
                            td { (r.first_period) " — " (r.last_period) }
                            td { (r.repay_by) }
                            td { (r.instrument) }
                            td { (r.approved_on) }
                            td { (r.recorded_by) }
                            td {
                                @if let Some(x) = &r.revocation {
                                    span.tag.warn { (ctx.t("已撤销 ", "revoked ")) (x.revoked_on) } " " (x.reason)
                                } @else {
                                    span.tag { (ctx.t("有效", "in force")) }
                                }
                            }
                        }
                    } }
                } }
            }
            @if may {
                @for r in deferrals.iter().filter(|r| r.in_force()) {
                    @let name = format!("deferral_revocation:{}", r.id);
                    @let mine = failed_of(failed, &name);
                    @let e = mine.map(|(e, _)| e);
                    @let on_id = format!("deferral-revoked-on-{}", r.id);
                    @let reason_id = format!("deferral-reason-{}", r.id);
                    details.action id=(format!("deferral-revoke-{}", r.id)) open[mine.is_some()] {
                        summary { (ctx.t("撤销缓缴：", "Revoke the deferral: ")) (r.first_period) " — " (r.last_period) }
                        form method="post" action=(format!("/units/{unit_id}/deferral-revocations")) novalidate {
                            (session::csrf_field(ctx))
                            input type="hidden" name="deferral_id" value=(r.id);
                            (at_form(ctx, &["revoked_on", "reason", "deferral_id"], e))
                            (Input::date(&on_id, "revoked_on", ctx.t("撤销日期", "Day revoked"), mine.map_or("", |(_, f)| f.revoked_on.as_str())).required().render(ctx, e))
                            (Input::text(&reason_id, "reason", ctx.t("撤销理由", "Reason"), mine.map_or("", |(_, f)| f.reason.as_str())).required().max(200).render(ctx, e))
                            button type="submit" data-action="revoke_deferral" { (ctx.t("撤销缓缴", "Revoke")) }
                        }
                    }
                }
                details.action #deferral-form open[mine.is_some()] {
                    summary { (ctx.t("登记经批准的缓缴", "Record an approved deferral")) }
                    form method="post" action=(format!("/units/{unit_id}/deferrals")) novalidate {
                        (session::csrf_field(ctx))
                        (at_form(ctx, &["scheme_id", "first_period", "last_period", "repay_by", "instrument", "approved_on"], e))
                        label for="deferral-scheme" { (ctx.t("保障方案", "Scheme")) }
                        select id="deferral-scheme" name="scheme_id" required aria-invalid=[invalid(e, "scheme_id")] {
                            option value="" { (ctx.t("请选择", "Choose")) }
                            @for (id, name) in schemes {
                                option value=(id) selected[v(|f| &f.scheme_id) == id] { (name) }
                            }
                        }
                        (at_field(ctx, "scheme_id", e))
                        (Input::text("deferral-first", "first_period", ctx.t("缓缴起始月份（如 2022-04）", "First deferred month (e.g. 2022-04)"), v(|f| &f.first_period)).required().max(7).render(ctx, e))
                        (Input::text("deferral-last", "last_period", ctx.t("缓缴截止月份（如 2023-03）", "Last deferred month (e.g. 2023-03)"), v(|f| &f.last_period)).required().max(7).render(ctx, e))
                        (Input::date("deferral-repay-by", "repay_by", ctx.t("补缴截止日", "Repay by"), v(|f| &f.repay_by)).required().render(ctx, e))
                        (Input::text("deferral-instrument", "instrument", ctx.t("缓缴依据（文件）", "Instrument"), v(|f| &f.instrument)).required().max(200).render(ctx, e))
                        (Input::date("deferral-approved-on", "approved_on", ctx.t("批准缓缴日期", "Day approved"), v(|f| &f.approved_on)).required().render(ctx, e))
                        button.primary type="submit" data-action="record_deferral" { (ctx.t("登记缓缴", "Record the deferral")) }
                    }
                }
            }
        }
    }
}

/// The late fees assessed on the unit's bills paid late (Social Insurance
/// Law Art 86; Regulations Art 62(1)), what is paid and owed, and for a
/// clerk a form per bill still owing.
pub fn late_fee_section(
    ctx: &Ctx,
    unit_id: i64,
    fees: &[gongshang_app::model::BillLateFees],
    failed: Failed,
) -> Markup {
    if fees.is_empty() {
        return html! {};
    }
    let may = ctx.viewer.may(Action::RecordLateFeePayment);
    html! {
        section #late-fees {
            h2 { (ctx.t("滞纳金", "Late fees")) }
            p.muted { (ctx.t(
                "逾期缴纳的账单，按每笔缴费的金额自缴费期限（批准缓缴的，为缓缴期满补缴之日）届满次日起至缴纳之日按日加收万分之五的滞纳金（《社会保险法》第八十六条，《工伤保险条例》第六十二条第一款）。",
                "A bill paid after its due date (or, under an approved deferral, its repayment day) owes a late fee of 0.05% a day on each payment's amount, from the day after that day to the day paid (Social Insurance Law Art 86; Regulations Art 62(1))."
            )) }
            div.table-wrap { table #late-fee-table {
                thead { tr {
                    th { (ctx.t("账单", "Bill")) }
                    th { (ctx.t("缴费期限", "Due")) }
                    th { (ctx.t("计算", "Computed")) }
                    th.num { (ctx.t("滞纳金（元）", "Late fee (yuan)")) }
                    th.num { (ctx.t("已缴（元）", "Paid (yuan)")) }
                    th.num { (ctx.t("欠缴（元）", "Owed (yuan)")) }
                } }
                tbody { @for b in fees {
                    tr id=(format!("late-fee-{}", b.bill_id)) {
                        td { code { (b.reference) } }
                        td { (b.due_date) }
                        td { @for a in &b.assessments {
                            div { (yuan(a.settled)) " × " (a.daily_rate) " × " (a.days) (ctx.t(" 天（", " days (received ")) (a.assessed_on) (ctx.t(" 缴纳）", ")")) }
                        } }
                        td.num { (yuan(b.assessed)) }
                        td.num { (yuan(b.paid)) }
                        td.num { strong.owed { (yuan(b.owed)) } }
                    }
                } }
            } }
            @if may {
                @for b in fees.iter().filter(|b| b.owed.fen() > 0) {
                    @let name = format!("late_fee:{}", b.bill_id);
                    @let mine = failed_of(failed, &name);
                    @let e = mine.map(|(e, _)| e);
                    @let amount_id = format!("late-fee-amount-{}", b.bill_id);
                    @let paid_on_id = format!("late-fee-paid-on-{}", b.bill_id);
                    @let owed = b.owed.to_string();
                    details.action id=(format!("late-fee-form-{}", b.bill_id)) open[mine.is_some()] {
                        summary { (ctx.t("登记滞纳金缴纳：", "Record a payment of late fees: ")) code { (b.reference) } }
                        form method="post" action=(format!("/units/{unit_id}/late-fees")) novalidate {
                            (session::csrf_field(ctx))
                            input type="hidden" name="bill_id" value=(b.bill_id);
                            // the same form sent twice is one payment; the
                            // next payment is rendered with the next key
                            input type="hidden" name="idempotency_key" value=(format!("ui-lf-{}-{}", b.bill_id, b.payments.len() + 1));
                            (at_form(ctx, &["amount", "paid_on", "bill_id", "idempotency_key"], e))
                            (Input::text(&amount_id, "amount", ctx.t("金额（元）", "Amount (yuan)"), mine.map_or(owed.as_str(), |(_, f)| f.amount.as_str())).required().render(ctx, e))
                            (Input::date(&paid_on_id, "paid_on", ctx.t("缴纳日期", "Day paid"), mine.map_or("", |(_, f)| f.paid_on.as_str())).required().render(ctx, e))
                            button.primary type="submit" data-action="pay_late_fee" { (ctx.t("登记缴纳", "Record the payment")) }
                        }
                    }
                }
            }
        }
    }
}

/// The unit's cancellation (Decree 765 Art 10), or the clerk's form.
pub fn cancellation_section(
    ctx: &Ctx,
    unit_id: i64,
    cancelled: Option<&gongshang_app::handling::UnitCancellationRow>,
    failed: Failed,
) -> Markup {
    let may = ctx.viewer.may(Action::CancelUnit);
    if cancelled.is_none() && !may {
        return html! {};
    }
    let mine = failed_of(failed, "cancellation");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    html! {
        section #cancellation {
            h2 { (ctx.t("注销登记", "Cancellation of the registration")) }
            @if let Some(c) = cancelled {
                div.alert.warn role="status" {
                    (ctx.t("本单位已注销社会保险登记，最后参保日 ", "This unit's registration is cancelled; its last day insured was ")) (c.last_day)
                    (ctx.t("。此后不再参保、申报。", ". It enrols and declares nothing after it."))
                }
                dl.facts {
                    dt { (ctx.t("受理日期", "Received on")) } dd { (c.received_on) }
                    dt { (ctx.t("办结日期", "Completed on")) } dd { (c.completed_on) " " @if c.late { span.tag.warn { (ctx.t("逾期", "late")) } } }
                    dt { (ctx.t("办结时限", "Due by")) } dd { (c.due_on) }
                    dt { (ctx.t("原因", "Reason")) } dd { (c.reason) }
                    @if let Some(d) = &c.document { dt { (ctx.t("文书", "Document")) } dd { (d) } }
                }
            } @else {
                p.muted { (ctx.t(
                    "单位依法终止（解散、破产、撤销、迁出统筹地区等）的，结清应缴的社会保险费、滞纳金和罚款，并为职工办理减员、处理完定期待遇后，方可注销社会保险登记；经办机构自受理之日起10个工作日内办结（《社会保险经办条例》第十条）。",
                    "A unit that ends (dissolution, bankruptcy, revocation, a move out of the region) cancels its registration once it has settled its premiums, late fees and fines, ended its people's enrolments and seen its periodic benefits dealt with; the agency completes it within 10 working days of the application (Decree 765 Art 10)."
                )) }
                details.action #cancellation-form open[mine.is_some()] {
                    summary { (ctx.t("办理注销登记", "Cancel the registration")) }
                    form method="post" action=(format!("/units/{unit_id}/cancellation")) novalidate {
                        (session::csrf_field(ctx))
                        (at_form(ctx, &["last_day", "received_on", "reason", "document"], e))
                        (Input::date("cancellation-last-day", "last_day", ctx.t("最后参保日", "Last day insured"), v(|f| &f.last_day)).required().render(ctx, e))
                        (Input::date("cancellation-received", "received_on", ctx.t("受理日期（空：今天）", "Received on (blank: today)"), v(|f| &f.received_on)).render(ctx, e))
                        (Input::text("cancellation-reason", "reason", ctx.t("注销原因", "Reason"), v(|f| &f.reason)).required().max(200).quiet().render(ctx, e))
                        (at_field_saying(ctx, "reason", e,
                            "注销原因：请写明单位终止的原因（解散、破产、撤销、迁出统筹地区等），最多200字",
                            "Reason: say why the unit ends (dissolution, bankruptcy, revocation, a move out of the region), at most 200 characters"))
                        (Input::text("cancellation-document", "document", ctx.t("注销文书", "Document"), v(|f| &f.document)).max(200).render(ctx, e))
                        button.primary type="submit" data-action="cancel_unit" { (ctx.t("注销登记", "Cancel the registration")) }
                    }
                }
            }
        }
    }
}

// ---- the person's page ------------------------------------------------------

/// The section of the person's page: the secondments, postings abroad and
/// over-age agreements, each with its form for those who may record it.
pub fn person_section(ctx: &Ctx, d: &PersonDetail, c: &Changes, failed: Failed) -> Markup {
    let may_second = ctx.viewer.may(Action::RecordSecondment) && !d.engagements.is_empty();
    let may_post = ctx.viewer.may(Action::RecordPosting)
        && d.enrollments
            .iter()
            .any(|e| e.unit.is_some() && e.last_day.is_none());
    let may_agree = ctx.viewer.may(Action::RecordOverAgeAgreement) && !d.engagements.is_empty();
    let may_engage = ctx.viewer.may(Action::AddEngagement);
    let nothing = d.engagements.is_empty()
        && c.secondments.is_empty()
        && c.suspensions.is_empty()
        && c.agreements.is_empty();
    if nothing && !may_engage && !may_post {
        return html! {};
    }
    html! {
        section.card #changes style="margin-top:1.5rem" {
            h2 style="margin-top:0" { (ctx.t("用工、借调、派驻境外与超龄用工协议", "Engagements, secondments, postings abroad and over-age agreements")) }
            (engagements_part(ctx, d, failed, may_engage))
            (secondments_part(ctx, d, c, failed, may_second))
            (postings_part(ctx, d, c, failed, may_post))
            (agreements_part(ctx, d, c, failed, may_agree))
        }
    }
}

/// The failed form of this name, if the refusal came from it.
pub(super) fn failed_of<'a>(failed: Failed<'a>, form: &str) -> Failed<'a> {
    failed.filter(|(_, f)| f.form == form)
}

pub(super) fn invalid(e: Option<&AppError>, field: &str) -> Option<&'static str> {
    e.is_some_and(|e| e.field() == Some(field))
        .then_some("true")
}

/// A labelled input of a form: what was typed kept, marked invalid and
/// followed by the refusal when the refusal names its field.
struct Input<'a> {
    id: &'a str,
    name: &'static str,
    label: &'a str,
    date: bool,
    required: bool,
    max: Option<u16>,
    value: &'a str,
    /// The refusal is said by the form itself, not under the input.
    quiet: bool,
}

impl<'a> Input<'a> {
    fn text(id: &'a str, name: &'static str, label: &'a str, value: &'a str) -> Input<'a> {
        Input {
            id,
            name,
            label,
            date: false,
            required: false,
            max: None,
            value,
            quiet: false,
        }
    }

    fn date(id: &'a str, name: &'static str, label: &'a str, value: &'a str) -> Input<'a> {
        Input {
            date: true,
            ..Input::text(id, name, label, value)
        }
    }

    fn required(self) -> Input<'a> {
        Input {
            required: true,
            ..self
        }
    }

    fn quiet(self) -> Input<'a> {
        Input {
            quiet: true,
            ..self
        }
    }

    fn max(self, chars: u16) -> Input<'a> {
        Input {
            max: Some(chars),
            ..self
        }
    }

    fn render(&self, ctx: &Ctx, e: Option<&AppError>) -> Markup {
        html! {
            label for=(self.id) { (self.label) }
            input id=(self.id) name=(self.name) type=[self.date.then_some("date")] required[self.required]
                maxlength=[self.max] value=(self.value) aria-invalid=[invalid(e, self.name)];
            @if !self.quiet { (at_field(ctx, self.name, e)) }
        }
    }
}

fn engagement_options(ctx: &Ctx, d: &PersonDetail, chosen: &str) -> Markup {
    html! {
        option value="" { (ctx.t("请选择", "Choose")) }
        @for e in &d.engagements {
            @let v = e.id.to_string();
            option value=(v) selected[chosen == v] {
                (e.unit.as_str()) " · " (e.start) " — "
                @if let Some(end) = e.end { (end) } @else { (ctx.t("至今", "open")) }
            }
        }
    }
}

fn engagements_part(ctx: &Ctx, d: &PersonDetail, failed: Failed, may: bool) -> Markup {
    let mine = failed_of(failed, "engagement");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    // A unit records engagements with itself only: its code is the value.
    let own_unit = ctx.viewer.actor().and_then(|a| a.unit().copied());
    let unit_value = match (mine, own_unit) {
        (Some((_, f)), _) => f.unit.clone(),
        (None, Some(u)) => u.as_str().to_owned(),
        (None, None) => String::new(),
    };
    html! {
        h3 { (ctx.t("用工关系", "Engagements")) }
        @if d.engagements.is_empty() {
            p.muted { (ctx.t("没有登记的用工关系。借调和超龄劳动者书面协议须依附于用工关系。", "No engagement recorded. Secondments and over-age agreements are kept with an engagement.")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { (ctx.t("单位", "Unit")) } th { (ctx.t("人员类别", "Category")) }
                    th { (ctx.t("起始", "Start")) } th { (ctx.t("结束", "End")) }
                } }
                tbody {
                    @for g in &d.engagements {
                        tr {
                            td { code { (g.unit.as_str()) } }
                            td { (super::format::category(ctx.lang, g.category)) }
                            td { (g.start) }
                            td { @if let Some(end) = g.end { (end) } @else { span.tag { (ctx.t("持续", "open")) } } }
                        }
                    }
                }
            } }
        }
        @if may {
            details.action open[mine.is_some()] {
                summary { (ctx.t("登记用工关系", "Record an engagement")) }
                form method="post" action=(format!("/people/{}/engagements", d.person.id)) novalidate {
                    (session::csrf_field(ctx))
                    input type="hidden" name="form" value="engagement";
                    (at_form(ctx, &["unit", "category", "start", "end"], e))
                    label for="engagement-unit" { (ctx.t("用工单位统一社会信用代码", "Unit's credit code")) }
                    input id="engagement-unit" name="unit" required maxlength="18" value=(unit_value) readonly[own_unit.is_some()] aria-invalid=[invalid(e, "unit")];
                    (at_field(ctx, "unit", e))
                    label for="engagement-category" { (ctx.t("人员类别", "Category")) }
                    select id="engagement-category" name="category" required aria-invalid=[invalid(e, "category")] {
                        option value="" { (ctx.t("请选择", "Choose")) }
                        @for c in Category::ALL {
                            option value=(c.as_str()) selected[v(|f| &f.category) == c.as_str()] { (super::format::category(ctx.lang, c)) }
                        }
                    }
                    (at_field(ctx, "category", e))
                    (Input::date("engagement-start", "start", ctx.t("起始日", "First day"), v(|f| &f.start)).required().render(ctx, e))
                    (Input::date("engagement-end", "end", ctx.t("结束日（可空）", "Last day (optional)"), v(|f| &f.end)).render(ctx, e))
                    button.primary type="submit" data-action="record_engagement" { (ctx.t("登记用工关系", "Record the engagement")) }
                }
            }
        }
    }
}

fn secondments_part(ctx: &Ctx, d: &PersonDetail, c: &Changes, failed: Failed, may: bool) -> Markup {
    let mine = failed_of(failed, "secondment");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    html! {
        h3 { (ctx.t("借调（《工伤保险条例》第四十三条第三款）", "Secondments (Regulations Art 43(3))")) }
        @if c.secondments.is_empty() {
            p.muted { (ctx.t("没有借调记录。", "No secondment recorded.")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { (ctx.t("原用人单位", "From")) } th { (ctx.t("借调单位", "To")) }
                    th { (ctx.t("起始", "Start")) } th { (ctx.t("结束", "End")) }
                    th { (ctx.t("约定补偿", "Agreed share")) } th { (ctx.t("登记", "Recorded")) }
                } }
                tbody {
                    @for s in &c.secondments {
                        @let row_form = format!("end_secondment:{}", s.id);
                        @let row_failed = failed_of(failed, &row_form);
                        tr {
                            td { code { (s.from_unit.as_str()) } }
                            td { code { (s.to_unit.as_str()) } }
                            td { (s.start) }
                            td {
                                @if let Some(end) = s.end { (end) }
                                @else if ctx.viewer.may(Action::RecordSecondment) {
                                    form.inline method="post" action=(format!("/people/{}/secondments/{}/end", d.person.id, s.id)) {
                                        (session::csrf_field(ctx))
                                        (at_form(ctx, &["end"], row_failed.map(|(e, _)| e)))
                                        label.visually-hidden for=(format!("secondment-end-{}", s.id)) { (ctx.t("借调结束日", "Last day")) }
                                        input id=(format!("secondment-end-{}", s.id)) name="end" type="date" required
                                            value=(row_failed.map_or("", |(_, f)| f.end.as_str()))
                                            aria-invalid=[invalid(row_failed.map(|(e, _)| e), "end")];
                                        (at_field(ctx, "end", row_failed.map(|(e, _)| e)))
                                        button type="submit" data-action="end_secondment" { (ctx.t("结束借调", "End")) }
                                    }
                                } @else { span.tag { (ctx.t("进行中", "running")) } }
                            }
                            td { @if let Some(p) = s.agreed_compensation_percent { (p) "%" } @else { "—" } }
                            td { (actor_words(ctx, &s.recorded_by)) }
                        }
                    }
                }
            } }
            p.muted { (ctx.t(
                "借调期间受到工伤事故伤害的，由原用人单位承担工伤保险责任，原用人单位与借调单位可以约定补偿办法。",
                "An injury during a secondment is the original employer's liability; the two units may agree on compensation.")) }
        }
        @if may {
            details.action open[mine.is_some()] {
                summary { (ctx.t("登记借调", "Record a secondment")) }
                form method="post" action=(format!("/people/{}/secondments", d.person.id)) novalidate {
                    (session::csrf_field(ctx))
                    input type="hidden" name="form" value="secondment";
                    (at_form(ctx, &["engagement_id", "to_unit", "start", "end", "agreed_compensation_percent", "agreement"], e))
                    label for="secondment-engagement" { (ctx.t("用工关系（原用人单位）", "Engagement (the original employer)")) }
                    select id="secondment-engagement" name="engagement_id" required aria-invalid=[invalid(e, "engagement_id")] {
                        (engagement_options(ctx, d, v(|f| &f.engagement_id)))
                    }
                    (at_field(ctx, "engagement_id", e))
                    (Input::text("secondment-to", "to_unit", ctx.t("借调单位统一社会信用代码", "Seconded-to unit's credit code"), v(|f| &f.to_unit)).required().max(18).render(ctx, e))
                    (Input::date("secondment-start", "start", ctx.t("起始日", "First day"), v(|f| &f.start)).required().render(ctx, e))
                    (Input::date("secondment-end", "end", ctx.t("结束日（可空）", "Last day (optional)"), v(|f| &f.end)).render(ctx, e))
                    label for="secondment-percent" { (ctx.t("借调单位约定补偿比例 %（可空）", "Seconded-to unit's agreed share % (optional)")) }
                    input id="secondment-percent" name="agreed_compensation_percent" inputmode="numeric" value=(v(|f| &f.agreed_compensation_percent)) aria-invalid=[invalid(e, "agreed_compensation_percent")];
                    (at_field(ctx, "agreed_compensation_percent", e))
                    (Input::text("secondment-agreement", "agreement", ctx.t("补偿约定（可空）", "The agreement (optional)"), v(|f| &f.agreement)).max(500).render(ctx, e))
                    button.primary type="submit" data-action="record_secondment" { (ctx.t("登记借调", "Record the secondment")) }
                }
            }
        }
    }
}

fn postings_part(ctx: &Ctx, d: &PersonDetail, c: &Changes, failed: Failed, may: bool) -> Markup {
    let mine = failed_of(failed, "posting");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    html! {
        h3 { (ctx.t("派驻境外（《工伤保险条例》第四十四条）", "Postings abroad (Regulations Art 44)")) }
        @if c.suspensions.is_empty() {
            p.muted { (ctx.t("没有派驻境外记录。", "No posting abroad recorded.")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { (ctx.t("参保记录", "Enrolment")) } th { (ctx.t("国家或地区", "Country")) }
                    th { (ctx.t("中止起", "From")) } th { (ctx.t("中止至", "Until")) }
                    th { (ctx.t("文书", "Document")) } th { (ctx.t("登记", "Recorded")) }
                } }
                tbody {
                    @for s in &c.suspensions {
                        @let row_form = format!("return:{}", s.id);
                        @let row_failed = failed_of(failed, &row_form);
                        tr {
                            td { a href=(format!("/enrollments/{}", s.enrollment_id)) { (s.enrollment_id) } }
                            td { code { (s.suspension.country.as_str()) } }
                            td { (s.suspension.from) }
                            td {
                                @if let Some(u) = s.suspension.until { (u) }
                                @else if ctx.viewer.may(Action::RecordPosting) {
                                    form.inline method="post" action=(format!("/people/{}/postings/{}/return", d.person.id, s.id)) {
                                        (session::csrf_field(ctx))
                                        (at_form(ctx, &["returned_on"], row_failed.map(|(e, _)| e)))
                                        label.visually-hidden for=(format!("returned-on-{}", s.id)) { (ctx.t("回国日", "Day returned")) }
                                        input id=(format!("returned-on-{}", s.id)) name="returned_on" type="date" required
                                            value=(row_failed.map_or("", |(_, f)| f.returned_on.as_str()))
                                            aria-invalid=[invalid(row_failed.map(|(e, _)| e), "returned_on")];
                                        (at_field(ctx, "returned_on", row_failed.map(|(e, _)| e)))
                                        button type="submit" data-action="record_return" { (ctx.t("登记回国，恢复保障", "Record the return")) }
                                    }
                                } @else { span.tag { (ctx.t("派驻中", "abroad")) } }
                            }
                            td { (s.document) }
                            td { (actor_words(ctx, &s.recorded_by)) }
                        }
                    }
                }
            } }
            p.muted { (ctx.t(
                "职工被派遣出境工作、依据前往国家或地区的法律参加当地工伤保险的，其国内工伤保险关系中止；回国之日起恢复。",
                "A worker posted abroad and insured there under local law: the enrolment here is suspended (no cover, no premium) until the return.")) }
        }
        @if may {
            details.action open[mine.is_some()] {
                summary { (ctx.t("登记派驻境外", "Record a posting abroad")) }
                form method="post" action=(format!("/people/{}/postings", d.person.id)) novalidate {
                    (session::csrf_field(ctx))
                    input type="hidden" name="form" value="posting";
                    (at_form(ctx, &["enrollment_id", "from", "until", "country", "document"], e))
                    label for="posting-enrollment" { (ctx.t("中止的参保记录", "Enrolment suspended")) }
                    select id="posting-enrollment" name="enrollment_id" required aria-invalid=[invalid(e, "enrollment_id")] {
                        option value="" { (ctx.t("请选择", "Choose")) }
                        @for en in d.enrollments.iter().filter(|en| en.unit.is_some() && en.last_day.is_none()) {
                            @let id = en.id.to_string();
                            option value=(id) selected[v(|f| &f.enrollment_id) == id] {
                                (en.unit.as_ref().map_or("", |u| u.as_str())) " · " (en.scheme_id.as_str()) " · " (en.start)
                            }
                        }
                    }
                    (at_field(ctx, "enrollment_id", e))
                    (Input::date("posting-from", "from", ctx.t("中止起始日", "Suspended from"), v(|f| &f.from)).required().render(ctx, e))
                    (Input::date("posting-until", "until", ctx.t("预计回国前一日（可空）", "Until (optional)"), v(|f| &f.until)).render(ctx, e))
                    (Input::text("posting-country", "country", ctx.t("国家或地区代码（两个字母，如 DE）", "Country code (two letters, e.g. DE)"), v(|f| &f.country)).required().max(2).render(ctx, e))
                    (Input::text("posting-document", "document", ctx.t("派遣文书", "Posting document"), v(|f| &f.document)).required().max(500).render(ctx, e))
                    button.primary type="submit" data-action="record_posting" { (ctx.t("登记并中止保障", "Record and suspend")) }
                }
            }
        }
    }
}

/// One written term of the agreement: its field, its label in Chinese and
/// English, and where the form keeps what was typed.
type Term = (
    &'static str,
    &'static str,
    &'static str,
    fn(&ChangeForm) -> &str,
);

fn agreements_part(ctx: &Ctx, d: &PersonDetail, c: &Changes, failed: Failed, may: bool) -> Markup {
    let mine = failed_of(failed, "agreement");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    let terms: [Term; 6] = [
        ("work_content", "工作内容", "Work", |f| &f.work_content),
        ("work_place", "工作地点", "Place", |f| &f.work_place),
        (
            "working_hours",
            "工作时间和休息休假",
            "Hours and rest",
            |f| &f.working_hours,
        ),
        ("pay", "劳动报酬", "Pay", |f| &f.pay),
        (
            "social_insurance",
            "社会保险",
            "Social insurance",
            |f| &f.social_insurance,
        ),
        (
            "labour_protection",
            "劳动保护、劳动条件和职业危害防护",
            "Labour protection",
            |f| &f.labour_protection,
        ),
    ];
    html! {
        h3 { (ctx.t("超龄劳动者书面用工协议（第56号令第六条）", "Over-age worker's written agreement (Order No. 56 Art 6)")) }
        @if c.agreements.is_empty() {
            p.muted { (ctx.t("没有登记的协议。", "No agreement kept.")) }
        } @else {
            @for a in &c.agreements {
                dl.facts {
                    dt { (ctx.t("用人单位", "Unit")) } dd { code { (a.unit.as_str()) } }
                    dt { (ctx.t("签订日", "Signed")) } dd { (a.agreement.signed_on) }
                    dt { (ctx.t("期限", "Term")) } dd {
                        (a.agreement.term_start) " — "
                        @if let Some(end) = a.agreement.term_end { (end) } @else { (ctx.t("无固定期限", "no fixed end")) }
                    }
                    @for (field, zh, en, _) in &terms {
                        @let text = a.agreement.texts().iter().find(|(f, _)| f == field).map_or("", |(_, t)| *t);
                        dt { (ctx.t(zh, en)) } dd { (text) }
                    }
                    dt { (ctx.t("登记", "Recorded")) } dd { (actor_words(ctx, &a.recorded_by)) }
                }
            }
        }
        @if may {
            details.action open[mine.is_some()] {
                summary { (ctx.t("登记超龄劳动者书面协议", "Keep an over-age worker's agreement")) }
                p.muted { (ctx.t(
                    "招用超过法定退休年龄的劳动者，应当订立书面用工协议，明确期限、工作内容、地点、时间、报酬、社会保险和劳动保护。",
                    "A unit engaging a worker past the statutory retirement age signs a written agreement stating term, work, place, hours, pay, social insurance and protection.")) }
                form method="post" action=(format!("/people/{}/over-age-agreements", d.person.id)) novalidate {
                    (session::csrf_field(ctx))
                    input type="hidden" name="form" value="agreement";
                    (at_form(ctx, &["engagement_id", "signed_on", "term_start", "term_end", "work_content", "work_place", "working_hours", "pay", "social_insurance", "labour_protection"], e))
                    label for="agreement-engagement" { (ctx.t("用工关系", "Engagement")) }
                    select id="agreement-engagement" name="engagement_id" required aria-invalid=[invalid(e, "engagement_id")] {
                        (engagement_options(ctx, d, v(|f| &f.engagement_id)))
                    }
                    (at_field(ctx, "engagement_id", e))
                    (Input::date("agreement-signed", "signed_on", ctx.t("签订日", "Signed on"), v(|f| &f.signed_on)).required().render(ctx, e))
                    (Input::date("agreement-start", "term_start", ctx.t("期限起", "Term from"), v(|f| &f.term_start)).required().render(ctx, e))
                    (Input::date("agreement-end", "term_end", ctx.t("期限止（无固定期限可空）", "Term to (empty: no fixed end)"), v(|f| &f.term_end)).render(ctx, e))
                    @for (field, zh, en, get) in &terms {
                        label for=(format!("agreement-{field}")) { (ctx.t(zh, en)) }
                        textarea id=(format!("agreement-{field}")) name=(field) rows="2" maxlength="500" required aria-invalid=[invalid(e, field)] { (v(*get)) }
                        (at_field(ctx, field, e))
                    }
                    button.primary type="submit" data-action="record_agreement" { (ctx.t("登记协议", "Keep the agreement")) }
                }
            }
        }
    }
}

// ---- the unit's page ----------------------------------------------------------

/// The form on the unit's page by which a clerk moves the unit's running
/// enrolments to a successor (Regulations Art 43(1)): one choice per
/// recorded division, merger or transfer of which the unit is the
/// predecessor; a division names the people who go.
pub fn transfer_form(
    ctx: &Ctx,
    unit_id: i64,
    unit: &str,
    rows: &[SuccessionRow],
    failed: Failed,
) -> Markup {
    let successors: Vec<&SuccessionRow> = rows
        .iter()
        .filter(|r| r.predecessor.as_str() == unit && r.kind != SuccessionKind::ContractingOut)
        .collect();
    let mine = failed_of(failed, "transfer");
    if !ctx.viewer.may(Action::RecordSuccession) || successors.is_empty() {
        // Nothing to offer, but a transfer sent anyway says why it was refused.
        return at_form(ctx, &[], mine.map(|(e, _)| e));
    }
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    html! {
        details.action #transfer-form open[mine.is_some()] {
            summary { (ctx.t("把参保关系转到承继单位", "Move the enrolments to the successor")) }
            p.muted { (ctx.t(
                "每个在保的参保关系在变更生效前一日终止，自生效之日起在承继单位继续（同一险种和人员类别），并按新参保重新核对；有一人不符合则全部不转。",
                "Each running enrolment ends the day before the change takes effect and continues at the successor from that day (same scheme and category), checked as a new enrolment; if one person is refused, nothing moves.")) }
            form method="post" action=(format!("/units/{unit_id}/enrollment-transfer")) novalidate {
                (session::csrf_field(ctx))
                input type="hidden" name="form" value="transfer";
                (at_form(ctx, &["successor", "people", "commitment"], e))
                label for="transfer-successor" { (ctx.t("承继单位", "Successor")) }
                select id="transfer-successor" name="successor" required aria-invalid=[invalid(e, "successor")] {
                    @for r in &successors {
                        option value=(r.successor.as_str()) selected[v(|f| &f.successor) == r.successor.as_str()] {
                            (r.successor_name) " " (r.successor.as_str()) " · " (ctx.t(r.kind.label_zh(), r.kind.label_en())) " " (r.effective_on)
                        }
                    }
                }
                (at_field(ctx, "successor", e))
                label for="transfer-people" { (ctx.t("转移的人员（公民身份号码，分立时必填；不填则全部）", "The people who go (identity numbers; required for a division; empty: everyone)")) }
                textarea id="transfer-people" name="people" rows="3" aria-invalid=[invalid(e, "people")] { (v(|f| &f.people)) }
                (at_field(ctx, "people", e))
                label { input type="checkbox" name="paper_commitment" value="yes" checked[v(|f| &f.paper_commitment) == "yes"]; " " (ctx.t("已收到承继单位的书面承诺，并已告知参保人员（需承诺的险种）", "The successor's paper commitment was received and its insured informed (schemes that ask for one)")) }
                (at_field(ctx, "commitment", e))
                button.primary type="submit" data-action="transfer_enrollments" { (ctx.t("转移参保关系", "Move the enrolments")) }
            }
        }
    }
}

/// The form on the unit's page by which a clerk records the unit's
/// division, merger, transfer or contracting out (变更登记).
pub fn succession_form(ctx: &Ctx, unit_id: i64, failed: Failed) -> Markup {
    if !ctx.viewer.may(Action::RecordSuccession) {
        return html! {};
    }
    let mine = failed_of(failed, "succession");
    let e = mine.map(|(e, _)| e);
    let v = |get: fn(&ChangeForm) -> &str| mine.map_or("", |(_, f)| get(f));
    html! {
        details.action #succession-form open[mine.is_some()] {
            summary { (ctx.t("登记分立、合并、转让或承包经营", "Record a division, merger, transfer or contracting out")) }
            form method="post" action=(format!("/units/{unit_id}/successions")) novalidate {
                (session::csrf_field(ctx))
                input type="hidden" name="form" value="succession";
                (at_form(ctx, &["kind", "successor", "effective_on", "document"], e))
                label for="succession-kind" { (ctx.t("变更类型", "Kind")) }
                select id="succession-kind" name="kind" required aria-invalid=[invalid(e, "kind")] {
                    option value="" { (ctx.t("请选择", "Choose")) }
                    @for k in SuccessionKind::ALL {
                        option value=(k.as_str()) selected[v(|f| &f.kind) == k.as_str()] { (ctx.t(k.label_zh(), k.label_en())) }
                    }
                }
                (at_field(ctx, "kind", e))
                (Input::text("succession-successor", "successor", ctx.t("承继单位或承包方统一社会信用代码", "Successor's or contractor's credit code"), v(|f| &f.successor)).required().max(18).render(ctx, e))
                (Input::date("succession-effective", "effective_on", ctx.t("生效日期", "Effective on"), v(|f| &f.effective_on)).required().render(ctx, e))
                (Input::text("succession-document", "document", ctx.t("变更文书", "Document"), v(|f| &f.document)).required().max(500).render(ctx, e))
                fieldset {
                    legend { (ctx.t("承包经营时：承包方是否具备用工主体资格", "For contracting out: has the contractor an employer's standing?")) }
                    label { input type="radio" name="contractor_qualified" value="yes" checked[v(|f| &f.contractor_qualified) != "no"]; " " (ctx.t("具备", "yes")) }
                    label { input type="radio" name="contractor_qualified" value="no" checked[v(|f| &f.contractor_qualified) == "no"]; " " (ctx.t("不具备", "no")) }
                }
                button.primary type="submit" data-action="record_succession" { (ctx.t("登记变更", "Record the change")) }
            }
        }
    }
}
