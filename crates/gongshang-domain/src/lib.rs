//! gongshang-domain: the pure domain core that the store persists and enforces.
//!
//! Architecture invariant: this crate never does IO (beyond the holiday files
//! compiled in), never reads the clock or the environment, and has no floating
//! point. Dates are explicit arguments.
//!
//! - [`ids`]: validated identifiers (GB 11643 resident identity numbers, GB
//!   32100 unified social credit codes, GB/T 2260 region codes, opaque keys).
//! - [`holidays`]: the State Council's public holiday arrangements as data, and
//!   the next working day for due dates.
//! - [`ledger`]: balanced, append-only, double-entry transactions.
//! - [`coverage`]: cover intervals derived from enrolments and payments by the
//!   scheme's rule, and the answer to "was this person covered on this day?".
//! - [`month`]: a calendar month.
//! - [`error`]: [`DomainError`], with a stable `code()` and `field()`.

pub mod appraisal;
pub mod case;
pub mod confirmation;
pub mod coverage;
pub mod deadline;
pub mod declaration;
pub mod determination;
pub mod error;
pub mod handling;
pub mod holidays;
pub mod ids;
pub mod imprisonment;
pub mod insurer_claim;
pub mod ledger;
pub mod liability;
pub mod life_events;
pub mod medical;
pub mod missing;
pub mod monitor;
pub mod month;
pub mod over_age;
pub mod posting;
pub mod recurrence;
pub mod ticket;

pub use coverage::{
    CoverBasis, CoverInterval, CoverPiece, CoverReason, CoverSource, Coverage, DerivedCoverage,
    Enrollment, covered, derive_coverage,
};
pub use error::{DomainError, IdProblem};
pub use holidays::{DayKind, DueDate, HolidayCalendar};
pub use ids::{
    CreditCode, IdempotencyKey, OrderId, PlatformId, ReferenceId, RegionCode, ResidentId,
};
pub use ledger::{Account, Ledger, Posting, ReasonCode, Side, Transaction};
pub use month::Month;
