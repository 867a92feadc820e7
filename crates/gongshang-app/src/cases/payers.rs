//! Who pays when the unit had not insured the worker (Regulations Art
//! 62(2)-(3)): the finding read from the stored coverage of the case's unit
//! on the accident day, the unit's back-payment as the agency records it,
//! and each item's payer and since when. The rule is the rules engine's
//! (`gongshang_rules::uninsured::payer_of`); here it is only asked.

use gongshang_rules::arrears::{self, Arrears, DatedPayment, UnitBill};
use gongshang_rules::award::Periodicity;
use gongshang_rules::uninsured::{self, Cost, Uninsured};
use gongshang_rules::{Item, Payer};
use gongshang_store::{BackPaymentRow, NewBackPayment};

use super::*;
use crate::coverage::CoverageReason;

/// A back-payment as a clerk records it (Regulations Art 62(3)).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackPaymentRequest {
    pub unit: CreditCode,
    pub scheme_id: SchemeId,
    /// The first and last day of the uninsured period the premiums were owed for.
    pub period_from: Date,
    pub period_until: Date,
    /// The day the premiums and the late fees were settled.
    pub settled_on: Date,
    pub premiums: Money,
    pub late_fees: Money,
    /// The receipt or the agency's notice it rests on.
    pub document: String,
}

/// Why the unit pays what the fund would have paid.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UninsuredGround {
    /// The unit had not insured the worker (Regulations Art 62(2)).
    NotEnrolled,
    /// The unit had enrolled the worker but was in arrears with premiums
    /// due before the accident day (Social Insurance Law Art 41, read with
    /// Art 62(2)).
    InArrears,
}

/// What the stored coverage and the unit's bills say of the case's unit on
/// the accident day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Art62Finding {
    /// Whether Art 62 applies: the unit had not insured the worker, or was
    /// in arrears (Social Insurance Law Art 41).
    pub uninsured: bool,
    /// Why (the coverage answer's reason on the accident day).
    pub coverage_reason: CoverageReason,
    /// Why the unit pays, when it does.
    pub ground: Option<UninsuredGround>,
    /// The unit's bills in arrears on the accident day and the day it
    /// settled them with their late fees (`gongshang_rules::arrears`).
    pub arrears: Option<Arrears>,
    /// The unit's back-payment whose period holds the accident, the
    /// earliest settled (Art 62(3)).
    pub back_payment: Option<BackPaymentRow>,
}

