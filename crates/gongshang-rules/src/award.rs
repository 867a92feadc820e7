//! The whole award of one case under the national Regulations: which items
//! apply, in what order, and who pays them.

use serde::Serialize;

use crate::articles;
use crate::benefits::{self, BenefitRules, Dependants, Grade, NursingLevel, Payer};
use crate::error::RulesError;
use crate::money::Money;
use crate::params::ParamUse;
use crate::trace::{Article, Item, Step, Tracer, q};

/// What happened to the worker, as the award needs it. Amounts are validated
/// by [`AwardInput::validate`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AwardInput {
    /// Average monthly (contribution) wage of the 12 months before the injury.
    pub own_wage: Money,
    /// None: no disability assessed.
    pub grade: Option<Grade>,
    /// Grades 5-6: the employer arranged a suitable job.
    pub job_arranged: bool,
    pub nursing: Option<NursingLevel>,
    /// Art 15(1)(3): an ex-serviceman's old war or duty wound recurred.
    pub veteran_recurrence: bool,
    pub suspension_months: u32,
    pub suspension_extension_confirmed: bool,
    pub hospital_days: u32,
    pub died: bool,
    /// Used only when `died`.
    pub dependants: Dependants,
    /// A basic pension the worker draws (grades 1-4: the fund pays only the
    /// part of the allowance above it, Art 35(3)). None: no pension.
    pub basic_pension_monthly: Option<Money>,
}

/// The largest own wage accepted: 10 million yuan a month.
pub const OWN_WAGE_MAX: Money = Money::from_yuan(10_000_000);
pub const HOSPITAL_DAYS_MAX: u32 = 3660;

impl AwardInput {
    pub fn validate(&self) -> Result<(), RulesError> {
        if self.own_wage.is_negative() || self.own_wage > OWN_WAGE_MAX {
            return Err(RulesError::out_of_range(
                "own_wage",
                self.own_wage,
                format!("0.00 to {OWN_WAGE_MAX} yuan a month"),
            ));
        }
        if self.hospital_days > HOSPITAL_DAYS_MAX {
            return Err(RulesError::out_of_range(
                "hospital_days",
                self.hospital_days,
                format!("0 to {HOSPITAL_DAYS_MAX}"),
            ));
        }
        if let Some(pension) = self.basic_pension_monthly
            && (pension.is_negative() || pension > OWN_WAGE_MAX)
        {
            return Err(RulesError::out_of_range(
                "basic_pension_monthly",
                pension,
                format!("0.00 to {OWN_WAGE_MAX} yuan a month"),
            ));
        }
        Dependants::new(
            self.dependants.spouse,
            self.dependants.others,
            self.dependants.extra10,
        )?;
        Ok(())
    }
}

/// A value the award uses, with the parameter it came from (None when the
/// caller supplied it directly, e.g. a batch row).
#[derive(Copy, Clone, Debug)]
pub struct Fact<'a> {
    pub amount: Money,
    pub source: Option<&'a ParamUse>,
}

impl<'a> Fact<'a> {
    pub fn given(amount: Money) -> Fact<'a> {
        Fact {
            amount,
            source: None,
        }
    }
}

/// The regional and national values an award needs, each at its legal date.
#[derive(Copy, Clone, Debug, Default)]
pub struct AwardFacts<'a> {
    /// Regional average monthly wage at the injury date (Art 64 clamp).
    pub regional_avg_wage: Option<Fact<'a>>,
    /// Regional average monthly wage at the appraisal (Art 34 living care).
    pub care_avg_wage: Option<Fact<'a>>,
    /// Regional average monthly wage at the death (Art 39 funeral subsidy).
    pub funeral_avg_wage: Option<Fact<'a>>,
    /// Local monthly minimum wage (allowance top-up, Arts 35-36).
    pub min_wage: Option<Fact<'a>>,
    /// National urban per-capita disposable income of the year before the death.
    pub national_income: Option<Fact<'a>>,
    /// Daily hospital food subsidy standard (Art 30).
    pub food_subsidy_daily: Option<Fact<'a>>,
}

/// The amounts of an award; zero where an item does not apply.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AwardAmounts {
    pub benefit_wage: Money,
    pub one_time_disability_subsidy: Money,
    pub monthly_disability_allowance: Money,
    pub allowance_payer: Option<Payer>,
    pub monthly_living_care: Money,
    pub funeral_subsidy: Money,
    pub one_time_death_benefit: Money,
    pub monthly_survivor_pensions: Money,
    pub suspension_wages: Money,
    pub hospital_food_subsidy: Money,
}

