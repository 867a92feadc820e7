//! The award of a case under a scheme: eligibility, the Regulations' items (or
//! an insurer's schedule), the provincial one-time subsidies on termination,
//! the pension offset, the survivors' choice, and the scheme's own list of
//! items and payers.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::award::Periodicity;
use crate::benefits::{DependantPension, Payer};
use crate::case::{
    CaseInput, KEY_AVG_WAGE, KEY_FOOD_SUBSIDY, KEY_MIN_WAGE, KEY_NATIONAL_INCOME,
    KEY_PRIVATE_AVG_WAGE, Regime, award_input, calculate_case_in,
};
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{Citation, ParamUse, PolicySet, Status};
use crate::rate::Rate;
use crate::retirement;
use crate::scheme::{BenefitFamily, BenefitWageBasis, Eligibility, Scheme, TerminationSubsidies};
use crate::trace::{Article, Item, Step, Trace, q};

/// Why the employment ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminationReason {
    /// The worker asked to end it (grades 5-6) or resigned (grades 7-10).
    WorkerRequest,
    /// The labour contract expired.
    ContractExpiry,
    /// The worker ended it for the employer's fault (劳动合同法第三十八条).
    EmployerFault,
    /// The employer ended it.
    EmployerTermination,
}

/// The end of the employment relation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    pub date: Date,
    pub reason: TerminationReason,
    /// Guangdong Art 35: the average monthly contribution wage of the 12 months
    /// before the termination (fewer months: the average over those).
    #[serde(default)]
    pub wage_before_termination: Option<Money>,
    /// Guangdong Regulations Art 56 with Art 33: the average monthly wage
    /// actually paid over the same 12 months, when the unit declared less
    /// (`wage_before_termination` is the declared one). The termination
    /// subsidies are computed again on it and the unit owes the difference.
    #[serde(default)]
    pub actual_wage_before_termination: Option<Money>,
}

/// Whether survivors take the work-injury or the pension insurance's funeral
/// and survivor benefits (Guangdong specific persons).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurvivorChoice {
    WorkInjury,
    Pension,
}

/// One item of an award under a scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemeLine {
    pub item: Item,
    pub amount: Money,
    pub periodicity: Periodicity,
    pub payer: Payer,
    pub citation: Citation,
}

/// An item the Regulations would pay that this scheme does not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExcludedItem {
    pub item: Item,
    pub amount: Money,
    pub reason_zh: String,
    pub reason_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemeResult {
    pub scheme_id: crate::SchemeId,
    pub scheme_name_zh: String,
    pub scheme_name_en: String,
    pub case_id: Option<String>,
    pub region: Option<String>,
    pub eligibility: Option<Eligibility>,
    /// The benefit wage, where the scheme computes one.
    pub benefit_wage: Option<Money>,
    pub lines: Vec<SchemeLine>,
    pub excluded: Vec<ExcludedItem>,
    pub survivors: Vec<DependantPension>,
    /// Guangdong Regulations Art 56: each survivor's pension on the actual
    /// wage less the one on the declared wage (`paid`; `computed` the same),
    /// in the order of `survivors`: what the unit's survivors' pensions line
    /// is made of. Empty without an `actual_wage` or a difference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub survivors_owed_by_unit: Vec<DependantPension>,
    pub trace: Trace,
}

impl SchemeResult {
    pub fn amount(&self, item: Item) -> Money {
        self.lines
            .iter()
            .filter(|l| l.item == item)
            .map(|l| l.amount)
            .fold(Money::ZERO, |a, b| {
                a.checked_add(b).expect("amount overflow")
            })
    }
}

const fn periodicity(item: Item) -> Periodicity {
    match item {
        Item::MonthlyDisabilityAllowance
        | Item::MonthlyLivingCare
        | Item::MonthlySurvivorPensions
        | Item::MonthlyContribution => Periodicity::Monthly,
        _ => Periodicity::OneTime,
    }
}

/// What scheme steps cite: the scheme's own instrument is named in the step's
/// explanation and in each line's citation.
const SCHEME: Article = Article {
    zh: "保障方案（见方案文件）",
    en: "the scheme (see its policy file)",
};

fn step(
    item: Item,
    rule: &'static str,
    article: Article,
    zh: String,
    en: String,
    amount: Money,
) -> Step {
    Step {
        item,
        rule,
        article,
        inputs: Vec::new(),
        params: Vec::new(),
        formula: String::new(),
        explain_zh: zh,
        explain_en: en,
        amount,
    }
}

const JS_27_28: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第二十七条、第二十八条",
    en: "Jiangsu implementation measures Arts 27-28",
};
const JS_28: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第二十八条",
    en: "Jiangsu implementation measures Art 28",
};

/// Checks the person against the scheme on the injury date. Schemes for
/// employees only need no person; every other scheme does.
pub fn check_eligibility(
    policy: &PolicySet,
    scheme: &Scheme,
    case: &CaseInput,
) -> Result<Option<Eligibility>, RulesError> {
    let employees_only = scheme
        .categories
        .iter()
        .all(|c| c.category == crate::scheme::Category::Employee);
    match &case.person {
        None if employees_only => {
            if !scheme.is_in_force(case.injury_date) {
                return Err(RulesError::NotEligible {
                    scheme: scheme.id.to_string(),
                    rule: "scheme_in_force",
                    value: case.injury_date.to_string(),
                    allowed: format!("from {}", scheme.from),
                });
            }
            Ok(None)
        }
        None => Err(RulesError::missing(
            "person",
            format!(
                "the eligibility of scheme {} (category, birth_date, ...)",
                scheme.id
            ),
        )),
        Some(person) => {
            let mut who = person.clone();
            if who.region.is_none() {
                who.region = case.region.clone();
            }
            scheme
                .eligibility(policy, &who, case.injury_date)?
                .into_result()
                .map(Some)
        }
    }
}

/// Computes the award of `case` under scheme `scheme_id`.
pub fn calculate_under_scheme(
    policy: &PolicySet,
    scheme_id: &crate::SchemeId,
    case: &CaseInput,
) -> Result<SchemeResult, RulesError> {
    let scheme = policy.scheme(scheme_id)?;
    if case.uninsured.is_some()
        && scheme.claim_procedure != crate::scheme::ClaimProcedure::InjuryDetermination
    {
        return Err(RulesError::InputConflict {
            input: "uninsured",
            reason: format!(
                "scheme {} has no employer who insures the worker; Regulations Art 62 concerns a unit's insurance",
                scheme.id
            ),
        });
    }
    let eligibility = check_eligibility(policy, scheme, case)?;
    let mut result = match scheme.benefit_family {
        BenefitFamily::Regulations
            if scheme.benefit_wage_basis == BenefitWageBasis::PrivateAverageShare =>
        {
            platform_award(policy, scheme, case)?
        }
        BenefitFamily::Regulations => regulations_award(policy, scheme, case)?,
        BenefitFamily::InsurerSchedule => insurer_award(policy, scheme, case)?,
    };
    result.eligibility = eligibility;
    crate::uninsured::apply(case, &mut result);
    let actual_before_termination = case
        .termination
        .as_ref()
        .and_then(|t| t.actual_wage_before_termination);
    // Art 56 with Art 33: an actual wage before the termination alone
    // compares the award with the own wage unchanged.
    if let Some(actual_wage) = case
        .actual_wage
        .or(actual_before_termination.map(|_| case.own_wage))
    {
        let guangdong = scheme.benefit_family == BenefitFamily::Regulations
            && scheme.benefit_wage_basis == BenefitWageBasis::OwnWage
            && scheme
                .termination_subsidies
                .in_region(case.region.as_deref())
                == TerminationSubsidies::Guangdong;
        if !guangdong {
            return Err(RulesError::InputConflict {
                input: "actual_wage",
                reason: format!(
                    "Guangdong Regulations Art 56 (the unit pays the difference of a wage under-declared) applies to a Guangdong scheme that computes benefits on the own wage; scheme {} does not",
                    scheme.id
                ),
            });
        }
        crate::underdeclared::check_actual_wage(case, actual_wage)?;
        let on_actual = calculate_under_scheme(
            policy,
            scheme_id,
            &crate::underdeclared::on_actual_wage(case, actual_wage),
        )?;
        crate::underdeclared::guangdong_art56_difference(
            case,
            actual_wage,
            &mut result.lines,
            &mut result.trace,
            &on_actual.lines,
            &on_actual.trace,
        );
        if result.survivors.len() == on_actual.survivors.len()
            && result
                .lines
                .iter()
                .any(|l| l.item == Item::MonthlySurvivorPensions && l.payer == Payer::Employer)
        {
            result.survivors_owed_by_unit = result
                .survivors
                .iter()
                .zip(&on_actual.survivors)
                .map(|(declared, actual)| {
                    let owed = actual
                        .paid
                        .checked_sub(declared.paid)
                        .expect("bounded amounts");
                    DependantPension {
                        computed: owed,
                        paid: owed,
                        ..declared.clone()
                    }
                })
                .collect();
        }
    }
    Ok(result)
}

