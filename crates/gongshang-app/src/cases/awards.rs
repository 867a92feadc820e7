//! Awards: computed by the rules engine under the case's scheme, approved by
//! a second person (maker-checker), recalculated with the difference as
//! arrears or an amount to recover, and their one-time items paid once.

use gongshang_domain::appraisal::AppraisalKind;
use gongshang_rules::award::Periodicity;
use gongshang_rules::missing_and_repeat::{EarlierInjury, ReviewOf};
use gongshang_rules::{Item, Payer};

use super::*;

impl App {
    /// The rules engine's case for a recognised case: the facts given, with
    /// the injury date, region, grade, nursing level and appraisal date of the
    /// case and its current appraisal conclusion.
    pub(super) fn award_input(
        &self,
        loaded: &Loaded,
        facts: &serde_json::Value,
    ) -> Result<CaseInput, AppError> {
        if !loaded.injury_recognised() {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "case {} is {}; an award follows a recognised injury",
                    loaded.row.number,
                    loaded.phase_name()
                ),
            });
        }
        let Some(given) = facts.as_object() else {
            return Err(AppError::invalid(
                "facts",
                "a JSON object (the rules engine's case)",
            ));
        };
        for field in [
            "injury_date",
            "grade",
            "nursing",
            "appraisal_date",
            "earlier_injuries",
            "review",
            "uninsured",
        ] {
            if given.contains_key(field) {
                return Err(AppError::invalid(
                    "facts",
                    format!(
                        "{field} comes from the case, its appraisal conclusion and the unit's cover; leave it out"
                    ),
                ));
            }
        }
        let mut with_date = given.clone();
        with_date.insert(
            "injury_date".into(),
            loaded.row.accident_date.to_string().into(),
        );
        let mut input: CaseInput = serde_json::from_value(serde_json::Value::Object(with_date))
            .map_err(|e| AppError::invalid("facts", e.to_string()))?;
        input.case_id = Some(loaded.row.number.clone());
        input.injury_date = loaded.row.accident_date;
        if input.region.is_none() {
            input.region = loaded.row.region.clone();
        }
        let a = loaded.appraisal_state();
        if let Some(c) = a.current() {
            input.grade = c.grade.map(|g| g.get());
            input.nursing = c.nursing;
            input.appraisal_date = Some(c.concluded_on);
            if c.kind == AppraisalKind::Review {
                input.review = self.reviewed(loaded, &a)?;
            }
        }
        input.earlier_injuries = self.earlier_injuries(loaded)?;
        // Regulations Art 62(2)-(3): from the stored coverage of the unit on
        // the accident day and the unit's back-payment.
        input.uninsured = self.uninsured_of(&loaded.row)?;
        if input.person.is_none() {
            input.person = self.applicant_of(&loaded.row)?;
        }
        Ok(input)
    }

    /// The worker's injuries before this one (Regulations Art 45; Jiangsu
    /// Arts 32-33): every other recognised case of the person with an earlier
    /// accident and a concluded grade, at the same unit when both cases name
    /// the same one; its own wage is the one its approved award was computed
    /// on (none when no award is approved).
    fn earlier_injuries(&self, loaded: &Loaded) -> Result<Vec<EarlierInjury>, AppError> {
        let mut out = Vec::new();
        for row in self.store.cases_of_person(&loaded.row.person)? {
            if row.id == loaded.row.id || row.accident_date >= loaded.row.accident_date {
                continue;
            }
            let other = self.load_row(row)?;
            if !other.injury_recognised() {
                continue;
            }
            let Some(grade) = other.appraisal_state().current_grade() else {
                continue;
            };
            let own_wage = match self.approved_award(other.row.id)? {
                Some(award) => Some(Self::facts_of(&award)?.own_wage),
                None => None,
            };
            out.push(EarlierInjury {
                injury_date: other.row.accident_date,
                grade: grade.get(),
                same_unit: other.row.unit.is_some() && other.row.unit == loaded.row.unit,
                own_wage,
            });
        }
        out.sort_by_key(|i| i.injury_date);
        Ok(out)
    }

    /// A review (复查鉴定) of a conclusion on which an approved award
    /// determined the one-time disability subsidy (Jiangsu Art 33): the grade
    /// reviewed and that subsidy. None before any award was approved.
    fn reviewed(
        &self,
        loaded: &Loaded,
        a: &appraisal::State,
    ) -> Result<Option<ReviewOf>, AppError> {
        let Some(previous) = a.history.iter().rev().nth(1) else {
            return Ok(None);
        };
        let Some(award) = self.approved_award(loaded.row.id)? else {
            return Ok(None);
        };
        let mut subsidy = Money::ZERO;
        for it in award
            .items
            .iter()
            .filter(|i| i.item == Item::OneTimeDisabilitySubsidy && i.beneficiary == "worker")
        {
            subsidy = sum(subsidy, it.amount)?;
        }
        Ok(Some(ReviewOf {
            previous_grade: previous.grade.map_or(0, |g| g.get()),
            disability_subsidy: subsidy,
        }))
    }

    pub(super) fn approved_award(&self, case_id: i64) -> Result<Option<AwardRow>, AppError> {
        Ok(self
            .store
            .awards_of_case(case_id)?
            .into_iter()
            .find(|a| a.status == AwardStatus::Approved))
    }

    /// The rules engine's case an award was computed on.
    pub(super) fn facts_of(award: &AwardRow) -> Result<CaseInput, AppError> {
        let input: serde_json::Value = serde_json::from_str(&award.input)
            .map_err(|e| AppError::invalid("input", e.to_string()))?;
        serde_json::from_value(input["case"].clone())
            .map_err(|e| AppError::invalid("input", e.to_string()))
    }

    /// The person as a scheme's eligibility sees them, from the registry and
    /// the enrolment in the case's scheme (None for a person not registered).
    pub(super) fn applicant_of(&self, row: &CaseRow) -> Result<Option<Applicant>, AppError> {
        let person = row.person;
        let Some(p) = self.store.person_by_resident_id(&person)? else {
            return Ok(None);
        };
        let enrollment = self
            .store
            .enrollments_of_person(&person)?
            .into_iter()
            .rfind(|e| e.scheme_id == row.scheme_id && e.start <= row.accident_date);
        let Some(e) = enrollment else {
            return Ok(None);
        };
        Ok(Some(Applicant {
            category: e.category,
            birth_date: p.birth_date,
            sex: Some(p.sex),
            retirement_track: Default::default(),
            labour_relation_with_unit: e.category == gongshang_rules::scheme::Category::Employee,
            covered_by_regulations: false,
            region: row.region.clone(),
        }))
    }

    /// The award's lines: one per item and payer, and the survivors'
    /// pensions one per survivor (each is paid and ends on its own).
    pub(super) fn award_items(result: &SchemeResult) -> Vec<AwardItemRow> {
        let mut out = Vec::new();
        for line in &result.lines {
            let citation = format!("{} {}", line.citation.instrument, line.citation.article);
            let base = AwardItemRow {
                item: line.item,
                periodicity: line.periodicity,
                payer: line.payer,
                beneficiary: super::THE_WORKER.into(),
                amount: line.amount,
                citation,
            };
            // Guangdong Regulations Art 56: the unit's line of the
            // survivors' pensions is the difference of each survivor's.
            let survivors = if line.payer == gongshang_rules::Payer::Employer
                && !result.survivors_owed_by_unit.is_empty()
            {
                &result.survivors_owed_by_unit
            } else {
                &result.survivors
            };
            let survivors_total: i64 = survivors.iter().map(|s| s.paid.fen()).sum();
            if line.item == gongshang_rules::Item::MonthlySurvivorPensions
                && !survivors.is_empty()
                && survivors_total == line.amount.fen()
            {
                let mut others = 0;
                for s in survivors {
                    let beneficiary = if s.relation == gongshang_rules::Relation::Spouse {
                        "spouse".to_owned()
                    } else {
                        others += 1;
                        format!("dependant-{others}")
                    };
                    if s.paid == Money::ZERO && line.payer == gongshang_rules::Payer::Employer {
                        continue;
                    }
                    out.push(AwardItemRow {
                        beneficiary,
                        amount: s.paid,
                        ..base.clone()
                    });
                }
            } else {
                out.push(base);
            }
        }
        out
    }

    /// The difference between the approved award and `items`: one-time items
    /// against what was paid, monthly items by the months paid at the old amount.
    pub(super) fn difference(
        &self,
        case_id: i64,
        approved: Option<&AwardRow>,
        items: &[AwardItemRow],
        facts: Option<&CaseInput>,
    ) -> Result<Difference, AppError> {
        let mut lines: BTreeMap<(Item, String, Periodicity), (Money, Money)> = BTreeMap::new();
        if let Some(a) = approved {
            for it in &a.items {
                let e = lines
                    .entry((it.item, it.beneficiary.clone(), it.periodicity))
                    .or_insert((Money::ZERO, Money::ZERO));
                e.0 = sum(e.0, it.amount)?;
            }
        }
        for it in items {
            let e = lines
                .entry((it.item, it.beneficiary.clone(), it.periodicity))
                .or_insert((Money::ZERO, Money::ZERO));
            e.1 = sum(e.1, it.amount)?;
        }
        let payments = self.store.one_time_payments(case_id)?;
        let benefits = self.store.periodic_benefits_of_case(case_id)?;
        let mut out = Difference::default();
        for ((item, beneficiary, periodicity), (before, after)) in lines {
            let (months_paid, difference) = if periodicity == Periodicity::Monthly {
                let paid_months = match benefits
                    .iter()
                    .find(|b| b.item == item && b.beneficiary == beneficiary)
                {
                    // Months paid from the month the new amount applies (after a
                    // new appraisal: the month after its conclusion; after a
                    // correction: from the start).
                    Some(b) => {
                        let from = facts.map(|f| benefit_start(f, item));
                        self.store
                            .payroll_lines_of_benefit(b.id)?
                            .iter()
                            .filter(|(m, _)| from.is_none_or(|f| *m >= f))
                            .count()
                    }
                    None => 0,
                };
                let n = u32::try_from(paid_months).unwrap_or(u32::MAX);
                (n, times(diff(after, before)?, n)?)
            } else {
                let mut paid = Money::ZERO;
                for p in payments
                    .iter()
                    .filter(|p| p.item == item && p.beneficiary == beneficiary)
                {
                    paid = sum(paid, p.amount)?;
                }
                // Before anything is paid the new amount is simply due.
                let d = if paid == Money::ZERO {
                    Money::ZERO
                } else {
                    diff(after, paid)?
                };
                (0, d)
            };
            if difference.fen() > 0 {
                out.arrears = sum(out.arrears, difference)?;
            } else {
                out.to_recover = sum(out.to_recover, Money::from_fen(-difference.fen()))?;
            }
            if before != after || difference != Money::ZERO {
                out.lines.push(DifferenceLine {
                    item,
                    beneficiary,
                    periodicity,
                    before,
                    after,
                    months_paid,
                    difference,
                });
            }
        }
        Ok(out)
    }

    /// Computes the award of a recognised case with the rules engine under
    /// its scheme and jurisdiction, and stores it as proposed by `maker`,
    /// with its trace and the difference from the award approved now.
    pub fn compute_award(
        &self,
        actor: &Actor,
        number: &str,
        req: &AwardRequest,
    ) -> Result<AwardView, AppError> {
        actor.authorize(Action::ComputeAward)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        self.check_replacement(&loaded, req)?;
        let input = self.award_input(&loaded, &req.facts)?;
        let result = calculate_under_scheme(&self.policy, &loaded.row.scheme_id, &input)?;
        let items = Self::award_items(&result);
        let award = NewAward {
            case_id: loaded.row.id,
            basis: req.basis,
            legal_date: input.injury_date,
            scheme_id: loaded.row.scheme_id.clone(),
            jurisdiction: loaded.row.jurisdiction.clone(),
            items,
            input: serde_json::json!({
                "case": input,
                "dependant_birth_dates": req.dependant_birth_dates,
            })
            .to_string(),
            trace: to_json("trace", &result.trace)?,
        };
        let id = self
            .store
            .create_award(&award, &actor.audit_name(), self.now())?;
        self.award_view(actor, id)
    }

    /// Replacing an approved award is never silent (issue 13): the request
    /// names the award approved now (`replaces`) and says why it is computed
    /// again (a basis other than `initial`); a request naming no award, or
    /// one that is no longer the approved award, is a `conflict` and nothing
    /// is stored.
    pub(super) fn check_replacement(
        &self,
        loaded: &Loaded,
        req: &AwardRequest,
    ) -> Result<(), AppError> {
        let awards = self.store.awards_of_case(loaded.row.id)?;
        let approved = awards.iter().find(|a| a.status == AwardStatus::Approved);
        match (approved, req.replaces) {
            (None, None) => Ok(()),
            (None, Some(named)) => Err(AppError::Conflict {
                entity: "award",
                reason: format!(
                    "case {} has no approved award; award {named} named in `replaces` is not in force",
                    loaded.row.number
                ),
            }),
            (Some(a), named) if named != Some(a.id) => Err(AppError::Conflict {
                entity: "award",
                reason: format!(
                    "award {} of case {} is approved; a new award replaces it only when `replaces` names it",
                    a.id, loaded.row.number
                ),
            }),
            (Some(_), _) if req.basis == AwardBasis::Initial => Err(AppError::invalid(
                "basis",
                "an approved award exists; say why it is computed again (new_appraisal, parameter_correction, facts_corrected)",
            )),
            _ => Ok(()),
        }
    }

    pub fn award_view(&self, actor: &Actor, award_id: i64) -> Result<AwardView, AppError> {
        actor.authorize(Action::ReadCase)?;
        let award = self
            .store
            .award(award_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "award",
                key: award_id.to_string(),
            })?;
        let case = self
            .store
            .case_by_id(award.case_id)?
            .filter(|row| reaches_case(actor, row))
            .ok_or_else(|| AppError::NotFound {
                entity: "award",
                key: award_id.to_string(),
            })?;
        let awards = self.store.awards_of_case(award.case_id)?;
        let against = match award.status {
            AwardStatus::Proposed => awards.iter().find(|a| a.status == AwardStatus::Approved),
            _ => award
                .supersedes
                .and_then(|s| awards.iter().find(|a| a.id == s)),
        };
        let difference = match against {
            Some(a) => {
                let input: serde_json::Value =
                    serde_json::from_str(&award.input).unwrap_or_default();
                let facts: Option<CaseInput> = serde_json::from_value(input["case"].clone()).ok();
                Some(self.difference(award.case_id, Some(a), &award.items, facts.as_ref())?)
            }
            None => None,
        };
        Ok(AwardView {
            case_number: case.number,
            difference,
            benefits: self.store.periodic_benefits_of_case(award.case_id)?,
            payments: self.store.one_time_payments(award.case_id)?,
            award,
        })
    }

    pub fn awards_of_case(&self, actor: &Actor, number: &str) -> Result<Vec<AwardRow>, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        Ok(self.store.awards_of_case(row.id)?)
    }

    pub(super) fn fund_one_time(items: &[AwardItemRow]) -> Result<Money, AppError> {
        let mut total = Money::ZERO;
        for it in items
            .iter()
            .filter(|i| i.periodicity == Periodicity::OneTime && i.payer == Payer::Fund)
        {
            total = sum(total, it.amount)?;
        }
        Ok(total)
    }

    pub(super) fn approval_transaction(
        award_id: i64,
        items: &[AwardItemRow],
    ) -> Result<Option<ledger::Transaction>, AppError> {
        let total = Self::fund_one_time(items)?;
        if total == Money::ZERO {
            return Ok(None);
        }
        Ok(Some(ledger::benefit_award_approved(
            key(&format!("award-{award_id}-approved"))?,
            reference(&format!("award-{award_id}"))?,
            total,
        )?))
    }

    /// Approves a proposed award by a second person (the maker cannot):
    /// the fund's one-time items are posted as owed (the superseded award's
    /// posting reversed), the periodic items become benefits (a recalculation
    /// changes the running ones from the next month unpaid), in one
    /// transaction.
    pub fn approve_award(&self, actor: &Actor, award_id: i64) -> Result<AwardView, AppError> {
        actor.authorize(Action::ApproveAward)?;
        let award = self
            .store
            .award(award_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "award",
                key: award_id.to_string(),
            })?;
        self.refuse_if_recused(actor, award.case_id)?;
        if award.made_by == actor.audit_name() {
            return Err(AppError::MakerChecker {
                award_id,
                maker: award.made_by,
            });
        }
        if award.status != AwardStatus::Proposed {
            return Err(AppError::Conflict {
                entity: "award",
                reason: format!(
                    "award {award_id} is {}; only a proposed award is approved",
                    award.status
                ),
            });
        }
        let previous = self
            .store
            .awards_of_case(award.case_id)?
            .into_iter()
            .find(|a| a.status == AwardStatus::Approved);
        let input: serde_json::Value = serde_json::from_str(&award.input).unwrap_or_default();
        let facts = Self::facts_of(&award)?;
        let births: Vec<Option<Date>> =
            serde_json::from_value(input["dependant_birth_dates"].clone()).unwrap_or_default();
        let existing = self.benefits_with_last_paid(award.case_id)?;
        let mut approval = approval_plan(
            award_id,
            award.case_id,
            &award.items,
            AwardInput {
                input: &input,
                facts: &facts,
                births: &births,
            },
            previous.as_ref(),
            &existing,
        )?;
        approval
            .endings
            .extend(self.allowances_ended_by(&award, &facts)?);
        self.store
            .approve_award(award_id, &approval, &actor.audit_name(), self.now())?;
        self.award_view(actor, award_id)
    }

    /// Regulations Art 45: a worker injured again draws the allowance of the
    /// grade concluded after the new injury, so the allowances running on the
    /// worker's earlier cases end the month before this award's starts (a
    /// month already paid stays paid: the difference is the new award's
    /// arrears to settle by hand).
    fn allowances_ended_by(
        &self,
        award: &AwardRow,
        facts: &CaseInput,
    ) -> Result<Vec<(i64, Month, String)>, AppError> {
        let Some(new) = award.items.iter().find(|i| {
            i.item == Item::MonthlyDisabilityAllowance
                && i.periodicity == Periodicity::Monthly
                && i.beneficiary == "worker"
        }) else {
            return Ok(Vec::new());
        };
        let start = benefit_start(facts, new.item);
        let last = previous_month(start)?;
        let this = self
            .store
            .case_by_id(award.case_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: award.case_id.to_string(),
            })?;
        let mut out = Vec::new();
        for other in self.store.cases_of_person(&this.person)? {
            if other.id == this.id || other.accident_date >= this.accident_date {
                continue;
            }
            for b in self.store.periodic_benefits_of_case(other.id)? {
                let running = b.end_reason.is_none() || b.end_month.is_some_and(|end| end > last);
                if b.item != Item::MonthlyDisabilityAllowance
                    || b.beneficiary != "worker"
                    || !running
                {
                    continue;
                }
                let paid = self
                    .store
                    .payroll_lines_of_benefit(b.id)?
                    .last()
                    .map(|(m, _)| *m);
                let reason = match paid {
                    // Months already paid stay paid; both allowances then ran
                    // for them, which the clerk records as an overpayment.
                    Some(p) if p > last => format!(
                        "art45: case {} award {}; paid {}-{p} also under the new award: record the overpayment",
                        this.number,
                        award.id,
                        last.next()
                    ),
                    _ => format!("art45: case {} award {}", this.number, award.id),
                };
                let end = last
                    .max(paid.unwrap_or(last))
                    .max(previous_month(b.start_month)?);
                out.push((b.id, end, reason));
            }
        }
        Ok(out)
    }

    /// The case's periodic benefits, each with the last month the payroll
    /// paid it.
    pub(super) fn benefits_with_last_paid(
        &self,
        case_id: i64,
    ) -> Result<Vec<(PeriodicBenefitRow, Option<Month>)>, AppError> {
        let mut out = Vec::new();
        for b in self.store.periodic_benefits_of_case(case_id)? {
            let last = self
                .store
                .payroll_lines_of_benefit(b.id)?
                .last()
                .map(|(m, _)| *m);
            out.push((b, last));
        }
        Ok(out)
    }

    /// Pays the fund's one-time items of the approved award that are not paid
    /// yet (after a recalculation: the difference). Each item once: paying
    /// again pays nothing.
    pub fn pay_one_time(
        &self,
        actor: &Actor,
        number: &str,
        paid_on: Date,
    ) -> Result<OneTimePayout, AppError> {
        actor.authorize(Action::PayOneTime)?;
        let row = self.case_row(actor, number)?;
        self.refuse_if_recused(actor, row.id)?;
        let award = self
            .store
            .awards_of_case(row.id)?
            .into_iter()
            .find(|a| a.status == AwardStatus::Approved)
            .ok_or_else(|| AppError::Conflict {
                entity: "case",
                reason: format!("case {number} has no approved award"),
            })?;
        let payments = self.store.one_time_payments(row.id)?;
        let mut out = OneTimePayout::default();
        for it in award
            .items
            .iter()
            .filter(|i| i.periodicity == Periodicity::OneTime && i.payer == Payer::Fund)
        {
            let mut paid = Money::ZERO;
            for p in payments
                .iter()
                .filter(|p| p.item == it.item && p.beneficiary == it.beneficiary)
            {
                paid = sum(paid, p.amount)?;
            }
            let due = diff(it.amount, paid)?;
            if due.fen() < 0 {
                out.to_recover
                    .push((it.item, it.beneficiary.clone(), Money::from_fen(-due.fen())));
                continue;
            }
            if due == Money::ZERO {
                out.paid.push(OneTimePaid {
                    item: it.item,
                    beneficiary: it.beneficiary.clone(),
                    amount: paid,
                    already_paid: true,
                });
                continue;
            }
            let k = format!(
                "pay-a{}-{}-{}",
                award.id,
                short_item(it.item),
                it.beneficiary
            );
            let tx = ledger::benefit_paid(
                key(&k)?,
                reference(&k)?,
                reference(&format!("award-{}", award.id))?,
                due,
            )?;
            let outcome = self.store.record_one_time_payment(
                &NewOneTimePayment {
                    case_id: row.id,
                    award_id: award.id,
                    item: it.item,
                    beneficiary: it.beneficiary.clone(),
                    amount: due,
                    paid_on,
                    idempotency_key: k,
                },
                &tx,
                &actor.audit_name(),
                self.now(),
            )?;
            out.paid.push(OneTimePaid {
                item: it.item,
                beneficiary: it.beneficiary.clone(),
                amount: due,
                already_paid: outcome == Posted::AlreadyPosted,
            });
        }
        Ok(out)
    }
}

