//! Approved deferrals of a unit's premiums (缓缴; 人社厅发〔2022〕16号,
//! 人社部发〔2022〕31号): recorded and revoked by the agency's clerks, and read
//! wherever a bill's due date decides something. A bill of a deferred month
//! is due by the deferral's repayment day (its *effective* due day,
//! `gongshang_rules::deferral`): it is no arrears before that day (Social
//! Insurance Law Art 41: the fund pays; "缓缴、补缴期间认定为正常缴费状态，
//! 不得作欠费处理") and runs no late fee (Art 86: "缓缴期间免收滞纳金",
//! "补缴期间免收滞纳金"). The store reads each bill with its repayment day
//! (`BillStatus::deferred_to`, `effective_due_date`), and counts overdue
//! bills by it; from there the arrears of a case (`art62_finding`), the
//! late fee of a payment (`late_fee_of_payment`), the arrears list with its
//! running fees, what a unit owes before its cancellation, the debts a
//! successor took over, the unit's home, the monitoring grading and the
//! dashboard read it.

use gongshang_domain::Month;
use gongshang_domain::coverage;
use gongshang_domain::ids::CreditCode;
use gongshang_rules::SchemeId;
use gongshang_rules::scheme::Billing;
use gongshang_store::NewDeferral;
pub use gongshang_store::{DeferralRevocation, DeferralRow};
use jiff::civil::Date;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// The longest text of an instrument or a reason kept.
pub const DEFERRAL_TEXT_MAX_CHARS: usize = 200;

/// A deferral as a clerk records it from the agency's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeferralRequest {
    pub unit: CreditCode,
    /// A scheme billed monthly to the unit.
    pub scheme_id: SchemeId,
    /// The first and last deferred bill periods.
    pub first_period: Month,
    pub last_period: Month,
    /// The day by which the deferred premiums must be repaid: after the last
    /// deferred month.
    pub repay_by: Date,
    /// The instrument it rests on (e.g. 人社厅发〔2022〕16号).
    pub instrument: String,
    /// The day the agency approved it; not after today.
    pub approved_on: Date,
}

/// The revocation of a recorded deferral: from then it counts for nothing,
/// as if never approved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeferralRevocationRequest {
    pub deferral_id: i64,
    /// The day of the decision revoking it; not after today.
    pub revoked_on: Date,
    pub reason: String,
}

fn text_field(field: &'static str, what: &str, text: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, format!("{what} is required")));
    }
    let n = t.chars().count();
    if n > DEFERRAL_TEXT_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!("{n} characters; at most {DEFERRAL_TEXT_MAX_CHARS}"),
        ));
    }
    Ok(t.to_owned())
}

impl App {
    /// Records an approved deferral of a unit's premiums (缓缴; 人社厅发
    /// 〔2022〕16号, 人社部发〔2022〕31号): the unit registered, a scheme billed
    /// monthly, the months in order, the repayment day after the last of
    /// them, the instrument named, the approval not ahead of today. One in
    /// force for any of the same months of the unit and scheme is a
    /// conflict (revoke it first). Nothing else is written: the bills keep
    /// their own due dates, and every reading of them asks the deferral.
    pub fn record_deferral(
        &self,
        actor: &Actor,
        req: &DeferralRequest,
    ) -> Result<DeferralRow, AppError> {
        actor.authorize(Action::RecordDeferral)?;
        let scheme = self.scheme(&req.scheme_id).map_err(|_| {
            AppError::invalid(
                "scheme_id",
                format!("{} is not a scheme in the policy files", req.scheme_id),
            )
        })?;
        if !matches!(scheme.billing, Billing::MonthlyWage { .. }) {
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} is not billed monthly to a unit; only a unit's monthly premiums are deferred",
                    req.scheme_id
                ),
            ));
        }
        if req.last_period < req.first_period {
            return Err(AppError::invalid(
                "last_period",
                format!(
                    "{} is before the first deferred month, {}",
                    req.last_period, req.first_period
                ),
            ));
        }
        let last_day = req.last_period.last_day();
        if req.repay_by <= last_day {
            return Err(AppError::invalid(
                "repay_by",
                format!(
                    "{} is not after the last deferred month ({}, ending {last_day}); the deferred premiums are repaid after the deferral",
                    req.repay_by, req.last_period
                ),
            ));
        }
        let instrument = text_field(
            "instrument",
            "the instrument (e.g. 人社厅发〔2022〕16号)",
            &req.instrument,
        )?;
        let today = coverage::date_in_china(self.now());
        if req.approved_on > today {
            return Err(AppError::invalid(
                "approved_on",
                format!(
                    "{} is after today ({today}); record an approval once given",
                    req.approved_on
                ),
            ));
        }
        if req.approved_on > req.repay_by {
            return Err(AppError::invalid(
                "approved_on",
                format!(
                    "{} is after the repayment day {}; a deferral is approved before its premiums are due",
                    req.approved_on, req.repay_by
                ),
            ));
        }
        if self.store.unit_by_code(&req.unit)?.is_none() {
            return Err(AppError::NotFound {
                entity: "unit",
                key: req.unit.as_str().to_owned(),
            });
        }
        Ok(self.store.record_deferral(
            &NewDeferral {
                unit: req.unit,
                scheme_id: req.scheme_id.clone(),
                first_period: req.first_period,
                last_period: req.last_period,
                repay_by: req.repay_by,
                instrument,
                approved_on: req.approved_on,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Revokes a recorded deferral, once: from then its bills are read by
    /// their own due dates again (arrears and late fees included), as if it
    /// had never been approved. A corrected deferral is recorded anew.
    pub fn revoke_deferral(
        &self,
        actor: &Actor,
        req: &DeferralRevocationRequest,
    ) -> Result<DeferralRow, AppError> {
        actor.authorize(Action::RecordDeferral)?;
        let reason = text_field("reason", "the reason for revoking it", &req.reason)?;
        let today = coverage::date_in_china(self.now());
        if req.revoked_on > today {
            return Err(AppError::invalid(
                "revoked_on",
                format!(
                    "{} is after today ({today}); record a revocation once decided",
                    req.revoked_on
                ),
            ));
        }
        let found = self
            .store
            .deferral(req.deferral_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "deferral",
                key: req.deferral_id.to_string(),
            })?;
        if req.revoked_on < found.approved_on {
            return Err(AppError::invalid(
                "revoked_on",
                format!(
                    "{} is before the deferral was approved ({})",
                    req.revoked_on, found.approved_on
                ),
            ));
        }
        Ok(self.store.revoke_deferral(
            req.deferral_id,
            req.revoked_on,
            &reason,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// A unit's deferrals, revoked ones included (agency staff, or the unit
    /// itself).
    pub fn deferrals_of_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Vec<DeferralRow>, AppError> {
        actor.authorize(Action::ReadBills)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        Ok(self.store.deferrals_of_unit(unit)?)
    }
}
