//! The projection: one pass over the population per thread computes, for
//! every year and scenario, sums per cell (region × scheme × industry
//! class): the insured, the wage base, premiums by payer, expected claims
//! and expected claims weighted by the benefit wage. Each year's income and
//! expenditure follow from the cells and the year's parameters; replicates
//! draw claim counts per cell around the expectation (common random numbers
//! across scenarios, so differences are paired).
//!
//! The arithmetic, per insured person of weight `w`, in a year whose wages
//! have grown by `G` and the insured by `E` since the start:
//! - base = the monthly wage held within floor × average and ceiling ×
//!   average of the region (Art 64's band, also applied to the base);
//! - a monthly-wage scheme: the unit pays base × 12 × the class's benchmark
//!   rate; a per-day scheme (益鹭保): days × price, the city paying its share;
//! - expected claims = w × incidence of the class; each claim ends in a
//!   grade or a death by the outcome shares (where the reform carries an
//!   estimate by grade from the stored cases, `Reform::incidence`, the
//!   incidence and the shares are those of the record's scheme × class:
//!   the sum of its outcome cells and each cell's part of it): the one-time disability
//!   subsidy months × the benefit wage (the same band), grades 1-4 a
//!   monthly allowance (rate × benefit wage, half a year in the first year,
//!   ending at `allowance_exit` a year), a death the income multiple × the
//!   national income and the funeral months × the average;
//! - a death also leaves survivors' pensions (Art 39(1)(2)): per death, the
//!   assumed mix of dependants (`survivors.spouse_share` × the spouse's
//!   rate + `survivors.others_per_death` × the other rate +
//!   `survivors.extra_per_death` × the extra), held at 100% (the cap of the
//!   deceased's wage), × the benefit wage; half a year in the first year,
//!   ending at `survivors_exit` a year;
//! - grades 1-4 also get living care (Art 34) by the assumed share of each
//!   grade at each level (`living_care.grade_G.LEVEL`) × the level's rate ×
//!   the regional average wage (grown with wages); half a year in the first
//!   year, ending at `allowance_exit` a year;
//! - these three stocks of new claims, once awarded, are adjusted each year
//!   by the indexation rate (`periodic_benefits.indexation_rate`, Art 40).
//!
//! The benefits in payment at the start (`Population::in_payment`: a
//! monthly amount, an item, the beneficiary's age and sex) are projected
//! one by one, independently of the scenario but for the indexation (a
//! survivor whose age is not recorded at the assumed
//! `in_payment.survivor_age`, on the female table): in
//! year `y` (0 the first) a benefit pays `monthly × 12 × m_y × F_y` where
//! - `S_y` is the chance to be alive at the start of year `y` by the life
//!   table of the beneficiary's sex in force on the first day (`S_0 = 1`,
//!   `S_{y+1} = S_y × (1 − q(age + y))`), and `m_y = S_y − S_y × q / 2`
//!   (a death pays half the year on average); a child's pension whose
//!   18th birthday falls in the year pays half of it, then stops;
//! - an allowance from the retirement age on pays only the Art 35(3)
//!   difference, taken as `in_payment.retired_share` of it (half a year of
//!   each in the year of the birthday); the basic pension is not modelled;
//! - `F_0 = 1` (the amount in payment already holds the first year's
//!   adjustments) and `F_y = F_{y−1} × (1 + the year's indexation rate)`.
//!   Each product is rounded half away from zero (survival and year
//!   fractions to the part per million, amounts to the fen).
//!
//! Replicates draw the deaths among the beneficiaries in payment too: per
//! replicate and year one normal deviate (its own stream, common to every
//! scenario) moves the year's deaths around their expectation by the
//! Poisson standard deviation, and the share still alive carries into the
//! next years.
//!
//! Not modelled (said in DESIGN.md): medical costs, suspension wages (the
//! employer's), appraisal fees, the basic pension itself (only its assumed
//! share against the allowance), remarriage of a spouse in payment.

// Years, scenarios and cells index several parallel arrays at once.
#![allow(clippy::needless_range_loop)]

use std::collections::BTreeMap;

use gongshang_rules::life_table::{LifeTable, Sex};
use gongshang_rules::params::Status;
use gongshang_rules::{Money, PolicySet};
use jiff::civil::date;
use serde::{Deserialize, Serialize};

use crate::population::{PaidItem, Population, SchemeBilling};
use crate::reform::{Assumption, Override, Params, Reform};
use crate::rng::{SplitMix64, isqrt, stream};
use crate::{SimError, percent_text};

/// How to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub start_year: i16,
    pub years: u16,
    pub replicates: u16,
    pub seed: u64,
    /// Threads over the population (1 or more).
    pub threads: usize,
    /// The fund at the start; none: `initial_reserve_months` of the first
    /// year's expected expenditure of the baseline.
    pub initial_reserve: Option<Money>,
    /// Attribute the difference to each override (one more scenario each).
    pub attribution: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            start_year: 2026,
            years: 10,
            replicates: 0,
            seed: 1,
            threads: 1,
            initial_reserve: None,
            attribution: true,
        }
    }
}

/// A year of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRow {
    pub year: i16,
    /// The insured (weights, grown by enrolment).
    pub insured: i64,
    /// The year's wage base of the monthly-wage schemes.
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub wage_base: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub income_unit: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub income_worker: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub income_city: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub income: Money,
    /// Expected claims ending in a grade or a death.
    pub claims: i64,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub one_time_disability: Money,
    /// Grade 1-4 allowances of new claims.
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub allowances: Money,
    /// The one-time death benefit and funeral subsidy of new deaths.
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub death: Money,
    /// Survivors' pensions of new deaths.
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub survivors: Money,
    /// Living care of new grade 1-4 claims.
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub living_care: Money,
    /// The benefits in payment at the start, by item (the allowances with
    /// the Art 35(3) difference after the retirement age).
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub in_payment_allowances: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub in_payment_living_care: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub in_payment_survivors: Money,
    /// The beneficiaries in payment expected alive at the start of the year.
    pub in_payment_beneficiaries: i64,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub expenditure: Money,
    /// The fund at the end of the year.
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub reserve: Money,
    /// The fund in months of the year's expenditure (`14.2`).
    pub months_of_reserve: Option<String>,
    /// Expenditure over the wage base: the rate that would pay the year.
    pub payg_cost_rate: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRun {
    pub name: String,
    pub years: Vec<YearRow>,
    /// The expenditure of the whole horizon over its wage base: the one
    /// rate that pays the horizon (as pay-as-you-go, ignoring the reserve).
    pub break_even_rate: String,
}

