//! What a successor unit inherits from its predecessor (issue 17; Regulations
//! Art 43(1): 用人单位分立、合并、转让的，承继单位应当承担原用人单位的工伤保险
//! 责任):
//!
//! - the predecessor's unpaid bills and their late fees, taken over by the
//!   successor of a merger or a transfer as the clerk records it
//!   (`take_over_debts`, action `RecordSuccession`): one row per bill in
//!   `succession_debts` (migration 0340), all or none, audited, idempotent
//!   (taking over again adds only the bills owed since). The bill stays the
//!   predecessor's (its reference, its ledger transaction and the months of
//!   cover it bought are the predecessor's workers'); the debt is the
//!   successor's: `unit_owes` counts it at the successor and no longer at the
//!   predecessor, so the predecessor's cancellation (Decree 765 Art 10) is no
//!   longer held by it, and a payment of the bill (whoever brings it) settles
//!   it. A division is refused: 民法典 Art 67(2) makes the units after a
//!   division jointly liable for the debts, unless agreed otherwise, so the
//!   bill stays on the predecessor and the agency may claim it from any of
//!   them (see DESIGN.md).
//! - the employer-paid periodic benefits of the predecessor's cases
//!   (`inherited_of_unit`): the domain's `liability::liable_unit` answers
//!   whose they are now; the case's payers (`case_payers`) name the unit of
//!   each employer line, split at the succession.
//!
//! The instruments searched (社会保险费申报缴纳管理规定, 人社部令第20号; the
//! Social Insurance Law; the 征缴暂行条例) were not found to say who owes a
//! predecessor's unpaid premiums after a merger: the rule is 民法典 Art 67(1)
//! (法人合并的，其权利和义务由合并后的法人享有和承担) for a merger and, for a
//! transfer, an interpretation of Regulations Art 43(1) (the successor bears
//! the predecessor's work-injury insurance liability, its premiums included).

use std::collections::BTreeMap;

use gongshang_domain::ids::CreditCode;
use gongshang_domain::liability::SuccessionKind;
use gongshang_domain::month::Month;
use gongshang_rules::{Item, Money, Payer};
use gongshang_store::liability::NewSuccessionDebt;
pub use gongshang_store::liability::SuccessionDebtRow;
use gongshang_store::views::ListQuery;
use gongshang_store::{BillStatus, StoreError};
use serde::Serialize;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::liability::SuccessionRow;
use crate::services::App;

/// The rule a taking over of debts rests on, kept in its views.
pub const DEBT_TAKEOVER_BASIS: &str = "《工伤保险条例》第四十三条第一款；《民法典》第六十七条第一款（合并）；转让：对第四十三条第一款的解释 / Regulations Art 43(1); Civil Code Art 67(1) (merger); a transfer: an interpretation of Art 43(1)";

/// What taking over the predecessor's debts did.
#[derive(Clone, Debug, Serialize)]
pub struct DebtTakeover {
    pub succession: SuccessionRow,
    /// The bills taken over now (none when `already_recorded`).
    pub taken: Vec<SuccessionDebtRow>,
    /// Everything was taken over before on this succession: nothing changed.
    pub already_recorded: bool,
    pub basis: &'static str,
}

/// A bill a unit owes through a succession, with what it owes today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InheritedDebt {
    pub taken_over: SuccessionDebtRow,
    /// The premiums still outstanding on the bill.
    pub premiums: Money,
    /// The late fee run up on them and the fees assessed and not paid.
    pub late_fees: Money,
}

/// A periodic benefit of a predecessor's case the unit now pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InheritedBenefit {
    pub case_number: String,
    /// The unit the case was filed under.
    pub case_unit: CreditCode,
    pub benefit_id: i64,
    pub item: Item,
    pub beneficiary: String,
    /// The first month the unit pays (the month the succession took effect,
    /// or the benefit's first month when later).
    pub from_month: Month,
    pub until_month: Option<Month>,
    /// The amount in force this month.
    pub amount: Option<Money>,
    /// The succession that moved it: kind, day and document.
    pub kind: SuccessionKind,
    pub effective_on: jiff::civil::Date,
    pub document: Option<String>,
}

