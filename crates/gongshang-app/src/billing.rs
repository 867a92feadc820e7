//! Contributions: monthly declarations, days bought, bills, payments and
//! arrears (the `impl App` of billing; the registry is in `services`).

use gongshang_rules::SchemeId;

use gongshang_domain::coverage::{self, CoverKind, CoverSource, Enrollment};
use gongshang_domain::declaration::{self, EnrolmentTerm};
use gongshang_domain::ids::{CreditCode, IdempotencyKey, ResidentId};
use gongshang_domain::ledger;
use gongshang_domain::month::Month;
use gongshang_domain::{DueDate, PlatformId};
use gongshang_rules::Money;
use gongshang_rules::billing::{self, UnitRating};
use gongshang_rules::rate::Rate;
use gongshang_rules::scheme::{Billing, CoverStart, PremiumPayer, Scheme};
use gongshang_store::{
    BillKind, BillStatus, NewBill, NewCover, NewDeclaration, NewPayment, Page, PaymentOutcome,
    StoreError, StoredBill, StoredEnrollment,
};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;

use crate::services::*;

/// One line of an issued bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillLine {
    pub enrollment_id: i64,
    pub person: ResidentId,
    pub declared_wage: Money,
    pub base: Money,
    pub rate: Rate,
    pub premium: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedBill {
    pub bill_id: i64,
    pub reference: String,
    pub amount: Money,
    pub fiscal_share: Money,
    pub due_date: Date,
    /// The due date falls in (or was moved into) a year whose holiday
    /// arrangement is not loaded: weekends only, counted again later.
    pub due_provisional: bool,
    pub lines: Vec<BillLine>,
    /// How an order bill's premium was found (the yearly float, or why none
    /// applied); empty for other bills.
    pub trace: Vec<gongshang_rules::trace::Step>,
}

/// A bill: its id, reference, kind, scheme, period and fiscal share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillRecord {
    pub bill_id: i64,
    pub reference: String,
    pub kind: BillKind,
    pub scheme_id: SchemeId,
    pub period: String,
    pub fiscal_share: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRequest {
    pub bill_id: i64,
    pub amount: Money,
    pub paid_on: Date,
    /// At most 60 visible ASCII characters.
    pub idempotency_key: String,
    /// Who paid: the bill's payer unless said (the fiscal payer pays the
    /// subsidy share of a day bill).
    pub payer: Option<PremiumPayer>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentReceipt {
    pub payment_id: i64,
    /// The same payment was recorded before under the key: nothing changed.
    pub already_recorded: bool,
    pub bill: BillStatus,
    pub coverage: Vec<NewCover>,
}

/// A bill with what is paid and outstanding, and its scheme and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillView {
    pub status: BillStatus,
    pub kind: BillKind,
    pub scheme_id: SchemeId,
}

impl App {
    // ---- contributions -----------------------------------------------------

    /// The configured day of the month after `month`, moved past weekends and
    /// holidays; provisional when the year's arrangement is not loaded.
    pub fn due_date(&self, month: Month) -> Result<DueDate, AppError> {
        due_date_by(&self.calendar(), self.due_day, month)
    }

