//! The policy set validates every `[[scheme]]`: small TOML texts, each valid
//! but for one fault, must be refused as policy_invalid naming the scheme.

use gongshang_rules::params::{EMBEDDED_FILES, PolicyFile};
use gongshang_rules::{PolicySet, RulesError};

use crate::policy;

/// A valid scheme of jurisdiction `testland`, with `{extra}` spliced into the
/// scheme table and `{items}` after its first item.
fn scheme_text(id: &str, extra: &str, category: &str, items: &str, areas: &str) -> String {
    format!(
        r#"jurisdiction = "testland"

[[parameter]]
key = "testland.max_age"
label_zh = "年龄上限"
label_en = "Highest age"
unit = "age"
values = [
  {{ from = 2024-01-01, value = 65, instrument = "test", article = "Art 1", source = "TEST", confidence = "C1" }},
]

[[scheme]]
id = "{id}"
name_zh = "测试方案"
name_en = "Test scheme"
instrument = "test instrument"
article = "Art 2"
source = "TEST"
confidence = "C1"
from = 2024-01-01
premium_payers = ["unit"]
cover_starts = "day_after_payment"
back_pay_allowed = false
refund_allowed = false
claim_procedure = "injury_determination"
benefit_family = "regulations"
{extra}

[[scheme.category]]
{category}

[scheme.billing]
kind = "monthly_wage"
base = "declared"
rate = "industry_class"

[[scheme.item]]
item = "monthly_disability_allowance"
payer = "fund"
grades = [1, 2, 3, 4]
{items}
{areas}
"#
    )
}

const OVER_AGE: &str = "category = \"over_retirement_age\"\nmax_age = \"testland.max_age\"";

fn load(text: &str) -> Result<PolicySet, RulesError> {
    PolicySet::load(&[PolicyFile {
        path: "testland/schemes.toml",
        text,
    }])
}

/// Loads the text together with the shipped files (a national scheme needs
/// the national parameters).
fn load_with_embedded(path: &str, text: &str) -> Result<PolicySet, RulesError> {
    let mut files: Vec<PolicyFile<'_>> = EMBEDDED_FILES
        .iter()
        .map(|(path, text)| PolicyFile { path, text })
        .collect();
    files.push(PolicyFile { path, text });
    PolicySet::load(&files)
}

#[track_caller]
fn assert_invalid(result: Result<PolicySet, RulesError>, location: &str, reason_has: &str) {
    match result {
        Ok(_) => panic!("expected policy_invalid ({reason_has}), the set loaded"),
        Err(e) => {
            assert_eq!(e.code(), "policy_invalid", "{e}");
            assert_eq!(e.field(), None, "{e}");
            let RulesError::PolicyInvalid {
                location: loc,
                reason,
                ..
            } = &e
            else {
                unreachable!()
            };
            assert!(
                loc.contains(location),
                "location {loc:?} lacks {location:?}"
            );
            assert!(
                reason.contains(reason_has),
                "reason {reason:?} lacks {reason_has:?}"
            );
        }
    }
}

#[test]
fn the_baseline_scheme_text_is_valid() {
    let set = load(&scheme_text("testland.ok", "", OVER_AGE, "", "")).expect("valid");
    let s = set.scheme("testland.ok").expect("loaded");
    assert_eq!(s.jurisdiction, "testland");
    assert_eq!(s.categories.len(), 1);
    // Non-overlapping grades of the same item are fine.
    let items = "[[scheme.item]]\nitem = \"monthly_disability_allowance\"\npayer = \"employer\"\ngrades = [5, 6]";
    load(&scheme_text("testland.ok", "", OVER_AGE, items, "")).expect("valid");
    let areas = "[[scheme.area]]\nprefix = \"44\"\nfrom = 2024-01-01";
    load(&scheme_text("testland.ok", "", OVER_AGE, "", areas)).expect("valid");
}

#[test]
fn a_scheme_naming_a_parameter_that_does_not_exist_is_invalid() {
    let category = "category = \"intern\"\nmin_age = \"testland.min_age\"";
    assert_invalid(
        load(&scheme_text("testland.x", "", category, "", "")),
        "scheme testland.x",
        "testland.min_age",
    );
    // A parameter of another jurisdiction does not count: xiamen.yilubao.max_age
    // exists, but not in testland.
    let category = "category = \"intern\"\nmax_age = \"xiamen.yilubao.max_age\"";
    assert_invalid(
        load_with_embedded(
            "testland/schemes.toml",
            &scheme_text("testland.x", "", category, "", ""),
        ),
        "scheme testland.x",
        "not defined in jurisdiction testland",
    );
    // A billing parameter or max_payout that does not exist.
    assert_invalid(
        load(&scheme_text(
            "testland.x",
            "max_payout = \"testland.cap\"",
            OVER_AGE,
            "",
            "",
        )),
        "scheme testland.x",
        "testland.cap",
    );
}

#[test]
fn an_inf_citation_without_status_assumed_is_invalid() {
    // On the scheme itself ...
    let text = scheme_text("testland.x", "", OVER_AGE, "", "")
        .replace("confidence = \"C1\"\nfrom", "confidence = \"INF\"\nfrom");
    assert_invalid(load(&text), "scheme testland.x", "INF");
    // ... on an item ...
    let item =
        "[[scheme.item]]\nitem = \"funeral_subsidy\"\npayer = \"fund\"\nconfidence = \"INF\"";
    assert_invalid(
        load(&scheme_text("testland.x", "", OVER_AGE, item, "")),
        "scheme testland.x",
        "INF",
    );
    // ... and assumed without a note saying why.
    let item = "[[scheme.item]]\nitem = \"funeral_subsidy\"\npayer = \"fund\"\nconfidence = \"INF\"\nstatus = \"assumed\"";
    assert_invalid(
        load(&scheme_text("testland.x", "", OVER_AGE, item, "")),
        "scheme testland.x",
        "note",
    );
    // With a note it loads.
    let item = "[[scheme.item]]\nitem = \"funeral_subsidy\"\npayer = \"fund\"\nconfidence = \"INF\"\nstatus = \"assumed\"\nnote = \"not seen in a source\"";
    load(&scheme_text("testland.x", "", OVER_AGE, item, "")).expect("valid");
}