/// What a unit took over from its predecessors.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Inherited {
    pub unit: Option<CreditCode>,
    pub debts: Vec<InheritedDebt>,
    pub benefits: Vec<InheritedBenefit>,
    /// Bills of the unit's own that another unit took over.
    pub passed_on: Vec<SuccessionDebtRow>,
}

impl Inherited {
    pub fn debts_total(&self) -> Money {
        self.debts.iter().fold(Money::ZERO, |acc, d| {
            acc.checked_add(d.premiums)
                .and_then(|a| a.checked_add(d.late_fees))
                .unwrap_or(acc)
        })
    }
}

/// Who owes each bill that was ever taken over: the successor of its last
/// taking over (rows in the order recorded).
fn debtors(rows: &[SuccessionDebtRow]) -> BTreeMap<i64, &SuccessionDebtRow> {
    let mut map = BTreeMap::new();
    for r in rows {
        map.insert(r.bill_id, r);
    }
    map
}

impl App {
    /// The bills of `unit`'s own that another unit owes now, and the bills
    /// of others `unit` owes now (no permission check: the caller's).
    pub(crate) fn debts_moved(
        &self,
        unit: &CreditCode,
    ) -> Result<(Vec<i64>, Vec<SuccessionDebtRow>), AppError> {
        let rows = self.store.succession_debts_touching(unit)?;
        let mut passed = Vec::new();
        let mut owed = Vec::new();
        for (bill, last) in debtors(&rows) {
            if &last.to_unit == unit {
                owed.push(last.clone());
            } else if &last.bill_unit == unit || &last.from_unit == unit {
                passed.push(bill);
            }
        }
        Ok((passed, owed))
    }

    /// What a bill owes today: the outstanding premiums and the late fee
    /// run up on them, and the fees assessed and not paid.
    pub(crate) fn bill_owes_today(&self, status: &BillStatus) -> Result<(Money, Money), AppError> {
        let today = self.today();
        let rate = self
            .policy()
            .at("national", "contribution.late_fee_daily_rate", today)?
            .rate();
        let running = if status.outstanding > Money::ZERO {
            // from the effective due day: a deferral's (缓缴) repayment day
            let due = status.effective_due_date();
            gongshang_rules::late_fee::late_fee(status.outstanding, due, today, rate)
        } else {
            Money::ZERO
        };
        let assessed = self
            .store
            .late_fees_of_bill(status.bill_id)?
            .map_or(Money::ZERO, |f| f.owed);
        Ok((
            status.outstanding,
            running.checked_add(assessed).unwrap_or(running),
        ))
    }

