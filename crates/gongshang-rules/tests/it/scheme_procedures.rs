//! The claim procedures' time limits in the scheme files, and the employees'
//! minimum age (Labour Law Art 15), as data with their citations.

use gongshang_rules::params::{Confidence, Status};
use gongshang_rules::scheme::{Applicant, Category, ProcedureLimits};
use jiff::civil::{Date, date};

use crate::policy;

fn person(category: Category, birth: Date) -> Applicant {
    Applicant {
        category,
        birth_date: birth,
        sex: None,
        retirement_track: Default::default(),
        labour_relation_with_unit: category == Category::Employee,
        covered_by_regulations: false,
        region: None,
    }
}

/// (scheme, birth date, eligible, the failing rule)
type AgeRow = (&'static str, (i16, i8, i8), bool, Option<&'static str>);

const EMPLOYEE_AGES: &[AgeRow] = &[
    ("national.employees", (2015, 1, 1), false, Some("min_age")),
    ("national.employees", (2009, 3, 1), true, None),
    ("national.employees", (2009, 3, 2), false, Some("min_age")),
    ("guangdong.employees", (2015, 1, 1), false, Some("min_age")),
    ("guangdong.employees", (1990, 1, 1), true, None),
    ("jiangsu.employees", (2015, 1, 1), false, Some("min_age")),
    ("jiangsu.employees", (2000, 1, 1), true, None),
];

#[test]
fn labour_law_art15_no_employee_under_16() {
    let on = date(2025, 3, 1);
    for (scheme, (y, m, d), eligible, rule) in EMPLOYEE_AGES {
        let s = policy().scheme(scheme).unwrap();
        let e = s
            .eligibility(policy(), &person(Category::Employee, date(*y, *m, *d)), on)
            .unwrap();
        assert_eq!(e.eligible, *eligible, "{scheme} born {y}-{m}-{d}: {e:?}");
        assert_eq!(e.failure().map(|f| f.rule), *rule, "{scheme}");
        let check = e.checks.iter().find(|c| c.rule == "min_age").unwrap();
        assert_eq!(check.allowed, "16 or older");
        let c = check.citation.as_ref().unwrap();
        assert_eq!(
            (c.instrument.as_str(), c.article.as_str()),
            ("中华人民共和国劳动法", "第十五条")
        );
        // Read in the Labour Law's official text (mirror) on 2026-12-06: no
        // longer assumed.
        assert_eq!(c.status, Status::Confirmed);
    }
}

/// The special-persons schemes keep their own minimums.
const SPECIAL_MINIMUMS: &[(&str, Category, i64)] = &[
    ("jiangsu.over_age_and_interns", Category::Intern, 16),
    ("xiamen.yilubao", Category::FlexibleWorker, 16),
];

#[test]
fn special_persons_minimum_ages_are_untouched() {
    let on = date(2025, 3, 1);
    for (id, category, min) in SPECIAL_MINIMUMS {
        let s = policy().scheme(id).unwrap();
        let rule = s
            .categories
            .iter()
            .find(|c| c.category == *category)
            .unwrap();
        let key = rule.min_age.as_deref().unwrap();
        assert!(!key.contains("employees"), "{id}: {key}");
        assert_eq!(policy().at(&s.jurisdiction, key, on).unwrap().whole(), *min);
    }
    for s in policy().schemes() {
        for c in &s.categories {
            if c.category != Category::Employee {
                assert!(
                    c.min_age
                        .as_deref()
                        .is_none_or(|k| !k.contains("employees")),
                    "{}: {:?}",
                    s.id,
                    c
                );
            }
        }
    }
}

#[test]
fn platform_pilot_confirmation_limits_are_assumed_30_90_30_working_days() {
    let s = policy()
        .scheme("national.platform_occupational_injury")
        .unwrap();
    match s.procedure_limits(policy(), date(2025, 8, 1)).unwrap() {
        ProcedureLimits::Confirmation {
            platform_days,
            worker_days,
            decision_days,
            decision_in_working_days,
        } => {
            assert_eq!(
                (
                    platform_days.whole(),
                    worker_days.whole(),
                    decision_days.whole()
                ),
                (30, 90, 30)
            );
            assert!(decision_in_working_days);
            for p in [platform_days, worker_days, decision_days] {
                assert_eq!(p.citation.confidence, Confidence::Inferred);
                assert_eq!(p.citation.status, Status::Assumed);
            }
        }
        other => panic!("{other:?}"),
    }
    // Before the pilot there are no limits.
    assert!(s.procedure_limits(policy(), date(2022, 6, 30)).is_err());
}

#[test]
fn xiamen_yilubao_claim_limits_are_assumed_from_the_insurance_law() {
    let s = policy().scheme("xiamen.yilubao").unwrap();
    let limits = s.procedure_limits(policy(), date(2025, 3, 10)).unwrap();
    match &limits {
        ProcedureLimits::InsurerClaim {
            claim_days,
            review_days,
            payout_days,
        } => {
            assert_eq!(
                (claim_days.whole(), review_days.whole(), payout_days.whole()),
                (730, 30, 10)
            );
            assert_eq!(claim_days.citation.instrument, "中华人民共和国保险法");
        }
        other => panic!("{other:?}"),
    }
    assert!(limits.source().contains("assumed"), "{}", limits.source());
    // Determination schemes have statutory limits, none in the files.
    let employees = policy().scheme("national.employees").unwrap();
    assert!(employees.procedure.is_none());
    assert!(
        employees
            .procedure_limits(policy(), date(2025, 3, 10))
            .is_err()
    );
}
