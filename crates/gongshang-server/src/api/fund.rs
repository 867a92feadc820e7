//! The fund (issue 14): the income-expenditure statement (收支表) per pooling
//! region and scheme as JSON, CSV or Excel; the monthly reserve run.
//!
//! Who: agency staff and analysts read the statement; the agency's clerks and
//! administrators run the reserve (the app's permission table decides).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongshang_app::fund::{
    FundStatement, ReserveRunReport, StatementLine, StatementPeriod, statement_table,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_month;
use super::{ApiJson, ApiQuery, idempotent, json, parse_body, to_value};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(statement))
        .routes(routes!(payout_ratios))
        .routes(routes!(run_reserve))
        .routes(routes!(simulate))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// A month `YYYY-MM` or a year `YYYY`.
    pub period: String,
    /// Only this pooling region (GB/T 2260 code).
    pub region: Option<String>,
    /// Only this scheme id.
    pub scheme: Option<String>,
    /// `json` (the default), `csv` or `xlsx`.
    pub format: Option<String>,
}

/// Premiums by payer, in fen.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ByPayerView {
    pub unit_fen: i64,
    pub worker_fen: i64,
    pub platform_fen: i64,
    /// The city's share (财政), e.g. of 益鹭保's daily price.
    pub city_fen: i64,
    pub total_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ItemView {
    pub item: String,
    pub amount_fen: i64,
}

/// One line of the statement: a region and a scheme over the period.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StatementLineView {
    pub region: String,
    pub region_name: String,
    pub scheme_id: String,
    /// `YYYY-MM` or `YYYY`.
    pub period: String,
    pub opening_balance_fen: i64,
    pub billed: ByPayerView,
    /// Income: premiums collected.
    pub collected: ByPayerView,
    /// Expenditure: benefits paid by the fund, by item.
    pub benefits: Vec<ItemView>,
    pub benefits_total_fen: i64,
    /// Expenditure: work-capacity appraisal fees the fund paid
    /// (Regulations Art 12).
    pub appraisal_fees_fen: i64,
    /// Income: late fees paid with back-payments (Regulations Art 62(1)).
    pub late_fees_fen: i64,
    /// Income: advances repaid by units and third parties (Social
    /// Insurance Law Arts 41-42).
    pub advances_recovered_fen: i64,
    /// Benefits and appraisal fees.
    pub expenditure_total_fen: i64,
    pub surplus_fen: i64,
    pub closing_balance_fen: i64,
    pub reserve_transfer_fen: i64,
    pub reserve_balance_fen: i64,
    /// The reserve in months of the last twelve months' expenditure
    /// (`7.3`); absent without expenditure.
    pub months_of_reserve: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FundStatementView {
    pub period: String,
    pub lines: Vec<StatementLineView>,
    pub total: StatementLineView,
    /// Claims incurred but not reported at the end of the period, per
    /// scheme, valued: an estimate, not a ledger posting, in no total above
    /// (`ibnr_note` says so and how it is valued). Empty for one region.
    pub ibnr: Vec<FundIbnrView>,
    pub ibnr_total_fen: i64,
    pub ibnr_note: String,
}

/// One scheme's IBNR estimate on the statement (an estimate, not a posting).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FundIbnrView {
    pub scheme_id: String,
    /// Always true: this line is an estimate, not a ledger posting.
    pub estimate: bool,
    pub valued_at: String,
    /// The months whose benefits give the cost per claim (YYYY-MM).
    pub window_first: String,
    pub window_last: String,
    pub reported: u64,
    /// Claims not reported, in thousandths.
    pub ibnr_milli: i64,
    pub paid_in_window_fen: i64,
    /// Absent without reported cases.
    pub average_cost_fen: Option<i64>,
    /// Absent without reported cases.
    pub estimate_fen: Option<i64>,
}

