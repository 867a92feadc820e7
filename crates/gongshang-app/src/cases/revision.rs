//! An appraisal conclusion revoked or corrected (劳动能力鉴定管理办法, MOHRSS
//! and NHC Order No. 55, in force 2025-07-01, Art 31; issue 17). A clerk
//! records the committee's decision (its reason, number and date); a second
//! person applies it, and in one transaction the case's appraisal records the
//! revision, the award on the conclusion is superseded (a correction's award
//! is computed by the rules engine on the corrected grade and approved in its
//! place), the benefits on it stop (revoked) or change from their next month
//! unpaid (corrected), and each month paid is set against what the revised
//! conclusion owes (`recovery::revised_conclusion_balance`): what was paid
//! over becomes an overpayment with its schedule (Decree 765 Art 46,
//! recovered by the overpayment use cases), what was paid short a payable.
//!
//! Art 31 has the committee revoke a conclusion "以伪造诊断证明、病历资料、工伤认定
//! 结论等申请材料或者以冒名顶替检查等手段骗取的" and correct one with "与伤病情、鉴定
//! 标准不符以及超出工伤认定范围等严重错误"; the money follows Art 37 (骗取的社会保险金
//! 责令退回, by Social Insurance Law Art 88; the fine of 2 to 5 times is the
//! department's, not recorded here) and Decree 765 Art 46.

use gongshang_domain::appraisal::{Revision, RevisionDecision};
use gongshang_rules::recovery::{Recovery, recovery_schedule, revised_conclusion_balance};
use gongshang_rules::trace::Trace;
use gongshang_rules::{Item, Payer};
use gongshang_store::cases::{
    NewRevision, RevisionApplication, RevisionKind, RevisionRecovery, RevisionRow,
};
use gongshang_store::recovery::{NewOverpayment, RecoveryMethod};

use super::awards::{AwardInput, approval_plan};
use super::*;

/// The committee's decision as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionInput {
    /// Revoked (`{"kind": "revoke"}`), or corrected to a grade
    /// (`{"kind": "correct", "grade": 4}`).
    pub revision: Revision,
    pub reason: String,
    /// The number of the committee's decision (文号).
    pub decision_no: String,
    pub decided_on: Date,
    /// How an overpayment comes back: refunded at once (default) or by
    /// instalments.
    #[serde(default = "refund")]
    pub recovery: RevisionRecovery,
}

fn refund() -> RevisionRecovery {
    RevisionRecovery::Refund
}

/// The benefits a conclusion fixes: every periodic one but the survivors'
/// pensions (which follow a death, not a grade).
fn rests_on_conclusion(item: Item) -> bool {
    item != Item::MonthlySurvivorPensions
}

/// The one-time items the grade of a conclusion decides (Regulations Arts
/// 35-37 and the provinces' subsidies on ending the employment): a revoked
/// conclusion owes none of them, so what was paid comes back (Order No. 55
/// Art 31; Decree 765 Art 46). The other one-time items (suspension wages,
/// the hospital food subsidy, a death's items) rest on the injury, not on
/// the conclusion.
fn one_time_rests_on_conclusion(item: Item) -> bool {
    matches!(
        item,
        Item::OneTimeDisabilitySubsidy
            | Item::OneTimeMedicalSubsidy
            | Item::OneTimeEmploymentSubsidy
            | Item::OneTimeDisabilityAllowance
            | Item::InsuredDisabilityPayout
    )
}

