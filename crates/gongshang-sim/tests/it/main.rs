//! The projection (issue 14): a reform that changes nothing, seeded bands,
//! a one-year projection of three insured worked out by hand, and the
//! benefits in payment at the start, survivors and living care by hand.

use gongshang_rules::{Money, PolicySet};
use gongshang_sim::population::{InPayment, PaidItem, RegionInfo, SchemeInfo};
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

/// Incidence by grade: the estimate names national.employees × class 2 at
/// 1% a year, every claim grade 9 (9 months); class 1 has no cell and
/// keeps its assumption (1%, all grade 10, 7 months). One-time subsidies:
/// A 0.01 × 7 × 8,000 = 560.00; B 0.02 × 9 × 30,000 = 5,400.00; in all
/// 5,960.00 (grade 9 has no allowance), against 4,760.00 without it.
#[test]
fn incidence_by_grade_sets_the_incidence_and_outcome_mix_of_its_scheme_and_class() {
    use gongshang_sim::experience::{IncidenceByGrade, IncidenceCell, outcome_name};
    let policy = policy();
    let mut reform = Reform::parse(
        &format!(
            "name = \"by grade\"\n{ASSUMPTIONS}{}",
            zero_other_outcomes()
        ),
        &policy,
    )
    .unwrap();
    reform.incidence = Some(IncidenceByGrade {
        window: "2023-01-01 – 2025-12-31".into(),
        rule: "test".into(),
        not_estimated: Vec::new(),
        ibnr: Vec::new(),
        cells: (0..11)
            .map(|k| IncidenceCell {
                scheme: "national.employees".into(),
                class: 2,
                outcome: outcome_name(k),
                claims: 0,
                insured_days: 1,
                observed_ppb: 0,
                fallback_ppb: 0,
                credibility_ppm: 0,
                value_ppb: if k == 8 { 10_000_000 } else { 0 },
            })
            .collect(),
    });
    let opts = Options {
        start_year: 2026,
        years: 1,
        ..Options::default()
    };
    let p = project(&three_insured(), &policy, &reform, &opts).unwrap();
    let b = &p.baseline.years[0];
    assert_eq!(
        (b.one_time_disability, b.allowances, b.expenditure),
        (yuan("5960.00"), Money::ZERO, yuan("5960.00"))
    );
    assert_eq!(p.incidence_by_grade, reform.incidence);
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

// ---- the benefits in payment at the start, survivors and living care ----

/// Every outcome share at 0 but those given, and incidence 1% in classes 1-2.
fn outcomes(set: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "[assumptions.\"incidence.class_1\"]\nvalue = \"1%\"\nlabel = \"test\"\n[assumptions.\"incidence.class_2\"]\nvalue = \"1%\"\nlabel = \"test\"\n",
    );
    let keys = (1..=10)
        .map(|g| format!("outcome.grade_{g}"))
        .chain(["outcome.death".to_owned()]);
    for key in keys {
        let value = set
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("0%", |(_, v)| *v);
        s.push_str(&format!(
            "[assumptions.\"{key}\"]\nvalue = \"{value}\"\nlabel = \"test\"\n"
        ));
    }
    s
}

/// A survivor's pension in payment: a girl of 15 on 2026-01-01, 1,000.00 a
/// month, her pension stopping at 18 (Regulations Art 39(1)(2); 劳社部令第18号).
fn with_a_child_in_payment() -> Population {
    let mut p = three_insured();
    p.push_in_payment(InPayment {
        region: 0,
        scheme: 0,
        item: PaidItem::Survivor,
        age: Some(15),
        female: true,
        monthly: yuan("1000.00"),
        stops_at_age: Some(18),
        weight: 1,
    })
    .unwrap();
    p
}

