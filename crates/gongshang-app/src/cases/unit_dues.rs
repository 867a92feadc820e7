//! What the unit owes the worker under an approved award, and what it paid
//! (《广东省工伤保险条例》第五十六条: "用人单位少报职工工资，未足额缴纳工伤保险费，
//! 造成工伤职工享受的工伤保险待遇降低的，工伤保险待遇差额部分由用人单位向工伤
//! 职工补足。"; issue 17).
//!
//! The debt is read, never stored again: the approved award's lines with
//! payer `employer` (one-time: the amount; the Art 56 difference of each
//! wage item, the Art 25 suspension wages' difference, the Art 29
//! resettlement allowance, ...) and the unit's periodic benefits (monthly:
//! each month from the benefit's first month to its last, or to the month
//! asked about, at the amount in force in that month). What the unit paid
//! is the agency's record of the unit's receipt or transfer slip, per
//! (item, beneficiary), append-only; a mistaken record is corrected by its
//! negative. The money goes from the unit to the worker, not through the
//! fund: nothing is posted to the fund's ledger.

use gongshang_rules::award::Periodicity;
use gongshang_rules::{Item, Payer};
use gongshang_store::{NewUnitDuePayment, UnitDuePaymentRow};

use super::*;

/// One item the unit owes, to date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitDueLine {
    pub item: Item,
    pub beneficiary: String,
    pub periodicity: Periodicity,
    /// The award line's instrument and article.
    pub citation: String,
    /// One-time: the amount; monthly: the amount in force in `as_of` (or
    /// in the last month owed, when the benefit ended before).
    pub amount: Money,
    /// Monthly: the first month owed and the last, when it ended.
    pub from_month: Option<Month>,
    pub until_month: Option<Month>,
    /// Monthly: how many months are owed up to `as_of`.
    pub months_owed: u32,
    /// What is owed up to `as_of`.
    pub owed: Money,
    /// What the unit paid of it (corrections counted).
    pub paid: Money,
    /// Owed less paid; negative when the unit paid ahead.
    pub outstanding: Money,
}

/// A recorded payment of the unit. The agency's note and who recorded it
/// are shown to agency staff only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitDuePaymentView {
    pub id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub paid_on: Date,
    pub amount: Money,
    pub correction_of: Option<i64>,
    pub document: String,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
}

/// A case's dues of the unit to the worker (Guangdong Regulations Art 56).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitDues {
    pub case_number: String,
    pub unit: Option<CreditCode>,
    /// The month the monthly items are owed up to.
    pub as_of: Month,
    pub lines: Vec<UnitDueLine>,
    pub payments: Vec<UnitDuePaymentView>,
    pub owed: Money,
    pub paid: Money,
    pub outstanding: Money,
}

/// A payment of the unit as a clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitDuePaymentRequest {
    pub item: Item,
    /// `worker` (the default), `spouse`, `dependant-1`, ...
    #[serde(default)]
    pub beneficiary: Option<String>,
    pub paid_on: Date,
    pub amount: Money,
    /// The unit's receipt or transfer slip.
    pub document: String,
    /// The agency's own note (not shown to the worker or the unit).
    #[serde(default)]
    pub note: String,
}

fn add(a: Money, b: Money) -> Result<Money, AppError> {
    a.checked_add(b)
        .ok_or_else(|| AppError::invalid("amount", "an amount beyond i64 fen"))
}

