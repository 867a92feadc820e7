//! The use cases of people outside the agency (issue 13): the worker's
//! price of days before paying, the days already bought; the employer's own
//! overview, its schemes, paying its bill online; the platform's month.

use gongshang_domain::coverage;
use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::SchemeId;
use gongshang_rules::billing;
use gongshang_rules::scheme::{CoverStart, PremiumPayer};
use gongshang_store::views::{BillRow, ListQuery};
use gongshang_store::{BillKind, Unit};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::{App, PaymentRequest};

/// The price of days of cover before they are bought: the whole premium,
/// the buyer's share and the city's (fiscal) share, by the scheme's dated
/// parameters on the first day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DaysQuote {
    pub scheme_id: SchemeId,
    pub first_day: Date,
    pub last_day: Date,
    pub days: u32,
    pub gross: Money,
    /// What the buyer pays now.
    pub own: Money,
    /// What the city pays (billed to the fiscal payer).
    pub fiscal: Money,
}

/// A unit's own overview: itself, its running enrolments, its bills (the
/// outstanding first), what it owes, its cases; nothing of other units.
#[derive(Clone, Debug)]
pub struct UnitOverview {
    pub unit: Unit,
    pub enrolled: u64,
    pub bills: Vec<BillRow>,
    /// The sum outstanding on its bills past their due date (a deferred
    /// month's bill (缓缴): past its repayment day).
    pub arrears: Money,
    pub outstanding: Money,
}

/// One person of a unit's declaration: the enrolment, the name, and the
/// wage declared for them the month before (if any), to start from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftLine {
    pub enrollment_id: i64,
    pub person: ResidentId,
    pub name: String,
    pub last_wage: Option<Money>,
}

/// A unit's month to declare in one scheme billed monthly on wages: who is
/// enrolled in it that month; already declared or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationDraft {
    pub scheme_id: SchemeId,
    pub month: Month,
    /// The bill's reference when the month is declared already.
    pub declared: Option<String>,
    /// The scheme takes no wage (a fixed base).
    pub fixed_base: bool,
    pub lines: Vec<DraftLine>,
}

/// A running enrolment of a unit with the person's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitMember {
    pub enrollment: gongshang_store::StoredEnrollment,
    pub name: String,
}

/// A platform's day: orders and the workers they covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlatformDay {
    pub day: Date,
    pub orders: u64,
    pub workers: u64,
    pub premium: Money,
}

impl App {
    /// The price of `days` days from `first_day` under a scheme billed by the
    /// day, checked as [`App::buy_days`] checks it (after today, enrolled,
    /// not bought already); nothing is written.
    pub fn quote_days(
        &self,
        actor: &Actor,
        person: &ResidentId,
        scheme_id: &SchemeId,
        first_day: Date,
        days: u32,
    ) -> Result<DaysQuote, AppError> {
        actor.authorize(Action::BuyDays)?;
        actor.require_own(
            actor.reaches(person, None),
            "resident_id",
            "a worker buys days for themself only",
        )?;
        let today = coverage::date_in_china(self.now());
        if first_day <= today {
            return Err(AppError::invalid(
                "first_day",
                format!(
                    "{first_day}; days start after today ({today}): cover is never bought backwards"
                ),
            ));
        }
        if !(1..=366).contains(&days) {
            return Err(AppError::invalid(
                "days",
                format!("{days}; 1 to 366 days at a time"),
            ));
        }
        let scheme = self.scheme(scheme_id)?;
        if !self.store.enrollments_of_person(person)?.iter().any(|e| {
            &e.scheme_id == scheme_id
                && e.start <= first_day
                && e.last_day.is_none_or(|l| first_day <= l)
        }) {
            return Err(AppError::invalid(
                "first_day",
                format!(
                    "{} is not enrolled in {scheme_id} on {first_day}",
                    person.masked()
                ),
            ));
        }
        let last_day = first_day
            .checked_add(i64::from(days - 1).days())
            .map_err(|e| AppError::invalid("days", e.to_string()))?;
        self.refuse_days_bought(person, scheme_id, first_day, last_day)?;
        let premium = billing::daily_premium(&self.policy, scheme, days, first_day)?;
        let fiscal = premium
            .shares
            .iter()
            .filter(|(p, _)| *p == PremiumPayer::Fiscal)
            .fold(Money::ZERO, |t, (_, m)| t.checked_add(*m).unwrap_or(t));
        Ok(DaysQuote {
            scheme_id: scheme_id.to_owned(),
            first_day,
            last_day,
            days,
            gross: premium.gross,
            own: premium.gross.checked_sub(fiscal).unwrap_or(premium.gross),
            fiscal,
        })
    }

