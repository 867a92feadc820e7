//! Shared-data matching (共享数据比对; Decree No. 765 Arts 9, 26, 46): thin
//! handlers over `App::import_life_events`, `App::run_matching`,
//! `App::match_runs`, `App::match_hits`, `App::record_beneficiary`,
//! `App::record_verification` and `App::verifications_due`. Agency clerks
//! import the events other bodies report and run the matching, which ends
//! the benefits and records the overpayments; reviewers read what it did.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongshang_app::matching::{
    LifeEventInput, MatchHitRow, MatchMode, MatchRecovery, MatchRunRow, MatchRunView,
    UnitBenefitStop,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::orders::AfterImportView;
use super::registry::{parse_credit, parse_date};
use super::{ApiJson, ApiQuery, json, json_sized};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_life_events))
        .routes(routes!(run_matching, match_runs))
        .routes(routes!(match_hits))
        .routes(routes!(verifications_due))
        .routes(routes!(suspend_unverified))
        .routes(routes!(record_beneficiary))
        .routes(routes!(record_verification))
        .routes(routes!(unit_benefit_stops))
}

/// One life event another body reported.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LifeEventBody {
    /// The person's 18-character resident id.
    pub resident_id: String,
    /// `death`, `marriage`, `pension_start`, `alive` (a sign of life), or
    /// `employment`, `enlistment` or `adoption` (劳社部令第18号 Art 4(2), 4(4):
    /// a survivor's pension stops).
    pub kind: String,
    /// YYYY-MM-DD.
    pub event_date: String,
    /// The body that reported it (public security, civil affairs, the pension agency).
    pub source: String,
    /// Yuan a month, with `pension_start` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pension_monthly: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LifeEventsBody {
    pub events: Vec<LifeEventBody>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RefusedEvent {
    /// 1-based position in `events`.
    pub row: u64,
    pub field: String,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LifeEventImportView {
    /// False when an event was refused: then nothing was stored.
    pub stored: bool,
    pub rows_read: u64,
    pub added: u64,
    /// Stored before (same person, kind, day and source).
    pub already_there: u64,
    pub refused: Vec<RefusedEvent>,
    /// The incremental monitoring run after the import (issue 16), as an
    /// order import says it; absent when none ran (nothing stored, or no
    /// run has been made yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<AfterImportView>,
}

/// Import life events from other bodies (agency clerks; Decree 765 Art 9).
/// Every event is checked first: when one is refused nothing is stored and
/// each refusal names its field; an event stored before is already there.
#[utoipa::path(post, path = "/life-events", tag = "matching", request_body = LifeEventsBody,
    responses((status = 200, body = LifeEventImportView), (status = "4XX", body = Problem)))]
pub async fn import_life_events(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<LifeEventsBody>,
) -> ApiResult<Response> {
    let rows: Vec<(u64, String, LifeEventInput)> = body
        .events
        .into_iter()
        .enumerate()
        .map(|(n, e)| {
            (
                n as u64 + 1,
                String::new(),
                LifeEventInput {
                    resident_id: e.resident_id,
                    kind: e.kind,
                    event_date: e.event_date,
                    source: e.source,
                    pension_monthly: e.pension_monthly.unwrap_or_default(),
                },
            )
        })
        .collect();
    let actor = user.actor();
    let report = state
        .run(move |app| app.import_life_events(&actor, &rows))
        .await?;
    Ok(json(
        StatusCode::OK,
        &LifeEventImportView {
            stored: report.stored,
            rows_read: report.rows_read,
            added: report.added,
            already_there: report.already_there,
            refused: report
                .problems
                .into_iter()
                .map(|p| RefusedEvent {
                    row: p.line,
                    field: p.field,
                    detail: p.reason,
                })
                .collect(),
            monitoring: report.monitoring.as_ref().map(AfterImportView::from),
        },
    ))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRunBody {
    /// `full` (every event) or `incremental` (the events since the last run).
    pub mode: String,
    /// How the overpayments come back (Decree 765 Art 46): `refund` or `instalments`.
    pub recovery: String,
    /// With `instalments`: 1 to 120.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchRunSummary {
    pub id: i64,
    pub mode: String,
    pub events_after: i64,
    pub events_through: i64,
    pub benefits_checked: u64,
    pub hits: u64,
    pub ran_at: String,
    pub actor: String,
}

impl From<&MatchRunRow> for MatchRunSummary {
    fn from(r: &MatchRunRow) -> Self {
        MatchRunSummary {
            id: r.id,
            mode: r.mode.clone(),
            events_after: r.events_after,
            events_through: r.events_through,
            benefits_checked: r.benefits_checked,
            hits: r.hits,
            ran_at: r.ran_at.to_string(),
            actor: r.actor.clone(),
        }
    }
}

/// What a hit did to a benefit.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchHitView {
    pub id: i64,
    pub run_id: i64,
    pub case_number: String,
    pub benefit_id: i64,
    /// `worker`, `spouse`, `dependant-N`.
    pub beneficiary: String,
    pub item: String,
    /// `death`, `remarriage`, `dependant_turns_18`, `pension_start`,
    /// `employment`, `enlistment`, `adoption`.
    pub rule: String,
    pub event_id: Option<i64>,
    pub on: String,
    /// YYYY-MM: the last month owed (the benefit ended).
    pub last_month: Option<String>,
    /// YYYY-MM and yuan: the new monthly amount (a pension start).
    pub new_from_month: Option<String>,
    pub new_amount: Option<String>,
    /// Yuan paid for months not owed, and how many months.
    pub overpaid: String,
    pub overpaid_months: u32,
    /// The overpayment recorded (Decree 765 Art 46), when any.
    pub overpayment_reference: Option<String>,
    pub article: String,
}

