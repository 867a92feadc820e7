//! `gongshang monitor rules|run|alerts|show|handle|grading|sample|declare` (issue 16): the
//! monitoring rules in force, a full run (for a nightly job; running it
//! again on the same data opens nothing), the alerts, one alert with its
//! flags and records, an alert's next step, the grades of units and
//! platforms with the warnings of their groups, and a platform's declared month.

use gongshang_domain::ids::PlatformId;
use gongshang_domain::monitor::{AlertCommand, AlertState, Outcome, ReferTo, RunMode};
use gongshang_domain::month::Month;
use gongshang_rules::Money;

use crate::CliError;
use crate::cases_cmds::Out;
use crate::render::display_width;

#[derive(clap::Subcommand)]
pub enum MonitorCmd {
    /// The rules in force today: severity, threshold, parameters, source, precision
    Rules,
    /// Run every rule in force: over everything stored (--full, the
    /// default: the nightly reference) or over what was written since the
    /// last run (--incremental); prints the timing and the ids covered
    Run {
        /// Only the facts touching the rows written since the last run's
        /// watermarks (in full when no run recorded any)
        #[arg(long, conflicts_with = "full")]
        incremental: bool,
        /// Everything stored (the default)
        #[arg(long)]
        full: bool,
    },
    /// The latest runs: mode, what each found, the ids each covered
    Runs {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// The alerts, most severe first
    Alerts {
        /// open, investigating, referred, closed, or active (all but closed)
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        rule: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// One alert: its rule, its flags with their records, its history
    Show { id: i64 },
    /// Investigate, refer or close an alert
    Handle {
        id: i64,
        /// investigate, refer or close
        action: String,
        /// Where to refer: complaints_centre, inspection, police
        #[arg(long)]
        to: Option<String>,
        /// How it ended: confirmed or unfounded
        #[arg(long)]
        outcome: Option<String>,
        /// What was found or done
        #[arg(long)]
        note: String,
        /// The version you saw (refused if the alert moved on)
        #[arg(long)]
        version: Option<i64>,
    },
    /// Units and platforms graded A-D with the reasons, and the warnings by
    /// industry, district and platform
    Grading {
        /// The day graded, YYYY-MM-DD (today when absent)
        #[arg(long)]
        at: Option<String>,
        /// Also list the subjects graded A
        #[arg(long)]
        all: bool,
    },
    /// Draw a random audit sample (Decree 765 Art 42): its records open
    /// alerts of audit_sample, worked like any alert
    Sample {
        /// enrolments, cases or benefits (periodic benefits in payment)
        population: String,
        /// Records to draw, 1 to 1000
        #[arg(long, default_value_t = 20)]
        size: usize,
        /// The same seed on the same day draws the same records again
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Record a platform's declared orders and premium (yuan) for a month
    Declare {
        platform: String,
        month: String,
        orders: u64,
        premium: String,
    },
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn state_text(state: AlertState) -> String {
    match state {
        AlertState::Referred { to } => format!("referred:{}", to.as_str()),
        AlertState::Closed { outcome } => format!("closed:{}", outcome.as_str()),
        s => s.as_str().to_owned(),
    }
}

fn json<T: serde::Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub fn run(cmd: &MonitorCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let zh = out.lang == crate::Lang::Zh;
    match cmd {
        MonitorCmd::Rules => {
            let rules = app.monitor_rules(&actor)?;
            if out.json {
                json(&rules);
                return Ok(());
            }
            println!(
                "{}{}{}{}{}",
                pad("rule", 30),
                pad("v", 3),
                pad("severity", 9),
                pad("alert at", 9),
                "parameters · precision · source"
            );
            for r in &rules {
                let params: Vec<String> = r
                    .rule
                    .params
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let precision = match r.precision_bp {
                    Some(bp) => format!(
                        "{}/{} ({}.{:02} %)",
                        r.precision.confirmed,
                        r.precision.closed,
                        bp / 100,
                        bp % 100
                    ),
                    None => "—".into(),
                };
                println!(
                    "{}{}{}{}{} · {precision} · {} {}{}",
                    pad(&r.rule.id, 30),
                    pad(&r.rule.version.to_string(), 3),
                    pad(r.rule.severity.as_str(), 9),
                    pad(&r.rule.alert_threshold.to_string(), 9),
                    params.join(" "),
                    r.rule.instrument,
                    r.rule.article,
                    if r.rule.status == gongshang_rules::params::Status::Confirmed {
                        ""
                    } else {
                        " [assumed]"
                    }
                );
                println!("    {}", if zh { &r.rule.name_zh } else { &r.rule.name_en });
            }
        }
        MonitorCmd::Run { incremental, .. } => {
            let mode = if *incremental {
                RunMode::Incremental
            } else {
                RunMode::Full
            };
            let report = app.run_monitor_in(&actor, mode)?;
            if out.json {
                json(&report);
                return Ok(());
            }
            let r = &report.run;
            println!(
                "run {} ({}) on {}: {} flags found, {} new; {} alerts opened, {} grown",
                r.id,
                r.mode.as_str(),
                r.as_of,
                r.flags_found,
                r.flags_new,
                r.alerts_opened,
                r.alerts_grown
            );
            if report.asked != r.mode {
                println!("no run recorded watermarks before: this one ran in full");
            }
            println!("covered: {}", covered(r));
            println!(
                "time: gather {} ms, evaluate {} ms, write {} ms",
                report.gather_ms, report.evaluate_ms, report.write_ms
            );
            for (rule, n) in &report.facts {
                println!("  {} {n} facts", pad(rule, 30));
            }
        }
        MonitorCmd::Runs { limit } => {
            let runs = app.monitor_runs(&actor, Some(*limit))?;
            if out.json {
                json(&runs);
                return Ok(());
            }
            for r in &runs {
                println!(
                    "{:>6}  {}  {:<11} {:>6} flags {:>6} new {:>4} opened  {}",
                    r.id,
                    r.started_at,
                    r.mode.as_str(),
                    r.flags_found,
                    r.flags_new,
                    r.alerts_opened,
                    covered(r)
                );
            }
        }
        MonitorCmd::Sample {
            population,
            size,
            seed,
        } => {
            let population = gongshang_domain::monitor::sample::Population::parse(population)
                .map_err(CliError)?;
            let r = app.draw_audit_sample(&actor, population, *size, *seed)?;
            if out.json {
                json(&r);
                return Ok(());
            }
            println!(
                "draw {} (seed {}): {} of {} {}, {} alert(s) opened",
                r.draw_id,
                r.seed,
                r.drawn.len(),
                r.population_size,
                population.as_str(),
                r.run.alerts_opened
            );
            for d in &r.drawn {
                println!("  {} {}  {}", d.record.kind, d.record.key, d.subject);
            }
            println!(
                "base rate: {} confirmed of {} samples closed",
                r.base_rate.confirmed, r.base_rate.closed
            );
        }
        MonitorCmd::Grading { at, all } => {
            let as_of = at
                .as_deref()
                .map(|t| {
                    t.parse::<jiff::civil::Date>()
                        .map_err(|_| CliError(format!("--at {t:?} is not a date (YYYY-MM-DD)")))
                })
                .transpose()?;
            let r = app.grading(&actor, as_of)?;
            if out.json {
                json(&r);
                return Ok(());
            }
            let counts: Vec<String> = r
                .by_grade
                .iter()
                .map(|(g, n)| format!("{} {n}", g.as_str()))
                .collect();
            println!("{} – {}: {}", r.since, r.as_of, counts.join(", "));
            for w in r.warnings.iter().filter(|w| w.warning.is_some()) {
                let label = w
                    .warning
                    .map(|w| if zh { w.label_zh() } else { w.label_en() });
                println!(
                    "{}{}{}",
                    pad(&format!("{:?} {}", w.kind, w.key).to_lowercase(), 30),
                    pad(
                        &format!("C {} D {} / {}", w.graded_c, w.graded_d, w.subjects),
                        18
                    ),
                    label.unwrap_or_default()
                );
            }
            for g in r
                .graded
                .iter()
                .filter(|g| *all || g.grade != gongshang_domain::monitor::grading::Grade::A)
            {
                let why: Vec<&str> = g
                    .reasons
                    .iter()
                    .map(|p| if zh { p.zh.as_str() } else { p.en.as_str() })
                    .collect();
                println!(
                    "{} {}{}{}",
                    g.grade.as_str(),
                    pad(&g.points.to_string(), 5),
                    pad(&g.subject.subject.to_string(), 34),
                    why.join("; ")
                );
            }
        }
        MonitorCmd::Alerts { state, rule, limit } => {
            let alerts = app.alerts(&actor, state.as_deref(), rule.as_deref(), Some(*limit))?;
            if out.json {
                json(&alerts);
                return Ok(());
            }
            println!(
                "{}{}{}{}{}{}",
                pad("id", 7),
                pad("rule", 30),
                pad("severity", 9),
                pad("subject", 30),
                pad("flags", 6),
                "state"
            );
            for a in &alerts {
                println!(
                    "{}{}{}{}{}{}",
                    pad(&a.id.to_string(), 7),
                    pad(&a.rule_id, 30),
                    pad(a.severity.as_str(), 9),
                    pad(&a.subject.to_string(), 30),
                    pad(&a.flags.to_string(), 6),
                    state_text(a.state)
                );
            }
        }
        MonitorCmd::Show { id } => {
            let d = app.alert_detail(&actor, *id)?;
            if out.json {
                json(&d);
                return Ok(());
            }
            let a = &d.alert;
            println!(
                "alert {} · {} v{} · {} · {} · {} (version {})",
                a.id,
                a.rule_id,
                a.rule_version,
                a.severity,
                a.subject,
                state_text(a.state),
                a.version
            );
            if let Some(rule) = &d.rule {
                println!("  {}", if zh { &rule.reason_zh } else { &rule.reason_en });
                println!("  {} {}", rule.instrument, rule.article);
            }
            for f in &d.flags {
                let records: Vec<String> = f
                    .records
                    .iter()
                    .map(|r| format!("{}:{}", r.kind, r.key))
                    .collect();
                println!(
                    "  · {} [{}]",
                    if zh { &f.text_zh } else { &f.text_en },
                    records.join(" ")
                );
            }
            for e in &d.events {
                println!(
                    "  {} {} → {} {} ({})",
                    e.seq, e.kind, e.to_state, e.note, e.actor
                );
            }
        }
        MonitorCmd::Handle {
            id,
            action,
            to,
            outcome,
            note,
            version,
        } => {
            let note = note.clone();
            let command = match action.as_str() {
                "investigate" => AlertCommand::Investigate { note },
                "refer" => AlertCommand::Refer {
                    to: ReferTo::parse(to.as_deref().unwrap_or_default())
                        .map_err(|e| CliError(format!("--to: {e}")))?,
                    note,
                },
                "close" => AlertCommand::Close {
                    outcome: Outcome::parse(outcome.as_deref().unwrap_or_default())
                        .map_err(|e| CliError(format!("--outcome: {e}")))?,
                    note,
                },
                other => {
                    return Err(CliError(format!(
                        "{other:?} is not one of investigate, refer, close"
                    )));
                }
            };
            let a = app.handle_alert(&actor, *id, *version, command)?;
            if out.json {
                json(&a);
                return Ok(());
            }
            println!(
                "alert {} is {} (version {})",
                a.id,
                state_text(a.state),
                a.version
            );
        }
        MonitorCmd::Declare {
            platform,
            month,
            orders,
            premium,
        } => {
            let platform = PlatformId::parse(platform).map_err(|e| CliError(e.to_string()))?;
            let month = Month::parse(month).map_err(|e| CliError(e.to_string()))?;
            let premium = Money::parse_yuan(premium).map_err(|e| CliError(e.to_string()))?;
            let d = app.declare_platform_month(&actor, &platform, month, *orders, premium)?;
            if out.json {
                json(&d);
                return Ok(());
            }
            println!(
                "{} {}: {} orders, {} yuan declared",
                d.platform,
                d.month,
                d.orders,
                Money::from_fen(d.premium_fen)
            );
        }
    }
    Ok(())
}

/// The ids a run covered, by table: `cases 12..40` (after 12, up to 40).
fn covered(r: &gongshang_app::monitor::MonitorRunRow) -> String {
    let Some(marks) = &r.watermarks else {
        return "no watermarks (a sample)".to_owned();
    };
    marks
        .iter()
        .map(|(table, hi)| {
            let lo = r
                .since
                .as_ref()
                .and_then(|s| s.get(table))
                .copied()
                .unwrap_or(0);
            format!("{table} {lo}..{hi}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `gongshang bench monitor --db URL [--cases N]`: over a database filled by
/// `gongshang bench import --orders N --people M --db URL`, adds `cases`
/// filed cases (one person in a hundred claiming the same accident twice)
/// and each platform's declared months (eleme declaring 1 % more orders and
/// premium than it sent), then times a full monitoring run and a second run
/// over the same data (which opens nothing). Prints figures; asserts nothing.
#[derive(clap::Args)]
pub struct BenchMonitorArgs {
    /// A PostgreSQL URL or SQLite path already filled by `bench import`
    #[arg(long, value_name = "URL")]
    pub db: String,
    #[arg(long, default_value_t = 100_000)]
    pub cases: i64,
    /// Orders of a later import after which an incremental run is timed
    /// (0: none); imported twice, as one day's orders (the next day) and
    /// as orders spread over the stored half-year
    #[arg(long, default_value_t = 100_000)]
    pub incremental_orders: u64,
    /// The day the runs take as today (China time): the rules with a
    /// window (industry_class_vs_orders: the 90 days up to today) read the
    /// synthetic orders only if it follows them. The default is the day
    /// after the half-year of `bench import`'s orders (2025-07-01 to
    /// 2025-12-31), the day the "next day" import adds to
    #[arg(long, default_value = "2026-01-01")]
    pub today: jiff::civil::Date,
}

/// The system's clock moved to another day: durations stay real, and the
/// runs' instants keep their order.
struct ShiftedClock(jiff::SignedDuration);

impl gongshang_app::Clock for ShiftedClock {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
            .checked_add(self.0)
            .unwrap_or_else(|_| jiff::Timestamp::now())
    }
}

pub fn bench(args: &BenchMonitorArgs) -> Result<(), CliError> {
    let store = gongshang_store::open(&crate::db::database_url(Some(&args.db)))
        .map_err(|e| CliError(format!("cannot open the database: {e}")))?;
    let china = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    let now = jiff::Timestamp::now();
    let target = args
        .today
        .to_datetime(now.to_zoned(china.clone()).time())
        .to_zoned(china)
        .map_err(|e| CliError(e.to_string()))?
        .timestamp();
    let app = gongshang_app::App::new(
        store,
        std::sync::Arc::new(ShiftedClock(target.duration_since(now))),
    )?;
    println!("today (the runs' clock): {}", args.today);
    let actor = gongshang_app::accounts::Actor::system();
    let store = app.store();
    println!("database: {}", store.backend_name());
    let added =
        store.seed_benchmark_cases(args.cases, jiff::civil::date(2025, 8, 15), app.now())?;
    println!("cases added: {added}");
    let mut declared = 0;
    for (platform, _) in gongshang_app::PLATFORM_ALIASES {
        let id = PlatformId::parse(platform).map_err(|e| CliError(e.to_string()))?;
        for m in 1..=12 {
            let month =
                Month::parse(&format!("2025-{m:02}")).map_err(|e| CliError(e.to_string()))?;
            let stored = store.order_month_totals(&id, month)?;
            if stored.orders == 0 {
                continue;
            }
            let (orders, premium) = if *platform == "eleme" {
                (
                    stored.orders * 101 / 100,
                    Money::from_fen(stored.premium.fen() * 101 / 100),
                )
            } else {
                (stored.orders, stored.premium)
            };
            match app.declare_platform_month(&actor, &id, month, orders, premium) {
                Ok(_) => declared += 1,
                Err(e) if e.code() == "duplicate" => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    println!("platform months declared: {declared}");
    for pass in ["first run", "second run (same data)"] {
        let started = std::time::Instant::now();
        let report = app.run_monitor(&actor)?;
        let total = started.elapsed().as_millis();
        let r = &report.run;
        println!(
            "{pass}: {total} ms (gather {} ms, evaluate and plan {} ms, write {} ms); {} flags, {} new, {} alerts opened",
            report.gather_ms,
            report.evaluate_ms,
            report.write_ms,
            r.flags_found,
            r.flags_new,
            r.alerts_opened
        );
        for (rule, n) in &report.facts {
            println!("    {} {n} facts", pad(rule, 30));
        }
    }
    if args.incremental_orders > 0 {
        bench_incremental(&app, args)?;
    }
    Ok(())
}

/// Imports `incremental_orders` more orders (the incremental run after the
/// import turned off, so that it is timed on its own), then times the
/// incremental run: once for the next day's orders, once for orders spread
/// over the half-year stored (every day's order days read again).
fn bench_incremental(app: &gongshang_app::App, args: &BenchMonitorArgs) -> Result<(), CliError> {
    let actor = gongshang_app::accounts::Actor::system();
    let dir = std::env::temp_dir().join(format!("gongshang-bench-monitor-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;
    let file = dir.join("more-orders.csv");
    app.set_monitor_after_import(false);
    let shapes = [
        ("the next day", 9_001, jiff::civil::date(2026, 1, 1), 1),
        (
            "spread over the half-year",
            9_002,
            jiff::civil::date(2025, 7, 1),
            184,
        ),
    ];
    for (shape, seed, first_day, days) in shapes {
        crate::synth_registry::write_orders_over(
            &file,
            args.incremental_orders,
            seed,
            first_day,
            days,
        )?;
        let import = crate::import::ImportArgs {
            kind: crate::import::ImportKind::Orders,
            file: Some(file.clone()),
            db: Some(args.db.clone()),
            skip_invalid: false,
            errors: None,
            actor: Some("bench".into()),
            batch: 100_000,
            lease_secs: None,
            // A benchmark measures the import at full priority.
            priority: crate::import::Priority::Normal,
        };
        let started = std::time::Instant::now();
        let summary = crate::import::import_file(app, &import)?;
        let imported = started.elapsed().as_millis();
        let started = std::time::Instant::now();
        let report = app.run_monitor_in(&actor, RunMode::Incremental)?;
        let total = started.elapsed().as_millis();
        let r = &report.run;
        println!(
            "import of {} orders ({shape}): {imported} ms; incremental run ({}): {total} ms (gather {} ms, evaluate and plan {} ms, write {} ms); {} flags, {} new, {} alerts opened",
            summary.imported,
            r.mode.as_str(),
            report.gather_ms,
            report.evaluate_ms,
            report.write_ms,
            r.flags_found,
            r.flags_new,
            r.alerts_opened
        );
        for (rule, n) in &report.facts {
            println!("    {} {n} facts", pad(rule, 30));
        }
    }
    app.set_monitor_after_import(true);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