impl App {
    /// What the unit owes the worker under the case's approved award, to
    /// `as_of` (default: this month), and what it paid. Whoever reads the
    /// case reads it; the agency's notes only agency staff.
    pub fn unit_dues(
        &self,
        actor: &Actor,
        number: &str,
        as_of: Option<Month>,
    ) -> Result<UnitDues, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        let as_of = as_of.unwrap_or_else(|| Month::of(self.case_today()));
        self.dues_of(actor, &row, as_of)
    }

    fn dues_of(&self, actor: &Actor, row: &CaseRow, as_of: Month) -> Result<UnitDues, AppError> {
        let approved = self.approved_award(row.id)?;
        let payments = self.store.unit_due_payments_of_case(row.id)?;
        let mut lines: Vec<UnitDueLine> = Vec::new();
        let citation_of = |item: Item, beneficiary: &str| -> String {
            approved
                .as_ref()
                .and_then(|a| {
                    a.items.iter().find(|i| {
                        i.payer == Payer::Employer && i.item == item && i.beneficiary == beneficiary
                    })
                })
                .map(|i| i.citation.clone())
                .unwrap_or_default()
        };
        if let Some(award) = &approved {
            for it in award
                .items
                .iter()
                .filter(|i| i.payer == Payer::Employer && i.periodicity == Periodicity::OneTime)
            {
                match lines
                    .iter_mut()
                    .find(|l| l.item == it.item && l.beneficiary == it.beneficiary)
                {
                    Some(l) => {
                        l.amount = add(l.amount, it.amount)?;
                        l.owed = add(l.owed, it.amount)?;
                    }
                    None => lines.push(UnitDueLine {
                        item: it.item,
                        beneficiary: it.beneficiary.clone(),
                        periodicity: Periodicity::OneTime,
                        citation: it.citation.clone(),
                        amount: it.amount,
                        from_month: None,
                        until_month: None,
                        months_owed: 0,
                        owed: it.amount,
                        paid: Money::ZERO,
                        outstanding: Money::ZERO,
                    }),
                }
            }
        }
        for b in self
            .store
            .periodic_benefits_of_case(row.id)?
            .into_iter()
            .filter(|b| b.payer == Payer::Employer)
        {
            let last = b.end_month.map_or(as_of, |e| e.min(as_of));
            let mut owed = Money::ZERO;
            let mut months = 0u32;
            let mut amount = Money::ZERO;
            let mut m = b.start_month;
            while m <= last {
                amount = b
                    .amounts
                    .iter()
                    .rfind(|a| a.from_month <= m)
                    .map_or(Money::ZERO, |a| a.amount);
                owed = add(owed, amount)?;
                months += 1;
                m = m.next();
            }
            if months == 0 {
                amount = b.amounts.first().map_or(Money::ZERO, |a| a.amount);
            }
            match lines
                .iter_mut()
                .find(|l| l.item == b.item && l.beneficiary == b.beneficiary)
            {
                // A benefit of an earlier award ended and this one follows it.
                Some(l) => {
                    l.owed = add(l.owed, owed)?;
                    l.months_owed += months;
                    l.from_month = l
                        .from_month
                        .min(Some(b.start_month))
                        .or(Some(b.start_month));
                    l.until_month = b.end_month;
                    l.amount = amount;
                }
                None => lines.push(UnitDueLine {
                    item: b.item,
                    beneficiary: b.beneficiary.clone(),
                    periodicity: Periodicity::Monthly,
                    citation: citation_of(b.item, &b.beneficiary),
                    amount,
                    from_month: Some(b.start_month),
                    until_month: b.end_month,
                    months_owed: months,
                    owed,
                    paid: Money::ZERO,
                    outstanding: Money::ZERO,
                }),
            }
        }
        for p in &payments {
            if let Some(l) = lines
                .iter_mut()
                .find(|l| l.item == p.item && l.beneficiary == p.beneficiary)
            {
                l.paid = add(l.paid, p.amount)?;
            }
        }
        let (mut owed, mut paid) = (Money::ZERO, Money::ZERO);
        for l in &mut lines {
            l.outstanding = Money::from_fen(l.owed.fen() - l.paid.fen());
            owed = add(owed, l.owed)?;
            paid = add(paid, l.paid)?;
        }
        let agency = actor.is_agency();
        Ok(UnitDues {
            case_number: row.number.clone(),
            unit: row.unit,
            as_of,
            outstanding: Money::from_fen(owed.fen() - paid.fen()),
            owed,
            paid,
            lines,
            payments: payments.into_iter().map(|p| view_of(p, agency)).collect(),
        })
    }

    /// Records that the unit paid the worker `amount` of one item it owes
    /// under the approved award (agency clerks, on the unit's receipt). The
    /// item must be one the unit owes; the amount may not exceed what is
    /// owed of it up to the month paid (a month not yet owed is not paid
    /// ahead); the day may not be after today.
    pub fn record_unit_due_payment(
        &self,
        actor: &Actor,
        number: &str,
        req: &UnitDuePaymentRequest,
    ) -> Result<UnitDuePaymentView, AppError> {
        actor.authorize(Action::RecordUnitDuePayment)?;
        let row = self.case_row(actor, number)?;
        let beneficiary = req
            .beneficiary
            .clone()
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| super::THE_WORKER.to_owned());
        if req.amount.fen() <= 0 {
            return Err(AppError::invalid(
                "amount",
                format!("{} yuan: more than 0.00 / 金额须大于0", req.amount),
            ));
        }
        if req.document.trim().is_empty() {
            return Err(AppError::invalid(
                "document",
                "name the unit's receipt or transfer slip / 请填写单位支付凭证",
            ));
        }
        if req.paid_on > self.case_today() {
            return Err(AppError::invalid(
                "paid_on",
                format!("{} is after today / 支付日期晚于今天", req.paid_on),
            ));
        }
        let dues = self.dues_of(actor, &row, Month::of(req.paid_on))?;
        let Some(line) = dues
            .lines
            .iter()
            .find(|l| l.item == req.item && l.beneficiary == beneficiary)
        else {
            return Err(AppError::invalid(
                "item",
                format!(
                    "the unit owes no {} to {beneficiary} under the approved award of case {number} / 经核准的待遇中无用人单位应向该人员支付的{}",
                    req.item.label_en(),
                    req.item.label_zh()
                ),
            ));
        };
        if req.amount > line.outstanding {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "{} is more than the {} the unit owes of {} up to {} / 超过截至{}应付未付的{}元",
                    req.amount,
                    line.outstanding.max(Money::ZERO),
                    req.item.label_en(),
                    dues.as_of,
                    dues.as_of,
                    line.outstanding.max(Money::ZERO)
                ),
            ));
        }
        let stored = self.store.record_unit_due_payment(
            &NewUnitDuePayment {
                case_id: row.id,
                item: req.item,
                beneficiary,
                paid_on: req.paid_on,
                amount: req.amount,
                correction_of: None,
                document: req.document.clone(),
                note: req.note.clone(),
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(view_of(stored, actor.is_agency()))
    }

    /// Corrects a mistaken record of the unit's payment by its negative
    /// (the record stays; the pair cancels out).
    pub fn correct_unit_due_payment(
        &self,
        actor: &Actor,
        number: &str,
        payment_id: i64,
        reason: &str,
    ) -> Result<UnitDuePaymentView, AppError> {
        actor.authorize(Action::RecordUnitDuePayment)?;
        let row = self.case_row(actor, number)?;
        if reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why the record is wrong / 请说明更正原因",
            ));
        }
        let corrected = self
            .store
            .unit_due_payments_of_case(row.id)?
            .into_iter()
            .find(|p| p.id == payment_id)
            .ok_or_else(|| AppError::NotFound {
                entity: "unit due payment",
                key: payment_id.to_string(),
            })?;
        let stored = self.store.record_unit_due_payment(
            &NewUnitDuePayment {
                case_id: row.id,
                item: corrected.item,
                beneficiary: corrected.beneficiary.clone(),
                paid_on: self.case_today(),
                amount: Money::from_fen(-corrected.amount.fen()),
                correction_of: Some(corrected.id),
                document: corrected.document.clone(),
                note: reason.trim().to_owned(),
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(view_of(stored, actor.is_agency()))
    }
}

fn view_of(p: UnitDuePaymentRow, agency: bool) -> UnitDuePaymentView {
    UnitDuePaymentView {
        id: p.id,
        item: p.item,
        beneficiary: p.beneficiary,
        paid_on: p.paid_on,
        amount: p.amount,
        correction_of: p.correction_of,
        document: p.document,
        note: agency.then_some(p.note),
        recorded_by: agency.then_some(p.recorded_by),
    }
}
