//! The monthly contribution (Social Insurance Law Arts 34-35, 人社部发〔2015〕71号):
//! wage base x benchmark rate of the class x floating tier, rounded half away
//! from zero to the fen once. The cases are data in `test_data/contribution.json`,
//! each with its arithmetic in `why`.

use std::fs;

use gongshang_rules::contribution::ContributionRules;
use gongshang_rules::{
    IndustryClass, Money, NoTrace, Rate, RulesError, Trace, monthly_contribution,
};
use jiff::civil::{Date, date};
use serde::Deserialize;

use crate::{policy, test_data};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionCase {
    name: String,
    why: String,
    as_of: Date,
    wage_base: Money,
    class: u8,
    tier: Rate,
    #[serde(default)]
    expected: Option<Money>,
    #[serde(default)]
    expected_error: Option<ExpectedError>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    field: String,
}

fn compute(case: &ContributionCase) -> Result<Money, RulesError> {
    let rules = ContributionRules::resolve(policy(), case.as_of)?;
    let class = IndustryClass::new(case.class)?;
    let untraced = monthly_contribution(case.wage_base, class, case.tier, &rules, &mut NoTrace);
    let mut trace = Trace::default();
    let traced = monthly_contribution(case.wage_base, class, case.tier, &rules, &mut trace);
    assert_eq!(
        untraced, traced,
        "{}: Trace and NoTrace disagree",
        case.name
    );
    if let Ok(amount) = traced {
        let step = trace.steps.last().expect("a contribution records its step");
        assert_eq!(
            step.amount, amount,
            "{}: the trace shows another amount",
            case.name
        );
    }
    untraced
}

/// Checks one contribution case; `Err` says what differs.
fn check(case: &ContributionCase) -> Result<(), String> {
    match (compute(case), case.expected, &case.expected_error) {
        (Ok(got), Some(want), None) if got == want => Ok(()),
        (Ok(got), Some(want), None) => Err(format!("expected {want}, got {got}")),
        (Err(e), None, Some(want)) if e.code() == want.code && e.field() == Some(&want.field) => {
            Ok(())
        }
        (Err(e), None, Some(want)) => Err(format!(
            "expected error {} on {}, got {} on {:?}: {e}",
            want.code,
            want.field,
            e.code(),
            e.field()
        )),
        (Ok(got), None, Some(want)) => Err(format!("expected error {}, got {got}", want.code)),
        (Err(e), Some(want), None) => Err(format!("expected {want}, got error {e}")),
        _ => Err("give exactly one of expected or expected_error".into()),
    }
}

#[test]
fn contribution_is_base_times_benchmark_times_tier_rounded_once() {
    let path = test_data().join("contribution.json");
    let text = fs::read_to_string(&path).expect("test_data/contribution.json");
    let cases: Vec<ContributionCase> = serde_json::from_str(&text).expect("contribution cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check(c)
                .err()
                .map(|e| format!("{} ({}): {e}", c.name, c.why))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "contribution cases failed:\n{}",
        failures.join("\n")
    );
    for class in 1..=8 {
        assert!(
            cases
                .iter()
                .any(|c| c.class == class && c.expected.is_some()),
            "no contribution case computes class {class}"
        );
    }
}

#[test]
fn class_1_floats_at_three_tiers_and_classes_2_to_8_at_five() {
    let rules = ContributionRules::resolve(policy(), date(2025, 1, 1)).unwrap();
    let pct = |list: &[&str]| {
        list.iter()
            .map(|p| Rate::parse(p).unwrap())
            .collect::<Vec<_>>()
    };
    let class1 = IndustryClass::new(1).unwrap();
    assert_eq!(
        rules.tiers(class1),
        pct(&["100%", "120%", "150%"]).as_slice()
    );
    for class in 2..=8 {
        let class = IndustryClass::new(class).unwrap();
        assert_eq!(
            rules.tiers(class),
            pct(&["50%", "80%", "100%", "120%", "150%"]).as_slice(),
            "class {}",
            class.get()
        );
    }
}

#[test]
fn benchmark_rates_of_the_eight_classes_follow_2015_no_71() {
    let rules = ContributionRules::resolve(policy(), date(2015, 10, 1)).unwrap();
    let expected = [
        "0.2%", "0.4%", "0.7%", "0.9%", "1.1%", "1.3%", "1.6%", "1.9%",
    ];
    for (class, want) in (1..=8).zip(expected) {
        let rate = rules
            .rate(IndustryClass::new(class).unwrap(), Rate::ONE)
            .unwrap();
        assert_eq!(rate, Rate::parse(want).unwrap(), "class {class}");
    }
}

/// 工伤保险条例 Art 62(1) with 社会保险法 Art 86 (issue 17): 0.05% of what is
/// outstanding for each day after the due date, rounded once to the fen.
#[test]
fn art62_late_fee_is_five_in_ten_thousand_a_day_after_the_due_date() {
    use gongshang_rules::late_fee::{days_late, late_fee};
    use jiff::civil::date;
    let rate = crate::policy()
        .at(
            "national",
            "contribution.late_fee_daily_rate",
            date(2025, 6, 1),
        )
        .expect("the late fee rate is a parameter")
        .rate();
    let owed = gongshang_rules::Money::from_fen(1_234_567);
    let due = date(2025, 5, 15);
    for (on, days, fee_fen) in [
        (date(2025, 5, 14), 0, 0),
        (date(2025, 5, 15), 0, 0),
        (date(2025, 5, 16), 1, 617), // 12,345.67 × 0.05% = 6.172835 → 6.17
        (date(2025, 6, 14), 30, 18_519), // × 30 = 185.18505 → 185.19
        (date(2026, 5, 15), 365, 225_308), // 2,253.084775 → 2,253.08
    ] {
        assert_eq!(days_late(due, on), days, "{on}");
        assert_eq!(late_fee(owed, due, on, rate).fen(), fee_fen, "{on}");
    }
    assert_eq!(
        late_fee(gongshang_rules::Money::ZERO, due, date(2026, 1, 1), rate).fen(),
        0
    );
}
