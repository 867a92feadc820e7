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
