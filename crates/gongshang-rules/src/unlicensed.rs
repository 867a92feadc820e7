//! The one-time compensation an unlicensed unit pays (Regulations Art 66(1);
//! MOHRSS Order No. 9 Art 5, issue 17): a worker of a unit without a
//! business licence or registration (or a child it employed) who is disabled
//! by a work injury receives from the unit a multiple, by grade, of the
//! base: the pooling area's average annual wage of the previous year, taken
//! as 12 × `regional.avg_monthly_wage` of the unit's region on the day the
//! amount is fixed (the appraisal conclusion, Order 9 Art 4). Exact: whole
//! multiples of fen, no rounding. Death (Order 9 Art 6) is not computed: its
//! text was not read (see `policies/national/unlicensed.toml`).

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
