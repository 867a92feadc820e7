//! Workers missing after an accident (Regulations Art 41), a second injury
//! and a re-appraisal (Art 45; Jiangsu measures Arts 32-33): pure rules over
//! a case that may have several injuries. The domain and the store keep the
//! injuries and the dates; these functions say what is due.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::benefits::{self, BenefitRules, Dependants, Grade, Payer};
use crate::error::RulesError;
use crate::money::Money;
use crate::rate::Rate;
use crate::trace::{Article, Item, Step, Tracer, q};

const REG_41: Article = Article {
    zh: "《工伤保险条例》第四十一条",
    en: "Regulations Art 41",
};
use crate::articles::REG_45;
const JS_32: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第三十二条",
    en: "Jiangsu implementation measures Art 32",
};
pub(crate) const JS_33: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第三十三条",
    en: "Jiangsu implementation measures Art 33",
};

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

/// A worker missing after an accident on a business trip or in disaster relief.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingWorker {
    pub accident_date: Date,
    /// The worker's own wage (paid unchanged for three months, like Art 33's).
    pub own_wage: Money,
    /// The benefit wage (Art 64) the survivors' pensions are computed on.
    pub benefit_wage: Money,
    pub dependants: Dependants,
    /// The family is in hardship and asks for the advance (生活有困难的).
    pub advance_requested: bool,
    /// The national urban per-capita disposable income the one-time death
    /// benefit would use (the year before the accident's year: assumed, as the
    /// death date is not known).
    pub national_income: Money,
}

/// What Art 41 pays for a missing worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingWorkerAward {
    /// Wages for the month of the accident and the two after it (employer).
    pub wages: Money,
    pub wage_months: u32,
    /// The first day of the fourth month: survivors' pensions from the fund.
    pub pensions_from: Date,
    pub monthly_survivor_pensions: Money,
    /// Half of the one-time death benefit, advanced on request (fund).
    pub death_benefit_advance: Money,
}