impl Art62Finding {
    /// The day of Art 62(3)'s back-payment: the earliest of the recorded
    /// back-payment and the settlement of the arrears with late fees.
    pub fn back_paid_on(&self) -> Option<Date> {
        let recorded = self.back_payment.as_ref().map(|b| b.settled_on);
        let settled = self.arrears.as_ref().and_then(|a| a.settled_on);
        match (recorded, settled) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Why the unit pays, in a sentence of `lang` for the payers page and
    /// the API (never a code): not enrolled, or in arrears with the months,
    /// their due dates and what was owed, and when the arrears were settled
    /// with their late fees. None when the unit had insured the worker.
    pub fn why(&self, lang: crate::Lang) -> Option<String> {
        let zh = lang == crate::Lang::Zh;
        match self.ground? {
            UninsuredGround::NotEnrolled => Some(if zh {
                "事故发生之日用人单位未为该职工参加工伤保险：由用人单位按照条例规定的待遇项目和标准支付（《工伤保险条例》第六十二条第二款）。".to_owned()
            } else {
                "The unit had not insured the worker on the accident day: the unit pays every item at the Regulations' standards (Regulations Art 62(2)).".to_owned()
            }),
            UninsuredGround::InArrears => {
                let a = self.arrears.as_ref()?;
                let bills: Vec<String> = a
                    .bills
                    .iter()
                    .map(|b| match (zh, b.deferred_to) {
                        (true, None) => format!(
                            "{}月（缴费期限{}，事故当日欠缴{}元）",
                            b.period, b.due_date, b.outstanding_on_accident
                        ),
                        (true, Some(repay_by)) => format!(
                            "{}月（缓缴，补缴截止日{}，事故当日欠缴{}元）",
                            b.period, repay_by, b.outstanding_on_accident
                        ),
                        (false, None) => format!(
                            "{} (due {}, {} yuan owed on the accident day)",
                            b.period, b.due_date, b.outstanding_on_accident
                        ),
                        (false, Some(repay_by)) => format!(
                            "{} (deferred, to be repaid by {}, {} yuan owed on the accident day)",
                            b.period, repay_by, b.outstanding_on_accident
                        ),
                    })
                    .collect();
                let mut out = if zh {
                    format!(
                        "事故发生之日用人单位已为该职工参保，但欠缴到期的工伤保险费：{}。由用人单位按照条例规定的待遇项目和标准支付（《社会保险法》第四十一条、《工伤保险条例》第六十二条第二款）。",
                        bills.join("、")
                    )
                } else {
                    format!(
                        "On the accident day the unit had enrolled the worker but was in arrears with the premiums of {}: the unit pays every item at the Regulations' standards (Social Insurance Law Art 41; Regulations Art 62(2)).",
                        bills.join(", ")
                    )
                };
                match a.settled_on {
                    Some(d) => {
                        let fees = Money::from_fen(a.bills.iter().map(|b| b.late_fees.fen()).sum());
                        out.push_str(&if zh {
                            format!(
                                "用人单位已于{d}缴清上述欠费及滞纳金{fees}元，视为补缴（第六十二条第三款）。"
                            )
                        } else {
                            format!(
                                " The unit settled these bills with {fees} yuan of late fees on {d}: the back-payment of Art 62(3)."
                            )
                        });
                    }
                    None => out.push_str(if zh {
                        "用人单位尚未缴清上述欠费及滞纳金。"
                    } else {
                        " The unit has not yet paid these bills and their late fees in full."
                    }),
                }
                Some(out)
            }
        }
    }

    /// The rules engine's finding (none: insured).
    pub fn uninsured(&self) -> Option<Uninsured> {
        self.uninsured.then(|| Uninsured {
            back_paid_on: self.back_paid_on(),
            in_arrears: self.ground == Some(UninsuredGround::InArrears),
        })
    }
}

/// One item of the case with its payer over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayerLine {
    pub item: Item,
    pub beneficiary: String,
    pub periodicity: Periodicity,
    pub payer: Payer,
    /// The first month (monthly items) this payer pays; none for a one-time item.
    pub from_month: Option<Month>,
    /// The last month this payer pays, when it ends.
    pub until_month: Option<Month>,
    /// The article the payer rests on (Art 62(2) or 62(3)); none: the
    /// Regulations' own payer.
    pub article: Option<gongshang_rules::trace::Article>,
    /// For an employer's line: the unit that pays it (these months of a
    /// monthly item), by `liability::liable_unit`; none when a division
    /// leaves it undetermined, or the payer is not the employer.
    pub unit: Option<CreditCode>,
    /// The succession that made `unit` the payer (Regulations Art 43(1)),
    /// when it is not the case's own unit.
    pub succession: Option<PayerSuccession>,
}

/// A division, merger or transfer that moved an employer's line to the
/// successor (Regulations Art 43(1)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayerSuccession {
    pub kind: gongshang_domain::liability::SuccessionKind,
    pub effective_on: Date,
    pub document: Option<String>,
}

/// The units that pay an employer's items over time: the case's unit from
/// the accident, then each successor from the day its succession took
/// effect (`liability::liable_unit` asked today).
#[derive(Clone, Debug, Default)]
struct EmployerUnits {
    /// (from day, unit, the succession that moved it there).
    steps: Vec<(Date, Option<CreditCode>, Option<PayerSuccession>)>,
}

impl EmployerUnits {
    /// The unit paying on `day`.
    fn on(&self, day: Date) -> (Option<CreditCode>, Option<PayerSuccession>) {
        self.steps
            .iter()
            .rev()
            .find(|(from, _, _)| *from <= day)
            .or(self.steps.first())
            .map(|(_, u, s)| (*u, s.clone()))
            .unwrap_or((None, None))
    }
}

