//! Who pays when the unit had not insured the worker (Regulations Art
//! 62(2)-(3)): a unit's back-payment as the agency records it, and a case's
//! items with their payers since when. Thin handlers over
//! `gongshang_app::cases` (`record_back_payment`, `back_payments`,
//! `case_payers`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::Lang;
use gongshang_app::cases::{BackPaymentRequest, BackPaymentRow, CasePayers};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_yuan;
use super::registry::{parse_credit, parse_date};
use super::{ApiJson, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_back_payment, unit_back_payments))
        .routes(routes!(case_payers))
}

/// A unit's back-payment of the premiums and late fees of its uninsured
/// period (Regulations Art 62(3)).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackPaymentBody {
    /// The scheme the premiums were owed in, e.g. `national.employees`.
    pub scheme_id: String,
    /// YYYY-MM-DD: the first day of the uninsured period paid back.
    pub period_from: String,
    /// YYYY-MM-DD: its last day.
    pub period_until: String,
    /// YYYY-MM-DD: the day the premiums and late fees were settled.
    pub settled_on: String,
    /// Yuan, e.g. `3600.00`: the premiums paid back.
    pub premiums: String,
    /// Yuan: the late fees (0.05% a day, Art 62(1)).
    pub late_fees: String,
    /// The receipt or the agency's notice it rests on.
    pub document: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BackPaymentView {
    pub id: i64,
    pub unit: String,
    pub scheme_id: String,
    pub period_from: String,
    pub period_until: String,
    pub settled_on: String,
    pub premiums: String,
    pub late_fees: String,
    pub document: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<&BackPaymentRow> for BackPaymentView {
    fn from(r: &BackPaymentRow) -> Self {
        BackPaymentView {
            id: r.id,
            unit: r.unit.as_str().to_owned(),
            scheme_id: r.scheme_id.to_string(),
            period_from: r.period_from.to_string(),
            period_until: r.period_until.to_string(),
            settled_on: r.settled_on.to_string(),
            premiums: r.premiums.to_string(),
            late_fees: r.late_fees.to_string(),
            document: r.document.clone(),
            recorded_by: r.recorded_by.clone(),
            recorded_at: r.recorded_at.to_string(),
        }
    }
}

/// Record that a unit which had not insured its workers enrolled and
/// settled the back-payment of the premiums and late fees of the period
/// (agency clerks; Regulations Art 62(3)). The unit must be enrolled in the
/// scheme on the day settled (409 otherwise); the day may not be before the
/// period's end nor after today (422). The fund then pays the new costs of
/// the period's cases arising after that day, once their award is computed
/// again (basis `back_payment`).
#[utoipa::path(post, path = "/units/{credit_code}/back-payments", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    request_body = BackPaymentBody,
    responses((status = 201, body = BackPaymentView), (status = "4XX", body = Problem)))]
pub async fn record_back_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<BackPaymentBody>,
) -> ApiResult<Response> {
    let req = BackPaymentRequest {
        unit: parse_credit("credit_code", &code)?,
        scheme_id: super::from_wire("scheme_id", &body.scheme_id)?,
        period_from: parse_date("period_from", &body.period_from)?,
        period_until: parse_date("period_until", &body.period_until)?,
        settled_on: parse_date("settled_on", &body.settled_on)?,
        premiums: parse_yuan("premiums", &body.premiums)?,
        late_fees: parse_yuan("late_fees", &body.late_fees)?,
        document: body.document,
    };
    let actor = user.actor();
    let row = state
        .run(move |app| app.record_back_payment(&actor, &req))
        .await?;
    Ok(json(StatusCode::CREATED, &BackPaymentView::from(&row)))
}

/// A unit's back-payments, the earliest settled first (agency staff, or the
/// unit itself).
#[utoipa::path(get, path = "/units/{credit_code}/back-payments", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    responses((status = 200, body = Vec<BackPaymentView>), (status = "4XX", body = Problem)))]
pub async fn unit_back_payments(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let rows = state
        .run_read(move |app| app.back_payments(&actor, &unit))
        .await?;
    let views: Vec<BackPaymentView> = rows.iter().map(BackPaymentView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// One item of a case with its payer over months.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PayerLineView {
    pub item: String,
    pub beneficiary: String,
    /// `one_time` or `monthly`.
    pub periodicity: String,
    /// `fund` or `employer`.
    pub payer: String,
    /// YYYY-MM: the first month this payer pays (monthly items).
    pub from_month: Option<String>,
    /// YYYY-MM: the last month this payer pays, when it ends.
    pub until_month: Option<String>,
    /// The article the payer rests on (Regulations Art 62(2) or 62(3)).
    pub article: Option<String>,
    /// An employer's line: the credit code of the unit that pays it (these
    /// months), by who bears the liability (Regulations Art 43); absent
    /// when a division leaves it undetermined.
    pub unit: Option<String>,
    /// When `unit` is a successor: `division`, `merger` or `transfer`.
    pub succession_kind: Option<String>,
    /// YYYY-MM-DD: the day that succession took effect.
    pub succession_effective_on: Option<String>,
    /// The succession's change of registration or agreement.
    pub succession_document: Option<String>,
}

/// A bill of the unit in arrears on the accident day.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ArrearsBillView {
    /// YYYY-MM: the month billed.
    pub period: String,
    /// YYYY-MM-DD: the bill's own due date.
    pub due_date: String,
    /// YYYY-MM-DD: the repayment day of the approved deferral (缓缴) the
    /// bill was under; it was in arrears only after that day.
    pub deferred_to: Option<String>,
    /// Yuan.
    pub amount: String,
    /// Yuan still owed at the start of the accident day.
    pub outstanding_on_accident: String,
    /// YYYY-MM-DD: the day it was paid in full.
    pub paid_in_full_on: Option<String>,
    /// Yuan of late fees assessed on it.
    pub late_fees: String,
    /// YYYY-MM-DD: the day its late fees were paid in full.
    pub late_fees_paid_on: Option<String>,
    /// YYYY-MM-DD: premiums and late fees paid.
    pub settled_on: Option<String>,
}

