//! Legal cases as data: every `test_data/cases/*.json` is one case of the
//! Regulations, computed by hand from the law (the arithmetic is in its `why`).
//!
//! A file is
//!
//! ```json
//! { "name": "...", "article": "Regulations Art 64(2)", "why": "60% x 11761.00 = ...",
//!   "input": { a CaseInput: region, injury_date, appraisal_date, own_wage, ... },
//!   "expected": { "benefit_wage": "7056.60", ... } }
//! ```
//!
//! or, instead of `expected`, `"expected_error": { "code": ..., "field": ... }`
//! with [`RulesError::code`] and [`RulesError::field`]. The code `input_invalid`
//! means the input does not even parse as a `CaseInput`; its `field` is then the
//! property at fault, checked by removing it: the rest must parse.
//!
//! `expected` names amounts by the serde names of `AwardAmounts`, plus
//! optionally `allowance_payer` (`"fund"`, `"employer"` or `null`). Every amount
//! it does not name must be `"0.00"`, unless the file sets `"only_listed": true`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use gongshang_rules::{CaseInput, RulesError, calculate_case};
use serde::Deserialize;
use serde_json::Value;

use crate::{policy, test_data};

/// The code of an input that does not parse (the API's 400 before any rule runs).
const INPUT_INVALID: &str = "input_invalid";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegalCase {
    name: String,
    article: String,
    why: String,
    input: Value,
    #[serde(default)]
    expected: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    expected_error: Option<ExpectedError>,
    #[serde(default)]
    only_listed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    #[serde(default)]
    field: Option<String>,
}

fn case_files() -> Vec<PathBuf> {
    let dir = test_data().join("cases");
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
    let case: LegalCase =
        serde_json::from_str(&text).map_err(|e| format!("not a legal case file: {e}"))?;
    if case.name.trim().is_empty() || case.article.trim().is_empty() || case.why.trim().is_empty() {
        return Err("name, article and why must say something".into());
    }
    let input: CaseInput = match serde_json::from_value(case.input.clone()) {
        Ok(input) => input,
        Err(parse_error) => return check_unparsable(&case, &parse_error.to_string()),
    };
    match (
        calculate_case(policy(), &input),
        &case.expected,
        &case.expected_error,
    ) {
        (Ok(result), Some(expected), None) => {
            // The same inputs give the same result and trace (idempotent evaluation).
            if calculate_case(policy(), &input).as_ref() != Ok(&result) {
                return Err("a second evaluation gave another result or trace".into());
            }
            let actual = serde_json::to_value(result.amounts).expect("amounts serialize");
            compare_amounts(expected, &actual, case.only_listed)
        }
        (Err(error), None, Some(expected)) => compare_error(&error, expected),
        (Ok(result), None, Some(expected)) => Err(format!(
            "expected error {} on {:?}, got amounts {}",
            expected.code,
            expected.field,
            serde_json::to_string(&result.amounts).expect("amounts serialize")
        )),
        (Err(error), Some(_), None) => Err(format!(
            "expected amounts, got error {} (field {:?}): {error}",
            error.code(),
            error.field()
        )),
        _ => Err("give exactly one of expected or expected_error".into()),
    }
}

/// An input that does not parse must be expected as `input_invalid`, and must
/// parse once its faulty field is removed.
fn check_unparsable(case: &LegalCase, parse_error: &str) -> Result<(), String> {
    let expected = case
        .expected_error
        .as_ref()
        .filter(|e| e.code == INPUT_INVALID)
        .ok_or_else(|| format!("the input does not parse: {parse_error}"))?;
    let Some(field) = &expected.field else {
        return Ok(());
    };
    let mut without = case.input.clone();
    let removed = without
        .as_object_mut()
        .and_then(|o| o.remove(field.as_str()));
    if removed.is_none() {
        return Err(format!(
            "expected field {field} is not in the input ({parse_error})"
        ));
    }
    serde_json::from_value::<CaseInput>(without)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "the input still does not parse without {field}: {e} (first error: {parse_error})"
            )
        })
}

