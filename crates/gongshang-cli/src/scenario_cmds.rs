//! `gongshang simulate scenario save|list|show|archive` and `gongshang
//! simulate job start|list|show` (issue 14): the saved scenarios and the
//! simulation jobs of a database, through the app (its permission table).
//! `job start --wait` runs the queue in this process, printing each stage
//! as the job's status records it (what the API's job status reads).

use std::path::PathBuf;
use std::time::Duration;

use gongshang_app::simulation::PopulationSource;
use gongshang_app::simulation_jobs::{JobReform, JobRequest, ScenarioInput, SimulationJobRow};

use crate::CliError;

/// Where and as whom.
#[derive(clap::Args)]
pub struct Db {
    /// The database (a SQLite path or a postgres:// URL) [default: $GONGSHANG_DATABASE_URL or gongshang.db]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Who does it: an account's login (its role applies), or a local administrator's name [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand)]
pub enum ScenarioCmd {
    /// Save a reform file under a name: its next version (validated as `simulate --reform` reads it)
    Save {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, value_name = "FILE")]
        reform: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// The saved scenarios: the latest version of each
    List {
        /// The archived ones too
        #[arg(long)]
        archived: bool,
        #[command(flatten)]
        db: Db,
    },
    /// A scenario's versions, or one version's reform
    Show {
        name: String,
        /// Print this version's reform as saved
        #[arg(long)]
        version: Option<i64>,
        #[command(flatten)]
        db: Db,
    },
    /// Archive a scenario: off the list until saved again (nothing is deleted)
    Archive {
        name: String,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(clap::Subcommand)]
pub enum JobCmd {
    /// Queue a projection of a saved scenario (or a reform file) as a job
    Start {
        /// A saved scenario (its latest version, or --version)
        #[arg(long, conflicts_with = "reform")]
        scenario: Option<String>,
        #[arg(long, requires = "scenario")]
        version: Option<i64>,
        /// A reform file instead of a scenario [default: none, the baseline against itself]
        #[arg(long, value_name = "FILE")]
        reform: Option<PathBuf>,
        /// A synthetic population of this many people (at most 10,000,000)
        #[arg(long, default_value_t = 100_000, conflicts_with = "on")]
        people: u64,
        /// The insured as stored on this day instead
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<jiff::civil::Date>,
        /// With --on: the industry class (1-8) of enrolments without a unit
        #[arg(long, requires = "on")]
        unitless_class: Option<u8>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 10)]
        years: u16,
        #[arg(long, default_value_t = 2026)]
        start: i16,
        #[arg(long, default_value_t = 0)]
        replicates: u16,
        /// Run the queue here and now, printing each stage, instead of leaving it to a server
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        db: Db,
    },
    /// The jobs, the newest first
    List {
        #[command(flatten)]
        db: Db,
    },
    /// A job: its status and progress, its error; --out writes a done job's result
    Show {
        id: i64,
        /// Write PREFIX.csv, PREFIX.xlsx and PREFIX.json of the result
        #[arg(long, value_name = "PREFIX")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: Db,
    },
    /// Two done jobs side by side: the reform's income, expenditure and fund year by year
    Compare {
        a: i64,
        b: i64,
        #[command(flatten)]
        db: Db,
    },
}

fn open(db: &Db) -> Result<(gongshang_app::App, gongshang_app::accounts::Actor), CliError> {
    let app = crate::db::open_app(db.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, db.actor.as_deref())?;
    Ok((app, actor))
}

