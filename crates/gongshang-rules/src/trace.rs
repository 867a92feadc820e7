//! The explanation of a calculation: one [`Step`] per statutory step, with the
//! article, the inputs, the parameter values (with their validity and
//! citation), the arithmetic, and the amount.
//!
//! Calculations are generic over a [`Tracer`], so the batch path pays nothing
//! for traces ([`NoTrace`] is a no-op the compiler removes) while a single case
//! records everything ([`Trace`]).

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::params::ParamUse;

/// A legal provision: the instrument and the article, in both languages.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Article {
    pub zh: &'static str,
    pub en: &'static str,
}

/// The award items and other amounts the engine computes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    BenefitWage,
    SuspensionWages,
    HospitalFoodSubsidy,
    OneTimeDisabilitySubsidy,
    MonthlyDisabilityAllowance,
    MonthlyLivingCare,
    FuneralSubsidy,
    MonthlySurvivorPensions,
    OneTimeDeathBenefit,
    /// 一次性工伤医疗补助金 (provincial, on termination).
    OneTimeMedicalSubsidy,
    /// 一次性伤残就业补助金 (provincial, on termination).
    OneTimeEmploymentSubsidy,
    /// 一次性伤残津贴 (platform pilot, grades 5-6: months of the base, once).
    OneTimeDisabilityAllowance,
    /// 安家补助费 (Guangdong Regulations Art 29: the unit, grades 1-4, on a
    /// move of the household registration home).
    ResettlementAllowance,
    /// An accident insurer's payouts (益鹭保).
    InsuredDeathPayout,
    InsuredDisabilityPayout,
    InsuredMedicalPayout,
    InsuredHospitalAllowance,
    MonthlyContribution,
    /// Cover bought by the day (益鹭保).
    DailyPremium,
    /// The premium on orders (platform pilot).
    OrderPremium,
}

impl Item {
    /// Every item, in the order of an award sheet.
    pub const ALL: [Item; 20] = [
        Item::BenefitWage,
        Item::SuspensionWages,
        Item::HospitalFoodSubsidy,
        Item::OneTimeDisabilitySubsidy,
        Item::MonthlyDisabilityAllowance,
        Item::MonthlyLivingCare,
        Item::FuneralSubsidy,
        Item::MonthlySurvivorPensions,
        Item::OneTimeDeathBenefit,
        Item::OneTimeMedicalSubsidy,
        Item::OneTimeEmploymentSubsidy,
        Item::OneTimeDisabilityAllowance,
        Item::ResettlementAllowance,
        Item::InsuredDeathPayout,
        Item::InsuredDisabilityPayout,
        Item::InsuredMedicalPayout,
        Item::InsuredHospitalAllowance,
        Item::MonthlyContribution,
        Item::DailyPremium,
        Item::OrderPremium,
    ];
}

