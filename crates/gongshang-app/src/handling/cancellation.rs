//! Decree No. 765 Art 10: a unit cancels its social insurance registration
//! (注销登记) only once it has settled its premiums, late fees and fines; the
//! agency completes it within 10 working days of the application.
//!
//! Before recording, every bill of the unit with something outstanding is
//! summed with the late fee each overdue one has run up (Regulations Art
//! 62(1), Social Insurance Law Art 86), and the unit's enrolments and the
//! periodic benefits of its cases must have ended by its last day (the
//! store checks those again in its transaction). Afterwards the unit takes
//! no enrolment starting after its last day and declares no later month.

use gongshang_domain::handling::{RegistrationKind, registration_deadline};
use gongshang_domain::ids::CreditCode;
use gongshang_rules::Money;
use gongshang_store::cancellations::NewUnitCancellation;
pub use gongshang_store::cancellations::{RunningOn, UnitCancellationRow};
use gongshang_store::views::ListQuery;
use jiff::civil::Date;

use super::date_field;
use super::registrations::REGISTRATION_DAYS_PARAMETER;
use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// The longest reason or document number kept.
pub const CANCELLATION_TEXT_MAX_CHARS: usize = 200;

/// The article a cancellation carries out.
pub const DECREE_765_ART_10_CANCELLATION: &str = "社会保险经办条例第十条";

/// A cancellation as a person types it (every field text).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct UnitCancellationForm {
    /// The unit's last day insured, YYYY-MM-DD.
    #[serde(default)]
    pub last_day: String,
    /// The day the application was received (blank: today).
    #[serde(default)]
    pub received_on: String,
    /// Why the unit ends: dissolution, bankruptcy, revocation, a move.
    #[serde(default)]
    pub reason: String,
    /// The document it rests on (the market regulator's notice, a court's
    /// ruling).
    #[serde(default)]
    pub document: String,
}

/// A cancellation checked for its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitCancellationInput {
    pub last_day: Date,
    pub received_on: Option<Date>,
    pub reason: String,
    pub document: Option<String>,
}

fn text_field(field: &'static str, text: &str) -> Result<Option<String>, AppError> {
    let t = text.trim();
    if t.chars().count() > CANCELLATION_TEXT_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!(
                "{} characters; at most {CANCELLATION_TEXT_MAX_CHARS}",
                t.chars().count()
            ),
        ));
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

impl UnitCancellationForm {
    pub fn parse(&self) -> Result<UnitCancellationInput, AppError> {
        let last_day = date_field("last_day", &self.last_day)?;
        let received_on = match self.received_on.trim() {
            "" => None,
            t => Some(date_field("received_on", t)?),
        };
        let reason = text_field("reason", &self.reason)?.ok_or_else(|| {
            AppError::invalid(
                "reason",
                "say why the unit ends (dissolution, bankruptcy, revocation, a move out of the region)",
            )
        })?;
        Ok(UnitCancellationInput {
            last_day,
            received_on,
            reason,
            document: text_field("document", &self.document)?,
        })
    }
}

/// What a unit still owes today: the outstanding premiums of its bills and
/// the late fees of those overdue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Owed {
    pub premiums: Money,
    pub late_fees: Money,
}

impl Owed {
    pub fn total(self) -> Money {
        self.premiums
            .checked_add(self.late_fees)
            .unwrap_or(self.premiums)
    }
}

impl App {
    /// What the unit owes today (premiums outstanding on any of its bills,
    /// the late fee of each overdue one, and the late fees assessed on bills
    /// it paid late and has not paid).
    pub(crate) fn unit_owes(&self, unit: &CreditCode) -> Result<Owed, AppError> {
        let today = self.today();
        let rate = self
            .policy()
            .at("national", "contribution.late_fee_daily_rate", today)?
            .rate();
        let mut owed = Owed::default();
        // Regulations Art 43(1) (issue 17): bills a successor took over are
        // its debts, no longer this unit's; those this unit took over are.
        let (passed_on, taken_over) = self.debts_moved(unit)?;
        // A deferred month's premium (缓缴) is owed, but its late fee runs
        // only after the repayment day (`BillStatus::effective_due_date`).
        for d in &taken_over {
            let status = self.store.bill_status(d.bill_id)?;
            let (premiums, late_fees) = self.bill_owes_today(&status)?;
            owed.premiums = owed.premiums.checked_add(premiums).unwrap_or(owed.premiums);
            owed.late_fees = owed
                .late_fees
                .checked_add(late_fees)
                .unwrap_or(owed.late_fees);
        }
        let mut after_id = 0;
        loop {
            let page = self.store.bill_rows(&ListQuery {
                after_id,
                limit: 500,
                unit: Some(*unit),
                outstanding_only: true,
                ..ListQuery::default()
            })?;
            for b in page
                .iter()
                .filter(|b| !passed_on.contains(&b.status.bill_id))
            {
                let s = &b.status;
                owed.premiums = owed
                    .premiums
                    .checked_add(s.outstanding)
                    .unwrap_or(owed.premiums);
                let fee = gongshang_rules::late_fee::late_fee(
                    s.outstanding,
                    s.effective_due_date(),
                    today,
                    rate,
                );
                owed.late_fees = owed.late_fees.checked_add(fee).unwrap_or(owed.late_fees);
            }
            match page.last() {
                Some(last) if page.len() == 500 => after_id = last.status.bill_id,
                _ => break,
            }
        }
        // and the late fees assessed on bills it paid late, not yet paid
        // (Social Insurance Law Art 86; migration 0310)
        for b in self
            .store
            .late_fees_of_unit(unit)?
            .into_iter()
            .filter(|b| !passed_on.contains(&b.bill_id))
        {
            owed.late_fees = owed.late_fees.checked_add(b.owed).unwrap_or(owed.late_fees);
        }
        Ok(owed)
    }

