//! Wages under-declared by the unit (《广东省工伤保险条例》第五十六条;
//! Guangdong Regulations Art 56): "用人单位少报职工工资，未足额缴纳工伤保险费，
//! 造成工伤职工享受的工伤保险待遇降低的，工伤保险待遇差额部分由用人单位向工伤
//! 职工补足。"
//!
//! The own wage of Guangdong is the average monthly *contribution* wage (Art
//! 64(1)): the wage the unit declared. The fund pays on it. When the case
//! also gives the wage the worker was actually paid (`actual_wage`), the
//! award is computed again on it, and for every item that comes out higher
//! the unit owes the worker the difference: a line of the award with payer
//! the unit, beside the fund's line on the declared wage, each with a trace
//! step citing Art 56 and the dated parameters of the computation on the
//! actual wage. Absent: no comparison (never a guess).

use std::collections::BTreeMap;

use crate::benefits::Payer;
use crate::case::CaseInput;
use crate::error::RulesError;
use crate::money::Money;
use crate::params::{Citation, Confidence, ParamUse, Status};
use crate::scheme_award::SchemeLine;
use crate::trace::{Article, Item, Step, Trace, q};

/// The article the difference lines rest on.
pub const GD_56: Article = Article {
    zh: "《广东省工伤保险条例》第五十六条",
    en: "Guangdong Regulations Art 56",
};

/// The paid-suspension wages' difference: the original wage of Art 25 (Art
/// 64(2)), with Art 56.
pub const GD_25_56: Article = Article {
    zh: "《广东省工伤保险条例》第二十五条、第六十四条第一款第（二）项、第五十六条",
    en: "Guangdong Regulations Arts 25, 64(1)(2) and 56",
};

/// Checks the actual wage against the declared one (`own_wage`): positive,
/// and not below it (a wage paid below the declared one is not an
/// under-declaration; Art 56 does not lower the award).
pub fn check_actual_wage(case: &CaseInput, actual: Money) -> Result<(), RulesError> {
    if actual <= Money::ZERO {
        return Err(RulesError::out_of_range(
            "actual_wage",
            actual,
            "more than 0.00 (the average monthly wage actually paid, Guangdong Regulations Art 56)",
        ));
    }
    if let Some(t) = &case.termination
        && let Some(actual_before) = t.actual_wage_before_termination
    {
        let declared = t.wage_before_termination.ok_or_else(|| {
            RulesError::missing(
                "termination.wage_before_termination",
                "the declared wage beside termination.actual_wage_before_termination (Guangdong Regulations Arts 33 and 56)",
            )
        })?;
        if actual_before < declared {
            return Err(RulesError::InputConflict {
                input: "termination.actual_wage_before_termination",
                reason: format!(
                    "{actual_before} is below the declared termination.wage_before_termination {declared}: Guangdong Regulations Art 56 concerns a wage declared lower than the wage paid"
                ),
            });
        }
    }
    if actual < case.own_wage {
        return Err(RulesError::InputConflict {
            input: "actual_wage",
            reason: format!(
                "{actual} is below the declared own_wage {}: Guangdong Regulations Art 56 concerns a wage declared lower than the wage paid",
                case.own_wage
            ),
        });
    }
    Ok(())
}

/// The case as it would be computed on the actual wage: the own wage
/// replaced (and the Art 33 base before the termination, when its actual
/// counterpart is given), no comparison again, no Art 62 payers (only
/// amounts are read).
pub fn on_actual_wage(case: &CaseInput, actual: Money) -> CaseInput {
    let mut on_actual = case.clone();
    on_actual.own_wage = actual;
    on_actual.actual_wage = None;
    // Art 33's base of the termination subsidies on the wage paid too.
    if let Some(t) = on_actual.termination.as_mut()
        && let Some(actual_before) = t.actual_wage_before_termination.take()
    {
        t.wage_before_termination = Some(actual_before);
    }
    on_actual.uninsured = None;
    on_actual
}

fn sums(lines: &[SchemeLine]) -> BTreeMap<Item, Money> {
    let mut out: BTreeMap<Item, Money> = BTreeMap::new();
    for l in lines {
        let sum = out.entry(l.item).or_insert(Money::ZERO);
        *sum = sum.checked_add(l.amount).expect("bounded amounts");
    }
    out
}

