//! `gongshang synth cases`: deterministic synthetic cases in the batch format.
//!
//! Row `i` of seed `S` is drawn from its own generator seeded by `(S, i)`, so
//! the file depends only on the count and the seed: not on the number of
//! threads, nor on how the rows are split into chunks. Money is drawn in
//! integer fen only (the own wage's log-normal shape is a product of integer
//! ratios), never through floating point.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use gongshang_rules::Money;

use crate::CliError;
use crate::batch::INPUT_COLUMNS;

#[derive(clap::Args)]
pub struct SynthCasesArgs {
    /// How many cases
    #[arg(long)]
    pub count: u64,
    /// The seed: the same count and seed always give the same file
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Where the CSV goes
    #[arg(long, value_name = "CSV")]
    pub out: PathBuf,
    /// Worker threads [default: all cores] (the file does not depend on it)
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: &SynthCasesArgs) -> Result<(), CliError> {
    let threads = match args.threads {
        Some(0) => return Err(CliError("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    write_cases(&args.out, args.count, args.seed, threads)?;
    println!(
        "{} synthetic cases (seed {}) written to {}",
        args.count,
        args.seed,
        args.out.display()
    );
    Ok(())
}

const ROWS_PER_CHUNK: u64 = 1 << 16;

/// Writes `count` cases of seed `seed` to `path` (under a temporary name,
/// renamed when complete).
pub fn write_cases(path: &Path, count: u64, seed: u64, threads: usize) -> Result<(), CliError> {
    let name = path
        .file_name()
        .ok_or_else(|| CliError(format!("{} is not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.partial", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let result = write_all_chunks(&temp, count, seed, threads.max(1)).and_then(|()| {
        std::fs::rename(&temp, path).map_err(|e| {
            CliError(format!(
                "cannot move {} to {}: {e}",
                temp.display(),
                path.display()
            ))
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn write_all_chunks(temp: &Path, count: u64, seed: u64, threads: usize) -> Result<(), CliError> {
    let write_error = |e: std::io::Error| CliError(format!("cannot write {}: {e}", temp.display()));
    let mut file = File::create(temp)
        .map_err(|e| CliError(format!("cannot create {}: {e}", temp.display())))?;
    let mut header = INPUT_COLUMNS.join(",").into_bytes();
    header.push(b'\n');
    file.write_all(&header).map_err(write_error)?;

    let chunks = count.div_ceil(ROWS_PER_CHUNK);
    let mut spare: Vec<Vec<u8>> = Vec::new();
    let mut ready: Vec<Vec<u8>> = Vec::new();
    let mut next_chunk = 0u64;
    // Each round generates up to `threads` chunks while this thread writes the
    // previous round's chunks, in order.
    while next_chunk < chunks || !ready.is_empty() {
        let round: Vec<u64> = (next_chunk..chunks.min(next_chunk + threads as u64)).collect();
        next_chunk += round.len() as u64;
        let mut buffers: Vec<Vec<u8>> = round
            .iter()
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let written = std::thread::scope(|s| {
            let handles: Vec<_> = round
                .iter()
                .zip(buffers.drain(..))
                .map(|(&chunk, mut buffer)| {
                    s.spawn(move || {
                        buffer.clear();
                        let first = chunk * ROWS_PER_CHUNK;
                        let last = count.min(first + ROWS_PER_CHUNK);
                        for index in first..last {
                            write_case(seed, index, &mut buffer);
                        }
                        buffer
                    })
                })
                .collect();
            let mut written = Ok(());
            for buffer in &ready {
                if written.is_ok() {
                    written = file.write_all(buffer);
                }
            }
            for handle in handles {
                buffers.push(handle.join().expect("a synth worker panicked"));
            }
            written
        });
        written.map_err(write_error)?;
        spare.append(&mut ready);
        ready = buffers;
    }
    Ok(())
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for
/// test data; every row gets its own stream.
pub(crate) struct SplitMix64(u64);

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    pub(crate) fn for_row(seed: u64, index: u64) -> SplitMix64 {
        SplitMix64(mix64(
            seed.wrapping_mul(GOLDEN_GAMMA) ^ mix64(index ^ 0x632B_E59B_D9B4_E019),
        ))
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is far below 2^-40).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `low..=high`.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// True with probability `per_mille / 1000`.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// An index drawn with the given weights.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut pick = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if pick < w {
                return i;
            }
            pick -= w;
        }
        weights.len() - 1
    }
}

/// A pooling region: average monthly wage of the previous year and monthly
/// minimum wage, in fen, and how often it appears. The last one, with a low
/// average and a high minimum wage, makes the allowance's minimum-wage top-up
/// happen; its fen make the 60%/300% bounds need rounding.
const REGIONS: [(i64, i64, u64); 6] = [
    (675_600, 230_000, 25),
    (800_000, 236_000, 25),
    (900_000, 250_000, 20),
    (1_176_100, 269_000, 12),
    (1_243_400, 254_000, 10),
    (601_237, 242_000, 8),
];

/// National urban per-capita disposable income (yuan a year), in fen.
const NATIONAL_INCOMES: [i64; 3] = [4_928_300, 5_182_100, 5_418_800];

/// Grades 0 (none) to 10, per mille, for the living.
const GRADE_WEIGHTS: [u64; 11] = [470, 5, 8, 12, 15, 30, 40, 70, 80, 120, 150];

/// The own wage in fen: log-normal-ish around 80% of the regional average (a
/// product of eight independent ratios between 0.82 and 1.22, σ of the log
/// about 0.33), with a long right tail (4% earn 2.5-5 times that), so both
/// clamp edges of Art 64 are hit. Some are whole yuan, some have fen.
fn own_wage_fen(rng: &mut SplitMix64, regional_avg_fen: i64) -> i64 {
    let mut fen = regional_avg_fen * 4 / 5;
    for _ in 0..8 {
        fen = fen * (820 + rng.below(401) as i64) / 1000;
    }
    if rng.chance(40) {
        fen = fen * rng.between(250, 500) as i64 / 100;
    }
    if rng.chance(600) {
        fen = (fen + 50) / 100 * 100;
    }
    fen.max(100_000)
}

fn write_u64(mut n: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends case `index` of `seed` as one CSV line.
fn write_case(seed: u64, index: u64, out: &mut Vec<u8>) {
    let rng = &mut SplitMix64::for_row(seed, index);
    let (avg, min_wage, _) = REGIONS[rng.weighted(&REGIONS.map(|r| r.2))];
    let own = own_wage_fen(rng, avg);
    let income = NATIONAL_INCOMES[rng.below(3) as usize];
    let died = rng.chance(25);
    let grade = if died {
        // Most deaths are at the accident; some after an appraisal.
        match rng.below(100) {
            0..85 => 0,
            85..95 => rng.between(1, 4),
            _ => rng.between(5, 10),
        }
    } else {
        rng.weighted(&GRADE_WEIGHTS) as u64
    };
    let job_arranged = matches!(grade, 5 | 6) && rng.chance(500);
    let nursing = match grade {
        1 => [3, 3, 3, 3, 3, 3, 2, 2, 2, 1][rng.below(10) as usize],
        2 => [3, 3, 2, 2, 2, 2, 2, 1, 1, 1][rng.below(10) as usize],
        3 => [2, 2, 2, 1, 1, 1, 1, 1, 0, 0][rng.below(10) as usize],
        4 => [1, 1, 1, 1, 0, 0, 0, 0, 0, 0][rng.below(10) as usize],
        5 | 6 => u64::from(rng.chance(50)),
        _ => 0,
    };
    let (spouse, others, extra10) = if died {
        let spouse = rng.chance(850);
        let others = rng.weighted(&[25, 35, 30, 10]) as u64;
        let total = others + u64::from(spouse);
        let extra10 = if total > 0 && rng.chance(200) {
            rng.between(1, total.min(2))
        } else {
            0
        };
        (spouse, others, extra10)
    } else {
        (false, 0, 0)
    };
    let suspension = match rng.below(100) {
        0..8 => 0,
        8..68 => rng.between(1, 6),
        68..96 => rng.between(7, 12),
        _ => rng.between(13, 24),
    };

    out.extend_from_slice(b"S");
    write_u64(seed, out);
    out.push(b'-');
    let number = index + 1;
    let mut digits = 1;
    let mut n = number;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    for _ in digits..7 {
        out.push(b'0');
    }
    write_u64(number, out);
    for amount in [own, avg, min_wage, income] {
        out.push(b',');
        Money::from_fen(amount).write_yuan(out);
    }
    for n in [
        grade,
        u64::from(job_arranged),
        nursing,
        u64::from(died),
        u64::from(spouse),
        others,
        extra10,
        suspension,
    ] {
        out.push(b',');
        write_u64(n, out);
    }
    // A basic pension (empty: none): drawn last so that the other columns do
    // not depend on it. Some living grade 1-4 workers draw one (Art 35(3)).
    out.push(b',');
    if (1..=4).contains(&grade) && !died && rng.chance(300) {
        Money::from_fen(rng.between(200_000, 900_000) as i64).write_yuan(out);
    }
    out.push(b'\n');
}
