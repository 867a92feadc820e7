//! `gongshang import units|people|enrollments|declarations|payments|orders FILE`
//! and `gongshang import list`.
//!
//! The file is read by `gongshang-csv` (the one CSV reader) and handed to
//! the application's import use cases (`gongshang_app::imports`), which
//! check every row before anything is stored: without `--skip-invalid` a
//! file with a bad row is refused and changes nothing; with it the good rows
//! go in and the bad ones go to an error file (row, field, reason, the line
//! as it was). Rows identical to stored ones count as already there; rows
//! whose key is stored with other content are conflicts. Registry files go
//! in whole in one transaction. Orders, which come by the ten million, are
//! checked in a first streaming pass and imported in a second, in batches of
//! one transaction each; orders are keyed by (platform, order id), so a run
//! again after a crash completes the import and duplicates nothing. The
//! formats are in README.md.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gongshang_app::imports::{
    IMPORT_LEASE, ImportKind as AppKind, ImportOptions, ImportReport, RowProblem,
    order_conflict_problem,
};
use gongshang_app::monitor::AfterImportRun;
use gongshang_app::{App, IssuedBill};
use gongshang_domain::ids::PlatformId;
use gongshang_domain::month::Month;
use gongshang_store::OrderRecord;

use crate::CliError;
use crate::order_reader::read_orders;

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Units,
    People,
    Enrollments,
    Declarations,
    Payments,
    Orders,
    /// The latest imports and where each stands (running, finished,
    /// failed, interrupted); no file
    List,
}

impl ImportKind {
    fn app(self) -> Option<AppKind> {
        Some(match self {
            ImportKind::Units => AppKind::Units,
            ImportKind::People => AppKind::People,
            ImportKind::Enrollments => AppKind::Enrollments,
            ImportKind::Declarations => AppKind::Declarations,
            ImportKind::Payments => AppKind::Payments,
            ImportKind::Orders => AppKind::Orders,
            ImportKind::List => return None,
        })
    }
}

/// At which CPU priority an import runs.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Priority {
    /// Linux's idle scheduling class (DESIGN.md: the lookups of a server
    /// on the same machine keep their speed during an import)
    Background,
    /// The same priority as every other process
    Normal,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// What the file holds (or `list`)
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// The CSV file (UTF-8, with or without BOM, a header row; see README)
    #[arg(required_unless_present = "kind")]
    pub file: Option<PathBuf>,
    /// Database URL [default: env GONGSHANG_DATABASE_URL, else gongshang.db]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Import the good rows and write the bad ones to an error file
    #[arg(long)]
    pub skip_invalid: bool,
    /// With --skip-invalid: where the bad rows go [default: FILE.errors.csv]
    #[arg(long, value_name = "CSV", requires = "skip_invalid")]
    pub errors: Option<PathBuf>,
    /// Who imports: an account's login (its role and unit apply), or a local
    /// administrator's name for the audit log [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// The processor's priority: `background` (the idle CPU class: the
    /// import takes only the time a server on the same machine leaves,
    /// and runs at full speed on an idle machine) or `normal`
    #[arg(long, value_enum, default_value_t = Priority::Background)]
    pub priority: Priority,
    /// Orders per transaction
    #[arg(long, default_value_t = 100_000, hide = true)]
    pub batch: usize,
    /// With `list`: an unfinished import with no batch for this many
    /// seconds shows as interrupted [default: 300]
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub lease_secs: Option<u32>,
}

impl ImportArgs {
    fn path(&self) -> Result<&Path, CliError> {
        self.file
            .as_deref()
            .ok_or_else(|| CliError("a file to import is needed".into()))
    }
}

/// A bad row: where, which field, why, and the line as it was.
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
    pub text: String,
}

impl From<RowProblem> for RowError {
    fn from(p: RowProblem) -> RowError {
        RowError {
            line: p.line,
            field: p.field,
            reason: p.reason,
            text: p.text,
        }
    }
}

pub fn run(args: &ImportArgs) -> Result<(), CliError> {
    let app = crate::db::open_app(args.db.as_deref())?;
    if args.kind == ImportKind::List {
        return list(&app, args);
    }
    if args.priority == Priority::Background {
        // Before the reading thread starts: it inherits the class.
        gongshang_server::priority::yield_to_requests();
    }
    let started = Instant::now();
    let summary = import_file(&app, args)?;
    println!(
        "{}: {} rows read, {} imported, {} already there, {} conflicts, {} rejected in {} ms",
        args.path()?.display(),
        summary.read,
        summary.imported,
        summary.duplicate,
        summary.conflicts,
        summary.rejected,
        started.elapsed().as_millis()
    );
    for line in summary.notes.iter().take(20) {
        println!("{line}");
    }
    if summary.notes.len() > 20 {
        println!("... {} bills in all", summary.notes.len());
    }
    print_monitoring(summary.monitoring.as_ref());
    Ok(())
}

