//! Overpaid benefits recovered (社会保险经办条例, State Council Decree No. 765,
//! Art 46; issue 12): a clerk records an overpayment on a periodic benefit
//! (a pension paid for months after the beneficiary's death, say) and how it
//! comes back: refunded at once, by an instalment agreement, or kept back
//! from a later benefit of the case. The schedule is the rules engine's
//! (`recovery::recovery_schedule`); each instalment recovered posts its own
//! ledger transaction, once.

use gongshang_domain::coverage::date_in_china;
use gongshang_domain::ids::{IdempotencyKey, ReferenceId};
use gongshang_domain::ledger;
use gongshang_domain::month::Month;
use gongshang_rules::rate::Rate;
use gongshang_rules::recovery::{Recovery, recovery_schedule};
use gongshang_rules::trace::Trace;
use gongshang_rules::{Money, Payer};
use gongshang_store::recovery::{NewOverpayment, OverpaymentRow, RecoveryMethod};
use jiff::civil::Date;
use serde_json::json;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// How a clerk agreed the overpayment comes back.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RecoveryPlan {
    /// Refunded at once.
    Refund,
    /// An instalment agreement over so many months (1 to 120).
    Instalments { months: u32 },
    /// Kept back from a later benefit of the same case: at most `share` of
    /// each month's payment of `benefit_id`. Decree 765 Art 46 sets no share;
    /// the agency agrees it.
    Offset { benefit_id: i64, share: Rate },
}

/// An overpayment as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverpaymentInput {
    /// The periodic benefit that was paid when it was not owed.
    pub benefit_id: i64,
    pub amount: Money,
    /// Why it was not owed (the beneficiary died in ..., ...).
    pub reason: String,
    pub plan: RecoveryPlan,
    /// The month of the first instalment (refund: the month it is due).
    pub first_month: Month,
}

impl App {
    /// Records an overpayment, its schedule and its ledger transaction
    /// (the expense undone, a claim on the beneficiary), in one store call.
    pub fn record_overpayment(
        &self,
        actor: &Actor,
        input: &OverpaymentInput,
    ) -> Result<OverpaymentRow, AppError> {
        actor.authorize(Action::RecordOverpayment)?;
        let (op, tx) = self.prepare_overpayment(input)?;
        Ok(self
            .store
            .record_overpayment(&op, &tx, &actor.audit_name(), self.now())?)
    }