/// Item names shortened for idempotency keys (at most 64 characters).
pub(super) fn short_item(item: Item) -> String {
    let text = serde_json::to_value(item)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    text.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| &w[..w.len().min(4)])
        .collect::<Vec<_>>()
        .join("")
}

/// The first month of a periodic item: the month after the appraisal
/// conclusion for disability items (the grade fixes them, Arts 34-36), the
/// month after death for survivors' pensions (Art 39). An assumption written
/// down in DESIGN.md: the instruments say "from" the conclusion and the death
/// without naming the month.
fn previous_month(m: Month) -> Result<Month, AppError> {
    let day = m
        .first_day()
        .yesterday()
        .map_err(|e| AppError::invalid("start_month", e.to_string()))?;
    Ok(Month::of(day))
}

pub(super) fn benefit_start(facts: &CaseInput, item: Item) -> Month {
    let from = if item == Item::MonthlySurvivorPensions {
        facts.death_date.or(facts.appraisal_date)
    } else {
        facts.appraisal_date.or(facts.death_date)
    };
    Month::of(from.unwrap_or(facts.injury_date)).next()
}

/// The known end of a periodic item: a dependant's pension ends the month
/// before they turn 18; the others end on a condition recorded later.
pub(super) fn end_terms(
    facts: &CaseInput,
    item: Item,
    beneficiary: &str,
    births: &[Option<Date>],
) -> (Option<Month>, Option<String>, Option<String>) {
    let _ = facts;
    match item {
        Item::MonthlySurvivorPensions if beneficiary.starts_with("dependant-") => {
            let n: usize = beneficiary["dependant-".len()..].parse().unwrap_or(0);
            match births.get(n.saturating_sub(1)).copied().flatten() {
                Some(birth) => {
                    let eighteen = birth.saturating_add(jiff::Span::new().years(18));
                    let last = Month::of(eighteen);
                    // The month before the 18th birthday's month is the last paid.
                    let prev = Month::of(last.first_day().yesterday().unwrap_or(last.first_day()));
                    (
                        Some(prev),
                        Some("dependant_turns_18".into()),
                        Some("age_18".into()),
                    )
                }
                None => (None, None, Some("death_or_loss_of_dependency".into())),
            }
        }
        Item::MonthlySurvivorPensions => (None, None, Some("remarriage_or_death".into())),
        Item::MonthlyDisabilityAllowance => (
            None,
            None,
            Some("death; grades 1-4: retirement (difference above the pension)".into()),
        ),
        _ => (None, None, Some("death".into())),
    }
}

