//! The benefit formulas of the national Regulations (工伤保险条例), one
//! function per statutory step, each citing its article.
//!
//! Every function takes plain, already validated values and the resolved
//! [`BenefitRules`]; it rounds half away from zero to the fen exactly where the
//! doc comment says, and reports its step to the tracer.

use jiff::civil::Date;
use serde::Serialize;

use crate::articles;
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{ParamUse, PolicySet};
use crate::rate::Rate;
use crate::trace::Article;
use crate::trace::{Item, Step, Tracer, q};

/// A disability grade (伤残等级) 1-10, 1 the most severe (Art 22).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Grade(u8);

impl Grade {
    pub fn new(grade: u8) -> Result<Grade, RulesError> {
        if (1..=10).contains(&grade) {
            Ok(Grade(grade))
        } else {
            Err(RulesError::out_of_range(
                "grade",
                grade,
                "1 to 10 (1 is the most severe)",
            ))
        }
    }
    pub const fn get(self) -> u8 {
        self.0
    }
    fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

/// The level of dependence on care (生活自理障碍等级, Art 22 and 34).
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum NursingLevel {
    /// 部分不能自理
    Partly,
    /// 大部分不能自理
    Mostly,
    /// 完全不能自理
    Fully,
}

impl NursingLevel {
    /// The batch code: 1 partly, 2 mostly, 3 completely dependent.
    pub fn from_code(code: u8) -> Result<Option<NursingLevel>, RulesError> {
        match code {
            0 => Ok(None),
            1 => Ok(Some(NursingLevel::Partly)),
            2 => Ok(Some(NursingLevel::Mostly)),
            3 => Ok(Some(NursingLevel::Fully)),
            _ => Err(RulesError::out_of_range(
                "nursing",
                code,
                "0 none, 1 partly, 2 mostly, 3 completely dependent",
            )),
        }
    }
    pub const fn label_zh(self) -> &'static str {
        match self {
            NursingLevel::Partly => "部分不能自理",
            NursingLevel::Mostly => "大部分不能自理",
            NursingLevel::Fully => "完全不能自理",
        }
    }
    pub const fn label_en(self) -> &'static str {
        match self {
            NursingLevel::Partly => "partly dependent",
            NursingLevel::Mostly => "mostly dependent",
            NursingLevel::Fully => "completely dependent",
        }
    }
}

/// Who pays an item (Social Insurance Law Arts 38-39).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// 工伤保险基金
    Fund,
    /// 用人单位
    Employer,
    /// 承保的商业保险公司 (益鹭保)
    Insurer,
}

impl Payer {
    pub const fn label_zh(self) -> &'static str {
        match self {
            Payer::Fund => "工伤保险基金",
            Payer::Employer => "用人单位",
            Payer::Insurer => "承保保险公司",
        }
    }
    pub const fn label_en(self) -> &'static str {
        match self {
            Payer::Fund => "fund",
            Payer::Employer => "employer",
            Payer::Insurer => "insurer",
        }
    }
}

/// The national benefit parameters, resolved once at a legal date.
#[derive(Clone, Debug)]
pub struct BenefitRules {
    pub as_of: Date,
    pub floor_share: ParamUse,
    pub ceiling_share: ParamUse,
    pub one_time_subsidy_months: [ParamUse; 10],
    pub allowance_rate: [ParamUse; 6],
    /// Partly, mostly, fully dependent.
    pub living_care_rate: [ParamUse; 3],
    pub suspension_months_max: ParamUse,
    pub suspension_extension_months_max: ParamUse,
    pub funeral_subsidy_months: ParamUse,
    pub survivor_rate_spouse: ParamUse,
    pub survivor_rate_other: ParamUse,
    pub survivor_rate_extra: ParamUse,
    pub death_benefit_income_multiple: ParamUse,
}

