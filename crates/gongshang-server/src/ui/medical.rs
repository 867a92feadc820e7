//! 工伤医疗费 — a case's medical, rehabilitation and assistive-device bills
//! (Regulations Arts 30-32, 48; Decree 765 Art 22) at `/cases/{number}/medical`:
//! each bill with its lines, what the fund pays and what it refuses with the
//! reason and the article, a claim's decision day; a clerk settles an open
//! bill there (naming a review or litigation, Art 31). And the published
//! register of agreement institutions (Art 47) at `/institutions`. Chinese by
//! default, English with `?lang=en`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::cases::{
    InstitutionRow, MedicalBillRequest, MedicalBillStatus, MedicalBillView, SettleRequest,
};
use gongshang_domain::medical::{BillLine, Dispute, Route, ServiceKind};
use gongshang_rules::Money;
use maud::{Markup, html};
use serde::Deserialize;

use super::staff_words::{actor_words, at_field, at_form};
use super::{Ctx, error_box, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/institutions", get(institutions_page))
        .route("/cases/{number}/medical", get(bills_page).post(file_bill))
        .route("/cases/{number}/medical/{id}/settle", post(settle))
}

fn title(ctx: &Ctx) -> &str {
    ctx.t("工伤医疗费用", "Medical costs")
}

fn status_words(ctx: &Ctx, s: MedicalBillStatus) -> &'static str {
    match s {
        MedicalBillStatus::Received => ctx.t("待结算", "to settle"),
        MedicalBillStatus::Held => ctx.t("暂缓结算", "held"),
        MedicalBillStatus::Settled => ctx.t("已结算", "settled"),
    }
}