    /// Cancels a unit's registration (Decree 765 Art 10): refused while the
    /// unit owes premiums or late fees, or while an enrolment of its or a
    /// periodic benefit of its cases runs after its last day; completed
    /// today, late when after the 10 working days from the application.
    pub fn cancel_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
        input: &UnitCancellationInput,
    ) -> Result<UnitCancellationRow, AppError> {
        actor.authorize(Action::CancelUnit)?;
        if self.store.unit_by_code(unit)?.is_none() {
            return Err(AppError::NotFound {
                entity: "unit",
                key: unit.as_str().to_owned(),
            });
        }
        let today = self.today();
        let received_on = input.received_on.unwrap_or(today);
        if received_on > today {
            return Err(AppError::invalid(
                "received_on",
                format!(
                    "{received_on} is after today ({today}); an application is recorded once received"
                ),
            ));
        }
        if input.last_day > today {
            return Err(AppError::invalid(
                "last_day",
                format!(
                    "{} is after today ({today}); a unit's registration is cancelled once it has ended",
                    input.last_day
                ),
            ));
        }
        if let Some(c) = self.store.unit_cancellation(unit)? {
            return Err(AppError::Conflict {
                entity: "unit",
                reason: format!(
                    "{} was cancelled on {} (last day {})",
                    unit.as_str(),
                    c.completed_on,
                    c.last_day
                ),
            });
        }
        let owed = self.unit_owes(unit)?;
        if owed.total() > Money::ZERO {
            return Err(AppError::Conflict {
                entity: "unit",
                reason: format!(
                    "{} owes {} yuan ({} premiums, {} late fees): a unit cancels only once they are settled (Decree 765 Art 10) / 单位尚欠社会保险费 {} 元、滞纳金 {} 元，结清后方可注销",
                    unit.as_str(),
                    owed.total(),
                    owed.premiums,
                    owed.late_fees,
                    owed.premiums,
                    owed.late_fees
                ),
            });
        }
        let left = self.store.running_after(unit, input.last_day)?;
        if !left.is_empty() {
            return Err(AppError::Conflict {
                entity: "unit",
                reason: format!(
                    "{} enrolments and {} periodic benefits of {} run after {}: end them first / 该单位仍有 {} 条参保记录、{} 项定期待遇在最后参保日之后继续，须先办理减员或待遇处理",
                    left.enrolments,
                    left.benefits,
                    unit.as_str(),
                    input.last_day,
                    left.enrolments,
                    left.benefits
                ),
            });
        }
        let days = self
            .policy()
            .at("national", REGISTRATION_DAYS_PARAMETER, received_on)?
            .whole();
        let deadline =
            registration_deadline(&self.calendar(), RegistrationKind::End, received_on, days)?;
        Ok(self.store.cancel_unit(
            &NewUnitCancellation {
                unit: *unit,
                last_day: input.last_day,
                received_on,
                due_on: deadline.due,
                due_provisional: deadline.provisional,
                completed_on: today,
                reason: input.reason.clone(),
                document: input.document.clone(),
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// A unit's cancellation, if any (whoever reads the unit).
    pub fn unit_cancellation(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Option<UnitCancellationRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        Ok(self.store.unit_cancellation(unit)?)
    }

    /// Refuses what a cancelled unit may no longer do from `day` on (a new
    /// enrolment's start, a declared month's first day).
    pub(crate) fn refuse_after_cancellation(
        &self,
        unit: &CreditCode,
        day: Date,
        what: &str,
    ) -> Result<(), AppError> {
        if let Some(c) = self.store.unit_cancellation(unit)?
            && day > c.last_day
        {
            return Err(AppError::Conflict {
                entity: "unit",
                reason: format!(
                    "{}'s registration was cancelled with its last day {}: no {what} from {day} / 该单位已注销社会保险登记（最后参保日 {}）",
                    unit.as_str(),
                    c.last_day,
                    c.last_day
                ),
            });
        }
        Ok(())
    }
}
