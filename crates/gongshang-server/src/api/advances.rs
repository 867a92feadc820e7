//! The fund's advance payment (先行支付; Social Insurance Law Arts 41-42,
//! MOHRSS Order No. 15): a case's applications, the unit's notice, the
//! decision, the payment by a second person, the repayments, and a unit's
//! debts. Thin handlers over `gongshang_app::cases` (`apply_for_advance`,
//! `notify_unit_of_advance`, `decide_advance`, `pay_advance`,
//! `record_advance_recovery`, `end_monthly_advance`, `advances`,
//! `unit_advance_debts`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::cases::{
    AdvanceApplicant, AdvanceApplication, AdvanceDecision, AdvanceRecoveryRequest, AdvanceView,
    MonthlyAdvanceEndRequest,
};
use gongshang_domain::month::Month;
use gongshang_rules::advance::{Debtor, Ground, MonthlyEnd};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_yuan;
use super::registry::{parse_credit, parse_date};
use super::{ApiJson, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apply_for_advance, case_advances))
        .routes(routes!(notify_unit))
        .routes(routes!(decide_advance))
        .routes(routes!(pay_advance))
        .routes(routes!(record_recovery))
        .routes(routes!(end_monthly_advance))
        .routes(routes!(unit_advance_debts))
}

/// A written application for the fund's advance (Order No. 15 Arts 4, 6).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceApplicationBody {
    /// `employer_unpaid` (Social Insurance Law Art 41) or `third_party` (Art 42).
    pub ground: String,
    /// `worker` or `relative`.
    pub applicant: String,
    pub applicant_name: String,
    /// Why the unit or the third party does not pay.
    pub circumstance: String,
    #[serde(default)]
    pub third_party: Option<String>,
    /// YYYY-MM-DD; today if absent.
    #[serde(default)]
    pub applied_on: Option<String>,
    /// The documents handed in.
    pub documents: String,
}

/// The unit's written notice (Order No. 15 Art 7).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    /// YYYY-MM-DD; today if absent.
    #[serde(default)]
    pub sent_on: Option<String>,
}

/// A decision: grant (the amount by the rule) or refuse with the reason.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub grant: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub decided_on: Option<String>,
}

/// The payment, by a second person.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayBody {
    #[serde(default)]
    pub paid_on: Option<String>,
}

/// A repayment by the unit or the third party.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryBody {
    /// YYYY-MM-DD.
    pub received_on: String,
    /// Yuan, e.g. `100000.00`.
    pub amount: String,
    /// The receipt or the transfer's reference (a repayment once per receipt).
    pub document: String,
    /// Who repaid: `unit` or `third_party` (the advance's debtor, the
    /// default), or `recipient`: the worker or relative the advance was paid
    /// to, once the unit or the third party paid them (Order No. 15 Art 11).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub from: Option<String>,
}

/// The end of an advance's monthly items (Order No. 15 Art 8; Regulations
/// Art 62(3)).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthlyEndBody {
    /// YYYY-MM: the last month the fund advances.
    pub last_month: String,
    /// `unit_resumed` (the unit pays again) or `back_payment` (it enrolled
    /// and paid back: the fund's own from then on, Regulations Art 62(3)).
    pub reason: String,
    /// What the end rests on.
    pub note: String,
}

