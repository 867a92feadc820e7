//! Read models for the web UI: the dashboard, paged lists and detail pages,
//! over the store's [`ViewStore`](gongshang_store::ViewStore). Only reads.

use gongshang_domain::coverage::date_in_china;
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_store::views::{
    BillRow, CaseListRow, DashboardCounts, ListQuery, PersonRow, UnitRow,
};
use gongshang_store::{Engagement, Person, StoredEnrollment, Unit};
use jiff::civil::Date;

use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;
use crate::services::{App, At, CoverageAnswer};

/// Rows shown per page unless asked otherwise.
pub const PAGE_ROWS: u32 = 50;

/// A unit with what the detail page shows.
#[derive(Clone, Debug)]
pub struct UnitDetail {
    pub unit: Unit,
    pub enrollments: Vec<StoredEnrollment>,
    /// The first page of its people.
    pub people: Vec<PersonRow>,
    /// Its latest bills (newest first).
    pub bills: Vec<BillRow>,
}

/// A person with what the detail page shows.
#[derive(Clone, Debug)]
pub struct PersonDetail {
    pub person: Person,
    pub enrollments: Vec<StoredEnrollment>,
    /// The units' commitments kept with those enrolments (issue 17).
    pub commitments: Vec<crate::model::StoredCommitment>,
    pub engagements: Vec<Engagement>,
    /// Cover today (in China).
    pub coverage: CoverageAnswer,
    /// Their own bills (days bought).
    pub bills: Vec<BillRow>,
}

fn page(q: &ListQuery) -> ListQuery {
    let mut q = q.clone();
    if q.limit == 0 {
        q.limit = PAGE_ROWS;
    }
    q.limit = q.limit.min(500);
    q
}

/// The query narrowed to the actor's scope: a unit's own rows, a worker's
/// own bills; statistics-only actors see no rows.
fn scoped(actor: &Actor, q: &ListQuery) -> Result<ListQuery, AppError> {
    let mut q = page(q);
    match &actor.scope {
        Scope::All => {}
        Scope::Unit { unit, .. } => q.unit = Some(*unit),
        Scope::Person(p) => {
            q.person = Some(*p);
            q.unit = None;
        }
        Scope::StatisticsOnly | Scope::Partner(_) => {
            return Err(AppError::Forbidden {
                action: Action::ReadRegistry,
            });
        }
    }
    Ok(q)
}

impl App {
    /// Today in China by the injected clock.
    pub fn today(&self) -> Date {
        date_in_china(self.now())
    }

    /// The dashboard's counts as of today.
    pub fn dashboard(&self, actor: &Actor) -> Result<DashboardCounts, AppError> {
        actor.authorize(Action::ReadStatistics)?;
        Ok(self.store.dashboard_counts(self.today())?)
    }

    /// Units, paged (agency staff).
    pub fn unit_rows(&self, actor: &Actor, q: &ListQuery) -> Result<Vec<UnitRow>, AppError> {
        actor.authorize(Action::ListUnits)?;
        Ok(self.store.unit_rows(&page(q))?)
    }

