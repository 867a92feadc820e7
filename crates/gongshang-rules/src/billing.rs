//! What cover costs under a scheme, and who pays it: a monthly premium on a
//! (bounded or fixed) wage base, cover bought by the day with a fiscal
//! subsidy, or a premium on every order. And when paid cover starts.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::contribution::{ContributionRules, IndustryClass};
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{ParamUse, PolicySet};
use crate::rate::Rate;
use crate::scheme::{
    Billing, CoverStart, OrderIndustry, PremiumPayer, RateSource, Scheme, WageBase,
};
use crate::trace::{Article, Item, Step, Trace, q};

/// A premium and how it is shared between payers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Premium {
    pub scheme_id: crate::SchemeId,
    pub item: Item,
    /// The wage base, for monthly premiums.
    pub base: Option<Money>,
    pub rate: Option<Rate>,
    pub gross: Money,
    /// Each payer's share; the shares add up to `gross` exactly.
    pub shares: Vec<(PremiumPayer, Money)>,
    pub trace: Trace,
}

const BILLING: Article = Article {
    zh: "保障方案缴费规则（见方案文件）",
    en: "the scheme's billing rule (see its policy file)",
};

fn wrong_kind(scheme: &Scheme, wanted: &str) -> RulesError {
    RulesError::InputConflict {
        input: "scheme",
        reason: format!("scheme {} is not billed {wanted}", scheme.id),
    }
}

fn p(policy: &PolicySet, scheme: &Scheme, key: &str, on: Date) -> Result<ParamUse, RulesError> {
    policy.at(&scheme.jurisdiction, key, on)
}

/// The unit's industry class and floating tier, for schemes billed on the
/// industry rate.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct UnitRating {
    pub class: IndustryClass,
    pub tier: Rate,
}

/// The monthly premium for one person: the declared wage as the base (or
/// clamped to the scheme's band, or the scheme's fixed base) times the rate
/// (the unit's industry class and tier, or the scheme's rate), rounded half
/// away from zero to the fen once. Parameters are those in force on the first
/// day of the contribution month.
pub fn monthly_premium(
    policy: &PolicySet,
    scheme: &Scheme,
    declared_wage: Money,
    rating: Option<UnitRating>,
    month_start: Date,
) -> Result<Premium, RulesError> {
    let Billing::MonthlyWage { base, rate } = &scheme.billing else {
        return Err(wrong_kind(scheme, "monthly on wages"));
    };
    if declared_wage.is_negative() {
        return Err(RulesError::out_of_range(
            "declared_wage",
            declared_wage,
            "0.00 yuan or more",
        ));
    }
    let mut params = Vec::new();
    let (base_amount, base_zh, base_en) = match base {
        WageBase::Declared => (
            declared_wage,
            "按申报工资".to_owned(),
            "the declared wage".to_owned(),
        ),
        WageBase::Band { lower, upper } => {
            let lo = p(policy, scheme, lower, month_start)?;
            let hi = p(policy, scheme, upper, month_start)?;
            let clamped = declared_wage.clamp(lo.money(), hi.money());
            let text = (
                format!(
                    "申报工资{declared_wage}元，按缴费基数上下限{}-{}元确定为{clamped}元",
                    lo.money(),
                    hi.money()
                ),
                format!(
                    "declared {declared_wage}, held within the band {}-{}: {clamped}",
                    lo.money(),
                    hi.money()
                ),
            );
            params.push(lo);
            params.push(hi);
            (clamped, text.0, text.1)
        }
        WageBase::Fixed { base } => {
            let b = p(policy, scheme, base, month_start)?;
            let amount = b.money();
            params.push(b);
            (
                amount,
                format!("统一缴费基数{amount}元"),
                format!("the scheme's fixed base {amount}"),
            )
        }
    };
    let rate_value = match rate {
        RateSource::IndustryClass => {
            let rating = rating.ok_or_else(|| {
                RulesError::missing(
                    "industry_class",
                    format!("the premium rate of scheme {}", scheme.id),
                )
            })?;
            let rules = ContributionRules::resolve(policy, month_start)?;
            let r = rules.rate(rating.class, rating.tier)?;
            let i = usize::from(rating.class.get() - 1);
            params.push(rules.benchmark_rate[i].clone());
            params.push(rules.floating_tiers[i].clone());
            r
        }
        RateSource::Param { key } => {
            let r = p(policy, scheme, key, month_start)?;
            let value = r.rate();
            params.push(r);
            value
        }
    };
    let gross = base_amount.mul_rate(rate_value);
    let payer = scheme
        .premium_payers
        .first()
        .copied()
        .unwrap_or(PremiumPayer::Unit);
    let step = Step {
        item: Item::MonthlyContribution,
        rule: "billing.monthly_wage",
        article: BILLING,
        inputs: vec![
            q("declared_wage", declared_wage),
            q("month_start", month_start),
        ],
        params,
        formula: format!(
            "{base_amount} × {} = {gross}",
            rate_value.to_percent_string()
        ),
        explain_zh: format!("{base_zh}，费率{}", rate_value.to_percent_string()),
        explain_en: format!("{base_en}, at {}", rate_value.to_percent_string()),
        amount: gross,
    };
    Ok(Premium {
        scheme_id: scheme.id.clone(),
        item: Item::MonthlyContribution,
        base: Some(base_amount),
        rate: Some(rate_value),
        gross,
        shares: vec![(payer, gross)],
        trace: Trace { steps: vec![step] },
    })
}

