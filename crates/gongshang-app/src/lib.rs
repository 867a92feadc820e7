//! gongshang-app: the services. Each one loads what it needs from the
//! [`Store`], decides or computes with the rules engine and the domain, and
//! persists the result in one store call (one database transaction), with
//! the actor and the instant of an injected [`Clock`].
//!
//! Architecture invariant: no SQL and no HTTP here; no rule either (ages,
//! premiums, due dates, cover are the rules engine's and the domain's).

pub mod accounts;
pub mod actor;
mod article_map;
mod billing;
pub mod cases;
pub mod clock;
mod coverage;
pub mod database;
pub mod deferrals;
pub mod error;
pub mod export;
pub mod fund;
pub mod handling;
pub mod holidays;
pub mod imports;
pub mod inherited;
mod lang;
pub mod late_fees;
pub mod liability;
pub mod matching;
pub mod model;
pub mod monitor;
pub mod notices;
mod orders;
pub mod payout;
pub mod payroll;
mod people;
mod recovery;
mod services;
pub mod simulation;
pub mod simulation_jobs;
pub mod staff;
pub mod tickets;
pub mod views;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;
pub use lang::Lang;
pub use orders::{OrderInput, OrderPricer, PLATFORM_ALIASES, Reconciliation};
pub use people::{DaysQuote, DeclarationDraft, DraftLine, PlatformDay, UnitMember, UnitOverview};
pub use recovery::{OverpaymentInput, RecoveryPlan};
pub use services::*;
