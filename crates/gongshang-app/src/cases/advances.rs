//! The fund's advance payment (先行支付): Social Insurance Law Arts 41-42
//! and MOHRSS Order No. 15 (社会保险基金先行支付暂行办法).
//!
//! The worker (or a close relative) applies in writing once the injury is
//! recognised (Order 15 Arts 4, 6); a clerk may record the paper handed in.
//! On the unit's ground the agency writes to the unit within
//! `advance.notice_working_days` (3) working days, giving it
//! `advance.unit_payment_working_days` (5) working days to pay (Art 7); if
//! it does not, the fund advances the items the fund would have paid (Art
//! 8). A third party's medical costs are advanced without a notice (Arts
//! 4-5). A refusal is decided within `advance.refusal_working_days` and
//! notified in writing with its reason (Art 9). A second person approves
//! and pays (the house's maker-checker for money paid out). The unit is
//! ordered to repay within `advance.repayment_days` (10) days (Art 13); the
//! third party is asked to repay (Art 12); each repayment is the fund's
//! income and never more than what was advanced.
//!
//! What an advance covers is the rules engine's (`gongshang_rules::advance`).

use gongshang_domain::ids::{IdempotencyKey, ReferenceId};
use gongshang_domain::ledger;
use gongshang_rules::advance::{self, Cost, Debtor, Ground};
use gongshang_rules::award::Periodicity;
use gongshang_rules::trace::Trace;
use gongshang_rules::{Money, Payer};
use gongshang_store::AdvanceRow;
use gongshang_store::advances::{
    AdvanceMonthsPaid, Applicant, NewAdvance, NewAdvanceRecovery, NewAdvanceStep,
    NewMonthlyAdvance, NewMonthlyEnd, StepKind,
};

use super::*;

pub const NOTICE_DAYS_PARAMETER: &str = "advance.notice_working_days";
pub const UNIT_PAYMENT_DAYS_PARAMETER: &str = "advance.unit_payment_working_days";
pub const REFUSAL_DAYS_PARAMETER: &str = "advance.refusal_working_days";
pub const REPAYMENT_DAYS_PARAMETER: &str = "advance.repayment_days";

/// An application as the worker writes it or a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceApplication {
    pub ground: Ground,
    pub applicant: Applicant,
    pub applicant_name: String,
    /// Why the unit or the third party does not pay (Order 15 Art 6(2)
    /// items 1-4; Art 4).
    pub circumstance: String,
    /// The third party, when known (ground `third_party`).
    #[serde(default)]
    pub third_party: Option<String>,
    /// The day received; today if absent.
    #[serde(default)]
    pub applied_on: Option<Date>,
    /// The documents handed in (the determination decision, the receipts).
    pub documents: String,
}

/// A decision on an application.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceDecision {
    /// Grant (the amount by the rule) or refuse (with the reason).
    pub grant: bool,
    #[serde(default)]
    pub reason: Option<String>,
    /// The day decided; today if absent.
    #[serde(default)]
    pub decided_on: Option<Date>,
}

/// A repayment as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceRecoveryRequest {
    /// Who repaid: the advance's debtor when not given (the unit, SIL Art
    /// 41(2); the third party, Art 42), or the person it was paid to
    /// (`Recipient`, Order 15 Art 11) after the unit or the third party paid
    /// them.
    pub from: Option<Debtor>,
    pub received_on: Date,
    pub amount: Money,
    /// The receipt or the transfer's reference.
    pub document: String,
}

/// The end of an advance's monthly items as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyAdvanceEndRequest {
    /// The last month the fund advances (`YYYY-MM`).
    pub last_month: Month,
    pub reason: advance::MonthlyEnd,
    /// What the end rests on: the unit's payment record, the back-payment's
    /// receipt.
    pub note: String,
}

/// A monthly item advanced month by month, as the pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyAdvanceView {
    pub benefit_id: i64,
    pub item: gongshang_rules::Item,
    pub beneficiary: String,
    pub from_month: Month,
    /// The benefit's last month when it has ended (nothing is advanced
    /// after it).
    pub benefit_end_month: Option<Month>,
    pub months_paid: u64,
    pub last_month_paid: Option<Month>,
    pub advanced: Money,
}

/// The monthly advance's end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthlyAdvanceEndView {
    pub last_month: Month,
    pub reason: advance::MonthlyEnd,
    pub reason_zh: String,
    pub reason_en: String,
    pub note: String,
    pub recorded_by: String,
}

/// Where an advance stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdvanceState {
    /// Applied; the unit not yet written to (unit's ground) or not yet decided.
    Applied,
    /// The unit written to, its time to pay running or passed.
    UnitNotified,
    /// Granted, awaiting a second person's approval and payment.
    Granted,
    Refused,
    /// Paid; the debtor owes it back.
    Paid,
    /// Repaid in part.
    PartlyRecovered,
    /// Repaid in full.
    Recovered,
}