impl Item {
    pub const fn label_zh(self) -> &'static str {
        match self {
            Item::BenefitWage => "本人工资（计发基数）",
            Item::SuspensionWages => "停工留薪期工资",
            Item::HospitalFoodSubsidy => "住院伙食补助费",
            Item::OneTimeDisabilitySubsidy => "一次性伤残补助金",
            Item::MonthlyDisabilityAllowance => "伤残津贴（月）",
            Item::MonthlyLivingCare => "生活护理费（月）",
            Item::FuneralSubsidy => "丧葬补助金",
            Item::MonthlySurvivorPensions => "供养亲属抚恤金（月）",
            Item::OneTimeDeathBenefit => "一次性工亡补助金",
            Item::OneTimeMedicalSubsidy => "一次性工伤医疗补助金",
            Item::OneTimeEmploymentSubsidy => "一次性伤残就业补助金",
            Item::OneTimeDisabilityAllowance => "一次性伤残津贴",
            Item::ResettlementAllowance => "安家补助费",
            Item::InsuredDeathPayout => "身故保险金",
            Item::InsuredDisabilityPayout => "伤残保险金",
            Item::InsuredMedicalPayout => "意外医疗保险金",
            Item::InsuredHospitalAllowance => "住院津贴",
            Item::MonthlyContribution => "工伤保险费（月）",
            Item::DailyPremium => "按日保费",
            Item::OrderPremium => "按单保费",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Item::BenefitWage => "Benefit wage (own wage, clamped)",
            Item::SuspensionWages => "Paid-suspension wages",
            Item::HospitalFoodSubsidy => "Hospital food subsidy",
            Item::OneTimeDisabilitySubsidy => "One-time disability subsidy",
            Item::MonthlyDisabilityAllowance => "Disability allowance (monthly)",
            Item::MonthlyLivingCare => "Living care (monthly)",
            Item::FuneralSubsidy => "Funeral subsidy",
            Item::MonthlySurvivorPensions => "Survivors' pensions (monthly)",
            Item::OneTimeDeathBenefit => "One-time death benefit",
            Item::OneTimeMedicalSubsidy => "One-time work-injury medical subsidy",
            Item::OneTimeEmploymentSubsidy => "One-time disability employment subsidy",
            Item::OneTimeDisabilityAllowance => "One-time disability allowance (grades 5-6)",
            Item::ResettlementAllowance => "Resettlement allowance (household moved home)",
            Item::InsuredDeathPayout => "Death payout (insurer)",
            Item::InsuredDisabilityPayout => "Disability payout (insurer)",
            Item::InsuredMedicalPayout => "Accident medical payout (insurer)",
            Item::InsuredHospitalAllowance => "Hospital allowance (insurer)",
            Item::MonthlyContribution => "Contribution (monthly)",
            Item::DailyPremium => "Premium by the day",
            Item::OrderPremium => "Premium by the order",
        }
    }

    /// The stable snake_case name used in JSON and CSV.
    pub const fn name(self) -> &'static str {
        match self {
            Item::BenefitWage => "benefit_wage",
            Item::SuspensionWages => "suspension_wages",
            Item::HospitalFoodSubsidy => "hospital_food_subsidy",
            Item::OneTimeDisabilitySubsidy => "one_time_disability_subsidy",
            Item::MonthlyDisabilityAllowance => "monthly_disability_allowance",
            Item::MonthlyLivingCare => "monthly_living_care",
            Item::FuneralSubsidy => "funeral_subsidy",
            Item::MonthlySurvivorPensions => "monthly_survivor_pensions",
            Item::OneTimeDeathBenefit => "one_time_death_benefit",
            Item::OneTimeMedicalSubsidy => "one_time_medical_subsidy",
            Item::OneTimeEmploymentSubsidy => "one_time_employment_subsidy",
            Item::OneTimeDisabilityAllowance => "one_time_disability_allowance",
            Item::ResettlementAllowance => "resettlement_allowance",
            Item::InsuredDeathPayout => "insured_death_payout",
            Item::InsuredDisabilityPayout => "insured_disability_payout",
            Item::InsuredMedicalPayout => "insured_medical_payout",
            Item::InsuredHospitalAllowance => "insured_hospital_allowance",
            Item::MonthlyContribution => "monthly_contribution",
            Item::DailyPremium => "daily_premium",
            Item::OrderPremium => "order_premium",
        }
    }
}

/// A named input value as the step saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub name: &'static str,
    pub value: String,
}

/// One statutory step of a calculation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub item: Item,
    /// A stable rule id, e.g. `art64.clamp`.
    pub rule: &'static str,
    pub article: Article,
    pub inputs: Vec<Quantity>,
    pub params: Vec<ParamUse>,
    /// The arithmetic with the numbers filled in, e.g. `8500.00 × 70% = 5950.00`.
    pub formula: String,
    /// What the step decided, in Chinese and in English.
    pub explain_zh: String,
    pub explain_en: String,
    pub amount: Money,
}

/// Where calculations report their steps.
pub trait Tracer {
    /// Records a step. The closure runs only when the tracer keeps steps.
    fn record(&mut self, step: impl FnOnce() -> Step);
}

/// Keeps nothing; the batch path uses it.
#[derive(Copy, Clone, Debug, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn record(&mut self, _step: impl FnOnce() -> Step) {}
}

/// Keeps every step, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub steps: Vec<Step>,
}

impl Tracer for Trace {
    fn record(&mut self, step: impl FnOnce() -> Step) {
        self.steps.push(step());
    }
}

/// Shorthand for a [`Quantity`].
pub fn q(name: &'static str, value: impl ToString) -> Quantity {
    Quantity {
        name,
        value: value.to_string(),
    }
}
