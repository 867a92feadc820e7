//! `gongshang bench import --orders N --people M [--db URL]`: times importing
//! N synthetic orders, then M people and M enrolments (employees of one
//! unit per thousand people) and a month's M declarations (a bill per
//! unit), through the same paths as `gongshang import
//! orders|units|people|enrollments|declarations`, the enrolments and the
//! declarations a second time (all already there), and a coverage lookup
//! through the app. Prints figures;
//! asserts nothing.

// Floating point only to print durations; no money is computed here.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use std::io::Write as _;

use gongshang_app::At;
use gongshang_domain::ids::ResidentId;
use jiff::civil::date;

use crate::CliError;
use crate::import::{ImportArgs, ImportKind};

#[derive(clap::Args)]
pub struct BenchImportArgs {
    /// How many orders
    #[arg(long, default_value_t = 1_000_000)]
    pub orders: u64,
    /// People registered and enrolled by import (and looked up)
    #[arg(long, default_value_t = 100_000)]
    pub people: u64,
    /// How many coverage lookups to time
    #[arg(long, default_value_t = 10_000)]
    pub lookups: u64,
    /// A PostgreSQL URL, a SQLite path, or `sqlite` (a fresh file); give it
    /// more than once to measure each and print them side by side
    /// [default: a fresh SQLite file in a temporary folder]
    #[arg(long, value_name = "URL")]
    pub db: Vec<String>,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Enrol the workers of the orders first (the rest of the people are
    /// others): the case where units' people take orders, which
    /// industry_class_vs_orders reads
    #[arg(long)]
    pub enrol_order_workers: bool,
}

pub fn run(args: &BenchImportArgs) -> Result<(), CliError> {
    let dir = std::env::temp_dir().join(format!("gongshang-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;
    let mut all = Vec::new();
    let mut result = Ok(());
    for (kind, url) in crate::bench_compare::databases(&args.db, &dir) {
        let mut figures = crate::bench_compare::Figures::new(kind);
        result = measure(args, &dir, &url, &mut figures);
        all.push(figures);
        if result.is_err() {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    crate::bench_compare::print_side_by_side(&all);
    result
}

fn measure(
    args: &BenchImportArgs,
    dir: &std::path::Path,
    url: &str,
    figures: &mut crate::bench_compare::Figures,
) -> Result<(), CliError> {
    let orders = dir.join("orders.csv");
    let started = Instant::now();
    crate::synth_registry::write_orders(&orders, args.orders, args.seed)?;
    println!(
        "synth:    {} orders in {:.1} s (not timed below)",
        args.orders,
        started.elapsed().as_secs_f64()
    );
    let app = crate::db::open_app(Some(url))?;
    let figures = std::cell::RefCell::new(figures);
    println!("database: {}", app.store().backend_name());
    let import = |kind: ImportKind, file: &std::path::Path, label: &str| -> Result<f64, CliError> {
        let args = ImportArgs {
            kind,
            file: Some(file.to_owned()),
            db: Some(url.to_owned()),
            skip_invalid: false,
            errors: None,
            actor: Some("bench".into()),
            batch: 100_000,
            lease_secs: None,
            // A benchmark measures the import at full priority.
            priority: crate::import::Priority::Normal,
        };
        let started = Instant::now();
        let summary = crate::import::import_file(&app, &args)?;
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "{:<12} {} rows ({} added, {} already there) in {elapsed:.2} s = {:.0} rows/s",
            format!("{kind:?}:").to_lowercase(),
            summary.read,
            summary.imported,
            summary.duplicate,
            summary.read as f64 / elapsed
        );
        figures.borrow_mut().add(
            label,
            format!("{elapsed:.2} s, {:.0}/s", summary.read as f64 / elapsed),
        );
        Ok(elapsed)
    };
    if args.orders > 0 {
        import(ImportKind::Orders, &orders, "orders")?;
    }
    let _ = std::fs::remove_file(&orders);

    // The registry: one unit per thousand people, every person an employee
    // enrolled in Guangdong's ordinary insurance.
    let started = Instant::now();
    let workers = if args.enrol_order_workers {
        crate::synth_registry::order_worker_ids(args.orders, args.seed)?
    } else {
        Vec::new()
    };
    let ids = write_registry(dir, args.people, &workers)?;
    println!(
        "synth:    {} people and enrolments in {:.1} s (not timed below)",
        args.people,
        started.elapsed().as_secs_f64()
    );
    import(ImportKind::Units, &dir.join("units.csv"), "units")?;
    import(ImportKind::People, &dir.join("people.csv"), "people")?;
    import(
        ImportKind::Enrollments,
        &dir.join("enrollments.csv"),
        "enrolments",
    )?;
    print!("again: ");
    import(
        ImportKind::Enrollments,
        &dir.join("enrollments.csv"),
        "enrolments again",
    )?;
    // A month's declarations of every one of them (one bill per unit), and
    // again (all already declared).
    import(
        ImportKind::Declarations,
        &dir.join("declarations.csv"),
        "declarations",
    )?;
    print!("again: ");
    import(
        ImportKind::Declarations,
        &dir.join("declarations.csv"),
        "declarations again",
    )?;
    let bench = gongshang_app::accounts::Actor::local_administrator("bench");
    let mut rng = crate::synth::SplitMix64::for_row(args.seed, 99);
    let started = Instant::now();
    let mut covered = 0u64;
    for _ in 0..if ids.is_empty() { 0 } else { args.lookups } {
        let id = &ids[rng.below(ids.len() as u64) as usize];
        if app
            .coverage(&bench, id, At::Day(date(2025, 3, 1)), None)?
            .covered
        {
            covered += 1;
        }
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / args.lookups.max(1) as f64;
    figures
        .borrow_mut()
        .add("coverage through the app", format!("{per:.1} us"));
    println!(
        "coverage: {} lookups through the app, {per:.1} us each ({covered} covered), {} people enrolled",
        args.lookups, args.people
    );
    Ok(())
}

/// Writes units.csv, people.csv and enrollments.csv for `people` people
/// into `dir`, the first of them `first` (identity numbers; the others
/// made up, none of them one of `first`); their identity numbers.
fn write_registry(
    dir: &std::path::Path,
    people: u64,
    first: &[String],
) -> Result<Vec<ResidentId>, CliError> {
    let file = |name: &str| -> Result<std::io::BufWriter<std::fs::File>, CliError> {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
            .map_err(|e| CliError(format!("cannot create {}: {e}", path.display())))
    };
    let io = |e: std::io::Error| CliError(format!("cannot write the bench files: {e}"));
    let units = people.div_ceil(1000).max(1);
    let codes: Vec<String> = (0..units)
        .map(|k| crate::synth_registry::credit_code("440106", 42 + k))
        .collect();
    let mut units_csv = file("units.csv")?;
    writeln!(
        units_csv,
        "credit_code,name,kind,region,industry_class,floating_tier"
    )
    .map_err(io)?;
    for (k, code) in codes.iter().enumerate() {
        writeln!(units_csv, "{code},基准测试单位{k},enterprise,440106,1,1.0").map_err(io)?;
    }
    units_csv.flush().map_err(io)?;
    let mut people_csv = file("people.csv")?;
    let mut enrollments_csv = file("enrollments.csv")?;
    writeln!(people_csv, "resident_id,name").map_err(io)?;
    writeln!(
        enrollments_csv,
        "resident_id,credit_code,scheme_id,category,start_date,labour_relation"
    )
    .map_err(io)?;
    let mut declarations_csv = file("declarations.csv")?;
    writeln!(
        declarations_csv,
        "credit_code,scheme_id,month,resident_id,declared_wage"
    )
    .map_err(io)?;
    let mut ids = Vec::with_capacity(people as usize);
    let taken: std::collections::HashSet<&str> = first.iter().map(String::as_str).collect();
    let mut made_up = 0u64;
    for n in 0..people {
        let text = match first.get(n as usize) {
            Some(id) => id.clone(),
            None => loop {
                let birth = date(1970, 1, 1)
                    .checked_add(jiff::Span::new().days((made_up / 1000) as i64 % 12_000))
                    .map_err(|e| CliError(e.to_string()))?;
                let text = crate::synth_registry::resident_id("440106", birth, made_up % 1000);
                made_up += 1;
                if !taken.contains(text.as_str()) {
                    break text;
                }
            },
        };
        writeln!(people_csv, "{text},测试").map_err(io)?;
        writeln!(
            enrollments_csv,
            "{text},{},guangdong.employees,employee,2025-01-01,true",
            codes[(n / 1000) as usize]
        )
        .map_err(io)?;
        writeln!(
            declarations_csv,
            "{},guangdong.employees,2025-01,{text},{}.00",
            codes[(n / 1000) as usize],
            3000 + n % 5000
        )
        .map_err(io)?;
        ids.push(ResidentId::parse(&text).map_err(|e| CliError(e.to_string()))?);
    }
    people_csv.flush().map_err(io)?;
    enrollments_csv.flush().map_err(io)?;
    declarations_csv.flush().map_err(io)?;
    Ok(ids)
}
