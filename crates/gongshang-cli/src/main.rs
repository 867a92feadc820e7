//! `gongshang`: the command line of gongshang.
//!
//! Thin by design: each command parses its arguments, reads its files, calls
//! the rules engine (or another crate) and prints. No rule lives here.

// `print!` and `println!` for every module of this crate (a macro defined
// here, before the modules, shadows std's): they end the process quietly
// when the reader of standard output has gone (`gongshang openapi | head`)
// instead of panicking, see `output.rs`.
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::output::print_fmt(format_args!($($arg)*))
    };
}

macro_rules! println {
    () => {
        $crate::output::print_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::print_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod account_cmds;
mod advance_cmds;
mod article_cmds;
mod batch;
mod bench;
mod bench_accounts;
mod bench_compare;
mod bench_http;
mod bench_import;
mod calc;
mod cases_cmds;
mod credit_cmds;
mod db;
mod demo;
mod fund_cmds;
mod holiday_cmds;
mod import;
mod match_cmds;
mod medical_cmds;
mod monitor_cmds;
mod notice_cmds;
mod order_reader;
mod output;
mod payroll_cmds;
mod policy_files;
mod registry_cmds;
mod render;
mod scenario_cmds;
mod serve;
mod sim_cmds;
mod synth;
mod synth_registry;
mod ticket_cmds;
mod unit_cmds;
mod unlicensed_cmds;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::civil::Date;

/// mimalloc instead of the system allocator: the server's answers (an award
/// with its trace) allocate many small strings, and glibc's malloc spent a
/// quarter of a request's CPU in them (see README, Figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gongshang",
    version,
    about = "工伤保险 work-injury insurance: calculate, explain, administer"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Calculate an award: one case from JSON (with its trace), or a batch CSV
    Calc(CalcArgs),
    /// One case under every scheme that applies, side by side, with the differences explained
    Compare(CompareArgs),
    /// Generate deterministic synthetic data
    Synth {
        #[command(subcommand)]
        what: SynthCommand,
    },
    /// Measure the batch path end to end (generate, read, compute, write), or `bench import`
    #[command(args_conflicts_with_subcommands = true)]
    Bench {
        #[command(subcommand)]
        what: Option<BenchCommand>,
        #[command(flatten)]
        args: bench::BenchArgs,
    },
    /// Create or migrate the database
    Db {
        #[command(subcommand)]
        command: DbCommand,
        /// Database URL [default: env GONGSHANG_DATABASE_URL, else gongshang.db]
        #[arg(long, value_name = "URL", global = true)]
        db: Option<String>,
    },
    /// Import a CSV of units, people, enrollments, declarations, payments or orders
    Import(import::ImportArgs),
    /// Was a person covered at a time? Yes or no, the reason, the enrollment and the payment
    Coverage(registry_cmds::CoverageArgs),
    /// The one-time compensation an unlicensed unit pays a disabled worker (Regulations Art 66(1), Order No. 9)
    Unlicensed(unlicensed_cmds::UnlicensedArgs),
    /// The bills of a month, paid and outstanding
    Bill(registry_cmds::BillArgs),
    /// A platform's month: stored orders, workers and premium against what it declared
    Reconcile(registry_cmds::ReconcileArgs),
    /// Schemes and parameters: list them with dates and status, validate the files
    #[command(alias = "policy")]
    Policies {
        #[command(subcommand)]
        command: Option<PolicyCommand>,
        #[arg(long, value_name = "DIR")]
        policies: Option<PathBuf>,
        #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
        lang: Lang,
    },
    /// Injury cases: file, show, act, queue
    Case {
        #[command(subcommand)]
        command: cases_cmds::CaseCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// The record of dishonest acts (Decree 765 Art 45(2)): record, change, list
    Credit {
        #[command(subcommand)]
        command: credit_cmds::CreditCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// The register of agreement institutions (Regulations Art 47): list, register, update
    Institution {
        #[command(subcommand)]
        command: medical_cmds::InstitutionCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// Work-capacity appraisals of a case
    Appraisal {
        #[command(subcommand)]
        command: cases_cmds::AppraisalCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// Awards: compute, approve (maker-checker), show, pay one-time items
    Award {
        #[command(subcommand)]
        command: cases_cmds::AwardCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// The monthly payroll of periodic benefits
    Payroll {
        #[command(subcommand)]
        command: payroll_cmds::PayrollCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// The rights-protection service centre's tickets: escalate, queue, show
    Ticket {
        #[command(subcommand)]
        command: ticket_cmds::TicketCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// Project the fund under the baseline and a reform, side by side (issue 14)
    Simulate(sim_cmds::SimulateCmd),
    /// The fund: income-expenditure statements and the monthly reserve run (issue 14)
    Fund {
        #[command(subcommand)]
        command: fund_cmds::FundCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// Monitoring and early warning: rules, run, alerts, show, handle, declare
    Monitor {
        #[command(subcommand)]
        command: monitor_cmds::MonitorCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// Shared-data matching (Decree 765 Arts 9, 26): import, run, hits, beneficiary, verify, due
    Match {
        #[command(subcommand)]
        command: match_cmds::MatchCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// Units changing and workers lent out (Regulations Arts 43-44, Order 56 Art 6): succession, liability, secondment, posting, agreement; an uninsured unit's back-payment and who pays (Art 62): back-payment, payers; a deferral of premiums (缓缴): defer, deferrals, revoke-deferral
    Unit {
        #[command(subcommand)]
        command: unit_cmds::UnitCmd,
        #[command(flatten)]
        out: cases_cmds::Out,
    },
    /// The demo: a fresh SQLite database with a realistic data set, one login per role, and the server (--print: the calculator's example cases)
    Demo(demo::DemoArgs),
    /// Serve the HTTP API (/api/v1, docs at /docs) and the web UI
    Serve(serve::ServeArgs),
    /// Accounts: `user add --role R --login L [--unit CODE|--person ID]`, `user disable|enable --login L`, `user list`
    User {
        #[command(subcommand)]
        command: account_cmds::UserCommand,
    },
    /// API tokens for platforms: `token create --login L`, `token revoke --id N`
    Token {
        #[command(subcommand)]
        command: account_cmds::TokenCommand,
    },
    /// Print the API's OpenAPI document (the committed openapi.json)
    Openapi,
    /// The public-holiday calendar in force; `holidays load FILE` adds a newly published year
    Holidays(holiday_cmds::HolidaysArgs),
    /// Notices in Chinese (decision, inadmissible, materials, award) as HTML or PDF
    Notice {
        #[command(subcommand)]
        command: notice_cmds::NoticeCommand,
    },
}

pub use gongshang_app::Lang;

/// `--lang zh|en`.
pub fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
}

#[derive(clap::Args)]
pub struct CalcArgs {
    /// The case as JSON, or - for standard input
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub case: Option<PathBuf>,
    /// Calculate a batch CSV instead (columns: see README)
    #[arg(long, value_name = "CSV", requires = "out")]
    pub batch: Option<PathBuf>,
    /// Where the batch results go (written whole or not at all)
    #[arg(long, value_name = "CSV")]
    pub out: Option<PathBuf>,
    /// Batch: write the good rows and report the bad ones instead of failing
    #[arg(long, requires = "batch")]
    pub skip_invalid: bool,
    /// Batch with --skip-invalid: where the error report goes [default: OUT.errors.csv]
    #[arg(long, value_name = "CSV", requires = "skip_invalid")]
    pub errors: Option<PathBuf>,
    /// Batch: also compute each row under this reform (a `simulate --reform`
    /// file of dated overrides) and write baseline, reform and difference
    /// side by side for each amount column
    #[arg(long, value_name = "TOML", requires = "batch")]
    pub reform: Option<PathBuf>,
    /// Batch: the date at which the national rules apply [default: today in China]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
    /// Batch: worker threads [default: all cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// Batch: bytes read per chunk (tests use small chunks to cross many chunk edges)
    #[arg(long, hide = true, value_name = "BYTES")]
    pub chunk_bytes: Option<usize>,
    /// Language of labels and explanations
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
    pub lang: Lang,
    /// Print JSON for machines instead of a table
    #[arg(long)]
    pub json: bool,
    /// Read policy files from this folder instead of the ones built in
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// Calculate under this scheme (see `gongshang policies schemes`)
    #[arg(long, value_name = "ID")]
    pub scheme: Option<gongshang_rules::SchemeId>,
    /// Calculate under this jurisdiction's scheme for employees (e.g. guangdong)
    #[arg(long, value_name = "NAME")]
    pub jurisdiction: Option<String>,
}

#[derive(clap::Args)]
pub struct CompareArgs {
    /// The case as JSON, or - for standard input
    pub case: PathBuf,
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

#[derive(Subcommand)]
enum SynthCommand {
    /// Synthetic cases in the batch CSV format
    Cases(synth::SynthCasesArgs),
    /// A synthetic registry: units, people, enrollments, declarations, payments
    Registry(synth_registry::SynthRegistryArgs),
    /// Synthetic platform orders
    Orders(synth_registry::SynthOrdersArgs),
    /// A synthetic population for `simulate --population` (issue 14)
    Population(sim_cmds::SynthPopulationArgs),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time importing synthetic orders and coverage lookups through the app
    Import(bench_import::BenchImportArgs),
    /// Time the monthly payroll of N periodic beneficiaries, and a second run of the month
    Payroll(payroll_cmds::BenchPayrollArgs),
    /// Time a full monitoring run over a database filled by `bench import` (issue 16)
    Monitor(monitor_cmds::BenchMonitorArgs),
    /// Coverage lookups over HTTP at many keep-alive connections (issue 18)
    Http(bench_http::BenchHttpArgs),
    /// Time the fund's income-expenditure statement over a year of 1,000,000 insured (issue 14)
    Accounts(bench_accounts::BenchAccountsArgs),
}

#[derive(Subcommand)]
enum DbCommand {
    /// Create the database (if needed) and apply the migrations
    Init,
    /// Apply the pending migrations
    Migrate,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Validate every policy file (the built-in ones, or --policies DIR)
    Check,
    /// List the schemes with their rules, items and payers
    Schemes {
        /// Only this scheme
        id: Option<String>,
    },
    /// List parameters with every dated value, its citation and status
    Params {
        /// Only keys that start with this
        prefix: Option<String>,
    },
    /// The map of each instrument's articles to what carries them out, with
    /// counts by status (issue 17); without INSTRUMENT the counts and what is missing
    Articles {
        /// Only this instrument, its whole map (e.g. national.regulations)
        instrument: Option<String>,
        /// Only entries of this status: carried, partly, not_for_system, missing
        #[arg(long)]
        status: Option<String>,
    },
}

/// An error the CLI reports and exits 1 for.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

impl Command {
    /// The batch jobs that log a start and an end line: what runs, and on
    /// what (the kind of import and its file, the month of a payroll run).
    fn job(&self) -> Option<(&'static str, String)> {
        match self {
            Command::Import(args) => Some((
                "import",
                format!(
                    "{} {}",
                    format!("{:?}", args.kind).to_lowercase(),
                    args.file
                        .as_ref()
                        .map_or_else(|| "-".to_owned(), |f| f.display().to_string())
                ),
            )),
            Command::Payroll {
                command: payroll_cmds::PayrollCmd::Run { month },
                ..
            } => Some(("payroll_run", month.clone())),
            _ => None,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    gongshang_server::log::init();
    let job = cli.command.job();
    let started = std::time::Instant::now();
    if let Some((job, what)) = &job {
        tracing::info!(target: "gongshang::job", job, what = what.as_str(), "started");
    }
    let result = match cli.command {
        Command::Calc(args) if args.batch.is_some() => batch::run(&args),
        Command::Calc(args) => calc::run(&args),
        Command::Compare(args) => calc::compare(&args),
        Command::Synth {
            what: SynthCommand::Cases(args),
        } => synth::run(&args),
        Command::Synth {
            what: SynthCommand::Registry(args),
        } => synth_registry::registry(&args),
        Command::Synth {
            what: SynthCommand::Orders(args),
        } => synth_registry::orders(&args),
        Command::Bench {
            what: Some(BenchCommand::Import(args)),
            ..
        } => bench_import::run(&args),
        Command::Bench {
            what: Some(BenchCommand::Accounts(args)),
            ..
        } => bench_accounts::run(&args),
        Command::Bench { what: None, args } => bench::run(&args),
        Command::Db { command: _, db } => db::migrate(db.as_deref()),
        Command::Import(args) => import::run(&args),
        Command::Coverage(args) => registry_cmds::coverage(&args),
        Command::Bill(args) => registry_cmds::bill(&args),
        Command::Unlicensed(args) => unlicensed_cmds::run(&args),
        Command::Reconcile(args) => registry_cmds::reconcile(&args),
        Command::Policies {
            command,
            policies,
            lang,
        } => match command {
            None => policy_files::overview(policies.as_deref(), lang),
            Some(PolicyCommand::Check) => policy_files::check(policies.as_deref()),
            Some(PolicyCommand::Schemes { id }) => {
                policy_files::schemes(policies.as_deref(), id.as_deref(), lang)
            }
            Some(PolicyCommand::Params { prefix }) => {
                policy_files::list(policies.as_deref(), prefix.as_deref(), lang)
            }
            Some(PolicyCommand::Articles { instrument, status }) => article_cmds::articles(
                policies.as_deref(),
                instrument.as_deref(),
                status.as_deref(),
                lang,
            ),
        },
        Command::Case { command, out } => cases_cmds::run_case(&command, &out),
        Command::Institution { command, out } => medical_cmds::run_institution(&command, &out),
        Command::Credit { command, out } => credit_cmds::run(&command, &out),
        Command::Appraisal { command, out } => cases_cmds::run_appraisal(&command, &out),
        Command::Award { command, out } => cases_cmds::run_award(&command, &out),
        Command::Payroll { command, out } => payroll_cmds::run(&command, &out),
        Command::Ticket { command, out } => ticket_cmds::run(&command, &out),
        Command::Fund { command, out } => fund_cmds::run(&command, &out),
        Command::Simulate(cmd) => match &cmd.what {
            None => sim_cmds::simulate(&cmd.args),
            Some(sim_cmds::SimulateWhat::Scenario { command }) => scenario_cmds::scenario(command),
            Some(sim_cmds::SimulateWhat::Job { command }) => scenario_cmds::job(command),
            Some(sim_cmds::SimulateWhat::Ibnr(args)) => sim_cmds::ibnr(args),
        },
        Command::Synth {
            what: SynthCommand::Population(args),
        } => sim_cmds::synth_population(&args),
        Command::Monitor { command, out } => monitor_cmds::run(&command, &out),
        Command::Match { command, out } => match_cmds::run(&command, &out),
        Command::Unit { command, out } => unit_cmds::run(&command, &out),
        Command::Bench {
            what: Some(BenchCommand::Payroll(args)),
            ..
        } => payroll_cmds::bench(&args),
        Command::Bench {
            what: Some(BenchCommand::Monitor(args)),
            ..
        } => monitor_cmds::bench(&args),
        Command::Bench {
            what: Some(BenchCommand::Http(args)),
            ..
        } => bench_http::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::User { command } => account_cmds::user(&command),
        Command::Token { command } => account_cmds::token(&command),
        Command::Openapi => serve::openapi(),
        Command::Notice { command } => notice_cmds::run(&command),
        Command::Holidays(args) => holiday_cmds::run(&args),
    };
    if let Some((job, what)) = &job {
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &result {
            Ok(()) => {
                tracing::info!(target: "gongshang::job", job, what = what.as_str(), outcome = "done", elapsed_ms, "finished")
            }
            Err(e) => {
                tracing::warn!(target: "gongshang::job", job, what = what.as_str(), outcome = "failed", error = e.0.as_str(), elapsed_ms, "finished")
            }
        }
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of standard output went away: it has what it wanted.
        Err(CliError(message)) if output::is_broken_pipe(&message) => ExitCode::SUCCESS,
        Err(CliError(message)) => {
            eprintln!("gongshang: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Today's date in China (UTC+8), for defaults only: the rules never read the clock.
pub fn today_in_china() -> Date {
    let offset = jiff::tz::Offset::constant(8);
    offset.to_datetime(jiff::Timestamp::now()).date()
}