/// Regulations Art 41: wages are paid as before for three months from the
/// month of the accident (by the employer); from the fourth month the fund
/// pays the dependants' pensions (Art 39(1)(2) on the benefit wage); a family
/// in hardship may have 50% of the one-time death benefit in advance. When a
/// court declares the worker dead, Art 39 applies ([`declared_dead`]).
pub fn missing_worker(
    m: &MissingWorker,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> Result<MissingWorkerAward, RulesError> {
    const WAGE_MONTHS: u32 = 3;
    let wages = m.own_wage.times(i64::from(WAGE_MONTHS));
    // The month of the accident is the first of the three; pensions from the fourth.
    let pensions_from = m
        .accident_date
        .first_of_month()
        .checked_add(jiff::Span::new().months(i64::from(WAGE_MONTHS)))
        .map_err(|_| RulesError::out_of_range("accident_date", m.accident_date, "a date"))?;
    t.record(|| {
        let mut s = step(Item::SuspensionWages, "art41.wages_three_months", REG_41);
        s.inputs = vec![q("own_wage", m.own_wage), q("accident_date", m.accident_date)];
        s.formula = format!("{} × {WAGE_MONTHS} = {wages}", m.own_wage);
        s.explain_zh = format!("下落不明，从事故发生当月起3个月内照发工资（由用人单位支付），第4个月（{pensions_from}）起停发");
        s.explain_en = format!("missing: wages as before for three months from the month of the accident (employer), stopped from the fourth month ({pensions_from})");
        s.amount = wages;
        s
    });
    let pensions = benefits::survivor_pensions(m.benefit_wage, m.dependants, rules, t);
    let advance = if m.advance_requested {
        let full = benefits::one_time_death_benefit(m.national_income, None, rules, t);
        let half = full.mul_rate(Rate::new(1, 2));
        t.record(|| {
            let mut s = step(Item::OneTimeDeathBenefit, "art41.advance_half", REG_41);
            s.inputs = vec![q("one_time_death_benefit", full)];
            s.formula = format!("{full} × 50% = {half}");
            s.explain_zh = "生活有困难的，预支一次性工亡补助金的50%".into();
            s.explain_en =
                "a family in hardship is advanced 50% of the one-time death benefit".into();
            s.amount = half;
            s
        });
        half
    } else {
        Money::ZERO
    };
    Ok(MissingWorkerAward {
        wages,
        wage_months: WAGE_MONTHS,
        pensions_from,
        monthly_survivor_pensions: pensions,
        death_benefit_advance: advance,
    })
}

/// When the court declares the missing worker dead (Art 41, last sentence):
/// Art 39 applies, and what was advanced is set against the death benefit.
pub fn declared_dead(
    death_benefit: Money,
    advance_paid: Money,
    t: &mut impl Tracer,
) -> Result<Money, RulesError> {
    if advance_paid > death_benefit || advance_paid.is_negative() {
        return Err(RulesError::out_of_range(
            "advance_paid",
            advance_paid,
            format!("0.00 to the death benefit {death_benefit}"),
        ));
    }
    let rest = death_benefit
        .checked_sub(advance_paid)
        .expect("bounded amounts");
    t.record(|| {
        let mut s = step(Item::OneTimeDeathBenefit, "art41.declared_dead", REG_41);
        s.inputs = vec![
            q("one_time_death_benefit", death_benefit),
            q("advance_paid", advance_paid),
        ];
        s.formula = format!("{death_benefit} - {advance_paid} = {rest}");
        s.explain_zh = "被人民法院宣告死亡，按第三十九条处理，扣除已预支部分".into();
        s.explain_en = "declared dead by a court: Art 39 applies, less the advance".into();
        s.amount = rest;
        s
    });
    Ok(rest)
}

/// Art 41 under a case's scheme: what the fund pays while the worker is
/// missing, as the lines of an award. The survivors' pensions are Art 39's
/// (the scheme's dependants rules on its benefit wage) computed as if the
/// worker had died on the day of the accident, paid from `pensions_from`
/// (the fourth month); the funeral grant is not due (nobody is buried), and
/// the one-time death benefit only as the advance, half of it, when the
/// family in hardship applied for it. The wages of the first three months
/// are the employer's: a step of the trace says so, no line of the fund
/// pays them. `case.death_date` must be empty (a worker declared dead is
/// Art 39's, [`declared_dead`]).
pub fn missing_worker_under_scheme(
    policy: &crate::PolicySet,
    scheme_id: &crate::SchemeId,
    case: &crate::CaseInput,
    advance_requested: bool,
) -> Result<crate::scheme_award::SchemeResult, RulesError> {
    use crate::award::Periodicity;
    if let Some(d) = case.death_date {
        return Err(RulesError::InputConflict {
            input: "death_date",
            reason: format!(
                "{d}: a missing worker has no death date; when a court declares them dead, Art 39 applies"
            ),
        });
    }
    if case.dependants.is_none() {
        return Err(RulesError::missing(
            "dependants",
            "the missing worker's dependants, for the survivors' pensions (write {} when there are none)",
        ));
    }
    let mut as_if_dead = case.clone();
    as_if_dead.death_date = Some(case.injury_date);
    let full = crate::scheme_award::calculate_under_scheme(policy, scheme_id, &as_if_dead)?;
    // The wages step of Art 41 (the employer's three months), from the rule.
    let rules = BenefitRules::resolve(policy, case.injury_date)?;
    let d = case.dependants.clone().unwrap_or_default();
    let mut art41 = crate::trace::Trace::default();
    missing_worker(
        &MissingWorker {
            accident_date: case.injury_date,
            own_wage: case.own_wage,
            benefit_wage: full.benefit_wage.unwrap_or(case.own_wage),
            dependants: Dependants::new(d.spouse, d.others, d.extra10)?,
            advance_requested: false,
            national_income: Money::ZERO,
        },
        &rules,
        &mut art41,
    )?;
    let mut out = full.clone();
    out.lines = full
        .lines
        .iter()
        .filter(|l| l.item == Item::MonthlySurvivorPensions)
        .cloned()
        .collect();
    out.trace.steps = art41
        .steps
        .into_iter()
        .filter(|s| s.rule.starts_with("art41."))
        .collect();
    out.trace.steps.extend(
        full.trace
            .steps
            .iter()
            .filter(|s| {
                s.item != Item::FuneralSubsidy
                    && (advance_requested || s.item != Item::OneTimeDeathBenefit)
            })
            .cloned(),
    );
    if advance_requested {
        let line = full
            .lines
            .iter()
            .find(|l| l.item == Item::OneTimeDeathBenefit && l.periodicity == Periodicity::OneTime)
            .ok_or_else(|| {
                RulesError::missing(
                    "one_time_death_benefit",
                    format!(
                        "the advance of Art 41: scheme {scheme_id} pays no one-time death benefit"
                    ),
                )
            })?;
        let whole = line.amount;
        let half = whole.mul_rate(Rate::new(1, 2));
        out.trace.steps.push({
            let mut s = step(Item::OneTimeDeathBenefit, "art41.advance_half", REG_41);
            s.inputs = vec![q("one_time_death_benefit", whole)];
            s.formula = format!("{whole} × 50% = {half}");
            s.explain_zh = "生活有困难的，预支一次性工亡补助金的50%".into();
            s.explain_en =
                "a family in hardship is advanced 50% of the one-time death benefit".into();
            s.amount = half;
            s
        });
        let mut advance = line.clone();
        advance.amount = half;
        advance.citation.instrument = REG_41.zh.into();
        advance.citation.article = "（预支一次性工亡补助金的50%）".into();
        out.lines.push(advance);
    }
    Ok(out)
}

/// An earlier injury of the same worker, as its appraisal concluded
/// (Regulations Art 45; Jiangsu measures Arts 32-33). A case written for
/// `gongshang calc` lists them under `earlier_injuries`; the application
/// fills them from the worker's other recognised cases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlierInjury {
    pub injury_date: Date,
    /// The disability grade concluded for it (1-10).
    pub grade: u8,
    /// Whether it happened while working for the same unit, without a break
    /// (Jiangsu Art 32: 在同一用人单位连续工作期间).
    #[serde(default)]
    pub same_unit: bool,
    /// The worker's own wage at that injury (Jiangsu Art 33: the allowance
    /// is computed on it when it is higher than the wage at the new one).
    #[serde(default)]
    pub own_wage: Option<Money>,
}

