//! The handling duties of the Regulation on the handling of social
//! insurance (社会保险经办条例, State Council Decree No. 765) that run on a
//! deadline or keep a record:
//!
//! - [`stop_reports`]: Art 25, a stop-benefit event told within 20 working
//!   days; a late report is on the clerk's queue while the months paid after
//!   the event are recovered (Art 46).
//! - [`credit`]: Art 45(2), the record of dishonest acts, each from a
//!   concrete source, corrected or withdrawn but never deleted.
//! - [`registrations`]: Arts 6, 10, a unit's application to register a
//!   person (or end it) completed within 10 working days of its receipt.
//! - [`cancellation`]: Art 10, a unit's own registration cancelled once it
//!   has settled what it owes and nothing of it runs on.
//! - [`imprisonment`]: 劳社部令第18号 Art 5, a survivor's pension paused for a
//!   prison sentence and paid again after the release.

pub mod cancellation;
pub mod credit;
pub mod imprisonment;
pub mod registrations;
pub mod stop_reports;

pub use cancellation::{UnitCancellationForm, UnitCancellationInput, UnitCancellationRow};
pub use credit::{CreditChangeForm, CreditForm};
pub use imprisonment::{BenefitPauseRow, ImprisonmentForm, ImprisonmentInput, ReleaseForm};
pub use registrations::{RegistrationForm, RegistrationInput, RegistrationView};
pub use stop_reports::{StopReportForm, StopReportInput, StopReportView};

use jiff::civil::Date;

use crate::error::AppError;
use crate::recovery::RecoveryPlan;

/// A day typed in a handling form (YYYY-MM-DD), refused at its field.
fn date_field(field: &'static str, text: &str) -> Result<Date, AppError> {
    text.trim().parse().map_err(|_| {
        AppError::invalid(
            field,
            format!("{:?} is not a date; expected YYYY-MM-DD", text.trim()),
        )
    })
}

/// How an overpayment found by a handling step comes back (Decree 765 Art
/// 46), as typed: `refund`, or `instalments` with 1 to 120 months.
fn recovery_plan(recovery: &str, months: &str) -> Result<RecoveryPlan, AppError> {
    match (recovery.trim(), months.trim()) {
        ("refund", "") => Ok(RecoveryPlan::Refund),
        ("refund", _) => Err(AppError::invalid("months", "a refund takes no months")),
        ("instalments", m) => {
            let months = m
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=120).contains(n))
                .ok_or_else(|| {
                    AppError::invalid("months", format!("{m:?}; 1 to 120 instalments"))
                })?;
            Ok(RecoveryPlan::Instalments { months })
        }
        (other, _) => Err(AppError::invalid(
            "recovery",
            format!("{other:?}; expected refund or instalments"),
        )),
    }
}