/// The monthly items of an award as the benefits that pay them: each item
/// from its first month; under Regulations Art 62(3) an item the fund took
/// over after the back-payment is two, the unit's months up to the one
/// before `uninsured::first_fund_month` and the fund's from it (one of them
/// empty when the item starts after, it is left out).
fn monthly_segments(
    items: &[AwardItemRow],
    input: &serde_json::Value,
    facts: &CaseInput,
) -> Result<Vec<(AwardItemRow, Month, Option<Month>)>, AppError> {
    let fund_from = gongshang_rules::uninsured::first_fund_month(facts.uninsured).map(Month::of);
    let mut out = Vec::new();
    for it in items
        .iter()
        .filter(|i| i.periodicity == Periodicity::Monthly)
    {
        let start = super::missing::missing_pensions_from(input, it.item)
            .unwrap_or_else(|| benefit_start(facts, it.item));
        match fund_from {
            // A fund item of an uninsured case is one the fund took over.
            Some(first) if it.payer == Payer::Fund && facts.uninsured.is_some() => {
                if start < first {
                    let unit = AwardItemRow {
                        payer: Payer::Employer,
                        ..it.clone()
                    };
                    out.push((unit, start, Some(previous_month(first)?)));
                }
                out.push((it.clone(), start.max(first), None));
            }
            _ => out.push((it.clone(), start, None)),
        }
    }
    Ok(out)
}

