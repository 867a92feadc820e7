//! Appraisal fees (劳动能力鉴定费). Regulations Art 12 lists 劳动能力鉴定
//! among what the fund pays ("用于本条例规定的工伤保险待遇，劳动能力鉴定，
//! 工伤预防的宣传、培训等费用……的支付"). A clerk records the fee of one of a
//! case's appraisals (its conclusion), the amount and who paid it; a fee
//! the fund paid is posted to the ledger under its own expense account
//! (`appraisal_fee_expense`) and shows in the fund's statement as its own
//! expenditure line. Who pays other than the fund is named by the clerk,
//! never inferred: Order 55 (2025) says nothing of fees, and the rule that
//! the applicant pays for a re-appraisal that confirms the first conclusion
//! was found only in secondary sources, not in an instrument read here.

use gongshang_store::fund::{AppraisalFeePayer, AppraisalFeeRow, NewAppraisalFee};

use super::*;

/// The article a fund-paid appraisal fee rests on.
pub const APPRAISAL_FEE_ARTICLE: &str = "工伤保险条例 第十二条 (Regulations Art 12)";

/// What a clerk enters for an appraisal fee; each missing value is refused
/// by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppraisalFeeInput {
    /// The appraisal: the number of its conclusion on the case (1: the
    /// first appraisal; a re-appraisal or a review has the next).
    pub appraisal: Option<i64>,
    pub amount: Option<Money>,
    pub payer: Option<AppraisalFeePayer>,
    pub paid_on: Option<Date>,
}

/// An appraisal fee as recorded, with the appraisal it paid for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppraisalFeeView {
    pub case_number: String,
    #[serde(flatten)]
    pub fee: AppraisalFeeRow,
    /// The appraisal's kind (`initial`, `reappraisal`, `review`).
    pub appraisal_kind: String,
    /// Why the fund paid it (a fee paid by the fund), else none.
    pub article: Option<&'static str>,
}

impl App {
    /// Records the fee of one of the case's appraisals and who paid it; a
    /// fee the fund paid is posted to the ledger (Regulations Art 12).
    pub fn record_appraisal_fee(
        &self,
        actor: &Actor,
        number: &str,
        input: &AppraisalFeeInput,
    ) -> Result<AppraisalFeeView, AppError> {
        actor.authorize(Action::RecordAppraisalFee)?;
        let row = self.case_row(actor, number)?;
        self.refuse_if_recused(actor, row.id)?;
        let history = self.store.appraisal_history(row.id)?;
        let appraisal = input.appraisal.ok_or_else(|| {
            AppError::invalid(
                "fee_appraisal",
                "is missing; name the appraisal (its conclusion's number on the case)",
            )
        })?;
        let conclusion = history
            .iter()
            .find(|c| c.number == appraisal)
            .ok_or_else(|| {
                let known: Vec<String> = history.iter().map(|c| c.number.to_string()).collect();
                AppError::invalid(
                    "fee_appraisal",
                    if known.is_empty() {
                        format!("case {number} has no appraisal conclusion yet")
                    } else {
                        format!(
                            "{appraisal} is not an appraisal of case {number}; it has {}",
                            known.join(", ")
                        )
                    },
                )
            })?;
        let amount = input
            .amount
            .ok_or_else(|| AppError::invalid("fee_amount", "is missing; the fee in yuan"))?;
        if amount.fen() <= 0 {
            return Err(AppError::invalid(
                "fee_amount",
                format!("{amount} yuan; a fee is more than 0.00"),
            ));
        }
        let payer = input.payer.ok_or_else(|| {
            AppError::invalid(
                "fee_payer",
                "is missing; who paid it: the fund (Regulations Art 12), the unit or the worker",
            )
        })?;
        let paid_on = input
            .paid_on
            .ok_or_else(|| AppError::invalid("fee_paid_on", "is missing; the day it was paid"))?;
        let today = self.today();
        if paid_on > today {
            return Err(AppError::invalid(
                "fee_paid_on",
                format!("{paid_on} is after today ({today}); record a fee once it is paid"),
            ));
        }
        if paid_on < conclusion.applied_on {
            return Err(AppError::invalid(
                "fee_paid_on",
                format!(
                    "{paid_on} is before the appraisal was applied for ({})",
                    conclusion.applied_on
                ),
            ));
        }
        let tx = if payer == AppraisalFeePayer::Fund {
            let key = format!("appraisal-fee-{}-{appraisal}", row.id);
            Some(ledger::appraisal_fee_paid(
                IdempotencyKey::parse(&key)?,
                ReferenceId::parse(&key)?,
                amount,
            )?)
        } else {
            None
        };
        let fee = self.store.record_appraisal_fee(
            &NewAppraisalFee {
                case_id: row.id,
                conclusion_number: appraisal,
                amount,
                payer,
                paid_on,
            },
            tx.as_ref(),
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(view(&row.number, fee, &history))
    }

    /// The appraisal fees of a case.
    pub fn appraisal_fees(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<AppraisalFeeView>, AppError> {
        actor.authorize(Action::ReadAppraisalFees)?;
        let row = self.case_row(actor, number)?;
        let history = self.store.appraisal_history(row.id)?;
        Ok(self
            .store
            .appraisal_fees_of_case(row.id)?
            .into_iter()
            .map(|fee| view(&row.number, fee, &history))
            .collect())
    }
}

fn view(number: &str, fee: AppraisalFeeRow, history: &[ConclusionRow]) -> AppraisalFeeView {
    AppraisalFeeView {
        case_number: number.to_owned(),
        appraisal_kind: history
            .iter()
            .find(|c| c.number == fee.conclusion_number)
            .map(|c| c.kind.clone())
            .unwrap_or_default(),
        article: (fee.payer == AppraisalFeePayer::Fund).then_some(APPRAISAL_FEE_ARTICLE),
        fee,
    }
}
