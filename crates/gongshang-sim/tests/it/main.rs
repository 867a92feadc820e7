//! The projection (issue 14): a reform that changes nothing, seeded bands,
//! and a one-year projection of three insured worked out by hand.

use gongshang_rules::{Money, PolicySet};
use gongshang_sim::population::{RegionInfo, SchemeInfo};
use gongshang_sim::{Options, Population, Reform, SchemeBilling, project};
use jiff::civil::date;

fn policy() -> PolicySet {
    PolicySet::embedded().unwrap()
}

fn yuan(t: &str) -> Money {
    Money::parse_yuan(t).unwrap()
}

/// Region 440100 with an average of 10,000.00; national.employees.
/// A: class 1, 8,000.00, weight 1; B: class 2, 40,000.00, weight 2.
fn three_insured() -> Population {
    let mut p = Population::default();
    let r = p
        .region_index(RegionInfo {
            code: "440100".into(),
            jurisdiction: "guangdong".into(),
            avg_wage: yuan("10000"),
        })
        .unwrap();
    let s = p
        .scheme_index(SchemeInfo {
            id: "national.employees".into(),
            billing: SchemeBilling::MonthlyWage,
        })
        .unwrap();
    p.push(r, s, 1, 30, yuan("8000"), 1).unwrap();
    p.push(r, s, 2, 40, yuan("40000"), 2).unwrap();
    p
}

const ASSUMPTIONS: &str = r#"
[assumptions."incidence.class_1"]
value = "1%"
label = "test"
[assumptions."incidence.class_2"]
value = "1%"
label = "test"
[assumptions."outcome.grade_10"]
value = "100%"
label = "test: every claim ends in grade 10"
"#;

fn zero_other_outcomes() -> String {
    let mut s = String::new();
    for g in 1..=9 {
        s.push_str(&format!(
            "[assumptions.\"outcome.grade_{g}\"]\nvalue = \"0%\"\nlabel = \"test\"\n"
        ));
    }
    s.push_str("[assumptions.\"outcome.death\"]\nvalue = \"0%\"\nlabel = \"test\"\n");
    s
}

/// Baseline 2026 (national): class 1 at 0.2%, class 2 at 0.4%; the band
/// 60%-300% of 10,000.00; grade 10 is 7 months of the benefit wage.
/// - A: base 8,000.00; premium 8,000.00 × 0.2% × 12 = 192.00.
/// - B: base held at 30,000.00; 30,000.00 × 0.4% × 12 × 2 = 2,880.00.
/// - income 3,072.00; wage base (8,000 + 2 × 30,000) × 12 = 816,000.00.
/// - claims 0.01 + 0.02; one-time subsidies 0.01 × 7 × 8,000 + 0.02 × 7 ×
///   30,000 = 560 + 4,200 = 4,760.00 = the expenditure; cost rate
///   4,760 / 816,000 = 0.58%.
/// - the fund starts at 12 months of it, 4,760.00, and ends at 4,760 +
///   3,072 − 4,760 = 3,072.00 = 3,072 × 12 / 4,760 = 7.7 months.
///
/// Reform: the ceiling 350% from 2026: B's base 35,000.00, premium 3,360.00,
/// income 3,552.00; one-time 560 + 0.02 × 7 × 35,000 = 5,460.00; the fund
/// ends at 4,760 + 3,552 − 5,460 = 2,852.00.
#[test]
fn art_64_band_one_year_of_three_insured_by_hand() {
    let reform_text = format!(
        "name = \"ceiling 350%\"\n[[override]]\nkey = \"benefit_wage.ceiling_share\"\nfrom = 2026-01-01\nvalue = \"350%\"\nnote = \"test\"\n{ASSUMPTIONS}{}",
        zero_other_outcomes()
    );
    let policy = policy();
    let reform = Reform::parse(&reform_text, &policy).unwrap();
    let opts = Options {
        start_year: 2026,
        years: 1,
        ..Options::default()
    };
    let p = project(&three_insured(), &policy, &reform, &opts).unwrap();
    let b = &p.baseline.years[0];
    assert_eq!(
        (b.income_unit, b.income, b.wage_base),
        (yuan("3072.00"), yuan("3072.00"), yuan("816000.00"))
    );
    assert_eq!(
        (b.one_time_disability, b.allowances, b.death, b.expenditure),
        (yuan("4760.00"), Money::ZERO, Money::ZERO, yuan("4760.00"))
    );
    assert_eq!(
        (
            b.reserve,
            b.months_of_reserve.as_deref(),
            b.payg_cost_rate.as_str()
        ),
        (yuan("3072.00"), Some("7.7"), "0.58%")
    );
    assert_eq!(p.baseline.break_even_rate, "0.58%");
    let r = &p.reformed.years[0];
    assert_eq!(
        (r.income, r.one_time_disability, r.reserve),
        (yuan("3552.00"), yuan("5460.00"), yuan("2852.00"))
    );
    assert_eq!(p.attribution.len(), 1);
    assert_eq!(p.attribution[0].reserve_end, yuan("-220.00"));
    // B pays more under the reform; A does not change.
    let more: i64 = p.by_scheme.iter().map(|g| g.paying_more).sum();
    assert_eq!(more, 2);
    assert!(
        p.samples[1].explanation.contains("300.00%"),
        "{}",
        p.samples[1].explanation
    );
}

