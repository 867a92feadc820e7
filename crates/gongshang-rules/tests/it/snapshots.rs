//! Traces as snapshots: the explanation a person reads (steps, articles,
//! parameters with their dates and citations, formulas) is reviewed as text.
//! Each accepted `.snap` in `snapshots/` was checked by hand against the law.
//! The cases reuse legal case files, so their amounts are also pinned there.

use std::fs;

use gongshang_rules::contribution::ContributionRules;
use gongshang_rules::{
    CaseInput, IndustryClass, Money, Rate, Trace, calculate_case, monthly_contribution,
};
use jiff::civil::date;
use serde_json::Value;

use crate::{policy, test_data};

fn case_input(file: &str) -> CaseInput {
    let path = test_data().join("cases").join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let case: Value = serde_json::from_str(&text).expect("a legal case file");
    serde_json::from_value(case["input"].clone()).expect("a case input")
}

fn case_snapshot(file: &str) -> String {
    let result = calculate_case(policy(), &case_input(file)).expect("the case computes");
    serde_json::to_string_pretty(&result).expect("a result serializes")
}

#[test]
fn trace_of_a_grade_3_award_with_living_care() {
    insta::assert_snapshot!(case_snapshot("art34_nursing_partly_grade3_guangzhou.json"));
}

#[test]
fn trace_of_a_death_with_survivors_capped_at_the_benefit_wage() {
    insta::assert_snapshot!(case_snapshot("art39_survivors_capped_at_benefit_wage.json"));
}

#[test]
fn trace_of_a_grade_6_allowance_topped_up_to_the_minimum_wage() {
    insta::assert_snapshot!(case_snapshot(
        "art36_grade6_min_wage_topup_guangzhou_2025_03.json"
    ));
}

#[test]
fn trace_of_a_class_6_contribution_with_a_half_fen() {
    let rules = ContributionRules::resolve(policy(), date(2025, 1, 1)).unwrap();
    let mut trace = Trace::default();
    let amount = monthly_contribution(
        Money::parse_yuan("5012.50").unwrap(),
        IndustryClass::new(6).unwrap(),
        Rate::percent(120),
        &rules,
        &mut trace,
    )
    .unwrap();
    assert_eq!(amount.to_string(), "78.20");
    insta::assert_snapshot!(serde_json::to_string_pretty(&trace).expect("a trace serializes"));
}