/// A monthly item the payroll advances.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MonthlyAdvanceWire {
    pub benefit_id: i64,
    /// e.g. `monthly_disability_allowance`.
    pub item: String,
    pub item_zh: String,
    pub beneficiary: String,
    /// YYYY-MM: the first month advanced.
    pub from_month: String,
    /// YYYY-MM: the benefit's last month, when it has ended.
    pub benefit_end_month: Option<String>,
    pub months_paid: u64,
    pub last_month_paid: Option<String>,
    pub advanced: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MonthlyEndWire {
    pub last_month: String,
    /// `unit_resumed` or `back_payment`.
    pub reason: String,
    pub reason_zh: String,
    pub reason_en: String,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AdvanceLineWire {
    /// `award:<item>:<beneficiary>` or `bill:<id>`.
    pub source: String,
    pub amount: String,
    pub paid_by_advance: bool,
    pub article: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AdvanceRecoveryWire {
    /// `unit`, `third_party` or `recipient` (the worker or relative, Order
    /// No. 15 Art 11).
    pub debtor: String,
    pub received_on: String,
    pub amount: String,
    pub document: String,
    pub recorded_by: String,
}

/// An advance with its state, in words and as a code.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AdvanceWire {
    pub id: i64,
    pub case_number: String,
    pub unit: Option<String>,
    pub ground: String,
    pub applicant: String,
    pub applicant_name: String,
    pub circumstance: String,
    pub third_party: Option<String>,
    pub applied_on: String,
    pub documents: String,
    /// `applied`, `unit_notified`, `granted`, `refused`, `paid`,
    /// `partly_recovered`, `recovered`.
    pub state: String,
    pub plain_zh: String,
    pub plain_en: String,
    pub notice_due: Option<String>,
    pub unit_pay_by: Option<String>,
    pub refusal_due: String,
    pub granted: Option<String>,
    pub lines: Vec<AdvanceLineWire>,
    pub refusal_reason: Option<String>,
    pub paid_on: Option<String>,
    pub paid_out: Option<String>,
    pub repay_by: Option<String>,
    /// `unit` or `third_party`.
    pub debtor: String,
    pub advanced: String,
    pub recovered: String,
    pub outstanding: String,
    pub recoveries: Vec<AdvanceRecoveryWire>,
    /// The monthly items the payroll advances month by month (Order No. 15
    /// Art 8 with Regulations Art 62(2)); empty when none.
    pub monthly: Vec<MonthlyAdvanceWire>,
    /// YYYY-MM: the first month advanced.
    pub monthly_from: Option<String>,
    /// (item, month) lines advanced so far, and their total (part of
    /// `advanced`).
    pub monthly_months_paid: u64,
    pub monthly_advanced: String,
    /// The payroll still advances months.
    pub monthly_running: bool,
    pub monthly_end: Option<MonthlyEndWire>,
}

impl From<&AdvanceView> for AdvanceWire {
    fn from(a: &AdvanceView) -> Self {
        AdvanceWire {
            id: a.id,
            case_number: a.case_number.clone(),
            unit: a.unit.clone(),
            ground: a.ground.as_str().to_owned(),
            applicant: a.applicant.as_str().to_owned(),
            applicant_name: a.applicant_name.clone(),
            circumstance: a.circumstance.clone(),
            third_party: a.third_party.clone(),
            applied_on: a.applied_on.to_string(),
            documents: a.documents.clone(),
            state: a.state.as_str().to_owned(),
            plain_zh: a.plain_zh.clone(),
            plain_en: a.plain_en.clone(),
            notice_due: a.notice_due.map(|d| d.to_string()),
            unit_pay_by: a.unit_pay_by.map(|d| d.to_string()),
            refusal_due: a.refusal_due.to_string(),
            granted: a.granted.map(|m| m.to_string()),
            lines: a
                .lines
                .iter()
                .map(|l| AdvanceLineWire {
                    source: l.source.clone(),
                    amount: l.amount.to_string(),
                    paid_by_advance: l.paid_by_advance,
                    article: l.article_en.clone(),
                })
                .collect(),
            refusal_reason: a.refusal_reason.clone(),
            paid_on: a.paid_on.map(|d| d.to_string()),
            paid_out: a.paid_out.map(|m| m.to_string()),
            repay_by: a.repay_by.map(|d| d.to_string()),
            debtor: a.debtor.as_str().to_owned(),
            advanced: a.advanced.to_string(),
            recovered: a.recovered.to_string(),
            outstanding: a.outstanding.to_string(),
            recoveries: a
                .recoveries
                .iter()
                .map(|r| AdvanceRecoveryWire {
                    debtor: r.debtor.as_str().to_owned(),
                    received_on: r.received_on.to_string(),
                    amount: r.amount.to_string(),
                    document: r.document.clone(),
                    recorded_by: r.recorded_by.clone(),
                })
                .collect(),
            monthly: a
                .monthly
                .iter()
                .map(|m| MonthlyAdvanceWire {
                    benefit_id: m.benefit_id,
                    item: m.item.name().to_owned(),
                    item_zh: m.item.label_zh().to_owned(),
                    beneficiary: m.beneficiary.clone(),
                    from_month: m.from_month.to_string(),
                    benefit_end_month: m.benefit_end_month.map(|x| x.to_string()),
                    months_paid: m.months_paid,
                    last_month_paid: m.last_month_paid.map(|x| x.to_string()),
                    advanced: m.advanced.to_string(),
                })
                .collect(),
            monthly_from: a.monthly_from.map(|m| m.to_string()),
            monthly_months_paid: a.monthly_months_paid,
            monthly_advanced: a.monthly_advanced.to_string(),
            monthly_running: a.monthly_running,
            monthly_end: a.monthly_end.as_ref().map(|e| MonthlyEndWire {
                last_month: e.last_month.to_string(),
                reason: e.reason.as_str().to_owned(),
                reason_zh: e.reason_zh.clone(),
                reason_en: e.reason_en.clone(),
                note: e.note.clone(),
                recorded_by: e.recorded_by.clone(),
            }),
        }
    }
}

/// A unit's debts to the fund on advances.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitAdvanceDebtsWire {
    pub unit: String,
    pub outstanding: String,
    pub advances: Vec<AdvanceWire>,
}

