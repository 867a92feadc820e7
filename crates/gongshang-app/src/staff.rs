//! What agency staff work from (issue 13): the clerk's queue of open cases
//! by their running deadline (overdue, due today, due within a week), with
//! the worker's and the unit's names, searchable; the reviewer's awards
//! awaiting review, and returning one to its maker with a reason; the
//! administrator's audit log, searchable.

use gongshang_domain::deadline::days_between;
use gongshang_store::cases::{AuditQuery, AwardReturn, ReviewRow, WorkQueueQuery, WorkQueueRow};
use gongshang_store::model::AuditEntry;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// Days ahead counted as "this week" in the clerk's queue.
pub const WEEK_DAYS: i64 = 7;

/// At most this many cases in each part of the queue.
pub const QUEUE_ROWS: u32 = 200;

/// An open case in the queue, with the days left on its running deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    pub row: WorkQueueRow,
    /// Negative: overdue by that many days; none: no running deadline.
    pub days_left: Option<i64>,
    /// The due day was counted over weekends only (its year's holidays are
    /// not loaded): it may move.
    pub provisional: bool,
}

/// The clerk's queue, by urgency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkQueue {
    pub overdue: Vec<QueueEntry>,
    pub today: Vec<QueueEntry>,
    pub this_week: Vec<QueueEntry>,
    /// Later or without a running deadline (only when searching).
    pub later: Vec<QueueEntry>,
    /// What was searched for, if anything.
    pub search: Option<String>,
}

impl WorkQueue {
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty()
            && self.today.is_empty()
            && self.this_week.is_empty()
            && self.later.is_empty()
    }
}

impl App {
    /// The clerk's queue: without a search, the open cases whose running
    /// deadline is passed, today or within [`WEEK_DAYS`]; with one, every
    /// open case whose number, worker (name or identity number) or unit
    /// (name or credit code) matches.
    pub fn clerk_queue(&self, actor: &Actor, search: Option<&str>) -> Result<WorkQueue, AppError> {
        actor.authorize(Action::ReadWorkQueue)?;
        let today = self.today();
        let search = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some(s) = &search
            && s.chars().count() > 100
        {
            return Err(AppError::invalid(
                "q",
                format!("{} characters; at most 100", s.chars().count()),
            ));
        }
        let due_by = match &search {
            Some(_) => None,
            None => Some(
                today
                    .checked_add(jiff::Span::new().days(WEEK_DAYS))
                    .map_err(|e| AppError::invalid("date", e.to_string()))?,
            ),
        };
        let rows = self.store.work_queue_rows(&WorkQueueQuery {
            search: search.clone(),
            due_by,
            limit: QUEUE_ROWS,
        })?;
        let calendar = self.calendar();
        let mut queue = WorkQueue {
            search,
            ..WorkQueue::default()
        };
        for row in rows {
            let due = row.deadline.as_ref().map(|d| d.1);
            let days_left = due.map(|d| days_between(today, d));
            let entry = QueueEntry {
                provisional: due.is_some_and(|d| calendar.is_provisional(d)),
                days_left,
                row,
            };
            match days_left {
                Some(n) if n < 0 => queue.overdue.push(entry),
                Some(0) => queue.today.push(entry),
                Some(n) if n <= WEEK_DAYS => queue.this_week.push(entry),
                _ => queue.later.push(entry),
            }
        }
        Ok(queue)
    }

    /// Proposed awards waiting for a second person, the oldest first.
    pub fn review_queue(&self, actor: &Actor) -> Result<Vec<ReviewRow>, AppError> {
        actor.authorize(Action::ApproveAward)?;
        Ok(self.store.awards_awaiting_review(QUEUE_ROWS)?)
    }

    /// The checker sends a proposed award back to its maker with a reason
    /// (never the maker themself): the award is withdrawn, the reason kept
    /// and shown on the case, the audit log records it.
    pub fn return_award(
        &self,
        actor: &Actor,
        award_id: i64,
        reason: &str,
    ) -> Result<AwardReturn, AppError> {
        actor.authorize(Action::ApproveAward)?;
        let award = self
            .store
            .award(award_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "award",
                key: award_id.to_string(),
            })?;
        if award.made_by == actor.audit_name() {
            return Err(AppError::MakerChecker {
                award_id,
                maker: award.made_by,
            });
        }
        Ok(self
            .store
            .return_award(award_id, reason, &actor.audit_name(), self.now())?)
    }

    /// The returns of a case's awards, with their reasons.
    pub fn award_returns(&self, actor: &Actor, number: &str) -> Result<Vec<AwardReturn>, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self
            .store
            .case_by_number(number)?
            .filter(|row| crate::cases::reaches_case(actor, row))
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: number.to_owned(),
            })?;
        Ok(self.store.award_returns(row.id)?)
    }

    /// The audit log, newest first, narrowed by a search.
    pub fn search_audit(
        &self,
        actor: &Actor,
        search: Option<&str>,
        before_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, AppError> {
        actor.authorize(Action::ManageAccounts)?;
        Ok(self.store.search_audit(&AuditQuery {
            search: search
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            before_id,
            limit,
        })?)
    }
}
