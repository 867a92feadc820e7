//! A case as a person writes it (`gongshang calc case.json`): dates, a region
//! and what happened. The engine resolves every parameter at its legal date
//! from the policy files, computes the award, and returns it with its trace.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::award::{AwardAmounts, AwardFacts, AwardInput, AwardLine, Fact, compute_award};
use crate::benefits::{
    BenefitRules, DependantPension, Dependants, Grade, NursingLevel, survivor_parts,
};
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{ParamUse, PolicySet};
use crate::trace::Trace;

/// The regional parameter keys.
pub const KEY_AVG_WAGE: &str = "regional.avg_monthly_wage";
pub const KEY_MIN_WAGE: &str = "regional.min_wage_monthly";
pub const KEY_FOOD_SUBSIDY: &str = "regional.hospital_food_subsidy_daily";
pub const KEY_NATIONAL_INCOME: &str = "statistics.urban_disposable_income_per_capita";
/// The previous year's average monthly wage of urban private-unit employees
/// of the pooling region (the platform pilot's base).
pub const KEY_PRIVATE_AVG_WAGE: &str = "regional.private_avg_monthly_wage";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependantsDoc {
    #[serde(default)]
    pub spouse: bool,
    #[serde(default)]
    pub others: u32,
    #[serde(default)]
    pub extra10: u32,
}

/// A case to calculate. Money is yuan as a string ("8500.00") or a whole number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(default)]
    pub case_id: Option<String>,
    /// GB/T 2260 code of the pooling region (统筹地区), e.g. "440100".
    #[serde(default)]
    pub region: Option<String>,
    pub injury_date: Date,
    /// The work-capacity appraisal conclusion; required with a grade or nursing level.
    #[serde(default)]
    pub appraisal_date: Option<Date>,
    /// Present when the worker died of the injury.
    #[serde(default)]
    pub death_date: Option<Date>,
    pub own_wage: Money,
    #[serde(default)]
    pub grade: Option<u8>,
    /// Grades 5-6: whether the employer arranged a suitable job (Art 36). Required
    /// for a living grade 5-6 worker: it decides whether an allowance is due.
    #[serde(default)]
    pub job_arranged: Option<bool>,
    #[serde(default)]
    pub nursing: Option<NursingLevel>,
    #[serde(default)]
    pub veteran_recurrence: bool,
    #[serde(default)]
    pub suspension_months: u32,
    #[serde(default)]
    pub suspension_extension_confirmed: bool,
    #[serde(default)]
    pub hospital_days: u32,
    /// The deceased's dependants (Art 39(1)(2)). Required with a death_date:
    /// write `{}` when there are none.
    #[serde(default)]
    pub dependants: Option<DependantsDoc>,
    /// Overrides of parameter values, for a region whose values are not loaded
    /// or a what-if. The trace shows them as given by the case.
    #[serde(default)]
    pub regional_avg_wage: Option<Money>,
    #[serde(default)]
    pub min_wage: Option<Money>,
    #[serde(default)]
    pub national_income: Option<Money>,
    #[serde(default)]
    pub food_subsidy_daily: Option<Money>,
    /// Guangdong Regulations Art 17: the self-care level 1-4 (five activities:
    /// all five need care 1, four 2, three 3, one or two 4). Guangdong pays
    /// living care by it (Art 26), not by the national three levels.
    #[serde(default)]
    pub care_level_guangdong: Option<u8>,
    /// 粤人社规〔2020〕55号 Art 9(1): a disability or sickness allowance the
    /// person already draws (counted with the pension against a new allowance).
    #[serde(default)]
    pub existing_allowance_monthly: Option<Money>,
    /// 粤人社规〔2020〕55号 Art 9(2): the day the person applied for the
    /// one-time medical subsidy (grades 5-10).
    #[serde(default)]
    pub medical_subsidy_applied_on: Option<Date>,
    /// Jiangsu measures Arts 26 and 40(2): the average monthly wage of the 12
    /// months before the employer could not arrange a job (grades 5-6).
    #[serde(default)]
    pub wage_when_no_job_arranged: Option<Money>,
    /// Override of the private-unit average monthly wage (platform pilot base).
    #[serde(default)]
    pub private_avg_wage: Option<Money>,
    /// Who the person is, for a scheme's eligibility (category, birth date, ...).
    #[serde(default)]
    pub person: Option<crate::scheme::Applicant>,
    /// The injury is an occupational disease (Jiangsu Art 27: +40% medical subsidy).
    #[serde(default)]
    pub occupational_disease: bool,
    /// The end of employment, for the provincial one-time subsidies (grades 5-10).
    #[serde(default)]
    pub termination: Option<crate::scheme_award::Termination>,
    /// A basic pension the worker receives (grade 1-4 allowance offset, Art 35(3)).
    #[serde(default)]
    pub basic_pension_monthly: Option<Money>,
    /// Where survivors take funeral and survivor benefits from, where a scheme lets them choose.
    #[serde(default)]
    pub survivor_benefits_from: Option<crate::scheme_award::SurvivorChoice>,
    /// Medical expenses of the accident (an insurer's schedule).
    #[serde(default)]
    pub medical_expenses: Option<Money>,
    /// The worker's earlier injuries with their concluded grades (Regulations
    /// Art 45; Jiangsu measures Arts 32-33). This case's grade is the
    /// conclusion after the new injury.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_injuries: Vec<crate::missing_and_repeat::EarlierInjury>,
    /// The conclusion followed is a review (复查鉴定) of an earlier one on this
    /// injury (Jiangsu Art 33: the one-time disability subsidy is not recomputed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::missing_and_repeat::ReviewOf>,
    /// The unit had not insured the worker on the day of the accident
    /// (Regulations Art 62(2)), and when it settled the back-payment (Art
    /// 62(3)): the unit pays what the fund would, the fund the new costs
    /// after the back-payment ([`crate::uninsured`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uninsured: Option<crate::uninsured::Uninsured>,
    /// Guangdong Regulations Art 56: the average monthly wage the worker was
    /// actually paid over the 12 months before the injury, when the unit
    /// declared less (`own_wage` is the declared contribution wage, Art 64).
    /// The award is computed again on it and the unit owes each difference
    /// ([`crate::underdeclared`]). Absent: no comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_wage: Option<Money>,
    /// Guangdong Regulations Art 29: the day a grade 1-4 worker's household
    /// registration moved from the unit's place back to the place of origin;
    /// the unit pays the resettlement allowance (6 months of the provincial
    /// previous-year average monthly wage in force that day). Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_moved_home_on: Option<Date>,
}