fn opt_date(field: &str, text: Option<&str>) -> ApiResult<Option<jiff::civil::Date>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| parse_date(field, t))
        .transpose()
}

fn one(status: StatusCode, a: &AdvanceView) -> Response {
    json(status, &AdvanceWire::from(a))
}

/// Apply for the fund's advance on a recognised case (the worker on their
/// own case, or a clerk recording the paper handed in). One open
/// application per case and ground (409).
#[utoipa::path(post, path = "/cases/{number}/advances", tag = "cases",
    params(("number" = String, Path, description = "the case")),
    request_body = AdvanceApplicationBody,
    responses((status = 201, body = AdvanceWire), (status = "4XX", body = Problem)))]
pub async fn apply_for_advance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<AdvanceApplicationBody>,
) -> ApiResult<Response> {
    let req = AdvanceApplication {
        ground: Ground::parse(&body.ground)
            .ok_or_else(|| ApiError::invalid("ground", "employer_unpaid or third_party"))?,
        applicant: AdvanceApplicant::parse(&body.applicant)
            .ok_or_else(|| ApiError::invalid("applicant", "worker or relative"))?,
        applicant_name: body.applicant_name,
        circumstance: body.circumstance,
        third_party: body.third_party,
        applied_on: opt_date("applied_on", body.applied_on.as_deref())?,
        documents: body.documents,
    };
    let actor = user.actor();
    let view = state
        .run(move |app| app.apply_for_advance(&actor, &number, &req))
        .await?;
    Ok(one(StatusCode::CREATED, &view))
}

/// A case's advances, each with its state in plain words.
#[utoipa::path(get, path = "/cases/{number}/advances", tag = "cases",
    params(("number" = String, Path, description = "the case")),
    responses((status = 200, body = Vec<AdvanceWire>), (status = "4XX", body = Problem)))]
pub async fn case_advances(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let views = state
        .run_read(move |app| app.advances(&actor, &number))
        .await?;
    let wire: Vec<AdvanceWire> = views.iter().map(AdvanceWire::from).collect();
    Ok(json(StatusCode::OK, &wire))
}

/// Send the unit's written notice (Order No. 15 Art 7): the unit pays
/// within 5 working days, or the fund advances.
#[utoipa::path(post, path = "/cases/{number}/advances/{id}/notice", tag = "cases",
    params(("number" = String, Path, description = "the case"), ("id" = i64, Path, description = "the advance")),
    request_body = NoticeBody,
    responses((status = 200, body = AdvanceWire), (status = "4XX", body = Problem)))]
pub async fn notify_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<NoticeBody>,
) -> ApiResult<Response> {
    let sent_on = opt_date("sent_on", body.sent_on.as_deref())?;
    let actor = user.actor();
    let view = state
        .run(move |app| app.notify_unit_of_advance(&actor, &number, id, sent_on))
        .await?;
    Ok(one(StatusCode::OK, &view))
}

/// Grant (the amount by the rule) or refuse with the reason (Order No. 15
/// Arts 8-9).
#[utoipa::path(post, path = "/cases/{number}/advances/{id}/decision", tag = "cases",
    params(("number" = String, Path, description = "the case"), ("id" = i64, Path, description = "the advance")),
    request_body = DecisionBody,
    responses((status = 200, body = AdvanceWire), (status = "4XX", body = Problem)))]