impl From<&MatchHitRow> for MatchHitView {
    fn from(h: &MatchHitRow) -> Self {
        MatchHitView {
            id: h.id,
            run_id: h.run_id,
            case_number: h.case_number.clone(),
            benefit_id: h.benefit_id,
            beneficiary: h.beneficiary.clone(),
            item: super::wire(&h.item),
            rule: h.rule.as_str().to_owned(),
            event_id: h.event_id,
            on: h.on.to_string(),
            last_month: h.last_month.map(|m| m.to_string()),
            new_from_month: h.new_from_month.map(|m| m.to_string()),
            new_amount: h.new_amount.map(|a| a.to_string()),
            overpaid: h.overpaid.to_string(),
            overpaid_months: h.overpaid_months,
            overpayment_reference: h.overpayment_reference.clone(),
            article: h.article.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchRunResult {
    pub run: MatchRunSummary,
    pub hits: Vec<MatchHitView>,
    /// Benefits verified by data matching (a sign of life) in this run.
    pub verified: u64,
    /// The incremental monitoring run after the matching (issue 16), as an
    /// order import says it; absent when none ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<AfterImportView>,
    /// The hits on benefits a unit pays, each naming the unit to stop
    /// paying it.
    #[serde(default)]
    pub unit_notices: Vec<UnitBenefitStopView>,
}

/// A benefit a unit pays that the shared data ended: the unit is to stop
/// paying it after `last_month`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitBenefitStopView {
    /// The unit paying it this month (a successor after a division, merger
    /// or transfer); absent: a case without a unit, or a division not yet
    /// settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub case_number: String,
    pub benefit_id: i64,
    pub item: String,
    pub beneficiary: String,
    /// What ended it: `death`, `remarriage`, `dependant_turns_18`, ... (as a hit says).
    pub rule: String,
    /// YYYY-MM-DD: the day of the event.
    pub on: String,
    /// YYYY-MM: the last month owed.
    pub last_month: Option<String>,
    pub run_id: i64,
    pub article: String,
}

impl From<&UnitBenefitStop> for UnitBenefitStopView {
    fn from(s: &UnitBenefitStop) -> Self {
        UnitBenefitStopView {
            unit: s.unit.map(|u| u.as_str().to_owned()),
            case_number: s.case_number.clone(),
            benefit_id: s.benefit_id,
            item: super::wire(&s.item),
            beneficiary: s.beneficiary.clone(),
            rule: s.rule.as_str().to_owned(),
            on: s.on.to_string(),
            last_month: s.last_month.map(|m| m.to_string()),
            run_id: s.run_id,
            article: s.article.clone(),
        }
    }
}

impl From<&MatchRunView> for MatchRunResult {
    fn from(v: &MatchRunView) -> Self {
        MatchRunResult {
            run: MatchRunSummary::from(&v.run),
            hits: v.hits.iter().map(MatchHitView::from).collect(),
            verified: v.verified,
            monitoring: v.monitoring.as_ref().map(AfterImportView::from),
            unit_notices: v
                .unit_notices
                .iter()
                .map(UnitBenefitStopView::from)
                .collect(),
        }
    }
}

/// The benefits a unit pays that the shared-data matching ended (agency
/// staff, or the unit itself): what it is to stop paying, the oldest first.
#[utoipa::path(get, path = "/units/{credit_code}/benefit-stops", tag = "matching",
    params(("credit_code" = String, Path, description = "the unit")),
    responses((status = 200, body = Vec<UnitBenefitStopView>), (status = "4XX", body = Problem)))]