fn bills_body(
    ctx: &Ctx,
    number: &str,
    bills: &[MedicalBillView],
    error: Option<&AppError>,
    filing: Option<(&AppError, &FileForm)>,
) -> Markup {
    let may_settle = ctx.viewer.may(Action::SettleMedicalBill);
    html! {
        h1 { (title(ctx)) " · " a href=(format!("/cases/{number}")) { code { (number) } } }
        p.muted { (ctx.t(
            "工伤职工在签订服务协议的机构就医、康复、配置辅助器具，符合诊疗项目目录、药品目录、住院服务标准（辅助器具按国家规定的标准）的费用由工伤保险基金支付（《工伤保险条例》第三十条、第三十二条、第四十八条）；情况紧急时可先到就近的医疗机构急救。个人垫付的费用自受理之日起20个工作日内核定（《社会保险经办条例》第二十二条）。",
            "Treatment, rehabilitation and assistive devices at institutions holding an agreement are paid by the fund within the catalogues of diagnosis, drugs and hospital services (devices: the State's standards) (Regulations Arts 30, 32, 48); in an emergency the nearest hospital first. Costs the worker advanced are decided within 20 working days of the claim (Decree 765 Art 22)."
        )) }
        p { a href="/institutions" { (ctx.t("协议机构名单", "The agreement institutions")) } }
        @if let Some(e) = error { (error_box(ctx, e)) }
        @if bills.is_empty() {
            p.muted { (ctx.t("本案尚无医疗费用单据。", "No bills on this case yet.")) }
        }
        @for v in bills {
            @let b = &v.bill;
            section.card.medical-bill id=(format!("bill-{}", b.id)) {
                h2 {
                    (ctx.t(b.kind.label_zh(), b.kind.label_en())) " · " (b.provider_name) " "
                    span.tag data-status=(b.status.as_str()) { (status_words(ctx, b.status)) }
                }
                dl.facts {
                    dt { (ctx.t("结算方式", "Route")) } dd { (ctx.t(b.route.label_zh(), b.route.label_en())) }
                    dt { (ctx.t("服务日期", "Service")) } dd { (b.service_from) " – " (b.service_until) @if b.emergency { " " span.tag.orange { (ctx.t("急诊", "emergency")) } } }
                    @if let Some(code) = &b.institution { dt { (ctx.t("协议机构编码", "Institution")) } dd { code { (code) } } }
                    @if let Some(c) = &b.confirmation { dt { (ctx.t("确认文书", "Confirmation")) } dd { (c) } }
                    dt { (ctx.t("受理日期", "Received")) } dd { (b.received_on) }
                    @if let Some(due) = b.due_on {
                        dt { (ctx.t("核定期限", "Decide by")) }
                        dd { (due) @if let Some(days) = v.days_left {
                            " " @if days < 0 { span.tag.red { (ctx.t("已超期", "overdue")) " " (-days) } } @else { span.muted { (ctx.t("剩余", "")) (days) (ctx.t("天", " days left")) } }
                        } }
                    }
                    dt { (ctx.t("合计（元）", "Total")) } dd.num { (b.total) }
                    @if let Some(p) = b.payable { dt { (ctx.t("基金支付（元）", "The fund pays")) } dd.num { strong { (p) } } }
                    @if let Some(r) = b.refused { dt { (ctx.t("不予支付（元）", "Refused")) } dd.num { (r) } }
                    @if let Some(reason) = &b.hold_reason { dt { (ctx.t("暂缓原因", "Held because")) } dd { (reason) } }
                    @if let Some(d) = b.dispute { dt { (ctx.t("行政复议或诉讼", "Under dispute")) } dd { (dispute_words(ctx, d)) } }
                    // Who filed and settled is the agency's business, not the worker's.
                    @if may_settle {
                        dt { (ctx.t("登记", "Filed")) } dd { (actor_words(ctx, &b.filed_by)) " · " (super::format::china_date(b.filed_at)) }
                        @if let Some(s) = &b.settled_by { dt { (ctx.t("结算", "Settled")) } dd { (actor_words(ctx, s)) @if let Some(at) = b.settled_at { " · " (at.strftime("%Y-%m-%d")) } } }
                    } @else if let Some(on) = b.settled_on {
                        dt { (ctx.t("结算日期", "Settled on")) } dd { (on) }
                    }
                }
                div.table-wrap { table {
                    thead { tr {
                        th { "#" }
                        th { (ctx.t("项目", "Item")) }
                        th { (ctx.t("目录内（元）", "Within catalogue")) }
                        th { (ctx.t("目录外（元）", "Outside")) }
                        th { (ctx.t("基金支付", "Paid")) }
                        th { (ctx.t("不予支付及原因", "Refused, and why")) }
                        th { (ctx.t("依据", "Article")) }
                    } }
                    tbody { @for l in &b.lines { tr {
                        td.num { (l.line) }
                        td { (l.description) }
                        td.num { (l.within_catalogue) }
                        td.num { (l.outside_catalogue) }
                        td.num { @if let Some(p) = l.payable { (p) } }
                        td { @if let Some(r) = l.refused { (r) } @if let Some(reason) = &l.refusal_reason { " " span.muted { (reason) } } }
                        td { @if let Some(a) = &l.article { span.muted { (a) } } }
                    } } }
                } }
                @if may_settle && b.status != MedicalBillStatus::Settled {
                    form.inline method="post" action=(format!("/cases/{number}/medical/{}/settle", b.id)) {
                        (session::csrf_field(ctx))
                        label for=(format!("dispute-{}", b.id)) { (ctx.t("认定结论正处于", "The recognition is")) }
                        select id=(format!("dispute-{}", b.id)) name="dispute" {
                            option value="" { (ctx.t("无争议", "not disputed")) }
                            option value="administrative_review" { (ctx.t("行政复议中（第三十一条）", "under administrative review (Art 31)")) }
                            option value="litigation" { (ctx.t("行政诉讼中（第三十一条）", "in litigation (Art 31)")) }
                        }
                        " "
                        button.primary type="submit" { (ctx.t("结算", "Settle")) }
                    }
                }
            }
        }
        @if ctx.viewer.may(Action::FileMedicalBill) || ctx.viewer.may(Action::ClaimReimbursement) {
            (file_form(ctx, number, filing))
        }
    }
}