/// Prints the incremental monitoring run after an import or a matching run
/// (issue 16), when one ran; a failure goes to stderr as well as stdout:
/// never silent.
pub fn print_monitoring(m: Option<&AfterImportRun>) {
    if let Some(m) = m {
        let line = monitoring_note(m);
        if matches!(m, AfterImportRun::Failed { .. }) {
            eprintln!("{line}");
        }
        println!("{line}");
    }
}

/// The incremental monitoring run after an import, in a line.
pub fn monitoring_note(m: &AfterImportRun) -> String {
    match m {
        AfterImportRun::Ran {
            run_id,
            flags_new,
            alerts_opened,
        } => format!(
            "monitoring: incremental run #{run_id}, {flags_new} new flags, {alerts_opened} alerts opened"
        ),
        AfterImportRun::Failed { reason } => format!(
            "monitoring FAILED after this import (the import stands; its rows are covered by the next run): {reason}; run `gongshang monitor run` again"
        ),
    }
}

fn list(app: &App, args: &ImportArgs) -> Result<(), CliError> {
    let actor = crate::db::cli_actor(app, args.actor.as_deref())?;
    println!("id  kind  state  started  read  added  already_there  conflicts  rejected  source");
    let lease = args.lease_secs.map_or(IMPORT_LEASE, |s| {
        jiff::SignedDuration::from_secs(i64::from(s))
    });
    for run in app.import_runs(&actor, 50)? {
        let s = &run.summary;
        let run = gongshang_app::imports::ImportRun {
            state: s.state(app.now(), lease),
            summary: s.clone(),
        };
        println!(
            "{}  {}  {}{}  {}  {}  {}  {}  {}  {}  {}",
            s.id,
            s.kind,
            run.state.as_str(),
            match (run.state, &s.failure) {
                (_, Some(why)) => format!(" ({why})"),
                (gongshang_store::ImportState::Interrupted, None) => format!(
                    " (no batch since {}, for more than {} s: run the same file again to complete it)",
                    s.heartbeat_at,
                    lease.as_secs()
                ),
                _ => String::new(),
            },
            s.started_at,
            s.rows_read,
            s.rows_added,
            s.rows_duplicate,
            s.rows_conflict,
            s.rows_rejected,
            s.source
        );
    }
    Ok(())
}

#[derive(Default)]
pub struct ImportSummary {
    pub read: u64,
    pub imported: u64,
    pub duplicate: u64,
    pub conflicts: u64,
    pub rejected: u64,
    pub notes: Vec<String>,
    /// The incremental monitoring run after the import (issue 16).
    pub monitoring: Option<AfterImportRun>,
}

pub fn import_file(app: &App, args: &ImportArgs) -> Result<ImportSummary, CliError> {
    match args.kind.app() {
        Some(AppKind::Orders) => import_orders(app, args),
        Some(kind) => import_table(app, args, kind),
        None => Err(CliError("`import list` imports nothing".into())),
    }
}

/// Rejects the file (nothing stored), or writes the error file.
fn settle_errors(args: &ImportArgs, errors: &[RowError], rows: u64) -> Result<(), CliError> {
    if errors.is_empty() {
        return Ok(());
    }
    let file = args.path()?;
    if !args.skip_invalid {
        let mut message = format!(
            "{}: {} of {rows} rows are invalid; the file was rejected and nothing was imported (--skip-invalid imports the good rows)",
            file.display(),
            errors.len()
        );
        for e in errors.iter().take(20) {
            message.push_str(&format!(
                "\n  row {}, field {}: {}",
                e.line, e.field, e.reason
            ));
        }
        if errors.len() > 20 {
            message.push_str(&format!("\n  ... and {} more", errors.len() - 20));
        }
        return Err(CliError(message));
    }
    let path = args.errors.clone().unwrap_or_else(|| {
        let mut p = file.to_path_buf().into_os_string();
        p.push(".errors.csv");
        PathBuf::from(p)
    });
    write_errors(&path, errors)?;
    eprintln!(
        "gongshang: {} invalid rows skipped, written to {}",
        errors.len(),
        path.display()
    );
    Ok(())
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn write_errors(path: &Path, errors: &[RowError]) -> Result<(), CliError> {
    let mut text = String::from("row,field,reason,line\n");
    for e in errors {
        text.push_str(&format!(
            "{},{},{},{}\n",
            e.line,
            quote(&e.field),
            quote(&e.reason),
            quote(&e.text)
        ));
    }
    let name = path
        .file_name()
        .ok_or_else(|| CliError(format!("{} is not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.partial", std::process::id()));
    let temp = path.with_file_name(temp_name);
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            CliError(format!("cannot write {}: {e}", path.display()))
        })
}

