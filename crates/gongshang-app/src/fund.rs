//! The fund's accounts (issue 14): the income-expenditure statement (收支表)
//! per pooling region and scheme, by month or year, read from the ledger by
//! one aggregation of the store; and the monthly reserve run (Jiangsu
//! measures Art 11), posted to the ledger once per region, scheme and month.

use gongshang_rules::SchemeId;
use std::collections::BTreeMap;

use gongshang_domain::ids::{IdempotencyKey, ReferenceId};
use gongshang_domain::ledger;
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::params::ParamUse;
use gongshang_store::fund::{FlowKind, FundFlow, NewReserveRun};
use serde::Serialize;
use serde_json::json;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// The period of a statement.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StatementPeriod {
    Month(Month),
    /// A calendar year (to December, or to the month given as `through`).
    Year(i16),
}

impl StatementPeriod {
    /// `2025-03` (a month) or `2025` (a year).
    pub fn parse(text: &str) -> Result<StatementPeriod, AppError> {
        let text = text.trim();
        if text.len() == 4 {
            return text
                .parse::<i16>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .map(StatementPeriod::Year)
                .ok_or_else(|| {
                    AppError::invalid(
                        "period",
                        format!("{text:?}: a year 2000 to 2100 or a month YYYY-MM"),
                    )
                });
        }
        Month::parse(text).map(StatementPeriod::Month).map_err(|e| {
            AppError::invalid(
                "period",
                format!("{text:?}: a year YYYY or a month YYYY-MM ({e})"),
            )
        })
    }

    fn first(self) -> String {
        match self {
            StatementPeriod::Month(m) => m.to_string(),
            StatementPeriod::Year(y) => format!("{y:04}-01"),
        }
    }

    fn last(self) -> String {
        match self {
            StatementPeriod::Month(m) => m.to_string(),
            StatementPeriod::Year(y) => format!("{y:04}-12"),
        }
    }

    fn label(self) -> String {
        match self {
            StatementPeriod::Month(m) => m.to_string(),
            StatementPeriod::Year(y) => format!("{y:04}"),
        }
    }
}

/// Premiums split by who pays them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByPayer {
    /// 单位 (an employer, a village committee...).
    pub unit: Money,
    /// 个人 (a worker's own days or months).
    pub worker: Money,
    /// 平台 (a platform's orders).
    pub platform: Money,
    /// 财政 (the city's share, e.g. of 益鹭保's daily price).
    pub city: Money,
    pub total: Money,
}

impl ByPayer {
    fn add(&mut self, payer: &str, amount: Money) -> Result<(), AppError> {
        let slot = match payer {
            "unit" => &mut self.unit,
            "worker" => &mut self.worker,
            "platform" => &mut self.platform,
            _ => &mut self.city,
        };
        *slot = plus(*slot, amount)?;
        self.total = plus(self.total, amount)?;
        Ok(())
    }
}

/// Benefits paid of one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemAmount {
    pub item: String,
    pub amount: Money,
}

/// One line of the statement: a pooling region and a scheme over the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    /// GB/T 2260 code; empty for records without a region.
    pub region: String,
    pub region_name: String,
    /// None on the total line.
    pub scheme_id: Option<SchemeId>,
    /// `YYYY-MM` or `YYYY`.
    pub period: String,
    /// The fund's balance (bank and reserve) before the period.
    pub opening_balance: Money,
    pub billed: ByPayer,
    /// Income: premiums collected.
    pub collected: ByPayer,
    /// Expenditure: benefits paid by the fund, by item.
    pub benefits: Vec<ItemAmount>,
    pub benefits_total: Money,
    /// Expenditure: work-capacity appraisal fees the fund paid (劳动能力鉴定费,
    /// Regulations Art 12), a line of their own.
    pub appraisal_fees: Money,
    /// Income: late fees an uninsured unit paid with its back-payment
    /// (Regulations Art 62(1)); its premiums are in `billed` and `collected`.
    pub late_fees: Money,
    /// Income: advances repaid by units and third parties (Social Insurance
    /// Law Arts 41-42); the advances paid are the benefit item
    /// `advance_payment`.
    pub advances_recovered: Money,
    /// Expenditure: benefits and appraisal fees.
    pub expenditure_total: Money,
    /// Income less expenditure.
    pub surplus: Money,
    pub closing_balance: Money,
    /// Transferred into the reserve in the period.
    pub reserve_transfer: Money,
    /// The reserve at the end of the period (part of the closing balance).
    pub reserve_balance: Money,
    /// The reserve in months of the expenditure of the twelve months to the
    /// end of the period (`7.3`), rounded down to a tenth; none without
    /// expenditure.
    pub months_of_reserve: Option<String>,
}