fn need<'a>(
    fact: Option<Fact<'a>>,
    input: &'static str,
    needed_for: &str,
) -> Result<Fact<'a>, RulesError> {
    fact.ok_or_else(|| RulesError::missing(input, needed_for))
}

fn skip(t: &mut impl Tracer, item: Item, rule: &'static str, article: Article, zh: &str, en: &str) {
    t.record(|| Step {
        item,
        rule,
        article,
        inputs: vec![q("died", true)],
        params: Vec::new(),
        formula: "0.00".into(),
        explain_zh: zh.into(),
        explain_en: en.into(),
        amount: Money::ZERO,
    });
}

/// Computes every item of the award (Arts 30, 33-39, 64).
///
/// Death: the funeral subsidy and survivors' pensions are always due; the
/// one-time death benefit too, except that a worker of grade 1-4 who dies after
/// the paid suspension period (which the assessment of a grade ends, Art 33)
/// leaves only the first two (Art 39(3)). Periodic disability items stop at
/// death, so a deceased worker's award has no allowance or living care; a
/// one-time disability subsidy already due stays due.
pub fn compute_award(
    input: &AwardInput,
    facts: &AwardFacts<'_>,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Result<AwardAmounts, RulesError> {
    input.validate()?;
    let mut out = AwardAmounts::default();
    let avg = need(
        facts.regional_avg_wage,
        "regional_avg_wage",
        "the benefit wage clamp (Art 64)",
    )?;
    if avg.amount <= Money::ZERO {
        return Err(RulesError::out_of_range(
            "regional_avg_wage",
            avg.amount,
            "more than 0.00 yuan a month",
        ));
    }
    let bw = benefits::benefit_wage(input.own_wage, avg.amount, rules, t);
    out.benefit_wage = bw;

    if input.suspension_months > 0 {
        out.suspension_wages = benefits::suspension_wages(
            input.own_wage,
            input.suspension_months,
            input.suspension_extension_confirmed,
            rules,
            t,
        )?;
    }

    if input.hospital_days > 0 {
        let daily = need(
            facts.food_subsidy_daily,
            "food_subsidy_daily",
            "the hospital food subsidy (Art 30)",
        )?;
        out.hospital_food_subsidy =
            benefits::hospital_food_subsidy(daily.amount, input.hospital_days, daily.source, t);
    }

    if let Some(grade) = input.grade {
        out.one_time_disability_subsidy =
            benefits::one_time_disability_subsidy(bw, grade, input.veteran_recurrence, rules, t);
        let has_allowance = grade.get() <= 4 || (grade.get() <= 6 && !input.job_arranged);
        if input.died {
            if has_allowance {
                skip(
                    t,
                    Item::MonthlyDisabilityAllowance,
                    "allowance.ends_at_death",
                    articles::for_grade(grade.get()),
                    "伤残津贴至死亡时止",
                    "the disability allowance ends at death",
                );
            }
        } else {
            let min_wage = if has_allowance {
                need(
                    facts.min_wage,
                    "min_wage",
                    "the minimum-wage top-up of the disability allowance (Arts 35-36)",
                )?
                .amount
            } else {
                Money::ZERO
            };
            let (amount, payer) = benefits::monthly_disability_allowance(
                bw,
                grade,
                input.job_arranged,
                min_wage,
                rules,
                t,
            );
            out.monthly_disability_allowance = amount;
            out.allowance_payer = payer;
            if let Some(pension) = input.basic_pension_monthly
                && grade.get() <= 4
                && amount > Money::ZERO
            {
                out.monthly_disability_allowance = pension_offset(amount, pension, t);
            }
        }
    }

    if let Some(level) = input.nursing {
        if input.died {
            skip(
                t,
                Item::MonthlyLivingCare,
                "living_care.ends_at_death",
                articles::REG_34,
                "生活护理费至死亡时止",
                "living care ends at death",
            );
        } else {
            let care_avg = need(
                facts.care_avg_wage.or(facts.regional_avg_wage),
                "regional_avg_wage",
                "living care (Art 34)",
            )?;
            out.monthly_living_care =
                benefits::monthly_living_care(care_avg.amount, level, rules, t);
        }
    }

    if input.died {
        let funeral_avg = need(
            facts.funeral_avg_wage.or(facts.regional_avg_wage),
            "regional_avg_wage",
            "the funeral subsidy (Art 39)",
        )?;
        out.funeral_subsidy = benefits::funeral_subsidy(funeral_avg.amount, rules, t);
        out.monthly_survivor_pensions = benefits::survivor_pensions(bw, input.dependants, rules, t);
        if input.grade.is_some_and(|g| g.get() <= 4) {
            skip(
                t,
                Item::OneTimeDeathBenefit,
                "art39_3.no_death_benefit",
                articles::REG_39_3,
                "一至四级伤残职工在停工留薪期满后死亡，不享受一次性工亡补助金",
                "a grade 1-4 worker who died after the paid suspension period: no one-time death benefit",
            );
        } else {
            let income = need(
                facts.national_income,
                "national_income",
                "the one-time death benefit (Art 39(1)(3))",
            )?;
            out.one_time_death_benefit =
                benefits::one_time_death_benefit(income.amount, income.source, rules, t);
        }
    }
    Ok(out)
}

