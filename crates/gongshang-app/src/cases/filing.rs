//! Opening a case: an application for injury determination, the platform
//! pilot's confirmation, an insurer's claim, or any of them as JSON.

use super::*;
use gongshang_rules::SchemeId;

impl App {
    /// Files an application. Under single-risk and platform schemes the
    /// coverage service says whether the person was covered on the day of
    /// the accident; an uncovered application is recorded as inadmissible
    /// with that reason (the case exists, closed). An accident already
    /// recognised in another case is inadmissible too.
    pub fn file_case(&self, actor: &Actor, req: &FileCaseRequest) -> Result<CaseRow, AppError> {
        actor.authorize(Action::FileCase)?;
        // A unit reports its own worker's injury as the unit; a worker (or
        // their relatives, through the agency) applies for themself.
        match &actor.scope {
            Scope::Unit { unit, .. }
                if (*unit != req.unit || req.applicant != ApplicantRole::Unit) =>
            {
                return Err(AppError::OutOfScope {
                    field: "unit",
                    reason: "a unit applies for its own workers, as the unit".into(),
                });
            }
            Scope::Person(me) if (*me != req.person || req.applicant != ApplicantRole::Worker) => {
                return Err(AppError::OutOfScope {
                    field: "person",
                    reason: "a worker applies for themself, as the worker".into(),
                });
            }
            _ => {}
        }
        let scheme = self.policy.scheme(&req.scheme_id)?;
        let flow = Flow::for_procedure(scheme.claim_procedure);
        if flow != Flow::Determination {
            // The confirmation and the insurer's claim take other facts
            // (the platform, the claim): `file_confirmation`, `file_claim`,
            // or `file_application`, where the scheme decides.
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} follows the {} flow; file it as a {} application",
                    req.scheme_id,
                    text_of(&flow),
                    text_of(&flow)
                ),
            ));
        }
        let kind = SchemeKind::of(scheme);
        let unit = self
            .store
            .unit_by_code(&req.unit)?
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: req.unit.as_str().to_owned(),
            })?;
        let today = self.case_today();
        let filed_on = req.filed_on.unwrap_or(today);
        let covered = if kind.requires_cover_at_injury() {
            self.coverage_answer(&req.person, At::Day(req.accident_date), None, None)?
                .covers
                .iter()
                .any(|c| c.scheme_id == req.scheme_id)
        } else {
            false
        };
        let accident_key = AccidentKey::parse(
            &req.accident_key
                .clone()
                .unwrap_or_else(|| format!("{}@{}", req.person.as_str(), req.accident_date)),
        )?;
        let application = Application {
            applicant: req.applicant,
            accident_or_diagnosis_date: req.accident_date,
            filed_on,
            materials: req.materials.clone(),
            ground_claimed: req.ground_claimed,
            insured_unit: InsuredUnit {
                credit_code: req.unit,
                name: unit.name.clone(),
            },
            scheme: SchemeRef {
                id: req.scheme_id.clone(),
                kind,
            },
            covered_at_injury: covered,
            // Covered people under single-risk and platform schemes need no
            // proof of a labour relation.
            labour_relation_proof_needed: !(kind.requires_cover_at_injury() && covered),
            accident_key: accident_key.clone(),
            intern_school: req.intern_school.clone(),
        };
        let recognised_in = self.store.accident_recognised_in(accident_key.as_str())?;
        let already = |_: &AccidentKey| recognised_in.is_some();
        let ctx = Context {
            calendar: &self.calendar(),
            already_recognised: &already,
        };
        let state = determination::State::default();
        // Recorded on the day it was filed (not after today).
        let events = determination::decide(
            &state,
            determination::Command::Apply(application),
            filed_on.min(today),
            &ctx,
        )
        .map_err(rejection)?;
        let folded = determination::State::from_events(&events);
        let append = CaseAppend {
            expected_version: 0,
            events: Self::determination_events(&events)?,
            snapshot: self.snapshot(&folded, &appraisal::State::default())?,
            recognises: None,
            conclusions: Vec::new(),
        };
        let case = NewCase {
            number: req.number.clone(),
            flow: Flow::Determination,
            person: req.person,
            unit: Some(req.unit),
            scheme_id: req.scheme_id.clone(),
            jurisdiction: scheme.jurisdiction.clone(),
            region: req
                .region
                .clone()
                .or_else(|| Some(unit.region.as_str().to_owned())),
            accident_key: accident_key.as_str().to_owned(),
            accident_date: req.accident_date,
            platform: None,
        };
        Ok(self
            .store
            .create_case(&case, &append, &actor.audit_name(), self.now())?)
    }

    /// Files an application for 职业伤害确认 under the platform pilot: the
    /// person must have been covered by an order day on the platform at the
    /// moment of the injury, or the application is inadmissible with that
    /// reason (the case exists, closed); the pilot's time limits come from
    /// the scheme file, as of the injury.
    pub fn file_confirmation(
        &self,
        actor: &Actor,
        req: &ConfirmationRequest,
    ) -> Result<CaseRow, AppError> {
        actor.authorize(Action::FileCase)?;
        // A platform applies for its own riders; a worker for themself.
        let own = match &actor.scope {
            Scope::All => true,
            Scope::Unit { .. } => actor.reaches_platform(&req.platform),
            Scope::Person(me) => *me == req.person,
            Scope::StatisticsOnly | Scope::Partner(_) => false,
        };
        actor.require_own(
            own,
            "person",
            "a platform applies for its own workers, a worker for themself",
        )?;
        let scheme = self.policy.scheme(&req.scheme_id)?;
        if Flow::for_procedure(scheme.claim_procedure) != Flow::Confirmation {
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} follows the {} flow, not occupational-injury confirmation",
                    req.scheme_id,
                    text_of(&Flow::for_procedure(scheme.claim_procedure))
                ),
            ));
        }
        let limits = confirmation_limits(
            scheme.procedure_limits(&self.policy, req.accident_date)?,
            scheme,
        )?;
        let today = self.case_today();
        let filed_on = req.filed_on.unwrap_or(today);
        let covered = self.covered_at_injury(
            &req.person,
            &req.scheme_id,
            req.accident_date,
            req.injured_at,
            Some(&req.platform),
        )?;
        let accident_key =
            Self::accident_key_of(req.accident_key.as_ref(), &req.person, req.accident_date)?;
        let application = confirmation::ConfirmationApplication {
            applicant: req.applicant,
            injury_date: req.accident_date,
            filed_on,
            platform: req.platform.clone(),
            scheme_id: req.scheme_id.clone(),
            covered_at_injury: covered,
            accident_key: accident_key.clone(),
        };
        let confirmed_in = self.store.accident_recognised_in(accident_key.as_str())?;
        let already = |_: &AccidentKey| confirmed_in.is_some();
        let ctx = confirmation::Context {
            calendar: &self.calendar(),
            limits: &limits,
            already_confirmed: &already,
        };
        let events = confirmation::decide(
            &confirmation::State::default(),
            confirmation::Command::Apply(application),
            filed_on.min(today),
            &ctx,
        )
        .map_err(rejection)?;
        let folded = confirmation::State::from_events(&events);
        let append = CaseAppend {
            expected_version: 0,
            events: events::encode_all(EventStream::Confirmation, &events, |e| e.on)?,
            snapshot: self.flow_snapshot(
                Flow::Confirmation,
                &determination::State::default(),
                &appraisal::State::default(),
                &folded,
                &insurer_claim::State::default(),
            )?,
            recognises: None,
            conclusions: Vec::new(),
        };
        let case = NewCase {
            number: req.number.clone(),
            flow: Flow::Confirmation,
            person: req.person,
            unit: None,
            scheme_id: req.scheme_id.clone(),
            jurisdiction: scheme.jurisdiction.clone(),
            region: req.region.clone(),
            accident_key: accident_key.as_str().to_owned(),
            accident_date: req.accident_date,
            platform: Some(req.platform.clone()),
        };
        Ok(self
            .store
            .create_case(&case, &append, &actor.audit_name(), self.now())?)
    }

    /// The person as the scheme's eligibility sees them on `on`, from the
    /// registry and their enrolment in the scheme (None if either is missing).
    pub(super) fn applicant_for(
        &self,
        person: &ResidentId,
        scheme_id: &SchemeId,
        on: Date,
        region: Option<&String>,
    ) -> Result<Option<Applicant>, AppError> {
        let Some(p) = self.store.person_by_resident_id(person)? else {
            return Ok(None);
        };
        let Some(e) = self
            .store
            .enrollments_of_person(person)?
            .into_iter()
            .rfind(|e| &e.scheme_id == scheme_id && e.start <= on)
        else {
            return Ok(None);
        };
        Ok(Some(Applicant {
            category: e.category,
            birth_date: p.birth_date,
            sex: Some(p.sex),
            retirement_track: Default::default(),
            labour_relation_with_unit: e.category == gongshang_rules::scheme::Category::Employee,
            covered_by_regulations: false,
            region: region.cloned(),
        }))
    }

    /// The payout of the scheme's schedule for the accident, by the rules
    /// engine (capped at the scheme's highest payout), with its trace.
    pub(super) fn claim_payout(
        &self,
        req: &ClaimRequest,
        facts: &serde_json::Value,
    ) -> Result<(CaseInput, SchemeResult), AppError> {
        let Some(given) = facts.as_object() else {
            return Err(AppError::invalid(
                "facts",
                "a JSON object (the rules engine's case)",
            ));
        };
        if given.contains_key("injury_date") {
            return Err(AppError::invalid(
                "facts",
                "injury_date is the claim's accident_date; leave it out",
            ));
        }
        let mut with_date = given.clone();
        with_date.insert("injury_date".into(), req.accident_date.to_string().into());
        // The insurer's schedule pays fixed sums: no wage enters it.
        with_date.entry("own_wage").or_insert_with(|| "0.00".into());
        let mut input: CaseInput = serde_json::from_value(serde_json::Value::Object(with_date))
            .map_err(|e| AppError::invalid("facts", e.to_string()))?;
        if input.region.is_none() {
            input.region = req.region.clone();
        }
        if input.person.is_none() {
            input.person = self.applicant_for(
                &req.person,
                &req.scheme_id,
                req.accident_date,
                req.region.as_ref(),
            )?;
        }
        let result = calculate_under_scheme(&self.policy, &req.scheme_id, &input)?;
        Ok((input, result))
    }

    /// The payout the schedule computed for a claim case: its insurer's
    /// items (the last assessment), if assessed.
    pub(super) fn claim_assessment(&self, case_id: i64) -> Result<Option<Money>, AppError> {
        let Some(award) = self
            .store
            .awards_of_case(case_id)?
            .into_iter()
            .filter(|a| a.basis == AwardBasis::InsurerSchedule)
            .max_by_key(|a| a.id)
        else {
            return Ok(None);
        };
        let mut total = Money::ZERO;
        for it in award
            .items
            .iter()
            .filter(|i| i.payer == gongshang_rules::Payer::Insurer)
        {
            total = sum(total, it.amount)?;
        }
        Ok(Some(total))
    }

    /// What other claims of the same accident (than case `except`) have
    /// taken of the cap: paid, or approved and still to pay.
    pub(super) fn claimed_before_for_accident(
        &self,
        person: &ResidentId,
        accident_key: &str,
        except: Option<&str>,
    ) -> Result<Money, AppError> {
        let mut total = Money::ZERO;
        for row in self.store.cases_of_person(person)? {
            if row.flow != Flow::InsurerClaim
                || row.accident_key != accident_key
                || except == Some(row.number.as_str())
            {
                continue;
            }
            let k = self.load_case(&Actor::system(), &row.number)?.claim_state();
            let approved = k.approved.map_or(Money::ZERO, |(_, a)| a);
            let taken = match k.phase {
                insurer_claim::Phase::Approved | insurer_claim::Phase::Paid => approved.max(k.paid),
                _ => k.paid,
            };
            total = sum(total, taken)?;
        }
        Ok(total)
    }

    /// Files a claim to the insurer of an accident scheme (益鹭保): the person
    /// must have bought the day of the accident, or the claim is inadmissible
    /// with that reason (the case exists, closed). An admissible claim's
    /// payout is computed by the scheme's schedule (capped at its highest
    /// payout) and recorded with the insurer as payer; an approval may not
    /// exceed it, nor what the cap leaves for the accident.
    pub fn file_claim(&self, actor: &Actor, req: &ClaimRequest) -> Result<CaseRow, AppError> {
        actor.authorize(Action::FileCase)?;
        // The insured person claims for themself (or the agency for them).
        actor.require_own(
            actor.is_agency() || actor.person() == Some(&req.person),
            "person",
            "a claim is filed by the insured person or by the agency",
        )?;
        let scheme = self.policy.scheme(&req.scheme_id)?;
        if Flow::for_procedure(scheme.claim_procedure) != Flow::InsurerClaim {
            return Err(AppError::invalid(
                "scheme_id",
                format!(
                    "{} follows the {} flow, not an insurer claim",
                    req.scheme_id,
                    text_of(&Flow::for_procedure(scheme.claim_procedure))
                ),
            ));
        }
        let limits = claim_limits(
            scheme.procedure_limits(&self.policy, req.accident_date)?,
            scheme,
        )?;
        let cap_key = scheme.max_payout.as_deref().ok_or_else(|| {
            AppError::invalid(
                "scheme_id",
                format!("{} names no max_payout for one accident", scheme.id),
            )
        })?;
        let cap = self
            .policy
            .at(&scheme.jurisdiction, cap_key, req.accident_date)?
            .money();
        let today = self.case_today();
        let filed_on = req.filed_on.unwrap_or(today);
        let covered = self.covered_at_injury(
            &req.person,
            &req.scheme_id,
            req.accident_date,
            req.injured_at,
            None,
        )?;
        let accident_key =
            Self::accident_key_of(req.accident_key.as_ref(), &req.person, req.accident_date)?;
        // Issue 13: the same accident claimed again for the same items
        // (hospital days, medical expenses, a death, a disability) while a
        // claim of it for any of them is open under the scheme is refused,
        // and nothing is stored; a claim of other items (the death after the
        // hospital stay) or after the first one ended may follow.
        if let Some(facts) = &req.facts {
            let asked = claimed_items(facts);
            for row in self.store.cases_of_person(&req.person)? {
                if row.flow != Flow::InsurerClaim
                    || row.scheme_id != req.scheme_id
                    || row.accident_key != accident_key.as_str()
                    || row.closed
                {
                    continue;
                }
                let before: BTreeSet<&str> = self
                    .store
                    .awards_of_case(row.id)?
                    .iter()
                    .filter(|a| a.basis == AwardBasis::InsurerSchedule)
                    .filter_map(|a| serde_json::from_str::<serde_json::Value>(&a.input).ok())
                    .flat_map(|v| claimed_items(&v["case"]))
                    .collect();
                if before.is_empty() || !before.is_disjoint(&asked) {
                    return Err(AppError::Conflict {
                        entity: "claim",
                        reason: format!(
                            "the accident of {} is already claimed in case {} ({}); follow that claim instead of filing it again",
                            req.accident_date,
                            row.number,
                            row.state.as_str()
                        ),
                    });
                }
            }
        }
        if let Some(facts) = &req.facts {
            claim_facts_in_range(facts, req.accident_date, limits.claim_days)?;
        }
        // Computed before anything is stored: a fault in the facts files nothing.
        let payout = match (&req.facts, covered) {
            (Some(facts), true) => Some(self.claim_payout(req, facts)?),
            (None, true) => {
                return Err(AppError::invalid(
                    "facts",
                    "required for a covered claim: the schedule computes the payout from them",
                ));
            }
            // Not covered: inadmissible whatever it would pay; the amount
            // claimed is still recorded as the schedule computes it where it can.
            (Some(facts), false) => self.claim_payout(req, facts).ok(),
            (None, false) => None,
        };
        let assessed = payout.as_ref().map(|(_, r)| {
            r.lines
                .iter()
                .filter(|l| l.payer == gongshang_rules::Payer::Insurer)
                .fold(Money::ZERO, |a, l| a.checked_add(l.amount).unwrap_or(a))
        });
        let claim = insurer_claim::Claim {
            accident_date: req.accident_date,
            filed_on,
            scheme_id: req.scheme_id.clone(),
            covered_on_accident_day: covered,
            accident_key: accident_key.clone(),
            // Not stated and not assessed (an uncovered claim): the cap, so
            // that the inadmissible claim is recorded.
            claimed: req.claimed.or(assessed).unwrap_or(cap),
            cap,
            paid_before_for_accident: self.claimed_before_for_accident(
                &req.person,
                accident_key.as_str(),
                None,
            )?,
        };
        let events = insurer_claim::decide(
            &insurer_claim::State::default(),
            insurer_claim::Command::Claim(claim),
            filed_on.min(today),
            &self.calendar(),
            &limits,
        )
        .map_err(rejection)?;
        let folded = insurer_claim::State::from_events(&events);
        let append = CaseAppend {
            expected_version: 0,
            events: events::encode_all(EventStream::InsurerClaim, &events, |e| e.on)?,
            snapshot: self.flow_snapshot(
                Flow::InsurerClaim,
                &determination::State::default(),
                &appraisal::State::default(),
                &confirmation::State::default(),
                &folded,
            )?,
            recognises: None,
            conclusions: Vec::new(),
        };
        let case = NewCase {
            number: req.number.clone(),
            flow: Flow::InsurerClaim,
            person: req.person,
            unit: None,
            scheme_id: req.scheme_id.clone(),
            jurisdiction: scheme.jurisdiction.clone(),
            region: req.region.clone(),
            accident_key: accident_key.as_str().to_owned(),
            accident_date: req.accident_date,
            platform: None,
        };
        let row = self
            .store
            .create_case(&case, &append, &actor.audit_name(), self.now())?;
        if let (Some((mut input, result)), insurer_claim::Phase::UnderReview) =
            (payout, folded.phase)
        {
            input.case_id = Some(row.number.clone());
            let award = NewAward {
                case_id: row.id,
                basis: AwardBasis::InsurerSchedule,
                legal_date: req.accident_date,
                scheme_id: req.scheme_id.clone(),
                jurisdiction: scheme.jurisdiction.clone(),
                items: Self::award_items(&result),
                input: serde_json::json!({ "case": input }).to_string(),
                trace: to_json("trace", &result.trace)?,
            };
            self.store
                .create_award(&award, &actor.audit_name(), self.now())?;
        }
        Ok(row)
    }

    /// Files an application as JSON, the scheme deciding the flow: injury
    /// determination ([`FileCaseRequest`]), the platform pilot's confirmation
    /// ([`ConfirmationRequest`]) or an insurer's claim ([`ClaimRequest`]).
    pub fn file_application(&self, actor: &Actor, json: &str) -> Result<CaseRow, AppError> {
        actor.authorize(Action::FileCase)?;
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| AppError::invalid("application", e.to_string()))?;
        let scheme_id = value
            .get("scheme_id")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                AppError::invalid("scheme_id", "required: the scheme decides the flow")
            })?;
        let scheme = self.policy.scheme(scheme_id)?;
        let parse = |e: serde_json::Error| AppError::invalid("application", e.to_string());
        match Flow::for_procedure(scheme.claim_procedure) {
            Flow::Determination => {
                self.file_case(actor, &serde_json::from_value(value).map_err(parse)?)
            }
            Flow::Confirmation => {
                self.file_confirmation(actor, &serde_json::from_value(value).map_err(parse)?)
            }
            Flow::InsurerClaim => {
                self.file_claim(actor, &serde_json::from_value(value).map_err(parse)?)
            }
        }
    }
}

