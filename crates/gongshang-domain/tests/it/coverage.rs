//! Cover derived from enrolments and payments, by each scheme's rule, as data
//! (`test_data/coverage.json`, named after the article); then properties.

use std::fs;

use gongshang_domain::Month;
use gongshang_domain::coverage::{
    CoverBasis, CoverInterval, CoverReason, CoverSource, Enrollment, OPEN_END, date_in_china,
    derive_coverage, is_billable_after_death, last_billable_month,
};
use gongshang_domain::ids::{CreditCode, OrderId, PlatformId, ReferenceId, ResidentId};
use gongshang_rules::billing::cover_starts;
use jiff::civil::{Date, date};
use jiff::{Span, Timestamp};
use proptest::prelude::*;
use serde::Deserialize;

use crate::{policy, proptest_config, seed, test_data};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    scheme: String,
    enrollment: EnrollmentDays,
    sources: Vec<CoverSource>,
    intervals: Vec<(Date, Date)>,
    uncovering: usize,
    #[serde(default)]
    uncovering_reason: Option<String>,
    checks: Vec<Check>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrollmentDays {
    starts_on: Date,
    #[serde(default)]
    last_day: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    day: Date,
    covered: bool,
    #[serde(default)]
    reason: Option<CoverReasonName>,
    #[serde(default)]
    payment: Option<String>,
    #[serde(default)]
    order: Option<String>,
    #[serde(default)]
    enrollment: bool,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum CoverReasonName {
    BeforeEnrollment,
    AfterEnrollment,
    NotPaid,
    EnrollmentDay,
}

fn enrollment(scheme: &str, starts_on: Date, last_day: Option<Date>) -> Enrollment {
    Enrollment {
        id: ReferenceId::parse("E1").unwrap(),
        person: ResidentId::parse("11010519491231002X").unwrap(),
        unit: CreditCode::parse("91350100M000100Y43").unwrap(),
        scheme_id: scheme.parse().unwrap(),
        starts_on,
        last_day,
    }
}

fn spans(intervals: &[CoverInterval]) -> Vec<(Date, Date)> {
    intervals
        .iter()
        .map(|i| (i.first_day, i.last_day))
        .collect()
}

#[test]
fn coverage_cases_from_test_data() {
    let text = fs::read_to_string(test_data().join("coverage.json")).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    for case in cases {
        let name = &case.name;
        let scheme = policy().scheme(&case.scheme).unwrap();
        let e = enrollment(
            &case.scheme,
            case.enrollment.starts_on,
            case.enrollment.last_day,
        );
        let derived =
            derive_coverage(scheme, &e, &case.sources).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(spans(&derived.intervals), case.intervals, "{name}");
        assert_eq!(
            derived.uncovering.len(),
            case.uncovering,
            "{name}: {:?}",
            derived.uncovering
        );
        if let Some(reason) = &case.uncovering_reason {
            assert!(
                derived.uncovering[0].reason.contains(reason),
                "{name}: {:?}",
                derived.uncovering
            );
        }
        for check in &case.checks {
            let answer = derived.covered(check.day);
            assert_eq!(
                answer.covered, check.covered,
                "{name} on {}: {answer:?}",
                check.day
            );
            if let Some(reason) = &check.reason {
                let want = match reason {
                    CoverReasonName::BeforeEnrollment => CoverReason::BeforeEnrollment,
                    CoverReasonName::AfterEnrollment => CoverReason::AfterEnrollment,
                    CoverReasonName::NotPaid => CoverReason::NotPaid,
                    CoverReasonName::EnrollmentDay => CoverReason::EnrollmentDay,
                };
                assert_eq!(answer.reason, want, "{name} on {}", check.day);
            }
            if check.covered {
                assert_eq!(answer.reason, CoverReason::Covered, "{name}");
                let basis = answer.basis.clone().unwrap();
                match (&basis, &check.payment, &check.order, check.enrollment) {
                    (CoverBasis::Payment { payment, .. }, Some(p), None, false) => {
                        assert_eq!(payment.as_str(), p, "{name} on {}", check.day)
                    }
                    (CoverBasis::Order { order, .. }, None, Some(o), false) => {
                        assert_eq!(order.as_str(), o, "{name} on {}", check.day)
                    }
                    (CoverBasis::Enrollment { .. }, None, None, true) => {}
                    _ => panic!("{name} on {}: basis {basis:?}", check.day),
                }
            }
        }
    }
}

#[test]
fn a_source_of_the_wrong_kind_or_scheme_is_refused() {
    let yilubao = policy().scheme("xiamen.yilubao").unwrap();
    let e = enrollment("xiamen.yilubao", date(2025, 1, 1), None);
    let month_paid = CoverSource::MonthPaid {
        payment: ReferenceId::parse("P1").unwrap(),
        month: Month::new(2025, 3).unwrap(),
        paid_on: date(2025, 2, 1),
    };
    let err = derive_coverage(yilubao, &e, &[month_paid]).unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("input_conflict", Some("cover_source"))
    );
    let other = enrollment("guangdong.specific_persons", date(2025, 1, 1), None);
    let err = derive_coverage(yilubao, &other, &[]).unwrap_err();
    assert_eq!(err.field(), Some("scheme_id"));
    let backwards = enrollment("xiamen.yilubao", date(2025, 1, 1), Some(date(2024, 12, 31)));
    assert_eq!(
        derive_coverage(yilubao, &backwards, &[])
            .unwrap_err()
            .field(),
        Some("last_day")
    );
    let zero_days = CoverSource::DaysBought {
        payment: ReferenceId::parse("P1").unwrap(),
        first_day: date(2025, 3, 1),
        days: 0,
        paid_on: date(2025, 2, 1),
    };
    assert_eq!(
        derive_coverage(yilubao, &e, &[zero_days])
            .unwrap_err()
            .code(),
        "input_out_of_range"
    );
}

