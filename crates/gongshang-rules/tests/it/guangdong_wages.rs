//! Guangdong Regulations Art 56 (a wage under-declared: the unit owes the
//! worker the difference) and Art 29 (the unit's resettlement allowance on a
//! grade 1-4 worker's household registration moving home). Each case is
//! computed by hand in its comment; the averages and minimum wage are given
//! by the case so that no assumed value enters the arithmetic.

use gongshang_rules::scheme_award::{SchemeResult, calculate_under_scheme};
use gongshang_rules::{CaseInput, Item, Money, Payer, SchemeId, calculate_case};
use serde_json::{Value, json};

use crate::policy;

fn yuan(s: &str) -> Money {
    Money::parse_yuan(s).unwrap()
}

const EMPLOYEES: SchemeId = SchemeId::known("guangdong.employees");

/// A grade 3 worker of a Guangzhou unit, injured 2025-03-10, appraised
/// 2025-10-15, 6 months of paid suspension; declared (contribution) wage
/// 6000.00; the Guangdong average 8000.00 and the minimum wage 2000.00 given.
fn grade3(extra: Value) -> CaseInput {
    let mut case = json!({
        "region": "440100",
        "injury_date": "2025-03-10",
        "appraisal_date": "2025-10-15",
        "own_wage": "6000.00",
        "grade": 3,
        "suspension_months": 6,
        "regional_avg_wage": "8000.00",
        "min_wage": "2000.00",
    });
    for (k, v) in extra.as_object().unwrap() {
        case[k] = v.clone();
    }
    serde_json::from_value(case).unwrap()
}

/// The lines of `item` as (amount, payer), in the award's order.
fn lines(result: &SchemeResult, item: Item) -> Vec<(String, Payer)> {
    result
        .lines
        .iter()
        .filter(|l| l.item == item)
        .map(|l| (l.amount.to_string(), l.payer))
        .collect()
}

fn err(case: &CaseInput) -> (String, Option<String>) {
    let e = calculate_under_scheme(policy(), &EMPLOYEES, case).expect_err("refused");
    (e.code().to_owned(), e.field().map(str::to_owned))
}

/// Art 56. Declared 6000.00, paid 9000.00, both within 60%-300% of 8000.00
/// (4800.00-24000.00). One-time subsidy (Art 28(1), 23 months): the fund
/// 23 × 6000.00 = 138000.00, the unit 23 × 9000.00 − 138000.00 = 69000.00.
/// Allowance (80%): the fund 4800.00 a month, the unit 7200.00 − 4800.00 =
/// 2400.00 a month. Suspension wages (Art 25, the original wage): 6 ×
/// 6000.00 = 36000.00 and the unit's further 6 × 3000.00 = 18000.00.
#[test]
fn guangdong_regs_art56_unit_pays_the_difference_of_each_wage_item() {
    let result = calculate_under_scheme(
        policy(),
        &EMPLOYEES,
        &grade3(json!({"actual_wage": "9000.00"})),
    )
    .unwrap();
    assert_eq!(
        lines(&result, Item::OneTimeDisabilitySubsidy),
        [
            ("138000.00".to_owned(), Payer::Fund),
            ("69000.00".to_owned(), Payer::Employer)
        ]
    );
    assert_eq!(
        lines(&result, Item::MonthlyDisabilityAllowance),
        [
            ("4800.00".to_owned(), Payer::Fund),
            ("2400.00".to_owned(), Payer::Employer)
        ]
    );
    assert_eq!(
        lines(&result, Item::SuspensionWages),
        [
            ("36000.00".to_owned(), Payer::Employer),
            ("18000.00".to_owned(), Payer::Employer)
        ]
    );
    assert_eq!(
        result.benefit_wage,
        Some(yuan("6000.00")),
        "the fund's base"
    );
    // Every difference line has its step citing the article, with the two
    // amounts compared and the dated parameters of the actual computation.
    let steps: Vec<_> = result
        .trace
        .steps
        .iter()
        .filter(|s| s.article.en.contains("56"))
        .collect();
    let rules: Vec<(Item, &str, String)> = steps
        .iter()
        .map(|s| (s.item, s.rule, s.amount.to_string()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                Item::SuspensionWages,
                "guangdong_art25.original_wage_on_the_actual_wage",
                "18000.00".to_owned()
            ),
            (
                Item::OneTimeDisabilitySubsidy,
                "guangdong_art56.unit_pays_the_difference",
                "69000.00".to_owned()
            ),
            (
                Item::MonthlyDisabilityAllowance,
                "guangdong_art56.unit_pays_the_difference",
                "2400.00".to_owned()
            ),
        ]
    );
    let subsidy = steps[1];
    assert_eq!(subsidy.formula, "207000.00 − 138000.00 = 69000.00");
    assert!(
        subsidy
            .params
            .iter()
            .any(|p| p.id.to_string().contains("one_time_subsidy_months.grade_3")),
        "{:?}",
        subsidy.params
    );
    for l in result.lines.iter().filter(|l| l.payer == Payer::Employer) {
        if l.item != Item::SuspensionWages || l.amount == yuan("18000.00") {
            assert!(l.citation.article.contains("第五十六条"), "{l:?}");
        }
    }
}

