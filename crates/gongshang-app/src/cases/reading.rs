//! Reading cases: one case with its deadlines and events, the work queue,
//! the appraisal history.

use super::*;

impl App {
    /// The case, its folded states, its running deadlines and its events.
    pub fn case_view(&self, actor: &Actor, number: &str) -> Result<CaseView, AppError> {
        actor.authorize(Action::ReadCase)?;
        let loaded = self.load_case(actor, number)?;
        let d = loaded.determination_state();
        let a = loaded.appraisal_state();
        let c = loaded.confirmation_state();
        let k = loaded.claim_state();
        let mut deadlines = self.running_deadlines(&d, &a)?;
        deadlines.extend(self.flow_deadlines(&c, &k)?);
        deadlines.sort_by_key(|x| (x.due, x.kind));
        let today = self.case_today();
        let days_left = deadlines.first().map(|x| x.days_left(today));
        let claim_assessed = match loaded.row.flow {
            Flow::InsurerClaim => self.claim_assessment(loaded.row.id)?,
            Flow::Determination | Flow::Confirmation => None,
        };
        let flow = loaded.row.flow;
        Ok(CaseView {
            row: loaded.row,
            determination: d,
            appraisal: a,
            confirmation: (flow == Flow::Confirmation).then_some(c),
            claim: (flow == Flow::InsurerClaim).then_some(k),
            claim_assessed,
            deadlines,
            days_left,
            events: loaded.records,
        })
    }

    /// Open cases with a running deadline: the overdue first, then by days left.
    pub fn work_queue(&self, actor: &Actor, limit: u32) -> Result<Vec<QueueItem>, AppError> {
        actor.authorize(Action::ReadWorkQueue)?;
        let today = self.case_today();
        let calendar = self.calendar();
        let mut out: Vec<QueueItem> = self
            .store
            .case_queue(limit)?
            .into_iter()
            .filter_map(|c| {
                let deadline = c.deadline?;
                let days_left = days_between(today, deadline.due);
                Some(QueueItem {
                    provisional: calendar.is_provisional(deadline.due),
                    number: c.number,
                    state: c.state,
                    scheme_id: c.scheme_id,
                    days_left,
                    overdue: days_left < 0,
                    deadline,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (!a.overdue, a.days_left, &a.number).cmp(&(!b.overdue, b.days_left, &b.number))
        });
        Ok(out)
    }

    pub fn appraisal_history(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<ConclusionRow>, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        Ok(self.store.appraisal_history(row.id)?)
    }
}