    /// A unit's monthly declaration in a scheme billed on wages: one line per
    /// enrolment of the unit active in the month, each with its declared
    /// wage (not needed for a fixed base), the premium by the rules engine,
    /// and one bill with its ledger transaction, in one store call. A second
    /// declaration of the month is refused (no supplementary declarations),
    /// as is a month before the person's enrolment.
    pub fn declare_month(
        &self,
        actor: &Actor,
        unit_code: &CreditCode,
        scheme_id: &SchemeId,
        month: Month,
        declarations: &[(ResidentId, Money)],
    ) -> Result<IssuedBill, AppError> {
        actor.authorize(Action::Declare)?;
        actor.require_own(
            actor.reaches_unit(Some(unit_code)),
            "unit",
            "a unit declares its own months only",
        )?;
        self.refuse_after_cancellation(unit_code, month.first_day(), "declaration")?;
        let (bill, lines) = self.monthly_bill(unit_code, scheme_id, month, declarations)?;
        let reference_text = bill.reference.clone();
        let (amount, due_date, due_provisional) =
            (bill.amount, bill.due_date, bill.due_provisional);
        let bill_id = self
            .store
            .issue_bill(&bill, &actor.audit_name(), self.now())
            .map_err(|e| match e {
                StoreError::Duplicate { entity: "bill", .. } => AppError::Conflict {
                    entity: "declaration",
                    reason: format!(
                        "{month} of unit {} in {scheme_id} was already declared (bill {reference_text}); supplementary declarations are not accepted",
                        unit_code.as_str()
                    ),
                },
                other => other.into(),
            })?;
        Ok(IssuedBill {
            bill_id,
            reference: reference_text,
            amount,
            fiscal_share: Money::ZERO,
            due_date,
            due_provisional,
            lines,
            trace: Vec::new(),
        })
    }

