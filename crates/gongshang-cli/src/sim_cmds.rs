//! `gongshang simulate` and `gongshang synth population` (issue 14): the
//! fund projected under the baseline and a reform, over a synthetic
//! population in memory or one read from a file, with the phases timed.

// Floating point only to print durations; no money is computed with it.
#![allow(clippy::float_arithmetic)]

use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use gongshang_app::export::{csv, xlsx};
use gongshang_rules::{Money, PolicySet};
use gongshang_sim::population::{RegionInfo, SchemeInfo};
use gongshang_sim::project::ScenarioRun;
use gongshang_sim::{Options, Population, Reform, SchemeBilling, project_with_progress};
use jiff::civil::date;

use crate::CliError;

/// `gongshang simulate [ARGS]`, or its saved scenarios and jobs.
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SimulateCmd {
    #[command(subcommand)]
    pub what: Option<SimulateWhat>,
    #[command(flatten)]
    pub args: SimulateArgs,
}

#[derive(clap::Subcommand)]
pub enum SimulateWhat {
    /// Saved reform scenarios in a database: save, list, show, archive
    Scenario {
        #[command(subcommand)]
        command: crate::scenario_cmds::ScenarioCmd,
    },
    /// Simulation jobs in a database: start (and --wait), list, show
    Job {
        #[command(subcommand)]
        command: crate::scenario_cmds::JobCmd,
    },
    /// Claims incurred but not reported, per scheme, by the chain ladder on the stored cases' reporting delay
    Ibnr(IbnrArgs),
}

#[derive(clap::Args)]
pub struct IbnrArgs {
    /// The database
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// The valuation day: the triangle ends with the quarter before this day's [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<jiff::civil::Date>,
    /// Who runs it (an account's login, or a local administrator's name) [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Print the estimates as JSON
    #[arg(long)]
    pub json: bool,
}

/// `gongshang simulate ibnr`: each scheme's triangle, factors and IBNR by
/// accident quarter (`App::claims_ibnr`).
pub fn ibnr(args: &IbnrArgs) -> Result<(), CliError> {
    let app = crate::db::open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, args.actor.as_deref())?;
    let on = args.on.unwrap_or_else(|| app.today());
    let estimates = app.claims_ibnr(&actor, on)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&estimates)?);
        return Ok(());
    }
    if estimates.is_empty() {
        println!("no case with an accident in the three years before {on}'s quarter");
    }
    for e in &estimates {
        print_ibnr(e);
    }
    Ok(())
}