impl App {
    /// Records the committee's decision revoking or correcting the conclusion
    /// in force (Order No. 55 Art 31); nothing changes until a second person
    /// applies it.
    pub fn record_appraisal_revision(
        &self,
        actor: &Actor,
        number: &str,
        input: &RevisionInput,
    ) -> Result<RevisionRow, AppError> {
        actor.authorize(Action::RecordAppraisalRevision)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        if let RevisionRecovery::Instalments { months } = input.recovery
            && !(1..=120).contains(&months)
        {
            return Err(AppError::invalid(
                "instalments",
                format!("{months} months; 1 to 120"),
            ));
        }
        let state = loaded.appraisal_state();
        let decision = RevisionDecision {
            reason: input.reason.clone(),
            decision_no: input.decision_no.clone(),
            decided_on: input.decided_on,
        };
        // The same checks as when it is applied: refused now, not later.
        appraisal::revise(&state, &input.revision, &decision, self.case_today())
            .map_err(rejection)?;
        let conclusion = state.current().map_or(0, |c| c.number);
        if let Some(open) = self
            .store
            .revisions_of_case(loaded.row.id)?
            .into_iter()
            .find(|r| r.applied.is_none())
        {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!(
                    "{} of case {number} is recorded and not applied yet; one revision at a time",
                    open.reference
                ),
            });
        }
        let (kind, grade, nursing) = match &input.revision {
            Revision::Revoke => (RevisionKind::Revoke, None, None),
            Revision::Correct { grade, nursing } => {
                (RevisionKind::Correct, *grade, nursing.map(|n| text_of(&n)))
            }
        };
        Ok(self.store.record_revision(
            &NewRevision {
                case_id: loaded.row.id,
                kind,
                conclusion: i64::try_from(conclusion).unwrap_or(i64::MAX),
                grade,
                nursing,
                reason: input.reason.trim().to_owned(),
                decision_no: input.decision_no.trim().to_owned(),
                decided_on: input.decided_on,
                recovery: input.recovery,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// A revision with the number of its case (not found outside the actor's
    /// scope).
    pub fn appraisal_revision(
        &self,
        actor: &Actor,
        revision_id: i64,
    ) -> Result<(RevisionRow, String), AppError> {
        actor.authorize(Action::ReadCase)?;
        let not_found = || AppError::NotFound {
            entity: "appraisal revision",
            key: revision_id.to_string(),
        };
        let rev = self.store.revision(revision_id)?.ok_or_else(not_found)?;
        let case = self
            .store
            .case_by_id(rev.case_id)?
            .filter(|row| reaches_case(actor, row))
            .ok_or_else(not_found)?;
        Ok((rev, case.number))
    }

    /// The revisions of a case, oldest first.
    pub fn appraisal_revisions(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<RevisionRow>, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        Ok(self.store.revisions_of_case(row.id)?)
    }

    /// Applies a recorded revision, by a second person, in one transaction
    /// (see the module's documentation).
    pub fn apply_appraisal_revision(
        &self,
        actor: &Actor,
        revision_id: i64,
    ) -> Result<RevisionRow, AppError> {
        actor.authorize(Action::ApplyAppraisalRevision)?;
        let not_found = || AppError::NotFound {
            entity: "appraisal revision",
            key: revision_id.to_string(),
        };
        let rev = self.store.revision(revision_id)?.ok_or_else(not_found)?;
        let case = self
            .store
            .case_by_id(rev.case_id)?
            .filter(|row| reaches_case(actor, row))
            .ok_or_else(not_found)?;
        self.refuse_if_recused(actor, case.id)?;
        if rev.made_by == actor.audit_name() {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!(
                    "{} was recorded by {}; another person applies it (maker-checker)",
                    rev.reference, rev.made_by
                ),
            });
        }
        if rev.applied.is_some() {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!("{} is applied already", rev.reference),
            });
        }
        let loaded = self.load_case(actor, &case.number)?;
        let mut a = loaded.appraisal_state();
        if a.current().map(|c| c.number) != usize::try_from(rev.conclusion).ok() {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!(
                    "{} revises conclusion {}, which is no longer the conclusion in force",
                    rev.reference, rev.conclusion
                ),
            });
        }
        let revision = match rev.kind {
            RevisionKind::Revoke => Revision::Revoke,
            RevisionKind::Correct => Revision::Correct {
                grade: rev.grade,
                nursing: rev
                    .nursing
                    .as_deref()
                    .map(|n| {
                        serde_json::from_value(serde_json::Value::String(n.to_owned()))
                            .map_err(|e| AppError::invalid("nursing", e.to_string()))
                    })
                    .transpose()?,
            },
        };
        let decision = RevisionDecision {
            reason: rev.reason.clone(),
            decision_no: rev.decision_no.clone(),
            decided_on: rev.decided_on,
        };
        let today = self.case_today();
        let event = appraisal::revise(&a, &revision, &decision, today).map_err(rejection)?;
        a.apply(&event);
        let mut conclusions = Vec::new();
        if let appraisal::Change::Corrected { conclusion: c, .. } = &event.change {
            conclusions.push(ConclusionRow {
                number: i64::try_from(c.number).unwrap_or(i64::MAX),
                kind: text_of(&c.kind),
                level: text_of(&c.level),
                applied_on: c.applied_on,
                concluded_on: c.concluded_on,
                grade: c.grade.map(|g| g.get()),
                nursing: c.nursing.map(|n| text_of(&n)),
                late_by_days: c.late_by_days,
                reappraisal_of: c.reappraisal_of.and_then(|n| i64::try_from(n).ok()),
            });
        }
        let append = CaseAppend {
            expected_version: loaded.row.version,
            events: vec![events::encode(EventStream::Appraisal, event.on, &event)?],
            snapshot: self.flow_snapshot(
                loaded.row.flow,
                &loaded.determination_state(),
                &a,
                &loaded.confirmation_state(),
                &loaded.claim_state(),
            )?,
            recognises: None,
            conclusions,
        };

        // The award on the conclusion and, for a correction, the award the
        // rules engine computes on the corrected grade with the same facts.
        let approved = self
            .store
            .awards_of_case(case.id)?
            .into_iter()
            .find(|x| x.status == AwardStatus::Approved);
        let existing = self.benefits_with_last_paid(case.id)?;
        let mut corrected: Option<(NewAward, serde_json::Value, CaseInput, Vec<Option<Date>>)> =
            None;
        if let (RevisionKind::Correct, Some(prev)) = (rev.kind, &approved) {
            let stored: serde_json::Value = serde_json::from_str(&prev.input).unwrap_or_default();
            let mut facts: CaseInput = serde_json::from_value(stored["case"].clone())
                .map_err(|e| AppError::invalid("input", e.to_string()))?;
            let births: Vec<Option<Date>> =
                serde_json::from_value(stored["dependant_birth_dates"].clone()).unwrap_or_default();
            let c = a
                .current()
                .ok_or_else(|| AppError::invalid("grade", "no conclusion in force"))?;
            facts.grade = c.grade.map(|g| g.get());
            facts.nursing = c.nursing;
            facts.appraisal_date = Some(c.concluded_on);
            let result = calculate_under_scheme(&self.policy, &prev.scheme_id, &facts)?;
            let input = serde_json::json!({
                "case": facts,
                "dependant_birth_dates": births,
                "pensions_from": stored["pensions_from"],
                "revision": rev.reference,
            });
            corrected = Some((
                NewAward {
                    case_id: case.id,
                    basis: AwardBasis::NewAppraisal,
                    legal_date: facts.injury_date,
                    scheme_id: prev.scheme_id.clone(),
                    jurisdiction: prev.jurisdiction.clone(),
                    items: Self::award_items(&result),
                    input: input.to_string(),
                    trace: to_json("trace", &result.trace)?,
                },
                input,
                facts,
                births,
            ));
        }

        // Month by month: what was paid against what the revised conclusion
        // owes for the month (revoked: nothing; corrected: the corrected
        // award's amount of the same item and beneficiary).
        let mut trace = Trace::default();
        let mut overpayments = Vec::new();
        let mut endings = Vec::new();
        let mut months_json = Vec::new();
        let (mut overpaid_total, mut underpaid_total) = (Money::ZERO, Money::ZERO);
        let first_month = Month::of(today).next();
        let what = match &revision {
            Revision::Revoke => format!("conclusion {} revoked", rev.conclusion),
            Revision::Correct { grade, .. } => format!(
                "conclusion {} corrected to grade {}",
                rev.conclusion,
                grade.map_or_else(|| "none".to_owned(), |g| g.to_string())
            ),
        };
        for (b, last_paid) in existing
            .iter()
            .filter(|(b, _)| rests_on_conclusion(b.item) && b.payer == Payer::Fund)
        {
            let due = match &corrected {
                None => Money::ZERO,
                Some((award, _, _, _)) => award
                    .items
                    .iter()
                    .filter(|i| i.item == b.item && i.beneficiary == b.beneficiary)
                    .fold(Money::ZERO, |x, i| x.checked_add(i.amount).unwrap_or(x)),
            };
            let lines = self.store.payroll_lines_of_benefit(b.id)?;
            let months: Vec<(Money, Money)> = lines.iter().map(|(_, paid)| (*paid, due)).collect();
            let balance = revised_conclusion_balance(&months, &mut trace)?;
            months_json.push(serde_json::json!({
                "benefit_id": b.id,
                "item": b.item,
                "months": lines.iter().map(|(m, paid)| (m.to_string(), paid.to_string(), due.to_string())).collect::<Vec<_>>(),
                "overpaid": balance.overpaid.to_string(),
                "underpaid": balance.underpaid.to_string(),
            }));
            overpaid_total = sum(overpaid_total, balance.overpaid)?;
            underpaid_total = sum(underpaid_total, balance.underpaid)?;
            if rev.kind == RevisionKind::Revoke && b.end_reason.is_none() {
                let last = match last_paid {
                    Some(m) => *m,
                    None => Month::of(
                        b.start_month
                            .first_day()
                            .yesterday()
                            .map_err(|e| AppError::invalid("start_month", e.to_string()))?,
                    ),
                };
                endings.push((b.id, last, format!("{what} ({})", rev.reference)));
            }
            if balance.overpaid > Money::ZERO {
                let (how, method) = match rev.recovery {
                    RevisionRecovery::Refund => (Recovery::Refund, RecoveryMethod::Refund),
                    RevisionRecovery::Instalments { months } => (
                        Recovery::Instalments { months },
                        RecoveryMethod::Instalments,
                    ),
                };
                let mut schedule_trace = Trace::default();
                let amounts = recovery_schedule(balance.overpaid, how, &mut schedule_trace)?;
                let mut month = first_month;
                let mut schedule = Vec::with_capacity(amounts.len());
                for x in amounts {
                    schedule.push((month, x));
                    month = month.next();
                }
                let n = self.store.overpayment_count_of_benefit(b.id)? + 1;
                let reference = format!("OP-{}-{n}", b.id);
                let tx = ledger::overpayment_found(
                    key(&format!("overpay:{reference}"))?,
                    super::reference(&reference)?,
                    balance.overpaid,
                )?;
                overpayments.push((
                    NewOverpayment {
                        reference,
                        case_id: case.id,
                        benefit_id: Some(b.id),
                        one_time_payment_id: None,
                        offset_benefit_id: None,
                        amount: balance.overpaid,
                        reason: format!(
                            "劳动能力鉴定管理办法第三十一条 (Order No. 55 Art 31): {what} by decision {} of {} ({}): {}",
                            rev.decision_no, rev.decided_on, rev.reference, rev.reason
                        ),
                        method,
                        basis: serde_json::json!({
                            "plan": how,
                            "first_month": first_month.to_string(),
                            "revision": rev.reference,
                            "trace": schedule_trace.steps,
                        }),
                        schedule,
                    },
                    tx,
                ));
            }
        }
        // A revocation: the one-time items paid on the conclusion's award
        // that its grade decided come back too, each payment an overpayment
        // of its own (migration 0233 lets an overpayment name a one-time
        // payment instead of a benefit).
        if let (RevisionKind::Revoke, Some(award)) = (rev.kind, &approved) {
            for p in self
                .store
                .one_time_payments(case.id)?
                .into_iter()
                .filter(|p| p.award_id == award.id && one_time_rests_on_conclusion(p.item))
            {
                let (how, method) = match rev.recovery {
                    RevisionRecovery::Refund => (Recovery::Refund, RecoveryMethod::Refund),
                    RevisionRecovery::Instalments { months } => (
                        Recovery::Instalments { months },
                        RecoveryMethod::Instalments,
                    ),
                };
                let mut schedule_trace = Trace::default();
                let amounts = recovery_schedule(p.amount, how, &mut schedule_trace)?;
                let mut month = first_month;
                let mut schedule = Vec::with_capacity(amounts.len());
                for x in amounts {
                    schedule.push((month, x));
                    month = month.next();
                }
                let reference = format!("OP-OT-{}", p.id);
                let tx = ledger::overpayment_found(
                    key(&format!("overpay:{reference}"))?,
                    super::reference(&reference)?,
                    p.amount,
                )?;
                months_json.push(serde_json::json!({
                    "one_time_payment_id": p.id,
                    "item": p.item,
                    "paid_on": p.paid_on.to_string(),
                    "overpaid": p.amount.to_string(),
                }));
                overpaid_total = sum(overpaid_total, p.amount)?;
                overpayments.push((
                    NewOverpayment {
                        reference,
                        case_id: case.id,
                        benefit_id: None,
                        one_time_payment_id: Some(p.id),
                        offset_benefit_id: None,
                        amount: p.amount,
                        reason: format!(
                            "劳动能力鉴定管理办法第三十一条 (Order No. 55 Art 31): {what} by decision {} of {} ({}): {}; {} paid {} on the revoked conclusion",
                            rev.decision_no,
                            rev.decided_on,
                            rev.reference,
                            rev.reason,
                            p.item.label_en(),
                            p.paid_on
                        ),
                        method,
                        basis: serde_json::json!({
                            "plan": how,
                            "first_month": first_month.to_string(),
                            "revision": rev.reference,
                            "one_time_payment": p.idempotency_key,
                            "trace": schedule_trace.steps,
                        }),
                        schedule,
                    },
                    tx,
                ));
            }
        }
        let underpaid = if underpaid_total > Money::ZERO {
            Some(ledger::benefit_award_approved(
                key(&format!("revision-{}-underpaid", rev.id))?,
                super::reference(&rev.reference)?,
                underpaid_total,
            )?)
        } else {
            None
        };
        let plan = |id: i64| -> Result<AwardApproval, String> {
            let Some((award, input, facts, births)) = &corrected else {
                return Ok(AwardApproval::default());
            };
            approval_plan(
                id,
                case.id,
                &award.items,
                AwardInput {
                    input,
                    facts,
                    births,
                },
                approved.as_ref(),
                &existing,
            )
            .map_err(|e| e.to_string())
        };
        let application = RevisionApplication {
            append,
            supersede_award: match rev.kind {
                RevisionKind::Revoke => approved.as_ref().map(|x| x.id),
                RevisionKind::Correct => None,
            },
            new_award: corrected.as_ref().map(|(award, _, _, _)| {
                (
                    award.clone(),
                    &plan as &dyn Fn(i64) -> Result<AwardApproval, String>,
                )
            }),
            endings,
            overpayments,
            underpaid,
            overpaid_total,
            underpaid_total,
            basis: serde_json::json!({
                "benefits": months_json,
                "trace": trace.steps,
            }),
        };
        Ok(self
            .store
            .apply_revision(rev.id, &application, &actor.audit_name(), self.now())?)
    }
}