fn regulations_award(
    policy: &PolicySet,
    scheme: &Scheme,
    case: &CaseInput,
) -> Result<SchemeResult, RulesError> {
    let mut case = case.clone();
    let mut pre_steps = Vec::new();
    if scheme.benefit_wage_basis == BenefitWageBasis::RegionalAverage {
        let avg = match case.regional_avg_wage {
            Some(m) => m,
            None => {
                let region = case.region.as_deref().ok_or_else(|| {
                    RulesError::missing(
                        "region",
                        "the regional average wage the scheme computes benefits on",
                    )
                })?;
                policy
                    .regional(region, KEY_AVG_WAGE, case.injury_date)?
                    .money()
            }
        };
        let mut s = step(
            Item::BenefitWage,
            "scheme.benefit_wage_basis",
            SCHEME,
            format!(
                "本方案以统筹地区上年度职工月平均工资{avg}元为计发基数（本人工资{}元不适用）",
                case.own_wage
            ),
            format!(
                "this scheme computes benefits on the regional average wage {avg} (own wage {} not used)",
                case.own_wage
            ),
            avg,
        );
        s.inputs = vec![q("own_wage", case.own_wage), q("regional_avg_wage", avg)];
        s.formula = format!("{avg}");
        pre_steps.push(s);
        case.own_wage = avg;
    }
    let provincial = scheme
        .termination_subsidies
        .in_region(case.region.as_deref());
    let guangdong = provincial == TerminationSubsidies::Guangdong;
    let jiangsu = provincial == TerminationSubsidies::Jiangsu;
    let mut regime = Regime::default();
    if guangdong {
        regime.provincial_avg_region = Some(GUANGDONG_PROVINCE);
        regime.suspension_limits = Some((
            policy.at(
                "guangdong",
                "guangdong.art25.suspension_months_max",
                case.injury_date,
            )?,
            policy.at(
                "guangdong",
                "guangdong.art25.suspension_extension_months_max",
                case.injury_date,
            )?,
        ));
    }
    // Guangdong pays living care by its own four levels (Art 26): the national
    // three are not used, and the level must be given.
    let gd_care = if guangdong && (case.nursing.is_some() || case.care_level_guangdong.is_some()) {
        let level = case.care_level_guangdong.ok_or_else(|| {
            RulesError::missing(
                "care_level_guangdong",
                "living care in Guangdong (Guangdong Regulations Arts 17 and 26: four self-care levels)",
            )
        })?;
        if !(1..=4).contains(&level) {
            return Err(RulesError::out_of_range(
                "care_level_guangdong",
                level,
                "1 to 4 (Guangdong Regulations Art 17)",
            ));
        }
        case.nursing = None;
        Some(level)
    } else {
        if case.care_level_guangdong.is_some() {
            return Err(RulesError::InputConflict {
                input: "care_level_guangdong",
                reason: format!(
                    "scheme {} does not pay living care by Guangdong's four levels",
                    scheme.id
                ),
            });
        }
        None
    };
    // 粤人社规〔2020〕55号 Art 9(1): an allowance already drawn counts with the pension.
    if let Some(existing) = case.existing_allowance_monthly {
        if !scheme.offsets_existing_allowance {
            return Err(RulesError::InputConflict {
                input: "existing_allowance_monthly",
                reason: format!(
                    "scheme {} has no rule for an allowance already drawn",
                    scheme.id
                ),
            });
        }
        let pension = case.basic_pension_monthly.unwrap_or(Money::ZERO);
        let both = pension.checked_add(existing).expect("bounded amounts");
        let mut s = step(
            Item::MonthlyDisabilityAllowance,
            "guangdong_55hao.art9_1.existing_allowance",
            GD_55_9_1,
            format!(
                "已领取伤残津贴或病残津贴{existing}元，与基本养老金{pension}元合计{both}元，作为补差和计算伤残津贴的基数"
            ),
            format!(
                "an allowance already drawn {existing} and the basic pension {pension}, together {both}, are set against the new allowance"
            ),
            both,
        );
        s.inputs = vec![
            q("existing_allowance_monthly", existing),
            q("basic_pension_monthly", pension),
        ];
        s.formula = format!("{pension} + {existing} = {both}");
        pre_steps.push(s);
        case.basic_pension_monthly = Some(both);
    }
    // Jiangsu Art 29: the allowance and living care are paid from the month
    // after the appraisal conclusion, at that month's values.
    if jiangsu && let Some(appraisal) = case.appraisal_date {
        let first = first_day_of_next_month(appraisal);
        let mut s = step(
            Item::MonthlyDisabilityAllowance,
            "jiangsu.art29.first_month",
            JS_29,
            format!(
                "伤残津贴、生活护理费自劳动能力鉴定结论作出的次月（{first}起）发放，最低工资标准等按发放当月执行"
            ),
            format!(
                "the allowance and living care are paid from the month after the appraisal conclusion ({first}), at that month's minimum wage and regional values"
            ),
            Money::ZERO,
        );
        s.inputs = vec![q("appraisal_date", appraisal), q("first_month", first)];
        pre_steps.push(s);
        case.appraisal_date = Some(first);
    }
    let base = calculate_case_in(policy, &case, &regime)?;
    let mut trace = Trace { steps: pre_steps };
    trace.steps.extend(base.trace.steps);
    let grade = case.grade.filter(|g| *g > 0);
    let mut amounts: Vec<(Item, Money)> = base.lines.iter().map(|l| (l.item, l.amount)).collect();
    let set = |amounts: &mut Vec<(Item, Money)>, item: Item, amount: Money| {
        amounts.retain(|(i, _)| *i != item);
        if amount > Money::ZERO {
            amounts.push((item, amount));
        }
    };
    if let Some(level) = gd_care {
        let care = guangdong_living_care(policy, &case, grade, level, &mut trace)?;
        set(&mut amounts, Item::MonthlyLivingCare, care);
    }
    // A second injury (Regulations Art 45; Jiangsu Art 33, second sentence).
    let mut allowance_base = base.amounts.benefit_wage;
    if !case.earlier_injuries.is_empty() && grade.is_some() && case.death_date.is_none() {
        let allowance = amounts
            .iter()
            .find(|(i, _)| *i == Item::MonthlyDisabilityAllowance)
            .map(|(_, m)| *m);
        if let Some((amount, wage)) =
            second_injury_allowance(policy, &case, &regime, jiangsu, allowance, &mut trace)?
        {
            set(&mut amounts, Item::MonthlyDisabilityAllowance, amount);
            allowance_base = wage;
        }
    }
    // Jiangsu Art 33: a review does not recompute the one-time disability subsidy.
    if jiangsu
        && let Some(review) = &case.review
        && let Some(g) = grade
    {
        let kept = crate::missing_and_repeat::subsidy_after_review(
            review,
            crate::Grade::new(g)?,
            &mut trace,
        );
        set(&mut amounts, Item::OneTimeDisabilitySubsidy, kept);
    }
    // Only where the scheme pays the employer's allowance (not, e.g., the
    // single-line scheme, which excludes it): an excluded item asks for nothing.
    if jiangsu
        && grade.is_some_and(|g| (5..=6).contains(&g))
        && scheme
            .item(Item::MonthlyDisabilityAllowance, grade)
            .is_some()
        && case.job_arranged == Some(false)
        && case.death_date.is_none()
    {
        let allowance = jiangsu_art26_allowance(
            policy,
            &case,
            grade.unwrap_or(5),
            allowance_base,
            &mut trace,
        )?;
        set(&mut amounts, Item::MonthlyDisabilityAllowance, allowance);
    }
    let get = |amounts: &Vec<(Item, Money)>, item: Item| {
        amounts
            .iter()
            .find(|(i, _)| *i == item)
            .map_or(Money::ZERO, |(_, m)| *m)
    };

    // Survivors who take the pension insurance's funeral and survivor benefits.
    if case.survivor_benefits_from == Some(SurvivorChoice::Pension) {
        if case.death_date.is_none() {
            return Err(RulesError::InputConflict {
                input: "survivor_benefits_from",
                reason: "a choice of survivor benefits needs a death_date".into(),
            });
        }
        if !scheme.survivors_choose_pension {
            return Err(RulesError::InputConflict {
                input: "survivor_benefits_from",
                reason: format!(
                    "scheme {} does not let survivors choose the pension insurance's benefits",
                    scheme.id
                ),
            });
        }
        for item in [Item::FuneralSubsidy, Item::MonthlySurvivorPensions] {
            let was = get(&amounts, item);
            trace.steps.push(step(
                item,
                "scheme.survivors_choose_pension",
                SCHEME,
                format!("近亲属选择领取基本养老保险的丧葬补助金和抚恤金，不再支付工伤保险的{}（{was}元）", item.label_zh()),
                format!("survivors chose the pension insurance's funeral and survivor benefits: no {} ({was})", item.label_en()),
                Money::ZERO,
            ));
            set(&mut amounts, item, Money::ZERO);
        }
    }

    // 粤人社规〔2020〕55号 Art 9(2): the medical subsidy on application.
    if scheme.medical_subsidy_on_application {
        if case.termination.is_some() {
            trace.steps.push(step(
                Item::OneTimeMedicalSubsidy,
                "guangdong_55hao.art9_2.no_termination",
                GD_55_9_2,
                "单项参保人员的一次性工伤医疗补助金按申请发放，不以解除或终止劳动关系为条件；终止情形不引起该补助金".into(),
                "under the specific-persons measure the medical subsidy is paid on application, not on a termination".into(),
                Money::ZERO,
            ));
        }
        if let Some(applied) = case.medical_subsidy_applied_on {
            match grade {
                Some(g) if g >= 5 => {
                    let medical = guangdong_medical_on_application(
                        policy,
                        &case,
                        g,
                        applied,
                        base.amounts.benefit_wage,
                        &mut trace,
                    )?;
                    set(&mut amounts, Item::OneTimeMedicalSubsidy, medical);
                }
                _ => {
                    return Err(RulesError::InputConflict {
                        input: "medical_subsidy_applied_on",
                        reason: "the one-time medical subsidy is for grades 5-10 (粤人社规〔2020〕55号 Art 9(2))".into(),
                    });
                }
            }
        }
    } else if case.medical_subsidy_applied_on.is_some() {
        return Err(RulesError::InputConflict {
            input: "medical_subsidy_applied_on",
            reason: format!(
                "scheme {} pays the medical subsidy on a termination, not on application",
                scheme.id
            ),
        });
    }
    if let Some(term) = case
        .termination
        .as_ref()
        .filter(|_| !scheme.medical_subsidy_on_application)
    {
        if term.date < case.injury_date {
            return Err(RulesError::InputConflict {
                input: "termination.date",
                reason: format!(
                    "{} is before the injury date {}",
                    term.date, case.injury_date
                ),
            });
        }
        match grade {
            Some(g) if g >= 5 => {
                let (medical, employment) = match provincial {
                    TerminationSubsidies::Guangdong => {
                        guangdong_subsidies(policy, &case, term, g, &mut trace)?
                    }
                    TerminationSubsidies::Jiangsu => {
                        // Art 32: by the highest grade of the injuries at the unit.
                        let highest = crate::missing_and_repeat::termination_subsidy_grade(
                            crate::Grade::new(g)?,
                            &case.earlier_injuries,
                            &mut trace,
                        );
                        jiangsu_subsidies(policy, &case, term, highest.get(), &mut trace)?
                    }
                    TerminationSubsidies::Shandong => (
                        shandong_medical_subsidy(policy, &case, term, g, &mut trace)?,
                        Money::ZERO,
                    ),
                    TerminationSubsidies::None | TerminationSubsidies::ByRegion => {
                        trace.steps.push(step(
                            Item::OneTimeMedicalSubsidy,
                            "termination.no_provincial_amounts",
                            crate::articles::REG_36,
                            format!("一次性工伤医疗补助金和一次性伤残就业补助金的具体标准由省级人民政府规定，方案{}未载入", scheme.id),
                            format!("the one-time medical and employment subsidies are set by the province; scheme {} has none loaded", scheme.id),
                            Money::ZERO,
                        ));
                        (Money::ZERO, Money::ZERO)
                    }
                };
                set(&mut amounts, Item::OneTimeMedicalSubsidy, medical);
                set(&mut amounts, Item::OneTimeEmploymentSubsidy, employment);
            }
            _ => trace.steps.push(step(
                Item::OneTimeMedicalSubsidy,
                "termination.grades_5_10_only",
                crate::articles::REG_37,
                "一次性工伤医疗补助金和一次性伤残就业补助金仅适用于五至十级伤残职工".into(),
                "the one-time medical and employment subsidies are for grades 5-10 only".into(),
                Money::ZERO,
            )),
        }
    }

    // Guangdong Regulations Art 29: the unit's resettlement allowance.
    if let Some(moved) = case.household_moved_home_on {
        if !guangdong {
            return Err(RulesError::InputConflict {
                input: "household_moved_home_on",
                reason: format!(
                    "the resettlement allowance is Guangdong's (Guangdong Regulations Art 29); scheme {} does not apply them here",
                    scheme.id
                ),
            });
        }
        let allowance = guangdong_resettlement_allowance(policy, &case, grade, moved, &mut trace)?;
        set(&mut amounts, Item::ResettlementAllowance, allowance);
    }

    let (lines, excluded) = apply_scheme_items(scheme, grade, amounts, &mut trace);
    Ok(SchemeResult {
        scheme_id: scheme.id.clone(),
        scheme_name_zh: scheme.name_zh.clone(),
        scheme_name_en: scheme.name_en.clone(),
        case_id: case.case_id.clone(),
        region: case.region.clone(),
        eligibility: None,
        benefit_wage: Some(base.amounts.benefit_wage),
        survivors: if lines
            .iter()
            .any(|l| l.item == Item::MonthlySurvivorPensions)
        {
            base.survivors
        } else {
            Vec::new()
        },
        lines,
        excluded,
        survivors_owed_by_unit: Vec::new(),
        trace,
    })
}

