//! Schemes (保障方案) as data: every `test_data/schemes/*.json` is one case
//! computed by hand under one scheme, named after its instrument and article
//! (the arithmetic is in its `why`). A file is
//!
//! ```json
//! { "name": "...", "instrument": "...", "article": "...", "scheme": "guangdong.employees",
//!   "why": "...", "input": { a CaseInput },
//!   "expected": { "one_time_medical_subsidy": "85000.00", ... },
//!   "excluded": { "suspension_wages": "20268.00" },
//!   "payers": { "one_time_medical_subsidy": "fund" } }
//! ```
//!
//! or, instead of `expected`, `"expected_error": { "code": ..., "field": ... }`
//! with [`RulesError::code`] and [`RulesError::field`] (eligibility failures:
//! `not_eligible` and the rule name). `expected` names items by
//! [`Item::name`]; `benefit_wage` is [`SchemeResult::benefit_wage`]; every
//! other item not named must be `0.00` unless `"only_listed": true`. When
//! `excluded` is given it lists exactly the items the scheme refused, with the
//! amounts the Regulations would have paid. `payers` checks the payer of a line.
//!
//! Submodules: [`billing`] (premiums and cover start), [`comparison`]
//! (`compare_schemes`), [`validation`] (the loader's checks of schemes).

mod billing;
mod comparison;
mod validation;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use gongshang_rules::scheme_award::{SchemeResult, calculate_under_scheme};
use gongshang_rules::{CaseInput, Item, Money, RulesError};
use serde::Deserialize;
use serde_json::Value;

use crate::{policy, test_data};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeCase {
    name: String,
    instrument: String,
    article: String,
    scheme: gongshang_rules::SchemeId,
    why: String,
    input: Value,
    #[serde(default)]
    expected: Option<BTreeMap<String, String>>,
    #[serde(default)]
    expected_error: Option<ExpectedError>,
    #[serde(default)]
    only_listed: bool,
    #[serde(default)]
    excluded: Option<BTreeMap<String, String>>,
    #[serde(default)]
    payers: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    #[serde(default)]
    field: Option<String>,
}

/// The pseudo-item that names [`SchemeResult::benefit_wage`].
const BENEFIT_WAGE: &str = "benefit_wage";

fn item_named(name: &str) -> Option<Item> {
    Item::ALL.into_iter().find(|i| i.name() == name)
}

fn scheme_files() -> Vec<PathBuf> {
    let dir = test_data().join("schemes");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Checks one case file against the engine; `Err` says what differs.
fn check(path: &Path) -> Result<(), String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let case: SchemeCase =
        serde_json::from_str(&text).map_err(|e| format!("not a scheme case file: {e}"))?;
    for (what, value) in [
        ("name", &case.name),
        ("instrument", &case.instrument),
        ("article", &case.article),
        ("why", &case.why),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{what} must say something"));
        }
    }
    let input: CaseInput = serde_json::from_value(case.input.clone())
        .map_err(|e| format!("the input is not a CaseInput: {e}"))?;
    match (
        calculate_under_scheme(policy(), &case.scheme, &input),
        &case.expected,
        &case.expected_error,
    ) {
        (Ok(result), Some(expected), None) => {
            let mut problems = compare_items(&result, expected, case.only_listed);
            if let Some(excluded) = &case.excluded {
                problems.extend(compare_excluded(&result, excluded));
            }
            problems.extend(compare_payers(&result, &case.payers));
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("; "))
            }
        }
        (Err(error), None, Some(expected)) => compare_error(&error, expected),
        (Ok(result), None, Some(expected)) => Err(format!(
            "expected error {} on {:?}, got {}",
            expected.code,
            expected.field,
            describe(&result)
        )),
        (Err(error), Some(_), None) => Err(format!(
            "expected amounts, got error {} (field {:?}): {error}",
            error.code(),
            error.field()
        )),
        _ => Err("give exactly one of expected or expected_error".into()),
    }
}

fn describe(result: &SchemeResult) -> String {
    let lines: Vec<String> = result
        .lines
        .iter()
        .map(|l| format!("{}={}", l.item.name(), l.amount))
        .collect();
    format!(
        "benefit_wage={:?}, lines [{}]",
        result.benefit_wage.map(|m| m.to_string()),
        lines.join(", ")
    )
}

fn compare_items(
    result: &SchemeResult,
    expected: &BTreeMap<String, String>,
    only_listed: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, want) in expected {
        let got = if name == BENEFIT_WAGE {
            result
                .benefit_wage
                .map_or_else(|| "none".to_owned(), |m| m.to_string())
        } else {
            match item_named(name) {
                Some(item) => result.amount(item).to_string(),
                None => {
                    problems.push(format!("{name}: no such item"));
                    continue;
                }
            }
        };
        if &got != want {
            problems.push(format!("{name}: expected {want}, got {got}"));
        }
    }
    if !only_listed {
        for item in Item::ALL {
            let got = result.amount(item);
            if !expected.contains_key(item.name()) && got != Money::ZERO {
                problems.push(format!(
                    "{}: not listed, so expected 0.00, got {got}",
                    item.name()
                ));
            }
        }
    }
    problems
}