#[test]
fn an_open_enrolment_is_covered_to_the_open_end() {
    let scheme = policy().scheme("guangdong.employees").unwrap();
    let derived = derive_coverage(
        scheme,
        &enrollment("guangdong.employees", date(2024, 1, 1), None),
        &[],
    )
    .unwrap();
    assert_eq!(derived.intervals[0].last_day, OPEN_END);
    assert!(derived.covered(date(2099, 1, 1)).covered);
}

/// 粤人社规〔2020〕55号 Art 12: the month of death is billed, nothing after.
#[test]
fn gd_art12_the_month_of_death_is_the_last_billable() {
    let death = date(2025, 3, 31);
    assert_eq!(last_billable_month(death), Month::new(2025, 3).unwrap());
    for (month, billable) in [
        ("2025-02", true),
        ("2025-03", true),
        ("2025-04", false),
        ("2026-01", false),
    ] {
        assert_eq!(
            is_billable_after_death(month.parse().unwrap(), death),
            billable,
            "{month}"
        );
    }
}

#[test]
fn instants_are_dated_in_china_standard_time() {
    for (instant, day) in [
        ("2025-03-31T15:59:59Z", "2025-03-31"),
        ("2025-03-31T16:00:00Z", "2025-04-01"),
        ("2025-07-01T00:00:00+08:00", "2025-07-01"),
    ] {
        let ts: Timestamp = instant.parse().unwrap();
        assert_eq!(date_in_china(ts).to_string(), day, "{instant}");
    }
}

#[test]
fn months_parse_and_print() {
    let m: Month = "2024-02".parse().unwrap();
    assert_eq!(
        (m.first_day(), m.last_day(), m.days()),
        (date(2024, 2, 1), date(2024, 2, 29), 29)
    );
    assert_eq!(m.next().to_string(), "2024-03");
    assert_eq!(Month::new(2024, 12).unwrap().next().to_string(), "2025-01");
    for bad in ["2024-13", "2024-2", "24-02", "2024/02", ""] {
        assert!(bad.parse::<Month>().is_err(), "{bad}");
    }
}

// ---- properties -------------------------------------------------------------

fn day_in(from: Date, days: i64) -> Date {
    from + Span::new().days(days)
}

fn month_paid() -> impl Strategy<Value = (i64, i64, usize)> {
    // A month of 2024-2026 (index), a payment from 40 days before it starts to
    // 20 days after it ends (offset from its first day), and a payment number.
    (0i64..36, -40i64..50, 0usize..1000)
}