const PLATFORM_38_39: Article = Article {
    zh: "《新就业形态人员职业伤害保障业务经办和征收管理规程（试行）》（人社厅函〔2025〕79号）第三十八条、第三十九条",
    en: "Platform pilot handling rules (MOHRSS 2025 No. 79) Arts 38-39",
};

/// The platform pilot (经办规程 Arts 38-39, 人社部发〔2025〕24号): the base of
/// every wage-linked item is a share (60%) of the pooling region's previous
/// year average wage of urban private-unit employees, at the legal date of
/// the item (the injury for the disability items, the death for the funeral
/// subsidy and survivors' pensions), rounded once half away from zero to the
/// fen; no Art 64 clamp (there is no own wage). Grades 1-4: the one-time
/// subsidy and the monthly allowance on the base; grades 5-6: the one-time
/// subsidy and a one-time allowance of 30/25 months of the base; grades 7-10:
/// the one-time subsidy. Survivors' pensions are capped at the base. No
/// suspension wages and no employer items: there is no employer.
fn platform_award(
    policy: &PolicySet,
    scheme: &Scheme,
    case: &CaseInput,
) -> Result<SchemeResult, RulesError> {
    use crate::benefits::{self, BenefitRules, Grade};
    let mut case = case.clone();
    // There is no employer to arrange a job: job_arranged is not asked for.
    if case.grade.is_some_and(|g| (5..=6).contains(&g)) && case.job_arranged.is_none() {
        case.job_arranged = Some(false);
    }
    let input = award_input(&case)?;
    if let Some(death) = case.death_date
        && death < case.injury_date
    {
        return Err(RulesError::InputConflict {
            input: "death_date",
            reason: format!("{death} is before the injury date {}", case.injury_date),
        });
    }
    let rules = BenefitRules::resolve(policy, case.injury_date)?;
    let mut trace = Trace::default();
    let mut amounts: Vec<(Item, Money)> = Vec::new();
    let share = policy.at(
        &scheme.jurisdiction,
        crate::scheme::KEY_BASE_SHARE,
        case.injury_date,
    )?;
    let base_at = |date: Date,
                   trace: &mut Trace,
                   (why_zh, why_en): (&str, &str)|
     -> Result<Money, RulesError> {
        let (avg, avg_use) = regional_or_given(
            policy,
            &case,
            KEY_PRIVATE_AVG_WAGE,
            case.private_avg_wage,
            date,
            "private_avg_wage",
        )?;
        let base = avg.mul_rate(share.rate());
        let pct = share.rate().to_percent_string();
        let mut s = step(
            Item::BenefitWage,
            "platform.base",
            PLATFORM_38_39,
            format!(
                "{why_zh}：以统筹地区上年度城镇私营单位就业人员月平均工资{avg}元的{pct}为计发基数：{base}元"
            ),
            format!(
                "{why_en}: the base is {pct} of the regional previous-year average wage of urban private-unit employees {avg}: {base}"
            ),
            base,
        );
        s.inputs = vec![q("private_avg_wage", avg), q("on", date)];
        s.params = vec![share.clone()];
        s.params.extend(avg_use);
        s.formula = format!("{avg} × {pct} = {base}");
        trace.steps.push(s);
        Ok(base)
    };
    let injury_base = if input.grade.is_some() || case.death_date.is_none() {
        Some(base_at(
            case.injury_date,
            &mut trace,
            ("伤残待遇", "disability benefits"),
        )?)
    } else {
        None
    };
    if input.suspension_months > 0 {
        trace.steps.push(step(
            Item::SuspensionWages,
            "platform.no_employer",
            PLATFORM_38_39,
            "职业伤害保障无用人单位，不支付停工留薪期工资".into(),
            "no employer under the platform pilot: no paid-suspension wages".into(),
            Money::ZERO,
        ));
    }
    if input.hospital_days > 0 {
        let (daily, daily_use) = regional_or_given(
            policy,
            &case,
            KEY_FOOD_SUBSIDY,
            case.food_subsidy_daily,
            case.injury_date,
            "food_subsidy_daily",
        )?;
        let amount = benefits::hospital_food_subsidy(
            daily,
            input.hospital_days,
            daily_use.as_ref(),
            &mut trace,
        );
        amounts.push((Item::HospitalFoodSubsidy, amount));
    }
    if let Some(grade) = input.grade {
        let base = injury_base.expect("computed with a grade");
        let subsidy = benefits::one_time_disability_subsidy(
            base,
            grade,
            input.veteran_recurrence,
            &rules,
            &mut trace,
        );
        amounts.push((Item::OneTimeDisabilitySubsidy, subsidy));
        let g = grade.get();
        let appraisal = case.appraisal_date.ok_or_else(|| {
            RulesError::missing(
                "appraisal_date",
                "a grade or nursing level (the date of the appraisal conclusion)",
            )
        })?;
        if g <= 4 && !input.died {
            let (min, min_use) = regional_or_given(
                policy,
                &case,
                KEY_MIN_WAGE,
                case.min_wage,
                appraisal,
                "min_wage",
            )?;
            let (mut allowance, _) = benefits::monthly_disability_allowance(
                base,
                Grade::new(g)?,
                false,
                min,
                &rules,
                &mut trace,
            );
            if let Some(last) = trace.steps.last_mut() {
                last.params.extend(min_use);
            }
            if let Some(pension) = input.basic_pension_monthly {
                allowance = crate::award::pension_offset(allowance, pension, &mut trace);
            }
            amounts.push((Item::MonthlyDisabilityAllowance, allowance));
        } else if (5..=6).contains(&g) {
            let months = policy.at(
                &scheme.jurisdiction,
                crate::scheme::KEY_ONE_TIME_ALLOWANCE_MONTHS[usize::from(g - 5)],
                case.injury_date,
            )?;
            let amount = base.times(months.whole());
            let mut s = step(
                Item::OneTimeDisabilityAllowance,
                "platform.one_time_allowance",
                PLATFORM_38_39,
                format!(
                    "{g}级伤残，一次性伤残津贴为{}个月的计发基数（无用人单位按月支付伤残津贴）",
                    months.whole()
                ),
                format!(
                    "grade {g}: a one-time disability allowance of {} months of the base (no employer pays a monthly allowance)",
                    months.whole()
                ),
                amount,
            );
            s.inputs = vec![q("base", base), q("grade", g)];
            s.params = vec![months];
            s.formula = format!("{base} × {} = {amount}", s.params[0].whole());
            trace.steps.push(s);
            amounts.push((Item::OneTimeDisabilityAllowance, amount));
        }
        if let Some(level) = input.nursing
            && !input.died
        {
            let (avg, avg_use) = regional_or_given(
                policy,
                &case,
                KEY_AVG_WAGE,
                case.regional_avg_wage,
                appraisal,
                "regional_avg_wage",
            )?;
            let care = benefits::monthly_living_care(avg, level, &rules, &mut trace);
            if let Some(last) = trace.steps.last_mut() {
                last.params.extend(avg_use);
            }
            amounts.push((Item::MonthlyLivingCare, care));
        }
    }
    let mut survivors = Vec::new();
    if let Some(death) = case.death_date {
        let base = base_at(death, &mut trace, ("因工死亡待遇", "death benefits"))?;
        let funeral = base.times(rules.funeral_subsidy_months.whole());
        let months = rules.funeral_subsidy_months.whole();
        let mut s = step(
            Item::FuneralSubsidy,
            "platform.funeral",
            PLATFORM_38_39,
            format!("丧葬补助金为{months}个月的计发基数"),
            format!("the funeral subsidy is {months} months of the base"),
            funeral,
        );
        s.inputs = vec![q("base", base)];
        s.params = vec![rules.funeral_subsidy_months.clone()];
        s.formula = format!("{base} × {months} = {funeral}");
        trace.steps.push(s);
        amounts.push((Item::FuneralSubsidy, funeral));
        let pensions = benefits::survivor_pensions(base, input.dependants, &rules, &mut trace);
        amounts.push((Item::MonthlySurvivorPensions, pensions));
        survivors = benefits::survivor_parts(base, input.dependants, &rules);
        if input.grade.is_some_and(|g| g.get() <= 4) {
            trace.steps.push(step(
                Item::OneTimeDeathBenefit,
                "art39_3.no_death_benefit",
                crate::articles::REG_39_3,
                "一至四级伤残人员在停工留薪期满后死亡，不享受一次性工亡补助金".into(),
                "a grade 1-4 worker who died after the paid suspension period: no one-time death benefit".into(),
                Money::ZERO,
            ));
        } else {
            let (income, income_use) = match case.national_income {
                Some(m) => (m, None),
                None => {
                    let p = policy.for_year("national", KEY_NATIONAL_INCOME, death.year() - 1)?;
                    (p.money(), Some(p))
                }
            };
            let amount =
                benefits::one_time_death_benefit(income, income_use.as_ref(), &rules, &mut trace);
            amounts.push((Item::OneTimeDeathBenefit, amount));
        }
    }
    let grade = case.grade.filter(|g| *g > 0);
    let (lines, excluded) = apply_scheme_items(scheme, grade, amounts, &mut trace);
    let benefit_wage = injury_base.or_else(|| {
        trace
            .steps
            .iter()
            .find(|s| s.rule == "platform.base")
            .map(|s| s.amount)
    });
    Ok(SchemeResult {
        scheme_id: scheme.id.clone(),
        scheme_name_zh: scheme.name_zh.clone(),
        scheme_name_en: scheme.name_en.clone(),
        case_id: case.case_id.clone(),
        region: case.region.clone(),
        eligibility: None,
        benefit_wage,
        survivors: if lines
            .iter()
            .any(|l| l.item == Item::MonthlySurvivorPensions)
        {
            survivors
        } else {
            Vec::new()
        },
        lines,
        excluded,
        survivors_owed_by_unit: Vec::new(),
        trace,
    })
}

