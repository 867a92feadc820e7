//! `gongshang calc --batch cases.csv --out results.csv`: the streaming,
//! multi-core batch path.
//!
//! The file is read in large chunks split at the last line break. Workers
//! parse each chunk in place (no allocation per row or field), compute every
//! row with [`compute_award`] and [`NoTrace`] under [`BenefitRules`] resolved
//! once, and format the results into the chunk's own output buffer. One writer
//! puts the chunks back in file order. A fixed pool of chunk buffers bounds the
//! memory in use whatever the size of the file.
//!
//! With `--reform FILE` (a reform file of `simulate --reform`, read and
//! checked by [`gongshang_sim::Reform::parse`] against the same policies,
//! its overrides put on them by [`gongshang_sim::Reform::policies`]) each
//! row is computed twice, under the baseline and under the reformed
//! parameters resolved once at `--as-of`, and each amount column becomes
//! three: `<column>_baseline`, `<column>_reform`, `<column>_difference`
//! (reform − baseline). Without it the path is unchanged.
//!
//! The results (and the error report) are written to a temporary file in the
//! destination folder and renamed into place only when the whole run succeeds,
//! so a failed run leaves no output behind.
//!
//! CSV: the dialect of `gongshang-csv`, the reader of every import, parsed
//! here in place for speed: RFC 4180 quoting (a `case_id` may be
//! `"A, B ""C"""`), every record one line (LF or CRLF), a byte-order mark
//! dropped, and the same refusals (an unterminated quote, a quote in an
//! unquoted field, text after a closing quote, a NUL byte or a stray
//! carriage return, more or fewer fields than the header). A test feeds the
//! same files to both and compares what each accepts and reads. The
//! unquoted path is the fast one.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use gongshang_rules::scheme::{BenefitFamily, BenefitWageBasis, Scheme};
use gongshang_rules::{
    AwardAmounts, AwardFacts, AwardInput, BenefitRules, Dependants, Fact, Grade, Item, Money,
    NoTrace, NursingLevel, RulesError, compute_award,
};
use jiff::civil::Date;

use crate::{CalcArgs, CliError, policy_files};

/// The columns of a batch input file, in order.
pub const INPUT_COLUMNS: [&str; 14] = [
    "case_id",
    "own_wage",
    "regional_avg_wage",
    "min_wage",
    "national_income",
    "grade",
    "job_arranged",
    "nursing",
    "died",
    "spouse",
    "other_dependents",
    "extra10_dependents",
    "suspension_months",
    "basic_pension_monthly",
];

/// The columns of a batch result file, in order.
pub const OUTPUT_COLUMNS: [&str; 9] = [
    "case_id",
    "benefit_wage",
    "one_time_disability_subsidy",
    "monthly_disability_allowance",
    "monthly_living_care",
    "funeral_subsidy",
    "one_time_death_benefit",
    "monthly_survivor_pensions",
    "suspension_wages",
];

/// The columns of the error report written with `--skip-invalid`.
pub const ERROR_COLUMNS: [&str; 5] = ["row", "case_id", "column", "value", "reason"];

/// The default size of a chunk read from the input.
pub const CHUNK_BYTES_DEFAULT: usize = 4 << 20;
/// The smallest chunk accepted (tests use small chunks to cross many chunk edges).
pub const CHUNK_BYTES_MIN: usize = 1 << 10;

const COLUMN_COUNT: usize = INPUT_COLUMNS.len();
const COL_CASE_ID: usize = 0;
const COL_OWN_WAGE: usize = 1;
const COL_REGIONAL_AVG_WAGE: usize = 2;
const COL_MIN_WAGE: usize = 3;
const COL_NATIONAL_INCOME: usize = 4;
const COL_GRADE: usize = 5;
const COL_JOB_ARRANGED: usize = 6;
const COL_NURSING: usize = 7;
const COL_DIED: usize = 8;
const COL_SPOUSE: usize = 9;
const COL_OTHER_DEPENDENTS: usize = 10;
const COL_EXTRA10_DEPENDENTS: usize = 11;
const COL_SUSPENSION_MONTHS: usize = 12;
/// Empty: no basic pension. Grades 1-4 who draw one get only the allowance above it (Art 35(3)).
const COL_BASIC_PENSION: usize = 13;
/// The column name used for an error about the row as a whole (e.g. too many fields).
const ROW_AS_A_WHOLE: &str = "(row)";

/// Everything one batch run needs; `run` builds it from the command line and
/// `gongshang bench` builds it directly.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    pub input: PathBuf,
    pub output: PathBuf,
    /// Some: write the good rows and report the bad ones in this file.
    /// None: the first bad row fails the run.
    pub errors: Option<PathBuf>,
    pub as_of: Date,
    pub threads: usize,
    pub chunk_bytes: usize,
    pub policies: Option<PathBuf>,
    /// Calculate under this scheme: the items it does not pay are zero, and
    /// its benefit wage basis applies. None: the national Regulations.
    pub scheme: Option<gongshang_rules::SchemeId>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// A reform file (`simulate --reform`'s format): each row also under
    /// the baseline with its overrides, side by side. None: the baseline only.
    pub reform: Option<PathBuf>,
}

