//! Monitoring rules (issue 16): for each rule of
//! `policies/national/monitoring.toml`, records that fire it and near misses
//! that do not, through `evaluate` with the shipped parameters; then the
//! alert's transitions, the grouping by threshold and a run's idempotency.

use gongshang_domain::monitor::facts::{
    CoverAtAccident, OverlappingEnrolments, PersonDay, PersonInjuries, PlatformMonth,
    PlatformPayout, SameAccident, UnitCases, UnitClassCases, UnitDisabilityClaims,
    UnitOrderIndustry, UnitWageMonth,
};
use gongshang_domain::monitor::{
    AlertCommand, AlertState, Known, MonitorFacts, OrderIndustryClasses, Outcome, ReferTo,
    SubjectKind, check_rules, decide, evaluate, plan_run, precision,
};
use gongshang_rules::monitoring::MonitorRule;
use jiff::civil::{Date, date};

use crate::policy;

fn rules() -> Vec<&'static MonitorRule> {
    policy().monitor_rules_on(date(2026, 1, 1)).collect()
}

/// The order industries' classes shipped for the same day.
fn classes() -> OrderIndustryClasses {
    OrderIndustryClasses::on(policy(), date(2026, 1, 1)).expect("every order industry has a class")
}

/// Runs every shipped rule over `facts` and returns the keys of the flags of `rule`.
fn fired(rule: &str, facts: &MonitorFacts) -> Vec<String> {
    evaluate(&rules(), facts, &classes())
        .expect("the shipped rules evaluate")
        .into_iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| f.key)
        .collect()
}

fn check<T: Clone>(rule: &str, cases: &[(&str, T, bool)], put: impl Fn(&mut MonitorFacts, T)) {
    for (name, fact, expected) in cases {
        let mut facts = MonitorFacts::default();
        put(&mut facts, fact.clone());
        let got = fired(rule, &facts);
        assert_eq!(
            !got.is_empty(),
            *expected,
            "{rule}: {name}: expected fired = {expected}, got {got:?}"
        );
    }
}

#[test]
fn shipped_monitoring_rules_are_all_known_with_their_parameters() {
    let all: Vec<&MonitorRule> = policy().monitor_rules().collect();
    check_rules(all.iter().copied()).expect("every shipped rule is evaluated by the domain");
    for id in gongshang_domain::monitor::RULE_IDS {
        assert!(all.iter().any(|r| r.id == *id), "{id} is shipped");
    }
    // A threshold we chose is marked assumed with a note.
    for r in &all {
        if r.status != gongshang_rules::params::Status::Confirmed {
            assert!(r.note.as_deref().is_some_and(|n| !n.is_empty()), "{}", r.id);
        }
    }
}

fn cover(
    accident: Date,
    start: Date,
    paid_on: Option<Date>,
    earlier_end: Option<Date>,
) -> CoverAtAccident {
    CoverAtAccident {
        case_number: "GS2025-000001".into(),
        person: "350203199001011234".into(),
        scheme_id: "xiamen.yilubao".parse().unwrap(),
        accident_date: accident,
        cover_id: 7,
        cover_start: start,
        cover_end: date(2025, 12, 31),
        payment_id: paid_on.map(|_| 3),
        paid_on,
        earlier_end,
    }
}

#[test]
fn cover_after_accident_fires_on_payment_on_or_after_the_accident_and_cover_from_the_day_before() {
    let d = date(2025, 8, 10);
    check(
        "cover_after_accident",
        &[
            (
                "paid on the accident day",
                cover(d, date(2025, 8, 1), Some(d), None),
                true,
            ),
            (
                "paid after the accident (arrears)",
                cover(d, date(2025, 8, 1), Some(date(2025, 8, 20)), None),
                true,
            ),
            (
                "cover starting the day before",
                cover(d, date(2025, 8, 9), Some(date(2025, 8, 8)), None),
                true,
            ),
            (
                "cover starting on the accident day",
                cover(d, d, Some(date(2025, 8, 9)), None),
                true,
            ),
            (
                "near miss: cover from two days before",
                cover(d, date(2025, 8, 8), Some(date(2025, 8, 7)), None),
                false,
            ),
            (
                "near miss: paid the day before, cover from long ago",
                cover(d, date(2025, 7, 1), Some(date(2025, 8, 9)), None),
                false,
            ),
            (
                "near miss: a new row that continues an earlier cover",
                cover(
                    d,
                    date(2025, 8, 10),
                    Some(date(2025, 8, 1)),
                    Some(date(2025, 8, 9)),
                ),
                false,
            ),
            (
                "an enrolment's cover with no payment, from the day before",
                cover(d, date(2025, 8, 9), None, None),
                true,
            ),
        ],
        |f, c| f.covers_at_accident.push(c),
    );
}

