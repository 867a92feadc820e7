//! Invariants of the award and the contribution, checked with proptest on
//! `compute_award` directly (facts given, rules resolved from the shipped
//! policies). The seed is fixed, so a run is reproducible; it is printed in
//! every failure message, and `PROPTEST_RNG_SEED=<n>` runs another one.
//!
//! Bounds and expected pensions are computed here with plain integer
//! arithmetic on fen, independently of the engine's `Money::mul_rate`.

use std::sync::OnceLock;

use gongshang_rules::benefits::survivor_parts;
use gongshang_rules::contribution::ContributionRules;
use gongshang_rules::{
    AwardAmounts, AwardFacts, AwardInput, BenefitRules, Dependants, Fact, Grade, IndustryClass,
    Money, NoTrace, NursingLevel, PolicySet, RulesError, Trace, compute_award,
    monthly_contribution,
};
use jiff::civil::date;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// The seed of every property in this module unless PROPTEST_RNG_SEED is set.
const DEFAULT_SEED: u64 = 0x6773_2d72_756c_6573; // "gs-rules"
const CASES: u32 = 256;

fn seed() -> u64 {
    match Config::default().rng_seed {
        RngSeed::Fixed(seed) => seed,
        RngSeed::Random => DEFAULT_SEED,
    }
}

fn config() -> Config {
    Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(seed()),
        // The seed is fixed and printed: no regression files in the source tree.
        failure_persistence: None,
        ..Config::default()
    }
}

fn rules() -> &'static BenefitRules {
    static RULES: OnceLock<BenefitRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let policy = PolicySet::embedded().unwrap();
        BenefitRules::resolve(&policy, date(2025, 3, 10)).unwrap()
    })
}

fn contribution_rules() -> &'static ContributionRules {
    static RULES: OnceLock<ContributionRules> = OnceLock::new();
    RULES.get_or_init(|| ContributionRules::resolve(crate::policy(), date(2025, 3, 1)).unwrap())
}

/// `fen x percent / 100`, rounded half away from zero (fen >= 0).
fn percent_of(fen: i64, percent: i64) -> i64 {
    (fen * percent + 50) / 100
}

fn yuan(fen: i64) -> Money {
    Money::from_fen(fen)
}

fn facts(avg_fen: i64, min_fen: i64, income_fen: i64, food_fen: i64) -> AwardFacts<'static> {
    AwardFacts {
        regional_avg_wage: Some(Fact::given(yuan(avg_fen))),
        care_avg_wage: Some(Fact::given(yuan(avg_fen))),
        funeral_avg_wage: Some(Fact::given(yuan(avg_fen))),
        min_wage: Some(Fact::given(yuan(min_fen))),
        national_income: Some(Fact::given(yuan(income_fen))),
        food_subsidy_daily: Some(Fact::given(yuan(food_fen))),
    }
}

