//! `compare_schemes`: the schemes that apply to a case, those that refuse it
//! with their rule, and the items that differ.

use std::fs;
use std::path::Path;

use gongshang_rules::scheme_award::{Comparison, compare_schemes};
use gongshang_rules::{CaseInput, Item, Money};

use crate::policy;

fn example(name: &str) -> CaseInput {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/cases")
        .join(name);
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("an example case")
}

fn yuan(text: &str) -> Money {
    Money::parse_yuan(text).expect("an amount")
}

/// Ok, or the refusal's code and the rule its message names.
type Outcome = Result<(), (String, String)>;

/// (scheme id, outcome) for each scheme compared.
fn outcomes(c: &Comparison) -> Vec<(String, Outcome)> {
    c.schemes
        .iter()
        .map(|s| {
            let r = match &s.result {
                Ok(_) => Ok(()),
                Err(refusal) => {
                    let rule = refusal
                        .message
                        .split("rule ")
                        .nth(1)
                        .and_then(|rest| rest.split_whitespace().next())
                        .unwrap_or("")
                        .to_owned();
                    Err((refusal.code.to_owned(), rule))
                }
            };
            (s.scheme_id.to_string(), r)
        })
        .collect()
}

/// A rider (platform worker) dies in Guangzhou on 2025-08-16. The schemes of
/// region 440100: the two employee schemes refuse the category; the Guangdong
/// specific-persons measure (platform workers are category 6) and the platform
/// pilot (Guangdong since 2022-07-01) both apply. The death benefit 20 x 54188
/// = 1083760.00 is the same. Under the measure the funeral subsidy is 6 x
/// 9183.00 (Guangdong's average 2025-07 to 2026-06, assumed) = 55098.00 and
/// the pensions (spouse 40%, two others 30% each) are 100% of the floor
/// 60% x 9183.00 = 5509.80 (own wage 0 clamped); under the pilot both are on
/// the base, 60% of Guangzhou's private-unit average 5000.00 (illustrative) =
/// 3000.00: funeral 6 x 3000.00 = 18000.00, pensions 1200.00 + 900.00 + 900.00
/// = 3000.00, which is exactly the cap (the base).
#[test]
fn platform_rider_death_applies_and_refusals() {
    let c = compare_schemes(policy(), &example("platform-rider-death.json"));
    let not_eligible = |rule: &str| Err(("not_eligible".to_owned(), rule.to_owned()));
    assert_eq!(
        outcomes(&c),
        vec![
            ("guangdong.employees".to_owned(), not_eligible("category")),
            ("guangdong.specific_persons".to_owned(), Ok(())),
            ("national.employees".to_owned(), not_eligible("category")),
            (
                "national.over_age_workers".to_owned(),
                not_eligible("scheme_in_force")
            ),
            ("national.platform_occupational_injury".to_owned(), Ok(())),
        ]
    );
    // Shandong, Jiangsu and Xiamen schemes do not apply in 440100 at all.
    assert!(
        c.schemes
            .iter()
            .all(|s| !s.scheme_id.as_str().starts_with("jiangsu")
                && !s.scheme_id.as_str().starts_with("shandong")
                && !s.scheme_id.as_str().starts_with("xiamen"))
    );
    let items: Vec<Item> = c.differences.iter().map(|d| d.item).collect();
    assert_eq!(
        items,
        vec![Item::FuneralSubsidy, Item::MonthlySurvivorPensions]
    );
    let funeral = &c.differences[0];
    assert_eq!(
        funeral.amounts,
        vec![
            None,
            Some(yuan("55098.00")),
            None,
            None,
            Some(yuan("18000.00"))
        ]
    );
    let d = &c.differences[1];
    assert_eq!(
        d.amounts,
        vec![
            None,
            Some(yuan("5509.80")),
            None,
            None,
            Some(yuan("3000.00"))
        ]
    );
    // One explanation per scheme that applies, naming it.
    assert_eq!(d.explain_en.len(), 2);
    assert!(d.explain_en[0].starts_with("guangdong.specific_persons: 5509.80"));
    assert!(d.explain_en[1].starts_with("national.platform_occupational_injury: 3000.00"));
    for s in &c.schemes {
        if let Ok(r) = &s.result {
            assert_eq!(r.amount(Item::OneTimeDeathBenefit), yuan("1083760.00"));
        }
    }
}

/// The Jiangsu example in Suzhou: the Jiangsu scheme pays the Art 27-28
/// subsidies, both cut by Art 28 for a worker who asks to leave with fewer than
/// 4 years to retirement (224000.00 x 60% = 134400.00 and 85000.00 x 60% =
/// 51000.00), the national scheme
/// none; the single-line scheme refuses an employee; the platform pilot refuses
/// the category (Jiangsu is a pilot province, so it is listed).
#[test]
fn jiangsu_occupational_disease_differences_are_the_subsidies() {
    let c = compare_schemes(policy(), &example("js-occupational-disease.json"));
    let not_eligible = |rule: &str| Err(("not_eligible".to_owned(), rule.to_owned()));
    assert_eq!(
        outcomes(&c),
        vec![
            ("jiangsu.employees".to_owned(), Ok(())),
            (
                "jiangsu.over_age_and_interns".to_owned(),
                not_eligible("category")
            ),
            ("national.employees".to_owned(), Ok(())),
            (
                "national.over_age_workers".to_owned(),
                not_eligible("scheme_in_force")
            ),
            (
                "national.platform_occupational_injury".to_owned(),
                not_eligible("category")
            ),
        ]
    );
    let diffs: Vec<(Item, Vec<Option<Money>>)> = c
        .differences
        .iter()
        .map(|d| (d.item, d.amounts.clone()))
        .collect();
    assert_eq!(
        diffs,
        vec![
            (
                Item::OneTimeMedicalSubsidy,
                vec![Some(yuan("134400.00")), None, Some(Money::ZERO), None, None]
            ),
            (
                Item::OneTimeEmploymentSubsidy,
                vec![Some(yuan("51000.00")), None, Some(Money::ZERO), None, None]
            ),
        ]
    );
}