impl App {
    /// Pays an applied correction's arrears: what the months already paid
    /// fell short of the corrected award (the payable posted when the
    /// revision was applied), out of the bank account, once (issue 12). Who
    /// may pay one-time items may pay these; the day paid may not be before
    /// the revision was applied.
    pub fn pay_revision_arrears(
        &self,
        actor: &Actor,
        revision_id: i64,
        paid_on: Date,
    ) -> Result<RevisionRow, AppError> {
        actor.authorize(Action::PayOneTime)?;
        let not_found = || AppError::NotFound {
            entity: "appraisal revision",
            key: revision_id.to_string(),
        };
        let rev = self.store.revision(revision_id)?.ok_or_else(not_found)?;
        let case = self
            .store
            .case_by_id(rev.case_id)?
            .filter(|row| reaches_case(actor, row))
            .ok_or_else(not_found)?;
        self.refuse_if_recused(actor, case.id)?;
        let Some(applied) = &rev.applied else {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!(
                    "{} is not applied yet; nothing is owed on it until a second person applies it",
                    rev.reference
                ),
            });
        };
        if let Some(paid) = &rev.arrears_paid {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!(
                    "the arrears of {} ({} yuan) were paid on {} by {}",
                    rev.reference, paid.amount, paid.paid_on, paid.paid_by
                ),
            });
        }
        if applied.underpaid <= Money::ZERO {
            return Err(AppError::Conflict {
                entity: "appraisal revision",
                reason: format!(
                    "{}: the months paid did not fall short of the revised conclusion; no arrears are owed",
                    rev.reference
                ),
            });
        }
        let applied_on = coverage::date_in_china(applied.checked_at);
        if paid_on < applied_on {
            return Err(AppError::invalid(
                "paid_on",
                format!("{paid_on} is before the revision was applied ({applied_on})"),
            ));
        }
        let award = applied
            .new_award_id
            .map_or_else(|| rev.reference.clone(), |id| format!("award-{id}"));
        let tx = ledger::benefit_paid(
            key(&format!("revision-{}-arrears-paid", rev.id))?,
            super::reference(&format!("{}-arrears", rev.reference))?,
            super::reference(&award)?,
            applied.underpaid,
        )?;
        Ok(self.store.pay_revision_arrears(
            rev.id,
            paid_on,
            &tx,
            &actor.audit_name(),
            self.now(),
        )?)
    }
}
