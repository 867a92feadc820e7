//! 旧伤复发 — a recurrence of a recognised work injury (《工伤保险条例》第三十八条,
//! Regulations Art 38), filed on the old case, never as a new one. The clerk
//! records the confirmation that the recurrence needs treatment (by the
//! agreement medical institution, or by the labour-capacity appraisal
//! committee on a dispute: MOLSS 2004 No. 256 item 7), who confirmed it,
//! when, the document, and a note on the medical costs (Art 30: the fund
//! pays them on the hospital's bills). The worker then has the suspension
//! wages of Art 33 again, on the wage at the recurrence, for the months the
//! recurrence needs: the rules engine computes them
//! ([`gongshang_rules::recurrence::recurrence_suspension_wages_under`]: under
//! a Guangdong scheme the 24 months of Guangdong Art 25, its Art 34), a clerk
//! proposes the award, a second person approves it (maker-checker), and the
//! employer pays it (nothing is posted to the fund's ledger).

use gongshang_domain::recurrence::{self, Confirmation, ConfirmingBody};
use gongshang_rules::recurrence::{RecurrenceInput, recurrence_suspension_wages_under};
use gongshang_rules::scheme::BenefitFamily;
use gongshang_store::cases::{
    NewRecurrence, NewRecurrenceAward, RecurrenceAwardRow, RecurrenceAwardStatus, RecurrenceRow,
};

use super::*;

/// What the clerk records: the recurrence and its confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceRequest {
    /// The day the injury recurred.
    pub recurred_on: Date,
    pub confirmed_by: ConfirmingBody,
    /// The institution's or the committee's name.
    pub confirming_body_name: String,
    pub confirmed_on: Date,
    /// The confirmation's document number.
    pub document: String,
    /// The medical costs (Art 30), as a note: the fund pays them on bills.
    #[serde(default)]
    pub medical_note: String,
}

/// What the suspension wages of a recurrence are computed on.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceAwardRequest {
    /// The monthly wage the worker had when the injury recurred.
    pub wage_at_recurrence: Money,
    pub suspension_months: u32,
    #[serde(default)]
    pub suspension_extension_confirmed: bool,
}

/// The longest medical note kept, in characters.
pub const MEDICAL_NOTE_MAX_CHARS: usize = 1000;