/// Art 56 with Art 64's clamp: the actual wage 30000.00 is above 300% of
/// 8000.00, so the benefits on it are on 24000.00: the one-time subsidy's
/// difference is 23 × (24000.00 − 6000.00) = 414000.00, the allowance's 80%
/// × 18000.00 = 14400.00. The original wage of Art 25 has no clamp: 6 ×
/// 24000.00 = 144000.00 more.
#[test]
fn guangdong_regs_art56_difference_on_the_actual_wage_clamped_to_300pct() {
    let result = calculate_under_scheme(
        policy(),
        &EMPLOYEES,
        &grade3(json!({"actual_wage": "30000.00"})),
    )
    .unwrap();
    assert_eq!(
        lines(&result, Item::OneTimeDisabilitySubsidy)[1],
        ("414000.00".to_owned(), Payer::Employer)
    );
    assert_eq!(
        lines(&result, Item::MonthlyDisabilityAllowance)[1],
        ("14400.00".to_owned(), Payer::Employer)
    );
    assert_eq!(
        lines(&result, Item::SuspensionWages)[1],
        ("144000.00".to_owned(), Payer::Employer)
    );
}

/// Art 56: no actual wage, no comparison; the same wage, no difference.
#[test]
fn guangdong_regs_art56_no_difference_without_or_at_the_declared_wage() {
    let plain = calculate_under_scheme(policy(), &EMPLOYEES, &grade3(json!({}))).unwrap();
    let same = calculate_under_scheme(
        policy(),
        &EMPLOYEES,
        &grade3(json!({"actual_wage": "6000.00"})),
    )
    .unwrap();
    assert_eq!(plain.lines, same.lines);
    assert!(
        !plain
            .trace
            .steps
            .iter()
            .any(|s| s.rule.starts_with("guangdong_art56"))
    );
}

/// Art 56: a bad actual wage is refused, naming the field; the national
/// calculation and a scheme outside Guangdong have no such article.
#[test]
fn guangdong_regs_art56_bad_or_misplaced_actual_wage_refused() {
    let field = Some("actual_wage".to_owned());
    assert_eq!(
        err(&grade3(json!({"actual_wage": "5000.00"}))),
        ("input_conflict".to_owned(), field.clone()),
        "below the declared wage"
    );
    assert_eq!(
        err(&grade3(json!({"actual_wage": "0.00"}))),
        ("input_out_of_range".to_owned(), field.clone())
    );
    let national =
        calculate_case(policy(), &grade3(json!({"actual_wage": "9000.00"}))).expect_err("national");
    assert_eq!(national.field(), Some("actual_wage"));
    let mut jiangsu = grade3(json!({"actual_wage": "9000.00"}));
    jiangsu.region = Some("320100".into());
    let e = calculate_under_scheme(policy(), &SchemeId::known("jiangsu.employees"), &jiangsu)
        .expect_err("jiangsu");
    assert_eq!(e.field(), Some("actual_wage"));
}