/// What the filing form sends: one line of a bill (a bill of several
/// lines comes over the API or the command line).
#[derive(Clone, Debug, Default, Deserialize)]
struct FileForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    route: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    institution: String,
    #[serde(default)]
    provider_name: String,
    #[serde(default)]
    service_from: String,
    #[serde(default)]
    service_until: String,
    #[serde(default)]
    emergency: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    within_catalogue: String,
    #[serde(default)]
    outside_catalogue: String,
}

const FILE_FIELDS: [&str; 12] = [
    "kind",
    "institution",
    "provider_name",
    "service_from",
    "service_until",
    "emergency",
    "confirmation",
    "received_on",
    "description",
    "within_catalogue",
    "outside_catalogue",
    "lines",
];

fn file_form(ctx: &Ctx, number: &str, failed: Option<(&AppError, &FileForm)>) -> Markup {
    let error = failed.map(|(e, _)| e);
    let empty = FileForm::default();
    let f = failed.map_or(&empty, |(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let may_file = ctx.viewer.may(Action::FileMedicalBill);
    let text = |id: &'static str, label: Markup, value: &str, kind: &'static str| {
        html! {
            div {
                label for=(id) { (label) }
                input id=(id) type=(kind) name=(id) value=(value) aria-invalid=[bad(id)];
                (at_field(ctx, id, error))
            }
        }
    };
    html! {
        section.card #medical-file {
            h2 { (if may_file { ctx.t("登记费用单据", "File a bill") } else { ctx.t("申请报销个人垫付的费用", "Claim back costs you paid") }) }
            form.stack #medical-file-form method="post" action=(format!("/cases/{number}/medical")) novalidate {
                (session::csrf_field(ctx))
                (at_form(ctx, &FILE_FIELDS, error))
                div.cols {
                    @if may_file {
                        div {
                            label for="route" { (ctx.t("结算方式", "Route")) }
                            select #route name="route" {
                                @for r in Route::ALL {
                                    option value=(r.as_str()) selected[f.route == r.as_str()] { (ctx.t(r.label_zh(), r.label_en())) }
                                }
                            }
                        }
                    } @else {
                        input type="hidden" name="route" value="manual_reimbursement";
                    }
                    div {
                        label for="kind" { (ctx.t("费用类别", "Kind")) }
                        select #kind name="kind" aria-invalid=[bad("kind")] {
                            @for k in ServiceKind::ALL {
                                option value=(k.as_str()) selected[f.kind == k.as_str()] { (ctx.t(k.label_zh(), k.label_en())) }
                            }
                        }
                        (at_field(ctx, "kind", error))
                    }
                    (text("institution", html! { (ctx.t("协议机构编码（非协议机构留空）", "Institution code (empty if none)")) }, &f.institution, "text"))
                    (text("provider_name", html! { (ctx.t("机构名称", "Provider")) }, &f.provider_name, "text"))
                    (text("service_from", html! { (ctx.t("服务开始日期", "First day")) }, &f.service_from, "date"))
                    (text("service_until", html! { (ctx.t("服务结束日期", "Last day")) }, &f.service_until, "date"))
                    div {
                        label { input type="checkbox" name="emergency" value="on" checked[f.emergency == "on"]; " " (ctx.t("急诊（就近急救，第三十条第二款）", "Emergency at the nearest hospital (Art 30(2))")) }
                        (at_field(ctx, "emergency", error))
                    }
                    (text("confirmation", html! { (ctx.t("确认文书编号（康复、辅助器具）", "Confirmation (rehabilitation, device)")) }, &f.confirmation, "text"))
                    @if may_file {
                        (text("received_on", html! { (ctx.t("受理日期（默认今天）", "Received on (default today)")) }, &f.received_on, "date"))
                    }
                    (text("description", html! { (ctx.t("项目", "Item")) }, &f.description, "text"))
                    (text("within_catalogue", html! { (ctx.t("目录内金额（元）", "Within the catalogues (yuan)")) }, &f.within_catalogue, "text"))
                    (text("outside_catalogue", html! { (ctx.t("目录外金额（元）", "Outside them (yuan)")) }, &f.outside_catalogue, "text"))
                }
                (at_field(ctx, "lines", error))
                button.primary type="submit" { (ctx.t("提交", "File")) }
            }
        }
    }
}