fn print_ibnr(e: &gongshang_sim::ibnr::IbnrEstimate) {
    use gongshang_sim::ibnr::claims_text;
    println!(
        "scheme {}: {} cases reported, IBNR {} claims, valued at {} ({})",
        e.scheme,
        e.reported,
        claims_text(e.ibnr_milli),
        e.valued_at,
        e.method
    );
    if e.not_counted > 0 {
        println!(
            "  {} case(s) not in the triangle (filed after the valuation)",
            e.not_counted
        );
    }
    println!(
        "  age-to-age factors: {}",
        e.factors
            .iter()
            .map(|f| format!(
                "{}→{} {}/{} = {}",
                f.from_quarter,
                f.from_quarter + 1,
                f.numerator,
                f.denominator,
                ppm_decimal(f.factor_ppm)
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    println!(
        "  {:<8} {:>8} {:>12} {:>10} {:>8}  triangle (cumulative by development quarter)",
        "quarter", "reported", "to ultimate", "ultimate", "IBNR"
    );
    for (r, row) in e.rows.iter().zip(&e.triangle) {
        println!(
            "  {:<8} {:>8} {:>12} {:>10} {:>8}  {}",
            r.quarter,
            r.reported,
            ppm_decimal(r.to_ultimate_ppm),
            claims_text(r.ultimate_milli),
            claims_text(r.ibnr_milli),
            row.iter()
                .map_while(|c| c.map(|n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

/// Parts per million as a decimal with six places (`1.166667`).
fn ppm_decimal(ppm: i64) -> String {
    format!("{}.{:06}", ppm / 1_000_000, ppm % 1_000_000)
}

#[derive(clap::Args)]
pub struct SimulateArgs {
    /// The reform: a TOML file of dated overrides and assumptions [default: none, the baseline against itself]
    #[arg(long, value_name = "FILE")]
    pub reform: Option<PathBuf>,
    /// A population written by `gongshang synth population`
    #[arg(long, value_name = "FILE", conflicts_with_all = ["people", "db"])]
    pub population: Option<PathBuf>,
    /// The insured as stored in this database: the enrolments running on `--on`
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// With --db: the day the insured are counted on [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", requires = "db")]
    pub on: Option<jiff::civil::Date>,
    /// With --db: the industry class (1-8) to count enrolments without a unit in [default: leave them out]
    #[arg(long, value_name = "CLASS", requires = "db")]
    pub unitless_class: Option<u8>,
    /// With --db: who runs it (an account's login, or a local administrator's name) [default: $USER]
    #[arg(long, value_name = "NAME", requires = "db")]
    pub actor: Option<String>,
    /// A synthetic population of this many people, made in memory
    #[arg(long, default_value_t = 100_000)]
    pub people: u64,
    /// The seed of the synthetic population and of the replicates
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 10)]
    pub years: u16,
    #[arg(long, default_value_t = 2026)]
    pub start: i16,
    /// Replicates for the P10/P50/P90 bands (0: none)
    #[arg(long, default_value_t = 0)]
    pub replicates: u16,
    /// Threads [default: the machine's cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Skip the runs of each override alone
    #[arg(long)]
    pub no_attribution: bool,
    /// Write PREFIX.csv, PREFIX.json and PREFIX.xlsx
    #[arg(long, value_name = "PREFIX")]
    pub out: Option<PathBuf>,
    /// Print the whole projection as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct SynthPopulationArgs {
    #[arg(long, default_value_t = 100_000)]
    pub people: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 2026)]
    pub start: i16,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

const HEADER: &str = "region,jurisdiction,regional_avg_wage,scheme,billing,class,age,wage,weight";

/// The header of the file's optional second section, after the insured: the
/// periodic benefits in payment at the start, one a line. `item` is
/// `allowance`, `living_care` or `survivor`; `age` the beneficiary's whole
/// years on the first day projected (empty: not recorded, the assumed
/// `in_payment.survivor_age` on the female table); `sex` `male` or
/// `female`; `monthly` the amount a month in yuan; `stops_at_age` the age
/// at which it stops (a child's pension: 18; empty: for life).
const IN_PAYMENT_HEADER: &str =
    "region,jurisdiction,regional_avg_wage,scheme,billing,item,age,sex,monthly,stops_at_age,weight";

pub fn synth_population(args: &SynthPopulationArgs) -> Result<(), CliError> {
    let policy = PolicySet::embedded()?;
    let t = Instant::now();
    let pop = Population::synthetic(&policy, args.people, args.seed, date(args.start, 1, 1))?;
    let mut w = BufWriter::new(std::fs::File::create(&args.out)?);
    writeln!(w, "{HEADER}")?;
    for i in 0..pop.len() {
        let r = &pop.regions[usize::from(pop.region[i])];
        let s = &pop.schemes[usize::from(pop.scheme[i])];
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{}",
            r.code,
            r.jurisdiction,
            r.avg_wage,
            s.id,
            match s.billing {
                SchemeBilling::MonthlyWage => "monthly_wage",
                SchemeBilling::PerDay => "per_day",
            },
            pop.class[i],
            pop.age[i],
            Money::from_fen(i64::from(pop.wage_fen[i])),
            pop.weight[i]
        )?;
    }
    w.flush()?;
    eprintln!(
        "{} people written to {} in {:.2} s",
        pop.len(),
        args.out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reads the file `synth population` writes (its own columns, one record a
/// line; a line that does not read is refused with its number), and the
/// optional section of benefits in payment that follows a line holding
/// [`IN_PAYMENT_HEADER`].
fn read_population(path: &PathBuf) -> Result<Population, CliError> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut pop = Population::default();
    let mut in_payment = false;
    for (n, line) in f.lines().enumerate() {
        let line = line?;
        if line == IN_PAYMENT_HEADER {
            in_payment = true;
            continue;
        }
        if in_payment {
            read_in_payment(&mut pop, &line, path, n + 1)?;
            continue;
        }
        if n == 0 {
            if line.trim_start_matches('\u{feff}') != HEADER {
                return Err(CliError(format!(
                    "{}: the header must be {HEADER}",
                    path.display()
                )));
            }
            continue;
        }
        let bad = |what: &str| CliError(format!("{} line {}: {what}", path.display(), n + 1));
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 9 {
            return Err(bad("9 fields expected"));
        }
        let money = |t: &str| Money::parse_yuan(t).map_err(|e| bad(&e.to_string()));
        let r = pop.region_index(RegionInfo {
            code: f[0].into(),
            jurisdiction: f[1].into(),
            avg_wage: money(f[2])?,
        })?;
        let billing = match f[4] {
            "monthly_wage" => SchemeBilling::MonthlyWage,
            "per_day" => SchemeBilling::PerDay,
            _ => return Err(bad("billing: monthly_wage or per_day")),
        };
        let s = pop.scheme_index(SchemeInfo {
            id: f[3].into(),
            billing,
        })?;
        let num = |t: &str, what: &str| t.parse::<u16>().map_err(|_| bad(what));
        pop.push(
            r,
            s,
            u8::try_from(num(f[5], "class")?).map_err(|_| bad("class"))?,
            u8::try_from(num(f[6], "age")?).map_err(|_| bad("age"))?,
            money(f[7])?,
            num(f[8], "weight")?,
        )?;
    }
    Ok(pop)
}

/// One line of the section of benefits in payment.
fn read_in_payment(
    pop: &mut Population,
    line: &str,
    path: &std::path::Path,
    n: usize,
) -> Result<(), CliError> {
    use gongshang_sim::population::{InPayment, PaidItem};
    let bad = |what: &str| CliError(format!("{} line {n}: {what}", path.display()));
    let f: Vec<&str> = line.split(',').collect();
    if f.len() != 11 {
        return Err(bad(
            "11 fields expected in the section of benefits in payment",
        ));
    }
    let money = |t: &str| Money::parse_yuan(t).map_err(|e| bad(&e.to_string()));
    let r = pop.region_index(RegionInfo {
        code: f[0].into(),
        jurisdiction: f[1].into(),
        avg_wage: money(f[2])?,
    })?;
    let billing = match f[4] {
        "monthly_wage" => SchemeBilling::MonthlyWage,
        "per_day" => SchemeBilling::PerDay,
        _ => return Err(bad("billing: monthly_wage or per_day")),
    };
    let s = pop.scheme_index(SchemeInfo {
        id: f[3].into(),
        billing,
    })?;
    let item =
        PaidItem::parse(f[5]).ok_or_else(|| bad("item: allowance, living_care or survivor"))?;
    let age = |t: &str, what: &str| -> Result<Option<u8>, CliError> {
        match t.trim() {
            "" => Ok(None),
            t => t.parse::<u8>().map(Some).map_err(|_| bad(what)),
        }
    };
    let female = match f[7] {
        "female" => true,
        "male" => false,
        _ => return Err(bad("sex: male or female")),
    };
    pop.push_in_payment(InPayment {
        region: r,
        scheme: s,
        item,
        age: age(f[6], "age: 0 to 120, or empty")?,
        female,
        monthly: money(f[8])?,
        stops_at_age: age(f[9], "stops_at_age: a whole number, or empty")?,
        weight: f[10].parse::<u16>().map_err(|_| bad("weight"))?,
    })?;
    Ok(())
}

/// Expenditure by item, a year a line (baseline; the reform's after an
/// arrow where it differs).
fn print_items(b: &ScenarioRun, r: &ScenarioRun) {
    use gongshang_app::simulation::{EXPENDITURE_ITEMS, expenditure_item};
    println!("expenditure by item (baseline → reform where it differs):");
    for (x, y) in b.years.iter().zip(&r.years) {
        let parts: Vec<String> = EXPENDITURE_ITEMS
            .iter()
            .map(|(column, _, _)| {
                let (v, w) = (expenditure_item(x, column), expenditure_item(y, column));
                if v == w {
                    format!("{column} {v}")
                } else {
                    format!("{column} {v} → {w}")
                }
            })
            .collect();
        println!("  {} {}", x.year, parts.join(", "));
    }
}

fn print_side_by_side(b: &ScenarioRun, r: &ScenarioRun) {
    println!(
        "{:<6} {:>16} {:>16} {:>16} {:>16} {:>18} {:>18} {:>7} {:>7} {:>7} {:>7}",
        "year",
        "income",
        "income (r)",
        "expend.",
        "expend. (r)",
        "reserve",
        "reserve (r)",
        "months",
        "(r)",
        "payg",
        "(r)"
    );
    for (x, y) in b.years.iter().zip(&r.years) {
        println!(
            "{:<6} {:>16} {:>16} {:>16} {:>16} {:>18} {:>18} {:>7} {:>7} {:>7} {:>7}",
            x.year,
            x.income.to_string(),
            y.income.to_string(),
            x.expenditure.to_string(),
            y.expenditure.to_string(),
            x.reserve.to_string(),
            y.reserve.to_string(),
            x.months_of_reserve.as_deref().unwrap_or("-"),
            y.months_of_reserve.as_deref().unwrap_or("-"),
            x.payg_cost_rate,
            y.payg_cost_rate,
        );
    }
    println!(
        "break-even rate over the horizon: baseline {}, reform {}",
        b.break_even_rate, r.break_even_rate
    );
}

/// The insured as stored, through the app (its permission table and the
/// reasons a record is left out); the counts left out are printed.
/// The reform's assumptions then follow the stored cases as far as they are
/// credible (`App::stored_experience`).
fn stored_population(
    args: &SimulateArgs,
    url: &str,
    reform: &mut Reform,
) -> Result<Population, CliError> {
    let app = crate::db::open_app(Some(url))?;
    let actor = crate::db::cli_actor(&app, args.actor.as_deref())?;
    let on = args.on.unwrap_or_else(|| app.today());
    let (pop, summary) = app.stored_population(&actor, on, args.unitless_class)?;
    for (why, n) in &summary.left_out {
        eprintln!(
            "  left out: {n} enrolment(s): {}",
            why.text(gongshang_app::Lang::En)
        );
    }
    for (why, n) in &summary.benefits_left_out {
        eprintln!(
            "  left out: {n} benefit(s) in payment: {}",
            why.text(gongshang_app::Lang::En)
        );
    }
    if summary.survivors_at_assumed_age > 0 {
        eprintln!(
            "  {} survivor's pension(s) in payment without a recorded birth date: projected at the assumed in_payment.survivor_age",
            summary.survivors_at_assumed_age
        );
    }
    if pop.is_empty() {
        return Err(CliError(format!(
            "--db: no enrolment that can be projected runs on {on}"
        )));
    }
    app.stored_experience(&actor, on, reform)?;
    for a in reform.assumptions.items.values() {
        if a.label.starts_with("estimated from the stored cases") {
            eprintln!(
                "  {} = {}: {}",
                a.key,
                gongshang_sim::percent_text(a.value_ppm),
                a.label
            );
        }
    }
    if let Some(t) = &reform.incidence {
        print_incidence_by_grade(t, &pop);
    }
    for e in app.claims_ibnr(&actor, on)? {
        eprintln!(
            "  IBNR {}: {} claims on {} reported ({})",
            e.scheme,
            gongshang_sim::ibnr::claims_text(e.ibnr_milli),
            e.reported,
            e.valued_at
        );
    }
    Ok(pop)
}

/// Each projected scheme × class's incidence and grade mix as estimated by
/// grade from the stored cases (`experience::IncidenceByGrade`).
fn print_incidence_by_grade(t: &gongshang_sim::experience::IncidenceByGrade, pop: &Population) {
    eprintln!("  incidence by grade, accidents {} ({})", t.window, t.rule);
    for why in &t.not_estimated {
        eprintln!("    left to the assumptions: {why}");
    }
    for scheme in &pop.schemes {
        for class in 1..=8u8 {
            let Some((incidence, mix)) = t.rates(&scheme.id, class) else {
                continue;
            };
            let claims: u64 = t
                .cells
                .iter()
                .filter(|c| c.scheme == scheme.id && c.class == class)
                .map(|c| c.claims)
                .sum();
            eprintln!(
                "    {} class {class}: {} a year ({claims} claims); {}",
                scheme.id,
                gongshang_sim::percent_text(incidence),
                mix.iter()
                    .enumerate()
                    .map(|(k, m)| format!(
                        "{} {}",
                        gongshang_sim::experience::outcome_name(k),
                        gongshang_sim::percent_text(*m)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
}

/// A bar of 20 cells for a percentage.
fn progress_bar(percent: u64) -> String {
    let full = usize::try_from(percent.min(100) / 5).unwrap_or(20);
    format!("[{}{}]", "#".repeat(full), ".".repeat(20 - full))
}

pub fn simulate(args: &SimulateArgs) -> Result<(), CliError> {
    let policy = PolicySet::embedded()?;
    let mut reform = match &args.reform {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
            Reform::parse(&text, &policy)
                .map_err(|e| CliError(format!("{}: {e}", path.display())))?
        }
        None => Reform::none(),
    };
    let t0 = Instant::now();
    eprint!("[1/3] population ... ");
    let pop = match (&args.population, &args.db) {
        (Some(path), _) => read_population(path)?,
        (None, Some(url)) => stored_population(args, url, &mut reform)?,
        (None, None) => {
            Population::synthetic(&policy, args.people, args.seed, date(args.start, 1, 1))?
        }
    };
    let t_pop = t0.elapsed();
    eprintln!(
        "{} records, {} insured, {} benefits in payment, {:.2} s",
        pop.len(),
        pop.insured(),
        pop.benefits_in_payment(),
        t_pop.as_secs_f64()
    );
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let heading = format!(
        "[2/3] projection: {} years, baseline and reform, {} replicates, {threads} threads ... ",
        args.years, args.replicates
    );
    eprint!("{heading}");
    let t1 = Instant::now();
    // The bar advances per slice of the records, year and replicate, drawn
    // again in place on a terminal when the percentage grows.
    let terminal = std::io::stderr().is_terminal();
    let mut shown = 0u64;
    let p = project_with_progress(
        &pop,
        &policy,
        &reform,
        &Options {
            start_year: args.start,
            years: args.years,
            replicates: args.replicates,
            seed: args.seed,
            threads,
            initial_reserve: None,
            attribution: !args.no_attribution,
        },
        &mut |step| {
            let percent = step.percent();
            if terminal && percent > shown {
                shown = percent;
                eprint!(
                    "\r{heading}{} {percent:>3}% ({} {}/{})",
                    progress_bar(percent),
                    step.part,
                    step.done,
                    step.total
                );
            }
        },
    )?;
    let t_proj = t1.elapsed();
    if terminal {
        eprint!("\r{heading}{} 100% ", progress_bar(100));
    }
    eprintln!("{:.2} s", t_proj.as_secs_f64());
    eprintln!("[3/3] output");
    if args.json {
        println!("{}", serde_json::to_string_pretty(&p)?);
    } else {
        println!(
            "reform: {} ({} records, {} insured, from {})",
            p.reform, p.records, p.insured, p.start_year
        );
        for o in &p.overrides {
            println!("  override {o}");
        }
        print_side_by_side(&p.baseline, &p.reformed);
        print_items(&p.baseline, &p.reformed);
        if p.benefits_in_payment > 0 {
            println!(
                "benefits in payment at the start: {}, ended by the life tables {}",
                p.benefits_in_payment,
                p.life_tables.join("; ")
            );
        }
        if !p.attribution.is_empty() {
            println!(
                "difference over the horizon by provision (income, expenditure, fund at the end):"
            );
            for a in p.attribution.iter().chain(p.interaction.iter()) {
                println!(
                    "  {:<44} {:>16} {:>16} {:>18}",
                    a.provision,
                    a.income.to_string(),
                    a.expenditure.to_string(),
                    a.reserve_end.to_string()
                );
            }
        }
        println!(
            "premiums a year per insured by wage decile (baseline → reform; paying more / less):"
        );
        for g in &p.by_decile {
            println!(
                "  {:<4} {:>12} → {:>12}  {:>10} / {:>10}",
                g.group,
                g.premium_baseline.to_string(),
                g.premium_reform.to_string(),
                g.paying_more,
                g.paying_less
            );
        }
    }
    if let Some(prefix) = &args.out {
        let table = gongshang_app::simulation::years_table(&p);
        let with = |ext: &str| {
            let mut s = prefix.clone().into_os_string();
            s.push(ext);
            PathBuf::from(s)
        };
        std::fs::write(with(".csv"), csv(&table))?;
        std::fs::write(with(".xlsx"), xlsx(&table))?;
        std::fs::write(with(".json"), serde_json::to_vec_pretty(&p)?)?;
        eprintln!("wrote {}.csv, .xlsx, .json", prefix.display());
    }
    eprintln!(
        "timing: population {:.2} s, projection {:.2} s, total {:.2} s",
        t_pop.as_secs_f64(),
        t_proj.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