/// Art 29: the grade 3 worker's household moved home on 2025-12-01: the unit
/// pays 6 months of the provincial average (8000.00 given): 48000.00, a
/// one-time line of the unit citing the article, with the dated parameter of
/// the 6 months.
#[test]
fn guangdong_regs_art29_unit_pays_six_months_resettlement_allowance() {
    let result = calculate_under_scheme(
        policy(),
        &EMPLOYEES,
        &grade3(json!({"household_moved_home_on": "2025-12-01"})),
    )
    .unwrap();
    assert_eq!(
        lines(&result, Item::ResettlementAllowance),
        [("48000.00".to_owned(), Payer::Employer)]
    );
    let line = result
        .lines
        .iter()
        .find(|l| l.item == Item::ResettlementAllowance)
        .unwrap();
    assert!(line.citation.article.contains("第二十九条"), "{line:?}");
    let step = result
        .trace
        .steps
        .iter()
        .find(|s| s.item == Item::ResettlementAllowance)
        .unwrap();
    assert_eq!(step.formula, "8000.00 × 6 = 48000.00");
    assert_eq!(
        step.params[0].id.to_string(),
        "guangdong/guangdong.art29.resettlement_allowance_months"
    );
    // Not a wage item: Art 56 adds nothing to it.
    let both = calculate_under_scheme(
        policy(),
        &EMPLOYEES,
        &grade3(json!({"household_moved_home_on": "2025-12-01", "actual_wage": "9000.00"})),
    )
    .unwrap();
    assert_eq!(lines(&both, Item::ResettlementAllowance).len(), 1);
}

/// Art 29 is for a living worker of grades 1-4, after the injury; the
/// national calculation has no such item.
#[test]
fn guangdong_regs_art29_only_grades_1_4_living_after_the_injury() {
    let field = Some("household_moved_home_on".to_owned());
    for extra in [
        json!({"household_moved_home_on": "2025-12-01", "grade": 5, "job_arranged": true}),
        json!({"household_moved_home_on": "2025-01-01"}),
        json!({"household_moved_home_on": "2025-12-01", "death_date": "2025-11-01", "dependants": {}}),
    ] {
        assert_eq!(
            err(&grade3(extra.clone())),
            ("input_conflict".to_owned(), field.clone()),
            "{extra}"
        );
    }
    let national = calculate_case(
        policy(),
        &grade3(json!({"household_moved_home_on": "2025-12-01"})),
    )
    .expect_err("national");
    assert_eq!(national.field(), Some("household_moved_home_on"));
}

/// Art 56 after a death (Art 35(1)(2)): the spouse's pension is 40% of the
/// own wage: the fund 40% × 6000.00 = 2400.00 a month, the unit 40% ×
/// 9000.00 − 2400.00 = 1200.00, listed per survivor in
/// `survivors_owed_by_unit`. The funeral subsidy (6 × the average) and the
/// one-time death benefit (20 × the national income) do not rest on the
/// wage: no difference.
#[test]
fn guangdong_regs_art56_survivors_pensions_difference_per_survivor() {
    let case: CaseInput = serde_json::from_value(json!({
        "region": "440100",
        "injury_date": "2025-03-10",
        "death_date": "2025-03-12",
        "own_wage": "6000.00",
        "actual_wage": "9000.00",
        "dependants": {"spouse": true},
        "regional_avg_wage": "8000.00",
        "national_income": "50000.00",
    }))
    .unwrap();
    let result = calculate_under_scheme(policy(), &EMPLOYEES, &case).unwrap();
    assert_eq!(
        lines(&result, Item::MonthlySurvivorPensions),
        [
            ("2400.00".to_owned(), Payer::Fund),
            ("1200.00".to_owned(), Payer::Employer)
        ]
    );
    assert_eq!(lines(&result, Item::FuneralSubsidy).len(), 1);
    assert_eq!(lines(&result, Item::OneTimeDeathBenefit).len(), 1);
    let owed: Vec<String> = result
        .survivors_owed_by_unit
        .iter()
        .map(|s| s.paid.to_string())
        .collect();
    assert_eq!(owed, ["1200.00"]);
}