/// A case whose person is missing: the employee schemes compute, the others
/// refuse with input_missing (not a silent omission).
#[test]
fn a_case_without_a_person_is_refused_by_non_employee_schemes() {
    let c = compare_schemes(policy(), &example("grade5-guangzhou.json"));
    for s in &c.schemes {
        match s.scheme_id.as_str() {
            "guangdong.employees" | "national.employees" => {
                assert!(s.result.is_ok(), "{}: {:?}", s.scheme_id, s.result)
            }
            _ => {
                let refusal = s.result.as_ref().expect_err("refused");
                assert_eq!(refusal.code, "input_missing", "{}", s.scheme_id);
                assert!(refusal.message.contains("person"), "{}", refusal.message);
            }
        }
    }
    // Guangdong and national employees compute the same Regulations items here
    // (no termination): no differences.
    assert!(c.differences.is_empty(), "{:?}", c.differences);
}

/// Every amount of the platform pilot rests on an assumed rule (the base of
/// 规程 Arts 38-39, whose text was not found): each line is marked assumed and
/// cites the 规程's own article, never the employees' Regulations.
#[test]
fn platform_pilot_lines_are_assumed_and_cite_the_handling_rules() {
    let r = gongshang_rules::scheme_award::calculate_under_scheme(
        policy(),
        &"national.platform_occupational_injury".parse().unwrap(),
        &example("platform-rider-death.json"),
    )
    .expect("the pilot applies");
    assert!(!r.lines.is_empty());
    for line in &r.lines {
        assert_eq!(
            line.citation.status,
            gongshang_rules::params::Status::Assumed,
            "{:?}",
            line.item
        );
        assert!(
            line.citation.instrument.contains("人社厅函〔2025〕79号"),
            "{:?}: {}",
            line.item,
            line.citation.instrument
        );
        assert!(
            line.citation.article.starts_with("第三十"),
            "{}",
            line.citation.article
        );
    }
}

/// Guangdong Regulations Art 64 (last paragraph): where the city's average is
/// higher than the province's, the city's is used. A city (440400, added for
/// the test) averaging 12000.00 against the province's 9167.00: the floor is
/// 60% x 12000.00 = 7200.00, so an own wage of 6000.00 becomes 7200.00, and
/// grade 10 gets 7 x 7200.00 = 50400.00; the trace names both averages.
#[test]
fn guangdong_art64_the_city_average_where_it_is_higher() {
    use gongshang_rules::params::{EMBEDDED_FILES, PolicyFile};
    let extra = r#"jurisdiction = "guangdong"
[[region]]
code = "440400"
name_zh = "珠海市"
name_en = "Zhuhai (test)"
[[parameter]]
key = "regional.avg_monthly_wage"
region = "440400"
label_zh = "统筹地区上年度职工月平均工资"
label_en = "Regional average monthly wage"
unit = "yuan_per_month"
values = [ { from = 2024-07-01, until = 2025-07-01, value = "12000.00", instrument = "test", article = "—", source = "TEST", confidence = "C1" } ]
"#;
    let mut files: Vec<PolicyFile<'_>> = EMBEDDED_FILES
        .iter()
        .map(|(path, text)| PolicyFile { path, text })
        .collect();
    files.push(PolicyFile {
        path: "guangdong/test-city.toml",
        text: extra,
    });
    let policy = gongshang_rules::PolicySet::load(&files).unwrap();
    let case: CaseInput = serde_json::from_value(serde_json::json!({
        "region": "440400",
        "injury_date": "2025-03-10",
        "appraisal_date": "2025-05-10",
        "own_wage": "6000.00",
        "grade": 10
    }))
    .unwrap();
    let r = gongshang_rules::scheme_award::calculate_under_scheme(
        &policy,
        &"guangdong.employees".parse().unwrap(),
        &case,
    )
    .unwrap();
    assert_eq!(r.benefit_wage, Some(yuan("7200.00")));
    assert_eq!(r.amount(Item::OneTimeDisabilitySubsidy), yuan("50400.00"));
    let step = r
        .trace
        .steps
        .iter()
        .find(|s| s.item == Item::BenefitWage)
        .unwrap();
    let regions: Vec<Option<&str>> = step.params.iter().map(|p| p.id.region.as_deref()).collect();
    assert!(
        regions.contains(&Some("440400")) && regions.contains(&Some("440000")),
        "{regions:?}"
    );
    // Under the national scheme the city's value is the pooling region's anyway.
    let national = gongshang_rules::calculate_case(&policy, &case).unwrap();
    assert_eq!(national.amounts.benefit_wage, yuan("7200.00"));
}