fn opt(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|s| !s.is_empty())
}

pub(super) fn date_of(field: &'static str, text: &str) -> Result<jiff::civil::Date, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

pub(super) fn money_of(field: &'static str, text: &str) -> Result<Money, AppError> {
    if text.trim().is_empty() {
        return Ok(Money::ZERO);
    }
    Money::parse_yuan(text.trim()).map_err(|e| AppError::invalid(field, format!("{text:?}: {e}")))
}

impl FileForm {
    fn request(&self) -> Result<(Route, MedicalBillRequest), AppError> {
        let route = self
            .route
            .trim()
            .parse::<Route>()
            .map_err(|e| AppError::invalid("route", e.to_string()))?;
        let kind = self
            .kind
            .trim()
            .parse::<ServiceKind>()
            .map_err(|e| AppError::invalid("kind", e.to_string()))?;
        let institution = match opt(&self.institution) {
            Some(c) => Some(c.parse().map_err(|e: gongshang_domain::DomainError| {
                AppError::invalid("institution", e.to_string())
            })?),
            None => None,
        };
        let received_on = match opt(&self.received_on) {
            Some(d) => Some(date_of("received_on", &d)?),
            None => None,
        };
        Ok((
            route,
            MedicalBillRequest {
                kind,
                institution,
                provider_name: opt(&self.provider_name),
                service_from: date_of("service_from", &self.service_from)?,
                service_until: date_of("service_until", &self.service_until)?,
                emergency: self.emergency == "on",
                confirmation: opt(&self.confirmation),
                received_on,
                lines: vec![BillLine {
                    description: self.description.clone(),
                    within_catalogue: money_of("within_catalogue", &self.within_catalogue)?,
                    outside_catalogue: money_of("outside_catalogue", &self.outside_catalogue)?,
                }],
            },
        ))
    }
}

async fn file_bill(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<FileForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadMedicalBills) {
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
            let filed = form.request().and_then(|(route, req)| match route {
                Route::Direct => app.file_medical_bill(&actor, &n, &req),
                Route::ManualReimbursement => app.claim_reimbursement(&actor, &n, &req),
            });
            let bills = app.medical_bills(&actor, &n)?;
            Ok::<_, AppError>((filed, bills))
        })
        .await;
    match result {
        Ok((Ok(v), _)) => {
            Redirect::to(&format!("/cases/{number}/medical#bill-{}", v.bill.id)).into_response()
        }
        Ok((Err(e), bills)) if !e.is_internal() => (
            super::error_status(&e),
            respond(
                &ctx,
                title(&ctx),
                bills_body(&ctx, &number, &bills, None, Some((&e, &f))),
            ),
        )
            .into_response(),
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}

fn dispute_words(ctx: &Ctx, d: Dispute) -> &'static str {
    match d {
        Dispute::AdministrativeReview => ctx.t("行政复议", "administrative review"),
        Dispute::Litigation => ctx.t("行政诉讼", "litigation"),
    }
}

async fn bills_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Response {
    let actor = match session::require(&ctx, Action::ReadMedicalBills) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let n = number.clone();
    match state.run(move |app| app.medical_bills(&actor, &n)).await {
        Ok(bills) => respond(
            &ctx,
            title(&ctx),
            bills_body(&ctx, &number, &bills, None, None),
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Debug, Deserialize)]
struct SettleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    dispute: String,
}