/// A grade 7 Guangzhou worker (injured 2025-03-10, appraised 2025-10-15,
/// declared wage 6000.00) whose contract ends at his request on 2025-12-31.
fn grade7_terminated(termination: Value) -> CaseInput {
    serde_json::from_value(json!({
        "region": "440100",
        "injury_date": "2025-03-10",
        "appraisal_date": "2025-10-15",
        "own_wage": "6000.00",
        "grade": 7,
        "termination": termination,
    }))
    .unwrap()
}

/// Art 56 with Art 33: the unit declared 6500.00 a month over the 12 months
/// before the termination and paid 8000.00. The Art 33 base on the declared
/// wage is max(6000.00, 6500.00) = 6500.00, on the wage paid max(6000.00,
/// 8000.00) = 8000.00, both within 60%-300% of the average at the
/// termination (9183.00: 5509.80-27549.00). Grade 7 (Art 31): medical 6 ×
/// 6500.00 = 39000.00 by the fund, the unit 6 × 8000.00 − 39000.00 =
/// 9000.00; employment 25 × 6500.00 = 162500.00 by the unit, and its
/// further 25 × 1500.00 = 37500.00. The own wage is not under-declared
/// (no `actual_wage`): the one-time disability subsidy has no difference.
#[test]
fn guangdong_regs_art56_art33_termination_subsidies_on_the_wage_actually_paid() {
    let result = calculate_under_scheme(
        policy(),
        &EMPLOYEES,
        &grade7_terminated(json!({"date": "2025-12-31", "reason": "worker_request",
            "wage_before_termination": "6500.00", "actual_wage_before_termination": "8000.00"})),
    )
    .unwrap();
    assert_eq!(
        lines(&result, Item::OneTimeMedicalSubsidy),
        [
            ("39000.00".to_owned(), Payer::Fund),
            ("9000.00".to_owned(), Payer::Employer)
        ]
    );
    assert_eq!(
        lines(&result, Item::OneTimeEmploymentSubsidy),
        [
            ("162500.00".to_owned(), Payer::Employer),
            ("37500.00".to_owned(), Payer::Employer)
        ]
    );
    assert_eq!(
        lines(&result, Item::OneTimeDisabilitySubsidy),
        [("78000.00".to_owned(), Payer::Fund)]
    );
    // At the declared wage, or without it: no difference.
    for same in [
        json!({"date": "2025-12-31", "reason": "worker_request",
            "wage_before_termination": "6500.00", "actual_wage_before_termination": "6500.00"}),
        json!({"date": "2025-12-31", "reason": "worker_request",
            "wage_before_termination": "6500.00"}),
    ] {
        let r = calculate_under_scheme(policy(), &EMPLOYEES, &grade7_terminated(same)).unwrap();
        assert!(
            r.lines.iter().all(|l| l.payer == Payer::Fund
                || l.item == Item::OneTimeEmploymentSubsidy && l.amount == yuan("162500.00")),
            "{:?}",
            lines(&r, Item::OneTimeEmploymentSubsidy)
        );
    }
}

/// Art 56 with Art 33: a wage paid below the declared one is not an
/// under-declaration, and the actual wage needs the declared one beside it.
#[test]
fn guangdong_regs_art56_art33_bad_actual_wage_before_termination_refused() {
    let below = grade7_terminated(json!({"date": "2025-12-31", "reason": "worker_request",
        "wage_before_termination": "6500.00", "actual_wage_before_termination": "6400.00"}));
    assert_eq!(
        err(&below),
        (
            "input_conflict".to_owned(),
            Some("termination.actual_wage_before_termination".to_owned())
        )
    );
    let alone = grade7_terminated(json!({"date": "2025-12-31", "reason": "worker_request",
        "actual_wage_before_termination": "8000.00"}));
    assert_eq!(
        err(&alone),
        (
            "input_missing".to_owned(),
            Some("termination.wage_before_termination".to_owned())
        )
    );
}
