//! How often the payroll pays a periodic benefit (《广东省工伤保险条例》第二十九条:
//! "一级至四级伤残职工户籍从单位所在地迁回原籍的，其伤残津贴可以由社会保险经办机构
//! 按照标准每半年发放一次。": a grade 1-4 worker whose household registration
//! moved home may have the disability allowance paid half-yearly by the
//! agency). The clerk sets it; the payroll pays a half-yearly benefit its
//! run's month and the rest of the half-year (`PaymentFrequency::paid_through`),
//! each month once.

use gongshang_domain::month::PaymentFrequency;
use gongshang_rules::{Item, Payer};

use super::*;

impl App {
    /// Sets a benefit's payment frequency (clerks, `ManageBenefits`).
    /// Half-yearly only for the fund's disability allowance of a grade 1-4
    /// worker whose approved award records the household registration moved
    /// home (`household_moved_home_on`); monthly always.
    pub fn set_payment_frequency(
        &self,
        actor: &Actor,
        benefit_id: i64,
        frequency: PaymentFrequency,
        reason: &str,
    ) -> Result<PeriodicBenefitRow, AppError> {
        actor.authorize(Action::ManageBenefits)?;
        let benefit =
            self.store
                .periodic_benefit(benefit_id)?
                .ok_or_else(|| AppError::NotFound {
                    entity: "periodic benefit",
                    key: benefit_id.to_string(),
                })?;
        if frequency == PaymentFrequency::HalfYearly {
            let refuse = |why: String| {
                Err(AppError::invalid(
                    "frequency",
                    format!(
                        "{why}: Guangdong Regulations Art 29 lets the agency pay half-yearly only the disability allowance of a grade 1-4 worker whose household registration moved home / {}",
                        "《广东省工伤保险条例》第二十九条：仅一级至四级伤残、户籍迁回原籍的职工，其伤残津贴可按半年发放"
                    ),
                ))
            };
            if benefit.item != Item::MonthlyDisabilityAllowance || benefit.payer != Payer::Fund {
                return refuse(format!(
                    "benefit {benefit_id} is the {} paid by the {}",
                    benefit.item.label_en(),
                    benefit.payer.label_en()
                ));
            }
            let Some(award) = self.approved_award(benefit.case_id)? else {
                return refuse(format!(
                    "the case of benefit {benefit_id} has no approved award"
                ));
            };
            let facts = Self::facts_of(&award)?;
            if !facts.grade.is_some_and(|g| (1..=4).contains(&g)) {
                return refuse(format!(
                    "the approved award is of grade {}",
                    facts.grade.map_or("none".to_owned(), |g| g.to_string())
                ));
            }
            if facts.household_moved_home_on.is_none() {
                return refuse(
                    "the approved award records no household registration moved home (household_moved_home_on)"
                        .to_owned(),
                );
            }
        }
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say on what the frequency is set (the worker's application) / 请填写依据",
            ));
        }
        self.store.set_payment_frequency(
            benefit_id,
            frequency,
            reason.trim(),
            &actor.audit_name(),
            self.now(),
        )?;
        self.store
            .periodic_benefit(benefit_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "periodic benefit",
                key: benefit_id.to_string(),
            })
    }
}