    /// Days already bought are refused (issue 13): a day bill of the person
    /// in the scheme whose days meet `first_day..=last_day` is a conflict
    /// naming its days.
    pub(crate) fn refuse_days_bought(
        &self,
        person: &ResidentId,
        scheme_id: &SchemeId,
        first_day: Date,
        last_day: Date,
    ) -> Result<(), AppError> {
        let mut after_id = 0;
        loop {
            let rows = self.store.bill_rows(&ListQuery {
                after_id,
                limit: 500,
                person: Some(*person),
                ..ListQuery::default()
            })?;
            for row in &rows {
                if row.kind != BillKind::Daily || &row.scheme_id != scheme_id {
                    continue;
                }
                let Some((a, b)) = row.status.period.split_once("..") else {
                    continue;
                };
                let (Ok(a), Ok(b)) = (a.parse::<Date>(), b.parse::<Date>()) else {
                    continue;
                };
                if a <= last_day && first_day <= b {
                    return Err(AppError::Conflict {
                        entity: "cover",
                        reason: format!(
                            "{} to {} are already bought ({a} to {b}, bill {}); choose days after {b}",
                            first_day.max(a),
                            last_day.min(b),
                            row.status.reference
                        ),
                    });
                }
            }
            match rows.last() {
                Some(r) if rows.len() == 500 => after_id = r.status.bill_id,
                _ => return Ok(()),
            }
        }
    }