/// The income-expenditure statement (收支表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FundStatement {
    pub period: String,
    pub lines: Vec<StatementLine>,
    /// The sums of the lines (region and scheme empty).
    pub total: StatementLine,
    /// Claims incurred but not reported at the end of the period, per
    /// scheme, valued in fen: an estimate beside the accounts, never a
    /// posting of the ledger and not in any total above. Empty when the
    /// statement is narrowed to a region (the estimate is per scheme over
    /// every region; `ibnr_note` says so) and in the monthly chart.
    pub ibnr: Vec<IbnrLine>,
    /// The sum of the valued lines.
    pub ibnr_total: Money,
    /// What the IBNR lines are, in words (or why there are none).
    pub ibnr_note: String,
}

/// What the IBNR lines are: shown with them in every surface.
pub const IBNR_LABEL: &str = "已发生未报告赔案（IBNR）估计：估计值，非账务记录，不计入收支 / IBNR (incurred but not reported claims): an estimate, not a ledger posting, in no total";

/// How the IBNR is valued (DESIGN.md, `gongshang_sim::ibnr::value_fen`).
pub const IBNR_METHOD: &str = "IBNR claims (chain ladder on counts, gongshang_sim::ibnr) × the scheme's average cost per claim = benefits the fund paid on the scheme's cases in the months of the triangle's window ÷ cases reported in the triangle; one quotient, rounded half away from zero to the fen";

/// One scheme's IBNR at the end of the statement's period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IbnrLine {
    pub scheme_id: SchemeId,
    /// The valuation day (the end of the last complete quarter).
    pub valued_at: String,
    /// The months whose benefits give the cost per claim (`2023-01`, `2025-12`).
    pub window_first: String,
    pub window_last: String,
    /// Cases reported in the triangle.
    pub reported: u64,
    /// Claims not reported, in thousandths (`claims`: the same as text).
    pub ibnr_milli: i64,
    pub claims: String,
    /// Benefits the fund paid on the scheme's cases in the window.
    pub paid_in_window: Money,
    /// `paid_in_window / reported`, rounded (shown; the value is one quotient).
    pub average_cost: Option<Money>,
    /// The estimate in fen; none without reported cases.
    pub estimate: Option<Money>,
}

fn plus(a: Money, b: Money) -> Result<Money, AppError> {
    a.checked_add(b)
        .ok_or_else(|| AppError::invalid("amount", "the sum overflows i64 fen"))
}

fn minus(a: Money, b: Money) -> Result<Money, AppError> {
    a.checked_sub(b)
        .ok_or_else(|| AppError::invalid("amount", "the difference overflows i64 fen"))
}

/// `reserve` in months of `expenditure_12` / 12, rounded down to a tenth.
pub fn months_of(reserve: Money, expenditure_12: Money) -> Option<String> {
    if expenditure_12.fen() <= 0 {
        return None;
    }
    let tenths = i128::from(reserve.fen()) * 120 / i128::from(expenditure_12.fen());
    Some(format!("{}.{}", tenths / 10, (tenths % 10).abs()))
}

/// The month `n` months before `m` (`YYYY-MM`).
fn months_back(m: &str, n: i32) -> String {
    let y: i32 = m[..4].parse().unwrap_or(0);
    let mo: i32 = m[5..7].parse().unwrap_or(1);
    let k = y * 12 + (mo - 1) - n;
    format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1)
}