pub async fn unit_benefit_stops(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let unit = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let stops = state
        .run_read(move |app| app.benefit_stops_of_unit(&actor, &unit))
        .await?;
    let views: Vec<UnitBenefitStopView> = stops.iter().map(UnitBenefitStopView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Run the matching (agency clerks; Decree 765 Arts 9, 26): every periodic
/// benefit in payment, the fund's and the unit's, against the life events and the ages read
/// from the resident ids. Each hit ends its benefit (a pension start leaves
/// the Art 35(3) difference) and records the months paid after as an
/// overpayment. Running it again does nothing twice.
#[utoipa::path(post, path = "/matching/runs", tag = "matching", request_body = MatchRunBody,
    responses((status = 201, body = MatchRunResult), (status = "4XX", body = Problem)))]
pub async fn run_matching(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<MatchRunBody>,
) -> ApiResult<Response> {
    let mode = MatchMode::parse(body.mode.trim())?;
    let recovery = match (body.recovery.trim(), body.months) {
        ("refund", None) => MatchRecovery::Refund,
        ("instalments", Some(months)) => MatchRecovery::Instalments { months },
        ("refund", Some(_)) => {
            return Err(ApiError::invalid("months", "a refund takes no months"));
        }
        ("instalments", None) => {
            return Err(ApiError::invalid(
                "months",
                "is required with instalments: 1 to 120",
            ));
        }
        (other, _) => {
            return Err(ApiError::invalid(
                "recovery",
                format!("{other:?}; allowed: refund, instalments"),
            ));
        }
    };
    let actor = user.actor();
    let view = state
        .run(move |app| app.run_matching(&actor, mode, recovery))
        .await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &MatchRunResult::from(&view),
        4096,
    ))
}

/// The matching runs, oldest first (agency clerks and reviewers).
#[utoipa::path(get, path = "/matching/runs", tag = "matching",
    responses((status = 200, body = Vec<MatchRunSummary>), (status = "4XX", body = Problem)))]
pub async fn match_runs(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let actor = user.actor();
    let runs = state.run(move |app| app.match_runs(&actor)).await?;
    let view: Vec<MatchRunSummary> = runs.iter().map(MatchRunSummary::from).collect();
    Ok(json(StatusCode::OK, &view))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HitsQuery {
    /// One run's hits; every run's when absent.
    pub run: Option<i64>,
}

/// The matching's hits: what each ended and the overpayment it recorded.
#[utoipa::path(get, path = "/matching/hits", tag = "matching", params(HitsQuery),
    responses((status = 200, body = Vec<MatchHitView>), (status = "4XX", body = Problem)))]
