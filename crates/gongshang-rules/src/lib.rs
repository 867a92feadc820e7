//! gongshang-rules: the pure calculation core of gongshang.
//!
//! Architecture invariant: this crate never does IO, never reads the clock or
//! the environment, and has no floating point. Legal dates and parameters are
//! explicit arguments; the same inputs give the same result and trace.
//!
//! - [`money`]: [`Money`] in integer fen and the one rounding rule.
//! - [`rate`]: exact [`Rate`]s.
//! - [`params`]: dated, cited parameters loaded from `policies/`.
//! - [`life_table`]: dated, cited life tables (the fund's projection).
//! - [`benefits`]: one function per statutory step of the Regulations.
//! - [`award`]: the whole award of a case; [`case`]: a case as people write it.
//! - [`contribution`]: the monthly contribution.
//! - [`trace`]: the explanation every result carries.

pub mod advance;
pub mod arrears;
pub mod article_map;
pub mod articles;
pub mod award;
pub mod benefits;
pub mod billing;
pub mod case;
pub mod contribution;
pub mod deferral;
pub mod error;
pub mod late_fee;
pub mod life_table;
pub mod missing_and_repeat;
pub mod money;
pub mod monitoring;
pub mod params;
pub mod rate;
pub mod recovery;
pub mod recurrence;
pub mod retirement;
pub mod scheme;
pub mod scheme_award;
pub mod scheme_id;
pub mod trace;
pub mod underdeclared;
pub mod uninsured;
pub mod unlicensed;

pub use award::{
    AwardAmounts, AwardFacts, AwardInput, AwardLine, Fact, Periodicity, compute_award,
};
pub use benefits::{BenefitRules, Dependants, Grade, NursingLevel, Payer, Relation};
pub use case::{CaseInput, CaseResult, calculate_case};
pub use contribution::{ContributionRules, IndustryClass, monthly_contribution};
pub use error::RulesError;
pub use money::Money;
pub use params::PolicySet;
pub use rate::Rate;
pub use scheme_id::SchemeId;
pub use trace::{Item, NoTrace, Step, Trace, Tracer};
