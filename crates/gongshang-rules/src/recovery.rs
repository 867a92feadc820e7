//! Overpaid benefits recovered (社会保险经办条例, State Council Decree No. 765,
//! in force 2023-12-01, Art 46): refunded at once, by an instalment
//! agreement, or offset against later benefits. Pure: the schedule of what
//! is recovered each month; the app records the agreement and the postings.

use serde::Serialize;

use crate::error::RulesError;
use crate::money::Money;
use crate::rate::Rate;
use crate::trace::{Article, Item, Step, Tracer, q};

const DECREE_765_46: Article = Article {
    zh: "《社会保险经办条例》（国务院令第765号）第四十六条",
    en: "Social Insurance Handling Regulation (Decree 765) Art 46",
};

/// How an overpayment is recovered.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Recovery {
    /// Refunded at once.
    Refund,
    /// An instalment agreement over so many months.
    Instalments { months: u32 },
    /// Set against later benefits, at most this share of each month's benefit.
    Offset { monthly_benefit: Money, share: Rate },
}

/// The amounts recovered month by month (the first is the first month of
/// the agreement); they add up to the overpayment exactly. Instalments are
/// equal in whole fen, the first months one fen more until the remainder is
/// used up; an offset takes `share × benefit` (rounded half away from zero)
/// each month and the rest in the last month.
pub fn recovery_schedule(
    overpaid: Money,
    how: Recovery,
    t: &mut impl Tracer,
) -> Result<Vec<Money>, RulesError> {
    if overpaid <= Money::ZERO {
        return Err(RulesError::out_of_range(
            "overpaid",
            overpaid,
            "more than 0.00 yuan",
        ));
    }
    let schedule = match how {
        Recovery::Refund => vec![overpaid],
        Recovery::Instalments { months } => {
            if !(1..=120).contains(&months) {
                return Err(RulesError::out_of_range("months", months, "1 to 120"));
            }
            let n = i64::from(months);
            let base = overpaid.fen() / n;
            let extra = overpaid.fen() % n;
            (0..n)
                .map(|i| Money::from_fen(base + i64::from(i < extra)))
                .collect()
        }
        Recovery::Offset {
            monthly_benefit,
            share,
        } => {
            let per_month = monthly_benefit.mul_rate(share);
            if per_month <= Money::ZERO {
                return Err(RulesError::out_of_range(
                    "monthly_benefit",
                    monthly_benefit,
                    "a benefit and a share that recover more than 0.00 a month",
                ));
            }
            let mut left = overpaid;
            let mut out = Vec::new();
            while left > Money::ZERO {
                let take = left.min(per_month);
                out.push(take);
                left = left.checked_sub(take).expect("bounded amounts");
            }
            out
        }
    };
    t.record(|| Step {
        item: Item::MonthlyDisabilityAllowance,
        rule: "decree765.art46.recovery",
        article: DECREE_765_46,
        inputs: vec![q("overpaid", overpaid), q("months", schedule.len())],
        params: Vec::new(),
        formula: format!(
            "{} = {overpaid}",
            schedule
                .iter()
                .map(Money::to_string)
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        explain_zh: "多发的社会保险待遇应当退回，可以签订分期退还协议，或者从其后续待遇中抵扣".into(),
        explain_en: "overpaid benefits are refunded, by instalments under an agreement, or set against later benefits".into(),
        amount: overpaid,
    });
    Ok(schedule)
}

const ORDER_55_31: Article = Article {
    zh: "《劳动能力鉴定管理办法》（人力资源社会保障部、国家卫生健康委令第55号）第三十一条",
    en: "Work Capacity Appraisal Measures (Order No. 55) Art 31",
};

/// What was paid and what is owed once an appraisal conclusion is revoked or
/// corrected (Order No. 55 Art 31).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// Paid beyond what the revised conclusion owes: to recover (Decree 765 Art 46).
    pub overpaid: Money,
    /// Owed by the revised conclusion beyond what was paid: still to pay.
    pub underpaid: Money,
}

/// Each payment made on a conclusion, set against what the revised one owes
/// for the same month (`(paid, due)`): a revoked conclusion (obtained by
/// forgery or impersonation) owes nothing, so every payment on it is
/// overpaid; a corrected one owes what its grade gives. Months are not
/// netted against each other: a month paid short is owed, a month paid over
/// is recovered. Pure: the app is to record the revocation, stop the awards
/// and post the overpayment (not built yet).
pub fn revised_conclusion_balance(
    months: &[(Money, Money)],
    t: &mut impl Tracer,
) -> Result<Revision, RulesError> {
    let mut overpaid = Money::ZERO;
    let mut underpaid = Money::ZERO;
    for &(paid, due) in months {
        if paid < Money::ZERO || due < Money::ZERO {
            return Err(RulesError::out_of_range(
                "paid",
                paid.min(due),
                "0.00 yuan or more",
            ));
        }
        let too_large = || RulesError::out_of_range("paid", paid, "a total within range");
        if paid > due {
            let over = paid.checked_sub(due).ok_or_else(too_large)?;
            overpaid = overpaid.checked_add(over).ok_or_else(too_large)?;
        } else {
            let under = due.checked_sub(paid).ok_or_else(too_large)?;
            underpaid = underpaid.checked_add(under).ok_or_else(too_large)?;
        }
    }
    t.record(|| Step {
        item: Item::MonthlyDisabilityAllowance,
        rule: "order55.art31.revision",
        article: ORDER_55_31,
        inputs: vec![q("months", months.len())],
        params: Vec::new(),
        formula: format!("overpaid {overpaid}, underpaid {underpaid}"),
        explain_zh: "以伪造证明、冒名顶替等手段取得的鉴定结论予以撤销，依据该结论多发的待遇应当退回".into(),
        explain_en: "a conclusion obtained by forgery or impersonation is revoked, and what was paid on it is recovered".into(),
        amount: overpaid,
    });
    Ok(Revision {
        overpaid,
        underpaid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::NoTrace;

    fn y(fen: i64) -> Money {
        Money::from_fen(fen)
    }

    #[test]
    fn order55_art31_revoked_conclusion_makes_every_payment_on_it_an_overpayment() {
        let paid = [(y(300_000), y(0)), (y(300_000), y(0)), (y(150_000), y(0))];
        let r = revised_conclusion_balance(&paid, &mut NoTrace).unwrap();
        assert_eq!(
            r,
            Revision {
                overpaid: y(750_000),
                underpaid: y(0)
            }
        );
        // A corrected grade: months paid over are recovered, a month paid
        // short is owed, and the two are not netted.
        let corrected = [(y(300_000), y(200_000)), (y(100_000), y(200_000))];
        let r = revised_conclusion_balance(&corrected, &mut NoTrace).unwrap();
        assert_eq!(
            r,
            Revision {
                overpaid: y(100_000),
                underpaid: y(100_000)
            }
        );
        assert!(revised_conclusion_balance(&[(y(-1), y(0))], &mut NoTrace).is_err());
    }
}