impl App {
    /// The case's recurrences (Art 38), each with its awards.
    pub fn recurrences(&self, actor: &Actor, number: &str) -> Result<Vec<RecurrenceRow>, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        Ok(self.store.recurrences_of_case(row.id)?)
    }

    /// Records a recurrence on a recognised case (Regulations Art 38): after
    /// the accident and the case's last recurrence, confirmed on or after it
    /// and not after today, by a named body with its document.
    pub fn record_recurrence(
        &self,
        actor: &Actor,
        number: &str,
        req: &RecurrenceRequest,
    ) -> Result<RecurrenceRow, AppError> {
        actor.authorize(Action::RecordRecurrence)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        if !loaded.injury_recognised() {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "case {number} is {}; a recurrence (Art 38) is of a recognised injury",
                    loaded.phase_name()
                ),
            });
        }
        if req.medical_note.chars().count() > MEDICAL_NOTE_MAX_CHARS {
            return Err(AppError::invalid(
                "medical_note",
                format!("at most {MEDICAL_NOTE_MAX_CHARS} characters"),
            ));
        }
        let earlier = self.store.recurrences_of_case(loaded.row.id)?;
        let dates: Vec<Date> = earlier.iter().map(|r| r.recurred_on).collect();
        let confirmation = Confirmation {
            recurred_on: req.recurred_on,
            confirmed_by: req.confirmed_by,
            confirming_body_name: req.confirming_body_name.clone(),
            confirmed_on: req.confirmed_on,
            document: req.document.clone(),
        };
        recurrence::check(
            &confirmation,
            loaded.row.accident_date,
            &dates,
            self.case_today(),
        )?;
        let after = i64::try_from(earlier.len()).unwrap_or(i64::MAX);
        Ok(self.store.record_recurrence(
            &NewRecurrence {
                case_id: loaded.row.id,
                recurred_on: req.recurred_on,
                confirmed_by: req.confirmed_by,
                confirming_body_name: req.confirming_body_name.trim().to_owned(),
                confirmed_on: req.confirmed_on,
                document: req.document.trim().to_owned(),
                medical_note: req.medical_note.trim().to_owned(),
            },
            after,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Computes the suspension wages of recurrence `seq` of the case (Arts
    /// 38 and 33: the wage at the recurrence × the months, Art 33's limits
    /// in force on the recurrence day) and stores them as proposed for a
    /// second person to approve. Once one is approved the recurrence's
    /// award is settled.
    pub fn compute_recurrence_award(
        &self,
        actor: &Actor,
        number: &str,
        seq: i64,
        req: &RecurrenceAwardRequest,
    ) -> Result<RecurrenceAwardRow, AppError> {
        actor.authorize(Action::ComputeAward)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        let scheme = self.scheme(&loaded.row.scheme_id)?;
        if scheme.benefit_family != BenefitFamily::Regulations {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "case {number} is under {}, an insurer's schedule; Art 38's suspension wages are the Regulations'",
                    loaded.row.scheme_id
                ),
            });
        }
        let recurrences = self.store.recurrences_of_case(loaded.row.id)?;
        let Some(r) = recurrences.iter().find(|r| r.seq == seq) else {
            return Err(AppError::NotFound {
                entity: "recurrence",
                key: format!("{number}/{seq}"),
            });
        };
        if let Some(a) = r
            .awards
            .iter()
            .find(|a| a.status == RecurrenceAwardStatus::Approved)
        {
            return Err(AppError::Conflict {
                entity: "recurrence",
                reason: format!(
                    "recurrence {seq} of case {number} has award {} approved; it is settled",
                    a.id
                ),
            });
        }
        let award = recurrence_suspension_wages_under(
            &self.policy,
            scheme,
            loaded.row.region.as_deref(),
            &RecurrenceInput {
                recurred_on: r.recurred_on,
                wage_at_recurrence: req.wage_at_recurrence,
                suspension_months: req.suspension_months,
                suspension_extension_confirmed: req.suspension_extension_confirmed,
            },
        )?;
        Ok(self.store.propose_recurrence_award(
            &NewRecurrenceAward {
                case_id: loaded.row.id,
                recurrence_id: r.id,
                wage_at_recurrence: req.wage_at_recurrence,
                suspension_months: req.suspension_months,
                extension_confirmed: req.suspension_extension_confirmed,
                suspension_wages: award.suspension_wages,
                trace: to_json("trace", &award.trace)?,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Approves a recurrence's proposed award, by a second person (the
    /// maker cannot): the employer owes the suspension wages.
    pub fn approve_recurrence_award(
        &self,
        actor: &Actor,
        award_id: i64,
    ) -> Result<RecurrenceAwardRow, AppError> {
        actor.authorize(Action::ApproveAward)?;
        let not_found = || AppError::NotFound {
            entity: "recurrence_award",
            key: award_id.to_string(),
        };
        let award = self
            .store
            .recurrence_award(award_id)?
            .ok_or_else(not_found)?;
        let case = self
            .store
            .case_by_id(award.case_id)?
            .filter(|row| reaches_case(actor, row))
            .ok_or_else(not_found)?;
        self.refuse_if_recused(actor, case.id)?;
        if award.made_by == actor.audit_name() {
            return Err(AppError::MakerChecker {
                award_id,
                maker: award.made_by,
            });
        }
        if award.status != RecurrenceAwardStatus::Proposed {
            return Err(AppError::Conflict {
                entity: "recurrence_award",
                reason: format!(
                    "award {award_id} is {}; only a proposed award is approved",
                    award.status.as_str()
                ),
            });
        }
        Ok(self
            .store
            .approve_recurrence_award(award_id, &actor.audit_name(), self.now())?)
    }
}

impl CaseView {
    /// Whether the case's injury is recognised (a determination recognising
    /// it, or the platform pilot's confirmation): what a recurrence
    /// (Art 38) and an award follow.
    pub fn injury_recognised(&self) -> bool {
        matches!(
            self.determination.decision.as_ref().map(|x| &x.finding),
            Some(Finding::Recognised { .. })
        ) || self
            .confirmation
            .as_ref()
            .is_some_and(|c| c.phase == confirmation::Phase::Confirmed)
    }
}