/// Keeps the items the scheme pays, with its payers; reports the rest.
fn apply_scheme_items(
    scheme: &Scheme,
    grade: Option<u8>,
    amounts: Vec<(Item, Money)>,
    trace: &mut Trace,
) -> (Vec<SchemeLine>, Vec<ExcludedItem>) {
    let mut lines = Vec::new();
    let mut excluded = Vec::new();
    for item in Item::ALL {
        let Some(&(_, amount)) = amounts.iter().find(|(i, _)| *i == item) else {
            continue;
        };
        if amount <= Money::ZERO {
            continue;
        }
        match scheme.item(item, grade) {
            Some(rule) => lines.push(SchemeLine {
                item,
                amount,
                periodicity: periodicity(item),
                payer: rule.payer,
                citation: line_citation(&rule.citation, item, trace),
            }),
            None => {
                let reason_zh = format!(
                    "{}不在方案“{}”的待遇项目之内",
                    item.label_zh(),
                    scheme.name_zh
                );
                let reason_en =
                    format!("{} is not an item of scheme {}", item.label_en(), scheme.id);
                trace.steps.push(step(
                    item,
                    "scheme.item_not_covered",
                    SCHEME,
                    reason_zh.clone(),
                    reason_en.clone(),
                    Money::ZERO,
                ));
                excluded.push(ExcludedItem {
                    item,
                    amount,
                    reason_zh,
                    reason_en,
                });
            }
        }
    }
    (lines, excluded)
}

/// A line's citation: the scheme's rule for the item, marked assumed when the
/// rule is, or when a step that produced the amount used a value that is not
/// confirmed (the note names the values), so that no amount resting on an
/// assumption reads as confirmed.
fn line_citation(rule: &Citation, item: Item, trace: &Trace) -> Citation {
    let mut citation = rule.clone();
    let mut unconfirmed: Vec<String> = Vec::new();
    for s in trace.steps.iter().filter(|s| {
        s.item == item || (s.item == Item::BenefitWage && item != Item::HospitalFoodSubsidy)
    }) {
        for p in &s.params {
            if p.citation.status != Status::Confirmed {
                let name = format!("{}", p.id);
                if !unconfirmed.contains(&name) {
                    unconfirmed.push(name);
                }
            }
        }
    }
    if !unconfirmed.is_empty() {
        if citation.status == Status::Confirmed {
            citation.status = Status::Assumed;
        }
        let extra = format!("rests on values not confirmed: {}", unconfirmed.join(", "));
        citation.note = Some(match citation.note.take() {
            Some(n) => format!("{n}; {extra}"),
            None => extra,
        });
    }
    citation
}

/// The province's region code for Guangdong's averages.
const GUANGDONG_PROVINCE: &str = "440000";
const GD_26: Article = Article {
    zh: "《广东省工伤保险条例》第十七条、第二十六条",
    en: "Guangdong Regulations Arts 17 and 26",
};
const GD_31: Article = Article {
    zh: "《广东省工伤保险条例》第三十一条",
    en: "Guangdong Regulations Art 31",
};
const GD_32: Article = Article {
    zh: "《广东省工伤保险条例》第三十二条",
    en: "Guangdong Regulations Art 32",
};
const GD_33: Article = Article {
    zh: "《广东省工伤保险条例》第三十三条、第六十四条",
    en: "Guangdong Regulations Arts 33 and 64",
};
const GD_55_9_1: Article = Article {
    zh: "粤人社规〔2020〕55号第九条第一款",
    en: "Guangdong specific-persons measure Art 9(1)",
};
const GD_55_9_2: Article = Article {
    zh: "粤人社规〔2020〕55号第九条第二款",
    en: "Guangdong specific-persons measure Art 9(2)",
};
const JS_26: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第二十六条、第四十条",
    en: "Jiangsu implementation measures Arts 26 and 40",
};
const JS_29: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第二十九条",
    en: "Jiangsu implementation measures Art 29",
};
const SD_MEDICAL: Article = Article {
    zh: "山东省一次性工伤医疗补助金标准（五至十级）",
    en: "Shandong one-time work-injury medical subsidy (grades 5-10)",
};

/// The first day of the month after `date`.
pub fn first_day_of_next_month(date: Date) -> Date {
    let first = date.first_of_month();
    first
        .checked_add(jiff::Span::new().months(1))
        .expect("a date within the supported range")
}

/// Guangdong's average at `date`: the province's, or the city's where higher
/// (Guangdong Regulations Art 64, last paragraph), or the case's override.
fn guangdong_avg(
    policy: &PolicySet,
    case: &CaseInput,
    date: Date,
) -> Result<(Money, Vec<ParamUse>), RulesError> {
    if let Some(m) = case.regional_avg_wage {
        return Ok((m, Vec::new()));
    }
    let region = case.region.as_deref().ok_or_else(|| {
        RulesError::missing(
            "region",
            "the Guangdong average wage (or give regional_avg_wage)",
        )
    })?;
    let prov = policy.regional(GUANGDONG_PROVINCE, KEY_AVG_WAGE, date)?;
    if region == GUANGDONG_PROVINCE {
        return Ok((prov.money(), vec![prov]));
    }
    let city = policy.regional(region, KEY_AVG_WAGE, date)?;
    let amount = prov.money().max(city.money());
    Ok((amount, vec![prov, city]))
}

const GD_29: Article = Article {
    zh: "《广东省工伤保险条例》第二十九条",
    en: "Guangdong Regulations Art 29",
};