/// The unit's arrears on the accident day (Social Insurance Law Art 41).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ArrearsView {
    pub bills: Vec<ArrearsBillView>,
    /// YYYY-MM-DD: the day the last of them was settled with its late fees
    /// (the back-payment of Regulations Art 62(3)); absent while owed.
    pub settled_on: Option<String>,
}

/// Who pays what on a case, and since when.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CasePayersView {
    pub case_number: String,
    pub unit: Option<String>,
    /// Whether the unit had not insured the worker on the accident day
    /// (Art 62(2)); absent where Art 62 has nothing to say.
    pub uninsured: Option<bool>,
    /// The coverage answer's reason on the accident day.
    pub coverage_reason: Option<String>,
    /// Why the unit pays: `not_enrolled` (Regulations Art 62(2)) or
    /// `in_arrears` (enrolled, but premiums due before the accident day
    /// unpaid: Social Insurance Law Art 41); absent when it does not.
    pub ground: Option<String>,
    /// The same in a sentence, Chinese and English, with the bills.
    pub why_zh: Option<String>,
    pub why_en: Option<String>,
    /// The bills in arrears on the accident day and when they were settled
    /// with their late fees (`ground` = `in_arrears`).
    pub arrears: Option<ArrearsView>,
    /// The back-payment whose period holds the accident (Art 62(3)).
    pub back_payment: Option<BackPaymentView>,
    /// YYYY-MM-DD: the day of Art 62(3)'s back-payment, the earliest of the
    /// recorded back-payment and the arrears settled with late fees.
    pub back_paid_on: Option<String>,
    pub lines: Vec<PayerLineView>,
    /// YYYY-MM-DD: the first day of service from which the fund pays a
    /// bill; absent: the unit pays every bill.
    pub medical_fund_from: Option<String>,
    /// A back-payment was recorded after the approved award: compute it again.
    pub award_to_recompute: bool,
}

fn wire<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<&CasePayers> for CasePayersView {
    fn from(p: &CasePayers) -> Self {
        CasePayersView {
            case_number: p.case_number.clone(),
            unit: p.unit.map(|u| u.as_str().to_owned()),
            uninsured: p.finding.as_ref().map(|f| f.uninsured),
            coverage_reason: p.finding.as_ref().map(|f| wire(&f.coverage_reason)),
            ground: p.finding.as_ref().and_then(|f| f.ground.as_ref()).map(wire),
            why_zh: p.finding.as_ref().and_then(|f| f.why(Lang::Zh)),
            why_en: p.finding.as_ref().and_then(|f| f.why(Lang::En)),
            arrears: p
                .finding
                .as_ref()
                .and_then(|f| f.arrears.as_ref())
                .map(|a| ArrearsView {
                    bills: a
                        .bills
                        .iter()
                        .map(|b| ArrearsBillView {
                            period: b.period.clone(),
                            due_date: b.due_date.to_string(),
                            deferred_to: b.deferred_to.map(|d| d.to_string()),
                            amount: b.amount.to_string(),
                            outstanding_on_accident: b.outstanding_on_accident.to_string(),
                            paid_in_full_on: b.paid_in_full_on.map(|d| d.to_string()),
                            late_fees: b.late_fees.to_string(),
                            late_fees_paid_on: b.late_fees_paid_on.map(|d| d.to_string()),
                            settled_on: b.settled_on.map(|d| d.to_string()),
                        })
                        .collect(),
                    settled_on: a.settled_on.map(|d| d.to_string()),
                }),
            back_payment: p
                .finding
                .as_ref()
                .and_then(|f| f.back_payment.as_ref())
                .map(BackPaymentView::from),
            back_paid_on: p
                .finding
                .as_ref()
                .and_then(|f| f.back_paid_on())
                .map(|d| d.to_string()),
            lines: p
                .lines
                .iter()
                .map(|l| PayerLineView {
                    item: wire(&l.item),
                    beneficiary: l.beneficiary.clone(),
                    periodicity: wire(&l.periodicity),
                    payer: wire(&l.payer),
                    from_month: l.from_month.map(|m| m.to_string()),
                    until_month: l.until_month.map(|m| m.to_string()),
                    article: l.article.map(|a| a.zh.to_owned()),
                    unit: l.unit.map(|u| u.as_str().to_owned()),
                    succession_kind: l.succession.as_ref().map(|s| s.kind.as_str().to_owned()),
                    succession_effective_on: l
                        .succession
                        .as_ref()
                        .map(|s| s.effective_on.to_string()),
                    succession_document: l.succession.as_ref().and_then(|s| s.document.clone()),
                })
                .collect(),
            medical_fund_from: p.medical_fund_from.map(|d| d.to_string()),
            award_to_recompute: p.award_to_recompute,
        }
    }
}

/// Who pays each item of a case and since when (Regulations Art 62(2)-(3)):
/// the unit's cover on the accident day, its back-payment, the approved
/// award's one-time items and the periodic benefits with their months.
/// Whoever reads the case reads it.
#[utoipa::path(get, path = "/cases/{number}/payers", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = CasePayersView), (status = "4XX", body = Problem)))]
pub async fn case_payers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state
        .run_read(move |app| app.case_payers(&actor, &number))
        .await?;
    Ok(json(StatusCode::OK, &CasePayersView::from(&view)))
}