fn pair(first_unit: &str, first_end: Option<Date>, second_start: Date) -> OverlappingEnrolments {
    OverlappingEnrolments {
        person: "350203199001011234".into(),
        first_enrolment: 1,
        first_unit: first_unit.into(),
        first_start: date(2025, 1, 1),
        first_end,
        second_enrolment: 2,
        second_unit: "91350200MA2XXXXX0B".into(),
        second_start,
        second_end: None,
    }
}

#[test]
fn overlapping_unit_enrolments_fire_on_two_units_at_once_and_not_one_after_the_other() {
    check(
        "overlapping_unit_enrolments",
        &[
            (
                "two units, both running",
                pair("A", None, date(2025, 6, 1)),
                true,
            ),
            (
                "two units, overlapping by one day",
                pair("A", Some(date(2025, 6, 1)), date(2025, 6, 1)),
                true,
            ),
            (
                "near miss: the second starts the day after the first ends",
                pair("A", Some(date(2025, 5, 31)), date(2025, 6, 1)),
                false,
            ),
            (
                "near miss: the same unit twice",
                pair("91350200MA2XXXXX0B", None, date(2025, 6, 1)),
                false,
            ),
        ],
        |f, c| f.overlapping_enrolments.push(c),
    );
}

fn day(first: i64, last: i64) -> PersonDay {
    PersonDay {
        person: "350203199001011234".into(),
        day: date(2025, 8, 1),
        first_minute: first,
        last_minute: last,
        orders: 30,
        platforms: 2,
    }
}

#[test]
fn hours_in_day_fires_past_the_parameters_hours_between_first_and_last_order() {
    // max_span_hours = 16 in monitoring.toml.
    check(
        "hours_in_day",
        &[
            ("06:00 to 23:00, 17 hours", day(6 * 60, 23 * 60), true),
            ("16 hours and one minute", day(6 * 60, 22 * 60 + 1), true),
            ("near miss: exactly 16 hours", day(6 * 60, 22 * 60), false),
            ("near miss: a normal day", day(11 * 60, 20 * 60), false),
        ],
        |f, c| f.long_days.push(c),
    );
}

fn same(cases: &[(&str, &str)]) -> SameAccident {
    SameAccident {
        person: "350203199001011234".into(),
        accident_date: date(2025, 8, 1),
        cases: cases
            .iter()
            .map(|(n, s)| ((*n).into(), (*s).into()))
            .collect(),
    }
}

#[test]
fn duplicate_claim_fires_on_two_cases_for_one_accident_day() {
    check(
        "duplicate_claim",
        &[
            (
                "twice under one scheme",
                same(&[
                    ("GS1", "national.regulations"),
                    ("GS2", "national.regulations"),
                ]),
                true,
            ),
            (
                "under two schemes",
                same(&[
                    ("GS1", "xiamen.yilubao"),
                    ("GS2", "national.platform_pilot"),
                ]),
                true,
            ),
            (
                "near miss: one case",
                same(&[("GS1", "national.regulations")]),
                false,
            ),
        ],
        |f, c| f.same_accidents.push(c),
    );
}

fn month(declared: i64, stored: i64, declared_fen: i64, stored_fen: i64) -> PlatformMonth {
    PlatformMonth {
        platform: "meituan".into(),
        month: "2025-08".into(),
        declared_orders: declared,
        declared_premium_fen: declared_fen,
        stored_orders: stored,
        stored_premium_fen: stored_fen,
    }
}

