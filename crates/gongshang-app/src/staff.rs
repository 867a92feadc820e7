//! What agency staff work from (issue 13): the clerk's queue of open cases
//! by their running deadline (overdue, due today, due within a week), with
//! the worker's and the unit's names, searchable; the reviewer's awards
//! awaiting review, and returning one to its maker with a reason; the
//! administrator's audit log, searchable.

use gongshang_domain::deadline::days_between;
use gongshang_rules::SchemeId;
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
    /// Workers' reimbursement claims still to decide (Decree 765 Art 22:
    /// within 20 working days), the earliest due first; not filtered by a
    /// search.
    pub reimbursements: Vec<crate::cases::MedicalBillView>,
    /// Stop-benefit events reported after their 20 working days (Decree 765
    /// Art 25) whose overpayment is still being recovered, the earliest due
    /// first; not filtered by a search.
    pub late_stop_reports: Vec<crate::handling::StopReportView>,
    /// Units' registration applications not completed yet (Decree 765 Arts
    /// 6, 10: within 10 working days of their receipt), the earliest due
    /// first, with the unit named; not filtered by a search.
    pub registrations: Vec<crate::handling::RegistrationView>,
}

impl WorkQueue {
    pub fn is_empty(&self) -> bool {
        self.overdue.is_empty()
            && self.today.is_empty()
            && self.this_week.is_empty()
            && self.later.is_empty()
            && self.reimbursements.is_empty()
            && self.late_stop_reports.is_empty()
            && self.registrations.is_empty()
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
        if actor.may(Action::SettleMedicalBill) {
            queue.reimbursements = self
                .store
                .open_reimbursement_claims(QUEUE_ROWS)?
                .into_iter()
                .map(|(number, bill)| crate::cases::medical_bill_view(&number, bill, today))
                .collect();
        }
        if actor.may(Action::ReadStopReports) {
            queue.late_stop_reports = self.late_stop_reports(actor)?;
        }
        if actor.may(Action::CompleteRegistration) {
            queue.registrations = self.open_registrations(actor)?;
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
        self.refuse_if_recused(actor, award.case_id)?;
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

impl App {
    /// The names of a case's worker and unit (as registered), for its page.
    pub fn case_parties(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<(Option<String>, Option<String>), AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self
            .store
            .case_by_number(number)?
            .filter(|row| crate::cases::reaches_case(actor, row))
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: number.to_owned(),
            })?;
        let person = self
            .store
            .person_by_resident_id(&row.person)?
            .map(|p| p.name);
        let unit = match &row.unit {
            Some(u) => self.store.unit_by_code(u)?.map(|u| u.name),
            None => None,
        };
        Ok((person, unit))
    }
}

/// The roles an administrator moves an agency account between.
pub use gongshang_store::cases::PLAIN_ROLES;

impl App {
    /// Moves an agency account to another agency role (clerk, reviewer,
    /// administrator, analyst); never one's own (an administrator does not
    /// lock themself out). In force on the account's next request.
    pub fn change_role(
        &self,
        actor: &Actor,
        login: &str,
        role: &str,
    ) -> Result<crate::accounts::Account, AppError> {
        actor.authorize(Action::ManageAccounts)?;
        let login = login.trim();
        if login == actor.login {
            return Err(AppError::invalid(
                "role",
                "your own role is changed by another administrator",
            ));
        }
        let role = crate::accounts::Role::parse(role.trim())?;
        let user =
            self.store
                .set_user_role(login, role.as_str(), &actor.audit_name(), self.now())?;
        crate::accounts::Account::from_user(user)
    }
}

/// One dated value of a parameter, as the parameters page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterInForce {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub unit_zh: &'static str,
    pub unit_en: &'static str,
    /// The value in force on the day, or none (not yet, or lapsed).
    pub value: Option<String>,
    /// `from 2025-01-01`, `year 2025`, with `until` where it lapses.
    pub validity: Option<String>,
    pub instrument: String,
    pub article: String,
    pub source: String,
    pub confidence: String,
    pub status: gongshang_rules::params::Status,
    pub note: Option<String>,
    /// Dated values of the parameter in all.
    pub values: usize,
}