    /// The schemes a unit may enrol people in: those in force today whose
    /// area includes the unit's region, enrolled by a unit (not the
    /// platform pilot's order days, not days a worker buys).
    pub fn schemes_for_unit(
        &self,
        actor: &Actor,
        unit_code: &CreditCode,
    ) -> Result<Vec<SchemeId>, AppError> {
        actor.authorize(Action::Enrol)?;
        let unit = self.unit(actor, unit_code)?;
        let today = self.today();
        let region = unit.region.as_str().to_owned();
        let mut ids: Vec<SchemeId> = self
            .policy
            .schemes()
            .filter(|s| s.is_in_force(today))
            .filter(|s| {
                !matches!(
                    s.cover_starts,
                    CoverStart::OrderDays | CoverStart::DaysBought
                )
            })
            .filter(|s| s.applies_in(&self.policy, &region, today))
            .map(|s| s.id.clone())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// A unit's own overview (its scope only: a unit user sees its own unit).
    pub fn unit_overview(
        &self,
        actor: &Actor,
        unit_code: &CreditCode,
    ) -> Result<UnitOverview, AppError> {
        actor.authorize(Action::ReadBills)?;
        let unit = self.unit(actor, unit_code)?;
        let today = self.today();
        let enrolled = self
            .store
            .enrollments_of_unit(unit_code, None)?
            .iter()
            .filter(|e| e.start <= today && e.last_day.is_none_or(|l| l >= today))
            .count() as u64;
        let mut bills = self.store.bill_rows(&ListQuery {
            limit: 500,
            unit: Some(*unit_code),
            ..ListQuery::default()
        })?;
        bills.reverse();
        let mut arrears = Money::ZERO;
        let mut outstanding = Money::ZERO;
        for b in &bills {
            outstanding = outstanding
                .checked_add(b.status.outstanding)
                .unwrap_or(outstanding);
            if b.status.effective_due_date() < today {
                arrears = arrears.checked_add(b.status.outstanding).unwrap_or(arrears);
            }
        }
        // The outstanding first, then the newest.
        bills.sort_by_key(|b| b.status.outstanding.fen() == 0);
        bills.truncate(60);
        Ok(UnitOverview {
            unit,
            enrolled,
            bills,
            arrears,
            outstanding,
        })
    }

    /// A unit pays its own bill online (issue 13): the payment is recorded
    /// as received through the online channel on today's date, with the
    /// cover it buys, exactly as the agency records a payment it received.
    pub fn pay_own_bill(
        &self,
        actor: &Actor,
        bill_id: i64,
        amount: Money,
    ) -> Result<crate::services::PaymentReceipt, AppError> {
        actor.authorize(Action::PayOwnBill)?;
        let status = self.bill_status(actor, bill_id)?;
        actor.require_own(
            actor.unit().is_some() && actor.reaches_unit(status.unit.as_ref()),
            "bill_id",
            "a unit pays its own bills only",
        )?;
        if amount.fen() <= 0 || amount > status.outstanding {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "{amount}; between 0.01 and the outstanding {}",
                    status.outstanding
                ),
            ));
        }
        let today = coverage::date_in_china(self.now());
        self.record_payment_as(
            &format!("online-payment:{}", actor.audit_name()),
            &PaymentRequest {
                bill_id,
                amount,
                paid_on: today,
                // Short (a key has at most 60 characters): the bill, what
                // it had been paid, and this amount.
                idempotency_key: format!(
                    "online-bill-{bill_id}-{}-{}",
                    status.paid.fen(),
                    amount.fen()
                ),
                payer: None,
            },
        )
    }

    /// The month a unit declares next in each scheme it pays monthly on
    /// wages: the people enrolled in it that month, with last month's wage.
    pub fn declaration_drafts(
        &self,
        actor: &Actor,
        unit_code: &CreditCode,
        month: Month,
    ) -> Result<Vec<DeclarationDraft>, AppError> {
        actor.authorize(Action::Declare)?;
        actor.require_own(
            actor.reaches_unit(Some(unit_code)),
            "unit",
            "a unit declares its own months only",
        )?;
        let enrolments = self.store.enrollments_of_unit(unit_code, None)?;
        let mut schemes: Vec<SchemeId> = enrolments.iter().map(|e| e.scheme_id.clone()).collect();
        schemes.sort();
        schemes.dedup();
        let previous = Month::of(
            month
                .first_day()
                .yesterday()
                .map_err(|e| AppError::invalid("month", e.to_string()))?,
        );
        let mut out = Vec::new();
        for scheme_id in schemes {
            let scheme = self.scheme(&scheme_id)?;
            let gongshang_rules::scheme::Billing::MonthlyWage { base, .. } = &scheme.billing else {
                continue;
            };
            let fixed_base = matches!(base, gongshang_rules::scheme::WageBase::Fixed { .. });
            let reference =
                gongshang_domain::declaration::monthly_bill_reference(month, unit_code, &scheme_id);
            let declared = self.store.bill_by_reference(&reference)?.map(|_| reference);
            let last: Vec<(i64, Money)> = match self.store.bill_by_reference(
                &gongshang_domain::declaration::monthly_bill_reference(
                    previous, unit_code, &scheme_id,
                ),
            )? {
                Some(b) => self
                    .store
                    .declarations_of_bill(b.status.bill_id)?
                    .into_iter()
                    .map(|d| (d.enrollment_id, d.declared_wage))
                    .collect(),
                None => Vec::new(),
            };
            let mut lines = Vec::new();
            // Art 44: an enrolment suspended all month is not declared.
            let paused = self.paused_enrollments(unit_code, month)?;
            for e in enrolments.iter().filter(|e| {
                e.scheme_id == scheme_id
                    && !paused.contains(&e.id)
                    && e.start <= month.last_day()
                    && e.last_day.is_none_or(|l| l >= month.first_day())
            }) {
                let name = self
                    .store
                    .person_by_resident_id(&e.person)?
                    .map(|p| p.name)
                    .unwrap_or_default();
                lines.push(DraftLine {
                    enrollment_id: e.id,
                    person: e.person,
                    name,
                    last_wage: last.iter().find(|(id, _)| *id == e.id).map(|(_, w)| *w),
                });
            }
            if !lines.is_empty() {
                out.push(DeclarationDraft {
                    scheme_id,
                    month,
                    declared,
                    fixed_base,
                    lines,
                });
            }
        }
        Ok(out)
    }

    /// A unit's running enrolments with the people's names (its own only).
    pub fn unit_members(
        &self,
        actor: &Actor,
        unit_code: &CreditCode,
    ) -> Result<Vec<UnitMember>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(
            actor.reaches_unit(Some(unit_code)),
            "unit",
            unit_code.as_str(),
        )?;
        let today = self.today();
        let mut out = Vec::new();
        for e in self.store.enrollments_of_unit(unit_code, None)? {
            if e.last_day.is_some_and(|l| l < today) {
                continue;
            }
            let name = self
                .store
                .person_by_resident_id(&e.person)?
                .map(|p| p.name)
                .unwrap_or_default();
            out.push(UnitMember {
                enrollment: e,
                name,
            });
        }
        Ok(out)
    }

    /// A platform's days of a month: orders, workers covered and premium
    /// per day, in the actor's scope.
    pub fn platform_days(
        &self,
        actor: &Actor,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Vec<PlatformDay>, AppError> {
        actor.authorize(Action::Reconcile)?;
        actor.require_reach(
            actor.reaches_platform(platform),
            "platform",
            platform.as_str(),
        )?;
        Ok(self
            .store
            .platform_days(platform, month.first_day(), month.last_day())?
            .into_iter()
            .map(|(day, orders, workers, premium)| PlatformDay {
                day,
                orders,
                workers,
                premium,
            })
            .collect())
    }
}
