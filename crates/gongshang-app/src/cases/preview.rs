//! Which commands a case's state allows now, and what each does to the
//! running deadlines (issue 13): each candidate goes through the domain's
//! `decide` on the folded state, as `act` would, and nothing is stored. A
//! page offers only the commands that pass, with the deadlines each starts
//! and stops.

use super::*;

/// What a command would do if given today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommandPreview {
    /// Running deadlines the command starts (not running before it).
    pub starts: Vec<Deadline>,
    /// Running deadlines the command stops (not running after it).
    pub stops: Vec<Deadline>,
}

impl App {
    /// For each candidate command, in order: what it would do today, or the
    /// refusal the domain gives (nothing is recorded either way).
    pub fn preview_commands(
        &self,
        actor: &Actor,
        number: &str,
        candidates: &[CaseCommand],
    ) -> Result<Vec<Result<CommandPreview, AppError>>, AppError> {
        actor.authorize(Action::ActOnCase)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        let on = self.case_today();
        let recognised_in = self
            .store
            .accident_recognised_in(&loaded.row.accident_key)?;
        let mine = loaded.row.number.clone();
        let already = |_: &AccidentKey| recognised_in.as_ref().is_some_and(|n| *n != mine);
        let calendar = self.calendar();
        let before = self.all_deadlines(&loaded, None)?;
        let mut out = Vec::with_capacity(candidates.len());
        for command in candidates {
            let mut d = loaded.determination_state();
            let mut a = loaded.appraisal_state();
            let mut c = loaded.confirmation_state();
            let mut k = loaded.claim_state();
            let decided: Result<(), AppError> = match command.clone() {
                CaseCommand::Determination(cmd) if loaded.row.flow == Flow::Determination => {
                    let ctx = Context {
                        calendar: &calendar,
                        already_recognised: &already,
                    };
                    determination::decide(&d, cmd, on, &ctx)
                        .map(|events| events.iter().for_each(|e| d.apply(e)))
                        .map_err(rejection)
                }
                CaseCommand::Confirmation(cmd) if loaded.row.flow == Flow::Confirmation => {
                    match c.limits.clone() {
                        Some(limits) => {
                            let ctx = confirmation::Context {
                                calendar: &calendar,
                                limits: &limits,
                                already_confirmed: &already,
                            };
                            confirmation::decide(&c, cmd, on, &ctx)
                                .map(|events| events.iter().for_each(|e| c.apply(e)))
                                .map_err(rejection)
                        }
                        None => Err(AppError::Conflict {
                            entity: "case",
                            reason: format!("case {number} has no confirmation application"),
                        }),
                    }
                }
                CaseCommand::Claim(cmd) if loaded.row.flow == Flow::InsurerClaim => {
                    match k.limits.clone() {
                        Some(limits) => insurer_claim::decide(&k, cmd, on, &calendar, &limits)
                            .map(|events| events.iter().for_each(|e| k.apply(e)))
                            .map_err(rejection),
                        None => Err(AppError::Conflict {
                            entity: "case",
                            reason: format!("case {number} has no claim"),
                        }),
                    }
                }
                CaseCommand::Appraisal(cmd) => {
                    if loaded.injury_recognised() {
                        appraisal::decide(&a, cmd, on, &calendar)
                            .map(|events| events.iter().for_each(|e| a.apply(e)))
                            .map_err(rejection)
                    } else {
                        Err(AppError::Conflict {
                            entity: "case",
                            reason: format!(
                                "case {number} is {}; a work-capacity appraisal follows a recognised injury (条例 Art 21)",
                                loaded.phase_name()
                            ),
                        })
                    }
                }
                _ => Err(AppError::invalid(
                    "command",
                    format!("case {number} follows the {} flow", loaded.row.flow),
                )),
            };
            out.push(decided.and_then(|()| {
                let after = self.all_deadlines(&loaded, Some((&d, &a, &c, &k)))?;
                let same = |x: &Deadline, y: &Deadline| x.kind == y.kind && x.due == y.due;
                Ok(CommandPreview {
                    starts: after
                        .iter()
                        .filter(|x| !before.iter().any(|y| same(x, y)))
                        .cloned()
                        .collect(),
                    stops: before
                        .iter()
                        .filter(|x| !after.iter().any(|y| same(x, y)))
                        .cloned()
                        .collect(),
                })
            }));
        }
        Ok(out)
    }

    /// Every running deadline of the case's streams (of the given states, or
    /// of the loaded ones).
    fn all_deadlines(
        &self,
        loaded: &Loaded,
        states: Option<(
            &determination::State,
            &appraisal::State,
            &confirmation::State,
            &insurer_claim::State,
        )>,
    ) -> Result<Vec<Deadline>, AppError> {
        let owned;
        let (d, a, c, k) = match states {
            Some(s) => s,
            None => {
                owned = (
                    loaded.determination_state(),
                    loaded.appraisal_state(),
                    loaded.confirmation_state(),
                    loaded.claim_state(),
                );
                (&owned.0, &owned.1, &owned.2, &owned.3)
            }
        };
        let mut out = self.running_deadlines(d, a)?;
        out.extend(self.flow_deadlines(c, k)?);
        out.sort_by_key(|x| (x.due, x.kind));
        Ok(out)
    }
}