impl App {
    /// The parameters with the value in force on `as_of` (the last value
    /// whose validity began on or before it), its citation, confidence,
    /// status and note; narrowed by part of the id or the label.
    pub fn parameters_in_force(
        &self,
        actor: &Actor,
        as_of: jiff::civil::Date,
        search: Option<&str>,
    ) -> Result<Vec<ParameterInForce>, AppError> {
        use gongshang_rules::params::Validity;
        actor.authorize(Action::ReadParameters)?;
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let mut out = Vec::new();
        for p in self.policy().parameters() {
            let id = p.id.to_string();
            if let Some(s) = search
                && !id.contains(s)
                && !p.label_zh.contains(s)
                && !p.label_en.to_lowercase().contains(&s.to_lowercase())
            {
                continue;
            }
            let in_force = p.values.iter().rev().find(|v| match v.validity {
                Validity::From(d) => d <= as_of && v.until.is_none_or(|u| as_of < u),
                Validity::Year(y) => y == as_of.year(),
            });
            let shown = in_force.or(p.values.last());
            let Some(v) = shown else { continue };
            out.push(ParameterInForce {
                id,
                label_zh: p.label_zh.clone(),
                label_en: p.label_en.clone(),
                unit_zh: p.unit.label_zh(),
                unit_en: p.unit.label_en(),
                value: in_force.map(|v| v.value.to_string()),
                validity: Some(match v.until {
                    Some(u) => format!("{} until {u}", v.validity),
                    None => v.validity.to_string(),
                }),
                instrument: v.citation.instrument.clone(),
                article: v.citation.article.clone(),
                source: v.citation.source.clone(),
                confidence: v.citation.confidence.to_string(),
                status: v.citation.status,
                note: v.citation.note.clone(),
                values: p.values.len(),
            });
        }
        Ok(out)
    }
}

/// The analyst's filters as typed: months `YYYY-MM`, a region code or its
/// first digits, a scheme id, an industry class 1 to 8 (empty: all).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalysisFilters {
    pub from_month: String,
    pub to_month: String,
    pub region: String,
    pub scheme_id: String,
    pub industry_class: String,
}

pub use gongshang_store::cases::{AnalysisFigures, MonthPremiums, RegionPremiums};

impl App {
    /// The analyst's aggregates (premiums by month and region, enrolments by
    /// scheme, cases by state) under the filters; no personal data.
    pub fn analysis(
        &self,
        actor: &Actor,
        f: &AnalysisFilters,
    ) -> Result<AnalysisFigures, AppError> {
        use gongshang_domain::month::Month;
        actor.authorize(Action::ReadStatistics)?;
        let month = |field: &'static str, text: &str| {
            Month::parse(text.trim()).map_err(|e| AppError::invalid(field, e.to_string()))
        };
        let from = month("from_month", &f.from_month)?;
        let to = month("to_month", &f.to_month)?;
        if to < from {
            return Err(AppError::invalid(
                "to_month",
                format!("{to} is before {from}; the period ends on or after it starts"),
            ));
        }
        let region = f.region.trim();
        if !region.is_empty() && (region.len() > 6 || !region.bytes().all(|b| b.is_ascii_digit())) {
            return Err(AppError::invalid(
                "region",
                format!("{region:?}; a GB/T 2260 code or its first digits (e.g. 4401)"),
            ));
        }
        let scheme = match f.scheme_id.trim() {
            "" => None,
            text => Some(self.policy().scheme(&SchemeId::parse(text)?)?.id.clone()),
        };
        let industry_class = match f.industry_class.trim() {
            "" => None,
            c => match c.parse::<i64>() {
                Ok(n) if (1..=8).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::invalid(
                        "industry_class",
                        format!("{c:?}; an industry class 1 to 8"),
                    ));
                }
            },
        };
        let end_day = to
            .next()
            .first_day()
            .yesterday()
            .map_err(|e| AppError::invalid("to_month", e.to_string()))?;
        Ok(self
            .store
            .analysis(&gongshang_store::cases::AnalysisQuery {
                from_month: from.to_string(),
                to_month: to.to_string(),
                end_day,
                region_prefix: (!region.is_empty()).then(|| region.to_owned()),
                scheme_id: scheme,
                industry_class,
            })?)
    }
}
