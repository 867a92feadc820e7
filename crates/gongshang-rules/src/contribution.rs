//! The monthly contribution of a unit for a worker (工伤保险费).

use jiff::civil::Date;
use serde::Serialize;

use crate::articles;
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{ParamUse, PolicySet};
use crate::rate::Rate;
use crate::trace::{Item, Step, Tracer, q};

/// One of the eight industry risk classes (行业风险类别) of 人社部发〔2015〕71号.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IndustryClass(u8);

impl IndustryClass {
    pub fn new(class: u8) -> Result<IndustryClass, RulesError> {
        if (1..=8).contains(&class) {
            Ok(IndustryClass(class))
        } else {
            Err(RulesError::out_of_range(
                "industry_class",
                class,
                "1 to 8 (人社部发〔2015〕71号)",
            ))
        }
    }
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// The benchmark rates and floating tiers of the eight classes, resolved at a date.
#[derive(Clone, Debug)]
pub struct ContributionRules {
    pub as_of: Date,
    pub benchmark_rate: [ParamUse; 8],
    pub floating_tiers: [ParamUse; 8],
}

impl ContributionRules {
    /// Resolves the national class table in force on `as_of` (the first day of
    /// the contribution month).
    pub fn resolve(policy: &PolicySet, as_of: Date) -> Result<ContributionRules, RulesError> {
        let mut benchmark = Vec::with_capacity(8);
        let mut tiers = Vec::with_capacity(8);
        for class in 1..=8 {
            benchmark.push(policy.at(
                "national",
                &format!("contribution.benchmark_rate.class_{class}"),
                as_of,
            )?);
            tiers.push(policy.at(
                "national",
                &format!("contribution.floating_tiers.class_{class}"),
                as_of,
            )?);
        }
        Ok(ContributionRules {
            as_of,
            benchmark_rate: benchmark.try_into().expect("eight classes"),
            floating_tiers: tiers.try_into().expect("eight classes"),
        })
    }

    /// The floating tiers allowed for a class.
    pub fn tiers(&self, class: IndustryClass) -> &[Rate] {
        self.floating_tiers[usize::from(class.get() - 1)].rates()
    }

    /// The effective rate of a class at a tier, checking the tier is one of
    /// the class's tiers.
    pub fn rate(&self, class: IndustryClass, tier: Rate) -> Result<Rate, RulesError> {
        let allowed = self.tiers(class);
        if !allowed.contains(&tier) {
            let list: Vec<String> = allowed.iter().map(|r| r.to_percent_string()).collect();
            return Err(RulesError::out_of_range(
                "floating_tier",
                tier.to_percent_string(),
                format!("one of {} for class {}", list.join(", "), class.get()),
            ));
        }
        Ok(self.benchmark_rate[usize::from(class.get() - 1)]
            .rate()
            .times(tier))
    }
}

/// 工伤保险费 — the monthly contribution (Social Insurance Law Arts 34-35,
/// Regulations Arts 8 and 10, 人社部发〔2015〕71号): the wage base times the
/// benchmark rate of the unit's industry class times its floating tier. The two
/// rates multiply exactly; the product with the base is rounded half away from
/// zero to the fen, once.
pub fn monthly_contribution(
    wage_base: Money,
    class: IndustryClass,
    tier: Rate,
    rules: &ContributionRules,
    t: &mut impl Tracer,
) -> Result<Money, RulesError> {
    if wage_base.is_negative() {
        return Err(RulesError::out_of_range(
            "wage_base",
            wage_base,
            "0.00 yuan or more",
        ));
    }
    let rate = rules.rate(class, tier)?;
    let amount = wage_base.mul_rate(rate);
    t.record(|| {
        let i = usize::from(class.get() - 1);
        let benchmark = rules.benchmark_rate[i].rate();
        Step {
            item: Item::MonthlyContribution,
            rule: "contribution.monthly",
            article: articles::CONTRIBUTION,
            inputs: vec![
                q("wage_base", wage_base),
                q("industry_class", class.get()),
                q("floating_tier", tier.to_percent_string()),
            ],
            params: vec![
                rules.benchmark_rate[i].clone(),
                rules.floating_tiers[i].clone(),
            ],
            formula: format!(
                "{wage_base} × {} × {} = {wage_base} × {} = {amount}",
                benchmark.to_percent_string(),
                tier.to_percent_string(),
                rate.to_percent_string()
            ),
            explain_zh: format!(
                "第{}类行业基准费率{}，浮动档次{}，缴费基数{wage_base}元",
                class.get(),
                benchmark.to_percent_string(),
                tier.to_percent_string()
            ),
            explain_en: format!(
                "class {} benchmark {} at the {} tier on a base of {wage_base} yuan",
                class.get(),
                benchmark.to_percent_string(),
                tier.to_percent_string()
            ),
            amount,
        }
    });
    Ok(amount)
}