fn bill_note(bill: &IssuedBill) -> String {
    format!(
        "bill {} {} yuan due {}{}",
        bill.reference,
        bill.amount,
        bill.due_date,
        provisional_note(bill.due_provisional)
    )
}

/// Units, people, enrolments, declarations, payments: the file read whole
/// and imported whole, in one transaction.
fn import_table(app: &App, args: &ImportArgs, kind: AppKind) -> Result<ImportSummary, CliError> {
    let path = args.path()?;
    let bytes = std::fs::read(path)
        .map_err(|e| CliError(format!("cannot open {}: {e}", path.display())))?;
    let table = gongshang_csv::read_table(&bytes, kind.columns())
        .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    drop(bytes);
    let actor = crate::db::cli_actor(app, args.actor.as_deref())?;
    let options = ImportOptions {
        source: path.display().to_string(),
        skip_invalid: args.skip_invalid,
    };
    let report: ImportReport = app.import_table(&actor, kind, &table, &options)?;
    let errors: Vec<RowError> = report
        .problems
        .iter()
        .cloned()
        .map(RowError::from)
        .collect();
    settle_errors(args, &errors, report.rows_read)?;
    Ok(ImportSummary {
        read: report.rows_read,
        imported: report.added,
        duplicate: report.already_there,
        conflicts: report.conflicts,
        rejected: report.rejected(),
        notes: report.bills.iter().map(bill_note).collect(),
        monitoring: report.monitoring,
    })
}