    /// The bill of a unit's month as [`App::declare_month`] issues it, with
    /// its lines, computed from what is stored; nothing is written.
    pub(crate) fn monthly_bill(
        &self,
        unit_code: &CreditCode,
        scheme_id: &SchemeId,
        month: Month,
        declarations: &[(ResidentId, Money)],
    ) -> Result<(NewBill, Vec<BillLine>), AppError> {
        let scheme = self.scheme(scheme_id)?;
        let unit = self
            .store
            .unit_by_code(unit_code)?
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: unit_code.as_str().to_owned(),
            })?;
        // Regulations Art 44: an enrolment suspended for the whole month
        // (the worker posted abroad under the local insurance) owes nothing
        // and is not declared.
        let paused = self.paused_enrollments(unit_code, month)?;
        let terms: Vec<EnrolmentTerm> = self
            .store
            .enrollments_of_unit(unit_code, Some(scheme_id))?
            .iter()
            .filter(|e| !paused.contains(&e.id))
            .map(|e| EnrolmentTerm {
                id: e.id,
                person: e.person,
                start: e.start,
                last_day: e.last_day,
            })
            .collect();
        let rating = UnitRating {
            class: unit.industry_class,
            tier: unit.floating_tier,
        };
        let declared = declaration::declare_month(
            &self.policy,
            scheme,
            rating,
            unit_code,
            month,
            &terms,
            declarations,
        )?;
        let lines: Vec<BillLine> = declared
            .lines
            .iter()
            .map(|l| BillLine {
                enrollment_id: l.enrollment_id,
                person: l.person,
                declared_wage: l.declared_wage,
                base: l.base,
                rate: l.rate,
                premium: l.premium,
            })
            .collect();
        let amount = declared.amount;
        let shares = declared.shares;
        let due = self.due_date(month)?;
        let reference_text = declaration::monthly_bill_reference(month, unit_code, scheme_id);
        let bill_ref = reference(reference_text.clone())?;
        let tx = ledger::bill_issued(
            IdempotencyKey::parse(&format!("bill:{reference_text}"))?,
            bill_ref,
            &shares,
        )?;
        let bill = NewBill {
            reference: reference_text.clone(),
            unit: Some(*unit_code),
            person: None,
            scheme_id: scheme_id.to_owned(),
            kind: BillKind::Monthly,
            period: month.to_string(),
            amount,
            fiscal_share: Money::ZERO,
            due_date: due.date,
            due_provisional: due.provisional,
            declarations: lines
                .iter()
                .map(|l| NewDeclaration {
                    enrollment_id: l.enrollment_id,
                    month,
                    declared_wage: l.declared_wage,
                    base: l.base,
                    rate: l.rate,
                    premium: l.premium,
                })
                .collect(),
            ledger: tx,
        };
        Ok((bill, lines))
    }

    /// Days of cover bought under a scheme billed by the day (益鹭保): the
    /// buyer's share and the fiscal share on one bill, the fiscal share to
    /// the subsidy receivable. Due on the first day bought.
    pub fn buy_days(
        &self,
        actor: &Actor,
        person: &ResidentId,
        scheme_id: &SchemeId,
        first_day: Date,
        days: u32,
    ) -> Result<IssuedBill, AppError> {
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
        let enrollment = self
            .store
            .enrollments_of_person(person)?
            .into_iter()
            .find(|e| &e.scheme_id == scheme_id && contains(e, first_day))
            .ok_or_else(|| {
                AppError::invalid(
                    "first_day",
                    format!(
                        "{} is not enrolled in {scheme_id} on {first_day}",
                        person.masked()
                    ),
                )
            })?;
        let premium = billing::daily_premium(&self.policy, scheme, days, first_day)?;
        let fiscal = premium
            .shares
            .iter()
            .filter(|(p, _)| *p == PremiumPayer::Fiscal)
            .fold(Money::ZERO, |t, (_, m)| t.checked_add(*m).expect("fen"));
        let last_day = first_day
            .checked_add(i64::from(days - 1).days())
            .map_err(|e| AppError::invalid("days", e.to_string()))?;
        // Issue 13: days already bought are not sold again.
        self.refuse_days_bought(person, scheme_id, first_day, last_day)?;
        let reference_text = declaration::days_bill_reference(first_day, enrollment.id, days);
        let tx = ledger::bill_issued(
            IdempotencyKey::parse(&format!("bill:{reference_text}"))?,
            reference(reference_text.clone())?,
            &premium.shares,
        )?;
        let bill = NewBill {
            reference: reference_text.clone(),
            unit: enrollment.unit,
            person: Some(*person),
            scheme_id: scheme_id.to_owned(),
            kind: BillKind::Daily,
            period: format!("{first_day}..{last_day}"),
            amount: premium.gross,
            fiscal_share: fiscal,
            due_date: first_day,
            due_provisional: false,
            declarations: Vec::new(),
            ledger: tx,
        };
        let bill_id = self
            .store
            .issue_bill(&bill, &actor.audit_name(), self.now())?;
        Ok(IssuedBill {
            bill_id,
            reference: reference_text,
            amount: premium.gross,
            fiscal_share: fiscal,
            due_date: first_day,
            due_provisional: false,
            lines: Vec::new(),
            trace: Vec::new(),
        })
    }

    /// A bill found by its reference, in the actor's scope.
    pub fn bill_by_reference(
        &self,
        actor: &Actor,
        reference_text: &str,
    ) -> Result<Option<BillRecord>, AppError> {
        actor.authorize(Action::ReadBills)?;
        let Some(bill) = self.store.bill_by_reference(reference_text)? else {
            return Ok(None);
        };
        let reached = match &bill.person {
            Some(p) => actor.reaches(p, bill.status.unit.as_ref()),
            None => actor.reaches_unit(bill.status.unit.as_ref()),
        };
        Ok(reached.then(|| bill_record_of(&bill)))
    }

    /// A bill found by its reference, for the use cases here.
    pub(crate) fn find_bill(&self, reference_text: &str) -> Result<Option<BillRecord>, AppError> {
        Ok(self
            .store
            .bill_by_reference(reference_text)?
            .map(|b| bill_record_of(&b)))
    }

    fn bill_record(&self, bill_id: i64) -> Result<(BillStatus, BillRecord), AppError> {
        let bill = self.store.bill(bill_id)?;
        let record = bill_record_of(&bill);
        Ok((bill.status, record))
    }

    /// A bill with what is paid and outstanding, in the actor's scope.
    pub fn bill_status(&self, actor: &Actor, bill_id: i64) -> Result<BillStatus, AppError> {
        actor.authorize(Action::ReadBills)?;
        let bill = self.store.bill(bill_id)?;
        let reached = match &bill.person {
            Some(p) => actor.reaches(p, bill.status.unit.as_ref()),
            None => actor.reaches_unit(bill.status.unit.as_ref()),
        };
        actor.require_reach(reached, "bill", bill_id.to_string())?;
        Ok(bill.status)
    }

    /// An enrolment by id.
    pub(crate) fn enrollment(&self, id: i64) -> Result<StoredEnrollment, AppError> {
        self.store
            .enrollment(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "enrollment",
                key: id.to_string(),
            })
    }

    /// A payment, partial or full, with the cover it buys by the scheme's
    /// rule and its ledger transaction, in one store call. The same key
    /// again changes nothing.
    ///
    /// Cover: a month's cover (`day_after_payment` schemes) is bought by the
    /// payment that settles the bill, from the day after it, never backdated;
    /// days bought by the payment that completes the buyer's share; the
    /// ordinary insurance rests on the enrolment and order days on the orders,
    /// so their payments add no cover.
    pub fn record_payment(
        &self,
        actor: &Actor,
        req: &PaymentRequest,
    ) -> Result<PaymentReceipt, AppError> {
        actor.authorize(Action::RecordPayment)?;
        self.record_payment_as(&actor.audit_name(), req)
    }

    /// Days of cover bought and paid online by the worker themself: the
    /// bill, then the buyer's share received through the online channel
    /// (the city's share is settled by the fiscal payer apart). The days
    /// start after today: cover is never bought backwards.
    pub fn buy_and_pay_days(
        &self,
        actor: &Actor,
        person: &ResidentId,
        scheme_id: &SchemeId,
        first_day: Date,
        days: u32,
    ) -> Result<IssuedBill, AppError> {
        let bill = self.buy_days(actor, person, scheme_id, first_day, days)?;
        let own = bill
            .amount
            .checked_sub(bill.fiscal_share)
            .unwrap_or(bill.amount);
        if own.fen() > 0 {
            self.record_payment_as(
                &format!("online-payment:{}", actor.audit_name()),
                &PaymentRequest {
                    bill_id: bill.bill_id,
                    amount: own,
                    paid_on: coverage::date_in_china(self.now()),
                    idempotency_key: format!("online-{}", bill.reference),
                    payer: None,
                },
            )?;
        }
        Ok(bill)
    }

    pub(crate) fn record_payment_as(
        &self,
        who: &str,
        req: &PaymentRequest,
    ) -> Result<PaymentReceipt, AppError> {
        let (status, record) = self.bill_record(req.bill_id)?;
        let payment = self.payment_of(req, &status, &record)?;
        let covers = payment.coverage.clone();
        let late_fee = self.late_fee_of_payment(req, &status, &record)?;
        let recorded = self.store.record_payment_assessing(
            &payment,
            status.paid,
            late_fee.as_ref(),
            who,
            self.now(),
        );
        let outcome = match recorded {
            // Another payment of the bill was recorded since it was read
            // (another process, another request): whether this one settles
            // the bill, and so buys the cover, is decided again on what that
            // one left. Each time round another payment went in, so this ends.
            Err(StoreError::Conflict { entity: "bill", .. })
                if self.store.bill_status(req.bill_id)?.paid != status.paid =>
            {
                return self.record_payment_as(who, req);
            }
            other => other?,
        };
        let (payment_id, already_recorded) = match outcome {
            PaymentOutcome::Recorded(id) => (id, false),
            PaymentOutcome::AlreadyRecorded(id) => (id, true),
        };
        Ok(PaymentReceipt {
            payment_id,
            already_recorded,
            bill: self.store.bill_status(req.bill_id)?,
            coverage: if already_recorded { Vec::new() } else { covers },
        })
    }

    /// The payment [`App::record_payment`] records against a bill in the
    /// state `status` (its cover by the scheme's rule, its ledger
    /// transaction); nothing is written.
    pub(crate) fn payment_of(
        &self,
        req: &PaymentRequest,
        status: &BillStatus,
        record: &BillRecord,
    ) -> Result<NewPayment, AppError> {
        if req.idempotency_key.len() > 60 {
            return Err(AppError::invalid(
                "idempotency_key",
                format!(
                    "{} characters; at most 60",
                    req.idempotency_key.chars().count()
                ),
            ));
        }
        if req.amount.fen() <= 0 {
            return Err(AppError::invalid(
                "amount",
                format!("{} yuan; a payment must be more than 0.00", req.amount),
            ));
        }
        // Cover rests on the day the agency receives the money (the day it
        // is recorded), never on a date the payer states: a backdated
        // `paid_on` buys no earlier cover, and one in the future or long past
        // is refused as a mistake.
        let received_on = coverage::date_in_china(self.now());
        if req.paid_on > received_on {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{} is after today ({received_on}); a payment is recorded once received",
                    req.paid_on
                ),
            ));
        }
        let earliest = received_on
            .checked_sub(jiff::Span::new().days(PAID_ON_DAYS_BACK))
            .map_err(|e| AppError::invalid("paid_on", e.to_string()))?;
        if req.paid_on < earliest {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{} is more than {PAID_ON_DAYS_BACK} days before it is recorded ({received_on}); record a payment when it arrives",
                    req.paid_on
                ),
            ));
        }
        let scheme = self.scheme(&record.scheme_id)?;
        let default_payer = match record.kind {
            BillKind::Orders => PremiumPayer::Platform,
            _ => scheme
                .premium_payers
                .iter()
                .copied()
                .find(|p| *p != PremiumPayer::Fiscal)
                .unwrap_or(PremiumPayer::Unit),
        };
        let payer = req.payer.unwrap_or(default_payer);
        let payment_ref = reference(req.idempotency_key.clone())?;
        let paid_after = status.paid.checked_add(req.amount).expect("fen");
        let mut covers = Vec::new();
        match (record.kind, scheme.cover_starts) {
            (BillKind::Monthly, cover)
                if cover.bought_by_month()
                    && paid_after >= status.amount
                    && status.paid < status.amount =>
            {
                let unit = status
                    .unit
                    .ok_or_else(|| AppError::invalid("bill", "a monthly bill without a unit"))?;
                let enrollments = self
                    .store
                    .enrollments_of_unit(&unit, Some(&record.scheme_id))?;
                for d in self.store.declarations_of_bill(req.bill_id)? {
                    let e = enrollments
                        .iter()
                        .find(|e| e.id == d.enrollment_id)
                        .ok_or_else(|| AppError::NotFound {
                            entity: "enrollment",
                            key: d.enrollment_id.to_string(),
                        })?;
                    let source = CoverSource::MonthPaid {
                        payment: payment_ref.clone(),
                        month: d.month,
                        paid_on: received_on,
                    };
                    covers.extend(self.covers_of(scheme, e, source, CoverKind::MonthPaid)?);
                }
            }
            (BillKind::Daily, CoverStart::DaysBought) if payer != PremiumPayer::Fiscal => {
                let buyer_share = status.amount.checked_sub(record.fiscal_share).expect("fen");
                if paid_after >= buyer_share && status.paid < buyer_share {
                    let enrollment_id = declaration::enrollment_of_days_reference(
                        &status.reference,
                    )
                    .ok_or_else(|| {
                        AppError::invalid(
                            "bill",
                            format!("reference {} names no enrollment", status.reference),
                        )
                    })?;
                    let e = self.enrollment(enrollment_id)?;
                    let (first, last) = record
                        .period
                        .split_once("..")
                        .and_then(|(a, b)| Some((a.parse::<Date>().ok()?, b.parse::<Date>().ok()?)))
                        .ok_or_else(|| {
                            AppError::invalid(
                                "bill",
                                format!("period {} is not a range of days", record.period),
                            )
                        })?;
                    let days = u32::try_from((last - first).get_days() + 1).unwrap_or(0);
                    let source = CoverSource::DaysBought {
                        payment: payment_ref.clone(),
                        first_day: first,
                        days,
                        paid_on: received_on,
                    };
                    covers.extend(self.covers_of(scheme, &e, source, CoverKind::DaysBought)?);
                }
            }
            _ => {}
        }
        let tx = ledger::payment_received(
            IdempotencyKey::parse(&format!("pay:{}", req.idempotency_key))?,
            payment_ref,
            reference(status.reference.clone())?,
            payer,
            req.amount,
        )?;
        Ok(NewPayment {
            bill_id: req.bill_id,
            amount: req.amount,
            paid_on: req.paid_on,
            idempotency_key: req.idempotency_key.clone(),
            coverage: covers,
            ledger: tx,
        })
    }

    /// The cover rows one source buys for an enrolment, by
    /// `coverage::derive_coverage`.
    fn covers_of(
        &self,
        scheme: &Scheme,
        e: &StoredEnrollment,
        source: CoverSource,
        basis: CoverKind,
    ) -> Result<Vec<NewCover>, AppError> {
        // FIXME(domain): `coverage::Enrollment.unit` is required, but people
        // may enrol themselves (no unit); their cover is derived under a
        // stand-in and stored without a unit.
        let unit = match e.unit {
            Some(u) => u,
            None => stand_in_unit()?,
        };
        let derived = coverage::derive_coverage(
            scheme,
            &Enrollment {
                id: reference(format!("E{}", e.id))?,
                person: e.person,
                unit,
                scheme_id: e.scheme_id.clone(),
                starts_on: e.start,
                last_day: e.last_day,
            },
            &[source],
        )?;
        Ok(derived
            .intervals
            .iter()
            .map(|i| NewCover {
                person: e.person,
                unit: e.unit,
                scheme_id: e.scheme_id.clone(),
                enrollment_id: Some(e.id),
                basis,
                start: i.first_day,
                end: i.last_day,
            })
            .collect())
    }

    /// Bills due before `as_of` with something outstanding. A bill of a
    /// month under an approved deferral (缓缴) is due by its repayment day:
    /// it is no arrears until then ("缓缴、补缴期间认定为正常缴费状态，不得作欠费
    /// 处理").
    pub fn arrears(&self, actor: &Actor, as_of: Date) -> Result<Vec<BillStatus>, AppError> {
        Ok(self
            .arrears_with_due_days(actor, as_of)?
            .into_iter()
            .map(|(b, _)| b)
            .collect())
    }

    /// The arrears on `as_of` with each bill's effective due day (its own,
    /// or its deferral's repayment day).
    fn arrears_with_due_days(
        &self,
        actor: &Actor,
        as_of: Date,
    ) -> Result<Vec<(BillStatus, Date)>, AppError> {
        actor.authorize(Action::ReadArrears)?;
        // The store lists the bills due in fact before `as_of`, each with
        // its deferral's repayment day (`BillStatus::deferred_to`).
        Ok(self
            .store
            .arrears(as_of)?
            .into_iter()
            .map(|b| {
                let due = b.effective_due_date();
                (b, due)
            })
            .collect())
    }

    /// The bills in arrears with the late fee each has run up by `as_of`
    /// (工伤保险条例 Art 62(1), 社会保险法 Art 86: 0.05% a day of what is
    /// outstanding, from the day after the effective due date; issue 17). A unit's
    /// bills only: a worker's own days are bought before they start.
    /// Whether the platform pilot charges the same fee was not verified. A
    /// deferred month's bill (缓缴) runs its fee from the day after its
    /// repayment day (人社厅发〔2022〕16号, 人社部发〔2022〕31号).
    pub fn arrears_with_late_fees(
        &self,
        actor: &Actor,
        as_of: Date,
    ) -> Result<Vec<(BillStatus, Money)>, AppError> {
        let bills = self.arrears_with_due_days(actor, as_of)?;
        let rate = self
            .policy
            .at("national", "contribution.late_fee_daily_rate", as_of)?
            .rate();
        Ok(bills
            .into_iter()
            .map(|(b, due)| {
                let fee = if b.unit.is_some() {
                    gongshang_rules::late_fee::late_fee(b.outstanding, due, as_of, rate)
                } else {
                    Money::ZERO
                };
                (b, fee)
            })
            .collect())
    }

    /// The monthly and order bills of a month (of one unit, or of every unit
    /// and platform), paid and outstanding. Day bills span days and are
    /// listed by `arrears` only (FIXME(store): a listing by period).
    pub fn bills_of_month(
        &self,
        actor: &Actor,
        month: Month,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<BillView>, AppError> {
        actor.authorize(Action::ReadBills)?;
        let unit = match (&actor.scope, unit) {
            (Scope::All, u) => u,
            (Scope::Unit { unit: own, .. }, None) => Some(own),
            (Scope::Unit { unit: own, .. }, Some(u)) => {
                actor.require_reach(own == u, "unit", u.as_str())?;
                Some(own)
            }
            _ => {
                return Err(AppError::Forbidden {
                    action: Action::ReadArrears,
                });
            }
        };
        let mut units: Vec<CreditCode> = Vec::new();
        match unit {
            Some(u) => units.push(*u),
            None => {
                let mut page = Page::first(1000);
                loop {
                    let batch = self.store.list_units(page)?;
                    let Some(last) = batch.last() else { break };
                    page.after_id = last.id;
                    units.extend(batch.iter().map(|u| u.credit_code));
                }
            }
        }
        let monthly: Vec<&Scheme> = self
            .policy
            .schemes()
            .filter(|s| matches!(s.billing, Billing::MonthlyWage { .. }))
            .collect();
        let mut out = Vec::new();
        for u in &units {
            for s in &monthly {
                let text = declaration::monthly_bill_reference(month, u, &s.id);
                if let Some(r) = self.find_bill(&text)? {
                    out.push(self.bill_view(r)?);
                }
            }
        }
        if unit.is_none() {
            for (alias, _) in crate::orders::PLATFORM_ALIASES {
                let platform = PlatformId::parse(alias)?;
                for r in self.order_bills(&platform, month)? {
                    out.push(self.bill_view(r)?);
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn bill_view(&self, r: BillRecord) -> Result<BillView, AppError> {
        Ok(BillView {
            status: self.store.bill_status(r.bill_id)?,
            kind: r.kind,
            scheme_id: r.scheme_id,
        })
    }
}

fn bill_record_of(bill: &StoredBill) -> BillRecord {
    BillRecord {
        bill_id: bill.status.bill_id,
        reference: bill.status.reference.clone(),
        kind: bill.kind,
        scheme_id: bill.scheme_id.clone(),
        period: bill.status.period.clone(),
        fiscal_share: bill.fiscal_share,
    }
}

/// A valid code standing in for "no unit" where the domain needs one (see
/// [`App::covers_of`]); never stored.
fn stand_in_unit() -> Result<CreditCode, AppError> {
    use gongshang_domain::ids::{credit_check_character, organisation_check_character};
    let body = *b"00000001";
    let org = organisation_check_character(&body)
        .ok_or_else(|| AppError::invalid("unit", "no organisation check character"))?;
    let first17 = format!("91350200{}{org}", std::str::from_utf8(&body).unwrap_or("0"));
    let bytes: [u8; 17] = first17
        .as_bytes()
        .try_into()
        .map_err(|_| AppError::invalid("unit", "17 characters expected"))?;
    let check = credit_check_character(&bytes)
        .ok_or_else(|| AppError::invalid("unit", "no credit check character"))?;
    Ok(CreditCode::parse(&format!("{first17}{check}"))?)
}