/// Art 35(3) (Social Insurance Law Art 40): a grade 1-4 worker who draws a
/// basic pension stops drawing the allowance; when the pension is lower, the
/// fund pays the difference. Exact (a subtraction), never below zero.
pub fn pension_offset(allowance: Money, pension: Money, t: &mut impl Tracer) -> Money {
    let paid = allowance
        .checked_sub(pension)
        .expect("amounts are bounded")
        .max(Money::ZERO);
    t.record(|| Step {
        item: Item::MonthlyDisabilityAllowance,
        rule: "art35_3.pension_offset",
        article: articles::REG_35_3,
        inputs: vec![
            q("monthly_disability_allowance", allowance),
            q("basic_pension_monthly", pension),
        ],
        params: Vec::new(),
        formula: format!("max({allowance} - {pension}, 0.00) = {paid}"),
        explain_zh: if paid > Money::ZERO {
            format!("领取基本养老金{pension}元，低于伤残津贴{allowance}元，由工伤保险基金补足差额{paid}元")
        } else {
            format!("领取基本养老金{pension}元，不低于伤残津贴{allowance}元，停发伤残津贴")
        },
        explain_en: if paid > Money::ZERO {
            format!("a basic pension of {pension} is below the allowance of {allowance}: the fund pays the difference {paid}")
        } else {
            format!("a basic pension of {pension} is not below the allowance of {allowance}: no allowance")
        },
        amount: paid,
    });
    paid
}

/// Whether an item is paid once or every month.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Periodicity {
    OneTime,
    Monthly,
}

/// One line of an itemised award.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwardLine {
    pub item: Item,
    pub amount: Money,
    pub periodicity: Periodicity,
    pub payer: Payer,
    pub article: Article,
}

impl AwardAmounts {
    /// The items that are due (amounts above zero), with payer and article,
    /// in the order of the Regulations.
    pub fn lines(&self, input: &AwardInput) -> Vec<AwardLine> {
        use Periodicity::{Monthly, OneTime};
        let grade_article = input
            .grade
            .map(|g| articles::for_grade(g.get()))
            .unwrap_or(articles::REG_35);
        let candidates = [
            (
                Item::SuspensionWages,
                self.suspension_wages,
                OneTime,
                Payer::Employer,
                articles::REG_33,
            ),
            (
                Item::HospitalFoodSubsidy,
                self.hospital_food_subsidy,
                OneTime,
                Payer::Fund,
                articles::REG_30,
            ),
            (
                Item::OneTimeDisabilitySubsidy,
                self.one_time_disability_subsidy,
                OneTime,
                Payer::Fund,
                grade_article,
            ),
            (
                Item::MonthlyDisabilityAllowance,
                self.monthly_disability_allowance,
                Monthly,
                self.allowance_payer.unwrap_or(Payer::Fund),
                grade_article,
            ),
            (
                Item::MonthlyLivingCare,
                self.monthly_living_care,
                Monthly,
                Payer::Fund,
                articles::REG_34,
            ),
            (
                Item::FuneralSubsidy,
                self.funeral_subsidy,
                OneTime,
                Payer::Fund,
                articles::REG_39_1_1,
            ),
            (
                Item::MonthlySurvivorPensions,
                self.monthly_survivor_pensions,
                Monthly,
                Payer::Fund,
                articles::REG_39_1_2,
            ),
            (
                Item::OneTimeDeathBenefit,
                self.one_time_death_benefit,
                OneTime,
                Payer::Fund,
                articles::REG_39_1_3,
            ),
        ];
        candidates
            .into_iter()
            .filter(|c| c.1 > Money::ZERO)
            .map(|(item, amount, periodicity, payer, article)| AwardLine {
                item,
                amount,
                periodicity,
                payer,
                article,
            })
            .collect()
    }
}
