//! gongshang-app: the services. Each one loads what it needs from the
//! [`Store`], decides or computes with the rules engine and the domain, and
//! persists the result in one store call (one database transaction), with
//! the actor and the instant of an injected [`Clock`].
//!
//! Architecture invariant: no SQL and no HTTP here; no rule either (ages,
//! premiums, due dates, cover are the rules engine's and the domain's).
//!
//! FIXME(store): the store has no lookup of a bill by reference, of a bill's
//! scheme and kind, of an enrollment by id, nor a listing of bills by month.
//! Until it does, bills get deterministic references (`M202503-<unit>-<scheme>`,
//! `D20250301-E12-5`, `O202507-meituan-1`) and are found through the audit
//! log, which the store writes in the same transaction as the bill and
//! indexes by (entity, entity id).

pub mod accounts;
pub mod cases;
pub mod clock;
pub mod demo;
pub mod error;
mod orders;
mod services;
pub mod views;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;
pub use orders::{OrderInput, OrderPricer, PLATFORM_ALIASES, Reconciliation};
pub use services::*;