impl AdvanceState {
    pub const fn as_str(self) -> &'static str {
        match self {
            AdvanceState::Applied => "applied",
            AdvanceState::UnitNotified => "unit_notified",
            AdvanceState::Granted => "granted",
            AdvanceState::Refused => "refused",
            AdvanceState::Paid => "paid",
            AdvanceState::PartlyRecovered => "partly_recovered",
            AdvanceState::Recovered => "recovered",
        }
    }
}

/// An advance as the pages, the API and the CLI show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdvanceView {
    pub id: i64,
    pub case_number: String,
    pub unit: Option<String>,
    pub ground: Ground,
    pub applicant: Applicant,
    pub applicant_name: String,
    pub circumstance: String,
    pub third_party: Option<String>,
    pub applied_on: Date,
    pub documents: String,
    pub state: AdvanceState,
    /// The state in plain words for the worker, in Chinese and English.
    pub plain_zh: String,
    pub plain_en: String,
    /// The unit's notice is due by (Order 15 Art 7: 3 working days).
    pub notice_due: Option<Date>,
    /// The unit must pay by (the notice's 5 working days).
    pub unit_pay_by: Option<Date>,
    /// A refusal is due by (Art 9).
    pub refusal_due: Date,
    pub granted: Option<Money>,
    /// The granted lines (what each is and its article), as the rule gave them.
    pub lines: Vec<AdvanceLineView>,
    pub refusal_reason: Option<String>,
    pub paid_on: Option<Date>,
    /// Paid out of the fund by the advance itself.
    pub paid_out: Option<Money>,
    /// The debtor repays by (unit: Art 13, 10 days after payment).
    pub repay_by: Option<Date>,
    pub debtor: Debtor,
    pub advanced: Money,
    pub recovered: Money,
    pub outstanding: Money,
    pub decided_by: Option<String>,
    pub paid_by: Option<String>,
    pub recoveries: Vec<gongshang_store::advances::AdvanceRecoveryRow>,
    /// The monthly items advanced month by month by the payroll (Order 15
    /// Art 8 with Regulations Art 62(2)); empty when none.
    pub monthly: Vec<MonthlyAdvanceView>,
    /// The first month advanced (the earliest item's).
    pub monthly_from: Option<Month>,
    /// How many (item, month) lines and how much the payroll advanced so
    /// far (part of `advanced`).
    pub monthly_months_paid: u64,
    pub monthly_advanced: Money,
    /// Whether the payroll still advances months: granted, paid, not ended,
    /// and an item's benefit still running this month or later.
    pub monthly_running: bool,
    pub monthly_end: Option<MonthlyAdvanceEndView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceLineView {
    pub source: String,
    pub amount: Money,
    pub paid_by_advance: bool,
    pub article_zh: String,
    pub article_en: String,
}

/// What a unit owes the fund on advances.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitAdvanceDebts {
    pub unit: String,
    pub advances: Vec<AdvanceView>,
    pub outstanding: Money,
}

fn add_working_days(
    calendar: &HolidayCalendarRef,
    from: Date,
    days: i64,
) -> Result<Date, AppError> {
    let mut day = from;
    let mut counted = 0;
    while counted < days {
        day = gongshang_domain::deadline::add_days(day, 1)?;
        if calendar.is_working_day(day) {
            counted += 1;
        }
    }
    Ok(calendar.next_working_day_on_or_after(day)?)
}

type HolidayCalendarRef = gongshang_domain::holidays::HolidayCalendar;

impl App {
    fn advance_days(&self, key: &str, on: Date) -> Result<i64, AppError> {
        Ok(self.policy().at("national", key, on)?.whole())
    }