/// P10, P50 and P90 over the replicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub year: i16,
    #[serde(deserialize_with = "crate::stored_money::bands")]
    pub expenditure: [Money; 3],
    #[serde(deserialize_with = "crate::stored_money::bands")]
    pub reserve: [Money; 3],
}

/// What one override does alone, against the baseline, over the horizon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub provision: String,
    pub from: String,
    pub value: String,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub income: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub expenditure: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub reserve_end: Money,
}

/// Who gains and who loses, in the first year the reform differs from the
/// baseline: averages per insured a year, at the start's wages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub group: String,
    pub insured: i64,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub premium_baseline: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub premium_reform: Money,
    pub paying_more: i64,
    pub paying_less: i64,
    /// The average benefit wage (what a claim's benefits are counted on).
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub benefit_wage_baseline: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub benefit_wage_reform: Money,
}

/// How the figures arose for one record, in the year of [`Group`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub record: usize,
    pub region: String,
    pub scheme: String,
    pub class: u8,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub wage: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub regional_average: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub base_baseline: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub premium_baseline: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub base_reform: Money,
    #[serde(deserialize_with = "crate::stored_money::money")]
    pub premium_reform: Money,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Projection {
    pub reform: String,
    pub start_year: i16,
    pub records: usize,
    pub insured: u64,
    /// The benefits in payment at the start the projection counts.
    pub benefits_in_payment: u64,
    /// The life tables that end them (id, and its status when not confirmed).
    pub life_tables: Vec<String>,
    pub baseline: ScenarioRun,
    pub reformed: ScenarioRun,
    pub attribution: Vec<Attribution>,
    /// The difference the single overrides do not explain (interaction).
    pub interaction: Option<Attribution>,
    pub bands_baseline: Vec<Band>,
    pub bands_reform: Vec<Band>,
    pub by_decile: Vec<Group>,
    pub by_scheme: Vec<Group>,
    pub by_region: Vec<Group>,
    pub assumptions: Vec<Assumption>,
    /// Claim incidence by scheme × class × outcome the projection used
    /// (none: every class by its assumption and the assumed mix).
    #[serde(default)]
    pub incidence_by_grade: Option<crate::experience::IncidenceByGrade>,
    pub overrides: Vec<String>,
    pub samples: Vec<Sample>,
}

/// One cell's sums at the start's wages and weights.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    w: i64,
    base: i64,
    prem_unit: i64,
    prem_worker: i64,
    prem_city: i64,
    lam: i64,
    lam_bw: i128,
}