/// The computed award of a case, with everything needed to explain it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub case_id: Option<String>,
    pub region: Option<String>,
    pub rules_as_of: Date,
    pub amounts: AwardAmounts,
    pub lines: Vec<AwardLine>,
    pub survivors: Vec<DependantPension>,
    pub trace: Trace,
}

struct Resolved {
    use_: Option<ParamUse>,
    /// Further values the amount was chosen from (Guangdong: the province's
    /// and the city's averages).
    also: Vec<ParamUse>,
    amount: Money,
}

impl Resolved {
    fn fact(&self) -> Fact<'_> {
        Fact {
            amount: self.amount,
            source: self.use_.as_ref(),
        }
    }
}

/// How a province changes the Regulations' own computation (not its
/// termination subsidies, which `scheme_award` adds).
#[derive(Clone, Debug, Default)]
pub(crate) struct Regime {
    /// Guangdong Regulations Arts 26, 33, 35 and 64: the average wage is the
    /// province's (this region code), or the city's where it is higher.
    pub provincial_avg_region: Option<&'static str>,
    /// Guangdong Regulations Art 25: one maximum of the paid suspension
    /// period, and no separate extension.
    pub suspension_limits: Option<(ParamUse, ParamUse)>,
}

/// Computes the award of a case under the national Regulations.
///
/// The one-time subsidies on the end of employment (Regulations Arts 36(2)
/// and 37(2)) are "set by the people's government of the province": the
/// Regulations alone have no amount for them, so a case that states a
/// termination is refused here, naming the input, rather than answered
/// without them. It is computed under the province's scheme
/// ([`crate::scheme_award::calculate_under_scheme`]).
pub fn calculate_case(policy: &PolicySet, case: &CaseInput) -> Result<CaseResult, RulesError> {
    if case.termination.is_some() {
        return Err(RulesError::InputConflict {
            input: "termination",
            reason: "the one-time subsidies on ending employment are set by each province \
                     (Regulations Arts 36-37): calculate the case under its province's scheme \
                     (gongshang calc --jurisdiction PROVINCE, or --scheme ID)"
                .into(),
        });
    }
    for (given, input, article) in [
        (case.actual_wage.is_some(), "actual_wage", "Art 56"),
        (
            case.household_moved_home_on.is_some(),
            "household_moved_home_on",
            "Art 29",
        ),
    ] {
        if given {
            return Err(RulesError::InputConflict {
                input,
                reason: format!(
                    "Guangdong Regulations {article} has no counterpart in the national Regulations: \
                     calculate the case under a Guangdong scheme (gongshang calc --scheme guangdong.employees)"
                ),
            });
        }
    }
    calculate_case_in(policy, case, &Regime::default())
}