impl From<&StatementLine> for StatementLineView {
    fn from(l: &StatementLine) -> Self {
        let payer = |b: &gongshang_app::fund::ByPayer| ByPayerView {
            unit_fen: b.unit.fen(),
            worker_fen: b.worker.fen(),
            platform_fen: b.platform.fen(),
            city_fen: b.city.fen(),
            total_fen: b.total.fen(),
        };
        StatementLineView {
            region: l.region.clone(),
            region_name: l.region_name.clone(),
            // Empty on the total line.
            scheme_id: l
                .scheme_id
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            period: l.period.clone(),
            opening_balance_fen: l.opening_balance.fen(),
            billed: payer(&l.billed),
            collected: payer(&l.collected),
            benefits: l
                .benefits
                .iter()
                .map(|b| ItemView {
                    item: b.item.clone(),
                    amount_fen: b.amount.fen(),
                })
                .collect(),
            benefits_total_fen: l.benefits_total.fen(),
            appraisal_fees_fen: l.appraisal_fees.fen(),
            late_fees_fen: l.late_fees.fen(),
            advances_recovered_fen: l.advances_recovered.fen(),
            expenditure_total_fen: l.expenditure_total.fen(),
            surplus_fen: l.surplus.fen(),
            closing_balance_fen: l.closing_balance.fen(),
            reserve_transfer_fen: l.reserve_transfer.fen(),
            reserve_balance_fen: l.reserve_balance.fen(),
            months_of_reserve: l.months_of_reserve.clone(),
        }
    }
}

impl From<&FundStatement> for FundStatementView {
    fn from(s: &FundStatement) -> Self {
        FundStatementView {
            period: s.period.clone(),
            lines: s.lines.iter().map(StatementLineView::from).collect(),
            total: StatementLineView::from(&s.total),
            ibnr: s
                .ibnr
                .iter()
                .map(|l| FundIbnrView {
                    scheme_id: l.scheme_id.to_string(),
                    estimate: true,
                    valued_at: l.valued_at.clone(),
                    window_first: l.window_first.clone(),
                    window_last: l.window_last.clone(),
                    reported: l.reported,
                    ibnr_milli: l.ibnr_milli,
                    paid_in_window_fen: l.paid_in_window.fen(),
                    average_cost_fen: l.average_cost.map(|m| m.fen()),
                    estimate_fen: l.estimate.map(|m| m.fen()),
                })
                .collect(),
            ibnr_total_fen: s.ibnr_total.fen(),
            ibnr_note: s.ibnr_note.clone(),
        }
    }
}