#[test]
fn platform_declared_vs_stored_fires_past_the_tolerance_in_orders_or_premium() {
    // tolerance_bp = 50 (0.5 %).
    check(
        "platform_declared_vs_stored",
        &[
            (
                "1 % of orders hidden",
                month(100_000, 99_000, 500_000, 500_000),
                true,
            ),
            (
                "premium short by 1 %",
                month(100_000, 100_000, 500_000, 495_000),
                true,
            ),
            (
                "more stored than declared",
                month(100_000, 101_000, 500_000, 505_000),
                true,
            ),
            (
                "near miss: 0.5 % off",
                month(100_000, 99_500, 500_000, 497_500),
                false,
            ),
            (
                "near miss: exact",
                month(100_000, 100_000, 500_000, 500_000),
                false,
            ),
        ],
        |f, c| f.platform_months.push(c),
    );
}

fn wages(lines: i64, clamped: i64) -> UnitWageMonth {
    UnitWageMonth {
        unit: "91350200MA2XXXXX0B".into(),
        month: "2025-08".into(),
        lines,
        clamped_lines: clamped,
    }
}

#[test]
fn wages_clamped_to_floor_fires_when_most_of_a_units_month_is_under_the_band() {
    // max_share_bp = 5000, min_lines = 3.
    check(
        "wages_clamped_to_floor",
        &[
            ("3 of 4 under the band", wages(4, 3), true),
            ("all of 3", wages(3, 3), true),
            ("near miss: exactly half", wages(4, 2), false),
            ("near miss: too few lines", wages(2, 2), false),
        ],
        |f, c| f.unit_wage_months.push(c),
    );
}

#[test]
fn an_alert_moves_open_investigating_referred_closed_and_nothing_after() {
    let note = |s: &str| s.to_owned();
    let mut state = AlertState::Open;
    for command in [
        AlertCommand::Investigate {
            note: note("called the unit"),
        },
        AlertCommand::Refer {
            to: ReferTo::Inspection,
            note: note("payroll records missing"),
        },
        AlertCommand::Close {
            outcome: Outcome::Confirmed,
            note: note("arrears paid after the accident"),
        },
    ] {
        state = decide(state, &command).expect("allowed").to;
    }
    assert_eq!(
        state,
        AlertState::Closed {
            outcome: Outcome::Confirmed
        }
    );
    let again = decide(state, &AlertCommand::Investigate { note: note("x") }).unwrap_err();
    assert_eq!(again.code(), "case_closed");
    let back = decide(
        AlertState::Referred {
            to: ReferTo::Police,
        },
        &AlertCommand::Investigate { note: note("x") },
    )
    .unwrap_err();
    assert_eq!(back.code(), "command_not_allowed");
    let silent = decide(
        AlertState::Open,
        &AlertCommand::Investigate { note: " ".into() },
    )
    .unwrap_err();
    assert_eq!(silent.code(), "invalid_input");
    // Open straight to closed (unfounded) is allowed.
    let closed = decide(
        AlertState::Open,
        &AlertCommand::Close {
            outcome: Outcome::Unfounded,
            note: note("new job, enrolled the day before"),
        },
    )
    .unwrap();
    assert_eq!(closed.to.outcome(), Some(Outcome::Unfounded));
}

#[test]
fn precision_is_confirmed_over_closed_per_rule() {
    let p = precision([
        ("hours_in_day", Outcome::Confirmed),
        ("hours_in_day", Outcome::Unfounded),
        ("hours_in_day", Outcome::Unfounded),
        ("hours_in_day", Outcome::Unfounded),
        ("duplicate_claim", Outcome::Confirmed),
    ]);
    assert_eq!(p["hours_in_day"].basis_points(), Some(2500));
    assert_eq!(p["duplicate_claim"].basis_points(), Some(10_000));
}

