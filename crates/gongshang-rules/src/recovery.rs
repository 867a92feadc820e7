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