/// Cover bought for `days` days from `first_day`: the price per day times the
/// days; the fiscal share is the gross times the subsidy share, rounded half
/// away from zero to the fen; the buyer pays the rest.
pub fn daily_premium(
    policy: &PolicySet,
    scheme: &Scheme,
    days: u32,
    first_day: Date,
) -> Result<Premium, RulesError> {
    let Billing::PerDay {
        price_per_day,
        subsidy_share,
    } = &scheme.billing
    else {
        return Err(wrong_kind(scheme, "by the day"));
    };
    if days == 0 || days > 366 {
        return Err(RulesError::out_of_range("days", days, "1 to 366"));
    }
    let price = p(policy, scheme, price_per_day, first_day)?;
    let share = p(policy, scheme, subsidy_share, first_day)?;
    let gross = price.money().times(i64::from(days));
    let fiscal = gross.mul_rate(share.rate());
    let buyer = gross.checked_sub(fiscal).expect("share of gross");
    let buyer_payer = if scheme.premium_payers.contains(&PremiumPayer::Worker) {
        PremiumPayer::Worker
    } else {
        PremiumPayer::Unit
    };
    let step = Step {
        item: Item::DailyPremium,
        rule: "billing.per_day",
        article: BILLING,
        inputs: vec![q("days", days), q("first_day", first_day)],
        formula: format!(
            "{} × {days} = {gross}; {gross} × {} = {fiscal}; {gross} - {fiscal} = {buyer}",
            price.money(),
            share.rate().to_percent_string()
        ),
        explain_zh: format!(
            "按日参保{days}天，财政补贴{}，个人（或平台）缴纳{buyer}元",
            share.rate().to_percent_string()
        ),
        explain_en: format!(
            "{days} days of cover; the city pays {}, the buyer {buyer}",
            share.rate().to_percent_string()
        ),
        params: vec![price, share],
        amount: gross,
    };
    Ok(Premium {
        scheme_id: scheme.id.clone(),
        item: Item::DailyPremium,
        base: None,
        rate: None,
        gross,
        shares: vec![(buyer_payer, buyer), (PremiumPayer::Fiscal, fiscal)],
        trace: Trace { steps: vec![step] },
    })
}

