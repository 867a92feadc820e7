//! Properties of the payroll over any sequence of runs, suspensions,
//! resumptions, ends and indexations (SQLite in memory): a (benefit, month)
//! is paid once, a second run of a month pays nothing, every line is the
//! amount in force in its month within the benefit's months, and the ledger
//! balances with the bank paying exactly the lines.

use std::sync::Arc;

use gongshang_app::payroll::{BenefitEnd, Indexation};
use gongshang_app::{App, FixedClock};
use gongshang_domain::ids::ResidentId;
use gongshang_domain::ledger::Account;
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::rate::Rate;
use gongshang_store::SqliteStore;
use gongshang_store::cases::{CaseAppend, CaseSnapshot, NewCase, NewCaseEvent, NewPeriodicBenefit};
use jiff::civil::date;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use super::ts;

/// Whoever runs the payroll in these properties.
static TESTER: std::sync::LazyLock<gongshang_app::accounts::Actor> =
    std::sync::LazyLock::new(|| gongshang_app::accounts::Actor::local_administrator("tester"));

/// The seed unless PROPTEST_RNG_SEED is set ("gs-payrl"), printed on failure.
const DEFAULT_SEED: u64 = 0x6773_2d70_6179_726c;

fn seed() -> u64 {
    match Config::default().rng_seed {
        RngSeed::Fixed(seed) => seed,
        RngSeed::Random => DEFAULT_SEED,
    }
}

fn config() -> Config {
    Config {
        cases: 48,
        rng_seed: RngSeed::Fixed(seed()),
        failure_persistence: None,
        ..Config::default()
    }
}

#[derive(Clone, Debug)]
enum Op {
    Run(u8),
    Suspend(usize),
    Resume(usize),
    End(usize, u8),
    Index(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..8).prop_map(Op::Run),
        1 => (0usize..4).prop_map(Op::Suspend),
        1 => (0usize..4).prop_map(Op::Resume),
        1 => ((0usize..4), (0u8..8)).prop_map(|(b, m)| Op::End(b, m)),
        1 => ((0u8..8), (1u8..12)).prop_map(|(m, p)| Op::Index(m, p)),
    ]
}

fn month(i: u8) -> Month {
    let mut m = Month::parse("2025-01").unwrap();
    for _ in 0..i {
        m = m.next();
    }
    m
}

fn app_with_benefits(benefits: &[(u8, i64)]) -> (App, Vec<i64>) {
    app_with_items(benefits, "monthly_disability_allowance", "b")
}

/// As [`app_with_benefits`], of one item, the beneficiaries labelled
/// `{label}{n}` (a dependant's survivors' pension: `dependant-`, from 1).
fn app_with_items(benefits: &[(u8, i64)], item: &str, label: &str) -> (App, Vec<i64>) {
    let store = SqliteStore::open("sqlite::memory:").unwrap();
    let app = App::new(
        Box::new(store),
        Arc::new(FixedClock::new(ts("2026-06-30T02:00:00Z"))),
    )
    .unwrap();
    let at = app.now();
    let case = app
        .store()
        .create_case(
            &NewCase {
                number: Some("P-1".into()),
                flow: "determination".parse().unwrap(),
                person: ResidentId::parse("11010519491231002X").unwrap(),
                unit: None,
                scheme_id: "national.employees".parse().unwrap(),
                jurisdiction: "national".into(),
                region: None,
                accident_key: "p-1".into(),
                accident_date: date(2024, 12, 1),
                platform: None,
            },
            &CaseAppend {
                expected_version: 0,
                events: vec![NewCaseEvent {
                    stream: "determination".parse().unwrap(),
                    format: 1,
                    kind: "filed".into(),
                    on: date(2024, 12, 1),
                    body: "{}".into(),
                }],
                snapshot: CaseSnapshot {
                    state: "decided".parse().unwrap(),
                    closed: false,
                    deadline: None,
                },
                recognises: None,
                conclusions: Vec::new(),
            },
            "tester",
            at,
        )
        .unwrap();
    let new: Vec<NewPeriodicBenefit> = benefits
        .iter()
        .enumerate()
        .map(|(n, &(start, fen))| NewPeriodicBenefit {
            case_id: case.id,
            award_id: None,
            beneficiary: if label == "dependant-" {
                format!("{label}{}", n + 1)
            } else {
                format!("{label}{n}")
            },
            item: super::named(item),
            payer: super::named("fund"),
            start_month: month(start),
            end_month: None,
            end_reason: None,
            end_condition: None,
            monthly: Money::from_fen(fen),
        })
        .collect();
    app.store()
        .create_periodic_benefits(&new, "tester", at)
        .unwrap();
    let ids = app
        .store()
        .periodic_benefits_of_case(case.id)
        .unwrap()
        .iter()
        .map(|b| b.id)
        .collect();
    (app, ids)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn payroll_twice_pays_once_and_the_ledger_balances(
        benefits in proptest::collection::vec(((0u8..4), (1i64..1_000_000)), 1..5),
        ops in proptest::collection::vec(op(), 1..25),
    ) {
        let (app, ids) = app_with_benefits(&benefits);
        let pick = |i: usize| ids[i % ids.len()];
        for op in &ops {
            match *op {
                Op::Run(m) => {
                    app.run_payroll(&TESTER, month(m)).unwrap();
                    let again = app.run_payroll(&TESTER, month(m)).unwrap();
                    prop_assert_eq!(again.lines, 0, "seed {} {:?}", seed(), op);
                    prop_assert_eq!(again.total, Money::ZERO);
                }
                Op::Suspend(b) => app.suspend_benefit(&TESTER, pick(b), "test").unwrap(),
                Op::Resume(b) => app.resume_benefit(&TESTER, pick(b), "test").unwrap(),
                Op::End(b, m) => {
                    // Refused (conflict) when a later month is paid: never half applied.
                    if let Err(e) = app.end_benefit(&TESTER, pick(b), &BenefitEnd::Death { month: month(m) }) {
                        prop_assert_eq!(e.code(), "conflict", "seed {}", seed());
                    }
                }
                Op::Index(m, p) => {
                    let rate = Rate::parse(&format!("{p}%")).unwrap();
                    if let Err(e) = app.index_benefits(&TESTER, month(m), &Indexation::Percentage { rate, item: None }, "test notice") {
                        prop_assert_eq!(e.code(), "conflict", "seed {}", seed());
                    }
                }
            }
            prop_assert_eq!(app.store().trial_balance().unwrap(), 0);
        }
        let mut paid_total = 0i64;
        for id in &ids {
            let b = app.store().periodic_benefit(*id).unwrap().unwrap();
            let lines = app.store().payroll_lines_of_benefit(*id).unwrap();
            for w in lines.windows(2) {
                prop_assert!(w[0].0 < w[1].0, "seed {}: a month paid twice", seed());
            }
            for (m, amount) in &lines {
                prop_assert!(*m >= b.start_month);
                if let Some(end) = b.end_month {
                    prop_assert!(*m <= end, "seed {}: paid {} after the end {}", seed(), m, end);
                }
                let in_force = b.amounts.iter().rfind(|a| a.from_month <= *m).unwrap().amount;
                prop_assert_eq!(*amount, in_force, "seed {}", seed());
                paid_total += amount.fen();
            }
        }
        let balances = app.store().ledger_balances().unwrap();
        let bank = balances.iter().find(|(a, _)| *a == Account::Bank).map_or(0, |(_, b)| *b);
        prop_assert_eq!(-bank, paid_total, "seed {}", seed());
    }
}