/// Guangdong Regulations Art 29: "一级至四级伤残职工户籍从单位所在地迁回原籍的，
/// ……用人单位应当按照全省上年度职工月平均工资为基数发给六个月的安家补助费": for a
/// living grade 1-4 worker whose household registration moved home on
/// `moved`, the unit pays `guangdong.art29.resettlement_allowance_months` ×
/// the provincial previous-year average monthly wage in force that day (the
/// city's where higher, Art 64, last paragraph). Months times a wage: exact,
/// no rounding. The move's costs at business-trip rates are reimbursed on
/// receipts and are not an amount of the award.
fn guangdong_resettlement_allowance(
    policy: &PolicySet,
    case: &CaseInput,
    grade: Option<u8>,
    moved: Date,
    trace: &mut Trace,
) -> Result<Money, RulesError> {
    if moved < case.injury_date {
        return Err(RulesError::InputConflict {
            input: "household_moved_home_on",
            reason: format!("{moved} is before the injury date {}", case.injury_date),
        });
    }
    let grade = match grade {
        Some(g @ 1..=4) if case.death_date.is_none() => g,
        _ => {
            return Err(RulesError::InputConflict {
                input: "household_moved_home_on",
                reason: "the resettlement allowance is for a living worker of grades 1-4 (Guangdong Regulations Art 29)".into(),
            });
        }
    };
    let (avg, avg_uses) = guangdong_avg(policy, case, moved)?;
    let months = policy.at(
        "guangdong",
        "guangdong.art29.resettlement_allowance_months",
        moved,
    )?;
    let n = months.whole();
    let amount = avg.times(n);
    let mut s = step(
        Item::ResettlementAllowance,
        "guangdong.art29.resettlement_allowance",
        GD_29,
        format!(
            "{grade}级伤残职工户籍于{moved}迁回原籍，由用人单位按全省上年度职工月平均工资（地级以上市较高的按该市）{avg}元发给{n}个月的安家补助费"
        ),
        format!(
            "the grade {grade} worker's household registration moved home on {moved}: the unit pays {n} months of the provincial average monthly wage (the city's where higher) {avg}"
        ),
        amount,
    );
    s.inputs = vec![
        q("household_moved_home_on", moved),
        q("grade", grade),
        q("regional_avg_wage", avg),
    ];
    s.params = vec![months];
    s.params.extend(avg_uses);
    s.formula = format!("{avg} × {n} = {amount}");
    trace.steps.push(s);
    Ok(amount)
}

/// Guangdong Regulations Art 26: living care for grades 1-4 by the four
/// self-care levels of Art 17, 60/50/40/30% of the provincial previous-year
/// average monthly wage (the city's where higher, Art 64) at the appraisal;
/// rounded half away from zero to the fen. Other grades get none.
fn guangdong_living_care(
    policy: &PolicySet,
    case: &CaseInput,
    grade: Option<u8>,
    level: u8,
    trace: &mut Trace,
) -> Result<Money, RulesError> {
    if case.death_date.is_some() {
        return Ok(Money::ZERO);
    }
    if grade.is_none_or(|g| g > 4) {
        trace.steps.push(step(
            Item::MonthlyLivingCare,
            "guangdong.art26.grades_1_4_only",
            GD_26,
            "广东省生活护理费限于一级至四级伤残".into(),
            "Guangdong pays living care to grades 1-4 only".into(),
            Money::ZERO,
        ));
        return Ok(Money::ZERO);
    }
    let date = case.appraisal_date.ok_or_else(|| {
        RulesError::missing(
            "appraisal_date",
            "living care (the date of the appraisal conclusion)",
        )
    })?;
    let rate = policy.at(
        "guangdong",
        &format!("guangdong.art26.living_care_rate.level_{level}"),
        date,
    )?;
    let (avg, uses) = guangdong_avg(policy, case, date)?;
    let amount = avg.mul_rate(rate.rate());
    let pct = rate.rate().to_percent_string();
    let mut s = step(
        Item::MonthlyLivingCare,
        "guangdong.art26.living_care",
        GD_26,
        format!(
            "生活自理障碍{level}级，按全省上年度职工月平均工资（地级以上市较高的按该市）{avg}元的{pct}按月发给：{amount}元"
        ),
        format!(
            "self-care level {level}: {pct} of the provincial average (the city's where higher) {avg} a month: {amount}"
        ),
        amount,
    );
    s.inputs = vec![q("care_level_guangdong", level), q("avg_wage", avg)];
    s.params = vec![rate];
    s.params.extend(uses);
    s.formula = format!("{avg} × {pct} = {amount}");
    trace.steps.push(s);
    Ok(amount)
}

/// Regulations Art 45: a worker injured again draws the disability
/// allowance of the grade concluded after the new injury (the allowance of
/// the earlier injury ends where the new one starts: the application ends
/// it). Jiangsu Art 33 (second sentence): the allowance is computed on the
/// own wage at the earlier injury, or at the new one where that is higher.
/// Returns the allowance and the benefit wage it was computed on, when the
/// earlier wage changes it.
fn second_injury_allowance(
    policy: &PolicySet,
    case: &CaseInput,
    regime: &Regime,
    jiangsu: bool,
    allowance: Option<Money>,
    trace: &mut Trace,
) -> Result<Option<(Money, Money)>, RulesError> {
    let Some(allowance) = allowance else {
        return Ok(None);
    };
    let grade = case.grade.unwrap_or_default();
    let mut s = step(
        Item::MonthlyDisabilityAllowance,
        "art45.new_grade",
        crate::articles::REG_45,
        format!(
            "再次发生工伤，按新认定的伤残等级（{grade}级）享受伤残津贴，原伤残津贴自新伤残津贴发放之月起停发"
        ),
        format!(
            "injured again: the allowance follows the grade concluded now (grade {grade}); the earlier allowance stops when this one starts"
        ),
        allowance,
    );
    s.inputs = vec![
        q("earlier_injuries", case.earlier_injuries.len()),
        q("new_grade", grade),
    ];
    trace.steps.push(s);
    if !jiangsu {
        return Ok(None);
    }
    let Some(earlier) = case
        .earlier_injuries
        .iter()
        .filter(|i| i.own_wage.is_some())
        .max_by_key(|i| i.injury_date)
    else {
        return Ok(None);
    };
    let old = earlier.own_wage.expect("filtered");
    if old <= case.own_wage {
        let mut s = step(
            Item::MonthlyDisabilityAllowance,
            "jiangsu.art33.earlier_wage",
            crate::missing_and_repeat::JS_33,
            format!(
                "原工伤（{}）时本人工资{old}元不高于新工伤时本人工资{}元，按新工伤时本人工资计发伤残津贴",
                earlier.injury_date, case.own_wage
            ),
            format!(
                "the own wage at the earlier injury ({}), {old}, is not above the wage at the new one, {}: the allowance is on the new wage",
                earlier.injury_date, case.own_wage
            ),
            allowance,
        );
        s.inputs = vec![q("earlier_own_wage", old), q("own_wage", case.own_wage)];
        trace.steps.push(s);
        return Ok(None);
    }
    let mut on_old = case.clone();
    on_old.own_wage = old;
    let again = calculate_case_in(policy, &on_old, regime)?;
    let amount = again
        .lines
        .iter()
        .find(|l| l.item == Item::MonthlyDisabilityAllowance)
        .map_or(Money::ZERO, |l| l.amount);
    let mut s = step(
        Item::MonthlyDisabilityAllowance,
        "jiangsu.art33.earlier_wage",
        crate::missing_and_repeat::JS_33,
        format!(
            "以原工伤（{}）时本人工资{old}元为基数计发伤残津贴（新工伤时本人工资{}元较低）：计发基数{}元，伤残津贴{amount}元",
            earlier.injury_date, case.own_wage, again.amounts.benefit_wage
        ),
        format!(
            "the allowance is computed on the own wage at the earlier injury ({}), {old} (the wage at the new one, {}, is lower): base {}, allowance {amount}",
            earlier.injury_date, case.own_wage, again.amounts.benefit_wage
        ),
        amount,
    );
    s.inputs = vec![q("earlier_own_wage", old), q("own_wage", case.own_wage)];
    s.formula = format!("{allowance} → {amount}");
    trace.steps.push(s);
    trace.steps.extend(
        again
            .trace
            .steps
            .into_iter()
            .filter(|st| st.item == Item::MonthlyDisabilityAllowance),
    );
    Ok(Some((amount, again.amounts.benefit_wage)))
}