impl Cell {
    fn add(&mut self, o: &Cell) {
        self.w += o.w;
        self.base += o.base;
        self.prem_unit += o.prem_unit;
        self.prem_worker += o.prem_worker;
        self.prem_city += o.prem_city;
        self.lam += o.lam;
        self.lam_bw += o.lam_bw;
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct GroupAcc {
    w: i64,
    prem: [i64; 2],
    more: i64,
    less: i64,
    bw: [i64; 2],
}

impl GroupAcc {
    fn add(&mut self, o: &GroupAcc) {
        self.w += o.w;
        self.prem[0] += o.prem[0];
        self.prem[1] += o.prem[1];
        self.more += o.more;
        self.less += o.less;
        self.bw[0] += o.bw[0];
        self.bw[1] += o.bw[1];
    }
}

struct Acc {
    /// [year][scenario][cell]
    cells: Vec<Cell>,
    decile: [GroupAcc; 10],
    scheme: Vec<GroupAcc>,
    region: Vec<GroupAcc>,
}

fn div(a: i128, b: i128) -> i64 {
    if b == 0 {
        return 0;
    }
    i64::try_from(gongshang_rules::money::round_half_away_from_zero(a, b)).unwrap_or(i64::MAX)
}

/// Compounded growth in parts per million after `years` years.
fn growth(rate_ppm: i64, years: i64) -> i64 {
    let mut g: i64 = 1_000_000;
    for _ in 0..years {
        g = div(i128::from(g) * i128::from(1_000_000 + rate_ppm), 1_000_000);
    }
    g
}

/// What one record pays and is counted on under one set of parameters.
#[derive(Clone, Copy, Default)]
struct Person {
    base: i64,
    prem_unit: i64,
    prem_worker: i64,
    prem_city: i64,
    bw: i64,
}

fn person(
    p: &Params,
    billing: SchemeBilling,
    class: usize,
    wage: i64,
    avg: i64,
    days: i64,
) -> Person {
    let floor = div(i128::from(avg) * i128::from(p.floor_ppm), 1_000_000);
    let ceiling = div(i128::from(avg) * i128::from(p.ceiling_ppm), 1_000_000);
    let bw = wage.max(floor).min(ceiling.max(floor));
    match billing {
        SchemeBilling::MonthlyWage => Person {
            base: bw,
            prem_unit: div(i128::from(bw) * i128::from(p.rate_ppm[class]), 1_000_000) * 12,
            prem_worker: 0,
            prem_city: 0,
            bw,
        },
        SchemeBilling::PerDay => {
            let total = p.yilubao_price_fen * days;
            let city = div(
                i128::from(total) * i128::from(p.yilubao_subsidy_ppm),
                1_000_000,
            );
            Person {
                base: 0,
                prem_unit: 0,
                prem_worker: total - city,
                prem_city: city,
                bw,
            }
        }
    }
}

/// The benefits in payment at the start, year by year, at the start's
/// amounts (the indexation is the scenario's, applied after).
struct InPaymentYears {
    /// Expected payments by item ([`PaidItem::index`]) and year, in fen.
    paid: [Vec<i64>; 3],
    /// Beneficiaries expected alive at the start of each year, millionths.
    lives: Vec<i64>,
    /// Expected deaths among them during each year, millionths.
    deaths: Vec<i64>,
}

/// The expected payments of the benefits in payment (see the module's
/// comment): survival by `tables[female]`, a child's stop at 18, an
/// allowance's Art 35(3) share from `retirement`.
fn in_payment_years(
    pop: &Population,
    tables: &[&LifeTable; 2],
    retirement: i64,
    retired_share: i64,
    unknown_age: i64,
    years: usize,
) -> InPaymentYears {
    let mut out = InPaymentYears {
        paid: [vec![0; years], vec![0; years], vec![0; years]],
        lives: vec![0; years],
        deaths: vec![0; years],
    };
    for b in &pop.in_payment {
        let (start_age, female) = match b.age {
            Some(age) => (i64::from(age), b.female),
            None => (unknown_age, true),
        };
        let table = tables[usize::from(female)];
        let w = i64::from(b.weight);
        let a_year = b.monthly.fen() * 12;
        let stop = match b.item {
            PaidItem::Allowance => None,
            PaidItem::LivingCare | PaidItem::Survivor => b.stops_at_age.map(i64::from),
        };
        let mut alive: i64 = 1_000_000;
        for y in 0..years {
            let age = start_age + i64::try_from(y).unwrap_or(0);
            if alive == 0 || stop.is_some_and(|st| age >= st) {
                break;
            }
            let q = table.q_ppm(age);
            let died = div(i128::from(alive) * i128::from(q), 1_000_000);
            let mut share = alive - div(i128::from(alive) * i128::from(q), 2_000_000);
            let stopping = stop.is_some_and(|st| age + 1 == st);
            if stopping {
                share = div(i128::from(share), 2);
            }
            let mut amount = div(i128::from(a_year) * i128::from(share), 1_000_000);
            if b.item == PaidItem::Allowance {
                let factor = if age >= retirement {
                    retired_share
                } else if age + 1 == retirement {
                    div(i128::from(1_000_000 + retired_share), 2)
                } else {
                    1_000_000
                };
                amount = div(i128::from(amount) * i128::from(factor), 1_000_000);
            }
            out.paid[b.item.index()][y] += amount * w;
            out.lives[y] += alive * w;
            out.deaths[y] += died * w;
            if stopping {
                break;
            }
            alive -= died;
        }
    }
    out
}

/// How far a projection has come: `done` of `total` steps, the step just
/// finished named by `part` (`records`: a slice of the pass over the
/// population, `years`: a year of the expected values, `replicates`: one
/// replicate of the baseline or the reform). `total` is fixed when the
/// projection starts: [`PASS_SLICES`] + the years + 2 × the replicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectProgress {
    pub done: u64,
    pub total: u64,
    pub part: &'static str,
}

impl ProjectProgress {
    /// The progress in hundredths, rounded down (100 only when done).
    pub fn percent(&self) -> u64 {
        (self.done * 100).checked_div(self.total).unwrap_or(100)
    }
}

/// The slices of the pass over the population, each run on every thread
/// and reported when all have finished it.
pub const PASS_SLICES: usize = 10;

/// Runs the baseline and the reform (and each override alone) over
/// `opts.years` years from `opts.start_year`.
pub fn project(
    pop: &Population,
    policy: &PolicySet,
    reform: &Reform,
    opts: &Options,
) -> Result<Projection, SimError> {
    project_with_progress(pop, policy, reform, opts, &mut |_| {})
}

/// [`project`], telling `progress` each step as it finishes (on the calling
/// thread, in order: the pass over the population in [`PASS_SLICES`]
/// slices, then each year, then each replicate), ending at `done == total`.
/// The figures are the same as without it, on any number of threads.
pub fn project_with_progress(
    pop: &Population,
    policy: &PolicySet,
    reform: &Reform,
    opts: &Options,
    progress: &mut dyn FnMut(ProjectProgress),
) -> Result<Projection, SimError> {
    if pop.is_empty() {
        return Err(SimError::new("population", "no records"));
    }
    if opts.years == 0 || opts.years > 100 {
        return Err(SimError::new(
            "years",
            format!("{}: allowed 1 to 100", opts.years),
        ));
    }
    let start = date(opts.start_year, 1, 1);
    let base_params = Params::baseline(policy, start)?;
    let a = &reform.assumptions;
    let years = usize::from(opts.years);
    // Scenarios: the baseline, the reform, each override alone.
    let mut scenarios: Vec<(String, Vec<&Override>)> = vec![
        ("baseline".into(), Vec::new()),
        (reform.name.clone(), reform.overrides.iter().collect()),
    ];
    if opts.attribution && reform.overrides.len() > 1 {
        for o in &reform.overrides {
            scenarios.push((o.key.clone(), vec![o]));
        }
    }
    let n_s = scenarios.len();
    // The parameters of each year and scenario; distinct sets computed once.
    let mut sets: Vec<Params> = Vec::new();
    let mut set_of = vec![0usize; years * n_s];
    for y in 0..years {
        let year = opts.start_year + i16::try_from(y).unwrap_or(0);
        for (s, (_, overrides)) in scenarios.iter().enumerate() {
            let mut p = base_params.clone();
            for o in overrides.iter().filter(|o| o.from.year() <= year) {
                p.apply(o);
            }
            let k = match sets.iter().position(|q| *q == p) {
                Some(k) => k,
                None => {
                    sets.push(p);
                    sets.len() - 1
                }
            };
            set_of[y * n_s + s] = k;
        }
    }
    // The indexation of each scenario: F_0 = 1, F_y = F_{y-1} × (1 + the
    // year's rate), in parts per million.
    let mut index_factor = vec![vec![1_000_000i64; years]; n_s];
    for (s, f) in index_factor.iter_mut().enumerate() {
        for y in 1..years {
            let rate = sets[set_of[y * n_s + s]].indexation_ppm;
            f[y] = div(
                i128::from(f[y - 1]) * i128::from(1_000_000 + rate),
                1_000_000,
            );
        }
    }
    // The benefits in payment at the start, by the life tables in force on
    // the first day (read only when there are such benefits).
    let mut life_tables = Vec::new();
    let in_payment = if pop.in_payment.is_empty() {
        None
    } else {
        let table = |sex: Sex| {
            policy
                .life_table(sex, start)
                .map_err(|e| SimError::new("life_table", e.to_string()))
        };
        let tables = [table(Sex::Male)?, table(Sex::Female)?];
        for t in &tables {
            life_tables.push(match t.citation.status {
                Status::Confirmed => format!("{} ({})", t.id, t.label_en),
                Status::Assumed => format!("{} ({}; assumed)", t.id, t.label_en),
                Status::Illustrative => format!("{} ({}; illustrative)", t.id, t.label_en),
            });
        }
        Some(in_payment_years(
            pop,
            &tables,
            a.get("retirement_age"),
            a.get("in_payment.retired_share"),
            a.get("in_payment.survivor_age"),
            years,
        ))
    };
    let n_regions = pop.regions.len();
    let n_schemes = pop.schemes.len();
    let n_cells = n_regions * n_schemes * 8;
    // Incidence and outcome mix per scheme × class: estimated by grade
    // from the stored cases where the reform carries such an estimate,
    // else the class's assumption and the assumed mix.
    let default_mix: [i64; 11] =
        std::array::from_fn(|k| a.get(&format!("outcome.{}", crate::experience::outcome_name(k))));
    let mut incidence: Vec<i64> = Vec::with_capacity(n_schemes * 8);
    let mut mixes: Vec<[i64; 11]> = Vec::with_capacity(n_schemes * 8);
    for scheme in &pop.schemes {
        for c in 1..=8u8 {
            match reform
                .incidence
                .as_ref()
                .and_then(|t| t.rates(&scheme.id, c))
            {
                Some((rate, mix)) => {
                    incidence.push(rate);
                    mixes.push(mix);
                }
                None => {
                    incidence.push(a.get(&format!("incidence.class_{c}")));
                    mixes.push(default_mix);
                }
            }
        }
    }
    let retirement = a.get("retirement_age");
    let days = a.get("yilubao_days");
    // Wage deciles of the records (a sample of at most 100,000, sorted).
    let step = (pop.len() / 100_000).max(1);
    let mut sample: Vec<u32> = pop.wage_fen.iter().step_by(step).copied().collect();
    sample.sort_unstable();
    let deciles: Vec<u32> = (1..10)
        .map(|d| sample[(sample.len() * d / 10).min(sample.len() - 1)])
        .collect();
    let avg: Vec<i64> = pop.regions.iter().map(|r| r.avg_wage.fen()).collect();
    let billing: Vec<SchemeBilling> = pop.schemes.iter().map(|s| s.billing).collect();
    // Winners and losers in the first year the reform differs (else the first).
    let compare_year = (0..years)
        .find(|&y| set_of[y * n_s] != set_of[y * n_s + 1])
        .unwrap_or(0);
    let (first_b, first_r) = (set_of[compare_year * n_s], set_of[compare_year * n_s + 1]);

    let run_chunk = |lo: usize, hi: usize| -> Acc {
        let mut acc = Acc {
            cells: vec![Cell::default(); years * n_s * n_cells],
            decile: [GroupAcc::default(); 10],
            scheme: vec![GroupAcc::default(); n_schemes],
            region: vec![GroupAcc::default(); n_regions],
        };
        let mut per_set = vec![Person::default(); sets.len()];
        for i in lo..hi {
            let r = usize::from(pop.region[i]);
            let sc = usize::from(pop.scheme[i]);
            let class = usize::from(pop.class[i]).saturating_sub(1).min(7);
            let wage = i64::from(pop.wage_fen[i]);
            let w = i64::from(pop.weight[i]);
            let age = i64::from(pop.age[i]);
            for (k, p) in sets.iter().enumerate() {
                per_set[k] = person(p, billing[sc], class, wage, avg[r], days);
            }
            let cell = (r * n_schemes + sc) * 8 + class;
            let lam = w * incidence[sc * 8 + class];
            for y in 0..years {
                if age + i64::try_from(y).unwrap_or(0) >= retirement {
                    break;
                }
                for s in 0..n_s {
                    let p = &per_set[set_of[y * n_s + s]];
                    let c = &mut acc.cells[(y * n_s + s) * n_cells + cell];
                    c.w += w;
                    c.base += p.base * w;
                    c.prem_unit += p.prem_unit * w;
                    c.prem_worker += p.prem_worker * w;
                    c.prem_city += p.prem_city * w;
                    c.lam += lam;
                    c.lam_bw += i128::from(lam) * i128::from(p.bw);
                }
            }
            let (pb, pr) = (&per_set[first_b], &per_set[first_r]);
            let (tb, tr) = (pb.prem_unit + pb.prem_worker, pr.prem_unit + pr.prem_worker);
            let g = GroupAcc {
                w,
                prem: [tb * w, tr * w],
                more: if tr > tb { w } else { 0 },
                less: if tr < tb { w } else { 0 },
                bw: [pb.bw * w, pr.bw * w],
            };
            let d = deciles
                .iter()
                .position(|&t| pop.wage_fen[i] < t)
                .unwrap_or(9);
            acc.decile[d].add(&g);
            acc.scheme[sc].add(&g);
            acc.region[r].add(&g);
        }
        acc
    };
    let threads = opts.threads.clamp(1, 64);
    let total_steps = (PASS_SLICES + years + 2 * usize::from(opts.replicates)) as u64;
    let mut done_steps = 0u64;
    let mut step = |part: &'static str| {
        done_steps += 1;
        progress(ProjectProgress {
            done: done_steps,
            total: total_steps,
            part,
        });
    };
    // The pass in slices of the records, each split over the threads; the
    // sums are integers, so the slices change no figure.
    let slice = pop.len().div_ceil(PASS_SLICES);
    let merge = |acc: &mut Acc, p: &Acc| {
        for (x, y) in acc.cells.iter_mut().zip(&p.cells) {
            x.add(y);
        }
        for (x, y) in acc.decile.iter_mut().zip(&p.decile) {
            x.add(y);
        }
        for (x, y) in acc.scheme.iter_mut().zip(&p.scheme) {
            x.add(y);
        }
        for (x, y) in acc.region.iter_mut().zip(&p.region) {
            x.add(y);
        }
    };
    let mut acc: Option<Acc> = None;
    for sl in 0..PASS_SLICES {
        let mut parts: Vec<Acc> = Vec::with_capacity(threads);
        let (from, to) = (
            (sl * slice).min(pop.len()),
            ((sl + 1) * slice).min(pop.len()),
        );
        let chunk = (to - from).div_ceil(threads);
        if threads == 1 || to - from < threads {
            parts.push(run_chunk(from, to));
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let (lo, hi) =
                            ((from + t * chunk).min(to), (from + (t + 1) * chunk).min(to));
                        let f = &run_chunk;
                        scope.spawn(move || f(lo, hi))
                    })
                    .collect();
                for h in handles {
                    parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                }
            });
        }
        for p in parts {
            match &mut acc {
                None => acc = Some(p),
                Some(a) => merge(a, &p),
            }
        }
        step("records");
    }
    let acc = acc.ok_or_else(|| SimError::new("threads", "no result"))?;

    // Per (year, scenario, cell): expected claims (×1e6), one-time cost,
    // death cost, new allowances a year; and the year's income and base.
    let g_wage = a.get("wage_growth");
    let g_enrol = a.get("enrolment_growth");
    let exit = a.get("allowance_exit");
    let survivors_exit = a.get("survivors_exit");
    #[derive(Clone, Copy)]
    struct PerClaim {
        m: i64,
        al: i64,
        sv: i64,
        lc: i64,
        death: i64,
    }
    struct CellYear {
        lam: i64,
        one_time: i64,
        death: i64,
        new_allow: i64,
        new_surv: i64,
        new_care: i64,
    }
    let mut cell_years: Vec<CellYear> = Vec::with_capacity(years * n_s * n_cells);
    let mut rows: Vec<Vec<YearRow>> = vec![Vec::new(); n_s];
    let mut totals: Vec<(i64, i64)> = vec![(0, 0); n_s];
    for y in 0..years {
        let yi = i64::try_from(y).unwrap_or(0);
        let gw = growth(g_wage, yi);
        let ge = growth(g_enrol, yi);
        let scale = |v: i128, f: i64| div(v * i128::from(f), 1_000_000);
        for s in 0..n_s {
            let p = &sets[set_of[y * n_s + s]];
            // Per claim of each scheme × class (its outcome mix): one-time
            // months and allowance (×12) as multiples of the benefit wage in
            // millionths; survivors' pensions a year (the mix per death held
            // at the cap of 100%) as millionths of the benefit wage; living
            // care a year as millionths of the regional average wage.
            let part = |share: i64, rate: i64| div(i128::from(share) * i128::from(rate), 1_000_000);
            let per_claim = |mix: &[i64; 11]| -> PerClaim {
                let m: i64 = (0..10).map(|g| mix[g] * p.one_time_months[g]).sum();
                let al: i64 = (0..4)
                    .map(|g| {
                        div(
                            i128::from(mix[g]) * i128::from(p.allowance_ppm[g]),
                            1_000_000,
                        ) * 12
                    })
                    .sum();
                let dependants = (part(a.get("survivors.spouse_share"), p.survivor_spouse_ppm)
                    + part(a.get("survivors.others_per_death"), p.survivor_other_ppm)
                    + part(a.get("survivors.extra_per_death"), p.survivor_extra_ppm))
                .min(1_000_000);
                let sv = part(mix[10], dependants) * 12;
                let lc: i64 = (0..4)
                    .map(|g| {
                        ["fully", "mostly", "partly"]
                            .iter()
                            .enumerate()
                            .map(|(l, level)| {
                                let share = a.get(&format!("living_care.grade_{}.{level}", g + 1));
                                part(mix[g], part(share, p.living_care_ppm[l]))
                            })
                            .sum::<i64>()
                    })
                    .sum::<i64>()
                    * 12;
                PerClaim {
                    m,
                    al,
                    sv,
                    lc,
                    death: mix[10],
                }
            };
            let per_claims: Vec<PerClaim> = mixes.iter().map(per_claim).collect();
            let mut row = YearRow {
                year: opts.start_year + i16::try_from(y).unwrap_or(0),
                insured: 0,
                wage_base: Money::ZERO,
                income_unit: Money::ZERO,
                income_worker: Money::ZERO,
                income_city: Money::ZERO,
                income: Money::ZERO,
                claims: 0,
                one_time_disability: Money::ZERO,
                allowances: Money::ZERO,
                death: Money::ZERO,
                survivors: Money::ZERO,
                living_care: Money::ZERO,
                in_payment_allowances: Money::ZERO,
                in_payment_living_care: Money::ZERO,
                in_payment_survivors: Money::ZERO,
                in_payment_beneficiaries: 0,
                expenditure: Money::ZERO,
                reserve: Money::ZERO,
                months_of_reserve: None,
                payg_cost_rate: String::new(),
            };
            let (
                mut base,
                mut unit,
                mut worker,
                mut city,
                mut lam_all,
                mut one,
                mut dth,
                mut new_allow,
            ) = (0i64, 0i64, 0i64, 0i64, 0i64, 0i64, 0i64, 0i64);
            let (mut new_surv, mut new_care) = (0i64, 0i64);
            let mut insured = 0i64;
            for ci in 0..n_cells {
                let c = &acc.cells[(y * n_s + s) * n_cells + ci];
                let region = ci / (n_schemes * 8);
                let PerClaim {
                    m,
                    al,
                    sv,
                    lc,
                    death: share_death,
                } = per_claims[ci % (n_schemes * 8)];
                insured += c.w;
                let both = div(i128::from(gw) * i128::from(ge), 1_000_000);
                base += scale(i128::from(c.base) * 12, both);
                unit += scale(i128::from(c.prem_unit), both);
                worker += scale(i128::from(c.prem_worker), ge);
                city += scale(i128::from(c.prem_city), ge);
                let lam = scale(i128::from(c.lam), ge);
                let lam_bw = c.lam_bw * i128::from(both) / 1_000_000;
                let one_time = div(lam_bw * i128::from(m), 1_000_000_000_000);
                let allow = div(lam_bw * i128::from(al), 1_000_000_000_000);
                let lump =
                    p.death_multiple * p.national_income_fen + p.funeral_months * avg[region];
                let death = div(
                    i128::from(lam)
                        * i128::from(share_death)
                        * i128::from(scale(i128::from(lump), gw)),
                    1_000_000_000_000,
                );
                let surv = div(lam_bw * i128::from(sv), 1_000_000_000_000);
                let care = div(
                    i128::from(lam)
                        * i128::from(lc)
                        * i128::from(scale(i128::from(avg[region]), gw)),
                    1_000_000_000_000,
                );
                lam_all += lam;
                one += one_time;
                dth += death;
                new_allow += allow;
                new_surv += surv;
                new_care += care;
                cell_years.push(CellYear {
                    lam,
                    one_time,
                    death,
                    new_allow: allow,
                    new_surv: surv,
                    new_care: care,
                });
            }
            row.insured = scale(i128::from(insured), ge);
            row.wage_base = Money::from_fen(base);
            row.income_unit = Money::from_fen(unit);
            row.income_worker = Money::from_fen(worker);
            row.income_city = Money::from_fen(city);
            row.income = Money::from_fen(unit + worker + city);
            row.claims = div(i128::from(lam_all), 1_000_000);
            row.one_time_disability = Money::from_fen(one);
            row.death = Money::from_fen(dth);
            // The new periodic benefits of the year: the stocks (earlier years
            // less exits, indexed, and half a year of the year's new ones)
            // are made in the second sweep.
            row.allowances = Money::from_fen(new_allow);
            row.survivors = Money::from_fen(new_surv);
            row.living_care = Money::from_fen(new_care);
            if let Some(ip) = &in_payment {
                let f = i128::from(index_factor[s][y]);
                let at = |item: PaidItem| {
                    Money::from_fen(div(i128::from(ip.paid[item.index()][y]) * f, 1_000_000))
                };
                row.in_payment_allowances = at(PaidItem::Allowance);
                row.in_payment_living_care = at(PaidItem::LivingCare);
                row.in_payment_survivors = at(PaidItem::Survivor);
                row.in_payment_beneficiaries = div(i128::from(ip.lives[y]), 1_000_000);
            }
            rows[s].push(row);
            totals[s].0 += base;
        }
        step("years");
    }
    // The stocks of new periodic benefits and the reserves per scenario (a
    // second sweep, now that the new awards of every year are known).
    let mut initial = opts.initial_reserve.map(Money::fen);
    for s in 0..n_s {
        // Allowances, survivors' pensions, living care of new claims.
        let mut stocks = [Stock::default(); 3];
        for y in 0..years {
            let f = index_factor[s][y];
            let prev_f = if y == 0 { f } else { index_factor[s][y - 1] };
            let r = &mut rows[s][y];
            let allow = stocks[0].year(r.allowances.fen(), exit, f, prev_f);
            let surv = stocks[1].year(r.survivors.fen(), survivors_exit, f, prev_f);
            let care = stocks[2].year(r.living_care.fen(), exit, f, prev_f);
            r.allowances = Money::from_fen(allow);
            r.survivors = Money::from_fen(surv);
            r.living_care = Money::from_fen(care);
            let exp = r.one_time_disability.fen()
                + allow
                + r.death.fen()
                + surv
                + care
                + r.in_payment_allowances.fen()
                + r.in_payment_living_care.fen()
                + r.in_payment_survivors.fen();
            r.expenditure = Money::from_fen(exp);
            totals[s].1 += exp;
            r.payg_cost_rate = percent_text(div(
                i128::from(exp) * 1_000_000,
                i128::from(r.wage_base.fen()),
            ));
        }
        if s == 0 && initial.is_none() {
            let months = a.get("initial_reserve_months");
            initial = Some(div(
                i128::from(rows[0][0].expenditure.fen()) * i128::from(months),
                12,
            ));
        }
        let mut reserve = initial.unwrap_or(0);
        for r in rows[s].iter_mut() {
            reserve += r.income.fen() - r.expenditure.fen();
            r.reserve = Money::from_fen(reserve);
            r.months_of_reserve = months_text(reserve, r.expenditure.fen());
        }
    }
    let initial = initial.unwrap_or(0);

    // Replicates: claim counts per cell around the expectation, scaled.
    let noise = a.get("claim_noise");
    let k = usize::from(opts.replicates);
    let mut bands: Vec<Vec<Band>> = vec![Vec::new(); 2];
    if k > 0 {
        for (s, out) in bands.iter_mut().enumerate() {
            let mut exp_rep = vec![vec![0i64; k]; years];
            let mut res_rep = vec![vec![0i64; k]; years];
            for rep in 0..k {
                let mut reserve = initial;
                let mut stocks = [Stock::default(); 3];
                // The share of the expected beneficiaries in payment alive.
                let mut alive_ratio: i64 = 1_000_000;
                for y in 0..years {
                    let mut g = SplitMix64::new(stream(opts.seed, &[rep as u64, y as u64]));
                    let common =
                        1_000_000 + div(i128::from(noise) * i128::from(g.normal_milli()), 1000);
                    let (mut one, mut dth, mut new) = (0i64, 0i64, 0i64);
                    let (mut new_surv, mut new_care) = (0i64, 0i64);
                    for ci in 0..n_cells {
                        let c = &cell_years[(y * n_s + s) * n_cells + ci];
                        if c.lam == 0 {
                            continue;
                        }
                        let mut gc = SplitMix64::new(stream(
                            opts.seed,
                            &[rep as u64, y as u64, ci as u64 + 1],
                        ));
                        // λ in millionths: sd = sqrt(λ) claims = isqrt(λ·1e6) millionths.
                        let sd = isqrt(c.lam.saturating_mul(1_000_000).min(i64::MAX / 2));
                        let drawn = (div(i128::from(c.lam) * i128::from(common), 1_000_000)
                            + div(i128::from(sd) * i128::from(gc.normal_milli()), 1000))
                        .max(0);
                        let ratio =
                            |v: i64| div(i128::from(v) * i128::from(drawn), i128::from(c.lam));
                        one += ratio(c.one_time);
                        dth += ratio(c.death);
                        new += ratio(c.new_allow);
                        new_surv += ratio(c.new_surv);
                        new_care += ratio(c.new_care);
                    }
                    let f = index_factor[s][y];
                    let prev_f = if y == 0 { f } else { index_factor[s][y - 1] };
                    let mut exp = one
                        + dth
                        + stocks[0].year(new, exit, f, prev_f)
                        + stocks[1].year(new_surv, survivors_exit, f, prev_f)
                        + stocks[2].year(new_care, exit, f, prev_f);
                    if let Some(ip) = &in_payment {
                        let row = &rows[s][y];
                        let expected = row.in_payment_allowances.fen()
                            + row.in_payment_living_care.fen()
                            + row.in_payment_survivors.fen();
                        let mut g =
                            SplitMix64::new(stream(opts.seed, &[rep as u64, y as u64, u64::MAX]));
                        let (paid, next) =
                            draw_in_payment(ip, y, alive_ratio, expected, g.normal_milli());
                        exp += paid;
                        alive_ratio = next;
                    }
                    reserve += rows[s][y].income.fen() - exp;
                    exp_rep[y][rep] = exp;
                    res_rep[y][rep] = reserve;
                }
                step("replicates");
            }
            for y in 0..years {
                exp_rep[y].sort_unstable();
                res_rep[y].sort_unstable();
                let pick = |v: &[i64], p: usize| Money::from_fen(v[(v.len() - 1) * p / 100]);
                out.push(Band {
                    year: rows[s][y].year,
                    expenditure: [
                        pick(&exp_rep[y], 10),
                        pick(&exp_rep[y], 50),
                        pick(&exp_rep[y], 90),
                    ],
                    reserve: [
                        pick(&res_rep[y], 10),
                        pick(&res_rep[y], 50),
                        pick(&res_rep[y], 90),
                    ],
                });
            }
        }
    }

    let sum = |s: usize, f: &dyn Fn(&YearRow) -> i64| rows[s].iter().map(f).sum::<i64>();
    let effect = |s: usize, name: String, from: String, value: String| Attribution {
        provision: name,
        from,
        value,
        income: Money::from_fen(sum(s, &|r| r.income.fen()) - sum(0, &|r| r.income.fen())),
        expenditure: Money::from_fen(
            sum(s, &|r| r.expenditure.fen()) - sum(0, &|r| r.expenditure.fen()),
        ),
        reserve_end: Money::from_fen(
            rows[s].last().map_or(0, |r| r.reserve.fen())
                - rows[0].last().map_or(0, |r| r.reserve.fen()),
        ),
    };
    let mut attribution = Vec::new();
    let mut interaction = None;
    if reform.overrides.len() == 1 {
        let o = &reform.overrides[0];
        attribution.push(effect(1, o.key.clone(), o.from.to_string(), o.value.text()));
    } else if n_s > 2 {
        for (i, o) in reform.overrides.iter().enumerate() {
            attribution.push(effect(
                2 + i,
                o.key.clone(),
                o.from.to_string(),
                o.value.text(),
            ));
        }
        let total = effect(1, String::new(), String::new(), String::new());
        let f =
            |g: &dyn Fn(&Attribution) -> i64| g(&total) - attribution.iter().map(g).sum::<i64>();
        interaction = Some(Attribution {
            provision: "interaction".into(),
            from: String::new(),
            value: String::new(),
            income: Money::from_fen(f(&|x| x.income.fen())),
            expenditure: Money::from_fen(f(&|x| x.expenditure.fen())),
            reserve_end: Money::from_fen(f(&|x| x.reserve_end.fen())),
        });
    }

    let group = |name: String, g: &GroupAcc| Group {
        group: name,
        insured: g.w,
        premium_baseline: Money::from_fen(div(i128::from(g.prem[0]), i128::from(g.w))),
        premium_reform: Money::from_fen(div(i128::from(g.prem[1]), i128::from(g.w))),
        paying_more: g.more,
        paying_less: g.less,
        benefit_wage_baseline: Money::from_fen(div(i128::from(g.bw[0]), i128::from(g.w))),
        benefit_wage_reform: Money::from_fen(div(i128::from(g.bw[1]), i128::from(g.w))),
    };
    let by_decile = acc
        .decile
        .iter()
        .enumerate()
        .map(|(d, g)| group(format!("D{}", d + 1), g))
        .collect();
    let by_scheme = acc
        .scheme
        .iter()
        .zip(&pop.schemes)
        .map(|(g, s)| group(s.id.clone(), g))
        .collect();
    let by_region = acc
        .region
        .iter()
        .zip(&pop.regions)
        .map(|(g, r)| group(r.code.clone(), g))
        .collect();

    let samples = (0..pop.len().min(3))
        .map(|i| {
            let r = usize::from(pop.region[i]);
            let sc = usize::from(pop.scheme[i]);
            let class = usize::from(pop.class[i]).saturating_sub(1).min(7);
            let wage = i64::from(pop.wage_fen[i]);
            let pb = person(&sets[first_b], billing[sc], class, wage, avg[r], days);
            let pr = person(&sets[first_r], billing[sc], class, wage, avg[r], days);
            let (b, rf) = (&sets[first_b], &sets[first_r]);
            let explanation = match billing[sc] {
                SchemeBilling::MonthlyWage => format!(
                    "base = wage {} held within {}–{} of the average {}; premium = base × 12 × class {} rate {} (reform: band {}–{}, rate {})",
                    Money::from_fen(wage), percent_text(b.floor_ppm), percent_text(b.ceiling_ppm), Money::from_fen(avg[r]),
                    class + 1, percent_text(b.rate_ppm[class]), percent_text(rf.floor_ppm), percent_text(rf.ceiling_ppm), percent_text(rf.rate_ppm[class])
                ),
                SchemeBilling::PerDay => format!(
                    "premium = {days} days × {} a day, the city paying {} of it (reform: {} a day, {})",
                    Money::from_fen(b.yilubao_price_fen), percent_text(b.yilubao_subsidy_ppm),
                    Money::from_fen(rf.yilubao_price_fen), percent_text(rf.yilubao_subsidy_ppm)
                ),
            };
            Sample {
                record: i,
                region: pop.regions[r].code.clone(),
                scheme: pop.schemes[sc].id.clone(),
                class: u8::try_from(class + 1).unwrap_or(1),
                wage: Money::from_fen(wage),
                regional_average: Money::from_fen(avg[r]),
                base_baseline: Money::from_fen(pb.base),
                premium_baseline: Money::from_fen(pb.prem_unit + pb.prem_worker + pb.prem_city),
                base_reform: Money::from_fen(pr.base),
                premium_reform: Money::from_fen(pr.prem_unit + pr.prem_worker + pr.prem_city),
                explanation,
            }
        })
        .collect();

    let run = |s: usize| ScenarioRun {
        name: scenarios[s].0.clone(),
        break_even_rate: percent_text(div(
            i128::from(totals[s].1) * 1_000_000,
            i128::from(totals[s].0),
        )),
        years: rows[s].clone(),
    };
    let mut bands = bands.into_iter();
    Ok(Projection {
        reform: reform.name.clone(),
        start_year: opts.start_year,
        records: pop.len(),
        insured: pop.insured(),
        benefits_in_payment: pop.benefits_in_payment(),
        life_tables,
        incidence_by_grade: reform.incidence.clone(),
        baseline: run(0),
        reformed: run(1),
        attribution,
        interaction,
        bands_baseline: bands.next().unwrap_or_default(),
        bands_reform: bands.next().unwrap_or_default(),
        by_decile,
        by_scheme,
        by_region,
        assumptions: reform.assumptions.items.values().cloned().collect(),
        overrides: reform
            .overrides
            .iter()
            .map(|o| {
                format!(
                    "{} = {} from {} ({})",
                    o.key,
                    o.value.text(),
                    o.from,
                    o.note
                )
            })
            .collect(),
        samples,
    })
}