/// End conditions and the retirement offset as data: (what happens, in which
/// month, the months paid of January to June 2025 for a benefit of 1,000.00
/// yuan from January).
#[test]
fn art35_art39_end_conditions_and_the_retirement_offset_as_data() {
    enum Event {
        Death(&'static str),
        Remarriage(&'static str),
        TurnedEighteen(&'static str),
        /// (from month, pension in fen): 条例 Art 35, the fund pays the difference.
        Retired(&'static str, i64),
    }
    /// (name, what happens, the months paid with their amounts in fen).
    type Case = (&'static str, Event, &'static [(&'static str, i64)]);
    let cases: &[Case] = &[
        (
            "death in March: paid for March, not after",
            Event::Death("2025-03"),
            &[
                ("2025-01", 100_000),
                ("2025-02", 100_000),
                ("2025-03", 100_000),
            ],
        ),
        (
            "remarriage in February: paid for February, not after",
            Event::Remarriage("2025-02"),
            &[("2025-01", 100_000), ("2025-02", 100_000)],
        ),
        (
            "turns 18 in March: paid to February",
            Event::TurnedEighteen("2025-03"),
            &[("2025-01", 100_000), ("2025-02", 100_000)],
        ),
        (
            "retired from April with a pension of 700.00: 300.00 from April",
            Event::Retired("2025-04", 70_000),
            &[
                ("2025-01", 100_000),
                ("2025-02", 100_000),
                ("2025-03", 100_000),
                ("2025-04", 30_000),
                ("2025-05", 30_000),
                ("2025-06", 30_000),
            ],
        ),
        (
            "retired from May with a pension above the allowance: nothing from May",
            Event::Retired("2025-05", 150_000),
            &[
                ("2025-01", 100_000),
                ("2025-02", 100_000),
                ("2025-03", 100_000),
                ("2025-04", 100_000),
            ],
        ),
    ];
    for (name, event, expected) in cases {
        // Only a dependant's survivors' pension ends at 18 (Order No. 18
        // Art 4(1)); the others are a grade 1-4 worker's allowance.
        let (app, ids) = match event {
            Event::TurnedEighteen(_) => {
                app_with_items(&[(0, 100_000)], "monthly_survivor_pensions", "dependant-")
            }
            _ => app_with_benefits(&[(0, 100_000)]),
        };
        let id = ids[0];
        let m = |t: &str| Month::parse(t).unwrap();
        match event {
            Event::Death(t) => app.end_benefit(&TESTER, id, &BenefitEnd::Death { month: m(t) }),
            Event::Remarriage(t) => {
                app.end_benefit(&TESTER, id, &BenefitEnd::Remarriage { month: m(t) })
            }
            Event::TurnedEighteen(t) => {
                app.end_benefit(&TESTER, id, &BenefitEnd::TurnedEighteen { month: m(t) })
            }
            Event::Retired(t, pension) => app
                .record_retirement(&TESTER, id, m(t), Money::from_fen(*pension))
                .map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        for i in 0..6 {
            app.run_payroll(&TESTER, month(i)).unwrap();
        }
        let paid: Vec<(String, i64)> = app
            .store()
            .payroll_lines_of_benefit(id)
            .unwrap()
            .into_iter()
            .map(|(m, a)| (m.to_string(), a.fen()))
            .collect();
        let expected: Vec<(String, i64)> = expected
            .iter()
            .map(|(m, a)| ((*m).to_owned(), *a))
            .collect();
        assert_eq!(paid, expected, "{name}");
        assert_eq!(app.store().trial_balance().unwrap(), 0, "{name}");
    }
}
