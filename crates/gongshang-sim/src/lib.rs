//! gongshang-sim: the fund projected year by year, under the baseline
//! policies and under a reform, over a compact population (issue 14).
//!
//! - [`reform`]: a reform is a TOML file of dated overrides of policy
//!   parameters, checked against the baseline [`gongshang_rules::PolicySet`]
//!   (the key must exist, the value must parse in the parameter's unit, each
//!   override needs a date and a note), with the experience assumptions,
//!   each labelled.
//! - [`population`]: the insured as struct-of-arrays with weights (ten bytes
//!   a person), synthetic (seeded) or filled by the caller.
//! - [`experience`]: claim incidence and the outcome mix observed in the
//!   stored cases, blended with the defaults by credibility.
//! - [`ibnr`]: claims incurred but not reported, per scheme, by the chain
//!   ladder on the stored cases' reporting delay (accident → filed).
//! - [`project`]: baseline and reform side by side: income by payer,
//!   expenditure by item, reserve and months of reserve, the pay-as-you-go
//!   cost rate and the break-even rate; the difference attributed to each
//!   override; premiums and benefits by wage decile, scheme and region;
//!   seeded replicates with P10/P50/P90 bands; sample persons that show how
//!   the figures arose.
//!
//! Architecture invariant: no IO, no clock, no floating point; money is fen
//! and rates are parts per million in the hot loop (exact for every rate the
//! policy files hold, which are whole hundredths of a percent or coarser).

pub mod experience;
pub mod ibnr;
pub mod population;
pub mod project;
pub mod reform;
pub mod rng;
pub mod stored_money;

pub use population::{Population, SchemeBilling};
pub use project::{
    Options, PASS_SLICES, ProjectProgress, Projection, project, project_with_progress,
};
pub use reform::{Assumptions, Reform};

use std::fmt;

/// Why a simulation could not run: a bad reform file, a parameter missing
/// from the baseline, an empty population.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    /// What was wrong (`override`, `assumption`, `population`, ...).
    pub field: &'static str,
    pub reason: String,
}

impl SimError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> SimError {
        SimError {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for SimError {}

/// Parts per million of an exact rate, rounded half away from zero.
pub fn ppm(rate: gongshang_rules::Rate) -> i64 {
    let v = gongshang_rules::money::round_half_away_from_zero(
        i128::from(rate.numerator()) * 1_000_000,
        i128::from(rate.denominator()),
    );
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A rate in parts per million as a percent with two decimals (`0.52%`).
pub fn percent_text(ppm: i64) -> String {
    let hundredths = gongshang_rules::money::round_half_away_from_zero(i128::from(ppm), 100);
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.abs();
    format!("{sign}{}.{:02}%", h / 100, h % 100)
}