proptest! {
    #![proptest_config(proptest_config())]

    /// Day-after-payment cover (粤人社规〔2020〕55号 Art 7): merged intervals are
    /// sorted, never overlap or touch, stay inside the enrolment, and every
    /// piece starts after its payment and no earlier than the rules engine's
    /// `cover_starts`; a day is covered exactly when a payment of its month
    /// started cover on or before it, inside the enrolment.
    #[test]
    fn day_after_payment_cover_never_overlaps_nor_backdates(
        start_offset in 0i64..700,
        length in proptest::option::of(0i64..700),
        paid in proptest::collection::vec(month_paid(), 0..20),
        probes in proptest::collection::vec(0i64..1100, 20),
    ) {
        let scheme = policy().scheme("guangdong.specific_persons").unwrap();
        let base = date(2024, 1, 1);
        let starts_on = day_in(base, start_offset);
        let last_day = length.map(|l| day_in(starts_on, l));
        let e = enrollment("guangdong.specific_persons", starts_on, last_day);
        let sources: Vec<CoverSource> = paid
            .iter()
            .map(|&(m, offset, n)| {
                let month = Month::new(2024 + (m / 12) as i16, (m % 12) as i8 + 1).unwrap();
                CoverSource::MonthPaid {
                    payment: ReferenceId::parse(&format!("P{n}")).unwrap(),
                    month,
                    paid_on: day_in(month.first_day(), offset),
                }
            })
            .collect();
        let derived = derive_coverage(scheme, &e, &sources)
            .map_err(|err| TestCaseError::fail(format!("seed {}: {err}", seed())))?;
        for pair in derived.intervals.windows(2) {
            prop_assert!(
                day_in(pair[0].last_day, 1) < pair[1].first_day,
                "seed {}: {:?} and {:?} overlap or touch", seed(), pair[0], pair[1]
            );
        }
        for interval in &derived.intervals {
            prop_assert!(interval.first_day >= starts_on, "seed {}", seed());
            prop_assert!(last_day.is_none_or(|l| interval.last_day <= l), "seed {}", seed());
            for piece in &interval.pieces {
                let CoverBasis::Payment { paid_on, .. } = &piece.basis else {
                    return Err(TestCaseError::fail("a payment basis"));
                };
                prop_assert!(piece.first_day > *paid_on, "seed {}: backdated {piece:?}", seed());
                let start = cover_starts(scheme, starts_on, *paid_on).unwrap();
                prop_assert!(piece.first_day >= start, "seed {}: before cover starts {piece:?}", seed());
                prop_assert!(
                    Month::of(piece.first_day) == Month::of(piece.last_day),
                    "seed {}: a piece is one month", seed()
                );
            }
        }
        for probe in probes {
            let day = day_in(base, probe);
            let expected = day >= starts_on
                && last_day.is_none_or(|l| day <= l)
                && sources.iter().any(|s| matches!(s,
                    CoverSource::MonthPaid { month, paid_on, .. }
                        if month.contains(day)
                            && *paid_on < day
                            && cover_starts(scheme, starts_on, *paid_on).unwrap() <= day));
            let answer = derived.covered(day);
            prop_assert_eq!(answer.covered, expected, "seed {}: {}", seed(), day);
            if let Some(CoverBasis::Payment { paid_on, .. }) = answer.basis {
                prop_assert!(paid_on < day, "seed {}", seed());
            }
        }
    }

    /// Order days: the intervals are exactly the runs of days with orders.
    #[test]
    fn order_day_cover_is_the_runs_of_order_days(days in proptest::collection::btree_set(0i64..120, 0..40)) {
        let scheme = policy().scheme("national.platform_occupational_injury").unwrap();
        let base = date(2025, 1, 1);
        let e = enrollment("national.platform_occupational_injury", base, None);
        let sources: Vec<CoverSource> = days
            .iter()
            .map(|&d| CoverSource::OrderDay {
                platform: PlatformId::parse("MT").unwrap(),
                order: OrderId::parse(&format!("O{d}")).unwrap(),
                day: day_in(base, d),
            })
            .collect();
        let derived = derive_coverage(scheme, &e, &sources).unwrap();
        let covered_days: usize = derived
            .intervals
            .iter()
            .map(|i| (i.last_day - i.first_day).get_days() as usize + 1)
            .sum();
        prop_assert_eq!(covered_days, days.len(), "seed {}", seed());
        for pair in derived.intervals.windows(2) {
            prop_assert!(day_in(pair[0].last_day, 1) < pair[1].first_day, "seed {}", seed());
        }
    }
}