/// The conclusion the award follows is a review (复查鉴定, Regulations
/// Art 28) of an earlier conclusion on the same injury, on which the
/// one-time disability subsidy was determined (Jiangsu Art 33).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewOf {
    /// The grade of the conclusion reviewed.
    pub previous_grade: u8,
    /// The one-time disability subsidy determined on it.
    pub disability_subsidy: Money,
}

/// Jiangsu Art 32: a worker injured several times while working for the same
/// unit gets the one-time medical and employment subsidies once, by the
/// highest (most severe) grade of the injuries at that unit. Only grades
/// 5-10 carry these subsidies (Regulations Arts 36-37), so the highest is
/// taken among those; `grade` is the grade of the injury terminated on.
pub fn termination_subsidy_grade(
    grade: Grade,
    earlier: &[EarlierInjury],
    t: &mut impl Tracer,
) -> Grade {
    let at_unit: Vec<u8> = earlier
        .iter()
        .filter(|i| i.same_unit && (5..=10).contains(&i.grade))
        .map(|i| i.grade)
        .collect();
    let highest = at_unit
        .iter()
        .filter_map(|g| Grade::new(*g).ok())
        .chain([grade])
        .min()
        .unwrap_or(grade);
    if !at_unit.is_empty() {
        t.record(|| {
            let mut s = step(Item::OneTimeMedicalSubsidy, "jiangsu.art32.highest_grade", JS_32);
            let mut grades: Vec<String> = at_unit.iter().map(|g| g.to_string()).collect();
            grades.push(grade.get().to_string());
            s.inputs = vec![q("grades_at_the_unit", grades.join(", "))];
            s.formula = format!("min({}) = {}", grades.join(", "), highest.get());
            s.explain_zh = format!(
                "在同一用人单位连续工作期间多次发生工伤，一次性工伤医疗补助金和一次性伤残就业补助金按最高伤残等级（{}级）支付一次",
                highest.get()
            );
            s.explain_en = format!(
                "several injuries while working for the same unit: the termination subsidies are paid once, by the highest grade ({})",
                highest.get()
            );
            s
        });
    }
    highest
}

/// Art 45 (and Jiangsu Art 33): after a second injury or a review that
/// changes the grade, the allowance follows the new grade; in Jiangsu it is
/// computed on the own wage of the earlier injury, and no one-time disability
/// subsidy is recomputed after a review. Returns the new monthly allowance and
/// its payer (none for grades 7-10, or 5-6 with a job arranged).
pub fn allowance_at_new_grade(
    old_benefit_wage: Money,
    new_grade: Grade,
    job_arranged: bool,
    min_wage: Money,
    rules: &BenefitRules,
    t: &mut impl Tracer,
) -> (Money, Option<Payer>) {
    t.record(|| {
        let mut s = step(Item::MonthlyDisabilityAllowance, "art45.new_grade", REG_45);
        s.inputs = vec![
            q("benefit_wage", old_benefit_wage),
            q("new_grade", new_grade.get()),
        ];
        s.explain_zh = "再次工伤或复查鉴定后，按新认定的伤残等级享受伤残津贴，以原工伤时本人工资为基数".into();
        s.explain_en = "after a second injury or a review, the allowance follows the new grade, on the wage of the earlier injury".into();
        s
    });
    benefits::monthly_disability_allowance(
        old_benefit_wage,
        new_grade,
        job_arranged,
        min_wage,
        rules,
        t,
    )
}

/// Jiangsu Art 33: after a review (复查鉴定) that changes the grade the
/// one-time disability subsidy is not computed again: it stays what was
/// determined on the conclusion reviewed, whatever the new grade, so nothing
/// more is paid and nothing is recovered.
pub fn subsidy_after_review(review: &ReviewOf, new_grade: Grade, t: &mut impl Tracer) -> Money {
    let kept = review.disability_subsidy;
    t.record(|| {
        let mut s = step(
            Item::OneTimeDisabilitySubsidy,
            "jiangsu.art33.no_new_subsidy",
            JS_33,
        );
        s.inputs = vec![
            q("previous_grade", review.previous_grade),
            q("determined_before", kept),
            q("new_grade", new_grade.get()),
        ];
        s.formula = format!("{kept}");
        s.explain_zh = format!(
            "复查鉴定伤残等级由{}级变为{}级，不重新计发一次性伤残补助金，仍为原核定的{kept}元",
            review.previous_grade,
            new_grade.get()
        );
        s.explain_en = format!(
            "the review changed the grade from {} to {}: the one-time disability subsidy is not recomputed and stays {kept}",
            review.previous_grade,
            new_grade.get()
        );
        s.amount = kept;
        s
    });
    kept
}