fn compare_excluded(result: &SchemeResult, expected: &BTreeMap<String, String>) -> Vec<String> {
    let actual: BTreeMap<String, String> = result
        .excluded
        .iter()
        .map(|e| (e.item.name().to_owned(), e.amount.to_string()))
        .collect();
    if &actual == expected {
        Vec::new()
    } else {
        vec![format!("excluded: expected {expected:?}, got {actual:?}")]
    }
}

fn compare_payers(result: &SchemeResult, expected: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, want) in expected {
        let Some(item) = item_named(name) else {
            problems.push(format!("payers: {name}: no such item"));
            continue;
        };
        let got: Vec<String> = result
            .lines
            .iter()
            .filter(|l| l.item == item)
            .map(|l| {
                serde_json::to_value(l.payer)
                    .expect("payer serializes")
                    .as_str()
                    .expect("payer is a string")
                    .to_owned()
            })
            .collect();
        if got != [want.clone()] {
            problems.push(format!("payer of {name}: expected {want}, got {got:?}"));
        }
    }
    problems
}

fn compare_error(error: &RulesError, expected: &ExpectedError) -> Result<(), String> {
    if error.code() != expected.code || error.field() != expected.field.as_deref() {
        return Err(format!(
            "expected error {} on {:?}, got {} on {:?}: {error}",
            expected.code,
            expected.field,
            error.code(),
            error.field()
        ));
    }
    Ok(())
}

