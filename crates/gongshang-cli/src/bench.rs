//! `gongshang bench`: measures the batch path end to end (read, compute,
//! write) on synthetic cases, with the machine and the peak memory.
//!
//! The cases are generated first (not timed); then the same code as
//! `gongshang calc --batch` runs a few times in this process. Speed is
//! measured here, never asserted in a test.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::CliError;
use crate::batch::{self, BatchOptions, CHUNK_BYTES_DEFAULT};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// How many rows
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,
    /// The seed of the synthetic cases
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Worker threads [default: all cores]
    #[arg(long)]
    pub threads: Option<usize>,
    /// How many timed runs
    #[arg(long, default_value_t = 5)]
    pub runs: u32,
    /// Keep the files in this folder [default: a temporary folder, removed afterwards]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Calculate under this scheme (see `gongshang policies schemes`)
    #[arg(long, value_name = "ID")]
    pub scheme: Option<gongshang_rules::SchemeId>,
}

pub fn run(args: &BenchArgs) -> Result<(), CliError> {
    let threads = match args.threads {
        Some(0) => return Err(CliError("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    if args.runs == 0 {
        return Err(CliError("--runs must be at least 1".into()));
    }
    let (dir, remove_dir) = match &args.dir {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!("gongshang-bench-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;
    let result = measure(args, threads, &dir);
    if remove_dir {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn measure(args: &BenchArgs, threads: usize, dir: &std::path::Path) -> Result<(), CliError> {
    let cases = dir.join("cases.csv");
    let results = dir.join("results.csv");

    println!(
        "machine: {} ({} logical cpus, {} used)",
        cpu_model(),
        cpu_count(),
        threads
    );
    let started = Instant::now();
    crate::synth::write_cases(&cases, args.rows, args.seed, threads)?;
    let synth_time = started.elapsed();
    let input_bytes = std::fs::metadata(&cases).map(|m| m.len()).unwrap_or(0);
    println!(
        "synth:   {} rows, {} in {} (not part of the figures below)",
        args.rows,
        mebibytes(input_bytes),
        millis(synth_time)
    );
    let synth_peak = peak_rss_kib();
    // Start the peak memory over, so that it is the batch path's alone.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();

    let options = BatchOptions {
        input: cases,
        output: results,
        errors: None,
        as_of: crate::today_in_china(),
        threads,
        chunk_bytes: CHUNK_BYTES_DEFAULT,
        scheme: args.scheme.clone(),
        policies: None,
        progress: false,
        reform: None,
    };
    let mut times = Vec::with_capacity(args.runs as usize);
    let mut output_bytes = 0;
    for run in 1..=args.runs {
        let started = Instant::now();
        let summary = batch::execute(&options)?;
        let elapsed = started.elapsed();
        output_bytes = summary.output_bytes;
        println!(
            "run {run}:   {} rows in {} = {} rows/s",
            summary.rows_calculated,
            millis(elapsed),
            rows_per_second(summary.rows_calculated, elapsed)
        );
        times.push(elapsed);
    }
    times.sort();
    let best = times[0];
    let median = times[times.len() / 2];
    println!(
        "batch:   calc --batch, {} rows, {} in, {} out, {} threads, as of {}",
        args.rows,
        mebibytes(input_bytes),
        mebibytes(output_bytes),
        threads,
        options.as_of
    );
    println!(
        "         best {} ({} rows/s), median {} ({} rows/s) of {} runs",
        millis(best),
        rows_per_second(args.rows, best),
        millis(median),
        rows_per_second(args.rows, median),
        args.runs
    );
    match (peak_rss_kib(), reset) {
        (Some(peak), true) => println!(
            "memory:  peak RSS of the batch runs {} (VmHWM, reset after synth)",
            mebibytes(peak * 1024)
        ),
        (Some(peak), false) => println!(
            "memory:  peak RSS {} (VmHWM, includes synth: /proc/self/clear_refs was not writable)",
            mebibytes(peak * 1024)
        ),
        (None, _) => println!("memory:  peak RSS unknown (no /proc/self/status)"),
    }
    if let Some(peak) = synth_peak {
        println!("         peak RSS during synth {}", mebibytes(peak * 1024));
    }
    Ok(())
}

/// VmHWM (the peak resident set size) of this process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown cpu".into())
}

fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Milliseconds with one decimal, in integers.
fn millis(d: Duration) -> String {
    let tenths = d.as_micros() / 100;
    format!("{}.{} ms", tenths / 10, tenths % 10)
}

fn mebibytes(bytes: u64) -> String {
    let tenths = bytes * 10 / (1 << 20);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

fn rows_per_second(rows: u64, d: Duration) -> String {
    let nanos = d.as_nanos().max(1);
    let per_second = u128::from(rows) * 1_000_000_000 / nanos;
    // Thousands separated by commas, e.g. 2,345,678.
    let digits = per_second.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