#[test]
fn an_alert_opens_at_the_rules_threshold_and_a_second_run_opens_nothing() {
    // hours_in_day opens an alert at 3 flags; two long days stay pending.
    let mut facts = MonitorFacts::default();
    for d in 1..=2 {
        facts.long_days.push(PersonDay {
            day: date(2025, 8, d),
            ..day(5 * 60, 23 * 60)
        });
    }
    let rules = rules();
    let flags = evaluate(&rules, &facts, &classes()).unwrap();
    let plan = plan_run(flags.clone(), &rules, &Known::default());
    assert!(plan.new_alerts.is_empty());
    assert_eq!(plan.pending.len(), 2);
    // The two are now known and pending; a third day opens the alert.
    let mut known = Known::default();
    for f in &plan.pending {
        known.flags.insert((f.rule_id.clone(), f.key.clone()));
    }
    known
        .pending
        .insert(("hours_in_day".into(), plan.pending[0].subject.clone()), 2);
    facts.long_days.push(PersonDay {
        day: date(2025, 8, 3),
        ..day(5 * 60, 23 * 60)
    });
    let plan = plan_run(
        evaluate(&rules, &facts, &classes()).unwrap(),
        &rules,
        &known,
    );
    assert_eq!(plan.new_alerts.len(), 1);
    assert_eq!(plan.new_alerts[0].subject.kind, SubjectKind::Person);
    assert_eq!(plan.new_alerts[0].flags.len(), 1);
    assert_eq!(plan.known, 2);
    // Everything known: nothing to write.
    for f in &plan.new_alerts[0].flags {
        known.flags.insert((f.rule_id.clone(), f.key.clone()));
    }
    let plan = plan_run(
        evaluate(&rules, &facts, &classes()).unwrap(),
        &rules,
        &known,
    );
    assert!(
        plan.new_alerts.is_empty() && plan.pending.is_empty() && plan.to_open_alerts.is_empty()
    );
    assert_eq!(plan.known, 3);
}

fn injuries(days: &[(&str, Date)]) -> PersonInjuries {
    PersonInjuries {
        person: "350203199001011234".into(),
        cases: days.iter().map(|(n, d)| ((*n).to_owned(), *d)).collect(),
    }
}

#[test]
fn repeated_injuries_fires_on_three_accident_days_within_a_year() {
    check(
        "repeated_injuries",
        &[
            (
                "three days within 365",
                injuries(&[
                    ("GS1", date(2025, 1, 10)),
                    ("GS2", date(2025, 6, 1)),
                    ("GS3", date(2026, 1, 9)),
                ]),
                true,
            ),
            (
                "the earliest window fires among older injuries",
                injuries(&[
                    ("GS1", date(2020, 3, 1)),
                    ("GS2", date(2025, 2, 1)),
                    ("GS3", date(2025, 3, 1)),
                    ("GS4", date(2025, 4, 1)),
                ]),
                true,
            ),
            (
                "near miss: the third a day past the window",
                injuries(&[
                    ("GS1", date(2025, 1, 10)),
                    ("GS2", date(2025, 6, 1)),
                    ("GS3", date(2026, 1, 10)),
                ]),
                false,
            ),
            (
                "near miss: three cases but two accident days",
                injuries(&[
                    ("GS1", date(2025, 1, 10)),
                    ("GS2", date(2025, 1, 10)),
                    ("GS3", date(2025, 6, 1)),
                ]),
                false,
            ),
        ],
        |f, c| f.person_injuries.push(c),
    );
    let facts = MonitorFacts {
        person_injuries: vec![injuries(&[
            ("GS1", date(2020, 3, 1)),
            ("GS2", date(2025, 2, 1)),
            ("GS3", date(2025, 3, 1)),
            ("GS4", date(2025, 4, 1)),
        ])],
        ..MonitorFacts::default()
    };
    assert_eq!(
        fired("repeated_injuries", &facts),
        vec!["350203199001011234/2025-02-01".to_owned()]
    );
}

fn graded(headcount: i64, cases: &[&str]) -> UnitDisabilityClaims {
    UnitDisabilityClaims {
        unit: "91350200MA2XXXXX1A".into(),
        headcount,
        cases: cases.iter().map(|n| (*n).to_owned()).collect(),
    }
}

#[test]
fn small_unit_disability_claims_fires_on_three_graded_cases_in_a_unit_of_twenty() {
    check(
        "small_unit_disability_claims",
        &[
            (
                "20 people, 3 graded",
                graded(20, &["GS1", "GS2", "GS3"]),
                true,
            ),
            (
                "5 people, 4 graded",
                graded(5, &["GS1", "GS2", "GS3", "GS4"]),
                true,
            ),
            (
                "near miss: 21 people",
                graded(21, &["GS1", "GS2", "GS3"]),
                false,
            ),
            ("near miss: 2 graded", graded(3, &["GS1", "GS2"]), false),
        ],
        |f, c| f.unit_disability_claims.push(c),
    );
}

