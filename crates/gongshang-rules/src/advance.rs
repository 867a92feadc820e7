//! The fund's advance payment (先行支付): Social Insurance Law Arts 41-42
//! and 《社会保险基金先行支付暂行办法》 (MOHRSS Order No. 15, 2011-07-01,
//! amended 2018-12-14).
//!
//! - SIL Art 41: a worker's unit had not paid the work-injury premiums and
//!   does not pay the benefits: the fund advances them, the unit repays,
//!   and the agency may recover under Art 63.
//! - SIL Art 42: a third party caused the injury and does not pay the
//!   medical costs, or cannot be found: the fund advances them and
//!   recovers from the third party.
//! - Order 15 Art 8: what the fund advances on the unit's refusal is "the
//!   items of the benefits that the fund pays" (工伤保险待遇项目中应当由工伤保险
//!   基金支付的项目): the unit's own items (suspension wages, the grade 5-6
//!   allowance, the employment subsidy) are never advanced.
//! - Order 15 Art 5(3)-(4): the medical costs of an uninsured unit's worker
//!   are advanced after the unit's time limit passes.
//! - Order 15 Arts 4-5(1)-(2): with a third party, the fund pays the
//!   medical costs (the fund's own share of a bill, what the fund would pay).
//!
//! [`advance`] is the one rule: given the ground and the costs of a case as
//! the award and the settled bills record them, it says which are advanced,
//! the total, and a step per cost with its article.
//!
//! [`monthly_advance`] is its monthly half (Order 15 Art 8 read with
//! Regulations Art 62(2)): on the unit's ground, the monthly items the fund
//! would have paid had the unit been insured (the grade 1-4 disability
//! allowance, living care, survivors' pensions), which the uninsured unit
//! owes month by month, are advanced from the month of the grant until the
//! unit resumes paying, the item's benefit ends (an Art 62(3) back-payment
//! ends the unit's benefit and starts the fund's) or the advance is ended.
//! Why the month of the grant: Art 8 makes the advance follow the unit's
//! failure to pay within the Art 7 notice, and the grant is the decision
//! that finds it; the text found says nothing of months (interpretation,
//! DESIGN.md "The monthly advance").

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::benefits::Payer;
use crate::money::Money;
use crate::trace::{Article, Item, Step, Tracer, q};

pub const SIL_41: Article = Article {
    zh: "《社会保险法》第四十一条；《社会保险基金先行支付暂行办法》第六条至第八条",
    en: "Social Insurance Law Art 41; Order No. 15 Arts 6-8",
};
pub const SIL_42: Article = Article {
    zh: "《社会保险法》第四十二条；《社会保险基金先行支付暂行办法》第四条、第五条",
    en: "Social Insurance Law Art 42; Order No. 15 Arts 4-5",
};
/// Order 15 Art 8 with Regulations Art 62(2): a monthly item of the fund's
/// that the uninsured unit owes, advanced month by month.
pub const ORDER15_8_MONTHLY: Article = Article {
    zh: "《社会保险基金先行支付暂行办法》第八条；《工伤保险条例》第六十二条第二款：按月先行支付",
    en: "Order No. 15 Art 8; Regulations Art 62(2): advanced month by month",
};
pub const ORDER15_5: Article = Article {
    zh: "《社会保险基金先行支付暂行办法》第五条第（三）项、第（四）项",
    en: "Order No. 15 Art 5(3)-(4)",
};

/// Why the fund advances.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// SIL Art 41; Order 15 Art 6: the unit had not paid the premiums and
    /// does not pay the benefits.
    EmployerUnpaid,
    /// SIL Art 42; Order 15 Art 4: a third party caused the injury and does
    /// not pay the medical costs, or cannot be found.
    ThirdParty,
}

impl Ground {
    pub const ALL: [Ground; 2] = [Ground::EmployerUnpaid, Ground::ThirdParty];