#[derive(Default)]
struct Acc {
    opening: Money,
    billed: ByPayer,
    collected: ByPayer,
    benefits: BTreeMap<String, Money>,
    benefits_total: Money,
    appraisal_fees: Money,
    late_fees: Money,
    advances_recovered: Money,
    reserve_transfer: Money,
    reserve_balance: Money,
    expenditure_12: Money,
}

impl Acc {
    fn add_flow(&mut self, f: &FundFlow, first: &str, last: &str) -> Result<(), AppError> {
        let window_start = months_back(last, 11);
        let expenditure = matches!(f.kind, FlowKind::BenefitPaid | FlowKind::AppraisalFee);
        if expenditure && f.month.as_str() >= window_start.as_str() {
            self.expenditure_12 = plus(self.expenditure_12, f.amount)?;
        }
        if f.kind == FlowKind::ReserveTransfer {
            self.reserve_balance = plus(self.reserve_balance, f.amount)?;
        }
        if f.month.as_str() < first {
            match f.kind {
                FlowKind::Collected | FlowKind::LateFee | FlowKind::Recovered => {
                    self.opening = plus(self.opening, f.amount)?;
                }
                FlowKind::BenefitPaid | FlowKind::AppraisalFee => {
                    self.opening = minus(self.opening, f.amount)?;
                }
                FlowKind::Billed | FlowKind::ReserveTransfer => {}
            }
            return Ok(());
        }
        match f.kind {
            FlowKind::Billed => self.billed.add(&f.payer, f.amount)?,
            FlowKind::Collected => self.collected.add(&f.payer, f.amount)?,
            FlowKind::BenefitPaid => {
                let e = self.benefits.entry(f.item.clone()).or_insert(Money::ZERO);
                *e = plus(*e, f.amount)?;
                self.benefits_total = plus(self.benefits_total, f.amount)?;
            }
            FlowKind::ReserveTransfer => {
                self.reserve_transfer = plus(self.reserve_transfer, f.amount)?;
            }
            FlowKind::AppraisalFee => {
                self.appraisal_fees = plus(self.appraisal_fees, f.amount)?;
            }
            FlowKind::LateFee => self.late_fees = plus(self.late_fees, f.amount)?,
            FlowKind::Recovered => {
                self.advances_recovered = plus(self.advances_recovered, f.amount)?;
            }
        }
        Ok(())
    }

    fn line(
        &self,
        region: String,
        region_name: String,
        scheme_id: Option<SchemeId>,
        period: String,
    ) -> Result<StatementLine, AppError> {
        let expenditure_total = plus(self.benefits_total, self.appraisal_fees)?;
        let income = plus(
            plus(self.collected.total, self.late_fees)?,
            self.advances_recovered,
        )?;
        let surplus = minus(income, expenditure_total)?;
        Ok(StatementLine {
            region,
            region_name,
            scheme_id,
            period,
            opening_balance: self.opening,
            billed: self.billed,
            collected: self.collected,
            benefits: self
                .benefits
                .iter()
                .map(|(item, amount)| ItemAmount {
                    item: item.clone(),
                    amount: *amount,
                })
                .collect(),
            benefits_total: self.benefits_total,
            appraisal_fees: self.appraisal_fees,
            late_fees: self.late_fees,
            advances_recovered: self.advances_recovered,
            expenditure_total,
            surplus,
            closing_balance: plus(self.opening, surplus)?,
            reserve_transfer: self.reserve_transfer,
            reserve_balance: self.reserve_balance,
            months_of_reserve: months_of(self.reserve_balance, self.expenditure_12),
        })
    }