fn unit_cases(cases: &[(&str, &str, Date)]) -> UnitCases {
    UnitCases {
        unit: "91350200MA2XXXXX1A".into(),
        cases: cases
            .iter()
            .map(|(n, p, d)| ((*n).to_owned(), (*p).to_owned(), *d))
            .collect(),
    }
}

#[test]
fn clustered_claims_fires_on_three_people_of_one_unit_within_seven_days() {
    check(
        "clustered_claims",
        &[
            (
                "three people within 7 days",
                unit_cases(&[
                    ("GS1", "A", date(2025, 5, 1)),
                    ("GS2", "B", date(2025, 5, 4)),
                    ("GS3", "C", date(2025, 5, 7)),
                ]),
                true,
            ),
            (
                "near miss: the third on the 8th day",
                unit_cases(&[
                    ("GS1", "A", date(2025, 5, 1)),
                    ("GS2", "B", date(2025, 5, 4)),
                    ("GS3", "C", date(2025, 5, 8)),
                ]),
                false,
            ),
            (
                "near miss: three cases of two people",
                unit_cases(&[
                    ("GS1", "A", date(2025, 5, 1)),
                    ("GS2", "B", date(2025, 5, 2)),
                    ("GS3", "A", date(2025, 5, 3)),
                ]),
                false,
            ),
        ],
        |f, c| f.unit_cases.push(c),
    );
}

fn class_cases(class: i64, headcount: i64, days: &[Date]) -> UnitClassCases {
    UnitClassCases {
        unit: "91440106MA5XXXXX2B".into(),
        industry_class: class,
        headcount,
        cases: days
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("GS{i}"), *d))
            .collect(),
    }
}

/// industry_class_vs_cases (人社部发〔2015〕71号 rates a unit by its class;
/// the numbers are assumed): a class 1 or 2 unit with 3 cases within 365
/// days, at least 50 per thousand people ever enrolled, fires; a class 3
/// unit, the third case on day 366, or 61 people (3 / 61 < 5 %) do not.
#[test]
fn industry_class_vs_cases_fires_on_a_low_class_unit_with_many_cases_for_its_size() {
    let three = [date(2025, 1, 10), date(2025, 6, 1), date(2026, 1, 9)];
    check(
        "industry_class_vs_cases",
        &[
            (
                "class 2, 3 cases in 365 days, 60 people",
                class_cases(2, 60, &three),
                true,
            ),
            (
                "class 1, 3 cases, 10 people",
                class_cases(1, 10, &three),
                true,
            ),
            ("near miss: class 3", class_cases(3, 10, &three), false),
            (
                "near miss: 61 people, 4.9 %",
                class_cases(2, 61, &three),
                false,
            ),
            (
                "near miss: the third case on day 366",
                class_cases(
                    2,
                    10,
                    &[date(2025, 1, 10), date(2025, 6, 1), date(2026, 1, 10)],
                ),
                false,
            ),
            (
                "near miss: two cases",
                class_cases(1, 5, &three[..2]),
                false,
            ),
        ],
        |f, c| f.unit_class_cases.push(c),
    );
}

/// A unit's people grouped by the industry of most of their orders in the
/// window (2025-10-03 to 2025-12-31, the 90 days the store reads).
fn order_group(class: i64, industry: Option<&str>, people: i64) -> UnitOrderIndustry {
    UnitOrderIndustry {
        unit: "91440106MA5XXXXX3C".into(),
        industry_class: class,
        industry: industry.map(str::to_owned),
        from: date(2025, 10, 3),
        to: date(2025, 12, 31),
        people,
        orders: people * 40,
        examples: (0..people.min(3))
            .map(|n| (format!("44010619900101{n:04}"), 40))
            .collect(),
    }
}