/// A file download.
pub(crate) fn attachment(content_type: &'static str, filename: String, body: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The income-expenditure statement of a month or a year, per pooling region
/// and scheme, read from the ledger: premiums billed and collected by payer,
/// benefits paid by item, the balance and the reserve (agency staff and
/// analysts); beside them, per scheme, the claims incurred but not reported
/// valued in fen (`ibnr`: an estimate, not a ledger posting, in no total).
/// `format=csv` or `format=xlsx` downloads the same table.
#[utoipa::path(get, path = "/fund/statement", tag = "fund", params(StatementQuery),
    responses(
        (status = 200, content(
            (FundStatementView = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = "4XX", body = Problem)))]
pub async fn statement(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> ApiResult<Response> {
    let format = q.format.clone().unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx") {
        return Err(ApiError::new(
            "malformed_query",
            "format must be json, csv or xlsx".to_owned(),
        ));
    }
    let actor = user.actor();
    let s = state
        .run(move |app| {
            let period = StatementPeriod::parse(&q.period)?;
            let scheme = q
                .scheme
                .as_deref()
                .map(gongshang_rules::SchemeId::parse)
                .transpose()?;
            app.fund_statement(&actor, period, q.region.as_deref(), scheme.as_ref())
        })
        .await?;
    Ok(match format.as_str() {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("fund-statement-{}.csv", s.period),
            gongshang_app::export::csv(&statement_table(&s)).into_bytes(),
        ),
        "xlsx" => attachment(
            XLSX,
            format!("fund-statement-{}.xlsx", s.period),
            gongshang_app::export::xlsx(&statement_table(&s)),
        ),
        _ => json(StatusCode::OK, &FundStatementView::from(&s)),
    })
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveRunBody {
    /// YYYY-MM.
    pub month: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReserveLineView {
    pub region: String,
    pub scheme_id: String,
    pub month: String,
    pub collected_fen: i64,
    pub reserve_before_fen: i64,
    /// The reserve at which transfers stop (the previous year's expenditure).
    pub cap_fen: i64,
    pub amount_fen: i64,
    pub reserve_after_fen: i64,
    pub months_of_reserve: Option<String>,
    pub ledger_key: Option<String>,
    /// False when the month had been run before (nothing changed).
    pub recorded_now: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReserveSkippedView {
    pub region: String,
    pub scheme_id: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReserveRunView {
    pub month: String,
    pub lines: Vec<ReserveLineView>,
    /// Regions and schemes without a reserve rule in the policies.
    pub skipped: Vec<ReserveSkippedView>,
}

impl From<&ReserveRunReport> for ReserveRunView {
    fn from(r: &ReserveRunReport) -> Self {
        ReserveRunView {
            month: r.month.clone(),
            lines: r
                .lines
                .iter()
                .map(|l| ReserveLineView {
                    region: l.region.clone(),
                    scheme_id: l.scheme_id.to_string(),
                    month: l.month.clone(),
                    collected_fen: l.collected.fen(),
                    reserve_before_fen: l.reserve_before.fen(),
                    cap_fen: l.cap.fen(),
                    amount_fen: l.amount.fen(),
                    reserve_after_fen: l.reserve_after.fen(),
                    months_of_reserve: l.months_of_reserve.clone(),
                    ledger_key: l.ledger_key.clone(),
                    recorded_now: l.recorded_now,
                })
                .collect(),
            skipped: r
                .skipped
                .iter()
                .map(|s| ReserveSkippedView {
                    region: s.region.clone(),
                    scheme_id: s.scheme_id.to_string(),
                    reason: s.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Run the month's transfer into the reserve (agency clerks): for every
/// region and scheme that collected premiums, the province's share of them
/// until the reserve equals the previous year's expenditure. Requires
/// `Idempotency-Key`; a month is posted once per region and scheme, so
/// running it again (under any key) changes nothing.
#[utoipa::path(post, path = "/fund/reserve/runs", tag = "fund", request_body = ReserveRunBody,
    params(("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    responses((status = 201, body = ReserveRunView), (status = "4XX", body = Problem)))]
pub async fn run_reserve(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: ReserveRunBody = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(
        &state,
        &user,
        &headers,
        &body,
        true,
        move |_key| async move {
            let month = parse_month("month", &req.month)?;
            let run = st.run(move |app| app.run_reserve(&actor, month)).await?;
            Ok((StatusCode::CREATED, to_value(&ReserveRunView::from(&run))?))
        },
    )
    .await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationBody {
    /// The reform as TOML: `name`, `[[override]]` entries (`key`, `from`,
    /// `value`, `note`) and `[assumptions.KEY]` tables (`value`, `label`);
    /// absent: the baseline against itself.
    pub reform: Option<String>,
    /// Synthetic insured to project (1 to 1,000,000); or give `stored_on`.
    pub people: Option<u64>,
    /// Project the insured as stored: the enrolments running on this day
    /// (`YYYY-MM-DD`) instead of a synthetic population.
    pub stored_on: Option<String>,
    /// With `stored_on`: the industry class (1 to 8) to count enrolments
    /// without a unit in; absent, they are left out and counted.
    pub unitless_class: Option<u8>,
    pub seed: Option<u64>,
    /// The first year [default 2026].
    pub start_year: Option<i16>,
    /// 1 to 30 [default 10].
    pub years: Option<u16>,
    /// 0 to 200 [default 0: no bands].
    pub replicates: Option<u16>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimYearView {
    pub year: i16,
    pub insured: i64,
    pub wage_base_fen: i64,
    pub income_unit_fen: i64,
    pub income_worker_fen: i64,
    pub income_city_fen: i64,
    pub income_fen: i64,
    pub claims: i64,
    pub one_time_disability_fen: i64,
    /// Grade 1-4 allowances of new claims.
    pub allowances_fen: i64,
    /// The one-time death benefit and funeral subsidy of new deaths.
    pub death_fen: i64,
    /// Survivors' pensions of new deaths.
    pub survivors_fen: i64,
    /// Living care of new grade 1-4 claims.
    pub living_care_fen: i64,
    /// The benefits in payment at the start, by item.
    pub in_payment_allowances_fen: i64,
    pub in_payment_living_care_fen: i64,
    pub in_payment_survivors_fen: i64,
    /// The beneficiaries in payment expected alive at the year's start.
    pub in_payment_beneficiaries: i64,
    pub expenditure_fen: i64,
    pub reserve_fen: i64,
    pub months_of_reserve: Option<String>,
    pub payg_cost_rate: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimScenarioView {
    pub name: String,
    pub break_even_rate: String,
    pub years: Vec<SimYearView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimBandView {
    pub year: i16,
    /// P10, P50, P90.
    pub expenditure_fen: [i64; 3],
    pub reserve_fen: [i64; 3],
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimAttributionView {
    pub provision: String,
    pub from: String,
    pub value: String,
    pub income_fen: i64,
    pub expenditure_fen: i64,
    pub reserve_end_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimGroupView {
    pub group: String,
    pub insured: i64,
    pub premium_baseline_fen: i64,
    pub premium_reform_fen: i64,
    pub paying_more: i64,
    pub paying_less: i64,
    pub benefit_wage_baseline_fen: i64,
    pub benefit_wage_reform_fen: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimAssumptionView {
    pub key: String,
    /// Parts per million for a rate; the number for a whole assumption.
    pub value: i64,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulationView {
    pub population: SimPopulationView,
    pub reform: String,
    pub start_year: i16,
    pub records: u64,
    pub insured: u64,
    /// The periodic benefits in payment at the start the projection counts.
    pub benefits_in_payment: u64,
    /// The life tables that end them (id, label; `assumed` when so marked).
    pub life_tables: Vec<String>,
    pub baseline: SimScenarioView,
    pub reformed: SimScenarioView,
    pub attribution: Vec<SimAttributionView>,
    pub bands_baseline: Vec<SimBandView>,
    pub bands_reform: Vec<SimBandView>,
    pub by_decile: Vec<SimGroupView>,
    pub by_scheme: Vec<SimGroupView>,
    pub by_region: Vec<SimGroupView>,
    pub assumptions: Vec<SimAssumptionView>,
    /// Claim incidence by scheme × class × outcome estimated from the
    /// stored cases (a projection over the insured as stored; none
    /// otherwise).
    pub incidence_by_grade: Option<SimIncidenceByGradeView>,
    /// Claims incurred but not reported, per scheme (a projection over the
    /// insured as stored; empty otherwise).
    pub ibnr: Vec<SimIbnrView>,
    pub overrides: Vec<String>,
}

/// Incidence by scheme × industry class × outcome, each cell blended with
/// the class's incidence × the scheme's outcome mix by limited-fluctuation
/// credibility (`rule`). Rates in parts per billion a year per insured.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimIncidenceByGradeView {
    /// The accident days read, `from – to`.
    pub window: String,
    pub rule: String,
    /// What was left to the assumptions, and why.
    pub not_estimated: Vec<String>,
    pub cells: Vec<SimIncidenceCellView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimIncidenceCellView {
    pub scheme: String,
    pub class: u8,
    /// `grade_1` … `grade_10`, `death`.
    pub outcome: String,
    pub claims: u64,
    pub insured_days: u64,
    pub observed_ppb: i64,
    pub fallback_ppb: i64,
    pub credibility_ppm: i64,
    /// What the projection used.
    pub value_ppb: i64,
}

/// A scheme's IBNR by the chain ladder on claim counts (`method`), with
/// its triangle and factors. Counts of the ultimate and IBNR in
/// thousandths of a claim, factors in parts per million.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimIbnrView {
    pub scheme: String,
    pub method: String,
    pub valued_at: String,
    /// Accident quarters, oldest first (`2025Q3`).
    pub quarters: Vec<String>,
    /// Cumulative cases by accident quarter × development quarter (null
    /// past the latest diagonal).
    pub triangle: Vec<Vec<Option<u64>>>,
    pub factors: Vec<SimIbnrFactorView>,
    pub rows: Vec<SimIbnrRowView>,
    pub reported: u64,
    pub ibnr_milli: i64,
    /// Cases filed after the valuation, not in the triangle.
    pub not_counted: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimIbnrFactorView {
    pub from_quarter: u64,
    pub numerator: u64,
    pub denominator: u64,
    pub factor_ppm: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimIbnrRowView {
    pub quarter: String,
    pub reported: u64,
    pub to_ultimate_ppm: i64,
    pub ultimate_milli: i64,
    pub ibnr_milli: i64,
}

impl From<&gongshang_sim::ibnr::IbnrEstimate> for SimIbnrView {
    fn from(e: &gongshang_sim::ibnr::IbnrEstimate) -> Self {
        SimIbnrView {
            scheme: e.scheme.clone(),
            method: e.method.clone(),
            valued_at: e.valued_at.to_string(),
            quarters: e.quarters.clone(),
            triangle: e.triangle.clone(),
            factors: e
                .factors
                .iter()
                .map(|f| SimIbnrFactorView {
                    from_quarter: u64::try_from(f.from_quarter).unwrap_or(u64::MAX),
                    numerator: f.numerator,
                    denominator: f.denominator,
                    factor_ppm: f.factor_ppm,
                })
                .collect(),
            rows: e
                .rows
                .iter()
                .map(|r| SimIbnrRowView {
                    quarter: r.quarter.clone(),
                    reported: r.reported,
                    to_ultimate_ppm: r.to_ultimate_ppm,
                    ultimate_milli: r.ultimate_milli,
                    ibnr_milli: r.ibnr_milli,
                })
                .collect(),
            reported: e.reported,
            ibnr_milli: e.ibnr_milli,
            not_counted: e.not_counted,
        }
    }
}

/// Where the projected records came from.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimPopulationView {
    /// `synthetic` or `stored`.
    pub source: String,
    /// The day the stored insured were counted on.
    pub on: Option<String>,
    pub records: u64,
    /// Stored enrolments not projected, by reason (`per_order`,
    /// `no_declared_wage`, `no_industry_class`, `no_region`,
    /// `no_regional_wage`, `unknown_scheme`).
    pub left_out: Vec<SimLeftOutView>,
    /// The stored periodic benefits in payment projected.
    pub benefits_in_payment: u64,
    /// Of them, survivors' pensions without a recorded birth date
    /// (projected at the assumed `in_payment.survivor_age`).
    pub survivors_at_assumed_age: u64,
    /// Stored periodic benefits not projected, by reason (`suspended`, ...).
    pub benefits_left_out: Vec<SimLeftOutView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimLeftOutView {
    pub reason: String,
    pub count: u64,
}

/// Counts left out by reason, the reason as its snake-case name.
fn left_out(
    counts: &std::collections::BTreeMap<gongshang_app::simulation::LeftOut, u64>,
) -> Vec<SimLeftOutView> {
    counts
        .iter()
        .map(|(why, n)| SimLeftOutView {
            reason: serde_json::to_value(why)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            count: *n,
        })
        .collect()
}

impl From<&gongshang_app::simulation::Simulation> for SimulationView {
    fn from(s: &gongshang_app::simulation::Simulation) -> Self {
        use gongshang_sim::project as sp;
        let p = &s.projection;
        let scenario = |s: &sp::ScenarioRun| SimScenarioView {
            name: s.name.clone(),
            break_even_rate: s.break_even_rate.clone(),
            years: s
                .years
                .iter()
                .map(|y| SimYearView {
                    year: y.year,
                    insured: y.insured,
                    wage_base_fen: y.wage_base.fen(),
                    income_unit_fen: y.income_unit.fen(),
                    income_worker_fen: y.income_worker.fen(),
                    income_city_fen: y.income_city.fen(),
                    income_fen: y.income.fen(),
                    claims: y.claims,
                    one_time_disability_fen: y.one_time_disability.fen(),
                    allowances_fen: y.allowances.fen(),
                    death_fen: y.death.fen(),
                    survivors_fen: y.survivors.fen(),
                    living_care_fen: y.living_care.fen(),
                    in_payment_allowances_fen: y.in_payment_allowances.fen(),
                    in_payment_living_care_fen: y.in_payment_living_care.fen(),
                    in_payment_survivors_fen: y.in_payment_survivors.fen(),
                    in_payment_beneficiaries: y.in_payment_beneficiaries,
                    expenditure_fen: y.expenditure.fen(),
                    reserve_fen: y.reserve.fen(),
                    months_of_reserve: y.months_of_reserve.clone(),
                    payg_cost_rate: y.payg_cost_rate.clone(),
                })
                .collect(),
        };
        let bands = |b: &[sp::Band]| {
            b.iter()
                .map(|b| SimBandView {
                    year: b.year,
                    expenditure_fen: b.expenditure.map(|m| m.fen()),
                    reserve_fen: b.reserve.map(|m| m.fen()),
                })
                .collect()
        };
        let groups = |g: &[sp::Group]| {
            g.iter()
                .map(|g| SimGroupView {
                    group: g.group.clone(),
                    insured: g.insured,
                    premium_baseline_fen: g.premium_baseline.fen(),
                    premium_reform_fen: g.premium_reform.fen(),
                    paying_more: g.paying_more,
                    paying_less: g.paying_less,
                    benefit_wage_baseline_fen: g.benefit_wage_baseline.fen(),
                    benefit_wage_reform_fen: g.benefit_wage_reform.fen(),
                })
                .collect()
        };
        SimulationView {
            population: SimPopulationView {
                source: s.population.source.to_owned(),
                on: s.population.on.map(|d| d.to_string()),
                records: s.population.records,
                left_out: left_out(&s.population.left_out),
                benefits_in_payment: s.population.benefits_in_payment,
                survivors_at_assumed_age: s.population.survivors_at_assumed_age,
                benefits_left_out: left_out(&s.population.benefits_left_out),
            },
            reform: p.reform.clone(),
            start_year: p.start_year,
            records: u64::try_from(p.records).unwrap_or(u64::MAX),
            insured: p.insured,
            benefits_in_payment: p.benefits_in_payment,
            life_tables: p.life_tables.clone(),
            baseline: scenario(&p.baseline),
            reformed: scenario(&p.reformed),
            attribution: p
                .attribution
                .iter()
                .chain(p.interaction.iter())
                .map(|a| SimAttributionView {
                    provision: a.provision.clone(),
                    from: a.from.clone(),
                    value: a.value.clone(),
                    income_fen: a.income.fen(),
                    expenditure_fen: a.expenditure.fen(),
                    reserve_end_fen: a.reserve_end.fen(),
                })
                .collect(),
            bands_baseline: bands(&p.bands_baseline),
            bands_reform: bands(&p.bands_reform),
            by_decile: groups(&p.by_decile),
            by_scheme: groups(&p.by_scheme),
            by_region: groups(&p.by_region),
            assumptions: p
                .assumptions
                .iter()
                .map(|a| SimAssumptionView {
                    key: a.key.clone(),
                    value: a.value_ppm,
                    label: a.label.clone(),
                })
                .collect(),
            incidence_by_grade: p
                .incidence_by_grade
                .as_ref()
                .map(|t| SimIncidenceByGradeView {
                    window: t.window.clone(),
                    rule: t.rule.clone(),
                    not_estimated: t.not_estimated.clone(),
                    cells: t
                        .cells
                        .iter()
                        .map(|c| SimIncidenceCellView {
                            scheme: c.scheme.clone(),
                            class: c.class,
                            outcome: c.outcome.clone(),
                            claims: c.claims,
                            insured_days: c.insured_days,
                            observed_ppb: c.observed_ppb,
                            fallback_ppb: c.fallback_ppb,
                            credibility_ppm: c.credibility_ppm,
                            value_ppb: c.value_ppb,
                        })
                        .collect(),
                }),
            ibnr: s.ibnr.iter().map(SimIbnrView::from).collect(),
            overrides: p.overrides.clone(),
        }
    }
}

/// Project the fund under the baseline and a reform, year by year, over a
/// synthetic population made for the request, or over the insured as
/// stored on a day (`stored_on`) (analysts and agency staff):
/// income, expenditure by item, reserve and months, PAYG cost and
/// break-even rates, the difference by provision, premiums by decile,
/// scheme and region, and P10/P50/P90 bands when replicates are asked for.
/// Answered at once (at most 1,000,000 people); larger runs:
/// `gongshang simulate`.
#[utoipa::path(post, path = "/fund/simulations", tag = "fund", request_body = SimulationBody,
    responses((status = 200, body = SimulationView), (status = "4XX", body = Problem)))]
pub async fn simulate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<SimulationBody>,
) -> ApiResult<Response> {
    use gongshang_app::simulation::{PopulationSource, SimulationRequest};
    let actor = user.actor();
    if body.unitless_class.is_some() && body.stored_on.is_none() {
        return Err(ApiError::invalid(
            "unitless_class",
            "only with stored_on: a synthetic population has a class for everyone",
        ));
    }
    let population = match (body.people, &body.stored_on) {
        (Some(people), None) => PopulationSource::Synthetic { people },
        (None, Some(on)) => PopulationSource::Stored {
            on: super::registry::parse_date("stored_on", on)?,
            unitless_class: body.unitless_class,
        },
        _ => {
            return Err(ApiError::invalid(
                "people",
                "give either people (a synthetic population) or stored_on (the insured as stored), not both",
            ));
        }
    };
    let req = SimulationRequest {
        reform: body.reform,
        population,
        seed: body.seed.unwrap_or(1),
        start_year: body.start_year.unwrap_or(2026),
        years: body.years.unwrap_or(10),
        replicates: body.replicates.unwrap_or(0),
    };
    let p = state.run(move |app| app.simulate(&actor, &req)).await?;
    Ok(json(StatusCode::OK, &SimulationView::from(&p)))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PayoutQuery {
    /// The first month, `YYYY-MM`.
    pub from: String,
    /// The last month, `YYYY-MM`.
    pub to: String,
    /// Only this platform (its order files' id, e.g. `eleme`).
    pub platform: Option<String>,
    /// `json` (the default), `csv` or `xlsx`.
    pub format: Option<String>,
}

/// A platform's month or year: premiums, benefits and the payout ratio.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PayoutRowView {
    /// The order files' id: the platform's identity, kept across renames.
    pub platform: String,
    /// Its name in the scheme at the period's end (淘宝闪购 from 2026-07).
    pub platform_name: String,
    /// `YYYY-MM` or `YYYY`.
    pub period: String,
    pub billed_fen: i64,
    pub collected_fen: i64,
    pub benefits_fen: i64,
    /// Benefits ÷ collected, exact (`1/2`, `3/7`); absent when nothing was
    /// collected.
    pub ratio: Option<String>,
    /// The ratio as a percentage to two decimals (`50.00%`), `—` without one.
    pub ratio_percent: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PayoutRatiosView {
    pub from: String,
    pub to: String,
    pub months: Vec<PayoutRowView>,
    /// Calendar years over the same months (the float reads the prior year's).
    pub years: Vec<PayoutRowView>,
}

impl From<&gongshang_app::payout::PayoutRatioRow> for PayoutRowView {
    fn from(r: &gongshang_app::payout::PayoutRatioRow) -> Self {
        PayoutRowView {
            platform: r.platform.clone(),
            platform_name: r.platform_name.clone(),
            period: r.period.clone(),
            billed_fen: r.billed.fen(),
            collected_fen: r.collected.fen(),
            benefits_fen: r.benefits.fen(),
            ratio: r
                .ratio
                .map(|x| format!("{}/{}", x.numerator(), x.denominator())),
            ratio_percent: r.ratio_text(),
        }
    }
}

/// The platform pilot's payout ratio (支缴率 = benefits paid ÷ premiums
/// collected) of each platform by month and by calendar year, read from the
/// ledger: the figure that floats a platform's per-order rate the next year
/// (人社部发〔2025〕24号 Art 9). Agency staff and analysts read every
/// platform; a platform's users their own. `format=csv` or `xlsx` downloads
/// the table.
#[utoipa::path(get, path = "/fund/payout-ratios", tag = "fund", params(PayoutQuery),
    responses(
        (status = 200, content(
            (PayoutRatiosView = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = "4XX", body = Problem)))]
pub async fn payout_ratios(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PayoutQuery>,
) -> ApiResult<Response> {
    let format = q.format.clone().unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv" | "xlsx") {
        return Err(ApiError::new(
            "malformed_query",
            "format must be json, csv or xlsx".to_owned(),
        ));
    }
    let actor = user.actor();
    let r = state
        .run(move |app| {
            let from = gongshang_domain::month::Month::parse(&q.from)?;
            let to = gongshang_domain::month::Month::parse(&q.to)?;
            let platform = q
                .platform
                .as_deref()
                .map(gongshang_domain::ids::PlatformId::parse)
                .transpose()?;
            app.payout_ratios(&actor, from, to, platform.as_ref())
        })
        .await?;
    let table = || gongshang_app::payout::payout_table(&r);
    Ok(match format.as_str() {
        "csv" => attachment(
            "text/csv; charset=utf-8",
            format!("payout-ratios-{}-{}.csv", r.from, r.to),
            gongshang_app::export::csv(&table()).into_bytes(),
        ),
        "xlsx" => attachment(
            XLSX,
            format!("payout-ratios-{}-{}.xlsx", r.from, r.to),
            gongshang_app::export::xlsx(&table()),
        ),
        _ => json(
            StatusCode::OK,
            &PayoutRatiosView {
                from: r.from.clone(),
                to: r.to.clone(),
                months: r.months.iter().map(PayoutRowView::from).collect(),
                years: r.years.iter().map(PayoutRowView::from).collect(),
            },
        ),
    })
}