fn import_orders(app: &App, args: &ImportArgs) -> Result<ImportSummary, CliError> {
    let path = args.path()?;
    let actor = crate::db::cli_actor(app, args.actor.as_deref())?;
    let len = std::fs::metadata(path)
        .map_err(|e| CliError(format!("cannot open {}: {e}", path.display())))?
        .len();
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let mut progress = Progress::new(len * 2);

    // Pass 1, on every core: check every row, so that a rejected file
    // changes nothing.
    let mut errors = Vec::new();
    let mut rows = 0u64;
    read_orders(app, path, cores, |chunk| {
        rows += chunk.rows.len() as u64;
        errors.extend(chunk.rows.into_iter().filter_map(Result::err));
        progress.update(chunk.bytes_end);
        Ok(())
    })?;
    if !errors.is_empty() && !args.skip_invalid {
        progress.finish();
    }
    settle_errors(args, &errors, rows)?;

    // Pass 2: parse on the other cores while storing threads store batches,
    // one transaction each. A row that failed the check is skipped here (it
    // is in the error file). SQLite has one writer, so one storing thread;
    // PostgreSQL takes two streams on connections of their own (a server
    // process each). With two streams, which copy of an order repeated in
    // two batches of one file is kept is not defined (the counts are).
    let import = app.begin_orders_import(&actor, &path.display().to_string())?;
    // The rows pass 1 found good: the total of its progress for someone
    // following it in the API or on a page (issue 13).
    app.expect_orders_import_rows(&actor, import, rows - errors.len() as u64)?;
    let streams = if app.backend() == gongshang_store::BackendKind::Postgres {
        2
    } else {
        1
    };
    let batch_rows = args.batch.max(1);
    let mut touched: BTreeSet<(String, Month)> = BTreeSet::new();
    let mut summary = ImportSummary {
        read: rows,
        ..ImportSummary::default()
    };
    type Batch = (Vec<OrderRecord>, Vec<u64>);
    let stored = std::thread::scope(|scope| -> Result<(u64, u64, Vec<RowError>), CliError> {
        let (to_store, batches) = sync_channel::<Batch>(streams);
        let batches = Arc::new(Mutex::new(batches));
        let storers: Vec<_> = (0..streams)
            .map(|_| {
                let batches = Arc::clone(&batches);
                let actor = &actor;
                scope.spawn(move || -> Result<(u64, u64, Vec<RowError>), CliError> {
                    let (mut added, mut duplicate, mut conflicts) = (0, 0, Vec::new());
                    loop {
                        let next = batches.lock().map(|rx| rx.recv());
                        let Ok(Ok((batch, lines))) = next else {
                            return Ok((added, duplicate, conflicts));
                        };
                        let counts = app.import_orders_batch(actor, import, &batch)?;
                        added += counts.added;
                        duplicate += counts.duplicate;
                        conflicts.extend(counts.conflicts.iter().map(|c| {
                            RowError::from(order_conflict_problem(
                                lines[c.index],
                                &batch[c.index],
                                c,
                            ))
                        }));
                    }
                })
            })
            .collect();
        drop(batches);
        let mut batch: Batch = (
            Vec::with_capacity(batch_rows),
            Vec::with_capacity(batch_rows),
        );
        let mut hand_over = |batch: Batch| -> Result<(), CliError> {
            let mut last: Option<(&str, Month)> = None;
            for o in &batch.0 {
                let month = Month::of(o.day);
                if last != Some((o.platform.as_str(), month)) {
                    touched.insert((o.platform.as_str().to_owned(), month));
                    last = Some((o.platform.as_str(), month));
                }
            }
            to_store
                .send(batch)
                .map_err(|_| CliError("storing stopped".to_owned()))
        };
        let read = read_orders(app, path, cores.saturating_sub(1).max(1), |chunk| {
            for (line, o) in chunk.rows.into_iter().filter_map(Result::ok) {
                batch.0.push(o);
                batch.1.push(line);
            }
            if batch.0.len() >= batch_rows {
                hand_over(std::mem::replace(
                    &mut batch,
                    (
                        Vec::with_capacity(batch_rows),
                        Vec::with_capacity(batch_rows),
                    ),
                ))?;
            }
            progress.update(len + chunk.bytes_end);
            Ok(())
        })
        .and_then(|()| {
            if batch.0.is_empty() {
                Ok(())
            } else {
                hand_over(std::mem::take(&mut batch))
            }
        });
        drop(to_store);
        // A storing thread's own error says more than "storing stopped".
        let mut total = (0, 0, Vec::new());
        let mut failure = None;
        for s in storers {
            match s.join() {
                Ok(Ok((a, d, c))) => {
                    total.0 += a;
                    total.1 += d;
                    total.2.extend(c);
                }
                Ok(Err(e)) => failure = failure.or(Some(e)),
                Err(_) => failure = failure.or(Some(CliError("a storing thread panicked".into()))),
            }
        }
        match (failure, read) {
            (Some(e), _) | (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(total),
        }
    });
    progress.finish();
    let (added, duplicate, mut conflicts) = match stored {
        Ok(s) => s,
        Err(e) => {
            // Shown as failed, not running; the same file again completes it.
            let _ = app.fail_orders_import(&actor, import, &e.0);
            return Err(e);
        }
    };
    conflicts.sort_by_key(|c| c.line);
    summary.imported = added;
    summary.duplicate = duplicate;
    summary.conflicts = conflicts.len() as u64;
    errors.extend(conflicts);
    errors.sort_by_key(|e| e.line);
    summary.rejected = errors.len() as u64;
    summary.monitoring = app
        .finish_orders_import(&actor, import, rows, errors.len() as u64)?
        .monitoring;
    // Bill each platform's month for what is not billed yet.
    for (platform, month) in touched {
        let platform = PlatformId::parse(&platform).map_err(|e| CliError(e.to_string()))?;
        if let Some(bill) = app.bill_orders(&actor, &platform, month)? {
            summary.notes.push(bill_note(&bill));
        }
    }
    if summary.conflicts > 0 {
        // The other orders are stored (batches commit as they go); the
        // conflicting ones were not, and are reported like bad rows.
        settle_errors(args, &errors, rows).map_err(|e| {
            CliError(format!(
                "{}\n  ({} orders were imported, {} already there; the conflicting orders were not, and the stored ones are kept)",
                e.0.replace("the file was rejected and nothing was imported", "they were not imported"),
                summary.imported,
                summary.duplicate
            ))
        })?;
    }
    Ok(summary)
}

/// A progress bar on stderr, drawn only on a terminal.
pub struct Progress {
    total: u64,
    started: Instant,
    last: Option<Instant>,
    on: bool,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        Progress {
            total: total.max(1),
            started: Instant::now(),
            last: None,
            on: std::io::stderr().is_terminal(),
        }
    }

    pub fn update(&mut self, done: u64) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t).as_millis() < 100)
        {
            return;
        }
        self.last = Some(now);
        let done = done.min(self.total);
        let filled = (done * 30 / self.total) as usize;
        eprint!(
            "\r[{}{}] {:>3}% {} s",
            "#".repeat(filled),
            "-".repeat(30 - filled),
            done * 100 / self.total,
            now.duration_since(self.started).as_secs()
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&mut self) {
        if self.on && self.last.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Said after a due date counted in a year with no holiday arrangement.
fn provisional_note(provisional: bool) -> &'static str {
    if provisional {
        " (provisional: the holiday arrangement of its year is not loaded)"
    } else {
        ""
    }
}