/// industry_class_vs_orders (人社部发〔2015〕71号 rates a unit by its
/// industry; the classes of the order industries are the dated parameters
/// monitoring.order_industry.*, the numbers assumed): a class 1 unit whose
/// 5 people with orders ride for ride hailing (道路运输业, class 5) fires,
/// and so does a class 1 unit of instant-delivery riders (邮政业, class 2,
/// assumed); near misses: the unit already rated in class 5, fewer than half
/// of its people above its class, 4 people, only an industry no order
/// industry has, or people with no industry holding most of their orders.
/// The window (orders older than 90 days) is the store's: the app's test
/// `industry_class_vs_orders_fires_through_a_run_on_the_store` checks it.
#[test]
fn industry_class_vs_orders_fires_on_a_unit_rated_below_its_people_s_orders() {
    check(
        "industry_class_vs_orders",
        &[
            (
                "class 1, 5 of 5 people mostly ride hailing (class 5)",
                vec![order_group(1, Some("ride_hailing"), 5)],
                true,
            ),
            (
                "class 1, 5 of 5 people mostly instant delivery (class 2, assumed)",
                vec![order_group(1, Some("instant_delivery"), 5)],
                true,
            ),
            (
                "class 2, 3 freight and 3 instant delivery of 6: exactly half above",
                vec![
                    order_group(2, Some("intra_city_freight"), 3),
                    order_group(2, Some("instant_delivery"), 3),
                ],
                true,
            ),
            (
                "near miss: class equal (a class 5 unit of drivers)",
                vec![order_group(5, Some("ride_hailing"), 8)],
                false,
            ),
            (
                "near miss: class 2 unit of instant-delivery riders (class 2)",
                vec![order_group(2, Some("instant_delivery"), 8)],
                false,
            ),
            (
                "near miss: share below, 2 of 5 above",
                vec![
                    order_group(2, Some("ride_hailing"), 2),
                    order_group(2, Some("instant_delivery"), 3),
                ],
                false,
            ),
            (
                "near miss: too few people, 4",
                vec![order_group(1, Some("ride_hailing"), 4)],
                false,
            ),
            (
                "near miss: unmapped industry",
                vec![order_group(1, Some("air_freight"), 6)],
                false,
            ),
            (
                "near miss: no industry holds most of their orders",
                vec![
                    order_group(1, None, 4),
                    order_group(1, Some("ride_hailing"), 1),
                ],
                false,
            ),
        ],
        |f, rows| f.unit_order_industries.extend(rows),
    );
}

#[test]
fn industry_class_vs_orders_names_the_classes_counts_and_example_people() {
    let mut facts = MonitorFacts::default();
    facts.unit_order_industries.extend([
        order_group(1, Some("ride_hailing"), 4),
        order_group(1, Some("instant_delivery"), 2),
        order_group(1, None, 1),
    ]);
    let flags: Vec<_> = evaluate(&rules(), &facts, &classes())
        .unwrap()
        .into_iter()
        .filter(|f| f.rule_id == "industry_class_vs_orders")
        .collect();
    assert_eq!(flags.len(), 1, "{flags:?}");
    let f = &flags[0];
    assert_eq!(f.subject.kind, SubjectKind::Unit);
    // Class 1, implied class 5 (four of the six above are in class 5).
    assert_eq!(f.key, "91440106MA5XXXXX3C/1/5");
    assert!(f.text_en.contains("7 of the people"), "{}", f.text_en);
    assert!(f.text_en.contains("6 of them"), "{}", f.text_en);
    assert!(
        f.text_en.contains("ride hailing (division 54, class 5)"),
        "{}",
        f.text_en
    );
    assert!(
        !f.text_en
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "the English text names the industries in English: {}",
        f.text_en
    );
    assert!(f.text_zh.contains("第5类"), "{}", f.text_zh);
    // Three examples of ride hailing, two of instant delivery.
    assert_eq!(f.records.len(), 5);
    assert!(f.records.iter().all(|r| r.kind == "person_orders"));
    assert!(
        f.records[0]
            .key
            .starts_with("440106199001010000/ride_hailing/2025-10-03..2025-12-31"),
        "{:?}",
        f.records
    );
}

#[test]
fn every_order_industry_has_a_division_and_a_class_in_force() {
    let c = classes();
    for industry in gongshang_domain::monitor::classes::ORDER_INDUSTRIES {
        let name = industry.stored_name();
        let e = c.of(name).unwrap_or_else(|| panic!("{name} has a class"));
        assert!((1..=8).contains(&e.class), "{name}: {e:?}");
    }
    assert_eq!(
        c.of("ride_hailing").map(|e| (e.division, e.class)),
        Some((54, 5))
    );
    assert_eq!(
        c.of("intra_city_freight").map(|e| (e.division, e.class)),
        Some((54, 5))
    );
    assert_eq!(
        c.of("instant_delivery").map(|e| (e.division, e.class)),
        Some((60, 2))
    );
    // Before 71号 there is no class: refused, naming the parameter.
    let err = OrderIndustryClasses::on(policy(), date(2015, 9, 30)).unwrap_err();
    assert!(
        err.to_string().contains("monitoring.order_industry"),
        "{err}"
    );
}