impl BenefitRules {
    /// Resolves the national parameters in force on `as_of` (the injury date).
    pub fn resolve(policy: &PolicySet, as_of: Date) -> Result<BenefitRules, RulesError> {
        let p = |key: &str| policy.at("national", key, as_of);
        let grade = |prefix: &str, n: usize| p(&format!("{prefix}.grade_{n}"));
        Ok(BenefitRules {
            as_of,
            floor_share: p("benefit_wage.floor_share")?,
            ceiling_share: p("benefit_wage.ceiling_share")?,
            one_time_subsidy_months: array(|i| grade("disability.one_time_subsidy_months", i + 1))?,
            allowance_rate: array(|i| grade("disability.allowance_rate", i + 1))?,
            living_care_rate: [
                p("living_care.rate.partly")?,
                p("living_care.rate.mostly")?,
                p("living_care.rate.fully")?,
            ],
            suspension_months_max: p("suspension.months_max")?,
            suspension_extension_months_max: p("suspension.extension_months_max")?,
            funeral_subsidy_months: p("death.funeral_subsidy_months")?,
            survivor_rate_spouse: p("death.survivor_rate.spouse")?,
            survivor_rate_other: p("death.survivor_rate.other")?,
            survivor_rate_extra: p("death.survivor_rate.extra")?,
            death_benefit_income_multiple: p("death.one_time_benefit_income_multiple")?,
        })
    }

    fn care(&self, level: NursingLevel) -> &ParamUse {
        &self.living_care_rate[match level {
            NursingLevel::Partly => 0,
            NursingLevel::Mostly => 1,
            NursingLevel::Fully => 2,
        }]
    }
}

fn array<const N: usize>(
    mut f: impl FnMut(usize) -> Result<ParamUse, RulesError>,
) -> Result<[ParamUse; N], RulesError> {
    let mut out = Vec::with_capacity(N);
    for i in 0..N {
        out.push(f(i)?);
    }
    Ok(out
        .try_into()
        .unwrap_or_else(|_| unreachable!("exactly N values were pushed")))
}

fn step(item: Item, rule: &'static str, article: Article) -> Step {
    Step {
        item,
        rule,
        article,
        inputs: Vec::new(),
        params: Vec::new(),
        formula: String::new(),
        explain_zh: String::new(),
        explain_en: String::new(),
        amount: Money::ZERO,
    }
}