    /// Takes over the predecessor's unpaid bills and late fees for the
    /// successor of a recorded merger or transfer (agency clerk, action
    /// `RecordSuccession`): every bill the predecessor owes today (its own
    /// with premiums outstanding or late fees unpaid, and those it took over
    /// itself), in one transaction with one audit row. Again on the same
    /// succession it takes over only what was billed since, and reports
    /// `already_recorded` when nothing is new. Refused: a contracting out
    /// (Art 43(2) moves nothing), a division (joint debts, 民法典 Art 67(2)),
    /// nothing owed.
    pub fn take_over_debts(
        &self,
        actor: &Actor,
        predecessor: &CreditCode,
        successor: &CreditCode,
    ) -> Result<DebtTakeover, AppError> {
        actor.authorize(Action::RecordSuccession)?;
        let succession = self
            .store
            .successions_of_unit(predecessor)?
            .into_iter()
            .filter(|s| &s.predecessor == predecessor && &s.successor == successor)
            .min_by_key(|s| !s.kind.moves_liability())
            .ok_or_else(|| AppError::NotFound {
                entity: "unit succession",
                key: format!("{} -> {}", predecessor.as_str(), successor.as_str()),
            })?;
        if succession.kind == SuccessionKind::ContractingOut {
            return Err(AppError::Conflict {
                entity: "unit succession",
                reason: "contracting out leaves the unit's obligations with it (Regulations Art 43(2)): nothing is taken over / 承包经营的，原单位的义务不转移（《工伤保险条例》第四十三条第二款）".into(),
            });
        }
        if succession.kind == SuccessionKind::Division {
            return Err(AppError::Conflict {
                entity: "unit succession",
                reason: "after a division the units are jointly liable for the predecessor's debts unless agreed otherwise (Civil Code Art 67(2)): the bills stay with the predecessor and may be claimed from any of them / 法人分立的，分立后的法人承担连带债务（《民法典》第六十七条第二款），欠费仍记在原单位名下，可向任一分立后单位追缴".into(),
            });
        }
        let today = self.today();
        if succession.effective_on > today {
            return Err(AppError::invalid(
                "effective_on",
                format!(
                    "the succession takes effect on {}, after today ({today})",
                    succession.effective_on
                ),
            ));
        }
        let (passed, owed_through) = self.debts_moved(predecessor)?;
        let mut candidates: BTreeMap<i64, BillStatus> = BTreeMap::new();
        let mut after_id = 0;
        loop {
            let page = self.store.bill_rows(&ListQuery {
                after_id,
                limit: 500,
                unit: Some(*predecessor),
                outstanding_only: true,
                ..ListQuery::default()
            })?;
            for b in &page {
                candidates.insert(b.status.bill_id, b.status.clone());
            }
            match page.last() {
                Some(last) if page.len() == 500 => after_id = last.status.bill_id,
                _ => break,
            }
        }
        let more = self
            .store
            .late_fees_of_unit(predecessor)?
            .into_iter()
            .filter(|f| f.owed > Money::ZERO)
            .map(|f| f.bill_id)
            .chain(owed_through.iter().map(|d| d.bill_id));
        for bill in more {
            if let std::collections::btree_map::Entry::Vacant(v) = candidates.entry(bill) {
                v.insert(self.store.bill_status(bill)?);
            }
        }
        let before: Vec<i64> = self
            .store
            .succession_debts_touching(successor)?
            .iter()
            .filter(|r| r.succession_id == succession.id)
            .map(|r| r.bill_id)
            .collect();
        let mut debts = Vec::new();
        for (bill, status) in &candidates {
            if passed.contains(bill) || before.contains(bill) {
                continue;
            }
            let (premiums, late_fees) = self.bill_owes_today(status)?;
            if premiums.fen() + late_fees.fen() > 0 {
                debts.push(NewSuccessionDebt {
                    bill_id: *bill,
                    premiums,
                    late_fees,
                });
            }
        }
        if debts.is_empty() {
            if before.is_empty() {
                return Err(AppError::Conflict {
                    entity: "unit succession",
                    reason: format!(
                        "{0} owes no premiums or late fees to take over / {0} 没有欠缴的社会保险费或滞纳金可承继",
                        predecessor.as_str()
                    ),
                });
            }
            return Ok(DebtTakeover {
                succession,
                taken: Vec::new(),
                already_recorded: true,
                basis: DEBT_TAKEOVER_BASIS,
            });
        }
        let taken = self
            .store
            .record_succession_debts(
                succession.id,
                &debts,
                today,
                &actor.audit_name(),
                self.now(),
            )
            .map_err(|e| match e {
                StoreError::Duplicate { .. } => AppError::Conflict {
                    entity: "unit succession",
                    reason: "the debts were being taken over at the same time; ask again".into(),
                },
                other => other.into(),
            })?;
        Ok(DebtTakeover {
            succession,
            taken,
            already_recorded: false,
            basis: DEBT_TAKEOVER_BASIS,
        })
    }