fn payout(collected_fen: i64, benefits_fen: i64) -> PlatformPayout {
    PlatformPayout {
        platform: "eleme".into(),
        month: "2026-08".into(),
        collected_fen,
        benefits_fen,
    }
}

/// payout_ratio (人社部发〔2025〕24号 Art 9: the ratio that floats the rate;
/// the monthly threshold is assumed, no instrument sets one): a month whose
/// benefits are over 120% (max_ratio_bp 12000) of the premiums collected, once
/// 100.00 yuan (min_collected_fen 10000) was collected, or with benefits and
/// less collected than that. 1,200.01 / 1,000.00 = 120.001% fires; 1,200.00 /
/// 1,000.00 = 120% exactly does not; 50.00 of benefits on 99.99 collected
/// fires (too little collected to weigh them); no benefits never fires.
#[test]
fn payout_ratio_fires_over_120_percent_of_the_month_s_premiums_mohrss_2025_24_art_9() {
    check(
        "payout_ratio",
        &[
            ("120.001%", payout(100_000, 120_001), true),
            ("near miss: 120% exactly", payout(100_000, 120_000), false),
            ("near miss: 20%", payout(100_000, 20_000), false),
            ("benefits, little collected", payout(9_999, 5_000), true),
            ("benefits, nothing collected", payout(0, 5_000), true),
            ("near miss: no benefits", payout(0, 0), false),
        ],
        |f, c| f.platform_payouts.push(c),
    );
    let facts = MonitorFacts {
        platform_payouts: vec![payout(100_000, 150_000)],
        ..MonitorFacts::default()
    };
    assert_eq!(
        fired("payout_ratio", &facts),
        vec!["eleme/2026-08".to_owned()]
    );
    let flag = evaluate(&rules(), &facts, &classes())
        .unwrap()
        .into_iter()
        .find(|f| f.rule_id == "payout_ratio")
        .unwrap();
    assert_eq!(flag.subject.kind, SubjectKind::Platform);
    assert!(flag.text_zh.contains("支缴率 150.00%"), "{}", flag.text_zh);
}

fn paid_after(rule: &str, months: i64) -> gongshang_domain::monitor::facts::PaidAfterLifeEvent {
    gongshang_domain::monitor::facts::PaidAfterLifeEvent {
        hit_id: 7,
        person: "440106200802150919".into(),
        case_number: "GS2025-000001".into(),
        benefit_id: 3,
        rule: rule.into(),
        on: jiff::civil::date(2026, 2, 15),
        overpaid_fen: months * 255_000,
        overpaid_months: months,
        overpayment_reference: Some("OP-3-1".into()),
    }
}

/// benefit_after_life_event (Decree 765 Arts 9, 26, 46): a matching hit with
/// a month or more paid after the event opens a flag on the beneficiary
/// (min_overpaid_months 1, assumed); a hit found in time (0 months) does not.
#[test]
fn benefit_after_life_event_fires_on_months_paid_after_the_event_decree765_art9() {
    check(
        "benefit_after_life_event",
        &[
            (
                "2 months after an 18th birthday",
                paid_after("dependant_turns_18", 2),
                true,
            ),
            ("1 month after a death", paid_after("death", 1), true),
            ("near miss: found in time", paid_after("death", 0), false),
        ],
        |f, c| f.paid_after_life_events.push(c),
    );
    let facts = MonitorFacts {
        paid_after_life_events: vec![paid_after("remarriage", 3)],
        ..MonitorFacts::default()
    };
    let flag = evaluate(&rules(), &facts, &classes())
        .unwrap()
        .into_iter()
        .find(|f| f.rule_id == "benefit_after_life_event")
        .unwrap();
    assert_eq!(flag.subject.kind, SubjectKind::Person);
    assert_eq!(flag.key, "hit/7");
    assert!(
        flag.text_zh.contains("再婚后仍发放 3 个月"),
        "{}",
        flag.text_zh
    );
}
