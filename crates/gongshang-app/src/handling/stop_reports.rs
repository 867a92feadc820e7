//! Stop-benefit events reported (社会保险经办条例 Art 25): "the unit, the
//! recipient or their relatives tell the agency within 20 working days of the
//! day it happened; the agency stops the benefit once it has verified it".
//!
//! A clerk records the report once verified: the event (a death, a
//! remarriage, a dependant turning 18, a basic pension starting, a
//! survivor's employment, enlistment or adoption: the events the payroll and
//! the shared-data matching know), the day it happened, the
//! day it was reported and who reported it. The 20 working days
//! (`handling.stop_benefit_report_working_days`) are counted from the event
//! on the holiday calendar; a report after the due day is late. What the
//! event ends (or changes, for a pension start) and the months already paid
//! that were not owed are the domain's `life_events::decide`, as for the
//! matching; the months paid after the event become an overpayment built by
//! the same checks as a clerk's (`App::prepare_overpayment`, Art 46), written
//! in the report's transaction. A late report stays on the clerk's queue
//! until its overpayment is recovered in full.

use gongshang_domain::deadline::days_between;
use gongshang_domain::handling::stop_report_deadline;
use gongshang_domain::life_events::{BenefitInPayment, LifeEvent, MatchRule, decide};
use gongshang_domain::month::Month;
use gongshang_rules::{Money, Payer};
use gongshang_store::cases::NewStopReport;
pub use gongshang_store::cases::{Reporter, StopReportRow};
use jiff::civil::Date;
use serde::Serialize;

use super::{date_field, recovery_plan};
use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::recovery::{OverpaymentInput, RecoveryPlan};
use crate::services::App;

/// The parameter of the report's time limit (Art 25).
pub const STOP_REPORT_DAYS_PARAMETER: &str = "handling.stop_benefit_report_working_days";

/// The longest note kept with a report.
pub const STOP_REPORT_NOTE_MAX_CHARS: usize = 500;

/// A report as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopReportInput {
    pub benefit_id: i64,
    /// death, remarriage, dependant_turns_18, pension_start, employment,
    /// enlistment or adoption.
    pub event: MatchRule,
    /// The day it happened (for age 18, the birthday).
    pub event_on: Date,
    /// The day it reached the agency; today when not given, never ahead.
    pub reported_on: Option<Date>,
    pub reported_by: Reporter,
    /// A basic pension's monthly amount (pension_start only).
    pub pension_monthly: Option<Money>,
    /// How the months paid after the event come back (Art 46).
    pub recovery: RecoveryPlan,
    pub note: Option<String>,
}

/// A report as a person types it (every field text), for the API, the page
/// and the command line alike; [`StopReportForm::parse`] names the field at
/// fault.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct StopReportForm {
    #[serde(default)]
    pub benefit_id: String,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub event_on: String,
    #[serde(default)]
    pub reported_on: String,
    #[serde(default)]
    pub reported_by: String,
    #[serde(default)]
    pub pension_monthly: String,
    #[serde(default)]
    pub recovery: String,
    #[serde(default)]
    pub months: String,
    #[serde(default)]
    pub note: String,
}

impl StopReportForm {
    pub fn parse(&self) -> Result<StopReportInput, AppError> {
        let benefit_id = self.benefit_id.trim().parse::<i64>().map_err(|_| {
            AppError::invalid(
                "benefit_id",
                format!("{:?} is not a benefit's number", self.benefit_id.trim()),
            )
        })?;
        let event = match self.event.trim() {
            "turned_eighteen" => MatchRule::TurnedEighteen,
            other => MatchRule::parse(other).map_err(|_| {
                AppError::invalid(
                    "event",
                    format!(
                        "{other:?}; expected death, remarriage, dependant_turns_18, pension_start, employment, enlistment or adoption"
                    ),
                )
            })?,
        };
        let event_on = date_field("event_on", &self.event_on)?;
        let reported_on = match self.reported_on.trim() {
            "" => None,
            t => Some(date_field("reported_on", t)?),
        };
        let reported_by = Reporter::parse(self.reported_by.trim())
            .map_err(|e| AppError::invalid("reported_by", e))?;
        let pension_monthly = match self.pension_monthly.trim() {
            "" => None,
            t => Some(Money::parse_yuan(t).map_err(|_| {
                AppError::invalid(
                    "pension_monthly",
                    format!("{t:?} is not an amount in yuan, e.g. 2000.00"),
                )
            })?),
        };
        let recovery = recovery_plan(&self.recovery, &self.months)?;
        Ok(StopReportInput {
            benefit_id,
            event,
            event_on,
            reported_on,
            reported_by,
            pension_monthly,
            recovery,
            note: Some(self.note.clone()).filter(|n| !n.trim().is_empty()),
        })
    }
}