    fn merge(&mut self, o: &Acc) -> Result<(), AppError> {
        self.opening = plus(self.opening, o.opening)?;
        for (payer, v) in [
            ("unit", o.billed.unit),
            ("worker", o.billed.worker),
            ("platform", o.billed.platform),
            ("city", o.billed.city),
        ] {
            self.billed.add(payer, v)?;
        }
        for (payer, v) in [
            ("unit", o.collected.unit),
            ("worker", o.collected.worker),
            ("platform", o.collected.platform),
            ("city", o.collected.city),
        ] {
            self.collected.add(payer, v)?;
        }
        for (item, v) in &o.benefits {
            let e = self.benefits.entry(item.clone()).or_insert(Money::ZERO);
            *e = plus(*e, *v)?;
        }
        self.benefits_total = plus(self.benefits_total, o.benefits_total)?;
        self.appraisal_fees = plus(self.appraisal_fees, o.appraisal_fees)?;
        self.late_fees = plus(self.late_fees, o.late_fees)?;
        self.advances_recovered = plus(self.advances_recovered, o.advances_recovered)?;
        self.reserve_transfer = plus(self.reserve_transfer, o.reserve_transfer)?;
        self.reserve_balance = plus(self.reserve_balance, o.reserve_balance)?;
        self.expenditure_12 = plus(self.expenditure_12, o.expenditure_12)?;
        Ok(())
    }
}

/// What a reserve run did for one region and scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReserveRunLine {
    pub region: String,
    pub scheme_id: SchemeId,
    pub month: String,
    /// Premiums collected in the month.
    pub collected: Money,
    /// The reserve before the month's transfer.
    pub reserve_before: Money,
    /// The reserve at which transfers stop: the previous year's expenditure.
    pub cap: Money,
    pub amount: Money,
    pub reserve_after: Money,
    pub months_of_reserve: Option<String>,
    pub ledger_key: Option<String>,
    /// Recorded by this run (false: the month had been run before and
    /// nothing changed).
    pub recorded_now: bool,
}

/// A region and scheme the run left alone, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReserveSkipped {
    pub region: String,
    pub scheme_id: SchemeId,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReserveRunReport {
    pub month: String,
    pub lines: Vec<ReserveRunLine>,
    pub skipped: Vec<ReserveSkipped>,
}

/// The reserve rule's parameters in force for a jurisdiction on a day.
struct ReserveRule {
    rate: ParamUse,
    cap_years: ParamUse,
}

impl App {
    /// The income-expenditure statement of a month or a year, per pooling
    /// region and scheme (narrowed by `region` and `scheme` when given).
    pub fn fund_statement(
        &self,
        actor: &Actor,
        period: StatementPeriod,
        region: Option<&str>,
        scheme: Option<&SchemeId>,
    ) -> Result<FundStatement, AppError> {
        actor.authorize(Action::ReadFund)?;
        let flows = self.store.fund_flows(&period.last())?;
        let mut statement = self.statement_of(&flows, period, region, scheme)?;
        if region.is_some() {
            statement.ibnr_note = format!(
                "{IBNR_LABEL}. Not shown for one region: the estimate is per scheme over every region."
            );
            return Ok(statement);
        }
        // Valued the day after the period (the chain ladder then reads the
        // quarters complete by its end).
        let on = Month::parse(&months_back(&period.last(), -1))?.first_day();
        for e in self.ibnr_on(on)? {
            let scheme_id = SchemeId::parse(&e.scheme)?;
            if scheme.is_some_and(|s| s != &scheme_id) {
                continue;
            }
            let Some((window_first, window_last)) = gongshang_sim::ibnr::window_months(&e) else {
                continue;
            };
            let mut paid = Money::ZERO;
            for f in flows.iter().filter(|f| {
                f.kind == FlowKind::BenefitPaid
                    && f.scheme_id == scheme_id
                    && f.month.as_str() >= window_first.as_str()
                    && f.month.as_str() <= window_last.as_str()
            }) {
                paid = plus(paid, f.amount)?;
            }
            let estimate = gongshang_sim::ibnr::value_fen(e.ibnr_milli, paid.fen(), e.reported)
                .map(Money::from_fen);
            if let Some(v) = estimate {
                statement.ibnr_total = plus(statement.ibnr_total, v)?;
            }
            statement.ibnr.push(IbnrLine {
                scheme_id,
                valued_at: e.valued_at.to_string(),
                window_first,
                window_last,
                reported: e.reported,
                ibnr_milli: e.ibnr_milli,
                claims: gongshang_sim::ibnr::claims_text(e.ibnr_milli),
                paid_in_window: paid,
                average_cost: gongshang_sim::ibnr::average_cost_fen(paid.fen(), e.reported)
                    .map(Money::from_fen),
                estimate,
            });
        }
        statement.ibnr_note = format!("{IBNR_LABEL}. {IBNR_METHOD}.");
        Ok(statement)
    }