    pub const fn as_str(self) -> &'static str {
        match self {
            Ground::EmployerUnpaid => "employer_unpaid",
            Ground::ThirdParty => "third_party",
        }
    }

    pub fn parse(text: &str) -> Option<Ground> {
        Ground::ALL.into_iter().find(|g| g.as_str() == text.trim())
    }

    pub const fn article(self) -> Article {
        match self {
            Ground::EmployerUnpaid => SIL_41,
            Ground::ThirdParty => SIL_42,
        }
    }

    /// Who repays the fund.
    pub const fn debtor(self) -> Debtor {
        match self {
            Ground::EmployerUnpaid => Debtor::Unit,
            Ground::ThirdParty => Debtor::ThirdParty,
        }
    }
}

/// Who repays what the fund advanced.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Debtor {
    /// The unit (SIL Art 41(2); Order 15 Art 13: within 10 days).
    Unit,
    /// The third party (SIL Art 42; Order 15 Art 12).
    ThirdParty,
    /// The worker or the close relative the advance was paid to, once the
    /// unit or the third party has paid them the same costs or benefits
    /// (Order 15 Art 11: the corresponding part goes back to the fund).
    Recipient,
}

impl Debtor {
    pub const fn as_str(self) -> &'static str {
        match self {
            Debtor::Unit => "unit",
            Debtor::ThirdParty => "third_party",
            Debtor::Recipient => "recipient",
        }
    }

    pub const ALL: [Debtor; 3] = [Debtor::Unit, Debtor::ThirdParty, Debtor::Recipient];

    /// Who may repay an advance of `ground`: its debtor (the unit or the
    /// third party, SIL Arts 41-42) or the person it was paid to (Order 15
    /// Art 11); never the other ground's debtor.
    pub const fn may_repay(self, ground: Ground) -> bool {
        matches!(
            (self, ground),
            (Debtor::Recipient, _)
                | (Debtor::Unit, Ground::EmployerUnpaid)
                | (Debtor::ThirdParty, Ground::ThirdParty)
        )
    }

    /// The words staff read.
    pub const fn label_zh(self) -> &'static str {
        match self {
            Debtor::Unit => "用人单位",
            Debtor::ThirdParty => "第三人",
            Debtor::Recipient => "职工或其近亲属（已获赔偿后退还）",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Debtor::Unit => "the unit",
            Debtor::ThirdParty => "the third party",
            Debtor::Recipient => "the worker or relative (returned after being paid)",
        }
    }

    pub fn parse(text: &str) -> Option<Debtor> {
        Debtor::ALL.into_iter().find(|d| d.as_str() == text.trim())
    }
}

/// A cost of the case as the app reads it from the stored award and bills.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cost {
    /// A one-time item of the approved award: who pays it now, and who the
    /// Regulations name when the unit is insured.
    AwardItem {
        item: Item,
        beneficiary: String,
        payer: Payer,
        regular_payer: Payer,
        amount: Money,
    },
    /// A settled medical, rehabilitation or device bill: what the fund paid
    /// on it, and what the fund would have paid but named the unit's
    /// (Regulations Art 62(2)).
    MedicalBill {
        bill: i64,
        fund_paid: Money,
        unit_owes: Money,
    },
    /// A periodic benefit of the case: who pays it, who the Regulations
    /// name when the unit is insured, its amount a month and its months
    /// (first days of the first and, when known, the last month).
    MonthlyItem {
        benefit: i64,
        item: Item,
        beneficiary: String,
        payer: Payer,
        regular_payer: Payer,
        monthly: Money,
        start: Date,
        end: Option<Date>,
    },
}

/// A monthly item advanced month by month from `from` (the first day of the
/// first month advanced).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyAdvanceLine {
    pub benefit: i64,
    pub item: Item,
    pub beneficiary: String,
    /// The amount a month when granted (the payroll pays the amount in
    /// force in each month, indexation included).
    pub monthly: Money,
    pub from: Date,
}

/// Why the monthly advance ends (the advance itself stays owed).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthlyEnd {
    /// The unit pays the monthly items itself again (Order 15 Art 8 asks
    /// the fund to advance only what the unit does not pay).
    UnitResumed,
    /// The unit enrolled and paid back its premiums (Regulations Art
    /// 62(3)): the new months are the fund's own, not an advance.
    BackPayment,
}

impl MonthlyEnd {
    pub const ALL: [MonthlyEnd; 2] = [MonthlyEnd::UnitResumed, MonthlyEnd::BackPayment];