/// Jiangsu Arts 26 and 40: the grade 5-6 allowance is computed on the wage of
/// the 12 months before the employer could not arrange a job, but never on
/// less than the benefit wage at the injury. That wage is clamped to 60%-300%
/// of the regional average at the first month paid (Art 40, last paragraph;
/// the month is Art 29's); the allowance is 70%/60% of the higher, rounded,
/// then raised to the minimum wage of that month.
fn jiangsu_art26_allowance(
    policy: &PolicySet,
    case: &CaseInput,
    grade: u8,
    injury_base: Money,
    trace: &mut Trace,
) -> Result<Money, RulesError> {
    let wage = case.wage_when_no_job_arranged.ok_or_else(|| {
        RulesError::missing(
            "wage_when_no_job_arranged",
            "the grade 5-6 allowance in Jiangsu (Art 26: the wage when no job could be arranged)",
        )
    })?;
    let date = case
        .appraisal_date
        .ok_or_else(|| RulesError::missing("appraisal_date", "the grade 5-6 allowance"))?;
    let rules = crate::benefits::BenefitRules::resolve(policy, case.injury_date)?;
    let (avg, avg_use) = regional_or_given(
        policy,
        case,
        KEY_AVG_WAGE,
        case.regional_avg_wage,
        date,
        "regional_avg_wage",
    )?;
    let floor = avg.mul_rate(rules.floor_share.rate());
    let ceiling = avg.mul_rate(rules.ceiling_share.rate());
    let clamped = wage.clamp(floor, ceiling);
    let base = clamped.max(injury_base);
    let rate = &rules.allowance_rate[usize::from(grade - 1)];
    let (min, min_use) =
        regional_or_given(policy, case, KEY_MIN_WAGE, case.min_wage, date, "min_wage")?;
    let computed = base.mul_rate(rate.rate());
    let amount = computed.max(min);
    let pct = rate.rate().to_percent_string();
    let mut s = step(
        Item::MonthlyDisabilityAllowance,
        "jiangsu.art26.allowance_base",
        JS_26,
        format!(
            "难以安排工作的本人工资{wage}元（按60%-300%限定为{clamped}元）与工伤时本人工资{injury_base}元取高者{base}元，按{pct}计发{computed}元，不低于最低工资标准{min}元：{amount}元，由用人单位支付"
        ),
        format!(
            "the wage when no job could be arranged {wage} (held to {clamped}) against the wage at the injury {injury_base}: {base}; {pct} is {computed}, at least the minimum wage {min}: {amount}, paid by the employer"
        ),
        amount,
    );
    s.inputs = vec![
        q("wage_when_no_job_arranged", wage),
        q("benefit_wage", injury_base),
        q("regional_avg_wage", avg),
        q("min_wage", min),
    ];
    s.params = vec![
        rules.floor_share.clone(),
        rules.ceiling_share.clone(),
        rate.clone(),
    ];
    s.params.extend(avg_use);
    s.params.extend(min_use);
    s.formula = format!(
        "max(max(clamp({wage}, {floor}, {ceiling}) = {clamped}, {injury_base}) × {pct} = {computed}, {min}) = {amount}"
    );
    trace.steps.push(s);
    Ok(amount)
}

/// 粤人社规〔2020〕55号 Art 9(2): the one-time medical subsidy of a grade 5-10
/// person is paid when the person applies for it (there is no termination of
/// a labour relation). Months of Guangdong Arts 31-32 (grades 5-6: 10/8;
/// 7-10: 6/4/2/1) of the benefit wage (Art 64 with the provincial average,
/// the city's where higher); exact.
fn guangdong_medical_on_application(
    policy: &PolicySet,
    case: &CaseInput,
    grade: u8,
    applied: Date,
    base: Money,
    trace: &mut Trace,
) -> Result<Money, RulesError> {
    if applied < case.injury_date {
        return Err(RulesError::InputConflict {
            input: "medical_subsidy_applied_on",
            reason: format!("{applied} is before the injury date {}", case.injury_date),
        });
    }
    let months = policy.at(
        "guangdong",
        &format!("guangdong.medical_subsidy_months.grade_{grade}"),
        applied,
    )?;
    let amount = base.times(months.whole());
    let n = months.whole();
    let mut s = step(
        Item::OneTimeMedicalSubsidy,
        "guangdong_55hao.art9_2.on_application",
        GD_55_9_2,
        format!(
            "{grade}级伤残，{applied}申请一次性工伤医疗补助金：{n}个月的本人工资，由工伤保险基金支付，支付后工伤保险关系终结"
        ),
        format!(
            "grade {grade}, applied on {applied}: {n} months of the benefit wage, from the fund; the work-injury insurance relation then ends"
        ),
        amount,
    );
    s.inputs = vec![
        q("benefit_wage", base),
        q("grade", grade),
        q("medical_subsidy_applied_on", applied),
    ];
    s.params = vec![months];
    s.formula = format!("{base} × {n} = {amount}");
    trace.steps.push(s);
    Ok(amount)
}

/// Shandong: a grade 5-10 worker whose engagement ends gets the one-time
/// work-injury medical subsidy from the fund, months of the provincial
/// previous-year average monthly wage at the termination; exact.
fn shandong_medical_subsidy(
    policy: &PolicySet,
    case: &CaseInput,
    term: &Termination,
    grade: u8,
    trace: &mut Trace,
) -> Result<Money, RulesError> {
    let months = policy.at(
        "shandong",
        &format!("shandong.medical_subsidy_months.grade_{grade}"),
        term.date,
    )?;
    let avg = match case.regional_avg_wage {
        Some(m) => (m, None),
        None => {
            let p = policy.regional("370000", KEY_AVG_WAGE, term.date)?;
            (p.money(), Some(p))
        }
    };
    let amount = avg.0.times(months.whole());
    let n = months.whole();
    let mut s = step(
        Item::OneTimeMedicalSubsidy,
        "shandong.medical_subsidy",
        SD_MEDICAL,
        format!(
            "{grade}级伤残，终止用工时由工伤保险基金支付{n}个月的全省上年度职工月平均工资{}元",
            avg.0
        ),
        format!(
            "grade {grade}: {n} months of the provincial average {} at the end of the engagement, from the fund",
            avg.0
        ),
        amount,
    );
    s.inputs = vec![q("grade", grade), q("termination.date", term.date)];
    s.params = vec![months];
    s.params.extend(avg.1);
    s.formula = format!("{} × {n} = {amount}", avg.0);
    trace.steps.push(s);
    Ok(amount)
}

fn regional_or_given(
    policy: &PolicySet,
    case: &CaseInput,
    key: &str,
    given: Option<Money>,
    date: Date,
    input: &'static str,
) -> Result<(Money, Option<ParamUse>), RulesError> {
    if let Some(m) = given {
        return Ok((m, None));
    }
    let region = case.region.as_deref().ok_or_else(|| {
        RulesError::missing(
            "region",
            format!("looking up {input} (or give {input} in the case)"),
        )
    })?;
    let p = policy.regional(region, key, date)?;
    Ok((p.money(), Some(p)))
}

/// Guangdong Regulations Arts 31-33: the one-time medical subsidy (fund) and
/// employment subsidy (employer), which end the work-injury insurance relation.
/// Grades 5-6: only when the worker ends the employment (Art 31: at the
/// worker's request, or the worker's termination for the employer's fault);
/// grades 7-10: on the end of the contract or a lawful termination, except
/// for a worker drawing a basic pension or a contract ended by the worker's
/// death (a death on or before the termination date) (Art 32). Months of a
/// base: the higher of the own wage and the average monthly contribution wage
/// of the 12 months before the termination, clamped to 60%-300% of the
/// provincial previous-year average (the city's where higher, Art 64), each
/// bound rounded half away from zero to the fen (Art 33). Products are exact.
fn guangdong_subsidies(
    policy: &PolicySet,
    case: &CaseInput,
    term: &Termination,
    grade: u8,
    trace: &mut Trace,
) -> Result<(Money, Money), RulesError> {
    let article = if grade <= 6 { GD_31 } else { GD_32 };
    // Art 31 "本人提出...解除或者终止劳动关系": the worker ends it, also when
    // for the employer's fault (Labour Contract Law Art 38 is the worker's
    // own termination).
    if grade <= 6
        && !matches!(
            term.reason,
            TerminationReason::WorkerRequest | TerminationReason::EmployerFault
        )
    {
        trace.steps.push(step(
            Item::OneTimeMedicalSubsidy,
            "guangdong.art31.worker_request_only",
            GD_31,
            "五级、六级伤残职工本人提出解除或者终止劳动关系的，才支付一次性工伤医疗补助金和一次性伤残就业补助金".into(),
            "grades 5-6 get the termination subsidies only when the worker asks to end the employment".into(),
            Money::ZERO,
        ));
        return Ok((Money::ZERO, Money::ZERO));
    }
    if grade >= 7 && case.basic_pension_monthly.is_some() {
        trace.steps.push(step(
            Item::OneTimeMedicalSubsidy,
            "guangdong.art32.pension_drawn",
            GD_32,
            "享受基本养老保险待遇的，不支付一次性工伤医疗补助金和一次性伤残就业补助金".into(),
            "a worker drawing a basic pension gets neither termination subsidy".into(),
            Money::ZERO,
        ));
        return Ok((Money::ZERO, Money::ZERO));
    }
    // Art 32(2) "除享受基本养老保险待遇或者死亡情形之外": a contract ended by
    // the worker's death (a death on or before the termination date) gives
    // neither subsidy; a death after a termination does not take back what
    // the termination gave.
    if grade >= 7
        && let Some(death) = case.death_date.filter(|d| *d <= term.date)
    {
        let mut s = step(
            Item::OneTimeMedicalSubsidy,
            "guangdong.art32.death",
            GD_32,
            format!(
                "职工于{death}死亡，劳动关系因死亡终止的，不支付一次性工伤医疗补助金和一次性伤残就业补助金"
            ),
            format!(
                "the worker died on {death}: a contract ended by death gives neither termination subsidy"
            ),
            Money::ZERO,
        );
        s.inputs = vec![q("death_date", death), q("termination.date", term.date)];
        trace.steps.push(s);
        return Ok((Money::ZERO, Money::ZERO));
    }
    let before = term.wage_before_termination.ok_or_else(|| {
        RulesError::missing(
            "termination.wage_before_termination",
            "the Guangdong Art 33 base of the termination subsidies",
        )
    })?;
    let (avg, avg_uses) = guangdong_avg(policy, case, term.date)?;
    let floor_p = policy.at("guangdong", "guangdong.art35.floor_share", term.date)?;
    let ceiling_p = policy.at("guangdong", "guangdong.art35.ceiling_share", term.date)?;
    let floor = avg.mul_rate(floor_p.rate());
    let ceiling = avg.mul_rate(ceiling_p.rate());
    let higher = case.own_wage.max(before);
    let base = higher.clamp(floor, ceiling);
    let mut s = step(
        Item::OneTimeMedicalSubsidy,
        "guangdong.art33.base",
        GD_33,
        format!(
            "本人工资{}元与终止前12个月平均缴费工资{before}元取高者{higher}元，按全省上年度职工月平均工资（地级以上市较高的按该市）{avg}元的60%-300%限定为{base}元",
            case.own_wage
        ),
        format!(
            "the higher of the own wage {} and the 12-month average before termination {before} is {higher}, held within 60%-300% of the provincial average (the city's where higher) {avg}: {base}",
            case.own_wage
        ),
        base,
    );
    s.inputs = vec![
        q("own_wage", case.own_wage),
        q("wage_before_termination", before),
        q("regional_avg_wage", avg),
    ];
    s.params = vec![floor_p, ceiling_p];
    s.params.extend(avg_uses);
    s.formula = format!(
        "clamp(max({}, {before}) = {higher}, {floor}, {ceiling}) = {base}",
        case.own_wage
    );
    trace.steps.push(s);
    let months_med = policy.at(
        "guangdong",
        &format!("guangdong.medical_subsidy_months.grade_{grade}"),
        term.date,
    )?;
    let months_emp = policy.at(
        "guangdong",
        &format!("guangdong.employment_subsidy_months.grade_{grade}"),
        term.date,
    )?;
    let medical = base.times(months_med.whole());
    let employment = base.times(months_emp.whole());
    for (item, months, amount, payer_zh) in [
        (
            Item::OneTimeMedicalSubsidy,
            months_med,
            medical,
            "工伤保险基金",
        ),
        (
            Item::OneTimeEmploymentSubsidy,
            months_emp,
            employment,
            "用人单位",
        ),
    ] {
        let n = months.whole();
        let mut s = step(
            item,
            "guangdong.termination_subsidy",
            article,
            format!("{grade}级伤残，{n}个月，由{payer_zh}支付"),
            format!("grade {grade}: {n} months of the base"),
            amount,
        );
        s.inputs = vec![q("base", base), q("grade", grade)];
        s.params = vec![months];
        s.formula = format!("{base} × {n} = {amount}");
        trace.steps.push(s);
    }
    Ok((medical, employment))
}

