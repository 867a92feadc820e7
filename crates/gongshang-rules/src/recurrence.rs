//! 旧伤复发 — a recurring work injury (《工伤保险条例》第三十八条, Regulations
//! Art 38): once confirmed to need treatment, the worker again has the
//! benefits of Arts 30, 32 and 33. Of these only Art 33's suspension wages
//! are an amount the engine computes: the wage and benefits the worker had
//! when the injury recurred, unchanged, for the suspension period the
//! recurrence needs, paid monthly by the employer, with Art 33's limits
//! (12 months, at most 12 more when confirmed) resolved at the recurrence.
//! The medical costs of Art 30 and the assistive devices of Art 32 are paid
//! by the fund on bills, outside the engine. Under Guangdong's Regulations
//! (Art 34 with Art 25) the limit is one maximum of 24 months instead
//! ([`recurrence_suspension_wages_under`]).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::benefits::{self, BenefitRules};
use crate::error::RulesError;
use crate::money::Money;
use crate::params::PolicySet;
use crate::scheme::{Scheme, TerminationSubsidies};
use crate::trace::{Article, Item, Step, Trace, Tracer, q};

pub const REG_38: Article = Article {
    zh: "《工伤保险条例》第三十八条",
    en: "Regulations Art 38",
};

/// What the recurrence's suspension wages are computed on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceInput {
    /// The day the injury recurred: Art 33's limits in force on it apply.
    pub recurred_on: Date,
    /// The monthly wage the worker had when the injury recurred (原工资福利待遇).
    pub wage_at_recurrence: Money,
    /// The suspension period the recurrence needs, in whole months.
    pub suspension_months: u32,
    /// The committee confirmed an extension beyond Art 33's 12 months.
    #[serde(default)]
    pub suspension_extension_confirmed: bool,
}

/// The suspension wages of a recurrence, the employer's to pay, with the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecurrenceAward {
    pub suspension_wages: Money,
    pub trace: Trace,
}

pub const GD_34: Article = Article {
    zh: "《广东省工伤保险条例》第三十四条、第二十五条",
    en: "Guangdong Regulations Arts 34 and 25",
};

/// Regulations Art 38 with Art 33: the wage at the recurrence × the months
/// of suspension, the limits of Art 33 as in force on the recurrence day.
pub fn recurrence_suspension_wages(
    policy: &PolicySet,
    input: &RecurrenceInput,
) -> Result<RecurrenceAward, RulesError> {
    compute(policy, input, false)
}

/// The same under a case's scheme and region: where Guangdong's Regulations
/// apply (a Guangdong scheme, or one whose provincial rules follow the
/// region), Guangdong Art 34 gives a recurrence the suspension of its Art 25,
/// one maximum of 24 months (`guangdong.art25.*`) in place of the national
/// 12 + 12 with confirmation.
pub fn recurrence_suspension_wages_under(
    policy: &PolicySet,
    scheme: &Scheme,
    region: Option<&str>,
    input: &RecurrenceInput,
) -> Result<RecurrenceAward, RulesError> {
    let guangdong =
        scheme.termination_subsidies.in_region(region) == TerminationSubsidies::Guangdong;
    compute(policy, input, guangdong)
}