#[test]
fn a_duplicate_item_for_overlapping_grades_is_invalid() {
    let item = "[[scheme.item]]\nitem = \"monthly_disability_allowance\"\npayer = \"employer\"\ngrades = [4, 5]";
    assert_invalid(
        load(&scheme_text("testland.x", "", OVER_AGE, item, "")),
        "scheme testland.x",
        "listed twice",
    );
    // An item for all grades overlaps any graded one.
    let item = "[[scheme.item]]\nitem = \"monthly_disability_allowance\"\npayer = \"employer\"";
    assert_invalid(
        load(&scheme_text("testland.x", "", OVER_AGE, item, "")),
        "scheme testland.x",
        "listed twice",
    );
    // Grades outside 1-10.
    let item =
        "[[scheme.item]]\nitem = \"one_time_disability_subsidy\"\npayer = \"fund\"\ngrades = [11]";
    assert_invalid(
        load(&scheme_text("testland.x", "", OVER_AGE, item, "")),
        "scheme testland.x",
        "grades",
    );
}

#[test]
fn an_area_prefix_that_is_not_two_digits_is_invalid() {
    for prefix in ["4", "440", "4a", "440100"] {
        let areas = format!("[[scheme.area]]\nprefix = \"{prefix}\"\nfrom = 2024-01-01");
        assert_invalid(
            load(&scheme_text("testland.x", "", OVER_AGE, "", &areas)),
            "scheme testland.x",
            "two-digit",
        );
    }
}

#[test]
fn a_scheme_id_not_starting_with_its_jurisdiction_is_invalid() {
    assert_invalid(
        load(&scheme_text("guangdong.x", "", OVER_AGE, "", "")),
        "scheme guangdong.x",
        "must start with the jurisdiction",
    );
    // The jurisdiction name alone, without the dot, is not enough.
    assert_invalid(
        load(&scheme_text("testlandx", "", OVER_AGE, "", "")),
        "scheme testlandx",
        "must start with the jurisdiction",
    );
}

#[test]
fn other_scheme_faults_are_invalid() {
    // A category listed twice.
    let category = format!("{OVER_AGE}\n[[scheme.category]]\ncategory = \"over_retirement_age\"");
    assert_invalid(
        load(&scheme_text("testland.x", "", &category, "", "")),
        "scheme testland.x",
        "listed twice",
    );
    // until not after from.
    assert_invalid(
        load(&scheme_text(
            "testland.x",
            "until = 2024-01-01",
            OVER_AGE,
            "",
            "",
        )),
        "scheme testland.x",
        "until",
    );
    // A scheme id defined twice (the shipped national.employees again).
    let text = scheme_text("national.employees", "", "category = \"employee\"", "", "")
        .replace("jurisdiction = \"testland\"", "jurisdiction = \"national\"")
        .replace("testland.max_age", "national.test_max_age");
    assert_invalid(
        load_with_embedded("national/extra.toml", &text),
        "scheme national.employees",
        "already defined",
    );
}

/// Each shipped scheme cites its own instrument: the Jiangsu employees scheme
/// must not pay Jiangsu items on the authority of the Guangdong Regulations.
#[test]
fn jiangsu_employees_items_cite_jiangsu_instruments() {
    let s = policy().scheme("jiangsu.employees").expect("shipped");
    let wrong: Vec<String> = s
        .items
        .iter()
        .filter(|i| i.citation.instrument.contains("广东") || i.citation.article.contains("广东"))
        .map(|i| format!("{} ({})", i.item.name(), i.citation.article))
        .collect();
    assert!(
        wrong.is_empty(),
        "jiangsu.employees items citing Guangdong: {wrong:?}"
    );
}

/// The areas of the platform pilot: the first seven provinces from
/// 2022-07-01, ten more from 2025-07-01 (人社部发〔2025〕24号).
#[test]
fn platform_pilot_areas_by_date() {
    let s = policy()
        .scheme("national.platform_occupational_injury")
        .expect("shipped");
    let first: Vec<&str> = s
        .areas
        .iter()
        .filter(|a| a.from == jiff::civil::date(2022, 7, 1))
        .map(|a| a.prefix.as_str())
        .collect();
    assert_eq!(first, ["11", "31", "32", "44", "46", "50", "51"]);
    let second: Vec<&str> = s
        .areas
        .iter()
        .filter(|a| a.from == jiff::civil::date(2025, 7, 1))
        .map(|a| a.prefix.as_str())
        .collect();
    assert_eq!(
        second,
        ["12", "13", "21", "33", "34", "35", "37", "42", "45", "64"]
    );
    let on = |y, m, d| jiff::civil::date(y, m, d);
    assert!(!s.applies_in(policy(), "370100", on(2025, 6, 30)));
    assert!(s.applies_in(policy(), "370100", on(2025, 7, 1)));
    assert!(s.applies_in(policy(), "440300", on(2022, 7, 1)));
    assert!(!s.applies_in(policy(), "530100", on(2025, 7, 1)));
}