/// The parameter uses the computation on the actual wage made for `item`
/// (its own steps and the benefit wage's clamp), without repeats.
fn params_for(trace: &Trace, item: Item) -> Vec<ParamUse> {
    let mut out: Vec<ParamUse> = Vec::new();
    for s in trace
        .steps
        .iter()
        .filter(|s| s.item == item || s.item == Item::BenefitWage)
    {
        for p in &s.params {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
    }
    out
}

/// Guangdong Regulations Art 56: for each item of `declared` (the award on
/// the declared wage) that is higher in `actual` (the same case on the wage
/// actually paid), a line the unit owes the worker, of the difference, and
/// a trace step citing the article. Lines and steps are appended in the
/// order of the award sheet.
pub fn guangdong_art56_difference(
    case: &CaseInput,
    actual_wage: Money,
    declared_lines: &mut Vec<SchemeLine>,
    declared_trace: &mut Trace,
    actual_lines: &[SchemeLine],
    actual_trace: &Trace,
) {
    let declared = sums(declared_lines);
    let actual = sums(actual_lines);
    for item in Item::ALL {
        let on_actual = actual.get(&item).copied().unwrap_or(Money::ZERO);
        let on_declared = declared.get(&item).copied().unwrap_or(Money::ZERO);
        if on_actual <= on_declared {
            continue;
        }
        let difference = on_actual.checked_sub(on_declared).expect("bounded amounts");
        let Some(periodicity) = actual_lines
            .iter()
            .find(|l| l.item == item)
            .map(|l| l.periodicity)
        else {
            continue;
        };
        let params = params_for(actual_trace, item);
        let unconfirmed: Vec<String> = params
            .iter()
            .filter(|p| p.citation.status != Status::Confirmed)
            .map(|p| p.id.to_string())
            .collect();
        // Paid-suspension wages are the original wage (原工资福利待遇, Art
        // 25, defined by Art 64(2) on the wage paid, not declared): the unit
        // owes them on the actual wage by Art 25 itself; Art 56 is cited
        // beside it, the declaration being why the award fell short.
        let (rule, article, citation_article) = if item == Item::SuspensionWages {
            (
                "guangdong_art25.original_wage_on_the_actual_wage",
                GD_25_56,
                "第二十五条、第六十四条第一款第（二）项、第五十六条：停工留薪期内原工资福利待遇按实际工资，由所在单位支付差额",
            )
        } else {
            (
                "guangdong_art56.unit_pays_the_difference",
                GD_56,
                "第五十六条：用人单位少报职工工资造成待遇降低的差额，由用人单位向工伤职工补足",
            )
        };
        declared_lines.push(SchemeLine {
            item,
            amount: difference,
            periodicity,
            payer: Payer::Employer,
            citation: Citation {
                instrument: "广东省工伤保险条例".into(),
                article: citation_article.into(),
                source: "NPC-FLK".into(),
                confidence: Confidence::C2,
                status: if unconfirmed.is_empty() {
                    Status::Confirmed
                } else {
                    Status::Assumed
                },
                note: (!unconfirmed.is_empty())
                    .then(|| format!("rests on values not confirmed: {}", unconfirmed.join(", "))),
            },
        });
        declared_trace.steps.push(Step {
            item,
            rule,
            article,
            inputs: vec![
                q("own_wage", case.own_wage),
                q("actual_wage", actual_wage),
                q("amount_on_declared_wage", on_declared),
                q("amount_on_actual_wage", on_actual),
            ],
            params,
            formula: format!("{on_actual} − {on_declared} = {difference}"),
            explain_zh: format!(
                "用人单位申报的缴费工资{}元低于实际工资{actual_wage}元：{}按申报工资计发{on_declared}元，按实际工资应为{on_actual}元，差额{difference}元由用人单位向工伤职工补足",
                case.own_wage,
                item.label_zh()
            ),
            explain_en: format!(
                "the unit declared a wage of {} below the {actual_wage} actually paid: {} on the declared wage is {on_declared}, on the actual wage {on_actual}; the unit owes the worker the difference {difference}",
                case.own_wage,
                item.label_en()
            ),
            amount: difference,
        });
    }
}