    pub const fn as_str(self) -> &'static str {
        match self {
            MonthlyEnd::UnitResumed => "unit_resumed",
            MonthlyEnd::BackPayment => "back_payment",
        }
    }

    pub fn parse(text: &str) -> Option<MonthlyEnd> {
        MonthlyEnd::ALL
            .into_iter()
            .find(|e| e.as_str() == text.trim())
    }

    pub const fn article(self) -> Article {
        match self {
            MonthlyEnd::UnitResumed => ORDER15_8_MONTHLY,
            MonthlyEnd::BackPayment => crate::articles::REG_62_3,
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            MonthlyEnd::UnitResumed => "用人单位恢复按月支付",
            MonthlyEnd::BackPayment => "用人单位已参保补缴，此后由基金支付（条例第六十二条第三款）",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            MonthlyEnd::UnitResumed => "the unit pays the monthly items again",
            MonthlyEnd::BackPayment => {
                "the unit enrolled and paid back; the fund pays from then on (Regulations Art 62(3))"
            }
        }
    }
}

/// One cost advanced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdvanceLine {
    /// `award:<item>:<beneficiary>` or `bill:<id>`.
    pub source: String,
    pub amount: Money,
    /// Paid out of the fund by the advance (false: the fund had already
    /// paid it when it settled the bill, and the advance is the claim on the
    /// third party).
    pub paid_by_advance: bool,
    pub article: Article,
}

/// What the fund advances on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Advance {
    pub ground: Ground,
    pub lines: Vec<AdvanceLine>,
    /// Everything advanced: what the debtor owes the fund.
    pub total: Money,
    /// The part the advance pays out now (the rest was paid at settlement).
    pub to_pay: Money,
}

/// The advance of a case (SIL Arts 41-42; Order 15 Arts 4-5, 8).
///
/// - `EmployerUnpaid`: each one-time award item the unit pays under Art
///   62(2) whose regular payer is the fund (Order 15 Art 8), and what each
///   settled bill names the unit's (Order 15 Art 5(3)-(4)). Paid out now.
/// - `ThirdParty`: the medical costs the fund paid on the settled bills
///   (Order 15 Art 5(1)-(2)): already out of the fund, so the advance pays
///   nothing more and records the claim on the third party.
///
/// Exact sums, no rounding: the amounts are the award's and the bills'.
pub fn advance(ground: Ground, costs: &[Cost], tracer: &mut impl Tracer) -> Advance {
    let mut lines = Vec::new();
    for cost in costs {
        let line = match (ground, cost) {
            (
                Ground::EmployerUnpaid,
                Cost::AwardItem {
                    item,
                    beneficiary,
                    payer: Payer::Employer,
                    regular_payer: Payer::Fund,
                    amount,
                },
            ) if amount.fen() > 0 => Some((
                *item,
                AdvanceLine {
                    source: format!("award:{}:{beneficiary}", item.name()),
                    amount: *amount,
                    paid_by_advance: true,
                    article: SIL_41,
                },
            )),
            (
                Ground::EmployerUnpaid,
                Cost::MedicalBill {
                    bill, unit_owes, ..
                },
            ) if unit_owes.fen() > 0 => Some((
                Item::InsuredMedicalPayout,
                AdvanceLine {
                    source: format!("bill:{bill}"),
                    amount: *unit_owes,
                    paid_by_advance: true,
                    article: ORDER15_5,
                },
            )),
            (
                Ground::ThirdParty,
                Cost::MedicalBill {
                    bill, fund_paid, ..
                },
            ) if fund_paid.fen() > 0 => Some((
                Item::InsuredMedicalPayout,
                AdvanceLine {
                    source: format!("bill:{bill}"),
                    amount: *fund_paid,
                    paid_by_advance: false,
                    article: SIL_42,
                },
            )),
            _ => None,
        };
        if let Some((item, line)) = line {
            tracer.record(|| Step {
                item,
                rule: "advance.line",
                article: line.article,
                inputs: vec![
                    q("ground", ground.as_str()),
                    q("source", &line.source),
                    q("paid_by_advance", line.paid_by_advance),
                ],
                params: vec![],
                formula: format!("{} = {}", line.source, line.amount),
                explain_zh: if line.paid_by_advance {
                    format!("基金先行支付 {} 元，由用人单位偿还", line.amount)
                } else {
                    format!("基金已支付医疗费用 {} 元，向第三人追偿", line.amount)
                },
                explain_en: if line.paid_by_advance {
                    format!("the fund advances {} yuan; the unit repays", line.amount)
                } else {
                    format!(
                        "the fund paid {} yuan of medical costs; recovered from the third party",
                        line.amount
                    )
                },
                amount: line.amount,
            });
            lines.push(line);
        }
    }
    let sum = |f: &dyn Fn(&AdvanceLine) -> bool| {
        Money::from_fen(lines.iter().filter(|l| f(l)).map(|l| l.amount.fen()).sum())
    };
    let total = sum(&|_| true);
    let to_pay = sum(&|l| l.paid_by_advance);
    Advance {
        ground,
        lines,
        total,
        to_pay,
    }
}

