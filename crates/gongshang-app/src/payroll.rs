//! The monthly payroll of periodic benefits (disability allowance, living
//! care, survivors' pensions), their indexation, suspension and end.
//!
//! The run itself is one set-based store call: every running, unsuspended
//! fund benefit not yet paid for the month gets a line at the amount in force,
//! and the run's total posts one balanced ledger transaction in the same
//! database transaction. A line is keyed by (benefit, month), so a second run
//! of a month pays nothing twice.

use gongshang_domain::ids::CreditCode;
use gongshang_domain::ids::{IdempotencyKey, ReferenceId};
use gongshang_domain::ledger;
use gongshang_domain::month::Month;
use gongshang_rules::rate::Rate;
use gongshang_rules::{Item, Money};
use gongshang_store::StoreError;
use gongshang_store::cases::{MedicalBaseRow, NewBenefitAmount, NewIndexation, PayrollRunRow};
use serde::Serialize;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::export::{Cell, Table};
use crate::lang::Lang;
use crate::services::App;

/// The article that makes the allowance the base (条例 Art 35 para 2, the
/// map's 35(3)).
pub const MEDICAL_BASE_ARTICLE_ZH: &str = "《工伤保险条例》第三十五条第二款";
pub const MEDICAL_BASE_ARTICLE_EN: &str =
    "Regulations on Work-Related Injury Insurance Art 35, para 2";

/// A month's medical insurance bases (Regulations Art 35 para 2: 职工因工致残被
/// 鉴定为一级至四级伤残的，由用人单位和职工个人以伤残津贴为基数，缴纳基本医疗保险费).
/// The base is the allowance in force in the month, whoever pays it; the
/// rates and the collection are the medical insurance's, not this system's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MedicalBases {
    pub month: Month,
    /// The unit asked about (none: every unit).
    pub unit: Option<CreditCode>,
    pub rows: Vec<MedicalBaseRow>,
    /// The sum of the bases.
    pub total: Money,
}

impl MedicalBases {
    /// The list as a table for CSV or xlsx: the unit declares these to the
    /// medical insurance agency, so the resident id is written whole.
    pub fn table(&self, lang: Lang) -> Table {
        let t = |zh: &str, en: &str| lang.t(zh, en).to_owned();
        Table {
            name: t("伤残津贴医保缴费基数", "Medical insurance bases"),
            headers: vec![
                t("月份", "Month"),
                t("单位代码", "Unit code"),
                t("单位", "Unit"),
                t("案件编号", "Case"),
                t("姓名", "Name"),
                t("身份证号", "Resident id"),
                t("伤残等级", "Grade"),
                t("伤残津贴支付方", "Allowance paid by"),
                t("缴费基数（元）", "Base (yuan)"),
                t("依据", "Article"),
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(self.month.to_string()),
                        Cell::Text(r.unit_code.clone().unwrap_or_default()),
                        Cell::Text(r.unit_name.clone().unwrap_or_default()),
                        Cell::Text(r.case_number.clone()),
                        Cell::Text(r.name.clone().unwrap_or_default()),
                        Cell::Text(r.resident_id.clone()),
                        Cell::Int(r.grade),
                        Cell::Text(payer_words(r.payer, lang).to_owned()),
                        Cell::Money(r.base),
                        Cell::Text(
                            lang.t(MEDICAL_BASE_ARTICLE_ZH, MEDICAL_BASE_ARTICLE_EN)
                                .to_owned(),
                        ),
                    ]
                })
                .collect(),
        }
    }
}

/// Who pays an allowance, in words (the rules engine's labels).
pub fn payer_words(payer: gongshang_rules::Payer, lang: Lang) -> &'static str {
    lang.t(payer.label_zh(), payer.label_en())
}

/// An adjustment of periodic benefits from a month on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Indexation {
    /// Every running fund benefit (of an item, if given) up by a rate, e.g.
    /// `3%`, rounded half away from zero to the fen.
    Percentage { rate: Rate, item: Option<Item> },
    /// One benefit's new monthly amount.
    NewAmount { benefit_id: i64, amount: Money },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Indexed {
    pub from_month: Month,
    pub benefits: u64,
}

/// Why a periodic benefit ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BenefitEnd {
    /// The beneficiary died in `month`: paid for the month, not after.
    Death { month: Month },
    /// A surviving spouse remarried in `month` (供养亲属: remarriage ends the pension).
    Remarriage { month: Month },
    /// A dependant turned 18 in `month`: paid up to the month before.
    TurnedEighteen { month: Month },
}