/// The premium on `orders` orders of an industry on `date`: the price per
/// order (by platform class where the industry has several) times the count.
pub fn order_premium(
    policy: &PolicySet,
    scheme: &Scheme,
    industry: OrderIndustry,
    platform_class: Option<&str>,
    orders: u64,
    date: Date,
) -> Result<Premium, RulesError> {
    let Billing::PerOrder { prices } = &scheme.billing else {
        return Err(wrong_kind(scheme, "by the order"));
    };
    let candidates: Vec<_> = prices.iter().filter(|p| p.industry == industry).collect();
    let price = match (candidates.as_slice(), platform_class) {
        ([], _) => {
            return Err(RulesError::out_of_range(
                "industry",
                format!("{industry:?}"),
                format!("an industry of scheme {}", scheme.id),
            ));
        }
        ([only], None) => *only,
        (many, class) => {
            let classes: Vec<&str> = many
                .iter()
                .filter_map(|p| p.platform_class.as_deref())
                .collect();
            let class = class.ok_or_else(|| {
                RulesError::missing(
                    "platform_class",
                    format!(
                        "the price of a {} order (one of {})",
                        industry.label_zh(),
                        classes.join(", ")
                    ),
                )
            })?;
            *many
                .iter()
                .find(|p| p.platform_class.as_deref() == Some(class))
                .ok_or_else(|| {
                    RulesError::out_of_range(
                        "platform_class",
                        class,
                        format!("one of {}", classes.join(", ")),
                    )
                })?
        }
    };
    let unit_price = p(policy, scheme, &price.price, date)?;
    let count = i64::try_from(orders)
        .map_err(|_| RulesError::out_of_range("orders", orders, "fewer than 2^63"))?;
    let gross = unit_price.money().times(count);
    let step = Step {
        item: Item::OrderPremium,
        rule: "billing.per_order",
        article: BILLING,
        inputs: vec![
            q("industry", industry.label_zh()),
            q("orders", orders),
            q("date", date),
        ],
        formula: format!("{} × {orders} = {gross}", unit_price.money()),
        explain_zh: format!(
            "{}行业每单{}元，由平台缴纳，从业人员不缴费",
            industry.label_zh(),
            unit_price.money()
        ),
        explain_en: format!(
            "{} yuan an order, paid by the platform; the worker pays nothing",
            unit_price.money()
        ),
        params: vec![unit_price],
        amount: gross,
    };
    Ok(Premium {
        scheme_id: scheme.id.clone(),
        item: Item::OrderPremium,
        base: None,
        rate: None,
        gross,
        shares: vec![(PremiumPayer::Platform, gross)],
        trace: Trace { steps: vec![step] },
    })
}

/// The first day of cover bought by a payment on `paid_on`, by the scheme's
/// rule: the day after the payment (never backdated), or the enrolment day for
/// the ordinary insurance (the day after it in Guangdong, 广东省工伤保险条例
/// 第六十五条). For cover bought by the day or earned by orders the covered
/// days are the days bought or worked, so this is the day itself.
pub fn cover_starts(scheme: &Scheme, enrolled_on: Date, paid_on: Date) -> Result<Date, RulesError> {
    match scheme.cover_starts {
        CoverStart::Enrollment => Ok(enrolled_on),
        CoverStart::DayAfterEnrollment => enrolled_on.checked_add(1.day()).map_err(|_| {
            RulesError::out_of_range("enrolled_on", enrolled_on, "a date before 9999-12-31")
        }),
        CoverStart::DayAfterPayment => {
            // From the day after enrolment, or after the payment when it came later
            // (粤人社规〔2020〕55号 Art 7): never the enrolment day, never backdated.
            let from = paid_on.max(enrolled_on);
            from.checked_add(1.day()).map_err(|_| {
                RulesError::out_of_range("paid_on", paid_on, "a date before 9999-12-31")
            })
        }
        CoverStart::DayAfterEnrollmentIfPaidThatMonth => {
            // Paid in the enrolment's own month (or before it): from the day
            // after the enrolment; paid later, from the day after the payment.
            let same_month =
                (paid_on.year(), paid_on.month()) <= (enrolled_on.year(), enrolled_on.month());
            let from = if same_month {
                enrolled_on
            } else {
                paid_on.max(enrolled_on)
            };
            from.checked_add(1.day()).map_err(|_| {
                RulesError::out_of_range("paid_on", paid_on, "a date before 9999-12-31")
            })
        }
        CoverStart::DaysBought | CoverStart::OrderDays => Ok(paid_on),
    }
}

