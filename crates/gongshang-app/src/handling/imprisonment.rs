//! A survivor's pension stopped while its recipient serves a prison
//! sentence, and paid again after the release (劳社部令第18号 Art 5: 领取抚恤金
//! 的人员，在被判刑收监执行期间，停止享受抚恤金待遇。刑满释放仍符合领取抚恤金资格的，按规定
//! 的标准享受抚恤金。).
//!
//! A clerk records the imprisonment from the judgment or the prison's
//! notice: the pension is paused from the month after the day taken in
//! (`gongshang_domain::imprisonment`), the months already paid inside the
//! pause become an overpayment built by the same checks as a clerk's
//! (`App::prepare_overpayment`, Decree 765 Art 46), written in the same
//! transaction. The release, from the release certificate (释放证明书),
//! ends the pause with its month; the payroll pays from the month after,
//! at the amount in force then. A paused month is never owed: unlike a
//! plain suspension, lifting it pays nothing back.

use gongshang_domain::imprisonment::{self, ARTICLE, Pause};
use gongshang_domain::life_events::{BeneficiaryRole, BenefitInPayment};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
pub use gongshang_store::cases::BenefitPauseRow;
use gongshang_store::cases::NewBenefitPause;
use jiff::civil::Date;

use super::{date_field, recovery_plan};
use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::model::PeriodicBenefitRow;
use crate::recovery::{OverpaymentInput, RecoveryPlan};
use crate::services::App;

/// The longest document reference kept.
pub const DOCUMENT_MAX_CHARS: usize = 200;

/// An imprisonment as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImprisonmentInput {
    pub benefit_id: i64,
    /// The day taken into prison (收监执行之日).
    pub imprisoned_on: Date,
    /// The day released, when already known.
    pub released_on: Option<Date>,
    /// The judgment or the prison's notice.
    pub document: String,
    /// How the months already paid inside the pause come back (Art 46).
    pub recovery: RecoveryPlan,
}

/// An imprisonment as a person types it (every field text), for the API,
/// the page and the command line alike.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ImprisonmentForm {
    #[serde(default)]
    pub benefit_id: String,
    #[serde(default)]
    pub imprisoned_on: String,
    #[serde(default)]
    pub released_on: String,
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub recovery: String,
    #[serde(default)]
    pub months: String,
}

impl ImprisonmentForm {
    pub fn parse(&self) -> Result<ImprisonmentInput, AppError> {
        Ok(ImprisonmentInput {
            benefit_id: benefit_field(&self.benefit_id)?,
            imprisoned_on: date_field("imprisoned_on", &self.imprisoned_on)?,
            released_on: match self.released_on.trim() {
                "" => None,
                t => Some(date_field("released_on", t)?),
            },
            document: self.document.clone(),
            recovery: recovery_plan(&self.recovery, &self.months)?,
        })
    }
}

/// A release as a person types it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ReleaseForm {
    #[serde(default)]
    pub benefit_id: String,
    #[serde(default)]
    pub released_on: String,
    #[serde(default)]
    pub document: String,
}

impl ReleaseForm {
    /// (benefit, day released, the certificate)
    pub fn parse(&self) -> Result<(i64, Date, String), AppError> {
        Ok((
            benefit_field(&self.benefit_id)?,
            date_field("released_on", &self.released_on)?,
            self.document.clone(),
        ))
    }
}

fn benefit_field(text: &str) -> Result<i64, AppError> {
    text.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            "benefit_id",
            format!("{:?} is not a benefit's number", text.trim()),
        )
    })
}

fn document_field(text: &str, what: &str) -> Result<String, AppError> {
    let d = text.trim();
    if d.is_empty() {
        return Err(AppError::invalid(
            "document",
            format!("name the {what} it rests on"),
        ));
    }
    if d.chars().count() > DOCUMENT_MAX_CHARS {
        return Err(AppError::invalid(
            "document",
            format!(
                "{} characters; at most {DOCUMENT_MAX_CHARS}",
                d.chars().count()
            ),
        ));
    }
    Ok(d.to_owned())
}

impl App {
    /// A case's benefit, refused when it is another case's.
    fn benefit_of_case(
        &self,
        actor: &Actor,
        number: &str,
        benefit_id: i64,
    ) -> Result<PeriodicBenefitRow, AppError> {
        let case = self.case_row(actor, number)?;
        self.store
            .periodic_benefit(benefit_id)?
            .filter(|b| b.case_id == case.id)
            .ok_or_else(|| AppError::NotFound {
                entity: "periodic benefit",
                key: format!("{benefit_id} of case {number}"),
            })
    }

    fn not_ahead(&self, field: &'static str, day: Date) -> Result<(), AppError> {
        let today = self.today();
        if day > today {
            return Err(AppError::invalid(
                field,
                format!("{day} is after today ({today}); record it once it has happened"),
            ));
        }
        Ok(())
    }

