//! Commands to a case: through the domain's `decide` of the case's flow or
//! its appraisal, appended at the version read.

use super::*;

impl App {
    /// Applies a command to a case on `on` (today if absent) through the
    /// domain's `decide`, and appends what it records.
    pub fn act(
        &self,
        actor: &Actor,
        number: &str,
        command: CaseCommand,
        on: Option<Date>,
    ) -> Result<CaseRow, AppError> {
        actor.authorize(Action::ActOnCase)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        let today = self.case_today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(AppError::invalid(
                "on",
                format!(
                    "{on} is after today, {today}; a command is recorded on or before the day it is entered"
                ),
            ));
        }
        let mut d = loaded.determination_state();
        let mut a = loaded.appraisal_state();
        let mut c = loaded.confirmation_state();
        let mut k = loaded.claim_state();
        let expected_flow = match &command {
            CaseCommand::Determination(_) => Some(Flow::Determination),
            CaseCommand::Confirmation(_) => Some(Flow::Confirmation),
            CaseCommand::Claim(_) => Some(Flow::InsurerClaim),
            CaseCommand::Appraisal(_) => None,
        };
        if let Some(flow) = expected_flow
            && flow != loaded.row.flow
        {
            return Err(AppError::invalid(
                "command",
                format!(
                    "case {number} follows the {} flow; a {flow} command does not apply",
                    loaded.row.flow
                ),
            ));
        }
        let stream = command.stream();
        let (events, recognises, conclusions) = match command {
            CaseCommand::Determination(cmd) => {
                let recognised_in = self
                    .store
                    .accident_recognised_in(&loaded.row.accident_key)?;
                let mine = loaded.row.number.clone();
                let already = |_: &AccidentKey| recognised_in.as_ref().is_some_and(|n| *n != mine);
                let ctx = Context {
                    calendar: &self.calendar(),
                    already_recognised: &already,
                };
                let events = determination::decide(&d, cmd, on, &ctx).map_err(rejection)?;
                for e in &events {
                    d.apply(e);
                }
                let recognises = Self::recognition(&events, &loaded.row.accident_key);
                (Self::determination_events(&events)?, recognises, Vec::new())
            }
            CaseCommand::Confirmation(cmd) => {
                let limits = c.limits.clone().ok_or_else(|| AppError::Conflict {
                    entity: "case",
                    reason: format!("case {number} has no confirmation application"),
                })?;
                let confirmed_in = self
                    .store
                    .accident_recognised_in(&loaded.row.accident_key)?;
                let mine = loaded.row.number.clone();
                let already = |_: &AccidentKey| confirmed_in.as_ref().is_some_and(|n| *n != mine);
                let ctx = confirmation::Context {
                    calendar: &self.calendar(),
                    limits: &limits,
                    already_confirmed: &already,
                };
                let events = confirmation::decide(&c, cmd, on, &ctx).map_err(rejection)?;
                let mut recognises = None;
                for e in &events {
                    c.apply(e);
                    if matches!(e.change, confirmation::Change::Confirmed { .. }) {
                        recognises = Some((loaded.row.accident_key.clone(), e.on));
                    }
                }
                (
                    events::encode_all(stream, &events, |e| e.on)?,
                    recognises,
                    Vec::new(),
                )
            }
            CaseCommand::Claim(cmd) => {
                let limits = k.limits.clone().ok_or_else(|| AppError::Conflict {
                    entity: "case",
                    reason: format!("case {number} has no claim"),
                })?;
                if let insurer_claim::Command::Approve { amount } = &cmd {
                    // The schedule's payout (capped) bounds the approval, as
                    // the cap left for the accident does (in the domain).
                    let assessed = self.claim_assessment(loaded.row.id)?.ok_or_else(|| {
                        AppError::Conflict {
                            entity: "case",
                            reason: format!(
                                "case {number} has no payout computed by the scheme's schedule; assess it first"
                            ),
                        }
                    })?;
                    if *amount > assessed {
                        return Err(AppError::invalid(
                            "amount",
                            format!(
                                "{amount} yuan is more than the payout the scheme's schedule computes: at most {assessed}"
                            ),
                        ));
                    }
                    // The cap as it stands now: another claim of the accident
                    // may have been approved since this one was filed.
                    if let Some(claim) = &k.claim {
                        let person = loaded.row.person;
                        let others = self.claimed_before_for_accident(
                            &person,
                            &loaded.row.accident_key,
                            Some(number),
                        )?;
                        let left = diff(claim.cap, others)?.max(Money::ZERO);
                        if *amount > left {
                            return Err(AppError::invalid(
                                "amount",
                                format!(
                                    "{amount} yuan is more than the cap of {} leaves after the accident's other claims ({others}): at most {left}",
                                    claim.cap
                                ),
                            ));
                        }
                    }
                }
                let events = insurer_claim::decide(&k, cmd, on, &self.calendar(), &limits)
                    .map_err(rejection)?;
                for e in &events {
                    k.apply(e);
                }
                (
                    events::encode_all(stream, &events, |e| e.on)?,
                    None,
                    Vec::new(),
                )
            }
            CaseCommand::Appraisal(cmd) => {
                if !loaded.injury_recognised() {
                    return Err(AppError::Conflict {
                        entity: "case",
                        reason: format!(
                            "case {number} is {}; a work-capacity appraisal follows a recognised injury (条例 Art 21)",
                            loaded.phase_name()
                        ),
                    });
                }
                let events = appraisal::decide(&a, cmd, on, &self.calendar()).map_err(rejection)?;
                let mut conclusions = Vec::new();
                let mut out = Vec::new();
                for e in &events {
                    a.apply(e);
                    if let appraisal::Change::Concluded { conclusion: c } = &e.change {
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
                    out.push(events::encode(stream, e.on, e)?);
                }
                (out, None, conclusions)
            }
        };
        let append = CaseAppend {
            expected_version: loaded.row.version,
            events,
            snapshot: self.flow_snapshot(loaded.row.flow, &d, &a, &c, &k)?,
            recognises,
            conclusions,
        };
        self.store
            .append_case_events(loaded.row.id, &append, &actor.audit_name(), self.now())
            .map_err(|e| match e {
                StoreError::Duplicate {
                    entity: "recognised accident",
                    key,
                } => AppError::Conflict {
                    entity: "case",
                    reason: format!("accident {key} is already recognised in another case"),
                },
                other => other.into(),
            })
    }

    /// A command to a case from JSON (`{"command":"confirm",...}`), for the
    /// stream of the case's flow: the determination's, the confirmation's
    /// or the claim's commands.
    pub fn flow_command(
        &self,
        actor: &Actor,
        number: &str,
        json: &str,
    ) -> Result<CaseCommand, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        let parse = |e: serde_json::Error| AppError::invalid("command", e.to_string());
        Ok(match row.flow {
            Flow::Confirmation => {
                CaseCommand::Confirmation(serde_json::from_str(json).map_err(parse)?)
            }
            Flow::InsurerClaim => CaseCommand::Claim(serde_json::from_str(json).map_err(parse)?),
            Flow::Determination => {
                CaseCommand::Determination(serde_json::from_str(json).map_err(parse)?)
            }
        })
    }
}
