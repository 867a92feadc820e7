//! The late fee of a bill paid late, as a debt of its own (社会保险法 Art 86;
//! 工伤保险条例 Art 62(1); issue 12): assessed with each payment made after
//! the bill's due date on the amount that payment settles, owed by the unit
//! (or platform) until paid, and paid as money of its own. The fee on what
//! is still outstanding keeps running in [`App::arrears_with_late_fees`].

use gongshang_domain::coverage;
use gongshang_domain::ids::{CreditCode, IdempotencyKey};
use gongshang_domain::ledger;
use gongshang_rules::Money;
use gongshang_rules::scheme::PremiumPayer;
use gongshang_store::{
    BillKind, BillLateFees, BillStatus, NewLateFeeAssessment, NewLateFeePayment,
};
use jiff::civil::Date;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::*;

/// The articles an assessment rests on, kept with it.
pub const LATE_FEE_BASIS: &str = "社会保险法第八十六条、工伤保险条例第六十二条第一款：自欠缴之日起按日加收万分之五（contribution.late_fee_daily_rate），\
     自缴费期限届满次日起至缴纳之日止（参照税收征收管理法实施细则第七十五条）；\
     Social Insurance Law Art 86, Regulations Art 62(1): 0.05% a day from the day after the due date to the day paid";

/// A payment of a bill's late fees, as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateFeePaymentRequest {
    pub bill_id: i64,
    pub amount: Money,
    pub paid_on: Date,
    /// At most 60 visible ASCII characters.
    pub idempotency_key: String,
}

/// What recording it did, and the bill's late fees after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateFeeReceipt {
    pub payment_id: i64,
    /// The same payment was recorded before under the key: nothing changed.
    pub already_recorded: bool,
    pub fees: BillLateFees,
}

/// Who the law charges the fee: the 用人单位 (a unit's monthly bill) or the
/// platform (its order bill) as the payer of premiums; never a worker's own
/// days nor the fiscal share.
fn charged(kind: BillKind, status: &BillStatus, payer: Option<PremiumPayer>) -> bool {
    let by_payer = matches!(
        payer,
        None | Some(PremiumPayer::Unit) | Some(PremiumPayer::Platform)
    );
    kind != BillKind::Daily && status.unit.is_some() && by_payer
}

impl App {
    /// The late fee a payment of `req.amount` received today owes
    /// (Social Insurance Law Art 86; Regulations Art 62(1)): the amount ×
    /// the daily rate × the days from the day after the effective due date
    /// (`BillStatus::effective_due_date`: the due date, or the repayment day
    /// of a deferral) to the day received, rounded once half away from zero;
    /// none on or before that day, nor on a bill the law charges no fee on.
    pub(crate) fn late_fee_of_payment(
        &self,
        req: &PaymentRequest,
        status: &BillStatus,
        record: &BillRecord,
    ) -> Result<Option<NewLateFeeAssessment>, AppError> {
        if !charged(record.kind, status, req.payer) {
            return Ok(None);
        }
        let received_on = coverage::date_in_china(self.now());
        // A deferred month's bill (缓缴) is due by its repayment day: the
        // deferral and the repayment window are free of late fees
        // (人社厅发〔2022〕16号, 人社部发〔2022〕31号).
        let deferred_to = status.deferred_to;
        let due = status.effective_due_date();
        let days = gongshang_rules::late_fee::days_late(due, received_on);
        if days == 0 {
            return Ok(None);
        }
        let rate = self
            .policy
            .at("national", "contribution.late_fee_daily_rate", received_on)?
            .rate();
        let settled = req.amount.min(status.outstanding);
        let amount = gongshang_rules::late_fee::late_fee(settled, due, received_on, rate);
        if amount.fen() <= 0 {
            return Ok(None);
        }
        let tx = ledger::late_fee_assessed(
            IdempotencyKey::parse(&format!("lf:{}", req.idempotency_key))?,
            reference(req.idempotency_key.clone())?,
            reference(status.reference.clone())?,
            amount,
        )?;
        Ok(Some(NewLateFeeAssessment {
            settled,
            amount,
            days,
            daily_rate: rate,
            due_date: due,
            assessed_on: received_on,
            basis: match deferred_to {
                Some(repay_by) => format!(
                    "{LATE_FEE_BASIS}；缓缴至{repay_by}，自其次日起计（人社厅发〔2022〕16号、人社部发〔2022〕31号）；deferred to {repay_by}, counted from the day after"
                ),
                None => LATE_FEE_BASIS.to_owned(),
            },
            ledger: tx,
        }))
    }

    /// A unit's (or platform's) bills with late fees assessed, with what is
    /// paid and owed of them, the earliest due first; in the actor's scope.
    pub fn late_fees_of_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Vec<BillLateFees>, AppError> {
        actor.authorize(Action::ReadBills)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        Ok(self.store.late_fees_of_unit(unit)?)
    }

    /// Every bill's late fees still owed (agency staff, as the arrears).
    pub fn late_fees_owed(&self, actor: &Actor) -> Result<Vec<BillLateFees>, AppError> {
        actor.authorize(Action::ReadArrears)?;
        Ok(self.store.late_fees_owed()?)
    }

    /// Records a payment of a bill's late fees (Social Insurance Law Art
    /// 86): never more than is owed; the same key again changes nothing.
    pub fn record_late_fee_payment(
        &self,
        actor: &Actor,
        req: &LateFeePaymentRequest,
    ) -> Result<LateFeeReceipt, AppError> {
        actor.authorize(Action::RecordLateFeePayment)?;
        let key = req.idempotency_key.trim();
        if key.is_empty() || key.len() > 60 {
            return Err(AppError::invalid(
                "idempotency_key",
                format!("{} characters; 1 to 60", key.chars().count()),
            ));
        }
        if req.amount.fen() <= 0 {
            return Err(AppError::invalid(
                "amount",
                format!("{} yuan; a payment must be more than 0.00", req.amount),
            ));
        }
        let today = coverage::date_in_china(self.now());
        if req.paid_on > today {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{} is after today ({today}); a payment is recorded once received",
                    req.paid_on
                ),
            ));
        }
        let earliest = today
            .checked_sub(jiff::Span::new().days(PAID_ON_DAYS_BACK))
            .map_err(|e| AppError::invalid("paid_on", e.to_string()))?;
        if req.paid_on < earliest {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{} is more than {PAID_ON_DAYS_BACK} days before it is recorded ({today}); record a payment when it arrives",
                    req.paid_on
                ),
            ));
        }
        let fees = self.store.late_fees_of_bill(req.bill_id)?.ok_or_else(|| {
            AppError::invalid(
                "bill_id",
                format!("bill {} has no late fee assessed", req.bill_id),
            )
        })?;
        let tx = ledger::late_fee_received(
            IdempotencyKey::parse(&format!("lfp:{key}"))?,
            reference(key.to_owned())?,
            reference(fees.reference.clone())?,
            req.amount,
        )?;
        let outcome = self.store.record_late_fee_payment(
            &NewLateFeePayment {
                bill_id: req.bill_id,
                amount: req.amount,
                paid_on: req.paid_on,
                idempotency_key: key.to_owned(),
                ledger: tx,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        let fees =
            self.store
                .late_fees_of_bill(req.bill_id)?
                .ok_or_else(|| AppError::NotFound {
                    entity: "bill",
                    key: req.bill_id.to_string(),
                })?;
        Ok(LateFeeReceipt {
            payment_id: outcome.payment_id,
            already_recorded: outcome.already_recorded,
            fees,
        })
    }
}
