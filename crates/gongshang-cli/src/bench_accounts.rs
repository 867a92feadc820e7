//! `gongshang bench accounts --units N [--db URL ...]` (issue 14): fills an
//! empty database with a year of the fund's accounts (N units of 20
//! insured; 50,000 units: 1,000,000 insured, 2.4 million postings) and
//! times the income-expenditure statement of the year as the app answers
//! it (from the monthly summary), the twelve months of the page's chart,
//! and the same flows recomputed from the ledger (what every statement
//! did before the summary). Prints figures; asserts nothing, except that
//! the summary and the ledger agree.

// Floating point only to print durations; no money is computed here.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use gongshang_app::fund::StatementPeriod;

use crate::CliError;

#[derive(clap::Args)]
pub struct BenchAccountsArgs {
    /// Units of 20 insured each (50,000: 1,000,000 insured)
    #[arg(long, default_value_t = 50_000)]
    pub units: u32,
    /// Periodic benefits paid every month by the payroll
    #[arg(long, default_value_t = 2_000)]
    pub cases: u32,
    /// How many timed runs of each read
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
    /// A PostgreSQL URL (an empty schema), a SQLite path, or `sqlite` (a
    /// fresh file); give it more than once to measure each and print them
    /// side by side [default: a fresh SQLite file in a temporary folder]
    #[arg(long, value_name = "URL")]
    pub db: Vec<String>,
}

pub fn run(args: &BenchAccountsArgs) -> Result<(), CliError> {
    if args.runs == 0 {
        return Err(CliError("--runs must be at least 1".into()));
    }
    let dir = std::env::temp_dir().join(format!("gongshang-bench-accounts-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;
    let mut all = Vec::new();
    let mut result = Ok(());
    for (kind, url) in crate::bench_compare::databases(&args.db, &dir) {
        let mut figures = crate::bench_compare::Figures::new(kind);
        result = measure(args, &url, &mut figures);
        all.push(figures);
        if result.is_err() {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    crate::bench_compare::print_side_by_side(&all);
    result
}

/// The best and the median of `runs` timings of `f`, in seconds.
fn time<T>(
    runs: u32,
    mut f: impl FnMut() -> Result<T, CliError>,
) -> Result<(f64, f64, T), CliError> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(f()?);
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let value = last.ok_or_else(|| CliError("no run".into()))?;
    Ok((times[0], times[times.len() / 2], value))
}

fn measure(
    args: &BenchAccountsArgs,
    url: &str,
    figures: &mut crate::bench_compare::Figures,
) -> Result<(), CliError> {
    let app = crate::db::open_app(Some(url))?;
    let store = app.store();
    println!("database: {}", store.backend_name());
    let actor = gongshang_app::accounts::Actor::local_administrator("bench");

    let started = Instant::now();
    store.fill_accounts_bench(args.units, args.cases)?;
    let fill = started.elapsed().as_secs_f64();
    println!(
        "fill:      {} units ({} insured), {} benefits, in {fill:.1} s (not part of the figures)",
        args.units,
        u64::from(args.units) * 20,
        args.cases
    );
    let started = Instant::now();
    let rows = store.rebuild_fund_summary()?;
    let rebuild = started.elapsed().as_secs_f64();
    println!("summary:   rebuilt from the ledger, {rows} rows, in {rebuild:.2} s");
    figures.add(
        "summary rebuilt from the ledger (s)",
        format!("{rebuild:.2}"),
    );

    let year = StatementPeriod::Year(2025);
    let (best, median, statement) = time(args.runs, || {
        Ok(app.fund_statement(&actor, year, None, None)?)
    })?;
    println!(
        "statement: 2025, {} lines, income {} yuan, expenditure {} yuan: best {:.2} ms, median {:.2} ms",
        statement.lines.len(),
        statement.total.collected.total,
        statement.total.expenditure_total,
        best * 1000.0,
        median * 1000.0
    );
    figures.add(
        "statement of 2025, median (ms)",
        format!("{:.2}", median * 1000.0),
    );
    let (_, months, _) = time(args.runs, || Ok(app.fund_months(&actor, 2025, None, None)?))?;
    println!(
        "months:    the twelve months of 2025 (the chart): median {:.2} ms",
        months * 1000.0
    );
    figures.add(
        "twelve months (chart), median (ms)",
        format!("{:.2}", months * 1000.0),
    );

    let (best_l, median_l, recomputed) = time(args.runs.min(2), || {
        Ok(store.fund_flows_from_ledger("2025-12")?)
    })?;
    println!(
        "ledger:    the same flows recomputed from the ledger (before the summary): best {best_l:.3} s, median {median_l:.3} s"
    );
    figures.add(
        "flows recomputed from the ledger, median (s)",
        format!("{median_l:.3}"),
    );
    let summary = store.fund_flows("2025-12")?;
    let same = summary == recomputed;
    println!(
        "check:     the summary ({} flows) {} the ledger recomputed",
        summary.len(),
        if same { "equals" } else { "DIFFERS FROM" }
    );
    figures.add("summary equals the ledger", if same { "yes" } else { "NO" });
    if !same {
        return Err(CliError(
            "the monthly summary differs from the ledger recomputed".into(),
        ));
    }
    Ok(())
}
