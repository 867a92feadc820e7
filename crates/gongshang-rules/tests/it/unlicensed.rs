//! Regulations Art 66(1) with MOHRSS Order No. 9 Art 5: an unlicensed unit's
//! one-time compensation, by grade, of the region's annual average wage.

use gongshang_rules::unlicensed::unlicensed_unit_compensation;
use gongshang_rules::{Grade, Money};
use jiff::civil::date;

use crate::policy;

fn yuan(text: &str) -> Money {
    Money::parse_yuan(text).unwrap()
}

#[test]
fn regs_art66_1_order9_art5_grade_5_is_8_times_the_annual_average_wage() {
    let c = unlicensed_unit_compensation(
        policy(),
        "440100",
        date(2025, 10, 15),
        Grade::new(5).unwrap(),
    )
    .unwrap();
    // 9,183.00 a month (Guangdong, 2025-07 to 2026-06) × 12 = 110,196.00; × 8.
    assert_eq!(c.base, yuan("110196.00"));
    assert_eq!(c.amount, yuan("881568.00"));
    assert_eq!(c.multiple.citation.article, "第五条");
    // Every grade: 16, 14, 12, 10, 8, 6, 4, 3, 2, 1 times the base.
    let times: Vec<i64> = (1..=10)
        .map(|g| {
            let c = unlicensed_unit_compensation(
                policy(),
                "440100",
                date(2025, 10, 15),
                Grade::new(g).unwrap(),
            )
            .unwrap();
            assert_eq!(c.amount.fen() % c.base.fen(), 0);
            c.amount.fen() / c.base.fen()
        })
        .collect();
    assert_eq!(times, [16, 14, 12, 10, 8, 6, 4, 3, 2, 1]);
}

#[test]
fn regs_art66_1_a_day_without_the_regions_average_wage_is_refused_naming_it() {
    // Guangdong's average for 2021-07 to 2024-06 was not found: a gap.
    let err = unlicensed_unit_compensation(
        policy(),
        "440100",
        date(2022, 10, 15),
        Grade::new(5).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("regional.avg_monthly_wage"), "{err}");
    let err = unlicensed_unit_compensation(
        policy(),
        "999999",
        date(2025, 10, 15),
        Grade::new(5).unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("regional.avg_monthly_wage"), "{err}");
}

/// Order 9 Art 6 (人社部令第9号第六条): a death in 2026 is compensated at 20
/// times the national urban per-capita disposable income of 2025 (56,502.00,
/// NBS 2026-01-19) = 1,130,040.00, and 10 times the same for the funeral
/// subsidy and other compensation = 565,020.00; 1,695,060.00 in all. A death
/// on 2025-12-31 reads 2024's 54,188.00: 1,083,760.00 + 541,880.00 =
/// 1,625,640.00.
#[test]
fn order9_art6_a_death_is_30_times_the_previous_years_national_income() {
    use gongshang_rules::unlicensed::unlicensed_death_compensation;
    let c = unlicensed_death_compensation(policy(), date(2026, 3, 1)).unwrap();
    assert_eq!(c.national_income.money(), yuan("56502.00"));
    assert_eq!(c.compensation, yuan("1130040.00"));
    assert_eq!(c.other, yuan("565020.00"));
    assert_eq!(c.total, yuan("1695060.00"));
    assert_eq!(c.compensation_multiple.citation.article, "第六条");
    let c = unlicensed_death_compensation(policy(), date(2025, 12, 31)).unwrap();
    assert_eq!(
        (c.compensation, c.other, c.total),
        (yuan("1083760.00"), yuan("541880.00"), yuan("1625640.00"))
    );
    // A year whose income is not loaded is refused, naming the parameter.
    let err = unlicensed_death_compensation(policy(), date(2010, 6, 1)).unwrap_err();
    assert_eq!(
        err.field(),
        Some("statistics.urban_disposable_income_per_capita"),
        "{err}"
    );
}
