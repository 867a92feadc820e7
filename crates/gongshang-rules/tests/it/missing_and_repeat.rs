//! Art 41 (missing workers), Art 45 and Jiangsu Arts 32-33 (several injuries,
//! re-appraisal), each case computed by hand in its comment.

use gongshang_rules::missing_and_repeat::{
    EarlierInjury, MissingWorker, ReviewOf, allowance_at_new_grade, declared_dead, missing_worker,
    subsidy_after_review, termination_subsidy_grade,
};
use gongshang_rules::{BenefitRules, Dependants, Grade, Money, Payer, Trace};
use jiff::civil::date;

use crate::policy;

fn yuan(s: &str) -> Money {
    Money::parse_yuan(s).unwrap()
}

/// Art 41: missing on 2025-03-15 on a business trip. Own wage 9000.00 paid for
/// March, April, May: 3 x 9000.00 = 27000.00 (employer); pensions from
/// 2025-06-01 on the benefit wage 9000.00: spouse 40% = 3600.00 + one child
/// 30% = 2700.00 = 6300.00; advance: 20 x 54188 (2024) = 1083760.00, half =
/// 541880.00. Declared dead later: 1083760.00 - 541880.00 = 541880.00 remain.
#[test]
fn art41_missing_worker_three_months_of_wages_then_pensions_and_half_advance() {
    let rules = BenefitRules::resolve(policy(), date(2025, 3, 15)).unwrap();
    let mut trace = Trace::default();
    let award = missing_worker(
        &MissingWorker {
            accident_date: date(2025, 3, 15),
            own_wage: yuan("9000.00"),
            benefit_wage: yuan("9000.00"),
            dependants: Dependants::new(true, 1, 0).unwrap(),
            advance_requested: true,
            national_income: yuan("54188"),
        },
        &rules,
        &mut trace,
    )
    .unwrap();
    assert_eq!(award.wages, yuan("27000.00"));
    assert_eq!(award.wage_months, 3);
    assert_eq!(award.pensions_from, date(2025, 6, 1));
    assert_eq!(award.monthly_survivor_pensions, yuan("6300.00"));
    assert_eq!(award.death_benefit_advance, yuan("541880.00"));
    assert!(trace.steps.iter().any(|s| s.rule == "art41.advance_half"));
    let rest = declared_dead(yuan("1083760.00"), award.death_benefit_advance, &mut trace).unwrap();
    assert_eq!(rest, yuan("541880.00"));
    // Without a request, nothing is advanced; an accident on the last day of
    // December has its fourth month in March.
    let award = missing_worker(
        &MissingWorker {
            accident_date: date(2025, 12, 31),
            own_wage: yuan("9000.00"),
            benefit_wage: yuan("9000.00"),
            dependants: Dependants::new(true, 0, 0).unwrap(),
            advance_requested: false,
            national_income: yuan("54188"),
        },
        &rules,
        &mut Trace::default(),
    )
    .unwrap();
    assert_eq!(award.death_benefit_advance, Money::ZERO);
    assert_eq!(award.pensions_from, date(2026, 3, 1));
    assert!(declared_dead(yuan("100.00"), yuan("100.01"), &mut Trace::default()).is_err());
}

/// Jiangsu Art 32: injuries of grade 8 and grade 6 at the unit and grade 3
/// at another: the termination subsidies at the unit follow grade 6, once; a
/// grade 1-4 injury carries no such subsidy and is not counted.
#[test]
fn jiangsu_art32_several_injuries_at_one_unit_pay_the_subsidies_by_the_highest_grade() {
    let earlier = [
        EarlierInjury {
            injury_date: date(2020, 5, 1),
            grade: 6,
            same_unit: true,
            own_wage: None,
        },
        EarlierInjury {
            injury_date: date(2025, 5, 1),
            grade: 3,
            same_unit: false,
            own_wage: None,
        },
        EarlierInjury {
            injury_date: date(2023, 5, 1),
            grade: 2,
            same_unit: true,
            own_wage: None,
        },
    ];
    let mut t = Trace::default();
    let g8 = Grade::new(8).unwrap();
    assert_eq!(
        termination_subsidy_grade(g8, &earlier, &mut t),
        Grade::new(6).unwrap()
    );
    assert_eq!(termination_subsidy_grade(g8, &[], &mut t), g8);
    assert_eq!(
        termination_subsidy_grade(Grade::new(5).unwrap(), &earlier, &mut t),
        Grade::new(5).unwrap()
    );
}

