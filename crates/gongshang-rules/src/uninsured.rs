//! Who pays when the unit had not insured the worker (《工伤保险条例》第六十二条
//!第二款、第三款; Regulations Art 62(2)-(3)).
//!
//! - Art 62(2): the worker of a unit that should have insured them and did
//!   not is paid every item of the Regulations, at their standards, by the
//!   unit.
//! - Art 62(3): once the unit has enrolled and paid back the premiums owed
//!   with the late fees, the fund and the unit pay "the new costs" as the
//!   Regulations divide them.
//! - 人社部发〔2013〕34号 item 12 and 人社部发〔2016〕29号 item 3 say what the new
//!   costs are: those arising after the unit enrolled, of which the fund
//!   pays, for an injury, the medical, rehabilitation and assistive-device
//!   costs, the hospital food subsidy, living care, the grade 1-4 disability
//!   allowance and the one-time medical subsidy on a termination after
//!   enrolment; for a death, the survivors' pensions. Nothing else moves to
//!   the fund: the one-time disability subsidy, the funeral subsidy and the
//!   one-time death benefit stay the unit's.
//!
//! [`payer_of`] is the one rule: every caller (the award's lines, the
//! periodic benefits approved on them, a medical bill) asks it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::articles;
use crate::award::Periodicity;
use crate::benefits::Payer;
use crate::case::CaseInput;
use crate::scheme_award::{SchemeResult, first_day_of_next_month};
use crate::trace::{Article, Item, Step, q};

/// The unit had not insured the worker on the day of the accident (Art
/// 62(2)). Absent from a case: the unit had, and the Regulations' payers
/// apply.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uninsured {
    /// The day the unit, enrolled, settled the back-payment of the premiums
    /// and late fees of the uninsured period (Art 62(3)); none while it has
    /// not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_paid_on: Option<Date>,
    /// The unit had enrolled the worker but was in arrears with premiums
    /// due before the accident day (Social Insurance Law Art 41, read with
    /// Art 62(2); [`crate::arrears`]): the same payers, another reason.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_arrears: bool,
}

impl Uninsured {
    /// The article an item the unit pays in the fund's stead rests on.
    pub const fn employer_article(self) -> Article {
        if self.in_arrears {
            articles::SIL_41_REG_62_2
        } else {
            articles::REG_62_2
        }
    }
}

/// A cost of the case, as Art 62 sorts it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cost {
    /// An item of the award.
    Item(Item),
    /// Medical, rehabilitation or assistive-device costs (a bill).
    MedicalCosts,
}

/// Why a cost has the payer it has.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The unit was insured: the Regulations' own payer.
    Regulations,
    /// Art 62(2): the unit pays what the fund would have paid.
    EmployerUninsured,
    /// Art 62(3): a new cost, arising after the back-payment, the fund pays.
    FundAfterBackPayment,
}

impl Basis {
    pub const fn article(self) -> Option<Article> {
        match self {
            Basis::Regulations => None,
            Basis::EmployerUninsured => Some(articles::REG_62_2),
            Basis::FundAfterBackPayment => Some(articles::REG_62_3),
        }
    }
}

/// Who pays a cost, and why.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayerDecision {
    pub payer: Payer,
    pub basis: Basis,
}

/// Whether the fund takes the cost over once it arises after the
/// back-payment (人社部发〔2016〕29号 item 3). Survivors' pensions are the
/// only new cost of a death; the grade 1-4 allowance is the fund's own
/// allowance (the grade 5-6 one is the unit's under the Regulations anyway).
pub const fn is_new_cost_kind(cost: Cost) -> bool {
    match cost {
        Cost::MedicalCosts => true,
        Cost::Item(item) => matches!(
            item,
            Item::HospitalFoodSubsidy
                | Item::MonthlyLivingCare
                | Item::MonthlyDisabilityAllowance
                | Item::MonthlySurvivorPensions
                | Item::OneTimeMedicalSubsidy
        ),
    }
}