async fn settle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, id)): Path<(String, i64)>,
    Form(f): Form<SettleForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::SettleMedicalBill) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let dispute = match f.dispute.trim() {
        "" => None,
        d => match Dispute::parse(d) {
            Some(d) => Some(d),
            None => {
                return error_page(
                    &ctx,
                    &AppError::invalid(
                        "dispute",
                        format!("{d:?}: administrative_review or litigation"),
                    ),
                );
            }
        },
    };
    let n = number.clone();
    let reader = actor.clone();
    let result = state
        .run(move |app| {
            let settled = app.settle_medical_bill(&actor, &n, id, &SettleRequest { dispute });
            let bills = app.medical_bills(&reader, &n)?;
            Ok::<_, AppError>((settled, bills))
        })
        .await;
    match result {
        Ok((Ok(_), _)) => {
            Redirect::to(&format!("/cases/{number}/medical#bill-{id}")).into_response()
        }
        Ok((Err(e), bills)) if !e.is_internal() => (
            super::error_status(&e),
            respond(
                &ctx,
                title(&ctx),
                bills_body(&ctx, &number, &bills, Some(&e), None),
            ),
        )
            .into_response(),
        Ok((Err(e), _)) | Err(e) => error_page(&ctx, &e),
    }
}

fn institutions_body(ctx: &Ctx, rows: &[InstitutionRow]) -> Markup {
    html! {
        h1 { (ctx.t("工伤保险协议机构名单", "Agreement institutions")) }
        p.muted { (ctx.t(
            "经办机构与医疗机构、康复机构、辅助器具配置机构签订服务协议，并公布名单（《工伤保险条例》第四十七条）。暂停结算的机构，其费用暂缓结算（《社会保险经办条例》第四十三条）。",
            "The agency signs service agreements with medical, rehabilitation and assistive-device institutions and publishes the list (Regulations Art 47). Payments to a suspended institution are held (Decree 765 Art 43)."
        )) }
        div.table-wrap { table {
            thead { tr {
                th { (ctx.t("编码", "Code")) }
                th { (ctx.t("名称", "Name")) }
                th { (ctx.t("类别", "Kind")) }
                th { (ctx.t("统筹地区", "Region")) }
                th { (ctx.t("协议期限", "Agreement")) }
                th { (ctx.t("结算", "Payments")) }
            } }
            tbody { @for r in rows { @let i = &r.institution; tr {
                td { code { (i.code) } }
                td { (i.name) }
                td { (ctx.t(i.kind.label_zh(), i.kind.label_en())) }
                td { (i.region) }
                td { (i.agreement_from) " – " @match i.agreement_until { Some(d) => { (d) }, None => { (ctx.t("长期", "open-ended")) } } }
                td { @match &i.suspended {
                    Some(reason) => { span.tag.red { (ctx.t("暂停", "suspended")) } " " span.muted { (reason) } },
                    None => { span.tag { (ctx.t("正常", "normal")) } },
                } }
            } } }
        } }
    }
}

async fn institutions_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match session::require(&ctx, Action::ReadInstitutions) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    match state
        .run(move |app| {
            let rows = app.institutions(&actor)?;
            // Decree 765 Art 45: the institutions' dishonest acts, for
            // agency staff only; the register itself is public (Art 47).
            let credit = if actor.may(Action::ReadCredit) {
                Some(app.institution_credit_records(&actor)?)
            } else {
                None
            };
            Ok::<_, AppError>((rows, credit))
        })
        .await
    {
        Ok((rows, credit)) => respond(
            &ctx,
            ctx.t("协议机构名单", "Agreement institutions"),
            html! {
                (institutions_body(&ctx, &rows))
                @if let Some(records) = &credit {
                    (super::handling::institution_credit(&ctx, &rows, records))
                }
            },
        ),
        Err(e) => error_page(&ctx, &e),
    }
}