    /// People, paged: everyone for agency staff, a unit's enrolled people.
    pub fn person_rows(&self, actor: &Actor, q: &ListQuery) -> Result<Vec<PersonRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        if actor.person().is_some() {
            return Err(AppError::Forbidden {
                action: Action::ListUnits,
            });
        }
        Ok(self.store.person_rows(&scoped(actor, q)?)?)
    }

    /// Bills, paged, in the actor's scope.
    pub fn bill_rows(&self, actor: &Actor, q: &ListQuery) -> Result<Vec<BillRow>, AppError> {
        actor.authorize(Action::ReadBills)?;
        Ok(self.store.bill_rows(&scoped(actor, q)?)?)
    }

    /// Cases, paged, in the actor's scope; only the overdue ones (today in
    /// China) when asked.
    pub fn case_rows(
        &self,
        actor: &Actor,
        q: &ListQuery,
        overdue_only: bool,
    ) -> Result<Vec<CaseListRow>, AppError> {
        actor.authorize(Action::ReadCase)?;
        Ok(self
            .store
            .case_rows(&scoped(actor, q)?, overdue_only.then(|| self.today()))?)
    }

    pub fn unit_detail(&self, actor: &Actor, id: i64) -> Result<UnitDetail, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let unit = self
            .store
            .unit_by_id(id)?
            .filter(|u| actor.reaches_unit(Some(&u.credit_code)))
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: id.to_string(),
            })?;
        let enrollments = self.store.enrollments_of_unit(&unit.credit_code, None)?;
        let people = self.store.person_rows(&ListQuery {
            limit: PAGE_ROWS,
            unit: Some(unit.credit_code),
            ..ListQuery::default()
        })?;
        let mut bills = self.store.bill_rows(&ListQuery {
            limit: 500,
            unit: Some(unit.credit_code),
            ..ListQuery::default()
        })?;
        bills.reverse();
        bills.truncate(24);
        Ok(UnitDetail {
            unit,
            enrollments,
            people,
            bills,
        })
    }

    pub fn person_detail(&self, actor: &Actor, id: i64) -> Result<PersonDetail, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let person = self
            .store
            .person_by_id(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "person",
                key: id.to_string(),
            })?;
        let reached = self.reaches_person(actor, &person.resident_id)?;
        actor.require_reach(reached, "person", id.to_string())?;
        self.person_detail_of(actor, person)
    }

    /// One enrolment in the actor's scope, with its person (a unit sees
    /// its own enrolments, a worker their own): the enrolment's page, and
    /// the tickets about it (issue 15).
    pub fn enrollment_view(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(StoredEnrollment, Person), AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let not_found = || AppError::NotFound {
            entity: "enrollment",
            key: id.to_string(),
        };
        let e = self.store.enrollment(id)?.ok_or_else(not_found)?;
        actor.require_reach(
            actor.reaches(&e.person, e.unit.as_ref()),
            "enrollment",
            id.to_string(),
        )?;
        let person = self
            .store
            .person_by_resident_id(&e.person)?
            .ok_or_else(not_found)?;
        Ok((e, person))
    }

    /// The detail of a person found by identity number.
    pub fn person_detail_by_resident_id(
        &self,
        actor: &Actor,
        id: &ResidentId,
    ) -> Result<PersonDetail, AppError> {
        let person = self.person(actor, id)?;
        self.person_detail_of(actor, person)
    }

    /// What the actor sees of a person: a unit its own enrolments,
    /// engagements, bills and cover; agency staff and the person everything.
    fn person_detail_of(&self, actor: &Actor, person: Person) -> Result<PersonDetail, AppError> {
        let rid = person.resident_id;
        let own_unit = actor.unit().copied();
        let mine = |unit: Option<&CreditCode>| own_unit.is_none() || unit == own_unit.as_ref();
        let mut bills = self.store.bill_rows(&ListQuery {
            limit: 500,
            person: Some(rid),
            ..ListQuery::default()
        })?;
        bills.reverse();
        bills.truncate(24);
        bills.retain(|b| mine(b.status.unit.as_ref()));
        let enrollments: Vec<StoredEnrollment> = self
            .store
            .enrollments_of_person(&rid)?
            .into_iter()
            .filter(|e| mine(e.unit.as_ref()))
            .collect();
        let commitments = self
            .store
            .commitments_of_person(&rid)?
            .into_iter()
            .filter(|c| enrollments.iter().any(|e| e.id == c.enrollment_id))
            .collect();
        Ok(PersonDetail {
            enrollments,
            commitments,
            engagements: self
                .store
                .engagements_of_person(&rid)?
                .into_iter()
                .filter(|g| mine(Some(&g.unit)))
                .collect(),
            coverage: self.coverage(actor, &rid, At::Day(self.today()), None)?,
            bills,
            person,
        })
    }

    /// Every platform's month as stored (orders, distinct workers, premium,
    /// billed), by platform id: the per-platform statistics.
    pub fn platform_months(
        &self,
        actor: &Actor,
        month: gongshang_domain::month::Month,
    ) -> Result<Vec<crate::Reconciliation>, AppError> {
        actor.authorize(Action::ReadStatistics)?;
        let mut out = Vec::new();
        for platform in self.store.order_platforms(&month.to_string())? {
            let platform = gongshang_domain::ids::PlatformId::parse(&platform)?;
            out.push(self.reconcile(&Actor::system(), &platform, month, None, None)?);
        }
        Ok(out)
    }

    /// A scheme's name in Chinese or English (its id when unknown).
    /// (A display helper: it takes the ids aggregates carry as text too.)
    pub fn scheme_name<S: AsRef<str> + ?Sized>(&self, id: &S, zh: bool) -> String {
        match self.policy.scheme(id) {
            Ok(s) if zh => s.name_zh.clone(),
            Ok(s) => s.name_en.clone(),
            Err(_) => id.as_ref().to_owned(),
        }
    }
}