    /// The twelve monthly statements of a year (totals over the regions and
    /// schemes asked for), from one read of the ledger: the page's chart.
    pub fn fund_months(
        &self,
        actor: &Actor,
        year: i16,
        region: Option<&str>,
        scheme: Option<&SchemeId>,
    ) -> Result<Vec<StatementLine>, AppError> {
        actor.authorize(Action::ReadFund)?;
        let flows = self.store.fund_flows(&StatementPeriod::Year(year).last())?;
        (1..=12)
            .map(|mo| {
                let month = Month::new(year, mo)?;
                Ok(self
                    .statement_of(&flows, StatementPeriod::Month(month), region, scheme)?
                    .total)
            })
            .collect()
    }

    fn statement_of(
        &self,
        flows: &[FundFlow],
        period: StatementPeriod,
        region: Option<&str>,
        scheme: Option<&SchemeId>,
    ) -> Result<FundStatement, AppError> {
        let (first, last) = (period.first(), period.last());
        let mut by_key: BTreeMap<(String, SchemeId), Acc> = BTreeMap::new();
        for f in flows
            .iter()
            .filter(|f| f.month.as_str() <= last.as_str())
            .filter(|f| region.is_none_or(|r| self.pooling_region(&f.region, &f.scheme_id) == r))
            .filter(|f| scheme.is_none_or(|s| &f.scheme_id == s))
        {
            by_key
                .entry((
                    self.pooling_region(&f.region, &f.scheme_id),
                    f.scheme_id.clone(),
                ))
                .or_default()
                .add_flow(f, &first, &last)?;
        }
        let label = period.label();
        let mut total = Acc::default();
        let mut lines = Vec::with_capacity(by_key.len());
        for ((r, s), acc) in &by_key {
            total.merge(acc)?;
            lines.push(acc.line(
                r.clone(),
                self.region_name(r),
                Some(s.clone()),
                label.clone(),
            )?);
        }
        Ok(FundStatement {
            period: label.clone(),
            lines,
            total: total.line(String::new(), "合计".into(), None, label)?,
            ibnr: Vec::new(),
            ibnr_total: Money::ZERO,
            ibnr_note: String::new(),
        })
    }

    /// The pooling region of a flow: its record's, or for a record without
    /// one (a person's day bill) the one region of the scheme's
    /// jurisdiction when it has exactly one (益鹭保: 厦门, 350200); else none.
    fn pooling_region(&self, region: &str, scheme_id: &SchemeId) -> String {
        if !region.is_empty() {
            return region.to_owned();
        }
        let Ok(scheme) = self.policy.scheme(scheme_id) else {
            return String::new();
        };
        let mut of_jurisdiction = self
            .policy
            .regions()
            .filter(|r| r.jurisdiction == scheme.jurisdiction);
        match (of_jurisdiction.next(), of_jurisdiction.next()) {
            (Some(only), None) => only.code.clone(),
            _ => String::new(),
        }
    }

    fn region_name(&self, code: &str) -> String {
        self.policy
            .region(code)
            .map(|r| r.name_zh.clone())
            .unwrap_or_default()
    }

    fn reserve_rule(
        &self,
        region: &str,
        scheme_id: &SchemeId,
        month: Month,
    ) -> Result<ReserveRule, String> {
        let jurisdiction = match self.policy.region(region) {
            Some(r) => r.jurisdiction.clone(),
            None => match self.policy.scheme(scheme_id) {
                Ok(s) => s.jurisdiction.clone(),
                Err(e) => return Err(e.to_string()),
            },
        };
        let day = month.first_day();
        let rate = self
            .policy
            .at(&jurisdiction, "fund.reserve.transfer_rate", day)
            .map_err(|_| format!("no reserve rule (fund.reserve.transfer_rate) in the policies of {jurisdiction} on {day}"))?;
        let cap_years = self
            .policy
            .at(&jurisdiction, "fund.reserve.cap_years_of_expenditure", day)
            .map_err(|e| e.to_string())?;
        Ok(ReserveRule { rate, cap_years })
    }

