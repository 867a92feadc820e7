//! `gongshang bench import --orders N [--db URL]`: times importing N
//! synthetic orders through the same path as `gongshang import orders`, and a
//! coverage lookup through the app with many people enrolled. Prints figures;
//! asserts nothing.

// Floating point only to print durations; no money is computed here.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use gongshang_app::{At, EnrollRequest};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_rules::scheme::Category;
use jiff::civil::date;

use crate::CliError;
use crate::import::{ImportArgs, ImportKind};

#[derive(clap::Args)]
pub struct BenchImportArgs {
    /// How many orders
    #[arg(long, default_value_t = 1_000_000)]
    pub orders: u64,
    /// People enrolled for the coverage lookups
    #[arg(long, default_value_t = 100_000)]
    pub people: u64,
    /// How many coverage lookups to time
    #[arg(long, default_value_t = 10_000)]
    pub lookups: u64,
    /// A PostgreSQL URL or SQLite path [default: a fresh SQLite file in a temporary folder]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

pub fn run(args: &BenchImportArgs) -> Result<(), CliError> {
    let dir = std::env::temp_dir().join(format!("gongshang-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;
    let result = measure(args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(args: &BenchImportArgs, dir: &std::path::Path) -> Result<(), CliError> {
    let orders = dir.join("orders.csv");
    let started = Instant::now();
    crate::synth_registry::write_orders(&orders, args.orders, args.seed)?;
    println!(
        "synth:    {} orders in {:.1} s (not timed below)",
        args.orders,
        started.elapsed().as_secs_f64()
    );
    let url = args
        .db
        .clone()
        .unwrap_or_else(|| dir.join("bench.db").display().to_string());
    let app = crate::db::open_app(Some(&url))?;
    println!("database: {}", app.store().backend_name());
    let import = ImportArgs {
        kind: ImportKind::Orders,
        file: Some(orders.clone()),
        db: Some(url.clone()),
        skip_invalid: false,
        errors: None,
        actor: "bench".into(),
        batch: 100_000,
    };
    let started = Instant::now();
    let summary = crate::import::import_file(&app, &import)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "import:   {} orders ({} added, {} duplicate) in {elapsed:.2} s = {:.0} rows/s (check pass, import pass, monthly bills)",
        summary.read,
        summary.imported,
        summary.duplicate,
        summary.read as f64 / elapsed
    );
    let _ = std::fs::remove_file(&orders);

    // Coverage: people enrolled in the ordinary insurance by one unit.
    let unit = CreditCode::parse(&crate::synth_registry::credit_code("440106", 42))
        .map_err(|e| CliError(e.to_string()))?;
    if app.store().unit_by_code(&unit)?.is_none() {
        app.register_unit(
            &gongshang_app::UnitInput {
                credit_code: unit.as_str().into(),
                name: "基准测试单位".into(),
                kind: "enterprise".into(),
                region: "440106".into(),
                industry_class: "1".into(),
                floating_tier: "1.0".into(),
            },
            "bench",
        )?;
    }
    let started = Instant::now();
    let mut ids = Vec::with_capacity(args.people as usize);
    for n in 0..args.people {
        let birth = date(1970, 1, 1)
            .checked_add(jiff::Span::new().days((n / 1000) as i64 % 12_000))
            .map_err(|e| CliError(e.to_string()))?;
        let text = crate::synth_registry::resident_id("440106", birth, n % 1000);
        let id = ResidentId::parse(&text).map_err(|e| CliError(e.to_string()))?;
        if app.store().person_by_resident_id(&id)?.is_none() {
            app.register_person(&text, "测试", "bench")?;
            app.enroll(
                &EnrollRequest {
                    person: id,
                    unit: Some(unit),
                    scheme_id: "guangdong.employees".into(),
                    category: Category::Employee,
                    start: date(2025, 1, 1),
                    labour_relation: false,
                },
                "bench",
            )?;
        }
        ids.push(id);
    }
    println!(
        "enrol:    {} people in {:.1} s (through the app, one transaction each)",
        args.people,
        started.elapsed().as_secs_f64()
    );
    let mut rng = crate::synth::SplitMix64::for_row(args.seed, 99);
    let started = Instant::now();
    let mut covered = 0u64;
    for _ in 0..args.lookups {
        let id = &ids[rng.below(ids.len() as u64) as usize];
        if app.coverage(id, At::Day(date(2025, 3, 1)), None)?.covered {
            covered += 1;
        }
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / args.lookups.max(1) as f64;
    println!(
        "coverage: {} lookups through the app, {per:.1} us each ({covered} covered), {} people enrolled",
        args.lookups, args.people
    );
    Ok(())
}