fn compute(
    policy: &PolicySet,
    input: &RecurrenceInput,
    guangdong: bool,
) -> Result<RecurrenceAward, RulesError> {
    if input.wage_at_recurrence.fen() <= 0 {
        return Err(RulesError::out_of_range(
            "wage_at_recurrence",
            input.wage_at_recurrence,
            "more than 0.00 yuan a month",
        ));
    }
    if input.suspension_months == 0 {
        return Err(RulesError::out_of_range(
            "suspension_months",
            0,
            "1 or more (a recurrence needing treatment away from work)",
        ));
    }
    let mut rules = BenefitRules::resolve(policy, input.recurred_on)?;
    let mut trace = Trace::default();
    trace.record(|| Step {
        item: Item::SuspensionWages,
        rule: "art38.recurrence",
        article: REG_38,
        inputs: vec![q("recurred_on", input.recurred_on)],
        params: Vec::new(),
        formula: String::new(),
        explain_zh: format!(
            "{}旧伤复发，经确认需要治疗，再次享受第三十条、第三十二条和第三十三条规定的工伤待遇；停工留薪期按复发时的原工资福利待遇计发",
            input.recurred_on
        ),
        explain_en: format!(
            "the injury recurred on {} and needs treatment: the benefits of Arts 30, 32 and 33 again; suspension wages on the wage at the recurrence",
            input.recurred_on
        ),
        amount: Money::ZERO,
    });
    if guangdong {
        let max = policy.at(
            "guangdong",
            "guangdong.art25.suspension_months_max",
            input.recurred_on,
        )?;
        let extension = policy.at(
            "guangdong",
            "guangdong.art25.suspension_extension_months_max",
            input.recurred_on,
        )?;
        let months = max.whole();
        trace.record(|| Step {
            item: Item::SuspensionWages,
            rule: "guangdong.art34.recurrence",
            article: GD_34,
            inputs: vec![q("recurred_on", input.recurred_on)],
            params: vec![max.clone(), extension.clone()],
            formula: String::new(),
            explain_zh: format!(
                "广东省：工伤复发确认需要治疗的，享受第二十五条规定的停工留薪期待遇，停工留薪期最长不超过{months}个月"
            ),
            explain_en: format!(
                "Guangdong: a recurrence needing treatment has the paid suspension of Art 25, at most {months} months"
            ),
            amount: Money::ZERO,
        });
        rules.suspension_months_max = max;
        rules.suspension_extension_months_max = extension;
    }
    let suspension_wages = benefits::suspension_wages(
        input.wage_at_recurrence,
        input.suspension_months,
        input.suspension_extension_confirmed,
        &rules,
        &mut trace,
    )?;
    Ok(RecurrenceAward {
        suspension_wages,
        trace,
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn policy() -> PolicySet {
        PolicySet::embedded().expect("the shipped policies load")
    }

    /// Regulations Art 38 with Art 33: a recurrence on 2026-04-01 at a wage
    /// of 7,800.00 a month, 3 months of suspension: 7,800.00 × 3 =
    /// 23,400.00, paid by the employer. 13 months without a confirmed
    /// extension are refused (Art 33: 12), 13 with one are allowed.
    #[test]
    fn regs_art38_suspension_wages_on_the_wage_at_the_recurrence() {
        let p = policy();
        let input = |months, extension| RecurrenceInput {
            recurred_on: date(2026, 4, 1),
            wage_at_recurrence: Money::from_fen(780_000),
            suspension_months: months,
            suspension_extension_confirmed: extension,
        };
        let award = recurrence_suspension_wages(&p, &input(3, false)).unwrap();
        assert_eq!(award.suspension_wages, Money::from_fen(2_340_000));
        let rules: Vec<_> = award.trace.steps.iter().map(|s| s.rule).collect();
        assert_eq!(rules, ["art38.recurrence", "art33.suspension_wages"]);
        let refused = recurrence_suspension_wages(&p, &input(13, false)).unwrap_err();
        assert_eq!(refused.field(), Some("suspension_months"));
        assert_eq!(
            recurrence_suspension_wages(&p, &input(13, true))
                .unwrap()
                .suspension_wages,
            Money::from_fen(780_000 * 13)
        );
        let zero = recurrence_suspension_wages(&p, &input(0, false)).unwrap_err();
        assert_eq!(zero.field(), Some("suspension_months"));
        let mut no_wage = input(3, false);
        no_wage.wage_at_recurrence = Money::ZERO;
        let refused = recurrence_suspension_wages(&p, &no_wage).unwrap_err();
        assert_eq!(refused.field(), Some("wage_at_recurrence"));
    }

    /// Guangdong Regulations Art 34 with Art 25: a recurrence under a
    /// Guangdong scheme (or one following the region) has one maximum of 24
    /// months and no separate extension; elsewhere the national 12 + 12.
    /// Each row: scheme, region, months, extension confirmed, the wages
    /// (7,800.00 × months) or the refusal.
    #[test]
    fn guangdong_regs_art34_a_recurrence_has_the_suspension_of_art25() {
        let p = policy();
        let scheme = |id: &str| p.scheme(id).unwrap().clone();
        /// Scheme, region, months, extension confirmed, the wages in fen or
        /// a refusal.
        type Row = (&'static str, Option<&'static str>, u32, bool, Option<i64>);
        let cases: [Row; 8] = [
            (
                "guangdong.employees",
                Some("440100"),
                18,
                false,
                Some(780_000 * 18),
            ),
            (
                "guangdong.specific_persons",
                Some("440100"),
                20,
                false,
                Some(780_000 * 20),
            ),
            // Provincial rules by region: Guangdong's in 440100.
            (
                "national.over_age_workers",
                Some("440100"),
                18,
                false,
                Some(780_000 * 18),
            ),
            (
                "guangdong.employees",
                Some("440300"),
                24,
                false,
                Some(780_000 * 24),
            ),
            ("guangdong.employees", Some("440100"), 25, true, None),
            ("national.employees", Some("440100"), 18, false, None),
            (
                "national.employees",
                Some("110000"),
                18,
                true,
                Some(780_000 * 18),
            ),
            ("national.employees", None, 13, false, None),
        ];
        for (id, region, months, extension, expected) in cases {
            let input = RecurrenceInput {
                recurred_on: date(2026, 4, 1),
                wage_at_recurrence: Money::from_fen(780_000),
                suspension_months: months,
                suspension_extension_confirmed: extension,
            };
            let got = recurrence_suspension_wages_under(&p, &scheme(id), region, &input);
            match expected {
                Some(fen) => {
                    let award = got.unwrap_or_else(|e| panic!("{id} {months}: {e}"));
                    assert_eq!(
                        award.suspension_wages,
                        Money::from_fen(fen),
                        "{id} {months}"
                    );
                    let guangdong = award
                        .trace
                        .steps
                        .iter()
                        .any(|s| s.rule == "guangdong.art34.recurrence");
                    assert_eq!(
                        guangdong,
                        region.is_some_and(|r| r.starts_with("44")) && id != "national.employees",
                        "{id}"
                    );
                }
                None => {
                    let err = got.expect_err(&format!("{id} {months} months is refused"));
                    assert_eq!(err.field(), Some("suspension_months"), "{id} {months}");
                }
            }
        }
    }
}