impl BenefitEnd {
    fn last_month_and_reason(&self) -> Result<(Month, &'static str), AppError> {
        Ok(match self {
            BenefitEnd::Death { month } => (*month, "death"),
            BenefitEnd::Remarriage { month } => (*month, "remarriage"),
            BenefitEnd::TurnedEighteen { month } => (previous(*month)?, "dependant_turns_18"),
        })
    }
}

fn previous(m: Month) -> Result<Month, AppError> {
    let day = m
        .first_day()
        .yesterday()
        .map_err(|e| AppError::invalid("month", e.to_string()))?;
    Ok(Month::of(day))
}

impl App {
    /// Pays `month`: every running, unsuspended fund benefit not yet paid for
    /// it, with one ledger transaction for the run. Running it again pays
    /// only what was not paid (nothing, unless benefits were added or resumed).
    pub fn run_payroll(&self, actor: &Actor, month: Month) -> Result<PayrollRunRow, AppError> {
        actor.authorize(Action::RunPayroll)?;
        let posting = |run_id: i64, totals: &gongshang_store::cases::PayrollTotals| {
            if totals.total == Money::ZERO {
                return Ok(None);
            }
            let key = format!("payroll-{month}-r{run_id}");
            let build = || -> Result<ledger::Transaction, gongshang_domain::DomainError> {
                ledger::periodic_benefits_paid(
                    IdempotencyKey::parse(&key)?,
                    ReferenceId::parse(&key)?,
                    totals.total,
                )
            };
            build().map(Some).map_err(|e| StoreError::InvalidData {
                field: "payroll",
                reason: e.to_string(),
            })
        };
        let mut run = self
            .store
            .run_payroll(month, &posting, &actor.audit_name(), self.now())?;
        // Order 15 Art 8 with Regulations Art 62(2): the monthly items the
        // fund advances for an uninsured unit that does not pay, in their
        // own transaction under the run (a failure leaves the month to the
        // next run, which advances only what was not).
        let advanced = self.pay_advance_months(actor, month, run.id)?;
        run.advance_lines = advanced.lines;
        run.advance_total = advanced.total;
        Ok(run)
    }

    pub fn payroll_runs(
        &self,
        actor: &Actor,
        month: Month,
    ) -> Result<Vec<PayrollRunRow>, AppError> {
        actor.authorize(Action::ReadPayroll)?;
        let mut runs = self.store.payroll_runs(month)?;
        for r in &mut runs {
            (r.advance_lines, r.advance_total) = self.store.advance_months_of_run(r.id)?;
        }
        Ok(runs)
    }