    fn advance_view(&self, row: AdvanceRow) -> Result<AdvanceView, AppError> {
        let cal = self.calendar();
        let notice_due = (row.ground == Ground::EmployerUnpaid)
            .then(|| {
                add_working_days(
                    &cal,
                    row.applied_on,
                    self.advance_days(NOTICE_DAYS_PARAMETER, row.applied_on)?,
                )
            })
            .transpose()?;
        let demanded = row.step(StepKind::Demanded);
        let granted = row.step(StepKind::Granted);
        let refused = row.step(StepKind::Refused);
        let paid = row.step(StepKind::Paid);
        let refusal_due = add_working_days(
            &cal,
            row.applied_on,
            self.advance_days(REFUSAL_DAYS_PARAMETER, row.applied_on)?,
        )?;
        let repay_by = match (paid, row.ground) {
            (Some(p), Ground::EmployerUnpaid) => Some(gongshang_domain::deadline::add_days(
                p.on_day,
                self.advance_days(REPAYMENT_DAYS_PARAMETER, p.on_day)?,
            )?),
            _ => None,
        };
        let advanced = row.advanced();
        let recovered = row.recovered();
        let outstanding = advance::outstanding(advanced, recovered);
        let state = match (demanded, granted, refused, paid) {
            (_, _, Some(_), _) => AdvanceState::Refused,
            (_, Some(_), _, Some(_)) if outstanding == Money::ZERO => AdvanceState::Recovered,
            (_, Some(_), _, Some(_)) if recovered.fen() > 0 => AdvanceState::PartlyRecovered,
            (_, Some(_), _, Some(_)) => AdvanceState::Paid,
            (_, Some(_), _, None) => AdvanceState::Granted,
            (Some(_), None, _, _) => AdvanceState::UnitNotified,
            _ => AdvanceState::Applied,
        };
        let lines: Vec<AdvanceLineView> = granted
            .map(|g| serde_json::from_str(&g.basis))
            .transpose()
            .map_err(|e| AppError::invalid("basis", e.to_string()))?
            .unwrap_or_default();
        let unit_pay_by = demanded.and_then(|d| d.due_on);
        let (plain_zh, plain_en) = match state {
            AdvanceState::Applied => match notice_due {
                Some(d) => (
                    format!("您的先行支付申请已收到。经办机构将于{d}前书面催告用人单位支付。"),
                    format!(
                        "Your application for an advance was received. The agency will write to your employer by {d} asking it to pay."
                    ),
                ),
                None => (
                    format!(
                        "您的先行支付申请已收到，经办机构正在审核，不予支付的将于{refusal_due}前书面告知。"
                    ),
                    format!(
                        "Your application for an advance was received and is being examined; a refusal would be sent to you in writing by {refusal_due}."
                    ),
                ),
            },
            AdvanceState::UnitNotified => {
                let by = unit_pay_by.map(|d| d.to_string()).unwrap_or_default();
                (
                    format!(
                        "经办机构已书面催告用人单位于{by}前支付。逾期不支付的，由工伤保险基金先行支付。"
                    ),
                    format!(
                        "The agency has written to your employer to pay by {by}. If it does not, the work-injury fund pays you in advance."
                    ),
                )
            }
            AdvanceState::Granted => {
                let a = granted.and_then(|g| g.amount).unwrap_or(Money::ZERO);
                (
                    format!("已核定先行支付{a}元，经复核后支付给您。"),
                    format!(
                        "An advance of {a} yuan was granted; it is paid to you once a second officer approves it."
                    ),
                )
            }
            AdvanceState::Refused => {
                let r = refused.map(|r| r.basis.clone()).unwrap_or_default();
                (
                    format!("不予先行支付。理由：{r}。您可以依法申请行政复议或者提起行政诉讼。"),
                    format!(
                        "The advance was refused. Reason: {r}. You may apply for administrative review or bring an administrative suit."
                    ),
                )
            }
            AdvanceState::Paid | AdvanceState::PartlyRecovered | AdvanceState::Recovered => {
                let on = paid.map(|p| p.on_day.to_string()).unwrap_or_default();
                match paid.and_then(|p| p.amount).filter(|a| a.fen() > 0) {
                    None if !row.monthly.is_empty() => (
                        "工伤保险基金按月先行支付您的待遇。此款由经办机构向用人单位追偿，您无需偿还。"
                            .to_owned(),
                        "The work-injury fund pays your monthly benefits in advance. The agency recovers them from your employer; you do not repay them."
                            .to_owned(),
                    ),
                    Some(a) => (
                        format!(
                            "工伤保险基金已于{on}先行支付{a}元。此款由经办机构向用人单位追偿，您无需偿还。"
                        ),
                        format!(
                            "The work-injury fund paid you {a} yuan in advance on {on}. The agency recovers it from your employer; you do not repay it."
                        ),
                    ),
                    None => (
                        format!(
                            "您的医疗费用已由工伤保险基金支付（{on}起由经办机构向第三人追偿），您无需偿还。"
                        ),
                        format!(
                            "The work-injury fund has paid your medical costs; since {on} the agency recovers them from the third party. You do not repay them."
                        ),
                    ),
                }
            }
        };
        let (plain_zh, plain_en) = match (&row.monthly_end, row.monthly.first()) {
            (_, None) => (plain_zh, plain_en),
            (Some(e), Some(_)) => (
                format!(
                    "{plain_zh}按月先行支付已于{}后停止（{}）。",
                    e.last_month,
                    e.reason.label_zh()
                ),
                format!(
                    "{plain_en} The monthly advance stopped after {} ({}).",
                    e.last_month,
                    e.reason.label_en()
                ),
            ),
            (None, Some(_)) if paid.is_some() => (
                format!("{plain_zh}按月待遇由基金按月先行支付，直至用人单位恢复支付或待遇终止。"),
                format!(
                    "{plain_en} The monthly benefits are advanced each month until your employer pays them again or they end."
                ),
            ),
            (None, Some(_)) => (plain_zh, plain_en),
        };
        let monthly: Vec<MonthlyAdvanceView> = row
            .monthly
            .iter()
            .map(|m| MonthlyAdvanceView {
                benefit_id: m.benefit_id,
                item: m.item,
                beneficiary: m.beneficiary.clone(),
                from_month: m.from_month,
                benefit_end_month: m.benefit_end_month,
                months_paid: m.months.len() as u64,
                last_month_paid: m.months.last().map(|(month, _)| *month),
                advanced: m.advanced(),
            })
            .collect();
        let monthly_end = row.monthly_end.as_ref().map(|e| MonthlyAdvanceEndView {
            last_month: e.last_month,
            reason: e.reason,
            reason_zh: e.reason.label_zh().to_owned(),
            reason_en: e.reason.label_en().to_owned(),
            note: e.note.clone(),
            recorded_by: e.recorded_by.clone(),
        });
        Ok(AdvanceView {
            monthly_from: monthly.iter().map(|m| m.from_month).min(),
            monthly_months_paid: monthly.iter().map(|m| m.months_paid).sum(),
            monthly_advanced: row.monthly_advanced(),
            monthly_running: paid.is_some()
                && monthly_end.is_none()
                && monthly.iter().any(|m| {
                    m.benefit_end_month
                        .is_none_or(|end| end >= Month::of(self.case_today()))
                }),
            monthly,
            monthly_end,
            id: row.id,
            case_number: row.case_number.clone(),
            unit: row.unit.clone(),
            ground: row.ground,
            applicant: row.applicant,
            applicant_name: row.applicant_name.clone(),
            circumstance: row.circumstance.clone(),
            third_party: row.third_party.clone(),
            applied_on: row.applied_on,
            documents: row.documents.clone(),
            state,
            plain_zh,
            plain_en,
            notice_due,
            unit_pay_by,
            refusal_due,
            granted: granted.and_then(|g| g.amount),
            lines,
            refusal_reason: refused.map(|r| r.basis.clone()),
            paid_on: paid.map(|p| p.on_day),
            paid_out: paid.and_then(|p| p.amount),
            repay_by,
            debtor: row.ground.debtor(),
            advanced,
            recovered,
            outstanding,
            decided_by: granted.or(refused).map(|s| s.recorded_by.clone()),
            paid_by: paid.map(|p| p.recorded_by.clone()),
            recoveries: row.recoveries.clone(),
        })
    }