/// Jiangsu measures Arts 27-28: benchmark amounts by grade, times the city's
/// float (80%-120%), the medical subsidy +40% for an occupational disease; when
/// the worker asks to end the employment (not under Labour Contract Law Art 38)
/// with fewer than 5/4/3/2/1 years to the statutory retirement age, 80/60/40/20/10%
/// of it; nothing once the retirement age is reached. Each multiplication by a
/// rate is rounded half away from zero to the fen.
fn jiangsu_subsidies(
    policy: &PolicySet,
    case: &CaseInput,
    term: &Termination,
    grade: u8,
    trace: &mut Trace,
) -> Result<(Money, Money), RulesError> {
    let region = case.region.as_deref().ok_or_else(|| {
        RulesError::missing(
            "region",
            "the Jiangsu city float of the termination subsidies",
        )
    })?;
    let float_p = policy.regional(region, "regional.jiangsu_art27_float", term.date)?;
    let min_p = policy.at("jiangsu", "jiangsu.art27.city_float_min", term.date)?;
    let max_p = policy.at("jiangsu", "jiangsu.art27.city_float_max", term.date)?;
    let float = float_p.rate();
    if float < min_p.rate() || float > max_p.rate() {
        return Err(RulesError::PolicyInvalid {
            file: format!("region {region}"),
            location: "regional.jiangsu_art27_float".into(),
            reason: format!(
                "{} is outside {}-{} (Art 27)",
                float.to_percent_string(),
                min_p.rate().to_percent_string(),
                max_p.rate().to_percent_string()
            ),
        });
    }
    let med_p = policy.at(
        "jiangsu",
        &format!("jiangsu.art27.medical_subsidy.grade_{grade}"),
        term.date,
    )?;
    let emp_p = policy.at(
        "jiangsu",
        &format!("jiangsu.art27.employment_subsidy.grade_{grade}"),
        term.date,
    )?;
    let mut medical = med_p.money().mul_rate(float);
    let mut employment = emp_p.money().mul_rate(float);
    let mut s = step(
        Item::OneTimeMedicalSubsidy,
        "jiangsu.art27.amounts",
        JS_27_28,
        format!(
            "{grade}级伤残基准：医疗补助金{}元、就业补助金{}元，本市调整比例{}",
            med_p.money(),
            emp_p.money(),
            float.to_percent_string()
        ),
        format!(
            "grade {grade} benchmarks: medical {}, employment {}, city float {}",
            med_p.money(),
            emp_p.money(),
            float.to_percent_string()
        ),
        medical,
    );
    s.inputs = vec![q("grade", grade), q("region", region)];
    s.formula = format!(
        "{} × {f} = {medical}; {} × {f} = {employment}",
        med_p.money(),
        emp_p.money(),
        f = float.to_percent_string()
    );
    s.params = vec![med_p, emp_p, float_p];
    trace.steps.push(s);
    if case.occupational_disease {
        let uplift = policy.at(
            "jiangsu",
            "jiangsu.art27.occupational_disease_medical_uplift",
            term.date,
        )?;
        let factor = Rate::ONE.plus(uplift.rate());
        let before = medical;
        medical = medical.mul_rate(factor);
        let mut s = step(
            Item::OneTimeMedicalSubsidy,
            "jiangsu.art27.occupational_disease",
            JS_27_28,
            format!(
                "职业病，一次性工伤医疗补助金增发{}",
                uplift.rate().to_percent_string()
            ),
            format!(
                "occupational disease: the medical subsidy is raised by {}",
                uplift.rate().to_percent_string()
            ),
            medical,
        );
        s.formula = format!("{before} × {} = {medical}", factor.to_percent_string());
        s.params = vec![uplift];
        trace.steps.push(s);
    }
    // Art 28: "本人提出解除劳动关系" with fewer than 5/4/3/2/1 years to the
    // statutory retirement age: 80/60/40/20/10% of *both* subsidies (not in the
    // cases of Labour Contract Law Art 38); at the retirement age, or once retired
    // under the rules (a basic pension drawn), neither subsidy is paid. Whatever the
    // reason of the termination, the retirement age must be known: the person is required.
    let person = case.person.as_ref().ok_or_else(|| {
        RulesError::missing(
            "person",
            "the Jiangsu Art 28 rules at termination (birth_date and sex give the statutory retirement age)",
        )
    })?;
    let sex = person.sex.ok_or_else(|| {
        RulesError::missing(
            "person.sex",
            "the statutory retirement age (Jiangsu Art 28)",
        )
    })?;
    let retire = retirement::retirement_date(person.birth_date, sex, person.retirement_track)?;
    let months_left = retirement::whole_months_between(term.date, retire);
    let pension_drawn = case.basic_pension_monthly.is_some();
    if term.date >= retire || pension_drawn {
        let (m0, e0) = (medical, employment);
        medical = Money::ZERO;
        employment = Money::ZERO;
        let (zh, en) = if term.date >= retire {
            (
                format!("终止时已达到法定退休年龄（{retire}）"),
                format!("the statutory retirement age was reached on {retire}"),
            )
        } else {
            (
                "已按照规定办理退休手续（领取基本养老金）".to_owned(),
                "retired under the rules (a basic pension is drawn)".to_owned(),
            )
        };
        let mut s = step(
            Item::OneTimeMedicalSubsidy,
            "jiangsu.art28.retired",
            JS_28,
            format!(
                "{zh}，不享受一次性工伤医疗补助金（原为{m0}元）和一次性伤残就业补助金（原为{e0}元）"
            ),
            format!(
                "{en}: neither the medical subsidy (was {m0}) nor the employment subsidy (was {e0}) is paid"
            ),
            Money::ZERO,
        );
        s.inputs = vec![
            q("termination.date", term.date),
            q("retirement_date", retire),
            q("basic_pension_drawn", pension_drawn),
        ];
        s.formula = "0.00; 0.00".into();
        trace.steps.push(s);
    } else if term.reason == TerminationReason::WorkerRequest && months_left < 60 {
        let years = months_left / 12 + 1; // fewer than `years` years remain
        let share = policy.at(
            "jiangsu",
            &format!("jiangsu.art28.share_under_{years}_years"),
            term.date,
        )?;
        let (m0, e0) = (medical, employment);
        medical = medical.mul_rate(share.rate());
        employment = employment.mul_rate(share.rate());
        let mut s = step(
            Item::OneTimeMedicalSubsidy,
            "jiangsu.art28.near_retirement",
            JS_28,
            format!(
                "本人提出解除劳动关系，距法定退休年龄（{retire}）不足{years}年，一次性工伤医疗补助金和一次性伤残就业补助金均按全额的{}支付",
                share.rate().to_percent_string()
            ),
            format!(
                "the worker ended the employment with fewer than {years} years to the statutory retirement age ({retire}): {} of both subsidies is paid",
                share.rate().to_percent_string()
            ),
            medical,
        );
        s.inputs = vec![
            q("termination.date", term.date),
            q("retirement_date", retire),
            q("months_left", months_left),
        ];
        s.formula = format!(
            "{m0} × {p} = {medical}; {e0} × {p} = {employment}",
            p = share.rate().to_percent_string()
        );
        s.params = vec![share];
        trace.steps.push(s);
    }
    let mut s = step(
        Item::OneTimeEmploymentSubsidy,
        "jiangsu.art27.employment_subsidy",
        JS_27_28,
        format!("{grade}级伤残一次性伤残就业补助金，由用人单位支付：{employment}元"),
        format!(
            "grade {grade} one-time disability employment subsidy, paid by the employer: {employment}"
        ),
        employment,
    );
    s.formula = format!("{employment}");
    trace.steps.push(s);
    Ok((medical, employment))
}