    /// Records an indexation from `from_month` on. Months already paid are
    /// never changed (the store refuses): pay a difference as arrears.
    pub fn index_benefits(
        &self,
        actor: &Actor,
        from_month: Month,
        indexation: &Indexation,
        instrument: &str,
    ) -> Result<Indexed, AppError> {
        actor.authorize(Action::ManageBenefits)?;
        if instrument.trim().is_empty() {
            return Err(AppError::invalid(
                "instrument",
                "name the notice that decides the adjustment",
            ));
        }
        let (amounts, record) = match indexation {
            Indexation::Percentage { rate, item } => {
                let current = self.store.benefit_amounts_in(from_month, *item)?;
                let mut amounts = Vec::with_capacity(current.len());
                for (benefit_id, amount) in current {
                    let raise = amount.mul_rate(*rate);
                    amounts.push(NewBenefitAmount {
                        benefit_id,
                        from_month,
                        amount: amount
                            .checked_add(raise)
                            .ok_or_else(|| AppError::invalid("rate", "an amount beyond i64 fen"))?,
                        reason: format!("indexation {rate}"),
                    });
                }
                let record = NewIndexation {
                    from_month,
                    item: *item,
                    kind: "percentage".into(),
                    value: rate.to_string(),
                    instrument: instrument.to_owned(),
                };
                (amounts, record)
            }
            Indexation::NewAmount { benefit_id, amount } => {
                if amount.fen() < 0 {
                    return Err(AppError::invalid(
                        "amount",
                        format!("{amount} yuan is negative; 0.00 or more"),
                    ));
                }
                if self.store.periodic_benefit(*benefit_id)?.is_none() {
                    return Err(AppError::NotFound {
                        entity: "periodic benefit",
                        key: benefit_id.to_string(),
                    });
                }
                let amounts = vec![NewBenefitAmount {
                    benefit_id: *benefit_id,
                    from_month,
                    amount: *amount,
                    reason: "new amount".into(),
                }];
                let record = NewIndexation {
                    from_month,
                    item: None,
                    kind: "amount".into(),
                    value: amount.to_string(),
                    instrument: instrument.to_owned(),
                };
                (amounts, record)
            }
        };
        let n = self.store.add_benefit_amounts(
            &amounts,
            Some(&record),
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(Indexed {
            from_month,
            benefits: n,
        })
    }

    pub fn suspend_benefit(
        &self,
        actor: &Actor,
        benefit_id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        actor.authorize(Action::ManageBenefits)?;
        Ok(self.store.set_benefit_suspended(
            benefit_id,
            true,
            reason,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Resumes a suspended benefit: the months missed while suspended are paid
    /// by the next runs of those months (a run of a past month pays them).
    pub fn resume_benefit(
        &self,
        actor: &Actor,
        benefit_id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        actor.authorize(Action::ManageBenefits)?;
        Ok(self.store.set_benefit_suspended(
            benefit_id,
            false,
            reason,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Ends a benefit for a reason (death, remarriage, a dependant turning 18).
    pub fn end_benefit(
        &self,
        actor: &Actor,
        benefit_id: i64,
        end: &BenefitEnd,
    ) -> Result<(), AppError> {
        actor.authorize(Action::ManageBenefits)?;
        let (last, reason) = end.last_month_and_reason()?;
        if let BenefitEnd::TurnedEighteen { .. } = end {
            self.may_end_at_18(benefit_id)?;
        }
        Ok(self
            .store
            .end_benefit(benefit_id, last, reason, &actor.audit_name(), self.now())?)
    }

    /// Only a dependant's survivors' pension ends at 18, and not when the
    /// dependant is recorded fully unable to work (劳社部令第18号 Art 4(1):
    /// 年满18周岁且未完全丧失劳动能力的) or under a local rule's study exception.
    fn may_end_at_18(&self, benefit_id: i64) -> Result<(), AppError> {
        let benefit =
            self.store
                .periodic_benefit(benefit_id)?
                .ok_or_else(|| AppError::NotFound {
                    entity: "periodic benefit",
                    key: benefit_id.to_string(),
                })?;
        if benefit.item != Item::MonthlySurvivorPensions
            || !benefit.beneficiary.starts_with("dependant-")
        {
            return Err(AppError::invalid(
                "reason",
                format!(
                    "benefit {benefit_id} is {} of the {}; only a dependant's survivors' pension ends at 18 / 仅供养亲属（子女等）的抚恤金在年满18周岁时停发",
                    benefit.item.label_en(),
                    benefit.beneficiary
                ),
            ));
        }
        if let Some((_, Some(exception))) = self.store.beneficiary_of(benefit_id)? {
            return Err(AppError::invalid(
                "reason",
                format!(
                    "the dependant is recorded with the {} exception: the pension does not end at 18 (Order No. 18 Art 4(1)) / 已登记该供养亲属的例外情形（{}），年满18周岁不停发",
                    exception.as_str(),
                    match exception {
                        gongshang_domain::life_events::AgeException::Disability =>
                            "完全丧失劳动能力",
                        gongshang_domain::life_events::AgeException::Study => "在校就读",
                    }
                ),
            ));
        }
        Ok(())
    }

    /// A grade 1-4 worker retired and draws a basic pension from `from_month`:
    /// the disability allowance stops, and the fund pays only the difference
    /// when the pension is lower (条例 Art 35(3)); nothing when it is not.
    pub fn record_retirement(
        &self,
        actor: &Actor,
        benefit_id: i64,
        from_month: Month,
        pension_monthly: Money,
    ) -> Result<Money, AppError> {
        actor.authorize(Action::ManageBenefits)?;
        let benefit =
            self.store
                .periodic_benefit(benefit_id)?
                .ok_or_else(|| AppError::NotFound {
                    entity: "periodic benefit",
                    key: benefit_id.to_string(),
                })?;
        if benefit.item != Item::MonthlyDisabilityAllowance {
            return Err(AppError::invalid(
                "benefit_id",
                format!(
                    "benefit {benefit_id} is {}; retirement offsets the disability allowance",
                    benefit.item.label_en()
                ),
            ));
        }
        if pension_monthly.fen() < 0 {
            return Err(AppError::invalid(
                "pension",
                format!("{pension_monthly} yuan is negative; 0.00 or more"),
            ));
        }
        let allowance = benefit
            .amounts
            .iter()
            .rfind(|a| a.from_month <= from_month)
            .map_or(Money::ZERO, |a| a.amount);
        let top_up = Money::from_fen((allowance.fen() - pension_monthly.fen()).max(0));
        self.store.record_retirement(
            &NewBenefitAmount {
                benefit_id,
                from_month,
                amount: top_up,
                reason: format!("retired: pension {pension_monthly}, Art 35(3) difference"),
            },
            pension_monthly,
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(top_up)
    }

    /// The medical insurance bases of `month` (Regulations Art 35 para 2): each
    /// grade 1-4 worker's disability allowance in force in the month,
    /// running and not suspended, until the month the worker retires. A
    /// unit asks for its own workers (its own code when `unit` is none);
    /// agency staff for one unit or every unit.
    ///
    /// The unit that pays is the one bearing the case's liability in the
    /// month: after a division, merger or transfer, its successor from the
    /// month the succession takes effect (Regulations Art 43(1)), which then
    /// lists the predecessor's workers as its own.
    pub fn medical_insurance_bases(
        &self,
        actor: &Actor,
        month: Month,
        unit: Option<&CreditCode>,
    ) -> Result<MedicalBases, AppError> {
        actor.authorize(Action::ReadMedicalInsuranceBases)?;
        let unit = unit.or(actor.unit()).copied();
        actor.require_reach(
            actor.reaches_unit(unit.as_ref()),
            "unit",
            unit.as_ref().map_or("*", CreditCode::as_str),
        )?;
        let rows = self.bases_by_paying_unit(month, unit.as_ref())?;
        let total = Money::from_fen(rows.iter().map(|r| r.base.fen()).sum());
        Ok(MedicalBases {
            month,
            unit,
            rows,
            total,
        })
    }

    /// The store's bases with each row's unit the one paying in `month`.
    /// Only the cases of units touched by a succession are looked at one by
    /// one; a unit in none reads its own rows straight from the store.
    fn bases_by_paying_unit(
        &self,
        month: Month,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<MedicalBaseRow>, AppError> {
        let successions = match unit {
            // The unit's own successions, and those of its predecessors in
            // turn: their workers may be the unit's to pay for now.
            Some(u) => {
                let mut found: Vec<crate::liability::SuccessionRow> = Vec::new();
                let mut frontier = vec![*u];
                let mut seen: Vec<CreditCode> = Vec::new();
                while let Some(x) = frontier.pop() {
                    if seen.contains(&x) {
                        continue;
                    }
                    seen.push(x);
                    for s in self.store.successions_of_unit(&x)? {
                        if found.iter().any(|f| f.id == s.id) {
                            continue;
                        }
                        if s.successor == x {
                            frontier.push(s.predecessor);
                        }
                        found.push(s);
                    }
                }
                if found.is_empty() {
                    return Ok(self
                        .store
                        .medical_insurance_bases(month, Some(u.as_str()))?);
                }
                found
            }
            None => Vec::new(),
        };
        let mut rows = self.store.medical_insurance_bases(month, None)?;
        let successions = if unit.is_some() {
            successions
        } else {
            let mut codes: Vec<CreditCode> = rows
                .iter()
                .filter_map(|r| r.unit_code.as_deref())
                .filter_map(|c| CreditCode::parse(c).ok())
                .collect();
            codes.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
            codes.dedup();
            self.store.successions_from(&codes)?
        };
        let mut names: std::collections::HashMap<CreditCode, String> =
            std::collections::HashMap::new();
        for s in &successions {
            names.insert(s.predecessor, s.predecessor_name.clone());
            names.insert(s.successor, s.successor_name.clone());
        }
        for r in &mut rows {
            let touched = r
                .case_unit_code
                .as_deref()
                .and_then(|c| CreditCode::parse(c).ok())
                .is_some_and(|c| names.contains_key(&c));
            if !touched {
                continue;
            }
            let Some(case) = self.store.case_by_number(&r.case_number)? else {
                continue;
            };
            let paying = self.employer_in_month(&case, month)?;
            r.unit_code = paying.map(|u| u.as_str().to_owned());
            r.unit_name = paying.and_then(|u| names.get(&u).cloned());
        }
        if let Some(u) = unit {
            rows.retain(|r| r.unit_code.as_deref() == Some(u.as_str()));
        }
        rows.sort_by(|a, b| (&a.unit_code, &a.case_number).cmp(&(&b.unit_code, &b.case_number)));
        Ok(rows)
    }
}