/// A report with how late it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StopReportView {
    #[serde(flatten)]
    pub report: StopReportRow,
    /// Calendar days after the due day it was reported (0 when in time).
    pub days_late: i64,
}

fn view(report: StopReportRow) -> StopReportView {
    StopReportView {
        days_late: days_between(report.due_on, report.reported_on).max(0),
        report,
    }
}

impl App {
    /// Records a verified stop-benefit report (Decree 765 Art 25): the
    /// benefit ends (or changes) as the event says, the months paid after
    /// it become an overpayment (Art 46), and the report keeps its due day
    /// and whether it was late; one store call.
    pub fn report_stop_event(
        &self,
        actor: &Actor,
        number: &str,
        input: &StopReportInput,
    ) -> Result<StopReportView, AppError> {
        actor.authorize(Action::RecordStopReport)?;
        let case = self.case_row(actor, number)?;
        let benefit = self
            .store
            .periodic_benefit(input.benefit_id)?
            .filter(|b| b.case_id == case.id)
            .ok_or_else(|| AppError::NotFound {
                entity: "periodic benefit",
                key: format!("{} of case {number}", input.benefit_id),
            })?;
        let today = self.today();
        let reported_on = input.reported_on.unwrap_or(today);
        if reported_on > today {
            return Err(AppError::invalid(
                "reported_on",
                format!(
                    "{reported_on} is after today ({today}); a report is recorded once received"
                ),
            ));
        }
        if input.event_on > reported_on {
            return Err(AppError::invalid(
                "event_on",
                format!(
                    "{} is after the day it was reported ({reported_on})",
                    input.event_on
                ),
            ));
        }
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if let Some(n) = &note
            && n.chars().count() > STOP_REPORT_NOTE_MAX_CHARS
        {
            return Err(AppError::invalid(
                "note",
                format!(
                    "{} characters; at most {STOP_REPORT_NOTE_MAX_CHARS}",
                    n.chars().count()
                ),
            ));
        }
        let role = gongshang_domain::life_events::BeneficiaryRole::of_label(&benefit.beneficiary)
            .ok_or_else(|| {
            AppError::invalid(
                "benefit_id",
                format!(
                    "benefit {} has no beneficiary a report can name",
                    benefit.id
                ),
            )
        })?;
        // Employment, enlistment and adoption end a survivor's pension
        // (劳社部令第18号 Art 4(2), 4(4)) as a death or a remarriage does.
        let event_kind = input.event.life_event();
        if input.event == MatchRule::PensionStart && input.pension_monthly.is_none() {
            return Err(AppError::invalid(
                "pension_monthly",
                "a pension start needs the basic pension's monthly amount",
            ));
        }
        let birth_date = match input.event {
            // The 18th birthday reported: the dependant was born 18 years before.
            MatchRule::TurnedEighteen => Some(
                input
                    .event_on
                    .checked_sub(jiff::Span::new().years(18))
                    .map_err(|e| AppError::invalid("event_on", e.to_string()))?,
            ),
            _ => None,
        };
        let paid = self.store.payroll_lines_of_benefit(benefit.id)?;
        let facts = BenefitInPayment {
            benefit_id: benefit.id,
            item: benefit.item,
            role,
            end_month: benefit.end_month,
            birth_date,
            // A dependant recorded fully unable to work (or under a local
            // study rule) does not stop at 18 (劳社部令第18号 Art 4(1)).
            age_exception: self
                .store
                .beneficiary_of(benefit.id)?
                .and_then(|(_, exception)| exception),
            paid,
            amounts: benefit
                .amounts
                .iter()
                .map(|a| (a.from_month, a.amount))
                .collect(),
        };
        let events: Vec<LifeEvent> = event_kind
            .map(|kind| LifeEvent {
                id: 0,
                kind,
                on: input.event_on,
                pension_monthly: input.pension_monthly,
            })
            .into_iter()
            .collect();
        let decision = decide(&facts, &events)
            .filter(|d| d.rule == input.event)
            .ok_or_else(|| AppError::Conflict {
                entity: "periodic benefit",
                reason: match benefit.end_month {
                    Some(end) => format!(
                        "benefit {} already ends with {end}; a {} on {} ends nothing more",
                        benefit.id,
                        input.event.as_str(),
                        input.event_on
                    ),
                    None => format!(
                        "a {} does not end or change benefit {} ({}, {})",
                        input.event.as_str(),
                        benefit.id,
                        benefit.item.label_en(),
                        benefit.beneficiary
                    ),
                },
            })?;
        // The event ends the person's benefit whoever pays it (a unit's
        // grade 5-6 allowance, Regulations Art 36; a Guangdong Art 56
        // difference line): the benefit is the worker's or the survivor's,
        // not the payer's (DESIGN.md, "Why does a stop-benefit report end a
        // benefit the unit pays?"). The Art 35(3) difference on a pension
        // start is the fund's top-up of its own allowance; a unit-paid
        // allowance is not changed by it here.
        if benefit.payer != Payer::Fund && decision.new_amount.is_some() {
            return Err(AppError::invalid(
                "event",
                format!(
                    "benefit {} is paid by the {}; a {} changes only an allowance the fund pays (Regulations Art 35(3))",
                    benefit.id,
                    benefit.payer.label_en(),
                    input.event.as_str()
                ),
            ));
        }
        let days = self
            .policy()
            .at("national", STOP_REPORT_DAYS_PARAMETER, input.event_on)?
            .whole();
        let deadline = stop_report_deadline(&self.calendar(), input.event_on, days)?;
        let late = reported_on > deadline.due;
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
                    "reported by the {} on {reported_on} ({}, due {}): {} on {}; {}; paid for {} not owed",
                    input.reported_by.as_str(),
                    if late { "late" } else { "in time" },
                    deadline.due,
                    input.event.as_str(),
                    input.event_on,
                    decision.rule.article(),
                    months.join(", ")
                ),
                plan: input.recovery,
                first_month: Month::of(today),
            })?)
        } else {
            None
        };
        let end_reason = match decision.new_amount {
            Some(_) => format!(
                "retired: pension {}, Art 35(3) difference",
                input.pension_monthly.unwrap_or(Money::ZERO)
            ),
            None => decision.rule.as_str().to_owned(),
        };
        let stored = self.store.record_stop_report(
            &NewStopReport {
                case_id: case.id,
                benefit_id: benefit.id,
                event: input.event,
                event_on: input.event_on,
                reported_on,
                reported_by: input.reported_by,
                due_on: deadline.due,
                due_provisional: deadline.provisional,
                last_month: decision.last_month,
                new_amount: decision.new_amount,
                end_reason,
                overpaid: total,
                overpaid_months: decision.overpaid.len() as u32,
                overpayment,
                article: format!("{}; {}", deadline.article, decision.rule.article()),
                note,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(view(stored))
    }

    /// A case's stop-benefit reports, oldest first.
    pub fn stop_reports(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<StopReportView>, AppError> {
        actor.authorize(Action::ReadStopReports)?;
        let case = self.case_row(actor, number)?;
        Ok(self
            .store
            .stop_reports_of_case(case.id)?
            .into_iter()
            .map(view)
            .collect())
    }

    /// The periodic benefits of a case a report can name (the page's
    /// choice), running or ended, whoever pays them: the fund's and the
    /// unit's alike (a unit-paid grade 5-6 allowance, Regulations Art 36,
    /// or a Guangdong Art 56 difference line ends with the death as the
    /// fund's does).
    pub fn stop_report_benefits(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<crate::model::PeriodicBenefitRow>, AppError> {
        actor.authorize(Action::ReadStopReports)?;
        let case = self.case_row(actor, number)?;
        Ok(self.store.periodic_benefits_of_case(case.id)?)
    }

    /// The reports made after their due day whose overpayment is still
    /// being recovered, the earliest due first (the clerk's queue).
    pub fn late_stop_reports(&self, actor: &Actor) -> Result<Vec<StopReportView>, AppError> {
        actor.authorize(Action::ReadStopReports)?;
        Ok(self
            .store
            .late_stop_reports(crate::staff::QUEUE_ROWS)?
            .into_iter()
            .map(view)
            .collect())
    }
}