/// By hand, on the female table (CL4, ages read: q15 = 0.000167, q16 =
/// 0.000181, q17 = 0.000196) and the baseline indexation of 3% a year
/// (Art 40; `periodic_benefits.indexation_rate`, assumed). A year of the
/// pension at the start's amount is 12 × 1,000.00 = 12,000.00.
/// - 2026, age 15: alive at the start S0 = 1; deaths pay half the year:
///   m0 = 1 − 1 × 0.000167 / 2 = 1 − 0.000084 (83.5 ppm rounded) = 0.999916;
///   12,000.00 × 0.999916 = 11,998.99 (11,998.992); F0 = 1 (the amount in
///   payment already holds 2026): 11,998.99.
/// - 2027, age 16: S1 = 1 − 0.000167 = 0.999833; m1 = 0.999833 − 0.999833 ×
///   0.000181 / 2 (90.48 ppm → 90) = 0.999743; 12,000.00 × 0.999743 =
///   11,996.92 (11,996.916); F1 = 1.03: 12,356.83 (12,356.8276).
/// - 2028, age 17, her 18th birthday in the year: S2 = 0.999833 × (1 −
///   0.000181) = 0.999652 (999,652.03 ppm); m = (0.999652 − 0.999652 ×
///   0.000196 / 2 (97.97 → 98)) / 2 = 0.999554 / 2 = 0.499777; 12,000.00 ×
///   0.499777 = 5,997.32 (5,997.324); F2 = 1.03² = 1.0609: 6,362.56
///   (6,362.5568).
/// - 2029: nothing (she is 18).
///
/// A reform raising the indexation to 5% from 2027: 11,996.92 × 1.05 =
/// 12,596.77 (12,596.766) and 5,997.32 × 1.1025 = 6,612.05 (6,612.0453);
/// 2026 is the same.
#[test]
fn art_39_a_childs_pension_in_payment_over_three_years_by_hand() {
    let policy = policy();
    let opts = Options {
        start_year: 2026,
        years: 4,
        ..Options::default()
    };
    let none = format!("name = \"none\"\n{}", outcomes(&[]));
    let p = project(
        &with_a_child_in_payment(),
        &policy,
        &Reform::parse(&none, &policy).unwrap(),
        &opts,
    )
    .unwrap();
    let paid: Vec<Money> = p
        .baseline
        .years
        .iter()
        .map(|y| y.in_payment_survivors)
        .collect();
    assert_eq!(
        paid,
        [
            yuan("11998.99"),
            yuan("12356.83"),
            yuan("6362.56"),
            Money::ZERO
        ]
    );
    assert_eq!(
        p.baseline
            .years
            .iter()
            .map(|y| y.in_payment_beneficiaries)
            .collect::<Vec<_>>(),
        [1, 1, 1, 0]
    );
    // No claims: the year's expenditure is the pension.
    assert_eq!(p.baseline.years[0].expenditure, yuan("11998.99"));
    assert_eq!(p.benefits_in_payment, 1);
    assert!(
        p.life_tables.iter().any(|t| t.contains("assumed")),
        "{:?}",
        p.life_tables
    );

    let faster = format!(
        "name = \"5% a year\"\n[[override]]\nkey = \"periodic_benefits.indexation_rate\"\nfrom = 2027-01-01\nvalue = \"5%\"\nnote = \"test\"\n{}",
        outcomes(&[])
    );
    let r = project(
        &with_a_child_in_payment(),
        &policy,
        &Reform::parse(&faster, &policy).unwrap(),
        &opts,
    )
    .unwrap();
    let paid: Vec<Money> = r
        .reformed
        .years
        .iter()
        .map(|y| y.in_payment_survivors)
        .collect();
    assert_eq!(
        paid,
        [
            yuan("11998.99"),
            yuan("12596.77"),
            yuan("6612.05"),
            Money::ZERO
        ]
    );
    assert_eq!(
        r.attribution[0].expenditure,
        // (12,596.77 − 12,356.83) + (6,612.05 − 6,362.56)
        yuan("489.43")
    );
}