/// A stock of periodic benefits of new claims: what was awarded in earlier
/// years, less those that ended, adjusted by the indexation.
#[derive(Clone, Copy, Default)]
struct Stock(i64);

impl Stock {
    /// The year's payments: the stock kept (less `exit`, times this year's
    /// indexation factor over last year's) and half a year of `new` (a
    /// year's worth of the awards of the year).
    fn year(&mut self, new: i64, exit: i64, f: i64, prev_f: i64) -> i64 {
        let kept = div(
            i128::from(div(
                i128::from(self.0) * i128::from(1_000_000 - exit),
                1_000_000,
            )) * i128::from(f),
            i128::from(prev_f),
        );
        self.0 = kept + new;
        kept + new / 2
    }
}

/// One replicate's year of the benefits in payment: the deaths drawn around
/// their expectation (given the share `alive_ratio` of the expected
/// beneficiaries still alive) by the Poisson standard deviation times `z`
/// (thousandths), the year's payments (`expected` scaled by the share
/// paid), and the share alive at the next year's start.
fn draw_in_payment(
    ip: &InPaymentYears,
    y: usize,
    alive_ratio: i64,
    expected: i64,
    z: i64,
) -> (i64, i64) {
    let (lives, deaths) = (ip.lives[y], ip.deaths[y]);
    if lives == 0 {
        return (0, 0);
    }
    let alive = div(i128::from(lives) * i128::from(alive_ratio), 1_000_000);
    let mean = div(i128::from(deaths) * i128::from(alive_ratio), 1_000_000);
    // Deaths in millionths: sd = sqrt(mean) deaths = isqrt(mean · 10^6) millionths.
    let sd = isqrt(mean.saturating_mul(1_000_000).min(i64::MAX / 2));
    let drawn = (mean + div(i128::from(sd) * i128::from(z), 1000)).clamp(0, alive);
    let paid_ratio = div(
        i128::from(alive - drawn / 2) * 1_000_000,
        i128::from(lives - deaths / 2),
    );
    let paid = div(i128::from(expected) * i128::from(paid_ratio), 1_000_000);
    let next_lives = ip.lives.get(y + 1).copied().unwrap_or(0);
    let next = if next_lives > 0 {
        let kept = div(
            i128::from(next_lives + deaths) * i128::from(alive_ratio),
            1_000_000,
        ) - drawn;
        div(i128::from(kept.max(0)) * 1_000_000, i128::from(next_lives))
    } else {
        0
    };
    (paid, next)
}

/// `reserve` in months of `expenditure` a year, to the nearest tenth.
pub fn months_text(reserve: i64, expenditure: i64) -> Option<String> {
    if expenditure <= 0 {
        return None;
    }
    let tenths = div(i128::from(reserve) * 120, i128::from(expenditure));
    let sign = if tenths < 0 { "-" } else { "" };
    Some(format!(
        "{sign}{}.{}",
        (tenths / 10).abs(),
        (tenths % 10).abs()
    ))
}

/// The records' insured by region code (for reports).
pub fn insured_by_region(pop: &Population) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for (i, &r) in pop.region.iter().enumerate() {
        *m.entry(pop.regions[usize::from(r)].code.clone())
            .or_insert(0) += u64::from(pop.weight[i]);
    }
    m
}