    /// The month's transfer into the reserve for every region and scheme
    /// that collected premiums in it: the rate of the premiums collected,
    /// no more than brings the reserve to the previous year's expenditure
    /// (Jiangsu measures Art 11; `policies/jiangsu/fund.toml`). Each region,
    /// scheme and month is posted once: running the month again changes
    /// nothing and answers what was recorded.
    pub fn run_reserve(&self, actor: &Actor, month: Month) -> Result<ReserveRunReport, AppError> {
        actor.authorize(Action::RunReserve)?;
        let m = month.to_string();
        let prev_year = format!("{:04}", month.year() - 1);
        let window_start = months_back(&m, 11);
        #[derive(Default)]
        struct Facts {
            collected: Money,
            reserve_before: Money,
            prev_year_expenditure: Money,
            expenditure_12: Money,
        }
        let mut facts: BTreeMap<(String, SchemeId), Facts> = BTreeMap::new();
        for f in self.store.fund_flows(&m)? {
            let e = facts
                .entry((
                    self.pooling_region(&f.region, &f.scheme_id),
                    f.scheme_id.clone(),
                ))
                .or_default();
            match f.kind {
                FlowKind::Collected if f.month == m => e.collected = plus(e.collected, f.amount)?,
                FlowKind::ReserveTransfer if f.month < m => {
                    e.reserve_before = plus(e.reserve_before, f.amount)?;
                }
                FlowKind::BenefitPaid | FlowKind::AppraisalFee => {
                    if f.month.starts_with(&prev_year) {
                        e.prev_year_expenditure = plus(e.prev_year_expenditure, f.amount)?;
                    }
                    if f.month >= window_start {
                        e.expenditure_12 = plus(e.expenditure_12, f.amount)?;
                    }
                }
                _ => {}
            }
        }
        let mut report = ReserveRunReport {
            month: m.clone(),
            lines: Vec::new(),
            skipped: Vec::new(),
        };
        for ((region, scheme_id), f) in facts {
            if f.collected.fen() <= 0 {
                continue;
            }
            let rule = match self.reserve_rule(&region, &scheme_id, month) {
                Ok(r) => r,
                Err(reason) => {
                    report.skipped.push(ReserveSkipped {
                        region,
                        scheme_id,
                        reason,
                    });
                    continue;
                }
            };
            let cap = f.prev_year_expenditure.times(rule.cap_years.whole());
            let room = minus(cap, f.reserve_before)?.max(Money::ZERO);
            let share = f.collected.mul_rate(rule.rate.rate());
            let amount = share.min(room);
            let key_text = format!(
                "reserve-{}-{}-{}",
                if region.is_empty() { "none" } else { &region },
                scheme_id,
                m
            );
            let tx = if amount.fen() > 0 {
                Some(ledger::reserve_transferred(
                    IdempotencyKey::parse(&key_text)?,
                    ReferenceId::parse(&key_text)?,
                    amount,
                )?)
            } else {
                None
            };
            let basis = json!({
                "rule": "min(rate × collected, max(0, cap_years × previous year's expenditure − reserve before))",
                "rate": rule.rate.rate().to_string(),
                "cap_years": rule.cap_years.whole(),
                "previous_year_expenditure_fen": f.prev_year_expenditure.fen(),
                "citation": format!("{} {}", rule.rate.citation.instrument, rule.rate.citation.article),
                "status": format!("{:?}", rule.rate.citation.status),
            });
            let row = self.store.record_reserve_run(
                &NewReserveRun {
                    region: region.clone(),
                    scheme_id: scheme_id.clone(),
                    month: m.clone(),
                    collected: f.collected,
                    reserve_before: f.reserve_before,
                    cap,
                    amount,
                    basis,
                },
                tx.as_ref(),
                &actor.audit_name(),
                self.now(),
            )?;
            let reserve_after = plus(row.reserve_before, row.amount)?;
            report.lines.push(ReserveRunLine {
                region: row.region,
                scheme_id: row.scheme_id,
                month: row.month,
                collected: row.collected,
                reserve_before: row.reserve_before,
                cap: row.cap,
                amount: row.amount,
                reserve_after,
                months_of_reserve: months_of(reserve_after, f.expenditure_12),
                ledger_key: row.ledger_key,
                recorded_now: row.recorded_now,
            });
        }
        Ok(report)
    }
}