/// An allowance in payment (Art 35) meets the retirement age: a man of 59,
/// 5,000.00 a month, retirement at 60, the fund then paying the Art 35(3)
/// difference taken as 25% of the allowance. Male table (fitted ages):
/// q59 = 0.007390, q60 = 0.008091.
/// - 2026, age 59 (60th birthday in the year): m0 = 1 − 0.003695 =
///   0.996305; 60,000.00 × 0.996305 = 59,778.30; half the year whole and
///   half at 25%: × 62.5% = 37,361.44 (37,361.4375).
/// - 2027, age 60: S1 = 0.992610; m1 = 0.992610 − 0.992610 × 0.008091 / 2
///   (4,015.60 ppm → 4,016) = 0.988594; 60,000.00 × 0.988594 = 59,315.64;
///   × 25% = 14,828.91; × 1.03 = 15,273.78 (15,273.7773).
#[test]
fn art_35_3_an_allowance_in_payment_becomes_the_difference_at_the_retirement_age() {
    let policy = policy();
    let mut pop = three_insured();
    pop.push_in_payment(InPayment {
        region: 0,
        scheme: 0,
        item: PaidItem::Allowance,
        age: Some(59),
        female: false,
        monthly: yuan("5000.00"),
        stops_at_age: None,
        weight: 1,
    })
    .unwrap();
    let reform = Reform::parse(&format!("name = \"none\"\n{}", outcomes(&[])), &policy).unwrap();
    let p = project(
        &pop,
        &policy,
        &reform,
        &Options {
            years: 2,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(
        p.baseline
            .years
            .iter()
            .map(|y| y.in_payment_allowances)
            .collect::<Vec<_>>(),
        [yuan("37361.44"), yuan("15273.78")]
    );
}

/// New deaths leave survivors' pensions (Art 39(1)(2)); new grades 1-4 get
/// living care (Art 34). Three insured as above, incidence 1%.
/// - Every claim a death: per death 60% × 40% (a spouse) + 80% × 30% (other
///   dependants) + 10% × 10% (the extra) = 49% of the benefit wage a month,
///   × 12 = 5.88 a year; the benefit wages claimed 0.01 × 8,000.00 + 0.02 ×
///   30,000.00 = 680.00; 680.00 × 5.88 = 3,998.40 a year awarded, half of it
///   paid in the first year: 1,999.20.
/// - A reform with the spouse at 50%: 60% × 50% + 24% + 1% = 55%, × 12 =
///   6.6; 680.00 × 6.6 / 2 = 2,244.00.
/// - Every claim grade 1: living care per claim (50% × 50% + 30% × 40% +
///   20% × 30%) = 43% of the average 10,000.00 a month, × 12 = 51,600.00 a
///   year; 0.03 claims: 1,548.00 a year, half paid: 774.00.
#[test]
fn art_39_and_art_34_new_claims_survivors_and_living_care_by_hand() {
    let policy = policy();
    let opts = Options {
        years: 1,
        ..Options::default()
    };
    let deaths = format!(
        "name = \"spouse 50%\"\n[[override]]\nkey = \"death.survivor_rate.spouse\"\nfrom = 2026-01-01\nvalue = \"50%\"\nnote = \"test\"\n{}",
        outcomes(&[("outcome.death", "100%")])
    );
    let p = project(
        &three_insured(),
        &policy,
        &Reform::parse(&deaths, &policy).unwrap(),
        &opts,
    )
    .unwrap();
    assert_eq!(p.baseline.years[0].survivors, yuan("1999.20"));
    assert_eq!(p.reformed.years[0].survivors, yuan("2244.00"));
    assert_eq!(p.baseline.years[0].living_care, Money::ZERO);

    let grade_1 = format!(
        "name = \"none\"\n{}",
        outcomes(&[("outcome.grade_1", "100%")])
    );
    let p = project(
        &three_insured(),
        &policy,
        &Reform::parse(&grade_1, &policy).unwrap(),
        &opts,
    )
    .unwrap();
    assert_eq!(p.baseline.years[0].living_care, yuan("774.00"));
    assert_eq!(p.baseline.years[0].survivors, Money::ZERO);
}

/// A synthetic population with a few hundred benefits in payment of every
/// item, ages and sexes.
fn with_benefits_in_payment(people: u64, seed: u64) -> Population {
    let policy = policy();
    let mut pop = Population::synthetic(&policy, people, seed, date(2026, 1, 1)).unwrap();
    for i in 0..300u16 {
        let item = PaidItem::ALL[usize::from(i % 3)];
        let age = u8::try_from(5 + (i * 7) % 85).unwrap();
        pop.push_in_payment(InPayment {
            region: u8::try_from(i % 2).unwrap(),
            scheme: 0,
            item,
            age: (i % 10 != 9).then_some(age),
            female: i % 2 == 0,
            monthly: Money::from_fen(200_000 + i64::from(i) * 1_000),
            stops_at_age: (item == PaidItem::Survivor && age < 18).then_some(18),
            weight: 1 + i % 4,
        })
        .unwrap();
    }
    pop
}

#[test]
fn a_reform_that_changes_nothing_leaves_the_benefits_in_payment_identical() {
    let policy = policy();
    let pop = with_benefits_in_payment(10_000, 5);
    let same = Reform::parse(
        "name = \"same\"\n[[override]]\nkey = \"periodic_benefits.indexation_rate\"\nfrom = 2027-01-01\nvalue = \"3%\"\nnote = \"the baseline's own value\"\n[[override]]\nkey = \"death.survivor_rate.spouse\"\nfrom = 2028-01-01\nvalue = \"40%\"\nnote = \"the baseline's own value\"\n",
        &policy,
    )
    .unwrap();
    let p = project(
        &pop,
        &policy,
        &same,
        &Options {
            years: 6,
            replicates: 15,
            threads: 2,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(p.baseline.years, p.reformed.years);
    assert_eq!(p.bands_baseline, p.bands_reform);
    assert!(p.baseline.years[0].in_payment_survivors > Money::ZERO);
    assert!(p.baseline.years[0].in_payment_living_care > Money::ZERO);
    assert!(p.baseline.years[0].in_payment_allowances > Money::ZERO);
    assert!(p.attribution.iter().all(|a| a.expenditure == Money::ZERO));
}

#[test]
fn the_same_seed_gives_the_same_bands_with_benefits_in_payment() {
    let policy = policy();
    let pop = with_benefits_in_payment(10_000, 9);
    let reform = Reform::parse(
        "name = \"index 5%\"\n[[override]]\nkey = \"periodic_benefits.indexation_rate\"\nfrom = 2027-01-01\nvalue = \"5%\"\nnote = \"faster\"\n",
        &policy,
    )
    .unwrap();
    let run = |seed, threads| {
        project(
            &pop,
            &policy,
            &reform,
            &Options {
                years: 5,
                replicates: 31,
                seed,
                threads,
                ..Options::default()
            },
        )
        .unwrap()
    };
    let a = run(3, 1);
    assert_eq!(a, run(3, 2));
    let c = run(4, 1);
    assert_ne!(a.bands_baseline, c.bands_baseline);
    assert_eq!(a.baseline.years, c.baseline.years);
    for b in a.bands_baseline.iter().chain(&a.bands_reform) {
        assert!(b.expenditure[0] <= b.expenditure[1] && b.expenditure[1] <= b.expenditure[2]);
    }
    // The expectation lies within the bands' reach (P10..P90 widened by a
    // tenth): the draws are centred on it.
    for (y, b) in a.baseline.years.iter().zip(&a.bands_baseline) {
        let lo = b.expenditure[0].fen() - b.expenditure[0].fen() / 10;
        let hi = b.expenditure[2].fen() + b.expenditure[2].fen() / 10;
        assert!(
            (lo..=hi).contains(&y.expenditure.fen()),
            "{} {:?}",
            y.expenditure,
            b.expenditure
        );
    }
    // A faster indexation costs more from 2027, never less.
    for (b, r) in a.baseline.years.iter().zip(&a.reformed.years).skip(1) {
        assert!(r.in_payment_survivors > b.in_payment_survivors);
    }
}

#[test]
fn the_survivors_and_indexation_overrides_are_checked_like_the_others() {
    let policy = policy();
    for (text, needle) in [
        (
            "name = \"x\"\n[[override]]\nkey = \"death.survivor_rate.spouse\"\nfrom = 2027-01-01\nvalue = \"forty\"\nnote = \"n\"\n",
            "forty",
        ),
        (
            "name = \"x\"\n[[override]]\nkey = \"periodic_benefits.indexation_rate\"\nfrom = 2027-01-01\nvalue = \"3%\"\nnote = \"\"\n",
            "note",
        ),
        (
            "name = \"x\"\n[assumptions.\"living_care.grade_1.fully\"]\nvalue = \"90%\"\nlabel = \"l\"\n",
            "grade 1 add up to",
        ),
        (
            "name = \"x\"\n[assumptions.\"in_payment.survivor_age\"]\nvalue = \"130\"\nlabel = \"l\"\n",
            "0 to 120",
        ),
    ] {
        let e = Reform::parse(text, &policy).unwrap_err();
        assert!(e.to_string().contains(needle), "{e}");
    }
}

/// The reforms shipped in `examples/reforms/` read against the policies.
#[test]
fn the_example_reforms_read() {
    let policy = policy();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reforms");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        Reform::parse(&text, &policy).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        n += 1;
    }
    assert!(n >= 2);
}

/// The progress of a projection advances inside it: the pass over the
/// population in `PASS_SLICES` slices, each of the 4 years, each of the 6
/// replicates of the baseline and of the reform: 10 + 4 + 12 = 26 steps,
/// one at a time in order, ending at 26 of 26 (100%); the percentages never
/// go back. The figures are those of `project` without a hook, on one
/// thread or two.
#[test]
fn the_progress_of_a_projection_is_monotone_per_year_and_replicate_and_ends_at_100() {
    use gongshang_sim::{PASS_SLICES, ProjectProgress, project_with_progress};
    let policy = policy();
    let pop = Population::synthetic(&policy, 5_000, 5, date(2026, 1, 1)).unwrap();
    let reform = Reform::parse(
        "name = \"floor\"\n[[override]]\nkey = \"benefit_wage.floor_share\"\nfrom = 2027-01-01\nvalue = \"50%\"\nnote = \"floor lowered\"\n",
        &policy,
    )
    .unwrap();
    let opts = |threads| Options {
        years: 4,
        replicates: 6,
        seed: 3,
        threads,
        ..Options::default()
    };
    for threads in [1, 2] {
        let mut seen: Vec<ProjectProgress> = Vec::new();
        let with = project_with_progress(&pop, &policy, &reform, &opts(threads), &mut |p| {
            seen.push(p)
        })
        .unwrap();
        assert_eq!(
            with,
            project(&pop, &policy, &reform, &opts(threads)).unwrap()
        );
        let total = (PASS_SLICES + 4 + 2 * 6) as u64;
        assert_eq!(seen.len() as u64, total);
        for (i, p) in seen.iter().enumerate() {
            assert_eq!((p.done, p.total), (i as u64 + 1, total), "{p:?}");
        }
        let parts: Vec<&str> = seen.iter().map(|p| p.part).collect();
        assert_eq!(parts[..PASS_SLICES], ["records"; PASS_SLICES]);
        assert_eq!(parts[PASS_SLICES..PASS_SLICES + 4], ["years"; 4]);
        assert_eq!(parts[PASS_SLICES + 4..], ["replicates"; 12]);
        let percents: Vec<u64> = seen.iter().map(ProjectProgress::percent).collect();
        assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
        assert_eq!(percents.last(), Some(&100));
        assert!(percents[..percents.len() - 1].iter().all(|&p| p < 100));
    }
}