/// Who pays `cost`, which the Regulations (or the scheme) give to
/// `regular`, arising on `arises_on` (a one-time item: the day it became
/// due; a month: its first day; a bill: its first day of service).
///
/// Insured (`uninsured` is none): `regular`. Uninsured: an item the unit
/// pays anyway stays the unit's; a cost the fund would pay is the unit's
/// (Art 62(2)) unless the unit has settled the back-payment and it is a new
/// cost arising on a day after the settlement (Art 62(3)). "After": from the
/// next day (assumed: the instruments say 补缴…后 and 参保后, not whether the
/// day itself counts; the house's cover also starts the day after payment).
pub fn payer_of(
    uninsured: Option<Uninsured>,
    cost: Cost,
    regular: Payer,
    arises_on: Date,
) -> PayerDecision {
    let Some(u) = uninsured else {
        return PayerDecision {
            payer: regular,
            basis: Basis::Regulations,
        };
    };
    if regular != Payer::Fund {
        return PayerDecision {
            payer: regular,
            basis: Basis::Regulations,
        };
    }
    match u.back_paid_on {
        Some(settled) if is_new_cost_kind(cost) && arises_on > settled => PayerDecision {
            payer: Payer::Fund,
            basis: Basis::FundAfterBackPayment,
        },
        _ => PayerDecision {
            payer: Payer::Employer,
            basis: Basis::EmployerUninsured,
        },
    }
}

/// The first day of the first month whose costs arise after the
/// back-payment: a month arises on its first day, so the month after the
/// settlement's (assumed: the month of the settlement began before it).
/// None before any back-payment.
pub fn first_fund_month(uninsured: Option<Uninsured>) -> Option<Date> {
    uninsured
        .and_then(|u| u.back_paid_on)
        .map(first_day_of_next_month)
}

/// The day a one-time item of the award arises: the one-time medical
/// subsidy on the termination (29号: 参保后解除劳动合同时), the others on the
/// accident (the hospital days an award counts are those of the treatment
/// that followed it; assumed, the award has no dates of the stay).
fn one_time_arises_on(case: &CaseInput, item: Item) -> Date {
    match (item, &case.termination) {
        (Item::OneTimeMedicalSubsidy, Some(t)) => t.date,
        _ => case.injury_date,
    }
}