/// Who pays what on a case, and since when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CasePayers {
    pub case_number: String,
    pub unit: Option<CreditCode>,
    pub scheme_id: SchemeId,
    /// None where Art 62 has nothing to say (no unit, or not an injury
    /// determination under a unit's insurance).
    pub finding: Option<Art62Finding>,
    /// The approved award's items and the periodic benefits, each with its payer.
    pub lines: Vec<PayerLine>,
    /// Medical, rehabilitation and device bills: the first day of service
    /// from which the fund pays them (none: never, while uninsured and not
    /// back-paid; the accident day when insured).
    pub medical_fund_from: Option<Date>,
    /// A back-payment was recorded after the approved award was computed
    /// on no back-payment: compute the award again to move the new costs.
    pub award_to_recompute: bool,
}

impl App {
    /// Records a unit's back-payment of the premiums and late fees of its
    /// uninsured period (Regulations Art 62(3)), as the agency received
    /// proof of it. The unit must be registered and enrolled in the scheme
    /// on the day settled (参加工伤保险并补缴); the period must end by that
    /// day and the day must not be ahead of today.
    pub fn record_back_payment(
        &self,
        actor: &Actor,
        req: &BackPaymentRequest,
    ) -> Result<BackPaymentRow, AppError> {
        actor.authorize(Action::RecordBackPayment)?;
        self.scheme(&req.scheme_id)?;
        let today = self.case_today();
        if req.period_until < req.period_from {
            return Err(AppError::invalid(
                "period_until",
                format!(
                    "{} is before the first day of the period, {}",
                    req.period_until, req.period_from
                ),
            ));
        }
        if req.settled_on < req.period_until {
            return Err(AppError::invalid(
                "settled_on",
                format!(
                    "{} is before the period's last day, {}; the premiums of a period are paid back after it",
                    req.settled_on, req.period_until
                ),
            ));
        }
        if req.settled_on > today {
            return Err(AppError::invalid(
                "settled_on",
                format!("{} is after today, {today}", req.settled_on),
            ));
        }
        if req.premiums.fen() <= 0 {
            return Err(AppError::invalid(
                "premiums",
                format!("{} yuan; more than 0.00", req.premiums),
            ));
        }
        if req.late_fees.fen() < 0 {
            return Err(AppError::invalid(
                "late_fees",
                format!("{} yuan; 0.00 or more", req.late_fees),
            ));
        }
        let document = req.document.trim();
        if document.is_empty() || document.chars().count() > 200 {
            return Err(AppError::invalid(
                "document",
                "the receipt or notice number, 1 to 200 characters",
            ));
        }
        if self.store.unit_by_code(&req.unit)?.is_none() {
            return Err(AppError::NotFound {
                entity: "unit",
                key: req.unit.as_str().to_owned(),
            });
        }
        let enrolled = self
            .store
            .enrollments_of_unit(&req.unit, Some(&req.scheme_id))?
            .iter()
            .any(|e| e.start <= req.settled_on && e.last_day.is_none_or(|l| req.settled_on <= l));
        if !enrolled {
            return Err(AppError::Conflict {
                entity: "back-payment",
                reason: format!(
                    "unit {} has no enrolment in {} running on {}; Art 62(3) asks the unit to enrol and pay back",
                    req.unit.as_str(),
                    req.scheme_id,
                    req.settled_on
                ),
            });
        }
        // Regulations Art 62(1): the premiums and late fees are the fund's
        // income, posted once under the back-payment's own key (a unit,
        // scheme and first day are recorded once).
        let key = format!(
            "bp:{}:{}:{}",
            req.unit.as_str(),
            req.scheme_id,
            req.period_from
        );
        let posting = gongshang_domain::ledger::back_payment_received(
            gongshang_domain::ids::IdempotencyKey::parse(&key)?,
            gongshang_domain::ids::ReferenceId::parse(&key)?,
            req.premiums,
            req.late_fees,
        )?;
        Ok(self.store.record_back_payment(
            &NewBackPayment {
                unit: req.unit,
                scheme_id: req.scheme_id.clone(),
                period_from: req.period_from,
                period_until: req.period_until,
                settled_on: req.settled_on,
                premiums: req.premiums,
                late_fees: req.late_fees,
                document: document.to_owned(),
            },
            &posting,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// A unit's back-payments (agency staff, or the unit itself).
    pub fn back_payments(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Vec<BackPaymentRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        Ok(self.store.back_payments_of_unit(unit)?)
    }

    /// Regulations Art 62 of a case: under an injury determination with a
    /// unit, whether the unit covered the worker in the case's scheme on the
    /// accident day by the stored coverage, and the back-payment whose
    /// period holds the accident. A posting abroad (Art 44) is no failure
    /// to insure: Art 62 does not apply.
    pub(crate) fn art62_finding(&self, row: &CaseRow) -> Result<Option<Art62Finding>, AppError> {
        let Some(unit) = row.unit else {
            return Ok(None);
        };
        if row.flow != Flow::Determination {
            return Ok(None);
        }
        let answer =
            self.coverage_answer(&row.person, At::Day(row.accident_date), Some(&unit), None)?;
        let covered = answer.covers.iter().any(|c| c.scheme_id == row.scheme_id);
        // Enrolled and covered, but in arrears on the day (Social Insurance
        // Law Art 41): the unit pays as if it had not enrolled.
        let arrears = if covered {
            self.arrears_on(&unit, &row.scheme_id, row.accident_date)?
        } else {
            None
        };
        let not_enrolled = !covered && answer.reason != CoverageReason::Suspended;
        let uninsured = not_enrolled || arrears.is_some();
        let ground = if not_enrolled {
            Some(UninsuredGround::NotEnrolled)
        } else if arrears.is_some() {
            Some(UninsuredGround::InArrears)
        } else {
            None
        };
        let back_payment = if uninsured {
            // The back-payment may be the successor's: after a division,
            // merger or transfer it bears the predecessor's liability
            // (Regulations Art 43(1)) and pays back its uninsured period
            // (Art 62(3)); the earliest settled of any of them counts.
            let mut units = vec![unit];
            let view = self.liability_answer(unit, row.accident_date, None, Some(&row.person))?;
            for s in &view.answer.steps {
                if !units.contains(&s.unit) {
                    units.push(s.unit);
                }
            }
            let mut found: Option<BackPaymentRow> = None;
            for u in &units {
                for b in self.store.back_payments_of_unit(u)? {
                    if b.scheme_id == row.scheme_id
                        && b.period_from <= row.accident_date
                        && row.accident_date <= b.period_until
                        && found.as_ref().is_none_or(|f| b.settled_on < f.settled_on)
                    {
                        found = Some(b);
                    }
                }
            }
            found
        } else {
            None
        };
        Ok(Some(Art62Finding {
            uninsured,
            coverage_reason: if covered {
                CoverageReason::Covered
            } else {
                answer.reason
            },
            ground,
            arrears,
            back_payment,
        }))
    }

    /// The unit's arrears on `day` in `scheme` (Social Insurance Law Art
    /// 41): its monthly bills due before the day with their payments and
    /// late fees and the deferrals in force (缓缴), read by
    /// `gongshang_rules::arrears::arrears_on`.
    fn arrears_on(
        &self,
        unit: &CreditCode,
        scheme: &SchemeId,
        day: Date,
    ) -> Result<Option<Arrears>, AppError> {
        let bills = self.store.unit_bills_with_payments(unit, scheme, day)?;
        if bills.is_empty() {
            return Ok(None);
        }
        let fees = self.store.late_fees_of_unit(unit)?;
        // An approved deferral (缓缴) makes a deferred month's bill due by
        // its repayment day (人社部发〔2022〕31号: no arrears before it); the
        // store reads it with the bill.
        let bills: Vec<UnitBill> = bills
            .into_iter()
            .map(|b| {
                let fee = fees.iter().find(|f| f.bill_id == b.status.bill_id);
                UnitBill {
                    bill_id: b.status.bill_id,
                    period: b.status.period.clone(),
                    due_date: b.status.due_date,
                    deferred_to: b.status.deferred_to,
                    amount: b.status.amount,
                    payments: b
                        .payments
                        .iter()
                        .map(|p| DatedPayment {
                            paid_on: p.paid_on,
                            amount: p.amount,
                        })
                        .collect(),
                    late_fees_assessed: fee.map_or(Money::ZERO, |f| f.assessed),
                    late_fee_payments: fee
                        .map(|f| {
                            f.payments
                                .iter()
                                .map(|p| DatedPayment {
                                    paid_on: p.paid_on,
                                    amount: p.amount,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        Ok(arrears::arrears_on(&bills, day))
    }

    /// The rules engine's finding for a case's award (none: insured).
    pub(crate) fn uninsured_of(&self, row: &CaseRow) -> Result<Option<Uninsured>, AppError> {
        Ok(self.art62_finding(row)?.and_then(|f| f.uninsured()))
    }

    /// Who pays each item of a case and since when: the approved award's
    /// one-time items, the periodic benefits with their months, and from
    /// which day of service the fund pays the medical bills.
    pub fn case_payers(&self, actor: &Actor, number: &str) -> Result<CasePayers, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        let finding = self.art62_finding(&row)?;
        let uninsured = finding.as_ref().and_then(Art62Finding::uninsured);
        let article =
            |payer: Payer, regular_fund: bool| -> Option<gongshang_rules::trace::Article> {
                match (uninsured, payer, regular_fund) {
                    (Some(u), Payer::Employer, true) => Some(u.employer_article()),
                    (Some(_), Payer::Fund, _) => Some(gongshang_rules::articles::REG_62_3),
                    _ => None,
                }
            };
        let employer = self.employer_units(&row)?;
        let today = self.case_today();
        let approved = self.approved_award(row.id)?;
        let mut lines = Vec::new();
        let mut award_to_recompute = false;
        if let Some(award) = &approved {
            let facts = Self::facts_of(award)?;
            award_to_recompute = uninsured.is_some_and(|u| u.back_paid_on.is_some())
                && facts.uninsured.is_none_or(|u| u.back_paid_on.is_none());
            for it in award
                .items
                .iter()
                .filter(|i| i.periodicity == Periodicity::OneTime)
            {
                let regular_fund = it.citation.contains("第62条") || it.payer == Payer::Fund;
                // A one-time item the employer owes is owed today by the
                // unit that bears the liability today.
                let (unit, succession) = if it.payer == Payer::Employer {
                    employer.on(today)
                } else {
                    (None, None)
                };
                lines.push(PayerLine {
                    item: it.item,
                    beneficiary: it.beneficiary.clone(),
                    periodicity: it.periodicity,
                    payer: it.payer,
                    from_month: None,
                    until_month: None,
                    article: article(it.payer, regular_fund),
                    unit,
                    succession,
                });
            }
        }
        for b in self.store.periodic_benefits_of_case(row.id)? {
            if b.end_month.is_some_and(|end| end < b.start_month) {
                continue;
            }
            let regular_fund = b.payer == Payer::Fund
                || b.end_reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with("art62_3"))
                || approved.as_ref().is_some_and(|a| {
                    a.items.iter().any(|i| {
                        i.item == b.item
                            && i.beneficiary == b.beneficiary
                            && i.citation.contains("第62条")
                    })
                });
            let line = PayerLine {
                item: b.item,
                beneficiary: b.beneficiary.clone(),
                periodicity: Periodicity::Monthly,
                payer: b.payer,
                from_month: Some(b.start_month),
                until_month: b.end_month,
                article: article(b.payer, regular_fund),
                unit: None,
                succession: None,
            };
            if b.payer == Payer::Employer {
                lines.extend(split_by_employer(line, &employer));
            } else {
                lines.push(line);
            }
        }
        // A bill is the fund's when its first day of service is: the first
        // such day by the rule.
        let medical_fund_from = match uninsured {
            None => Some(row.accident_date),
            Some(u) => u.back_paid_on.and_then(|d| d.tomorrow().ok()).filter(|&d| {
                uninsured::payer_of(Some(u), Cost::MedicalCosts, Payer::Fund, d).payer
                    == Payer::Fund
            }),
        };
        Ok(CasePayers {
            case_number: row.number.clone(),
            unit: row.unit,
            scheme_id: row.scheme_id.clone(),
            finding,
            lines,
            medical_fund_from,
            award_to_recompute,
        })
    }

    /// The unit that pays a case's employer's dues in `month`: a successor
    /// from the month its division, merger or transfer takes effect
    /// (Regulations Art 43(1)); none: a case without a unit, or a division
    /// not yet settled.
    pub(crate) fn employer_in_month(
        &self,
        row: &CaseRow,
        month: Month,
    ) -> Result<Option<CreditCode>, AppError> {
        Ok(self.employer_units(row)?.on(month.last_day()).0)
    }

    /// The units that pay the employer's items of a case: its unit, then
    /// each successor of a division, merger or transfer taking effect after
    /// the accident (Regulations Art 43(1)); a division that leaves the
    /// worker's unit undetermined pays under no unit until the clerk says.
    fn employer_units(&self, row: &CaseRow) -> Result<EmployerUnits, AppError> {
        let Some(unit) = row.unit else {
            return Ok(EmployerUnits::default());
        };
        let view = self.liability_answer(
            unit,
            row.accident_date,
            Some(self.case_today()),
            Some(&row.person),
        )?;
        let mut steps = vec![(row.accident_date, Some(unit), None)];
        for s in &view.answer.steps {
            match s.rule {
                gongshang_domain::liability::LiabilityRule::Successor(kind) => {
                    steps.push((
                        s.from,
                        Some(s.unit),
                        Some(PayerSuccession {
                            kind,
                            effective_on: s.from,
                            document: s.document.clone(),
                        }),
                    ));
                }
                // A secondment or an unqualified contractor: the unit the
                // liability lies with from the injury.
                _ if s.from <= row.accident_date || steps.len() == 1 => {
                    steps[0].1 = Some(s.unit);
                }
                _ => {}
            }
        }
        if let gongshang_domain::liability::Liable::Undetermined { candidates } =
            &view.answer.liable
        {
            // A division into several units and the worker with none of
            // them: no unit pays from the division's day until the clerk
            // says which one took the worker (an engagement with it).
            let day = self
                .store
                .successions_from(&[steps.last().and_then(|s| s.1).unwrap_or(unit)])?
                .iter()
                .filter(|s| candidates.contains(&s.successor))
                .map(|s| s.effective_on)
                .min();
            if let Some(day) = day {
                steps.push((
                    day,
                    None,
                    Some(PayerSuccession {
                        kind: gongshang_domain::liability::SuccessionKind::Division,
                        effective_on: day,
                        document: None,
                    }),
                ));
            }
        }
        Ok(EmployerUnits { steps })
    }
}

/// A monthly employer's line cut at each succession within its months: the
/// successor pays from the month its succession takes effect (the month of
/// the day, whatever the day; DESIGN.md).
fn split_by_employer(line: PayerLine, employer: &EmployerUnits) -> Vec<PayerLine> {
    let Some(start) = line.from_month else {
        return vec![line];
    };
    let mut out: Vec<PayerLine> = Vec::new();
    let mut cuts: Vec<(Month, Option<CreditCode>, Option<PayerSuccession>)> = Vec::new();
    for (from, unit, succession) in &employer.steps {
        let m = Month::of(*from);
        let m = if m < start { start } else { m };
        if line.until_month.is_some_and(|u| m > u) {
            continue;
        }
        // a later step in the same month replaces the earlier one
        cuts.retain(|(cm, _, _)| *cm < m);
        cuts.push((m, *unit, succession.clone()));
    }
    if cuts.is_empty() {
        return vec![line];
    }
    for (i, (m, unit, succession)) in cuts.iter().enumerate() {
        let until = match cuts.get(i + 1) {
            Some((next, _, _)) => Some(previous_month(*next)),
            None => line.until_month,
        };
        out.push(PayerLine {
            from_month: Some(*m),
            until_month: until,
            unit: *unit,
            succession: succession.clone(),
            ..line.clone()
        });
    }
    out
}

fn previous_month(m: Month) -> Month {
    m.first_day().yesterday().map(Month::of).unwrap_or(m)
}