pub(crate) fn calculate_case_in(
    policy: &PolicySet,
    case: &CaseInput,
    regime: &Regime,
) -> Result<CaseResult, RulesError> {
    if let Some(death) = case.death_date
        && death < case.injury_date
    {
        return Err(RulesError::InputConflict {
            input: "death_date",
            reason: format!("{death} is before the injury date {}", case.injury_date),
        });
    }
    let input = award_input(case)?;
    if let Some(appraisal) = case.appraisal_date
        && appraisal < case.injury_date
    {
        return Err(RulesError::InputConflict {
            input: "appraisal_date",
            reason: format!("{appraisal} is before the injury date {}", case.injury_date),
        });
    }
    let mut rules = BenefitRules::resolve(policy, case.injury_date)?;
    if let Some((max, extension)) = &regime.suspension_limits {
        rules.suspension_months_max = max.clone();
        rules.suspension_extension_months_max = extension.clone();
    }
    let regional = |key: &'static str,
                    input: &'static str,
                    given: Option<Money>,
                    date: Date|
     -> Result<Resolved, RulesError> {
        if let Some(amount) = given {
            return Ok(Resolved {
                use_: None,
                also: Vec::new(),
                amount,
            });
        }
        let region = case.region.as_deref().ok_or_else(|| {
            RulesError::missing(
                "region",
                format!("looking up {input} (or give {input} in the case)"),
            )
        })?;
        if key == KEY_AVG_WAGE
            && let Some(province) = regime.provincial_avg_region
        {
            return provincial_or_city_avg(policy, province, region, date);
        }
        let p = policy.regional(region, key, date)?;
        Ok(Resolved {
            amount: p.money(),
            use_: Some(p),
            also: Vec::new(),
        })
    };

    let avg = regional(
        KEY_AVG_WAGE,
        "regional_avg_wage",
        case.regional_avg_wage,
        case.injury_date,
    )?;
    let needs_appraisal = input.grade.is_some() || input.nursing.is_some();
    let appraisal = match (needs_appraisal, case.appraisal_date) {
        (true, None) => {
            return Err(RulesError::missing(
                "appraisal_date",
                "a grade or nursing level (the date of the appraisal conclusion)",
            ));
        }
        (_, date) => date,
    };
    let care_avg = match (input.nursing, appraisal) {
        (Some(_), Some(date)) if !input.died => Some(regional(
            KEY_AVG_WAGE,
            "regional_avg_wage",
            case.regional_avg_wage,
            date,
        )?),
        _ => None,
    };
    let has_allowance = input
        .grade
        .is_some_and(|g| g.get() <= 4 || (g.get() <= 6 && !input.job_arranged));
    let min_wage = match appraisal {
        Some(date) if has_allowance && !input.died => {
            Some(regional(KEY_MIN_WAGE, "min_wage", case.min_wage, date)?)
        }
        _ => None,
    };
    let food = if input.hospital_days > 0 {
        Some(regional(
            KEY_FOOD_SUBSIDY,
            "food_subsidy_daily",
            case.food_subsidy_daily,
            case.injury_date,
        )?)
    } else {
        None
    };
    let (funeral_avg, income) = match case.death_date {
        Some(death) => {
            let funeral = regional(
                KEY_AVG_WAGE,
                "regional_avg_wage",
                case.regional_avg_wage,
                death,
            )?;
            let income = if input.grade.is_some_and(|g| g.get() <= 4) {
                None
            } else if let Some(amount) = case.national_income {
                Some(Resolved {
                    use_: None,
                    also: Vec::new(),
                    amount,
                })
            } else {
                // Art 39(1)(3): the income of the year before the year of death.
                let p = policy.for_year("national", KEY_NATIONAL_INCOME, death.year() - 1)?;
                Some(Resolved {
                    amount: p.money(),
                    use_: Some(p),
                    also: Vec::new(),
                })
            };
            (Some(funeral), income)
        }
        None => (None, None),
    };
    let facts = AwardFacts {
        regional_avg_wage: Some(avg.fact()),
        care_avg_wage: care_avg.as_ref().map(Resolved::fact),
        funeral_avg_wage: funeral_avg.as_ref().map(Resolved::fact),
        min_wage: min_wage.as_ref().map(Resolved::fact),
        national_income: income.as_ref().map(Resolved::fact),
        food_subsidy_daily: food.as_ref().map(Resolved::fact),
    };
    let mut trace = Trace::default();
    let amounts = compute_award(&input, &facts, &rules, &mut trace)?;
    // Show where each regional value came from: the steps list the values,
    // and the parameter uses are attached to the step that consumed them.
    attach_sources(&mut trace, &facts);
    attach_also(&mut trace, &avg, care_avg.as_ref(), funeral_avg.as_ref());
    let survivors = if input.died {
        survivor_parts(amounts.benefit_wage, input.dependants, &rules)
    } else {
        Vec::new()
    };
    Ok(CaseResult {
        case_id: case.case_id.clone(),
        region: case.region.clone(),
        rules_as_of: case.injury_date,
        lines: amounts.lines(&input),
        amounts,
        survivors,
        trace,
    })
}