/// Applies Art 62(2)-(3) to an award computed under the Regulations' payers:
/// each line the fund would pay gets its payer by [`payer_of`] (a monthly
/// line the fund takes over keeps the fund as payer, the months before
/// [`first_fund_month`] being the unit's), its citation names the article,
/// and the trace says so, one step per line.
pub fn apply(case: &CaseInput, result: &mut SchemeResult) {
    let Some(u) = case.uninsured else {
        return;
    };
    for line in result.lines.iter_mut().filter(|l| l.payer == Payer::Fund) {
        let cost = Cost::Item(line.item);
        let (decision, arises_on, fund_from) = match line.periodicity {
            Periodicity::OneTime => {
                let on = one_time_arises_on(case, line.item);
                (payer_of(Some(u), cost, Payer::Fund, on), on, None)
            }
            Periodicity::Monthly => match first_fund_month(Some(u)) {
                Some(first) => {
                    let d = payer_of(Some(u), cost, Payer::Fund, first);
                    (d, first, (d.payer == Payer::Fund).then_some(first))
                }
                None => (
                    payer_of(Some(u), cost, Payer::Fund, case.injury_date),
                    case.injury_date,
                    None,
                ),
            },
        };
        line.payer = decision.payer;
        let (rule, article, zh, en, note) = match (decision.basis, fund_from) {
            (Basis::FundAfterBackPayment, Some(first)) => (
                "art62_3.fund_pays_months_after_back_payment",
                articles::REG_62_3,
                format!(
                    "用人单位于{}补缴工伤保险费和滞纳金，{}起的月份为新发生的费用，由工伤保险基金支付；此前的月份由用人单位支付",
                    u.back_paid_on.map(|d| d.to_string()).unwrap_or_default(),
                    &first.to_string()[..7]
                ),
                format!(
                    "the unit settled the back-payment of premiums and late fees on {}: the months from {} are new costs the fund pays; the months before, the unit",
                    u.back_paid_on.map(|d| d.to_string()).unwrap_or_default(),
                    &first.to_string()[..7]
                ),
                format!(
                    "条例第62条第3款、人社部发〔2016〕29号第三条：{}起由基金支付，此前由用人单位支付",
                    &first.to_string()[..7]
                ),
            ),
            (Basis::FundAfterBackPayment, None) => (
                "art62_3.fund_pays_new_cost",
                articles::REG_62_3,
                format!(
                    "发生于{arises_on}，在用人单位补缴工伤保险费和滞纳金之后，为新发生的费用，由工伤保险基金支付"
                ),
                format!(
                    "arising on {arises_on}, after the unit settled the back-payment: a new cost the fund pays"
                ),
                "条例第62条第3款、人社部发〔2016〕29号第三条：补缴后新发生的费用由基金支付".to_owned(),
            ),
            _ => match u.back_paid_on {
                None if u.in_arrears => (
                    "sil41.employer_in_arrears_pays",
                    articles::SIL_41_REG_62_2,
                    "事故发生时用人单位已为该职工参保但欠缴到期的工伤保险费，由用人单位按照条例规定的待遇项目和标准支付".to_owned(),
                    "on the day of the accident the unit, enrolled, was in arrears with premiums due: the unit pays the item at the Regulations' standard".to_owned(),
                    "社会保险法第41条、条例第62条第2款：欠缴工伤保险费，由用人单位支付".to_owned(),
                ),
                None => (
                    "art62_2.employer_pays",
                    articles::REG_62_2,
                    "事故发生时用人单位未为该职工参加工伤保险，由用人单位按照条例规定的待遇项目和标准支付".to_owned(),
                    "the unit had not insured the worker on the day of the accident: the unit pays the item at the Regulations' standard".to_owned(),
                    "条例第62条第2款：未参保，由用人单位支付".to_owned(),
                ),
                Some(settled) if is_new_cost_kind(cost) => (
                    "art62_2.employer_pays_before_back_payment",
                    u.employer_article(),
                    format!(
                        "发生于{arises_on}，在用人单位{settled}补缴之前，仍由用人单位支付"
                    ),
                    format!(
                        "arising on {arises_on}, before the back-payment settled on {settled}: the unit pays it"
                    ),
                    format!("条例第62条第2款：{settled}补缴前发生，由用人单位支付"),
                ),
                Some(settled) => (
                    "art62_2.employer_keeps_what_is_not_a_new_cost",
                    u.employer_article(),
                    format!(
                        "不属于补缴后新发生的由基金支付的费用（人社部发〔2016〕29号第三条），用人单位{settled}补缴后仍由用人单位支付"
                    ),
                    format!(
                        "not a new cost the fund takes over (MOHRSS 2016 No. 29 item 3): the unit pays it although it settled the back-payment on {settled}"
                    ),
                    "条例第62条第2款、人社部发〔2016〕29号第三条：非新发生的费用，由用人单位支付".to_owned(),
                ),
            },
        };
        line.citation.article = format!("{}；{note}", line.citation.article);
        let item = line.item;
        let amount = line.amount;
        let mut inputs = vec![
            q("payer_under_the_regulations", Payer::Fund.label_en()),
            q("arises_on", arises_on),
        ];
        if let Some(d) = u.back_paid_on {
            inputs.push(q("back_paid_on", d));
        }
        result.trace.steps.push(Step {
            item,
            rule,
            article,
            inputs,
            params: Vec::new(),
            formula: format!("payer = {}", decision.payer.label_en()),
            explain_zh: zh,
            explain_en: en,
            amount,
        });
    }
}
