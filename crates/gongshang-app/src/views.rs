//! Read models for the web UI: the dashboard, paged lists and detail pages,
//! over the store's [`ViewStore`](gongshang_store::ViewStore). Only reads.

use gongshang_domain::coverage::date_in_china;
use gongshang_domain::ids::ResidentId;
use gongshang_store::views::{
    BillRow, CaseListRow, DashboardCounts, ListQuery, PersonRow, UnitRow,
};
use gongshang_store::{Engagement, Person, StoredEnrollment, Unit};
use jiff::civil::Date;

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

impl App {
    /// Today in China by the injected clock.
    pub fn today(&self) -> Date {
        date_in_china(self.now())
    }

    /// The dashboard's counts as of today.
    pub fn dashboard(&self) -> Result<DashboardCounts, AppError> {
        Ok(self.store.dashboard_counts(self.today())?)
    }

    pub fn unit_rows(&self, q: &ListQuery) -> Result<Vec<UnitRow>, AppError> {
        Ok(self.store.unit_rows(&page(q))?)
    }

    pub fn person_rows(&self, q: &ListQuery) -> Result<Vec<PersonRow>, AppError> {
        Ok(self.store.person_rows(&page(q))?)
    }

    pub fn bill_rows(&self, q: &ListQuery) -> Result<Vec<BillRow>, AppError> {
        Ok(self.store.bill_rows(&page(q))?)
    }

    /// Cases, paged; only the overdue ones (today in China) when asked.
    pub fn case_rows(
        &self,
        q: &ListQuery,
        overdue_only: bool,
    ) -> Result<Vec<CaseListRow>, AppError> {
        Ok(self
            .store
            .case_rows(&page(q), overdue_only.then(|| self.today()))?)
    }

    pub fn unit_detail(&self, id: i64) -> Result<UnitDetail, AppError> {
        let unit = self
            .store
            .unit_by_id(id)?
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

    pub fn person_detail(&self, id: i64) -> Result<PersonDetail, AppError> {
        let person = self
            .store
            .person_by_id(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "person",
                key: id.to_string(),
            })?;
        self.person_detail_of(person)
    }

    /// The detail of a person found by identity number.
    pub fn person_detail_by_resident_id(&self, id: &ResidentId) -> Result<PersonDetail, AppError> {
        let person = self
            .store
            .person_by_resident_id(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "person",
                key: id.masked(),
            })?;
        self.person_detail_of(person)
    }

    fn person_detail_of(&self, person: Person) -> Result<PersonDetail, AppError> {
        let rid = person.resident_id;
        let mut bills = self.store.bill_rows(&ListQuery {
            limit: 500,
            person: Some(rid),
            ..ListQuery::default()
        })?;
        bills.reverse();
        bills.truncate(24);
        Ok(PersonDetail {
            enrollments: self.store.enrollments_of_person(&rid)?,
            engagements: self.store.engagements_of_person(&rid)?,
            coverage: self.coverage(&rid, At::Day(self.today()), None)?,
            bills,
            person,
        })
    }

    /// Every platform's month as stored (orders, distinct workers, premium,
    /// billed), by platform id: the per-platform statistics.
    pub fn platform_months(
        &self,
        month: gongshang_domain::month::Month,
    ) -> Result<Vec<crate::Reconciliation>, AppError> {
        let mut out = Vec::new();
        for platform in self.store.order_platforms(&month.to_string())? {
            let platform = gongshang_domain::ids::PlatformId::parse(&platform)?;
            out.push(self.reconcile(&platform, month, None, None)?);
        }
        Ok(out)
    }

    /// A scheme's name in Chinese or English (its id when unknown).
    pub fn scheme_name(&self, id: &str, zh: bool) -> String {
        match self.policy.scheme(id) {
            Ok(s) if zh => s.name_zh.clone(),
            Ok(s) => s.name_en.clone(),
            Err(_) => id.to_owned(),
        }
    }
}