#[test]
fn a_reform_that_changes_nothing_gives_the_baseline_twice() {
    let policy = policy();
    let pop = Population::synthetic(&policy, 20_000, 3, date(2026, 1, 1)).unwrap();
    let same = Reform::parse(
        "name = \"same\"\n[[override]]\nkey = \"contribution.benchmark_rate.class_1\"\nfrom = 2027-01-01\nvalue = \"0.2%\"\nnote = \"the baseline's own value\"\n",
        &policy,
    )
    .unwrap();
    for reform in [Reform::none(), same] {
        let opts = Options {
            years: 5,
            replicates: 9,
            threads: 2,
            ..Options::default()
        };
        let p = project(&pop, &policy, &reform, &opts).unwrap();
        assert_eq!(p.baseline.years, p.reformed.years);
        assert_eq!(p.bands_baseline, p.bands_reform);
        assert!(
            p.by_decile
                .iter()
                .all(|g| g.paying_more == 0 && g.paying_less == 0)
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_bands_and_threads_do_not_matter() {
    let policy = policy();
    let pop = Population::synthetic(&policy, 30_000, 11, date(2026, 1, 1)).unwrap();
    let reform = Reform::parse(
        "name = \"band\"\n[[override]]\nkey = \"benefit_wage.floor_share\"\nfrom = 2027-01-01\nvalue = \"50%\"\nnote = \"floor lowered\"\n[[override]]\nkey = \"xiamen.yilubao.price_per_day\"\nfrom = 2027-01-01\nvalue = \"0.60\"\nnote = \"益鹭保 at 0.6 yuan a day\"\n",
        &policy,
    )
    .unwrap();
    let run = |seed, threads| {
        project(
            &pop,
            &policy,
            &reform,
            &Options {
                years: 4,
                replicates: 25,
                seed,
                threads,
                ..Options::default()
            },
        )
        .unwrap()
    };
    let a = run(7, 1);
    let b = run(7, 2);
    assert_eq!(a, b);
    assert_eq!(a.bands_reform.len(), 4);
    let c = run(8, 2);
    assert_ne!(
        a.bands_baseline, c.bands_baseline,
        "another seed draws other claims"
    );
    assert_eq!(
        a.baseline.years, c.baseline.years,
        "the expectation does not depend on the seed"
    );
    // Two overrides: each alone, and what they do together beyond that.
    assert_eq!(a.attribution.len(), 2);
    assert!(a.interaction.is_some());
    for band in &a.bands_baseline {
        assert!(
            band.expenditure[0] <= band.expenditure[1]
                && band.expenditure[1] <= band.expenditure[2]
        );
    }
}

#[test]
fn a_reform_file_is_checked_like_the_policy_files() {
    let policy = policy();
    for (text, needle) in [
        (
            "name = \"x\"\n[[override]]\nkey = \"no.such\"\nfrom = 2027-01-01\nvalue = \"1%\"\nnote = \"n\"\n",
            "no such parameter",
        ),
        (
            "name = \"x\"\n[[override]]\nkey = \"benefit_wage.floor_share\"\nfrom = 2027-01-01\nvalue = \"abc\"\nnote = \"n\"\n",
            "abc",
        ),
        (
            "name = \"x\"\n[[override]]\nkey = \"benefit_wage.floor_share\"\nfrom = 2027-01-01\nvalue = \"50%\"\nnote = \"\"\n",
            "note",
        ),
        (
            "name = \"x\"\n[assumptions.wage_growht]\nvalue = \"1%\"\nlabel = \"l\"\n",
            "no such assumption",
        ),
        (
            "name = \"x\"\n[assumptions.wage_growth]\nvalue = \"1%\"\nlabel = \"\"\n",
            "label",
        ),
        (
            "name = \"x\"\n[[override]]\nkey = \"death.funeral_subsidy_months\"\nfrom = 2027-01-01\nvalue = \"-1\"\nnote = \"n\"\n",
            "whole number",
        ),
    ] {
        let e = Reform::parse(text, &policy).unwrap_err();
        assert!(e.to_string().contains(needle), "{e}");
    }
}