fn money_items(a: &AwardAmounts) -> [(&'static str, Money); 9] {
    [
        ("benefit_wage", a.benefit_wage),
        ("one_time_disability_subsidy", a.one_time_disability_subsidy),
        (
            "monthly_disability_allowance",
            a.monthly_disability_allowance,
        ),
        ("monthly_living_care", a.monthly_living_care),
        ("funeral_subsidy", a.funeral_subsidy),
        ("one_time_death_benefit", a.one_time_death_benefit),
        ("monthly_survivor_pensions", a.monthly_survivor_pensions),
        ("suspension_wages", a.suspension_wages),
        ("hospital_food_subsidy", a.hospital_food_subsidy),
    ]
}

fn grade() -> impl Strategy<Value = Option<Grade>> {
    prop::option::of((1u8..=10).prop_map(|g| Grade::new(g).unwrap()))
}

fn nursing() -> impl Strategy<Value = Option<NursingLevel>> {
    prop::option::of(prop_oneof![
        Just(NursingLevel::Partly),
        Just(NursingLevel::Mostly),
        Just(NursingLevel::Fully),
    ])
}

fn dependants() -> impl Strategy<Value = Dependants> {
    (any::<bool>(), 0u32..=Dependants::MAX_OTHERS, 0u32..=21).prop_map(|(spouse, others, extra)| {
        let total = others + u32::from(spouse);
        Dependants::new(spouse, others, extra.min(total)).unwrap()
    })
}

prop_compose! {
    /// Any valid award input: own wage 0 to 200,000 yuan a month.
    fn award_input()(
        own_wage_fen in 0i64..=20_000_000,
        grade in grade(),
        job_arranged in any::<bool>(),
        nursing in nursing(),
        veteran_recurrence in any::<bool>(),
        extension in any::<bool>(),
        suspension in 0u32..=12,
        hospital_days in 0u32..=400,
        died in any::<bool>(),
        deps in dependants(),
        pension in proptest::option::of(0i64..=1_000_000),
    ) -> AwardInput {
        AwardInput {
            own_wage: yuan(own_wage_fen),
            grade,
            job_arranged,
            nursing,
            veteran_recurrence,
            suspension_months: if extension { suspension * 2 } else { suspension },
            suspension_extension_confirmed: extension,
            hospital_days,
            died,
            dependants: if died { deps } else { Dependants::default() },
            basic_pension_monthly: pension.map(yuan),
        }
    }
}

/// The pensions by hand: spouse 40%, others 30%, +10% to the first `extra10`
/// others and then to the spouse; each rounded to the fen.
fn pensions_by_hand(benefit_wage_fen: i64, deps: Dependants) -> Vec<i64> {
    let others_extra = deps.extra10.min(deps.others);
    let mut parts = Vec::new();
    if deps.spouse {
        let pct = if deps.extra10 > deps.others { 50 } else { 40 };
        parts.push(percent_of(benefit_wage_fen, pct));
    }
    for i in 0..deps.others {
        let pct = if i < others_extra { 40 } else { 30 };
        parts.push(percent_of(benefit_wage_fen, pct));
    }
    parts
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn award_amounts_are_never_negative(
        input in award_input(),
        avg in 100_000i64..=5_000_000,
        min in 100_000i64..=500_000,
        income in 2_000_000i64..=10_000_000,
        food in 0i64..=20_000,
    ) {
        let amounts = compute_award(&input, &facts(avg, min, income, food), rules(), &mut NoTrace)
            .map_err(|e| TestCaseError::fail(format!("seed {}: {e}", seed())))?;
        for (name, amount) in money_items(&amounts) {
            prop_assert!(!amount.is_negative(), "seed {}: {name} = {amount}", seed());
        }
    }

    #[test]
    fn art64_benefit_wage_lies_within_the_rounded_60_and_300_percent_bounds(
        own in 0i64..=20_000_000,
        avg in 1i64..=5_000_000,
    ) {
        let input = AwardInput { own_wage: yuan(own), ..AwardInput::default() };
        let amounts = compute_award(&input, &facts(avg, 0, 0, 0), rules(), &mut NoTrace).unwrap();
        let (floor, ceiling) = (percent_of(avg, 60), percent_of(avg, 300));
        let bw = amounts.benefit_wage.fen();
        prop_assert!(floor <= bw && bw <= ceiling,
            "seed {}: benefit wage {bw} fen outside [{floor}, {ceiling}] for avg {avg}", seed());
        prop_assert_eq!(bw, own.clamp(floor, ceiling), "seed {}", seed());
    }

    #[test]
    fn arts35_37_subsidy_and_allowance_never_fall_as_the_own_wage_rises(
        w1 in 0i64..=20_000_000,
        w2 in 0i64..=20_000_000,
        g in 1u8..=10,
        job_arranged in any::<bool>(),
        avg in 100_000i64..=5_000_000,
        min in 0i64..=500_000,
    ) {
        let (low, high) = (w1.min(w2), w1.max(w2));
        let award = |own| {
            let input = AwardInput {
                own_wage: yuan(own),
                grade: Some(Grade::new(g).unwrap()),
                job_arranged,
                ..AwardInput::default()
            };
            compute_award(&input, &facts(avg, min, 0, 0), rules(), &mut NoTrace).unwrap()
        };
        let (a, b) = (award(low), award(high));
        prop_assert!(a.one_time_disability_subsidy <= b.one_time_disability_subsidy,
            "seed {}: grade {g}, subsidy falls from {} to {}", seed(),
            a.one_time_disability_subsidy, b.one_time_disability_subsidy);
        prop_assert!(a.monthly_disability_allowance <= b.monthly_disability_allowance,
            "seed {}: grade {g}, allowance falls from {} to {}", seed(),
            a.monthly_disability_allowance, b.monthly_disability_allowance);
        if a.monthly_disability_allowance > Money::ZERO {
            prop_assert!(a.monthly_disability_allowance.fen() >= min,
                "seed {}: allowance below the minimum wage", seed());
        }
    }

    #[test]
    fn art39_survivors_sum_is_the_rounded_parts_capped_at_the_benefit_wage(
        own in 0i64..=20_000_000,
        avg in 100_000i64..=5_000_000,
        deps in dependants(),
    ) {
        let input = AwardInput { own_wage: yuan(own), died: true, dependants: deps, ..AwardInput::default() };
        let amounts = compute_award(&input, &facts(avg, 0, 5_418_800, 0), rules(), &mut NoTrace).unwrap();
        let bw = amounts.benefit_wage.fen();
        let by_hand: i64 = pensions_by_hand(bw, deps).iter().sum();
        let total = amounts.monthly_survivor_pensions.fen();
        prop_assert!(total <= bw, "seed {}: pensions {total} exceed the wage {bw}", seed());
        prop_assert_eq!(total, by_hand.min(bw), "seed {}: {:?}", seed(), deps);
    }

    #[test]
    fn art39_survivor_parts_add_up_exactly_to_the_capped_total(
        bw in 0i64..=10_000_000,
        deps in dependants(),
    ) {
        let total = gongshang_rules::benefits::survivor_pensions(yuan(bw), deps, rules(), &mut NoTrace);
        let parts = survivor_parts(yuan(bw), deps, rules());
        prop_assert_eq!(parts.len() as u32, deps.count(), "seed {}", seed());
        let paid: i64 = parts.iter().map(|p| p.paid.fen()).sum();
        prop_assert_eq!(paid, total.fen(), "seed {}: {:?}", seed(), deps);
        let by_hand = pensions_by_hand(bw, deps);
        let computed: Vec<i64> = parts.iter().map(|p| p.computed.fen()).collect();
        let mut sorted_hand = by_hand.clone();
        sorted_hand.sort_unstable();
        let mut sorted_computed = computed.clone();
        sorted_computed.sort_unstable();
        prop_assert_eq!(sorted_computed, sorted_hand, "seed {}", seed());
        for p in &parts {
            prop_assert!(p.paid <= p.computed && !p.paid.is_negative(),
                "seed {}: a dependant is paid {} of {}", seed(), p.paid, p.computed);
        }
    }

    #[test]
    fn art39_one_more_dependant_never_lowers_the_survivors_total(
        bw in 0i64..=10_000_000,
        deps in dependants(),
        which in 0u8..3,
    ) {
        let more = match which {
            0 if !deps.spouse => Dependants::new(true, deps.others, deps.extra10).unwrap(),
            0 | 1 if deps.others < Dependants::MAX_OTHERS => {
                Dependants::new(deps.spouse, deps.others + 1, deps.extra10).unwrap()
            }
            _ if deps.extra10 < deps.count() => {
                Dependants::new(deps.spouse, deps.others, deps.extra10 + 1).unwrap()
            }
            _ => deps,
        };
        let total = |d| gongshang_rules::benefits::survivor_pensions(yuan(bw), d, rules(), &mut NoTrace);
        prop_assert!(total(deps) <= total(more),
            "seed {}: {:?} -> {} but {:?} -> {}", seed(), deps, total(deps), more, total(more));
    }

    #[test]
    fn contribution_never_falls_as_the_wage_base_rises(
        b1 in 0i64..=10_000_000,
        b2 in 0i64..=10_000_000,
        class in 1u8..=8,
        tier_index in 0usize..5,
    ) {
        let rules = contribution_rules();
        let class = IndustryClass::new(class).unwrap();
        let tiers = rules.tiers(class);
        let tier = tiers[tier_index % tiers.len()];
        let pay = |b| monthly_contribution(yuan(b), class, tier, rules, &mut NoTrace).unwrap();
        let (low, high) = (b1.min(b2), b1.max(b2));
        prop_assert!(pay(low) <= pay(high), "seed {}: class {} tier {tier}", seed(), class.get());
        prop_assert!(!pay(low).is_negative(), "seed {}", seed());
        let traced = monthly_contribution(yuan(low), class, tier, rules, &mut Trace::default()).unwrap();
        prop_assert_eq!(traced, pay(low), "seed {}", seed());
    }

    #[test]
    fn a_trace_never_changes_the_award(
        input in award_input(),
        avg in 0i64..=5_000_000,
        min in 0i64..=500_000,
        income in 0i64..=10_000_000,
        food in 0i64..=20_000,
        drop_min in any::<bool>(),
    ) {
        let mut facts = facts(avg, min, income, food);
        if drop_min {
            facts.min_wage = None;
        }
        let untraced = compute_award(&input, &facts, rules(), &mut NoTrace);
        let mut trace = Trace::default();
        let traced = compute_award(&input, &facts, rules(), &mut trace);
        prop_assert_eq!(&untraced, &traced, "seed {}", seed());
        if let Ok(amounts) = traced {
            let first = trace.steps.first().expect("the benefit wage step");
            prop_assert_eq!(first.amount, amounts.benefit_wage, "seed {}", seed());
            // The same inputs give the same trace.
            let mut again = Trace::default();
            compute_award(&input, &facts, rules(), &mut again).unwrap();
            prop_assert_eq!(&trace, &again, "seed {}", seed());
        }
    }
}

#[test]
fn a_missing_fact_is_reported_by_name_not_guessed() {
    let input = AwardInput {
        own_wage: Money::from_yuan(8000),
        grade: Some(Grade::new(3).unwrap()),
        ..AwardInput::default()
    };
    let mut given = facts(675_600, 250_000, 0, 0);
    given.min_wage = None;
    let error: RulesError = compute_award(&input, &given, rules(), &mut NoTrace).unwrap_err();
    assert_eq!(
        (error.code(), error.field()),
        ("input_missing", Some("min_wage"))
    );
    let error = compute_award(&input, &AwardFacts::default(), rules(), &mut NoTrace).unwrap_err();
    assert_eq!(error.field(), Some("regional_avg_wage"));
}