fn compare_amounts(
    expected: &BTreeMap<String, Value>,
    actual: &Value,
    only_listed: bool,
) -> Result<(), String> {
    let actual = actual.as_object().expect("amounts serialize as an object");
    let mut problems = Vec::new();
    for (name, want) in expected {
        match actual.get(name) {
            None => problems.push(format!("{name}: no such amount in AwardAmounts")),
            Some(got) if got != want => {
                problems.push(format!("{name}: expected {want}, got {got}"))
            }
            Some(_) => {}
        }
    }
    if !only_listed {
        for (name, got) in actual {
            // Amounts are strings of yuan; `allowance_payer` is checked only when named.
            let Some(got) = got.as_str() else { continue };
            if !expected.contains_key(name) && got != "0.00" {
                problems.push(format!("{name}: not listed, so expected 0.00, got {got}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn compare_error(error: &RulesError, expected: &ExpectedError) -> Result<(), String> {
    let message = error.to_string();
    let mut problems = Vec::new();
    if error.code() != expected.code {
        problems.push(format!(
            "code: expected {}, got {}",
            expected.code,
            error.code()
        ));
    }
    if let Some(field) = &expected.field
        && error.field() != Some(field.as_str())
    {
        problems.push(format!("field: expected {field}, got {:?}", error.field()));
    }
    // House style: lower case, no trailing period.
    if message.ends_with('.') || message.starts_with(|c: char| c.is_uppercase()) {
        problems.push("the message must start in lower case and not end with a period".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} ({message})", problems.join("; ")))
    }
}

#[test]
fn every_legal_case_file_matches_the_hand_computed_award() {
    let files = case_files();
    let mut failures = Vec::new();
    for path in &files {
        if let Err(problem) = check(path) {
            let name = path.file_name().expect("a file name").to_string_lossy();
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} legal cases failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn legal_cases_are_named_after_their_article_and_cover_the_regulations() {
    let files = case_files();
    assert!(
        files.len() >= 45,
        "only {} legal case files; the suite needs at least 45",
        files.len()
    );
    for path in &files {
        let stem = path.file_stem().expect("a file stem").to_string_lossy();
        let article = stem
            .strip_prefix("art")
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        assert!(
            article.is_some(),
            "{stem}.json: a case file name starts with its article, e.g. art64_..."
        );
    }
    for article in [
        "art15_", "art22_", "art30_", "art33_", "art34_", "art35_", "art36_", "art37_", "art39_",
        "art64_",
    ] {
        assert!(
            files.iter().any(|p| p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(article))),
            "no legal case for {article}"
        );
    }
}

#[test]
fn the_check_helper_rejects_a_wrong_expectation() {
    // The helper must not pass everything: a deliberately wrong amount, an
    // unlisted non-zero amount, and a wrong error field must each be reported.
    let amounts = serde_json::json!({ "benefit_wage": "8000.00", "suspension_wages": "100.00", "allowance_payer": null });
    let wrong: BTreeMap<String, Value> =
        [("benefit_wage".to_owned(), Value::from("8000.01"))].into();
    let problems = compare_amounts(&wrong, &amounts, false).unwrap_err();
    assert!(problems.contains("benefit_wage: expected"), "{problems}");
    assert!(
        problems.contains("suspension_wages: not listed"),
        "{problems}"
    );
    let right: BTreeMap<String, Value> =
        [("benefit_wage".to_owned(), Value::from("8000.00"))].into();
    assert!(compare_amounts(&right, &amounts, true).is_ok());

    let error = RulesError::missing("region", "looking up the average wage");
    let expected = ExpectedError {
        code: "input_missing".into(),
        field: Some("appraisal_date".into()),
    };
    assert!(compare_error(&error, &expected).is_err());
}