pub async fn match_hits(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<HitsQuery>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let hits = state.run(move |app| app.match_hits(&actor, q.run)).await?;
    let view: Vec<MatchHitView> = hits.iter().map(MatchHitView::from).collect();
    Ok(json_sized(StatusCode::OK, &view, 4096))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VerificationDueView {
    pub benefit_id: i64,
    pub case_number: String,
    pub beneficiary: String,
    pub item: String,
    /// Masked; none when a survivor's id is not recorded.
    pub resident_id: Option<String>,
    pub last_verified_on: Option<String>,
    /// `data_matching`, `self`, `employer`, `third_party`.
    pub last_method: Option<String>,
    /// The day it was suspended for want of the verification (广东省工伤保险
    /// 条例 Art 37); none: not suspended for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_on: Option<String>,
}

impl VerificationDueView {
    fn of(
        d: &gongshang_app::matching::VerificationDue,
        suspended_on: Option<jiff::civil::Date>,
    ) -> Self {
        VerificationDueView {
            benefit_id: d.benefit_id,
            case_number: d.case_number.clone(),
            beneficiary: d.beneficiary.clone(),
            item: super::wire(&d.item),
            resident_id: d.resident_id.as_deref().map(masked),
            last_verified_on: d.last_verified_on.map(|d| d.to_string()),
            last_method: d.last_method.map(|m| m.as_str().to_owned()),
            suspended_on: suspended_on.map(|d| d.to_string()),
        }
    }
}

/// What a suspension run did (广东省工伤保险条例 Art 37).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnverifiedSuspensionView {
    pub on: String,
    pub period_months: i64,
    /// The benefits suspended now.
    pub suspended: Vec<VerificationDueView>,
    /// Due but outside Guangdong's rule: listed, not suspended.
    pub outside_rule: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VerificationQueueView {
    /// Verified on or after this day counts.
    pub cutoff: String,
    pub period_months: i64,
    pub due: Vec<VerificationDueView>,
}

fn masked(rid: &str) -> String {
    gongshang_domain::ids::ResidentId::parse(rid)
        .map(|r| r.masked())
        .unwrap_or_default()
}

/// The benefits in payment not verified within the period (Decree 765 Art
/// 26; `handling.eligibility_verification_months`, assumed 12).
#[utoipa::path(get, path = "/matching/verifications-due", tag = "matching",
    responses((status = 200, body = VerificationQueueView), (status = "4XX", body = Problem)))]
pub async fn verifications_due(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let q = state.run(move |app| app.verifications_due(&actor)).await?;
    Ok(json_sized(
        StatusCode::OK,
        &VerificationQueueView {
            cutoff: q.cutoff.to_string(),
            period_months: q.period_months,
            due: q
                .due
                .iter()
                .map(|d| VerificationDueView::of(d, q.suspended.get(&d.benefit_id).copied()))
                .collect(),
        },
        4096,
    ))
}

/// Suspend the benefits due for verification whose instrument makes it a
/// condition of payment (广东省工伤保险条例 Art 37: the Guangdong schemes'
/// cases); the verification recorded afterwards lifts each. Agency clerks.
#[utoipa::path(post, path = "/matching/verifications-due/suspensions", tag = "matching",
    responses((status = 200, body = UnverifiedSuspensionView), (status = "4XX", body = Problem)))]
pub async fn suspend_unverified(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    let actor = user.actor();
    let s = state.run(move |app| app.suspend_unverified(&actor)).await?;
    Ok(json(
        StatusCode::OK,
        &UnverifiedSuspensionView {
            on: s.on.to_string(),
            period_months: s.period_months,
            suspended: s
                .suspended
                .iter()
                .map(|d| VerificationDueView::of(d, Some(s.on)))
                .collect(),
            outside_rule: s.outside_rule,
        },
    ))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaryBody {
    pub resident_id: String,
    /// `study` or `disability`: the pension goes on past 18.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_exception: Option<String>,
}

/// Record a survivor's resident id on a benefit (agency clerks): the case
/// holds only the worker's; the matching reads the birth date from it.
#[utoipa::path(post, path = "/benefits/{id}/beneficiary", tag = "matching",
    params(("id" = i64, Path, description = "the periodic benefit")),
    request_body = BeneficiaryBody,
    responses((status = 204), (status = "4XX", body = Problem)))]
pub async fn record_beneficiary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<BeneficiaryBody>,
) -> ApiResult<Response> {
    let actor = user.actor();
    state
        .run(move |app| {
            app.record_beneficiary(&actor, id, &body.resident_id, body.age_exception.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationBody {
    /// `data_matching`, `self`, `employer` or `third_party`.
    pub method: String,
    /// YYYY-MM-DD; today when absent (never after today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<String>,
    /// How it was verified (the form, the employer's letter, the data matched).
    pub evidence: String,
}

/// Record that a beneficiary's eligibility was verified (agency clerks;
/// Decree 765 Art 26).
#[utoipa::path(post, path = "/benefits/{id}/verifications", tag = "matching",
    params(("id" = i64, Path, description = "the periodic benefit")),
    request_body = VerificationBody,
    responses((status = 204), (status = "4XX", body = Problem)))]
pub async fn record_verification(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<VerificationBody>,
) -> ApiResult<Response> {
    let on = body
        .verified_on
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_date("verified_on", d.trim()))
        .transpose()?;
    let actor = user.actor();
    state
        .run(move |app| app.record_verification(&actor, id, &body.method, on, &body.evidence))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