/// The platform pilot's yearly floating of a platform's per-order rate (人社部发
/// 〔2025〕24号 with the provinces' notices): from the pilot's second year
/// the province floats each platform's benchmark every year by its prior-year
/// payout ratio (支缴率 = payouts ÷ contributions), never a platform with fewer
/// than 12 months of contributions. The float table is a dated regional
/// parameter of the province: `platform.float.payout_ratio_bounds` (increasing
/// upper bounds of the ratio) and `platform.float.factors` (one more factor
/// than bounds). The premium is `orders × benchmark × factor`, rounded once
/// half away from zero to the fen (rounding a 0.07 price by itself would
/// distort it).
pub fn floated_order_premium(
    policy: &PolicySet,
    province: &str,
    benchmark_per_order: Money,
    orders: u64,
    prior_year_payout_ratio: Rate,
    months_contributed: u32,
    date: Date,
) -> Result<FloatedPremium, RulesError> {
    let count = i64::try_from(orders)
        .map_err(|_| RulesError::out_of_range("orders", orders, "fewer than 2^63"))?;
    let gross_benchmark = benchmark_per_order.times(count);
    let mut step = Step {
        item: Item::OrderPremium,
        rule: "platform.float",
        article: FLOAT,
        inputs: vec![
            q("benchmark_per_order", benchmark_per_order),
            q("orders", orders),
            q(
                "prior_year_payout_ratio",
                prior_year_payout_ratio.to_percent_string(),
            ),
            q("months_contributed", months_contributed),
            q("date", date),
        ],
        params: Vec::new(),
        formula: String::new(),
        explain_zh: String::new(),
        explain_en: String::new(),
        amount: Money::ZERO,
    };
    if months_contributed < 12 {
        step.formula = format!("{benchmark_per_order} × {orders} = {gross_benchmark}");
        step.explain_zh = format!("缴费不满12个月（{months_contributed}个月），不浮动，按基准费率");
        step.explain_en = format!(
            "fewer than 12 months of contributions ({months_contributed}): not floated, the benchmark applies"
        );
        step.amount = gross_benchmark;
        return Ok(FloatedPremium {
            amount: gross_benchmark,
            factor: Rate::ONE,
            tier: None,
            step,
        });
    }
    let bounds = policy.regional(province, "platform.float.payout_ratio_bounds", date)?;
    let factors = policy.regional(province, "platform.float.factors", date)?;
    if factors.rates().len() != bounds.rates().len() + 1 {
        return Err(RulesError::PolicyInvalid {
            file: format!("region {province}"),
            location: "platform.float.factors".into(),
            reason: format!(
                "{} factors for {} bounds: one more factor than bounds is needed",
                factors.rates().len(),
                bounds.rates().len()
            ),
        });
    }
    let tier = bounds
        .rates()
        .iter()
        .position(|b| prior_year_payout_ratio < *b)
        .unwrap_or(bounds.rates().len());
    let factor = factors.rates()[tier];
    let amount = gross_benchmark.mul_rate(factor);
    step.formula = format!(
        "{benchmark_per_order} × {orders} × {} = {amount}",
        factor.to_percent_string()
    );
    step.explain_zh = format!(
        "上年度支缴率{}，落在第{}档，按基准费率的{}浮动",
        prior_year_payout_ratio.to_percent_string(),
        tier + 1,
        factor.to_percent_string()
    );
    step.explain_en = format!(
        "prior-year payout ratio {}: tier {}, {} of the benchmark",
        prior_year_payout_ratio.to_percent_string(),
        tier + 1,
        factor.to_percent_string()
    );
    step.params = vec![bounds, factors];
    step.amount = amount;
    Ok(FloatedPremium {
        amount,
        factor,
        tier: Some(tier + 1),
        step,
    })
}

/// A platform's premium after the yearly float, with its explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FloatedPremium {
    pub amount: Money,
    /// The share of the benchmark applied (100% when not floated).
    pub factor: Rate,
    /// The band of the float table the ratio fell in, from 1 (none when not
    /// floated).
    pub tier: Option<usize>,
    pub step: Step,
}

const FLOAT: Article = Article {
    zh: "人社部发〔2025〕24号；各省职业伤害保障费率浮动办法",
    en: "MOHRSS 2025 No. 24; the provinces' rate-floating rules",
};

const FLOAT_ART9: Article = Article {
    zh: "新就业形态人员职业伤害保障办法（人社部发〔2025〕24号）第九条；职业伤害保障业务经办和征收管理规程（人社厅函〔2025〕79号）；省级费率浮动表",
    en: "Occupational injury protection measures (MOHRSS 2025 No. 24) Art 9; handling rules (MOHRSS Office 2025 No. 79); the province's float table",
};

/// The payout ratio (支缴率) of a platform: benefits paid ÷ premiums
/// collected, exact; none when nothing was collected (the ratio is not
/// defined). Negative sums (more reversed than paid) count as zero.
pub fn payout_ratio(benefits: Money, collected: Money) -> Option<Rate> {
    (collected.fen() > 0).then(|| Rate::new(benefits.fen().max(0), collected.fen()))
}