/// Art 45 with Jiangsu Art 33: a grade 6 worker (wage at the first injury
/// 7000.00, no job arranged) is reviewed to grade 4: the allowance is 75% of
/// the old wage, 5250.00, now from the fund; no new one-time disability
/// subsidy. Reviewed to grade 8 instead: no allowance at all.
#[test]
fn art45_jiangsu_art33_allowance_at_the_new_grade_on_the_old_wage_and_no_new_subsidy() {
    let rules = BenefitRules::resolve(policy(), date(2024, 5, 1)).unwrap();
    let mut t = Trace::default();
    let (amount, payer) = allowance_at_new_grade(
        yuan("7000.00"),
        Grade::new(4).unwrap(),
        false,
        yuan("2490.00"),
        &rules,
        &mut t,
    );
    assert_eq!((amount, payer), (yuan("5250.00"), Some(Payer::Fund)));
    let (amount, payer) = allowance_at_new_grade(
        yuan("7000.00"),
        Grade::new(8).unwrap(),
        false,
        yuan("2490.00"),
        &rules,
        &mut t,
    );
    assert_eq!((amount, payer), (Money::ZERO, None));
    let review = ReviewOf {
        previous_grade: 6,
        disability_subsidy: yuan("112000.00"),
    };
    assert_eq!(
        subsidy_after_review(&review, Grade::new(4).unwrap(), &mut t),
        yuan("112000.00")
    );
    assert!(
        t.steps
            .iter()
            .any(|s| s.rule == "jiangsu.art33.no_new_subsidy")
    );
}

/// Decree 765 Art 46: 1000.00 overpaid, recovered in 3 instalments: 333.34 +
/// 333.33 + 333.33 (100000 fen / 3 = 33333 rest 1, the first month takes the
/// fen); set against a monthly benefit of 2500.00 at 30% = 750.00 a month:
/// 750.00 + 250.00; refunded at once: 1000.00.
#[test]
fn decree765_art46_overpayment_recovered_by_instalments_or_offset() {
    use gongshang_rules::Rate;
    use gongshang_rules::recovery::{Recovery, recovery_schedule};
    let mut t = Trace::default();
    let s = |v: Vec<Money>| v.iter().map(Money::to_string).collect::<Vec<_>>();
    assert_eq!(
        s(
            recovery_schedule(yuan("1000.00"), Recovery::Instalments { months: 3 }, &mut t)
                .unwrap()
        ),
        ["333.34", "333.33", "333.33"]
    );
    assert_eq!(
        s(recovery_schedule(
            yuan("1000.00"),
            Recovery::Offset {
                monthly_benefit: yuan("2500.00"),
                share: Rate::parse("30%").unwrap()
            },
            &mut t
        )
        .unwrap()),
        ["750.00", "250.00"]
    );
    assert_eq!(
        s(recovery_schedule(yuan("1000.00"), Recovery::Refund, &mut t).unwrap()),
        ["1000.00"]
    );
    assert!(recovery_schedule(Money::ZERO, Recovery::Refund, &mut t).is_err());
    // The handling time limits are dated parameters of the Decree.
    for (key, days) in [
        ("handling.registration_working_days", 10),
        ("handling.reimbursement_working_days", 20),
        ("handling.stop_benefit_report_working_days", 20),
    ] {
        let p = policy().at("national", key, date(2023, 12, 1)).unwrap();
        assert_eq!(p.whole(), days, "{key}");
        assert!(policy().at("national", key, date(2023, 11, 30)).is_err());
    }
}
