//! Recusal (回避, Regulations Art 20(4)): an official of the agency with an
//! interest in a case withdraws from it. The official records it themself,
//! or an administrator records it for them (on a party's request, or on
//! learning of the interest); from then on the application refuses that
//! official's actions on the case: commands, previews, awards, the check of
//! an award and the one-time payment. A recusal is never undone.

use gongshang_store::cases::{RECUSAL_REASON_MAX_CHARS, Recusal};

use crate::accounts::Role;

use super::*;

impl App {
    /// Records that `official` (the actor themself when `None`) withdraws
    /// from the case for the interest stated in `reason`.
    pub fn record_recusal(
        &self,
        actor: &Actor,
        number: &str,
        official: Option<&str>,
        reason: &str,
    ) -> Result<Recusal, AppError> {
        actor.authorize(Action::RecordRecusal)?;
        let row = self.case_row(actor, number)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "recusal_reason",
                "is empty; say what interest the official has in the case",
            ));
        }
        let chars = reason.chars().count();
        if chars > RECUSAL_REASON_MAX_CHARS {
            return Err(AppError::invalid(
                "recusal_reason",
                format!("has {chars} characters; at most {RECUSAL_REASON_MAX_CHARS}"),
            ));
        }
        let official = match official.map(str::trim).filter(|o| !o.is_empty()) {
            None => actor.login.clone(),
            Some(o) if o == actor.login => o.to_owned(),
            Some(o) => {
                if actor.role != Role::Administrator {
                    return Err(AppError::OutOfScope {
                        field: "recusal_official",
                        reason: format!(
                            "you record your own withdrawal only; an administrator records {o}'s"
                        ),
                    });
                }
                let user = self.store.user_by_login(o)?.ok_or_else(|| {
                    AppError::invalid(
                        "recusal_official",
                        format!("{o:?} is not an account; name the official by their login"),
                    )
                })?;
                if !Role::parse(&user.role).is_ok_and(Role::is_agency) {
                    return Err(AppError::invalid(
                        "recusal_official",
                        format!(
                            "{o} is not an official of the agency (a clerk, reviewer or administrator)"
                        ),
                    ));
                }
                user.login
            }
        };
        Ok(self
            .store
            .record_recusal(row.id, &official, reason, &actor.audit_name(), self.now())?)
    }

    /// The officials who withdrew from a case (agency staff only: it names
    /// officials and their interests).
    pub fn recusals(&self, actor: &Actor, number: &str) -> Result<Vec<Recusal>, AppError> {
        actor.authorize(Action::ReadRecusals)?;
        let row = self.case_row(actor, number)?;
        Ok(self.store.recusals_of_case(row.id)?)
    }

    /// Refuses an action of an official who withdrew from the case.
    pub(crate) fn refuse_if_recused(&self, actor: &Actor, case_id: i64) -> Result<(), AppError> {
        let recusals = self.store.recusals_of_case(case_id)?;
        match recusals.iter().find(|r| r.official == actor.login) {
            None => Ok(()),
            Some(r) => Err(AppError::OutOfScope {
                field: "recused",
                reason: format!(
                    "you withdrew from this case on {} ({}; Regulations Art 20(4)); another official acts on it",
                    r.recorded_at.strftime("%Y-%m-%d"),
                    r.reason
                ),
            }),
        }
    }
}