/// The statement as a table (CSV, xlsx): one row per region and scheme, and
/// the total; benefits by item in one column (`item=amount; ...`).
pub fn statement_table(s: &FundStatement) -> crate::export::Table {
    use crate::export::Cell;
    let headers = [
        "统筹地区",
        "地区名称",
        "保障方案",
        "期间",
        "期初余额",
        "应征保费-单位",
        "应征保费-个人",
        "应征保费-平台",
        "应征保费-财政",
        "应征保费合计",
        "实征保费-单位",
        "实征保费-个人",
        "实征保费-平台",
        "实征保费-财政",
        "收入合计",
        "待遇支出合计",
        "待遇支出明细",
        "劳动能力鉴定费",
        "支出合计",
        "当期结余",
        "期末余额",
        "提取储备金",
        "储备金余额",
        "储备金可支付月数",
        "滞纳金收入",
        "先行支付追偿收入",
        "IBNR估计件数（估计值）",
        "IBNR估计金额（估计值，非记账）",
    ];
    let row = |l: &StatementLine| {
        vec![
            Cell::Text(l.region.clone()),
            Cell::Text(l.region_name.clone()),
            Cell::Text(
                l.scheme_id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            ),
            Cell::Text(l.period.clone()),
            Cell::Money(l.opening_balance),
            Cell::Money(l.billed.unit),
            Cell::Money(l.billed.worker),
            Cell::Money(l.billed.platform),
            Cell::Money(l.billed.city),
            Cell::Money(l.billed.total),
            Cell::Money(l.collected.unit),
            Cell::Money(l.collected.worker),
            Cell::Money(l.collected.platform),
            Cell::Money(l.collected.city),
            Cell::Money(l.collected.total),
            Cell::Money(l.benefits_total),
            Cell::Text(
                l.benefits
                    .iter()
                    .map(|b| format!("{}={}", b.item, b.amount))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Cell::Money(l.appraisal_fees),
            Cell::Money(l.expenditure_total),
            Cell::Money(l.surplus),
            Cell::Money(l.closing_balance),
            Cell::Money(l.reserve_transfer),
            Cell::Money(l.reserve_balance),
            Cell::Text(l.months_of_reserve.clone().unwrap_or_default()),
            Cell::Money(l.late_fees),
            Cell::Money(l.advances_recovered),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
        ]
    };
    // The IBNR lines after the total, each labelled an estimate in the
    // region name's column, in columns of their own: not in any total.
    let estimate_row = |scheme: String, claims: String, amount: Cell| {
        let mut cells = vec![
            Cell::Text(String::new()),
            Cell::Text("IBNR估计（估计值，非账务记录）".into()),
            Cell::Text(scheme),
            Cell::Text(s.period.clone()),
        ];
        cells.resize(headers.len() - 2, Cell::Text(String::new()));
        cells.push(Cell::Text(claims));
        cells.push(amount);
        cells
    };
    let mut ibnr_rows: Vec<Vec<Cell>> = s
        .ibnr
        .iter()
        .map(|l| {
            estimate_row(
                l.scheme_id.to_string(),
                l.claims.clone(),
                l.estimate.map_or(Cell::Text(String::new()), Cell::Money),
            )
        })
        .collect();
    if !s.ibnr.is_empty() {
        ibnr_rows.push(estimate_row(
            "合计".into(),
            String::new(),
            Cell::Money(s.ibnr_total),
        ));
    }
    crate::export::Table {
        name: format!("收支表 {}", s.period),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: s
            .lines
            .iter()
            .chain(std::iter::once(&s.total))
            .map(row)
            .chain(ibnr_rows)
            .collect(),
    }
}
