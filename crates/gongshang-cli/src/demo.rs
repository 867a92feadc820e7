//! `gongshang demo`: a fresh SQLite database with the demo data set
//! (`gongshang_app::demo`), one login per role, then the server; prints the
//! URL and the logins. `--print` shows the calculator's example cases
//! instead (what `demo` printed before the server existed).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use gongshang_demo::{DEMO_PASSWORD, DEMO_TODAY, DemoOptions, build_demo, create_demo_logins};

use crate::{CliError, calc};

#[derive(clap::Args)]
pub struct DemoArgs {
    /// The demo database (replaced) [default: ./gongshang-demo.db]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Address to listen on (port 0 for any free port)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Print the calculator's example cases instead of starting the server
    #[arg(long)]
    pub print: bool,
    /// Seed of the demo data set (the same seed gives the same data)
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Enrolled people to aim for (platform workers come on top)
    #[arg(long, default_value_t = 10_000)]
    pub people: u32,
    /// Build the database, print the figures and stop without serving
    #[arg(long)]
    pub no_serve: bool,
}

/// Removes the database and its WAL files, so that the demo starts fresh.
fn remove_database(path: &std::path::Path) -> Result<(), CliError> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(CliError(format!(
                    "cannot replace {}: {e}",
                    PathBuf::from(p).display()
                )));
            }
        }
    }
    Ok(())
}

pub fn run(args: &DemoArgs) -> Result<(), CliError> {
    if args.print {
        return calc::demo();
    }
    let started = Instant::now();
    let path = args
        .db
        .clone()
        .unwrap_or_else(|| PathBuf::from("gongshang-demo.db"));
    remove_database(&path)?;
    let url = path
        .to_str()
        .ok_or_else(|| CliError(format!("{} is not a UTF-8 path", path.display())))?;
    // Built in memory, where a commit costs no disk write, then copied
    // into the file in one go and served from there.
    let store = gongshang_store::open("sqlite::memory:")?;
    let options = DemoOptions {
        seed: args.seed,
        people: args.people,
        ..DemoOptions::default()
    };
    eprintln!(
        "gongshang demo: building {} (seed {}, about {} people)...",
        path.display(),
        options.seed,
        options.people
    );
    let (built, clock, report) = build_demo(store, &options)?;
    let logins = create_demo_logins(&built, &report)?;
    built.store().copy_into_file(url)?;
    drop(built);
    let app = gongshang_app::App::new(gongshang_store::open(url)?, clock)?;
    let seeded = started.elapsed();
    println!(
        "demo data: {} units, {} people, {} enrolments, {} bills, {} payments, {} 益鹭保 purchases, {} platform orders, {} cases ({} awards approved, {} medical bills); today is {DEMO_TODAY} in the demo",
        report.units,
        report.people,
        report.enrollments,
        report.bills,
        report.payments,
        report.day_purchases,
        report.orders,
        report.cases,
        report.awards_approved,
        report.medical_bills
    );
    for (scheme, n) in &report.by_scheme {
        println!("  {scheme:<40} {n:>6}");
    }
    let tickets = report.tickets;
    for note in &report.notes {
        println!("  note: {note}");
    }
    let phases: Vec<String> = report
        .phases
        .iter()
        .map(|(name, d)| format!("{name} {:.1}s", d.as_secs_f64()))
        .collect();
    println!(
        "built and seeded in {:.1}s ({})",
        seeded.as_secs_f64(),
        phases.join(", ")
    );
    if args.no_serve {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let state = gongshang_server::AppState::new(app);
        let (addr, task) =
            gongshang_server::bind_until(args.addr, state, gongshang_server::shutdown_signal())
                .await?;
        println!("listening after {:.1}s\n", started.elapsed().as_secs_f64());
        println!("  open http://{addr}/   (the calculator needs no login: http://{addr}/calc)");
        println!(
            "  the service centre's QR form needs none either: http://{addr}/q ({} demo tickets)\n",
            tickets
        );
        println!("  login      role           password         sees");
        for l in &logins {
            let sees = if l.scope.is_empty() {
                match l.role {
                    gongshang_app::accounts::Role::Analyst => "statistics only".to_owned(),
                    gongshang_app::accounts::Role::FrontDesk
                    | gongshang_app::accounts::Role::Mediator => {
                        "every ticket of the service centre".to_owned()
                    }
                    _ => "everything".to_owned(),
                }
            } else {
                l.scope.clone()
            };
            println!(
                "  {:<10} {:<14} {:<16} {}",
                l.login,
                l.role.as_str(),
                DEMO_PASSWORD,
                sees
            );
        }
        println!(
            "\n  Ctrl-C (or SIGTERM) stops the server once the requests in flight are answered; the database stays in {}.",
            path.display()
        );
        task.await.map_err(|e| CliError(e.to_string()))??;
        println!("gongshang: stopped");
        Ok(())
    })
}