/// The first day of the month holding `day`.
fn month_of(day: Date) -> Date {
    day.first_of_month()
}

/// The monthly items a grant on the unit's ground advances (Order 15 Art 8;
/// Regulations Art 62(2)): each periodic benefit the unit pays only because
/// it had not insured the worker (its regular payer is the fund), running
/// in or after the month of the grant, from the later of that month and its
/// first month. Never the unit's own items (the grade 5-6 allowance), never
/// a benefit that ended before the grant, nothing on the third party's
/// ground (Art 42 covers medical costs only).
pub fn monthly_advance(
    ground: Ground,
    costs: &[Cost],
    granted_on: Date,
    tracer: &mut impl Tracer,
) -> Vec<MonthlyAdvanceLine> {
    let grant_month = month_of(granted_on);
    let mut lines = Vec::new();
    for cost in costs {
        let Cost::MonthlyItem {
            benefit,
            item,
            beneficiary,
            payer: Payer::Employer,
            regular_payer: Payer::Fund,
            monthly,
            start,
            end,
        } = cost
        else {
            continue;
        };
        if ground != Ground::EmployerUnpaid
            || monthly.fen() <= 0
            || end.is_some_and(|e| month_of(e) < grant_month)
        {
            continue;
        }
        let from = grant_month.max(month_of(*start));
        let line = MonthlyAdvanceLine {
            benefit: *benefit,
            item: *item,
            beneficiary: beneficiary.clone(),
            monthly: *monthly,
            from,
        };
        tracer.record(|| Step {
            item: *item,
            rule: "advance.monthly",
            article: ORDER15_8_MONTHLY,
            inputs: vec![
                q("ground", ground.as_str()),
                q("benefit", *benefit),
                q("beneficiary", beneficiary),
                q("granted_on", granted_on),
                q("start", *start),
            ],
            params: vec![],
            formula: format!(
                "from = max(month of grant {}, first month {}) = {}",
                grant_month.strftime("%Y-%m"),
                start.strftime("%Y-%m"),
                from.strftime("%Y-%m")
            ),
            explain_zh: format!(
                "自{}起按月先行支付 {} 元（按当月标准），由用人单位偿还",
                from.strftime("%Y-%m"),
                monthly
            ),
            explain_en: format!(
                "advanced month by month from {}, {} yuan a month (the amount in force in each month); the unit repays",
                from.strftime("%Y-%m"),
                monthly
            ),
            amount: *monthly,
        });
        lines.push(line);
    }
    lines
}

/// What is still owed on an advance after the recoveries (never negative:
/// the app refuses a recovery above it).
pub fn outstanding(total: Money, recovered: Money) -> Money {
    Money::from_fen((total.fen() - recovered.fen()).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Trace;

    #[test]
    fn the_unit_s_own_items_are_never_advanced() {
        let costs = [Cost::AwardItem {
            item: Item::SuspensionWages,
            beneficiary: "worker".into(),
            payer: Payer::Employer,
            regular_payer: Payer::Employer,
            amount: Money::from_fen(100),
        }];
        let a = advance(Ground::EmployerUnpaid, &costs, &mut Trace::default());
        assert_eq!(a.total, Money::ZERO);
    }
}