/// The facts of a claim that cannot be true are refused before anything is
/// stored (issue 13): more days in hospital than the whole period in which
/// the accident may be claimed (the scheme's dated claim limit, counted from
/// the accident), or a negative sum. A claim may be filed while the worker
/// is still in hospital, so the days are not bounded by the filing day.
fn claim_facts_in_range(
    facts: &serde_json::Value,
    accident_date: Date,
    claim_days: i64,
) -> Result<(), AppError> {
    if let Some(days) = facts.get("hospital_days") {
        let n = days.as_i64().unwrap_or(-1);
        if n < 0 || n > claim_days {
            return Err(AppError::invalid(
                "hospital_days",
                format!(
                    "{days} days in hospital; between 0 and {claim_days}, the days in which an accident of {accident_date} may be claimed"
                ),
            ));
        }
    }
    if let Some(text) = facts.get("medical_expenses").and_then(|v| v.as_str())
        && text.trim().starts_with('-')
    {
        return Err(AppError::invalid(
            "medical_expenses",
            format!("{text}; a sum of 0 or more"),
        ));
    }
    Ok(())
}

/// The items a claim's facts ask for: hospital days, medical expenses, a
/// death, a disability grade.
fn claimed_items(facts: &serde_json::Value) -> BTreeSet<&'static str> {
    let mut items = BTreeSet::new();
    if facts["hospital_days"].as_u64().is_some_and(|d| d > 0) {
        items.insert("hospital_days");
    }
    if !facts["medical_expenses"].is_null() {
        items.insert("medical_expenses");
    }
    if !facts["death_date"].is_null() {
        items.insert("death");
    }
    if !facts["grade"].is_null() {
        items.insert("grade");
    }
    items
}