/// Guangdong Regulations Art 64 (last paragraph), with Arts 26, 33 and 35:
/// the provincial previous-year average monthly wage, or the city's where it
/// is higher. Both values are shown.
fn provincial_or_city_avg(
    policy: &PolicySet,
    province: &str,
    region: &str,
    date: Date,
) -> Result<Resolved, RulesError> {
    let prov = policy.regional(province, KEY_AVG_WAGE, date)?;
    if region == province {
        return Ok(Resolved {
            amount: prov.money(),
            use_: Some(prov),
            also: Vec::new(),
        });
    }
    let city = policy.regional(region, KEY_AVG_WAGE, date)?;
    let (chosen, other) = if city.money() > prov.money() {
        (city, prov)
    } else {
        (prov, city)
    };
    Ok(Resolved {
        amount: chosen.money(),
        use_: Some(chosen),
        also: vec![other],
    })
}

/// Adds the values an average was chosen against (Guangdong) to the steps
/// that used it.
fn attach_also(
    trace: &mut Trace,
    avg: &Resolved,
    care: Option<&Resolved>,
    funeral: Option<&Resolved>,
) {
    use crate::trace::Item;
    for step in &mut trace.steps {
        let extra = match step.item {
            Item::BenefitWage => Some(avg),
            Item::MonthlyLivingCare if step.amount > Money::ZERO => care.or(Some(avg)),
            Item::FuneralSubsidy => funeral.or(Some(avg)),
            _ => None,
        };
        if let Some(r) = extra {
            step.params.extend(r.also.iter().cloned());
        }
    }
}

fn attach_sources(trace: &mut Trace, facts: &AwardFacts<'_>) {
    use crate::trace::Item;
    for step in &mut trace.steps {
        let fact = match step.item {
            Item::BenefitWage => facts.regional_avg_wage,
            Item::MonthlyDisabilityAllowance if step.amount > Money::ZERO => facts.min_wage,
            Item::MonthlyLivingCare if step.amount > Money::ZERO => {
                facts.care_avg_wage.or(facts.regional_avg_wage)
            }
            Item::FuneralSubsidy => facts.funeral_avg_wage.or(facts.regional_avg_wage),
            _ => None,
        };
        if let Some(source) = fact.and_then(|f| f.source) {
            step.params.push(source.clone());
        }
    }
}

/// Turns the case into the engine's input, checking each field.
pub fn award_input(case: &CaseInput) -> Result<AwardInput, RulesError> {
    let grade = match case.grade {
        None | Some(0) => None,
        Some(g) => Some(Grade::new(g)?),
    };
    let died = case.death_date.is_some();
    let d = match (&case.dependants, died) {
        (None, true) => {
            return Err(RulesError::missing(
                "dependants",
                "survivors' pensions after a death (Art 39(1)(2)); write {} when there are none",
            ));
        }
        (Some(d), false) if d.spouse || d.others > 0 || d.extra10 > 0 => {
            return Err(RulesError::InputConflict {
                input: "dependants",
                reason: "dependants are given only with a death_date (survivors' pensions, Art 39)"
                    .into(),
            });
        }
        (Some(d), _) => d.clone(),
        (None, false) => DependantsDoc::default(),
    };
    let job_arranged = match (grade.map(Grade::get), case.job_arranged) {
        (Some(5 | 6), None) if !died => {
            return Err(RulesError::missing(
                "job_arranged",
                "a grade 5-6 worker (Art 36: the employer pays the allowance only when it cannot arrange a job)",
            ));
        }
        (_, given) => given.unwrap_or(false),
    };
    let input = AwardInput {
        own_wage: case.own_wage,
        grade,
        job_arranged,
        nursing: case.nursing,
        veteran_recurrence: case.veteran_recurrence,
        suspension_months: case.suspension_months,
        suspension_extension_confirmed: case.suspension_extension_confirmed,
        hospital_days: case.hospital_days,
        died,
        basic_pension_monthly: case.basic_pension_monthly,
        dependants: Dependants::new(d.spouse, d.others, d.extra10).map_err(|e| match e {
            // Point at the JSON property, not the batch column of the same meaning.
            RulesError::InputOutOfRange {
                input,
                value,
                allowed,
            } => RulesError::InputOutOfRange {
                input: match input {
                    "extra10_dependents" => "dependants.extra10",
                    "other_dependents" => "dependants.others",
                    other => other,
                },
                value,
                allowed,
            },
            other => other,
        })?,
    };
    input.validate()?;
    Ok(input)
}