pub fn scenario(cmd: &ScenarioCmd) -> Result<(), CliError> {
    match cmd {
        ScenarioCmd::Save {
            name,
            description,
            reform,
            db,
        } => {
            let (app, actor) = open(db)?;
            let text = std::fs::read_to_string(reform)
                .map_err(|e| CliError(format!("{}: {e}", reform.display())))?;
            let saved = app.save_scenario(
                &actor,
                &ScenarioInput {
                    name: name.clone(),
                    description: description.clone(),
                    reform: text,
                },
            )?;
            if db.json {
                println!("{}", serde_json::to_string_pretty(&saved)?);
            } else {
                println!("saved {} version {}", saved.name, saved.version);
            }
        }
        ScenarioCmd::List { archived, db } => {
            let (app, actor) = open(db)?;
            let list = app.scenarios(&actor, *archived)?;
            if db.json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for s in &list {
                    println!(
                        "{:<30} v{:<3} {} {}{}  {}",
                        s.name,
                        s.version,
                        s.saved_by,
                        s.saved_at,
                        if s.archived_at.is_some() {
                            " (archived)"
                        } else {
                            ""
                        },
                        s.description
                    );
                }
            }
        }
        ScenarioCmd::Show { name, version, db } => {
            let (app, actor) = open(db)?;
            match version {
                Some(v) => {
                    let s = app.scenario(&actor, name, Some(*v))?;
                    if db.json {
                        println!("{}", serde_json::to_string_pretty(&s)?);
                    } else {
                        print!("{}", s.reform);
                    }
                }
                None => {
                    let versions = app.scenario_versions(&actor, name)?;
                    if db.json {
                        println!("{}", serde_json::to_string_pretty(&versions)?);
                    } else {
                        for s in &versions {
                            println!(
                                "v{:<3} {} {}  {}",
                                s.version, s.saved_by, s.saved_at, s.description
                            );
                        }
                    }
                }
            }
        }
        ScenarioCmd::Archive { name, db } => {
            let (app, actor) = open(db)?;
            let s = app.archive_scenario(&actor, name)?;
            println!("archived {} (version {})", s.name, s.version);
        }
    }
    Ok(())
}

fn print_job(j: &SimulationJobRow) {
    let what = match &j.scenario {
        Some((name, version)) => format!("{name} v{version}"),
        None => "inline reform".to_owned(),
    };
    let population = match (j.people, j.stored_on) {
        (Some(n), _) => format!("{n} synthetic"),
        (None, Some(on)) => format!("stored on {on}"),
        _ => String::new(),
    };
    println!(
        "#{:<5} {:<11} {}/{} {:<10} {:<30} {:<22} {} years, {} replicates, seed {}  {} {}",
        j.id,
        j.status.as_str(),
        j.done,
        j.total,
        j.stage,
        what,
        population,
        j.years,
        j.replicates,
        j.seed,
        j.requested_by,
        j.requested_at
    );
    if let Some(e) = &j.error {
        println!(
            "       error {}{}: {}",
            e.code,
            e.field
                .as_deref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default(),
            e.detail
        );
    }
}