    /// Checks an overpayment (a benefit of the fund paid by the payroll, no
    /// more than was paid less what is already recorded on it) and builds
    /// its schedule and ledger transaction, for [`App::record_overpayment`]
    /// and for a use case that records one in its own transaction (a
    /// stop-benefit report, Decree 765 Art 25).
    pub(crate) fn prepare_overpayment(
        &self,
        input: &OverpaymentInput,
    ) -> Result<(NewOverpayment, ledger::Transaction), AppError> {
        let benefit = self
            .store
            .periodic_benefit(input.benefit_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "periodic benefit",
                key: input.benefit_id.to_string(),
            })?;
        if input.reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why the benefit was not owed (e.g. the beneficiary died in 2026-03)",
            ));
        }
        if input.amount <= Money::ZERO {
            return Err(AppError::invalid(
                "amount",
                format!("{} yuan; more than 0.00", input.amount),
            ));
        }
        // Only what the payroll paid on the benefit can have been overpaid.
        let paid = self
            .store
            .payroll_lines_of_benefit(benefit.id)?
            .iter()
            .fold(Money::ZERO, |a, (_, m)| a.checked_add(*m).expect("fen"));
        let recorded = self
            .store
            .overpayments_of_case(benefit.case_id)?
            .iter()
            .filter(|o| o.benefit_id == Some(benefit.id))
            .fold(Money::ZERO, |a, o| a.checked_add(o.amount).expect("fen"));
        let open = paid.checked_sub(recorded).expect("fen");
        if input.amount > open {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "{} yuan is more than the payroll paid on benefit {} ({paid} yuan) less the overpayments already recorded on it ({recorded} yuan)",
                    input.amount, benefit.id
                ),
            ));
        }
        let (how, method, offset_benefit_id) = match input.plan {
            RecoveryPlan::Refund => (Recovery::Refund, RecoveryMethod::Refund, None),
            RecoveryPlan::Instalments { months } => (
                Recovery::Instalments { months },
                RecoveryMethod::Instalments,
                None,
            ),
            RecoveryPlan::Offset { benefit_id, share } => {
                if share > Rate::ONE {
                    return Err(AppError::invalid(
                        "share",
                        format!(
                            "{}; at most 100% of a month's benefit can be kept back",
                            share.to_percent_string()
                        ),
                    ));
                }
                let later =
                    self.store
                        .periodic_benefit(benefit_id)?
                        .ok_or_else(|| AppError::NotFound {
                            entity: "periodic benefit",
                            key: benefit_id.to_string(),
                        })?;
                if later.case_id != benefit.case_id || later.payer != Payer::Fund {
                    return Err(AppError::invalid(
                        "offset_benefit_id",
                        format!(
                            "benefit {benefit_id} is not a benefit the fund pays on the same case as benefit {}",
                            benefit.id
                        ),
                    ));
                }
                let monthly_benefit = later
                    .amounts
                    .iter()
                    .rfind(|a| a.from_month <= input.first_month)
                    .map(|a| a.amount)
                    .filter(|m| *m > Money::ZERO)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "first_month",
                            format!(
                                "benefit {benefit_id} has no amount in force in {}",
                                input.first_month
                            ),
                        )
                    })?;
                (
                    Recovery::Offset {
                        monthly_benefit,
                        share,
                    },
                    RecoveryMethod::Offset,
                    Some(benefit_id),
                )
            }
        };
        let mut trace = Trace::default();
        let amounts = recovery_schedule(input.amount, how, &mut trace)?;
        let mut month = input.first_month;
        let mut schedule = Vec::with_capacity(amounts.len());
        for a in amounts {
            schedule.push((month, a));
            month = month.next();
        }
        let n = self.store.overpayment_count_of_benefit(benefit.id)? + 1;
        let reference = format!("OP-{}-{n}", benefit.id);
        let tx = ledger::overpayment_found(
            IdempotencyKey::parse(&format!("overpay:{reference}"))?,
            ReferenceId::parse(&reference)?,
            input.amount,
        )?;
        let basis = json!({
            "plan": how,
            "first_month": input.first_month.to_string(),
            "trace": trace.steps,
        });
        Ok((
            NewOverpayment {
                reference,
                case_id: benefit.case_id,
                benefit_id: Some(benefit.id),
                one_time_payment_id: None,
                offset_benefit_id,
                amount: input.amount,
                reason: input.reason.trim().to_owned(),
                method,
                basis,
                schedule,
            },
            tx,
        ))
    }

    /// Records the next instalment of an overpayment as recovered on a day
    /// (today unless given; never ahead). An offset is recovered only once
    /// the payroll has paid the later benefit for the instalment's month at
    /// least the instalment: it is kept back from that payment.
    pub fn recover_overpayment(
        &self,
        actor: &Actor,
        overpayment_id: i64,
        recovered_on: Option<Date>,
    ) -> Result<OverpaymentRow, AppError> {
        actor.authorize(Action::RecoverOverpayment)?;
        let op = self
            .store
            .overpayment(overpayment_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "overpayment",
                key: overpayment_id.to_string(),
            })?;
        let next = op.next_due().ok_or_else(|| AppError::Conflict {
            entity: "overpayment",
            reason: format!("{} is recovered in full", op.reference),
        })?;
        let today = date_in_china(self.now());
        let day = recovered_on.unwrap_or(today);
        if day > today {
            return Err(AppError::invalid(
                "recovered_on",
                format!("{day} is after today ({today}); a recovery is recorded once it happened"),
            ));
        }
        if let Some(later) = op.offset_benefit_id {
            let paid = self
                .store
                .payroll_lines_of_benefit(later)?
                .into_iter()
                .find(|(m, _)| *m == next.month)
                .map(|(_, a)| a);
            match paid {
                Some(a) if a >= next.amount => {}
                Some(a) => {
                    return Err(AppError::Conflict {
                        entity: "overpayment",
                        reason: format!(
                            "the payroll paid benefit {later} {a} yuan for {}, less than the instalment of {} yuan",
                            next.month, next.amount
                        ),
                    });
                }
                None => {
                    return Err(AppError::Conflict {
                        entity: "overpayment",
                        reason: format!(
                            "the payroll has not paid benefit {later} for {} yet; the offset is kept back from that payment",
                            next.month
                        ),
                    });
                }
            }
        }
        let tx = ledger::overpayment_recovered(
            IdempotencyKey::parse(&format!("recover:{}:{}", op.reference, next.seq))?,
            ReferenceId::parse(&op.reference)?,
            next.amount,
        )?;
        Ok(self.store.record_recovery(
            op.id,
            next.seq,
            day,
            &tx,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// The overpayments of a case, with their schedules and what came back.
    pub fn overpayments_of_case(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<OverpaymentRow>, AppError> {
        actor.authorize(Action::ReadOverpayments)?;
        let row = self.case_row(actor, number)?;
        Ok(self.store.overpayments_of_case(row.id)?)
    }
}