    /// The advance `id` of case `number`, in the actor's scope.
    fn advance_of_case(
        &self,
        actor: &Actor,
        number: &str,
        id: i64,
    ) -> Result<(CaseRow, AdvanceRow), AppError> {
        let row = self.case_row(actor, number)?;
        let advance = self
            .store
            .advances_of_case(row.id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| AppError::NotFound {
                entity: "advance",
                key: format!("{number}/{id}"),
            })?;
        Ok((row, advance))
    }

    /// Records a written application for the fund's advance (Order 15 Arts
    /// 4, 6): the injury recognised, the unit's ground only for a case with
    /// a unit, one open application per case and ground.
    pub fn apply_for_advance(
        &self,
        actor: &Actor,
        number: &str,
        req: &AdvanceApplication,
    ) -> Result<AdvanceView, AppError> {
        actor.authorize(Action::ApplyAdvance)?;
        let loaded = self.load_case(actor, number)?;
        if !loaded.injury_recognised() {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: format!(
                    "case {number}: the injury is not recognised; an advance is applied for with the determination decision (Order No. 15 Arts 4, 6)"
                ),
            });
        }
        let row = &loaded.row;
        if req.ground == Ground::EmployerUnpaid && row.unit.is_none() {
            return Err(AppError::invalid(
                "ground",
                "the case has no unit; the unit's ground (Social Insurance Law Art 41) needs one",
            ));
        }
        let name = req.applicant_name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "applicant_name",
                "the applicant's name, 1 to 100 characters",
            ));
        }
        let circumstance = req.circumstance.trim();
        if circumstance.is_empty() || circumstance.chars().count() > 500 {
            return Err(AppError::invalid(
                "circumstance",
                "why the unit or the third party does not pay, 1 to 500 characters",
            ));
        }
        let documents = req.documents.trim();
        if documents.is_empty() || documents.chars().count() > 500 {
            return Err(AppError::invalid(
                "documents",
                "the documents handed in (the determination decision, receipts), 1 to 500 characters",
            ));
        }
        let today = self.case_today();
        let applied_on = req.applied_on.unwrap_or(today);
        if applied_on > today {
            return Err(AppError::invalid(
                "applied_on",
                format!("{applied_on} is after today, {today}"),
            ));
        }
        if applied_on < row.accident_date {
            return Err(AppError::invalid(
                "applied_on",
                format!("{applied_on} is before the accident, {}", row.accident_date),
            ));
        }
        let open = self.store.advances_of_case(row.id)?.into_iter().any(|a| {
            a.ground == req.ground && a.step(StepKind::Refused).is_none() && {
                let out = advance::outstanding(a.advanced(), a.recovered());
                a.step(StepKind::Paid).is_none()
                    || out.fen() > 0
                    || (!a.monthly.is_empty() && a.monthly_end.is_none())
            }
        });
        if open {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: format!(
                    "case {number} already has an open application on the {} ground",
                    req.ground.as_str()
                ),
            });
        }
        let stored = self.store.record_advance(
            &NewAdvance {
                case_id: row.id,
                ground: req.ground,
                applicant: req.applicant,
                applicant_name: name.to_owned(),
                circumstance: circumstance.to_owned(),
                third_party: req
                    .third_party
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
                applied_on,
                documents: documents.to_owned(),
            },
            &actor.audit_name(),
            self.now(),
        )?;
        self.advance_view(stored)
    }

    /// Sends the unit's written notice (Order 15 Art 7): on the unit's
    /// ground, before a decision; the unit must pay within the parameter's
    /// working days of the notice.
    pub fn notify_unit_of_advance(
        &self,
        actor: &Actor,
        number: &str,
        id: i64,
        sent_on: Option<Date>,
    ) -> Result<AdvanceView, AppError> {
        actor.authorize(Action::DecideAdvance)?;
        let (_, a) = self.advance_of_case(actor, number, id)?;
        if a.ground != Ground::EmployerUnpaid {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: "a third party's medical costs are advanced without a notice to the unit (Order No. 15 Art 5)".into(),
            });
        }
        let today = self.case_today();
        let sent_on = sent_on.unwrap_or(today);
        if sent_on > today || sent_on < a.applied_on {
            return Err(AppError::invalid(
                "sent_on",
                format!(
                    "{sent_on}: from the day applied, {}, to today, {today}",
                    a.applied_on
                ),
            ));
        }
        let due = add_working_days(
            &self.calendar(),
            sent_on,
            self.advance_days(UNIT_PAYMENT_DAYS_PARAMETER, sent_on)?,
        )?;
        let row = self.store.record_advance_step(
            id,
            &NewAdvanceStep {
                kind: StepKind::Demanded,
                on_day: sent_on,
                due_on: Some(due),
                amount: None,
                basis: "《社会保险基金先行支付暂行办法》第七条：书面催告通知".into(),
                monthly: vec![],
            },
            None,
            &actor.audit_name(),
            self.now(),
        )?;
        self.advance_view(row)
    }

    /// The costs an advance of the case could cover, read from the approved
    /// award (its one-time items with their payers) and the settled bills.
    fn advance_costs(&self, actor: &Actor, row: &CaseRow) -> Result<Vec<Cost>, AppError> {
        let mut costs = Vec::new();
        let payers = self.case_payers(actor, &row.number)?;
        for l in payers
            .lines
            .iter()
            .filter(|l| l.periodicity == Periodicity::OneTime)
        {
            let approved = self.approved_award(row.id)?;
            let amount = approved
                .iter()
                .flat_map(|a| a.items.iter())
                .filter(|i| i.item == l.item && i.beneficiary == l.beneficiary)
                .map(|i| i.amount.fen())
                .sum::<i64>();
            costs.push(Cost::AwardItem {
                item: l.item,
                beneficiary: l.beneficiary.clone(),
                payer: l.payer,
                // Art 62(2) (with Social Insurance Law Art 41 for a unit in
                // arrears) names the line's article when the unit pays what
                // the fund would have paid.
                regular_payer: if l.payer == Payer::Fund
                    || l.article == Some(gongshang_rules::articles::REG_62_2)
                    || l.article == Some(gongshang_rules::articles::SIL_41_REG_62_2)
                {
                    Payer::Fund
                } else {
                    l.payer
                },
                amount: Money::from_fen(amount),
            });
        }
        // The periodic benefits: the unit's because of Art 62(2) when the
        // approved award cites Art 62 for the item (or an Art 62(3)
        // back-payment ended it), as the case's payers read them.
        let approved = self.approved_award(row.id)?;
        for b in self.store.periodic_benefits_of_case(row.id)? {
            let regular_fund = b.payer == Payer::Fund
                || b.end_reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("art62_3"))
                || approved.as_ref().is_some_and(|a| {
                    a.items.iter().any(|i| {
                        i.item == b.item
                            && i.beneficiary == b.beneficiary
                            && i.citation.contains("第62条")
                    })
                });
            let monthly = b
                .amounts
                .iter()
                .rfind(|a| a.from_month <= Month::of(self.case_today()))
                .or(b.amounts.first())
                .map_or(Money::ZERO, |a| a.amount);
            costs.push(Cost::MonthlyItem {
                benefit: b.id,
                item: b.item,
                beneficiary: b.beneficiary.clone(),
                payer: b.payer,
                regular_payer: if regular_fund { Payer::Fund } else { b.payer },
                monthly,
                start: b.start_month.first_day(),
                end: b.end_month.map(Month::first_day),
            });
        }
        for b in self.store.medical_bills_of_case(row.id)? {
            if b.settled_on.is_none() {
                continue;
            }
            // A line named the unit's (Regulations Art 62(2)) had its
            // within-catalogue part refused to the fund; its outside-catalogue
            // part stays refused to everyone (Art 30(3)).
            let unit_owes = b
                .lines
                .iter()
                .filter(|l| l.refusal_code.as_deref() == Some("employer_pays"))
                .map(|l| {
                    (l.refused.unwrap_or(Money::ZERO).fen() - l.outside_catalogue.fen()).max(0)
                })
                .sum::<i64>();
            costs.push(Cost::MedicalBill {
                bill: b.id,
                fund_paid: b.payable.unwrap_or(Money::ZERO),
                unit_owes: Money::from_fen(unit_owes),
            });
        }
        Ok(costs)
    }

    /// Decides an application: grants the advance the rule computes
    /// (nothing to advance is refused), or refuses it with the reason in
    /// writing (Order 15 Art 9). On the unit's ground a grant waits for the
    /// notice and the unit's time to pay (Arts 7-8).
    pub fn decide_advance(
        &self,
        actor: &Actor,
        number: &str,
        id: i64,
        req: &AdvanceDecision,
    ) -> Result<AdvanceView, AppError> {
        actor.authorize(Action::DecideAdvance)?;
        let (row, a) = self.advance_of_case(actor, number, id)?;
        let today = self.case_today();
        let on = req.decided_on.unwrap_or(today);
        if on > today || on < a.applied_on {
            return Err(AppError::invalid(
                "decided_on",
                format!(
                    "{on}: from the day applied, {}, to today, {today}",
                    a.applied_on
                ),
            ));
        }
        let step = if req.grant {
            if a.ground == Ground::EmployerUnpaid {
                match a.step(StepKind::Demanded).and_then(|d| d.due_on) {
                    None => {
                        return Err(AppError::Conflict {
                            entity: "advance",
                            reason: "the unit has not been written to; Order No. 15 Art 7 asks the unit to pay first".into(),
                        });
                    }
                    Some(due) if on <= due => {
                        return Err(AppError::invalid(
                            "decided_on",
                            format!(
                                "{on}: the unit has until {due} to pay (Order No. 15 Art 7); grant from the day after"
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
            let costs = self.advance_costs(actor, &row)?;
            let mut trace = Trace::default();
            let adv = advance::advance(a.ground, &costs, &mut trace);
            let monthly = advance::monthly_advance(a.ground, &costs, on, &mut trace);
            if adv.total == Money::ZERO && monthly.is_empty() {
                return Err(AppError::Conflict {
                    entity: "advance",
                    reason: match a.ground {
                        Ground::EmployerUnpaid => "nothing to advance: no approved one-time item of the fund's is the unit's, no monthly item of the fund's is the unit's, and no settled bill is named the unit's (Order No. 15 Art 8)".into(),
                        Ground::ThirdParty => "nothing to advance: no settled medical bill of the case (Order No. 15 Art 5)".into(),
                    },
                });
            }
            let lines: Vec<AdvanceLineView> = adv
                .lines
                .iter()
                .map(|l| AdvanceLineView {
                    source: l.source.clone(),
                    amount: l.amount,
                    paid_by_advance: l.paid_by_advance,
                    article_zh: l.article.zh.to_owned(),
                    article_en: l.article.en.to_owned(),
                })
                .collect();
            NewAdvanceStep {
                kind: StepKind::Granted,
                on_day: on,
                due_on: None,
                amount: Some(adv.total),
                basis: serde_json::to_string(&lines)
                    .map_err(|e| AppError::invalid("basis", e.to_string()))?,
                monthly: monthly
                    .iter()
                    .map(|l| NewMonthlyAdvance {
                        benefit_id: l.benefit,
                        from_month: Month::of(l.from),
                    })
                    .collect(),
            }
        } else {
            let reason = req.reason.as_deref().map(str::trim).unwrap_or_default();
            if reason.is_empty() || reason.chars().count() > 500 {
                return Err(AppError::invalid(
                    "reason",
                    "a refusal says why, 1 to 500 characters (Order No. 15 Art 9: notified in writing)",
                ));
            }
            NewAdvanceStep {
                kind: StepKind::Refused,
                on_day: on,
                due_on: None,
                amount: None,
                basis: reason.to_owned(),
                monthly: vec![],
            }
        };
        let stored =
            self.store
                .record_advance_step(id, &step, None, &actor.audit_name(), self.now())?;
        self.advance_view(stored)
    }

    /// Approves a granted advance and pays it (a second person: not who
    /// granted it). What the advance pays out now is posted to the ledger
    /// under `advance:<id>:paid` (a benefit item of the fund's statement);
    /// a third party's medical costs, already paid at settlement, post
    /// nothing and become the third party's debt.
    pub fn pay_advance(
        &self,
        actor: &Actor,
        number: &str,
        id: i64,
        paid_on: Option<Date>,
    ) -> Result<AdvanceView, AppError> {
        actor.authorize(Action::PayAdvance)?;
        let (_, a) = self.advance_of_case(actor, number, id)?;
        let Some(granted) = a.step(StepKind::Granted) else {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: "it is not granted".into(),
            });
        };
        if granted.recorded_by == actor.audit_name() {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: format!(
                    "advance {id} was granted by {}; another person must approve and pay it (maker-checker)",
                    granted.recorded_by
                ),
            });
        }
        let today = self.case_today();
        let on = paid_on.unwrap_or(today);
        if on > today || on < granted.on_day {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{on}: from the day granted, {}, to today, {today}",
                    granted.on_day
                ),
            ));
        }
        let lines: Vec<AdvanceLineView> = serde_json::from_str(&granted.basis)
            .map_err(|e| AppError::invalid("basis", e.to_string()))?;
        let to_pay = Money::from_fen(
            lines
                .iter()
                .filter(|l| l.paid_by_advance)
                .map(|l| l.amount.fen())
                .sum(),
        );
        let key = format!("advance:{id}:paid");
        let tx = (to_pay.fen() > 0)
            .then(|| {
                ledger::advance_paid(
                    IdempotencyKey::parse(&key)?,
                    ReferenceId::parse(&format!("advance-{id}"))?,
                    to_pay,
                )
            })
            .transpose()?;
        let stored = self.store.record_advance_step(
            id,
            &NewAdvanceStep {
                kind: StepKind::Paid,
                on_day: on,
                due_on: None,
                amount: Some(to_pay),
                basis: "《社会保险法》第四十一条、第四十二条：先行支付".into(),
                monthly: vec![],
            },
            tx.as_ref(),
            &actor.audit_name(),
            self.now(),
        )?;
        self.advance_view(stored)
    }

    /// Records a repayment of an advance by its debtor (the unit: SIL Art
    /// 41(2), Order 15 Art 13; the third party: SIL Art 42, Art 12) or by
    /// the worker or relative it was paid to once the unit or the third
    /// party paid them (Order 15 Art 11): the fund's income, posted once per
    /// receipt (`advrec:<id>:<receipt hash>`) whoever repaid; never more
    /// than what is still owed (advanced less recovered from anyone).
    pub fn record_advance_recovery(
        &self,
        actor: &Actor,
        number: &str,
        id: i64,
        req: &AdvanceRecoveryRequest,
    ) -> Result<AdvanceView, AppError> {
        actor.authorize(Action::RecordAdvanceRecovery)?;
        let (_, a) = self.advance_of_case(actor, number, id)?;
        let Some(paid) = a.step(StepKind::Paid) else {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: "it is not paid; only an advance paid is recovered".into(),
            });
        };
        let from = req.from.unwrap_or(a.ground.debtor());
        if !from.may_repay(a.ground) {
            return Err(AppError::invalid(
                "from",
                format!(
                    "{}; an advance on the ground {} is repaid by the {} or by the worker or relative it was paid to (recipient)",
                    from.as_str(),
                    a.ground.as_str(),
                    a.ground.debtor().as_str()
                ),
            ));
        }
        if req.amount.fen() <= 0 {
            return Err(AppError::invalid(
                "amount",
                format!("{} yuan; more than 0.00", req.amount),
            ));
        }
        let today = self.case_today();
        if req.received_on > today || req.received_on < paid.on_day {
            return Err(AppError::invalid(
                "received_on",
                format!(
                    "{}: from the day paid, {}, to today, {today}",
                    req.received_on, paid.on_day
                ),
            ));
        }
        let document = req.document.trim();
        if document.is_empty() || document.chars().count() > 200 {
            return Err(AppError::invalid(
                "document",
                "the receipt or the transfer's reference, 1 to 200 characters",
            ));
        }
        let owed = advance::outstanding(a.advanced(), a.recovered());
        let key = format!("advrec:{id}:{:016x}", fnv1a(document));
        let already = a.recoveries.iter().any(|r| r.ledger_key == key);
        if !already && req.amount > owed {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "{} yuan; {} yuan is still owed of the {} yuan advanced",
                    req.amount,
                    owed,
                    a.advanced()
                ),
            ));
        }
        let tx = ledger::advance_recovered(
            IdempotencyKey::parse(&key)?,
            ReferenceId::parse(&format!("advance-{id}"))?,
            req.amount,
        )?;
        self.store.record_advance_recovery(
            id,
            &NewAdvanceRecovery {
                debtor: from,
                received_on: req.received_on,
                amount: req.amount,
                document: document.to_owned(),
            },
            &tx,
            &actor.audit_name(),
            self.now(),
        )?;
        self.advance_view(self.store.advance(id)?)
    }

    /// Ends the monthly advance of advance `id` after `last_month`: the unit
    /// pays the monthly items again (Order 15 Art 8 advances only what it
    /// does not pay), or it enrolled and paid back (Regulations Art 62(3):
    /// the new months are the fund's own). What was advanced stays owed.
    /// Not before a month already advanced; once.
    pub fn end_monthly_advance(
        &self,
        actor: &Actor,
        number: &str,
        id: i64,
        req: &MonthlyAdvanceEndRequest,
    ) -> Result<AdvanceView, AppError> {
        actor.authorize(Action::EndMonthlyAdvance)?;
        let (_, a) = self.advance_of_case(actor, number, id)?;
        if a.monthly.is_empty() {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: format!("advance {id} advances no monthly item; nothing to end"),
            });
        }
        if let Some(e) = &a.monthly_end {
            return Err(AppError::Conflict {
                entity: "advance",
                reason: format!(
                    "advance {id}: its monthly advance already ended after {}",
                    e.last_month
                ),
            });
        }
        let note = req.note.trim();
        if note.is_empty() || note.chars().count() > 500 {
            return Err(AppError::invalid(
                "note",
                "what the end rests on (the unit's payment, the back-payment's receipt), 1 to 500 characters",
            ));
        }
        let from = a
            .monthly
            .iter()
            .map(|m| m.from_month)
            .min()
            .unwrap_or(req.last_month);
        let earliest = a.last_month_advanced().unwrap_or(previous_month(from)?);
        if req.last_month < earliest {
            return Err(AppError::invalid(
                "last_month",
                format!(
                    "{}: {earliest} or later ({}); a month already advanced stays owed by the unit",
                    req.last_month,
                    match a.last_month_advanced() {
                        Some(m) => format!("{m} is already advanced"),
                        None => format!("the advance runs from {from}"),
                    }
                ),
            ));
        }
        let stored = self.store.end_monthly_advance(
            id,
            &NewMonthlyEnd {
                last_month: req.last_month,
                reason: req.reason,
                note: note.to_owned(),
            },
            &actor.audit_name(),
            self.now(),
        )?;
        self.advance_view(stored)
    }

    /// The payroll's second half: advances `month` of the advances' monthly
    /// items under run `run_id`, each advance's months posted as an advance
    /// expenditure (`advance:<id>:m:<month>:r<run>`), like the one-time
    /// advance.
    pub(crate) fn pay_advance_months(
        &self,
        actor: &Actor,
        month: Month,
        run_id: i64,
    ) -> Result<AdvanceMonthsPaid, AppError> {
        let posting = |advance: i64, run: i64, amount: Money| {
            let build = || -> Result<ledger::Transaction, gongshang_domain::DomainError> {
                ledger::advance_paid(
                    IdempotencyKey::parse(&format!("advance:{advance}:m:{month}:r{run}"))?,
                    ReferenceId::parse(&format!("advance-{advance}"))?,
                    amount,
                )
            };
            build().map_err(|e| gongshang_store::StoreError::InvalidData {
                field: "advance",
                reason: e.to_string(),
            })
        };
        Ok(self.store.pay_advance_months(
            month,
            run_id,
            &posting,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// The advances of a case (whoever may read the case: the worker their
    /// own, in plain words).
    pub fn advances(&self, actor: &Actor, number: &str) -> Result<Vec<AdvanceView>, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        self.store
            .advances_of_case(row.id)?
            .into_iter()
            .map(|a| self.advance_view(a))
            .collect()
    }

    /// What a unit owes the fund on advances of its cases (agency staff, or
    /// the unit itself).
    pub fn unit_advance_debts(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<UnitAdvanceDebts, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        // Regulations Arts 43(1) and 62 (issue 17): the advances of a
        // predecessor's cases are owed by the unit that bears their liability
        // today, the successor of a division, merger or transfer; and no
        // longer by the predecessor.
        let mut rows = Vec::new();
        for a in self.store.advances_of_unit(unit.as_str())? {
            if a.ground == Ground::EmployerUnpaid
                && self.advance_debtor_unit(&a)?.is_none_or(|d| &d == unit)
            {
                rows.push(a);
            }
        }
        for p in self.predecessors_of(unit)? {
            for a in self.store.advances_of_unit(p.as_str())? {
                if a.ground == Ground::EmployerUnpaid
                    && self.advance_debtor_unit(&a)?.as_ref() == Some(unit)
                {
                    rows.push(a);
                }
            }
        }
        let advances = rows
            .into_iter()
            .map(|a| self.advance_view(a))
            .collect::<Result<Vec<_>, _>>()?;
        let outstanding = Money::from_fen(advances.iter().map(|a| a.outstanding.fen()).sum());
        Ok(UnitAdvanceDebts {
            unit: unit.as_str().to_owned(),
            advances,
            outstanding,
        })
    }
}

impl App {
    /// The unit that owes an advance on the unit's ground today: the one
    /// bearing the case's liability (`liability::liable_unit`); none when a
    /// division leaves it undetermined or the case names no unit.
    fn advance_debtor_unit(&self, a: &AdvanceRow) -> Result<Option<CreditCode>, AppError> {
        let Some(row) = self.store.case_by_number(&a.case_number)? else {
            return Ok(None);
        };
        let Some(unit) = row.unit else {
            return Ok(None);
        };
        let view = self.liability_answer(unit, row.accident_date, None, Some(&row.person))?;
        Ok(view.answer.liable_unit().copied())
    }
}

fn previous_month(m: Month) -> Result<Month, AppError> {
    let day = m
        .first_day()
        .yesterday()
        .map_err(|e| AppError::invalid("last_month", e.to_string()))?;
    Ok(Month::of(day))
}

/// FNV-1a, 64 bits: a receipt's text as a short key part (not a secret).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
