//! The one-time compensation an unlicensed unit pays (Regulations Art 66(1);
//! MOHRSS Order No. 9 Art 5, issue 17): a worker of a unit without a
//! business licence or registration (or a child it employed) who is disabled
//! by a work injury receives from the unit a multiple, by grade, of the
//! base: the pooling area's average annual wage of the previous year, taken
//! as 12 × `regional.avg_monthly_wage` of the unit's region on the day the
//! amount is fixed (the appraisal conclusion, Order 9 Art 3). A death (Order
//! 9 Art 6): 20 × the national urban per-capita disposable income of the year
//! before the year of death as the one-time compensation, and 10 × the same
//! for the funeral subsidy and other compensation, paid to the close
//! relatives. Exact: whole multiples of fen, no rounding.

use jiff::civil::Date;
use serde::Serialize;

use crate::benefits::Grade;
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{ParamUse, PolicySet};

/// The compensation, with the parameters it used (each dated and cited).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnlicensedCompensation {
    pub grade: Grade,
    pub region: String,
    pub fixed_on: Date,
    /// The region's average monthly wage of the previous year.
    pub monthly_average: ParamUse,
    /// The grade's multiple of the annual base.
    pub multiple: ParamUse,
    /// 12 × the monthly average.
    pub base: Money,
    pub amount: Money,
}

/// The compensation for `grade` in `region`, fixed on `fixed_on`. A region
/// or day without an average wage is an error naming the parameter.
pub fn unlicensed_unit_compensation(
    policy: &PolicySet,
    region: &str,
    fixed_on: Date,
    grade: Grade,
) -> Result<UnlicensedCompensation, RulesError> {
    let monthly_average = policy.regional(region, "regional.avg_monthly_wage", fixed_on)?;
    let multiple = policy.at(
        "national",
        &format!("unlicensed.compensation_multiple.grade_{}", grade.get()),
        fixed_on,
    )?;
    let base = monthly_average.money().times(12);
    let amount = base.times(multiple.whole());
    Ok(UnlicensedCompensation {
        grade,
        region: region.to_owned(),
        fixed_on,
        monthly_average,
        multiple,
        base,
        amount,
    })
}

/// The compensation for a death (Order 9 Art 6), with the parameters it
/// used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnlicensedDeathCompensation {
    pub died_on: Date,
    /// The national urban per-capita disposable income of the year before
    /// the year of death (上一年度).
    pub national_income: ParamUse,
    /// 20: the one-time compensation's multiple.
    pub compensation_multiple: ParamUse,
    /// 10: the funeral subsidy and other compensation's multiple.
    pub other_multiple: ParamUse,
    pub compensation: Money,
    pub other: Money,
    pub total: Money,
}

/// The compensation for a worker (or child) of an unlicensed unit who died
/// of a work injury or occupational disease on `died_on`. A year whose
/// national income is not loaded is an error naming the parameter, never
/// the nearest year.
pub fn unlicensed_death_compensation(
    policy: &PolicySet,
    died_on: Date,
) -> Result<UnlicensedDeathCompensation, RulesError> {
    let national_income = policy.for_year(
        "national",
        crate::case::KEY_NATIONAL_INCOME,
        died_on.year() - 1,
    )?;
    let compensation_multiple = policy.at(
        "national",
        "unlicensed.death_compensation_income_multiple",
        died_on,
    )?;
    let other_multiple = policy.at(
        "national",
        "unlicensed.death_other_income_multiple",
        died_on,
    )?;
    let income = national_income.money();
    let compensation = income.times(compensation_multiple.whole());
    let other = income.times(other_multiple.whole());
    let total = compensation
        .checked_add(other)
        .ok_or_else(|| RulesError::InputOutOfRange {
            input: "statistics.urban_disposable_income_per_capita",
            value: income.to_string(),
            allowed: "an amount whose 30 times fit in fen".into(),
        })?;
    Ok(UnlicensedDeathCompensation {
        died_on,
        national_income,
        compensation_multiple,
        other_multiple,
        compensation,
        other,
        total,
    })
}