pub fn job(cmd: &JobCmd) -> Result<(), CliError> {
    match cmd {
        JobCmd::Start {
            scenario,
            version,
            reform,
            people,
            on,
            unitless_class,
            seed,
            years,
            start,
            replicates,
            wait,
            db,
        } => {
            let (app, actor) = open(db)?;
            let reform = match (scenario, reform) {
                (Some(name), _) => JobReform::Scenario {
                    name: name.clone(),
                    version: *version,
                },
                (None, Some(path)) => JobReform::Inline(Some(
                    std::fs::read_to_string(path)
                        .map_err(|e| CliError(format!("{}: {e}", path.display())))?,
                )),
                (None, None) => JobReform::Inline(None),
            };
            let population = match on {
                Some(on) => PopulationSource::Stored {
                    on: *on,
                    unitless_class: *unitless_class,
                },
                None => PopulationSource::Synthetic { people: *people },
            };
            let queued = app.start_simulation_job(
                &actor,
                &JobRequest {
                    reform,
                    population,
                    seed: *seed,
                    start_year: *start,
                    years: *years,
                    replicates: *replicates,
                },
            )?;
            eprintln!("queued simulation job #{}", queued.id);
            if *wait {
                run_here(&app, queued.id)?;
            }
            let row = app.simulation_job(&actor, queued.id)?.row;
            if db.json {
                println!("{}", serde_json::to_string_pretty(&row)?);
            } else {
                print_job(&row);
            }
        }
        JobCmd::List { db } => {
            let (app, actor) = open(db)?;
            let jobs = app.simulation_jobs(&actor, 100)?;
            if db.json {
                println!("{}", serde_json::to_string_pretty(&jobs)?);
            } else {
                for j in &jobs {
                    print_job(j);
                }
            }
        }
        JobCmd::Show { id, out, db } => {
            let (app, actor) = open(db)?;
            let job = app.simulation_job(&actor, *id)?;
            if db.json {
                println!("{}", serde_json::to_string_pretty(&job.row)?);
            } else {
                print_job(&job.row);
            }
            if let Some(prefix) = out {
                let Some(sim) = &job.result else {
                    return Err(CliError(format!(
                        "simulation job {id} has no result: it is {}",
                        job.row.status.as_str()
                    )));
                };
                let table = gongshang_app::simulation::years_table(&sim.projection);
                let with = |ext: &str| {
                    let mut s = prefix.clone().into_os_string();
                    s.push(ext);
                    PathBuf::from(s)
                };
                std::fs::write(with(".csv"), gongshang_app::export::csv(&table))?;
                std::fs::write(with(".xlsx"), gongshang_app::export::xlsx(&table))?;
                std::fs::write(with(".json"), serde_json::to_vec_pretty(sim)?)?;
                eprintln!("wrote {}.csv, .xlsx, .json", prefix.display());
            }
        }
        JobCmd::Compare { a, b, db } => {
            let (app, actor) = open(db)?;
            let c = app.compare_simulation_jobs(&actor, *a, *b)?;
            if db.json {
                let years: Vec<serde_json::Value> = c
                    .years
                    .iter()
                    .map(|y| {
                        serde_json::json!({
                            "year_a": y.year_a, "year_b": y.year_b,
                            "income_a_fen": y.income_a.fen(), "income_b_fen": y.income_b.fen(),
                            "expenditure_a_fen": y.expenditure_a.fen(), "expenditure_b_fen": y.expenditure_b.fen(),
                            "reserve_a_fen": y.reserve_a.fen(), "reserve_b_fen": y.reserve_b.fen(),
                            "reserve_difference_fen": y.reserve_difference.fen(),
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "a": c.a.row, "b": c.b.row, "years": years,
                    }))?
                );
            } else {
                print_job(&c.a.row);
                print_job(&c.b.row);
                println!(
                    "{:>9} {:>18} {:>18} {:>18} {:>18} {:>18} {:>18} {:>18}",
                    "year",
                    "income a",
                    "income b",
                    "expenditure a",
                    "expenditure b",
                    "fund a",
                    "fund b",
                    "fund b - a"
                );
                for y in &c.years {
                    let year = if y.year_a == y.year_b {
                        y.year_a.to_string()
                    } else {
                        format!("{}/{}", y.year_a, y.year_b)
                    };
                    println!(
                        "{year:>9} {:>18} {:>18} {:>18} {:>18} {:>18} {:>18} {:>18}",
                        y.income_a,
                        y.income_b,
                        y.expenditure_a,
                        y.expenditure_b,
                        y.reserve_a,
                        y.reserve_b,
                        y.reserve_difference
                    );
                }
            }
        }
    }
    Ok(())
}

/// Runs the queue in this process until job `id` ended, printing its stage
/// each time its stored status changes.
fn run_here(app: &gongshang_app::App, id: i64) -> Result<(), CliError> {
    let system = gongshang_app::accounts::Actor::system();
    std::thread::scope(|scope| {
        let runner = scope.spawn(|| -> Result<(), CliError> {
            while let Some((ran, error)) = app.run_next_simulation_job(&system)? {
                if let Some(e) = error {
                    eprintln!("job #{ran} failed: {e}");
                }
            }
            Ok(())
        });
        let mut last = String::new();
        loop {
            let row = app.simulation_job(&system, id)?.row;
            let now = format!("[{}/{}] {}", row.done, row.total, row.stage);
            if now != last {
                eprintln!("{now}");
                last = now;
            }
            if row.status.is_finished() {
                break;
            }
            if runner.is_finished() {
                // Its last stage was written after the read above.
                last.clear();
                let row = app.simulation_job(&system, id)?.row;
                eprintln!("[{}/{}] {}", row.done, row.total, row.stage);
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        runner
            .join()
            .map_err(|_| CliError("the job's runner panicked".into()))?
    })
}
