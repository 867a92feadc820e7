//! The policy files: parameters are data reviewed like code, appended in date
//! order, never overwritten, every value cited, assumptions marked, and the
//! loader refuses a file that breaks any of this, naming the file and entry.

use std::fs;
use std::path::{Path, PathBuf};

use gongshang_rules::params::{EMBEDDED_FILES, PolicyFile, Status, Validity};
use gongshang_rules::{Money, PolicySet, Rate, RulesError};
use jiff::civil::date;

use crate::policy;

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies")
}

/// The parameter files: `<jurisdiction>/*.toml`, one level down. Deeper
/// folders hold other data (e.g. `national/holidays/`, the holiday calendars
/// that gongshang-domain embeds).
fn toml_files_under(dir: &Path, root: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
    {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            if dir == root {
                toml_files_under(&path, root, out);
            }
        } else if path.extension().is_some_and(|e| e == "toml") {
            let relative = path.strip_prefix(root).expect("under the root");
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
}

/// Loads one file of jurisdiction `testland`.
fn load_one(text: &str) -> Result<PolicySet, RulesError> {
    load_as("testland/params.toml", text)
}

fn load_as(path: &str, text: &str) -> Result<PolicySet, RulesError> {
    PolicySet::load(&[PolicyFile { path, text }])
}

/// A valid file with one parameter whose value list is `values`.
fn file_with_values(unit: &str, values: &str) -> String {
    format!(
        r#"jurisdiction = "testland"

[defaults]
instrument = "test instrument"
article = "Art 1"
source = "TEST"
confidence = "C1"

[[parameter]]
key = "test.value"
label_zh = "测试"
label_en = "Test value"
unit = "{unit}"
values = [
{values}
]
"#
    )
}

/// Asserts a `policy_invalid` error whose text mentions every one of `words`.
fn assert_invalid(result: Result<PolicySet, RulesError>, words: &[&str]) {
    match result {
        Ok(_) => {
            panic!("the loader accepted an invalid file (expected an error mentioning {words:?})")
        }
        Err(e) => {
            assert_eq!(e.code(), "policy_invalid", "{e}");
            assert!(matches!(e, RulesError::PolicyInvalid { .. }), "{e:?}");
            let message = e.to_string();
            for word in words {
                assert!(
                    message.contains(word),
                    "{message:?} should mention {word:?}"
                );
            }
        }
    }
}

#[test]
fn the_embedded_policy_set_loads() {
    let policy = PolicySet::embedded().expect("the shipped policy files are valid");
    assert!(policy.parameters().count() > 0);
    for code in ["110000", "310000", "440100"] {
        assert!(policy.region(code).is_some(), "region {code} is shipped");
    }
}

#[test]
fn embedded_files_list_exactly_the_toml_files_under_policies() {
    let root = policies_dir();
    let mut on_disk = Vec::new();
    toml_files_under(&root, &root, &mut on_disk);
    on_disk.sort();
    let mut embedded: Vec<String> = EMBEDDED_FILES
        .iter()
        .map(|(p, _)| (*p).to_owned())
        .collect();
    embedded.sort();
    let missing: Vec<&String> = on_disk.iter().filter(|p| !embedded.contains(p)).collect();
    let stale: Vec<&String> = embedded.iter().filter(|p| !on_disk.contains(p)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "EMBEDDED_FILES is out of step with policies/: not embedded {missing:?}, no longer on disk {stale:?}"
    );
    for (path, text) in EMBEDDED_FILES {
        let on_disk = fs::read_to_string(root.join(path)).expect("an embedded file exists");
        assert_eq!(
            &on_disk, text,
            "{path}: the embedded text differs from the file"
        );
    }
}

#[test]
fn a_minimal_valid_file_loads() {
    let text = file_with_values("rate", r#"{ from = 2020-01-01, value = "10%" }"#);
    let set = load_one(&text).expect("valid");
    let used = set.at("testland", "test.value", date(2020, 1, 1)).unwrap();
    assert_eq!(used.rate(), Rate::percent(10));
    assert_eq!(used.citation.instrument, "test instrument");
    assert_eq!(used.citation.status, Status::Confirmed);
}

#[test]
fn values_out_of_date_order_are_refused() {
    let text = file_with_values(
        "rate",
        r#"{ from = 2021-01-01, value = "10%" },
{ from = 2020-01-01, value = "20%" },"#,
    );
    assert_invalid(
        load_one(&text),
        &["testland/params.toml", "test.value", "does not come after"],
    );
}

#[test]
fn two_values_from_the_same_date_are_refused_values_are_never_overwritten() {
    let text = file_with_values(
        "rate",
        r#"{ from = 2020-01-01, value = "10%" },
{ from = 2020-01-01, value = "20%" },"#,
    );
    assert_invalid(load_one(&text), &["test.value", "never overwritten"]);
}

#[test]
fn yearly_values_out_of_order_or_repeated_are_refused() {
    let text = file_with_values(
        "yuan_per_year",
        r#"{ year = 2023, value = 51821 },
{ year = 2023, value = 54188 },"#,
    );
    assert_invalid(load_one(&text), &["test.value", "year 2023"]);
}

#[test]
fn an_unknown_unit_is_refused() {
    let text = file_with_values("furlongs", r#"{ from = 2020-01-01, value = "10%" }"#);
    assert_invalid(load_one(&text), &["testland/params.toml", "furlongs"]);
}

#[test]
fn an_inferred_value_must_be_marked_assumed() {
    let text = file_with_values(
        "rate",
        r#"{ from = 2020-01-01, value = "10%", confidence = "INF" }"#,
    );
    assert_invalid(load_one(&text), &["test.value", "INF", "assumed"]);
    let marked = file_with_values(
        "rate",
        r#"{ from = 2020-01-01, value = "10%", confidence = "INF", status = "assumed", note = "not verified" }"#,
    );
    let set = load_one(&marked).expect("an INF value marked assumed with a note loads");
    let used = set.at("testland", "test.value", date(2020, 6, 1)).unwrap();
    assert_eq!(used.citation.status, Status::Assumed);
    assert_eq!(used.citation.note.as_deref(), Some("not verified"));
}

#[test]
fn an_assumed_value_needs_a_note() {
    let text = file_with_values(
        "rate",
        r#"{ from = 2020-01-01, value = "10%", status = "assumed" }"#,
    );
    assert_invalid(load_one(&text), &["test.value", "note"]);
    let blank = file_with_values(
        "rate",
        r#"{ from = 2020-01-01, value = "10%", status = "illustrative", note = "  " }"#,
    );
    assert_invalid(load_one(&blank), &["test.value", "note"]);
}

#[test]
fn a_value_without_its_citation_is_refused() {
    let text = r#"jurisdiction = "testland"

[[parameter]]
key = "test.value"
label_zh = "测试"
label_en = "Test value"
unit = "rate"
values = [ { from = 2020-01-01, value = "10%", article = "Art 1", source = "TEST", confidence = "C1" } ]
"#;
    assert_invalid(load_one(text), &["test.value", "instrument"]);
}

const REGION_PARAM: &str = r#"
[[parameter]]
key = "regional.avg_monthly_wage"
region = "110000"
label_zh = "统筹地区上年度职工月平均工资"
label_en = "Regional average monthly wage"
unit = "yuan_per_month"
values = [ { from = 2024-07-01, until = 2025-07-01, value = "11761.00", instrument = "test", article = "—", source = "TEST", confidence = "C1" } ]
"#;

#[test]
fn a_regional_parameter_of_an_undeclared_region_is_refused() {
    let text = format!("jurisdiction = \"beijing\"\n{REGION_PARAM}");
    assert_invalid(
        load_as("beijing/regions.toml", &text),
        &["regional.avg_monthly_wage", "110000", "not declared"],
    );
    let declared = format!(
        "jurisdiction = \"beijing\"\n[[region]]\ncode = \"110000\"\nname_zh = \"北京市\"\nname_en = \"Beijing\"\n{REGION_PARAM}"
    );
    let set = load_as("beijing/regions.toml", &declared).expect("a declared region loads");
    let avg = set
        .regional("110000", "regional.avg_monthly_wage", date(2024, 7, 1))
        .unwrap();
    assert_eq!(avg.money(), Money::from_yuan(11761));
}

#[test]
fn a_jurisdiction_that_does_not_match_its_folder_is_refused() {
    let text = file_with_values("rate", r#"{ from = 2020-01-01, value = "10%" }"#);
    assert_invalid(
        load_as("elsewhere/params.toml", &text),
        &["elsewhere/params.toml", "jurisdiction", "testland"],
    );
}

#[test]
fn a_bad_region_code_is_refused() {
    for code in ["11000", "1100000", "11000a", "990000"] {
        let text = format!(
            "jurisdiction = \"testland\"\n[[region]]\ncode = \"{code}\"\nname_zh = \"某地\"\nname_en = \"Somewhere\"\n"
        );
        assert_invalid(load_one(&text), &[code, "GB/T 2260"]);
    }
    let text = format!(
        "jurisdiction = \"beijing\"\n{}",
        REGION_PARAM.replace("\"110000\"", "\"1100\"")
    );
    assert_invalid(
        load_as("beijing/regions.toml", &text),
        &["1100", "six digits"],
    );
}

#[test]
fn a_regional_value_is_the_one_in_force_on_the_date() {
    let policy = policy();
    let min = |y, m, d| {
        policy
            .regional("440100", "regional.min_wage_monthly", date(y, m, d))
            .unwrap()
    };
    assert_eq!(min(2025, 2, 28).money(), Money::from_yuan(2300));
    assert_eq!(min(2025, 3, 1).money(), Money::from_yuan(2500));
    assert_eq!(min(2025, 3, 1).validity, Validity::From(date(2025, 3, 1)));
    assert_eq!(min(2021, 12, 1).money(), Money::from_yuan(2300));
}

#[test]
fn before_the_first_value_a_parameter_is_missing_not_guessed() {
    let error = policy()
        .regional("440100", "regional.min_wage_monthly", date(2021, 11, 30))
        .unwrap_err();
    assert_eq!(error.code(), "parameter_missing");
    assert_eq!(error.field(), Some("regional.min_wage_monthly"));
    assert!(error.to_string().contains("from 2021-12-01"), "{error}");

    let error = policy()
        .at("national", "benefit_wage.floor_share", date(2010, 12, 31))
        .unwrap_err();
    assert_eq!(error.code(), "parameter_missing");
    assert_eq!(error.field(), Some("benefit_wage.floor_share"));
}

#[test]
fn an_unknown_region_has_no_parameters() {
    let error = policy()
        .regional("440400", "regional.avg_monthly_wage", date(2025, 1, 1))
        .unwrap_err();
    assert_eq!(error.code(), "parameter_missing");
    assert!(
        error.to_string().contains("440100"),
        "the message lists the loaded regions: {error}"
    );
}

#[test]
fn a_yearly_parameter_has_no_nearest_year_and_names_the_loaded_years() {
    let key = "statistics.urban_disposable_income_per_capita";
    assert_eq!(
        policy().for_year("national", key, 2024).unwrap().money(),
        Money::from_yuan(54188)
    );
    assert_eq!(
        policy().for_year("national", key, 2023).unwrap().money(),
        Money::from_yuan(51821)
    );
    assert_eq!(
        policy().for_year("national", key, 2025).unwrap().money(),
        Money::from_yuan(56502)
    );
    let error = policy().for_year("national", key, 2026).unwrap_err();
    assert_eq!(error.code(), "parameter_missing");
    assert_eq!(error.field(), Some(key));
    let message = error.to_string();
    assert!(message.contains("year 2026"), "{message}");
    for loaded in ["year 2011", "year 2023", "year 2024", "year 2025"] {
        assert!(
            message.contains(loaded),
            "{message:?} should name the loaded {loaded}"
        );
    }
    // A yearly parameter is not a dated one: `at` finds no dated value.
    assert_eq!(
        policy()
            .at("national", key, date(2025, 1, 1))
            .unwrap_err()
            .code(),
        "parameter_missing"
    );
}

/// A value with `until` lapses: on and after that day there is no value
/// (an error naming the parameter), until a later value is appended.
#[test]
fn a_value_with_until_lapses_and_the_next_may_start_there() {
    let text = file_with_values(
        "yuan_per_month",
        r#"{ from = 2020-07-01, until = 2021-07-01, value = "4053.60" },
{ from = 2022-07-01, until = 2023-07-01, value = "4500.00" },"#,
    );
    let set = load_one(&text).expect("valid");
    let at = |d| set.at("testland", "test.value", d);
    assert_eq!(
        at(date(2021, 6, 30)).unwrap().money(),
        Money::parse_yuan("4053.60").unwrap()
    );
    let gap = at(date(2021, 7, 1)).unwrap_err();
    assert_eq!(gap.code(), "parameter_missing");
    assert!(
        gap.to_string().contains("from 2020-07-01 until 2021-07-01"),
        "{gap}"
    );
    assert_eq!(
        at(date(2022, 7, 1)).unwrap().money(),
        Money::parse_yuan("4500.00").unwrap()
    );
    assert_eq!(
        at(date(2023, 7, 1)).unwrap_err().code(),
        "parameter_missing"
    );
}

#[test]
fn until_must_follow_from_and_values_may_not_overlap() {
    for (values, reason) in [
        (
            r#"{ from = 2020-07-01, until = 2020-07-01, value = "1" },"#,
            "must come after from",
        ),
        (
            r#"{ from = 2020-07-01, until = 2021-07-01, value = "1" },
{ from = 2021-06-01, value = "2" },"#,
            "falls before the previous value's until",
        ),
    ] {
        let err = load_one(&file_with_values("yuan", values)).unwrap_err();
        assert_eq!(err.code(), "policy_invalid");
        assert!(err.to_string().contains(reason), "{err}");
    }
    let yearly = r#"{ year = 2020, until = 2021-01-01, value = "1" },"#;
    let err = load_one(&file_with_values("yuan_per_year", yearly)).unwrap_err();
    assert!(
        err.to_string().contains("a yearly value has no until"),
        "{err}"
    );
}

/// `policies check` refuses a regional series that could be used past its end:
/// its last value must say the first day it no longer applies. A law's own
/// parameter (no region) needs no end.
#[test]
fn a_regional_series_without_an_end_is_refused() {
    let open = format!(
        "jurisdiction = \"beijing\"\n[[region]]\ncode = \"110000\"\nname_zh = \"北京市\"\nname_en = \"Beijing\"\n{}",
        REGION_PARAM.replace("until = 2025-07-01, ", "")
    );
    assert_invalid(
        load_as("beijing/regions.toml", &open),
        &["regional.avg_monthly_wage", "until", "past its end"],
    );
    // Every shipped regional series ends, and a date past the end is refused.
    let policy = policy();
    for p in policy.parameters().filter(|p| p.id.region.is_some()) {
        let last = p.values.last().expect("values");
        assert!(last.until.is_some(), "{} has no end", p.id);
    }
    let error = policy
        .regional("110000", "regional.avg_monthly_wage", date(2027, 7, 1))
        .unwrap_err();
    assert_eq!(error.code(), "parameter_missing");
    assert!(error.to_string().contains("until 2027-07-01"), "{error}");
}

/// `with_overrides` (a reform's dated values, `calc --batch --reform`): a
/// parameter of 10 from 2020 and 12 from 2030, overridden with 11 from
/// 2025, reads 10 on 2024-12-31, 11 on 2025-01-01 and still 11 in 2031
/// (the override hides the later baseline value); the baseline set is left
/// as it was; a value of another unit or an unknown key is refused and
/// nothing is applied.
#[test]
fn an_override_holds_from_its_date_and_hides_later_baseline_values() {
    use gongshang_rules::params::{Citation, Confidence, DatedOverride, ParamId, Value};
    let base = load_one(&file_with_values(
        "months",
        "{ from = 2020-01-01, value = 10 },\n{ from = 2030-01-01, value = 12 },",
    ))
    .unwrap();
    let citation = Citation {
        instrument: "reform: test".into(),
        article: String::new(),
        source: "reform".into(),
        confidence: Confidence::Inferred,
        status: Status::Illustrative,
        note: Some("raised".into()),
    };
    let id = |key: &str| ParamId {
        jurisdiction: "testland".into(),
        region: None,
        key: key.into(),
    };
    let over = |key: &str, value: Value| DatedOverride {
        id: id(key),
        from: date(2025, 1, 1),
        value,
        citation: citation.clone(),
    };
    let reformed = base
        .with_overrides(&[over("test.value", Value::Whole(11))])
        .unwrap();
    let at = |p: &PolicySet, d| p.at("testland", "test.value", d).unwrap().whole();
    assert_eq!(at(&reformed, date(2024, 12, 31)), 10);
    assert_eq!(at(&reformed, date(2025, 1, 1)), 11);
    assert_eq!(at(&reformed, date(2031, 1, 1)), 11);
    let used = reformed
        .at("testland", "test.value", date(2025, 1, 1))
        .unwrap();
    assert_eq!(used.citation.status, Status::Illustrative);
    assert_eq!(used.validity, Validity::From(date(2025, 1, 1)));
    assert_eq!(at(&base, date(2031, 1, 1)), 12, "the baseline is untouched");
    assert_invalid(
        base.with_overrides(&[over("test.value", Value::Rate(Rate::percent(5)))]),
        &["test.value", "unit"],
    );
    assert_invalid(
        base.with_overrides(&[over("no.such", Value::Whole(1))]),
        &["no.such", "no such parameter"],
    );
}