    /// Records a survivor's imprisonment (Art 5): the pension paused from
    /// the next month, the months already paid in the pause an overpayment,
    /// in one store call.
    pub fn record_imprisonment(
        &self,
        actor: &Actor,
        number: &str,
        input: &ImprisonmentInput,
    ) -> Result<BenefitPauseRow, AppError> {
        actor.authorize(Action::ManageBenefits)?;
        let benefit = self.benefit_of_case(actor, number, input.benefit_id)?;
        let document = document_field(&input.document, "judgment or the prison's notice")?;
        self.not_ahead("imprisoned_on", input.imprisoned_on)?;
        if let Some(r) = input.released_on {
            self.not_ahead("released_on", r)?;
        }
        let role = BeneficiaryRole::of_label(&benefit.beneficiary).ok_or_else(|| {
            AppError::invalid(
                "benefit_id",
                format!("benefit {} has no beneficiary to stop", benefit.id),
            )
        })?;
        let paid = self.store.payroll_lines_of_benefit(benefit.id)?;
        let paused: Vec<Pause> = self
            .store
            .pauses_of_benefit(benefit.id)?
            .iter()
            .map(|p| p.pause)
            .collect();
        let facts = BenefitInPayment {
            benefit_id: benefit.id,
            item: benefit.item,
            role,
            end_month: benefit.end_month,
            birth_date: None,
            age_exception: None,
            paid,
            amounts: Vec::new(),
        };
        let decision =
            imprisonment::imprisonment(&facts, input.imprisoned_on, input.released_on, &paused)?;
        let total = decision.overpaid_total();
        let overpayment = if total > Money::ZERO {
            let months: Vec<String> = decision
                .overpaid
                .iter()
                .map(|(m, _)| m.to_string())
                .collect();
            Some(self.prepare_overpayment(&OverpaymentInput {
                benefit_id: benefit.id,
                amount: total,
                reason: format!(
                    "imprisoned on {} ({document}); {ARTICLE}; paid for {} not owed",
                    input.imprisoned_on,
                    months.join(", ")
                ),
                plan: input.recovery,
                first_month: Month::of(self.today()),
            })?)
        } else {
            None
        };
        Ok(self.store.record_benefit_pause(
            &NewBenefitPause {
                benefit_id: benefit.id,
                imprisoned_on: input.imprisoned_on,
                pause: decision.pause,
                released_on: input.released_on,
                document,
                overpayment,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Records the release of a survivor whose pension is paused (Art 5):
    /// the pause ends with the release's month; the payroll pays from the
    /// next month at the amount in force then.
    pub fn record_release(
        &self,
        actor: &Actor,
        number: &str,
        benefit_id: i64,
        released_on: Date,
        document: &str,
    ) -> Result<BenefitPauseRow, AppError> {
        actor.authorize(Action::ManageBenefits)?;
        let benefit = self.benefit_of_case(actor, number, benefit_id)?;
        let document = document_field(document, "release certificate")?;
        self.not_ahead("released_on", released_on)?;
        let open = self
            .store
            .pauses_of_benefit(benefit.id)?
            .into_iter()
            .find(|p| p.released_on.is_none())
            .ok_or_else(|| AppError::Conflict {
                entity: "benefit pause",
                reason: format!(
                    "benefit {} is not stopped for a sentence; nothing to release / 该待遇未因收监执行停发",
                    benefit.id
                ),
            })?;
        // The months the imprisonment counted as overpaid: every month paid
        // inside the open pause (the payroll pays none of them since).
        let counted: Vec<Month> = self
            .store
            .payroll_lines_of_benefit(benefit.id)?
            .into_iter()
            .map(|(m, _)| m)
            .filter(|m| open.pause.holds(*m))
            .collect();
        let closed = imprisonment::release(open.pause, open.imprisoned_on, released_on, &counted)?;
        Ok(self.store.release_benefit_pause(
            open.id,
            released_on,
            closed.until.expect("a release ends the pause"),
            &document,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// The fund's periodic benefits of a case, running or ended: the
    /// choice of the pauses page (a pause is recorded on a pension the
    /// fund pays; the stop reports name any payer's,
    /// [`App::stop_report_benefits`]).
    pub fn pause_benefits(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<PeriodicBenefitRow>, AppError> {
        actor.authorize(Action::ReadStopReports)?;
        let case = self.case_row(actor, number)?;
        Ok(self
            .store
            .periodic_benefits_of_case(case.id)?
            .into_iter()
            .filter(|b| b.payer == gongshang_rules::Payer::Fund)
            .collect())
    }

    /// The pauses of a case's benefits (staff who read stop reports).
    pub fn benefit_pauses(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<BenefitPauseRow>, AppError> {
        actor.authorize(Action::ReadStopReports)?;
        let case = self.case_row(actor, number)?;
        Ok(self.store.pauses_of_case(case.id)?)
    }
}