/// What a successful run did.
#[derive(Clone, Debug, Default)]
pub struct BatchSummary {
    pub rows_calculated: u64,
    pub rows_invalid: u64,
    pub output_bytes: u64,
    /// With a reform: what of it the batch does not read or does not find
    /// in force on the day (printed by `run`).
    pub reform_notes: Vec<String>,
}

/// The errors file when none is named: `OUT.errors.csv`.
pub fn default_errors_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".errors.csv");
    PathBuf::from(name)
}

pub fn run(args: &CalcArgs) -> Result<(), CliError> {
    let input = args.batch.clone().expect("run only with --batch");
    let output = args.out.clone().expect("clap requires --out with --batch");
    let threads = match args.threads {
        Some(0) => return Err(CliError("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let chunk_bytes = args.chunk_bytes.unwrap_or(CHUNK_BYTES_DEFAULT);
    if chunk_bytes < CHUNK_BYTES_MIN {
        return Err(CliError(format!(
            "--chunk-bytes must be at least {CHUNK_BYTES_MIN}"
        )));
    }
    let errors = args.skip_invalid.then(|| {
        args.errors
            .clone()
            .unwrap_or_else(|| default_errors_path(&output))
    });
    let options = BatchOptions {
        input,
        output,
        errors,
        as_of: args.as_of.unwrap_or_else(crate::today_in_china),
        threads,
        chunk_bytes,
        policies: args.policies.clone(),
        scheme: scheme_of(args)?,
        progress: std::io::stderr().is_terminal(),
        reform: args.reform.clone(),
    };
    let summary = execute(&options)?;
    for note in &summary.reform_notes {
        eprintln!("reform: {note}");
    }
    match &options.errors {
        None => println!(
            "{} rows calculated into {}",
            summary.rows_calculated,
            options.output.display()
        ),
        Some(errors) => println!(
            "{} rows calculated into {}; {} invalid rows reported in {}",
            summary.rows_calculated,
            options.output.display(),
            summary.rows_invalid,
            errors.display()
        ),
    }
    Ok(())
}

/// Runs one batch: reads, computes and writes everything, or fails leaving no
/// output file.
pub fn execute(options: &BatchOptions) -> Result<BatchSummary, CliError> {
    let policy = policy_files::load(options.policies.as_deref())?;
    let benefit = BenefitRules::resolve(&policy, options.as_of)
        .map_err(|e| CliError(format!("the national rules as of {}: {e}", options.as_of)))?;
    let scheme = match &options.scheme {
        None => None,
        Some(id) => Some(SchemeMask::new(policy.scheme(id)?)?),
    };
    let (reform, reform_notes) = match &options.reform {
        None => (None, Vec::new()),
        Some(path) => {
            let (benefit_reform, notes) = reform_rules(path, &policy, &benefit)?;
            (Some(benefit_reform), notes)
        }
    };
    let rules = BatchRules {
        benefit,
        scheme,
        reform,
    };
    let mut file = File::open(&options.input)
        .map_err(|e| CliError(format!("cannot read {}: {e}", options.input.display())))?;
    let input_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);

    let mut results = PendingFile::create(&options.output)?;
    let mut report = match &options.errors {
        Some(path) => Some(PendingFile::create(path)?),
        None => None,
    };
    if rules.reform.is_some() {
        results.write(&header_line(&side_by_side_columns()))?;
    } else {
        results.write(&header_line(&OUTPUT_COLUMNS))?;
    }
    if let Some(report) = &mut report {
        report.write(&header_line(&ERROR_COLUMNS))?;
    }

    let threads = options.threads.max(1);
    let pool_size = threads + 2;
    let stop = AtomicBool::new(false);
    let (pool_tx, pool_rx) = mpsc::channel::<Slot>();
    for _ in 0..pool_size {
        pool_tx
            .send(Slot::default())
            .expect("the pool receiver is alive");
    }
    let (job_tx, job_rx) = mpsc::channel::<(u64, Slot)>();
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let skip_invalid = options.errors.is_some();
    let rules = &rules;

    let mut writer = Writer {
        options,
        results: &mut results,
        report: report.as_mut(),
        summary: BatchSummary::default(),
        line_base: 0,
        bytes_done: 0,
        failure: None,
        progress: options.progress.then(|| Progress::new(input_bytes)),
    };

    let reader_result = std::thread::scope(|s| {
        let stop = &stop;
        let reader = s.spawn(move || {
            let result = read_chunks(&mut file, options, &pool_rx, &job_tx, stop);
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            result
        });
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            s.spawn(move || {
                loop {
                    let job = job_rx.lock().expect("a worker panicked").recv();
                    let Ok((seq, mut slot)) = job else { break };
                    let mut done = Done {
                        seq,
                        lines: 0,
                        rows_ok: 0,
                        errors: Vec::new(),
                        slot: Slot::default(),
                    };
                    if !stop.load(Ordering::Relaxed) {
                        let Slot { input, output } = &mut slot;
                        let stats = process_chunk(input, output, rules, skip_invalid);
                        done.lines = stats.lines;
                        done.rows_ok = stats.rows_ok;
                        done.errors = stats.errors;
                    }
                    done.slot = slot;
                    if done_tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);

        // The writer runs here, putting the chunks back in order.
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        for done in done_rx {
            pending.insert(done.seq, done);
            while let Some(done) = pending.remove(&next) {
                next += 1;
                let slot = writer.take(done, stop);
                // The reader may have finished: then nobody needs the slot.
                let _ = pool_tx.send(slot);
            }
        }
        reader.join().expect("the reader panicked")
    });
    if let Some(progress) = &mut writer.progress {
        progress.finish();
    }
    let mut summary = writer.summary.clone();
    summary.reform_notes = reform_notes;
    if let Some(failure) = writer.failure.take() {
        return Err(failure);
    }
    reader_result?;
    summary.output_bytes = results.written;
    if let Some(report) = report {
        report.commit()?;
    }
    results.commit()?;
    Ok(summary)
}

/// The result columns with a reform: `case_id`, then for each amount column
/// its baseline, reform and difference.
pub fn side_by_side_columns() -> Vec<String> {
    let mut columns = vec![OUTPUT_COLUMNS[0].to_owned()];
    for column in &OUTPUT_COLUMNS[1..] {
        for suffix in ["baseline", "reform", "difference"] {
            columns.push(format!("{column}_{suffix}"));
        }
    }
    columns
}

/// Reads and checks the reform file as `simulate --reform` does, and
/// resolves the national rules under it at the run's date. The notes name
/// the overrides the batch does not read (premium rates, indexation,
/// 益鹭保's price: nothing in the batch format) and those not yet in force
/// on the day.
fn reform_rules(
    path: &Path,
    policy: &gongshang_rules::PolicySet,
    baseline: &BenefitRules,
) -> Result<(BenefitRules, Vec<String>), CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let reform = gongshang_sim::Reform::parse(&text, policy)
        .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let reformed = reform
        .policies(policy)
        .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let as_of = baseline.as_of;
    let benefit = BenefitRules::resolve(&reformed, as_of).map_err(|e| {
        CliError(format!(
            "the national rules as of {as_of} under {}: {e}",
            path.display()
        ))
    })?;
    let read = parameters_read(baseline);
    let mut notes = Vec::new();
    for o in &reform.overrides {
        if !read
            .iter()
            .any(|id| id.key == o.key && id.jurisdiction == o.jurisdiction)
        {
            notes.push(format!(
                "{} from {} is not read by the batch (no column of the format depends on it)",
                o.key, o.from
            ));
        } else if o.from > as_of {
            notes.push(format!(
                "{} from {} is not in force on --as-of {as_of}: the baseline applies",
                o.key, o.from
            ));
        }
    }
    Ok((benefit, notes))
}

/// The parameters a batch row reads: those of [`BenefitRules`].
fn parameters_read(b: &BenefitRules) -> Vec<&gongshang_rules::params::ParamId> {
    [
        &b.floor_share,
        &b.ceiling_share,
        &b.suspension_months_max,
        &b.suspension_extension_months_max,
        &b.funeral_subsidy_months,
        &b.survivor_rate_spouse,
        &b.survivor_rate_other,
        &b.survivor_rate_extra,
        &b.death_benefit_income_multiple,
    ]
    .into_iter()
    .chain(&b.one_time_subsidy_months)
    .chain(&b.allowance_rate)
    .chain(&b.living_care_rate)
    .map(|p| &p.id)
    .collect()
}

fn header_line<S: AsRef<str>>(columns: &[S]) -> Vec<u8> {
    let columns: Vec<&str> = columns.iter().map(AsRef::as_ref).collect();
    let mut line = columns.join(",").into_bytes();
    line.push(b'\n');
    line
}

/// A chunk's buffers: the bytes read and the bytes to write. They travel from
/// the pool to the reader, a worker, the writer and back, so a run allocates
/// only `threads + 2` of them.
#[derive(Default)]
struct Slot {
    input: Vec<u8>,
    output: Vec<u8>,
}

/// A worker's answer for one chunk.
struct Done {
    seq: u64,
    lines: u64,
    rows_ok: u64,
    errors: Vec<RowError>,
    slot: Slot,
}

/// Reads the header and then the data in chunks that end at a line break,
/// numbered in file order.
fn read_chunks(
    file: &mut File,
    options: &BatchOptions,
    pool: &mpsc::Receiver<Slot>,
    jobs: &mpsc::Sender<(u64, Slot)>,
    stop: &AtomicBool,
) -> Result<(), CliError> {
    let path = &options.input;
    let read_error = |e: std::io::Error| CliError(format!("cannot read {}: {e}", path.display()));
    let mut carry: Vec<u8> = Vec::new();
    let mut seq = 0u64;
    let mut eof = false;
    while !eof {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Ok(mut slot) = pool.recv() else { break };
        let input = &mut slot.input;
        input.clear();
        input.extend_from_slice(&carry);
        carry.clear();
        let mut target = options.chunk_bytes.max(input.len() + 1);
        loop {
            // Exactly what is asked for: read_to_end would otherwise double the buffer.
            input.reserve_exact(target - input.len());
            let want = (target - input.len()) as u64;
            let got = Read::by_ref(file)
                .take(want)
                .read_to_end(input)
                .map_err(read_error)? as u64;
            eof = got < want;
            if eof || input.contains(&b'\n') {
                break;
            }
            // A line longer than a chunk: read more into the same buffer.
            target *= 2;
        }
        if seq == 0 {
            strip_header(input, path, eof)?;
        }
        if !eof {
            let last_break = input
                .iter()
                .rposition(|&b| b == b'\n')
                .expect("the loop above stops at a line break");
            carry.extend_from_slice(&input[last_break + 1..]);
            input.truncate(last_break + 1);
        }
        if jobs.send((seq, slot)).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(())
}

/// Checks and removes the byte-order mark and the header line.
fn strip_header(input: &mut Vec<u8>, path: &Path, eof: bool) -> Result<(), CliError> {
    let bom = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let expected = INPUT_COLUMNS.join(",");
    let (header_end, next) = match input[bom..].iter().position(|&b| b == b'\n') {
        Some(i) => (bom + i, bom + i + 1),
        None if eof => (input.len(), input.len()),
        None => {
            return Err(CliError(format!(
                "{}: the first line is not the header of a batch file; expected: {expected}",
                path.display()
            )));
        }
    };
    let mut header = &input[bom..header_end];
    if let [rest @ .., b'\r'] = header {
        header = rest;
    }
    if header.is_empty() && next == input.len() {
        return Err(CliError(format!(
            "{} is empty; a batch file starts with the header: {expected}",
            path.display()
        )));
    }
    if header != expected.as_bytes() {
        let found = String::from_utf8_lossy(header);
        let mut detail = String::new();
        let names: Vec<&str> = found.split(',').collect();
        for (i, want) in INPUT_COLUMNS.iter().enumerate() {
            match names.get(i) {
                Some(name) if name == want => {}
                Some(name) => {
                    detail = format!("column {} is {name:?} but should be {want:?}", i + 1);
                    break;
                }
                None => {
                    detail = format!("column {} ({want}) is missing", i + 1);
                    break;
                }
            }
        }
        if detail.is_empty() {
            detail = format!(
                "{} columns found, {} expected",
                names.len(),
                INPUT_COLUMNS.len()
            );
        }
        return Err(CliError(format!(
            "{}: the header is not the batch format ({detail}); expected exactly: {expected}",
            path.display()
        )));
    }
    input.drain(..next);
    Ok(())
}

/// The ordered end of the pipeline: writes results and error rows, counts, and
/// remembers the first failure.
struct Writer<'a> {
    options: &'a BatchOptions,
    results: &'a mut PendingFile,
    report: Option<&'a mut PendingFile>,
    summary: BatchSummary,
    /// Lines of the file before the current chunk, header included.
    line_base: u64,
    bytes_done: u64,
    failure: Option<CliError>,
    progress: Option<Progress>,
}

impl Writer<'_> {
    fn take(&mut self, done: Done, stop: &AtomicBool) -> Slot {
        if self.failure.is_some() {
            return done.slot;
        }
        // The header is line 1 and is not part of any chunk.
        let first_line = self.line_base + 2;
        if let Some(error) = done.errors.first()
            && self.report.is_none()
        {
            self.failure = Some(CliError(format!(
                "{}: {}\nno results were written (--skip-invalid writes the good rows and reports the bad ones)",
                self.options.input.display(),
                error.message(first_line)
            )));
            stop.store(true, Ordering::Relaxed);
            return done.slot;
        }
        if let Err(e) = self.results.write(&done.slot.output) {
            self.failure = Some(e);
            stop.store(true, Ordering::Relaxed);
            return done.slot;
        }
        if let Some(report) = &mut self.report
            && !done.errors.is_empty()
        {
            let mut text = Vec::with_capacity(done.errors.len() * 80);
            for error in &done.errors {
                error.write_report_row(first_line, &mut text);
            }
            if let Err(e) = report.write(&text) {
                self.failure = Some(e);
                stop.store(true, Ordering::Relaxed);
                return done.slot;
            }
        }
        self.line_base += done.lines;
        self.summary.rows_calculated += done.rows_ok;
        self.summary.rows_invalid += done.errors.len() as u64;
        self.bytes_done += done.slot.input.len() as u64;
        if let Some(progress) = &mut self.progress {
            progress.update(self.bytes_done, self.summary.rows_calculated);
        }
        done.slot
    }
}

/// An output file written under a temporary name in its folder and renamed
/// into place by [`PendingFile::commit`]; dropped uncommitted, it is removed.
struct PendingFile {
    dest: PathBuf,
    temp: PathBuf,
    file: Option<File>,
    written: u64,
}

impl PendingFile {
    fn create(dest: &Path) -> Result<PendingFile, CliError> {
        let name = dest
            .file_name()
            .ok_or_else(|| CliError(format!("{} is not a file name", dest.display())))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.partial", std::process::id()));
        let temp = dest.with_file_name(temp_name);
        let file = File::create(&temp)
            .map_err(|e| CliError(format!("cannot create {}: {e}", temp.display())))?;
        Ok(PendingFile {
            dest: dest.to_owned(),
            temp,
            file: Some(file),
            written: 0,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let file = self.file.as_mut().expect("written before commit");
        file.write_all(bytes)
            .map_err(|e| CliError(format!("cannot write {}: {e}", self.temp.display())))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn commit(mut self) -> Result<(), CliError> {
        drop(self.file.take());
        std::fs::rename(&self.temp, &self.dest).map_err(|e| {
            CliError(format!(
                "cannot move {} to {}: {e}",
                self.temp.display(),
                self.dest.display()
            ))
        })?;
        self.temp = PathBuf::new();
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.temp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
struct Progress {
    total_bytes: u64,
    started: Instant,
    last_drawn: Option<Instant>,
}

impl Progress {
    fn new(total_bytes: u64) -> Progress {
        Progress {
            total_bytes: total_bytes.max(1),
            started: Instant::now(),
            last_drawn: None,
        }
    }

    fn update(&mut self, bytes_done: u64, rows: u64) {
        let now = Instant::now();
        if self
            .last_drawn
            .is_some_and(|t| now.duration_since(t) < Duration::from_millis(100))
        {
            return;
        }
        self.last_drawn = Some(now);
        const WIDTH: u64 = 30;
        let done = bytes_done.min(self.total_bytes);
        let filled = (done * WIDTH / self.total_bytes) as usize;
        let percent = done * 100 / self.total_bytes;
        let bar = format!(
            "{}{}",
            "#".repeat(filled),
            "-".repeat(WIDTH as usize - filled)
        );
        let elapsed = now.duration_since(self.started).as_millis();
        eprint!("\r[{bar}] {percent:>3}% {rows} rows {elapsed} ms");
    }

    fn finish(&mut self) {
        if self.last_drawn.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

/// A row that could not be calculated. `line` counts from the chunk's first line.
#[derive(Debug)]
struct RowError {
    line: u64,
    case_id: String,
    column: &'static str,
    value: String,
    reason: String,
}

impl RowError {
    fn message(&self, first_line: u64) -> String {
        format!(
            "row {}, column {}: {} (value {:?})",
            first_line + self.line,
            self.column,
            self.reason,
            self.value
        )
    }

    fn write_report_row(&self, first_line: u64, out: &mut Vec<u8>) {
        out.extend_from_slice((first_line + self.line).to_string().as_bytes());
        for field in [
            self.case_id.as_str(),
            self.column,
            self.value.as_str(),
            self.reason.as_str(),
        ] {
            out.push(b',');
            write_csv_field(field.as_bytes(), out);
        }
        out.push(b'\n');
    }
}

/// Writes a field, quoted (RFC 4180) only when it has to be.
fn write_csv_field(field: &[u8], out: &mut Vec<u8>) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

struct ChunkStats {
    lines: u64,
    rows_ok: u64,
    errors: Vec<RowError>,
}

/// Parses, computes and formats every line of `input` into `output`. Without
/// `skip_invalid` it stops at the first bad row (the run fails anyway).
fn process_chunk(
    input: &[u8],
    output: &mut Vec<u8>,
    rules: &BatchRules,
    skip_invalid: bool,
) -> ChunkStats {
    output.clear();
    // Results are about as long as the cases; a little more avoids regrowing.
    output.reserve_exact(input.len() + input.len() / 8);
    let mut stats = ChunkStats {
        lines: 0,
        rows_ok: 0,
        errors: Vec::new(),
    };
    let mut scratch = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let line_start = pos;
        let line_number = stats.lines;
        stats.lines += 1;
        let mut fields: [&[u8]; COLUMN_COUNT] = [&[]; COLUMN_COUNT];
        let mut count = 0usize;
        let mut start = pos;
        let mut quoted = false;
        let line_end = loop {
            let d = next_delimiter(input, start);
            match input.get(d) {
                Some(b',') => {
                    if count < COLUMN_COUNT {
                        fields[count] = &input[start..d];
                    }
                    count += 1;
                    start = d + 1;
                }
                Some(b'"') => {
                    // The slow path re-reads the whole line.
                    quoted = true;
                    break d + input[d..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap_or(input.len() - d);
                }
                _ => break d,
            }
        };
        pos = line_end + 1;
        let mut last = &input[start.min(line_end)..line_end];
        if let [rest @ .., b'\r'] = last {
            last = rest;
        }
        if count < COLUMN_COUNT {
            fields[count] = last;
        }
        count += 1;
        if count == 1 && last.is_empty() {
            // A blank line (e.g. at the end of the file) is not a row.
            continue;
        }
        let row = if quoted {
            let mut line = &input[line_start..line_end];
            if let [rest @ .., b'\r'] = line {
                line = rest;
            }
            split_quoted(line, &mut scratch)
        } else {
            Ok(RowFields { fields, count })
        };
        let mark = output.len();
        let result = row.and_then(|row| calculate_row(&row, rules, output));
        match result {
            Ok(()) => stats.rows_ok += 1,
            Err(mut error) => {
                output.truncate(mark);
                error.line = line_number;
                stats.errors.push(*error);
                if !skip_invalid {
                    break;
                }
            }
        }
    }
    stats
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The high bit of every byte of `word` that is zero; the lowest one set is
/// exact (higher ones may be false, which is all right for finding the first).
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// The position of the next `,`, `"` or line break at or after `from`, or the
/// end of `input`; eight bytes at a time.
#[inline(always)]
fn next_delimiter(input: &[u8], mut from: usize) -> usize {
    while let Some(bytes) = input.get(from..from + 8) {
        let word = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        let found = zero_bytes(word ^ (ONES * u64::from(b',')))
            | zero_bytes(word ^ (ONES * u64::from(b'\n')))
            | zero_bytes(word ^ (ONES * u64::from(b'"')));
        if found != 0 {
            return from + (found.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while from < input.len() && !matches!(input[from], b',' | b'\n' | b'"') {
        from += 1;
    }
    from
}

/// The fields of one row, borrowed from the chunk (or from a scratch buffer
/// for a row with quoted fields).
struct RowFields<'a> {
    fields: [&'a [u8]; COLUMN_COUNT],
    /// How many fields the row really has (may exceed the columns).
    count: usize,
}

/// Splits a line with quoted fields (RFC 4180: `"a, ""b"""` is `a, "b"`).
fn split_quoted<'s>(line: &[u8], scratch: &'s mut Vec<u8>) -> Result<RowFields<'s>, Box<RowError>> {
    scratch.clear();
    let mut ranges = [(0usize, 0usize); COLUMN_COUNT];
    let mut count = 0usize;
    let mut i = 0;
    loop {
        let start = scratch.len();
        if line.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match line.get(i) {
                    None => {
                        let column = INPUT_COLUMNS.get(count).copied().unwrap_or(ROW_AS_A_WHOLE);
                        return Err(RowError::new(
                            column,
                            String::from_utf8_lossy(line).into_owned(),
                            "a quoted field is not closed (a field cannot span lines)".into(),
                        ));
                    }
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        scratch.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&b) => {
                        scratch.push(b);
                        i += 1;
                    }
                }
            }
            if !matches!(line.get(i), None | Some(b',')) {
                let column = INPUT_COLUMNS.get(count).copied().unwrap_or(ROW_AS_A_WHOLE);
                return Err(RowError::new(
                    column,
                    String::from_utf8_lossy(line).into_owned(),
                    "text after the closing quote of a quoted field".into(),
                ));
            }
        } else {
            while let Some(&b) = line.get(i) {
                if b == b',' {
                    break;
                }
                if b == b'"' {
                    let column = INPUT_COLUMNS.get(count).copied().unwrap_or(ROW_AS_A_WHOLE);
                    return Err(RowError::new(
                        column,
                        String::from_utf8_lossy(line).into_owned(),
                        "a quote inside an unquoted field (quote the whole field and double the quote)"
                            .into(),
                    ));
                }
                scratch.push(b);
                i += 1;
            }
        }
        if count < COLUMN_COUNT {
            ranges[count] = (start, scratch.len());
        }
        count += 1;
        if line.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    let scratch: &'s [u8] = scratch;
    let mut fields: [&[u8]; COLUMN_COUNT] = [&[]; COLUMN_COUNT];
    for (field, (start, end)) in fields.iter_mut().zip(ranges) {
        *field = &scratch[start..end];
    }
    Ok(RowFields { fields, count })
}

impl RowError {
    fn new(column: &'static str, value: String, reason: String) -> Box<RowError> {
        Box::new(RowError {
            line: 0,
            case_id: String::new(),
            column,
            value,
            reason,
        })
    }
}

fn field_error(row: &RowFields<'_>, column: usize, reason: String) -> Box<RowError> {
    Box::new(RowError {
        line: 0,
        case_id: String::from_utf8_lossy(row.fields[COL_CASE_ID]).into_owned(),
        column: INPUT_COLUMNS[column],
        value: String::from_utf8_lossy(row.fields[column]).into_owned(),
        reason,
    })
}

fn money(row: &RowFields<'_>, column: usize) -> Result<Money, Box<RowError>> {
    match Money::parse_yuan_bytes(row.fields[column]) {
        Ok(m) if m.is_negative() => Err(field_error(row, column, "must not be negative".into())),
        Ok(m) => Ok(m),
        Err(reason) => Err(field_error(
            row,
            column,
            format!("not an amount in yuan: {reason} (write it like 8500 or 8500.50)"),
        )),
    }
}

/// A whole number of at most 9 digits.
fn whole(row: &RowFields<'_>, column: usize, allowed: &str) -> Result<u32, Box<RowError>> {
    let text = row.fields[column];
    if let [digit @ b'0'..=b'9'] = text {
        return Ok(u32::from(digit - b'0'));
    }
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return Err(field_error(
            row,
            column,
            format!("not a whole number: allowed {allowed}"),
        ));
    }
    Ok(text.iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0')))
}

fn flag(row: &RowFields<'_>, column: usize) -> Result<bool, Box<RowError>> {
    match row.fields[column] {
        b"0" => Ok(false),
        b"1" => Ok(true),
        _ => Err(field_error(row, column, "must be 0 or 1".into())),
    }
}

/// The reason of an engine error, without the input name (the column says it).
fn engine_reason(error: &RulesError) -> String {
    match error {
        RulesError::InputOutOfRange { allowed, .. } => format!("out of range: allowed {allowed}"),
        other => other.to_string(),
    }
}

fn engine_error(row: &RowFields<'_>, error: &RulesError) -> Box<RowError> {
    let column = error
        .field()
        .and_then(|f| INPUT_COLUMNS.iter().position(|c| *c == f));
    match column {
        Some(column) => field_error(row, column, engine_reason(error)),
        None => Box::new(RowError {
            line: 0,
            case_id: String::from_utf8_lossy(row.fields[COL_CASE_ID]).into_owned(),
            column: ROW_AS_A_WHOLE,
            value: String::new(),
            reason: error.to_string(),
        }),
    }
}

/// The rules of a run: the national parameters resolved once, and the scheme's
/// items by grade when the run is under a scheme.
pub struct BatchRules {
    benefit: BenefitRules,
    scheme: Option<SchemeMask>,
    /// The national rules under the reform, when the run has one.
    reform: Option<BenefitRules>,
}

/// Which of the batch's items a scheme pays, for each grade (index 0: none).
struct SchemeMask {
    pays: [[bool; 7]; 11],
    on_regional_average: bool,
}

/// The batch columns after the benefit wage, as items.
const ITEM_COLUMNS: [Item; 7] = [
    Item::OneTimeDisabilitySubsidy,
    Item::MonthlyDisabilityAllowance,
    Item::MonthlyLivingCare,
    Item::FuneralSubsidy,
    Item::OneTimeDeathBenefit,
    Item::MonthlySurvivorPensions,
    Item::SuspensionWages,
];

impl SchemeMask {
    fn new(scheme: &Scheme) -> Result<SchemeMask, CliError> {
        if scheme.benefit_family != BenefitFamily::Regulations {
            return Err(CliError(format!(
                "scheme {} pays an insurer's schedule, not the Regulations' items of the batch format; calculate its cases one by one with calc --scheme",
                scheme.id
            )));
        }
        if scheme.benefit_wage_basis == BenefitWageBasis::PrivateAverageShare {
            return Err(CliError(format!(
                "scheme {} computes on the private-unit average wage and pays a grade 5-6 one-time allowance, which the batch format has no columns for; calculate its cases one by one with calc --scheme",
                scheme.id
            )));
        }
        let mut pays = [[false; 7]; 11];
        for (grade, row) in pays.iter_mut().enumerate() {
            let grade = (grade > 0).then_some(grade as u8);
            for (column, item) in ITEM_COLUMNS.iter().enumerate() {
                row[column] = scheme.item(*item, grade).is_some();
            }
        }
        Ok(SchemeMask {
            pays,
            on_regional_average: scheme.benefit_wage_basis == BenefitWageBasis::RegionalAverage,
        })
    }

    fn apply(&self, grade: Option<u8>, award: &mut AwardAmounts) {
        let pays = &self.pays[usize::from(grade.unwrap_or(0))];
        let amounts = [
            &mut award.one_time_disability_subsidy,
            &mut award.monthly_disability_allowance,
            &mut award.monthly_living_care,
            &mut award.funeral_subsidy,
            &mut award.one_time_death_benefit,
            &mut award.monthly_survivor_pensions,
            &mut award.suspension_wages,
        ];
        for (amount, paid) in amounts.into_iter().zip(pays) {
            if !paid {
                *amount = Money::ZERO;
            }
        }
    }
}

/// `--scheme ID` or `--jurisdiction J` (its employees' scheme) for a batch.
fn scheme_of(args: &CalcArgs) -> Result<Option<gongshang_rules::SchemeId>, CliError> {
    Ok(match (&args.scheme, &args.jurisdiction) {
        (Some(id), _) => Some(id.clone()),
        (None, Some(j)) => Some(
            gongshang_rules::SchemeId::parse(&format!("{j}.employees"))
                .map_err(|e| CliError(format!("--jurisdiction {j:?}: {e}")))?,
        ),
        (None, None) => None,
    })
}

/// Parses one row, computes its award and appends the result line to `out`.
fn calculate_row(
    row: &RowFields<'_>,
    rules: &BatchRules,
    out: &mut Vec<u8>,
) -> Result<(), Box<RowError>> {
    if row.count != COLUMN_COUNT {
        let (column, value, reason) = if row.count < COLUMN_COUNT {
            (
                INPUT_COLUMNS[row.count],
                String::new(),
                format!(
                    "missing: the row has {} of the {COLUMN_COUNT} columns",
                    row.count
                ),
            )
        } else {
            (
                ROW_AS_A_WHOLE,
                String::new(),
                format!("the row has {} columns, {COLUMN_COUNT} expected", row.count),
            )
        };
        return Err(Box::new(RowError {
            line: 0,
            case_id: String::from_utf8_lossy(row.fields[COL_CASE_ID]).into_owned(),
            column,
            value,
            reason,
        }));
    }
    let case_id = row.fields[COL_CASE_ID];
    if case_id.is_empty() {
        return Err(field_error(row, COL_CASE_ID, "is empty".into()));
    }
    if !case_id.is_ascii() && std::str::from_utf8(case_id).is_err() {
        return Err(field_error(row, COL_CASE_ID, "is not UTF-8 text".into()));
    }
    // Refused as gongshang-csv refuses them (a test feeds both the same
    // files); the other columns are numbers, which refuse them anyway.
    if case_id.iter().any(|&b| b == 0 || b == b'\r') {
        return Err(field_error(
            row,
            COL_CASE_ID,
            "holds a NUL byte or a carriage return".into(),
        ));
    }
    let own_wage = money(row, COL_OWN_WAGE)?;
    let regional_avg_wage = money(row, COL_REGIONAL_AVG_WAGE)?;
    let min_wage = money(row, COL_MIN_WAGE)?;
    let national_income = money(row, COL_NATIONAL_INCOME)?;
    const GRADES: &str = "0 (no disability) or 1 to 10 (1 is the most severe)";
    let grade = match whole(row, COL_GRADE, GRADES)? {
        0 => None,
        g => Some(
            u8::try_from(g)
                .map_err(|_| ())
                .and_then(|g| Grade::new(g).map_err(|_| ()))
                .map_err(|()| {
                    field_error(row, COL_GRADE, format!("out of range: allowed {GRADES}"))
                })?,
        ),
    };
    let job_arranged = flag(row, COL_JOB_ARRANGED)?;
    const NURSING: &str = "0 none, 1 partly, 2 mostly, 3 completely dependent";
    let nursing_code = whole(row, COL_NURSING, NURSING)?;
    let nursing = u8::try_from(nursing_code)
        .map_err(|_| RulesError::out_of_range("nursing", nursing_code, NURSING))
        .and_then(NursingLevel::from_code)
        .map_err(|e| engine_error(row, &e))?;
    let died = flag(row, COL_DIED)?;
    let spouse = flag(row, COL_SPOUSE)?;
    let others = whole(row, COL_OTHER_DEPENDENTS, "0 to 20")?;
    let extra10 = whole(row, COL_EXTRA10_DEPENDENTS, "0 to the number of dependants")?;
    let dependants = Dependants::new(spouse, others, extra10).map_err(|e| engine_error(row, &e))?;
    let suspension_months = whole(row, COL_SUSPENSION_MONTHS, "0 to 24")?;
    let basic_pension_monthly = if row.fields[COL_BASIC_PENSION].is_empty() {
        None
    } else {
        Some(money(row, COL_BASIC_PENSION)?)
    };

    let input = AwardInput {
        own_wage,
        grade,
        job_arranged,
        nursing,
        veteran_recurrence: false,
        suspension_months,
        // The format has no column for it: months 13-24 mean it was confirmed.
        suspension_extension_confirmed: suspension_months > 12,
        hospital_days: 0,
        died,
        dependants,
        basic_pension_monthly,
    };
    let facts = AwardFacts {
        regional_avg_wage: Some(Fact::given(regional_avg_wage)),
        min_wage: Some(Fact::given(min_wage)),
        national_income: Some(Fact::given(national_income)),
        ..AwardFacts::default()
    };
    let mut input = input;
    if rules.scheme.as_ref().is_some_and(|s| s.on_regional_average) {
        // The scheme computes benefits on the regional average wage.
        input.own_wage = regional_avg_wage;
    }
    let award = |benefit: &BenefitRules| -> Result<[Money; 8], Box<RowError>> {
        let mut award = compute_award(&input, &facts, benefit, &mut NoTrace)
            .map_err(|e| engine_error(row, &e))?;
        if let Some(scheme) = &rules.scheme {
            scheme.apply(grade.map(Grade::get), &mut award);
        }
        Ok([
            award.benefit_wage,
            award.one_time_disability_subsidy,
            award.monthly_disability_allowance,
            award.monthly_living_care,
            award.funeral_subsidy,
            award.one_time_death_benefit,
            award.monthly_survivor_pensions,
            award.suspension_wages,
        ])
    };
    let baseline = award(&rules.benefit)?;

    write_csv_field(case_id, out);
    match &rules.reform {
        None => {
            for amount in baseline {
                write_amount(amount, out);
            }
        }
        Some(reform_rules) => {
            let reform = award(reform_rules)?;
            for (b, r) in baseline.into_iter().zip(reform) {
                let difference = r.checked_sub(b).ok_or_else(|| {
                    field_error(row, COL_OWN_WAGE, "the difference overflows".into())
                })?;
                write_amount(b, out);
                write_amount(r, out);
                write_amount(difference, out);
            }
        }
    }
    out.push(b'\n');
    Ok(())
}

/// A comma and the amount in yuan.
#[inline(always)]
fn write_amount(amount: Money, out: &mut Vec<u8>) {
    out.push(b',');
    // Most items of a row are zero; skip the digit loop for them.
    if amount == Money::ZERO {
        out.extend_from_slice(b"0.00");
    } else {
        amount.write_yuan(out);
    }
}