fn art62_3_reason(facts: &CaseInput) -> String {
    format!(
        "art62_3: back-payment settled {}; the fund pays from the next month",
        facts
            .uninsured
            .and_then(|u| u.back_paid_on)
            .map(|d| d.to_string())
            .unwrap_or_default()
    )
}

/// What an award was computed on: its stored input (JSON), the rules
/// engine's case in it, and the dependants' birth dates.
#[derive(Copy, Clone)]
pub(super) struct AwardInput<'a> {
    pub input: &'a serde_json::Value,
    pub facts: &'a CaseInput,
    pub births: &'a [Option<Date>],
}

/// What approving an award writes: the previous award's posting reversed and
/// this one's posted, the periodic items as benefits (a running benefit
/// changes from its next month unpaid; one the award no longer has ends).
/// Pure over the case's benefits with the last month each was paid.
pub(super) fn approval_plan(
    award_id: i64,
    case_id: i64,
    items: &[AwardItemRow],
    computed_on: AwardInput<'_>,
    previous: Option<&AwardRow>,
    existing: &[(PeriodicBenefitRow, Option<Month>)],
) -> Result<AwardApproval, AppError> {
    let AwardInput {
        input,
        facts,
        births,
    } = computed_on;
    let mut approval = AwardApproval::default();
    if let Some(prev) = previous
        && let Some(tx) = App::approval_transaction(prev.id, &prev.items)?
    {
        approval.ledger.push(tx.reversal(
            key(&format!("award-{}-revised", prev.id))?,
            ledger::ReasonCode::AwardRevised,
        )?);
    }
    if let Some(tx) = App::approval_transaction(award_id, items)? {
        approval.ledger_key = Some(tx.idempotency_key().as_str().to_owned());
        approval.ledger.push(tx);
    }
    let mut continuing = BTreeSet::new();
    for (it, start, until) in monthly_segments(items, input, facts)? {
        // A benefit still runs when nothing ended it, or when its end is
        // only scheduled ahead (a child's pension ends the month before
        // the 18th birthday, set when it starts, Art 39(1)(2)): the new
        // award changes its amount and never starts it a second time.
        if let Some((b, last_paid)) = existing.iter().find(|(b, _)| {
            b.item == it.item
                && b.beneficiary == it.beneficiary
                && b.payer == it.payer
                && (b.end_reason.is_none() || b.end_month.is_some_and(|end| end >= start))
        }) {
            continuing.insert(b.id);
            // Regulations Art 62(3): the unit's months end where the fund's begin.
            if let Some(last) = until
                && b.end_month != Some(last)
            {
                approval.endings.push((b.id, last, art62_3_reason(facts)));
            }
            // The new amount applies from its own start, but never to a
            // month already paid (those differences are arrears).
            let next_unpaid = match last_paid {
                Some(m) => m.next(),
                None => b.start_month,
            }
            .max(start);
            let current = b
                .amounts
                .iter()
                .rfind(|a| a.from_month <= next_unpaid)
                .map(|a| a.amount);
            if current != Some(it.amount) {
                approval.amounts.push(NewBenefitAmount {
                    benefit_id: b.id,
                    from_month: next_unpaid,
                    amount: it.amount,
                    reason: format!("award {award_id}"),
                });
            }
            continue;
        }
        let (mut end_month, mut end_reason, end_condition) =
            end_terms(facts, it.item, &it.beneficiary, births);
        if let Some(last) = until
            && end_month.is_none_or(|end| end > last)
        {
            end_month = Some(last);
            end_reason = Some(art62_3_reason(facts));
        }
        if end_month.is_some_and(|end| end < start) {
            continue;
        }
        approval.new_benefits.push(NewPeriodicBenefit {
            case_id,
            award_id: Some(award_id),
            beneficiary: it.beneficiary.clone(),
            item: it.item,
            payer: it.payer,
            start_month: start,
            end_month,
            end_reason,
            end_condition,
            monthly: it.amount,
        });
    }
    // A benefit the new award no longer has ends, also one whose end was
    // only scheduled ahead (a child's pension at 18); one already ended
    // by then stays as it is.
    for (b, last_paid) in existing.iter().filter(|(b, _)| !continuing.contains(&b.id)) {
        // Paid up to the last month paid; never paid: ended before it began.
        let last = match last_paid {
            Some(m) => *m,
            None => Month::of(
                b.start_month
                    .first_day()
                    .yesterday()
                    .map_err(|e| AppError::invalid("start_month", e.to_string()))?,
            ),
        };
        if b.end_reason.is_some() && b.end_month.is_none_or(|end| end <= last) {
            continue;
        }
        approval
            .endings
            .push((b.id, last, format!("not in award {award_id}")));
    }
    Ok(approval)
}
