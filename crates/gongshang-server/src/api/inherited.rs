//! What a successor unit inherits from its predecessor (Regulations Art
//! 43(1), issue 17): the clerk's taking over of the predecessor's unpaid
//! bills and late fees, and what a unit owes and pays through its
//! successions. Thin handlers over `gongshang_app::inherited`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::inherited::{DebtTakeover, Inherited, SuccessionDebtRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json;
use super::liability::SuccessionView;
use super::registry::parse_credit;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(take_over_debts))
        .routes(routes!(unit_inherited))
}

/// A bill taken over on a succession, with what it still owed then.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SuccessionDebtView {
    pub id: i64,
    pub succession_id: i64,
    /// `merger` or `transfer`.
    pub kind: String,
    pub effective_on: String,
    /// Who passed the debt on.
    pub from_unit: String,
    /// Who took it over.
    pub to_unit: String,
    pub bill_id: i64,
    pub reference: String,
    /// The unit the bill was issued to.
    pub bill_unit: String,
    pub period: String,
    pub due_date: String,
    /// Yuan: the premiums outstanding when taken over.
    pub premiums: String,
    /// Yuan: the late fees owed when taken over.
    pub late_fees: String,
    pub assumed_on: String,
    pub recorded_by: String,
}

impl From<&SuccessionDebtRow> for SuccessionDebtView {
    fn from(r: &SuccessionDebtRow) -> Self {
        SuccessionDebtView {
            id: r.id,
            succession_id: r.succession_id,
            kind: r.kind.as_str().to_owned(),
            effective_on: r.effective_on.to_string(),
            from_unit: r.from_unit.as_str().to_owned(),
            to_unit: r.to_unit.as_str().to_owned(),
            bill_id: r.bill_id,
            reference: r.reference.clone(),
            bill_unit: r.bill_unit.as_str().to_owned(),
            period: r.period.clone(),
            due_date: r.due_date.to_string(),
            premiums: r.premiums.to_string(),
            late_fees: r.late_fees.to_string(),
            assumed_on: r.assumed_on.to_string(),
            recorded_by: r.recorded_by.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DebtTakeoverView {
    pub succession: SuccessionView,
    /// The bills taken over now.
    pub taken: Vec<SuccessionDebtView>,
    /// Everything owed was taken over before on this succession.
    pub already_recorded: bool,
    /// The provisions the taking over rests on.
    pub basis: String,
}

impl From<&DebtTakeover> for DebtTakeoverView {
    fn from(t: &DebtTakeover) -> Self {
        DebtTakeoverView {
            succession: SuccessionView::from(&t.succession),
            taken: t.taken.iter().map(SuccessionDebtView::from).collect(),
            already_recorded: t.already_recorded,
            basis: t.basis.to_owned(),
        }
    }
}

/// Have the successor of a recorded merger or transfer take over the
/// predecessor's unpaid bills and late fees (agency clerks; Regulations Art
/// 43(1), Civil Code Art 67(1)): every bill the predecessor owes today, in
/// one transaction, audited. Again: only what was billed since, or
/// `already_recorded`. The bills stay the predecessor's; a payment of them
/// settles the successor's debt, and the predecessor's cancellation is no
/// longer held by them. A division (joint debts, Civil Code Art 67(2)) or a
/// contracting out is a 409, nothing owed a 409.
#[utoipa::path(post, path = "/units/{credit_code}/successions/{successor}/debt-takeover", tag = "registry",
    params(("credit_code" = String, Path, description = "the predecessor unit"),
           ("successor" = String, Path, description = "the successor unit")),
    responses((status = 200, body = DebtTakeoverView), (status = "4XX", body = Problem)))]
pub async fn take_over_debts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, successor)): Path<(String, String)>,
) -> ApiResult<Response> {
    let predecessor = parse_credit("credit_code", &code)?;
    let successor = parse_credit("successor", &successor)?;
    let actor = user.actor();
    let t = state
        .run(move |app| app.take_over_debts(&actor, &predecessor, &successor))
        .await?;
    Ok(json(StatusCode::OK, &DebtTakeoverView::from(&t)))
}

/// A bill the unit owes through a succession, with what it owes today.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InheritedDebtView {
    pub taken_over: SuccessionDebtView,
    /// Yuan: the premiums outstanding today.
    pub premiums: String,
    /// Yuan: the late fees owed today (running and assessed).
    pub late_fees: String,
}

/// A periodic benefit of a predecessor's case the unit pays now.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InheritedBenefitView {
    pub case_number: String,
    pub case_unit: String,
    pub benefit_id: i64,
    pub item: String,
    pub beneficiary: String,
    /// YYYY-MM: the first month this unit pays.
    pub from_month: String,
    pub until_month: Option<String>,
    /// Yuan a month, in force this month.
    pub amount: Option<String>,
    /// `division`, `merger` or `transfer`.
    pub kind: String,
    pub effective_on: String,
    pub document: Option<String>,
}

/// What a unit took over from its predecessors.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct InheritedView {
    pub unit: String,
    pub debts: Vec<InheritedDebtView>,
    /// Yuan: the premiums and late fees of `debts` owed today.
    pub debts_total: String,
    pub benefits: Vec<InheritedBenefitView>,
    /// The unit's own bills another unit took over.
    pub passed_on: Vec<SuccessionDebtView>,
}

fn wire<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl InheritedView {
    fn of(unit: &str, i: &Inherited) -> Self {
        InheritedView {
            unit: unit.to_owned(),
            debts: i
                .debts
                .iter()
                .map(|d| InheritedDebtView {
                    taken_over: SuccessionDebtView::from(&d.taken_over),
                    premiums: d.premiums.to_string(),
                    late_fees: d.late_fees.to_string(),
                })
                .collect(),
            debts_total: i.debts_total().to_string(),
            benefits: i
                .benefits
                .iter()
                .map(|b| InheritedBenefitView {
                    case_number: b.case_number.clone(),
                    case_unit: b.case_unit.as_str().to_owned(),
                    benefit_id: b.benefit_id,
                    item: wire(&b.item),
                    beneficiary: b.beneficiary.clone(),
                    from_month: b.from_month.to_string(),
                    until_month: b.until_month.map(|m| m.to_string()),
                    amount: b.amount.map(|a| a.to_string()),
                    kind: b.kind.as_str().to_owned(),
                    effective_on: b.effective_on.to_string(),
                    document: b.document.clone(),
                })
                .collect(),
            passed_on: i.passed_on.iter().map(SuccessionDebtView::from).collect(),
        }
    }
}

/// What a unit took over from its predecessors (agency staff, or the unit
/// itself): the bills it owes through a succession with what they owe
/// today, the employer-paid periodic benefits of its predecessors' cases it
/// pays now (Regulations Art 43(1)), and its own bills another unit took
/// over.
#[utoipa::path(get, path = "/units/{credit_code}/inherited", tag = "registry",
    params(("credit_code" = String, Path, description = "the unit")),
    responses((status = 200, body = InheritedView), (status = "4XX", body = Problem)))]
pub async fn unit_inherited(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let view = state
        .run_read(move |app| app.inherited_of_unit(&actor, &unit))
        .await?;
    Ok(json(
        StatusCode::OK,
        &InheritedView::of(unit.as_str(), &view),
    ))
}