pub async fn decide_advance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<Response> {
    let req = AdvanceDecision {
        grant: body.grant,
        reason: body.reason,
        decided_on: opt_date("decided_on", body.decided_on.as_deref())?,
    };
    let actor = user.actor();
    let view = state
        .run(move |app| app.decide_advance(&actor, &number, id, &req))
        .await?;
    Ok(one(StatusCode::OK, &view))
}

/// Approve and pay a granted advance (a reviewer, not who granted it).
#[utoipa::path(post, path = "/cases/{number}/advances/{id}/payment", tag = "cases",
    params(("number" = String, Path, description = "the case"), ("id" = i64, Path, description = "the advance")),
    request_body = PayBody,
    responses((status = 200, body = AdvanceWire), (status = "4XX", body = Problem)))]
pub async fn pay_advance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<PayBody>,
) -> ApiResult<Response> {
    let paid_on = opt_date("paid_on", body.paid_on.as_deref())?;
    let actor = user.actor();
    let view = state
        .run(move |app| app.pay_advance(&actor, &number, id, paid_on))
        .await?;
    Ok(one(StatusCode::OK, &view))
}

/// Record a repayment by the unit or the third party, or by the worker or
/// relative the advance was paid to (`from: recipient`, Order No. 15 Art 11)
/// (never above what is owed, 422; once per receipt).
#[utoipa::path(post, path = "/cases/{number}/advances/{id}/recoveries", tag = "cases",
    params(("number" = String, Path, description = "the case"), ("id" = i64, Path, description = "the advance")),
    request_body = RecoveryBody,
    responses((status = 201, body = AdvanceWire), (status = "4XX", body = Problem)))]
pub async fn record_recovery(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<RecoveryBody>,
) -> ApiResult<Response> {
    let from = match body.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(Debtor::parse(t).ok_or_else(|| {
            ApiError::invalid(
                "from",
                "unit, third_party or recipient (the worker or relative)",
            )
        })?),
    };
    let req = AdvanceRecoveryRequest {
        from,
        received_on: parse_date("received_on", &body.received_on)?,
        amount: parse_yuan("amount", &body.amount)?,
        document: body.document,
    };
    let actor = user.actor();
    let view = state
        .run(move |app| app.record_advance_recovery(&actor, &number, id, &req))
        .await?;
    Ok(one(StatusCode::CREATED, &view))
}

/// End an advance's monthly items after a month: the unit pays them again,
/// or it enrolled and paid back (Regulations Art 62(3)). What was advanced
/// stays owed; not before a month already advanced (422); once (409).
#[utoipa::path(post, path = "/cases/{number}/advances/{id}/monthly-end", tag = "cases",
    params(("number" = String, Path, description = "the case"), ("id" = i64, Path, description = "the advance")),
    request_body = MonthlyEndBody,
    responses((status = 200, body = AdvanceWire), (status = "4XX", body = Problem)))]
pub async fn end_monthly_advance(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<MonthlyEndBody>,
) -> ApiResult<Response> {
    let req = MonthlyAdvanceEndRequest {
        last_month: Month::parse(body.last_month.trim())
            .map_err(|_| ApiError::invalid("last_month", "YYYY-MM, e.g. 2026-08"))?,
        reason: MonthlyEnd::parse(&body.reason)
            .ok_or_else(|| ApiError::invalid("reason", "unit_resumed or back_payment"))?,
        note: body.note,
    };
    let actor = user.actor();
    let view = state
        .run(move |app| app.end_monthly_advance(&actor, &number, id, &req))
        .await?;
    Ok(one(StatusCode::OK, &view))
}

/// What a unit owes the fund on the advances of its cases (agency staff, or
/// the unit itself).
#[utoipa::path(get, path = "/units/{credit_code}/advance-debts", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    responses((status = 200, body = UnitAdvanceDebtsWire), (status = "4XX", body = Problem)))]
pub async fn unit_advance_debts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let debts = state
        .run_read(move |app| app.unit_advance_debts(&actor, &unit))
        .await?;
    Ok(json(
        StatusCode::OK,
        &UnitAdvanceDebtsWire {
            unit: debts.unit.clone(),
            outstanding: debts.outstanding.to_string(),
            advances: debts.advances.iter().map(AdvanceWire::from).collect(),
        },
    ))
}