    /// What a unit took over from its predecessors (agency staff, or the
    /// unit itself): the bills it owes through a succession with what they
    /// owe today, the employer-paid periodic benefits of its predecessors'
    /// cases it pays now, and its own bills another unit took over.
    pub fn inherited_of_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Inherited, AppError> {
        actor.authorize(Action::ReadBills)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        let (_, owed) = self.debts_moved(unit)?;
        let mut debts = Vec::with_capacity(owed.len());
        for d in owed {
            let status = self.store.bill_status(d.bill_id)?;
            let (premiums, late_fees) = self.bill_owes_today(&status)?;
            debts.push(InheritedDebt {
                taken_over: d,
                premiums,
                late_fees,
            });
        }
        let passed_on: Vec<SuccessionDebtRow> = {
            let rows = self.store.succession_debts_touching(unit)?;
            debtors(&rows)
                .into_values()
                .filter(|r| &r.bill_unit == unit && &r.to_unit != unit)
                .cloned()
                .collect()
        };
        Ok(Inherited {
            unit: Some(*unit),
            debts,
            benefits: self.inherited_benefits(unit)?,
            passed_on,
        })
    }

    /// The units `unit` succeeded by a division, merger or transfer in
    /// effect today, and theirs in turn.
    pub(crate) fn predecessors_of(&self, unit: &CreditCode) -> Result<Vec<CreditCode>, AppError> {
        let today = self.today();
        let mut predecessors: Vec<CreditCode> = Vec::new();
        let mut frontier = vec![*unit];
        while let Some(u) = frontier.pop() {
            for s in self.store.successions_of_unit(&u)? {
                if s.successor == u
                    && s.kind.moves_liability()
                    && s.effective_on <= today
                    && !predecessors.contains(&s.predecessor)
                    && &s.predecessor != unit
                {
                    predecessors.push(s.predecessor);
                    frontier.push(s.predecessor);
                }
            }
        }
        Ok(predecessors)
    }

    /// The employer-paid periodic benefits of the cases of `unit`'s
    /// predecessors (by division, merger or transfer) that `unit` bears
    /// today by `liability::liable_unit`, running this month or later.
    pub(crate) fn inherited_benefits(
        &self,
        unit: &CreditCode,
    ) -> Result<Vec<InheritedBenefit>, AppError> {
        let today = self.today();
        let this_month = Month::of(today);
        let predecessors = self.predecessors_of(unit)?;
        let mut out = Vec::new();
        for p in &predecessors {
            let mut after_id = 0;
            loop {
                let page = self.store.case_rows(
                    &ListQuery {
                        after_id,
                        limit: 500,
                        unit: Some(*p),
                        ..ListQuery::default()
                    },
                    None,
                )?;
                for c in &page {
                    let benefits: Vec<_> = self
                        .store
                        .periodic_benefits_of_case(c.id)?
                        .into_iter()
                        .filter(|b| b.payer == Payer::Employer)
                        .filter(|b| b.end_month.is_none_or(|e| e >= this_month))
                        .collect();
                    if benefits.is_empty() {
                        continue;
                    }
                    let view =
                        self.liability_answer(*p, c.accident_date, Some(today), Some(&c.person))?;
                    if view.answer.liable_unit() != Some(unit) {
                        continue;
                    }
                    let Some(step) = view.answer.steps.iter().rev().find(|s| {
                        matches!(
                            s.rule,
                            gongshang_domain::liability::LiabilityRule::Successor(_)
                        )
                    }) else {
                        continue;
                    };
                    let kind = match step.rule {
                        gongshang_domain::liability::LiabilityRule::Successor(k) => k,
                        _ => continue,
                    };
                    for b in benefits {
                        let from_month = b.start_month.max(Month::of(step.from));
                        out.push(InheritedBenefit {
                            case_number: c.number.clone(),
                            case_unit: *p,
                            benefit_id: b.id,
                            item: b.item,
                            beneficiary: b.beneficiary.clone(),
                            from_month,
                            until_month: b.end_month,
                            amount: b
                                .amounts
                                .iter()
                                .rev()
                                .find(|a| a.from_month <= this_month)
                                .map(|a| a.amount),
                            kind,
                            effective_on: step.from,
                            document: step.document.clone(),
                        });
                    }
                }
                match page.last() {
                    Some(last) if page.len() == 500 => after_id = last.id,
                    _ => break,
                }
            }
        }
        Ok(out)
    }
}