/// An accident insurer's schedule (益鹭保): death payout, disability payout as
/// a share of the disability sum insured by grade, medical expenses above the
/// deductible at a share up to a limit, and a daily hospital allowance for at
/// most so many days; the total capped at the scheme's maximum payout, cutting
/// the last items first. Each share is rounded half away from zero to the fen.
fn insurer_award(
    policy: &PolicySet,
    scheme: &Scheme,
    case: &CaseInput,
) -> Result<SchemeResult, RulesError> {
    let on = case.injury_date;
    let p = |key: &str| policy.at(&scheme.jurisdiction, &format!("{}.{key}", scheme.id), on);
    let mut trace = Trace::default();
    let mut amounts: Vec<(Item, Money)> = Vec::new();
    let article = Article {
        zh: "“益鹭保”保障方案",
        en: "Yilubao cover schedule",
    };
    if case.death_date.is_some() {
        let death = p("death_payout")?;
        let amount = death.money();
        let mut s = step(
            Item::InsuredDeathPayout,
            "insurer.death",
            article,
            "意外身故，按身故保险金给付".into(),
            "accidental death: the death payout".into(),
            amount,
        );
        s.formula = format!("{amount}");
        s.params = vec![death];
        trace.steps.push(s);
        amounts.push((Item::InsuredDeathPayout, amount));
    }
    if let Some(g) = case.grade.filter(|g| *g > 0) {
        let grade = crate::benefits::Grade::new(g)?;
        let sum = p("disability_sum_insured")?;
        let share = p(&format!("disability_share.grade_{}", grade.get()))?;
        let amount = sum.money().mul_rate(share.rate());
        let mut s = step(
            Item::InsuredDisabilityPayout,
            "insurer.disability",
            article,
            format!(
                "{}级伤残，按伤残保额的{}给付",
                grade.get(),
                share.rate().to_percent_string()
            ),
            format!(
                "grade {}: {} of the disability sum insured",
                grade.get(),
                share.rate().to_percent_string()
            ),
            amount,
        );
        s.formula = format!(
            "{} × {} = {amount}",
            sum.money(),
            share.rate().to_percent_string()
        );
        s.params = vec![sum, share];
        trace.steps.push(s);
        amounts.push((Item::InsuredDisabilityPayout, amount));
    }
    if let Some(expenses) = case.medical_expenses {
        if expenses.is_negative() {
            return Err(RulesError::out_of_range(
                "medical_expenses",
                expenses,
                "0.00 yuan or more",
            ));
        }
        let deductible = p("medical_deductible")?;
        let share = p("medical_share")?;
        let limit = p("medical_limit")?;
        let above = expenses
            .checked_sub(deductible.money())
            .expect("difference")
            .max(Money::ZERO);
        let amount = above.mul_rate(share.rate()).min(limit.money());
        let mut s = step(
            Item::InsuredMedicalPayout,
            "insurer.medical",
            article,
            format!(
                "医疗费用{expenses}元，扣除免赔额后按{}赔付，以保额为限",
                share.rate().to_percent_string()
            ),
            format!(
                "medical expenses {expenses}: {} above the deductible, up to the limit",
                share.rate().to_percent_string()
            ),
            amount,
        );
        s.formula = format!(
            "min(max({expenses} - {}, 0) × {}, {}) = {amount}",
            deductible.money(),
            share.rate().to_percent_string(),
            limit.money()
        );
        s.params = vec![deductible, share, limit];
        trace.steps.push(s);
        amounts.push((Item::InsuredMedicalPayout, amount));
    }
    if case.hospital_days > 0 {
        let daily = p("hospital_allowance_daily")?;
        let max_days = p("hospital_allowance_max_days")?;
        let days = i64::from(case.hospital_days).min(max_days.whole());
        let amount = daily.money().times(days);
        let mut s = step(
            Item::InsuredHospitalAllowance,
            "insurer.hospital_allowance",
            article,
            format!("住院{}天，按{days}天给付住院津贴", case.hospital_days),
            format!(
                "{} days in hospital; the allowance is paid for {days}",
                case.hospital_days
            ),
            amount,
        );
        s.formula = format!("{} × {days} = {amount}", daily.money());
        s.params = vec![daily, max_days];
        trace.steps.push(s);
        amounts.push((Item::InsuredHospitalAllowance, amount));
    }
    if let Some(key) = &scheme.max_payout {
        let cap_p = policy.at(&scheme.jurisdiction, key, on)?;
        let mut room = cap_p.money();
        let total: i64 = amounts.iter().map(|(_, m)| m.fen()).sum();
        if total > room.fen() {
            for (_, m) in amounts.iter_mut() {
                let paid = (*m).min(room);
                room = room.checked_sub(paid).expect("room");
                *m = paid;
            }
            let mut s = step(
                Item::InsuredDeathPayout,
                "insurer.max_payout",
                article,
                format!(
                    "各项合计{}元，超过最高保障金额{}元，按最高保障金额给付",
                    Money::from_fen(total),
                    cap_p.money()
                ),
                format!(
                    "the items add up to {}, more than the highest payout {}: the payout is capped",
                    Money::from_fen(total),
                    cap_p.money()
                ),
                cap_p.money(),
            );
            s.params = vec![cap_p];
            trace.steps.push(s);
        }
    }
    let (lines, excluded) =
        apply_scheme_items(scheme, case.grade.filter(|g| *g > 0), amounts, &mut trace);
    Ok(SchemeResult {
        scheme_id: scheme.id.clone(),
        scheme_name_zh: scheme.name_zh.clone(),
        scheme_name_en: scheme.name_en.clone(),
        case_id: case.case_id.clone(),
        region: case.region.clone(),
        eligibility: None,
        benefit_wage: None,
        lines,
        excluded,
        survivors: Vec::new(),
        survivors_owed_by_unit: Vec::new(),
        trace,
    })
}

/// One scheme's answer in a comparison: its award, or why it does not apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparedScheme {
    pub scheme_id: crate::SchemeId,
    pub scheme_name_zh: String,
    pub scheme_name_en: String,
    pub result: Result<SchemeResult, ComparisonRefusal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparisonRefusal {
    pub code: &'static str,
    pub message: String,
}

/// A difference between schemes for one item, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemDifference {
    pub item: Item,
    /// Amount per scheme, in the order of `schemes` (None: not applicable).
    pub amounts: Vec<Option<Money>>,
    pub explain_zh: Vec<String>,
    pub explain_en: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub schemes: Vec<ComparedScheme>,
    pub differences: Vec<ItemDifference>,
}

/// The case under every scheme in force on the injury date in the case's
/// region (or every scheme, without a region), side by side, with the items
/// that differ explained.
pub fn compare_schemes(policy: &PolicySet, case: &CaseInput) -> Comparison {
    let mut schemes = Vec::new();
    for scheme in policy.schemes() {
        let in_area = case
            .region
            .as_deref()
            .is_none_or(|r| scheme.applies_in(policy, r, case.injury_date));
        if !in_area {
            continue;
        }
        let result =
            calculate_under_scheme(policy, &scheme.id, case).map_err(|e| ComparisonRefusal {
                code: e.code(),
                message: e.to_string(),
            });
        schemes.push(ComparedScheme {
            scheme_id: scheme.id.clone(),
            scheme_name_zh: scheme.name_zh.clone(),
            scheme_name_en: scheme.name_en.clone(),
            result,
        });
    }
    let mut differences = Vec::new();
    for item in Item::ALL {
        let amounts: Vec<Option<Money>> = schemes
            .iter()
            .map(|s| s.result.as_ref().ok().map(|r| r.amount(item)))
            .collect();
        let present: Vec<Money> = amounts.iter().flatten().copied().collect();
        let all_zero = present.iter().all(|m| *m == Money::ZERO);
        let all_equal = present.windows(2).all(|w| w[0] == w[1]);
        if all_zero || all_equal {
            continue;
        }
        let mut explain_zh = Vec::new();
        let mut explain_en = Vec::new();
        for s in &schemes {
            match &s.result {
                // Schemes that do not apply are listed once, with their reason, by the caller.
                Err(_) => {}
                Ok(r) => {
                    if let Some(ex) = r.excluded.iter().find(|e| e.item == item) {
                        explain_zh.push(format!("{}：{}", s.scheme_name_zh, ex.reason_zh));
                        explain_en.push(format!("{}: {}", s.scheme_id, ex.reason_en));
                    } else if let Some(line) = r.lines.iter().find(|l| l.item == item) {
                        let why = r.trace.steps.iter().rev().find(|st| st.item == item);
                        explain_zh.push(format!(
                            "{}：{}元{}",
                            s.scheme_name_zh,
                            line.amount,
                            why.map(|w| format!("（{}）", w.explain_zh))
                                .unwrap_or_default()
                        ));
                        explain_en.push(format!(
                            "{}: {}{}",
                            s.scheme_id,
                            line.amount,
                            why.map(|w| format!(" ({})", w.explain_en))
                                .unwrap_or_default()
                        ));
                    } else {
                        let why = r.trace.steps.iter().rev().find(|st| st.item == item);
                        explain_zh.push(format!(
                            "{}：无{}",
                            s.scheme_name_zh,
                            why.map(|w| format!("（{}）", w.explain_zh))
                                .unwrap_or_default()
                        ));
                        explain_en.push(format!(
                            "{}: none{}",
                            s.scheme_id,
                            why.map(|w| format!(" ({})", w.explain_en))
                                .unwrap_or_default()
                        ));
                    }
                }
            }
        }
        differences.push(ItemDifference {
            item,
            amounts,
            explain_zh,
            explain_en,
        });
    }
    Comparison {
        schemes,
        differences,
    }
}