/// 本人工资 — the benefit wage (Art 64(2)): the worker's average monthly
/// contribution wage over the 12 months before the injury, raised to 60% of
/// the regional average monthly wage when below it and lowered to 300% when
/// above. Each bound is rounded half away from zero to the fen, then the wage is
/// clamped; no other rounding.
pub fn benefit_wage(
    own_wage: Money,
    regional_avg_wage: Money,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Money {
    let floor = regional_avg_wage.mul_rate(rules.floor_share.rate());
    let ceiling = regional_avg_wage.mul_rate(rules.ceiling_share.rate());
    let wage = own_wage.clamp(floor, ceiling);
    t.record(|| {
        let mut s = step(Item::BenefitWage, "art64.clamp", articles::REG_64);
        s.inputs = vec![q("own_wage", own_wage), q("regional_avg_wage", regional_avg_wage)];
        s.params = vec![rules.floor_share.clone(), rules.ceiling_share.clone()];
        let (zh, en) = if own_wage < floor {
            ("低于下限，按下限计发", "below the floor: the floor applies")
        } else if own_wage > ceiling {
            ("高于上限，按上限计发", "above the ceiling: the ceiling applies")
        } else {
            ("在上下限之间，按本人工资计发", "between the bounds: the own wage applies")
        };
        s.formula = format!(
            "clamp({own_wage}, {regional_avg_wage} × {} = {floor}, {regional_avg_wage} × {} = {ceiling}) = {wage}",
            rules.floor_share.rate().to_percent_string(),
            rules.ceiling_share.rate().to_percent_string()
        );
        s.explain_zh = format!("本人工资 {own_wage} 元{zh}：{wage} 元");
        s.explain_en = format!("own wage {own_wage} yuan is {en}: {wage} yuan");
        s.amount = wage;
        s
    });
    wage
}

/// 一次性伤残补助金 — the one-time disability subsidy (Arts 35-37): the
/// benefit wage times the months of the grade (27, 25, 23, 21, 18, 16, 13, 11,
/// 9, 7), exact (no rounding needed). None for an ex-serviceman whose old war or
/// duty wound recurs (Art 15(1)(3) with 15(2)).
pub fn one_time_disability_subsidy(
    benefit_wage: Money,
    grade: Grade,
    veteran_recurrence: bool,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Money {
    let months = &rules.one_time_subsidy_months[grade.index()];
    if veteran_recurrence {
        t.record(|| {
            let mut s = step(
                Item::OneTimeDisabilitySubsidy,
                "art15.veteran_recurrence",
                articles::REG_15_3,
            );
            s.inputs = vec![q("grade", grade.get()), q("veteran_recurrence", true)];
            s.formula = "0.00".into();
            s.explain_zh = "革命伤残军人旧伤复发，不享受一次性伤残补助金".into();
            s.explain_en = "a veteran's old wound recurred: no one-time disability subsidy".into();
            s
        });
        return Money::ZERO;
    }
    let amount = benefit_wage.times(months.whole());
    t.record(|| {
        let mut s = step(
            Item::OneTimeDisabilitySubsidy,
            "art35_37.one_time_subsidy",
            articles::for_grade(grade.get()),
        );
        s.inputs = vec![q("benefit_wage", benefit_wage), q("grade", grade.get())];
        s.params = vec![months.clone()];
        s.formula = format!("{benefit_wage} × {} = {amount}", months.whole());
        s.explain_zh = format!("{}级伤残，{}个月本人工资", grade.get(), months.whole());
        s.explain_en = format!(
            "grade {}: {} months of the benefit wage",
            grade.get(),
            months.whole()
        );
        s.amount = amount;
        s
    });
    amount
}

/// 伤残津贴 — the monthly disability allowance (Arts 35-36): for grades 1-4
/// (paid by the fund) the benefit wage times 90/85/80/75%; for grades 5-6
/// (paid by the employer) 70/60%, but only when the employer cannot arrange a
/// job. Rounded half away from zero to the fen, then raised to the local
/// monthly minimum wage if below it (Art 35(2)(2), Art 36(2)(2)). Grades 7-10
/// have no allowance.
pub fn monthly_disability_allowance(
    benefit_wage: Money,
    grade: Grade,
    job_arranged: bool,
    min_wage: Money,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> (Money, Option<Payer>) {
    let g = grade.get();
    let payer = match g {
        1..=4 => Payer::Fund,
        5 | 6 if !job_arranged => Payer::Employer,
        _ => {
            t.record(|| {
                let mut s = step(
                    Item::MonthlyDisabilityAllowance,
                    "art36_37.no_allowance",
                    articles::for_grade(g),
                );
                s.inputs = vec![q("grade", g), q("job_arranged", job_arranged)];
                s.formula = "0.00".into();
                (s.explain_zh, s.explain_en) = if g <= 6 {
                    (
                        "五至六级伤残，用人单位已安排适当工作，不发伤残津贴".into(),
                        "grade 5-6 and the employer arranged a job: no allowance".into(),
                    )
                } else {
                    (
                        "七至十级伤残无伤残津贴".into(),
                        "grades 7-10 have no allowance".into(),
                    )
                };
                s
            });
            return (Money::ZERO, None);
        }
    };
    let rate = &rules.allowance_rate[grade.index()];
    let computed = benefit_wage.mul_rate(rate.rate());
    let amount = computed.max(min_wage);
    t.record(|| {
        let mut s = step(Item::MonthlyDisabilityAllowance, "art35_36.allowance", articles::for_grade(g));
        s.inputs = vec![q("benefit_wage", benefit_wage), q("grade", g), q("min_wage", min_wage)];
        if g >= 5 {
            s.inputs.push(q("job_arranged", job_arranged));
        }
        s.params = vec![rate.clone()];
        let pct = rate.rate().to_percent_string();
        if computed < min_wage {
            s.formula = format!("max({benefit_wage} × {pct} = {computed}, {min_wage}) = {amount}");
            s.explain_zh = format!("{g}级伤残按本人工资的{pct}计发为{computed}元，低于当地最低工资标准，补足至{min_wage}元，由{}支付", payer.label_zh());
            s.explain_en = format!("grade {g}: {pct} of the benefit wage is {computed}, below the local minimum wage, topped up to {min_wage}; paid by the {}", payer.label_en());
        } else {
            s.formula = format!("{benefit_wage} × {pct} = {amount}");
            s.explain_zh = format!("{g}级伤残，按月发给本人工资的{pct}，由{}支付", payer.label_zh());
            s.explain_en = format!("grade {g}: {pct} of the benefit wage a month, paid by the {}", payer.label_en());
        }
        s.amount = amount;
        s
    });
    (amount, Some(payer))
}

/// 生活护理费 — monthly living care (Art 34): 50%, 40% or 30% of the regional
/// average monthly wage of the previous year for a worker completely, mostly
/// or partly unable to look after themselves; rounded half away from zero to the fen.
pub fn monthly_living_care(
    regional_avg_wage: Money,
    level: NursingLevel,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Money {
    let rate = rules.care(level);
    let amount = regional_avg_wage.mul_rate(rate.rate());
    t.record(|| {
        let mut s = step(
            Item::MonthlyLivingCare,
            "art34.living_care",
            articles::REG_34,
        );
        s.inputs = vec![
            q("regional_avg_wage", regional_avg_wage),
            q("nursing", level.label_en()),
        ];
        s.params = vec![rate.clone()];
        let pct = rate.rate().to_percent_string();
        s.formula = format!("{regional_avg_wage} × {pct} = {amount}");
        s.explain_zh = format!(
            "{}，按统筹地区上年度职工月平均工资的{pct}按月发给",
            level.label_zh()
        );
        s.explain_en = format!(
            "{}: {pct} of the regional average monthly wage, monthly",
            level.label_en()
        );
        s.amount = amount;
        s
    });
    amount
}

/// 停工留薪期工资 — wages during the paid suspension period (Art 33): the
/// original wage and benefits unchanged, paid monthly by the employer, for at
/// most 12 months, extended by at most 12 more with the confirmation of the
/// city's appraisal committee. The amount is months × the worker's own wage
/// (not clamped: Art 64 governs benefits from the fund); exact.
pub fn suspension_wages(
    own_wage: Money,
    months: u32,
    extension_confirmed: bool,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Result<Money, RulesError> {
    let normal = rules.suspension_months_max.whole();
    let extension = rules.suspension_extension_months_max.whole();
    let allowed = if extension_confirmed {
        normal + extension
    } else {
        normal
    };
    if i64::from(months) > allowed {
        return Err(
            if extension_confirmed || i64::from(months) > normal + extension {
                RulesError::out_of_range(
                    "suspension_months",
                    months,
                    format!(
                        "0 to {} (Art 33: {normal} months, at most {extension} more with confirmation)",
                        normal + extension
                    ),
                )
            } else {
                RulesError::out_of_range(
                    "suspension_months",
                    months,
                    format!("0 to {normal} unless suspension_extension_confirmed is true (Art 33)"),
                )
            },
        );
    }
    let amount = own_wage.times(i64::from(months));
    t.record(|| {
        let mut s = step(
            Item::SuspensionWages,
            "art33.suspension_wages",
            articles::REG_33,
        );
        s.inputs = vec![
            q("own_wage", own_wage),
            q("suspension_months", months),
            q("suspension_extension_confirmed", extension_confirmed),
        ];
        s.params = vec![rules.suspension_months_max.clone()];
        if extension_confirmed {
            s.params.push(rules.suspension_extension_months_max.clone());
        }
        s.formula = format!("{own_wage} × {months} = {amount}");
        s.explain_zh = format!("停工留薪期{months}个月，原工资福利待遇不变，由所在单位按月支付");
        s.explain_en = format!(
            "{months} months of paid suspension at the original wage, paid monthly by the employer"
        );
        s.amount = amount;
        s
    });
    Ok(amount)
}

/// 住院伙食补助费 — hospital food subsidy (Art 30(4)): the daily standard set
/// by the pooling region times the days in hospital; paid by the fund; exact.
pub fn hospital_food_subsidy(
    daily_standard: Money,
    days: u32,
    daily_source: Option<&ParamUse>,
    t: &mut impl Tracer,
) -> Money {
    let amount = daily_standard.times(i64::from(days));
    t.record(|| {
        let mut s = step(
            Item::HospitalFoodSubsidy,
            "art30.food_subsidy",
            articles::REG_30,
        );
        s.inputs = vec![
            q("hospital_days", days),
            q("food_subsidy_daily", daily_standard),
        ];
        s.params = daily_source.into_iter().cloned().collect();
        s.formula = format!("{daily_standard} × {days} = {amount}");
        s.explain_zh = format!("住院{days}天，按统筹地区标准每天{daily_standard}元");
        s.explain_en = format!(
            "{days} days in hospital at the regional standard of {daily_standard} yuan a day"
        );
        s.amount = amount;
        s
    });
    amount
}

/// 丧葬补助金 — funeral subsidy (Art 39(1)(1)): 6 months of the regional
/// average monthly wage of the previous year; exact.
pub fn funeral_subsidy(
    regional_avg_wage: Money,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Money {
    let months = rules.funeral_subsidy_months.whole();
    let amount = regional_avg_wage.times(months);
    t.record(|| {
        let mut s = step(Item::FuneralSubsidy, "art39.funeral", articles::REG_39_1_1);
        s.inputs = vec![q("regional_avg_wage", regional_avg_wage)];
        s.params = vec![rules.funeral_subsidy_months.clone()];
        s.formula = format!("{regional_avg_wage} × {months} = {amount}");
        s.explain_zh = format!("{months}个月的统筹地区上年度职工月平均工资");
        s.explain_en = format!("{months} months of the regional average monthly wage");
        s.amount = amount;
        s
    });
    amount
}

/// The deceased's dependants (供养亲属, 劳社部令第18号) as counts.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Dependants {
    pub spouse: bool,
    /// Dependants other than the spouse (children, parents, ...).
    pub others: u32,
    /// How many dependants are orphans or elderly people living alone (孤儿、
    /// 孤寡老人) and get the extra 10%. Applied to the other dependants first,
    /// then to the spouse.
    pub extra10: u32,
}

impl Dependants {
    pub const MAX_OTHERS: u32 = 20;

    pub fn new(spouse: bool, others: u32, extra10: u32) -> Result<Dependants, RulesError> {
        if others > Self::MAX_OTHERS {
            return Err(RulesError::out_of_range(
                "other_dependents",
                others,
                format!("0 to {}", Self::MAX_OTHERS),
            ));
        }
        let total = others + u32::from(spouse);
        if extra10 > total {
            return Err(RulesError::out_of_range(
                "extra10_dependents",
                extra10,
                format!(
                    "0 to {total} (no more than the dependants: spouse {} + others {others})",
                    u32::from(spouse)
                ),
            ));
        }
        Ok(Dependants {
            spouse,
            others,
            extra10,
        })
    }

    pub fn count(self) -> u32 {
        self.others + u32::from(self.spouse)
    }
}

/// Who a survivor's pension is for (Art 39(1)(2)): the spouse, or any other
/// dependant (each at the other dependants' rate).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Spouse,
    Other,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Spouse => "spouse",
            Relation::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Relation::Spouse => "配偶",
            Relation::Other => "其他供养亲属",
        }
    }
}

/// One dependant's pension in an award.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DependantPension {
    pub relation: Relation,
    pub extra10: bool,
    /// The dependant's rate of the benefit wage, rounded to the fen.
    pub computed: Money,
    /// After the cap is shared out, the amount paid each month.
    pub paid: Money,
}

/// 供养亲属抚恤金 — survivors' pensions (Art 39(1)(2)): each dependant gets a
/// share of the deceased's benefit wage a month, the spouse 40%, every other
/// dependant 30%, orphans and elderly people living alone 10% more. Each pension
/// is rounded half away from zero to the fen before summing; the sum may not
/// exceed the deceased's benefit wage. When it would, the cap is shared out in
/// proportion to the pensions, in whole fen, the remainders going to the
/// largest fractions (then to the earlier dependant), so the parts add up to
/// the cap exactly.
pub fn survivor_pensions(
    benefit_wage: Money,
    deps: Dependants,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Money {
    let spouse_rate = rules.survivor_rate_spouse.rate();
    let other_rate = rules.survivor_rate_other.rate();
    let extra = rules.survivor_rate_extra.rate();
    let add = |r: Rate| {
        Rate::new(
            r.numerator() * extra.denominator() + extra.numerator() * r.denominator(),
            r.denominator() * extra.denominator(),
        )
    };
    let others_extra = deps.extra10.min(deps.others);
    let spouse_extra = deps.spouse && deps.extra10 > deps.others;
    let spouse_amount = if deps.spouse {
        benefit_wage.mul_rate(if spouse_extra {
            add(spouse_rate)
        } else {
            spouse_rate
        })
    } else {
        Money::ZERO
    };
    let other_amount = benefit_wage.mul_rate(other_rate);
    let other_extra_amount = benefit_wage.mul_rate(add(other_rate));
    let sum = spouse_amount
        .checked_add(other_amount.times(i64::from(deps.others - others_extra)))
        .and_then(|s| s.checked_add(other_extra_amount.times(i64::from(others_extra))))
        .expect("pension sum overflow");
    let total = sum.min(benefit_wage);
    t.record(|| {
        let mut s = step(Item::MonthlySurvivorPensions, "art39.survivor_pensions", articles::REG_39_1_2);
        s.inputs = vec![
            q("benefit_wage", benefit_wage),
            q("spouse", deps.spouse),
            q("other_dependents", deps.others),
            q("extra10_dependents", deps.extra10),
        ];
        s.params = vec![
            rules.survivor_rate_spouse.clone(),
            rules.survivor_rate_other.clone(),
            rules.survivor_rate_extra.clone(),
        ];
        let parts = survivor_parts(benefit_wage, deps, rules);
        let terms: Vec<String> = parts.iter().map(|p| p.computed.to_string()).collect();
        s.formula = if sum > benefit_wage {
            format!("min({} = {sum}, {benefit_wage}) = {total}", terms.join(" + "))
        } else if terms.is_empty() {
            "0.00".into()
        } else {
            format!("{} = {total}", terms.join(" + "))
        };
        let shares: Vec<String> = parts.iter().map(|p| format!("{}: {}", p.relation.as_str(), p.paid)).collect();
        let shares_zh: Vec<String> = parts
            .iter()
            .map(|p| format!("{}{}", match p.relation { Relation::Spouse => "配偶", Relation::Other => "其他亲属" }, p.paid))
            .collect();
        if deps.count() == 0 {
            s.explain_zh = "无供养亲属".into();
            s.explain_en = "no dependants".into();
        } else if sum > benefit_wage {
            s.explain_zh = format!("各供养亲属抚恤金之和{sum}元高于本人工资，按本人工资{benefit_wage}元按比例分配：{}", shares_zh.join("，"));
            s.explain_en = format!("the pensions add up to {sum}, more than the benefit wage; {benefit_wage} is shared in proportion: {}", shares.join(", "));
        } else {
            s.explain_zh = format!("配偶{}，其他亲属每人{}，孤寡老人或孤儿加{}：{}", spouse_rate.to_percent_string(), other_rate.to_percent_string(), extra.to_percent_string(), shares_zh.join("，"));
            s.explain_en = format!("spouse {}, each other dependant {}, orphans and lone elderly {} more: {}", spouse_rate.to_percent_string(), other_rate.to_percent_string(), extra.to_percent_string(), shares.join(", "));
        }
        s.amount = total;
        s
    });
    total
}

/// The pension of each dependant, in the order spouse, then the other
/// dependants with the extra 10%, then the rest; after the cap is shared out.
pub fn survivor_parts(
    benefit_wage: Money,
    deps: Dependants,
    rules: &BenefitRules,
) -> Vec<DependantPension> {
    let extra = rules.survivor_rate_extra.rate();
    let add = |r: Rate| {
        Rate::new(
            r.numerator() * extra.denominator() + extra.numerator() * r.denominator(),
            r.denominator() * extra.denominator(),
        )
    };
    let others_extra = deps.extra10.min(deps.others);
    let mut parts = Vec::with_capacity(deps.count() as usize);
    if deps.spouse {
        let with_extra = deps.extra10 > deps.others;
        let r = rules.survivor_rate_spouse.rate();
        let computed = benefit_wage.mul_rate(if with_extra { add(r) } else { r });
        parts.push(DependantPension {
            relation: Relation::Spouse,
            extra10: with_extra,
            computed,
            paid: computed,
        });
    }
    let other = rules.survivor_rate_other.rate();
    for i in 0..deps.others {
        let with_extra = i < others_extra;
        let computed = benefit_wage.mul_rate(if with_extra { add(other) } else { other });
        parts.push(DependantPension {
            relation: Relation::Other,
            extra10: with_extra,
            computed,
            paid: computed,
        });
    }
    let sum: i64 = parts.iter().map(|p| p.computed.fen()).sum();
    let cap = benefit_wage.fen();
    if sum > cap && sum > 0 {
        // Largest-remainder apportionment of the cap in whole fen.
        let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(parts.len());
        let mut given: i64 = 0;
        for (i, p) in parts.iter_mut().enumerate() {
            let exact = i128::from(p.computed.fen()) * i128::from(cap);
            let floor = exact / i128::from(sum);
            p.paid = Money::from_fen(floor as i64);
            given += floor as i64;
            remainders.push((exact % i128::from(sum), i));
        }
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in remainders.into_iter().take((cap - given) as usize) {
            parts[i].paid = Money::from_fen(parts[i].paid.fen() + 1);
        }
    }
    parts
}

/// 一次性工亡补助金 — one-time death benefit (Art 39(1)(3)): 20 times the
/// national urban per-capita disposable income of the year before the year of
/// death; exact.
pub fn one_time_death_benefit(
    income_prev_year: Money,
    income_source: Option<&ParamUse>,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Money {
    let multiple = rules.death_benefit_income_multiple.whole();
    let amount = income_prev_year.times(multiple);
    t.record(|| {
        let mut s = step(Item::OneTimeDeathBenefit, "art39.death_benefit", articles::REG_39_1_3);
        s.inputs = vec![q("national_income", income_prev_year)];
        s.params = vec![rules.death_benefit_income_multiple.clone()];
        s.params.extend(income_source.cloned());
        s.formula = format!("{income_prev_year} × {multiple} = {amount}");
        s.explain_zh = format!("上一年度全国城镇居民人均可支配收入的{multiple}倍");
        s.explain_en = format!("{multiple} times the national urban per-capita disposable income of the year before the death");
        s.amount = amount;
        s
    });
    amount
}