/// The yearly float of a platform's month of order premiums in one province
/// (人社部发〔2025〕24号 Art 9; 人社厅函〔2025〕79号; the province's notice):
/// `base_premium` is what the month's orders cost at the benchmark; it is
/// multiplied by the factor of the band the prior calendar year's payout
/// ratio falls in, rounded once half away from zero to the fen. The base
/// applies, and the trace says why, when the province (`region`, its
/// six-digit code) has no float table in force on `date`, when the platform
/// has contributed for fewer than 12 months, or when it paid nothing in the
/// prior year (no ratio). The table is `platform.float.payout_ratio_bounds`
/// (increasing upper bounds, a ratio equal to a bound falls in the band
/// above) and `platform.float.factors` (one more factor than bounds). An
/// empty `region` stands for every province (none has a table in force).
pub fn float_month_premium(
    policy: &PolicySet,
    region: &str,
    base_premium: Money,
    prior_year_payout_ratio: Option<Rate>,
    months_contributed: u32,
    date: Date,
) -> Result<FloatedPremium, RulesError> {
    let ratio_text =
        prior_year_payout_ratio.map_or_else(|| "—".to_owned(), Rate::to_percent_string);
    let mut step = Step {
        item: Item::OrderPremium,
        rule: "platform.float",
        article: FLOAT_ART9,
        inputs: vec![
            q("region", region),
            q("base_premium", base_premium),
            q("prior_year_payout_ratio", ratio_text.clone()),
            q("months_contributed", months_contributed),
            q("date", date),
        ],
        params: Vec::new(),
        formula: format!("{base_premium} × 100% = {base_premium}"),
        explain_zh: String::new(),
        explain_en: String::new(),
        amount: base_premium,
    };
    let not_floated = |mut step: Step, zh: String, en: String| {
        step.explain_zh = zh;
        step.explain_en = en;
        FloatedPremium {
            amount: base_premium,
            factor: Rate::ONE,
            tier: None,
            step,
        }
    };
    let bounds = match policy.regional(region, "platform.float.payout_ratio_bounds", date) {
        Ok(b) => b,
        Err(RulesError::ParameterMissing { .. }) => {
            let (zh, en) = if region.is_empty() {
                (
                    format!("各省在{date}均无在用的费率浮动表，按基准费率"),
                    format!(
                        "no province has a float table in force on {date}: the benchmark applies"
                    ),
                )
            } else {
                (
                    format!("{region}在{date}无在用的费率浮动表，按基准费率"),
                    format!(
                        "no float table of {region} is in force on {date}: the benchmark applies"
                    ),
                )
            };
            return Ok(not_floated(step, zh, en));
        }
        Err(e) => return Err(e),
    };
    let factors = policy.regional(region, "platform.float.factors", date)?;
    if factors.rates().len() != bounds.rates().len() + 1 {
        return Err(RulesError::PolicyInvalid {
            file: format!("region {region}"),
            location: "platform.float.factors".into(),
            reason: format!(
                "{} factors for {} bounds: one more factor than bounds is needed",
                factors.rates().len(),
                bounds.rates().len()
            ),
        });
    }
    if months_contributed < 12 {
        step.params = vec![bounds];
        return Ok(not_floated(
            step,
            format!("缴费不满12个月（{months_contributed}个月），不浮动，按基准费率"),
            format!(
                "fewer than 12 months of contributions ({months_contributed}): not floated, the benchmark applies"
            ),
        ));
    }
    let Some(ratio) = prior_year_payout_ratio else {
        step.params = vec![bounds];
        return Ok(not_floated(
            step,
            "上年度未缴费，支缴率无从计算，不浮动，按基准费率".to_owned(),
            "nothing was collected in the prior year, so there is no payout ratio: not floated, the benchmark applies".to_owned(),
        ));
    };
    let tier = bounds
        .rates()
        .iter()
        .position(|b| ratio < *b)
        .unwrap_or(bounds.rates().len());
    let factor = factors.rates()[tier];
    let band = {
        let r = bounds.rates();
        let lo = tier.checked_sub(1).map(|i| r[i].to_percent_string());
        let hi = r.get(tier).map(|b| b.to_percent_string());
        match (lo, hi) {
            (None, Some(h)) => format!("< {h}"),
            (Some(l), Some(h)) => format!("{l} – {h}"),
            (Some(l), None) => format!("≥ {l}"),
            (None, None) => "all".to_owned(),
        }
    };
    let amount = base_premium.mul_rate(factor);
    step.formula = format!("{base_premium} × {} = {amount}", factor.to_percent_string());
    step.explain_zh = format!(
        "上年度支缴率{ratio_text}，落在第{}档（{band}），按基准费率的{}浮动",
        tier + 1,
        factor.to_percent_string()
    );
    step.explain_en = format!(
        "prior-year payout ratio {ratio_text}: band {} ({band}), {} of the benchmark",
        tier + 1,
        factor.to_percent_string()
    );
    step.params = vec![bounds, factors];
    step.amount = amount;
    Ok(FloatedPremium {
        amount,
        factor,
        tier: Some(tier + 1),
        step,
    })
}