#[test]
fn every_scheme_case_file_matches_the_engine() {
    let files = scheme_files();
    assert!(
        files.len() >= 40,
        "expected at least 40 scheme cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        if let Err(why) = check(path) {
            let name = path.file_name().expect("a file name").to_string_lossy();
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scheme cases fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn scheme_case_files_are_named_after_their_instrument() {
    // guangdong_regs_, guangdong_55hao_, jiangsu_art27_, shandong_2024_, ...: the
    // file name starts with the jurisdiction of the scheme it tests (the platform
    // pilot and the Regulations are national).
    let mut wrong = Vec::new();
    for path in scheme_files() {
        let text = fs::read_to_string(&path).expect("readable");
        let case: SchemeCase = serde_json::from_str(&text).expect("a scheme case file");
        let stem = path.file_stem().expect("a stem").to_string_lossy();
        let jurisdiction = case.scheme.jurisdiction();
        let ok = match jurisdiction {
            "national" => {
                stem.starts_with("national_regs_")
                    || stem.starts_with("platform_pilot_")
                    || stem.starts_with("national_order56_")
            }
            j => stem.starts_with(&format!("{j}_")),
        };
        if !ok {
            wrong.push(format!("{stem} (scheme {})", case.scheme));
        }
    }
    assert!(wrong.is_empty(), "misnamed: {wrong:?}");
}

#[test]
fn every_shipped_scheme_has_at_least_one_case() {
    let mut tested = std::collections::BTreeSet::new();
    for path in scheme_files() {
        let text = fs::read_to_string(&path).expect("readable");
        let case: SchemeCase = serde_json::from_str(&text).expect("a scheme case file");
        tested.insert(case.scheme);
    }
    let untested: Vec<&str> = policy()
        .schemes()
        .map(|s| s.id.as_str())
        .filter(|id| !tested.contains(*id))
        .collect();
    assert!(untested.is_empty(), "schemes without a case: {untested:?}");
}

/// Every category is offered by the forms under its wire name: `ALL`
/// holds each variant once and `as_str` is what serde reads and writes.
#[test]
fn every_category_is_listed_once_under_its_serde_name() {
    use gongshang_rules::scheme::Category;
    let mut seen = std::collections::BTreeSet::new();
    for c in Category::ALL {
        assert!(seen.insert(c), "{c:?} listed twice");
        let wire = serde_json::to_value(c).unwrap();
        assert_eq!(wire, serde_json::Value::String(c.as_str().to_owned()));
        let back: Category = serde_json::from_value(wire).unwrap();
        assert_eq!(back, c);
    }
    assert!(Category::ALL.contains(&Category::EarlyRetiredRehired));
}

/// Guangdong Regulations Art 63(1): a person past the statutory retirement
/// age is refused as an employee, and the refusal names the scheme that
/// takes them instead; from 2025 only past the longest flexible delay (36
/// months). A woman's track is not recorded, so the later (55) counts; a
/// person whose sex is not known is held to a man's age. National and
/// Jiangsu employees are not checked. Each row: scheme, day, birth date,
/// sex, eligible, the scheme named instead.
#[test]
fn guangdong_regs_art63_1_an_employee_past_the_retirement_age_is_refused_and_sent_to_the_over_age_scheme()
 {
    use gongshang_rules::retirement::Sex;
    use gongshang_rules::scheme::{Applicant, Category};
    use jiff::civil::{Date, date};
    type Row = (
        &'static str,
        Date,
        Date,
        Option<Sex>,
        bool,
        Option<&'static str>,
    );
    let rows: [Row; 10] = [
        // Reached 2020-03-01; no delay before 2025; 55号 takes over-age workers.
        (
            "guangdong.employees",
            date(2024, 6, 1),
            date(1960, 3, 1),
            Some(Sex::Male),
            false,
            Some("guangdong.specific_persons"),
        ),
        (
            "guangdong.employees",
            date(2020, 2, 29),
            date(1960, 3, 1),
            Some(Sex::Male),
            true,
            None,
        ),
        // Reached 2022-03-01; 36 months of flexible delay: refused from 2025-03-01.
        (
            "guangdong.employees",
            date(2025, 2, 28),
            date(1962, 3, 1),
            Some(Sex::Male),
            true,
            None,
        ),
        (
            "guangdong.employees",
            date(2025, 3, 1),
            date(1962, 3, 1),
            Some(Sex::Male),
            false,
            Some("guangdong.specific_persons"),
        ),
        // From 2026-07-01 Order No. 56's scheme.
        (
            "guangdong.employees",
            date(2026, 8, 1),
            date(1960, 1, 1),
            Some(Sex::Male),
            false,
            Some("national.over_age_workers"),
        ),
        // A woman of 52 (past 50, the worker track) is not refused: her track is not known.
        (
            "guangdong.employees",
            date(2024, 6, 1),
            date(1972, 1, 1),
            Some(Sex::Female),
            true,
            None,
        ),
        // A woman past 55 (reached 2023-01-01) is.
        (
            "guangdong.employees",
            date(2024, 6, 1),
            date(1968, 1, 1),
            Some(Sex::Female),
            false,
            Some("guangdong.specific_persons"),
        ),
        // Sex not known: a man's age (60), so 57 is not refused.
        (
            "guangdong.employees",
            date(2024, 6, 1),
            date(1967, 1, 1),
            None,
            true,
            None,
        ),
        (
            "national.employees",
            date(2024, 6, 1),
            date(1950, 3, 1),
            Some(Sex::Male),
            true,
            None,
        ),
        (
            "jiangsu.employees",
            date(2024, 6, 1),
            date(1950, 3, 1),
            Some(Sex::Male),
            true,
            None,
        ),
    ];
    for (id, on, birth, sex, eligible, instead) in rows {
        let region = if id.starts_with("jiangsu") {
            "320100"
        } else {
            "440100"
        };
        let who = Applicant {
            category: Category::Employee,
            birth_date: birth,
            sex,
            retirement_track: Default::default(),
            labour_relation_with_unit: true,
            covered_by_regulations: false,
            region: Some(region.into()),
        };
        let got = policy()
            .scheme(id)
            .unwrap()
            .eligibility(policy(), &who, on)
            .unwrap();
        assert_eq!(
            got.eligible, eligible,
            "{id} {on} {birth}: {:?}",
            got.checks
        );
        if let Some(instead) = instead {
            let failed = got.failure().expect("refused");
            assert_eq!(failed.rule, "retirement_age", "{id} {on} {birth}");
            assert!(
                failed.value.contains("person.birth_date"),
                "{}",
                failed.value
            );
            assert!(failed.allowed.contains(instead), "{}", failed.allowed);
            assert!(
                failed.allowed.contains("不适用本条例"),
                "{}",
                failed.allowed
            );
            let cited = failed.citation.as_ref().expect("cited");
            assert!(
                cited.article.contains("第六十三条") || cited.article.contains("第三条"),
                "{cited:?}"
            );
        }
    }
}

/// Each order industry's names in one place: the stored name is its serde
/// name (the order files, the store, the parameter keys), the column of
/// `order_days` counting its orders is `orders_` and that name, and its
/// index is its place in `OrderIndustry::ALL`.
#[test]
fn order_industries_carry_their_stored_name_column_and_index() {
    use gongshang_rules::scheme::OrderIndustry;
    for (k, industry) in OrderIndustry::ALL.into_iter().enumerate() {
        assert_eq!(
            serde_json::to_value(industry).unwrap(),
            serde_json::Value::String(industry.stored_name().to_owned())
        );
        assert_eq!(
            industry.order_days_column(),
            format!("orders_{}", industry.stored_name())
        );
        assert_eq!(industry.index(), k);
    }
}
